//! Canonical (OpenAI) chat requests -> Anthropic Messages requests, as pure functions
//! (answers go the other way in `response`).
//!
//! Parameters Anthropic has no equivalent for are refused rather than dropped: a client
//! that asks for `n = 3` or a JSON schema and silently gets something else is worse off
//! than one told to remove the parameter. Keys nobody knows are dropped, because
//! Anthropic rejects unknown keys and new OpenAI parameters appear often.

use serde_json::{Map, Value};

use super::cache::{message_cache_control, system_blocks, system_field};
use super::thinking;
use super::wire::{
    Block, ImageSource, MessagesRequest, Metadata, System, Tool, ToolChoice, WireMessage,
};
use crate::providers::params::refuse_unsupported;
use crate::providers::tool_calls::{assistant_tool_calls, function_tools};
use crate::providers::ProviderError;
use crate::schema::{ChatRequest, Message};

/// `max_tokens` when the client sets none: Anthropic requires one (with thinking on,
/// the thinking budget is added; see `thinking`).
pub const DEFAULT_MAX_TOKENS: u64 = 4096;

/// OpenAI parameters without an Anthropic equivalent, each with its neutral value
/// (`None`: any non-null value is refused). Neutral values pass, because SDKs and
/// frameworks often send them by default.
const UNSUPPORTED: &[(&str, Option<&str>)] = &[
    ("n", Some("1")),
    ("logprobs", Some("false")),
    ("top_logprobs", None),
    ("presence_penalty", Some("0")),
    ("frequency_penalty", Some("0")),
    ("seed", None),
    ("logit_bias", Some("{}")),
    ("response_format", Some(r#"{"type":"text"}"#)),
    ("audio", None),
    ("modalities", Some(r#"["text"]"#)),
    ("prediction", None),
    ("web_search_options", None),
    ("functions", None),
    ("function_call", None),
];

fn unsupported(what: &str) -> ProviderError {
    ProviderError::unsupported_param(
        what,
        format!(
            "parameter `{what}` is not supported by provider type anthropic; remove it or \
             route the request to a provider that supports it"
        ),
    )
}

fn invalid(detail: String) -> ProviderError {
    ProviderError::Unsupported(format!(
        "cannot translate the request for anthropic: {detail}"
    ))
}

/// Builds the Messages request for `model` from a canonical chat request.
pub fn to_request(model: &str, req: &ChatRequest) -> Result<MessagesRequest, ProviderError> {
    let x = &req.extra;
    refuse_unsupported(x, UNSUPPORTED, unsupported)?;
    let (thinking, max_tokens) = thinking::thinking_and_max_tokens(x)?;
    let (system, messages) = messages(&req.messages)?;
    let (tools, tool_choice) = tools(x)?;
    Ok(MessagesRequest {
        model: model.to_string(),
        max_tokens,
        messages,
        system,
        temperature: temperature(x.get("temperature"))?,
        top_p: x.get("top_p").and_then(Value::as_f64),
        top_k: x.get("top_k").filter(|v| !v.is_null()).cloned(),
        stop_sequences: stop(x.get("stop")),
        metadata: x.get("user").and_then(Value::as_str).map(|u| Metadata {
            user_id: u.to_string(),
        }),
        tools,
        tool_choice,
        thinking,
        stream: req.stream.filter(|s| *s),
    })
}

/// OpenAI accepts temperatures up to 2, Anthropic up to 1. Values above 1 are clamped
/// to 1 (the most random Anthropic allows) rather than refused: OpenAI clients send
/// 1.2 or 1.5 routinely, and a 400 for that would break them for a nuance. Negative
/// values are invalid for both APIs and stay an error.
fn temperature(v: Option<&Value>) -> Result<Option<f64>, ProviderError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_f64() {
            Some(t) if t >= 0.0 => Ok(Some(t.min(1.0))),
            _ => Err(invalid(format!(
                "temperature must be a number from 0 to 2, got {v}"
            ))),
        },
    }
}

fn stop(v: Option<&Value>) -> Option<Vec<String>> {
    let list: Vec<String> = match v? {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    (!list.is_empty()).then_some(list)
}

/// Splits system text off and turns the rest into alternating Anthropic turns.
fn messages(input: &[Message]) -> Result<(Option<System>, Vec<WireMessage>), ProviderError> {
    let mut system = Vec::new();
    let mut out: Vec<WireMessage> = Vec::new();
    for (i, m) in input.iter().enumerate() {
        let (role, mut blocks) = match m.role.as_str() {
            "system" | "developer" => {
                let mut blocks = system_blocks(m.content.as_ref());
                message_cache_control(m, &mut blocks);
                system.push(blocks);
                continue;
            }
            "user" => ("user", content_blocks(m.content.as_ref(), i)?),
            "assistant" => ("assistant", assistant_blocks(m, i)?),
            "tool" => {
                let id = m.extra.get("tool_call_id").and_then(Value::as_str);
                let id = id.ok_or_else(|| invalid(format!("messages[{i}] has no tool_call_id")))?;
                let content = content_blocks(m.content.as_ref(), i)?;
                let result = Block::ToolResult {
                    tool_use_id: id.to_string(),
                    content,
                    cache_control: None,
                };
                ("user", vec![result])
            }
            other => return Err(invalid(format!("messages[{i}] has role `{other}`"))),
        };
        message_cache_control(m, &mut blocks);
        // Tool results must share one user turn, and Anthropic merges consecutive
        // same-role turns anyway, so merging here changes nothing else.
        match out.last_mut() {
            Some(last) if last.role == role => last.content.extend(blocks),
            _ if blocks.is_empty() => {}
            _ => out.push(WireMessage {
                role,
                content: blocks,
            }),
        }
    }
    Ok((system_field(system), out))
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
        let cache_control = part.get("cache_control").filter(|v| !v.is_null()).cloned();
        match part.get("type").and_then(Value::as_str) {
            Some("text") => {
                let text = part.get("text").and_then(Value::as_str).unwrap_or("");
                out.extend(text_block(text).map(|mut b| {
                    if let Some(cc) = cache_control {
                        b.set_cache_control(cc);
                    }
                    b
                }));
            }
            Some("image_url") => {
                let url = part.get("image_url");
                let url = url
                    .and_then(|u| u.get("url").or(Some(u)))
                    .and_then(Value::as_str);
                let url = url.ok_or_else(|| {
                    invalid(format!("messages[{i}] has an image_url part without a url"))
                })?;
                out.push(Block::Image {
                    source: image_source(url, i)?,
                    cache_control,
                });
            }
            other => {
                let kind = other.unwrap_or("(none)");
                return Err(invalid(format!("messages[{i}] has a content part of type `{kind}`, which anthropic does not accept here")));
            }
        }
    }
    Ok(out)
}

/// Empty text blocks are rejected by Anthropic, so they are left out.
pub fn text_block(text: &str) -> Option<Block> {
    (!text.is_empty()).then(|| Block::Text {
        text: text.to_string(),
        cache_control: None,
    })
}

fn image_source(url: &str, i: usize) -> Result<ImageSource, ProviderError> {
    if let Some(rest) = url.strip_prefix("data:") {
        if let Some((media_type, data)) = rest.split_once(";base64,") {
            return Ok(ImageSource::Base64 {
                media_type: media_type.to_string(),
                data: data.to_string(),
            });
        }
        return Err(invalid(format!(
            "messages[{i}] has a data: image URL that is not base64"
        )));
    }
    if url.starts_with("http://") || url.starts_with("https://") {
        return Ok(ImageSource::Url {
            url: url.to_string(),
        });
    }
    Err(invalid(format!(
        "messages[{i}] has an image URL that is neither data: nor http(s)"
    )))
}

/// Earlier thinking first, then text, then tool calls: the order Anthropic produced
/// them in and requires them back in.
fn assistant_blocks(m: &Message, i: usize) -> Result<Vec<Block>, ProviderError> {
    let mut out = thinking::request_blocks(m, i)?;
    out.extend(content_blocks(m.content.as_ref(), i)?);
    for call in assistant_tool_calls(m, i, invalid)? {
        out.push(Block::ToolUse {
            id: call.id,
            name: call.name,
            input: call.input,
            cache_control: None,
        });
    }
    Ok(out)
}

type Tools = (Option<Vec<Tool>>, Option<ToolChoice>);

fn tools(x: &Map<String, Value>) -> Result<Tools, ProviderError> {
    let mut tools = Vec::new();
    for (t, f) in function_tools(x, invalid)? {
        let name = f
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let schema = f.get("parameters").filter(|p| p.is_object()).cloned();
        tools.push(Tool {
            name,
            description: f
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
            input_schema: schema
                .unwrap_or_else(|| serde_json::json!({"type": "object", "properties": {}})),
            // OpenAI has no cache_control; clients put it beside `function` (as
            // LiteLLM documents) or, less often, inside it.
            cache_control: t
                .get("cache_control")
                .or_else(|| f.get("cache_control"))
                .filter(|v| !v.is_null())
                .cloned(),
        });
    }
    let no_parallel = x.get("parallel_tool_calls").and_then(Value::as_bool) == Some(false);
    let choice = match x.get("tool_choice") {
        None | Some(Value::Null) => no_parallel.then_some(("auto", None)),
        Some(Value::String(s)) => match s.as_str() {
            "auto" => Some(("auto", None)),
            "none" => Some(("none", None)),
            "required" => Some(("any", None)),
            other => return Err(invalid(format!("tool_choice `{other}` is unknown"))),
        },
        Some(v) => {
            let name = v.pointer("/function/name").and_then(Value::as_str);
            let name = name.ok_or_else(|| invalid(format!("tool_choice {v} names no function")))?;
            Some(("tool", Some(name.to_string())))
        }
    };
    let choice = choice.map(|(kind, name)| ToolChoice {
        kind,
        name,
        // Anthropic refuses this flag on `none`.
        disable_parallel_tool_use: (no_parallel && kind != "none").then_some(true),
    });
    Ok(((!tools.is_empty()).then_some(tools), choice))
}
