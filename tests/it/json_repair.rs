//! `client.stream_json_repair`: streamed JSON (JSON-mode content, tool arguments) comes
//! out closed into valid JSON at every chunk, for all requests or for those asking with
//! `x-bf-json-repair: true`.

use http::Method;
use serde_json::{json, Value};

use crate::support::client::{send, Events};
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{chat_stream_events, MockUpstream, Reply};

fn tool_chunk(arguments: &str) -> String {
    json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
           "choices": [{"index": 0, "finish_reason": null, "delta": {"tool_calls": [
               {"index": 0, "function": {"arguments": arguments}}]}}]})
    .to_string()
}

async fn stream(gw: &Gateway, repair_header: bool) -> Vec<Value> {
    let body = json!({"model": "up/m", "stream": true,
        "messages": [{"role": "user", "content": "json please"}]});
    let mut headers = vec![("content-type", "application/json")];
    if repair_header {
        headers.push(("x-bf-json-repair", "true"));
    }
    let resp = send(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &headers,
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    Events::new(resp)
        .rest()
        .await
        .into_iter()
        .filter(|e| e != "[DONE]")
        .map(|e| serde_json::from_str(&e).unwrap())
        .collect()
}

fn arguments(chunks: &[Value]) -> Vec<String> {
    chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"].as_str())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn on_request_repairs_tool_arguments_only_when_asked() {
    let up = MockUpstream::always(Reply::stream(vec![
        tool_chunk("{\"city\": \"Pa"),
        tool_chunk("ris\", \"days\": [1, "),
        tool_chunk("2]}"),
    ]))
    .await;
    let config = format!(
        "[client]\nstream_json_repair = \"on_request\"\n{}",
        one_upstream(&up.base_url())
    );
    let gw = Gateway::start(&config).await;

    let repaired = arguments(&stream(&gw, true).await);
    assert_eq!(
        repaired,
        [
            r#"{"city": "Pa"}"#,
            r#"{"city": "Paris", "days": [1]}"#,
            r#"{"city": "Paris", "days": [1, 2]}"#
        ]
    );
    for args in &repaired {
        serde_json::from_str::<Value>(args).unwrap();
    }

    let plain = arguments(&stream(&gw, false).await);
    assert_eq!(plain, ["{\"city\": \"Pa", "ris\", \"days\": [1, ", "2]}"]);
}

#[tokio::test]
async fn always_repairs_json_content_without_being_asked() {
    let up = MockUpstream::always(Reply::stream(chat_stream_events(
        "m",
        &["{\"a\": tr", "ue, \"b\": \"x"],
    )))
    .await;
    let config = format!(
        "[client]\nstream_json_repair = \"always\"\n{}",
        one_upstream(&up.base_url())
    );
    let gw = Gateway::start(&config).await;
    let contents: Vec<String> = stream(&gw, false)
        .await
        .iter()
        .filter_map(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    assert_eq!(contents, [r#"{"a": true}"#, r#"{"a": true, "b": "x"}"#]);
}
