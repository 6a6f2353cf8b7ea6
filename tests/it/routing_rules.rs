//! Aliases and routing rules over real sockets: a header picks the upstream, an alias
//! is listed and routed, rules change through the API and apply to the next request,
//! `route explain` over the API and the CLI, and bad input named field by field.

use std::path::Path;
use std::process::{Command, Stdio};

use http::Method;
use serde_json::{json, Value};

use crate::support::client::{call, get, Answer};
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_completion, MockUpstream, Reply};

const TOKEN: &str = "rules-admin-token";
const BIN: &str = env!("CARGO_BIN_EXE_bifrost");

async fn upstream() -> MockUpstream {
    MockUpstream::start(|r| {
        let model = r.body["model"].as_str().unwrap_or_default().to_string();
        Reply::json(chat_completion(&model, "hi"))
    })
    .await
}

/// Two openai-compatible providers, `a` (listing every model) and `b`, plus `extra`.
fn config(a: &MockUpstream, b: &MockUpstream, extra: &str) -> String {
    format!(
        r#"
[admin]
token = "{TOKEN}"
[providers.a]
type = "openai-compatible"
base_url = "{}"
[[providers.a.keys]]
name = "k"
value = "sk-a"
[providers.b]
type = "openai-compatible"
base_url = "{}"
[[providers.b.keys]]
name = "k"
value = "sk-b"
{extra}
"#,
        a.base_url(),
        b.base_url()
    )
}

async fn chat(gw: &Gateway, model: &str, headers: &[(&str, &str)]) -> Answer {
    let mut all = vec![("content-type", "application/json")];
    all.extend_from_slice(headers);
    let body = json!({"model": model, "messages": [{"role": "user", "content": "hello"}]});
    call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &all,
        serde_json::to_vec(&body).unwrap(),
    )
    .await
}

async fn api(gw: &Gateway, method: Method, path: &str, body: Option<Value>) -> Answer {
    let auth = format!("Bearer {TOKEN}");
    let body = body.map_or_else(Vec::new, |b| serde_json::to_vec(&b).unwrap());
    call(
        method,
        &gw.url(path),
        &[
            ("authorization", &auth),
            ("content-type", "application/json"),
        ],
        body,
    )
    .await
}

fn last_model(up: &MockUpstream) -> String {
    let reqs = up.requests();
    let last = reqs.last().expect("the upstream saw a request");
    last.body["model"].as_str().unwrap_or_default().to_string()
}

const PREMIUM_RULE: &str = r#"
[[routing_rules]]
name = "premium"
cel_expression = 'headers["x-tier"] == "premium"'
targets = [{ provider = "b", model = "big", weight = 1.0 }]
fallbacks = ["a/small"]
"#;

#[tokio::test]
async fn a_header_rule_sends_the_request_to_its_upstream() {
    let (a, b) = (upstream().await, upstream().await);
    let gw = Gateway::start(&config(&a, &b, PREMIUM_RULE)).await;
    let premium = chat(&gw, "a/gpt-4o", &[("x-tier", "premium")]).await;
    assert_eq!(premium.status, 200, "{}", premium.text());
    assert_eq!((a.request_count(), b.request_count()), (0, 1));
    assert_eq!(last_model(&b), "big");
    let plain = chat(&gw, "a/gpt-4o", &[("x-tier", "free")]).await;
    assert_eq!(plain.status, 200, "{}", plain.text());
    assert_eq!((a.request_count(), b.request_count()), (1, 1));
    assert_eq!(last_model(&a), "gpt-4o");
}

