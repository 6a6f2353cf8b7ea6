//! Anthropic stream events -> OpenAI `chat.completion.chunk`s, one event at a time.
//!
//! Pure: [`Translator::event`] takes one event's name and data and says what to send.
//! Nothing is held back, so the client sees each token as soon as the upstream sends
//! it. Thinking text is also kept until its block ends, to send the whole block with
//! its signature once more as a `thinking_blocks` delta (see `thinking`).

use std::collections::HashMap;

use serde_json::{json, Value};

use super::response::{finish_reason, tool_call, usage};
use super::thinking::{redacted_entry, thinking_entry, THINKING_BLOCKS};
use super::wire::{BlockDelta, ResponseBlock, StreamEvent, WireError, WireUsage};
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
    usage: WireUsage,
    /// Anthropic numbers every content block; OpenAI numbers only tool calls.
    tool_index: HashMap<u32, u32>,
    /// Thinking blocks begun and not yet stopped, by content block index.
    thinking: HashMap<u32, Pending>,
}

/// A thinking block being streamed.
#[derive(Debug)]
enum Pending {
    /// Text and signature so far.
    Thinking { text: String, signature: String },
    /// Redacted thinking, which arrives whole in `content_block_start`.
    Redacted(String),
}

impl Translator {
    /// A translator; `include_usage` is the client's `stream_options.include_usage`.
    pub fn new(model: &str, include_usage: bool) -> Self {
        Translator {
            include_usage,
            id: String::new(),
            model: model.to_string(),
            created: unix_now(),
            usage: WireUsage::default(),
            tool_index: HashMap::new(),
            thinking: HashMap::new(),
        }
    }

    /// Translates one event. `name` is the SSE `event:` line, used only when the data
    /// carries no `type` (Anthropic always sends both, and they agree).
    pub fn event(&mut self, name: Option<&str>, data: &str) -> Result<Step, ProviderError> {
        let mut value: Value = serde_json::from_str(data).map_err(|e| {
            ProviderError::InvalidResponse(format!("stream event is not JSON ({e}): {data}"))
        })?;
        if let (Some(obj), Some(name)) = (value.as_object_mut(), name) {
            obj.entry("type").or_insert_with(|| name.into());
        }
        let event: StreamEvent = serde_json::from_value(value).map_err(|e| {
            ProviderError::InvalidResponse(format!("unexpected stream event ({e}): {data}"))
        })?;
        let mut step = Step::default();
        match event {
            StreamEvent::MessageStart { message } => {
                self.id = message.id;
                if !message.model.is_empty() {
                    self.model = message.model;
                }
                self.usage = message.usage;
                step.chunks
                    .push(self.delta(json!({"role": "assistant", "content": ""}), None));
            }
            StreamEvent::ContentBlockStart {
                index,
                content_block: ResponseBlock::ToolUse { id, name, .. },
            } => {
                let n = u32::try_from(self.tool_index.len()).unwrap_or(u32::MAX);
                self.tool_index.insert(index, n);
                let mut call = tool_call(&id, &name, String::new());
                call["index"] = n.into();
                step.chunks
                    .push(self.delta(json!({"tool_calls": [call]}), None));
            }
            StreamEvent::ContentBlockStart {
                index,
                content_block:
                    ResponseBlock::Thinking {
                        thinking,
                        signature,
                    },
            } => {
                // The start carries empty text in practice; any text is streamed too.
                if !thinking.is_empty() {
                    step.chunks
                        .push(self.delta(json!({"reasoning_content": thinking}), None));
                }
                let text = thinking;
                self.thinking
                    .insert(index, Pending::Thinking { text, signature });
            }
            StreamEvent::ContentBlockStart {
                index,
                content_block: ResponseBlock::RedactedThinking { data },
            } => {
                self.thinking.insert(index, Pending::Redacted(data));
            }
            StreamEvent::ContentBlockStop { index } => {
                let entry = match self.thinking.remove(&index) {
                    Some(Pending::Thinking { text, signature }) => {
                        thinking_entry(&text, &signature)
                    }
                    Some(Pending::Redacted(data)) => redacted_entry(&data),
                    None => return Ok(step),
                };
                step.chunks
                    .push(self.delta(json!({THINKING_BLOCKS: [entry]}), None));
            }
            StreamEvent::ContentBlockDelta { index, delta } => {
                let d = match delta {
                    BlockDelta::TextDelta { text } => json!({"content": text}),
                    BlockDelta::ThinkingDelta { thinking } => {
                        if let Some(Pending::Thinking { text, .. }) = self.thinking.get_mut(&index)
                        {
                            text.push_str(&thinking);
                        }
                        json!({"reasoning_content": thinking})
                    }
                    BlockDelta::SignatureDelta { signature } => {
                        if let Some(Pending::Thinking { signature: s, .. }) =
                            self.thinking.get_mut(&index)
                        {
                            s.push_str(&signature);
                        }
                        return Ok(step);
                    }
                    BlockDelta::InputJsonDelta { partial_json } => {
                        let n = self.tool_index.get(&index).copied().ok_or_else(|| {
                            ProviderError::InvalidResponse(format!(
                                "input_json_delta for content block {index}, which is not a tool_use block"
                            ))
                        })?;
                        json!({"tool_calls": [{"index": n, "function": {"arguments": partial_json}}]})
                    }
                    BlockDelta::Other => return Ok(step),
                };
                step.chunks.push(self.delta(d, None));
            }
            StreamEvent::MessageDelta { delta, usage } => {
                self.merge_usage(&usage);
                let reason = delta.stop_reason.as_deref().map(finish_reason);
                step.chunks.push(self.delta(json!({}), reason));
            }
            StreamEvent::MessageStop => {
                if self.include_usage {
                    let mut chunk = self.chunk(Vec::new());
                    chunk.usage = Some(usage(&self.usage));
                    step.chunks.push(chunk);
                }
                step.done = true;
            }
            StreamEvent::Error { error } => return Err(stream_error(error)),
            StreamEvent::ContentBlockStart { .. } | StreamEvent::Other => {}
        }
        Ok(step)
    }

