//! Google's Gemini API (AI Studio) behind the OpenAI-shaped [`Provider`] trait: chat
//! requests become `POST {base}/models/{model}:generateContent` (or
//! `:streamGenerateContent?alt=sse`), embeddings `:batchEmbedContents`, and the answers
//! are translated back. Reference: <https://ai.google.dev/api>.
//!
//! Layout: `wire` is Gemini's format; `convert`, `params`, `response`, `stream` and
//! `embed` are pure translations (unit-tested against fixtures in
//! `tests/fixtures/gemini`); this file does I/O.

mod convert;
mod embed;
mod params;
pub(crate) mod response;
pub(crate) mod stream;
pub(crate) mod wire;

#[cfg(test)]
mod tests;

/// The request translations, for Vertex AI, which serves Gemini's format too.
pub(crate) use convert::to_request;
pub(crate) use embed::{
    from_response as embeddings_answer, to_request as embeddings_request, BatchEmbedResponse,
    Embedding,
};

use async_trait::async_trait;
use bytes::Bytes;
use http::HeaderMap;
use serde::Serialize;
use serde_json::Value;

use super::http::{Exchange, Transport};
use super::path;
use super::translate;
use super::{Call, ChunkStream, Endpoint, Forward, Forwarded, Provider, ProviderError, Reply};
use crate::config::ProviderConfig;
use crate::schema::{Answer, ChatRequest, ChatResponse, EmbeddingRequest};

/// A Gemini upstream at one base URL
/// (`https://generativelanguage.googleapis.com/v1beta` by default).
pub struct Gemini {
    base_url: String,
    transport: Transport,
}

/// The id without the `models/` prefix a configuration may give it.
fn bare_id(model: &str) -> &str {
    model.strip_prefix("models/").unwrap_or(model)
}

/// `models/<id>`, whether or not the configured id already starts with `models/`, for
/// request bodies (batch embeddings name the model in each request).
fn model_path(model: &str) -> String {
    format!("models/{}", bare_id(model))
}

/// `{base}/models/{model}:{method}`, the model one escaped path segment (or refused,
/// see [`path::segment`]): the client chooses the model, never the endpoint. `method`
/// is the adapter's own and may set a query (`streamGenerateContent?alt=sse`).
pub(super) fn url(base: &str, model: &str, method: &str) -> Result<String, ProviderError> {
    let id = path::segment(bare_id(model))?;
    Ok(format!("{base}/models/{id}:{method}"))
}

/// The id an answer gets when Gemini sends no `responseId`.
fn fallback_id(call: &Call) -> String {
    format!("chatcmpl-{}", call.request_id)
}

impl Gemini {
    /// An adapter for `config` (its base URL was validated with the config).
    pub fn new(config: &ProviderConfig) -> Self {
        Gemini {
            base_url: config
                .effective_base_url()
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_string(),
            transport: Transport::new(&config.network),
        }
    }

    /// The key goes in a header, never in the URL's `?key=`, so it cannot end up in
    /// access logs or in error messages that quote the URL.
    fn headers(call: &Call) -> HeaderMap {
        call.key_headers("x-goog-api-key", "")
    }

    /// POSTs `body` to `{base}/models/{model}:{method}`.
    async fn post(
        &self,
        call: &Call,
        method: &str,
        body: &impl Serialize,
    ) -> Result<Exchange, ProviderError> {
        let url = url(&self.base_url, &call.model, method)?;
        let bytes = serde_json::to_vec(body)
            .map_err(|e| ProviderError::InvalidResponse(format!("cannot encode request: {e}")))?;
        self.transport
            .post_json(&url, Self::headers(call), Bytes::from(bytes))
            .await
    }
}

/// Reads a non-streaming `generateContent` answer and translates it; shared with
/// Vertex AI so Gemini answers read the same whichever door they came through.
/// `fallback_id` is the answer's id when Gemini sends no `responseId`.
pub(crate) async fn content_reply(
    exchange: Exchange,
    model: &str,
    fallback_id: &str,
) -> Result<Reply<Answer<ChatResponse>>, ProviderError> {
    let headers = exchange.forwardable_headers();
    let answer = exchange
        .decode::<wire::GenerateContentResponse>("a Gemini GenerateContentResponse")
        .await?;
    Ok(Reply {
        body: response::from_response(answer, model, fallback_id),
        headers,
    })
}

/// Translates a `streamGenerateContent?alt=sse` stream as it arrives; shared with
/// Vertex AI.
pub(crate) fn chunk_reply(
    exchange: Exchange,
    model: &str,
    fallback_id: &str,
    include_usage: bool,
) -> Reply<ChunkStream> {
    let translator = stream::Translator::new(model, fallback_id, include_usage);
    translate::sse_reply(exchange, translator)
}

#[async_trait]
impl Provider for Gemini {
    fn accepts(&self) -> super::Accepts {
        super::Accepts {
            generate_content: true,
            ..Default::default()
        }
    }

    /// A generateContent body in Gemini's own format, sent as the client wrote it to
    /// this adapter's URL for the resolved model (one escaped path segment, see
    /// [`url`]); the method, and `alt=sse` for a stream, are the adapter's. The answer
    /// comes back untouched.
    async fn forward(&self, call: &Call, req: &Forward) -> Result<Reply<Forwarded>, ProviderError> {
        if req.endpoint != Endpoint::GenerateContent {
            return Err(req.endpoint.unsupported());
        }
        let method = if req.stream {
            "streamGenerateContent?alt=sse"
        } else {
            "generateContent"
        };
        let url = url(&self.base_url, &call.model, method)?;
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
        let body = convert::to_request(req)?;
        let exchange = self.post(call, "generateContent", &body).await?;
        content_reply(exchange, &call.model, &fallback_id(call)).await
    }

    async fn chat_stream(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<ChunkStream>, ProviderError> {
        let body = convert::to_request(req)?;
        let exchange = self
            .post(call, "streamGenerateContent?alt=sse", &body)
            .await?;
        Ok(chunk_reply(
            exchange,
            &call.model,
            &fallback_id(call),
            req.wants_stream_usage(),
        ))
    }

    fn no_such_api(&self, what: &str) -> ProviderError {
        super::chat_only("gemini", what)
    }

    async fn embeddings(
        &self,
        call: &Call,
        req: &EmbeddingRequest,
    ) -> Result<Reply<Answer<Value>>, ProviderError> {
        let body = embed::to_request(&model_path(&call.model), req)?;
        let exchange = self.post(call, "batchEmbedContents", &body).await?;
        let headers = exchange.forwardable_headers();
        let answer = exchange
            .decode::<embed::BatchEmbedResponse>("a Gemini BatchEmbedContentsResponse")
            .await?;
        Ok(Reply {
            body: Answer::Typed(embed::from_response(answer, &call.model)),
            headers,
        })
    }
}
