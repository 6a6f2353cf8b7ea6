//! Client settings (`[client]`) as a management operation, shared by the HTTP API
//! (`GET/PUT /api/config`), `bifrost top`'s Settings screen and the CLI, with a local
//! implementation on the store and a remote one through a running server.
//!
//! Where a setting's value comes from, lowest first: its default, a change made
//! through the API (kept in the store), the config file. A key the file declares stays
//! the file's: changing it here is refused with a conflict that names the file. The
//! settings in [`LiveSettings`] apply from the next request on (the server swaps its
//! live snapshot); any other change is stored and waits for a restart, which the
//! answer says with `restart_required`.

use std::sync::Arc;

use async_trait::async_trait;
use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use tokio::sync::Mutex;

use super::{AdminError, RemoteAdmin};
use crate::config::{client_problems, quote, ClientConfig, LiveClient, LiveSettings};
use crate::store::{Store, StoreError};

/// Why a settings operation failed; the HTTP API maps each variant to a status.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The change is not valid; each entry names the field (400).
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
    /// The change touches settings `bifrost.toml` declares (409).
    #[error("{0}")]
    FromFile(String),
    /// The store failed (500).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The running server answered with an error.
    #[error("{message}")]
    Remote {
        /// HTTP status from the server.
        status: u16,
        /// Its message.
        message: String,
    },
    /// The running server could not be reached or answered nonsense.
    #[error("cannot talk to the running bifrost server: {0}")]
    Unreachable(String),
}

impl SettingsError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            SettingsError::Invalid(_) => 400,
            SettingsError::FromFile(_) => 409,
            SettingsError::Remote { status, .. } => *status,
            SettingsError::Store(_) | SettingsError::Unreachable(_) => 500,
        }
    }
}

impl From<AdminError> for SettingsError {
    fn from(e: AdminError) -> Self {
        match e {
            AdminError::Remote { status, message } => SettingsError::Remote { status, message },
            AdminError::Invalid(v) => SettingsError::Invalid(v),
            AdminError::Store(s) => SettingsError::Store(s),
            other => SettingsError::Unreachable(other.to_string()),
        }
    }
}

/// The answer of `GET /api/config` (the reference's `client_config` and
/// `restart_required`, plus which keys are the file's and which apply live).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsDoc {
    /// Every `[client]` setting, unset optional ones as `null` or empty.
    pub client_config: Map<String, Value>,
    /// A stored change waits for a restart of the server.
    pub restart_required: bool,
    /// Keys `bifrost.toml` declares: read-only here.
    #[serde(default)]
    pub from_file: Vec<String>,
    /// Keys a change applies to from the next request on.
    #[serde(default)]
    pub live: Vec<String>,
}

/// The settings operations every management path offers.
#[async_trait]
pub trait SettingsAdmin: Send + Sync {
    /// The settings in force (or in force at the next start, without a server).
    async fn get_settings(&self) -> Result<SettingsDoc, SettingsError>;
    /// Changes the keys `patch` names (`{"client_config": {...}}` or the bare object).
    async fn update_settings(&self, patch: Value) -> Result<SettingsDoc, SettingsError>;
}

/// A setting's value as text (the Settings screen's table and form, `bifrost config
/// get`): lists comma-separated, unset as empty.
pub fn shown(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(","),
        other => other.to_string(),
    }
}

/// What text a setting whose value is now `current` takes.
pub fn hint(current: &Value) -> &'static str {
    match current {
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::Array(_) => "comma-separated; empty: none",
        Value::Object(_) => "JSON object",
        Value::Null => "empty: unset",
        Value::String(_) => "text",
    }
}

