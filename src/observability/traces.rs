//! OpenTelemetry traces: one span per request, from its arrival to its outcome, with a
//! child span per upstream attempt, carrying the GenAI semantic-convention attributes
//! (<https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/>).
//!
//! A request's ids are fixed when it arrives ([`Traces::begin`]), continuing the
//! client's W3C `traceparent`, so its upstream calls carry them; the spans themselves
//! are built once, from the outcome, with the recorded start times and latencies, and
//! queued for the export task (`traces_export`). With no `otel.endpoint` none of this
//! runs: `begin` returns `None` and no hook is registered.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use http::{HeaderMap, HeaderValue};
use opentelemetry::trace::{
    SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState,
};
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_sdk::trace::{SpanData, SpanEvents, SpanLinks};
use tokio::sync::mpsc;

use super::traces_export;
use crate::config::OtelConfig;
use crate::hooks::{Background, Endpoint, Hook, Outcome, RequestInfo, TraceIds};

/// Spans waiting for export; beyond this they are dropped (and counted), never waited on.
const QUEUE: usize = 8192;

/// Request traces, when `[otel]` names a collector.
#[derive(Default)]
pub struct Traces {
    exporting: Option<Arc<Exporting>>,
}

/// The running export: where finished spans go.
struct Exporting {
    queue: mpsc::Sender<SpanData>,
    dropped: Arc<AtomicU64>,
    scope: InstrumentationScope,
}

impl Traces {
    /// Starts exporting to `otel.endpoint` on a `background` task; off without an
    /// endpoint, or (with a warning) when the exporter cannot be set up.
    pub fn start(otel: &OtelConfig, background: &Background) -> Traces {
        let Some(endpoint) = otel.endpoint.as_deref() else {
            return Traces::default();
        };
        if tokio::runtime::Handle::try_current().is_err() {
            tracing::warn!("traces are off: no async runtime to export them from");
            return Traces::default();
        }
        let exporter = match traces_export::exporter(otel, endpoint) {
            Ok(exporter) => exporter,
            Err(e) => {
                tracing::warn!(error = %e, "traces are off");
                return Traces::default();
            }
        };
        let (queue, spans) = mpsc::channel(QUEUE);
        let dropped = Arc::new(AtomicU64::new(0));
        background.spawn(traces_export::run(
            exporter,
            spans,
            dropped.clone(),
            background.clone(),
        ));
        let scope = InstrumentationScope::builder("bifrost")
            .with_version(env!("CARGO_PKG_VERSION"))
            .build();
        Traces {
            exporting: Some(Arc::new(Exporting {
                queue,
                dropped,
                scope,
            })),
        }
    }

    /// The ids of a request arriving with `headers`: in the client's trace when it sent
    /// a valid `traceparent`, else in a new one. `None` when traces are off.
    pub fn begin(&self, headers: &HeaderMap) -> Option<TraceIds> {
        self.exporting.as_ref()?;
        let parent = headers
            .get("traceparent")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_traceparent);
        Some(match parent {
            Some((trace_id, span_id, flags)) => TraceIds {
                trace_id,
                span_id: new_span_id(),
                parent: Some(span_id),
                sampled: flags & 1 == 1,
            },
            None => TraceIds {
                trace_id: new_trace_id(),
                span_id: new_span_id(),
                parent: None,
                sampled: true,
            },
        })
    }

    /// The hook that turns outcomes into spans, when traces are on.
    pub fn hook(&self) -> Option<Arc<dyn Hook>> {
        self.exporting.as_ref().map(|e| e.clone() as Arc<dyn Hook>)
    }
}

