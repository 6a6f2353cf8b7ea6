//! The `[client]` settings a running server can change without a restart, as one
//! immutable snapshot swapped whole ([`LiveClient`]): the request-log hook and the
//! retention task load it per request / per round, so an edit through `PUT
//! /api/config` applies from the next request on and the hot path takes no lock.
//!
//! Also: which `[client]` keys a file spelled out ([`FileKeys`]), because those stay
//! the file's (the API refuses to change them), and the checks every client config
//! passes, wherever it comes from.

use std::sync::Arc;

use arc_swap::ArcSwap;
use serde::{Deserialize, Serialize};

use super::{parse_prometheus_labels, ClientConfig};

/// The client settings applied live, without a restart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSettings {
    /// Whether requests are logged at all.
    pub enable_logging: bool,
    /// Whether their content (messages, output) is logged with them.
    pub disable_content_logging: bool,
    /// Days a record is kept.
    pub log_retention_days: u64,
    /// Days a record's content is kept.
    pub content_retention_days: u64,
}

impl LiveSettings {
    /// The `[client]` names of the settings applied live.
    pub const KEYS: [&'static str; 4] = [
        "enable_logging",
        "disable_content_logging",
        "log_retention_days",
        "content_retention_days",
    ];

    /// The live part of `client`.
    pub fn of(client: &ClientConfig) -> LiveSettings {
        LiveSettings {
            enable_logging: client.enable_logging,
            disable_content_logging: client.disable_content_logging,
            log_retention_days: client.log_retention_days,
            content_retention_days: client
                .content_retention_days
                .unwrap_or(client.log_retention_days),
        }
    }

    /// Whether a request's content goes into its log record.
    pub fn log_content(&self) -> bool {
        self.enable_logging && !self.disable_content_logging
    }
}

/// The live settings, shared by the server and the hooks that read them.
pub type LiveClient = Arc<ArcSwap<LiveSettings>>;

/// A new shared snapshot of `client`'s live settings.
pub fn live_client(client: &ClientConfig) -> LiveClient {
    Arc::new(ArcSwap::from_pointee(LiveSettings::of(client)))
}

/// The `[client]` keys a config file declared. Bookkeeping about where values came
/// from, not configuration: two configs with the same values are equal whatever their
/// files spelled out, so it never takes part in comparisons.
#[derive(Debug, Clone, Default)]
pub struct FileKeys(pub Vec<String>);

impl PartialEq for FileKeys {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl FileKeys {
    /// The keys of the `[client]` table in config `text` (none when it has none).
    pub fn of_client(text: &str) -> FileKeys {
        let keys = toml::from_str::<toml::Table>(text)
            .ok()
            .and_then(|t| match t.get("client") {
                Some(toml::Value::Table(c)) => Some(c.keys().cloned().collect()),
                _ => None,
            })
            .unwrap_or_default();
        FileKeys(keys)
    }
}

/// What is wrong with a client config, each naming its `client.` field.
pub fn client_problems(client: &ClientConfig) -> Vec<String> {
    let mut out = Vec::new();
    if client.request_body_timeout_secs == 0 {
        out.push("client.request_body_timeout_secs must be at least 1".to_string());
    }
    if client.max_request_body_size_mb == 0 {
        out.push("client.max_request_body_size_mb must be at least 1".to_string());
    }
    if let Err(e) = parse_prometheus_labels(&client.prometheus_labels) {
        out.push(e);
    }
    if client.log_retention_days == 0 {
        out.push("client.log_retention_days must be at least 1".to_string());
    }
    if client.content_retention_days == Some(0) {
        out.push("client.content_retention_days must be at least 1".to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_keys_are_the_client_tables() {
        let keys = FileKeys::of_client("[server]\nport = 1\n[client]\nenable_logging = false\n");
        assert_eq!(keys.0, vec!["enable_logging".to_string()]);
        assert!(FileKeys::of_client("[server]\nport = 1\n").0.is_empty());
    }

    #[test]
    fn content_retention_defaults_to_the_records() {
        let client = ClientConfig {
            log_retention_days: 7,
            ..ClientConfig::default()
        };
        assert_eq!(LiveSettings::of(&client).content_retention_days, 7);
        assert!(LiveSettings::of(&client).log_content());
    }

    #[test]
    fn zero_days_are_refused_by_name() {
        let client = ClientConfig {
            log_retention_days: 0,
            ..ClientConfig::default()
        };
        assert_eq!(
            client_problems(&client),
            vec!["client.log_retention_days must be at least 1".to_string()]
        );
    }
}
