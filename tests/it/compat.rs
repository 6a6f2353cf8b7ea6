//! `[client.compat] convert_text_to_chat`: legacy completions on a chat-only provider.

use serde_json::{json, Value};

use crate::support::client::{post, send, Events};
use crate::support::gateway::Gateway;
use crate::support::upstream::{MockUpstream, Reply};

fn config(base_url: &str, convert: bool) -> String {
    format!(
        r#"
[client.compat]
convert_text_to_chat = {convert}
[providers.claude]
type = "anthropic"
base_url = "{base_url}"
[[providers.claude.keys]]
name = "k"
value = "sk-ant-test"
"#
    )
}

fn message() -> Value {
    json!({"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x",
           "content": [{"type": "text", "text": "Hello there"}], "stop_reason": "end_turn",
           "stop_sequence": null, "usage": {"input_tokens": 5, "output_tokens": 2}})
}

fn stream() -> Reply {
    let events = [
        (
            "message_start",
            json!({"type": "message_start", "message": {"id": "msg_2", "type": "message", "role": "assistant", "model": "claude-x", "content": [], "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 5, "output_tokens": 1}}}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hel"}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "lo"}}),
        ),
        (
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0}),
        ),
        (
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 2}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ];
    let body: String = events
        .iter()
        .map(|(e, d)| format!("event: {e}\ndata: {d}\n\n"))
        .collect();
    Reply::Raw {
        status: 200,
        content_type: "text/event-stream".into(),
        body: body.into_bytes(),
    }
}

#[tokio::test]
async fn a_completion_on_anthropic_is_served_by_chat_when_enabled() {
    let up = MockUpstream::always(Reply::json(message())).await;
    let gw = Gateway::start(&config(&up.base_url(), true)).await;
    let body =
        json!({"model": "claude/claude-x", "prompt": "Say hello", "max_tokens": 20, "echo": false});
    let resp = post(&gw.url("/v1/completions"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let answer = resp.json();
    assert_eq!(answer["object"], "text_completion");
    assert_eq!(answer["choices"][0]["text"], "Hello there");
    assert_eq!(answer["choices"][0]["finish_reason"], "stop");
    assert_eq!(answer["usage"]["total_tokens"], 7);
    assert_eq!(answer["extra_fields"]["request_type"], "text_completion");
    let seen = &up.requests()[0];
    assert_eq!(seen.path, "/v1/messages");
    assert_eq!(seen.body["messages"][0]["role"], "user");
    assert_eq!(seen.body["messages"][0]["content"][0]["text"], "Say hello");
    assert_eq!(seen.body["max_tokens"], 20);
}

#[tokio::test]
async fn a_streamed_completion_on_anthropic_streams_text_completion_chunks() {
    let up = MockUpstream::always(stream()).await;
    let gw = Gateway::start(&config(&up.base_url(), true)).await;
    let body = json!({"model": "claude/claude-x", "prompt": "Say hello", "max_tokens": 20, "stream": true});
    let resp = send(
        http::Method::POST,
        &gw.url("/v1/completions"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let events = Events::new(resp).rest().await;
    assert_eq!(
        events.last().map(String::as_str),
        Some("[DONE]"),
        "{events:?}"
    );
    let chunks: Vec<Value> = events[..events.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    assert!(
        chunks.iter().all(|c| c["object"] == "text_completion"),
        "{chunks:?}"
    );
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["text"].as_str())
        .collect();
    assert_eq!(text, "Hello");
}

#[tokio::test]
async fn without_the_switch_a_completion_on_anthropic_is_a_400() {
    let up = MockUpstream::always(Reply::json(message())).await;
    let gw = Gateway::start(&config(&up.base_url(), false)).await;
    let resp = post(
        &gw.url("/v1/completions"),
        &json!({"model": "claude/claude-x", "prompt": "x"}),
    )
    .await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert_eq!(up.request_count(), 0);
}
