//! One provider's settings: its type, endpoint, keys and network limits.
//!
//! The same struct is read from `bifrost.toml`, stored in the embedded store and
//! sent over the management API, so the three can never drift apart.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{AzureKeyConfig, BedrockKeyConfig, ProviderType, SecretValue, VertexKeyConfig};

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
            // Azure, Vertex and Bedrock endpoints come from each key's settings.
            None if !matches!(
                self.kind,
                ProviderType::Mock
                    | ProviderType::Azure
                    | ProviderType::Vertex
                    | ProviderType::Bedrock
            ) =>
            {
                out.push(format!(
                    "type `{}` needs a base_url (e.g. base_url = \"http://127.0.0.1:11434/v1\")",
                    self.kind.as_str()
                ))
            }
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
            // Vertex keys authenticate with their service account; `value` may be empty.
            if self.kind == ProviderType::Vertex {
                if key.vertex_key_config.is_none() {
                    out.push(format!(
                        "vertex key `{}` has no vertex_key_config; add project_id, region and \
                         auth_credentials (the service-account JSON or env.VAR holding it)",
                        key.name
                    ));
                }
            } else if self.kind == ProviderType::Bedrock {
                // AWS credentials or, in `value`, a Bedrock API key.
                if key.bedrock_key_config.is_none() && key.value.expose().is_empty() {
                    out.push(format!(
                        "bedrock key `{}` has neither AWS credentials nor an API key; add \
                         bedrock_key_config (access_key, secret_key, region) or set value to \
                         a Bedrock API key",
                        key.name
                    ));
                }
            } else if self.kind.needs_key() && key.value.expose().is_empty() {
                out.push(format!(
                    "key `{}` has no value; set value to the key or to env.VAR naming the \
                     environment variable that holds it",
                    key.name
                ));
            }
            if self.kind == ProviderType::Azure && key.azure_key_config.is_none() {
                out.push(format!(
                    "key `{}` needs an azure_key_config with the resource endpoint, e.g. azure_key_config = {{ endpoint = \"https://NAME.openai.azure.com\", deployments = {{ \"gpt-4o\" = \"my-deployment\" }} }}",
                    key.name
                ));
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
    /// The secret, or `env.VAR`. Optional for keys whose provider authenticates
    /// otherwise (Bedrock AWS credentials, a Vertex service account): omitted, it is
    /// empty, and `problems` says when the type needs one after all.
    #[serde(default, skip_serializing_if = "SecretValue::is_empty")]
    pub value: SecretValue,
    /// Models this key may serve; empty means every model.
    #[serde(default)]
    pub models: Vec<String>,
    /// Relative share of traffic among eligible keys.
    #[serde(default = "default_weight")]
    pub weight: f64,
    /// Azure OpenAI endpoint and deployments (type `azure`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azure_key_config: Option<AzureKeyConfig>,
    /// Vertex AI project, region and service account (type `vertex`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vertex_key_config: Option<VertexKeyConfig>,
    /// AWS credentials and region (type `bedrock`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bedrock_key_config: Option<BedrockKeyConfig>,
}

fn default_weight() -> f64 {
    1.0
}

impl KeyConfig {
    /// A key that allows every model, with weight 1 and no provider-specific settings.
    pub fn new(name: impl Into<String>, value: SecretValue) -> Self {
        KeyConfig {
            name: name.into(),
            value,
            models: Vec::new(),
            weight: default_weight(),
            azure_key_config: None,
            vertex_key_config: None,
            bedrock_key_config: None,
        }
    }

    /// Every secret this key holds, named by its path, so that listing can mask them all
    /// and an update that sends them back masked keeps them.
    pub fn secrets_mut(&mut self) -> Vec<(&'static str, &mut SecretValue)> {
        let mut out = vec![("value", &mut self.value)];
        if let Some(b) = &mut self.bedrock_key_config {
            out.push(("bedrock_key_config.access_key", &mut b.access_key));
            out.push(("bedrock_key_config.secret_key", &mut b.secret_key));
            if let Some(t) = &mut b.session_token {
                out.push(("bedrock_key_config.session_token", t));
            }
        }
        if let Some(v) = &mut self.vertex_key_config {
            out.push((
                "vertex_key_config.auth_credentials",
                &mut v.auth_credentials,
            ));
        }
        out
    }

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
    /// Seconds an unused upstream connection stays open for the next request.
    pub idle_timeout_secs: u64,
    /// Unused upstream connections kept open per upstream host; a connection that
    /// finishes its request beyond this is closed. Bounds the sockets and memory a
    /// burst leaves behind.
    pub max_idle_connections: usize,
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
            idle_timeout_secs: 30,
            max_idle_connections: 256,
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
            ("idle_timeout_secs", self.idle_timeout_secs),
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
    use serde_json::json;

