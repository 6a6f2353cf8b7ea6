//! Streams that report no usage are billed from a tokenizer estimate of the prompt and
//! of the text the client received (o200k_base for gpt-4o), flagged `cost_estimated`
//! in the outcome and in the closing chunk's `extra_fields`; answers with usage stay
//! exact and unflagged.

use std::sync::Arc;
use std::time::Duration;

use bifrost::admin::Governance;
use bifrost::hooks::{Hook, Outcome, Pipeline, RequestInfo};
use http::Method;
use serde_json::{json, Value};
use tokio::sync::{mpsc, Notify};

use crate::support::client::{call, send, Events};
use crate::support::gateway::Gateway;
use crate::support::upstream::{
    chat_chunk, chat_completion_with_usage, finish_chunk, usage_chunk, MockUpstream, Reply,
};

const KEY: &str = "sk-bf-streamestimate0123456789abcdefghijklmn";

/// The prompt below in o200k_base: "hello world" is 2 tokens, plus 3 for the message's
/// framing and 3 for the reply's priming.
const PROMPT_TOKENS: u64 = 8;

struct Outcomes(mpsc::UnboundedSender<Outcome>);

impl Hook for Outcomes {
    fn on_complete(&self, _info: &RequestInfo, outcome: &Outcome) {
        let _ = self.0.send(outcome.clone());
    }
}

/// A gateway whose `up/gpt-4o` costs $1 per token either way, with key `ci`, and the
/// outcomes of its requests.
async fn gateway(up: &MockUpstream) -> (Gateway, mpsc::UnboundedReceiver<Outcome>) {
    let config = format!(
        r#"
[providers.up]
type = "openai-compatible"
base_url = "{}"
[[providers.up.keys]]
name = "k"
value = "sk-up"
[pricing."up/gpt-4o"]
input_per_mtok = 1000000
output_per_mtok = 1000000
[governance.virtual_keys.ci]
value = "{KEY}"
budget = {{ max_limit = 100000, reset_duration = "1d" }}
"#,
        up.base_url()
    );
    let (tx, rx) = mpsc::unbounded_channel();
    let gw = Gateway::start_with(&config, Pipeline::new(vec![Arc::new(Outcomes(tx))])).await;
    (gw, rx)
}

fn request(stream: bool) -> Vec<u8> {
    let body = json!({"model": "up/gpt-4o", "stream": stream,
        "messages": [{"role": "user", "content": "hello world"}]});
    serde_json::to_vec(&body).unwrap()
}

const HEADERS: [(&str, &str); 2] = [("content-type", "application/json"), ("x-bf-vk", KEY)];

async fn outcome(rx: &mut mpsc::UnboundedReceiver<Outcome>) -> Outcome {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("an outcome")
        .expect("an outcome")
}

/// The key's settled spend in its budget, as the management API reports it.
async fn spend(gw: &Gateway) -> f64 {
    let usage = gw.state.governance().usage("ci").await.unwrap();
    let key = usage["levels"]
        .as_array()
        .and_then(|levels| levels.iter().find(|l| l["level"] == "virtual_key"))
        .unwrap_or_else(|| panic!("no key level in {usage}"));
    key["budgets"][0]["spent"]
        .as_f64()
        .unwrap_or_else(|| panic!("no spend in {usage}"))
}

