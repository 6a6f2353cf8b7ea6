//! Picks how the CLI reaches the store: a server elsewhere (`--url` / `BIFROST_URL`,
//! over HTTP(S) with an admin credential), the local server's unix socket, or the file
//! itself when no server holds it. Commands ask for a backend and never care which.
//!
//! The `--url` choice is recorded once per process by [`select`] (it is a fact of the
//! invocation, like the data dir), so command handlers keep taking only the data dir.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use anyhow::Context;
use bytes::Bytes;
use http::Method;

use super::login_store;
use crate::admin::settings::{LocalSettings, SettingsAdmin};
use crate::admin::{
    AdminAuth, AdminError, Credentials, Governance, LocalAdmin, LocalGovernance, LocalRouting,
    Management, RemoteAdmin, RemoteCredential, RoutingAdmin, SOCKET_NAME,
};
use crate::governance::SystemClock;
use crate::store::{Store, StoreError};

/// An admin token in the environment wins over a stored one (CI, scripts).
pub const TOKEN_ENV: &str = "BIFROST_ADMIN_TOKEN";

static URL: OnceLock<Option<String>> = OnceLock::new();

/// Records `--url` (or `BIFROST_URL`) for this process; called once by `cli::run`.
pub fn select(url: Option<String>) {
    let _ = URL.set(url.filter(|u| !u.trim().is_empty()));
}

/// The selected server URL, if any.
pub fn url() -> Option<&'static str> {
    URL.get().and_then(Option::as_deref)
}

/// The credential for `url`: `BIFROST_ADMIN_TOKEN`, else what `bifrost login` stored.
pub fn credential(url: &str) -> Option<RemoteCredential> {
    if let Some(t) = std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty()) {
        return Some(RemoteCredential::Token(t));
    }
    login_store::load(url).map(RemoteCredential::Token)
}

/// A client for the selected server: the `--url` one, or the local server's socket when
/// one answers. `None` when neither applies (no `--url`, no server running).
pub async fn server(data_dir: &Path) -> anyhow::Result<Option<RemoteAdmin>> {
    if let Some(url) = url() {
        let Some(credential) = credential(url) else {
            anyhow::bail!(
                "no admin credential for {url}: run `bifrost login --url {url}` (or export {TOKEN_ENV})"
            );
        };
        return Ok(Some(RemoteAdmin::over_http(url, Some(&credential))?));
    }
    Ok(RemoteAdmin::connect(&data_dir.join(SOCKET_NAME)).await)
}

async fn open_store(data_dir: &Path) -> anyhow::Result<Arc<Store>> {
    let dir = data_dir.to_path_buf();
    let store = tokio::task::spawn_blocking(move || Store::open(&dir))
        .await
        .context("store task failed")?;
    match store {
        Ok(store) => Ok(Arc::new(store)),
        Err(e @ StoreError::Locked(_)) => Err(anyhow::Error::new(e).context(format!(
            "no server answers on {} although the store is held; if a `bifrost serve` is starting, retry in a moment",
            data_dir.join(SOCKET_NAME).display()
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The provider management backend.
pub async fn connect(data_dir: &Path) -> anyhow::Result<Box<dyn Management>> {
    match server(data_dir).await? {
        Some(remote) => Ok(Box::new(remote)),
        None => Ok(Box::new(LocalAdmin::new(open_store(data_dir).await?, None))),
    }
}

/// The governance backend (virtual keys, teams, customers).
pub async fn connect_governance(data_dir: &Path) -> anyhow::Result<Box<dyn Governance>> {
    match server(data_dir).await? {
        Some(remote) => Ok(Box::new(remote)),
        None => Ok(Box::new(LocalGovernance::new(open_store(data_dir).await?))),
    }
}

/// The routing-rule backend.
pub async fn connect_routing(data_dir: &Path) -> anyhow::Result<Box<dyn RoutingAdmin>> {
    match server(data_dir).await? {
        Some(remote) => Ok(Box::new(remote)),
        None => Ok(Box::new(LocalRouting::new(
            open_store(data_dir).await?,
            None,
        ))),
    }
}

/// The `[client]` settings backend: the selected server's, or (none running) the store.
pub async fn connect_settings(data_dir: &Path) -> anyhow::Result<Box<dyn SettingsAdmin>> {
    match server(data_dir).await? {
        Some(remote) => Ok(Box::new(remote)),
        None => Ok(Box::new(LocalSettings::new(
            open_store(data_dir).await?,
            None,
        ))),
    }
}

/// The admin credential backend (tokens, the login).
pub async fn connect_credentials(data_dir: &Path) -> anyhow::Result<Box<dyn Credentials>> {
    match server(data_dir).await? {
        Some(remote) => Ok(Box::new(remote)),
        None => Ok(Box::new(AdminAuth::new(
            open_store(data_dir).await?,
            None,
            Arc::new(SystemClock),
            crate::hooks::Background::default(),
        )?)),
    }
}

/// Sends one request to the selected server (`--url` with its stored credential, or
/// the local socket) and returns the status and body whatever the status: for commands
/// that only make sense with a server running (`bifrost logs`, `bifrost top`).
pub async fn send(
    data_dir: &Path,
    method: Method,
    path: &str,
    body: Vec<u8>,
) -> anyhow::Result<(u16, Bytes)> {
    let Some(remote) = server(data_dir).await? else {
        anyhow::bail!(
            "no bifrost server runs on this data dir ({}); start `bifrost serve`, or name one with --url URL (or BIFROST_URL)",
            data_dir.display()
        );
    };
    Ok(remote.send(method, path, None, body).await?)
}

/// Sends one `POST /v1/chat/completions` through the gateway's request pipeline: the
/// selected server's, or (no server) one run in-process on the store, with default
/// client settings. Returns the status and body.
pub async fn chat(
    data_dir: &Path,
    request_id: &str,
    body: Vec<u8>,
) -> anyhow::Result<(u16, Bytes)> {
    if let Some(remote) = server(data_dir).await? {
        return remote
            .send(Method::POST, "/v1/chat/completions", Some(request_id), body)
            .await
            .map_err(anyhow::Error::from);
    }
    let store = open_store(data_dir).await?;
    let state = crate::server::AppState::new(
        store,
        crate::config::ClientConfig::default(),
        None,
        crate::hooks::Pipeline::default(),
        &Default::default(),
        &Default::default(),
    )
    .map_err(|e| anyhow::Error::from(AdminError::from(e)))?;
    Ok(crate::server::serve_one(&state, "/v1/chat/completions", request_id, body.into()).await)
}
