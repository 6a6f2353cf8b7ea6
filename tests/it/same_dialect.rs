//! Same dialect in, same dialect out, for the drop-in routes other than Anthropic's:
//! `/cohere/v2/chat` to a `cohere` provider and `/genai` generateContent to a `gemini`
//! provider forward the client's body as sent (Cohere: only `model` rewritten; Gemini:
//! not a byte changed, the model is in the path), with the provider's key in place of
//! the client's; answers and stream events come back byte for byte; a recording hook
//! still gets the usage; a cut stream ends with the route's own error event. The same
//! requests to a provider of another type are still translated.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bifrost::hooks::{Hook, Outcome, Pipeline, RequestInfo};
use http::Method;
use http_body_util::BodyExt;
use serde_json::Value;
use tokio::sync::Notify;

use crate::support::client::{call, send, Answer};
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_completion_with_usage, MockUpstream, Recorded, Reply};

/// Every outcome the hooks were told, with the route's name.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<(&'static str, Outcome)>>,
    added: Notify,
}

impl Recorder {
    /// The only outcome, once it has arrived (a stream's comes when its body ends).
    async fn one(&self) -> (&'static str, Outcome) {
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                let notified = self.added.notified();
                if let Some(o) = self.seen.lock().unwrap().first() {
                    return o.clone();
                }
                notified.await;
            }
        })
        .await
        .expect("an outcome")
    }
}

struct Probe(Arc<Recorder>);

impl Hook for Probe {
    fn on_complete(&self, info: &RequestInfo, outcome: &Outcome) {
        self.0
            .seen
            .lock()
            .unwrap()
            .push((info.route, outcome.clone()));
        self.0.added.notify_waiters();
    }

    fn wants_content(&self) -> bool {
        true
    }
}

/// A gateway with a `cohere` provider `co`, a `gemini` provider `gem` (both at `up`,
/// keys `co-provider` and `AIza-provider`) and an OpenAI-compatible `oa` at `other`,
/// recording outcomes in the returned recorder.
async fn gateway(up: &MockUpstream, other: &MockUpstream) -> (Gateway, Arc<Recorder>) {
    let rec = Arc::new(Recorder::default());
    let config = format!(
        r#"
[providers.co]
type = "cohere"
base_url = "{up}"
[[providers.co.keys]]
name = "k"
value = "co-provider"
[providers.gem]
type = "gemini"
base_url = "{up}"
[[providers.gem.keys]]
name = "k"
value = "AIza-provider"
[providers.oa]
type = "openai-compatible"
base_url = "{other}"
[[providers.oa.keys]]
name = "k"
value = "sk-oa"
"#,
        up = up.base_url(),
        other = other.base_url()
    );
    let gw = Gateway::start_with(&config, Pipeline::new(vec![Arc::new(Probe(rec.clone()))])).await;
    (gw, rec)
}

async fn openai_mock() -> MockUpstream {
    MockUpstream::always(Reply::json(chat_completion_with_usage("m", "Hello", 3, 2))).await
}

fn raw(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
    Reply::Raw {
        status: 200,
        content_type: content_type.into(),
        body: body.into(),
    }
}

/// POSTs `body` (text, so numbers keep the spelling a test gives them) with a client
/// credential that must not travel.
async fn post(gw: &Gateway, path: &str, body: &str) -> Answer {
    call(
        Method::POST,
        &gw.url(path),
        &[
            ("content-type", "application/json"),
            ("authorization", "Bearer client-secret"),
            ("x-goog-api-key", "client-secret"),
        ],
        body.to_string(),
    )
    .await
}

/// The one request `up` received, checked for the client's credential.
fn only_request(up: &MockUpstream) -> Recorded {
    let seen = up.requests();
    assert_eq!(seen.len(), 1);
    let r = seen[0].clone();
    for (name, value) in r.headers.iter() {
        assert!(
            !value.as_bytes().windows(13).any(|w| w == b"client-secret"),
            "the client's credential travelled in {name}"
        );
    }
    r
}

