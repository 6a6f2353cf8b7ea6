//! The `anthropic` provider type end to end: an OpenAI-format client, the gateway, and a
//! mock upstream answering in Anthropic's Messages format (fixtures in
//! `tests/fixtures/anthropic`).

use serde_json::{json, Value};

use crate::support::client::{post, send, Events};
use crate::support::gateway::Gateway;
use crate::support::upstream::{MockUpstream, Recorded, Reply};

fn fixture(name: &str) -> Value {
    crate::support::fixture(&format!("anthropic/{name}"))
}

/// A config with one anthropic provider `claude` at `base_url`, key `sk-ant-test`.
fn config(base_url: &str) -> String {
    format!(
        r#"
[providers.claude]
type = "anthropic"
base_url = "{base_url}"
[[providers.claude.keys]]
name = "k1"
value = "sk-ant-test"
"#
    )
}

/// The stream fixture as the SSE text Anthropic sends: `event:` and `data:` lines.
fn sse(events: &[Value]) -> Vec<u8> {
    let mut out = String::new();
    for e in events {
        out.push_str(&format!(
            "event: {}\ndata: {}\n\n",
            e["event"].as_str().unwrap(),
            e["data"]
        ));
    }
    out.into_bytes()
}

fn sse_reply(events: &[Value]) -> Reply {
    Reply::Raw {
        status: 200,
        content_type: "text/event-stream".into(),
        body: sse(events),
    }
}

fn assert_anthropic_headers(seen: &Recorded) {
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path, "/v1/messages");
    assert_eq!(seen.header("x-api-key"), Some("sk-ant-test"));
    assert_eq!(seen.header("anthropic-version"), Some("2023-06-01"));
    assert!(seen.header("x-request-id").is_some_and(|v| !v.is_empty()));
    assert_eq!(seen.header("authorization"), None);
}

