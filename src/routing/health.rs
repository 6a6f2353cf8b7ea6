//! Live health of a provider and its keys: cooldowns after 429s and auth errors, a
//! circuit breaker per key and per provider, and the figures adaptive weights and the
//! health report read (error rate, latency, share of traffic).
//!
//! Everything is atomics read and written without locks on the hot path. Statistics
//! are updated with plain load-then-store, so two requests finishing at the same
//! instant may lose one sample: a deliberate trade, since these figures steer traffic
//! and never bill anything. The state lives in the provider's runtime, so it survives
//! snapshot rebuilds that leave the provider's settings unchanged.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use crate::config::{HealthConfig, KeyConfig};
use crate::providers::ProviderError;

use super::retry::retry_after;

/// How many recent latencies are kept per key for the median.
const LATENCY_SAMPLES: usize = 32;
/// Weight of a new latency in the latency average.
const LATENCY_ALPHA: f64 = 0.2;
/// Latency slack added to both sides of the comparison, so a few milliseconds of noise
/// between fast keys does not move traffic.
const LATENCY_SLACK_MS: f64 = 100.0;
/// No key's adaptive weight drops below this share of its configured weight, so a
/// recovered key keeps getting the few requests that show it recovered.
const MIN_FACTOR: f64 = 0.01;

/// What a finished attempt tells about the key (or provider) that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The upstream worked (it may still have refused the request as invalid).
    Healthy,
    /// The upstream failed: connection, timeout, 5xx.
    Failed,
    /// The key is refused or throttled (401, 403, 429): parked for a while.
    Parked(Option<Duration>),
}

impl Verdict {
    /// The verdict on an attempt that ended with `error`; `None` when nothing was
    /// sent upstream (a refusal while translating), which says nothing about health.
    pub fn of(error: &ProviderError) -> Option<Verdict> {
        match error {
            ProviderError::Status {
                status: 401 | 403 | 429,
                ..
            } => Some(Verdict::Parked(retry_after(error))),
            ProviderError::Status { status, .. } if *status >= 500 => Some(Verdict::Failed),
            ProviderError::Status { .. } | ProviderError::InvalidResponse(_) => {
                Some(Verdict::Healthy)
            }
            ProviderError::Connect(_)
            | ProviderError::Transport(_)
            | ProviderError::Timeout { .. } => Some(Verdict::Failed),
            ProviderError::Key(_)
            | ProviderError::Unsupported(_)
            | ProviderError::UnsupportedParam { .. } => None,
        }
    }

    fn failed(self) -> bool {
        self != Verdict::Healthy
    }
}

/// An `f64` in an atomic (its bits).
#[derive(Debug, Default)]
struct AtomicF64(AtomicU64);

impl AtomicF64 {
    fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }
    fn set(&self, v: f64) {
        self.0.store(v.to_bits(), Ordering::Relaxed);
    }
}

/// Counts that fade with time (exponentially, time constant `tau`), so a rate over
/// them is a rate over a sliding window without keeping the events.
#[derive(Debug, Default)]
struct Fading {
    failures: AtomicF64,
    total: AtomicF64,
    at: AtomicU64,
}

impl Fading {
    fn decay(&self, now: u64, tau_ms: f64) -> f64 {
        let at = self.at.load(Ordering::Relaxed);
        (-(now.saturating_sub(at) as f64) / tau_ms).exp()
    }

    fn add(&self, now: u64, tau_ms: f64, failed: bool) {
        let k = self.decay(now, tau_ms);
        self.failures
            .set(self.failures.get() * k + f64::from(u8::from(failed)));
        self.total.set(self.total.get() * k + 1.0);
        self.at.store(now, Ordering::Relaxed);
    }

    /// (failures, total) as of `now`.
    fn read(&self, now: u64, tau_ms: f64) -> (f64, f64) {
        let k = self.decay(now, tau_ms);
        (self.failures.get() * k, self.total.get() * k)
    }
}

/// A circuit breaker: closed, open until a time, then half-open with one probe.
#[derive(Debug, Default)]
struct Breaker {
    consecutive: AtomicU32,
    /// When the breaker may let a probe through; 0 while closed.
    open_until: AtomicU64,
    /// When the probe in flight started; 0 when none. A probe older than the open
    /// period is taken as lost (its client went away) and another may go.
    probe: AtomicU64,
}

/// A breaker's state, as reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    /// Serving.
    Closed,
    /// Refusing until its open period ends.
    Open,
    /// Letting one probe through.
    HalfOpen,
}

impl Breaker {
    fn state(&self, now: u64) -> BreakerState {
        match self.open_until.load(Ordering::Relaxed) {
            0 => BreakerState::Closed,
            until if now < until => BreakerState::Open,
            _ => BreakerState::HalfOpen,
        }
    }

