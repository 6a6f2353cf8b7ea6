//! The Cohere drop-in route end to end: a Cohere v2 client (plain HTTP, bearer key),
//! the gateway, and a mock upstream speaking OpenAI.

use std::sync::Arc;
use std::time::Duration;

use http::Method;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::support::client::{call, send, Answer, Events};
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{
    chat_chunk, chat_completion_with_usage, embeddings_response, finish_chunk, usage_chunk,
    MockUpstream, Reply,
};

const CLIENT_KEY: &str = "co-client-secret-must-not-travel";

async fn post_cohere(gw: &Gateway, path: &str, body: &Value) -> Answer {
    let auth = format!("Bearer {CLIENT_KEY}");
    call(
        Method::POST,
        &gw.url(path),
        &[
            ("content-type", "application/json"),
            ("authorization", &auth),
        ],
        serde_json::to_vec(body).unwrap(),
    )
    .await
}

fn hello() -> Value {
    json!({"model": "up/m", "p": 0.9, "messages": [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": [{"type": "text", "text": "hello"}]}]})
}

#[tokio::test]
async fn chat_answers_in_cohere_v2_shape_without_forwarding_the_key() {
    let up = MockUpstream::always(Reply::json(chat_completion_with_usage("m", "hi", 5, 1))).await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let resp = post_cohere(&gw, "/cohere/v2/chat", &hello()).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let r = resp.json();
    assert_eq!(r["finish_reason"], "COMPLETE");
    assert_eq!(
        r["message"],
        json!({"role": "assistant", "content": [{"type": "text", "text": "hi"}]})
    );
    assert_eq!(
        r["usage"]["tokens"],
        json!({"input_tokens": 5, "output_tokens": 1})
    );
    let seen = &up.requests()[0];
    assert_eq!(seen.bearer(), Some("sk-up-1"));
    assert_eq!(seen.body["top_p"], 0.9);
    assert_eq!(
        seen.body["messages"][1],
        json!({"role": "user", "content": "hello"})
    );
    for (name, value) in &seen.headers {
        assert!(
            !String::from_utf8_lossy(value.as_bytes()).contains(CLIENT_KEY),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_tool_call_comes_back_with_its_plan() {
    let up = MockUpstream::always(Reply::json(json!({
        "id": "chatcmpl-t", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
            "role": "assistant", "content": "I will look.",
            "tool_calls": [{"id": "call_9", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]}}]
    })))
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let mut body = hello();
    body["tools"] = json!([{"type": "function", "function": {"name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]);
    body["tool_choice"] = json!("REQUIRED");
    let resp = post_cohere(&gw, "/cohere/v2/chat", &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let r = resp.json();
    assert_eq!(r["finish_reason"], "TOOL_CALL");
    assert_eq!(r["message"]["tool_plan"], "I will look.");
    assert_eq!(r["message"]["tool_calls"][0]["id"], "call_9");
    assert_eq!(
        r["message"]["tool_calls"][0]["function"]["arguments"],
        "{\"city\":\"Paris\"}"
    );
    let sent = &up.requests()[0].body;
    assert_eq!(sent["tool_choice"], "required");
    assert_eq!(sent["tools"][0]["function"]["name"], "get_weather");
}

fn tool_chunk(call: Value) -> String {
    json!({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": "m",
           "choices": [{"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": null}]})
    .to_string()
}

#[tokio::test]
async fn a_stream_arrives_event_by_event_in_cohere_shape() {
    let hold = Arc::new(Notify::new());
    let up = MockUpstream::always(Reply::Stream {
        events: vec![
            chat_chunk("m", "Hel"),
            chat_chunk("m", "lo"),
            tool_chunk(json!({"index": 0, "id": "call_1", "type": "function",
                              "function": {"name": "f", "arguments": ""}})),
            tool_chunk(json!({"index": 0, "function": {"arguments": "{}"}})),
            finish_chunk("m", "tool_calls"),
            usage_chunk("m", 4, 3),
        ],
        gap: Duration::ZERO,
        done: true,
        hold_after_first: Some(hold.clone()),
        drop_after: None,
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let mut body = hello();
    body["stream"] = json!(true);
    let resp = send(
        Method::POST,
        &gw.url("/cohere/v2/chat"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let mut events = Events::new(resp);
    let first: Value = serde_json::from_str(&events.next().await.unwrap()).unwrap();
    assert_eq!(first["type"], "message-start");
    hold.notify_one();
    let rest: Vec<Value> = events
        .rest()
        .await
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    let types: Vec<&str> = rest.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "content-start",
            "content-delta",
            "content-delta",
            "content-end",
            "tool-call-start",
            "tool-call-delta",
            "tool-call-end",
            "message-end"
        ]
    );
    assert_eq!(rest[1]["delta"]["message"]["content"]["text"], "Hel");
    assert_eq!(
        rest[4]["delta"]["message"]["tool_calls"]["function"]["name"],
        "f"
    );
    assert_eq!(rest[7]["delta"]["finish_reason"], "TOOL_CALL");
    assert_eq!(
        rest[7]["delta"]["usage"]["tokens"],
        json!({"input_tokens": 4, "output_tokens": 3})
    );
}

#[tokio::test]
async fn a_stream_cut_short_ends_with_an_error_message_end() {
    let up = MockUpstream::always(Reply::Stream {
        events: vec![
            chat_chunk("m", "a"),
            chat_chunk("m", "b"),
            chat_chunk("m", "c"),
        ],
        gap: Duration::ZERO,
        done: true,
        hold_after_first: None,
        drop_after: Some(2),
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let mut body = hello();
    body["stream"] = json!(true);
    let resp = send(
        Method::POST,
        &gw.url("/cohere/v2/chat"),
        &[],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    let raw = resp.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8(raw.to_vec()).unwrap();
    let last = text.trim_end().rsplit("\n\n").next().unwrap();
    let (name, data) = last.split_once('\n').unwrap();
    assert_eq!(name, "event: message-end");
    let data: Value = serde_json::from_str(data.strip_prefix("data: ").unwrap()).unwrap();
    assert_eq!(data["delta"]["finish_reason"], "ERROR");
    assert!(!data["delta"]["error"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn embed_answers_floats_by_type() {
    let up = MockUpstream::always(Reply::json(embeddings_response(2, 3))).await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let body = json!({"model": "up/e", "texts": ["a", "b"], "input_type": "search_document",
        "embedding_types": ["float"], "output_dimension": 3});
    let resp = post_cohere(&gw, "/cohere/v2/embed", &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let r = resp.json();
    assert_eq!(r["embeddings"]["float"].as_array().unwrap().len(), 2);
    assert_eq!(r["embeddings"]["float"][0].as_array().unwrap().len(), 3);
    assert_eq!(r["texts"], json!(["a", "b"]));
    let sent = &up.requests()[0].body;
    assert_eq!(sent["input"], json!(["a", "b"]));
    assert_eq!(sent["dimensions"], 3);
    assert!(
        sent.get("input_type").is_none(),
        "an OpenAI upstream does not get input_type"
    );
}

#[tokio::test]
async fn rerank_goes_to_the_upstreams_rerank() {
    let up = MockUpstream::always(Reply::json(json!({
        "id": "r1", "results": [{"index": 1, "relevance_score": 0.9}, {"index": 0, "relevance_score": 0.1}],
        "meta": {"billed_units": {"search_units": 1}}
    })))
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let body = json!({"model": "up/rr", "query": "q", "documents": ["a", "b"], "top_n": 2});
    let resp = post_cohere(&gw, "/cohere/v2/rerank", &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let r = resp.json();
    assert_eq!(r["results"][0], json!({"index": 1, "relevance_score": 0.9}));
    assert_eq!(r["meta"]["billed_units"]["search_units"], 1);
    let seen = &up.requests()[0];
    assert_eq!(seen.path, "/v1/rerank");
    assert_eq!(seen.body["model"], "rr");
}

#[tokio::test]
async fn errors_are_a_message_with_the_status() {
    let up = MockUpstream::always(Reply::error(429, "slow down")).await;
    let config = format!("{}models = [\"m\"]\n", one_upstream(&up.base_url()));
    let gw = Gateway::start(&config).await;
    let mut unknown = hello();
    unknown["model"] = json!("nope/x");
    let resp = post_cohere(&gw, "/cohere/v2/chat", &unknown).await;
    assert_eq!(resp.status, 404);
    assert!(resp.json()["message"].as_str().unwrap().contains("nope"));
    let mut bad = hello();
    bad["documents"] = json!(["d"]);
    let resp = post_cohere(&gw, "/cohere/v2/chat", &bad).await;
    assert_eq!(resp.status, 400);
    assert!(resp.json()["message"]
        .as_str()
        .unwrap()
        .contains("documents"));
    let resp = post_cohere(&gw, "/cohere/v2/chat", &hello()).await;
    assert_eq!(resp.status, 429);
    assert!(resp.json()["message"].is_string());
    let resp = post_cohere(&gw, "/cohere/v1/tokenize", &json!({})).await;
    assert_eq!(resp.status, 404);
    assert!(resp.json()["message"].is_string());
}
