//! Reranking through the Rerank API of Bedrock Agent Runtime (`POST /rerank` on
//! `bedrock-agent-runtime.{region}.amazonaws.com`, signed like the runtime with the
//! signing name `bedrock`). The translation is pure and unit-tested against
//! `tests/fixtures/bedrock/rerank_*.json`; the I/O at the end reuses the adapter's
//! key resolution and signed POST.
//! Reference: <https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent-runtime_Rerank.html>.

use http::HeaderValue;
use serde::Deserialize;
use serde_json::{json, Value};

use super::target::{Auth, Target};
use super::{encode, Bedrock};
use crate::providers::{Call, ProviderError, Reply};
use crate::schema::{RerankRequest, RerankResponse, RerankResult};

/// `numberOfResults` may not exceed this, so more documents cannot be ranked in one call.
const MAX_RESULTS: usize = 1000;

/// Pages of `nextToken` followed before giving up: the API pages only past what one
/// answer holds, so a reranker that keeps paging is misbehaving.
const MAX_PAGES: usize = 16;

fn refuse(detail: String) -> ProviderError {
    ProviderError::Unsupported(format!("cannot rerank through bedrock: {detail}"))
}

/// The model ARN the Rerank API wants: `model_id` itself when it already is an ARN
/// (a deployment may map to one), else the foundation model's ARN in `region`.
pub(super) fn model_arn(model_id: &str, region: Option<&str>) -> Result<String, ProviderError> {
    if model_id.starts_with("arn:") {
        return Ok(model_id.to_string());
    }
    match region {
        Some(region) => Ok(format!(
            "arn:aws:bedrock:{region}::foundation-model/{model_id}"
        )),
        None => Err(refuse(format!(
            "the Rerank API names models by ARN, and this key names no region to build one \
             for `{model_id}`; map the model to its ARN in the key's deployments \
             (arn:aws:bedrock:REGION::foundation-model/{model_id})"
        ))),
    }
}

/// One document as a Rerank source: strings and objects with a string `text` are
/// text documents; other objects go as JSON documents, which the API ranks as they
/// are; any other value is ranked as its JSON text.
fn source(doc: &Value) -> Value {
    let text = doc
        .as_str()
        .or_else(|| doc.get("text").and_then(Value::as_str));
    let inline = match (text, doc) {
        (Some(text), _) => json!({"type": "TEXT", "textDocument": {"text": text}}),
        (None, Value::Object(_)) => json!({"type": "JSON", "jsonDocument": doc}),
        (None, other) => json!({"type": "TEXT", "textDocument": {"text": other.to_string()}}),
    };
    json!({"type": "INLINE", "inlineDocumentSource": inline})
}

/// The Rerank body for `req`, ranking with `model_arn`. `numberOfResults` is `top_n`
/// (capped at the number of documents, which the API would refuse) or every document.
pub(super) fn to_request(req: &RerankRequest, model_arn: &str) -> Result<Value, ProviderError> {
    let count = req.documents.len();
    if count == 0 {
        return Err(refuse("`documents` is empty".into()));
    }
    if count > MAX_RESULTS {
        return Err(refuse(format!(
            "{count} documents given; the Rerank API ranks at most {MAX_RESULTS}"
        )));
    }
    let wanted = match req.top_n {
        Some(0) => return Err(refuse("`top_n` must be at least 1".into())),
        Some(n) => usize::try_from(n).map_or(count, |n| n.min(count)),
        None => count,
    };
    Ok(json!({
        "queries": [{"type": "TEXT", "textQuery": {"text": req.query}}],
        "sources": req.documents.iter().map(source).collect::<Vec<_>>(),
        "rerankingConfiguration": {
            "type": "BEDROCK_RERANKING_MODEL",
            "bedrockRerankingConfiguration": {
                "numberOfResults": wanted,
                "modelConfiguration": {"modelArn": model_arn},
            },
        },
    }))
}

/// The part of a Rerank answer bifrost reads; the echoed `document` is not needed,
/// since the request's own document is echoed instead.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Page {
    results: Vec<PageResult>,
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageResult {
    index: usize,
    relevance_score: f64,
}

/// Reads one answer page.
pub(super) fn parse_page(body: Value) -> Result<Page, ProviderError> {
    serde_json::from_value(body)
        .map_err(|e| ProviderError::InvalidResponse(format!("not a bedrock rerank answer: {e}")))
}

