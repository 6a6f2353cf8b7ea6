//! Unit tests of extended thinking (blocks out and back in, `reasoning_effort`), prompt
//! caching and temperature, against the fixtures in `tests/fixtures/anthropic`.

use serde_json::{json, Value};

use super::response::from_response;
use super::stream::Translator;
use super::tests::{fixture, translate};
use super::wire::MessagesResponse;
use crate::providers::ProviderError;
use crate::schema::Answer;

fn answer(fixture_name: &str) -> Value {
    let message: MessagesResponse = serde_json::from_value(fixture(fixture_name)).unwrap();
    let Answer::Typed(resp) = from_response(message) else {
        panic!("typed")
    };
    serde_json::to_value(&resp).unwrap()
}

fn thinking_blocks_of(fixture_name: &str) -> Value {
    let content = fixture(fixture_name)["content"].clone();
    let blocks: Vec<Value> = content
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "thinking" || b["type"] == "redacted_thinking")
        .cloned()
        .collect();
    Value::Array(blocks)
}

#[test]
fn thinking_and_redacted_thinking_blocks_are_kept_verbatim_with_their_signature() {
    let v = answer("thinking_response");
    let msg = &v["choices"][0]["message"];
    assert_eq!(
        msg["reasoning_content"],
        "The user asks for the weather in Paris. I need get_weather."
    );
    assert_eq!(
        msg["thinking_blocks"],
        thinking_blocks_of("thinking_response")
    );
    assert_eq!(msg["content"], "Let me look up the weather in Paris.");
    // prompt_tokens counts all input: uncached + cache reads + cache writes.
    assert_eq!(
        v["usage"],
        json!({"prompt_tokens": 4550, "completion_tokens": 210, "total_tokens": 4760,
            "prompt_tokens_details": {"cached_tokens": 3000, "cache_creation_tokens": 1500}})
    );
}

#[test]
fn a_returned_message_sends_its_thinking_blocks_back_first_and_unchanged() {
    let msg = answer("thinking_response")["choices"][0]["message"].clone();
    let built = translate(
        json!({"model": "x", "reasoning_effort": "low", "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            msg,
            {"role": "tool", "tool_call_id": "toolu_01CswdEQBMshySk6Y9DFKrfq", "content": "18C"},
        ]}),
    )
    .unwrap();
    let turn = &built["messages"][1];
    assert_eq!(turn["role"], "assistant");
    let content = turn["content"].as_array().unwrap();
    let types: Vec<&str> = content
        .iter()
        .map(|b| b["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["thinking", "redacted_thinking", "text", "tool_use"]);
    assert_eq!(
        Value::Array(content[..2].to_vec()),
        thinking_blocks_of("thinking_response")
    );
    // reasoning_content is not a field Anthropic knows; it must not leak through.
    assert!(!built.to_string().contains("reasoning_content"));
}

#[test]
fn reasoning_without_a_signature_is_dropped_not_invented() {
    let built = translate(json!({"model": "x", "messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello", "reasoning_content": "greet back",
            "thinking_blocks": [{"type": "thinking", "thinking": "greet back"}]},
        {"role": "user", "content": "bye"},
    ]}))
    .unwrap();
    assert_eq!(
        built["messages"][1]["content"],
        json!([{"type": "text", "text": "hello"}])
    );
    let err = translate(json!({"model": "x", "messages": [
        {"role": "assistant", "content": "a", "thinking_blocks": [{"type": "nope"}]},
    ]}))
    .unwrap_err();
    assert!(err.to_string().contains("thinking_blocks"), "{err}");
}

