//! `bifrost provider ...`: create, inspect, change and test providers and their keys.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{anyhow, Context};
use clap::{Args, Subcommand};

use super::output::{print, print_json, table};
use super::{backend, CmdResult, Failure};
use crate::admin::{self, Management, ProviderDoc};
use crate::config::{
    AzureKeyConfig, BedrockKeyConfig, KeyConfig, NetworkConfig, ProviderType, SecretValue, Setting,
    VertexKeyConfig,
};
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

/// Examples for the provider-specific key flags, shown by `--help`.
const KEY_SETTINGS_HELP: &str = "\
Provider-specific key settings (secrets only as environment variables or files):
  Azure OpenAI (--azure-endpoint, --azure-deployment MODEL=DEPLOYMENT, --azure-api-version,
  --azure-bearer):
    bifrost provider add azure --key-env AZURE_API_KEY \\
      --azure-endpoint https://NAME.openai.azure.com --azure-deployment gpt-4o=my-gpt4o
  AWS Bedrock (--aws-access-key-env, --aws-secret-key-env, --aws-session-token-env,
  --aws-region, --bedrock-deployment MODEL=ID); no --key needed:
    bifrost provider add bedrock --aws-access-key-env AWS_ACCESS_KEY_ID \\
      --aws-secret-key-env AWS_SECRET_ACCESS_KEY --aws-region us-east-1
  Vertex AI (--vertex-project, --vertex-region, --vertex-credentials-env or
  --vertex-credentials-file); no --key needed:
    bifrost provider add vertex --vertex-project my-proj --vertex-region us-east5 \\
      --vertex-credentials-file service-account.json
The same flags set the settings of a key added with `bifrost provider key add`.";

/// Settings of keys whose provider needs more than a secret: Azure's endpoint and
/// deployments, Bedrock's AWS credentials, Vertex's project and service account. Secrets
/// are taken only as environment-variable names or files, never as flag values, which
/// would end up in shell history.
#[derive(Debug, Default, Args)]
pub struct KeySettingsFlags {
    /// Azure: the resource endpoint, e.g. https://NAME.openai.azure.com.
    #[arg(long, value_name = "URL", help_heading = "Azure key settings")]
    pub azure_endpoint: Option<String>,
    /// Azure: the deployment serving a model, MODEL=DEPLOYMENT (repeatable).
    #[arg(
        long,
        value_name = "MODEL=DEPLOYMENT",
        help_heading = "Azure key settings"
    )]
    pub azure_deployment: Vec<String>,
    /// Azure: the api-version query parameter (default: the adapter's).
    #[arg(long, value_name = "V", help_heading = "Azure key settings")]
    pub azure_api_version: Option<String>,
    /// Azure: send the key as `Authorization: Bearer` (an Entra ID token) instead of
    /// `api-key`.
    #[arg(long, help_heading = "Azure key settings")]
    pub azure_bearer: bool,
    /// Bedrock: environment variable holding the AWS access key id.
    #[arg(long, value_name = "VAR", help_heading = "Bedrock key settings")]
    pub aws_access_key_env: Option<String>,
    /// Bedrock: environment variable holding the AWS secret access key.
    #[arg(long, value_name = "VAR", help_heading = "Bedrock key settings")]
    pub aws_secret_key_env: Option<String>,
    /// Bedrock: environment variable holding an AWS session token (temporary
    /// credentials).
    #[arg(long, value_name = "VAR", help_heading = "Bedrock key settings")]
    pub aws_session_token_env: Option<String>,
    /// Bedrock: the AWS region, e.g. us-east-1.
    #[arg(long, value_name = "R", help_heading = "Bedrock key settings")]
    pub aws_region: Option<String>,
    /// Bedrock: the model id or inference profile serving a model, MODEL=ID (repeatable).
    #[arg(long, value_name = "MODEL=ID", help_heading = "Bedrock key settings")]
    pub bedrock_deployment: Vec<String>,
    /// Vertex: the Google Cloud project id.
    #[arg(long, value_name = "P", help_heading = "Vertex key settings")]
    pub vertex_project: Option<String>,
    /// Vertex: the region, e.g. us-east5 (or global).
    #[arg(long, value_name = "R", help_heading = "Vertex key settings")]
    pub vertex_region: Option<String>,
    /// Vertex: environment variable holding the service-account JSON, read at each use.
    #[arg(
        long,
        value_name = "VAR",
        conflicts_with = "vertex_credentials_file",
        help_heading = "Vertex key settings"
    )]
    pub vertex_credentials_env: Option<String>,
    /// Vertex: a service-account JSON file, stored (masked in all output) as the key's
    /// credentials.
    #[arg(long, value_name = "PATH", help_heading = "Vertex key settings")]
    pub vertex_credentials_file: Option<PathBuf>,
}

