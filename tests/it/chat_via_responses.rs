//! `[client.compat] convert_chat_to_responses`: chat completions of an `openai` provider
//! served through the Responses API, JSON and stream, against a mock upstream that
//! only speaks Responses.

use serde_json::{json, Value};

use crate::support::client::{post, send, Events};
use crate::support::gateway::Gateway;
use crate::support::upstream::{MockUpstream, Reply};

fn config(base_url: &str, on: bool) -> String {
    format!(
        "[client.compat]\nconvert_chat_to_responses = {on}\n\
         [providers.oa]\ntype = \"openai\"\nbase_url = \"{base_url}\"\n\
         [[providers.oa.keys]]\nname = \"k\"\nvalue = \"sk-oa\"\n"
    )
}

fn answer() -> Value {
    json!({
        "id": "resp_1", "object": "response", "created_at": 1741476542, "model": "o3-pro",
        "status": "completed",
        "output": [{"type": "message", "id": "msg_1", "role": "assistant",
            "content": [{"type": "output_text", "text": "Hello there.", "annotations": []}]}],
        "usage": {"input_tokens": 9, "output_tokens": 3, "total_tokens": 12}
    })
}

fn only_responses(r: &crate::support::upstream::Recorded) -> Reply {
    if r.path != "/v1/responses" {
        return Reply::error(404, "This model is only supported in v1/responses");
    }
    if r.body["stream"] == true {
        let events = [
            json!({"type": "response.created", "response": {"id": "resp_2", "model": "o3-pro"}}),
            json!({"type": "response.output_text.delta", "output_index": 0, "delta": "Hel"}),
            json!({"type": "response.output_text.delta", "output_index": 0, "delta": "lo"}),
            json!({"type": "response.completed", "response": {"id": "resp_2", "status": "completed",
                "usage": {"input_tokens": 4, "output_tokens": 2, "total_tokens": 6}}}),
        ];
        return Reply::Stream {
            events: events.iter().map(Value::to_string).collect(),
            gap: std::time::Duration::ZERO,
            done: false,
            hold_after_first: None,
            drop_after: None,
        };
    }
    Reply::json(answer())
}

#[tokio::test]
async fn chat_reaches_a_responses_only_model_and_comes_back_as_chat() {
    let up = MockUpstream::start(only_responses).await;
    let gw = Gateway::start(&config(&up.base_url(), true)).await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "oa/o3-pro", "max_tokens": 50,
            "messages": [{"role": "system", "content": "Be kind."}, {"role": "user", "content": "Hi"}]}),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let v = resp.json();
    assert_eq!(v["object"], "chat.completion");
    assert_eq!(v["choices"][0]["message"]["content"], "Hello there.");
    assert_eq!(v["choices"][0]["finish_reason"], "stop");
    assert_eq!(v["usage"]["total_tokens"], 12);
    let seen = &up.requests()[0];
    assert_eq!(seen.path, "/v1/responses");
    assert_eq!(seen.bearer(), Some("sk-oa"));
    assert_eq!(seen.body["model"], "o3-pro");
    assert_eq!(seen.body["instructions"], "Be kind.");
    assert_eq!(seen.body["max_output_tokens"], 50);
    assert_eq!(seen.body["input"][0]["content"][0]["text"], "Hi");

    let stream = send(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&json!({"model": "oa/o3-pro", "stream": true,
            "stream_options": {"include_usage": true},
            "messages": [{"role": "user", "content": "Hi"}]}))
        .unwrap(),
    )
    .await;
    assert_eq!(stream.status(), 200);
    let events = Events::new(stream).rest().await;
    assert_eq!(events.last().map(String::as_str), Some("[DONE]"));
    let chunks: Vec<Value> = events[..events.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "Hello");
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    assert!(chunks
        .iter()
        .any(|c| c["choices"][0]["finish_reason"] == "stop"));
    assert_eq!(chunks.last().unwrap()["usage"]["total_tokens"], 6);
}

#[tokio::test]
async fn without_the_flag_chat_goes_to_chat_completions() {
    let up = MockUpstream::start(only_responses).await;
    let gw = Gateway::start(&config(&up.base_url(), false)).await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "oa/o3-pro", "messages": [{"role": "user", "content": "Hi"}]}),
    )
    .await;
    assert_eq!(resp.status, 404, "{}", resp.text());
    assert!(resp
        .error_message()
        .contains("only supported in v1/responses"));
    assert_eq!(up.requests()[0].path, "/v1/chat/completions");
}

#[tokio::test]
async fn a_responses_stream_cut_before_completion_ends_with_an_error_not_done() {
    let up = MockUpstream::always(Reply::Stream {
        events: vec![
            json!({"type": "response.created", "response": {"id": "resp_3", "model": "o3-pro"}})
                .to_string(),
            json!({"type": "response.output_text.delta", "output_index": 0, "delta": "Hal"})
                .to_string(),
        ],
        gap: std::time::Duration::ZERO,
        done: false,
        hold_after_first: None,
        drop_after: None,
    })
    .await;
    let gw = Gateway::start(&config(&up.base_url(), true)).await;
    let stream = send(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&json!({"model": "oa/o3-pro", "stream": true,
            "messages": [{"role": "user", "content": "Hi"}]}))
        .unwrap(),
    )
    .await;
    assert_eq!(stream.status(), 200);
    let events = Events::new(stream).rest().await;
    assert!(!events.iter().any(|e| e == "[DONE]"), "{events:?}");
    let last: Value = serde_json::from_str(events.last().unwrap()).unwrap();
    assert!(
        last["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("response.completed")),
        "{last}"
    );
}

#[tokio::test]
async fn a_responses_answer_that_is_not_json_is_a_502() {
    let up = MockUpstream::always(Reply::Raw {
        status: 200,
        content_type: "application/json".into(),
        body: b"<html>oops</html>".to_vec(),
    })
    .await;
    let gw = Gateway::start(&config(&up.base_url(), true)).await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "oa/o3-pro", "messages": [{"role": "user", "content": "Hi"}]}),
    )
    .await;
    assert_eq!(resp.status, 502, "{}", resp.text());
}
