//! Unit tests of the pure translations against the fixtures in `tests/fixtures/cohere`,
//! written from Cohere's v2 API reference.

use serde_json::{json, Value};

use super::convert::to_request;
use super::response::from_response;
use super::stream::Translator;
use crate::providers::ProviderError;
use crate::schema::{Answer, ChatChunk, ChatRequest, ChatResponse};

fn fixture(name: &str) -> Value {
    crate::providers::test_fixture(&format!("cohere/{name}"))
}

fn translate(body: Value) -> Result<Value, ProviderError> {
    let req: ChatRequest = serde_json::from_value(body).unwrap();
    to_request("command-a-03-2025", &req).map(|r| serde_json::to_value(r).unwrap())
}

fn answer(body: Value) -> ChatResponse {
    match from_response("command-a-03-2025", serde_json::from_value(body).unwrap()).unwrap() {
        Answer::Typed(r) => r,
        Answer::Raw { .. } => panic!("translations are typed"),
    }
}

fn hi(extra: Value) -> Value {
    let mut body = json!({"model": "x", "messages": [{"role": "user", "content": "hi"}]});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

#[test]
fn a_tool_conversation_with_system_image_and_results_translates_exactly() {
    assert_eq!(
        translate(fixture("openai_tool_request")).unwrap(),
        fixture("chat_request")
    );
}

#[test]
fn tool_choice_and_response_format_map_to_cohere_terms() {
    let none = translate(hi(json!({"tool_choice": "none"}))).unwrap();
    assert_eq!(none["tool_choice"], "NONE");
    let auto = translate(hi(json!({"tool_choice": "auto", "stream": true}))).unwrap();
    assert!(auto.get("tool_choice").is_none());
    assert_eq!(auto["stream"], true);
    let tool = |name: &str| json!({"type": "function", "function": {"name": name}});
    let forced = translate(hi(json!({"tools": [tool("a"), tool("b")],
        "tool_choice": {"type": "function", "function": {"name": "b"}}})))
    .unwrap();
    assert_eq!(forced["tools"], json!([tool("b")]));
    assert_eq!(forced["tool_choice"], "REQUIRED");
    let obj = translate(hi(json!({"response_format": {"type": "json_object"}}))).unwrap();
    assert_eq!(obj["response_format"], json!({"type": "json_object"}));
    let schema = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    let js = translate(hi(json!({"response_format": {"type": "json_schema",
        "json_schema": {"name": "x", "schema": schema}}})))
    .unwrap();
    assert_eq!(
        js["response_format"],
        json!({"type": "json_object", "json_schema": schema})
    );
    let plain = translate(hi(json!({"brand_new_openai_param": 1}))).unwrap();
    assert_eq!(
        plain,
        json!({"model": "command-a-03-2025",
        "messages": [{"role": "user", "content": "hi"}]})
    );
}

#[test]
fn parameters_cohere_lacks_are_refused_by_name() {
    for (name, value) in [
        ("logit_bias", json!({"50256": -100})),
        ("n", json!(2)),
        ("logprobs", json!(true)),
        ("parallel_tool_calls", json!(false)),
    ] {
        let err = translate(hi(json!({ name: value }))).unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(&err, ProviderError::UnsupportedParam { param, .. } if param == name),
            "{name}"
        );
        assert!(
            text.contains(&format!("`{name}`")) && text.contains("cohere"),
            "{text}"
        );
    }
    for (name, value) in [
        ("n", json!(1)),
        ("logprobs", json!(false)),
        ("logit_bias", json!({})),
    ] {
        assert!(
            translate(hi(json!({ name: value }))).is_ok(),
            "{name} neutral"
        );
    }
}

#[test]
fn a_tool_call_answer_becomes_openai_tool_calls_with_the_plan_as_content() {
    let r = answer(fixture("chat_response"));
    let choice = &r.choices[0];
    assert_eq!(r.model, "command-a-03-2025");
    assert_eq!(r.id, "7aa2d4d1-1d2f-4d0e-a6f6-5a1e4e1bd5c2");
    assert_eq!(choice.finish_reason.as_deref(), Some("tool_calls"));
    assert_eq!(
        choice.message.content,
        Some(json!("I will search for the weather in Madrid tomorrow."))
    );
    let call = &choice.message.extra["tool_calls"][0];
    assert_eq!(call["id"], "get_weather_4f9zb1c7mq2n");
    assert_eq!(
        call["function"]["arguments"],
        "{\"location\":\"Madrid\",\"day\":\"tomorrow\"}"
    );
    let usage = r.usage.unwrap();
    assert_eq!(
        (
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens
        ),
        (1042, 61, 1103)
    );
}

