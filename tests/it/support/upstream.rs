//! A mock upstream that speaks the OpenAI wire format, for integration tests.
//!
//! It is a bare hyper 1 server (not axum) so that it can misbehave the way real
//! upstreams do: drop the TCP connection before answering
//! ([`Reply::CloseConnection`]), cut a stream off mid-way
//! ([`Reply::Stream`] with `drop_after`), send huge or very many headers, hold a
//! stream after its first event until the test says go, or answer with HTML.
//!
//! ```ignore
//! let up = MockUpstream::start(|req| match req.path.as_str() {
//!     "/v1/chat/completions" => Reply::json(chat_completion("gpt-4o", "hi")),
//!     _ => Reply::status(404, json!({"error": {"message": "nope"}})),
//! })
//! .await;
//! // point the gateway at up.base_url() ("http://127.0.0.1:PORT/v1") ...
//! assert_eq!(up.requests()[0].body["model"], "gpt-4o");
//! ```
//!
//! Every request is recorded (method, path, headers, JSON body) *before* the
//! reply is produced, so a test can inspect what the gateway forwarded even when
//! the reply is a dropped connection. The server stops (and all its open
//! connections are closed) when the [`MockUpstream`] is dropped.
//!
//! Nothing here waits a fixed time for something to happen: a test that needs an
//! overlap or an order holds replies behind a [`Gate`] it opens itself, and the
//! `wait_for_*` helpers wake on the change they wait for rather than polling.
#![allow(dead_code)]

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::{HeaderMap, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::{JoinHandle, JoinSet};

/// One request the mock received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The URI path only, e.g. `/v1/chat/completions` (see `query`).
    pub path: String,
    /// The query string without the `?`, if any.
    pub query: Option<String>,
    pub headers: HeaderMap,
    /// The body parsed as JSON; `Value::Null` if empty or not JSON.
    pub body: Value,
    /// The body exactly as received.
    pub raw_body: Bytes,
}

impl Recorded {
    /// The value of header `name` (case-insensitive) as a str, if present and ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The bearer token from `Authorization: Bearer ...`, if any.
    pub fn bearer(&self) -> Option<&str> {
        self.header("authorization").and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
    }
}

/// What the mock answers to one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A JSON response. `headers` are appended as given (repeats allowed); a
    /// `content-type` among them replaces the default `application/json`.
    /// Names are lowercased; values may be huge (e.g. 64 KiB) — the mock does
    /// not limit what it sends.
    Json {
        status: u16,
        body: Value,
        headers: Vec<(String, String)>,
    },
    /// An SSE response (`text/event-stream`, chunked). Each item of `events` is
    /// the JSON text of one `data:` event, sent as `data: <text>\n\n`.
    Stream {
        events: Vec<String>,
        /// Pause before each event after the first.
        gap: Duration,
        /// Send a final `data: [DONE]` after the events.
        done: bool,
        /// Send the first event, then wait for this Notify before the rest.
        /// Use `notify_one()` (it stores a permit, so it works even if called
        /// before the mock reaches the wait).
        hold_after_first: Option<Arc<Notify>>,
        /// Close the connection abruptly after this many events (no `[DONE]`,
        /// no chunked terminator). `Some(0)` sends headers, then drops.
        drop_after: Option<usize>,
    },
    /// Wait, then send the inner reply (headers are delayed too). For a wait that
    /// another event must end (an overlap, an order), use [`Reply::Held`] instead.
    Delay(Duration, Box<Reply>),
    /// Send nothing until the gate opens, then the inner reply. A gate never
    /// opened makes an upstream that accepts a request and never answers it.
    Held(Gate, Box<Reply>),
    /// Arbitrary bytes with a given status and content type (HTML, garbage...).
    Raw {
        status: u16,
        content_type: String,
        body: Vec<u8>,
    },
    /// Arbitrary bytes sent as separate body chunks (binary streams such as AWS
    /// event-stream), optionally holding after the first chunk until notified, so a
    /// test can prove the gateway forwards what it has before the upstream finishes.
    Chunked {
        status: u16,
        content_type: String,
        chunks: Vec<Vec<u8>>,
        /// Send the first chunk, then wait for this Notify before the rest.
        hold_after_first: Option<Arc<Notify>>,
    },
    /// Read and record the request, then drop the TCP connection without
    /// sending any response bytes.
    CloseConnection,
}

