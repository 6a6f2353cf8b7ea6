//! `bifrost config import`: a reference gateway's `config.json` turned into the
//! equivalent [`FileConfig`], with a note for every setting that could not be carried
//! over and why. Pure: JSON in, config and notes out.
//!
//! The reference's shape is its `config.schema.json` (v1.4 to v2.2): `providers` keyed
//! by provider name with `keys`, `network_config` and `concurrency_and_buffer_size`;
//! `client`; and `governance` with `budgets` and `rate_limits` declared apart and
//! referenced by id. Where the two gateways mean different things by the same field
//! (an empty allow list), the import keeps the reference's meaning and says so.

use serde_json::{Map, Value};

use super::import_governance::governance;
use super::{FileConfig, KeyConfig, ProviderConfig, ProviderType, SecretValue, Wire};

/// A setting that was not carried over (or was changed on the way), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Where it was in `config.json` (`providers.openai.network_config.max_retries`).
    pub path: String,
    /// What happened to it.
    pub message: String,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a file is not a reference config at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Not JSON.
    #[error("not JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON, but not an object.
    #[error("the file is not a JSON object; a reference config.json is one")]
    NotAnObject,
}

/// What an import produced.
#[derive(Debug)]
pub struct Imported {
    /// The equivalent configuration.
    pub config: FileConfig,
    /// Everything not carried over, in file order.
    pub notes: Vec<Note>,
}

/// Collects notes while a config is read.
#[derive(Default)]
pub(super) struct Notes(pub(super) Vec<Note>);

impl Notes {
    pub(super) fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Note {
            path: path.into(),
            message: message.into(),
        });
    }

    /// Notes every field of `object` not in `known`, as not carried over.
    pub(super) fn unknown(
        &mut self,
        at: &str,
        object: &Map<String, Value>,
        known: &[&str],
        why: &str,
    ) {
        for field in object.keys().filter(|f| !known.contains(&f.as_str())) {
            self.add(join(at, field), format!("not carried over: {why}"));
        }
    }
}

/// `at.field`, or `field` at the top.
pub(super) fn join(at: &str, field: &str) -> String {
    if at.is_empty() {
        field.to_string()
    } else {
        format!("{at}.{field}")
    }
}

/// Reads a reference `config.json`.
pub fn import(json: &[u8]) -> Result<Imported, ImportError> {
    let value: Value = serde_json::from_slice(json)?;
    let Value::Object(root) = value else {
        return Err(ImportError::NotAnObject);
    };
    let mut notes = Notes::default();
    let mut config = FileConfig::default();
    // Before v1.5 (or with `"version": 1`), an empty allow list allowed everything.
    let legacy_lists = root.get("version").and_then(Value::as_u64) == Some(1);
    if let Some(Value::Object(client)) = root.get("client") {
        read_client(client, &mut config, &mut notes);
    }
    if let Some(Value::Object(providers)) = root.get("providers") {
        for (name, p) in providers {
            if let Value::Object(p) = p {
                if let Some(provider) = read_provider(name, p, legacy_lists, &mut notes) {
                    config.providers.insert(name.clone(), provider);
                }
            }
        }
    }
    if let Some(Value::Object(g)) = root.get("governance") {
        config.governance = governance(g, legacy_lists, &mut notes);
    }
    for (field, why) in [
        ("auth_config", "set the admin password with `bifrost admin set-password`"),
        ("encryption_key", "bifrost stores only digests of virtual keys; provider keys stay in the store file (mode 0600) or in env. references"),
        ("framework", "prices come from bifrost's shipped catalog; override them under [pricing]"),
        ("config_store", "bifrost keeps its store in the data dir (--data-dir)"),
        ("logs_store", "bifrost keeps its request log in the data dir"),
        ("vector_store", "bifrost has no semantic cache"),
        ("mcp", "bifrost does not run MCP clients"),
        ("plugins", "bifrost's features are built in; there are no plugins to load"),
    ] {
        if root.contains_key(field) {
            notes.add(field, format!("not carried over: {why}"));
        }
    }
    notes.unknown(
        "",
        &root,
        &[
            "$schema",
            "version",
            "client",
            "providers",
            "governance",
            "auth_config",
            "encryption_key",
            "framework",
            "config_store",
            "logs_store",
            "vector_store",
            "mcp",
            "plugins",
        ],
        "bifrost has no such setting",
    );
    Ok(Imported {
        config,
        notes: notes.0,
    })
}

