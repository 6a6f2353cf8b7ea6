//! Anthropic's Messages API behind the OpenAI-shaped [`Provider`] trait: chat requests
//! are translated to `POST {base}/messages` and answers and stream events back.
//! Reference: <https://docs.anthropic.com/en/api/messages>.
//!
//! Layout: `wire` is Anthropic's format, `convert` and `stream` are pure translations
//! (unit-tested against fixtures in `tests/fixtures/anthropic`), this file does I/O.

mod cache;
mod convert;
pub(crate) mod response;
pub(crate) mod stream;
mod thinking;
pub(crate) mod wire;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_thinking;

/// The request translation, for Vertex AI, which serves Anthropic's Messages format.
pub(crate) use convert::to_request;

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use serde_json::Value;

use super::http::{Exchange, Transport};
use super::translate;
use super::{Call, ChunkStream, Endpoint, Forward, Forwarded, Provider, ProviderError, Reply};
use crate::config::ProviderConfig;
use crate::schema::{Answer, ChatRequest, ChatResponse, EmbeddingRequest};

/// The API version bifrost's translation is written against.
const API_VERSION: &str = "2023-06-01";

/// An Anthropic upstream at one base URL (`https://api.anthropic.com/v1` by default).
pub struct Anthropic {
    base_url: String,
    transport: Transport,
}

impl Anthropic {
    /// An adapter for `config` (its base URL was validated with the config).
    pub fn new(config: &ProviderConfig) -> Self {
        Anthropic {
            base_url: config
                .effective_base_url()
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_string(),
            transport: Transport::new(&config.network),
        }
    }

    fn headers(call: &Call) -> HeaderMap {
        let mut h = call.key_headers("x-api-key", "");
        h.insert("anthropic-version", HeaderValue::from_static(API_VERSION));
        h
    }

    /// Translates `req` (refusing what Anthropic cannot do) and sends it.
    async fn send(
        &self,
        call: &Call,
        req: &ChatRequest,
        stream: bool,
    ) -> Result<Exchange, ProviderError> {
        let mut body = convert::to_request(&call.model, req)?;
        body.stream = stream.then_some(true);
        let bytes = serde_json::to_vec(&body)
            .map_err(|e| ProviderError::InvalidResponse(format!("cannot encode request: {e}")))?;
        let url = format!("{}/messages", self.base_url);
        self.transport
            .post_json(&url, Self::headers(call), Bytes::from(bytes))
            .await
    }
}

/// Reads a non-streaming Messages answer and translates it; shared with Vertex AI so
/// Claude answers read the same whichever door they came through.
pub(crate) async fn message_reply(
    exchange: Exchange,
) -> Result<Reply<Answer<ChatResponse>>, ProviderError> {
    let headers = exchange.forwardable_headers();
    let message = exchange
        .decode::<wire::MessagesResponse>("an Anthropic message")
        .await?;
    Ok(Reply {
        body: response::from_response(message),
        headers,
    })
}

/// Translates a Messages event stream as it arrives; shared with Vertex AI.
pub(crate) fn chunk_reply(
    exchange: Exchange,
    model: &str,
    include_usage: bool,
) -> Reply<ChunkStream> {
    translate::sse_reply(exchange, stream::Translator::new(model, include_usage))
}

#[async_trait]
impl Provider for Anthropic {
    fn accepts(&self) -> super::Accepts {
        super::Accepts {
            thinking: true,
            messages: true,
            ..Default::default()
        }
    }

    /// Messages continues a trailing assistant message.
    fn prefill(&self, _model: &str) -> bool {
        true
    }

    /// A Messages request in Anthropic's own format, sent as the client wrote it (only
    /// its model rewritten by the route), with the client's `anthropic-version` and
    /// `anthropic-beta` in place of bifrost's defaults; the answer comes back untouched.
    async fn forward(&self, call: &Call, req: &Forward) -> Result<Reply<Forwarded>, ProviderError> {
        if req.endpoint != Endpoint::Messages {
            return Err(req.endpoint.unsupported());
        }
        let mut url = format!("{}/messages", self.base_url);
        if let Some(query) = &req.query {
            url.push('?');
            url.push_str(query);
        }
        let mut headers = Self::headers(call);
        for name in req.vendor_headers.keys() {
            headers.remove(name);
        }
        headers.extend(req.vendor_headers.clone());
        let exchange = self
            .transport
            .post(&url, headers, req.content_type.clone(), req.body.clone())
            .await?;
        Ok(exchange.forwarded(req.stream).await?)
    }

    async fn chat(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<Answer<ChatResponse>>, ProviderError> {
        let exchange = self.send(call, req, false).await?;
        message_reply(exchange).await
    }

    async fn chat_stream(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<ChunkStream>, ProviderError> {
        let exchange = self.send(call, req, true).await?;
        Ok(chunk_reply(exchange, &call.model, req.wants_stream_usage()))
    }

    fn no_such_api(&self, what: &str) -> ProviderError {
        super::chat_only("anthropic", what)
    }

    async fn embeddings(
        &self,
        _call: &Call,
        _req: &EmbeddingRequest,
    ) -> Result<Reply<Answer<Value>>, ProviderError> {
        Err(self.no_such_api("embeddings"))
    }
}
