//! The built-in `mock` provider: answers without any network, so the README demo,
//! the tests and the benchmarks run offline. Replies echo the last user message unless
//! a fixed reply is configured; token counts are estimated (4 characters a token).

use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use serde_json::{json, Value};

use super::{Call, ChunkStream, JsonStream, Provider, ProviderError, Reply};
use crate::config::MockConfig;
use crate::schema::{
    unix_now, Answer, ChatChoice, ChatChunk, ChatRequest, ChatResponse, ChunkChoice,
    CompletionRequest, EmbeddingRequest, Extra, Message, Usage,
};

/// The mock upstream.
pub struct Mock {
    config: MockConfig,
}

impl Mock {
    /// A mock with the given behaviour.
    pub fn new(config: MockConfig) -> Self {
        Mock { config }
    }

    fn reply_to(&self, prompt: &str) -> String {
        match &self.config.reply {
            Some(fixed) => fixed.clone(),
            None => format!("mock reply: {prompt}"),
        }
    }

    fn usage(&self, prompt: &str, reply: &str) -> Usage {
        Usage::new(
            self.config
                .prompt_tokens
                .unwrap_or_else(|| estimate_tokens(prompt)),
            self.config
                .completion_tokens
                .unwrap_or_else(|| estimate_tokens(reply)),
        )
    }

    async fn pause(&self, share: u32) {
        if self.config.latency_ms > 0 {
            let ms = self.config.latency_ms / u64::from(share.max(1));
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }

    fn pieces(&self, reply: &str) -> Vec<String> {
        let chars: Vec<char> = reply.chars().collect();
        let n = self.config.stream_chunks.clamp(1, chars.len().max(1));
        let size = chars.len().div_ceil(n).max(1);
        chars.chunks(size).map(|c| c.iter().collect()).collect()
    }
}

fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4).max(1)
}

fn last_user_text(req: &ChatRequest) -> String {
    req.messages
        .iter()
        .rev()
        .find(|m| m.role == "user")
        .map(Message::text)
        .unwrap_or_default()
}

fn prompt_text(prompt: &Value) -> String {
    match prompt {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    }
}

fn completion_id() -> String {
    format!("mock-{}", uuid::Uuid::new_v4().simple())
}

fn delta(content: Option<&str>, role: bool) -> Extra {
    let mut d = Extra::new();
    if role {
        d.insert("role".into(), json!("assistant"));
    }
    if let Some(c) = content {
        d.insert("content".into(), json!(c));
    }
    d
}

#[async_trait]
impl Provider for Mock {
    /// Stands in for a prefill-capable upstream, so resumption runs offline.
    fn prefill(&self, _model: &str) -> bool {
        true
    }

