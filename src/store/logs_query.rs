//! Queries on the request log: filtered pages, summaries, deletion.
//!
//! Every query is one walk over candidate blocks (`logs_walk.rs`); nothing decodes a
//! record's JSON but the page returned.

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use super::logs::{delete_in_block, BlockKey, Loader, LogKey, LogStore};
use super::logs_cube::{self, CubeChanges};
use super::logs_hours::{HourChanges, Tally, HOURS, HOUR_US};
use super::logs_record::{Facts, LogRecord, Status};
use super::logs_walk::{walk, Hit};
use super::StoreError;

/// Which records a query means; every field set narrows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogFilter {
    /// Served by one of these providers.
    pub providers: Vec<String>,
    /// Sent upstream as one of these models.
    pub models: Vec<String>,
    /// Ended this way.
    pub status: Option<Status>,
    /// Under one of these virtual keys (by id or name).
    pub virtual_keys: Vec<String>,
    /// Arrived at or after this time (µs since the epoch).
    pub start: Option<u64>,
    /// Arrived at or before this time (µs since the epoch).
    pub end: Option<u64>,
    /// Took at least this long (µs).
    pub min_latency_us: Option<u64>,
    /// Took at most this long (µs).
    pub max_latency_us: Option<u64>,
    /// Cost at least this much (USD).
    pub min_cost: Option<f64>,
    /// Cost at most this much (USD).
    pub max_cost: Option<f64>,
    /// The request or response content contains this text.
    pub content_search: Option<String>,
}

/// What a page is ordered by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Arrival time.
    #[default]
    Timestamp,
    /// Latency.
    Latency,
    /// Prompt plus completion tokens.
    Tokens,
    /// Cost.
    Cost,
}

/// Aggregates over the records a filter matches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Records matched.
    pub count: u64,
    /// Of them, errors.
    pub errors: u64,
    /// Sum of latencies (µs).
    pub latency_sum_us: u64,
    /// Sum of tokens.
    pub tokens: u64,
    /// Sum of costs (USD).
    pub cost: f64,
    /// Every latency (µs), when percentiles were asked for.
    pub latencies_us: Vec<u64>,
}

impl Summary {
    fn add(&mut self, f: &Facts, keep_latency: bool) {
        self.count += 1;
        self.errors += u64::from(f.error);
        self.latency_sum_us += f.latency_us;
        self.tokens += f.tokens;
        self.cost += f.cost;
        if keep_latency {
            self.latencies_us.push(f.latency_us);
        }
    }
}

/// A page's position and order.
#[derive(Debug, Clone, Copy)]
pub struct PageSpec {
    /// Ordered by.
    pub sort_by: SortBy,
    /// Descending (newest, slowest, largest first).
    pub descending: bool,
    /// Records per page.
    pub limit: usize,
    /// Records skipped.
    pub offset: usize,
}

impl LogFilter {
    /// Whether `record` (held in memory, as a live tail holds it) matches.
    pub fn matches(&self, record: &LogRecord) -> bool {
        let any = |wanted: &[String], have: &[&Option<String>]| {
            wanted.is_empty()
                || have
                    .iter()
                    .filter_map(|h| h.as_deref())
                    .any(|h| wanted.iter().any(|w| w == h))
        };
        let in_time = self.start.is_none_or(|s| record.timestamp >= s)
            && self.end.is_none_or(|e| record.timestamp <= e);
        let content = match &self.content_search {
            None => true,
            Some(text) => record.content.as_ref().is_some_and(|c| {
                let needle = json_needle(text);
                c.contains(&memchr::memmem::Finder::new(&needle))
            }),
        };
        in_time
            && any(&self.providers, &[&record.provider])
            && any(&self.models, &[&record.model])
            && any(
                &self.virtual_keys,
                &[&record.virtual_key_name, &record.virtual_key_id],
            )
            && self.status.is_none_or(|s| s == record.status)
            && self.facts_match(&record.facts())
            && content
    }

    pub(super) fn facts_match(&self, f: &Facts) -> bool {
        (self.status != Some(Status::Success) || !f.error)
            && self.min_latency_us.is_none_or(|m| f.latency_us >= m)
            && self.max_latency_us.is_none_or(|m| f.latency_us <= m)
            && self.min_cost.is_none_or(|m| f.cost >= m)
            && self.max_cost.is_none_or(|m| f.cost <= m)
    }
}

