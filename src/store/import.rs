//! Changes written in one store transaction: an import (providers, customers, teams,
//! virtual keys, routing rules, and the objects they replace) lands whole or not at
//! all. A write that fails half-way (a name taken, a full disk) aborts the
//! transaction, so the store is left exactly as it was; no undo is needed.

use redb::WriteTransaction;

use super::governance::{delete_record_in, put_record_in};
use super::{put_provider_in, Origin, Record, Store, StoreError};
use crate::config::ProviderConfig;

/// One change, applied within the batch's transaction.
type Op = Box<dyn FnOnce(&WriteTransaction) -> Result<(), StoreError> + Send>;

/// Changes to write together with [`Store::write_batch`], in the order added.
#[derive(Default)]
pub struct Batch {
    ops: Vec<Op>,
}

impl Batch {
    /// Creates or replaces a provider (as [`Store::put_provider`]).
    pub fn put_provider(&mut self, name: String, config: ProviderConfig, origin: Origin) {
        self.ops.push(Box::new(move |txn| {
            put_provider_in(txn, &name, &config, origin).map(drop)
        }));
    }

    /// Creates or replaces a record (as [`Store::put_record`]: refused, and the whole
    /// batch with it, when another record of its kind has its name).
    pub fn put_record<T: Record>(&mut self, record: T) {
        self.ops
            .push(Box::new(move |txn| put_record_in(txn, &record)));
    }

    /// Deletes a record and its usage counters (as [`Store::delete_record`]).
    pub fn delete_record<T: Record>(&mut self, id: String) {
        self.ops.push(Box::new(move |txn| {
            delete_record_in::<T>(txn, &id).map(drop)
        }));
    }
}

impl Store {
    /// Writes `batch` in one transaction: every change, or none.
    pub fn write_batch(&self, batch: Batch) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        for op in batch.ops {
            // Returning drops `txn` uncommitted: redb aborts it.
            op(&txn)?;
        }
        txn.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::{Team, VirtualKey};

    fn team(id: &str, name: &str) -> Team {
        serde_json::from_value(serde_json::json!({"id": id, "name": name})).unwrap()
    }

    #[test]
    fn a_batch_whose_last_write_fails_leaves_the_store_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.put_record(&team("t-0", "platform")).unwrap();
        let provider: ProviderConfig =
            toml::from_str("type = \"openai\"\nkeys = [{ name = \"k\", value = \"sk\" }]").unwrap();

        let mut batch = Batch::default();
        batch.put_provider("p".into(), provider.clone(), Origin::Api);
        batch.put_record(team("t-1", "new"));
        batch.delete_record::<Team>("t-0".into());
        batch.put_record(team("t-2", "clash"));
        // The name is taken by the record just written: the last write fails.
        batch.put_record(team("t-3", "clash"));
        let err = store.write_batch(batch).unwrap_err();
        assert!(matches!(err, StoreError::NameTaken { .. }), "{err}");
        assert!(store.providers().unwrap().is_empty());
        let names: Vec<String> = store
            .records::<Team>()
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["platform"]);

        let mut batch = Batch::default();
        batch.put_provider("p".into(), provider, Origin::Api);
        batch.put_record(team("t-1", "new"));
        store.write_batch(batch).unwrap();
        assert_eq!(store.providers().unwrap().len(), 1);
        assert_eq!(store.records::<Team>().unwrap().len(), 2);
        assert!(store.records::<VirtualKey>().unwrap().is_empty());
    }
}
