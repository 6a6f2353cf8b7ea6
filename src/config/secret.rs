//! Key values: a literal secret or an `env.VAR` reference resolved at use.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A provider key's value. `Debug` and `Display` never show a literal in full.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretValue {
    /// `env.VAR`: read from the environment each time the key is used.
    Env(String),
    /// The secret itself.
    Literal(String),
}

/// Why a key could not be turned into a usable secret.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SecretError {
    /// The referenced environment variable is unset or empty.
    #[error("environment variable {0} is not set (the key's value is `env.{0}`); export it before starting bifrost")]
    MissingEnv(String),
    /// The key cannot be used as it stands: a malformed service-account JSON, a Bedrock
    /// key with neither AWS credentials nor an API key. The text names the key and the
    /// field, never the secret.
    #[error("{0}")]
    Unusable(String),
}

impl SecretValue {
    /// Parses the stored form: `env.VAR` or a literal.
    pub fn parse(raw: &str) -> SecretValue {
        match raw.strip_prefix("env.") {
            Some(var) if !var.is_empty() => SecretValue::Env(var.to_string()),
            _ => SecretValue::Literal(raw.to_string()),
        }
    }

    /// The stored form, literal included: only for the store and `--include-secrets`.
    pub fn expose(&self) -> String {
        match self {
            SecretValue::Env(var) => format!("env.{var}"),
            SecretValue::Literal(v) => v.clone(),
        }
    }

    /// The value to send upstream, reading the environment for `env.` references.
    pub fn resolve(&self) -> Result<String, SecretError> {
        match self {
            SecretValue::Literal(v) => Ok(v.clone()),
            SecretValue::Env(var) => match std::env::var(var) {
                Ok(v) if !v.is_empty() => Ok(v),
                _ => Err(SecretError::MissingEnv(var.clone())),
            },
        }
    }

    /// A form safe to print: `env.VAR` as is, literals masked to a short prefix and suffix.
    /// An empty literal stays empty: it hides nothing, and a `****` would suggest a key
    /// that keys authenticating otherwise (Bedrock, Vertex) do not have.
    pub fn masked(&self) -> String {
        match self {
            SecretValue::Env(var) => format!("env.{var}"),
            SecretValue::Literal(v) if v.is_empty() => String::new(),
            SecretValue::Literal(v) => mask(v),
        }
    }

    /// True for the empty literal, which a key whose provider authenticates otherwise
    /// (AWS credentials, a service account) has as its `value`.
    pub fn is_empty(&self) -> bool {
        matches!(self, SecretValue::Literal(v) if v.is_empty())
    }

    /// True when `shown` is what [`masked`](Self::masked) prints for this value, so an
    /// update that sends back a masked value keeps the secret instead of overwriting it.
    pub fn is_masked_form(&self, shown: &str) -> bool {
        matches!(self, SecretValue::Literal(_)) && self.masked() == shown
    }
}

fn mask(v: &str) -> String {
    let chars: Vec<char> = v.chars().collect();
    if chars.len() < 16 {
        return "****".to_string();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// The empty literal: what an omitted key `value` reads as.
impl Default for SecretValue {
    fn default() -> Self {
        SecretValue::Literal(String::new())
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretValue({})", self.masked())
    }
}

impl fmt::Display for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl Serialize for SecretValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.expose())
    }
}

impl<'de> Deserialize<'de> for SecretValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Ok(SecretValue::parse(&raw))
    }
}

/// Request headers whose values are credentials. Whatever echoes or stores a client's
/// headers (the request log, routing rules' `headers`) masks these, so no secret
/// reaches a log, a rule's verdict or an explanation.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "x-api-key",
    "api-key",
    "x-goog-api-key",
    "x-bf-vk",
    "cookie",
    "set-cookie",
];

/// Whether the header `name` (lower case, as HTTP names are) carries a credential.
pub fn is_credential_header(name: &str) -> bool {
    CREDENTIAL_HEADERS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_never_print_in_full() {
        let s = SecretValue::parse("sk-abcdefghijklmnopqrstuvwxyz");
        assert_eq!(s.masked(), "sk-a****wxyz");
        assert!(!format!("{s:?}").contains("mnop"));
        assert!(!s.to_string().contains("mnop"));
        assert_eq!(SecretValue::parse("short").masked(), "****");
        assert_eq!(SecretValue::parse("").masked(), "");
        assert!(SecretValue::default().is_empty() && !SecretValue::parse("env.X").is_empty());
        assert!(s.is_masked_form("sk-a****wxyz"));
    }

    #[test]
    fn env_references_resolve_at_use() {
        let s = SecretValue::parse("env.BIFROST_TEST_SECRET_UNSET_VAR");
        assert_eq!(s.masked(), "env.BIFROST_TEST_SECRET_UNSET_VAR");
        let err = s.resolve().unwrap_err().to_string();
        assert!(err.contains("BIFROST_TEST_SECRET_UNSET_VAR"), "{err}");
    }
}
