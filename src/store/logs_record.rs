//! One request-log record as stored and served, and the fixed-width "facts" the log
//! queries filter and aggregate on without decoding JSON.
//!
//! A record is kept in three parts under the same `(timestamp, seq)` key: the facts
//! (28 bytes: status, latency, tokens, cost), the metadata as JSON, and the content
//! (request and response) as JSON in a table of its own, so content retention drops
//! it without touching the rest, and scans for stats never read it.

use std::collections::BTreeMap;

use crate::schema::RawJson;
use serde::{Deserialize, Serialize};

/// One request, as the request log keeps it. Field names follow the reference
/// gateway's log entries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogRecord {
    /// The request id (`x-request-id`).
    pub id: String,
    /// When the request arrived, in microseconds since the Unix epoch; RFC 3339 in JSON.
    #[serde(with = "rfc3339_micros")]
    pub timestamp: u64,
    /// Arrival to the end of the response, in milliseconds.
    pub latency_ms: f64,
    /// Streams: arrival to the first chunk with content sent, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttft_ms: Option<f64>,
    /// The family of routes (`openai`, `anthropic`, `genai`, `bedrock`, `cohere`, ...).
    pub route: String,
    /// The reference gateway's request type (`chat_completion`, `embedding`, ...).
    pub request_type: String,
    /// The provider that served it, or was tried last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The name of the provider key used (never its value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_name: Option<String>,
    /// The model as the client named it.
    pub model_requested: String,
    /// The model sent upstream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The virtual key's id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_key_id: Option<String>,
    /// The virtual key's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_key_name: Option<String>,
    /// Whether the client asked for a stream.
    pub stream: bool,
    /// `success` or `error`.
    pub status: Status,
    /// The HTTP status sent (499: the client left before any answer).
    pub http_status: u16,
    /// The error's type, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    /// The error's message, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Completion tokens (reasoning included).
    pub output_tokens: u64,
    /// Of the prompt, tokens read from the provider's cache.
    pub cached_tokens: u64,
    /// Of the completion, reasoning tokens.
    pub reasoning_tokens: u64,
    /// US dollars, when the model has a price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// Which target of the fallback chain served (0: the primary).
    pub fallback_index: u32,
    /// Upstream retries on top of each target's first attempt.
    pub retries: u32,
    /// The client went away before the answer was complete.
    pub client_disconnected: bool,
    /// The request headers named in `client.logging_headers`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Request and response content, unless content logging is off or its retention
    /// has passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<LogContent>,
}

/// The content of one exchange.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogContent {
    /// The request as routed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RawJson>,
    /// The answer (a stream's chunks assembled into one completion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<RawJson>,
}

impl LogContent {
    /// The content as stored: one JSON object, each part written as it was captured.
    pub(super) fn encode(&self, out: &mut Vec<u8>) {
        out.push(b'{');
        let mut first = true;
        for (name, part) in [("request", &self.request), ("response", &self.response)] {
            let Some(part) = part else { continue };
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(b"\"");
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
            out.extend_from_slice(part.as_bytes());
        }
        out.push(b'}');
    }

    /// Whether either part holds `needle` in its encoded bytes.
    pub(super) fn contains(&self, needle: &memchr::memmem::Finder<'_>) -> bool {
        [&self.request, &self.response]
            .into_iter()
            .flatten()
            .any(|part| needle.find(part.as_bytes()).is_some())
    }
}

/// How a request ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Answered in full.
    #[default]
    Success,
    /// Refused, failed, or cut short.
    Error,
}

impl Status {
    /// The name used in JSON and filters.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Error => "error",
        }
    }
}

impl LogRecord {
    /// Prompt plus completion tokens.
    pub fn total_tokens(&self) -> u64 {
        self.input_tokens + self.output_tokens
    }

    /// The fixed-width part queries read.
    pub fn facts(&self) -> Facts {
        Facts {
            error: self.status == Status::Error,
            http_status: self.http_status,
            latency_us: (self.latency_ms * 1000.0) as u64,
            tokens: self.total_tokens(),
            cost: self.cost.unwrap_or(0.0),
        }
    }
}

/// What filters and stats need of a record, decoded from 28 bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Facts {
    /// The request failed.
    pub error: bool,
    /// The HTTP status sent.
    pub http_status: u16,
    /// Latency in microseconds.
    pub latency_us: u64,
    /// Prompt plus completion tokens.
    pub tokens: u64,
    /// US dollars (0 when unpriced).
    pub cost: f64,
}

/// The stored width of [`Facts`].
pub const FACTS_LEN: usize = 28;

impl Facts {
    /// The stored form.
    pub fn encode(&self) -> [u8; FACTS_LEN] {
        let mut b = [0u8; FACTS_LEN];
        b[0] = u8::from(self.error);
        b[2..4].copy_from_slice(&self.http_status.to_le_bytes());
        b[4..12].copy_from_slice(&self.latency_us.to_le_bytes());
        b[12..20].copy_from_slice(&self.tokens.to_le_bytes());
        b[20..28].copy_from_slice(&self.cost.to_le_bytes());
        b
    }

    /// The stored form read back.
    pub fn decode(b: &[u8; FACTS_LEN]) -> Facts {
        let u64_at = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[i..i + 8]);
            w
        };
        Facts {
            error: b[0] & 1 == 1,
            http_status: u16::from_le_bytes([b[2], b[3]]),
            latency_us: u64::from_le_bytes(u64_at(4)),
            tokens: u64::from_le_bytes(u64_at(12)),
            cost: f64::from_le_bytes(u64_at(20)),
        }
    }
}

/// Microseconds since the epoch as RFC 3339 (UTC, microsecond precision).
pub fn format_micros(us: u64) -> String {
    let nanos = i128::from(us) * 1000;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| us.to_string())
}

/// An RFC 3339 timestamp as microseconds since the epoch; `None` when it is not one
/// or lies before 1970.
pub fn parse_micros(s: &str) -> Option<u64> {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    u64::try_from(t.unix_timestamp_nanos() / 1000).ok()
}

mod rfc3339_micros {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(us: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_micros(*us))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_micros(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_round_trip() {
        let f = Facts {
            error: true,
            http_status: 502,
            latency_us: 1_234_567,
            tokens: 42,
            cost: 0.125,
        };
        assert_eq!(Facts::decode(&f.encode()), f);
    }

    #[test]
    fn timestamps_round_trip_through_json() {
        let r = LogRecord {
            timestamp: 1_764_763_200_123_456,
            ..LogRecord::default()
        };
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["timestamp"], "2025-12-03T12:00:00.123456Z");
        let back: LogRecord = serde_json::from_value(json).unwrap();
        assert_eq!(back.timestamp, r.timestamp);
    }
}
