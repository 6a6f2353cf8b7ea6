//! `bifrost vk ...`, `bifrost team ...`, `bifrost customer ...`: governance from the
//! terminal and from scripts. Output meant for scripts goes to stdout (a key's value,
//! or `--json`); everything said to people goes to stderr. Secrets appear only in what
//! `vk create` and `vk rotate` print.

mod limits;
mod org;
mod render;
mod vk;

use clap::Subcommand;

use super::{CmdResult, Failure};
use crate::admin::GovernanceError;

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
    let g = super::backend::connect_governance(&data_dir).await?;
    match cmd {
        GovCommand::Vk(c) => vk::run(g.as_ref(), *c).await,
        GovCommand::Team(c) => org::run(g.as_ref(), crate::admin::Kind::Team, *c).await,
        GovCommand::Customer(c) => org::run(g.as_ref(), crate::admin::Kind::Customer, *c).await,
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
