//! Unit tests of the pure translations against the fixtures in `tests/fixtures/gemini`,
//! written from the Gemini API reference (generateContent, streamGenerateContent,
//! batchEmbedContents).

use serde_json::{json, Value};

use super::convert::to_request;
use super::response::from_response;
use super::stream::Translator;
use super::wire::GenerateContentResponse;
use crate::providers::ProviderError;
use crate::schema::{Answer, ChatChunk, ChatRequest, ChatResponse};

fn fixture(name: &str) -> Value {
    crate::providers::test_fixture(&format!("gemini/{name}"))
}

fn translate(body: Value) -> Result<Value, ProviderError> {
    let req: ChatRequest = serde_json::from_value(body).unwrap();
    to_request(&req).map(|r| serde_json::to_value(r).unwrap())
}

fn hi(extra: Value) -> Value {
    let mut body = json!({"model": "x", "messages": [{"role": "user", "content": "hi"}]});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

fn answer(v: Value) -> Value {
    let r: GenerateContentResponse = serde_json::from_value(v).unwrap();
    let Answer::Typed(resp): Answer<ChatResponse> = from_response(r, "gemini-x", "chatcmpl-req1")
    else {
        panic!("typed")
    };
    serde_json::to_value(resp).unwrap()
}

#[test]
fn a_tool_conversation_with_system_images_and_results_translates_exactly() {
    let built = translate(fixture("openai_tool_request")).unwrap();
    assert_eq!(built, fixture("generate_content_request"));
}

#[test]
fn tool_choice_response_format_and_thinking_map_to_gemini_settings() {
    let built = translate(hi(json!({
        "tool_choice": {"type": "function", "function": {"name": "f"}},
        "response_format": {"type": "json_schema", "json_schema": {"name": "r",
            "schema": {"type": "object", "properties": {"a": {"type": "string"}},
                "additionalProperties": false}}},
        "max_completion_tokens": 9, "max_tokens": 99, "reasoning_effort": "none",
        "stop": "x", "brand_new_openai_param": 1,
    })))
    .unwrap();
    assert_eq!(
        built["toolConfig"],
        json!({"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["f"]}})
    );
    let config = &built["generationConfig"];
    assert_eq!(config["responseMimeType"], "application/json");
    assert_eq!(config["responseJsonSchema"]["additionalProperties"], false);
    assert_eq!(config["maxOutputTokens"], 9);
    assert_eq!(config["stopSequences"], json!(["x"]));
    assert_eq!(config["thinkingConfig"], json!({"thinkingBudget": 0}));
    assert!(built.get("brand_new_openai_param").is_none());
    for (choice, mode) in [("none", "NONE"), ("required", "ANY"), ("auto", "AUTO")] {
        let built = translate(hi(json!({"tool_choice": choice}))).unwrap();
        assert_eq!(built["toolConfig"]["functionCallingConfig"]["mode"], mode);
    }
    let json_object = translate(hi(json!({"response_format": {"type": "json_object"}}))).unwrap();
    assert_eq!(
        json_object["generationConfig"],
        json!({"responseMimeType": "application/json"})
    );
    let plain = translate(hi(json!({}))).unwrap();
    assert_eq!(
        plain,
        json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]})
    );
}

#[test]
fn parameters_gemini_lacks_are_refused_by_name_and_neutral_values_pass() {
    for (name, value) in [
        ("logit_bias", json!({"50256": -100})),
        ("logprobs", json!(true)),
        ("top_logprobs", json!(3)),
        ("audio", json!({"voice": "alloy"})),
        ("parallel_tool_calls", json!(false)),
    ] {
        let err = translate(hi(json!({ name: value }))).unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(&err, ProviderError::UnsupportedParam { param, .. } if param == name)
                && text.contains(&format!("parameter `{name}`"))
                && text.contains("gemini"),
            "{name}: {text}"
        );
    }
    let neutral = hi(json!({"logit_bias": {}, "logprobs": false, "parallel_tool_calls": true}));
    assert!(translate(neutral).is_ok());
}

#[test]
fn malformed_requests_are_clear_errors_naming_the_field() {
    let cases = [
        (
            json!({"model": "x", "messages": [
                {"role": "user", "content": "hi"},
                {"role": "assistant", "tool_calls": [{"id": "t1", "type": "function",
                    "function": {"name": "f", "arguments": "{not json"}}]}]}),
            "messages[1].tool_calls[0].function.arguments",
        ),
        (
            json!({"model": "x", "messages": [
                {"role": "tool", "tool_call_id": "nope", "content": "1"}]}),
            "tool_call_id `nope`",
        ),
        (hi(json!({"temperature": "hot"})), "`temperature`"),
        (
            hi(json!({"reasoning_effort": "extreme"})),
            "reasoning_effort",
        ),
    ];
    for (body, needle) in cases {
        let err = translate(body).unwrap_err();
        assert!(
            matches!(&err, ProviderError::Unsupported(m) if m.contains(needle)),
            "{needle}: {err:?}"
        );
    }
}

