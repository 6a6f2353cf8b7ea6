//! Anthropic Messages requests -> canonical (OpenAI) chat requests: the reverse of the
//! `anthropic` provider's `convert`.
//!
//! Content blocks are translated in `content`. What the canonical format cannot carry is
//! refused with a 400. `thinking`/`redacted_thinking` blocks of earlier assistant turns
//! travel verbatim as the canonical `thinking_blocks`, which only Anthropic-format
//! upstreams receive ([`drop_thinking_blocks`] removes them for the others);
//! `cache_control` and `citations` are dropped (hints, not content).

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::content::{assistant_turn, kind, user_turn};
use super::error::{invalid, Untranslatable};
use crate::schema::{ChatRequest, Message};

/// `POST /anthropic/v1/messages` (and `count_tokens`) body.
#[derive(Debug, Clone, Deserialize)]
pub struct MessagesRequest {
    /// `provider/model` or a bare model name, as on `/v1`.
    pub model: String,
    /// Required, as by Anthropic (absent only in `count_tokens`).
    #[serde(default)]
    pub max_tokens: Option<u64>,
    /// The conversation.
    pub messages: Vec<InMessage>,
    /// A string or text blocks.
    #[serde(default)]
    pub system: Option<Value>,
    /// Sampling temperature.
    #[serde(default)]
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    #[serde(default)]
    pub top_p: Option<f64>,
    /// Top-k sampling (passed as the extra field `top_k`).
    #[serde(default)]
    pub top_k: Option<u64>,
    /// Custom stop strings.
    #[serde(default)]
    pub stop_sequences: Option<Vec<String>>,
    /// Server-sent events instead of one body.
    #[serde(default)]
    pub stream: Option<bool>,
    /// Client tools.
    #[serde(default)]
    pub tools: Option<Vec<Value>>,
    /// `auto`, `any`, `tool` or `none`.
    #[serde(default)]
    pub tool_choice: Option<Value>,
    /// `user_id` becomes OpenAI's `user`.
    #[serde(default)]
    pub metadata: Option<Value>,
    /// Extended thinking settings.
    #[serde(default)]
    pub thinking: Option<Value>,
    /// Anything else: refused, since silently ignoring a parameter changes the answer.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// One turn.
#[derive(Debug, Clone, Deserialize)]
pub struct InMessage {
    /// `user` or `assistant`.
    pub role: String,
    /// A string or content blocks.
    pub content: Value,
}

impl MessagesRequest {
    /// True when the client asked for a stream.
    pub fn streams(&self) -> bool {
        self.stream.unwrap_or(false)
    }
}

/// Top-level fields that only tune Anthropic's own behaviour (server-side context
/// editing, capacity tier): a translation to another vendor drops them, naming each in
/// `x-bifrost-dropped-params`, rather than refusing a request whose answer does not
/// depend on them. Every other field no translation can carry is a 400, unless
/// `[client.compat] should_drop_params` is on.
const TUNING_ONLY: [&str; 2] = ["context_management", "service_tier"];

/// A translated request and the fields the translation dropped.
pub struct Translated {
    /// The canonical request.
    pub chat: ChatRequest,
    /// What was dropped (`context_management`, `tools[2]`), for the response header.
    pub dropped: Vec<String>,
}

/// Builds the canonical chat request, or the 400 explaining what cannot be translated.
/// `drop_all` (`should_drop_params`) drops, rather than refuses, every field and server
/// tool the translation cannot carry.
pub fn to_chat(r: &MessagesRequest, drop_all: bool) -> Result<Translated, Untranslatable> {
    let mut dropped = Vec::new();
    for name in r.other.keys() {
        if name == "output_config" {
            continue;
        }
        if !drop_all && !TUNING_ONLY.contains(&name.as_str()) {
            return Err(invalid(format!(
                "parameter `{name}` is not supported when this route is served by a non-Anthropic provider; remove it, or set [client.compat] should_drop_params = true to drop it"
            )));
        }
        dropped.push(name.clone());
    }
    let max_tokens = r
        .max_tokens
        .ok_or_else(|| invalid("`max_tokens` is required"))?;
    let mut messages = Vec::with_capacity(r.messages.len() + 1);
    if let Some(system) = &r.system {
        let text = system_text(system)?;
        if !text.is_empty() {
            messages.push(message("system", Some(Value::String(text)), Map::new()));
        }
    }
    for (i, m) in r.messages.iter().enumerate() {
        match m.role.as_str() {
            "user" => user_turn(&m.content, i, &mut messages)?,
            // Claude Code puts system reminders among the turns.
            "system" => {
                let text = system_text(&m.content)?;
                messages.push(message("system", Some(Value::String(text)), Map::new()));
            }
            "assistant" => messages.push(assistant_turn(&m.content, i)?),
            other => {
                return Err(invalid(format!(
                    "messages[{i}].role is `{other}`; use `user` or `assistant`"
                )))
            }
        }
    }
    let mut x = Map::new();
    x.insert("max_tokens".into(), max_tokens.into());
    if let Some(t) = r.temperature {
        x.insert("temperature".into(), t.into());
    }
    if let Some(p) = r.top_p {
        x.insert("top_p".into(), p.into());
    }
    if let Some(k) = r.top_k {
        x.insert("top_k".into(), k.into());
    }
    if let Some(stop) = r.stop_sequences.as_ref().filter(|s| !s.is_empty()) {
        x.insert("stop".into(), json!(stop));
    }
    if let Some(user) = r.metadata.as_ref().and_then(|m| m.get("user_id")) {
        if let Some(user) = user.as_str() {
            x.insert("user".into(), user.into());
        }
    }
    output_config(r, drop_all, &mut x, &mut dropped)?;
    if let Some(thinking) = r.thinking.as_ref().filter(|t| !t.is_null()) {
        // How thinking is shown is Anthropic's alone; the effort it buys travels on.
        if thinking.get("display").is_some() {
            dropped.push("thinking.display".into());
        }
        // Kept under Anthropic's own name: the anthropic provider passes it through, and
        // the handler turns it into `reasoning_effort` for other providers once routed.
        x.insert("thinking".into(), thinking.clone());
    }
    tools(r, &mut x, drop_all, &mut dropped)?;
    let stream = r.streams();
    Ok(Translated {
        chat: ChatRequest::translated(r.model.clone(), messages, stream, x),
        dropped,
    })
}

/// `output_config`: its `effort` (how hard the model thinks) becomes OpenAI's
/// `reasoning_effort`; anything else in it (a structured output format) changes the
/// answer, so it is refused unless `drop_all`.
fn output_config(
    r: &MessagesRequest,
    drop_all: bool,
    x: &mut Map<String, Value>,
    dropped: &mut Vec<String>,
) -> Result<(), Untranslatable> {
    let Some(config) = r.other.get("output_config").and_then(Value::as_object) else {
        return Ok(());
    };
    for (name, value) in config {
        match (name.as_str(), value.as_str()) {
            ("effort", Some(effort)) => {
                let effort = match effort {
                    "low" | "medium" | "high" => effort,
                    // `max` and newer levels: the most chat can ask for.
                    _ => "high",
                };
                x.insert("reasoning_effort".into(), effort.into());
            }
            _ if drop_all => dropped.push(format!("output_config.{name}")),
            _ => {
                return Err(invalid(format!(
                    "`output_config.{name}` is not supported when this route is served by a non-Anthropic provider; remove it, or set [client.compat] should_drop_params = true to drop it"
                )))
            }
        }
    }
    Ok(())
}

/// For a provider that is not Anthropic: `thinking` becomes OpenAI's `reasoning_effort`
/// (budget < 4096 low, < 16384 medium, else high; `disabled` drops it).
pub fn thinking_to_reasoning_effort(req: &mut ChatRequest) {
    let Some(thinking) = req.extra.remove("thinking") else {
        return;
    };
    if thinking.get("type").and_then(Value::as_str) != Some("enabled") {
        return;
    }
    let budget = thinking
        .get("budget_tokens")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let effort = match budget {
        0..4096 => "low",
        4096..16384 => "medium",
        _ => "high",
    };
    req.extra.insert("reasoning_effort".into(), effort.into());
}

/// For a provider that does not speak Anthropic's format: earlier turns' thinking blocks
/// are removed, since an OpenAI-format upstream may refuse the unknown message field
/// and none of them can use Anthropic's signatures.
pub fn drop_thinking_blocks(req: &mut ChatRequest) {
    for m in &mut req.messages {
        m.extra.remove("thinking_blocks");
    }
}

/// A canonical message.
pub fn message(role: &str, content: Option<Value>, extra: Map<String, Value>) -> Message {
    Message {
        role: role.to_string(),
        content,
        extra,
    }
}

fn system_text(system: &Value) -> Result<String, Untranslatable> {
    match system {
        Value::String(s) => Ok(s.clone()),
        Value::Array(blocks) => {
            let mut parts = Vec::with_capacity(blocks.len());
            for b in blocks {
                match (kind(b), b.get("text").and_then(Value::as_str)) {
                    ("text", Some(t)) => parts.push(t),
                    (k, _) => {
                        return Err(invalid(format!(
                            "`system` may hold only text blocks, not `{k}`"
                        )))
                    }
                }
            }
            Ok(parts.join("\n\n"))
        }
        Value::Null => Ok(String::new()),
        _ => Err(invalid(
            "`system` must be a string or a list of text blocks",
        )),
    }
}

fn tools(
    r: &MessagesRequest,
    x: &mut Map<String, Value>,
    drop_all: bool,
    dropped: &mut Vec<String>,
) -> Result<(), Untranslatable> {
    let mut out = Vec::new();
    for (i, t) in r.tools.iter().flatten().enumerate() {
        // Server tools (`web_search_20250305`, `bash_...`) run at Anthropic; only client
        // tools, which the caller runs, have an OpenAI equivalent. Losing one changes
        // what the model can do, so it is refused unless the client opted into drops.
        if let Some(k) = t
            .get("type")
            .and_then(Value::as_str)
            .filter(|k| *k != "custom")
        {
            if drop_all {
                dropped.push(format!("tools[{i}]"));
                continue;
            }
            return Err(invalid(format!(
                "tool type `{k}` is not supported when this route is served by a non-Anthropic provider; only client tools are (or set [client.compat] should_drop_params = true to drop it)"
            )));
        }
        let name = t
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("every tool needs a `name`"))?;
        // Loading a tool's definition on demand is Anthropic's tool-search beta; the
        // tool itself is offered up front, which changes nothing for the answer.
        if t.get("defer_loading").is_some() {
            dropped.push(format!("tools[{i}].defer_loading"));
        }
        let mut f = Map::new();
        f.insert("name".into(), name.into());
        if let Some(d) = t.get("description").and_then(Value::as_str) {
            f.insert("description".into(), d.into());
        }
        let schema = t
            .get("input_schema")
            .cloned()
            .unwrap_or_else(|| json!({"type": "object", "properties": {}}));
        f.insert("parameters".into(), schema);
        out.push(json!({"type": "function", "function": f}));
    }
    if out.is_empty() {
        // OpenAI refuses `tool_choice` and `parallel_tool_calls` without tools, and
        // without tools they change nothing.
        return Ok(());
    }
    x.insert("tools".into(), Value::Array(out));
    let Some(choice) = r.tool_choice.as_ref().filter(|c| !c.is_null()) else {
        return Ok(());
    };
    let openai = match choice.get("type").and_then(Value::as_str) {
        Some("auto") => json!("auto"),
        Some("any") => json!("required"),
        Some("none") => json!("none"),
        Some("tool") => {
            let name = choice
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("tool_choice `tool` needs a `name`"))?;
            json!({"type": "function", "function": {"name": name}})
        }
        _ => return Err(invalid(format!("tool_choice {choice} is not supported"))),
    };
    x.insert("tool_choice".into(), openai);
    if choice
        .get("disable_parallel_tool_use")
        .and_then(Value::as_bool)
        == Some(true)
    {
        x.insert("parallel_tool_calls".into(), false.into());
    }
    Ok(())
}
