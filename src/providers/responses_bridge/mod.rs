//! `[client.compat] convert_chat_to_responses`: chat completions served through the
//! OpenAI Responses API, for models that only offer `/v1/responses` (o1-pro, o3-pro,
//! codex models). It wraps the OpenAI-format adapter of `openai` and `azure` providers:
//! chat requests become Responses requests (`request`), answers and stream events come
//! back as chat completions and chunks (`response`, `stream`); every other endpoint
//! goes to the wrapped adapter unchanged.

mod request;
mod response;
mod stream;

use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::StreamExt;
use serde_json::Value;

use super::{
    Call, ChunkStream, Endpoint, Forward, Forwarded, JsonStream, Provider, ProviderError, Reply,
};
use crate::schema::{
    unix_now, Answer, ChatRequest, ChatResponse, CompletionRequest, EmbeddingRequest,
    RerankRequest, RerankResponse,
};

/// An OpenAI-format adapter whose chat goes to `/responses`.
pub struct ResponsesBridge {
    inner: Arc<dyn Provider>,
}

impl ResponsesBridge {
    /// Serves chat through `inner`'s Responses endpoint.
    pub fn new(inner: Arc<dyn Provider>) -> Self {
        ResponsesBridge { inner }
    }

    async fn send(
        &self,
        call: &Call,
        req: &ChatRequest,
        stream: bool,
    ) -> Result<Reply<Forwarded>, ProviderError> {
        let body = request::to_responses(&call.model, req, stream)?;
        let bytes = serde_json::to_vec(&body)
            .map_err(|e| ProviderError::InvalidResponse(format!("cannot encode request: {e}")))?;
        let forward = Forward::json(Endpoint::Responses, Bytes::from(bytes), stream);
        self.inner.forward(call, &forward).await
    }
}

#[async_trait]
impl Provider for ResponsesBridge {
    fn accepts(&self) -> super::Accepts {
        self.inner.accepts()
    }

    async fn chat(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<Answer<ChatResponse>>, ProviderError> {
        let reply = self.send(call, req, false).await?;
        let Forwarded::Body { body, .. } = reply.body else {
            return Err(ProviderError::InvalidResponse(
                "the Responses API streamed an answer that was asked for whole".into(),
            ));
        };
        let json: Value = serde_json::from_slice(&body).map_err(|e| {
            ProviderError::InvalidResponse(format!("the Responses answer is not JSON: {e}"))
        })?;
        let chat = response::to_chat(&json, unix_now())?;
        Ok(Reply {
            body: Answer::Typed(chat),
            headers: reply.headers,
        })
    }

    async fn chat_stream(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<ChunkStream>, ProviderError> {
        let reply = self.send(call, req, true).await?;
        let Forwarded::Stream { stream: bytes, .. } = reply.body else {
            return Err(ProviderError::InvalidResponse(
                "the Responses API answered whole where a stream was asked for".into(),
            ));
        };
        let mut translator =
            stream::Translator::new(&call.model, unix_now(), req.wants_stream_usage());
        let chunks = async_stream::stream! {
            let mut events = sse_stream::SseStream::from_bytes_stream(bytes);
            while let Some(event) = events.next().await {
                let data = match event {
                    Ok(e) => e.data.unwrap_or_default(),
                    Err(e) => {
                        yield Err(ProviderError::Transport(format!("broken event stream: {e}")));
                        return;
                    }
                };
                if data.is_empty() {
                    continue;
                }
                match translator.event(&data) {
                    Ok(out) => {
                        for chunk in out {
                            yield Ok(chunk);
                        }
                    }
                    Err(e) => {
                        yield Err(e);
                        return;
                    }
                }
            }
            if !translator.is_done() {
                yield Err(ProviderError::Transport(
                    "the Responses stream ended before response.completed".into(),
                ));
            }
        };
        Ok(Reply {
            body: chunks.boxed(),
            headers: reply.headers,
        })
    }

    async fn completion(
        &self,
        call: &Call,
        req: &CompletionRequest,
    ) -> Result<Reply<Answer<Value>>, ProviderError> {
        self.inner.completion(call, req).await
    }

    async fn completion_stream(
        &self,
        call: &Call,
        req: &CompletionRequest,
    ) -> Result<Reply<JsonStream>, ProviderError> {
        self.inner.completion_stream(call, req).await
    }

    async fn embeddings(
        &self,
        call: &Call,
        req: &EmbeddingRequest,
    ) -> Result<Reply<Answer<Value>>, ProviderError> {
        self.inner.embeddings(call, req).await
    }

    async fn forward(&self, call: &Call, req: &Forward) -> Result<Reply<Forwarded>, ProviderError> {
        self.inner.forward(call, req).await
    }

    async fn rerank(
        &self,
        call: &Call,
        req: &RerankRequest,
    ) -> Result<Reply<RerankResponse>, ProviderError> {
        self.inner.rerank(call, req).await
    }
}
