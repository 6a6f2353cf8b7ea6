//! Live health: `GET /api/providers/{name}/health` (here over the data dir's socket,
//! as the CLI reaches it) and `bifrost provider health`, against a running gateway and
//! a stopped one.

use std::process::Command;

use bifrost::admin::{Management, RemoteAdmin, SOCKET_NAME};
use bifrost::routing::BreakerState;
use serde_json::json;

use crate::support::client::post;
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_completion, MockUpstream, Reply};

fn config(base_url: &str) -> String {
    format!(
        r#"
[providers.up]
type = "openai-compatible"
base_url = "{base_url}"
[[providers.up.keys]]
name = "broken"
value = "sk-broken"
weight = 1000.0
[[providers.up.keys]]
name = "good"
value = "sk-good"
weight = 0.001
[providers.up.health]
breaker_failures = 2
"#
    )
}

async fn failing_key_gateway() -> (MockUpstream, Gateway) {
    let up = MockUpstream::start(|r| match r.bearer() {
        Some("sk-good") => Reply::json(chat_completion("m", "ok")),
        _ => Reply::error(500, "broken key"),
    })
    .await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let req = json!({"model": "up/m", "messages": [{"role": "user", "content": "x"}]});
    for _ in 0..4 {
        assert_eq!(
            post(&gw.url("/v1/chat/completions"), &req).await.status,
            200
        );
    }
    (up, gw)
}

#[tokio::test]
async fn the_health_api_shows_the_broken_key_open_and_the_good_one_serving() {
    let (_up, gw) = failing_key_gateway().await;
    let admin = RemoteAdmin::connect(&gw.dir.path().join(SOCKET_NAME))
        .await
        .expect("socket answers");
    let health = admin.provider_health("up").await.unwrap();
    assert_eq!(health.provider, "up");
    let broken = &health.keys[0];
    let good = &health.keys[1];
    assert_eq!(
        (broken.name.as_str(), good.name.as_str()),
        ("broken", "good")
    );
    assert_eq!(broken.breaker, BreakerState::Open);
    assert_eq!(broken.error_rate, 1.0);
    assert_eq!(good.breaker, BreakerState::Closed);
    assert_eq!(good.error_rate, 0.0);
    assert!(good.p50_latency_ms.is_some());
    assert!(good.traffic_share > 0.6, "{good:?}");
    // Unknown providers are a 404, named.
    let missing = admin.provider_health("nope").await.unwrap_err().to_string();
    assert!(missing.contains("nope"), "{missing}");
}

#[tokio::test]
async fn the_cli_prints_health_through_a_running_server_and_says_when_there_is_none() {
    let (_up, gw) = failing_key_gateway().await;
    let dir = gw.dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_bifrost"))
            .env_remove("BIFROST_DATA_DIR")
            .arg("--data-dir")
            .arg(&dir)
            .args(["provider", "health", "up"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("provider `up`"), "{stdout}");
    let broken = stdout
        .lines()
        .find(|l| l.starts_with("broken"))
        .unwrap_or_default();
    assert!(
        broken.contains("open") && broken.contains("100.0%"),
        "{stdout}"
    );

    // No server on this data dir: no live health, said plainly, exit 1.
    let stopped = tempfile::tempdir().unwrap();
    let path = stopped.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_bifrost"))
            .env_remove("BIFROST_DATA_DIR")
            .arg("--data-dir")
            .arg(&path)
            .args(["provider", "health", "up", "--json"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no live health"), "{stderr}");
}
