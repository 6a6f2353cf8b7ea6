//! Gemini `generateContent` bodies, as the google-genai SDKs send them, turned into the
//! canonical (OpenAI) chat request. The REST API takes field names in camelCase and in
//! snake_case alike, so both are read.

use std::collections::{HashMap, VecDeque};

use serde_json::{json, Map, Value};

use crate::schema::{ChatRequest, Message};

/// A body that cannot be translated; answered as a 400 `INVALID_ARGUMENT`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

/// `obj[camel]`, or `obj[snake]` when the client used proto field names.
pub(super) fn field<'a>(obj: &'a Value, camel: &str, snake: &str) -> Option<&'a Value> {
    obj.get(camel).or_else(|| obj.get(snake))
}

/// The canonical request for `model` from a `generateContent` body.
pub fn to_chat(model: &str, body: &Value, stream: bool) -> Result<ChatRequest, Invalid> {
    let mut messages = Vec::new();
    if let Some(system) = field(body, "systemInstruction", "system_instruction") {
        let text = parts_text(system.get("parts").unwrap_or(&Value::Null));
        if !text.is_empty() {
            messages.push(message("system", Some(Value::String(text)), Map::new()));
        }
    }
    let mut ids = CallIds::default();
    let contents = body
        .get("contents")
        .and_then(Value::as_array)
        .ok_or_else(|| Invalid("`contents` must be a list of turns".into()))?;
    for (turn, content) in contents.iter().enumerate() {
        let role = content
            .get("role")
            .and_then(Value::as_str)
            .unwrap_or("user");
        let parts = content
            .get("parts")
            .and_then(Value::as_array)
            .ok_or_else(|| Invalid(format!("`contents[{turn}].parts` must be a list")))?;
        match role {
            "model" => messages.push(model_turn(turn, parts, &mut ids)?),
            "user" | "function" | "tool" => user_turn(turn, parts, &mut ids, &mut messages)?,
            other => {
                return Err(Invalid(format!(
                    "`contents[{turn}].role` is `{other}`; expected `user` or `model`"
                )))
            }
        }
    }
    let mut extra = Map::new();
    if let Some(config) = field(body, "generationConfig", "generation_config") {
        generation_config(config, &mut extra)?;
    }
    if let Some(tools) = body.get("tools").and_then(Value::as_array) {
        let declared = declarations(tools)?;
        if !declared.is_empty() {
            extra.insert("tools".into(), Value::Array(declared));
        }
    }
    if let Some(config) = field(body, "toolConfig", "tool_config") {
        if let Some(choice) = tool_choice(config) {
            extra.insert("tool_choice".into(), choice);
        }
    }
    if field(body, "cachedContent", "cached_content").is_some() {
        return Err(Invalid(
            "`cachedContent` is not supported through the gateway; send the content itself".into(),
        ));
    }
    Ok(ChatRequest::translated(
        model.to_string(),
        messages,
        stream,
        extra,
    ))
}

fn message(role: &str, content: Option<Value>, extra: Map<String, Value>) -> Message {
    Message {
        role: role.to_string(),
        content,
        extra,
    }
}

fn parts_text(parts: &Value) -> String {
    parts
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("")
        })
        .unwrap_or_default()
}

/// Tool-call ids: Gemini may omit them, and answers a call by its function's name.
#[derive(Default)]
struct CallIds {
    pending: HashMap<String, VecDeque<String>>,
}

impl CallIds {
    fn issue(&mut self, name: &str, given: Option<&str>, turn: usize, i: usize) -> String {
        let id = given.map_or_else(|| format!("call_{turn}_{i}"), str::to_string);
        self.pending
            .entry(name.to_string())
            .or_default()
            .push_back(id.clone());
        id
    }

    fn answer(&mut self, name: &str, given: Option<&str>) -> String {
        let queue = self.pending.entry(name.to_string()).or_default();
        match given {
            Some(id) => {
                queue.retain(|q| q != id);
                id.to_string()
            }
            None => queue.pop_front().unwrap_or_else(|| format!("call_{name}")),
        }
    }
}

fn model_turn(turn: usize, parts: &[Value], ids: &mut CallIds) -> Result<Message, Invalid> {
    let mut text = String::new();
    let mut reasoning = String::new();
    let mut calls = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if let Some(call) = field(part, "functionCall", "function_call") {
            let name = call.get("name").and_then(Value::as_str).ok_or_else(|| {
                Invalid(format!(
                    "`contents[{turn}].parts[{i}].functionCall.name` is missing"
                ))
            })?;
            let id = ids.issue(name, call.get("id").and_then(Value::as_str), turn, i);
            let args = call.get("args").cloned().unwrap_or_else(|| json!({}));
            calls.push(json!({
                "id": id,
                "type": "function",
                "function": {"name": name, "arguments": args.to_string()},
            }));
        } else if let Some(t) = part.get("text").and_then(Value::as_str) {
            if part.get("thought").and_then(Value::as_bool) == Some(true) {
                reasoning.push_str(t);
            } else {
                text.push_str(t);
            }
        }
    }
    let mut extra = Map::new();
    if !calls.is_empty() {
        extra.insert("tool_calls".into(), Value::Array(calls));
    }
    if !reasoning.is_empty() {
        extra.insert("reasoning_content".into(), Value::String(reasoning));
    }
    let content = (!text.is_empty() || extra.is_empty()).then_some(Value::String(text));
    Ok(message("assistant", content, extra))
}

