//! The batched live feed (`GET /api/logs/stream?batch_ms=...`) over a real socket: the
//! batches' counts and aggregates add up to the requests made, `max_records` caps what
//! each carries, filters apply, requests in flight show, and bad parameters are 400s
//! naming them.

use std::sync::Arc;
use std::time::Duration;

use bifrost::admin::sse::Events;
use bytes::Bytes;
use http::Method;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::support::client::{call, send};
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_chunk, chat_completion_with_usage, MockUpstream, Reply};

/// Bound on any single wait, so a broken test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(30);

const AUTH: (&str, &str) = ("authorization", "Bearer admin-tok");

fn config(base_url: &str) -> String {
    format!(
        r#"
[admin]
token = "admin-tok"
[providers.up]
type = "openai-compatible"
base_url = "{base_url}"
[[providers.up.keys]]
name = "k"
value = "sk-up"
[pricing."up/ok"]
input_per_mtok = 1.0
output_per_mtok = 2.0
"#
    )
}

/// `ok` answers with usage 3+2, `fail` with a 500, `hold` streams one chunk and waits.
async fn upstream(release: Arc<Notify>) -> MockUpstream {
    MockUpstream::start(move |r| match r.body["model"].as_str().unwrap_or("") {
        "fail" => Reply::error(500, "upstream exploded"),
        "hold" => Reply::Stream {
            events: vec![chat_chunk("hold", "a"), chat_chunk("hold", "b")],
            gap: Duration::ZERO,
            done: true,
            hold_after_first: Some(release.clone()),
            drop_after: None,
        },
        _ => Reply::json(chat_completion_with_usage("ok", "fine", 3, 2)),
    })
    .await
}

async fn chat(gw: &Gateway, model: &str, stream: bool) -> http::Response<Incoming> {
    let body = json!({"model": format!("up/{model}"), "stream": stream,
        "messages": [{"role": "user", "content": "hi"}]});
    send(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await
}

/// An open feed and its parser.
struct Feed {
    body: Incoming,
    events: Events,
    pending: Vec<(String, String)>,
}

impl Feed {
    async fn open(gw: &Gateway, query: &str) -> Feed {
        let resp = send(
            Method::GET,
            &gw.url(&format!("/api/logs/stream?{query}")),
            &[AUTH],
            Bytes::new(),
        )
        .await;
        assert_eq!(resp.status(), 200);
        Feed {
            body: resp.into_body(),
            events: Events::default(),
            pending: Vec::new(),
        }
    }

    /// The next `batch` event.
    async fn batch(&mut self) -> Value {
        tokio::time::timeout(PATIENCE, async {
            loop {
                if !self.pending.is_empty() {
                    let (name, data) = self.pending.remove(0);
                    assert_eq!(name, "batch", "a batched feed sends only batches");
                    return serde_json::from_str(&data).unwrap();
                }
                let frame = self.body.frame().await.expect("feed open").unwrap();
                if let Ok(data) = frame.into_data() {
                    self.pending.extend(self.events.push(&data));
                }
            }
        })
        .await
        .expect("a batch in time")
    }

    /// Batches until they have counted `n` records, summed.
    async fn sum_until(&mut self, n: u64, max_records: usize) -> Totals {
        let mut t = Totals::default();
        while t.matched < n {
            let b = self.batch().await;
            let matched = b["matched"].as_u64().unwrap();
            let records = b["records"].as_array().unwrap();
            assert_eq!(records.len() as u64, matched.min(max_records as u64), "{b}");
            let (p50, p95, p99) = (
                b["latency_ms"]["p50"].as_f64().unwrap(),
                b["latency_ms"]["p95"].as_f64().unwrap(),
                b["latency_ms"]["p99"].as_f64().unwrap(),
            );
            assert!(p50 <= p95 && p95 <= p99, "{b}");
            assert_eq!(matched > 0, p50 > 0.0, "{b}");
            t.matched += matched;
            t.errors += b["errors"].as_u64().unwrap();
            t.input += b["input_tokens"].as_u64().unwrap();
            t.output += b["output_tokens"].as_u64().unwrap();
            t.cost += b["cost"].as_f64().unwrap();
            t.statuses.extend(
                records
                    .iter()
                    .map(|r| r["status"].as_str().unwrap().to_string()),
            );
        }
        t
    }
}

#[derive(Default, Debug)]
struct Totals {
    matched: u64,
    errors: u64,
    input: u64,
    output: u64,
    cost: f64,
    statuses: Vec<String>,
}

#[tokio::test]
async fn batches_add_up_to_the_requests_made() {
    let release = Arc::new(Notify::new());
    let up = upstream(release.clone()).await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    let mut all = Feed::open(&gw, "batch_ms=250&max_records=2").await;
    let mut errors = Feed::open(&gw, "batch_ms=250&max_records=0&status=error").await;

    for _ in 0..5 {
        assert_eq!(chat(&gw, "ok", false).await.status(), 200);
    }
    for _ in 0..2 {
        assert!(chat(&gw, "fail", false).await.status().is_server_error());
    }

    let t = all.sum_until(7, 2).await;
    assert_eq!((t.matched, t.errors), (7, 2), "{t:?}");
    assert_eq!((t.input, t.output), (15, 10), "{t:?}");
    assert!((t.cost - 5.0 * 7.0 / 1e6).abs() < 1e-12, "{t:?}");
    let e = errors.sum_until(2, 0).await;
    assert_eq!((e.matched, e.errors, e.input), (2, 2, 0), "{e:?}");
    assert!(e.statuses.is_empty(), "max_records=0 carries no record");

    // A request held mid-stream shows in flight in the next batches.
    let held = chat(&gw, "hold", true).await;
    let mut body = held.into_body();
    assert!(matches!(body.frame().await, Some(Ok(_))));
    let in_flight = tokio::time::timeout(PATIENCE, async {
        loop {
            let b = all.batch().await;
            if b["in_flight"].as_i64().unwrap() >= 1 {
                return b;
            }
        }
    })
    .await
    .expect("the held request counted in flight");
    assert_eq!(in_flight["in_flight"], 1, "{in_flight}");
    release.notify_one();
    while body.frame().await.is_some() {}
    let t = all.sum_until(1, 2).await;
    assert_eq!((t.matched, t.errors), (1, 0), "{t:?}");
}

#[tokio::test]
async fn bad_batch_parameters_are_400s_naming_them() {
    let up = upstream(Arc::new(Notify::new())).await;
    let gw = Gateway::start(&config(&up.base_url())).await;
    for (query, param) in [
        ("batch_ms=10", "batch_ms"),
        ("batch_ms=60000", "batch_ms"),
        ("batch_ms=soon", "batch_ms"),
        ("batch_ms=1000&max_records=501", "max_records"),
        ("max_records=5", "max_records"),
        ("batch_ms=1000&status=maybe", "status"),
    ] {
        let a = call(
            Method::GET,
            &gw.url(&format!("/api/logs/stream?{query}")),
            &[AUTH],
            Bytes::new(),
        )
        .await;
        assert_eq!(a.status, 400, "{query}: {}", a.text());
        let doc: Value = a.json();
        assert_eq!(doc["error"]["param"], param, "{query}: {doc}");
        assert!(
            doc["error"]["message"].as_str().unwrap().contains(param),
            "{doc}"
        );
    }
}
