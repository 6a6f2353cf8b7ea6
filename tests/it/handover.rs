//! Forwarded routes (`/anthropic`, ...) handing over to the translated path: the plan's
//! order is kept across the handover (a target of another type in the middle of the
//! chain is tried in its place, and same-type targets after it still are), and every
//! retry made before the handover is counted in the answer and the outcome.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bifrost::hooks::Outcome;
use bifrost::routing::ManualClock;
use serde_json::{json, Value};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::support::client::{post, Answer};
use crate::support::gateway::Gateway;
use crate::support::outcomes::{gateway, tried};
use crate::support::upstream::{chat_completion, MockUpstream, Reply};

fn header<'a>(resp: &'a Answer, name: &str) -> &'a str {
    resp.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// `claude` and `claude2` (type anthropic), `oa` (OpenAI-compatible); `extra` appended.
fn config(claude: &str, oa: &str, claude2: &str, extra: &str) -> String {
    format!(
        r#"
[providers.claude]
type = "anthropic"
base_url = "{claude}"
[[providers.claude.keys]]
name = "k"
value = "sk-ant"
[providers.oa]
type = "openai-compatible"
base_url = "{oa}"
[[providers.oa.keys]]
name = "k"
value = "sk-oa"
[providers.claude2]
type = "anthropic"
base_url = "{claude2}"
[[providers.claude2.keys]]
name = "k"
value = "sk-ant2"
{extra}
"#
    )
}

/// An Anthropic Messages answer of `text`.
fn anthropic_message(text: &str) -> Value {
    json!({"id": "msg_c", "type": "message", "role": "assistant", "model": "claude-x",
        "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
        "stop_sequence": null, "usage": {"input_tokens": 3, "output_tokens": 2}})
}

fn messages(fallbacks: Value) -> Value {
    json!({"model": "claude/claude-x", "max_tokens": 50, "fallbacks": fallbacks,
        "messages": [{"role": "user", "content": "x"}]})
}

/// An upstream failing its first `n` requests with a 500, then answering `ok`.
async fn failing_first(n: usize, ok: Reply) -> MockUpstream {
    let seen = AtomicUsize::new(0);
    MockUpstream::start(move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) < n {
            Reply::error(500, "down")
        } else {
            ok.clone()
        }
    })
    .await
}

#[tokio::test]
async fn a_same_type_target_after_another_type_is_tried_in_plan_order() {
    let claude = MockUpstream::always(Reply::error(500, "A down")).await;
    let oa = MockUpstream::always(Reply::error(500, "B down")).await;
    let claude2 = MockUpstream::always(Reply::json(anthropic_message("from C"))).await;
    let toml = config(&claude.base_url(), &oa.base_url(), &claude2.base_url(), "");
    let (gw, mut outcomes) = gateway(&toml).await;
    let body = messages(json!(["oa/gpt", "claude2/claude-x"]));
    let resp = post(&gw.url("/anthropic/v1/messages"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.json()["content"][0]["text"], "from C");
    assert_eq!(header(&resp, "x-bf-provider"), "claude2");
    assert_eq!(header(&resp, "x-bf-fallback-index"), "2");
    let outcome = outcomes.recv().await.unwrap();
    let order: Vec<(String, Option<u16>)> = ["claude", "oa", "claude2"]
        .iter()
        .zip([500, 500, 200])
        .map(|(p, s)| (p.to_string(), Some(s)))
        .collect();
    assert_eq!(tried(&outcome), order);
    assert_eq!(outcome.fallback_index, 2);
    assert_eq!(
        (
            claude.request_count(),
            oa.request_count(),
            claude2.request_count()
        ),
        (1, 1, 1)
    );
}

/// `/anthropic/v1/messages` for `claude` with the fallback `oa/gpt`, each provider
/// allowed one retry (waits on a fake clock): the gateway, its answer and outcomes.
async fn with_one_retry_each(
    claude: &MockUpstream,
    oa: &MockUpstream,
) -> (Gateway, Answer, UnboundedReceiver<Outcome>) {
    let retry = "\n[providers.claude.network]\nmax_retries = 1\n\
                 [providers.oa.network]\nmax_retries = 1\n";
    let toml = config(&claude.base_url(), &oa.base_url(), &oa.base_url(), retry);
    let (gw, outcomes) = gateway(&toml).await;
    gw.state
        .router()
        .set_clock(Arc::new(ManualClock::default()));
    let resp = post(
        &gw.url("/anthropic/v1/messages"),
        &messages(json!(["oa/gpt"])),
    )
    .await;
    (gw, resp, outcomes)
}

#[tokio::test]
async fn retries_before_the_handover_are_counted_in_the_answer_and_the_outcome() {
    // `claude` fails twice (its first try and one retry); `oa` fails once, then
    // answers on its retry: two retries in all.
    let claude = MockUpstream::always(Reply::error(500, "A down")).await;
    let oa = failing_first(1, Reply::json(chat_completion("gpt", "from B"))).await;
    let (_gw, resp, mut outcomes) = with_one_retry_each(&claude, &oa).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(header(&resp, "x-bf-provider"), "oa");
    assert_eq!(header(&resp, "x-bf-fallback-index"), "1");
    assert_eq!(header(&resp, "x-bf-retries"), "2");
    let outcome = outcomes.recv().await.unwrap();
    assert_eq!(outcome.retries, 2);
    assert_eq!(outcome.attempts.len(), 4);
    assert_eq!((claude.request_count(), oa.request_count()), (2, 2));
}

#[tokio::test]
async fn when_every_target_fails_the_outcome_counts_retries_on_both_sides() {
    let claude = MockUpstream::always(Reply::error(500, "A down")).await;
    let oa = MockUpstream::always(Reply::error(500, "B down")).await;
    let (_gw, resp, mut outcomes) = with_one_retry_each(&claude, &oa).await;
    assert_eq!(resp.status, 502, "{}", resp.text());
    let outcome = outcomes.recv().await.unwrap();
    assert_eq!(outcome.retries, 2);
    assert_eq!(outcome.attempts.len(), 4);
}
