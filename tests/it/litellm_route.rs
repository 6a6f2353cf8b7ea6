//! `/litellm`: one route of each family answers exactly as under its own prefix.

use http::Method;
use serde_json::{json, Value};

use crate::support::client::{call, get, post};
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{chat_completion_with_usage, MockUpstream, Reply};

fn user(text: &str) -> Value {
    json!({"role": "user", "content": text})
}

#[tokio::test]
async fn every_family_is_served_under_litellm() {
    let up = MockUpstream::always(Reply::json(chat_completion_with_usage("m", "hi", 3, 1))).await;
    // The key lists its model, so the provider does not catch every model name.
    let config = format!("{}models = [\"m\"]\n", one_upstream(&up.base_url()));
    let gw = Gateway::start(&config).await;

    let openai = post(
        &gw.url("/litellm/v1/chat/completions"),
        &json!({"model": "up/m", "messages": [user("a")]}),
    )
    .await;
    assert_eq!(openai.status, 200, "{}", openai.text());
    assert_eq!(openai.json()["choices"][0]["message"]["content"], "hi");
    let bare = post(
        &gw.url("/litellm/chat/completions"),
        &json!({"model": "up/m", "messages": [user("a")]}),
    )
    .await;
    assert_eq!(bare.status, 200, "{}", bare.text());
    // The OpenAI list wins over Anthropic's, as in the reference gateway.
    let models = get(&gw.url("/litellm/v1/models")).await.json();
    assert_eq!(models["object"], "list");
    assert_eq!(models["data"][0]["id"], "up/m");

    let anthropic = post(
        &gw.url("/litellm/v1/messages"),
        &json!({"model": "up/m", "max_tokens": 9, "messages": [user("a")]}),
    )
    .await;
    assert_eq!(anthropic.status, 200, "{}", anthropic.text());
    assert_eq!(anthropic.json()["type"], "message");

    let genai = post(
        &gw.url("/litellm/v1beta/models/up/m:generateContent"),
        &json!({"contents": [{"role": "user", "parts": [{"text": "a"}]}]}),
    )
    .await;
    assert_eq!(genai.status, 200, "{}", genai.text());
    assert_eq!(
        genai.json()["candidates"][0]["content"]["parts"][0]["text"],
        "hi"
    );
    let genai_v1 = post(
        &gw.url("/litellm/v1/models/up/m:generateContent"),
        &json!({"contents": [{"role": "user", "parts": [{"text": "a"}]}]}),
    )
    .await;
    assert_eq!(genai_v1.status, 200, "{}", genai_v1.text());

    let bedrock = post(
        &gw.url("/litellm/model/up%2Fm/converse"),
        &json!({"messages": [{"role": "user", "content": [{"text": "a"}]}]}),
    )
    .await;
    assert_eq!(bedrock.status, 200, "{}", bedrock.text());
    assert_eq!(
        bedrock.json()["output"]["message"]["content"][0]["text"],
        "hi"
    );

    let cohere = post(
        &gw.url("/litellm/v2/chat"),
        &json!({"model": "up/m", "messages": [user("a")]}),
    )
    .await;
    assert_eq!(cohere.status, 200, "{}", cohere.text());
    assert_eq!(cohere.json()["finish_reason"], "COMPLETE");
    assert_eq!(up.request_count(), 7);

    // Errors keep each family's shape under the prefix too.
    let missing = post(
        &gw.url("/litellm/model/nope%2Fx/converse"),
        &json!({"messages": [{"role": "user", "content": [{"text": "a"}]}]}),
    )
    .await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.headers["x-amzn-errortype"],
        "ResourceNotFoundException"
    );
    let unknown = call(Method::POST, &gw.url("/litellm/nothing/here"), &[], "{}").await;
    assert_eq!(unknown.status, 404);
}

/// Every SDK's error renderer goes through `ApiError::respond_with`: a rate-limited
/// upstream's `Retry-After` reaches clients of each family, with the family's status.
#[tokio::test]
async fn retry_after_reaches_every_family() {
    let up = MockUpstream::always(Reply::Json {
        status: 429,
        body: json!({"error": {"message": "slow down"}}),
        headers: vec![("retry-after".into(), "7".into())],
    })
    .await;
    let config = format!("{}models = [\"m\"]\n", one_upstream(&up.base_url()));
    let gw = Gateway::start(&config).await;
    let contents = json!({"contents": [{"role": "user", "parts": [{"text": "a"}]}]});
    let cases = [
        (
            "/v1/chat/completions",
            json!({"model": "up/m", "messages": [user("a")]}),
        ),
        (
            "/anthropic/v1/messages",
            json!({"model": "up/m", "max_tokens": 9, "messages": [user("a")]}),
        ),
        ("/genai/v1beta/models/up/m:generateContent", contents),
        (
            "/bedrock/model/up%2Fm/converse",
            json!({"messages": [{"role": "user", "content": [{"text": "a"}]}]}),
        ),
        (
            "/cohere/v2/chat",
            json!({"model": "up/m", "messages": [user("a")]}),
        ),
    ];
    for (path, body) in cases {
        let resp = post(&gw.url(path), &body).await;
        assert_eq!(resp.status, 429, "{path}: {}", resp.text());
        assert_eq!(resp.headers["retry-after"], "7", "{path}");
        assert!(resp.text().contains("slow down"), "{path}: {}", resp.text());
    }
}
