//! `/genai` `generateContent` and `streamGenerateContent` served by a `gemini`
//! upstream (its adapter declares [`Accepts::generate_content`]): the body has no
//! model (the client names it in the path), so it goes exactly as the client sent it,
//! byte for byte, to the adapter's own URL for the resolved model; the client's key is
//! replaced by the provider's, and the client's path and query shape nothing but that
//! one escaped model segment (`alt=sse` is the adapter's). The answer and every stream
//! event come back as the upstream sent them: fields the translation does not carry
//! (`cachedContent`, `safetySettings`, `thinkingConfig`, grounding tools, fields newer
//! than this release) reach Gemini intact.
//!
//! Hooks still see the model (and may change it), status, attempts, usage read from
//! `usageMetadata` (of the answer, or the latest stream event that has one), and, when
//! a hook asks for content, the request and the answer (a stream's events as a list).
//!
//! [`Accepts::generate_content`]: crate::providers::Accepts

use axum::response::Response;
use bytes::Bytes;
use serde_json::{json, Value};

use super::super::super::native::EventWatch;
use super::super::super::passthrough::send_native;
use super::super::super::pipeline::{text_of, Ctx};
use crate::providers::{Endpoint, Forward};
use crate::routing::{DispatchError, Plan};
use crate::schema::Usage;

/// Forwards `body` (routed to `route`, an upstream that takes generateContent as it
/// is); `Err` when every target that takes it unchanged failed.
pub(super) async fn forward(
    mut ctx: Ctx,
    plan: &Plan,
    body: Bytes,
    stream: bool,
) -> Result<Response, (Ctx, DispatchError)> {
    ctx.request_json(&body);
    let forward = Forward::json(Endpoint::GenerateContent, body, stream);
    send_native(
        ctx,
        plan,
        forward,
        usage_of_answer,
        super::error_event,
        |ctx, wants| EventWatch::new(ctx, wants, read_event, read_text),
    )
    .await
}

/// The text an event's candidates send (their parts: text, function calls' arguments).
fn read_text(event: &Value, out: &mut String) {
    let candidates = event.get("candidates").and_then(Value::as_array);
    for parts in candidates
        .into_iter()
        .flatten()
        .filter_map(|c| c.pointer("/content/parts"))
    {
        text_of(parts, out);
    }
}

/// Gemini's `usageMetadata` in the canonical shape, as the `gemini` adapter reads it:
/// thinking tokens count as output (and are broken out as `reasoning_tokens`), cached
/// input is `prompt_tokens_details.cached_tokens`.
fn usage_from(u: &Value) -> Option<Usage> {
    let field = |name: &str| u.get(name).and_then(Value::as_u64);
    let thoughts = field("thoughtsTokenCount");
    let prompt = field("promptTokenCount");
    let candidates = field("candidatesTokenCount");
    if prompt.is_none() && candidates.is_none() && thoughts.is_none() {
        return None;
    }
    let completion = candidates.unwrap_or(0) + thoughts.unwrap_or(0);
    let mut usage = Usage::new(prompt.unwrap_or(0), completion);
    if let Some(total) = field("totalTokenCount") {
        usage.total_tokens = total;
    }
    if let Some(cached) = field("cachedContentTokenCount") {
        usage.extra.insert(
            "prompt_tokens_details".into(),
            json!({"cached_tokens": cached}),
        );
    }
    if let Some(thoughts) = thoughts {
        usage.extra.insert(
            "completion_tokens_details".into(),
            json!({"reasoning_tokens": thoughts}),
        );
    }
    Some(usage)
}

/// The usage of a whole `GenerateContentResponse`.
fn usage_of_answer(body: &[u8]) -> Option<Usage> {
    let answer: Value = serde_json::from_slice(body).ok()?;
    usage_from(answer.get("usageMetadata")?)
}

/// Every stream event may carry `usageMetadata`, the counts so far: the latest wins.
fn read_event(event: &Value, usage: &mut Option<Usage>) {
    if let Some(u) = event.get("usageMetadata").and_then(usage_from) {
        *usage = Some(u);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinking_counts_as_output_and_the_latest_event_wins() {
        let mut usage = None;
        read_event(
            &json!({"usageMetadata": {"promptTokenCount": 4, "candidatesTokenCount": 1}}),
            &mut usage,
        );
        read_event(&json!({"candidates": []}), &mut usage);
        read_event(
            &json!({"usageMetadata": {"promptTokenCount": 4, "candidatesTokenCount": 6,
                "thoughtsTokenCount": 10, "cachedContentTokenCount": 2, "totalTokenCount": 20}}),
            &mut usage,
        );
        let u = usage.unwrap();
        assert_eq!(
            (u.prompt_tokens, u.completion_tokens, u.total_tokens),
            (4, 16, 20)
        );
        assert_eq!(u.extra["completion_tokens_details"]["reasoning_tokens"], 10);
        assert_eq!(u.extra["prompt_tokens_details"]["cached_tokens"], 2);
        assert!(usage_of_answer(b"{\"candidates\": []}").is_none());
    }
}
