//! A cut stream continued on each kind of upstream: Bedrock (Claude) and Claude on
//! Vertex take the partial answer as an assistant prefill; Gemini and Cohere, which
//! do not continue a trailing assistant turn, get it as context followed by the
//! continue instruction. In every case the client's stream reads as one answer.

use serde_json::{json, Value};

use crate::bedrock::{event as bedrock_event, event_stream};
use crate::support::client::post;
use crate::support::gateway::Gateway;
use crate::support::resume::{
    anthropic_stream, content, cut_primary, data_events, text_of, CONTINUE, PART_ONE, RESUME_ON,
};
use crate::support::upstream::{MockUpstream, Recorded, Reply};

/// Primary `a` (cut after three chunks), continuation target `b` declared by
/// `b_provider` (a `[providers.b]` table), resumption on.
fn config(a: &str, b_provider: &str) -> String {
    format!(
        "{RESUME_ON}[providers.a]\ntype = \"openai-compatible\"\nbase_url = \"{a}\"\n\
         [[providers.a.keys]]\nname = \"ka\"\nvalue = \"sk-a\"\n{b_provider}"
    )
}

/// Streams `a/m` with `fallback`; asserts the client got one whole answer and
/// returns the continuation's request.
async fn resumed_on(b_provider: &str, fallback: &str, b: &MockUpstream) -> Recorded {
    let a = cut_primary().await;
    let gw = Gateway::start(&config(&a.base_url(), b_provider)).await;
    let body = json!({"model": "a/m", "stream": true, "fallbacks": [fallback],
        "messages": [{"role": "user", "content": "x"}]});
    let resp = post(&gw.url("/v1/chat/completions"), &body).await;
    assert_eq!(resp.status, 200);
    let (chunks, done) = data_events(&resp.text());
    assert!(done, "{}", resp.text());
    assert_eq!(content(&chunks), "one two three four.");
    assert_eq!(
        chunks.last().unwrap()["extra_fields"]["resumed_from"]["provider"],
        "a"
    );
    let asked: Vec<Recorded> = b
        .requests()
        .into_iter()
        .filter(|r| r.path != "/token")
        .collect();
    assert_eq!(asked.len(), 1, "one continuation call");
    asked.into_iter().next().unwrap()
}

/// The last message of a chat-shaped list, its role and text.
fn last_turns(messages: &Value, n: usize) -> Vec<(String, String)> {
    let all = messages.as_array().expect("a message list");
    all[all.len() - n..]
        .iter()
        .map(|m| (m["role"].as_str().unwrap_or("").to_string(), text_of(m)))
        .collect()
}

#[tokio::test]
async fn bedrock_claude_continues_from_an_assistant_prefill() {
    let frames = [
        bedrock_event("messageStart", &json!({"role": "assistant"})),
        bedrock_event(
            "contentBlockDelta",
            &json!({"contentBlockIndex": 0, "delta": {"text": " four."}}),
        ),
        bedrock_event("contentBlockStop", &json!({"contentBlockIndex": 0})),
        bedrock_event("messageStop", &json!({"stopReason": "end_turn"})),
        bedrock_event(
            "metadata",
            &json!({"usage": {"inputTokens": 9, "outputTokens": 2, "totalTokens": 11},
                "metrics": {"latencyMs": 5}}),
        ),
    ];
    let b = MockUpstream::always(event_stream(vec![frames.concat()], None)).await;
    let provider = format!(
        "[providers.b]\ntype = \"bedrock\"\nbase_url = \"{}\"\n[[providers.b.keys]]\nname = \"kb\"\n\
         value = \"\"\n[providers.b.keys.bedrock_key_config]\naccess_key = \"AKIDEXAMPLE\"\n\
         secret_key = \"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\"\nregion = \"us-east-1\"\n",
        b.root_url()
    );
    let sent = resumed_on(&provider, "b/anthropic.claude-v2", &b).await;
    assert!(sent.path.ends_with("/converse-stream"), "{}", sent.path);
    let turns = last_turns(&sent.body["messages"], 1);
    assert_eq!(
        turns,
        [("assistant".into(), PART_ONE.trim_end().to_string())]
    );
    assert!(!sent.body.to_string().contains(CONTINUE), "{}", sent.body);
}

