//! The request log's store: a redb file of its own (`logs.redb`) beside the
//! management store, so a busy log writer never queues the management writes behind
//! it (redb has one writer per file) and a log that is pruned or deleted never
//! touches the providers and keys.
//!
//! Layout, every table keyed by `(timestamp in µs, seq)` so time ranges are key
//! ranges and the newest page is the end of the table:
//! - `log_facts`: 28 fixed bytes per record (status, latency, tokens, cost): what
//!   filters and stats read, so a scan of a day never decodes JSON;
//! - `log_records`: the metadata as JSON;
//! - `log_content`: request and response as JSON, apart, so content retention drops it
//!   alone and only a content search reads it;
//! - `log_ids`: request id to key, for `GET /api/logs/{id}`;
//! - `log_index`: one empty entry per (provider | model | virtual key | error, value,
//!   key), so a filtered newest-first page walks only the matching keys;
//! - `log_hours`: totals per hour (`logs_hours.rs`), for unfiltered summaries;
//! - `log_cube`: totals per hour and indexed dimensions (`logs_cube.rs`), for the
//!   totals of filtered lists.
//!
//! The database sits behind a `RwLock` only so that compaction (`logs_compact.rs`) can
//! have it alone: every query and write shares it, and compaction never waits for it.

use std::path::{Path, PathBuf};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, TryLockError};

use redb::{Database, ReadableTable, ReadableTableMetadata, TableDefinition};

use super::logs_cube::{CubeChanges, CUBE};
use super::logs_hours::{HourChanges, HOURS};
use super::logs_record::{Facts, LogContent, LogRecord, Status, FACTS_LEN};
use super::StoreError;

/// The log store's file name inside the data dir.
pub const LOGS_FILE_NAME: &str = "logs.redb";

/// A record's key: arrival time in microseconds, then a sequence number that makes
/// records of the same microsecond distinct.
pub type LogKey = (u64, u64);

pub(super) const FACTS: TableDefinition<LogKey, [u8; FACTS_LEN]> =
    TableDefinition::new("log_facts");
pub(super) const RECORDS: TableDefinition<LogKey, &[u8]> = TableDefinition::new("log_records");
pub(super) const CONTENT: TableDefinition<LogKey, &[u8]> = TableDefinition::new("log_content");
pub(super) const IDS: TableDefinition<&str, LogKey> = TableDefinition::new("log_ids");
pub(super) const INDEX: TableDefinition<&[u8], ()> = TableDefinition::new("log_index");

/// The indexed dimensions, by the tag byte that starts their index keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dim {
    Provider = 1,
    Model = 2,
    VirtualKey = 3,
    /// Only `error` is indexed: success is nearly every record, so a scan serves it.
    Status = 4,
}

/// The index entry of `value` in `dim` for the record at `key`.
pub(super) fn index_key(dim: Dim, value: &str, key: LogKey) -> Vec<u8> {
    let v = value.as_bytes();
    let len = u16::try_from(v.len()).unwrap_or(u16::MAX);
    let v = &v[..usize::from(len)];
    let mut out = Vec::with_capacity(3 + v.len() + 16);
    out.push(dim as u8);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(v);
    out.extend_from_slice(&key.0.to_be_bytes());
    out.extend_from_slice(&key.1.to_be_bytes());
    out
}

/// The record key at the end of an index entry.
pub(super) fn key_of_index(entry: &[u8]) -> Option<LogKey> {
    let tail = entry.len().checked_sub(16)?;
    let ts = u64::from_be_bytes(entry[tail..tail + 8].try_into().ok()?);
    let seq = u64::from_be_bytes(entry[tail + 8..].try_into().ok()?);
    Some((ts, seq))
}

/// The index entries of `record`.
pub(super) fn index_entries(record: &LogRecord, key: LogKey) -> Vec<Vec<u8>> {
    let mut out = Vec::with_capacity(4);
    if let Some(p) = &record.provider {
        out.push(index_key(Dim::Provider, p, key));
    }
    if let Some(m) = &record.model {
        out.push(index_key(Dim::Model, m, key));
    }
    for vk in [&record.virtual_key_name, &record.virtual_key_id]
        .into_iter()
        .flatten()
    {
        out.push(index_key(Dim::VirtualKey, vk, key));
    }
    if record.status == Status::Error {
        out.push(index_key(Dim::Status, Status::Error.as_str(), key));
    }
    out
}

/// The open request-log store.
pub struct LogStore {
    pub(super) db: RwLock<Database>,
    path: PathBuf,
}

impl std::fmt::Debug for LogStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogStore")
            .field("path", &self.path)
            .finish()
    }
}

