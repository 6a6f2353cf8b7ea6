//! Canonical (OpenAI) chat requests -> Bedrock Converse requests, as pure functions
//! (answers go the other way in `response`).
//!
//! As for Anthropic, parameters Converse has no equivalent for are refused, not
//! dropped, and keys nobody knows are dropped. Model-specific settings (`top_k`,
//! reasoning budgets, ...) travel only inside `additionalModelRequestFields`, and only
//! when the client sent that object by name: guessing each model family's field names
//! would be wrong for some family sooner or later.

use serde_json::Value;

use super::wire::{
    Block, ConverseRequest, Image, ImageSource, InferenceConfig, SystemBlock, ToolResult,
    ToolResultContent, ToolUse, WireMessage,
};
use crate::providers::params::refuse_unsupported;
use crate::providers::tool_calls::assistant_tool_calls;
use crate::providers::ProviderError;
use crate::schema::{ChatRequest, Message};

/// OpenAI parameters without a Converse equivalent, each with its neutral value
/// (`None`: any non-null value is refused). Neutral values pass, because SDKs send them
/// by default.
const UNSUPPORTED: &[(&str, Option<&str>)] = &[
    ("n", Some("1")),
    ("logprobs", Some("false")),
    ("top_logprobs", None),
    ("presence_penalty", Some("0")),
    ("frequency_penalty", Some("0")),
    ("seed", None),
    ("logit_bias", Some("{}")),
    ("response_format", Some(r#"{"type":"text"}"#)),
    ("parallel_tool_calls", Some("true")),
    ("top_k", None),
    ("audio", None),
    ("modalities", Some(r#"["text"]"#)),
    ("prediction", None),
    ("reasoning_effort", None),
    ("web_search_options", None),
    ("functions", None),
    ("function_call", None),
];

/// Image formats Converse accepts, by media type.
const IMAGE_FORMATS: &[(&str, &str)] = &[
    ("image/png", "png"),
    ("image/jpeg", "jpeg"),
    ("image/jpg", "jpeg"),
    ("image/gif", "gif"),
    ("image/webp", "webp"),
];

fn unsupported(what: &str) -> ProviderError {
    let hint = match what {
        "top_k" => {
            "; send it inside `additionalModelRequestFields` with the model's own field name"
        }
        "response_format" => {
            "; describe the JSON you want in the prompt, or use a tool with that schema"
        }
        _ => "",
    };
    ProviderError::unsupported_param(
        what,
        format!(
            "parameter `{what}` is not supported by provider type bedrock; remove it or route \
             the request to a provider that supports it{hint}"
        ),
    )
}

/// A request that cannot be expressed in Converse.
pub fn invalid(detail: String) -> ProviderError {
    ProviderError::Unsupported(format!(
        "cannot translate the request for bedrock: {detail}"
    ))
}

/// Builds the Converse request from a canonical chat request.
pub fn to_request(req: &ChatRequest) -> Result<ConverseRequest, ProviderError> {
    let x = &req.extra;
    refuse_unsupported(x, UNSUPPORTED, unsupported)?;
    let max_tokens =
        match x
            .get("max_completion_tokens")
            .filter(|v| !v.is_null())
            .or_else(|| x.get("max_tokens"))
        {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                invalid(format!("max_tokens must be a positive integer, got {v}"))
            })?),
        };
    let inference = InferenceConfig {
        max_tokens,
        temperature: x.get("temperature").and_then(Value::as_f64),
        top_p: x.get("top_p").and_then(Value::as_f64),
        stop_sequences: stop(x.get("stop")),
    };
    let additional = match x.get("additionalModelRequestFields") {
        None | Some(Value::Null) => None,
        Some(v @ Value::Object(_)) => Some(v.clone()),
        Some(v) => {
            return Err(invalid(format!(
                "additionalModelRequestFields must be an object, got {v}"
            )))
        }
    };
    let (system, messages) = messages(&req.messages)?;
    Ok(ConverseRequest {
        messages,
        system,
        inference_config: (!inference.is_empty()).then_some(inference),
        tool_config: super::tools::tools(x)?,
        additional_model_request_fields: additional,
    })
}

fn stop(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

type Turns = (Vec<SystemBlock>, Vec<WireMessage>);

/// Splits system text off and turns the rest into alternating Converse turns.
fn messages(input: &[Message]) -> Result<Turns, ProviderError> {
    let mut system = Vec::new();
    let mut out: Vec<WireMessage> = Vec::new();
    for (i, m) in input.iter().enumerate() {
        let (role, blocks) = match m.role.as_str() {
            "system" | "developer" => {
                let text = m.text();
                if !text.is_empty() {
                    system.push(SystemBlock { text });
                }
                continue;
            }
            "user" => ("user", content_blocks(m.content.as_ref(), i)?),
            "assistant" => ("assistant", assistant_blocks(m, i)?),
            "tool" => {
                let id = m.extra.get("tool_call_id").and_then(Value::as_str);
                let id = id.ok_or_else(|| invalid(format!("messages[{i}] has no tool_call_id")))?;
                let result = Block::ToolResult(ToolResult {
                    tool_use_id: id.to_string(),
                    content: vec![tool_result_content(m.text())],
                });
                ("user", vec![result])
            }
            other => return Err(invalid(format!("messages[{i}] has role `{other}`"))),
        };
        // Converse requires alternating turns and all results of one assistant turn in
        // the next user turn, so consecutive same-role messages merge.
        match out.last_mut() {
            Some(last) if last.role == role => last.content.extend(blocks),
            _ if blocks.is_empty() => {}
            _ => out.push(WireMessage {
                role,
                content: blocks,
            }),
        }
    }
    Ok((system, out))
}

/// A tool result that is a JSON object or array goes as `json`, so the model gets a
/// document rather than escaped text; anything else as `text`.
fn tool_result_content(text: String) -> ToolResultContent {
    match serde_json::from_str::<Value>(&text) {
        Ok(v @ (Value::Object(_) | Value::Array(_))) => ToolResultContent::Json(v),
        _ => ToolResultContent::Text(text),
    }
}

fn content_blocks(content: Option<&Value>, i: usize) -> Result<Vec<Block>, ProviderError> {
    let parts = match content {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(s)) => return Ok(text_block(s).into_iter().collect()),
        Some(Value::Array(parts)) => parts,
        Some(other) => return Err(invalid(format!("messages[{i}].content is {other}"))),
    };
    let mut out = Vec::new();
    for part in parts {
        match part.get("type").and_then(Value::as_str) {
            Some("text") => out.extend(text_block(
                part.get("text").and_then(Value::as_str).unwrap_or(""),
            )),
            Some("image_url") => {
                let url = part.get("image_url");
                let url = url
                    .and_then(|u| u.get("url").or(Some(u)))
                    .and_then(Value::as_str);
                let url = url.ok_or_else(|| {
                    invalid(format!("messages[{i}] has an image_url part without a url"))
                })?;
                out.push(Block::Image(image(url, i)?));
            }
            other => {
                let kind = other.unwrap_or("(none)");
                return Err(invalid(format!(
                    "messages[{i}] has a content part of type `{kind}`, which bedrock does not accept here"
                )));
            }
        }
    }
    Ok(out)
}

/// Converse rejects blank text blocks, so they are left out.
fn text_block(text: &str) -> Option<Block> {
    (!text.trim().is_empty()).then(|| Block::Text(text.to_string()))
}

fn image(url: &str, i: usize) -> Result<Image, ProviderError> {
    if url.starts_with("http://") || url.starts_with("https://") {
        return Err(ProviderError::Unsupported(format!(
            "messages[{i}] has an image by http(s) URL, which bedrock cannot fetch; send it \
             inline as a data: URL (data:image/png;base64,...)"
        )));
    }
    let Some((media_type, data)) = url
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once(";base64,"))
    else {
        return Err(invalid(format!(
            "messages[{i}] has an image URL that is not a base64 data: URL"
        )));
    };
    let format = IMAGE_FORMATS
        .iter()
        .find(|(t, _)| t.eq_ignore_ascii_case(media_type))
        .map(|(_, f)| *f)
        .ok_or_else(|| {
            invalid(format!(
                "messages[{i}] has an image of type `{media_type}`; bedrock accepts png, jpeg, gif and webp"
            ))
        })?;
    Ok(Image {
        format: format.to_string(),
        source: ImageSource {
            bytes: data.to_string(),
        },
    })
}

fn assistant_blocks(m: &Message, i: usize) -> Result<Vec<Block>, ProviderError> {
    let mut out = content_blocks(m.content.as_ref(), i)?;
    for call in assistant_tool_calls(m, i, invalid)? {
        out.push(Block::ToolUse(ToolUse {
            tool_use_id: call.id,
            name: call.name,
            input: call.input,
        }));
    }
    Ok(out)
}
