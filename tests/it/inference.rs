//! The OpenAI routes against an openai-compatible mock upstream: what goes up, what
//! comes back, and under which prefixes.

use serde_json::json;

use crate::support::client::{call, get, post};
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{chat_completion, embeddings_response, MockUpstream, Reply};

#[tokio::test]
async fn chat_goes_upstream_with_the_key_and_unknown_fields() {
    let up = MockUpstream::always(Reply::json(chat_completion("gpt-x", "hello back"))).await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let body = json!({
        "model": "up/gpt-x",
        "messages": [{"role": "user", "content": "hello"}],
        "brand_new_param": {"nested": [1, 2]},
        "temperature": 0.3,
    });
    let resp = call(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[
            ("content-type", "application/json"),
            ("x-request-id", "req-abc-123"),
        ],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let answer = resp.json();
    assert_eq!(answer["choices"][0]["message"]["content"], "hello back");
    assert_eq!(answer["extra_fields"]["provider"], "up");
    assert_eq!(answer["extra_fields"]["model_requested"], "up/gpt-x");
    assert_eq!(resp.headers["x-request-id"], "req-abc-123");

    let seen = up.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v1/chat/completions");
    assert_eq!(seen[0].bearer(), Some("sk-up-1"));
    assert_eq!(seen[0].header("x-request-id"), Some("req-abc-123"));
    assert_eq!(
        seen[0].body["model"], "gpt-x",
        "provider prefix is stripped"
    );
    assert_eq!(seen[0].body["brand_new_param"], json!({"nested": [1, 2]}));
    assert_eq!(seen[0].body["temperature"], 0.3);
}

#[tokio::test]
async fn a_request_id_is_generated_when_the_client_sends_none() {
    let up = MockUpstream::always(Reply::json(chat_completion("m", "x"))).await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "up/m", "messages": [{"role": "user", "content": "x"}]}),
    )
    .await;
    let id = resp.headers["x-request-id"].to_str().unwrap().to_string();
    assert!(id.len() >= 32, "{id}");
    assert_eq!(up.requests()[0].header("x-request-id"), Some(id.as_str()));
}

#[tokio::test]
async fn every_openai_prefix_serves_the_same_routes() {
    let up = MockUpstream::always(Reply::json(chat_completion("m", "same"))).await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    for prefix in ["/v1", "/openai/v1", "/openai"] {
        let resp = post(
            &gw.url(&format!("{prefix}/chat/completions")),
            &json!({"model": "up/m", "messages": [{"role": "user", "content": "x"}]}),
        )
        .await;
        assert_eq!(resp.status, 200, "{prefix}: {}", resp.text());
        assert_eq!(resp.json()["choices"][0]["message"]["content"], "same");
        let models = get(&gw.url(&format!("{prefix}/models"))).await;
        assert_eq!(models.status, 200, "{prefix}");
    }
}

#[tokio::test]
async fn bare_model_names_resolve_to_the_provider_whose_key_lists_them() {
    let up = MockUpstream::always(Reply::json(chat_completion("llama3", "from up"))).await;
    let cfg = format!(
        r#"
[providers.first]
type = "mock"
[[providers.first.keys]]
name = "k"
value = "x"
models = ["other"]
[providers.up]
type = "openai-compatible"
base_url = "{}"
[[providers.up.keys]]
name = "k"
value = "sk"
models = ["llama3"]
"#,
        up.base_url()
    );
    let gw = Gateway::start(&cfg).await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "llama3", "messages": [{"role": "user", "content": "x"}]}),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.json()["extra_fields"]["provider"], "up");
    let models = get(&gw.url("/v1/models")).await.json();
    let ids: Vec<&str> = models["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["first/other", "up/llama3"]);
    assert_eq!(models["object"], "list");
}

#[tokio::test]
async fn embeddings_and_legacy_completions_pass_through() {
    let up = MockUpstream::start(|r| {
        if r.path.ends_with("/embeddings") {
            Reply::json(embeddings_response(2, 8))
        } else {
            Reply::json(json!({"id": "c1", "object": "text_completion", "created": 1, "model": "m",
                "choices": [{"index": 0, "text": "done", "finish_reason": "stop", "logprobs": null}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}))
        }
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let emb = post(
        &gw.url("/v1/embeddings"),
        &json!({"model": "up/e", "input": ["a", "b"], "dimensions": 8}),
    )
    .await;
    assert_eq!(emb.status, 200, "{}", emb.text());
    assert_eq!(emb.json()["data"].as_array().unwrap().len(), 2);
    let comp = post(
        &gw.url("/v1/completions"),
        &json!({"model": "up/m", "prompt": "say"}),
    )
    .await;
    assert_eq!(comp.status, 200, "{}", comp.text());
    assert_eq!(comp.json()["choices"][0]["text"], "done");
    let seen = up.requests();
    assert_eq!(seen[0].path, "/v1/embeddings");
    assert_eq!(seen[0].body["dimensions"], 8);
    assert_eq!(seen[1].path, "/v1/completions");
    assert_eq!(seen[1].body["model"], "m");
}

#[tokio::test]
async fn the_mock_provider_answers_without_any_network() {
    let gw = Gateway::start("[providers.mock]\ntype = \"mock\"\n").await;
    let chat = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "mock/demo-model", "messages": [{"role": "user", "content": "ping"}]}),
    )
    .await;
    assert_eq!(
        chat.json()["choices"][0]["message"]["content"],
        "mock reply: ping"
    );
    let emb = post(
        &gw.url("/v1/embeddings"),
        &json!({"model": "mock/e", "input": "x"}),
    )
    .await;
    assert_eq!(
        emb.json()["data"][0]["embedding"].as_array().unwrap().len(),
        16
    );
    let comp = post(
        &gw.url("/v1/completions"),
        &json!({"model": "mock/m", "prompt": "abc"}),
    )
    .await;
    assert_eq!(comp.json()["choices"][0]["text"], "mock reply: abc");
}

#[tokio::test]
async fn health_reports_version_store_and_providers() {
    let gw = Gateway::start("[providers.mock]\ntype = \"mock\"\n").await;
    let h = get(&gw.url("/health")).await;
    assert_eq!(h.status, 200);
    let body = h.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["store"], "ok");
    assert_eq!(body["providers"], 1);
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn clients_may_speak_http2_without_tls() {
    use http_body_util::{BodyExt, Full};
    let gw = Gateway::start("[providers.mock]\ntype = \"mock\"\n").await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .http2_only(true)
        .build_http::<Full<bytes::Bytes>>();
    let body = serde_json::to_vec(
        &json!({"model": "mock/m", "messages": [{"role": "user", "content": "h2"}]}),
    )
    .unwrap();
    let req = http::Request::post(gw.url("/v1/chat/completions"))
        .body(Full::new(body.into()))
        .unwrap();
    let resp = client.request(req).await.unwrap();
    assert_eq!(resp.version(), http::Version::HTTP_2);
    assert_eq!(resp.status(), 200);
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["choices"][0]["message"]["content"], "mock reply: h2");
}
