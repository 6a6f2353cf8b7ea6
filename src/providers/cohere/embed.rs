//! Cohere's `/embed` and `/rerank`: requests built from the canonical types and answers
//! translated back, as pure functions (chat lives in `convert` and `response`).

use serde_json::{json, Value};

use super::convert::{invalid, unsupported};
use crate::providers::ProviderError;
use crate::schema::{EmbeddingRequest, RerankRequest, RerankResponse};

/// The `/embed` body: texts only (token arrays have no Cohere equivalent), floats only.
pub fn to_embed(model: &str, req: &EmbeddingRequest) -> Result<Value, ProviderError> {
    let texts: Vec<&str> = match &req.input {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_str().ok_or_else(|| {
                    invalid(
                        "embeddings input must be strings; token arrays are not supported".into(),
                    )
                })
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(invalid(
                "embeddings input must be a string or a list of strings".into(),
            ))
        }
    };
    let x = &req.extra;
    match x.get("encoding_format").and_then(Value::as_str) {
        None | Some("float") => {}
        Some(_) => return Err(unsupported("encoding_format")),
    }
    let input_type = x
        .get("input_type")
        .and_then(Value::as_str)
        .unwrap_or("search_document");
    let mut body = json!({"model": model, "texts": texts, "input_type": input_type,
        "embedding_types": ["float"]});
    if let Some(d) = x.get("dimensions").filter(|v| !v.is_null()) {
        body["output_dimension"] = d.clone();
    }
    if let Some(t) = x.get("truncate").filter(|v| !v.is_null()) {
        body["truncate"] = t.clone();
    }
    Ok(body)
}

/// The `/rerank` body. Cohere v2 takes documents as strings, so objects are reduced to
/// their `text`; `return_documents` is not sent (v2 dropped it) but honoured locally.
pub fn to_rerank(model: &str, req: &RerankRequest) -> Result<Value, ProviderError> {
    let mut docs = Vec::with_capacity(req.documents.len());
    for (i, d) in req.documents.iter().enumerate() {
        let text = d.as_str().or_else(|| d.get("text").and_then(Value::as_str));
        let text = text.ok_or_else(|| {
            invalid(format!(
                "documents[{i}] is neither a string nor an object with `text`"
            ))
        })?;
        docs.push(text);
    }
    let mut body = json!({"model": model, "query": req.query, "documents": docs});
    if let Some(n) = req.top_n {
        body["top_n"] = n.into();
    }
    if let Some(m) = req.extra.get("max_tokens_per_doc") {
        body["max_tokens_per_doc"] = m.clone();
    }
    Ok(body)
}

/// An `/embed` answer (`embeddings.float`) as OpenAI's embedding list.
pub fn from_embed(model: &str, body: &Value) -> Result<Value, ProviderError> {
    let vectors = body.pointer("/embeddings/float").and_then(Value::as_array);
    let vectors = vectors.ok_or_else(|| {
        ProviderError::InvalidResponse("cohere embed answer has no embeddings.float".into())
    })?;
    let data: Vec<Value> = vectors
        .iter()
        .enumerate()
        .map(|(i, v)| json!({"object": "embedding", "index": i, "embedding": v}))
        .collect();
    let tokens = body
        .pointer("/meta/billed_units/input_tokens")
        .and_then(Value::as_f64);
    let tokens = tokens
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map_or(0, |n| n as u64);
    Ok(json!({"object": "list", "data": data, "model": model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}))
}

/// A `/rerank` answer, with documents echoed from the request when it asked for them.
pub fn from_rerank(req: &RerankRequest, body: Value) -> Result<RerankResponse, ProviderError> {
    let mut out: RerankResponse = serde_json::from_value(body)
        .map_err(|e| ProviderError::InvalidResponse(format!("not a cohere rerank answer: {e}")))?;
    if req.return_documents == Some(true) {
        for r in &mut out.results {
            r.document = req.documents.get(r.index).cloned();
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        crate::providers::test_fixture(&format!("cohere/{name}"))
    }

    #[test]
    fn embeddings_go_out_as_texts_and_come_back_as_an_openai_list() {
        let req: EmbeddingRequest = serde_json::from_value(
            json!({"model": "x", "input": ["hello", "goodbye"], "dimensions": 256}),
        )
        .unwrap();
        let body = to_embed("embed-v4.0", &req).unwrap();
        assert_eq!(
            body,
            json!({"model": "embed-v4.0", "texts": ["hello", "goodbye"],
            "input_type": "search_document", "embedding_types": ["float"], "output_dimension": 256})
        );
        let query: EmbeddingRequest = serde_json::from_value(
            json!({"model": "x", "input": "q", "input_type": "search_query"}),
        )
        .unwrap();
        assert_eq!(to_embed("e", &query).unwrap()["input_type"], "search_query");
        let tokens: EmbeddingRequest =
            serde_json::from_value(json!({"model": "x", "input": [1, 2]})).unwrap();
        assert!(to_embed("e", &tokens).is_err());
        let out = from_embed("embed-v4.0", &fixture("embed_response")).unwrap();
        assert_eq!(out["object"], "list");
        assert_eq!(out["data"][1]["index"], 1);
        assert_eq!(out["data"][1]["embedding"][1], 0.021362305);
        assert_eq!(out["usage"], json!({"prompt_tokens": 2, "total_tokens": 2}));
    }

    #[test]
    fn rerank_sends_strings_and_echoes_documents_when_asked() {
        let req: RerankRequest = serde_json::from_value(json!({"model": "cohere/rerank-v3.5",
            "query": "capital of the US?", "top_n": 2, "return_documents": true,
            "documents": ["Carson City is in Nevada.", {"text": "Saipan is in the Pacific."},
                "Washington, D.C. is the capital."]}))
        .unwrap();
        let body = to_rerank("rerank-v3.5", &req).unwrap();
        assert_eq!(
            body,
            json!({"model": "rerank-v3.5", "query": "capital of the US?", "top_n": 2,
            "documents": ["Carson City is in Nevada.", "Saipan is in the Pacific.",
                "Washington, D.C. is the capital."]})
        );
        let out = from_rerank(&req, fixture("rerank_response")).unwrap();
        assert_eq!(out.results[0].index, 2);
        assert_eq!(
            out.results[0].document,
            Some(json!("Washington, D.C. is the capital."))
        );
        assert_eq!(out.extra["meta"]["billed_units"]["search_units"], 1);
        let bad: RerankRequest =
            serde_json::from_value(json!({"model": "m", "query": "q", "documents": [1]})).unwrap();
        assert!(to_rerank("m", &bad).is_err());
    }
}