#[tokio::test]
async fn an_alias_is_listed_and_routed() {
    let (a, b) = (upstream().await, upstream().await);
    let alias = r#"
[models.fast]
targets = [{ model = "b/llama-3.3-70b", weight = 1.0 }]
fallbacks = ["a/llama-3.1-8b"]
"#;
    let gw = Gateway::start(&config(&a, &b, alias)).await;
    let models = get(&gw.url("/v1/models")).await.json();
    let ids: Vec<&str> = models["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert!(ids.contains(&"fast"), "{ids:?}");
    let answer = chat(&gw, "fast", &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(last_model(&b), "llama-3.3-70b");
    assert_eq!(a.request_count(), 0);
}

#[tokio::test]
async fn a_provider_type_prefix_without_that_provider_is_a_404() {
    let (a, b) = (upstream().await, upstream().await);
    let gw = Gateway::start(&config(&a, &b, "")).await;
    let answer = chat(&gw, "anthropic/claude-x", &[]).await;
    assert_eq!(answer.status, 404, "{}", answer.text());
    let msg = answer.error_message();
    assert!(
        msg.contains("no provider named `anthropic` is configured"),
        "{msg}"
    );
    assert_eq!(a.request_count() + b.request_count(), 0);
}

#[tokio::test]
async fn rules_change_through_the_api_and_apply_to_the_next_request() {
    let (a, b) = (upstream().await, upstream().await);
    let gw = Gateway::start(&config(&a, &b, "")).await;
    let rule = json!({
        "name": "to-b",
        "description": "beta testers",
        "cel_expression": "headers[\"x-beta\"] == \"1\" && request_type == \"chat_completion\"",
        "targets": [{"provider": "b", "model": "beta", "weight": 1}],
        "priority": 5
    });
    let created = api(
        &gw,
        Method::POST,
        "/api/governance/routing-rules",
        Some(rule),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text());
    let id = created.json()["routing_rule"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(chat(&gw, "a/m", &[("x-beta", "1")])
        .await
        .status
        .is_success());
    assert_eq!(last_model(&b), "beta");

    let list = api(&gw, Method::GET, "/api/governance/routing-rules", None)
        .await
        .json();
    assert_eq!(list["count"], 1);
    assert_eq!(list["routing_rules"][0]["name"], "to-b");
    let one = api(
        &gw,
        Method::GET,
        &format!("/api/governance/routing-rules/{id}"),
        None,
    )
    .await;
    assert_eq!(one.json()["routing_rule"]["priority"], 5);

    let disabled = api(
        &gw,
        Method::PUT,
        &format!("/api/governance/routing-rules/{id}"),
        Some(json!({"enabled": false})),
    )
    .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text());
    assert_eq!(disabled.json()["routing_rule"]["enabled"], false);
    assert!(chat(&gw, "a/m", &[("x-beta", "1")])
        .await
        .status
        .is_success());
    assert_eq!(last_model(&a), "m");
    assert_eq!(b.request_count(), 1);

    let path = format!("/api/governance/routing-rules/{id}");
    let gone = api(&gw, Method::DELETE, &path, None).await;
    assert_eq!(gone.status, 200, "{}", gone.text());
    assert_eq!(api(&gw, Method::GET, &path, None).await.status, 404);
}

#[tokio::test]
async fn bad_rules_are_refused_naming_the_field() {
    let (a, b) = (upstream().await, upstream().await);
    let gw = Gateway::start(&config(&a, &b, "")).await;
    let cases = [
        (
            json!({"name": "r", "cel_expression": "model ==\n  && x", "targets": [{"provider": "b", "weight": 1}]}),
            "cel_expression does not compile at line 2, column",
        ),
        (
            json!({"name": "r", "targets": [{"provider": "b", "weight": "heavy"}]}),
            "targets[0].weight",
        ),
        (
            json!({"name": "r", "targets": [{"provider": "nope", "model": "m", "weight": 1}]}),
            "targets[0].provider: `nope` is not a configured provider",
        ),
        (
            json!({"name": "r", "targets": [{"provider": "b", "weight": 0.5}]}),
            "must sum to 1",
        ),
    ];
    for (body, expected) in cases {
        let answer = api(
            &gw,
            Method::POST,
            "/api/governance/routing-rules",
            Some(body),
        )
        .await;
        assert_eq!(answer.status, 400, "{}", answer.text());
        let msg = answer.error_message();
        assert!(msg.contains(expected), "{expected}: {msg}");
    }
    let list = api(&gw, Method::GET, "/api/governance/routing-rules", None)
        .await
        .json();
    assert_eq!(list["count"], 0);
}

#[tokio::test]
async fn explain_shows_the_decision_without_calling_upstream() {
    let (a, b) = (upstream().await, upstream().await);
    let gw = Gateway::start(&config(&a, &b, PREMIUM_RULE)).await;
    let explained = api(
        &gw,
        Method::POST,
        "/api/routing/explain",
        Some(json!({"model": "a/gpt-4o", "headers": {"x-tier": "premium"}})),
    )
    .await;
    assert_eq!(explained.status, 200, "{}", explained.text());
    let e = explained.json();
    assert_eq!(e["decided_by"], "rule");
    assert_eq!(e["matched_rule"], "premium");
    assert_eq!(e["rules"][0]["result"], "matched");
    assert_eq!(e["targets"][0]["provider"], "b");
    assert_eq!(e["targets"][0]["weight"], 1.0);
    assert_eq!(e["targets"][0]["effective_weight"], 1.0);
    assert_eq!(e["fallbacks"][0]["model"], "small");
    let none = api(
        &gw,
        Method::POST,
        "/api/routing/explain",
        Some(json!({"model": "a/gpt-4o"})),
    )
    .await
    .json();
    assert_eq!(none["decided_by"], "model");
    assert_eq!(none["rules"][0]["result"], "error");
    assert_eq!(a.request_count() + b.request_count(), 0);

    // The CLI reaches the same server over its socket (run off the runtime the server
    // is on, so the server can answer while the test waits).
    let dir = gw.dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        bifrost(
            &dir,
            &[
                "route",
                "explain",
                "--model",
                "a/x",
                "--header",
                "X-Tier=premium",
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("decided by: rule premium"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("fallbacks: a/small"), "{}", out.stdout);
}

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

#[test]
fn the_cli_adds_lists_explains_and_removes_rules_on_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for name in ["fast", "slow"] {
        let out = bifrost(d, &["provider", "add", name, "--type", "mock"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let add = bifrost(
        d,
        &[
            "route",
            "add",
            "--name",
            "vip",
            "--cel",
            "headers[\"x-vip\"] == \"yes\"",
            "--target",
            "fast/m1@0.5",
            "--target",
            "slow/m2@0.5",
            "--fallback",
            "slow/m3",
            "--priority",
            "-1",
        ],
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    let added: Value = serde_json::from_str(&add.stdout).unwrap();
    assert_eq!(added["targets"][1]["model"], "m2");

    let list = bifrost(d, &["route", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(list.stdout.contains("vip"), "{}", list.stdout);
    assert!(
        list.stdout.contains("fast/m1@0.5,slow/m2@0.5"),
        "{}",
        list.stdout
    );

    let show = bifrost(d, &["route", "show", "vip"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(show.stdout.contains("\"priority\": -1"), "{}", show.stdout);

    let explain = bifrost(
        d,
        &[
            "route",
            "explain",
            "--model",
            "fast/x",
            "--header",
            "x-vip=yes",
            "--json",
        ],
    );
    assert_eq!(explain.code, 0, "{}", explain.stderr);
    let e: Value = serde_json::from_str(&explain.stdout).unwrap();
    assert_eq!(e["matched_rule"], "vip");
    assert_eq!(e["targets"].as_array().unwrap().len(), 2);
    assert_eq!(e["fallbacks"][0]["model"], "m3");

    let text = bifrost(d, &["route", "explain", "--model", "fast/x"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.contains("vip"), "{}", text.stdout);
    assert!(text.stdout.contains("error"), "{}", text.stdout);

    let bad = bifrost(
        d,
        &[
            "route", "add", "--name", "bad", "--cel", "model ==", "--target", "fast/m",
        ],
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("line 1, column"), "{}", bad.stderr);
    let weight = bifrost(
        d,
        &["route", "add", "--name", "w", "--target", "fast/m@heavy"],
    );
    assert_eq!(weight.code, 2, "{}", weight.stderr);
    assert!(
        weight.stderr.contains("--target fast/m@heavy"),
        "{}",
        weight.stderr
    );
    let unknown = bifrost(d, &["route", "add", "--name", "u", "--target", "nope/m"]);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(
        unknown
            .stderr
            .contains("`nope` is not a configured provider"),
        "{}",
        unknown.stderr
    );

    let removed = bifrost(d, &["route", "remove", "vip"]);
    assert_eq!(removed.code, 0, "{}", removed.stderr);
    let missing = bifrost(d, &["route", "show", "vip"]);
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("does not exist"),
        "{}",
        missing.stderr
    );
}

#[test]
fn the_config_file_refuses_bad_rules_with_their_position() {
    let text = r#"
[providers.a]
type = "mock"

[[routing_rules]]
name = "broken"
cel_expression = "model =="
targets = [{ provider = "a", model = "m" }]

[models.fast]
targets = [{ model = "ghost/llama" }]
"#;
    let err = bifrost::config::FileConfig::parse(text).unwrap_err();
    let all: Vec<String> = err
        .iter()
        .map(|p| format!("{}:{} {}", p.line, p.column, p.message))
        .collect();
    assert!(
        all.iter()
            .any(|p| p.starts_with("5:") && p.contains("cel_expression does not compile at line 1")),
        "{all:?}"
    );
    assert!(
        all.iter()
            .any(|p| p
                .contains("models.fast.targets[0].model: `ghost` is not a configured provider")),
        "{all:?}"
    );
}
