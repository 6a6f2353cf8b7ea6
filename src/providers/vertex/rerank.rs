//! Reranking through the Vertex AI ranking API, which is served by Discovery Engine
//! (`POST {base}/projects/{project}/locations/global/rankingConfigs/default_ranking_config:rank`),
//! with the key's service-account token (its cloud-platform scope covers the API).
//! The translation is pure and unit-tested against `tests/fixtures/vertex/rank_*.json`.
//! Reference: <https://cloud.google.com/generative-ai-app-builder/docs/ranking>.

use bytes::Bytes;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::Vertex;
use crate::providers::{Call, ProviderError, Reply};
use crate::schema::{RerankRequest, RerankResponse, RerankResult};

/// The ranking API's host; it is global, whatever the key's region.
const DISCOVERY_ENGINE: &str = "https://discoveryengine.googleapis.com/v1";

/// The API ranks at most this many records in one call.
const MAX_RECORDS: usize = 200;

fn refuse(detail: String) -> ProviderError {
    ProviderError::Unsupported(format!("cannot rerank through vertex: {detail}"))
}

/// One document as a ranking record, its id its position in the request: strings and
/// objects' string `text` are the content (an object's string `title` goes along, as
/// the API ranks titles too); any other value is ranked as its JSON text.
fn record(index: usize, doc: &Value) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), index.to_string().into());
    if let Some(title) = doc.get("title").and_then(Value::as_str) {
        out.insert("title".into(), title.into());
    }
    let content = match doc
        .as_str()
        .or_else(|| doc.get("text").and_then(Value::as_str))
    {
        Some(text) => text.to_string(),
        None => doc.to_string(),
    };
    out.insert("content".into(), content.into());
    Value::Object(out)
}

/// The `:rank` body for `req`, ranking with `model`.
pub(super) fn to_request(model: &str, req: &RerankRequest) -> Result<Value, ProviderError> {
    let count = req.documents.len();
    if count == 0 {
        return Err(refuse("`documents` is empty".into()));
    }
    if count > MAX_RECORDS {
        return Err(refuse(format!(
            "{count} documents given; the ranking API ranks at most {MAX_RECORDS}"
        )));
    }
    let mut body = json!({
        "model": model,
        "query": req.query,
        "records": req.documents.iter().enumerate().map(|(i, d)| record(i, d)).collect::<Vec<_>>(),
        // Documents are echoed from the request, so the answer need not carry them.
        "ignoreRecordDetailsInResponse": req.return_documents != Some(true),
    });
    match req.top_n {
        // The API reads 0 as "all", which is not what `top_n: 0` asks for.
        Some(0) => return Err(refuse("`top_n` must be at least 1".into())),
        Some(n) => body["topN"] = n.into(),
        None => {}
    }
    Ok(body)
}

/// The part of a `:rank` answer bifrost reads.
#[derive(Debug, Deserialize)]
struct RankResponse {
    /// Absent when nothing was ranked.
    #[serde(default)]
    records: Vec<RankedRecord>,
}

#[derive(Debug, Deserialize)]
struct RankedRecord {
    id: String,
    /// Proto3 JSON omits zero scores.
    #[serde(default)]
    score: f64,
}

/// The canonical answer: indexes read back from the record ids, best first, documents
/// echoed from the request when asked for.
pub(super) fn from_response(
    req: &RerankRequest,
    body: Value,
    id: &str,
) -> Result<RerankResponse, ProviderError> {
    let answer: RankResponse = serde_json::from_value(body)
        .map_err(|e| ProviderError::InvalidResponse(format!("not a vertex rank answer: {e}")))?;
    let echo = req.return_documents == Some(true);
    let mut results = Vec::with_capacity(answer.records.len());
    for r in answer.records {
        let index =
            r.id.parse::<usize>()
                .ok()
                .filter(|i| *i < req.documents.len());
        let index = index.ok_or_else(|| {
            ProviderError::InvalidResponse(format!(
                "vertex ranked a record bifrost did not send (id `{}`)",
                r.id
            ))
        })?;
        results.push(RerankResult {
            index,
            relevance_score: r.score,
            document: echo.then(|| req.documents[index].clone()),
        });
    }
    results.sort_by(|a, b| b.relevance_score.total_cmp(&a.relevance_score));
    Ok(RerankResponse {
        id: id.to_string(),
        results,
        extra: Map::new(),
    })
}