fn corrupt(key: LogKey, source: serde_json::Error) -> StoreError {
    StoreError::Corrupt {
        name: format!("log record {}.{}", key.0, key.1),
        source,
    }
}

/// Memory the log store's page cache may hold.
const LOG_CACHE_BYTES: usize = 64 * 1024 * 1024;

impl LogStore {
    /// Opens (creating if needed) the log store in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<LogStore, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let path = data_dir.join(LOGS_FILE_NAME);
        // redb caches up to 1 GiB by default, and a log written all day fills it: the
        // soak bench saw RSS climb ~1.6 MiB/s. Appends and recent-first queries need
        // little; the OS page cache serves the rest.
        let db = Database::builder()
            .set_cache_size(LOG_CACHE_BYTES)
            .create(&path)
            .map_err(|e| match e {
                redb::DatabaseError::DatabaseAlreadyOpen => StoreError::Locked(path.clone()),
                other => StoreError::Db(Box::new(other.into())),
            })?;
        let txn = db.begin_write()?;
        txn.open_table(FACTS)?;
        txn.open_table(RECORDS)?;
        txn.open_table(CONTENT)?;
        txn.open_table(IDS)?;
        txn.open_table(INDEX)?;
        txn.open_table(HOURS)?;
        txn.open_table(CUBE)?;
        build_cube(&txn)?;
        txn.commit()?;
        Ok(LogStore {
            db: RwLock::new(db),
            path,
        })
    }

    /// The database for one query: "busy, retry" while a compaction holds it, so a
    /// reader never waits behind one.
    pub(super) fn reading(&self) -> Result<RwLockReadGuard<'_, Database>, StoreError> {
        match self.db.try_read() {
            Ok(db) => Ok(db),
            // A panic elsewhere leaves the database as consistent as redb keeps it.
            Err(TryLockError::Poisoned(p)) => Ok(p.into_inner()),
            Err(TryLockError::WouldBlock) => {
                Err(StoreError::Busy("the request log is being compacted"))
            }
        }
    }

    /// The database for a write (the writer, retention, deletes): waits out a
    /// compaction, since these run in the background where waiting costs no request.
    pub(super) fn writing(&self) -> RwLockReadGuard<'_, Database> {
        self.db.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `records` in one transaction, each under its timestamp and the next
    /// sequence number; content is written apart. The records are lent mutably only
    /// to set their content aside while their metadata is encoded; they come back
    /// as they were.
    pub fn append(&self, records: &mut [LogRecord]) -> Result<(), StoreError> {
        let db = self.writing();
        let txn = db.begin_write()?;
        {
            let mut facts = txn.open_table(FACTS)?;
            let mut metas = txn.open_table(RECORDS)?;
            let mut contents = txn.open_table(CONTENT)?;
            let mut ids = txn.open_table(IDS)?;
            let mut index = txn.open_table(INDEX)?;
            // The sequence continues from the newest record, so keys stay unique
            // across restarts without a counter of their own.
            let mut seq = facts.last()?.map_or(0, |(k, _)| k.value().1);
            let mut meta = Vec::with_capacity(512);
            let mut content_bytes = Vec::with_capacity(2048);
            let mut hours = HourChanges::default();
            let mut cube = CubeChanges::default();
            for record in records.iter_mut() {
                seq += 1;
                let key = (record.timestamp, seq);
                let f = record.facts();
                hours.add(key.0, &f);
                cube.add(record, &f);
                facts.insert(key, f.encode())?;
                meta.clear();
                // The metadata is the record without its content, which goes apart.
                let content = record.content.take();
                let encoded = serde_json::to_writer(&mut meta, &*record);
                record.content = content;
                encoded.map_err(|e| corrupt(key, e))?;
                metas.insert(key, meta.as_slice())?;
                if let Some(content) = &record.content {
                    content_bytes.clear();
                    content.encode(&mut content_bytes);
                    contents.insert(key, content_bytes.as_slice())?;
                }
                ids.insert(record.id.as_str(), key)?;
                for entry in index_entries(record, key) {
                    index.insert(entry.as_slice(), ())?;
                }
            }
            hours.apply(&txn)?;
            cube.apply(&txn)?;
        }
        txn.commit()?;
        Ok(())
    }

    /// The record with request id `id` (the newest, when a client reused an id), with
    /// its content when still kept.
    pub fn get(&self, id: &str) -> Result<Option<LogRecord>, StoreError> {
        let db = self.reading()?;
        let txn = db.begin_read()?;
        let ids = txn.open_table(IDS)?;
        let Some(key) = ids.get(id)?.map(|k| k.value()) else {
            return Ok(None);
        };
        let records = txn.open_table(RECORDS)?;
        let contents = txn.open_table(CONTENT)?;
        load(&records, Some(&contents), key)
    }

    /// Removes records older than `records_before` and the content of records older
    /// than `content_before` (both µs since the epoch), at most `batch` of each, in one
    /// short transaction; returns how many of each went. Called repeatedly in the
    /// background, so the writer never waits long behind it.
    pub fn prune(
        &self,
        records_before: u64,
        content_before: u64,
        batch: usize,
    ) -> Result<(usize, usize), StoreError> {
        let db = self.writing();
        let txn = db.begin_write()?;
        let counts = {
            let old: Vec<LogKey> = {
                let facts = txn.open_table(FACTS)?;
                let range = facts.range((0, 0)..(records_before, 0))?;
                range
                    .take(batch)
                    .map(|e| e.map(|(k, _)| k.value()))
                    .collect::<Result<_, _>>()?
            };
            let removed = remove_keys(&txn, &old)?;
            let mut contents = txn.open_table(CONTENT)?;
            let stale: Vec<LogKey> = contents
                .range((0, 0)..(content_before, 0))?
                .take(batch)
                .map(|e| e.map(|(k, _)| k.value()))
                .collect::<Result<_, _>>()?;
            for key in &stale {
                contents.remove(key)?;
            }
            (removed, stale.len())
        };
        txn.commit()?;
        Ok(counts)
    }
}

