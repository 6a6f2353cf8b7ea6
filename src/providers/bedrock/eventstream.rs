//! The AWS event-stream binary framing of `ConverseStream` answers
//! (`application/vnd.amazon.eventstream`), decoded incrementally as bytes arrive.
//!
//! Framing (length prefixes, CRC32 checks, typed headers) is done by
//! `aws-smithy-eventstream`, the AWS SDK's own decoder, fed from a buffer that
//! grows with each network chunk: a frame is handed on the moment its last byte
//! arrives, however the bytes were split. This module only adds what Bedrock
//! means by the `:message-type`, `:event-type` and `:exception-type` headers.

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use aws_smithy_types::event_stream::{HeaderValue, Message};
use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};

use crate::providers::{ItemStream, ProviderError};

/// Largest frame accepted; the protocol caps messages at 16 MiB.
const MAX_FRAME_BYTES: usize = 16 * 1024 * 1024;

/// Turns arbitrary byte chunks into whole event-stream messages.
#[derive(Debug, Default)]
pub struct FrameReader {
    buffer: BytesMut,
    decoder: MessageFrameDecoder,
    /// The decoder has taken a frame's prelude out of `buffer` and waits for the rest.
    mid_frame: bool,
}

impl FrameReader {
    /// An empty reader.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends bytes as they arrived from the network.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete message, `Ok(None)` when more bytes are needed, or an error
    /// for a corrupt frame (bad length or checksum), after which the stream is unusable.
    pub fn next_message(&mut self) -> Result<Option<Message>, ProviderError> {
        if !self.mid_frame && self.buffer.len() >= 4 {
            let declared = u32::from_be_bytes([
                self.buffer[0],
                self.buffer[1],
                self.buffer[2],
                self.buffer[3],
            ]) as usize;
            // A huge declared length would otherwise make us buffer without bound.
            if declared > MAX_FRAME_BYTES {
                return Err(corrupt(format!(
                    "a frame declares {declared} bytes, more than the {MAX_FRAME_BYTES} allowed"
                )));
            }
        }
        let before = self.buffer.len();
        match self.decoder.decode_frame(&mut self.buffer) {
            Ok(DecodedFrame::Complete(message)) => {
                self.mid_frame = false;
                Ok(Some(message))
            }
            Ok(DecodedFrame::Incomplete) => {
                self.mid_frame |= self.buffer.len() < before;
                Ok(None)
            }
            Err(e) => Err(corrupt(e.to_string())),
        }
    }

    /// True when bytes of an unfinished frame are left (the stream was cut).
    pub fn has_partial_frame(&self) -> bool {
        self.mid_frame || !self.buffer.is_empty()
    }
}

fn corrupt(detail: String) -> ProviderError {
    ProviderError::InvalidResponse(format!("corrupt AWS event-stream frame: {detail}"))
}

/// One Bedrock stream message, classified by its headers.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// `:message-type: event`: the `:event-type` name and its JSON payload.
    Event {
        /// e.g. `contentBlockDelta`.
        kind: String,
        /// The event member's JSON.
        payload: Bytes,
    },
    /// `:message-type: exception`: a modelled error (`throttlingException`, ...).
    Exception {
        /// The `:exception-type` header.
        kind: String,
        /// JSON `{"message": ...}` as sent.
        payload: Bytes,
    },
    /// `:message-type: error`: an unmodelled error with code and message headers.
    Error {
        /// The `:error-code` header.
        code: String,
        /// The `:error-message` header.
        message: String,
    },
}

/// A header's value as text, when it is a string header.
pub fn header_str<'a>(message: &'a Message, name: &str) -> Option<&'a str> {
    message
        .headers()
        .iter()
        .find(|h| h.name().as_str() == name)
        .and_then(|h| match h.value() {
            HeaderValue::String(s) => Some(s.as_str()),
            _ => None,
        })
}

/// Classifies a message by `:message-type` (missing means `event`, as in the SDKs).
pub fn classify(message: &Message) -> Result<Frame, ProviderError> {
    let kind = |name| header_str(message, name).unwrap_or_default().to_string();
    match header_str(message, ":message-type").unwrap_or("event") {
        "event" => Ok(Frame::Event {
            kind: kind(":event-type"),
            payload: message.payload().clone(),
        }),
        "exception" => Ok(Frame::Exception {
            kind: kind(":exception-type"),
            payload: message.payload().clone(),
        }),
        "error" => Ok(Frame::Error {
            code: kind(":error-code"),
            message: kind(":error-message"),
        }),
        other => Err(ProviderError::InvalidResponse(format!(
            "unknown event-stream :message-type `{other}`"
        ))),
    }
}

/// The classified messages of an event-stream body, each handed on as soon as its last
/// byte arrives, so Bedrock answers go through the same translation loop as SSE ones.
/// The first error ends the stream; a body cut inside a frame ends with one, since the
/// frame's event is lost.
pub fn frames(mut bytes: ItemStream<Bytes>) -> impl Stream<Item = Result<Frame, ProviderError>> {
    async_stream::stream! {
        let mut reader = FrameReader::new();
        'read: loop {
            // Every frame complete so far goes out before more bytes are awaited.
            loop {
                match reader.next_message() {
                    Ok(Some(message)) => {
                        let frame = classify(&message);
                        let failed = frame.is_err();
                        yield frame;
                        if failed { break 'read; }
                    }
                    Ok(None) => break,
                    Err(e) => { yield Err(e); break 'read; }
                }
            }
            match bytes.next().await {
                Some(Ok(data)) => reader.push(&data),
                Some(Err(e)) => { yield Err(e); break; }
                None => {
                    if reader.has_partial_frame() {
                        yield Err(ProviderError::Transport(
                            "the stream ended inside an event-stream frame; the answer is incomplete".into(),
                        ));
                    }
                    break;
                }
            }
        }
    }
}
