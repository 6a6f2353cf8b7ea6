//! The `bedrock` provider type end to end: an OpenAI-format client, the gateway, and a
//! mock upstream answering as the Bedrock runtime (Converse JSON, ConverseStream as
//! binary AWS event-stream frames, InvokeModel for embeddings). Fixtures in
//! `tests/fixtures/bedrock`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::support::client::{post, send, Events};
use crate::support::gateway::Gateway;
use crate::support::upstream::{MockUpstream, Recorded, Reply};

const ARN: &str = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0";
const ARN_PATH: &str = "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-5-sonnet-20240620-v1%3A0";

fn fixture(name: &str) -> Value {
    crate::support::fixture(&format!("bedrock/{name}"))
}

/// One bedrock provider `aws` at `base_url` with an AWS key (and session token).
fn config(base_url: &str, session_token: Option<&str>) -> String {
    let token = session_token.map_or(String::new(), |t| format!("session_token = \"{t}\"\n"));
    format!(
        r#"
[providers.aws]
type = "bedrock"
base_url = "{base_url}"
[[providers.aws.keys]]
name = "k1"
value = ""
[providers.aws.keys.bedrock_key_config]
access_key = "AKIDEXAMPLE"
secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
region = "us-east-1"
{token}[providers.aws.keys.bedrock_key_config.deployments]
claude = "{ARN}"
"#
    )
}

/// One AWS event-stream frame as Bedrock sends it.
fn frame(headers: &[(&str, &str)], payload: &Value) -> Vec<u8> {
    let mut message = Message::new(payload.to_string().into_bytes());
    for (name, value) in headers {
        message = message.add_header(Header::new(
            name.to_string(),
            HeaderValue::String(value.to_string().into()),
        ));
    }
    let mut out = Vec::new();
    write_message_to(&message, &mut out).unwrap();
    out
}

pub(crate) fn event(kind: &str, payload: &Value) -> Vec<u8> {
    frame(
        &[
            (":event-type", kind),
            (":content-type", "application/json"),
            (":message-type", "event"),
        ],
        payload,
    )
}

/// The stream fixture as event-stream frames, one per event.
fn stream_frames() -> Vec<Vec<u8>> {
    let events = fixture("converse_stream");
    events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| event(e["event"].as_str().unwrap(), &e["payload"]))
        .collect()
}

pub(crate) fn event_stream(chunks: Vec<Vec<u8>>, hold: Option<Arc<Notify>>) -> Reply {
    Reply::Chunked {
        status: 200,
        content_type: "application/vnd.amazon.eventstream".into(),
        chunks,
        hold_after_first: hold,
    }
}

fn assert_signed(seen: &Recorded, session_token: Option<&str>) {
    let auth = seen.header("authorization").unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
            && auth.contains("/us-east-1/bedrock/aws4_request, SignedHeaders=")
            && auth.contains("Signature="),
        "{auth}"
    );
    let date = seen.header("x-amz-date").unwrap();
    assert!(date.len() == 16 && date.ends_with('Z'), "{date}");
    assert_eq!(seen.header("x-amz-security-token"), session_token);
    assert_eq!(
        auth.contains("x-amz-security-token"),
        session_token.is_some(),
        "{auth}"
    );
    verify_signature(seen, session_token);
}

/// `YYYYMMDDTHHMMSSZ` as a time (civil-from-days, proleptic Gregorian).
fn amz_date(s: &str) -> SystemTime {
    let n = |a: usize, b: usize| s[a..b].parse::<i64>().unwrap();
    let (y, m, d) = (n(0, 4), n(4, 6), n(6, 8));
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let secs = days * 86_400 + n(9, 11) * 3600 + n(11, 13) * 60 + n(13, 15);
    SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).unwrap())
}

