//! A canonical chat request as an OpenAI Responses API request
//! (<https://platform.openai.com/docs/api-reference/responses/create>).

use serde_json::{json, Map, Value};

use crate::providers::ProviderError;
use crate::schema::{ChatRequest, Message};

fn refuse(what: String) -> ProviderError {
    ProviderError::Unsupported(format!(
        "{what} cannot be sent through client.compat.convert_chat_to_responses"
    ))
}

/// Chat parameters the Responses API takes under the same name.
const SAME_NAME: &[&str] = &[
    "temperature",
    "top_p",
    "user",
    "parallel_tool_calls",
    "metadata",
    "store",
    "service_tier",
    "prompt_cache_key",
    "safety_identifier",
    "top_logprobs",
];

/// The Responses body for `req`, sent to `model`.
pub fn to_responses(model: &str, req: &ChatRequest, stream: bool) -> Result<Value, ProviderError> {
    let mut body = Map::new();
    body.insert("model".into(), Value::String(model.to_string()));
    let mut instructions = Vec::new();
    let mut input = Vec::new();
    for (i, m) in req.messages.iter().enumerate() {
        match m.role.as_str() {
            "system" | "developer" => instructions.push(m.text()),
            "user" => input.push(json!({"role": "user", "content": parts(m, i, "input_text")?})),
            "assistant" => assistant(m, i, &mut input)?,
            "tool" => {
                let call_id = m
                    .extra
                    .get("tool_call_id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        refuse(format!(
                            "messages[{i}] (a tool result without tool_call_id)"
                        ))
                    })?;
                input.push(
                    json!({"type": "function_call_output", "call_id": call_id, "output": m.text()}),
                );
            }
            other => return Err(refuse(format!("messages[{i}] with role `{other}`"))),
        }
    }
    if !instructions.is_empty() {
        body.insert(
            "instructions".into(),
            Value::String(instructions.join("\n\n")),
        );
    }
    body.insert("input".into(), Value::Array(input));
    for (key, value) in &req.extra {
        match key.as_str() {
            k if SAME_NAME.contains(&k) => {
                body.insert(key.clone(), value.clone());
            }
            "max_tokens" | "max_completion_tokens" => {
                body.insert("max_output_tokens".into(), value.clone());
            }
            "tools" => {
                body.insert("tools".into(), tools(value)?);
            }
            "tool_choice" => {
                body.insert("tool_choice".into(), tool_choice(value));
            }
            "response_format" => {
                body.insert("text".into(), json!({"format": text_format(value)?}));
            }
            "reasoning_effort" => {
                body.insert("reasoning".into(), json!({"effort": value}));
            }
            "logprobs" | "n" if value == &json!(false) || value == &json!(1) => {}
            "stream_options" => {}
            other => {
                return Err(ProviderError::unsupported_param(
                    other,
                    format!("the parameter `{other}` has no Responses API form; drop it, or set client.compat.should_drop_params"),
                ))
            }
        }
    }
    if stream {
        body.insert("stream".into(), Value::Bool(true));
    }
    Ok(Value::Object(body))
}