    #[test]
    fn problems_say_how_to_fix() {
        let mut p = ProviderConfig::new(ProviderType::OpenaiCompatible);
        assert!(p.problems()[0].contains("needs a base_url"));
        p.base_url = Some("ftp://x".into());
        assert!(p.problems()[0].contains("http://"));
        p.base_url = Some("http://x".into());
        p.keys.push(KeyConfig {
            weight: -1.0,
            ..KeyConfig::new("a", SecretValue::parse("k"))
        });
        assert!(p.problems()[0].contains("weight"));
        assert!(ProviderConfig::new(ProviderType::Openai)
            .problems()
            .is_empty());
    }

    #[test]
    fn azure_needs_no_base_url_but_each_key_needs_its_endpoint() {
        let mut p = ProviderConfig::new(ProviderType::Azure);
        assert!(p.problems().is_empty(), "{:?}", p.problems());
        p.keys.push(KeyConfig::new("a", SecretValue::parse("k")));
        let problems = p.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("key `a` needs an azure_key_config"));
        p.keys[0].azure_key_config = Some(AzureKeyConfig {
            endpoint: super::super::Setting::parse("https://r.openai.azure.com"),
            deployments: BTreeMap::new(),
            api_version: None,
            use_bearer: false,
        });
        assert!(p.problems().is_empty());
    }

    #[test]
    fn vertex_needs_no_base_url_or_value_but_a_vertex_key_config() {
        let mut p = ProviderConfig::new(ProviderType::Vertex);
        let mut key = KeyConfig::new("sa", SecretValue::parse(""));
        p.keys.push(key.clone());
        let problems = p.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("vertex key `sa` has no vertex_key_config"),
            "{problems:?}"
        );
        key.vertex_key_config = Some(crate::config::VertexKeyConfig {
            project_id: crate::config::Setting::parse("p"),
            region: crate::config::Setting::parse("global"),
            auth_credentials: SecretValue::parse("env.SA_JSON"),
            deployments: BTreeMap::new(),
        });
        p.keys = vec![key];
        assert!(p.problems().is_empty(), "{:?}", p.problems());
    }

    #[test]
    fn value_may_be_omitted_and_is_then_not_written_back() {
        let toml_key: KeyConfig = toml::from_str(
            "name = \"sa\"\n[vertex_key_config]\nproject_id = \"p\"\nregion = \"global\"\nauth_credentials = \"env.SA\"\n",
        )
        .unwrap();
        assert!(toml_key.value.is_empty());
        let json_key: KeyConfig = serde_json::from_value(json!({"name": "sa",
            "vertex_key_config": {"project_id": "p", "region": "global", "auth_credentials": "env.SA"}}))
        .unwrap();
        assert_eq!(json_key, toml_key);
        assert!(serde_json::to_value(&json_key)
            .unwrap()
            .get("value")
            .is_none());
        let mut p = ProviderConfig::new(ProviderType::Vertex);
        p.keys.push(json_key);
        assert!(p.problems().is_empty(), "{:?}", p.problems());
        // Types that send the value still demand one.
        let mut groq = ProviderConfig::new(ProviderType::Groq);
        groq.keys
            .push(serde_json::from_value(json!({"name": "k"})).unwrap());
        assert!(
            groq.problems()[0].contains("key `k` has no value"),
            "{:?}",
            groq.problems()
        );
        let mut bedrock = ProviderConfig::new(ProviderType::Bedrock);
        bedrock
            .keys
            .push(KeyConfig::new("b", SecretValue::default()));
        assert!(bedrock.problems()[0].contains("neither AWS credentials nor an API key"));
    }
}
