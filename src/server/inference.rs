//! Inference handlers: the OpenAI wire format in and out.
//!
//! Each handler decodes the body, lets hooks see it, resolves the model against the
//! snapshot loaded once for the request, dispatches with key failover, and answers
//! JSON or SSE. Every failure leaves through [`ApiError`].

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;

pub(super) use super::context::Ctx;
use super::error::ApiError;
use super::AppState;
use crate::hooks::{Endpoint, InferenceRequest, RequestInfo};
use crate::providers::{ChunkStream, ProviderError, Reply};
use crate::routing::{dispatch, DispatchError, Dispatched, Route};
use crate::schema::{
    Answer, ChatRequest, ChatResponse, CompletionRequest, EmbeddingRequest, HasUsage,
};

/// Longest client `x-request-id` kept; longer ones are replaced.
const MAX_REQUEST_ID: usize = 128;

/// What the handlers need from each endpoint's request type.
pub(super) trait InferenceBody: DeserializeOwned + Send {
    /// The endpoint it arrives on.
    const ENDPOINT: Endpoint;
    /// The `model` field.
    fn model(&mut self) -> &mut String;
    /// Whether the client asked for a stream.
    fn streams(&self) -> bool;
    /// The view hooks get.
    fn for_hooks(&mut self) -> InferenceRequest<'_>;
    /// A problem beyond the JSON shape, if any.
    fn problem(&self) -> Option<ApiError> {
        None
    }
}

impl InferenceBody for ChatRequest {
    const ENDPOINT: Endpoint = Endpoint::Chat;
    fn model(&mut self) -> &mut String {
        &mut self.model
    }
    fn streams(&self) -> bool {
        self.is_stream()
    }
    fn for_hooks(&mut self) -> InferenceRequest<'_> {
        InferenceRequest::Chat(self)
    }
    fn problem(&self) -> Option<ApiError> {
        if !self.messages.is_empty() {
            return None;
        }
        let mut e = ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "`messages` must contain at least one message",
        )
        .code("invalid_field");
        e.param = Some("messages".into());
        Some(e)
    }
}

impl InferenceBody for CompletionRequest {
    const ENDPOINT: Endpoint = Endpoint::Completion;
    fn model(&mut self) -> &mut String {
        &mut self.model
    }
    fn streams(&self) -> bool {
        self.is_stream()
    }
    fn for_hooks(&mut self) -> InferenceRequest<'_> {
        InferenceRequest::Completion(self)
    }
}

impl InferenceBody for EmbeddingRequest {
    const ENDPOINT: Endpoint = Endpoint::Embeddings;
    fn model(&mut self) -> &mut String {
        &mut self.model
    }
    fn streams(&self) -> bool {
        false
    }
    fn for_hooks(&mut self) -> InferenceRequest<'_> {
        InferenceRequest::Embeddings(self)
    }
}

/// Decodes the body, runs the hooks and resolves the model, which is then rewritten to
/// the upstream's id. `Err` is the finished response (an error or a hook's answer).
async fn prepare<T: InferenceBody>(
    state: &AppState,
    headers: HeaderMap,
    body: Body,
) -> Result<(Ctx, T, Route), Response> {
    let started = Instant::now();
    let req: T = super::body::read_json(state, &headers, body)
        .await
        .map_err(|e| with_id(e.into_response(), &request_id(&headers)))?;
    prepare_decoded(state, headers, req, started, Dialect::OPENAI).await
}

/// [`prepare`] for a request already decoded (and, for another wire format, already
/// translated): checks it, runs the hooks and resolves the model. Errors and hook
/// answers are rendered in `dialect`.
pub(super) async fn prepare_decoded<T: InferenceBody>(
    state: &AppState,
    headers: HeaderMap,
    mut req: T,
    started: Instant,
    dialect: Dialect,
) -> Result<(Ctx, T, Route), Response> {
    let model = req.model().clone();
    let mut ctx = Ctx::new(state, T::ENDPOINT, &model, req.streams(), headers, started);
    ctx.dialect = dialect;
    if let Some(problem) = req.problem() {
        return Err(ctx.fail(problem));
    }
    if let Some(done) = ctx.pre(req.for_hooks()).await {
        return Err(done);
    }
    let route = ctx.route(req.model()).map_err(|e| ctx.fail(e.into()))?;
    *req.model() = route.model.to_string();
    Ok((ctx, req, route))
}

/// A canonical chat request from another wire format (an integration route) through
/// the same checks, hooks and routing as `/v1/chat/completions`.
pub(super) async fn prepare_chat(
    state: &AppState,
    headers: HeaderMap,
    req: ChatRequest,
    started: Instant,
    dialect: Dialect,
) -> Result<(Ctx, ChatRequest, Route), Response> {
    prepare_decoded(state, headers, req, started, dialect).await
}

