//! The Anthropic drop-in route end to end: an Anthropic-format client (plain HTTP), the
//! gateway, and a mock upstream speaking OpenAI (or, once, Anthropic).

use std::sync::Arc;
use std::time::Duration;

use http::Method;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::support::client::{call, get, send, Answer, Events};
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{
    chat_chunk, chat_completion, chat_completion_with_usage, finish_chunk, usage_chunk,
    MockUpstream, Recorded, Reply,
};

const CLIENT_KEY: &str = "sk-ant-client-secret-must-not-travel";

/// POSTs `body` the way the Anthropic SDK does (x-api-key, anthropic-version).
async fn post_messages(gw: &Gateway, body: &Value) -> Answer {
    call(
        Method::POST,
        &gw.url("/anthropic/v1/messages"),
        &anthropic_headers(),
        serde_json::to_vec(body).unwrap(),
    )
    .await
}

fn anthropic_headers() -> [(&'static str, &'static str); 4] {
    [
        ("content-type", "application/json"),
        ("x-api-key", CLIENT_KEY),
        ("anthropic-version", "2023-06-01"),
        ("anthropic-beta", "tools-2024-05-16"),
    ]
}

fn hello() -> Value {
    json!({
        "model": "up/m",
        "max_tokens": 64,
        "system": "be brief",
        "messages": [{"role": "user", "content": "hello"}],
    })
}

/// The upstream saw only the provider's key, nothing of the client's credential.
fn assert_no_client_credential(seen: &Recorded) {
    assert_eq!(seen.bearer(), Some("sk-up-1"));
    assert_eq!(seen.header("x-api-key"), None);
    for (name, value) in &seen.headers {
        let v = String::from_utf8_lossy(value.as_bytes());
        assert!(!v.contains(CLIENT_KEY), "{name} carries the client key");
    }
}

fn tool_call_answer() -> Value {
    json!({
        "id": "chatcmpl-tools", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
            "role": "assistant", "content": null,
            "tool_calls": [{"id": "call_9", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]
        }}],
        "usage": {"prompt_tokens": 30, "completion_tokens": 7, "total_tokens": 37}
    })
}

