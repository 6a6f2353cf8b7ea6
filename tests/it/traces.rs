//! OpenTelemetry traces: an OTLP receiver in the test decodes what the gateway exports
//! (over HTTP/protobuf and gRPC) and checks the spans, their parent/child links, their
//! GenAI attributes, and that the upstream saw the same trace in its `traceparent`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Buf, Bytes};
use http::{Method, Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use serde_json::json;
use tokio::sync::watch;

use crate::support::client::call;
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{chat_completion_with_usage, MockUpstream, Reply};

/// One export the receiver got: its headers and its decoded request.
#[derive(Clone)]
struct Export {
    headers: http::HeaderMap,
    body: ExportTraceServiceRequest,
}

/// An OTLP collector on 127.0.0.1:0 that keeps every export, speaking OTLP/HTTP
/// (`POST /v1/traces`, protobuf) and OTLP/gRPC (length-prefixed protobuf over h2).
struct Receiver {
    addr: std::net::SocketAddr,
    exports: Arc<watch::Sender<Vec<Export>>>,
}

impl Receiver {
    async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let exports = Arc::new(watch::Sender::new(Vec::new()));
        let keep = exports.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let keep = keep.clone();
                let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                    let keep = keep.clone();
                    async move { Ok::<_, Infallible>(receive(req, &keep).await) }
                });
                tokio::spawn(async move {
                    let builder =
                        hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    let _ = builder.serve_connection(TokioIo::new(stream), svc).await;
                });
            }
        });
        Receiver { addr, exports }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every span received, once at least `n` have arrived.
    async fn spans(&self, n: usize) -> Vec<Span> {
        let all = |exports: &Vec<Export>| -> Vec<Span> {
            exports
                .iter()
                .flat_map(|e| &e.body.resource_spans)
                .flat_map(|r| &r.scope_spans)
                .flat_map(|s| s.spans.clone())
                .collect()
        };
        let mut rx = self.exports.subscribe();
        let waited =
            tokio::time::timeout(Duration::from_secs(20), rx.wait_for(|e| all(e).len() >= n)).await;
        let exports = self.exports.borrow().clone();
        assert!(
            waited.is_ok(),
            "{} spans received, {n} expected",
            all(&exports).len()
        );
        all(&exports)
    }

    fn exports(&self) -> Vec<Export> {
        self.exports.borrow().clone()
    }
}

type Body = http_body_util::combinators::BoxBody<Bytes, Infallible>;

async fn receive(req: Request<Incoming>, keep: &watch::Sender<Vec<Export>>) -> Response<Body> {
    let grpc = req
        .headers()
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"application/grpc"));
    let (parts, body) = req.into_parts();
    let mut bytes = body.collect().await.unwrap().to_bytes();
    if grpc {
        // The gRPC frame: a compression flag and a big-endian length, then the message.
        assert_eq!(bytes.get_u8(), 0, "compressed gRPC message");
        let len = bytes.get_u32() as usize;
        bytes.truncate(len);
    } else {
        assert_eq!(parts.uri.path(), "/v1/traces");
    }
    let body = ExportTraceServiceRequest::decode(bytes).unwrap();
    keep.send_modify(|all| {
        all.push(Export {
            headers: parts.headers,
            body,
        })
    });
    if grpc {
        // An empty ExportTraceServiceResponse, framed, then `grpc-status: 0` trailers.
        let mut trailers = http::HeaderMap::new();
        trailers.insert("grpc-status", http::HeaderValue::from_static("0"));
        let frames = futures_util::stream::iter([
            Ok::<_, Infallible>(hyper::body::Frame::data(Bytes::from_static(&[
                0, 0, 0, 0, 0,
            ]))),
            Ok(hyper::body::Frame::trailers(trailers)),
        ]);
        Response::builder()
            .header("content-type", "application/grpc")
            .body(http_body_util::StreamBody::new(frames).boxed())
            .unwrap()
    } else {
        Response::builder()
            .header("content-type", "application/x-protobuf")
            .body(Full::new(Bytes::new()).boxed())
            .unwrap()
    }
}

fn attr<'a>(span: &'a Span, key: &str) -> Option<&'a AnyValue> {
    span.attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v| v.value.as_ref())
}

fn text(span: &Span, key: &str) -> String {
    match attr(span, key) {
        Some(AnyValue::StringValue(s)) => s.clone(),
        other => panic!("{key}: {other:?}"),
    }
}

fn int(span: &Span, key: &str) -> i64 {
    match attr(span, key) {
        Some(AnyValue::IntValue(n)) => *n,
        other => panic!("{key}: {other:?}"),
    }
}

const CLIENT_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_SPAN: &str = "00f067aa0ba902b7";

async fn upstream() -> MockUpstream {
    MockUpstream::always(Reply::json(chat_completion_with_usage(
        "gpt-ok", "a b c", 11, 3,
    )))
    .await
}

async fn chat(gw: &Gateway, headers: &[(&str, &str)]) {
    let mut all = vec![("content-type", "application/json")];
    all.extend_from_slice(headers);
    let body = json!({"model": "up/gpt-ok", "messages": [{"role": "user", "content": "hi"}]});
    let answer = call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &all,
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
}