/// Recomputes the signature from the request as the upstream received it (path, body,
/// and the signed headers' received values), the way AWS verifies it: a header the
/// transport changed after signing, or a path encoded differently, would not match.
pub(crate) fn verify_signature(seen: &Recorded, session_token: Option<&str>) {
    let auth = seen.header("authorization").unwrap();
    let names = auth.split("SignedHeaders=").nth(1).unwrap();
    let names: Vec<&str> = names.split(',').next().unwrap().split(';').collect();
    let headers: Vec<(&str, &str)> = names
        .iter()
        .filter(|n| !matches!(**n, "x-amz-date" | "x-amz-security-token"))
        .map(|n| (*n, seen.header(n).unwrap()))
        .collect();
    let url = format!("http://{}{}", seen.header("host").unwrap(), seen.path);
    let identity = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        session_token.map(str::to_string),
        None,
        "test",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("bedrock")
        .time(amz_date(seen.header("x-amz-date").unwrap()))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let request = SignableRequest::new(
        &seen.method,
        url,
        headers.into_iter(),
        SignableBody::Bytes(&seen.raw_body),
    )
    .unwrap();
    let (instructions, _) = sign(request, &params).unwrap().into_parts();
    let expected = instructions
        .headers()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .unwrap()
        .1
        .to_string();
    assert_eq!(auth, expected);
}

