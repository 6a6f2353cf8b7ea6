//! Answers that report no usage are billed a tokenizer estimate of the prompt and of
//! the text the client received (cl100k_base for a model named `m`), flagged
//! `cost_estimated`, on every route: relayed byte streams (legacy completions,
//! `/v1/responses` to an OpenAI-format upstream, and the same-dialect drop-in routes
//! `/anthropic`, `/genai`, `/cohere`, `/bedrock`), complete, cut by the upstream or
//! abandoned by the client, and whole JSON answers. Every priced answer of a virtual
//! key carries `x-bf-cost`.

use std::sync::Arc;
use std::time::Duration;

use bifrost::admin::Governance;
use bifrost::governance::tokens::{Encoding, TOKENS_PER_REPLY};
use bifrost::hooks::{Hook, Outcome, Pipeline, RequestInfo};
use http::Method;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tokio::sync::{mpsc, Notify};

use crate::responses_vendors::frame;
use crate::support::client::{call, send};
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_completion, MockUpstream, Reply};

const KEY: &str = "sk-bf-relayestimate0123456789abcdefghijklmn";

/// The Bedrock model every case routes to.
const BEDROCK_MODEL: &str = "anthropic.claude-3-5-sonnet-20240620-v1:0";

struct Outcomes(mpsc::UnboundedSender<Outcome>);

impl Hook for Outcomes {
    fn on_complete(&self, _info: &RequestInfo, outcome: &Outcome) {
        let _ = self.0.send(outcome.clone());
    }
}

/// A gateway with one provider of each type at `up`, each model `m` (and Bedrock's)
/// costing $1 per token either way, key `ci`, and the outcomes of its requests.
async fn gateway(up: &MockUpstream) -> (Gateway, mpsc::UnboundedReceiver<Outcome>) {
    let mut config = String::new();
    for (name, kind, key) in [
        ("oa", "openai-compatible", "sk-up"),
        ("an", "anthropic", "sk-ant"),
        ("gem", "gemini", "AIza-up"),
        ("co", "cohere", "co-up"),
    ] {
        config += &format!(
            "[providers.{name}]\ntype = \"{kind}\"\nbase_url = \"{}\"\n\
             [[providers.{name}.keys]]\nname = \"k\"\nvalue = \"{key}\"\n\
             [pricing.\"{name}/m\"]\ninput_per_mtok = 1000000\noutput_per_mtok = 1000000\n",
            up.base_url()
        );
    }
    config += &format!(
        "[providers.aws]\ntype = \"bedrock\"\nbase_url = \"{}\"\n\
         [[providers.aws.keys]]\nname = \"k\"\nvalue = \"\"\n\
         [providers.aws.keys.bedrock_key_config]\naccess_key = \"AKIDEXAMPLE\"\n\
         secret_key = \"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\"\nregion = \"us-east-1\"\n\
         [pricing.\"aws/{BEDROCK_MODEL}\"]\ninput_per_mtok = 1000000\noutput_per_mtok = 1000000\n\
         [governance.virtual_keys.ci]\nvalue = \"{KEY}\"\n\
         budget = {{ max_limit = 100000, reset_duration = \"1d\" }}\n",
        up.root_url()
    );
    let (tx, rx) = mpsc::unbounded_channel();
    let gw = Gateway::start_with(&config, Pipeline::new(vec![Arc::new(Outcomes(tx))])).await;
    (gw, rx)
}

const HEADERS: [(&str, &str); 2] = [("content-type", "application/json"), ("x-bf-vk", KEY)];

/// A route's request and the upstream events of its stream, in its own format.
struct Case {
    name: &'static str,
    path: String,
    body: Value,
    /// The stream's events: its start, then "hello" and " world", then its end.
    events: Vec<Value>,
}

