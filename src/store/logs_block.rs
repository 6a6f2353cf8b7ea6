//! The bytes of one block of the request log: up to [`MAX_BLOCK`] records written
//! by one `LogStore::append`, stored as three values (facts, metadata, content)
//! instead of one entry per record per table.
//!
//! The facts value is what scans and stats read, so it holds no JSON:
//! `n: u32 | n × timestamp u64 | n × 28-byte facts | dictionary | n × 4 × u16 refs`.
//! The dictionary (`d: u16 | d × (len: u16, utf-8)`) holds the distinct provider,
//! model, virtual key id and name values of the block once; each record refers to
//! them by position (`u16::MAX`: absent), so a filter checks a dimension without
//! decoding JSON. Records are in timestamp order within the block. A deleted
//! record stays in place with its tombstone bit set (byte 1 of its facts), so the
//! positions that ids and index entries name never move.
//!
//! Metadata and content are packed lists: `n: u32 | (n + 1) × u32 offsets | bytes`,
//! an empty item meaning none (a deleted record's metadata, a record without content).

use std::collections::BTreeMap;

use super::logs_record::{Facts, LogRecord, Status, FACTS_LEN};

/// A block's key: the newest timestamp (µs) among its records, then the block's
/// sequence number. Keyed by the newest record rather than the oldest so that a
/// newest-first walk knows, before it opens the next block, that nothing in it is
/// newer than its key.
pub type BlockKey = (u64, u64);

/// Records per block at most: positions fit a u16, and a block's facts (~20 KiB)
/// stay a few pages.
pub(super) const MAX_BLOCK: usize = 512;

/// The text fields a block's dictionary holds, in the order of each record's refs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Provider = 0,
    Model = 1,
    VkId = 2,
    VkName = 3,
}

/// The indexed dimensions, by the tag byte that starts their index keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Dim {
    Provider = 1,
    Model = 2,
    /// By id; by name for records that have no id.
    VirtualKey = 3,
    /// Only `error` is indexed: success is nearly every record, so a scan serves it.
    Status = 4,
}

const FIELDS: usize = 4;
const ABSENT: u16 = u16::MAX;
const TOMBSTONE: u8 = 1;

/// A malformed block (a truncated write cannot happen under redb's transactions, so
/// this means a file damaged outside bifrost).
pub(super) fn malformed(what: &str) -> serde_json::Error {
    <serde_json::Error as serde::de::Error>::custom(format!("malformed log block: {what}"))
}

/// Encodes the facts value of `records` (already in timestamp order).
pub(super) fn encode_facts(records: &[&LogRecord]) -> Vec<u8> {
    let n = records.len();
    let mut dict: Vec<&str> = Vec::new();
    let mut refs: Vec<u16> = Vec::with_capacity(n * FIELDS);
    for r in records {
        for text in [
            &r.provider,
            &r.model,
            &r.virtual_key_id,
            &r.virtual_key_name,
        ] {
            let Some(text) = text.as_deref() else {
                refs.push(ABSENT);
                continue;
            };
            // A block has a handful of distinct values: a linear search beats a map.
            let at = match dict.iter().position(|d| *d == text) {
                Some(at) => at,
                None => {
                    dict.push(text);
                    dict.len() - 1
                }
            };
            refs.push(u16::try_from(at).unwrap_or(ABSENT));
        }
    }
    let mut out = Vec::with_capacity(4 + n * (8 + FACTS_LEN + 2 * FIELDS) + 64);
    out.extend_from_slice(&(n as u32).to_le_bytes());
    for r in records {
        out.extend_from_slice(&r.timestamp.to_le_bytes());
    }
    for r in records {
        out.extend_from_slice(&r.facts().encode());
    }
    out.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    for text in &dict {
        let bytes = text.as_bytes();
        let len = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&bytes[..usize::from(len)]);
    }
    for r in refs {
        out.extend_from_slice(&r.to_le_bytes());
    }
    out
}

/// A facts value read in place.
pub(super) struct FactsBlock<'a> {
    n: usize,
    timestamps: &'a [u8],
    facts: &'a [u8],
    dict: Vec<&'a str>,
    refs: &'a [u8],
}

