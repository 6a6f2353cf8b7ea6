//! Canonical chunks -> Responses API stream events, one chunk at a time: the reverse
//! of `providers::responses_bridge::stream`.
//!
//! The sequence is OpenAI's: `response.created` and `response.in_progress` first; each
//! output item (reasoning, message, function call) opened by
//! `response.output_item.added`, filled by its deltas and closed by its `.done` events
//! and `response.output_item.done`; then `response.completed` (or
//! `response.incomplete` for an answer cut short by its token limit) with the whole
//! response and usage. Chat sends loose deltas, so one item is open at a time and a
//! delta of another kind closes it. Usage arrives after the finish reason in chat
//! streams, so the final event is written when the upstream stream ends. A stream cut
//! short ends with `response.failed`, never `response.completed`.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::{json, Map, Value};

use super::response::{call_item, envelope, item_id, output_text, response_id, status, usage};
use crate::schema::{unix_now, ChatChunk, Usage};
use crate::server::stream::{Encoder, ExtraFields};
use crate::server::ApiError;

/// Writes one Responses stream.
pub struct ResponsesSse {
    model: String,
    echo: Arc<Map<String, Value>>,
    id: String,
    created_at: u64,
    started: bool,
    seq: u64,
    /// Every output item so far, as `response.completed` lists them.
    output: Vec<Value>,
    /// The index in `output` of the item still being written.
    open: Option<usize>,
    /// The open message's or reasoning's text so far.
    open_text: String,
    /// Chat tool-call index -> output index.
    calls: HashMap<u64, usize>,
    finish_reason: Option<String>,
    usage: Option<Usage>,
    /// Goes on the closing response object.
    extra: ExtraFields,
    out: Vec<u8>,
}

impl ResponsesSse {
    /// A writer whose response names `model` and echoes the request's `echo`.
    pub fn new(model: &str, echo: Arc<Map<String, Value>>) -> Self {
        ResponsesSse {
            model: model.to_string(),
            echo,
            id: String::new(),
            created_at: 0,
            started: false,
            seq: 0,
            output: Vec::new(),
            open: None,
            open_text: String::new(),
            calls: HashMap::new(),
            finish_reason: None,
            usage: None,
            extra: ExtraFields::default(),
            out: Vec::new(),
        }
    }

    fn emit(&mut self, kind: &str, mut data: Map<String, Value>) {
        data.insert("type".into(), kind.into());
        data.insert("sequence_number".into(), self.seq.into());
        self.seq += 1;
        let json = serde_json::to_string(&data).unwrap_or_default();
        self.out
            .extend_from_slice(format!("event: {kind}\ndata: {json}\n\n").as_bytes());
    }

