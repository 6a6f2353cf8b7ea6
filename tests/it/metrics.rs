//! `GET /metrics`: what a scrape says after a scripted mix of requests, the cap on
//! client-fed label values, and who may scrape.

use std::collections::BTreeMap;
use std::time::Duration;

use bifrost::config::FileConfig;
use bifrost::hooks::Pipeline;
use bifrost::server::{routes, Access, AppState};
use bifrost::store::Store;
use http::Method;
use serde_json::{json, Value};

use crate::support::client::{call, get, post};
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{
    chat_completion_with_usage, chat_stream_events, MockUpstream, Recorded, Reply,
};

/// One sample line of a scrape: metric name, labels, value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

fn parse(scrape: &str) -> Vec<Sample> {
    scrape
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').unwrap();
            let (name, labels) = match series.split_once('{') {
                Some((n, rest)) => (n, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            let labels = labels
                .split("\",")
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap();
                    (k.to_string(), v.trim_matches('"').to_string())
                })
                .collect();
            Sample {
                name: name.to_string(),
                labels,
                value: value.parse().unwrap(),
            }
        })
        .collect()
}

/// The sum of `name` over the samples carrying every label of `with`.
fn total(samples: &[Sample], name: &str, with: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|s| s.name == name)
        .filter(|s| {
            with.iter()
                .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.value)
        .sum()
}

async fn scrape(gw: &Gateway) -> Vec<Sample> {
    let answer = get(&gw.url("/metrics")).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let content_type = answer.headers["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    parse(&answer.text())
}

/// A scrape once `requests` requests have reported and none is in flight (a stream
/// reports when its body is dropped, just after the client has read it).
async fn settled(gw: &Gateway, requests: f64) -> Vec<Sample> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let samples = scrape(gw).await;
        let reported = total(&samples, "bifrost_overhead_latency_microseconds_count", &[]);
        let in_flight = total(&samples, "bifrost_in_flight_requests", &[]);
        if reported == requests && in_flight == 0.0 {
            return samples;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{reported} of {requests} requests reported, {in_flight} in flight"
        );
        tokio::task::yield_now().await;
    }
}

/// `gpt-fail` answers 500; streams stream; the rest answer with 10 + 2 tokens.
fn scripted(r: &Recorded) -> Reply {
    match (r.body["model"].as_str(), r.body["stream"].as_bool()) {
        (Some("gpt-fail"), _) => Reply::error(500, "upstream broke"),
        (Some(model), Some(true)) => Reply::stream(chat_stream_events(model, &["one ", "two"])),
        (Some(model), _) => Reply::json(chat_completion_with_usage(model, "a b", 10, 2)),
        _ => Reply::error(400, "no model"),
    }
}

fn chat(model: &str) -> Value {
    json!({"model": model, "messages": [{"role": "user", "content": "hi"}]})
}

