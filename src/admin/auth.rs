//! Who may use the management API over TCP: the `[admin] token` from the config, admin
//! tokens made with `bifrost admin token create`, or Basic auth with the login set by
//! `bifrost admin set-password`.
//!
//! Tokens and the login are held in memory (reloaded after every change, which always
//! goes through this type on the process that holds the store), so a check reads no
//! disk. Every comparison is constant-time: presented values are reduced to SHA-256
//! digests and compared with `subtle`. Argon2id verification runs on the blocking pool,
//! at most [`MAX_ARGON2`] at once, and a success is remembered for [`VERIFIED_TTL`]
//! seconds under a keyed digest so a CLI sending Basic on every call pays it once.
//! Failures are counted per client address ([`FailureLimiter`]) and logged with the
//! address only.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::auth_limiter::FailureLimiter;
use crate::config::SecretValue;
use crate::governance::{Clock, KeyHash};
use crate::hooks::Background;
use crate::store::{Store, StoreError, StoredLogin, StoredToken};

/// Failures allowed per client address within [`FAILURE_WINDOW`] before it is refused.
pub const MAX_FAILURES: u32 = 5;
/// The failure-counting window, in seconds.
pub const FAILURE_WINDOW: u64 = 300;
/// How long a verified username/password is remembered, in seconds.
pub const VERIFIED_TTL: u64 = 300;
/// Argon2 verifications running at once: each takes ~19 MiB and tens of milliseconds.
pub const MAX_ARGON2: usize = 2;
/// A token's last use is written to the store at most this often, in seconds.
const TOUCH_EVERY: u64 = 60;
/// Remembered Basic verifications at most; the cache is cleared when full.
const MAX_VERIFIED: usize = 1_000;

/// A credential the management API accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The `[admin] token` of the config (or `BIFROST_ADMIN_TOKEN`).
    ConfigToken,
    /// A stored admin token, by name.
    Token(String),
    /// The admin login, by username.
    Login(String),
}

/// Why a request to the management API was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// No credential exists at all, so the API is closed on TCP.
    #[error("no admin credential is configured")]
    NotConfigured,
    /// No `Authorization` header.
    #[error("no credential presented")]
    Missing,
    /// An `Authorization` header that is neither Bearer nor well-formed Basic.
    #[error("malformed Authorization header")]
    Malformed,
    /// A credential that matches nothing (or a revoked token).
    #[error("credential not accepted")]
    Invalid,
    /// A stored token past its expiry.
    #[error("admin token {0} has expired")]
    Expired(String),
    /// Too many failures from this address; retry after this many seconds.
    #[error("too many failed attempts")]
    RateLimited(u64),
}

struct TokenEntry {
    name: String,
    digest: KeyHash,
    expires_at: Option<u64>,
    /// Last use known in memory (0: never), so writes happen once a minute at most.
    last_used: AtomicU64,
}

struct Inner {
    store: Arc<Store>,
    config_token: Option<SecretValue>,
    tokens: ArcSwap<Vec<TokenEntry>>,
    login: ArcSwap<Option<StoredLogin>>,
    /// Keyed digest of (username, password, hash) -> expiry of the remembered success.
    verified: Mutex<HashMap<[u8; 32], u64>>,
    /// Random per process, so the remembered digests are useless outside it.
    cache_key: [u8; 32],
    argon2: tokio::sync::Semaphore,
    limiter: FailureLimiter,
    clock: Arc<dyn Clock>,
    background: Background,
}

/// Admin authentication over a store; a cheap clone.
#[derive(Clone)]
pub struct AdminAuth {
    inner: Arc<Inner>,
}

impl AdminAuth {
    /// Loads the stored tokens and login; `config_token` is `[admin] token`.
    pub fn new(
        store: Arc<Store>,
        config_token: Option<SecretValue>,
        clock: Arc<dyn Clock>,
        background: Background,
    ) -> Result<AdminAuth, StoreError> {
        let auth = AdminAuth {
            inner: Arc::new(Inner {
                store,
                config_token,
                tokens: ArcSwap::from_pointee(Vec::new()),
                login: ArcSwap::from_pointee(None),
                verified: Mutex::new(HashMap::new()),
                cache_key: rand::random(),
                argon2: tokio::sync::Semaphore::new(MAX_ARGON2),
                limiter: FailureLimiter::new(clock.clone(), MAX_FAILURES, FAILURE_WINDOW),
                clock,
                background,
            }),
        };
        auth.reload_sync()?;
        Ok(auth)
    }

    pub(super) fn store(&self) -> &Arc<Store> {
        &self.inner.store
    }

    pub(super) fn now(&self) -> u64 {
        self.inner.clock.now()
    }

    /// Rereads tokens and login from the store (after a change made through us).
    pub(super) fn reload_sync(&self) -> Result<(), StoreError> {
        let tokens = self.inner.store.admin_tokens()?;
        let login = self.inner.store.admin_login()?;
        self.inner
            .tokens
            .store(Arc::new(tokens.into_iter().filter_map(entry).collect()));
        self.inner.login.store(Arc::new(login));
        Ok(())
    }

    /// The last use of token `name` known in memory (ahead of the store by up to a minute).
    pub(super) fn last_used(&self, name: &str) -> Option<u64> {
        let tokens = self.inner.tokens.load();
        let t = tokens.iter().find(|t| t.name == name)?;
        Some(t.last_used.load(Ordering::Relaxed)).filter(|at| *at > 0)
    }

