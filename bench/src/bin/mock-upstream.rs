//! mock-upstream: an OpenAI-wire-format upstream for load tests.
//!
//! `mock-upstream --port P [--delay-ms D]` answers `POST` to any path ending
//! in `/chat/completions` with a fixed, realistic non-streaming
//! `chat.completion` JSON after an optional delay; a request whose body asks for
//! `"stream":true` gets the same reply as a server-sent event stream of eight
//! content chunks, a usage chunk and `[DONE]`. The delay is a tokio
//! timer, so thousands of concurrent delayed requests cost almost nothing.
//! Prints `listening on 127.0.0.1:PORT` once it accepts connections.

use std::convert::Infallible;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bifrost_bench::{announce, bind_loopback, num_arg, parse_args, response, serve};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response};

const USAGE: &str = "usage: mock-upstream --port P [--delay-ms D]
  --port P      TCP port on 127.0.0.1 (0 = pick a free one; the bound port is printed)
  --delay-ms D  wait D milliseconds before answering each completion (default 0)";

fn completion_body() -> Bytes {
    let created = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Bytes::from(format!(
        concat!(
            r#"{{"id":"chatcmpl-bench0000000000000000000001","object":"chat.completion","#,
            r#""created":{created},"model":"bench-model","#,
            r#""choices":[{{"index":0,"message":{{"role":"assistant","#,
            r#""content":"Hello! I'm a mock upstream used for benchmarking. "#,
            r#"This reply has a fixed size so that every request costs the same to relay.","#,
            r#""refusal":null}},"logprobs":null,"finish_reason":"stop"}}],"#,
            r#""usage":{{"prompt_tokens":9,"completion_tokens":27,"total_tokens":36}},"#,
            r#""system_fingerprint":"fp_bench"}}"#
        ),
        created = created
    ))
}

/// The streamed reply: eight content chunks, then a chunk with the usage (as an
/// upstream sends when asked for `stream_options.include_usage`), then `[DONE]`.
fn stream_body() -> Bytes {
    const WORDS: [&str; 8] = [
        "Hello!", " I'm", " a mock", " upstream", " used for", " benchmarking", " streams", ".",
    ];
    let head = r#"data: {"id":"chatcmpl-bench0000000000000000000001","object":"chat.completion.chunk","created":1700000000,"model":"bench-model","system_fingerprint":"fp_bench","choices":"#;
    let mut out = String::new();
    for (i, word) in WORDS.iter().enumerate() {
        let role = if i == 0 { r#""role":"assistant","# } else { "" };
        out.push_str(&format!(
            "{head}[{{\"index\":0,\"delta\":{{{role}\"content\":\"{word}\"}},\"logprobs\":null,\"finish_reason\":null}}]}}\n\n"
        ));
    }
    out.push_str(&format!(
        "{head}[{{\"index\":0,\"delta\":{{}},\"logprobs\":null,\"finish_reason\":\"stop\"}}],\"usage\":{{\"prompt_tokens\":9,\"completion_tokens\":8,\"total_tokens\":17}}}}\n\n"
    ));
    out.push_str("data: [DONE]\n\n");
    Bytes::from(out)
}

#[tokio::main]
async fn main() {
    let args = parse_args(USAGE, &["port", "delay-ms"]);
    let port: u16 = num_arg(&args, "port", None, USAGE);
    let delay_ms: u64 = num_arg(&args, "delay-ms", Some(0), USAGE);
    let delay = Duration::from_millis(delay_ms);
    let body = completion_body();
    let streamed = stream_body();

    let listener = bind_loopback(port).unwrap_or_else(|e| {
        eprintln!("mock-upstream: cannot bind 127.0.0.1:{port}: {e}");
        std::process::exit(1);
    });
    if let Err(e) = announce(&listener) {
        eprintln!("mock-upstream: cannot write to stdout: {e}");
        std::process::exit(1);
    }

    serve(listener, move |req: Request<Incoming>| {
        let (body, streamed) = (body.clone(), streamed.clone());
        async move { Ok::<_, Infallible>(handle(req, body, streamed, delay).await) }
    })
    .await
}

async fn handle(
    req: Request<Incoming>,
    body: Bytes,
    streamed: Bytes,
    delay: Duration,
) -> Response<Full<Bytes>> {
    let is_completion =
        req.method() == Method::POST && req.uri().path().ends_with("/chat/completions");
    let is_health = req.method() == Method::GET && req.uri().path() == "/health";
    // Drain the request body so the connection stays reusable.
    let Ok(request) = req.into_body().collect().await else {
        return response(400, "text/plain", Bytes::from_static(b"bad request body\n"));
    };
    if is_completion {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let needle = b"\"stream\":true";
        let request = request.to_bytes();
        if request.windows(needle.len()).any(|w| w == needle) {
            return response(200, "text/event-stream", streamed);
        }
        response(200, "application/json", body)
    } else if is_health {
        response(200, "text/plain", Bytes::from_static(b"ok\n"))
    } else {
        response(
            404,
            "application/json",
            Bytes::from_static(
                br#"{"error":{"message":"mock-upstream only serves POST .../chat/completions","type":"invalid_request_error","param":null,"code":"not_found"}}"#,
            ),
        )
    }
}
