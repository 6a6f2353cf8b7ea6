//! Request logs, metrics and traces: hooks on the pipeline's outcome (`src/hooks/`), so
//! no route handler learns about them. Each does its heavy work (a store write, an
//! export) on a background task, never on the request's.

mod alerts;
mod metrics;
mod metrics_labels;
mod traces;
mod traces_export;

pub use alerts::AlertSink;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub use metrics::{InFlight, Metrics};
pub use traces::{traceparent, Traces};

use crate::config::{ClientConfig, OtelConfig};
use crate::hooks::{Background, Hook};
use crate::store::Store;

/// What the server observes about its requests, started once with the server.
pub struct Observability {
    /// Request-log records dropped because the writer's queue was full.
    log_drops: Arc<AtomicU64>,
    metrics: Arc<Metrics>,
    traces: Traces,
}

impl Observability {
    /// Starts what `client` and `otel` turn on, writing to `store`; background tasks
    /// are tracked by `background`, so graceful shutdown flushes them.
    pub fn start(
        client: &ClientConfig,
        otel: &OtelConfig,
        _store: &Arc<Store>,
        background: &Background,
    ) -> Self {
        let log_drops = Arc::new(AtomicU64::new(0));
        Observability {
            metrics: Arc::new(Metrics::new(client, log_drops.clone())),
            traces: Traces::start(otel, background),
            log_drops,
        }
    }

    /// How many request-log records were dropped, since start, because the writer's
    /// queue was full (never silently: metrics and `GET /api/logs/dropped` show it).
    pub fn dropped_log_records(&self) -> u64 {
        self.log_drops.load(Ordering::Relaxed)
    }

    /// The hooks that feed it, to run before any other.
    pub fn hooks(&self) -> Vec<Arc<dyn Hook>> {
        let mut hooks: Vec<Arc<dyn Hook>> = vec![self.metrics.clone()];
        hooks.extend(self.traces.hook());
        hooks
    }

    /// Counts a request that just arrived in `bifrost_in_flight_requests` until the
    /// guard drops.
    pub fn in_flight(&self) -> InFlight {
        self.metrics.in_flight()
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