    /// Whether a call may go now; a half-open breaker lets exactly one through.
    fn admit(&self, now: u64, open_ms: u64) -> bool {
        match self.state(now) {
            BreakerState::Closed => true,
            BreakerState::Open => false,
            BreakerState::HalfOpen => {
                let probe = self.probe.load(Ordering::Relaxed);
                let free = probe == 0 || now.saturating_sub(probe) > open_ms;
                free && self
                    .probe
                    .compare_exchange(probe, now.max(1), Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok()
            }
        }
    }

    /// How long until a probe may go: the rest of the open period, or of the probe in
    /// flight's allowance (a lost probe frees the way after it).
    fn probe_in(&self, now: u64, open_ms: u64) -> Duration {
        let until = match self.state(now) {
            BreakerState::Closed => 0,
            BreakerState::Open => self.open_until.load(Ordering::Relaxed),
            BreakerState::HalfOpen => self.probe.load(Ordering::Relaxed) + open_ms,
        };
        Duration::from_millis(until.saturating_sub(now))
    }

    /// Whether a call could go now, without taking the probe.
    fn open(&self, now: u64, open_ms: u64) -> bool {
        match self.state(now) {
            BreakerState::Closed => false,
            BreakerState::Open => true,
            BreakerState::HalfOpen => {
                let probe = self.probe.load(Ordering::Relaxed);
                probe != 0 && now.saturating_sub(probe) <= open_ms
            }
        }
    }

    fn record(&self, now: u64, failed: bool, rate_tripped: bool, settings: &HealthConfig) {
        if !failed {
            self.consecutive.store(0, Ordering::Relaxed);
            self.open_until.store(0, Ordering::Relaxed);
            self.probe.store(0, Ordering::Relaxed);
            return;
        }
        let n = self.consecutive.fetch_add(1, Ordering::Relaxed) + 1;
        let half_open = self.state(now) == BreakerState::HalfOpen;
        if half_open || n >= settings.breaker_failures || rate_tripped {
            self.open_until
                .store(now + settings.breaker_open_secs * 1000, Ordering::Relaxed);
            self.probe.store(0, Ordering::Relaxed);
        }
    }
}

/// One key's (or a provider's) health.
#[derive(Debug, Default)]
pub struct Health {
    breaker: Breaker,
    /// Parked until then (ms); 0 when not parked.
    cooldown_until: AtomicU64,
    window: Fading,
    /// Attempts made on it, fading with the window: its share of recent traffic.
    served: Fading,
    latency_avg: AtomicF64,
    latencies: [AtomicU32; LATENCY_SAMPLES],
    latency_next: AtomicU32,
    seen_latency: AtomicBool,
}

impl Health {
    /// Whether it is skipped while others can serve: parked, or its breaker open.
    pub fn unavailable(&self, now: u64, settings: &HealthConfig) -> bool {
        now < self.cooldown_until.load(Ordering::Relaxed)
            || self.breaker.open(now, settings.breaker_open_secs * 1000)
    }

    /// Takes the right to call now: false while parked or its breaker refuses (a
    /// half-open breaker admits one probe).
    pub fn admit(&self, now: u64, settings: &HealthConfig) -> bool {
        now >= self.cooldown_until.load(Ordering::Relaxed)
            && self.breaker.admit(now, settings.breaker_open_secs * 1000)
    }

    /// How long until its breaker lets a probe through (zero when it would now).
    pub fn probe_in(&self, now: u64, settings: &HealthConfig) -> Duration {
        self.breaker
            .probe_in(now, settings.breaker_open_secs * 1000)
    }

    /// Records an attempt's verdict and how long it took.
    pub fn record(&self, now: u64, verdict: Verdict, latency: Duration, settings: &HealthConfig) {
        let tau = window_ms(settings);
        let failed = verdict.failed();
        self.window.add(now, tau, failed);
        self.served.add(now, tau, false);
        let (failures, total) = self.window.read(now, tau);
        let rate_tripped = total >= f64::from(settings.breaker_min_requests)
            && failures / total >= settings.breaker_error_rate;
        self.breaker.record(now, failed, rate_tripped, settings);
        match verdict {
            Verdict::Parked(after) => {
                let park = after.unwrap_or(Duration::from_secs(settings.cooldown_secs));
                self.cooldown_until
                    .store(now + park.as_millis() as u64, Ordering::Relaxed);
            }
            Verdict::Healthy => {
                let ms = latency.as_secs_f64() * 1000.0;
                let avg = if self.seen_latency.swap(true, Ordering::Relaxed) {
                    self.latency_avg.get() + LATENCY_ALPHA * (ms - self.latency_avg.get())
                } else {
                    ms
                };
                self.latency_avg.set(avg);
                let slot = self.latency_next.fetch_add(1, Ordering::Relaxed) as usize;
                self.latencies[slot % LATENCY_SAMPLES]
                    .store(ms.min(f64::from(u32::MAX)) as u32, Ordering::Relaxed);
            }
            Verdict::Failed => {}
        }
    }

