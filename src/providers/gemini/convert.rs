//! Canonical (OpenAI) chat requests -> Gemini `generateContent` requests, as pure
//! functions: the conversation here, tools and generation settings in `params`.
//!
//! Parameters Gemini cannot honour are refused rather than dropped, as for Anthropic: a
//! client silently given something other than what it asked for is worse off than one
//! told to remove the parameter. Keys nobody knows are dropped.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::params;
use super::wire::{
    Blob, Content, FileData, FunctionCall, FunctionResponse, GenerateContentRequest, Part,
};
use crate::providers::ProviderError;
use crate::schema::{ChatRequest, Message};

/// The error for a parameter Gemini has no equivalent for.
pub fn unsupported(what: &str) -> ProviderError {
    ProviderError::unsupported_param(
        what,
        format!(
            "parameter `{what}` is not supported by provider type gemini; remove it or route \
             the request to a provider that supports it"
        ),
    )
}

/// The error for a request that cannot be expressed in Gemini's format.
pub fn invalid(detail: String) -> ProviderError {
    ProviderError::Unsupported(format!("cannot translate the request for gemini: {detail}"))
}

/// Builds the `generateContent` body from a canonical chat request.
pub fn to_request(req: &ChatRequest) -> Result<GenerateContentRequest, ProviderError> {
    let x = &req.extra;
    params::refuse_unsupported(x)?;
    let (system_instruction, contents) = messages(&req.messages)?;
    let (tools, tool_config) = params::tools(x)?;
    Ok(GenerateContentRequest {
        contents,
        system_instruction,
        tools,
        tool_config,
        generation_config: params::generation_config(x)?,
    })
}

/// Splits system text off and turns the rest into `user` / `model` turns.
fn messages(input: &[Message]) -> Result<(Option<Content>, Vec<Content>), ProviderError> {
    let mut system = Vec::new();
    let mut out: Vec<Content> = Vec::new();
    // Tool call id -> function name: Gemini matches results to calls by name.
    let mut names: HashMap<String, String> = HashMap::new();
    let mut last_was_tool = false;
    for (i, m) in input.iter().enumerate() {
        let is_tool = m.role == "tool";
        let (role, parts) = match m.role.as_str() {
            "system" | "developer" => {
                system.push(m.text());
                continue;
            }
            "user" => ("user", content_parts(m.content.as_ref(), i)?),
            "assistant" => ("model", assistant_parts(m, i, &mut names)?),
            "tool" => ("user", vec![tool_result(m, i, &names)?]),
            other => return Err(invalid(format!("messages[{i}] has role `{other}`"))),
        };
        if parts.is_empty() {
            continue;
        }
        // Results of one model turn's calls must arrive together in one turn; other
        // same-role neighbours are merged too, since Gemini expects alternating turns.
        match out.last_mut() {
            Some(last) if last.role.as_deref() == Some(role) && last_was_tool == is_tool => {
                last.parts.extend(parts)
            }
            _ => out.push(Content {
                role: Some(role.to_string()),
                parts,
            }),
        }
        last_was_tool = is_tool;
    }
    let system: Vec<Part> = system
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(text_part)
        .collect();
    let system = (!system.is_empty()).then_some(Content {
        role: None,
        parts: system,
    });
    Ok((system, out))
}

fn text_part(text: String) -> Part {
    Part {
        text: Some(text),
        ..Part::default()
    }
}

fn inline(mime_type: String, data: String) -> Part {
    Part {
        inline_data: Some(Blob { mime_type, data }),
        ..Part::default()
    }
}

fn content_parts(content: Option<&Value>, i: usize) -> Result<Vec<Part>, ProviderError> {
    let parts = match content {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(s)) if s.is_empty() => return Ok(Vec::new()),
        Some(Value::String(s)) => return Ok(vec![text_part(s.clone())]),
        Some(Value::Array(parts)) => parts,
        Some(other) => return Err(invalid(format!("messages[{i}].content is {other}"))),
    };
    let mut out = Vec::new();
    for part in parts {
        let str_at = |ptr: &str| part.pointer(ptr).and_then(Value::as_str);
        match part.get("type").and_then(Value::as_str) {
            Some("text") => {
                let text = str_at("/text").unwrap_or("");
                if !text.is_empty() {
                    out.push(text_part(text.to_string()));
                }
            }
            Some("image_url") => {
                let url = str_at("/image_url/url").or_else(|| str_at("/image_url"));
                let url = url.ok_or_else(|| {
                    invalid(format!("messages[{i}] has an image_url part without a url"))
                })?;
                out.push(media_part(url, i)?);
            }
            Some("input_audio") => {
                let (data, format) = (str_at("/input_audio/data"), str_at("/input_audio/format"));
                let (Some(data), Some(format)) = (data, format) else {
                    return Err(invalid(format!(
                        "messages[{i}] has an input_audio part without data and format"
                    )));
                };
                out.push(inline(format!("audio/{format}"), data.to_string()));
            }
            Some("file") => {
                let data = str_at("/file/file_data").ok_or_else(|| {
                    invalid(format!(
                        "messages[{i}] has a file part without file_data; gemini needs the \
                         file inline as a data: URL"
                    ))
                })?;
                out.push(media_part(data, i)?);
            }
            other => {
                let kind = other.unwrap_or("(none)");
                return Err(invalid(format!(
                    "messages[{i}] has a content part of type `{kind}`, which gemini does not accept here"
                )));
            }
        }
    }
    Ok(out)
}

