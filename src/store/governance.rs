//! Governance tables: virtual keys, teams and customers (JSON records keyed by id), and
//! the usage counters the engine flushes (keyed by entity, `vk:ID`, `team:ID`, ...).
//!
//! The tables are created on first write, so files from before governance need no
//! migration and reads of a missing table see it empty. Names are unique per kind,
//! checked inside the write transaction so two creates cannot both win.

use redb::{ReadableTable, TableDefinition, TableError, WriteTransaction};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{Store, StoreError};
use crate::governance::{Catalog, Customer, Team, UsageRecord, VirtualKey};

type Table = TableDefinition<'static, &'static str, &'static [u8]>;

const VIRTUAL_KEYS: Table = TableDefinition::new("virtual_keys");
const TEAMS: Table = TableDefinition::new("teams");
const CUSTOMERS: Table = TableDefinition::new("customers");
const USAGE: Table = TableDefinition::new("governance_usage");

/// A governance object the store keeps: its table, id, unique name and usage prefix.
pub trait Record: Serialize + DeserializeOwned + Send + 'static {
    /// The table it lives in.
    const TABLE: Table;
    /// Its kind in messages (`virtual key`).
    const KIND: &'static str;
    /// The prefix of its usage entities (`vk`).
    const ENTITY: &'static str;
    /// Its id.
    fn id(&self) -> &str;
    /// Its unique name.
    fn name(&self) -> &str;
    /// Creation time, for listing order.
    fn created(&self) -> u64;
}

macro_rules! record {
    ($t:ty, $table:expr, $kind:expr, $entity:expr) => {
        impl Record for $t {
            const TABLE: Table = $table;
            const KIND: &'static str = $kind;
            const ENTITY: &'static str = $entity;
            fn id(&self) -> &str {
                &self.id
            }
            fn name(&self) -> &str {
                &self.name
            }
            fn created(&self) -> u64 {
                self.created_at.0
            }
        }
    };
}
record!(VirtualKey, VIRTUAL_KEYS, "virtual key", "vk");
record!(Team, TEAMS, "team", "team");
record!(Customer, CUSTOMERS, "customer", "customer");

fn decode<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| StoreError::Corrupt {
        name: key.to_string(),
        source,
    })
}

fn encode<T: Serialize>(key: &str, value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|source| StoreError::Corrupt {
        name: key.to_string(),
        source,
    })
}

/// [`Store::put_record`] within `txn`.
pub(super) fn put_record_in<T: Record>(
    txn: &WriteTransaction,
    record: &T,
) -> Result<(), StoreError> {
    let bytes = encode(record.id(), record)?;
    let mut table = txn.open_table(T::TABLE)?;
    for item in table.iter()? {
        let (k, v) = item?;
        let other: T = decode(k.value(), v.value())?;
        if other.name() == record.name() && other.id() != record.id() {
            return Err(StoreError::NameTaken {
                kind: T::KIND,
                name: record.name().to_string(),
            });
        }
    }
    table.insert(record.id(), bytes.as_slice())?;
    Ok(())
}

/// [`Store::delete_record`] within `txn`.
pub(super) fn delete_record_in<T: Record>(
    txn: &WriteTransaction,
    id: &str,
) -> Result<bool, StoreError> {
    let entity = format!("{}:{id}", T::ENTITY);
    let mut table = txn.open_table(T::TABLE)?;
    let removed = table.remove(id)?.is_some();
    let mut usage = txn.open_table(USAGE)?;
    let nested = format!("{entity}/");
    usage.retain(|k, _| k != entity && !k.starts_with(&nested))?;
    Ok(removed)
}

