//! Graceful shutdown and the hook pipeline.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use bifrost::hooks::{
    Hook, InferenceRequest, Outcome, Pipeline, PreOutcome, Rejection, RequestInfo,
};
use bifrost::schema::ChatChunk;
use serde_json::json;
use tokio::sync::Notify;

use crate::support::client::{post, send, Events};
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{chat_stream_events, MockUpstream, Reply};

#[tokio::test]
async fn shutdown_lets_a_running_stream_finish_and_refuses_new_connections() {
    let hold = Arc::new(Notify::new());
    let up = MockUpstream::always(Reply::Stream {
        events: chat_stream_events("m", &["first ", "last"]),
        gap: Duration::ZERO,
        done: true,
        hold_after_first: Some(hold.clone()),
        drop_after: None,
    })
    .await;
    let mut gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let body = serde_json::to_vec(
        &json!({"model": "up/m", "stream": true, "messages": [{"role": "user", "content": "x"}]}),
    )
    .unwrap();
    let resp = send(
        http::Method::POST,
        &gw.url("/v1/chat/completions"),
        &[],
        body,
    )
    .await;
    let mut events = Events::new(resp);
    assert!(events.next().await.is_some());

    let stopped = gw.begin_shutdown();
    // New connections are refused once the listener is closed.
    let mut refused = false;
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(gw.addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(refused, "the listener still accepts after shutdown began");
    hold.notify_one();
    let rest = events.rest().await;
    assert_eq!(
        rest.last().map(String::as_str),
        Some("[DONE]"),
        "the in-flight stream completed: {rest:?}"
    );
    tokio::time::timeout(Duration::from_secs(10), stopped)
        .await
        .expect("server stopped")
        .unwrap();
}

#[derive(Default)]
struct Recorder {
    chunks: AtomicUsize,
    outcomes: Mutex<Vec<Outcome>>,
}

struct Probe(Arc<Recorder>);

#[async_trait]
impl Hook for Probe {
    async fn pre_request(&self, info: &RequestInfo, req: InferenceRequest<'_>) -> PreOutcome {
        if info.headers.contains_key("x-block") {
            return PreOutcome::Reject(Rejection {
                status: 403,
                kind: "blocked_by_hook".into(),
                message: "blocked".into(),
            });
        }
        if let InferenceRequest::Chat(chat) = req {
            if chat.model == "mock/cached" {
                return PreOutcome::Respond(json!({"cached": true}));
            }
            chat.model = "mock/rewritten".into();
        }
        PreOutcome::Continue
    }

    fn on_chunk(&self, _info: &RequestInfo, _chunk: &mut ChatChunk) {
        self.0.chunks.fetch_add(1, Ordering::SeqCst);
    }

    fn on_complete(&self, _info: &RequestInfo, outcome: &Outcome) {
        self.0.outcomes.lock().unwrap().push(outcome.clone());
    }
}

#[tokio::test]
async fn hooks_can_rewrite_answer_refuse_and_observe() {
    let rec = Arc::new(Recorder::default());
    let hooks = Pipeline::new(vec![Arc::new(Probe(rec.clone()))]);
    let gw = Gateway::start_with("[providers.mock]\ntype = \"mock\"\n", hooks).await;
    let url = gw.url("/v1/chat/completions");

    let plain = post(
        &url,
        &json!({"model": "mock/anything", "messages": [{"role": "user", "content": "x"}]}),
    )
    .await;
    assert_eq!(plain.json()["model"], "rewritten");

    let cached = post(
        &url,
        &json!({"model": "mock/cached", "messages": [{"role": "user", "content": "x"}]}),
    )
    .await;
    assert_eq!(cached.json()["cached"], true);

    let blocked = crate::support::client::call(
        http::Method::POST,
        &url,
        &[("x-block", "1")],
        serde_json::to_vec(
            &json!({"model": "mock/m", "messages": [{"role": "user", "content": "x"}]}),
        )
        .unwrap(),
    )
    .await;
    assert_eq!(blocked.status, 403);
    assert_eq!(blocked.json()["error"]["type"], "blocked_by_hook");

    let body = serde_json::to_vec(&json!({"model": "mock/m", "stream": true, "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "hello"}]})).unwrap();
    let events = Events::new(send(http::Method::POST, &url, &[], body).await)
        .rest()
        .await;
    let data_chunks = events.len() - 1;
    assert_eq!(rec.chunks.load(Ordering::SeqCst), data_chunks);

    let outcomes = rec.outcomes.lock().unwrap().clone();
    assert_eq!(outcomes.len(), 4);
    assert_eq!(outcomes[0].provider.as_deref(), Some("mock"));
    assert_eq!(outcomes[2].status, 403);
    let streamed = &outcomes[3];
    assert!(streamed.error.is_none(), "{streamed:?}");
    assert!(streamed.usage.as_ref().unwrap().total_tokens > 0);
}