impl<'a> FactsBlock<'a> {
    /// Reads `b`, checking its lengths.
    pub fn parse(b: &'a [u8]) -> Result<FactsBlock<'a>, serde_json::Error> {
        let short = || malformed("too short");
        let n = u32::from_le_bytes(
            b.get(..4)
                .ok_or_else(short)?
                .try_into()
                .map_err(|_| short())?,
        ) as usize;
        let mut at = 4;
        let mut take = |len: usize| -> Result<&'a [u8], serde_json::Error> {
            let s = b.get(at..at + len).ok_or_else(short)?;
            at += len;
            Ok(s)
        };
        let timestamps = take(n * 8)?;
        let facts = take(n * FACTS_LEN)?;
        let d = take(2)?;
        let d = usize::from(u16::from_le_bytes([d[0], d[1]]));
        let mut dict = Vec::with_capacity(d);
        for _ in 0..d {
            let len = take(2)?;
            let text = take(usize::from(u16::from_le_bytes([len[0], len[1]])))?;
            dict.push(std::str::from_utf8(text).map_err(|_| malformed("not utf-8"))?);
        }
        let refs = take(n * FIELDS * 2)?;
        Ok(FactsBlock {
            n,
            timestamps,
            facts,
            dict,
            refs,
        })
    }

    /// Records in the block, deleted ones included.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Record `i`'s arrival time (µs).
    pub fn timestamp(&self, i: usize) -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&self.timestamps[i * 8..i * 8 + 8]);
        u64::from_le_bytes(w)
    }

    fn raw_facts(&self, i: usize) -> [u8; FACTS_LEN] {
        let mut f = [0u8; FACTS_LEN];
        f.copy_from_slice(&self.facts[i * FACTS_LEN..(i + 1) * FACTS_LEN]);
        f
    }

    /// Record `i`'s facts.
    pub fn facts(&self, i: usize) -> Facts {
        Facts::decode(&self.raw_facts(i))
    }

    /// Whether record `i` was deleted.
    pub fn deleted(&self, i: usize) -> bool {
        self.facts[i * FACTS_LEN + 1] & TOMBSTONE != 0
    }

    /// Record `i`'s `field`, when it has one.
    pub fn field(&self, i: usize, field: Field) -> Option<&'a str> {
        let at = (i * FIELDS + field as usize) * 2;
        let r = u16::from_le_bytes([self.refs[at], self.refs[at + 1]]);
        self.dict.get(usize::from(r)).copied()
    }

    /// Whether record `i` is an error.
    pub fn error(&self, i: usize) -> bool {
        self.facts[i * FACTS_LEN] & 1 == 1
    }

    /// The index entries of the block's live records: (dimension tag, value) to the
    /// positions holding it. The virtual key is indexed by id, or by name for records
    /// that have no id.
    pub fn index(&self) -> BTreeMap<(Dim, &'a str), Vec<u16>> {
        let mut out: BTreeMap<(Dim, &'a str), Vec<u16>> = BTreeMap::new();
        for i in (0..self.n).filter(|&i| !self.deleted(i)) {
            let pos = i as u16;
            let vk = self
                .field(i, Field::VkId)
                .or_else(|| self.field(i, Field::VkName));
            let error = self.error(i).then_some(Status::Error.as_str());
            for (dim, value) in [
                (Dim::Provider, self.field(i, Field::Provider)),
                (Dim::Model, self.field(i, Field::Model)),
                (Dim::VirtualKey, vk),
                (Dim::Status, error),
            ] {
                if let Some(v) = value {
                    out.entry((dim, v)).or_default().push(pos);
                }
            }
        }
        out
    }

    /// Record `i`'s dimensions as a record, for the hourly totals (`logs_cube.rs`).
    pub fn dims_record(&self, i: usize) -> LogRecord {
        let text = |f| self.field(i, f).map(str::to_string);
        LogRecord {
            timestamp: self.timestamp(i),
            provider: text(Field::Provider),
            model: text(Field::Model),
            virtual_key_id: text(Field::VkId),
            virtual_key_name: text(Field::VkName),
            status: if self.error(i) {
                Status::Error
            } else {
                Status::Success
            },
            ..LogRecord::default()
        }
    }
}

/// `facts` with the records at `positions` marked deleted.
pub(super) fn tombstone(facts: &[u8], n: usize, positions: &[u16]) -> Vec<u8> {
    let mut out = facts.to_vec();
    let base = 4 + n * 8;
    for &p in positions {
        if let Some(b) = out.get_mut(base + usize::from(p) * FACTS_LEN + 1) {
            *b |= TOMBSTONE;
        }
    }
    out
}

/// A packed list being built.
pub(super) struct Packer {
    offsets: Vec<u32>,
    bytes: Vec<u8>,
}

