//! What `stream_resume` tests share: providers `a` (an OpenAI-format mock whose stream
//! is cut after three chunks) and `b` (any type) that continues it, and readers of
//! what the continuation was asked.

use std::time::Duration;

use serde_json::{json, Value};

use super::upstream::{chat_stream_events, MockUpstream, Reply};

/// What a continuation without prefill is told after the partial answer.
pub const CONTINUE: &str =
    "Continue exactly where your previous message stopped; do not repeat anything.";

/// What the client has when `a` is cut: three chunks.
pub const PART_ONE: &str = "one two three ";

/// Providers `a` (openai-compatible) and `b` (of `b_type`) with `extra` appended.
pub fn config(a: &str, b_type: &str, b: &str, extra: &str) -> String {
    format!(
        r#"
[providers.a]
type = "openai-compatible"
base_url = "{a}"
[[providers.a.keys]]
name = "ka"
value = "sk-a"
[providers.b]
type = "{b_type}"
base_url = "{b}"
[[providers.b.keys]]
name = "kb"
value = "sk-b"
{extra}
"#
    )
}

pub const RESUME_ON: &str = "[client]\nstream_resume = true\n";

/// `a`: a stream cut after its first three chunks ([`PART_ONE`]).
pub async fn cut_primary() -> MockUpstream {
    MockUpstream::always(Reply::Stream {
        events: chat_stream_events("m", &["one ", "two ", "three ", "four"]),
        gap: Duration::ZERO,
        done: true,
        hold_after_first: None,
        drop_after: Some(3),
    })
    .await
}

/// `b` in OpenAI's format: `parts`, under another completion id and model name.
pub async fn openai_fallback(parts: &[&str]) -> MockUpstream {
    let events = chat_stream_events("m2", parts)
        .into_iter()
        .map(|e| e.replace("chatcmpl-mock0123456789", "chatcmpl-other"))
        .collect();
    MockUpstream::always(Reply::stream(events)).await
}

/// A message's text, whether its content is a string or a list of blocks.
pub fn text_of(message: &Value) -> String {
    match &message["content"] {
        Value::String(s) => s.clone(),
        Value::Array(blocks) => blocks.iter().filter_map(|b| b["text"].as_str()).collect(),
        _ => String::new(),
    }
}

/// Anthropic's stream events for an answer of `text`.
pub fn anthropic_stream(text: &str) -> Reply {
    let events = [
        json!({"type": "message_start", "message": {"id": "msg_b", "type": "message", "role": "assistant",
            "model": "claude-x", "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 12, "output_tokens": 1}}}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null},
            "usage": {"output_tokens": 2}}),
        json!({"type": "message_stop"}),
    ];
    let body: String = events
        .iter()
        .map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap()))
        .collect();
    Reply::Raw {
        status: 200,
        content_type: "text/event-stream".into(),
        body: body.into_bytes(),
    }
}

/// The JSON of each `data:` event, and whether the stream ended with `[DONE]`.
pub fn data_events(text: &str) -> (Vec<Value>, bool) {
    let data: Vec<&str> = text
        .split("\n\n")
        .filter_map(|e| e.trim().strip_prefix("data: "))
        .collect();
    let done = data.last() == Some(&"[DONE]");
    let json = data
        .iter()
        .filter(|d| **d != "[DONE]")
        .map(|d| serde_json::from_str(d).unwrap_or_else(|e| panic!("{e}: {d}")))
        .collect();
    (json, done)
}

/// The answer text of OpenAI chunks.
pub fn content(chunks: &[Value]) -> String {
    chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect()
}

/// Anthropic's stream events for `parts`, as `data:` texts (their `type` names them).
pub fn anthropic_events(parts: &[&str]) -> Vec<String> {
    let mut events = vec![
        json!({"type": "message_start", "message": {"id": "msg_a", "type": "message", "role": "assistant",
            "model": "claude-x", "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 12, "output_tokens": 1}}}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    ];
    for p in parts {
        events.push(json!({"type": "content_block_delta", "index": 0,
            "delta": {"type": "text_delta", "text": p}}));
    }
    events.iter().map(Value::to_string).collect()
}
