//! Bad input gets a clear error and the server goes on serving.

use std::time::Duration;

use bytes::Bytes;
use http::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::client::{call, get, post, Answer};
use crate::support::gateway::Gateway;

const MOCK: &str = "[providers.mock]\ntype = \"mock\"\n[client]\nmax_request_body_size_mb = 1\n[server]\nheader_read_timeout_secs = 1\n";

async fn raw(gw: &Gateway, body: impl Into<Bytes>) -> Answer {
    call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json")],
        body,
    )
    .await
}

async fn still_serving(gw: &Gateway) {
    let ok = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "mock/m", "messages": [{"role": "user", "content": "still"}]}),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
}

#[tokio::test]
async fn malformed_json_says_where() {
    let gw = Gateway::start(MOCK).await;
    let resp = raw(&gw, "{\"model\": \"mock/m\",\n \"messages\": [}").await;
    assert_eq!(resp.status, 400);
    let body = resp.json();
    assert_eq!(body["error"]["code"], "invalid_json");
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(msg.contains("line 2"), "{msg}");
    still_serving(&gw).await;
}

#[tokio::test]
async fn wrong_types_name_the_field() {
    let gw = Gateway::start(MOCK).await;
    for (body, param) in [
        (json!({"model": "mock/m", "messages": "hello"}), "messages"),
        (json!({"model": 42, "messages": []}), "model"),
        (
            json!({"model": "mock/m", "messages": [{"role": 1, "content": "x"}]}),
            "messages[0].role",
        ),
        (
            json!({"messages": [{"role": "user", "content": "x"}]}),
            "model",
        ),
        (json!({"model": "mock/m", "messages": []}), "messages"),
    ] {
        let resp = post(&gw.url("/v1/chat/completions"), &body).await;
        assert_eq!(resp.status, 400, "{body}: {}", resp.text());
        let err = resp.json();
        assert_eq!(err["error"]["type"], "invalid_request_error");
        let got_param = err["error"]["param"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let msg = err["error"]["message"].as_str().unwrap().to_string();
        assert!(
            got_param == param || msg.contains(param),
            "{body}: param {got_param}, message {msg}"
        );
    }
    still_serving(&gw).await;
}

#[tokio::test]
async fn empty_non_utf8_and_non_object_bodies_are_400() {
    let gw = Gateway::start(MOCK).await;
    let empty = raw(&gw, Bytes::new()).await;
    assert_eq!(empty.status, 400);
    assert!(empty.error_message().contains("empty"), "{}", empty.text());
    let binary = raw(&gw, vec![0xff, 0xfe, 0x00, 0x81]).await;
    assert_eq!(binary.status, 400);
    let array = raw(&gw, "[1,2,3]").await;
    assert_eq!(array.status, 400);
    let bad_utf8_inside = raw(
        &gw,
        b"{\"model\": \"mock/\xff\", \"messages\": []}".to_vec(),
    )
    .await;
    assert_eq!(bad_utf8_inside.status, 400);
    still_serving(&gw).await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let gw = Gateway::start(MOCK).await;
    let big = format!(
        "{{\"model\": \"mock/m\", \"messages\": [{{\"role\": \"user\", \"content\": \"{}\"}}]}}",
        "a".repeat(2 * 1024 * 1024)
    );
    let resp = raw(&gw, big).await;
    assert_eq!(resp.status, 413);
    assert!(
        resp.error_message().contains("max_request_body_size_mb"),
        "{}",
        resp.text()
    );
    still_serving(&gw).await;
}

#[tokio::test]
async fn unknown_models_routes_and_methods_are_json_errors() {
    let gw = Gateway::start("[providers.alpha]\ntype = \"openai-compatible\"\nbase_url = \"http://127.0.0.1:9/v1\"\n[[providers.alpha.keys]]\nname = \"k\"\nvalue = \"x\"\nmodels = [\"gpt-4o\"]\n").await;
    let model = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "gpt-4o-mnii", "messages": [{"role": "user", "content": "x"}]}),
    )
    .await;
    assert_eq!(model.status, 404);
    let msg = model.error_message();
    assert!(
        msg.contains("alpha") && msg.contains("alpha/gpt-4o"),
        "{msg}"
    );
    assert_eq!(model.json()["error"]["code"], "model_not_found");
    let route = get(&gw.url("/v2/nothing")).await;
    assert_eq!(route.status, 404);
    assert_eq!(route.json()["error"]["code"], "unknown_route");
    let method = get(&gw.url("/v1/chat/completions")).await;
    assert_eq!(method.status, 405);
    assert_eq!(method.json()["error"]["code"], "method_not_allowed");
}

#[tokio::test]
async fn a_slow_client_is_cut_off_while_others_are_served() {
    let gw = Gateway::start(MOCK).await;
    let mut slow = tokio::net::TcpStream::connect(gw.addr).await.unwrap();
    slow.write_all(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // While the slow client dawdles over its headers, others are served.
    still_serving(&gw).await;
    // The header-read deadline (1 s here) closes the slow connection.
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the slow connection was never closed");
    still_serving(&gw).await;
}

#[tokio::test]
async fn a_body_trickled_too_slowly_is_408_and_the_connection_is_freed() {
    let gw = Gateway::start(
        "[providers.mock]\ntype = \"mock\"\n[client]\nrequest_body_timeout_secs = 1\n",
    )
    .await;
    let mut slow = tokio::net::TcpStream::connect(gw.addr).await.unwrap();
    slow.write_all(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"mo")
        .await
        .unwrap();
    still_serving(&gw).await;
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the slow body was never cut off");
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("request_body_timeout_secs"), "{text}");
}

/// A huge value the gateway names in an error (a role, a model, a path, an action)
/// comes back shortened on every route, never whole.
#[tokio::test]
async fn long_client_input_is_quoted_back_shortened() {
    let gw = Gateway::start("[providers.mock]\ntype = \"mock\"\n").await;
    let huge = "x".repeat(100_000);
    let cases = [
        (
            "/anthropic/v1/messages",
            json!({"model": "mock/m", "max_tokens": 8, "messages": [{"role": huge, "content": "hi"}]}),
        ),
        (
            "/v1/chat/completions",
            json!({"model": huge, "messages": [{"role": "user", "content": "hi"}]}),
        ),
        (
            "/cohere/v2/chat",
            json!({"model": "mock/m", "messages": [{"role": huge, "content": "hi"}]}),
        ),
        (
            "/genai/v1beta/models/mock/m:generateContent",
            json!({"contents": [{"role": huge, "parts": [{"text": "hi"}]}]}),
        ),
    ];
    for (path, body) in cases {
        let resp = call(
            Method::POST,
            &gw.url(path),
            &[("content-type", "application/json")],
            serde_json::to_vec(&body).unwrap(),
        )
        .await;
        assert!(resp.status.is_client_error(), "{path}: {}", resp.status);
        assert!(
            resp.body.len() < 4096,
            "{path}: {} bytes back",
            resp.body.len()
        );
        assert!(
            resp.text().contains("100000 bytes"),
            "{path}: {}",
            resp.text()
        );
    }
    let path = format!("/v1/{}", "x".repeat(60_000));
    let resp = get(&gw.url(&path)).await;
    assert_eq!(resp.status, 404);
    assert!(resp.body.len() < 4096, "{} bytes back", resp.body.len());
    still_serving(&gw).await;
}
