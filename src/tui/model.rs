//! The data `bifrost top` shows, read leniently from the management API's JSON.
//!
//! The log and health APIs grow alongside the dashboard, so figures are looked up
//! under the names issue 10 gives (and a few close variants) and a missing field shows
//! as "-" instead of failing the screen.

use std::collections::VecDeque;

use serde_json::Value;

use crate::admin::logs_batch::{Batch, Tally};

/// What a fetch of an optional endpoint found.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Avail<T> {
    /// Nothing fetched yet.
    #[default]
    Waiting,
    /// The server has no such endpoint (404): an older or smaller server.
    Missing,
    /// The data.
    Ready(T),
}

impl<T> Avail<T> {
    /// The data, when there is some.
    pub fn ready(&self) -> Option<&T> {
        match self {
            Avail::Ready(t) => Some(t),
            _ => None,
        }
    }
}

/// The first number found under any of `pointers` (JSON pointers).
pub fn num(v: &Value, pointers: &[&str]) -> Option<f64> {
    pointers.iter().find_map(|p| {
        let found = v.pointer(p)?;
        found
            .as_f64()
            .or_else(|| found.as_str().and_then(|s| s.parse().ok()))
    })
}

/// The string under `pointer`, or "" when absent.
pub fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// A number for a table cell: "-" when unknown.
pub fn cell(n: Option<f64>, decimals: usize) -> String {
    n.map_or_else(|| "-".to_string(), |n| format!("{n:.decimals$}"))
}

/// Milliseconds: a decimal below 10 ms, where the gateway's own latencies live.
pub fn ms(n: Option<f64>) -> String {
    match n {
        Some(n) if n < 10.0 => format!("{n:.1}"),
        n => cell(n, 0),
    }
}

/// Dollars: more decimals for the small sums one request costs.
pub fn usd(n: Option<f64>) -> String {
    match n {
        None => "-".to_string(),
        Some(n) if n.abs() < 1.0 => format!("${n:.4}"),
        Some(n) => format!("${n:.2}"),
    }
}

/// One window's aggregate from `GET /api/logs/stats`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Requests in the window.
    pub count: f64,
    /// Share of requests that failed, 0..1.
    pub error_rate: Option<f64>,
    /// Latency percentiles in ms.
    pub p50: Option<f64>,
    /// 95th percentile latency, ms.
    pub p95: Option<f64>,
    /// 99th percentile latency, ms.
    pub p99: Option<f64>,
    /// Median time to first token, ms (streams).
    pub ttft: Option<f64>,
    /// 95th percentile time to first token, ms.
    pub ttft_p95: Option<f64>,
    /// 99th percentile time to first token, ms.
    pub ttft_p99: Option<f64>,
    /// Tokens in and out.
    pub tokens: Option<f64>,
    /// Spend, USD.
    pub cost: Option<f64>,
}

impl Stats {
    /// Reads the stats answer (fields as issue 10 names them, nested or flat).
    pub fn parse(v: &Value) -> Stats {
        let v = v.get("stats").unwrap_or(v);
        let error_rate = num(v, &["/error_rate", "/errors/rate"]).or_else(|| {
            // The reference reports `success_rate` as a percentage.
            num(v, &["/success_rate"]).map(|s| if s > 1.0 { 1.0 - s / 100.0 } else { 1.0 - s })
        });
        let pct = |name: &str| {
            num(
                v,
                &[
                    &format!("/latency/{name}"),
                    &format!("/latency_{name}"),
                    &format!("/{name}_latency"),
                    &format!("/latency_ms/{name}"),
                    &format!("/{name}"),
                ],
            )
        };
        Stats {
            count: num(v, &["/total_requests", "/count", "/requests"]).unwrap_or(0.0),
            error_rate: error_rate.map(|r| if r > 1.0 { r / 100.0 } else { r }),
            p50: pct("p50"),
            p95: pct("p95"),
            p99: pct("p99"),
            ttft: num(
                v,
                &[
                    "/ttft/p50",
                    "/ttft_p50",
                    "/ttft_ms/p50",
                    "/average_ttft",
                    "/ttft_ms",
                ],
            ),
            ttft_p95: None,
            ttft_p99: None,
            tokens: num(v, &["/total_tokens", "/tokens/total", "/tokens"]),
            cost: num(v, &["/total_cost", "/cost"]),
        }
    }

