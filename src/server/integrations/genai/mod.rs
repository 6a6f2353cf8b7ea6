//! `/genai`: the Gemini API as the google-genai SDKs speak it (base URL
//! `http://HOST:PORT/genai`), served by any configured provider. Both `/genai/v1beta`
//! and `/genai/v1` work (newer SDKs call `/v1`), and model names may contain `/`
//! (`openai/gpt-4o`), so the model is everything between `models/` and the last `:`.
//!
//! A `generateContent` body for a `gemini` upstream is forwarded as the client sent
//! it (`native`); for any other it is translated to the canonical chat request
//! (`request`), goes through exactly the `/v1/chat/completions` pipeline, and the
//! answer or stream is translated back (`response`, `stream`). Errors take Google's shape, which the SDKs
//! raise as `ClientError`/`ServerError` with the code and status.
//!
//! Credentials: the SDK sends `x-goog-api-key` (or `?key=`); it is accepted and not
//! checked yet, and never sent upstream: providers use their own configured keys.

mod native;
pub mod request;
pub mod response;
pub mod stream;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde_json::{json, Value};

use super::super::pipeline::{self, ChatDialect, Ctx, Demand, Dialect, InferenceBody};
use super::super::AppState;
use crate::hooks::{Endpoint, RequestInfo};
use crate::providers::JsonBody;
use crate::routing::Plan;
use crate::schema::{decode, ChatChunk, ChatResponse, EmbeddingRequest};
use crate::server::stream::{Encoder, ExtraFields};
use crate::server::ApiError;

/// Errors and hook answers in Google's shape.
const GENAI: Dialect = Dialect {
    name: "genai",
    error: render_error,
    hook_answer,
};

fn render_error(e: ApiError) -> Response {
    e.respond_with(response::error_body(e.status.as_u16(), &e.message))
}

fn hook_answer(body: Value, info: &RequestInfo) -> Response {
    match serde_json::from_value(body.clone()) {
        Ok(chat) => axum::Json(response::generate_content(&chat, &info.model_requested)),
        Err(_) => axum::Json(body),
    }
    .into_response()
}

/// Chat in the generateContent format.
struct GenerateContent;

impl ChatDialect for GenerateContent {
    type Events = GenaiSse;

    fn events(&self, info: &RequestInfo) -> GenaiSse {
        GenaiSse(
            stream::GenaiStream::new(&info.model_requested),
            ExtraFields::default(),
        )
    }

    fn render(&self, answer: &ChatResponse, info: &RequestInfo) -> Value {
        response::generate_content(answer, &info.model_requested)
    }
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_request_error", message)
}

/// The `/genai` routes, to be merged into the server's route table.
/// One catch-all, split here: model names contain `/`, and the router cannot hold both
/// `/genai/{version}/models/{*model}` and a catch-all for the 404.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/genai/{*rest}", any(dispatch_path))
}

pub(crate) async fn dispatch_path(
    state: State<AppState>,
    Path(rest): Path<String>,
    method: http::Method,
    uri: http::Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let headers = query_key(headers, &uri);
    let mut segments = rest.splitn(3, '/');
    let (version, models, tail) = (segments.next(), segments.next(), segments.next());
    match (version, models, tail) {
        (Some(v), Some("models"), None) if method == http::Method::GET => {
            list_models(state, v.to_string()).await
        }
        (Some(v), Some("models"), Some(tail)) if !tail.is_empty() => {
            model_action(
                state,
                v.to_string(),
                tail.to_string(),
                method,
                headers,
                body,
            )
            .await
        }
        _ => no_route(method, uri).await,
    }
}

/// The Gemini SDK's `?key=` (its REST form) taken as its `x-goog-api-key` when that
/// header is absent, so a virtual key in the query authenticates like one in the
/// header. The query itself is never forwarded upstream.
fn query_key(mut headers: HeaderMap, uri: &http::Uri) -> HeaderMap {
    const GOOG_API_KEY: http::HeaderName = http::HeaderName::from_static("x-goog-api-key");
    if headers.contains_key(&GOOG_API_KEY) {
        return headers;
    }
    // An oversized or malformed value is left out: the request is then refused as
    // presenting no key (when keys are required), never served on a guess.
    if let Ok(Some(c)) = crate::governance::extract(&HeaderMap::new(), uri.query()) {
        if let Ok(v) = http::HeaderValue::from_str(&c.value) {
            headers.insert(GOOG_API_KEY, v);
        }
    }
    headers
}

async fn no_route(method: http::Method, uri: http::Uri) -> Response {
    render_error(ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found_error",
        format!(
            "no route for {method} {}; this gateway serves /genai/v1beta/models/MODEL:generateContent, \
             :streamGenerateContent, :embedContent, :batchEmbedContents, :countTokens and GET /genai/v1beta/models \
             (also under /genai/v1)",
            uri.path()
        ),
    ))
}

