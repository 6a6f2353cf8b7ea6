//! Fault injection over real sockets: body fallbacks, retries with backoff on an
//! injected clock, key cooldowns and breakers, and streams that fail before or after
//! their first chunk. Each test states the client-visible outcome and the number of
//! upstream attempts.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bifrost::admin::Governance;
use bifrost::routing::ManualClock;
use serde_json::{json, Value};

use crate::support::client::{post, send};
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_completion, chat_stream_events, Gate, MockUpstream, Reply};

/// Providers `a` and `b` (openai-compatible, one key each) with `extra` appended.
fn two_providers(a: &str, b: &str, extra: &str) -> String {
    format!(
        r#"
[providers.a]
type = "openai-compatible"
base_url = "{a}"
[[providers.a.keys]]
name = "ka"
value = "sk-a"
[providers.b]
type = "openai-compatible"
base_url = "{b}"
[[providers.b.keys]]
name = "kb"
value = "sk-b"
{extra}
"#
    )
}

fn chat(fallbacks: Value) -> Value {
    json!({"model": "a/m", "messages": [{"role": "user", "content": "x"}], "fallbacks": fallbacks})
}

fn header<'a>(resp: &'a crate::support::client::Answer, name: &str) -> &'a str {
    resp.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A mock that answers `first` to the first `n` requests, then `then`.
async fn flaky(n: usize, first: Reply, then: Reply) -> MockUpstream {
    let seen = AtomicUsize::new(0);
    MockUpstream::start(move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) < n {
            first.clone()
        } else {
            then.clone()
        }
    })
    .await
}

#[tokio::test]
async fn a_body_fallback_answers_when_the_primary_fails_and_says_so() {
    let a = MockUpstream::always(Reply::error(500, "down")).await;
    let b = MockUpstream::always(Reply::json(chat_completion("m2", "from b"))).await;
    let gw = Gateway::start(&two_providers(&a.base_url(), &b.base_url(), "")).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat(json!(["b/m2"]))).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let body = resp.json();
    assert_eq!(body["choices"][0]["message"]["content"], "from b");
    assert_eq!(body["extra_fields"]["provider"], "b");
    assert_eq!(body["extra_fields"]["model_resolved"], "m2");
    assert_eq!(body["extra_fields"]["key_name"], "kb");
    assert_eq!(body["extra_fields"]["fallback_index"], 1);
    assert_eq!(body["extra_fields"]["retries"], 0);
    assert_eq!(header(&resp, "x-bf-provider"), "b");
    assert_eq!(header(&resp, "x-bf-fallback-index"), "1");
    assert_eq!(header(&resp, "x-bf-retries"), "0");
    assert_eq!((a.request_count(), b.request_count()), (1, 1));
    // The fallback got its own model, and no upstream ever sees `fallbacks`.
    let sent = &b.requests()[0].body;
    assert_eq!(sent["model"], "m2");
    for r in a.requests().iter().chain(b.requests().iter()) {
        let sent = &r.body;
        assert!(sent.get("fallbacks").is_none(), "{sent}");
    }
}

#[tokio::test]
async fn a_served_primary_reports_index_zero() {
    let a = MockUpstream::always(Reply::json(chat_completion("m", "from a"))).await;
    let b = MockUpstream::always(Reply::json(chat_completion("m", "from b"))).await;
    let gw = Gateway::start(&two_providers(&a.base_url(), &b.base_url(), "")).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat(json!(["b/m"]))).await;
    assert_eq!(resp.status, 200);
    assert_eq!(header(&resp, "x-bf-provider"), "a");
    assert_eq!(header(&resp, "x-bf-fallback-index"), "0");
    assert_eq!(b.request_count(), 0);
}

