//! Canonical (chat) answers as Responses API `response` objects: the reverse of
//! `providers::responses_bridge::response`. The envelope, ids and usage are shared
//! with the stream encoder, whose `response.completed` carries the same object.

use serde_json::{json, Map, Value};

use crate::schema::{unix_now, ChatResponse, Usage};

/// Request members a `response` object echoes back (OpenAI's do); the rest of the
/// envelope takes OpenAI's defaults.
const ECHOED: [&str; 11] = [
    "instructions",
    "max_output_tokens",
    "metadata",
    "parallel_tool_calls",
    "reasoning",
    "temperature",
    "text",
    "tool_choice",
    "tools",
    "top_p",
    "truncation",
];

/// The request's echoed members, taken once per request.
pub fn echo_of(request: &Map<String, Value>, instructions: Option<&str>) -> Map<String, Value> {
    let mut echo = Map::new();
    for key in ECHOED {
        if let Some(v) = request.get(key).filter(|v| !v.is_null()) {
            echo.insert(key.into(), v.clone());
        }
    }
    if let Some(text) = instructions {
        echo.insert("instructions".into(), text.into());
    }
    echo
}

/// A `resp_` id: the upstream's when it already is one, else the upstream's prefixed
/// (so logs on both sides still match), else a fresh one.
pub fn response_id(upstream: &str) -> String {
    if upstream.starts_with("resp_") {
        upstream.to_string()
    } else if upstream.is_empty() {
        format!("resp_{}", uuid::Uuid::new_v4().simple())
    } else {
        format!("resp_{upstream}")
    }
}

/// A `response` object without output: what `response.created` announces and every
/// answer builds on. `status` is `in_progress`, `completed`, `incomplete` or `failed`.
pub fn envelope(
    id: &str,
    created_at: u64,
    model: &str,
    status: &str,
    echo: &Map<String, Value>,
) -> Map<String, Value> {
    let mut r = Map::new();
    r.insert("id".into(), id.into());
    r.insert("object".into(), "response".into());
    r.insert("created_at".into(), created_at.into());
    r.insert("status".into(), status.into());
    r.insert("error".into(), Value::Null);
    r.insert("incomplete_details".into(), Value::Null);
    r.insert("model".into(), model.into());
    r.insert("output".into(), json!([]));
    for (key, default) in [
        ("instructions", Value::Null),
        ("max_output_tokens", Value::Null),
        ("metadata", json!({})),
        ("parallel_tool_calls", json!(true)),
        ("previous_response_id", Value::Null),
        ("reasoning", json!({"effort": null, "summary": null})),
        // bifrost keeps nothing; OpenAI's default would be `true`.
        ("store", json!(false)),
        ("temperature", json!(1.0)),
        ("text", json!({"format": {"type": "text"}})),
        ("tool_choice", json!("auto")),
        ("tools", json!([])),
        ("top_p", json!(1.0)),
        ("truncation", json!("disabled")),
        ("usage", Value::Null),
    ] {
        let value = echo.get(key).cloned().unwrap_or(default);
        r.insert(key.into(), value);
    }
    r
}

/// The status of an answer that ended with chat's `finish_reason`, and the
/// `incomplete_details` when it did not finish.
pub fn status(finish_reason: Option<&str>) -> (&'static str, Value) {
    match finish_reason {
        Some("length") => ("incomplete", json!({"reason": "max_output_tokens"})),
        Some("content_filter") => ("incomplete", json!({"reason": "content_filter"})),
        _ => ("completed", Value::Null),
    }
}

