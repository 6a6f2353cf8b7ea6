//! The request log end to end: what a record says for each way a request can end, the
//! `/api/logs` API, content logging off, graceful stop, and `bifrost logs` as a
//! child process (following a live server, and reading a stopped one's data dir).

use std::sync::Arc;
use std::time::Duration;

use bifrost::store::{LogRecord, LogStore, Status};
use bytes::Bytes;
use http::Method;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::{broadcast, Notify};

use crate::support::client::{call, send, Answer};
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_chunk, chat_completion_with_usage, MockUpstream, Reply};

const BIN: &str = env!("CARGO_BIN_EXE_bifrost");

/// Bound on any single wait, so a broken test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(30);

fn config(base_url: &str, client: &str) -> String {
    format!(
        r#"
[admin]
token = "admin-tok"
[client]
logging_headers = ["x-team", "authorization"]
{client}
[providers.up]
type = "openai-compatible"
base_url = "{base_url}"
[[providers.up.keys]]
name = "k"
value = "sk-up-secret"
[pricing."up/ok"]
input_per_mtok = 1.0
output_per_mtok = 2.0
"#
    )
}

/// Answers by model: `ok` (usage 3+2), `fail` (500), `stream`, `hold` (a stream that
/// stops after its first event until released).
async fn upstream(release: Arc<Notify>) -> MockUpstream {
    MockUpstream::start(move |r| {
        let body = &r.body;
        let text = body["messages"][0]["content"].as_str().unwrap_or("");
        match body["model"].as_str().unwrap_or("") {
            "fail" => Reply::error(500, "upstream exploded"),
            "stream" => Reply::stream(vec![
                chat_chunk("stream", "Hel"),
                chat_chunk("stream", "lo"),
            ]),
            "hold" => Reply::Stream {
                events: vec![chat_chunk("hold", "a"), chat_chunk("hold", "b")],
                gap: Duration::ZERO,
                done: true,
                hold_after_first: Some(release.clone()),
                drop_after: None,
            },
            _ => Reply::json(chat_completion_with_usage(
                "ok",
                &format!("echo {text}"),
                3,
                2,
            )),
        }
    })
    .await
}

/// `GET path` with the admin token.
async fn get(url: &str) -> Answer {
    call(
        Method::GET,
        url,
        &[("authorization", "Bearer admin-tok")],
        Bytes::new(),
    )
    .await
}

fn tail(gw: &Gateway) -> broadcast::Receiver<Arc<LogRecord>> {
    gw.state
        .observability()
        .logs()
        .expect("logging is on")
        .subscribe()
}