fn read_client(client: &Map<String, Value>, config: &mut FileConfig, notes: &mut Notes) {
    let c = &mut config.client;
    let flag = |field: &str| client.get(field).and_then(Value::as_bool);
    if let Some(v) = flag("drop_excess_requests") {
        c.drop_excess_requests = v;
    }
    if let Some(mb) = client
        .get("max_request_body_size_mb")
        .and_then(Value::as_u64)
    {
        c.max_request_body_size_mb = mb.max(1);
    }
    // The reference's current name and the two it replaced.
    for field in [
        "enforce_auth_on_inference",
        "enforce_governance_header",
        "enforce_scim_auth",
    ] {
        if let Some(v) = flag(field) {
            c.enforce_auth_on_inference = Some(v || c.enforce_auth_on_inference == Some(true));
        }
    }
    if flag("enable_litellm_fallbacks") == Some(true) {
        c.compat.convert_text_to_chat = true;
    }
    if let Some(Value::Object(compat)) = client.get("compat") {
        let on = |f: &str| compat.get(f).and_then(Value::as_bool).unwrap_or(false);
        c.compat.convert_text_to_chat |= on("convert_text_to_chat");
        c.compat.convert_chat_to_responses = on("convert_chat_to_responses");
        c.compat.should_drop_params = on("should_drop_params");
        notes.unknown(
            "client.compat",
            compat,
            &[
                "convert_text_to_chat",
                "convert_chat_to_responses",
                "should_drop_params",
            ],
            "bifrost has no such compat switch",
        );
    }
    if client.contains_key("initial_pool_size") {
        notes.add("client.initial_pool_size", "not carried over: in the reference it sizes object pools; bifrost's setting of that name caps each provider's concurrency, so the reference's value would throttle traffic");
    }
    notes.unknown(
        "client",
        client,
        &[
            "drop_excess_requests",
            "max_request_body_size_mb",
            "enforce_auth_on_inference",
            "enforce_governance_header",
            "enforce_scim_auth",
            "enable_litellm_fallbacks",
            "compat",
            "initial_pool_size",
        ],
        "bifrost has no such client setting",
    );
}

/// The bifrost type serving a reference provider name, and the path suffix its base
/// URL lacks (the reference appends `/v1/...` itself; bifrost's base URLs include it).
fn provider_type(name: &str, p: &Map<String, Value>) -> Option<ProviderType> {
    let base = p
        .get("custom_provider_config")
        .and_then(|c| c.get("base_provider_type"))
        .and_then(Value::as_str);
    match base {
        Some("openai") => Some(ProviderType::OpenaiCompatible),
        Some(other) => other.parse().ok(),
        None => name
            .parse()
            .ok()
            .filter(|t| !matches!(t, ProviderType::Mock | ProviderType::OpenaiCompatible)),
    }
}

fn read_provider(
    name: &str,
    p: &Map<String, Value>,
    legacy_lists: bool,
    notes: &mut Notes,
) -> Option<ProviderConfig> {
    let at = format!("providers.{name}");
    let Some(kind) = provider_type(name, p) else {
        notes.add(
            at,
            "not carried over: bifrost has no provider of this type (see `bifrost provider types`)",
        );
        return None;
    };
    let mut provider = ProviderConfig::new(kind);
    if let Some(Value::Array(keys)) = p.get("keys") {
        for (i, k) in keys.iter().enumerate() {
            if let Value::Object(k) = k {
                if let Some(key) = read_key(&format!("{at}.keys[{i}]"), i, k, legacy_lists, notes) {
                    provider.keys.push(key);
                }
            }
        }
    }
    if let Some(Value::Object(net)) = p.get("network_config") {
        read_network(&at, kind, net, &mut provider, notes);
    }
    if let Some(Value::Object(c)) = p.get("concurrency_and_buffer_size") {
        let n = |f: &str| {
            c.get(f)
                .and_then(Value::as_u64)
                .and_then(|v| usize::try_from(v).ok())
        };
        provider.network.max_concurrency = n("concurrency").filter(|v| *v > 0);
        if let Some(size) = n("buffer_size") {
            provider.network.queue_size = size;
        }
    }
    notes.unknown(
        &at,
        p,
        &[
            "keys",
            "network_config",
            "concurrency_and_buffer_size",
            "custom_provider_config",
        ],
        "bifrost has no such provider setting",
    );
    if let Some(Value::Object(custom)) = p.get("custom_provider_config") {
        notes.unknown(
            &format!("{at}.custom_provider_config"),
            custom,
            &["base_provider_type"],
            "bifrost has no such setting for custom providers",
        );
    }
    for problem in provider.problems() {
        notes.add(
            &at,
            format!("imported, but bifrost cannot use it as it stands: {problem}"),
        );
    }
    Some(provider)
}

