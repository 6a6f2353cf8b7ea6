//! The Anthropic drop-in route: `/anthropic/v1/messages` speaks Anthropic's Messages
//! format, so the official Anthropic SDKs (base URL `http://HOST:PORT/anthropic`) work
//! against any configured provider.
//!
//! A request is translated to the canonical chat request (`request`), then goes through
//! exactly the `/v1/chat/completions` pipeline (hooks, routing, key failover,
//! concurrency limit, request ids, timeouts); the answer or stream is translated back
//! (`response`, `stream`) and errors take Anthropic's shape (`error`).
//!
//! Credentials: the SDK sends `x-api-key` (others `Authorization: Bearer`); both are
//! accepted and not checked yet. Nothing of the client's request headers is sent
//! upstream: providers authenticate with their own configured keys. `anthropic-version`
//! and `anthropic-beta` are accepted and not required.

mod content;
mod count;
mod error;
mod request;
mod response;
mod stream;
#[cfg(test)]
mod tests;

use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use http::{HeaderMap, StatusCode};
use serde_json::{json, Value};

use super::super::inference::{
    dispatch_chat, dispatch_chat_stream, prepare_chat, request_id, with_id, Dialect,
};
use super::super::AppState;
use crate::config::ProviderType;
use crate::hooks::RequestInfo;
use crate::server::ApiError;

/// Errors and hook answers in Anthropic's shape.
const ANTHROPIC: Dialect = Dialect {
    error: error::render,
    hook_answer,
};

fn hook_answer(body: Value, info: &RequestInfo) -> Response {
    axum::Json(response::hook_answer(body, &info.model_requested)).into_response()
}

/// The Anthropic routes, to be merged into the server's route table. Other paths under
/// `/anthropic/` get a 404 in Anthropic's shape, which its SDKs turn into `NotFoundError`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/anthropic/v1/messages", post(messages))
        .route("/anthropic/v1/messages/count_tokens", post(count_tokens))
        .route("/anthropic/v1/models", get(models))
        .route("/anthropic/{*rest}", any(no_route))
}

async fn no_route(method: http::Method, uri: http::Uri) -> Response {
    error::render(ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found_error",
        format!(
            "no route for {method} {}; this gateway serves POST /anthropic/v1/messages, \
             POST /anthropic/v1/messages/count_tokens and GET /anthropic/v1/models",
            uri.path()
        ),
    ))
}

/// `POST /anthropic/v1/messages`: JSON or SSE in Anthropic's format.
pub async fn messages(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let started = Instant::now();
    let id = request_id(&headers);
    let decoded =
        match super::super::body::read_json::<request::MessagesRequest>(&state, &headers, body)
            .await
        {
            Ok(r) => r,
            Err(e) => return with_id(error::render(e), &id),
        };
    let chat = match request::to_chat(&decoded) {
        Ok(chat) => chat,
        Err(e) => return with_id(error::render(e.into()), &id),
    };
    let (ctx, mut req, route) = match prepare_chat(&state, headers, chat, started, ANTHROPIC).await
    {
        Ok(prepared) => prepared,
        Err(done) => return done,
    };
    // Vertex serves Claude through the anthropic translation too.
    if !matches!(
        route.provider.config.kind,
        ProviderType::Anthropic | ProviderType::Vertex
    ) {
        request::thinking_to_reasoning_effort(&mut req);
        request::drop_thinking_blocks(&mut req);
    }
    let model = ctx.info().model_requested.clone();
    if req.is_stream() {
        let result = dispatch_chat_stream(&ctx, &route, &req).await;
        return ctx.stream_with(
            &route,
            result,
            ctx.chunk_observer(),
            stream::AnthropicSse::new(&model),
        );
    }
    let result = dispatch_chat(&ctx, &route, &req).await;
    let t = match ctx.typed(&route, result, "a chat completion") {
        Ok(t) => t,
        Err(done) => return done,
    };
    let mut out = axum::Json(response::to_message(&t.answer, &model)).into_response();
    // Only request ids and rate-limit headers, as on /v1 (`forwardable_headers`).
    out.headers_mut().extend(t.headers);
    ctx.complete(200, Some(&route), t.key_name, t.attempts, || t.usage);
    with_id(out, &ctx.info().request_id)
}

/// `POST /anthropic/v1/messages/count_tokens`: always an estimate made here, never an
/// upstream call, whatever the provider: about 4 characters per token over all text
/// (system, messages, tool inputs and results, tool definitions) and a flat 1,600 per
/// image (Anthropic's size for a full-size image). The model must still be routable,
/// so a typo gets the same 404 as on `messages`.
pub async fn count_tokens(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let id = request_id(&headers);
    let req =
        match super::super::body::read_json::<request::MessagesRequest>(&state, &headers, body)
            .await
        {
            Ok(r) => r,
            Err(e) => return with_id(error::render(e), &id),
        };
    if let Err(e) = state.router().snapshot().resolve(&req.model) {
        return with_id(error::render(e.into()), &id);
    }
    let n = count::estimate(&req);
    with_id(axum::Json(json!({"input_tokens": n})).into_response(), &id)
}

/// `GET /anthropic/v1/models`: the configured models in Anthropic's list shape (one
/// page with everything).
pub async fn models(State(state): State<AppState>) -> Response {
    let data: Vec<Value> = state
        .router()
        .snapshot()
        .models()
        .data
        .into_iter()
        .map(|m| {
            json!({
                "type": "model",
                "display_name": m.id,
                "id": m.id,
                "created_at": count::rfc3339(m.created),
            })
        })
        .collect();
    let first = data.first().map(|m| m["id"].clone());
    let last = data.last().map(|m| m["id"].clone());
    axum::Json(json!({"data": data, "has_more": false, "first_id": first, "last_id": last}))
        .into_response()
}
