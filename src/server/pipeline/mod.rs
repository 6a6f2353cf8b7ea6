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
mod estimate;
mod fallbacks;
mod gate;
mod outcome;
mod resume;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

pub(super) use answer::{PlainWatch, DROPPED_PARAMS_HEADER};
pub(super) use chat::{chat, dispatch_chat, dispatch_chat_stream, routed, ChatDialect, Targets};
pub(super) use estimate::text_of;
pub(super) use gate::Demand;
pub(crate) use gate::Gate;

use super::error::ApiError;
use super::AppState;
use crate::governance::{Authorized, RateHeaders, WindowNames, REQUEST_NAMES, TOKEN_NAMES};
use crate::hooks::{Endpoint, InferenceRequest, PreOutcome, RequestInfo};
use crate::providers::Origin;
use crate::routing::{DispatchError, Plan, ProviderRuntime, Route};
use crate::schema::{
    ChatChunk, ChatRequest, CompletionRequest, EmbeddingRequest, RawJson, RerankRequest,
};
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
    /// Takes the gateway's own `fallbacks` member out, so it never reaches an upstream.
    fn take_fallbacks(&mut self) -> Option<Value>;
    /// The `model` field, read.
    fn model_id(&self) -> &str;
    /// The request for the upstream of `call`: itself on the primary, a copy naming
    /// the fallback's model on a fallback.
    fn for_call(&self, call: &crate::providers::Call) -> std::borrow::Cow<'_, Self>
    where
        Self: Clone,
    {
        if self.model_id() == &*call.model {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut req = self.clone();
        *req.model() = call.model.to_string();
        std::borrow::Cow::Owned(req)
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
    fn take_fallbacks(&mut self) -> Option<Value> {
        self.extra.remove(fallbacks::MEMBER)
    }
    fn model_id(&self) -> &str {
        &self.model
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
    fn take_fallbacks(&mut self) -> Option<Value> {
        self.extra.remove(fallbacks::MEMBER)
    }
    fn model_id(&self) -> &str {
        &self.model
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
    fn take_fallbacks(&mut self) -> Option<Value> {
        self.extra.remove(fallbacks::MEMBER)
    }
    fn model_id(&self) -> &str {
        &self.model
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
    fn take_fallbacks(&mut self) -> Option<Value> {
        self.extra.remove(fallbacks::MEMBER)
    }
    fn model_id(&self) -> &str {
        &self.model
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
    origin: Origin,
    /// Boxed: the report is most of a request's state, and the context is moved into
    /// and held across every await of a handler's future (see `future_sizes`).
    report: Box<Report>,
    /// Where to go when the primary fails: the body's `fallbacks`, else a virtual
    /// key's other providers.
    fallbacks: fallbacks::Fallbacks,
    /// A governed request's key and demand, to reserve again at a fallback's price.
    governed: Option<gate::Governed>,
    /// Set when a forwarded request's targets failed and it goes on translated.
    handover: Option<fallbacks::Handover>,
}

impl Ctx {
    /// The context of a request that just arrived on `endpoint` of a `dialect` route.
    pub(super) fn start(
        state: &AppState,
        dialect: Dialect,
        endpoint: Endpoint,
        headers: HeaderMap,
    ) -> Ctx {
        let started = Instant::now();
        let observability = state.observability();
        let trace = observability.traces().begin(&headers);
        let origin = Origin {
            request_id: request_id(&headers),
            traceparent: trace.as_ref().map(crate::observability::traceparent),
        };
        let info = RequestInfo {
            request_id: origin.request_id.clone(),
            route: dialect.name,
            endpoint,
            model_requested: String::new(),
            stream: false,
            started,
            headers,
            trace,
        };
        Ctx {
            state: state.clone(),
            dialect,
            origin,
            report: Box::new(Report::new(
                state.hooks().clone(),
                info,
                observability.in_flight(),
            )),
            fallbacks: fallbacks::Fallbacks::default(),
            governed: None,
            handover: None,
        }
    }

    /// What hooks know about the request (its id, the model the client named, ...).
    pub(super) fn info(&self) -> &RequestInfo {
        &self.report.info
    }

    /// The request's id, with the trace context its upstream calls carry.
    pub(super) fn id(&self) -> &Origin {
        &self.origin
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
    ) -> Result<(T, Plan), Response> {
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
    ) -> Result<Plan, Response> {
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
    ) -> Result<Plan, Response> {
        self.named(model, stream);
        self.check_model(model)?;
        let key = self.authenticate(model)?;
        if let Err(early) = self.pre(InferenceRequest::Model(model)).await {
            return Err(self.early(early));
        }
        let plan = self.route(model, key.as_ref(), || None)?;
        self.admit(key, plan.primary(), demand).await?;
        Ok(plan)
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
    ) -> Result<Plan, Early> {
        let stream = req.streams();
        self.named(req.model(), stream);
        if let Some(problem) = req.problem() {
            return Err(Early::Done(self.fail(problem)));
        }
        let requested = req.take_fallbacks();
        self.requested_fallbacks(requested.as_ref())
            .map_err(Early::Done)?;
        self.check_model(req.model()).map_err(Early::Done)?;
        let key = self.authenticate(req.model()).map_err(Early::Done)?;
        self.pre(req.for_hooks()).await?;
        // The model is taken out for the call so the body can be read as `params`.
        let model = std::mem::take(req.model());
        let routed = self.route(&model, key.as_ref(), || serde_json::to_value(&*req).ok());
        *req.model() = model;
        let plan = routed.map_err(Early::Done)?;
        self.admit(key, plan.primary(), || req.demand())
            .await
            .map_err(Early::Done)?;
        *req.model() = plan.primary().model.to_string();
        self.report.request_content(|| RawJson::encode(&*req));
        Ok(plan)
    }

    /// Runs the pre-request hooks on `req`.
    pub(super) async fn pre(&mut self, req: InferenceRequest<'_>) -> Result<(), Early> {
        let hooks = self.state.hooks();
        if !hooks.intercepts() {
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
        self.report.response_content(|| RawJson::encode(&body));
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
            Ok(fitted) => {
                if let Some(m) = fitted.model {
                    *model = m;
                }
                self.fallbacks.governed(fitted.fallbacks);
            }
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
        let demand = demand();
        match gate.admit(&key, route, demand).await {
            Ok(admission) => {
                self.report.admitted(admission, key.key());
                self.governed = Some(gate::Governed::new(key, demand, route));
                Ok(())
            }
            Err(r) => Err(self.fail(gate::refused(r))),
        }
    }

    /// What every response of this request carries: its id, the key's rate-limit
    /// headers, and where an upstream answer came from.
    pub(super) fn stamp(&self) -> Stamp {
        Stamp {
            id: self.origin.request_id.clone(),
            rate: self.report.rate_headers(),
            served: self.report.served.as_ref().map(|s| ServedBy {
                provider: s.route.provider.clone(),
                fallback_index: s.fallback_index,
                retries: s.retries,
            }),
        }
    }

    /// The plan for `model` (aliases and routing rules applied, then the fallbacks), or
    /// the finished 404 (400 for a fallback that leads nowhere).
    /// `params` (the body as JSON) is made only when a rule reads `params`.
    // The error is the response itself, built once on the way out; boxing it would only
    // add an allocation.
    #[allow(clippy::result_large_err)]
    pub(super) fn route(
        &mut self,
        model: &str,
        key: Option<&Authorized>,
        params: impl FnOnce() -> Option<Value>,
    ) -> Result<Plan, Response> {
        let snapshot = self.state.router().snapshot();
        let params = if snapshot.reads_params() {
            params()
        } else {
            None
        };
        let key = key.map(Authorized::key);
        // Team and customer names are not on the key; rules see their ids.
        use crate::routing::Named;
        let facts = crate::routing::RouteFacts {
            request_type: self.report.info.endpoint.request_type(),
            headers: Some(&self.report.info.headers),
            params: params.as_ref(),
            virtual_key: key.map(|k| Named {
                id: &k.id,
                name: &k.name,
            }),
            team: key.and_then(|k| k.team_id.as_deref()).map(Named::id),
            customer: key.and_then(|k| k.customer_id.as_deref()).map(Named::id),
        };
        let mut plan = match snapshot.plan(model, &facts) {
            Ok(plan) => plan,
            Err(e) => return Err(self.fail(e.into())),
        };
        if let Err(e) = self.fallbacks.extend(&snapshot, &mut plan) {
            return Err(self.fail(e));
        }
        let primary = plan.primary();
        self.report.routed(primary);
        self.report.priced(self.state.gate(), primary);
        Ok(plan)
    }

    /// Takes the client's `fallbacks` member (a list of `provider/model`), checked
    /// for shape; each is resolved with the plan.
    #[allow(clippy::result_large_err)]
    pub(super) fn requested_fallbacks(&mut self, member: Option<&Value>) -> Result<(), Response> {
        if member.is_none() {
            return Ok(());
        }
        match fallbacks::Fallbacks::requested(member) {
            Ok(f) => {
                self.fallbacks = f;
                Ok(())
            }
            Err(e) => Err(self.fail(e)),
        }
    }

    /// A drop-in route's raw body with its `fallbacks` member taken (and kept for the
    /// plan): the body then decodes, or forwards, as the route's own format. Bodies
    /// that do not mention the member are passed through untouched, unparsed.
    #[allow(clippy::result_large_err)]
    pub(super) fn without_fallbacks(&mut self, bytes: Bytes) -> Result<Bytes, Response> {
        let needle = b"\"fallbacks\"";
        if !bytes.windows(needle.len()).any(|w| w == needle) {
            return Ok(bytes);
        }
        let Ok(mut raw) = serde_json::from_slice::<crate::providers::JsonBody>(&bytes) else {
            // Not an object: the route's own decoding words the error.
            return Ok(bytes);
        };
        let member = raw.take(fallbacks::MEMBER);
        self.requested_fallbacks(member.as_ref())?;
        raw.to_bytes().map_err(|e| {
            self.fail(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                e.to_string(),
            ))
        })
    }

    /// Runs `op` along `plan` (targets, keys, retries), on the router's clock; a
    /// governed request's reservation follows the target tried ([`gate::Governed`]).
    pub(super) async fn dispatch<T, F, Fut>(
        &self,
        plan: &Plan,
        op: F,
    ) -> Result<crate::routing::Dispatched<T>, crate::routing::DispatchError>
    where
        F: Fn(Arc<dyn crate::providers::Provider>, crate::providers::Call) -> Fut,
        Fut: std::future::Future<Output = Result<T, crate::providers::ProviderError>>,
    {
        let clock = self.state.router().clock();
        let result = crate::routing::dispatch_with(plan, self.id(), &**clock, self, op).await;
        match &self.handover {
            None => result,
            Some(handover) => handover.merge(result),
        }
    }

    /// After the leading targets of `plan` that take a forwarded body unchanged
    /// ([`Plan::forwardable`]) failed with `e`: the rest of the plan from the first
    /// target of another type on ([`Plan::handover`]), for the route to serve
    /// translated, before any response header went out; else (no such target, or `e`
    /// ends the request) the finished error.
    #[allow(clippy::result_large_err)]
    pub(super) fn hand_over(&mut self, plan: &Plan, e: DispatchError) -> Result<Plan, Response> {
        let (rest, offset) = plan.handover();
        if rest.targets.is_empty() || !e.falls_back() {
            return Err(self.dispatch_failed(plan, e));
        }
        tracing::debug!(request_id = %self.origin, error = %e, "forwarded targets failed; going on translated");
        self.handover = Some(fallbacks::Handover::new(plan.primary().clone(), offset, e));
        Ok(rest)
    }

    /// The error for a forwarded request on an endpoint with no translation (audio,
    /// images, moderations), after its [`Plan::same_type`] targets failed: its other
    /// targets could not be tried, and it says so.
    pub(super) fn forward_failed(&mut self, plan: &Plan, e: DispatchError) -> Response {
        if !e.falls_back() {
            return self.dispatch_failed(plan, e);
        }
        let skipped: Vec<String> = plan
            .other_types()
            .map(|t| format!("`{}/{}`", t.provider.name, t.model))
            .collect();
        if skipped.is_empty() {
            return self.dispatch_failed(plan, e);
        }
        let note = format!(
            " (fallbacks not tried: {}; this endpoint is forwarded as is, so it falls over only to the same provider type and model)",
            skipped.join(", ")
        );
        self.dispatch_failed_noting(plan, e, &note)
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
/// stream: the request id, a governed key's `x-ratelimit-*` headers, and once an
/// upstream answered, where it came from (`x-bf-provider`, `x-bf-fallback-index`,
/// `x-bf-retries`).
pub(super) struct Stamp {
    id: Arc<str>,
    rate: RateHeaders,
    served: Option<ServedBy>,
}

/// Which target answered, for the `x-bf-*` headers.
struct ServedBy {
    provider: Arc<ProviderRuntime>,
    fallback_index: usize,
    retries: u32,
}

impl Stamp {
    /// `response` with the stamp's headers set. Header names are built at compile time
    /// and numbers written without formatting: this runs for every response.
    pub(super) fn apply(&self, response: Response) -> Response {
        let mut response = with_id(response, &self.id);
        let headers = response.headers_mut();
        let windows = [
            (const { header_names(&REQUEST_NAMES) }, self.rate.requests),
            (const { header_names(&TOKEN_NAMES) }, self.rate.tokens),
        ];
        for ([limit, remaining, reset], w) in windows {
            let Some(w) = w else { continue };
            headers.insert(limit, HeaderValue::from(w.limit));
            headers.insert(remaining, HeaderValue::from(w.remaining));
            if let Ok(v) = HeaderValue::try_from(format!("{}s", w.reset_secs)) {
                headers.insert(reset, v);
            }
        }
        if let Some(s) = &self.served {
            if let Ok(v) = HeaderValue::from_str(&s.provider.name) {
                headers.insert(const { HeaderName::from_static("x-bf-provider") }, v);
            }
            headers.insert(
                const { HeaderName::from_static("x-bf-fallback-index") },
                HeaderValue::from(s.fallback_index),
            );
            headers.insert(
                const { HeaderName::from_static("x-bf-retries") },
                HeaderValue::from(s.retries),
            );
        }
        response
    }
}

/// A window's `x-ratelimit-*` names as header names, made at compile time.
const fn header_names(names: &WindowNames) -> [HeaderName; 3] {
    [
        HeaderName::from_static(names[0]),
        HeaderName::from_static(names[1]),
        HeaderName::from_static(names[2]),
    ]
}

/// The client's `x-request-id` when usable, else a fresh one.
pub(super) fn request_id(headers: &HeaderMap) -> Arc<str> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= MAX_REQUEST_ID)
        .map(Arc::from)
        .unwrap_or_else(|| Arc::from(uuid::Uuid::now_v7().to_string()))
}

/// `response` with the `x-request-id` header set.
pub(super) fn with_id(mut response: Response, id: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(id) {
        (response.headers_mut()).insert(const { HeaderName::from_static("x-request-id") }, v);
    }
    response
}
