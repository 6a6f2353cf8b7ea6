//! The live health of a provider and its keys, as `GET /api/providers/{name}/health`
//! and `bifrost provider health` show it. Health lives in the running server's
//! routing state, so a CLI on a stopped server has none to show.

use serde::{Deserialize, Serialize};

use super::AdminError;
use crate::routing::{BreakerState, Snapshot};

/// One provider's health.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderHealthDoc {
    /// Its name.
    pub provider: String,
    /// The provider-wide breaker.
    pub breaker: BreakerState,
    /// Failed share of its recent attempts (0-1).
    pub error_rate: f64,
    /// Whether key weights follow health.
    pub adaptive_balancing: bool,
    /// Each key, in configured order.
    pub keys: Vec<KeyHealthDoc>,
}

/// One key's health.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyHealthDoc {
    /// The key's name.
    pub name: String,
    /// Its breaker.
    pub breaker: BreakerState,
    /// Milliseconds it stays parked after a 429 or an auth error.
    pub cooldown_left_ms: u64,
    /// Failed share of its recent attempts (0-1).
    pub error_rate: f64,
    /// Median latency of its recent successful attempts.
    pub p50_latency_ms: Option<u32>,
    /// Its share of the provider's recent attempts (0-1).
    pub traffic_share: f64,
    /// Its configured weight.
    pub weight: f64,
    /// The weight selection uses now (configured, scaled by health).
    pub effective_weight: f64,
}

/// The health of provider `name` in `snapshot` at `now` (the router clock's reading).
pub fn report(snapshot: &Snapshot, now: u64, name: &str) -> Result<ProviderHealthDoc, AdminError> {
    let p = snapshot
        .provider(name)
        .ok_or_else(|| AdminError::NotFound(name.to_string()))?;
    let settings = &p.config.health;
    let effective = p.health.weights(&p.config.keys, now, settings);
    let recent: Vec<f64> = p
        .health
        .keys
        .iter()
        .map(|h| h.recent_attempts(now, settings))
        .collect();
    let total: f64 = recent.iter().sum();
    let keys = p
        .config
        .keys
        .iter()
        .zip(&p.health.keys)
        .enumerate()
        .map(|(i, (k, h))| KeyHealthDoc {
            name: k.name.clone(),
            breaker: h.breaker(now),
            cooldown_left_ms: h.cooldown_left(now).as_millis() as u64,
            error_rate: h.error_rate(now, settings),
            p50_latency_ms: h.p50_ms(),
            traffic_share: if total > 0.0 { recent[i] / total } else { 0.0 },
            weight: k.weight,
            effective_weight: effective.get(i).copied().unwrap_or(0.0),
        })
        .collect();
    Ok(ProviderHealthDoc {
        provider: p.name.clone(),
        breaker: p.health.provider.breaker(now),
        error_rate: p.health.provider.error_rate(now, settings),
        adaptive_balancing: p.health.adaptive(),
        keys,
    })
}