    /// Checks the `Authorization` header of a TCP request from `peer`.
    pub async fn check(
        &self,
        peer: IpAddr,
        authorization: Option<&[u8]>,
    ) -> Result<Principal, Denied> {
        if let Some(wait) = self.inner.limiter.blocked(peer) {
            tracing::warn!(client = %peer, retry_after_secs = wait, "admin API: client refused after repeated failed authentication");
            return Err(Denied::RateLimited(wait));
        }
        let verdict = match authorization {
            None if !self.configured() => Err(Denied::NotConfigured),
            None => Err(Denied::Missing),
            Some(header) => match parse(header) {
                Some(Presented::Bearer(token)) => self.bearer(token),
                Some(Presented::Basic(user, pass)) => self.basic(&user, &pass).await,
                None => Err(Denied::Malformed),
            },
        };
        if let Err(denied) = &verdict {
            if !matches!(denied, Denied::NotConfigured | Denied::Missing) {
                self.inner.limiter.fail(peer);
                tracing::warn!(client = %peer, reason = %denied, "admin API: authentication failed");
            }
        }
        verdict
    }

    /// Whether any credential exists; without one the API is closed on TCP. A config
    /// token naming an unset env var counts as none, so the 403 says how to set it.
    fn configured(&self) -> bool {
        let config_token = self.inner.config_token.as_ref();
        config_token.is_some_and(|t| t.resolve().is_ok_and(|v| !v.is_empty()))
            || !self.inner.tokens.load().is_empty()
            || self.inner.login.load().is_some()
    }

    fn bearer(&self, presented: &str) -> Result<Principal, Denied> {
        let digest = KeyHash::of(presented);
        if let Some(expected) = &self.inner.config_token {
            // An unset env var is no token: it matches nothing and says nothing.
            if let Ok(value) = expected.resolve() {
                if !value.is_empty() && digest.matches(&KeyHash::of(&value)) {
                    return Ok(Principal::ConfigToken);
                }
            }
        }
        let tokens = self.inner.tokens.load();
        // Visit every token so the time taken does not depend on which one matched.
        let found = tokens.iter().fold(None, |hit, t| {
            if digest.matches(&t.digest) {
                Some(t)
            } else {
                hit
            }
        });
        let token = found.ok_or(Denied::Invalid)?;
        let now = self.now();
        if token.expires_at.is_some_and(|at| now >= at) {
            return Err(Denied::Expired(token.name.clone()));
        }
        self.touch(token, now);
        Ok(Principal::Token(token.name.clone()))
    }

    /// Notes a token's use in memory, and in the store once a minute at most.
    fn touch(&self, token: &TokenEntry, now: u64) {
        let last = token.last_used.load(Ordering::Relaxed);
        if now < last.saturating_add(TOUCH_EVERY) {
            return;
        }
        if token
            .last_used
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return; // another request is writing it
        }
        let store = self.inner.store.clone();
        let name = token.name.clone();
        self.inner.background.spawn(async move {
            let written =
                tokio::task::spawn_blocking(move || store.touch_admin_token(&name, now)).await;
            if let Ok(Err(e)) = written {
                tracing::warn!(error = %e, "cannot record an admin token's last use");
            }
        });
    }

    async fn basic(&self, user: &str, pass: &str) -> Result<Principal, Denied> {
        let login = self.inner.login.load_full();
        let Some(login) = login.as_ref().clone() else {
            return Err(Denied::Invalid);
        };
        let mut mac = Sha256::new();
        for part in [&self.inner.cache_key[..], user.as_bytes(), pass.as_bytes()] {
            mac.update((part.len() as u64).to_le_bytes());
            mac.update(part);
        }
        mac.update(login.password_hash.as_bytes());
        let key: [u8; 32] = mac.finalize().into();
        let now = self.now();
        if self.remembered(&key, now) {
            return Ok(Principal::Login(login.username));
        }
        let user_ok: bool = Sha256::digest(user.as_bytes())
            .ct_eq(&Sha256::digest(login.username.as_bytes()))
            .into();
        // The password is checked even for a wrong username, so timing tells nothing.
        let Ok(_permit) = self.inner.argon2.acquire().await else {
            return Err(Denied::Invalid);
        };
        let phc = login.password_hash.clone();
        let pass = pass.to_string();
        let pass_ok =
            tokio::task::spawn_blocking(move || super::auth_password::verify(&pass, &phc))
                .await
                .unwrap_or(false);
        if !(user_ok && pass_ok) {
            return Err(Denied::Invalid);
        }
        let mut verified = self
            .inner
            .verified
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if verified.len() >= MAX_VERIFIED {
            verified.clear();
        }
        verified.insert(key, now.saturating_add(VERIFIED_TTL));
        Ok(Principal::Login(login.username))
    }

    fn remembered(&self, key: &[u8; 32], now: u64) -> bool {
        let verified = self
            .inner
            .verified
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        verified.get(key).is_some_and(|until| now < *until)
    }
}

fn entry(t: StoredToken) -> Option<TokenEntry> {
    let Some(digest) = KeyHash::from_hex(&t.digest) else {
        tracing::warn!(token = %t.name, "admin token with a malformed digest in the store; ignored");
        return None;
    };
    Some(TokenEntry {
        name: t.name,
        digest,
        expires_at: t.expires_at,
        last_used: AtomicU64::new(t.last_used_at.unwrap_or(0)),
    })
}

enum Presented<'a> {
    Bearer(&'a str),
    Basic(String, String),
}

/// Reads `Bearer <token>` or `Basic <base64(user:pass)>`; the scheme is case-insensitive
/// (RFC 9110 section 11.1).
fn parse(header: &[u8]) -> Option<Presented<'_>> {
    let text = std::str::from_utf8(header).ok()?.trim();
    let (scheme, rest) = text.split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") && !rest.is_empty() {
        return Some(Presented::Bearer(rest));
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest)
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, pass) = decoded.split_once(':')?;
    Some(Presented::Basic(user.to_string(), pass.to_string()))
}
