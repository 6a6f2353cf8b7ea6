//! A governed stream that ends before its usage arrives is billed a tokenizer estimate,
//! never nothing, and its outcome says the cost is an estimate.

use std::sync::Arc;
use std::time::Duration;

use bifrost::hooks::{Hook, Outcome, Pipeline, RequestInfo};
use http::Method;
use serde_json::json;
use tokio::sync::mpsc;

use crate::support::client::call;
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_chunk, MockUpstream, Reply};

const KEY: &str = "sk-bf-estimates0123456789abcdefghijklmnopqrs";

struct Outcomes(mpsc::UnboundedSender<Outcome>);

impl Hook for Outcomes {
    fn on_complete(&self, _info: &RequestInfo, outcome: &Outcome) {
        let _ = self.0.send(outcome.clone());
    }
}

#[tokio::test]
async fn a_stream_cut_before_its_usage_is_flagged_as_estimated() {
    let up = MockUpstream::always(Reply::Stream {
        events: vec![chat_chunk("m", "hel"), chat_chunk("m", "lo")],
        gap: Duration::ZERO,
        done: false,
        hold_after_first: None,
        drop_after: Some(1),
    })
    .await;
    let config = format!(
        r#"
[providers.up]
type = "openai-compatible"
base_url = "{}"
[[providers.up.keys]]
name = "k"
value = "sk-up"
[pricing."up/m"]
input_per_mtok = 1
output_per_mtok = 1
[governance.virtual_keys.ci]
value = "{KEY}"
"#,
        up.base_url()
    );
    let (tx, mut outcomes) = mpsc::unbounded_channel();
    let gw = Gateway::start_with(&config, Pipeline::new(vec![Arc::new(Outcomes(tx))])).await;
    let body =
        json!({"model": "up/m", "stream": true, "messages": [{"role": "user", "content": "hi"}]});
    let r = call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json"), ("x-bf-vk", KEY)],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(r.status, 200);
    let outcome = tokio::time::timeout(Duration::from_secs(10), outcomes.recv())
        .await
        .unwrap()
        .unwrap();
    // The upstream broke before any usage: "hel" reached the client, 1 token in
    // cl100k_base; "hi" is 1 token plus the chat framing (3 + 3).
    let usage = outcome.usage.as_ref().expect("an estimated usage");
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (7, 1));
    assert!(outcome.cost_estimated, "{outcome:?}");
    assert_eq!(outcome.virtual_key.as_deref(), Some("ci"));
}
