//! Reading an upstream answer without interpreting it, for the endpoints bifrost
//! forwards as they are (Responses, images, audio, moderations): the body goes back to
//! the client byte for byte, whole or as it arrives.

use bytes::Bytes;
use futures_util::StreamExt;
use http::HeaderValue;
use http_body_util::BodyExt;

use super::http::{next_within, Exchange};
use super::{Forwarded, ItemStream, ProviderError, Reply};

impl Exchange {
    /// The upstream's content type; `application/octet-stream` when it sent none, which
    /// is what a client must assume of an untyped body anyway.
    pub fn content_type(&self) -> HeaderValue {
        self.response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .cloned()
            .unwrap_or_else(|| HeaderValue::from_static("application/octet-stream"))
    }

    /// Whether the upstream answered with server-sent events.
    pub fn is_event_stream(&self) -> bool {
        self.response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("text/event-stream"))
    }

    /// The answer to a forwarded request, as it came: relayed as it arrives when the
    /// client asked for a stream or the upstream streams, read whole otherwise.
    pub async fn forwarded(self, stream: bool) -> Result<Reply<Forwarded>, ProviderError> {
        let headers = self.forwardable_headers();
        let content_type = self.content_type();
        let body = if stream || self.is_event_stream() {
            Forwarded::Stream {
                content_type,
                stream: self.byte_stream(),
            }
        } else {
            Forwarded::Body {
                content_type,
                body: self.bytes().await?,
            }
        };
        Ok(Reply { body, headers })
    }

    /// The whole body, bounded in size and time like every other answer.
    pub async fn bytes(self) -> Result<Bytes, ProviderError> {
        self.collect().await
    }

    /// The body's bytes as they arrive (forwarded streams, and Bedrock's binary
    /// event-stream framing), each wait bounded by the idle and total timeouts. A broken connection or a timeout yields one error item and ends it; a
    /// clean end of the body just ends it.
    pub fn byte_stream(self) -> ItemStream<Bytes> {
        let Exchange {
            response,
            deadline,
            idle,
            total,
        } = self;
        async_stream::stream! {
            let mut body = response.into_body();
            loop {
                match next_within(body.frame(), deadline, idle, total).await {
                    Err(e) => { yield Err(e); break; }
                    Ok(None) => break,
                    Ok(Some(Err(e))) => {
                        yield Err(ProviderError::Transport(format!("the upstream body broke off: {}", super::http::error_chain(&e))));
                        break;
                    }
                    Ok(Some(Ok(frame))) => {
                        // Trailers carry nothing a client of these endpoints needs.
                        if let Ok(data) = frame.into_data() {
                            if !data.is_empty() {
                                yield Ok(data);
                            }
                        }
                    }
                }
            }
        }
        .boxed()
    }
}
