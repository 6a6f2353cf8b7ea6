//! The request pipeline, route by route: a recording hook sees exactly one outcome per
//! request, with the right fields, whatever the route and however the request ends
//! (success, failover across two failing keys, bad JSON, unknown model, a stream, a
//! stream cut by the upstream, a client leaving mid-stream); and the stream observers
//! (hooks, JSON repair) run on every streaming route.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use bifrost::hooks::{Background, Hook, Outcome, Pipeline, RequestInfo};
use bifrost::schema::ChatChunk;
use http::Method;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::support::client::{send, Events};
use crate::support::gateway::Gateway;
use crate::support::upstream::{
    chat_chunk, chat_completion_with_usage, embeddings_response, finish_chunk, usage_chunk,
    MockUpstream, Recorded, Reply,
};

/// Every outcome, keyed by request id, with the route and model the hook was told.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<(String, &'static str, String, Outcome)>>,
    chunks: Mutex<HashMap<String, usize>>,
    added: Notify,
}

impl Recorder {
    /// Waits until `n` outcomes have arrived (they come when a stream's body ends,
    /// which may be just after the client read its last event).
    async fn wait_for(&self, n: usize) {
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                let notified = self.added.notified();
                if self.seen.lock().unwrap().len() >= n {
                    return;
                }
                notified.await;
            }
        })
        .await
        .unwrap_or_else(|_| {
            panic!(
                "expected {n} outcomes, got {:?}",
                self.seen
                    .lock()
                    .unwrap()
                    .iter()
                    .map(|s| &s.0)
                    .collect::<Vec<_>>()
            )
        });
    }

    fn outcome(&self, id: &str) -> (&'static str, String, Outcome) {
        let seen = self.seen.lock().unwrap();
        let mine: Vec<_> = seen.iter().filter(|s| s.0 == id).collect();
        assert_eq!(mine.len(), 1, "{id}: {} outcomes", mine.len());
        (mine[0].1, mine[0].2.clone(), mine[0].3.clone())
    }
}

struct Probe(Arc<Recorder>);

#[async_trait]
impl Hook for Probe {
    fn on_chunk(&self, info: &RequestInfo, _chunk: &mut ChatChunk) {
        *self
            .0
            .chunks
            .lock()
            .unwrap()
            .entry(info.request_id.to_string())
            .or_default() += 1;
    }

    fn on_complete(&self, info: &RequestInfo, outcome: &Outcome) {
        self.0.seen.lock().unwrap().push((
            info.request_id.to_string(),
            info.route,
            info.model_requested.clone(),
            outcome.clone(),
        ));
        self.0.added.notify_waiters();
    }

    fn wants_content(&self) -> bool {
        true
    }
}

/// The upstream's behaviour is chosen by the model id it receives: `ok` answers,
/// `fail` is a 500 for every key, `cut` streams one event and drops the connection,
/// `hold` streams one event and then waits forever.
fn upstream(r: &Recorded) -> Reply {
    let model = r.body["model"].as_str().unwrap_or("");
    let stream = r.body["stream"] == true;
    match (model, r.path.as_str()) {
        ("fail", _) => Reply::error(500, "upstream is down"),
        (_, "/v1/audio/transcriptions") => Reply::json(json!({"text": "hi"})),
        (_, "/v1/embeddings") => Reply::json(embeddings_response(1, 3)),
        (_, path) if path.ends_with("/rerank") => {
            Reply::json(json!({"id": "r", "results": [{"index": 0, "relevance_score": 0.5}]}))
        }
        ("ok", _) if stream => Reply::stream(vec![
            chat_chunk("ok", "Hel"),
            chat_chunk("ok", "lo"),
            finish_chunk("ok", "stop"),
            usage_chunk("ok", 3, 2),
        ]),
        ("ok", _) => Reply::json(chat_completion_with_usage("ok", "Hello", 3, 2)),
        ("cut", _) => Reply::Stream {
            events: vec![chat_chunk("cut", "Hel"), chat_chunk("cut", "lo")],
            gap: Duration::ZERO,
            done: false,
            hold_after_first: None,
            drop_after: Some(1),
        },
        ("hold", _) => Reply::Stream {
            events: vec![chat_chunk("hold", "Hel"), chat_chunk("hold", "lo")],
            gap: Duration::ZERO,
            done: true,
            hold_after_first: Some(Arc::new(Notify::new())),
            drop_after: None,
        },
        _ => Reply::error(400, "unexpected model"),
    }
}

