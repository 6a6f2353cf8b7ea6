//! Compressed request bodies: gzip, br and zstd are decoded before anything reads them,
//! the size limit holds for the decoded body (a decompression bomb is a 413), and an
//! unknown or lying `Content-Encoding` is refused saying so. The server goes on serving
//! after each.

use std::io::Write;

use http::Method;
use serde_json::{json, Value};

use crate::support::client::{call, post, Answer};
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{chat_completion, MockUpstream, Reply};

/// A 1 MiB body limit, so a bomb is cheap to build.
fn config(up: &MockUpstream) -> String {
    format!(
        "{}\n[client]\nmax_request_body_size_mb = 1\n",
        one_upstream(&up.base_url())
    )
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn brotli(data: &[u8]) -> Vec<u8> {
    // Quality 5: quality 11 (the default) takes seconds for 2 MiB in a debug build.
    let params = brotli::enc::BrotliEncoderParams {
        quality: 5,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &data[..], &mut out, &params).unwrap();
    out
}

fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 3).unwrap()
}

fn encode(coding: &str, data: &[u8]) -> Vec<u8> {
    match coding {
        "gzip" => gzip(data),
        "br" => brotli(data),
        "zstd" => zstd(data),
        other => panic!("no encoder for {other}"),
    }
}

fn chat(content: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "model": "up/m",
        "messages": [{"role": "user", "content": content}],
    }))
    .unwrap()
}

async fn send(gw: &Gateway, encoding: &str, body: Vec<u8>) -> Answer {
    call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &[
            ("content-type", "application/json"),
            ("content-encoding", encoding),
        ],
        body,
    )
    .await
}

async fn still_serving(gw: &Gateway) {
    let ok = post(
        &gw.url("/v1/chat/completions"),
        &json!({"model": "up/m", "messages": [{"role": "user", "content": "still"}]}),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
}

fn last_content(up: &MockUpstream) -> Value {
    let requests = up.requests();
    let last = requests.last().expect("the upstream got no request");
    // The upstream gets plain JSON, never the client's coding.
    assert_eq!(last.header("content-encoding"), None);
    last.body["messages"][0]["content"].clone()
}

#[tokio::test]
async fn gzip_br_and_zstd_bodies_are_decoded() {
    let up = MockUpstream::always(Reply::json(chat_completion("m", "hi"))).await;
    let gw = Gateway::start(&config(&up)).await;
    for coding in ["gzip", "br", "zstd", "GZIP", "identity"] {
        let content = format!("hello in {coding}");
        let body = match coding {
            "identity" => chat(&content),
            _ => encode(&coding.to_ascii_lowercase(), &chat(&content)),
        };
        let resp = send(&gw, coding, body).await;
        assert_eq!(resp.status, 200, "{coding}: {}", resp.text());
        assert_eq!(last_content(&up), content.as_str(), "{coding}");
    }
    // Past the part decoded inline (64 KiB), the rest is decoded off the async workers.
    let big = "lorem ipsum ".repeat(50_000);
    for coding in ["gzip", "br", "zstd"] {
        let resp = send(&gw, coding, encode(coding, &chat(&big))).await;
        assert_eq!(resp.status, 200, "{coding}: {}", resp.text());
        assert_eq!(last_content(&up), big.as_str(), "{coding}");
    }
}

#[tokio::test]
async fn a_body_that_inflates_past_the_limit_is_413() {
    let up = MockUpstream::always(Reply::json(chat_completion("m", "hi"))).await;
    let gw = Gateway::start(&config(&up)).await;
    // 2 MiB of JSON against a 1 MiB limit.
    let bomb = chat(&"a".repeat(2 << 20));
    for coding in ["gzip", "br", "zstd"] {
        let body = encode(coding, &bomb);
        assert!(body.len() < 4096, "{coding}: {} bytes", body.len());
        let resp = send(&gw, coding, body).await;
        assert_eq!(resp.status, 413, "{coding}: {}", resp.text());
        assert_eq!(resp.json()["error"]["code"], "request_too_large");
        let msg = resp.error_message();
        assert!(
            msg.contains("once decoded") && msg.contains("1 MiB"),
            "{msg}"
        );
        still_serving(&gw).await;
    }
    // Only the still-serving requests reached the upstream.
    assert_eq!(up.request_count(), 3);
}

#[tokio::test]
async fn a_body_that_is_not_its_declared_coding_is_400() {
    let up = MockUpstream::always(Reply::json(chat_completion("m", "hi"))).await;
    let gw = Gateway::start(&config(&up)).await;
    for coding in ["gzip", "br", "zstd"] {
        let resp = send(&gw, coding, chat("plain")).await;
        assert_eq!(resp.status, 400, "{coding}: {}", resp.text());
        assert_eq!(resp.json()["error"]["code"], "invalid_content_encoding");
        let msg = resp.error_message();
        assert!(
            msg.contains(&format!("does not decode as its Content-Encoding {coding}")),
            "{msg}"
        );
        still_serving(&gw).await;
    }
    // Cut off mid-stream.
    let whole = gzip(&chat("cut"));
    let resp = send(&gw, "gzip", whole[..whole.len() / 2].to_vec()).await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    still_serving(&gw).await;
}

#[tokio::test]
async fn an_unknown_coding_is_415() {
    let up = MockUpstream::always(Reply::json(chat_completion("m", "hi"))).await;
    let gw = Gateway::start(&config(&up)).await;
    for coding in ["lzma", "gzip, compress"] {
        let resp = send(&gw, coding, chat("x")).await;
        assert_eq!(resp.status, 415, "{coding}: {}", resp.text());
        assert_eq!(resp.json()["error"]["code"], "unsupported_content_encoding");
        let msg = resp.error_message();
        assert!(
            msg.contains("is not supported") && msg.contains("gzip, br or zstd"),
            "{msg}"
        );
        still_serving(&gw).await;
    }
    assert_eq!(up.request_count(), 2);
}
