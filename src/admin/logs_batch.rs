//! The batched live feed (`GET /api/logs/stream?batch_ms=...`): instead of one event
//! per record, one `batch` event per interval carrying the newest few records, how
//! many matched, and the interval's figures over ALL of them. A dashboard then costs
//! the same at 10 req/s and at 5,000 (measured: one event per record took `bifrost top`
//! to 55% of a core at 5k req/s). The aggregation runs in the subscriber's task on the
//! records the log writer already broadcasts, never on the request path.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::logs::{BadParam, Percentiles};
use crate::store::{LogRecord, Status};

/// Shortest interval a client may ask for: below it a batch is barely a batch.
pub const MIN_BATCH_MS: u64 = 250;
/// Longest interval: past it a "live" figure is stale.
pub const MAX_BATCH_MS: u64 = 10_000;
/// Most records one batch carries, whatever the client asks.
pub const MAX_RECORDS: usize = 500;
/// Records per batch when the client names none.
pub const DEFAULT_RECORDS: usize = 50;

/// How a client asked for batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchSpec {
    /// The interval between two batches.
    pub every: Duration,
    /// The newest records each batch carries (0: figures only).
    pub max_records: usize,
}

/// Reads `batch_ms` and `max_records`; `None` without `batch_ms` (one event per
/// record, as `bifrost logs -f` reads it).
pub fn parse_spec(params: &[(String, String)]) -> Result<Option<BatchSpec>, BadParam> {
    let get = |name: &str| params.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v);
    let max_records = get("max_records")
        .map(|v| {
            v.parse::<usize>()
                .ok()
                .filter(|n| *n <= MAX_RECORDS)
                .ok_or_else(|| {
                    bad(
                        "max_records",
                        format!(
                            "`{}` is not a whole number from 0 to {MAX_RECORDS}",
                            crate::config::shorten(v)
                        ),
                    )
                })
        })
        .transpose()?;
    let Some(ms) = get("batch_ms") else {
        return match max_records {
            Some(_) => Err(bad("max_records", "needs batch_ms (it caps each batch)")),
            None => Ok(None),
        };
    };
    let ms = ms
        .parse::<u64>()
        .ok()
        .filter(|ms| (MIN_BATCH_MS..=MAX_BATCH_MS).contains(ms))
        .ok_or_else(|| {
            bad(
                "batch_ms",
                format!(
                    "`{}` is not a number of milliseconds from {MIN_BATCH_MS} to {MAX_BATCH_MS}",
                    crate::config::shorten(ms)
                ),
            )
        })?;
    Ok(Some(BatchSpec {
        every: Duration::from_millis(ms),
        max_records: max_records.unwrap_or(DEFAULT_RECORDS),
    }))
}

fn bad(param: &'static str, message: impl Into<String>) -> BadParam {
    BadParam {
        param,
        message: message.into(),
    }
}

/// One `batch` event: an interval of the feed. `R` is [`LogRecord`] on the server and
/// whatever a client reads records as (`serde_json::Value` in `bifrost top`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch<R> {
    /// The interval's length, in milliseconds.
    pub interval_ms: u64,
    /// Records that matched the filters in the interval (all of them, not only those
    /// carried in `records`).
    pub matched: u64,
    /// Records this subscriber missed because it fell behind the writer: counted in
    /// no figure below.
    #[serde(default)]
    pub lagged: u64,
    /// Of `matched`, the failed ones.
    pub errors: u64,
    /// Prompt tokens over `matched`.
    pub input_tokens: u64,
    /// Completion tokens over `matched`.
    pub output_tokens: u64,
    /// US dollars over `matched` (records without a price count nothing).
    pub cost: f64,
    /// Latency over `matched`, in milliseconds.
    pub latency_ms: Percentiles,
    /// Time to first token over the streamed requests of `matched`, in milliseconds.
    pub ttft_ms: Percentiles,
    /// Requests being served as the batch was sent (`bifrost_in_flight_requests`).
    pub in_flight: i64,
    /// Requests and cost per model over `matched`, busiest first.
    #[serde(default)]
    pub models: Vec<Tally>,
    /// Requests and cost per provider over `matched`, busiest first.
    #[serde(default)]
    pub providers: Vec<Tally>,
    /// The newest matching records, newest first, at most the asked `max_records`.
    pub records: Vec<R>,
}

