//! `/cohere`: Cohere's v2 API as its SDKs speak it (`base_url=http://HOST:PORT/cohere`),
//! served by any configured provider: `/v2/chat` (JSON or SSE), `/v2/embed` and
//! `/v2/rerank`.
//!
//! Chat to a `cohere` upstream is forwarded as the client sent it (`native`); to any
//! other, it is translated to the canonical chat request (`request`) and goes through
//! exactly the `/v1/chat/completions` pipeline; embed becomes a canonical embeddings
//! request; rerank is already canonical (the canonical rerank shape is Cohere v2's).
//! Errors are `{"message": ...}` with the status, as Cohere answers them.
//!
//! Credentials: the SDK sends `Authorization: Bearer`; it is accepted and not checked
//! yet, and never sent upstream: providers use their own configured keys.

mod native;
pub(crate) mod request;
mod response;
mod stream;

use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use http::{HeaderMap, StatusCode};
use serde_json::{Map, Value};

use super::super::pipeline::{self, ChatDialect, Ctx, Demand, Dialect, InferenceBody};
use super::super::AppState;
use crate::hooks::{Endpoint, RequestInfo};
use crate::providers::JsonBody;
use crate::schema::{decode, ChatResponse, EmbeddingRequest, RerankRequest};
use crate::server::ApiError;

/// Errors and hook answers in Cohere's shape.
const COHERE: Dialect = Dialect {
    name: "cohere",
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

/// Chat in Cohere's v2 format.
struct CohereChat;

impl ChatDialect for CohereChat {
    type Events = stream::CohereSse;

    fn events(&self, _info: &RequestInfo) -> stream::CohereSse {
        stream::CohereSse::default()
    }

    fn render(&self, answer: &ChatResponse, _info: &RequestInfo) -> Value {
        response::chat(answer)
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

/// `POST /cohere/v2/chat`. An upstream that takes v2 chat as it is gets the request
/// untranslated (`native`); any other gets it translated through the canonical chat
/// request.
pub(crate) async fn chat(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let mut ctx = Ctx::start(&state, COHERE, Endpoint::Chat, headers);
    let bytes = match ctx.read_bytes(body).await {
        Ok(bytes) => bytes,
        Err(done) => return done,
    };
    let bytes = match ctx.without_fallbacks(bytes) {
        Ok(bytes) => bytes,
        Err(done) => return done,
    };
    let Some((raw, mut model, stream)) = native_candidate(&state, &bytes) else {
        return translated(ctx, &bytes, None).await;
    };
    // Hooks see the model (and may change it); the body is not translated for them.
    let demand = || Demand::of_body(bytes.len(), raw.get("max_tokens"));
    let mut plan = match ctx.prepare_model(&mut model, stream, demand).await {
        Ok(plan) => plan,
        Err(done) => return done,
    };
    if plan.primary().provider.adapter.accepts().cohere_chat {
        let (failed, e) = match native::forward(ctx, &plan, raw, stream).await {
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
    // upstreams that take it as it is failed and a fallback of another type goes on.
    translated(ctx, &bytes, Some(plan)).await
}

/// The body, its model and whether it streams, when the model leads to an upstream
/// that takes v2 chat as it is; anything else (including a body the translation will
/// refuse) takes the translated path, which words the errors.
fn native_candidate(state: &AppState, bytes: &[u8]) -> Option<(JsonBody, String, bool)> {
    let raw: JsonBody = decode(bytes).ok()?;
    let model = raw.get::<String>("model")?;
    let serves = state
        .router()
        .snapshot()
        .resolve(&model)
        .is_ok_and(|r| r.provider.adapter.accepts().cohere_chat);
    let stream = raw.get::<bool>("stream").unwrap_or(false);
    serves.then_some((raw, model, stream))
}

/// The translated path: the canonical chat request through the whole pipeline, or,
/// when the request was already routed, from dispatch on.
async fn translated(mut ctx: Ctx, bytes: &[u8], plan: Option<crate::routing::Plan>) -> Response {
    let body: Value = match decode(bytes) {
        Ok(v) => v,
        Err(e) => return ctx.fail(e.into()),
    };
    let mut chat = match request::to_chat(&body) {
        Ok(chat) => chat,
        Err(e) => return ctx.fail(bad_request(e.0)),
    };
    match plan {
        Some(plan) => {
            chat.model = plan.primary().model.to_string();
            pipeline::routed(ctx, CohereChat, chat, plan).await
        }
        None => pipeline::chat(ctx, CohereChat, chat).await,
    }
}

/// `POST /cohere/v2/embed`: texts only, floats only.
pub(crate) async fn embed(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let mut ctx = Ctx::start(&state, COHERE, Endpoint::Embeddings, headers);
    let body: Value = match ctx.read_json(body).await {
        Ok(v) => v,
        Err(done) => return done,
    };
    let mut req = match embed_request(&body) {
        Ok(req) => req,
        Err(message) => return ctx.fail(bad_request(message)),
    };
    let texts = req.input.as_array().cloned().unwrap_or_default();
    let plan = match ctx.prepare(&mut req).await {
        Ok(plan) => plan,
        Err(done) => return done,
    };
    // Only upstreams that declare them get these; OpenAI-compatible ones refuse
    // unknown fields.
    if !plan
        .primary()
        .provider
        .adapter
        .accepts()
        .embedding_input_type
    {
        req.extra.remove("input_type");
        req.extra.remove("truncate");
    }
    let req = &req;
    let result = ctx
        .dispatch(&plan, |p, call| async move {
            p.embeddings(&call, &req.for_call(&call)).await
        })
        .await;
    match ctx.typed::<Value>(&plan, result, "an embeddings list") {
        Ok(t) => {
            let body = response::embed(&t.answer, &texts, ctx.id());
            ctx.reply(body, HeaderMap::new())
        }
        Err(done) => done,
    }
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
    let mut ctx = Ctx::start(&state, COHERE, Endpoint::Rerank, headers);
    let (req, plan) = match ctx.accept::<RerankRequest>(body).await {
        Ok(accepted) => accepted,
        Err(done) => return done,
    };
    let req = &req;
    let result = ctx
        .dispatch(&plan, |p, call| async move {
            p.rerank(&call, &req.for_call(&call)).await
        })
        .await;
    match result {
        Ok(d) => {
            ctx.sent(&d);
            ctx.reply(&d.value.body, d.value.headers)
        }
        Err(e) => ctx.dispatch_failed(&plan, e),
    }
}