    /// An event about output item `index`, with `item_id` and `output_index` set.
    fn emit_item(&mut self, kind: &str, index: usize, data: Value) {
        let mut data = match data {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let id = self.output[index]["id"].clone();
        data.insert("item_id".into(), id);
        data.insert("output_index".into(), index.into());
        self.emit(kind, data);
    }

    fn response(&self, status: &str) -> Map<String, Value> {
        envelope(&self.id, self.created_at, &self.model, status, &self.echo)
    }

    fn start(&mut self, upstream_id: &str, created: u64) {
        if self.started {
            return;
        }
        self.started = true;
        self.id = response_id(upstream_id);
        self.created_at = if created == 0 { unix_now() } else { created };
        for kind in ["response.created", "response.in_progress"] {
            let response = Value::Object(self.response("in_progress"));
            self.emit(kind, Map::from_iter([("response".to_string(), response)]));
        }
    }

    /// Opens a new output item; announces it with its empty content.
    fn open(&mut self, item: Value) -> usize {
        self.close();
        let index = self.output.len();
        self.output.push(item.clone());
        self.open = Some(index);
        self.emit(
            "response.output_item.added",
            Map::from_iter([
                ("output_index".to_string(), index.into()),
                ("item".to_string(), item),
            ]),
        );
        index
    }

    /// The open item of `kind`, opened if another (or none) is.
    fn open_of(&mut self, kind: &str) -> usize {
        if let Some(i) = self.open.filter(|i| self.output[*i]["type"] == kind) {
            return i;
        }
        let prefix = if kind == "reasoning" { "rs" } else { "msg" };
        let id = item_id(prefix, &self.id, self.output.len());
        let (item, part_event, part) = if kind == "reasoning" {
            (
                json!({"id": id, "type": "reasoning", "summary": []}),
                "response.reasoning_summary_part.added",
                json!({"summary_index": 0, "part": {"type": "summary_text", "text": ""}}),
            )
        } else {
            (
                json!({"id": id, "type": "message", "status": "in_progress",
                    "role": "assistant", "content": []}),
                "response.content_part.added",
                json!({"content_index": 0, "part": output_text("")}),
            )
        };
        let i = self.open(item);
        self.emit_item(part_event, i, part);
        i
    }

    fn text(&mut self, delta: &str) {
        let i = self.open_of("message");
        self.emit_item(
            "response.output_text.delta",
            i,
            json!({"content_index": 0, "delta": delta, "logprobs": []}),
        );
        self.open_text.push_str(delta);
    }

    fn reasoning(&mut self, delta: &str) {
        let i = self.open_of("reasoning");
        self.emit_item(
            "response.reasoning_summary_text.delta",
            i,
            json!({"summary_index": 0, "delta": delta}),
        );
        self.open_text.push_str(delta);
    }

    /// One chat tool-call delta: a new call opens an item, arguments stream into it.
    fn call(&mut self, delta: &Value) {
        let key = delta.get("index").and_then(Value::as_u64).unwrap_or(0);
        let f = delta.get("function");
        let i = match self.calls.get(&key) {
            Some(i) => *i,
            None => {
                let id = item_id("fc", &self.id, self.output.len());
                let call_id = match str_of(delta.get("id")) {
                    "" => format!("call_{}", uuid::Uuid::new_v4().simple()),
                    id => id.to_string(),
                };
                let name = str_of(f.and_then(|f| f.get("name")));
                let i = self.open(call_item(&id, &call_id, name, "", "in_progress"));
                self.calls.insert(key, i);
                i
            }
        };
        let args = f
            .and_then(|f| f.get("arguments"))
            .and_then(Value::as_str)
            .unwrap_or("");
        if !args.is_empty() {
            append(&mut self.output[i]["arguments"], args);
            self.emit_item(
                "response.function_call_arguments.delta",
                i,
                json!({"delta": args}),
            );
        }
    }

    /// Closes the open item with its `.done` events.
    fn close(&mut self) {
        let Some(i) = self.open.take() else { return };
        let text = std::mem::take(&mut self.open_text);
        let item = &mut self.output[i];
        match item["type"].as_str() {
            Some("message") => {
                item["status"] = "completed".into();
                item["content"] = json!([output_text(&text)]);
                self.emit_item(
                    "response.output_text.done",
                    i,
                    json!({"content_index": 0, "text": text, "logprobs": []}),
                );
                self.emit_item(
                    "response.content_part.done",
                    i,
                    json!({"content_index": 0, "part": output_text(&text)}),
                );
            }
            Some("reasoning") => {
                let part = json!({"type": "summary_text", "text": text});
                item["summary"] = json!([part]);
                self.emit_item(
                    "response.reasoning_summary_text.done",
                    i,
                    json!({"summary_index": 0, "text": text}),
                );
                self.emit_item(
                    "response.reasoning_summary_part.done",
                    i,
                    json!({"summary_index": 0, "part": part}),
                );
            }
            _ => {
                item["status"] = "completed".into();
                let done = json!({"arguments": item["arguments"], "name": item["name"]});
                self.emit_item("response.function_call_arguments.done", i, done);
            }
        }
        let item = self.output[i].clone();
        self.emit(
            "response.output_item.done",
            Map::from_iter([
                ("output_index".to_string(), i.into()),
                ("item".to_string(), item),
            ]),
        );
    }

    fn take(&mut self) -> Bytes {
        Bytes::from(std::mem::take(&mut self.out))
    }
}

fn str_of(v: Option<&Value>) -> &str {
    v.and_then(Value::as_str).unwrap_or("")
}

/// Appends `delta` to a string value (null counts as empty).
fn append(slot: &mut Value, delta: &str) {
    match slot {
        Value::String(s) => s.push_str(delta),
        _ => *slot = Value::String(delta.to_string()),
    }
}

impl Encoder<ChatChunk> for ResponsesSse {
    fn item(&mut self, chunk: &ChatChunk) -> Result<Bytes, String> {
        self.start(&chunk.id, chunk.created);
        if let Some(u) = &chunk.usage {
            self.usage = Some(u.clone());
        }
        self.extra.note(chunk);
        for choice in chunk.choices.iter().filter(|c| c.index == 0) {
            let d = &choice.delta;
            let text_of = |key: &str| d.get(key).and_then(Value::as_str).filter(|t| !t.is_empty());
            if let Some(r) = text_of("reasoning_content") {
                self.reasoning(r);
            }
            if let Some(t) = text_of("content") {
                self.text(t);
            }
            for call in d
                .get("tool_calls")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self.call(call);
            }
            if let Some(f) = &choice.finish_reason {
                self.finish_reason = Some(f.clone());
            }
        }
        Ok(self.take())
    }

    fn done(&mut self) -> Bytes {
        self.start("", 0);
        self.close();
        let (status, incomplete) = status(self.finish_reason.as_deref());
        let mut response = self.response(status);
        response.insert("incomplete_details".into(), incomplete);
        response.insert("output".into(), Value::Array(self.output.clone()));
        if let Some(u) = &self.usage {
            response.insert("usage".into(), usage(u));
        }
        if let Some(extra) = self.extra.take() {
            response.insert("extra_fields".into(), extra);
        }
        let kind = match status {
            "incomplete" => "response.incomplete",
            _ => "response.completed",
        };
        self.emit(
            kind,
            Map::from_iter([("response".to_string(), Value::Object(response))]),
        );
        self.take()
    }

    fn carries_trailer(&self) -> bool {
        true
    }

