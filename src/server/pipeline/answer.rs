//! Writing an answer: a JSON body with the reference gateway's `extra_fields`, a typed
//! answer for a drop-in route to translate, or a stream whose events the route's
//! encoder writes. Each records itself in the request's outcome.

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue, StatusCode};

use super::super::error::ApiError;
use super::super::stream::{self, Count, StreamEnd, Watch};
use super::{Ctx, Stamp};
use crate::config::JsonRepairMode;
use crate::hooks::json_repair::StreamRepair;
use crate::providers::{ItemStream, Reply};
use crate::routing::{DispatchError, Dispatched, Plan};
use crate::schema::{
    append_member, Answer, ChatChunk, ChatRequest, ChunkAssembler, HasUsage, RawJson, Usage,
};

/// The response header naming the parameters `should_drop_params` removed.
pub(in crate::server) const DROPPED_PARAMS_HEADER: &str = "x-bifrost-dropped-params";

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
    /// The provider key that served it, by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    key_name: Option<&'a str>,
    /// Which target of the plan served (0: the primary).
    fallback_index: usize,
    /// Retries made on the way.
    retries: u32,
    /// Parameters `should_drop_params` removed, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    dropped_params: Option<Vec<&'a str>>,
    /// What the request cost (US dollars), for a governed request with a priced model.
    /// Always measured: an answer without usage has no cost here (a tokenizer estimate
    /// is billed once the answer is out, and the outcome says `cost_estimated`).
    #[serde(skip_serializing_if = "Option::is_none")]
    cost: Option<f64>,
}

/// What a chat stream's closing chunk carries in `extra_fields`.
#[derive(serde::Serialize)]
struct StreamExtraFields<'a> {
    provider: &'a str,
    model_requested: &'a str,
    model_resolved: &'a str,
    request_type: &'static str,
    cost: f64,
    /// The cost came from a tokenizer estimate: the stream reported no usage.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    cost_estimated: bool,
}

/// A decoded upstream answer for a drop-in route to translate.
pub(in crate::server) struct Typed<T> {
    pub answer: T,
    /// The upstream headers a client may see (`forwardable_headers`).
    pub headers: HeaderMap,
}

impl Ctx {
    /// The error response for a dispatch along `plan` that failed, with every attempt
    /// recorded: the primary's error.
    pub(in crate::server) fn dispatch_failed(&mut self, plan: &Plan, e: DispatchError) -> Response {
        self.dispatch_failed_noting(plan, e, "")
    }

    /// [`Ctx::dispatch_failed`] with `note` appended to the message.
    pub(in crate::server) fn dispatch_failed_noting(
        &mut self,
        plan: &Plan,
        e: DispatchError,
        note: &str,
    ) -> Response {
        self.report.dispatch_failed(&e);
        // A request that went on translated names the whole plan's primary.
        let route = self
            .handover
            .as_ref()
            .map_or(plan.primary(), |h| &h.primary);
        let mut err = ApiError::from(e);
        err.context.provider = Some(route.provider.name.clone());
        err.context.model_resolved = Some(route.model.to_string());
        err.message.push_str(note);
        self.fail(err)
    }