/// `None` for a served API version, else the 404 to answer.
fn unknown_version(version: &str) -> Option<Response> {
    match version {
        "v1" | "v1beta" | "v1alpha" => None,
        other => Some(render_error(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found_error",
            format!("API version `{other}` is not served; use /genai/v1beta or /genai/v1"),
        ))),
    }
}

/// `GET /genai/{version}/models`: every configured `provider/model`.
async fn list_models(State(state): State<AppState>, version: String) -> Response {
    if let Some(done) = unknown_version(&version) {
        return done;
    }
    axum::Json(response::model_list(&state.router().snapshot().models())).into_response()
}

/// Everything below `models/`: `GET` one model, `POST MODEL:ACTION`.
async fn model_action(
    State(state): State<AppState>,
    version: String,
    rest: String,
    method: http::Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Some(done) = unknown_version(&version) {
        return done;
    }
    if method == http::Method::GET {
        return get_model(&state, &rest);
    }
    let Some((model, action)) = rest.rsplit_once(':') else {
        return render_error(invalid(format!(
            "`{rest}` names no action; POST to models/MODEL:generateContent (or :streamGenerateContent, :embedContent, :batchEmbedContents, :countTokens)"
        )));
    };
    let model = model.strip_prefix("models/").unwrap_or(model).to_string();
    let (endpoint, stream) = match action {
        "generateContent" => (Endpoint::Chat, false),
        "streamGenerateContent" => (Endpoint::Chat, true),
        "embedContent" | "batchEmbedContents" => (Endpoint::Embeddings, false),
        "countTokens" => return count_tokens(&state, &model, headers, body).await,
        other => {
            return render_error(invalid(format!(
                "action `{other}` is not served; use generateContent, streamGenerateContent, embedContent, batchEmbedContents or countTokens"
            )))
        }
    };
    let mut ctx = Ctx::start(&state, GENAI, endpoint, headers);
    ctx.named(&model, stream);
    if endpoint == Endpoint::Chat {
        let bytes = match ctx.read_bytes(body).await {
            Ok(bytes) => bytes,
            Err(done) => return done,
        };
        return generate_bytes(ctx, model, bytes, stream).await;
    }
    let body: Value = match ctx.read_json(body).await {
        Ok(v) => v,
        Err(done) => return done,
    };
    embed(ctx, &model, &body, action == "batchEmbedContents").await
}

/// `generateContent` (or its stream): forwarded as sent when `model` leads to an
/// upstream that takes it as it is (`native`), translated otherwise.
async fn generate_bytes(mut ctx: Ctx, mut model: String, bytes: Bytes, stream: bool) -> Response {
    let bytes = match ctx.without_fallbacks(bytes) {
        Ok(bytes) => bytes,
        Err(done) => return done,
    };
    let state = ctx.state.clone();
    let serves = state
        .router()
        .snapshot()
        .resolve(&model)
        .is_ok_and(|r| r.provider.adapter.accepts().generate_content);
    // Only a JSON object goes upstream as it is; anything else gets the translated
    // path's error.
    if !serves || decode::<JsonBody>(&bytes).is_err() {
        return match decode::<Value>(&bytes) {
            Ok(body) => generate(ctx, &model, &body, stream, None).await,
            Err(e) => ctx.fail(e.into()),
        };
    }
    // Hooks see the model (and may change it); the body is not translated for them.
    let demand = || {
        let max_output = decode::<Value>(&bytes).ok().and_then(|b| {
            b.pointer("/generationConfig/maxOutputTokens")
                .and_then(Value::as_u64)
        });
        Demand::of_body(bytes.len(), max_output)
    };
    let mut plan = match ctx.prepare_model(&mut model, stream, demand).await {
        Ok(plan) => plan,
        Err(done) => return done,
    };
    if plan.primary().provider.adapter.accepts().generate_content {
        let (failed, e) = match native::forward(ctx, &plan, bytes.clone(), stream).await {
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
    match decode::<Value>(&bytes) {
        Ok(body) => generate(ctx, &model, &body, stream, Some(plan)).await,
        Err(e) => ctx.fail(e.into()),
    }
}

fn get_model(state: &AppState, rest: &str) -> Response {
    let model = rest.strip_prefix("models/").unwrap_or(rest);
    match state.router().snapshot().resolve(model) {
        Ok(_) => axum::Json(json!({
            "name": format!("models/{model}"),
            "displayName": model,
            "supportedGenerationMethods": ["generateContent", "streamGenerateContent", "countTokens", "embedContent"],
        }))
        .into_response(),
        Err(e) => render_error(e.into()),
    }
}

/// The translated path: the canonical chat request through the whole pipeline, or,
/// when the request was already routed, from dispatch on.
async fn generate(
    mut ctx: Ctx,
    model: &str,
    body: &Value,
    stream: bool,
    plan: Option<Plan>,
) -> Response {
    let mut chat = match request::to_chat(model, body, stream) {
        Ok(chat) => chat,
        Err(e) => return ctx.fail(invalid(e.0)),
    };
    match plan {
        Some(plan) => {
            chat.model = plan.primary().model.to_string();
            pipeline::routed(ctx, GenerateContent, chat, plan).await
        }
        None => pipeline::chat(ctx, GenerateContent, chat).await,
    }
}

/// The texts of one `Content` (`{parts: [{text}]}`), joined.
fn content_text(content: Option<&Value>) -> String {
    content
        .and_then(|c| c.get("parts"))
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("")
        })
        .unwrap_or_default()
}

