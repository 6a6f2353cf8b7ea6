//! The life of one inference request, the same for every route (`/v1`, `/openai`,
//! `/anthropic`, `/genai`, `/bedrock`, `/cohere`, `/litellm`, forwarded endpoints,
//! rerank, transcription):
//!
//! ```text
//! Ctx::start (the outcome report exists from here on)
//!   -> read the body (limits) and decode it (the route's dialect)
//!   -> prepare: check, pre-request hooks (answer, replay or refuse), resolve the model
//!   -> dispatch (keys, failover) -> answer or stream, encoded in the route's dialect
//!   -> the report goes to the hooks once, when the context (or the stream holding it)
//!      is dropped
//! ```
//!
//! A route supplies only its [`Dialect`] (how errors and hook answers look) and, for
//! chat, a [`ChatDialect`] (how a canonical answer and stream events look); the chat
//! sequence itself is written once, in [`chat`].

mod answer;
mod chat;
mod gate;
mod outcome;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

pub(super) use answer::{PlainWatch, DROPPED_PARAMS_HEADER};
pub(super) use chat::{chat, dispatch_chat, dispatch_chat_stream, routed, ChatDialect};
pub(super) use gate::Demand;
pub(crate) use gate::Gate;

use super::error::ApiError;
use super::AppState;
use crate::governance::Authorized;
use crate::hooks::{Endpoint, InferenceRequest, PreOutcome, RequestInfo};
use crate::routing::Route;
use crate::schema::{ChatChunk, ChatRequest, CompletionRequest, EmbeddingRequest, RerankRequest};
use outcome::Report;

/// Longest client `x-request-id` kept; longer ones are replaced.
const MAX_REQUEST_ID: usize = 128;

/// How a family of routes speaks: its name in outcomes, the shape of its errors and of
/// a hook's answer. Plain function pointers, so the OpenAI routes pay nothing for the
/// choice.
#[derive(Clone, Copy)]
pub(super) struct Dialect {
    /// The family's name (`RequestInfo::route`).
    pub name: &'static str,
    /// Renders an error (status, headers and body).
    pub error: fn(ApiError) -> Response,
    /// Renders the answer a pre-request hook gave instead of calling upstream
    /// (an OpenAI-shaped JSON body), for the request in `info`.
    pub hook_answer: fn(Value, &RequestInfo) -> Response,
}

impl Dialect {
    /// The OpenAI wire format of the `/v1` routes.
    pub const OPENAI: Dialect = Dialect {
        name: "openai",
        error: IntoResponse::into_response,
        hook_answer: |body, _| axum::Json(body).into_response(),
    };
}

/// What the pipeline needs from each endpoint's decoded request.
pub(super) trait InferenceBody: DeserializeOwned + Serialize + Send {
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
    /// What the request is expected to consume, for a governed key's reservation.
    fn demand(&self) -> Demand {
        let size = serde_json::to_vec(self).map_or(0, |b| b.len());
        Demand::of_body(size, None)
    }
}

