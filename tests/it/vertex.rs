//! The `vertex` provider type end to end: an OpenAI-format client, the gateway, and one
//! mock serving both Google's token endpoint and Vertex's rawPredict/streamRawPredict
//! for Claude (answers from `tests/fixtures/anthropic`), generateContent and
//! streamGenerateContent for Gemini (`tests/fixtures/gemini`) and `:predict` for
//! embedding models. The service account under
//! `tests/fixtures/vertex` holds a throwaway RSA key made for these tests only.

use serde_json::{json, Value};

use crate::support::client::{post, send, Events};
use crate::support::gateway::Gateway;
use crate::support::upstream::{MockUpstream, Recorded, Reply};

const TOKEN: &str = "ya29.mock-access-token";
const RAW_PREDICT: &str = "/v1/projects/my-proj/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict";
const STREAM_RAW_PREDICT: &str = "/v1/projects/my-proj/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514:streamRawPredict";
const GENERATE: &str =
    "/v1/projects/my-proj/locations/us-east5/publishers/google/models/gemini-2.5-flash:generateContent";
const STREAM_GENERATE: &str = "/v1/projects/my-proj/locations/us-east5/publishers/google/models/gemini-2.5-flash:streamGenerateContent";
const PREDICT: &str =
    "/v1/projects/my-proj/locations/us-east5/publishers/google/models/text-embedding-005:predict";

fn fixture(path: &str) -> Value {
    crate::support::fixture(path)
}

/// The Anthropic stream fixture as SSE text (`event:` and `data:` lines).
fn anthropic_sse() -> Vec<u8> {
    let events = fixture("anthropic/stream_tool_use");
    let mut out = String::new();
    for e in events.as_array().unwrap() {
        out.push_str(&format!(
            "event: {}\ndata: {}\n\n",
            e["event"].as_str().unwrap(),
            e["data"]
        ));
    }
    out.into_bytes()
}

/// The Gemini stream fixture as SSE text (`data:` lines only, no `[DONE]`).
fn gemini_sse() -> Vec<u8> {
    let events = fixture("gemini/stream_text_tool");
    let mut out = String::new();
    for e in events.as_array().unwrap() {
        out.push_str(&format!("data: {e}\n\n"));
    }
    out.into_bytes()
}

/// A mock that is both the token endpoint (`/token`) and Vertex.
async fn upstream() -> MockUpstream {
    MockUpstream::start(|r| match r.path.as_str() {
        "/token" => {
            Reply::json(json!({"access_token": TOKEN, "expires_in": 3599, "token_type": "Bearer"}))
        }
        RAW_PREDICT => Reply::json(fixture("anthropic/messages_response")),
        STREAM_RAW_PREDICT => Reply::Raw {
            status: 200,
            content_type: "text/event-stream".into(),
            body: anthropic_sse(),
        },
        GENERATE => Reply::json(fixture("gemini/generate_content_response")),
        STREAM_GENERATE => Reply::Raw {
            status: 200,
            content_type: "text/event-stream".into(),
            body: gemini_sse(),
        },
        PREDICT => Reply::json(json!({"predictions": [
            {"embeddings": {"values": [0.5, -0.25], "statistics": {"token_count": 3, "truncated": false}}},
            {"embeddings": {"values": [0.125, 1.0], "statistics": {"token_count": 2, "truncated": false}}}
        ]})),
        _ => Reply::status(
            404,
            json!({"error": {"code": 404, "message": "no such model", "status": "NOT_FOUND"}}),
        ),
    })
    .await
}

/// One vertex provider `vx` with key `sa1` whose service account is `credentials`.
fn config(up: &MockUpstream, credentials: &str) -> String {
    let credentials = toml::Value::String(credentials.to_string());
    format!(
        r#"
[providers.vx]
type = "vertex"
base_url = "{}"
[[providers.vx.keys]]
name = "sa1"
value = ""
[providers.vx.keys.vertex_key_config]
project_id = "my-proj"
region = "us-east5"
auth_credentials = {credentials}
deployments = {{ "claude-sonnet-4" = "claude-sonnet-4@20250514" }}
"#,
        up.base_url()
    )
}