impl Reply {
    /// `200` with a JSON body.
    pub fn json(body: Value) -> Reply {
        Reply::Json {
            status: 200,
            body,
            headers: Vec::new(),
        }
    }

    /// A JSON body with the given status.
    pub fn status(status: u16, body: Value) -> Reply {
        Reply::Json {
            status,
            body,
            headers: Vec::new(),
        }
    }

    /// An OpenAI-style error body: `{"error":{"message","type","param":null,"code"}}`.
    pub fn error(status: u16, message: &str) -> Reply {
        Reply::status(status, openai_error(status, message))
    }

    /// A well-behaved stream: the events, no gap, then `[DONE]`.
    pub fn stream(events: Vec<String>) -> Reply {
        Reply::Stream {
            events,
            gap: Duration::ZERO,
            done: true,
            hold_after_first: None,
            drop_after: None,
        }
    }

    /// This reply, sent after `d`.
    pub fn delayed(self, d: Duration) -> Reply {
        Reply::Delay(d, Box::new(self))
    }

    /// This reply, sent once `gate` is open.
    pub fn held(self, gate: &Gate) -> Reply {
        Reply::Held(gate.clone(), Box::new(self))
    }
}

/// A latch the test opens: replies held behind it ([`Reply::held`]) wait until
/// [`Gate::open`], and every reply held after that goes straight through. Clones
/// share one state.
#[derive(Debug, Clone)]
pub struct Gate(Arc<watch::Sender<bool>>);

impl Default for Gate {
    fn default() -> Self {
        Gate(Arc::new(watch::Sender::new(false)))
    }
}

impl Gate {
    /// A closed gate.
    pub fn new() -> Gate {
        Gate::default()
    }

    /// Lets every held reply, and every later one, through.
    pub fn open(&self) {
        self.0.send_replace(true);
    }

    /// Waits until the gate is open (at once if it already is).
    async fn passed(&self) {
        let mut open = self.0.subscribe();
        // The sender lives in `self`, so this cannot fail while we wait.
        let _ = open.wait_for(|open| *open).await;
    }
}

type Body = UnsyncBoxBody<Bytes, Infallible>;
type Responder = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync + 'static>;

/// A running mock upstream on `127.0.0.1:<ephemeral port>`.
pub struct MockUpstream {
    addr: SocketAddr,
    /// Every request so far; waiters subscribe to it.
    requests: Arc<watch::Sender<Vec<Recorded>>>,
    connections: Arc<Connections>,
    /// Closed when the server task is gone (its listener dropped).
    stopped: watch::Receiver<()>,
    task: JoinHandle<()>,
}

/// TCP connections the mock has accepted, and how many of them are still open.
struct Connections {
    accepted: AtomicUsize,
    /// Waiters subscribe to it.
    open: watch::Sender<usize>,
}

