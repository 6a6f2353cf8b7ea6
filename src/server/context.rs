//! One request's context on its way through the inference pipeline: what hooks and
//! errors need to know about it, and how its answer (JSON with `extra_fields`, or SSE)
//! is written. Shared by the `/v1` handlers and the drop-in routes.

use std::time::Instant;

use axum::body::Body;
use axum::response::Response;
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue, StatusCode};

use super::error::ApiError;
use super::inference::{request_id, with_id, Dialect, DROPPED_PARAMS_HEADER};
use super::stream::{self, StreamEnd};
use super::AppState;
use crate::config::JsonRepairMode;
use crate::hooks::json_repair::StreamRepair;
use crate::hooks::{Endpoint, InferenceRequest, Outcome, PreOutcome, RequestInfo};
use crate::providers::{ItemStream, Reply};
use crate::routing::{DispatchError, Dispatched, Route, RouteError};
use crate::schema::{append_member, Answer, ChatChunk, HasUsage, Usage};

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

/// A decoded upstream answer and what [`Ctx::complete`] reports about the call.
pub(super) struct Typed<T> {
    pub answer: T,
    pub usage: Option<Usage>,
    /// The upstream headers a client may see (`forwardable_headers`).
    pub headers: HeaderMap,
    pub key_name: Option<String>,
    pub attempts: u32,
}

/// One request's context: what hooks and errors need to know about it.
pub(super) struct Ctx {
    pub(super) state: AppState,
    pub(super) info: RequestInfo,
    pub(super) dialect: Dialect,
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
    /// The upstream's answer decoded for a drop-in route to translate, or the finished
    /// error response: the dispatch failure, or a 502 when the answer is not `what`
    /// ("a chat completion", ...).
    // The error is the response itself, built once on the way out; boxing it would only
    // add an allocation.
    #[allow(clippy::result_large_err)]
    pub(super) fn typed<T: serde::de::DeserializeOwned + HasUsage>(
        &self,
        route: &Route,
        result: Result<Dispatched<Reply<Answer<T>>>, DispatchError>,
        what: &str,
    ) -> Result<Typed<T>, Response> {
        let d = result.map_err(|e| self.dispatch_failed(route, e))?;
        let usage = d.value.body.usage();
        let answer = d.value.body.into_typed().map_err(|e| {
            self.fail(ApiError::new(
                StatusCode::BAD_GATEWAY,
                "upstream_error",
                format!("the upstream answer is not {what}: {e}"),
            ))
        })?;
        Ok(Typed {
            answer,
            usage,
            headers: d.value.headers,
            key_name: d.key_name,
            attempts: d.attempts,
        })
    }

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
