//! Coding agents through the gateway (issue 15), replayed from what the real clients
//! sent: `tests/fixtures/agents/*.json` are requests of Claude Code and the Codex CLI,
//! recorded against a mock by `scripts/agents-e2e.sh --record-fixtures` (method, path,
//! query, headers with placeholder keys, body). The script runs the clients themselves;
//! these tests need no npm and run on every `cargo test`.
//!
//! On the same-dialect path (`/anthropic` to an `anthropic` provider, `/v1/responses`
//! to an `openai` one) the gateway must be transparent: the body reaches the upstream
//! as the client sent it but for `model`, the vendor headers and the query string
//! too, the credentials are the provider's, and the answer comes back byte for byte.
//! Across dialects, Anthropic-only fields that only tune behaviour are dropped and
//! named in `x-bifrost-dropped-params`; Codex's Responses requests are translated to
//! Anthropic's and Gemini's chat APIs (the mocks of `responses_vendors`).

use bytes::Bytes;
use http::Method;
use serde_json::{json, Value};

use crate::responses_vendors::{Scenario, Vendor};
use crate::support::client::{call, Answer};
use crate::support::fixture;
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{chat_stream_events, MockUpstream, Recorded, Reply};

/// The key the fixtures' client sends (`x-api-key` or `Authorization: Bearer`).
const CLIENT_KEY: &str = "sk-client-key-placeholder";
const PROVIDER_KEY: &str = "sk-provider-agents";

