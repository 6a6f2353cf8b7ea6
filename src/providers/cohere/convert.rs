//! Canonical (OpenAI) requests -> Cohere v2 requests, as pure functions.
//!
//! As with the anthropic adapter, parameters Cohere cannot honour are refused by name
//! rather than dropped (a client that asks for `n = 3` and silently gets one answer is
//! worse off), while parameters nobody knows are dropped, since Cohere rejects unknown keys.

use serde_json::{json, Map, Value};

use super::wire::{ChatRequest as WireRequest, WireMessage};
use crate::providers::tool_calls::function_tools;
use crate::providers::ProviderError;
use crate::schema::{ChatRequest, Message};

/// OpenAI parameters without a Cohere equivalent, each with its neutral value (`None`:
/// any non-null value is refused). Neutral values pass because SDKs send them by default.
const UNSUPPORTED: &[(&str, Option<&str>)] = &[
    ("n", Some("1")),
    ("logprobs", Some("false")),
    ("top_logprobs", None),
    ("logit_bias", Some("{}")),
    ("parallel_tool_calls", Some("true")),
    ("audio", None),
    ("modalities", Some(r#"["text"]"#)),
    ("prediction", None),
    ("reasoning_effort", None),
    ("web_search_options", None),
    ("functions", None),
    ("function_call", None),
];

/// A parameter Cohere has no equivalent for, named so the client can remove it.
pub fn unsupported(what: &str) -> ProviderError {
    ProviderError::unsupported_param(
        what,
        format!(
            "parameter `{what}` is not supported by provider type cohere; remove it or route \
             the request to a provider that supports it"
        ),
    )
}

/// A request bifrost cannot express in Cohere's format.
pub fn invalid(detail: String) -> ProviderError {
    ProviderError::Unsupported(format!("cannot translate the request for cohere: {detail}"))
}

fn refuse_unsupported(x: &Map<String, Value>) -> Result<(), ProviderError> {
    crate::providers::params::refuse_unsupported(x, UNSUPPORTED, unsupported)
}

/// Builds the `/chat` body for `model` from a canonical chat request.
pub fn to_request(model: &str, req: &ChatRequest) -> Result<WireRequest, ProviderError> {
    let x = &req.extra;
    refuse_unsupported(x)?;
    let max_tokens =
        match x
            .get("max_completion_tokens")
            .or_else(|| x.get("max_tokens"))
        {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                invalid(format!("max_tokens must be a positive integer, got {v}"))
            })?),
        };
    let (tools, tool_choice) = tools(x)?;
    let non_null = |name: &str| x.get(name).filter(|v| !v.is_null()).cloned();
    Ok(WireRequest {
        model: model.to_string(),
        messages: messages(&req.messages)?,
        stream: req.stream.filter(|s| *s),
        tools,
        tool_choice,
        response_format: response_format(x.get("response_format"))?,
        max_tokens,
        stop_sequences: stop(x.get("stop")),
        temperature: x.get("temperature").and_then(Value::as_f64),
        p: x.get("top_p").and_then(Value::as_f64),
        k: non_null("top_k"),
        seed: non_null("seed"),
        frequency_penalty: x.get("frequency_penalty").and_then(Value::as_f64),
        presence_penalty: x.get("presence_penalty").and_then(Value::as_f64),
    })
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

/// OpenAI's `json_object`/`json_schema` formats -> Cohere's `json_object` (+ schema).
fn response_format(v: Option<&Value>) -> Result<Option<Value>, ProviderError> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    match v.get("type").and_then(Value::as_str) {
        Some("text") => Ok(None),
        Some("json_object") => Ok(Some(json!({"type": "json_object"}))),
        Some("json_schema") => {
            let schema = v.pointer("/json_schema/schema").filter(|s| s.is_object());
            let schema = schema.ok_or_else(|| {
                invalid("response_format json_schema has no json_schema.schema object".into())
            })?;
            Ok(Some(json!({"type": "json_object", "json_schema": schema})))
        }
        _ => Err(invalid(format!("response_format {v} is unknown"))),
    }
}

