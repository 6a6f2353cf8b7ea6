//! ConverseStream events -> OpenAI `chat.completion.chunk`s, one event at a time.
//!
//! Pure: [`Translator::frame`] takes one decoded event-stream message and says what to
//! send. Nothing is buffered, so the client sees each token as soon as Bedrock sends it.
//! Bedrock ends a stream with `messageStop` (the finish reason) and then `metadata`
//! (usage); the stream is complete after `metadata`, or at the body's end once
//! `messageStop` was seen.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{json, Value};

use super::eventstream::Frame;
use super::response::{completion_id, finish_reason, tool_call, usage};
use super::wire::WireUsage;
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
    stopped: bool,
    /// Bedrock numbers every content block; OpenAI numbers only tool calls.
    tool_index: HashMap<u64, u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BlockStart {
    #[serde(default)]
    content_block_index: u64,
    #[serde(default)]
    start: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BlockDelta {
    #[serde(default)]
    content_block_index: u64,
    #[serde(default)]
    delta: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageStop {
    #[serde(default)]
    stop_reason: Option<String>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    usage: Option<WireUsage>,
}

fn parse<'a, T: Deserialize<'a>>(kind: &str, payload: &'a [u8]) -> Result<T, ProviderError> {
    serde_json::from_slice(payload).map_err(|e| {
        ProviderError::InvalidResponse(format!(
            "unexpected `{kind}` event ({e}): {}",
            String::from_utf8_lossy(payload)
        ))
    })
}

impl Translator {
    /// A translator; `include_usage` is the client's `stream_options.include_usage`.
    pub fn new(model: &str, include_usage: bool) -> Self {
        Translator {
            include_usage,
            id: completion_id(),
            model: model.to_string(),
            created: unix_now(),
            stopped: false,
            tool_index: HashMap::new(),
        }
    }

    /// Translates one message; exceptions and errors become the `Err` that ends the stream.
    pub fn frame(&mut self, frame: Frame) -> Result<Step, ProviderError> {
        let (kind, payload) = match frame {
            Frame::Event { kind, payload } => (kind, payload),
            Frame::Exception { kind, payload } => return Err(exception(&kind, &payload)),
            Frame::Error { code, message } => {
                return Err(ProviderError::Status {
                    status: 502,
                    message: format!("{code}: {message}"),
                    retry_after: None,
                })
            }
        };
        let mut step = Step::default();
        match kind.as_str() {
            "messageStart" => {
                step.chunks
                    .push(self.delta(json!({"role": "assistant", "content": ""}), None));
            }
            "contentBlockStart" => {
                let start: BlockStart = parse(&kind, &payload)?;
                if let Some(tool) = start.start.get("toolUse") {
                    let n = u32::try_from(self.tool_index.len()).unwrap_or(u32::MAX);
                    self.tool_index.insert(start.content_block_index, n);
                    let field = |k| tool.get(k).and_then(Value::as_str).unwrap_or("");
                    let mut call = tool_call(field("toolUseId"), field("name"), String::new());
                    call["index"] = n.into();
                    step.chunks
                        .push(self.delta(json!({"tool_calls": [call]}), None));
                }
            }
            "contentBlockDelta" => {
                let d: BlockDelta = parse(&kind, &payload)?;
                let delta = if let Some(text) = d.delta.get("text").and_then(Value::as_str) {
                    json!({"content": text})
                } else if let Some(input) =
                    d.delta.pointer("/toolUse/input").and_then(Value::as_str)
                {
                    let n = self.tool_index.get(&d.content_block_index).copied();
                    let n = n.ok_or_else(|| {
                        ProviderError::InvalidResponse(format!(
                            "a toolUse delta for content block {}, which started no tool call",
                            d.content_block_index
                        ))
                    })?;
                    json!({"tool_calls": [{"index": n, "function": {"arguments": input}}]})
                } else if let Some(text) = d
                    .delta
                    .pointer("/reasoningContent/text")
                    .and_then(Value::as_str)
                {
                    json!({"reasoning_content": text})
                } else {
                    // Signatures, citations and block kinds newer than this code.
                    return Ok(step);
                };
                step.chunks.push(self.delta(delta, None));
            }
            "messageStop" => {
                let stop: MessageStop = parse(&kind, &payload)?;
                self.stopped = true;
                let reason = stop.stop_reason.as_deref().map(finish_reason);
                step.chunks.push(self.delta(json!({}), reason));
            }
            "metadata" => {
                let meta: Metadata = parse(&kind, &payload)?;
                if self.include_usage {
                    let mut chunk = self.chunk(Vec::new());
                    chunk.usage = Some(usage(&meta.usage.unwrap_or_default()));
                    step.chunks.push(chunk);
                }
                step.done = self.stopped;
            }
            // contentBlockStop and event types newer than this code carry nothing to send.
            _ => {}
        }
        Ok(step)
    }

    /// Called when the body ends: complete once `messageStop` was seen, else an error.
    pub fn finish(&self) -> Result<(), ProviderError> {
        if self.stopped {
            Ok(())
        } else {
            Err(ProviderError::Transport(
                "the stream ended before messageStop; the answer is incomplete".into(),
            ))
        }
    }

    fn delta(&self, delta: Value, finish_reason: Option<String>) -> ChatChunk {
        self.chunk(vec![translate::choice(0, delta, finish_reason)])
    }

    fn chunk(&self, choices: Vec<ChunkChoice>) -> ChatChunk {
        translate::chunk(&self.id, self.created, &self.model, choices)
    }
}

/// Classified event-stream frames (see `eventstream::frames`); a body that ends after
/// `messageStop` but before `metadata` is complete, without usage.
impl Translate for Translator {
    type Event = Frame;

    fn event(&mut self, frame: Frame) -> Result<Step, ProviderError> {
        self.frame(frame)
    }

    fn end(&mut self) -> Result<Vec<ChatChunk>, ProviderError> {
        self.finish().map(|()| Vec::new())
    }
}

/// A stream exception as a status error, with the HTTP status Bedrock documents for it.
pub fn exception(kind: &str, payload: &[u8]) -> ProviderError {
    let status = match kind {
        "validationException" => 400,
        "accessDeniedException" => 403,
        "resourceNotFoundException" => 404,
        "modelStreamErrorException" => 424,
        "throttlingException" => 429,
        "internalServerException" => 500,
        "serviceUnavailableException" => 503,
        _ => 502,
    };
    let message = serde_json::from_slice::<Value>(payload)
        .ok()
        .and_then(|v| v.get("message").or_else(|| v.get("Message")).cloned())
        .and_then(|m| m.as_str().map(str::to_string))
        .unwrap_or_else(|| String::from_utf8_lossy(payload).trim().to_string());
    let message = if message.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {message}")
    };
    ProviderError::Status {
        status,
        message,
        retry_after: None,
    }
}