/// Sends a prepared chat request (non-streaming) with key failover, dropping the
/// parameters the provider refuses when `[client.compat] should_drop_params` is on.
pub(super) async fn dispatch_chat(
    ctx: &Ctx,
    route: &Route,
    req: &ChatRequest,
) -> Result<Dispatched<Reply<Answer<ChatResponse>>>, DispatchError> {
    let mut result = send_chat(ctx, route, req).await;
    // The one check the default path pays.
    if !ctx.state.compat().should_drop_params {
        return result;
    }
    let mut drops = ParamDrops::new(req);
    while let Some(req) = drops.next(&result) {
        result = send_chat(ctx, route, req).await;
    }
    drops.finish(ctx, result)
}

/// Opens a prepared chat stream with key failover, dropping refused parameters as
/// [`dispatch_chat`] does.
pub(super) async fn dispatch_chat_stream(
    ctx: &Ctx,
    route: &Route,
    req: &ChatRequest,
) -> Result<Dispatched<Reply<ChunkStream>>, DispatchError> {
    let mut result = send_chat_stream(ctx, route, req).await;
    if !ctx.state.compat().should_drop_params {
        return result;
    }
    let mut drops = ParamDrops::new(req);
    while let Some(req) = drops.next(&result) {
        result = send_chat_stream(ctx, route, req).await;
    }
    drops.finish(ctx, result)
}

async fn send_chat(
    ctx: &Ctx,
    route: &Route,
    req: &ChatRequest,
) -> Result<Dispatched<Reply<Answer<ChatResponse>>>, DispatchError> {
    dispatch(route, &ctx.info.request_id, |p, call| async move {
        p.chat(&call, req).await
    })
    .await
}

async fn send_chat_stream(
    ctx: &Ctx,
    route: &Route,
    req: &ChatRequest,
) -> Result<Dispatched<Reply<ChunkStream>>, DispatchError> {
    dispatch(route, &ctx.info.request_id, |p, call| async move {
        p.chat_stream(&call, req).await
    })
    .await
}

/// The response header naming the parameters `should_drop_params` removed.
pub(super) const DROPPED_PARAMS_HEADER: &str = "x-bifrost-dropped-params";

/// `[client.compat] should_drop_params` for one request: after each refusal of a
/// parameter, the request without it. Adapters refuse parameters while translating,
/// before anything is sent upstream, so a retry costs no upstream call. Each retry
/// removes one member the request still holds, so there are at most as many retries
/// as the request has parameters; a refusal naming a member that is not there (already
/// dropped, or not a top-level member) ends the loop with that refusal.
struct ParamDrops<'a> {
    original: &'a ChatRequest,
    /// The request as it will be retried, copied at the first refusal.
    current: Option<ChatRequest>,
    dropped: Vec<String>,
}

impl<'a> ParamDrops<'a> {
    fn new(original: &'a ChatRequest) -> Self {
        ParamDrops {
            original,
            current: None,
            dropped: Vec::new(),
        }
    }

    /// The request to send next, when `result` refused a parameter it holds.
    fn next<T>(&mut self, result: &Result<T, DispatchError>) -> Option<&ChatRequest> {
        let Err(DispatchError::Failed {
            error: ProviderError::UnsupportedParam { param, .. },
            ..
        }) = result
        else {
            return None;
        };
        let original = self.original;
        let current = self.current.get_or_insert_with(|| original.clone());
        current.extra.remove(param)?;
        self.dropped.push(param.clone());
        Some(current)
    }

    /// `result` with the dropped parameters named in its headers (which every route
    /// passes on to the client).
    fn finish<T>(
        self,
        ctx: &Ctx,
        result: Result<Dispatched<Reply<T>>, DispatchError>,
    ) -> Result<Dispatched<Reply<T>>, DispatchError> {
        if self.dropped.is_empty() {
            return result;
        }
        let list = self.dropped.join(",");
        tracing::debug!(request_id = %ctx.info.request_id, dropped = %list, ok = result.is_ok(), "client.compat.should_drop_params removed parameters the provider refuses");
        let mut d = result?;
        // Parameter names come from the request's JSON keys, which may hold bytes a
        // header cannot; such a list is left out of the header rather than failing.
        if let Ok(v) = HeaderValue::from_str(&list) {
            d.value.headers.insert(DROPPED_PARAMS_HEADER, v);
        }
        Ok(d)
    }
}