#[tokio::test]
async fn a_scrape_equals_the_mix_of_requests() {
    let up = MockUpstream::start(scripted).await;
    let config = format!(
        "[client]\nprometheus_labels = [\"environment=test\", \"team\"]\n{}",
        one_upstream(&up.base_url())
    );
    let gw = Gateway::start(&config).await;
    let chat_url = gw.url("/v1/chat/completions");
    for _ in 0..3 {
        let ok = call(
            Method::POST,
            &chat_url,
            &[
                ("content-type", "application/json"),
                ("x-bf-prom-team", "search"),
            ],
            serde_json::to_vec(&chat("up/gpt-ok")).unwrap(),
        )
        .await;
        assert_eq!(ok.status, 200, "{}", ok.text());
    }
    for _ in 0..2 {
        let failed = post(&chat_url, &chat("up/gpt-fail")).await;
        assert_eq!(failed.status, 502, "{}", failed.text());
    }
    let mut stream = chat("up/gpt-ok");
    stream["stream"] = json!(true);
    stream["stream_options"] = json!({"include_usage": true});
    let streamed = post(&chat_url, &stream).await;
    assert_eq!(streamed.status, 200);
    assert!(streamed.text().contains("[DONE]"));
    let anthropic = post(
        &gw.url("/anthropic/v1/messages"),
        &json!({"model": "up/gpt-ok", "max_tokens": 9, "messages": [{"role": "user", "content": "hi"}]}),
    )
    .await;
    assert_eq!(anthropic.status, 200, "{}", anthropic.text());
    let bad = call(
        Method::POST,
        &chat_url,
        &[("content-type", "application/json")],
        "{not json",
    )
    .await;
    assert_eq!(bad.status, 400);

    let s = settled(&gw, 8.0).await;
    let ok = [("provider", "up"), ("model", "gpt-ok")];
    let openai_ok = [("provider", "up"), ("model", "gpt-ok"), ("route", "openai")];
    // Successes: 3 plain + 1 stream on /v1, 1 on /anthropic; nothing else succeeded.
    assert_eq!(total(&s, "bifrost_success_requests_total", &[]), 5.0);
    assert_eq!(total(&s, "bifrost_success_requests_total", &openai_ok), 4.0);
    assert_eq!(
        total(
            &s,
            "bifrost_success_requests_total",
            &[("route", "anthropic")]
        ),
        1.0
    );
    assert_eq!(
        total(&s, "bifrost_success_requests_total", &[("team", "search")]),
        3.0
    );
    // Errors: 2 upstream failures and the bad JSON, each with its reason.
    assert_eq!(total(&s, "bifrost_error_requests_total", &[]), 3.0);
    let failed = [
        ("model", "gpt-fail"),
        ("provider", "up"),
        ("reason", "upstream_error"),
    ];
    assert_eq!(total(&s, "bifrost_error_requests_total", &failed), 2.0);
    assert_eq!(
        total(
            &s,
            "bifrost_error_requests_total",
            &[("provider", ""), ("reason", "invalid_request_error")]
        ),
        1.0
    );
    // Upstream requests: every request that reached the provider, once each.
    assert_eq!(total(&s, "bifrost_upstream_requests_total", &[]), 7.0);
    assert_eq!(
        total(&s, "bifrost_upstream_requests_total", &failed[..2]),
        2.0
    );
    assert_eq!(
        total(&s, "bifrost_upstream_latency_seconds_count", &[]),
        7.0
    );
    // Tokens: 10 in, 2 out for each of the 5 answers.
    assert_eq!(total(&s, "bifrost_input_tokens_total", &ok), 50.0);
    assert_eq!(total(&s, "bifrost_output_tokens_total", &ok), 10.0);
    assert_eq!(total(&s, "bifrost_input_tokens_total", &[]), 50.0);
    // Time to first token: the one stream.
    assert_eq!(
        total(&s, "bifrost_time_to_first_token_seconds_count", &[]),
        1.0
    );
    assert_eq!(total(&s, "bifrost_log_records_dropped_total", &[]), 0.0);
    // The gateway's own time was measured for every request, and is less than the
    // requests' whole time.
    assert_eq!(
        total(&s, "bifrost_overhead_latency_microseconds_count", &[]),
        8.0
    );
    let overhead_us = total(&s, "bifrost_overhead_latency_microseconds_sum", &[]);
    assert!(overhead_us > 0.0);
    // The static label is on every series of bifrost's own metrics.
    for sample in s.iter().filter(|s| s.name.starts_with("bifrost_")) {
        assert_eq!(
            sample.labels.get("environment").map(String::as_str),
            Some("test"),
            "{sample:?}"
        );
    }
}

