//! A non-streaming upstream answer, kept as the upstream's own bytes when they are
//! already in the client's format.
//!
//! OpenAI-format upstreams answer exactly what an OpenAI client expects, so decoding the
//! answer into typed structs only to encode it again cost about a quarter of the
//! gateway's per-request CPU (measured with callgrind, see BENCHMARKS.md). A raw answer
//! is validated once while its usage is read; typed access decodes it on demand.

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::Usage;

/// An answer: the upstream's validated JSON object, or a typed value.
#[derive(Debug, Clone)]
pub enum Answer<T> {
    /// A JSON object exactly as the upstream sent it.
    Raw {
        /// The object's bytes.
        json: Bytes,
        /// Where its `usage` member's value lies in `json`, found while validating;
        /// decoded only when asked for.
        usage_at: Option<std::ops::Range<usize>>,
    },
    /// A value built by the gateway (a translation or a built-in provider).
    Typed(T),
}

/// Why bytes are not a usable answer.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct AnswerError(String);

#[derive(Deserialize)]
struct UsageOnly<'a> {
    #[serde(default, borrow)]
    usage: Option<&'a RawValue>,
}

impl<T> Answer<T> {
    /// Validates `json` as one JSON object and reads its usage, without decoding the rest.
    pub fn raw(json: Bytes) -> Result<Self, AnswerError> {
        let first = json.iter().find(|b| !b.is_ascii_whitespace());
        if first != Some(&b'{') {
            return Err(AnswerError("expected a JSON object".to_string()));
        }
        let probe: UsageOnly = serde_json::from_slice(&json)
            .map_err(|e| AnswerError(format!("expected a JSON object ({e})")))?;
        // The raw value borrows from `json`, so its offset is a plain address difference.
        let usage_at = probe.usage.map(|raw| {
            let start = raw.get().as_ptr() as usize - json.as_ptr() as usize;
            start..start + raw.get().len()
        });
        Ok(Answer::Raw { json, usage_at })
    }

    /// Whether the answer reports usage, found without decoding it.
    pub fn reports_usage(&self) -> bool
    where
        T: HasUsage,
    {
        match self {
            Answer::Raw { usage_at, .. } => usage_at.is_some(),
            Answer::Typed(t) => t.usage().is_some(),
        }
    }

    /// Token usage, when the answer reports it.
    pub fn usage(&self) -> Option<Usage>
    where
        T: HasUsage,
    {
        match self {
            Answer::Raw { json, usage_at } => usage_at
                .clone()
                .and_then(|at| serde_json::from_slice(json.get(at)?).ok()),
            Answer::Typed(t) => t.usage(),
        }
    }

    /// The typed answer, decoding raw bytes if needed.
    pub fn into_typed(self) -> Result<T, serde_json::Error>
    where
        T: DeserializeOwned,
    {
        match self {
            Answer::Raw { json, .. } => serde_json::from_slice(&json),
            Answer::Typed(t) => Ok(t),
        }
    }
}

/// Answers that report token usage.
pub trait HasUsage {
    /// The usage, if reported.
    fn usage(&self) -> Option<Usage>;
}

impl HasUsage for super::ChatResponse {
    fn usage(&self) -> Option<Usage> {
        self.usage.clone()
    }
}

impl HasUsage for serde_json::Value {
    fn usage(&self) -> Option<Usage> {
        self.get("usage")
            .and_then(|u| serde_json::from_value(u.clone()).ok())
    }
}

/// Appends a member to the JSON object in `json` (already validated as an object).
pub fn append_member(json: &[u8], name: &str, value: &[u8]) -> Vec<u8> {
    let end = json.iter().rposition(|b| *b == b'}').unwrap_or(json.len());
    let head = &json[..end];
    let empty = head
        .iter()
        .rev()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{');
    let mut out = Vec::with_capacity(json.len() + name.len() + value.len() + 8);
    out.extend_from_slice(head);
    if !empty {
        out.push(b',');
    }
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
    out.extend_from_slice(value);
    out.push(b'}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn raw_answers_keep_bytes_and_read_usage() {
        let body = Bytes::from_static(
            br#"{"id":"x","usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}} "#,
        );
        let a: Answer<Value> = Answer::raw(body.clone()).unwrap();
        assert_eq!(a.usage().unwrap().total_tokens, 5);
        assert!(matches!(&a, Answer::Raw { json, .. } if *json == body));
        assert_eq!(a.into_typed().unwrap()["id"], "x");
    }

    #[test]
    fn non_objects_are_refused() {
        assert!(Answer::<Value>::raw(Bytes::from_static(b"[1]")).is_err());
        assert!(Answer::<Value>::raw(Bytes::from_static(b"{\"a\":1")).is_err());
        assert!(Answer::<Value>::raw(Bytes::from_static(b"<html>")).is_err());
    }

    #[test]
    fn append_member_yields_valid_json() {
        for src in [&br#"{"a":1}"#[..], b"{}", b" { \"a\" : [1, {}] }\n"] {
            let out = append_member(src, "extra_fields", br#"{"p":"x"}"#);
            let v: Value = serde_json::from_slice(&out).unwrap();
            assert_eq!(v["extra_fields"], json!({"p": "x"}));
        }
    }
}
