//! Cohere answers -> canonical (OpenAI) answers, as pure functions; the pieces shared
//! with stream translation (finish reasons, usage, failed generations) live here too.

use serde_json::{json, Map, Value};

use super::wire::{ChatResponse as WireResponse, TokenCounts, WireUsage};
use crate::providers::ProviderError;
use crate::schema::{unix_now, Answer, ChatChoice, ChatResponse, Message, Usage};

/// What a Cohere `finish_reason` means for an OpenAI client.
#[derive(Debug, PartialEq, Eq)]
pub enum Finish {
    /// The answer is complete; OpenAI's `finish_reason`.
    Reason(String),
    /// Generation failed part way: the answer must not look complete.
    Failed(String),
}

/// Maps Cohere's finish reasons. `ERROR_TOXIC` is a content filter; every other
/// `ERROR*` (and `TIMEOUT`) is a failed generation, reported as an error.
pub fn finish(reason: &str) -> Finish {
    let ok = |r: &str| Finish::Reason(r.to_string());
    match reason {
        "COMPLETE" | "STOP_SEQUENCE" | "USER_CANCEL" => ok("stop"),
        "MAX_TOKENS" => ok("length"),
        "TOOL_CALL" => ok("tool_calls"),
        "ERROR_TOXIC" => ok("content_filter"),
        r if r.starts_with("ERROR") || r == "TIMEOUT" => Finish::Failed(r.to_string()),
        other => ok(&other.to_ascii_lowercase()),
    }
}

/// The error for a generation Cohere ended with `ERROR*`, with its text when it sent one.
pub fn failed(reason: &str, detail: Option<&str>) -> ProviderError {
    let detail = detail
        .filter(|d| !d.is_empty())
        .unwrap_or("no detail given");
    ProviderError::Status {
        status: 502,
        message: format!("cohere ended the generation with {reason}: {detail}"),
        retry_after: None,
    }
}

fn count(c: Option<&TokenCounts>, pick: fn(&TokenCounts) -> Option<f64>) -> Option<u64> {
    // Counts are whole numbers sent as JSON numbers; truncation is exact for them.
    c.and_then(pick)
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(|n| n as u64)
}

/// OpenAI usage from Cohere's: the model's own `tokens`, else the billed units.
pub fn usage(u: &WireUsage) -> Usage {
    let input = count(u.tokens.as_ref(), |c| c.input_tokens)
        .or_else(|| count(u.billed_units.as_ref(), |c| c.input_tokens));
    let output = count(u.tokens.as_ref(), |c| c.output_tokens)
        .or_else(|| count(u.billed_units.as_ref(), |c| c.output_tokens));
    Usage::new(input.unwrap_or(0), output.unwrap_or(0))
}

/// A tool call in OpenAI's shape.
pub fn tool_call(id: &str, name: &str, arguments: &str) -> Value {
    json!({"id": id, "type": "function", "function": {"name": name, "arguments": arguments}})
}

/// The canonical answer for a Cohere chat answer; `model` is the routed model, since
/// Cohere's answer does not name it.
pub fn from_response(model: &str, r: WireResponse) -> Result<Answer<ChatResponse>, ProviderError> {
    let finish_reason = match r.finish_reason.as_deref().map(finish) {
        Some(Finish::Failed(reason)) => return Err(failed(&reason, None)),
        Some(Finish::Reason(f)) => Some(f),
        None => None,
    };
    let (mut text, mut thinking) = (String::new(), String::new());
    for block in &r.message.content {
        match block.kind.as_str() {
            "thinking" => thinking.push_str(block.thinking.as_deref().unwrap_or("")),
            _ => text.push_str(block.text.as_deref().unwrap_or("")),
        }
    }
    let calls: Vec<Value> = r
        .message
        .tool_calls
        .iter()
        .map(|c| {
            let f = &c.function;
            let args = f.arguments.as_deref().unwrap_or("{}");
            tool_call(
                c.id.as_deref().unwrap_or(""),
                f.name.as_deref().unwrap_or(""),
                args,
            )
        })
        .collect();
    if text.is_empty() && !calls.is_empty() {
        text = r.message.tool_plan.clone().unwrap_or_default();
    }
    let mut extra = Map::new();
    if !thinking.is_empty() {
        extra.insert("reasoning_content".into(), thinking.into());
    }
    // OpenAI leaves `content` out when the answer is only tool calls.
    let content = (!text.is_empty() || calls.is_empty()).then(|| Value::String(text));
    if !calls.is_empty() {
        extra.insert("tool_calls".into(), Value::Array(calls));
    }
    Ok(Answer::Typed(ChatResponse {
        id: r.id,
        object: "chat.completion".into(),
        created: unix_now(),
        model: model.to_string(),
        choices: vec![ChatChoice {
            index: 0,
            message: Message {
                role: "assistant".into(),
                content,
                extra,
            },
            finish_reason,
            extra: Map::new(),
        }],
        usage: r.usage.as_ref().map(usage),
        extra: Map::new(),
    }))
}