impl Packer {
    /// An empty list with room for `n` items of about `each` bytes.
    pub fn new(n: usize, each: usize) -> Packer {
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        Packer {
            offsets,
            bytes: Vec::with_capacity(n * each),
        }
    }

    /// The buffer the next item is written into; `end_item` closes it.
    pub fn buffer(&mut self) -> &mut Vec<u8> {
        &mut self.bytes
    }

    /// Closes the item written since the last call.
    pub fn end_item(&mut self) {
        self.offsets.push(self.bytes.len() as u32);
    }

    /// Whether every item is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The packed form.
    pub fn finish(self) -> Vec<u8> {
        let n = self.offsets.len() - 1;
        let mut out = Vec::with_capacity(4 + self.offsets.len() * 4 + self.bytes.len());
        out.extend_from_slice(&(n as u32).to_le_bytes());
        for o in &self.offsets {
            out.extend_from_slice(&o.to_le_bytes());
        }
        out.extend_from_slice(&self.bytes);
        out
    }
}

/// Items in a packed list.
pub(super) fn packed_len(b: &[u8]) -> usize {
    b.get(..4)
        .and_then(|s| s.try_into().ok())
        .map_or(0, |w| u32::from_le_bytes(w) as usize)
}

/// Item `i` of a packed list; `None` when empty or out of range.
pub(super) fn unpack(b: &[u8], i: usize) -> Option<&[u8]> {
    let n = packed_len(b);
    if i >= n {
        return None;
    }
    let off = |j: usize| -> Option<usize> {
        let at = 4 + j * 4;
        Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize)
    };
    let data = 4 + (n + 1) * 4;
    let (from, to) = (off(i)?, off(i + 1)?);
    let item = b.get(data + from..data + to)?;
    (!item.is_empty()).then_some(item)
}

/// A packed list with the items at `positions` emptied.
pub(super) fn repack_without(b: &[u8], positions: &[u16]) -> Vec<u8> {
    let n = packed_len(b);
    let mut p = Packer::new(n, 0);
    for i in 0..n {
        if !positions.contains(&(i as u16)) {
            if let Some(item) = unpack(b, i) {
                p.buffer().extend_from_slice(item);
            }
        }
        p.end_item();
    }
    p.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_blocks_read_back_with_their_dictionary() {
        let a = LogRecord {
            timestamp: 10,
            provider: Some("openai".into()),
            virtual_key_name: Some("app".into()),
            status: Status::Error,
            latency_ms: 2.0,
            ..LogRecord::default()
        };
        let b = LogRecord {
            timestamp: 20,
            provider: Some("openai".into()),
            model: Some("gpt".into()),
            virtual_key_id: Some("vk_1".into()),
            ..LogRecord::default()
        };
        let bytes = encode_facts(&[&a, &b]);
        let block = FactsBlock::parse(&bytes).unwrap();
        assert_eq!(block.len(), 2);
        assert_eq!((block.timestamp(0), block.timestamp(1)), (10, 20));
        assert_eq!(block.facts(0), a.facts());
        assert_eq!(block.field(1, Field::Model), Some("gpt"));
        assert_eq!(block.field(0, Field::Model), None);
        assert!(block.error(0) && !block.error(1));
        let index = block.index();
        assert_eq!(index[&(Dim::Provider, "openai")], vec![0, 1]);
        assert_eq!(
            index[&(Dim::VirtualKey, "app")],
            vec![0],
            "a name-only key is indexed by name"
        );
        assert_eq!(index[&(Dim::VirtualKey, "vk_1")], vec![1]);
        assert_eq!(index[&(Dim::Status, "error")], vec![0]);
        let gone = tombstone(&bytes, 2, &[0]);
        let block = FactsBlock::parse(&gone).unwrap();
        assert!(block.deleted(0) && !block.deleted(1));
        assert!(!block.index().contains_key(&(Dim::Status, "error")));
        assert!(FactsBlock::parse(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn packed_lists_keep_positions_when_items_go() {
        let mut p = Packer::new(3, 4);
        for item in [&b"one"[..], b"", b"three"] {
            p.buffer().extend_from_slice(item);
            p.end_item();
        }
        let b = p.finish();
        assert_eq!(unpack(&b, 0), Some(&b"one"[..]));
        assert_eq!(unpack(&b, 1), None);
        assert_eq!(unpack(&b, 3), None);
        let b = repack_without(&b, &[0]);
        assert_eq!((unpack(&b, 0), unpack(&b, 2)), (None, Some(&b"three"[..])));
    }
}