fn read_key(
    at: &str,
    index: usize,
    k: &Map<String, Value>,
    legacy_lists: bool,
    notes: &mut Notes,
) -> Option<KeyConfig> {
    if k.get("enabled").and_then(Value::as_bool) == Some(false) {
        notes.add(
            at,
            "not carried over: the key is disabled (`enabled: false`)",
        );
        return None;
    }
    let name = k
        .get("name")
        .and_then(Value::as_str)
        .map_or_else(|| format!("key-{}", index + 1), str::to_string);
    let value = k
        .get("value")
        .and_then(Value::as_str)
        .map(SecretValue::parse)
        .unwrap_or_default();
    let mut key = KeyConfig::new(name, value);
    if let Some(w) = k.get("weight").and_then(Value::as_f64) {
        key.weight = w;
    }
    let models: Vec<String> = match k.get("models") {
        Some(Value::Array(m)) => m
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => vec!["*".to_string()],
    };
    if models.is_empty() && !legacy_lists {
        notes.add(format!("{at}.models"), "not carried over: an empty list denies every model in the reference (v1.5+), so the key served nothing");
        return None;
    }
    // bifrost: an empty list allows every model.
    key.models = models.into_iter().filter(|m| m != "*").collect();
    // The *_key_config blocks share the reference's field names; only fields bifrost
    // knows are kept.
    for (field, known) in [
        (
            "azure_key_config",
            &["endpoint", "deployments", "api_version"][..],
        ),
        (
            "vertex_key_config",
            &["project_id", "region", "auth_credentials", "deployments"][..],
        ),
        (
            "bedrock_key_config",
            &[
                "access_key",
                "secret_key",
                "session_token",
                "region",
                "deployments",
            ][..],
        ),
    ] {
        let Some(Value::Object(block)) = k.get(field) else {
            continue;
        };
        let kept: Map<String, Value> = block
            .iter()
            .filter(|(f, _)| known.contains(&f.as_str()))
            .map(|(f, v)| (f.clone(), v.clone()))
            .collect();
        notes.unknown(
            &format!("{at}.{field}"),
            block,
            known,
            "bifrost has no such key setting",
        );
        let parsed =
            match field {
                "azure_key_config" => serde_json::from_value(Value::Object(kept))
                    .map(|c| key.azure_key_config = Some(c)),
                "vertex_key_config" => serde_json::from_value(Value::Object(kept))
                    .map(|c| key.vertex_key_config = Some(c)),
                _ => serde_json::from_value(Value::Object(kept))
                    .map(|c| key.bedrock_key_config = Some(c)),
            };
        if let Err(e) = parsed {
            notes.add(format!("{at}.{field}"), format!("not carried over: {e}"));
        }
    }
    notes.unknown(
        at,
        k,
        &[
            "id",
            "name",
            "value",
            "models",
            "weight",
            "enabled",
            "azure_key_config",
            "vertex_key_config",
            "bedrock_key_config",
        ],
        "bifrost has no such key setting",
    );
    Some(key)
}

