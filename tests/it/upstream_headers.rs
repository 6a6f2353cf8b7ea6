//! Upstream response headers: huge ones must work (the reference gateway failed at
//! 4 KiB), and only request ids and rate-limit headers reach the client.

use serde_json::json;

use crate::support::client::post;
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{chat_completion, MockUpstream, Reply};

fn chat() -> serde_json::Value {
    json!({"model": "up/m", "messages": [{"role": "user", "content": "x"}]})
}

#[tokio::test]
async fn a_64_kib_header_and_200_headers_are_fine() {
    let mut headers: Vec<(String, String)> = (0..200)
        .map(|i| (format!("x-filler-{i}"), "v".repeat(20)))
        .collect();
    headers.push(("x-huge".into(), "h".repeat(64 * 1024)));
    let up = MockUpstream::always(Reply::Json {
        status: 200,
        body: chat_completion("m", "survived"),
        headers,
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat()).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.json()["choices"][0]["message"]["content"], "survived");
    assert!(!resp.headers.contains_key("x-huge"));
}

#[tokio::test]
async fn only_ids_and_rate_limits_pass_to_the_client() {
    let headers = vec![
        ("set-cookie".to_string(), "session=upstream".to_string()),
        ("access-control-allow-origin".to_string(), "*".to_string()),
        ("server".to_string(), "upstream-banner/1.0".to_string()),
        (
            "x-ratelimit-remaining-requests".to_string(),
            "41".to_string(),
        ),
        ("x-request-id".to_string(), "req_upstream_1".to_string()),
    ];
    let up = MockUpstream::always(Reply::Json {
        status: 200,
        body: chat_completion("m", "ok"),
        headers,
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat()).await;
    assert_eq!(resp.status, 200);
    assert!(!resp.headers.contains_key("set-cookie"));
    assert!(!resp.headers.contains_key("access-control-allow-origin"));
    assert_ne!(
        resp.headers.get("server").map(|v| v.to_str().unwrap()),
        Some("upstream-banner/1.0")
    );
    assert_eq!(resp.headers["x-ratelimit-remaining-requests"], "41");
    assert_eq!(resp.headers["x-upstream-request-id"], "req_upstream_1");
    assert_ne!(
        resp.headers["x-request-id"], "req_upstream_1",
        "ours is the client's id"
    );
}

#[tokio::test]
async fn html_or_garbage_from_the_upstream_is_a_clear_502() {
    let up = MockUpstream::always(Reply::Raw {
        status: 200,
        content_type: "text/html".into(),
        body: b"<html><body>Bad gateway from a CDN</body></html>".to_vec(),
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat()).await;
    assert_eq!(resp.status, 502);
    let msg = resp.error_message();
    assert!(
        msg.contains("text/html") && msg.contains("Bad gateway from a CDN"),
        "{msg}"
    );
}
