//! OpenAI's wire format, for api.openai.com and every server that copies it
//! (Ollama, vLLM, LM Studio, OpenRouter, Groq, ...). Requests go out as the client sent
//! them, unknown fields included; routing has already set `model` to the upstream's id,
//! so nothing is copied here.
//! Reference: <https://platform.openai.com/docs/api-reference/chat>.

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue};
use serde::Serialize;
use serde_json::Value;

use super::http::Transport;
use super::{Call, ChunkStream, JsonStream, Provider, ProviderError, Reply};
use crate::config::ProviderConfig;
use crate::schema::{
    Answer, ChatChunk, ChatRequest, ChatResponse, CompletionRequest, EmbeddingRequest,
};

/// An OpenAI-format upstream at one base URL.
pub struct OpenAi {
    base_url: String,
    transport: Transport,
}

impl OpenAi {
    /// An adapter for `config` (its base URL was validated with the config).
    pub fn new(config: &ProviderConfig) -> Self {
        OpenAi {
            base_url: config
                .effective_base_url()
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_string(),
            transport: Transport::new(&config.network),
        }
    }

    fn headers(call: &Call) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(key) = &call.api_key {
            if let Ok(mut v) = HeaderValue::from_str(&format!("Bearer {key}")) {
                v.set_sensitive(true);
                h.insert(http::header::AUTHORIZATION, v);
            }
        }
        if let Ok(v) = HeaderValue::from_str(&call.request_id) {
            h.insert("x-request-id", v);
        }
        h
    }

    async fn send<B: Serialize>(
        &self,
        path: &str,
        call: &Call,
        body: &B,
    ) -> Result<super::http::Exchange, ProviderError> {
        // Sized for a typical chat request so encoding rarely reallocates.
        let mut bytes = Vec::with_capacity(1024);
        serde_json::to_writer(&mut bytes, body)
            .map_err(|e| ProviderError::InvalidResponse(format!("cannot encode request: {e}")))?;
        let url = format!("{}{}", self.base_url, path);
        self.transport
            .post_json(&url, Self::headers(call), Bytes::from(bytes))
            .await
    }
}

#[async_trait]
impl Provider for OpenAi {
    async fn chat(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<Answer<ChatResponse>>, ProviderError> {
        let exchange = self.send("/chat/completions", call, req).await?;
        let headers = exchange.forwardable_headers();
        Ok(Reply {
            body: exchange.answer().await?,
            headers,
        })
    }

    async fn chat_stream(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<ChunkStream>, ProviderError> {
        let exchange = self.send("/chat/completions", call, req).await?;
        let headers = exchange.forwardable_headers();
        Ok(Reply {
            body: exchange.sse_json::<ChatChunk>().boxed(),
            headers,
        })
    }

    async fn completion(
        &self,
        call: &Call,
        req: &CompletionRequest,
    ) -> Result<Reply<Answer<Value>>, ProviderError> {
        let exchange = self.send("/completions", call, req).await?;
        let headers = exchange.forwardable_headers();
        Ok(Reply {
            body: exchange.answer().await?,
            headers,
        })
    }

    async fn completion_stream(
        &self,
        call: &Call,
        req: &CompletionRequest,
    ) -> Result<Reply<JsonStream>, ProviderError> {
        let exchange = self.send("/completions", call, req).await?;
        let headers = exchange.forwardable_headers();
        Ok(Reply {
            body: exchange.sse_json::<Value>().boxed(),
            headers,
        })
    }

    async fn embeddings(
        &self,
        call: &Call,
        req: &EmbeddingRequest,
    ) -> Result<Reply<Answer<Value>>, ProviderError> {
        let exchange = self.send("/embeddings", call, req).await?;
        let headers = exchange.forwardable_headers();
        Ok(Reply {
            body: exchange.answer().await?,
            headers,
        })
    }
}
