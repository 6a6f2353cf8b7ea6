//! Anthropic content blocks -> canonical messages and content parts.
//!
//! Blocks are read from `Value`s rather than a tagged enum so that an unsupported
//! block is refused by name (serde would only say "no variant matched").

use serde_json::{json, Map, Value};

use super::error::{invalid, Untranslatable};
use super::request::message;
use crate::schema::Message;

pub fn kind(block: &Value) -> &str {
    block
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("(none)")
}

fn blocks(content: &Value, i: usize) -> Result<Vec<Value>, Untranslatable> {
    match content {
        Value::String(s) => Ok(vec![json!({"type": "text", "text": s})]),
        Value::Array(b) => Ok(b.clone()),
        _ => Err(invalid(format!(
            "messages[{i}].content must be a string or a list of blocks"
        ))),
    }
}

/// A user turn: tool results first (OpenAI wants `tool` messages right after the
/// assistant's calls), then the rest as one user message.
pub fn user_turn(content: &Value, i: usize, out: &mut Vec<Message>) -> Result<(), Untranslatable> {
    if let Value::String(s) = content {
        out.push(message("user", Some(Value::String(s.clone())), Map::new()));
        return Ok(());
    }
    let mut parts = Vec::new();
    for b in blocks(content, i)? {
        match kind(&b) {
            "tool_result" => out.push(tool_result(&b, i)?),
            _ => parts.push(part(&b, i)?),
        }
    }
    match parts.len() {
        0 => {}
        // A lone text part as a plain string: every OpenAI-compatible upstream takes it.
        1 if parts[0]["type"] == "text" => {
            let text = parts[0]["text"].clone();
            out.push(message("user", Some(text), Map::new()));
        }
        _ => out.push(message("user", Some(Value::Array(parts)), Map::new())),
    }
    Ok(())
}

/// One user content block as an OpenAI content part.
fn part(b: &Value, i: usize) -> Result<Value, Untranslatable> {
    match kind(b) {
        "text" => {
            Ok(json!({"type": "text", "text": b.get("text").and_then(Value::as_str).unwrap_or("")}))
        }
        "image" => {
            let source = b.get("source").unwrap_or(&Value::Null);
            let url = match source.get("type").and_then(Value::as_str) {
                Some("base64") => {
                    let media = source.get("media_type").and_then(Value::as_str);
                    let data = source.get("data").and_then(Value::as_str);
                    match (media, data) {
                        (Some(m), Some(d)) => format!("data:{m};base64,{d}"),
                        _ => {
                            return Err(invalid(format!(
                                "messages[{i}]: a base64 image needs `media_type` and `data`"
                            )))
                        }
                    }
                }
                Some("url") => source
                    .get("url")
                    .and_then(Value::as_str)
                    .ok_or_else(|| invalid(format!("messages[{i}]: a url image needs `url`")))?
                    .to_string(),
                other => {
                    return Err(invalid(format!(
                        "messages[{i}]: image source `{}` is not supported; use base64 or url",
                        other.unwrap_or("(none)")
                    )))
                }
            };
            Ok(json!({"type": "image_url", "image_url": {"url": url}}))
        }
        // Only plain-text documents have an OpenAI equivalent everyone accepts.
        "document" if b.pointer("/source/type").and_then(Value::as_str) == Some("text") => {
            let text = b
                .pointer("/source/data")
                .and_then(Value::as_str)
                .unwrap_or("");
            Ok(json!({"type": "text", "text": text}))
        }
        "document" => Err(invalid(format!(
            "messages[{i}]: only documents with a `text` source are supported on this route"
        ))),
        other => Err(invalid(format!(
            "messages[{i}]: content block `{other}` is not supported in a user turn"
        ))),
    }
}

fn tool_result(b: &Value, i: usize) -> Result<Message, Untranslatable> {
    let id = b
        .get("tool_use_id")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(format!("messages[{i}]: a tool_result needs `tool_use_id`")))?;
    let mut text = match b.get("content") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => {
            let mut texts = Vec::with_capacity(parts.len());
            for p in parts {
                match (kind(p), p.get("text").and_then(Value::as_str)) {
                    ("text", Some(t)) => texts.push(t),
                    (k, _) => {
                        return Err(invalid(format!(
                            "messages[{i}]: a tool_result may hold only text here, not `{k}`"
                        )))
                    }
                }
            }
            texts.join("\n")
        }
        Some(_) => {
            return Err(invalid(format!(
                "messages[{i}]: tool_result content must be a string or text blocks"
            )))
        }
    };
    // OpenAI tool messages have no error flag, so the model is told in the text.
    if b.get("is_error").and_then(Value::as_bool) == Some(true) {
        text = format!("Error: {text}");
    }
    let mut extra = Map::new();
    extra.insert("tool_call_id".into(), id.into());
    Ok(message("tool", Some(Value::String(text)), extra))
}

pub fn assistant_turn(content: &Value, i: usize) -> Result<Message, Untranslatable> {
    let mut text = String::new();
    let mut calls = Vec::new();
    let mut thinking = Vec::new();
    for b in blocks(content, i)? {
        match kind(&b) {
            "text" => text.push_str(b.get("text").and_then(Value::as_str).unwrap_or("")),
            "tool_use" => {
                let id = b.get("id").and_then(Value::as_str).unwrap_or("");
                let name = b.get("name").and_then(Value::as_str).unwrap_or("");
                let input = b.get("input").cloned().unwrap_or_else(|| json!({}));
                calls.push(json!({
                    "id": id,
                    "type": "function",
                    "function": {"name": name, "arguments": input.to_string()},
                }));
            }
            // Kept verbatim (signature included) in the canonical `thinking_blocks`, which
            // the anthropic provider sends back first in the turn, as Anthropic requires
            // when a tool loop runs with thinking on.
            "thinking" | "redacted_thinking" => thinking.push(b.clone()),
            other => {
                return Err(invalid(format!(
                    "messages[{i}]: content block `{other}` is not supported in an assistant turn"
                )))
            }
        }
    }
    let mut extra = Map::new();
    let content = (!text.is_empty() || calls.is_empty()).then_some(Value::String(text));
    if !calls.is_empty() {
        extra.insert("tool_calls".into(), Value::Array(calls));
    }
    if !thinking.is_empty() {
        extra.insert("thinking_blocks".into(), Value::Array(thinking));
    }
    Ok(message("assistant", content, extra))
}