fn config(base_url: &str, client: &str) -> String {
    format!(
        r#"
[client]
{client}
[providers.up]
type = "openai-compatible"
base_url = "{base_url}"
[[providers.up.keys]]
name = "k1"
value = "sk-one"
models = ["ok", "fail", "cut", "hold"]
[[providers.up.keys]]
name = "k2"
value = "sk-two"
models = ["ok", "fail", "cut", "hold"]
"#
    )
}

/// One chat route: its dialect's name, and how to ask it for `model`.
struct ChatRoute {
    name: &'static str,
    request: fn(model: &str, stream: bool) -> (String, Value),
}

/// An OpenAI chat body (the `/v1` and `/litellm` routes), asking for usage on streams.
fn openai_body(model: &str, stream: bool) -> Value {
    json!({"model": model, "stream": stream, "stream_options": {"include_usage": true},
        "messages": [{"role": "user", "content": "hi"}]})
}

const CHAT_ROUTES: [ChatRoute; 6] = [
    ChatRoute {
        name: "openai",
        request: |model, stream| ("/v1/chat/completions".into(), openai_body(model, stream)),
    },
    ChatRoute {
        name: "openai",
        request: |model, stream| {
            let path = "/litellm/v1/chat/completions".into();
            (path, openai_body(model, stream))
        },
    },
    ChatRoute {
        name: "anthropic",
        request: |model, stream| {
            let body = json!({"model": model, "stream": stream, "max_tokens": 16,
                "messages": [{"role": "user", "content": "hi"}]});
            ("/anthropic/v1/messages".into(), body)
        },
    },
    ChatRoute {
        name: "genai",
        request: |model, stream| {
            let action = if stream {
                "streamGenerateContent?alt=sse"
            } else {
                "generateContent"
            };
            let body = json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]});
            (format!("/genai/v1beta/models/{model}:{action}"), body)
        },
    },
    ChatRoute {
        name: "bedrock",
        request: |model, stream| {
            let action = if stream {
                "converse-stream"
            } else {
                "converse"
            };
            let body = json!({"messages": [{"role": "user", "content": [{"text": "hi"}]}]});
            let model = model.replace('/', "%2F");
            (format!("/bedrock/model/{model}/{action}"), body)
        },
    },
    ChatRoute {
        name: "cohere",
        request: |model, stream| {
            let body = json!({"model": model, "stream": stream,
                "messages": [{"role": "user", "content": "hi"}]});
            ("/cohere/v2/chat".into(), body)
        },
    },
];

/// Sends `body` (bytes) to `path` with request id `id`; returns the status and the
/// whole body.
async fn ask(gw: &Gateway, id: &str, path: &str, body: Vec<u8>) -> (u16, Vec<u8>) {
    let headers = [("content-type", "application/json"), ("x-request-id", id)];
    let resp = send(Method::POST, &gw.url(path), &headers, body).await;
    let status = resp.status().as_u16();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, bytes.to_vec())
}