fn service_account(up: &MockUpstream) -> String {
    let mut sa = fixture("vertex/service_account");
    sa["token_uri"] = json!(format!("{}/token", up.root_url()));
    sa.to_string()
}

fn calls_to<'a>(seen: &'a [Recorded], path: &str) -> Vec<&'a Recorded> {
    seen.iter().filter(|r| r.path == path).collect()
}

#[tokio::test]
async fn claude_on_vertex_carries_the_mock_token_and_a_vertex_body() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up, &service_account(&up))).await;
    let mut body = fixture("anthropic/openai_tool_request");
    body["model"] = json!("vx/claude-sonnet-4");
    for _ in 0..2 {
        let resp = post(&gw.url("/v1/chat/completions"), &body).await;
        assert_eq!(resp.status, 200, "{}", resp.text());
        let answer = resp.json();
        assert_eq!(answer["choices"][0]["finish_reason"], "tool_calls");
        let call = &answer["choices"][0]["message"]["tool_calls"][0];
        assert_eq!(call["function"]["name"], "get_weather");
        assert_eq!(answer["usage"]["total_tokens"], 1861);
    }
    let seen = up.requests();
    let tokens = calls_to(&seen, "/token");
    assert_eq!(tokens.len(), 1, "the second call must use the cached token");
    assert_eq!(
        tokens[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form = String::from_utf8_lossy(&tokens[0].raw_body).to_string();
    assert!(
        form.starts_with(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=ey"
        ),
        "{form}"
    );
    let predicts = calls_to(&seen, RAW_PREDICT);
    assert_eq!(predicts.len(), 2);
    assert_eq!(predicts[0].bearer(), Some(TOKEN));
    let mut expected = fixture("anthropic/messages_request");
    expected.as_object_mut().unwrap().remove("model");
    expected["anthropic_version"] = json!("vertex-2023-10-16");
    assert_eq!(predicts[0].body, expected);
    assert!(predicts[0].body.get("model").is_none());
}

#[tokio::test]
async fn a_claude_stream_on_vertex_translates_like_anthropic() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up, &service_account(&up))).await;
    let body = json!({"model": "vx/claude-sonnet-4", "stream": true,
        "stream_options": {"include_usage": true},
        "messages": [{"role": "user", "content": "What is the weather in San Francisco?"}]});
    let resp = send(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let all = Events::new(resp).rest().await;
    assert_eq!(all.last().map(String::as_str), Some("[DONE]"), "{all:?}");
    let chunks: Vec<Value> = all[..all.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"].get(0)?["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "Okay, let's check the weather for San Francisco, CA:");
    assert_eq!(chunks.last().unwrap()["usage"]["total_tokens"], 561);
    let seen = up.requests();
    let streamed = calls_to(&seen, STREAM_RAW_PREDICT);
    assert_eq!(streamed.len(), 1);
    assert_eq!(streamed[0].bearer(), Some(TOKEN));
    assert_eq!(streamed[0].body["stream"], true);
    assert_eq!(streamed[0].body["anthropic_version"], "vertex-2023-10-16");
    assert!(streamed[0].body.get("model").is_none());
}

#[tokio::test]
async fn a_bad_service_account_json_is_a_clear_error_naming_the_key() {
    let up = upstream().await;
    let gw = Gateway::start(&config(
        &up,
        "{\"client_email\": \"x@y\", \"private_key\": 12",
    ))
    .await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "vx/claude-sonnet-4", "messages": [{"role": "user", "content": "hi"}]}),
    )
    .await;
    assert_eq!(resp.status, 502, "{}", resp.text());
    let message = resp.error_message();
    assert!(
        message.contains("vertex key `sa1`") && message.contains("auth_credentials"),
        "{message}"
    );
    assert!(message.contains("not valid JSON"), "{message}");
    assert_eq!(up.request_count(), 0);
}

/// Vertex's Gemini requests carry the bearer token and nothing of AI Studio's key.
fn assert_vertex_gemini(seen: &Recorded) {
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.bearer(), Some(TOKEN));
    assert_eq!(seen.header("x-goog-api-key"), None);
    assert!(seen.header("x-request-id").is_some_and(|v| !v.is_empty()));
}

