//! Server-sent events out: each upstream item is forwarded the moment it arrives (no
//! buffering), `[DONE]` closes a complete stream, and a failure mid-stream becomes a
//! final `error` event instead of a clean end that would make a truncated answer look
//! complete.

use std::convert::Infallible;
use std::marker::PhantomData;
use std::time::Instant;

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
    /// The client went away before the end.
    pub client_disconnected: bool,
    /// When the first bytes with content went out.
    pub first_token: Option<Instant>,
}

impl StreamEnd {
    /// The end of a stream dropped mid-way: the client went away.
    fn disconnected(usage: Option<Usage>, first_token: Option<Instant>) -> StreamEnd {
        StreamEnd {
            error: Some(ProviderError::Transport("the client disconnected".into())),
            usage,
            client_disconnected: true,
            first_token,
        }
    }
}

/// A count to run off the async workers when a stream ends: the tokenizer estimate of a
/// stream that reported no usage (the first one also builds the BPE, ~0.5 s).
pub type Count = Box<dyn FnOnce() -> Option<Usage> + Send>;

/// What watches a stream on its way out: sees (and may edit) each item, reporting its
/// usage, and hears once how the stream ended. The request's outcome report lives in
/// it, so a stream's end reaches the hooks exactly once, however it ends.
pub trait Watch<T>: Send + 'static {
    /// One item, before it is encoded.
    fn item(&mut self, item: &mut T) -> Option<Usage>;
    /// The count a complete stream needs before its trailer, if any.
    fn unmeasured(&mut self) -> Option<Count> {
        None
    }
    /// What that count found.
    fn counted(&mut self, _usage: Option<Usage>) {}
    /// An item to send after the last one of a complete stream (the request's
    /// `extra_fields`), for encoders that carry one.
    fn trailer(&mut self) -> Option<T> {
        None
    }
    /// The end, exactly once (also when the client goes away and the stream is dropped).
    fn end(self, end: StreamEnd);
}

/// Writes one wire format's SSE events. Generic (not boxed) so the OpenAI routes'
/// encoding stays a direct call.
pub trait Encoder<T>: Send + 'static {
    /// The events for one item; empty when it has nothing to send yet. `Err` (a
    /// description) ends the stream with an error event.
    fn item(&mut self, item: &T) -> Result<Bytes, String>;
    /// What closes a complete stream.
    fn done(&mut self) -> Bytes;
    /// Whether a complete stream ends with the watch's trailer item (the request's
    /// `extra_fields`: OpenAI's chunks carry it as is, other dialects on their closing
    /// event, see [`ExtraFields`]).
    fn carries_trailer(&self) -> bool {
        false
    }
    /// The last event of a stream cut short by `error`.
    fn error(&mut self, error: &ApiError) -> Bytes;
}

/// The request's `extra_fields` a chat stream's chunks carry (the resume marker on the
/// chunks that end a resumed answer, a governed stream's cost in the trailer chunk),
/// gathered for a dialect that has no chunk of its own to carry them and puts them on
/// the event that ends its stream. A stream that carries none is left as it was.
#[derive(Default)]
pub struct ExtraFields(Option<serde_json::Map<String, serde_json::Value>>);

impl ExtraFields {
    /// Takes note of `chunk`'s `extra_fields` members, if it has any.
    pub fn note(&mut self, chunk: &crate::schema::ChatChunk) {
        if let Some(serde_json::Value::Object(fields)) = chunk.extra.get("extra_fields") {
            let all = self.0.get_or_insert_with(Default::default);
            all.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }

    /// Every member noted so far, as one object; `None` when there was none.
    pub fn take(&mut self) -> Option<serde_json::Value> {
        self.0.take().map(serde_json::Value::Object)
    }
}

/// OpenAI's format: each item as one `data:` event, `[DONE]` at the end, the error
/// body as the last event of a failed stream.
pub struct OpenAiSse;

impl<T: Serialize> Encoder<T> for OpenAiSse {
    fn item(&mut self, item: &T) -> Result<Bytes, String> {
        // Encoded straight after the `data: ` prefix: one buffer per chunk, no copy.
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(b"data: ");
        serde_json::to_writer(&mut out, item).map_err(|e| format!("cannot encode chunk: {e}"))?;
        out.extend_from_slice(b"\n\n");
        Ok(Bytes::from(out))
    }

