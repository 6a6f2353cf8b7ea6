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

use crate::schema::{ChatChunk, ChatRequest, CompletionRequest, EmbeddingRequest, RawJson, Usage};

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
    /// The family of routes it came in on, named by its wire format (`openai`,
    /// `anthropic`, `genai`, `bedrock`, `cohere`).
    pub route: &'static str,
    /// The endpoint.
    pub endpoint: Endpoint,
    /// The model as the client named it (empty when the request failed before naming one).
    pub model_requested: String,
    /// Whether the client asked for a stream.
    pub stream: bool,
    /// When the gateway received it.
    pub started: Instant,
    /// The client's request headers.
    pub headers: http::HeaderMap,
    /// The request's place in a distributed trace, when traces are exported.
    pub trace: Option<TraceIds>,
}

/// A request's W3C trace context, fixed when it arrives: the upstream calls carry it
/// (`traceparent`) long before the request's span is exported at its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceIds {
    /// The trace: the client's, when it sent a `traceparent`, else a new one.
    pub trace_id: [u8; 16],
    /// The request's own span.
    pub span_id: [u8; 8],
    /// The client's span, when it sent a `traceparent`.
    pub parent: Option<[u8; 8]>,
    /// Whether the trace is recorded (a client's `traceparent` may say not).
    pub sampled: bool,
}

/// A hook's decision before routing.
pub enum PreOutcome {
    /// Go on.
    Continue,
    /// Answer with this OpenAI-shaped JSON body (status 200) without calling any
    /// provider; the route renders it in its own wire format.
    Respond(Value),
    /// Answer a chat request with these chunks as a stream (a replayed answer), encoded
    /// in the route's own wire format; for a request that did not ask for a stream the
    /// chunks are sent as they are, one JSON list.
    Stream(Vec<ChatChunk>),
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

/// One upstream attempt of a request (a key of a provider), in the order made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The provider tried.
    pub provider: String,
    /// The key used, when the provider has keys.
    pub key: Option<String>,
    /// The upstream's HTTP status; `None` when no status came (connection refused,
    /// timeout, an unusable key).
    pub status: Option<u16>,
    /// When the attempt began, from the request's arrival (a trace's child span start).
    pub started: Duration,
    /// How long the attempt took.
    pub latency: Duration,
}

/// The content of an exchange, copied only when a hook asks for it
/// ([`Hook::wants_content`]).
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// The request as routed (the canonical request, or the forwarded JSON body).
    pub request: Option<RawJson>,
    /// The answer: a non-stream body, or a chat stream's chunks assembled into one
    /// `chat.completion` (text, tool calls, finish reason, usage).
    pub response: Option<RawJson>,
}

/// How a request ended, for accounting and logs. Reported exactly once per request,
/// whatever the route and however it ended (see `server::pipeline`).
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// HTTP status sent (200 for a stream that started, even if it failed later; 499
    /// when the client left before an answer was sent).
    pub status: u16,
    /// The error's `type` (`invalid_request_error`, `upstream_error`, ...), when it failed.
    pub error_type: Option<String>,
    /// Error message, when it failed (mid-stream failures included).
    pub error: Option<String>,
    /// Provider that served it (or was last tried).
    pub provider: Option<String>,
    /// Model id sent upstream.
    pub model: Option<String>,
    /// Key that served it.
    pub key: Option<String>,
    /// Every upstream attempt, the serving one last.
    pub attempts: Vec<Attempt>,
    /// Token usage, when known.
    pub usage: Option<Usage>,
    /// Time from arrival to the first byte of the answer (the upstream's headers for a
    /// stream, the whole upstream answer otherwise).
    pub first_byte: Option<Duration>,
    /// Time from arrival to the first chunk with content sent to the client (streams).
    pub first_token: Option<Duration>,
    /// Time from arrival to the end of the response.
    pub latency: Duration,
    /// The client went away before the answer was complete.
    pub client_disconnected: bool,
    /// Request and answer content, when a hook asked for it.
    pub content: Option<Content>,
    /// The virtual key the request was governed under, by name.
    pub virtual_key: Option<String>,
    /// The same key's stable id (a name can be renamed or reused; the id cannot).
    pub virtual_key_id: Option<String>,
    /// What the request cost in US dollars, when it reported usage and its model has a price.
    pub cost: Option<f64>,
    /// The request was billed on an estimate, not on usage the provider reported (a
    /// stream that ended before its usage arrived is billed its reservation).
    pub cost_estimated: bool,
    /// Which target of the fallback chain served (0: the primary), or was tried last.
    pub fallback_index: u32,
    /// Upstream retries made on top of the first attempt of each target.
    pub retries: u32,
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
    /// Once, when the response is complete or has failed, with everything that
    /// happened to the request. Runs on the request's task: queue heavy work to a
    /// [`Background`] task.
    fn on_complete(&self, _info: &RequestInfo, _outcome: &Outcome) {}
    /// Whether this hook needs [`Outcome::content`] (a request log, a cache). Asked
    /// once, when the pipeline is built; content is copied only when one hook says yes.
    fn wants_content(&self) -> bool {
        false
    }
    /// True for a hook that only watches (metrics, logs, traces): its `pre_request`
    /// is the default and is never called, so a request does not pay a boxed future
    /// per observer. Asked once, when the pipeline is built.
    fn observes_only(&self) -> bool {
        false
    }
}

