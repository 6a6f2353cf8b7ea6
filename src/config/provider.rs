//! One provider's settings: its type, endpoint, keys and network limits.
//!
//! The same struct is read from `bifrost.toml`, stored in the embedded store and
//! sent over the management API, so the three can never drift apart.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::limits::{self, check_len, check_list, check_max, check_secret, LimitError, Violations};
use super::{
    quote, AzureKeyConfig, BedrockKeyConfig, HealthConfig, ProviderType, SecretValue,
    VertexKeyConfig,
};

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
    /// Cooldowns, circuit breakers and adaptive weights.
    #[serde(default)]
    pub health: HealthConfig,
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
            health: HealthConfig::default(),
        }
    }

    /// The base URL requests go to.
    pub fn effective_base_url(&self) -> Option<&str> {
        self.base_url
            .as_deref()
            .or_else(|| self.kind.default_base_url())
    }

    /// Problems that make this provider unusable, each a sentence that says how to fix it.
    /// Input is quoted back shortened ([`quote`]), and every string and list is held to
    /// its bound in [`limits`](super::limits): this is the one validation both the config
    /// file and the management API go through.
    pub fn problems(&self) -> Vec<String> {
        let mut out = self.limit_problems();
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
            Some(url) if !(url.starts_with("http://") || url.starts_with("https://")) => {
                out.push(format!(
                    "base_url {} must start with http:// or https://",
                    quote(url)
                ))
            }
            _ => {}
        }
        let mut seen = std::collections::HashSet::new();
        for key in &self.keys {
            let name = quote(&key.name);
            if key.name.is_empty() {
                out.push("a key has an empty name; give every key a name".to_string());
            }
            if !seen.insert(key.name.as_str()) {
                out.push(format!(
                    "key name {name} is used twice; key names must be unique"
                ));
            }
            if !(key.weight.is_finite() && key.weight >= 0.0) {
                out.push(format!(
                    "key {name} has weight {}; weights must be >= 0",
                    key.weight
                ));
            }
            // Vertex keys authenticate with their service account; `value` may be empty.
            if self.kind == ProviderType::Vertex {
                if key.vertex_key_config.is_none() {
                    out.push(format!(
                        "vertex key {name} has no vertex_key_config; add project_id, region and \
                         auth_credentials (the service-account JSON or env.VAR holding it)"
                    ));
                }
            } else if self.kind == ProviderType::Bedrock {
                // AWS credentials or, in `value`, a Bedrock API key.
                if key.bedrock_key_config.is_none() && key.value.expose().is_empty() {
                    out.push(format!(
                        "bedrock key {name} has neither AWS credentials nor an API key; add \
                         bedrock_key_config (access_key, secret_key, region) or set value to \
                         a Bedrock API key"
                    ));
                }
            } else if self.kind.needs_key() && key.value.expose().is_empty() {
                out.push(format!(
                    "key {name} has no value; set value to the key or to env.VAR naming the \
                     environment variable that holds it"
                ));
            }
            if self.kind == ProviderType::Azure && key.azure_key_config.is_none() {
                out.push(format!(
                    "key {name} needs an azure_key_config with the resource endpoint, e.g. azure_key_config = {{ endpoint = \"https://NAME.openai.azure.com\", deployments = {{ \"gpt-4o\" = \"my-deployment\" }} }}"
                ));
            }
        }
        out.extend(self.network.problems());
        out.extend(self.health.problems());
        out
    }

    /// Strings, lists and numbers over their bounds. The whole-provider size is checked
    /// only when every field is within bounds, so one oversized field is one message.
    fn limit_problems(&self) -> Vec<String> {
        let mut v = Violations::default();
        if let Some(url) = &self.base_url {
            v.note(check_len("base_url", url, limits::MAX_URL));
        }
        v.note(check_list(
            "keys",
            &self.keys,
            limits::MAX_KEYS_PER_PROVIDER,
        ));
        for (i, key) in self
            .keys
            .iter()
            .enumerate()
            .take(limits::MAX_KEYS_PER_PROVIDER)
        {
            key.note_limits(&format!("keys[{i}]"), &mut v);
        }
        self.network.note_limits(&mut v);
        if let Some(mock) = &self.mock {
            mock.note_limits(&mut v);
        }
        if v.is_empty() {
            // Serializing cannot fail for these types; a failure counts as size 0, and
            // the per-field bounds above still hold.
            let size = serde_json::to_vec(self).map_or(0, |b| b.len());
            if size > limits::MAX_PROVIDER_BYTES {
                v.note(Err(LimitError::TooLong {
                    field: "the provider (as JSON)".to_string(),
                    len: size,
                    max: limits::MAX_PROVIDER_BYTES,
                    shown: "use fewer keys, models or deployments".to_string(),
                }));
            }
        }
        v.into_messages()
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

    /// Records this key's strings and lists over their bounds, named under `field`.
    fn note_limits(&self, field: &str, v: &mut Violations) {
        v.note(check_len(
            format!("{field}.name"),
            &self.name,
            limits::MAX_KEY_NAME,
        ));
        // The secret itself is never quoted, only its length.
        v.note(check_secret(&format!("{field}.value"), &self.value));
        v.note_strings(
            &format!("{field}.models"),
            &self.models,
            limits::MAX_MODELS_PER_KEY,
            limits::MAX_MODEL_ID,
        );
        if let Some(azure) = &self.azure_key_config {
            azure.note_limits(&format!("{field}.azure_key_config"), v);
        }
        if let Some(vertex) = &self.vertex_key_config {
            vertex.note_limits(&format!("{field}.vertex_key_config"), v);
        }
        if let Some(bedrock) = &self.bedrock_key_config {
            bedrock.note_limits(&format!("{field}.bedrock_key_config"), v);
        }
    }

    /// Whether this key may serve `model`.
    pub fn allows(&self, model: &str) -> bool {
        self.models.is_empty() || self.models.iter().any(|m| m == model)
    }
}

