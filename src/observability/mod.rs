//! Request logs, metrics and traces: hooks on the pipeline's outcome (`src/hooks/`), so
//! no route handler learns about them. Each does its heavy work (a store write, an
//! export) on a background task, never on the request's.

mod alerts;
mod metrics;
mod metrics_labels;
mod traces;
mod traces_export;

pub use alerts::AlertSink;
pub mod log;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub use metrics::{InFlight, Metrics};
pub use traces::{traceparent, Traces};

use crate::config::{ClientConfig, LiveClient, OtelConfig};
use crate::hooks::{Background, Hook};
use crate::store::{LogStore, Store};

/// What the server observes about its requests, started once with the server.
pub struct Observability {
    /// Request-log records dropped because the writer's queue was full.
    log_drops: Arc<AtomicU64>,
    metrics: Arc<Metrics>,
    traces: Traces,
    /// The request log, unless `client.enable_logging` is off or its store failed.
    logs: Option<log::Logging>,
    hooks: Vec<Arc<dyn Hook>>,
}

impl Observability {
    /// Starts what `client` and `otel` turn on, writing to `store`; background tasks
    /// are tracked by `background`, so graceful shutdown flushes them. `live` holds the
    /// settings the request log follows while running.
    pub fn start(
        client: &ClientConfig,
        live: &LiveClient,
        otel: &OtelConfig,
        store: &Arc<Store>,
        background: &Background,
    ) -> Self {
        let log_drops = Arc::new(AtomicU64::new(0));
        let metrics = Arc::new(Metrics::new(client, log_drops.clone()));
        let traces = Traces::start(otel, background);
        let mut hooks: Vec<Arc<dyn Hook>> = vec![metrics.clone()];
        hooks.extend(traces.hook());
        let mut logs = None;
        if client.enable_logging {
            // The log store lives beside the management store, in the same data dir.
            let dir = store.path().parent().unwrap_or(std::path::Path::new("."));
            match LogStore::open(dir) {
                Ok(store) => {
                    let (logging, hook) = log::Logging::start(
                        client,
                        live.clone(),
                        Arc::new(store),
                        background,
                        log_drops.clone(),
                    );
                    logs = Some(logging);
                    hooks.push(hook);
                }
                Err(e) => {
                    tracing::error!(error = %e, "request log disabled: cannot open its store")
                }
            }
        }
        Observability {
            log_drops,
            metrics,
            traces,
            logs,
            hooks,
        }
    }

    /// How many request-log records were dropped, since start, because the writer's
    /// queue was full (never silently: metrics and `GET /api/logs/dropped` show it).
    pub fn dropped_log_records(&self) -> u64 {
        self.log_drops.load(Ordering::Relaxed)
    }

    /// The request log, when on.
    pub fn logs(&self) -> Option<&log::Logging> {
        self.logs.as_ref()
    }

    /// The hooks that feed it, to run before any other.
    pub fn hooks(&self) -> Vec<Arc<dyn Hook>> {
        self.hooks.clone()
    }

    /// Counts a request that just arrived in `bifrost_in_flight_requests` until the
    /// guard drops.
    pub fn in_flight(&self) -> InFlight {
        self.metrics.in_flight()
    }

    /// Requests being served now, as `bifrost_in_flight_requests` reports them.
    pub fn in_flight_now(&self) -> i64 {
        self.metrics.in_flight_now()
    }

    /// `GET /metrics`: the metrics in the Prometheus text format.
    pub fn render_metrics(&self) -> String {
        self.metrics.render()
    }

    /// Request traces (ids for arriving requests).
    pub fn traces(&self) -> &Traces {
        &self.traces
    }
}
