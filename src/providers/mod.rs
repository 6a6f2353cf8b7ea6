//! Upstream providers behind one trait. Each file speaks one wire format; canonical
//! (OpenAI-shaped) types go in and come out, so routing never sees a provider's wire.

pub(crate) mod anthropic;
mod azure;
pub(crate) mod bedrock;
pub(crate) mod cohere;
mod error;
mod forward;
pub(crate) mod gemini;
pub mod http;
mod mock;
mod openai;
mod params;
mod path;
mod raw;
mod responses_bridge;
mod tool_calls;
pub(crate) mod translate;
#[cfg(test)]
mod url_props;
mod vertex;

use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;
use futures_util::Stream;
use serde_json::Value;

pub use azure::DEFAULT_API_VERSION as AZURE_DEFAULT_API_VERSION;
pub use error::{ProviderError, TimeoutPhase};
pub use forward::{Endpoint, Forward, Forwarded, JsonBody};

use crate::config::{CompatConfig, KeyConfig, ProviderConfig, ProviderType, Wire};
use crate::schema::{
    Answer, ChatChunk, ChatRequest, ChatResponse, CompletionRequest, EmbeddingRequest,
    RerankRequest, RerankResponse,
};

/// A stream of upstream items; an `Err` item ends it.
pub type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T, ProviderError>> + Send>>;
/// A stream of translated chat chunks.
pub type ChunkStream = ItemStream<ChatChunk>;
/// A stream of JSON events (legacy completions).
pub type JsonStream = ItemStream<Value>;

/// What one upstream call needs besides the request body.
#[derive(Clone)]
pub struct Call {
    /// The model id as the upstream knows it (provider prefix removed).
    pub model: Arc<str>,
    /// The resolved key, when the provider needs one.
    pub api_key: Option<String>,
    /// The key's whole configuration, for providers whose endpoint or signing depends on
    /// it (Azure, Vertex, Bedrock); resolve its `env.` references at use.
    pub key: Option<Arc<KeyConfig>>,
    /// Sent upstream as `x-request-id`, so logs on both sides line up.
    pub request_id: Arc<str>,
    /// Sent upstream as `traceparent` when traces are exported, so the upstream's spans
    /// join the request's trace.
    pub traceparent: Option<::http::HeaderValue>,
}

/// What identifies a request to every upstream call it makes: its id and, when traces
/// are exported, its W3C `traceparent`. Dereferences to the id.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The request id.
    pub request_id: Arc<str>,
    /// The `traceparent` upstream calls carry.
    pub traceparent: Option<::http::HeaderValue>,
}

impl std::ops::Deref for Origin {
    type Target = Arc<str>;
    fn deref(&self) -> &Arc<str> {
        &self.request_id
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.request_id)
    }
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("key", &self.key.as_ref().map(|k| &k.name))
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl Call {
    /// Puts the call's id in `x-request-id`, so upstream logs can be matched with ours
    /// (skipped if the id is not a valid header value, rather than failing the call),
    /// and its `traceparent` when traces are exported.
    pub(crate) fn insert_request_id(&self, headers: &mut ::http::HeaderMap) {
        if let Ok(v) = ::http::HeaderValue::from_str(&self.request_id) {
            headers.insert("x-request-id", v);
        }
        if let Some(v) = &self.traceparent {
            headers.insert("traceparent", v.clone());
        }
    }

    /// The headers of an adapter that authenticates with the key alone: `name:
    /// {prefix}{key}` (marked sensitive, so it never shows in logs) when the call has a
    /// key, and `x-request-id`. The adapters differ only in the header's name and prefix.
    pub(crate) fn key_headers(&self, name: &'static str, prefix: &str) -> ::http::HeaderMap {
        let mut h = ::http::HeaderMap::new();
        if let Some(key) = &self.api_key {
            if let Ok(mut v) = ::http::HeaderValue::from_str(&format!("{prefix}{key}")) {
                v.set_sensitive(true);
                h.insert(name, v);
            }
        }
        self.insert_request_id(&mut h);
        h
    }
}

/// An upstream answer plus the upstream headers a client may see.
pub struct Reply<T> {
    /// The answer.
    pub body: T,
    /// Filtered upstream headers (request ids, rate limits).
    pub headers: ::http::HeaderMap,
}

impl<T> Reply<T> {
    /// An answer with no upstream headers (built-in providers).
    pub fn new(body: T) -> Self {
        Reply {
            body,
            headers: ::http::HeaderMap::new(),
        }
    }
}

/// What an adapter's upstream accepts beyond the canonical (OpenAI-shaped) request,
/// declared by the adapter, so a drop-in route can fit its own format's extras to the
/// upstream without knowing provider types.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Accepts {
    /// Anthropic's `thinking` parameter and signed thinking blocks in the history
    /// (Anthropic, and Vertex serving Claude); others get `reasoning_effort` instead.
    pub thinking: bool,
    /// Bedrock's `additionalModelRequestFields`, passed on as they are; others get its
    /// members as top-level parameters.
    pub additional_model_fields: bool,
    /// Cohere's embedding `input_type` and `truncate`; OpenAI-compatible upstreams
    /// refuse unknown fields.
    pub embedding_input_type: bool,
    /// Anthropic's Messages API as clients send it ([`Endpoint::Messages`] through
    /// [`Provider::forward`]): `/anthropic` forwards to such an upstream untranslated.
    pub messages: bool,
    /// Cohere's v2 chat as clients send it ([`Endpoint::CohereChat`]): `/cohere/v2/chat`
    /// forwards to such an upstream untranslated.
    pub cohere_chat: bool,
    /// Gemini's generateContent as clients send it ([`Endpoint::GenerateContent`]):
    /// `/genai` forwards to such an upstream untranslated.
    pub generate_content: bool,
    /// Bedrock's Converse as clients send it ([`Endpoint::Converse`]): `/bedrock`
    /// forwards to such an upstream untranslated.
    pub converse: bool,
}

