//! `POST /v1/responses` against providers without a Responses API (Anthropic, Gemini,
//! Bedrock mocks in their own wire formats, see `responses_vendors`): the request is
//! translated to each vendor's chat API, and the answer comes back as a `response`
//! object or OpenAI's Responses event sequence, tool calls included.

use serde_json::{json, Value};

use crate::responses_vendors::{Scenario, Vendor, HELLO, VENDORS};
use crate::support::client::{post, Answer};
use crate::support::gateway::Gateway;
use crate::support::upstream::MockUpstream;

async fn start(vendor: Vendor) -> (MockUpstream, Gateway) {
    let up = vendor.mock(Scenario::weather()).await;
    let gw = Gateway::start(&vendor.config(&up)).await;
    (up, gw)
}

async fn create(gw: &Gateway, body: &Value) -> Answer {
    post(&gw.url("/v1/responses"), body).await
}

/// The SSE events of a stream answer, as (event name, data); each event's name
/// matches its `type` and the sequence numbers count up from 0.
fn events(resp: &Answer) -> Vec<(String, Value)> {
    let text = resp.text();
    let events: Vec<(String, Value)> = text
        .split("\n\n")
        .filter(|e| !e.trim().is_empty())
        .map(|e| {
            let mut name = None;
            let mut data = None;
            for line in e.lines() {
                if let Some(n) = line.strip_prefix("event: ") {
                    name = Some(n.to_string());
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data = Some(serde_json::from_str::<Value>(d).unwrap());
                }
            }
            let (name, data) = (name.expect(e), data.expect(e));
            assert_eq!(data["type"], name.as_str(), "{e}");
            (name, data)
        })
        .collect();
    for (n, (_, data)) in events.iter().enumerate() {
        assert_eq!(data["sequence_number"], n, "{text}");
    }
    events
}

