//! Virtual keys, teams and customers from the built binary (on a temp data dir) and
//! over the management API: `KEY=$(bifrost vk create ...)` output, secrets never
//! listed, bad input refused with a one-line reason, the reference's JSON shapes.

use std::path::Path;
use std::process::{Command, Stdio};

use http::Method;
use serde_json::{json, Value};

use crate::support::client::{call, Answer};
use crate::support::gateway::Gateway;

const BIN: &str = env!("CARGO_BIN_EXE_bifrost");

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn bifrost(dir: &Path, args: &[&str]) -> Out {
    let out = Command::new(BIN)
        .env_remove("BIFROST_DATA_DIR")
        .env_remove("RUST_LOG")
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ok(dir: &Path, args: &[&str]) -> Out {
    let out = bifrost(dir, args);
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    out
}

#[test]
fn vk_create_prints_only_the_value_and_list_never_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let created = ok(
        dir.path(),
        &[
            "vk", "create", "--name", "ci", "--budget", "5", "--reset", "1d", "--rpm", "60",
        ],
    );
    let key = created.stdout.trim_end();
    assert!(key.starts_with("sk-bf-") && key.len() >= 6 + 43, "{key:?}");
    assert_eq!(
        created.stdout,
        format!("{key}\n"),
        "stdout holds the value alone"
    );
    assert!(
        created.stderr.contains("created virtual key `ci`"),
        "{}",
        created.stderr
    );

    let secret_part = &key[8..40];
    for args in [
        &["vk", "list"][..],
        &["vk", "list", "--json"],
        &["vk", "show", "ci"],
        &["vk", "show", "ci", "--json"],
    ] {
        let out = ok(dir.path(), args);
        assert!(
            !out.stdout.contains(secret_part),
            "{args:?} leaked the key: {}",
            out.stdout
        );
        assert!(
            !out.stdout.contains("value_hash"),
            "{args:?}: {}",
            out.stdout
        );
    }
    let list = ok(dir.path(), &["vk", "list"]).stdout;
    assert!(list.starts_with("NAME"), "{list}");
    assert!(
        list.contains("$5.00/1d") && list.contains("60 req/1m"),
        "{list}"
    );

    let json: Value =
        serde_json::from_str(&ok(dir.path(), &["vk", "create", "--name", "j", "--json"]).stdout)
            .unwrap();
    assert!(
        json["value"].as_str().unwrap().starts_with("sk-bf-"),
        "--json has the value"
    );
}

#[test]
fn keys_are_changed_rotated_disabled_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(
        d,
        &["customer", "create", "--name", "acme", "--budget", "100"],
    );
    ok(
        d,
        &[
            "team",
            "create",
            "--name",
            "eng",
            "--customer",
            "acme",
            "--budget",
            "50",
            "--reset",
            "1w",
        ],
    );
    let first = ok(
        d,
        &[
            "vk", "create", "--name", "ci", "--team", "eng", "--rpm", "10", "--tpm", "1000",
        ],
    )
    .stdout;
    let updated = ok(d, &["vk", "update", "ci", "--rpm", "20", "--json"]).stdout;
    let updated: Value = serde_json::from_str(&updated).unwrap();
    assert_eq!(
        updated["rate_limit"],
        json!({"token_max_limit": 1000, "token_reset_duration": "1m", "request_max_limit": 20, "request_reset_duration": "1m"})
    );
    let second = ok(d, &["vk", "rotate", "ci"]).stdout;
    assert_ne!(first, second);
    assert!(second.starts_with("sk-bf-"));
    ok(d, &["vk", "disable", "ci"]);
    let shown: Value =
        serde_json::from_str(&ok(d, &["vk", "show", "ci", "--json"]).stdout).unwrap();
    assert_eq!(shown["is_active"], false);
    ok(d, &["vk", "enable", "ci"]);
    let usage = ok(d, &["vk", "usage", "ci"]).stdout;
    for level in ["virtual key `ci`", "team `eng`", "customer `acme`"] {
        assert!(usage.contains(level), "{usage}");
    }
    let usage: Value =
        serde_json::from_str(&ok(d, &["vk", "usage", "ci", "--json"]).stdout).unwrap();
    assert_eq!(usage["levels"].as_array().unwrap().len(), 3);
    ok(d, &["vk", "delete", "ci"]);
    let gone = bifrost(d, &["vk", "show", "ci"]);
    assert_eq!(gone.code, 1);
    assert_eq!(
        gone.stderr,
        "error: virtual key `ci` does not exist (see `bifrost vk list`)\n"
    );
}

#[test]
fn bad_input_exits_non_zero_with_a_one_line_reason_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases: [(&[&str], &str); 5] = [
        (
            &["vk", "create", "--name", "x", "--budget", "-5"],
            "budgets[0].max_limit is -5: a budget is a positive amount in USD",
        ),
        (
            &["vk", "create", "--name", "x", "--models", ""],
            "allowed_models",
        ),
        (
            &["vk", "create", "--name", "x", "--team", "nope"],
            "team `nope` does not exist",
        ),
        (
            &["vk", "create", "--name", "x", "--provider", "openai:heavy"],
            "weight `heavy`",
        ),
        (
            &[
                "vk", "create", "--name", "x", "--budget", "1", "--reset", "1y",
            ],
            "unknown duration `1y`",
        ),
    ];
    for (args, needle) in cases {
        let out = bifrost(d, args);
        assert_ne!(out.code, 0, "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        let first = out.stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("error: ") && first.contains(needle),
            "{args:?}: {}",
            out.stderr
        );
    }
    let both = bifrost(
        d,
        &[
            "vk",
            "create",
            "--name",
            "x",
            "--team",
            "a",
            "--customer",
            "b",
        ],
    );
    assert_eq!(both.code, 2, "{}", both.stderr);
    assert_eq!(ok(d, &["vk", "list", "--json"]).stdout.trim(), "[]");
    ok(d, &["vk", "create", "--name", "x"]);
    let dup = bifrost(d, &["vk", "create", "--name", "x"]);
    assert_eq!(dup.code, 1);
    assert_eq!(
        dup.stderr,
        "error: a virtual key named `x` already exists; pick another name\n"
    );
}

