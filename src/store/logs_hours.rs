//! Hourly totals of the request log (count, errors, latency, tokens, cost), kept in
//! the same transactions that add and remove records. A summary with no filter but a
//! time range (the list's totals, unfiltered) adds up the whole hours inside the range
//! and walks only the records of the partial hours at its ends, instead of every
//! record: the unfiltered `GET /api/logs` stays fast however large the log grows.

use std::collections::BTreeMap;

use redb::{ReadableTable, TableDefinition, WriteTransaction};

use super::logs_record::Facts;
use super::StoreError;

/// Hour number (µs since the epoch / one hour) to its totals.
pub(super) const HOURS: TableDefinition<u64, [u8; 40]> = TableDefinition::new("log_hours");

/// An hour, in µs.
pub(super) const HOUR_US: u64 = 3_600_000_000;

/// Totals of some records.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Tally {
    pub count: u64,
    pub errors: u64,
    pub latency_us: u64,
    pub tokens: u64,
    pub cost: f64,
}

impl Tally {
    pub fn add(&mut self, f: &Facts) {
        self.count += 1;
        self.errors += u64::from(f.error);
        self.latency_us += f.latency_us;
        self.tokens += f.tokens;
        self.cost += f.cost;
    }

    pub fn merge(&mut self, o: &Tally) {
        self.count += o.count;
        self.errors += o.errors;
        self.latency_us += o.latency_us;
        self.tokens += o.tokens;
        self.cost += o.cost;
    }

    pub fn less(&mut self, o: &Tally) {
        self.count = self.count.saturating_sub(o.count);
        self.errors = self.errors.saturating_sub(o.errors);
        self.latency_us = self.latency_us.saturating_sub(o.latency_us);
        self.tokens = self.tokens.saturating_sub(o.tokens);
        self.cost = (self.cost - o.cost).max(0.0);
    }

    pub fn encode(&self) -> [u8; 40] {
        let mut b = [0u8; 40];
        for (i, v) in [self.count, self.errors, self.latency_us, self.tokens]
            .iter()
            .enumerate()
        {
            b[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
        }
        b[32..].copy_from_slice(&self.cost.to_le_bytes());
        b
    }

    pub fn decode(b: &[u8; 40]) -> Tally {
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[i * 8..i * 8 + 8]);
            w
        };
        Tally {
            count: u64::from_le_bytes(word(0)),
            errors: u64::from_le_bytes(word(1)),
            latency_us: u64::from_le_bytes(word(2)),
            tokens: u64::from_le_bytes(word(3)),
            cost: f64::from_le_bytes(word(4)),
        }
    }
}

/// Changes to the hourly totals, gathered over a batch and applied once.
#[derive(Default)]
pub(super) struct HourChanges {
    added: BTreeMap<u64, Tally>,
    removed: BTreeMap<u64, Tally>,
}

impl HourChanges {
    /// A record at `ts` with `facts` was added.
    pub fn add(&mut self, ts: u64, facts: &Facts) {
        self.added.entry(ts / HOUR_US).or_default().add(facts);
    }

    /// A record at `ts` with `facts` was removed.
    pub fn remove(&mut self, ts: u64, facts: &Facts) {
        self.removed.entry(ts / HOUR_US).or_default().add(facts);
    }

    /// Writes the changes in `txn`.
    pub fn apply(self, txn: &WriteTransaction) -> Result<(), StoreError> {
        let mut hours = txn.open_table(HOURS)?;
        let mut touched: BTreeMap<u64, Tally> = BTreeMap::new();
        for &h in self.added.keys().chain(self.removed.keys()) {
            if let std::collections::btree_map::Entry::Vacant(e) = touched.entry(h) {
                e.insert(
                    hours
                        .get(h)?
                        .map_or_else(Tally::default, |v| Tally::decode(&v.value())),
                );
            }
        }
        for (h, t) in &self.added {
            touched.entry(*h).or_default().merge(t);
        }
        for (h, t) in &self.removed {
            touched.entry(*h).or_default().less(t);
        }
        for (h, t) in touched {
            if t.count == 0 {
                hours.remove(h)?;
            } else {
                hours.insert(h, t.encode())?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_round_trip() {
        let t = Tally {
            count: 3,
            errors: 1,
            latency_us: 900,
            tokens: 42,
            cost: 0.5,
        };
        assert_eq!(Tally::decode(&t.encode()), t);
    }
}