#[tokio::test]
async fn a_text_answer_comes_back_as_an_anthropic_message() {
    let up = MockUpstream::always(Reply::json(chat_completion_with_usage(
        "m", "hi there", 12, 2,
    )))
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let resp = post_messages(&gw, &hello()).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert!(resp.headers.contains_key("x-request-id"));
    let m = resp.json();
    assert_eq!(m["type"], "message");
    assert_eq!(m["role"], "assistant");
    assert_eq!(m["model"], "up/m");
    assert!(m["id"].as_str().unwrap().starts_with("msg_"), "{m}");
    assert_eq!(m["content"], json!([{"type": "text", "text": "hi there"}]));
    assert_eq!(m["stop_reason"], "end_turn");
    assert_eq!(m["stop_sequence"], Value::Null);
    // The mock reports `prompt_tokens_details.cached_tokens: 0`.
    assert_eq!(
        m["usage"],
        json!({"input_tokens": 12, "output_tokens": 2, "cache_read_input_tokens": 0})
    );

    let seen = &up.requests()[0];
    assert_eq!(seen.path, "/v1/chat/completions");
    assert_eq!(seen.body["model"], "m");
    assert_eq!(seen.body["max_tokens"], 64);
    assert_eq!(
        seen.body["messages"],
        json!([{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello"}])
    );
    assert_no_client_credential(seen);
}

#[tokio::test]
async fn a_bearer_credential_is_accepted_and_not_forwarded_either() {
    let up = MockUpstream::always(Reply::json(chat_completion_with_usage("m", "ok", 1, 1))).await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let auth = format!("Bearer {CLIENT_KEY}");
    let resp = call(
        Method::POST,
        &gw.url("/anthropic/v1/messages"),
        &[
            ("content-type", "application/json"),
            ("authorization", &auth),
        ],
        serde_json::to_vec(&hello()).unwrap(),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_no_client_credential(&up.requests()[0]);
}

#[tokio::test]
async fn tool_use_round_trips_as_openai_tool_calls() {
    let up = MockUpstream::always(Reply::json(tool_call_answer())).await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let body = json!({
        "model": "up/m", "max_tokens": 100,
        "tools": [{"name": "get_weather", "description": "Weather by city",
                   "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}],
        "tool_choice": {"type": "tool", "name": "get_weather"},
        "messages": [
            {"role": "user", "content": "weather in Rome?"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Rome"}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "22C"}]},
            {"role": "user", "content": "and Paris?"}
        ]
    });
    let resp = post_messages(&gw, &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let m = resp.json();
    assert_eq!(m["stop_reason"], "tool_use");
    assert_eq!(
        m["content"],
        json!([{"type": "tool_use", "id": "call_9", "name": "get_weather", "input": {"city": "Paris"}}])
    );
    assert_eq!(m["usage"], json!({"input_tokens": 30, "output_tokens": 7}));

    let sent = &up.requests()[0].body;
    assert_eq!(sent["tools"][0]["type"], "function");
    assert_eq!(sent["tools"][0]["function"]["name"], "get_weather");
    assert_eq!(
        sent["tools"][0]["function"]["parameters"]["required"],
        json!(["city"])
    );
    assert_eq!(
        sent["tool_choice"],
        json!({"type": "function", "function": {"name": "get_weather"}})
    );
    let msgs = &sent["messages"];
    assert_eq!(msgs[1]["role"], "assistant");
    assert_eq!(msgs[1]["tool_calls"][0]["id"], "toolu_1");
    let args: Value = serde_json::from_str(
        msgs[1]["tool_calls"][0]["function"]["arguments"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(args, json!({"city": "Rome"}));
    assert_eq!(
        msgs[2],
        json!({"role": "tool", "content": "22C", "tool_call_id": "toolu_1"})
    );
    assert_eq!(msgs[3], json!({"role": "user", "content": "and Paris?"}));
}

fn tool_chunk(call: Value) -> String {
    json!({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": "m",
           "choices": [{"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": null}]})
    .to_string()
}

#[tokio::test]
async fn a_stream_of_text_then_a_tool_call_arrives_event_by_event() {
    let hold = Arc::new(Notify::new());
    let events = vec![
        chat_chunk("m", "Let me "),
        chat_chunk("m", "check."),
        tool_chunk(json!({"index": 0, "id": "call_1", "type": "function",
                          "function": {"name": "get_weather", "arguments": ""}})),
        tool_chunk(json!({"index": 0, "function": {"arguments": "{\"city\":"}})),
        tool_chunk(json!({"index": 0, "function": {"arguments": "\"Paris\"}"}})),
        finish_chunk("m", "tool_calls"),
        usage_chunk("m", 20, 9),
    ];
    let up = MockUpstream::always(Reply::Stream {
        events,
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
        &gw.url("/anthropic/v1/messages"),
        &anthropic_headers(),
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut events = Events::new(resp);
    // The upstream is blocked after its first chunk: this event proves no buffering.
    let first: Value = serde_json::from_str(&events.next().await.unwrap()).unwrap();
    assert_eq!(first["type"], "message_start");
    assert_eq!(first["message"]["model"], "up/m");
    assert_eq!(first["message"]["content"], json!([]));
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
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    assert_eq!(
        rest[0]["content_block"],
        json!({"type": "text", "text": ""})
    );
    assert_eq!(
        rest[1]["delta"],
        json!({"type": "text_delta", "text": "Let me "})
    );
    assert_eq!(rest[4]["index"], 1);
    assert_eq!(rest[4]["content_block"]["type"], "tool_use");
    assert_eq!(rest[4]["content_block"]["id"], "call_1");
    assert_eq!(rest[4]["content_block"]["name"], "get_weather");
    let json: String = rest[5..7]
        .iter()
        .map(|e| {
            assert_eq!(e["delta"]["type"], "input_json_delta");
            e["delta"]["partial_json"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(json, r#"{"city":"Paris"}"#);
    assert_eq!(rest[8]["delta"]["stop_reason"], "tool_use");
    assert_eq!(rest[8]["usage"]["output_tokens"], 9);
    assert_eq!(rest[8]["usage"]["input_tokens"], 20);

    let sent = &up.requests()[0].body;
    assert_eq!(sent["stream"], true);
    assert_eq!(sent["stream_options"]["include_usage"], true);
}

#[tokio::test]
async fn an_upstream_dying_mid_stream_ends_with_an_error_event_and_no_message_stop() {
    let up = MockUpstream::always(Reply::Stream {
        events: vec![
            chat_chunk("m", "partial "),
            chat_chunk("m", "answer"),
            chat_chunk("m", "never"),
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
        &gw.url("/anthropic/v1/messages"),
        &anthropic_headers(),
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    let raw = resp.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8(raw.to_vec()).unwrap();
    // Every event has an `event:` line naming the same type as its data.
    let events: Vec<Value> = text
        .split("\n\n")
        .filter(|e| !e.is_empty())
        .map(|e| {
            let (name, data) = e.split_once('\n').unwrap();
            let data: Value = serde_json::from_str(data.strip_prefix("data: ").unwrap()).unwrap();
            assert_eq!(
                Some(data["type"].as_str().unwrap()),
                name.strip_prefix("event: ")
            );
            data
        })
        .collect();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(!types.contains(&"message_stop"), "{types:?}");
    assert!(!types.contains(&"message_delta"), "{types:?}");
    let last = events.last().unwrap();
    assert_eq!(last["type"], "error");
    assert_eq!(last["error"]["type"], "api_error");
    assert!(!last["error"]["message"].as_str().unwrap().is_empty());
    let text: String = events
        .iter()
        .filter_map(|e| e["delta"]["text"].as_str())
        .collect();
    assert_eq!(text, "partial answer");
}

#[tokio::test]
async fn errors_take_anthropics_shape_and_keep_their_status() {
    let up = MockUpstream::always(Reply::error(429, "slow down")).await;
    // The key lists its model, so the provider does not catch every model name.
    let config = format!("{}models = [\"m\"]\n", one_upstream(&up.base_url()));
    let gw = Gateway::start(&config).await;

    let mut unknown = hello();
    unknown["model"] = json!("nope/nothing");
    let resp = post_messages(&gw, &unknown).await;
    assert_eq!(resp.status, 404, "{}", resp.text());
    let e = resp.json();
    assert_eq!(e["type"], "error");
    assert_eq!(e["error"]["type"], "not_found_error");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("nope"),
        "{e}"
    );

    let bad = call(
        Method::POST,
        &gw.url("/anthropic/v1/messages"),
        &anthropic_headers(),
        &b"{\"model\": \"up/m\",\n \"messages\": [}"[..],
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.text());
    let e = bad.json();
    assert_eq!(e["type"], "error");
    assert_eq!(e["error"]["type"], "invalid_request_error");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("line 2"),
        "{e}"
    );

    let mut unsupported = hello();
    unsupported["container"] = json!("c1");
    let resp = post_messages(&gw, &unsupported).await;
    assert_eq!(resp.status, 400);
    assert_eq!(resp.json()["error"]["type"], "invalid_request_error");

    let resp = post_messages(&gw, &hello()).await;
    assert_eq!(resp.status, 429, "{}", resp.text());
    assert_eq!(resp.json()["error"]["type"], "rate_limit_error");
    assert_eq!(
        up.request_count(),
        1,
        "only the routable request went upstream"
    );
}

#[tokio::test]
async fn an_upstream_answer_that_is_not_a_chat_completion_is_a_502() {
    // A JSON object, so it passes the gateway's first check, but not one to translate.
    let up = MockUpstream::always(Reply::json(json!({"choices": "none today"}))).await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let resp = post_messages(&gw, &hello()).await;
    assert_eq!(resp.status, 502, "{}", resp.text());
    let e = resp.json();
    assert_eq!(e["type"], "error");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("the upstream answer is not a chat completion"),
        "{e}"
    );
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_request_too_large() {
    let up = MockUpstream::always(Reply::json(chat_completion_with_usage("m", "x", 1, 1))).await;
    let config = format!(
        "[client]\nmax_request_body_size_mb = 1\n{}",
        one_upstream(&up.base_url())
    );
    let gw = Gateway::start(&config).await;
    let mut big = hello();
    big["messages"][0]["content"] = json!("x".repeat(2 * 1024 * 1024));
    let resp = post_messages(&gw, &big).await;
    assert_eq!(resp.status, 413);
    assert_eq!(resp.json()["error"]["type"], "request_too_large");
}

#[tokio::test]
async fn count_tokens_estimates_and_models_lists_the_configured_ones() {
    let up = MockUpstream::always(Reply::json(chat_completion_with_usage("m", "x", 1, 1))).await;
    let config = format!("{}models = [\"m\"]\n", one_upstream(&up.base_url()));
    let gw = Gateway::start(&config).await;
    let body = json!({"model": "up/m", "messages": [{"role": "user", "content": "x".repeat(400)}]});
    let resp = call(
        Method::POST,
        &gw.url("/anthropic/v1/messages/count_tokens"),
        &anthropic_headers(),
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.json(), json!({"input_tokens": 100}));
    assert_eq!(up.request_count(), 0, "an estimate, not an upstream call");

    let missing = get(&gw.url("/anthropic/v1/batches")).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["type"], "not_found_error");

    let list = get(&gw.url("/anthropic/v1/models")).await.json();
    assert_eq!(list["has_more"], false);
    assert_eq!(list["data"][0]["type"], "model");
    assert_eq!(list["data"][0]["id"], "up/m");
    assert_eq!(list["first_id"], "up/m");
    assert!(list["data"][0]["created_at"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
}

/// Same dialect in, same dialect out: an Anthropic upstream gets the client's body as
/// sent (only `model` rewritten, the provider's key in place of the client's), and its
/// answer comes back byte for byte.
#[tokio::test]
async fn an_anthropic_provider_gets_the_request_as_sent_and_answers_untouched() {
    let fixture = format!(
        "{}/tests/fixtures/anthropic/messages_response.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let answer = std::fs::read(fixture).unwrap();
    let up = MockUpstream::always(Reply::Raw {
        status: 200,
        content_type: "application/json".into(),
        body: answer.clone(),
    })
    .await;
    let gw = Gateway::start(&format!(
        "[providers.claude]\ntype = \"anthropic\"\nbase_url = \"{}\"\n[[providers.claude.keys]]\nname = \"k\"\nvalue = \"sk-ant-provider\"\n",
        up.base_url()
    ))
    .await;
    let body = json!({
        "model": "claude/claude-sonnet-4-20250514", "max_tokens": 256,
        "system": [{"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}}],
        "stop_sequences": ["###"], "top_k": 3,
        "tools": [{"name": "get_weather", "input_schema": {"type": "object", "properties": {"location": {"type": "string"}}}}],
        "tool_choice": {"type": "auto"},
        "context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]},
        "thinking": {"type": "enabled", "budget_tokens": 1024, "display": "summarized"},
        "metadata": {"user_id": "u-1"},
        "a_field_from_next_year": {"x": 1.50},
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Weather in Paris?"}]}]
    });
    let resp = crate::support::client::call(
        http::Method::POST,
        &gw.url("/anthropic/v1/messages?beta=true"),
        &[
            ("content-type", "application/json"),
            ("x-api-key", "sk-client-key"),
            ("anthropic-version", "2023-06-01"),
            (
                "anthropic-beta",
                "context-management-2025-06-27,interleaved-thinking-2025-05-14",
            ),
        ],
        // A number spelled as no serializer would write it.
        serde_json::to_string(&body)
            .unwrap()
            .replace("\"x\":1.5", "\"x\":1.50"),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        &resp.body[..],
        &answer[..],
        "the answer is the upstream's bytes"
    );

    let seen = &up.requests()[0];
    assert_eq!(seen.path, "/v1/messages");
    assert_eq!(seen.query.as_deref(), Some("beta=true"));
    assert_eq!(seen.header("x-api-key"), Some("sk-ant-provider"));
    assert_eq!(seen.header("authorization"), None);
    assert_eq!(seen.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(
        seen.header("anthropic-beta"),
        Some("context-management-2025-06-27,interleaved-thinking-2025-05-14")
    );
    let mut expected = body.clone();
    expected["model"] = json!("claude-sonnet-4-20250514");
    assert_eq!(seen.body, expected, "only the model changes");
    // Numbers keep their own spelling.
    assert!(String::from_utf8_lossy(&seen.raw_body).contains("\"x\":1.50"));
}

/// The same request to a non-Anthropic provider: fields that only tune Anthropic's own
/// behaviour are dropped and named; one whose loss would change the answer is refused.
#[tokio::test]
async fn anthropic_only_fields_are_dropped_and_named_for_other_providers() {
    let up = MockUpstream::always(Reply::json(chat_completion("gpt-4o", "hi"))).await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let body = json!({
        "model": "up/gpt-4o", "max_tokens": 64,
        "context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]},
        "thinking": {"type": "enabled", "budget_tokens": 1024, "display": "summarized"},
        "messages": [{"role": "user", "content": "hi"}]
    });
    let resp = post_messages(&gw, &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        resp.headers
            .get("x-bifrost-dropped-params")
            .and_then(|v| v.to_str().ok()),
        Some("context_management,thinking.display")
    );
    let sent = &up.requests()[0].body;
    assert!(sent.get("context_management").is_none(), "{sent}");
    assert!(sent.get("thinking").is_none(), "{sent}");
    assert_eq!(sent["reasoning_effort"], "low");

    let mut refused = body.clone();
    refused["mcp_servers"] =
        json!([{"type": "url", "url": "https://example.invalid", "name": "x"}]);
    let resp = post_messages(&gw, &refused).await;
    assert_eq!(resp.status, 400);
    assert!(resp.text().contains("mcp_servers"), "{}", resp.text());
    assert_eq!(up.request_count(), 1, "a refusal sends nothing");
}