async fn embed(mut ctx: Ctx, model: &str, body: &Value, batch: bool) -> Response {
    let single = [body.clone()];
    let requests: &[Value] = if batch {
        match body.get("requests").and_then(Value::as_array) {
            Some(r) => r,
            None => return ctx.fail(invalid("`requests` must be a list of embed requests")),
        }
    } else {
        &single
    };
    let texts: Vec<Value> = requests
        .iter()
        .map(|r| Value::String(content_text(r.get("content"))))
        .collect();
    let mut extra = serde_json::Map::new();
    if let Some(d) = requests
        .first()
        .and_then(|r| request::field(r, "outputDimensionality", "output_dimensionality"))
    {
        extra.insert("dimensions".into(), d.clone());
    }
    let mut req = EmbeddingRequest {
        model: model.to_string(),
        input: Value::Array(texts),
        extra,
    };
    let plan = match ctx.prepare(&mut req).await {
        Ok(plan) => plan,
        Err(done) => return done,
    };
    let req = &req;
    let result = ctx
        .dispatch(&plan, |p, call| async move {
            p.embeddings(&call, &req.for_call(&call)).await
        })
        .await;
    match ctx.typed::<Value>(&plan, result, "an embeddings list") {
        Ok(t) => ctx.reply(response::embeddings(&t.answer, batch), HeaderMap::new()),
        Err(done) => done,
    }
}

/// `:countTokens`: an estimate made here (about 4 characters per token over every
/// text part and the system instruction), never an upstream call; the model must still
/// be routable (aliases and routing rules applied), so a typo gets the same 404 as
/// `generateContent`.
async fn count_tokens(state: &AppState, model: &str, headers: HeaderMap, body: Body) -> Response {
    let id = pipeline::request_id(&headers);
    let body: Value = match super::super::body::read_json(state, &headers, body).await {
        Ok(v) => v,
        Err(e) => return pipeline::with_id(render_error(e), &id),
    };
    let facts = crate::routing::RouteFacts::counting(&headers);
    if let Err(e) = state.router().snapshot().primary(model, &facts) {
        return pipeline::with_id(render_error(e.into()), &id);
    }
    let body = &body;
    // `countTokens` may wrap the request in `generateContentRequest`.
    let req = body.get("generateContentRequest").unwrap_or(body);
    let mut chars = content_text(request::field(
        req,
        "systemInstruction",
        "system_instruction",
    ))
    .chars()
    .count();
    for content in req
        .get("contents")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        chars += content_text(Some(content)).chars().count();
    }
    let tokens = chars.div_ceil(4).max(1);
    pipeline::with_id(
        axum::Json(json!({"totalTokens": tokens})).into_response(),
        &id,
    )
}

/// Gemini's SSE: one `data:` event per `GenerateContentResponse`, no terminator
/// (Google separates events with CRLF; plain LF is equally valid SSE).
/// The request's `extra_fields` go on the chunk that ends the answer (or, for a
/// governed stream's cost, on a last chunk of their own).
pub(crate) struct GenaiSse(stream::GenaiStream, ExtraFields);

fn events(values: Vec<Value>) -> Bytes {
    let mut out = Vec::new();
    for v in values {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(v.to_string().as_bytes());
        out.extend_from_slice(b"\n\n");
    }
    Bytes::from(out)
}

/// The event that ends a stream cut short: Google's error body as one `data:` event.
fn error_event(error: &ApiError) -> Bytes {
    events(vec![response::error_body(
        error.status.as_u16(),
        &error.message,
    )])
}

impl Encoder<ChatChunk> for GenaiSse {
    fn item(&mut self, item: &ChatChunk) -> Result<Bytes, String> {
        self.1.note(item);
        let mut out = self.0.on_chunk(item);
        // On the chunk that carried them, or the next one Gemini's format sends.
        if let Some(Value::Object(last)) = out.last_mut() {
            if let Some(extra) = self.1.take() {
                last.insert("extra_fields".into(), extra);
            }
        }
        Ok(events(out))
    }

    fn done(&mut self) -> Bytes {
        let mut last = self.0.finish();
        if let Some(extra) = self.1.take() {
            match last.last_mut() {
                Some(Value::Object(chunk)) => {
                    chunk.insert("extra_fields".into(), extra);
                }
                // Everything went out already (a governed stream's cost comes after
                // its last chunk): a chunk of its own.
                _ => last.push(json!({ "extra_fields": extra })),
            }
        }
        events(last)
    }

    fn carries_trailer(&self) -> bool {
        true
    }

    fn error(&mut self, error: &ApiError) -> Bytes {
        error_event(error)
    }
}
