//! The routing gaps closed after the first failover work: a plan whose every breaker is
//! open fails fast (one probe still goes when a breaker half-opens), forwarded routes
//! (`/anthropic`, `/v1/responses`, `/bedrock`) fall over to a fallback of another
//! provider type through their translation, count-tokens routes resolve aliases, and a
//! virtual key's reservation and spend follow the target that served.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bifrost::admin::{Governance, Kind};
use bifrost::routing::ManualClock;
use http::Method;
use serde_json::{json, Value};

use crate::bedrock_route::headers as aws_headers;
use crate::support::client::{call, post, Answer};
use crate::support::gateway::Gateway;
use crate::support::upstream::{
    chat_completion, chat_completion_with_usage, chat_stream_events, Gate, MockUpstream, Reply,
};

fn header<'a>(resp: &'a Answer, name: &str) -> &'a str {
    resp.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn chat(model: &str) -> Value {
    json!({"model": model, "messages": [{"role": "user", "content": "x"}]})
}

/// One OpenAI-compatible provider `a` whose breakers open after two failures for 30 s.
fn one_provider(a: &str) -> String {
    format!(
        r#"
[providers.a]
type = "openai-compatible"
base_url = "{a}"
[[providers.a.keys]]
name = "ka"
value = "sk-a"
[providers.a.health]
breaker_failures = 2
breaker_open_secs = 30
"#
    )
}

#[tokio::test]
async fn a_lone_provider_with_an_open_breaker_fails_fast_and_one_probe_goes_when_it_half_opens() {
    // Two failures, then answers held behind a gate the test opens.
    let gate = Gate::new();
    let seen = AtomicUsize::new(0);
    let held = Reply::json(chat_completion("m", "back")).held(&gate);
    let a = MockUpstream::start(move |_| {
        if seen.fetch_add(1, Ordering::SeqCst) < 2 {
            Reply::error(500, "down")
        } else {
            held.clone()
        }
    })
    .await;
    let gw = Arc::new(Gateway::start(&one_provider(&a.base_url())).await);
    let clock = Arc::new(ManualClock::default());
    gw.state.router().set_clock(clock.clone());
    let url = gw.url("/v1/chat/completions");
    for _ in 0..2 {
        assert_eq!(post(&url, &chat("a/m")).await.status, 502);
    }
    // Open: nothing is sent, and the answer says which breaker and when it half-opens.
    let refused = post(&url, &chat("a/m")).await;
    assert_eq!(refused.status, 503, "{}", refused.text());
    let msg = refused.error_message();
    assert!(
        msg.contains("provider `a`") && msg.contains("half-opens in 30s"),
        "{msg}"
    );
    assert_eq!(refused.json()["error"]["code"], "circuit_open");
    assert_eq!(header(&refused, "retry-after"), "30");
    // In the route's own shape on a drop-in route.
    let body =
        json!({"model": "a/m", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]});
    let anthropic = post(&gw.url("/anthropic/v1/messages"), &body).await;
    assert_eq!(anthropic.status, 503, "{}", anthropic.text());
    assert_eq!(anthropic.json()["type"], "error");
    assert_eq!(a.request_count(), 2);

    // Half-open: exactly one request probes; another meanwhile is refused at once.
    clock.advance(Duration::from_secs(30));
    let probe = {
        let gw = gw.clone();
        tokio::spawn(async move { post(&gw.url("/v1/chat/completions"), &chat("a/m")).await })
    };
    a.wait_for_requests(3, Duration::from_secs(10)).await;
    let meanwhile = post(&url, &chat("a/m")).await;
    assert_eq!(meanwhile.status, 503, "{}", meanwhile.text());
    assert_eq!(a.request_count(), 3, "one probe only");
    gate.open();
    assert_eq!(probe.await.unwrap().status, 200);
    // The probe's success closed the breaker.
    assert_eq!(post(&url, &chat("a/m")).await.status, 200);
    assert_eq!(a.request_count(), 4);
}