#[tokio::test]
async fn every_chat_route_reports_exactly_one_outcome_per_request() {
    let up = MockUpstream::start(upstream).await;
    let rec = Arc::new(Recorder::default());
    let hooks = Pipeline::new(vec![Arc::new(Probe(rec.clone()))]);
    let gw = Gateway::start_with(&config(&up.base_url(), ""), hooks).await;
    let mut sent = 0;
    for (r, route) in CHAT_ROUTES.iter().enumerate() {
        let id = |case: &str| format!("{r}-{}-{case}", route.name);

        // Success, whole and streamed.
        for stream in [false, true] {
            let case = id(if stream { "stream" } else { "ok" });
            let (path, body) = (route.request)("up/ok", stream);
            let (status, text) = ask(&gw, &case, &path, serde_json::to_vec(&body).unwrap()).await;
            assert_eq!(status, 200, "{case}: {}", String::from_utf8_lossy(&text));
            sent += 1;
            rec.wait_for(sent).await;
            let (name, model, o) = rec.outcome(&case);
            assert_eq!((name, model.as_str()), (route.name, "up/ok"), "{case}");
            assert_eq!(o.status, 200, "{case}");
            assert_eq!(o.provider.as_deref(), Some("up"), "{case}");
            assert_eq!(o.model.as_deref(), Some("ok"), "{case}");
            assert!(o.error.is_none(), "{case}: {:?}", o.error);
            assert_eq!(o.attempts.len(), 1, "{case}");
            assert_eq!(o.attempts[0].status, Some(200), "{case}");
            assert_eq!(o.key, o.attempts[0].key, "{case}");
            assert_eq!(o.usage.as_ref().map(|u| u.total_tokens), Some(5), "{case}");
            assert!(!o.client_disconnected, "{case}");
            let content = o.content.expect("content asked for");
            assert!(content.request.is_some(), "{case}");
            let answer = content.response.expect("answer content").to_value();
            assert_eq!(
                answer["choices"][0]["message"]["content"], "Hello",
                "{case}: {answer}"
            );
            if stream {
                assert!(o.first_token.is_some(), "{case}");
                assert!(
                    rec.chunks.lock().unwrap().get(&case).copied() >= Some(3),
                    "{case}: on_chunk"
                );
            }
        }

        // Every key fails: one outcome naming both attempts.
        let case = id("failover");
        let (path, body) = (route.request)("up/fail", false);
        let (status, _) = ask(&gw, &case, &path, serde_json::to_vec(&body).unwrap()).await;
        sent += 1;
        rec.wait_for(sent).await;
        let (_, _, o) = rec.outcome(&case);
        assert_eq!(o.status, status, "{case}");
        assert!(status >= 500, "{case}: {status}");
        let mut keys: Vec<_> = o.attempts.iter().map(|a| a.key.clone().unwrap()).collect();
        keys.sort();
        assert_eq!(keys, ["k1", "k2"], "{case}");
        assert!(o.attempts.iter().all(|a| a.status == Some(500)), "{case}");
        assert!(o.error_type.is_some() && o.error.is_some(), "{case}");

        // Unreadable body: reported, with no provider and no attempt.
        let case = id("bad-json");
        let (path, _) = (route.request)("up/ok", false);
        let (status, _) = ask(&gw, &case, &path, b"{\"model\": ".to_vec()).await;
        assert_eq!(status, 400, "{case}");
        sent += 1;
        rec.wait_for(sent).await;
        let (name, _, o) = rec.outcome(&case);
        assert_eq!((name, o.status), (route.name, 400), "{case}");
        assert!(o.provider.is_none() && o.attempts.is_empty(), "{case}");
        assert!(o.error.is_some(), "{case}");

        // A model nobody serves.
        let case = id("unknown-model");
        let (path, body) = (route.request)("nope/x", false);
        let (status, _) = ask(&gw, &case, &path, serde_json::to_vec(&body).unwrap()).await;
        assert_eq!(status, 404, "{case}");
        sent += 1;
        rec.wait_for(sent).await;
        let (_, model, o) = rec.outcome(&case);
        assert_eq!((model.as_str(), o.status), ("nope/x", 404), "{case}");
        assert!(o.attempts.is_empty(), "{case}");

        // The upstream dies mid-stream: the stream started (200), the outcome says why
        // it ended.
        let case = id("cut");
        let (path, body) = (route.request)("up/cut", true);
        let (status, _) = ask(&gw, &case, &path, serde_json::to_vec(&body).unwrap()).await;
        assert_eq!(status, 200, "{case}");
        sent += 1;
        rec.wait_for(sent).await;
        let (_, _, o) = rec.outcome(&case);
        assert_eq!(o.status, 200, "{case}");
        assert!(o.error.is_some(), "{case}: a cut stream is an error");
        assert!(!o.client_disconnected, "{case}");

        // The client leaves after the first event.
        let case = id("disconnect");
        let (path, body) = (route.request)("up/hold", true);
        let headers = [
            ("content-type", "application/json"),
            ("x-request-id", case.as_str()),
        ];
        let resp = send(
            Method::POST,
            &gw.url(&path),
            &headers,
            serde_json::to_vec(&body).unwrap(),
        )
        .await;
        assert_eq!(resp.status(), 200, "{case}");
        let mut body = resp.into_body();
        let first = body.frame().await;
        assert!(matches!(first, Some(Ok(_))), "{case}: first event");
        drop(body);
        sent += 1;
        rec.wait_for(sent).await;
        let (_, _, o) = rec.outcome(&case);
        assert_eq!(o.status, 200, "{case}");
        assert!(o.client_disconnected, "{case}");
    }
    // Exactly one per request, none extra.
    assert_eq!(rec.seen.lock().unwrap().len(), sent);
}

