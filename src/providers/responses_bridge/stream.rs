//! Responses API stream events as canonical chat chunks, one event at a time: text and
//! reasoning deltas, function calls (started by `response.output_item.added`, their
//! arguments streamed by `response.function_call_arguments.delta`), and the finish
//! reason and usage from `response.completed` / `response.incomplete`.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::response::{finish_reason, usage};
use crate::providers::ProviderError;
use crate::schema::ChatChunk;

/// The translation state of one stream.
pub struct Translator {
    id: String,
    model: String,
    created: u64,
    include_usage: bool,
    started: bool,
    /// Output item index -> tool call index.
    calls: HashMap<u64, u64>,
    /// Set once the response finished; later events are ignored.
    done: bool,
}

impl Translator {
    /// A translator for a stream that reports usage when `include_usage` is set.
    pub fn new(model: &str, created: u64, include_usage: bool) -> Self {
        Translator {
            id: "resp".into(),
            model: model.to_string(),
            created,
            include_usage,
            started: false,
            calls: HashMap::new(),
            done: false,
        }
    }

    /// Whether the response finished (a stream that ends before is truncated).
    pub fn is_done(&self) -> bool {
        self.done
    }

    fn chunk(&mut self, delta: Value, finish: Option<&str>) -> Result<ChatChunk, ProviderError> {
        let mut delta = delta;
        if !self.started {
            self.started = true;
            delta["role"] = json!("assistant");
        }
        self.build(
            json!([{"index": 0, "delta": delta, "finish_reason": finish}]),
            None,
        )
    }

    fn build(&self, choices: Value, usage: Option<Value>) -> Result<ChatChunk, ProviderError> {
        let mut chunk = json!({
            "id": self.id, "object": "chat.completion.chunk", "created": self.created,
            "model": self.model, "choices": choices,
        });
        if let Some(u) = usage {
            chunk["usage"] = u;
        }
        serde_json::from_value(chunk)
            .map_err(|e| ProviderError::InvalidResponse(format!("cannot build a chunk: {e}")))
    }

    /// The chunks for one event's JSON data.
    pub fn event(&mut self, data: &str) -> Result<Vec<ChatChunk>, ProviderError> {
        let event: Value = serde_json::from_str(data).map_err(|e| {
            ProviderError::InvalidResponse(format!("stream event is not JSON ({e}): {data}"))
        })?;
        if self.done {
            return Ok(Vec::new());
        }
        let str_of = |ptr: &str| event.pointer(ptr).and_then(Value::as_str).unwrap_or("");
        match event.get("type").and_then(Value::as_str).unwrap_or("") {
            "response.created" | "response.in_progress" => {
                if let Some(r) = event.get("response") {
                    if let Some(id) = r.get("id").and_then(Value::as_str) {
                        self.id = id.to_string();
                    }
                    if let Some(m) = r.get("model").and_then(Value::as_str) {
                        self.model = m.to_string();
                    }
                }
                Ok(Vec::new())
            }
            "response.output_text.delta" => {
                Ok(vec![self.chunk(json!({"content": str_of("/delta")}), None)?])
            }
            "response.reasoning_summary_text.delta" | "response.reasoning_text.delta" => {
                Ok(vec![self.chunk(
                    json!({"reasoning_content": str_of("/delta")}),
                    None,
                )?])
            }
            "response.output_item.added" if str_of("/item/type") == "function_call" => {
                let index = self.calls.len() as u64;
                let output_index = event
                    .get("output_index")
                    .and_then(Value::as_u64)
                    .unwrap_or(index);
                self.calls.insert(output_index, index);
                let call = json!({"index": index, "id": str_of("/item/call_id"), "type": "function",
                    "function": {"name": str_of("/item/name"), "arguments": ""}});
                Ok(vec![self.chunk(json!({"tool_calls": [call]}), None)?])
            }
            "response.function_call_arguments.delta" => {
                let output_index = event
                    .get("output_index")
                    .and_then(Value::as_u64)
                    .unwrap_or(0);
                let index = self.calls.get(&output_index).copied().unwrap_or(0);
                let call = json!({"index": index, "function": {"arguments": str_of("/delta")}});
                Ok(vec![self.chunk(json!({"tool_calls": [call]}), None)?])
            }
            "response.completed" | "response.incomplete" => {
                self.done = true;
                let response = event.get("response").cloned().unwrap_or_default();
                let reason = finish_reason(&response, !self.calls.is_empty());
                let mut out = vec![self.chunk(json!({}), Some(reason))?];
                if let Some(u) = response
                    .get("usage")
                    .filter(|u| !u.is_null() && self.include_usage)
                {
                    out.push(self.build(json!([]), Some(usage(u)))?);
                }
                Ok(out)
            }
            "response.failed" | "error" => {
                let message = event
                    .pointer("/response/error/message")
                    .or_else(|| event.get("message"))
                    .and_then(Value::as_str)
                    .unwrap_or("the response failed");
                Err(ProviderError::InvalidResponse(format!(
                    "the Responses API stream failed: {message}"
                )))
            }
            _ => Ok(Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(events: &[Value], include_usage: bool) -> Vec<Value> {
        let mut t = Translator::new("m", 1, include_usage);
        let mut out = Vec::new();
        for e in events {
            for c in t.event(&e.to_string()).unwrap() {
                out.push(serde_json::to_value(c).unwrap());
            }
        }
        assert!(t.is_done());
        out
    }

    #[test]
    fn text_and_function_calls_stream_as_chat_deltas() {
        let chunks = run(
            &[
                json!({"type": "response.created", "response": {"id": "resp_1", "model": "o3-pro"}}),
                json!({"type": "response.output_text.delta", "output_index": 0, "delta": "Check"}),
                json!({"type": "response.output_item.added", "output_index": 1,
                    "item": {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": ""}}),
                json!({"type": "response.function_call_arguments.delta", "output_index": 1, "delta": "{\"city\":"}),
                json!({"type": "response.function_call_arguments.delta", "output_index": 1, "delta": "\"Paris\"}"}),
                json!({"type": "response.completed", "response": {"id": "resp_1", "status": "completed",
                    "usage": {"input_tokens": 5, "output_tokens": 7, "total_tokens": 12}}}),
            ],
            true,
        );
        assert_eq!(chunks[0]["id"], "resp_1");
        assert_eq!(
            chunks[0]["choices"][0]["delta"],
            json!({"role": "assistant", "content": "Check"})
        );
        assert_eq!(
            chunks[1]["choices"][0]["delta"]["tool_calls"][0]["id"],
            "call_1"
        );
        assert_eq!(
            chunks[2]["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"],
            "{\"city\":"
        );
        assert_eq!(chunks[4]["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(chunks[5]["usage"]["total_tokens"], 12);
        assert_eq!(chunks.len(), 6);
    }

    #[test]
    fn a_failed_response_is_an_error() {
        let mut t = Translator::new("m", 1, false);
        let failed =
            json!({"type": "response.failed", "response": {"error": {"message": "overloaded"}}});
        let err = t.event(&failed.to_string()).unwrap_err().to_string();
        assert!(err.contains("overloaded"), "{err}");
        assert!(t.event("not json").is_err());
    }
}
