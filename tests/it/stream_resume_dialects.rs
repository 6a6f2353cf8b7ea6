//! A resumed stream's `extra_fields` (the `resumed_from` marker) on every dialect's
//! closing event: Anthropic's `message_delta`, Gemini's last chunk, Cohere's
//! `message-end`, Bedrock's `metadata` event and the Responses `response.completed`
//! response; the official SDKs still read each stream; and a stream that is neither
//! resumed nor governed carries no `extra_fields` at all.

use http::Method;
use serde_json::{json, Value};

use crate::bedrock_route::headers as aws_headers;
use crate::support::client::{call, post};
use crate::support::gateway::Gateway;
use crate::support::python::assert_pytest_async;
use crate::support::resume::{anthropic_events, config, cut_primary, openai_fallback};
use crate::support::upstream::{MockUpstream, Reply};

/// Alias `r`: `a/m`, continued by `b/m` when cut; `b/m` asked directly is not resumed.
const ALIAS: &str =
    "[models.r]\ntargets = [{ model = \"a/m\" }]\nfallbacks = [\"b/m\"]\nstream_resume = true\n";

async fn gateway() -> (Gateway, MockUpstream, MockUpstream) {
    let a = cut_primary().await;
    let b = openai_fallback(&["four"]).await;
    let gw = Gateway::start(&config(
        &a.base_url(),
        "openai-compatible",
        &b.base_url(),
        ALIAS,
    ))
    .await;
    (gw, a, b)
}

/// [`gateway`] with an Anthropic primary, so `/v1/responses` is translated (an
/// OpenAI-format primary would take it as is, and relay its own stream).
async fn responses_gateway() -> (Gateway, MockUpstream, MockUpstream) {
    let a = MockUpstream::always(Reply::Stream {
        events: anthropic_events(&["one ", "two ", "three ", "four"]),
        gap: std::time::Duration::ZERO,
        done: false,
        hold_after_first: None,
        drop_after: Some(5),
    })
    .await;
    let b = openai_fallback(&["four"]).await;
    let config = config(&a.base_url(), "openai-compatible", &b.base_url(), ALIAS).replacen(
        "type = \"openai-compatible\"",
        "type = \"anthropic\"",
        1,
    );
    (Gateway::start(&config).await, a, b)
}

/// The JSON of each SSE `data:` line.
fn data(text: &str) -> Vec<Value> {
    text.lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .filter(|d| *d != "[DONE]")
        .map(|d| serde_json::from_str(d).unwrap_or_else(|e| panic!("{e}: {d}")))
        .collect()
}

/// The one event of `events` of `kind` (the `type` member), or the last one.
fn of_type<'a>(events: &'a [Value], kind: &str) -> &'a Value {
    let found: Vec<&Value> = events.iter().filter(|e| e["type"] == kind).collect();
    assert_eq!(found.len(), 1, "one {kind} in {events:?}");
    found[0]
}

fn assert_marked(fields: &Value, what: &str) {
    assert_eq!(fields["resumed_from"]["provider"], "a", "{what}: {fields}");
    assert_eq!(fields["resumed_from"]["chars"], 14, "{what}: {fields}");
}

/// What each SSE route answers for `model` streamed.
async fn sse(gw: &Gateway, route: &str, model: &str) -> Vec<Value> {
    let prompt = json!([{"role": "user", "content": "x"}]);
    let (path, body) = match route {
        "anthropic" => (
            "/anthropic/v1/messages".to_string(),
            json!({"model": model, "max_tokens": 50, "stream": true, "messages": prompt}),
        ),
        "genai" => (
            format!("/genai/v1beta/models/{model}:streamGenerateContent?alt=sse"),
            json!({"contents": [{"role": "user", "parts": [{"text": "x"}]}]}),
        ),
        "cohere" => (
            "/cohere/v2/chat".to_string(),
            json!({"model": model, "stream": true, "messages": prompt}),
        ),
        _ => (
            "/v1/responses".to_string(),
            json!({"model": model, "stream": true, "input": "x"}),
        ),
    };
    let resp = post(&gw.url(&path), &body).await;
    assert_eq!(resp.status, 200, "{route}: {}", resp.text());
    data(&resp.text())
}