/// One name's share of an interval: what the dashboard ranks as top models and
/// providers, counted over every record rather than the few a batch carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// The model or provider (`-` when the record names none).
    pub name: String,
    /// Requests.
    pub requests: u64,
    /// US dollars.
    pub cost: f64,
}

/// Most names one batch ranks per dimension; an interval rarely sees more.
pub const MAX_TALLIES: usize = 20;

/// The figures of the interval being collected.
#[derive(Debug)]
pub struct Window {
    max_records: usize,
    newest: VecDeque<Arc<LogRecord>>,
    matched: u64,
    lagged: u64,
    errors: u64,
    input_tokens: u64,
    output_tokens: u64,
    cost: f64,
    latencies: Vec<f64>,
    ttfts: Vec<f64>,
    models: HashMap<String, (u64, f64)>,
    providers: HashMap<String, (u64, f64)>,
}

impl Window {
    /// An empty interval keeping the newest `max_records` records.
    pub fn new(max_records: usize) -> Window {
        Window {
            max_records,
            newest: VecDeque::with_capacity(max_records),
            matched: 0,
            lagged: 0,
            errors: 0,
            input_tokens: 0,
            output_tokens: 0,
            cost: 0.0,
            latencies: Vec::new(),
            ttfts: Vec::new(),
            models: HashMap::new(),
            providers: HashMap::new(),
        }
    }

    /// Counts one matching record.
    pub fn add(&mut self, r: Arc<LogRecord>) {
        self.matched += 1;
        self.errors += u64::from(r.status == Status::Error);
        self.input_tokens += r.input_tokens;
        self.output_tokens += r.output_tokens;
        self.cost += r.cost.unwrap_or(0.0);
        self.latencies.push(r.latency_ms);
        if let Some(t) = r.ttft_ms {
            self.ttfts.push(t);
        }
        let cost = r.cost.unwrap_or(0.0);
        for (tallies, name) in [
            (&mut self.models, &r.model),
            (&mut self.providers, &r.provider),
        ] {
            let name = name.as_deref().unwrap_or("-");
            let entry = match tallies.get_mut(name) {
                Some(entry) => entry,
                None => tallies.entry(name.to_string()).or_default(),
            };
            entry.0 += 1;
            entry.1 += cost;
        }
        if self.max_records == 0 {
            return;
        }
        if self.newest.len() == self.max_records {
            self.newest.pop_front();
        }
        self.newest.push_back(r);
    }

    /// Counts `n` records this subscriber missed.
    pub fn lagged(&mut self, n: u64) {
        self.lagged += n;
    }

    /// The interval's batch; the window starts over.
    pub fn flush(&mut self, interval_ms: u64, in_flight: i64) -> Batch<LogRecord> {
        let done = std::mem::replace(self, Window::new(self.max_records));
        Batch {
            interval_ms,
            matched: done.matched,
            lagged: done.lagged,
            errors: done.errors,
            input_tokens: done.input_tokens,
            output_tokens: done.output_tokens,
            cost: done.cost,
            latency_ms: percentiles(done.latencies),
            ttft_ms: percentiles(done.ttfts),
            in_flight,
            models: ranked(done.models),
            providers: ranked(done.providers),
            records: done
                .newest
                .into_iter()
                .rev()
                .map(Arc::unwrap_or_clone)
                .collect(),
        }
    }
}

/// The busiest [`MAX_TALLIES`] names, busiest first (then by name, so ties read the
/// same every time).
fn ranked(tallies: HashMap<String, (u64, f64)>) -> Vec<Tally> {
    let mut out: Vec<Tally> = tallies
        .into_iter()
        .map(|(name, (requests, cost))| Tally {
            name,
            requests,
            cost,
        })
        .collect();
    out.sort_by(|a, b| {
        b.requests
            .cmp(&a.requests)
            .then_with(|| a.name.cmp(&b.name))
    });
    out.truncate(MAX_TALLIES);
    out
}