fn chat(model: &str, stream: bool) -> Value {
    json!({"model": model, "stream": stream, "stream_options": if stream { json!({"include_usage": true}) } else { Value::Null },
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello"}]})
}

#[tokio::test]
async fn a_chat_is_signed_mapped_to_its_deployment_and_translated() {
    let up = MockUpstream::always(Reply::json(json!({
        "output": {"message": {"role": "assistant", "content": [{"text": "Hi there!"}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 12, "outputTokens": 4, "totalTokens": 16},
        "metrics": {"latencyMs": 300}
    })))
    .await;
    let gw = Gateway::start(&config(&up.root_url(), Some("FQoGZXIvYXdzEXAMPLETOKEN"))).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat("aws/claude", false)).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let answer = resp.json();
    assert_eq!(answer["object"], "chat.completion");
    assert_eq!(answer["model"], "claude");
    assert_eq!(answer["choices"][0]["message"]["content"], "Hi there!");
    assert_eq!(answer["choices"][0]["finish_reason"], "stop");
    assert_eq!(answer["usage"]["total_tokens"], 16);

    let seen = &up.requests()[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path, format!("/model/{ARN_PATH}/converse"));
    assert_signed(seen, Some("FQoGZXIvYXdzEXAMPLETOKEN"));
    assert_eq!(seen.body["system"], json!([{"text": "Be brief."}]));
    assert_eq!(
        seen.body["messages"],
        json!([{"role": "user", "content": [{"text": "Hello"}]}])
    );
    // A model without a deployment goes by its own id, still encoded.
    post(
        &gw.url("/v1/chat/completions"),
        &chat("aws/amazon.nova-pro-v1:0", false),
    )
    .await;
    assert_eq!(
        up.requests()[1].path,
        "/model/amazon.nova-pro-v1%3A0/converse"
    );
}

#[tokio::test]
async fn a_tool_call_round_trips() {
    let up = MockUpstream::always(Reply::json(fixture("converse_response"))).await;
    let gw = Gateway::start(&config(&up.root_url(), None)).await;
    let mut body = fixture("openai_tool_request");
    body["model"] = json!("aws/claude");
    let resp = post(&gw.url("/v1/chat/completions"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let seen = up.requests();
    assert_signed(&seen[0], None);
    assert_eq!(seen[0].body, fixture("converse_request"));
    let answer = resp.json();
    let message = &answer["choices"][0]["message"];
    assert_eq!(answer["choices"][0]["finish_reason"], "tool_calls");
    let call = &message["tool_calls"][0];
    assert_eq!(call["id"], "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q");
    assert_eq!(call["function"]["name"], "get_weather");

    // The client answers the call; Bedrock gets the toolUse and its toolResult.
    let follow = json!({"model": "aws/claude", "messages": [
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": null, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call["id"], "content": "18 C, partly cloudy"}
    ], "tools": body["tools"]});
    let resp = post(&gw.url("/v1/chat/completions"), &follow).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let sent = &up.requests()[1].body["messages"];
    assert_eq!(
        sent[1]["content"][0]["toolUse"]["toolUseId"],
        "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q"
    );
    assert_eq!(
        sent[1]["content"][0]["toolUse"]["input"]["location"],
        "Paris, France"
    );
    assert_eq!(
        sent[2],
        json!({"role": "user", "content": [{"toolResult": {"toolUseId": "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q",
            "content": [{"text": "18 C, partly cloudy"}]}}]})
    );
}

async fn open_stream(gw: &Gateway) -> Events {
    let resp = send(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json")],
        serde_json::to_vec(&chat("aws/claude", true)).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    Events::new(resp)
}

#[tokio::test]
async fn the_first_chunk_reaches_the_client_before_bedrock_sends_the_last_frame() {
    let frames = stream_frames();
    // The first network chunk ends inside the second frame; the rest waits for `hold`.
    let first: Vec<u8> = [frames[0].clone(), frames[1][..7].to_vec()].concat();
    let rest: Vec<u8> = std::iter::once(frames[1][7..].to_vec())
        .chain(frames[2..].iter().cloned())
        .flatten()
        .collect();
    let hold = Arc::new(Notify::new());
    let up = MockUpstream::always(event_stream(vec![first, rest], Some(hold.clone()))).await;
    let gw = Gateway::start(&config(&up.root_url(), None)).await;
    let mut events = open_stream(&gw).await;
    // Bedrock is blocked mid-frame: receiving the role chunk proves nothing is buffered.
    let head = events.next().await.expect("first chunk");
    let head: Value = serde_json::from_str(&head).unwrap();
    assert_eq!(head["choices"][0]["delta"]["role"], "assistant");
    hold.notify_one();
    let rest = events.rest().await;
    assert_eq!(rest.last().map(String::as_str), Some("[DONE]"), "{rest:?}");
    let chunks: Vec<Value> = rest[..rest.len() - 1]
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"].get(0)?["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "Okay, let's check the weather for San Francisco, CA:");
    let args: String = chunks
        .iter()
        .filter_map(|c| {
            c["choices"].get(0)?["delta"]["tool_calls"][0]["function"]["arguments"].as_str()
        })
        .collect();
    assert_eq!(
        serde_json::from_str::<Value>(&args).unwrap()["unit"],
        "fahrenheit"
    );
    assert_eq!(chunks.last().unwrap()["usage"]["prompt_tokens"], 472);
    let seen = &up.requests()[0];
    assert_eq!(seen.path, format!("/model/{ARN_PATH}/converse-stream"));
    assert_eq!(
        seen.header("accept"),
        Some("application/vnd.amazon.eventstream")
    );
    assert_signed(seen, None);
}

#[tokio::test]
async fn an_exception_frame_mid_stream_is_an_error_event_and_no_done() {
    let mut frames = stream_frames()[..3].to_vec();
    frames.push(frame(
        &[
            (":exception-type", "throttlingException"),
            (":content-type", "application/json"),
            (":message-type", "exception"),
        ],
        &json!({"message": "Too many tokens, please wait before trying again."}),
    ));
    let up = MockUpstream::always(event_stream(frames, None)).await;
    let gw = Gateway::start(&config(&up.root_url(), None)).await;
    let all = open_stream(&gw).await.rest().await;
    assert!(!all.iter().any(|e| e == "[DONE]"), "{all:?}");
    let last: Value = serde_json::from_str(all.last().unwrap()).unwrap();
    let message = last["error"]["message"].as_str().unwrap();
    assert!(message.contains("Too many tokens"), "{last}");
    let text: String = all
        .iter()
        .filter_map(|e| {
            serde_json::from_str::<Value>(e).ok()?["choices"].get(0)?["delta"]["content"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    assert_eq!(text, "Okay, let's check the weather for San Francisco, CA:");
}

#[tokio::test]
async fn a_bedrock_error_reaches_the_client_with_its_status_and_message() {
    let up = MockUpstream::always(Reply::Json {
        status: 400,
        body: json!({"message": "The provided model identifier is invalid."}),
        headers: vec![(
            "x-amzn-ErrorType".into(),
            "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/".into(),
        )],
    })
    .await;
    let gw = Gateway::start(&config(&up.root_url(), None)).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat("aws/nope", false)).await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(
        resp.error_message()
            .contains("The provided model identifier is invalid."),
        "{}",
        resp.text()
    );
}

#[tokio::test]
async fn titan_embeddings_send_one_request_per_input() {
    let up = MockUpstream::start(|r| {
        let n = r.body["inputText"].as_str().unwrap().len() as u64;
        Reply::json(json!({"embedding": [0.25, -0.5, n as f64], "inputTextTokenCount": n}))
    })
    .await;
    let gw = Gateway::start(&config(&up.root_url(), None)).await;
    let resp = post(
        &gw.url("/v1/embeddings"),
        &json!({"model": "aws/amazon.titan-embed-text-v2:0", "input": ["one", "three"], "dimensions": 256}),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let answer = resp.json();
    assert_eq!(answer["object"], "list");
    assert_eq!(answer["data"][1]["index"], 1);
    assert_eq!(answer["data"][1]["embedding"], json!([0.25, -0.5, 5.0]));
    assert_eq!(answer["usage"]["prompt_tokens"], 8);
    let seen = up.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].path, "/model/amazon.titan-embed-text-v2%3A0/invoke");
    assert_eq!(seen[0].body, json!({"inputText": "one", "dimensions": 256}));
    assert_signed(&seen[0], None);
}

#[tokio::test]
async fn a_key_without_aws_credentials_is_sent_as_a_bedrock_api_key() {
    let up = MockUpstream::always(Reply::json(fixture("converse_response"))).await;
    let config = format!(
        "[providers.aws]\ntype = \"bedrock\"\nbase_url = \"{}\"\n[[providers.aws.keys]]\nname = \"api\"\nvalue = \"ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl\"\n",
        up.root_url()
    );
    let gw = Gateway::start(&config).await;
    let resp = post(
        &gw.url("/v1/chat/completions"),
        &chat("aws/amazon.nova-pro-v1:0", false),
    )
    .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let seen = &up.requests()[0];
    assert_eq!(seen.bearer(), Some("ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl"));
    assert_eq!(seen.header("x-amz-date"), None);
}

#[tokio::test]
async fn unresolvable_credentials_fail_naming_the_key_and_field_and_send_nothing() {
    let up = MockUpstream::always(Reply::json(fixture("converse_response"))).await;
    let config = config(&up.root_url(), None).replace(
        "secret_key = \"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\"",
        "secret_key = \"env.BIFROST_TEST_BEDROCK_UNSET_SECRET\"",
    );
    let gw = Gateway::start(&config).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat("aws/claude", false)).await;
    assert_eq!(resp.status, 502, "{}", resp.text());
    let message = resp.error_message();
    assert!(
        message.contains("`k1`") && message.contains("bedrock_key_config.secret_key"),
        "{message}"
    );
    assert_eq!(up.request_count(), 0);
}

#[tokio::test]
async fn rerank_is_signed_sent_to_the_rerank_api_and_answered_best_first() {
    // Out of order on purpose: the gateway answers best first whatever the upstream does.
    let up = MockUpstream::always(Reply::json(json!({"results": [
        {"index": 0, "relevanceScore": 0.125},
        {"index": 1, "relevanceScore": 0.875,
         "document": {"type": "TEXT", "textDocument": {"text": "Paris is the capital of France."}}}
    ]})))
    .await;
    let gw = Gateway::start(&config(&up.root_url(), Some("FQoGZXIvYXdzEXAMPLETOKEN"))).await;
    let body = json!({"model": "aws/amazon.rerank-v1:0", "query": "capital of France?",
        "documents": ["Berlin is in Germany.", {"text": "Paris is the capital of France."}, {"city": "Lyon"}],
        "top_n": 2, "return_documents": true});
    let resp = post(&gw.url("/v1/rerank"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let answer = resp.json();
    assert_eq!(
        answer["results"],
        json!([
            {"index": 1, "relevance_score": 0.875, "document": {"text": "Paris is the capital of France."}},
            {"index": 0, "relevance_score": 0.125, "document": "Berlin is in Germany."}
        ])
    );
    assert_eq!(answer["extra_fields"]["request_type"], "rerank");

    let seen = &up.requests()[0];
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/rerank")
    );
    assert_signed(seen, Some("FQoGZXIvYXdzEXAMPLETOKEN"));
    let inline = |text: &str| json!({"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": text}}});
    assert_eq!(
        seen.body,
        json!({
            "queries": [{"type": "TEXT", "textQuery": {"text": "capital of France?"}}],
            "sources": [inline("Berlin is in Germany."), inline("Paris is the capital of France."),
                {"type": "INLINE", "inlineDocumentSource": {"type": "JSON", "jsonDocument": {"city": "Lyon"}}}],
            "rerankingConfiguration": {"type": "BEDROCK_RERANKING_MODEL", "bedrockRerankingConfiguration": {
                "numberOfResults": 2,
                "modelConfiguration": {"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.rerank-v1:0"}
            }}
        })
    );
}

#[tokio::test]
async fn rerank_maps_deployments_to_arns_and_follows_next_token() {
    let up = MockUpstream::start(|r| {
        if r.body.get("nextToken").is_some() {
            Reply::json(json!({"results": [{"index": 0, "relevanceScore": 0.5}]}))
        } else {
            Reply::json(
                json!({"results": [{"index": 1, "relevanceScore": 0.75}], "nextToken": "page-2"}),
            )
        }
    })
    .await;
    let arn = "arn:aws:bedrock:us-west-2::foundation-model/cohere.rerank-v3-5:0";
    let config = config(&up.root_url(), None).replace(
        &format!("claude = \"{ARN}\""),
        &format!("ranker = \"{arn}\""),
    );
    let gw = Gateway::start(&config).await;
    let body = json!({"model": "aws/ranker", "query": "q", "documents": ["a", "b"]});
    let resp = post(&gw.url("/v1/rerank"), &body).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        resp.json()["results"],
        json!([{"index": 1, "relevance_score": 0.75}, {"index": 0, "relevance_score": 0.5}])
    );
    let seen = up.requests();
    assert_eq!(seen.len(), 2);
    let config_path = "/rerankingConfiguration/bedrockRerankingConfiguration";
    assert_eq!(
        seen[0]
            .body
            .pointer(&format!("{config_path}/modelConfiguration/modelArn")),
        Some(&json!(arn))
    );
    assert_eq!(
        seen[0]
            .body
            .pointer(&format!("{config_path}/numberOfResults")),
        Some(&json!(2))
    );
    assert_eq!(seen[0].body.get("nextToken"), None);
    assert_eq!(seen[1].body["nextToken"], "page-2");
    for s in &seen {
        assert_signed(s, None);
    }
}

#[tokio::test]
async fn rerank_with_an_api_key_needs_an_arn_when_no_region_is_known() {
    let up = MockUpstream::always(Reply::json(
        json!({"results": [{"index": 0, "relevanceScore": 0.5}]}),
    ))
    .await;
    let config = format!(
        "[providers.aws]\ntype = \"bedrock\"\nbase_url = \"{}\"\n[[providers.aws.keys]]\nname = \"api\"\nvalue = \"ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl\"\n",
        up.root_url()
    );
    let gw = Gateway::start(&config).await;
    let bare = json!({"model": "aws/amazon.rerank-v1:0", "query": "q", "documents": ["a"]});
    let resp = post(&gw.url("/v1/rerank"), &bare).await;
    assert_eq!(resp.status, 400, "{}", resp.text());
    assert!(
        resp.error_message().contains("deployments"),
        "{}",
        resp.text()
    );
    assert_eq!(up.request_count(), 0);

    let arn = "arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0";
    let mut by_arn = bare.clone();
    by_arn["model"] = json!(format!("aws/{arn}"));
    let resp = post(&gw.url("/v1/rerank"), &by_arn).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let seen = &up.requests()[0];
    assert_eq!(seen.bearer(), Some("ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl"));
    assert_eq!(
        seen.body["rerankingConfiguration"]["bedrockRerankingConfiguration"]["modelConfiguration"]
            ["modelArn"],
        arn
    );
}
