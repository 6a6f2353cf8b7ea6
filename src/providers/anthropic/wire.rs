//! Anthropic Messages API wire format: only the fields bifrost writes or reads.
//! Reference: <https://docs.anthropic.com/en/api/messages>.
//!
//! Request and response blocks are separate types: requests must never carry a field
//! Anthropic would reject, while responses must tolerate block types newer than this
//! release (they decode as `Other` and are skipped).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `POST /v1/messages` body.
#[derive(Debug, Clone, Serialize)]
pub struct MessagesRequest {
    /// Upstream model id.
    pub model: String,
    /// Required by Anthropic, unlike OpenAI.
    pub max_tokens: u64,
    /// User and assistant turns; system text goes in `system`.
    pub messages: Vec<WireMessage>,
    /// All system and developer messages: joined text, or text blocks when one of
    /// them carries `cache_control` (only blocks can).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<System>,
    /// Sampling temperature (Anthropic accepts 0..=1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Anthropic-only; passed through when a client sends it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_k: Option<Value>,
    /// Custom stop strings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_sequences: Option<Vec<String>>,
    /// End-user id for abuse tracking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// Function tools.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Tool>>,
    /// How the model must use tools.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    /// Extended thinking settings; Anthropic-only, passed through when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking: Option<Value>,
    /// Server-sent events instead of one body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
}

/// `metadata` of a request.
#[derive(Debug, Clone, Serialize)]
pub struct Metadata {
    /// Opaque end-user id.
    pub user_id: String,
}

/// `system` of a request.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum System {
    /// Plain text, the common case.
    Text(String),
    /// Text blocks, some with `cache_control`.
    Blocks(Vec<Block>),
}

/// One turn of the conversation.
#[derive(Debug, Clone, Serialize)]
pub struct WireMessage {
    /// `user` or `assistant`.
    pub role: &'static str,
    /// Always blocks, so consecutive turns of one role can be merged.
    pub content: Vec<Block>,
}

/// A request content block. `cache_control` (`{"type":"ephemeral"}`, maybe a `ttl`)
/// marks the end of a prompt-cache prefix; thinking blocks cannot carry one.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// Plain text (must be non-empty).
    Text {
        /// The text.
        text: String,
        /// Prompt-cache breakpoint.
        #[serde(skip_serializing_if = "Option::is_none")]
        cache_control: Option<Value>,
    },
    /// An image, inline or by URL.
    Image {
        /// Where the image comes from.
        source: ImageSource,
        /// Prompt-cache breakpoint.
        #[serde(skip_serializing_if = "Option::is_none")]
        cache_control: Option<Value>,
    },
    /// A tool call the assistant made earlier.
    ToolUse {
        /// Call id, echoed by the matching result.
        id: String,
        /// Tool name.
        name: String,
        /// Arguments as a JSON object.
        input: Value,
        /// Prompt-cache breakpoint.
        #[serde(skip_serializing_if = "Option::is_none")]
        cache_control: Option<Value>,
    },
    /// The result of a tool call, sent in a user turn.
    ToolResult {
        /// The `tool_use` id it answers.
        tool_use_id: String,
        /// Text and image blocks.
        content: Vec<Block>,
        /// Prompt-cache breakpoint.
        #[serde(skip_serializing_if = "Option::is_none")]
        cache_control: Option<Value>,
    },
    /// Earlier extended thinking, sent back exactly as Anthropic produced it.
    Thinking {
        /// The reasoning text.
        thinking: String,
        /// Anthropic's signature over it; a block without one is rejected.
        signature: String,
    },
    /// Earlier thinking Anthropic encrypted, sent back exactly as produced.
    RedactedThinking {
        /// The opaque encrypted reasoning.
        data: String,
    },
}

impl Block {
    /// Sets the block's prompt-cache breakpoint; false for thinking blocks, which
    /// Anthropic does not let carry one.
    pub fn set_cache_control(&mut self, value: Value) -> bool {
        match self {
            Block::Text { cache_control, .. }
            | Block::Image { cache_control, .. }
            | Block::ToolUse { cache_control, .. }
            | Block::ToolResult { cache_control, .. } => {
                *cache_control = Some(value);
                true
            }
            Block::Thinking { .. } | Block::RedactedThinking { .. } => false,
        }
    }
}

/// `source` of an image block.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ImageSource {
    /// Inline bytes from a `data:` URL.
    Base64 {
        /// e.g. `image/png`.
        media_type: String,
        /// Base64 text, as the client sent it.
        data: String,
    },
    /// An http(s) URL Anthropic fetches itself.
    Url {
        /// The URL.
        url: String,
    },
}

