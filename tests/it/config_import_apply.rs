//! `bifrost config import --apply` while a server holds the data dir: the import goes
//! through the server's management socket, takes effect on the next request, and an
//! import with an invalid object writes nothing.

use bifrost::admin::{Credentials, Governance, Kind, Management};
use http::Method;
use serde_json::{json, Value};

use crate::support::client::{call, Answer};
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_completion_with_usage, MockUpstream, Reply};

const BIN: &str = env!("CARGO_BIN_EXE_bifrost");

/// The imported key's value, as written in the fixture.
const IMPORTED_KEY: &str = "sk-bf-imported0123456789abcdefghijklmnopqrstuv";

/// The reference gateway's documented `config.json`, pointing at `upstream`, edited by
/// `edit`, written into `dir`.
fn reference_config(
    dir: &std::path::Path,
    upstream: &str,
    edit: impl FnOnce(&mut Value),
) -> std::path::PathBuf {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/reference/config.json"
    );
    let text = std::fs::read_to_string(fixture)
        .unwrap()
        .replace("{{UPSTREAM}}", upstream);
    let mut json: Value = serde_json::from_str(&text).unwrap();
    edit(&mut json);
    let path = dir.join("config.json");
    std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
    path
}

/// Runs `bifrost config import --apply FILE` on the gateway's data dir.
async fn import_apply(gw: &Gateway, file: &std::path::Path) -> std::process::Output {
    import_apply_in(gw.dir.path(), file, &[]).await
}

/// Runs `bifrost config import --apply FILE` on `data_dir` with `env` set.
async fn import_apply_in(
    data_dir: &std::path::Path,
    file: &std::path::Path,
    env: &[(&str, &str)],
) -> std::process::Output {
    let mut cmd = tokio::process::Command::new(BIN);
    for var in ["BIFROST_URL", "BIFROST_ADMIN_TOKEN", "BIFROST_CONFIG"] {
        cmd.env_remove(var);
    }
    cmd.args(["config", "import", "--apply"])
        .arg(file)
        .arg("--data-dir")
        .arg(data_dir)
        .env("BIFROST_VK_OPS", format!("sk-bf-ops{}", "o".repeat(40)))
        .envs(env.iter().copied())
        .output()
        .await
        .unwrap()
}

async fn chat(gw: &Gateway, model: &str) -> Answer {
    let body = json!({"model": model, "messages": [{"role": "user", "content": "hi"}]});
    call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &[
            ("content-type", "application/json"),
            ("x-bf-vk", IMPORTED_KEY),
        ],
        serde_json::to_vec(&body).unwrap(),
    )
    .await
}

#[tokio::test]
async fn import_apply_goes_through_the_running_server() {
    let up = MockUpstream::always(Reply::json(chat_completion_with_usage(
        "gpt-4o-mini",
        "hi",
        3,
        2,
    )))
    .await;
    let gw = Gateway::start("").await;
    let dir = tempfile::tempdir().unwrap();
    let input = reference_config(dir.path(), &up.root_url(), |_| {});
    let out = import_apply(&gw, &input).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    for expected in [
        "note: encryption_key: not carried over",
        "applied through the server: providers [openai, anthropic, ",
        "customers [Acme], teams [Engineering], virtual keys [Engineering Team API, ops]",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    // The next request through the imported key is served by the imported provider.
    let ok = chat(&gw, "gpt-4o-mini").await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(up.requests()[0].bearer(), Some("sk-openai-imported-1"));
    let teams = gw.state.governance().list(Kind::Team).await.unwrap();
    assert_eq!(teams[0]["id"], "team-eng");
}

#[tokio::test]
async fn an_import_with_an_invalid_object_writes_nothing() {
    let gw = Gateway::start("").await;
    let dir = tempfile::tempdir().unwrap();
    let input = reference_config(dir.path(), "http://127.0.0.1:9", |json| {
        json["governance"]["virtual_keys"][1]["team_id"] = json!("no-such-team");
    });
    let out = import_apply(&gw, &input).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(stderr.contains("no-such-team"), "{stderr}");
    let admin = gw.state.admin();
    assert!(admin.list_providers(false).await.unwrap().is_empty());
    let governance = gw.state.governance();
    for kind in [Kind::Customer, Kind::Team, Kind::VirtualKey] {
        assert!(governance.list(kind).await.unwrap().is_empty(), "{kind:?}");
    }
}

#[tokio::test]
async fn import_apply_reaches_a_server_named_by_url() {
    let gw = Gateway::start("").await;
    let made = gw.state.auth().create_token("ci", None).await.unwrap();
    let url = format!("http://{}", gw.addr);
    let dir = tempfile::tempdir().unwrap();
    let input = reference_config(dir.path(), "http://127.0.0.1:9", |_| {});
    let elsewhere = dir.path().join("no-store-here");
    let credentials = dir.path().join("credentials.json");
    let env = [
        ("BIFROST_URL", url.as_str()),
        ("BIFROST_ADMIN_TOKEN", made.token.as_str()),
        ("BIFROST_CREDENTIALS_FILE", credentials.to_str().unwrap()),
    ];
    let out = import_apply_in(&elsewhere, &input, &env).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains(made.token.as_str()), "{stderr}");
    let keys = gw.state.governance().list(Kind::VirtualKey).await.unwrap();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(!elsewhere.exists(), "the local store was never opened");
}
