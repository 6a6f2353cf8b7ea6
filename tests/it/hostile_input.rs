//! Hostile input over real sockets, one test per route family: a seeded generator
//! sends a few hundred malformed requests (mutated bodies, lying or cut framing,
//! abusive headers) through raw TCP, and every answer must be a 4xx or a well-formed
//! answer from the upstream. Nothing may hang, a complete request always gets an
//! answer, the gateway still serves a valid request afterwards, and the process's RSS
//! grows by at most [`RSS_BOUND`] over the run.
//!
//! The upstream is a minimal OpenAI-format server defined here rather than
//! `MockUpstream`, which records every request and would grow the very RSS measured.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{stream, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_completion, chat_stream_events};

/// How much the process's RSS may grow over one family's run. Generous, since other
/// tests share the process and allocators keep freed memory; an unbounded buffer or a
/// leak per request (hundreds of requests of up to 1 MiB) would exceed it.
const RSS_BOUND: u64 = 64 * 1024 * 1024;
/// The longest any answer may take; only a hang comes near it (the body timeout is 1 s).
const ANSWER_WITHIN: Duration = Duration::from_secs(15);
/// Requests per family, and how many of them come before the RSS baseline.
const REQUESTS: usize = 300;
const WARM_UP: usize = 50;
const ADMIN_TOKEN: &str = "hostile-admin-token";

/// The six families share the process, so they run one at a time: each one's RSS
/// bound is then about its own run.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// xorshift64*: small, seeded, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// An OpenAI-format upstream answering every chat request with a valid answer (a
/// stream when asked), anything else with a 404.
async fn upstream() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let service = service_fn(|req: hyper::Request<hyper::body::Incoming>| async move {
                    let chat = req.uri().path().ends_with("/chat/completions");
                    let body = req.into_body().collect().await.map(|b| b.to_bytes());
                    let body: Value = body
                        .ok()
                        .and_then(|b| serde_json::from_slice(&b).ok())
                        .unwrap_or(Value::Null);
                    let response = hyper::Response::builder();
                    let response = if !chat {
                        response
                            .status(404)
                            .body(Full::new(Bytes::from_static(b"{}")))
                    } else if body["stream"] == true {
                        let mut sse = String::new();
                        for e in chat_stream_events("m", &["Hello", " there"]) {
                            sse.push_str(&format!("data: {e}\n\n"));
                        }
                        sse.push_str("data: [DONE]\n\n");
                        response
                            .header("content-type", "text/event-stream")
                            .body(Full::new(Bytes::from(sse)))
                    } else {
                        let answer = chat_completion("m", "Hello there").to_string();
                        response
                            .header("content-type", "application/json")
                            .body(Full::new(Bytes::from(answer)))
                    };
                    Ok::<_, std::convert::Infallible>(response.unwrap())
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), service)
                    .await;
            });
        }
    });
    addr
}

/// A gateway whose only provider, `up`, is the upstream above; 1 MiB body limit and
/// 1 s body timeout, so the framing cases end quickly.
async fn gateway() -> Gateway {
    let up = upstream().await;
    Gateway::start(&format!(
        r#"
[admin]
token = "{ADMIN_TOKEN}"
[client]
max_request_body_size_mb = 1
request_body_timeout_secs = 1
[server]
header_read_timeout_secs = 2
[providers.up]
type = "openai-compatible"
base_url = "http://{up}/v1"
[[providers.up.keys]]
name = "k"
value = "sk-up"
"#
    ))
    .await
}

