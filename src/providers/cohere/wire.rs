//! Cohere v2 wire format: only the fields bifrost writes or reads.
//! Reference: <https://docs.cohere.com/reference/chat>, `/embed`, `/rerank`.
//!
//! Requests are typed so that nothing Cohere would reject slips through; answers are
//! lenient (every field defaulted, unknown event types decoded as `Other`) so that a
//! newer Cohere release does not break translation.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `POST /v2/chat` body.
#[derive(Debug, Clone, Serialize)]
pub struct ChatRequest {
    /// Upstream model id.
    pub model: String,
    /// The conversation, system turns included.
    pub messages: Vec<WireMessage>,
    /// Server-sent events instead of one body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// Function tools (OpenAI's shape, which Cohere v2 shares).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Value>>,
    /// `REQUIRED` or `NONE`; absent means the model decides.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<&'static str>,
    /// `{"type":"json_object"}`, optionally with `json_schema`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_format: Option<Value>,
    /// Output token limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u64>,
    /// Custom stop strings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_sequences: Option<Vec<String>>,
    /// Sampling temperature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling (OpenAI's `top_p`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p: Option<f64>,
    /// Top-k sampling; Cohere-only, passed through when a client sends `top_k`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k: Option<Value>,
    /// Deterministic sampling seed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<Value>,
    /// Penalty on tokens by frequency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f64>,
    /// Penalty on tokens already present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f64>,
}

/// One turn, tagged by its role.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "role", rename_all = "lowercase")]
pub enum WireMessage {
    /// Instructions.
    System {
        /// The text.
        content: String,
    },
    /// A user turn: a string or `text`/`image_url` parts.
    User {
        /// The content as Cohere takes it.
        content: Value,
    },
    /// A model turn, possibly with tool calls.
    Assistant {
        /// Text; absent when the turn is only tool calls.
        #[serde(skip_serializing_if = "Option::is_none")]
        content: Option<String>,
        /// What the model said it would do before calling tools.
        #[serde(skip_serializing_if = "Option::is_none")]
        tool_plan: Option<String>,
        /// Calls in OpenAI's shape (arguments as a JSON string).
        #[serde(skip_serializing_if = "Option::is_none")]
        tool_calls: Option<Vec<Value>>,
    },
    /// The result of one tool call.
    Tool {
        /// The call it answers.
        tool_call_id: String,
        /// A string or text parts.
        content: Value,
    },
}

/// A non-streaming chat answer.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChatResponse {
    /// Generation id.
    #[serde(default)]
    pub id: String,
    /// `COMPLETE`, `STOP_SEQUENCE`, `MAX_TOKENS`, `TOOL_CALL`, `ERROR`, ...
    #[serde(default)]
    pub finish_reason: Option<String>,
    /// The assistant's message.
    #[serde(default)]
    pub message: ResponseMessage,
    /// Token counts.
    #[serde(default)]
    pub usage: Option<WireUsage>,
}

/// `message` of a chat answer.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResponseMessage {
    /// Text (and, for reasoning models, thinking) blocks.
    #[serde(default)]
    pub content: Vec<ContentBlock>,
    /// The plan that preceded tool calls.
    #[serde(default)]
    pub tool_plan: Option<String>,
    /// Tool calls in OpenAI's shape.
    #[serde(default)]
    pub tool_calls: Vec<ToolCall>,
}

/// A response content block; unknown types keep only what is readable.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContentBlock {
    /// `text` or `thinking`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Text of a `text` block.
    #[serde(default)]
    pub text: Option<String>,
    /// Text of a `thinking` block.
    #[serde(default)]
    pub thinking: Option<String>,
}

/// A tool call (also a `tool-call-start`/`-delta` fragment, where fields are partial).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ToolCall {
    /// Call id.
    #[serde(default)]
    pub id: Option<String>,
    /// Name and arguments.
    #[serde(default)]
    pub function: ToolFunction,
}

/// `function` of a tool call.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ToolFunction {
    /// Tool name.
    #[serde(default)]
    pub name: Option<String>,
    /// JSON arguments, as a string (a fragment of it in deltas).
    #[serde(default)]
    pub arguments: Option<String>,
}

/// Cohere usage: `tokens` are what the model saw, `billed_units` what was charged.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WireUsage {
    /// Actual token counts.
    #[serde(default)]
    pub tokens: Option<TokenCounts>,
    /// Billed token counts.
    #[serde(default)]
    pub billed_units: Option<TokenCounts>,
}

/// Input and output token counts (Cohere sends them as numbers that may be floats).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TokenCounts {
    /// Prompt tokens.
    #[serde(default)]
    pub input_tokens: Option<f64>,
    /// Generated tokens.
    #[serde(default)]
    pub output_tokens: Option<f64>,
}

/// One stream event, tagged by its `type`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum StreamEvent {
    /// The generation id.
    MessageStart {
        /// Generation id.
        #[serde(default)]
        id: String,
    },
    /// A fragment of text or thinking.
    ContentDelta {
        /// The fragment.
        #[serde(default)]
        delta: Delta,
    },
    /// A fragment of the tool plan.
    ToolPlanDelta {
        /// The fragment.
        #[serde(default)]
        delta: Delta,
    },
    /// A tool call begins: id and name.
    ToolCallStart {
        /// Cohere's tool-call position.
        #[serde(default)]
        index: u32,
        /// The call's head.
        #[serde(default)]
        delta: Delta,
    },
    /// A fragment of a tool call's arguments.
    ToolCallDelta {
        /// Cohere's tool-call position.
        #[serde(default)]
        index: u32,
        /// The fragment.
        #[serde(default)]
        delta: Delta,
    },
    /// The end: finish reason, usage, and an error text when generation failed.
    MessageEnd {
        /// Final state.
        #[serde(default)]
        delta: EndDelta,
    },
    /// `content-start`, `content-end`, `tool-call-end`, citations and newer events.
    #[serde(other)]
    Other,
}

/// `delta` of content and tool events.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Delta {
    /// The message fragment.
    #[serde(default)]
    pub message: DeltaMessage,
}

/// `delta.message` of a stream event.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DeltaMessage {
    /// Text or thinking fragment.
    #[serde(default)]
    pub content: Option<ContentBlock>,
    /// Tool plan fragment.
    #[serde(default)]
    pub tool_plan: Option<String>,
    /// One tool call's head or fragment (a single object, not a list).
    #[serde(default)]
    pub tool_calls: Option<ToolCall>,
}

/// `delta` of `message-end`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EndDelta {
    /// Why generation stopped.
    #[serde(default)]
    pub finish_reason: Option<String>,
    /// Token counts of the whole generation.
    #[serde(default)]
    pub usage: Option<WireUsage>,
    /// Set when generation failed.
    #[serde(default)]
    pub error: Option<String>,
}
