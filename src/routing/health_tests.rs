use super::*;
use crate::routing::clock::{Clock, ManualClock};
use crate::routing::keys;
use rand::{Rng, SeedableRng};

fn settings() -> HealthConfig {
    HealthConfig::default()
}

const FAIL: Verdict = Verdict::Failed;
const OK: Verdict = Verdict::Healthy;
const MS: Duration = Duration::from_millis(20);

fn keys(weights: &[f64]) -> Vec<KeyConfig> {
    weights
        .iter()
        .enumerate()
        .map(|(i, w)| KeyConfig {
            weight: *w,
            ..KeyConfig::new(format!("k{i}"), crate::config::SecretValue::parse("v"))
        })
        .collect()
}

#[test]
fn a_breaker_opens_after_consecutive_failures_probes_once_and_closes_on_success() {
    let clock = ManualClock::default();
    let s = settings();
    let h = Health::default();
    for _ in 0..s.breaker_failures - 1 {
        h.record(clock.now_ms(), FAIL, MS, &s);
    }
    assert_eq!(h.breaker(clock.now_ms()), BreakerState::Closed);
    h.record(clock.now_ms(), FAIL, MS, &s);
    assert_eq!(h.breaker(clock.now_ms()), BreakerState::Open);
    assert!(!h.admit(clock.now_ms(), &s) && h.unavailable(clock.now_ms(), &s));

    clock.advance(Duration::from_secs(s.breaker_open_secs));
    assert_eq!(h.breaker(clock.now_ms()), BreakerState::HalfOpen);
    assert!(h.admit(clock.now_ms(), &s), "one probe goes");
    assert!(!h.admit(clock.now_ms(), &s), "a second waits for the probe");
    // The probe fails: open again for a full period.
    h.record(clock.now_ms(), FAIL, MS, &s);
    assert_eq!(h.breaker(clock.now_ms()), BreakerState::Open);

    clock.advance(Duration::from_secs(s.breaker_open_secs));
    assert!(h.admit(clock.now_ms(), &s));
    h.record(clock.now_ms(), OK, MS, &s);
    assert_eq!(h.breaker(clock.now_ms()), BreakerState::Closed);
    assert!(h.admit(clock.now_ms(), &s) && h.admit(clock.now_ms(), &s));
}

#[test]
fn a_lost_probe_does_not_hold_a_breaker_half_open_forever() {
    let clock = ManualClock::default();
    let s = settings();
    let h = Health::default();
    for _ in 0..s.breaker_failures {
        h.record(clock.now_ms(), FAIL, MS, &s);
    }
    clock.advance(Duration::from_secs(s.breaker_open_secs));
    assert!(h.admit(clock.now_ms(), &s));
    // Its client went away: no verdict ever comes.
    clock.advance(Duration::from_secs(s.breaker_open_secs + 1));
    assert!(h.admit(clock.now_ms(), &s));
}

#[test]
fn an_error_rate_over_the_window_opens_the_breaker_without_a_failure_streak() {
    let clock = ManualClock::default();
    let s = settings();
    let h = Health::default();
    // Alternating: never two failures in a row, but half of them fail.
    for i in 0..2 * s.breaker_min_requests {
        let v = if i % 2 == 0 { OK } else { FAIL };
        h.record(clock.now_ms(), v, MS, &s);
        clock.advance(Duration::from_millis(10));
    }
    assert_eq!(h.breaker(clock.now_ms()), BreakerState::Open);
}

#[test]
fn a_throttled_key_is_parked_for_retry_after_else_the_cooldown() {
    let clock = ManualClock::default();
    let s = settings();
    let h = Health::default();
    h.record(
        clock.now_ms(),
        Verdict::Parked(Some(Duration::from_secs(7))),
        MS,
        &s,
    );
    assert_eq!(h.cooldown_left(clock.now_ms()), Duration::from_secs(7));
    assert!(h.unavailable(clock.now_ms(), &s));
    clock.advance(Duration::from_secs(7));
    assert!(!h.unavailable(clock.now_ms(), &s));
    h.record(clock.now_ms(), Verdict::Parked(None), MS, &s);
    assert_eq!(
        h.cooldown_left(clock.now_ms()),
        Duration::from_secs(s.cooldown_secs)
    );
}

#[test]
fn a_slow_key_loses_weight_and_a_disabled_switch_keeps_the_configured_weights() {
    let clock = ManualClock::default();
    let s = settings();
    let p = ProviderHealth::new(2);
    for _ in 0..10 {
        p.keys[0].record(clock.now_ms(), OK, Duration::from_millis(100), &s);
        p.keys[1].record(clock.now_ms(), OK, Duration::from_millis(1900), &s);
    }
    let w = p.weights(&keys(&[1.0, 1.0]), clock.now_ms(), &s);
    assert!((w[0] - 1.0).abs() < 1e-9 && w[1] < 0.15, "{w:?}");
    p.set_adaptive(false);
    assert_eq!(
        p.weights(&keys(&[1.0, 2.0]), clock.now_ms(), &s),
        [1.0, 2.0]
    );
}

/// Three equal keys; key 2 fails half its requests. With adaptive balancing its share
/// of first picks falls under 10% within 300 requests, and once the fault stops (and
/// five minutes pass on the injected clock) it gets a fair share again.
#[test]
fn a_key_failing_half_its_requests_drains_and_recovers_after_the_fault() {
    let clock = ManualClock::default();
    let s = settings();
    let config = keys(&[1.0, 1.0, 1.0]);
    let p = ProviderHealth::new(3);
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let run = |n: usize, faulty: bool, rng: &mut rand::rngs::StdRng| -> f64 {
        let mut bad = 0;
        for _ in 0..n {
            let now = clock.now_ms();
            let w = p.weights(&config, now, &s);
            let mut order = keys::order(&config, &w, "m", rng);
            order.sort_by_key(|i| p.keys[*i].unavailable(now, &s));
            let pick = order[0];
            if pick == 2 {
                bad += 1;
            }
            let fails = pick == 2 && faulty && rng.gen_bool(0.5);
            p.keys[pick].record(now, if fails { FAIL } else { OK }, MS, &s);
            clock.advance(Duration::from_millis(10));
        }
        f64::from(bad) / n as f64
    };
    // Warm-up: the estimate forms.
    run(300, true, &mut rng);
    let faulty_share = run(2_000, true, &mut rng);
    assert!(faulty_share < 0.10, "share while failing: {faulty_share}");
    clock.advance(Duration::from_secs(300));
    let recovered_share = run(2_000, false, &mut rng);
    assert!(
        recovered_share > 0.25,
        "share after recovery: {recovered_share}"
    );
}
