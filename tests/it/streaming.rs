//! Streaming: chunks forwarded as they arrive, `[DONE]` only for complete streams, and
//! a well-formed error event when the upstream dies mid-stream.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::support::client::{send, Events};
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{chat_chunk, chat_stream_events, usage_chunk, MockUpstream, Reply};

fn stream_request() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "model": "up/m",
        "stream": true,
        "stream_options": {"include_usage": true},
        "messages": [{"role": "user", "content": "x"}],
    }))
    .unwrap()
}

async fn open(gw: &Gateway) -> (http::response::Parts, Events) {
    let resp = send(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json")],
        stream_request(),
    )
    .await;
    let (parts, body) = resp.into_parts();
    (
        parts.clone(),
        Events::new(http::Response::from_parts(parts, body)),
    )
}

#[tokio::test]
async fn the_first_chunk_reaches_the_client_before_the_upstream_sends_the_last() {
    let hold = Arc::new(Notify::new());
    let mut events = chat_stream_events("m", &["one ", "two ", "three"]);
    events.push(usage_chunk("m", 3, 3));
    let up = MockUpstream::always(Reply::Stream {
        events,
        gap: Duration::ZERO,
        done: true,
        hold_after_first: Some(hold.clone()),
        drop_after: None,
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let (parts, mut events) = open(&gw).await;
    assert_eq!(parts.status, 200);
    assert_eq!(parts.headers["content-type"], "text/event-stream");
    // The upstream is blocked after its first event: receiving it proves no buffering.
    let first = events.next().await.expect("first chunk");
    assert!(first.contains("chat.completion.chunk"), "{first}");
    hold.notify_one();
    let rest = events.rest().await;
    assert_eq!(rest.last().map(String::as_str), Some("[DONE]"));
    let chunks: Vec<Value> = std::iter::once(first.as_str())
        .chain(rest.iter().map(String::as_str))
        .filter(|e| *e != "[DONE]")
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "one two three");
    assert_eq!(chunks.last().unwrap()["usage"]["total_tokens"], 6);
    let sent = &up.requests()[0].body;
    assert_eq!(sent["stream"], true);
    assert_eq!(sent["stream_options"]["include_usage"], true);
}

#[tokio::test]
async fn an_upstream_dying_mid_stream_ends_with_an_error_event_not_done() {
    let up = MockUpstream::always(Reply::Stream {
        events: vec![
            chat_chunk("m", "partial "),
            chat_chunk("m", "answer"),
            chat_chunk("m", "never"),
        ],
        gap: Duration::ZERO,
        done: true,
        hold_after_first: None,
        drop_after: Some(2),
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let (_, mut events) = open(&gw).await;
    let all = events.rest().await;
    assert!(!all.iter().any(|e| e == "[DONE]"), "{all:?}");
    let last: Value = serde_json::from_str(all.last().unwrap()).unwrap();
    assert!(
        last["error"]["message"]
            .as_str()
            .unwrap()
            .contains("incomplete")
            || last["error"]["message"]
                .as_str()
                .unwrap()
                .contains("connection"),
        "{last}"
    );
    assert_eq!(all.len(), 3, "two chunks then the error: {all:?}");
}

#[tokio::test]
async fn an_invalid_chunk_ends_the_stream_with_an_error_event() {
    let up = MockUpstream::always(Reply::stream(vec![
        chat_chunk("m", "ok "),
        "{not json".to_string(),
    ]))
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let (_, mut events) = open(&gw).await;
    let all = events.rest().await;
    let last: Value = serde_json::from_str(all.last().unwrap()).unwrap();
    assert!(
        last["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not JSON"),
        "{last}"
    );
    assert!(!all.iter().any(|e| e == "[DONE]"));
}

#[tokio::test]
async fn a_stream_that_fails_before_its_first_chunk_is_a_plain_error() {
    let up = MockUpstream::always(Reply::error(500, "boom")).await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let (parts, mut events) = open(&gw).await;
    assert_eq!(parts.status, 502);
    let body = events.rest().await;
    assert!(body.is_empty(), "not an event stream: {body:?}");
}

#[tokio::test]
async fn a_silent_stream_times_out_with_an_error_event() {
    // After its first event the upstream goes silent for good: nothing releases the
    // hold. The one real wait left is the timeout under test, in whole seconds.
    let up = MockUpstream::always(Reply::Stream {
        events: vec![chat_chunk("m", "a"), chat_chunk("m", "b")],
        gap: Duration::ZERO,
        done: true,
        hold_after_first: Some(Arc::new(Notify::new())),
        drop_after: None,
    })
    .await;
    let cfg =
        one_upstream(&up.base_url()) + "[providers.up.network]\nstream_idle_timeout_secs = 1\n";
    let gw = Gateway::start(&cfg).await;
    let (_, mut events) = open(&gw).await;
    // Bounded, because the upstream never resumes: without the timeout this would hang.
    let all = tokio::time::timeout(Duration::from_secs(30), events.rest())
        .await
        .expect("the gateway ended the silent stream");
    let last: Value = serde_json::from_str(all.last().unwrap()).unwrap();
    assert!(
        last["error"]["message"]
            .as_str()
            .unwrap()
            .contains("stream_idle_timeout_secs"),
        "{last}"
    );
    assert_eq!(last["error"]["type"], "timeout_error");
}

#[tokio::test]
async fn the_mock_provider_streams_with_usage() {
    let gw = Gateway::start("[providers.mock]\ntype = \"mock\"\n").await;
    let body = serde_json::to_vec(&json!({"model": "mock/demo", "stream": true, "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "hello"}]})).unwrap();
    let resp = send(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[],
        body,
    )
    .await;
    let all = Events::new(resp).rest().await;
    assert_eq!(all.last().map(String::as_str), Some("[DONE]"));
    let usage: Value = serde_json::from_str(&all[all.len() - 2]).unwrap();
    assert!(usage["usage"]["total_tokens"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn a_key_echoed_in_a_mid_stream_error_never_reaches_the_client() {
    let up = MockUpstream::start(|r| {
        let key = r.bearer().unwrap_or_default().to_string();
        let error = json!({"error": {"message": format!("key {key} was revoked mid-stream")}});
        Reply::stream(vec![chat_chunk("m", "partial"), error.to_string()])
    })
    .await;
    let cfg = crate::support::gateway::one_upstream_with_key(
        &up.base_url(),
        "sk-live-streamsecret-987654",
    );
    let gw = Gateway::start(&cfg).await;
    let (_, mut events) = open(&gw).await;
    let all = events.rest().await;
    let last = all.last().unwrap();
    assert!(last.contains("revoked mid-stream"), "{all:?}");
    assert!(!last.contains("streamsecret"), "{last}");
    assert!(last.contains("sk-l****7654"), "{last}");
}
