//! `bifrost logs` against a server at `--url` with an admin token: following the live
//! feed (and reopening it when it drops), exports with content, virtual keys by id or
//! name, and compaction on demand.

use std::time::Duration;

use bifrost::admin::{Governance, Kind};
use bytes::Bytes;
use http::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::net::TcpListener;
use tokio::process::{Child, ChildStderr, ChildStdout};

use crate::support::client::{call, Answer};
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_completion_with_usage, MockUpstream, Reply};

const BIN: &str = env!("CARGO_BIN_EXE_bifrost");

/// Bound on any single wait, so a broken test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(30);

const TOKEN: &str = "admin-tok";

fn config(base_url: &str) -> String {
    format!(
        r#"
[admin]
token = "{TOKEN}"
[client]
logging_headers = ["authorization", "x-team"]
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

async fn chat(gw: &Gateway, id: &str, text: &str, vk: Option<&str>) -> Answer {
    let body = json!({"model": "up/m", "messages": [{"role": "user", "content": text}]});
    let mut headers = vec![
        ("content-type", "application/json"),
        ("x-request-id", id),
        ("x-team", "search"),
    ];
    let bearer;
    if let Some(vk) = vk {
        bearer = format!("Bearer {vk}");
        headers.push(("authorization", bearer.as_str()));
    }
    call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &headers,
        serde_json::to_vec(&body).unwrap(),
    )
    .await
}

async fn api(gw: &Gateway, path: &str) -> Value {
    let a = call(
        Method::GET,
        &gw.url(path),
        &[("authorization", &format!("Bearer {TOKEN}"))],
        Bytes::new(),
    )
    .await;
    assert_eq!(a.status, 200, "{path}: {}", a.text());
    serde_json::from_str(&a.text()).unwrap()
}

/// Waits until the log holds `n` records (the writer flushes in the background).
async fn wait_for_records(gw: &Gateway, n: u64) {
    let store = gw.state.observability().logs().unwrap().store().clone();
    tokio::time::timeout(PATIENCE, async {
        let mut rx = gw.state.observability().logs().unwrap().subscribe();
        loop {
            let have = store
                .summarize(&Default::default(), false)
                .map_or(0, |s| s.count);
            if have >= n {
                return;
            }
            let _ = rx.recv().await;
        }
    })
    .await
    .expect("records written");
}

/// `bifrost --url URL ARGS` with the admin token, from a data dir of its own.
fn cli(url: &str, args: &[&str]) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(BIN);
    let elsewhere =
        std::env::temp_dir().join(format!("bifrost-logs-remote-{}", std::process::id()));
    c.arg("--url")
        .arg(url)
        .args(args)
        .env("BIFROST_DATA_DIR", &elsewhere)
        .env("BIFROST_ADMIN_TOKEN", TOKEN)
        .env("BIFROST_CREDENTIALS_FILE", elsewhere.join("creds.json"))
        .env("NO_COLOR", "1")
        .env_remove("BIFROST_URL")
        .kill_on_drop(true);
    c
}

async fn run(url: &str, args: &[&str]) -> String {
    let out = cli(url, args).output().await.unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

struct Following {
    child: Child,
    out: Lines<BufReader<ChildStdout>>,
    err: Lines<BufReader<ChildStderr>>,
}

fn follow(url: &str) -> Following {
    let mut child = cli(url, &["logs", "--follow", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    Following {
        out: BufReader::new(child.stdout.take().unwrap()).lines(),
        err: BufReader::new(child.stderr.take().unwrap()).lines(),
        child,
    }
}

async fn next(lines: &mut Lines<BufReader<impl tokio::io::AsyncRead + Unpin>>) -> String {
    tokio::time::timeout(PATIENCE, lines.next_line())
        .await
        .expect("a line in time")
        .unwrap()
        .expect("the stream is open")
}

impl Following {
    /// Ctrl-C: the follow ends with success.
    async fn interrupt(mut self) {
        let pid = self.child.id().unwrap().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = tokio::time::timeout(PATIENCE, self.child.wait())
            .await
            .unwrap()
            .unwrap();
        assert!(status.success(), "Ctrl-C exits 0, got {status}");
    }
}

#[tokio::test]
async fn follow_over_url_prints_new_records_and_ctrl_c_exits_0() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let url = format!("http://{}", gw.addr);
    let mut f = follow(&url);
    assert!(next(&mut f.err).await.contains("following"));
    assert_eq!(chat(&gw, "remote-live-1", "hi", None).await.status, 200);
    let record: Value = serde_json::from_str(&next(&mut f.out).await).unwrap();
    assert_eq!(record["id"], "remote-live-1");
    f.interrupt().await;

    // A wrong credential is an error at once, not a retry loop.
    let out = cli(&url, &["logs", "--follow"])
        .env("BIFROST_ADMIN_TOKEN", "wrong")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("401") || err.contains("token"), "{err}");
}

/// A server whose log feed sends one record per connection, then drops it.
async fn flaky_feed() -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        for n in 1.. {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let mut head = vec![0u8; 4096];
            let read = sock.read(&mut head).await.unwrap_or(0);
            let head = String::from_utf8_lossy(&head[..read]).to_string();
            assert!(head.starts_with("GET /api/logs/stream"), "{head}");
            assert!(
                head.contains(&format!("authorization: Bearer {TOKEN}")),
                "{head}"
            );
            let record = json!({"id": format!("feed-{n}"), "timestamp": "2026-01-01T00:00:00Z",
                "latency_ms": 1.0, "route": "openai", "request_type": "chat_completion",
                "model_requested": "m", "stream": false, "status": "success", "http_status": 200,
                "input_tokens": 1, "output_tokens": 1, "cached_tokens": 0, "reasoning_tokens": 0,
                "fallback_index": 0, "retries": 0, "client_disconnected": false});
            let body = format!(": ready\n\nevent: log\ndata: {record}\n\n");
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{body}\r\n",
                body.len()
            );
            let _ = sock.write_all(answer.as_bytes()).await;
            // The connection drops here, mid-stream (no final chunk).
            drop(sock);
        }
    });
    (url, task)
}

