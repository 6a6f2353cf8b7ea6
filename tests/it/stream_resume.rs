//! `stream_resume`: a stream whose upstream dies mid-answer is continued by the next
//! target and spliced into the same client stream. Primary `a` (an OpenAI-format mock)
//! sends three chunks and drops the connection; fallback `b` continues. Each test
//! states what the client saw, what `b` was asked, and how many calls each got.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::client::post;
use crate::support::gateway::Gateway;
use crate::support::outcomes;
use crate::support::python::assert_pytest_async;
use crate::support::resume::{
    anthropic_events, anthropic_stream, config, content, cut_primary, data_events, openai_fallback,
    text_of, CONTINUE, PART_ONE, RESUME_ON,
};
use crate::support::upstream::{chat_stream_events, word_tokens, MockUpstream, Reply};

fn stream_chat(model: &str) -> Value {
    json!({"model": model, "stream": true, "fallbacks": ["b/m"],
        "messages": [{"role": "user", "content": "x"}]})
}

#[tokio::test]
async fn a_cut_openai_stream_is_continued_by_the_fallback_as_one_answer() {
    let a = cut_primary().await;
    let b = openai_fallback(&["four", "."]).await;
    let gw = Gateway::start(&config(
        &a.base_url(),
        "openai-compatible",
        &b.base_url(),
        RESUME_ON,
    ))
    .await;
    let resp = post(&gw.url("/v1/chat/completions"), &stream_chat("a/m")).await;
    assert_eq!(resp.status, 200);
    let text = resp.text();
    let (chunks, done) = data_events(&text);
    assert!(done, "a resumed stream ends complete: {text}");
    assert!(chunks.iter().all(|c| c.get("error").is_none()), "{text}");
    assert_eq!(content(&chunks), "one two three four.");
    // One answer: the first part's id and model throughout, no second role.
    for c in &chunks {
        assert_eq!(c["id"], "chatcmpl-mock0123456789", "{c}");
        assert_eq!(c["model"], "m", "{c}");
    }
    assert!(text.matches("\"role\"").count() <= 1, "{text}");
    let last = chunks.last().unwrap();
    let from = &last["extra_fields"]["resumed_from"];
    assert_eq!(from["provider"], "a", "{last}");
    assert_eq!(from["model"], "m");
    assert_eq!(from["chars"], PART_ONE.len());
    assert!(
        from["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{from}"
    );
    // Usage covers both parts: `a`'s cut part estimated at 4 characters a token.
    let part_one = PART_ONE.len().div_ceil(4) as u64;
    let b_out = u64::from(word_tokens("four."));
    assert_eq!(last["usage"]["completion_tokens"], part_one + b_out);
    assert_eq!(last["usage"]["prompt_tokens"], 10 - part_one + 10);
    // `b` saw the partial answer and the instruction to continue it.
    assert_eq!((a.request_count(), b.request_count()), (1, 1));
    let sent = &b.requests()[0].body;
    let messages = sent["messages"].as_array().unwrap();
    let roles: Vec<&str> = messages.iter().filter_map(|m| m["role"].as_str()).collect();
    assert_eq!(roles, ["user", "assistant", "user"], "{sent}");
    assert_eq!(text_of(&messages[1]), PART_ONE);
    assert_eq!(text_of(&messages[2]), CONTINUE);
    assert_eq!(sent["model"], "m");
}

#[tokio::test]
async fn an_anthropic_fallback_gets_the_partial_answer_as_a_prefill() {
    let a = cut_primary().await;
    let b = MockUpstream::always(anthropic_stream(" four.")).await;
    let gw = Gateway::start(&config(
        &a.base_url(),
        "anthropic",
        &b.base_url(),
        RESUME_ON,
    ))
    .await;
    let resp = post(&gw.url("/v1/chat/completions"), &stream_chat("a/m")).await;
    assert_eq!(resp.status, 200);
    let text = resp.text();
    let (chunks, done) = data_events(&text);
    assert!(done, "{text}");
    // The prefix lost its trailing space (Anthropic refuses it); the continuation's
    // leading space is not sent twice.
    assert_eq!(content(&chunks), "one two three four.");
    assert_eq!(
        chunks.last().unwrap()["extra_fields"]["resumed_from"]["provider"],
        "a"
    );
    assert_eq!(b.request_count(), 1);
    let sent = &b.requests()[0].body;
    let messages = sent["messages"].as_array().unwrap();
    let last = messages.last().unwrap();
    assert_eq!(last["role"], "assistant", "{sent}");
    assert_eq!(text_of(last), PART_ONE.trim_end());
    assert!(!sent.to_string().contains(CONTINUE), "{sent}");
}

/// Asserts the old behaviour: an error event last, no `[DONE]`, what went out kept.
fn assert_ends_with_error(text: &str) {
    let events: Vec<&str> = text.split("\n\n").filter(|e| !e.is_empty()).collect();
    let last = events.last().copied().unwrap_or_default();
    assert!(last.contains("\"error\""), "last event: {last}\n{text}");
    assert!(!text.contains("[DONE]"), "{text}");
    assert!(text.contains("three "), "{text}");
}

#[tokio::test]
async fn an_alias_that_turns_resumption_off_keeps_the_error_event() {
    let a = cut_primary().await;
    let b = openai_fallback(&["four"]).await;
    let alias = "[models.fast]\ntargets = [{ model = \"a/m\" }]\nfallbacks = [\"b/m\"]\nstream_resume = false\n";
    let extra = format!("{RESUME_ON}{alias}");
    let gw = Gateway::start(&config(
        &a.base_url(),
        "openai-compatible",
        &b.base_url(),
        &extra,
    ))
    .await;
    let resp = post(&gw.url("/v1/chat/completions"), &stream_chat("fast")).await;
    assert_eq!(resp.status, 200);
    assert_ends_with_error(&resp.text());
    assert_eq!(b.request_count(), 0);
}

#[tokio::test]
async fn an_alias_turns_resumption_on_without_the_client_setting() {
    let a = cut_primary().await;
    let b = openai_fallback(&["four"]).await;
    let alias = "[models.fast]\ntargets = [{ model = \"a/m\" }]\nfallbacks = [\"b/m\"]\nstream_resume = true\n";
    let gw = Gateway::start(&config(
        &a.base_url(),
        "openai-compatible",
        &b.base_url(),
        alias,
    ))
    .await;
    let body =
        json!({"model": "fast", "stream": true, "messages": [{"role": "user", "content": "x"}]});
    let resp = post(&gw.url("/v1/chat/completions"), &body).await;
    let (chunks, done) = data_events(&resp.text());
    assert!(done);
    assert_eq!(content(&chunks), "one two three four");
    assert_eq!(b.request_count(), 1);
}

#[tokio::test]
async fn a_failing_continuation_ends_with_the_error_event() {
    let a = cut_primary().await;
    let b = MockUpstream::always(Reply::error(500, "down too")).await;
    let gw = Gateway::start(&config(
        &a.base_url(),
        "openai-compatible",
        &b.base_url(),
        RESUME_ON,
    ))
    .await;
    let resp = post(&gw.url("/v1/chat/completions"), &stream_chat("a/m")).await;
    assert_eq!(resp.status, 200);
    assert_ends_with_error(&resp.text());
    assert_eq!(b.request_count(), 1);
}

#[tokio::test]
async fn a_tool_call_stream_is_not_resumed() {
    let tool = json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
        "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "t1", "type": "function",
            "function": {"name": "get", "arguments": "{\"a\""}}]}, "finish_reason": null}]});
    let a = MockUpstream::always(Reply::Stream {
        events: vec![tool.to_string(), tool.to_string()],
        gap: Duration::ZERO,
        done: true,
        hold_after_first: None,
        drop_after: Some(1),
    })
    .await;
    let b = openai_fallback(&["four"]).await;
    let gw = Gateway::start(&config(
        &a.base_url(),
        "openai-compatible",
        &b.base_url(),
        RESUME_ON,
    ))
    .await;
    let resp = post(&gw.url("/v1/chat/completions"), &stream_chat("a/m")).await;
    let text = resp.text();
    let last = text
        .split("\n\n")
        .filter(|e| !e.is_empty())
        .last()
        .unwrap_or_default();
    assert!(last.contains("\"error\""), "{text}");
    assert!(!text.contains("[DONE]"), "{text}");
    assert_eq!(b.request_count(), 0);
}

