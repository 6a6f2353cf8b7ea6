//! Canonical chunks -> Anthropic stream events, one chunk at a time (the reverse of the
//! `anthropic` provider's `stream`).
//!
//! Anthropic numbers content blocks and opens and closes each one explicitly, while
//! OpenAI sends loose deltas; [`AnthropicSse`] keeps the one open block and closes it
//! when a delta of another kind (or another tool call) arrives. `message_delta` needs
//! the usage, which OpenAI sends in a chunk after the one with `finish_reason`, so it
//! is written when the upstream stream ends; no content waits for it.

use bytes::Bytes;
use serde_json::{json, Value};

use super::response::{message_id, stop_reason, usage};
use crate::schema::{ChatChunk, Usage};
use crate::server::stream::{Encoder, ExtraFields};
use crate::server::ApiError;

/// One SSE event with Anthropic's `event:` line (equal to the data's `type`).
pub fn named_event(name: &str, data: &Value) -> Bytes {
    let json = serde_json::to_string(data).unwrap_or_default();
    Bytes::from(format!("event: {name}\ndata: {json}\n\n"))
}

/// The block being written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    Text,
    Thinking,
    /// A tool call, by its OpenAI index.
    Tool(u64),
}

/// The Anthropic event writer for one stream.
pub struct AnthropicSse {
    model: String,
    started: bool,
    open: Option<Open>,
    /// Index of the open block (or of the next one, when none is open).
    index: u32,
    stop_reason: Option<String>,
    usage: Option<Usage>,
    /// Goes on the closing `message_delta`.
    extra: ExtraFields,
    out: Vec<u8>,
}

impl AnthropicSse {
    /// A writer whose messages name `model` (the model the client asked for).
    pub fn new(model: &str) -> Self {
        AnthropicSse {
            model: model.to_string(),
            started: false,
            open: None,
            index: 0,
            stop_reason: None,
            usage: None,
            extra: ExtraFields::default(),
            out: Vec::new(),
        }
    }

    fn emit(&mut self, name: &str, data: Value) {
        self.out.extend_from_slice(&named_event(name, &data));
    }

    fn start(&mut self, id: &str, u: Option<&Usage>) {
        if self.started {
            return;
        }
        self.started = true;
        let message = json!({
            "id": message_id(id),
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": [],
            "stop_reason": null,
            "stop_sequence": null,
            "usage": usage(u),
        });
        self.emit(
            "message_start",
            json!({"type": "message_start", "message": message}),
        );
    }

    fn close(&mut self) {
        if self.open.take().is_some() {
            let index = self.index;
            self.emit(
                "content_block_stop",
                json!({"type": "content_block_stop", "index": index}),
            );
            self.index += 1;
        }
    }

    /// Makes `want` the open block (closing another), starting it with `block`.
    fn ensure(&mut self, want: Open, block: impl FnOnce() -> Value) {
        if self.open == Some(want) {
            return;
        }
        self.close();
        self.open = Some(want);
        let index = self.index;
        self.emit(
            "content_block_start",
            json!({"type": "content_block_start", "index": index, "content_block": block()}),
        );
    }

    fn delta(&mut self, delta: Value) {
        let index = self.index;
        self.emit(
            "content_block_delta",
            json!({"type": "content_block_delta", "index": index, "delta": delta}),
        );
    }

    fn tool_calls(&mut self, calls: &[Value]) {
        for call in calls {
            let n = call.get("index").and_then(Value::as_u64).unwrap_or(0);
            let f = call.get("function");
            self.ensure(Open::Tool(n), || {
                let id = call.get("id").and_then(Value::as_str);
                let name = f.and_then(|f| f.get("name")).and_then(Value::as_str);
                json!({
                    "type": "tool_use",
                    "id": id.map_or_else(|| format!("toolu_{}", uuid::Uuid::new_v4().simple()), str::to_string),
                    "name": name.unwrap_or(""),
                    "input": {},
                })
            });
            let args = f.and_then(|f| f.get("arguments")).and_then(Value::as_str);
            if let Some(args) = args.filter(|a| !a.is_empty()) {
                self.delta(json!({"type": "input_json_delta", "partial_json": args}));
            }
        }
    }

