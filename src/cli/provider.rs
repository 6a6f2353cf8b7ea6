//! `bifrost provider ...`: create, inspect, change and test providers and their keys.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{anyhow, Context};
use clap::{Args, Subcommand};

use super::key_settings::{KeySettingsFlags, KEY_SETTINGS_HELP};
use super::output::{print, print_json, table};
use super::{backend, CmdResult, Failure};
use crate::admin::{self, Management, ProviderDoc};
use crate::config::{KeyConfig, NetworkConfig, ProviderType, SecretValue};
use crate::routing::{dispatch, Snapshot};
use crate::schema::ChatRequest;

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
    /// List the provider types and their defaults.
    Types,
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

/// Runs a provider command.
pub async fn run(cmd: ProviderCommand, data_dir: PathBuf) -> CmdResult {
    if let ProviderCommand::Types = cmd {
        return types();
    }
    let admin = backend::connect(&data_dir).await?;
    let admin = admin.as_ref();
    match cmd {
        ProviderCommand::Add(args) => add(admin, args).await,
        ProviderCommand::List(flag) => list(admin, flag.json).await,
        ProviderCommand::Show { name, json } => show(admin, &name, json.json).await,
        ProviderCommand::Update(args) => update(admin, args).await,
        ProviderCommand::Remove { name } => {
            admin
                .delete_provider(&name)
                .await
                .map_err(anyhow::Error::from)?;
            print(&format!("removed provider `{name}`\n"))
        }
        ProviderCommand::Key(cmd) => key(admin, cmd).await,
        ProviderCommand::Test { name, model } => test(admin, &name, model).await,
        ProviderCommand::Types => types(),
    }
}

fn secret(source: &KeySource) -> Result<Option<SecretValue>, Failure> {
    if let Some(v) = &source.value {
        return Ok(Some(SecretValue::Literal(v.clone())));
    }
    if let Some(var) = &source.env {
        return Ok(Some(SecretValue::Env(
            var.trim_start_matches("env.").to_string(),
        )));
    }
    if source.stdin {
        let mut v = String::new();
        std::io::stdin()
            .read_to_string(&mut v)
            .context("cannot read the key from stdin")?;
        let v = v.trim().to_string();
        if v.is_empty() {
            return Err(Failure::Usage(anyhow!("--key-stdin read an empty key")));
        }
        return Ok(Some(SecretValue::Literal(v)));
    }
    Ok(None)
}

fn apply_network(net: &mut NetworkConfig, flags: &NetworkFlags) -> Result<(), Failure> {
    for h in &flags.headers {
        let (k, v) = h
            .split_once('=')
            .ok_or_else(|| Failure::Usage(anyhow!("--header `{h}` must be NAME=VALUE")))?;
        net.extra_headers
            .insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
    }
    let set = |slot: &mut u64, v: Option<u64>| {
        if let Some(v) = v {
            *slot = v;
        }
    };
    set(&mut net.connect_timeout_secs, flags.connect_timeout);
    set(&mut net.first_byte_timeout_secs, flags.first_byte_timeout);
    set(&mut net.stream_idle_timeout_secs, flags.stream_idle_timeout);
    set(&mut net.total_timeout_secs, flags.total_timeout);
    if flags.max_concurrency.is_some() {
        net.max_concurrency = flags.max_concurrency;
    }
    if let Some(q) = flags.queue_size {
        net.queue_size = q;
    }
    set(&mut net.idle_timeout_secs, flags.idle_timeout);
    if let Some(n) = flags.max_idle_connections {
        net.max_idle_connections = n;
    }
    Ok(())
}

async fn add(admin: &dyn Management, args: AddArgs) -> CmdResult {
    let kind = match args.kind {
        Some(kind) => kind,
        None => args.name.parse::<ProviderType>().map_err(|_| {
            Failure::Usage(anyhow!(
                "`{}` is not a provider type, so give one with --type TYPE (see `bifrost provider types`)",
                args.name
            ))
        })?,
    };
    let mut doc = ProviderDoc {
        provider: args.name.clone(),
        kind,
        base_url: args.base_url.clone(),
        keys: Vec::new(),
        network_config: NetworkConfig::default(),
        mock: None,
        origin: None,
    };
    apply_network(&mut doc.network_config, &args.network)?;
    let value = secret(&args.key)?;
    // Key settings alone make a key: Bedrock and Vertex keys authenticate without one.
    if value.is_some() || args.settings.any() {
        let mut key = KeyConfig {
            models: args.models.clone(),
            weight: args.weight,
            ..KeyConfig::new(args.key_name.clone(), value.unwrap_or_default())
        };
        args.settings.apply(kind, &mut key)?;
        doc.keys.push(key);
    }
    let created = admin
        .create_provider(doc)
        .await
        .map_err(anyhow::Error::from)?;
    if created.keys.is_empty() && created.kind.needs_key() {
        eprintln!("note: provider `{0}` has no key yet; add one with `bifrost provider key add {0} --name main --key-env VAR`", created.provider);
    }
    print(&format!(
        "added provider `{}` ({}, {} key{})\n",
        created.provider,
        created.kind.as_str(),
        created.keys.len(),
        if created.keys.len() == 1 { "" } else { "s" }
    ))
}

