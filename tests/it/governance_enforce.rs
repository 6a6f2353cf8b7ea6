//! Virtual keys on the request path: every route authenticates the key an SDK sends,
//! refusals say why in the route's own error shape, budgets and rate limits hold under
//! concurrency, and spend survives a restart.

use std::sync::Arc;

use bifrost::admin::{Governance, Kind};
use http::Method;
use serde_json::{json, Value};

use crate::support::client::{call, Answer};
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_completion_with_usage, MockUpstream, Reply};

/// One provider `up`, its model `m` priced at $1 per input and per output token, so a
/// request the mock answers (3 prompt + 2 completion tokens) costs exactly $5.
fn config(base_url: &str, client: &str) -> String {
    format!(
        r#"
[client]
{client}
[providers.up]
type = "openai-compatible"
base_url = "{base_url}"
[[providers.up.keys]]
name = "k"
value = "sk-up"
models = ["m", "other"]
[pricing."up/m"]
input_per_mtok = 1000000
output_per_mtok = 1000000
"#
    )
}

async fn upstream() -> MockUpstream {
    MockUpstream::always(Reply::json(chat_completion_with_usage("m", "hi", 3, 2))).await
}

async fn key(gw: &Gateway, body: Value) -> (String, String) {
    let vk = gw
        .state
        .governance()
        .create(Kind::VirtualKey, body)
        .await
        .unwrap();
    (
        vk["value"].as_str().unwrap().to_string(),
        vk["id"].as_str().unwrap().to_string(),
    )
}

async fn chat(gw: &Gateway, headers: &[(&str, &str)], model: &str) -> Answer {
    let mut all = vec![("content-type", "application/json")];
    all.extend_from_slice(headers);
    let body =
        json!({"model": model, "max_tokens": 2, "messages": [{"role": "user", "content": "hi"}]});
    call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &all,
        serde_json::to_vec(&body).unwrap(),
    )
    .await
}

#[tokio::test]
async fn each_sdk_header_authenticates_and_refusals_say_why() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up.base_url(), "enforce_auth_on_inference = true")).await;
    let (value, id) = key(&gw, json!({"name": "app", "allowed_models": ["up/m"]})).await;
    let bearer = format!("Bearer {value}");
    for header in [
        ("authorization", bearer.as_str()),
        ("x-bf-vk", value.as_str()),
        ("x-api-key", value.as_str()),
        ("x-goog-api-key", value.as_str()),
    ] {
        let ok = chat(&gw, &[header], "up/m").await;
        assert_eq!(ok.status, 200, "{}: {}", header.0, ok.text());
    }
    // The key never reaches the upstream.
    for r in up.requests() {
        assert_eq!(r.bearer(), Some("sk-up"));
        assert!(!format!("{:?}", r.headers).contains(&value));
    }

    let none = chat(&gw, &[], "up/m").await;
    assert_eq!(none.status, 401, "{}", none.text());
    assert!(
        none.error_message().contains("bifrost vk create"),
        "{}",
        none.text()
    );

    let unknown = chat(
        &gw,
        &[("x-bf-vk", "sk-bf-notakey0000000000000000000000000wxyz")],
        "up/m",
    )
    .await;
    assert_eq!(unknown.status, 401);
    let message = unknown.error_message();
    assert!(
        message.contains("sk-b") && message.contains("wxyz"),
        "{message}"
    );
    assert!(
        !message.contains("notakey"),
        "only the ends are shown: {message}"
    );

    let blocked = chat(&gw, &[("x-bf-vk", value.as_str())], "up/other").await;
    assert_eq!(blocked.status, 403, "{}", blocked.text());
    assert!(
        blocked.error_message().contains("up/m"),
        "lists what is allowed: {}",
        blocked.text()
    );

    gw.state
        .governance()
        .update(Kind::VirtualKey, &id, json!({"is_active": false}))
        .await
        .unwrap();
    let disabled = chat(&gw, &[("x-bf-vk", value.as_str())], "up/m").await;
    assert_eq!(disabled.status, 403, "{}", disabled.text());

    // The Anthropic route answers in Anthropic's shape.
    let body =
        json!({"model": "up/m", "max_tokens": 2, "messages": [{"role": "user", "content": "hi"}]});
    let anthropic = call(
        Method::POST,
        &gw.url("/anthropic/v1/messages"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(anthropic.status, 401);
    assert_eq!(anthropic.json()["type"], "error");
    assert_eq!(anthropic.json()["error"]["type"], "authentication_error");
}

#[tokio::test]
async fn without_enforcement_anonymous_requests_pass_and_keys_still_count() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up.base_url(), "")).await;
    assert_eq!(chat(&gw, &[], "up/m").await.status, 200);
    let (value, _) = key(
        &gw,
        json!({"name": "app", "budget": {"max_limit": 25, "reset_duration": "1d"}}),
    )
    .await;
    let first = chat(&gw, &[("x-bf-vk", value.as_str())], "up/m").await;
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(first.json()["extra_fields"]["cost"], 5.0);
    assert_eq!(
        first.headers.get("x-bf-cost").and_then(|v| v.to_str().ok()),
        Some("5.000000000")
    );
    // $5 of $25 spent; the next may need $22 more: refused, naming the budget.
    let second = chat(&gw, &[("x-bf-vk", value.as_str())], "up/m").await;
    assert_eq!(second.status, 402, "{}", second.text());
    assert_eq!(second.json()["error"]["type"], "budget_exceeded");
    assert_eq!(
        up.request_count(),
        2,
        "the refused request never went upstream"
    );
}

