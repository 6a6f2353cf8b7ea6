//! `bifrost config validate|export|import|get|set`.

use std::path::PathBuf;

use anyhow::anyhow;
use clap::Subcommand;

use super::output::print;
use super::{backend, CmdResult, Failure};
use crate::admin::Kind;
use crate::config::{ConfigError, Declared, FileConfig, GovernanceConfig, SecretValue};

/// `bifrost config` subcommands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check a config file; problems are printed as FILE:LINE:COLUMN: message.
    Validate {
        /// The file (default: --config / BIFROST_CONFIG).
        file: Option<PathBuf>,
        /// Config file, as for `serve`.
        #[arg(long, env = "BIFROST_CONFIG", value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Print the current setup as a bifrost.toml that reproduces it elsewhere.
    Export {
        /// The server's config file, whose [server], [client] and [admin] are kept.
        #[arg(long, env = "BIFROST_CONFIG", value_name = "FILE")]
        config: Option<PathBuf>,
        /// Print literal key values in clear (default: masked; `env.` references are always kept).
        #[arg(long)]
        include_secrets: bool,
    },
    /// Print the `[client]` settings in force (all, or KEY's value), as the server's
    /// Settings screen shows them; without a server, those the next start will use.
    Get {
        /// One setting, e.g. `enable_logging`.
        key: Option<String>,
        /// Print JSON (the whole `GET /api/config` answer, or KEY's value).
        #[arg(long)]
        json: bool,
    },
    /// Change one `[client]` setting through the running server (or --url), or in the
    /// store without one. A setting bifrost.toml declares is refused: change it there.
    Set {
        /// The setting, e.g. `log_retention_days`.
        key: String,
        /// Its value: true/false, a number, a comma-separated list, text; empty unsets.
        value: String,
    },
    /// Convert a reference gateway's config.json into a bifrost.toml (printed, or written
    /// with -o), or write it into the store with --apply. Every setting that cannot be
    /// carried over is listed on stderr with the reason.
    Import {
        /// The reference gateway's config.json.
        file: PathBuf,
        /// Write the bifrost.toml here instead of stdout (an existing file is kept).
        #[arg(short, long, value_name = "FILE", conflicts_with = "apply")]
        output: Option<PathBuf>,
        /// Write providers, customers, teams and virtual keys into the store (as if made
        /// with the CLI) instead: through the running server (or --url) when there is
        /// one, else into the data dir. Nothing is written if anything is invalid.
        #[arg(long)]
        apply: bool,
    },
}

/// Runs a config command.
pub async fn run(cmd: ConfigCommand, data_dir: PathBuf) -> CmdResult {
    match cmd {
        ConfigCommand::Validate { file, config } => {
            let path = file.or(config).ok_or_else(|| {
                Failure::Usage(anyhow!(
                    "name the file: `bifrost config validate bifrost.toml`"
                ))
            })?;
            match FileConfig::load(&path) {
                Ok(c) => print(&format!(
                    "{}: ok ({} provider{})\n",
                    path.display(),
                    c.providers.len(),
                    if c.providers.len() == 1 { "" } else { "s" }
                )),
                Err(e @ ConfigError::Io { .. }) => Err(Failure::Usage(e.into())),
                Err(e) => {
                    eprintln!("{e}");
                    Err(Failure::Problem(anyhow!("{} has problems", path.display())))
                }
            }
        }
        ConfigCommand::Export {
            config,
            include_secrets,
        } => {
            let mut out = match &config {
                Some(path) => FileConfig::load(path).map_err(|e| Failure::Usage(e.into()))?,
                None => FileConfig::default(),
            };
            let admin = backend::connect(&data_dir).await?;
            out.providers.clear();
            for doc in admin.list_providers(include_secrets).await? {
                out.providers.insert(doc.provider.clone(), doc.to_config());
            }
            // Without a server, each backend opens the store, which one process may
            // hold once at a time.
            drop(admin);
            if !include_secrets {
                // Literal values came masked. Exporting a mask would store garbage as a
                // key on the other machine; an env reference there is usable and safe.
                for (name, p) in out.providers.iter_mut() {
                    for k in &mut p.keys {
                        let key_name = k.name.clone();
                        for (path, value) in k.secrets_mut() {
                            // An empty value is no secret (the key authenticates otherwise).
                            if !matches!(value, SecretValue::Literal(_)) || value.is_empty() {
                                continue;
                            }
                            let var = env_name(name, &key_name, path);
                            let what = if path == "value" {
                                format!("key `{key_name}`")
                            } else {
                                format!("{path} of key `{key_name}`")
                            };
                            eprintln!("note: {what} of provider `{name}` is a literal; exported as env.{var} (set it on the target machine, or re-run with --include-secrets)");
                            *value = SecretValue::Env(var);
                        }
                    }
                }
            }
            export_governance(&data_dir, &mut out).await?;
            // Keys are env references or were asked for in clear by now.
            print(&out.to_toml(true))
        }
        ConfigCommand::Import {
            file,
            output,
            apply,
        } => import(&file, output.as_deref(), apply, &data_dir).await,
        ConfigCommand::Get { key, json } => {
            super::config_settings::get(&data_dir, key.as_deref(), json).await
        }
        ConfigCommand::Set { key, value } => {
            super::config_settings::set(&data_dir, &key, &value).await
        }
    }
}