#[tokio::test]
async fn a_fallback_that_leads_nowhere_is_a_400_naming_it_before_any_call() {
    let a = MockUpstream::always(Reply::json(chat_completion("m", "ok"))).await;
    // Keys that list their models: no catch-all takes an unknown name.
    let config = two_providers(&a.base_url(), &a.base_url(), "")
        .replace("value = \"sk-b\"", "value = \"sk-b\"\nmodels = [\"m\"]")
        .replace("value = \"sk-a\"", "value = \"sk-a\"\nmodels = [\"m\"]");
    let gw = Gateway::start(&config).await;
    for (fallbacks, named) in [
        (json!(["b/m", "nowhere/x"]), "fallbacks[1]"),
        (json!("b/m"), "`fallbacks` must be a list"),
        (json!([3]), "fallbacks[0]"),
    ] {
        let resp = post(&gw.url("/v1/chat/completions"), &chat(fallbacks)).await;
        assert_eq!(resp.status, 400, "{}", resp.text());
        assert!(resp.error_message().contains(named), "{}", resp.text());
        assert_eq!(resp.json()["error"]["param"], "fallbacks");
    }
    assert_eq!(a.request_count(), 0);
}

#[tokio::test]
async fn when_every_target_fails_the_primary_error_lists_every_attempt() {
    let a = MockUpstream::always(Reply::error(503, "a is overloaded")).await;
    let b = MockUpstream::always(Reply::error(500, "b broke")).await;
    let gw = Gateway::start(&two_providers(&a.base_url(), &b.base_url(), "")).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat(json!(["b/m"]))).await;
    assert_eq!(resp.status, 502, "{}", resp.text());
    let msg = resp.error_message();
    assert!(msg.starts_with("provider `a`"), "{msg}");
    assert!(
        msg.contains("a is overloaded") && msg.contains("b broke"),
        "{msg}"
    );
    assert!(msg.contains("2 in all"), "{msg}");
}

#[tokio::test]
async fn a_client_error_is_neither_retried_nor_failed_over() {
    let a = MockUpstream::always(Reply::error(400, "max_tokens is too large")).await;
    let b = MockUpstream::always(Reply::json(chat_completion("m", "ok"))).await;
    let extra = "[providers.a.network]\nmax_retries = 3\nretry_backoff_initial_ms = 1";
    let gw = Gateway::start(&two_providers(&a.base_url(), &b.base_url(), extra)).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat(json!(["b/m"]))).await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert_eq!((a.request_count(), b.request_count()), (1, 0));
}

#[tokio::test]
async fn a_429_is_retried_after_its_retry_after_on_the_injected_clock() {
    let a = flaky(
        1,
        Reply::Json {
            status: 429,
            body: json!({"error": {"message": "slow down"}}),
            headers: vec![("retry-after".into(), "3".into())],
        },
        Reply::json(chat_completion("m", "ok")),
    )
    .await;
    let extra = "[providers.a.network]\nmax_retries = 2";
    let gw = Gateway::start(&two_providers(&a.base_url(), &a.base_url(), extra)).await;
    let clock = Arc::new(ManualClock::default());
    gw.state.router().set_clock(clock.clone());
    let resp = post(&gw.url("/v1/chat/completions"), &chat(json!([]))).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(clock.sleeps(), [Duration::from_secs(3)]);
    assert_eq!(header(&resp, "x-bf-retries"), "1");
    assert_eq!(resp.json()["extra_fields"]["retries"], 1);
    assert_eq!(a.request_count(), 2);
}

#[tokio::test]
async fn retries_back_off_exponentially_and_stop_at_max_retries() {
    let a = MockUpstream::always(Reply::error(502, "bad gateway")).await;
    let extra = "[providers.a.network]\nmax_retries = 3\nretry_backoff_initial_ms = 100\nretry_backoff_max_ms = 250";
    let gw = Gateway::start(&two_providers(&a.base_url(), &a.base_url(), extra)).await;
    let clock = Arc::new(ManualClock::default());
    gw.state.router().set_clock(clock.clone());
    let resp = post(&gw.url("/v1/chat/completions"), &chat(json!([]))).await;
    assert_eq!(resp.status, 502);
    assert_eq!(a.request_count(), 4, "the first attempt and three retries");
    let sleeps: Vec<u128> = clock.sleeps().iter().map(Duration::as_millis).collect();
    assert_eq!(sleeps.len(), 3);
    assert!((80..=120).contains(&sleeps[0]), "{sleeps:?}");
    assert!((160..=240).contains(&sleeps[1]), "{sleeps:?}");
    assert_eq!(sleeps[2], 250, "capped: {sleeps:?}");
}

