//! Prometheus metrics (`GET /metrics`), with the reference gateway's names, fed by
//! one [`Hook::on_complete`] per request.
//!
//! The request path pays one hash of the series key and a read lock to find the
//! series' handles ([`Series`]), then atomic adds and three short histogram locks;
//! the registry itself is only touched when a label set is new and at scrape time.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use indexmap::IndexMap;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use super::metrics_labels::{Capped, ErrorLabels, KeyView, Labels, Schema, SeriesKey, MAX_LABELS};
use crate::config::ClientConfig;
use crate::hooks::{Hook, Outcome, RequestInfo};

/// Upstream latency and time to first token, in seconds (the reference's buckets).
const SECONDS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 90.0,
];

/// The gateway's own time per request, in microseconds.
const MICROSECONDS: [f64; 12] = [
    10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1_000.0, 2_500.0, 5_000.0, 10_000.0, 25_000.0, 100_000.0,
];

fn seconds() -> Histogram {
    Histogram::new(SECONDS)
}

fn microseconds() -> Histogram {
    Histogram::new(MICROSECONDS)
}

type Histograms = Family<Labels, Histogram, fn() -> Histogram>;
type FloatCounter = Counter<f64, AtomicU64>;

/// Every metric family, registered once.
struct Families {
    upstream: Family<Labels, Counter>,
    success: Family<Labels, Counter>,
    errors: Family<ErrorLabels, Counter>,
    upstream_latency: Histograms,
    first_token: Histograms,
    overhead: Histograms,
    input_tokens: Family<Labels, Counter>,
    output_tokens: Family<Labels, Counter>,
    cost: Family<Labels, FloatCounter>,
}

/// One label set's handles, cached so a known series costs no registry lookup.
struct Series {
    labels: Labels,
    upstream: Counter,
    success: Counter,
    upstream_latency: Histogram,
    first_token: Histogram,
    overhead: Histogram,
    input_tokens: Counter,
    output_tokens: Counter,
    cost: FloatCounter,
}

/// The server's metrics: the registry `GET /metrics` renders, and the hook that
/// feeds it.
pub struct Metrics {
    registry: Registry,
    schema: Schema,
    reasons: Capped,
    families: Families,
    series: RwLock<IndexMap<SeriesKey, Arc<Series>>>,
    in_flight: Gauge<i64, AtomicI64>,
}

impl Metrics {
    /// The metrics `client` labels; `log_drops` is read at each scrape.
    pub fn new(client: &ClientConfig, log_drops: Arc<AtomicU64>) -> Metrics {
        let schema = Schema::new(client);
        let mut registry = Registry::with_labels(
            schema
                .constant
                .iter()
                .map(|(n, v)| (n.clone().into(), v.clone().into())),
        );
        let families = Families {
            upstream: Family::default(),
            success: Family::default(),
            errors: Family::default(),
            upstream_latency: Family::new_with_constructor(seconds),
            first_token: Family::new_with_constructor(seconds),
            overhead: Family::new_with_constructor(microseconds),
            input_tokens: Family::default(),
            output_tokens: Family::default(),
            cost: Family::default(),
        };
        let in_flight = Gauge::<i64, AtomicI64>::default();
        let f = &families;
        registry.register(
            "bifrost_upstream_requests",
            "Requests sent to upstream providers, retries and fallbacks included",
            f.upstream.clone(),
        );
        registry.register(
            "bifrost_success_requests",
            "Requests answered successfully",
            f.success.clone(),
        );
        registry.register(
            "bifrost_error_requests",
            "Requests that failed, by error type",
            f.errors.clone(),
        );
        registry.register(
            "bifrost_upstream_latency_seconds",
            "Time of each upstream request (to its answer, or a stream's first byte)",
            f.upstream_latency.clone(),
        );
        registry.register(
            "bifrost_time_to_first_token_seconds",
            "Time from a stream's arrival to its first chunk with content",
            f.first_token.clone(),
        );
        registry.register(
            "bifrost_overhead_latency_microseconds",
            "The gateway's own time per request: its latency minus the time upstream (for a stream, up to the upstream's first byte)",
            f.overhead.clone(),
        );
        registry.register(
            "bifrost_input_tokens",
            "Input (prompt) tokens",
            f.input_tokens.clone(),
        );
        registry.register(
            "bifrost_output_tokens",
            "Output (completion) tokens",
            f.output_tokens.clone(),
        );
        registry.register(
            "bifrost_cost",
            "What governed requests cost, in US dollars",
            f.cost.clone(),
        );
        registry.register(
            "bifrost_in_flight_requests",
            "Requests being served",
            in_flight.clone(),
        );
        registry.register_collector(Box::new(DroppedLogRecords(log_drops)));
        Metrics {
            registry,
            reasons: Capped::new(client.prometheus_label_cap),
            schema,
            families,
            series: RwLock::new(IndexMap::new()),
            in_flight,
        }
    }

