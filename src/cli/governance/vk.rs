//! `bifrost vk ...`: create, inspect, change, rotate and delete virtual keys.
//! `KEY=$(bifrost vk create --name ci)` works: stdout carries only the value.

use clap::{Args, Subcommand};
use serde_json::{json, Map, Value};

use super::limits::{parse_provider, LimitFlags};
use super::render::{describe, list_table, usage_table};
use super::{failure, tell};
use crate::admin::provider_limits::{parse_provider_budget, parse_provider_rate, ProviderLimits};
use crate::admin::{Governance, Kind};
use crate::cli::output::{print, print_json};
use crate::cli::{CmdResult, Failure};

/// `bifrost vk` subcommands.
#[derive(Debug, Subcommand)]
pub enum VkCommand {
    /// Create a key; prints only its value on stdout (shown this once).
    Create(CreateArgs),
    /// List keys (never their values).
    List(JsonFlag),
    /// Show one key (never its value).
    Show(Target),
    /// Change a key's settings; only the flags given change.
    Update(UpdateArgs),
    /// Delete a key; requests using it are refused from then on.
    Delete(Target),
    /// Give a key a new value, printed on stdout; the old one stops working.
    Rotate(Target),
    /// Let a disabled key through again.
    Enable(Target),
    /// Refuse a key's requests (403) until it is enabled.
    Disable(Target),
    /// A key's spend and rate-limit use at every level it counts against.
    Usage(Target),
}

/// `--json`.
#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// A key by id or name.
#[derive(Debug, Args)]
pub struct Target {
    /// The key's name or id.
    pub key: String,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// Settings `create` and `update` share.
#[derive(Debug, Args)]
pub struct KeyFlags {
    /// Free text about the key.
    #[arg(long)]
    pub description: Option<String>,
    /// Models the key may call, comma-separated (default: all).
    #[arg(long, value_delimiter = ',', value_name = "MODELS")]
    pub models: Option<Vec<String>>,
    /// A provider the key may use: NAME[:WEIGHT[:MODEL,...]] (repeatable), e.g.
    /// --provider azure:0.8:gpt-4o --provider openai:0.2.
    #[arg(long = "provider", value_name = "SPEC", value_parser = parse_provider)]
    pub providers: Vec<Value>,
    /// A budget on one provider's share: NAME:USD[:RESET] (repeatable), e.g.
    /// --provider-budget openai:50:1M. The provider must be among the key's.
    #[arg(long = "provider-budget", value_name = "SPEC", value_parser = parse_provider_budget)]
    pub provider_budgets: Vec<(String, Value)>,
    /// Requests per minute on one provider's share: NAME:N (repeatable).
    #[arg(long = "provider-rpm", value_name = "SPEC", value_parser = parse_provider_rate)]
    pub provider_rpm: Vec<(String, u64)>,
    /// Tokens per minute on one provider's share: NAME:N (repeatable).
    #[arg(long = "provider-tpm", value_name = "SPEC", value_parser = parse_provider_rate)]
    pub provider_tpm: Vec<(String, u64)>,
    /// The team the key belongs to (id or name).
    #[arg(long, conflicts_with = "customer")]
    pub team: Option<String>,
    /// The customer the key belongs to directly.
    #[arg(long)]
    pub customer: Option<String>,
    /// Requests in flight at once; over it, 429 at once.
    #[arg(long, value_name = "N")]
    pub max_concurrent: Option<u32>,
    /// When the key stops working (RFC 3339, e.g. 2027-01-31T00:00:00Z).
    #[arg(long, value_name = "TIME")]
    pub expires_at: Option<String>,
    #[command(flatten)]
    pub limits: LimitFlags,
    /// Print the whole key as JSON (with its value, on create and rotate).
    #[arg(long)]
    pub json: bool,
}

/// `vk create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// A unique name for the key.
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub flags: KeyFlags,
}

/// `vk update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The key's name or id.
    pub key: String,
    /// Rename the key.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub flags: KeyFlags,
}

impl KeyFlags {
    fn provider_limits(&self) -> ProviderLimits {
        ProviderLimits {
            budgets: self.provider_budgets.clone(),
            rpm: self.provider_rpm.clone(),
            tpm: self.provider_tpm.clone(),
        }
    }

    /// Puts the per-provider limits on `configs` (the key's providers: those given
    /// with --provider, else the key's current ones) into `body`.
    fn limit_providers(&self, mut configs: Vec<Value>, body: &mut Map<String, Value>) -> CmdResult {
        let limits = self.provider_limits();
        if limits.is_empty() {
            return Ok(());
        }
        limits
            .apply(&mut configs)
            .map_err(|e| Failure::Usage(anyhow::anyhow!(e)))?;
        body.insert("provider_configs".into(), json!(configs));
        Ok(())
    }