#[tokio::test]
async fn a_reset_mid_exchange_is_retried() {
    let a = flaky(
        1,
        Reply::CloseConnection,
        Reply::json(chat_completion("m", "second try")),
    )
    .await;
    let extra = "[providers.a.network]\nmax_retries = 1";
    let gw = Gateway::start(&two_providers(&a.base_url(), &a.base_url(), extra)).await;
    gw.state
        .router()
        .set_clock(Arc::new(ManualClock::default()));
    let resp = post(&gw.url("/v1/chat/completions"), &chat(json!([]))).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        resp.json()["choices"][0]["message"]["content"],
        "second try"
    );
    assert_eq!(a.request_count(), 2);
}

#[tokio::test]
async fn a_refused_connection_falls_over_to_the_next_target() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/v1", l.local_addr().unwrap())
    };
    let b = MockUpstream::always(Reply::json(chat_completion("m", "from b"))).await;
    let gw = Gateway::start(&two_providers(&closed, &b.base_url(), "")).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat(json!(["b/m"]))).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(header(&resp, "x-bf-provider"), "b");
    assert_eq!(b.request_count(), 1);
}

#[tokio::test]
async fn a_first_byte_past_the_timeout_falls_over() {
    let never = Gate::new();
    let a = MockUpstream::always(Reply::json(chat_completion("m", "late")).held(&never)).await;
    let b = MockUpstream::always(Reply::json(chat_completion("m", "from b"))).await;
    let extra = "[providers.a.network]\nfirst_byte_timeout_secs = 1";
    let gw = Gateway::start(&two_providers(&a.base_url(), &b.base_url(), extra)).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat(json!(["b/m"]))).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.json()["choices"][0]["message"]["content"], "from b");
    assert_eq!((a.request_count(), b.request_count()), (1, 1));
}

fn stream_chat(model: &str, fallbacks: Value) -> Value {
    json!({"model": model, "stream": true, "fallbacks": fallbacks,
        "messages": [{"role": "user", "content": "x"}]})
}

fn cut_stream(after: usize) -> Reply {
    Reply::Stream {
        events: chat_stream_events("m", &["one ", "two ", "three ", "four"]),
        gap: Duration::ZERO,
        done: true,
        hold_after_first: None,
        drop_after: Some(after),
    }
}

#[tokio::test]
async fn a_stream_that_dies_before_its_first_chunk_falls_over_unseen() {
    let a = MockUpstream::always(cut_stream(0)).await;
    let b = MockUpstream::always(Reply::stream(chat_stream_events("m", &["from ", "b"]))).await;
    let gw = Gateway::start(&two_providers(&a.base_url(), &b.base_url(), "")).await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &stream_chat("a/m", json!(["b/m"])),
    )
    .await;
    assert_eq!(resp.status, 200);
    assert_eq!(header(&resp, "x-bf-provider"), "b");
    assert_eq!(header(&resp, "x-bf-fallback-index"), "1");
    let text = resp.text();
    assert!(
        text.contains("from ") && text.trim_end().ends_with("data: [DONE]"),
        "{text}"
    );
    assert!(!text.contains("error"), "{text}");
    assert_eq!((a.request_count(), b.request_count()), (1, 1));
}

#[tokio::test]
async fn a_stream_cut_after_chunks_ends_with_an_openai_error_event_never_done() {
    let a = MockUpstream::always(cut_stream(2)).await;
    let b = MockUpstream::always(Reply::stream(chat_stream_events("m", &["b"]))).await;
    let gw = Gateway::start(&two_providers(&a.base_url(), &b.base_url(), "")).await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &stream_chat("a/m", json!(["b/m"])),
    )
    .await;
    assert_eq!(resp.status, 200);
    let text = resp.text();
    let events: Vec<&str> = text.split("\n\n").filter(|e| !e.is_empty()).collect();
    let last = events.last().copied().unwrap_or_default();
    assert!(last.contains("\"error\""), "last event: {last}\n{text}");
    assert!(!text.contains("[DONE]"), "{text}");
    assert!(
        text.contains("one "),
        "the chunks before the cut went out: {text}"
    );
    // Content already reached the client: no fallback may splice another answer in.
    assert_eq!(b.request_count(), 0);
}

