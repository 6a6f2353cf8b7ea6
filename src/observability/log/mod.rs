//! The request log: one record per request, from the pipeline's outcome, written off
//! the hot path.
//!
//! ```text
//! on_complete (request task): build the record, try_send into a bounded queue
//!   -> writer task: batch (512 records or 1 s), one redb transaction per batch,
//!      then publish each record to live tails (`GET /api/logs/stream`)
//!   -> retention task: prune old records and old content in small transactions
//! ```
//!
//! A full queue drops the record and counts it (`dropped_log_records`), with a warning
//! at most once per interval. Graceful shutdown drains the queue; a hard kill loses
//! at most what arrived since the last flush (one flush interval, 1 s).

mod record;
mod retention;
mod writer;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::{broadcast, mpsc};

pub use retention::Retention;

use crate::config::{ClientConfig, LiveClient};
use crate::governance::SystemClock;
use crate::hooks::{Background, Hook, Outcome, RequestInfo};
use crate::store::{LogRecord, LogStore};

/// Records queued for the writer at most; beyond, records are dropped and counted.
pub const QUEUE_CAPACITY: usize = 65_536;

/// New records kept for live tails that fall behind; a slower tail skips ahead.
const TAIL_CAPACITY: usize = 1024;

/// Seconds between two warnings about dropped records.
const DROP_WARN_EVERY_SECS: u64 = 10;

/// The running request log: its store, and the feed of records as they are written.
#[derive(Clone)]
pub struct Logging {
    store: Arc<LogStore>,
    tail: broadcast::Sender<Arc<LogRecord>>,
}

impl Logging {
    /// Starts the writer and retention tasks on `background` for `store`, and returns
    /// the log with the hook that feeds it. `drops` counts records a full queue lost;
    /// `live` switches logging, content logging and retention while running.
    pub fn start(
        client: &ClientConfig,
        live: LiveClient,
        store: Arc<LogStore>,
        background: &Background,
        drops: Arc<AtomicU64>,
    ) -> (Logging, Arc<dyn Hook>) {
        let (tx, rx) = mpsc::channel(QUEUE_CAPACITY);
        let (tail, _) = broadcast::channel(TAIL_CAPACITY);
        writer::spawn(store.clone(), rx, tail.clone(), background);
        Retention::spawn(live.clone(), store.clone(), SystemClock, background);
        let hook = LogHook {
            queue: tx,
            headers: client
                .logging_headers
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            live,
            drops,
            last_warning: AtomicU64::new(0),
        };
        (Logging { store, tail }, Arc::new(hook))
    }

    /// The store the records go to.
    pub fn store(&self) -> &Arc<LogStore> {
        &self.store
    }

    /// Every record written from now on, as it is written.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<LogRecord>> {
        self.tail.subscribe()
    }
}

/// The hook that queues one record per request.
struct LogHook {
    queue: mpsc::Sender<LogRecord>,
    headers: Vec<String>,
    /// Loaded per request (a lock-free pointer read): `PUT /api/config` applies from
    /// the next request on.
    live: LiveClient,
    drops: Arc<AtomicU64>,
    /// When the last drop warning went out (seconds since the epoch).
    last_warning: AtomicU64,
}

impl LogHook {
    fn dropped(&self) {
        let total = self.drops.fetch_add(1, Ordering::Relaxed) + 1;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let last = self.last_warning.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= DROP_WARN_EVERY_SECS
            && self
                .last_warning
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                dropped_total = total,
                queue = QUEUE_CAPACITY,
                "request log queue full: records are being dropped (see GET /api/logs/dropped)"
            );
        }
    }
}

impl Hook for LogHook {
    fn observes_only(&self) -> bool {
        true
    }

    fn on_complete(&self, info: &RequestInfo, outcome: &Outcome) {
        let live = self.live.load();
        if !live.enable_logging {
            return;
        }
        let record = record::build(info, outcome, &self.headers, live.log_content());
        match self.queue.try_send(record) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => self.dropped(),
            // The writer has stopped (shutdown): nothing more is written.
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    fn wants_content(&self) -> bool {
        self.live.load().log_content()
    }
}