#[tokio::test]
async fn each_dialect_carries_the_resume_marker_on_its_closing_event() {
    let (gw, _a, _b) = gateway().await;
    let events = sse(&gw, "anthropic", "r").await;
    assert_marked(
        &of_type(&events, "message_delta")["extra_fields"],
        "anthropic",
    );
    let events = sse(&gw, "genai", "r").await;
    let last = events.last().unwrap();
    assert_eq!(last["candidates"][0]["finishReason"], "STOP", "{last}");
    assert_marked(&last["extra_fields"], "genai");
    let events = sse(&gw, "cohere", "r").await;
    assert_marked(&of_type(&events, "message-end")["extra_fields"], "cohere");
    let (responses, _ra, _rb) = responses_gateway().await;
    let events = sse(&responses, "responses", "r").await;
    let completed = of_type(&events, "response.completed");
    assert_marked(&completed["response"]["extra_fields"], "responses");
    // Bedrock's binary event stream: the member is in the `metadata` event's payload,
    // the last frame.
    let resp = call(
        Method::POST,
        &gw.url("/bedrock/model/r/converse-stream"),
        &aws_headers(),
        serde_json::to_vec(&json!({"messages": [{"role": "user", "content": [{"text": "x"}]}]}))
            .unwrap(),
    )
    .await;
    assert_eq!(resp.status, 200);
    let bytes = &resp.body[..];
    let at = |needle: &[u8]| bytes.windows(needle.len()).rposition(|w| w == needle);
    let metadata = at(b"metadata").expect("a metadata event");
    let marker = at(br#""extra_fields":{"resumed_from":{"#).expect("the marker");
    assert!(marker > metadata, "the marker is in the metadata event");
}

#[tokio::test]
async fn a_stream_neither_resumed_nor_governed_carries_no_extra_fields() {
    let (gw, _a, _b) = gateway().await;
    for route in ["anthropic", "genai", "cohere"] {
        let events = sse(&gw, route, "b/m").await;
        let text = serde_json::to_string(&events).unwrap();
        assert!(!text.contains("extra_fields"), "{route}: {text}");
    }
}

#[tokio::test]
async fn the_official_sdks_read_a_resumed_stream_with_the_marker() {
    let (gw, _a, _b) = gateway().await;
    let (responses, _ra, _rb) = responses_gateway().await;
    let out = assert_pytest_async(
        "test_stream_resume_dialects.py",
        &[
            ("BIFROST_URL", gw.url("")),
            ("BIFROST_RESPONSES_URL", responses.url("")),
            ("BIFROST_RESUME_MODEL", "r".into()),
            ("BIFROST_RESUME_TEXT", "one two three four".into()),
        ],
    )
    .await;
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("4 passed"), "{summary}");
}

/// A governed request's cost, the other `extra_fields` a stream carries, on the same
/// closing events.
#[tokio::test]
async fn each_dialect_carries_a_governed_streams_cost_on_its_closing_event() {
    const KEY: &str = "sk-bf-dialectcost0123456789abcdefghijklmnopq";
    let up = openai_fallback(&["hello", " world"]).await;
    let config = format!(
        "[providers.up]\ntype = \"openai-compatible\"\nbase_url = \"{}\"\n\
         [[providers.up.keys]]\nname = \"k\"\nvalue = \"sk-up\"\n\
         [pricing.\"up/m\"]\ninput_per_mtok = 1000000\noutput_per_mtok = 1000000\n\
         [governance.virtual_keys.ci]\nvalue = \"{KEY}\"\n\
         budget = {{ max_limit = 100000, reset_duration = \"1d\" }}\n",
        up.base_url()
    );
    let gw = Gateway::start(&config).await;
    let headers = [("content-type", "application/json"), ("x-bf-vk", KEY)];
    let prompt = json!([{"role": "user", "content": "x"}]);
    // Each route, and where its closing `extra_fields` are.
    type Closing = fn(&[Value]) -> &Value;
    let routes: [(&str, Value, Closing); 3] = [
        (
            "/anthropic/v1/messages",
            json!({"model": "up/m", "max_tokens": 50, "stream": true, "messages": prompt}),
            |events| &of_type(events, "message_delta")["extra_fields"],
        ),
        (
            "/genai/v1beta/models/up/m:streamGenerateContent?alt=sse",
            json!({"contents": [{"role": "user", "parts": [{"text": "x"}]}]}),
            |events| &events[events.len() - 1]["extra_fields"],
        ),
        (
            "/cohere/v2/chat",
            json!({"model": "up/m", "stream": true, "messages": prompt}),
            |events| &of_type(events, "message-end")["extra_fields"],
        ),
    ];
    for (path, body, closing) in routes {
        let resp = call(
            Method::POST,
            &gw.url(path),
            &headers,
            serde_json::to_vec(&body).unwrap(),
        )
        .await;
        assert_eq!(resp.status, 200, "{path}: {}", resp.text());
        let events = data(&resp.text());
        let fields = closing(&events);
        assert!(
            fields["cost"].as_f64().is_some_and(|c| c > 0.0),
            "{path}: {events:?}"
        );
        // Usage was reported: the cost is exact (the flag is left out).
        assert_ne!(fields["cost_estimated"], true, "{path}: {fields}");
        assert_eq!(fields["provider"], "up", "{path}: {fields}");
    }
}