/// `claude` (type anthropic) at `anthropic`, `oa` (OpenAI-compatible) at `openai`,
/// `local` (the built-in mock) and `aws` (type bedrock) at `bedrock`.
fn mixed(anthropic: &str, openai: &str, bedrock: &str) -> String {
    format!(
        r#"
[providers.claude]
type = "anthropic"
base_url = "{anthropic}"
[[providers.claude.keys]]
name = "k"
value = "sk-ant"
[providers.oa]
type = "openai-compatible"
base_url = "{openai}"
[[providers.oa.keys]]
name = "k"
value = "sk-oa"
[providers.local]
type = "mock"
[providers.local.mock]
reply = "mocked"
[providers.aws]
type = "bedrock"
base_url = "{bedrock}"
[[providers.aws.keys]]
name = "k"
value = ""
[providers.aws.keys.bedrock_key_config]
access_key = "AKIDEXAMPLE"
secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
region = "us-east-1"
"#
    )
}

/// An OpenAI-compatible upstream answering `from openai`, streamed when asked.
async fn openai() -> MockUpstream {
    MockUpstream::start(|r| {
        if r.body["stream"] == true {
            Reply::stream(chat_stream_events("gpt", &["from openai"]))
        } else {
            Reply::json(chat_completion("gpt", "from openai"))
        }
    })
    .await
}

async fn down() -> MockUpstream {
    MockUpstream::always(Reply::error(500, "primary down")).await
}

#[tokio::test]
async fn the_anthropic_route_falls_over_from_anthropic_to_an_openai_fallback() {
    let claude = down().await;
    let oa = openai().await;
    let gw = Gateway::start(&mixed(&claude.base_url(), &oa.base_url(), &oa.root_url())).await;
    for stream in [false, true] {
        let body = json!({"model": "claude/claude-x", "max_tokens": 50, "stream": stream,
            "fallbacks": ["oa/gpt"], "messages": [{"role": "user", "content": "x"}]});
        let resp = post(&gw.url("/anthropic/v1/messages"), &body).await;
        assert_eq!(resp.status, 200, "{}", resp.text());
        assert_eq!(header(&resp, "x-bf-provider"), "oa");
        assert_eq!(header(&resp, "x-bf-fallback-index"), "1");
        if stream {
            let text = resp.text();
            assert!(text.contains("event: message_stop"), "{text}");
            assert!(text.contains("from openai"), "{text}");
        } else {
            let answer = resp.json();
            assert_eq!(answer["type"], "message", "{answer}");
            assert_eq!(answer["content"][0]["text"], "from openai");
        }
    }
    assert_eq!((claude.request_count(), oa.request_count()), (2, 2));
    // The Anthropic upstream got the body as sent, without `fallbacks`; the fallback a
    // chat completion naming its own model.
    assert!(claude.requests()[0].body.get("fallbacks").is_none());
    assert_eq!(oa.requests()[0].body["model"], "gpt");
}

