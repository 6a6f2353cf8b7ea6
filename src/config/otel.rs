//! `[otel]`: where request traces go. Traces are off unless an endpoint is set.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::SecretValue;

/// `[otel]`: an OTLP collector to export one trace per request to (the reference
/// gateway's `otel` plugin, with `collector_url` named `endpoint` as OpenTelemetry
/// names it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OtelConfig {
    /// The collector: for `http/protobuf` a URL (`/v1/traces` is appended when it has no
    /// path), for `grpc` the collector's address (`http://host:4317`). Unset: no traces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The OTLP transport.
    pub protocol: OtelProtocol,
    /// Headers sent with every export (a vendor's API key); values may be `env.VAR`.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub headers: IndexMap<String, SecretValue>,
    /// The `service.name` resource attribute.
    pub service_name: String,
}

impl Default for OtelConfig {
    fn default() -> Self {
        OtelConfig {
            endpoint: None,
            protocol: OtelProtocol::HttpProtobuf,
            headers: IndexMap::new(),
            service_name: "bifrost".to_string(),
        }
    }
}

impl OtelConfig {
    /// True when nothing is set: the section is left out of a rendered config.
    pub fn is_default(&self) -> bool {
        self == &OtelConfig::default()
    }

    /// What is wrong with the section, each message naming its field.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(endpoint) = &self.endpoint {
            let ok = endpoint
                .parse::<http::Uri>()
                .ok()
                .filter(|u| matches!(u.scheme_str(), Some("http" | "https")) && u.host().is_some());
            if ok.is_none() {
                out.push(format!(
                    "otel.endpoint {} must be an http:// or https:// URL",
                    super::quote(endpoint)
                ));
            }
        }
        for name in self.headers.keys() {
            if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                out.push(format!(
                    "otel.headers: {} is not a valid header name",
                    super::quote(name)
                ));
            }
        }
        out
    }
}

/// How spans travel to the collector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OtelProtocol {
    /// OTLP over HTTP with protobuf bodies (port 4318).
    #[serde(rename = "http/protobuf", alias = "http")]
    HttpProtobuf,
    /// OTLP over gRPC (port 4317).
    #[serde(rename = "grpc")]
    Grpc,
}

#[cfg(test)]
mod tests {
    use crate::config::{FileConfig, OtelProtocol, SecretValue};

    #[test]
    fn the_section_parses_and_bad_values_are_named() {
        let ok = FileConfig::parse(
            "[otel]\nendpoint = \"http://c:4317\"\nprotocol = \"grpc\"\nheaders = { x-key = \"env.K\" }\n",
        )
        .unwrap();
        assert_eq!(ok.otel.protocol, OtelProtocol::Grpc);
        assert_eq!(ok.otel.headers["x-key"], SecretValue::Env("K".into()));
        assert_eq!(ok.otel.service_name, "bifrost");
        let bad = FileConfig::parse("[otel]\nendpoint = \"ftp://c\"\n").unwrap_err();
        assert!(bad[0].message.contains("otel.endpoint"), "{bad:?}");
        let unknown = FileConfig::parse("[otel]\nprotocol = \"udp\"\n").unwrap_err();
        assert!(unknown[0].message.contains("udp"), "{unknown:?}");
    }

    #[test]
    fn literal_header_values_are_masked_when_rendered() {
        let config =
            FileConfig::parse("[otel]\nheaders = { x-key = \"collector-secret-value\" }\n")
                .unwrap();
        assert!(!config.to_toml(false).contains("collector-secret-value"));
    }
}
