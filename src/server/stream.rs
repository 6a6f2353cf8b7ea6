//! Server-sent events out: each upstream item is forwarded the moment it arrives (no
//! buffering), `[DONE]` closes a complete stream, and a failure mid-stream becomes a
//! final `error` event instead of a clean end that would make a truncated answer look
//! complete.

use std::convert::Infallible;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::Serialize;

use super::error::ApiError;
use crate::providers::ProviderError;
use crate::routing::{DispatchError, Permit};
use crate::schema::Usage;

/// How a stream ended.
#[derive(Default)]
pub struct StreamEnd {
    /// The error that cut it short, if any.
    pub error: Option<ProviderError>,
    /// The last usage an item reported.
    pub usage: Option<Usage>,
}

/// Writes one wire format's SSE events. Generic (not boxed) so the OpenAI routes'
/// encoding stays a direct call.
pub trait Encoder<T>: Send + 'static {
    /// The events for one item; empty when it has nothing to send yet. `Err` (a
    /// description) ends the stream with an error event.
    fn item(&mut self, item: &T) -> Result<Bytes, String>;
    /// What closes a complete stream.
    fn done(&mut self) -> Bytes;
    /// The last event of a stream cut short by `error`.
    fn error(&mut self, error: &ApiError) -> Bytes;
}

/// OpenAI's format: each item as one `data:` event, `[DONE]` at the end, the error
/// body as the last event of a failed stream.
pub struct OpenAiSse;

impl<T: Serialize> Encoder<T> for OpenAiSse {
    fn item(&mut self, item: &T) -> Result<Bytes, String> {
        serde_json::to_vec(item)
            .map(|json| event(&json))
            .map_err(|e| format!("cannot encode chunk: {e}"))
    }

    fn done(&mut self) -> Bytes {
        Bytes::from_static(b"data: [DONE]\n\n")
    }

    fn error(&mut self, error: &ApiError) -> Bytes {
        event(&serde_json::to_vec(&error.body()).unwrap_or_default())
    }
}

/// Encodes `items` as SSE with `encoder`. `observe` sees (and may edit) each item and
/// reports its usage; `finish` runs once at the end. `permit` is held until the stream
/// is over.
pub fn encode<T, S, O, F, E>(
    items: S,
    permit: Permit,
    provider: String,
    mut observe: O,
    finish: F,
    mut encoder: E,
) -> impl Stream<Item = Result<Bytes, Infallible>> + Send
where
    T: Send + 'static,
    S: Stream<Item = Result<T, ProviderError>> + Send + 'static,
    O: FnMut(&mut T) -> Option<Usage> + Send + 'static,
    F: FnOnce(StreamEnd) + Send + 'static,
    E: Encoder<T>,
{
    async_stream::stream! {
        let _permit = permit;
        // Runs `finish` even when the client goes away and the stream is dropped mid-way.
        let mut end = OnEnd {
            finish: Some(finish),
            end: StreamEnd {
                error: Some(ProviderError::Transport("the client disconnected".into())),
                usage: None,
            },
        };
        let mut items = std::pin::pin!(items);
        let mut usage = None;
        let mut error = None;
        while let Some(item) = items.next().await {
            match item {
                Ok(mut item) => {
                    if let Some(u) = observe(&mut item) {
                        usage = Some(u.clone());
                        end.end.usage = Some(u);
                    }
                    match encoder.item(&item) {
                        Ok(bytes) if bytes.is_empty() => {}
                        Ok(bytes) => yield Ok(bytes),
                        Err(e) => {
                            error = Some(ProviderError::InvalidResponse(e));
                            break;
                        }
                    }
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        match &error {
            None => yield Ok(encoder.done()),
            Some(e) => {
                let api = ApiError::from(DispatchError::Failed {
                    provider: provider.clone(),
                    error: e.clone(),
                    attempts: Vec::new(),
                });
                yield Ok(encoder.error(&api));
            }
        }
        end.end = StreamEnd { error, usage };
        drop(end);
    }
}

/// Runs `finish` with `end` when dropped: a stream's end is reported exactly once, even
/// when the client goes away and the stream is dropped mid-way.
pub(super) struct OnEnd<F: FnOnce(StreamEnd)> {
    pub(super) finish: Option<F>,
    pub(super) end: StreamEnd,
}

impl<F: FnOnce(StreamEnd)> Drop for OnEnd<F> {
    fn drop(&mut self) {
        if let Some(finish) = self.finish.take() {
            finish(std::mem::take(&mut self.end));
        }
    }
}

/// One `data:` event.
pub fn event(json: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(json.len() + 8);
    out.extend_from_slice(b"data: ");
    out.extend_from_slice(json);
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}
