//! The real server, in-process, on 127.0.0.1:0 with its own temp data dir.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bifrost::config::FileConfig;
use bifrost::hooks::Pipeline;
use bifrost::server::{apply_file, AppState, Server};
use bifrost::store::Store;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running gateway; stopped when dropped.
pub struct Gateway {
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Gateway {
    /// Starts a gateway configured by `toml` (a bifrost.toml text).
    pub async fn start(toml: &str) -> Gateway {
        Gateway::start_with(toml, Pipeline::default()).await
    }

    /// Starts a gateway with hooks.
    pub async fn start_with(toml: &str, hooks: Pipeline) -> Gateway {
        Gateway::start_in(tempfile::tempdir().unwrap(), toml, hooks).await
    }

    /// Starts a new gateway on the data dir of `stopped` (shut down already), as a
    /// restart would.
    pub async fn restart(mut stopped: Gateway, toml: &str) -> Gateway {
        assert!(stopped.task.is_none(), "shut the gateway down first");
        let dir = tempfile::tempdir().unwrap();
        let kept = std::mem::replace(&mut stopped.dir, dir);
        drop(stopped);
        let _ = std::fs::remove_file(kept.path().join(bifrost::admin::SOCKET_NAME));
        Gateway::start_in(kept, toml, Pipeline::default()).await
    }

    async fn start_in(dir: tempfile::TempDir, toml: &str, hooks: Pipeline) -> Gateway {
        let config = FileConfig::parse(toml).unwrap_or_else(|p| panic!("bad test config: {p:?}"));
        let store = Store::open(dir.path()).unwrap();
        apply_file(&store, &config).unwrap();
        let state = AppState::new(
            Arc::new(store),
            config.client.clone(),
            config.admin.token.clone(),
            hooks,
            &config.pricing,
            &config.otel,
        )
        .unwrap();
        if let Some(url) = &config.governance.alert_webhook_url {
            state.send_alerts_to(url);
        }
        let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let socket =
            tokio::net::UnixListener::bind(dir.path().join(bifrost::admin::SOCKET_NAME)).unwrap();
        let server = Server::new(tcp, state.clone())
            .with_socket(socket)
            .grace(Duration::from_secs(config.server.shutdown_grace_secs))
            .header_read_timeout(Duration::from_secs(config.server.header_read_timeout_secs));
        let addr = server.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            server
                .run(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Gateway {
            addr,
            dir,
            state,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Begins a graceful shutdown and returns the task that ends when it is done.
    pub fn begin_shutdown(&mut self) -> JoinHandle<()> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        self.task.take().expect("gateway already stopped")
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

/// A config with one openai-compatible provider `up` at `base_url`, key `sk-up-1`.
pub fn one_upstream(base_url: &str) -> String {
    one_upstream_with_key(base_url, "sk-up-1")
}

/// A config with one openai-compatible provider `up` at `base_url` whose only key,
/// named `k`, has the value `key` (a literal or `env.VAR`).
pub fn one_upstream_with_key(base_url: &str, key: &str) -> String {
    format!(
        r#"
[providers.up]
type = "openai-compatible"
base_url = "{base_url}"
[[providers.up.keys]]
name = "k"
value = "{key}"
"#
    )
}
