//! The management API's JSON shape of a provider, named as in the reference gateway
//! (`provider`, `keys`, `network_config`).

use serde::{Deserialize, Serialize};

use crate::config::{
    KeyConfig, MockConfig, NetworkConfig, ProviderConfig, ProviderType, SecretValue,
};
use crate::store::Origin;

/// A provider as the API and `--json` output show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderDoc {
    /// Its name.
    pub provider: String,
    /// Wire protocol.
    #[serde(rename = "type")]
    pub kind: ProviderType,
    /// Upstream base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Keys; values masked in output unless secrets were asked for.
    #[serde(default)]
    pub keys: Vec<KeyConfig>,
    /// Timeouts, headers, concurrency.
    #[serde(default, alias = "network")]
    pub network_config: NetworkConfig,
    /// Mock behaviour (type `mock` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mock: Option<MockConfig>,
    /// Where it was defined (output only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

impl ProviderDoc {
    /// The view of a stored provider.
    pub fn from_config(name: &str, config: &ProviderConfig, origin: Origin, secrets: bool) -> Self {
        let keys = config
            .keys
            .iter()
            .map(|k| KeyConfig {
                value: match &k.value {
                    SecretValue::Literal(_) if !secrets => SecretValue::Literal(k.value.masked()),
                    // `env.` references are not secret; keep them as references.
                    other => other.clone(),
                },
                ..k.clone()
            })
            .collect();
        ProviderDoc {
            provider: name.to_string(),
            kind: config.kind,
            base_url: config.base_url.clone(),
            keys,
            network_config: config.network.clone(),
            mock: config.mock.clone(),
            origin: Some(origin),
        }
    }

    /// The settings to store.
    pub fn to_config(&self) -> ProviderConfig {
        ProviderConfig {
            kind: self.kind,
            base_url: self.base_url.clone(),
            keys: self.keys.clone(),
            network: self.network_config.clone(),
            mock: self.mock.clone(),
        }
    }
}
