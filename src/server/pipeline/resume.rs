//! Resuming a chat stream cut mid-answer (`stream_resume`): the item stream the
//! route's encoder writes is wrapped so that, when the upstream fails after content
//! went out, the plan's next target is asked to continue the same answer
//! ([`crate::routing::continuation`]) and its chunks follow in the same stream, as
//! if one upstream had answered ([`crate::routing::Splice`]). The encoder never sees
//! the cut, so every route's dialect gets the splice for free: one `message_start`,
//! one `[DONE]`.
//!
//! The continuation's attempts reach the request's outcome through a channel the
//! stream's watch drains, since the watch (which holds the report) and the item stream
//! are separate halves of one response. Nothing here runs unless resumption is on:
//! the default path pays one check of the plan's size.

use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::response::Response;
use futures_util::StreamExt;

use super::super::stream::{Encoder, StreamEnd, Watch};
use super::answer::ChatWatch;
use super::Ctx;
use crate::hooks::Attempt;
use crate::providers::{Accepts, Call, ChunkStream, Origin, Provider, Reply};
use crate::routing::{
    continuation, dispatch_avoiding, started, Avoid, Clock, DispatchError, Dispatched, KeyFailure,
    Partial, Permit, Plan, Redaction, ResumedFrom, Route, Splice,
};
use crate::schema::{ChatChunk, ChatRequest, Usage};

/// How many times a stream of `ctx` along `plan` may be resumed: 0 when resumption
/// is off (the alias's `stream_resume`, else `[client]`'s) or nothing could continue.
pub(super) fn limit(ctx: &Ctx, plan: &Plan) -> u32 {
    let primary = plan.primary();
    // Cheapest first: a lone single-key target has nothing to resume on.
    if plan.targets.len() < 2 && primary.provider.config.keys.len() < 2 {
        return 0;
    }
    let (on, max) = ctx.state.stream_resume();
    let snapshot = ctx.state.router().snapshot();
    match snapshot
        .stream_resume(&ctx.info().model_requested)
        .unwrap_or(on)
    {
        true => max,
        false => 0,
    }
}

/// The request fitted to each kind of upstream in the plan, kept for a continuation.
pub(super) struct Fits {
    /// As fitted for the primary's kind of upstream.
    primary: ChatRequest,
    /// Refitted for each other kind.
    others: Vec<(Accepts, ChatRequest)>,
}

impl Fits {
    /// `fitted` (for the primary), and `original` refitted by `fit` for every other
    /// kind of upstream in `plan`; without the parameters `should_drop_params` had to
    /// drop for the first part (`dropped`, comma-separated), which a continuation would
    /// only be refused again.
    pub(super) fn new(
        plan: &Plan,
        fitted: ChatRequest,
        original: Option<ChatRequest>,
        fit: impl Fn(&mut ChatRequest, Accepts),
        dropped: Option<&str>,
    ) -> Fits {
        let primary = plan.primary().provider.adapter.accepts();
        let mut others: Vec<(Accepts, ChatRequest)> = Vec::new();
        if let Some(original) = original {
            for t in &plan.targets[1..] {
                let a = t.provider.adapter.accepts();
                if a != primary && others.iter().all(|(x, _)| *x != a) {
                    let mut req = original.clone();
                    fit(&mut req, a);
                    others.push((a, req));
                }
            }
        }
        let mut fits = Fits {
            primary: fitted,
            others,
        };
        for param in dropped.into_iter().flat_map(|d| d.split(',')) {
            fits.primary.extra.remove(param);
            for (_, req) in &mut fits.others {
                req.extra.remove(param);
            }
        }
        fits
    }

    /// A copy of the request for `provider`, naming the call's model.
    fn for_call(&self, provider: &Arc<dyn Provider>, call: &Call) -> ChatRequest {
        let accepts = provider.accepts();
        let mut req = self
            .others
            .iter()
            .find(|(a, _)| *a == accepts)
            .map_or(&self.primary, |(_, r)| r)
            .clone();
        req.model = call.model.to_string();
        req
    }
}

/// A started stream `d` along `plan`, answered through `encoder` and resumed up to
/// `limit` times.
pub(super) fn stream<E: Encoder<ChatChunk>>(
    ctx: Ctx,
    plan: &Plan,
    mut d: Dispatched<Reply<ChunkStream>>,
    fits: Fits,
    limit: u32,
    encoder: E,
) -> Response {
    let (tx, rx) = mpsc::channel();
    let resumer = Resumer {
        plan: plan.clone(),
        fits,
        origin: ctx.id().clone(),
        clock: ctx.state.router().clock(),
        limit,
        tx,
    };
    resumer.wrap(&mut d);
    let watch = |ctx: Ctx| ResumeWatch {
        inner: ctx.chat_watch(),
        rx,
    };
    ctx.stream(plan, Ok(d), watch, encoder)
}

/// A continuation's attempts, for the outcome.
struct Continued {
    /// When the continuation was dispatched.
    began: Instant,
    /// Its failed attempts.
    failures: Vec<KeyFailure>,
    /// The attempt that served it: provider, key, latency.
    served: Option<(String, Option<String>, Duration)>,
}

/// What resumes one stream.
struct Resumer {
    plan: Plan,
    fits: Fits,
    origin: Origin,
    clock: Arc<Box<dyn Clock>>,
    limit: u32,
    tx: mpsc::Sender<Continued>,
}