/// `bifrost config import`.
async fn import(
    file: &std::path::Path,
    output: Option<&std::path::Path>,
    apply: bool,
    data_dir: &std::path::Path,
) -> CmdResult {
    let json = std::fs::read(file)
        .map_err(|e| Failure::Usage(anyhow!("cannot read {}: {e}", file.display())))?;
    let imported = crate::config::import(&json)
        .map_err(|e| Failure::Usage(anyhow!("{}: {e}", file.display())))?;
    for note in &imported.notes {
        eprintln!("note: {note}");
    }
    let config = imported.config;
    let summary = format!(
        "{} provider(s), {} customer(s), {} team(s), {} virtual key(s) imported; {} setting(s) not carried over as they were (see the notes above)",
        config.providers.len(),
        config.governance.customers.len(),
        config.governance.teams.len(),
        config.governance.virtual_keys.len(),
        imported.notes.len()
    );
    if apply {
        if let Some(server) = backend::server(data_dir).await? {
            super::config_apply::through_server(&server, &config).await?;
            eprintln!("{summary}");
            return Ok(());
        }
        let dir = data_dir.to_path_buf();
        tokio::task::spawn_blocking(move || apply_imported(&dir, &config))
            .await
            .map_err(|e| anyhow!("store task failed: {e}"))??;
        eprintln!("{summary}; written to the store in {}", data_dir.display());
        return Ok(());
    }
    let text = config.to_toml(true);
    match output {
        None => print(&text)?,
        Some(path) => {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| {
                    Failure::Usage(anyhow!(
                        "cannot create {}: {e} (an existing file is never overwritten)",
                        path.display()
                    ))
                })?;
            f.write_all(text.as_bytes())
                .map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
        }
    }
    eprintln!("{summary}");
    Ok(())
}

/// Writes an imported config into the store as API-made objects, when no server holds
/// it (one that does is written through: [`super::config_apply`]).
fn apply_imported(data_dir: &std::path::Path, config: &FileConfig) -> CmdResult {
    let imported = super::config_apply::imported(config)
        .map_err(|p| Failure::Problem(anyhow!("{}", p.join("\n"))))?;
    let store = crate::store::Store::open(data_dir).map_err(|e| {
        anyhow::Error::new(e)
            .context("stop `bifrost serve` first, or import to a file (-o) and serve with it")
    })?;
    let now = crate::governance::Timestamp(crate::governance::Clock::now(
        &crate::governance::SystemClock,
    ));
    // One store transaction: all or nothing.
    crate::admin::write_import(&store, &imported, now).map_err(|e| Failure::Problem(e.into()))
}

/// `BIFROST_<PROVIDER>_<KEY>_KEY` for a key's value, `BIFROST_<PROVIDER>_<KEY>_<FIELD>`
/// for its other secrets (e.g. `..._AUTH_CREDENTIALS`), upper-cased with
/// non-alphanumerics as `_`.
fn env_name(provider: &str, key: &str, path: &str) -> String {
    let field = match path.rsplit_once('.') {
        Some((_, field)) => clean(field),
        None => "KEY".to_string(),
    };
    format!("BIFROST_{}_{}_{field}", clean(provider), clean(key))
}

/// `s` as part of an environment variable's name: upper-cased, non-alphanumerics as `_`.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Fields of a stored governance object that describe the store, not the setup.
const STORE_ONLY: [&str; 5] = [
    "created_at",
    "updated_at",
    "value_hint",
    "value_hash",
    "from_file",
];

/// Replaces `[governance]`'s objects with those in the store, in the file's shape.
/// The store keeps only a digest of each key's value, so a key's `value` is the `env.`
/// reference the config file gave it, else `env.BIFROST_VK_<NAME>` (said on stderr).
async fn export_governance(data_dir: &std::path::Path, out: &mut FileConfig) -> CmdResult {
    let g = super::backend::connect_governance(data_dir).await?;
    let before = std::mem::take(&mut out.governance);
    let mut exported = GovernanceConfig {
        alert_webhook_url: before.alert_webhook_url.clone(),
        ..GovernanceConfig::default()
    };
    for kind in [Kind::Customer, Kind::Team, Kind::VirtualKey] {
        let objects = g.list(kind).await.map_err(|e| Failure::Problem(e.into()))?;
        for object in objects {
            let serde_json::Value::Object(mut fields) = object else {
                continue;
            };
            let name = match fields.shift_remove("name") {
                Some(serde_json::Value::String(n)) => n,
                _ => continue,
            };
            for f in STORE_ONLY {
                fields.shift_remove(f);
            }
            if fields.get("id").and_then(|v| v.as_str()) == Some(name.as_str()) {
                fields.shift_remove("id");
            }
            let table = match kind {
                Kind::Customer => &mut exported.customers,
                Kind::Team => &mut exported.teams,
                Kind::VirtualKey => {
                    fields.insert("value".into(), key_value(&before, &name).into());
                    &mut exported.virtual_keys
                }
            };
            table.insert(name, fields);
        }
    }
    out.governance = exported;
    Ok(())
}

/// The `env.` reference a virtual key's value is read from on the target machine.
fn key_value(before: &GovernanceConfig, name: &str) -> String {
    let declared = before
        .virtual_keys
        .get(name)
        .and_then(|f: &Declared| f.get("value"))
        .and_then(|v| v.as_str())
        .filter(|v| v.starts_with("env."));
    match declared {
        Some(reference) => reference.to_string(),
        None => {
            let var = crate::config::key_env_var(name);
            eprintln!("note: virtual key `{name}` is exported with value = \"env.{var}\"; the store keeps only a digest of its value, so set {var} to the key on the target machine");
            format!("env.{var}")
        }
    }
}