    /// Error rate over the window; 0 with nothing seen.
    pub fn error_rate(&self, now: u64, settings: &HealthConfig) -> f64 {
        let (failures, total) = self.window.read(now, window_ms(settings));
        if total <= 0.0 {
            0.0
        } else {
            failures / total
        }
    }

    /// Average latency of its successful attempts, once it has one.
    pub fn latency_ms(&self) -> Option<f64> {
        self.seen_latency
            .load(Ordering::Relaxed)
            .then(|| self.latency_avg.get())
    }

    /// Median of its recent successful latencies.
    pub fn p50_ms(&self) -> Option<u32> {
        let n = (self.latency_next.load(Ordering::Relaxed) as usize).min(LATENCY_SAMPLES);
        let mut v: Vec<u32> = self.latencies[..n]
            .iter()
            .map(|l| l.load(Ordering::Relaxed))
            .collect();
        v.sort_unstable();
        v.get(n / 2).copied()
    }

    /// Attempts over the window (fading).
    pub fn recent_attempts(&self, now: u64, settings: &HealthConfig) -> f64 {
        self.served.read(now, window_ms(settings)).1
    }

    /// Its breaker's state.
    pub fn breaker(&self, now: u64) -> BreakerState {
        self.breaker.state(now)
    }

    /// How long it stays parked.
    pub fn cooldown_left(&self, now: u64) -> Duration {
        Duration::from_millis(
            self.cooldown_until
                .load(Ordering::Relaxed)
                .saturating_sub(now),
        )
    }

    /// The factor (0-1] its configured weight is scaled by: its success rate to the
    /// fourth (so a key failing half its requests keeps ~6% of its weight), times how
    /// much slower than `best_ms` it answers.
    pub fn factor(&self, now: u64, best_ms: f64, settings: &HealthConfig) -> f64 {
        let ok = 1.0 - self.error_rate(now, settings);
        let speed = match self.latency_ms() {
            Some(own) => (best_ms + LATENCY_SLACK_MS) / (own + LATENCY_SLACK_MS),
            None => 1.0,
        };
        (ok.powi(4) * speed.min(1.0)).max(MIN_FACTOR)
    }
}

fn window_ms(settings: &HealthConfig) -> f64 {
    (settings.breaker_window_secs.max(1) * 1000) as f64
}

/// A provider's health and each of its keys', in the order of its keys.
#[derive(Debug, Default)]
pub struct ProviderHealth {
    /// The provider as a whole.
    pub provider: Health,
    /// One per configured key.
    pub keys: Vec<Health>,
    /// Whether key weights follow health: the provider's `health.adaptive_balancing`,
    /// else `[client] adaptive_balancing`. An atomic, so a change of the client setting
    /// keeps the health state gathered so far.
    adaptive: AtomicBool,
}

impl ProviderHealth {
    /// Fresh state for a provider with `keys` keys.
    pub fn new(keys: usize) -> ProviderHealth {
        ProviderHealth {
            provider: Health::default(),
            keys: (0..keys).map(|_| Health::default()).collect(),
            adaptive: AtomicBool::new(true),
        }
    }

    /// Whether key weights follow health.
    pub fn adaptive(&self) -> bool {
        self.adaptive.load(Ordering::Relaxed)
    }

    /// Turns adaptive weights on or off.
    pub fn set_adaptive(&self, on: bool) {
        self.adaptive.store(on, Ordering::Relaxed);
    }

    /// Each key's effective weight: its configured weight, scaled by its health when
    /// adaptive balancing is on.
    pub fn weights(&self, keys: &[KeyConfig], now: u64, settings: &HealthConfig) -> Vec<f64> {
        let configured = keys.iter().map(|k| k.weight.max(0.0));
        if !self.adaptive() {
            return configured.collect();
        }
        let best = self
            .keys
            .iter()
            .filter_map(Health::latency_ms)
            .fold(f64::INFINITY, f64::min);
        let best = if best.is_finite() { best } else { 0.0 };
        configured
            .zip(&self.keys)
            .map(|(w, h)| w * h.factor(now, best, settings))
            .collect()
    }
}

#[cfg(test)]
#[path = "health_tests.rs"]
mod tests;