const COHERE_BODY: &str = r#"{"model":"co/command-a-03-2025","messages":[{"role":"user","content":"Hi"}],"documents":[{"id":"d1","data":{"text":"x"}}],"citation_options":{"mode":"FAST"},"safety_mode":"OFF","temperature":0.50,"a_field_from_next_year":{"x":1.50}}"#;

const COHERE_ANSWER: &[u8] = br#"{"id":"c1","finish_reason":"COMPLETE","message":{"role":"assistant","content":[{"type":"text","text":"Hello"}],"citations":[{"start":0,"end":5}]},"usage":{"billed_units":{"input_tokens":3,"output_tokens":4},"tokens":{"input_tokens":10.0,"output_tokens":5}}}"#;

#[tokio::test]
async fn cohere_provider_gets_v2_chat_as_sent_and_answers_untouched() {
    let up = MockUpstream::always(raw("application/json", COHERE_ANSWER.to_vec())).await;
    let other = openai_mock().await;
    let (gw, rec) = gateway(&up, &other).await;

    let resp = post(&gw, "/cohere/v2/chat", COHERE_BODY).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        &resp.body[..],
        COHERE_ANSWER,
        "the answer is the upstream's bytes"
    );
    assert!(resp.headers.contains_key("x-request-id"));

    let seen = only_request(&up);
    assert_eq!(seen.path, "/v1/chat");
    assert_eq!(seen.bearer(), Some("co-provider"));
    let expected = COHERE_BODY.replace("co/command-a-03-2025", "command-a-03-2025");
    assert_eq!(
        String::from_utf8_lossy(&seen.raw_body),
        expected,
        "only the model changes, numbers keep their spelling"
    );

    let (route, o) = rec.one().await;
    assert_eq!((route, o.status), ("cohere", 200));
    let usage = o.usage.expect("usage from the answer");
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (10, 5));
    let content = o.content.unwrap();
    assert_eq!(
        content.request.unwrap().to_value()["model"],
        "command-a-03-2025"
    );
    assert_eq!(content.response.unwrap().to_value()["id"], "c1");
}

fn cohere_events() -> String {
    [
        r#"{"type":"message-start","id":"c1","delta":{"message":{"role":"assistant"}}}"#,
        r#"{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"Hi"}}}}"#,
        r#"{"type":"message-end","delta":{"finish_reason":"COMPLETE","usage":{"tokens":{"input_tokens":6,"output_tokens":2}}}}"#,
    ]
    .iter()
    .map(|e| {
        let kind: Value = serde_json::from_str(e).unwrap();
        format!("event: {}\ndata: {e}\n\n", kind["type"].as_str().unwrap())
    })
    .collect()
}

/// The whole body of a streamed answer.
async fn stream_body(gw: &Gateway, path: &str, body: &str) -> (u16, String) {
    let headers = [("content-type", "application/json")];
    let resp = send(Method::POST, &gw.url(path), &headers, body.to_string()).await;
    let status = resp.status().as_u16();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn cohere_streams_pass_untouched_and_report_usage() {
    let sse = cohere_events();
    let up = MockUpstream::always(raw("text/event-stream", sse.clone())).await;
    let other = openai_mock().await;
    let (gw, rec) = gateway(&up, &other).await;
    let body =
        r#"{"model":"co/command-a","stream":true,"messages":[{"role":"user","content":"Hi"}]}"#;
    let (status, got) = stream_body(&gw, "/cohere/v2/chat", body).await;
    assert_eq!(status, 200);
    assert_eq!(got, sse, "events untouched");
    assert_eq!(only_request(&up).body["stream"], true);
    let (_, o) = rec.one().await;
    let usage = o.usage.expect("usage from message-end");
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (6, 2));
    let events = o.content.unwrap().response.unwrap().to_value();
    assert_eq!(events.as_array().map(Vec::len), Some(3));
}

/// An upstream that sends one event and then drops the connection.
fn cut_after_one(event: &str) -> Reply {
    Reply::Stream {
        events: vec![event.to_string(), event.to_string()],
        gap: Duration::ZERO,
        done: false,
        hold_after_first: None,
        drop_after: Some(1),
    }
}

