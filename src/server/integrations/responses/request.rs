//! A Responses API request (<https://platform.openai.com/docs/api-reference/responses/create>)
//! as the canonical chat request, for upstreams without a Responses API.
//!
//! The policy, per field:
//! - translated: `instructions` and `input` (a string, or `message`,
//!   `function_call` and `function_call_output` items), function `tools`,
//!   `tool_choice`, `max_output_tokens`, `temperature`, `top_p`, `reasoning.effort`,
//!   `text.format` (as `response_format`), `text.verbosity`, and the parameters chat
//!   names alike (`user`, `metadata`, `parallel_tool_calls`, ...);
//! - refused with a 400 naming the field: anything that needs state OpenAI keeps on
//!   its servers (`previous_response_id`, `conversation`, `prompt`, `background`,
//!   `item_reference` items), since bifrost keeps none;
//! - dropped and named in `x-bifrost-dropped-params`: what only tunes OpenAI's own
//!   service (`store: true`, `include`, `truncation: auto`, `max_tool_calls`,
//!   Codex's `client_metadata`), earlier `reasoning` items (their content is
//!   encrypted for OpenAI), and hosted tools (`web_search`, `file_search`, Codex's
//!   `namespace`, ...): an offered tool is not a required one, so the model answers
//!   without it; a `tool_choice` that forces one is refused;
//! - passed on in the chat request's extras: any other member, so gateway extensions
//!   (`fallbacks`) keep working; adapters ignore members they do not know.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::schema::{ChatRequest, Message};

/// The members of a Responses request the translation reads; the rest is kept.
#[derive(Debug, Deserialize)]
pub struct ResponsesRequest {
    /// `provider/model` or a bare model name.
    pub model: String,
    /// The conversation: a user message's text, or a list of items.
    #[serde(default)]
    pub input: Option<Input>,
    /// A system message put first.
    #[serde(default)]
    pub instructions: Option<String>,
    /// Whether the client wants server-sent events.
    #[serde(default)]
    pub stream: Option<bool>,
    /// Every other member.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// `input`: a string, or a list of items (decoded one by one, so errors name the item).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Input {
    /// One user message.
    Text(String),
    /// Messages, function calls and their outputs.
    Items(Vec<Value>),
}

/// A request the translation cannot carry: the 400's message and parameter.
#[derive(Debug)]
pub struct Refused {
    /// What is wrong and how to fix it.
    pub message: String,
    /// The offending parameter (`previous_response_id`, `input[3]`).
    pub param: String,
}

fn refused(param: impl Into<String>, message: impl Into<String>) -> Refused {
    Refused {
        param: param.into(),
        message: message.into(),
    }
}

/// A translated request and what the translation dropped.
pub struct Translated {
    /// The canonical request.
    pub chat: ChatRequest,
    /// Dropped members (`include`, `tools[8]`), for `x-bifrost-dropped-params`.
    pub dropped: Vec<String>,
}

/// Members chat takes under the same name.
const SAME_NAME: [&str; 9] = [
    "temperature",
    "top_p",
    "user",
    "metadata",
    "parallel_tool_calls",
    "service_tier",
    "prompt_cache_key",
    "safety_identifier",
    "top_logprobs",
];

/// Members that need state kept on OpenAI's servers.
const STATEFUL: [&str; 3] = ["previous_response_id", "conversation", "prompt"];

