//! The request log's store: a redb file of its own (`logs.redb`) beside the
//! management store, so a busy log writer never queues the management writes behind
//! it (redb has one writer per file) and a log that is pruned or deleted never
//! touches the providers and keys.
//!
//! Records are stored in blocks: each `append` (the writer's batch) is split into
//! blocks of at most 512 records in timestamp order, and a block is ONE value per
//! table, keyed by `BlockKey` (its newest timestamp, a sequence number):
//! - `log_blocks`: the fixed-width facts, timestamps and a dictionary of provider,
//!   model and virtual key values (`logs_block.rs`): what filters and stats read, so a
//!   scan of a day reads ~20 KiB per 512 records and never decodes JSON;
//! - `log_block_meta`: each record's metadata as JSON, read only for the page returned
//!   (apart from the facts so that stats do not read it);
//! - `log_block_content`: request and response as JSON, apart, so content retention
//!   drops it alone and only a content search reads it;
//! - `log_block_index`: one entry per (provider | model | virtual key | error, value,
//!   block) holding the positions of the records with that value, so a filtered
//!   newest-first page opens only the blocks it names. The virtual key is indexed by
//!   id; a filter by name finds the ids through `log_vk_names`;
//! - `log_block_ids`: request id to (block, position), for `GET /api/logs/{id}`;
//! - `log_hours`: totals per hour (`logs_hours.rs`), for unfiltered summaries;
//! - `log_cube`: totals per hour and indexed dimensions (`logs_cube.rs`), for the
//!   totals of filtered lists.
//!
//! Per record an append costs one `log_block_ids` insert; everything else is per
//! block or per distinct value in a block (the per-record layout before cost 7-8
//! B-tree inserts per record and leaf splits for every ~2 KB content value).
//! Blocks overlap in time (a slow request lands in a later batch than requests that
//! arrived after it), so walks in time order merge them (`logs_query.rs`) using the
//! widest span any block has had (`span` in `log_block_meta_info`).
//!
//! Retention drops whole blocks: a block goes when its NEWEST record is past the
//! cutoff, so a record may outlive its retention by as long as its batch's spread
//! (normally the writer's flush interval). Deleting some records of a block rewrites
//! that block with the records marked deleted, so positions never move.
//!
//! A file written by the per-record layout is converted on open (`logs_migrate.rs`).
//!
//! The database sits behind a `RwLock` only so that compaction (`logs_compact.rs`) can
//! have it alone: every query and write shares it, and compaction never waits for it.

use std::path::{Path, PathBuf};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, TryLockError};

use redb::{Database, ReadableTable, TableDefinition, WriteTransaction};

use super::logs_block::{encode_facts, repack_without, tombstone, FactsBlock, MAX_BLOCK};
pub(super) use super::logs_block::{BlockKey, Dim};
use super::logs_chunks::{self, count_items, item_in, ChunkKey, ChunkReader, ChunkWriter};
use super::logs_cube::{CubeChanges, CUBE};
use super::logs_hours::{HourChanges, HOURS};
use super::logs_record::{LogContent, LogRecord};
use super::StoreError;

/// The log store's file name inside the data dir.
pub const LOGS_FILE_NAME: &str = "logs.redb";

/// A record's place in time order: its arrival time in microseconds, then its
/// block's sequence number and position (`seq << 16 | position`), which makes
/// records of the same microsecond distinct and keeps them in write order.
pub type LogKey = (u64, u64);

pub(super) const BLOCKS: TableDefinition<BlockKey, &[u8]> = TableDefinition::new("log_blocks");
pub(super) const METAS: TableDefinition<ChunkKey, &[u8]> = TableDefinition::new("log_block_meta");
pub(super) const CONTENTS: TableDefinition<ChunkKey, &[u8]> =
    TableDefinition::new("log_block_content");
pub(super) const INDEX: TableDefinition<&[u8], &[u8]> = TableDefinition::new("log_block_index");
pub(super) const IDS: TableDefinition<&str, (u64, u64, u16)> =
    TableDefinition::new("log_block_ids");