    /// A finished thinking block from the anthropic provider (sent once, after its
    /// text streamed as `reasoning_content`): its signature closes the open thinking
    /// block; a redacted block is written whole.
    fn thinking_blocks(&mut self, blocks: &[Value]) {
        for block in blocks {
            match block.get("type").and_then(Value::as_str) {
                Some("thinking") => {
                    self.ensure(
                        Open::Thinking,
                        || json!({"type": "thinking", "thinking": "", "signature": ""}),
                    );
                    if let Some(sig) = block.get("signature").and_then(Value::as_str) {
                        self.delta(json!({"type": "signature_delta", "signature": sig}));
                    }
                }
                Some("redacted_thinking") => {
                    self.close();
                    self.open = Some(Open::Thinking);
                    let index = self.index;
                    self.emit(
                        "content_block_start",
                        json!({"type": "content_block_start", "index": index, "content_block": block}),
                    );
                }
                _ => continue,
            }
            // The block is complete; a following thinking delta starts a new one.
            self.close();
        }
    }

    fn take(&mut self) -> Bytes {
        Bytes::from(std::mem::take(&mut self.out))
    }
}

impl Encoder<ChatChunk> for AnthropicSse {
    fn item(&mut self, chunk: &ChatChunk) -> Result<Bytes, String> {
        if chunk.usage.is_some() {
            self.usage = chunk.usage.clone();
        }
        self.extra.note(chunk);
        self.start(&chunk.id, chunk.usage.as_ref());
        // Anthropic has one answer per message; other choices (n > 1) have no place.
        for choice in chunk.choices.iter().filter(|c| c.index == 0) {
            let d = &choice.delta;
            if let Some(t) = d
                .get("reasoning_content")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
            {
                self.ensure(
                    Open::Thinking,
                    || json!({"type": "thinking", "thinking": "", "signature": ""}),
                );
                self.delta(json!({"type": "thinking_delta", "thinking": t}));
            }
            if let Some(blocks) = d.get("thinking_blocks").and_then(Value::as_array) {
                self.thinking_blocks(blocks);
            }
            if let Some(t) = d
                .get("content")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
            {
                self.ensure(Open::Text, || json!({"type": "text", "text": ""}));
                self.delta(json!({"type": "text_delta", "text": t}));
            }
            if let Some(calls) = d.get("tool_calls").and_then(Value::as_array) {
                self.tool_calls(calls);
            }
            if let Some(r) = &choice.finish_reason {
                self.stop_reason = Some(stop_reason(r).to_string());
            }
        }
        Ok(self.take())
    }

    fn done(&mut self) -> Bytes {
        self.start("", None);
        self.close();
        let stop = self.stop_reason.take();
        let u = usage(self.usage.as_ref());
        let mut delta = json!({
            "type": "message_delta",
            "delta": {"stop_reason": stop, "stop_sequence": null},
            "usage": u,
        });
        if let Some(extra) = self.extra.take() {
            delta["extra_fields"] = extra;
        }
        self.emit("message_delta", delta);
        self.emit("message_stop", json!({"type": "message_stop"}));
        self.take()
    }

    fn carries_trailer(&self) -> bool {
        true
    }

