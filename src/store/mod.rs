//! The embedded store: one redb file in the data dir holding what users manage.
//!
//! It knows nothing of HTTP or of the running gateway. Every call blocks on disk, so
//! async callers go through `spawn_blocking` (see `admin`). The file carries a schema
//! version; older files migrate forward on open, newer ones are refused untouched.

mod admin;
mod governance;
mod import;
mod logs;
mod logs_block;
mod logs_chunks;
mod logs_compact;
mod logs_cube;
mod logs_hours;
mod logs_migrate;
mod logs_query;
mod logs_record;
#[cfg(test)]
mod logs_tests;
mod logs_walk;
mod routing_rules;
mod settings;

use std::path::{Path, PathBuf};

use redb::{Database, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

use crate::config::ProviderConfig;

pub use admin::{StoredLogin, StoredToken};
pub use governance::Record;
pub use import::Batch;
pub use logs::{LogKey, LogStore, LOGS_FILE_NAME};
pub use logs_compact::Compaction;
pub use logs_query::{LogFilter, PageSpec, SortBy, Summary};
pub use logs_record::{format_micros, parse_micros, LogContent, LogRecord, Status};

/// The store file's name inside the data dir.
pub const FILE_NAME: &str = "bifrost.redb";

/// The schema this build writes.
pub const SCHEMA_VERSION: u64 = 1;

const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
const PROVIDERS: TableDefinition<&str, &[u8]> = TableDefinition::new("providers");

const VERSION_KEY: &str = "schema_version";
const SEQ_KEY: &str = "provider_seq";

/// Where a provider's definition came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Declared in `bifrost.toml`; rewritten from the file at every start.
    File,
    /// Created through the CLI or the management API.
    Api,
}

/// A provider as kept in the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredProvider {
    /// Creation order; bare model names resolve to the earliest matching provider.
    pub seq: u64,
    /// Where it was defined.
    pub origin: Origin,
    /// Its settings.
    pub config: ProviderConfig,
}

/// Store failures callers act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process (normally a running `bifrost serve`) holds the file.
    #[error(
        "the store {0} is in use by another process (is `bifrost serve` running on this data dir?)"
    )]
    Locked(PathBuf),
    /// The file was written by a newer bifrost.
    #[error("the store {path} has schema version {found}, but this bifrost supports up to {supported}; upgrade bifrost (the file was not modified)")]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u64,
        /// Ours.
        supported: u64,
    },
    /// The data dir could not be created.
    #[error("cannot create data dir {path}")]
    DataDir {
        /// The dir.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A record could not be decoded.
    #[error("corrupt record for `{name}` in the store: {source}")]
    Corrupt {
        /// Record key.
        name: String,
        /// Why.
        source: serde_json::Error,
    },
    /// Another record of the kind already has the name.
    #[error("a {kind} named `{name}` already exists; pick another name")]
    NameTaken {
        /// `virtual key`, `team` or `customer`.
        kind: &'static str,
        /// The name.
        name: String,
    },
    /// The store is held alone for a moment (the request log during a compaction);
    /// the same call succeeds once it ends.
    #[error("{0}; retry in a moment")]
    Busy(&'static str),
    /// Anything redb reports.
    #[error("store error: {0}")]
    Db(Box<redb::Error>),
}

macro_rules! db_err {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Db(Box::new(e.into()))
            }
        }
    )*};
}
db_err!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

