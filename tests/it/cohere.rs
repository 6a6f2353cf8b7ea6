//! The `cohere` provider type end to end: an OpenAI-format client, the gateway, and a
//! mock upstream answering in Cohere's v2 format (fixtures in `tests/fixtures/cohere`).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::support::client::{post, send, Events};
use crate::support::gateway::Gateway;
use crate::support::upstream::{MockUpstream, Recorded, Reply};

fn fixture(name: &str) -> Value {
    crate::support::fixture(&format!("cohere/{name}"))
}

/// A config with one cohere provider `co` at `base_url`, key `co-test-key`.
fn config(base_url: &str) -> String {
    format!(
        r#"
[providers.co]
type = "cohere"
base_url = "{base_url}"
[[providers.co.keys]]
name = "k1"
value = "co-test-key"
"#
    )
}

fn assert_cohere_call(seen: &Recorded, path: &str) {
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path, path);
    assert_eq!(seen.bearer(), Some("co-test-key"));
}

fn events(name: &str) -> Vec<String> {
    let list = fixture(name);
    list.as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect()
}

#[tokio::test]
async fn a_tool_round_trip_translates_both_ways() {
    let up = MockUpstream::always(Reply::json(fixture("chat_response"))).await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let mut body = fixture("openai_tool_request");
    body["model"] = json!("co/command-a-03-2025");
    let resp = post(&gw.url("/v1/chat/completions"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());

    let seen = up.requests();
    assert_cohere_call(&seen[0], "/v1/chat");
    assert_eq!(seen[0].body, fixture("chat_request"));
    let answer = resp.json();
    assert_eq!(answer["model"], "command-a-03-2025");
    let choice = &answer["choices"][0];
    assert_eq!(choice["finish_reason"], "tool_calls");
    let call = &choice["message"]["tool_calls"][0];
    assert_eq!(call["id"], "get_weather_4f9zb1c7mq2n");
    assert_eq!(call["function"]["name"], "get_weather");
    assert_eq!(answer["usage"]["prompt_tokens"], 1042);
    assert_eq!(answer["usage"]["completion_tokens"], 61);
}

#[tokio::test]
async fn a_plain_chat_answers_in_openai_shape() {
    let up = MockUpstream::always(Reply::json(fixture("chat_response_text"))).await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "co/command-a-03-2025", "top_p": 0.5,
            "messages": [{"role": "user", "content": "Weather tomorrow?"}]}),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let sent = &up.requests()[0].body;
    assert_eq!(sent["p"], 0.5);
    assert!(sent.get("stream").is_none() && sent.get("top_p").is_none());
    let answer = resp.json();
    assert_eq!(answer["object"], "chat.completion");
    assert_eq!(
        answer["choices"][0]["message"]["content"],
        "Tomorrow Madrid will be sunny, around 26°C."
    );
    assert_eq!(answer["choices"][0]["finish_reason"], "stop");
}

