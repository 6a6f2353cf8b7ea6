//! Per-provider upstream concurrency with a bounded waiting line.
//!
//! The reference gateway's semantics: at most `concurrency` requests upstream at once;
//! the rest wait. When `drop_excess` is on and `queue` requests already wait, a new one
//! is refused at once (429) instead of queueing. The fast path is one atomic.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The slot a request holds while it talks to the upstream (a stream holds it to the end).
pub type Permit = OwnedSemaphorePermit;

/// One provider's limiter.
pub struct Limiter {
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue: usize,
    drop_excess: bool,
}

/// The waiting line is full and dropping is on.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("queue full")]
pub struct QueueFull;

impl Limiter {
    /// A limiter allowing `concurrency` calls at once with `queue` waiting.
    pub fn new(concurrency: usize, queue: usize, drop_excess: bool) -> Self {
        Limiter {
            slots: Arc::new(Semaphore::new(concurrency.clamp(1, Semaphore::MAX_PERMITS))),
            waiting: AtomicUsize::new(0),
            queue,
            drop_excess,
        }
    }

    /// Takes a slot, waiting when all are busy.
    pub async fn acquire(&self) -> Result<Permit, QueueFull> {
        if let Ok(p) = self.slots.clone().try_acquire_owned() {
            return Ok(p);
        }
        let before = self.waiting.fetch_add(1, Ordering::AcqRel);
        let _leave = Leave(&self.waiting);
        if self.drop_excess && before >= self.queue {
            return Err(QueueFull);
        }
        // The semaphore is never closed, so acquiring can only fail if that changes.
        self.slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| QueueFull)
    }

    /// Requests waiting for a slot now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Acquire)
    }
}

struct Leave<'a>(&'a AtomicUsize);

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn full_queue_drops_only_when_asked() {
        let l = Limiter::new(1, 0, true);
        let held = l.acquire().await.unwrap();
        assert!(l.acquire().await.is_err());
        drop(held);
        assert!(l.acquire().await.is_ok());
    }

    #[tokio::test]
    async fn full_queue_waits_by_default() {
        let l = Arc::new(Limiter::new(1, 0, false));
        let held = l.acquire().await.unwrap();
        let l2 = l.clone();
        let waiter = tokio::spawn(async move { l2.acquire().await.is_ok() });
        while l.waiting() == 0 {
            tokio::task::yield_now().await;
        }
        drop(held);
        assert!(waiter.await.unwrap());
        assert_eq!(l.waiting(), 0);
    }
}