impl Vertex {
    /// One rerank: the key's project and model (through `deployments`), the token, the
    /// ranking call.
    pub(super) async fn rerank_call(
        &self,
        call: &Call,
        req: &RerankRequest,
    ) -> Result<Reply<RerankResponse>, ProviderError> {
        // Resolving the usual target validates the key's project id and maps the model;
        // its regional host and region are not used, the ranking API being global.
        let target = self.target(call)?;
        let body = to_request(&target.model, req)?;
        let bytes = serde_json::to_vec(&body)
            .map_err(|e| ProviderError::InvalidResponse(format!("cannot encode request: {e}")))?;
        let base = self
            .base_url
            .as_deref()
            .map_or(DISCOVERY_ENGINE, |b| b.trim_end_matches('/'));
        let url = format!(
            "{base}/projects/{}/locations/global/rankingConfigs/default_ranking_config:rank",
            target.project
        );
        let (headers, credentials) = self.headers(call).await?;
        let sent = self
            .transport
            .post_json(&url, headers, Bytes::from(bytes))
            .await;
        // A refused token (revoked, or expired early) must not be reused until it expires.
        if let Err(ProviderError::Status { status: 401, .. }) = &sent {
            self.tokens.forget(&credentials);
        }
        let exchange = sent?;
        let headers = exchange.forwardable_headers();
        let value = exchange.decode::<Value>("JSON").await?;
        Ok(Reply {
            body: from_response(req, value, &call.request_id)?,
            headers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        crate::providers::test_fixture(&format!("vertex/{name}"))
    }

    fn request(top_n: Option<u32>, return_documents: Option<bool>) -> RerankRequest {
        serde_json::from_value(json!({
            "model": "vx/semantic-ranker-default@latest",
            "query": "What is the capital of the United States?",
            "documents": [
                "Carson City is the capital city of the American state of Nevada.",
                {"title": "United States", "text": "Washington, D.C. is the capital of the United States."},
                {"city": "Saipan", "role": "capital of the Northern Mariana Islands"}
            ],
            "top_n": top_n, "return_documents": return_documents
        }))
        .unwrap()
    }

    #[test]
    fn the_request_is_the_reference_body() {
        let body = to_request(
            "semantic-ranker-default@latest",
            &request(Some(2), Some(true)),
        );
        assert_eq!(body.unwrap(), fixture("rank_request"));
    }

    #[test]
    fn details_are_skipped_unless_documents_are_wanted_and_top_n_is_optional() {
        let body = to_request("m", &request(None, None)).unwrap();
        assert_eq!(body["ignoreRecordDetailsInResponse"], true);
        assert!(body.get("topN").is_none());
        assert!(to_request("m", &request(Some(0), None)).is_err());
        let mut empty = request(None, None);
        empty.documents.clear();
        assert!(to_request("m", &empty).is_err());
    }

    #[test]
    fn the_answer_is_canonical_best_first_with_documents_when_asked() {
        let req = request(Some(2), Some(true));
        let out = from_response(&req, fixture("rank_response"), "req-1").unwrap();
        assert_eq!(out.id, "req-1");
        assert_eq!(out.results.len(), 2);
        assert_eq!(out.results[0].index, 1);
        assert_eq!(out.results[0].relevance_score, 0.98);
        assert_eq!(out.results[0].document, Some(req.documents[1].clone()));
        assert_eq!(out.results[1].index, 2);

        // Out of order and without details: sorted, no documents.
        let plain = request(None, None);
        let answer =
            json!({"records": [{"id": "0", "score": 0.1}, {"id": "2", "score": 0.6}, {"id": "1"}]});
        let out = from_response(&plain, answer, "r").unwrap();
        let order: Vec<usize> = out.results.iter().map(|r| r.index).collect();
        assert_eq!(order, [2, 0, 1]);
        assert!(out.results.iter().all(|r| r.document.is_none()));
        assert!(from_response(&plain, json!({}), "r")
            .unwrap()
            .results
            .is_empty());
    }

    #[test]
    fn records_that_were_not_sent_are_refused() {
        let req = request(None, None);
        for id in ["3", "x", "-1"] {
            let answer = json!({"records": [{"id": id, "score": 0.5}]});
            assert!(from_response(&req, answer, "r").is_err(), "{id}");
        }
        assert!(from_response(&req, json!({"records": {}}), "r").is_err());
    }
}