    async fn chat(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<Answer<ChatResponse>>, ProviderError> {
        self.pause(1).await;
        let prompt = last_user_text(req);
        let reply = self.reply_to(&prompt);
        let usage = self.usage(&prompt, &reply);
        Ok(Reply::new(Answer::Typed(ChatResponse {
            id: completion_id(),
            object: "chat.completion".into(),
            created: unix_now(),
            model: call.model.to_string(),
            choices: vec![ChatChoice {
                index: 0,
                message: Message {
                    role: "assistant".into(),
                    content: Some(Value::String(reply)),
                    extra: Extra::new(),
                },
                finish_reason: Some("stop".into()),
                extra: Extra::new(),
            }],
            usage: Some(usage),
            extra: Extra::new(),
        })))
    }

    async fn chat_stream(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<ChunkStream>, ProviderError> {
        let prompt = last_user_text(req);
        let reply = self.reply_to(&prompt);
        let usage = self.usage(&prompt, &reply);
        let pieces = self.pieces(&reply);
        let share = u32::try_from(pieces.len()).unwrap_or(u32::MAX);
        let include_usage = req.wants_stream_usage();
        let model = call.model.to_string();
        let id = completion_id();
        let created = unix_now();
        let latency = self.config.latency_ms;
        let chunk = move |choices: Vec<ChunkChoice>, usage: Option<Usage>| ChatChunk {
            id: id.clone(),
            object: "chat.completion.chunk".into(),
            created,
            model: model.clone(),
            choices,
            usage,
            extra: Extra::new(),
        };
        let stream = async_stream::stream! {
            let count = pieces.len();
            for (i, piece) in pieces.into_iter().enumerate() {
                if latency > 0 {
                    tokio::time::sleep(Duration::from_millis(latency / u64::from(share.max(1)))).await;
                }
                yield Ok(chunk(vec![ChunkChoice {
                    index: 0,
                    delta: delta(Some(&piece), i == 0),
                    finish_reason: (i + 1 == count).then(|| "stop".to_string()),
                    extra: Extra::new(),
                }], None));
            }
            if include_usage {
                yield Ok(chunk(Vec::new(), Some(usage)));
            }
        };
        Ok(Reply::new(stream.boxed()))
    }

    async fn completion(
        &self,
        call: &Call,
        req: &CompletionRequest,
    ) -> Result<Reply<Answer<Value>>, ProviderError> {
        self.pause(1).await;
        let prompt = prompt_text(&req.prompt);
        let reply = self.reply_to(&prompt);
        let usage = self.usage(&prompt, &reply);
        Ok(Reply::new(Answer::Typed(json!({
            "id": completion_id(),
            "object": "text_completion",
            "created": unix_now(),
            "model": &*call.model,
            "choices": [{"index": 0, "text": reply, "finish_reason": "stop", "logprobs": null}],
            "usage": usage,
        }))))
    }

    async fn completion_stream(
        &self,
        call: &Call,
        req: &CompletionRequest,
    ) -> Result<Reply<JsonStream>, ProviderError> {
        let prompt = prompt_text(&req.prompt);
        let reply = self.reply_to(&prompt);
        let pieces = self.pieces(&reply);
        let model = call.model.to_string();
        let id = completion_id();
        let created = unix_now();
        let count = pieces.len();
        let items: Vec<Result<Value, ProviderError>> = pieces
            .into_iter()
            .enumerate()
            .map(|(i, text)| {
                Ok(json!({
                    "id": id, "object": "text_completion", "created": created, "model": model,
                    "choices": [{"index": 0, "text": text, "logprobs": null,
                        "finish_reason": if i + 1 == count { Some("stop") } else { None }}],
                }))
            })
            .collect();
        Ok(Reply::new(futures_util::stream::iter(items).boxed()))
    }

    async fn embeddings(
        &self,
        call: &Call,
        req: &EmbeddingRequest,
    ) -> Result<Reply<Answer<Value>>, ProviderError> {
        self.pause(1).await;
        let inputs: Vec<String> = match &req.input {
            Value::Array(items) if items.iter().all(|i| !i.is_number()) => {
                items.iter().map(prompt_text).collect()
            }
            other => vec![prompt_text(other)],
        };
        let dims = self.config.embedding_dimensions.max(1);
        let data: Vec<Value> = inputs
            .iter()
            .enumerate()
            .map(|(i, text)| json!({"object": "embedding", "index": i, "embedding": vector(text, dims)}))
            .collect();
        let tokens: u64 = inputs.iter().map(|t| estimate_tokens(t)).sum();
        Ok(Reply::new(Answer::Typed(json!({
            "object": "list",
            "data": data,
            "model": &*call.model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }))))
    }
}

/// A deterministic unit vector derived from the text (FNV-1a seeded xorshift).
fn vector(text: &str, dims: usize) -> Vec<f32> {
    let mut state = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    }) | 1;
    let raw: Vec<f32> = (0..dims)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 2001) as f32 / 1000.0 - 1.0
        })
        .collect();
    let norm = raw
        .iter()
        .map(|x| x * x)
        .sum::<f32>()
        .sqrt()
        .max(f32::EPSILON);
    raw.into_iter().map(|x| x / norm).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> Call {
        Call {
            model: "demo-model".into(),
            api_key: None,
            key: None,
            request_id: "r1".into(),
            traceparent: None,
        }
    }

    fn chat(text: &str, usage: bool) -> ChatRequest {
        serde_json::from_value(json!({
            "model": "demo-model",
            "messages": [{"role": "user", "content": text}],
            "stream_options": {"include_usage": usage},
        }))
        .unwrap()
    }

    #[tokio::test]
    async fn stream_concatenates_to_the_non_stream_reply() {
        let mock = Mock::new(MockConfig::default());
        let whole = mock
            .chat(&call(), &chat("hello there", false))
            .await
            .unwrap()
            .body
            .into_typed()
            .unwrap();
        let expected = whole.choices[0].message.text();
        assert_eq!(expected, "mock reply: hello there");
        let chunks: Vec<ChatChunk> = mock
            .chat_stream(&call(), &chat("hello there", true))
            .await
            .unwrap()
            .body
            .map(|c| c.unwrap())
            .collect()
            .await;
        let text: String = chunks
            .iter()
            .flat_map(|c| c.choices.iter())
            .filter_map(|c| c.delta.get("content").and_then(Value::as_str))
            .collect();
        assert_eq!(text, expected);
        assert!(chunks.len() >= 4);
        assert_eq!(chunks.last().unwrap().usage, whole.usage);
    }

    #[test]
    fn vectors_are_deterministic_unit_vectors() {
        let a = vector("x", 16);
        assert_eq!(a, vector("x", 16));
        assert_ne!(a, vector("y", 16));
        let norm: f32 = a.iter().map(|v| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-4);
    }
}
