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
mod native;
pub(crate) mod request;
mod response;
mod stream;
#[cfg(test)]
mod tests;

use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use http::{HeaderMap, StatusCode};
use serde_json::{json, Value};

use super::super::pipeline::DROPPED_PARAMS_HEADER;
use super::super::pipeline::{self, ChatDialect, Ctx, Demand, Dialect};
use super::super::AppState;
use crate::hooks::{Endpoint, RequestInfo};
use crate::providers::{Accepts, JsonBody};
use crate::schema::decode;
use crate::schema::{ChatRequest, ChatResponse};
use crate::server::ApiError;

/// Errors and hook answers in Anthropic's shape.
const ANTHROPIC: Dialect = Dialect {
    name: "anthropic",
    error: error::render,
    hook_answer,
};

fn hook_answer(body: Value, info: &RequestInfo) -> Response {
    axum::Json(response::hook_answer(body, &info.model_requested)).into_response()
}

/// Chat in the Messages format.
struct Messages;

impl ChatDialect for Messages {
    type Events = stream::AnthropicSse;

    fn events(&self, info: &RequestInfo) -> stream::AnthropicSse {
        stream::AnthropicSse::new(&info.model_requested)
    }

    fn render(&self, answer: &ChatResponse, info: &RequestInfo) -> Value {
        response::to_message(answer, &info.model_requested)
    }

    /// Upstreams without Anthropic's thinking get `reasoning_effort` and no signed
    /// thinking blocks.
    fn fit(&self, req: &mut ChatRequest, accepts: Accepts) {
        if !accepts.thinking {
            request::thinking_to_reasoning_effort(req);
            request::drop_thinking_blocks(req);
        }
    }
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

/// `POST /anthropic/v1/messages`: JSON or SSE in Anthropic's format. An upstream that
/// takes Messages as they are gets the request untranslated (`native`); any other gets
/// it translated through the canonical chat request.
pub async fn messages(
    State(state): State<AppState>,
    uri: http::Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let mut ctx = Ctx::start(&state, ANTHROPIC, Endpoint::Chat, headers);
    let bytes = match ctx.read_bytes(body).await {
        Ok(bytes) => bytes,
        Err(done) => return done,
    };
    let bytes = match ctx.without_fallbacks(bytes) {
        Ok(bytes) => bytes,
        Err(done) => return done,
    };
    let raw: JsonBody = match decode(&bytes) {
        Ok(raw) => raw,
        Err(e) => return ctx.fail(e.into()),
    };
    let (Some(mut model), stream) = (raw.get::<String>("model"), raw.get::<bool>("stream")) else {
        return ctx.fail(invalid_model());
    };
    let stream = stream.unwrap_or(false);
    let native_before = serves_messages(&state, &model);
    let mut plan = match native_before {
        // Hooks see the model (and may change it); the body is not translated for them.
        true => match ctx
            .prepare_model(&mut model, stream, || {
                Demand::of_body(bytes.len(), raw.get("max_tokens"))
            })
            .await
        {
            Ok(plan) => plan,
            Err(done) => return done,
        },
        false => return translated(ctx, &bytes).await,
    };
    if plan.primary().provider.adapter.accepts().messages {
        let (failed, e) = match native::forward(ctx, &plan, raw, stream, uri.query()).await {
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
    // upstreams that take Messages as they are failed and a fallback of another type
    // goes on.
    let decoded = match decode::<request::MessagesRequest>(&bytes) {
        Ok(r) => r,
        Err(e) => return ctx.fail(e.into()),
    };
    match request::to_chat(&decoded, state_drops_all(&ctx)) {
        Ok(t) => {
            let mut chat = t.chat;
            chat.model = plan.primary().model.to_string();
            named_drops(
                pipeline::routed(ctx, Messages, chat, plan).await,
                &t.dropped,
            )
        }
        Err(e) => ctx.fail(e.into()),
    }
}

/// Whether `model` leads to an upstream that takes Messages as they are.
fn serves_messages(state: &AppState, model: &str) -> bool {
    state
        .router()
        .snapshot()
        .resolve(model)
        .is_ok_and(|r| r.provider.adapter.accepts().messages)
}

/// The translated path: the canonical chat request through the whole pipeline.
async fn translated(mut ctx: Ctx, bytes: &[u8]) -> Response {
    let decoded = match decode::<request::MessagesRequest>(bytes) {
        Ok(r) => r,
        Err(e) => return ctx.fail(e.into()),
    };
    match request::to_chat(&decoded, state_drops_all(&ctx)) {
        Ok(t) => named_drops(pipeline::chat(ctx, Messages, t.chat).await, &t.dropped),
        Err(e) => ctx.fail(e.into()),
    }
}

fn state_drops_all(ctx: &Ctx) -> bool {
    ctx.state.compat().should_drop_params
}

/// `response` naming the fields the translation dropped.
fn named_drops(mut response: Response, dropped: &[String]) -> Response {
    if dropped.is_empty() {
        return response;
    }
    if let Ok(v) = http::HeaderValue::from_str(&dropped.join(",")) {
        response.headers_mut().insert(DROPPED_PARAMS_HEADER, v);
    }
    response
}

fn invalid_model() -> ApiError {
    let mut e = ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_request_error",
        "`model` is required: a string such as \"anthropic/claude-sonnet-4-5\"",
    );
    e.param = Some("model".into());
    e
}

/// `POST /anthropic/v1/messages/count_tokens`: always an estimate made here, never an
/// upstream call, whatever the provider: about 4 characters per token over all text
/// (system, messages, tool inputs and results, tool definitions) and a flat 1,600 per
/// image (Anthropic's size for a full-size image). The model must still be routable
/// (aliases and routing rules applied, as on `messages`), so a typo gets the same 404.
pub async fn count_tokens(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let id = pipeline::request_id(&headers);
    let req =
        match super::super::body::read_json::<request::MessagesRequest>(&state, &headers, body)
            .await
        {
            Ok(r) => r,
            Err(e) => return pipeline::with_id(error::render(e), &id),
        };
    let facts = crate::routing::RouteFacts::counting(&headers);
    if let Err(e) = state.router().snapshot().primary(&req.model, &facts) {
        return pipeline::with_id(error::render(e.into()), &id);
    }
    let n = count::estimate(&req);
    pipeline::with_id(axum::Json(json!({"input_tokens": n})).into_response(), &id)
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
