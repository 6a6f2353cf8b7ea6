//! OpenAI's wire format, for api.openai.com and every server that copies it
//! (Ollama, vLLM, LM Studio, OpenRouter, Groq, ...). Requests go out as the client sent
//! them, unknown fields included; routing has already set `model` to the upstream's id,
//! so nothing is copied here. Azure OpenAI is the same wire at another address with
//! another auth header, so one adapter serves both: only [`Target`] differs.
//! Reference: <https://platform.openai.com/docs/api-reference/chat>.

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue};
use serde::Serialize;
use serde_json::Value;

use super::azure;
use super::forward::{Endpoint, Forward, Forwarded};
use super::http::Transport;
use super::{Call, ChunkStream, JsonStream, Provider, ProviderError, Reply};
use crate::config::ProviderConfig;
use crate::schema::{
    Answer, ChatChunk, ChatRequest, ChatResponse, CompletionRequest, EmbeddingRequest,
    RerankRequest, RerankResponse,
};

/// Where an OpenAI-format call goes and how it authenticates, decided per call because
/// Azure's endpoint and deployment come from the key serving it.
pub(super) enum Target {
    /// One base URL for every call, `Authorization: Bearer` (OpenAI and its copies).
    Base(String),
    /// Azure OpenAI: endpoint and deployment from the key's `azure_key_config`.
    Azure,
}

impl Target {
    /// The URL of operation `operation` (e.g. `/chat/completions`) for this call. Only
    /// Azure names the model in the URL (see [`azure::deployment_url`]); everywhere
    /// else it travels in the body, whatever it contains.
    pub(super) fn url(&self, call: &Call, operation: &str) -> Result<String, ProviderError> {
        match self {
            Target::Base(base) => Ok(format!("{base}{operation}")),
            Target::Azure => azure::url(call, operation),
        }
    }
}

/// An OpenAI-format upstream.
pub struct OpenAi {
    target: Target,
    transport: Transport,
}

impl OpenAi {
    /// An adapter for `config` (its base URL was validated with the config).
    pub fn new(config: &ProviderConfig) -> Self {
        let base = config
            .effective_base_url()
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_string();
        OpenAi {
            target: Target::Base(base),
            transport: Transport::new(&config.network),
        }
    }

    /// An Azure OpenAI adapter: the same wire, addressed per key.
    pub fn azure(config: &ProviderConfig) -> Self {
        OpenAi {
            target: Target::Azure,
            transport: Transport::new(&config.network),
        }
    }

    fn headers(&self, call: &Call) -> HeaderMap {
        match self.target {
            Target::Base(_) => Self::bearer_headers(call),
            Target::Azure => azure::headers(call),
        }
    }

    fn bearer_headers(call: &Call) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(key) = &call.api_key {
            if let Ok(mut v) = HeaderValue::from_str(&format!("Bearer {key}")) {
                v.set_sensitive(true);
                h.insert(http::header::AUTHORIZATION, v);
            }
        }
        call.insert_request_id(&mut h);
        h
    }

    async fn send<B: Serialize>(
        &self,
        path: &str,
        call: &Call,
        body: &B,
    ) -> Result<super::http::Exchange, ProviderError> {
        self.send_with(path, call, body, &HeaderMap::new()).await
    }

    /// [`OpenAi::send`] with the headers the client addressed to OpenAI
    /// (`openai-beta`), which an OpenAI-format upstream should see as sent.
    async fn send_with<B: Serialize>(
        &self,
        path: &str,
        call: &Call,
        body: &B,
        vendor_headers: &HeaderMap,
    ) -> Result<super::http::Exchange, ProviderError> {
        // Sized for a typical chat request so encoding rarely reallocates.
        let mut bytes = Vec::with_capacity(1024);
        serde_json::to_writer(&mut bytes, body)
            .map_err(|e| ProviderError::InvalidResponse(format!("cannot encode request: {e}")))?;
        let url = self.target.url(call, path)?;
        let mut headers = self.headers(call);
        headers.extend(vendor_headers.clone());
        self.transport
            .post_json(&url, headers, Bytes::from(bytes))
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
        let exchange = self
            .send_with("/chat/completions", call, req, &req.vendor_headers)
            .await?;
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
        let exchange = self
            .send_with("/chat/completions", call, req, &req.vendor_headers)
            .await?;
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

    async fn forward(&self, call: &Call, req: &Forward) -> Result<Reply<Forwarded>, ProviderError> {
        if !req.endpoint.is_openai() {
            return Err(req.endpoint.unsupported());
        }
        let (url, body) = match &self.target {
            Target::Base(base) => (format!("{base}/{}", req.endpoint.path()), req.body.clone()),
            Target::Azure => azure::forward_target(call, req)?,
        };
        let mut headers = self.headers(call);
        headers.extend(req.vendor_headers.clone());
        let exchange = self
            .transport
            .post(&url, headers, req.content_type.clone(), body)
            .await?;
        // Speech is audio the client can start playing before it is all there, so it
        // is relayed as it arrives like any event stream.
        exchange
            .forwarded(req.stream || req.endpoint == Endpoint::AudioSpeech)
            .await
    }

    /// vLLM, Infinity and other OpenAI-style servers offer a Cohere-shaped `/rerank`
    /// next to their OpenAI routes; Azure OpenAI has none.
    async fn rerank(
        &self,
        call: &Call,
        req: &RerankRequest,
    ) -> Result<Reply<RerankResponse>, ProviderError> {
        if let Target::Azure = self.target {
            return Err(ProviderError::Unsupported(
                "Azure OpenAI does not offer reranking; route /v1/rerank to a cohere, bedrock, vertex or vllm provider".to_string(),
            ));
        }
        let exchange = self.send("/rerank", call, req).await?;
        let headers = exchange.forwardable_headers();
        let body = exchange.decode::<RerankResponse>("a rerank answer").await?;
        Ok(Reply { body, headers })
    }
}
