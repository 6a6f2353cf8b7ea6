//! The usage of an answer that came without a usage report (a stream, whole or cut
//! short, a relayed stream, or a JSON answer), estimated with a real tokenizer
//! ([`crate::governance::tokens`]): the prompt as the request sent it and the text the
//! client actually received. Only such an answer pays for the count, at its end and off
//! the async workers; the reservation at admission keeps its cheap upper bound.

use bytes::Bytes;
use serde_json::Value;

use crate::governance::tokens::{self, Encoding};
use crate::schema::{ChatChunk, ChatRequest, Usage};

/// What a request asked, kept (moved or shared, never copied) to estimate an answer
/// that reports no usage.
pub(in crate::server) enum Prompt {
    /// A chat request, counted with the chat framing.
    Chat(Box<ChatRequest>),
    /// A request body in any other format (legacy completions, Responses, a drop-in
    /// route's own), counted as the text of its JSON.
    Body(Bytes),
}

/// Members whose strings are not text a model reads or writes: names, ids, enums and
/// encoded media (a base64 image is not billed as tokens).
const NOT_TEXT: [&str; 25] = [
    "model",
    "role",
    "type",
    "id",
    "object",
    "status",
    "finish_reason",
    "stop_reason",
    "finishReason",
    "stopReason",
    "system_fingerprint",
    "tool_call_id",
    "tool_use_id",
    "call_id",
    "media_type",
    "mime_type",
    "mimeType",
    "data",
    "b64_json",
    "url",
    "image_url",
    "signature",
    "encrypted_content",
    "modelVersion",
    "service_tier",
];

/// Appends every string of `value` that is text (not under a [`NOT_TEXT`] member) to `out`.
pub(in crate::server) fn text_of(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => out.push_str(s),
        Value::Array(items) => items.iter().for_each(|v| text_of(v, out)),
        Value::Object(members) => {
            for (k, v) in members {
                if !NOT_TEXT.contains(&k.as_str()) {
                    text_of(v, out);
                }
            }
        }
        _ => {}
    }
}

/// The text of a JSON body; empty when it is not JSON.
fn body_text(body: &[u8]) -> String {
    let mut out = String::new();
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        text_of(&value, &mut out);
    }
    out
}

/// The estimated usage of `prompt` answered by `model` with `sent` (the text the
/// client received); `None` when the tokenizer is unavailable.
pub(super) fn prompt_usage(model: &str, prompt: &Prompt, sent: &str) -> Option<Usage> {
    match prompt {
        Prompt::Chat(req) => usage(model, req, sent),
        Prompt::Body(body) => {
            let encoding = Encoding::for_model(model);
            let prompt = tokens::prompt(encoding, [], &body_text(body))?;
            let completion = encoding.count(sent)?;
            Some(Usage::new(prompt, completion))
        }
    }
}

/// The text of a whole JSON answer (its content, reasoning, tool calls' arguments).
pub(super) fn answer_text(answer: &[u8]) -> String {
    body_text(answer)
}

/// Appends the text a chunk sends to the client (content, reasoning, refusals, tool
/// calls' names and arguments) to `out`.
pub(super) fn sent_text(out: &mut String, chunk: &ChatChunk) {
    for choice in &chunk.choices {
        let delta = &choice.delta;
        for field in ["content", "reasoning_content", "reasoning", "refusal"] {
            if let Some(Value::String(s)) = delta.get(field) {
                out.push_str(s);
            }
        }
        let calls = delta.get("tool_calls").and_then(Value::as_array);
        for call in calls.into_iter().flatten() {
            let Some(function) = call.get("function") else {
                continue;
            };
            for field in ["name", "arguments"] {
                if let Some(Value::String(s)) = function.get(field) {
                    out.push_str(s);
                }
            }
        }
    }
}

/// The estimated usage of `req` answered by `model` with `sent`; `None` when the
/// tokenizer is unavailable.
fn usage(model: &str, req: &ChatRequest, sent: &str) -> Option<Usage> {
    let encoding = Encoding::for_model(model);
    // Tool definitions are read by the model as text of about their JSON's size.
    let tools = req
        .extra
        .get("tools")
        .map(Value::to_string)
        .unwrap_or_default();
    let mut prompt = tokens::prompt(encoding, [], &tools)?;
    for m in &req.messages {
        prompt += tokens::TOKENS_PER_MESSAGE + content_tokens(encoding, m.content.as_ref())?;
        for call in m.tool_calls() {
            prompt += encoding.count(&call.to_string())?;
        }
    }
    let completion = encoding.count(sent)?;
    Some(Usage {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        extra: Default::default(),
    })
}

/// Tokens of a message's content: the string, or each text part (images and audio
/// are not text and are not estimated).
fn content_tokens(encoding: Encoding, content: Option<&Value>) -> Option<u64> {
    match content {
        Some(Value::String(s)) => encoding.count(s),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .try_fold(0, |sum, text| Some(sum + encoding.count(text)?)),
        _ => Some(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_the_client_received_and_the_prompt() {
        let chunk: ChatChunk = serde_json::from_value(serde_json::json!({
            "choices": [{"index": 0, "delta": {"content": "hello ", "tool_calls": [
                {"index": 0, "function": {"name": "f", "arguments": "{}"}}]}}]
        }))
        .unwrap();
        let mut sent = String::new();
        sent_text(&mut sent, &chunk);
        assert_eq!(sent, "hello f{}");
        let req: ChatRequest = serde_json::from_value(serde_json::json!({
            "model": "gpt-4o",
            "messages": [{"role": "user", "content": "hello world"},
                         {"role": "user", "content": [{"type": "text", "text": "hello world"}]}]
        }))
        .unwrap();
        let u = usage("gpt-4o", &req, "hello world").unwrap();
        let framing = tokens::TOKENS_PER_REPLY + 2 * tokens::TOKENS_PER_MESSAGE;
        assert_eq!(u.prompt_tokens, framing + 4);
        assert_eq!(u.completion_tokens, 2);
        assert_eq!(u.total_tokens, u.prompt_tokens + 2);
    }
}