/// How a family of routes speaks: the shape of its errors and of a hook's answer.
/// Plain function pointers, so the OpenAI routes pay nothing for the choice.
#[derive(Clone, Copy)]
pub(super) struct Dialect {
    /// Renders an error (status, headers and body).
    pub error: fn(ApiError) -> Response,
    /// Renders the answer a pre-request hook gave instead of calling upstream
    /// (an OpenAI-shaped JSON body), for the request in `info`.
    pub hook_answer: fn(serde_json::Value, &RequestInfo) -> Response,
}

impl Dialect {
    /// The OpenAI wire format of the `/v1` routes.
    pub const OPENAI: Dialect = Dialect {
        error: IntoResponse::into_response,
        hook_answer: |body, _| axum::Json(body).into_response(),
    };
}

/// `POST /v1/chat/completions`.
pub async fn chat(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let (ctx, req, route) = match prepare::<ChatRequest>(&state, headers, body).await {
        Ok(prepared) => prepared,
        Err(done) => return done,
    };
    if req.is_stream() {
        let result = dispatch_chat_stream(&ctx, &route, &req).await;
        return ctx.answer_stream(&route, result, ctx.chunk_observer());
    }
    let result = dispatch_chat(&ctx, &route, &req).await;
    ctx.answer(&route, result)
}

/// `POST /v1/completions` (legacy text completion).
pub async fn completions(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (ctx, req, route) = match prepare::<CompletionRequest>(&state, headers, body).await {
        Ok(prepared) => prepared,
        Err(done) => return done,
    };
    let id = &ctx.info.request_id;
    if req.is_stream() {
        let result = dispatch(&route, id, |p, call| {
            let req = &req;
            async move { p.completion_stream(&call, req).await }
        })
        .await;
        if super::compat::falls_back(&ctx, &result) {
            return super::compat::complete(&ctx, &route, &req).await;
        }
        return ctx.answer_stream(&route, result, |item, _, _| item.usage());
    }
    let result = dispatch(&route, id, |p, call| {
        let req = &req;
        async move { p.completion(&call, req).await }
    })
    .await;
    if super::compat::falls_back(&ctx, &result) {
        return super::compat::complete(&ctx, &route, &req).await;
    }
    ctx.answer(&route, result)
}

/// `POST /v1/embeddings`.
pub async fn embeddings(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let (ctx, req, route) = match prepare::<EmbeddingRequest>(&state, headers, body).await {
        Ok(prepared) => prepared,
        Err(done) => return done,
    };
    let result = dispatch(&route, &ctx.info.request_id, |p, call| {
        let req = &req;
        async move { p.embeddings(&call, req).await }
    })
    .await;
    ctx.answer(&route, result)
}

/// `GET /v1/models`: every configured `provider/model`.
pub async fn models(State(state): State<AppState>) -> Response {
    axum::Json(state.router().snapshot().models()).into_response()
}

/// The client's `x-request-id` when usable, else a fresh one.
pub(super) fn request_id(headers: &HeaderMap) -> Arc<str> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= MAX_REQUEST_ID)
        .map(Arc::from)
        .unwrap_or_else(|| Arc::from(uuid::Uuid::new_v4().to_string()))
}

/// `response` with the `x-request-id` header set.
pub(super) fn with_id(mut response: Response, id: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refused(param: &str) -> Result<(), DispatchError> {
        Err(DispatchError::Failed {
            provider: "p".into(),
            error: ProviderError::unsupported_param(param, format!("no `{param}`")),
            attempts: Vec::new(),
        })
    }

    #[test]
    fn each_refused_parameter_is_dropped_once_and_absent_ones_end_the_retries() {
        let req: ChatRequest = serde_json::from_value(json!({"model": "m",
            "messages": [{"role": "user", "content": "hi"}], "seed": 1, "logit_bias": {"1": 2}}))
        .unwrap();
        let mut drops = ParamDrops::new(&req);
        let next = drops.next(&refused("logit_bias")).unwrap();
        assert!(!next.extra.contains_key("logit_bias") && next.extra.contains_key("seed"));
        let next = drops.next(&refused("seed")).unwrap();
        assert!(next.extra.is_empty());
        // Already dropped: refusing it again must not loop.
        assert!(drops.next(&refused("seed")).is_none());
        assert!(drops.next(&refused("not_sent")).is_none());
        assert!(drops.next(&Ok(())).is_none());
        let other: Result<(), DispatchError> = Err(DispatchError::Failed {
            provider: "p".into(),
            error: ProviderError::Unsupported("no such API".into()),
            attempts: Vec::new(),
        });
        assert!(drops.next(&other).is_none());
        assert_eq!(drops.dropped, ["logit_bias", "seed"]);
        // The client's request itself is untouched.
        assert!(req.extra.contains_key("seed"));
    }
}