/// A message's content as Responses content parts (`input_text` or `output_text`).
fn parts(m: &Message, i: usize, text_kind: &str) -> Result<Value, ProviderError> {
    let Some(Value::Array(items)) = &m.content else {
        return Ok(json!([{"type": text_kind, "text": m.text()}]));
    };
    items
        .iter()
        .map(|p| match p.get("type").and_then(Value::as_str) {
            Some("text") => {
                Ok(json!({"type": text_kind, "text": p.get("text").cloned().unwrap_or_default()}))
            }
            Some("image_url") => {
                let image = p.get("image_url");
                let url = image
                    .and_then(|u| u.get("url"))
                    .cloned()
                    .unwrap_or_default();
                let mut part = json!({"type": "input_image", "image_url": url});
                if let Some(detail) = image.and_then(|u| u.get("detail")) {
                    part["detail"] = detail.clone();
                }
                Ok(part)
            }
            other => Err(refuse(format!(
                "messages[{i}] content part `{}`",
                other.unwrap_or("?")
            ))),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

fn assistant(m: &Message, i: usize, input: &mut Vec<Value>) -> Result<(), ProviderError> {
    if !m.text().is_empty() {
        input.push(json!({"role": "assistant", "content": parts(m, i, "output_text")?}));
    }
    for call in m.tool_calls() {
        let f = call.get("function").unwrap_or(&Value::Null);
        input.push(json!({
            "type": "function_call",
            "call_id": call.get("id").cloned().unwrap_or_default(),
            "name": f.get("name").cloned().unwrap_or_default(),
            "arguments": f.get("arguments").cloned().unwrap_or_else(|| json!("{}")),
        }));
    }
    Ok(())
}

/// Chat tools nest the function; Responses tools are flat.
fn tools(value: &Value) -> Result<Value, ProviderError> {
    let list = value
        .as_array()
        .ok_or_else(|| refuse("`tools` that is not a list".into()))?;
    list.iter()
        .map(|t| {
            let f = t
                .get("function")
                .and_then(Value::as_object)
                .ok_or_else(|| refuse("a tool that is not a function".into()))?;
            let mut flat = f.clone();
            flat.insert("type".into(), json!("function"));
            Ok(Value::Object(flat))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

fn tool_choice(value: &Value) -> Value {
    match value.pointer("/function/name") {
        Some(name) => json!({"type": "function", "name": name}),
        None => value.clone(),
    }
}

fn text_format(value: &Value) -> Result<Value, ProviderError> {
    match value.get("type").and_then(Value::as_str) {
        Some("json_schema") => {
            let mut format = value
                .get("json_schema")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            format.insert("type".into(), json!("json_schema"));
            Ok(Value::Object(format))
        }
        Some(kind @ ("json_object" | "text")) => Ok(json!({"type": kind})),
        _ => Err(refuse("this `response_format`".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tool_conversation_becomes_responses_input_items() {
        let req: ChatRequest = serde_json::from_value(json!({
            "model": "o3-pro",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": [{"type": "text", "text": "Weather?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}}]},
                {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "21C"}
            ],
            "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}],
            "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
            "max_completion_tokens": 100,
            "response_format": {"type": "json_schema", "json_schema": {"name": "w", "schema": {"type": "object"}}},
            "reasoning_effort": "high",
            "stream_options": {"include_usage": true}
        }))
        .unwrap();
        let body = to_responses("o3-pro", &req, true).unwrap();
        assert_eq!(body["instructions"], "Be brief.");
        assert_eq!(
            body["input"][0]["content"][0],
            json!({"type": "input_text", "text": "Weather?"})
        );
        assert_eq!(body["input"][0]["content"][1]["type"], "input_image");
        assert_eq!(
            body["input"][1],
            json!({"type": "function_call", "call_id": "call_1",
            "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"})
        );
        assert_eq!(
            body["input"][2],
            json!({"type": "function_call_output", "call_id": "call_1", "output": "21C"})
        );
        assert_eq!(
            body["tools"][0],
            json!({"type": "function", "name": "get_weather", "parameters": {"type": "object"}})
        );
        assert_eq!(
            body["tool_choice"],
            json!({"type": "function", "name": "get_weather"})
        );
        assert_eq!(body["max_output_tokens"], 100);
        assert_eq!(body["text"]["format"]["type"], "json_schema");
        assert_eq!(body["text"]["format"]["name"], "w");
        assert_eq!(body["reasoning"], json!({"effort": "high"}));
        assert_eq!(body["stream"], true);
    }

    #[test]
    fn parameters_without_a_responses_form_are_named() {
        let req: ChatRequest = serde_json::from_value(json!({
            "model": "m", "messages": [{"role": "user", "content": "hi"}], "logit_bias": {"1": 2}
        }))
        .unwrap();
        let err = to_responses("m", &req, false).unwrap_err().to_string();
        assert!(err.contains("logit_bias"), "{err}");
    }
}