/// Most retries a provider may ask for: each one is a full upstream call, and a retry
/// storm against a struggling upstream is what retries must never become.
const MAX_RETRIES: u32 = 10;

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
    /// Extra attempts on a connect error, timeout, 429 or 500/502/503/504.
    pub max_retries: u32,
    /// First retry's backoff; each next one doubles, with jitter.
    pub retry_backoff_initial_ms: u64,
    /// Longest backoff, `Retry-After` included.
    pub retry_backoff_max_ms: u64,
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
            max_retries: 0,
            retry_backoff_initial_ms: 500,
            retry_backoff_max_ms: 5000,
        }
    }
}

impl NetworkConfig {
    /// Connect timeout as a duration.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_secs)
    }

    fn note_limits(&self, v: &mut Violations) {
        v.note_map(
            "network.extra_headers",
            self.extra_headers.iter(),
            limits::MAX_EXTRA_HEADERS,
            limits::MAX_HEADER_NAME,
            limits::MAX_HEADER_VALUE,
        );
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
        if self.max_retries > MAX_RETRIES {
            out.push(format!(
                "network.max_retries is {}, above the limit of {MAX_RETRIES}",
                self.max_retries
            ));
        }
        if self.retry_backoff_initial_ms > self.retry_backoff_max_ms {
            out.push(format!(
                "network.retry_backoff_initial_ms ({}) must not exceed network.retry_backoff_max_ms ({})",
                self.retry_backoff_initial_ms, self.retry_backoff_max_ms
            ));
        }
        for name in self.extra_headers.keys() {
            if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                out.push(format!(
                    "network.extra_headers: {} is not a valid header name",
                    quote(name)
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

impl MockConfig {
    fn note_limits(&self, v: &mut Violations) {
        if let Some(reply) = &self.reply {
            v.note(check_len("mock.reply", reply, limits::MAX_MOCK_REPLY));
        }
        v.note(check_max(
            "mock.stream_chunks",
            u64::try_from(self.stream_chunks).unwrap_or(u64::MAX),
            limits::MAX_MOCK_STREAM_CHUNKS,
        ));
        v.note(check_max(
            "mock.embedding_dimensions",
            u64::try_from(self.embedding_dimensions).unwrap_or(u64::MAX),
            limits::MAX_MOCK_EMBEDDING_DIMENSIONS,
        ));
    }
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

    fn mock_with_key(key: KeyConfig) -> ProviderConfig {
        let mut p = ProviderConfig::new(ProviderType::Mock);
        p.keys.push(key);
        p
    }

    #[test]
    fn oversized_strings_and_lists_are_problems_naming_field_and_limit() {
        let huge = "k".repeat(1 << 20);
        let p = mock_with_key(KeyConfig::new(huge.clone(), SecretValue::parse("v")));
        let problems = p.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("keys[0].name is 1048576 bytes, over the limit of 128 bytes"),
            "{problems:?}"
        );
        let mut key = KeyConfig::new("a", SecretValue::parse("v"));
        key.models = vec!["m".to_string(); 1001];
        let problems = mock_with_key(key).problems();
        assert_eq!(
            problems,
            ["keys[0].models has 1001 entries, over the limit of 1000"]
        );
        let mut key = KeyConfig::new("a", SecretValue::parse("v"));
        key.models = vec!["m".repeat(257)];
        assert!(mock_with_key(key).problems()[0]
            .starts_with("keys[0].models[0] is 257 bytes, over the limit of 256"));
        let mut p = ProviderConfig::new(ProviderType::Mock);
        p.keys = vec![KeyConfig::new("a", SecretValue::parse("v")); 257];
        assert!(p.problems()[0].starts_with("keys has 257 entries, over the limit of 256"));
        p.keys.clear();
        p.base_url = Some(format!("http://{}", "h".repeat(3000)));
        assert!(p.problems()[0].starts_with("base_url is 3007 bytes, over the limit of 2048"));
        p.base_url = None;
        p.network
            .extra_headers
            .insert("x-big".into(), "v".repeat(9000));
        assert!(p.problems()[0]
            .starts_with("network.extra_headers[`x-big`] is 9000 bytes, over the limit of 8192"));
        p.network.extra_headers.clear();
        p.mock = Some(MockConfig {
            embedding_dimensions: 1 << 40,
            ..MockConfig::default()
        });
        assert!(p.problems()[0].starts_with("mock.embedding_dimensions is 1099511627776"));
    }

    #[test]
    fn secrets_over_their_bound_are_never_quoted() {
        let secret = format!("sk-{}", "s".repeat(20_000));
        let problems = mock_with_key(KeyConfig::new("a", SecretValue::parse(&secret))).problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("keys[0].value is 20003 bytes, over the limit of 16384"));
        assert!(!problems[0].contains("sss"), "{problems:?}");
    }

    #[test]
    fn the_whole_provider_is_bounded_when_each_field_is_within_bounds() {
        let mut p = ProviderConfig::new(ProviderType::Mock);
        let mut key = KeyConfig::new("a", SecretValue::parse("v"));
        key.models = (0..500)
            .map(|i| format!("{i}-{}", "m".repeat(200)))
            .collect();
        for i in 0..3 {
            p.keys.push(KeyConfig {
                name: format!("k{i}"),
                ..key.clone()
            });
        }
        let problems = p.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("the provider (as JSON) is")
                && problems[0].contains("over the limit of 262144 bytes"),
            "{problems:?}"
        );
    }

    #[test]
    fn other_problems_quote_input_shortened() {
        let huge = "k".repeat(1 << 20);
        let mut p = ProviderConfig::new(ProviderType::Groq);
        p.keys = vec![KeyConfig::new(huge, SecretValue::default()); 2];
        for problem in p.problems() {
            assert!(problem.len() < 1000, "{} bytes", problem.len());
        }
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
