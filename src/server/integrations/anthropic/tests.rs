//! Translation round trips of the Anthropic route, without HTTP.

use serde_json::{json, Value};

use super::request::{
    drop_thinking_blocks, thinking_to_reasoning_effort, to_chat, MessagesRequest,
};
use super::response::{to_message, tool_input};
use crate::schema::ChatResponse;

fn req(v: Value) -> MessagesRequest {
    serde_json::from_value(v).unwrap()
}

#[test]
fn a_full_request_becomes_the_canonical_one() {
    let r = req(json!({
        "model": "up/m", "max_tokens": 100, "stream": true,
        "system": [{"type": "text", "text": "be brief"}, {"type": "text", "text": "be kind", "cache_control": {"type": "ephemeral"}}],
        "temperature": 0.5, "top_p": 0.9, "top_k": 5, "stop_sequences": ["END"],
        "metadata": {"user_id": "u1"},
        "tools": [{"name": "weather", "description": "w", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}],
        "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
        "messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "look"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"}},
                {"type": "image", "source": {"type": "url", "url": "https://x/y.png"}}
            ]},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "hm", "signature": "s"},
                {"type": "text", "text": "calling"},
                {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {"city": "Paris"}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "text", "text": "sunny"}]},
                {"type": "tool_result", "tool_use_id": "toolu_2", "content": "boom", "is_error": true},
                {"type": "text", "text": "thanks"}
            ]}
        ]
    }));
    let c = serde_json::to_value(to_chat(&r, false).unwrap().chat).unwrap();
    assert_eq!(
        c["messages"][0],
        json!({"role": "system", "content": "be brief\n\nbe kind"})
    );
    let user = &c["messages"][1]["content"];
    assert_eq!(user[1]["image_url"]["url"], "data:image/png;base64,AAAA");
    assert_eq!(user[2]["image_url"]["url"], "https://x/y.png");
    let asst = &c["messages"][2];
    assert_eq!(asst["content"], "calling");
    assert_eq!(asst["tool_calls"][0]["id"], "toolu_1");
    assert_eq!(
        asst["tool_calls"][0]["function"]["arguments"],
        r#"{"city":"Paris"}"#
    );
    assert_eq!(
        c["messages"][3],
        json!({"role": "tool", "content": "sunny", "tool_call_id": "toolu_1"})
    );
    assert_eq!(c["messages"][4]["content"], "Error: boom");
    assert_eq!(
        c["messages"][5],
        json!({"role": "user", "content": "thanks"})
    );
    assert_eq!(c["max_tokens"], 100);
    assert_eq!(c["stop"], json!(["END"]));
    assert_eq!(c["top_k"], 5);
    assert_eq!(c["user"], "u1");
    assert_eq!(c["tool_choice"], "required");
    assert_eq!(c["parallel_tool_calls"], false);
    assert_eq!(
        c["tools"][0]["function"]["parameters"]["properties"]["city"]["type"],
        "string"
    );
    assert_eq!(c["stream_options"]["include_usage"], true);
}

#[test]
fn what_cannot_be_translated_is_refused() {
    for (bad, says) in [
        (json!({"model": "m", "messages": []}), "max_tokens"),
        (
            json!({"model": "m", "max_tokens": 1, "messages": [], "container": "x"}),
            "container",
        ),
        (
            json!({"model": "m", "max_tokens": 1, "messages": [{"role": "user", "content": [{"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "x"}}]}]}),
            "document",
        ),
        (
            json!({"model": "m", "max_tokens": 1, "messages": [], "tools": [{"type": "web_search_20250305", "name": "web_search"}]}),
            "web_search",
        ),
        (
            json!({"model": "m", "max_tokens": 1, "messages": [{"role": "robot", "content": "x"}]}),
            "role",
        ),
    ] {
        let e = to_chat(&req(bad), false).err().unwrap();
        assert!(e.0.contains(says), "{}", e.0);
    }
}

#[test]
fn thinking_becomes_reasoning_effort_for_other_providers() {
    let r = req(json!({"model": "m", "max_tokens": 1, "messages": [],
        "thinking": {"type": "enabled", "budget_tokens": 8000}}));
    let mut c = to_chat(&r, false).unwrap().chat;
    assert_eq!(c.extra["thinking"]["budget_tokens"], 8000);
    thinking_to_reasoning_effort(&mut c);
    assert!(!c.extra.contains_key("thinking"));
    assert_eq!(c.extra["reasoning_effort"], "medium");
}

#[test]
fn thinking_blocks_travel_verbatim_and_come_back_signed() {
    let signed = json!({"type": "thinking", "thinking": "weather first", "signature": "sig-1"});
    let redacted = json!({"type": "redacted_thinking", "data": "opaque"});
    let r = req(json!({"model": "m", "max_tokens": 1, "messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": [signed, redacted,
            {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}]}
    ]}));
    let mut c = to_chat(&r, false).unwrap().chat;
    assert_eq!(
        c.messages[1].extra["thinking_blocks"],
        json!([signed, redacted])
    );
    drop_thinking_blocks(&mut c);
    assert!(!c.messages[1].extra.contains_key("thinking_blocks"));

    let answer: ChatResponse = serde_json::from_value(json!({
        "id": "msg_1", "model": "claude",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {
            "role": "assistant", "content": "done", "reasoning_content": "weather first",
            "thinking_blocks": [signed]}}]
    }))
    .unwrap();
    let m = to_message(&answer, "m");
    assert_eq!(m["content"][0], signed);
    assert_eq!(m["content"][1]["text"], "done");
}

#[test]
fn an_answer_becomes_a_message() {
    let r: ChatResponse = serde_json::from_value(json!({
        "id": "chatcmpl-9", "model": "gpt",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
            "role": "assistant", "content": "ok", "reasoning_content": "think",
            "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{\"a\":1}"}}]
        }}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 3, "total_tokens": 13,
                  "prompt_tokens_details": {"cached_tokens": 4}}
    }))
    .unwrap();
    let m = to_message(&r, "up/m");
    assert_eq!(m["id"], "msg_chatcmpl-9");
    assert_eq!(m["model"], "up/m");
    assert_eq!(m["content"][0]["type"], "thinking");
    assert_eq!(m["content"][1], json!({"type": "text", "text": "ok"}));
    assert_eq!(m["content"][2]["input"], json!({"a": 1}));
    assert_eq!(m["stop_reason"], "tool_use");
    assert_eq!(
        m["usage"],
        json!({"input_tokens": 6, "output_tokens": 3, "cache_read_input_tokens": 4})
    );
}

#[test]
fn tool_arguments_that_are_not_an_object_are_kept_raw() {
    assert_eq!(tool_input(""), json!({}));
    assert_eq!(tool_input("{\"a\":"), json!({"_raw_arguments": "{\"a\":"}));
}
