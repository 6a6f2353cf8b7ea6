//! The `gemini` provider type end to end: an OpenAI-format client, the gateway, and a
//! mock upstream answering in Gemini's format (fixtures in `tests/fixtures/gemini`).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::support::client::{post, send, Events};
use crate::support::gateway::Gateway;
use crate::support::upstream::{MockUpstream, Recorded, Reply};

const KEY: &str = "AIza-test-key-123";
const CHAT_PATH: &str = "/v1/models/gemini-2.5-flash:generateContent";

fn fixture(name: &str) -> Value {
    crate::support::fixture(&format!("gemini/{name}"))
}

/// A config with one gemini provider `gem` at `base_url`, key [`KEY`].
fn config(base_url: &str) -> String {
    format!(
        r#"
[providers.gem]
type = "gemini"
base_url = "{base_url}"
[[providers.gem.keys]]
name = "k1"
value = "{KEY}"
"#
    )
}

async fn start(reply: Reply) -> (MockUpstream, Gateway) {
    let up = MockUpstream::always(reply).await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    (up, gw)
}

fn chat(extra: Value) -> Value {
    let mut body = json!({"model": "gem/gemini-2.5-flash",
        "messages": [{"role": "user", "content": "Say hi"}]});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

fn text_response(text: &str) -> Value {
    json!({"candidates": [{"content": {"role": "model", "parts": [{"text": text}]},
            "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 4, "candidatesTokenCount": 2, "totalTokenCount": 6},
        "modelVersion": "gemini-2.5-flash", "responseId": "resp_1"})
}

/// The key travels only in `x-goog-api-key`: not in the URL, not as a bearer token.
fn assert_gemini_headers(seen: &Recorded, path: &str) {
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path, path);
    assert_eq!(seen.header("x-goog-api-key"), Some(KEY));
    assert!(seen.header("x-request-id").is_some_and(|v| !v.is_empty()));
    assert_eq!(seen.header("authorization"), None);
    assert!(!seen.path.contains(KEY));
    assert!(!seen.query.as_deref().unwrap_or("").contains(KEY));
}

#[tokio::test]
async fn a_plain_chat_reaches_generate_content_with_the_key_in_a_header() {
    let (up, gw) = start(Reply::json(text_response("Hi there!"))).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat(json!({}))).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let seen = &up.requests()[0];
    assert_gemini_headers(seen, CHAT_PATH);
    assert_eq!(seen.query, None);
    assert_eq!(
        seen.body,
        json!({"contents": [{"role": "user", "parts": [{"text": "Say hi"}]}]})
    );
    let answer = resp.json();
    assert_eq!(answer["id"], "resp_1");
    assert_eq!(answer["object"], "chat.completion");
    assert_eq!(answer["choices"][0]["message"]["content"], "Hi there!");
    assert_eq!(answer["choices"][0]["finish_reason"], "stop");
    assert_eq!(answer["usage"]["total_tokens"], 6);
}

#[tokio::test]
async fn a_tool_conversation_round_trips_as_function_calls_and_responses() {
    let (up, gw) = start(Reply::json(fixture("generate_content_response"))).await;
    let mut body = fixture("openai_tool_request");
    body["model"] = json!("gem/gemini-2.5-flash");
    let resp = post(&gw.url("/v1/chat/completions"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let seen = &up.requests()[0];
    assert_gemini_headers(seen, CHAT_PATH);
    assert_eq!(seen.body, fixture("generate_content_request"));

    let choice = &resp.json()["choices"][0];
    assert_eq!(choice["finish_reason"], "tool_calls");
    let call = &choice["message"]["tool_calls"][0];
    assert_eq!(call["type"], "function");
    assert_eq!(call["function"]["name"], "get_weather");
    let args: Value =
        serde_json::from_str(call["function"]["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(args["location"], "Paris, France");
}

fn stream_reply(events: Vec<String>, hold: Option<Arc<Notify>>) -> Reply {
    // Gemini's SSE has no `[DONE]`: the body just ends after the finishReason event.
    Reply::Stream {
        events,
        gap: Duration::ZERO,
        done: false,
        hold_after_first: hold,
        drop_after: None,
    }
}

async fn open_stream(gw: &Gateway) -> Events {
    let body = chat(json!({"stream": true, "stream_options": {"include_usage": true}}));
    let resp = send(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    Events::new(resp)
}

#[tokio::test]
async fn a_stream_is_translated_event_by_event_with_calls_and_usage() {
    let events: Vec<String> = fixture("stream_text_tool")
        .as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect();
    let hold = Arc::new(Notify::new());
    let (up, gw) = start(stream_reply(events, Some(hold.clone()))).await;
    let mut stream = open_stream(&gw).await;
    // The upstream holds everything after its first event until told to go on, so
    // receiving the first translated chunk proves nothing is buffered.
    let first: Value = serde_json::from_str(&stream.next().await.unwrap()).unwrap();
    assert_eq!(first["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(first["choices"][0]["delta"]["content"], "Checking the");
    hold.notify_one();
    let rest = stream.rest().await;
    assert_eq!(rest.last().map(String::as_str), Some("[DONE]"), "{rest:?}");

    let seen = &up.requests()[0];
    assert_gemini_headers(seen, "/v1/models/gemini-2.5-flash:streamGenerateContent");
    assert_eq!(seen.query.as_deref(), Some("alt=sse"));
    assert!(seen.body.get("stream").is_none() && seen.body.get("stream_options").is_none());

    let chunks: Vec<Value> = rest[..rest.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    assert_eq!(
        chunks[0]["choices"][0]["delta"]["content"],
        " weather in Paris."
    );
    let call = &chunks[1]["choices"][0]["delta"]["tool_calls"][0];
    assert_eq!(call["index"], 0);
    assert_eq!(call["function"]["name"], "get_weather");
    assert_eq!(chunks[2]["choices"][0]["finish_reason"], "tool_calls");
    assert_eq!(chunks[3]["usage"]["prompt_tokens"], 31);
    assert_eq!(chunks[3]["usage"]["completion_tokens"], 14);
}

#[tokio::test]
async fn a_stream_with_invalid_json_ends_with_an_error_event_not_done() {
    let ok = text_response("partial").to_string();
    let (_up, gw) = start(stream_reply(vec![ok, "{not json".into()], None)).await;
    let all = open_stream(&gw).await.rest().await;
    assert!(!all.iter().any(|e| e == "[DONE]"), "{all:?}");
    let last: Value = serde_json::from_str(all.last().unwrap()).unwrap();
    assert!(
        last["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not JSON"),
        "{last}"
    );
}

#[tokio::test]
async fn a_blocked_prompt_is_a_content_filter_answer_not_an_error() {
    let (_up, gw) = start(Reply::json(fixture("blocked_response"))).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat(json!({}))).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let choice = &resp.json()["choices"][0];
    assert_eq!(choice["finish_reason"], "content_filter");
    let text = choice["message"]["content"].as_str().unwrap();
    assert!(
        text.contains("blocked") && text.contains("SAFETY"),
        "{text}"
    );
}

fn google_error(code: u16, status: &str, message: &str) -> Reply {
    Reply::status(
        code,
        json!({"error": {"code": code, "message": message, "status": status}}),
    )
}

#[tokio::test]
async fn google_error_bodies_keep_their_status_and_message() {
    let quota = "Resource has been exhausted (e.g. check quota).";
    let (_up, gw) = start(google_error(429, "RESOURCE_EXHAUSTED", quota)).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat(json!({}))).await;
    assert_eq!(resp.status, 429, "{}", resp.text());
    assert!(resp.error_message().contains(quota), "{}", resp.text());

    let internal = "An internal error has occurred.";
    let (_up, gw) = start(google_error(500, "INTERNAL", internal)).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat(json!({}))).await;
    assert_eq!(resp.status, 502, "{}", resp.text());
    assert!(resp.error_message().contains(internal), "{}", resp.text());
    assert!(!resp.text().contains(KEY));

    let bad = "Invalid JSON payload received. Unknown name \"foo\"";
    let (_up, gw) = start(google_error(400, "INVALID_ARGUMENT", bad)).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat(json!({}))).await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(
        resp.error_message().contains("Unknown name"),
        "{}",
        resp.text()
    );
}

#[tokio::test]
async fn an_html_answer_is_a_502() {
    let html = Reply::Raw {
        status: 200,
        content_type: "text/html".into(),
        body: b"<html><body>Sign in to continue</body></html>".to_vec(),
    };
    let (_up, gw) = start(html).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat(json!({}))).await;
    assert_eq!(resp.status, 502, "{}", resp.text());
    assert!(
        resp.error_message().contains("text/html"),
        "{}",
        resp.text()
    );
}

#[tokio::test]
async fn a_parameter_gemini_lacks_is_a_400_and_nothing_goes_upstream() {
    let (up, gw) = start(Reply::json(text_response("x"))).await;
    let body = chat(json!({"logit_bias": {"50256": -100}}));
    let resp = post(&gw.url("/v1/chat/completions"), &body).await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    let message = resp.error_message();
    assert!(
        message.contains("parameter `logit_bias`") && message.contains("gemini"),
        "{message}"
    );
    assert_eq!(up.request_count(), 0);
}

#[tokio::test]
async fn embeddings_go_to_batch_embed_contents() {
    let (up, gw) = start(Reply::json(fixture("embed_response"))).await;
    let body = json!({"model": "gem/text-embedding-004", "input": ["a", "b"], "dimensions": 4});
    let resp = post(&gw.url("/v1/embeddings"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let seen = &up.requests()[0];
    assert_gemini_headers(seen, "/v1/models/text-embedding-004:batchEmbedContents");
    assert_eq!(
        seen.body["requests"][0]["model"],
        "models/text-embedding-004"
    );
    assert_eq!(seen.body["requests"][0]["content"]["parts"][0]["text"], "a");
    assert_eq!(seen.body["requests"][1]["outputDimensionality"], 4);
    let answer = resp.json();
    assert_eq!(answer["object"], "list");
    assert_eq!(answer["data"].as_array().unwrap().len(), 2);
    assert_eq!(answer["data"][0]["object"], "embedding");
    assert_eq!(answer["data"][0]["embedding"][0], 0.0132);
}
