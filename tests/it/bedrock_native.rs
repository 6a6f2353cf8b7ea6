//! `/bedrock` to a `bedrock` provider, same dialect: the Converse body reaches Bedrock
//! byte for byte (fields bifrost does not model and `additionalModelRequestFields`
//! included), signed anew with the provider's credentials over those exact bytes;
//! the JSON answer and the ConverseStream frames come back untouched; hooks still get
//! the usage (from the answer, or the stream's `metadata` event), and a virtual key's
//! budget holds.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bifrost::admin::{Governance, Kind};
use bifrost::hooks::{Hook, Outcome, Pipeline, RequestInfo};
use http::Method;
use serde_json::json;
use tokio::sync::Notify;

use crate::bedrock::verify_signature;
use crate::bedrock_route::headers;
use crate::responses_vendors::{frame, Scenario, Vendor};
use crate::support::client::{call, Answer};
use crate::support::gateway::Gateway;
use crate::support::python::assert_pytest_async;
use crate::support::upstream::{MockUpstream, Reply};

/// The model id, as the client names it and as Bedrock's URL carries it.
const MODEL: &str = "anthropic.claude-3-5-sonnet-20240620-v1:0";
const MODEL_PATH: &str = "anthropic.claude-3-5-sonnet-20240620-v1%3A0";

/// A Converse body with a member no Converse schema of this release has, numbers
/// spelled as no serializer would, and `additionalModelRequestFields`.
const BODY: &str = r#"{"messages":[{"role":"user","content":[{"text":"Hello"}]}],"system":[{"text":"Be brief."}],"inferenceConfig":{"maxTokens":10,"temperature":0.50},"additionalModelRequestFields":{"top_k":5,"thinking":{"type":"enabled","budget_tokens":1024}},"a_field_from_next_year":{"x":1.50}}"#;

const ANSWER: &str = r#"{"output":{"message":{"role":"assistant","content":[{"text":"Hi there!"}]}},"stopReason":"end_turn","usage":{"inputTokens":3,"outputTokens":8,"totalTokens":11,"cacheReadInputTokens":0},"metrics":{"latencyMs":300},"additionalModelResponseFields":{"x":1.50}}"#;

/// Outcomes the hooks were told.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<Outcome>>,
    added: Notify,
}

impl Recorder {
    /// The first `n` outcomes, once they have arrived (a stream's comes when its body
    /// ends).
    async fn first(&self, n: usize) -> Vec<Outcome> {
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                let notified = self.added.notified();
                let seen = self.seen.lock().unwrap().clone();
                if seen.len() >= n {
                    return seen[..n].to_vec();
                }
                notified.await;
            }
        })
        .await
        .expect("the outcomes")
    }

    async fn one(&self) -> Outcome {
        self.first(1).await.remove(0)
    }
}

struct Probe(Arc<Recorder>);

impl Hook for Probe {
    fn on_complete(&self, _info: &RequestInfo, outcome: &Outcome) {
        self.0.seen.lock().unwrap().push(outcome.clone());
        self.0.added.notify_waiters();
    }

    fn wants_content(&self) -> bool {
        true
    }
}

/// One `bedrock` provider `aws` at `up`, with `pricing` (TOML lines) appended.
fn config(up: &MockUpstream, pricing: &str) -> String {
    format!(
        "[providers.aws]\ntype = \"bedrock\"\nbase_url = \"{}\"\n\
         [[providers.aws.keys]]\nname = \"k\"\nvalue = \"\"\n\
         [providers.aws.keys.bedrock_key_config]\naccess_key = \"AKIDEXAMPLE\"\n\
         secret_key = \"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\"\nregion = \"us-east-1\"\n{pricing}",
        up.root_url()
    )
}

async fn gateway(up: &MockUpstream) -> (Gateway, Arc<Recorder>) {
    let rec = Arc::new(Recorder::default());
    let gw = Gateway::start_with(
        &config(up, ""),
        Pipeline::new(vec![Arc::new(Probe(rec.clone()))]),
    )
    .await;
    (gw, rec)
}

async fn converse(gw: &Gateway, action: &str, extra: &[(&str, &str)]) -> Answer {
    let mut all = headers().to_vec();
    all.extend_from_slice(extra);
    call(
        Method::POST,
        &gw.url(&format!("/bedrock/model/aws%2F{MODEL_PATH}/{action}")),
        &all,
        BODY,
    )
    .await
}