#[tokio::test]
async fn claude_on_vertex_continues_from_an_assistant_prefill() {
    let b = MockUpstream::start(|r| match r.path.as_str() {
        "/token" => Reply::json(
            json!({"access_token": "ya29.mock", "expires_in": 3599, "token_type": "Bearer"}),
        ),
        _ => anthropic_stream(" four."),
    })
    .await;
    let mut sa = crate::support::fixture("vertex/service_account");
    sa["token_uri"] = json!(format!("{}/token", b.root_url()));
    let credentials = toml::Value::String(sa.to_string());
    let provider = format!(
        "[providers.b]\ntype = \"vertex\"\nbase_url = \"{}\"\n[[providers.b.keys]]\nname = \"sa\"\n\
         value = \"\"\n[providers.b.keys.vertex_key_config]\nproject_id = \"p\"\nregion = \"us-east5\"\n\
         auth_credentials = {credentials}\n",
        b.base_url()
    );
    let sent = resumed_on(&provider, "b/claude-sonnet-4", &b).await;
    assert!(sent.path.ends_with(":streamRawPredict"), "{}", sent.path);
    let turns = last_turns(&sent.body["messages"], 1);
    assert_eq!(
        turns,
        [("assistant".into(), PART_ONE.trim_end().to_string())]
    );
    assert!(!sent.body.to_string().contains(CONTINUE), "{}", sent.body);
}

#[tokio::test]
async fn gemini_continues_from_context_and_the_continue_instruction() {
    let chunk = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "four."}]},
        "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 2, "totalTokenCount": 11}});
    let b = MockUpstream::always(Reply::Raw {
        status: 200,
        content_type: "text/event-stream".into(),
        body: format!("data: {chunk}\n\n").into_bytes(),
    })
    .await;
    let provider = format!(
        "[providers.b]\ntype = \"gemini\"\nbase_url = \"{}\"\n[[providers.b.keys]]\nname = \"kb\"\nvalue = \"g-key\"\n",
        b.base_url()
    );
    let sent = resumed_on(&provider, "b/gemini-2.5-flash", &b).await;
    let contents = sent.body["contents"].as_array().expect("gemini contents");
    let turns: Vec<(String, String)> = contents[contents.len() - 2..]
        .iter()
        .map(|c| {
            let text = c["parts"].as_array().into_iter().flatten();
            let text: String = text.filter_map(|p| p["text"].as_str()).collect();
            (c["role"].as_str().unwrap_or("").to_string(), text)
        })
        .collect();
    assert_eq!(
        turns,
        [
            ("model".into(), PART_ONE.to_string()),
            ("user".into(), CONTINUE.to_string())
        ]
    );
}

#[tokio::test]
async fn cohere_continues_from_context_and_the_continue_instruction() {
    let events = [
        json!({"type": "message-start", "id": "c1", "delta": {"message": {"role": "assistant"}}}),
        json!({"type": "content-start", "index": 0,
            "delta": {"message": {"content": {"type": "text", "text": ""}}}}),
        json!({"type": "content-delta", "index": 0,
            "delta": {"message": {"content": {"text": "four."}}}}),
        json!({"type": "content-end", "index": 0}),
        json!({"type": "message-end", "delta": {"finish_reason": "COMPLETE",
            "usage": {"billed_units": {"input_tokens": 9, "output_tokens": 2},
                "tokens": {"input_tokens": 9, "output_tokens": 2}}}}),
    ];
    let body: String = events
        .iter()
        .map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap()))
        .collect();
    let b = MockUpstream::always(Reply::Raw {
        status: 200,
        content_type: "text/event-stream".into(),
        body: body.into_bytes(),
    })
    .await;
    let provider = format!(
        "[providers.b]\ntype = \"cohere\"\nbase_url = \"{}\"\n[[providers.b.keys]]\nname = \"kb\"\nvalue = \"co-key\"\n",
        b.base_url()
    );
    let sent = resumed_on(&provider, "b/command-r", &b).await;
    let turns = last_turns(&sent.body["messages"], 2);
    assert_eq!(
        turns,
        [
            ("assistant".into(), PART_ONE.to_string()),
            ("user".into(), CONTINUE.to_string())
        ]
    );
}