/// The canonical chat request for `r`.
pub fn to_chat(r: ResponsesRequest) -> Result<Translated, Refused> {
    let mut dropped = Vec::new();
    let mut messages = Vec::new();
    if let Some(text) = r.instructions.filter(|t| !t.is_empty()) {
        messages.push(message("system", Some(Value::String(text))));
    }
    match r.input {
        Some(Input::Text(text)) => messages.push(message("user", Some(Value::String(text)))),
        Some(Input::Items(items)) => {
            for (i, item) in items.iter().enumerate() {
                input_item(i, item, &mut messages, &mut dropped)?;
            }
        }
        None => {}
    }
    if messages.iter().all(|m| m.role == "system") {
        return Err(refused(
            "input",
            "`input` must hold at least one message: a string or a list of items",
        ));
    }
    let mut extra = Map::new();
    for (name, value) in r.rest {
        if value.is_null() {
            continue;
        }
        match name.as_str() {
            n if STATEFUL.contains(&n) => {
                return Err(refused(
                    n,
                    format!(
                        "`{n}` needs conversation state kept on OpenAI's servers, which this provider does not have and bifrost does not keep; send the whole conversation in `input` instead"
                    ),
                ))
            }
            "background" if value == json!(true) => {
                return Err(refused(
                    "background",
                    "`background: true` needs a response stored for later retrieval, which bifrost does not keep for this provider; send the request without it",
                ))
            }
            n if SAME_NAME.contains(&n) => {
                extra.insert(name, value);
            }
            "max_output_tokens" => {
                extra.insert("max_completion_tokens".into(), value);
            }
            "tools" => tools(&value, &mut extra, &mut dropped)?,
            "tool_choice" => {
                extra.insert("tool_choice".into(), tool_choice(&value)?);
            }
            "reasoning" => {
                // `summary` asks for a summary of the reasoning, which comes back as
                // `reasoning` items whenever the upstream shows its reasoning at all.
                if let Some(effort) = value.get("effort").filter(|e| !e.is_null()) {
                    extra.insert("reasoning_effort".into(), effort.clone());
                }
            }
            "text" => text(&value, &mut extra)?,
            // Neutral values of what only tunes OpenAI's service.
            "store" | "background" if value == json!(false) => {}
            "truncation" if value == json!("disabled") => {}
            "include" if value.as_array().is_some_and(Vec::is_empty) => {}
            "stream_options" => {}
            "store" | "include" | "truncation" | "max_tool_calls" | "client_metadata" => {
                dropped.push(name);
            }
            _ => {
                extra.insert(name, value);
            }
        }
    }
    let stream = r.stream.unwrap_or(false);
    Ok(Translated {
        chat: ChatRequest::translated(r.model, messages, stream, extra),
        dropped,
    })
}

fn message(role: &str, content: Option<Value>) -> Message {
    Message {
        role: role.to_string(),
        content,
        extra: Map::new(),
    }
}

fn str_at<'v>(item: &'v Value, key: &str) -> Option<&'v str> {
    item.get(key).and_then(Value::as_str)
}

/// One `input` item appended to `messages`.
fn input_item(
    i: usize,
    item: &Value,
    messages: &mut Vec<Message>,
    dropped: &mut Vec<String>,
) -> Result<(), Refused> {
    let param = || format!("input[{i}]");
    let kind = str_at(item, "type").unwrap_or(if item.get("role").is_some() {
        "message"
    } else {
        ""
    });
    match kind {
        "message" => input_message(i, item, messages),
        "function_call" => {
            let (Some(call_id), Some(name)) = (str_at(item, "call_id"), str_at(item, "name"))
            else {
                return Err(refused(
                    param(),
                    format!("input[{i}]: a `function_call` item needs `call_id` and `name`"),
                ));
            };
            let call = json!({"id": call_id, "type": "function", "function": {
                "name": name,
                "arguments": str_at(item, "arguments").unwrap_or("{}"),
            }});
            // Calls of one turn belong to one assistant message (Anthropic and
            // Gemini need them together), after the text the model said with them.
            match messages.last_mut() {
                Some(last) if last.role == "assistant" => {
                    let calls = last
                        .extra
                        .entry("tool_calls")
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(list) = calls {
                        list.push(call);
                    }
                }
                _ => {
                    let mut m = message("assistant", None);
                    m.extra.insert("tool_calls".into(), json!([call]));
                    messages.push(m);
                }
            }
            Ok(())
        }
        "function_call_output" => {
            let Some(call_id) = str_at(item, "call_id") else {
                return Err(refused(
                    param(),
                    format!("input[{i}]: a `function_call_output` item needs `call_id`"),
                ));
            };
            let output = match item.get("output") {
                Some(Value::String(s)) => Value::String(s.clone()),
                Some(Value::Array(parts)) => Value::String(
                    parts
                        .iter()
                        .filter_map(|p| str_at(p, "text"))
                        .collect::<Vec<_>>()
                        .join(""),
                ),
                _ => {
                    return Err(refused(
                        param(),
                        format!("input[{i}]: `output` must be a string or a list of text parts"),
                    ))
                }
            };
            let mut m = message("tool", Some(output));
            m.extra.insert("tool_call_id".into(), call_id.into());
            messages.push(m);
            Ok(())
        }
        "reasoning" => {
            // Reasoning of an earlier turn is OpenAI's (encrypted, or a summary only):
            // no other model can continue from it, and the answer does not depend on it.
            if !dropped.iter().any(|d| d == "input.reasoning") {
                dropped.push("input.reasoning".into());
            }
            Ok(())
        }
        "item_reference" => Err(refused(
            param(),
            format!("input[{i}]: `item_reference` points at an item stored on OpenAI's servers; bifrost keeps none for this provider, so send the item itself"),
        )),
        other => Err(refused(
            param(),
            format!("input[{i}]: items of type `{other}` cannot be sent to this provider; only `message`, `function_call` and `function_call_output` items can"),
        )),
    }
}