    fn body(&self) -> Map<String, Value> {
        let mut o = Map::new();
        if let Some(d) = &self.description {
            o.insert("description".into(), json!(d));
        }
        if let Some(m) = &self.models {
            o.insert("allowed_models".into(), json!(m));
        }
        if !self.providers.is_empty() {
            o.insert("provider_configs".into(), json!(self.providers));
        }
        if let Some(n) = self.max_concurrent {
            o.insert("max_concurrent_requests".into(), json!(n));
        }
        if let Some(t) = &self.expires_at {
            o.insert("expires_at".into(), json!(t));
        }
        self.limits.apply(&mut o);
        o
    }
}

/// Team and customer flags name either an id or a name; the API stores ids.
async fn resolve(
    g: &dyn Governance,
    kind: Kind,
    id: &str,
) -> Result<Value, crate::admin::GovernanceError> {
    Ok(g.get(kind, id).await?["id"].clone())
}

async fn owner(
    g: &dyn Governance,
    f: &KeyFlags,
    o: &mut Map<String, Value>,
) -> Result<(), crate::admin::GovernanceError> {
    if let Some(t) = &f.team {
        o.insert("team_id".into(), resolve(g, Kind::Team, t).await?);
        o.insert("customer_id".into(), Value::Null);
    }
    if let Some(c) = &f.customer {
        o.insert("customer_id".into(), resolve(g, Kind::Customer, c).await?);
        o.insert("team_id".into(), Value::Null);
    }
    Ok(())
}

/// Runs a `vk` command.
pub async fn run(g: &dyn Governance, cmd: VkCommand) -> CmdResult {
    match cmd {
        VkCommand::Create(a) => {
            let mut o = a.flags.body();
            a.flags.limit_providers(a.flags.providers.clone(), &mut o)?;
            o.insert("name".into(), json!(a.name));
            owner(g, &a.flags, &mut o).await.map_err(failure)?;
            o.retain(|_, v| !v.is_null());
            let key = g
                .create(Kind::VirtualKey, Value::Object(o))
                .await
                .map_err(failure)?;
            secret_out(&key, a.flags.json, "created")
        }
        VkCommand::List(f) => {
            let keys = g.list(Kind::VirtualKey).await.map_err(failure)?;
            if f.json {
                return print_json(&keys);
            }
            print(&list_table(Kind::VirtualKey, &keys))
        }
        VkCommand::Show(t) => {
            let key = g.get(Kind::VirtualKey, &t.key).await.map_err(failure)?;
            if t.json.json {
                return print_json(&key);
            }
            print(&describe(&key))
        }
        VkCommand::Update(a) => {
            let mut o = a.flags.body();
            if !a.flags.provider_limits().is_empty() {
                let configs = if a.flags.providers.is_empty() {
                    let key = g.get(Kind::VirtualKey, &a.key).await.map_err(failure)?;
                    key["provider_configs"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                } else {
                    a.flags.providers.clone()
                };
                a.flags.limit_providers(configs, &mut o)?;
            }
            if let Some(n) = &a.name {
                o.insert("name".into(), json!(n));
            }
            owner(g, &a.flags, &mut o).await.map_err(failure)?;
            let key = g
                .update(Kind::VirtualKey, &a.key, Value::Object(o))
                .await
                .map_err(failure)?;
            shown(&key, a.flags.json, "updated")
        }
        VkCommand::Delete(t) => {
            g.delete(Kind::VirtualKey, &t.key).await.map_err(failure)?;
            tell(&format!("deleted virtual key `{}`", t.key));
            Ok(())
        }
        VkCommand::Rotate(t) => {
            let key = g.rotate(&t.key).await.map_err(failure)?;
            secret_out(&key, t.json.json, "rotated")
        }
        VkCommand::Enable(t) => active(g, &t, true).await,
        VkCommand::Disable(t) => active(g, &t, false).await,
        VkCommand::Usage(t) => {
            let usage = g.usage(&t.key).await.map_err(failure)?;
            if t.json.json {
                return print_json(&usage);
            }
            print(&usage_table(&usage))
        }
    }
}

async fn active(g: &dyn Governance, t: &Target, on: bool) -> CmdResult {
    let key = g
        .update(Kind::VirtualKey, &t.key, json!({"is_active": on}))
        .await
        .map_err(failure)?;
    shown(&key, t.json.json, if on { "enabled" } else { "disabled" })
}

/// The value alone on stdout (or the whole key with --json); the rest on stderr.
fn secret_out(key: &Value, json: bool, verb: &str) -> CmdResult {
    if json {
        return print_json(key);
    }
    tell(&format!(
        "{verb} virtual key `{}` (id {}); its value is printed once, on stdout: store it now",
        key["name"].as_str().unwrap_or_default(),
        key["id"].as_str().unwrap_or_default()
    ));
    print(&format!("{}\n", key["value"].as_str().unwrap_or_default()))
}

fn shown(key: &Value, json: bool, verb: &str) -> CmdResult {
    if json {
        return print_json(key);
    }
    tell(&format!(
        "{verb} virtual key `{}`",
        key["name"].as_str().unwrap_or_default()
    ));
    Ok(())
}
