//! `bifrost provider ...`: create, inspect, change and test providers and their keys.
//!
//! This file holds the clap definitions (their doc comments are the `--help` text, the
//! man pages and the completions, so wording changes show up in `completions/` and
//! `man/`) and each level's `run`, which only picks the handler. The handlers, which
//! talk to the management backend, are in `handlers`; what they print is rendered in
//! `output`.

mod handlers;
mod output;

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::key_settings::{KeySettingsFlags, KEY_SETTINGS_HELP};
use super::{backend, CmdResult};
use crate::admin::Management;
use crate::config::ProviderType;

/// `bifrost provider` subcommands.
#[derive(Debug, Subcommand)]
pub enum ProviderCommand {
    /// Add a provider.
    #[command(after_long_help = KEY_SETTINGS_HELP)]
    Add(AddArgs),
    /// List providers.
    List(JsonFlag),
    /// Show one provider.
    Show {
        /// Provider name.
        name: String,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Change a provider's settings.
    Update(UpdateArgs),
    /// Remove a provider.
    Remove {
        /// Provider name.
        name: String,
    },
    /// Manage a provider's keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Make one real call through a provider and report latency and a verdict.
    Test {
        /// Provider name.
        name: String,
        /// Model to call (default: the first model a key lists).
        #[arg(long)]
        model: Option<String>,
    },
    /// Live health of a provider's keys (breaker, cooldown, error rate, p50 latency,
    /// share of recent traffic); needs a running server.
    Health {
        /// Provider name (default: every provider).
        name: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// List the provider types and their defaults.
    Types,
}

impl ProviderCommand {
    /// Runs the command against the store of `data_dir`, through a running server when
    /// one holds it.
    pub async fn run(self, data_dir: PathBuf) -> CmdResult {
        if let ProviderCommand::Types = self {
            return handlers::types();
        }
        let admin = backend::connect(&data_dir).await?;
        if let ProviderCommand::Test { name, model } = self {
            return handlers::test(admin, &data_dir, &name, model).await;
        }
        let admin = admin.as_ref();
        match self {
            ProviderCommand::Add(args) => handlers::add(admin, args).await,
            ProviderCommand::List(flag) => handlers::list(admin, flag.json).await,
            ProviderCommand::Show { name, json } => handlers::show(admin, &name, json.json).await,
            ProviderCommand::Update(args) => handlers::update(admin, args).await,
            ProviderCommand::Remove { name } => handlers::remove(admin, &name).await,
            ProviderCommand::Key(cmd) => cmd.run(admin).await,
            ProviderCommand::Health { name, json } => {
                handlers::health(admin, name.as_deref(), json.json).await
            }
            ProviderCommand::Test { .. } | ProviderCommand::Types => Ok(()),
        }
    }
}

/// `--json` output switch.
#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Where a key's value comes from.
#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct KeySource {
    /// The key itself (prefer --key-env: command lines end up in shell history).
    #[arg(long = "key", value_name = "VALUE")]
    pub value: Option<String>,
    /// Name of an environment variable holding the key, read at each use.
    #[arg(long = "key-env", value_name = "VAR")]
    pub env: Option<String>,
    /// Read the key from standard input.
    #[arg(long = "key-stdin")]
    pub stdin: bool,
}

/// `provider add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Provider name (the `name/` prefix of model ids).
    pub name: String,
    /// Provider type (see `bifrost provider types`); defaults to NAME when NAME is a type,
    /// so `bifrost provider add groq --key-env GROQ_API_KEY` needs no --type.
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<ProviderType>,
    /// Upstream base URL (required for openai-compatible).
    #[arg(long)]
    pub base_url: Option<String>,
    #[command(flatten)]
    pub key: KeySource,
    // Boxed: the flags would make `Add` much larger than the other commands.
    #[command(flatten)]
    pub settings: Box<KeySettingsFlags>,
    /// Name of the key.
    #[arg(long, default_value = "main")]
    pub key_name: String,
    /// Models the key may serve, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    pub models: Vec<String>,
    /// The key's weight among the provider's keys.
    #[arg(long, default_value_t = 1.0)]
    pub weight: f64,
    #[command(flatten)]
    pub network: NetworkFlags,
}

/// `provider update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Provider name.
    pub name: String,
    /// New upstream base URL.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Remove an extra header (repeatable).
    #[arg(long, value_name = "NAME")]
    pub remove_header: Vec<String>,
    #[command(flatten)]
    pub network: NetworkFlags,
}

/// Network settings shared by `add` and `update`.
#[derive(Debug, Args)]
pub struct NetworkFlags {
    /// Extra header sent upstream, NAME=VALUE (repeatable).
    #[arg(long = "header", value_name = "NAME=VALUE")]
    pub headers: Vec<String>,
    /// Connect timeout in seconds.
    #[arg(long)]
    pub connect_timeout: Option<u64>,
    /// Seconds to wait for the response headers.
    #[arg(long)]
    pub first_byte_timeout: Option<u64>,
    /// Longest silence between stream chunks, in seconds.
    #[arg(long)]
    pub stream_idle_timeout: Option<u64>,
    /// Whole-request timeout in seconds.
    #[arg(long)]
    pub total_timeout: Option<u64>,
    /// Upstream requests in flight at once.
    #[arg(long)]
    pub max_concurrency: Option<usize>,
    /// Requests allowed to wait for a slot.
    #[arg(long)]
    pub queue_size: Option<usize>,
    /// Seconds an unused upstream connection stays open for reuse.
    #[arg(long)]
    pub idle_timeout: Option<u64>,
    /// Unused upstream connections kept open per upstream host.
    #[arg(long)]
    pub max_idle_connections: Option<usize>,
}

/// `bifrost provider key` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Add a key to a provider.
    #[command(after_long_help = KEY_SETTINGS_HELP)]
    Add {
        /// Provider name.
        provider: String,
        /// Key name, unique within the provider.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        source: KeySource,
        // Boxed: the flags make this variant much larger than the others.
        #[command(flatten)]
        settings: Box<KeySettingsFlags>,
        /// Models the key may serve, comma-separated (default: all).
        #[arg(long, value_delimiter = ',')]
        models: Vec<String>,
        /// The key's weight.
        #[arg(long, default_value_t = 1.0)]
        weight: f64,
    },
    /// List a provider's keys (values masked).
    List {
        /// Provider name.
        provider: String,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Remove a key.
    Remove {
        /// Provider name.
        provider: String,
        /// Key name.
        name: String,
    },
}

impl KeyCommand {
    /// Runs the command through `admin`.
    async fn run(self, admin: &dyn Management) -> CmdResult {
        match self {
            KeyCommand::Add {
                provider,
                name,
                source,
                settings,
                models,
                weight,
            } => {
                let key = handlers::NewKey {
                    name,
                    source,
                    settings,
                    models,
                    weight,
                };
                handlers::add_key(admin, &provider, key).await
            }
            KeyCommand::List { provider, json } => {
                handlers::list_keys(admin, &provider, json.json).await
            }
            KeyCommand::Remove { provider, name } => {
                handlers::remove_key(admin, &provider, &name).await
            }
        }
    }
}