impl Store {
    fn read_all<T: DeserializeOwned>(&self, def: Table) -> Result<Vec<(String, T)>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = match txn.open_table(def) {
            Ok(t) => t,
            Err(TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::new();
        for item in table.iter()? {
            let (k, v) = item?;
            let key = k.value().to_string();
            let value = decode(&key, v.value())?;
            out.push((key, value));
        }
        Ok(out)
    }

    /// Every record of a kind, oldest first.
    pub fn records<T: Record>(&self) -> Result<Vec<T>, StoreError> {
        let mut all: Vec<T> = self
            .read_all(T::TABLE)?
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        all.sort_by(|a, b| (a.created(), a.name()).cmp(&(b.created(), b.name())));
        Ok(all)
    }

    /// One record by id.
    pub fn record<T: Record>(&self, id: &str) -> Result<Option<T>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = match txn.open_table(T::TABLE) {
            Ok(t) => t,
            Err(TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let found = table.get(id)?;
        found.map(|v| decode(id, v.value())).transpose()
    }

    /// Creates or replaces a record; refused when another record of the kind has its name.
    pub fn put_record<T: Record>(&self, record: &T) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        put_record_in(&txn, record)?;
        txn.commit()?;
        Ok(())
    }

    /// Deletes a record and its usage counters; false when there was none.
    pub fn delete_record<T: Record>(&self, id: &str) -> Result<bool, StoreError> {
        let txn = self.db.begin_write()?;
        let removed = delete_record_in::<T>(&txn, id)?;
        txn.commit()?;
        Ok(removed)
    }

    /// Every governance definition, for the engine.
    pub fn catalog(&self) -> Result<Catalog, StoreError> {
        Ok(Catalog {
            keys: self.records()?,
            teams: self.records()?,
            customers: self.records()?,
        })
    }

    /// The usage counters last flushed.
    pub fn usage_records(&self) -> Result<Vec<UsageRecord>, StoreError> {
        Ok(self
            .read_all::<UsageRecord>(USAGE)?
            .into_iter()
            .map(|(_, v)| v)
            .collect())
    }

    /// Writes the engine's counters in one transaction (replacing each entity's row).
    pub fn put_usage_records(&self, records: &[UsageRecord]) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        {
            let mut table = txn.open_table(USAGE)?;
            for r in records {
                let bytes = encode(&r.entity, r)?;
                table.insert(r.entity.as_str(), bytes.as_slice())?;
            }
        }
        txn.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::governance::{Charge, Credential, Engine, KeyHash, ManualClock, Source, Usd};

    fn vk(id: &str, name: &str) -> VirtualKey {
        let mut k: VirtualKey = serde_json::from_str(&format!(
            r#"{{"name":"{name}","budget":{{"max_limit":1,"reset_duration":"1d"}}}}"#
        ))
        .unwrap();
        k.id = id.into();
        k.value_hash = KeyHash::of(&format!("sk-bf-{id}")).to_hex();
        k
    }

    #[test]
    fn records_round_trip_and_names_stay_unique() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(store.records::<VirtualKey>().unwrap().is_empty());
        assert!(store.record::<Team>("t").unwrap().is_none());
        store.put_record(&vk("a", "ci")).unwrap();
        store.put_record(&vk("a", "ci")).unwrap();
        let err = store.put_record(&vk("b", "ci")).unwrap_err();
        assert!(matches!(err, StoreError::NameTaken { .. }), "{err}");
        assert_eq!(
            store.record::<VirtualKey>("a").unwrap().unwrap(),
            vk("a", "ci")
        );
        assert_eq!(store.catalog().unwrap().keys.len(), 1);
        assert!(store.delete_record::<VirtualKey>("a").unwrap());
        assert!(!store.delete_record::<VirtualKey>("a").unwrap());
    }

    #[test]
    fn usage_survives_a_restart_and_goes_with_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(1_796_256_000));
        let cred = Credential {
            value: "sk-bf-a".into(),
            source: Source::VkHeader,
        };
        let two = Charge {
            cost: Usd::from_nanos(2),
            tokens: 0,
        };
        {
            let store = Store::open(dir.path()).unwrap();
            store.put_record(&vk("a", "ci")).unwrap();
            let engine = Engine::new(clock.clone());
            engine.apply(&store.catalog().unwrap());
            let key = engine.authenticate(Some(&cred)).unwrap();
            engine.admit(&key, None, two).unwrap().settle(two);
            store.put_usage_records(&engine.snapshot()).unwrap();
            // A second flush of the same counters replaces, never adds.
            store.put_usage_records(&engine.snapshot()).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let engine = Engine::new(clock);
        engine.apply(&store.catalog().unwrap());
        engine.load(&store.usage_records().unwrap());
        assert_eq!(
            engine.usage("a").unwrap()[0].budgets[0].spent,
            Usd::from_nanos(2)
        );
        store.delete_record::<VirtualKey>("a").unwrap();
        assert!(store.usage_records().unwrap().is_empty());
    }
}
