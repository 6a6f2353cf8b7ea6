//! Mock upstreams without a Responses API (Anthropic, Gemini, Bedrock), each answering
//! in its own wire format with one scenario, so `/v1/responses` tests (Rust, the
//! OpenAI Python SDK, Codex's recorded requests) run the same conversation against
//! every translating provider type:
//! - the request carries a tool result: the answer is "It is {result} in Paris";
//! - else it offers tools: the answer calls [`Scenario::tool`] with its arguments;
//! - else: "Hello from the gateway".
//!
//! Streams send the text in three pieces and the call's arguments in two.

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use serde_json::{json, Value};

use crate::support::upstream::{MockUpstream, Recorded, Reply};

/// The text of a plain answer.
pub const HELLO: &str = "Hello from the gateway";

/// A provider type the mocks speak.
#[derive(Debug, Clone, Copy)]
pub enum Vendor {
    Anthropic,
    Gemini,
    Bedrock,
}

/// All of them, for tests that run each.
pub const VENDORS: [Vendor; 3] = [Vendor::Anthropic, Vendor::Gemini, Vendor::Bedrock];

/// The tool the mock calls when one is offered.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub tool: &'static str,
    pub args: Value,
}

impl Scenario {
    /// `get_weather({"city": "Paris"})`.
    pub fn weather() -> Scenario {
        Scenario {
            tool: "get_weather",
            args: json!({"city": "Paris"}),
        }
    }
}

/// What the mock makes of one request.
enum Turn {
    Text(String),
    Call,
}

impl Vendor {
    /// The provider's name in the gateway's config (and the model prefix).
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Anthropic => "claude",
            Vendor::Gemini => "gem",
            Vendor::Bedrock => "aws",
        }
    }

    /// `name/model` for the gateway.
    pub fn model(self) -> String {
        let model = match self {
            Vendor::Anthropic => "claude-sonnet-4-5",
            Vendor::Gemini => "gemini-2.5-flash",
            Vendor::Bedrock => "anthropic.claude-3-5-sonnet-20240620-v1:0",
        };
        format!("{}/{model}", self.name())
    }

    /// A mock of this vendor playing `scenario`.
    pub async fn mock(self, scenario: Scenario) -> MockUpstream {
        MockUpstream::start(move |r| self.reply(r, &scenario)).await
    }

    /// The gateway config for one provider of this type at `mock`.
    pub fn config(self, mock: &MockUpstream) -> String {
        let name = self.name();
        match self {
            Vendor::Anthropic | Vendor::Gemini => {
                let kind = match self {
                    Vendor::Anthropic => "anthropic",
                    _ => "gemini",
                };
                format!(
                    "[providers.{name}]\ntype = \"{kind}\"\nbase_url = \"{}\"\n\
                     [[providers.{name}.keys]]\nname = \"k\"\nvalue = \"sk-{name}\"\n",
                    mock.base_url()
                )
            }
            Vendor::Bedrock => format!(
                "[providers.{name}]\ntype = \"bedrock\"\nbase_url = \"{}\"\n\
                 [[providers.{name}.keys]]\nname = \"k\"\nvalue = \"\"\n\
                 [providers.{name}.keys.bedrock_key_config]\naccess_key = \"AKIDEXAMPLE\"\n\
                 secret_key = \"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\"\nregion = \"us-east-1\"\n",
                mock.root_url()
            ),
        }
    }

    fn streams(self, r: &Recorded) -> bool {
        match self {
            Vendor::Anthropic => r.body["stream"] == true,
            Vendor::Gemini => r.path.contains("streamGenerateContent"),
            Vendor::Bedrock => r.path.ends_with("/converse-stream"),
        }
    }

    /// The tool result the request carries, if any, and whether it offers tools.
    fn read(self, body: &Value) -> (Option<String>, bool) {
        let mut result = None;
        let mut visit = |v: &Value| match self {
            Vendor::Anthropic if v["type"] == "tool_result" => {
                result = Some(match &v["content"] {
                    Value::String(s) => s.clone(),
                    other => other
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|b| b["text"].as_str())
                        .collect(),
                })
            }
            Vendor::Gemini if v.get("functionResponse").is_some() => {
                let r = &v["functionResponse"]["response"];
                result = Some(r["content"].as_str().map_or(r.to_string(), str::to_string));
            }
            Vendor::Bedrock if v.get("toolResult").is_some() => {
                result = v["toolResult"]["content"][0]["text"]
                    .as_str()
                    .map(str::to_string);
            }
            _ => {}
        };
        let (list, parts) = match self {
            Vendor::Anthropic => ("messages", "content"),
            Vendor::Gemini => ("contents", "parts"),
            Vendor::Bedrock => ("messages", "content"),
        };
        for m in body[list].as_array().into_iter().flatten() {
            m[parts]
                .as_array()
                .into_iter()
                .flatten()
                .for_each(&mut visit);
        }
        let tools = match self {
            Vendor::Bedrock => body["toolConfig"]["tools"].as_array(),
            _ => body["tools"].as_array(),
        }
        .is_some_and(|t| !t.is_empty());
        (result, tools)
    }

    fn reply(self, r: &Recorded, scenario: &Scenario) -> Reply {
        let turn = match self.read(&r.body) {
            (Some(result), _) => Turn::Text(format!("It is {result} in Paris")),
            (None, true) => Turn::Call,
            (None, false) => Turn::Text(HELLO.to_string()),
        };
        match (self, self.streams(r)) {
            (Vendor::Anthropic, false) => Reply::json(anthropic_message(&turn, scenario)),
            (Vendor::Anthropic, true) => sse_reply(anthropic_events(&turn, scenario)),
            (Vendor::Gemini, false) => Reply::json(gemini_answer(&turn, scenario, true)),
            (Vendor::Gemini, true) => Reply::Stream {
                events: gemini_events(&turn, scenario),
                gap: std::time::Duration::ZERO,
                done: false,
                hold_after_first: None,
                drop_after: None,
            },
            (Vendor::Bedrock, false) => Reply::json(converse_answer(&turn, scenario)),
            (Vendor::Bedrock, true) => Reply::Chunked {
                status: 200,
                content_type: "application/vnd.amazon.eventstream".into(),
                chunks: converse_frames(&turn, scenario),
                hold_after_first: None,
            },
        }
    }
}

