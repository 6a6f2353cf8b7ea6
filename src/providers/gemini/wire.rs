//! Gemini API wire format (`generateContent`, `streamGenerateContent`): only the
//! fields bifrost writes or reads (`batchEmbedContents` types live in `embed`).
//! Reference: <https://ai.google.dev/api/generate-content>.
//!
//! Gemini's JSON is camelCase. Response types default every field, because Google adds
//! fields often and omits empty ones (a blocked prompt has no `candidates` at all).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `POST models/{model}:generateContent` (and `:streamGenerateContent`) body.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateContentRequest {
    /// The conversation; roles `user` and `model` only.
    pub contents: Vec<Content>,
    /// System and developer messages, joined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_instruction: Option<Content>,
    /// Function declarations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Tool>>,
    /// How the model must use the tools.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_config: Option<ToolConfig>,
    /// Sampling, length, output format and thinking settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation_config: Option<GenerationConfig>,
}

/// One turn (or the system instruction, which has no role).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Content {
    /// `user` or `model`; absent on `systemInstruction`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The turn's parts.
    #[serde(default)]
    pub parts: Vec<Part>,
}

/// One part of a turn. Gemini's `Part` is a union keyed by which member is present, and
/// `thoughtSignature` may sit beside any of them, so it is one struct of options.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Part {
    /// Text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Set on parts that are the model's thinking, not its answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thought: Option<bool>,
    /// Inline bytes (base64), e.g. an image from a data URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inline_data: Option<Blob>,
    /// A file by URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_data: Option<FileData>,
    /// A call the model wants made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_call: Option<FunctionCall>,
    /// The result of a call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_response: Option<FunctionResponse>,
    /// Opaque token Gemini needs back with the part it came with (thinking models).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thought_signature: Option<String>,
}

/// Inline data.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Blob {
    /// e.g. `image/png`.
    pub mime_type: String,
    /// Base64 bytes.
    pub data: String,
}

/// Data by URI.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileData {
    /// e.g. `image/jpeg`.
    pub mime_type: String,
    /// Where the data is.
    pub file_uri: String,
}

/// A function call; `args` is an object, not a JSON string as in OpenAI.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FunctionCall {
    /// Set by newer models; becomes the OpenAI tool call id when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The function's name.
    pub name: String,
    /// Its arguments.
    #[serde(default)]
    pub args: Value,
}

/// A function's result, matched to its call by name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FunctionResponse {
    /// The function's name.
    pub name: String,
    /// The result; must be a JSON object.
    pub response: Value,
}

/// A tool: bifrost only declares functions.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tool {
    /// The functions.
    pub function_declarations: Vec<FunctionDeclaration>,
}

/// One declared function.
#[derive(Debug, Clone, Serialize)]
pub struct FunctionDeclaration {
    /// Name.
    pub name: String,
    /// What it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// OpenAPI-subset schema of the arguments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Value>,
}

/// `toolConfig`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolConfig {
    /// The only member bifrost sets.
    pub function_calling_config: FunctionCallingConfig,
}

/// `toolConfig.functionCallingConfig`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionCallingConfig {
    /// `AUTO`, `NONE` or `ANY`.
    pub mode: &'static str,
    /// With `ANY`: the functions the model may call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_function_names: Option<Vec<String>>,
}

/// `generationConfig`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerationConfig {
    /// From `stop`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_sequences: Option<Vec<String>>,
    /// From `response_format`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_mime_type: Option<String>,
    /// From `response_format.json_schema.schema` (full JSON Schema).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_json_schema: Option<Value>,
    /// From `n`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidate_count: Option<u64>,
    /// From `max_completion_tokens` or `max_tokens`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u64>,
    /// Sampling temperature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// From `top_p`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// From `top_k` (not OpenAI, but sent by clients that know Gemini).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u64>,
    /// Sampling seed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// From `presence_penalty`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f64>,
    /// From `frequency_penalty`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f64>,
    /// From `reasoning_effort`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking_config: Option<ThinkingConfig>,
}

/// `generationConfig.thinkingConfig`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThinkingConfig {
    /// Thinking tokens allowed; 0 turns thinking off.
    pub thinking_budget: i64,
    /// Ask for thought summaries, which become `reasoning_content`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_thoughts: Option<bool>,
}

/// A `generateContent` answer, and each event of a stream.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateContentResponse {
    /// One per requested candidate; none when the prompt was blocked.
    #[serde(default)]
    pub candidates: Vec<Candidate>,
    /// Why the prompt was blocked, if it was.
    #[serde(default)]
    pub prompt_feedback: Option<PromptFeedback>,
    /// Token counts (cumulative in streams).
    #[serde(default)]
    pub usage_metadata: Option<UsageMetadata>,
    /// The exact model version that answered.
    #[serde(default)]
    pub model_version: Option<String>,
    /// Google's id of the answer.
    #[serde(default)]
    pub response_id: Option<String>,
}

/// One candidate answer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// The answer's parts; absent when it was filtered.
    #[serde(default)]
    pub content: Option<Content>,
    /// Why generation stopped; absent until it has.
    #[serde(default)]
    pub finish_reason: Option<String>,
    /// Which candidate (absent means 0).
    #[serde(default)]
    pub index: Option<u32>,
}

/// `promptFeedback`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromptFeedback {
    /// e.g. `SAFETY`, `PROHIBITED_CONTENT`.
    #[serde(default)]
    pub block_reason: Option<String>,
    /// Human-readable detail, when given.
    #[serde(default)]
    pub block_reason_message: Option<String>,
}

/// `usageMetadata`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageMetadata {
    /// Input tokens (cached ones included).
    #[serde(default)]
    pub prompt_token_count: Option<u64>,
    /// Output tokens, thinking excluded.
    #[serde(default)]
    pub candidates_token_count: Option<u64>,
    /// Thinking tokens.
    #[serde(default)]
    pub thoughts_token_count: Option<u64>,
    /// Input tokens served from the context cache.
    #[serde(default)]
    pub cached_content_token_count: Option<u64>,
    /// Everything.
    #[serde(default)]
    pub total_token_count: Option<u64>,
}

/// Google's error body: `{"error": {"code", "message", "status"}}`.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: WireError,
}

/// The inside of [`ErrorBody`].
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WireError {
    /// The HTTP status it stands for.
    #[serde(default)]
    pub code: Option<u16>,
    /// What went wrong.
    #[serde(default)]
    pub message: String,
    /// e.g. `RESOURCE_EXHAUSTED`.
    #[serde(default)]
    pub status: Option<String>,
}