/// A data URL becomes inline bytes; an http(s) URL becomes a file reference.
fn media_part(url: &str, i: usize) -> Result<Part, ProviderError> {
    if let Some(rest) = url.strip_prefix("data:") {
        return match rest.split_once(";base64,") {
            Some((mime, data)) => Ok(inline(mime.to_string(), data.to_string())),
            None => Err(invalid(format!(
                "messages[{i}] has a data: URL that is not base64"
            ))),
        };
    }
    if url.starts_with("http://") || url.starts_with("https://") {
        return Ok(Part {
            file_data: Some(FileData {
                mime_type: guess_mime(url).to_string(),
                file_uri: url.to_string(),
            }),
            ..Part::default()
        });
    }
    Err(invalid(format!(
        "messages[{i}] has a media URL that is neither data: nor http(s)"
    )))
}

/// Gemini requires a MIME type with `fileData`; the URL's extension is the only hint.
fn guess_mime(url: &str) -> &'static str {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("heic") => "image/heic",
        Some("heif") => "image/heif",
        Some("pdf") => "application/pdf",
        Some("mp3") => "audio/mp3",
        Some("wav") => "audio/wav",
        Some("mp4") => "video/mp4",
        _ => "image/jpeg",
    }
}

fn assistant_parts(
    m: &Message,
    i: usize,
    names: &mut HashMap<String, String>,
) -> Result<Vec<Part>, ProviderError> {
    let mut out = content_parts(m.content.as_ref(), i)?;
    for (j, call) in m.tool_calls().iter().enumerate() {
        let name = call.pointer("/function/name").and_then(Value::as_str);
        let name = name.ok_or_else(|| {
            invalid(format!(
                "messages[{i}].tool_calls[{j}] has no function.name"
            ))
        })?;
        let args = call.pointer("/function/arguments").and_then(Value::as_str);
        let args = args.unwrap_or("");
        // An empty string is what some clients send for a call without arguments.
        let args = if args.trim().is_empty() {
            Value::Object(Map::new())
        } else {
            serde_json::from_str::<Value>(args)
                .ok()
                .filter(Value::is_object)
                .ok_or_else(|| {
                    invalid(format!(
                        "messages[{i}].tool_calls[{j}].function.arguments of `{name}` is not a JSON object"
                    ))
                })?
        };
        if let Some(id) = call.get("id").and_then(Value::as_str) {
            names.insert(id.to_string(), name.to_string());
        }
        out.push(Part {
            function_call: Some(FunctionCall {
                id: None,
                name: name.to_string(),
                args,
            }),
            thought_signature: call
                .pointer("/extra_content/google/thought_signature")
                .and_then(Value::as_str)
                .map(str::to_string),
            ..Part::default()
        });
    }
    Ok(out)
}

fn tool_result(
    m: &Message,
    i: usize,
    names: &HashMap<String, String>,
) -> Result<Part, ProviderError> {
    let id = m.extra.get("tool_call_id").and_then(Value::as_str);
    let id = id.ok_or_else(|| invalid(format!("messages[{i}] has no tool_call_id")))?;
    let name = names
        .get(id)
        .map(String::as_str)
        .or_else(|| m.extra.get("name").and_then(Value::as_str))
        .ok_or_else(|| {
            invalid(format!(
                "messages[{i}].tool_call_id `{id}` matches no earlier assistant tool call"
            ))
        })?;
    let text = m.text();
    let response = match serde_json::from_str::<Value>(&text) {
        Ok(v @ Value::Object(_)) => v,
        _ => serde_json::json!({ "content": text }),
    };
    Ok(Part {
        function_response: Some(FunctionResponse {
            name: name.to_string(),
            response,
        }),
        ..Part::default()
    })
}