/// A recorded client request.
struct Recording {
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Recording {
    fn load(name: &str) -> Recording {
        let f = fixture(&format!("agents/{name}"));
        assert_eq!(f["method"], "POST", "{name}");
        let headers = f["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        Recording {
            path: f["path"].as_str().unwrap().to_string(),
            query: f["query"].as_str().map(str::to_string),
            headers,
            body: f["body"].clone(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as the client sends it (compact JSON, keys in recorded order), with
    /// `model` replaced.
    fn body_with_model(&self, model: &str) -> Vec<u8> {
        let mut body = self.body.clone();
        body["model"] = json!(model);
        serde_json::to_vec(&body).unwrap()
    }

    /// Sends the recording to `{route}{path}?{query}` with its headers and `model`.
    async fn replay(&self, gw: &Gateway, route: &str, model: &str) -> Answer {
        let mut url = gw.url(&format!("{route}{}", self.path));
        if let Some(q) = &self.query {
            url = format!("{url}?{q}");
        }
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        call(Method::POST, &url, &headers, self.body_with_model(model)).await
    }
}

fn provider(name: &str, kind: &str, base_url: &str) -> String {
    format!(
        "[providers.{name}]\ntype = \"{kind}\"\nbase_url = \"{base_url}\"\n\
         [[providers.{name}.keys]]\nname = \"k\"\nvalue = \"{PROVIDER_KEY}\"\n"
    )
}

/// One SSE event as Anthropic and OpenAI Responses send it: `event:` then `data:`.
fn sse(events: &[Value]) -> Vec<u8> {
    events
        .iter()
        .map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap()))
        .collect::<String>()
        .into_bytes()
}

/// An Anthropic stream as the API sends it to Claude Code: a thinking block with its
/// signature, text with multi-byte characters, and a `context_management` report in
/// `message_delta` that no translation knows about, so any re-encoding shows.
fn anthropic_stream() -> Vec<u8> {
    sse(&[
        json!({"type": "message_start", "message": {"id": "msg_01Agents", "type": "message",
            "role": "assistant", "model": "claude-opus-5-5", "content": [], "stop_reason": null,
            "stop_sequence": null, "usage": {"input_tokens": 2107, "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 11876, "output_tokens": 3, "service_tier": "standard"}}}),
        json!({"type": "ping"}),
        json!({"type": "content_block_start", "index": 0,
            "content_block": {"type": "thinking", "thinking": "", "signature": ""}}),
        json!({"type": "content_block_delta", "index": 0,
            "delta": {"type": "signature_delta", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrk"}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "content_block_start", "index": 1,
            "content_block": {"type": "text", "text": ""}}),
        json!({"type": "content_block_delta", "index": 1,
            "delta": {"type": "text_delta", "text": "Hello — from the "}}),
        json!({"type": "content_block_delta", "index": 1,
            "delta": {"type": "text_delta", "text": "upstream ✓"}}),
        json!({"type": "content_block_stop", "index": 1}),
        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null},
            "usage": {"output_tokens": 12}, "context_management": {"applied_edits": []}}),
        json!({"type": "message_stop"}),
    ])
}

/// An OpenAI Responses stream as Codex receives it, with a field no schema has yet.
fn responses_stream() -> Vec<u8> {
    let response = |status: &str, output: Value| {
        json!({"id": "resp_agents", "object": "response", "created_at": 1_700_000_000,
               "status": status, "model": "gpt-5-codex", "output": output,
               "usage": if status == "completed" {
                   json!({"input_tokens": 1510, "input_tokens_details": {"cached_tokens": 1408},
                          "output_tokens": 7, "output_tokens_details": {"reasoning_tokens": 0},
                          "total_tokens": 1517})
               } else { Value::Null },
               "x_future_field": {"kept": true}})
    };
    let message = json!({"type": "message", "id": "msg_agents", "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": "Hello — from the upstream ✓", "annotations": []}]});
    sse(&[
        json!({"type": "response.created", "sequence_number": 0, "response": response("in_progress", json!([]))}),
        json!({"type": "response.in_progress", "sequence_number": 1, "response": response("in_progress", json!([]))}),
        json!({"type": "response.output_item.added", "sequence_number": 2, "output_index": 0,
               "item": {"type": "message", "id": "msg_agents", "role": "assistant", "status": "in_progress", "content": []}}),
        json!({"type": "response.content_part.added", "sequence_number": 3, "output_index": 0,
               "item_id": "msg_agents", "content_index": 0,
               "part": {"type": "output_text", "text": "", "annotations": []}}),
        json!({"type": "response.output_text.delta", "sequence_number": 4, "output_index": 0,
               "item_id": "msg_agents", "content_index": 0, "delta": "Hello — from the "}),
        json!({"type": "response.output_text.delta", "sequence_number": 5, "output_index": 0,
               "item_id": "msg_agents", "content_index": 0, "delta": "upstream ✓"}),
        json!({"type": "response.output_text.done", "sequence_number": 6, "output_index": 0,
               "item_id": "msg_agents", "content_index": 0, "text": "Hello — from the upstream ✓"}),
        json!({"type": "response.content_part.done", "sequence_number": 7, "output_index": 0,
               "item_id": "msg_agents", "content_index": 0, "part": message["content"][0]}),
        json!({"type": "response.output_item.done", "sequence_number": 8, "output_index": 0, "item": message}),
        json!({"type": "response.completed", "sequence_number": 9, "response": response("completed", json!([message]))}),
    ])
}

fn event_stream(body: Vec<u8>) -> Reply {
    Reply::Raw {
        status: 200,
        content_type: "text/event-stream".into(),
        body,
    }
}

/// The upstream saw the provider's key in `key_header` and nothing of the client's.
fn assert_provider_credential(seen: &Recorded, key_header: &str, expected: &str) {
    assert_eq!(seen.header(key_header), Some(expected), "{key_header}");
    for (name, value) in &seen.headers {
        let v = String::from_utf8_lossy(value.as_bytes());
        assert!(!v.contains(CLIENT_KEY), "{name} carries the client's key");
    }
}

/// The upstream got the recorded body byte for byte but for `model`, which is `model`.
fn assert_body_intact(seen: &Recorded, rec: &Recording, model: &str) {
    let mut expected = rec.body.clone();
    expected["model"] = json!(model);
    assert_eq!(seen.body, expected, "the body changed on its way upstream");
    assert_eq!(
        seen.raw_body,
        Bytes::from(rec.body_with_model(model)),
        "same JSON, other bytes: the body was re-encoded"
    );
}

fn assert_query_kept(seen: &Recorded, rec: &Recording) {
    let Some(sent) = &rec.query else { return };
    let got: Vec<&str> = seen.query.as_deref().unwrap_or("").split('&').collect();
    for pair in sent.split('&') {
        assert!(got.contains(&pair), "query {pair} lost: {:?}", seen.query);
    }
}

/// Claude Code on `/anthropic` to an `anthropic` provider: a transparent pipe.
async fn claude_code_to_anthropic(fixture_name: &str) {
    let rec = Recording::load(fixture_name);
    let stream = anthropic_stream();
    let up = MockUpstream::always(event_stream(stream.clone())).await;
    let gw = Gateway::start(&provider("claude", "anthropic", &up.base_url())).await;
    let upstream_model = rec.body["model"].as_str().unwrap().to_string();

    let resp = rec
        .replay(&gw, "/anthropic", &format!("claude/{upstream_model}"))
        .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.headers["content-type"], "text/event-stream");
    assert_eq!(
        resp.text(),
        String::from_utf8(stream).unwrap(),
        "the events were not relayed as sent"
    );
    assert!(
        !resp.headers.contains_key("x-bifrost-dropped-params"),
        "nothing is dropped on the vendor's own dialect"
    );

    let seen = &up.requests()[0];
    assert_eq!(seen.path, "/v1/messages");
    assert_eq!(
        rec.query.as_deref(),
        Some("beta=true"),
        "the fixture's query"
    );
    assert_query_kept(seen, &rec);
    for name in ["anthropic-beta", "anthropic-version"] {
        assert!(rec.header(name).is_some(), "the fixture has no {name}");
        assert_eq!(seen.header(name), rec.header(name), "{name}");
    }
    assert_provider_credential(seen, "x-api-key", PROVIDER_KEY);
    assert_eq!(seen.header("authorization"), None);
    assert_body_intact(seen, &rec, &upstream_model);
}

#[tokio::test]
async fn claude_codes_first_request_reaches_anthropic_untouched() {
    claude_code_to_anthropic("claude_code_messages").await;
}

#[tokio::test]
async fn claude_codes_tool_result_request_reaches_anthropic_untouched() {
    claude_code_to_anthropic("claude_code_messages_followup").await;
}

/// Codex on `/v1/responses` to an `openai` provider: a transparent pipe.
async fn codex_to_openai(fixture_name: &str, extra_header: Option<(&str, &str)>) {
    let mut rec = Recording::load(fixture_name);
    if let Some((k, v)) = extra_header {
        rec.headers.push((k.to_string(), v.to_string()));
    }
    let stream = responses_stream();
    let up = MockUpstream::always(event_stream(stream.clone())).await;
    let gw = Gateway::start(&provider("oai", "openai", &up.base_url())).await;
    let upstream_model = rec.body["model"].as_str().unwrap().to_string();

    let resp = rec.replay(&gw, "", &format!("oai/{upstream_model}")).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.headers["content-type"], "text/event-stream");
    assert_eq!(
        resp.text(),
        String::from_utf8(stream).unwrap(),
        "the events were not relayed as sent"
    );
    assert!(
        !resp.headers.contains_key("x-bifrost-dropped-params"),
        "nothing is dropped on the vendor's own dialect"
    );

