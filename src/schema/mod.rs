//! Canonical request and response types: the OpenAI wire format, which every
//! provider translates to and from.
//!
//! Only the fields the gateway reads are typed; everything else is kept in an
//! `extra` map so parameters newer than this release pass through untouched.
//! Nothing here knows about HTTP or any particular provider.

mod answer;
mod assemble;
mod chat;
mod raw_json;
mod rerank;
mod text;
pub(crate) mod with_extra;

pub use answer::{append_member, Answer, AnswerError, HasUsage};
pub use assemble::ChunkAssembler;
pub use chat::{
    ChatChoice, ChatChunk, ChatRequest, ChatResponse, ChunkChoice, Message, StreamOptions, Usage,
};
pub use raw_json::RawJson;
pub use rerank::{RerankRequest, RerankResponse, RerankResult};
pub use text::{CompletionRequest, EmbeddingRequest, Model, ModelList};

use crate::config::{shorten, shorten_quoted};

/// A JSON object holding the fields a type does not name.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// Seconds since the Unix epoch, for `created` fields.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Decodes a request body into `T`, naming the JSON path and position of the first problem.
pub fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError {
            path: None,
            line: 0,
            column: 0,
            message: "request body is empty; send a JSON object".to_string(),
            syntax: true,
        });
    }
    // The common case pays nothing for path tracking; only a failure is decoded again
    // to say where it went wrong.
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    // serde quotes the offending input (an unknown field or variant, a mistyped string)
    // and the path names map keys from the body: both are shortened, so a 1 MB string
    // does not come back whole in the error.
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = shorten(&e.path().to_string()).into_owned();
        let inner = e.into_inner();
        DecodeError {
            path: (path != ".").then_some(path),
            line: inner.line(),
            column: inner.column(),
            message: shorten_quoted(&inner.to_string()).into_owned(),
            syntax: inner.is_syntax() || inner.is_eof(),
        }
    })
}

/// Why a request body could not be decoded, with enough position to fix it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", self.describe())]
pub struct DecodeError {
    /// JSON path of the offending field (`messages[0].role`), when the JSON parsed.
    pub path: Option<String>,
    /// 1-based line in the body.
    pub line: usize,
    /// 1-based column in the body.
    pub column: usize,
    /// serde's own message.
    pub message: String,
    /// The body is not JSON at all (as opposed to JSON of the wrong shape).
    pub syntax: bool,
}

impl DecodeError {
    fn describe(&self) -> String {
        match (&self.path, self.syntax) {
            (_, true) if self.line == 0 => self.message.clone(),
            (_, true) => format!("request body is not valid JSON: {}", self.message),
            (Some(path), false) => format!("invalid field `{path}`: {}", self.message),
            (None, false) => format!("invalid request body: {}", self.message),
        }
    }

    /// The offending field, for the `param` of an OpenAI-style error.
    pub fn param(&self) -> Option<&str> {
        self.path.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_names_the_field_and_position() {
        let err = decode::<ChatRequest>(br#"{"model":"m","messages":"hi"}"#).unwrap_err();
        assert_eq!(err.param(), Some("messages"));
        assert!(!err.syntax);
        assert!(err.to_string().contains("messages"), "{err}");
    }

    #[test]
    fn decode_quotes_long_input_back_shortened() {
        let long = "x".repeat(1 << 20);
        let body = format!(r#"{{"model":"m","messages":[],"stream":"{long}"}}"#);
        let err = decode::<ChatRequest>(body.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("(1048576 bytes)"),
            "{}",
            &err[..err.len().min(500)]
        );
        assert!(err.len() < 1000, "{} bytes", err.len());
        // An unknown field, an unknown variant and a map key in the path.
        for body in [
            format!(r#"{{"provider":"p","type":"mock","{long}":1}}"#),
            format!(r#"{{"provider":"p","type":"{long}"}}"#),
            format!(
                r#"{{"provider":"p","type":"mock","network_config":{{"extra_headers":{{"{long}":1}}}}}}"#
            ),
        ] {
            let err = decode::<crate::admin::ProviderDoc>(body.as_bytes()).unwrap_err();
            let shown = err.to_string();
            assert!(shown.len() < 1000, "{} bytes", shown.len());
            // The value's length, or the path's when the path holds it.
            assert!(shown.contains("bytes)"), "{shown}");
            assert!(err.param().is_none_or(|p| p.len() < 300));
        }
    }

    #[test]
    fn decode_reports_syntax_errors_with_position() {
        let err = decode::<ChatRequest>(b"{\"model\": ").unwrap_err();
        assert!(err.syntax);
        assert!(err.to_string().contains("line 1"), "{err}");
        let empty = decode::<ChatRequest>(b"").unwrap_err();
        assert!(empty.to_string().contains("empty"), "{empty}");
    }
}