impl MockUpstream {
    /// Bind 127.0.0.1:0 and serve; `respond` decides the reply for each request
    /// (it is called after the request has been recorded).
    pub async fn start(
        respond: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
    ) -> MockUpstream {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("mock upstream: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("mock upstream: local_addr");
        let requests = Arc::new(watch::Sender::new(Vec::new()));
        let respond: Responder = Arc::new(respond);
        let reqs = requests.clone();
        let connections = Arc::new(Connections {
            accepted: AtomicUsize::new(0),
            open: watch::Sender::new(0),
        });
        let counts = connections.clone();
        let (alive, stopped) = watch::channel(());
        let task = tokio::spawn(async move {
            // Dropped together with the rest of the task (the listener with it), so
            // by the time `stopped` sees it gone, the port is closed.
            let _alive = alive;
            // Connections live in this JoinSet, so aborting the accept task
            // (on drop) aborts them too and closes their sockets.
            let mut conns = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let _ = stream.set_nodelay(true);
                        counts.accepted.fetch_add(1, Ordering::SeqCst);
                        counts.open.send_modify(|n| *n += 1);
                        let counts = counts.clone();
                        let served = serve_conn(stream, reqs.clone(), respond.clone());
                        conns.spawn(async move {
                            served.await;
                            counts.open.send_modify(|n| *n -= 1);
                        });
                    }
                    Some(_) = conns.join_next(), if !conns.is_empty() => {}
                }
            }
        });
        MockUpstream {
            addr,
            requests,
            connections,
            stopped,
            task,
        }
    }

    /// Start a mock that gives the same reply to every request.
    pub async fn always(reply: Reply) -> MockUpstream {
        MockUpstream::start(move |_| reply.clone()).await
    }

    /// `"http://127.0.0.1:PORT/v1"`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// `"http://127.0.0.1:PORT"` (no path).
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// All requests received so far, in order of arrival.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.borrow().clone()
    }

    /// How many requests have been received so far.
    pub fn request_count(&self) -> usize {
        self.requests.borrow().len()
    }

    /// Wait until at least `n` requests have arrived (panics after `timeout`,
    /// which only bounds a test that would otherwise hang).
    pub async fn wait_for_requests(&self, n: usize, timeout: Duration) -> Vec<Recorded> {
        let mut seen = self.requests.subscribe();
        let arrived = tokio::time::timeout(timeout, seen.wait_for(|got| got.len() >= n)).await;
        match arrived {
            Ok(Ok(got)) => got.clone(),
            _ => {
                let got = self.requests();
                panic!(
                    "mock upstream: expected {n} requests within {timeout:?}, got {}: {got:#?}",
                    got.len()
                )
            }
        }
    }

    /// A future that completes once the server has stopped: its task is gone and
    /// its listener closed. Take it before dropping the mock.
    pub fn stopped(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut alive = self.stopped.clone();
        async move {
            // `changed` fails only once the task has dropped the sender; it never
            // sends, so that is the one way out of this loop.
            while alive.changed().await.is_ok() {}
        }
    }
}

impl MockUpstream {
    /// TCP connections accepted so far.
    pub fn connections_accepted(&self) -> usize {
        self.connections.accepted.load(Ordering::SeqCst)
    }

    /// Wait until exactly `n` connections are open (the client closed the rest);
    /// panics after `timeout`, which only bounds a test that would otherwise hang.
    pub async fn wait_for_open_connections(&self, n: usize, timeout: Duration) {
        let mut open = self.connections.open.subscribe();
        if tokio::time::timeout(timeout, open.wait_for(|open| *open == n))
            .await
            .is_err()
        {
            let open = *self.connections.open.borrow();
            panic!(
                "mock upstream: expected {n} open connections within {timeout:?}, {open} are open"
            );
        }
    }
}

impl Drop for MockUpstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What a reply being built can do to its own connection.
struct Conn {
    /// Drops the connection: the client sees it closed with no (or a truncated)
    /// response.
    kill: Notify,
    /// Counts the flushes of the socket; see [`FlushCounter`].
    flushes: watch::Sender<u64>,
}

impl Conn {
    /// Waits until everything hyper has been handed so far (headers and body
    /// frames) is written to the socket.
    ///
    /// Hyper flushes its write buffer into the socket and calls the socket's
    /// `poll_flush` only once that buffer is empty; it flushes after every pass
    /// over the body. So the first flush to start after this call has written
    /// whatever was handed to hyper before it. (HTTP/1.1, which is what the
    /// gateway speaks to a plain-http upstream.)
    async fn flushed(&self) {
        let mut flushes = self.flushes.subscribe();
        // The sender lives in `self`, so this cannot fail while we wait.
        let _ = flushes.changed().await;
    }
}

/// The connection's socket, counting each `poll_flush` that hyper makes once its
/// buffer is written, so a reply can tell when what it sent has left the process.
struct FlushCounter {
    socket: TcpStream,
    conn: Arc<Conn>,
}