/// One route family: its valid requests, which the generator mutates.
struct Family {
    /// `(method, path, body)`; an empty body is sent without one.
    valid: Vec<(&'static str, String, Value)>,
    /// Headers every request of the family carries (auth).
    headers: Vec<(&'static str, String)>,
    /// Requests that must succeed before and after the sweep; `valid` when empty.
    probes: Vec<(&'static str, String, Value)>,
}

fn chat_messages() -> Value {
    json!([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}])
}

fn family(name: &str) -> Family {
    let none = Vec::new();
    match name {
        "v1" => Family {
            valid: vec![
                (
                    "POST",
                    "/v1/chat/completions".into(),
                    json!({"model": "up/m", "messages": chat_messages()}),
                ),
                (
                    "POST",
                    "/v1/chat/completions".into(),
                    json!({"model": "up/m", "stream": true,
                    "stream_options": {"include_usage": true}, "messages": chat_messages(),
                    "tools": [{"type": "function", "function": {"name": "get", "parameters": {"type": "object"}}}]}),
                ),
            ],
            headers: none,
            probes: Vec::new(),
        },
        "anthropic" => Family {
            valid: vec![
                (
                    "POST",
                    "/anthropic/v1/messages".into(),
                    json!({"model": "up/m", "max_tokens": 16,
                    "system": "Be brief.", "messages": [{"role": "user", "content": "Hi"}]}),
                ),
                (
                    "POST",
                    "/anthropic/v1/messages".into(),
                    json!({"model": "up/m", "max_tokens": 16, "stream": true,
                    "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
                    "tools": [{"name": "get", "input_schema": {"type": "object"}}]}),
                ),
            ],
            headers: vec![("anthropic-version", "2023-06-01".into())],
            probes: Vec::new(),
        },
        "genai" => Family {
            valid: vec![
                (
                    "POST",
                    "/genai/v1beta/models/up/m:generateContent".into(),
                    json!({
                    "contents": [{"role": "user", "parts": [{"text": "Hi"}]}],
                    "systemInstruction": {"parts": [{"text": "Be brief."}]},
                    "generationConfig": {"maxOutputTokens": 16}}),
                ),
                (
                    "POST",
                    "/genai/v1beta/models/up/m:streamGenerateContent?alt=sse".into(),
                    json!({
                    "contents": [{"role": "user", "parts": [{"text": "Hi"}]}],
                    "tools": [{"functionDeclarations": [{"name": "get", "parameters": {"type": "OBJECT"}}]}]}),
                ),
            ],
            headers: none,
            probes: Vec::new(),
        },
        "bedrock" => Family {
            valid: vec![
                (
                    "POST",
                    "/bedrock/model/up%2Fm/converse".into(),
                    json!({
                    "messages": [{"role": "user", "content": [{"text": "Hi"}]}],
                    "system": [{"text": "Be brief."}], "inferenceConfig": {"maxTokens": 16}}),
                ),
                (
                    "POST",
                    "/bedrock/model/up%2Fm/converse-stream".into(),
                    json!({
                    "messages": [{"role": "user", "content": [{"text": "Hi"}]}],
                    "toolConfig": {"tools": [{"toolSpec": {"name": "get", "inputSchema": {"json": {"type": "object"}}}}]}}),
                ),
            ],
            headers: none,
            probes: Vec::new(),
        },
        "cohere" => Family {
            valid: vec![
                (
                    "POST",
                    "/cohere/v2/chat".into(),
                    json!({"model": "up/m", "messages": chat_messages()}),
                ),
                (
                    "POST",
                    "/cohere/v2/chat".into(),
                    json!({"model": "up/m", "stream": true, "messages": chat_messages()}),
                ),
            ],
            headers: none,
            probes: Vec::new(),
        },
        "api" => Family {
            valid: vec![
                (
                    "POST",
                    "/api/providers".into(),
                    json!({"provider": "fresh", "type": "openai-compatible",
                    "base_url": "http://127.0.0.1:9/v1",
                    "keys": [{"name": "main", "value": "sk-live-0123456789", "models": ["a", "b"], "weight": 1.0}],
                    "network_config": {"extra_headers": {"x-team": "ml"}}}),
                ),
                (
                    "PUT",
                    "/api/providers/up".into(),
                    json!({"provider": "up", "type": "openai-compatible",
                    "base_url": "http://127.0.0.1:9/v1", "keys": []}),
                ),
                (
                    "POST",
                    "/api/governance/teams".into(),
                    json!({"name": "team-a"}),
                ),
                ("GET", "/api/providers".into(), Value::Null),
            ],
            headers: vec![("authorization", format!("Bearer {ADMIN_TOKEN}"))],
            // Creating `fresh` again would be a 409.
            probes: vec![
                ("GET", "/api/providers".into(), Value::Null),
                ("GET", "/api/governance/teams".into(), Value::Null),
            ],
        },
        other => panic!("no family {other}"),
    }
}

/// One generated request and what it may get.
struct Case {
    what: String,
    bytes: Vec<u8>,
    /// Shut down the write side after sending (a client that went away).
    half_close: bool,
    /// The request is whole, so it must get an answer; otherwise a closed
    /// connection is a fine answer too.
    complete: bool,
}

fn head(method: &str, path: &str, headers: &[(&str, String)], extra: &str) -> String {
    let mut out = format!("{method} {path} HTTP/1.1\r\nhost: gw\r\nconnection: close\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(extra);
    out
}

/// A request with a correct `content-length`.
fn plain(
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    extra: &str,
    body: &[u8],
) -> Vec<u8> {
    let mut out = head(method, path, headers, extra).into_bytes();
    out.extend_from_slice(
        format!(
            "content-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(body);
    out
}

/// Every path of `v` (object keys and array indices).
fn paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                at.push(k.clone());
                out.push(at.clone());
                paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                at.push(i.to_string());
                out.push(at.clone());
                paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn at_mut<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, k| match v {
        Value::Object(m) => m.get_mut(k),
        Value::Array(a) => a.get_mut(k.parse::<usize>().ok()?),
        _ => None,
    })
}

/// A mutated copy of `body`: JSON-level (wrong types, huge strings, deep nesting,
/// odd numbers) or byte-level (flips, truncation, invalid UTF-8).
fn mutate(rng: &mut Rng, body: &Value) -> (String, Vec<u8>) {
    let mut v = body.clone();
    let mut all = Vec::new();
    paths(&v, &mut Vec::new(), &mut all);
    let path = if all.is_empty() {
        Vec::new()
    } else {
        rng.pick(&all).clone()
    };
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let kind = rng.below(9);
    let replacement: Option<(&str, Value)> = match kind {
        0 => Some((
            "wrong type",
            rng.pick(&[
                json!(null),
                json!(1),
                json!(-1.5e300),
                json!(true),
                json!([]),
                json!({}),
                json!("s"),
                json!([[{"a": null}]]),
            ])
            .clone(),
        )),
        1 => Some((
            "huge string",
            Value::String("\u{00e9}".repeat(rng.below(100_000) + 1)),
        )),
        2 => Some((
            "odd number",
            rng.pick(&[
                json!(18446744073709551615u64),
                json!(-9223372036854775808i64),
                json!(1e308),
                json!(-0.0),
            ])
            .clone(),
        )),
        3 => Some(("lone surrogate string", Value::Null)),
        _ => None,
    };
    if let Some((what, new)) = replacement {
        if let Some(slot) = at_mut(&mut v, &path) {
            *slot = new;
        }
        let mut text = serde_json::to_string(&v).unwrap();
        if kind == 3 {
            text = text.replacen("null", "\"\\ud800 x \\udfff\"", 1);
        }
        return (format!("{what} at {path:?}"), text.into_bytes());
    }
    let mut bytes = serde_json::to_vec(&v).unwrap();
    let what = match kind {
        4 => {
            for _ in 0..=rng.below(8) {
                let i = rng.below(bytes.len());
                bytes[i] = rng.next() as u8;
            }
            "byte flips"
        }
        5 => {
            bytes.truncate(rng.below(bytes.len()));
            "truncated"
        }
        6 => {
            // Deep nesting in place of a value: far past serde_json's recursion limit.
            let text = String::from_utf8(bytes).unwrap();
            let n = 1 + rng.below(20_000);
            bytes = text.replacen("\"Hi\"", &deep(n), 1).into_bytes();
            if !bytes.windows(2).any(|w| w == b"[[") {
                bytes = format!("{{\"a\": {}}}", deep(n)).into_bytes();
            }
            "deep nesting"
        }
        7 => {
            let i = rng.below(bytes.len());
            let bad: &[u8] = rng.pick::<&[u8]>(&[
                &b"\xff\xfe"[..],
                &b"\xc0\xaf"[..],
                &b"\xed\xa0\x80"[..],
                &b"\x00"[..],
                &b"\xf4\x90\x80\x80"[..],
            ]);
            bytes.splice(i..i, bad.iter().copied());
            "invalid UTF-8"
        }
        _ => {
            // Duplicate keys and an unknown field.
            let text = String::from_utf8(bytes).unwrap();
            bytes = text
                .replacen('{', "{\"model\": 1, \"\u{0}\": {\"x\": [1, {}]}, ", 1)
                .into_bytes();
            "duplicate and unknown keys"
        }
    };
    (what.to_string(), bytes)
}

fn generate(rng: &mut Rng, fam: &Family) -> Case {
    let (method, path, body) = rng.pick(&fam.valid);
    let headers = &fam.headers;
    let valid = if body.is_null() {
        Vec::new()
    } else {
        serde_json::to_vec(body).unwrap()
    };
    let complete = |what: String, bytes| Case {
        what,
        bytes,
        half_close: false,
        complete: true,
    };
    let cut = |what: &str, bytes| Case {
        what: what.to_string(),
        bytes,
        half_close: true,
        complete: false,
    };
    match rng.below(20) {
        // Mostly mutated bodies, correctly framed.
        0..=11 => {
            let (what, bytes) = mutate(rng, body);
            complete(what, plain(method, path, headers, "", &bytes))
        }
        12 => {
            // More than the 1 MiB limit: a 413, or a reset while still sending.
            let big = format!(
                "{{\"model\": \"up/m\", \"x\": \"{}\"}}",
                "a".repeat(1_200_000)
            );
            let mut c = cut(
                "over the body limit",
                plain(method, path, headers, "", big.as_bytes()),
            );
            c.half_close = false;
            c
        }
        13 => {
            // A content-length that promises more than comes, then the client leaves.
            let mut bytes = head(method, path, headers, "").into_bytes();
            bytes.extend_from_slice(
                format!("content-length: {}\r\n\r\n", valid.len() + 100).as_bytes(),
            );
            bytes.extend_from_slice(&valid);
            let mut c = cut("content-length longer than the body", bytes);
            // Sometimes the client stays: the body timeout must end it with a 408.
            if rng.below(4) == 0 {
                c.half_close = false;
                c.complete = true;
                c.what.push_str(", client waiting");
            }
            c
        }
        14 => {
            // A content-length shorter than the body: the rest is ignored.
            let mut bytes = head(method, path, headers, "").into_bytes();
            let short = rng.below(valid.len());
            bytes.extend_from_slice(format!("content-length: {short}\r\n\r\n").as_bytes());
            bytes.extend_from_slice(&valid);
            complete("content-length shorter than the body".into(), bytes)
        }
        15 => {
            // Chunked, cut off mid-way, or with a broken chunk size.
            let mut bytes =
                head(method, path, headers, "transfer-encoding: chunked\r\n\r\n").into_bytes();
            let half = valid.len() / 2;
            bytes.extend_from_slice(format!("{half:x}\r\n").as_bytes());
            bytes.extend_from_slice(&valid[..half]);
            if rng.below(2) == 0 {
                bytes.extend_from_slice(b"\r\nzz\r\n");
                cut("bad chunk size", bytes)
            } else {
                bytes.extend_from_slice(b"\r\n");
                cut("chunked body cut off", bytes)
            }
        }
        16 => {
            // Both framings, or two disagreeing lengths.
            let extra = if rng.below(2) == 0 {
                format!(
                    "transfer-encoding: chunked\r\ncontent-length: {}\r\n\r\n{:x}\r\n",
                    valid.len(),
                    valid.len()
                )
            } else {
                format!(
                    "content-length: {}\r\ncontent-length: 3\r\n\r\n",
                    valid.len()
                )
            };
            let mut bytes = head(method, path, headers, &extra).into_bytes();
            bytes.extend_from_slice(&valid);
            bytes.extend_from_slice(b"\r\n0\r\n\r\n");
            complete("conflicting framing".into(), bytes)
        }
        17 => {
            // Many headers.
            let n = rng.pick(&[50, 99, 150, 1000]);
            let extra: String = (0..*n).map(|i| format!("x-h-{i}: {i}\r\n")).collect();
            complete(
                format!("{n} headers"),
                plain(method, path, headers, &extra, &valid),
            )
        }
        18 => {
            // Oversized values of headers the gateway reads.
            let size = *rng.pick(&[8 * 1024, 64 * 1024, 512 * 1024]);
            let name = rng.pick(&[
                "x-request-id",
                "authorization",
                "content-encoding",
                "x-api-key",
                "anthropic-beta",
                "x-h",
            ]);
            let extra = format!("{name}: {}\r\n", "v".repeat(size));
            complete(
                format!("{name} of {size} bytes"),
                plain(method, path, headers, &extra, &valid),
            )
        }
        _ => {
            // Malformed header lines: bare CR or LF, NUL, no colon, a folded line,
            // non-ASCII bytes, an injected second request line.
            let extra: &str = rng.pick::<&str>(&[
                "x-request-id: a\rinjected: b\r\n",
                "x-h: a\0b\r\n",
                "no colon here\r\n",
                "x-h: a\r\n folded\r\n",
                "x-request-id: caf\u{e9}\r\n",
                "content-encoding: gzip, identity, x-unknown\r\n",
                "content-encoding: gzip\r\n",
                "x-h: a\nGET /api/providers HTTP/1.1\r\n",
                "bad name: v\r\n",
            ]);
            complete(
                format!("header line {extra:?}"),
                plain(method, path, headers, extra, &valid),
            )
        }
    }
}

/// A parsed answer: status, headers (lower-cased names) and de-chunked body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&raw[..line_end]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}

fn parse(raw: &[u8]) -> Result<Answer, String> {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("no complete head in {:?}", text(&raw[..raw.len().min(200)])))?;
    let head = text(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line in {head:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let rest = &raw[end + 4..];
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(rest).ok_or("a chunked body cut short")?
    } else {
        rest.to_vec()
    };
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// Sends `case` on a fresh connection and reads until the server closes it: `None`
/// for a connection closed (or reset) without an answer.
async fn send(addr: SocketAddr, case: &Case) -> Option<Vec<u8>> {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (mut rd, mut wr) = tcp.into_split();
    let bytes = case.bytes.clone();
    let half_close = case.half_close;
    // Written alongside the read: the gateway may answer (413) before it has read all.
    let writer = tokio::spawn(async move {
        if wr.write_all(&bytes).await.is_ok() && half_close {
            let _ = wr.shutdown().await;
        }
        wr
    });
    let mut out = Vec::new();
    let read = rd.read_to_end(&mut out).await;
    drop(writer.await);
    (read.is_ok() || !out.is_empty())
        .then_some(out)
        .filter(|o| !o.is_empty())
}

/// Why `answer` is not acceptable, if it is not: a 4xx, or a well-formed 2xx.
fn judge(answer: &Answer) -> Result<(), String> {
    let body = || String::from_utf8_lossy(&answer.body[..answer.body.len().min(300)]).into_owned();
    match answer.status {
        400..=499 => Ok(()),
        200..=299 => {
            let kind = answer.header("content-type").unwrap_or_default();
            if kind.starts_with("application/json") {
                let v: Value = serde_json::from_slice(&answer.body)
                    .map_err(|e| format!("2xx JSON that does not parse ({e}): {}", body()))?;
                if !v.is_object() || v.get("error").is_some() {
                    return Err(format!("2xx that is not an answer: {}", body()));
                }
            } else if kind.starts_with("text/event-stream") {
                let text = std::str::from_utf8(&answer.body).map_err(|_| "2xx stream not UTF-8")?;
                let mut events = 0;
                for data in text.lines().filter_map(|l| l.strip_prefix("data:")) {
                    let data = data.trim();
                    events += 1;
                    if data != "[DONE]" {
                        let v: Value = serde_json::from_str(data)
                            .map_err(|e| format!("stream event not JSON ({e}): {data}"))?;
                        if v.get("error").is_some() || v["type"] == "error" {
                            return Err(format!("stream ends in an error: {data}"));
                        }
                    }
                }
                if events == 0 {
                    return Err(format!("2xx stream without events: {}", body()));
                }
            } else if kind.starts_with("application/vnd.amazon.eventstream") {
                if answer.body.is_empty() || answer.body.windows(9).any(|w| w == b"exception") {
                    return Err("2xx event stream empty or with an exception".into());
                }
            } else {
                return Err(format!("2xx with content-type {kind:?}: {}", body()));
            }
            Ok(())
        }
        s => Err(format!("status {s}: {}", body())),
    }
}

fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

/// Every valid request of the family answers well.
async fn still_serving(addr: SocketAddr, fam: &Family) {
    let probes = if fam.probes.is_empty() {
        &fam.valid
    } else {
        &fam.probes
    };
    for (method, path, body) in probes {
        let bytes = if body.is_null() {
            Vec::new()
        } else {
            serde_json::to_vec(body).unwrap()
        };
        let case = Case {
            what: "valid".into(),
            bytes: plain(method, path, &fam.headers, "", &bytes),
            half_close: false,
            complete: true,
        };
        let raw = tokio::time::timeout(ANSWER_WITHIN, send(addr, &case)).await;
        let raw = raw
            .expect("a valid request hung")
            .expect("no answer to a valid request");
        let answer = parse(&raw).unwrap();
        assert!(
            (200..300).contains(&answer.status),
            "{method} {path}: {} {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
        judge(&answer).unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    }
}

/// Sends `cases` (8 at a time) and judges each answer: the status of an acceptable
/// one (`None` for a connection an incomplete request may find closed), or what is
/// wrong with it.
async fn run(addr: SocketAddr, cases: &[(usize, Case)]) -> Vec<Result<Option<u16>, String>> {
    stream::iter(cases)
        .map(|(i, case)| async move {
            let raw = match tokio::time::timeout(ANSWER_WITHIN, send(addr, case)).await {
                Err(_) => {
                    return Err(format!(
                        "#{i} {}: no answer within {ANSWER_WITHIN:?}",
                        case.what
                    ))
                }
                Ok(raw) => raw,
            };
            let outcome = match raw {
                None if case.complete => Err("closed without an answer".to_string()),
                None => Ok(None),
                Some(raw) => match parse(&raw) {
                    Err(e) if case.complete => Err(e),
                    Err(_) => Ok(None),
                    Ok(answer) => judge(&answer).map(|()| Some(answer.status)),
                },
            };
            outcome.map_err(|p| format!("#{i} {}: {p}", case.what))
        })
        .buffer_unordered(8)
        .collect()
        .await
}

async fn sweep(name: &str, seed: u64) {
    let _one = ONE_AT_A_TIME.lock().await;
    let gw = gateway().await;
    let fam = family(name);
    let mut rng = Rng(seed);
    let mut cases: Vec<(usize, Case)> = (0..REQUESTS)
        .map(|i| (i, generate(&mut rng, &fam)))
        .collect();
    let rest = cases.split_off(WARM_UP);

    // The baseline comes after the first requests have warmed up connection pools,
    // lazy statics and the allocator's arenas, so the bound is on growth, not on
    // the first use of each code path.
    still_serving(gw.addr, &fam).await;
    let mut outcomes = run(gw.addr, &cases).await;
    let before = rss_bytes();
    outcomes.extend(run(gw.addr, &rest).await);

    let problems: Vec<&str> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().err())
        .map(String::as_str)
        .collect();
    assert!(
        problems.is_empty(),
        "{name}: {} bad answers:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let statuses: Vec<u16> = outcomes.iter().filter_map(|o| *o.as_ref().ok()?).collect();
    let count = |range: std::ops::Range<u16>| statuses.iter().filter(|s| range.contains(s)).count();
    let (ok, refused) = (count(200..300), count(400..500));
    eprintln!(
        "{name}: {ok} answered, {refused} refused, {} closed",
        REQUESTS - statuses.len()
    );
    // A generator that only ever produced garbage (or only valid requests) tests little.
    assert!(
        ok >= 10 && refused >= 50,
        "{name}: {ok} answered and {refused} refused"
    );

    still_serving(gw.addr, &fam).await;
    let after = rss_bytes();
    eprintln!("{name}: RSS {} -> {} MiB", before >> 20, after >> 20);
    assert!(
        after <= before + RSS_BOUND,
        "{name}: RSS grew from {} MiB to {} MiB over {} hostile requests",
        before >> 20,
        after >> 20,
        rest.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_chat_survives_hostile_input() {
    sweep("v1", 0x5eed_0001).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anthropic_survives_hostile_input() {
    sweep("anthropic", 0x5eed_0002).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn genai_survives_hostile_input() {
    sweep("genai", 0x5eed_0003).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bedrock_survives_hostile_input() {
    sweep("bedrock", 0x5eed_0004).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cohere_survives_hostile_input() {
    sweep("cohere", 0x5eed_0005).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn management_api_survives_hostile_input() {
    sweep("api", 0x5eed_0006).await;
}
