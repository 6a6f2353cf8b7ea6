//! `bifrost route ...`: routing rules from the terminal, and `route explain`, a dry run
//! of the routing decision. Like the other groups, it talks to a running server over
//! its socket, or to the store when none runs; scripts get `--json` on stdout.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::json;

use super::output::{print, print_json, table};
use super::{CmdResult, Failure};
use crate::admin::{ExplainRequest, RoutingAdmin, RoutingError};
use crate::config::{split_target, RoutingRule, Scope};

/// `bifrost route`.
#[derive(Debug, Subcommand)]
pub enum RouteCommand {
    /// Add a routing rule.
    Add(AddArgs),
    /// List routing rules, the file's first.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one rule.
    Show {
        /// The rule's id or name.
        rule: String,
    },
    /// Remove a rule.
    Remove {
        /// The rule's id or name.
        rule: String,
    },
    /// Show where a request would go and why, without sending it.
    Explain(ExplainArgs),
}

/// `bifrost route add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// A unique name.
    #[arg(long)]
    name: String,
    /// The condition in CEL, e.g. `headers["x-tier"] == "premium"`; none matches all.
    #[arg(long, value_name = "EXPR", default_value = "")]
    cel: String,
    /// A target, `provider/model` with an optional `@weight` (repeat for several;
    /// without weights each gets an equal share).
    #[arg(
        long = "target",
        value_name = "PROVIDER/MODEL[@WEIGHT]",
        required = true
    )]
    targets: Vec<String>,
    /// A `provider/model` tried after the target fails (repeat, in order).
    #[arg(long = "fallback", value_name = "PROVIDER/MODEL")]
    fallbacks: Vec<String>,
    /// Lower runs first.
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    priority: i64,
    /// Free text.
    #[arg(long, default_value = "")]
    description: String,
    /// Store the rule disabled.
    #[arg(long)]
    disabled: bool,
    /// Apply only under one virtual key, team or customer (`--scope-id` names it).
    #[arg(long, value_enum, requires = "scope_id")]
    scope: Option<ScopeArg>,
    /// The id of the scope's virtual key, team or customer.
    #[arg(long)]
    scope_id: Option<String>,
}

/// Scopes on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ScopeArg {
    /// One virtual key.
    VirtualKey,
    /// One team.
    Team,
    /// One customer.
    Customer,
}

/// `bifrost route explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The model the request names.
    #[arg(long)]
    model: String,
    /// A request header, `name=value` (repeat).
    #[arg(long = "header", value_name = "NAME=VALUE")]
    headers: Vec<String>,
    /// The virtual key the request presents, by name or id.
    #[arg(long = "vk", value_name = "NAME")]
    virtual_key: Option<String>,
    /// The request type rules see (`chat_completion`, `embedding`, ...).
    #[arg(long)]
    request_type: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

impl RouteCommand {
    /// Runs the command against the running server or the store.
    pub async fn run(self, data_dir: PathBuf) -> CmdResult {
        let admin = super::backend::connect_routing(&data_dir).await?;
        let admin = admin.as_ref();
        match self {
            RouteCommand::Add(args) => add(admin, args).await,
            RouteCommand::List { json } => list(admin, json).await,
            RouteCommand::Show { rule } => {
                print_json(&admin.get_rule(&rule).await.map_err(failure)?)
            }
            RouteCommand::Remove { rule } => {
                admin.delete_rule(&rule).await.map_err(failure)?;
                eprintln!("removed routing rule {}", crate::config::quote(&rule));
                Ok(())
            }
            RouteCommand::Explain(args) => explain(admin, args).await,
        }
    }
}

/// Bad input is a usage error (exit 2); anything else a failed operation (exit 1).
fn failure(e: RoutingError) -> Failure {
    let usage = matches!(e, RoutingError::Invalid(_))
        || matches!(e, RoutingError::Remote { status: 400, .. });
    if usage {
        Failure::Usage(e.into())
    } else {
        Failure::Problem(e.into())
    }
}