#[tokio::test]
async fn the_outcome_lists_both_parts_and_the_summed_usage() {
    let a = cut_primary().await;
    let b = openai_fallback(&["four"]).await;
    let config = config(&a.base_url(), "openai-compatible", &b.base_url(), RESUME_ON);
    let (gw, mut outcomes) = outcomes::gateway(&config).await;
    let resp = post(&gw.url("/v1/chat/completions"), &stream_chat("a/m")).await;
    assert!(data_events(&resp.text()).1);
    let outcome = outcomes.recv().await.unwrap();
    let tried = outcomes::tried(&outcome);
    assert_eq!(tried, [("a".into(), Some(200)), ("b".into(), Some(200))]);
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    let usage = outcome.usage.unwrap();
    assert_eq!(usage.completion_tokens, 4 + u64::from(word_tokens("four")));
}

#[tokio::test]
async fn a_resumed_stream_on_the_anthropic_route_is_one_valid_message() {
    let a = cut_primary().await;
    let b = openai_fallback(&["four."]).await;
    let gw = Gateway::start(&config(
        &a.base_url(),
        "openai-compatible",
        &b.base_url(),
        RESUME_ON,
    ))
    .await;
    let body = json!({"model": "a/m", "max_tokens": 50, "stream": true, "fallbacks": ["b/m"],
        "messages": [{"role": "user", "content": "x"}]});
    let resp = post(&gw.url("/anthropic/v1/messages"), &body).await;
    assert_eq!(resp.status, 200);
    let text = resp.text();
    assert_eq!(text.matches("event: message_start").count(), 1, "{text}");
    assert!(!text.contains("event: error"), "{text}");
    assert!(
        text.trim_end()
            .ends_with(r#"data: {"type":"message_stop"}"#),
        "{text}"
    );
    // The official SDK reads it as one message with the whole text.
    let out = assert_pytest_async(
        "test_stream_resume.py",
        &[
            ("BIFROST_ANTHROPIC_BASE_URL", gw.url("/anthropic")),
            ("BIFROST_RESUME_TEXT", "one two three four.".into()),
        ],
    )
    .await;
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("1 passed"), "{summary}");
    assert_eq!(b.request_count(), 2);
}

