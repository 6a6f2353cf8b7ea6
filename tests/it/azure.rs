//! The `azure` provider type: OpenAI requests addressed to a deployment on the key's
//! resource endpoint, with `api-version` and the `api-key` (or bearer) header.

use serde_json::json;

use crate::support::client::{post, send, Events};
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_completion, chat_stream_events, MockUpstream, Reply};

/// One azure provider `az` whose key points at `endpoint`; `extra` is appended to the
/// key's azure_key_config table.
fn config(endpoint: &str, extra: &str) -> String {
    format!(
        r#"
[providers.az]
type = "azure"
[[providers.az.keys]]
name = "k"
value = "az-secret"
azure_key_config = {{ endpoint = "{endpoint}", deployments = {{ "gpt-4o" = "prod-4o" }}{extra} }}
"#
    )
}

#[tokio::test]
async fn chat_goes_to_the_mapped_deployment_with_api_version_and_api_key() {
    let up = MockUpstream::always(Reply::json(chat_completion("gpt-4o", "hi there"))).await;
    let gw = Gateway::start(&config(&up.root_url(), "")).await;
    let body = json!({"model": "az/gpt-4o", "messages": [{"role": "user", "content": "hi"}]});
    let resp = post(&gw.url("/v1/chat/completions"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.json()["choices"][0]["message"]["content"], "hi there");
    let seen = &up.requests()[0];
    assert_eq!(seen.path, "/openai/deployments/prod-4o/chat/completions");
    assert_eq!(seen.query.as_deref(), Some("api-version=2024-10-21"));
    assert_eq!(seen.header("api-key"), Some("az-secret"));
    assert_eq!(seen.header("authorization"), None);
    assert_eq!(seen.body["model"], "gpt-4o");
}

#[tokio::test]
async fn a_bearer_key_streams_chat_from_an_unmapped_model_named_deployment() {
    let up = MockUpstream::always(Reply::stream(chat_stream_events("m", &["one ", "two"]))).await;
    let extra = r#", api_version = "2025-01-01-preview", use_bearer = true"#;
    let gw = Gateway::start(&config(&up.root_url(), extra)).await;
    let body = json!({"model": "az/my-dep", "stream": true, "messages": [{"role": "user", "content": "hi"}]});
    let resp = send(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let events = Events::new(resp).rest().await;
    assert_eq!(events.last().map(String::as_str), Some("[DONE]"));
    let text: String = events
        .iter()
        .filter(|e| *e != "[DONE]")
        .filter_map(|e| {
            let v: serde_json::Value = serde_json::from_str(e).unwrap();
            v["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    assert_eq!(text, "one two");
    let seen = &up.requests()[0];
    assert_eq!(seen.path, "/openai/deployments/my-dep/chat/completions");
    assert_eq!(
        seen.query.as_deref(),
        Some("api-version=2025-01-01-preview")
    );
    assert_eq!(seen.bearer(), Some("az-secret"));
    assert_eq!(seen.header("api-key"), None);
}

#[tokio::test]
async fn embeddings_and_responses_use_the_deployment() {
    let up = MockUpstream::start(|r| {
        if r.path.ends_with("/embeddings") {
            Reply::json(json!({"object": "list", "data": [], "usage": {"prompt_tokens": 1, "total_tokens": 1}}))
        } else {
            Reply::json(json!({"id": "resp_az"}))
        }
    })
    .await;
    let gw = Gateway::start(&config(&format!("{}/", up.root_url()), "")).await;
    let e = post(
        &gw.url("/v1/embeddings"),
        &json!({"model": "az/gpt-4o", "input": "x"}),
    )
    .await;
    assert_eq!(e.status, 200, "{}", e.text());
    let r = post(
        &gw.url("/v1/responses"),
        &json!({"model": "az/gpt-4o", "input": "x", "keep": [1]}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["id"], "resp_az");
    let seen = up.requests();
    assert_eq!(seen[0].path, "/openai/deployments/prod-4o/embeddings");
    // Azure's v1 Responses surface names the deployment in the body, not the URL.
    assert_eq!(seen[1].path, "/openai/v1/responses");
    assert_eq!(
        seen[1].body,
        json!({"model": "prod-4o", "input": "x", "keep": [1]})
    );
    assert_eq!(seen[1].header("api-key"), Some("az-secret"));
}

#[test]
fn an_azure_key_without_its_endpoint_is_a_config_error() {
    let text =
        "[providers.az]\ntype = \"azure\"\n[[providers.az.keys]]\nname = \"k\"\nvalue = \"x\"\n";
    let err = bifrost::config::FileConfig::parse(text).unwrap_err();
    assert!(
        err[0].message.contains("key `k` needs an azure_key_config"),
        "{err:?}"
    );
}