/// Reads typed text as the kind of value the setting holds now (`current`), so the
/// Settings screen and `bifrost config set` read it alike; the update checks the rest
/// (and names the field that is wrong).
pub fn parse_value(current: &Value, text: &str) -> Result<Value, String> {
    let text = text.trim();
    Ok(match current {
        Value::Array(_) => json!(text
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .collect::<Vec<_>>()),
        Value::String(_) => json!(text),
        _ if text.is_empty() => Value::Null,
        Value::Null => serde_json::from_str(text).unwrap_or_else(|_| json!(text)),
        Value::Bool(_) => match text {
            "true" | "on" | "yes" => json!(true),
            "false" | "off" | "no" => json!(false),
            _ => return Err(format!("value: `{text}` is not true or false")),
        },
        _ => serde_json::from_str(text)
            .map_err(|_| format!("value: `{text}` is not {}", hint(current)))?,
    })
}

/// `client` as JSON with every key present, so a client can list them all.
pub fn client_json(client: &ClientConfig) -> Map<String, Value> {
    let mut map = match serde_json::to_value(client) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    // Keys serde leaves out when empty or unset.
    for (key, empty) in [
        ("compat", json!(crate::config::CompatConfig::default())),
        ("enforce_auth_on_inference", Value::Null),
        ("prometheus_labels", json!([])),
        ("whitelisted_routes", json!([])),
        ("content_retention_days", Value::Null),
        ("logging_headers", json!([])),
    ] {
        map.entry(key).or_insert(empty);
    }
    map
}

/// `base` with the API's settings over it and the file's over those.
fn overlay(
    base: &ClientConfig,
    api: &Map<String, Value>,
    file: &Map<String, Value>,
) -> Result<ClientConfig, Vec<String>> {
    let mut map = client_json(base);
    for (k, v) in api.iter().filter(|(k, _)| !file.contains_key(*k)) {
        map.insert(k.clone(), v.clone());
    }
    map.extend(file.clone());
    let client: ClientConfig = serde_path_to_error::deserialize(Value::Object(map))
        .map_err(|e| vec![format!("client_config.{}: {}", e.path(), e.inner())])?;
    let problems = client_problems(&client);
    if problems.is_empty() {
        Ok(client)
    } else {
        Err(problems)
    }
}

/// The client settings a server starts with: `client` (the file's) with the changes
/// made through the API over the keys the file leaves alone. A stored change that no
/// longer fits (a newer release renamed a key) is skipped with a warning.
pub fn at_start(store: &Store, client: ClientConfig) -> Result<ClientConfig, StoreError> {
    let (api, file) = (store.api_settings()?, store.file_settings()?);
    if api.is_empty() {
        return Ok(client);
    }
    Ok(overlay(&client, &api, &file).unwrap_or_else(|problems| {
        tracing::warn!(?problems, "ignoring client settings stored through the API");
        client
    }))
}

/// The declared part of `client`, for the store (`keys`: what the file spelled out).
pub fn declared(client: &ClientConfig, keys: &[String]) -> Map<String, Value> {
    let all = client_json(client);
    keys.iter()
        .filter_map(|k| Some((k.clone(), all.get(k)?.clone())))
        .collect()
}

/// What a running server started with, and the snapshot it follows.
#[derive(Clone)]
pub struct Running {
    /// The settings in force since start.
    pub started: ClientConfig,
    /// The live snapshot the request log reads.
    pub live: LiveClient,
    /// Whether the request log was started (off at start: turning it on needs a restart).
    pub logging: bool,
}

/// Settings management over an open store; inside a server, changes reach its live
/// snapshot.
#[derive(Clone)]
pub struct LocalSettings {
    store: Arc<Store>,
    running: Option<Running>,
    /// One change at a time: each reads, merges and writes the stored settings.
    writing: Arc<Mutex<()>>,
}

