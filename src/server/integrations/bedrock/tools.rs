//! Converse `toolConfig` -> OpenAI `tools` and `tool_choice`.

use serde_json::{json, Map, Value};

use super::request::Invalid;

/// Adds `tools` (and `tool_choice`, when set) for `config` to `extra`.
pub fn to_openai(config: &Value, extra: &mut Map<String, Value>) -> Result<(), Invalid> {
    let tools = config
        .get("tools")
        .and_then(Value::as_array)
        .ok_or_else(|| Invalid("toolConfig.tools must be a list of tools".into()))?;
    let mut out = Vec::with_capacity(tools.len());
    for tool in tools {
        let Some(spec) = tool.get("toolSpec") else {
            // `cachePoint` entries mark a cache boundary; nothing to translate.
            if tool.get("cachePoint").is_some() {
                continue;
            }
            return Err(Invalid(format!("unsupported tool entry {tool}")));
        };
        let name = spec
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| Invalid("toolSpec.name is required".into()))?;
        let mut function = json!({
            "name": name,
            "parameters": spec.pointer("/inputSchema/json").cloned()
                .unwrap_or_else(|| json!({"type": "object", "properties": {}})),
        });
        if let Some(d) = spec.get("description").and_then(Value::as_str) {
            function["description"] = d.into();
        }
        out.push(json!({"type": "function", "function": function}));
    }
    extra.insert("tools".into(), Value::Array(out));
    if let Some(choice) = config.get("toolChoice").and_then(Value::as_object) {
        let openai = if choice.contains_key("auto") {
            json!("auto")
        } else if choice.contains_key("any") {
            json!("required")
        } else if let Some(name) = choice
            .get("tool")
            .and_then(|t| t.get("name"))
            .and_then(Value::as_str)
        {
            json!({"type": "function", "function": {"name": name}})
        } else {
            return Err(Invalid(format!(
                "toolChoice must be auto, any or tool, got {}",
                Value::Object(choice.clone())
            )));
        };
        extra.insert("tool_choice".into(), openai);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_and_choices_become_openai_tools() {
        let mut extra = Map::new();
        let config = json!({"tools": [{"toolSpec": {"name": "w", "description": "d",
            "inputSchema": {"json": {"type": "object", "required": ["c"]}}}}],
            "toolChoice": {"tool": {"name": "w"}}});
        to_openai(&config, &mut extra).unwrap();
        assert_eq!(
            extra["tools"][0]["function"]["parameters"]["required"],
            json!(["c"])
        );
        assert_eq!(extra["tools"][0]["function"]["description"], "d");
        assert_eq!(extra["tool_choice"]["function"]["name"], "w");
        to_openai(&json!({"tools": [], "toolChoice": {"any": {}}}), &mut extra).unwrap();
        assert_eq!(extra["tool_choice"], "required");
    }
}
