//! The Bedrock drop-in route end to end (Converse; ConverseStream is in `bedrock_stream`):
//! a Converse client (plain HTTP with a SigV4-like `Authorization` header), the gateway,
//! and a mock upstream speaking OpenAI.

use http::Method;
use serde_json::{json, Value};

use crate::support::client::{call, Answer};
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{chat_completion_with_usage, MockUpstream, Recorded, Reply};

const SIGV4: &str = "AWS4-HMAC-SHA256 Credential=AKIDCLIENTSECRET/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=deadbeef";

pub(crate) fn headers() -> [(&'static str, &'static str); 3] {
    [
        ("content-type", "application/json"),
        ("authorization", SIGV4),
        ("x-amz-date", "20250101T000000Z"),
    ]
}

async fn converse(gw: &Gateway, model: &str, action: &str, body: &Value) -> Answer {
    call(
        Method::POST,
        &gw.url(&format!("/bedrock/model/{model}/{action}")),
        &headers(),
        serde_json::to_vec(body).unwrap(),
    )
    .await
}

pub(crate) fn hello() -> Value {
    json!({
        "system": [{"text": "be brief"}],
        "messages": [{"role": "user", "content": [{"text": "hello"}]}],
        "inferenceConfig": {"maxTokens": 64, "temperature": 0.5, "stopSequences": ["##"]},
        "additionalModelRequestFields": {"top_k": 5},
    })
}

fn assert_no_client_credential(seen: &Recorded) {
    assert_eq!(seen.bearer(), Some("sk-up-1"));
    for (name, value) in &seen.headers {
        let v = String::from_utf8_lossy(value.as_bytes());
        assert!(
            !v.contains("AKIDCLIENTSECRET"),
            "{name} carries the client credential"
        );
        assert!(!name.as_str().starts_with("x-amz"), "{name} was forwarded");
    }
}

#[tokio::test]
async fn converse_answers_in_converse_shape_and_the_model_id_is_percent_decoded() {
    let up = MockUpstream::always(Reply::json(chat_completion_with_usage(
        "m", "hi there", 12, 2,
    )))
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let resp = converse(&gw, "up%2Fm", "converse", &hello()).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let r = resp.json();
    assert_eq!(
        r["output"]["message"],
        json!({"role": "assistant", "content": [{"text": "hi there"}]})
    );
    assert_eq!(r["stopReason"], "end_turn");
    assert_eq!(
        r["usage"],
        json!({"inputTokens": 12, "outputTokens": 2, "totalTokens": 14})
    );
    assert!(r["metrics"]["latencyMs"].is_u64());

    let seen = &up.requests()[0];
    assert_eq!(seen.path, "/v1/chat/completions");
    assert_eq!(seen.body["model"], "m");
    assert_eq!(seen.body["max_tokens"], 64);
    assert_eq!(seen.body["stop"], json!(["##"]));
    assert_eq!(
        seen.body["top_k"], 5,
        "additional fields travel as extra fields"
    );
    assert_eq!(
        seen.body["messages"],
        json!([{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello"}])
    );
    assert_no_client_credential(seen);
}

#[tokio::test]
async fn a_tool_round_trip_maps_tool_use_and_tool_result() {
    let up = MockUpstream::always(Reply::json(json!({
        "id": "chatcmpl-t", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
            "role": "assistant", "content": null,
            "tool_calls": [{"id": "call_9", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]}}],
        "usage": {"prompt_tokens": 30, "completion_tokens": 7, "total_tokens": 37}
    })))
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let body = json!({
        "messages": [
            {"role": "user", "content": [{"text": "weather in Rome?"},
                {"image": {"format": "png", "source": {"bytes": "iVBORw0KGgo="}}}]},
            {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "get_weather", "input": {"city": "Rome"}}}]},
            {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"json": {"temp": 22}}]}},
                {"text": "and Paris?"}]}
        ],
        "toolConfig": {
            "tools": [{"toolSpec": {"name": "get_weather", "description": "Weather by city",
                "inputSchema": {"json": {"type": "object", "properties": {"city": {"type": "string"}}}}}}],
            "toolChoice": {"any": {}}
        }
    });
    let resp = converse(&gw, "up/m", "converse", &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let r = resp.json();
    assert_eq!(r["stopReason"], "tool_use");
    assert_eq!(
        r["output"]["message"]["content"],
        json!([{"toolUse": {"toolUseId": "call_9", "name": "get_weather", "input": {"city": "Paris"}}}])
    );
    let sent = &up.requests()[0].body;
    assert_eq!(sent["tool_choice"], "required");
    assert_eq!(sent["tools"][0]["function"]["name"], "get_weather");
    let msgs = &sent["messages"];
    assert_eq!(
        msgs[0]["content"][1]["image_url"]["url"],
        "data:image/png;base64,iVBORw0KGgo="
    );
    assert_eq!(msgs[1]["tool_calls"][0]["id"], "t1");
    assert_eq!(
        msgs[1]["tool_calls"][0]["function"]["arguments"],
        "{\"city\":\"Rome\"}"
    );
    assert_eq!(
        msgs[2],
        json!({"role": "tool", "content": "{\"temp\":22}", "tool_call_id": "t1"})
    );
    assert_eq!(msgs[3], json!({"role": "user", "content": "and Paris?"}));
}

#[tokio::test]
async fn errors_carry_the_aws_error_type() {
    let up = MockUpstream::always(Reply::error(429, "slow down")).await;
    let config = format!("{}models = [\"m\"]\n", one_upstream(&up.base_url()));
    let gw = Gateway::start(&config).await;

    let resp = converse(&gw, "nope%2Fnothing", "converse", &hello()).await;
    assert_eq!(resp.status, 404, "{}", resp.text());
    assert_eq!(
        resp.headers["x-amzn-errortype"],
        "ResourceNotFoundException"
    );
    assert!(resp.json()["message"].as_str().unwrap().contains("nope"));

    let resp = converse(&gw, "up%2Fm", "converse", &json!({"messages": "x"})).await;
    assert_eq!(resp.status, 400);
    assert_eq!(resp.headers["x-amzn-errortype"], "ValidationException");

    let resp = converse(&gw, "up%2Fm", "converse-stream", &hello()).await;
    assert_eq!(resp.status, 429, "{}", resp.text());
    assert_eq!(resp.headers["x-amzn-errortype"], "ThrottlingException");
    assert_eq!(
        resp.json()["message"].as_str().map(|m| m.is_empty()),
        Some(false)
    );

    let resp = converse(&gw, "up%2Fm", "invoke", &hello()).await;
    assert_eq!(resp.status, 404);
    assert_eq!(
        resp.headers["x-amzn-errortype"],
        "ResourceNotFoundException"
    );
    assert_eq!(
        up.request_count(),
        1,
        "only the routable request went upstream"
    );
}