#[tokio::test]
async fn a_parameter_dropped_for_the_first_part_is_not_sent_to_the_continuation() {
    let a = MockUpstream::always(Reply::Stream {
        events: anthropic_events(&["one ", "two ", "three ", "four"]),
        gap: Duration::ZERO,
        done: false,
        hold_after_first: None,
        drop_after: Some(5),
    })
    .await;
    let b = MockUpstream::always(anthropic_stream("four.")).await;
    // Anthropic refuses `seed`; should_drop_params drops it.
    let extra = format!("{RESUME_ON}[client.compat]\nshould_drop_params = true\n");
    let config = config(&a.base_url(), "anthropic", &b.base_url(), &extra)
        .replace("type = \"openai-compatible\"", "type = \"anthropic\"");
    let gw = Gateway::start(&config).await;
    let body = json!({"model": "a/claude-x", "stream": true, "seed": 7, "fallbacks": ["b/claude-x"],
        "messages": [{"role": "user", "content": "x"}]});
    let resp = post(&gw.url("/v1/chat/completions"), &body).await;
    let (chunks, done) = data_events(&resp.text());
    assert!(done, "{}", resp.text());
    assert_eq!(content(&chunks), "one two three four.");
    let sent = &b.requests()[0].body;
    assert!(sent.get("seed").is_none(), "{sent}");
    assert_eq!(
        text_of(sent["messages"].as_array().unwrap().last().unwrap()),
        PART_ONE.trim_end()
    );
}

#[tokio::test]
async fn a_continuation_never_goes_to_the_key_that_cut_the_stream() {
    // Key `k1` (weight 1) is always picked first, and its streams are always cut; `k2`
    // (weight 0) is picked only when `k1` is passed over, and answers.
    let a = MockUpstream::start(|r| match r.bearer() {
        Some("sk-1") => Reply::Stream {
            events: chat_stream_events("m", &["one ", "two ", "three ", "four"]),
            gap: Duration::ZERO,
            done: true,
            hold_after_first: None,
            drop_after: Some(3),
        },
        _ => Reply::stream(chat_stream_events("m", &["four"])),
    })
    .await;
    let config = format!(
        "{RESUME_ON}[providers.a]\ntype = \"openai-compatible\"\nbase_url = \"{}\"\n\
         [[providers.a.keys]]\nname = \"k1\"\nvalue = \"sk-1\"\nweight = 1.0\n\
         [[providers.a.keys]]\nname = \"k2\"\nvalue = \"sk-2\"\nweight = 0.0\n",
        a.base_url()
    );
    let (gw, mut outcomes) = outcomes::gateway(&config).await;
    let body =
        json!({"model": "a/m", "stream": true, "messages": [{"role": "user", "content": "x"}]});
    let resp = post(&gw.url("/v1/chat/completions"), &body).await;
    let (chunks, done) = data_events(&resp.text());
    assert!(done, "{}", resp.text());
    assert_eq!(content(&chunks), "one two three four");
    let seen = a.requests();
    let keys: Vec<Option<&str>> = seen.iter().map(|r| r.bearer()).collect();
    assert_eq!(keys, [Some("sk-1"), Some("sk-2")]);
    assert_eq!(text_of(&seen[1].body["messages"][1]), PART_ONE);
    let outcome = outcomes.recv().await.unwrap();
    let used: Vec<Option<&str>> = outcome.attempts.iter().map(|a| a.key.as_deref()).collect();
    assert_eq!(used, [Some("k1"), Some("k2")]);
}
