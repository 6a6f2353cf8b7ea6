//! The request-log query figures (`bench/logs_query.sh` runs this, optimised): seeds
//! 1,000,000 records over the last 24 hours into a fresh log store and times the
//! issue's queries. Ignored in the normal suite: it takes minutes and is a
//! measurement, not a check.

use std::time::{Duration, Instant};

use bifrost::admin::logs::{self, parse_query};
use bifrost::store::{format_micros, LogContent, LogRecord, LogStore, Status};
use serde_json::json;

const PROVIDERS: [&str; 4] = ["openai", "anthropic", "gemini", "groq"];
const MODELS: [&str; 8] = ["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"];

fn record(i: u64, at: u64) -> LogRecord {
    // Errors spread over every provider and model (i / 7 is not aligned with i % 4).
    let error = (i / 7) % 20 == 0;
    // One record in 5,000 mentions the searched word.
    let topic = if i % 5000 == 7 { "zanzibar" } else { "weather" };
    LogRecord {
        id: format!("req-{i:08}"),
        timestamp: at,
        latency_ms: 200.0 + (i % 1000) as f64,
        ttft_ms: None,
        route: "openai".into(),
        request_type: "chat_completion".into(),
        provider: Some(PROVIDERS[(i % 4) as usize].into()),
        key_name: Some("default".into()),
        model_requested: MODELS[(i % 8) as usize].into(),
        model: Some(MODELS[(i % 8) as usize].into()),
        virtual_key_name: Some(format!("vk-{}", i % 16)),
        status: if error {
            Status::Error
        } else {
            Status::Success
        },
        http_status: if error { 502 } else { 200 },
        error_type: error.then(|| "upstream_error".into()),
        error_message: error.then(|| "provider `openai`: the upstream answered 500".into()),
        input_tokens: 40 + i % 100,
        output_tokens: 20 + i % 50,
        cost: Some(0.0001 * (i % 7) as f64),
        content: Some(LogContent {
            request: Some(json!({"model": "m", "messages": [
                {"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": format!("Tell me about the {topic} today, request {i}.")}]}).into()),
            response: Some(json!({"choices": [{"message": {"role": "assistant",
                "content": format!("Here is what I know about the {topic}: it is fine.")}}]}).into()),
        }),
        ..LogRecord::default()
    }
}

fn time(label: &str, runs: usize, mut f: impl FnMut() -> String) {
    let mut took: Vec<Duration> = Vec::new();
    let mut note = f(); // warm-up
    for _ in 0..runs {
        let t = Instant::now();
        note = f();
        took.push(t.elapsed());
    }
    took.sort();
    println!(
        "| {label} | {:.1} ms | {:.1} ms | {note} |",
        took[runs / 2].as_secs_f64() * 1000.0,
        took[runs - 1].as_secs_f64() * 1000.0
    );
}

fn q(pairs: &[(&str, String)]) -> logs::LogQuery {
    let params: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    parse_query(&params).unwrap()
}