    fn done(&mut self) -> Bytes {
        Bytes::from_static(b"data: [DONE]\n\n")
    }

    fn carries_trailer(&self) -> bool {
        true
    }

    fn error(&mut self, error: &ApiError) -> Bytes {
        event(&serde_json::to_vec(&error.body()).unwrap_or_default())
    }
}

/// Encodes `items` as SSE with `encoder`. `watch` sees (and may edit) each item and
/// hears the end once. `permit` (the provider's concurrency slot, none for a replayed
/// answer) is held until the stream is over.
pub fn encode<T, S, W, E>(
    items: S,
    permit: Option<Permit>,
    provider: String,
    watch: W,
    mut encoder: E,
) -> impl Stream<Item = Result<Bytes, Infallible>> + Send
where
    T: Send + 'static,
    S: Stream<Item = Result<T, ProviderError>> + Send + 'static,
    W: Watch<T>,
    E: Encoder<T>,
{
    async_stream::stream! {
        let _permit = permit;
        // Tells `watch` the end even when the client goes away and the stream is dropped.
        let mut end = OnEnd::new(watch);
        let mut items = std::pin::pin!(items);
        let mut error = None;
        while let Some(item) = items.next().await {
            match item {
                Ok(mut item) => {
                    if let Some(u) = end.item(&mut item) {
                        end.usage = Some(u);
                    }
                    match encoder.item(&item) {
                        Ok(bytes) if bytes.is_empty() => {}
                        Ok(bytes) => {
                            end.first_token.get_or_insert_with(Instant::now);
                            yield Ok(bytes)
                        }
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
            None => {
                if encoder.carries_trailer() {
                    if let Some(count) = end.unmeasured() {
                        // Off the async workers: a long prompt takes milliseconds.
                        let usage = tokio::task::spawn_blocking(count).await.ok().flatten();
                        end.counted(usage);
                    }
                    if let Some(bytes) = end.trailer().and_then(|t| encoder.item(&t).ok()) {
                        yield Ok(bytes);
                    }
                }
                yield Ok(encoder.done())
            }
            Some(e) => {
                let api = ApiError::from(DispatchError::Failed {
                    provider: provider.clone(),
                    error: e.clone(),
                    attempts: Vec::new(),
                    retries: 0,
                });
                yield Ok(encoder.error(&api));
            }
        }
        end.finish(error);
    }
}

/// Holds a stream's [`Watch`] and tells it the end once: [`OnEnd::finish`] at a
/// stream's own end, or on drop (the client went away mid-way).
pub(super) struct OnEnd<T, W: Watch<T>> {
    watch: Option<W>,
    /// The last usage seen.
    pub(super) usage: Option<Usage>,
    /// When the first bytes with content went out.
    pub(super) first_token: Option<Instant>,
    _items: PhantomData<fn(T)>,
}

impl<T, W: Watch<T>> OnEnd<T, W> {
    pub(super) fn new(watch: W) -> Self {
        OnEnd {
            watch: Some(watch),
            usage: None,
            first_token: None,
            _items: PhantomData,
        }
    }

    /// Shows the watch an item; returns its usage.
    pub(super) fn item(&mut self, item: &mut T) -> Option<Usage> {
        self.watch.as_mut().and_then(|w| w.item(item))
    }

    /// The watch's trailer item, if it has one.
    pub(super) fn trailer(&mut self) -> Option<T> {
        self.watch.as_mut().and_then(Watch::trailer)
    }

    /// The count the watch needs before its trailer, if any.
    pub(super) fn unmeasured(&mut self) -> Option<Count> {
        self.watch.as_mut().and_then(Watch::unmeasured)
    }

    /// Hands the watch what its count found.
    pub(super) fn counted(&mut self, usage: Option<Usage>) {
        if let Some(w) = self.watch.as_mut() {
            w.counted(usage);
        }
    }

    /// The stream's own end, cut short by `error` or complete.
    pub(super) fn finish(mut self, error: Option<ProviderError>) {
        if let Some(w) = self.watch.take() {
            w.end(StreamEnd {
                error,
                usage: self.usage.take(),
                client_disconnected: false,
                first_token: self.first_token,
            });
        }
    }
}

impl<T, W: Watch<T>> Drop for OnEnd<T, W> {
    fn drop(&mut self) {
        if let Some(w) = self.watch.take() {
            w.end(StreamEnd::disconnected(self.usage.take(), self.first_token));
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
