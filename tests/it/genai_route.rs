//! The `/genai` drop-in route end to end: a Gemini-format client (plain HTTP, and the
//! official google-genai Python SDK), the gateway, and mock upstreams speaking OpenAI
//! or Anthropic.

use std::sync::Arc;
use std::time::Duration;

use http::Method;
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::support::client::{call, get, send, Answer, Events};
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::python::assert_pytest_async;
use crate::support::upstream::{
    chat_completion, chat_completion_with_usage, chat_stream_events, embeddings_response,
    weather_tool_call, MockUpstream, Recorded, Reply,
};

const CLIENT_KEY: &str = "AIza-client-credential-must-not-travel";

async fn post_genai(gw: &Gateway, path: &str, body: &Value) -> Answer {
    call(
        Method::POST,
        &gw.url(path),
        &[
            ("content-type", "application/json"),
            ("x-goog-api-key", CLIENT_KEY),
        ],
        serde_json::to_vec(body).unwrap(),
    )
    .await
}

fn assert_no_client_credential(seen: &Recorded) {
    for (name, value) in &seen.headers {
        let v = String::from_utf8_lossy(value.as_bytes());
        assert!(!v.contains(CLIENT_KEY), "{name} carries the client key");
    }
    assert!(!seen.path.contains(CLIENT_KEY));
}

#[tokio::test]
async fn generate_content_reaches_an_openai_upstream_and_comes_back_in_geminis_shape() {
    let up = MockUpstream::always(Reply::json(chat_completion_with_usage(
        "gpt-4o", "Bonjour", 7, 2,
    )))
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let body = json!({
        "systemInstruction": {"parts": [{"text": "Answer in French."}]},
        "contents": [{"role": "user", "parts": [{"text": "Hello"}]}],
        "generationConfig": {"temperature": 0.3, "maxOutputTokens": 20}
    });
    for version in ["v1beta", "v1"] {
        let answer = post_genai(
            &gw,
            &format!("/genai/{version}/models/up/gpt-4o:generateContent"),
            &body,
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        let v = answer.json();
        assert_eq!(v["candidates"][0]["content"]["parts"][0]["text"], "Bonjour");
        assert_eq!(v["candidates"][0]["content"]["role"], "model");
        assert_eq!(v["candidates"][0]["finishReason"], "STOP");
        assert_eq!(v["usageMetadata"]["promptTokenCount"], 7);
        assert_eq!(v["modelVersion"], "up/gpt-4o");
    }
    let seen = up.requests();
    let sent = &seen[0].body;
    assert_eq!(sent["model"], "gpt-4o");
    assert_eq!(
        sent["messages"][0],
        json!({"role": "system", "content": "Answer in French."})
    );
    assert_eq!(sent["max_tokens"], 20);
    assert_eq!(seen[0].bearer(), Some("sk-up-1"));
    assert_no_client_credential(&seen[0]);
}

/// Anthropic's stream for a tool call, as `data:` events (the type is in the data).
fn anthropic_tool_stream() -> Vec<String> {
    [
        json!({"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant",
            "model": "claude-x", "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 30, "output_tokens": 1}}}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Checking."}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "content_block_start", "index": 1, "content_block":
            {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}}),
        json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "{\"city\":"}}),
        json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "\"Paris\"}"}}),
        json!({"type": "content_block_stop", "index": 1}),
        json!({"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": null},
            "usage": {"output_tokens": 12}}),
        json!({"type": "message_stop"}),
    ]
    .iter()
    .map(Value::to_string)
    .collect()
}

