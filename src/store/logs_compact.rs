//! Compaction of the request log: retention frees pages that redb reuses, but the file
//! never gives them back; compaction moves live pages down and truncates the file.
//!
//! redb compacts only with the database to itself (`Database::compact` takes
//! `&mut`), so the store's `RwLock` is taken for writing, without ever waiting for it:
//! compaction starts only at a moment no query or write is running, and while it runs
//! queries answer "busy, retry" (`StoreError::Busy`, a 503 over HTTP) and the writer
//! waits (its queue absorbs the records meanwhile; a queue that fills drops and counts
//! them, as at any other time). Its duration grows with the file (`bench/logs_query.sh`
//! prints a figure), which is why the server runs it only after a retention sweep that
//! left more than half the file free (`observability::log::retention`), and an
//! operator can run it now with `bifrost logs compact`.

use std::sync::TryLockError;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::logs::LogStore;
use super::StoreError;

/// What a compaction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compaction {
    /// File size before, in bytes.
    pub bytes_before: u64,
    /// File size after, in bytes.
    pub bytes_after: u64,
    /// How long the database was held, in milliseconds.
    pub took_ms: u64,
}

impl LogStore {
    /// Bytes of the file no page uses: an upper bound on what a compaction gives back
    /// (redb keeps some region overhead, about 1.5 MiB on a small file). Takes a write
    /// transaction for a moment (redb reports allocation there only), so it belongs in
    /// the background, like retention.
    pub fn reclaimable(&self) -> Result<u64, StoreError> {
        let db = self.writing();
        let txn = db.begin_write()?;
        let stats = txn.stats()?;
        txn.abort()?;
        let used = stats.allocated_pages() * stats.page_size() as u64;
        let size = std::fs::metadata(self.path()).map_or(0, |m| m.len());
        Ok(size.saturating_sub(used))
    }

    /// Compacts the file once no query or write is running, trying for up to `wait`;
    /// `StoreError::Busy` when none came.
    pub fn compact(&self, wait: Duration) -> Result<Compaction, StoreError> {
        let deadline = Instant::now() + wait;
        let mut db = loop {
            match self.db.try_write() {
                Ok(db) => break db,
                Err(TryLockError::Poisoned(p)) => break p.into_inner(),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    // Queries take milliseconds: look again shortly rather than queue
                    // behind them (a waiting writer lock would stall new readers).
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(StoreError::Busy(
                        "the request log stayed in use; compaction did not start",
                    ))
                }
            }
        };
        let size = || std::fs::metadata(self.path()).map_or(0, |m| m.len());
        let bytes_before = size();
        let started = Instant::now();
        db.compact()
            .map_err(|e| StoreError::Db(Box::new(e.into())))?;
        drop(db);
        Ok(Compaction {
            bytes_before,
            bytes_after: size(),
            took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{LogContent, LogRecord};

    #[test]
    fn compaction_after_retention_shrinks_the_file_and_keeps_what_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let store = LogStore::open(dir.path()).unwrap();
        let record = |i: u64| LogRecord {
            id: format!("r{i}"),
            timestamp: 1_000_000 + i,
            provider: Some("openai".into()),
            content: Some(LogContent {
                request: Some(serde_json::json!({"prompt": "x".repeat(1000)}).into()),
                response: None,
            }),
            ..LogRecord::default()
        };
        let mut records: Vec<_> = (0..5000).map(record).collect();
        for chunk in records.chunks_mut(500) {
            store.append(chunk).unwrap();
        }
        // Everything but the newest 10 expires.
        while store.prune(1_000_000 + 4990, 0, 500).unwrap().0 > 0 {}
        let before = std::fs::metadata(store.path()).unwrap().len();
        let free = store.reclaimable().unwrap();
        assert!(free > before / 2, "the freed pages are counted: {free}");
        let done = store.compact(Duration::from_secs(5)).unwrap();
        let after = std::fs::metadata(store.path()).unwrap().len();
        assert_eq!(done.bytes_before, before);
        assert_eq!(done.bytes_after, after);
        assert!(
            after * 4 < before,
            "compaction left {after} of {before} bytes"
        );
        // What is left free is redb's region overhead, not the pages given back.
        let left = store.reclaimable().unwrap();
        assert!(left < free / 4, "{left} of {after} bytes still free");
        let kept = store.get("r4995").unwrap().unwrap();
        assert!(kept.content.is_some());
        assert!(store.get("r10").unwrap().is_none());
        // Writes and reads go on after it.
        store.append(&mut [record(9999)]).unwrap();
        assert!(store.get("r9999").unwrap().is_some());
    }

    #[test]
    fn queries_during_a_compaction_are_told_to_retry() {
        let dir = tempfile::tempdir().unwrap();
        let store = LogStore::open(dir.path()).unwrap();
        let held = store.db.write().unwrap();
        let e = store.get("any").unwrap_err();
        assert!(matches!(e, StoreError::Busy(_)), "{e}");
        assert!(e.to_string().contains("retry"), "{e}");
        drop(held);
        assert!(store.get("any").unwrap().is_none());
        // And a compaction does not wait forever for a reader that stays.
        let reading = store.reading().unwrap();
        let e = store.compact(Duration::from_millis(20)).unwrap_err();
        assert!(matches!(e, StoreError::Busy(_)), "{e}");
        drop(reading);
    }
}
