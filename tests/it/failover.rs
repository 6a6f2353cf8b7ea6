//! Key selection and failover: which upstream failures move to the next key, which end
//! the request, and what the client is told.

use std::time::Duration;

use serde_json::json;

use crate::support::client::post;
use crate::support::gateway::{one_upstream, one_upstream_with_key, Gateway};
use crate::support::upstream::{chat_completion, Gate, MockUpstream, Reply};

fn two_keys(base_url: &str) -> String {
    format!(
        r#"
[providers.up]
type = "openai-compatible"
base_url = "{base_url}"
[[providers.up.keys]]
name = "bad"
value = "sk-bad"
weight = 1000.0
[[providers.up.keys]]
name = "good"
value = "sk-good"
weight = 0.001
"#
    )
}

fn chat() -> serde_json::Value {
    json!({"model": "up/m", "messages": [{"role": "user", "content": "x"}]})
}

#[tokio::test]
async fn a_key_failing_with_401_429_or_5xx_falls_over_to_the_next() {
    for status in [401, 403, 429, 500, 503] {
        let up = MockUpstream::start(move |r| match r.bearer() {
            Some("sk-good") => Reply::json(chat_completion("m", "ok")),
            _ => Reply::error(status, "this key is broken"),
        })
        .await;
        let gw = Gateway::start(&two_keys(&up.base_url())).await;
        // The heavy weight makes the bad key first almost always; either order must succeed.
        let resp = post(&gw.url("/v1/chat/completions"), &chat()).await;
        assert_eq!(resp.status, 200, "status {status}: {}", resp.text());
        assert_eq!(resp.json()["choices"][0]["message"]["content"], "ok");
        // The bad key (weight 1000 vs 0.001) goes first but for a one-in-a-million draw.
        assert_eq!(
            up.request_count(),
            2,
            "status {status}: the bad key was tried, then the good one"
        );
    }
}

#[tokio::test]
async fn a_client_error_is_not_retried_and_keeps_its_status() {
    let up = MockUpstream::always(Reply::error(400, "max_tokens is too large")).await;
    let gw = Gateway::start(&two_keys(&up.base_url())).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat()).await;
    assert_eq!(resp.status, 400);
    assert!(
        resp.error_message().contains("max_tokens is too large"),
        "{}",
        resp.text()
    );
    assert_eq!(up.request_count(), 1, "a 400 is the same with every key");
}

#[tokio::test]
async fn every_key_failing_is_a_502_naming_each_failure() {
    let up = MockUpstream::start(|r| match r.bearer() {
        Some("sk-good") => Reply::error(503, "overloaded"),
        _ => Reply::error(401, "invalid api key"),
    })
    .await;
    let gw = Gateway::start(&two_keys(&up.base_url())).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat()).await;
    assert_eq!(resp.status, 502, "{}", resp.text());
    let msg = resp.error_message();
    assert!(
        msg.contains("401") && msg.contains("invalid api key"),
        "{msg}"
    );
    assert!(msg.contains("503") && msg.contains("overloaded"), "{msg}");
    let body = resp.json();
    assert_eq!(body["error"]["type"], "upstream_error");
    assert_eq!(body["extra_fields"]["provider"], "up");
    assert_eq!(body["extra_fields"]["model_resolved"], "m");
    assert_eq!(up.request_count(), 2);
}

#[tokio::test]
async fn all_keys_rate_limited_is_a_429_with_retry_after() {
    let up = MockUpstream::always(Reply::Json {
        status: 429,
        body: json!({"error": {"message": "slow down"}}),
        headers: vec![("retry-after".into(), "7".into())],
    })
    .await;
    let gw = Gateway::start(&two_keys(&up.base_url())).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat()).await;
    assert_eq!(resp.status, 429, "{}", resp.text());
    assert_eq!(resp.headers["retry-after"], "7");
    assert!(resp.error_message().contains("slow down"));
}

#[tokio::test]
async fn a_key_whose_env_var_is_unset_is_skipped_with_a_clear_reason() {
    let up = MockUpstream::always(Reply::json(chat_completion("m", "ok"))).await;
    let gw = Gateway::start(&one_upstream_with_key(
        &up.base_url(),
        "env.BIFROST_IT_DEFINITELY_UNSET_VAR",
    ))
    .await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat()).await;
    assert_eq!(resp.status, 502);
    assert!(
        resp.error_message()
            .contains("BIFROST_IT_DEFINITELY_UNSET_VAR"),
        "{}",
        resp.text()
    );
    assert_eq!(up.request_count(), 0);
}