/// Reads the record at `key`, with its content when `contents` is given.
pub(super) fn load(
    records: &impl ReadableTable<LogKey, &'static [u8]>,
    contents: Option<&impl ReadableTable<LogKey, &'static [u8]>>,
    key: LogKey,
) -> Result<Option<LogRecord>, StoreError> {
    let Some(meta) = records.get(key)? else {
        return Ok(None);
    };
    let mut record: LogRecord =
        serde_json::from_slice(meta.value()).map_err(|e| corrupt(key, e))?;
    if let Some(contents) = contents {
        if let Some(bytes) = contents.get(key)? {
            let content: LogContent =
                serde_json::from_slice(bytes.value()).map_err(|e| corrupt(key, e))?;
            record.content = Some(content);
        }
    }
    Ok(Some(record))
}

/// Removes the records at `keys` from every table in `txn`; returns how many existed.
pub(super) fn remove_keys(
    txn: &redb::WriteTransaction,
    keys: &[LogKey],
) -> Result<usize, StoreError> {
    let mut facts = txn.open_table(FACTS)?;
    let mut metas = txn.open_table(RECORDS)?;
    let mut contents = txn.open_table(CONTENT)?;
    let mut ids = txn.open_table(IDS)?;
    let mut index = txn.open_table(INDEX)?;
    let mut removed = 0;
    let mut hours = HourChanges::default();
    let mut cube = CubeChanges::default();
    for &key in keys {
        let f = facts.remove(key)?.map(|f| Facts::decode(&f.value()));
        if let Some(f) = &f {
            hours.remove(key.0, f);
        }
        contents.remove(key)?;
        let Some(meta) = metas.remove(key)? else {
            continue;
        };
        removed += 1;
        // A record that cannot be decoded still goes; only its index entries stay
        // behind, and queries skip entries whose record is gone.
        let Ok(record) = serde_json::from_slice::<LogRecord>(meta.value()) else {
            continue;
        };
        drop(meta);
        if let Some(f) = &f {
            cube.remove(&record, f);
        }
        if ids.get(record.id.as_str())?.map(|k| k.value()) == Some(key) {
            ids.remove(record.id.as_str())?;
        }
        for entry in index_entries(&record, key) {
            index.remove(entry.as_slice())?;
        }
    }
    hours.apply(txn)?;
    cube.apply(txn)?;
    Ok(removed)
}

/// Fills the cube from the records of a file written before it existed: once, when
/// the cube is empty but records are not (on 1,000,000 records, seconds).
fn build_cube(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    if !txn.open_table(CUBE)?.is_empty()? || txn.open_table(FACTS)?.is_empty()? {
        return Ok(());
    }
    let facts = txn.open_table(FACTS)?;
    let metas = txn.open_table(RECORDS)?;
    let mut cube = CubeChanges::default();
    for entry in facts.iter()? {
        let (k, f) = entry?;
        let key = k.value();
        let Some(meta) = metas.get(key)? else {
            continue;
        };
        // An undecodable record stays out of the filtered totals, as it stays out of
        // every page.
        if let Ok(record) = serde_json::from_slice::<LogRecord>(meta.value()) {
            cube.add(&record, &Facts::decode(&f.value()));
        }
    }
    drop((facts, metas));
    cube.apply(txn)
}