#[test]
fn a_response_with_thoughts_text_and_calls_becomes_an_openai_message() {
    let v = answer(fixture("generate_content_response"));
    assert_eq!(v["id"], "mDxbaOXRGoC7nvgPq8vY4AM");
    assert_eq!(v["object"], "chat.completion");
    assert_eq!(v["model"], "gemini-2.5-flash");
    let choice = &v["choices"][0];
    assert_eq!(choice["index"], 0);
    assert_eq!(choice["finish_reason"], "tool_calls");
    assert_eq!(choice["message"]["role"], "assistant");
    assert_eq!(choice["message"]["content"], "Let me look that up.");
    assert_eq!(
        choice["message"]["reasoning_content"],
        "The user wants the weather in Paris, so I should call get_weather."
    );
    let calls = &choice["message"]["tool_calls"];
    assert_eq!(calls[0]["id"], "call_0");
    assert_eq!(calls[0]["function"]["name"], "get_weather");
    let args: Value =
        serde_json::from_str(calls[0]["function"]["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(
        args,
        json!({"location": "Paris, France", "unit": "celsius"})
    );
    assert_eq!(
        calls[0]["extra_content"]["google"]["thought_signature"],
        "CiQB0e2Kb7sig"
    );
    assert_eq!(calls[1]["id"], "fc_7b2");
    assert_eq!(calls[1]["function"]["arguments"], "{}");
    let usage = &v["usage"];
    assert_eq!(usage["prompt_tokens"], 120);
    assert_eq!(usage["completion_tokens"], 65);
    assert_eq!(usage["total_tokens"], 185);
    assert_eq!(usage["prompt_tokens_details"]["cached_tokens"], 64);
    assert_eq!(usage["completion_tokens_details"]["reasoning_tokens"], 40);
}

#[test]
fn finish_reasons_map_to_openai_ones() {
    for (reason, expected) in [
        ("STOP", "stop"),
        ("MAX_TOKENS", "length"),
        ("SAFETY", "content_filter"),
        ("RECITATION", "content_filter"),
        ("PROHIBITED_CONTENT", "content_filter"),
        ("MALFORMED_FUNCTION_CALL", "stop"),
    ] {
        let v = answer(json!({"candidates": [{"content": {"role": "model",
            "parts": [{"text": "x"}]}, "finishReason": reason}]}));
        assert_eq!(v["choices"][0]["finish_reason"], expected, "{reason}");
        assert_eq!(v["id"], "chatcmpl-req1");
        assert_eq!(v["model"], "gemini-x");
    }
}

#[test]
fn a_blocked_prompt_is_an_answer_that_says_why() {
    let v = answer(fixture("blocked_response"));
    let choice = &v["choices"][0];
    assert_eq!(choice["finish_reason"], "content_filter");
    let text = choice["message"]["content"].as_str().unwrap();
    assert!(
        text.contains("blocked") && text.contains("SAFETY"),
        "{text}"
    );
    assert_eq!(v["usage"]["prompt_tokens"], 9);
}

fn run_stream(events: &[Value], include_usage: bool) -> Vec<ChatChunk> {
    let mut t = Translator::new("gemini-x", "chatcmpl-req1", include_usage);
    let mut out = Vec::new();
    for e in events {
        out.extend(t.event(&e.to_string()).unwrap());
    }
    out.extend(t.end().unwrap());
    out
}

#[test]
fn a_stream_with_text_a_call_and_usage_becomes_openai_chunks() {
    let events = fixture("stream_text_tool");
    let chunks = run_stream(events.as_array().unwrap(), true);
    let v: Vec<Value> = chunks
        .iter()
        .map(|c| serde_json::to_value(c).unwrap())
        .collect();
    assert!(v
        .iter()
        .all(|c| c["id"] == "strm_3Hq" && c["model"] == "gemini-2.5-flash"));
    assert_eq!(
        v[0]["choices"][0]["delta"],
        json!({"content": "Checking the", "role": "assistant"})
    );
    assert_eq!(
        v[1]["choices"][0]["delta"],
        json!({"content": " weather in Paris."})
    );
    let call = &v[2]["choices"][0]["delta"]["tool_calls"][0];
    assert_eq!(call["index"], 0);
    assert_eq!(call["id"], "call_0");
    assert_eq!(call["function"]["name"], "get_weather");
    assert_eq!(
        call["function"]["arguments"],
        r#"{"location":"Paris, France"}"#
    );
    assert_eq!(v[3]["choices"][0]["finish_reason"], "tool_calls");
    assert_eq!(v[4]["choices"], json!([]));
    assert_eq!(v[4]["usage"]["prompt_tokens"], 31);
    assert_eq!(v[4]["usage"]["completion_tokens"], 14);
    assert_eq!(v[4]["usage"]["total_tokens"], 45);
    assert_eq!(v.len(), 5);
    assert_eq!(run_stream(events.as_array().unwrap(), false).len(), 4);
}

#[test]
fn stream_errors_incomplete_streams_and_blocks() {
    let mut t = Translator::new("m", "id", false);
    let err = t
        .event(r#"{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}"#)
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::Status { status: 429, message, .. } if message.contains("exhausted")),
        "{err:?}"
    );
    assert!(matches!(
        t.event("{not json"),
        Err(ProviderError::InvalidResponse(_))
    ));
    let events = fixture("stream_text_tool");
    let mut t = Translator::new("m", "id", false);
    t.event(&events[0].to_string()).unwrap();
    assert!(t.end().unwrap_err().to_string().contains("incomplete"));
    let chunks = run_stream(&[fixture("blocked_response")], false);
    let v = serde_json::to_value(&chunks).unwrap();
    assert!(v[0]["choices"][0]["delta"]["content"]
        .as_str()
        .unwrap()
        .contains("SAFETY"));
    assert_eq!(v[1]["choices"][0]["finish_reason"], "content_filter");
}
