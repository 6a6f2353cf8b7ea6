//! Converse answers -> canonical (OpenAI) answers, as pure functions; the pieces shared
//! with stream translation (finish reasons, usage, tool calls) live here too.

use serde_json::{Map, Value};

use super::wire::{ConverseResponse, WireUsage};
use crate::schema::{unix_now, Answer, ChatChoice, ChatResponse, Message, Usage};

/// OpenAI's `finish_reason` for a Converse `stopReason`.
pub fn finish_reason(stop_reason: &str) -> String {
    match stop_reason {
        "end_turn" | "stop_sequence" => "stop",
        "max_tokens" | "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "guardrail_intervened" | "content_filtered" => "content_filter",
        other => other,
    }
    .to_string()
}

/// OpenAI usage from Bedrock's. Bedrock counts cached prompt tokens apart from
/// `inputTokens` while OpenAI's `prompt_tokens` includes them, so they are added back
/// and the total is recomputed to stay consistent.
pub fn usage(u: &WireUsage) -> Usage {
    let read = u.cache_read_input_tokens.unwrap_or(0);
    let written = u.cache_write_input_tokens.unwrap_or(0);
    let mut out = Usage::new(u.input_tokens + read + written, u.output_tokens);
    if u.cache_read_input_tokens.is_some() {
        out.extra.insert(
            "prompt_tokens_details".into(),
            serde_json::json!({"cached_tokens": read}),
        );
    }
    if let Some(w) = u.cache_write_input_tokens {
        out.extra
            .insert("cache_creation_input_tokens".into(), w.into());
    }
    out
}

/// A tool call in OpenAI's shape (`arguments` is a JSON string).
pub fn tool_call(id: &str, name: &str, arguments: String) -> Value {
    serde_json::json!({"id": id, "type": "function", "function": {"name": name, "arguments": arguments}})
}

/// A fresh completion id: Converse answers carry none in the body.
pub fn completion_id() -> String {
    format!("chatcmpl-{}", uuid::Uuid::new_v4().simple())
}

/// The canonical answer for a Converse response to a request for `model`.
pub fn from_response(r: ConverseResponse, model: &str) -> Answer<ChatResponse> {
    let (mut text, mut reasoning, mut calls) = (String::new(), String::new(), Vec::new());
    let blocks = r.output.message.map(|m| m.content).unwrap_or_default();
    for block in blocks {
        if let Some(t) = block.get("text").and_then(Value::as_str) {
            text.push_str(t);
        } else if let Some(tool) = block.get("toolUse") {
            let field = |k| tool.get(k).and_then(Value::as_str).unwrap_or("");
            let input = tool
                .get("input")
                .cloned()
                .unwrap_or(Value::Object(Map::new()));
            calls.push(tool_call(
                field("toolUseId"),
                field("name"),
                input.to_string(),
            ));
        } else if let Some(r) = block.get("reasoningContent") {
            if let Some(t) = r.pointer("/reasoningText/text").and_then(Value::as_str) {
                reasoning.push_str(t);
            }
        }
    }
    let mut extra = Map::new();
    if !reasoning.is_empty() {
        extra.insert("reasoning_content".into(), reasoning.into());
    }
    // OpenAI leaves `content` out when the answer is only tool calls.
    let content = (!text.is_empty() || calls.is_empty()).then(|| Value::String(text));
    if !calls.is_empty() {
        extra.insert("tool_calls".into(), Value::Array(calls));
    }
    Answer::Typed(ChatResponse {
        id: completion_id(),
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
            finish_reason: r.stop_reason.as_deref().map(finish_reason),
            extra: Map::new(),
        }],
        usage: Some(usage(&r.usage)),
        extra: Map::new(),
    })
}
