//! Governance declared in `bifrost.toml` and configs carried over from the reference
//! gateway: declared keys serve requests, `config export` writes them back without
//! their values, and `config import` turns a reference `config.json` into a file the
//! gateway serves with.

use std::process::Command;

use bifrost::admin::Governance;
use http::Method;
use serde_json::json;

use crate::support::client::{call, Answer};
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_completion_with_usage, MockUpstream, Reply};

const BIN: &str = env!("CARGO_BIN_EXE_bifrost");

/// A declared key's value, as a literal (tests avoid process-wide environment).
const CI_KEY: &str = "sk-bf-declared0123456789abcdefghijklmnopqrstu";

fn declared(base_url: &str) -> String {
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
[governance.teams.platform]
budget = {{ max_limit = 10, reset_duration = "1M" }}
[governance.virtual_keys.ci]
value = "{CI_KEY}"
team_id = "platform"
allowed_models = ["up/m"]
"#
    )
}

async fn chat(gw: &Gateway, key: &str, model: &str) -> Answer {
    let body = json!({"model": model, "messages": [{"role": "user", "content": "hi"}]});
    call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &[
            ("content-type", "application/json"),
            ("authorization", &format!("Bearer {key}")),
        ],
        serde_json::to_vec(&body).unwrap(),
    )
    .await
}

#[tokio::test]
async fn keys_declared_in_the_file_serve_and_follow_the_file() {
    let up = MockUpstream::always(Reply::json(chat_completion_with_usage("m", "hi", 3, 2))).await;
    let gw = Gateway::start(&declared(&up.base_url())).await;
    let ok = chat(&gw, CI_KEY, "up/m").await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let other = chat(&gw, CI_KEY, "up/other").await;
    assert_eq!(
        other.status,
        403,
        "the file's allow list holds: {}",
        other.text()
    );
    let shown = serde_json::to_string(
        &gw.state
            .governance()
            .list(bifrost::admin::Kind::VirtualKey)
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(shown.contains("\"from_file\":true"), "{shown}");
    assert!(!shown.contains(&CI_KEY[8..]), "no value in lists: {shown}");
}

#[test]
fn export_writes_declared_and_api_objects_without_values() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bifrost.toml");
    std::fs::write(&config, declared("http://127.0.0.1:9/v1")).unwrap();
    {
        let store = bifrost::store::Store::open(dir.path()).unwrap();
        let file = bifrost::config::FileConfig::load(&config).unwrap();
        bifrost::server::apply_file(&store, &file).unwrap();
    }
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("BIFROST_CONFIG")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = run(&["vk", "create", "--name", "adhoc"]);
    assert_eq!(code, Some(0), "{stderr}");
    let adhoc = stdout.trim().to_string();
    let (code, exported, stderr) = run(&["config", "export"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        !exported.contains(&CI_KEY[8..]) && !exported.contains(&adhoc[8..]),
        "{exported}"
    );
    assert!(
        exported.contains("[governance.virtual_keys.ci]"),
        "{exported}"
    );
    assert!(
        exported.contains("[[governance.teams.platform.budgets]]"),
        "{exported}"
    );
    assert!(
        exported.contains("value = \"env.BIFROST_VK_ADHOC\""),
        "{exported}"
    );
    assert!(stderr.contains("BIFROST_VK_ADHOC"), "{stderr}");
    // What export wrote is a valid config.
    let again = dir.path().join("exported.toml");
    std::fs::write(&again, &exported).unwrap();
    let parsed = bifrost::config::FileConfig::load(&again).unwrap();
    assert_eq!(parsed.governance.virtual_keys.len(), 2);
}
