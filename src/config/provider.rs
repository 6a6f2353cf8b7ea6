//! One provider's settings: its type, endpoint, keys and network limits.
//!
//! The same struct is read from `bifrost.toml`, stored in the embedded store and
//! sent over the management API, so the three can never drift apart.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::SecretValue;

/// The wire protocols bifrost speaks to upstreams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProviderType {
    /// api.openai.com, `Authorization: Bearer`.
    Openai,
    /// Any server speaking the OpenAI wire format at a base URL of your choice.
    OpenaiCompatible,
    /// api.anthropic.com, the Messages API, `x-api-key`.
    Anthropic,
    /// Built in: answers without any network, for demos, tests and benchmarks.
    Mock,
}

impl ProviderType {
    /// Every type, for help texts and error messages.
    pub const ALL: [ProviderType; 4] = [
        ProviderType::Openai,
        ProviderType::OpenaiCompatible,
        ProviderType::Anthropic,
        ProviderType::Mock,
    ];

    /// The name used in config files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderType::Openai => "openai",
            ProviderType::OpenaiCompatible => "openai-compatible",
            ProviderType::Anthropic => "anthropic",
            ProviderType::Mock => "mock",
        }
    }

    /// The base URL used when none is configured.
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            ProviderType::Openai => Some("https://api.openai.com/v1"),
            ProviderType::Anthropic => Some("https://api.anthropic.com/v1"),
            ProviderType::OpenaiCompatible | ProviderType::Mock => None,
        }
    }

    /// Whether requests need a key to be sent.
    pub fn needs_key(self) -> bool {
        !matches!(self, ProviderType::Mock)
    }
}

impl std::str::FromStr for ProviderType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ProviderType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = ProviderType::ALL.iter().map(|t| t.as_str()).collect();
                format!(
                    "unknown provider type `{s}`; expected one of: {}",
                    names.join(", ")
                )
            })
    }
}

/// A provider as configured (its name is the key it is stored under).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// Wire protocol.
    #[serde(rename = "type")]
    pub kind: ProviderType,
    /// Upstream base URL, e.g. `http://127.0.0.1:11434/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Credentials; one is picked per request by weight.
    #[serde(default)]
    pub keys: Vec<KeyConfig>,
    /// Timeouts, extra headers and concurrency.
    #[serde(default, alias = "network_config")]
    pub network: NetworkConfig,
    /// Behaviour of the built-in `mock` type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mock: Option<MockConfig>,
}

impl ProviderConfig {
    /// A provider of `kind` with no keys and default settings.
    pub fn new(kind: ProviderType) -> Self {
        ProviderConfig {
            kind,
            base_url: None,
            keys: Vec::new(),
            network: NetworkConfig::default(),
            mock: None,
        }
    }

    /// The base URL requests go to.
    pub fn effective_base_url(&self) -> Option<&str> {
        self.base_url
            .as_deref()
            .or_else(|| self.kind.default_base_url())
    }

    /// Problems that make this provider unusable, each a sentence that says how to fix it.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.effective_base_url() {
            None if self.kind != ProviderType::Mock => out.push(format!(
                "type `{}` needs a base_url (e.g. base_url = \"http://127.0.0.1:11434/v1\")",
                self.kind.as_str()
            )),
            Some(url) if !(url.starts_with("http://") || url.starts_with("https://")) => out.push(
                format!("base_url `{url}` must start with http:// or https://"),
            ),
            _ => {}
        }
        let mut seen = std::collections::HashSet::new();
        for key in &self.keys {
            if key.name.is_empty() {
                out.push("a key has an empty name; give every key a name".to_string());
            }
            if !seen.insert(key.name.as_str()) {
                out.push(format!(
                    "key name `{}` is used twice; key names must be unique",
                    key.name
                ));
            }
            if !(key.weight.is_finite() && key.weight >= 0.0) {
                out.push(format!(
                    "key `{}` has weight {}; weights must be >= 0",
                    key.name, key.weight
                ));
            }
            if self.kind.needs_key() && key.value.expose().is_empty() {
                out.push(format!("key `{}` has an empty value", key.name));
            }
        }
        out.extend(self.network.problems());
        out
    }
}