/// One upstream wire protocol.
#[async_trait]
pub trait Provider: Send + Sync {
    /// What this upstream accepts beyond the canonical request; nothing by default.
    fn accepts(&self) -> Accepts {
        Accepts::default()
    }
    /// Whether `model` continues a trailing assistant message (prefill) rather than
    /// answering after it: a resumed stream then sends its partial text as the start
    /// of the answer, not as context with an instruction to continue. None by default.
    fn prefill(&self, _model: &str) -> bool {
        false
    }
    /// Non-streaming chat completion.
    async fn chat(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<Answer<ChatResponse>>, ProviderError>;
    /// Streaming chat completion; the error case covers failures before the first chunk.
    async fn chat_stream(
        &self,
        call: &Call,
        req: &ChatRequest,
    ) -> Result<Reply<ChunkStream>, ProviderError>;
    /// Legacy text completion. Chat-only APIs have none, so the default refuses with
    /// [`Provider::no_such_api`]; that `Unsupported` is what lets `convert_text_to_chat`
    /// serve the request through chat instead.
    async fn completion(
        &self,
        _call: &Call,
        _req: &CompletionRequest,
    ) -> Result<Reply<Answer<Value>>, ProviderError> {
        Err(self.no_such_api("legacy completions"))
    }
    /// Streaming legacy text completion; refused by default like [`Provider::completion`].
    async fn completion_stream(
        &self,
        _call: &Call,
        _req: &CompletionRequest,
    ) -> Result<Reply<JsonStream>, ProviderError> {
        Err(self.no_such_api("legacy completions"))
    }
    /// Embeddings.
    async fn embeddings(
        &self,
        call: &Call,
        req: &EmbeddingRequest,
    ) -> Result<Reply<Answer<Value>>, ProviderError>;
    /// An OpenAI endpoint forwarded untranslated; only OpenAI-format adapters offer it.
    async fn forward(
        &self,
        _call: &Call,
        req: &Forward,
    ) -> Result<Reply<Forwarded>, ProviderError> {
        Err(req.endpoint.unsupported())
    }
    /// Document reranking (Cohere, Bedrock, Vertex, vLLM).
    async fn rerank(
        &self,
        _call: &Call,
        _req: &RerankRequest,
    ) -> Result<Reply<RerankResponse>, ProviderError> {
        Err(ProviderError::Unsupported(
            "this provider type does not offer reranking; route /v1/rerank to a cohere, bedrock, vertex or vllm provider".to_string(),
        ))
    }
    /// The refusal of an operation whose API this adapter's upstream lacks, used by the
    /// default [`Provider::completion`] methods. Adapters relying on those defaults
    /// override it to name their provider type; adapters that serve every operation
    /// never reach this generic text.
    fn no_such_api(&self, what: &str) -> ProviderError {
        ProviderError::Unsupported(format!(
            "this provider type has no {what} API; use /v1/chat/completions, or route \
             this request to an OpenAI-compatible provider"
        ))
    }
}

/// The refusal a chat-only adapter gives for an API its upstream lacks (`what`, e.g.
/// "legacy completions"), naming its provider type `kind` so the client learns which
/// route to change; one text for every such adapter.
fn chat_only(kind: &str, what: &str) -> ProviderError {
    ProviderError::Unsupported(format!(
        "provider type {kind} has no {what} API; use /v1/chat/completions, or route \
         this request to an OpenAI-compatible provider"
    ))
}

/// Builds the adapter for a configured provider.
pub fn build(config: &ProviderConfig) -> Arc<dyn Provider> {
    match config.kind.wire() {
        Wire::Openai => Arc::new(openai::OpenAi::new(config)),
        Wire::Azure => Arc::new(openai::OpenAi::azure(config)),
        Wire::Anthropic => Arc::new(anthropic::Anthropic::new(config)),
        Wire::Gemini => Arc::new(gemini::Gemini::new(config)),
        Wire::Cohere => Arc::new(cohere::Cohere::new(config)),
        Wire::Vertex => Arc::new(vertex::Vertex::new(config)),
        Wire::Bedrock => Arc::new(bedrock::Bedrock::new(config)),
        Wire::Mock => Arc::new(mock::Mock::new(config.mock.clone().unwrap_or_default())),
    }
}

/// [`build`], with the client-wide compat shims that change how an adapter talks to
/// its upstream: `convert_chat_to_responses` sends the chat of `openai` and `azure`
/// providers (the ones that offer `/responses`) through the Responses API.
pub fn build_with(config: &ProviderConfig, compat: &CompatConfig) -> Arc<dyn Provider> {
    let adapter = build(config);
    let offers_responses = matches!(config.kind, ProviderType::Openai | ProviderType::Azure);
    if compat.convert_chat_to_responses && offers_responses {
        return Arc::new(responses_bridge::ResponsesBridge::new(adapter));
    }
    adapter
}

/// A JSON fixture from `tests/fixtures/`, e.g. `test_fixture("gemini/stream_text_tool")`,
/// for the adapters' unit tests.
#[cfg(test)]
pub(crate) fn test_fixture(path: &str) -> Value {
    let file = format!("{}/tests/fixtures/{path}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}
