//! OpenAI `tools` and `tool_choice` -> Converse `toolConfig`.

use serde_json::{json, Map, Value};

use super::convert::invalid;
use super::wire::{ToolConfig, ToolEntry, ToolSpec};
use crate::providers::tool_calls::function_tools;
use crate::providers::ProviderError;

/// The tool configuration, or none when no tools are offered (or `tool_choice` is
/// `none`, which Converse can only express by offering none).
pub fn tools(x: &Map<String, Value>) -> Result<Option<ToolConfig>, ProviderError> {
    let choice = match x.get("tool_choice") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match s.as_str() {
            "auto" => Some(json!({"auto": {}})),
            "required" => Some(json!({"any": {}})),
            // Converse has no "none"; offering no tools is the same thing.
            "none" => return Ok(None),
            other => return Err(invalid(format!("tool_choice `{other}` is unknown"))),
        },
        Some(v) => {
            let name = v.pointer("/function/name").and_then(Value::as_str);
            let name = name.ok_or_else(|| invalid(format!("tool_choice {v} names no function")))?;
            Some(json!({"tool": {"name": name}}))
        }
    };
    let mut tools = Vec::new();
    for (_, f) in function_tools(x, invalid)? {
        let schema = f
            .get("parameters")
            .filter(|p| p.is_object())
            .cloned()
            .unwrap_or_else(|| json!({"type": "object", "properties": {}}));
        tools.push(ToolEntry {
            tool_spec: ToolSpec {
                name: f
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                description: f
                    .get("description")
                    .and_then(Value::as_str)
                    .filter(|d| !d.is_empty())
                    .map(str::to_string),
                input_schema: json!({"json": schema}),
            },
        });
    }
    if tools.is_empty() {
        return Ok(None);
    }
    Ok(Some(ToolConfig {
        tools,
        tool_choice: choice,
    }))
}