#[test]
fn finish_reasons_and_billed_units_map() {
    let mut body = fixture("chat_response_text");
    let r = answer(body.clone());
    assert_eq!(
        r.choices[0].message.content,
        Some(json!("Tomorrow Madrid will be sunny, around 26°C."))
    );
    assert_eq!(r.choices[0].finish_reason.as_deref(), Some("stop"));
    for (cohere, openai) in [("MAX_TOKENS", "length"), ("STOP_SEQUENCE", "stop")] {
        body["finish_reason"] = json!(cohere);
        assert_eq!(
            answer(body.clone()).choices[0].finish_reason.as_deref(),
            Some(openai)
        );
    }
    body["usage"] = json!({"billed_units": {"input_tokens": 5, "output_tokens": 6}});
    assert_eq!(answer(body.clone()).usage.unwrap().total_tokens, 11);
    body["finish_reason"] = json!("ERROR");
    let err = from_response("m", serde_json::from_value(body).unwrap()).unwrap_err();
    assert!(err.to_string().contains("ERROR"), "{err}");
}

fn run(events: &[Value], include_usage: bool) -> (Vec<ChatChunk>, bool) {
    let mut t = Translator::new("command-a-03-2025", include_usage);
    let mut chunks = Vec::new();
    for e in events {
        let step = t.event(&e.to_string()).unwrap();
        chunks.extend(step.chunks);
        if step.done {
            return (chunks, true);
        }
    }
    (chunks, false)
}

#[test]
fn a_tool_call_stream_translates_event_by_event() {
    let events = fixture("stream_tool_call");
    let (chunks, done) = run(events.as_array().unwrap(), true);
    assert!(done);
    let c: Vec<Value> = chunks
        .iter()
        .map(|c| serde_json::to_value(c).unwrap())
        .collect();
    assert_eq!(c[0]["id"], "fba98ad3-e5a1-413c-a8de-84fbf9baabf7");
    assert_eq!(
        c[0]["choices"][0]["delta"],
        json!({"role": "assistant", "content": ""})
    );
    assert_eq!(c[1]["choices"][0]["delta"]["content"], "I will check");
    let head = &c[3]["choices"][0]["delta"]["tool_calls"][0];
    assert_eq!(head["index"], 0);
    assert_eq!(head["id"], "get_weather_nsz5zm3w56q3");
    assert_eq!(head["function"]["name"], "get_weather");
    let args: String = c
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"].as_str())
        .collect();
    assert_eq!(args, "{\"location\":\"Madrid\"}");
    let n = c.len();
    assert_eq!(c[n - 2]["choices"][0]["finish_reason"], "tool_calls");
    assert_eq!(c[n - 1]["choices"], json!([]));
    assert_eq!(c[n - 1]["usage"]["total_tokens"], 994);
}

#[test]
fn a_text_stream_sends_each_delta_and_no_usage_unless_asked() {
    let events = fixture("stream_text");
    let (chunks, done) = run(events.as_array().unwrap(), false);
    assert!(done);
    let text: String = chunks
        .iter()
        .filter_map(|c| {
            c.choices
                .first()?
                .delta
                .get("content")?
                .as_str()
                .map(str::to_string)
        })
        .collect();
    assert_eq!(text, "Sunny and warm.");
    assert!(chunks.iter().all(|c| c.usage.is_none()));
    assert_eq!(
        chunks.last().unwrap().choices[0].finish_reason.as_deref(),
        Some("stop")
    );
}

#[test]
fn broken_or_failed_streams_are_errors() {
    let mut t = Translator::new("m", false);
    assert!(matches!(
        t.event("{not json"),
        Err(ProviderError::InvalidResponse(_))
    ));
    let err = t
        .event(r#"{"message": "internal server error"}"#)
        .unwrap_err();
    assert!(err.to_string().contains("internal server error"), "{err}");
    let err = t
        .event(
            r#"{"type":"message-end","delta":{"finish_reason":"ERROR","error":"model crashed"}}"#,
        )
        .unwrap_err();
    assert!(err.to_string().contains("model crashed"), "{err}");
    let err = t
        .event(r#"{"type":"tool-call-delta","index":3,"delta":{}}"#)
        .unwrap_err();
    assert!(err.to_string().contains("never started"), "{err}");
}