impl InferenceBody for ChatRequest {
    fn model(&mut self) -> &mut String {
        &mut self.model
    }
    fn streams(&self) -> bool {
        self.is_stream()
    }
    fn for_hooks(&mut self) -> InferenceRequest<'_> {
        InferenceRequest::Chat(self)
    }
    fn demand(&self) -> Demand {
        let bytes: usize = self
            .messages
            .iter()
            .map(|m| {
                let content = m.content.as_ref().map_or(0, |c| c.to_string().len());
                content + gate::TOKENS_PER_MESSAGE as usize
            })
            .sum();
        let cap = ["max_completion_tokens", "max_tokens"]
            .iter()
            .find_map(|k| self.extra.get(*k).and_then(Value::as_u64));
        Demand::of_body(bytes, cap)
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

/// Rerank requests are canonical already (Cohere v2's shape); hooks see the model.
impl InferenceBody for RerankRequest {
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

/// How a request ended before dispatch: a finished response (an error, a hook's
/// answer), or chunks a hook wants replayed as the answer.
pub(super) enum Early {
    /// Send this.
    Done(Response),
    /// Answer with these chunks (a chat route streams them in its dialect).
    Replay(Vec<ChatChunk>),
}

/// One request's context: what hooks and errors need to know about it, and its
/// outcome report. Dropping it reports the outcome.
pub(super) struct Ctx {
    pub(super) state: AppState,
    pub(super) dialect: Dialect,
    report: Report,
}

impl Ctx {
    /// The context of a request that just arrived on `endpoint` of a `dialect` route.
    pub(super) fn start(
        state: &AppState,
        dialect: Dialect,
        endpoint: Endpoint,
        headers: HeaderMap,
    ) -> Ctx {
        let info = RequestInfo {
            request_id: request_id(&headers),
            route: dialect.name,
            endpoint,
            model_requested: String::new(),
            stream: false,
            started: Instant::now(),
            headers,
        };
        Ctx {
            state: state.clone(),
            dialect,
            report: Report::new(state.hooks().clone(), info),
        }
    }

    /// What hooks know about the request (its id, the model the client named, ...).
    pub(super) fn info(&self) -> &RequestInfo {
        &self.report.info
    }

    /// The request's id.
    pub(super) fn id(&self) -> &Arc<str> {
        &self.report.info.request_id
    }

    /// Records what the decoded request asks for.
    pub(super) fn named(&mut self, model: &str, stream: bool) {
        model.clone_into(&mut self.report.info.model_requested);
        self.report.info.stream = stream;
    }

    /// The whole body, under the configured size and time limits.
    pub(super) async fn read_bytes(&mut self, body: Body) -> Result<Bytes, Response> {
        match super::body::read_bytes(&self.state, &self.report.info.headers, body).await {
            Ok(bytes) => Ok(bytes),
            Err(e) => Err(self.fail(e)),
        }
    }

    /// The body decoded as JSON, under the configured size and time limits.
    pub(super) async fn read_json<T: DeserializeOwned>(
        &mut self,
        body: Body,
    ) -> Result<T, Response> {
        match super::body::read_json(&self.state, &self.report.info.headers, body).await {
            Ok(v) => Ok(v),
            Err(e) => Err(self.fail(e)),
        }
    }

    /// The body decoded as `T` and prepared ([`Ctx::prepare`]): the request and its
    /// route, or the finished response.
    pub(super) async fn accept<T: InferenceBody>(
        &mut self,
        body: Body,
    ) -> Result<(T, Route), Response> {
        let mut req: T = self.read_json(body).await?;
        let route = self.prepare(&mut req).await?;
        Ok((req, route))
    }

    /// Checks a decoded request, runs the hooks and resolves the model, which is then
    /// rewritten to the upstream's id. A hook's replayed chunks are sent as one JSON
    /// list here; the chat flow streams them instead ([`Ctx::prepare_early`]).
    pub(super) async fn prepare<T: InferenceBody>(
        &mut self,
        req: &mut T,
    ) -> Result<Route, Response> {
        match self.prepare_early(req).await {
            Ok(route) => Ok(route),
            Err(early) => Err(self.early(early)),
        }
    }

    /// [`Ctx::prepare`] for an endpoint whose body the gateway does not model
    /// (forwarded endpoints, transcription): hooks see, and may change, its model.
    /// `demand` is worked out only for a governed request.
    pub(super) async fn prepare_model(
        &mut self,
        model: &mut String,
        stream: bool,
        demand: impl FnOnce() -> Demand,
    ) -> Result<Route, Response> {
        self.named(model, stream);
        self.check_model(model)?;
        let key = self.authenticate(model)?;
        if let Err(early) = self.pre(InferenceRequest::Model(model)).await {
            return Err(self.early(early));
        }
        let route = self.route(model)?;
        self.admit(key, &route, demand).await?;
        Ok(route)
    }

    /// The response for a request a hook ended before dispatch; replayed chunks are
    /// sent as one JSON list (only chat routes stream them).
    fn early(&mut self, early: Early) -> Response {
        match early {
            Early::Done(response) => response,
            Early::Replay(chunks) => {
                let body = serde_json::to_value(&chunks).unwrap_or(Value::Null);
                self.hook_answered(body)
            }
        }
    }

    /// [`Ctx::prepare`], leaving a hook's replay to the caller.
    pub(super) async fn prepare_early<T: InferenceBody>(
        &mut self,
        req: &mut T,
    ) -> Result<Route, Early> {
        let stream = req.streams();
        self.named(req.model(), stream);
        if let Some(problem) = req.problem() {
            return Err(Early::Done(self.fail(problem)));
        }
        self.check_model(req.model()).map_err(Early::Done)?;
        let key = self.authenticate(req.model()).map_err(Early::Done)?;
        self.pre(req.for_hooks()).await?;
        let route = self.route(req.model()).map_err(Early::Done)?;
        self.admit(key, &route, || req.demand())
            .await
            .map_err(Early::Done)?;
        *req.model() = route.model.to_string();
        self.report
            .request_content(|| serde_json::to_value(&*req).ok());
        Ok(route)
    }

    /// Runs the pre-request hooks on `req`.
    pub(super) async fn pre(&mut self, req: InferenceRequest<'_>) -> Result<(), Early> {
        let hooks = self.state.hooks();
        if hooks.is_empty() {
            return Ok(());
        }
        match hooks.pre_request(&self.report.info, req).await {
            PreOutcome::Continue => Ok(()),
            PreOutcome::Respond(body) => Err(Early::Done(self.hook_answered(body))),
            PreOutcome::Stream(chunks) => Err(Early::Replay(chunks)),
            PreOutcome::Reject(r) => {
                let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
                Err(Early::Done(
                    self.fail(ApiError::new(status, r.kind, r.message)),
                ))
            }
        }
    }

    /// A hook's JSON answer, rendered in the route's dialect.
    fn hook_answered(&mut self, body: Value) -> Response {
        self.report.answered(200, || None);
        self.report.response_content(|| Some(body.clone()));
        let response = (self.dialect.hook_answer)(body, &self.report.info);
        self.stamp().apply(response)
    }

    /// Refuses a model name longer than any model id (the limit stored ids are held to).
    #[allow(clippy::result_large_err)]
    fn check_model(&mut self, model: &str) -> Result<(), Response> {
        let max = crate::config::limits::MAX_MODEL_ID;
        if model.len() <= max {
            return Ok(());
        }
        let mut e = ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            format!(
                "`model` is {} bytes, over the limit of {max} bytes: {}",
                model.len(),
                crate::config::quote(model)
            ),
        )
        .code("invalid_field");
        e.param = Some("model".into());
        Err(self.fail(e))
    }

    /// The virtual key the request presents, authenticated, with `model` fitted to what
    /// it allows (a bare model spread over the key's providers); `None` when the
    /// request presents none and keys are not required. Runs before the hooks, so no
    /// hook (a cache) answers a request that may not be served.
    #[allow(clippy::result_large_err)]
    fn authenticate(&mut self, model: &mut String) -> Result<Option<Authorized>, Response> {
        let gate = self.state.gate();
        let key = match gate.authenticate(&self.report.info.headers) {
            Ok(Some(key)) => key,
            Ok(None) => return Ok(None),
            Err(r) => return Err(self.fail(gate::refused(r))),
        };
        match gate.fit(&key, model) {
            Ok(Some(fitted)) => *model = fitted,
            Ok(None) => {}
            Err(r) => return Err(self.fail(gate::refused(r))),
        }
        Ok(Some(key))
    }

    /// Reserves the request's estimated cost under `key` on `route`.
    async fn admit(
        &mut self,
        key: Option<Authorized>,
        route: &Route,
        demand: impl FnOnce() -> Demand,
    ) -> Result<(), Response> {
        let Some(key) = key else {
            return Ok(());
        };
        let gate = self.state.gate().clone();
        match gate.admit(&key, route, demand()).await {
            Ok(admission) => {
                self.report.admitted(admission, &key.key().name);
                Ok(())
            }
            Err(r) => Err(self.fail(gate::refused(r))),
        }
    }

    /// What every response of this request carries: its id and the key's rate-limit
    /// headers.
    pub(super) fn stamp(&self) -> Stamp {
        Stamp {
            id: self.id().clone(),
            headers: self.report.rate_headers().to_vec(),
        }
    }

    /// The route for `model`, or the finished 404.
    // The error is the response itself, built once on the way out; boxing it would only
    // add an allocation.
    #[allow(clippy::result_large_err)]
    pub(super) fn route(&mut self, model: &str) -> Result<Route, Response> {
        match self.state.router().snapshot().resolve(model) {
            Ok(route) => {
                self.report.routed(&route);
                let gate = self.state.gate();
                self.report.priced(|| gate.price(&route));
                Ok(route)
            }
            Err(e) => Err(self.fail(e.into())),
        }
    }

    /// The error response (in the route's dialect), recorded as the outcome.
    pub(super) fn fail(&mut self, mut e: ApiError) -> Response {
        // Whatever quoted the client's input back (a role, a block type, a path), a
        // long quote comes back shortened, never whole.
        if let std::borrow::Cow::Owned(short) = crate::config::shorten_quoted(&e.message) {
            e.message = short;
        }
        let info = &self.report.info;
        if !info.model_requested.is_empty() {
            e.context.model_requested =
                Some(crate::config::shorten(&info.model_requested).into_owned());
        }
        e.context.request_type = Some(info.endpoint.request_type());
        tracing::debug!(request_id = %info.request_id, status = e.status.as_u16(), error = %e.message, "request failed");
        self.report.failed(&e);
        self.stamp().apply((self.dialect.error)(e))
    }
}

/// What every response of a request carries, taken before the context moves into a
/// stream: the request id, and a governed key's `x-ratelimit-*` headers.
pub(super) struct Stamp {
    id: Arc<str>,
    headers: Vec<(&'static str, String)>,
}

impl Stamp {
    /// `response` with the stamp's headers set.
    pub(super) fn apply(&self, response: Response) -> Response {
        let mut response = with_id(response, &self.id);
        for (name, value) in &self.headers {
            if let Ok(v) = HeaderValue::from_str(value) {
                response.headers_mut().insert(*name, v);
            }
        }
        response
    }
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
