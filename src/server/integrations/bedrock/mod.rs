//! `/bedrock`: the Bedrock Runtime Converse API as the AWS SDKs speak it (boto3's
//! `bedrock-runtime` client with `endpoint_url=http://HOST:PORT/bedrock`), served by
//! any configured provider.
//!
//! `POST /bedrock/model/{modelId}/converse` and `.../converse-stream` routed to a
//! `bedrock` provider are forwarded untranslated (`native`). For any other provider
//! they are translated to the canonical chat request (`request`, `tools`), go through
//! exactly the `/v1/chat/completions` pipeline, and the answer is translated back
//! (`response`) or written event by event in AWS event-stream framing (`stream`).
//! Errors take the AWS JSON protocol's shape (`x-amzn-ErrorType` plus `{"message"}`),
//! which botocore raises as `ClientError` with that code.
//!
//! The model id is percent-decoded: boto3 encodes `/` and `:` in ids and ARNs
//! (`openai%2Fgpt-4o`); an unencoded `/` works too, since the id is everything between
//! `model/` and the last `/`.
//!
//! Credentials: the SDK signs with SigV4 (`Authorization: AWS4-HMAC-SHA256 ...`); the
//! signature is accepted and not verified, and nothing of the client's headers is sent
//! upstream: providers use their own configured keys (a `bedrock` upstream gets the
//! body signed anew with the provider's credentials).

mod native;
pub(crate) mod request;
mod response;
mod stream;
mod tools;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use http::{HeaderMap, StatusCode};
use serde_json::Value;

use super::super::pipeline::{self, ChatDialect, Ctx, Demand, Dialect};
use super::super::AppState;
use crate::hooks::{Endpoint, RequestInfo};
use crate::providers::Accepts;
use crate::schema::{decode, ChatRequest, ChatResponse};
use crate::server::ApiError;

/// Errors and hook answers in the AWS shape.
const BEDROCK: Dialect = Dialect {
    name: "bedrock",
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

/// Chat in the Converse format.
struct Converse;

impl ChatDialect for Converse {
    type Events = stream::EventStream;

    fn events(&self, info: &RequestInfo) -> stream::EventStream {
        stream::EventStream::new(info.started)
    }

    fn render(&self, answer: &ChatResponse, info: &RequestInfo) -> Value {
        response::converse(answer, info.started.elapsed().as_millis() as u64)
    }

    /// Upstreams other than Bedrock get `additionalModelRequestFields` spread into
    /// top-level parameters.
    fn fit(&self, req: &mut ChatRequest, accepts: Accepts) {
        if !accepts.additional_model_fields {
            request::spread_additional_fields(req);
        }
    }

    fn stream_content_type(&self) -> &'static str {
        stream::CONTENT_TYPE
    }
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
    let mut ctx = Ctx::start(&state, BEDROCK, Endpoint::Chat, headers);
    ctx.named(&model, stream);
    let bytes = match ctx.read_bytes(body).await {
        Ok(bytes) => bytes,
        Err(done) => return done,
    };
    // The gateway's `fallbacks` member never reaches Bedrock (nor the translation).
    let bytes = match ctx.without_fallbacks(bytes) {
        Ok(bytes) => bytes,
        Err(done) => return done,
    };
    let body: Value = match decode(&bytes) {
        Ok(v) => v,
        Err(e) => return ctx.fail(e.into()),
    };
    let native_before = state
        .router()
        .snapshot()
        .resolve(&model)
        .is_ok_and(|r| r.provider.adapter.accepts().converse);
    if !native_before {
        return match request::to_chat(&model, &body, stream) {
            Ok(chat) => pipeline::chat(ctx, Converse, chat).await,
            Err(e) => ctx.fail(invalid(e)),
        };
    }
    // Hooks see the model (and may change it); the body is not translated for them.
    let mut model = model;
    let max_tokens = body
        .pointer("/inferenceConfig/maxTokens")
        .and_then(Value::as_u64);
    let mut plan = match ctx
        .prepare_model(&mut model, stream, || {
            Demand::of_body(bytes.len(), max_tokens)
        })
        .await
    {
        Ok(plan) => plan,
        Err(done) => return done,
    };
    if plan.primary().provider.adapter.accepts().converse {
        let (failed, e) = match native::forward(ctx, &plan, bytes, stream).await {
            Ok(response) => return response,
            Err(failed) => failed,
        };
        ctx = failed;
        plan = match ctx.hand_over(&plan, e) {
            Ok(rest) => rest,
            Err(done) => return done,
        };
    }
    // A hook moved the request to an upstream that needs the translation, or the
    // Bedrock targets failed and a fallback of another type goes on.
    match request::to_chat(&plan.primary().model, &body, stream) {
        Ok(chat) => pipeline::routed(ctx, Converse, chat, plan).await,
        Err(e) => ctx.fail(invalid(e)),
    }
}

fn invalid(e: request::Invalid) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_request_error", e.0)
}
