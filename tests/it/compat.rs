//! `[client.compat]`: `convert_text_to_chat` (legacy completions on a chat-only
//! provider) and `should_drop_params` (parameters a provider refuses, dropped).

use serde_json::{json, Value};

use crate::support::client::{post, send, Events};
use crate::support::gateway::Gateway;
use crate::support::upstream::{MockUpstream, Reply};

fn config(base_url: &str, convert: bool) -> String {
    format!(
        r#"
[client.compat]
convert_text_to_chat = {convert}
[providers.claude]
type = "anthropic"
base_url = "{base_url}"
[[providers.claude.keys]]
name = "k"
value = "sk-ant-test"
"#
    )
}

fn message() -> Value {
    json!({"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x",
           "content": [{"type": "text", "text": "Hello there"}], "stop_reason": "end_turn",
           "stop_sequence": null, "usage": {"input_tokens": 5, "output_tokens": 2}})
}

fn stream() -> Reply {
    let events = [
        (
            "message_start",
            json!({"type": "message_start", "message": {"id": "msg_2", "type": "message", "role": "assistant", "model": "claude-x", "content": [], "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 5, "output_tokens": 1}}}),
        ),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hel"}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "lo"}}),
        ),
        (
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0}),
        ),
        (
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 2}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ];
    let body: String = events
        .iter()
        .map(|(e, d)| format!("event: {e}\ndata: {d}\n\n"))
        .collect();
    Reply::Raw {
        status: 200,
        content_type: "text/event-stream".into(),
        body: body.into_bytes(),
    }
}