/// Nearest-rank percentiles and the mean, as `GET /api/logs/stats` computes them.
fn percentiles(mut v: Vec<f64>) -> Percentiles {
    let n = v.len();
    if n == 0 {
        return Percentiles::default();
    }
    let average = v.iter().sum::<f64>() / n as f64;
    let mut pick = |p: f64| {
        let i = ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
        *v.select_nth_unstable_by(i, f64::total_cmp).1
    };
    Percentiles {
        p50: pick(0.50),
        p95: pick(0.95),
        p99: pick(0.99),
        average,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn record(id: &str, latency_ms: f64, failed: bool) -> Arc<LogRecord> {
        Arc::new(LogRecord {
            id: id.into(),
            latency_ms,
            ttft_ms: Some(latency_ms / 2.0),
            status: if failed {
                Status::Error
            } else {
                Status::Success
            },
            input_tokens: 3,
            output_tokens: 4,
            cost: Some(0.5),
            ..LogRecord::default()
        })
    }

    #[test]
    fn the_window_counts_everything_but_keeps_only_the_newest() {
        let mut w = Window::new(2);
        for i in 1..=100 {
            w.add(record(&i.to_string(), i as f64, i % 10 == 0));
        }
        w.lagged(7);
        let b = w.flush(1000, 3);
        assert_eq!(
            (b.matched, b.errors, b.lagged, b.in_flight),
            (100, 10, 7, 3)
        );
        assert_eq!((b.input_tokens, b.output_tokens), (300, 400));
        assert_eq!(b.cost, 50.0);
        assert_eq!(
            (b.latency_ms.p50, b.latency_ms.p95, b.latency_ms.p99),
            (50.0, 95.0, 99.0)
        );
        assert_eq!(b.ttft_ms.p99, 49.5);
        let ids: Vec<&str> = b.records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["100", "99"]);
        let next = w.flush(1000, 0);
        assert_eq!((next.matched, next.records.len()), (0, 0), "starts over");
    }

    #[test]
    fn models_and_providers_are_ranked_over_every_record_not_only_those_carried() {
        let mut w = Window::new(1);
        for i in 0..30 {
            let mut r = (*record(&i.to_string(), 1.0, false)).clone();
            r.model = Some(if i % 3 == 0 { "small" } else { "big" }.into());
            r.provider = (i % 5 != 0).then(|| "openai".to_string());
            w.add(Arc::new(r));
        }
        let b = w.flush(1000, 0);
        let rank = |t: &[Tally]| -> Vec<(String, u64, f64)> {
            t.iter()
                .map(|t| (t.name.clone(), t.requests, t.cost))
                .collect()
        };
        assert_eq!(
            rank(&b.models),
            [("big".into(), 20, 10.0), ("small".into(), 10, 5.0)]
        );
        assert_eq!(
            rank(&b.providers),
            [("openai".into(), 24, 12.0), ("-".into(), 6, 3.0)],
            "a record with no provider counts as `-`"
        );
        assert_eq!(b.records.len(), 1);
    }

    #[test]
    fn bad_batch_params_name_themselves() {
        for (pairs, param) in [
            (vec![("batch_ms", "100")], "batch_ms"),
            (vec![("batch_ms", "soon")], "batch_ms"),
            (
                vec![("batch_ms", "1000"), ("max_records", "501")],
                "max_records",
            ),
            (vec![("max_records", "5")], "max_records"),
        ] {
            let e = parse_spec(&params(&pairs)).unwrap_err();
            assert_eq!(e.param, param, "{e}");
        }
        assert_eq!(parse_spec(&params(&[])).unwrap(), None);
        assert_eq!(
            parse_spec(&params(&[("batch_ms", "250"), ("max_records", "0")])).unwrap(),
            Some(BatchSpec {
                every: Duration::from_millis(250),
                max_records: 0
            })
        );
    }
}
