//! Cohere v2 stream events -> OpenAI `chat.completion.chunk`s, one event at a time.
//!
//! Pure: [`Translator::event`] takes one event's data and says what to send. Nothing is
//! buffered, so the client sees each token as soon as Cohere sends it.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::response::{failed, finish, tool_call, usage, Finish};
use super::wire::StreamEvent;
use crate::providers::ProviderError;
use crate::schema::{unix_now, ChatChunk, ChunkChoice};

pub use crate::providers::translate::Step;
use crate::providers::translate::{self, Translate};

/// The state one stream's translation needs between events.
#[derive(Debug)]
pub struct Translator {
    include_usage: bool,
    id: String,
    model: String,
    created: u64,
    /// Cohere's tool-call index -> OpenAI's, assigned in order of appearance.
    tool_index: HashMap<u32, u32>,
}

impl Translator {
    /// A translator; `include_usage` is the client's `stream_options.include_usage`.
    pub fn new(model: &str, include_usage: bool) -> Self {
        Translator {
            include_usage,
            id: String::new(),
            model: model.to_string(),
            created: unix_now(),
            tool_index: HashMap::new(),
        }
    }

    /// Translates one event's `data`.
    pub fn event(&mut self, data: &str) -> Result<Step, ProviderError> {
        let value: Value = serde_json::from_str(data).map_err(|e| {
            ProviderError::InvalidResponse(format!("stream event is not JSON ({e}): {data}"))
        })?;
        // An error object in place of an event (`{"message": ...}`, no `type`).
        if value.get("type").is_none() {
            if let Some(message) = value.get("message").and_then(Value::as_str) {
                return Err(ProviderError::Status {
                    status: 502,
                    message: message.to_string(),
                    retry_after: None,
                });
            }
        }
        let event: StreamEvent = serde_json::from_value(value).map_err(|e| {
            ProviderError::InvalidResponse(format!("unexpected stream event ({e}): {data}"))
        })?;
        let mut step = Step::default();
        match event {
            StreamEvent::MessageStart { id } => {
                self.id = id;
                step.chunks
                    .push(self.delta(json!({"role": "assistant", "content": ""}), None));
            }
            StreamEvent::ContentDelta { delta } => {
                let c = delta.message.content.unwrap_or_default();
                if let Some(t) = c.thinking.filter(|t| !t.is_empty()) {
                    step.chunks
                        .push(self.delta(json!({"reasoning_content": t}), None));
                }
                if let Some(t) = c.text.filter(|t| !t.is_empty()) {
                    step.chunks.push(self.delta(json!({"content": t}), None));
                }
            }
            // The plan is the text before tool calls, which OpenAI sends as content.
            StreamEvent::ToolPlanDelta { delta } => {
                if let Some(t) = delta.message.tool_plan.filter(|t| !t.is_empty()) {
                    step.chunks.push(self.delta(json!({"content": t}), None));
                }
            }
            StreamEvent::ToolCallStart { index, delta } => {
                let n = u32::try_from(self.tool_index.len()).unwrap_or(u32::MAX);
                self.tool_index.insert(index, n);
                let call = delta.message.tool_calls.unwrap_or_default();
                let f = &call.function;
                let mut head = tool_call(
                    call.id.as_deref().unwrap_or(""),
                    f.name.as_deref().unwrap_or(""),
                    f.arguments.as_deref().unwrap_or(""),
                );
                head["index"] = n.into();
                step.chunks
                    .push(self.delta(json!({"tool_calls": [head]}), None));
            }
            StreamEvent::ToolCallDelta { index, delta } => {
                let n = self.tool_index.get(&index).copied().ok_or_else(|| {
                    ProviderError::InvalidResponse(format!(
                        "tool-call-delta for tool call {index}, which never started"
                    ))
                })?;
                let call = delta.message.tool_calls.unwrap_or_default();
                let Some(args) = call.function.arguments else {
                    return Ok(step);
                };
                step.chunks.push(self.delta(
                    json!({"tool_calls": [{"index": n, "function": {"arguments": args}}]}),
                    None,
                ));
            }
            StreamEvent::MessageEnd { delta } => {
                let reason = match delta.finish_reason.as_deref().map(finish) {
                    Some(Finish::Failed(r)) => return Err(failed(&r, delta.error.as_deref())),
                    Some(Finish::Reason(r)) => Some(r),
                    None => Some("stop".to_string()),
                };
                step.chunks.push(self.delta(json!({}), reason));
                if self.include_usage {
                    let mut chunk = self.chunk(Vec::new());
                    chunk.usage = Some(delta.usage.as_ref().map(usage).unwrap_or_default());
                    step.chunks.push(chunk);
                }
                step.done = true;
            }
            StreamEvent::Other => {}
        }
        Ok(step)
    }

    fn delta(&self, delta: Value, finish_reason: Option<String>) -> ChatChunk {
        self.chunk(vec![translate::choice(0, delta, finish_reason)])
    }

    fn chunk(&self, choices: Vec<ChunkChoice>) -> ChatChunk {
        translate::chunk(&self.id, self.created, &self.model, choices)
    }
}

/// The error for a stream that ended before `message-end`.
fn incomplete() -> ProviderError {
    ProviderError::Transport("the stream ended before message-end; the answer is incomplete".into())
}

/// SSE events, by data alone (the type is in the JSON). The stream is complete only at
/// `message-end`.
impl Translate for Translator {
    type Event = (Option<String>, String);

    fn event(&mut self, (_, data): Self::Event) -> Result<Step, ProviderError> {
        Translator::event(self, &data)
    }

    fn end(&mut self) -> Result<Vec<ChatChunk>, ProviderError> {
        Err(incomplete())
    }
}
