//! Canonical chunks -> Cohere v2 chat stream events (`event:` and `data:` lines), one
//! chunk at a time: the reverse of the `cohere` provider's `stream`.
//!
//! Cohere opens and closes each content block (`content-start`/`content-end`) and each
//! tool call (`tool-call-start`/`tool-call-end`), numbering content and tool calls
//! apart; [`CohereSse`] keeps the one open block. `message-end` carries the finish
//! reason and usage, which OpenAI sends in its last chunks, so it is written when the
//! upstream stream ends. A stream cut short ends with a `message-end` whose
//! `finish_reason` is `ERROR` and whose `delta.error` says why: Cohere's own way.

use bytes::Bytes;
use serde_json::{json, Value};

use super::response::{finish_reason, usage};
use crate::schema::{ChatChunk, Usage};
use crate::server::stream::{Encoder, ExtraFields};
use crate::server::ApiError;

/// One SSE event whose `event:` line names its `type`.
pub(super) fn named(data: &Value) -> Vec<u8> {
    let kind = data.get("type").and_then(Value::as_str).unwrap_or_default();
    format!("event: {kind}\ndata: {data}\n\n").into_bytes()
}

/// The `message-end` that ends a stream cut short by `message`: Cohere's own way.
pub(super) fn cut(message: &str) -> Value {
    json!({"type": "message-end", "delta": {"finish_reason": "ERROR", "error": message}})
}

/// The block being written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    Text(u32),
    Thinking(u32),
    /// A tool call: OpenAI's index, Cohere's index.
    Tool(u64, u32),
}

/// The Cohere event writer for one stream.
#[derive(Default)]
pub struct CohereSse {
    started: bool,
    open: Option<Open>,
    next_content: u32,
    next_tool: u32,
    finish: Option<String>,
    usage: Option<Usage>,
    /// Goes on the closing `message-end`.
    extra: ExtraFields,
    out: Vec<u8>,
}

impl CohereSse {
    fn emit(&mut self, data: Value) {
        self.out.extend_from_slice(&named(&data));
    }

    fn start(&mut self, id: &str) {
        if !self.started {
            self.started = true;
            self.emit(json!({"type": "message-start", "id": id, "delta": {"message": {
                "role": "assistant", "content": [], "tool_plan": "", "tool_calls": [], "citations": []}}}));
        }
    }

    fn close(&mut self) {
        match self.open.take() {
            Some(Open::Text(i) | Open::Thinking(i)) => {
                self.emit(json!({"type": "content-end", "index": i}))
            }
            Some(Open::Tool(_, i)) => self.emit(json!({"type": "tool-call-end", "index": i})),
            None => {}
        }
    }

    fn content(&mut self, thinking: bool, text: &str) {
        let index = match self.open {
            Some(Open::Text(i)) if !thinking => i,
            Some(Open::Thinking(i)) if thinking => i,
            _ => {
                self.close();
                let i = self.next_content;
                self.next_content += 1;
                let (open, start) = if thinking {
                    (
                        Open::Thinking(i),
                        json!({"type": "thinking", "thinking": ""}),
                    )
                } else {
                    (Open::Text(i), json!({"type": "text", "text": ""}))
                };
                self.open = Some(open);
                self.emit(json!({"type": "content-start", "index": i,
                    "delta": {"message": {"content": start}}}));
                i
            }
        };
        let delta = if thinking {
            json!({"thinking": text})
        } else {
            json!({"text": text})
        };
        self.emit(json!({"type": "content-delta", "index": index,
            "delta": {"message": {"content": delta}}}));
    }

    fn tool_call(&mut self, call: &Value) {
        let n = call.get("index").and_then(Value::as_u64).unwrap_or(0);
        let f = call.get("function");
        let args = f
            .and_then(|f| f.get("arguments"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let index = match self.open {
            Some(Open::Tool(open, i)) if open == n => i,
            _ => {
                self.close();
                let i = self.next_tool;
                self.next_tool += 1;
                self.open = Some(Open::Tool(n, i));
                let id = call.get("id").and_then(Value::as_str).unwrap_or_default();
                let name = f
                    .and_then(|f| f.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                self.emit(
                    json!({"type": "tool-call-start", "index": i, "delta": {"message": {
                    "tool_calls": {"id": id, "type": "function",
                        "function": {"name": name, "arguments": args}}}}}),
                );
                return;
            }
        };
        if !args.is_empty() {
            self.emit(
                json!({"type": "tool-call-delta", "index": index, "delta": {"message": {
                "tool_calls": {"function": {"arguments": args}}}}}),
            );
        }
    }

    fn take(&mut self) -> Bytes {
        Bytes::from(std::mem::take(&mut self.out))
    }
}

impl Encoder<ChatChunk> for CohereSse {
    fn item(&mut self, chunk: &ChatChunk) -> Result<Bytes, String> {
        if chunk.usage.is_some() {
            self.usage = chunk.usage.clone();
        }
        self.extra.note(chunk);
        self.start(&chunk.id);
        for choice in chunk.choices.iter().filter(|c| c.index == 0) {
            let d = &choice.delta;
            let text = |k| d.get(k).and_then(Value::as_str).filter(|t| !t.is_empty());
            if let Some(t) = text("reasoning_content") {
                self.content(true, t);
            }
            if let Some(t) = text("content") {
                self.content(false, t);
            }
            for call in d
                .get("tool_calls")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self.tool_call(call);
            }
            if let Some(r) = &choice.finish_reason {
                self.finish = Some(r.clone());
            }
        }
        Ok(self.take())
    }

    fn done(&mut self) -> Bytes {
        self.start("");
        self.close();
        let reason = finish_reason(self.finish.as_deref());
        let u = usage(self.usage.as_ref());
        let mut end =
            json!({"type": "message-end", "delta": {"finish_reason": reason, "usage": u}});
        if let Some(extra) = self.extra.take() {
            end["extra_fields"] = extra;
        }
        self.emit(end);
        self.take()
    }

    fn carries_trailer(&self) -> bool {
        true
    }

    fn error(&mut self, error: &ApiError) -> Bytes {
        self.start("");
        self.close();
        self.emit(cut(&error.message));
        self.take()
    }
}