#[tokio::test]
async fn keys_only_serve_the_models_they_list() {
    let up = MockUpstream::always(Reply::json(chat_completion("m", "ok"))).await;
    let cfg = format!(
        r#"
[providers.up]
type = "openai-compatible"
base_url = "{}"
[[providers.up.keys]]
name = "only-a"
value = "sk-a"
models = ["a"]
"#,
        up.base_url()
    );
    let gw = Gateway::start(&cfg).await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "up/b", "messages": [{"role": "user", "content": "x"}]}),
    )
    .await;
    assert_eq!(resp.status, 404, "{}", resp.text());
    assert!(
        resp.error_message().contains("allows model `b`"),
        "{}",
        resp.text()
    );
}

#[tokio::test]
async fn a_dead_upstream_is_a_502_and_a_slow_one_a_504() {
    let up = MockUpstream::always(Reply::CloseConnection).await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat()).await;
    assert_eq!(resp.status, 502, "{}", resp.text());

    // An upstream that takes the request and never answers: its gate stays shut. The
    // one real wait left is the timeout under test, whose unit is whole seconds.
    let never = Gate::new();
    let slow = MockUpstream::always(Reply::json(chat_completion("m", "late")).held(&never)).await;
    let cfg =
        one_upstream(&slow.base_url()) + "[providers.up.network]\nfirst_byte_timeout_secs = 1\n";
    let gw = Gateway::start(&cfg).await;
    let started = std::time::Instant::now();
    // Bounded, because the upstream never answers: without the timeout this would hang.
    let resp = tokio::time::timeout(
        Duration::from_secs(30),
        post(&gw.url("/v1/chat/completions"), &chat()),
    )
    .await
    .expect("the gateway gave up on the silent upstream");
    assert_eq!(resp.status, 504, "{}", resp.text());
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "answered before first_byte_timeout_secs ran out: {:?}",
        started.elapsed()
    );
    assert!(
        resp.error_message().contains("first_byte_timeout_secs"),
        "{}",
        resp.text()
    );
}

#[tokio::test]
async fn a_full_queue_answers_429_when_dropping_is_on() {
    // The upstream holds its answer until the test has seen the second request
    // refused, so the first one certainly occupies the only slot meanwhile.
    let release = Gate::new();
    let up = MockUpstream::always(Reply::json(chat_completion("m", "ok")).held(&release)).await;
    let cfg = one_upstream(&up.base_url())
        + "[providers.up.network]\nmax_concurrency = 1\nqueue_size = 0\n[client]\ndrop_excess_requests = true\n";
    let gw = Gateway::start(&cfg).await;
    let url = gw.url("/v1/chat/completions");
    let first = tokio::spawn({
        let url = url.clone();
        async move { post(&url, &chat()).await }
    });
    up.wait_for_requests(1, Duration::from_secs(10)).await;
    // Bounded: were the second request queued, it would wait for the held first.
    let second = tokio::time::timeout(Duration::from_secs(10), post(&url, &chat()))
        .await
        .expect("the second request was answered at once, not queued");
    assert_eq!(second.status, 429, "{}", second.text());
    assert_eq!(second.json()["error"]["code"], "queue_full");
    release.open();
    assert_eq!(first.await.unwrap().status, 200);
    assert_eq!(
        up.request_count(),
        1,
        "the refused request never went upstream"
    );
}

#[tokio::test]
async fn a_key_echoed_by_the_upstream_never_reaches_the_client() {
    let up = MockUpstream::start(|r| {
        let key = r.bearer().unwrap_or_default().to_string();
        Reply::error(
            401,
            &format!("Incorrect API key provided: {key}. Check it."),
        )
    })
    .await;
    let gw = Gateway::start(&one_upstream_with_key(
        &up.base_url(),
        "sk-live-supersecret-0123456789",
    ))
    .await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat()).await;
    assert_eq!(resp.status, 502);
    let text = resp.text();
    assert!(!text.contains("supersecret"), "{text}");
    assert!(text.contains("sk-l****6789"), "{text}");
}
