//! `/bedrock`: the Bedrock Runtime Converse API as the AWS SDKs speak it (boto3's
//! `bedrock-runtime` client with `endpoint_url=http://HOST:PORT/bedrock`), served by
//! any configured provider.
//!
//! `POST /bedrock/model/{modelId}/converse` and `.../converse-stream` are translated to
//! the canonical chat request (`request`, `tools`), go through exactly the
//! `/v1/chat/completions` pipeline, and the answer is translated back (`response`) or
//! written event by event in AWS event-stream framing (`stream`). Errors take the AWS
//! JSON protocol's shape (`x-amzn-ErrorType` plus `{"message"}`), which botocore raises
//! as `ClientError` with that code.
//!
//! The model id is percent-decoded: boto3 encodes `/` and `:` in ids and ARNs
//! (`openai%2Fgpt-4o`); an unencoded `/` works too, since the id is everything between
//! `model/` and the last `/`.
//!
//! Credentials: the SDK signs with SigV4 (`Authorization: AWS4-HMAC-SHA256 ...`); the
//! signature is accepted and not verified, and nothing of the client's headers is sent
//! upstream: providers use their own configured keys.

mod request;
mod response;
mod stream;
mod tools;

use std::time::Instant;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::Value;

use super::super::inference::{
    dispatch_chat, dispatch_chat_stream, prepare_chat, request_id, with_id, Dialect,
};
use super::super::AppState;
use crate::config::ProviderType;
use crate::hooks::RequestInfo;
use crate::server::ApiError;

/// Errors and hook answers in the AWS shape.
const BEDROCK: Dialect = Dialect {
    error: response::render_error,
    hook_answer,
};

fn hook_answer(body: Value, info: &RequestInfo) -> Response {
    let latency = info.started.elapsed().as_millis() as u64;
    match serde_json::from_value(body.clone()) {
        Ok(chat) => axum::Json(response::converse(&chat, latency)),
        Err(_) => axum::Json(body),
    }
    .into_response()
}

/// The `/bedrock` routes, to be merged into the server's route table. One catch-all,
/// split here: model ids may contain `/`, and the router cannot hold both
/// `/bedrock/model/{*id}` with a suffix and a catch-all for the 404.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/bedrock/{*rest}", any(dispatch_path))
}

/// Serves `rest`, the path after the integration's prefix (`model/ID/converse`); the
/// `/litellm` union calls it with its own prefix stripped.
pub(crate) async fn dispatch_path(
    State(state): State<AppState>,
    Path(rest): Path<String>,
    method: http::Method,
    uri: http::Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let target = rest
        .strip_prefix("model/")
        .and_then(|r| r.rsplit_once('/'))
        .filter(|(model, _)| !model.is_empty());
    match (target, &method) {
        (Some((model, "converse")), &http::Method::POST) => {
            converse(state, model.to_string(), headers, body, false).await
        }
        (Some((model, "converse-stream")), &http::Method::POST) => {
            converse(state, model.to_string(), headers, body, true).await
        }
        _ => response::render_error(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found_error",
            format!(
                "no route for {method} {}; this gateway serves POST /bedrock/model/MODEL/converse \
                 and POST /bedrock/model/MODEL/converse-stream",
                uri.path()
            ),
        )),
    }
}

async fn converse(
    state: AppState,
    model: String,
    headers: HeaderMap,
    body: Body,
    stream: bool,
) -> Response {
    let started = Instant::now();
    let id = request_id(&headers);
    let fail = |e: ApiError| with_id(response::render_error(e), &id);
    let body: Value = match super::super::body::read_json(&state, &headers, body).await {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let chat = match request::to_chat(&model, &body, stream) {
        Ok(chat) => chat,
        Err(e) => {
            return fail(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                e.0,
            ))
        }
    };
    let (ctx, mut req, route) = match prepare_chat(&state, headers, chat, started, BEDROCK).await {
        Ok(prepared) => prepared,
        Err(done) => return done,
    };
    if route.provider.config.kind != ProviderType::Bedrock {
        request::spread_additional_fields(&mut req);
    }
    if stream {
        let result = dispatch_chat_stream(&ctx, &route, &req).await;
        let mut out = ctx.stream_with(
            &route,
            result,
            |chunk, hooks, info| {
                hooks.on_chunk(info, chunk);
                chunk.usage.clone()
            },
            stream::EventStream::new(started),
        );
        if out.status() == StatusCode::OK {
            out.headers_mut().insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static(stream::CONTENT_TYPE),
            );
        }
        return out;
    }
    let result = dispatch_chat(&ctx, &route, &req).await;
    let t = match ctx.typed(&route, result, "a chat completion") {
        Ok(t) => t,
        Err(done) => return done,
    };
    let latency = started.elapsed().as_millis() as u64;
    let mut out = axum::Json(response::converse(&t.answer, latency)).into_response();
    out.headers_mut().extend(t.headers);
    ctx.complete(200, Some(&route), t.key_name, t.attempts, || t.usage);
    with_id(out, &ctx.info().request_id)
}