/// One credential of a provider.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyConfig {
    /// Unique within the provider; used by the CLI and in logs.
    pub name: String,
    /// The secret, or `env.VAR`.
    pub value: SecretValue,
    /// Models this key may serve; empty means every model.
    #[serde(default)]
    pub models: Vec<String>,
    /// Relative share of traffic among eligible keys.
    #[serde(default = "default_weight")]
    pub weight: f64,
}

fn default_weight() -> f64 {
    1.0
}

impl KeyConfig {
    /// Whether this key may serve `model`.
    pub fn allows(&self, model: &str) -> bool {
        self.models.is_empty() || self.models.iter().any(|m| m == model)
    }
}

/// Network settings of one provider. Defaults suit slow reasoning models: a flat 30 s
/// total (the reference gateway's default) cuts them off mid-answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// Headers added to every upstream request.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub extra_headers: BTreeMap<String, String>,
    /// TCP + TLS connect.
    pub connect_timeout_secs: u64,
    /// From sending the request to the response headers.
    pub first_byte_timeout_secs: u64,
    /// Longest silence between two stream chunks.
    pub stream_idle_timeout_secs: u64,
    /// Whole exchange, stream included.
    pub total_timeout_secs: u64,
    /// Requests in flight upstream at once; unset takes `client.initial_pool_size`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_concurrency: Option<usize>,
    /// Requests allowed to wait for a slot; beyond it they wait too, or get 429 when
    /// `client.drop_excess_requests` is on.
    pub queue_size: usize,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            extra_headers: BTreeMap::new(),
            connect_timeout_secs: 10,
            first_byte_timeout_secs: 600,
            stream_idle_timeout_secs: 300,
            total_timeout_secs: 1800,
            max_concurrency: None,
            queue_size: 10_000,
        }
    }
}

impl NetworkConfig {
    /// Connect timeout as a duration.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_secs)
    }

    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, secs) in [
            ("connect_timeout_secs", self.connect_timeout_secs),
            ("first_byte_timeout_secs", self.first_byte_timeout_secs),
            ("stream_idle_timeout_secs", self.stream_idle_timeout_secs),
            ("total_timeout_secs", self.total_timeout_secs),
        ] {
            if secs == 0 {
                out.push(format!("network.{name} must be at least 1"));
            }
        }
        if self.max_concurrency == Some(0) {
            out.push("network.max_concurrency must be at least 1".to_string());
        }
        for name in self.extra_headers.keys() {
            if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                out.push(format!(
                    "network.extra_headers: `{name}` is not a valid header name"
                ));
            }
        }
        out
    }
}

/// What the built-in mock provider answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MockConfig {
    /// Fixed reply; unset echoes `mock reply: <last user message>`.
    pub reply: Option<String>,
    /// Delay before answering (and between stream chunks, divided evenly).
    pub latency_ms: u64,
    /// Reported prompt tokens; unset estimates from the input.
    pub prompt_tokens: Option<u64>,
    /// Reported completion tokens; unset estimates from the reply.
    pub completion_tokens: Option<u64>,
    /// Number of content chunks a stream is split into.
    pub stream_chunks: usize,
    /// Length of the embedding vectors it returns.
    pub embedding_dimensions: usize,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            reply: None,
            latency_ms: 0,
            prompt_tokens: None,
            completion_tokens: None,
            stream_chunks: 4,
            embedding_dimensions: 16,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_say_how_to_fix() {
        let mut p = ProviderConfig::new(ProviderType::OpenaiCompatible);
        assert!(p.problems()[0].contains("needs a base_url"));
        p.base_url = Some("ftp://x".into());
        assert!(p.problems()[0].contains("http://"));
        p.base_url = Some("http://x".into());
        p.keys.push(KeyConfig {
            name: "a".into(),
            value: SecretValue::parse("k"),
            models: vec![],
            weight: -1.0,
        });
        assert!(p.problems()[0].contains("weight"));
        assert!(ProviderConfig::new(ProviderType::Openai)
            .problems()
            .is_empty());
    }

    #[test]
    fn unknown_type_lists_the_known_ones() {
        let err = "opnai".parse::<ProviderType>().unwrap_err();
        assert!(err.contains("openai-compatible"), "{err}");
    }
}