/// The pieces a stream sends the text in.
fn pieces(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_inclusive(' ').collect();
    let third = words.len().div_ceil(3).max(1);
    words.chunks(third).map(|c| c.concat()).collect()
}

fn args_halves(scenario: &Scenario) -> (String, String) {
    let args = scenario.args.to_string();
    let mid = args.len() / 2;
    (args[..mid].to_string(), args[mid..].to_string())
}

fn anthropic_message(turn: &Turn, s: &Scenario) -> Value {
    let (content, stop) = match turn {
        Turn::Text(t) => (json!([{"type": "text", "text": t}]), "end_turn"),
        Turn::Call => (
            json!([{"type": "tool_use", "id": "toolu_1", "name": s.tool, "input": s.args}]),
            "tool_use",
        ),
    };
    json!({"id": "msg_mock", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
        "content": content, "stop_reason": stop, "stop_sequence": null,
        "usage": {"input_tokens": 20, "output_tokens": 5}})
}

fn anthropic_events(turn: &Turn, s: &Scenario) -> Vec<Value> {
    let mut ev = vec![
        json!({"type": "message_start", "message": {"id": "msg_mock", "type": "message",
        "role": "assistant", "model": "claude-sonnet-4-5", "content": [], "stop_reason": null,
        "usage": {"input_tokens": 20, "output_tokens": 1}}}),
    ];
    let stop = match turn {
        Turn::Text(t) => {
            ev.push(json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}));
            for p in pieces(t) {
                ev.push(json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}}));
            }
            "end_turn"
        }
        Turn::Call => {
            ev.push(
                json!({"type": "content_block_start", "index": 0, "content_block":
                {"type": "tool_use", "id": "toolu_1", "name": s.tool, "input": {}}}),
            );
            let (a, b) = args_halves(s);
            for p in [a, b] {
                ev.push(json!({"type": "content_block_delta", "index": 0,
                    "delta": {"type": "input_json_delta", "partial_json": p}}));
            }
            "tool_use"
        }
    };
    ev.push(json!({"type": "content_block_stop", "index": 0}));
    ev.push(
        json!({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": null},
        "usage": {"output_tokens": 5}}),
    );
    ev.push(json!({"type": "message_stop"}));
    ev
}

