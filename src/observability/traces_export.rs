//! Getting spans to the collector: the official OTLP exporter (HTTP/protobuf or gRPC)
//! fed in batches by one task on [`Background`], so no request ever waits on the
//! network and graceful shutdown sends what is queued. A collector that is down costs a
//! warning when exports start failing (and a note when they recover), nothing more.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use opentelemetry_otlp::{WithExportConfig, WithHttpConfig, WithTonicConfig};
use opentelemetry_sdk::trace::{SpanData, SpanExporter as _};
use opentelemetry_sdk::Resource;
use tokio::sync::mpsc;

use crate::config::{OtelConfig, OtelProtocol, SecretError};
use crate::hooks::Background;

/// Most spans in one export request.
const MAX_BATCH: usize = 512;

/// A partial batch waits at most this long.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// One export may take this long before it counts as failed.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why traces could not be turned on.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A header value names an unset environment variable.
    #[error("otel.headers.{name}: {source}")]
    Header {
        /// The header.
        name: String,
        /// Why.
        source: SecretError,
    },
    /// A header name or value is not valid in HTTP.
    #[error("otel.headers.{0} is not a valid header")]
    InvalidHeader(String),
    /// The exporter refused its configuration.
    #[error("cannot set up the OTLP exporter: {0}")]
    Build(#[from] opentelemetry_otlp::ExporterBuildError),
}

/// The exporter `otel` describes, tagged with its `service.name`.
pub(super) fn exporter(
    otel: &OtelConfig,
    endpoint: &str,
) -> Result<opentelemetry_otlp::SpanExporter, ExportError> {
    let mut headers = HashMap::new();
    for (name, value) in &otel.headers {
        let value = value.resolve().map_err(|source| ExportError::Header {
            name: name.clone(),
            source,
        })?;
        headers.insert(name.clone(), value);
    }
    let mut exporter = match otel.protocol {
        OtelProtocol::HttpProtobuf => opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_http_client(http_client())
            .with_endpoint(http_endpoint(endpoint))
            .with_timeout(EXPORT_TIMEOUT)
            .with_headers(headers)
            .build()?,
        OtelProtocol::Grpc => {
            let mut map = http::HeaderMap::new();
            for (name, value) in headers {
                let (Ok(n), Ok(v)) = (
                    http::HeaderName::try_from(name.as_str()),
                    http::HeaderValue::try_from(value),
                ) else {
                    return Err(ExportError::InvalidHeader(name));
                };
                map.insert(n, v);
            }
            opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint)
                .with_timeout(EXPORT_TIMEOUT)
                .with_metadata(
                    opentelemetry_otlp::tonic_types::metadata::MetadataMap::from_headers(map),
                )
                .build()?
        }
    };
    exporter.set_resource(
        &Resource::builder_empty()
            .with_service_name(otel.service_name.clone())
            .build(),
    );
    Ok(exporter)
}

/// A hyper client that speaks TLS too (the default one of the exporter does not).
fn http_client() -> opentelemetry_http::hyper::HyperClient<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
> {
    let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
    http.enforce_http(false);
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    opentelemetry_http::hyper::HyperClient::new(https, EXPORT_TIMEOUT, None)
}

/// OTLP/HTTP's traces path on a bare collector URL, as the SDKs do with
/// `OTEL_EXPORTER_OTLP_ENDPOINT`; a URL with a path is taken as it is.
fn http_endpoint(endpoint: &str) -> String {
    let bare = endpoint
        .parse::<http::Uri>()
        .map(|u| matches!(u.path(), "" | "/"))
        .unwrap_or(false);
    if bare {
        format!("{}/v1/traces", endpoint.trim_end_matches('/'))
    } else {
        endpoint.to_string()
    }
}

/// Exports what arrives on `queue` in batches until shutdown, then what is left.
pub(super) async fn run(
    exporter: opentelemetry_otlp::SpanExporter,
    mut queue: mpsc::Receiver<SpanData>,
    dropped: Arc<AtomicU64>,
    background: Background,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    let mut health = Health::default();
    loop {
        let last = tokio::select! {
            n = queue.recv_many(&mut batch, MAX_BATCH) => {
                if n > 0 && batch.len() < MAX_BATCH {
                    continue;
                }
                n == 0
            }
            _ = tick.tick() => false,
            () = background.stopping() => {
                while let Ok(span) = queue.try_recv() {
                    batch.push(span);
                }
                true
            }
        };
        let lost = dropped.swap(0, Ordering::Relaxed);
        if lost > 0 {
            tracing::warn!(
                spans = lost,
                "trace spans dropped: the export queue was full"
            );
        }
        if !batch.is_empty() {
            let spans = std::mem::replace(&mut batch, Vec::with_capacity(MAX_BATCH));
            health.note(exporter.export(spans).await);
        }
        if last {
            break;
        }
    }
    let _ = exporter.shutdown();
}

/// Whether the last export failed, so a collector that is down is reported once.
#[derive(Default)]
struct Health {
    failing: bool,
}

impl Health {
    fn note(&mut self, result: opentelemetry_sdk::error::OTelSdkResult) {
        match result {
            Err(e) if !self.failing => {
                self.failing = true;
                tracing::warn!(error = %e, "cannot export traces to the OTLP collector (otel.endpoint); spans are dropped until it answers");
            }
            Ok(()) if self.failing => {
                self.failing = false;
                tracing::info!("trace export to the OTLP collector works again");
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_collector_url_gets_the_traces_path() {
        assert_eq!(http_endpoint("http://c:4318"), "http://c:4318/v1/traces");
        assert_eq!(http_endpoint("http://c:4318/"), "http://c:4318/v1/traces");
        assert_eq!(
            http_endpoint("https://c/otlp/v1/traces"),
            "https://c/otlp/v1/traces"
        );
    }
}
