//! What every same-dialect forward shares (a drop-in route whose upstream speaks the
//! route's own format: `/anthropic` to `anthropic`, `/cohere` to `cohere`, `/genai` to
//! `gemini`): the body with
//! only its `model` rewritten, and the watch that reads usage out of the upstream's
//! stream events as they pass, untouched, for the hooks.
//!
//! Each route supplies only how its format spells usage; the events themselves are
//! never re-encoded, so a hook costs a parse of each event and nothing on the wire.

use bytes::Bytes;
use http::StatusCode;
use serde_json::Value;

use super::pipeline::Ctx;
use super::stream::{StreamEnd, Watch};
use super::ApiError;
use crate::providers::JsonBody;
use crate::schema::Usage;

/// How a format's stream event updates the usage seen so far (most formats send it
/// in one closing event; some send input and output apart).
pub(super) type ReadUsage = fn(&Value, &mut Option<Usage>);

/// How a format's stream event's text (what the model wrote) is appended, for the
/// estimate of a stream that reports no usage.
pub(super) type ReadText = fn(&Value, &mut String);

/// `body` with `model` set to the upstream's id, as bytes to send; every other member
/// stays the client's own bytes. A failure is the finished 400 in the route's shape.
// The error is the response itself, built once on the way out.
#[allow(clippy::result_large_err)]
pub(super) fn with_model(
    ctx: &mut Ctx,
    body: &mut JsonBody,
    model: &str,
) -> Result<Bytes, axum::response::Response> {
    body.set_str("model", model)
        .and_then(|()| body.to_bytes())
        .map_err(|e| {
            ctx.fail(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                e.to_string(),
            ))
        })
}

/// Reads usage from a forwarded stream's events as they pass (whole events,
/// untouched), keeping them when a hook wants the content; reports at the end. Until
/// usage is seen it also keeps the text the events send, so a stream that ends without
/// usage (complete, abandoned or broken) is billed an estimate of it.
pub(super) struct EventWatch {
    ctx: Ctx,
    read: ReadUsage,
    text: ReadText,
    /// Usage matters: a hook listens or a reservation waits (else events go unread).
    keeps_usage: bool,
    usage: Option<Usage>,
    /// The text sent while no usage was seen.
    sent: Option<String>,
    events: Option<Vec<Value>>,
}

impl EventWatch {
    /// The watch for `ctx`'s stream, keeping its events when `wants_content`.
    pub(super) fn new(
        ctx: Ctx,
        wants_content: bool,
        read: ReadUsage,
        text: ReadText,
    ) -> EventWatch {
        let keeps_usage = ctx.keeps_usage();
        EventWatch {
            ctx,
            read,
            text,
            keeps_usage,
            usage: None,
            sent: keeps_usage.then(String::new),
            events: wants_content.then(Vec::new),
        }
    }
}

impl Watch<Bytes> for EventWatch {
    fn item(&mut self, events: &mut Bytes) -> Option<Usage> {
        if !self.keeps_usage {
            return None;
        }
        let text = String::from_utf8_lossy(events);
        for data in text.lines().filter_map(|l| l.strip_prefix("data:")) {
            let Ok(event) = serde_json::from_str::<Value>(data.trim()) else {
                continue;
            };
            (self.read)(&event, &mut self.usage);
            match &mut self.sent {
                Some(_) if self.usage.is_some() => self.sent = None,
                Some(sent) => (self.text)(&event, sent),
                None => {}
            }
            if let Some(kept) = &mut self.events {
                kept.push(event);
            }
        }
        self.usage.clone()
    }

    fn end(mut self, end: StreamEnd) {
        if let (None, Some(sent)) = (&end.usage, self.sent.take()) {
            self.ctx.unmeasured_stream(sent);
        }
        if let Some(events) = self.events.take() {
            self.ctx.response_json(Value::Array(events));
        }
        self.ctx.stream_ended(end);
    }
}
