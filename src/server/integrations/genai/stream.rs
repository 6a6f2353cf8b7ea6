//! Canonical stream chunks turned into `streamGenerateContent?alt=sse` events, one by
//! one. Text goes out as it arrives. Gemini sends each function call whole, so tool-call
//! argument fragments are held until the call is complete (the choice finishes); the
//! finishing event waits for the usage chunk that follows it so it can carry
//! `usageMetadata`, as Gemini's last event does.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::response::{finish_reason, function_call_part, usage_metadata};
use crate::schema::ChatChunk;

#[derive(Default)]
struct PendingCall {
    id: Option<Value>,
    name: String,
    arguments: String,
}

/// The translation state of one stream.
#[derive(Default)]
pub struct GenaiStream {
    model: String,
    calls: BTreeMap<(u32, u64), PendingCall>,
    finished: Option<Value>,
}

impl GenaiStream {
    /// A translator answering as `model` (the name the client asked for).
    pub fn new(model: &str) -> Self {
        GenaiStream {
            model: model.to_string(),
            ..Self::default()
        }
    }

    /// The events to send for `chunk` (often one, sometimes none).
    pub fn on_chunk(&mut self, chunk: &ChatChunk) -> Vec<Value> {
        let mut out = Vec::new();
        for choice in &chunk.choices {
            let mut parts = Vec::new();
            if let Some(Value::String(r)) = choice.delta.get("reasoning_content") {
                if !r.is_empty() {
                    parts.push(json!({"text": r, "thought": true}));
                }
            }
            if let Some(Value::String(t)) = choice.delta.get("content") {
                if !t.is_empty() {
                    parts.push(json!({"text": t}));
                }
            }
            if let Some(Value::Array(calls)) = choice.delta.get("tool_calls") {
                for (position, call) in calls.iter().enumerate() {
                    let index = call
                        .get("index")
                        .and_then(Value::as_u64)
                        .unwrap_or(position as u64);
                    let pending = self.calls.entry((choice.index, index)).or_default();
                    if let Some(id) = call.get("id").filter(|v| !v.is_null()) {
                        pending.id = Some(id.clone());
                    }
                    let function = call.get("function").unwrap_or(&Value::Null);
                    if let Some(name) = function.get("name").and_then(Value::as_str) {
                        pending.name.push_str(name);
                    }
                    if let Some(args) = function.get("arguments").and_then(Value::as_str) {
                        pending.arguments.push_str(args);
                    }
                }
            }
            let Some(reason) = &choice.finish_reason else {
                if !parts.is_empty() {
                    out.push(self.event(choice.index, parts, None));
                }
                continue;
            };
            parts.extend(self.take_calls(choice.index));
            let event = self.event(choice.index, parts, Some(finish_reason(reason)));
            if let Some(earlier) = self.finished.replace(event) {
                out.push(earlier);
            }
        }
        if let Some(usage) = &chunk.usage {
            let mut last = self
                .finished
                .take()
                .unwrap_or_else(|| json!({"candidates": [], "modelVersion": self.model}));
            last["usageMetadata"] = usage_metadata(usage);
            out.push(last);
        }
        out
    }

    /// Events still held when the upstream stream ends.
    pub fn finish(&mut self) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        let open: Vec<u32> = self.calls.keys().map(|(c, _)| *c).collect();
        for choice in open {
            let parts = self.take_calls(choice);
            if !parts.is_empty() {
                out.push(self.event(choice, parts, Some("STOP")));
            }
        }
        out.extend(self.finished.take());
        out
    }

    fn take_calls(&mut self, choice: u32) -> Vec<Value> {
        let keys: Vec<(u32, u64)> = self
            .calls
            .keys()
            .filter(|(c, _)| *c == choice)
            .copied()
            .collect();
        keys.into_iter()
            .filter_map(|k| self.calls.remove(&k))
            .map(|call| {
                let mut openai =
                    json!({"function": {"name": call.name, "arguments": call.arguments}});
                if let Some(id) = call.id {
                    openai["id"] = id;
                }
                function_call_part(&openai)
            })
            .collect()
    }

    fn event(&self, index: u32, parts: Vec<Value>, finish: Option<&str>) -> Value {
        let mut candidate = json!({"content": {"role": "model", "parts": parts}, "index": index});
        if let Some(reason) = finish {
            candidate["finishReason"] = json!(reason);
        }
        json!({"candidates": [candidate], "modelVersion": self.model})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(v: Value) -> ChatChunk {
        let mut base = json!({"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m", "choices": []});
        base.as_object_mut()
            .unwrap()
            .extend(v.as_object().unwrap().clone());
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn text_flows_at_once_and_tool_calls_arrive_whole_with_usage_last() {
        let mut s = GenaiStream::new("openai/gpt-4o");
        let first = s.on_chunk(&chunk(
            json!({"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hi"}}]}),
        ));
        assert_eq!(
            first[0]["candidates"][0]["content"]["parts"][0]["text"],
            "Hi"
        );
        let held = s.on_chunk(&chunk(json!({"choices": [{"index": 0, "delta": {"tool_calls": [
            {"index": 0, "id": "call_1", "function": {"name": "get_weather", "arguments": "{\"ci"}}]}}]})));
        assert!(held.is_empty());
        s.on_chunk(&chunk(
            json!({"choices": [{"index": 0, "delta": {"tool_calls": [
            {"index": 0, "function": {"arguments": "ty\":\"Paris\"}"}}]}}]}),
        ));
        let finish = s.on_chunk(&chunk(
            json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}),
        ));
        assert!(finish.is_empty(), "the finishing event waits for usage");
        let last = s.on_chunk(&chunk(
            json!({"usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}}),
        ));
        let part = &last[0]["candidates"][0]["content"]["parts"][0]["functionCall"];
        assert_eq!(part["args"]["city"], "Paris");
        assert_eq!(part["id"], "call_1");
        assert_eq!(last[0]["candidates"][0]["finishReason"], "STOP");
        assert_eq!(last[0]["usageMetadata"]["totalTokenCount"], 7);
        assert!(s.finish().is_empty());
    }

    #[test]
    fn a_stream_without_usage_still_sends_its_end() {
        let mut s = GenaiStream::new("m");
        s.on_chunk(&chunk(json!({"choices": [{"index": 0, "delta": {"content": "x"}, "finish_reason": "length"}]})));
        let end = s.finish();
        assert_eq!(end[0]["candidates"][0]["finishReason"], "MAX_TOKENS");
        assert_eq!(end[0]["candidates"][0]["content"]["parts"][0]["text"], "x");
    }
}
