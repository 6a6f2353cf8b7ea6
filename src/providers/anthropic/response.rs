//! Anthropic answers -> canonical (OpenAI) answers, as pure functions; the pieces
//! shared with stream translation (finish reasons, usage, tool calls) live here too.

use serde_json::{Map, Value};

use super::thinking::{redacted_entry, thinking_entry, THINKING_BLOCKS};
use super::wire::{MessagesResponse, ResponseBlock, WireUsage};
use crate::schema::{unix_now, Answer, ChatChoice, ChatResponse, Message, Usage};

/// OpenAI's `finish_reason` for an Anthropic `stop_reason`.
pub fn finish_reason(stop_reason: &str) -> String {
    match stop_reason {
        "end_turn" | "stop_sequence" | "pause_turn" => "stop",
        "max_tokens" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        other => other,
    }
    .to_string()
}

/// OpenAI usage from Anthropic's. Anthropic's `input_tokens` excludes cached tokens
/// while OpenAI's `prompt_tokens` counts all input, so both cache counts are added
/// back. Cache reads become OpenAI's `prompt_tokens_details.cached_tokens`; cache
/// writes, which OpenAI has no field for and Anthropic bills at a premium, are kept as
/// `prompt_tokens_details.cache_creation_tokens`.
pub fn usage(u: &WireUsage) -> Usage {
    let read = u.cache_read_input_tokens.unwrap_or(0);
    let created = u.cache_creation_input_tokens.unwrap_or(0);
    let prompt = u.input_tokens.unwrap_or(0) + read + created;
    let mut out = Usage::new(prompt, u.output_tokens.unwrap_or(0));
    if u.cache_read_input_tokens.is_some() || u.cache_creation_input_tokens.is_some() {
        out.extra.insert(
            "prompt_tokens_details".into(),
            serde_json::json!({"cached_tokens": read, "cache_creation_tokens": created}),
        );
    }
    out
}

/// A tool call in OpenAI's shape (`arguments` is a JSON string).
pub fn tool_call(id: &str, name: &str, arguments: String) -> Value {
    serde_json::json!({"id": id, "type": "function", "function": {"name": name, "arguments": arguments}})
}

/// The canonical answer for an Anthropic message.
pub fn from_response(r: MessagesResponse) -> Answer<ChatResponse> {
    let (mut text, mut thinking, mut calls) = (String::new(), String::new(), Vec::new());
    let mut blocks = Vec::new();
    for block in r.content {
        match block {
            ResponseBlock::Text { text: t } => text.push_str(&t),
            ResponseBlock::Thinking {
                thinking: t,
                signature,
            } => {
                blocks.push(thinking_entry(&t, &signature));
                thinking.push_str(&t);
            }
            ResponseBlock::RedactedThinking { data } => blocks.push(redacted_entry(&data)),
            ResponseBlock::ToolUse { id, name, input } => {
                calls.push(tool_call(&id, &name, input.to_string()));
            }
            ResponseBlock::Other => {}
        }
    }
    let mut extra = Map::new();
    if !thinking.is_empty() {
        extra.insert("reasoning_content".into(), thinking.into());
    }
    // The blocks themselves, to be sent back (see `thinking` for the contract).
    if !blocks.is_empty() {
        extra.insert(THINKING_BLOCKS.into(), Value::Array(blocks));
    }
    // OpenAI leaves `content` out when the answer is only tool calls.
    let content = (!text.is_empty() || calls.is_empty()).then(|| Value::String(text));
    if !calls.is_empty() {
        extra.insert("tool_calls".into(), Value::Array(calls));
    }
    Answer::Typed(ChatResponse {
        id: r.id,
        object: "chat.completion".into(),
        created: unix_now(),
        model: r.model,
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
