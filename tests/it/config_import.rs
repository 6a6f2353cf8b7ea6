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

/// The reference gateway's documented `config.json` shape, pointing at `upstream`.
fn reference_config(dir: &std::path::Path, upstream: &str) -> std::path::PathBuf {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/reference/config.json"
    );
    let text = std::fs::read_to_string(fixture)
        .unwrap()
        .replace("{{UPSTREAM}}", upstream);
    let path = dir.join("config.json");
    std::fs::write(&path, text).unwrap();
    path
}

/// The imported key's value, as written in the fixture.
const IMPORTED_KEY: &str = "sk-bf-imported0123456789abcdefghijklmnopqrstuv";

#[tokio::test]
async fn a_reference_config_imports_with_notes_and_serves() {
    let up = MockUpstream::always(Reply::json(chat_completion_with_usage(
        "gpt-4o-mini",
        "hi",
        3,
        2,
    )))
    .await;
    let dir = tempfile::tempdir().unwrap();
    let input = reference_config(dir.path(), &up.root_url());
    let output = dir.path().join("bifrost.toml");
    let out = Command::new(BIN)
        .args(["config", "import"])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // Every setting left behind is named with its reason.
    for expected in [
        "note: encryption_key: not carried over",
        "note: client.initial_pool_size: not carried over",
        "note: client.allowed_origins: not carried over",
        "note: providers.openai.keys[2]: not carried over: the key is disabled",
        "note: providers.openai.network_config.max_retries: not carried over",
        "note: providers.openai.network_config.base_url: carried over as",
        "note: providers.anthropic.send_back_raw_response: not carried over",
        "note: providers.elevenlabs: not carried over",
        "note: governance.budgets: spend so far",
        "unknown duration `1Y`",
        "governance.teams[0] (`Engineering`).profile: not carried over",
        "mcp_configs: not carried over",
        "(`ops`).provider_configs: the key allows no provider",
        "note: governance.routing_rules: not carried over",
        "note: plugins: not carried over",
        "3 provider(s), 1 customer(s), 1 team(s), 2 virtual key(s) imported",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    let toml = std::fs::read_to_string(&output).unwrap();
    let config =
        bifrost::config::FileConfig::parse(&toml).unwrap_or_else(|p| panic!("{p:?}\n{toml}"));
    assert_eq!(config.client.enforce_auth_on_inference, Some(true));
    assert_eq!(
        config.providers["openai"].network.max_concurrency,
        Some(100)
    );
    assert_eq!(
        config.providers["openai"].keys[0].models,
        ["gpt-4o", "gpt-4o-mini"]
    );
    // v1.5+ meaning: [] denies every model (dropped, noted), ["*"] allows all.
    assert_eq!(config.providers["openai"].keys.len(), 1);
    assert!(config.providers["anthropic"].keys[0].models.is_empty());
    let vk = &config.governance.virtual_keys["Engineering Team API"];
    assert_eq!(vk["team_id"], "team-eng");
    assert_eq!(vk["rate_limit"]["request_max_limit"], 1000);
    assert_eq!(vk["provider_configs"][0]["budgets"][0]["max_limit"], 100);
    assert_eq!(config.governance.virtual_keys["ops"]["is_active"], false);
    // -o never overwrites.
    let again = Command::new(BIN)
        .args(["config", "import"])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));

    // Served as imported: a bare model through the key goes where its provider_configs say.
    // The key config.json gave no value reads it from the environment; here, a literal.
    let toml = toml.replace(
        "env.BIFROST_VK_OPS",
        &format!("sk-bf-ops{}", "o".repeat(40)),
    );
    let gw = Gateway::start(&toml).await;
    let ok = chat(&gw, IMPORTED_KEY, "gpt-4o-mini").await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let seen = up.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].bearer(), Some("sk-openai-imported-1"));
    let denied = chat(&gw, IMPORTED_KEY, "openai/gpt-4o").await;
    assert_eq!(denied.status, 403, "{}", denied.text());
}

#[test]
fn import_apply_writes_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let input = reference_config(dir.path(), "http://127.0.0.1:9");
    let out = Command::new(BIN)
        .args(["config", "import", "--apply"])
        .arg(&input)
        .env("BIFROST_VK_OPS", format!("sk-bf-ops{}", "o".repeat(40)))
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = bifrost::store::Store::open(dir.path()).unwrap();
    let keys = store.records::<bifrost::governance::VirtualKey>().unwrap();
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|k| !k.from_file), "made as through the API");
    assert_eq!(
        keys[0].value_hash,
        bifrost::governance::KeyHash::of(IMPORTED_KEY).to_hex()
    );
    assert_eq!(store.providers().unwrap().len(), 3);
}