/// A function tool.
#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    /// Function name.
    pub name: String,
    /// What it does, for the model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON schema of its arguments.
    pub input_schema: Value,
    /// Prompt-cache breakpoint: caches the tool list up to this tool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<Value>,
}

/// `tool_choice` of a request.
#[derive(Debug, Clone, Serialize)]
pub struct ToolChoice {
    /// `auto`, `any`, `tool` or `none`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The forced tool, for `tool`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Set from OpenAI's `parallel_tool_calls: false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_parallel_tool_use: Option<bool>,
}

/// A non-streaming answer (also the `message` of `message_start`).
#[derive(Debug, Clone, Deserialize)]
pub struct MessagesResponse {
    /// `msg_...`.
    #[serde(default)]
    pub id: String,
    /// The model that answered.
    #[serde(default)]
    pub model: String,
    /// Output blocks in order.
    #[serde(default)]
    pub content: Vec<ResponseBlock>,
    /// Why generation stopped; null in `message_start`.
    #[serde(default)]
    pub stop_reason: Option<String>,
    /// Token counts.
    #[serde(default)]
    pub usage: WireUsage,
}

/// A response content block.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResponseBlock {
    /// Text.
    Text {
        /// The text.
        #[serde(default)]
        text: String,
    },
    /// A tool call.
    ToolUse {
        /// Call id.
        id: String,
        /// Tool name.
        name: String,
        /// Arguments (empty object at `content_block_start` of a stream).
        #[serde(default)]
        input: Value,
    },
    /// Extended-thinking text (empty at `content_block_start` of a stream).
    Thinking {
        /// The reasoning.
        #[serde(default)]
        thinking: String,
        /// Signature to send back with the block (in streams: `signature_delta`).
        #[serde(default)]
        signature: String,
    },
    /// Thinking Anthropic encrypted; it arrives whole, also in streams.
    RedactedThinking {
        /// The opaque encrypted reasoning.
        #[serde(default)]
        data: String,
    },
    /// Anything else (server tools, newer types): skipped.
    #[serde(other)]
    Other,
}

/// Anthropic token usage. `input_tokens` excludes the cached parts.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WireUsage {
    /// Uncached input tokens.
    #[serde(default)]
    pub input_tokens: Option<u64>,
    /// Output tokens (cumulative in `message_delta`).
    #[serde(default)]
    pub output_tokens: Option<u64>,
    /// Input tokens read from the prompt cache.
    #[serde(default)]
    pub cache_read_input_tokens: Option<u64>,
    /// Input tokens written to the prompt cache.
    #[serde(default)]
    pub cache_creation_input_tokens: Option<u64>,
}

/// One stream event's `data`, tagged by its `type`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamEvent {
    /// The message shell: id, model, input usage.
    MessageStart {
        /// The message so far.
        message: MessagesResponse,
    },
    /// A new block begins.
    ContentBlockStart {
        /// Block position in `content`.
        index: u32,
        /// The block with empty text/input.
        content_block: ResponseBlock,
    },
    /// A fragment of the current block.
    ContentBlockDelta {
        /// Block position.
        index: u32,
        /// The fragment.
        delta: BlockDelta,
    },
    /// The block at `index` is complete.
    ContentBlockStop {
        /// Block position.
        index: u32,
    },
    /// The final stop reason and output usage.
    MessageDelta {
        /// `stop_reason`, `stop_sequence`.
        delta: MessageDeltaBody,
        /// Cumulative usage.
        #[serde(default)]
        usage: WireUsage,
    },
    /// The stream is complete.
    MessageStop,
    /// An error mid-stream.
    Error {
        /// `{type, message}`.
        error: WireError,
    },
    /// `ping` and newer events: nothing to translate.
    #[serde(other)]
    Other,
}

/// `delta` of `content_block_delta`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockDelta {
    /// Text.
    TextDelta {
        /// The fragment.
        text: String,
    },
    /// A piece of a tool call's JSON arguments.
    InputJsonDelta {
        /// The fragment, not valid JSON on its own.
        partial_json: String,
    },
    /// Thinking text.
    ThinkingDelta {
        /// The fragment.
        thinking: String,
    },
    /// The signature of the current thinking block, sent just before it stops.
    SignatureDelta {
        /// The signature (whole, in practice; appended if it ever comes in parts).
        signature: String,
    },
    /// Citations and newer deltas: skipped.
    #[serde(other)]
    Other,
}

/// `delta` of `message_delta`.
#[derive(Debug, Clone, Deserialize)]
pub struct MessageDeltaBody {
    /// Why generation stopped.
    #[serde(default)]
    pub stop_reason: Option<String>,
}

/// Anthropic's error object.
#[derive(Debug, Clone, Deserialize)]
pub struct WireError {
    /// e.g. `overloaded_error`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Human-readable text.
    #[serde(default)]
    pub message: String,
}
