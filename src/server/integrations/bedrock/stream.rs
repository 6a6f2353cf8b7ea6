//! Canonical chunks -> ConverseStream events in AWS event-stream framing
//! (`application/vnd.amazon.eventstream`), one chunk at a time: the reverse of the
//! `bedrock` provider's `stream`.
//!
//! Converse numbers content blocks and opens tool-use blocks explicitly
//! (`contentBlockStart`; text and reasoning blocks start with their first delta), while
//! OpenAI sends loose deltas; [`EventStream`] keeps the one open block and closes it
//! when a delta of another kind (or another tool call) arrives. `metadata` needs the
//! usage, which OpenAI sends after the `finish_reason` chunk, so `messageStop` and
//! `metadata` are written when the upstream stream ends; no content waits for them.

use std::time::Instant;

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::Bytes;
use serde_json::{json, Value};

use super::response::{stop_reason, usage};
use crate::schema::{ChatChunk, Usage};
use crate::server::stream::{Encoder, ExtraFields};
use crate::server::ApiError;

/// The content type of a ConverseStream answer.
pub const CONTENT_TYPE: &str = "application/vnd.amazon.eventstream";

/// One framed message with the given `:message-type` and type header.
fn frame(
    message_type: &'static str,
    type_header: &'static str,
    kind: &str,
    payload: &Value,
) -> Result<Bytes, String> {
    let headers = vec![
        Header::new(type_header, HeaderValue::String(kind.to_string().into())),
        Header::new(
            ":content-type",
            HeaderValue::String("application/json".into()),
        ),
        Header::new(":message-type", HeaderValue::String(message_type.into())),
    ];
    let message = Message::new_from_parts(headers, payload.to_string().into_bytes());
    let mut out = Vec::new();
    write_message_to(&message, &mut out)
        .map_err(|e| format!("cannot frame the `{kind}` event: {e}"))?;
    Ok(Bytes::from(out))
}

/// An `event` frame named `kind`.
pub fn event(kind: &str, payload: &Value) -> Result<Bytes, String> {
    frame("event", ":event-type", kind, payload)
}

/// The `exception` frame ending a stream cut short by `e`. The names are the stream's
/// own (lower camel case), which the SDKs raise like the synchronous exceptions.
pub fn exception(e: &ApiError) -> Bytes {
    let kind = match e.status.as_u16() {
        429 => "throttlingException",
        503 => "serviceUnavailableException",
        408 | 504 => "modelTimeoutException",
        502 => "modelStreamErrorException",
        s if s < 500 => "validationException",
        _ => "internalServerException",
    };
    frame(
        "exception",
        ":exception-type",
        kind,
        &json!({"message": e.message}),
    )
    .unwrap_or_default()
}

/// The block being written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Open {
    Text,
    Reasoning,
    /// A tool call, by its OpenAI index.
    Tool(u64),
}

/// The event-stream writer for one ConverseStream answer.
pub struct EventStream {
    started_at: Instant,
    started: bool,
    open: Option<Open>,
    /// Index of the open block (or of the next one, when none is open).
    index: u32,
    stop_reason: Option<&'static str>,
    usage: Option<Usage>,
    /// Goes on the closing `metadata` event.
    extra: ExtraFields,
    out: Vec<u8>,
    failed: Option<String>,
}

impl EventStream {
    /// A writer whose `latencyMs` counts from `started_at` (when the request arrived).
    pub fn new(started_at: Instant) -> Self {
        EventStream {
            started_at,
            started: false,
            open: None,
            index: 0,
            stop_reason: None,
            usage: None,
            extra: ExtraFields::default(),
            out: Vec::new(),
            failed: None,
        }
    }

    fn emit(&mut self, kind: &str, payload: Value) {
        match event(kind, &payload) {
            Ok(bytes) => self.out.extend_from_slice(&bytes),
            Err(e) => self.failed = Some(e),
        }
    }

