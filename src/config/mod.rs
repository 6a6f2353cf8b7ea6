//! `bifrost.toml`: its schema, loading with line-and-column errors, and validation.
//!
//! Providers declared here are written into the store at start (the file wins for what
//! it declares); everything else a user creates lives in the store only.

mod governance;
mod health;
mod import;
mod import_governance;
mod key_settings;
pub mod limits;
mod otel;
mod pricing;
mod prometheus;
mod provider;
mod provider_type;
mod quote;
mod routing;
mod secret;
mod settings;

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

pub use governance::{key_env_var, Declared, DeclaredObjects, GovernanceConfig};
pub use health::HealthConfig;
pub use import::{import, ImportError, Imported, Note};
pub use key_settings::{AzureKeyConfig, BedrockKeyConfig, Setting, VertexKeyConfig};
pub use otel::{OtelConfig, OtelProtocol};
pub use pricing::{pricing_problems, PricingConfig};
pub use prometheus::{parse_prometheus_labels, PrometheusLabel, MAX_DYNAMIC_LABELS};
pub use provider::{KeyConfig, MockConfig, NetworkConfig, ProviderConfig};
pub use provider_type::{ProviderType, Wire};
pub use quote::{quote, shorten, shorten_quoted};
pub use routing::{
    compile_cel, split_target, AliasConfig, AliasTarget, CelError, RoutingDefs, RoutingRule,
    RuleTarget, Scope, MAX_RULES,
};
pub use secret::{is_credential_header, SecretError, SecretValue};
pub use settings::{client_problems, live_client, FileKeys, LiveClient, LiveSettings};

/// The whole configuration file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    /// Listener settings.
    pub server: ServerConfig,
    /// Request handling shared by every provider.
    pub client: ClientConfig,
    /// Management API access.
    #[serde(skip_serializing_if = "AdminConfig::is_empty")]
    pub admin: AdminConfig,
    /// Providers by name, in declaration order (the order bare model names resolve in).
    pub providers: IndexMap<String, ProviderConfig>,
    /// Price overrides by `provider/model`, over the shipped catalog.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub pricing: PricingConfig,
    /// `[otel]`: trace export; off without an endpoint.
    #[serde(skip_serializing_if = "OtelConfig::is_default")]
    pub otel: OtelConfig,
    /// Customers, teams and virtual keys the file declares, and budget alerts.
    #[serde(skip_serializing_if = "GovernanceConfig::is_empty")]
    pub governance: GovernanceConfig,
    /// Model aliases by name (`[models.fast]`).
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub models: IndexMap<String, AliasConfig>,
    /// Routing rules (`[[routing_rules]]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub routing_rules: Vec<RoutingRule>,
    /// The `[client]` keys the file spelled out: those stay the file's.
    #[serde(skip)]
    pub client_keys: FileKeys,
}

/// `[server]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to bind; 127.0.0.1 keeps a laptop gateway private.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// How long shutdown waits for in-flight requests and streams.
    pub shutdown_grace_secs: u64,
    /// A client has this long to send its request headers (slowloris guard).
    pub header_read_timeout_secs: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            host: "127.0.0.1".to_string(),
            port: 8080,
            shutdown_grace_secs: 30,
            header_read_timeout_secs: 10,
        }
    }
}