fn messages(input: &[Message]) -> Result<Vec<WireMessage>, ProviderError> {
    let mut out = Vec::with_capacity(input.len());
    for (i, m) in input.iter().enumerate() {
        out.push(match m.role.as_str() {
            "system" | "developer" => WireMessage::System { content: m.text() },
            "user" => WireMessage::User {
                content: user_content(m.content.as_ref(), i)?,
            },
            "assistant" => assistant(m, i)?,
            "tool" => {
                let id = m.extra.get("tool_call_id").and_then(Value::as_str);
                let id = id.ok_or_else(|| invalid(format!("messages[{i}] has no tool_call_id")))?;
                WireMessage::Tool {
                    tool_call_id: id.to_string(),
                    content: Value::String(m.text()),
                }
            }
            other => return Err(invalid(format!("messages[{i}] has role `{other}`"))),
        });
    }
    Ok(out)
}

/// Strings and `text`/`image_url` parts pass as they are: Cohere v2 uses OpenAI's part shapes.
fn user_content(content: Option<&Value>, i: usize) -> Result<Value, ProviderError> {
    match content {
        None | Some(Value::Null) => Ok(Value::String(String::new())),
        Some(Value::String(s)) => Ok(Value::String(s.clone())),
        Some(Value::Array(parts)) => {
            for part in parts {
                match part.get("type").and_then(Value::as_str) {
                    Some("text") | Some("image_url") => {}
                    other => {
                        let kind = other.unwrap_or("(none)");
                        return Err(invalid(format!(
                            "messages[{i}] has a content part of type `{kind}`, which cohere does not accept"
                        )));
                    }
                }
            }
            Ok(Value::Array(parts.clone()))
        }
        Some(other) => Err(invalid(format!("messages[{i}].content is {other}"))),
    }
}

/// Text next to tool calls becomes Cohere's `tool_plan`, which is what that text is;
/// answers map `tool_plan` back to `content`, so a conversation round-trips.
fn assistant(m: &Message, i: usize) -> Result<WireMessage, ProviderError> {
    let text = m.text();
    let mut calls = Vec::new();
    for call in m.tool_calls() {
        let f = call.get("function");
        let field = |name: &str| f.and_then(|f| f.get(name)).and_then(Value::as_str);
        let name = field("name").ok_or_else(|| {
            invalid(format!(
                "messages[{i}] has a tool call without function.name"
            ))
        })?;
        let id = call.get("id").and_then(Value::as_str).unwrap_or("");
        let arguments = field("arguments")
            .filter(|a| !a.trim().is_empty())
            .unwrap_or("{}");
        calls.push(json!({"id": id, "type": "function",
            "function": {"name": name, "arguments": arguments}}));
    }
    let has_calls = !calls.is_empty();
    let text = (!text.is_empty()).then_some(text);
    Ok(WireMessage::Assistant {
        content: if has_calls { None } else { text.clone() },
        tool_plan: if has_calls { text } else { None },
        tool_calls: has_calls.then_some(calls),
    })
}

type Tools = (Option<Vec<Value>>, Option<&'static str>);

/// Tools keep OpenAI's shape. Cohere cannot force one named tool, so that choice is
/// expressed as "the tool list is just that tool, and a call is required".
fn tools(x: &Map<String, Value>) -> Result<Tools, ProviderError> {
    let mut tools = Vec::new();
    for (_, f) in function_tools(x, invalid)? {
        let mut function = Map::new();
        for key in ["name", "description", "parameters"] {
            if let Some(v) = f.get(key).filter(|v| !v.is_null()) {
                function.insert(key.into(), v.clone());
            }
        }
        tools.push(json!({"type": "function", "function": function}));
    }
    let choice = match x.get("tool_choice") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match s.as_str() {
            "auto" => None,
            "none" => Some("NONE"),
            "required" => Some("REQUIRED"),
            other => return Err(invalid(format!("tool_choice `{other}` is unknown"))),
        },
        Some(v) => {
            let name = v.pointer("/function/name").and_then(Value::as_str);
            let name = name.ok_or_else(|| invalid(format!("tool_choice {v} names no function")))?;
            tools.retain(|t| t.pointer("/function/name").and_then(Value::as_str) == Some(name));
            if tools.is_empty() {
                return Err(invalid(format!(
                    "tool_choice names `{name}`, which is not in tools"
                )));
            }
            Some("REQUIRED")
        }
    };
    Ok(((!tools.is_empty()).then_some(tools), choice))
}
