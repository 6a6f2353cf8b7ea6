//! A chat stream put back together: the chunks' deltas assembled into the one
//! `chat.completion` a non-stream request would have got (text, reasoning, tool calls,
//! finish reason, usage). Hooks that keep answers (request logs, a cache) see a stream
//! and a non-stream answer in the same shape.

use serde_json::{json, Map, Value};

use super::{ChatChoice, ChatChunk, ChatResponse, Extra, Message, Usage};

/// One choice being assembled.
#[derive(Default)]
struct Choice {
    text: String,
    reasoning: String,
    /// Tool calls by their `index`, arguments concatenated.
    tool_calls: Vec<(u64, Map<String, Value>)>,
    finish_reason: Option<String>,
}

/// Collects a chat stream's chunks; [`ChunkAssembler::finish`] gives the whole answer.
#[derive(Default)]
pub struct ChunkAssembler {
    id: String,
    created: u64,
    model: String,
    choices: Vec<(u32, Choice)>,
    usage: Option<Usage>,
}

impl ChunkAssembler {
    /// Adds one chunk.
    pub fn push(&mut self, chunk: &ChatChunk) {
        if self.id.is_empty() {
            self.id.clone_from(&chunk.id);
            self.created = chunk.created;
            self.model.clone_from(&chunk.model);
        }
        if chunk.usage.is_some() {
            self.usage.clone_from(&chunk.usage);
        }
        for c in &chunk.choices {
            let choice = self.choice(c.index);
            if let Some(text) = c.delta.get("content").and_then(Value::as_str) {
                choice.text.push_str(text);
            }
            for key in ["reasoning_content", "reasoning"] {
                if let Some(text) = c.delta.get(key).and_then(Value::as_str) {
                    choice.reasoning.push_str(text);
                }
            }
            for call in c
                .delta
                .get("tool_calls")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                add_tool_call(&mut choice.tool_calls, call);
            }
            if c.finish_reason.is_some() {
                choice.finish_reason.clone_from(&c.finish_reason);
            }
        }
    }

    fn choice(&mut self, index: u32) -> &mut Choice {
        let at = match self.choices.iter().position(|(i, _)| *i == index) {
            Some(at) => at,
            None => {
                self.choices.push((index, Choice::default()));
                self.choices.len() - 1
            }
        };
        &mut self.choices[at].1
    }

    /// The assembled answer.
    pub fn finish(self) -> ChatResponse {
        let choices = self
            .choices
            .into_iter()
            .map(|(index, c)| {
                let mut extra = Extra::new();
                if !c.reasoning.is_empty() {
                    extra.insert("reasoning_content".into(), Value::String(c.reasoning));
                }
                if !c.tool_calls.is_empty() {
                    let calls = c
                        .tool_calls
                        .into_iter()
                        .map(|(_, call)| Value::Object(call));
                    extra.insert("tool_calls".into(), Value::Array(calls.collect()));
                }
                ChatChoice {
                    index,
                    message: Message {
                        role: "assistant".into(),
                        content: (!c.text.is_empty()).then_some(Value::String(c.text)),
                        extra,
                    },
                    finish_reason: c.finish_reason,
                    extra: Extra::new(),
                }
            })
            .collect();
        ChatResponse {
            id: self.id,
            object: "chat.completion".into(),
            created: self.created,
            model: self.model,
            choices,
            usage: self.usage,
            extra: Extra::new(),
        }
    }
}

/// Merges one streamed tool-call fragment: the first fragment of an `index` brings its
/// id, type and name; later ones append to `function.arguments`.
fn add_tool_call(calls: &mut Vec<(u64, Map<String, Value>)>, fragment: &Value) {
    let index = fragment.get("index").and_then(Value::as_u64).unwrap_or(0);
    let function = fragment.get("function");
    let args = function
        .and_then(|f| f.get("arguments"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if let Some((_, call)) = calls.iter_mut().find(|(i, _)| *i == index) {
        if let Some(Value::String(so_far)) = call
            .get_mut("function")
            .and_then(|f| f.get_mut("arguments"))
        {
            so_far.push_str(args);
        }
        return;
    }
    let name = function.and_then(|f| f.get("name")).cloned();
    let mut call = Map::new();
    call.insert(
        "id".into(),
        fragment.get("id").cloned().unwrap_or(Value::Null),
    );
    call.insert("type".into(), json!("function"));
    call.insert(
        "function".into(),
        json!({"name": name.unwrap_or(Value::Null), "arguments": args}),
    );
    calls.push((index, call));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(v: Value) -> ChatChunk {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn text_tool_calls_finish_and_usage_come_back_whole() {
        let mut a = ChunkAssembler::default();
        for c in [
            json!({"id": "c1", "created": 7, "model": "m", "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hel"}}]}),
            json!({"id": "c1", "choices": [{"index": 0, "delta": {"content": "lo"}}]}),
            json!({"id": "c1", "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "t1", "type": "function", "function": {"name": "get", "arguments": "{\"a\""}}]}}]}),
            json!({"id": "c1", "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": ": 1}"}}]}, "finish_reason": "tool_calls"}]}),
            json!({"id": "c1", "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}}),
        ] {
            a.push(&chunk(c));
        }
        let r = a.finish();
        assert_eq!((r.id.as_str(), r.created, r.model.as_str()), ("c1", 7, "m"));
        let choice = &r.choices[0];
        assert_eq!(choice.message.text(), "Hello");
        assert_eq!(choice.finish_reason.as_deref(), Some("tool_calls"));
        let call = &choice.message.tool_calls()[0];
        assert_eq!(call["id"], "t1");
        assert_eq!(call["function"]["name"], "get");
        assert_eq!(call["function"]["arguments"], "{\"a\": 1}");
        assert_eq!(r.usage.unwrap().total_tokens, 7);
    }
}
