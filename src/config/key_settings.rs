//! Settings a key needs beyond its secret, for the providers whose endpoint or signing
//! depends on the credential: Azure (resource endpoint and deployments), Vertex
//! (project, region, service account) and Bedrock (AWS credentials and region).
//! Field names follow the reference gateway's `*_key_config` blocks so configs carry over.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::limits::{self, check_len, check_secret, Violations};
use super::{SecretError, SecretValue};

/// A non-secret setting that may also be an `env.VAR` reference, resolved at use.
/// Unlike [`SecretValue`] it prints in full: regions and endpoints are not secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct Setting(SecretValue);

impl Setting {
    /// A literal value (or `env.VAR`).
    pub fn parse(raw: &str) -> Setting {
        Setting(SecretValue::parse(raw))
    }

    /// The value, reading the environment for `env.` references.
    pub fn resolve(&self) -> Result<String, SecretError> {
        self.0.resolve()
    }

    /// The stored form (`env.VAR` or the literal).
    pub fn as_stored(&self) -> String {
        self.0.expose()
    }
}

impl fmt::Debug for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0.expose())
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.expose())
    }
}

impl Serialize for Setting {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.expose())
    }
}

impl<'de> Deserialize<'de> for Setting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Setting::parse(&String::deserialize(d)?))
    }
}

impl Setting {
    /// The stored form's length against `max`, quoting it shortened.
    fn note_len(&self, field: String, max: usize, v: &mut Violations) {
        v.note(check_len(field, &self.as_stored(), max));
    }
}

/// A `deployments` map: model ids to deployment names, both bounded.
fn note_deployments(field: &str, map: &BTreeMap<String, String>, v: &mut Violations) {
    v.note_map(
        &format!("{field}.deployments"),
        map.iter(),
        limits::MAX_DEPLOYMENTS,
        limits::MAX_MODEL_ID,
        limits::MAX_DEPLOYMENT,
    );
}

/// Azure OpenAI: the key's `value` is the `api-key`; requests go to the resource's
/// endpoint, to the deployment that serves the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureKeyConfig {
    /// `https://RESOURCE.openai.azure.com`.
    pub endpoint: Setting,
    /// Model id -> deployment name; a model not listed is used as the deployment name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub deployments: BTreeMap<String, String>,
    /// The `api-version` query parameter; unset uses the adapter's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<Setting>,
    /// Send the key as `Authorization: Bearer` (an Entra ID token) instead of `api-key`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub use_bearer: bool,
}

impl AzureKeyConfig {
    pub(super) fn note_limits(&self, field: &str, v: &mut Violations) {
        self.endpoint
            .note_len(format!("{field}.endpoint"), limits::MAX_URL, v);
        if let Some(version) = &self.api_version {
            version.note_len(format!("{field}.api_version"), limits::MAX_SETTING, v);
        }
        note_deployments(field, &self.deployments, v);
    }
}

/// Vertex AI: a service account signs a JWT that is exchanged for an access token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VertexKeyConfig {
    /// Google Cloud project id.
    pub project_id: Setting,
    /// Region, e.g. `us-central1` (or `global`).
    pub region: Setting,
    /// The service-account JSON itself, or `env.VAR` holding it.
    pub auth_credentials: SecretValue,
    /// Model id -> Vertex model or endpoint name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub deployments: BTreeMap<String, String>,
}

impl VertexKeyConfig {
    pub(super) fn note_limits(&self, field: &str, v: &mut Violations) {
        self.project_id
            .note_len(format!("{field}.project_id"), limits::MAX_SETTING, v);
        self.region
            .note_len(format!("{field}.region"), limits::MAX_SETTING, v);
        v.note(check_secret(
            &format!("{field}.auth_credentials"),
            &self.auth_credentials,
        ));
        note_deployments(field, &self.deployments, v);
    }
}

/// AWS Bedrock: requests are signed with SigV4 using these credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BedrockKeyConfig {
    /// AWS access key id.
    pub access_key: SecretValue,
    /// AWS secret access key.
    pub secret_key: SecretValue,
    /// Session token for temporary credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_token: Option<SecretValue>,
    /// AWS region, e.g. `us-east-1`.
    pub region: Setting,
    /// Model id -> Bedrock model id or inference-profile ARN.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub deployments: BTreeMap<String, String>,
}

impl BedrockKeyConfig {
    pub(super) fn note_limits(&self, field: &str, v: &mut Violations) {
        v.note(check_secret(
            &format!("{field}.access_key"),
            &self.access_key,
        ));
        v.note(check_secret(
            &format!("{field}.secret_key"),
            &self.secret_key,
        ));
        if let Some(token) = &self.session_token {
            v.note(check_secret(&format!("{field}.session_token"), token));
        }
        self.region
            .note_len(format!("{field}.region"), limits::MAX_SETTING, v);
        note_deployments(field, &self.deployments, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_print_in_full_and_resolve_env() {
        let s = Setting::parse("us-east-1");
        assert_eq!(s.to_string(), "us-east-1");
        assert_eq!(s.resolve().unwrap(), "us-east-1");
        let e = Setting::parse("env.BIFROST_TEST_SETTING_UNSET");
        assert_eq!(e.to_string(), "env.BIFROST_TEST_SETTING_UNSET");
        assert!(e.resolve().is_err());
    }

    #[test]
    fn bedrock_secrets_stay_masked_in_debug() {
        let cfg: BedrockKeyConfig = toml::from_str(
            "access_key = \"AKIAIOSFODNN7EXAMPLE\"\nsecret_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"\nregion = \"us-east-1\"",
        )
        .unwrap();
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("bPxRfiCY"), "{shown}");
        assert!(shown.contains("us-east-1"));
    }
}