impl AsyncRead for FlushCounter {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_read(cx, buf)
    }
}

impl AsyncWrite for FlushCounter {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.socket).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.socket).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.socket.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let flushed = Pin::new(&mut self.socket).poll_flush(cx);
        if flushed.is_ready() {
            self.conn.flushes.send_modify(|n| *n += 1);
        }
        flushed
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.socket).poll_shutdown(cx)
    }
}

/// Serve one TCP connection until the client closes it or a reply asks for the
/// connection to be dropped (`kill`).
async fn serve_conn(
    stream: TcpStream,
    reqs: Arc<watch::Sender<Vec<Recorded>>>,
    respond: Responder,
) {
    let conn = Arc::new(Conn {
        kill: Notify::new(),
        flushes: watch::Sender::new(0),
    });
    let svc_conn = conn.clone();
    let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
        let reqs = reqs.clone();
        let respond = respond.clone();
        let conn = svc_conn.clone();
        async move {
            let rec = record(req).await;
            reqs.send_modify(|all| all.push(rec.clone()));
            let reply = respond(&rec);
            Ok::<_, Infallible>(build(reply, conn).await)
        }
    });
    let io = TokioIo::new(FlushCounter {
        socket: stream,
        conn: conn.clone(),
    });
    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    let served = builder.serve_connection(io, svc);
    tokio::select! {
        _ = served => {}
        // Dropping `served` drops the socket: the client sees the connection
        // closed with no (or a truncated) response.
        _ = conn.kill.notified() => {}
    }
}

async fn record(req: Request<Incoming>) -> Recorded {
    let (parts, body) = req.into_parts();
    let raw_body = match body.collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let body = serde_json::from_slice(&raw_body).unwrap_or(Value::Null);
    Recorded {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts.headers,
        body,
        raw_body,
    }
}

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

fn build(reply: Reply, conn: Arc<Conn>) -> BoxFuture<'static, Response<Body>> {
    async move {
        match reply {
            Reply::Delay(d, inner) => {
                tokio::time::sleep(d).await;
                build(*inner, conn).await
            }
            Reply::Held(gate, inner) => {
                gate.passed().await;
                build(*inner, conn).await
            }
            Reply::CloseConnection => {
                conn.kill.notify_one();
                std::future::pending::<Response<Body>>().await
            }
            Reply::Json { status, body, headers } => {
                let mut resp = Response::new(full(serde_json::to_vec(&body).expect("serialize JSON reply")));
                *resp.status_mut() = status_code(status);
                let h = resp.headers_mut();
                let has_ct = headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
                if !has_ct {
                    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                }
                for (k, v) in headers {
                    let name = HeaderName::from_bytes(k.to_ascii_lowercase().as_bytes())
                        .unwrap_or_else(|e| panic!("mock upstream: bad header name {k:?}: {e}"));
                    let value = HeaderValue::from_str(&v)
                        .unwrap_or_else(|e| panic!("mock upstream: bad header value for {k:?}: {e}"));
                    h.append(name, value);
                }
                resp
            }
            Reply::Raw { status, content_type, body } => {
                let mut resp = Response::new(full(body));
                *resp.status_mut() = status_code(status);
                resp.headers_mut().insert(
                    CONTENT_TYPE,
                    HeaderValue::from_str(&content_type).expect("mock upstream: bad content type"),
                );
                resp
            }
            Reply::Chunked { status, content_type, chunks, hold_after_first } => {
                let frames = async_stream::stream! {
                    for (i, chunk) in chunks.into_iter().enumerate() {
                        yield Ok::<_, Infallible>(Frame::data(Bytes::from(chunk)));
                        if i == 0 {
                            if let Some(hold) = &hold_after_first {
                                hold.notified().await;
                            }
                        }
                    }
                };
                let mut resp = Response::new(BodyExt::boxed_unsync(StreamBody::new(frames)));
                *resp.status_mut() = status_code(status);
                resp.headers_mut().insert(
                    CONTENT_TYPE,
                    HeaderValue::from_str(&content_type).expect("mock upstream: bad content type"),
                );
                resp
            }
            Reply::Stream { events, gap, done, hold_after_first, drop_after } => {
                let frames = async_stream::stream! {
                    for (i, ev) in events.iter().enumerate() {
                        if drop_after == Some(i) {
                            break;
                        }
                        if i > 0 && !gap.is_zero() {
                            tokio::time::sleep(gap).await;
                        }
                        yield Ok::<_, Infallible>(Frame::data(Bytes::from(format!("data: {ev}\n\n"))));
                        if i == 0 {
                            if let Some(hold) = &hold_after_first {
                                hold.notified().await;
                            }
                        }
                    }
                    if drop_after.is_some() {
                        // Once what was sent has reached the socket, drop it
                        // without the chunked terminator.
                        conn.flushed().await;
                        conn.kill.notify_one();
                        std::future::pending::<()>().await;
                    }
                    if done {
                        yield Ok(Frame::data(Bytes::from_static(b"data: [DONE]\n\n")));
                    }
                };
                let mut resp = Response::new(BodyExt::boxed_unsync(StreamBody::new(frames)));
                let h = resp.headers_mut();
                h.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
                h.insert("cache-control", HeaderValue::from_static("no-cache"));
                resp
            }
        }
    }
    .boxed()
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status)
        .unwrap_or_else(|_| panic!("mock upstream: invalid status {status}"))
}

