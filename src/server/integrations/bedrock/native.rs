//! `/bedrock` served by a `bedrock` provider (its adapter declares
//! [`Accepts::converse`]): the Converse body goes as the client sent it, byte for
//! byte (the model lives in the URL, which the adapter builds from the routed model
//! and its deployments, and SigV4 signs the exact bytes forwarded), so fields bifrost
//! does not model (`additionalModelRequestFields`, guardrails, prompt caching, fields
//! newer than this release) reach Bedrock intact. The answer, JSON or the AWS
//! event-stream frames, comes back as Bedrock sent it; a stream cut short ends with
//! an exception frame after the last whole frame.
//!
//! Hooks still see what they need: the model (and may change it), status, attempts,
//! usage read from the answer or the stream's `metadata` event, and, when a hook asks
//! for content, the request and the answer (a stream's events as a list of
//! `{"event": kind, "payload": ...}`).
//!
//! [`Accepts::converse`]: crate::providers::Accepts

use axum::response::Response;
use bytes::Bytes;
use serde_json::{json, Value};

use super::super::super::passthrough::send_native;
use super::super::super::pipeline::{text_of, Ctx};
use super::super::super::stream::{StreamEnd, Watch};
use crate::providers::bedrock::eventstream::{classify, Frame, FrameReader};
use crate::providers::bedrock::response::usage;
use crate::providers::bedrock::wire::WireUsage;
use crate::providers::{Endpoint, Forward};
use crate::routing::{DispatchError, Plan};
use crate::schema::Usage;

/// Forwards `body` (planned for a `bedrock` provider) untouched; `Err` when every
/// target that takes it unchanged failed.
pub(super) async fn forward(
    mut ctx: Ctx,
    plan: &Plan,
    body: Bytes,
    stream: bool,
) -> Result<Response, (Ctx, DispatchError)> {
    ctx.request_json(&body);
    let forward = Forward::json(Endpoint::Converse, body, stream);
    send_native(
        ctx,
        plan,
        forward,
        usage_of_answer,
        super::stream::exception,
        FrameWatch::new,
    )
    .await
}

/// The canonical usage of a Converse `usage` object.
fn usage_from(u: &Value) -> Option<Usage> {
    serde_json::from_value::<WireUsage>(u.clone())
        .ok()
        .map(|u| usage(&u))
}

/// The usage of a whole Converse answer.
fn usage_of_answer(body: &[u8]) -> Option<Usage> {
    let answer: Value = serde_json::from_slice(body).ok()?;
    usage_from(answer.get("usage")?)
}

/// Reads usage from a relayed event stream's `metadata` event as whole frames pass
/// (untouched), keeping the events when a hook wants the content; reports at the end.
/// Until usage is seen it keeps the text the `contentBlockDelta` events send, so a
/// stream that ends without usage is billed an estimate of it.
struct FrameWatch {
    ctx: Ctx,
    reader: FrameReader,
    /// Usage matters: a hook listens or a reservation waits (else frames go unread).
    keeps_usage: bool,
    usage: Option<Usage>,
    /// The text sent while no usage was seen.
    sent: Option<String>,
    events: Option<Vec<Value>>,
}

impl FrameWatch {
    fn new(ctx: Ctx, wants_content: bool) -> FrameWatch {
        let keeps_usage = ctx.keeps_usage();
        FrameWatch {
            ctx,
            reader: FrameReader::new(),
            keeps_usage,
            usage: None,
            sent: keeps_usage.then(String::new),
            events: wants_content.then(Vec::new),
        }
    }
}

impl Watch<Bytes> for FrameWatch {
    fn item(&mut self, frames: &mut Bytes) -> Option<Usage> {
        if !self.keeps_usage {
            return None;
        }
        self.reader.push(frames);
        // The relay hands on whole frames only; a corrupt one is the client's to see.
        while let Ok(Some(message)) = self.reader.next_message() {
            let Ok(Frame::Event { kind, payload }) = classify(&message) else {
                continue;
            };
            let Ok(payload) = serde_json::from_slice::<Value>(&payload) else {
                continue;
            };
            if kind == "metadata" {
                if let Some(u) = payload.get("usage").and_then(usage_from) {
                    self.usage = Some(u);
                    self.sent = None;
                }
            }
            if let (Some(sent), "contentBlockDelta") = (&mut self.sent, kind.as_str()) {
                if let Some(delta) = payload.get("delta") {
                    text_of(delta, sent);
                }
            }
            if let Some(kept) = &mut self.events {
                kept.push(json!({"event": kind, "payload": payload}));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_counts_cached_input_as_prompt_tokens() {
        let body = json!({"output": {}, "usage": {"inputTokens": 10, "outputTokens": 4,
            "totalTokens": 14, "cacheReadInputTokens": 90}});
        let u = usage_of_answer(&serde_json::to_vec(&body).unwrap()).unwrap();
        assert_eq!((u.prompt_tokens, u.completion_tokens), (100, 4));
        assert!(usage_of_answer(b"not json").is_none());
    }
}
