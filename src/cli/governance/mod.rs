//! `bifrost vk ...`, `bifrost team ...`, `bifrost customer ...`: governance from the
//! terminal and from scripts. Output meant for scripts goes to stdout (a key's value,
//! or `--json`); everything said to people goes to stderr. Secrets appear only in what
//! `vk create` and `vk rotate` print.

mod limits;
mod org;
mod render;
mod vk;

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use clap::Subcommand;

use super::{CmdResult, Failure};
use crate::admin::{Governance, GovernanceError, LocalGovernance, RemoteAdmin, SOCKET_NAME};
use crate::store::{Store, StoreError};

/// The governance command groups, flattened into the top level.
#[derive(Debug, Subcommand)]
pub enum GovCommand {
    /// Manage virtual keys: what an app or a person may call, how much and how fast.
    #[command(subcommand)]
    Vk(Box<vk::VkCommand>),
    /// Manage teams: groups of keys sharing budgets.
    #[command(subcommand)]
    Team(Box<org::OrgCommand>),
    /// Manage customers: the top of the budget hierarchy.
    #[command(subcommand)]
    Customer(Box<org::OrgCommand>),
}

/// Runs a governance command against the running server or the store.
pub async fn run(cmd: GovCommand, data_dir: std::path::PathBuf) -> CmdResult {
    let g = connect(&data_dir).await?;
    match cmd {
        GovCommand::Vk(c) => vk::run(g.as_ref(), *c).await,
        GovCommand::Team(c) => org::run(g.as_ref(), crate::admin::Kind::Team, *c).await,
        GovCommand::Customer(c) => org::run(g.as_ref(), crate::admin::Kind::Customer, *c).await,
    }
}

/// The running server's socket when one answers, else the store itself.
pub(super) async fn connect(data_dir: &Path) -> anyhow::Result<Box<dyn Governance>> {
    let socket = data_dir.join(SOCKET_NAME);
    if let Some(remote) = RemoteAdmin::connect(&socket).await {
        return Ok(Box::new(remote));
    }
    let dir = data_dir.to_path_buf();
    let store = tokio::task::spawn_blocking(move || Store::open(&dir))
        .await
        .context("store task failed")?;
    match store {
        Ok(store) => Ok(Box::new(LocalGovernance::new(Arc::new(store)))),
        Err(e @ StoreError::Locked(_)) => Err(anyhow::Error::new(e).context(format!(
            "no server answers on {} although the store is held; if a `bifrost serve` is starting, retry in a moment",
            socket.display()
        ))),
        Err(e) => Err(e.into()),
    }
}

/// Bad input is a usage error (exit 2); anything else a failed operation (exit 1).
fn failure(e: GovernanceError) -> Failure {
    let usage = matches!(e, GovernanceError::Invalid(_))
        || matches!(e, GovernanceError::Remote { status: 400, .. });
    let e = anyhow::Error::new(e);
    if usage {
        Failure::Usage(e)
    } else {
        Failure::Problem(e)
    }
}

/// Says something to the person at the terminal, never to a script's stdout.
fn tell(text: &str) {
    eprintln!("{text}");
}
