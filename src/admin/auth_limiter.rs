//! Failed admin logins counted per client address, so a password cannot be guessed at
//! network speed: after `max_failures` failures within `window` seconds, the address is
//! refused (even with a good credential) until the window that began with its first
//! failure is over.
//!
//! Pure bookkeeping with an injected clock; one short mutex section per failure or
//! check, never held across an await. The map is bounded so a spray of source
//! addresses cannot grow it without end.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use crate::governance::Clock;

/// Addresses tracked at most; past this, expired entries are swept, and if all are
/// live the oldest window is dropped (it is the closest to expiring anyway).
const MAX_TRACKED: usize = 10_000;

/// Per-address failure counts in fixed windows.
pub struct FailureLimiter {
    clock: Arc<dyn Clock>,
    max_failures: u32,
    window: u64,
    seen: Mutex<HashMap<IpAddr, Failures>>,
}

#[derive(Clone, Copy)]
struct Failures {
    since: u64,
    count: u32,
}

impl FailureLimiter {
    /// Refuses an address after `max_failures` failures within `window` seconds.
    pub fn new(clock: Arc<dyn Clock>, max_failures: u32, window: u64) -> Self {
        FailureLimiter {
            clock,
            max_failures: max_failures.max(1),
            window: window.max(1),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds until `addr` may try again, or `None` when it may try now.
    pub fn blocked(&self, addr: IpAddr) -> Option<u64> {
        let now = self.clock.now();
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let f = seen.get(&addr)?;
        let end = f.since.saturating_add(self.window);
        (f.count >= self.max_failures && now < end).then(|| end - now)
    }

    /// Counts a failure from `addr`.
    pub fn fail(&self, addr: IpAddr) {
        let now = self.clock.now();
        let window = self.window;
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= MAX_TRACKED && !seen.contains_key(&addr) {
            seen.retain(|_, f| now < f.since.saturating_add(window));
            if seen.len() >= MAX_TRACKED {
                if let Some(oldest) = seen.iter().min_by_key(|(_, f)| f.since).map(|(a, _)| *a) {
                    seen.remove(&oldest);
                }
            }
        }
        let f = seen.entry(addr).or_insert(Failures {
            since: now,
            count: 0,
        });
        if now >= f.since.saturating_add(window) {
            *f = Failures {
                since: now,
                count: 0,
            };
        }
        f.count = f.count.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::ManualClock;

    #[test]
    fn blocks_after_n_failures_until_the_window_ends() {
        let clock = Arc::new(ManualClock::new(1_000));
        let limiter = FailureLimiter::new(clock.clone(), 3, 60);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        limiter.fail(a);
        clock.advance(10);
        limiter.fail(a);
        assert_eq!(limiter.blocked(a), None, "two failures are allowed");
        limiter.fail(a);
        assert_eq!(
            limiter.blocked(a),
            Some(50),
            "the window began at the first"
        );
        assert_eq!(limiter.blocked(b), None, "other addresses are unaffected");
        clock.advance(49);
        assert_eq!(limiter.blocked(a), Some(1));
        clock.advance(1);
        assert_eq!(limiter.blocked(a), None, "a new window starts clean");
        limiter.fail(a);
        assert_eq!(limiter.blocked(a), None, "one failure in the new window");
    }

    #[test]
    fn the_map_stays_bounded() {
        let clock = Arc::new(ManualClock::new(0));
        let limiter = FailureLimiter::new(clock, 1, 60);
        for i in 0..(MAX_TRACKED as u32 + 5) {
            limiter.fail(IpAddr::from(i.to_be_bytes()));
        }
        let seen = limiter.seen.lock().unwrap();
        assert_eq!(seen.len(), MAX_TRACKED);
    }
}
