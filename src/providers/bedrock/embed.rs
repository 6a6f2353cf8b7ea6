//! Embeddings through InvokeModel, whose bodies are each model family's own format:
//! Titan (`amazon.titan-embed-*`, one text per request) and Cohere (`cohere.embed-*`,
//! a batch per request). Other families are refused rather than guessed at.

use serde_json::{json, Map, Value};

use crate::providers::ProviderError;
use crate::schema::EmbeddingRequest;

/// The embedding model families bifrost can talk to through InvokeModel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Amazon Titan text embeddings.
    Titan,
    /// Cohere Embed.
    Cohere,
}

/// The family of a Bedrock model id (or ARN / inference profile naming one).
pub fn family(model_id: &str) -> Result<Family, ProviderError> {
    if model_id.contains("amazon.titan-embed") {
        Ok(Family::Titan)
    } else if model_id.contains("cohere.embed") {
        Ok(Family::Cohere)
    } else {
        Err(ProviderError::Unsupported(format!(
            "bedrock embeddings support the amazon.titan-embed-* and cohere.embed-* models; \
             `{model_id}` is neither"
        )))
    }
}

fn unsupported(what: &str, family: Family) -> ProviderError {
    ProviderError::unsupported_param(
        what,
        format!(
            "parameter `{what}` is not supported for {family:?} embeddings on provider type \
             bedrock; remove it"
        ),
    )
}

/// The texts to embed, refusing what neither family takes.
pub fn inputs(req: &EmbeddingRequest, family: Family) -> Result<Vec<String>, ProviderError> {
    let x = &req.extra;
    match x.get("encoding_format").and_then(Value::as_str) {
        None | Some("float") => {}
        Some(_) => return Err(unsupported("encoding_format", family)),
    }
    if family == Family::Cohere && x.get("dimensions").is_some_and(|v| !v.is_null()) {
        return Err(unsupported("dimensions", family));
    }
    let texts = match &req.input {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                ProviderError::Unsupported(
                    "bedrock embeddings take text input; token arrays are not supported".into(),
                )
            })?,
        _ => {
            return Err(ProviderError::Unsupported(
                "bedrock embeddings take a string or a list of strings as input".into(),
            ))
        }
    };
    if texts.is_empty() {
        return Err(ProviderError::Unsupported(
            "the embeddings input is empty".into(),
        ));
    }
    Ok(texts)
}

/// A Titan request body for one text.
pub fn titan_body(text: &str, req: &EmbeddingRequest) -> Value {
    let mut body = json!({"inputText": text});
    if let Some(d) = req.extra.get("dimensions").filter(|v| !v.is_null()) {
        body["dimensions"] = d.clone();
    }
    body
}

/// A Titan answer: the vector and the input's token count.
pub fn titan_answer(v: &Value) -> Result<(Value, u64), ProviderError> {
    let embedding = v
        .get("embedding")
        .filter(|e| e.is_array())
        .cloned()
        .ok_or_else(|| bad_answer("Titan", v))?;
    let tokens = v
        .get("inputTextTokenCount")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    Ok((embedding, tokens))
}

/// A Cohere request body; `input_type` defaults to `search_document`, the right one
/// for indexing, and may be set by the client.
pub fn cohere_body(texts: &[String], req: &EmbeddingRequest) -> Value {
    let input_type = req
        .extra
        .get("input_type")
        .and_then(Value::as_str)
        .unwrap_or("search_document");
    json!({"texts": texts, "input_type": input_type})
}

/// A Cohere answer's vectors (`embeddings` is a list, or `{float: list}` when typed).
pub fn cohere_answer(v: &Value, expected: usize) -> Result<Vec<Value>, ProviderError> {
    let list = match v.get("embeddings") {
        Some(Value::Array(a)) => a.clone(),
        Some(Value::Object(o)) => match o.get("float") {
            Some(Value::Array(a)) => a.clone(),
            _ => return Err(bad_answer("Cohere", v)),
        },
        _ => return Err(bad_answer("Cohere", v)),
    };
    if list.len() != expected {
        return Err(ProviderError::InvalidResponse(format!(
            "Cohere returned {} embeddings for {expected} inputs",
            list.len()
        )));
    }
    Ok(list)
}

fn bad_answer(family: &str, v: &Value) -> ProviderError {
    let shown: String = v.to_string().chars().take(300).collect();
    ProviderError::InvalidResponse(format!("not a {family} embeddings answer: {shown}"))
}

/// The OpenAI `list` answer.
pub fn list(model: &str, vectors: Vec<Value>, prompt_tokens: u64) -> Value {
    let data: Vec<Value> = vectors
        .into_iter()
        .enumerate()
        .map(|(i, e)| json!({"object": "embedding", "index": i, "embedding": e}))
        .collect();
    let mut usage = Map::new();
    usage.insert("prompt_tokens".into(), prompt_tokens.into());
    usage.insert("total_tokens".into(), prompt_tokens.into());
    json!({"object": "list", "data": data, "model": model, "usage": usage})
}