impl LogStore {
    /// The page `spec` of the records `filter` matches, with their content when
    /// `content`. In time order the walk stops at the page's end; other orders rank
    /// every match.
    pub fn page(
        &self,
        filter: &LogFilter,
        spec: PageSpec,
        content: bool,
    ) -> Result<Vec<LogRecord>, StoreError> {
        let db = self.reading()?;
        let txn = db.begin_read()?;
        let wanted = spec.offset.saturating_add(spec.limit);
        let mut hits: Vec<Hit> = Vec::new();
        let mut ranked: Vec<(f64, Hit)> = Vec::new();
        let order = (spec.sort_by == SortBy::Timestamp).then_some(spec.descending);
        walk(&txn, filter, order, |hit| {
            let rank = match spec.sort_by {
                SortBy::Timestamp => {
                    hits.push(*hit);
                    return if hits.len() < wanted {
                        ControlFlow::Continue(())
                    } else {
                        ControlFlow::Break(())
                    };
                }
                SortBy::Latency => hit.facts.latency_us as f64,
                SortBy::Tokens => hit.facts.tokens as f64,
                SortBy::Cost => hit.facts.cost,
            };
            ranked.push((rank, *hit));
            ControlFlow::Continue(())
        })?;
        if spec.sort_by != SortBy::Timestamp {
            ranked.sort_by(|a, b| {
                let o = a.0.total_cmp(&b.0).then(a.1.key.cmp(&b.1.key));
                if spec.descending {
                    o.reverse()
                } else {
                    o
                }
            });
            hits = ranked.into_iter().take(wanted).map(|(_, h)| h).collect();
        }
        let mut loader = Loader::new(&txn, content)?;
        let mut records = Vec::with_capacity(spec.limit.min(hits.len()));
        for hit in hits.into_iter().skip(spec.offset) {
            if let Some(r) = loader.load(hit.block, hit.pos)? {
                records.push(r);
            }
        }
        Ok(records)
    }

    /// The summary of the records `filter` matches; with every latency when
    /// `latencies` (for percentiles). Without percentiles, a filter on time alone adds
    /// up the hourly totals of the whole hours it covers, and one on time and indexed
    /// dimensions the hourly cube's (`logs_cube.rs`); either walks only the partial
    /// hours at its ends.
    pub fn summarize(&self, filter: &LogFilter, latencies: bool) -> Result<Summary, StoreError> {
        let db = self.reading()?;
        let txn = db.begin_read()?;
        let mut summary = Summary::default();
        let mut add = |hit: &Hit| {
            summary.add(&hit.facts, latencies);
            ControlFlow::Continue(())
        };
        let time_only = LogFilter {
            start: filter.start,
            end: filter.end,
            ..LogFilter::default()
        };
        let (lo, hi) = (filter.start.unwrap_or(0), filter.end.unwrap_or(u64::MAX));
        // Whole hours inside [lo, hi]: from the first hour starting at or after lo,
        // to the last one ending at or before hi.
        let first = lo.div_ceil(HOUR_US);
        let past = hi.saturating_add(1) / HOUR_US;
        if latencies || !filter.cube_answers() || first >= past {
            walk(&txn, filter, None, add)?;
            return Ok(summary);
        }
        let whole = if *filter == time_only {
            let mut whole = Tally::default();
            for entry in txn.open_table(HOURS)?.range(first..past)? {
                whole.merge(&Tally::decode(&entry?.1.value()));
            }
            whole
        } else {
            logs_cube::sum(&txn, filter, first, past)?
        };
        let edge = |start: u64, end: u64| LogFilter {
            start: Some(start),
            end: Some(end),
            ..filter.clone()
        };
        if first * HOUR_US > lo {
            walk(&txn, &edge(lo, first * HOUR_US - 1), None, &mut add)?;
        }
        if past * HOUR_US <= hi {
            walk(&txn, &edge(past * HOUR_US, hi), None, &mut add)?;
        }
        summary.count += whole.count;
        summary.errors += whole.errors;
        summary.latency_sum_us += whole.latency_us;
        summary.tokens += whole.tokens;
        summary.cost += whole.cost;
        Ok(summary)
    }

