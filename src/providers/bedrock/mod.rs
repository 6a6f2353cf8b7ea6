//! AWS Bedrock behind the OpenAI-shaped [`Provider`] trait: chat goes to the Converse
//! API (`POST /model/{modelId}/converse` and `/converse-stream`, whose answer is AWS
//! event-stream framed), embeddings to InvokeModel. Requests are signed with SigV4
//! from the key's `bedrock_key_config`, or carry a Bedrock API key as a bearer token.
//! Reference: <https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html>.
//!
//! Layout: `wire` is Converse's format; `convert`, `response`, `stream` and `embed` are
//! pure translations (unit-tested against fixtures in `tests/fixtures/bedrock`);
//! `eventstream` and `sign` wrap the AWS crates; this file does I/O.

pub(crate) mod convert;
mod embed;
pub(crate) mod eventstream;
mod rerank;
pub(crate) mod response;
mod sign;
pub(crate) mod stream;
mod target;
mod tools;
pub(crate) mod wire;

#[cfg(test)]
mod key_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod vector_tests;

use std::time::SystemTime;

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use super::http::{Exchange, Transport};
use super::path;
use super::translate;
use super::{Call, ChunkStream, Endpoint, Forward, Forwarded, Provider, ProviderError, Reply};
use crate::config::ProviderConfig;
use crate::schema::{
    Answer, ChatRequest, ChatResponse, EmbeddingRequest, RerankRequest, RerankResponse,
};
use sign::Scope;
use target::{unusable, Auth, Target};

/// The SigV4 signing name of the Bedrock runtime.
const SERVICE: &str = "bedrock";

/// `{endpoint}/model/{modelId}/{action}`. The model id is the client's unless the
/// key's `deployments` maps it; ARNs and inference profiles contain `:` and `/`, so it
/// is one escaped path segment (or refused, see [`path::segment`]). SigV4 signs this
/// same URL, so the signature covers the escaped form.
pub(super) fn model_url(
    endpoint: &str,
    model_id: &str,
    action: &str,
) -> Result<String, ProviderError> {
    Ok(format!(
        "{endpoint}/model/{}/{action}",
        path::segment(model_id)?
    ))
}

/// A Bedrock runtime upstream: `base_url` when configured (proxies, tests), else the
/// regional endpoint of each key's region.
pub struct Bedrock {
    base_url: Option<String>,
    transport: Transport,
}

impl Bedrock {
    /// An adapter for `config` (its base URL, if any, was validated with the config).
    pub fn new(config: &ProviderConfig) -> Self {
        Bedrock {
            base_url: config
                .base_url
                .as_deref()
                .map(|u| u.trim_end_matches('/').to_string()),
            transport: Transport::new(&config.network),
        }
    }

    /// POSTs `body` to `{endpoint}/model/{modelId}/{action}`, authenticated.
    async fn post(
        &self,
        call: &Call,
        target: &Target,
        action: &str,
        body: Vec<u8>,
    ) -> Result<Exchange, ProviderError> {
        let url = model_url(&target.endpoint, &target.model_id, action)?;
        self.post_signed(call, target, &url, accept(action), body)
            .await
    }

    /// POSTs JSON `body` to `url`, signed with SigV4 or carrying the API key.
    async fn post_signed(
        &self,
        call: &Call,
        target: &Target,
        url: &str,
        accept: HeaderValue,
        body: Vec<u8>,
    ) -> Result<Exchange, ProviderError> {
        let mut headers = HeaderMap::new();
        call.insert_request_id(&mut headers);
        headers.insert(http::header::ACCEPT, accept);
        match &target.auth {
            Auth::SigV4 { creds, region } => {
                let scope = Scope {
                    region,
                    service: SERVICE,
                    time: SystemTime::now(),
                };
                // content-type is signed as the SDK does; the transport sets the same value.
                let signed = sign::sign_request(
                    "POST",
                    url,
                    &[("content-type", "application/json")],
                    &body,
                    creds,
                    scope,
                )?;
                for h in signed {
                    let name = HeaderName::from_bytes(h.name.as_bytes());
                    let value = HeaderValue::from_str(&h.value);
                    if let (Ok(name), Ok(mut value)) = (name, value) {
                        value.set_sensitive(true);
                        headers.insert(name, value);
                    }
                }
            }
            Auth::Bearer(key) => {
                let mut v = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
                    unusable(
                        "the bedrock API key contains characters not allowed in a header".into(),
                    )
                })?;
                v.set_sensitive(true);
                headers.insert(http::header::AUTHORIZATION, v);
            }
        }
        self.transport
            .post_json(url, headers, Bytes::from(body))
            .await
    }

    /// One InvokeModel call: its JSON answer, forwardable headers, and the input token
    /// count Bedrock reports in a header (Cohere's body has none).
    async fn invoke(
        &self,
        call: &Call,
        target: &Target,
        body: &Value,
    ) -> Result<(Value, HeaderMap, Option<u64>), ProviderError> {
        let exchange = self.post(call, target, "invoke", encode(body)?).await?;
        let headers = exchange.forwardable_headers();
        let tokens = exchange
            .header("x-amzn-bedrock-input-token-count")
            .and_then(|v| v.trim().parse().ok());
        let value = exchange.decode::<Value>("JSON").await?;
        Ok((value, headers, tokens))
    }
}

