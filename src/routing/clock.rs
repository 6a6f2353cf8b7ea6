//! Time for the routing layer: a monotonic millisecond reading for health state, and
//! the sleep between retries. Both go through [`Clock`] so tests drive cooldowns,
//! breakers and backoff without waiting.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A sleep in progress.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Where routing reads the time and waits.
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds on a monotonic scale (only differences mean anything).
    fn now_ms(&self) -> u64;
    /// Waits `d`.
    fn sleep(&self, d: Duration) -> Sleep;
}

/// The real clock: milliseconds since the process first asked, and tokio's sleep.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_millis() as u64
    }

    fn sleep(&self, d: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(d))
    }
}

/// A clock that moves only when told or slept on, recording each sleep: for tests.
/// It starts well past zero so "never" (zero) stays in the past.
#[derive(Debug)]
pub struct ManualClock {
    now: AtomicU64,
    slept: Mutex<Vec<Duration>>,
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock {
            now: AtomicU64::new(1_000_000),
            slept: Mutex::new(Vec::new()),
        }
    }
}

impl ManualClock {
    /// Moves the time forward.
    pub fn advance(&self, d: Duration) {
        self.now.fetch_add(d.as_millis() as u64, Ordering::SeqCst);
    }

    /// Every sleep asked for so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.slept.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.now.load(Ordering::SeqCst)
    }

    /// Returns at once, having moved the time forward by `d`.
    fn sleep(&self, d: Duration) -> Sleep {
        if let Ok(mut s) = self.slept.lock() {
            s.push(d);
        }
        self.advance(d);
        Box::pin(std::future::ready(()))
    }
}

impl<C: Clock> Clock for std::sync::Arc<C> {
    fn now_ms(&self) -> u64 {
        (**self).now_ms()
    }

    fn sleep(&self, d: Duration) -> Sleep {
        (**self).sleep(d)
    }
}
