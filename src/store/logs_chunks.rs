//! A block's metadata and content, stored as packed lists (`logs_block.rs`) cut into
//! chunks of at most [`CHUNK_BYTES`], each under `(block key, first position)`.
//!
//! Why chunks and not one value per block: redb gives a value larger than a page a
//! run of pages rounded up to a power of two, so the ~1 MB of content of 512 records
//! would take 1 or 2 MiB depending on a few bytes, and freed runs of one size are
//! poorly reused by values of another (the retention test's file grew ~50% before it
//! settled). Chunks just under 64 KiB waste at most the tail of a block's last chunk
//! and are reused by any later chunk.

use redb::{ReadableTable, Table, WriteTransaction};

use super::logs_block::{packed_len, unpack, BlockKey, Packer};
use super::StoreError;

/// A chunk's key: its block's key, then the position of its first record.
pub(super) type ChunkKey = (u64, u64, u16);

/// Bytes of a chunk at most, leaving room for redb's page header in 64 KiB; a single
/// larger item gets a chunk of its own.
const CHUNK_BYTES: usize = 64 * 1024 - 512;

/// The key range of every chunk of the block at `key`.
pub(super) fn chunks_of(key: BlockKey) -> std::ops::RangeInclusive<ChunkKey> {
    (key.0, key.1, 0)..=(key.0, key.1, u16::MAX)
}

/// Cuts a block's items into chunks as they come.
pub(super) struct ChunkWriter {
    first: u16,
    next: u16,
    packer: Packer,
    done: Vec<(u16, Vec<u8>)>,
}

impl ChunkWriter {
    /// A writer for items of about `each` bytes.
    pub fn new(each: usize) -> ChunkWriter {
        ChunkWriter {
            first: 0,
            next: 0,
            packer: Packer::new(CHUNK_BYTES / each.max(1), each),
            done: Vec::new(),
        }
    }

    /// Adds the next position's item (empty: none).
    pub fn push(&mut self, item: &[u8]) {
        let held = self.packer.buffer().len() + 4 * usize::from(self.next - self.first);
        if self.next > self.first && held + item.len() + 8 > CHUNK_BYTES {
            self.cut();
        }
        self.packer.buffer().extend_from_slice(item);
        self.packer.end_item();
        self.next += 1;
    }

    fn cut(&mut self) {
        let packer = std::mem::replace(&mut self.packer, Packer::new(16, 0));
        // A chunk of empty items (records without content) is not stored: a lookup
        // finds no chunk holding the position, which means none.
        if !packer.is_empty() {
            self.done.push((self.first, packer.finish()));
        }
        self.first = self.next;
    }

    /// The chunks, by first position.
    pub fn finish(mut self) -> Vec<(u16, Vec<u8>)> {
        self.cut();
        self.done
    }
}

/// Writes `chunks` of the block at `key` into `table`.
pub(super) fn insert(
    table: &mut Table<'_, ChunkKey, &'static [u8]>,
    key: BlockKey,
    chunks: &[(u16, Vec<u8>)],
) -> Result<(), StoreError> {
    for (first, bytes) in chunks {
        table.insert((key.0, key.1, *first), bytes.as_slice())?;
    }
    Ok(())
}

/// Every chunk of the block at `key`, by first position.
pub(super) fn read_all(
    table: &impl ReadableTable<ChunkKey, &'static [u8]>,
    key: BlockKey,
) -> Result<Vec<(u16, Vec<u8>)>, StoreError> {
    let mut out = Vec::new();
    for entry in table.range(chunks_of(key))? {
        let (k, v) = entry?;
        out.push((k.value().2, v.value().to_vec()));
    }
    Ok(out)
}

/// The item at `pos` among a block's `chunks`.
pub(super) fn item_in(chunks: &[(u16, Vec<u8>)], pos: u16) -> Option<&[u8]> {
    let (first, bytes) = chunks.iter().rev().find(|(first, _)| *first <= pos)?;
    unpack(bytes, usize::from(pos - first))
}

/// Items with content in a chunk.
pub(super) fn count_items(bytes: &[u8]) -> usize {
    (0..packed_len(bytes))
        .filter(|&i| unpack(bytes, i).is_some())
        .count()
}

/// Removes every chunk of the block at `key` from `table`; returns their items.
pub(super) fn remove_all(
    txn: &WriteTransaction,
    table: redb::TableDefinition<ChunkKey, &'static [u8]>,
    key: BlockKey,
) -> Result<Vec<(u16, Vec<u8>)>, StoreError> {
    let mut t = txn.open_table(table)?;
    let chunks = read_all(&t, key)?;
    for (first, _) in &chunks {
        t.remove((key.0, key.1, *first))?;
    }
    Ok(chunks)
}

/// Reads items by block and position, keeping the last chunk read (a page's records
/// and a block's scan are mostly in a few chunks).
pub(super) struct ChunkReader<T> {
    table: T,
    last: Option<(BlockKey, u16, Vec<u8>)>,
}

impl<T: ReadableTable<ChunkKey, &'static [u8]>> ChunkReader<T> {
    /// A reader of `table`.
    pub fn new(table: T) -> ChunkReader<T> {
        ChunkReader { table, last: None }
    }

    /// The item at `pos` of the block at `key`.
    pub fn item(&mut self, key: BlockKey, pos: u16) -> Result<Option<&[u8]>, StoreError> {
        let cached = self.last.as_ref().is_some_and(|(k, first, bytes)| {
            *k == key && *first <= pos && usize::from(pos - first) < packed_len(bytes)
        });
        if !cached {
            let range = (key.0, key.1, 0)..=(key.0, key.1, pos);
            let found = self.table.range(range)?.next_back().transpose()?;
            let Some((k, v)) = found else {
                return Ok(None);
            };
            self.last = Some((key, k.value().2, v.value().to_vec()));
        }
        Ok(self
            .last
            .as_ref()
            .and_then(|(_, first, bytes)| unpack(bytes, usize::from(pos - first))))
    }
}
