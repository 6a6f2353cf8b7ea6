//! Picks how the CLI reaches the store: through a running server's unix socket, or by
//! opening the file itself when no server holds it.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;

use crate::admin::{LocalAdmin, Management, RemoteAdmin, SOCKET_NAME};
use crate::store::{Store, StoreError};

/// The management backend for `data_dir`.
pub async fn connect(data_dir: &Path) -> anyhow::Result<Box<dyn Management>> {
    let socket = data_dir.join(SOCKET_NAME);
    if let Some(remote) = RemoteAdmin::connect(&socket).await {
        return Ok(Box::new(remote));
    }
    let dir = data_dir.to_path_buf();
    let store = tokio::task::spawn_blocking(move || Store::open(&dir))
        .await
        .context("store task failed")?;
    match store {
        Ok(store) => Ok(Box::new(LocalAdmin::new(Arc::new(store), None))),
        Err(e @ StoreError::Locked(_)) => Err(anyhow::Error::new(e).context(format!(
            "no server answers on {} although the store is held; if a `bifrost serve` is starting, retry in a moment",
            socket.display()
        ))),
        Err(e) => Err(e.into()),
    }
}