#[tokio::test]
async fn the_first_chunk_reaches_the_client_before_cohere_sends_the_last() {
    let hold = Arc::new(Notify::new());
    let up = MockUpstream::always(Reply::Stream {
        events: events("stream_text"),
        gap: Duration::ZERO,
        done: false,
        hold_after_first: Some(hold.clone()),
        drop_after: None,
    })
    .await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let body = json!({"model": "co/command-a-03-2025", "stream": true,
        "stream_options": {"include_usage": true},
        "messages": [{"role": "user", "content": "Weather?"}]});
    let resp = send(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let mut events = Events::new(resp);
    // The upstream is blocked after message-start: receiving its chunk proves no buffering.
    let first: Value = serde_json::from_str(&events.next().await.unwrap()).unwrap();
    assert_eq!(first["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(first["id"], "29f14a5a-11de-4cae-9800-25e4747408ea");
    hold.notify_one();
    let rest = events.rest().await;
    assert_eq!(rest.last().map(String::as_str), Some("[DONE]"), "{rest:?}");
    let chunks: Vec<Value> = rest[..rest.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"].get(0)?["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "Sunny and warm.");
    let last = chunks.last().unwrap();
    assert_eq!(last["usage"]["prompt_tokens"], 69);
    assert_eq!(last["usage"]["completion_tokens"], 4);
    assert_eq!(up.requests()[0].body["stream"], true);
}

#[tokio::test]
async fn a_stream_cut_before_message_end_ends_with_an_error_not_done() {
    let mut list = events("stream_tool_call");
    list.truncate(5);
    let up = MockUpstream::always(Reply::Stream {
        events: list,
        gap: Duration::ZERO,
        done: false,
        hold_after_first: None,
        drop_after: None,
    })
    .await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let body = json!({"model": "co/command-a-03-2025", "stream": true,
        "messages": [{"role": "user", "content": "Weather?"}]});
    let resp = send(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    let all = Events::new(resp).rest().await;
    assert!(!all.iter().any(|e| e == "[DONE]"), "{all:?}");
    let last: Value = serde_json::from_str(all.last().unwrap()).unwrap();
    assert!(
        last["error"]["message"]
            .as_str()
            .unwrap()
            .contains("incomplete"),
        "{last}"
    );
}

#[tokio::test]
async fn cohere_error_bodies_reach_the_client_with_their_status_and_message() {
    let up = MockUpstream::always(Reply::status(
        400,
        json!({"message": "invalid request: model 'command-x' not found"}),
    ))
    .await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "co/command-x", "messages": [{"role": "user", "content": "hi"}]}),
    )
    .await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(
        resp.error_message().contains("model 'command-x' not found"),
        "{}",
        resp.text()
    );
}

#[tokio::test]
async fn embeddings_go_to_embed_and_come_back_as_an_openai_list() {
    let up = MockUpstream::always(Reply::json(fixture("embed_response"))).await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let resp = post(
        &gw.url("/v1/embeddings"),
        &json!({"model": "co/embed-v4.0", "input": ["hello", "goodbye"]}),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let seen = up.requests();
    assert_cohere_call(&seen[0], "/v1/embed");
    assert_eq!(seen[0].body["texts"], json!(["hello", "goodbye"]));
    assert_eq!(seen[0].body["input_type"], "search_document");
    assert_eq!(seen[0].body["embedding_types"], json!(["float"]));
    let answer = resp.json();
    assert_eq!(answer["object"], "list");
    assert_eq!(answer["model"], "embed-v4.0");
    assert_eq!(answer["data"].as_array().unwrap().len(), 2);
    assert_eq!(answer["data"][0]["embedding"][0], 0.016296387);
    assert_eq!(answer["usage"]["prompt_tokens"], 2);
}

/// No `/v1/rerank` route exists yet, so the adapter is called directly (as the route
/// will call it) against the mock: the real HTTP path, request and answer.
#[tokio::test]
async fn rerank_calls_cohere_rerank_and_returns_ranked_results() {
    use bifrost::config::{ProviderConfig, ProviderType};
    use bifrost::providers::{build, Call};
    let up = MockUpstream::always(Reply::json(fixture("rerank_response"))).await;
    let mut cfg = ProviderConfig::new(ProviderType::Cohere);
    cfg.base_url = Some(up.base_url());
    let call = Call {
        model: "rerank-v3.5".into(),
        api_key: Some("co-test-key".into()),
        key: None,
        request_id: "req-1".into(),
        traceparent: None,
    };
    let req = serde_json::from_value(json!({"model": "co/rerank-v3.5", "query": "capital?",
        "documents": ["a", "b", "Washington"], "return_documents": true}))
    .unwrap();
    let reply = build(&cfg).rerank(&call, &req).await.unwrap();
    let seen = up.requests();
    assert_cohere_call(&seen[0], "/v1/rerank");
    assert_eq!(seen[0].body["documents"], json!(["a", "b", "Washington"]));
    assert_eq!(reply.body.results[0].index, 2);
    assert_eq!(reply.body.results[0].document, Some(json!("Washington")));
}
