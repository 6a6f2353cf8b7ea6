//! `bifrost serve`: flags over environment over config file over defaults.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::{CmdResult, Failure};
use crate::admin::SOCKET_NAME;
use crate::config::{FileConfig, SecretValue};
use crate::hooks::Pipeline;
use crate::server::{apply_file, AppState, Server};
use crate::store::Store;

/// Flags of `bifrost serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to bind (default 127.0.0.1: only this machine can connect).
    #[arg(long, env = "BIFROST_HOST")]
    pub host: Option<String>,
    /// Port to listen on (default 8080; 0 picks a free one).
    #[arg(long, env = "BIFROST_PORT")]
    pub port: Option<u16>,
    /// Config file (bifrost.toml).
    #[arg(long, env = "BIFROST_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log filter, e.g. `info` or `bifrost=debug` (RUST_LOG also works).
    #[arg(long, value_name = "FILTER")]
    pub log_level: Option<String>,
    /// Log format.
    #[arg(long, value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,
}

/// How logs are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Runs the gateway until SIGINT or SIGTERM.
pub fn run(args: ServeArgs, data_dir: PathBuf) -> CmdResult {
    init_logging(args.log_level.as_deref(), args.log_format);
    let config = match &args.config {
        Some(path) => FileConfig::load(path).map_err(|e| Failure::Usage(e.into()))?,
        None => FileConfig::default(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(args, config, data_dir))
}

async fn serve(args: ServeArgs, config: FileConfig, data_dir: PathBuf) -> CmdResult {
    let host = args.host.unwrap_or_else(|| config.server.host.clone());
    let port = args.port.unwrap_or(config.server.port);
    let store = {
        let dir = data_dir.clone();
        let file = config.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<Store> {
            let store = Store::open(&dir)?;
            apply_file(&store, &file)?;
            Ok(store)
        })
        .await
        .context("store task failed")??
    };
    let store = Arc::new(store);
    let admin_token = config.admin.token.clone().or_else(|| {
        std::env::var_os("BIFROST_ADMIN_TOKEN")
            .map(|_| SecretValue::Env("BIFROST_ADMIN_TOKEN".into()))
    });
    let tcp = tokio::net::TcpListener::bind((host.as_str(), port))
        .await
        .map_err(|e| {
            Failure::Usage(anyhow::anyhow!(
                "cannot listen on {host}:{port}: {e}; pick another --port or stop what is using it"
            ))
        })?;
    let addr = tcp.local_addr().context("cannot read the bound address")?;
    // Unset, a virtual key is required exactly when the gateway is reachable from
    // other machines: no anonymous path to a model on a public address.
    let mut client = config.client.clone();
    let enforce = *client
        .enforce_auth_on_inference
        .get_or_insert(!addr.ip().is_loopback());
    let state = AppState::new(
        store,
        client,
        admin_token,
        Pipeline::default(),
        &config.pricing,
        &config.otel,
    )
    .context("cannot load providers and virtual keys from the store")?;
    if let Some(url) = &config.governance.alert_webhook_url {
        state.send_alerts_to(url);
    }
    let providers = state.router().snapshot().provider_count();
    let mut server = Server::new(tcp, state)
        .grace(Duration::from_secs(config.server.shutdown_grace_secs))
        .header_read_timeout(Duration::from_secs(
            config.server.header_read_timeout_secs.max(1),
        ));
    let socket = data_dir.join(SOCKET_NAME);
    match bind_socket(&socket) {
        Ok(listener) => server = server.with_socket(listener),
        Err(e) => {
            tracing::warn!(socket = %socket.display(), error = %e, "management socket unavailable; the CLI cannot reach this server while it runs")
        }
    }
    println!(
        "bifrost {} listening on http://{addr} (data dir {}, config {}, {providers} provider{})",
        env!("CARGO_PKG_VERSION"),
        data_dir.display(),
        args.config
            .as_deref()
            .map_or("none".to_string(), |p| p.display().to_string()),
        if providers == 1 { "" } else { "s" },
    );
    println!(
        "inference requests {} a virtual key (client.enforce_auth_on_inference = {enforce})",
        if enforce { "must present" } else { "may omit" }
    );
    server
        .run(shutdown_signal())
        .await
        .context("server failed")?;
    let _ = std::fs::remove_file(&socket);
    tracing::info!("stopped");
    Ok(())
}

/// Binds the management socket with mode 0600. A leftover file is removed first: we
/// hold the store's lock, so no other server can be using it.
fn bind_socket(path: &Path) -> std::io::Result<tokio::net::UnixListener> {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::remove_file(path);
    let listener = tokio::net::UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

fn init_logging(level: Option<&str>, format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = level
        .map(EnvFilter::new)
        .or_else(|| EnvFilter::try_from_default_env().ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