#[tokio::test]
async fn an_openai_chat_with_tools_round_trips_through_anthropic() {
    let up = MockUpstream::start(|r| match r.path.as_str() {
        "/v1/messages" => Reply::json(fixture("messages_response")),
        _ => Reply::status(
            404,
            json!({"type": "error", "error": {"type": "not_found_error", "message": "nope"}}),
        ),
    })
    .await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let mut body = fixture("openai_tool_request");
    body["model"] = json!("claude/claude-sonnet-4-20250514");
    let resp = post(&gw.url("/v1/chat/completions"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());

    let seen = up.requests();
    assert_eq!(seen.len(), 1);
    assert_anthropic_headers(&seen[0]);
    assert_eq!(seen[0].body, fixture("messages_request"));

    let answer = resp.json();
    assert_eq!(answer["object"], "chat.completion");
    assert_eq!(answer["model"], "claude-sonnet-4-20250514");
    let choice = &answer["choices"][0];
    assert_eq!(choice["finish_reason"], "tool_calls");
    assert_eq!(choice["message"]["role"], "assistant");
    assert_eq!(
        choice["message"]["content"],
        "I'll check the current weather in Paris for you."
    );
    assert!(choice["message"]["reasoning_content"]
        .as_str()
        .unwrap()
        .contains("get_weather"));
    let call = &choice["message"]["tool_calls"][0];
    assert_eq!(call["id"], "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assert_eq!(call["type"], "function");
    assert_eq!(call["function"]["name"], "get_weather");
    let args: Value =
        serde_json::from_str(call["function"]["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(args["location"], "Paris, France");
    assert_eq!(answer["usage"]["prompt_tokens"], 1772);
    assert_eq!(answer["usage"]["completion_tokens"], 89);
    assert_eq!(answer["usage"]["total_tokens"], 1861);
    assert_eq!(
        answer["usage"]["prompt_tokens_details"]["cached_tokens"],
        1200
    );
}

async fn stream_chat(gw: &Gateway) -> Vec<String> {
    let body = json!({
        "model": "claude/claude-sonnet-4-20250514",
        "stream": true,
        "stream_options": {"include_usage": true},
        "messages": [{"role": "user", "content": "What is the weather in San Francisco?"}],
    });
    let resp = send(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    Events::new(resp).rest().await
}

#[tokio::test]
async fn a_streamed_chat_becomes_openai_chunks_with_tool_calls_and_usage() {
    let events = fixture("stream_tool_use");
    let up = MockUpstream::always(sse_reply(events.as_array().unwrap())).await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let all = stream_chat(&gw).await;

    let seen = up.requests();
    assert_anthropic_headers(&seen[0]);
    assert_eq!(seen[0].body["stream"], true);
    assert_eq!(seen[0].body["max_tokens"], 4096);
    assert!(seen[0].body.get("stream_options").is_none());

    assert_eq!(all.last().map(String::as_str), Some("[DONE]"), "{all:?}");
    let chunks: Vec<Value> = all[..all.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    assert!(chunks
        .iter()
        .all(|c| c["object"] == "chat.completion.chunk"));
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let deltas: Vec<&Value> = chunks
        .iter()
        .filter_map(|c| c["choices"].get(0))
        .map(|c| &c["delta"])
        .collect();
    let text: String = deltas
        .iter()
        .filter_map(|d| d["content"].as_str())
        .collect();
    assert_eq!(text, "Okay, let's check the weather for San Francisco, CA:");
    let calls: Vec<&Value> = deltas
        .iter()
        .filter_map(|d| d.get("tool_calls"))
        .map(|c| &c[0])
        .collect();
    assert_eq!(calls[0]["id"], "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assert_eq!(calls[0]["function"]["name"], "get_weather");
    let args: String = calls
        .iter()
        .filter_map(|c| c["function"]["arguments"].as_str())
        .collect();
    let args: Value = serde_json::from_str(&args).unwrap();
    assert_eq!(
        args,
        json!({"location": "San Francisco, CA", "unit": "fahrenheit"})
    );
    let reasons: Vec<&str> = chunks
        .iter()
        .filter_map(|c| c["choices"].get(0)?["finish_reason"].as_str())
        .collect();
    assert_eq!(reasons, ["tool_calls"]);
    let usage = &chunks.last().unwrap()["usage"];
    assert_eq!(usage["prompt_tokens"], 472);
    assert_eq!(usage["completion_tokens"], 89);
    assert_eq!(usage["total_tokens"], 561);
}

#[tokio::test]
async fn a_stream_cut_before_message_stop_ends_with_an_error_not_done() {
    let events = fixture("stream_tool_use");
    let events = events.as_array().unwrap();
    let up = MockUpstream::always(sse_reply(&events[..5])).await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let all = stream_chat(&gw).await;
    assert!(!all.iter().any(|e| e == "[DONE]"), "{all:?}");
    let last: Value = serde_json::from_str(all.last().unwrap()).unwrap();
    let message = last["error"]["message"].as_str().unwrap();
    assert!(message.contains("incomplete"), "{last}");
}

#[tokio::test]
async fn a_parameter_anthropic_lacks_is_a_400_and_nothing_goes_upstream() {
    let up = MockUpstream::always(Reply::json(fixture("messages_response"))).await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "claude/claude-sonnet-4-20250514", "seed": 42,
            "messages": [{"role": "user", "content": "hi"}]}),
    )
    .await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    let message = resp.error_message();
    assert!(
        message.contains("parameter `seed`") && message.contains("anthropic"),
        "{message}"
    );
    assert_eq!(up.request_count(), 0);
}

#[tokio::test]
async fn anthropic_error_bodies_reach_the_client_with_their_message() {
    let up = MockUpstream::always(Reply::status(
        400,
        json!({"type": "error", "error": {"type": "invalid_request_error",
            "message": "max_tokens: 99999999 > 64000, which is the maximum"}}),
    ))
    .await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "claude/claude-sonnet-4-20250514", "max_tokens": 99_999_999,
            "messages": [{"role": "user", "content": "hi"}]}),
    )
    .await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(
        resp.error_message().contains("64000, which is the maximum"),
        "{}",
        resp.text()
    );
}

#[tokio::test]
async fn thinking_blocks_round_trip_back_to_anthropic_first_and_with_their_signature() {
    let up = MockUpstream::always(Reply::json(fixture("thinking_response"))).await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let user = json!({"role": "user", "content": "What is the weather in Paris?"});
    let first = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "claude/claude-sonnet-4-20250514", "reasoning_effort": "low",
            "messages": [user]}),
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.text());
    let sent = &up.requests()[0].body;
    assert_eq!(
        sent["thinking"],
        json!({"type": "enabled", "budget_tokens": 1024})
    );
    assert_eq!(sent["max_tokens"], 1024 + 4096);

    // The client keeps the assistant message as it came and adds the tool result.
    let message = first.json()["choices"][0]["message"].clone();
    let call_id = message["tool_calls"][0]["id"].clone();
    let second = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "claude/claude-sonnet-4-20250514", "reasoning_effort": "low",
            "messages": [user, message,
                {"role": "tool", "tool_call_id": call_id, "content": "18C, sunny"}]}),
    )
    .await;
    assert_eq!(second.status, 200, "{}", second.text());

    let seen = up.requests();
    assert_eq!(seen.len(), 2);
    let turn = &seen[1].body["messages"][1];
    assert_eq!(turn["role"], "assistant");
    let original = fixture("thinking_response")["content"].clone();
    // Every block of the original answer, in its order: thinking blocks first,
    // byte-for-byte, then the text and the tool call.
    assert_eq!(turn["content"], original);
    assert_eq!(
        seen[1].body["messages"][2]["content"][0]["type"],
        "tool_result"
    );
}

