//! OpenAI embedding requests -> Gemini `batchEmbedContents`, and the answer back into
//! OpenAI's `list` shape, as pure functions.

use serde_json::{json, Value};

use super::convert::{invalid, unsupported};
use super::wire::{BatchEmbedRequest, BatchEmbedResponse, Content, EmbedRequest, Part};
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
