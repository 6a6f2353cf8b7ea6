//! `GET/PUT /api/config` over real sockets: the `[client]` settings, validated with
//! 400s naming the field, the file's keys refused with 409, live settings applied from
//! the next request on, others stored with `restart_required`, and stored changes
//! surviving a restart.

use std::sync::Arc;
use std::time::Duration;

use bifrost::store::LogRecord;
use bytes::Bytes;
use http::Method;
use serde_json::{json, Value};
use tokio::sync::broadcast;

use crate::support::client::{call, Answer};
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_completion_with_usage, MockUpstream, Reply};

const PATIENCE: Duration = Duration::from_secs(30);

fn config(base_url: &str, client: &str) -> String {
    format!(
        r#"
[admin]
token = "admin-tok"
[client]
{client}
[providers.up]
type = "openai-compatible"
base_url = "{base_url}"
[[providers.up.keys]]
name = "k"
value = "sk-up-secret"
"#
    )
}

async fn upstream() -> MockUpstream {
    MockUpstream::start(|r| {
        let text = r.body["messages"][0]["content"].as_str().unwrap_or("");
        Reply::json(chat_completion_with_usage(
            "m",
            &format!("echo {text}"),
            3,
            2,
        ))
    })
    .await
}

async fn api(gw: &Gateway, method: Method, body: Option<Value>, token: &str) -> Answer {
    let auth = format!("Bearer {token}");
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];
    let body = body.map_or_else(Bytes::new, |b| Bytes::from(b.to_string()));
    call(method, &gw.url("/api/config"), &headers, body).await
}

async fn put(gw: &Gateway, patch: Value) -> Answer {
    api(
        gw,
        Method::PUT,
        Some(json!({ "client_config": patch })),
        "admin-tok",
    )
    .await
}

async fn chat(gw: &Gateway, id: &str, text: &str) {
    let body = json!({"model": "up/m", "messages": [{"role": "user", "content": text}]});
    let a = call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json"), ("x-request-id", id)],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text());
}

/// The next record the log publishes.
async fn next_record(rx: &mut broadcast::Receiver<Arc<LogRecord>>) -> LogRecord {
    tokio::time::timeout(PATIENCE, rx.recv())
        .await
        .expect("a record in time")
        .map(|r| (*r).clone())
        .expect("log feed open")
}

#[tokio::test]
async fn get_lists_every_client_setting_and_needs_the_admin_token() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up.base_url(), "log_retention_days = 9")).await;
    let a = api(&gw, Method::GET, None, "admin-tok").await;
    assert_eq!(a.status, 200, "{}", a.text());
    let v = a.json();
    assert_eq!(v["client_config"]["log_retention_days"], 9);
    assert_eq!(v["client_config"]["enable_logging"], true);
    // Unset optional settings are listed too, so a client can offer them.
    assert!(v["client_config"]
        .as_object()
        .unwrap()
        .contains_key("content_retention_days"));
    assert_eq!(v["restart_required"], false);
    assert_eq!(v["from_file"], json!(["log_retention_days"]));
    assert_eq!(api(&gw, Method::GET, None, "wrong").await.status, 401);
}

#[tokio::test]
async fn invalid_changes_are_400s_naming_the_field_and_change_nothing() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up.base_url(), "")).await;
    for (patch, field) in [
        (
            json!({"enable_logging": "yes"}),
            "client_config.enable_logging",
        ),
        (
            json!({"log_retention_days": 0}),
            "client.log_retention_days",
        ),
        (json!({"no_such_thing": 1}), "client_config.no_such_thing"),
        (json!({"prometheus_labels": ["bad label!"]}), "prometheus"),
    ] {
        let a = put(&gw, patch.clone()).await;
        assert_eq!(a.status, 400, "{patch}: {}", a.text());
        assert!(a.error_message().contains(field), "{patch}: {}", a.text());
    }
    let bare = api(&gw, Method::PUT, Some(json!([1])), "admin-tok").await;
    assert_eq!(bare.status, 400);
    assert!(
        bare.error_message().contains("client_config"),
        "{}",
        bare.text()
    );
    let v = api(&gw, Method::GET, None, "admin-tok").await.json();
    assert_eq!(v["client_config"]["log_retention_days"], 30);
    assert_eq!(v["client_config"]["enable_logging"], true);
}

#[tokio::test]
async fn a_setting_the_file_declares_is_refused_with_409_naming_the_file() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up.base_url(), "enable_logging = true")).await;
    let a = put(&gw, json!({"enable_logging": false})).await;
    assert_eq!(a.status, 409, "{}", a.text());
    assert!(
        a.error_message().contains("client.enable_logging"),
        "{}",
        a.text()
    );
    assert!(a.error_message().contains("bifrost.toml"), "{}", a.text());
    // Sending the file's own value back (a whole client_config) is no change.
    let same = put(
        &gw,
        json!({"enable_logging": true, "log_retention_days": 5}),
    )
    .await;
    assert_eq!(same.status, 200, "{}", same.text());
    assert_eq!(same.json()["client_config"]["log_retention_days"], 5);
}

#[tokio::test]
async fn logging_off_takes_effect_on_the_next_request() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up.base_url(), "")).await;
    let mut rx = gw
        .state
        .observability()
        .logs()
        .expect("logging on")
        .subscribe();
    chat(&gw, "before", "one").await;
    assert_eq!(next_record(&mut rx).await.id, "before");

    let off = put(&gw, json!({"enable_logging": false})).await;
    assert_eq!(off.status, 200, "{}", off.text());
    assert_eq!(off.json()["restart_required"], false);
    chat(&gw, "while-off", "two").await;

    let on = put(
        &gw,
        json!({"enable_logging": true, "disable_content_logging": true}),
    )
    .await;
    assert_eq!(on.status, 200, "{}", on.text());
    chat(&gw, "after", "three").await;
    // Records are published in the order requests end: had `while-off` been logged,
    // it would come first.
    let r = next_record(&mut rx).await;
    assert_eq!(r.id, "after");
    assert!(r.content.is_none(), "content logging was turned off live");
}

#[tokio::test]
async fn other_settings_are_stored_for_the_next_start() {
    let up = upstream().await;
    let toml = config(&up.base_url(), "");
    let mut gw = Gateway::start(&toml).await;
    let a = put(&gw, json!({"max_request_body_size_mb": 7})).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(a.json()["restart_required"], true);
    assert_eq!(a.json()["client_config"]["max_request_body_size_mb"], 7);

    gw.begin_shutdown().await.unwrap();
    let gw = Gateway::restart(gw, &toml).await;
    let v = api(&gw, Method::GET, None, "admin-tok").await.json();
    assert_eq!(v["client_config"]["max_request_body_size_mb"], 7);
    assert_eq!(v["restart_required"], false);
}
