//! `/cohere`: Cohere's v2 API as its SDKs speak it (`base_url=http://HOST:PORT/cohere`),
//! served by any configured provider: `/v2/chat` (JSON or SSE), `/v2/embed` and
//! `/v2/rerank`.
//!
//! Chat is translated to the canonical chat request (`request`) and goes through
//! exactly the `/v1/chat/completions` pipeline; embed becomes a canonical embeddings
//! request; rerank is already canonical (the canonical rerank shape is Cohere v2's).
//! Errors are `{"message": ...}` with the status, as Cohere answers them.
//!
//! Credentials: the SDK sends `Authorization: Bearer`; it is accepted and not checked
//! yet, and never sent upstream: providers use their own configured keys.

mod request;
mod response;
mod stream;

use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use http::{HeaderMap, StatusCode};
use serde_json::{Map, Value};

use super::super::inference::{
    dispatch_chat, dispatch_chat_stream, prepare_chat, prepare_decoded, request_id, with_id,
    Dialect, InferenceBody,
};
use super::super::AppState;
use crate::config::ProviderType;
use crate::hooks::{Endpoint, InferenceRequest, RequestInfo};
use crate::routing::dispatch;
use crate::schema::{EmbeddingRequest, RerankRequest};
use crate::server::ApiError;

/// Errors and hook answers in Cohere's shape.
const COHERE: Dialect = Dialect {
    error: response::render_error,
    hook_answer,
};

fn hook_answer(body: Value, _info: &RequestInfo) -> Response {
    match serde_json::from_value(body.clone()) {
        Ok(chat) => axum::Json(response::chat(&chat)),
        Err(_) => axum::Json(body),
    }
    .into_response()
}

/// Rerank requests are Cohere-shaped already; only the hooks' view is needed.
impl InferenceBody for RerankRequest {
    const ENDPOINT: Endpoint = Endpoint::Rerank;
    fn model(&mut self) -> &mut String {
        &mut self.model
    }
    fn streams(&self) -> bool {
        false
    }
    fn for_hooks(&mut self) -> InferenceRequest<'_> {
        InferenceRequest::Model(&mut self.model)
    }
}

/// The `/cohere` routes, to be merged into the server's route table; other paths under
/// `/cohere/` get a 404 in Cohere's shape.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/cohere/v2/chat", post(chat))
        .route("/cohere/v2/embed", post(embed))
        .route("/cohere/v2/rerank", post(rerank))
        .route("/cohere/{*rest}", any(no_route))
}

async fn no_route(method: http::Method, uri: http::Uri) -> Response {
    response::render_error(ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found_error",
        format!(
            "no route for {method} {}; this gateway serves POST /cohere/v2/chat, /cohere/v2/embed and /cohere/v2/rerank",
            uri.path()
        ),
    ))
}

fn bad_request(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_request_error", message)
}

/// `POST /cohere/v2/chat`.
pub(crate) async fn chat(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let id = request_id(&headers);
    let body: Value = match super::super::body::read_json(&state, &headers, body).await {
        Ok(v) => v,
        Err(e) => return with_id(response::render_error(e), &id),
    };
    let chat = match request::to_chat(&body) {
        Ok(chat) => chat,
        Err(e) => return with_id(response::render_error(bad_request(e.0)), &id),
    };
    let (ctx, req, route) = match prepare_chat(&state, headers, chat, started, COHERE).await {
        Ok(prepared) => prepared,
        Err(done) => return done,
    };
    if req.is_stream() {
        let result = dispatch_chat_stream(&ctx, &route, &req).await;
        return ctx.stream_with(
            &route,
            result,
            |chunk, hooks, info| {
                hooks.on_chunk(info, chunk);
                chunk.usage.clone()
            },
            stream::CohereSse::default(),
        );
    }
    let result = dispatch_chat(&ctx, &route, &req).await;
    let t = match ctx.typed(&route, result, "a chat completion") {
        Ok(t) => t,
        Err(done) => return done,
    };
    let mut out = axum::Json(response::chat(&t.answer)).into_response();
    out.headers_mut().extend(t.headers);
    ctx.complete(200, Some(&route), t.key_name, t.attempts, || t.usage);
    with_id(out, &ctx.info().request_id)
}

