//! Gemini stream events -> OpenAI `chat.completion.chunk`s, one event at a time.
//!
//! `streamGenerateContent?alt=sse` sends whole `GenerateContentResponse` objects as
//! `data:` events and ends by closing the body (no `[DONE]`); the last event carries
//! `finishReason`. Pure: [`Translator::event`] says what to send for one event, and
//! nothing is buffered, so the client sees each piece as soon as the upstream sends it.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Value};

use super::response::{blocked_message, finish_reason, tool_call, usage};
use super::wire::{ErrorBody, GenerateContentResponse, UsageMetadata, WireError};
use crate::providers::translate::{self, Step, Translate};
use crate::providers::ProviderError;
use crate::schema::{unix_now, ChatChunk, ChunkChoice};

/// The state one stream's translation needs between events.
#[derive(Debug)]
pub struct Translator {
    include_usage: bool,
    id: String,
    model: String,
    created: u64,
    seen_first: bool,
    usage: Option<UsageMetadata>,
    /// Candidates whose first chunk (the one carrying the role) has gone out.
    started: HashSet<u32>,
    /// Tool calls sent so far, per candidate: OpenAI numbers them per choice.
    calls: HashMap<u32, usize>,
    finished: bool,
}

impl Translator {
    /// A translator; `model` and `fallback_id` stand in until Gemini names its own, and
    /// `include_usage` is the client's `stream_options.include_usage`.
    pub fn new(model: &str, fallback_id: &str, include_usage: bool) -> Self {
        Translator {
            include_usage,
            id: fallback_id.to_string(),
            model: model.to_string(),
            created: unix_now(),
            seen_first: false,
            usage: None,
            started: HashSet::new(),
            calls: HashMap::new(),
            finished: false,
        }
    }

    /// Translates one event's `data`. An `error` object or a payload that is not a
    /// response becomes an error, which ends the stream.
    pub fn event(&mut self, data: &str) -> Result<Vec<ChatChunk>, ProviderError> {
        let value: Value = serde_json::from_str(data).map_err(|e| {
            ProviderError::InvalidResponse(format!("stream event is not JSON ({e}): {data}"))
        })?;
        if value.get("error").is_some() {
            let body: Option<ErrorBody> = serde_json::from_value(value).ok();
            return Err(stream_error(body.map(|b| b.error).unwrap_or_default()));
        }
        let event: GenerateContentResponse = serde_json::from_value(value).map_err(|e| {
            ProviderError::InvalidResponse(format!("unexpected stream event ({e}): {data}"))
        })?;
        if !self.seen_first {
            self.seen_first = true;
            if let Some(id) = event.response_id.clone() {
                self.id = id;
            }
            if let Some(m) = event.model_version.clone() {
                self.model = m;
            }
        }
        if event.usage_metadata.is_some() {
            // Cumulative: the latest counts replace earlier ones.
            self.usage = event.usage_metadata.clone();
        }
        let mut chunks = Vec::new();
        if event.candidates.is_empty() {
            if let Some(text) = event.prompt_feedback.as_ref().and_then(blocked_message) {
                chunks.push(self.delta(0, json!({"role": "assistant", "content": text}), None));
                chunks.push(self.delta(0, json!({}), Some("content_filter".into())));
                self.finished = true;
            }
        }
        for (pos, candidate) in event.candidates.iter().enumerate() {
            let index = candidate.index.unwrap_or(pos as u32);
            let mut deltas = Vec::new();
            let parts = candidate.content.as_ref().map(|c| c.parts.as_slice());
            for part in parts.unwrap_or_default() {
                if let Some(call) = &part.function_call {
                    let n = self.calls.entry(index).or_insert(0);
                    let mut c = tool_call(call, *n, part.thought_signature.as_deref());
                    c["index"] = (*n).into();
                    *n += 1;
                    deltas.push(json!({"tool_calls": [c]}));
                } else if let Some(text) = part.text.as_deref().filter(|t| !t.is_empty()) {
                    let key = if part.thought == Some(true) {
                        "reasoning_content"
                    } else {
                        "content"
                    };
                    deltas.push(json!({ key: text }));
                }
            }
            if self.started.insert(index) {
                match deltas.first_mut() {
                    Some(first) => first["role"] = "assistant".into(),
                    None => deltas.push(json!({"role": "assistant", "content": ""})),
                }
            }
            for d in deltas {
                chunks.push(self.delta(index, d, None));
            }
            if let Some(reason) = candidate.finish_reason.as_deref() {
                let has_calls = self.calls.get(&index).is_some_and(|n| *n > 0);
                let reason = finish_reason(reason, has_calls);
                chunks.push(self.delta(index, json!({}), Some(reason)));
                self.finished = true;
            }
        }
        Ok(chunks)
    }

    /// What to send when the upstream closes the stream: the usage chunk if asked for,
    /// or an error when no event said the answer was finished.
    pub fn end(&self) -> Result<Vec<ChatChunk>, ProviderError> {
        if !self.finished {
            return Err(ProviderError::Transport(
                "the stream ended before a finishReason; the answer is incomplete".into(),
            ));
        }
        if !self.include_usage {
            return Ok(Vec::new());
        }
        let mut chunk = self.chunk(Vec::new());
        chunk.usage = Some(usage(&self.usage.clone().unwrap_or_default()));
        Ok(vec![chunk])
    }

    fn delta(&self, index: u32, delta: Value, finish_reason: Option<String>) -> ChatChunk {
        self.chunk(vec![translate::choice(index, delta, finish_reason)])
    }

    fn chunk(&self, choices: Vec<ChunkChoice>) -> ChatChunk {
        translate::chunk(&self.id, self.created, &self.model, choices)
    }
}

/// An `error` event as a status error carrying Google's status code and message.
fn stream_error(e: WireError) -> ProviderError {
    let status = e.code.filter(|c| (400..=599).contains(c)).unwrap_or(502);
    let message = match (e.message.is_empty(), e.status) {
        (false, _) => e.message,
        (true, Some(s)) => s,
        (true, None) => "the upstream reported an error mid-stream".to_string(),
    };
    ProviderError::Status {
        status,
        message,
        retry_after: None,
    }
}

/// SSE data events; Gemini never says "done" in an event, it closes the stream, so
/// every answer finishes in [`Translate::end`].
impl Translate for Translator {
    type Event = (Option<String>, String);

    fn event(&mut self, (_, data): Self::Event) -> Result<Step, ProviderError> {
        Ok(Step {
            chunks: Translator::event(self, &data)?,
            done: false,
        })
    }

    fn end(&mut self) -> Result<Vec<ChatChunk>, ProviderError> {
        Translator::end(self)
    }
}