#[tokio::test]
async fn a_streamed_thinking_block_reaches_the_client_with_its_signature() {
    let events = fixture("stream_thinking");
    let up = MockUpstream::always(sse_reply(events.as_array().unwrap())).await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let all = stream_chat(&gw).await;
    assert_eq!(all.last().map(String::as_str), Some("[DONE]"), "{all:?}");
    let blocks: Vec<Value> = all[..all.len() - 1]
        .iter()
        .map(|e| serde_json::from_str::<Value>(e).unwrap())
        .filter_map(|c| {
            c["choices"].get(0)?["delta"]["thinking_blocks"]
                .as_array()
                .cloned()
        })
        .flatten()
        .collect();
    assert_eq!(blocks.len(), 2, "{all:?}");
    assert_eq!(
        blocks[0]["signature"],
        "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"
    );
    assert_eq!(blocks[1]["type"], "redacted_thinking");
    let usage = &serde_json::from_str::<Value>(&all[all.len() - 2]).unwrap()["usage"];
    assert_eq!(usage["prompt_tokens"], 2320);
    assert_eq!(usage["prompt_tokens_details"]["cached_tokens"], 2000);
    assert_eq!(usage["prompt_tokens_details"]["cache_creation_tokens"], 300);
}

#[tokio::test]
async fn an_answer_that_is_not_an_anthropic_message_is_a_502_saying_what_came() {
    let cases = [
        (
            Reply::Raw {
                status: 200,
                content_type: "text/html".into(),
                body: b"<html>maintenance</html>".to_vec(),
            },
            "but got text/html: <html>maintenance</html>",
        ),
        (
            Reply::json(json!([{"type": "message"}])),
            "expected a JSON object",
        ),
        (
            Reply::json(json!({"content": "not a list of blocks"})),
            "not an Anthropic message",
        ),
    ];
    for (reply, expected) in cases {
        let up = MockUpstream::always(reply).await;
        let gw = Gateway::start(&config(&up.base_url())).await;
        let body = json!({"model": "claude/claude-sonnet-4", "messages": [{"role": "user", "content": "hi"}]});
        let resp = post(&gw.url("/v1/chat/completions"), &body).await;
        assert_eq!(resp.status, 502, "{}", resp.text());
        assert!(
            resp.error_message().contains(expected),
            "{expected}: {}",
            resp.text()
        );
    }
}
