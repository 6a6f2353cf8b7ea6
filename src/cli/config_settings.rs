//! `bifrost config get|set`: the `[client]` settings of `GET/PUT /api/config`, through
//! the same operations as the Settings screen of `bifrost top` (`admin::settings`), so
//! a value is read and refused alike in both.

use std::path::Path;

use anyhow::anyhow;
use serde_json::{Map, Value};

use super::output::{print, print_json};
use super::{backend, CmdResult, Failure};
use crate::admin::settings::{parse_value, shown, SettingsDoc, SettingsError};

/// `bifrost config get [KEY] [--json]`.
pub async fn get(data_dir: &Path, key: Option<&str>, json: bool) -> CmdResult {
    let doc = backend::connect_settings(data_dir)
        .await?
        .get_settings()
        .await
        .map_err(failure)?;
    match key {
        None if json => print_json(&doc),
        None => {
            let width = doc.client_config.keys().map(String::len).max().unwrap_or(0);
            let mut out = String::new();
            for (k, v) in &doc.client_config {
                out.push_str(&format!("{k:<width$}  {}{}\n", shown(v), origin(&doc, k)));
            }
            print(&out)
        }
        Some(key) => {
            let value = current(&doc, key)?;
            if json {
                print_json(value)
            } else {
                print(&format!("{}\n", shown(value)))
            }
        }
    }
}

/// `bifrost config set KEY VALUE`.
pub async fn set(data_dir: &Path, key: &str, text: &str) -> CmdResult {
    let admin = backend::connect_settings(data_dir).await?;
    let doc = admin.get_settings().await.map_err(failure)?;
    let value = parse_value(current(&doc, key)?, text).map_err(|e| {
        Failure::Usage(anyhow!("client.{key}: {}", e.trim_start_matches("value: ")))
    })?;
    let mut patch = Map::new();
    patch.insert(key.to_string(), value);
    let doc = admin
        .update_settings(Value::Object(patch))
        .await
        .map_err(failure)?;
    let now = doc.client_config.get(key).map(shown).unwrap_or_default();
    let when = if doc.live.iter().any(|k| k == key) {
        "applies from the next request"
    } else if doc.restart_required {
        "stored; restart the server to apply it"
    } else {
        "stored"
    };
    print(&format!("client.{key} = {now} ({when})\n"))
}

fn current<'a>(doc: &'a SettingsDoc, key: &str) -> Result<&'a Value, Failure> {
    doc.client_config.get(key).ok_or_else(|| {
        Failure::Usage(anyhow!(
            "client_config.{}: no such setting (`bifrost config get` lists them)",
            crate::config::shorten(key)
        ))
    })
}

/// Where the value comes from, when it is not the store's to change.
fn origin(doc: &SettingsDoc, key: &str) -> &'static str {
    if doc.from_file.iter().any(|k| k == key) {
        "  (bifrost.toml)"
    } else {
        ""
    }
}

/// An invalid value is a usage error (exit 2); a refusal or an unreachable server,
/// a problem (exit 1).
fn failure(e: SettingsError) -> Failure {
    match e {
        SettingsError::Invalid(_) => Failure::Usage(e.into()),
        SettingsError::Remote { status: 400, .. } => Failure::Usage(e.into()),
        e => Failure::Problem(e.into()),
    }
}