    /// `message_delta` usage is cumulative; fields it carries replace earlier ones.
    fn merge_usage(&mut self, u: &WireUsage) {
        let mine = &mut self.usage;
        mine.output_tokens = u.output_tokens.or(mine.output_tokens);
        mine.input_tokens = u.input_tokens.or(mine.input_tokens);
        mine.cache_read_input_tokens = u.cache_read_input_tokens.or(mine.cache_read_input_tokens);
        mine.cache_creation_input_tokens = u
            .cache_creation_input_tokens
            .or(mine.cache_creation_input_tokens);
    }

    fn delta(&self, delta: Value, finish_reason: Option<String>) -> ChatChunk {
        self.chunk(vec![translate::choice(0, delta, finish_reason)])
    }

    fn chunk(&self, choices: Vec<ChunkChoice>) -> ChatChunk {
        translate::chunk(&self.id, self.created, &self.model, choices)
    }
}

/// An `error` event as a status error, with the status Anthropic uses for its type,
/// so that e.g. `overloaded_error` reads as the 529 it is.
fn stream_error(e: WireError) -> ProviderError {
    let status = match e.kind.as_str() {
        "invalid_request_error" => 400,
        "authentication_error" => 401,
        "permission_error" => 403,
        "not_found_error" => 404,
        "request_too_large" => 413,
        "rate_limit_error" => 429,
        "api_error" => 500,
        "overloaded_error" => 529,
        _ => 502,
    };
    let message = if e.message.is_empty() {
        e.kind
    } else {
        e.message
    };
    ProviderError::Status {
        status,
        message,
        retry_after: None,
    }
}

/// The error for a stream that ended before `message_stop`.
fn incomplete() -> ProviderError {
    ProviderError::Transport(
        "the stream ended before message_stop; the answer is incomplete".into(),
    )
}

/// SSE events, named: Anthropic's event name says what the data is. The stream is
/// complete only at `message_stop`.
impl Translate for Translator {
    type Event = (Option<String>, String);

    fn event(&mut self, (name, data): Self::Event) -> Result<Step, ProviderError> {
        Translator::event(self, name.as_deref(), &data)
    }

    fn end(&mut self) -> Result<Vec<ChatChunk>, ProviderError> {
        Err(incomplete())
    }
}