#[tokio::test]
async fn when_the_translated_fallback_fails_too_the_primary_error_lists_both() {
    let claude = down().await;
    let oa = MockUpstream::always(Reply::error(503, "fallback down")).await;
    let gw = Gateway::start(&mixed(&claude.base_url(), &oa.base_url(), &oa.root_url())).await;
    let body = json!({"model": "claude/claude-x", "max_tokens": 50, "fallbacks": ["oa/gpt"],
        "messages": [{"role": "user", "content": "x"}]});
    let resp = post(&gw.url("/anthropic/v1/messages"), &body).await;
    assert_eq!(resp.status, 502, "{}", resp.text());
    assert_eq!(resp.json()["type"], "error");
    let msg = resp.json()["error"]["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(msg.starts_with("provider `claude`"), "{msg}");
    assert!(
        msg.contains("primary down") && msg.contains("fallback down"),
        "{msg}"
    );
}

#[tokio::test]
async fn responses_fall_over_from_an_openai_upstream_to_another_provider_type() {
    let oa = down().await;
    let gw = Gateway::start(&mixed(&oa.base_url(), &oa.base_url(), &oa.root_url())).await;
    for stream in [false, true] {
        let body = json!({"model": "oa/gpt", "input": "hi", "stream": stream,
            "fallbacks": ["local/demo-model"]});
        let resp = post(&gw.url("/v1/responses"), &body).await;
        assert_eq!(resp.status, 200, "{}", resp.text());
        assert_eq!(header(&resp, "x-bf-provider"), "local");
        assert_eq!(header(&resp, "x-bf-fallback-index"), "1");
        let text = resp.text();
        if stream {
            assert!(text.contains("response.completed"), "{text}");
        } else {
            let answer = resp.json();
            assert_eq!(answer["object"], "response", "{answer}");
        }
        assert!(text.contains("mocked"), "{text}");
    }
    assert_eq!(oa.request_count(), 2);
    assert_eq!(oa.requests()[0].path, "/v1/responses");
    assert!(oa.requests()[0].body.get("fallbacks").is_none());
}

#[tokio::test]
async fn audio_names_the_fallbacks_it_cannot_translate_to() {
    let oa = down().await;
    let gw = Gateway::start(&mixed(&oa.base_url(), &oa.base_url(), &oa.root_url())).await;
    let body = json!({"model": "oa/tts", "input": "hi", "voice": "alloy",
        "fallbacks": ["local/demo-model"]});
    let resp = post(&gw.url("/v1/audio/speech"), &body).await;
    assert_eq!(resp.status, 502, "{}", resp.text());
    let msg = resp.error_message();
    assert!(
        msg.contains("not tried: `local/demo-model`") && msg.contains("same provider type"),
        "{msg}"
    );
}

#[tokio::test]
async fn bedrock_converse_honours_body_fallbacks_of_another_type() {
    let aws = down().await;
    let oa = openai().await;
    let gw = Gateway::start(&mixed(&oa.base_url(), &oa.base_url(), &aws.root_url())).await;
    let body = json!({"messages": [{"role": "user", "content": [{"text": "Hello"}]}],
        "inferenceConfig": {"maxTokens": 10}, "fallbacks": ["oa/gpt"]});
    for action in ["converse", "converse-stream"] {
        let resp = call(
            Method::POST,
            &gw.url(&format!(
                "/bedrock/model/aws%2Fanthropic.claude-v2/{action}"
            )),
            &aws_headers(),
            serde_json::to_vec(&body).unwrap(),
        )
        .await;
        assert_eq!(resp.status, 200, "{action}: {}", resp.text());
        assert_eq!(header(&resp, "x-bf-provider"), "oa");
        if action == "converse" {
            let answer = resp.json();
            assert_eq!(
                answer["output"]["message"]["content"][0]["text"],
                "from openai"
            );
        } else {
            assert!(
                String::from_utf8_lossy(&resp.body).contains("from openai"),
                "the event stream carries the fallback's text"
            );
        }
    }
    assert_eq!((aws.request_count(), oa.request_count()), (2, 2));
    // Bedrock never saw the gateway's member.
    assert!(!String::from_utf8_lossy(&aws.requests()[0].raw_body).contains("fallbacks"));
}

#[tokio::test]
async fn count_tokens_routes_resolve_aliases() {
    let oa = openai().await;
    // The key lists its models: no catch-all provider takes an unknown name.
    let config = format!(
        "[providers.oa]\ntype = \"openai-compatible\"\nbase_url = \"{}\"\n\
         [[providers.oa.keys]]\nname = \"k\"\nvalue = \"sk-oa\"\nmodels = [\"gpt\"]\n\
         [models.fast]\ntargets = [{{ model = \"oa/gpt\", weight = 1.0 }}]\n",
        oa.base_url()
    );
    let gw = Gateway::start(&config).await;
    let count = |model: &str| json!({"model": model, "messages": [{"role": "user", "content": "hello there"}]});
    let ok = post(
        &gw.url("/anthropic/v1/messages/count_tokens"),
        &count("fast"),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert!(ok.json()["input_tokens"].as_u64().unwrap_or(0) > 0);
    let typo = post(
        &gw.url("/anthropic/v1/messages/count_tokens"),
        &count("fsat"),
    )
    .await;
    assert_eq!(typo.status, 404, "{}", typo.text());

    let contents = json!({"contents": [{"role": "user", "parts": [{"text": "hello there"}]}]});
    let ok = post(&gw.url("/genai/v1beta/models/fast:countTokens"), &contents).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert!(ok.json()["totalTokens"].as_u64().unwrap_or(0) > 0);
    let typo = post(&gw.url("/genai/v1beta/models/fsat:countTokens"), &contents).await;
    assert_eq!(typo.status, 404, "{}", typo.text());
    assert_eq!(oa.request_count(), 0, "counting never calls upstream");
}

/// `a/m` priced at $1 per million tokens, `b/m` at $1 per token: a served request of
/// 3 + 2 tokens costs $0.000005 on `a` and exactly $5 on `b`.
fn priced(a: &str, b: &str) -> String {
    format!(
        r#"
[providers.a]
type = "openai-compatible"
base_url = "{a}"
[[providers.a.keys]]
name = "ka"
value = "sk-a"
[providers.b]
type = "openai-compatible"
base_url = "{b}"
[[providers.b.keys]]
name = "kb"
value = "sk-b"
[pricing."a/m"]
input_per_mtok = 1
output_per_mtok = 1
[pricing."b/m"]
input_per_mtok = 1000000
output_per_mtok = 1000000
"#
    )
}

async fn governed(gw: &Gateway, max_limit: u64) -> (String, String) {
    let vk = gw
        .state
        .governance()
        .create(
            Kind::VirtualKey,
            json!({"name": "app", "budget": {"max_limit": max_limit, "reset_duration": "1d"}}),
        )
        .await
        .unwrap();
    (
        vk["value"].as_str().unwrap().to_string(),
        vk["id"].as_str().unwrap().to_string(),
    )
}

async fn governed_chat(gw: &Gateway, vk: &str) -> Answer {
    let body = json!({"model": "a/m", "max_tokens": 2, "fallbacks": ["b/m"],
        "messages": [{"role": "user", "content": "hi"}]});
    call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json"), ("x-bf-vk", vk)],
        serde_json::to_vec(&body).unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_fallback_that_serves_is_reserved_and_billed_at_its_own_price() {
    let a = down().await;
    let b = MockUpstream::always(Reply::json(chat_completion_with_usage("m", "hi", 3, 2))).await;
    let gw = Gateway::start(&priced(&a.base_url(), &b.base_url())).await;
    let (vk, id) = governed(&gw, 100).await;
    let resp = governed_chat(&gw, &vk).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(header(&resp, "x-bf-provider"), "b");
    assert_eq!(resp.json()["extra_fields"]["cost"], 5.0);
    let usage = gw.state.governance().usage(&id).await.unwrap().to_string();
    assert!(
        usage.contains("\"spent\":5.0,\"reserved\":0.0"),
        "spend is the fallback's price, nothing of the primary's: {usage}"
    );
}

#[tokio::test]
async fn a_fallback_whose_price_does_not_fit_the_budget_is_refused_before_its_call() {
    let a = down().await;
    let b = MockUpstream::always(Reply::json(chat_completion_with_usage("m", "hi", 3, 2))).await;
    let gw = Gateway::start(&priced(&a.base_url(), &b.base_url())).await;
    // $10 covers the primary's estimate by far, not the fallback's (about $22).
    let (vk, id) = governed(&gw, 10).await;
    let resp = governed_chat(&gw, &vk).await;
    assert_eq!(resp.status, 402, "{}", resp.text());
    assert_eq!(resp.json()["error"]["type"], "budget_exceeded");
    assert!(
        resp.error_message().contains("fallback `b/m`"),
        "{}",
        resp.text()
    );
    assert_eq!((a.request_count(), b.request_count()), (1, 0));
    let usage = gw.state.governance().usage(&id).await.unwrap().to_string();
    assert!(
        usage.contains("\"spent\":0.0,\"reserved\":0.0"),
        "a failed primary and a refused fallback bill nothing: {usage}"
    );
}
