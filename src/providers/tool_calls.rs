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

/// Each OpenAI tool in the request's `tools`, in order, with its `function` object. A
/// tool of another type is refused; `invalid` words the refusal in the adapter's own
/// terms.
pub fn function_tools(
    x: &Map<String, Value>,
    invalid: fn(String) -> ProviderError,
) -> Result<Vec<(&Value, &Value)>, ProviderError> {
    let list = x.get("tools").and_then(Value::as_array);
    list.map_or(&[][..], Vec::as_slice)
        .iter()
        .enumerate()
        .map(
            |(i, t)| match (t.get("type").and_then(Value::as_str), t.get("function")) {
                (Some("function"), Some(f)) => Ok((t, f)),
                _ => Err(invalid(format!(
                    "tools[{i}]: only function tools are supported"
                ))),
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn refuse(detail: String) -> ProviderError {
        ProviderError::Unsupported(detail)
    }

    #[test]
    fn function_tools_are_listed_in_order_and_any_other_kind_is_refused_by_index() {
        let x = json!({"tools": [
            {"type": "function", "function": {"name": "a"}},
            {"type": "function", "function": {"name": "b"}},
        ]});
        let tools = function_tools(x.as_object().unwrap(), refuse).unwrap();
        let names: Vec<_> = tools.iter().map(|(_, f)| f["name"].clone()).collect();
        assert_eq!(names, [json!("a"), json!("b")]);
        assert!(function_tools(&Map::new(), refuse).unwrap().is_empty());

        let x = json!({"tools": [
            {"type": "function", "function": {"name": "a"}},
            {"type": "web_search"},
        ]});
        let err = function_tools(x.as_object().unwrap(), refuse).unwrap_err();
        assert!(
            err.to_string().contains("tools[1]: only function tools"),
            "{err}"
        );
    }
}