#[tokio::test]
async fn client_fed_label_values_are_capped() {
    let up = MockUpstream::start(scripted).await;
    let config = format!(
        "[client]\nprometheus_labels = [\"team\"]\nprometheus_label_cap = 3\n{}",
        one_upstream(&up.base_url())
    );
    let gw = Gateway::start(&config).await;
    // A value with quotes cannot break out of its label (it takes the first slot).
    let sneaky = call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &[
            ("content-type", "application/json"),
            ("x-bf-prom-team", "a\"} 1 # fake{x=\"2"),
        ],
        serde_json::to_vec(&chat("up/gpt-ok")).unwrap(),
    )
    .await;
    assert_eq!(sneaky.status, 200);
    for i in 0..7 {
        let team = format!("team-{i}");
        let ok = call(
            Method::POST,
            &gw.url("/v1/chat/completions"),
            &[
                ("content-type", "application/json"),
                ("x-bf-prom-team", &team),
            ],
            serde_json::to_vec(&chat("up/gpt-ok")).unwrap(),
        )
        .await;
        assert_eq!(ok.status, 200);
    }
    let s = settled(&gw, 8.0).await;
    let mut successes: Vec<(String, f64)> = s
        .iter()
        .filter(|s| s.name == "bifrost_success_requests_total")
        .map(|s| (s.labels["team"].clone(), s.value))
        .collect();
    successes.sort_by(|a, b| a.0.cmp(&b.0));
    let sneaky = r#"a\"} 1 # fake{x=\"2"#;
    assert_eq!(
        successes,
        [
            (sneaky.to_string(), 1.0),
            ("other".to_string(), 5.0),
            ("team-0".to_string(), 1.0),
            ("team-1".to_string(), 1.0),
        ]
    );
    assert!(!s.iter().any(|s| s.name.contains("fake")));
}

/// A state like the gateway's, for serving one router on a socket of the test's own.
async fn state(toml: &str) -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().unwrap();
    let config = FileConfig::parse(toml).unwrap();
    let store = Store::open(dir.path()).unwrap();
    let state = AppState::new(
        std::sync::Arc::new(store),
        config.client.clone(),
        config.admin.token.clone(),
        Pipeline::default(),
        &config.pricing,
        &config.otel,
    )
    .unwrap();
    (dir, state)
}

/// Serves the router remote TCP clients get on 127.0.0.1:0; returns its /metrics URL.
async fn serve_as_network(state: AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, routes(state, Access::Network)).await;
    });
    format!("http://{addr}/metrics")
}

#[tokio::test]
async fn metrics_are_open_on_loopback_and_need_the_admin_token_elsewhere() {
    let token = "[admin]\ntoken = \"admin-secret\"\n";
    let gw = Gateway::start(token).await;
    // The gateway's own listener sees a loopback peer: no token needed.
    assert_eq!(get(&gw.url("/metrics")).await.status, 200);
    // ... but /api still needs one there.
    assert_eq!(get(&gw.url("/api/providers")).await.status, 401);

    let (_dir, remote) = state(token).await;
    let url = serve_as_network(remote).await;
    let refused = get(&url).await;
    assert_eq!(refused.status, 401, "{}", refused.text());
    assert!(!refused.text().contains("bifrost_"));
    let with_token = call(
        Method::GET,
        &url,
        &[("authorization", "Bearer admin-secret")],
        "",
    )
    .await;
    assert_eq!(with_token.status, 200);
    assert!(with_token.text().contains("bifrost_in_flight_requests"));
    let wrong = call(Method::GET, &url, &[("authorization", "Bearer nope")], "").await;
    assert_eq!(wrong.status, 401);

    // No admin token at all: closed to remote clients, as /api is.
    let (_dir, closed) = state("").await;
    assert_eq!(get(&serve_as_network(closed).await).await.status, 403);

    // Listed in client.whitelisted_routes: open to remote clients without a token.
    let (_dir, listed) = state(&format!(
        "[client]\nwhitelisted_routes = [\"/metrics\"]\n{token}"
    ))
    .await;
    let open = get(&serve_as_network(listed).await).await;
    assert_eq!(open.status, 200);
    assert!(open.text().contains("bifrost_in_flight_requests"));
}
