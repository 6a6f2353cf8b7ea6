//! Chat, the sequence every chat route shares, written once: prepare (checks, hooks,
//! routing), fit the request to what the chosen upstream accepts, dispatch with key
//! failover (and `should_drop_params`), answer or stream in the route's dialect.
//!
//! A route decodes its wire format into the canonical [`ChatRequest`] and hands it to
//! [`chat`] with its [`ChatDialect`]: how a canonical answer and stream events look in
//! its format. Nothing else about a request's life is the route's business.

use std::borrow::Cow;
use std::sync::Arc;

use axum::response::Response;
use http::{HeaderValue, StatusCode};

use super::super::stream::Encoder;
use super::answer::DROPPED_PARAMS_HEADER;
use super::{resume, Ctx, Early};
use crate::hooks::RequestInfo;
use crate::providers::{Accepts, Call, ChunkStream, Provider, ProviderError, Reply};
use crate::routing::{started, DispatchError, Dispatched, Plan};
use crate::schema::{Answer, ChatRequest, ChatResponse, ChunkAssembler};

/// What a chat route supplies: its answers' and stream events' wire format.
pub(in crate::server) trait ChatDialect: Sync {
    /// Writes the route's stream events.
    type Events: Encoder<crate::schema::ChatChunk>;

    /// The stream encoder for the request in `info`.
    fn events(&self, info: &RequestInfo) -> Self::Events;

    /// A complete canonical answer in the route's format.
    fn render(&self, answer: &ChatResponse, info: &RequestInfo) -> serde_json::Value;

    /// Fits the canonical request to what the chosen upstream `accepts`, as the
    /// upstream's adapter declares it (the route knows its own format's extras; the
    /// adapter knows what its upstream takes).
    fn fit(&self, _req: &mut ChatRequest, _accepts: Accepts) {}

    /// The content type of the route's streams.
    fn stream_content_type(&self) -> &'static str {
        "text/event-stream"
    }

    /// The non-stream answer: by default the upstream's answer decoded and rendered.
    fn respond(
        &self,
        ctx: &mut Ctx,
        plan: &Plan,
        result: Result<Dispatched<Reply<Answer<ChatResponse>>>, DispatchError>,
    ) -> Response {
        match ctx.typed(plan, result, "a chat completion") {
            Ok(t) => {
                let body = self.render(&t.answer, ctx.info());
                ctx.reply(body, t.headers)
            }
            Err(done) => done,
        }
    }
}

/// Serves a decoded chat request on `ctx` in `dialect`'s format.
pub(in crate::server) async fn chat<D: ChatDialect>(
    mut ctx: Ctx,
    dialect: D,
    mut req: ChatRequest,
) -> Response {
    let plan = match ctx.prepare_early(&mut req).await {
        Ok(plan) => plan,
        Err(Early::Done(response)) => return response,
        Err(Early::Replay(chunks)) if req.is_stream() => {
            let events = dialect.events(ctx.info());
            return stream_typed(&dialect, ctx.replay(chunks, events));
        }
        Err(Early::Replay(chunks)) => {
            let mut whole = ChunkAssembler::default();
            chunks.iter().for_each(|c| whole.push(c));
            let body = serde_json::to_value(whole.finish()).unwrap_or_default();
            return ctx.hook_answered(body);
        }
    };
    routed(ctx, dialect, req, plan).await
}

/// [`chat`] once the request is prepared and routed: for a route that chose between
/// forwarding and translating only after the hooks ran.
pub(in crate::server) async fn routed<D: ChatDialect>(
    mut ctx: Ctx,
    dialect: D,
    mut req: ChatRequest,
    plan: Plan,
) -> Response {
    // Fallbacks may need the request fitted to another upstream: keep it unfitted, but
    // only when there are fallbacks (a one-target plan pays no copy).
    // A fallback on an upstream that accepts other extras is fitted afresh from the
    // request as it came; only then is that copy made.
    let accepts = plan.primary().provider.adapter.accepts();
    let original = plan.targets[1..]
        .iter()
        .any(|t| t.provider.adapter.accepts() != accepts)
        .then(|| req.clone());
    dialect.fit(&mut req, accepts);
    let fit = |r: &mut ChatRequest, a: Accepts| dialect.fit(r, a);
    let targets = Targets {
        plan: &plan,
        fitted: &req,
        original: original.as_ref(),
        fit: &fit,
    };
    if req.is_stream() {
        let result = dispatch_chat_stream(&ctx, &targets).await;
        let events = dialect.events(ctx.info());
        let limit = match &result {
            Ok(_) => resume::limit(&ctx, &plan),
            Err(_) => 0,
        };
        let response = match result {
            Ok(d) if limit > 0 => {
                // Resumption is on: the request is kept for a continuation, and a
                // copy for the estimate of a stream that reports no usage.
                if ctx.report.keeps_usage() {
                    ctx.report.keep_prompt(req.clone());
                }
                let dropped = d.value.headers.get(DROPPED_PARAMS_HEADER);
                let dropped = dropped.and_then(|v| v.to_str().ok());
                let fits = resume::Fits::new(&plan, req, original, fit, dropped);
                resume::stream(ctx, &plan, d, fits, limit, events)
            }
            result => {
                ctx.report.keep_prompt(req);
                ctx.stream(&plan, result, Ctx::chat_watch, events)
            }
        };
        return stream_typed(&dialect, response);
    }
    let result = dispatch_chat(&ctx, &targets).await;
    if matches!(&result, Ok(d) if !d.value.body.reports_usage()) {
        // No usage to bill: the request is kept (moved) for the estimate.
        ctx.report.keep_prompt(req);
    }
    dialect.respond(&mut ctx, &plan, result)
}

