//! Canonical answers -> Converse answers, and errors in the AWS JSON protocol's shape.

use axum::response::Response;
use http::{HeaderValue, StatusCode};
use serde_json::{json, Map, Value};

use crate::schema::{ChatResponse, Usage};
use crate::server::ApiError;

/// Converse's `stopReason` for an OpenAI `finish_reason`.
pub fn stop_reason(finish_reason: Option<&str>) -> &'static str {
    match finish_reason {
        Some("length") => "max_tokens",
        Some("tool_calls") | Some("function_call") => "tool_use",
        Some("content_filter") => "content_filtered",
        _ => "end_turn",
    }
}

/// Converse's usage for OpenAI's (zeros when the upstream reported none).
pub fn usage(u: Option<&Usage>) -> Value {
    let (input, output) = u.map_or((0, 0), |u| (u.prompt_tokens, u.completion_tokens));
    json!({"inputTokens": input, "outputTokens": output, "totalTokens": input + output})
}

/// The Converse answer for a canonical one; `latency_ms` is the gateway's own.
pub fn converse(answer: &ChatResponse, latency_ms: u64) -> Value {
    let choice = answer
        .choices
        .iter()
        .find(|c| c.index == 0)
        .or(answer.choices.first());
    let mut content = Vec::new();
    let mut finish = None;
    if let Some(choice) = choice {
        finish = choice.finish_reason.as_deref();
        let m = &choice.message;
        if let Some(r) = m.extra.get("reasoning_content").and_then(Value::as_str) {
            content.push(json!({"reasoningContent": {"reasoningText": {"text": r}}}));
        }
        let text = m.text();
        if !text.is_empty() {
            content.push(json!({"text": text}));
        }
        for call in m.tool_calls() {
            content.push(json!({"toolUse": tool_use(call)}));
        }
    }
    json!({
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop_reason(finish),
        "usage": usage(answer.usage.as_ref()),
        "metrics": {"latencyMs": latency_ms},
    })
}

/// A Converse `toolUse` for an OpenAI tool call; arguments that are not a JSON
/// object (a truncated answer) are kept as a string rather than lost.
fn tool_use(call: &Value) -> Value {
    let f = call.get("function");
    fn field<'a>(v: Option<&'a Value>, k: &str) -> &'a str {
        v.and_then(|v| v.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
    }
    let args = field(f, "arguments");
    let input = match serde_json::from_str::<Value>(args) {
        Ok(v @ Value::Object(_)) => v,
        _ if args.trim().is_empty() => Value::Object(Map::new()),
        _ => Value::String(args.to_string()),
    };
    json!({"toolUseId": field(Some(call), "id"), "name": field(f, "name"), "input": input})
}

/// The AWS exception name for a status: what boto3 raises as the `ClientError` code.
pub fn exception_type(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 | 403 => "AccessDeniedException",
        404 => "ResourceNotFoundException",
        408 | 504 => "ModelTimeoutException",
        424 => "ModelErrorException",
        429 => "ThrottlingException",
        503 => "ServiceUnavailableException",
        s if s < 500 => "ValidationException",
        _ => "InternalServerException",
    }
}

/// The error response: `e`'s status, `x-amzn-ErrorType` (read by botocore for the
/// error code) and the body `{"message": ...}`.
pub fn render_error(e: ApiError) -> Response {
    let kind = exception_type(e.status);
    let mut out = e.respond_with(json!({"message": e.message}));
    out.headers_mut()
        .insert("x-amzn-errortype", HeaderValue::from_static(kind));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_calls_become_tool_use_blocks() {
        let answer: ChatResponse = serde_json::from_value(json!({
            "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
                "role": "assistant", "content": null, "tool_calls": [{"id": "c1",
                "type": "function", "function": {"name": "w", "arguments": "{\"a\":1}"}}]}}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
        }))
        .unwrap();
        let out = converse(&answer, 7);
        assert_eq!(out["stopReason"], "tool_use");
        assert_eq!(
            out["output"]["message"]["content"],
            json!([{"toolUse": {"toolUseId": "c1", "name": "w", "input": {"a": 1}}}])
        );
        assert_eq!(
            out["usage"],
            json!({"inputTokens": 3, "outputTokens": 2, "totalTokens": 5})
        );
        assert_eq!(out["metrics"]["latencyMs"], 7);
    }

    #[test]
    fn statuses_map_to_aws_exceptions() {
        for (s, kind) in [
            (400, "ValidationException"),
            (404, "ResourceNotFoundException"),
            (429, "ThrottlingException"),
            (502, "InternalServerException"),
            (504, "ModelTimeoutException"),
        ] {
            assert_eq!(exception_type(StatusCode::from_u16(s).unwrap()), kind);
        }
    }
}
