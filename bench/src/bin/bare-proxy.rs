//! bare-proxy: the minimal hyper forwarding proxy — the floor any gateway pays.
//!
//! `bare-proxy --port P --upstream http://127.0.0.1:U` reads the whole request
//! body, forwards method, path+query, content-type and body to the upstream
//! over a pooled HTTP/1.1 keep-alive client, reads the whole response body and
//! returns status, content-type and body; an event stream (`text/event-stream`)
//! is relayed frame by frame instead. It never parses JSON.
//! Prints `listening on 127.0.0.1:PORT` once it accepts connections.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bifrost_bench::{announce, bind_loopback, die, num_arg, parse_args, response, serve};
use bytes::Bytes;
use http_body_util::{BodyExt, Either, Full};
use hyper::body::Incoming;
use hyper::header::CONTENT_TYPE;
use hyper::{Request, Response};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

const USAGE: &str = "usage: bare-proxy --port P --upstream http://127.0.0.1:U
  --port P          TCP port on 127.0.0.1 (0 = pick a free one; the bound port is printed)
  --upstream URL    base URL requests are forwarded to (http only; its path is prefixed)";

type HttpClient = Client<HttpConnector, Full<Bytes>>;

struct Proxy {
    client: HttpClient,
    /// Upstream base without a trailing slash, e.g. `http://127.0.0.1:9000`.
    base: String,
}

#[tokio::main]
async fn main() {
    let args = parse_args(USAGE, &["port", "upstream"]);
    let port: u16 = num_arg(&args, "port", None, USAGE);
    let upstream = args
        .get("upstream")
        .cloned()
        .unwrap_or_else(|| die(USAGE, "--upstream is required"));
    if !upstream.starts_with("http://") {
        die(USAGE, "--upstream must be an http:// URL");
    }
    let base = upstream.trim_end_matches('/').to_string();
    if base.parse::<hyper::Uri>().is_err() {
        die(
            USAGE,
            &format!("--upstream `{upstream}` is not a valid URL"),
        );
    }

    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_max_idle_per_host(usize::MAX)
        .build(connector);
    let proxy = Arc::new(Proxy { client, base });

    let listener = bind_loopback(port).unwrap_or_else(|e| {
        eprintln!("bare-proxy: cannot bind 127.0.0.1:{port}: {e}");
        std::process::exit(1);
    });
    if let Err(e) = announce(&listener) {
        eprintln!("bare-proxy: cannot write to stdout: {e}");
        std::process::exit(1);
    }

    serve(listener, move |req: Request<Incoming>| {
        let proxy = proxy.clone();
        async move { Ok::<_, Infallible>(forward(&proxy, req).await) }
    })
    .await
}

/// A buffered answer, or an upstream event stream relayed as it arrives.
type Reply = Response<Either<Full<Bytes>, Incoming>>;

fn bad_gateway(what: &str, err: impl std::fmt::Display) -> Reply {
    buffered(response(
        502,
        "text/plain",
        Bytes::from(format!("bare-proxy: {what}: {err}\n")),
    ))
}

fn buffered(resp: Response<Full<Bytes>>) -> Reply {
    resp.map(Either::Left)
}

async fn forward(proxy: &Proxy, req: Request<Incoming>) -> Reply {
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            return buffered(response(
                400,
                "text/plain",
                Bytes::from(format!("bad request body: {e}\n")),
            ))
        }
    };
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let mut builder = Request::builder()
        .method(parts.method)
        .uri(format!("{}{}", proxy.base, path));
    if let Some(ct) = parts.headers.get(CONTENT_TYPE) {
        builder = builder.header(CONTENT_TYPE, ct);
    }
    let upstream_req = match builder.body(Full::new(body)) {
        Ok(r) => r,
        Err(e) => return bad_gateway("building upstream request", e),
    };
    let upstream_resp = match proxy.client.request(upstream_req).await {
        Ok(r) => r,
        Err(e) => return bad_gateway("upstream request failed", e),
    };
    let (parts, body) = upstream_resp.into_parts();
    let streams = parts
        .headers
        .get(CONTENT_TYPE)
        .is_some_and(|ct| ct.as_bytes().starts_with(b"text/event-stream"));
    if streams {
        return Response::from_parts(parts, Either::Right(body));
    }
    let body = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return bad_gateway("reading upstream body", e),
    };
    let mut resp = Response::new(Full::new(body));
    *resp.status_mut() = parts.status;
    if let Some(ct) = parts.headers.get(CONTENT_TYPE) {
        resp.headers_mut().insert(CONTENT_TYPE, ct.clone());
    }
    buffered(resp)
}
