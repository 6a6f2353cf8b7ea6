//! Google's own models on Vertex AI. Chat bodies and answers are exactly the gemini
//! adapter's (`generateContent` is the same API on both doors); embeddings differ:
//! Vertex serves them through `:predict` with `instances[{content}]` and answers
//! `predictions[{embeddings{values}}]`, so the gemini adapter's request is re-shaped
//! here and its answer translation reused.
//!
//! Reference: <https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api>.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::providers::gemini;
use crate::providers::ProviderError;
use crate::schema::EmbeddingRequest;

/// The gemini adapter's refusals name provider type gemini; on Vertex the client must
/// learn which provider refused, as it does for Claude.
pub fn rename_refusal(e: ProviderError) -> ProviderError {
    e.reword_refusal(|m| {
        m.replace("provider type gemini", "Gemini on provider type vertex")
            .replace("request for gemini", "request for Gemini on vertex")
    })
}

/// The `:predict` body for embedding models.
#[derive(Debug, Clone, Serialize)]
pub struct PredictRequest {
    /// One instance per input text.
    pub instances: Vec<Instance>,
    /// Only present when `dimensions` was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<PredictParameters>,
}

/// One text to embed.
#[derive(Debug, Clone, Serialize)]
pub struct Instance {
    /// The text.
    pub content: String,
}

/// Embedding parameters.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PredictParameters {
    /// From `dimensions`.
    pub output_dimensionality: u64,
}

/// The `:predict` answer for embedding models.
#[derive(Debug, Clone, Deserialize)]
pub struct PredictResponse {
    /// In input order.
    #[serde(default)]
    pub predictions: Vec<Prediction>,
}

/// One input's result.
#[derive(Debug, Clone, Deserialize)]
pub struct Prediction {
    /// The vector and its statistics.
    pub embeddings: PredictedEmbedding,
}

/// A vector with the token count Vertex reports for its input.
#[derive(Debug, Clone, Deserialize)]
pub struct PredictedEmbedding {
    /// The vector.
    #[serde(default)]
    pub values: Vec<f64>,
    /// Token count and truncation.
    #[serde(default)]
    pub statistics: Option<Statistics>,
}

/// Per-input statistics.
#[derive(Debug, Clone, Deserialize)]
pub struct Statistics {
    /// Tokens in the input.
    #[serde(default)]
    pub token_count: f64,
}

/// Builds the `:predict` body. The input checks (strings only, no base64, positive
/// `dimensions`) are the gemini adapter's, so both doors refuse the same requests.
pub fn embeddings_request(req: &EmbeddingRequest) -> Result<PredictRequest, ProviderError> {
    let batch = gemini::embeddings_request("models/vertex", req).map_err(rename_refusal)?;
    let mut dims = None;
    let instances = batch
        .requests
        .into_iter()
        .map(|r| {
            dims = r.output_dimensionality;
            Instance {
                content: r.content.parts.into_iter().filter_map(|p| p.text).collect(),
            }
        })
        .collect();
    Ok(PredictRequest {
        instances,
        parameters: dims.map(|n| PredictParameters {
            output_dimensionality: n,
        }),
    })
}

/// OpenAI's embeddings `list`, as the gemini adapter writes it, with the token counts
/// Vertex reports (which `batchEmbedContents` does not).
pub fn embeddings_answer(r: PredictResponse, model: &str) -> Value {
    let tokens: f64 = r
        .predictions
        .iter()
        .filter_map(|p| p.embeddings.statistics.as_ref())
        .map(|s| s.token_count)
        .sum();
    let embeddings = r
        .predictions
        .into_iter()
        .map(|p| gemini::Embedding {
            values: p.embeddings.values,
        })
        .collect();
    let mut answer = gemini::embeddings_answer(gemini::BatchEmbedResponse { embeddings }, model);
    // Counts are whole numbers sent as JSON numbers that may carry a fraction (`4.0`).
    let tokens = tokens.max(0.0).round() as u64;
    answer["usage"] = serde_json::json!({"prompt_tokens": tokens, "total_tokens": tokens});
    answer
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn embeddings_become_predict_instances_and_predictions_become_a_list() {
        let req: EmbeddingRequest = serde_json::from_value(
            json!({"model": "text-embedding-005", "input": ["a", "b"], "dimensions": 4}),
        )
        .unwrap();
        let body = serde_json::to_value(embeddings_request(&req).unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"instances": [{"content": "a"}, {"content": "b"}],
                "parameters": {"outputDimensionality": 4}})
        );
        let one: EmbeddingRequest =
            serde_json::from_value(json!({"model": "m", "input": "x"})).unwrap();
        let body = serde_json::to_value(embeddings_request(&one).unwrap()).unwrap();
        assert_eq!(body, json!({"instances": [{"content": "x"}]}));
        let tokens: EmbeddingRequest =
            serde_json::from_value(json!({"model": "m", "input": [[1, 2]]})).unwrap();
        match embeddings_request(&tokens) {
            Err(ProviderError::Unsupported(m)) => assert!(m.contains("vertex"), "{m}"),
            other => panic!("{other:?}"),
        }
        let r: PredictResponse = serde_json::from_value(json!({"predictions": [
            {"embeddings": {"values": [0.1, 0.2], "statistics": {"token_count": 1, "truncated": false}}},
            {"embeddings": {"values": [0.3, 0.4], "statistics": {"token_count": 2.0, "truncated": false}}}
        ]}))
        .unwrap();
        let v = embeddings_answer(r, "text-embedding-005");
        assert_eq!(v["object"], "list");
        assert_eq!(v["model"], "text-embedding-005");
        assert_eq!(v["data"][1]["index"], 1);
        assert_eq!(v["data"][1]["embedding"], json!([0.3, 0.4]));
        assert_eq!(v["usage"], json!({"prompt_tokens": 3, "total_tokens": 3}));
    }
}