fn cases() -> Vec<Case> {
    let hello = json!([{"role": "user", "content": "hello world"}]);
    vec![
        Case {
            name: "completions",
            path: "/v1/completions".into(),
            body: json!({"model": "oa/m", "prompt": "hello world", "stream": true}),
            events: [None, Some("hello"), Some(" world"), None]
                .iter()
                .map(|t| {
                    json!({"id": "c", "object": "text_completion", "model": "m",
                    "choices": [{"index": 0, "text": t.unwrap_or(""), "finish_reason": null}]})
                })
                .collect(),
        },
        Case {
            name: "responses",
            path: "/v1/responses".into(),
            body: json!({"model": "oa/m", "input": "hello world", "stream": true}),
            events: vec![
                json!({"type": "response.created", "response": {"id": "r", "status": "in_progress"}}),
                json!({"type": "response.output_text.delta", "item_id": "i", "delta": "hello"}),
                json!({"type": "response.output_text.delta", "item_id": "i", "delta": " world"}),
                json!({"type": "response.completed", "response": {"id": "r", "status": "completed"}}),
            ],
        },
        Case {
            name: "anthropic",
            path: "/anthropic/v1/messages".into(),
            body: json!({"model": "an/m", "max_tokens": 100, "stream": true, "messages": hello}),
            events: vec![
                json!({"type": "message_start", "message": {"id": "msg", "type": "message",
                    "role": "assistant", "content": [], "model": "m"}}),
                json!({"type": "content_block_delta", "index": 0,
                    "delta": {"type": "text_delta", "text": "hello"}}),
                json!({"type": "content_block_delta", "index": 0,
                    "delta": {"type": "text_delta", "text": " world"}}),
                json!({"type": "message_stop"}),
            ],
        },
        Case {
            name: "genai",
            path: "/genai/v1beta/models/gem/m:streamGenerateContent?alt=sse".into(),
            body: json!({"contents": [{"role": "user", "parts": [{"text": "hello world"}]}]}),
            events: [None, Some("hello"), Some(" world"), None]
                .iter()
                .map(|t| {
                    json!({"candidates": [{"content": {"role": "model",
                    "parts": [{"text": t.unwrap_or("")}]}}], "modelVersion": "m"})
                })
                .collect(),
        },
        Case {
            name: "cohere",
            path: "/cohere/v2/chat".into(),
            body: json!({"model": "co/m", "stream": true, "messages": hello}),
            events: vec![
                json!({"type": "message-start", "id": "c1"}),
                json!({"type": "content-delta", "index": 0,
                    "delta": {"message": {"content": {"text": "hello"}}}}),
                json!({"type": "content-delta", "index": 0,
                    "delta": {"message": {"content": {"text": " world"}}}}),
                json!({"type": "message-end", "delta": {"finish_reason": "COMPLETE"}}),
            ],
        },
    ]
}

fn sse(events: &[Value], drop_after: Option<usize>) -> Reply {
    Reply::Stream {
        events: events.iter().map(Value::to_string).collect(),
        gap: Duration::ZERO,
        done: false,
        hold_after_first: None,
        drop_after,
    }
}

/// The prompt "hello world" (2 tokens) and the reply's priming.
const PROMPT_TOKENS: u64 = TOKENS_PER_REPLY + 2;

async fn outcome(rx: &mut mpsc::UnboundedReceiver<Outcome>) -> Outcome {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("an outcome")
        .expect("an outcome")
}

/// The key's settled spend in its budget.
async fn spend(gw: &Gateway) -> f64 {
    let usage = gw.state.governance().usage("ci").await.unwrap();
    let key = usage["levels"]
        .as_array()
        .and_then(|levels| levels.iter().find(|l| l["level"] == "virtual_key"))
        .unwrap_or_else(|| panic!("no key level in {usage}"));
    key["budgets"][0]["spent"].as_f64().unwrap()
}

/// Checks that `o` and the key's spend are the estimate of the prompt and of `sent`.
fn billed_estimate(o: &Outcome, sent: &str, case: &str) -> f64 {
    assert!(o.cost_estimated, "{case}: {o:?}");
    let usage = o
        .usage
        .as_ref()
        .unwrap_or_else(|| panic!("{case}: no usage"));
    let completion = Encoding::Cl100k.count(sent).unwrap();
    assert_eq!(
        (usage.prompt_tokens, usage.completion_tokens),
        (PROMPT_TOKENS, completion),
        "{case}"
    );
    let cost = (PROMPT_TOKENS + completion) as f64;
    assert_eq!(o.cost, Some(cost), "{case}");
    cost
}

