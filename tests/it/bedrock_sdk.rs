//! boto3's `bedrock-runtime` client (pinned in tests/python/requirements.txt) as a
//! client of the Bedrock drop-in route, with a mock OpenAI-format upstream behind it
//! (see `tests/python/test_bedrock_sdk.py` for what the mock answers).

use serde_json::{json, Value};

use crate::support::gateway::{one_upstream, Gateway};
use crate::support::python::assert_pytest_async;
use crate::support::upstream::{
    chat_completion, chat_stream_events, MockUpstream, Recorded, Reply,
};

fn tool_call() -> Value {
    json!({
        "id": "chatcmpl-tools", "object": "chat.completion", "created": 1, "model": "tools",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
            "role": "assistant", "content": null,
            "tool_calls": [{"id": "call_1", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]
        }}],
        "usage": {"prompt_tokens": 20, "completion_tokens": 5, "total_tokens": 25}
    })
}

fn respond(r: &Recorded) -> Reply {
    let body = &r.body;
    match body["model"].as_str() {
        Some("tools") => {
            let messages = body["messages"].as_array().cloned().unwrap_or_default();
            match messages.iter().find(|m| m["role"] == "tool") {
                Some(result) => {
                    let said = result["content"].as_str().unwrap_or("");
                    Reply::json(chat_completion("tools", &format!("It is {said} in Paris")))
                }
                None => Reply::json(tool_call()),
            }
        }
        _ if body["stream"] == true => Reply::stream(chat_stream_events(
            "chat",
            &["Hello ", "from the ", "gateway"],
        )),
        _ => Reply::json(chat_completion("chat", "Hello from the gateway")),
    }
}

#[tokio::test]
async fn boto3_bedrock_runtime_works_against_the_gateway() {
    let up = MockUpstream::start(respond).await;
    // The key lists its models, so `nope/nothing` stays unroutable.
    let config = format!(
        "{}models = [\"chat\", \"tools\"]\n",
        one_upstream(&up.base_url())
    );
    let gw = Gateway::start(&config).await;
    let out = assert_pytest_async(
        "test_bedrock_sdk.py",
        &[("BIFROST_BEDROCK_URL", gw.url("/bedrock"))],
    )
    .await;
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("5 passed") && !summary.contains("failed"),
        "{summary}"
    );
    // The SigV4 Authorization header never reached the upstream.
    for seen in up.requests() {
        assert_eq!(seen.bearer(), Some("sk-up-1"));
        assert!(seen.header("x-amz-date").is_none());
    }
}
