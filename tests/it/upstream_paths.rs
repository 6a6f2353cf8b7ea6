//! A client chooses the model, never the upstream endpoint (issue 14): the reported
//! reproductions against a Gemini mock upstream, over real sockets, through
//! `/v1/chat/completions` and the `/genai` drop-in route. A model that would step out
//! of `/v1beta/models/` is refused before anything is sent; one with `?` or `#` is sent
//! escaped, as one path segment, with the adapter's own query only.

use std::time::Duration;

use http::Method;
use serde_json::{json, Value};

use crate::support::client::{call, post, Answer};
use crate::support::gateway::Gateway;
use crate::support::upstream::{MockUpstream, Recorded, Reply};

const KEY: &str = "AIza-gateway-key-under-test";
const PREFIX: &str = "/v1beta/models/";

fn text_response() -> Value {
    json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "hi"}]},
            "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2}})
}

/// A Gemini upstream that answers every request, streaming ones as SSE, so a request
/// that should have been refused shows up as a recorded request rather than an error.
async fn start() -> (MockUpstream, Gateway) {
    let up = MockUpstream::start(|r: &Recorded| {
        if r.query.as_deref() == Some("alt=sse") {
            Reply::Stream {
                events: vec![text_response().to_string()],
                gap: Duration::ZERO,
                done: false,
                hold_after_first: None,
                drop_after: None,
            }
        } else {
            Reply::json(text_response())
        }
    })
    .await;
    let config = format!(
        r#"
[providers.gem]
type = "gemini"
base_url = "{}/v1beta"
[[providers.gem.keys]]
name = "k1"
value = "{KEY}"
"#,
        up.root_url()
    );
    (up, Gateway::start(&config).await)
}

fn chat(model: &str, stream: bool) -> Value {
    json!({"model": model, "stream": stream,
        "messages": [{"role": "user", "content": "Say hi"}]})
}

async fn post_genai(gw: &Gateway, path: &str) -> Answer {
    let body = json!({"contents": [{"role": "user", "parts": [{"text": "Say hi"}]}]});
    call(
        Method::POST,
        &gw.url(path),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await
}

/// A refusal: a 400 that says why, and nothing sent upstream.
fn assert_refused(answer: &Answer, up: &MockUpstream) {
    assert_eq!(answer.status, 400, "{}", answer.text());
    assert!(
        answer.text().contains("cannot be sent upstream"),
        "{}",
        answer.text()
    );
    assert_eq!(up.request_count(), 0, "{:#?}", up.requests());
}

/// Every request that carried the gateway's key went to one model's endpoint under
/// [`PREFIX`]: one segment, no dot segment, no query but the adapter's.
fn assert_key_stayed_home(up: &MockUpstream) {
    for seen in up.requests() {
        assert_eq!(seen.header("x-goog-api-key"), Some(KEY));
        let rest = seen.path.strip_prefix(PREFIX).unwrap_or_else(|| {
            panic!("the key went to {} outside {PREFIX}", seen.path);
        });
        assert!(!rest.contains('/'), "more than one segment: {}", seen.path);
        assert!(!seen.path.split('/').any(|s| s == "." || s == ".."));
        assert!(
            matches!(seen.query.as_deref(), None | Some("alt=sse")),
            "{seen:?}"
        );
    }
}

#[tokio::test]
async fn a_model_with_dot_segments_is_refused_on_chat_completions() {
    let (up, gw) = start().await;
    for stream in [false, true] {
        let answer = post(
            &gw.url("/v1/chat/completions"),
            &chat("gem/../../v1/x", stream),
        )
        .await;
        assert_refused(&answer, &up);
    }
}

#[tokio::test]
async fn a_model_with_a_query_is_sent_as_one_escaped_segment() {
    let (up, gw) = start().await;
    let answer = post(
        &gw.url("/v1/chat/completions"),
        &chat("gem/x?alt=json&y=", false),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let answer = post(
        &gw.url("/v1/chat/completions"),
        &chat("gem/x?alt=json&y=", true),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let seen = up.requests();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    assert_eq!(
        seen[0].path,
        format!("{PREFIX}x%3Falt%3Djson%26y%3D:generateContent")
    );
    assert_eq!(seen[0].query, None);
    assert_eq!(
        seen[1].path,
        format!("{PREFIX}x%3Falt%3Djson%26y%3D:streamGenerateContent")
    );
    assert_eq!(seen[1].query.as_deref(), Some("alt=sse"));
    assert_key_stayed_home(&up);
}

#[tokio::test]
async fn the_genai_route_refuses_a_path_model_that_climbs_and_escapes_one_that_queries() {
    let (up, gw) = start().await;
    let climbing = post_genai(
        &gw,
        "/genai/v1beta/models/gem%2F..%2F..%2Fetc:generateContent",
    )
    .await;
    assert_refused(&climbing, &up);

    let querying = post_genai(
        &gw,
        "/genai/v1beta/models/gem%2Fx%3Fkey%3D1%23f:generateContent",
    )
    .await;
    assert_eq!(querying.status, 200, "{}", querying.text());
    let seen = up.requests();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(
        seen[0].path,
        format!("{PREFIX}x%3Fkey%3D1%23f:generateContent")
    );
    assert_eq!(seen[0].query, None);
    assert_key_stayed_home(&up);
}