    let seen = &up.requests()[0];
    assert_eq!(seen.path, "/v1/responses");
    assert_query_kept(seen, &rec);
    // Codex 0.171 sends no `openai-beta`; when a client does, it reaches OpenAI.
    assert_eq!(seen.header("openai-beta"), rec.header("openai-beta"));
    assert_provider_credential(seen, "authorization", &format!("Bearer {PROVIDER_KEY}"));
    assert_body_intact(seen, &rec, &upstream_model);
}

#[tokio::test]
async fn codexs_first_request_reaches_openai_untouched() {
    codex_to_openai("codex_responses", None).await;
}

#[tokio::test]
async fn codexs_tool_output_request_reaches_openai_untouched() {
    codex_to_openai("codex_responses_followup", None).await;
}

#[tokio::test]
async fn an_openai_beta_header_on_codexs_request_reaches_openai() {
    codex_to_openai("codex_responses", Some(("openai-beta", "responses=v1"))).await;
}

/// Every key named `field`, at any depth of `value`.
fn find_key<'v>(value: &'v Value, field: &str, out: &mut Vec<&'v Value>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == field {
                    out.push(v);
                }
                find_key(v, field, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| find_key(v, field, out)),
        _ => {}
    }
}

/// Claude Code on `/anthropic` to an OpenAI-compatible provider: its Anthropic-only
/// tuning fields are dropped and named, and the answer is an Anthropic stream.
async fn claude_code_to_openai_compatible(fixture_name: &str) {
    let rec = Recording::load(fixture_name);
    let up = MockUpstream::always(Reply::stream(chat_stream_events(
        "gpt-4o",
        &["Hello — from ", "the upstream ✓"],
    )))
    .await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;

    let resp = rec.replay(&gw, "/anthropic", "up/gpt-4o").await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let text: String = resp
        .text()
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .filter_map(|d| serde_json::from_str::<Value>(d).ok())
        .filter_map(|e| e["delta"]["text"].as_str().map(str::to_string))
        .collect();
    assert_eq!(text, "Hello — from the upstream ✓", "{}", resp.text());
    assert!(resp.text().contains("\"message_stop\""), "{}", resp.text());

    let seen = &up.requests()[0];
    assert_eq!(seen.path, "/v1/chat/completions");
    assert_eq!(seen.body["model"], "gpt-4o");
    if fixture_name.ends_with("_followup") {
        let tool = seen.body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["role"] == "tool")
            .expect("the tool_result became a tool message");
        assert!(tool.to_string().contains("bifrost-42"), "{tool}");
    }
    let mut found = Vec::new();
    find_key(&seen.body, "context_management", &mut found);
    assert!(found.is_empty(), "context_management went upstream");

    let dropped = resp
        .headers
        .get("x-bifrost-dropped-params")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let named = |field: &str| dropped.split(',').any(|d| d.trim().contains(field));
    // Each Anthropic-only field of Claude Code's request that a chat request cannot
    // carry is named; a field with an OpenAI counterpart may be translated instead.
    assert!(named("context_management"), "dropped: {dropped:?}");
    // `thinking.display` (or the whole adaptive `thinking`, which chat cannot express).
    assert!(named("thinking"), "thinking's display: dropped {dropped:?}");
    let mut deferred = Vec::new();
    find_key(&seen.body, "defer_loading", &mut deferred);
    assert!(deferred.is_empty(), "defer_loading went upstream");
    assert!(
        named("defer_loading") || named("DeferredToolPlaceholder"),
        "the deferred-loading tool: dropped {dropped:?}"
    );
    assert!(
        seen.body.get("reasoning_effort").is_some() || named("output_config"),
        "output_config.effort neither translated nor named: dropped {dropped:?}"
    );
    for name in dropped.split(',').map(str::trim) {
        let top = name.split(['.', '[']).next().unwrap();
        assert!(
            rec.body.get(top).is_some() || name.contains("DeferredToolPlaceholder"),
            "{name} is named as dropped but Claude Code never sent it"
        );
    }
}

