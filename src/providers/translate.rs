//! The streaming loop every translating adapter shares: upstream events go through the
//! adapter's pure stream translator one at a time, its chunks go out as they come, and
//! a stream that stops before the upstream said the answer was complete ends with an
//! error. Each adapter only supplies its [`Translate`] (what an event means) and its
//! event source (SSE for most, AWS event-stream frames for Bedrock).

use futures_util::{Stream, StreamExt};
use serde_json::{Map, Value};

use super::http::Exchange;
use super::{ChunkStream, ProviderError, Reply};
use crate::schema::{ChatChunk, ChunkChoice};

/// What one upstream event turns into.
#[derive(Debug, Default)]
pub struct Step {
    /// Chunks to send, in order.
    pub chunks: Vec<ChatChunk>,
    /// The upstream said the answer is complete; stop reading.
    pub done: bool,
}

/// A `chat.completion.chunk` of `choices`, stamped with the stream's `id`, `created`
/// and `model`: OpenAI clients expect all three on every chunk and group by `id`.
pub fn chunk(id: &str, created: u64, model: &str, choices: Vec<ChunkChoice>) -> ChatChunk {
    ChatChunk {
        id: id.to_string(),
        object: "chat.completion.chunk".into(),
        created,
        model: model.to_string(),
        choices,
        usage: None,
        extra: Map::new(),
    }
}

/// Choice `index` of a chunk, carrying `delta`; anything but an object becomes `{}`,
/// since clients read `delta` as an object.
pub fn choice(index: u32, delta: Value, finish_reason: Option<String>) -> ChunkChoice {
    let delta = match delta {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    ChunkChoice {
        index,
        delta,
        finish_reason,
        extra: Map::new(),
    }
}

/// One stream's translation state, as [`chunks`] drives it.
pub trait Translate: Send + 'static {
    /// One upstream event as the adapter's event source yields it.
    type Event: Send;

    /// Translates one event; an error ends the stream.
    fn event(&mut self, event: Self::Event) -> Result<Step, ProviderError>;

    /// The upstream closed the stream before a [`Step::done`]: what is still owed
    /// (Gemini ends by closing, so its usage chunk comes here), or the error saying the
    /// answer is incomplete.
    fn end(&mut self) -> Result<Vec<ChatChunk>, ProviderError>;
}

/// Translates `events` as they arrive. The first error (from the source or the
/// translator) is sent and ends the stream, so a client never mistakes a cut answer
/// for a whole one.
pub fn chunks<T, S>(events: S, mut translator: T) -> ChunkStream
where
    T: Translate,
    S: Stream<Item = Result<T::Event, ProviderError>> + Send + 'static,
{
    let mut events = Box::pin(events);
    let body = async_stream::stream! {
        loop {
            let event = match events.next().await {
                Some(Ok(event)) => event,
                Some(Err(e)) => { yield Err(e); break; }
                None => {
                    match translator.end() {
                        Ok(chunks) => for chunk in chunks { yield Ok(chunk); },
                        Err(e) => yield Err(e),
                    }
                    break;
                }
            };
            match translator.event(event) {
                Ok(step) => {
                    for chunk in step.chunks {
                        yield Ok(chunk);
                    }
                    if step.done { break; }
                }
                Err(e) => { yield Err(e); break; }
            }
        }
    };
    body.boxed()
}

/// An SSE answer (`(event name, data)` pairs) translated as it arrives, with the
/// upstream headers a client may see.
pub fn sse_reply<T>(exchange: Exchange, translator: T) -> Reply<ChunkStream>
where
    T: Translate<Event = (Option<String>, String)>,
{
    let headers = exchange.forwardable_headers();
    Reply {
        body: chunks(exchange.sse_events(), translator),
        headers,
    }
}