/// The `traceparent` upstream calls carry: the request's trace, its span as the parent.
pub fn traceparent(ids: &TraceIds) -> HeaderValue {
    let value = format!(
        "00-{}-{}-{:02x}",
        hex::encode(ids.trace_id),
        hex::encode(ids.span_id),
        u8::from(ids.sampled)
    );
    // Hex digits and dashes only: always a valid header value.
    HeaderValue::try_from(value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A W3C `traceparent` (`00-<trace id>-<parent id>-<flags>`), when valid: all-zero ids
/// and the reserved version `ff` are not.
fn parse_traceparent(value: &str) -> Option<([u8; 16], [u8; 8], u8)> {
    let mut parts = value.trim().split('-');
    let version = parts.next()?;
    let (trace, span, flags) = (parts.next()?, parts.next()?, parts.next()?);
    // Version 00 has exactly four fields; later versions may add more.
    if version.len() != 2 || version == "ff" || (version == "00" && parts.next().is_some()) {
        return None;
    }
    let lower = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    if !lower(version) || !lower(trace) || !lower(span) || !lower(flags) {
        return None;
    }
    let mut trace_id = [0u8; 16];
    let mut span_id = [0u8; 8];
    let mut flag = [0u8; 1];
    hex::decode_to_slice(trace, &mut trace_id).ok()?;
    hex::decode_to_slice(span, &mut span_id).ok()?;
    hex::decode_to_slice(flags, &mut flag).ok()?;
    if trace_id == [0; 16] || span_id == [0; 8] {
        return None;
    }
    Some((trace_id, span_id, flag[0]))
}

fn new_trace_id() -> [u8; 16] {
    loop {
        let id: [u8; 16] = rand::random();
        if id != [0; 16] {
            return id;
        }
    }
}

fn new_span_id() -> [u8; 8] {
    loop {
        let id: [u8; 8] = rand::random();
        if id != [0; 8] {
            return id;
        }
    }
}

/// The GenAI `gen_ai.operation.name` of an endpoint.
fn operation(endpoint: Endpoint) -> &'static str {
    match endpoint {
        Endpoint::Chat | Endpoint::Responses => "chat",
        Endpoint::Completion => "text_completion",
        Endpoint::Embeddings => "embeddings",
        other => other.request_type(),
    }
}

/// One span before it becomes the SDK's [`SpanData`].
struct Span {
    id: [u8; 8],
    parent: Option<[u8; 8]>,
    name: String,
    kind: SpanKind,
    start: SystemTime,
    end: SystemTime,
    attributes: Vec<KeyValue>,
    status: Status,
}

impl Exporting {
    /// Queues `span` of the trace `ids`; a full queue drops it (counted), never waits.
    fn send(&self, ids: &TraceIds, span: Span) {
        let data = SpanData {
            span_context: SpanContext::new(
                TraceId::from_bytes(ids.trace_id),
                SpanId::from_bytes(span.id),
                TraceFlags::SAMPLED,
                false,
                TraceState::default(),
            ),
            parent_span_id: span.parent.map_or(SpanId::INVALID, SpanId::from_bytes),
            parent_span_is_remote: span.parent.is_some() && span.parent == ids.parent,
            span_kind: span.kind,
            name: Cow::Owned(span.name),
            start_time: span.start,
            end_time: span.end,
            attributes: span.attributes,
            dropped_attributes_count: 0,
            events: SpanEvents::default(),
            links: SpanLinks::default(),
            status: span.status,
            instrumentation_scope: self.scope.clone(),
        };
        if self.queue.try_send(data).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl Hook for Exporting {
    fn observes_only(&self) -> bool {
        true
    }

    fn on_complete(&self, info: &RequestInfo, outcome: &Outcome) {
        let Some(ids) = &info.trace else { return };
        if !ids.sampled {
            return;
        }
        // The wall-clock start, from the monotonic latency measured.
        let end = SystemTime::now();
        let start = end.checked_sub(outcome.latency).unwrap_or(end);
        let op = operation(info.endpoint);
        let provider = outcome.provider.clone().unwrap_or_default();
        let mut attributes = vec![
            KeyValue::new("gen_ai.operation.name", op),
            KeyValue::new("gen_ai.system", provider.clone()),
            KeyValue::new("gen_ai.request.model", info.model_requested.clone()),
            KeyValue::new("http.response.status_code", i64::from(outcome.status)),
            KeyValue::new("bifrost.request_id", info.request_id.to_string()),
            KeyValue::new("bifrost.route", info.route),
            KeyValue::new("bifrost.stream", info.stream),
            KeyValue::new("bifrost.fallback_index", i64::from(outcome.fallback_index)),
            KeyValue::new("bifrost.retries", i64::from(outcome.retries)),
        ];
        if let Some(model) = &outcome.model {
            attributes.push(KeyValue::new("gen_ai.response.model", model.clone()));
        }
        if let Some(usage) = &outcome.usage {
            let tokens = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            attributes.push(KeyValue::new(
                "gen_ai.usage.input_tokens",
                tokens(usage.prompt_tokens),
            ));
            attributes.push(KeyValue::new(
                "gen_ai.usage.output_tokens",
                tokens(usage.completion_tokens),
            ));
        }
        if let Some(key) = &outcome.virtual_key {
            attributes.push(KeyValue::new("bifrost.virtual_key", key.clone()));
        }
        if let Some(cost) = outcome.cost {
            attributes.push(KeyValue::new("bifrost.cost", cost));
        }
        if let Some(first_token) = outcome.first_token {
            attributes.push(KeyValue::new(
                "gen_ai.response.time_to_first_chunk",
                first_token.as_secs_f64(),
            ));
        }
        let status = match (&outcome.error_type, &outcome.error) {
            (Some(kind), message) => {
                attributes.push(KeyValue::new("error.type", kind.clone()));
                Status::error(message.clone().unwrap_or_else(|| kind.clone()))
            }
            (None, _) => Status::Unset,
        };
        let name = match info.model_requested.as_str() {
            "" => op.to_string(),
            model => format!("{op} {model}"),
        };
        self.send(
            ids,
            Span {
                id: ids.span_id,
                parent: ids.parent,
                name,
                kind: SpanKind::Server,
                start,
                end,
                attributes,
                status,
            },
        );
        for (n, attempt) in outcome.attempts.iter().enumerate() {
            let began = start + attempt.started;
            let mut attributes = vec![
                KeyValue::new("gen_ai.operation.name", op),
                KeyValue::new("gen_ai.system", attempt.provider.clone()),
                KeyValue::new("bifrost.attempt", n as i64),
            ];
            if let Some(model) = &outcome.model {
                attributes.push(KeyValue::new("gen_ai.request.model", model.clone()));
            }
            if let Some(key) = &attempt.key {
                attributes.push(KeyValue::new("bifrost.key_name", key.clone()));
            }
            let status = match attempt.status {
                Some(code) => {
                    attributes.push(KeyValue::new("http.response.status_code", i64::from(code)));
                    if code >= 400 {
                        Status::error(format!("upstream answered {code}"))
                    } else {
                        Status::Unset
                    }
                }
                None => Status::error("no answer from upstream"),
            };
            self.send(
                ids,
                Span {
                    id: new_span_id(),
                    parent: Some(ids.span_id),
                    name: format!("{op} {}", attempt.provider),
                    kind: SpanKind::Client,
                    start: began,
                    end: began + attempt.latency,
                    attributes,
                    status,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_traceparent_is_continued() {
        let (trace, span, flags) =
            parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").unwrap();
        assert_eq!(hex::encode(trace), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(hex::encode(span), "00f067aa0ba902b7");
        assert_eq!(flags, 1);
    }

    #[test]
    fn invalid_traceparents_start_a_new_trace() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ] {
            assert!(parse_traceparent(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_upstream_traceparent_names_the_request_span() {
        let ids = TraceIds {
            trace_id: [0xab; 16],
            span_id: [0x01; 8],
            parent: None,
            sampled: true,
        };
        assert_eq!(
            traceparent(&ids),
            "00-abababababababababababababababab-0101010101010101-01"
        );
    }
}