#[test]
fn a_thinking_stream_ends_each_block_with_the_whole_block_and_signature() {
    let mut t = Translator::new("m", true);
    let mut deltas = Vec::new();
    let mut usage = Value::Null;
    for e in fixture("stream_thinking").as_array().unwrap() {
        let step = t
            .event(e["event"].as_str(), &e["data"].to_string())
            .unwrap();
        for c in step.chunks {
            let c = serde_json::to_value(&c).unwrap();
            if let Some(choice) = c["choices"].get(0) {
                deltas.push(choice["delta"].clone());
            }
            if !c["usage"].is_null() {
                usage = c["usage"].clone();
            }
        }
    }
    let reasoning: String = deltas
        .iter()
        .filter_map(|d| d["reasoning_content"].as_str())
        .collect();
    assert_eq!(
        reasoning,
        "The user wants the weather in Paris; call get_weather."
    );
    let blocks: Vec<Value> = deltas
        .iter()
        .filter_map(|d| d["thinking_blocks"].as_array())
        .flatten()
        .cloned()
        .collect();
    assert_eq!(
        blocks,
        [
            json!({"type": "thinking",
                "thinking": "The user wants the weather in Paris; call get_weather.",
                "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}),
            json!({"type": "redacted_thinking",
                "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIw"}),
        ]
    );
    // The thinking block is complete before any answer text.
    let first_block = deltas
        .iter()
        .position(|d| d.get("thinking_blocks").is_some());
    let first_text = deltas
        .iter()
        .position(|d| d["content"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(first_block < first_text, "{deltas:?}");
    assert_eq!(
        usage,
        json!({"prompt_tokens": 2320, "completion_tokens": 150, "total_tokens": 2470,
            "prompt_tokens_details": {"cached_tokens": 2000, "cache_creation_tokens": 300}})
    );
}

#[test]
fn reasoning_effort_becomes_a_thinking_budget_below_max_tokens() {
    let hi = json!([{"role": "user", "content": "hi"}]);
    for (effort, budget) in [("low", 1024), ("medium", 4096), ("high", 16384)] {
        let built =
            translate(json!({"model": "x", "reasoning_effort": effort, "messages": hi})).unwrap();
        assert_eq!(
            built["thinking"],
            json!({"type": "enabled", "budget_tokens": budget})
        );
        assert_eq!(built["max_tokens"], budget + 4096);
    }
    let none =
        translate(json!({"model": "x", "reasoning_effort": "none", "messages": hi})).unwrap();
    assert!(none.get("thinking").is_none() && none["max_tokens"] == 4096);
    let set = translate(
        json!({"model": "x", "reasoning_effort": "medium", "max_tokens": 9000,
        "messages": hi}),
    )
    .unwrap();
    assert_eq!(set["max_tokens"], 9000);
    let err = translate(
        json!({"model": "x", "reasoning_effort": "high", "max_tokens": 8000,
        "messages": hi}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("thinking budget"), "{err}");
    let err = translate(json!({"model": "x", "reasoning_effort": "extreme", "messages": hi}))
        .unwrap_err();
    assert!(err.to_string().contains("reasoning_effort"), "{err}");
}

#[test]
fn an_explicit_thinking_parameter_passes_through_untouched_and_wins() {
    let thinking = json!({"type": "enabled", "budget_tokens": 2000, "future_flag": true});
    let built = translate(
        json!({"model": "x", "thinking": thinking, "reasoning_effort": "high",
        "messages": [{"role": "user", "content": "hi"}]}),
    )
    .unwrap();
    assert_eq!(built["thinking"], thinking);
    assert_eq!(built["max_tokens"], 2000 + 4096);
}

#[test]
fn cache_control_reaches_system_blocks_content_messages_and_tools() {
    let built = translate(fixture("openai_cache_request")).unwrap();
    assert_eq!(built, fixture("messages_cache_request"));
    // cache_control on a tool message goes on its tool_result block.
    let built = translate(json!({"model": "x", "messages": [
        {"role": "assistant", "tool_calls": [{"id": "t1", "type": "function",
            "function": {"name": "f", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "t1", "content": "done",
            "cache_control": {"type": "ephemeral"}},
    ]}))
    .unwrap();
    assert_eq!(
        built["messages"][1]["content"][0],
        json!({"type": "tool_result", "tool_use_id": "t1",
            "content": [{"type": "text", "text": "done"}], "cache_control": {"type": "ephemeral"}})
    );
}

#[test]
fn temperature_above_one_is_clamped_and_below_zero_refused() {
    let hi = json!([{"role": "user", "content": "hi"}]);
    for (sent, expected) in [
        (json!(0), json!(0.0)),
        (json!(0.7), json!(0.7)),
        (json!(1), json!(1.0)),
        (json!(2), json!(1.0)),
    ] {
        let built = translate(json!({"model": "x", "temperature": sent, "messages": hi})).unwrap();
        assert_eq!(built["temperature"], expected, "{sent}");
    }
    for bad in [json!(-0.1), json!("hot")] {
        let err = translate(json!({"model": "x", "temperature": bad, "messages": hi})).unwrap_err();
        assert!(
            matches!(&err, ProviderError::Unsupported(m) if m.contains("temperature")),
            "{err:?}"
        );
    }
}
