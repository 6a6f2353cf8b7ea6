//! The record of what happened to one request, and the guard that reports it to the
//! hooks exactly once: [`Report`] is created when the request arrives, filled in as the
//! request goes (decoded, routed, dispatched, answered or failed), and reports when it
//! is dropped. Every route owns one through its [`super::Ctx`]; a stream takes it into
//! its body, so the report goes out when the stream ends, breaks or is abandoned. A
//! route cannot forget to report, and cannot report twice.
//!
//! It also holds a governed request's reservation ([`Admission`]) and settles it when
//! dropped, with the usage the request reported: every route is billed, streams the
//! client abandoned included (for the last usage seen, else a tokenizer estimate of
//! the prompt and of the text sent, flagged `cost_estimated`; else the reservation).
//! An answer that needs that estimate hands the count to a background task when the
//! report is dropped, so the tokenizer never runs on the async workers; the report
//! goes out once the count is in.
//!
//! With no hooks registered and no reservation, nothing is recorded: each setter
//! returns at once.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use super::super::error::ApiError;
use super::super::stream::{Count, StreamEnd};
use super::estimate::Prompt;
use super::gate::{cost_usage, Admission, Gate};
use crate::governance::cost::Price;
use crate::governance::RateHeaders;
use crate::hooks::{Attempt, Content, Outcome, Pipeline, RequestInfo};
use crate::observability::InFlight;
use crate::routing::{DispatchError, Dispatched, KeyFailure, Route};
use crate::schema::{ChatRequest, RawJson, Usage};

/// Which target served a request, and how it got there.
pub(crate) struct Served {
    /// The target that answered.
    pub route: Route,
    /// Its place in the plan (0: the primary).
    pub fallback_index: usize,
    /// Retries made on the way.
    pub retries: u32,
}

/// One request's outcome in the making; reports to the hooks when dropped.
pub(crate) struct Report {
    hooks: Pipeline,
    /// Counts the request in `bifrost_in_flight_requests` until the report is dropped
    /// (after the hooks have run).
    _in_flight: Option<InFlight>,
    pub(super) info: RequestInfo,
    outcome: Outcome,
    /// A status was recorded: the request was answered (or failed) on purpose. A report
    /// dropped without one was abandoned by its client.
    settled: bool,
    /// When the current dispatch began, to time a keyless provider's one attempt.
    dispatched_at: Option<Instant>,
    /// A governed request's reservation, settled on drop. Behind a lock (never
    /// contended: one request's own) because dispatch moves it to a fallback's price
    /// through a shared borrow of the request's context.
    admission: Mutex<Option<Admission>>,
    /// Where the answer came from, for `extra_fields` and the `x-bf-*` headers.
    pub(super) served: Option<Served>,
    /// The routed model's price, to cost an ungoverned request's usage for the hooks.
    price: Option<Price>,
    /// Where prices come from, kept (only while hooks listen) to price a fallback that
    /// served.
    pricing: Option<Arc<Gate>>,
    /// An upstream answered successfully: a request that failed before (refused here,
    /// or every attempt failed, which providers do not bill) releases its reservation.
    reached_upstream: bool,
    /// The request, kept (moved or shared, not copied) to estimate its prompt's tokens
    /// should the answer come without a usage report.
    prompt: Option<Prompt>,
    /// The estimate an answer without usage needs, run off the async workers when the
    /// report is dropped.
    pending: Option<Pending>,
}

/// A [`Count`] a report holds (and may be shared, as the request's context is).
type Pending = Box<dyn FnOnce() -> Option<Usage> + Send + Sync>;

impl Report {
    pub(super) fn new(hooks: Pipeline, info: RequestInfo, in_flight: InFlight) -> Report {
        Report {
            hooks,
            _in_flight: Some(in_flight),
            info,
            outcome: Outcome::default(),
            settled: false,
            dispatched_at: None,
            admission: Mutex::new(None),
            price: None,
            pricing: None,
            reached_upstream: false,
            served: None,
            prompt: None,
            pending: None,
        }
    }

