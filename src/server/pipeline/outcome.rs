//! The record of what happened to one request, and the guard that reports it to the
//! hooks exactly once: [`Report`] is created when the request arrives, filled in as the
//! request goes (decoded, routed, dispatched, answered or failed), and reports when it
//! is dropped. Every route owns one through its [`super::Ctx`]; a stream takes it into
//! its body, so the report goes out when the stream ends, breaks or is abandoned. A
//! route cannot forget to report, and cannot report twice.
//!
//! It also holds a governed request's reservation ([`Admission`]) and settles it when
//! dropped, with the usage the request reported: every route is billed, streams the
//! client abandoned included (for the last usage seen, else the estimate).
//!
//! With no hooks registered and no reservation, nothing is recorded: each setter
//! returns at once.

use std::time::Instant;

use serde_json::Value;

use super::super::error::ApiError;
use super::super::stream::StreamEnd;
use super::gate::{cost_usage, Admission};
use crate::governance::cost::Price;
use crate::hooks::{Attempt, Content, Outcome, Pipeline, RequestInfo};
use crate::observability::InFlight;
use crate::routing::{DispatchError, Dispatched, KeyFailure, Route};
use crate::schema::Usage;

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
    _in_flight: InFlight,
    pub(super) info: RequestInfo,
    outcome: Outcome,
    /// A status was recorded: the request was answered (or failed) on purpose. A report
    /// dropped without one was abandoned by its client.
    settled: bool,
    /// When the current dispatch began, to time a keyless provider's one attempt.
    dispatched_at: Option<Instant>,
    /// A governed request's reservation, settled on drop.
    admission: Option<Admission>,
    /// Where the answer came from, for `extra_fields` and the `x-bf-*` headers.
    pub(super) served: Option<Served>,
    /// The routed model's price, to cost an ungoverned request's usage for the hooks.
    price: Option<Price>,
    /// An upstream answered successfully: a request that failed before (refused here,
    /// or every attempt failed, which providers do not bill) releases its reservation.
    reached_upstream: bool,
}

impl Report {
    pub(super) fn new(hooks: Pipeline, info: RequestInfo, in_flight: InFlight) -> Report {
        Report {
            hooks,
            _in_flight: in_flight,
            info,
            outcome: Outcome::default(),
            settled: false,
            dispatched_at: None,
            admission: None,
            price: None,
            reached_upstream: false,
            served: None,
        }
    }

    /// A governed request's reservation, and the key it was made under.
    pub(super) fn admitted(&mut self, admission: Admission, key: &crate::governance::VirtualKey) {
        if self.active() {
            self.outcome.virtual_key = Some(key.name.clone());
            self.outcome.virtual_key_id = Some(key.id.clone()).filter(|id| !id.is_empty());
        }
        self.admission = Some(admission);
    }

    /// The reservation's `x-ratelimit-*` headers, for every response.
    pub(super) fn rate_headers(&self) -> &[(&'static str, String)] {
        self.admission.as_ref().map_or(&[], |a| a.headers())
    }

    /// What the usage recorded so far costs, for a governed request.
    pub(super) fn cost(&self) -> Option<f64> {
        let admission = self.admission.as_ref()?;
        Some(admission.cost(self.outcome.usage.as_ref()?).dollars())
    }

    /// Whether usage must be kept: for the hooks, or to settle a reservation.
    fn keeps_usage(&self) -> bool {
        self.active() || self.admission.is_some()
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
    pub(super) fn request_content(&mut self, content: impl FnOnce() -> Option<Value>) {
        if self.wants_content() {
            self.outcome
                .content
                .get_or_insert_with(Content::default)
                .request = content();
        }
    }

    /// The answer's content, built only when a hook asked for it.
    pub(super) fn response_content(&mut self, content: impl FnOnce() -> Option<Value>) {
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
    pub(super) fn priced(&mut self, price: impl FnOnce() -> Option<Price>) {
        if self.active() {
            self.price = price();
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

    /// A dispatch that failed: every attempt it made.
    pub(super) fn dispatch_failed(&mut self, e: &DispatchError) {
        if !self.active() {
            return;
        }
        if let DispatchError::Failed { attempts, .. } = e {
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
        if let Some(admission) = self.admission.take() {
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