    /// The upstream's answer decoded for a drop-in route to translate, or the finished
    /// error response: the dispatch failure, or a 502 when the answer is not `what`
    /// ("a chat completion", ...). The answer counts as sent: the route renders it.
    // The error is the response itself, built once on the way out; boxing it would only
    // add an allocation.
    #[allow(clippy::result_large_err)]
    pub(in crate::server) fn typed<T>(
        &mut self,
        plan: &Plan,
        result: Result<Dispatched<Reply<Answer<T>>>, DispatchError>,
        what: &str,
    ) -> Result<Typed<T>, Response>
    where
        T: serde::de::DeserializeOwned + serde::Serialize + HasUsage,
    {
        let d = result.map_err(|e| self.dispatch_failed(plan, e))?;
        self.report.dispatched(&d);
        let usage = d.value.body.usage();
        self.report.answered(200, || usage);
        self.unmeasured(&d.value.body);
        let answer: T = match d.value.body.into_typed() {
            Ok(answer) => answer,
            Err(e) => {
                return Err(self.fail(ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "upstream_error",
                    format!("the upstream answer is not {what}: {e}"),
                )))
            }
        };
        self.report.response_content(|| RawJson::encode(&answer));
        Ok(Typed {
            answer,
            headers: d.value.headers,
        })
    }

    /// Records an upstream answer the route sends on as it came (audio, a relayed
    /// stream): status 200, the attempts, and the forwarded request's content.
    pub(in crate::server) fn sent<T>(&mut self, d: &Dispatched<T>) {
        self.report.dispatched(d);
        self.report.answered(200, || None);
    }

    /// Whether a hook wants request and answer content.
    pub(in crate::server) fn wants_content(&self) -> bool {
        self.report.wants_content()
    }

    /// A forwarded answer, sent as it came: its usage (else an estimate of `prompt`, the
    /// request's body, and of the answer) and (when a hook wants it) its JSON for the
    /// outcome.
    pub(in crate::server) fn sent_body(
        &mut self,
        usage: Option<Usage>,
        body: &Bytes,
        prompt: &Bytes,
    ) {
        let measured = usage.is_some();
        self.report.answered(200, || usage);
        if !measured && self.report.keeps_usage() {
            self.report.keep_body(prompt);
            self.report.unmeasured_answer(body.clone());
        }
        self.report
            .response_content(|| RawJson::parse(body.clone()));
    }

    /// Whether usage must be read from the answer: a hook listens, or a reservation
    /// waits to be settled.
    pub(in crate::server) fn keeps_usage(&self) -> bool {
        self.report.keeps_usage()
    }

    /// Keeps the request's body (shared, not copied), to estimate an answer that
    /// reports no usage.
    pub(in crate::server) fn keep_body(&mut self, body: &Bytes) {
        self.report.keep_body(body);
    }

    /// Keeps a chat request, to estimate an answer that reports no usage.
    pub(in crate::server) fn keep_prompt(&mut self, req: ChatRequest) {
        self.report.keep_prompt(req);
    }

    /// A relayed stream that reported no usage: `sent`, the text the client received,
    /// and the kept request are counted once the stream is over.
    pub(in crate::server) fn unmeasured_stream(&mut self, sent: String) {
        self.report.unmeasured_stream(sent);
    }

    /// A whole answer without usage: its text and the kept prompt are counted (off the
    /// async workers) once the answer is out. Encoded only when that is so.
    fn unmeasured<T: serde::Serialize + HasUsage>(&mut self, answer: &Answer<T>) {
        if !self.report.awaits_estimate() {
            return;
        }
        let json = match answer {
            Answer::Raw { json, .. } => json.clone(),
            Answer::Typed(t) => serde_json::to_vec(t).map(Bytes::from).unwrap_or_default(),
        };
        self.report.unmeasured_answer(json);
    }

    /// The answer's content for the outcome (a forwarded stream's events).
    pub(in crate::server) fn response_json(&mut self, answer: serde_json::Value) {
        self.report.response_content(|| RawJson::encode(&answer));
    }

    /// A forwarded stream's end, for the outcome.
    pub(in crate::server) fn stream_ended(&mut self, end: StreamEnd) {
        self.report.stream_ended(end);
    }

    /// A JSON request body for the outcome's content, parsed only when a hook wants it.
    pub(in crate::server) fn request_json(&mut self, body: &Bytes) {
        self.report.request_content(|| RawJson::parse(body.clone()));
    }

    /// A route's own rendering of a [`Typed`] answer, with the upstream headers a
    /// client may see and the request id.
    pub(in crate::server) fn reply(
        &self,
        body: impl serde::Serialize,
        headers: HeaderMap,
    ) -> Response {
        let mut out = axum::response::IntoResponse::into_response(axum::Json(body));
        out.headers_mut().extend(headers);
        self.with_cost(self.stamp().apply(out))
    }

    /// `response` with the request's cost in `x-bf-cost`, for a governed request whose
    /// model has a price and whose answer reported usage.
    pub(in crate::server) fn with_cost(&self, mut response: Response) -> Response {
        if let Some(cost) = self.report.cost() {
            if let Ok(v) = HeaderValue::from_str(&format!("{cost:.9}")) {
                response.headers_mut().insert("x-bf-cost", v);
            }
        }
        response
    }

    /// A JSON answer (the upstream's, plus `extra_fields`), or the dispatch error.
    pub(in crate::server) fn answer<T: serde::Serialize + HasUsage>(
        &mut self,
        plan: &Plan,
        result: Result<Dispatched<Reply<Answer<T>>>, DispatchError>,
    ) -> Response {
        let d = match result {
            Ok(d) => d,
            Err(e) => return self.dispatch_failed(plan, e),
        };
        self.report.dispatched(&d);
        let value = d.value;
        self.report.answered(200, || value.body.usage());
        self.unmeasured(&value.body);
        let info = &self.report.info;
        let route = &d.route;
        let extra_fields = ExtraFields {
            provider: &route.provider.name,
            model_requested: &info.model_requested,
            model_resolved: &route.model,
            request_type: info.endpoint.request_type(),
            latency_ms: info.started.elapsed().as_millis() as u64,
            key_name: d.key_name.as_deref(),
            fallback_index: d.fallback_index,
            retries: d.retries,
            dropped_params: self.dropped_params(&value.headers),
            cost: self.report.cost(),
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
        // Encoded here, so the log's copy is the same bytes, shared.
        let bytes = Bytes::from(bytes);
        self.report
            .response_content(|| Some(RawJson::encoded(bytes.clone())));
        let mut response = Response::new(Body::from(bytes));
        let headers = response.headers_mut();
        headers.extend(value.headers);
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        self.with_cost(self.stamp().apply(response))
    }

    /// The parameters `should_drop_params` removed, as named in `headers` by the chat
    /// dispatch; nothing to look up when the switch is off.
    fn dropped_params<'h>(&self, headers: &'h HeaderMap) -> Option<Vec<&'h str>> {
        if !self.state.compat().should_drop_params {
            return None;
        }
        let list = headers.get(DROPPED_PARAMS_HEADER)?.to_str().ok()?;
        Some(list.split(',').collect())
    }

    /// The watch for a chat stream: JSON repair when configured, the hooks, the
    /// assembly of the answer when a hook wants content, and this context's report.
    pub(in crate::server) fn chat_watch(self) -> ChatWatch {
        let repair = self.wants_json_repair().then(StreamRepair::default);
        let assembled = self.report.wants_content().then(ChunkAssembler::default);
        let sent = self.report.keeps_usage().then(String::new);
        ChatWatch {
            ctx: self,
            repair,
            assembled,
            sent,
            usage: None,
            first: None,
        }
    }

    fn wants_json_repair(&self) -> bool {
        match self.state.json_repair() {
            JsonRepairMode::Off => false,
            JsonRepairMode::Always => true,
            JsonRepairMode::OnRequest => self
                .info()
                .headers
                .get("x-bf-json-repair")
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true")),
        }
    }

    /// An SSE answer whose events `encoder` writes, or the dispatch error (a stream
    /// that failed before starting). The context moves into the stream: its report
    /// goes out when the stream ends, breaks or is abandoned. `watch` builds what sees
    /// each item from the context.
    pub(in crate::server) fn stream<T, W, E>(
        mut self,
        plan: &Plan,
        result: Result<Dispatched<Reply<ItemStream<T>>>, DispatchError>,
        watch: impl FnOnce(Ctx) -> W,
        encoder: E,
    ) -> Response
    where
        T: Send + 'static,
        W: Watch<T>,
        E: stream::Encoder<T>,
    {
        let d = match result {
            Ok(d) => d,
            Err(e) => return self.dispatch_failed(plan, e),
        };
        self.report.dispatched(&d);
        self.report.answered(200, || None);
        let Dispatched {
            value,
            permit,
            redaction,
            route,
            ..
        } = d;
        // Errors that arrive mid-stream are masked like those before it.
        let items = value.body.map(move |item| match &redaction {
            Some(r) => item.map_err(|e| r.apply(e)),
            None => item,
        });
        let stamp = self.stamp();
        let body = stream::encode(
            items,
            Some(permit),
            route.provider.name.clone(),
            watch(self),
            encoder,
        );
        sse_response(Body::from_stream(body), value.headers, &stamp)
    }

    /// Chunks a hook gave as the answer, streamed through the route's `encoder` as an
    /// upstream's would be (no provider, no permit).
    pub(in crate::server) fn replay<E: stream::Encoder<ChatChunk>>(
        mut self,
        chunks: Vec<ChatChunk>,
        encoder: E,
    ) -> Response {
        self.report.answered(200, || None);
        let stamp = self.stamp();
        let items = futures_util::stream::iter(chunks.into_iter().map(Ok));
        let body = stream::encode(items, None, String::new(), self.chat_watch(), encoder);
        sse_response(Body::from_stream(body), HeaderMap::new(), &stamp)
    }
}