    /// Counts one request in flight until the guard drops.
    pub fn in_flight(&self) -> InFlight {
        self.in_flight.inc();
        InFlight(self.in_flight.clone())
    }

    /// Requests being served now (the live feed's batches carry it).
    pub fn in_flight_now(&self) -> i64 {
        self.in_flight.get()
    }

    /// The metrics in the Prometheus (OpenMetrics) text format.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(16 * 1024);
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }

    /// The cached handles of the series `key` names, created (with capped values) on
    /// first sight.
    fn series(&self, key: &[&str]) -> Arc<Series> {
        if let Some(series) = self.cached(key) {
            return series;
        }
        // Only admitted keys are cached, so a value counted as `other` comes here every
        // time: look its capped key up under the read lock before taking the write one.
        let capped = self.schema.capped(key);
        let key = &capped[..key.len()];
        if let Some(series) = self.cached(key) {
            return series;
        }
        let mut cached = self.series.write().unwrap_or_else(|p| p.into_inner());
        if let Some(series) = cached.get(&KeyView(key)) {
            return series.clone();
        }
        let labels = self.schema.labels(key);
        let f = &self.families;
        let series = Arc::new(Series {
            upstream: f.upstream.get_or_create_owned(&labels),
            success: f.success.get_or_create_owned(&labels),
            upstream_latency: f.upstream_latency.get_or_create_owned(&labels),
            first_token: f.first_token.get_or_create_owned(&labels),
            overhead: f.overhead.get_or_create_owned(&labels),
            input_tokens: f.input_tokens.get_or_create_owned(&labels),
            output_tokens: f.output_tokens.get_or_create_owned(&labels),
            cost: f.cost.get_or_create_owned(&labels),
            labels,
        });
        cached.insert(key.iter().map(|v| Box::from(*v)).collect(), series.clone());
        series
    }

    fn cached(&self, key: &[&str]) -> Option<Arc<Series>> {
        let cached = self.series.read().unwrap_or_else(|p| p.into_inner());
        cached.get(&KeyView(key)).cloned()
    }

    fn record(&self, info: &RequestInfo, outcome: &Outcome) {
        let mut key = [""; MAX_LABELS];
        key[0] = outcome.provider.as_deref().unwrap_or("");
        key[1] = outcome.model.as_deref().unwrap_or("");
        key[2] = info.route;
        key[3] = outcome.virtual_key.as_deref().unwrap_or("");
        let headers = self.schema.headers();
        for (slot, name) in key[4..].iter_mut().zip(headers) {
            *slot = info
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
        }
        let series = self.series(&key[..4 + headers.len()]);

        let mut upstream = Duration::ZERO;
        for attempt in &outcome.attempts {
            series
                .upstream_latency
                .observe(attempt.latency.as_secs_f64());
            upstream += attempt.latency;
        }
        series.upstream.inc_by(outcome.attempts.len() as u64);
        // A stream's body arrives at the upstream's pace: the gateway's own time is what
        // it spent before the upstream answered.
        let own_until = match (info.stream, outcome.first_byte) {
            (true, Some(first_byte)) => first_byte,
            _ => outcome.latency,
        };
        let overhead = own_until.saturating_sub(upstream);
        series.overhead.observe(overhead.as_micros() as f64);
        if let Some(first_token) = outcome.first_token {
            series.first_token.observe(first_token.as_secs_f64());
        }
        if let Some(usage) = &outcome.usage {
            series.input_tokens.inc_by(usage.prompt_tokens);
            series.output_tokens.inc_by(usage.completion_tokens);
        }
        if let Some(cost) = outcome.cost {
            series.cost.inc_by(cost);
        }
        match &outcome.error_type {
            None if outcome.status < 400 => {
                series.success.inc();
            }
            reason => {
                let reason = self.reasons.admit(reason.as_deref().unwrap_or("error"));
                self.families
                    .errors
                    .get_or_create(&ErrorLabels {
                        labels: series.labels.clone(),
                        reason: reason.into(),
                    })
                    .inc();
            }
        }
    }
}

impl Hook for Metrics {
    fn observes_only(&self) -> bool {
        true
    }

    fn on_complete(&self, info: &RequestInfo, outcome: &Outcome) {
        self.record(info, outcome);
    }
}

/// A request counted in `bifrost_in_flight_requests`; uncounted when dropped.
pub struct InFlight(Gauge<i64, AtomicI64>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// `bifrost_log_records_dropped_total`, read from the request log's counter at scrape.
#[derive(Debug)]
struct DroppedLogRecords(Arc<AtomicU64>);

impl Collector for DroppedLogRecords {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let counter = ConstCounter::new(self.0.load(Ordering::Relaxed));
        let metric = encoder.encode_descriptor(
            "bifrost_log_records_dropped",
            "Request-log records dropped because the writer's queue was full",
            None,
            counter.metric_type(),
        )?;
        counter.encode(metric)
    }
}