fn input_message(i: usize, item: &Value, messages: &mut Vec<Message>) -> Result<(), Refused> {
    let role = match str_at(item, "role") {
        Some("system" | "developer") => "system",
        Some(role @ ("user" | "assistant")) => role,
        other => {
            return Err(refused(
                format!("input[{i}].role"),
                format!(
                    "input[{i}]: `role` must be user, assistant, system or developer, not {}",
                    other.map_or("missing".to_string(), |r| format!("`{r}`"))
                ),
            ))
        }
    };
    let content = match item.get("content") {
        Some(Value::String(s)) => Value::String(s.clone()),
        Some(Value::Array(parts)) => {
            let parts = parts
                .iter()
                .enumerate()
                .map(|(j, p)| content_part(i, j, p))
                .collect::<Result<Vec<_>, _>>()?;
            // System and assistant turns are text in every adapter.
            if role == "user" {
                Value::Array(parts)
            } else {
                Value::String(
                    parts
                        .iter()
                        .filter_map(|p| str_at(p, "text"))
                        .collect::<Vec<_>>()
                        .join(""),
                )
            }
        }
        _ => {
            return Err(refused(
                format!("input[{i}].content"),
                format!("input[{i}]: `content` must be a string or a list of content parts"),
            ))
        }
    };
    messages.push(message(role, Some(content)));
    Ok(())
}

/// A Responses content part as a chat content part.
fn content_part(i: usize, j: usize, p: &Value) -> Result<Value, Refused> {
    let param = || format!("input[{i}].content[{j}]");
    match str_at(p, "type").unwrap_or("") {
        "input_text" | "output_text" | "text" => {
            Ok(json!({"type": "text", "text": str_at(p, "text").unwrap_or("")}))
        }
        "refusal" => Ok(json!({"type": "text", "text": str_at(p, "refusal").unwrap_or("")})),
        "input_image" => {
            let Some(url) = str_at(p, "image_url") else {
                return Err(refused(
                    param(),
                    format!("{}: only images given by `image_url` (a URL or a data URL) can be sent to this provider, not by `file_id`", param()),
                ));
            };
            let mut image = json!({"url": url});
            if let Some(detail) = p.get("detail").filter(|d| !d.is_null()) {
                image["detail"] = detail.clone();
            }
            Ok(json!({"type": "image_url", "image_url": image}))
        }
        "input_file" => {
            let Some(data) = str_at(p, "file_data") else {
                return Err(refused(
                    param(),
                    format!(
                        "{}: only files given inline by `file_data` can be sent to this provider",
                        param()
                    ),
                ));
            };
            let mut file = json!({"file_data": data});
            if let Some(name) = str_at(p, "filename") {
                file["filename"] = name.into();
            }
            Ok(json!({"type": "file", "file": file}))
        }
        other => Err(refused(
            param(),
            format!(
                "{}: content parts of type `{other}` cannot be sent to this provider",
                param()
            ),
        )),
    }
}

