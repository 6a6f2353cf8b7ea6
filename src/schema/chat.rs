//! Chat completions: request, response and stream chunk.

use serde::Serialize;
use serde_json::Value;

use super::with_extra::{or, required, with_extra};
use super::Extra;

/// `POST /v1/chat/completions` body.
#[derive(Debug, Clone, Serialize)]
pub struct ChatRequest {
    /// `provider/model` or a bare model name.
    pub model: String,
    /// The conversation so far.
    pub messages: Vec<Message>,
    /// Whether the client wants server-sent events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// Streaming options (`include_usage`).
    #[serde(skip_serializing_if = "Option::is_none")]
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

with_extra!(ChatRequest, "a chat completion request object", {
    model: String = required("model"),
    messages: Vec<Message> = required("messages"),
    stream: Option<bool> = or(None),
    stream_options: Option<StreamOptions> = or(None),
}, skip { vendor_headers = http::HeaderMap::new() });

/// `stream_options` of a chat request.
#[derive(Debug, Clone, Serialize)]
pub struct StreamOptions {
    /// Ask for a last chunk that carries token usage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_usage: Option<bool>,
    /// Other options, forwarded as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

with_extra!(StreamOptions, "stream options", {
    include_usage: Option<bool> = or(None),
});

/// One chat message. `content` is a string or a list of parts.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// `system`, `user`, `assistant`, `tool`, ...
    pub role: String,
    /// Text or content parts; absent on some assistant tool-call messages.
    #[serde(skip_serializing_if = "Option::is_none")]
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

with_extra!(Message, "a message object", {
    role: String = required("role"),
    content: Option<Value> = or(None),
});

/// A non-streaming chat completion.
#[derive(Debug, Clone, Serialize)]
pub struct ChatResponse {
    /// Upstream completion id.
    pub id: String,
    /// Always `chat.completion`.
    pub object: String,
    /// Unix seconds.
    pub created: u64,
    /// The model that answered.
    pub model: String,
    /// The answers.
    pub choices: Vec<ChatChoice>,
    /// Token counts, when the upstream reports them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// `system_fingerprint`, `service_tier`, ...
    #[serde(flatten)]
    pub extra: Extra,
}

fn chat_completion_object() -> String {
    "chat.completion".to_string()
}

with_extra!(ChatResponse, "a chat completion object", {
    id: String = or(String::new()),
    object: String = or(chat_completion_object()),
    created: u64 = or(0),
    model: String = or(String::new()),
    choices: Vec<ChatChoice> = or(Vec::new()),
    usage: Option<Usage> = or(None),
});

/// One choice of a non-streaming completion.
#[derive(Debug, Clone, Serialize)]
pub struct ChatChoice {
    /// Position in `choices`.
    pub index: u32,
    /// The assistant's message.
    pub message: Message,
    /// Why generation stopped.
    pub finish_reason: Option<String>,
    /// `logprobs`, ...
    #[serde(flatten)]
    pub extra: Extra,
}

with_extra!(ChatChoice, "a choice object", {
    index: u32 = or(0),
    message: Message = required("message"),
    finish_reason: Option<String> = or(None),
});

/// Token usage of one call.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Usage {
    /// Input tokens (`input_tokens` in the Responses API).
    pub prompt_tokens: u64,
    /// Output tokens (`output_tokens` in the Responses API).
    pub completion_tokens: u64,
    /// Their sum.
    pub total_tokens: u64,
    /// `prompt_tokens_details`, `completion_tokens_details`, ...
    #[serde(flatten)]
    pub extra: Extra,
}

with_extra!(Usage, "a usage object", {
    prompt_tokens | "input_tokens": u64 = or(0),
    completion_tokens | "output_tokens": u64 = or(0),
    total_tokens: u64 = or(0),
});

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
#[derive(Debug, Clone, Serialize)]
pub struct ChatChunk {
    /// Completion id, the same on every chunk.
    pub id: String,
    /// Always `chat.completion.chunk`.
    pub object: String,
    /// Unix seconds.
    pub created: u64,
    /// The model that answers.
    pub model: String,
    /// Deltas; empty on the final usage chunk.
    pub choices: Vec<ChunkChoice>,
    /// Present on the final chunk when `include_usage` was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Other fields, forwarded as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

fn chat_chunk_object() -> String {
    "chat.completion.chunk".to_string()
}

with_extra!(ChatChunk, "a chat.completion.chunk object", {
    id: String = or(String::new()),
    object: String = or(chat_chunk_object()),
    created: u64 = or(0),
    model: String = or(String::new()),
    choices: Vec<ChunkChoice> = or(Vec::new()),
    usage: Option<Usage> = or(None),
});

/// One choice's delta within a chunk.
#[derive(Debug, Clone, Serialize)]
pub struct ChunkChoice {
    /// Position in `choices`.
    pub index: u32,
    /// `role`, `content`, `tool_calls` fragments.
    pub delta: Extra,
    /// Set on the last content chunk of this choice.
    pub finish_reason: Option<String>,
    /// `logprobs`, ...
    #[serde(flatten)]
    pub extra: Extra,
}

with_extra!(ChunkChoice, "a chunk choice object", {
    index: u32 = or(0),
    delta: Extra = or(Extra::new()),
    finish_reason: Option<String> = or(None),
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_decode_once_into_fields_or_extra() {
        let chunk: ChatChunk = serde_json::from_str(
            r#"{"id":"c1","choices":[{"index":1,"delta":{"content":"hi"},"logprobs":null}],
                "usage":null,"system_fingerprint":"fp","\u0078":1}"#,
        )
        .unwrap();
        assert_eq!(
            (chunk.id.as_str(), chunk.object.as_str()),
            ("c1", "chat.completion.chunk")
        );
        assert_eq!(chunk.choices[0].index, 1);
        assert_eq!(chunk.choices[0].delta["content"], "hi");
        assert!(chunk.choices[0].extra["logprobs"].is_null());
        assert!(chunk.usage.is_none(), "null usage is no usage");
        assert_eq!(chunk.extra["system_fingerprint"], "fp");
        assert_eq!(chunk.extra["x"], 1, "an escaped member name is decoded");
        let usage: Usage =
            serde_json::from_str(r#"{"input_tokens":3,"output_tokens":4,"x":{}}"#).unwrap();
        assert_eq!((usage.prompt_tokens, usage.completion_tokens), (3, 4));
        assert!(usage.extra.contains_key("x"));
    }

    #[test]
    fn required_members_and_wrong_types_are_named() {
        let e = serde_json::from_str::<ChatRequest>(r#"{"messages":[]}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `model`"), "{e}");
        let e =
            serde_json::from_str::<ChatRequest>(r#"{"model":"m","messages":[{}]}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `role`"), "{e}");
        let e = serde_json::from_str::<ChatRequest>(r#"{"model":1,"messages":[]}"#).unwrap_err();
        assert!(e.to_string().contains("invalid type: integer"), "{e}");
        let e = serde_json::from_str::<ChatRequest>("[]").unwrap_err();
        assert!(
            e.to_string().contains("a chat completion request object"),
            "{e}"
        );
    }

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