    /// The figures of one interval of the live feed. A percentile of an empty
    /// interval is unknown, not 0 ms.
    pub fn from_batch<R>(b: &Batch<R>) -> Stats {
        let some = |v: f64| Some(v).filter(|_| b.matched > 0);
        let streamed = |v: f64| Some(v).filter(|v| *v > 0.0);
        Stats {
            count: b.matched as f64,
            error_rate: Some(if b.matched == 0 {
                0.0
            } else {
                b.errors as f64 / b.matched as f64
            }),
            p50: some(b.latency_ms.p50),
            p95: some(b.latency_ms.p95),
            p99: some(b.latency_ms.p99),
            ttft: streamed(b.ttft_ms.p50),
            ttft_p95: streamed(b.ttft_ms.p95),
            ttft_p99: streamed(b.ttft_ms.p99),
            tokens: Some((b.input_tokens + b.output_tokens) as f64),
            cost: Some(b.cost),
        }
    }
}

/// One point of the overview's charts: the last few seconds' traffic.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sample {
    /// Requests per second.
    pub rps: f64,
    /// Share failed, 0..1.
    pub error_rate: f64,
    /// Latency percentiles, ms.
    pub p50: f64,
    /// 95th percentile, ms.
    pub p95: f64,
    /// 99th percentile, ms.
    pub p99: f64,
    /// Time to first token, ms.
    pub ttft: f64,
    /// Tokens per second.
    pub tokens_per_s: f64,
}

impl Sample {
    /// A sample from the stats of a window `secs` long.
    pub fn from_stats(s: &Stats, secs: f64) -> Sample {
        Sample {
            rps: s.count / secs,
            error_rate: s.error_rate.unwrap_or(0.0),
            p50: s.p50.unwrap_or(0.0),
            p95: s.p95.unwrap_or(0.0),
            p99: s.p99.unwrap_or(0.0),
            ttft: s.ttft.unwrap_or(0.0),
            tokens_per_s: s.tokens.unwrap_or(0.0) / secs,
        }
    }
}

/// The overview's live figures: a history of samples plus the spend totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Live {
    /// One sample per poll, oldest first, at most [`Live::KEEP`].
    pub history: VecDeque<Sample>,
    /// Stats of the latest short window.
    pub now: Option<Stats>,
    /// Spend since midnight UTC.
    pub today: Option<f64>,
    /// Spend since the 1st of the month, UTC.
    pub month: Option<f64>,
    /// Requests in flight as the last batch was sent.
    pub in_flight: Option<f64>,
    /// Each batch's requests and cost per model and per provider, counted by the
    /// server over every record, oldest first, at most [`Live::KEEP`].
    pub tallies: VecDeque<[Vec<Tally>; 2]>,
}

impl Live {
    /// Seconds between two samples: one per batch of the live feed
    /// (`super::tail::BATCH_MS`).
    pub const EVERY_SECS: usize = 1;

    /// An hour of samples.
    pub const KEEP: usize = 3600 / Self::EVERY_SECS;

    /// Appends a sample, dropping the oldest past [`Live::KEEP`].
    pub fn push(&mut self, s: Sample) {
        if self.history.len() == Self::KEEP {
            self.history.pop_front();
        }
        self.history.push_back(s);
    }

    /// Takes one interval of the live feed: a sample for the charts, the figures of
    /// the moment, and its spend added to the totals until the next fetch of them.
    pub fn batch<R>(&mut self, b: &Batch<R>) {
        let now = Stats::from_batch(b);
        let secs = (b.interval_ms as f64 / 1000.0).max(0.001);
        self.push(Sample::from_stats(&now, secs));
        if self.tallies.len() == Self::KEEP {
            self.tallies.pop_front();
        }
        self.tallies
            .push_back([b.models.clone(), b.providers.clone()]);
        self.now = Some(now);
        self.in_flight = Some(b.in_flight as f64);
        for total in [&mut self.today, &mut self.month].into_iter().flatten() {
            *total += b.cost;
        }
    }
}

/// Which ranking of [`Live::top`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ranked {
    /// By model.
    Models = 0,
    /// By provider.
    Providers = 1,
}