#[tokio::test]
async fn a_rate_limited_key_gets_429_with_retry_after_and_ratelimit_headers() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up.base_url(), "")).await;
    let (value, _) = key(
        &gw,
        json!({"name": "app", "rate_limit": {"request_max_limit": 2, "request_reset_duration": "1h"}}),
    )
    .await;
    let vk = [("x-bf-vk", value.as_str())];
    let first = chat(&gw, &vk, "up/m").await;
    assert_eq!(first.status, 200);
    let header = |name: &str| {
        (first.headers.get(name))
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    assert_eq!(header("x-ratelimit-limit-requests").as_deref(), Some("2"));
    assert_eq!(
        header("x-ratelimit-remaining-requests").as_deref(),
        Some("1")
    );
    let reset = header("x-ratelimit-reset-requests").unwrap_or_default();
    let secs = reset.strip_suffix('s').and_then(|s| s.parse::<u64>().ok());
    assert!(secs.is_some_and(|s| s <= 3600), "{reset}");
    assert_eq!(chat(&gw, &vk, "up/m").await.status, 200);
    let third = chat(&gw, &vk, "up/m").await;
    assert_eq!(third.status, 429, "{}", third.text());
    assert_eq!(third.json()["error"]["type"], "request_limited");
    assert!(
        third.headers.contains_key("retry-after"),
        "{:?}",
        third.headers
    );
}

#[tokio::test]
async fn concurrent_requests_never_overspend_a_budget() {
    let up = upstream().await;
    let gw = Arc::new(Gateway::start(&config(&up.base_url(), "")).await);
    // $100 covers 20 requests of $5 (3 + 2 tokens at $1). Each reserves more than it
    // costs (its prompt's bytes bound its tokens): the rest wait for those in flight to
    // settle instead of being refused, so the budget is used to the last request it
    // covers, and never past it.
    let (value, id) = key(
        &gw,
        json!({"name": "app", "budget": {"max_limit": 100, "reset_duration": "1d"}}),
    )
    .await;
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let gw = gw.clone();
        let value = value.clone();
        tasks.push(tokio::spawn(async move {
            chat(&gw, &[("x-bf-vk", value.as_str())], "up/m")
                .await
                .status
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap().as_u16() {
            200 => ok += 1,
            402 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    // A reservation is $22: once $80 is spent, $22 no longer fits ($85 + $22 > $100).
    assert!(ok <= 20, "{ok} admitted: the budget covers 20");
    assert!(ok * 5 > 100 - 22, "{ok} admitted: budget left unused");
    assert_eq!(up.request_count(), ok);
    let usage = gw.state.governance().usage(&id).await.unwrap();
    let text = usage.to_string();
    assert!(
        text.contains(&format!("{}", ok * 5)),
        "settled spend is what was served: {text}"
    );
}

#[tokio::test]
async fn spend_survives_a_graceful_restart() {
    let up = upstream().await;
    let toml = config(&up.base_url(), "");
    let mut gw = Gateway::start(&toml).await;
    let (value, id) = key(
        &gw,
        json!({"name": "app", "budget": {"max_limit": 25, "reset_duration": "1d"}}),
    )
    .await;
    assert_eq!(
        chat(&gw, &[("x-bf-vk", value.as_str())], "up/m")
            .await
            .status,
        200
    );
    gw.begin_shutdown().await.unwrap();
    let again = Gateway::restart(gw, &toml).await;
    let usage = again.state.governance().usage(&id).await.unwrap();
    assert!(usage.to_string().contains('5'), "{usage}");
    let refused = chat(&again, &[("x-bf-vk", value.as_str())], "up/m").await;
    assert_eq!(
        refused.status, 402,
        "the $5 spent before the restart still counts"
    );
}
