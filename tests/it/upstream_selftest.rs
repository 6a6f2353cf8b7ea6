//! Self-tests of the mock upstream (`support::upstream`), so that gateway tests
//! built on it can trust what it sends.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;

use crate::support::upstream::{chat_chunk, chat_completion, usage_chunk, MockUpstream, Reply};

/// Send one HTTP/1.1 request with `Connection: close` over a plain socket and
/// return everything the server sent before closing (errors such as a reset
/// end the read; what was read so far is returned).
async fn raw_post(addr: std::net::SocketAddr, path: &str, body: &str) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).await.expect("connect to mock");
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nAuthorization: Bearer sk-up\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.expect("write request");
    let mut out = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Err(_) => panic!(
                "mock did not close the connection within 10s; got {:?}",
                String::from_utf8_lossy(&out)
            ),
        }
    }
    out
}

#[tokio::test]
async fn upstream_json_reply_records_request_and_sends_huge_headers() {
    let big = "v".repeat(64 * 1024);
    let big2 = big.clone();
    let up = MockUpstream::start(move |req| {
        let mut headers: Vec<(String, String)> = (0..200)
            .map(|i| (format!("x-h-{i}"), i.to_string()))
            .collect();
        headers.push(("x-big".into(), big2.clone()));
        Reply::Json {
            status: 201,
            body: chat_completion(req.body["model"].as_str().unwrap_or("?"), "hello there"),
            headers,
        }
    })
    .await;
    assert!(up.base_url().starts_with("http://127.0.0.1:") && up.base_url().ends_with("/v1"));

    let out = raw_post(
        up.addr(),
        "/v1/chat/completions?x=1",
        r#"{"model":"gpt-4o","messages":[]}"#,
    )
    .await;
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.starts_with("HTTP/1.1 201"),
        "{}",
        &text[..text.len().min(200)]
    );
    assert!(text.contains("x-h-0: 0\r\n") && text.contains("x-h-199: 199\r\n"));
    assert!(text.contains(&format!("x-big: {big}\r\n")));
    assert!(text.contains("content-type: application/json"));
    let body_start = text.find("\r\n\r\n").expect("header end") + 4;
    let body: serde_json::Value = serde_json::from_str(&text[body_start..]).expect("JSON body");
    assert_eq!(body["choices"][0]["message"]["content"], "hello there");
    assert_eq!(body["model"], "gpt-4o");
    assert_eq!(body["usage"]["total_tokens"], 12);

    let reqs = up.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].path, "/v1/chat/completions");
    assert_eq!(reqs[0].query.as_deref(), Some("x=1"));
    assert_eq!(reqs[0].body, json!({"model": "gpt-4o", "messages": []}));
    assert_eq!(reqs[0].bearer(), Some("sk-up"));
}

#[tokio::test]
async fn upstream_stream_holds_after_first_event_unbuffered() {
    let hold = Arc::new(Notify::new());
    let events = vec![
        chat_chunk("m", "Hel"),
        chat_chunk("m", "lo"),
        usage_chunk("m", 3, 2),
    ];
    let up = MockUpstream::always(Reply::Stream {
        events: events.clone(),
        gap: Duration::from_millis(5),
        done: true,
        hold_after_first: Some(hold.clone()),
        drop_after: None,
    })
    .await;

    let stream = TcpStream::connect(up.addr()).await.expect("connect");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(conn);
    let req = hyper::Request::post(format!("{}/chat/completions", up.base_url()))
        .header("host", up.addr().to_string())
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(br#"{"stream":true}"#)))
        .expect("request");
    let resp = sender.send_request(req).await.expect("response");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut body = resp.into_body();

    let first = tokio::time::timeout(Duration::from_secs(5), body.frame())
        .await
        .expect("first event arrives while the rest is held")
        .expect("a frame")
        .expect("frame ok")
        .into_data()
        .expect("data frame");
    assert_eq!(first, Bytes::from(format!("data: {}\n\n", events[0])));
    // Nothing more until the test releases the hold.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), body.frame())
            .await
            .is_err()
    );

    hold.notify_one();
    let rest = tokio::time::timeout(Duration::from_secs(5), body.collect())
        .await
        .expect("rest in time")
        .expect("rest ok")
        .to_bytes();
    let rest = String::from_utf8_lossy(&rest);
    assert_eq!(
        rest,
        format!(
            "data: {}\n\ndata: {}\n\ndata: [DONE]\n\n",
            events[1], events[2]
        )
    );
    assert_eq!(up.requests()[0].body["stream"], true);
}

#[tokio::test]
async fn upstream_close_connection_drop_after_delay_and_shutdown() {
    let events: Vec<String> = (0..4)
        .map(|i| chat_chunk("m", &format!("part{i}")))
        .collect();
    let ev = events.clone();
    let up = MockUpstream::start(move |req| match req.path.as_str() {
        "/v1/close" => Reply::CloseConnection,
        "/v1/cut" => Reply::Stream {
            events: ev.clone(),
            gap: Duration::ZERO,
            done: true,
            hold_after_first: None,
            drop_after: Some(2),
        },
        "/v1/slow" => Reply::Raw {
            status: 502,
            content_type: "text/html".into(),
            body: b"<html>bad gateway</html>".to_vec(),
        }
        .delayed(Duration::from_millis(300)),
        _ => Reply::error(404, "no such path"),
    })
    .await;

    // CloseConnection: recorded, then the socket closes with no bytes at all.
    let out = raw_post(up.addr(), "/v1/close", r#"{"a":1}"#).await;
    assert!(
        out.is_empty(),
        "expected no response bytes, got {:?}",
        String::from_utf8_lossy(&out)
    );
    assert_eq!(up.requests()[0].path, "/v1/close");
    assert_eq!(up.requests()[0].body, json!({"a": 1}));

    // drop_after: two events, then the socket closes without [DONE] or the chunked terminator.
    let out = raw_post(up.addr(), "/v1/cut", "{}").await;
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(
        text.contains(&events[0]) && text.contains(&events[1]),
        "{text}"
    );
    assert!(
        !text.contains(&events[2]) && !text.contains("[DONE]"),
        "{text}"
    );
    assert!(
        !text.ends_with("0\r\n\r\n"),
        "stream must be cut, not terminated: {text}"
    );

    // Delay + Raw.
    let t = std::time::Instant::now();
    let out = raw_post(up.addr(), "/v1/slow", "").await;
    assert!(t.elapsed() >= Duration::from_millis(300));
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.starts_with("HTTP/1.1 502")
            && text.contains("text/html")
            && text.ends_with("<html>bad gateway</html>"),
        "{text}"
    );
    assert_eq!(up.requests().len(), 3);
    assert_eq!(up.requests()[2].body, serde_json::Value::Null);

    // Dropping the mock stops it: once its task is gone, the port refuses.
    let addr = up.addr();
    let stopped = up.stopped();
    drop(up);
    tokio::time::timeout(Duration::from_secs(10), stopped)
        .await
        .expect("the mock's server task ended after the drop");
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "mock still accepting after drop"
    );
}