async fn list(admin: &dyn Management, json: bool) -> CmdResult {
    let providers = admin
        .list_providers(false)
        .await
        .map_err(anyhow::Error::from)?;
    if json {
        return print_json(&providers);
    }
    if providers.is_empty() {
        return print("no providers; add one with `bifrost provider add NAME --type TYPE` (try `--type mock`)\n");
    }
    let rows: Vec<Vec<String>> = providers
        .iter()
        .map(|p| {
            vec![
                p.provider.clone(),
                p.kind.as_str().to_string(),
                p.base_url
                    .clone()
                    .or_else(|| p.kind.default_base_url().map(str::to_string))
                    .unwrap_or_else(|| "-".into()),
                p.keys.len().to_string(),
                p.origin
                    .map_or("-", |o| match o {
                        crate::store::Origin::File => "file",
                        crate::store::Origin::Api => "cli/api",
                    })
                    .to_string(),
            ]
        })
        .collect();
    print(&table(&["NAME", "TYPE", "BASE URL", "KEYS", "FROM"], &rows))
}

async fn show(admin: &dyn Management, name: &str, json: bool) -> CmdResult {
    let p = admin
        .get_provider(name, false)
        .await
        .map_err(anyhow::Error::from)?;
    if json {
        return print_json(&p);
    }
    let n = &p.network_config;
    let mut out = format!(
        "name:      {}\ntype:      {}\nbase url:  {}\ntimeouts:  connect {}s, first byte {}s, stream idle {}s, total {}s\nlimits:    max concurrency {}, queue {}\npool:      up to {} idle connections, closed after {}s unused\n",
        p.provider,
        p.kind.as_str(),
        p.base_url.as_deref().or(p.kind.default_base_url()).unwrap_or("-"),
        n.connect_timeout_secs,
        n.first_byte_timeout_secs,
        n.stream_idle_timeout_secs,
        n.total_timeout_secs,
        n.max_concurrency.map_or("default (client.initial_pool_size)".to_string(), |c| c.to_string()),
        n.queue_size,
        n.max_idle_connections,
        n.idle_timeout_secs,
    );
    for (k, v) in &n.extra_headers {
        out.push_str(&format!("header:    {k}: {v}\n"));
    }
    out.push_str(&format!("keys:      {}\n", p.keys.len()));
    out.push_str(&keys_table(&p.keys));
    print(&out)
}

fn keys_table(keys: &[KeyConfig]) -> String {
    if keys.is_empty() {
        return String::new();
    }
    let rows: Vec<Vec<String>> = keys
        .iter()
        .map(|k| {
            vec![
                k.name.clone(),
                // Values arrive masked from the management layer already; an empty one
                // belongs to a key that authenticates with its settings.
                if k.value.is_empty() {
                    "-".to_string()
                } else {
                    k.value.expose()
                },
                if k.models.is_empty() {
                    "*".into()
                } else {
                    k.models.join(",")
                },
                k.weight.to_string(),
            ]
        })
        .collect();
    table(&["KEY", "VALUE", "MODELS", "WEIGHT"], &rows)
}

async fn update(admin: &dyn Management, args: UpdateArgs) -> CmdResult {
    let mut doc = admin
        .get_provider(&args.name, false)
        .await
        .map_err(anyhow::Error::from)?;
    if let Some(url) = &args.base_url {
        doc.base_url = Some(url.clone());
    }
    for h in &args.remove_header {
        doc.network_config
            .extra_headers
            .remove(&h.to_ascii_lowercase());
    }
    apply_network(&mut doc.network_config, &args.network)?;
    doc.origin = None;
    let updated = admin
        .update_provider(doc)
        .await
        .map_err(anyhow::Error::from)?;
    print(&format!("updated provider `{}`\n", updated.provider))
}

