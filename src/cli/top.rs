//! `bifrost top`: the live dashboard, attached to the server running on the data dir
//! through its management socket (the channel every other command uses).

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::anyhow;
use clap::Args;

use super::{CmdResult, Failure};
use crate::admin::{RemoteAdmin, SOCKET_NAME};

/// `bifrost top` flags.
#[derive(Debug, Args)]
pub struct TopArgs {}

/// Runs the dashboard until the user quits.
pub async fn run(_args: TopArgs, data_dir: PathBuf) -> CmdResult {
    let socket = data_dir.join(SOCKET_NAME);
    let Some(remote) = RemoteAdmin::connect(&socket).await else {
        return Err(Failure::Problem(anyhow!(
            "no bifrost server answers on {}; start one with `bifrost serve` (or pass --data-dir)",
            socket.display()
        )));
    };
    crate::tui::run(Arc::new(remote), socket.display().to_string())
        .await
        .map_err(|e| Failure::Problem(e.into()))
}