/// `[client]`: names follow the reference gateway's `client` block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientConfig {
    /// Largest request body accepted, in MiB (413 beyond).
    pub max_request_body_size_mb: u64,
    /// A client has this long to send its whole request body once its headers are in
    /// (408 beyond): a body trickled byte by byte must not hold a connection forever.
    pub request_body_timeout_secs: u64,
    /// Default upstream concurrency per provider when its network table sets none.
    pub initial_pool_size: usize,
    /// Scale each key's weight by its observed error rate and latency (on by default);
    /// a provider's `health.adaptive_balancing` overrides it.
    pub adaptive_balancing: bool,
    /// With a provider's queue full: answer 429 at once instead of waiting.
    pub drop_excess_requests: bool,
    /// `[client.compat]`: adapting requests a provider cannot take as sent.
    #[serde(skip_serializing_if = "CompatConfig::is_default")]
    pub compat: CompatConfig,
    /// Streamed JSON (JSON mode, tool arguments) repaired so every chunk parses.
    pub stream_json_repair: JsonRepairMode,
    /// A stream whose upstream dies mid-answer is continued by the plan's next target
    /// and spliced into the same client stream (`[models.X] stream_resume` overrides
    /// it per alias). Off by default: the continuation is a second, billed call.
    pub stream_resume: bool,
    /// How many times one stream may be resumed.
    pub stream_resume_max: u32,
    /// Every inference request must present a virtual key (401 otherwise). Unset,
    /// `serve` turns it on when it binds a non-loopback address and off on loopback,
    /// and says which at start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enforce_auth_on_inference: Option<bool>,
    /// Labels on every metric: `name=value` fixed, or `name` taken from each request's
    /// `x-bf-prom-<name>` header.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub prometheus_labels: Vec<String>,
    /// Distinct values a client-fed metric label (`x-bf-prom-*`, `model`, `reason`)
    /// may take; later values are counted as `other`, so no client can explode the
    /// number of series.
    pub prometheus_label_cap: usize,
    /// Paths that skip the admin token on TCP (`*` at the end: a prefix), such as
    /// `/metrics` for a Prometheus server on another host.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub whitelisted_routes: Vec<String>,
    /// Keep a request log (`bifrost logs`, `/api/logs`); off writes nothing at all.
    pub enable_logging: bool,
    /// Log requests without their content (messages, tool calls, output text).
    pub disable_content_logging: bool,
    /// Days a request-log record is kept.
    pub log_retention_days: u64,
    /// Days a record's content is kept (its metadata stays); unset: `log_retention_days`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_retention_days: Option<u64>,
    /// Request headers recorded in the request log, by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub logging_headers: Vec<String>,
}

/// When streamed chat chunks are rewritten to carry the JSON so far, closed into valid
/// JSON (the reference gateway's `jsonparser` plugin). Repaired chunks carry the whole
/// text so far instead of a delta, which clients must expect, so it is off by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JsonRepairMode {
    /// Never.
    #[default]
    Off,
    /// Every chat stream.
    Always,
    /// Chat streams whose request carries `x-bf-json-repair: true`.
    OnRequest,
}

/// `[client.compat]`: off by default, because each one changes what the client asked
/// for into something close but not identical.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompatConfig {
    /// Serve `/v1/completions` on providers without legacy completions (Anthropic...)
    /// by sending the prompt to chat as one user message and answering in the
    /// `text_completion` shape, streams included.
    pub convert_text_to_chat: bool,
    /// Send the chat completions of `openai` and `azure` providers to the Responses API
    /// (`/responses`) and translate back, for models that only offer Responses.
    pub convert_chat_to_responses: bool,
    /// Drop the chat parameters a provider's adapter cannot honour (e.g. `logit_bias`
    /// on anthropic) instead of answering 400, and say which were dropped in the
    /// `x-bifrost-dropped-params` header (and `extra_fields.dropped_params`). The
    /// reference gateway's name for the same switch.
    pub should_drop_params: bool,
}

impl CompatConfig {
    fn is_default(&self) -> bool {
        self == &CompatConfig::default()
    }
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            max_request_body_size_mb: 100,
            request_body_timeout_secs: 60,
            initial_pool_size: 10_000,
            adaptive_balancing: true,
            drop_excess_requests: false,
            compat: CompatConfig::default(),
            stream_json_repair: JsonRepairMode::Off,
            stream_resume: false,
            stream_resume_max: 1,
            enforce_auth_on_inference: None,
            prometheus_labels: Vec::new(),
            prometheus_label_cap: 100,
            whitelisted_routes: Vec::new(),
            enable_logging: true,
            disable_content_logging: false,
            log_retention_days: 30,
            content_retention_days: None,
            logging_headers: Vec::new(),
        }
    }
}

/// `[admin]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdminConfig {
    /// Bearer token required by `/api/*` on TCP; without one the API is closed on TCP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<SecretValue>,
}

impl AdminConfig {
    fn is_empty(&self) -> bool {
        self.token.is_none()
    }
}

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not fit the schema.
    #[error("{}", render_problems(path, problems))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every problem found, each with its position.
        problems: Vec<Problem>,
    },
}

