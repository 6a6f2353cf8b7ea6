//! Canonical answers turned into Gemini's shapes: `GenerateContentResponse`, embeddings,
//! the model list, and Google's error body (which the google-genai SDKs parse into
//! their `APIError` with the code and status).

use serde_json::{json, Map, Value};

use crate::schema::{ChatResponse, ModelList, Usage};

/// OpenAI `finish_reason` -> Gemini `finishReason`.
pub fn finish_reason(reason: &str) -> &'static str {
    match reason {
        "length" => "MAX_TOKENS",
        "content_filter" => "SAFETY",
        _ => "STOP",
    }
}

/// `usageMetadata` from canonical usage.
pub fn usage_metadata(usage: &Usage) -> Value {
    let mut meta = Map::new();
    meta.insert("promptTokenCount".into(), json!(usage.prompt_tokens));
    meta.insert(
        "candidatesTokenCount".into(),
        json!(usage.completion_tokens),
    );
    meta.insert("totalTokenCount".into(), json!(usage.total_tokens));
    let detail = |group: &str, key: &str| {
        usage
            .extra
            .get(group)
            .and_then(|d| d.get(key))
            .and_then(Value::as_u64)
            .filter(|&n| n > 0)
    };
    if let Some(cached) = detail("prompt_tokens_details", "cached_tokens") {
        meta.insert("cachedContentTokenCount".into(), json!(cached));
    }
    if let Some(thoughts) = detail("completion_tokens_details", "reasoning_tokens") {
        meta.insert("thoughtsTokenCount".into(), json!(thoughts));
    }
    Value::Object(meta)
}

/// A `functionCall` part from an OpenAI tool call; arguments that are not JSON are kept
/// as a string under `_raw` rather than lost.
pub fn function_call_part(call: &Value) -> Value {
    let function = call.get("function").unwrap_or(&Value::Null);
    let raw = function
        .get("arguments")
        .and_then(Value::as_str)
        .unwrap_or("{}");
    let args = serde_json::from_str::<Value>(if raw.trim().is_empty() { "{}" } else { raw })
        .unwrap_or_else(|_| json!({"_raw": raw}));
    let mut part = json!({"functionCall": {"name": function.get("name").cloned().unwrap_or(Value::Null), "args": args}});
    if let Some(id) = call.get("id") {
        part["functionCall"]["id"] = id.clone();
    }
    part
}

/// The whole `generateContent` answer.
pub fn generate_content(resp: &ChatResponse, model: &str) -> Value {
    let candidates: Vec<Value> = resp
        .choices
        .iter()
        .map(|choice| {
            let m = &choice.message;
            let mut parts = Vec::new();
            if let Some(Value::String(r)) = m.extra.get("reasoning_content") {
                if !r.is_empty() {
                    parts.push(json!({"text": r, "thought": true}));
                }
            }
            let text = m.text();
            if !text.is_empty() {
                parts.push(json!({"text": text}));
            }
            parts.extend(m.tool_calls().iter().map(function_call_part));
            json!({
                "content": {"role": "model", "parts": parts},
                "finishReason": finish_reason(choice.finish_reason.as_deref().unwrap_or("stop")),
                "index": choice.index,
            })
        })
        .collect();
    let mut out = json!({
        "candidates": candidates,
        "modelVersion": model,
        "responseId": resp.id,
    });
    if let Some(usage) = &resp.usage {
        out["usageMetadata"] = usage_metadata(usage);
    }
    out
}

/// An OpenAI embeddings answer as `embedContent` (one input) or `batchEmbedContents`.
pub fn embeddings(openai: &Value, batch: bool) -> Value {
    let vectors: Vec<Value> = openai
        .get("data")
        .and_then(Value::as_array)
        .map(|d| {
            d.iter()
                .map(|e| json!({"values": e.get("embedding").cloned().unwrap_or(json!([]))}))
                .collect()
        })
        .unwrap_or_default();
    if batch {
        json!({"embeddings": vectors})
    } else {
        json!({"embedding": vectors.into_iter().next().unwrap_or(json!({"values": []}))})
    }
}

/// `GET /genai/v1beta/models`: every configured `provider/model`.
pub fn model_list(models: &ModelList) -> Value {
    let list: Vec<Value> = models
        .data
        .iter()
        .map(|m| {
            json!({
                "name": format!("models/{}", m.id),
                "displayName": m.id,
                "supportedGenerationMethods": ["generateContent", "streamGenerateContent", "countTokens", "embedContent"],
            })
        })
        .collect();
    json!({"models": list})
}

/// Google's status name for an HTTP status.
pub fn status_name(status: u16) -> &'static str {
    match status {
        400 | 413 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        408 | 504 => "DEADLINE_EXCEEDED",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        501 => "UNIMPLEMENTED",
        502 | 503 => "UNAVAILABLE",
        _ => "INTERNAL",
    }
}

/// Google's error body.
pub fn error_body(status: u16, message: &str) -> Value {
    json!({"error": {"code": status, "message": message, "status": status_name(status)}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_answer_becomes_candidates_with_usage() {
        let resp: ChatResponse = serde_json::from_value(json!({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o",
            "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
                "role": "assistant", "content": "Checking.",
                "tool_calls": [{"id": "call_1", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15,
                "prompt_tokens_details": {"cached_tokens": 4}}
        }))
        .unwrap();
        let v = generate_content(&resp, "openai/gpt-4o");
        let parts = &v["candidates"][0]["content"]["parts"];
        assert_eq!(parts[0]["text"], "Checking.");
        assert_eq!(parts[1]["functionCall"]["args"]["city"], "Paris");
        assert_eq!(parts[1]["functionCall"]["id"], "call_1");
        assert_eq!(v["candidates"][0]["finishReason"], "STOP");
        assert_eq!(v["usageMetadata"]["cachedContentTokenCount"], 4);
        assert_eq!(v["modelVersion"], "openai/gpt-4o");
    }

    #[test]
    fn errors_carry_googles_status_names() {
        assert_eq!(error_body(404, "no")["error"]["status"], "NOT_FOUND");
        assert_eq!(
            error_body(429, "slow")["error"]["status"],
            "RESOURCE_EXHAUSTED"
        );
    }
}