#[tokio::test]
async fn a_stream_cut_on_the_anthropic_route_ends_with_an_error_event_never_message_stop() {
    let a = MockUpstream::always(cut_stream(2)).await;
    let gw = Gateway::start(&two_providers(&a.base_url(), &a.base_url(), "")).await;
    let body = json!({"model": "a/m", "max_tokens": 50, "stream": true,
        "messages": [{"role": "user", "content": "x"}]});
    let resp = post(&gw.url("/anthropic/v1/messages"), &body).await;
    assert_eq!(resp.status, 200);
    let text = resp.text();
    assert!(text.contains("event: error"), "{text}");
    assert!(!text.contains("message_stop"), "{text}");
    assert!(
        text.trim_end()
            .lines()
            .rev()
            .nth(1)
            .is_some_and(|l| l == "event: error"),
        "{text}"
    );
}

#[tokio::test]
async fn the_anthropic_route_takes_fallbacks_from_its_body() {
    let a = MockUpstream::always(Reply::error(503, "down")).await;
    let b = MockUpstream::always(Reply::json(chat_completion("m", "from b"))).await;
    let gw = Gateway::start(&two_providers(&a.base_url(), &b.base_url(), "")).await;
    let body = json!({"model": "a/m", "max_tokens": 50, "fallbacks": ["b/m"],
        "messages": [{"role": "user", "content": "x"}]});
    let resp = post(&gw.url("/anthropic/v1/messages"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.json()["content"][0]["text"], "from b");
    assert_eq!(header(&resp, "x-bf-provider"), "b");
    let sent = &b.requests()[0].body;
    assert!(sent.get("fallbacks").is_none(), "{sent}");
}

fn keyed(base_url: &str) -> String {
    format!(
        r#"
[providers.up]
type = "openai-compatible"
base_url = "{base_url}"
[[providers.up.keys]]
name = "throttled"
value = "sk-throttled"
weight = 1000.0
[[providers.up.keys]]
name = "good"
value = "sk-good"
weight = 0.001
"#
    )
}

#[tokio::test]
async fn a_throttled_key_is_parked_for_its_retry_after_and_comes_back() {
    let up = MockUpstream::start(|r| match r.bearer() {
        Some("sk-good") => Reply::json(chat_completion("m", "ok")),
        _ => Reply::Json {
            status: 429,
            body: json!({"error": {"message": "quota"}}),
            headers: vec![("retry-after".into(), "60".into())],
        },
    })
    .await;
    let gw = Gateway::start(&keyed(&up.base_url())).await;
    let clock = Arc::new(ManualClock::default());
    gw.state.router().set_clock(clock.clone());
    let req = json!({"model": "up/m", "messages": [{"role": "user", "content": "x"}]});
    let throttled = || {
        up.requests()
            .iter()
            .filter(|r| r.bearer() == Some("sk-throttled"))
            .count()
    };
    for _ in 0..5 {
        let resp = post(&gw.url("/v1/chat/completions"), &req).await;
        assert_eq!(resp.status, 200, "{}", resp.text());
    }
    // Heavy as it is, the throttled key was asked once, then parked.
    assert_eq!(throttled(), 1);
    clock.advance(Duration::from_secs(61));
    post(&gw.url("/v1/chat/completions"), &req).await;
    assert_eq!(throttled(), 2, "back after its Retry-After");
}

#[tokio::test]
async fn an_open_provider_breaker_sends_traffic_straight_to_the_fallback() {
    let a = MockUpstream::always(Reply::error(500, "down")).await;
    let b = MockUpstream::always(Reply::json(chat_completion("m", "from b"))).await;
    let extra = "[providers.a.health]\nbreaker_failures = 3\nbreaker_open_secs = 30";
    let gw = Gateway::start(&two_providers(&a.base_url(), &b.base_url(), extra)).await;
    let clock = Arc::new(ManualClock::default());
    gw.state.router().set_clock(clock.clone());
    for _ in 0..6 {
        let resp = post(&gw.url("/v1/chat/completions"), &chat(json!(["b/m"]))).await;
        assert_eq!(resp.status, 200, "{}", resp.text());
    }
    assert_eq!(a.request_count(), 3, "open after three failures");
    assert_eq!(b.request_count(), 6);
    // After the open period one probe goes to `a`.
    clock.advance(Duration::from_secs(30));
    post(&gw.url("/v1/chat/completions"), &chat(json!(["b/m"]))).await;
    assert_eq!(a.request_count(), 4);
}

#[tokio::test]
async fn a_stream_request_to_the_gateway_is_answered_without_waiting_for_the_whole_upstream() {
    // The first chunk gates the answer: held after it, the client still gets it.
    let go = Arc::new(tokio::sync::Notify::new());
    let a = MockUpstream::always(Reply::Stream {
        events: chat_stream_events("m", &["first ", "rest"]),
        gap: Duration::ZERO,
        done: true,
        hold_after_first: Some(go.clone()),
        drop_after: None,
    })
    .await;
    let gw = Gateway::start(&two_providers(&a.base_url(), &a.base_url(), "")).await;
    let resp = send(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&stream_chat("a/m", json!([]))).unwrap(),
    )
    .await;
    let mut events = crate::support::client::Events::new(resp);
    let first = events.next().await.unwrap_or_default();
    assert!(first.contains("role") || first.contains("first"), "{first}");
    go.notify_one();
    let rest = events.rest().await.join("\n");
    assert!(rest.contains("[DONE]"), "{rest}");
}

