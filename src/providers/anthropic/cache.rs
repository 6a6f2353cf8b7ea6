//! Prompt caching: OpenAI requests have no `cache_control`, but clients that know
//! Anthropic put it on content parts, system parts, whole messages and tools (the
//! convention LiteLLM documents). It is carried onto the Anthropic blocks and tools
//! that mark the end of each cached prefix; tools are handled with the rest of the
//! tool translation in `convert`.

use serde_json::Value;

use super::convert::text_block;
use super::wire::{Block, System};
use crate::schema::Message;

/// `cache_control` on a whole message marks its end: it goes on the message's last
/// block that can carry one (thinking blocks cannot, but they always come first).
pub fn message_cache_control(m: &Message, blocks: &mut [Block]) {
    if let Some(cc) = m.extra.get("cache_control").filter(|v| !v.is_null()) {
        for b in blocks.iter_mut().rev() {
            if b.set_cache_control(cc.clone()) {
                break;
            }
        }
    }
}

/// The text parts of a system message as blocks (other parts were always ignored
/// there, as Anthropic's `system` holds only text).
pub fn system_blocks(content: Option<&Value>) -> Vec<Block> {
    let parts = match content {
        Some(Value::String(s)) => return text_block(s).into_iter().collect(),
        Some(Value::Array(parts)) => parts,
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for part in parts {
        let Some(mut block) = part
            .get("text")
            .and_then(Value::as_str)
            .and_then(text_block)
        else {
            continue;
        };
        if let Some(cc) = part.get("cache_control").filter(|v| !v.is_null()) {
            block.set_cache_control(cc.clone());
        }
        out.push(block);
    }
    out
}

/// System text as one string (each message's text parts joined, messages separated by
/// a blank line), unless some part carries `cache_control`: then as the text blocks
/// themselves, since only blocks can carry it.
pub fn system_field(messages: Vec<Vec<Block>>) -> Option<System> {
    let cached = messages.iter().flatten().any(|b| {
        matches!(
            b,
            Block::Text {
                cache_control: Some(_),
                ..
            }
        )
    });
    if cached {
        let blocks: Vec<Block> = messages.into_iter().flatten().collect();
        return (!blocks.is_empty()).then_some(System::Blocks(blocks));
    }
    let texts: Vec<String> = messages
        .iter()
        .map(|m| {
            m.iter()
                .filter_map(|b| match b {
                    Block::Text { text, .. } => Some(text.as_str()),
                    _ => None,
                })
                .collect::<String>()
        })
        .filter(|t| !t.is_empty())
        .collect();
    (!texts.is_empty()).then(|| System::Text(texts.join("\n\n")))
}