    /// Up to `limit` records `filter` matches, oldest first, from `after` (exclusive):
    /// for exports that page through everything.
    pub fn scan(
        &self,
        filter: &LogFilter,
        after: Option<LogKey>,
        limit: usize,
        content: bool,
    ) -> Result<Vec<(LogKey, LogRecord)>, StoreError> {
        let db = self.reading()?;
        let txn = db.begin_read()?;
        let mut narrowed = filter.clone();
        if let Some(after) = after {
            narrowed.start = Some(narrowed.start.unwrap_or(0).max(after.0));
        }
        let mut hits = Vec::new();
        walk(&txn, &narrowed, Some(false), |hit| {
            if after.is_some_and(|a| hit.key <= a) {
                return ControlFlow::Continue(());
            }
            hits.push(*hit);
            if hits.len() >= limit {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })?;
        let mut loader = Loader::new(&txn, content)?;
        let mut out = Vec::with_capacity(hits.len());
        for hit in hits {
            if let Some(r) = loader.load(hit.block, hit.pos)? {
                out.push((hit.key, r));
            }
        }
        Ok(out)
    }

    /// Deletes every record `filter` matches, in transactions of about `batch`
    /// records (whole blocks each); returns how many went.
    pub fn delete(&self, filter: &LogFilter, batch: usize) -> Result<u64, StoreError> {
        let mut by_block: BTreeMap<BlockKey, Vec<u16>> = BTreeMap::new();
        {
            let db = self.reading()?;
            let txn = db.begin_read()?;
            walk(&txn, filter, None, |hit| {
                by_block.entry(hit.block).or_default().push(hit.pos);
                ControlFlow::Continue(())
            })?;
        }
        let mut removed = 0u64;
        let mut blocks = by_block.into_iter().peekable();
        while blocks.peek().is_some() {
            let db = self.writing();
            let txn = db.begin_write()?;
            let mut changes = Default::default();
            let mut held = 0;
            while held < batch.max(1) {
                let Some((key, positions)) = blocks.next() else {
                    break;
                };
                held += positions.len();
                removed += delete_in_block(&txn, key, &positions, &mut changes)? as u64;
            }
            let (hours, cube): (HourChanges, CubeChanges) = changes;
            hours.apply(&txn)?;
            cube.apply(&txn)?;
            txn.commit()?;
        }
        Ok(removed)
    }
}

/// `text` as it appears inside a JSON string (quotes and control characters escaped),
/// so the search runs on the stored bytes without decoding them.
pub(super) fn json_needle(text: &str) -> Vec<u8> {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    let inner = quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(&quoted);
    inner.as_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::logs_hours::HOUR_US;

    fn record(i: u64) -> LogRecord {
        LogRecord {
            id: format!("r{i}"),
            // Spread over about five hours, at uneven offsets.
            timestamp: 100 * HOUR_US + i * 7_919_000_000 % (5 * HOUR_US),
            latency_ms: i as f64,
            provider: Some(["a", "b"][(i % 2) as usize].into()),
            status: if i % 3 == 0 {
                Status::Error
            } else {
                Status::Success
            },
            input_tokens: i,
            cost: Some(i as f64 / 100.0),
            virtual_key_id: Some(format!("id-{}", i % 3)),
            virtual_key_name: Some(format!("name-{}", i % 5)),
            ..LogRecord::default()
        }
    }

    #[test]
    fn hourly_totals_agree_with_a_walk_after_adds_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let store = LogStore::open(dir.path()).unwrap();
        let mut records: Vec<_> = (0..300).map(record).collect();
        store.append(&mut records).unwrap();
        let gone = LogFilter {
            providers: vec!["b".into()],
            status: Some(Status::Error),
            ..LogFilter::default()
        };
        assert_eq!(store.delete(&gone, 7).unwrap(), 50);
        let spans = [
            (None, None),
            (Some(100 * HOUR_US + 1234), Some(103 * HOUR_US + 99)),
            (Some(101 * HOUR_US), Some(102 * HOUR_US - 1)),
            (Some(101 * HOUR_US + 5), Some(101 * HOUR_US + 9_000_000)),
        ];
        // Time alone (hourly totals), and time with indexed dimensions (the cube).
        let narrowings = [
            LogFilter::default(),
            LogFilter {
                providers: vec!["a".into()],
                status: Some(Status::Error),
                ..LogFilter::default()
            },
            LogFilter {
                providers: vec!["b".into(), "a".into()],
                status: Some(Status::Success),
                ..LogFilter::default()
            },
            LogFilter {
                virtual_keys: vec!["id-1".into(), "name-2".into()],
                ..LogFilter::default()
            },
        ];
        for ((start, end), narrowing) in spans
            .into_iter()
            .flat_map(|s| narrowings.iter().map(move |n| (s, n)))
        {
            let f = LogFilter {
                start,
                end,
                ..narrowing.clone()
            };
            let fast = store.summarize(&f, false).unwrap();
            let mut walked = store.summarize(&f, true).unwrap();
            walked.latencies_us.clear();
            assert_eq!(fast.count, walked.count, "{start:?}..{end:?} {narrowing:?}");
            assert!(
                start.is_some() || fast.count > 0,
                "{narrowing:?} matches nothing"
            );
            assert_eq!(
                (fast.errors, fast.latency_sum_us, fast.tokens),
                (walked.errors, walked.latency_sum_us, walked.tokens)
            );
            assert!((fast.cost - walked.cost).abs() < 1e-9);
        }
        let all = store.summarize(&LogFilter::default(), false).unwrap();
        assert_eq!(all.count, 250);
        // Filtered pages come newest first, and stop at their end.
        let page = store
            .page(
                &LogFilter {
                    providers: vec!["a".into()],
                    ..LogFilter::default()
                },
                PageSpec {
                    sort_by: SortBy::Timestamp,
                    descending: true,
                    limit: 5,
                    offset: 2,
                },
                false,
            )
            .unwrap();
        assert_eq!(page.len(), 5);
        assert!(page.windows(2).all(|w| w[0].timestamp >= w[1].timestamp));
        assert!(page.iter().all(|r| r.provider.as_deref() == Some("a")));
    }
}
