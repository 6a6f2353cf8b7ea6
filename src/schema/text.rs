//! Legacy text completions, embeddings and the model list.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Extra, StreamOptions};

/// `POST /v1/completions` body (legacy text completion).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompletionRequest {
    /// `provider/model` or a bare model name.
    pub model: String,
    /// A string, a list of strings, or token arrays.
    pub prompt: Value,
    /// Whether the client wants server-sent events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// Streaming options (`include_usage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_options: Option<StreamOptions>,
    /// Every other parameter, forwarded as sent.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CompletionRequest {
    /// True when the client asked for a stream.
    pub fn is_stream(&self) -> bool {
        self.stream.unwrap_or(false)
    }
}

/// `POST /v1/embeddings` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmbeddingRequest {
    /// `provider/model` or a bare model name.
    pub model: String,
    /// A string, a list of strings, or token arrays.
    pub input: Value,
    /// `dimensions`, `encoding_format`, `user`, ...
    #[serde(flatten)]
    pub extra: Extra,
}

impl EmbeddingRequest {
    /// How many inputs the request embeds.
    pub fn input_count(&self) -> usize {
        match &self.input {
            Value::Array(items) if items.iter().all(|i| !i.is_number()) => items.len(),
            _ => 1,
        }
    }
}

/// `GET /v1/models` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelList {
    /// Always `list`.
    pub object: String,
    /// One entry per `provider/model`.
    pub data: Vec<Model>,
}

/// One model in the list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    /// `provider/model`.
    pub id: String,
    /// Always `model`.
    pub object: String,
    /// Unix seconds; 0 when unknown.
    pub created: u64,
    /// The provider's name.
    pub owned_by: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_count_handles_every_shape() {
        let one: EmbeddingRequest = serde_json::from_str(r#"{"model":"m","input":"a"}"#).unwrap();
        let two: EmbeddingRequest =
            serde_json::from_str(r#"{"model":"m","input":["a","b"]}"#).unwrap();
        let tokens: EmbeddingRequest =
            serde_json::from_str(r#"{"model":"m","input":[1,2,3]}"#).unwrap();
        assert_eq!(one.input_count(), 1);
        assert_eq!(two.input_count(), 2);
        assert_eq!(tokens.input_count(), 1);
    }
}