async fn key(admin: &dyn Management, cmd: KeyCommand) -> CmdResult {
    match cmd {
        KeyCommand::Add {
            provider,
            name,
            source,
            settings,
            models,
            weight,
        } => {
            let value = secret(&source)?;
            if value.is_none() && !settings.any() {
                return Err(Failure::Usage(anyhow!(
                    "give the key with --key-env VAR, --key-stdin or --key VALUE (or, for \
                     bedrock and vertex, its --aws-* / --vertex-* settings)"
                )));
            }
            let mut key = KeyConfig {
                models,
                weight,
                ..KeyConfig::new(name.clone(), value.unwrap_or_default())
            };
            if settings.any() {
                let kind = admin
                    .get_provider(&provider, false)
                    .await
                    .map_err(anyhow::Error::from)?
                    .kind;
                settings.apply(kind, &mut key)?;
            }
            admin::add_key(admin, &provider, key)
                .await
                .map_err(anyhow::Error::from)?;
            print(&format!("added key `{name}` to provider `{provider}`\n"))
        }
        KeyCommand::List { provider, json } => {
            let p = admin
                .get_provider(&provider, false)
                .await
                .map_err(anyhow::Error::from)?;
            if json.json {
                return print_json(&p.keys);
            }
            if p.keys.is_empty() {
                return print(&format!("provider `{provider}` has no keys\n"));
            }
            print(&keys_table(&p.keys))
        }
        KeyCommand::Remove { provider, name } => {
            admin::remove_key(admin, &provider, &name)
                .await
                .map_err(anyhow::Error::from)?;
            print(&format!(
                "removed key `{name}` from provider `{provider}`\n"
            ))
        }
    }
}

async fn test(admin: &dyn Management, name: &str, model: Option<String>) -> CmdResult {
    let doc = admin
        .get_provider(name, true)
        .await
        .map_err(anyhow::Error::from)?;
    let model = model
        .or_else(|| {
            doc.keys
                .iter()
                .flat_map(|k| k.models.first())
                .next()
                .cloned()
        })
        .or_else(|| (doc.kind == ProviderType::Mock).then(|| "demo-model".to_string()))
        .ok_or_else(|| {
            Failure::Usage(anyhow!(
                "no key of `{name}` lists a model; pass --model MODEL"
            ))
        })?;
    let snapshot = Snapshot::build(
        [(doc.provider.clone(), doc.to_config())],
        &crate::config::ClientConfig::default(),
        None,
    );
    let route = snapshot
        .resolve(&format!("{name}/{model}"))
        .map_err(anyhow::Error::from)?;
    let req: ChatRequest = serde_json::from_value(serde_json::json!({
        "model": model,
        "messages": [{"role": "user", "content": "Reply with the single word: pong"}],
        "max_tokens": 5,
    }))
    .context("cannot build the test request")?;
    let request_id: Arc<str> = Arc::from(format!("bifrost-test-{}", uuid::Uuid::new_v4().simple()));
    let started = Instant::now();
    let result = dispatch(&route, &request_id, |p, call| {
        let req = &req;
        async move { p.chat(&call, req).await }
    })
    .await;
    let ms = started.elapsed().as_millis();
    match result {
        Ok(d) => {
            let reply = match d.value.body.into_typed() {
                Ok(answer) => answer
                    .choices
                    .first()
                    .map(|c| c.message.text())
                    .unwrap_or_default(),
                Err(e) => {
                    return Err(Failure::Problem(anyhow!(
                        "FAILED after {ms} ms: the answer is not a chat completion: {e}"
                    )))
                }
            };
            print(&format!(
                "ok: `{name}` answered model `{model}` in {ms} ms (key {}): {}\n",
                d.key_name.as_deref().unwrap_or("-"),
                reply.chars().take(80).collect::<String>()
            ))
        }
        Err(e) => Err(Failure::Problem(anyhow!("FAILED after {ms} ms: {e}"))),
    }
}

fn types() -> CmdResult {
    let rows: Vec<Vec<String>> = ProviderType::all()
        .map(|t| {
            vec![
                t.as_str().to_string(),
                match t {
                    ProviderType::Mock => "(built in, no network)",
                    ProviderType::Azure => "(per key: azure_key_config.endpoint)",
                    ProviderType::Vertex => "(from each key's region)",
                    ProviderType::Bedrock => "https://bedrock-runtime.{key region}.amazonaws.com",
                    _ => t.default_base_url().unwrap_or("(set --base-url)"),
                }
                .to_string(),
                if t.needs_key() { "yes" } else { "no" }.to_string(),
            ]
        })
        .collect();
    print(&table(&["TYPE", "DEFAULT BASE URL", "NEEDS KEY"], &rows))
}