/// An open store.
pub struct Store {
    db: Database,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir`, migrating it forward.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let path = data_dir.join(FILE_NAME);
        let db = Database::create(&path).map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => StoreError::Locked(path.clone()),
            other => StoreError::Db(Box::new(other.into())),
        })?;
        let store = Store { db, path };
        store.migrate()?;
        Ok(store)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            let found = meta.get(VERSION_KEY)?.map(|v| v.value());
            match found {
                Some(v) if v > SCHEMA_VERSION => {
                    drop(meta);
                    txn.abort()?;
                    return Err(StoreError::TooNew {
                        path: self.path.clone(),
                        found: v,
                        supported: SCHEMA_VERSION,
                    });
                }
                // Version 1 is the first schema; later versions add steps here, each
                // taking the file from version N to N+1 inside this one transaction.
                Some(_) => {}
                None => {
                    txn.open_table(PROVIDERS)?;
                }
            }
            meta.insert(VERSION_KEY, SCHEMA_VERSION)?;
        }
        txn.commit()?;
        Ok(())
    }

    /// The schema version recorded in the file.
    pub fn schema_version(&self) -> Result<u64, StoreError> {
        let txn = self.db.begin_read()?;
        let meta = txn.open_table(META)?;
        Ok(meta.get(VERSION_KEY)?.map_or(0, |v| v.value()))
    }

    /// Every provider, in creation order.
    pub fn providers(&self) -> Result<Vec<(String, StoredProvider)>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(PROVIDERS)?;
        let mut out = Vec::new();
        for item in table.iter()? {
            let (name, bytes) = item?;
            let name = name.value().to_string();
            let stored = decode(&name, bytes.value())?;
            out.push((name, stored));
        }
        out.sort_by_key(|(_, p)| p.seq);
        Ok(out)
    }

    /// One provider.
    pub fn provider(&self, name: &str) -> Result<Option<StoredProvider>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = txn.open_table(PROVIDERS)?;
        let found = table.get(name)?;
        found.map(|b| decode(name, b.value())).transpose()
    }

    /// Creates or replaces a provider, keeping its place in the order when it exists.
    pub fn put_provider(
        &self,
        name: &str,
        config: &ProviderConfig,
        origin: Origin,
    ) -> Result<StoredProvider, StoreError> {
        let txn = self.db.begin_write()?;
        let stored = put_provider_in(&txn, name, config, origin)?;
        txn.commit()?;
        Ok(stored)
    }

    /// Deletes a provider; false when there was none.
    pub fn delete_provider(&self, name: &str) -> Result<bool, StoreError> {
        let txn = self.db.begin_write()?;
        let removed = {
            let mut table = txn.open_table(PROVIDERS)?;
            let removed = table.remove(name)?.is_some();
            removed
        };
        txn.commit()?;
        Ok(removed)
    }

    /// A cheap read proving the file answers, for `/health`.
    pub fn ping(&self) -> Result<(), StoreError> {
        self.schema_version().map(|_| ())
    }
}

/// Creates or replaces a provider within `txn`, keeping its place in the order when it
/// exists.
pub(super) fn put_provider_in(
    txn: &redb::WriteTransaction,
    name: &str,
    config: &ProviderConfig,
    origin: Origin,
) -> Result<StoredProvider, StoreError> {
    let mut table = txn.open_table(PROVIDERS)?;
    let existing = table
        .get(name)?
        .map(|b| decode(name, b.value()))
        .transpose()?;
    let seq = match existing {
        Some(e) => e.seq,
        None => {
            let mut meta = txn.open_table(META)?;
            let next = meta.get(SEQ_KEY)?.map_or(0, |v| v.value()) + 1;
            meta.insert(SEQ_KEY, next)?;
            next
        }
    };
    let stored = StoredProvider {
        seq,
        origin,
        config: config.clone(),
    };
    let bytes = serde_json::to_vec(&stored).map_err(|source| StoreError::Corrupt {
        name: name.to_string(),
        source,
    })?;
    table.insert(name, bytes.as_slice())?;
    Ok(stored)
}

fn decode(name: &str, bytes: &[u8]) -> Result<StoredProvider, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| StoreError::Corrupt {
        name: name.to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ProviderType;

    #[test]
    fn providers_keep_creation_order_across_updates() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let cfg = ProviderConfig::new(ProviderType::Mock);
        store.put_provider("zeta", &cfg, Origin::Api).unwrap();
        store.put_provider("alpha", &cfg, Origin::File).unwrap();
        store.put_provider("zeta", &cfg, Origin::Api).unwrap();
        let names: Vec<_> = store
            .providers()
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["zeta", "alpha"]);
        assert!(store.delete_provider("zeta").unwrap());
        assert!(!store.delete_provider("zeta").unwrap());
    }

    #[test]
    fn second_open_is_refused_while_held() {
        let dir = tempfile::tempdir().unwrap();
        let _held = Store::open(dir.path()).unwrap();
        assert!(matches!(
            Store::open(dir.path()),
            Err(StoreError::Locked(_))
        ));
    }

    #[test]
    fn newer_schema_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let txn = store.db.begin_write().unwrap();
            txn.open_table(META)
                .unwrap()
                .insert(VERSION_KEY, 99)
                .unwrap();
            txn.commit().unwrap();
        }
        let err = Store::open(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
        assert!(err.to_string().contains("upgrade bifrost"));
        // Refusing did not rewrite the version.
        let db = Database::create(dir.path().join(FILE_NAME)).unwrap();
        let txn = db.begin_read().unwrap();
        let v = txn
            .open_table(META)
            .unwrap()
            .get(VERSION_KEY)
            .unwrap()
            .unwrap()
            .value();
        assert_eq!(v, 99);
    }
}