#[tokio::test]
async fn claude_code_to_an_openai_compatible_provider_drops_and_names_anthropic_only_fields() {
    claude_code_to_openai_compatible("claude_code_messages").await;
}

#[tokio::test]
async fn claude_codes_tool_result_request_translates_to_an_openai_compatible_provider() {
    claude_code_to_openai_compatible("claude_code_messages_followup").await;
}

/// Text of every `response.output_text.delta` of a Responses stream, and the
/// `response.completed` event's response.
fn responses_answer(body: &str) -> (String, Value) {
    let events: Vec<Value> = body
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    let text = events
        .iter()
        .filter(|e| e["type"] == "response.output_text.delta")
        .filter_map(|e| e["delta"].as_str())
        .collect();
    let last = events.last().cloned().unwrap_or_default();
    assert_eq!(last["type"], "response.completed", "{body}");
    (text, last["response"].clone())
}

/// Codex on `/v1/responses` to a provider without a Responses API: its recorded
/// first request comes back as a call of its `exec_command` tool, and its follow-up
/// (the call and the command's output) as text built from that output. Codex's hosted
/// and namespaced tools, and the settings only OpenAI's service reads, are dropped
/// and named.
async fn codex_cross_vendor(vendor: Vendor) {
    let scenario = Scenario {
        tool: "exec_command",
        args: json!({"cmd": "echo bifrost-$((20+22))"}),
    };
    let up = vendor.mock(scenario.clone()).await;
    let gw = Gateway::start(&vendor.config(&up)).await;

    let rec = Recording::load("codex_responses");
    let resp = rec.replay(&gw, "", &vendor.model()).await;
    assert_eq!(resp.status, 200, "{vendor:?}: {}", resp.text());
    assert_eq!(resp.headers["content-type"], "text/event-stream");
    let (_, done) = responses_answer(&resp.text());
    let call = done["output"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == "function_call")
        .unwrap_or_else(|| panic!("{vendor:?}: no call in {done}"));
    assert_eq!(call["name"], "exec_command");
    let args: Value = serde_json::from_str(call["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(args, scenario.args);
    let dropped = resp.headers["x-bifrost-dropped-params"].to_str().unwrap();
    for name in ["tools[4]", "tools[8]", "include", "client_metadata"] {
        assert!(
            dropped.split(',').any(|d| d == name),
            "{vendor:?}: {name} in {dropped}"
        );
    }
    let seen = &up.requests()[0];
    let sent = seen.body.to_string();
    assert!(
        sent.contains("You are a coding agent running in the Codex CLI"),
        "{vendor:?}"
    );
    assert!(
        sent.contains("Say hello") && sent.contains("exec_command"),
        "{vendor:?}"
    );
    assert!(
        !sent.contains("web_search") && !sent.contains("multi_agent_v1"),
        "{vendor:?}"
    );
    assert!(!sent.contains(CLIENT_KEY), "{vendor:?}");
    for (name, value) in &seen.headers {
        let v = String::from_utf8_lossy(value.as_bytes());
        assert!(
            !v.contains(CLIENT_KEY),
            "{vendor:?}: {name} carries the client's key"
        );
    }

    let rec = Recording::load("codex_responses_followup");
    let resp = rec.replay(&gw, "", &vendor.model()).await;
    assert_eq!(resp.status, 200, "{vendor:?}: {}", resp.text());
    let (text, done) = responses_answer(&resp.text());
    assert!(text.contains("bifrost-42"), "{vendor:?}: {text}");
    assert_eq!(done["output"][0]["content"][0]["text"], text.as_str());
    let sent = up.requests()[1].body.to_string();
    assert!(
        sent.contains("echo bifrost-$((20+22))"),
        "{vendor:?}: the call"
    );
    assert!(sent.contains("bifrost-42"), "{vendor:?}: the output");
}

#[tokio::test]
async fn codex_works_against_an_anthropic_provider() {
    codex_cross_vendor(Vendor::Anthropic).await;
}

#[tokio::test]
async fn codex_works_against_a_gemini_provider() {
    codex_cross_vendor(Vendor::Gemini).await;
}
