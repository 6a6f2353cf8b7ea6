//! Hourly totals per combination of the indexed dimensions (provider, model, virtual
//! key, status), kept in the transactions that add and remove records, so the totals
//! of a filtered list (`GET /api/logs?providers=a&status=error`: its `total_count` and
//! `stats`) add up a few entries per hour instead of visiting every matching record.
//!
//! Measured on 1,000,000 records (bench/logs_query.sh): provider + status=error with
//! totals walked the ~50,000 error records with two point lookups each (~50 ms); the
//! cube holds ~32 entries per hour there. A live gateway sees at most a few hundred
//! combinations an hour, so a day of totals is a few thousand 40-byte entries.

use std::collections::BTreeMap;

use redb::{ReadTransaction, ReadableTable, TableDefinition, WriteTransaction};

use super::logs_hours::{Tally, HOUR_US};
use super::logs_query::LogFilter;
use super::logs_record::{Facts, LogRecord, Status};
use super::StoreError;

/// `hour ‖ status ‖ provider ‖ model ‖ virtual key id ‖ virtual key name` (each text
/// length-prefixed, absent as empty) to the totals of those records in that hour.
pub(super) const CUBE: TableDefinition<&[u8], [u8; 40]> = TableDefinition::new("log_cube");

/// The cube key of `record`.
fn cube_key(record: &LogRecord) -> Vec<u8> {
    let texts = [
        &record.provider,
        &record.model,
        &record.virtual_key_id,
        &record.virtual_key_name,
    ];
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(&(record.timestamp / HOUR_US).to_be_bytes());
    out.push(u8::from(record.status == Status::Error));
    for text in texts {
        let t = text.as_deref().unwrap_or("").as_bytes();
        let len = u16::try_from(t.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&t[..usize::from(len)]);
    }
    out
}

/// A cube key read back: status and the four texts (`None` when the key is malformed).
fn decode(key: &[u8]) -> Option<(bool, [&str; 4])> {
    let mut rest = key.get(9..)?;
    let error = *key.get(8)? == 1;
    let mut texts = [""; 4];
    for t in &mut texts {
        let len = usize::from(u16::from_be_bytes([*rest.first()?, *rest.get(1)?]));
        let text = rest.get(2..2 + len)?;
        *t = std::str::from_utf8(text).ok()?;
        rest = &rest[2 + len..];
    }
    Some((error, texts))
}

impl LogFilter {
    /// Whether the cube can answer this filter's totals: it filters on the indexed
    /// dimensions and time only.
    pub(super) fn cube_answers(&self) -> bool {
        self.min_latency_us.is_none()
            && self.max_latency_us.is_none()
            && self.min_cost.is_none()
            && self.max_cost.is_none()
            && self.content_search.is_none()
    }

    fn cube_matches(&self, error: bool, [provider, model, vk_id, vk_name]: [&str; 4]) -> bool {
        let any = |wanted: &[String], have: &[&str]| {
            wanted.is_empty()
                || have
                    .iter()
                    .any(|h| !h.is_empty() && wanted.iter().any(|w| w == h))
        };
        self.status.is_none_or(|s| (s == Status::Error) == error)
            && any(&self.providers, &[provider])
            && any(&self.models, &[model])
            && any(&self.virtual_keys, &[vk_id, vk_name])
    }
}

/// The totals of the records `filter` matches in the whole hours `first..past`.
pub(super) fn sum(
    txn: &ReadTransaction,
    filter: &LogFilter,
    first: u64,
    past: u64,
) -> Result<Tally, StoreError> {
    let table = txn.open_table(CUBE)?;
    let mut total = Tally::default();
    let (from, to) = (first.to_be_bytes(), past.to_be_bytes());
    for entry in table.range(from.as_slice()..to.as_slice())? {
        let (k, v) = entry?;
        let Some((error, texts)) = decode(k.value()) else {
            continue;
        };
        if filter.cube_matches(error, texts) {
            total.merge(&Tally::decode(&v.value()));
        }
    }
    Ok(total)
}

/// Changes to the cube, gathered over a batch and applied once.
#[derive(Default)]
pub(super) struct CubeChanges {
    added: BTreeMap<Vec<u8>, Tally>,
    removed: BTreeMap<Vec<u8>, Tally>,
}

impl CubeChanges {
    /// `record` with `facts` was added.
    pub fn add(&mut self, record: &LogRecord, facts: &Facts) {
        self.added.entry(cube_key(record)).or_default().add(facts);
    }

    /// `record` with `facts` was removed.
    pub fn remove(&mut self, record: &LogRecord, facts: &Facts) {
        self.removed.entry(cube_key(record)).or_default().add(facts);
    }

    /// Writes the changes in `txn`.
    pub fn apply(self, txn: &WriteTransaction) -> Result<(), StoreError> {
        let mut table = txn.open_table(CUBE)?;
        let mut touched: BTreeMap<Vec<u8>, Tally> = BTreeMap::new();
        for key in self.added.keys().chain(self.removed.keys()) {
            if !touched.contains_key(key) {
                let now = table
                    .get(key.as_slice())?
                    .map_or_else(Tally::default, |v| Tally::decode(&v.value()));
                touched.insert(key.clone(), now);
            }
        }
        for (key, t) in &self.added {
            touched.entry(key.clone()).or_default().merge(t);
        }
        for (key, t) in &self.removed {
            touched.entry(key.clone()).or_default().less(t);
        }
        for (key, t) in touched {
            if t.count == 0 {
                table.remove(key.as_slice())?;
            } else {
                table.insert(key.as_slice(), t.encode())?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_and_match_by_vk_id_or_name() {
        let r = LogRecord {
            timestamp: 5 * HOUR_US + 1,
            provider: Some("openai".into()),
            virtual_key_id: Some("vk_1".into()),
            virtual_key_name: Some("app".into()),
            status: Status::Error,
            ..LogRecord::default()
        };
        let key = cube_key(&r);
        let (error, texts) = decode(&key).unwrap();
        assert!(error);
        assert_eq!(texts, ["openai", "", "vk_1", "app"]);
        for vk in ["vk_1", "app"] {
            let f = LogFilter {
                virtual_keys: vec![vk.into()],
                status: Some(Status::Error),
                ..LogFilter::default()
            };
            assert!(f.cube_matches(error, texts), "{vk}");
        }
        let other = LogFilter {
            models: vec!["gpt".into()],
            ..LogFilter::default()
        };
        assert!(!other.cube_matches(error, texts));
    }
}
