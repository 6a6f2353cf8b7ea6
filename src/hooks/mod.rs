//! The hook pipeline later features plug into (logging, governance, caching, mocking)
//! without touching the handlers: a hook sees each request before routing, each stream
//! chunk on its way out, and the outcome once the request is over.
//!
//! `pre_request` may rewrite the request, answer it itself, or refuse it. The other two
//! run on the hot path and must not block: heavy work goes to a background task.

pub mod json_repair;

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::Value;

use crate::schema::{ChatChunk, ChatRequest, CompletionRequest, EmbeddingRequest, Usage};

/// Which inference endpoint a request came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/v1/chat/completions`.
    Chat,
    /// `/v1/completions`.
    Completion,
    /// `/v1/embeddings`.
    Embeddings,
    /// `/v1/responses`.
    Responses,
    /// `/v1/images/generations`.
    ImageGeneration,
    /// `/v1/audio/speech`.
    Speech,
    /// `/v1/audio/transcriptions`.
    Transcription,
    /// `/v1/moderations`.
    Moderation,
    /// `/v1/rerank`.
    Rerank,
}

impl Endpoint {
    /// The reference gateway's `request_type` name.
    pub fn request_type(self) -> &'static str {
        match self {
            Endpoint::Chat => "chat_completion",
            Endpoint::Completion => "text_completion",
            Endpoint::Embeddings => "embedding",
            Endpoint::Responses => "responses",
            Endpoint::ImageGeneration => "image_generation",
            Endpoint::Speech => "speech",
            Endpoint::Transcription => "transcription",
            Endpoint::Moderation => "moderation",
            Endpoint::Rerank => "rerank",
        }
    }
}

/// A request body of any inference endpoint, for hooks to inspect or rewrite.
pub enum InferenceRequest<'a> {
    /// Chat.
    Chat(&'a mut ChatRequest),
    /// Legacy completion.
    Completion(&'a mut CompletionRequest),
    /// Embeddings.
    Embeddings(&'a mut EmbeddingRequest),
    /// An endpoint whose body bifrost forwards without modelling it (Responses, images,
    /// audio, moderations, rerank): hooks see, and may change, only its model.
    Model(&'a mut String),
}

/// What hooks know about a request.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    /// The request id (the client's `x-request-id` or a generated one).
    pub request_id: Arc<str>,
    /// The endpoint.
    pub endpoint: Endpoint,
    /// The model as the client named it.
    pub model_requested: String,
    /// Whether the client asked for a stream.
    pub stream: bool,
    /// When the gateway received it.
    pub started: Instant,
    /// The client's request headers.
    pub headers: http::HeaderMap,
}

/// A hook's decision before routing.
pub enum PreOutcome {
    /// Go on.
    Continue,
    /// Answer with this JSON body (status 200) without calling any provider.
    Respond(Value),
    /// Refuse the request.
    Reject(Rejection),
}

/// A refusal, turned into an API error by the server.
#[derive(Debug, Clone)]
pub struct Rejection {
    /// HTTP status.
    pub status: u16,
    /// Error `type` (e.g. `virtual_key_required`).
    pub kind: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// How a request ended, for accounting and logs.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// HTTP status sent (200 for a stream that started, even if it failed later).
    pub status: u16,
    /// Provider that served it.
    pub provider: Option<String>,
    /// Model id sent upstream.
    pub model: Option<String>,
    /// Key that served it.
    pub key: Option<String>,
    /// Upstream attempts.
    pub attempts: u32,
    /// Token usage, when known.
    pub usage: Option<Usage>,
    /// Error message, when it failed (mid-stream failures included).
    pub error: Option<String>,
    /// Time from arrival to the end of the response.
    pub latency: Duration,
}

/// One plug-in.
#[async_trait]
pub trait Hook: Send + Sync {
    /// Before routing: inspect or rewrite the request, answer it, or refuse it.
    async fn pre_request(&self, _info: &RequestInfo, _req: InferenceRequest<'_>) -> PreOutcome {
        PreOutcome::Continue
    }
    /// Each chat chunk on its way to the client.
    fn on_chunk(&self, _info: &RequestInfo, _chunk: &mut ChatChunk) {}
    /// Once, when the response is complete or has failed.
    fn on_complete(&self, _info: &RequestInfo, _outcome: &Outcome) {}
}

/// The hooks in registration order. Empty costs nothing per request.
#[derive(Clone, Default)]
pub struct Pipeline {
    hooks: Vec<Arc<dyn Hook>>,
}

impl Pipeline {
    /// A pipeline running `hooks` in order.
    pub fn new(hooks: Vec<Arc<dyn Hook>>) -> Self {
        Pipeline { hooks }
    }

    /// Runs `pre_request` on each hook until one answers or refuses.
    pub async fn pre_request(
        &self,
        info: &RequestInfo,
        mut req: InferenceRequest<'_>,
    ) -> PreOutcome {
        for hook in &self.hooks {
            let view = match &mut req {
                InferenceRequest::Chat(r) => InferenceRequest::Chat(r),
                InferenceRequest::Completion(r) => InferenceRequest::Completion(r),
                InferenceRequest::Embeddings(r) => InferenceRequest::Embeddings(r),
                InferenceRequest::Model(m) => InferenceRequest::Model(m),
            };
            match hook.pre_request(info, view).await {
                PreOutcome::Continue => {}
                decided => return decided,
            }
        }
        PreOutcome::Continue
    }

    /// Runs `on_chunk` on each hook.
    pub fn on_chunk(&self, info: &RequestInfo, chunk: &mut ChatChunk) {
        for hook in &self.hooks {
            hook.on_chunk(info, chunk);
        }
    }

    /// Runs `on_complete` on each hook.
    pub fn on_complete(&self, info: &RequestInfo, outcome: &Outcome) {
        for hook in &self.hooks {
            hook.on_complete(info, outcome);
        }
    }

    /// True when no hook is registered.
    pub fn is_empty(&self) -> bool {
        self.hooks.is_empty()
    }
}