impl Live {
    /// The `n` busiest names over the last `batches` batches with their requests and
    /// cost, busiest first; `None` before the first batch (a server without the
    /// batched feed).
    pub fn top(
        &self,
        which: Ranked,
        batches: usize,
        n: usize,
    ) -> Option<Vec<(String, usize, f64)>> {
        if self.tallies.is_empty() {
            return None;
        }
        let mut rows: Vec<(String, usize, f64)> = Vec::new();
        let recent = self.tallies.iter().rev().take(batches);
        for t in recent.flat_map(|t| &t[which as usize]) {
            match rows.iter_mut().find(|(k, _, _)| *k == t.name) {
                Some(row) => {
                    row.1 += usize::try_from(t.requests).unwrap_or(usize::MAX);
                    row.2 += t.cost;
                }
                None => rows.push((
                    t.name.clone(),
                    usize::try_from(t.requests).unwrap_or(usize::MAX),
                    t.cost,
                )),
            }
        }
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        rows.truncate(n);
        Some(rows)
    }
}

/// Traffic and cost per name over recent records, biggest first.
pub fn top_by(logs: &[Value], field: &str, n: usize) -> Vec<(String, usize, f64)> {
    let mut rows: Vec<(String, usize, f64)> = Vec::new();
    for r in logs {
        let name = text(r, field);
        let name = if name.is_empty() { "-" } else { name };
        let cost = num(r, &["/cost"]).unwrap_or(0.0);
        match rows.iter_mut().find(|(k, _, _)| k == name) {
            Some(row) => {
                row.1 += 1;
                row.2 += cost;
            }
            None => rows.push((name.to_string(), 1, cost)),
        }
    }
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows.truncate(n);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn top_sums_the_batches_of_the_range_and_waits_for_the_first() {
        let mut live = Live::default();
        assert_eq!(
            live.top(Ranked::Models, 60, 5),
            None,
            "no feed yet: the caller falls back"
        );
        let tally = |name: &str, requests| Tally {
            name: name.into(),
            requests,
            cost: requests as f64,
        };
        for (a, b) in [(5, 1), (1, 9), (1, 9)] {
            live.batch(&Batch::<Value> {
                models: vec![tally("a", a), tally("b", b)],
                providers: vec![tally("p", a + b)],
                ..batch()
            });
        }
        assert_eq!(
            live.top(Ranked::Models, 60, 5).unwrap(),
            [("b".into(), 19, 19.0), ("a".into(), 7, 7.0)]
        );
        assert_eq!(
            live.top(Ranked::Models, 1, 1).unwrap(),
            [("b".into(), 9, 9.0)],
            "only the newest batch, and only the busiest name"
        );
        assert_eq!(live.top(Ranked::Providers, 60, 5).unwrap()[0].1, 26);
    }

    fn batch() -> Batch<Value> {
        Batch {
            interval_ms: 1000,
            matched: 0,
            lagged: 0,
            errors: 0,
            input_tokens: 0,
            output_tokens: 0,
            cost: 0.0,
            latency_ms: Default::default(),
            ttft_ms: Default::default(),
            in_flight: 0,
            models: Vec::new(),
            providers: Vec::new(),
            records: Vec::new(),
        }
    }

    #[test]
    fn stats_are_read_nested_or_flat() {
        let nested = Stats::parse(&json!({"total_requests": 10, "error_rate": 0.1,
            "latency": {"p50": 5, "p95": 9, "p99": 12}, "total_tokens": 100, "total_cost": 0.5}));
        assert_eq!(nested.count, 10.0);
        assert_eq!(nested.p95, Some(9.0));
        let flat = Stats::parse(&json!({"count": 4, "success_rate": 75.0, "latency_p99": 3}));
        assert_eq!(flat.error_rate, Some(0.25));
        assert_eq!(flat.p99, Some(3.0));
        assert_eq!(flat.cost, None);
    }

    #[test]
    fn top_counts_requests_and_sums_cost() {
        let logs = vec![
            json!({"model": "a", "cost": 0.5}),
            json!({"model": "b", "cost": 1.0}),
            json!({"model": "a", "cost": 0.25}),
        ];
        assert_eq!(
            top_by(&logs, "/model", 5),
            vec![("a".into(), 2, 0.75), ("b".into(), 1, 1.0)]
        );
    }
}