/// The hooks' background tasks (log writers, usage flushers): graceful shutdown, once
/// the connections have drained, signals [`Background::stopping`] and waits for every
/// task, within the shutdown grace period, so what a hook queued before SIGTERM is not
/// lost. A cheap clone; give one to each hook that spawns work and the same one to
/// [`Pipeline::with_background`].
#[derive(Clone, Default)]
pub struct Background {
    tasks: tokio_util::task::TaskTracker,
    stop: tokio_util::sync::CancellationToken,
}

impl Background {
    /// Runs `task` on the runtime, tracked, so shutdown waits for it. The task should
    /// flush what it holds and end once [`Background::stopping`] resolves.
    pub fn spawn<F>(&self, task: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.tasks.spawn(task)
    }

    /// Resolves when shutdown has begun and no request will report any more: tasks
    /// flush and end.
    pub async fn stopping(&self) {
        self.stop.cancelled().await;
    }

    /// Tells the tasks to stop and waits until every one has ended.
    pub async fn stop_and_wait(&self) {
        self.stop.cancel();
        self.tasks.close();
        self.tasks.wait().await;
    }
}

/// The hooks in registration order. Empty costs nothing per request; a clone is one
/// reference count.
#[derive(Clone, Default)]
pub struct Pipeline {
    hooks: Arc<[Arc<dyn Hook>]>,
    /// The hooks whose `pre_request` runs: all but those that only observe.
    intercepting: Arc<[Arc<dyn Hook>]>,
    wants_content: bool,
    background: Background,
}

impl Pipeline {
    /// A pipeline running `hooks` in order.
    pub fn new(hooks: Vec<Arc<dyn Hook>>) -> Self {
        let wants_content = hooks.iter().any(|h| h.wants_content());
        let intercepting = hooks.iter().filter(|h| !h.observes_only()).cloned();
        Pipeline {
            intercepting: intercepting.collect(),
            hooks: hooks.into(),
            wants_content,
            background: Background::default(),
        }
    }

    /// The same pipeline, its hooks' background tasks tracked by `background` (the set
    /// the hooks were given), so graceful shutdown waits for them.
    pub fn with_background(mut self, background: Background) -> Self {
        self.background = background;
        self
    }

    /// The same pipeline with `first` running before its hooks (the server's own
    /// observers ahead of the hooks it was given).
    pub fn prepend(self, first: Vec<Arc<dyn Hook>>) -> Self {
        if first.is_empty() {
            return self;
        }
        let hooks: Vec<Arc<dyn Hook>> = first
            .into_iter()
            .chain(self.hooks.iter().cloned())
            .collect();
        Pipeline::new(hooks).with_background(self.background)
    }

    /// The tracked set of the hooks' background tasks.
    pub fn background(&self) -> &Background {
        &self.background
    }

    /// Runs `pre_request` on each hook until one answers or refuses.
    pub async fn pre_request(
        &self,
        info: &RequestInfo,
        mut req: InferenceRequest<'_>,
    ) -> PreOutcome {
        for hook in self.intercepting.iter() {
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
        for hook in self.hooks.iter() {
            hook.on_chunk(info, chunk);
        }
    }

    /// Runs `on_complete` on each hook.
    pub fn on_complete(&self, info: &RequestInfo, outcome: &Outcome) {
        for hook in self.hooks.iter() {
            hook.on_complete(info, outcome);
        }
    }

    /// True when no hook is registered.
    pub fn is_empty(&self) -> bool {
        self.hooks.is_empty()
    }

    /// True when a hook may rewrite, answer or refuse a request before routing.
    pub fn intercepts(&self) -> bool {
        !self.intercepting.is_empty()
    }

    /// True when a hook asked for request and answer content.
    pub fn wants_content(&self) -> bool {
        self.wants_content
    }
}