/// Responses usage from chat usage (details kept when the upstream gave them).
pub fn usage(u: &Usage) -> Value {
    let detail = |outer: &str, inner: &str| {
        u.extra
            .get(outer)
            .and_then(|d| d.get(inner))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    json!({
        "input_tokens": u.prompt_tokens,
        "input_tokens_details": {"cached_tokens": detail("prompt_tokens_details", "cached_tokens")},
        "output_tokens": u.completion_tokens,
        "output_tokens_details": {"reasoning_tokens": detail("completion_tokens_details", "reasoning_tokens")},
        "total_tokens": u.total_tokens,
    })
}

/// An output item's id: `{prefix}_{response id without resp_}_{n}`, unique within
/// the response and stable for one answer.
pub fn item_id(prefix: &str, response_id: &str, n: usize) -> String {
    let base = response_id.strip_prefix("resp_").unwrap_or(response_id);
    format!("{prefix}_{base}_{n}")
}

/// A finished `message` item holding `text`.
pub fn message_item(id: &str, text: &str) -> Value {
    json!({"id": id, "type": "message", "status": "completed", "role": "assistant",
        "content": [output_text(text)]})
}

/// An `output_text` content part.
pub fn output_text(text: &str) -> Value {
    json!({"type": "output_text", "text": text, "annotations": [], "logprobs": []})
}

/// A `reasoning` item with one summary part.
pub fn reasoning_item(id: &str, text: &str) -> Value {
    json!({"id": id, "type": "reasoning", "summary": [{"type": "summary_text", "text": text}]})
}

/// A `function_call` item.
pub fn call_item(id: &str, call_id: &str, name: &str, arguments: &str, status: &str) -> Value {
    json!({"id": id, "type": "function_call", "status": status, "call_id": call_id,
        "name": name, "arguments": arguments})
}

/// The `response` object for a whole chat answer, naming `model` (the model the
/// client asked for, as the other drop-in routes do).
pub fn to_response(answer: &ChatResponse, model: &str, echo: &Map<String, Value>) -> Value {
    let id = response_id(&answer.id);
    let created = if answer.created == 0 {
        unix_now()
    } else {
        answer.created
    };
    let choice = answer.choices.first();
    let (status, incomplete) = status(choice.and_then(|c| c.finish_reason.as_deref()));
    let mut r = envelope(&id, created, model, status, echo);
    r.insert("incomplete_details".into(), incomplete);
    let mut output = Vec::new();
    if let Some(m) = choice.map(|c| &c.message) {
        if let Some(thought) = m
            .extra
            .get("reasoning_content")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
        {
            output.push(reasoning_item(&item_id("rs", &id, output.len()), thought));
        }
        let text = m.text();
        if !text.is_empty() {
            output.push(message_item(&item_id("msg", &id, output.len()), &text));
        }
        if let Some(refusal) = m.extra.get("refusal").and_then(Value::as_str) {
            output.push(
                json!({"id": item_id("msg", &id, output.len()), "type": "message",
                "status": "completed", "role": "assistant",
                "content": [{"type": "refusal", "refusal": refusal}]}),
            );
        }
        for call in m.tool_calls() {
            let f = call.get("function").unwrap_or(&Value::Null);
            let str_of = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
            output.push(call_item(
                &item_id("fc", &id, output.len()),
                &str_of(call.get("id")),
                &str_of(f.get("name")),
                &str_of(f.get("arguments")),
                "completed",
            ));
        }
    }
    r.insert("output".into(), Value::Array(output));
    if let Some(u) = &answer.usage {
        r.insert("usage".into(), usage(u));
    }
    Value::Object(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_answer_becomes_output_items() {
        let answer: ChatResponse = serde_json::from_value(json!({
            "id": "msg_01", "created": 7, "model": "claude",
            "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
                "role": "assistant", "content": "Checking.", "reasoning_content": "Need weather.",
                "tool_calls": [{"id": "toolu_1", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15,
                "prompt_tokens_details": {"cached_tokens": 4}}
        }))
        .unwrap();
        let echo = echo_of(
            &json!({"temperature": 0.5}).as_object().cloned().unwrap(),
            Some("Be brief."),
        );
        let r = to_response(&answer, "anthropic/claude", &echo);
        assert_eq!(r["id"], "resp_msg_01");
        assert_eq!(
            (r["status"].as_str(), r["created_at"].as_u64()),
            (Some("completed"), Some(7))
        );
        assert_eq!(r["model"], "anthropic/claude");
        assert_eq!(r["instructions"], "Be brief.");
        assert_eq!(r["temperature"], 0.5);
        let out = r["output"].as_array().unwrap();
        assert_eq!(out[0]["type"], "reasoning");
        assert_eq!(out[0]["summary"][0]["text"], "Need weather.");
        assert_eq!(out[1]["content"][0]["text"], "Checking.");
        assert_eq!(out[2]["call_id"], "toolu_1");
        assert_eq!(out[2]["arguments"], "{\"city\":\"Paris\"}");
        assert_eq!(out[2]["id"], "fc_msg_01_2");
        assert_eq!(r["usage"]["input_tokens"], 10);
        assert_eq!(r["usage"]["input_tokens_details"]["cached_tokens"], 4);
        assert_eq!(r["usage"]["total_tokens"], 15);
    }

    #[test]
    fn an_answer_cut_for_length_is_incomplete() {
        let answer: ChatResponse = serde_json::from_value(json!({"id": "x",
            "choices": [{"finish_reason": "length", "message": {"role": "assistant", "content": "Par"}}]}))
        .unwrap();
        let r = to_response(&answer, "m", &Map::new());
        assert_eq!(r["status"], "incomplete");
        assert_eq!(r["incomplete_details"]["reason"], "max_output_tokens");
        assert!(r["created_at"].as_u64().unwrap() > 0);
    }
}