fn user_turn(
    turn: usize,
    parts: &[Value],
    ids: &mut CallIds,
    out: &mut Vec<Message>,
) -> Result<(), Invalid> {
    let mut content = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if let Some(resp) = field(part, "functionResponse", "function_response") {
            let name = resp.get("name").and_then(Value::as_str).unwrap_or_default();
            let id = ids.answer(name, resp.get("id").and_then(Value::as_str));
            let body = resp.get("response").cloned().unwrap_or(Value::Null);
            let text = match body {
                Value::String(s) => s,
                other => other.to_string(),
            };
            let mut extra = Map::new();
            extra.insert("tool_call_id".into(), Value::String(id));
            out.push(message("tool", Some(Value::String(text)), extra));
        } else if let Some(t) = part.get("text").and_then(Value::as_str) {
            content.push(json!({"type": "text", "text": t}));
        } else if let Some(inline) = field(part, "inlineData", "inline_data") {
            let mime = field(inline, "mimeType", "mime_type")
                .and_then(Value::as_str)
                .unwrap_or("application/octet-stream");
            let data = inline
                .get("data")
                .and_then(Value::as_str)
                .unwrap_or_default();
            content.push(media_part(
                mime,
                &format!("data:{mime};base64,{data}"),
                data,
            ));
        } else if let Some(file) = field(part, "fileData", "file_data") {
            let uri = field(file, "fileUri", "file_uri")
                .and_then(Value::as_str)
                .unwrap_or_default();
            content.push(json!({"type": "image_url", "image_url": {"url": uri}}));
        } else {
            return Err(Invalid(format!(
                "`contents[{turn}].parts[{i}]` is a kind of part the gateway cannot translate; use text, inlineData, fileData, functionCall or functionResponse"
            )));
        }
    }
    if !content.is_empty() {
        let content = match content.as_slice() {
            [only] if only["type"] == "text" => only["text"].clone(),
            _ => Value::Array(content),
        };
        out.push(message("user", Some(content), Map::new()));
    }
    Ok(())
}

fn media_part(mime: &str, data_url: &str, data: &str) -> Value {
    match mime.split_once('/') {
        Some(("audio", format)) => {
            json!({"type": "input_audio", "input_audio": {"data": data, "format": format}})
        }
        _ => json!({"type": "image_url", "image_url": {"url": data_url}}),
    }
}

fn generation_config(config: &Value, extra: &mut Map<String, Value>) -> Result<(), Invalid> {
    let copy = [
        (("temperature", "temperature"), "temperature"),
        (("topP", "top_p"), "top_p"),
        (("topK", "top_k"), "top_k"),
        (("maxOutputTokens", "max_output_tokens"), "max_tokens"),
        (("stopSequences", "stop_sequences"), "stop"),
        (("candidateCount", "candidate_count"), "n"),
        (("seed", "seed"), "seed"),
        (("presencePenalty", "presence_penalty"), "presence_penalty"),
        (
            ("frequencyPenalty", "frequency_penalty"),
            "frequency_penalty",
        ),
    ];
    for ((camel, snake), to) in copy {
        if let Some(v) = field(config, camel, snake) {
            extra.insert(to.into(), v.clone());
        }
    }
    let schema = field(config, "responseJsonSchema", "response_json_schema")
        .or_else(|| field(config, "responseSchema", "response_schema"));
    match (field(config, "responseMimeType", "response_mime_type").and_then(Value::as_str), schema) {
        (_, Some(schema)) => {
            extra.insert(
                "response_format".into(),
                json!({"type": "json_schema", "json_schema": {"name": "response", "schema": schema}}),
            );
        }
        (Some("application/json"), None) => {
            extra.insert("response_format".into(), json!({"type": "json_object"}));
        }
        (Some("text/plain") | None, None) => {}
        (Some(other), None) => {
            return Err(Invalid(format!(
                "`generationConfig.responseMimeType` `{other}` cannot be translated; use text/plain or application/json"
            )))
        }
    }
    if let Some(thinking) = field(config, "thinkingConfig", "thinking_config") {
        let budget = field(thinking, "thinkingBudget", "thinking_budget").and_then(Value::as_i64);
        let effort = match budget {
            Some(0) => None,
            Some(b) if b <= 2048 => Some("low"),
            Some(b) if b <= 8192 => Some("medium"),
            Some(_) => Some("high"),
            None => None,
        };
        if let Some(effort) = effort {
            extra.insert("reasoning_effort".into(), Value::String(effort.into()));
        }
    }
    Ok(())
}

