//! Request logs, metrics and traces: hooks on the pipeline's outcome (`src/hooks/`), so
//! no route handler learns about them. Each does its heavy work (a store write, an
//! export) on a background task, never on the request's.

pub mod log;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::config::ClientConfig;
use crate::hooks::{Background, Hook};
use crate::store::{LogStore, Store};

/// What the server observes about its requests, started once with the server.
#[derive(Default)]
pub struct Observability {
    /// Request-log records dropped because the writer's queue was full.
    log_drops: Arc<AtomicU64>,
    /// The request log, unless `client.enable_logging` is off or its store failed.
    logs: Option<log::Logging>,
    hooks: Vec<Arc<dyn Hook>>,
}

impl Observability {
    /// Starts what `client` turns on, writing to `store`; background tasks are tracked
    /// by `background`, so graceful shutdown flushes them.
    pub fn start(client: &ClientConfig, store: &Arc<Store>, background: &Background) -> Self {
        let mut obs = Observability::default();
        if client.enable_logging {
            // The log store lives beside the management store, in the same data dir.
            let dir = store.path().parent().unwrap_or(std::path::Path::new("."));
            match LogStore::open(dir) {
                Ok(logs) => {
                    let (logging, hook) = log::Logging::start(
                        client,
                        Arc::new(logs),
                        background,
                        obs.log_drops.clone(),
                    );
                    obs.logs = Some(logging);
                    obs.hooks.push(hook);
                }
                Err(e) => {
                    tracing::error!(error = %e, "request log disabled: cannot open its store")
                }
            }
        }
        obs
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
}