/// Function tools become chat tools; hosted ones are dropped (see the module header).
fn tools(
    value: &Value,
    extra: &mut Map<String, Value>,
    dropped: &mut Vec<String>,
) -> Result<(), Refused> {
    let Some(list) = value.as_array() else {
        return Err(refused("tools", "`tools` must be a list"));
    };
    let mut out = Vec::new();
    for (i, t) in list.iter().enumerate() {
        if str_at(t, "type") != Some("function") {
            dropped.push(format!("tools[{i}]"));
            continue;
        }
        let Some(name) = str_at(t, "name") else {
            return Err(refused(
                format!("tools[{i}]"),
                format!("tools[{i}]: a function tool needs a `name`"),
            ));
        };
        let mut f = Map::new();
        f.insert("name".into(), name.into());
        for key in ["description", "parameters", "strict"] {
            if let Some(v) = t.get(key).filter(|v| !v.is_null()) {
                f.insert(key.into(), v.clone());
            }
        }
        out.push(json!({"type": "function", "function": f}));
    }
    if !out.is_empty() {
        extra.insert("tools".into(), Value::Array(out));
    }
    Ok(())
}

fn tool_choice(value: &Value) -> Result<Value, Refused> {
    match value {
        Value::String(_) => Ok(value.clone()),
        _ => match (str_at(value, "type"), str_at(value, "name")) {
            (Some("function"), Some(name)) => {
                Ok(json!({"type": "function", "function": {"name": name}}))
            }
            (kind, _) => Err(refused(
                "tool_choice",
                format!(
                    "`tool_choice` of type `{}` cannot be sent to this provider; only \"auto\", \"none\", \"required\" or a function by name can",
                    kind.unwrap_or("?")
                ),
            )),
        },
    }
}