/// A stream response with the SSE headers and the request id.
fn sse_response(body: Body, upstream: HeaderMap, stamp: &Stamp) -> Response {
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.extend(upstream);
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
    stamp.apply(response)
}

/// What every chat stream goes through on its way out, whatever the route's wire
/// format: JSON repair when configured, then the hooks; it holds the request's context,
/// so its end reports the outcome.
pub(in crate::server) struct ChatWatch {
    ctx: Ctx,
    repair: Option<StreamRepair>,
    assembled: Option<ChunkAssembler>,
    /// The text sent so far, while the stream has reported no usage and an estimate
    /// may be needed (a governed request, or a hook listens).
    sent: Option<String>,
    /// The last usage the stream reported.
    usage: Option<Usage>,
    /// The first chunk's id, creation time and model, for a governed stream's closing
    /// chunk.
    first: Option<(String, u64, String)>,
}

impl ChatWatch {
    /// The request's context, for a stream that adds to its outcome on the way (a
    /// resumed stream's continuation).
    pub(super) fn ctx(&mut self) -> &mut Ctx {
        &mut self.ctx
    }
}

impl Watch<ChatChunk> for ChatWatch {
    fn item(&mut self, chunk: &mut ChatChunk) -> Option<Usage> {
        if let Some(repair) = &mut self.repair {
            repair.apply(chunk);
        }
        let hooks = self.ctx.state.hooks();
        if !hooks.is_empty() {
            hooks.on_chunk(&self.ctx.report.info, chunk);
        }
        if let Some(a) = &mut self.assembled {
            a.push(chunk);
        }
        if self.first.is_none() && self.ctx.report.governed() {
            self.first = Some((chunk.id.clone(), chunk.created, chunk.model.clone()));
        }
        match &chunk.usage {
            Some(u) => {
                // Measured: no estimate will be needed.
                self.sent = None;
                self.usage = Some(u.clone());
            }
            None => {
                if let Some(sent) = &mut self.sent {
                    super::estimate::sent_text(sent, chunk);
                }
            }
        }
        chunk.usage.clone()
    }

