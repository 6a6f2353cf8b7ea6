//! The assistant `tool_calls` of an OpenAI chat history, read once for the upstreams
//! (Anthropic, Bedrock) that take a call's arguments as a JSON object instead of
//! OpenAI's JSON-encoded string, so both accept and refuse the same histories.

use serde_json::{Map, Value};

use super::ProviderError;
use crate::schema::Message;

/// One earlier tool call of the assistant, with its arguments decoded.
#[derive(Debug)]
pub struct ToolCall {
    /// The call's `id` (empty when absent), which the tool result refers to.
    pub id: String,
    /// `function.name` (empty when absent).
    pub name: String,
    /// `function.arguments` decoded; always a JSON object.
    pub input: Value,
}

/// The tool calls of message `i`, in order. Arguments that are empty count as `{}`
/// (some clients send `""` for a call without arguments); any other arguments must be
/// a JSON object, else `invalid` words the refusal in the adapter's own terms.
pub fn assistant_tool_calls(
    m: &Message,
    i: usize,
    invalid: fn(String) -> ProviderError,
) -> Result<Vec<ToolCall>, ProviderError> {
    let mut out = Vec::new();
    for call in m.tool_calls() {
        let f = call.get("function");
        let name = f
            .and_then(|f| f.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let args = f
            .and_then(|f| f.get("arguments"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let input = if args.trim().is_empty() {
            Value::Object(Map::new())
        } else {
            serde_json::from_str::<Value>(args)
                .ok()
                .filter(Value::is_object)
                .ok_or_else(|| {
                    invalid(format!(
                        "messages[{i}]: the arguments of tool call `{name}` are not a JSON object"
                    ))
                })?
        };
        out.push(ToolCall {
            id: call
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            name: name.to_string(),
            input,
        });
    }
    Ok(out)
}
