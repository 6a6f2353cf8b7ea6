//! The request log's writer: drains the queue into the store, one transaction per
//! batch, and feeds live tails once a batch is written.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc};

use crate::hooks::Background;
use crate::store::{LogRecord, LogStore};

/// A batch is written once it holds this many records...
const BATCH: usize = 512;

/// ...or this long after the previous write: what a hard kill can lose at most.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(1);

/// Runs the writer on `background` until shutdown, then drains the queue.
pub fn spawn(
    store: Arc<LogStore>,
    mut queue: mpsc::Receiver<LogRecord>,
    tail: broadcast::Sender<Arc<LogRecord>>,
    background: &Background,
) {
    let stop = background.clone();
    background.spawn(async move {
        let mut batch: Vec<LogRecord> = Vec::with_capacity(BATCH);
        let mut tick = tokio::time::interval(FLUSH_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                n = queue.recv_many(&mut batch, BATCH) => {
                    if n == 0 {
                        break;
                    }
                    if batch.len() >= BATCH {
                        flush(&store, &mut batch, &tail).await;
                    }
                }
                _ = tick.tick() => flush(&store, &mut batch, &tail).await,
                () = stop.stopping() => break,
            }
        }
        // Shutdown: no request reports any more; write everything still queued.
        queue.close();
        while queue.recv_many(&mut batch, BATCH).await > 0 {
            if batch.len() >= BATCH {
                flush(&store, &mut batch, &tail).await;
            }
        }
        flush(&store, &mut batch, &tail).await;
    });
}

/// Writes `batch` in one transaction off the runtime's threads, then publishes it.
async fn flush(
    store: &Arc<LogStore>,
    batch: &mut Vec<LogRecord>,
    tail: &broadcast::Sender<Arc<LogRecord>>,
) {
    if batch.is_empty() {
        return;
    }
    let mut records = std::mem::replace(batch, Vec::with_capacity(BATCH));
    let store = store.clone();
    let written = tokio::task::spawn_blocking(move || {
        let result = store.append(&mut records);
        (result, records)
    })
    .await;
    match written {
        Ok((Ok(()), records)) => {
            if tail.receiver_count() > 0 {
                for r in records {
                    // No tail listening any more is not an error.
                    let _ = tail.send(Arc::new(r));
                }
            }
        }
        Ok((Err(e), records)) => {
            tracing::error!(error = %e, lost = records.len(), "cannot write request log records");
        }
        Err(e) => tracing::error!(error = %e, "request log writer task failed"),
    }
}
