//! Converts a request log written by the per-record layout (one entry per record in
//! `log_facts`, `log_records`, `log_content`, `log_ids` and `log_index`) into blocks
//! (`logs.rs`), so an upgrade keeps every record.
//!
//! It runs on open, in transactions of [`CHUNK`] records so the file never holds two
//! full copies of a large log at once in one transaction; a cursor in
//! `log_block_meta_info` lets a conversion cut short (a crash, a kill) resume where it
//! stopped. The old tables are dropped at the end. The hourly totals (`log_hours`,
//! `log_cube`) already count the old records and are kept; only a file from before
//! the cube existed gets its cube filled here.

use redb::{Database, ReadableTable, ReadableTableMetadata, TableDefinition, TableHandle};

use super::logs::{write_blocks, LogKey, INFO};
use super::logs_cube::{CubeChanges, CUBE};
use super::logs_record::{Facts, LogContent, LogRecord, FACTS_LEN};
use super::StoreError;

const OLD_FACTS: TableDefinition<LogKey, [u8; FACTS_LEN]> = TableDefinition::new("log_facts");
const OLD_RECORDS: TableDefinition<LogKey, &[u8]> = TableDefinition::new("log_records");
const OLD_CONTENT: TableDefinition<LogKey, &[u8]> = TableDefinition::new("log_content");
const OLD_IDS: TableDefinition<&str, LogKey> = TableDefinition::new("log_ids");
const OLD_INDEX: TableDefinition<&[u8], ()> = TableDefinition::new("log_index");

/// Records converted per transaction.
const CHUNK: usize = 10_000;
const CURSOR_TS: &str = "migrated_ts";
const CURSOR_SEQ: &str = "migrated_seq";
const FILL_CUBE: &str = "migrate_fills_cube";

/// Converts the old tables of `db`, if it has them.
pub(super) fn run(db: &Database) -> Result<(), StoreError> {
    let has_old = db
        .begin_read()?
        .list_tables()?
        .any(|t| t.name() == OLD_FACTS.name());
    if !has_old {
        return Ok(());
    }
    {
        let txn = db.begin_write()?;
        let fresh = txn.open_table(INFO)?.get(CURSOR_TS)?.is_none();
        if fresh && txn.open_table(CUBE)?.is_empty()? {
            txn.open_table(INFO)?.insert(FILL_CUBE, 1)?;
        }
        txn.commit()?;
    }
    let (mut converted, mut skipped) = (0u64, 0u64);
    loop {
        let txn = db.begin_write()?;
        let (after, fill_cube) = {
            let info = txn.open_table(INFO)?;
            let ts = info.get(CURSOR_TS)?.map(|v| v.value());
            let seq = info.get(CURSOR_SEQ)?.map_or(0, |v| v.value());
            let fill = info.get(FILL_CUBE)?.is_some();
            (ts.map(|ts| (ts, seq)), fill)
        };
        let mut records = Vec::with_capacity(CHUNK);
        let mut last = None;
        let mut cube = CubeChanges::default();
        {
            let facts = txn.open_table(OLD_FACTS)?;
            let metas = txn.open_table(OLD_RECORDS)?;
            let contents = txn.open_table(OLD_CONTENT)?;
            let range = match after {
                Some(a) => facts.range((a.0, a.1.saturating_add(1))..)?,
                None => facts.range::<LogKey>(..)?,
            };
            for entry in range.take(CHUNK) {
                let (k, f) = entry?;
                let key = k.value();
                last = Some(key);
                // A record that cannot be read was already invisible to every query.
                let Some(meta) = metas.get(key)? else {
                    skipped += 1;
                    continue;
                };
                let Ok(mut record) = serde_json::from_slice::<LogRecord>(meta.value()) else {
                    skipped += 1;
                    continue;
                };
                if let Some(c) = contents.get(key)? {
                    record.content = serde_json::from_slice::<LogContent>(c.value()).ok();
                }
                if fill_cube {
                    cube.add(&record, &Facts::decode(&f.value()));
                }
                records.push(record);
            }
        }
        let Some(last) = last else {
            txn.delete_table(OLD_FACTS)?;
            txn.delete_table(OLD_RECORDS)?;
            txn.delete_table(OLD_CONTENT)?;
            txn.delete_table(OLD_IDS)?;
            txn.delete_table(OLD_INDEX)?;
            let mut info = txn.open_table(INFO)?;
            for k in [CURSOR_TS, CURSOR_SEQ, FILL_CUBE] {
                info.remove(k)?;
            }
            drop(info);
            txn.commit()?;
            tracing::info!(
                converted,
                skipped,
                "request log converted to the block layout"
            );
            return Ok(());
        };
        converted += records.len() as u64;
        write_blocks(&txn, &mut records)?;
        cube.apply(&txn)?;
        let mut info = txn.open_table(INFO)?;
        info.insert(CURSOR_TS, last.0)?;
        info.insert(CURSOR_SEQ, last.1)?;
        drop(info);
        txn.commit()?;
    }
}