    fn error(&mut self, error: &ApiError) -> Bytes {
        // Whatever was written for earlier chunks has been sent; only the error is new.
        super::error::event(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(delta: Value, finish: Option<&str>) -> ChatChunk {
        serde_json::from_value(json!({
            "id": "chatcmpl-1", "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }))
        .unwrap()
    }

    /// `(event name, data)` of every event in `bytes`, checking each pair agrees.
    fn events(bytes: &[u8]) -> Vec<Value> {
        let text = std::str::from_utf8(bytes).unwrap();
        text.split("\n\n")
            .filter(|e| !e.is_empty())
            .map(|e| {
                let (name, data) = e.split_once('\n').unwrap();
                let data: Value =
                    serde_json::from_str(data.strip_prefix("data: ").unwrap()).unwrap();
                assert_eq!(name.strip_prefix("event: ").unwrap(), data["type"]);
                data
            })
            .collect()
    }

    #[test]
    fn text_then_tool_calls_become_numbered_blocks() {
        let mut sse = AnthropicSse::new("up/m");
        let mut all = Vec::new();
        for c in [
            chunk(json!({"role": "assistant", "content": ""}), None),
            chunk(json!({"content": "Let me check."}), None),
            chunk(
                json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "weather", "arguments": ""}}]}),
                None,
            ),
            chunk(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\":"}}]}),
                None,
            ),
            chunk(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]}),
                None,
            ),
            chunk(
                json!({"tool_calls": [{"index": 1, "id": "call_2", "function": {"name": "time", "arguments": "{}"}}]}),
                None,
            ),
            chunk(json!({}), Some("tool_calls")),
        ] {
            all.extend_from_slice(&sse.item(&c).unwrap());
        }
        all.extend_from_slice(&sse.done());
        let ev = events(&all);
        let types: Vec<&str> = ev.iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert_eq!(
            types,
            [
                "message_start",
                "content_block_start",
                "content_block_delta",
                "content_block_stop",
                "content_block_start",
                "content_block_delta",
                "content_block_delta",
                "content_block_stop",
                "content_block_start",
                "content_block_delta",
                "content_block_stop",
                "message_delta",
                "message_stop"
            ]
        );
        assert_eq!(ev[0]["message"]["id"], "msg_chatcmpl-1");
        assert_eq!(ev[0]["message"]["model"], "up/m");
        assert_eq!(ev[4]["index"], 1);
        assert_eq!(ev[4]["content_block"]["id"], "call_1");
        assert_eq!(ev[5]["delta"]["partial_json"], "{\"city\":");
        assert_eq!(ev[8]["index"], 2);
        assert_eq!(ev[8]["content_block"]["name"], "time");
        assert_eq!(ev[11]["delta"]["stop_reason"], "tool_use");
    }

    #[test]
    fn a_finished_thinking_block_closes_with_its_signature() {
        let mut sse = AnthropicSse::new("m");
        let mut all = Vec::new();
        for (delta, finish) in [
            (json!({"reasoning_content": "hmm"}), None),
            (
                json!({"thinking_blocks": [{"type": "thinking", "thinking": "hmm", "signature": "sig-1"}]}),
                None,
            ),
            (
                json!({"thinking_blocks": [{"type": "redacted_thinking", "data": "opaque"}]}),
                None,
            ),
            (json!({"content": "Hi"}), Some("stop")),
        ] {
            all.extend(events(&sse.item(&chunk(delta, finish)).unwrap()));
        }
        all.extend(events(&sse.done()));
        let kinds: Vec<String> = all
            .iter()
            .map(|e| match e["delta"]["type"].as_str() {
                Some(d) => format!("{}:{d}", e["index"]),
                None => format!("{}:{}", e["type"].as_str().unwrap(), e["index"]),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "message_start:null",
                "content_block_start:0",
                "0:thinking_delta",
                "0:signature_delta",
                "content_block_stop:0",
                "content_block_start:1",
                "content_block_stop:1",
                "content_block_start:2",
                "2:text_delta",
                "content_block_stop:2",
                "message_delta:null",
                "message_stop:null"
            ]
        );
        assert_eq!(all[3]["delta"]["signature"], "sig-1");
        assert_eq!(all[5]["content_block"]["data"], "opaque");
    }

    #[test]
    fn an_empty_stream_is_still_a_whole_message() {
        let mut sse = AnthropicSse::new("m");
        let ev = events(&sse.done());
        let types: Vec<&str> = ev.iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert_eq!(types, ["message_start", "message_delta", "message_stop"]);
    }
}
