//! Admin credentials: the API tokens `bifrost admin token create` makes (kept as SHA-256
//! digests, keyed by name) and the one username/password login (an Argon2id PHC string).
//!
//! Like the governance tables, these are created on first write, so older files need no
//! migration. Nothing here ever holds a credential in the clear.

use redb::{ReadableTable, TableDefinition, TableError};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};

type Table = TableDefinition<'static, &'static str, &'static [u8]>;

const TOKENS: Table = TableDefinition::new("admin_tokens");
const LOGIN: Table = TableDefinition::new("admin_login");

/// The login is a single record: the reference gateway has one admin username/password.
const LOGIN_KEY: &str = "admin";

/// An admin API token as stored: never its value, only the value's digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredToken {
    /// Unique name, what `list` shows and `revoke` takes.
    pub name: String,
    /// Hex SHA-256 of the value.
    pub digest: String,
    /// Creation, seconds since the epoch.
    pub created_at: u64,
    /// After this (seconds since the epoch) the token is refused; `None` never expires.
    pub expires_at: Option<u64>,
    /// Last successful use, seconds since the epoch (updated at most once a minute).
    pub last_used_at: Option<u64>,
}

/// The admin username and its password's Argon2id hash.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredLogin {
    /// The username Basic auth must present.
    pub username: String,
    /// PHC string (`$argon2id$v=19$...`).
    pub password_hash: String,
}

/// The hash is not the password, but it still is what an attacker would crack offline.
impl std::fmt::Debug for StoredLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredLogin")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

fn decode<T: serde::de::DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
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

impl Store {
    /// Every admin token, oldest first.
    pub fn admin_tokens(&self) -> Result<Vec<StoredToken>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = match txn.open_table(TOKENS) {
            Ok(t) => t,
            Err(TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::new();
        for item in table.iter()? {
            let (k, v) = item?;
            out.push(decode::<StoredToken>(k.value(), v.value())?);
        }
        out.sort_by(|a, b| (a.created_at, &a.name).cmp(&(b.created_at, &b.name)));
        Ok(out)
    }

    /// Adds a token; refused when one of that name exists.
    pub fn add_admin_token(&self, token: &StoredToken) -> Result<(), StoreError> {
        let bytes = encode(&token.name, token)?;
        let txn = self.db.begin_write()?;
        {
            let mut table = txn.open_table(TOKENS)?;
            if table.get(token.name.as_str())?.is_some() {
                return Err(StoreError::NameTaken {
                    kind: "token",
                    name: token.name.clone(),
                });
            }
            table.insert(token.name.as_str(), bytes.as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Records a token's last use; a token revoked meanwhile stays revoked.
    pub fn touch_admin_token(&self, name: &str, at: u64) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        {
            let mut table = txn.open_table(TOKENS)?;
            let found = table
                .get(name)?
                .map(|v| decode::<StoredToken>(name, v.value()))
                .transpose()?;
            if let Some(mut token) = found {
                token.last_used_at = Some(at);
                table.insert(name, encode(name, &token)?.as_slice())?;
            }
        }
        txn.commit()?;
        Ok(())
    }

    /// Deletes a token; false when there was none of that name.
    pub fn delete_admin_token(&self, name: &str) -> Result<bool, StoreError> {
        let txn = self.db.begin_write()?;
        let removed = {
            let mut table = txn.open_table(TOKENS)?;
            let removed = table.remove(name)?.is_some();
            removed
        };
        txn.commit()?;
        Ok(removed)
    }

    /// The admin login, if a password was ever set.
    pub fn admin_login(&self) -> Result<Option<StoredLogin>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = match txn.open_table(LOGIN) {
            Ok(t) => t,
            Err(TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let found = table.get(LOGIN_KEY)?;
        found.map(|v| decode(LOGIN_KEY, v.value())).transpose()
    }

    /// Sets (replacing) the admin login.
    pub fn set_admin_login(&self, login: &StoredLogin) -> Result<(), StoreError> {
        let bytes = encode(LOGIN_KEY, login)?;
        let txn = self.db.begin_write()?;
        txn.open_table(LOGIN)?.insert(LOGIN_KEY, bytes.as_slice())?;
        txn.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(name: &str, created_at: u64) -> StoredToken {
        StoredToken {
            name: name.into(),
            digest: "00".repeat(32),
            created_at,
            expires_at: None,
            last_used_at: None,
        }
    }

    #[test]
    fn tokens_are_unique_by_name_and_touch_keeps_revocations() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(store.admin_tokens().unwrap().is_empty());
        store.add_admin_token(&token("ci", 2)).unwrap();
        store.add_admin_token(&token("ops", 1)).unwrap();
        let err = store.add_admin_token(&token("ci", 3)).unwrap_err();
        assert!(matches!(err, StoreError::NameTaken { .. }), "{err}");
        store.touch_admin_token("ci", 9).unwrap();
        let names: Vec<_> = store
            .admin_tokens()
            .unwrap()
            .into_iter()
            .map(|t| (t.name, t.last_used_at))
            .collect();
        assert_eq!(names, [("ops".into(), None), ("ci".into(), Some(9))]);
        assert!(store.delete_admin_token("ci").unwrap());
        store.touch_admin_token("ci", 10).unwrap();
        assert_eq!(store.admin_tokens().unwrap().len(), 1);
        assert!(!store.delete_admin_token("ci").unwrap());
    }

    #[test]
    fn login_is_replaced_and_its_hash_never_printed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(store.admin_login().unwrap().is_none());
        for user in ["root", "admin"] {
            store
                .set_admin_login(&StoredLogin {
                    username: user.into(),
                    password_hash: "$argon2id$secret-ish".into(),
                })
                .unwrap();
        }
        let login = store.admin_login().unwrap().unwrap();
        assert_eq!(login.username, "admin");
        assert!(!format!("{login:?}").contains("argon2id"));
    }
}
