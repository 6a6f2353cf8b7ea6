//! `/anthropic` served by an upstream that speaks Anthropic's Messages API itself
//! (its adapter declares [`Accepts::messages`]): the request goes as the client wrote
//! it, only `model` rewritten and the client's credentials replaced by the provider's
//! key, with the client's `anthropic-version`, `anthropic-beta` and `?beta=true`;
//! the answer and every stream event come back as the upstream sent them. Nothing the
//! gateway does not model is lost on the way: this is the path Claude Code takes
//! (`context_management`, thinking options, `cache_control`, `metadata`, server tools,
//! fields newer than this release).
//!
//! Hooks still see what they need: the model (and may change it), status, attempts,
//! usage read from the answer or its `message_start`/`message_delta` events, and, when
//! a hook asks for content, the request and the answer (a stream's events as a list).
//!
//! [`Accepts::messages`]: crate::providers::Accepts

use axum::response::Response;
use serde_json::{Map, Value};

use super::super::super::native::{with_model, EventWatch};
use super::super::super::passthrough::{send_native, vendor_headers};
use super::super::super::pipeline::{text_of, Ctx};
use crate::providers::{Endpoint, Forward, JsonBody};
use crate::routing::{DispatchError, Plan};
use crate::schema::Usage;
use crate::server::ApiError;

/// The headers a client addresses to Anthropic, passed on.
const VENDOR_HEADERS: [http::HeaderName; 2] = [
    http::HeaderName::from_static("anthropic-version"),
    http::HeaderName::from_static("anthropic-beta"),
];

/// Forwards `body` (routed to `route`, an upstream that takes Messages as they are);
/// `Err` when every target that takes it unchanged failed, for the translated path.
pub(super) async fn forward(
    mut ctx: Ctx,
    plan: &Plan,
    mut body: JsonBody,
    stream: bool,
    query: Option<&str>,
) -> Result<Response, (Ctx, DispatchError)> {
    let bytes = match with_model(&mut ctx, &mut body, &plan.primary().model) {
        Ok(bytes) => bytes,
        Err(done) => return Ok(done),
    };
    ctx.request_json(&bytes);
    let mut forward = Forward::json(Endpoint::Messages, bytes, stream);
    forward.vendor_headers = vendor_headers(ctx.info(), &VENDOR_HEADERS);
    forward.query = beta_query(query);
    let error_event = |e: &ApiError| super::stream::named_event("error", &super::error::body(e));
    send_native(
        ctx,
        plan,
        forward,
        usage_of_message,
        error_event,
        |ctx, wants_content| EventWatch::new(ctx, wants_content, read_event, read_text),
    )
    .await
}

/// The only query parameter passed on is Anthropic's `beta` flag (its SDKs add
/// `?beta=true` on beta calls): the client's query never reaches an upstream URL as is.
fn beta_query(query: Option<&str>) -> Option<String> {
    let beta = query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("beta="))?;
    matches!(beta, "true" | "false").then(|| format!("beta={beta}"))
}

/// Anthropic's usage (`input_tokens` excludes cached input) in the canonical shape:
/// prompt tokens count cache reads and writes too, and cache reads are reported as
/// `prompt_tokens_details.cached_tokens`.
fn usage_from(u: &Value, so_far: Option<Usage>) -> Option<Usage> {
    let field = |name: &str| u.get(name).and_then(Value::as_u64);
    let mut usage = so_far.unwrap_or_default();
    let cached = field("cache_read_input_tokens");
    if let Some(input) = field("input_tokens") {
        let written = field("cache_creation_input_tokens").unwrap_or(0);
        usage.prompt_tokens = input + written + cached.unwrap_or(0);
    }
    if let Some(output) = field("output_tokens") {
        usage.completion_tokens = output;
    }
    if let Some(cached) = cached {
        let mut details = Map::new();
        details.insert("cached_tokens".into(), cached.into());
        usage
            .extra
            .insert("prompt_tokens_details".into(), Value::Object(details));
    }
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    Some(usage)
}

/// The usage of a whole Messages answer.
fn usage_of_message(body: &[u8]) -> Option<Usage> {
    let message: Value = serde_json::from_slice(body).ok()?;
    usage_from(message.get("usage")?, None)
}

/// Usage comes in `message_start` (input, and output so far) and `message_delta`
/// (output at the end): each adds to what came before.
fn read_event(event: &Value, usage: &mut Option<Usage>) {
    let u = match event.get("type").and_then(Value::as_str) {
        Some("message_start") => event.get("message").and_then(|m| m.get("usage")),
        Some("message_delta") => event.get("usage"),
        _ => None,
    };
    if let Some(u) = u {
        *usage = usage_from(u, usage.take());
    }
}

/// The text a `content_block_delta` sends (text, thinking, a tool call's JSON).
fn read_text(event: &Value, out: &mut String) {
    if event.get("type").and_then(Value::as_str) == Some("content_block_delta") {
        if let Some(delta) = event.get("delta") {
            text_of(delta, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_beta_flag_of_the_query_is_passed_on() {
        assert_eq!(beta_query(Some("beta=true")).as_deref(), Some("beta=true"));
        assert_eq!(
            beta_query(Some("x=1&beta=true")).as_deref(),
            Some("beta=true")
        );
        assert_eq!(beta_query(Some("beta=true%26key%3Dx")), None);
        assert_eq!(beta_query(Some("key=abc")), None);
        assert_eq!(beta_query(None), None);
    }

    #[test]
    fn cached_input_counts_as_prompt_tokens_and_is_reported() {
        let u = usage_of_message(
            &serde_json::to_vec(
                &json!({"usage": {"input_tokens": 10, "cache_read_input_tokens": 90,
                "cache_creation_input_tokens": 5, "output_tokens": 7}}),
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            (u.prompt_tokens, u.completion_tokens, u.total_tokens),
            (105, 7, 112)
        );
        assert_eq!(u.extra["prompt_tokens_details"]["cached_tokens"], 90);
        // A stream's delta adds the output to what message_start said.
        let start = usage_from(&json!({"input_tokens": 3, "output_tokens": 1}), None);
        let end = usage_from(&json!({"output_tokens": 9}), start).unwrap();
        assert_eq!((end.prompt_tokens, end.completion_tokens), (3, 9));
    }
}