#[tokio::test]
async fn other_endpoints_report_once_too() {
    let up = MockUpstream::start(upstream).await;
    let rec = Arc::new(Recorder::default());
    let hooks = Pipeline::new(vec![Arc::new(Probe(rec.clone()))]);
    let gw = Gateway::start_with(&config(&up.base_url(), ""), hooks).await;
    let cases: [(&str, &str, Value, u16); 11] = [
        (
            "completion",
            "/v1/completions",
            json!({"model": "up/ok", "prompt": "hi"}),
            200,
        ),
        (
            "moderation",
            "/v1/moderations",
            json!({"model": "up/ok", "input": "hi"}),
            200,
        ),
        (
            "image",
            "/v1/images/generations",
            json!({"model": "up/ok", "prompt": "a cat"}),
            200,
        ),
        (
            "speech",
            "/v1/audio/speech",
            json!({"model": "up/ok", "input": "hi", "voice": "alloy"}),
            200,
        ),
        (
            "cohere-rerank",
            "/cohere/v2/rerank",
            json!({"model": "up/ok", "query": "q", "documents": ["a"]}),
            200,
        ),
        (
            "embed",
            "/v1/embeddings",
            json!({"model": "up/ok", "input": "hi"}),
            200,
        ),
        (
            "cohere-embed",
            "/cohere/v2/embed",
            json!({"model": "up/ok", "texts": ["hi"]}),
            200,
        ),
        (
            "genai-embed",
            "/genai/v1beta/models/up/ok:embedContent",
            json!({"content": {"parts": [{"text": "hi"}]}}),
            200,
        ),
        (
            "responses",
            "/v1/responses",
            json!({"model": "up/ok", "input": "hi"}),
            200,
        ),
        (
            "rerank",
            "/v1/rerank",
            json!({"model": "up/ok", "query": "q", "documents": ["a"]}),
            200,
        ),
        (
            "responses-unknown",
            "/v1/responses",
            json!({"model": "nope/x", "input": "hi"}),
            404,
        ),
    ];
    for (n, (case, path, body, want)) in cases.iter().enumerate() {
        let (status, text) = ask(&gw, case, path, serde_json::to_vec(body).unwrap()).await;
        assert_eq!(status, *want, "{case}: {}", String::from_utf8_lossy(&text));
        rec.wait_for(n + 1).await;
        let (_, _, o) = rec.outcome(case);
        assert_eq!(o.status, *want, "{case}");
        if *want == 200 {
            assert_eq!(o.attempts.len(), 1, "{case}");
            assert_eq!(o.provider.as_deref(), Some("up"), "{case}");
        }
    }
    let (status, _) = ask(&gw, "responses-bad", "/v1/responses", b"[1,".to_vec()).await;
    assert_eq!(status, 400);
    rec.wait_for(cases.len() + 1).await;
    assert_eq!(rec.outcome("responses-bad").2.status, 400);

    // A multipart transcription, and one without a model.
    for (case, form, want) in [
        ("transcription", "--B\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nup/ok\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF\r\n--B--\r\n", 200),
        ("transcription-no-model", "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF\r\n--B--\r\n", 400),
    ] {
        let headers = [("content-type", "multipart/form-data; boundary=B"), ("x-request-id", case)];
        let resp = send(Method::POST, &gw.url("/v1/audio/transcriptions"), &headers, form).await;
        assert_eq!(resp.status().as_u16(), want, "{case}");
        drop(resp.into_body().collect().await);
    }
    rec.wait_for(cases.len() + 3).await;
    assert_eq!(rec.outcome("transcription").2.attempts.len(), 1);
    assert_eq!(rec.outcome("transcription-no-model").2.status, 400);
}