impl Resumer {
    /// `d`'s stream, continued on the plan's next targets when it is cut. `d`'s key
    /// masking moves in here, since errors are looked at before they go out.
    fn wrap(self, d: &mut Dispatched<Reply<ChunkStream>>) {
        let first = std::mem::replace(&mut d.value.body, Box::pin(futures_util::stream::empty()));
        let mut current = masked(first, d.redaction.take());
        let mut route = d.route.clone();
        let mut key = d.key_name.clone();
        let mut index = d.fallback_index;
        d.value.body = Box::pin(async_stream::stream! {
            let Resumer { plan, fits, origin, clock, limit, tx } = self;
            let mut partial = Partial::default();
            let mut splice: Option<Splice> = None;
            let mut resumes = 0;
            // The continuation's concurrency slot, held while it streams.
            let mut _permit: Option<Permit> = None;
            while let Some(item) = current.next().await {
                let error = match item {
                    Ok(mut chunk) => {
                        if splice.as_mut().is_none_or(|s| s.apply(&mut chunk)) {
                            partial.push(&chunk);
                            yield Ok(chunk);
                        }
                        continue;
                    }
                    Err(e) => e,
                };
                let rest = match next_plan(&plan, index) {
                    Some(rest) if resumes < limit && partial.resumable() => rest,
                    _ => {
                        yield Err(error);
                        break;
                    }
                };
                resumes += 1;
                let from = ResumedFrom {
                    provider: route.provider.name.clone(),
                    model: route.model.to_string(),
                    chars: partial.text().chars().count(),
                    error: error.to_string(),
                    resumes,
                };
                tracing::debug!(request_id = %origin, provider = %from.provider, chars = from.chars, %error, "stream cut mid-answer; resuming on the next target");
                let began = Instant::now();
                let text = partial.text();
                // Never the key that just cut the stream; a provider whose breaker
                // opened is skipped by the dispatch itself.
                let avoid = key.as_deref().map(|key| Avoid { provider: &route.provider.name, key });
                let result = dispatch_avoiding(&rest.plan, &origin, &**clock, avoid, |p, call| {
                    let mut req = fits.for_call(&p, &call);
                    continuation(&mut req, text, p.prefill(&call.model));
                    async move { started(p.chat_stream(&call, &req).await?).await }
                })
                .await;
                match result {
                    Ok(mut next) => {
                        let _ = tx.send(Continued {
                            began,
                            failures: std::mem::take(&mut next.failures),
                            served: Some((next.route.provider.name.clone(), next.key_name.clone(), next.latency)),
                        });
                        let prefill = next.route.provider.adapter.prefill(&next.route.model);
                        let mut s = partial.splice(prefill);
                        s.mark(&from);
                        splice = Some(s);
                        index = rest.start + next.fallback_index;
                        route = next.route;
                        key = next.key_name;
                        _permit = Some(next.permit);
                        current = masked(next.value.body, next.redaction);
                    }
                    Err(e) => {
                        tracing::debug!(request_id = %origin, error = %e, "resuming the stream failed; it ends with the cut's error");
                        let failures = match e {
                            DispatchError::Failed { attempts, .. } => attempts,
                            _ => Vec::new(),
                        };
                        let _ = tx.send(Continued { began, failures, served: None });
                        yield Err(error);
                        break;
                    }
                }
            }
        });
    }
}

/// The targets a stream cut on `plan.targets[index]` may continue on: the same target
/// when it has other keys, then the ones after it. `None` when there are none.
fn next_plan(plan: &Plan, index: usize) -> Option<Rest> {
    let serving = plan.targets.get(index)?;
    let start = if serving.provider.config.keys.len() > 1 {
        index
    } else {
        index + 1
    };
    let targets: Vec<Route> = plan.targets.get(start..)?.to_vec();
    (!targets.is_empty()).then(|| Rest {
        plan: Plan {
            targets,
            rule: plan.rule.clone(),
        },
        start,
    })
}

/// The targets left, and where they start in the whole plan.
struct Rest {
    plan: Plan,
    start: usize,
}

/// `body` with the serving key's secrets masked in its errors.
fn masked(body: ChunkStream, redaction: Option<Redaction>) -> ChunkStream {
    match redaction {
        Some(r) => Box::pin(body.map(move |item| item.map_err(|e| r.apply(e)))),
        None => body,
    }
}

/// A chat stream's watch that also records a continuation's attempts.
struct ResumeWatch {
    inner: ChatWatch,
    rx: mpsc::Receiver<Continued>,
}

impl ResumeWatch {
    fn drain(&mut self) {
        while let Ok(c) = self.rx.try_recv() {
            let (began, attempts) = c.attempts();
            self.inner.ctx().report.continued(began, attempts);
        }
    }
}

impl Continued {
    /// Its attempts, in order, timed from when it began.
    fn attempts(&self) -> (Instant, Vec<Attempt>) {
        let mut at = Duration::ZERO;
        let mut out: Vec<Attempt> = self
            .failures
            .iter()
            .map(|f| {
                let a = Attempt {
                    provider: f.provider.clone(),
                    key: f.key.clone(),
                    status: f.error.status(),
                    started: at,
                    latency: f.latency,
                };
                at += f.latency;
                a
            })
            .collect();
        if let Some((provider, key, latency)) = &self.served {
            out.push(Attempt {
                provider: provider.clone(),
                key: key.clone(),
                status: Some(200),
                started: at,
                latency: *latency,
            });
        }
        (self.began, out)
    }
}

impl Watch<ChatChunk> for ResumeWatch {
    fn item(&mut self, chunk: &mut ChatChunk) -> Option<Usage> {
        self.drain();
        self.inner.item(chunk)
    }

    fn end(mut self, end: StreamEnd) {
        self.drain();
        self.inner.end(end);
    }
}
