//! Google Vertex AI behind the OpenAI-shaped [`Provider`] trait. Each call resolves its
//! endpoint from the key (`target`), authenticates with the key's service account
//! (`auth`), and speaks the format of the model's publisher:
//!
//! - Claude (`claude*`): Anthropic's Messages body, minus `model`, plus
//!   `anthropic_version`, to `…/publishers/anthropic/models/{model}:rawPredict`
//!   (`:streamRawPredict` for streams), translated by the anthropic adapter's own code.
//! - Gemini and other Google models: not yet. The gemini adapter is being written
//!   separately; wiring it in is one match arm in `chat`/`chat_stream` that sends its
//!   body to `target.url("generateContent")` (`streamGenerateContent?alt=sse`).
//!
//! References: <https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude>,
//! <https://developers.google.com/identity/protocols/oauth2/service-account>.

mod auth;
mod target;

#[cfg(test)]
mod tests;

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use serde_json::Value;

use super::anthropic;
use super::http::{Exchange, Transport};
use super::{Call, ChunkStream, JsonStream, Provider, ProviderError, Reply};
use crate::config::{ProviderConfig, SecretError};
use crate::schema::{Answer, ChatRequest, ChatResponse, CompletionRequest, EmbeddingRequest};
use target::{Publisher, Target, ANTHROPIC_VERSION};

/// A Vertex AI upstream; its endpoint comes from each key unless `base_url` is set.
pub struct Vertex {
    base_url: Option<String>,
    transport: Transport,
    tokens: auth::TokenCache,
}

impl Vertex {
    /// An adapter for `config`.
    pub fn new(config: &ProviderConfig) -> Self {
        Vertex {
            base_url: config.base_url.clone(),
            transport: Transport::new(&config.network),
            tokens: auth::TokenCache::default(),
        }
    }

    fn target(&self, call: &Call) -> Result<Target, ProviderError> {
        Target::resolve(self.base_url.as_deref(), call.key.as_deref(), &call.model)
    }

    /// `Authorization: Bearer` with a (cached) access token for the call's key, and the
    /// resolved credentials the token belongs to.
    async fn headers(&self, call: &Call) -> Result<(HeaderMap, String), ProviderError> {
        let found = call
            .key
            .as_deref()
            .and_then(|k| Some((k, k.vertex_key_config.as_ref()?)));
        let Some((key, vertex)) = found else {
            // `target` refuses such calls first, with the key's name; this is a backstop.
            return Err(ProviderError::Key(SecretError::Unusable(
                "a vertex key has no vertex_key_config".into(),
            )));
        };
        let credentials = vertex.auth_credentials.resolve().map_err(|e| {
            ProviderError::Key(SecretError::Unusable(format!(
                "vertex key `{}`: vertex_key_config.auth_credentials: {e}",
                key.name
            )))
        })?;
        let token = self
            .tokens
            .token(&self.transport, &key.name, &credentials)
            .await?;
        let mut h = HeaderMap::new();
        let mut v = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
            ProviderError::InvalidResponse(
                "the token endpoint sent an access token that is not a valid header value".into(),
            )
        })?;
        v.set_sensitive(true);
        h.insert(http::header::AUTHORIZATION, v);
        if let Ok(v) = HeaderValue::from_str(&call.request_id) {
            h.insert("x-request-id", v);
        }
        Ok((h, credentials))
    }

    /// Sends a Claude request: the Messages body without `model`, with Vertex's version.
    async fn send_anthropic(
        &self,
        call: &Call,
        target: &Target,
        req: &ChatRequest,
        stream: bool,
    ) -> Result<Exchange, ProviderError> {
        let mut body = anthropic::to_request(&target.model, req).map_err(|e| match e {
            ProviderError::Unsupported(m) => ProviderError::Unsupported(
                m.replace("provider type anthropic", "Claude on provider type vertex"),
            ),
            ProviderError::UnsupportedParam { param, message } => ProviderError::UnsupportedParam {
                param,
                message: message
                    .replace("provider type anthropic", "Claude on provider type vertex"),
            },
            other => other,
        })?;
        body.stream = stream.then_some(true);
        let mut value = serde_json::to_value(&body)
            .map_err(|e| ProviderError::InvalidResponse(format!("cannot encode request: {e}")))?;
        if let Value::Object(fields) = &mut value {
            fields.remove("model");
            fields.insert("anthropic_version".into(), ANTHROPIC_VERSION.into());
        }
        let bytes = serde_json::to_vec(&value)
            .map_err(|e| ProviderError::InvalidResponse(format!("cannot encode request: {e}")))?;
        let method = if stream {
            "streamRawPredict"
        } else {
            "rawPredict"
        };
        let (headers, credentials) = self.headers(call).await?;
        let sent = self
            .transport
            .post_json(&target.url(method), headers, Bytes::from(bytes))
            .await;
        // A refused token (revoked, or expired early) must not be reused until it expires.
        if let Err(ProviderError::Status { status: 401, .. }) = &sent {
            self.tokens.forget(&credentials);
        }
        sent
    }
}

/// Refusal for models whose translation is not wired in yet (see the module docs).
fn gemini_pending(model: &str) -> ProviderError {
    ProviderError::Unsupported(format!(
        "model `{model}` is a Google model; Gemini models on Vertex arrive with the gemini \
         adapter. Only Claude models (claude-*) are served through vertex for now"
    ))
}

fn no_such_api(what: &str) -> ProviderError {
    ProviderError::Unsupported(format!(
        "provider type vertex does not offer {what} yet; use /v1/chat/completions with a \
         Claude model, or route this request to another provider"
    ))
}

#[async_trait]
impl Provider for Vertex {
    async fn chat(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<Answer<ChatResponse>>, ProviderError> {
        let target = self.target(call)?;
        match target.publisher {
            Publisher::Anthropic => {
                let exchange = self.send_anthropic(call, &target, req, false).await?;
                anthropic::message_reply(exchange).await
            }
            Publisher::Google => Err(gemini_pending(&target.model)),
        }
    }

    async fn chat_stream(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<ChunkStream>, ProviderError> {
        let target = self.target(call)?;
        match target.publisher {
            Publisher::Anthropic => {
                let exchange = self.send_anthropic(call, &target, req, true).await?;
                Ok(anthropic::chunk_reply(
                    exchange,
                    &call.model,
                    req.wants_stream_usage(),
                ))
            }
            Publisher::Google => Err(gemini_pending(&target.model)),
        }
    }

    async fn completion(
        &self,
        _call: &Call,
        _req: &CompletionRequest,
    ) -> Result<Reply<Answer<Value>>, ProviderError> {
        Err(no_such_api("legacy completions"))
    }

    async fn completion_stream(
        &self,
        _call: &Call,
        _req: &CompletionRequest,
    ) -> Result<Reply<JsonStream>, ProviderError> {
        Err(no_such_api("legacy completions"))
    }

    async fn embeddings(
        &self,
        _call: &Call,
        _req: &EmbeddingRequest,
    ) -> Result<Reply<Answer<Value>>, ProviderError> {
        Err(no_such_api(
            "embeddings (they arrive with the gemini adapter)",
        ))
    }
}