/// One problem in a config file, located for an editor.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// 1-based line; 0 when the problem has no single place.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

fn render_problems(path: &Path, problems: &[Problem]) -> String {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| match p.line {
            0 => format!("{}: {}", path.display(), p.message),
            _ => format!("{}:{}:{}: {}", path.display(), p.line, p.column, p.message),
        })
        .collect();
    lines.join("\n")
}

impl FileConfig {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<FileConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        FileConfig::parse(&text).map_err(|problems| ConfigError::Invalid {
            path: path.to_path_buf(),
            problems,
        })
    }

    /// Parses and validates config text; every problem comes back with its position.
    pub fn parse(text: &str) -> Result<FileConfig, Vec<Problem>> {
        let mut config: FileConfig = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            vec![Problem {
                line,
                column,
                message: shorten_quoted(e.message().trim()).into_owned(),
            }]
        })?;
        // A rule declared in the file is known by its name.
        for rule in &mut config.routing_rules {
            if rule.id.is_empty() {
                rule.id.clone_from(&rule.name);
            }
        }
        config.client_keys = FileKeys::of_client(text);
        let mut problems = config.problems(text);
        problems.extend(routing::file_problems(&config, text));
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    fn problems(&self, text: &str) -> Vec<Problem> {
        let spans = provider_spans(text);
        let mut out = Vec::new();
        if let Err(e) =
            limits::check_count("providers", self.providers.len(), limits::MAX_PROVIDERS)
        {
            out.push(Problem {
                line: 0,
                column: 0,
                message: e.to_string(),
            });
        }
        out.extend(
            client_problems(&self.client)
                .into_iter()
                .chain(self.otel.problems())
                .chain(pricing_problems(&self.pricing))
                .map(|message| Problem {
                    line: 0,
                    column: 0,
                    message,
                }),
        );
        out.extend(
            self.governance
                .problems()
                .into_iter()
                .map(|message| Problem {
                    line: 0,
                    column: 0,
                    message,
                }),
        );
        for (name, provider) in &self.providers {
            let (line, column) = spans.get(name).copied().unwrap_or((0, 0));
            if let Err(e) = validate_provider_name(name) {
                out.push(Problem {
                    line,
                    column,
                    message: e,
                });
            }
            for message in provider.problems() {
                out.push(Problem {
                    line,
                    column,
                    message: format!("providers.{}: {message}", shorten(name)),
                });
            }
        }
        out
    }

    /// Renders the config as TOML; literal secrets are masked unless `include_secrets`.
    pub fn to_toml(&self, include_secrets: bool) -> String {
        let mut copy = self.clone();
        if !include_secrets {
            for provider in copy.providers.values_mut() {
                for key in &mut provider.keys {
                    // Every secret of the key, AWS and service-account ones included.
                    for (_, value) in key.secrets_mut() {
                        if let SecretValue::Literal(_) = value {
                            *value = SecretValue::Literal(value.masked());
                        }
                    }
                }
            }
            copy.admin.token = copy.admin.token.map(|t| SecretValue::Literal(t.masked()));
            for value in copy.otel.headers.values_mut() {
                *value = SecretValue::Literal(value.masked());
            }
            copy.governance = copy.governance.masked();
        }
        toml::to_string_pretty(&copy).unwrap_or_else(|e| format!("# cannot render config: {e}\n"))
    }
}

/// Provider names become path segments and model prefixes, so keep them simple.
pub fn validate_provider_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= limits::MAX_PROVIDER_NAME
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "provider name {} must be 1-{} characters of letters, digits, `-`, `_` or `.`",
            quote(name),
            limits::MAX_PROVIDER_NAME
        ))
    }
}

