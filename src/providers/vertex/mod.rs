//! Google Vertex AI behind the OpenAI-shaped [`Provider`] trait. Each call resolves its
//! endpoint from the key (`target`), authenticates with the key's service account
//! (`auth`), and speaks the format of the model's publisher:
//!
//! - Claude (`claude*`): Anthropic's Messages body, minus `model`, plus
//!   `anthropic_version`, to `…/publishers/anthropic/models/{model}:rawPredict`
//!   (`:streamRawPredict` for streams), translated by the anthropic adapter's own code.
//! - Gemini and other Google models: the gemini adapter's `generateContent` body to
//!   `…/publishers/google/models/{model}:generateContent`
//!   (`:streamGenerateContent?alt=sse`), its answers translated by that adapter's code;
//!   embeddings through `:predict` (see `google`). The bearer token replaces the
//!   AI Studio `x-goog-api-key`.
//!
//! References: <https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude>,
//! <https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference>,
//! <https://developers.google.com/identity/protocols/oauth2/service-account>.

mod auth;
mod google;
mod rerank;
pub(super) mod target;

#[cfg(test)]
mod tests;

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use serde_json::Value;

use super::anthropic;
use super::gemini;
use super::http::{Exchange, Transport};
use super::{Call, ChunkStream, Provider, ProviderError, Reply};
use crate::config::{ProviderConfig, SecretError};
use crate::schema::{Answer, ChatRequest, ChatResponse, EmbeddingRequest};
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
        call.insert_request_id(&mut h);
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
        let mut body = anthropic::to_request(&target.model, req).map_err(|e| {
            e.reword_refusal(|m| {
                m.replace("provider type anthropic", "Claude on provider type vertex")
            })
        })?;
        body.stream = stream.then_some(true);
        let mut value = serde_json::to_value(&body)
            .map_err(|e| ProviderError::InvalidResponse(format!("cannot encode request: {e}")))?;
        if let Value::Object(fields) = &mut value {
            fields.remove("model");
            fields.insert("anthropic_version".into(), ANTHROPIC_VERSION.into());
        }
        let method = if stream {
            "streamRawPredict"
        } else {
            "rawPredict"
        };
        self.post(call, target, method, &value).await
    }

    /// POSTs `body` to the target's `method` with the key's bearer token.
    async fn post(
        &self,
        call: &Call,
        target: &Target,
        method: &str,
        body: &impl serde::Serialize,
    ) -> Result<Exchange, ProviderError> {
        // Before the token: a refused model costs no round trip to Google's OAuth.
        let url = target.url(method)?;
        let bytes = serde_json::to_vec(body)
            .map_err(|e| ProviderError::InvalidResponse(format!("cannot encode request: {e}")))?;
        let (headers, credentials) = self.headers(call).await?;
        let sent = self
            .transport
            .post_json(&url, headers, Bytes::from(bytes))
            .await;
        // A refused token (revoked, or expired early) must not be reused until it expires.
        if let Err(ProviderError::Status { status: 401, .. }) = &sent {
            self.tokens.forget(&credentials);
        }
        sent
    }

    /// Sends a Gemini request: exactly the gemini adapter's body.
    async fn send_gemini(
        &self,
        call: &Call,
        target: &Target,
        req: &ChatRequest,
        stream: bool,
    ) -> Result<Exchange, ProviderError> {
        let body = gemini::to_request(req).map_err(google::rename_refusal)?;
        let method = if stream {
            "streamGenerateContent?alt=sse"
        } else {
            "generateContent"
        };
        self.post(call, target, method, &body).await
    }
}

/// The id a Gemini answer gets when Vertex sends no `responseId`, as on AI Studio.
fn fallback_id(call: &Call) -> String {
    format!("chatcmpl-{}", call.request_id)
}

#[async_trait]
impl Provider for Vertex {
    /// Claude on Vertex takes Anthropic's thinking; the Gemini translation drops what
    /// it cannot carry.
    fn accepts(&self) -> super::Accepts {
        super::Accepts {
            thinking: true,
            ..Default::default()
        }
    }

    /// Claude on Vertex continues a trailing assistant message; Gemini does not.
    fn prefill(&self, model: &str) -> bool {
        model.contains("claude")
    }

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
            Publisher::Google => {
                let exchange = self.send_gemini(call, &target, req, false).await?;
                gemini::content_reply(exchange, &call.model, &fallback_id(call)).await
            }
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
            Publisher::Google => {
                let exchange = self.send_gemini(call, &target, req, true).await?;
                Ok(gemini::chunk_reply(
                    exchange,
                    &call.model,
                    &fallback_id(call),
                    req.wants_stream_usage(),
                ))
            }
        }
    }

    /// Vertex serves several publishers' formats, so the refusal does not point at an
    /// OpenAI-compatible provider.
    fn no_such_api(&self, what: &str) -> ProviderError {
        ProviderError::Unsupported(format!(
            "provider type vertex does not offer {what}; use /v1/chat/completions, or route \
             this request to another provider"
        ))
    }

    /// Through the ranking API of Vertex AI (Discovery Engine; see `rerank`).
    async fn rerank(
        &self,
        call: &Call,
        req: &crate::schema::RerankRequest,
    ) -> Result<Reply<crate::schema::RerankResponse>, ProviderError> {
        self.rerank_call(call, req).await
    }

    async fn embeddings(
        &self,
        call: &Call,
        req: &EmbeddingRequest,
    ) -> Result<Reply<Answer<Value>>, ProviderError> {
        let target = self.target(call)?;
        if target.publisher != Publisher::Google {
            return Err(ProviderError::Unsupported(format!(
                "model `{}` has no embeddings on vertex; use a Google embedding model \
                 (gemini-embedding-001, text-embedding-005, ...)",
                target.model
            )));
        }
        let body = google::embeddings_request(req)?;
        let exchange = self.post(call, &target, "predict", &body).await?;
        let headers = exchange.forwardable_headers();
        let answer = exchange
            .decode::<google::PredictResponse>("a Vertex embeddings prediction")
            .await?;
        Ok(Reply {
            body: Answer::Typed(google::embeddings_answer(answer, &call.model)),
            headers,
        })
    }
}
