//! When and how long to wait before trying a target again: `[providers.NAME.network]`
//! `max_retries`, `retry_backoff_initial_ms`, `retry_backoff_max_ms`, the reference
//! gateway's rule (exponential, jitter 0.8-1.2, capped), with an upstream's
//! `Retry-After` taking precedence up to the cap.

use std::time::Duration;

use rand::Rng;

use crate::config::NetworkConfig;
use crate::providers::ProviderError;

/// One provider's retry settings.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Extra attempts after the first.
    pub max_retries: u32,
    initial: Duration,
    max: Duration,
}

impl RetryPolicy {
    /// The policy of a provider's network settings.
    pub fn of(net: &NetworkConfig) -> RetryPolicy {
        RetryPolicy {
            max_retries: net.max_retries,
            initial: Duration::from_millis(net.retry_backoff_initial_ms),
            max: Duration::from_millis(net.retry_backoff_max_ms),
        }
    }

    /// The wait before retry number `retry` (0 for the first) after `error`: its
    /// `Retry-After` when given, else `initial * 2^retry` with jitter; never over the
    /// maximum.
    pub fn backoff(&self, retry: u32, error: &ProviderError, rng: &mut impl Rng) -> Duration {
        if let Some(after) = retry_after(error) {
            return after.min(self.max);
        }
        let base = self.initial.saturating_mul(1u32 << retry.min(20));
        base.mul_f64(rng.gen_range(0.8..=1.2)).min(self.max)
    }
}

/// Whether another try of the same target may succeed: connection failures, timeouts,
/// 429 and 500/502/503/504. Other 4xx are the request's fault and fail the same way
/// every time.
pub fn retryable(error: &ProviderError) -> bool {
    match error {
        ProviderError::Connect(_) | ProviderError::Transport(_) | ProviderError::Timeout { .. } => {
            true
        }
        ProviderError::Status { status, .. } => matches!(status, 429 | 500 | 502 | 503 | 504),
        _ => false,
    }
}

/// The upstream's `Retry-After` in seconds (the HTTP-date form is not honoured: it needs
/// a wall clock and providers send seconds).
pub fn retry_after(error: &ProviderError) -> Option<Duration> {
    match error {
        ProviderError::Status {
            retry_after: Some(v),
            ..
        } => {
            let secs: f64 = v.trim().parse().ok()?;
            (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn policy() -> RetryPolicy {
        RetryPolicy::of(&NetworkConfig {
            max_retries: 3,
            ..NetworkConfig::default()
        })
    }

    fn status(code: u16, retry_after: Option<&str>) -> ProviderError {
        ProviderError::Status {
            status: code,
            message: "x".into(),
            retry_after: retry_after.map(str::to_string),
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_stops_at_the_maximum() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let e = status(503, None);
        for (retry, nominal) in [(0u32, 500u64), (1, 1000), (2, 2000)] {
            let d = policy().backoff(retry, &e, &mut rng).as_millis() as u64;
            assert!(
                (nominal * 8 / 10..=nominal * 12 / 10).contains(&d),
                "retry {retry}: {d} ms"
            );
        }
        assert_eq!(policy().backoff(9, &e, &mut rng), Duration::from_secs(5));
    }

    #[test]
    fn retry_after_wins_up_to_the_maximum() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let p = policy();
        assert_eq!(
            p.backoff(0, &status(429, Some("2")), &mut rng),
            Duration::from_secs(2)
        );
        assert_eq!(
            p.backoff(0, &status(429, Some("120")), &mut rng),
            Duration::from_secs(5)
        );
        // Unparseable: the exponential backoff applies.
        assert!(p.backoff(0, &status(429, Some("soon")), &mut rng) < Duration::from_secs(1));
    }

    #[test]
    fn only_transient_failures_are_retried() {
        for code in [429, 500, 502, 503, 504] {
            assert!(retryable(&status(code, None)), "{code}");
        }
        for code in [400, 401, 403, 404, 422, 501] {
            assert!(!retryable(&status(code, None)), "{code}");
        }
        assert!(retryable(&ProviderError::Connect("refused".into())));
        assert!(!retryable(&ProviderError::Unsupported("no".into())));
    }
}