fn usage(message: String) -> Failure {
    Failure::Usage(anyhow::anyhow!(message))
}

/// `provider/model[@weight]` as a rule target.
fn target(text: &str) -> Result<serde_json::Value, Failure> {
    let (id, weight) = match text.rsplit_once('@') {
        Some((id, w)) => {
            let w: f64 = w
                .parse()
                .map_err(|_| usage(format!("--target {text}: the weight `{w}` is not a number")))?;
            (id, Some(w))
        }
        None => (text, None),
    };
    let (provider, model) = split_target(id).ok_or_else(|| {
        usage(format!(
            "--target {text}: expected `provider/model[@weight]`"
        ))
    })?;
    let mut t = json!({"provider": provider, "model": model});
    if let Some(w) = weight {
        t["weight"] = json!(w);
    }
    Ok(t)
}

async fn add(admin: &dyn RoutingAdmin, args: AddArgs) -> CmdResult {
    let mut targets = args
        .targets
        .iter()
        .map(|t| target(t))
        .collect::<Result<Vec<_>, _>>()?;
    // No weights at all: equal shares, so the weights sum to 1 as rules require.
    if targets.iter().all(|t| t.get("weight").is_none()) {
        let share = 1.0 / targets.len() as f64;
        for t in &mut targets {
            t["weight"] = json!(share);
        }
    }
    let scope = match args.scope {
        None => Scope::Global,
        Some(ScopeArg::VirtualKey) => Scope::VirtualKey,
        Some(ScopeArg::Team) => Scope::Team,
        Some(ScopeArg::Customer) => Scope::Customer,
    };
    let body = json!({
        "name": args.name,
        "description": args.description,
        "enabled": !args.disabled,
        "cel_expression": args.cel,
        "targets": targets,
        "fallbacks": args.fallbacks,
        "priority": args.priority,
        "scope": scope,
        "scope_id": args.scope_id,
    });
    let rule = admin.create_rule(body).await.map_err(failure)?;
    eprintln!("added routing rule {} ({})", rule.name, rule.id);
    print_json(&rule)
}

async fn list(admin: &dyn RoutingAdmin, json: bool) -> CmdResult {
    let rules = admin.list_rules().await.map_err(failure)?;
    if json {
        return print_json(&rules);
    }
    let rows: Vec<Vec<String>> = rules.iter().map(row).collect();
    print(&table(
        &["NAME", "PRIORITY", "ENABLED", "SCOPE", "TARGETS", "CEL"],
        &rows,
    ))
}

fn row(r: &RoutingRule) -> Vec<String> {
    let targets: Vec<String> = r
        .targets
        .iter()
        .map(|t| {
            format!(
                "{}/{}@{}",
                t.provider.as_deref().unwrap_or("*"),
                t.model.as_deref().unwrap_or("*"),
                t.weight
            )
        })
        .collect();
    let scope = serde_json::to_value(r.scope)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    vec![
        crate::config::shorten(&r.name).into_owned(),
        r.priority.to_string(),
        r.enabled.to_string(),
        scope,
        targets.join(","),
        crate::config::shorten(&r.cel_expression).into_owned(),
    ]
}

async fn explain(admin: &dyn RoutingAdmin, args: ExplainArgs) -> CmdResult {
    let mut headers = indexmap::IndexMap::new();
    for h in &args.headers {
        let (k, v) = h
            .split_once('=')
            .ok_or_else(|| usage(format!("--header {h}: expected `name=value`")))?;
        headers.insert(k.trim().to_ascii_lowercase(), v.to_string());
    }
    let request = ExplainRequest {
        model: args.model,
        headers,
        virtual_key: args.virtual_key,
        request_type: args.request_type,
        params: None,
    };
    let explained = admin.explain(request).await.map_err(failure)?;
    if args.json {
        return print_json(&explained);
    }
    print(&super::route_render::explanation(&explained))?;
    match &explained.error {
        // The request would fail: a problem found.
        Some(e) => Err(Failure::Problem(anyhow::anyhow!("{e}"))),
        None => Ok(()),
    }
}