/// The record of request `id`, once the writer has stored it.
async fn logged(rx: &mut broadcast::Receiver<Arc<LogRecord>>, id: &str) -> LogRecord {
    tokio::time::timeout(PATIENCE, async {
        loop {
            let r = rx.recv().await.expect("log feed open");
            if r.id == id {
                return (*r).clone();
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no record for {id}"))
}

async fn chat(gw: &Gateway, id: &str, model: &str, text: &str, stream: bool) -> u16 {
    let body = json!({"model": format!("up/{model}"), "stream": stream,
        "messages": [{"role": "user", "content": text}]});
    let headers = [
        ("content-type", "application/json"),
        ("x-request-id", id),
        ("x-team", "search"),
        ("authorization", "Bearer not-a-real-key"),
    ];
    let a = call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &headers,
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    a.status.as_u16()
}

#[tokio::test]
async fn records_match_what_happened() {
    let release = Arc::new(Notify::new());
    let up = upstream(release.clone()).await;
    let gw = Gateway::start(&config(&up.base_url(), "")).await;
    let mut rx = tail(&gw);

    assert_eq!(chat(&gw, "ok-1", "ok", "hello there", false).await, 200);
    let r = logged(&mut rx, "ok-1").await;
    assert_eq!((r.status, r.http_status), (Status::Success, 200));
    assert_eq!(
        (r.route.as_str(), r.request_type.as_str()),
        ("openai", "chat_completion")
    );
    assert_eq!(r.provider.as_deref(), Some("up"));
    assert_eq!(r.key_name.as_deref(), Some("k"));
    assert_eq!(
        (r.model_requested.as_str(), r.model.as_deref()),
        ("up/ok", Some("ok"))
    );
    assert_eq!((r.input_tokens, r.output_tokens), (3, 2));
    // 3 tokens at $1/M plus 2 at $2/M.
    assert!((r.cost.unwrap() - 7e-6).abs() < 1e-12, "{:?}", r.cost);
    assert_eq!(r.headers["x-team"], "search");
    assert_eq!(r.headers["authorization"], "<redacted>");
    assert!(!r.stream && !r.client_disconnected);

    // The API serves the same record, with its content.
    let a = get(&gw.url("/api/logs/ok-1")).await;
    assert_eq!(a.status, 200, "{}", a.text());
    let doc = a.json();
    assert_eq!(
        doc["content"]["request"]["messages"][0]["content"],
        "hello there"
    );
    assert_eq!(
        doc["content"]["response"]["choices"][0]["message"]["content"],
        "echo hello there"
    );
    assert!(
        !a.text().contains("sk-up-secret"),
        "no provider key in a record"
    );

    let failed = chat(&gw, "fail-1", "fail", "x", false).await;
    assert!(failed >= 500, "{failed}");
    let r = logged(&mut rx, "fail-1").await;
    assert_eq!((r.status, r.http_status), (Status::Error, failed));
    assert!(
        r.error_message
            .as_deref()
            .unwrap_or("")
            .contains("upstream exploded"),
        "{r:?}"
    );
    assert!(r.error_type.is_some());

    assert_eq!(chat(&gw, "stream-1", "stream", "x", true).await, 200);
    let r = logged(&mut rx, "stream-1").await;
    assert_eq!(r.status, Status::Success);
    assert!(r.stream && r.ttft_ms.is_some(), "{r:?}");
    let a = get(&gw.url("/api/logs/stream-1")).await.json();
    assert_eq!(
        a["content"]["response"]["choices"][0]["message"]["content"],
        "Hello"
    );

    // The client leaves after the first event of a stream.
    let body =
        json!({"model": "up/hold", "stream": true, "messages": [{"role": "user", "content": "x"}]});
    let resp = send(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &[
            ("content-type", "application/json"),
            ("x-request-id", "gone-1"),
        ],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    let mut stream = resp.into_body();
    assert!(matches!(stream.frame().await, Some(Ok(_))));
    drop(stream);
    let r = logged(&mut rx, "gone-1").await;
    assert!(r.client_disconnected, "{r:?}");
    release.notify_one();

    // A drop-in route: the Anthropic SDK's path.
    let body = json!({"model": "up/ok", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]});
    let a = call(
        Method::POST,
        &gw.url("/anthropic/v1/messages"),
        &[
            ("content-type", "application/json"),
            ("x-request-id", "anth-1"),
        ],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text());
    let r = logged(&mut rx, "anth-1").await;
    assert_eq!((r.route.as_str(), r.status), ("anthropic", Status::Success));
    assert_eq!((r.input_tokens, r.output_tokens), (3, 2));

    // An error before routing: the body is not JSON.
    let a = call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &[
            ("content-type", "application/json"),
            ("x-request-id", "bad-1"),
        ],
        Bytes::from_static(b"{\"model\": "),
    )
    .await;
    assert_eq!(a.status, 400);
    let r = logged(&mut rx, "bad-1").await;
    assert_eq!((r.status, r.http_status), (Status::Error, 400));
    assert!(r.provider.is_none() && r.error_message.is_some(), "{r:?}");

    // Filters on the list: errors only, newest first.
    let a = get(&gw.url("/api/logs?status=error&providers=up")).await;
    assert_eq!(a.status, 200, "{}", a.text());
    let list = a.json();
    let ids: Vec<&str> = list["logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    // The stream the client left is an error too (`client_disconnected`).
    assert_eq!(ids, ["gone-1", "fail-1"], "{list}");
    assert_eq!(list["pagination"]["total_count"], 2);
    let all = get(&gw.url("/api/logs")).await.json();
    assert_eq!(all["stats"]["total_requests"], 6, "{all}");
    let stats =
        get(&gw.url("/api/logs/stats?start_time=2020-01-01T00:00:00Z&compare_to_previous=true"))
            .await
            .json();
    assert_eq!(stats["count"], 6, "{stats}");
    assert_eq!(stats["previous"]["count"], 0, "{stats}");
}

async fn status_and_param(gw: &Gateway, query: &str) -> (u16, Value) {
    let a = get(&gw.url(&format!("/api/logs?{query}"))).await;
    (a.status.as_u16(), a.json()["error"]["param"].clone())
}

#[tokio::test]
async fn bad_filters_are_400s_naming_the_parameter_and_limit_is_capped() {
    let up = upstream(Arc::new(Notify::new())).await;
    let gw = Gateway::start(&config(&up.base_url(), "")).await;
    for (query, param) in [
        ("min_latency=abc", "min_latency"),
        ("sort_by=size", "sort_by"),
        (
            "start_time=2025-02-01T00:00:00Z&end_time=2025-01-01T00:00:00Z",
            "end_time",
        ),
        ("start_time=yesterday", "start_time"),
        ("order=sideways", "order"),
    ] {
        assert_eq!(
            status_and_param(&gw, query).await,
            (400, json!(param)),
            "{query}"
        );
    }
    let a = get(&gw.url("/api/logs?limit=100000000")).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["pagination"]["limit"], 1000);
    let a = get(&gw.url("/api/logs/stats?min_cost=-1")).await;
    assert_eq!(
        (a.status.as_u16(), a.json()["error"]["param"].clone()),
        (400, json!("min_cost"))
    );
    assert_eq!(get(&gw.url("/api/logs/no-such-id")).await.status, 404);
    assert_eq!(get(&gw.url("/api/logs/dropped")).await.json()["dropped"], 0);
}

fn file_has(path: &std::path::Path, needle: &str) -> bool {
    let bytes = std::fs::read(path).unwrap_or_default();
    memchr_find(&bytes, needle.as_bytes())
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn with_content_logging_off_no_text_reaches_the_store_files() {
    let up = upstream(Arc::new(Notify::new())).await;
    for (off, client) in [(true, "disable_content_logging = true"), (false, "")] {
        let mut gw = Gateway::start(&config(&up.base_url(), client)).await;
        let mut rx = tail(&gw);
        assert_eq!(chat(&gw, "secret-1", "ok", "MARKER-7c1f", false).await, 200);
        let r = logged(&mut rx, "secret-1").await;
        assert_eq!(r.content.is_none(), off);
        gw.begin_shutdown().await.unwrap();
        let files = [
            gw.dir.path().join("logs.redb"),
            gw.dir.path().join("bifrost.redb"),
        ];
        // The prompt, and the answer that echoes it.
        let found = files.iter().any(|f| file_has(f, "MARKER-7c1f"));
        assert_eq!(found, !off, "content logging off: {off}");
        assert!(
            file_has(&files[0], "secret-1"),
            "the record itself is there"
        );
    }
}

#[tokio::test]
async fn graceful_stop_writes_everything_queued_and_the_cli_reads_the_stopped_dir() {
    let up = upstream(Arc::new(Notify::new())).await;
    let mut gw = Gateway::start(&config(&up.base_url(), "")).await;
    for i in 0..40 {
        assert_eq!(chat(&gw, &format!("q-{i}"), "ok", "x", false).await, 200);
    }
    // No wait for the writer: shutdown must drain the queue.
    gw.begin_shutdown().await.unwrap();
    // The stopped server's state still holds the files; let them go.
    let kept = std::mem::replace(&mut gw.dir, tempfile::tempdir().unwrap());
    drop(gw);
    let dir = kept.path().to_path_buf();
    {
        let store = LogStore::open(&dir).unwrap();
        for i in 0..40 {
            assert!(
                store.get(&format!("q-{i}")).unwrap().is_some(),
                "q-{i} lost"
            );
        }
    }
    let run = |args: &[&str]| {
        let out = std::process::Command::new(BIN)
            .args(args)
            .arg("--data-dir")
            .arg(&dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let lines = run(&["logs", "--json", "--limit", "5"]);
    let ids: Vec<String> = lines
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, ["q-39", "q-38", "q-37", "q-36", "q-35"]);
    let table = run(&["logs", "--limit", "2"]);
    assert!(
        table.starts_with("TIME") && table.contains("up/ok") && table.contains("q-39"),
        "{table}"
    );
    let shown: Value = serde_json::from_str(&run(&["logs", "show", "q-3"])).unwrap();
    assert_eq!(shown["content"]["request"]["messages"][0]["content"], "x");
    let stats = run(&["logs", "stats", "--json"]);
    assert_eq!(
        serde_json::from_str::<Value>(&stats).unwrap()["count"],
        40,
        "{stats}"
    );
    let csv = run(&["logs", "export", "--format", "csv"]);
    assert_eq!(csv.lines().count(), 41, "{csv}");
    assert!(csv.starts_with("id,timestamp,"));
}

#[tokio::test]
async fn logs_follow_prints_a_request_made_after_it_started() {
    let up = upstream(Arc::new(Notify::new())).await;
    let gw = Gateway::start(&config(&up.base_url(), "")).await;
    let mut child = tokio::process::Command::new(BIN)
        .args(["logs", "--follow", "--json", "--data-dir"])
        .arg(gw.dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    // It says so once the server has subscribed it to new records.
    let ready = tokio::time::timeout(PATIENCE, err.next_line())
        .await
        .unwrap()
        .unwrap();
    assert!(ready.unwrap_or_default().contains("following"));
    assert_eq!(chat(&gw, "live-1", "ok", "x", false).await, 200);
    let line = tokio::time::timeout(PATIENCE, out.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let record: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(record["id"], "live-1");
    assert_eq!(record["status"], "success");
    child.kill().await.unwrap();
}

#[tokio::test]
async fn logs_read_a_server_at_a_url_with_its_admin_token() {
    let up = upstream(Arc::new(Notify::new())).await;
    let gw = Gateway::start(&config(&up.base_url(), "")).await;
    let mut rx = tail(&gw);
    assert_eq!(
        chat(&gw, "req-url-1", "ok", "over the wire", false).await,
        200
    );
    logged(&mut rx, "req-url-1").await;
    let elsewhere = tempfile::tempdir().unwrap();
    let url = format!("http://{}", gw.addr);
    let out = tokio::process::Command::new(BIN)
        .args(["--url", &url, "logs", "show", "req-url-1"])
        .env("BIFROST_DATA_DIR", elsewhere.path())
        .env("BIFROST_ADMIN_TOKEN", "admin-tok")
        .env(
            "BIFROST_CREDENTIALS_FILE",
            elsewhere.path().join("creds.json"),
        )
        .env_remove("BIFROST_URL")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("req-url-1"), "{stdout}");
    assert!(stdout.contains("over the wire"), "{stdout}");
    // The record came from the server: nothing was opened in the local data dir.
    assert!(
        !elsewhere
            .path()
            .join(bifrost::store::LOGS_FILE_NAME)
            .exists(),
        "the local log file was opened"
    );
}
