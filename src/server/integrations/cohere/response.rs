//! Canonical answers -> Cohere v2 answers (chat, embed), and Cohere's error shape.

use axum::response::Response;
use serde_json::{json, Value};

use crate::schema::{ChatResponse, Usage};
use crate::server::ApiError;

/// Cohere's `finish_reason` for an OpenAI one.
pub fn finish_reason(reason: Option<&str>) -> &'static str {
    match reason {
        Some("length") => "MAX_TOKENS",
        Some("tool_calls") | Some("function_call") => "TOOL_CALL",
        Some("content_filter") => "ERROR",
        _ => "COMPLETE",
    }
}

/// Cohere's usage (billed units and tokens, the same counts here).
pub fn usage(u: Option<&Usage>) -> Value {
    let (input, output) = u.map_or((0, 0), |u| (u.prompt_tokens, u.completion_tokens));
    let counts = json!({"input_tokens": input, "output_tokens": output});
    json!({"billed_units": counts, "tokens": counts})
}

/// The v2 `/chat` answer for a canonical one.
pub fn chat(answer: &ChatResponse) -> Value {
    let choice = answer
        .choices
        .iter()
        .find(|c| c.index == 0)
        .or(answer.choices.first());
    let mut message = json!({"role": "assistant"});
    let mut finish = None;
    if let Some(choice) = choice {
        finish = choice.finish_reason.as_deref();
        let m = &choice.message;
        let text = m.text();
        match m.tool_calls() {
            [] => message["content"] = json!([{"type": "text", "text": text}]),
            calls => {
                // Cohere puts the text a model writes before calling tools in `tool_plan`.
                if !text.is_empty() {
                    message["tool_plan"] = text.into();
                }
                message["tool_calls"] = calls
                    .iter()
                    .map(|c| {
                        json!({"id": c["id"], "type": "function", "function": {
                        "name": c["function"]["name"], "arguments": c["function"]["arguments"]}})
                    })
                    .collect();
            }
        }
        if let Some(r) = m.extra.get("reasoning_content").and_then(Value::as_str) {
            let content = message["content"].as_array().cloned().unwrap_or_default();
            let mut all = vec![json!({"type": "thinking", "thinking": r})];
            all.extend(content);
            message["content"] = all.into();
        }
    }
    json!({
        "id": answer.id,
        "finish_reason": finish_reason(finish),
        "message": message,
        "usage": usage(answer.usage.as_ref()),
    })
}

/// The v2 `/embed` answer for an OpenAI embeddings list (floats, in input order).
pub fn embed(answer: &Value, texts: &[Value], id: &str) -> Value {
    let mut data: Vec<&Value> = answer
        .get("data")
        .and_then(Value::as_array)
        .map(|d| d.iter().collect())
        .unwrap_or_default();
    data.sort_by_key(|d| d.get("index").and_then(Value::as_u64).unwrap_or(0));
    let floats: Vec<Value> = data.iter().map(|d| d["embedding"].clone()).collect();
    let tokens = answer
        .pointer("/usage/prompt_tokens")
        .cloned()
        .unwrap_or(json!(0));
    json!({
        "id": id,
        "response_type": "embeddings_by_type",
        "embeddings": {"float": floats},
        "texts": texts,
        "meta": {"api_version": {"version": "2"}, "billed_units": {"input_tokens": tokens}},
    })
}

/// The error response: `e`'s status and `{"message": ...}`, which the Cohere SDKs turn
/// into the exception for the status (`NotFoundError`, `TooManyRequestsError`, ...).
pub fn render_error(e: ApiError) -> Response {
    e.respond_with(json!({"message": e.message}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tool_call_answer_puts_its_text_in_the_plan() {
        let answer: ChatResponse = serde_json::from_value(json!({"id": "x", "choices": [{
            "index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant",
            "content": "checking", "tool_calls": [{"id": "c", "type": "function",
            "function": {"name": "f", "arguments": "{}"}}]}}]}))
        .unwrap();
        let out = chat(&answer);
        assert_eq!(out["finish_reason"], "TOOL_CALL");
        assert_eq!(out["message"]["tool_plan"], "checking");
        assert_eq!(out["message"]["tool_calls"][0]["function"]["name"], "f");
        assert!(out["message"].get("content").is_none());
    }
}
