//! Extended thinking both ways: OpenAI's `reasoning_effort` (or Anthropic's own
//! `thinking` parameter) into the request, and thinking blocks out of answers and back
//! into later requests.
//!
//! # The canonical field: `thinking_blocks`
//!
//! An assistant message bifrost returns carries, besides the readable
//! `reasoning_content`, a `thinking_blocks` array holding Anthropic's blocks verbatim:
//! `{"type":"thinking","thinking":"…","signature":"…"}` or
//! `{"type":"redacted_thinking","data":"…"}` (the shape LiteLLM uses too). Anthropic
//! requires these blocks back, unchanged and in order, in the assistant turn that
//! made a tool call, so a client that keeps the message as it came and sends it back
//! keeps tool use with thinking working. In a stream, each block arrives once and
//! whole, as a one-element `thinking_blocks` delta sent when the block ends (after its
//! `signature_delta`); clients append these elements in order.
//! `reasoning_content` alone cannot be sent back: without its signature Anthropic
//! rejects the block, so such text is dropped from requests.

use serde_json::{json, Map, Value};

use super::convert::DEFAULT_MAX_TOKENS;
use super::wire::Block;
use crate::providers::ProviderError;
use crate::schema::Message;

/// The assistant-message field holding Anthropic's thinking blocks (see module docs).
pub const THINKING_BLOCKS: &str = "thinking_blocks";

fn invalid(detail: String) -> ProviderError {
    ProviderError::Unsupported(format!(
        "cannot translate the request for anthropic: {detail}"
    ))
}

/// Anthropic's `thinking` parameter and `max_tokens` for a request's parameters.
///
/// An explicit `thinking` value is Anthropic's own and passes through untouched (and
/// wins over `reasoning_effort`). Otherwise `reasoning_effort` becomes a budget:
/// `low` (and `minimal`, as Anthropic's minimum is 1024) 1024, `medium` 4096, `high`
/// 16384; `none` leaves thinking off.
pub fn thinking_and_max_tokens(
    x: &Map<String, Value>,
) -> Result<(Option<Value>, u64), ProviderError> {
    let thinking = match x.get("thinking").filter(|v| !v.is_null()) {
        Some(explicit) => Some(explicit.clone()),
        None => match x.get("reasoning_effort").filter(|v| !v.is_null()) {
            None => None,
            Some(effort) => {
                let budget = match effort.as_str() {
                    Some("none") => None,
                    Some("minimal" | "low") => Some(1024),
                    Some("medium") => Some(4096),
                    Some("high") => Some(16384),
                    _ => {
                        return Err(invalid(format!(
                            "reasoning_effort {effort} is unknown (use low, medium or high)"
                        )))
                    }
                };
                budget.map(|b: u64| json!({"type": "enabled", "budget_tokens": b}))
            }
        },
    };
    let budget = thinking
        .as_ref()
        .filter(|t| t.get("type").and_then(Value::as_str) == Some("enabled"))
        .and_then(|t| t.get("budget_tokens"))
        .and_then(Value::as_u64);
    let max_tokens = match x
        .get("max_completion_tokens")
        .or_else(|| x.get("max_tokens"))
    {
        // Anthropic counts thinking against `max_tokens` and requires it to exceed the
        // budget, so the default leaves the usual room for the answer after thinking.
        None | Some(Value::Null) => DEFAULT_MAX_TOKENS + budget.unwrap_or(0),
        Some(v) => {
            let n = v.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                invalid(format!("max_tokens must be a positive integer, got {v}"))
            })?;
            // Raising a limit the client set explicitly would spend more than it
            // allowed, so this is the client's to fix.
            if let Some(b) = budget.filter(|b| n <= *b) {
                return Err(invalid(format!(
                    "max_tokens ({n}) must exceed the thinking budget ({b} tokens); \
                     raise max_tokens or lower reasoning_effort"
                )));
            }
            n
        }
    };
    Ok((thinking, max_tokens))
}

/// The thinking blocks an earlier assistant message carries in `thinking_blocks`,
/// to open its Anthropic turn with (Anthropic wants them before text and tool use).
///
/// A `thinking` entry without a signature is dropped, never sent: Anthropic rejects
/// an unsigned block, and one cannot be made up. The same goes for
/// `reasoning_content`, which is never turned into a block.
pub fn request_blocks(m: &Message, i: usize) -> Result<Vec<Block>, ProviderError> {
    let entries = match m.extra.get(THINKING_BLOCKS) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(other) => {
            return Err(invalid(format!(
                "messages[{i}].{THINKING_BLOCKS} must be an array, got {other}"
            )))
        }
    };
    let text = |e: &Value, key: &str| e.get(key).and_then(Value::as_str).map(str::to_string);
    let mut out = Vec::new();
    for e in entries {
        match e.get("type").and_then(Value::as_str) {
            Some("thinking") => {
                if let Some(signature) = text(e, "signature").filter(|s| !s.is_empty()) {
                    out.push(Block::Thinking {
                        thinking: text(e, "thinking").unwrap_or_default(),
                        signature,
                    });
                }
            }
            Some("redacted_thinking") => {
                let data = text(e, "data").ok_or_else(|| {
                    invalid(format!(
                        "messages[{i}] has a redacted_thinking block without data"
                    ))
                })?;
                out.push(Block::RedactedThinking { data });
            }
            _ => {
                return Err(invalid(format!(
                    "messages[{i}].{THINKING_BLOCKS} has an entry that is neither thinking \
                     nor redacted_thinking: {e}"
                )))
            }
        }
    }
    Ok(out)
}

/// One `thinking_blocks` entry for a thinking block of an answer.
pub fn thinking_entry(thinking: &str, signature: &str) -> Value {
    json!({"type": "thinking", "thinking": thinking, "signature": signature})
}

/// One `thinking_blocks` entry for a redacted thinking block of an answer.
pub fn redacted_entry(data: &str) -> Value {
    json!({"type": "redacted_thinking", "data": data})
}
