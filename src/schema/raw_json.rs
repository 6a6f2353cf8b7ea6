//! A JSON document kept as its bytes.
//!
//! Request and answer content travels from the pipeline to the request log, which
//! writes it to disk and, rarely, serves it back. Decoding it into a `Value` tree on
//! the way (and cloning that tree for each hook) cost more per request than proxying
//! the request itself; as bytes it is encoded once, shared by reference count, and
//! written as it is.

use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;

/// One JSON value, held as its encoded bytes. Cloning shares the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct RawJson(Bytes);

impl RawJson {
    /// `value` encoded; `None` when it does not encode (a map with non-string keys).
    pub fn encode<T: Serialize + ?Sized>(value: &T) -> Option<RawJson> {
        serde_json::to_vec(value).ok().map(|v| RawJson(v.into()))
    }

    /// `bytes` when they hold exactly one JSON value (checked without building it).
    pub fn parse(bytes: impl Into<Bytes>) -> Option<RawJson> {
        let bytes = bytes.into();
        serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).ok()?;
        Some(RawJson(bytes))
    }

    /// Bytes this process encoded itself as JSON, taken without checking again.
    pub(crate) fn encoded(bytes: Bytes) -> RawJson {
        RawJson(bytes)
    }

    /// The encoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The document decoded, for a reader that wants to look inside.
    pub fn to_value(&self) -> Value {
        serde_json::from_slice(&self.0).unwrap_or(Value::Null)
    }
}

impl std::fmt::Debug for RawJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

impl Serialize for RawJson {
    /// Embeds the document as it is (serde_json's raw value), never re-encoding it.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut de = serde_json::Deserializer::from_slice(&self.0);
        match <&RawValue>::deserialize(&mut de) {
            Ok(raw) => raw.serialize(serializer),
            // Only `encoded` can hold bytes that were not checked; those came from
            // serde_json, so this is unreachable in practice and harmless if not.
            Err(_) => serializer.serialize_unit(),
        }
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Ok(RawJson(Bytes::from(String::from(Box::<str>::from(raw)))))
    }
}

impl From<Value> for RawJson {
    fn from(value: Value) -> Self {
        // A `Value` always encodes.
        RawJson(serde_json::to_vec(&value).unwrap_or_default().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_as_embedded_json_not_as_a_string() {
        #[derive(Serialize)]
        struct Outer {
            content: RawJson,
        }
        let content = RawJson::parse(&br#"{"a": [1, 2]}"#[..]).expect("valid");
        let outer = serde_json::to_string(&Outer { content }).unwrap_or_default();
        assert_eq!(outer, r#"{"content":{"a": [1, 2]}}"#);
        let back: RawJson = serde_json::from_str(r#"{"b":true}"#).expect("decodes");
        assert_eq!(back.to_value(), json!({"b": true}));
    }

    #[test]
    fn refuses_what_is_not_one_json_value() {
        assert!(RawJson::parse(&b"{\"a\":"[..]).is_none());
        assert!(RawJson::parse(&b"{} {}"[..]).is_none());
        assert!(RawJson::parse(&b"not json"[..]).is_none());
    }
}
