//! Admin credential management (`bifrost admin token ...`, `set-password`), written once
//! for the store ([`AdminAuth`]) and for a server reached over HTTP (`RemoteAdmin`),
//! like [`super::Management`] for providers.

use async_trait::async_trait;
use rand::distributions::Alphanumeric;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::auth::AdminAuth;
use super::{auth_password, AdminError};
use crate::config::quote;
use crate::governance::{rfc3339, KeyHash};
use crate::store::{StoreError, StoredLogin, StoredToken};

/// Every admin token starts with this, so a leaked one is recognisable (secret scanners).
const TOKEN_PREFIX: &str = "bf-admin-";
/// Random base62 characters after the prefix: ~256 bits.
const TOKEN_RANDOM_CHARS: usize = 43;
/// Longest token name.
const MAX_TOKEN_NAME: usize = 64;

/// An admin token as listed: never its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// Its name.
    pub name: String,
    /// Creation time, RFC 3339.
    pub created_at: String,
    /// Expiry, RFC 3339; absent when it never expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Last successful use, RFC 3339 (to the minute); absent when never used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
}

/// A token just made: the only time its value exists outside the caller's hands.
#[derive(Clone, Serialize, Deserialize)]
pub struct NewToken {
    /// What `list` will show.
    #[serde(flatten)]
    pub info: TokenInfo,
    /// The value, shown once.
    pub token: String,
}

impl std::fmt::Debug for NewToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewToken")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// Why a credential operation failed.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// No admin token of that name.
    #[error("no admin token named {} (see `bifrost admin token list`)", quote(.0))]
    NoToken(String),
    /// The request is not valid; each entry names the field and the fix.
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
    /// The store failed (or the name is taken).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The server could not be reached or answered with an error.
    #[error(transparent)]
    Admin(#[from] AdminError),
}

/// The credential operations every management path offers.
#[async_trait]
pub trait Credentials: Send + Sync {
    /// Makes a token named `name`, expiring `expires_in` seconds from now if given.
    async fn create_token(
        &self,
        name: &str,
        expires_in: Option<u64>,
    ) -> Result<NewToken, CredentialError>;
    /// Every token, oldest first.
    async fn list_tokens(&self) -> Result<Vec<TokenInfo>, CredentialError>;
    /// Deletes a token; it is refused from the next request on.
    async fn revoke_token(&self, name: &str) -> Result<(), CredentialError>;
    /// Sets (replacing) the admin login.
    async fn set_password(&self, username: &str, password: &str) -> Result<(), CredentialError>;
}

/// A fresh token value from the OS random source.
fn generate() -> String {
    let mut out = String::from(TOKEN_PREFIX);
    out.extend(
        rand::rngs::OsRng
            .sample_iter(Alphanumeric)
            .take(TOKEN_RANDOM_CHARS)
            .map(char::from),
    );
    out
}

fn info(t: &StoredToken) -> TokenInfo {
    TokenInfo {
        name: t.name.clone(),
        created_at: rfc3339(t.created_at),
        expires_at: t.expires_at.map(rfc3339),
        last_used_at: t.last_used_at.map(rfc3339),
    }
}

fn name_problems(name: &str) -> Vec<String> {
    let ok = !name.is_empty()
        && name.len() <= MAX_TOKEN_NAME
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Vec::new()
    } else {
        vec![format!(
            "name: {} must be 1 to {MAX_TOKEN_NAME} characters of A-Z, a-z, 0-9, `-`, `_`, `.`",
            quote(name)
        )]
    }
}

/// Parses `--expires`: a whole number and a unit, `s`, `m`, `h`, `d` or `w` (`30d`).
pub fn parse_expiry(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let unit_secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => 0,
    };
    match n.parse::<u64>() {
        Ok(n) if n > 0 && unit_secs > 0 => n
            .checked_mul(unit_secs)
            .ok_or_else(|| format!("{} is too long", quote(s))),
        _ => Err(format!(
            "{} is not a duration; use a number and a unit: 90m, 12h, 30d, 2w",
            quote(s)
        )),
    }
}

impl AdminAuth {
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&AdminAuth) -> Result<T, CredentialError> + Send + 'static,
    ) -> Result<T, CredentialError> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || f(&me))
            .await
            .map_err(|e| AdminError::Unreachable(format!("store task failed: {e}")))?
    }
}

#[async_trait]
impl Credentials for AdminAuth {
    async fn create_token(
        &self,
        name: &str,
        expires_in: Option<u64>,
    ) -> Result<NewToken, CredentialError> {
        let problems = name_problems(name);
        if !problems.is_empty() {
            return Err(CredentialError::Invalid(problems));
        }
        let value = generate();
        let now = self.now();
        let stored = StoredToken {
            name: name.to_string(),
            digest: KeyHash::of(&value).to_hex(),
            created_at: now,
            expires_at: expires_in.map(|s| now.saturating_add(s)),
            last_used_at: None,
        };
        let info = info(&stored);
        self.blocking(move |a| {
            a.store().add_admin_token(&stored)?;
            Ok(a.reload_sync()?)
        })
        .await?;
        Ok(NewToken { info, token: value })
    }

    async fn list_tokens(&self) -> Result<Vec<TokenInfo>, CredentialError> {
        let mut tokens = self.blocking(|a| Ok(a.store().admin_tokens()?)).await?;
        for t in &mut tokens {
            t.last_used_at = t.last_used_at.max(self.last_used(&t.name));
        }
        Ok(tokens.iter().map(info).collect())
    }

    async fn revoke_token(&self, name: &str) -> Result<(), CredentialError> {
        let name = name.to_string();
        self.blocking(move |a| {
            if !a.store().delete_admin_token(&name)? {
                return Err(CredentialError::NoToken(name));
            }
            Ok(a.reload_sync()?)
        })
        .await
    }

    async fn set_password(&self, username: &str, password: &str) -> Result<(), CredentialError> {
        let problems = auth_password::problems(username, password);
        if !problems.is_empty() {
            return Err(CredentialError::Invalid(problems));
        }
        let username = username.to_string();
        let password = password.to_string();
        self.blocking(move |a| {
            let password_hash =
                auth_password::hash(&password).map_err(|e| CredentialError::Invalid(vec![e]))?;
            a.store().set_admin_login(&StoredLogin {
                username,
                password_hash,
            })?;
            Ok(a.reload_sync()?)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_takes_a_number_and_a_unit() {
        assert_eq!(parse_expiry("30d"), Ok(30 * 86_400));
        assert_eq!(parse_expiry("90m"), Ok(5_400));
        assert_eq!(parse_expiry("2w"), Ok(1_209_600));
        for bad in [
            "",
            "30",
            "d",
            "0d",
            "-1d",
            "1y",
            "1.5h",
            "99999999999999999999d",
        ] {
            let err = parse_expiry(bad).unwrap_err();
            assert!(
                err.contains("duration") || err.contains("too long"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn tokens_are_prefixed_and_random() {
        let (a, b) = (generate(), generate());
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == TOKEN_PREFIX.len() + 43);
        assert_ne!(a, b);
    }

    #[test]
    fn names_are_checked() {
        assert!(name_problems("ci-deploy_1.0").is_empty());
        assert!(name_problems("").len() == 1);
        assert!(name_problems("has space")[0].starts_with("name:"));
    }
}
