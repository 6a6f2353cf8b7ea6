//! Unit tests of the pure translations (`convert`, `response`, `stream`) against
//! the fixtures in `tests/fixtures/bedrock`, written from the Bedrock API reference.

use bytes::Bytes;
use serde_json::{json, Value};

use super::convert::to_request;
use super::eventstream::Frame;
use super::response::from_response;
use super::stream::Translator;
use super::wire::ConverseResponse;
use crate::providers::ProviderError;
use crate::schema::{Answer, ChatChunk, ChatRequest};

fn fixture(name: &str) -> Value {
    crate::providers::test_fixture(&format!("bedrock/{name}"))
}

fn translate(body: Value) -> Result<Value, ProviderError> {
    let req: ChatRequest = serde_json::from_value(body).unwrap();
    to_request(&req).map(|r| serde_json::to_value(r).unwrap())
}

fn hi(extra: Value) -> Value {
    let mut body = json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

#[test]
fn a_tool_conversation_with_system_image_and_results_translates_exactly() {
    assert_eq!(
        translate(fixture("openai_tool_request")).unwrap(),
        fixture("converse_request")
    );
}

#[test]
fn minimal_request_and_tool_choices() {
    let built = translate(hi(json!({"brand_new_openai_param": 1}))).unwrap();
    assert_eq!(
        built,
        json!({"messages": [{"role": "user", "content": [{"text": "hi"}]}]})
    );
    let tools = json!([{"type": "function", "function": {"name": "f"}}]);
    let choice = |c: Value| translate(hi(json!({"tools": tools, "tool_choice": c}))).unwrap();
    assert_eq!(
        choice(json!("required"))["toolConfig"]["toolChoice"],
        json!({"any": {}})
    );
    assert_eq!(
        choice(json!({"type": "function", "function": {"name": "f"}}))["toolConfig"]["toolChoice"],
        json!({"tool": {"name": "f"}})
    );
    assert!(choice(json!("none")).get("toolConfig").is_none());
    let spec = &choice(json!("auto"))["toolConfig"]["tools"][0]["toolSpec"];
    assert_eq!(
        spec["inputSchema"],
        json!({"json": {"type": "object", "properties": {}}})
    );
}

#[test]
fn parameters_bedrock_lacks_are_refused_by_name() {
    for (name, value) in [
        ("seed", json!(1)),
        ("logit_bias", json!({"50256": -100})),
        ("logprobs", json!(true)),
        ("n", json!(2)),
        ("presence_penalty", json!(0.5)),
        ("frequency_penalty", json!(1)),
        (
            "response_format",
            json!({"type": "json_schema", "json_schema": {"name": "x", "schema": {}}}),
        ),
    ] {
        let err = translate(hi(json!({name: value}))).unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(&err, ProviderError::UnsupportedParam { param, .. } if param == name),
            "{name}"
        );
        assert!(
            text.contains(&format!("`{name}`")) && text.contains("bedrock"),
            "{text}"
        );
    }
    // Neutral values that SDKs send by default pass.
    translate(hi(
        json!({"n": 1, "presence_penalty": 0, "logprobs": false}),
    ))
    .unwrap();
}

#[test]
fn images_by_url_are_refused_with_a_way_out() {
    let body = json!({"model": "m", "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]}]});
    let text = translate(body).unwrap_err().to_string();
    assert!(text.contains("data: URL"), "{text}");
}

#[test]
fn a_converse_answer_becomes_an_openai_completion() {
    let r: ConverseResponse = serde_json::from_value(fixture("converse_response")).unwrap();
    let Answer::Typed(answer) = from_response(r, "claude") else {
        panic!("raw")
    };
    let answer = serde_json::to_value(answer).unwrap();
    let choice = &answer["choices"][0];
    assert_eq!(answer["model"], "claude");
    assert_eq!(choice["finish_reason"], "tool_calls");
    assert_eq!(
        choice["message"]["content"],
        "I'll check the current weather in Paris for you."
    );
    assert!(choice["message"]["reasoning_content"]
        .as_str()
        .unwrap()
        .contains("get_weather"));
    let call = &choice["message"]["tool_calls"][0];
    assert_eq!(call["id"], "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q");
    assert_eq!(call["function"]["name"], "get_weather");
    let args: Value =
        serde_json::from_str(call["function"]["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(
        args,
        json!({"location": "Paris, France", "unit": "celsius"})
    );
    assert_eq!(answer["usage"]["prompt_tokens"], 1772);
    assert_eq!(answer["usage"]["completion_tokens"], 89);
    assert_eq!(answer["usage"]["total_tokens"], 1861);
    assert_eq!(
        answer["usage"]["prompt_tokens_details"]["cached_tokens"],
        1200
    );
}

fn frames() -> Vec<Frame> {
    fixture("converse_stream")
        .as_array()
        .unwrap()
        .iter()
        .map(|e| Frame::Event {
            kind: e["event"].as_str().unwrap().into(),
            payload: Bytes::from(e["payload"].to_string()),
        })
        .collect()
}

fn run(t: &mut Translator, frames: Vec<Frame>) -> (Vec<Value>, bool) {
    let mut out = Vec::new();
    let mut done = false;
    for f in frames {
        let step = t.frame(f).unwrap();
        out.extend(
            step.chunks
                .iter()
                .map(|c: &ChatChunk| serde_json::to_value(c).unwrap()),
        );
        done |= step.done;
    }
    (out, done)
}

#[test]
fn a_converse_stream_becomes_openai_chunks_one_event_at_a_time() {
    let mut t = Translator::new("claude", true);
    let (chunks, done) = run(&mut t, frames());
    assert!(done);
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let deltas: Vec<&Value> = chunks
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
    assert_eq!(calls[0]["id"], "tooluse_Yg3GCuxHQEWXbTRbNB5z9w");
    assert_eq!(calls[0]["index"], 0);
    let args: String = calls
        .iter()
        .filter_map(|c| c["function"]["arguments"].as_str())
        .collect();
    let args: Value = serde_json::from_str(&args).unwrap();
    assert_eq!(
        args,
        json!({"location": "San Francisco, CA", "unit": "fahrenheit"})
    );
    let reasons: Vec<&str> = chunks
        .iter()
        .filter_map(|c| c["choices"].get(0)?["finish_reason"].as_str())
        .collect();
    assert_eq!(reasons, ["tool_calls"]);
    let last = chunks.last().unwrap();
    assert_eq!(
        last["usage"],
        json!({"prompt_tokens": 472, "completion_tokens": 89, "total_tokens": 561})
    );
    // Without include_usage there is no usage chunk, and every chunk has a choice.
    let (chunks, _) = run(&mut Translator::new("claude", false), frames());
    assert!(chunks
        .iter()
        .all(|c| c["choices"].get(0).is_some() && c.get("usage").is_none()));
}

#[test]
fn streams_cut_short_or_failing_end_in_errors() {
    let mut t = Translator::new("m", false);
    run(&mut t, frames()[..3].to_vec());
    assert!(t.finish().unwrap_err().to_string().contains("incomplete"));
    let mut t = Translator::new("m", false);
    run(&mut t, frames()[..9].to_vec()); // up to messageStop, no metadata: complete
    t.finish().unwrap();
    let err = Translator::new("m", false)
        .frame(Frame::Exception {
            kind: "throttlingException".into(),
            payload: Bytes::from_static(br#"{"message":"Too many requests, please wait."}"#),
        })
        .unwrap_err();
    match err {
        ProviderError::Status {
            status, message, ..
        } => {
            assert_eq!(status, 429);
            assert!(message.contains("Too many requests"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}