#[tokio::test]
async fn a_complete_stream_without_usage_is_billed_its_token_estimate() {
    let up = MockUpstream::always(Reply::stream(vec![
        chat_chunk("gpt-4o", "hello"),
        chat_chunk("gpt-4o", " world"),
        finish_chunk("gpt-4o", "stop"),
    ]))
    .await;
    let (gw, mut outcomes) = gateway(&up).await;
    let r = call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &HEADERS,
        request(true),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let text = r.text();
    let events: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .collect();
    assert_eq!(events.last(), Some(&"[DONE]"), "{text}");
    // The closing chunk carries the cost: "hello world" sent is 2 tokens.
    let closing: Value = serde_json::from_str(events[events.len() - 2]).unwrap();
    assert_eq!(closing["choices"], json!([]), "{closing}");
    assert_eq!(closing["id"], "chatcmpl-mock0123456789");
    let extra = &closing["extra_fields"];
    assert_eq!(extra["cost_estimated"], true, "{closing}");
    assert_eq!(extra["cost"], (PROMPT_TOKENS + 2) as f64, "{closing}");
    assert_eq!(extra["provider"], "up");

    let o = outcome(&mut outcomes).await;
    assert!(o.cost_estimated, "{o:?}");
    let usage = o.usage.expect("estimated usage");
    assert_eq!(
        (usage.prompt_tokens, usage.completion_tokens),
        (PROMPT_TOKENS, 2)
    );
    assert_eq!(o.cost, Some((PROMPT_TOKENS + 2) as f64));
    // Billed the estimate, not the reservation (which holds 1024 output tokens).
    let spent = spend(&gw).await;
    assert_eq!(spent, (PROMPT_TOKENS + 2) as f64);
}

#[tokio::test]
async fn a_stream_the_client_abandons_is_billed_for_what_it_received() {
    let hold = Arc::new(Notify::new());
    let up = MockUpstream::always(Reply::Stream {
        events: vec![
            chat_chunk("gpt-4o", "hello world"),
            chat_chunk("gpt-4o", " and much more text that is never sent"),
        ],
        gap: Duration::ZERO,
        done: true,
        hold_after_first: Some(hold.clone()),
        drop_after: None,
    })
    .await;
    let (gw, mut outcomes) = gateway(&up).await;
    let resp = send(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &HEADERS,
        request(true),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let mut events = Events::new(resp);
    let first = events.next().await.expect("the first chunk");
    assert!(first.contains("hello world"), "{first}");
    drop(events);

    let o = outcome(&mut outcomes).await;
    assert!(o.client_disconnected, "{o:?}");
    assert!(o.cost_estimated, "{o:?}");
    let usage = o.usage.expect("estimated usage");
    assert_eq!(
        (usage.prompt_tokens, usage.completion_tokens),
        (PROMPT_TOKENS, 2),
        "only what reached the client counts"
    );
    assert_eq!(spend(&gw).await, (PROMPT_TOKENS + 2) as f64);
    hold.notify_one();
}

#[tokio::test]
async fn a_stream_with_usage_and_an_answer_with_usage_stay_exact() {
    let up = MockUpstream::always(Reply::stream(vec![
        chat_chunk("gpt-4o", "hello"),
        finish_chunk("gpt-4o", "stop"),
        usage_chunk("gpt-4o", 3, 2),
    ]))
    .await;
    let (gw, mut outcomes) = gateway(&up).await;
    let r = call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &HEADERS,
        request(true),
    )
    .await;
    let text = r.text();
    let closing = text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .filter_map(|e| serde_json::from_str::<Value>(e).ok())
        .find(|e| e.get("extra_fields").is_some())
        .unwrap_or_else(|| panic!("no closing chunk in {text}"));
    assert_eq!(closing["extra_fields"]["cost"], 5.0, "{closing}");
    assert!(closing["extra_fields"].get("cost_estimated").is_none());
    let o = outcome(&mut outcomes).await;
    assert!(!o.cost_estimated);
    assert_eq!(o.cost, Some(5.0));

    let json = MockUpstream::always(Reply::json(chat_completion_with_usage(
        "gpt-4o", "hi", 3, 2,
    )))
    .await;
    let (gw, mut outcomes) = gateway(&json).await;
    let r = call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &HEADERS,
        request(false),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let extra = &r.json()["extra_fields"];
    assert_eq!(extra["cost"], 5.0);
    assert!(extra.get("cost_estimated").is_none(), "{extra}");
    assert!(!outcome(&mut outcomes).await.cost_estimated);
}