/// A chat request ready for each target of its plan: as fitted for the primary, and
/// refitted (model and format extras) for a fallback on another upstream.
pub(in crate::server) struct Targets<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// The request fitted to the primary, model included.
    pub fitted: &'a ChatRequest,
    /// The request before fitting, kept when a fallback's upstream accepts other
    /// extras than the primary's.
    pub original: Option<&'a ChatRequest>,
    /// How the route fits a request to an upstream.
    pub fit: &'a (dyn Fn(&mut ChatRequest, Accepts) + Sync),
}

impl<'a> Targets<'a> {
    /// A plan of one target for a request already fitted.
    pub(in crate::server) fn single(plan: &'a Plan, req: &'a ChatRequest) -> Self {
        Targets {
            plan,
            fitted: req,
            original: None,
            fit: &|_, _| {},
        }
    }

    /// The request for the upstream `provider` and `call`: the fitted request when
    /// it fits as it is; else a copy with the target's model, refitted when the
    /// target's upstream accepts other extras.
    fn for_call(&self, provider: &Arc<dyn Provider>, call: &Call) -> Cow<'a, ChatRequest> {
        let primary = &self.plan.primary().provider.adapter;
        let same_fit = Arc::ptr_eq(provider, primary) || provider.accepts() == primary.accepts();
        if same_fit && *call.model == self.fitted.model {
            return Cow::Borrowed(self.fitted);
        }
        let mut req = match self.original {
            Some(original) if !same_fit => {
                let mut req = original.clone();
                (self.fit)(&mut req, provider.accepts());
                req
            }
            _ => self.fitted.clone(),
        };
        req.model = call.model.to_string();
        Cow::Owned(req)
    }

    /// The same targets with the request replaced (a parameter dropped).
    fn with(&self, req: &'a ChatRequest) -> Targets<'a> {
        Targets {
            plan: self.plan,
            fitted: req,
            original: self.original.map(|_| req),
            fit: self.fit,
        }
    }
}

/// A started stream with the dialect's content type (an error keeps its own).
fn stream_typed<D: ChatDialect>(dialect: &D, mut response: Response) -> Response {
    let content_type = dialect.stream_content_type();
    if response.status() == StatusCode::OK && content_type != "text/event-stream" {
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static(content_type),
        );
    }
    response
}

/// Sends a prepared chat request (non-streaming) along its plan, dropping the
/// parameters the provider refuses when `[client.compat] should_drop_params` is on.
pub(in crate::server) async fn dispatch_chat(
    ctx: &Ctx,
    targets: &Targets<'_>,
) -> Result<Dispatched<Reply<Answer<ChatResponse>>>, DispatchError> {
    let mut result = send_chat(ctx, targets).await;
    // The one check the default path pays.
    if !ctx.state.compat().should_drop_params {
        return result;
    }
    let mut drops = ParamDrops::new(targets.fitted);
    while let Some(req) = drops.next(&result) {
        result = send_chat(ctx, &targets.with(req)).await;
    }
    drops.finish(ctx, result)
}

/// Opens a prepared chat stream along its plan, dropping refused parameters as
/// [`dispatch_chat`] does. A stream is served once its first chunk arrived.
pub(in crate::server) async fn dispatch_chat_stream(
    ctx: &Ctx,
    targets: &Targets<'_>,
) -> Result<Dispatched<Reply<ChunkStream>>, DispatchError> {
    let mut result = send_chat_stream(ctx, targets).await;
    if !ctx.state.compat().should_drop_params {
        return result;
    }
    let mut drops = ParamDrops::new(targets.fitted);
    while let Some(req) = drops.next(&result) {
        result = send_chat_stream(ctx, &targets.with(req)).await;
    }
    drops.finish(ctx, result)
}

async fn send_chat(
    ctx: &Ctx,
    targets: &Targets<'_>,
) -> Result<Dispatched<Reply<Answer<ChatResponse>>>, DispatchError> {
    ctx.dispatch(targets.plan, |p, call| {
        let req = targets.for_call(&p, &call);
        async move { p.chat(&call, &req).await }
    })
    .await
}

async fn send_chat_stream(
    ctx: &Ctx,
    targets: &Targets<'_>,
) -> Result<Dispatched<Reply<ChunkStream>>, DispatchError> {
    ctx.dispatch(targets.plan, |p, call| {
        let req = targets.for_call(&p, &call);
        async move { started(p.chat_stream(&call, &req).await?).await }
    })
    .await
}

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
        tracing::debug!(request_id = %ctx.id(), dropped = %list, ok = result.is_ok(), "client.compat.should_drop_params removed parameters the provider refuses");
        let mut d = result?;
        // Parameter names come from the request's JSON keys, which may hold bytes a
        // header cannot; such a list is left out of the header rather than failing.
        if let Ok(v) = HeaderValue::from_str(&list) {
            d.value.headers.insert(DROPPED_PARAMS_HEADER, v);
        }
        Ok(d)
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
            retries: 0,
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
            retries: 0,
        });
        assert!(drops.next(&other).is_none());
        assert_eq!(drops.dropped, ["logit_bias", "seed"]);
        // The client's request itself is untouched.
        assert!(req.extra.contains_key("seed"));
    }
}