#[tokio::test]
async fn converse_reaches_bedrock_byte_for_byte_and_answers_untouched() {
    let up = MockUpstream::always(Reply::Raw {
        status: 200,
        content_type: "application/json".into(),
        body: ANSWER.as_bytes().to_vec(),
    })
    .await;
    let (gw, rec) = gateway(&up).await;
    let resp = converse(&gw, "converse", &[]).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(resp.text(), ANSWER, "the answer is Bedrock's bytes");

    let seen = &up.requests()[0];
    assert_eq!(seen.path, format!("/model/{MODEL_PATH}/converse"));
    assert_eq!(
        String::from_utf8_lossy(&seen.raw_body),
        BODY,
        "the body was re-encoded"
    );
    // The provider's signature over the forwarded bytes, not the client's.
    verify_signature(seen, None);
    assert!(!seen
        .header("authorization")
        .unwrap()
        .contains("AKIDCLIENTSECRET"));

    let o = rec.one().await;
    assert_eq!(o.status, 200);
    let usage = o.usage.expect("usage from the answer");
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (3, 8));
    let content = o.content.expect("content");
    assert_eq!(
        content.request.unwrap().to_value()["a_field_from_next_year"]["x"],
        1.5
    );
    assert_eq!(
        content.response.unwrap().to_value()["stopReason"],
        "end_turn"
    );
}

#[tokio::test]
async fn converse_stream_frames_pass_untouched_and_report_usage() {
    let frames = [
        frame("messageStart", &json!({"role": "assistant"})),
        frame(
            "contentBlockDelta",
            &json!({"contentBlockIndex": 0, "delta": {"text": "Hi "}}),
        ),
        frame(
            "contentBlockDelta",
            &json!({"contentBlockIndex": 0, "delta": {"text": "there!"}}),
        ),
        frame("contentBlockStop", &json!({"contentBlockIndex": 0})),
        frame("messageStop", &json!({"stopReason": "end_turn"})),
        frame(
            "metadata",
            &json!({"usage": {"inputTokens": 5, "outputTokens": 2, "totalTokens": 7},
                "metrics": {"latencyMs": 10}}),
        ),
    ];
    let whole: Vec<u8> = frames.concat();
    // Split across network chunks at places that cut frames in two.
    let chunks = vec![
        whole[..7].to_vec(),
        whole[7..100].to_vec(),
        whole[100..].to_vec(),
    ];
    let up = MockUpstream::always(Reply::Chunked {
        status: 200,
        content_type: "application/vnd.amazon.eventstream".into(),
        chunks,
        hold_after_first: None,
    })
    .await;
    let (gw, rec) = gateway(&up).await;
    let resp = converse(&gw, "converse-stream", &[]).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(
        resp.headers["content-type"],
        "application/vnd.amazon.eventstream"
    );
    assert_eq!(
        &resp.body[..],
        &whole[..],
        "the frames were not relayed as sent"
    );

    let seen = &up.requests()[0];
    assert_eq!(seen.path, format!("/model/{MODEL_PATH}/converse-stream"));
    assert_eq!(String::from_utf8_lossy(&seen.raw_body), BODY);
    verify_signature(seen, None);

    let o = rec.one().await;
    assert_eq!(o.status, 200);
    assert!(o.error.is_none(), "{:?}", o.error);
    let usage = o.usage.expect("usage from the metadata event");
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (5, 2));
    let events = o.content.unwrap().response.unwrap().to_value();
    assert_eq!(events[1]["event"], "contentBlockDelta");
    assert_eq!(events[1]["payload"]["delta"]["text"], "Hi ");
    assert_eq!(events.as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn a_virtual_keys_budget_holds_on_forwarded_converse() {
    let up = MockUpstream::always(Reply::Raw {
        status: 200,
        content_type: "application/json".into(),
        body: ANSWER.as_bytes().to_vec(),
    })
    .await;
    // $0.001 per prompt token, $1 per output token: the answer (3 in, 8 out) costs
    // $8.003; a request is reserved its body's size in prompt tokens plus its
    // `maxTokens` (10) of output, about $10.4.
    let pricing =
        format!("[pricing.\"aws/{MODEL}\"]\ninput_per_mtok = 1000\noutput_per_mtok = 1000000\n");
    let gw = Gateway::start(&config(&up, &pricing)).await;
    let vk = gw
        .state
        .governance()
        .create(
            Kind::VirtualKey,
            json!({"name": "app", "budget": {"max_limit": 15, "reset_duration": "1d"}}),
        )
        .await
        .unwrap();
    let value = vk["value"].as_str().unwrap();
    let first = converse(&gw, "converse", &[("x-bf-vk", value)]).await;
    assert_eq!(first.status, 200, "{}", first.text());
    // $8.003 spent: the next request's reservation does not fit in $15.
    let second = converse(&gw, "converse", &[("x-bf-vk", value)]).await;
    assert_eq!(second.status, 402, "{}", second.text());
    assert!(second.text().contains("budget"), "{}", second.text());
    assert_eq!(
        up.request_count(),
        1,
        "the refused request never went upstream"
    );
}

/// boto3 itself, against the same-dialect path: answers as Bedrock gave them, and the
/// mock got `additionalModelRequestFields` as boto3 sent it, signed by the provider.
#[tokio::test]
async fn boto3_converse_reaches_a_bedrock_provider_with_its_additional_fields() {
    let up = Vendor::Bedrock.mock(Scenario::weather()).await;
    let (gw, rec) = gateway(&up).await;
    let out = assert_pytest_async(
        "test_bedrock_native.py",
        &[
            ("BIFROST_BEDROCK_URL", gw.url("/bedrock")),
            ("BIFROST_BEDROCK_MODEL", Vendor::Bedrock.model()),
        ],
    )
    .await;
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("3 passed") && !summary.contains("failed"),
        "{summary}"
    );
    let seen = up.requests();
    assert_eq!(seen.len(), 4);
    for (r, path) in seen.iter().zip(["converse", "converse-stream"]) {
        assert_eq!(r.path, format!("/model/{MODEL_PATH}/{path}"));
        assert_eq!(
            r.body["additionalModelRequestFields"],
            json!({"top_k": 5, "thinking": {"type": "enabled", "budget_tokens": 1024}})
        );
        verify_signature(r, None);
    }
    // Hooks saw usage on every request, the stream's from its metadata event.
    for o in rec.first(4).await {
        assert_eq!(o.usage.map(|u| u.total_tokens), Some(25));
    }
}