#[tokio::test]
async fn gemini_on_vertex_sends_the_gemini_body_to_generate_content_with_the_token() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up, &service_account(&up))).await;
    let mut body = fixture("gemini/openai_tool_request");
    body["model"] = json!("vx/gemini-2.5-flash");
    let resp = post(&gw.url("/v1/chat/completions"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let choice = &resp.json()["choices"][0];
    assert_eq!(choice["finish_reason"], "tool_calls");
    let call = &choice["message"]["tool_calls"][0];
    assert_eq!(call["function"]["name"], "get_weather");
    let seen = up.requests();
    let generated = calls_to(&seen, GENERATE);
    assert_eq!(generated.len(), 1, "{seen:?}");
    assert_vertex_gemini(generated[0]);
    assert_eq!(generated[0].query, None);
    assert_eq!(
        generated[0].body,
        fixture("gemini/generate_content_request")
    );
}

#[tokio::test]
async fn a_gemini_stream_on_vertex_translates_like_the_gemini_adapter() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up, &service_account(&up))).await;
    let body = json!({"model": "vx/gemini-2.5-flash", "stream": true,
        "stream_options": {"include_usage": true},
        "messages": [{"role": "user", "content": "Weather in Paris?"}]});
    let resp = send(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let all = Events::new(resp).rest().await;
    assert_eq!(all.last().map(String::as_str), Some("[DONE]"), "{all:?}");
    let chunks: Vec<Value> = all[..all.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"].get(0)?["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "Checking the weather in Paris.");
    let call = chunks
        .iter()
        .find_map(|c| c["choices"].get(0)?["delta"]["tool_calls"].get(0))
        .unwrap();
    assert_eq!(call["function"]["name"], "get_weather");
    assert_eq!(chunks.last().unwrap()["usage"]["total_tokens"], 45);
    let seen = up.requests();
    let streamed = calls_to(&seen, STREAM_GENERATE);
    assert_eq!(streamed.len(), 1, "{seen:?}");
    assert_vertex_gemini(streamed[0]);
    assert_eq!(streamed[0].query.as_deref(), Some("alt=sse"));
    assert_eq!(
        streamed[0].body,
        json!({"contents": [{"role": "user", "parts": [{"text": "Weather in Paris?"}]}]})
    );
}

#[tokio::test]
async fn embeddings_on_vertex_go_to_predict_with_instances() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up, &service_account(&up))).await;
    let body =
        json!({"model": "vx/text-embedding-005", "input": ["a b c", "d e"], "dimensions": 2});
    let resp = post(&gw.url("/v1/embeddings"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let answer = resp.json();
    assert_eq!(answer["object"], "list");
    assert_eq!(answer["data"][1]["index"], 1);
    assert_eq!(answer["data"][1]["embedding"], json!([0.125, 1.0]));
    assert_eq!(answer["usage"]["prompt_tokens"], 5);
    let seen = up.requests();
    let predicts = calls_to(&seen, PREDICT);
    assert_eq!(predicts.len(), 1, "{seen:?}");
    assert_vertex_gemini(predicts[0]);
    assert_eq!(
        predicts[0].body,
        json!({"instances": [{"content": "a b c"}, {"content": "d e"}],
            "parameters": {"outputDimensionality": 2}})
    );
}

#[tokio::test]
async fn a_parameter_gemini_lacks_is_refused_naming_vertex() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up, &service_account(&up))).await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "vx/gemini-2.5-flash", "audio": {"voice": "alloy", "format": "wav"},
            "messages": [{"role": "user", "content": "hi"}]}),
    )
    .await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    let message = resp.error_message();
    assert!(
        message.contains("audio") && message.contains("Gemini on provider type vertex"),
        "{message}"
    );
    assert_eq!(up.request_count(), 0);
}

