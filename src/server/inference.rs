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
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::stream::{self, StreamEnd};
use super::AppState;
use crate::config::JsonRepairMode;
use crate::hooks::json_repair::StreamRepair;
use crate::hooks::{Endpoint, InferenceRequest, Outcome, PreOutcome, RequestInfo};
use crate::providers::{ChunkStream, ItemStream, ProviderError, Reply};
use crate::routing::{dispatch, DispatchError, Dispatched, Route, RouteError};
use crate::schema::{
    append_member, Answer, ChatChunk, ChatRequest, ChatResponse, CompletionRequest,
    EmbeddingRequest, HasUsage, Usage,
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
    let req: T = super::body::read_json(state, body)
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

/// An upstream answer with the reference gateway's `extra_fields` appended, serialised
/// in one pass (no intermediate `Value`).
#[derive(serde::Serialize)]
struct WithExtraFields<'a, T> {
    #[serde(flatten)]
    body: &'a T,
    extra_fields: ExtraFields<'a>,
}

/// Where a request went, as the reference gateway reports it.
#[derive(serde::Serialize)]
struct ExtraFields<'a> {
    provider: &'a str,
    model_requested: &'a str,
    model_resolved: &'a str,
    request_type: &'static str,
    latency_ms: u64,
    /// Parameters `should_drop_params` removed, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    dropped_params: Option<Vec<&'a str>>,
}

/// One request's context: what hooks and errors need to know about it.
pub(super) struct Ctx {
    pub(super) state: AppState,
    pub(super) info: RequestInfo,
    dialect: Dialect,
}

impl Ctx {
    pub(super) fn new(
        state: &AppState,
        endpoint: Endpoint,
        model: &str,
        stream: bool,
        headers: HeaderMap,
        started: Instant,
    ) -> Ctx {
        Ctx {
            state: state.clone(),
            info: RequestInfo {
                request_id: request_id(&headers),
                endpoint,
                model_requested: model.to_string(),
                stream,
                started,
                headers,
            },
            dialect: Dialect::OPENAI,
        }
    }

    /// What hooks know about the request (its id, the model the client named, ...).
    pub(super) fn info(&self) -> &RequestInfo {
        &self.info
    }

