//! A Responses API answer (or its `response.completed` event) as a canonical chat
//! completion.

use serde_json::{json, Value};

use crate::providers::ProviderError;
use crate::schema::ChatResponse;

/// Responses `usage` as chat usage.
pub fn usage(u: &Value) -> Value {
    let input = u.get("input_tokens").and_then(Value::as_u64).unwrap_or(0);
    let output = u.get("output_tokens").and_then(Value::as_u64).unwrap_or(0);
    let mut out = json!({
        "prompt_tokens": input,
        "completion_tokens": output,
        "total_tokens": u.get("total_tokens").and_then(Value::as_u64).unwrap_or(input + output),
    });
    if let Some(c) = u.pointer("/input_tokens_details/cached_tokens") {
        out["prompt_tokens_details"] = json!({"cached_tokens": c});
    }
    if let Some(r) = u.pointer("/output_tokens_details/reasoning_tokens") {
        out["completion_tokens_details"] = json!({"reasoning_tokens": r});
    }
    out
}

/// The chat `finish_reason` of a finished response.
pub fn finish_reason(response: &Value, has_tool_calls: bool) -> &'static str {
    match response
        .pointer("/incomplete_details/reason")
        .and_then(Value::as_str)
    {
        Some("max_output_tokens") => "length",
        Some("content_filter") => "content_filter",
        _ if has_tool_calls => "tool_calls",
        _ => "stop",
    }
}

/// The text of a `reasoning` item's summary parts.
pub fn reasoning_text(item: &Value) -> String {
    item.get("summary")
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// The chat completion for a Responses answer.
pub fn to_chat(response: &Value, created: u64) -> Result<ChatResponse, ProviderError> {
    if let Some(error) = response.get("error").filter(|e| !e.is_null()) {
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("unknown error");
        return Err(ProviderError::InvalidResponse(format!(
            "the Responses API reported a failure: {message}"
        )));
    }
    let mut text = String::new();
    let mut reasoning = String::new();
    let mut calls = Vec::new();
    for item in response
        .get("output")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match item.get("type").and_then(Value::as_str) {
            Some("message") => {
                for part in item
                    .get("content")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(t) = part.get("text").and_then(Value::as_str) {
                        text.push_str(t);
                    }
                }
            }
            Some("function_call") => calls.push(json!({
                "id": item.get("call_id").cloned().unwrap_or_default(),
                "type": "function",
                "function": {
                    "name": item.get("name").cloned().unwrap_or_default(),
                    "arguments": item.get("arguments").cloned().unwrap_or_else(|| json!("{}")),
                },
            })),
            Some("reasoning") => reasoning.push_str(&reasoning_text(item)),
            _ => {}
        }
    }
    let mut message = json!({"role": "assistant", "content": text});
    if !calls.is_empty() {
        if text.is_empty() {
            message["content"] = Value::Null;
        }
        message["tool_calls"] = Value::Array(calls.clone());
    }
    if !reasoning.is_empty() {
        message["reasoning_content"] = Value::String(reasoning);
    }
    let mut chat = json!({
        "id": response.get("id").cloned().unwrap_or_else(|| json!("resp")),
        "object": "chat.completion",
        "created": response.get("created_at").and_then(Value::as_u64).unwrap_or(created),
        "model": response.get("model").cloned().unwrap_or_default(),
        "choices": [{
            "index": 0,
            "message": message,
            "finish_reason": finish_reason(response, !calls.is_empty()),
        }],
    });
    if let Some(u) = response.get("usage").filter(|u| !u.is_null()) {
        chat["usage"] = usage(u);
    }
    serde_json::from_value(chat).map_err(|e| {
        ProviderError::InvalidResponse(format!("cannot read the Responses answer: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_items_become_one_chat_choice() {
        let response = json!({
            "id": "resp_1", "object": "response", "created_at": 1741476542, "model": "o3-pro",
            "status": "completed",
            "output": [
                {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "Need weather."}]},
                {"type": "message", "id": "msg_1", "role": "assistant",
                 "content": [{"type": "output_text", "text": "Checking.", "annotations": []}]},
                {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "get_weather",
                 "arguments": "{\"city\":\"Paris\"}"}
            ],
            "usage": {"input_tokens": 36, "output_tokens": 87, "total_tokens": 123,
                "input_tokens_details": {"cached_tokens": 4}, "output_tokens_details": {"reasoning_tokens": 64}}
        });
        let chat = serde_json::to_value(to_chat(&response, 0).unwrap()).unwrap();
        let choice = &chat["choices"][0];
        assert_eq!(choice["message"]["content"], "Checking.");
        assert_eq!(choice["message"]["reasoning_content"], "Need weather.");
        assert_eq!(choice["message"]["tool_calls"][0]["id"], "call_1");
        assert_eq!(choice["finish_reason"], "tool_calls");
        assert_eq!(chat["usage"]["prompt_tokens"], 36);
        assert_eq!(
            chat["usage"]["completion_tokens_details"]["reasoning_tokens"],
            64
        );
        assert_eq!(chat["created"], 1741476542);
    }

    #[test]
    fn an_incomplete_answer_is_cut_for_length() {
        let response = json!({"id": "r", "status": "incomplete", "model": "m",
            "incomplete_details": {"reason": "max_output_tokens"},
            "output": [{"type": "message", "content": [{"type": "output_text", "text": "Par"}]}]});
        let chat = serde_json::to_value(to_chat(&response, 0).unwrap()).unwrap();
        assert_eq!(chat["choices"][0]["finish_reason"], "length");
    }
}