    fn unmeasured(&mut self) -> Option<Count> {
        if self.usage.is_some() {
            return None;
        }
        let sent = self.sent.take()?;
        self.ctx.report.unmeasured(sent)
    }

    fn counted(&mut self, usage: Option<Usage>) {
        self.ctx.report.estimated(usage);
    }

    /// A governed stream's cost (estimated when no usage was reported) in a closing
    /// chunk with no choices, as the usage chunk is.
    fn trailer(&mut self) -> Option<ChatChunk> {
        if let Some(u) = &self.usage {
            self.ctx.report.measured(u);
        }
        let cost = self.ctx.report.cost()?;
        let info = &self.ctx.report.info;
        let served = self.ctx.report.served.as_ref();
        let extra_fields = StreamExtraFields {
            provider: served.map_or("", |s| &s.route.provider.name),
            model_requested: &info.model_requested,
            model_resolved: served.map_or("", |s| &*s.route.model),
            request_type: info.endpoint.request_type(),
            cost,
            cost_estimated: self.ctx.report.cost_estimated(),
        };
        let mut extra = crate::schema::Extra::new();
        extra.insert(
            "extra_fields".into(),
            serde_json::to_value(extra_fields).ok()?,
        );
        let (id, created, model) = self.first.clone().unwrap_or_default();
        Some(ChatChunk {
            id,
            object: "chat.completion.chunk".into(),
            created,
            model,
            choices: Vec::new(),
            usage: None,
            extra,
        })
    }

    fn end(mut self, end: StreamEnd) {
        if end.usage.is_none() && tokio::runtime::Handle::try_current().is_ok() {
            if let Some(count) = self.unmeasured() {
                // Cut short without usage: counted off the async workers, and the
                // outcome reported once the count is in.
                let background = self.ctx.state.hooks().background().clone();
                background.spawn(async move {
                    let usage = tokio::task::spawn_blocking(count).await.ok().flatten();
                    self.counted(usage);
                    self.finish(end);
                });
                return;
            }
        }
        self.finish(end);
    }
}

impl ChatWatch {
    /// The outcome's end: the answer's content when a hook wants it, then the stream's end.
    fn finish(mut self, end: StreamEnd) {
        if let Some(a) = self.assembled.take() {
            self.ctx
                .report
                .response_content(|| RawJson::encode(&a.finish()));
        }
        self.ctx.report.stream_ended(end);
    }
}

/// The watch of a stream whose items only report usage (legacy completions) or
/// nothing (relayed audio): it holds the context for its report. A completion stream
/// that reports no usage is billed an estimate of the text it sent.
pub(in crate::server) struct PlainWatch {
    ctx: Ctx,
    /// The text sent so far, while no usage was seen and an estimate may be needed.
    sent: Option<String>,
}

impl PlainWatch {
    /// The watch for `ctx`'s stream.
    pub(in crate::server) fn new(ctx: Ctx) -> PlainWatch {
        let sent = ctx.report.keeps_usage().then(String::new);
        PlainWatch { ctx, sent }
    }
}

impl Watch<serde_json::Value> for PlainWatch {
    fn item(&mut self, item: &mut serde_json::Value) -> Option<Usage> {
        let usage = item.usage();
        match (&usage, &mut self.sent) {
            (Some(_), _) => self.sent = None,
            (None, Some(sent)) => {
                if let Some(choices) = item.get("choices") {
                    super::estimate::text_of(choices, sent);
                }
            }
            (None, None) => {}
        }
        usage
    }

    fn end(mut self, end: StreamEnd) {
        if let (None, Some(sent)) = (&end.usage, self.sent.take()) {
            self.ctx.report.unmeasured_stream(sent);
        }
        self.ctx.stream_ended(end);
    }
}

impl Watch<bytes::Bytes> for PlainWatch {
    fn item(&mut self, _bytes: &mut bytes::Bytes) -> Option<Usage> {
        None
    }

    fn end(mut self, end: StreamEnd) {
        self.ctx.report.stream_ended(end);
    }
}
