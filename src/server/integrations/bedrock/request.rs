//! Bedrock Converse requests -> canonical (OpenAI) chat requests: the reverse of the
//! `bedrock` provider's `convert`.
//!
//! Converse puts tool results inside a user turn, next to text; the canonical format
//! has one `tool` message per result, so a user turn is split into its results first
//! and its other content after. Blocks the canonical format cannot carry (documents,
//! videos, guard content) are refused with a 400 instead of silently dropped;
//! `cachePoint` and earlier turns' `reasoningContent` are dropped (hints and
//! provider-specific state, not content).

use serde_json::{json, Map, Value};

use crate::schema::{ChatRequest, Message};

/// Why a request cannot be translated (answered as a `ValidationException`).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

fn invalid(message: impl Into<String>) -> Invalid {
    Invalid(message.into())
}

/// Builds the canonical request for `model` from a Converse body; `stream` is true on
/// `converse-stream`, which then also asks for the final usage chunk.
pub fn to_chat(model: &str, body: &Value, stream: bool) -> Result<ChatRequest, Invalid> {
    let body = body
        .as_object()
        .ok_or_else(|| invalid("the request body must be a JSON object"))?;
    let mut messages = Vec::new();
    if let Some(system) = body.get("system") {
        let text = system_text(system)?;
        if !text.is_empty() {
            messages.push(plain("system", Value::String(text)));
        }
    }
    let turns = body
        .get("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("`messages` must be a list of messages"))?;
    for (i, turn) in turns.iter().enumerate() {
        translate_turn(turn, &mut messages).map_err(|e| invalid(format!("messages[{i}]: {e}")))?;
    }
    let mut extra = Map::new();
    if let Some(config) = body.get("inferenceConfig").and_then(Value::as_object) {
        for (from, to) in [
            ("maxTokens", "max_tokens"),
            ("temperature", "temperature"),
            ("topP", "top_p"),
            ("stopSequences", "stop"),
        ] {
            if let Some(v) = config.get(from).filter(|v| !v.is_null()) {
                extra.insert(to.into(), v.clone());
            }
        }
    }
    if let Some(tools) = body.get("toolConfig") {
        super::tools::to_openai(tools, &mut extra)?;
    }
    match body.get("additionalModelRequestFields") {
        None | Some(Value::Null) => {}
        Some(v @ Value::Object(_)) => {
            extra.insert("additionalModelRequestFields".into(), v.clone());
        }
        Some(v) => {
            return Err(invalid(format!(
                "additionalModelRequestFields must be an object, got {v}"
            )))
        }
    }
    Ok(ChatRequest::translated(
        model.to_string(),
        messages,
        stream,
        extra,
    ))
}

/// For a non-Bedrock upstream, `additionalModelRequestFields` become top-level fields
/// (`top_k`, ...), which OpenAI-compatible servers read; a Bedrock upstream gets the
/// object itself, which its adapter forwards as is.
pub fn spread_additional_fields(req: &mut ChatRequest) {
    if let Some(Value::Object(fields)) = req.extra.remove("additionalModelRequestFields") {
        for (k, v) in fields {
            req.extra.entry(k).or_insert(v);
        }
    }
}

fn plain(role: &str, content: Value) -> Message {
    Message {
        role: role.to_string(),
        content: Some(content),
        extra: Map::new(),
    }
}

fn system_text(system: &Value) -> Result<String, Invalid> {
    let blocks = system
        .as_array()
        .ok_or_else(|| invalid("`system` must be a list of content blocks"))?;
    let mut parts = Vec::new();
    for block in blocks {
        if let Some(t) = block.get("text").and_then(Value::as_str) {
            parts.push(t);
        } else if block.get("cachePoint").is_none() {
            return Err(invalid(format!(
                "unsupported system block {}",
                block_kind(block)
            )));
        }
    }
    Ok(parts.join("\n"))
}

fn block_kind(block: &Value) -> String {
    block
        .as_object()
        .and_then(|o| o.keys().next().cloned())
        .unwrap_or_else(|| block.to_string())
}

fn translate_turn(turn: &Value, out: &mut Vec<Message>) -> Result<(), Invalid> {
    let role = turn.get("role").and_then(Value::as_str).unwrap_or_default();
    let blocks = turn
        .get("content")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("`content` must be a list of content blocks"))?;
    let mut parts = Vec::new();
    let mut calls = Vec::new();
    for block in blocks {
        if let Some(t) = block.get("text").and_then(Value::as_str) {
            parts.push(json!({"type": "text", "text": t}));
        } else if let Some(image) = block.get("image") {
            parts.push(image_part(image)?);
        } else if let Some(tool) = block.get("toolUse") {
            let field = |k| tool.get(k).and_then(Value::as_str).unwrap_or_default();
            let input = tool.get("input").cloned().unwrap_or_else(|| json!({}));
            calls.push(json!({"id": field("toolUseId"), "type": "function",
                "function": {"name": field("name"), "arguments": input.to_string()}}));
        } else if let Some(result) = block.get("toolResult") {
            out.push(tool_message(result)?);
        } else if block.get("cachePoint").is_none() && block.get("reasoningContent").is_none() {
            return Err(invalid(format!(
                "unsupported content block `{}`",
                block_kind(block)
            )));
        }
    }
    if parts.is_empty() && calls.is_empty() {
        return Ok(());
    }
    let content = match parts.as_slice() {
        [] => None,
        [only] if only["type"] == "text" => Some(only["text"].clone()),
        _ => Some(Value::Array(parts)),
    };
    let mut message = Message {
        role: match role {
            "user" | "assistant" => role.to_string(),
            other => {
                return Err(invalid(format!(
                    "role must be user or assistant, got `{other}`"
                )))
            }
        },
        content,
        extra: Map::new(),
    };
    if !calls.is_empty() {
        if role != "assistant" {
            return Err(invalid("toolUse blocks belong in assistant turns"));
        }
        message
            .extra
            .insert("tool_calls".into(), Value::Array(calls));
    }
    out.push(message);
    Ok(())
}

fn image_part(image: &Value) -> Result<Value, Invalid> {
    let format = image.get("format").and_then(Value::as_str).unwrap_or("png");
    let bytes = image
        .pointer("/source/bytes")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("only images with `source.bytes` (base64) are supported"))?;
    Ok(json!({"type": "image_url",
        "image_url": {"url": format!("data:image/{format};base64,{bytes}")}}))
}

fn tool_message(result: &Value) -> Result<Message, Invalid> {
    let id = result
        .get("toolUseId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut texts = Vec::new();
    for part in result
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(t) = part.get("text").and_then(Value::as_str) {
            texts.push(t.to_string());
        } else if let Some(j) = part.get("json") {
            texts.push(j.to_string());
        } else {
            return Err(invalid(format!(
                "toolResult content `{}` is not supported (text and json are)",
                block_kind(part)
            )));
        }
    }
    let mut text = texts.join("\n");
    // The canonical format has no error flag on a tool result; say it in the text.
    if result.get("status").and_then(Value::as_str) == Some("error") {
        text = format!("Error: {text}");
    }
    let mut message = plain("tool", Value::String(text));
    message.extra.insert("tool_call_id".into(), id.into());
    Ok(message)
}