impl KeySettingsFlags {
    /// The flags given for each family, by their command-line names.
    fn given(&self) -> [(ProviderType, Vec<&'static str>); 3] {
        let pick = |flags: &[(&'static str, bool)]| -> Vec<&'static str> {
            flags
                .iter()
                .filter(|(_, on)| *on)
                .map(|(n, _)| *n)
                .collect()
        };
        [
            (
                ProviderType::Azure,
                pick(&[
                    ("--azure-endpoint", self.azure_endpoint.is_some()),
                    ("--azure-deployment", !self.azure_deployment.is_empty()),
                    ("--azure-api-version", self.azure_api_version.is_some()),
                    ("--azure-bearer", self.azure_bearer),
                ]),
            ),
            (
                ProviderType::Bedrock,
                pick(&[
                    ("--aws-access-key-env", self.aws_access_key_env.is_some()),
                    ("--aws-secret-key-env", self.aws_secret_key_env.is_some()),
                    (
                        "--aws-session-token-env",
                        self.aws_session_token_env.is_some(),
                    ),
                    ("--aws-region", self.aws_region.is_some()),
                    ("--bedrock-deployment", !self.bedrock_deployment.is_empty()),
                ]),
            ),
            (
                ProviderType::Vertex,
                pick(&[
                    ("--vertex-project", self.vertex_project.is_some()),
                    ("--vertex-region", self.vertex_region.is_some()),
                    (
                        "--vertex-credentials-env",
                        self.vertex_credentials_env.is_some(),
                    ),
                    (
                        "--vertex-credentials-file",
                        self.vertex_credentials_file.is_some(),
                    ),
                ]),
            ),
        ]
    }

    /// Whether any flag was given, i.e. the key is meant to carry provider settings.
    fn any(&self) -> bool {
        self.given().iter().any(|(_, flags)| !flags.is_empty())
    }

    /// Sets the settings block of `key` for a provider of type `kind`; flags of another
    /// family, or an incomplete set, are usage errors naming the flags.
    fn apply(&self, kind: ProviderType, key: &mut KeyConfig) -> Result<(), Failure> {
        for (family, flags) in self.given() {
            if let Some(flag) = flags.first().filter(|_| family != kind) {
                return Err(Failure::Usage(anyhow!(
                    "{flag} is a key setting of provider type {}; provider type `{}` does not take it",
                    family.as_str(),
                    kind.as_str()
                )));
            }
        }
        let required = |v: &Option<String>, flag: &str, needed_by: &str| {
            v.clone()
                .ok_or_else(|| Failure::Usage(anyhow!("{needed_by} key settings need {flag}")))
        };
        match kind {
            ProviderType::Azure if self.any() => {
                key.azure_key_config = Some(AzureKeyConfig {
                    endpoint: Setting::parse(&required(
                        &self.azure_endpoint,
                        "--azure-endpoint URL",
                        "azure",
                    )?),
                    deployments: pairs(&self.azure_deployment, "--azure-deployment")?,
                    api_version: self.azure_api_version.as_deref().map(Setting::parse),
                    use_bearer: self.azure_bearer,
                });
            }
            ProviderType::Bedrock if self.any() => {
                key.bedrock_key_config = Some(BedrockKeyConfig {
                    access_key: env_ref(&required(
                        &self.aws_access_key_env,
                        "--aws-access-key-env VAR",
                        "bedrock",
                    )?),
                    secret_key: env_ref(&required(
                        &self.aws_secret_key_env,
                        "--aws-secret-key-env VAR",
                        "bedrock",
                    )?),
                    session_token: self.aws_session_token_env.as_deref().map(env_ref),
                    region: Setting::parse(&required(
                        &self.aws_region,
                        "--aws-region R",
                        "bedrock",
                    )?),
                    deployments: pairs(&self.bedrock_deployment, "--bedrock-deployment")?,
                });
            }
            ProviderType::Vertex if self.any() => {
                let credentials =
                    match (&self.vertex_credentials_env, &self.vertex_credentials_file) {
                        (Some(var), _) => env_ref(var),
                        (None, Some(path)) => credentials_file(path)?,
                        (None, None) => {
                            return Err(Failure::Usage(anyhow!(
                                "vertex key settings need --vertex-credentials-env VAR or \
                             --vertex-credentials-file PATH"
                            )))
                        }
                    };
                key.vertex_key_config = Some(VertexKeyConfig {
                    project_id: Setting::parse(&required(
                        &self.vertex_project,
                        "--vertex-project P",
                        "vertex",
                    )?),
                    region: Setting::parse(&required(
                        &self.vertex_region,
                        "--vertex-region R",
                        "vertex",
                    )?),
                    auth_credentials: credentials,
                    deployments: Default::default(),
                });
            }
            _ => {}
        }
        Ok(())
    }
}

/// `VAR` (or `env.VAR`) as an environment reference, as `--key-env` takes it.
fn env_ref(var: &str) -> SecretValue {
    SecretValue::Env(var.trim_start_matches("env.").to_string())
}

/// Repeated `MODEL=TARGET` flags as a map.
fn pairs(
    values: &[String],
    flag: &str,
) -> Result<std::collections::BTreeMap<String, String>, Failure> {
    values
        .iter()
        .map(|v| match v.split_once('=') {
            Some((model, target)) if !model.trim().is_empty() && !target.trim().is_empty() => {
                Ok((model.trim().to_string(), target.trim().to_string()))
            }
            _ => Err(Failure::Usage(anyhow!("{flag} `{v}` must be MODEL=NAME"))),
        })
        .collect()
}

/// Reads a service-account JSON file into a literal secret. The JSON is checked here so
/// a wrong file fails now rather than at the first request; the error never quotes it.
fn credentials_file(path: &std::path::Path) -> Result<SecretValue, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::Usage(anyhow!(
            "--vertex-credentials-file: cannot read {}: {e}",
            path.display()
        ))
    })?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        Failure::Usage(anyhow!(
            "--vertex-credentials-file: {} is not valid JSON (line {}, column {})",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    let has = |field: &str| {
        json.get(field)
            .and_then(serde_json::Value::as_str)
            .is_some()
    };
    if !(has("client_email") && has("private_key")) {
        return Err(Failure::Usage(anyhow!(
            "--vertex-credentials-file: {} is not a service-account key (it needs \
             client_email and private_key)",
            path.display()
        )));
    }
    Ok(SecretValue::Literal(text.trim().to_string()))
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
        "name:      {}\ntype:      {}\nbase url:  {}\ntimeouts:  connect {}s, first byte {}s, stream idle {}s, total {}s\nlimits:    max concurrency {}, queue {}\n",
        p.provider,
        p.kind.as_str(),
        p.base_url.as_deref().or(p.kind.default_base_url()).unwrap_or("-"),
        n.connect_timeout_secs,
        n.first_byte_timeout_secs,
        n.stream_idle_timeout_secs,
        n.total_timeout_secs,
        n.max_concurrency.map_or("default (client.initial_pool_size)".to_string(), |c| c.to_string()),
        n.queue_size,
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
