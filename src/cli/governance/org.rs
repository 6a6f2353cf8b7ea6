//! `bifrost team ...` and `bifrost customer ...`: the same five verbs over the two
//! levels above keys.

use clap::{Args, Subcommand};
use serde_json::{json, Map, Value};

use super::limits::LimitFlags;
use super::render::{describe, list_table};
use super::vk::{JsonFlag, Target};
use super::{failure, tell};
use crate::admin::{Governance, GovernanceError, Kind};
use crate::cli::output::{print, print_json};
use crate::cli::CmdResult;

/// `bifrost team` / `bifrost customer` subcommands.
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create one.
    Create(OrgArgs),
    /// List them.
    List(JsonFlag),
    /// Show one.
    Show(Target),
    /// Change one; only the flags given change.
    Update(OrgUpdate),
    /// Delete one; its keys are refused until attached elsewhere.
    Delete(Target),
}

/// `create`.
#[derive(Debug, Args)]
pub struct OrgArgs {
    /// A unique name.
    #[arg(long)]
    pub name: String,
    #[command(flatten)]
    pub flags: OrgFlags,
}

/// `update`.
#[derive(Debug, Args)]
pub struct OrgUpdate {
    /// Its name or id.
    pub target: String,
    /// Rename it.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub flags: OrgFlags,
}

/// Settings `create` and `update` share.
#[derive(Debug, Args)]
pub struct OrgFlags {
    /// The customer a team belongs to (id or name; teams only).
    #[arg(long)]
    pub customer: Option<String>,
    #[command(flatten)]
    pub limits: LimitFlags,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

async fn body(
    g: &dyn Governance,
    kind: Kind,
    f: &OrgFlags,
) -> Result<Map<String, Value>, GovernanceError> {
    let mut o = Map::new();
    if let Some(c) = &f.customer {
        if kind != Kind::Team {
            return Err(GovernanceError::Invalid(vec![
                "--customer applies to teams only; a customer does not belong to another customer"
                    .into(),
            ]));
        }
        o.insert(
            "customer_id".into(),
            g.get(Kind::Customer, c).await?["id"].clone(),
        );
    }
    f.limits.apply(&mut o);
    Ok(o)
}

/// Runs a `team` or `customer` command.
pub async fn run(g: &dyn Governance, kind: Kind, cmd: OrgCommand) -> CmdResult {
    let noun = kind.noun();
    match cmd {
        OrgCommand::Create(a) => {
            let mut o = body(g, kind, &a.flags).await.map_err(failure)?;
            o.insert("name".into(), json!(a.name));
            o.retain(|_, v| !v.is_null());
            let item = g.create(kind, Value::Object(o)).await.map_err(failure)?;
            if a.flags.json {
                return print_json(&item);
            }
            tell(&format!("created {noun} `{}`", a.name));
            print(&format!("{}\n", item["id"].as_str().unwrap_or_default()))
        }
        OrgCommand::List(f) => {
            let items = g.list(kind).await.map_err(failure)?;
            if f.json {
                return print_json(&items);
            }
            print(&list_table(kind, &items))
        }
        OrgCommand::Show(t) => {
            let item = g.get(kind, &t.key).await.map_err(failure)?;
            if t.json.json {
                return print_json(&item);
            }
            print(&describe(&item))
        }
        OrgCommand::Update(a) => {
            let mut o = body(g, kind, &a.flags).await.map_err(failure)?;
            if let Some(n) = &a.name {
                o.insert("name".into(), json!(n));
            }
            let item = g
                .update(kind, &a.target, Value::Object(o))
                .await
                .map_err(failure)?;
            if a.flags.json {
                return print_json(&item);
            }
            tell(&format!(
                "updated {noun} `{}`",
                item["name"].as_str().unwrap_or_default()
            ));
            Ok(())
        }
        OrgCommand::Delete(t) => {
            g.delete(kind, &t.key).await.map_err(failure)?;
            tell(&format!("deleted {noun} `{}`", t.key));
            Ok(())
        }
    }
}
