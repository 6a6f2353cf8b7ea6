//! The auth matrix over real sockets with the official SDKs: every credential header on
//! every SDK route, and missing, unknown, disabled, model and provider refusals, each
//! with its exact status and its route's error shape (tests/python/test_auth_matrix.py).
//! Also `?key=` on `/genai`, with the raw HTTP client, and that no key goes upstream.

use bifrost::admin::{Governance, Kind};
use http::Method;
use serde_json::{json, Value};

use crate::support::client::call;
use crate::support::gateway::Gateway;
use crate::support::python::assert_pytest_async;
use crate::support::upstream::{chat_completion_with_usage, MockUpstream, Reply};

fn config(base_url: &str) -> String {
    format!(
        r#"
[client]
enforce_auth_on_inference = true
[providers.up]
type = "openai-compatible"
base_url = "{base_url}"
[[providers.up.keys]]
name = "k"
value = "sk-up"
[providers.side]
type = "openai-compatible"
base_url = "{base_url}"
[[providers.side.keys]]
name = "k"
value = "sk-side"
"#
    )
}

async fn key(gw: &Gateway, body: Value) -> String {
    let vk = gw
        .state
        .governance()
        .create(Kind::VirtualKey, body)
        .await
        .unwrap();
    vk["value"].as_str().unwrap().to_string()
}

async fn setup() -> (MockUpstream, Gateway, String, String) {
    let up = MockUpstream::always(Reply::json(chat_completion_with_usage("m", "hi", 3, 2))).await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let ok = key(&gw, json!({"name": "matrix", "provider_configs": [{"provider": "up", "allowed_models": ["m"]}]})).await;
    let off = key(&gw, json!({"name": "off", "is_active": false})).await;
    (up, gw, ok, off)
}

fn assert_never_forwarded(up: &MockUpstream, keys: &[&str]) {
    for r in up.requests() {
        let seen = format!("{:?} {:?} {}", r.headers, r.query, r.raw_body.len());
        for k in keys {
            assert!(
                !seen.contains(k),
                "a virtual key reached the upstream: {seen}"
            );
        }
    }
}

#[tokio::test]
async fn every_credential_on_every_sdk_route_and_every_refusal() {
    let (up, gw, ok, off) = setup().await;
    let out = assert_pytest_async(
        "test_auth_matrix.py",
        &[
            ("BIFROST_URL", gw.url("")),
            ("VK_OK", ok.clone()),
            ("VK_OFF", off.clone()),
        ],
    )
    .await;
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("30 passed") && !summary.contains("failed"),
        "{summary}"
    );
    assert!(
        up.request_count() >= 9,
        "each carrier's good key was served"
    );
    assert_never_forwarded(&up, &[&ok, &off]);
}

#[tokio::test]
async fn a_query_key_authenticates_on_genai_and_is_never_forwarded() {
    let (up, gw, ok, _) = setup().await;
    let body =
        serde_json::to_vec(&json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}))
            .unwrap();
    let path = "/genai/v1beta/models/up/m:generateContent";
    let served = call(
        Method::POST,
        &gw.url(&format!("{path}?key={ok}")),
        &[("content-type", "application/json")],
        body.clone(),
    )
    .await;
    assert_eq!(served.status, 200, "{}", served.text());
    // Under /litellm too, which mounts the same routes.
    let litellm = call(
        Method::POST,
        &gw.url(&format!(
            "/litellm/v1beta/models/up/m:generateContent?key={ok}"
        )),
        &[("content-type", "application/json")],
        body.clone(),
    )
    .await;
    assert_eq!(litellm.status, 200, "{}", litellm.text());
    let none = call(
        Method::POST,
        &gw.url(path),
        &[("content-type", "application/json")],
        body.clone(),
    )
    .await;
    assert_eq!(none.status, 401, "{}", none.text());
    assert_eq!(none.json()["error"]["status"], "UNAUTHENTICATED");
    // A query key that is not a virtual key is no credential; one too long is refused.
    let provider_key = call(
        Method::POST,
        &gw.url(&format!("{path}?key=AIzaNotOurs")),
        &[("content-type", "application/json")],
        body.clone(),
    )
    .await;
    assert_eq!(provider_key.status, 401);
    let long = format!("sk-bf-{}", "x".repeat(400));
    let oversized = call(
        Method::POST,
        &gw.url(&format!("{path}?key={long}")),
        &[("content-type", "application/json")],
        body,
    )
    .await;
    assert_eq!(oversized.status, 401, "{}", oversized.text());
    assert_eq!(up.request_count(), 2);
    assert_never_forwarded(&up, &[&ok]);
}
