//! Relaying a forwarded upstream body (Responses events, speech audio) to the client as
//! it arrives, bytes untouched.
//!
//! A failure mid-way must not look like a complete answer. For server-sent events the
//! relay forwards whole events only (up to the last blank line received), so on a
//! failure it can drop the partial event and close with a well-formed
//! `event: error` / `data: {"error": ...}` event. AWS event-stream bodies (`/bedrock`
//! to `bedrock`) are relayed whole frames at a time likewise, and end with an
//! exception frame. Any other body (audio) has no such framing: the relay aborts it,
//! and the client sees a broken transfer, not an end.

use std::time::Instant;

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};

use super::error::ApiError;
use super::stream::{OnEnd, Watch};
use crate::providers::{ItemStream, ProviderError};
use crate::routing::Permit;

/// How a relayed body divides into events, which are forwarded (and watched) whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// No events (audio): bytes go on as they come.
    Raw,
    /// Server-sent events, ended by a blank line.
    Sse,
    /// AWS event-stream frames, each led by its total length (big-endian u32).
    EventStream,
}

impl Framing {
    /// The offset just past the last complete event of `buf`, if any.
    fn complete_end(self, buf: &[u8]) -> Option<usize> {
        match self {
            Framing::Raw => Some(buf.len()),
            Framing::Sse => last_event_end(buf),
            Framing::EventStream => last_frame_end(buf),
        }
    }
}

/// Relays `bytes`; `framing` says where its events end. `error_event` writes the event that
/// ends a stream cut short (in the route's own format); `permit` is held until the end and `watch` sees each chunk (for
/// events, whole events only) and hears the end once, with the error that cut the body
/// short if any.
pub fn relay<E, W>(
    bytes: ItemStream<Bytes>,
    framing: Framing,
    permit: Permit,
    error_event: E,
    watch: W,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send
where
    E: FnOnce(ProviderError) -> Bytes + Send + 'static,
    W: Watch<Bytes>,
{
    async_stream::stream! {
        let _permit = permit;
        let mut end = OnEnd::new(watch);
        let mut bytes = bytes;
        let mut pending = BytesMut::new();
        let mut error = None;
        while let Some(item) = bytes.next().await {
            match item {
                Ok(mut chunk) if framing == Framing::Raw => {
                    if let Some(u) = end.item(&mut chunk) {
                        end.usage = Some(u);
                    }
                    end.first_token.get_or_insert_with(Instant::now);
                    yield Ok(chunk)
                }
                Ok(chunk) => {
                    pending.extend_from_slice(&chunk);
                    if let Some(cut) = framing.complete_end(&pending) {
                        // The watch sees whole events only.
                        let mut events = pending.split_to(cut).freeze();
                        if let Some(u) = end.item(&mut events) {
                            end.usage = Some(u);
                        }
                        end.first_token.get_or_insert_with(Instant::now);
                        yield Ok(events);
                    }
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        match &error {
            // A clean end: whatever the upstream sent last is its own business.
            None if !pending.is_empty() => yield Ok(pending.split().freeze()),
            None => {}
            Some(e) if framing != Framing::Raw => yield Ok(error_event(e.clone())),
            Some(e) => yield Err(std::io::Error::other(e.to_string())),
        }
        end.finish(error);
    }
}

/// An `event: error` whose data is `error`'s OpenAI-shaped body: how a relayed
/// OpenAI event stream (Responses) ends when it is cut short.
pub fn openai_error_event(error: &ApiError) -> Bytes {
    let json = serde_json::to_vec(&error.body()).unwrap_or_default();
    let mut out = Vec::with_capacity(json.len() + 24);
    out.extend_from_slice(b"event: error\ndata: ");
    out.extend_from_slice(&json);
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}

/// The offset just past the last complete event (a blank line, `\n\n` or `\r\n\r\n`).
fn last_event_end(buf: &[u8]) -> Option<usize> {
    let lf = buf.windows(2).rposition(|w| w == b"\n\n").map(|i| i + 2);
    let crlf = buf
        .windows(4)
        .rposition(|w| w == b"\r\n\r\n")
        .map(|i| i + 4);
    lf.max(crlf)
}

/// The offset just past the last complete event-stream frame. A length under the
/// 16-byte minimum frame is corrupt: nothing past it counts as complete (the bytes
/// go out at the end; the client's decoder reports them).
fn last_frame_end(buf: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(prefix) = buf.get(at..at + 4) {
        let len = u32::from_be_bytes([prefix[0], prefix[1], prefix[2], prefix[3]]) as usize;
        if len < 16 || buf.len() - at < len {
            break;
        }
        at += len;
    }
    (at > 0).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_end_at_the_last_blank_line() {
        assert_eq!(last_event_end(b"data: a\n\ndata: b"), Some(9));
        assert_eq!(last_event_end(b"data: a\r\n\r\nx"), Some(11));
        assert_eq!(last_event_end(b"data: a\n"), None);
    }

    #[test]
    fn frames_end_where_their_length_prefix_says() {
        let frame = |n: u32| {
            let mut f = n.to_be_bytes().to_vec();
            f.resize(n as usize, 0);
            f
        };
        let mut buf = frame(16);
        buf.extend(frame(20));
        assert_eq!(last_frame_end(&buf), Some(36));
        buf.extend(&frame(30)[..10]);
        assert_eq!(last_frame_end(&buf), Some(36));
        assert_eq!(last_frame_end(&buf[..3]), None);
        assert_eq!(last_frame_end(&[0, 0, 0, 0, 1, 2]), None);
    }
}