#[tokio::test]
async fn a_token_vertex_refuses_is_dropped_and_the_next_call_fetches_a_new_one() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (tokens, predicts) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let up = MockUpstream::start(move |r| match r.path.as_str() {
        "/token" => {
            let n = tokens.fetch_add(1, Ordering::SeqCst) + 1;
            Reply::json(json!({"access_token": format!("token-{n}"), "expires_in": 3599}))
        }
        // The first token is refused, as a revoked one would be.
        RAW_PREDICT if predicts.fetch_add(1, Ordering::SeqCst) == 0 => Reply::status(
            401,
            json!({"error": {"code": 401, "message": "Request had invalid authentication credentials.", "status": "UNAUTHENTICATED"}}),
        ),
        RAW_PREDICT => Reply::json(fixture("anthropic/messages_response")),
        _ => Reply::status(404, json!({"error": {"message": "no such path"}})),
    })
    .await;
    let gw = Gateway::start(&config(&up, &service_account(&up))).await;
    let body =
        json!({"model": "vx/claude-sonnet-4", "messages": [{"role": "user", "content": "hi"}]});
    let first = post(&gw.url("/v1/chat/completions"), &body).await;
    assert_ne!(first.status, 200, "{}", first.text());
    assert!(
        first.error_message().contains("invalid authentication"),
        "{}",
        first.text()
    );
    let second = post(&gw.url("/v1/chat/completions"), &body).await;
    assert_eq!(second.status, 200, "{}", second.text());
    let seen = up.requests();
    assert_eq!(calls_to(&seen, "/token").len(), 2);
    let predicts = calls_to(&seen, RAW_PREDICT);
    assert_eq!(predicts[0].bearer(), Some("token-1"));
    assert_eq!(predicts[1].bearer(), Some("token-2"));
}

const RANK: &str =
    "/v1/projects/my-proj/locations/global/rankingConfigs/default_ranking_config:rank";

/// A mock that is the token endpoint and the ranking API, answering out of order.
async fn ranking_upstream() -> MockUpstream {
    MockUpstream::start(|r| match r.path.as_str() {
        "/token" => {
            Reply::json(json!({"access_token": TOKEN, "expires_in": 3599, "token_type": "Bearer"}))
        }
        RANK => Reply::json(json!({"records": [
            {"id": "0", "score": 0.25},
            {"id": "1", "score": 0.9, "content": "Paris is the capital of France."}
        ]})),
        _ => Reply::status(404, json!({"error": {"message": "no such path"}})),
    })
    .await
}

#[tokio::test]
async fn rerank_carries_the_token_to_the_ranking_api_and_is_answered_best_first() {
    let up = ranking_upstream().await;
    let config = config(&up, &service_account(&up)).replace(
        "deployments = {",
        "deployments = { \"ranker\" = \"semantic-ranker-default@latest\", ",
    );
    let gw = Gateway::start(&config).await;
    let body = json!({"model": "vx/ranker", "query": "capital of France?",
        "documents": ["Berlin is in Germany.", {"title": "France", "text": "Paris is the capital of France."}],
        "top_n": 2, "return_documents": true});
    let resp = post(&gw.url("/v1/rerank"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let answer = resp.json();
    assert_eq!(
        answer["results"],
        json!([
            {"index": 1, "relevance_score": 0.9, "document": {"title": "France", "text": "Paris is the capital of France."}},
            {"index": 0, "relevance_score": 0.25, "document": "Berlin is in Germany."}
        ])
    );
    let seen = up.requests();
    let ranks = calls_to(&seen, RANK);
    assert_eq!(ranks.len(), 1);
    assert_eq!(ranks[0].bearer(), Some(TOKEN));
    assert_eq!(
        ranks[0].body,
        json!({"model": "semantic-ranker-default@latest", "query": "capital of France?",
            "records": [{"id": "0", "content": "Berlin is in Germany."},
                {"id": "1", "title": "France", "content": "Paris is the capital of France."}],
            "topN": 2, "ignoreRecordDetailsInResponse": false})
    );

    // Without return_documents the answer carries none, and the upstream is told so.
    let plain =
        json!({"model": "vx/semantic-ranker-fast@latest", "query": "q", "documents": ["a", "b"]});
    let resp = post(&gw.url("/v1/rerank"), &plain).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        resp.json()["results"],
        json!([{"index": 1, "relevance_score": 0.9}, {"index": 0, "relevance_score": 0.25}])
    );
    let seen = up.requests();
    let sent = &calls_to(&seen, RANK)[1].body;
    assert_eq!(sent["model"], "semantic-ranker-fast@latest");
    assert_eq!(sent["ignoreRecordDetailsInResponse"], true);
    assert!(sent.get("topN").is_none());
}
