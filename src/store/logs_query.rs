//! Queries on the request log: filtered pages, summaries, deletion.
//!
//! Every query walks candidate blocks from one source: the index of the most
//! selective dimension filtered on (virtual key, then errors, then model, then
//! provider), which names the blocks and positions holding a value, or every block of
//! the time range when no indexed dimension is. Within a block the other dimensions
//! are checked on its dictionary, latency and cost on the 28-byte facts, and content
//! search last, on the block's content alone. Nothing decodes a record's JSON but the
//! page returned.
//!
//! Blocks overlap in time, so walks that must be in time order merge them: a block's
//! key is its newest timestamp, so walking newest first, a record newer than the
//! next block's key comes before everything not yet read; walking oldest first, a
//! record older than the next block's key minus the widest block span does.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::ops::ControlFlow;

use redb::ReadTransaction;

use super::logs::{
    corrupt, delete_in_block, index_key, key_of_index, positions, record_key, vk_name_key,
    BlockKey, Dim, Loader, LogKey, LogStore, BLOCKS, CONTENTS, INDEX, INFO, SPAN, VK_NAMES,
};
use super::logs_block::{FactsBlock, Field};
use super::logs_chunks::ChunkReader;
use super::logs_cube::{self, CubeChanges};
use super::logs_hours::{HourChanges, Tally, HOURS, HOUR_US};
use super::logs_record::{Facts, LogRecord, Status, FACTS_LEN};
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

    fn facts_match(&self, f: &Facts) -> bool {
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

/// One record a walk matched.
#[derive(Debug, Clone, Copy)]
struct Hit {
    /// Its place in time order.
    key: LogKey,
    block: BlockKey,
    pos: u16,
    facts: Facts,
}

/// A filter's virtual keys as the index holds them: each value as given (an id, or
/// the name of a record without id), and the ids of the keys named so.
fn virtual_key_values(txn: &ReadTransaction, wanted: &[String]) -> Result<Vec<String>, StoreError> {
    let names = txn.open_table(VK_NAMES)?;
    let mut out: Vec<String> = wanted.to_vec();
    for name in wanted {
        let from = vk_name_key(name, "");
        let mut to = from.clone();
        // Past every `name \0 ...` key: `name \1`.
        if let Some(last) = to.last_mut() {
            *last = 1;
        }
        for entry in names.range(from.as_slice()..to.as_slice())? {
            let (k, _) = entry?;
            if let Ok(id) = std::str::from_utf8(&k.value()[from.len()..]) {
                out.push(id.to_string());
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The dimensions a block-level check compares, resolved once per walk.
struct Wanted<'f> {
    providers: &'f [String],
    models: &'f [String],
    /// Ids and names as the filter gives them, each matched against a record's id
    /// and name (the ids resolved from names only choose the blocks to open).
    virtual_keys: &'f [String],
}

impl Wanted<'_> {
    fn matches(&self, block: &FactsBlock<'_>, i: usize) -> bool {
        let any = |wanted: &[String], have: &[Option<&str>]| {
            wanted.is_empty() || have.iter().flatten().any(|h| wanted.iter().any(|w| w == h))
        };
        any(self.providers, &[block.field(i, Field::Provider)])
            && any(self.models, &[block.field(i, Field::Model)])
            && any(
                self.virtual_keys,
                &[block.field(i, Field::VkId), block.field(i, Field::VkName)],
            )
    }
}

/// A block to open, with the positions to look at (`None`: all).
type Candidate = (BlockKey, Option<Vec<u16>>);

/// A match waiting for its turn in time order: its key first, so heaps order by it.
type Pending = (LogKey, BlockKey, u16, [u8; FACTS_LEN]);

/// Calls `visit` with each record `filter` matches until it breaks: in time order
/// when `order` is given (`Some(true)`: newest first), else in any order (cheaper:
/// no merge of overlapping blocks).
fn walk(
    txn: &ReadTransaction,
    filter: &LogFilter,
    order: Option<bool>,
    mut visit: impl FnMut(&Hit) -> ControlFlow<()>,
) -> Result<(), StoreError> {
    let blocks = txn.open_table(BLOCKS)?;
    let index = txn.open_table(INDEX)?;
    let mut contents = ChunkReader::new(txn.open_table(CONTENTS)?);
    let span = txn.open_table(INFO)?.get(SPAN)?.map_or(0, |v| v.value());
    let needle = filter.content_search.as_deref().map(json_needle);
    let finder = needle.as_deref().map(memchr::memmem::Finder::new);
    let (lo, hi) = (filter.start.unwrap_or(0), filter.end.unwrap_or(u64::MAX));
    // A block holds records from its key minus the widest span up to its key.
    let (from, to): (BlockKey, BlockKey) = ((lo, 0), (hi.saturating_add(span), u64::MAX));
    let vk_values = if filter.virtual_keys.is_empty() {
        Vec::new()
    } else {
        virtual_key_values(txn, &filter.virtual_keys)?
    };
    let wanted = Wanted {
        providers: &filter.providers,
        models: &filter.models,
        virtual_keys: &filter.virtual_keys,
    };
    let descending = order.unwrap_or(false);
    // The candidate blocks, with the positions to look at (`None`: all).
    let candidates: Box<dyn Iterator<Item = Result<Candidate, StoreError>>> =
        match driver(filter, &vk_values) {
            None => {
                let range = blocks.range(from..=to)?;
                let keys =
                    range.map(|e| e.map(|(k, _)| (k.value(), None)).map_err(StoreError::from));
                if descending {
                    Box::new(keys.rev())
                } else {
                    Box::new(keys)
                }
            }
            Some((dim, values)) => {
                let mut named: BTreeMap<BlockKey, Vec<u16>> = BTreeMap::new();
                for v in values {
                    let (a, b) = (index_key(dim, v, from), index_key(dim, v, to));
                    for entry in index.range(a.as_slice()..=b.as_slice())? {
                        let (k, at) = entry?;
                        if let Some(key) = key_of_index(k.value()) {
                            named.entry(key).or_default().extend(positions(at.value()));
                        }
                    }
                }
                let list: Vec<_> = named
                    .into_iter()
                    .map(|(k, mut at)| {
                        at.sort_unstable();
                        at.dedup();
                        Ok((k, Some(at)))
                    })
                    .collect();
                if descending {
                    Box::new(list.into_iter().rev())
                } else {
                    Box::new(list.into_iter())
                }
            }
        };
    let mut candidates = candidates.peekable();
    // Matches not yet visited, when in order: the newest (or oldest) on top.
    let mut pending: BinaryHeap<Pending> = BinaryHeap::new();
    let mut pending_asc: BinaryHeap<Reverse<Pending>> = BinaryHeap::new();
    while let Some(candidate) = candidates.next() {
        let (key, listed) = candidate?;
        let Some(bytes) = blocks.get(key)? else {
            continue;
        };
        let bytes = bytes.value();
        let block = FactsBlock::parse(bytes).map_err(|e| corrupt(key, e))?;
        let all: Vec<u16>;
        let at: &[u16] = match &listed {
            Some(at) => at,
            None => {
                all = (0..block.len() as u16).collect();
                &all
            }
        };
        for &pos in at {
            let i = usize::from(pos);
            if i >= block.len() || block.deleted(i) {
                continue;
            }
            let ts = block.timestamp(i);
            if ts < lo || ts > hi || !wanted.matches(&block, i) {
                continue;
            }
            let facts = block.facts(i);
            if filter.status == Some(Status::Error) && !facts.error || !filter.facts_match(&facts) {
                continue;
            }
            if let Some(finder) = &finder {
                let found = contents
                    .item(key, pos)?
                    .is_some_and(|c| finder.find(c).is_some());
                if !found {
                    continue;
                }
            }
            let hit = Hit {
                key: record_key(ts, key, pos),
                block: key,
                pos,
                facts,
            };
            match order {
                None => {
                    if visit(&hit).is_break() {
                        return Ok(());
                    }
                }
                Some(true) => pending.push((hit.key, key, pos, facts.encode())),
                Some(false) => pending_asc.push(Reverse((hit.key, key, pos, facts.encode()))),
            }
        }
        // What is left unread cannot come before this bound.
        let next = match candidates.peek() {
            Some(Ok((k, _))) => Some(k.0),
            _ => None,
        };
        let hit_of = |(key, block, pos, f): Pending| Hit {
            key,
            block,
            pos,
            facts: Facts::decode(&f),
        };
        match order {
            None => {}
            Some(true) => {
                while let Some(top) = pending.peek() {
                    if next.is_some_and(|n| top.0 .0 <= n) {
                        break;
                    }
                    let Some(top) = pending.pop() else { break };
                    if visit(&hit_of(top)).is_break() {
                        return Ok(());
                    }
                }
            }
            Some(false) => {
                while let Some(Reverse(top)) = pending_asc.peek() {
                    if next.is_some_and(|n| top.0 .0 >= n.saturating_sub(span)) {
                        break;
                    }
                    let Some(Reverse(top)) = pending_asc.pop() else {
                        break;
                    };
                    if visit(&hit_of(top)).is_break() {
                        return Ok(());
                    }
                }
            }
        }
    }
    Ok(())
}

/// The indexed dimension that drives a walk (the most selective filtered on), and
/// the values to look up in it.
fn driver<'f>(filter: &'f LogFilter, vk_values: &'f [String]) -> Option<(Dim, Vec<&'f str>)> {
    let strs = |v: &'f [String]| v.iter().map(String::as_str).collect::<Vec<_>>();
    if !vk_values.is_empty() {
        Some((Dim::VirtualKey, strs(vk_values)))
    } else if filter.status == Some(Status::Error) {
        Some((Dim::Status, vec![Status::Error.as_str()]))
    } else if !filter.models.is_empty() {
        Some((Dim::Model, strs(&filter.models)))
    } else if !filter.providers.is_empty() {
        Some((Dim::Provider, strs(&filter.providers)))
    } else {
        None
    }
}

/// `text` as it appears inside a JSON string (quotes and control characters escaped),
/// so the search runs on the stored bytes without decoding them.
fn json_needle(text: &str) -> Vec<u8> {
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