#[test]
#[ignore = "a measurement: run bench/logs_query.sh"]
fn logs_query_figures() {
    let n: u64 = std::env::var("BENCH_LOG_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let store = LogStore::open(dir.path()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64;
    let day = 86_400_000_000u64;
    let step = day / n;
    let start = now - day;
    let t = Instant::now();
    let batch = 10_000;
    for b in 0..n.div_ceil(batch) {
        let mut records: Vec<LogRecord> = (b * batch..((b + 1) * batch).min(n))
            .map(|i| record(i, start + i * step))
            .collect();
        store.append(&mut records).unwrap();
    }
    let seeded = t.elapsed();
    let size = std::fs::metadata(store.path()).unwrap().len();
    println!(
        "records: {n}; seeded in {:.1} s ({:.0} records/s, batches of {batch})",
        seeded.as_secs_f64(),
        n as f64 / seeded.as_secs_f64()
    );
    println!(
        "store file: {:.1} MiB, {:.0} bytes per record (content included)",
        size as f64 / 1048576.0,
        size as f64 / n as f64
    );
    println!();
    println!("| query | median | slowest | result |");
    println!("|---|---|---|---|");
    let runs = 7;

    let newest = q(&[]);
    time("newest page of 50, unfiltered (page only)", runs, || {
        format!(
            "{} records",
            store
                .page(&newest.filter, newest.spec, false)
                .unwrap()
                .len()
        )
    });
    time(
        "newest page of 50, unfiltered, with total_count and stats (`GET /api/logs`)",
        runs,
        || {
            let l = logs::list(&store, &newest).unwrap();
            format!("{} of {}", l.logs.len(), l.pagination.total_count)
        },
    );
    let filtered = q(&[
        ("providers", "anthropic".into()),
        ("status", "error".into()),
    ]);
    time(
        "provider + status=error, page of 50 (page only)",
        runs,
        || {
            format!(
                "{} records",
                store
                    .page(&filtered.filter, filtered.spec, false)
                    .unwrap()
                    .len()
            )
        },
    );
    time(
        "provider + status=error, with total_count and stats (`GET /api/logs`)",
        runs,
        || {
            let l = logs::list(&store, &filtered).unwrap();
            format!("{} of {}", l.logs.len(), l.pagination.total_count)
        },
    );
    time(
        "provider + status=error, totals by walking every match (how they were counted before the hourly cube)",
        runs,
        || {
            let s = store.summarize(&filtered.filter, true).unwrap();
            format!("{} records", s.count)
        },
    );
    let last_day = q(&[("start_time", format_micros(now - day))]);
    time(
        "stats over the last 24 h (count, error rate, p50/p95/p99, tokens, cost)",
        runs,
        || {
            let s = logs::stats(&store, &last_day, now).unwrap();
            format!("{} records, p99 {:.0} ms", s.count, s.latency_ms.p99)
        },
    );
    let recent = start + (n - 100_000.min(n)) * step;
    let search = q(&[
        ("start_time", format_micros(recent)),
        ("content_search", "zanzibar".into()),
    ]);
    time(
        "content_search over the last 100,000 records, with total_count (`GET /api/logs`)",
        runs,
        || {
            let l = logs::list(&store, &search).unwrap();
            format!("{} of {}", l.logs.len(), l.pagination.total_count)
        },
    );

    // Compaction after the older half expires: what an operator's `bifrost logs
    // compact` (or the server after a large retention sweep) gives back, and for how
    // long it holds the store.
    let expired = bifrost::store::LogFilter {
        end: Some(start + day / 2),
        ..Default::default()
    };
    let t = Instant::now();
    let deleted = store.delete(&expired, 10_000).unwrap();
    let deleting = t.elapsed();
    let c = store.compact(Duration::from_secs(5)).unwrap();
    println!();
    println!(
        "compaction after expiring {deleted} records (deleted in {:.1} s): {:.1} MiB -> {:.1} MiB, store held {} ms",
        deleting.as_secs_f64(),
        c.bytes_before as f64 / 1048576.0,
        c.bytes_after as f64 / 1048576.0,
        c.took_ms
    );
}

/// The writer's cost per record: 100,000 records with ~2 KB of content appended in
/// batches of 512, as the log writer hands them over. Relative only (wall time on a
/// shared machine); callgrind on a release build gives the instructions.
#[test]
#[ignore = "a measurement: run bench/logs_query.sh"]
fn logs_append_cost() {
    let dir = tempfile::tempdir().unwrap();
    let store = LogStore::open(dir.path()).unwrap();
    let n = 100_000u64;
    let padding = "x".repeat(1600);
    let mut records: Vec<LogRecord> = (0..n)
        .map(|i| {
            let mut r = record(i, 1_764_763_200_000_000 + i * 1000);
            r.id = uuid::Uuid::now_v7().to_string();
            if let Some(c) = &mut r.content {
                c.response = Some(json!({"text": padding}).into());
            }
            r
        })
        .collect();
    let t = Instant::now();
    for chunk in records.chunks_mut(512) {
        store.append(chunk).unwrap();
    }
    let took = t.elapsed();
    let size = std::fs::metadata(store.path()).unwrap().len();
    println!(
        "append: {n} records with ~2 KB content in batches of 512: {:.1} µs per record, {:.0} bytes per record",
        took.as_secs_f64() * 1e6 / n as f64,
        size as f64 / n as f64
    );
}
