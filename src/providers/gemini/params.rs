//! OpenAI request parameters -> Gemini `tools`, `toolConfig` and `generationConfig`.
//! Values of the wrong type are refused by name instead of being dropped.

use serde_json::{Map, Value};

use super::convert::{invalid, unsupported};
use super::wire::{
    FunctionCallingConfig, FunctionDeclaration, GenerationConfig, ThinkingConfig, Tool, ToolConfig,
};
use crate::providers::tool_calls::function_tools;
use crate::providers::ProviderError;

/// JSON-schema keys Gemini's OpenAPI-subset `parameters` schema rejects.
const SCHEMA_KEYS_REJECTED: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "additionalProperties",
    "strict",
];

/// OpenAI parameters without a Gemini equivalent, each with its neutral value (`None`:
/// any non-null value is refused). Neutral values pass, because SDKs send them by default.
const UNSUPPORTED: &[(&str, Option<&str>)] = &[
    ("logprobs", Some("false")),
    ("top_logprobs", None),
    ("logit_bias", Some("{}")),
    ("audio", None),
    ("modalities", Some(r#"["text"]"#)),
    ("prediction", None),
    ("web_search_options", None),
    ("functions", None),
    ("function_call", None),
    ("parallel_tool_calls", Some("true")),
];

/// Refuses the parameters in [`UNSUPPORTED`] unless they hold their neutral value.
pub fn refuse_unsupported(x: &Map<String, Value>) -> Result<(), ProviderError> {
    crate::providers::params::refuse_unsupported(x, UNSUPPORTED, unsupported)
}

type Tools = (Option<Vec<Tool>>, Option<ToolConfig>);

/// `tools` and `tool_choice` as Gemini function declarations and calling mode.
pub fn tools(x: &Map<String, Value>) -> Result<Tools, ProviderError> {
    let mut declarations = Vec::new();
    for (i, (_, f)) in function_tools(x, invalid)?.into_iter().enumerate() {
        let name = f.get("name").and_then(Value::as_str);
        let name = name.ok_or_else(|| invalid(format!("tools[{i}].function has no name")))?;
        let mut parameters = f.get("parameters").filter(|p| p.is_object()).cloned();
        if let Some(p) = &mut parameters {
            clean_schema(p);
        }
        // Gemini refuses an object schema without properties; a function without
        // arguments is declared without `parameters` instead.
        let empty = parameters.as_ref().is_some_and(|p| {
            p.get("properties")
                .and_then(Value::as_object)
                .is_none_or(Map::is_empty)
        });
        declarations.push(FunctionDeclaration {
            name: name.to_string(),
            description: f
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
            parameters: parameters.filter(|_| !empty),
        });
    }
    let (mode, allowed) = match x.get("tool_choice") {
        None | Some(Value::Null) => return Ok((wrap(declarations), None)),
        Some(Value::String(s)) => match s.as_str() {
            "auto" => ("AUTO", None),
            "none" => ("NONE", None),
            "required" => ("ANY", None),
            other => return Err(invalid(format!("tool_choice `{other}` is unknown"))),
        },
        Some(v) => {
            let name = v.pointer("/function/name").and_then(Value::as_str);
            let name = name.ok_or_else(|| invalid(format!("tool_choice {v} names no function")))?;
            ("ANY", Some(vec![name.to_string()]))
        }
    };
    let config = ToolConfig {
        function_calling_config: FunctionCallingConfig {
            mode,
            allowed_function_names: allowed,
        },
    };
    Ok((wrap(declarations), Some(config)))
}

fn wrap(declarations: Vec<FunctionDeclaration>) -> Option<Vec<Tool>> {
    (!declarations.is_empty()).then(|| {
        vec![Tool {
            function_declarations: declarations,
        }]
    })
}

/// Removes the keys Gemini rejects from a schema and every schema nested in it; names
/// under `properties` are property names, never keywords, so they are kept.
fn clean_schema(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    for key in SCHEMA_KEYS_REJECTED {
        map.remove(*key);
    }
    for (key, value) in map.iter_mut() {
        match (key.as_str(), value) {
            ("properties" | "$defs" | "definitions", Value::Object(props)) => {
                props.values_mut().for_each(clean_schema)
            }
            ("items" | "not", v) => clean_schema(v),
            ("anyOf" | "oneOf" | "allOf" | "prefixItems", Value::Array(list)) => {
                list.iter_mut().for_each(clean_schema)
            }
            _ => {}
        }
    }
}

fn number(x: &Map<String, Value>, name: &str) -> Result<Option<f64>, ProviderError> {
    match x.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .map(Some)
            .ok_or_else(|| invalid(format!("`{name}` must be a number, got {v}"))),
    }
}

fn count(x: &Map<String, Value>, name: &str) -> Result<Option<u64>, ProviderError> {
    match x.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| invalid(format!("`{name}` must be a positive integer, got {v}"))),
    }
}

/// Sampling, length, output format and thinking settings; `None` when all are unset.
pub fn generation_config(
    x: &Map<String, Value>,
) -> Result<Option<GenerationConfig>, ProviderError> {
    let mut c = GenerationConfig {
        stop_sequences: stop(x.get("stop")),
        candidate_count: count(x, "n")?,
        max_output_tokens: match count(x, "max_completion_tokens")? {
            Some(n) => Some(n),
            None => count(x, "max_tokens")?,
        },
        temperature: number(x, "temperature")?,
        top_p: number(x, "top_p")?,
        top_k: count(x, "top_k")?,
        presence_penalty: number(x, "presence_penalty")?,
        frequency_penalty: number(x, "frequency_penalty")?,
        thinking_config: thinking(x.get("reasoning_effort"))?,
        ..GenerationConfig::default()
    };
    c.seed = match x.get("seed") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .ok_or_else(|| invalid(format!("`seed` must be an integer, got {v}")))?,
        ),
    };
    match x.get("response_format").filter(|v| !v.is_null()) {
        None => {}
        Some(f) => match f.get("type").and_then(Value::as_str) {
            Some("text") => {}
            Some("json_object") => c.response_mime_type = Some("application/json".into()),
            Some("json_schema") => {
                let schema = f.pointer("/json_schema/schema").filter(|s| s.is_object());
                let schema = schema.ok_or_else(|| {
                    invalid("response_format.json_schema.schema must be an object".into())
                })?;
                c.response_mime_type = Some("application/json".into());
                c.response_json_schema = Some(schema.clone());
            }
            _ => return Err(invalid(format!("response_format {f} is unknown"))),
        },
    }
    Ok((c != GenerationConfig::default()).then_some(c))
}

fn stop(v: Option<&Value>) -> Option<Vec<String>> {
    let list: Vec<String> = match v? {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    (!list.is_empty()).then_some(list)
}

/// `reasoning_effort` as a thinking budget, with the budgets Google's own OpenAI
/// compatibility layer uses; any effort but `none` asks for thought summaries, which
/// come back as `reasoning_content`.
fn thinking(effort: Option<&Value>) -> Result<Option<ThinkingConfig>, ProviderError> {
    let Some(effort) = effort.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let budget = match effort.as_str() {
        Some("none") => 0,
        Some("minimal" | "low") => 1024,
        Some("medium") => 8192,
        Some("high") => 24576,
        _ => return Err(invalid(format!("reasoning_effort {effort} is unknown"))),
    };
    Ok(Some(ThinkingConfig {
        thinking_budget: budget,
        include_thoughts: (budget > 0).then_some(true),
    }))
}
