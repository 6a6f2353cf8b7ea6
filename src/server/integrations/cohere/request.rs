//! Cohere v2 chat requests -> canonical (OpenAI) chat requests: the reverse of the
//! `cohere` provider's `convert`.
//!
//! Cohere v2 messages are close to OpenAI's (same roles, `tool_calls`, `tool_call_id`,
//! text and `image_url` parts); what differs is renamed here: `p`/`k`,
//! `stop_sequences`, upper-case `tool_choice`, `response_format.json_schema`, and
//! `document` parts of tool results (sent as their JSON text). Parameters with no
//! canonical equivalent are refused with a 400, since ignoring one changes the answer;
//! `citation_options` and `safety_mode` are hints and are dropped.

use serde_json::{json, Map, Value};

use crate::schema::{ChatRequest, Message};

/// Why a request cannot be translated (answered as a 400).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

/// Fields that keep their name and meaning.
const SAME: &[&str] = &[
    "max_tokens",
    "temperature",
    "seed",
    "frequency_penalty",
    "presence_penalty",
    "tools",
];

/// Builds the canonical chat request from a Cohere v2 `/chat` body.
pub fn to_chat(body: &Value) -> Result<ChatRequest, Invalid> {
    let body = body
        .as_object()
        .ok_or_else(|| Invalid("the request body must be a JSON object".into()))?;
    let model = body
        .get("model")
        .and_then(Value::as_str)
        .ok_or_else(|| Invalid("`model` is required".into()))?;
    let turns = body
        .get("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| Invalid("`messages` must be a list of messages".into()))?;
    let messages = turns
        .iter()
        .enumerate()
        .map(|(i, m)| message(m).map_err(|e| Invalid(format!("messages[{i}]: {}", e.0))))
        .collect::<Result<Vec<_>, _>>()?;
    let stream = body.get("stream").and_then(Value::as_bool).unwrap_or(false);
    let mut extra = Map::new();
    for (key, value) in body {
        if value.is_null() {
            continue;
        }
        let (name, v) = match key.as_str() {
            "model" | "messages" | "stream" | "citation_options" | "safety_mode" => continue,
            k if SAME.contains(&k) => (k, value.clone()),
            "p" => ("top_p", value.clone()),
            "k" => ("top_k", value.clone()),
            "stop_sequences" => ("stop", value.clone()),
            "tool_choice" => ("tool_choice", tool_choice(value)?),
            "response_format" => ("response_format", response_format(value)?),
            other => {
                return Err(Invalid(format!(
                    "`{other}` is not supported by this gateway's Cohere route"
                )))
            }
        };
        extra.insert(name.into(), v);
    }
    Ok(ChatRequest::translated(
        model.to_string(),
        messages,
        stream,
        extra,
    ))
}

fn tool_choice(v: &Value) -> Result<Value, Invalid> {
    match v.as_str().map(str::to_ascii_uppercase).as_deref() {
        Some("REQUIRED") => Ok(json!("required")),
        Some("NONE") => Ok(json!("none")),
        _ => Err(Invalid(format!(
            "tool_choice must be REQUIRED or NONE, got {v}"
        ))),
    }
}

fn response_format(v: &Value) -> Result<Value, Invalid> {
    match (v.get("type").and_then(Value::as_str), v.get("json_schema")) {
        (Some("text"), _) => Ok(json!({"type": "text"})),
        (Some("json_object"), Some(schema)) if !schema.is_null() => Ok(json!({
            "type": "json_schema",
            "json_schema": {"name": "response", "schema": schema},
        })),
        (Some("json_object"), _) => Ok(json!({"type": "json_object"})),
        _ => Err(Invalid(format!("unsupported response_format {v}"))),
    }
}

fn message(m: &Value) -> Result<Message, Invalid> {
    let role = m
        .get("role")
        .and_then(Value::as_str)
        .ok_or_else(|| Invalid("`role` is required".into()))?;
    if !matches!(role, "system" | "user" | "assistant" | "tool") {
        return Err(Invalid(format!("unknown role `{role}`")));
    }
    let mut extra = Map::new();
    for key in ["tool_calls", "tool_call_id"] {
        if let Some(v) = m.get(key).filter(|v| !v.is_null()) {
            extra.insert(key.into(), v.clone());
        }
    }
    let mut content = match m.get("content") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(Value::String(s.clone())),
        Some(Value::Array(parts)) => Some(parts_content(parts, role == "tool")?),
        Some(other) => return Err(Invalid(format!("unsupported content {other}"))),
    };
    // An assistant turn that only called tools keeps its plan as its text.
    if content.is_none() && role == "assistant" {
        content = m.get("tool_plan").filter(|p| p.is_string()).cloned();
    }
    Ok(Message {
        role: role.to_string(),
        content,
        extra,
    })
}

/// Parts in OpenAI's shape; a tool result's parts are flattened to one text, since
/// OpenAI tool messages take text only.
fn parts_content(parts: &[Value], tool: bool) -> Result<Value, Invalid> {
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        match part.get("type").and_then(Value::as_str) {
            Some("text") => out.push(
                json!({"type": "text", "text": part.get("text").cloned().unwrap_or_default()}),
            ),
            Some("image_url") if !tool => out.push(part.clone()),
            Some("document") if tool => {
                let data = part.pointer("/document/data").cloned().unwrap_or_default();
                let text = data
                    .as_str()
                    .map_or_else(|| data.to_string(), str::to_string);
                out.push(json!({"type": "text", "text": text}));
            }
            _ => return Err(Invalid(format!("unsupported content part {part}"))),
        }
    }
    if tool || out.iter().all(|p| p["type"] == "text") {
        let text: Vec<&str> = out.iter().filter_map(|p| p["text"].as_str()).collect();
        return Ok(Value::String(text.join(if tool { "\n" } else { "" })));
    }
    Ok(Value::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cohere_names_become_openai_names() {
        let req = to_chat(&json!({
            "model": "up/m", "p": 0.5, "k": 3, "stop_sequences": ["x"], "tool_choice": "REQUIRED",
            "messages": [
                {"role": "assistant", "tool_plan": "look it up", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
                {"role": "tool", "tool_call_id": "c", "content": [{"type": "document", "document": {"data": {"t": 1}}}]}
            ]
        }))
        .unwrap();
        assert_eq!(req.extra["top_p"], 0.5);
        assert_eq!(req.extra["top_k"], 3);
        assert_eq!(req.extra["stop"], json!(["x"]));
        assert_eq!(req.extra["tool_choice"], "required");
        assert_eq!(req.messages[0].content, Some(json!("look it up")));
        assert_eq!(req.messages[1].content, Some(json!("{\"t\":1}")));
        assert!(to_chat(&json!({"model": "m", "messages": [], "documents": ["d"]})).is_err());
    }
}
