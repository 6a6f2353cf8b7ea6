//! How a provider's keys are judged healthy: cooldowns, circuit breakers and adaptive
//! weights (`[providers.NAME.health]`). The defaults suit production: a key is parked
//! after a 429 or an auth error, a breaker opens after 5 failures in a row or a
//! majority of failures over a minute, and traffic drains from failing or slow keys.

use serde::{Deserialize, Serialize};

/// Health settings of one provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HealthConfig {
    /// Scale each key's weight by its observed error rate and latency; unset, the
    /// provider follows `[client] adaptive_balancing` (this one wins when set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adaptive_balancing: Option<bool>,
    /// Seconds a key is parked after a 429 or an auth error without `Retry-After`.
    pub cooldown_secs: u64,
    /// Consecutive failures that open a breaker.
    pub breaker_failures: u32,
    /// Error rate (0-1] over the window that opens a breaker.
    pub breaker_error_rate: f64,
    /// Requests the window must hold before its error rate can open a breaker.
    pub breaker_min_requests: u32,
    /// Time constant of the error-rate window, in seconds (older outcomes fade).
    pub breaker_window_secs: u64,
    /// Seconds a breaker stays open before one probe is let through.
    pub breaker_open_secs: u64,
}

impl Default for HealthConfig {
    fn default() -> Self {
        HealthConfig {
            adaptive_balancing: None,
            cooldown_secs: 30,
            breaker_failures: 5,
            breaker_error_rate: 0.5,
            breaker_min_requests: 20,
            breaker_window_secs: 60,
            breaker_open_secs: 30,
        }
    }
}

impl HealthConfig {
    /// What is wrong with the settings, one sentence per problem.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, value) in [
            ("breaker_failures", u64::from(self.breaker_failures)),
            ("breaker_window_secs", self.breaker_window_secs),
            ("breaker_open_secs", self.breaker_open_secs),
        ] {
            if value == 0 {
                out.push(format!("health.{name} must be at least 1"));
            }
        }
        if !(self.breaker_error_rate > 0.0 && self.breaker_error_rate <= 1.0) {
            out.push(format!(
                "health.breaker_error_rate must be above 0 and at most 1, not {}",
                self.breaker_error_rate
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_are_named() {
        assert!(HealthConfig::default().problems().is_empty());
        let bad = HealthConfig {
            breaker_failures: 0,
            breaker_error_rate: 1.5,
            ..HealthConfig::default()
        };
        let problems = bad.problems().join("; ");
        assert!(problems.contains("health.breaker_failures"), "{problems}");
        assert!(problems.contains("health.breaker_error_rate"), "{problems}");
    }
}