#[tokio::test]
async fn json_repair_runs_on_every_streaming_route() {
    let up = MockUpstream::always(Reply::stream(vec![
        chat_chunk("ok", "{\"a\": "),
        chat_chunk("ok", "1}"),
        finish_chunk("ok", "stop"),
    ]))
    .await;
    let gw = Gateway::start(&config(&up.base_url(), "stream_json_repair = \"always\"")).await;
    // The first delta, closed into valid JSON, as it appears JSON-escaped in any
    // route's events.
    let closed = bifrost::hooks::json_repair::close_json("{\"a\": ");
    let escaped = serde_json::to_string(&closed).unwrap();
    let escaped = escaped.trim_matches('"');
    for route in &CHAT_ROUTES {
        let (path, body) = (route.request)("up/ok", true);
        let (status, text) = ask(&gw, "repair", &path, serde_json::to_vec(&body).unwrap()).await;
        assert_eq!(status, 200, "{}", route.name);
        let text = String::from_utf8_lossy(&text);
        assert!(
            text.contains(escaped),
            "{path}: no repaired `{escaped}` in {text}"
        );
    }
}

/// A hook whose background task flushes what it holds at shutdown.
struct Flusher {
    queued: Arc<Mutex<Vec<String>>>,
}

impl Hook for Flusher {
    fn on_complete(&self, info: &RequestInfo, _outcome: &Outcome) {
        self.queued
            .lock()
            .unwrap()
            .push(info.request_id.to_string());
    }
}

#[tokio::test]
async fn graceful_shutdown_waits_for_the_hooks_background_work() {
    let up = MockUpstream::start(upstream).await;
    let background = Background::default();
    let queued = Arc::new(Mutex::new(Vec::new()));
    let flushed = Arc::new(Mutex::new(Vec::new()));
    let hook = Flusher {
        queued: queued.clone(),
    };
    // Flushes only when told to stop, so only a shutdown that waits sees the flush.
    let task = background.clone();
    let into = flushed.clone();
    background.spawn(async move {
        task.stopping().await;
        tokio::task::yield_now().await;
        let drained: Vec<String> = std::mem::take(&mut *queued.lock().unwrap());
        into.lock().unwrap().extend(drained);
    });
    let hooks = Pipeline::new(vec![Arc::new(hook)]).with_background(background);
    let mut gw = Gateway::start_with(&config(&up.base_url(), ""), hooks).await;
    let (path, body) = (CHAT_ROUTES[0].request)("up/ok", false);
    let (status, _) = ask(&gw, "last", &path, serde_json::to_vec(&body).unwrap()).await;
    assert_eq!(status, 200);
    gw.begin_shutdown().await.unwrap();
    assert_eq!(*flushed.lock().unwrap(), ["last"]);
}