async fn api(gw: &Gateway, method: Method, path: &str, body: Option<Value>) -> Answer {
    let headers = [
        ("content-type", "application/json"),
        ("authorization", "Bearer gov-admin-token"),
    ];
    let body = body
        .map(|b| serde_json::to_vec(&b).unwrap())
        .unwrap_or_default();
    call(method, &gw.url(path), &headers, body).await
}

#[tokio::test]
async fn the_api_speaks_the_reference_shapes() {
    std::env::set_var("BIFROST_IT_GOV_TOKEN", "gov-admin-token");
    let gw = Gateway::start("[admin]\ntoken = \"env.BIFROST_IT_GOV_TOKEN\"\n").await;
    let created = api(&gw, Method::POST, "/api/governance/virtual-keys", Some(json!({"name": "app", "budget": {"max_limit": 10, "reset_duration": "1M", "calendar_aligned": true}}))).await;
    assert_eq!(created.status, 200, "{}", created.text());
    let vk = created.json()["virtual_key"].clone();
    assert!(vk["value"].as_str().unwrap().starts_with("sk-bf-"));
    let id = vk["id"].as_str().unwrap();

    let got = api(
        &gw,
        Method::GET,
        &format!("/api/governance/virtual-keys/{id}"),
        None,
    )
    .await
    .json();
    assert_eq!(got["virtual_key"]["name"], "app");
    assert!(got["virtual_key"].get("value").is_none());
    let list = api(&gw, Method::GET, "/api/governance/virtual-keys", None)
        .await
        .json();
    assert_eq!(
        (list["count"].clone(), list["total_count"].clone()),
        (json!(1), json!(1))
    );
    let usage = api(
        &gw,
        Method::GET,
        &format!("/api/governance/virtual-keys/{id}/usage"),
        None,
    )
    .await
    .json();
    assert_eq!(usage["levels"][0]["budgets"][0]["max_limit"], 10.0);

    let bad = api(
        &gw,
        Method::POST,
        "/api/governance/teams",
        Some(json!({"name": "t", "budget": {"max_limit": "lots", "reset_duration": "1d"}})),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.error_message()
            .starts_with("budgets.max_limit: invalid type"),
        "{}",
        bad.error_message()
    );
    let missing = api(&gw, Method::GET, "/api/governance/customers/nope", None).await;
    assert_eq!(missing.status, 404);

    let updated = api(
        &gw,
        Method::PUT,
        &format!("/api/governance/virtual-keys/{id}"),
        Some(json!({"description": "d"})),
    )
    .await
    .json();
    assert_eq!(updated["message"], "Virtual key updated successfully");
    assert_eq!(updated["virtual_key"]["description"], "d");
    let deleted = api(
        &gw,
        Method::DELETE,
        &format!("/api/governance/virtual-keys/{id}"),
        None,
    )
    .await
    .json();
    assert_eq!(
        deleted,
        json!({"message": "Virtual key deleted successfully"})
    );

    let closed = call(
        Method::GET,
        &gw.url("/api/governance/teams"),
        &[],
        Vec::new(),
    )
    .await;
    assert_eq!(closed.status, 401, "same admin auth as /api/providers");
}

/// `bifrost serve --port 0` on a data dir, killed when dropped.
struct Serving(std::process::Child);

impl Serving {
    fn start(dir: &Path) -> Serving {
        use std::io::BufRead;
        let mut child = Command::new(BIN)
            .env_remove("BIFROST_DATA_DIR")
            .env_remove("BIFROST_CONFIG")
            .env_remove("RUST_LOG")
            .args(["serve", "--port", "0", "--data-dir"])
            .arg(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.contains("listening on"), "{line:?}");
        // Keep draining so the server never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        Serving(child)
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_commands_work_through_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let _server = Serving::start(d);
    let key = ok(d, &["vk", "create", "--name", "ci", "--budget", "5"]).stdout;
    assert!(key.starts_with("sk-bf-"), "{key}");
    let list = ok(d, &["vk", "list", "--json"]).stdout;
    assert!(!list.contains(&key[8..40]), "{list}");
    let rotated = ok(d, &["vk", "rotate", "ci"]).stdout;
    assert!(rotated.starts_with("sk-bf-") && rotated != key);
    ok(d, &["vk", "disable", "ci"]);
    let usage: Value =
        serde_json::from_str(&ok(d, &["vk", "usage", "ci", "--json"]).stdout).unwrap();
    assert_eq!(usage["name"], "ci");
    let bad = bifrost(d, &["vk", "update", "ci", "--budget", "-1"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert_eq!(
        bad.stderr,
        "error: budgets[0].max_limit is -1: a budget is a positive amount in USD, e.g. 50\n"
    );
    ok(d, &["vk", "delete", "ci"]);
    let gone = bifrost(d, &["vk", "show", "ci"]);
    assert_eq!(gone.code, 1);
    assert_eq!(
        gone.stderr,
        "error: virtual key `ci` does not exist (see `bifrost vk list`)\n"
    );
}