/// The canonical answer from the answer pages: best first (the API promises that
/// order, but pages are merged, so it is restored), documents echoed from the request
/// when asked for, and at most `numberOfResults`, which a page may not honour.
pub(super) fn from_pages(
    req: &RerankRequest,
    pages: Vec<Page>,
    id: &str,
) -> Result<RerankResponse, ProviderError> {
    let echo = req.return_documents == Some(true);
    let mut results = Vec::new();
    for r in pages.into_iter().flat_map(|p| p.results) {
        let document = req.documents.get(r.index).ok_or_else(|| {
            ProviderError::InvalidResponse(format!(
                "bedrock ranked document {} of {}",
                r.index,
                req.documents.len()
            ))
        })?;
        results.push(RerankResult {
            index: r.index,
            relevance_score: r.relevance_score,
            document: echo.then(|| document.clone()),
        });
    }
    results.sort_by(|a, b| b.relevance_score.total_cmp(&a.relevance_score));
    if let Some(n) = req.top_n.and_then(|n| usize::try_from(n).ok()) {
        results.truncate(n);
    }
    Ok(RerankResponse {
        id: id.to_string(),
        results,
        extra: Default::default(),
    })
}

/// The Agent Runtime endpoint for a call: `base_url` as configured, except that the
/// Bedrock runtime's own AWS host becomes the agent runtime's (the Rerank API is not
/// served there), else the regional agent runtime of the key's region.
fn endpoint(base_url: Option<&str>, target: &Target) -> String {
    match (base_url, &target.auth) {
        (Some(base), _) => match base.strip_prefix("https://bedrock-runtime.") {
            Some(rest) if rest.ends_with(".amazonaws.com") => {
                format!("https://bedrock-agent-runtime.{rest}")
            }
            _ => base.to_string(),
        },
        (None, Auth::SigV4 { region, .. }) => {
            format!("https://bedrock-agent-runtime.{region}.amazonaws.com")
        }
        // `target` refuses API keys without a base URL; this stays correct regardless.
        (None, Auth::Bearer(_)) => target.endpoint.clone(),
    }
}

/// The region a call runs in: the key's for AWS credentials, else the one in a base URL
/// of the form `https://bedrock[-agent]-runtime.{region}.amazonaws.com`.
fn region(base_url: Option<&str>, auth: &Auth) -> Option<String> {
    match auth {
        Auth::SigV4 { region, .. } => Some(region.clone()),
        Auth::Bearer(_) => {
            let host = base_url?.strip_prefix("https://")?;
            let host = host.split('/').next()?;
            let rest = host
                .strip_prefix("bedrock-runtime.")
                .or_else(|| host.strip_prefix("bedrock-agent-runtime."))?;
            let region = rest.strip_suffix(".amazonaws.com")?;
            (!region.is_empty() && !region.contains('.')).then(|| region.to_string())
        }
    }
}