fn declarations(tools: &[Value]) -> Result<Vec<Value>, Invalid> {
    let mut out = Vec::new();
    for (t, tool) in tools.iter().enumerate() {
        let Some(decls) = field(tool, "functionDeclarations", "function_declarations") else {
            let kind = tool
                .as_object()
                .and_then(|o| o.keys().next().cloned())
                .unwrap_or_default();
            return Err(Invalid(format!(
                "`tools[{t}]` (`{kind}`) is a Gemini built-in tool the gateway cannot offer on other providers; only functionDeclarations are translated"
            )));
        };
        for d in decls.as_array().into_iter().flatten() {
            let mut function = Map::new();
            for key in ["name", "description"] {
                if let Some(v) = d.get(key) {
                    function.insert(key.into(), v.clone());
                }
            }
            let params = field(d, "parametersJsonSchema", "parameters_json_schema")
                .or_else(|| d.get("parameters"))
                .map(lower_types)
                .unwrap_or_else(|| json!({"type": "object", "properties": {}}));
            function.insert("parameters".into(), params);
            out.push(json!({"type": "function", "function": function}));
        }
    }
    Ok(out)
}

/// Gemini's OpenAPI-style schemas spell types in capitals (`STRING`); JSON Schema does not.
fn lower_types(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| match (k.as_str(), v) {
                    ("type", Value::String(t)) => (k.clone(), Value::String(t.to_lowercase())),
                    _ => (k.clone(), lower_types(v)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(lower_types).collect()),
        other => other.clone(),
    }
}

fn tool_choice(config: &Value) -> Option<Value> {
    let calling = field(config, "functionCallingConfig", "function_calling_config")?;
    let allowed: Vec<&str> = field(calling, "allowedFunctionNames", "allowed_function_names")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    match calling.get("mode").and_then(Value::as_str)? {
        "NONE" => Some(json!("none")),
        "ANY" | "VALIDATED" => match allowed.as_slice() {
            [one] => Some(json!({"type": "function", "function": {"name": one}})),
            _ => Some(json!("required")),
        },
        _ => Some(json!("auto")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_tools_and_config_become_a_chat_request() {
        let body = json!({
            "systemInstruction": {"parts": [{"text": "Be brief."}]},
            "contents": [
                {"role": "user", "parts": [{"text": "Weather in Paris?"}]},
                {"role": "model", "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}}]},
                {"role": "user", "parts": [{"functionResponse": {"name": "get_weather", "response": {"temp": 21}}}]}
            ],
            "tools": [{"functionDeclarations": [{"name": "get_weather", "description": "Weather",
                "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}}}]}],
            "toolConfig": {"functionCallingConfig": {"mode": "ANY"}},
            "generationConfig": {"temperature": 0.2, "maxOutputTokens": 64, "stopSequences": ["END"],
                "responseMimeType": "application/json"}
        });
        let req = to_chat("openai/gpt-4o", &body, true).unwrap();
        let v = serde_json::to_value(&req).unwrap();
        assert_eq!(
            v["messages"][0],
            json!({"role": "system", "content": "Be brief."})
        );
        assert_eq!(v["messages"][1]["content"], "Weather in Paris?");
        let call = &v["messages"][2]["tool_calls"][0];
        assert_eq!(call["function"]["name"], "get_weather");
        assert_eq!(call["function"]["arguments"], r#"{"city":"Paris"}"#);
        assert_eq!(v["messages"][3]["role"], "tool");
        assert_eq!(v["messages"][3]["tool_call_id"], call["id"]);
        assert_eq!(v["messages"][3]["content"], r#"{"temp":21}"#);
        assert_eq!(
            v["tools"][0]["function"]["parameters"]["properties"]["city"]["type"],
            "string"
        );
        assert_eq!(v["tool_choice"], "required");
        assert_eq!(v["max_tokens"], 64);
        assert_eq!(v["stop"], json!(["END"]));
        assert_eq!(v["response_format"]["type"], "json_object");
        assert_eq!(v["stream_options"]["include_usage"], true);
    }

    #[test]
    fn snake_case_and_images_are_read() {
        let body = json!({"contents": [{"role": "user", "parts": [
            {"text": "What is this?"},
            {"inline_data": {"mime_type": "image/png", "data": "iVBORw0K"}}
        ]}]});
        let v = serde_json::to_value(to_chat("m", &body, false).unwrap()).unwrap();
        assert_eq!(
            v["messages"][0]["content"][1]["image_url"]["url"],
            "data:image/png;base64,iVBORw0K"
        );
        assert!(v.get("stream").is_none());
    }

    #[test]
    fn untranslatable_input_says_what_and_where() {
        let err = to_chat("m", &json!({"contents": "hi"}), false).unwrap_err();
        assert!(err.0.contains("contents"), "{err}");
        let err = to_chat(
            "m",
            &json!({"contents": [], "tools": [{"googleSearch": {}}]}),
            false,
        )
        .unwrap_err();
        assert!(err.0.contains("googleSearch"), "{err}");
    }
}
