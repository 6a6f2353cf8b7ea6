//! Google service-account auth for Vertex AI: the key's service-account JSON signs an
//! RS256 JWT that is exchanged at its `token_uri` for an access token (RFC 7523, the
//! `urn:ietf:params:oauth:grant-type:jwt-bearer` grant), and tokens are cached per
//! service account until shortly before they expire.
//!
//! The hot path takes a std mutex only to look a slot up and an `ArcSwap` load to read
//! the token; a per-account async mutex is held only while that account refreshes, so a
//! slow token endpoint never blocks other accounts. Errors name the key and field and
//! never quote the private key.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::time::Instant;

use crate::config::SecretError;
use crate::providers::http::Transport;
use crate::providers::ProviderError;

/// The OAuth scope Vertex AI calls need.
pub const SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";
/// Google's token endpoint, for service-account JSON without a `token_uri`.
const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";
/// JWT-bearer grant type (RFC 7523), already form-encoded.
const GRANT_TYPE: &str = "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer";
/// Lifetime asked for in the JWT; Google caps it at one hour.
const JWT_LIFETIME_SECS: u64 = 3600;
/// Tokens are refreshed this long before they expire, so none expires in flight.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// The parts of a service-account JSON that signing needs.
#[derive(Clone)]
pub struct ServiceAccount {
    /// `client_email`: the JWT's issuer.
    pub client_email: String,
    /// `private_key_id`: the JWT's `kid`, when present.
    pub private_key_id: Option<String>,
    /// `token_uri`: where the JWT is exchanged (tests point it at a mock).
    pub token_uri: String,
    key: EncodingKey,
}

impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("client_email", &self.client_email)
            .field("private_key_id", &self.private_key_id)
            .field("token_uri", &self.token_uri)
            .field("private_key", &"<redacted>")
            .finish()
    }
}

fn bad(key: &str, detail: impl std::fmt::Display) -> ProviderError {
    ProviderError::Key(SecretError::Unusable(format!(
        "vertex key `{key}`: vertex_key_config.auth_credentials {detail}"
    )))
}

