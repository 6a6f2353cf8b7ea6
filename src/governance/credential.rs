//! Finding a virtual key in a request: `x-bf-vk`, or any SDK's own key header or query
//! parameter when its value starts with `sk-bf-`. A value there without the prefix is a
//! provider key, not ours, and is left alone.

use http::header::{HeaderName, AUTHORIZATION};
use http::HeaderMap;
use percent_encoding::percent_decode_str;

use super::key::PREFIX;
use super::refusal::Refusal;

/// Longer values are refused before hashing: a key is 49 characters.
pub const MAX_CREDENTIAL_LEN: usize = 256;

/// Where a key was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `x-bf-vk`.
    VkHeader,
    /// `Authorization: Bearer` (OpenAI SDKs).
    Bearer,
    /// `x-api-key` (Anthropic SDK).
    XApiKey,
    /// `x-goog-api-key` (Google GenAI SDK).
    GoogApiKey,
    /// `?key=` (Gemini REST).
    QueryKey,
}

impl Source {
    /// How the source is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            Source::VkHeader => "x-bf-vk header",
            Source::Bearer => "Authorization header",
            Source::XApiKey => "x-api-key header",
            Source::GoogApiKey => "x-goog-api-key header",
            Source::QueryKey => "key query parameter",
        }
    }
}

/// A presented virtual key and where it came from.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    /// The value presented.
    pub value: String,
    /// Where it was.
    pub source: Source,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("value", &super::key::hint(&self.value))
            .field("source", &self.source)
            .finish()
    }
}

/// The virtual key a request presents, if any. `x-bf-vk` wins and is taken whatever
/// it holds; the SDK headers count only with the `sk-bf-` prefix. Oversized or
/// non-ASCII values are refused rather than guessed at.
pub fn extract(headers: &HeaderMap, query: Option<&str>) -> Result<Option<Credential>, Refusal> {
    // Names made once, so a lookup hashes without parsing the name each request.
    const VK: HeaderName = HeaderName::from_static("x-bf-vk");
    const X_API_KEY: HeaderName = HeaderName::from_static("x-api-key");
    const GOOG_API_KEY: HeaderName = HeaderName::from_static("x-goog-api-key");
    if let Some(v) = headers.get(VK) {
        let value = checked(v.as_bytes(), Source::VkHeader)?;
        return Ok(Some(Credential {
            value: value.trim().to_string(),
            source: Source::VkHeader,
        }));
    }
    let candidates = [
        (AUTHORIZATION, Source::Bearer),
        (X_API_KEY, Source::XApiKey),
        (GOOG_API_KEY, Source::GoogApiKey),
    ];
    for (name, source) in candidates {
        for v in headers.get_all(&name) {
            let bytes = v.as_bytes();
            let bytes = match source {
                Source::Bearer => match strip_bearer(bytes) {
                    Some(rest) => rest,
                    None => continue,
                },
                _ => bytes,
            };
            if !bytes.trim_ascii().starts_with(PREFIX.as_bytes()) {
                continue;
            }
            let value = checked(bytes, source)?;
            return Ok(Some(Credential {
                value: value.trim().to_string(),
                source,
            }));
        }
    }
    for pair in query.unwrap_or("").split('&') {
        let Some(raw) = pair.strip_prefix("key=") else {
            continue;
        };
        let decoded = percent_decode_str(raw).decode_utf8_lossy();
        if decoded.starts_with(PREFIX) {
            let value = checked(decoded.as_bytes(), Source::QueryKey)?;
            return Ok(Some(Credential {
                value: value.to_string(),
                source: Source::QueryKey,
            }));
        }
    }
    Ok(None)
}

fn strip_bearer(v: &[u8]) -> Option<&[u8]> {
    let scheme = v.get(..7)?;
    scheme.eq_ignore_ascii_case(b"bearer ").then(|| &v[7..])
}

fn checked(bytes: &[u8], source: Source) -> Result<&str, Refusal> {
    if bytes.len() > MAX_CREDENTIAL_LEN {
        return Err(Refusal::malformed(
            source.name(),
            &format!(
                "it is {} bytes long, over the {MAX_CREDENTIAL_LEN} accepted",
                bytes.len()
            ),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) if s.is_ascii() && !s.chars().any(|c| c.is_ascii_control()) => Ok(s),
        _ => Err(Refusal::malformed(
            source.name(),
            "it holds characters other than printable ASCII",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const VK: &str = "sk-bf-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn found(h: &HeaderMap, q: Option<&str>) -> Option<(String, Source)> {
        extract(h, q).unwrap().map(|c| (c.value, c.source))
    }

    #[test]
    fn every_sdk_header_carries_a_vk() {
        let bearer = format!("Bearer {VK}");
        for (name, value, source) in [
            ("x-bf-vk", VK, Source::VkHeader),
            ("authorization", bearer.as_str(), Source::Bearer),
            ("x-api-key", VK, Source::XApiKey),
            ("x-goog-api-key", VK, Source::GoogApiKey),
        ] {
            let h = headers(&[(name, value)]);
            assert_eq!(found(&h, None), Some((VK.to_string(), source)), "{name}");
        }
        let q = format!("alt=sse&key={VK}");
        assert_eq!(
            found(&HeaderMap::new(), Some(&q)),
            Some((VK.to_string(), Source::QueryKey))
        );
    }

    #[test]
    fn provider_keys_are_not_vks() {
        let h = headers(&[
            ("authorization", "Bearer sk-proj-123"),
            ("x-api-key", "sk-ant-123"),
        ]);
        assert_eq!(found(&h, Some("key=AIza123")), None);
        assert_eq!(found(&HeaderMap::new(), None), None);
    }

    #[test]
    fn x_bf_vk_wins_over_sdk_headers() {
        let h = headers(&[("authorization", "Bearer sk-bf-other"), ("x-bf-vk", VK)]);
        assert_eq!(found(&h, None).unwrap().1, Source::VkHeader);
    }

    #[test]
    fn oversized_and_non_ascii_values_are_refused() {
        let long = format!("{VK}{}", "x".repeat(300));
        let r = extract(&headers(&[("x-bf-vk", &long)]), None).unwrap_err();
        assert_eq!(r.status, 401);
        assert!(r.message.contains("over the 256 accepted"), "{}", r.message);
        let mut h = HeaderMap::new();
        h.insert(
            "x-api-key",
            HeaderValue::from_bytes(b"sk-bf-\xc3\xa9t\xc3\xa9").unwrap(),
        );
        let r = extract(&h, None).unwrap_err();
        assert!(r.message.contains("printable ASCII"), "{}", r.message);
    }

    #[test]
    fn debug_never_prints_the_value() {
        let c = extract(&headers(&[("x-bf-vk", VK)]), None)
            .unwrap()
            .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains(VK), "{shown}");
    }
}
