//! `bifrost config import --apply` with a server running (the local socket, or
//! `--url`): the imported setup goes through the server's management API, so the
//! server applies it at once and the store stays the server's alone.
//!
//! All or nothing as far as an API allows: everything is validated first, against
//! what the server already has, and nothing is written if anything is wrong; then
//! providers are written (keys refer to them) and customers, teams and keys in one
//! batch the server validates again. Should a write still fail, the providers written
//! so far are put back as they were.

use std::collections::HashSet;

use anyhow::anyhow;
use serde_json::Value;

use super::{CmdResult, Failure};
use crate::admin::{import_body, Governance, Kind, Management, ProviderDoc, RemoteAdmin};
use crate::config::{validate_provider_name, DeclaredObjects, FileConfig};
use crate::store::Origin;

/// How to put back a provider this import wrote.
enum Undo {
    /// It was new: delete it.
    Delete(String),
    /// It existed: restore its old settings.
    Restore(Box<ProviderDoc>),
}

/// Applies `config` through `server`; says on stderr what was written.
pub(super) async fn through_server(server: &RemoteAdmin, config: &FileConfig) -> CmdResult {
    let declared = config
        .governance
        .declared()
        .map_err(|p| nothing_written(&p))?;
    let existing = server
        .list_providers(true)
        .await
        .map_err(|e| Failure::Problem(e.into()))?;
    let problems = check(server, config, &declared, &existing).await?;
    if !problems.is_empty() {
        return Err(nothing_written(&problems));
    }
    let mut undo = Vec::new();
    for (name, provider) in &config.providers {
        let doc = ProviderDoc::from_config(name, provider, Origin::Api, true);
        let written = match existing.iter().find(|d| d.provider == *name) {
            Some(old) => server
                .update_provider(doc)
                .await
                .map(|_| Undo::Restore(Box::new(old.clone()))),
            None => server
                .create_provider(doc)
                .await
                .map(|_| Undo::Delete(name.clone())),
        };
        match written {
            Ok(u) => undo.push(u),
            Err(e) => {
                return Err(rolled_back(server, undo, format!("provider `{name}`: {e}")).await)
            }
        }
    }
    if let Err(e) = server.import(import_body(&declared)).await {
        return Err(rolled_back(server, undo, e.to_string()).await);
    }
    eprintln!(
        "applied through the server: providers [{}], customers [{}], teams [{}], virtual keys [{}]",
        listed(config.providers.keys().map(String::as_str)),
        listed(declared.customers.iter().map(|c| c.name.as_str())),
        listed(declared.teams.iter().map(|t| t.name.as_str())),
        listed(declared.keys.iter().map(|k| k.name.as_str())),
    );
    Ok(())
}

/// Every problem in the import, checked against what the server has: providers'
/// settings, the providers keys name, the teams and customers objects refer to.
async fn check(
    server: &RemoteAdmin,
    config: &FileConfig,
    declared: &DeclaredObjects,
    existing: &[ProviderDoc],
) -> Result<Vec<String>, Failure> {
    let mut problems = Vec::new();
    for (name, p) in &config.providers {
        if let Err(e) = validate_provider_name(name) {
            problems.push(format!("provider `{name}`: {e}"));
        }
        problems.extend(
            p.problems()
                .into_iter()
                .map(|e| format!("provider `{name}`: {e}")),
        );
    }
    let providers: HashSet<&str> = existing
        .iter()
        .map(|d| d.provider.as_str())
        .chain(config.providers.keys().map(String::as_str))
        .collect();
    for k in &declared.keys {
        for pc in &k.provider_configs {
            if !providers.contains(pc.provider.as_str()) {
                problems.push(format!(
                    "virtual key `{}`: provider_configs names provider `{}`, which neither the server nor the import has",
                    k.name, pc.provider
                ));
            }
        }
    }
    let stored = |kind| async move {
        let list = server
            .list(kind)
            .await
            .map_err(|e| Failure::Problem(e.into()))?;
        Ok::<_, Failure>(list.iter().flat_map(names_of).collect::<HashSet<String>>())
    };
    let mut customers = stored(Kind::Customer).await?;
    customers.extend(
        declared
            .customers
            .iter()
            .flat_map(|c| [c.id.clone(), c.name.clone()]),
    );
    let mut teams = stored(Kind::Team).await?;
    teams.extend(
        declared
            .teams
            .iter()
            .flat_map(|t| [t.id.clone(), t.name.clone()]),
    );
    let mut refers = |owner: String, field: &str, to: Option<&String>, known: &HashSet<String>| {
        if let Some(to) = to.filter(|to| !known.contains(*to)) {
            problems.push(format!(
                "{owner}: {field} `{to}` is in neither the import nor the server"
            ));
        }
    };
    for t in &declared.teams {
        refers(
            format!("team `{}`", t.name),
            "customer_id",
            t.customer_id.as_ref(),
            &customers,
        );
    }
    for k in &declared.keys {
        let owner = format!("virtual key `{}`", k.name);
        refers(owner.clone(), "team_id", k.team_id.as_ref(), &teams);
        refers(owner, "customer_id", k.customer_id.as_ref(), &customers);
    }
    Ok(problems)
}

/// Names, comma-separated.
fn listed<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

/// A stored object's id and name, either of which a reference may use.
fn names_of(object: &Value) -> Vec<String> {
    ["id", "name"]
        .iter()
        .filter_map(|f| object.get(f).and_then(Value::as_str).map(str::to_string))
        .collect()
}

fn nothing_written(problems: &[String]) -> Failure {
    Failure::Problem(anyhow!(
        "nothing was written; fix these and run the import again:\n  {}",
        problems.join("\n  ")
    ))
}

/// Puts back the providers written so far, and the failure that stopped the import.
async fn rolled_back(server: &RemoteAdmin, undo: Vec<Undo>, why: String) -> Failure {
    let mut left = Vec::new();
    for u in undo.into_iter().rev() {
        let (name, result) = match u {
            Undo::Delete(name) => {
                let r = server.delete_provider(&name).await;
                (name, r)
            }
            Undo::Restore(old) => {
                let name = old.provider.clone();
                (name, server.update_provider(*old).await.map(|_| ()))
            }
        };
        if let Err(e) = result {
            left.push(format!("provider `{name}` could not be put back: {e}"));
        }
    }
    let after = if left.is_empty() {
        "the providers it had written were put back".to_string()
    } else {
        left.join("; ")
    };
    Failure::Problem(anyhow!("the import stopped: {why}; {after}"))
}
