//! `bifrost config import --apply` with a server running (the local socket, or
//! `--url`): the imported setup goes through the server's management API, so the
//! server applies it at once and the store stays the server's alone.
//!
//! All or nothing: providers, customers, teams, keys and routing rules go in one
//! import, which the server validates whole (against what it already has) and writes
//! in one store transaction; nothing is written if anything is wrong.

use anyhow::anyhow;

use super::{CmdResult, Failure};
use crate::admin::{import_body, Governance, Imported, ProviderDoc, RemoteAdmin};
use crate::config::FileConfig;
use crate::store::Origin;

/// Applies `config` through `server`; says on stderr what was written.
pub(super) async fn through_server(server: &RemoteAdmin, config: &FileConfig) -> CmdResult {
    let imported = imported(config).map_err(|p| nothing_written(&p))?;
    if let Err(e) = server.import(import_body(&imported)).await {
        return Err(Failure::Problem(anyhow!("nothing was written: {e}")));
    }
    eprintln!(
        "applied through the server: providers [{}], customers [{}], teams [{}], virtual keys [{}], routing rules [{}]",
        listed(config.providers.keys().map(String::as_str)),
        listed(imported.objects.customers.iter().map(|c| c.name.as_str())),
        listed(imported.objects.teams.iter().map(|t| t.name.as_str())),
        listed(imported.objects.keys.iter().map(|k| k.name.as_str())),
        listed(imported.routing_rules.iter().map(|r| r.name.as_str())),
    );
    Ok(())
}

/// What `config` imports: its providers, governance objects and routing rules.
pub(super) fn imported(config: &FileConfig) -> Result<Imported, Vec<String>> {
    Ok(Imported {
        providers: config
            .providers
            .iter()
            .map(|(name, p)| ProviderDoc::from_config(name, p, Origin::Api, true))
            .collect(),
        objects: config.governance.declared()?,
        routing_rules: config.routing_rules.clone(),
    })
}

/// Names, comma-separated.
fn listed<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

fn nothing_written(problems: &[String]) -> Failure {
    Failure::Problem(anyhow!(
        "nothing was written; fix these and run the import again:\n  {}",
        problems.join("\n  ")
    ))
}
