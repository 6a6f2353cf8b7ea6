//! `POST /v1/responses` on every provider. OpenAI-format upstreams (`openai`, `azure`,
//! the OpenAI-compatible presets) offer the Responses API themselves: the request is
//! forwarded untouched but for `model` (`passthrough`), the lossless path Codex takes
//! to OpenAI. Every other provider gets it translated: the Responses request becomes
//! the canonical chat request (`request`), runs through the chat pipeline like any
//! other route (hooks, governance, logging, key failover), and the answer comes back
//! as a `response` object (`response`) or OpenAI's Responses event stream (`stream`).
//!
//! Errors keep the OpenAI shape of the other `/v1` routes. What the translation drops
//! is named in `x-bifrost-dropped-params`; what it cannot carry is a 400 naming the
//! field (see `request` for the policy per field).

mod request;
mod response;
mod stream;

use std::sync::Arc;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::{Map, Value};

use super::super::passthrough::{forward_routed, missing_model};
use super::super::pipeline::{self, ChatDialect, Ctx, Demand, Dialect, DROPPED_PARAMS_HEADER};
use super::super::AppState;
use crate::config::Wire;
use crate::hooks::{Endpoint, RequestInfo};
use crate::providers::{self, JsonBody};
use crate::routing::Route;
use crate::schema::{decode, ChatResponse};
use crate::server::ApiError;

/// OpenAI-shaped errors; a hook's chat answer rendered as a `response` object.
const RESPONSES: Dialect = Dialect {
    name: "openai",
    error: IntoResponse::into_response,
    hook_answer,
};

fn hook_answer(body: Value, info: &RequestInfo) -> Response {
    match serde_json::from_value::<ChatResponse>(body.clone()) {
        Ok(chat) => axum::Json(response::to_response(
            &chat,
            &info.model_requested,
            &Map::new(),
        )),
        Err(_) => axum::Json(body),
    }
    .into_response()
}

/// Chat in the Responses format; `echo` holds the request members a `response`
/// object repeats.
struct Responses {
    echo: Arc<Map<String, Value>>,
}

impl ChatDialect for Responses {
    type Events = stream::ResponsesSse;

    fn events(&self, info: &RequestInfo) -> stream::ResponsesSse {
        stream::ResponsesSse::new(&info.model_requested, self.echo.clone())
    }

    fn render(&self, answer: &ChatResponse, info: &RequestInfo) -> Value {
        response::to_response(answer, &info.model_requested, &self.echo)
    }
}

/// Serves `POST /v1/responses` (and its `/openai`, `/litellm` aliases).
pub async fn create(state: AppState, headers: HeaderMap, body: Body) -> Response {
    let mut ctx = Ctx::start(&state, RESPONSES, Endpoint::Responses, headers);
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
    let Some(mut model) = raw.get::<String>("model") else {
        return ctx.fail(missing_model("the request body"));
    };
    let forwards = state
        .router()
        .snapshot()
        .resolve(&model)
        .is_ok_and(|r| offers_responses(&r));
    if !forwards {
        return match translate(&mut ctx, &bytes) {
            Ok((dialect, t)) => named_drops(pipeline::chat(ctx, dialect, t.chat).await, &t.dropped),
            Err(done) => done,
        };
    }
    // Hooks see the model (and may change it); the body is not translated for them.
    let stream = raw.get::<bool>("stream").unwrap_or(false);
    let demand = || Demand::of_body(bytes.len(), raw.get("max_output_tokens"));
    let mut plan = match ctx.prepare_model(&mut model, stream, demand).await {
        Ok(plan) => plan,
        Err(done) => return done,
    };
    if offers_responses(plan.primary()) {
        let endpoint = providers::Endpoint::Responses;
        let (failed, e) =
            match forward_routed(ctx, &plan.forwardable(), raw, endpoint, stream).await {
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
    // upstreams with a Responses API failed and a fallback of another type goes on.
    match translate(&mut ctx, &bytes) {
        Ok((dialect, mut t)) => {
            t.chat.model = plan.primary().model.to_string();
            named_drops(
                pipeline::routed(ctx, dialect, t.chat, plan).await,
                &t.dropped,
            )
        }
        Err(done) => done,
    }
}

/// Whether `route`'s upstream has a Responses API of its own (OpenAI's wire format).
fn offers_responses(route: &Route) -> bool {
    matches!(
        route.provider.config.kind.wire(),
        Wire::Openai | Wire::Azure
    )
}

/// The request decoded and translated, with its dialect; or the finished 400.
// The error is the response itself, built once on the way out.
#[allow(clippy::result_large_err)]
fn translate(ctx: &mut Ctx, bytes: &[u8]) -> Result<(Responses, request::Translated), Response> {
    let decoded: request::ResponsesRequest = decode(bytes).map_err(|e| ctx.fail(e.into()))?;
    let echo = response::echo_of(&decoded.rest, decoded.instructions.as_deref());
    let t = request::to_chat(decoded).map_err(|r| {
        let mut e = ApiError::new(StatusCode::BAD_REQUEST, "invalid_request_error", r.message)
            .code("invalid_field");
        e.param = Some(r.param);
        ctx.fail(e)
    })?;
    Ok((
        Responses {
            echo: Arc::new(echo),
        },
        t,
    ))
}

/// `response` naming the members the translation dropped, after any that
/// `should_drop_params` dropped.
fn named_drops(mut response: Response, dropped: &[String]) -> Response {
    if dropped.is_empty() {
        return response;
    }
    let mut list = dropped.join(",");
    if let Some(earlier) = response
        .headers()
        .get(DROPPED_PARAMS_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        list = format!("{earlier},{list}");
    }
    if let Ok(v) = HeaderValue::from_str(&list) {
        response.headers_mut().insert(DROPPED_PARAMS_HEADER, v);
    }
    response
}