    /// A report that records nothing, left in the place of one whose estimate is being
    /// counted in the background.
    fn inert(&self) -> Report {
        Report {
            hooks: Pipeline::default(),
            _in_flight: None,
            info: self.info.clone(),
            outcome: Outcome::default(),
            settled: true,
            dispatched_at: None,
            admission: Mutex::new(None),
            price: None,
            pricing: None,
            reached_upstream: false,
            served: None,
            prompt: None,
            pending: None,
        }
    }

    /// A governed request's reservation, and the key it was made under.
    pub(super) fn admitted(&mut self, admission: Admission, key: &crate::governance::VirtualKey) {
        if self.active() {
            self.outcome.virtual_key = Some(key.name.clone());
            self.outcome.virtual_key_id = Some(key.id.clone()).filter(|id| !id.is_empty());
        }
        *self.admission_mut() = Some(admission);
    }

    fn admission_mut(&mut self) -> &mut Option<Admission> {
        self.admission
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn admission(&self) -> std::sync::MutexGuard<'_, Option<Admission>> {
        self.admission
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the reservation out, to move it to another target's price.
    pub(super) fn take_admission(&self) -> Option<Admission> {
        self.admission().take()
    }

    /// The reservation made for the target about to be tried.
    pub(super) fn readmitted(&self, admission: Admission) {
        *self.admission() = Some(admission);
    }

    /// The reservation's `x-ratelimit-*` figures, for every response.
    pub(super) fn rate_headers(&self) -> RateHeaders {
        self.admission()
            .as_ref()
            .map(Admission::headers)
            .unwrap_or_default()
    }

    /// What the usage recorded so far costs, for a governed request.
    pub(super) fn cost(&self) -> Option<f64> {
        let usage = self.outcome.usage.as_ref()?;
        Some(self.admission().as_ref()?.cost(usage).dollars())
    }

    /// Whether the request holds a reservation (it presented a virtual key).
    pub(super) fn governed(&self) -> bool {
        self.admission().is_some()
    }

    /// Whether the cost recorded so far is an estimate (no usage report).
    pub(super) fn cost_estimated(&self) -> bool {
        self.outcome.cost_estimated
    }

    /// Keeps a chat request, should its usage have to be estimated.
    pub(super) fn keep_prompt(&mut self, req: ChatRequest) {
        if self.keeps_usage() {
            self.prompt = Some(Prompt::Chat(Box::new(req)));
        }
    }

    /// Keeps a request's body (shared, not copied), should its usage have to be
    /// estimated.
    pub(super) fn keep_body(&mut self, body: &bytes::Bytes) {
        if self.keeps_usage() {
            self.prompt = Some(Prompt::Body(body.clone()));
        }
    }

    /// The usage a stream reported so far, before its end (for its closing chunk).
    pub(super) fn measured(&mut self, usage: &Usage) {
        if self.keeps_usage() {
            self.outcome.usage = Some(usage.clone());
        }
    }

    /// A served answer that reported no usage: the count that estimates it from the
    /// kept prompt and `sent`, the text the client received (run it off the async
    /// workers, then hand its result to [`Report::estimated`]).
    pub(super) fn unmeasured(&mut self, sent: String) -> Option<Count> {
        Some(self.count(move || sent)?)
    }

    /// The count of the kept prompt and of the text `sent` finds (work left to the
    /// count); `None` when the answer reported usage, none was served or no prompt was
    /// kept.
    fn count(&mut self, sent: impl FnOnce() -> String + Send + Sync + 'static) -> Option<Pending> {
        if self.outcome.usage.is_some() || !self.reached_upstream {
            return None;
        }
        let prompt = self.prompt.take()?;
        let model = match (&self.served, &prompt) {
            (Some(s), _) => s.route.model.to_string(),
            (None, Prompt::Chat(req)) => req.model.clone(),
            (None, Prompt::Body(_)) => self.info.model_requested.clone(),
        };
        Some(Box::new(move || {
            super::estimate::prompt_usage(&model, &prompt, &sent())
        }))
    }

    /// A relayed stream's end without usage: `sent`, the text the client received, is
    /// counted when the report is dropped.
    pub(in crate::server) fn unmeasured_stream(&mut self, sent: String) {
        self.pending = self.count(move || sent);
    }

    /// A whole answer (its JSON) that reported no usage: its text is counted when the
    /// report is dropped. Nothing is done when no prompt was kept.
    pub(super) fn unmeasured_answer(&mut self, answer: bytes::Bytes) {
        self.pending = self.count(move || super::estimate::answer_text(&answer));
    }

    /// An estimated usage, flagged as such; `None` (no tokenizer) leaves the
    /// reservation to be billed.
    pub(super) fn estimated(&mut self, usage: Option<Usage>) {
        if let Some(usage) = usage {
            self.outcome.usage = Some(usage);
            self.outcome.cost_estimated = true;
        }
    }

    /// Whether the answer is unmeasured and a kept prompt awaits its estimate.
    pub(super) fn awaits_estimate(&self) -> bool {
        self.prompt.is_some() && self.outcome.usage.is_none()
    }

    /// Whether usage must be kept: for the hooks, or to settle a reservation.
    pub(super) fn keeps_usage(&self) -> bool {
        self.active() || self.admission().is_some()
    }

    /// Whether anything listens; recording is skipped when not.
    pub(super) fn active(&self) -> bool {
        !self.hooks.is_empty()
    }

    /// Whether a hook wants request and answer content.
    pub(super) fn wants_content(&self) -> bool {
        self.hooks.wants_content()
    }

    /// The request's content, built only when a hook asked for it.
    pub(super) fn request_content(&mut self, content: impl FnOnce() -> Option<RawJson>) {
        if self.wants_content() {
            self.outcome
                .content
                .get_or_insert_with(Content::default)
                .request = content();
        }
    }

    /// The answer's content, built only when a hook asked for it.
    pub(super) fn response_content(&mut self, content: impl FnOnce() -> Option<RawJson>) {
        if self.wants_content() {
            self.outcome
                .content
                .get_or_insert_with(Content::default)
                .response = content();
        }
    }

    /// The route chosen for the request.
    pub(super) fn routed(&mut self, route: &Route) {
        if !self.active() {
            return;
        }
        self.outcome.provider = Some(route.provider.name.clone());
        self.outcome.model = Some(route.model.to_string());
        self.dispatched_at = Some(Instant::now());
    }

    /// The price of the routed model, asked for only when a hook listens.
    pub(super) fn priced(&mut self, gate: &Arc<Gate>, route: &Route) {
        if self.active() {
            self.price = gate.price(route);
            self.pricing = Some(gate.clone());
        }
    }

    /// A dispatch that found a key that answered.
    pub(super) fn dispatched<T>(&mut self, d: &Dispatched<T>) {
        self.reached_upstream = true;
        self.served = Some(Served {
            route: d.route.clone(),
            fallback_index: d.fallback_index,
            retries: d.retries,
        });
        if !self.active() {
            return;
        }
        if d.fallback_index > 0 {
            // A fallback served: its usage is costed at its own price.
            self.price = self.pricing.as_ref().and_then(|g| g.price(&d.route));
        }
        self.failures(&d.failures);
        let provider = &d.route.provider.name;
        self.outcome.provider = Some(provider.clone());
        self.outcome.model = Some(d.route.model.to_string());
        self.outcome.fallback_index = d.fallback_index as u32;
        self.outcome.retries = d.retries;
        self.outcome.attempts.push(Attempt {
            provider: provider.clone(),
            key: d.key_name.clone(),
            status: Some(200),
            started: self.info.started.elapsed().saturating_sub(d.latency),
            latency: d.latency,
        });
        self.outcome.key = d.key_name.clone();
        self.outcome.first_byte = Some(self.info.started.elapsed());
    }

    /// A resumed stream's continuation, dispatched at `began`: its attempts, timed from
    /// then, join the request's.
    pub(super) fn continued(&mut self, began: Instant, attempts: Vec<Attempt>) {
        if !self.active() {
            return;
        }
        let offset = began.saturating_duration_since(self.info.started);
        self.outcome
            .attempts
            .extend(attempts.into_iter().map(|a| Attempt {
                started: offset + a.started,
                ..a
            }));
    }

    /// A dispatch that failed: every attempt it made.
    pub(super) fn dispatch_failed(&mut self, e: &DispatchError) {
        if !self.active() {
            return;
        }
        if let DispatchError::Failed {
            attempts, retries, ..
        } = e
        {
            self.outcome.retries = *retries;
            self.failures(attempts);
            if let Some(last) = attempts.last() {
                self.outcome.provider = Some(last.provider.clone());
            }
        }
    }

    fn failures(&mut self, failures: &[KeyFailure]) {
        // Attempts run one after another from the dispatch's start (backoff waits
        // between retries are not in their latencies, so later starts are a lower bound).
        let mut started = self.dispatch_offset();
        for f in failures {
            self.outcome.attempts.push(Attempt {
                provider: f.provider.clone(),
                key: f.key.clone(),
                status: f.error.status(),
                started,
                latency: f.latency,
            });
            started += f.latency;
        }
    }

    /// When the dispatch began, from the request's arrival.
    fn dispatch_offset(&self) -> std::time::Duration {
        self.dispatched_at
            .map(|t| t.saturating_duration_since(self.info.started))
            .unwrap_or_default()
    }

    /// The request failed with `e` (the answer sent is that error).
    pub(super) fn failed(&mut self, e: &ApiError) {
        self.settled = true;
        if !self.active() {
            return;
        }
        self.outcome.status = e.status.as_u16();
        self.outcome.error_type = Some(e.kind.to_string());
        self.outcome.error = Some(e.message.clone());
        if self.outcome.provider.is_none() {
            self.outcome.provider = e.context.provider.clone();
        }
    }

    /// The request was answered with `status` (a stream: it started).
    pub(super) fn answered(&mut self, status: u16, usage: impl FnOnce() -> Option<Usage>) {
        self.settled = true;
        if self.keeps_usage() {
            self.outcome.usage = usage();
        }
        self.outcome.status = status;
    }

    /// A stream's end: its usage, when its first content went out, and the error that cut
    /// it short or the client's leaving.
    pub(super) fn stream_ended(&mut self, end: StreamEnd) {
        if end.usage.is_some() && self.keeps_usage() {
            self.outcome.usage = end.usage;
        }
        if !self.active() {
            return;
        }
        self.outcome.first_token = end.first_token.map(|t| t - self.info.started);
        self.outcome.client_disconnected = end.client_disconnected;
        if let Some(e) = end.error {
            self.outcome.error_type = Some(
                if end.client_disconnected {
                    "client_disconnected"
                } else {
                    "upstream_error"
                }
                .to_string(),
            );
            self.outcome.error = Some(e.to_string());
        }
    }
}

impl Drop for Report {
    fn drop(&mut self) {
        if let Some(count) = self.pending.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                // Counted off the async workers; this report goes out once it is in.
                let background = self.hooks.background().clone();
                let mut report = std::mem::replace(self, self.inert());
                background.spawn(async move {
                    let usage = tokio::task::spawn_blocking(count).await.ok().flatten();
                    report.estimated(usage);
                });
                return;
            }
        }
        if let Some(admission) = self.admission_mut().take() {
            match &self.outcome.usage {
                Some(usage) => {
                    self.outcome.cost = Some(admission.cost(usage).dollars());
                    admission.settle(usage);
                }
                // Nothing reached a provider: nothing to bill.
                None if !self.reached_upstream => admission.cancel(),
                // Served but unmeasured (an abandoned stream with no usage yet): the
                // estimate is billed, never nothing, and the outcome says so.
                None => {
                    self.outcome.cost_estimated = true;
                    drop(admission);
                }
            }
        }
        if !self.active() {
            return;
        }
        if !self.settled {
            // Dropped before any answer: the client went away and the request's future
            // was dropped with it (mid-dispatch, mid-body).
            self.outcome.status = 499;
            self.outcome.client_disconnected = true;
            self.outcome.error_type = Some("client_disconnected".into());
            self.outcome.error = Some("the client disconnected before the answer".into());
        }
        if let (None, Some(price), Some(usage)) =
            (self.outcome.cost, &self.price, &self.outcome.usage)
        {
            self.outcome.cost = Some(price.cost(&cost_usage(usage)).dollars());
        }
        self.outcome.latency = self.info.started.elapsed();
        self.hooks.on_complete(&self.info, &self.outcome);
    }
}
