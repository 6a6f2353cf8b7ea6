//! Request-log retention: records older than `client.log_retention_days` go, and the
//! content of records older than `client.content_retention_days` (their metadata
//! stays). Pruned in transactions of a few hundred records, so the writer waits behind
//! at most one of them; the pages freed are reused by redb, so once retention is
//! reached the file stops growing. When more than half the file (and 64 MiB) is free
//! after a sweep (a burst since pruned), the sweep compacts it (see
//! `store::logs_compact`), so the file also shrinks back.

use std::sync::Arc;
use std::time::Duration;

use crate::config::{LiveClient, LiveSettings};
use crate::governance::Clock;
use crate::hooks::Background;
use crate::store::LogStore;

/// Records (and contents) removed per transaction.
const PRUNE_BATCH: usize = 500;

/// How often retention runs.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// A sweep compacts the file when at least this much of it is free and...
const COMPACT_MIN_FREE: u64 = 64 * 1024 * 1024;

/// ...free pages are at least half the file: a burst that retention has since pruned.
/// In a steady state redb reuses the freed pages, the free part stays small, and the
/// store is never held for nothing.
const COMPACT_FREE_SHARE: f64 = 0.5;

/// How long the sweep looks for a moment with no query or write running before it
/// leaves the compaction to the next sweep (a minute later).
const COMPACT_WAIT: Duration = Duration::from_secs(2);

const DAY_US: u64 = 86_400 * 1_000_000;

/// How long records and their content are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Days a record is kept.
    pub records_days: u64,
    /// Days a record's content is kept.
    pub content_days: u64,
}

impl Retention {
    /// The retention of the live settings.
    pub fn of(live: &LiveSettings) -> Retention {
        Retention {
            records_days: live.log_retention_days,
            content_days: live.content_retention_days,
        }
    }

    /// The cutoffs (µs since the epoch) at `now` (seconds): records and content
    /// older than these go.
    pub fn cutoffs(&self, now: u64) -> (u64, u64) {
        let now_us = now.saturating_mul(1_000_000);
        (
            now_us.saturating_sub(self.records_days.saturating_mul(DAY_US)),
            now_us.saturating_sub(self.content_days.saturating_mul(DAY_US)),
        )
    }

    /// Prunes everything past retention at `clock`'s now, batch by batch; returns how
    /// many records and contents went.
    pub fn run_once(&self, store: &LogStore, clock: &impl Clock) -> (usize, usize) {
        let (records_before, content_before) = self.cutoffs(clock.now());
        let mut total = (0, 0);
        loop {
            match store.prune(records_before, content_before, PRUNE_BATCH) {
                Ok((0, 0)) => return total,
                Ok((r, c)) => {
                    total.0 += r;
                    total.1 += c;
                }
                Err(e) => {
                    tracing::error!(error = %e, "request log retention failed");
                    return total;
                }
            }
        }
    }

    /// Runs retention every minute on `background` until shutdown, as `live` says at
    /// each round (so a changed retention applies from the next round).
    pub fn spawn(
        live: LiveClient,
        store: Arc<LogStore>,
        clock: impl Clock,
        background: &Background,
    ) {
        let stop = background.clone();
        let clock = Arc::new(clock);
        background.spawn(async move {
            let mut tick = tokio::time::interval(PRUNE_EVERY);
            // The file size below which no compaction is tried: after one, the file
            // must grow by COMPACT_MIN_FREE again, so a compaction that could not give
            // much back (redb's overhead) is not repeated every sweep.
            let mut floor = 0u64;
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    () = stop.stopping() => return,
                }
                let store = store.clone();
                let clock = clock.clone();
                let retention = Retention::of(&live.load());
                let swept = tokio::task::spawn_blocking(move || {
                    let pruned = retention.run_once(&store, &clock);
                    (pruned, compact_if_worth_it(&store, floor))
                })
                .await;
                if let Ok(((records, contents), compacted)) = swept {
                    floor = compacted.unwrap_or(floor);
                    if records + contents > 0 {
                        tracing::debug!(records, contents, "request log pruned");
                    }
                }
            }
        });
    }
}

/// Compacts `store` when its file is past `floor` and much of it is free, reporting
/// what it gave back; the next floor when it compacted.
fn compact_if_worth_it(store: &LogStore, floor: u64) -> Option<u64> {
    let size = std::fs::metadata(store.path()).map_or(0, |m| m.len());
    if size < floor {
        return None;
    }
    let free = match store.reclaimable() {
        Ok(free) => free,
        Err(e) => {
            tracing::warn!(error = %e, "request log: cannot measure free space");
            return None;
        }
    };
    if free < COMPACT_MIN_FREE || (free as f64) < size as f64 * COMPACT_FREE_SHARE {
        return None;
    }
    match store.compact(COMPACT_WAIT) {
        Ok(c) => {
            tracing::info!(
                bytes_before = c.bytes_before,
                bytes_after = c.bytes_after,
                took_ms = c.took_ms,
                "request log compacted"
            );
            Some(c.bytes_after + COMPACT_MIN_FREE)
        }
        Err(e) => {
            tracing::warn!(error = %e, "request log compaction skipped");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::ManualClock;
    use crate::store::{LogContent, LogRecord};

    const DAY: u64 = 86_400;

    fn record(i: u64, at_secs: u64) -> LogRecord {
        LogRecord {
            id: format!("req-{i}"),
            timestamp: at_secs * 1_000_000 + i,
            provider: Some("openai".into()),
            model: Some("gpt-4o".into()),
            content: Some(LogContent {
                request: Some(
                    serde_json::json!({"messages": [{"content": "x".repeat(2000)}]}).into(),
                ),
                response: None,
            }),
            ..LogRecord::default()
        }
    }

    #[test]
    fn content_goes_first_then_records_and_the_file_stops_growing() {
        let dir = tempfile::tempdir().unwrap();
        let store = LogStore::open(dir.path()).unwrap();
        let clock = ManualClock::new(100 * DAY);
        let retention = Retention {
            records_days: 30,
            content_days: 7,
        };
        let write_day = |day: u64| {
            let mut batch: Vec<_> = (0..2000).map(|i| record(i, day * DAY)).collect();
            for chunk in batch.chunks_mut(500) {
                store.append(chunk).unwrap();
            }
        };
        // Ten days ago: past content retention, within record retention.
        write_day(90);
        assert_eq!(retention.run_once(&store, &clock), (0, 2000));
        let kept = store.get("req-5").unwrap().unwrap();
        assert!(kept.content.is_none(), "content past retention is gone");
        assert_eq!(kept.provider.as_deref(), Some("openai"));

        // Past record retention: everything goes, and writing as much again reuses
        // the freed pages instead of growing the file.
        clock.set(200 * DAY);
        write_day(100);
        assert_eq!(retention.run_once(&store, &clock).0, 4000);
        // Records are stored in blocks whose values redb allocates in runs of pages,
        // so the file reaches its high-water mark a couple of rounds later than one
        // entry per record did (measured: 5.5 MB, then 10.0 MB from the third round
        // on); from there, what is pruned is reused.
        let file_size = || std::fs::metadata(store.path()).unwrap().len();
        let mut size = 0;
        for round in 0..6 {
            write_day(200 + round);
            clock.set((240 + round) * DAY);
            retention.run_once(&store, &clock);
            if round == 2 {
                size = file_size();
            }
        }
        let after = file_size();
        assert!(
            after <= size,
            "file grew from {size} to {after} bytes although pruning freed as much as was written"
        );
        assert!(store.get("req-5").unwrap().is_none());
    }
}