fn read_network(
    at: &str,
    kind: ProviderType,
    net: &Map<String, Value>,
    provider: &mut ProviderConfig,
    notes: &mut Notes,
) {
    let at = format!("{at}.network_config");
    if let Some(url) = net.get("base_url").and_then(Value::as_str) {
        let url = url.trim_end_matches('/');
        // The reference appends the API version to the base URL; bifrost's includes it.
        let version = match kind.wire() {
            Wire::Openai | Wire::Anthropic => Some("/v1"),
            Wire::Cohere => Some("/v2"),
            _ => None,
        };
        let base = match version {
            Some(v) if !url.ends_with(v) => {
                notes.add(
                    join(&at, "base_url"),
                    format!(
                        "carried over as {url}{v}: bifrost's base URLs include the API version"
                    ),
                );
                format!("{url}{v}")
            }
            _ => url.to_string(),
        };
        provider.base_url = Some(base);
    }
    if let Some(Value::Object(h)) = net.get("extra_headers") {
        for (name, v) in h {
            if let Some(v) = v.as_str() {
                provider
                    .network
                    .extra_headers
                    .insert(name.clone(), v.to_string());
            }
        }
    }
    let secs = |f: &str| net.get(f).and_then(Value::as_u64).filter(|v| *v > 0);
    if let Some(t) = secs("default_request_timeout_in_seconds") {
        // The reference's one timeout bounds the whole request.
        provider.network.total_timeout_secs = t;
        provider.network.first_byte_timeout_secs = provider.network.first_byte_timeout_secs.min(t);
    }
    if let Some(t) = secs("stream_idle_timeout_in_seconds") {
        provider.network.stream_idle_timeout_secs = t;
    }
    if let Some(t) = secs("keep_alive_timeout_in_seconds") {
        provider.network.idle_timeout_secs = t;
    }
    for field in ["max_retries", "retry_backoff_initial", "retry_backoff_max"] {
        if net.contains_key(field) {
            notes.add(join(&at, field), "not carried over: bifrost does not retry a key; it fails over to the provider's next key, then to `fallbacks`");
        }
    }
    notes.unknown(
        &at,
        net,
        &[
            "base_url",
            "extra_headers",
            "default_request_timeout_in_seconds",
            "stream_idle_timeout_in_seconds",
            "keep_alive_timeout_in_seconds",
            "max_retries",
            "retry_backoff_initial",
            "retry_backoff_max",
        ],
        "bifrost has no such network setting",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notes_of(json: &str) -> (FileConfig, Vec<String>) {
        let imported = import(json.as_bytes()).unwrap();
        let notes = imported.notes.iter().map(ToString::to_string).collect();
        (imported.config, notes)
    }

    #[test]
    fn not_a_config_is_an_error() {
        assert!(matches!(import(b"[1]"), Err(ImportError::NotAnObject)));
        assert!(matches!(import(b"{"), Err(ImportError::Json(_))));
    }

    #[test]
    fn version_1_keeps_empty_lists_meaning_all() {
        let json = r#"{"version": 1, "providers": {"groq": {"keys": [{"name": "g", "value": "env.G", "models": [], "weight": 1}]}},
            "governance": {"virtual_keys": [{"id": "v", "name": "v", "value": "env.V", "provider_configs": [{"provider": "groq", "allowed_models": []}]}]}}"#;
        let (config, notes) = notes_of(json);
        assert_eq!(config.providers["groq"].keys.len(), 1);
        let vk = &config.governance.virtual_keys["v"];
        assert_eq!(vk["provider_configs"][0]["allowed_models"][0], "*");
        assert!(vk.get("is_active").is_none(), "{notes:?}");
    }

    #[test]
    fn custom_providers_take_their_base_type_and_urls_gain_the_version() {
        let json = r#"{"providers": {"my-llm": {"keys": [], "custom_provider_config": {"base_provider_type": "openai", "is_key_less": true},
            "network_config": {"base_url": "http://10.0.0.5:8000/", "stream_idle_timeout_in_seconds": 90}}}}"#;
        let (config, notes) = notes_of(json);
        let p = &config.providers["my-llm"];
        assert_eq!(p.kind, ProviderType::OpenaiCompatible);
        assert_eq!(p.base_url.as_deref(), Some("http://10.0.0.5:8000/v1"));
        assert_eq!(p.network.stream_idle_timeout_secs, 90);
        assert!(
            notes.iter().any(|n| n.starts_with(
                "providers.my-llm.custom_provider_config.is_key_less: not carried over"
            )),
            "{notes:?}"
        );
    }

    #[test]
    fn old_auth_switch_names_still_turn_auth_on() {
        let (config, _) = notes_of(
            r#"{"client": {"enforce_governance_header": true, "enable_litellm_fallbacks": true}}"#,
        );
        assert_eq!(config.client.enforce_auth_on_inference, Some(true));
        assert!(config.client.compat.convert_text_to_chat);
    }
}