// ---------------------------------------------------------------------------
// Canned OpenAI-format payloads.
// ---------------------------------------------------------------------------

const CREATED: u64 = 1_700_000_000;

/// Token count the helpers report for a completion: its whitespace-separated
/// words, at least 1.
pub fn word_tokens(text: &str) -> u32 {
    (text.split_whitespace().count() as u32).max(1)
}

/// A realistic `chat.completion` object with one assistant choice
/// (`finish_reason: "stop"`) and usage `prompt_tokens: 10`,
/// `completion_tokens: word_tokens(content)`.
pub fn chat_completion(model: &str, content: &str) -> Value {
    chat_completion_with_usage(model, content, 10, word_tokens(content))
}

/// [`chat_completion`] with explicit usage numbers.
pub fn chat_completion_with_usage(
    model: &str,
    content: &str,
    prompt: u32,
    completion: u32,
) -> Value {
    json!({
        "id": "chatcmpl-mock0123456789",
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "system_fingerprint": "fp_mock",
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": content, "refusal": null },
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": usage_json(prompt, completion),
        "service_tier": "default"
    })
}

/// One `chat.completion.chunk` JSON text whose single choice has
/// `delta: {"content": delta_content}` and `finish_reason: null`.
pub fn chat_chunk(model: &str, delta_content: &str) -> String {
    json!({
        "id": "chatcmpl-mock0123456789",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
        "system_fingerprint": "fp_mock",
        "choices": [{
            "index": 0,
            "delta": { "content": delta_content },
            "logprobs": null,
            "finish_reason": null
        }]
    })
    .to_string()
}

/// The chunk that ends a choice: empty delta, `finish_reason` set (e.g. "stop").
pub fn finish_chunk(model: &str, finish_reason: &str) -> String {
    json!({
        "id": "chatcmpl-mock0123456789",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
        "system_fingerprint": "fp_mock",
        "choices": [{ "index": 0, "delta": {}, "logprobs": null, "finish_reason": finish_reason }]
    })
    .to_string()
}

/// The final chunk sent with `stream_options.include_usage`: empty `choices`
/// and a `usage` object.
pub fn usage_chunk(model: &str, prompt: u32, completion: u32) -> String {
    json!({
        "id": "chatcmpl-mock0123456789",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
        "system_fingerprint": "fp_mock",
        "choices": [],
        "usage": usage_json(prompt, completion)
    })
    .to_string()
}

