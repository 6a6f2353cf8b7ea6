//! Unit tests of the pure translations (`convert`, `stream`) against the fixtures in
//! `tests/fixtures/anthropic`, written from Anthropic's API reference.

use serde_json::{json, Value};

use super::convert::to_request;
use super::response::from_response;
use super::stream::{Step, Translator};
use super::wire::MessagesResponse;
use crate::providers::ProviderError;
use crate::schema::{Answer, ChatChunk, ChatRequest};

/// A fixture of `tests/fixtures/anthropic` by file stem.
pub(super) fn fixture(name: &str) -> Value {
    crate::providers::test_fixture(&format!("anthropic/{name}"))
}

fn request(body: Value) -> ChatRequest {
    serde_json::from_value(body).unwrap()
}

/// The Anthropic request body for an OpenAI one.
pub(super) fn translate(body: Value) -> Result<Value, ProviderError> {
    to_request("claude-sonnet-4-20250514", &request(body)).map(|r| serde_json::to_value(r).unwrap())
}

#[test]
fn a_tool_conversation_with_system_image_and_results_translates_exactly() {
    let built = translate(fixture("openai_tool_request")).unwrap();
    assert_eq!(built, fixture("messages_request"));
}

#[test]
fn defaults_and_simple_parameters() {
    let built = translate(json!({
        "model": "x", "stream": true, "max_tokens": 50, "stop": ["a", "b"],
        "tool_choice": {"type": "function", "function": {"name": "f"}},
        "messages": [{"role": "user", "content": "hi"}], "brand_new_openai_param": 1,
    }))
    .unwrap();
    assert_eq!(built["max_tokens"], 50);
    assert_eq!(built["stream"], true);
    assert_eq!(built["stop_sequences"], json!(["a", "b"]));
    assert_eq!(built["tool_choice"], json!({"type": "tool", "name": "f"}));
    assert_eq!(
        built["messages"],
        json!([{"role": "user", "content": [{"type": "text", "text": "hi"}]}])
    );
    assert!(built.get("brand_new_openai_param").is_none());
    let plain = translate(json!({"model": "x", "tool_choice": "required",
        "messages": [{"role": "user", "content": "hi"}]}))
    .unwrap();
    assert_eq!(plain["max_tokens"], 4096);
    assert_eq!(plain["tool_choice"], json!({"type": "any"}));
    assert!(plain.get("system").is_none() && plain.get("stream").is_none());
}

#[test]
fn parameters_anthropic_lacks_are_refused_by_name() {
    for (name, value) in [
        ("n", json!(2)),
        ("logprobs", json!(true)),
        ("presence_penalty", json!(0.5)),
        ("frequency_penalty", json!(1)),
        ("seed", json!(7)),
        (
            "response_format",
            json!({"type": "json_schema", "json_schema": {"name": "x"}}),
        ),
    ] {
        let mut body = json!({"model": "x", "messages": [{"role": "user", "content": "hi"}]});
        body[name] = value;
        let err = translate(body).unwrap_err();
        // Structured, so `should_drop_params` knows which member to remove.
        assert!(
            matches!(&err, ProviderError::UnsupportedParam { param, .. } if param == name),
            "{name}: {err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains(&format!("parameter `{name}`")) && text.contains("anthropic"),
            "{text}"
        );
    }
}

#[test]
fn invalid_tool_arguments_are_a_clear_error() {
    let err = translate(json!({"model": "x", "messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "tool_calls": [{"id": "t1", "type": "function",
            "function": {"name": "f", "arguments": "{not json"}}]},
    ]}))
    .unwrap_err();
    assert!(
        matches!(&err, ProviderError::Unsupported(m) if m.contains("`f`") && m.contains("JSON")),
        "{err:?}"
    );
}