#[tokio::test]
async fn a_virtual_keys_other_providers_are_its_fallbacks() {
    let a = MockUpstream::always(Reply::error(500, "down")).await;
    let b = MockUpstream::always(Reply::json(chat_completion("m", "from b"))).await;
    let gw = Gateway::start(&two_providers(&a.base_url(), &b.base_url(), "")).await;
    let vk = gw
        .state
        .governance()
        .create(
            bifrost::admin::Kind::VirtualKey,
            json!({"name": "app", "provider_configs": [
                {"provider": "a", "weight": 1000.0}, {"provider": "b", "weight": 0.001}]}),
        )
        .await
        .unwrap();
    let value = vk["value"].as_str().unwrap().to_string();
    let body = json!({"model": "m", "messages": [{"role": "user", "content": "x"}]});
    let resp = crate::support::client::call(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json"), ("x-bf-vk", &value)],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(header(&resp, "x-bf-provider"), "b");
    // `a` weighs a million times more: it went first but for a one-in-a-million draw.
    assert_eq!(header(&resp, "x-bf-fallback-index"), "1");
    assert_eq!((a.request_count(), b.request_count()), (1, 1));
}

#[tokio::test]
async fn a_fallback_on_another_provider_type_gets_its_own_model() {
    let a = MockUpstream::always(Reply::error(502, "down")).await;
    let config = format!(
        "{}\n[providers.local]\ntype = \"mock\"\n[providers.local.mock]\nreply = \"mocked\"\n",
        two_providers(&a.base_url(), &a.base_url(), "")
    );
    let gw = Gateway::start(&config).await;
    for stream in [false, true] {
        let mut body = chat(json!(["local/demo-model"]));
        body["stream"] = json!(stream);
        let resp = post(&gw.url("/v1/chat/completions"), &body).await;
        assert_eq!(resp.status, 200, "{}", resp.text());
        assert_eq!(header(&resp, "x-bf-provider"), "local");
        let text = resp.text();
        let complete = if stream {
            text.trim_end().ends_with("data: [DONE]")
        } else {
            text.contains("mocked")
        };
        assert!(complete && text.contains("demo-model"), "{text}");
    }
}