/// Where each `[providers.NAME]` table starts, for locating semantic problems.
fn provider_spans(text: &str) -> std::collections::HashMap<String, (usize, usize)> {
    #[derive(Deserialize)]
    struct Spans {
        #[serde(default)]
        providers: IndexMap<toml::Spanned<String>, toml::Value>,
    }
    toml::from_str::<Spans>(text)
        .map(|s| {
            s.providers
                .keys()
                .map(|k| (k.get_ref().clone(), line_col(text, k.span().start)))
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[server]
host = "127.0.0.1"
port = 8080
[client]
max_request_body_size_mb = 100
initial_pool_size = 300
drop_excess_requests = false
[providers.local]
type = "openai-compatible"
base_url = "http://127.0.0.1:11434/v1"
[[providers.local.keys]]
name = "main"
value = "env.LOCAL_KEY"
models = ["llama3"]
weight = 1.0
"#;

    #[test]
    fn the_documented_shape_parses() {
        let c = FileConfig::parse(GOOD).unwrap();
        assert_eq!(c.client.initial_pool_size, 300);
        let local = &c.providers["local"];
        assert_eq!(local.kind, ProviderType::OpenaiCompatible);
        assert_eq!(local.keys[0].value, SecretValue::Env("LOCAL_KEY".into()));
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let err = FileConfig::parse("[server]\nport = \"x\"\n").unwrap_err();
        assert_eq!((err[0].line, err[0].column), (2, 8));
        assert!(
            err[0].message.contains("u16") || err[0].message.contains("integer"),
            "{:?}",
            err
        );
    }

    #[test]
    fn typos_are_rejected_with_position() {
        let err = FileConfig::parse("[client]\ndrop_excess_request = true\n").unwrap_err();
        assert_eq!(err[0].line, 2);
        assert!(err[0].message.contains("drop_excess_requests"), "{:?}", err);
    }

    #[test]
    fn semantic_problems_point_at_the_provider() {
        let text = "[server]\nport = 1\n\n[providers.bad]\ntype = \"openai-compatible\"\n";
        let err = FileConfig::parse(text).unwrap_err();
        assert_eq!(err[0].line, 4);
        assert!(err[0]
            .message
            .contains("providers.bad: type `openai-compatible` needs a base_url"));
    }

    #[test]
    fn the_file_is_held_to_the_same_bounds_as_the_api() {
        let name = "n".repeat(300);
        let text = format!(
            "[providers.local]\ntype = \"mock\"\n[[providers.local.keys]]\nname = \"{name}\"\nvalue = \"v\"\n"
        );
        let err = FileConfig::parse(&text).unwrap_err();
        assert_eq!(err.len(), 1, "{err:?}");
        assert_eq!(err[0].line, 1);
        assert!(
            err[0]
                .message
                .starts_with("providers.local: keys[0].name is 300 bytes, over the limit of 128"),
            "{err:?}"
        );
        let long_name = format!("[providers.{}]\ntype = \"mock\"\n", "p".repeat(100_000));
        let err = FileConfig::parse(&long_name).unwrap_err();
        assert!(err.iter().all(|p| p.message.len() < 1000), "{err:?}");
        assert!(err[0].message.contains("1-64 characters"), "{err:?}");
    }

    #[test]
    fn toml_errors_quote_input_shortened() {
        let text = format!("[client]\n{} = 1\n", "x".repeat(100_000));
        let err = FileConfig::parse(&text).unwrap_err();
        assert!(err[0].message.len() < 1000, "{}", err[0].message.len());
        assert!(
            err[0].message.contains("(100000 bytes)"),
            "{:?}",
            err[0].message
        );
    }

    #[test]
    fn export_masks_literals() {
        let mut c = FileConfig::parse(GOOD).unwrap();
        c.providers["local"].keys[0].value = SecretValue::parse("sk-verysecretvalue-1234");
        let masked = c.to_toml(false);
        assert!(!masked.contains("verysecret"), "{masked}");
        assert!(c.to_toml(true).contains("sk-verysecretvalue-1234"));
        let round = FileConfig::parse(&c.to_toml(true)).unwrap();
        assert_eq!(round, c);
        // Service-account and AWS secrets are masked too, and an empty value is omitted.
        let key = &mut c.providers.get_mut("local").unwrap().keys[0];
        key.value = SecretValue::default();
        key.vertex_key_config = Some(VertexKeyConfig {
            project_id: Setting::parse("p"),
            region: Setting::parse("global"),
            auth_credentials: SecretValue::parse("{\"private_key\": \"-----BEGIN verysecret\"}"),
            deployments: Default::default(),
        });
        let masked = c.to_toml(false);
        assert!(!masked.contains("verysecret"), "{masked}");
        assert!(!masked.contains("value ="), "{masked}");
    }
}