/// Events as Anthropic sends them: `event:` then `data:`.
fn sse_reply(events: Vec<Value>) -> Reply {
    let body = events
        .iter()
        .map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap()))
        .collect::<String>();
    Reply::Raw {
        status: 200,
        content_type: "text/event-stream".into(),
        body: body.into_bytes(),
    }
}

fn gemini_answer(turn: &Turn, s: &Scenario, last: bool) -> Value {
    let part = match turn {
        Turn::Text(t) => json!({"text": t}),
        Turn::Call => json!({"functionCall": {"name": s.tool, "args": s.args}}),
    };
    let mut candidate = json!({"content": {"role": "model", "parts": [part]}, "index": 0});
    if last {
        candidate["finishReason"] = json!("STOP");
    }
    json!({"candidates": [candidate],
        "usageMetadata": {"promptTokenCount": 20, "candidatesTokenCount": 5, "totalTokenCount": 25},
        "modelVersion": "gemini-2.5-flash", "responseId": "gem_mock"})
}

fn gemini_events(turn: &Turn, s: &Scenario) -> Vec<String> {
    match turn {
        Turn::Text(t) => {
            let parts = pieces(t);
            let n = parts.len();
            parts
                .into_iter()
                .enumerate()
                .map(|(i, p)| gemini_answer(&Turn::Text(p), s, i + 1 == n).to_string())
                .collect()
        }
        // Gemini sends a call whole, in one event.
        Turn::Call => vec![gemini_answer(turn, s, true).to_string()],
    }
}

fn converse_answer(turn: &Turn, s: &Scenario) -> Value {
    let (content, stop) = match turn {
        Turn::Text(t) => (json!([{"text": t}]), "end_turn"),
        Turn::Call => (
            json!([{"toolUse": {"toolUseId": "tooluse_1", "name": s.tool, "input": s.args}}]),
            "tool_use",
        ),
    };
    json!({"output": {"message": {"role": "assistant", "content": content}}, "stopReason": stop,
        "usage": {"inputTokens": 20, "outputTokens": 5, "totalTokens": 25}, "metrics": {"latencyMs": 10}})
}

/// One AWS event-stream `event` frame.
pub fn frame(kind: &str, payload: &Value) -> Vec<u8> {
    let message = Message::new(payload.to_string().into_bytes())
        .add_header(Header::new(
            ":event-type",
            HeaderValue::String(kind.to_string().into()),
        ))
        .add_header(Header::new(
            ":content-type",
            HeaderValue::String("application/json".into()),
        ))
        .add_header(Header::new(
            ":message-type",
            HeaderValue::String("event".into()),
        ));
    let mut out = Vec::new();
    write_message_to(&message, &mut out).unwrap();
    out
}

fn converse_frames(turn: &Turn, s: &Scenario) -> Vec<Vec<u8>> {
    let mut out = vec![frame("messageStart", &json!({"role": "assistant"}))];
    let stop = match turn {
        Turn::Text(t) => {
            for p in pieces(t) {
                out.push(frame(
                    "contentBlockDelta",
                    &json!({"contentBlockIndex": 0, "delta": {"text": p}}),
                ));
            }
            "end_turn"
        }
        Turn::Call => {
            out.push(frame(
                "contentBlockStart",
                &json!({"contentBlockIndex": 0,
                "start": {"toolUse": {"toolUseId": "tooluse_1", "name": s.tool}}}),
            ));
            let (a, b) = args_halves(s);
            for p in [a, b] {
                out.push(frame(
                    "contentBlockDelta",
                    &json!({"contentBlockIndex": 0,
                    "delta": {"toolUse": {"input": p}}}),
                ));
            }
            "tool_use"
        }
    };
    out.push(frame("contentBlockStop", &json!({"contentBlockIndex": 0})));
    out.push(frame("messageStop", &json!({"stopReason": stop})));
    out.push(frame(
        "metadata",
        &json!({"usage": {"inputTokens": 20, "outputTokens": 5, "totalTokens": 25},
        "metrics": {"latencyMs": 10}}),
    ));
    out
}
