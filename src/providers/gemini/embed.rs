//! OpenAI embedding requests -> Gemini `batchEmbedContents`, and the answer back into
//! OpenAI's `list` shape, as pure functions.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::convert::{invalid, unsupported};
use super::wire::{Content, Part};
use crate::providers::ProviderError;
use crate::schema::EmbeddingRequest;

/// The `batchEmbedContents` body: one request per input string. `model_path` is
/// `models/<id>`, which Gemini wants repeated in every request.
pub fn to_request(
    model_path: &str,
    req: &EmbeddingRequest,
) -> Result<BatchEmbedRequest, ProviderError> {
    let texts: Vec<&str> = match &req.input {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str().ok_or_else(|| {
                    invalid(
                        "embedding input must be a string or a list of strings; gemini \
                         does not accept token arrays"
                            .into(),
                    )
                })
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(invalid(
                "embedding input must be a string or a list of strings".into(),
            ))
        }
    };
    if texts.is_empty() {
        return Err(invalid("embedding input is an empty list".into()));
    }
    // Gemini answers floats only; base64 would be a silent change of format.
    match req.extra.get("encoding_format").and_then(Value::as_str) {
        None | Some("float") => {}
        Some(_) => return Err(unsupported("encoding_format")),
    }
    let dims =
        match req.extra.get("dimensions") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                invalid(format!("`dimensions` must be a positive integer, got {v}"))
            })?),
        };
    let requests = texts
        .into_iter()
        .map(|text| EmbedRequest {
            model: model_path.to_string(),
            content: Content {
                role: None,
                parts: vec![Part {
                    text: Some(text.to_string()),
                    ..Part::default()
                }],
            },
            output_dimensionality: dims,
        })
        .collect();
    Ok(BatchEmbedRequest { requests })
}

/// OpenAI's embeddings `list`. Gemini reports no token counts for embeddings, so usage
/// is zero rather than invented.
pub fn from_response(r: BatchEmbedResponse, model: &str) -> Value {
    let data: Vec<Value> = r
        .embeddings
        .into_iter()
        .enumerate()
        .map(|(i, e)| json!({"object": "embedding", "index": i, "embedding": e.values}))
        .collect();
    json!({
        "object": "list",
        "data": data,
        "model": model,
        "usage": {"prompt_tokens": 0, "total_tokens": 0},
    })
}

/// `batchEmbedContents` body.
#[derive(Debug, Clone, Serialize)]
pub struct BatchEmbedRequest {
    /// One request per input.
    pub requests: Vec<EmbedRequest>,
}

/// One input to embed.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbedRequest {
    /// `models/<id>`; must match the URL's model.
    pub model: String,
    /// The text as one part.
    pub content: Content,
    /// From `dimensions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_dimensionality: Option<u64>,
}

/// `batchEmbedContents` answer.
#[derive(Debug, Clone, Deserialize)]
pub struct BatchEmbedResponse {
    /// In input order.
    #[serde(default)]
    pub embeddings: Vec<Embedding>,
}

/// One embedding.
#[derive(Debug, Clone, Deserialize)]
pub struct Embedding {
    /// The vector.
    #[serde(default)]
    pub values: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embeddings_translate_both_ways() {
        let req: EmbeddingRequest = serde_json::from_value(
            json!({"model": "text-embedding-004", "input": ["a", "b"], "dimensions": 4}),
        )
        .unwrap();
        let built =
            serde_json::to_value(to_request("models/text-embedding-004", &req).unwrap()).unwrap();
        assert_eq!(
            built["requests"][1],
            json!({"model": "models/text-embedding-004", "content": {"parts": [{"text": "b"}]},
                "outputDimensionality": 4})
        );
        let tokens: EmbeddingRequest =
            serde_json::from_value(json!({"model": "m", "input": [[1, 2, 3]]})).unwrap();
        assert!(matches!(
            to_request("models/m", &tokens),
            Err(ProviderError::Unsupported(_))
        ));
        let r: BatchEmbedResponse = serde_json::from_str(include_str!(
            "../../../tests/fixtures/gemini/embed_response.json"
        ))
        .unwrap();
        let v = from_response(r, "text-embedding-004");
        assert_eq!(v["object"], "list");
        assert_eq!(v["data"][1]["index"], 1);
        assert_eq!(v["data"][1]["embedding"][3], -0.0502);
        assert_eq!(v["usage"], json!({"prompt_tokens": 0, "total_tokens": 0}));
        assert_eq!(
            super::super::model_path("models/gemini-2.5-flash"),
            "models/gemini-2.5-flash"
        );
        assert_eq!(
            super::super::model_path("gemini-2.5-flash"),
            "models/gemini-2.5-flash"
        );
    }
}
