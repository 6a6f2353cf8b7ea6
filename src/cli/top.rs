//! `bifrost top`: the live dashboard, attached to the server at `--url` / `BIFROST_URL`,
//! or to the one running on the data dir through its management socket (the channels
//! every other command uses).

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::anyhow;
use clap::Args;

use super::{CmdResult, Failure};
use crate::admin::SOCKET_NAME;

/// `bifrost top` flags.
#[derive(Debug, Args)]
pub struct TopArgs {}

/// Runs the dashboard until the user quits.
pub async fn run(_args: TopArgs, data_dir: PathBuf) -> CmdResult {
    let socket = data_dir.join(SOCKET_NAME);
    let Some(remote) = super::backend::server(&data_dir).await? else {
        return Err(Failure::Problem(anyhow!(
            "no bifrost server answers on {}; start one with `bifrost serve` (or pass --data-dir, or --url for a remote one)",
            socket.display()
        )));
    };
    let label = match super::backend::url() {
        Some(url) => url.to_string(),
        None => socket.display().to_string(),
    };
    crate::tui::run(Arc::new(remote), label)
        .await
        .map_err(|e| Failure::Problem(e.into()))
}
