//! Budget alerts reach `[governance] alert_webhook_url` from the background, once per
//! crossing, and a receiver that fails at first gets the alert again.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http::Method;
use serde_json::json;

use crate::support::client::call;
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_completion_with_usage, MockUpstream, Reply};

const KEY: &str = "sk-bf-alerts0123456789abcdefghijklmnopqrstuvw";

#[tokio::test]
async fn a_crossed_threshold_is_posted_once_and_retried_until_delivered() {
    let up = MockUpstream::always(Reply::json(chat_completion_with_usage("m", "hi", 3, 2))).await;
    // The receiver fails its first delivery.
    let calls = AtomicUsize::new(0);
    let receiver = MockUpstream::start(move |_| {
        if calls.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::error(503, "not yet")
        } else {
            Reply::json(json!({}))
        }
    })
    .await;
    // Each request costs $5 ($1 per token, 3 + 2 tokens) of a $100 budget: the first
    // crosses 4%, the second crosses nothing, the third crosses 12%.
    let config = format!(
        r#"
[providers.up]
type = "openai-compatible"
base_url = "{}"
[[providers.up.keys]]
name = "k"
value = "sk-up"
[pricing."up/m"]
input_per_mtok = 1000000
output_per_mtok = 1000000
[governance]
alert_webhook_url = "{}/alerts"
[governance.virtual_keys.ci]
value = "{KEY}"
budget = {{ max_limit = 100, reset_duration = "1d", alert_thresholds = [0.04, 0.12] }}
"#,
        up.base_url(),
        receiver.root_url()
    );
    let gw = Gateway::start(&config).await;
    for _ in 0..3 {
        let body = json!({"model": "up/m", "max_tokens": 2, "messages": [{"role": "user", "content": "hi"}]});
        let r = call(
            Method::POST,
            &gw.url("/v1/chat/completions"),
            &[("content-type", "application/json"), ("x-bf-vk", KEY)],
            serde_json::to_vec(&body).unwrap(),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let seen = receiver.wait_for_requests(3, Duration::from_secs(30)).await;
    assert_eq!(
        seen.len(),
        3,
        "one failed delivery, its retry, the second crossing"
    );
    assert_eq!(seen[0].path, "/alerts");
    assert_eq!(seen[0].body, seen[1].body, "the retry sends the same alert");
    let alert = &seen[1].body;
    assert_eq!(alert["level"], "virtual_key");
    assert_eq!(alert["name"], "ci");
    assert_eq!(alert["threshold"], 0.04);
    assert_eq!(alert["spend"], 5.0);
    assert_eq!(alert["limit"], 100.0);
    assert_eq!(alert["window"], "1d");
    assert!(
        alert["resets_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{alert}"
    );
    // Alerts go out in order, so the second request sent none (no duplicate 4%).
    assert_eq!(seen[2].body["threshold"], 0.12);
    assert_eq!(seen[2].body["spend"], 15.0);
}
