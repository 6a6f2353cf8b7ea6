//! The forwarded OpenAI endpoints (Responses, images, speech, transcriptions,
//! moderations) and `/v1/rerank`, end to end against mock upstreams.

use std::sync::Arc;
use std::time::Duration;

use http::Method;
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::support::client::{call, post, send, Events};
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{MockUpstream, Reply};

#[tokio::test]
async fn responses_rewrite_only_the_model_and_answer_with_extra_fields() {
    let up = MockUpstream::always(Reply::Json {
        status: 200,
        body: json!({"id": "resp_1", "object": "response", "output": [],
                     "usage": {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}}),
        headers: vec![("x-request-id".into(), "up-req-9".into())],
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let body = r#"{"model":"up/gpt-4o","input":"hi","custom":{"x":1.50,"deep":[1e5]}}"#;
    let resp = call(
        Method::POST,
        &gw.url("/v1/responses"),
        &[
            ("content-type", "application/json"),
            ("x-request-id", "cli-1"),
        ],
        body,
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let answer = resp.json();
    assert_eq!(answer["id"], "resp_1");
    assert_eq!(answer["extra_fields"]["request_type"], "responses");
    assert_eq!(answer["extra_fields"]["provider"], "up");
    assert_eq!(answer["extra_fields"]["model_resolved"], "gpt-4o");
    assert_eq!(resp.headers["x-request-id"], "cli-1");
    assert_eq!(resp.headers["x-upstream-request-id"], "up-req-9");
    let seen = &up.requests()[0];
    assert_eq!(seen.path, "/v1/responses");
    assert_eq!(seen.bearer(), Some("sk-up-1"));
    assert_eq!(seen.header("x-request-id"), Some("cli-1"));
    let raw = String::from_utf8(seen.raw_body.to_vec()).unwrap();
    assert_eq!(
        raw,
        r#"{"model":"gpt-4o","input":"hi","custom":{"x":1.50,"deep":[1e5]}}"#
    );
}

#[tokio::test]
async fn a_responses_stream_is_relayed_as_it_arrives() {
    let hold = Arc::new(Notify::new());
    let events = [
        "response.created",
        "response.output_text.delta",
        "response.completed",
    ]
    .iter()
    .map(|t| json!({"type": t}).to_string())
    .collect();
    let up = MockUpstream::always(Reply::Stream {
        events,
        gap: Duration::ZERO,
        done: false,
        hold_after_first: Some(hold.clone()),
        drop_after: None,
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let body = json!({"model": "up/gpt-4o", "input": "hi", "stream": true});
    let resp = send(
        Method::POST,
        &gw.url("/openai/v1/responses"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut events = Events::new(resp);
    // The upstream holds after its first event: seeing it proves nothing is buffered.
    let first: Value = serde_json::from_str(&events.next().await.unwrap()).unwrap();
    assert_eq!(first["type"], "response.created");
    hold.notify_one();
    let rest = events.rest().await;
    assert_eq!(rest.len(), 2, "{rest:?}");
    assert!(rest[1].contains("response.completed"));
    assert_eq!(up.requests()[0].body["stream"], true);
}

#[tokio::test]
async fn a_responses_stream_cut_off_ends_with_an_error_event() {
    let events = vec![json!({"type": "response.created"}).to_string(); 3];
    let up = MockUpstream::always(Reply::Stream {
        events,
        gap: Duration::ZERO,
        done: false,
        hold_after_first: None,
        drop_after: Some(1),
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let body = json!({"model": "up/gpt-4o", "input": "hi", "stream": true});
    let resp = post(&gw.url("/v1/responses"), &body).await;
    let text = resp.text();
    let (before, error) = text.split_once("event: error\ndata: ").expect(&text);
    assert!(before.contains("response.created"), "{text}");
    let error: Value = serde_json::from_str(error.trim()).unwrap();
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("provider `up`"));
    assert_eq!(error["extra_fields"]["request_type"], "responses");
}

#[tokio::test]
async fn images_and_moderations_are_forwarded() {
    let up = MockUpstream::start(|r| match r.path.as_str() {
        "/v1/images/generations" => {
            Reply::json(json!({"created": 1, "data": [{"b64_json": "aGk="}]}))
        }
        "/v1/moderations" => Reply::json(json!({"id": "modr-1", "results": [{"flagged": false}]})),
        _ => Reply::error(404, "nope"),
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let img = post(
        &gw.url("/v1/images/generations"),
        &json!({"model": "up/dall-e-3", "prompt": "a cat", "size": "1024x1024"}),
    )
    .await;
    assert_eq!(img.status, 200, "{}", img.text());
    assert_eq!(img.json()["data"][0]["b64_json"], "aGk=");
    assert_eq!(
        img.json()["extra_fields"]["request_type"],
        "image_generation"
    );
    let m = post(
        &gw.url("/openai/moderations"),
        &json!({"model": "up/omni-moderation-latest", "input": "x"}),
    )
    .await;
    assert_eq!(m.status, 200, "{}", m.text());
    assert_eq!(m.json()["results"][0]["flagged"], false);
    assert_eq!(m.json()["extra_fields"]["request_type"], "moderation");
    let seen = up.requests();
    assert_eq!(
        seen[0].body,
        json!({"model": "dall-e-3", "prompt": "a cat", "size": "1024x1024"})
    );
    assert_eq!(seen[1].body["model"], "omni-moderation-latest");
}

#[tokio::test]
async fn speech_returns_the_audio_bytes_and_content_type() {
    let audio: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let up = MockUpstream::always(Reply::Raw {
        status: 200,
        content_type: "audio/mpeg".into(),
        body: audio.clone(),
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let resp = post(
        &gw.url("/v1/audio/speech"),
        &json!({"model": "up/tts-1", "input": "hi", "voice": "alloy"}),
    )
    .await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.headers["content-type"], "audio/mpeg");
    assert!(resp.headers.contains_key("x-request-id"));
    assert_eq!(&resp.body[..], &audio[..]);
    assert_eq!(up.requests()[0].body["model"], "tts-1");
    assert_eq!(up.requests()[0].path, "/v1/audio/speech");
}

#[tokio::test]
async fn rerank_reaches_an_openai_compatible_upstream() {
    let up = MockUpstream::always(Reply::json(json!({
        "id": "rerank-1", "model": "bge", "usage": {"total_tokens": 9},
        "results": [{"index": 1, "relevance_score": 0.9, "document": {"text": "b"}},
                    {"index": 0, "relevance_score": 0.1}]
    })))
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let body = json!({"model": "up/bge", "query": "q", "documents": ["a", "b"], "top_n": 2, "truncate": true});
    let resp = post(&gw.url("/v1/rerank"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let answer = resp.json();
    assert_eq!(answer["results"][0]["index"], 1);
    assert_eq!(answer["usage"]["total_tokens"], 9);
    assert_eq!(answer["extra_fields"]["request_type"], "rerank");
    let seen = &up.requests()[0];
    assert_eq!(seen.path, "/v1/rerank");
    assert_eq!(
        seen.body,
        json!({"model": "bge", "query": "q", "documents": ["a", "b"], "top_n": 2, "truncate": true})
    );
}

#[tokio::test]
async fn a_key_refused_upstream_fails_over_to_the_next_key() {
    let up = MockUpstream::start(|r| match r.bearer() {
        Some("sk-good") => Reply::json(json!({"id": "resp_2"})),
        _ => Reply::error(401, "bad key"),
    })
    .await;
    let cfg = format!(
        "[providers.up]\ntype = \"openai-compatible\"\nbase_url = \"{}\"\n\
[[providers.up.keys]]\nname = \"bad\"\nvalue = \"sk-bad\"\nweight = 1000.0\n\
[[providers.up.keys]]\nname = \"good\"\nvalue = \"sk-good\"\nweight = 0.001\n",
        up.base_url()
    );
    let gw = Gateway::start(&cfg).await;
    let resp = post(
        &gw.url("/v1/responses"),
        &json!({"model": "up/m", "input": "x"}),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.json()["id"], "resp_2");
}
