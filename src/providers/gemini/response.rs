//! Gemini answers -> canonical (OpenAI) answers, as pure functions; the pieces shared
//! with stream translation (finish reasons, usage, tool calls, blocked prompts) live here.

use serde_json::{json, Map, Value};

use super::wire::{
    Candidate, FunctionCall, GenerateContentResponse, PromptFeedback, UsageMetadata,
};
use crate::schema::{unix_now, Answer, ChatChoice, ChatResponse, Message, Usage};

/// OpenAI's `finish_reason` for a Gemini `finishReason`; `has_calls` because Gemini says
/// `STOP` where OpenAI says `tool_calls`.
pub fn finish_reason(reason: &str, has_calls: bool) -> String {
    match reason {
        "MAX_TOKENS" => "length",
        "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII" | "IMAGE_SAFETY" => {
            "content_filter"
        }
        _ if has_calls => "tool_calls",
        _ => "stop",
    }
    .to_string()
}

/// OpenAI usage from Gemini's. Thinking tokens are output tokens OpenAI counts in
/// `completion_tokens` (and breaks out as `reasoning_tokens`), Gemini counts apart.
pub fn usage(u: &UsageMetadata) -> Usage {
    let thoughts = u.thoughts_token_count.unwrap_or(0);
    let prompt = u.prompt_token_count.unwrap_or(0);
    let mut out = Usage::new(prompt, u.candidates_token_count.unwrap_or(0) + thoughts);
    if let Some(total) = u.total_token_count {
        out.total_tokens = total;
    }
    if let Some(cached) = u.cached_content_token_count {
        out.extra.insert(
            "prompt_tokens_details".into(),
            json!({ "cached_tokens": cached }),
        );
    }
    if u.thoughts_token_count.is_some() {
        out.extra.insert(
            "completion_tokens_details".into(),
            json!({ "reasoning_tokens": thoughts }),
        );
    }
    out
}

/// A tool call in OpenAI's shape. Gemini's ids are optional, so `call_<n>` (numbered
/// within one answer) stands in. A thought signature rides along under the name Google's
/// OpenAI compatibility layer uses, so a client that sends the message back returns it.
pub fn tool_call(call: &FunctionCall, n: usize, signature: Option<&str>) -> Value {
    let id = call.id.clone().unwrap_or_else(|| format!("call_{n}"));
    let args = if call.args.is_null() {
        "{}".to_string()
    } else {
        call.args.to_string()
    };
    let mut v = json!({"id": id, "type": "function",
        "function": {"name": call.name, "arguments": args}});
    if let Some(s) = signature {
        v["extra_content"] = json!({"google": {"thought_signature": s}});
    }
    v
}

/// The text a blocked prompt gets instead of an answer.
pub fn blocked_message(feedback: &PromptFeedback) -> Option<String> {
    let reason = feedback.block_reason.as_deref()?;
    let mut text = format!("The prompt was blocked by Gemini (blockReason: {reason})");
    if let Some(detail) = feedback.block_reason_message.as_deref() {
        text.push_str(": ");
        text.push_str(detail);
    }
    Some(text)
}

/// One candidate's answer: `(content, reasoning, tool calls)`.
pub fn split_parts(candidate: &Candidate) -> (String, String, Vec<Value>) {
    let (mut text, mut thinking, mut calls) = (String::new(), String::new(), Vec::new());
    let parts = candidate.content.as_ref().map(|c| c.parts.as_slice());
    for part in parts.unwrap_or_default() {
        if let Some(call) = &part.function_call {
            calls.push(tool_call(
                call,
                calls.len(),
                part.thought_signature.as_deref(),
            ));
        } else if let Some(t) = &part.text {
            if part.thought == Some(true) {
                thinking.push_str(t);
            } else {
                text.push_str(t);
            }
        }
    }
    (text, thinking, calls)
}

/// The canonical answer for a `generateContent` response; `model` and `fallback_id`
/// stand in when Gemini does not say (`modelVersion`, `responseId`).
pub fn from_response(
    r: GenerateContentResponse,
    model: &str,
    fallback_id: &str,
) -> Answer<ChatResponse> {
    let mut choices = Vec::new();
    for (i, candidate) in r.candidates.iter().enumerate() {
        let (text, thinking, calls) = split_parts(candidate);
        let mut extra = Map::new();
        if !thinking.is_empty() {
            extra.insert("reasoning_content".into(), thinking.into());
        }
        let reason = candidate.finish_reason.as_deref().unwrap_or("STOP");
        let finish = finish_reason(reason, !calls.is_empty());
        // OpenAI leaves `content` out when the answer is only tool calls.
        let content = (!text.is_empty() || calls.is_empty()).then(|| Value::String(text));
        if !calls.is_empty() {
            extra.insert("tool_calls".into(), Value::Array(calls));
        }
        choices.push(choice(
            candidate.index.unwrap_or(i as u32),
            content,
            extra,
            finish,
        ));
    }
    if choices.is_empty() {
        // No candidates only happens when the prompt itself was refused; the client
        // gets an answer saying so, as OpenAI does for its own filter.
        let feedback = r.prompt_feedback.clone().unwrap_or_default();
        let text = blocked_message(&feedback)
            .unwrap_or_else(|| "Gemini returned no candidates".to_string());
        choices.push(choice(
            0,
            Some(text.into()),
            Map::new(),
            "content_filter".into(),
        ));
    }
    Answer::Typed(ChatResponse {
        id: r
            .response_id
            .clone()
            .unwrap_or_else(|| fallback_id.to_string()),
        object: "chat.completion".into(),
        created: unix_now(),
        model: r.model_version.clone().unwrap_or_else(|| model.to_string()),
        choices,
        usage: r.usage_metadata.as_ref().map(usage),
        extra: Map::new(),
    })
}

fn choice(
    index: u32,
    content: Option<Value>,
    extra: Map<String, Value>,
    finish: String,
) -> ChatChoice {
    ChatChoice {
        index,
        message: Message {
            role: "assistant".into(),
            content,
            extra,
        },
        finish_reason: Some(finish),
        extra: Map::new(),
    }
}
