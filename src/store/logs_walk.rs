//! The walk every log query makes: candidate blocks from the index of the most
//! selective dimension filtered on (virtual key, then errors, then model, then
//! provider), which names the blocks and positions holding a value, or every block of
//! the time range when no indexed dimension is. Within a block the other dimensions
//! are checked on its dictionary, latency and cost on the 28-byte facts, and content
//! search last, on the block's content alone.
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
    corrupt, index_key, key_of_index, positions, record_key, vk_name_key, BlockKey, Dim, LogKey,
    BLOCKS, CONTENTS, INDEX, INFO, SPAN, VK_NAMES,
};
use super::logs_block::{FactsBlock, Field};
use super::logs_chunks::ChunkReader;
use super::logs_query::{json_needle, LogFilter};
use super::logs_record::{Facts, Status, FACTS_LEN};
use super::StoreError;

/// One record a walk matched.
#[derive(Debug, Clone, Copy)]
pub(super) struct Hit {
    /// Its place in time order.
    pub key: LogKey,
    /// Its block.
    pub block: BlockKey,
    /// Its position in the block.
    pub pos: u16,
    /// Its facts.
    pub facts: Facts,
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
pub(super) fn walk(
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