fn tools() -> Value {
    json!([{"type": "function", "name": "get_weather", "description": "Weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}])
}

#[tokio::test]
async fn a_text_answer_is_a_response_object_on_every_vendor() {
    for vendor in VENDORS {
        let (up, gw) = start(vendor).await;
        let resp = create(
            &gw,
            &json!({"model": vendor.model(), "input": "Say hello", "instructions": "Be brief.",
                "max_output_tokens": 50}),
        )
        .await;
        assert_eq!(resp.status, 200, "{vendor:?}: {}", resp.text());
        let r = resp.json();
        assert_eq!(r["object"], "response", "{vendor:?}");
        assert!(r["id"].as_str().unwrap().starts_with("resp_"), "{r}");
        assert_eq!(r["status"], "completed", "{vendor:?}");
        assert_eq!(r["model"], vendor.model().as_str());
        assert_eq!(r["instructions"], "Be brief.");
        assert_eq!(r["max_output_tokens"], 50);
        assert_eq!(r["output"][0]["type"], "message");
        assert_eq!(r["output"][0]["role"], "assistant");
        assert_eq!(r["output"][0]["content"][0]["type"], "output_text");
        assert_eq!(r["output"][0]["content"][0]["text"], HELLO, "{vendor:?}");
        assert_eq!(
            (
                &r["usage"]["input_tokens"],
                &r["usage"]["output_tokens"],
                &r["usage"]["total_tokens"]
            ),
            (&json!(20), &json!(5), &json!(25)),
            "{vendor:?}"
        );
        // The vendor got its own format: the instructions as its system prompt.
        let seen = up.requests()[0].body.to_string();
        assert!(seen.contains("Be brief."), "{vendor:?}: {seen}");
        assert!(!seen.contains("\"input\""), "{vendor:?}: {seen}");
    }
}

#[tokio::test]
async fn a_text_stream_is_openais_event_sequence_on_every_vendor() {
    for vendor in VENDORS {
        let (_up, gw) = start(vendor).await;
        let resp = create(
            &gw,
            &json!({"model": vendor.model(), "input": "Say hello", "stream": true}),
        )
        .await;
        assert_eq!(resp.status, 200, "{vendor:?}: {}", resp.text());
        assert_eq!(resp.headers["content-type"], "text/event-stream");
        let ev = events(&resp);
        let kinds: Vec<&str> = ev.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            kinds[..5],
            [
                "response.created",
                "response.in_progress",
                "response.output_item.added",
                "response.content_part.added",
                "response.output_text.delta"
            ],
            "{vendor:?}"
        );
        assert_eq!(
            kinds[kinds.len() - 4..],
            [
                "response.output_text.done",
                "response.content_part.done",
                "response.output_item.done",
                "response.completed"
            ],
            "{vendor:?}"
        );
        let deltas: String = ev
            .iter()
            .filter(|(k, _)| k == "response.output_text.delta")
            .map(|(_, d)| d["delta"].as_str().unwrap())
            .collect();
        assert_eq!(deltas, HELLO, "{vendor:?}");
        assert!(
            ev.iter()
                .filter(|(k, _)| k == "response.output_text.delta")
                .count()
                > 1,
            "{vendor:?}: the text came in one piece"
        );
        let done = &ev.last().unwrap().1["response"];
        assert_eq!(done["status"], "completed");
        assert_eq!(done["output"][0]["content"][0]["text"], HELLO);
        assert_eq!(done["usage"]["input_tokens"], 20, "{vendor:?}");
        assert_eq!(done["usage"]["output_tokens"], 5, "{vendor:?}");
        assert_eq!(done["id"], ev[0].1["response"]["id"]);
    }
}

/// A function call comes back as a `function_call` item; its output, sent back with
/// the call as input items, reaches the vendor as a tool result.
#[tokio::test]
async fn a_function_call_round_trips_on_every_vendor_streamed_and_whole() {
    for vendor in VENDORS {
        for stream in [false, true] {
            let (up, gw) = start(vendor).await;
            let ask = json!({"role": "user", "content": [{"type": "input_text", "text": "Weather in Paris?"}]});
            let resp = create(
                &gw,
                &json!({"model": vendor.model(), "input": [ask], "tools": tools(), "stream": stream}),
            )
            .await;
            assert_eq!(resp.status, 200, "{vendor:?}: {}", resp.text());
            let call = if stream {
                let ev = events(&resp);
                let added = ev
                    .iter()
                    .find(|(k, d)| {
                        k == "response.output_item.added" && d["item"]["type"] == "function_call"
                    })
                    .unwrap_or_else(|| panic!("{vendor:?}: no call in {}", resp.text()));
                assert_eq!(added.1["item"]["name"], "get_weather");
                let args_done = ev
                    .iter()
                    .find(|(k, _)| k == "response.function_call_arguments.done")
                    .unwrap();
                assert_eq!(args_done.1["item_id"], added.1["item"]["id"]);
                let done = &ev.last().unwrap().1;
                assert_eq!(done["type"], "response.completed", "{vendor:?}");
                done["response"]["output"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|i| i["type"] == "function_call")
                    .unwrap()
                    .clone()
            } else {
                resp.json()["output"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|i| i["type"] == "function_call")
                    .unwrap_or_else(|| panic!("{vendor:?}: no call in {}", resp.text()))
                    .clone()
            };
            assert_eq!(call["name"], "get_weather", "{vendor:?}");
            assert_eq!(call["status"], "completed");
            let args: Value = serde_json::from_str(call["arguments"].as_str().unwrap()).unwrap();
            assert_eq!(args, json!({"city": "Paris"}), "{vendor:?} stream={stream}");
            let call_id = call["call_id"].as_str().unwrap();
            assert!(!call_id.is_empty());

            let follow = json!({"model": vendor.model(), "tools": tools(), "stream": stream, "input": [
                ask,
                {"type": "function_call", "call_id": call_id, "name": "get_weather", "arguments": call["arguments"]},
                {"type": "function_call_output", "call_id": call_id, "output": "21C"}
            ]});
            let resp = create(&gw, &follow).await;
            assert_eq!(resp.status, 200, "{vendor:?}: {}", resp.text());
            let text = if stream {
                let ev = events(&resp);
                ev.last().unwrap().1["response"]["output"][0]["content"][0]["text"].clone()
            } else {
                resp.json()["output"][0]["content"][0]["text"].clone()
            };
            assert_eq!(text, "It is 21C in Paris", "{vendor:?} stream={stream}");
            // The vendor saw the call and its result in its own format.
            let seen = up.requests()[1].body.to_string();
            assert!(seen.contains("21C"), "{vendor:?}: {seen}");
            assert!(seen.contains("get_weather"), "{vendor:?}: {seen}");
        }
    }
}

#[tokio::test]
async fn server_side_state_is_refused_naming_the_field_and_nothing_goes_upstream() {
    let (up, gw) = start(Vendor::Anthropic).await;
    for (body, param) in [
        (
            json!({"model": Vendor::Anthropic.model(), "input": "Go on", "previous_response_id": "resp_1"}),
            "previous_response_id",
        ),
        (
            json!({"model": Vendor::Anthropic.model(), "input": [{"type": "item_reference", "id": "msg_1"}]}),
            "input[0]",
        ),
        (
            json!({"model": Vendor::Anthropic.model(), "input": 7}),
            "input",
        ),
    ] {
        let resp = create(&gw, &body).await;
        assert_eq!(resp.status, 400, "{body}: {}", resp.text());
        let err = resp.json();
        assert_eq!(err["error"]["param"], param, "{err}");
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap()
                .contains(param.split('[').next().unwrap()),
            "{err}"
        );
    }
    assert_eq!(up.request_count(), 0);
}

#[tokio::test]
async fn hosted_tools_and_openai_only_settings_are_dropped_and_named() {
    let (up, gw) = start(Vendor::Gemini).await;
    let mut tools = tools();
    tools
        .as_array_mut()
        .unwrap()
        .push(json!({"type": "web_search", "external_web_access": false}));
    let resp = create(
        &gw,
        &json!({"model": Vendor::Gemini.model(), "input": "Weather?", "tools": tools,
            "include": ["reasoning.encrypted_content"], "store": false}),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.headers["x-bifrost-dropped-params"], "tools[1],include");
    let seen = &up.requests()[0].body;
    assert_eq!(
        seen["tools"][0]["functionDeclarations"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(!seen.to_string().contains("web_search"), "{seen}");

    // A tool choice that forces the hosted tool cannot be met: 400.
    let resp = create(
        &gw,
        &json!({"model": Vendor::Gemini.model(), "input": "Weather?", "tool_choice": {"type": "web_search"}}),
    )
    .await;
    assert_eq!(resp.status, 400);
    assert_eq!(resp.json()["error"]["param"], "tool_choice");
}

#[tokio::test]
async fn an_upstream_cut_mid_stream_ends_with_response_failed_never_completed() {
    let sent = [
        json!({"type": "message_start", "message": {"id": "msg_cut", "type": "message",
            "role": "assistant", "model": "claude-sonnet-4-5", "content": [], "stop_reason": null,
            "usage": {"input_tokens": 20, "output_tokens": 1}}}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hel"}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "lo"}}),
    ];
    let up = MockUpstream::always(crate::support::upstream::Reply::Stream {
        events: sent.iter().map(Value::to_string).collect(),
        gap: std::time::Duration::ZERO,
        done: false,
        hold_after_first: None,
        drop_after: Some(3),
    })
    .await;
    let gw = Gateway::start(&Vendor::Anthropic.config(&up)).await;
    let resp = create(
        &gw,
        &json!({"model": Vendor::Anthropic.model(), "input": "Say hello", "stream": true}),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let ev = events(&resp);
    let (kind, last) = ev.last().unwrap();
    assert_eq!(kind, "response.failed", "{}", resp.text());
    assert_eq!(last["response"]["status"], "failed");
    assert!(last["response"]["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert!(!ev.iter().any(|(k, _)| k == "response.completed"));
    assert!(ev
        .iter()
        .any(|(k, d)| k == "response.output_text.delta" && d["delta"] == "Hel"));
}
