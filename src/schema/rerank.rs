//! The canonical rerank request and answer: Cohere's v2 shape, which Bedrock, Vertex
//! and vLLM rerankers map onto, so `/v1/rerank` and `/cohere/v2/rerank` share it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `POST /v1/rerank`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RerankRequest {
    /// `provider/model` or a bare model id.
    pub model: String,
    /// What the documents are ranked against.
    pub query: String,
    /// Plain strings, or objects with a `text` field.
    pub documents: Vec<Value>,
    /// Return only the best `top_n`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_n: Option<u32>,
    /// Echo each document back in its result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_documents: Option<bool>,
    /// Fields bifrost does not model, passed on to upstreams that take them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One ranked document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RerankResult {
    /// Position of the document in the request.
    pub index: usize,
    /// Higher is more relevant.
    pub relevance_score: f64,
    /// The document, when `return_documents` asked for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Value>,
}

/// The answer to a [`RerankRequest`], best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RerankResponse {
    /// Upstream id, or one bifrost made.
    pub id: String,
    /// Ranked documents, most relevant first.
    pub results: Vec<RerankResult>,
    /// Upstream metadata (billed units), passed through.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl super::HasUsage for RerankResponse {
    /// Rerankers bill by search units, not tokens; vLLM reports `usage.total_tokens`
    /// only, which does not fit the chat usage shape, so none is reported.
    fn usage(&self) -> Option<super::Usage> {
        None
    }
}
