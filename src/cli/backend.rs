//! Picks how the CLI reaches the store: through a running server's unix socket, or by
//! opening the file itself when no server holds it.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;

use bytes::Bytes;

use crate::admin::{AdminError, LocalAdmin, Management, RemoteAdmin, SOCKET_NAME};
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

/// Sends one `POST /v1/chat/completions` through the gateway's request pipeline: the
/// running server's, over the socket, or (no server) one run in-process on the store,
/// with default client settings. Returns the status and body.
pub async fn chat(
    data_dir: &Path,
    request_id: &str,
    body: Vec<u8>,
) -> anyhow::Result<(u16, Bytes)> {
    let socket = data_dir.join(SOCKET_NAME);
    if let Some(remote) = RemoteAdmin::connect(&socket).await {
        return remote
            .send(
                http::Method::POST,
                "/v1/chat/completions",
                Some(request_id),
                body,
            )
            .await
            .map_err(anyhow::Error::from);
    }
    let dir = data_dir.to_path_buf();
    let store = tokio::task::spawn_blocking(move || Store::open(&dir))
        .await
        .context("store task failed")??;
    let state = crate::server::AppState::new(
        Arc::new(store),
        crate::config::ClientConfig::default(),
        None,
        crate::hooks::Pipeline::default(),
        &Default::default(),
        &Default::default(),
    )
    .map_err(|e| anyhow::Error::from(AdminError::from(e)))?;
    Ok(crate::server::serve_one(&state, "/v1/chat/completions", request_id, body.into()).await)
}