impl Bedrock {
    /// One rerank: the body built, signed and sent, `nextToken` pages followed.
    pub(super) async fn rerank_call(
        &self,
        call: &Call,
        req: &RerankRequest,
    ) -> Result<Reply<RerankResponse>, ProviderError> {
        let target = self.target(call)?;
        let base = self.base_url.as_deref();
        let arn = model_arn(&target.model_id, region(base, &target.auth).as_deref())?;
        let mut body = to_request(req, &arn)?;
        let url = format!("{}/rerank", endpoint(base, &target));
        let mut pages = Vec::new();
        // The last answer's headers go to the client (rate limits are freshest there).
        let mut headers;
        loop {
            let exchange = self
                .post_signed(
                    call,
                    &target,
                    &url,
                    HeaderValue::from_static("application/json"),
                    encode(&body)?,
                )
                .await?;
            headers = exchange.forwardable_headers();
            let value = exchange.decode::<Value>("JSON").await?;
            let page = parse_page(value)?;
            let next = page.next_token.clone().filter(|t| !t.is_empty());
            pages.push(page);
            match next {
                None => break,
                Some(_) if pages.len() >= MAX_PAGES => {
                    return Err(ProviderError::InvalidResponse(format!(
                        "bedrock rerank still paging after {MAX_PAGES} answers"
                    )))
                }
                Some(token) => body["nextToken"] = token.into(),
            }
        }
        Ok(Reply {
            body: from_pages(req, pages, &call.request_id)?,
            headers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        crate::providers::test_fixture(&format!("bedrock/{name}"))
    }

    fn request(top_n: Option<u32>, return_documents: bool) -> RerankRequest {
        serde_json::from_value(json!({
            "model": "aws/rerank", "query": "What is the capital of the United States?",
            "documents": [
                "Carson City is the capital city of the American state of Nevada.",
                {"text": "Washington, D.C. is the capital of the United States.", "id": "dc"},
                {"city": "Saipan", "role": "capital of the Northern Mariana Islands"}
            ],
            "top_n": top_n, "return_documents": return_documents
        }))
        .unwrap()
    }

    #[test]
    fn the_request_is_the_reference_body() {
        let arn = model_arn("amazon.rerank-v1:0", Some("us-west-2")).unwrap();
        let body = to_request(&request(Some(2), false), &arn).unwrap();
        assert_eq!(body, fixture("rerank_request"));
    }

    #[test]
    fn every_document_is_ranked_without_top_n_and_top_n_is_capped() {
        let all = to_request(&request(None, false), "arn:x").unwrap();
        let n = "/rerankingConfiguration/bedrockRerankingConfiguration/numberOfResults";
        assert_eq!(all.pointer(n), Some(&json!(3)));
        let capped = to_request(&request(Some(50), false), "arn:x").unwrap();
        assert_eq!(capped.pointer(n), Some(&json!(3)));
        assert!(to_request(&request(Some(0), false), "arn:x").is_err());
        let mut empty = request(None, false);
        empty.documents.clear();
        assert!(to_request(&empty, "arn:x").is_err());
        // Scalars that are not strings are ranked as their JSON text.
        let mut odd = request(None, false);
        odd.documents = vec![json!(42)];
        let body = to_request(&odd, "arn:x").unwrap();
        assert_eq!(
            body["sources"][0]["inlineDocumentSource"]["textDocument"]["text"],
            "42"
        );
    }

    #[test]
    fn model_arns_are_built_unless_given() {
        let arn = "arn:aws:bedrock:eu-central-1::foundation-model/cohere.rerank-v3-5:0";
        assert_eq!(model_arn(arn, None).unwrap(), arn);
        assert_eq!(
            model_arn("cohere.rerank-v3-5:0", Some("eu-central-1")).unwrap(),
            arn
        );
        let e = model_arn("cohere.rerank-v3-5:0", None).unwrap_err();
        assert!(e.to_string().contains("deployments"), "{e}");
    }

    #[test]
    fn the_answer_is_canonical_best_first_with_documents_when_asked() {
        let req = request(Some(2), true);
        let page = parse_page(fixture("rerank_response")).unwrap();
        let out = from_pages(&req, vec![page], "req-1").unwrap();
        assert_eq!(out.id, "req-1");
        assert_eq!(out.results.len(), 2);
        assert_eq!(out.results[0].index, 1);
        assert_eq!(out.results[0].relevance_score, 0.9765625);
        assert_eq!(out.results[0].document, Some(req.documents[1].clone()));
        assert_eq!(out.results[1].index, 2);

        let plain = request(Some(2), false);
        let page = parse_page(fixture("rerank_response")).unwrap();
        let out = from_pages(&plain, vec![page], "req-1").unwrap();
        assert!(out.results.iter().all(|r| r.document.is_none()));
        let json = serde_json::to_value(&out).unwrap();
        assert_eq!(
            json["results"][0],
            json!({"index": 1, "relevance_score": 0.9765625})
        );
    }

    #[test]
    fn pages_merge_in_score_order_and_bad_answers_are_refused() {
        let req = request(None, false);
        let pages = vec![
            parse_page(json!({"results": [{"index": 0, "relevanceScore": 0.2}], "nextToken": "t"}))
                .unwrap(),
            parse_page(json!({"results": [{"index": 2, "relevanceScore": 0.7}]})).unwrap(),
        ];
        let out = from_pages(&req, pages, "r").unwrap();
        let order: Vec<usize> = out.results.iter().map(|r| r.index).collect();
        assert_eq!(order, [2, 0]);
        let beyond = parse_page(json!({"results": [{"index": 3, "relevanceScore": 0.1}]}));
        assert!(from_pages(&req, vec![beyond.unwrap()], "r").is_err());
        assert!(parse_page(json!({"output": []})).is_err());
    }

    #[test]
    fn the_agent_runtime_host_replaces_the_runtime_host() {
        let creds = super::super::sign::AwsCredentials {
            access_key: "a".into(),
            secret_key: "s".into(),
            session_token: None,
        };
        let sigv4 = Target {
            endpoint: "https://bedrock-runtime.us-east-1.amazonaws.com".into(),
            auth: Auth::SigV4 {
                creds,
                region: "us-east-1".into(),
            },
            model_id: "m".into(),
        };
        assert_eq!(
            endpoint(None, &sigv4),
            "https://bedrock-agent-runtime.us-east-1.amazonaws.com"
        );
        assert_eq!(
            endpoint(Some("http://127.0.0.1:9"), &sigv4),
            "http://127.0.0.1:9"
        );
        let runtime = "https://bedrock-runtime.eu-west-3.amazonaws.com";
        let bearer = Target {
            endpoint: runtime.into(),
            auth: Auth::Bearer("k".into()),
            model_id: "m".into(),
        };
        assert_eq!(
            endpoint(Some(runtime), &bearer),
            "https://bedrock-agent-runtime.eu-west-3.amazonaws.com"
        );
        assert_eq!(
            region(Some(runtime), &bearer.auth).as_deref(),
            Some("eu-west-3")
        );
        assert_eq!(region(Some("http://127.0.0.1:9"), &bearer.auth), None);
    }
}
