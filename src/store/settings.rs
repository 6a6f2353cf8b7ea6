//! Client settings: those changed through the API (`PUT /api/config`) and those the
//! config file declared at the last start, each a JSON object of `[client]` keys.
//! Kept apart so the file can win for what it declares without losing what was set
//! through the API for the rest. Created on first write like the governance tables.

use redb::{TableDefinition, TableError};
use serde_json::{Map, Value};

use super::{Store, StoreError};

const SETTINGS: TableDefinition<'static, &'static str, &'static [u8]> =
    TableDefinition::new("client_settings");

const FROM_API: &str = "api";
const FROM_FILE: &str = "file";

impl Store {
    fn settings_entry(&self, key: &str) -> Result<Map<String, Value>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = match txn.open_table(SETTINGS) {
            Ok(t) => t,
            Err(TableError::TableDoesNotExist(_)) => return Ok(Map::new()),
            Err(e) => return Err(e.into()),
        };
        let found = table.get(key)?;
        match found {
            Some(v) => serde_json::from_slice(v.value()).map_err(|source| StoreError::Corrupt {
                name: key.to_string(),
                source,
            }),
            None => Ok(Map::new()),
        }
    }

    fn put_settings_entry(&self, key: &str, value: &Map<String, Value>) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(value).map_err(|source| StoreError::Corrupt {
            name: key.to_string(),
            source,
        })?;
        let txn = self.db.begin_write()?;
        {
            let mut table = txn.open_table(SETTINGS)?;
            table.insert(key, bytes.as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// The client settings set through the API.
    pub fn api_settings(&self) -> Result<Map<String, Value>, StoreError> {
        self.settings_entry(FROM_API)
    }

    /// Replaces the client settings set through the API.
    pub fn put_api_settings(&self, settings: &Map<String, Value>) -> Result<(), StoreError> {
        self.put_settings_entry(FROM_API, settings)
    }

    /// The client settings the config file declared at the last start.
    pub fn file_settings(&self) -> Result<Map<String, Value>, StoreError> {
        self.settings_entry(FROM_FILE)
    }

    /// Replaces the client settings the config file declares.
    pub fn put_file_settings(&self, settings: &Map<String, Value>) -> Result<(), StoreError> {
        self.put_settings_entry(FROM_FILE, settings)
    }
}