#[tokio::test]
async fn a_hook_can_answer_with_a_stream_in_the_routes_own_format() {
    struct Replay;
    #[async_trait]
    impl Hook for Replay {
        async fn pre_request(
            &self,
            _info: &RequestInfo,
            _req: bifrost::hooks::InferenceRequest<'_>,
        ) -> bifrost::hooks::PreOutcome {
            let chunk = |v: Value| serde_json::from_value::<ChatChunk>(v).unwrap();
            bifrost::hooks::PreOutcome::Stream(vec![
                chunk(
                    json!({"id": "r", "model": "m", "choices": [{"index": 0, "delta": {"content": "cached "}}]}),
                ),
                chunk(
                    json!({"id": "r", "model": "m", "choices": [{"index": 0, "delta": {"content": "answer"}, "finish_reason": "stop"}]}),
                ),
            ])
        }
    }
    let up = MockUpstream::start(upstream).await;
    let gw = Gateway::start_with(
        &config(&up.base_url(), ""),
        Pipeline::new(vec![Arc::new(Replay)]),
    )
    .await;
    // Anthropic's events for a streamed request, one JSON answer for a whole one.
    let (path, body) = (CHAT_ROUTES[2].request)("up/ok", true);
    let headers = [("content-type", "application/json")];
    let resp = send(
        Method::POST,
        &gw.url(&path),
        &headers,
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let events = Events::new(resp).rest().await;
    let text: String = events
        .iter()
        .filter_map(|e| serde_json::from_str::<Value>(e).ok())
        .filter_map(|e| e["delta"]["text"].as_str().map(str::to_string))
        .collect();
    assert_eq!(text, "cached answer");
    let (path, body) = (CHAT_ROUTES[2].request)("up/ok", false);
    let (status, answer) = ask(&gw, "whole", &path, serde_json::to_vec(&body).unwrap()).await;
    assert_eq!(status, 200);
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(answer["content"][0]["text"], "cached answer", "{answer}");
    assert_eq!(up.request_count(), 0, "no upstream call");
}

/// `/anthropic` to an Anthropic upstream: the events reach the client byte for byte,
/// and the outcome still has the usage the events carried.
#[tokio::test]
async fn same_dialect_streams_pass_untouched_and_still_report_usage() {
    let events = [
        r#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"usage":{"input_tokens":12,"cache_read_input_tokens":30,"output_tokens":1}}}"#,
        r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#,
        r#"{"type":"content_block_stop","index":0}"#,
        r#"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}"#,
        r#"{"type":"message_stop"}"#,
    ];
    let sse: String = events
        .iter()
        .map(|e| {
            let kind: Value = serde_json::from_str(e).unwrap();
            format!("event: {}\ndata: {e}\n\n", kind["type"].as_str().unwrap())
        })
        .collect();
    let up = MockUpstream::always(Reply::Raw {
        status: 200,
        content_type: "text/event-stream".into(),
        body: sse.clone().into_bytes(),
    })
    .await;
    let rec = Arc::new(Recorder::default());
    let gw = Gateway::start_with(
        &format!(
            "[providers.claude]\ntype = \"anthropic\"\nbase_url = \"{}\"\n[[providers.claude.keys]]\nname = \"k\"\nvalue = \"sk-ant\"\n",
            up.base_url()
        ),
        Pipeline::new(vec![Arc::new(Probe(rec.clone()))]),
    )
    .await;
    let body = json!({"model": "claude/claude-x", "stream": true, "max_tokens": 9,
        "messages": [{"role": "user", "content": "hi"}]});
    let (status, got) = ask(
        &gw,
        "native",
        "/anthropic/v1/messages",
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(String::from_utf8_lossy(&got), sse, "events untouched");
    rec.wait_for(1).await;
    let (route, model, o) = rec.outcome("native");
    assert_eq!((route, model.as_str()), ("anthropic", "claude/claude-x"));
    let usage = o.usage.expect("usage from the events");
    assert_eq!((usage.prompt_tokens, usage.completion_tokens), (42, 7));
    let content = o.content.unwrap();
    assert_eq!(content.request.unwrap().to_value()["model"], "claude-x");
    let events = content.response.unwrap().to_value();
    assert_eq!(events.as_array().map(Vec::len), Some(6));
}
