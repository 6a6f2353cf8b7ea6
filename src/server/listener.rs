//! Accept loops for TCP clients and the local unix socket, HTTP/1.1 and h2c on the same
//! port, a header-read deadline against slow clients, and graceful shutdown: stop
//! accepting, let in-flight requests and streams finish within the grace period.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, UnixListener};
use tower::{Service, ServiceExt};

use super::{routes, Access, AppState};

/// A configured server, ready to run.
pub struct Server {
    tcp: TcpListener,
    unix: Option<UnixListener>,
    state: AppState,
    grace: Duration,
    header_read_timeout: Duration,
}

impl Server {
    /// Serves `state` on `tcp` (bind port 0 in tests and read [`Server::local_addr`]).
    pub fn new(tcp: TcpListener, state: AppState) -> Self {
        Server {
            tcp,
            unix: None,
            state,
            grace: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(10),
        }
    }

    /// Also serves the management socket for the local CLI.
    pub fn with_socket(mut self, unix: UnixListener) -> Self {
        self.unix = Some(unix);
        self
    }

    /// How long shutdown waits for in-flight requests.
    pub fn grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// How long a client may take to send its request headers.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// The bound TCP address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.tcp.local_addr()
    }

    /// Serves until `shutdown` resolves, then drains connections for up to the grace
    /// period. Returns once every connection has finished or the grace period is over.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> io::Result<()> {
        let mut builder = Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(self.header_read_timeout);
        builder.http2().timer(TokioTimer::new());
        // Settled spend goes to the store every second and once more at shutdown.
        self.state.gate().flush_into(
            self.state.admin().store().clone(),
            self.state.hooks().background(),
        );
        let network = routes(self.state.clone(), Access::Network);
        let loopback = routes(self.state.clone(), Access::Loopback);
        let local = routes(self.state.clone(), Access::LocalSocket);
        let graceful = GracefulShutdown::new();
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                accepted = self.tcp.accept() => match accepted {
                    Ok((stream, peer)) => {
                        // Small writes (SSE events) must leave at once.
                        let _ = stream.set_nodelay(true);
                        // A peer on this machine may scrape /metrics without a token.
                        let app = if peer.ip().to_canonical().is_loopback() {
                            &loopback
                        } else {
                            &network
                        };
                        spawn(&builder, &graceful, stream, with_peer(app.clone(), peer));
                    }
                    Err(e) => backoff(e).await,
                },
                accepted = accept_unix(self.unix.as_ref()) => match accepted {
                    Ok(stream) => spawn(&builder, &graceful, stream, local.clone()),
                    Err(e) => backoff(e).await,
                },
            }
        }
        drop(self.tcp);
        drop(self.unix);
        let deadline = tokio::time::Instant::now() + self.grace;
        if tokio::time::timeout_at(deadline, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!(
                grace_secs = self.grace.as_secs(),
                "shutdown grace period over; closing the remaining connections"
            );
        }
        // No request reports any more: the hooks' background work (queued log records,
        // spend not yet flushed) finishes within what is left of the grace period.
        let background = self.state.hooks().background();
        if tokio::time::timeout_at(deadline, background.stop_and_wait())
            .await
            .is_err()
        {
            tracing::warn!(
                grace_secs = self.grace.as_secs(),
                "shutdown grace period over; hooks' background work did not finish"
            );
        }
        Ok(())
    }
}

/// Records the client address on `/api` requests only, where the management guard
/// counts failed logins per address; inference requests skip the extension insert
/// (an allocation) and pay one prefix comparison.
fn with_peer(
    app: axum::Router,
    peer: SocketAddr,
) -> impl Service<
    Request<Incoming>,
    Response = axum::response::Response,
    Error = Infallible,
    Future: Send,
> + Clone
       + Send
       + 'static {
    app.map_request(move |mut request: Request<Incoming>| {
        if request.uri().path().starts_with("/api/") || request.uri().path() == "/metrics" {
            request.extensions_mut().insert(ConnectInfo(peer));
        }
        request
    })
}

fn spawn<I, S>(builder: &Builder<TokioExecutor>, graceful: &GracefulShutdown, io: I, app: S)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: Service<Request<Incoming>, Response = axum::response::Response, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let conn = builder
        .serve_connection_with_upgrades(TokioIo::new(io), TowerToHyperService::new(app))
        .into_owned();
    let conn = graceful.watch(conn);
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(error = %e, "connection ended with an error");
        }
    });
}

async fn accept_unix(listener: Option<&UnixListener>) -> io::Result<tokio::net::UnixStream> {
    match listener {
        Some(l) => l.accept().await.map(|(s, _)| s),
        None => std::future::pending().await,
    }
}

/// Accept errors (e.g. out of file descriptors) are transient: log and pause briefly
/// instead of spinning.
async fn backoff(e: io::Error) {
    tracing::warn!(error = %e, "accept failed");
    tokio::time::sleep(Duration::from_millis(50)).await;
}