#[tokio::test]
async fn a_cut_cohere_stream_ends_with_coheres_own_error_event() {
    let first = r#"{"type":"message-start","id":"c1","delta":{"message":{"role":"assistant"}}}"#;
    let up = MockUpstream::always(cut_after_one(first)).await;
    let other = openai_mock().await;
    let (gw, rec) = gateway(&up, &other).await;
    let body =
        r#"{"model":"co/command-a","stream":true,"messages":[{"role":"user","content":"Hi"}]}"#;
    let (status, got) = stream_body(&gw, "/cohere/v2/chat", body).await;
    assert_eq!(status, 200);
    assert!(got.starts_with(&format!("data: {first}\n\n")), "{got}");
    let last = got.trim_end().lines().last().unwrap();
    let end: Value = serde_json::from_str(last.strip_prefix("data: ").unwrap()).unwrap();
    assert_eq!(end["type"], "message-end");
    assert_eq!(end["delta"]["finish_reason"], "ERROR");
    assert!(got.contains("event: message-end\n"), "{got}");
    let (_, o) = rec.one().await;
    assert_eq!(o.error_type.as_deref(), Some("upstream_error"));
}

const GENAI_BODY: &str = r#"{"contents":[{"role":"user","parts":[{"text":"Hi"}]}],
  "safetySettings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_NONE"}],
  "generationConfig":{"temperature":0.50,"thinkingConfig":{"thinkingBudget":0}},
  "cachedContent":"cachedContents/abc","aFieldFromNextYear":{"x":1.50}}"#;

#[tokio::test]
async fn a_gemini_provider_gets_generate_content_as_sent_and_answers_untouched() {
    let answer = br#"{"candidates":[{"content":{"role":"model","parts":[{"text":"Hello"}]},"finishReason":"STOP","groundingMetadata":{"webSearchQueries":["q"]}}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1,"thoughtsTokenCount":2,"totalTokenCount":7},"modelVersion":"gemini-2.5-flash"}"#;
    let up = MockUpstream::always(raw("application/json", answer.to_vec())).await;
    let other = openai_mock().await;
    let (gw, rec) = gateway(&up, &other).await;

    let path = "/genai/v1beta/models/gem/gemini-2.5-flash:generateContent?key=client-secret";
    let resp = post(&gw, path, GENAI_BODY).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        &resp.body[..],
        &answer[..],
        "the answer is the upstream's bytes"
    );

    let seen = only_request(&up);
    assert_eq!(seen.path, "/v1/models/gemini-2.5-flash:generateContent");
    assert_eq!(seen.query, None, "the client's query stays here");
    assert_eq!(seen.header("x-goog-api-key"), Some("AIza-provider"));
    assert_eq!(
        &seen.raw_body[..],
        GENAI_BODY.as_bytes(),
        "not a byte changed"
    );

    let (route, o) = rec.one().await;
    assert_eq!(
        (route, o.status, o.model.as_deref()),
        ("genai", 200, Some("gemini-2.5-flash"))
    );
    let usage = o.usage.expect("usage from usageMetadata");
    assert_eq!(
        (
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens
        ),
        (4, 3, 7)
    );
}

#[tokio::test]
async fn gemini_streams_pass_untouched_to_the_adapters_own_url() {
    let sse = [
        r#"{"candidates":[{"content":{"role":"model","parts":[{"text":"Hel"}]}}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1}}"#,
        r#"{"candidates":[{"content":{"role":"model","parts":[{"text":"lo"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2,"totalTokenCount":6}}"#,
    ]
    .iter()
    .map(|e| format!("data: {e}\r\n\r\n"))
    .collect::<String>();
    let up = MockUpstream::always(raw("text/event-stream", sse.clone())).await;
    let other = openai_mock().await;
    let (gw, rec) = gateway(&up, &other).await;
    // The model id holds a `:` and a `?`: one escaped segment upstream, nothing more.
    let path = "/genai/v1/models/gem/tuned:v2%3Fx=1:streamGenerateContent?alt=json&key=k";
    let (status, got) = stream_body(&gw, path, GENAI_BODY).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got, sse, "events untouched");
    let seen = only_request(&up);
    assert_eq!(
        seen.path,
        "/v1/models/tuned%3Av2%3Fx%3D1:streamGenerateContent"
    );
    assert_eq!(
        seen.query.as_deref(),
        Some("alt=sse"),
        "the adapter's query only"
    );
    assert_eq!(&seen.raw_body[..], GENAI_BODY.as_bytes());
    let (_, o) = rec.one().await;
    let usage = o.usage.expect("usage from the last event");
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (4, 2));
}

