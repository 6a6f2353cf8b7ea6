//! Bedrock's Converse wire format, private to this module. Requests are typed (we
//! build them, so every field we send is spelled here once); answers keep content
//! blocks as JSON because Bedrock adds block kinds (citations, guard content, ...)
//! that must be skipped, not fail the whole answer.
//! Reference: <https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html>.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The body of `POST /model/{modelId}/converse` (and `/converse-stream`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseRequest {
    /// Conversation turns, alternating user and assistant.
    pub messages: Vec<WireMessage>,
    /// System prompts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub system: Vec<SystemBlock>,
    /// Sampling settings every model takes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inference_config: Option<InferenceConfig>,
    /// Tools the model may call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_config: Option<ToolConfig>,
    /// Model-specific fields, passed through only when the client sent them by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_model_request_fields: Option<Value>,
}

/// One system prompt block.
#[derive(Debug, Clone, Serialize)]
pub struct SystemBlock {
    /// Its text.
    pub text: String,
}

/// One turn.
#[derive(Debug, Clone, Serialize)]
pub struct WireMessage {
    /// `user` or `assistant`.
    pub role: &'static str,
    /// Its content blocks.
    pub content: Vec<Block>,
}

/// A content block: a union, serialized as `{"<kind>": ...}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Block {
    /// Text.
    Text(String),
    /// An inline image.
    Image(Image),
    /// A tool call the assistant made.
    ToolUse(ToolUse),
    /// The result of a tool call, sent in a user turn.
    ToolResult(ToolResult),
}

/// An inline image.
#[derive(Debug, Clone, Serialize)]
pub struct Image {
    /// `png`, `jpeg`, `gif` or `webp`.
    pub format: String,
    /// Where the bytes are.
    pub source: ImageSource,
}

/// Image bytes; a blob is base64 in JSON, so the data URL's payload goes as is.
#[derive(Debug, Clone, Serialize)]
pub struct ImageSource {
    /// Base64 of the image file.
    pub bytes: String,
}

/// A tool call.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolUse {
    /// The call's id (OpenAI's `tool_calls[].id`).
    pub tool_use_id: String,
    /// The tool's name.
    pub name: String,
    /// Its arguments as a JSON object.
    pub input: Value,
}

/// A tool call's result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolResult {
    /// The id of the call it answers.
    pub tool_use_id: String,
    /// Its content.
    pub content: Vec<ToolResultContent>,
}

/// One block of a tool result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ToolResultContent {
    /// Plain text.
    Text(String),
    /// A JSON document.
    Json(Value),
}

/// `inferenceConfig`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InferenceConfig {
    /// Most tokens to generate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u64>,
    /// Sampling temperature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Stop sequences.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stop_sequences: Vec<String>,
}

impl InferenceConfig {
    /// True when nothing is set (the whole object is then left out).
    pub fn is_empty(&self) -> bool {
        self.max_tokens.is_none()
            && self.temperature.is_none()
            && self.top_p.is_none()
            && self.stop_sequences.is_empty()
    }
}

/// `toolConfig`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolConfig {
    /// The tools.
    pub tools: Vec<ToolEntry>,
    /// How the model must use them; unset means `auto`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<Value>,
}

/// One tool (a union with a single member we use).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolEntry {
    /// The tool's specification.
    pub tool_spec: ToolSpec,
}

/// A function tool.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolSpec {
    /// Its name.
    pub name: String,
    /// What it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `{"json": <JSON schema>}`.
    pub input_schema: Value,
}

/// The answer of `converse`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseResponse {
    /// The generated message.
    pub output: Output,
    /// Why generation stopped.
    #[serde(default)]
    pub stop_reason: Option<String>,
    /// Token counts.
    #[serde(default)]
    pub usage: WireUsage,
}

/// `output` (a union; only `message` exists today).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Output {
    /// The assistant message.
    #[serde(default)]
    pub message: Option<OutputMessage>,
}

/// The assistant message of an answer.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OutputMessage {
    /// Content blocks, each `{"<kind>": ...}`.
    #[serde(default)]
    pub content: Vec<Map<String, Value>>,
}

/// Token usage, in answers and in the stream's `metadata` event.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WireUsage {
    /// Prompt tokens not served from or written to the cache.
    #[serde(default)]
    pub input_tokens: u64,
    /// Generated tokens.
    #[serde(default)]
    pub output_tokens: u64,
    /// Their total as Bedrock counts it.
    #[serde(default)]
    pub total_tokens: Option<u64>,
    /// Prompt tokens read from the prompt cache.
    #[serde(default)]
    pub cache_read_input_tokens: Option<u64>,
    /// Prompt tokens written to the prompt cache.
    #[serde(default)]
    pub cache_write_input_tokens: Option<u64>,
}
