//! Cohere's v2 API behind the OpenAI-shaped [`Provider`] trait: chat goes to
//! `POST {base}/chat`, embeddings to `/embed`, reranking to `/rerank`, and answers and
//! stream events are translated back. Reference: <https://docs.cohere.com/reference/chat>.
//!
//! Layout: `wire` is Cohere's format, `convert`, `response` and `stream` are pure
//! translations (unit-tested against fixtures in `tests/fixtures/cohere`), this file does I/O.

pub(crate) mod convert;
mod embed;
pub(crate) mod response;
pub(crate) mod stream;
pub(crate) mod wire;

#[cfg(test)]
mod tests;

use async_trait::async_trait;
use bytes::Bytes;
use http::HeaderMap;
use serde::Serialize;
use serde_json::Value;

use super::http::{Exchange, Transport};
use super::translate;
use super::{Call, ChunkStream, Endpoint, Forward, Forwarded, Provider, ProviderError, Reply};
use crate::config::ProviderConfig;
use crate::schema::{
    Answer, ChatRequest, ChatResponse, EmbeddingRequest, RerankRequest, RerankResponse,
};

/// A Cohere upstream at one base URL (`https://api.cohere.com/v2` by default).
pub struct Cohere {
    base_url: String,
    transport: Transport,
}

impl Cohere {
    /// An adapter for `config` (its base URL was validated with the config).
    pub fn new(config: &ProviderConfig) -> Self {
        Cohere {
            base_url: config
                .effective_base_url()
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_string(),
            transport: Transport::new(&config.network),
        }
    }

    fn headers(call: &Call) -> HeaderMap {
        call.key_headers("authorization", "Bearer ")
    }

    async fn send<B: Serialize>(
        &self,
        path: &str,
        call: &Call,
        body: &B,
    ) -> Result<Exchange, ProviderError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| ProviderError::InvalidResponse(format!("cannot encode request: {e}")))?;
        let url = format!("{}{path}", self.base_url);
        self.transport
            .post_json(&url, Self::headers(call), Bytes::from(bytes))
            .await
    }

    /// Sends `body` to `path` and reads the whole JSON answer.
    async fn json(
        &self,
        path: &str,
        call: &Call,
        body: &Value,
    ) -> Result<(Value, HeaderMap), ProviderError> {
        let exchange = self.send(path, call, body).await?;
        let headers = exchange.forwardable_headers();
        let value = exchange.decode::<Value>("JSON").await?;
        Ok((value, headers))
    }
}

#[async_trait]
impl Provider for Cohere {
    fn accepts(&self) -> super::Accepts {
        super::Accepts {
            embedding_input_type: true,
            cohere_chat: true,
            ..Default::default()
        }
    }

    /// A v2 chat request in Cohere's own format, sent as the client wrote it (only its
    /// model rewritten by the route) with the provider's key; the answer comes back
    /// untouched.
    async fn forward(&self, call: &Call, req: &Forward) -> Result<Reply<Forwarded>, ProviderError> {
        if req.endpoint != Endpoint::CohereChat {
            return Err(req.endpoint.unsupported());
        }
        let url = format!("{}/chat", self.base_url);
        let exchange = self
            .transport
            .post(
                &url,
                Self::headers(call),
                req.content_type.clone(),
                req.body.clone(),
            )
            .await?;
        exchange.forwarded(req.stream).await
    }

    async fn chat(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<Answer<ChatResponse>>, ProviderError> {
        let mut body = convert::to_request(&call.model, req)?;
        body.stream = None;
        let exchange = self.send("/chat", call, &body).await?;
        let headers = exchange.forwardable_headers();
        let answer = exchange
            .decode::<wire::ChatResponse>("a Cohere chat answer")
            .await?;
        Ok(Reply {
            body: response::from_response(&call.model, answer)?,
            headers,
        })
    }

    async fn chat_stream(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<ChunkStream>, ProviderError> {
        let mut body = convert::to_request(&call.model, req)?;
        body.stream = Some(true);
        let exchange = self.send("/chat", call, &body).await?;
        let translator = stream::Translator::new(&call.model, req.wants_stream_usage());
        Ok(translate::sse_reply(exchange, translator))
    }

    fn no_such_api(&self, what: &str) -> ProviderError {
        super::chat_only("cohere", what)
    }

    async fn embeddings(
        &self,
        call: &Call,
        req: &EmbeddingRequest,
    ) -> Result<Reply<Answer<Value>>, ProviderError> {
        let body = embed::to_embed(&call.model, req)?;
        let (value, headers) = self.json("/embed", call, &body).await?;
        Ok(Reply {
            body: Answer::Typed(embed::from_embed(&call.model, &value)?),
            headers,
        })
    }

    async fn rerank(
        &self,
        call: &Call,
        req: &RerankRequest,
    ) -> Result<Reply<RerankResponse>, ProviderError> {
        let body = embed::to_rerank(&call.model, req)?;
        let (value, headers) = self.json("/rerank", call, &body).await?;
        Ok(Reply {
            body: embed::from_rerank(req, value)?,
            headers,
        })
    }
}