#[tokio::test]
async fn relayed_streams_without_usage_are_billed_their_estimate() {
    for case in cases() {
        let up = MockUpstream::always(sse(&case.events, None)).await;
        let (gw, mut outcomes) = gateway(&up).await;
        let body = serde_json::to_vec(&case.body).unwrap();
        let r = call(Method::POST, &gw.url(&case.path), &HEADERS, body).await;
        assert_eq!(r.status, 200, "{}: {}", case.name, r.text());
        assert!(r.text().contains(" world"), "{}: {}", case.name, r.text());
        let o = outcome(&mut outcomes).await;
        let cost = billed_estimate(&o, "hello world", case.name);
        assert_eq!(spend(&gw).await, cost, "{}", case.name);
    }
}

#[tokio::test]
async fn relayed_streams_the_upstream_cuts_are_billed_what_was_sent() {
    for case in cases() {
        // The start and "hello" go out; then the connection drops.
        let up = MockUpstream::always(sse(&case.events, Some(2))).await;
        let (gw, mut outcomes) = gateway(&up).await;
        let body = serde_json::to_vec(&case.body).unwrap();
        let r = call(Method::POST, &gw.url(&case.path), &HEADERS, body).await;
        assert_eq!(r.status, 200, "{}: {}", case.name, r.text());
        assert!(!r.text().contains(" world"), "{}: {}", case.name, r.text());
        let o = outcome(&mut outcomes).await;
        assert!(o.error.is_some(), "{}: {o:?}", case.name);
        let cost = billed_estimate(&o, "hello", case.name);
        assert_eq!(spend(&gw).await, cost, "{}", case.name);
    }
}

