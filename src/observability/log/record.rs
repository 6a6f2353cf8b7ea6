//! Turns what the pipeline reports about a request into a request-log record. Runs on
//! the request's task, so it only copies: no encoding, no I/O.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::hooks::{Outcome, RequestInfo};
use crate::store::{LogContent, LogRecord, Status};

/// The record of one request: `headers` are the (lowercase) header names to keep;
/// content is copied only when `content` is on and the pipeline captured it.
pub fn build(
    info: &RequestInfo,
    outcome: &Outcome,
    headers: &[String],
    content: bool,
) -> LogRecord {
    let arrived = SystemTime::now()
        .checked_sub(outcome.latency)
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let failed = outcome.status >= 400 || outcome.error.is_some();
    let detail = |outer: &str, inner: &str| {
        outcome
            .usage
            .as_ref()
            .and_then(|u| u.extra.get(outer)?.get(inner)?.as_u64())
            .unwrap_or(0)
    };
    LogRecord {
        id: info.request_id.to_string(),
        timestamp: arrived,
        latency_ms: ms(outcome.latency),
        ttft_ms: outcome.first_token.map(ms),
        route: info.route.to_string(),
        request_type: info.endpoint.request_type().to_string(),
        provider: outcome.provider.clone(),
        key_name: outcome.key.clone(),
        model_requested: info.model_requested.clone(),
        model: outcome.model.clone(),
        virtual_key_id: outcome.virtual_key_id.clone(),
        virtual_key_name: outcome.virtual_key.clone(),
        stream: info.stream,
        status: if failed {
            Status::Error
        } else {
            Status::Success
        },
        http_status: outcome.status,
        error_type: outcome.error_type.clone(),
        error_message: outcome.error.clone(),
        input_tokens: outcome.usage.as_ref().map_or(0, |u| u.prompt_tokens),
        output_tokens: outcome.usage.as_ref().map_or(0, |u| u.completion_tokens),
        cached_tokens: detail("prompt_tokens_details", "cached_tokens"),
        reasoning_tokens: detail("completion_tokens_details", "reasoning_tokens"),
        cost: outcome.cost,
        fallback_index: outcome.fallback_index,
        retries: outcome.retries,
        client_disconnected: outcome.client_disconnected,
        headers: pick_headers(&info.headers, headers),
        content: content
            .then_some(outcome.content.as_ref())
            .flatten()
            .map(|c| LogContent {
                request: c.request.clone(),
                response: c.response.clone(),
            }),
    }
}

fn pick_headers(all: &http::HeaderMap, names: &[String]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for name in names {
        let Some(value) = all.get(name.as_str()) else {
            continue;
        };
        // Credentials are recorded as `<redacted>` even when `client.logging_headers`
        // names them, so no secret reaches the log.
        let value = if crate::config::is_credential_header(name) {
            "<redacted>".to_string()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        out.insert(name.clone(), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    fn info(headers: http::HeaderMap) -> RequestInfo {
        RequestInfo {
            request_id: Arc::from("req-1"),
            route: "anthropic",
            endpoint: crate::hooks::Endpoint::Chat,
            model_requested: "claude".into(),
            stream: true,
            started: Instant::now(),
            headers,
            trace: None,
        }
    }

    #[test]
    fn a_stream_cut_short_is_an_error_with_its_timings() {
        let outcome = Outcome {
            status: 200,
            error_type: Some("upstream_error".into()),
            error: Some("boom".into()),
            provider: Some("anthropic".into()),
            latency: Duration::from_millis(120),
            first_token: Some(Duration::from_millis(40)),
            ..Outcome::default()
        };
        let r = build(&info(http::HeaderMap::new()), &outcome, &[], true);
        assert_eq!(r.status, Status::Error);
        assert_eq!(r.http_status, 200);
        assert_eq!(r.route, "anthropic");
        assert_eq!(r.request_type, "chat_completion");
        assert!((r.latency_ms - 120.0).abs() < 1e-6);
        assert_eq!(r.ttft_ms.map(|t| t.round()), Some(40.0));
        assert!(r.content.is_none(), "no content was captured");
    }

    #[test]
    fn secret_headers_are_redacted_even_when_asked_for() {
        let mut h = http::HeaderMap::new();
        h.insert("authorization", "Bearer sk-secret".parse().unwrap());
        h.insert("x-team", "search".parse().unwrap());
        let names = ["authorization".to_string(), "x-team".to_string()];
        let r = build(&info(h), &Outcome::default(), &names, false);
        assert_eq!(r.headers["authorization"], "<redacted>");
        assert_eq!(r.headers["x-team"], "search");
    }
}