#[tokio::test]
async fn follow_reopens_a_dropped_feed_and_says_so() {
    let (url, feed) = flaky_feed().await;
    let mut f = follow(&url);
    assert!(next(&mut f.err).await.contains("following"));
    let first: Value = serde_json::from_str(&next(&mut f.out).await).unwrap();
    assert_eq!(first["id"], "feed-1");
    let dropped = next(&mut f.err).await;
    assert!(dropped.contains("reconnecting"), "{dropped}");
    assert!(next(&mut f.err).await.contains("reconnected"));
    let second: Value = serde_json::from_str(&next(&mut f.out).await).unwrap();
    assert_eq!(second["id"], "feed-2");
    f.interrupt().await;
    feed.abort();
}

#[tokio::test]
async fn export_carries_content_unless_told_not_to_and_never_credentials() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    for i in 0..3 {
        let id = format!("exp-{i}");
        let a = chat(&gw, &id, &format!("question {i}"), Some("sk-not-a-vk")).await;
        assert_eq!(a.status, 200, "{}", a.text());
    }
    wait_for_records(&gw, 3).await;
    let url = format!("http://{}", gw.addr);
    for (how, text) in [
        ("--url", run(&url, &["logs", "export"]).await),
        ("socket", {
            let out = tokio::process::Command::new(BIN)
                .args(["logs", "export", "--data-dir"])
                .arg(gw.dir.path())
                .output()
                .await
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap()
        }),
    ] {
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3, "{how}: {text}");
        for (i, r) in lines.iter().enumerate() {
            assert_eq!(r["id"], format!("exp-{i}"), "{how}");
            assert_eq!(
                r["content"]["request"]["messages"][0]["content"],
                format!("question {i}"),
                "{how}"
            );
            assert_eq!(
                r["content"]["response"]["choices"][0]["message"]["content"],
                format!("echo question {i}"),
                "{how}"
            );
            assert_eq!(r["headers"]["authorization"], "<redacted>", "{how}");
        }
        for secret in ["sk-not-a-vk", "sk-up-secret", TOKEN] {
            assert!(!text.contains(secret), "{how}: {secret} in the export");
        }
    }
    let bare = run(&url, &["logs", "export", "--no-content"]).await;
    assert_eq!(bare.lines().count(), 3);
    assert!(!bare.contains("question"), "{bare}");
    let csv = run(&url, &["logs", "export", "--format", "csv"]).await;
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(!csv.contains("question"), "CSV is metadata only: {csv}");
}

#[tokio::test]
async fn records_carry_the_virtual_key_id_and_filter_by_id_or_name() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let vk = gw
        .state
        .governance()
        .create(Kind::VirtualKey, json!({"name": "app"}))
        .await
        .unwrap();
    let (value, id) = (vk["value"].as_str().unwrap(), vk["id"].as_str().unwrap());
    assert_eq!(chat(&gw, "with-vk", "hi", Some(value)).await.status, 200);
    assert_eq!(chat(&gw, "without-vk", "hi", None).await.status, 200);
    wait_for_records(&gw, 2).await;

    let shown = api(&gw, "/api/logs/with-vk").await;
    assert_eq!(shown["virtual_key_id"], id);
    assert_eq!(shown["virtual_key_name"], "app");
    for by in [id, "app"] {
        for param in ["virtual_key", "virtual_key_ids"] {
            let page = api(&gw, &format!("/api/logs?{param}={by}")).await;
            let ids: Vec<&str> = page["logs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap())
                .collect();
            assert_eq!(ids, ["with-vk"], "{param}={by}");
            assert_eq!(page["pagination"]["total_count"], 1, "{param}={by}");
        }
    }
    let url = format!("http://{}", gw.addr);
    let listed = run(&url, &["logs", "--vk", id, "--json"]).await;
    let r: Value = serde_json::from_str(listed.trim()).unwrap();
    assert_eq!(
        (r["id"].as_str(), r["virtual_key_name"].as_str()),
        (Some("with-vk"), Some("app"))
    );
    let show = run(&url, &["logs", "show", "with-vk"]).await;
    assert!(show.contains(id) && show.contains("\"app\""), "{show}");
}

#[tokio::test]
async fn compact_runs_on_demand_over_url_and_reads_go_on() {
    let up = upstream().await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    assert_eq!(chat(&gw, "before-compact", "hi", None).await.status, 200);
    wait_for_records(&gw, 1).await;
    let url = format!("http://{}", gw.addr);
    let said = run(&url, &["logs", "compact"]).await;
    assert!(said.starts_with("compacted the request log:"), "{said}");
    let shown = api(&gw, "/api/logs/before-compact").await;
    assert_eq!(shown["id"], "before-compact");
    assert_eq!(chat(&gw, "after-compact", "hi", None).await.status, 200);
    wait_for_records(&gw, 2).await;
}