/// The events of a typical stream of `content` split into `parts` (a chunk per
/// part, then a finish chunk, then a usage chunk with `prompt_tokens: 10`). Feed
/// to [`Reply::stream`], which adds `[DONE]`.
pub fn chat_stream_events(model: &str, parts: &[&str]) -> Vec<String> {
    let mut events: Vec<String> = parts.iter().map(|p| chat_chunk(model, p)).collect();
    events.push(finish_chunk(model, "stop"));
    events.push(usage_chunk(model, 10, word_tokens(&parts.concat())));
    events
}

/// An embeddings `list` with `n` vectors of `dims` floats each (deterministic
/// values), model `text-embedding-3-small`, usage `prompt_tokens = total_tokens = 2n`.
pub fn embeddings_response(n: usize, dims: usize) -> Value {
    let data: Vec<Value> = (0..n)
        .map(|i| {
            let v: Vec<f64> = (0..dims)
                .map(|j| ((i * dims + j) % 1000) as f64 / 1000.0 - 0.5)
                .collect();
            json!({ "object": "embedding", "index": i, "embedding": v })
        })
        .collect();
    json!({
        "object": "list",
        "data": data,
        "model": "text-embedding-3-small",
        "usage": { "prompt_tokens": 2 * n, "total_tokens": 2 * n }
    })
}

/// A `/v1/models` list with the given ids, `owned_by: "mock"`.
pub fn models_list(ids: &[&str]) -> Value {
    json!({
        "object": "list",
        "data": ids.iter().map(|id| json!({
            "id": id, "object": "model", "created": CREATED, "owned_by": "mock"
        })).collect::<Vec<_>>()
    })
}

/// An OpenAI-style error body.
pub fn openai_error(status: u16, message: &str) -> Value {
    let (ty, code) = match status {
        400 => ("invalid_request_error", Value::Null),
        401 => ("invalid_request_error", json!("invalid_api_key")),
        403 => ("permission_denied", Value::Null),
        404 => ("invalid_request_error", json!("model_not_found")),
        429 => ("rate_limit_exceeded", json!("rate_limit_exceeded")),
        _ => ("server_error", Value::Null),
    };
    json!({ "error": { "message": message, "type": ty, "param": null, "code": code } })
}

fn usage_json(prompt: u32, completion: u32) -> Value {
    json!({
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": { "cached_tokens": 0, "audio_tokens": 0 },
        "completion_tokens_details": {
            "reasoning_tokens": 0, "audio_tokens": 0,
            "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0
        }
    })
}

/// A `chat.completion` answering with one `get_weather` call for Paris (`call_1`).
pub fn weather_tool_call(model: &str) -> Value {
    json!({
        "id": "chatcmpl-tools", "object": "chat.completion", "created": CREATED, "model": model,
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
            "role": "assistant", "content": null,
            "tool_calls": [{"id": "call_1", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]
        }}],
        "usage": {"prompt_tokens": 20, "completion_tokens": 5, "total_tokens": 25}
    })
}

/// The OpenAI-format upstream the SDK tests share: model `limited` answers 429; model
/// `tools` calls `get_weather`, then answers "It is {tool result} in Paris" once the
/// result comes back; a stream is "Hello from the gateway" in three chunks; anything
/// else is that text whole.
pub fn sdk_scenario(r: &Recorded) -> Reply {
    let body = &r.body;
    match body["model"].as_str() {
        Some("limited") => Reply::error(429, "slow down"),
        Some("tools") => {
            let messages = body["messages"].as_array().cloned().unwrap_or_default();
            match messages.iter().find(|m| m["role"] == "tool") {
                Some(result) => {
                    let said = result["content"].as_str().unwrap_or("");
                    Reply::json(chat_completion("tools", &format!("It is {said} in Paris")))
                }
                None => Reply::json(weather_tool_call("tools")),
            }
        }
        _ if body["stream"] == true => Reply::stream(chat_stream_events(
            "chat",
            &["Hello ", "from the ", "gateway"],
        )),
        _ => Reply::json(chat_completion("chat", "Hello from the gateway")),
    }
}
