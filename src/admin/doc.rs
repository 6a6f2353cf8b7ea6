//! The management API's JSON shape of a provider, named as in the reference gateway
//! (`provider`, `keys`, `network_config`).

use serde::{Deserialize, Serialize};

use crate::config::{
    HealthConfig, KeyConfig, MockConfig, NetworkConfig, ProviderConfig, ProviderType, SecretValue,
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
    /// Cooldowns, circuit breakers, adaptive weights.
    #[serde(default)]
    pub health: HealthConfig,
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
            .map(|k| {
                let mut k = k.clone();
                if !secrets {
                    for (_, value) in k.secrets_mut() {
                        // `env.` references are not secret; keep them as references.
                        if let SecretValue::Literal(_) = value {
                            *value = SecretValue::Literal(value.masked());
                        }
                    }
                }
                k
            })
            .collect();
        ProviderDoc {
            provider: name.to_string(),
            kind: config.kind,
            base_url: config.base_url.clone(),
            keys,
            network_config: config.network.clone(),
            mock: config.mock.clone(),
            health: config.health.clone(),
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
            health: self.health.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BedrockKeyConfig;

    #[test]
    fn every_secret_of_a_key_is_masked_in_listings() {
        let mut config = ProviderConfig::new(ProviderType::Openai);
        config.keys.push(KeyConfig {
            bedrock_key_config: Some(BedrockKeyConfig {
                access_key: SecretValue::parse("AKIAIOSFODNN7EXAMPLE"),
                secret_key: SecretValue::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                session_token: Some(SecretValue::parse("env.AWS_SESSION_TOKEN")),
                region: crate::config::Setting::parse("us-east-1"),
                deployments: Default::default(),
            }),
            ..KeyConfig::new("main", SecretValue::parse("sk-live-abcdefghijklmnop"))
        });
        let shown =
            serde_json::to_string(&ProviderDoc::from_config("p", &config, Origin::Api, false))
                .unwrap();
        for secret in ["abcdefghijklmnop", "IOSFODNN7", "bPxRfiCY"] {
            assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        }
        assert!(shown.contains("env.AWS_SESSION_TOKEN") && shown.contains("us-east-1"));
        let full = ProviderDoc::from_config("p", &config, Origin::Api, true);
        assert_eq!(full.to_config(), config);
    }
}