/// A Bedrock that sends the first frame of a stream, then closes the connection
/// without ending the chunked body: a truncated answer.
async fn dying_bedrock(first: Vec<u8>) -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut req = Vec::new();
        let mut buf = [0u8; 4096];
        // Headers, then as many body bytes as Content-Length says.
        let body_len = loop {
            let n = sock.read(&mut buf).await.unwrap();
            req.extend_from_slice(&buf[..n]);
            if let Some(end) = req.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&req[..end]).to_lowercase();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse().unwrap());
                break end + 4 + len;
            }
        };
        while req.len() < body_len {
            let n = sock.read(&mut buf).await.unwrap();
            req.extend_from_slice(&buf[..n]);
        }
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/vnd.amazon.eventstream\r\n\
                    transfer-encoding: chunked\r\n\r\n";
        sock.write_all(head.as_bytes()).await.unwrap();
        sock.write_all(format!("{:x}\r\n", first.len()).as_bytes())
            .await
            .unwrap();
        sock.write_all(&first).await.unwrap();
        sock.write_all(b"\r\n").await.unwrap();
        sock.flush().await.unwrap();
        // Dropped here: no terminating chunk.
    });
    addr
}

#[tokio::test]
async fn a_stream_cut_mid_way_ends_with_an_exception_frame_not_a_clean_end() {
    let first = frame(
        "contentBlockDelta",
        &json!({"contentBlockIndex": 0, "delta": {"text": "Hi"}}),
    );
    let addr = dying_bedrock(first.clone()).await;
    let up_url = format!("http://{addr}");
    let toml = format!(
        "[providers.aws]\ntype = \"bedrock\"\nbase_url = \"{up_url}\"\n\
         [[providers.aws.keys]]\nname = \"k\"\nvalue = \"\"\n\
         [providers.aws.keys.bedrock_key_config]\naccess_key = \"AKIDEXAMPLE\"\n\
         secret_key = \"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\"\nregion = \"us-east-1\"\n"
    );
    let rec = Arc::new(Recorder::default());
    let gw = Gateway::start_with(&toml, Pipeline::new(vec![Arc::new(Probe(rec.clone()))])).await;
    let resp = converse(&gw, "converse-stream", &[]).await;
    assert_eq!(resp.status, 200);
    assert!(
        resp.body.starts_with(&first),
        "the whole frame before the cut went out"
    );
    let tail = &resp.body[first.len()..];
    let has = |needle: &[u8]| tail.windows(needle.len()).any(|w| w == needle);
    assert!(
        has(b":message-type") && has(b"exception") && has(b":exception-type"),
        "the stream must end with an exception frame: {:?}",
        String::from_utf8_lossy(tail)
    );
    let o = rec.one().await;
    assert!(o.error.is_some(), "the outcome records the cut");
}
