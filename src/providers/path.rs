//! Client input in upstream URL paths. Several upstreams name the model in the path:
//! Gemini and Vertex AI (`models/{id}:method`), Azure OpenAI (`deployments/{id}/...`),
//! Bedrock (`model/{id}/converse`). The id comes from the client, so pasted in as it is,
//! `../../v1/x` or `x?alt=json` would choose which endpoint of the provider's API
//! receives the gateway's credentials (issue 14). Every adapter that puts an id in a
//! path goes through [`segment`], which makes it exactly one path segment or refuses it
//! before anything is sent; nothing else here.
//!
//! Provider-specific shapes (Gemini's optional `models/` prefix, Vertex's publishers)
//! stay with their adapters: this module knows nothing of any provider.

use std::fmt::Display;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::ProviderError;

/// What stays literal in a segment: RFC 3986's unreserved characters, and `@`, which
/// Vertex AI's model versions use (`claude-sonnet-4@20250514`) and which its own
/// documentation writes unescaped; `@` means nothing in a path. Everything else is
/// escaped, including `:` (Gemini and Vertex read the text after a segment's last `:`
/// as the method), `%` (so the upstream decodes back exactly the client's text, never
/// an escape the client wrote) and every byte of a non-ASCII character.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'@');

/// How much of a refused id an error quotes: enough to recognise it, never a
/// megabyte of it.
const QUOTED_CHARS: usize = 64;

/// `id` percent-encoded as one path segment, or a refusal when no provider's ids look
/// like it (an `Unsupported` error, which the client gets as a 400):
///
/// - an empty id, which would leave the segment empty (`models/:generateContent`);
/// - a control character (NUL, CR, LF, ...), which no model id contains;
/// - a `.` or `..` segment, splitting at `/` and `\`: escaping the slashes already keeps
///   them out of the path, but a server or proxy that decodes `%2F` (or, on Windows
///   hosts, reads `\` as `/`) before normalising would still step out of the prefix.
///   No provider's ids contain such a segment, so refusing costs nothing.
///
/// A `/` inside an id is kept, escaped, as Bedrock's ARNs need
/// (`arn:aws:bedrock:...:inference-profile/us.anthropic...`).
pub(crate) fn segment(id: &str) -> Result<String, ProviderError> {
    if let Some(reason) = refusal(id) {
        return Err(ProviderError::Unsupported(format!(
            "model {} cannot be sent upstream: {reason}",
            quoted(id)
        )));
    }
    Ok(escape(id).to_string())
}

/// `value` percent-encoded with the same set as [`segment`], unchecked: for values
/// from the configuration (Azure's `api-version`) that go in a query or path.
pub(crate) fn escape(value: &str) -> impl Display + '_ {
    utf8_percent_encode(value, SEGMENT)
}

/// Why `id` is refused, if it is.
fn refusal(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        return Some("it is empty");
    }
    if id.chars().any(char::is_control) {
        return Some(
            "it contains a control character (NUL, a line break, ...), which no model id has",
        );
    }
    if id.split(['/', '\\']).any(|s| s == "." || s == "..") {
        return Some("it contains a `.` or `..` path segment, which no model id has");
    }
    None
}

/// `id` for an error message: escaped (a control character cannot reach a log line or
/// a terminal as itself) and cut to [`QUOTED_CHARS`] characters, with its length.
fn quoted(id: &str) -> String {
    let count = id.chars().count();
    if count <= QUOTED_CHARS {
        return format!("{id:?}");
    }
    let head: String = id.chars().take(QUOTED_CHARS).collect();
    format!("{head:?}... ({count} characters)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_one_segment() {
        let cases = [
            ("gemini-2.5-flash", "gemini-2.5-flash"),
            ("claude-sonnet-4@20250514", "claude-sonnet-4@20250514"),
            (
                "amazon.titan-embed-text-v2:0",
                "amazon.titan-embed-text-v2%3A0",
            ),
            ("org/m x", "org%2Fm%20x"),
            ("x?alt=json&y=", "x%3Falt%3Djson%26y%3D"),
            ("a#b", "a%23b"),
            ("%2e%2e", "%252e%252e"),
            ("...", "..."),
            ("a..b", "a..b"),
            ("modèle", "mod%C3%A8le"),
        ];
        for (id, encoded) in cases {
            assert_eq!(segment(id).unwrap(), encoded, "{id}");
        }
    }

    #[test]
    fn ids_no_provider_uses_are_refused_with_the_reason() {
        for id in [
            "",
            ".",
            "..",
            "../../v1/x",
            "a/./b",
            "x/..",
            "..\\etc",
            "a\0b",
            "a\r\nb",
        ] {
            let e = segment(id).unwrap_err();
            assert!(matches!(e, ProviderError::Unsupported(_)), "{id}: {e:?}");
            assert!(e.to_string().contains("cannot be sent upstream"), "{e}");
        }
        let e = segment("a\0b").unwrap_err().to_string();
        assert!(
            e.contains(r#""a\0b""#) && e.contains("control character"),
            "{e}"
        );
    }

    #[test]
    fn a_refused_id_is_quoted_shortened() {
        let long = format!("{}/../x", "m".repeat(100_000));
        let e = segment(&long).unwrap_err().to_string();
        assert!(e.len() < 300, "{}", e.len());
        assert!(e.contains("(100005 characters)"), "{e}");
    }
}