    /// What each chat chunk goes through on its way out, whatever the wire format:
    /// JSON repair when configured, then the hooks. Returns the chunk's usage.
    pub(super) fn chunk_observer(
        &self,
    ) -> impl FnMut(&mut ChatChunk, &crate::hooks::Pipeline, &RequestInfo) -> Option<Usage>
           + Send
           + 'static {
        let mut repair = self.wants_json_repair().then(StreamRepair::default);
        move |chunk, hooks, info| {
            if let Some(repair) = &mut repair {
                repair.apply(chunk);
            }
            hooks.on_chunk(info, chunk);
            chunk.usage.clone()
        }
    }

    fn wants_json_repair(&self) -> bool {
        match self.state.json_repair() {
            JsonRepairMode::Off => false,
            JsonRepairMode::Always => true,
            JsonRepairMode::OnRequest => self
                .info
                .headers
                .get("x-bf-json-repair")
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true")),
        }
    }

    pub(super) async fn pre(&mut self, req: InferenceRequest<'_>) -> Option<Response> {
        let hooks = self.state.hooks();
        if hooks.is_empty() {
            return None;
        }
        match hooks.pre_request(&self.info, req).await {
            PreOutcome::Continue => None,
            PreOutcome::Respond(body) => {
                self.complete(200, None, None, 0, || None);
                Some(with_id(
                    (self.dialect.hook_answer)(body, &self.info),
                    &self.info.request_id,
                ))
            }
            PreOutcome::Reject(r) => {
                let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
                Some(self.fail(ApiError::new(status, r.kind, r.message)))
            }
        }
    }

    pub(super) fn route(&self, model: &str) -> Result<Route, RouteError> {
        self.state.router().snapshot().resolve(model)
    }

    /// Tells the hooks the request was answered.
    pub(super) fn complete(
        &self,
        status: u16,
        route: Option<&Route>,
        key: Option<String>,
        attempts: u32,
        usage: impl FnOnce() -> Option<Usage>,
    ) {
        let hooks = self.state.hooks();
        if hooks.is_empty() {
            return;
        }
        hooks.on_complete(
            &self.info,
            &Outcome {
                status,
                provider: route.map(|r| r.provider.name.clone()),
                model: route.map(|r| r.model.to_string()),
                key,
                attempts,
                usage: usage(),
                error: None,
                latency: self.info.started.elapsed(),
            },
        );
    }

    /// The error response (in the route's dialect), after telling the hooks.
    pub(super) fn fail(&self, mut e: ApiError) -> Response {
        e.context.model_requested = Some(self.info.model_requested.clone());
        e.context.request_type = Some(self.info.endpoint.request_type());
        let hooks = self.state.hooks();
        if !hooks.is_empty() {
            hooks.on_complete(
                &self.info,
                &Outcome {
                    status: e.status.as_u16(),
                    provider: e.context.provider.clone(),
                    model: e.context.model_resolved.clone(),
                    key: None,
                    attempts: 0,
                    usage: None,
                    error: Some(e.message.clone()),
                    latency: self.info.started.elapsed(),
                },
            );
        }
        tracing::debug!(request_id = %self.info.request_id, status = e.status.as_u16(), error = %e.message, "request failed");
        with_id((self.dialect.error)(e), &self.info.request_id)
    }

    /// The error response for a dispatch that failed on `route`.
    pub(super) fn dispatch_failed(&self, route: &Route, e: DispatchError) -> Response {
        let mut err = ApiError::from(e);
        err.context.provider = Some(route.provider.name.clone());
        err.context.model_resolved = Some(route.model.to_string());
        self.fail(err)
    }

    /// A JSON answer (the upstream's, plus `extra_fields`), or the dispatch error.
    pub(super) fn answer<T: serde::Serialize + HasUsage>(
        &self,
        route: &Route,
        result: Result<Dispatched<Reply<Answer<T>>>, DispatchError>,
    ) -> Response {
        let Dispatched {
            value,
            key_name,
            attempts,
            ..
        } = match result {
            Ok(d) => d,
            Err(e) => return self.dispatch_failed(route, e),
        };
        let extra_fields = ExtraFields {
            provider: &route.provider.name,
            model_requested: &self.info.model_requested,
            model_resolved: &route.model,
            request_type: self.info.endpoint.request_type(),
            latency_ms: self.info.started.elapsed().as_millis() as u64,
            dropped_params: self.dropped_params(&value.headers),
        };
        let encoded = match &value.body {
            // The upstream's bytes go out as they came, with one member appended.
            Answer::Raw { json, .. } => {
                let mut extra = Vec::with_capacity(256);
                serde_json::to_writer(&mut extra, &extra_fields)
                    .map(|()| append_member(json, "extra_fields", &extra))
            }
            Answer::Typed(body) => {
                // Sized for a typical answer so encoding rarely reallocates.
                let mut bytes = Vec::with_capacity(2048);
                serde_json::to_writer(&mut bytes, &WithExtraFields { body, extra_fields })
                    .map(|()| bytes)
            }
        };
        let bytes = match encoded {
            Ok(b) => b,
            Err(e) => {
                return self.fail(ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "upstream_error",
                    format!("cannot encode the upstream answer: {e}"),
                ))
            }
        };
        let mut response = Response::new(Body::from(bytes));
        let headers = response.headers_mut();
        headers.extend(value.headers);
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        self.complete(200, Some(route), key_name, attempts, || value.body.usage());
        with_id(response, &self.info.request_id)
    }

    /// The parameters `should_drop_params` removed, as named in `headers` by
    /// [`ParamDrops::finish`]; nothing to look up when the switch is off.
    fn dropped_params<'h>(&self, headers: &'h HeaderMap) -> Option<Vec<&'h str>> {
        if !self.state.compat().should_drop_params {
            return None;
        }
        let list = headers.get(DROPPED_PARAMS_HEADER)?.to_str().ok()?;
        Some(list.split(',').collect())
    }

    /// An SSE answer, or the dispatch error (a stream that failed before starting).
    pub(super) fn answer_stream<T, O>(
        &self,
        route: &Route,
        result: Result<Dispatched<Reply<ItemStream<T>>>, DispatchError>,
        observe: O,
    ) -> Response
    where
        T: serde::Serialize + Send + 'static,
        O: FnMut(&mut T, &crate::hooks::Pipeline, &RequestInfo) -> Option<Usage> + Send + 'static,
    {
        self.stream_with(route, result, observe, stream::OpenAiSse)
    }

    /// An SSE answer whose events `encoder` writes, or the dispatch error. `observe`
    /// sees each item first (hooks) and reports its usage.
    pub(super) fn stream_with<T, O, E>(
        &self,
        route: &Route,
        result: Result<Dispatched<Reply<ItemStream<T>>>, DispatchError>,
        mut observe: O,
        encoder: E,
    ) -> Response
    where
        T: Send + 'static,
        O: FnMut(&mut T, &crate::hooks::Pipeline, &RequestInfo) -> Option<Usage> + Send + 'static,
        E: stream::Encoder<T>,
    {
        let d = match result {
            Ok(d) => d,
            Err(e) => return self.dispatch_failed(route, e),
        };
        let Dispatched {
            value,
            key_name,
            permit,
            attempts,
            redaction,
        } = d;
        let hooks = self.state.hooks().clone();
        let info = self.info.clone();
        let provider = route.provider.name.clone();
        let model = route.model.to_string();
        let finish_hooks = hooks.clone();
        let finish_info = info.clone();
        let finish = move |end: StreamEnd| {
            if finish_hooks.is_empty() {
                return;
            }
            finish_hooks.on_complete(
                &finish_info,
                &Outcome {
                    status: 200,
                    provider: Some(provider.clone()),
                    model: Some(model),
                    key: key_name,
                    attempts,
                    usage: end.usage,
                    error: end.error.map(|e| e.to_string()),
                    latency: finish_info.started.elapsed(),
                },
            );
        };
        // Errors that arrive mid-stream are masked like those before it.
        let items = value.body.map(move |item| match &redaction {
            Some(r) => item.map_err(|e| r.apply(e)),
            None => item,
        });
        let body = stream::encode(
            items,
            permit,
            route.provider.name.clone(),
            move |item| observe(item, &hooks, &info),
            finish,
            encoder,
        );
        let mut response = Response::new(Body::from_stream(body));
        let headers = response.headers_mut();
        headers.extend(value.headers);
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        headers.insert(
            http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        );
        // Tells nginx not to buffer the stream (its default breaks token-by-token output).
        headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
        with_id(response, &self.info.request_id)
    }
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
