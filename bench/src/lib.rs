//! Shared helpers for the bench binaries: a std-only argument parser, a
//! loopback listener with a deep accept backlog, and the HTTP/1.1 accept loop.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpSocket};

/// Parses `--name value` pairs (and `--name=value`). Exits with a usage
/// message on anything else or on an option not in `allowed`.
pub fn parse_args(usage: &str, allowed: &[&str]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            println!("{usage}");
            std::process::exit(0);
        }
        let Some(stripped) = arg.strip_prefix("--") else {
            die(usage, &format!("unexpected argument `{arg}`"));
        };
        let (name, value) = match stripped.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => {
                let v = args
                    .next()
                    .unwrap_or_else(|| die(usage, &format!("--{stripped} needs a value")));
                (stripped.to_string(), v)
            }
        };
        if !allowed.contains(&name.as_str()) {
            die(usage, &format!("unknown option --{name}"));
        }
        out.insert(name, value);
    }
    out
}

/// Parses a numeric option, exiting with the usage message if it is malformed.
pub fn num_arg<T: std::str::FromStr>(
    args: &HashMap<String, String>,
    name: &str,
    default: Option<T>,
    usage: &str,
) -> T {
    match args.get(name) {
        Some(v) => v
            .parse()
            .unwrap_or_else(|_| die(usage, &format!("--{name}: `{v}` is not a valid number"))),
        None => default.unwrap_or_else(|| die(usage, &format!("--{name} is required"))),
    }
}

pub fn die(usage: &str, msg: &str) -> ! {
    eprintln!("error: {msg}\n\n{usage}");
    std::process::exit(2);
}

/// Binds 127.0.0.1:port (0 = any free port) with a deep listen backlog, so a
/// load tool opening thousands of connections at once is not throttled by
/// SYN retries. The kernel caps the backlog at net.core.somaxconn.
pub fn bind_loopback(port: u16) -> std::io::Result<TcpListener> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(65_535)
}

/// Prints the one readiness line scripts wait for, and flushes it.
pub fn announce(listener: &TcpListener) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {addr}")?;
    out.flush()
}

/// Accepts connections forever and serves each with HTTP/1.1 keep-alive.
/// Transient accept errors (e.g. out of file descriptors) are logged and
/// retried after a short pause instead of killing the process.
pub async fn serve<F, Fut, B>(listener: TcpListener, handler: F) -> !
where
    F: Fn(Request<Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<Response<B>, Infallible>> + Send + 'static,
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(conn) => conn,
            Err(e) => {
                eprintln!("accept error: {e}");
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(handler);
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// A plain response with the given status, content type and body.
pub fn response(status: u16, content_type: &str, body: Bytes) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(body));
    *resp.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::OK);
    if let Ok(v) = hyper::header::HeaderValue::from_str(content_type) {
        resp.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
    }
    resp
}