    fn start(&mut self) {
        if !self.started {
            self.started = true;
            self.emit("messageStart", json!({"role": "assistant"}));
        }
    }

    fn close(&mut self) {
        if self.open.take().is_some() {
            let index = self.index;
            self.emit("contentBlockStop", json!({"contentBlockIndex": index}));
            self.index += 1;
        }
    }

    /// Makes `want` the open block (closing another); `start` is the
    /// `contentBlockStart` member, for the blocks that have one.
    fn ensure(&mut self, want: Open, start: impl FnOnce() -> Option<Value>) {
        if self.open == Some(want) {
            return;
        }
        self.close();
        self.open = Some(want);
        if let Some(start) = start() {
            let index = self.index;
            self.emit(
                "contentBlockStart",
                json!({"contentBlockIndex": index, "start": start}),
            );
        }
    }

    fn delta(&mut self, delta: Value) {
        let index = self.index;
        self.emit(
            "contentBlockDelta",
            json!({"contentBlockIndex": index, "delta": delta}),
        );
    }

    fn tool_calls(&mut self, calls: &[Value]) {
        for call in calls {
            let n = call.get("index").and_then(Value::as_u64).unwrap_or(0);
            let f = call.get("function");
            self.ensure(Open::Tool(n), || {
                let id = call.get("id").and_then(Value::as_str).unwrap_or_default();
                let name = f
                    .and_then(|f| f.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                Some(json!({"toolUse": {"toolUseId": id, "name": name}}))
            });
            let args = f.and_then(|f| f.get("arguments")).and_then(Value::as_str);
            if let Some(args) = args.filter(|a| !a.is_empty()) {
                self.delta(json!({"toolUse": {"input": args}}));
            }
        }
    }

    fn take(&mut self) -> Result<Bytes, String> {
        match self.failed.take() {
            Some(e) => Err(e),
            None => Ok(Bytes::from(std::mem::take(&mut self.out))),
        }
    }
}

impl Encoder<ChatChunk> for EventStream {
    fn item(&mut self, chunk: &ChatChunk) -> Result<Bytes, String> {
        if chunk.usage.is_some() {
            self.usage = chunk.usage.clone();
        }
        self.extra.note(chunk);
        self.start();
        // Converse has one answer per message; other choices (n > 1) have no place.
        for choice in chunk.choices.iter().filter(|c| c.index == 0) {
            let d = &choice.delta;
            let text = |k| d.get(k).and_then(Value::as_str).filter(|t| !t.is_empty());
            if let Some(t) = text("reasoning_content") {
                self.ensure(Open::Reasoning, || None);
                self.delta(json!({"reasoningContent": {"text": t}}));
            }
            if let Some(t) = text("content") {
                self.ensure(Open::Text, || None);
                self.delta(json!({"text": t}));
            }
            if let Some(calls) = d.get("tool_calls").and_then(Value::as_array) {
                self.tool_calls(calls);
            }
            if let Some(r) = &choice.finish_reason {
                self.stop_reason = Some(stop_reason(Some(r)));
            }
        }
        self.take()
    }

    fn done(&mut self) -> Bytes {
        self.start();
        self.close();
        let stop = self.stop_reason.unwrap_or("end_turn");
        self.emit("messageStop", json!({"stopReason": stop}));
        let latency = self.started_at.elapsed().as_millis() as u64;
        let u = usage(self.usage.as_ref());
        let mut metadata = json!({"usage": u, "metrics": {"latencyMs": latency}});
        if let Some(extra) = self.extra.take() {
            metadata["extra_fields"] = extra;
        }
        self.emit("metadata", metadata);
        self.take().unwrap_or_default()
    }

    fn carries_trailer(&self) -> bool {
        true
    }

    fn error(&mut self, error: &ApiError) -> Bytes {
        // Whatever was written for earlier chunks has been sent; only the error is new.
        exception(error)
    }
}
