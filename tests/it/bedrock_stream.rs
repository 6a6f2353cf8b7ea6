//! ConverseStream through the Bedrock drop-in route: the frames the gateway sends are
//! decoded with `aws-smithy-eventstream`'s own decoder, as the AWS SDKs decode them.

use std::sync::Arc;
use std::time::Duration;

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use aws_smithy_types::event_stream::{HeaderValue, Message};
use bytes::{Buf, BytesMut};
use http::Method;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::bedrock_route::{headers, hello};
use crate::support::client::send;
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{chat_chunk, finish_chunk, usage_chunk, MockUpstream, Reply};

/// Reads event-stream messages from a streaming body as they arrive.
struct Frames {
    body: Incoming,
    buf: BytesMut,
    decoder: MessageFrameDecoder,
}

impl Frames {
    fn new(resp: http::Response<Incoming>) -> Self {
        Frames {
            body: resp.into_body(),
            buf: BytesMut::new(),
            decoder: MessageFrameDecoder::new(),
        }
    }

    async fn next(&mut self) -> Option<Message> {
        loop {
            if let DecodedFrame::Complete(m) = self.decoder.decode_frame(&mut self.buf).unwrap() {
                return Some(m);
            }
            match self.body.frame().await {
                Some(f) => {
                    if let Ok(data) = f.unwrap().into_data() {
                        self.buf.extend_from_slice(data.chunk());
                    }
                }
                None => return None,
            }
        }
    }
}

fn header<'a>(m: &'a Message, name: &str) -> &'a str {
    m.headers()
        .iter()
        .find(|h| h.name().as_str() == name)
        .map(|h| match h.value() {
            HeaderValue::String(s) => s.as_str(),
            other => panic!("{name} is not a string: {other:?}"),
        })
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// `(event type, payload)`, checking the fixed headers.
fn event(m: &Message) -> (String, Value) {
    assert_eq!(header(m, ":message-type"), "event");
    assert_eq!(header(m, ":content-type"), "application/json");
    (
        header(m, ":event-type").to_string(),
        serde_json::from_slice(m.payload()).unwrap(),
    )
}

fn tool_chunk(call: Value) -> String {
    json!({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": "m",
           "choices": [{"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": null}]})
    .to_string()
}

#[tokio::test]
async fn converse_stream_sends_frames_as_chunks_arrive() {
    let hold = Arc::new(Notify::new());
    let events = vec![
        chat_chunk("m", "Let me "),
        chat_chunk("m", "check."),
        tool_chunk(json!({"index": 0, "id": "call_1", "type": "function",
                          "function": {"name": "get_weather", "arguments": ""}})),
        tool_chunk(json!({"index": 0, "function": {"arguments": "{\"city\":\"Paris\"}"}})),
        finish_chunk("m", "tool_calls"),
        usage_chunk("m", 20, 9),
    ];
    let up = MockUpstream::always(Reply::Stream {
        events,
        gap: Duration::ZERO,
        done: true,
        hold_after_first: Some(hold.clone()),
        drop_after: None,
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let resp = send(
        Method::POST,
        &gw.url("/bedrock/model/up%2Fm/converse-stream"),
        &headers(),
        serde_json::to_vec(&hello()).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"],
        "application/vnd.amazon.eventstream"
    );
    let mut frames = Frames::new(resp);
    // The upstream is blocked after its first chunk: these frames prove no buffering.
    let (kind, payload) = event(&frames.next().await.unwrap());
    assert_eq!(
        (kind.as_str(), payload),
        ("messageStart", json!({"role": "assistant"}))
    );
    let (kind, payload) = event(&frames.next().await.unwrap());
    assert_eq!(kind, "contentBlockDelta");
    assert_eq!(
        payload,
        json!({"contentBlockIndex": 0, "delta": {"text": "Let me "}})
    );
    hold.notify_one();
    let mut rest = Vec::new();
    while let Some(m) = frames.next().await {
        rest.push(event(&m));
    }
    let kinds: Vec<&str> = rest.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "contentBlockDelta",
            "contentBlockStop",
            "contentBlockStart",
            "contentBlockDelta",
            "contentBlockStop",
            "messageStop",
            "metadata"
        ]
    );
    assert_eq!(
        rest[2].1,
        json!({"contentBlockIndex": 1, "start": {"toolUse": {"toolUseId": "call_1", "name": "get_weather"}}})
    );
    assert_eq!(
        rest[3].1["delta"]["toolUse"]["input"],
        "{\"city\":\"Paris\"}"
    );
    assert_eq!(rest[5].1, json!({"stopReason": "tool_use"}));
    assert_eq!(
        rest[6].1["usage"],
        json!({"inputTokens": 20, "outputTokens": 9, "totalTokens": 29})
    );
    assert!(rest[6].1["metrics"]["latencyMs"].is_u64());
    assert_eq!(
        up.requests()[0].body["stream_options"]["include_usage"],
        true
    );
}

#[tokio::test]
async fn an_upstream_dying_mid_stream_ends_with_an_exception_frame() {
    let up = MockUpstream::always(Reply::Stream {
        events: vec![
            chat_chunk("m", "partial "),
            chat_chunk("m", "answer"),
            chat_chunk("m", "never"),
        ],
        gap: Duration::ZERO,
        done: true,
        hold_after_first: None,
        drop_after: Some(2),
    })
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let resp = send(
        Method::POST,
        &gw.url("/bedrock/model/up%2Fm/converse-stream"),
        &headers(),
        serde_json::to_vec(&hello()).unwrap(),
    )
    .await;
    let mut frames = Frames::new(resp);
    let mut all = Vec::new();
    while let Some(m) = frames.next().await {
        all.push(m);
    }
    let last = all.pop().unwrap();
    assert_eq!(header(&last, ":message-type"), "exception");
    assert_eq!(
        header(&last, ":exception-type"),
        "modelStreamErrorException"
    );
    let body: Value = serde_json::from_slice(last.payload()).unwrap();
    assert!(!body["message"].as_str().unwrap().is_empty());
    let kinds: Vec<String> = all.iter().map(|m| event(m).0).collect();
    assert!(!kinds.contains(&"messageStop".to_string()), "{kinds:?}");
    let text: String = all
        .iter()
        .filter_map(|m| event(m).1["delta"]["text"].as_str().map(str::to_string))
        .collect();
    assert_eq!(text, "partial answer");
}
