//! The engine under load and over time: exactness with 500 racing threads, window
//! resets on a manual clock, in-flight limits, refusals at each level, persistence.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;

use super::*;

const VALUE: &str = "sk-bf-0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
const DAY_ONE: u64 = 1_796_256_000; // 2026-12-03T00:00:00Z

fn key(json: &str) -> VirtualKey {
    let mut vk: VirtualKey = serde_json::from_str(json).unwrap();
    vk.id = "k1".into();
    vk.value_hash = KeyHash::of(VALUE).to_hex();
    vk
}

fn engine(clock: Arc<ManualClock>, catalog: Catalog) -> Engine {
    let e = Engine::new(clock);
    e.apply(&catalog);
    e
}

fn cred(value: &str) -> Credential {
    Credential {
        value: value.into(),
        source: Source::VkHeader,
    }
}

fn cents(n: u64) -> Usd {
    Usd::from_nanos(n * 10_000_000)
}

/// Runs `threads` racing admit+settle; returns (admitted, total charged).
fn race(e: &Engine, threads: usize, est: Charge, actual: Charge) -> (u64, Charge) {
    let admitted = Arc::new(AtomicU64::new(0));
    let cost = Arc::new(AtomicU64::new(0));
    let tokens = Arc::new(AtomicU64::new(0));
    let start = Arc::new(std::sync::Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (e, admitted, cost, tokens, start) = (
                e.clone(),
                admitted.clone(),
                cost.clone(),
                tokens.clone(),
                start.clone(),
            );
            thread::spawn(move || {
                let key = e.authenticate(Some(&cred(VALUE))).unwrap();
                start.wait();
                if let Ok(ticket) = e.admit(&key, None, est) {
                    admitted.fetch_add(1, Ordering::SeqCst);
                    cost.fetch_add(actual.cost.nanos(), Ordering::SeqCst);
                    tokens.fetch_add(actual.tokens, Ordering::SeqCst);
                    ticket.settle(actual);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let total = Charge {
        cost: Usd::from_nanos(cost.load(Ordering::SeqCst)),
        tokens: tokens.load(Ordering::SeqCst),
    };
    (admitted.load(Ordering::SeqCst), total)
}

#[test]
fn five_hundred_racers_never_overspend_a_budget_for_one_hundred() {
    let clock = Arc::new(ManualClock::new(DAY_ONE));
    let vk = key(r#"{"name":"ci","budget":{"max_limit":1.0,"reset_duration":"1d"}}"#);
    let e = engine(
        clock,
        Catalog {
            keys: vec![vk],
            ..Catalog::default()
        },
    );
    let one = Charge {
        cost: cents(1),
        tokens: 10,
    };
    let (admitted, total) = race(&e, 500, one, one);
    assert_eq!(admitted, 100);
    assert_eq!(total.cost, cents(100));
    let usage = e.usage("k1").unwrap();
    assert_eq!(usage[0].budgets[0].spent, cents(100));
    assert_eq!(usage[0].budgets[0].reserved, Usd::ZERO);
}

#[test]
fn settling_below_the_estimate_never_passes_the_limit() {
    let clock = Arc::new(ManualClock::new(DAY_ONE));
    let vk = key(r#"{"name":"ci","budget":{"max_limit":1.0,"reset_duration":"1d"}}"#);
    let e = engine(
        clock,
        Catalog {
            keys: vec![vk],
            ..Catalog::default()
        },
    );
    let est = Charge {
        cost: cents(2),
        tokens: 0,
    };
    let actual = Charge {
        cost: cents(1),
        tokens: 0,
    };
    let (admitted, total) = race(&e, 500, est, actual);
    assert!(total.cost <= cents(100), "{total:?}");
    assert!(admitted >= 50, "{admitted}");
}

#[test]
fn five_hundred_racers_meet_request_and_token_limits_exactly() {
    let clock = Arc::new(ManualClock::new(DAY_ONE));
    let vk = key(
        r#"{"name":"ci","rate_limit":{"request_max_limit":100,"request_reset_duration":"1m"}}"#,
    );
    let e = engine(
        clock.clone(),
        Catalog {
            keys: vec![vk],
            ..Catalog::default()
        },
    );
    let (admitted, _) = race(&e, 500, Charge::default(), Charge::default());
    assert_eq!(admitted, 100);

    let vk =
        key(r#"{"name":"ci","rate_limit":{"token_max_limit":10000,"token_reset_duration":"1m"}}"#);
    let e = engine(
        clock,
        Catalog {
            keys: vec![vk],
            ..Catalog::default()
        },
    );
    let hundred = Charge {
        cost: Usd::ZERO,
        tokens: 100,
    };
    let (admitted, total) = race(&e, 500, hundred, hundred);
    assert_eq!(admitted, 100);
    assert_eq!(total.tokens, 10_000);
}

#[test]
fn windows_reset_on_the_clock_and_calendar() {
    let clock = Arc::new(ManualClock::new(DAY_ONE + 23 * 3600));
    let vk = key(
        r#"{"name":"ci","budget":{"max_limit":0.02,"reset_duration":"1d","calendar_aligned":true},
        "rate_limit":{"request_max_limit":1,"request_reset_duration":"30s"}}"#,
    );
    let e = engine(
        clock.clone(),
        Catalog {
            keys: vec![vk],
            ..Catalog::default()
        },
    );
    let k = e.authenticate(Some(&cred(VALUE))).unwrap();
    let two = Charge {
        cost: cents(2),
        tokens: 0,
    };
    e.admit(&k, None, two).unwrap().settle(two);
    clock.advance(30);
    // The request window has passed but the budget is spent until midnight UTC.
    let r = e.admit(&k, None, two).unwrap_err();
    assert_eq!((r.status, r.kind), (402, "budget_exceeded"));
    assert!(
        r.message
            .contains("resets at 2026-12-04T00:00:00Z (in 59m 30s)"),
        "{}",
        r.message
    );
    let r = e.admit(&k, None, Charge::default()).unwrap_err();
    assert_eq!(
        r.kind, "budget_exceeded",
        "nothing left refuses even a free request"
    );
    clock.set(DAY_ONE + 24 * 3600);
    e.admit(&k, None, two).unwrap().settle(two);
    let r = e.admit(&k, None, Charge::default()).unwrap_err();
    assert_eq!((r.status, r.kind), (429, "request_limited"));
    assert!(
        r.headers.contains(&("retry-after", "30".to_string())),
        "{:?}",
        r.headers
    );
    assert!(r
        .headers
        .contains(&("x-ratelimit-remaining-requests", "0".to_string())));
}

#[test]
fn a_dropped_ticket_frees_its_slot_and_bills_its_estimate() {
    let clock = Arc::new(ManualClock::new(DAY_ONE));
    let vk = key(
        r#"{"name":"ci","max_concurrent_requests":2,"budget":{"max_limit":10,"reset_duration":"1d"}}"#,
    );
    let e = engine(
        clock,
        Catalog {
            keys: vec![vk],
            ..Catalog::default()
        },
    );
    let k = e.authenticate(Some(&cred(VALUE))).unwrap();
    let one = Charge {
        cost: cents(1),
        tokens: 0,
    };
    let a = e.admit(&k, None, one).unwrap();
    let b = e.admit(&k, None, one).unwrap();
    let r = e.admit(&k, None, one).unwrap_err();
    assert_eq!((r.status, r.kind), (429, "rate_limited"));
    drop(a);
    let c = e.admit(&k, None, one).unwrap();
    b.cancel();
    c.settle(one);
    let usage = &e.usage("k1").unwrap()[0];
    assert_eq!(usage.in_flight, 0);
    assert_eq!(
        usage.budgets[0].spent,
        cents(2),
        "dropped: estimate; cancelled: nothing"
    );
}

#[test]
fn every_level_must_fit_and_the_refusal_names_it() {
    let clock = Arc::new(ManualClock::new(DAY_ONE));
    let customer: Customer = serde_json::from_str(
        r#"{"id":"c1","name":"acme","budget":{"max_limit":0.05,"reset_duration":"1M"}}"#,
    )
    .unwrap();
    let team: Team = serde_json::from_str(r#"{"id":"t1","name":"eng","customer_id":"c1","budget":{"max_limit":0.03,"reset_duration":"1w"}}"#).unwrap();
    let vk = key(
        r#"{"name":"ci","team_id":"t1","provider_configs":[{"provider":"openai","budget":{"max_limit":0.01,"reset_duration":"1h"}},{"provider":"azure"}]}"#,
    );
    let e = engine(
        clock,
        Catalog {
            keys: vec![vk],
            teams: vec![team],
            customers: vec![customer],
        },
    );
    let k = e.authenticate(Some(&cred(VALUE))).unwrap();
    let one = Charge {
        cost: cents(1),
        tokens: 0,
    };
    e.admit(&k, Some("openai"), one).unwrap().settle(one);
    let r = e.admit(&k, Some("openai"), one).unwrap_err();
    assert!(
        r.message
            .contains("budget exceeded for provider `openai` of virtual key `ci`"),
        "{}",
        r.message
    );
    e.admit(&k, Some("azure"), one).unwrap().settle(one);
    e.admit(&k, Some("azure"), one).unwrap().settle(one);
    let r = e.admit(&k, Some("azure"), one).unwrap_err();
    assert!(
        r.message
            .contains("budget exceeded for team `eng`: spent $0.03 of $0.03 per 1w"),
        "{}",
        r.message
    );
    // All or nothing: the refused request reserved nothing at the customer.
    let usage = e.usage("k1").unwrap();
    let customer = usage.iter().find(|u| u.level == "customer").unwrap();
    assert_eq!(
        (customer.budgets[0].spent, customer.budgets[0].reserved),
        (cents(3), Usd::ZERO)
    );
}

#[test]
fn authentication_refusals_explain_themselves() {
    let clock = Arc::new(ManualClock::new(DAY_ONE));
    let mut off = key(r#"{"name":"off","is_active":false}"#);
    off.id = "k2".into();
    off.value_hash = KeyHash::of("sk-bf-off-off-off-off-off").to_hex();
    let old = key(r#"{"name":"old","expires_at":"2026-12-01T00:00:00Z"}"#);
    let e = engine(
        clock,
        Catalog {
            keys: vec![old, off],
            ..Catalog::default()
        },
    );
    assert_eq!(e.authenticate(None).unwrap_err().status, 401);
    let r = e
        .authenticate(Some(&cred("sk-bf-nope-nope-nope-WXYZ")))
        .unwrap_err();
    assert_eq!((r.status, r.kind), (401, "virtual_key_not_found"));
    assert!(
        r.message
            .starts_with("virtual key sk-b…WXYZ does not exist"),
        "{}",
        r.message
    );
    let r = e
        .authenticate(Some(&cred("sk-bf-off-off-off-off-off")))
        .unwrap_err();
    assert_eq!((r.status, r.kind), (403, "virtual_key_blocked"));
    assert!(r.message.contains("bifrost vk enable off"), "{}", r.message);
    let r = e.authenticate(Some(&cred(VALUE))).unwrap_err();
    assert_eq!((r.status, r.kind), (403, "virtual_key_expired"));
    assert!(
        r.message.contains("expired at 2026-12-01T00:00:00Z"),
        "{}",
        r.message
    );
}

#[test]
fn a_key_of_a_deleted_team_is_refused_clearly() {
    let clock = Arc::new(ManualClock::new(DAY_ONE));
    let vk = key(r#"{"name":"ci","team_id":"gone"}"#);
    let e = engine(
        clock,
        Catalog {
            keys: vec![vk],
            ..Catalog::default()
        },
    );
    let r = e.authenticate(Some(&cred(VALUE))).unwrap_err();
    assert_eq!(r.status, 403);
    assert!(
        r.message
            .contains("belongs to team `gone`, which no longer exists"),
        "{}",
        r.message
    );
}

#[test]
fn counters_survive_a_restart_without_double_counting() {
    let clock = Arc::new(ManualClock::new(DAY_ONE));
    let vk = key(
        r#"{"name":"ci","budget":{"max_limit":1,"reset_duration":"1d"},"rate_limit":{"request_max_limit":10,"request_reset_duration":"1h"}}"#,
    );
    let catalog = Catalog {
        keys: vec![vk],
        ..Catalog::default()
    };
    let e = engine(clock.clone(), catalog.clone());
    let k = e.authenticate(Some(&cred(VALUE))).unwrap();
    let one = Charge {
        cost: cents(30),
        tokens: 0,
    };
    e.admit(&k, None, one).unwrap().settle(one);
    let records = e.snapshot();
    let records: Vec<UsageRecord> =
        serde_json::from_str(&serde_json::to_string(&records).unwrap()).unwrap();
    let restarted = engine(clock.clone(), catalog.clone());
    restarted.load(&records);
    restarted.load(&records); // loading twice sets, never adds
    assert_eq!(restarted.snapshot(), e.snapshot());
    let usage = &restarted.usage("k1").unwrap()[0];
    assert_eq!(usage.budgets[0].spent, cents(30));
    assert_eq!(usage.requests.as_ref().unwrap().used, 1);
    // Re-applying definitions keeps counters; a changed window starts afresh.
    restarted.apply(&catalog);
    assert_eq!(
        restarted.usage("k1").unwrap()[0].budgets[0].spent,
        cents(30)
    );
    let mut weekly = catalog;
    weekly.keys[0].budgets[0].reset_duration = "1w".parse().unwrap();
    restarted.apply(&weekly);
    assert_eq!(
        restarted.usage("k1").unwrap()[0].budgets[0].spent,
        Usd::ZERO
    );
}

#[test]
fn alerts_fire_once_per_crossing_per_window() {
    let clock = Arc::new(ManualClock::new(DAY_ONE));
    let vk = key(
        r#"{"name":"ci","budget":{"max_limit":0.10,"reset_duration":"1d","alert_thresholds":[0.5,1.0]}}"#,
    );
    let e = engine(
        clock.clone(),
        Catalog {
            keys: vec![vk],
            ..Catalog::default()
        },
    );
    let k = e.authenticate(Some(&cred(VALUE))).unwrap();
    let three = Charge {
        cost: cents(3),
        tokens: 0,
    };
    for _ in 0..3 {
        e.admit(&k, None, three).unwrap().settle(three);
    }
    let alerts = e.drain_alerts();
    assert_eq!(alerts.len(), 1);
    assert_eq!((alerts[0].threshold, alerts[0].spent), (0.5, cents(6)));
    assert!(e.drain_alerts().is_empty());
    let one = Charge {
        cost: cents(1),
        tokens: 0,
    };
    e.admit(&k, None, one).unwrap().settle(one);
    assert_eq!(e.drain_alerts()[0].threshold, 1.0);
    clock.advance(86_400);
    for _ in 0..2 {
        e.admit(&k, None, three).unwrap().settle(three);
    }
    assert_eq!(e.drain_alerts().len(), 1, "a new window alerts again");
}

#[test]
fn rate_limited_keys_get_ratelimit_headers_on_success() {
    let clock = Arc::new(ManualClock::new(DAY_ONE));
    let vk = key(
        r#"{"name":"ci","rate_limit":{"request_max_limit":5,"request_reset_duration":"1m","token_max_limit":1000,"token_reset_duration":"1m"}}"#,
    );
    let e = engine(
        clock,
        Catalog {
            keys: vec![vk],
            ..Catalog::default()
        },
    );
    let k = e.authenticate(Some(&cred(VALUE))).unwrap();
    let t = e
        .admit(
            &k,
            None,
            Charge {
                cost: Usd::ZERO,
                tokens: 100,
            },
        )
        .unwrap();
    let h = t.headers().pairs();
    let h: Vec<(&str, &str)> = h.iter().map(|(n, v)| (*n, v.as_str())).collect();
    assert_eq!(
        h,
        [
            ("x-ratelimit-limit-requests", "5"),
            ("x-ratelimit-remaining-requests", "4"),
            ("x-ratelimit-reset-requests", "60s"),
            ("x-ratelimit-limit-tokens", "1000"),
            ("x-ratelimit-remaining-tokens", "900"),
            ("x-ratelimit-reset-tokens", "60s"),
        ]
    );
}

#[test]
fn tickets_and_engines_cross_threads_and_awaits() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<Engine>();
    shareable::<Ticket>();
    shareable::<Authorized>();
}

#[test]
fn usage_lists_levels_key_first_then_providers_in_order() {
    let clock = Arc::new(ManualClock::new(DAY_ONE));
    let vk = key(
        r#"{"name":"ci","provider_configs":[{"provider":"b"},{"provider":"a"},{"provider":"c"}]}"#,
    );
    let e = engine(
        clock,
        Catalog {
            keys: vec![vk],
            ..Catalog::default()
        },
    );
    let names: Vec<String> = e.usage("k1").unwrap().into_iter().map(|u| u.name).collect();
    assert_eq!(
        names,
        [
            "virtual key `ci`",
            "provider `b` of virtual key `ci`",
            "provider `a` of virtual key `ci`",
            "provider `c` of virtual key `ci`"
        ]
    );
}

#[test]
fn five_keys_racing_never_overspend_their_shared_team() {
    let clock = Arc::new(ManualClock::new(DAY_ONE));
    let team: Team = serde_json::from_str(
        r#"{"id":"t1","name":"eng","budget":{"max_limit":1.0,"reset_duration":"1d"}}"#,
    )
    .unwrap();
    let values: Vec<String> = (0..5)
        .map(|i| format!("sk-bf-team-member-{i:02}-xxxxxxxx"))
        .collect();
    let keys = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut k = key(
                r#"{"name":"m","team_id":"t1","budget":{"max_limit":0.5,"reset_duration":"1d"}}"#,
            );
            k.id = format!("k{i}");
            k.name = format!("m{i}");
            k.value_hash = KeyHash::of(v).to_hex();
            k
        })
        .collect();
    let e = engine(
        clock,
        Catalog {
            keys,
            teams: vec![team],
            ..Catalog::default()
        },
    );
    let admitted = Arc::new(AtomicU64::new(0));
    let start = Arc::new(std::sync::Barrier::new(500));
    let one = Charge {
        cost: cents(1),
        tokens: 0,
    };
    let handles: Vec<_> = (0..500)
        .map(|i| {
            let (e, admitted, start) = (e.clone(), admitted.clone(), start.clone());
            let value = values[i % 5].clone();
            thread::spawn(move || {
                let k = e.authenticate(Some(&cred(&value))).unwrap();
                start.wait();
                if let Ok(t) = e.admit(&k, None, one) {
                    admitted.fetch_add(1, Ordering::SeqCst);
                    t.settle(one);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    // The team's $1 covers 100 requests; no key's $0.50 is the binding limit alone.
    assert_eq!(admitted.load(Ordering::SeqCst), 100);
    let per_key: Vec<Usd> = (0..5)
        .map(|i| e.usage(&format!("k{i}")).unwrap()[0].budgets[0].spent)
        .collect();
    assert_eq!(per_key.iter().fold(Usd::ZERO, |a, b| a + *b), cents(100));
    assert!(per_key.iter().all(|s| *s <= cents(50)), "{per_key:?}");
}