impl ServiceAccount {
    /// Parses the service-account JSON of key `key`. Fields are read one by one rather
    /// than through serde's messages, which can quote the values they reject.
    pub fn parse(key: &str, json: &str) -> Result<ServiceAccount, ProviderError> {
        let v: Value = serde_json::from_str(json).map_err(|e| {
            bad(
                key,
                format_args!(
                    "is not valid JSON (line {}, column {}); give the service-account JSON itself or env.VAR holding it",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        let field = |name: &str| {
            v.get(name)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        let need = |name: &str| {
            field(name).ok_or_else(|| {
                bad(
                    key,
                    format_args!("has no `{name}` string; is it a service-account key file?"),
                )
            })
        };
        let client_email = need("client_email")?.to_string();
        let pem = need("private_key")?;
        let key_bytes = EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|_| {
            bad(
                key,
                "has a `private_key` that is not an RSA private key in PEM form",
            )
        })?;
        Ok(ServiceAccount {
            client_email,
            private_key_id: field("private_key_id").map(str::to_string),
            token_uri: field("token_uri").unwrap_or(DEFAULT_TOKEN_URI).to_string(),
            key: key_bytes,
        })
    }

    /// A signed JWT asking for `SCOPE`, issued at `now` (Unix seconds).
    pub fn jwt(&self, now: u64) -> Result<String, ProviderError> {
        let claims = Claims {
            iss: &self.client_email,
            scope: SCOPE,
            aud: &self.token_uri,
            iat: now,
            exp: now + JWT_LIFETIME_SECS,
        };
        let mut header = Header::new(Algorithm::RS256);
        header.kid = self.private_key_id.clone();
        jsonwebtoken::encode(&header, &claims, &self.key).map_err(|e| {
            ProviderError::Key(SecretError::Unusable(format!(
                "cannot sign the service-account JWT for {}: {e}",
                self.client_email
            )))
        })
    }
}

/// The JWT claims Google's token endpoint expects.
#[derive(Debug, Serialize)]
pub struct Claims<'a> {
    /// The service account's email.
    pub iss: &'a str,
    /// Space-separated OAuth scopes.
    pub scope: &'a str,
    /// The token endpoint.
    pub aud: &'a str,
    /// Issued at (Unix seconds).
    pub iat: u64,
    /// Expires at (Unix seconds).
    pub exp: u64,
}

/// The token endpoint's answer.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// An access token and when to stop using it.
struct Token {
    value: String,
    refresh_at: Instant,
}

/// One service account's cached token and the lock its refreshes take turns on.
struct Slot {
    account: ServiceAccount,
    token: ArcSwapOption<Token>,
    refresh: tokio::sync::Mutex<()>,
}

/// Access tokens per service account, for one provider.
#[derive(Default)]
pub struct TokenCache {
    slots: Mutex<HashMap<u64, Arc<Slot>>>,
}

fn fingerprint(credentials: &str) -> u64 {
    let mut h = DefaultHasher::new();
    credentials.hash(&mut h);
    h.finish()
}

impl TokenCache {
    /// A valid access token for the service account in `credentials` (the resolved
    /// JSON) of key `key`, fetched through `transport` only when none is cached.
    pub async fn token(
        &self,
        transport: &Transport,
        key: &str,
        credentials: &str,
    ) -> Result<String, ProviderError> {
        let slot = self.slot(key, credentials)?;
        if let Some(t) = slot
            .token
            .load_full()
            .filter(|t| Instant::now() < t.refresh_at)
        {
            return Ok(t.value.clone());
        }
        let _turn = slot.refresh.lock().await;
        // Another request may have refreshed while this one waited for its turn.
        if let Some(t) = slot
            .token
            .load_full()
            .filter(|t| Instant::now() < t.refresh_at)
        {
            return Ok(t.value.clone());
        }
        let token = fetch(transport, key, &slot.account).await?;
        let value = token.value.clone();
        slot.token.store(Some(Arc::new(token)));
        Ok(value)
    }

    /// Drops the cached token of these credentials, after Vertex refused it (revoked
    /// or expired early), so the next call fetches a fresh one.
    pub fn forget(&self, credentials: &str) {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = slots.get(&fingerprint(credentials)) {
            slot.token.store(None);
        }
    }

    /// The slot for these credentials, parsing them on first use. Slots are keyed by a
    /// hash of the JSON, so a key whose credentials change gets a fresh slot.
    fn slot(&self, key: &str, credentials: &str) -> Result<Arc<Slot>, ProviderError> {
        let id = fingerprint(credentials);
        let found = self
            .slots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .cloned();
        if let Some(slot) = found {
            return Ok(slot);
        }
        let slot = Arc::new(Slot {
            account: ServiceAccount::parse(key, credentials)?,
            token: ArcSwapOption::empty(),
            refresh: tokio::sync::Mutex::new(()),
        });
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        Ok(slots.entry(id).or_insert(slot).clone())
    }
}

/// Exchanges a fresh JWT for an access token.
async fn fetch(
    transport: &Transport,
    key: &str,
    sa: &ServiceAccount,
) -> Result<Token, ProviderError> {
    let jwt = sa.jwt(crate::schema::unix_now())?;
    // A JWT is base64url and dots only, so it needs no form encoding.
    let body = format!("grant_type={GRANT_TYPE}&assertion={jwt}");
    let context = |e: ProviderError| {
        match e {
        // The endpoint refusing the JWT means this credential is bad: 401, next key.
        ProviderError::Status { status, message, retry_after } => ProviderError::Status {
            status: if (400..500).contains(&status) && status != 429 { 401 } else { status },
            message: format!("vertex key `{key}`: the token endpoint {} refused the service account {} (HTTP {status}): {message}", sa.token_uri, sa.client_email),
            retry_after,
        },
        other => other,
    }
    };
    let exchange = transport
        .post_form(&sa.token_uri, body)
        .await
        .map_err(context)?;
    let answer: TokenResponse = exchange
        .answer::<TokenResponse>()
        .await?
        .into_typed()
        .map_err(|_| {
            ProviderError::InvalidResponse(format!(
                "vertex key `{key}`: the token endpoint {} answered without an access_token",
                sa.token_uri
            ))
        })?;
    let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(JWT_LIFETIME_SECS));
    Ok(Token {
        value: answer.access_token,
        refresh_at: Instant::now() + lifetime.saturating_sub(REFRESH_MARGIN.min(lifetime / 2)),
    })
}