/// `POST /cohere/v2/embed`: texts only, floats only.
pub(crate) async fn embed(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let id = request_id(&headers);
    let fail = |e: ApiError| with_id(response::render_error(e), &id);
    let body: Value = match super::super::body::read_json(&state, &headers, body).await {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let req = match embed_request(&body) {
        Ok(req) => req,
        Err(message) => return fail(bad_request(message)),
    };
    let texts = req.input.as_array().cloned().unwrap_or_default();
    let (ctx, mut req, route) = match prepare_decoded(&state, headers, req, started, COHERE).await {
        Ok(prepared) => prepared,
        Err(done) => return done,
    };
    // Only Cohere upstreams know these; OpenAI-compatible ones refuse unknown fields.
    if route.provider.config.kind != ProviderType::Cohere {
        req.extra.remove("input_type");
        req.extra.remove("truncate");
    }
    let result = dispatch(&route, &ctx.info().request_id, |p, call| {
        let req = &req;
        async move { p.embeddings(&call, req).await }
    })
    .await;
    let t = match ctx.typed::<Value>(&route, result, "an embeddings list") {
        Ok(t) => t,
        Err(done) => return done,
    };
    ctx.complete(200, Some(&route), t.key_name, t.attempts, || None);
    let out = axum::Json(response::embed(&t.answer, &texts, &ctx.info().request_id));
    with_id(out.into_response(), &ctx.info().request_id)
}

/// The canonical embeddings request for a v2 `/embed` body.
fn embed_request(body: &Value) -> Result<EmbeddingRequest, String> {
    let model = body
        .get("model")
        .and_then(Value::as_str)
        .ok_or("`model` is required")?;
    let texts = body
        .get("texts")
        .and_then(Value::as_array)
        .filter(|t| t.iter().all(Value::is_string))
        .ok_or("`texts` must be a list of strings (images and `inputs` are not supported)")?;
    let types = body.get("embedding_types").and_then(Value::as_array);
    if types.is_some_and(|t| t.iter().any(|t| t != "float")) {
        return Err("only `embedding_types: [\"float\"]` is supported".into());
    }
    let mut extra = Map::new();
    for (from, to) in [
        ("output_dimension", "dimensions"),
        ("input_type", "input_type"),
        ("truncate", "truncate"),
    ] {
        if let Some(v) = body.get(from).filter(|v| !v.is_null()) {
            extra.insert(to.into(), v.clone());
        }
    }
    Ok(EmbeddingRequest {
        model: model.to_string(),
        input: Value::Array(texts.clone()),
        extra,
    })
}

/// `POST /cohere/v2/rerank`: the canonical rerank, answered without `extra_fields`.
pub(crate) async fn rerank(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let id = request_id(&headers);
    let req: RerankRequest = match super::super::body::read_json(&state, &headers, body).await {
        Ok(r) => r,
        Err(e) => return with_id(response::render_error(e), &id),
    };
    let (ctx, req, route) = match prepare_decoded(&state, headers, req, started, COHERE).await {
        Ok(prepared) => prepared,
        Err(done) => return done,
    };
    let result = dispatch(&route, &ctx.info().request_id, |p, call| {
        let req = &req;
        async move { p.rerank(&call, req).await }
    })
    .await;
    let d = match result {
        Ok(d) => d,
        Err(e) => return ctx.dispatch_failed(&route, e),
    };
    let mut out = axum::Json(&d.value.body).into_response();
    out.headers_mut().extend(d.value.headers);
    ctx.complete(200, Some(&route), d.key_name, d.attempts, || None);
    with_id(out, &ctx.info().request_id)
}