#[tokio::test]
async fn a_completion_on_anthropic_is_served_by_chat_when_enabled() {
    let up = MockUpstream::always(Reply::json(message())).await;
    let gw = Gateway::start(&config(&up.base_url(), true)).await;
    let body =
        json!({"model": "claude/claude-x", "prompt": "Say hello", "max_tokens": 20, "echo": false});
    let resp = post(&gw.url("/v1/completions"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let answer = resp.json();
    assert_eq!(answer["object"], "text_completion");
    assert_eq!(answer["choices"][0]["text"], "Hello there");
    assert_eq!(answer["choices"][0]["finish_reason"], "stop");
    assert_eq!(answer["usage"]["total_tokens"], 7);
    assert_eq!(answer["extra_fields"]["request_type"], "text_completion");
    let seen = &up.requests()[0];
    assert_eq!(seen.path, "/v1/messages");
    assert_eq!(seen.body["messages"][0]["role"], "user");
    assert_eq!(seen.body["messages"][0]["content"][0]["text"], "Say hello");
    assert_eq!(seen.body["max_tokens"], 20);
}

#[tokio::test]
async fn a_streamed_completion_on_anthropic_streams_text_completion_chunks() {
    let up = MockUpstream::always(stream()).await;
    let gw = Gateway::start(&config(&up.base_url(), true)).await;
    let body = json!({"model": "claude/claude-x", "prompt": "Say hello", "max_tokens": 20, "stream": true});
    let resp = send(
        http::Method::POST,
        &gw.url("/v1/completions"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let events = Events::new(resp).rest().await;
    assert_eq!(
        events.last().map(String::as_str),
        Some("[DONE]"),
        "{events:?}"
    );
    let chunks: Vec<Value> = events[..events.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    assert!(
        chunks.iter().all(|c| c["object"] == "text_completion"),
        "{chunks:?}"
    );
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["text"].as_str())
        .collect();
    assert_eq!(text, "Hello");
}

#[tokio::test]
async fn without_the_switch_a_completion_on_anthropic_is_a_400() {
    let up = MockUpstream::always(Reply::json(message())).await;
    let gw = Gateway::start(&config(&up.base_url(), false)).await;
    let resp = post(
        &gw.url("/v1/completions"),
        &json!({"model": "claude/claude-x", "prompt": "x"}),
    )
    .await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert_eq!(up.request_count(), 0);
}

/// One anthropic provider `claude` at `base_url`, `should_drop_params = drop`.
fn drop_config(base_url: &str, drop: bool) -> String {
    format!(
        r#"
[client.compat]
should_drop_params = {drop}
convert_text_to_chat = true
[providers.claude]
type = "anthropic"
base_url = "{base_url}"
[[providers.claude.keys]]
name = "k"
value = "sk-ant-test"
"#
    )
}

fn chat_with(extra: Value) -> Value {
    let mut body = json!({"model": "claude/claude-x", "max_tokens": 20, "temperature": 0.5,
        "messages": [{"role": "user", "content": "Say hello"}]});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

fn refused() -> Value {
    json!({"logit_bias": {"50256": -100}, "seed": 7})
}

const DROPPED: &str = "x-bifrost-dropped-params";

#[tokio::test]
async fn without_should_drop_params_a_refused_parameter_is_a_400_and_nothing_is_sent() {
    let up = MockUpstream::always(Reply::json(message())).await;
    let gw = Gateway::start(&drop_config(&up.base_url(), false)).await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &chat_with(json!({"logit_bias": {"50256": -100}})),
    )
    .await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(
        resp.error_message().contains("parameter `logit_bias`")
            && resp.error_message().contains("anthropic"),
        "{}",
        resp.text()
    );
    assert_eq!(resp.json()["error"]["param"], "logit_bias");
    assert!(resp.headers.get(DROPPED).is_none());
    // Both refused: the first the adapter checks is named; still nothing upstream.
    let resp = post(&gw.url("/v1/chat/completions"), &chat_with(refused())).await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(
        resp.error_message().contains("parameter `seed`"),
        "{}",
        resp.text()
    );
    assert_eq!(up.request_count(), 0);
}

#[tokio::test]
async fn with_should_drop_params_refused_parameters_are_dropped_and_reported() {
    let up = MockUpstream::always(Reply::json(message())).await;
    let gw = Gateway::start(&drop_config(&up.base_url(), true)).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat_with(refused())).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        resp.headers.get(DROPPED).and_then(|v| v.to_str().ok()),
        Some("seed,logit_bias")
    );
    let answer = resp.json();
    assert_eq!(answer["choices"][0]["message"]["content"], "Hello there");
    assert_eq!(
        answer["extra_fields"]["dropped_params"],
        json!(["seed", "logit_bias"])
    );
    // Exactly one request went upstream: the refusals never left the gateway.
    let seen = up.requests();
    assert_eq!(seen.len(), 1);
    let sent = seen[0].body.as_object().unwrap();
    assert!(
        !sent.contains_key("logit_bias") && !sent.contains_key("seed"),
        "{sent:?}"
    );
    // The parameters the provider honours still arrive.
    assert_eq!(sent["max_tokens"], 20);
    assert_eq!(sent["temperature"], 0.5);
}

#[tokio::test]
async fn with_should_drop_params_a_stream_is_served_and_reports_the_drops_in_a_header() {
    let up = MockUpstream::always(stream()).await;
    let gw = Gateway::start(&drop_config(&up.base_url(), true)).await;
    let mut body = chat_with(refused());
    body["stream"] = json!(true);
    let resp = send(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers().get(DROPPED).and_then(|v| v.to_str().ok()),
        Some("seed,logit_bias")
    );
    let events = Events::new(resp).rest().await;
    assert_eq!(
        events.last().map(String::as_str),
        Some("[DONE]"),
        "{events:?}"
    );
    let text: String = events[..events.len() - 1]
        .iter()
        .map(|e| serde_json::from_str::<Value>(e).unwrap())
        .filter_map(|c| {
            c["choices"][0]["delta"]["content"]
                .as_str()
                .map(String::from)
        })
        .collect();
    assert_eq!(text, "Hello");
    let seen = up.requests();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].body.get("logit_bias").is_none() && seen[0].body.get("seed").is_none());
}

#[tokio::test]
async fn should_drop_params_reports_nothing_when_nothing_was_refused_and_keeps_other_errors() {
    let up = MockUpstream::always(Reply::json(message())).await;
    let gw = Gateway::start(&drop_config(&up.base_url(), true)).await;
    // Neutral values pass the adapter: nothing dropped, nothing reported.
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &chat_with(json!({"logit_bias": {}, "n": 1})),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert!(resp.headers.get(DROPPED).is_none());
    assert!(resp.json()["extra_fields"].get("dropped_params").is_none());
    assert_eq!(up.requests()[0].body["max_tokens"], 20);
    // A request the provider cannot express is not a parameter to drop: still a 400.
    let bad = json!({"model": "claude/claude-x", "seed": 1, "messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "tool_calls": [{"id": "t1", "type": "function",
            "function": {"name": "f", "arguments": "{not json"}}]}]});
    let resp = post(&gw.url("/v1/chat/completions"), &bad).await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(resp.error_message().contains("`f`"), "{}", resp.text());
    assert_eq!(up.request_count(), 1);
}