#[tokio::test]
async fn a_cut_gemini_stream_ends_with_googles_error_shape() {
    let first = r#"{"candidates":[{"content":{"role":"model","parts":[{"text":"Hel"}]}}]}"#;
    let up = MockUpstream::always(cut_after_one(first)).await;
    let other = openai_mock().await;
    let (gw, _rec) = gateway(&up, &other).await;
    let path = "/genai/v1beta/models/gem/gemini-2.5-flash:streamGenerateContent?alt=sse";
    let (status, got) = stream_body(&gw, path, GENAI_BODY).await;
    assert_eq!(status, 200);
    assert!(got.starts_with(&format!("data: {first}\n\n")), "{got}");
    let last = got.trim_end().lines().last().unwrap();
    let end: Value = serde_json::from_str(last.strip_prefix("data: ").unwrap()).unwrap();
    assert!(end["error"]["code"].is_u64(), "{end}");
    assert!(end["error"]["status"].is_string(), "{end}");
}

/// The same bodies to an OpenAI-format provider are translated, as before.
#[tokio::test]
async fn other_provider_types_still_get_the_translation() {
    let up = MockUpstream::always(raw("application/json", b"{}".to_vec())).await;
    let other = openai_mock().await;
    let (gw, _rec) = gateway(&up, &other).await;

    let body = r#"{"model":"oa/m","messages":[{"role":"user","content":"Hi"}],"temperature":0.5}"#;
    let resp = post(&gw, "/cohere/v2/chat", body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.json()["message"]["content"][0]["text"], "Hello");

    let path = "/genai/v1beta/models/oa/m:generateContent";
    let genai = r#"{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}"#;
    let resp = post(&gw, path, genai).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        resp.json()["candidates"][0]["content"]["parts"][0]["text"],
        "Hello"
    );

    let seen = other.requests();
    assert_eq!(seen.len(), 2);
    for r in &seen {
        assert_eq!(r.path, "/v1/chat/completions");
        assert_eq!(r.bearer(), Some("sk-oa"));
        assert_eq!(r.body["model"], "m");
        assert_eq!(r.body["messages"][0]["content"], "Hi");
    }
    assert_eq!(up.request_count(), 0);
}

/// `/v1/chat/completions` keeps its decoded path (hooks, JSON repair, dropped
/// parameters need it) and passes the client's `openai-beta` to an OpenAI-format
/// upstream; an upstream of another format never sees it.
#[tokio::test]
async fn openai_beta_reaches_openai_format_upstreams_on_chat_completions() {
    let up = MockUpstream::always(raw("application/json", COHERE_ANSWER.to_vec())).await;
    let other = openai_mock().await;
    let (gw, _rec) = gateway(&up, &other).await;
    for model in ["oa/m", "co/command-a"] {
        let body =
            format!(r#"{{"model":"{model}","messages":[{{"role":"user","content":"Hi"}}]}}"#);
        let resp = call(
            Method::POST,
            &gw.url("/v1/chat/completions"),
            &[
                ("content-type", "application/json"),
                ("openai-beta", "assistants=v2"),
                ("x-request-id", "beta-1"),
            ],
            body,
        )
        .await;
        assert_eq!(resp.status, 200, "{model}: {}", resp.text());
        assert_eq!(resp.headers["x-request-id"], "beta-1");
        assert!(resp.json()["extra_fields"].is_object(), "{model}");
    }
    let seen = only_request(&other);
    assert_eq!(seen.header("openai-beta"), Some("assistants=v2"));
    assert_eq!(seen.header("x-request-id"), Some("beta-1"));
    assert_eq!(only_request(&up).header("openai-beta"), None);
}