impl LocalSettings {
    /// Manages the settings in `store`; `running` when this process is the server.
    pub fn new(store: Arc<Store>, running: Option<Running>) -> Self {
        LocalSettings {
            store,
            running,
            writing: Arc::new(Mutex::new(())),
        }
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, SettingsError> + Send + 'static,
    ) -> Result<T, SettingsError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| SettingsError::Unreachable(format!("store task failed: {e}")))?
    }

    fn base(&self) -> ClientConfig {
        self.running
            .as_ref()
            .map_or_else(ClientConfig::default, |r| r.started.clone())
    }

    fn doc(&self, current: &ClientConfig, file: &Map<String, Value>) -> SettingsDoc {
        let restart_required = self.running.as_ref().is_some_and(|r| {
            let (now, then) = (client_json(current), client_json(&r.started));
            let waiting = now
                .iter()
                .any(|(k, v)| !LiveSettings::KEYS.contains(&k.as_str()) && then.get(k) != Some(v));
            waiting || (current.enable_logging && !r.logging)
        });
        SettingsDoc {
            client_config: client_json(current),
            restart_required,
            from_file: file.keys().cloned().collect(),
            live: LiveSettings::KEYS.iter().map(|k| k.to_string()).collect(),
        }
    }
}

#[async_trait]
impl SettingsAdmin for LocalSettings {
    async fn get_settings(&self) -> Result<SettingsDoc, SettingsError> {
        let (api, file) = self
            .blocking(|s| Ok((s.api_settings()?, s.file_settings()?)))
            .await?;
        let current = overlay(&self.base(), &api, &file).map_err(SettingsError::Invalid)?;
        Ok(self.doc(&current, &file))
    }

    async fn update_settings(&self, patch: Value) -> Result<SettingsDoc, SettingsError> {
        let patch = match patch {
            Value::Object(mut m) if m.contains_key("client_config") => m.remove("client_config"),
            other => Some(other),
        };
        let Some(Value::Object(patch)) = patch else {
            return Err(SettingsError::Invalid(vec![
                "client_config: must be an object of [client] settings".to_string(),
            ]));
        };
        let known = client_json(&ClientConfig::default());
        let unknown: Vec<String> = patch
            .keys()
            .filter(|k| !known.contains_key(*k))
            .map(|k| {
                format!(
                    "client_config.{}: no such setting",
                    crate::config::shorten(k)
                )
            })
            .collect();
        if !unknown.is_empty() {
            return Err(SettingsError::Invalid(unknown));
        }
        let _one = self.writing.lock().await;
        let (mut api, file) = self
            .blocking(|s| Ok((s.api_settings()?, s.file_settings()?)))
            .await?;
        let base = self.base();
        let current = client_json(&overlay(&base, &api, &file).map_err(SettingsError::Invalid)?);
        let declared: Vec<&str> = patch
            .iter()
            .filter(|(k, v)| file.contains_key(*k) && current.get(*k) != Some(*v))
            .map(|(k, _)| k.as_str())
            .collect();
        if !declared.is_empty() {
            let names: Vec<String> = declared
                .iter()
                .map(|k| quote(&format!("client.{k}")))
                .collect();
            return Err(SettingsError::FromFile(format!(
                "{} is declared in bifrost.toml, which wins: change it there and restart the server",
                names.join(", ")
            )));
        }
        api.extend(patch);
        let next = overlay(&base, &api, &file).map_err(SettingsError::Invalid)?;
        self.blocking(move |s| Ok(s.put_api_settings(&api)?))
            .await?;
        if let Some(r) = &self.running {
            r.live.store(Arc::new(LiveSettings::of(&next)));
        }
        Ok(self.doc(&next, &file))
    }
}

#[async_trait]
impl SettingsAdmin for RemoteAdmin {
    async fn get_settings(&self) -> Result<SettingsDoc, SettingsError> {
        Ok(self.call(Method::GET, "/api/config", None).await?)
    }

    async fn update_settings(&self, patch: Value) -> Result<SettingsDoc, SettingsError> {
        let body =
            serde_json::to_vec(&patch).map_err(|e| SettingsError::Invalid(vec![e.to_string()]))?;
        Ok(self.call(Method::PUT, "/api/config", Some(body)).await?)
    }
}