#[tokio::test]
async fn a_bedrock_stream_the_client_abandons_is_billed_what_it_received() {
    let hold = Arc::new(Notify::new());
    let delta = |t: &str| {
        frame(
            "contentBlockDelta",
            &json!({"contentBlockIndex": 0, "delta": {"text": t}}),
        )
    };
    let first = [
        frame("messageStart", &json!({"role": "assistant"})),
        delta("hello"),
    ]
    .concat();
    let up = MockUpstream::always(Reply::Chunked {
        status: 200,
        content_type: "application/vnd.amazon.eventstream".into(),
        chunks: vec![first.clone(), delta(" world never sent")],
        hold_after_first: Some(hold.clone()),
    })
    .await;
    let (gw, mut outcomes) = gateway(&up).await;
    let body = json!({"messages": [{"role": "user", "content": [{"text": "hello world"}]}]});
    let path = format!(
        "/bedrock/model/aws%2F{}/converse-stream",
        BEDROCK_MODEL.replace(':', "%3A")
    );
    let resp = send(
        Method::POST,
        &gw.url(&path),
        &HEADERS,
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let mut body = resp.into_body();
    let mut got = Vec::new();
    while got.len() < first.len() {
        let f = body.frame().await.expect("a frame").expect("bytes");
        got.extend_from_slice(&f.into_data().unwrap_or_default());
    }
    drop(body);

    let o = outcome(&mut outcomes).await;
    assert!(o.client_disconnected, "{o:?}");
    let cost = billed_estimate(&o, "hello", "bedrock");
    assert_eq!(spend(&gw).await, cost);
    hold.notify_one();
}

#[tokio::test]
async fn whole_answers_without_usage_are_billed_their_estimate() {
    let mut chat = chat_completion("m", "hello world");
    chat.as_object_mut().unwrap().remove("usage");
    let anthropic = json!({"id": "msg", "type": "message", "role": "assistant", "model": "m",
        "content": [{"type": "text", "text": "hello world"}], "stop_reason": "end_turn"});
    let responses = json!({"id": "r", "object": "response", "status": "completed",
        "output": [{"type": "message", "id": "o", "role": "assistant",
            "content": [{"type": "output_text", "text": "hello world", "annotations": []}]}]});
    let completion = json!({"id": "c", "object": "text_completion", "model": "m",
        "choices": [{"index": 0, "text": "hello world", "finish_reason": "stop"}]});
    let cases = [
        (
            "chat",
            "/v1/chat/completions",
            json!({"model": "oa/m", "messages": [{"role": "user", "content": "hello world"}]}),
            chat,
            // Chat framing: 3 for the message, 3 for the reply.
            PROMPT_TOKENS + 3,
        ),
        (
            "completions",
            "/v1/completions",
            json!({"model": "oa/m", "prompt": "hello world"}),
            completion,
            PROMPT_TOKENS,
        ),
        (
            "responses",
            "/v1/responses",
            json!({"model": "oa/m", "input": "hello world"}),
            responses,
            PROMPT_TOKENS,
        ),
        (
            "anthropic",
            "/anthropic/v1/messages",
            json!({"model": "an/m", "max_tokens": 100,
                "messages": [{"role": "user", "content": "hello world"}]}),
            anthropic,
            PROMPT_TOKENS,
        ),
    ];
    for (name, path, body, answer, prompt) in cases {
        let up = MockUpstream::always(Reply::json(answer)).await;
        let (gw, mut outcomes) = gateway(&up).await;
        let r = call(
            Method::POST,
            &gw.url(path),
            &HEADERS,
            serde_json::to_vec(&body).unwrap(),
        )
        .await;
        assert_eq!(r.status, 200, "{name}: {}", r.text());
        assert!(r.text().contains("hello world"), "{name}");
        let o = outcome(&mut outcomes).await;
        assert!(o.cost_estimated, "{name}: {o:?}");
        let usage = o.usage.as_ref().expect("an estimated usage");
        assert_eq!(
            (usage.prompt_tokens, usage.completion_tokens),
            (prompt, 2),
            "{name}"
        );
        assert_eq!(spend(&gw).await, (prompt + 2) as f64, "{name}");
    }
}

#[tokio::test]
async fn every_priced_answer_with_usage_carries_its_cost() {
    let usage_3_2 = json!({"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5});
    let mut completion = json!({"id": "c", "object": "text_completion", "model": "m",
        "choices": [{"index": 0, "text": "hi", "finish_reason": "stop"}]});
    completion["usage"] = usage_3_2.clone();
    let cases = [
        (
            "/v1/completions",
            json!({"model": "oa/m", "prompt": "hi"}),
            completion,
        ),
        (
            "/v1/responses",
            json!({"model": "oa/m", "input": "hi"}),
            json!({"id": "r", "object": "response", "status": "completed", "output": [],
                "usage": {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}}),
        ),
        (
            "/anthropic/v1/messages",
            json!({"model": "an/m", "max_tokens": 10,
                "messages": [{"role": "user", "content": "hi"}]}),
            json!({"id": "msg", "type": "message", "role": "assistant", "model": "m",
                "content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn",
                "usage": {"input_tokens": 3, "output_tokens": 2}}),
        ),
        (
            "/genai/v1beta/models/gem/m:generateContent",
            json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "hi"}]}}],
                "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 2,
                    "totalTokenCount": 5}}),
        ),
        (
            "/cohere/v2/chat",
            json!({"model": "co/m", "messages": [{"role": "user", "content": "hi"}]}),
            json!({"id": "c1", "finish_reason": "COMPLETE",
                "message": {"role": "assistant", "content": [{"type": "text", "text": "hi"}]},
                "usage": {"tokens": {"input_tokens": 3, "output_tokens": 2}}}),
        ),
    ];
    for (path, body, answer) in cases {
        let up = MockUpstream::always(Reply::json(answer)).await;
        let (gw, _outcomes) = gateway(&up).await;
        let r = call(
            Method::POST,
            &gw.url(path),
            &HEADERS,
            serde_json::to_vec(&body).unwrap(),
        )
        .await;
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        assert_eq!(
            r.headers.get("x-bf-cost").and_then(|v| v.to_str().ok()),
            Some("5.000000000"),
            "{path}"
        );
    }
}
