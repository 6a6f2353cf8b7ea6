//! Canonical (OpenAI) answers -> Anthropic messages: the reverse of the `anthropic`
//! provider's `response`. The pieces shared with stream translation (ids, stop
//! reasons, usage) live here too.

use serde_json::{json, Value};

use crate::schema::{ChatResponse, Usage};

/// Anthropic's `stop_reason` for an OpenAI `finish_reason`. A stop caused by one of the
/// client's stop sequences cannot be told apart from a natural end in OpenAI's format,
/// so it reads as `end_turn` (and `stop_sequence` stays null).
pub fn stop_reason(finish_reason: &str) -> &str {
    match finish_reason {
        "stop" => "end_turn",
        "length" => "max_tokens",
        "tool_calls" | "function_call" => "tool_use",
        "content_filter" => "refusal",
        other => other,
    }
}

/// A `msg_` id: the upstream's when it already is one, else the upstream's prefixed
/// (so logs on both sides still match), else a fresh one.
pub fn message_id(upstream: &str) -> String {
    if upstream.starts_with("msg_") {
        upstream.to_string()
    } else if upstream.is_empty() {
        format!("msg_{}", uuid::Uuid::new_v4().simple())
    } else {
        format!("msg_{upstream}")
    }
}

/// Anthropic usage from OpenAI's. OpenAI's `prompt_tokens` includes cached tokens while
/// Anthropic's `input_tokens` excludes them, so they are taken out again.
pub fn usage(u: Option<&Usage>) -> Value {
    let Some(u) = u else {
        return json!({"input_tokens": 0, "output_tokens": 0});
    };
    let detail = |key: &str| {
        u.extra
            .get("prompt_tokens_details")
            .and_then(|d| d.get(key))
            .and_then(Value::as_u64)
    };
    let cached = detail("cached_tokens");
    // Where the anthropic provider puts Anthropic's `cache_creation_input_tokens`.
    let created = detail("cache_creation_tokens");
    let input = u
        .prompt_tokens
        .saturating_sub(cached.unwrap_or(0))
        .saturating_sub(created.unwrap_or(0));
    let mut out = json!({"input_tokens": input, "output_tokens": u.completion_tokens});
    if let Some(c) = cached {
        out["cache_read_input_tokens"] = c.into();
    }
    if let Some(c) = created {
        out["cache_creation_input_tokens"] = c.into();
    }
    out
}

/// A tool call's `arguments` as the `input` object Anthropic clients expect. Empty
/// arguments are `{}`; arguments that are not a JSON object are kept, unparsed, as
/// `{"_raw_arguments": "..."}` so the client can see what the model produced.
pub fn tool_input(arguments: &str) -> Value {
    if arguments.trim().is_empty() {
        return json!({});
    }
    match serde_json::from_str::<Value>(arguments) {
        Ok(v @ Value::Object(_)) => v,
        _ => json!({"_raw_arguments": arguments}),
    }
}

/// The Anthropic message for a canonical answer; `model` is the name the client used.
pub fn to_message(r: &ChatResponse, model: &str) -> Value {
    let choice = r.choices.first();
    let mut content = Vec::new();
    if let Some(m) = choice.map(|c| &c.message) {
        // Anthropic's own blocks (with signatures) when the upstream was Anthropic;
        // otherwise the reasoning text, unsigned, so the client still sees it.
        match m.extra.get("thinking_blocks").and_then(Value::as_array) {
            Some(blocks) => content.extend(blocks.iter().cloned()),
            None => {
                if let Some(t) = m
                    .extra
                    .get("reasoning_content")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                {
                    content.push(json!({"type": "thinking", "thinking": t, "signature": ""}));
                }
            }
        }
        let text = m.text();
        if !text.is_empty() {
            content.push(json!({"type": "text", "text": text}));
        }
        for call in m.tool_calls() {
            let f = call.get("function");
            let name = f.and_then(|f| f.get("name")).and_then(Value::as_str);
            let args = f.and_then(|f| f.get("arguments")).and_then(Value::as_str);
            content.push(json!({
                "type": "tool_use",
                "id": call.get("id").and_then(Value::as_str).unwrap_or(""),
                "name": name.unwrap_or(""),
                "input": tool_input(args.unwrap_or("")),
            }));
        }
    }
    let stop = choice
        .and_then(|c| c.finish_reason.as_deref())
        .map(stop_reason);
    json!({
        "id": message_id(&r.id),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop,
        "stop_sequence": null,
        "usage": usage(r.usage.as_ref()),
    })
}

/// A hook's canonical answer in Anthropic's shape; a body that is not a chat
/// completion is passed on as the hook wrote it.
pub fn hook_answer(body: Value, model: &str) -> Value {
    match serde_json::from_value::<ChatResponse>(body.clone()) {
        Ok(r) if !r.choices.is_empty() => to_message(&r, model),
        _ => body,
    }
}