/// `text.format` as chat's `response_format`; `text.verbosity` as chat's `verbosity`.
fn text(value: &Value, extra: &mut Map<String, Value>) -> Result<(), Refused> {
    if let Some(v) = value.get("verbosity").filter(|v| !v.is_null()) {
        extra.insert("verbosity".into(), v.clone());
    }
    let Some(format) = value.get("format").filter(|f| !f.is_null()) else {
        return Ok(());
    };
    let response_format = match str_at(format, "type") {
        Some("text") => return Ok(()),
        Some("json_object") => json!({"type": "json_object"}),
        Some("json_schema") => {
            let mut schema = format.as_object().cloned().unwrap_or_default();
            schema.remove("type");
            json!({"type": "json_schema", "json_schema": schema})
        }
        other => {
            return Err(refused(
                "text.format",
                format!(
                    "`text.format` of type `{}` is not known; use text, json_object or json_schema",
                    other.unwrap_or("?")
                ),
            ))
        }
    };
    extra.insert("response_format".into(), response_format);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translate(body: Value) -> Result<Translated, Refused> {
        to_chat(serde_json::from_value(body).unwrap())
    }

    #[test]
    fn a_tool_round_trip_becomes_chat_messages() {
        let t = translate(json!({
            "model": "anthropic/claude", "instructions": "Be brief.", "stream": true,
            "input": [
                {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "Use tools."}]},
                {"role": "user", "content": [{"type": "input_text", "text": "Weather?"},
                    {"type": "input_image", "image_url": "data:image/png;base64,AA", "detail": "low"}]},
                {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "x"},
                {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Checking."}]},
                {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"},
                {"type": "function_call", "call_id": "call_2", "name": "get_time", "arguments": "{}"},
                {"type": "function_call_output", "call_id": "call_1", "output": "21C"},
                {"type": "function_call_output", "call_id": "call_2", "output": [{"type": "input_text", "text": "noon"}]}
            ],
            "tools": [{"type": "function", "name": "get_weather", "parameters": {"type": "object"}, "strict": false},
                      {"type": "web_search"}],
            "tool_choice": {"type": "function", "name": "get_weather"},
            "max_output_tokens": 100, "temperature": 0.2,
            "reasoning": {"effort": "high", "summary": "auto"},
            "text": {"format": {"type": "json_schema", "name": "w", "schema": {"type": "object"}, "strict": true}},
            "store": false, "include": ["reasoning.encrypted_content"], "fallbacks": ["gemini/x"]
        }))
        .unwrap();
        let chat = serde_json::to_value(&t.chat).unwrap();
        let m = &chat["messages"];
        assert_eq!(m[0], json!({"role": "system", "content": "Be brief."}));
        assert_eq!(m[1], json!({"role": "system", "content": "Use tools."}));
        assert_eq!(
            m[2]["content"][1]["image_url"],
            json!({"url": "data:image/png;base64,AA", "detail": "low"})
        );
        assert_eq!(m[3]["content"], "Checking.");
        assert_eq!(m[3]["tool_calls"][1]["function"]["name"], "get_time");
        assert_eq!(
            m[4],
            json!({"role": "tool", "content": "21C", "tool_call_id": "call_1"})
        );
        assert_eq!(m[5]["content"], "noon");
        assert_eq!(m.as_array().unwrap().len(), 6);
        assert_eq!(
            chat["tools"],
            json!([{"type": "function", "function": {"name": "get_weather",
            "parameters": {"type": "object"}, "strict": false}}])
        );
        assert_eq!(
            chat["tool_choice"],
            json!({"type": "function", "function": {"name": "get_weather"}})
        );
        assert_eq!(chat["max_completion_tokens"], 100);
        assert_eq!(chat["reasoning_effort"], "high");
        assert_eq!(chat["response_format"]["json_schema"]["name"], "w");
        assert_eq!(chat["fallbacks"], json!(["gemini/x"]));
        assert_eq!(chat["stream_options"]["include_usage"], true);
        assert!(chat.get("store").is_none() && chat.get("include").is_none());
        assert_eq!(t.dropped, ["input.reasoning", "tools[1]", "include"]);
    }

    #[test]
    fn a_string_input_is_one_user_message() {
        let t = translate(json!({"model": "m", "input": "hi"})).unwrap();
        assert_eq!(t.chat.messages[0].role, "user");
        assert!(!t.chat.is_stream());
        assert!(t.dropped.is_empty());
    }

    #[test]
    fn server_state_and_bad_items_are_refused_by_name() {
        for (body, param) in [
            (
                json!({"model": "m", "input": "hi", "previous_response_id": "resp_1"}),
                "previous_response_id",
            ),
            (
                json!({"model": "m", "input": "hi", "conversation": "conv_1"}),
                "conversation",
            ),
            (
                json!({"model": "m", "input": "hi", "background": true}),
                "background",
            ),
            (
                json!({"model": "m", "input": [{"type": "item_reference", "id": "x"}]}),
                "input[0]",
            ),
            (
                json!({"model": "m", "input": [{"type": "computer_call"}]}),
                "input[0]",
            ),
            (
                json!({"model": "m", "input": [{"role": "tool", "content": "x"}]}),
                "input[0].role",
            ),
            (
                json!({"model": "m", "input": [{"role": "user", "content": [{"type": "input_image", "file_id": "f"}]}]}),
                "input[0].content[0]",
            ),
            (
                json!({"model": "m", "input": "hi", "tool_choice": {"type": "web_search"}}),
                "tool_choice",
            ),
            (
                json!({"model": "m", "input": "hi", "text": {"format": {"type": "yaml"}}}),
                "text.format",
            ),
            (json!({"model": "m", "instructions": "only this"}), "input"),
        ] {
            let e = translate(body.clone())
                .err()
                .unwrap_or_else(|| panic!("{body} passed"));
            assert_eq!(e.param, param, "{body}: {}", e.message);
        }
        // A null `previous_response_id` is no request for state.
        assert!(
            translate(json!({"model": "m", "input": "hi", "previous_response_id": null})).is_ok()
        );
    }
}
