//! Chat completions: request, response and stream chunk.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Extra;

/// `POST /v1/chat/completions` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChatRequest {
    /// `provider/model` or a bare model name.
    pub model: String,
    /// The conversation so far.
    pub messages: Vec<Message>,
    /// Whether the client wants server-sent events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// Streaming options (`include_usage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_options: Option<StreamOptions>,
    /// Every other parameter, forwarded as sent.
    #[serde(flatten)]
    pub extra: Extra,
    /// Headers the client addressed to OpenAI (`openai-beta`), allow-listed by the
    /// route: an OpenAI-format upstream gets them, other adapters ignore them. Never
    /// part of the body.
    #[serde(skip)]
    pub vendor_headers: http::HeaderMap,
}

impl ChatRequest {
    /// A request translated from another wire format. Those formats always report
    /// usage, so a stream asks for OpenAI's final usage chunk.
    pub fn translated(model: String, messages: Vec<Message>, stream: bool, extra: Extra) -> Self {
        ChatRequest {
            model,
            messages,
            stream: stream.then_some(true),
            stream_options: stream.then(|| StreamOptions {
                include_usage: Some(true),
                extra: Extra::new(),
            }),
            extra,
            vendor_headers: http::HeaderMap::new(),
        }
    }

    /// True when the client asked for a stream.
    pub fn is_stream(&self) -> bool {
        self.stream.unwrap_or(false)
    }

    /// True when the client asked for a final usage chunk.
    pub fn wants_stream_usage(&self) -> bool {
        self.stream_options
            .as_ref()
            .and_then(|o| o.include_usage)
            .unwrap_or(false)
    }
}

/// `stream_options` of a chat request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StreamOptions {
    /// Ask for a last chunk that carries token usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_usage: Option<bool>,
    /// Other options, forwarded as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One chat message. `content` is a string or a list of parts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    /// `system`, `user`, `assistant`, `tool`, ...
    pub role: String,
    /// Text or content parts; absent on some assistant tool-call messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Value>,
    /// `name`, `tool_calls`, `tool_call_id`, ...
    #[serde(flatten)]
    pub extra: Extra,
}

impl Message {
    /// The assistant's `tool_calls` (OpenAI's shape, kept in `extra`); empty when it
    /// has none or they are not a list.
    pub fn tool_calls(&self) -> &[Value] {
        self.extra
            .get("tool_calls")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    /// The message's text: the string content, or its text parts joined.
    pub fn text(&self) -> String {
        match &self.content {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(parts)) => parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(""),
            _ => String::new(),
        }
    }
}

/// A non-streaming chat completion.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChatResponse {
    /// Upstream completion id.
    #[serde(default)]
    pub id: String,
    /// Always `chat.completion`.
    #[serde(default = "chat_completion_object")]
    pub object: String,
    /// Unix seconds.
    #[serde(default)]
    pub created: u64,
    /// The model that answered.
    #[serde(default)]
    pub model: String,
    /// The answers.
    #[serde(default)]
    pub choices: Vec<ChatChoice>,
    /// Token counts, when the upstream reports them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// `system_fingerprint`, `service_tier`, ...
    #[serde(flatten)]
    pub extra: Extra,
}

fn chat_completion_object() -> String {
    "chat.completion".to_string()
}

/// One choice of a non-streaming completion.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChatChoice {
    /// Position in `choices`.
    #[serde(default)]
    pub index: u32,
    /// The assistant's message.
    pub message: Message,
    /// Why generation stopped.
    #[serde(default)]
    pub finish_reason: Option<String>,
    /// `logprobs`, ...
    #[serde(flatten)]
    pub extra: Extra,
}

/// Token usage of one call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// Input tokens (`input_tokens` in the Responses API).
    #[serde(default, alias = "input_tokens")]
    pub prompt_tokens: u64,
    /// Output tokens (`output_tokens` in the Responses API).
    #[serde(default, alias = "output_tokens")]
    pub completion_tokens: u64,
    /// Their sum.
    #[serde(default)]
    pub total_tokens: u64,
    /// `prompt_tokens_details`, `completion_tokens_details`, ...
    #[serde(flatten)]
    pub extra: Extra,
}

impl Usage {
    /// Usage with the total filled in.
    pub fn new(prompt_tokens: u64, completion_tokens: u64) -> Self {
        Usage {
            prompt_tokens,
            completion_tokens,
            total_tokens: prompt_tokens + completion_tokens,
            extra: Extra::new(),
        }
    }
}

/// One `chat.completion.chunk` of a stream.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChatChunk {
    /// Completion id, the same on every chunk.
    #[serde(default)]
    pub id: String,
    /// Always `chat.completion.chunk`.
    #[serde(default = "chat_chunk_object")]
    pub object: String,
    /// Unix seconds.
    #[serde(default)]
    pub created: u64,
    /// The model that answers.
    #[serde(default)]
    pub model: String,
    /// Deltas; empty on the final usage chunk.
    #[serde(default)]
    pub choices: Vec<ChunkChoice>,
    /// Present on the final chunk when `include_usage` was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Other fields, forwarded as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

fn chat_chunk_object() -> String {
    "chat.completion.chunk".to_string()
}

/// One choice's delta within a chunk.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChunkChoice {
    /// Position in `choices`.
    #[serde(default)]
    pub index: u32,
    /// `role`, `content`, `tool_calls` fragments.
    #[serde(default)]
    pub delta: Extra,
    /// Set on the last content chunk of this choice.
    #[serde(default)]
    pub finish_reason: Option<String>,
    /// `logprobs`, ...
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let body = r#"{"model":"m","messages":[{"role":"user","content":"hi","name":"a"}],
            "brand_new_param":{"x":1},"temperature":0.2}"#;
        let req: ChatRequest = serde_json::from_str(body).unwrap();
        let back = serde_json::to_value(&req).unwrap();
        assert_eq!(back["brand_new_param"]["x"], 1);
        assert_eq!(back["temperature"], 0.2);
        assert_eq!(back["messages"][0]["name"], "a");
        assert!(back.get("stream").is_none());
    }

    #[test]
    fn responses_usage_reads_as_usage() {
        let u: Usage = serde_json::from_str(
            r#"{"input_tokens": 5, "output_tokens": 7, "total_tokens": 12, "input_tokens_details": {"cached_tokens": 1}}"#,
        )
        .unwrap();
        assert_eq!(
            (u.prompt_tokens, u.completion_tokens, u.total_tokens),
            (5, 7, 12)
        );
        assert!(u.extra.contains_key("input_tokens_details"));
    }

    #[test]
    fn text_joins_parts() {
        let m: Message = serde_json::from_str(
            r#"{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url"},{"type":"text","text":"b"}]}"#,
        )
        .unwrap();
        assert_eq!(m.text(), "ab");
    }
}