/// `name \0 id` of every virtual key seen, so a filter by name finds its ids.
pub(super) const VK_NAMES: TableDefinition<&[u8], ()> = TableDefinition::new("log_vk_names");
/// Counters: the next block sequence number, the widest block span (µs).
pub(super) const INFO: TableDefinition<&str, u64> = TableDefinition::new("log_block_meta_info");
pub(super) const SEQ: &str = "seq";
pub(super) const SPAN: &str = "span";

/// The index entry of `value` in `dim` for the block at `key`.
pub(super) fn index_key(dim: Dim, value: &str, key: BlockKey) -> Vec<u8> {
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

/// The block key at the end of an index entry.
pub(super) fn key_of_index(entry: &[u8]) -> Option<BlockKey> {
    let tail = entry.len().checked_sub(16)?;
    let ts = u64::from_be_bytes(entry[tail..tail + 8].try_into().ok()?);
    let seq = u64::from_be_bytes(entry[tail + 8..].try_into().ok()?);
    Some((ts, seq))
}

/// The positions an index entry's value lists.
pub(super) fn positions(value: &[u8]) -> Vec<u16> {
    value
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect()
}

/// The key of a virtual key's name-to-id entry.
pub(super) fn vk_name_key(name: &str, id: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(name.len() + 1 + id.len());
    k.extend_from_slice(name.as_bytes());
    k.push(0);
    k.extend_from_slice(id.as_bytes());
    k
}

/// The time-order key of position `pos` in the block at `block`.
pub(super) fn record_key(ts: u64, block: BlockKey, pos: u16) -> LogKey {
    (ts, block.1 << 16 | u64::from(pos))
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

pub(super) fn corrupt(block: BlockKey, source: serde_json::Error) -> StoreError {
    StoreError::Corrupt {
        name: format!("log block {}.{}", block.0, block.1),
        source,
    }
}

/// Memory the log store's page cache may hold.
const LOG_CACHE_BYTES: usize = 64 * 1024 * 1024;

impl LogStore {
    /// Opens (creating if needed) the log store in `data_dir`, converting a file
    /// written by the per-record layout.
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
        txn.open_table(BLOCKS)?;
        txn.open_table(METAS)?;
        txn.open_table(CONTENTS)?;
        txn.open_table(INDEX)?;
        txn.open_table(IDS)?;
        txn.open_table(VK_NAMES)?;
        txn.open_table(INFO)?;
        txn.open_table(HOURS)?;
        txn.open_table(CUBE)?;
        txn.commit()?;
        super::logs_migrate::run(&db)?;
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

    /// Writes `records` in one transaction, in blocks of at most 512 in timestamp
    /// order. The records are lent mutably only to set their content aside while
    /// their metadata is encoded; they come back as they were.
    pub fn append(&self, records: &mut [LogRecord]) -> Result<(), StoreError> {
        let db = self.writing();
        let txn = db.begin_write()?;
        let mut hours = HourChanges::default();
        let mut cube = CubeChanges::default();
        for r in records.iter() {
            let f = r.facts();
            hours.add(r.timestamp, &f);
            cube.add(r, &f);
        }
        write_blocks(&txn, records)?;
        hours.apply(&txn)?;
        cube.apply(&txn)?;
        txn.commit()?;
        Ok(())
    }

    /// The record with request id `id` (the newest, when a client reused an id), with
    /// its content when still kept.
    pub fn get(&self, id: &str) -> Result<Option<LogRecord>, StoreError> {
        let db = self.reading()?;
        let txn = db.begin_read()?;
        let ids = txn.open_table(IDS)?;
        let Some((ts, seq, pos)) = ids.get(id)?.map(|k| k.value()) else {
            return Ok(None);
        };
        let mut loader = Loader::new(&txn, true)?;
        loader.load((ts, seq), pos)
    }

    /// Removes the blocks whose newest record is older than `records_before` and the
    /// content of the blocks whose newest record is older than `content_before` (both
    /// µs since the epoch), blocks of about `batch` records of each, in one short
    /// transaction; returns how many records and contents went. Called repeatedly in
    /// the background, so the writer never waits long behind it.
    pub fn prune(
        &self,
        records_before: u64,
        content_before: u64,
        batch: usize,
    ) -> Result<(usize, usize), StoreError> {
        let db = self.writing();
        let txn = db.begin_write()?;
        let old = oldest_blocks(&txn, BLOCKS, records_before, batch, |b| {
            FactsBlock::parse(b).map_or(1, |f| (0..f.len()).filter(|&i| !f.deleted(i)).count())
        })?;
        let mut removed = 0;
        let mut changes = (HourChanges::default(), CubeChanges::default());
        for key in old {
            removed += drop_block(&txn, key, &mut changes)?;
        }
        changes.0.apply(&txn)?;
        changes.1.apply(&txn)?;
        let mut dropped = 0;
        let stale: Vec<ChunkKey> = {
            let contents = txn.open_table(CONTENTS)?;
            let range = contents.range((0, 0, 0)..(content_before, 0, 0))?;
            let mut keys = Vec::new();
            for entry in range {
                if dropped >= batch.max(1) {
                    break;
                }
                let (k, v) = entry?;
                dropped += count_items(v.value());
                keys.push(k.value());
            }
            keys
        };
        let mut contents = txn.open_table(CONTENTS)?;
        for key in stale {
            contents.remove(key)?;
        }
        drop(contents);
        txn.commit()?;
        Ok((removed, dropped))
    }
}

/// The keys of the oldest blocks of `table` whose newest record is before `before`,
/// until they hold `batch` records as `count` counts them (at least one block).
fn oldest_blocks(
    txn: &WriteTransaction,
    table: TableDefinition<BlockKey, &[u8]>,
    before: u64,
    batch: usize,
    count: impl Fn(&[u8]) -> usize,
) -> Result<Vec<BlockKey>, StoreError> {
    let table = txn.open_table(table)?;
    let mut keys = Vec::new();
    let mut held = 0;
    for entry in table.range((0, 0)..(before, 0))? {
        if held >= batch.max(1) {
            break;
        }
        let (k, v) = entry?;
        held += count(v.value());
        keys.push(k.value());
    }
    Ok(keys)
}

/// Writes `records` as new blocks in `txn`: everything but the hourly totals.
pub(super) fn write_blocks(
    txn: &WriteTransaction,
    records: &mut [LogRecord],
) -> Result<(), StoreError> {
    let mut blocks = txn.open_table(BLOCKS)?;
    let mut metas = txn.open_table(METAS)?;
    let mut contents = txn.open_table(CONTENTS)?;
    let mut index = txn.open_table(INDEX)?;
    let mut ids = txn.open_table(IDS)?;
    let mut names = txn.open_table(VK_NAMES)?;
    let mut info = txn.open_table(INFO)?;
    let mut seq = info.get(SEQ)?.map_or(0, |v| v.value());
    let mut span = info.get(SPAN)?.map_or(0, |v| v.value());
    let old_span = span;
    // The writer hands records in the order they finished; blocks keep arrival order.
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_key(|&i| records[i].timestamp);
    let mut seen_names: Vec<(String, String)> = Vec::new();
    let mut scratch = Vec::with_capacity(4096);
    for chunk in order.chunks(MAX_BLOCK) {
        seq += 1;
        let (Some(&first), Some(&last)) = (chunk.first(), chunk.last()) else {
            continue;
        };
        let key: BlockKey = (records[last].timestamp, seq);
        span = span.max(records[last].timestamp - records[first].timestamp);
        let mut meta = ChunkWriter::new(512);
        let mut content = ChunkWriter::new(2048);
        for &i in chunk {
            let record = &mut records[i];
            // The metadata is the record without its content, which goes apart.
            let taken = record.content.take();
            scratch.clear();
            let encoded = serde_json::to_writer(&mut scratch, &*record);
            record.content = taken;
            encoded.map_err(|e| corrupt(key, e))?;
            meta.push(&scratch);
            scratch.clear();
            if let Some(c) = &record.content {
                c.encode(&mut scratch);
            }
            content.push(&scratch);
        }
        let in_order: Vec<&LogRecord> = chunk.iter().map(|&i| &records[i]).collect();
        let facts = encode_facts(&in_order);
        let parsed = FactsBlock::parse(&facts).map_err(|e| corrupt(key, e))?;
        for ((dim, value), at) in parsed.index() {
            let bytes: Vec<u8> = at.iter().flat_map(|p| p.to_le_bytes()).collect();
            index.insert(index_key(dim, value, key).as_slice(), bytes.as_slice())?;
        }
        for (pos, r) in in_order.iter().enumerate() {
            ids.insert(r.id.as_str(), (key.0, key.1, pos as u16))?;
            if let (Some(name), Some(id)) = (&r.virtual_key_name, &r.virtual_key_id) {
                if !seen_names.iter().any(|(n, i)| n == name && i == id) {
                    seen_names.push((name.clone(), id.clone()));
                }
            }
        }
        blocks.insert(key, facts.as_slice())?;
        logs_chunks::insert(&mut metas, key, &meta.finish())?;
        logs_chunks::insert(&mut contents, key, &content.finish())?;
    }
    for (name, id) in seen_names {
        let k = vk_name_key(&name, &id);
        // Read before writing: nearly always there already, and a read is cheaper.
        if names.get(k.as_slice())?.is_none() {
            names.insert(k.as_slice(), ())?;
        }
    }
    info.insert(SEQ, seq)?;
    if span != old_span {
        info.insert(SPAN, span)?;
    }
    Ok(())
}

/// Reads records by block and position.
pub(super) struct Loader {
    metas: ChunkReader<redb::ReadOnlyTable<ChunkKey, &'static [u8]>>,
    contents: Option<ChunkReader<redb::ReadOnlyTable<ChunkKey, &'static [u8]>>>,
}

impl Loader {
    /// A loader in `txn`, reading content when `content`.
    pub fn new(txn: &redb::ReadTransaction, content: bool) -> Result<Loader, StoreError> {
        Ok(Loader {
            metas: ChunkReader::new(txn.open_table(METAS)?),
            contents: if content {
                Some(ChunkReader::new(txn.open_table(CONTENTS)?))
            } else {
                None
            },
        })
    }

    /// The record at `pos` of the block at `key`, with its content when asked for.
    pub fn load(&mut self, key: BlockKey, pos: u16) -> Result<Option<LogRecord>, StoreError> {
        let Some(bytes) = self.metas.item(key, pos)? else {
            return Ok(None);
        };
        let mut record: LogRecord = serde_json::from_slice(bytes).map_err(|e| corrupt(key, e))?;
        if let Some(contents) = &mut self.contents {
            if let Some(bytes) = contents.item(key, pos)? {
                let content: LogContent =
                    serde_json::from_slice(bytes).map_err(|e| corrupt(key, e))?;
                record.content = Some(content);
            }
        }
        Ok(Some(record))
    }
}

/// The request id in a record's metadata, read without decoding the rest.
fn id_of(meta: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct IdOnly {
        id: String,
    }
    serde_json::from_slice::<IdOnly>(meta).ok().map(|r| r.id)
}

/// Forgets the records at `gone` (live ones, of the block `facts` parses) in the
/// ids table and the hourly totals.
fn forget(
    txn: &WriteTransaction,
    key: BlockKey,
    facts: &FactsBlock<'_>,
    meta: &[(u16, Vec<u8>)],
    gone: &[u16],
    (hours, cube): &mut (HourChanges, CubeChanges),
) -> Result<(), StoreError> {
    let mut ids = txn.open_table(IDS)?;
    for &pos in gone {
        let i = usize::from(pos);
        let f = facts.facts(i);
        hours.remove(facts.timestamp(i), &f);
        cube.remove(&facts.dims_record(i), &f);
        // A record whose metadata cannot be read keeps its id entry; lookups skip it.
        if let Some(id) = item_in(meta, pos).and_then(id_of) {
            if ids.get(id.as_str())?.map(|v| v.value()) == Some((key.0, key.1, pos)) {
                ids.remove(id.as_str())?;
            }
        }
    }
    Ok(())
}

/// Removes the block at `key` from every table; returns how many live records it held.
fn drop_block(
    txn: &WriteTransaction,
    key: BlockKey,
    changes: &mut (HourChanges, CubeChanges),
) -> Result<usize, StoreError> {
    let Some(facts) = txn
        .open_table(BLOCKS)?
        .remove(key)?
        .map(|v| v.value().to_vec())
    else {
        return Ok(0);
    };
    let meta = logs_chunks::remove_all(txn, METAS, key)?;
    logs_chunks::remove_all(txn, CONTENTS, key)?;
    let facts = FactsBlock::parse(&facts).map_err(|e| corrupt(key, e))?;
    let live: Vec<u16> = (0..facts.len())
        .filter(|&i| !facts.deleted(i))
        .map(|i| i as u16)
        .collect();
    forget(txn, key, &facts, &meta, &live, changes)?;
    let mut index = txn.open_table(INDEX)?;
    for (dim, value) in facts.index().into_keys() {
        index.remove(index_key(dim, value, key).as_slice())?;
    }
    Ok(live.len())
}

/// Deletes the records at `positions` of the block at `key`: the block is rewritten
/// with them marked deleted (dropped whole when none is left); returns how many
/// were live.
pub(super) fn delete_in_block(
    txn: &WriteTransaction,
    key: BlockKey,
    positions: &[u16],
    changes: &mut (HourChanges, CubeChanges),
) -> Result<usize, StoreError> {
    let Some(bytes) = txn
        .open_table(BLOCKS)?
        .get(key)?
        .map(|v| v.value().to_vec())
    else {
        return Ok(0);
    };
    let before = FactsBlock::parse(&bytes).map_err(|e| corrupt(key, e))?;
    let gone: Vec<u16> = positions
        .iter()
        .copied()
        .filter(|&p| usize::from(p) < before.len() && !before.deleted(usize::from(p)))
        .collect();
    if gone.is_empty() {
        return Ok(0);
    }
    if (0..before.len()).all(|i| before.deleted(i) || gone.contains(&(i as u16))) {
        return drop_block(txn, key, changes);
    }
    let meta = logs_chunks::read_all(&txn.open_table(METAS)?, key)?;
    forget(txn, key, &before, &meta, &gone, changes)?;
    let rewritten = tombstone(&bytes, before.len(), &gone);
    let after = FactsBlock::parse(&rewritten).map_err(|e| corrupt(key, e))?;
    let mut index = txn.open_table(INDEX)?;
    let now = after.index();
    for (dim, value) in before.index().into_keys() {
        let k = index_key(dim, value, key);
        match now.get(&(dim, value)) {
            Some(at) => {
                let bytes: Vec<u8> = at.iter().flat_map(|p| p.to_le_bytes()).collect();
                index.insert(k.as_slice(), bytes.as_slice())?
            }
            None => index.remove(k.as_slice())?,
        };
    }
    txn.open_table(BLOCKS)?.insert(key, rewritten.as_slice())?;
    let contents = logs_chunks::read_all(&txn.open_table(CONTENTS)?, key)?;
    for (table, chunks) in [(METAS, meta), (CONTENTS, contents)] {
        let mut t = txn.open_table(table)?;
        for (first, bytes) in chunks {
            let here: Vec<u16> = gone.iter().filter_map(|&p| p.checked_sub(first)).collect();
            t.insert(
                (key.0, key.1, first),
                repack_without(&bytes, &here).as_slice(),
            )?;
        }
    }
    Ok(gone.len())
}