#[tokio::test]
async fn should_drop_params_applies_to_completions_served_by_chat() {
    let up = MockUpstream::always(Reply::json(message())).await;
    let gw = Gateway::start(&drop_config(&up.base_url(), true)).await;
    let body = json!({"model": "claude/claude-x", "prompt": "Say hello", "seed": 3});
    let resp = post(&gw.url("/v1/completions"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        resp.headers.get(DROPPED).and_then(|v| v.to_str().ok()),
        Some("seed")
    );
    let answer = resp.json();
    assert_eq!(answer["choices"][0]["text"], "Hello there");
    assert_eq!(answer["extra_fields"]["dropped_params"], json!(["seed"]));
    assert!(up.requests()[0].body.get("seed").is_none());
}

fn gemini_config(base_url: &str, drop: bool) -> String {
    format!(
        r#"
[client.compat]
should_drop_params = {drop}
[providers.gem]
type = "gemini"
base_url = "{base_url}"
[[providers.gem.keys]]
name = "k1"
value = "AIza-test-key"
"#
    )
}

#[tokio::test]
async fn gemini_refusals_are_dropped_too_when_enabled() {
    let answer = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "Hi!"}]},
            "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 4, "candidatesTokenCount": 2, "totalTokenCount": 6},
        "modelVersion": "gemini-2.5-flash", "responseId": "resp_1"});
    let body = json!({"model": "gem/gemini-2.5-flash", "parallel_tool_calls": false,
        "messages": [{"role": "user", "content": "Say hi"}],
        "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object",
            "properties": {"x": {"type": "string"}}}}}]});

    let up = MockUpstream::always(Reply::json(answer.clone())).await;
    let off = Gateway::start(&gemini_config(&up.base_url(), false)).await;
    let resp = post(&off.url("/v1/chat/completions"), &body).await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(
        resp.error_message()
            .contains("parameter `parallel_tool_calls`")
            && resp.error_message().contains("gemini"),
        "{}",
        resp.text()
    );
    assert_eq!(up.request_count(), 0);

    let on = Gateway::start(&gemini_config(&up.base_url(), true)).await;
    let resp = post(&on.url("/v1/chat/completions"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        resp.headers.get(DROPPED).and_then(|v| v.to_str().ok()),
        Some("parallel_tool_calls")
    );
    assert_eq!(
        resp.json()["extra_fields"]["dropped_params"],
        json!(["parallel_tool_calls"])
    );
    let seen = up.requests();
    assert_eq!(seen.len(), 1);
    // The tools themselves still went up.
    assert_eq!(
        seen[0].body["tools"][0]["functionDeclarations"][0]["name"],
        "f"
    );
}

#[tokio::test]
async fn should_drop_params_serves_the_drop_in_routes_too() {
    // /genai -> chat -> anthropic: Gemini's `seed` becomes chat's, which anthropic refuses.
    let up = MockUpstream::always(Reply::json(message())).await;
    let body = json!({"contents": [{"role": "user", "parts": [{"text": "Say hello"}]}],
        "generationConfig": {"seed": 5, "maxOutputTokens": 20}});
    let path = "/genai/v1beta/models/claude/claude-x:generateContent";
    let off = Gateway::start(&drop_config(&up.base_url(), false)).await;
    let resp = post(&off.url(path), &body).await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(resp.text().contains("`seed`"), "{}", resp.text());
    assert_eq!(up.request_count(), 0);

    let on = Gateway::start(&drop_config(&up.base_url(), true)).await;
    let resp = post(&on.url(path), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        resp.headers.get(DROPPED).and_then(|v| v.to_str().ok()),
        Some("seed")
    );
    assert_eq!(
        resp.json()["candidates"][0]["content"]["parts"][0]["text"],
        "Hello there"
    );
    assert!(up.requests()[0].body.get("seed").is_none());
}