fn accept(action: &str) -> HeaderValue {
    if action == "converse-stream" {
        HeaderValue::from_static("application/vnd.amazon.eventstream")
    } else {
        HeaderValue::from_static("application/json")
    }
}

fn encode<T: serde::Serialize>(body: &T) -> Result<Vec<u8>, ProviderError> {
    serde_json::to_vec(body)
        .map_err(|e| ProviderError::InvalidResponse(format!("cannot encode request: {e}")))
}

#[async_trait]
impl Provider for Bedrock {
    fn accepts(&self) -> super::Accepts {
        super::Accepts {
            additional_model_fields: true,
            converse: true,
            ..Default::default()
        }
    }

    /// Converse continues a trailing assistant message for Claude models only.
    fn prefill(&self, model: &str) -> bool {
        model.contains("claude")
    }

    /// A Converse body in Bedrock's own format, sent as the client wrote it to this
    /// adapter's URL for the resolved model (its deployment, if mapped) and signed over
    /// those exact bytes; the answer (JSON, or the event-stream frames) comes back
    /// untouched.
    async fn forward(&self, call: &Call, req: &Forward) -> Result<Reply<Forwarded>, ProviderError> {
        if req.endpoint != Endpoint::Converse {
            return Err(req.endpoint.unsupported());
        }
        let action = if req.stream {
            "converse-stream"
        } else {
            "converse"
        };
        let target = self.target(call)?;
        let exchange = self.post(call, &target, action, req.body.to_vec()).await?;
        exchange.forwarded(req.stream).await
    }

    async fn chat(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<Answer<ChatResponse>>, ProviderError> {
        let body = encode(&convert::to_request(req)?)?;
        let target = self.target(call)?;
        let exchange = self.post(call, &target, "converse", body).await?;
        let headers = exchange.forwardable_headers();
        let answer = exchange
            .decode::<wire::ConverseResponse>("a Converse answer")
            .await?;
        Ok(Reply {
            body: response::from_response(answer, &call.model),
            headers,
        })
    }

    async fn chat_stream(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<ChunkStream>, ProviderError> {
        let body = encode(&convert::to_request(req)?)?;
        let target = self.target(call)?;
        let exchange = self.post(call, &target, "converse-stream", body).await?;
        let headers = exchange.forwardable_headers();
        let translator = stream::Translator::new(&call.model, req.wants_stream_usage());
        let frames = eventstream::frames(exchange.byte_stream());
        Ok(Reply {
            body: translate::chunks(frames, translator),
            headers,
        })
    }

    fn no_such_api(&self, what: &str) -> ProviderError {
        super::chat_only("bedrock", what)
    }

    /// Through the Rerank API of Bedrock Agent Runtime (see `rerank`).
    async fn rerank(
        &self,
        call: &Call,
        req: &RerankRequest,
    ) -> Result<Reply<RerankResponse>, ProviderError> {
        self.rerank_call(call, req).await
    }

    async fn embeddings(
        &self,
        call: &Call,
        req: &EmbeddingRequest,
    ) -> Result<Reply<Answer<Value>>, ProviderError> {
        let target = self.target(call)?;
        let family = embed::family(&target.model_id)?;
        let texts = embed::inputs(req, family)?;
        let (vectors, tokens, headers) = match family {
            // Titan embeds one text per request.
            embed::Family::Titan => {
                let (mut vectors, mut tokens, mut headers) = (Vec::new(), 0, HeaderMap::new());
                for text in &texts {
                    let (v, h, _) = self
                        .invoke(call, &target, &embed::titan_body(text, req))
                        .await?;
                    let (vector, n) = embed::titan_answer(&v)?;
                    vectors.push(vector);
                    tokens += n;
                    headers = h;
                }
                (vectors, tokens, headers)
            }
            embed::Family::Cohere => {
                let (v, h, n) = self
                    .invoke(call, &target, &embed::cohere_body(&texts, req))
                    .await?;
                (embed::cohere_answer(&v, texts.len())?, n.unwrap_or(0), h)
            }
        };
        Ok(Reply {
            body: Answer::Typed(embed::list(&call.model, vectors, tokens)),
            headers,
        })
    }
}