    fn error(&mut self, error: &ApiError) -> Bytes {
        self.start("", 0);
        let mut response = self.response("failed");
        response.insert("output".into(), Value::Array(self.output.clone()));
        response.insert(
            "error".into(),
            json!({"code": error.code.unwrap_or("server_error"), "message": error.message}),
        );
        self.emit(
            "response.failed",
            Map::from_iter([("response".to_string(), Value::Object(response))]),
        );
        self.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode;

    fn chunk(v: Value) -> ChatChunk {
        let mut base = json!({"id": "chatcmpl-1", "created": 5, "model": "m"});
        base.as_object_mut()
            .unwrap()
            .extend(v.as_object().unwrap().clone());
        serde_json::from_value(base).unwrap()
    }

    fn delta(d: Value, finish: Option<&str>) -> ChatChunk {
        chunk(json!({"choices": [{"index": 0, "delta": d, "finish_reason": finish}]}))
    }

    /// The events written, as (type, data).
    fn events(bytes: &[u8]) -> Vec<(String, Value)> {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        text.split("\n\n")
            .filter(|e| !e.is_empty())
            .map(|e| {
                let (head, data) = e.split_once('\n').unwrap();
                let data: Value =
                    serde_json::from_str(data.strip_prefix("data: ").unwrap()).unwrap();
                let kind = head.strip_prefix("event: ").unwrap().to_string();
                assert_eq!(data["type"], kind.as_str());
                (kind, data)
            })
            .collect()
    }

    fn run(chunks: &[ChatChunk]) -> Vec<(String, Value)> {
        let mut enc = ResponsesSse::new("anthropic/claude", Arc::new(Map::new()));
        let mut out = Vec::new();
        for c in chunks {
            out.extend_from_slice(&enc.item(c).unwrap());
        }
        out.extend_from_slice(&enc.done());
        events(&out)
    }

    #[test]
    fn text_then_a_call_stream_in_openais_event_order() {
        let ev = run(&[
            delta(
                json!({"role": "assistant", "reasoning_content": "Hmm."}),
                None,
            ),
            delta(json!({"content": "Let me "}), None),
            delta(json!({"content": "check."}), None),
            delta(
                json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                "function": {"name": "get_weather", "arguments": ""}}]}),
                None,
            ),
            delta(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\":"}}]}),
                None,
            ),
            delta(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]}),
                None,
            ),
            delta(json!({}), Some("tool_calls")),
            chunk(
                json!({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}}),
            ),
        ]);
        let kinds: Vec<&str> = ev.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "response.created",
                "response.in_progress",
                "response.output_item.added",
                "response.reasoning_summary_part.added",
                "response.reasoning_summary_text.delta",
                "response.reasoning_summary_text.done",
                "response.reasoning_summary_part.done",
                "response.output_item.done",
                "response.output_item.added",
                "response.content_part.added",
                "response.output_text.delta",
                "response.output_text.delta",
                "response.output_text.done",
                "response.content_part.done",
                "response.output_item.done",
                "response.output_item.added",
                "response.function_call_arguments.delta",
                "response.function_call_arguments.delta",
                "response.function_call_arguments.done",
                "response.output_item.done",
                "response.completed",
            ]
        );
        for (n, (_, data)) in ev.iter().enumerate() {
            assert_eq!(data["sequence_number"], n);
        }
        assert_eq!(ev[0].1["response"]["id"], "resp_chatcmpl-1");
        assert_eq!(ev[12].1["text"], "Let me check.");
        assert_eq!(ev[12].1["output_index"], 1);
        assert_eq!(ev[18].1["arguments"], "{\"city\":\"Paris\"}");
        let done = &ev[20].1["response"];
        assert_eq!(done["status"], "completed");
        assert_eq!(done["output"][1]["content"][0]["text"], "Let me check.");
        assert_eq!(done["output"][2]["call_id"], "call_1");
        assert_eq!(done["output"][2]["status"], "completed");
        assert_eq!(done["usage"]["total_tokens"], 7);
    }

    #[test]
    fn a_stream_cut_for_length_is_incomplete_and_one_cut_short_failed() {
        let ev = run(&[delta(json!({"content": "Par"}), Some("length"))]);
        let (kind, last) = ev.last().unwrap();
        assert_eq!(kind, "response.incomplete");
        assert_eq!(
            last["response"]["incomplete_details"]["reason"],
            "max_output_tokens"
        );

        let mut enc = ResponsesSse::new("m", Arc::new(Map::new()));
        let mut out = enc
            .item(&delta(json!({"content": "Par"}), None))
            .unwrap()
            .to_vec();
        out.extend_from_slice(&enc.error(&ApiError::new(
            StatusCode::BAD_GATEWAY,
            "upstream_error",
            "reset",
        )));
        let ev = events(&out);
        let (kind, last) = ev.last().unwrap();
        assert_eq!(kind, "response.failed");
        assert_eq!(last["response"]["status"], "failed");
        assert_eq!(last["response"]["error"]["message"], "reset");
        assert!(!ev.iter().any(|(k, _)| k == "response.completed"));
    }
}