/// Checks one request's two spans against what the upstream saw; returns the
/// request span.
fn check_request(spans: &[Span], upstream_traceparent: &str, parent: Option<&str>) -> Span {
    let server = spans
        .iter()
        .find(|s| s.kind == SpanKind::Server as i32)
        .expect("a request span")
        .clone();
    let attempt = spans
        .iter()
        .find(|s| s.kind == SpanKind::Client as i32)
        .expect("an attempt span");
    let trace = hex::encode(&server.trace_id);
    let span = hex::encode(&server.span_id);
    // The upstream call carried the request's trace, its span as the parent.
    assert_eq!(upstream_traceparent, format!("00-{trace}-{span}-01"));
    match parent {
        Some(parent) => {
            assert_eq!(trace, CLIENT_TRACE);
            assert_eq!(hex::encode(&server.parent_span_id), parent);
        }
        None => assert!(server.parent_span_id.is_empty()),
    }
    // The attempt is the request's child, in the same trace, inside its time.
    assert_eq!(attempt.trace_id, server.trace_id);
    assert_eq!(attempt.parent_span_id, server.span_id);
    assert_ne!(attempt.span_id, server.span_id);
    assert!(attempt.start_time_unix_nano >= server.start_time_unix_nano);
    assert!(attempt.end_time_unix_nano <= server.end_time_unix_nano);
    assert!(server.end_time_unix_nano > server.start_time_unix_nano);
    assert_eq!(text(attempt, "gen_ai.system"), "up");
    assert_eq!(int(attempt, "http.response.status_code"), 200);
    // GenAI semantic-convention attributes on the request span.
    assert_eq!(server.name, "chat up/gpt-ok");
    assert_eq!(text(&server, "gen_ai.operation.name"), "chat");
    assert_eq!(text(&server, "gen_ai.system"), "up");
    assert_eq!(text(&server, "gen_ai.request.model"), "up/gpt-ok");
    assert_eq!(text(&server, "gen_ai.response.model"), "gpt-ok");
    assert_eq!(int(&server, "gen_ai.usage.input_tokens"), 11);
    assert_eq!(int(&server, "gen_ai.usage.output_tokens"), 3);
    assert_eq!(int(&server, "http.response.status_code"), 200);
    server
}

#[tokio::test]
async fn otlp_http_export_continues_the_client_trace_and_propagates_it_upstream() {
    let receiver = Receiver::start().await;
    let up = upstream().await;
    let config = format!(
        "{}\n[otel]\nendpoint = \"{}\"\nprotocol = \"http/protobuf\"\nservice_name = \"gw-test\"\nheaders = {{ x-collector-key = \"collector-secret\" }}\n",
        one_upstream(&up.base_url()),
        receiver.url()
    );
    let gw = Gateway::start(&config).await;
    let client = format!("00-{CLIENT_TRACE}-{CLIENT_SPAN}-01");
    chat(&gw, &[("traceparent", &client)]).await;

    let spans = receiver.spans(2).await;
    assert_eq!(spans.len(), 2, "{spans:?}");
    let seen = up.requests()[0].header("traceparent").unwrap().to_string();
    let server = check_request(&spans, &seen, Some(CLIENT_SPAN));
    assert!(!text(&server, "bifrost.request_id").is_empty());

    let export = &receiver.exports()[0];
    assert_eq!(export.headers["x-collector-key"], "collector-secret");
    let resource = export.body.resource_spans[0].resource.as_ref().unwrap();
    let service = resource
        .attributes
        .iter()
        .find(|kv| kv.key == "service.name")
        .and_then(|kv| kv.value.as_ref()?.value.clone());
    assert_eq!(service, Some(AnyValue::StringValue("gw-test".into())));
}

#[tokio::test]
async fn otlp_grpc_export_starts_a_trace_when_the_client_sent_none() {
    let receiver = Receiver::start().await;
    let up = upstream().await;
    let config = format!(
        "{}\n[otel]\nendpoint = \"{}\"\nprotocol = \"grpc\"\n",
        one_upstream(&up.base_url()),
        receiver.url()
    );
    let gw = Gateway::start(&config).await;
    // A malformed traceparent is not continued.
    chat(&gw, &[("traceparent", "00-nothex-00f067aa0ba902b7-01")]).await;

    let spans = receiver.spans(2).await;
    let seen = up.requests()[0].header("traceparent").unwrap().to_string();
    let server = check_request(&spans, &seen, None);
    assert_ne!(hex::encode(&server.trace_id), CLIENT_TRACE);
    let export = &receiver.exports()[0];
    assert!(export.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/grpc"));
}

#[tokio::test]
async fn an_unreachable_collector_costs_the_requests_nothing() {
    // A port nothing listens on any more.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let up = upstream().await;
    let config = format!(
        "{}\n[otel]\nendpoint = \"http://{addr}\"\n",
        one_upstream(&up.base_url())
    );
    let mut gw = Gateway::start(&config).await;
    for _ in 0..5 {
        chat(&gw, &[]).await;
    }
    assert_eq!(up.request_count(), 5);
    // Shutdown still completes: the export task gives up on what it holds.
    tokio::time::timeout(Duration::from_secs(30), gw.begin_shutdown())
        .await
        .expect("shutdown finished")
        .unwrap();
}

#[tokio::test]
async fn without_otel_no_traceparent_goes_upstream() {
    let up = upstream().await;
    let gw = Gateway::start(&one_upstream(&up.base_url())).await;
    let client = format!("00-{CLIENT_TRACE}-{CLIENT_SPAN}-01");
    chat(&gw, &[("traceparent", &client)]).await;
    let seen = &up.requests()[0];
    assert_eq!(seen.header("traceparent"), None);
    assert!(seen.header("x-request-id").is_some());
}
