//! `bifrost config get|set` as a child process: on the store of a data dir with no
//! server, and over `--url` against a running one whose bifrost.toml declares a key
//! (refused, naming the file). Values are read and refused as the Settings screen does.

use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::support::gateway::Gateway;

const BIN: &str = env!("CARGO_BIN_EXE_bifrost");

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `bifrost --data-dir DIR ARGS`, with `--url URL` and the admin token when given.
async fn bifrost(dir: &Path, url: Option<&str>, args: &[&str]) -> Out {
    let mut c = tokio::process::Command::new(BIN);
    c.env_remove("BIFROST_DATA_DIR")
        .env_remove("BIFROST_URL")
        .env_remove("BIFROST_CONFIG")
        .env_remove("RUST_LOG")
        .env("BIFROST_CREDENTIALS_FILE", dir.join("creds.json"))
        .arg("--data-dir")
        .arg(dir);
    if let Some(url) = url {
        c.arg("--url")
            .arg(url)
            .env("BIFROST_ADMIN_TOKEN", "admin-tok");
    }
    let out = c
        .args(args)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

async fn ok(dir: &Path, url: Option<&str>, args: &[&str]) -> String {
    let out = bifrost(dir, url, args).await;
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    out.stdout
}

#[tokio::test]
async fn settings_are_read_and_changed_on_the_store_without_a_server() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let all = ok(d, None, &["config", "get"]).await;
    assert!(all.contains("log_retention_days"), "{all}");
    let set = ok(d, None, &["config", "set", "log_retention_days", "7"]).await;
    assert!(set.starts_with("client.log_retention_days = 7"), "{set}");
    assert_eq!(
        ok(d, None, &["config", "get", "log_retention_days"]).await,
        "7\n"
    );
    let doc: Value =
        serde_json::from_str(&ok(d, None, &["config", "get", "--json"]).await).unwrap();
    assert_eq!(doc["client_config"]["log_retention_days"], 7);
    ok(
        d,
        None,
        &["config", "set", "logging_headers", "x-team, x-user"],
    )
    .await;
    assert_eq!(
        ok(d, None, &["config", "get", "logging_headers", "--json"]).await,
        "[\n  \"x-team\",\n  \"x-user\"\n]\n"
    );

    // The Settings screen's messages; nothing changes.
    for (args, message) in [
        (
            ["config", "set", "enable_logging", "maybe"],
            "error: client.enable_logging: `maybe` is not true or false\n",
        ),
        (
            ["config", "set", "no_such_thing", "1"],
            "error: client_config.no_such_thing: no such setting (`bifrost config get` lists them)\n",
        ),
    ] {
        let bad = bifrost(d, None, &args).await;
        assert_eq!((bad.code, bad.stderr.as_str()), (2, message), "{args:?}");
    }
    let zero = bifrost(d, None, &["config", "set", "log_retention_days", "0"]).await;
    assert_eq!(zero.code, 2, "{}", zero.stderr);
    assert!(
        zero.stderr.contains("client.log_retention_days"),
        "{}",
        zero.stderr
    );
    assert_eq!(
        ok(d, None, &["config", "get", "log_retention_days"]).await,
        "7\n"
    );
}

#[tokio::test]
async fn over_url_a_key_the_file_declares_is_refused_naming_the_file() {
    let gw =
        Gateway::start("[admin]\ntoken = \"admin-tok\"\n[client]\nlog_retention_days = 9\n").await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = gw.url("");
    let url = Some(url.trim_end_matches('/'));
    let all = ok(d, url, &["config", "get"]).await;
    let line = all
        .lines()
        .find(|l| l.starts_with("log_retention_days"))
        .unwrap_or_default();
    assert!(
        line.contains("9") && line.ends_with("(bifrost.toml)"),
        "{all}"
    );
    let refused = bifrost(d, url, &["config", "set", "log_retention_days", "3"]).await;
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("bifrost.toml"),
        "{}",
        refused.stderr
    );
    let set = ok(
        d,
        url,
        &["config", "set", "disable_content_logging", "true"],
    )
    .await;
    assert_eq!(
        set,
        "client.disable_content_logging = true (applies from the next request)\n"
    );
    assert_eq!(
        ok(d, url, &["config", "get", "disable_content_logging"]).await,
        "true\n"
    );
}
