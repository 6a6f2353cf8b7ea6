//! `/v1/audio/transcriptions` (a multipart form in, the model field rewritten) and the
//! 400 every forwarded endpoint answers on a provider that does not offer it.

use bytes::Bytes;
use http::Method;
use serde_json::json;

use crate::support::client::{call, post};
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{MockUpstream, Reply};

/// A multipart form: text fields, then one file part.
fn form(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let b = "client-boundary-42";
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    out.extend_from_slice(format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.wav\"\r\nContent-Type: audio/wav\r\n\r\n").as_bytes());
    out.extend_from_slice(file);
    out.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), out)
}

/// The parts of a multipart body: (name, filename, content type, bytes).
async fn parts(
    content_type: &str,
    body: Bytes,
) -> Vec<(String, Option<String>, Option<String>, Bytes)> {
    let boundary = multer::parse_boundary(content_type).unwrap();
    let source = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut form = multer::Multipart::new(source, boundary);
    let mut out = Vec::new();
    while let Some(f) = form.next_field().await.unwrap() {
        let name = f.name().unwrap_or_default().to_string();
        let file = f.file_name().map(str::to_string);
        let ct = f.content_type().map(|m| m.to_string());
        out.push((name, file, ct, f.bytes().await.unwrap()));
    }
    out
}

#[tokio::test]
async fn a_transcription_form_arrives_with_the_model_rewritten_and_the_file_intact() {
    let up = MockUpstream::always(Reply::json(json!({"text": "hello"}))).await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let audio: Vec<u8> = (0..=255u8).rev().cycle().take(3000).collect();
    let (ct, body) = form(&[("model", "up/whisper-1"), ("language", "en")], &audio);
    let resp = call(
        Method::POST,
        &gw.url("/v1/audio/transcriptions"),
        &[("content-type", &ct)],
        body,
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.json()["text"], "hello");
    assert_eq!(resp.json()["extra_fields"]["request_type"], "transcription");
    let seen = &up.requests()[0];
    assert_eq!(seen.path, "/v1/audio/transcriptions");
    let got = parts(seen.header("content-type").unwrap(), seen.raw_body.clone()).await;
    assert_eq!(got.len(), 3);
    assert_eq!(
        (got[0].0.as_str(), &got[0].3[..]),
        ("model", &b"whisper-1"[..])
    );
    assert_eq!((got[1].0.as_str(), &got[1].3[..]), ("language", &b"en"[..]));
    assert_eq!(got[2].0, "file");
    assert_eq!(got[2].1.as_deref(), Some("clip.wav"));
    assert_eq!(got[2].2.as_deref(), Some("audio/wav"));
    assert_eq!(&got[2].3[..], &audio[..]);
}

#[tokio::test]
async fn a_provider_without_the_endpoint_answers_400_naming_both() {
    let gw = Gateway::start("[providers.mocky]\ntype = \"mock\"\n").await;
    // `/v1/responses` is served for every provider (translated), so it is not here.
    let json_calls = [
        (
            "/v1/images/generations",
            "image_generation",
            "/v1/images/generations",
        ),
        ("/v1/audio/speech", "speech", "/v1/audio/speech"),
        ("/v1/moderations", "moderation", "/v1/moderations"),
        ("/v1/rerank", "rerank", "rerank"),
    ];
    for (path, request_type, named) in json_calls {
        let body = json!({"model": "mocky/m", "input": "x", "prompt": "x", "query": "q", "documents": ["a"]});
        let resp = post(&gw.url(path), &body).await;
        assert_eq!(resp.status, 400, "{path}: {}", resp.text());
        let msg = resp.error_message();
        assert!(
            msg.contains("`mocky`") && msg.contains(named),
            "{path}: {msg}"
        );
        assert_eq!(resp.json()["extra_fields"]["request_type"], request_type);
    }
    let (ct, body) = form(&[("model", "mocky/whisper")], b"RIFF");
    let resp = call(
        Method::POST,
        &gw.url("/v1/audio/transcriptions"),
        &[("content-type", &ct)],
        body,
    )
    .await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(
        resp.error_message().contains("/v1/audio/transcriptions"),
        "{}",
        resp.text()
    );
    assert_eq!(resp.json()["extra_fields"]["request_type"], "transcription");
}