#[tokio::test]
async fn a_gemini_client_streams_tool_calls_from_an_anthropic_upstream() {
    let up = MockUpstream::always(Reply::Stream {
        events: anthropic_tool_stream(),
        gap: Duration::ZERO,
        done: false,
        hold_after_first: None,
        drop_after: None,
    })
    .await;
    let gw = Gateway::start(&format!(
        "[providers.claude]\ntype = \"anthropic\"\nbase_url = \"{}\"\n[[providers.claude.keys]]\nname = \"k\"\nvalue = \"sk-ant-up\"\n",
        up.base_url()
    ))
    .await;
    let body = json!({
        "contents": [{"role": "user", "parts": [{"text": "Weather in Paris?"}]}],
        "tools": [{"functionDeclarations": [{"name": "get_weather", "description": "Weather",
            "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}}}]}]
    });
    let resp = send(
        Method::POST,
        &gw.url("/genai/v1beta/models/claude/claude-x:streamGenerateContent?alt=sse"),
        &[
            ("content-type", "application/json"),
            ("x-goog-api-key", CLIENT_KEY),
        ],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut events = Events::new(resp);
    let first: Value = serde_json::from_str(&events.next().await.unwrap()).unwrap();
    assert_eq!(
        first["candidates"][0]["content"]["parts"][0]["text"],
        "Checking."
    );
    let rest: Vec<Value> = events
        .rest()
        .await
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    let last = rest.last().expect("a final event");
    let call = &last["candidates"][0]["content"]["parts"][0]["functionCall"];
    assert_eq!(call["name"], "get_weather");
    assert_eq!(call["args"], json!({"city": "Paris"}));
    assert_eq!(call["id"], "toolu_1");
    assert_eq!(last["candidates"][0]["finishReason"], "STOP");
    assert_eq!(last["usageMetadata"]["candidatesTokenCount"], 12);

    let seen = up.requests();
    assert_eq!(seen[0].path, "/v1/messages");
    assert_eq!(seen[0].header("x-api-key"), Some("sk-ant-up"));
    let tools = &seen[0].body["tools"][0];
    assert_eq!(tools["name"], "get_weather");
    assert_eq!(
        tools["input_schema"]["properties"]["city"]["type"],
        "string"
    );
    assert_no_client_credential(&seen[0]);
}

#[tokio::test]
async fn stream_events_reach_the_client_before_the_upstream_finishes() {
    let hold = Arc::new(Notify::new());
    let up = MockUpstream::always(Reply::Stream {
        events: chat_stream_events("gpt-4o", &["Hel", "lo"]),
        gap: Duration::ZERO,
        done: true,
        hold_after_first: Some(hold.clone()),
        drop_after: None,
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let body = json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]});
    let resp = send(
        Method::POST,
        &gw.url("/genai/v1/models/up/gpt-4o:streamGenerateContent?alt=sse"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let mut events = Events::new(resp);
    // The upstream is blocked after its first chunk: this event proves no buffering.
    let first: Value = serde_json::from_str(&events.next().await.unwrap()).unwrap();
    assert_eq!(first["candidates"][0]["content"]["parts"][0]["text"], "Hel");
    hold.notify_one();
    let rest: Vec<Value> = events
        .rest()
        .await
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    let text: String = rest
        .iter()
        .filter_map(|e| e["candidates"][0]["content"]["parts"][0]["text"].as_str())
        .collect();
    assert_eq!(text, "lo");
    let last = rest.last().unwrap();
    assert_eq!(last["candidates"][0]["finishReason"], "STOP");
    assert!(last["usageMetadata"]["totalTokenCount"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn errors_take_googles_shape_and_keep_their_status() {
    let up = MockUpstream::start(|r| match r.body["model"].as_str() {
        Some("limited") => Reply::error(429, "slow down"),
        _ => Reply::json(chat_completion("m", "ok")),
    })
    .await;
    let config = format!(
        "{}models = [\"m\", \"limited\"]\n",
        one_upstream(&up.base_url())
    );
    let gw = Gateway::start(&config).await;
    let hello = json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]});

    let missing = post_genai(
        &gw,
        "/genai/v1beta/models/nope/nothing:generateContent",
        &hello,
    )
    .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["status"], "NOT_FOUND");
    assert_eq!(missing.json()["error"]["code"], 404);

    let bad = call(
        Method::POST,
        &gw.url("/genai/v1beta/models/up/m:generateContent"),
        &[("content-type", "application/json")],
        b"{\"contents\": [".to_vec(),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["status"], "INVALID_ARGUMENT");

    let limited = post_genai(
        &gw,
        "/genai/v1beta/models/up/limited:generateContent",
        &hello,
    )
    .await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.json()["error"]["status"], "RESOURCE_EXHAUSTED");
    assert!(limited.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("slow down"));

    let action = post_genai(&gw, "/genai/v1beta/models/up/m:predict", &hello).await;
    assert_eq!(action.status, 400);
    assert!(
        action.error_message().contains("predict"),
        "{}",
        action.text()
    );

    let other = get(&gw.url("/genai/v1beta/files")).await;
    assert_eq!(other.status, 404);
    assert_eq!(other.json()["error"]["status"], "NOT_FOUND");
}

#[tokio::test]
async fn the_google_genai_python_sdk_works_against_the_gateway() {
    let up = MockUpstream::start(|r| {
        let body = &r.body;
        if r.path.ends_with("/embeddings") {
            let n = body["input"].as_array().map_or(1, Vec::len);
            return Reply::json(embeddings_response(n, 8));
        }
        if body["model"] == "rate-limited" {
            return Reply::error(429, "slow down");
        }
        let messages = body["messages"].as_array().cloned().unwrap_or_default();
        if let Some(result) = messages.iter().find(|m| m["role"] == "tool") {
            assert!(result["content"].as_str().unwrap_or("").contains("21"));
            return Reply::json(chat_completion("gpt-4o", "It is 21C in Paris."));
        }
        if body.get("tools").is_some() {
            return Reply::json(weather_tool_call("gpt-4o"));
        }
        if body["stream"] == true {
            return Reply::stream(chat_stream_events(
                "gpt-4o",
                &["hello ", "from ", "upstream"],
            ));
        }
        Reply::json(chat_completion_with_usage(
            "gpt-4o",
            "hello from upstream",
            3,
            3,
        ))
    })
    .await;
    let config = format!(
        "{}models = [\"gpt-4o\", \"rate-limited\", \"text-embedding-3-small\"]\n",
        one_upstream(&up.base_url())
    );
    let gw = Gateway::start(&config).await;
    let out = assert_pytest_async(
        "test_genai_sdk.py",
        &[
            ("BIFROST_GENAI_URL", gw.url("/genai")),
            ("BIFROST_MODEL", "up/gpt-4o".to_string()),
            ("BIFROST_LIMITED", "up/rate-limited".to_string()),
            ("BIFROST_EMBED", "up/text-embedding-3-small".to_string()),
        ],
    )
    .await;
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("16 passed") && !summary.contains("failed"),
        "{summary}"
    );
    for seen in up.requests() {
        assert_no_client_credential(&seen);
    }
}

#[tokio::test]
async fn an_upstream_dying_mid_stream_ends_with_a_google_error_event() {
    let up = MockUpstream::always(Reply::Stream {
        events: chat_stream_events("gpt-4o", &["Hel", "lo", " there"]),
        gap: Duration::ZERO,
        done: true,
        hold_after_first: None,
        drop_after: Some(2),
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let body = json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]});
    let resp = send(
        Method::POST,
        &gw.url("/genai/v1beta/models/up/gpt-4o:streamGenerateContent?alt=sse"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let events: Vec<Value> = Events::new(resp)
        .rest()
        .await
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    let last = events.last().expect("an error event");
    assert_eq!(last["error"]["code"], 502, "{last}");
    assert_eq!(last["error"]["status"], "UNAVAILABLE");
    assert!(
        events
            .iter()
            .all(|e| e["candidates"][0].get("finishReason").is_none()),
        "a cut stream must not look finished: {events:?}"
    );
}