#[test]
fn a_response_with_thinking_text_and_tool_use_becomes_an_openai_message() {
    let message: MessagesResponse = serde_json::from_value(fixture("messages_response")).unwrap();
    let Answer::Typed(resp) = from_response(message) else {
        panic!("typed")
    };
    let v = serde_json::to_value(&resp).unwrap();
    assert_eq!(v["id"], "msg_01XFDUDYJgAACzvnptvVoYEL");
    assert_eq!(v["object"], "chat.completion");
    let choice = &v["choices"][0];
    assert_eq!(choice["finish_reason"], "tool_calls");
    let msg = &choice["message"];
    assert_eq!(msg["role"], "assistant");
    assert_eq!(
        msg["content"],
        "I'll check the current weather in Paris for you."
    );
    assert_eq!(
        msg["reasoning_content"],
        "The user wants the weather in Paris. I should call get_weather."
    );
    let call = &msg["tool_calls"][0];
    assert_eq!(call["id"], "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assert_eq!(call["type"], "function");
    assert_eq!(call["function"]["name"], "get_weather");
    let args: Value =
        serde_json::from_str(call["function"]["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(
        args,
        json!({"location": "Paris, France", "unit": "celsius"})
    );
    // Cached input counts toward prompt_tokens, as in OpenAI's usage.
    assert_eq!(
        v["usage"],
        json!({"prompt_tokens": 1772, "completion_tokens": 89, "total_tokens": 1861,
            "prompt_tokens_details": {"cached_tokens": 1200, "cache_creation_tokens": 100}})
    );
}

fn run_stream(include_usage: bool) -> (Vec<ChatChunk>, bool) {
    let mut t = Translator::new("fallback-model", include_usage);
    let (mut chunks, mut done) = (Vec::new(), false);
    for e in fixture("stream_tool_use").as_array().unwrap() {
        assert!(!done, "events after message_stop");
        let Step { chunks: c, done: d } = t
            .event(e["event"].as_str(), &e["data"].to_string())
            .unwrap();
        chunks.extend(c);
        done = d;
    }
    (chunks, done)
}

#[test]
fn a_stream_translates_event_by_event() {
    let (chunks, done) = run_stream(true);
    assert!(done);
    let v: Vec<Value> = chunks
        .iter()
        .map(|c| serde_json::to_value(c).unwrap())
        .collect();
    assert!(v
        .iter()
        .all(|c| c["id"] == "msg_014p7gG3wDgGV9EUtLvnow3U"
            && c["model"] == "claude-sonnet-4-20250514"));
    assert_eq!(v[0]["choices"][0]["delta"]["role"], "assistant");
    let deltas: Vec<&Value> = v
        .iter()
        .filter_map(|c| c["choices"].get(0))
        .map(|c| &c["delta"])
        .collect();
    let text: String = deltas
        .iter()
        .filter_map(|d| d["content"].as_str())
        .collect();
    assert_eq!(text, "Okay, let's check the weather for San Francisco, CA:");
    let calls: Vec<&Value> = deltas
        .iter()
        .filter_map(|d| d.get("tool_calls"))
        .map(|c| &c[0])
        .collect();
    assert_eq!(calls[0]["index"], 0);
    assert_eq!(calls[0]["id"], "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
    assert_eq!(calls[0]["function"]["name"], "get_weather");
    assert!(calls.iter().all(|c| c["index"] == 0));
    let args: String = calls
        .iter()
        .filter_map(|c| c["function"]["arguments"].as_str())
        .collect();
    assert_eq!(
        args,
        r#"{"location": "San Francisco, CA", "unit": "fahrenheit"}"#
    );
    let finish = &v[v.len() - 2]["choices"][0];
    assert_eq!(finish["finish_reason"], "tool_calls");
    let last = v.last().unwrap();
    assert_eq!(last["choices"], json!([]));
    assert_eq!(last["usage"]["prompt_tokens"], 472);
    assert_eq!(last["usage"]["completion_tokens"], 89);
    assert_eq!(last["usage"]["total_tokens"], 561);
}

#[test]
fn without_include_usage_there_is_no_usage_chunk() {
    let (chunks, done) = run_stream(false);
    assert!(done);
    assert!(chunks
        .iter()
        .all(|c| c.usage.is_none() && !c.choices.is_empty()));
}

#[test]
fn stream_errors_and_unknown_events() {
    let mut t = Translator::new("m", false);
    let step = t
        .event(
            Some("brand_new_event"),
            r#"{"type":"brand_new_event","x":1}"#,
        )
        .unwrap();
    assert!(step.chunks.is_empty() && !step.done);
    let thinking = t
        .event(None, r#"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}}"#)
        .unwrap();
    assert_eq!(
        thinking.chunks[0].choices[0].delta["reasoning_content"],
        "hmm"
    );
    let err = t
        .event(
            Some("error"),
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        )
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::Status { status: 529, message, .. } if message == "Overloaded"),
        "{err:?}"
    );
}

#[test]
fn stop_reasons_map_to_openai_finish_reasons() {
    use super::response::finish_reason;
    for (anthropic, openai) in [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_calls"),
        ("refusal", "content_filter"),
    ] {
        assert_eq!(finish_reason(anthropic), openai);
    }
}

#[test]
fn tool_choice_none_never_carries_the_parallel_flag() {
    let built = translate(
        json!({"model": "x", "tool_choice": "none", "parallel_tool_calls": false,
        "messages": [{"role": "user", "content": "hi"}]}),
    )
    .unwrap();
    assert_eq!(built["tool_choice"], json!({"type": "none"}));
    let err = translate(json!({"model": "x", "max_tokens": 0,
        "messages": [{"role": "user", "content": "hi"}]}))
    .unwrap_err();
    assert!(err.to_string().contains("max_tokens"), "{err}");
}
