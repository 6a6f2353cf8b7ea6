//! `/cohere/v2/chat` served by a `cohere` upstream (its adapter declares
//! [`Accepts::cohere_chat`]): the request goes as the client wrote it, only `model`
//! rewritten and the client's credentials replaced by the provider's key; the answer
//! and every stream event come back as the upstream sent them. Fields the translation
//! does not carry (`documents`, `citation_options`, `safety_mode`, `thinking`, fields
//! newer than this release) reach Cohere intact.
//!
//! Hooks still see the model (and may change it), status, attempts, usage read from
//! the answer's `usage` or the stream's `message-end` event, and, when a hook asks for
//! content, the request and the answer (a stream's events as a list).
//!
//! [`Accepts::cohere_chat`]: crate::providers::Accepts

use axum::response::Response;
use bytes::Bytes;
use serde_json::Value;

use super::super::super::native::{with_model, EventWatch};
use super::super::super::passthrough::send_native;
use super::super::super::pipeline::{text_of, Ctx};
use crate::providers::{Endpoint, Forward, JsonBody};
use crate::routing::{DispatchError, Plan};
use crate::schema::Usage;
use crate::server::ApiError;

/// Forwards `body` (routed to `route`, an upstream that takes v2 chat as it is);
/// `Err` when every target that takes it unchanged failed.
pub(super) async fn forward(
    mut ctx: Ctx,
    plan: &Plan,
    mut body: JsonBody,
    stream: bool,
) -> Result<Response, (Ctx, DispatchError)> {
    let bytes = match with_model(&mut ctx, &mut body, &plan.primary().model) {
        Ok(bytes) => bytes,
        Err(done) => return Ok(done),
    };
    ctx.request_json(&bytes);
    let forward = Forward::json(Endpoint::CohereChat, bytes, stream);
    send_native(
        ctx,
        plan,
        forward,
        usage_of_answer,
        cut_event,
        |ctx, wants| EventWatch::new(ctx, wants, read_event, read_text),
    )
    .await
}

/// The event that ends a stream cut short: Cohere's own `message-end` with
/// `finish_reason: ERROR`.
fn cut_event(e: &ApiError) -> Bytes {
    Bytes::from(super::stream::named(&super::stream::cut(&e.message)))
}

/// A count Cohere may send as a float (`5.0`).
fn count(counts: Option<&Value>, name: &str) -> Option<u64> {
    counts?
        .get(name)?
        .as_f64()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(|n| n as u64)
}

/// Cohere's usage in the canonical shape: the model's own `tokens`, else the billed
/// units (as the `cohere` adapter reads it).
fn usage_from(u: &Value) -> Option<Usage> {
    let (tokens, billed) = (u.get("tokens"), u.get("billed_units"));
    let input = count(tokens, "input_tokens").or_else(|| count(billed, "input_tokens"));
    let output = count(tokens, "output_tokens").or_else(|| count(billed, "output_tokens"));
    if input.is_none() && output.is_none() {
        return None;
    }
    Some(Usage::new(input.unwrap_or(0), output.unwrap_or(0)))
}

/// The usage of a whole v2 chat answer.
fn usage_of_answer(body: &[u8]) -> Option<Usage> {
    let answer: Value = serde_json::from_slice(body).ok()?;
    usage_from(answer.get("usage")?)
}

/// The text a `content-delta` or `tool-call-delta` event sends (under `delta.message`).
fn read_text(event: &Value, out: &mut String) {
    let kind = event.get("type").and_then(Value::as_str);
    if matches!(kind, Some("content-delta" | "tool-call-delta")) {
        if let Some(message) = event.pointer("/delta/message") {
            text_of(message, out);
        }
    }
}

/// Usage comes in the stream's last event, `message-end`, under `delta.usage`.
fn read_event(event: &Value, usage: &mut Option<Usage>) {
    if event.get("type").and_then(Value::as_str) != Some("message-end") {
        return;
    }
    if let Some(u) = event.pointer("/delta/usage").and_then(usage_from) {
        *usage = Some(u);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn usage_prefers_the_models_tokens_to_billed_units() {
        let body = json!({"usage": {"billed_units": {"input_tokens": 3, "output_tokens": 4},
            "tokens": {"input_tokens": 10.0, "output_tokens": 5}}});
        let u = usage_of_answer(body.to_string().as_bytes()).unwrap();
        assert_eq!(
            (u.prompt_tokens, u.completion_tokens, u.total_tokens),
            (10, 5, 15)
        );
        let billed = json!({"billed_units": {"input_tokens": 3, "output_tokens": 4}});
        assert_eq!(usage_from(&billed).map(|u| u.total_tokens), Some(7));
        assert_eq!(usage_from(&json!({})), None);
    }

    #[test]
    fn a_stream_reports_the_usage_of_its_message_end() {
        let mut usage = None;
        read_event(&json!({"type": "content-delta", "delta": {}}), &mut usage);
        assert!(usage.is_none());
        read_event(
            &json!({"type": "message-end", "delta": {"finish_reason": "COMPLETE",
                "usage": {"tokens": {"input_tokens": 2, "output_tokens": 8}}}}),
            &mut usage,
        );
        assert_eq!(usage.map(|u| u.completion_tokens), Some(8));
    }
}
