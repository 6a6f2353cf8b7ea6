//! Routing tables: rules made through the CLI or API (JSON records keyed by id, through
//! the same [`Record`] calls as governance objects), and what `bifrost.toml` declares
//! (aliases and rules), replaced whole at every start so the file stays the truth for
//! what it declares.
//!
//! Like the governance tables, these are created on first write: older files need no
//! migration, and a missing table reads as empty.

use indexmap::IndexMap;
use redb::{TableDefinition, TableError};

use super::{Record, Store, StoreError};
use crate::config::{AliasConfig, RoutingDefs, RoutingRule};

const RULES: TableDefinition<'static, &'static str, &'static [u8]> =
    TableDefinition::new("routing_rules");
const FROM_FILE: TableDefinition<'static, &'static str, &'static [u8]> =
    TableDefinition::new("routing_from_file");

const FILE_ALIASES: &str = "models";
const FILE_RULES: &str = "routing_rules";

impl Record for RoutingRule {
    const TABLE: TableDefinition<'static, &'static str, &'static [u8]> = RULES;
    const KIND: &'static str = "routing rule";
    // Rules have no usage counters; the prefix matches none.
    const ENTITY: &'static str = "routing_rule";
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn created(&self) -> u64 {
        self.created_at
    }
}

fn corrupt(name: &str, source: serde_json::Error) -> StoreError {
    StoreError::Corrupt {
        name: name.to_string(),
        source,
    }
}

impl Store {
    /// Replaces the aliases and rules `bifrost.toml` declares.
    pub fn put_file_routing(
        &self,
        aliases: &IndexMap<String, AliasConfig>,
        rules: &[RoutingRule],
    ) -> Result<(), StoreError> {
        let aliases = serde_json::to_vec(aliases).map_err(|e| corrupt(FILE_ALIASES, e))?;
        let rules = serde_json::to_vec(rules).map_err(|e| corrupt(FILE_RULES, e))?;
        let txn = self.db.begin_write()?;
        {
            let mut table = txn.open_table(FROM_FILE)?;
            table.insert(FILE_ALIASES, aliases.as_slice())?;
            table.insert(FILE_RULES, rules.as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// The rules `bifrost.toml` declared at the last start.
    pub fn file_rules(&self) -> Result<Vec<RoutingRule>, StoreError> {
        self.file_entry(FILE_RULES)
    }

    /// Every alias and rule, the file's and the API's, for a routing snapshot.
    pub fn routing_defs(&self) -> Result<RoutingDefs, StoreError> {
        let mut rules = self.file_rules()?;
        rules.extend(self.records::<RoutingRule>()?);
        Ok(RoutingDefs {
            aliases: self.file_entry(FILE_ALIASES)?,
            rules,
        })
    }

    fn file_entry<T: serde::de::DeserializeOwned + Default>(
        &self,
        key: &str,
    ) -> Result<T, StoreError> {
        let txn = self.db.begin_read()?;
        let table = match txn.open_table(FROM_FILE) {
            Ok(t) => t,
            Err(TableError::TableDoesNotExist(_)) => return Ok(T::default()),
            Err(e) => return Err(e.into()),
        };
        let found = table.get(key)?;
        match found {
            Some(v) => serde_json::from_slice(v.value()).map_err(|e| corrupt(key, e)),
            None => Ok(T::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, name: &str) -> RoutingRule {
        serde_json::from_value(serde_json::json!({
            "id": id, "name": name, "targets": [{"provider": "p", "model": "m"}]
        }))
        .unwrap()
    }

    #[test]
    fn file_and_api_rules_both_reach_the_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.routing_defs().unwrap(), RoutingDefs::default());
        store.put_record(&rule("a1", "api")).unwrap();
        let mut aliases = IndexMap::new();
        aliases.insert(
            "fast".to_string(),
            serde_json::from_value(serde_json::json!({"targets": [{"model": "p/m"}]})).unwrap(),
        );
        store
            .put_file_routing(&aliases, &[rule("file", "file")])
            .unwrap();
        let defs = store.routing_defs().unwrap();
        let names: Vec<_> = defs.rules.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["file", "api"]);
        assert!(defs.aliases.contains_key("fast"));
        // A later start with fewer declarations replaces the file's part only.
        store.put_file_routing(&IndexMap::new(), &[]).unwrap();
        let defs = store.routing_defs().unwrap();
        assert_eq!(defs.rules.len(), 1);
        assert!(defs.aliases.is_empty());
        assert!(store.delete_record::<RoutingRule>("a1").unwrap());
    }
}
