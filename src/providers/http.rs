//! The upstream HTTP transport shared by every HTTP provider: pooled connections,
//! split timeouts, error bodies turned into messages, and the response-header filter.
//!
//! Built on hyper-util's client rather than reqwest because reqwest cannot raise hyper's
//! limit of 100 response headers, and upstreams behind CDNs send more; big headers were
//! exactly where the reference gateway failed.

use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use http::{HeaderMap, HeaderName, HeaderValue, Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use serde::de::DeserializeOwned;

use crate::schema::Answer;
use tokio::time::Instant;

use super::{ProviderError, TimeoutPhase};
use crate::config::NetworkConfig;

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Largest non-streaming upstream body read into memory.
const MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;
/// Response headers one upstream response may carry.
const MAX_RESPONSE_HEADERS: usize = 256;
/// Bytes of an error body quoted back to the client.
const MAX_ERROR_QUOTE: usize = 600;

/// A pooled client plus one provider's timeouts and extra headers.
#[derive(Clone)]
pub struct Transport {
    client: HttpsClient,
    first_byte: Duration,
    stream_idle: Duration,
    total: Duration,
    extra_headers: HeaderMap,
}

impl Transport {
    /// Builds the client for one provider's network settings.
    pub fn new(net: &NetworkConfig) -> Transport {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(net.connect_timeout()));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            // Without a timer the pool only drops an expired connection when it next
            // looks at it, so the sockets of a burst stayed open until reused.
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(net.idle_timeout_secs))
            .pool_max_idle_per_host(net.max_idle_connections)
            .http1_max_headers(MAX_RESPONSE_HEADERS)
            .http1_max_buf_size(1024 * 1024)
            .build(https);
        let mut extra_headers = HeaderMap::new();
        for (name, value) in &net.extra_headers {
            // Names were validated with the config; a value that is not a valid header
            // is skipped rather than failing every request.
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                extra_headers.insert(n, v);
            }
        }
        Transport {
            client,
            first_byte: Duration::from_secs(net.first_byte_timeout_secs),
            stream_idle: Duration::from_secs(net.stream_idle_timeout_secs),
            total: Duration::from_secs(net.total_timeout_secs),
            extra_headers,
        }
    }

    /// POSTs JSON and waits for a 2xx response's headers; error statuses come back as
    /// [`ProviderError::Status`] carrying the upstream's own message.
    pub async fn post_json(
        &self,
        url: &str,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Exchange, ProviderError> {
        let json = HeaderValue::from_static("application/json");
        self.post(url, headers, json, body).await
    }

    /// POSTs an `application/x-www-form-urlencoded` body (OAuth token endpoints), with
    /// the same timeouts and error handling as [`Transport::post_json`].
    pub async fn post_form(&self, url: &str, body: String) -> Result<Exchange, ProviderError> {
        let form = HeaderValue::from_static("application/x-www-form-urlencoded");
        self.post(url, HeaderMap::new(), form, Bytes::from(body))
            .await
    }

    /// [`Transport::post_json`] for any body type: forwarded endpoints send multipart
    /// forms as well as JSON.
    pub async fn post(
        &self,
        url: &str,
        mut headers: HeaderMap,
        content_type: HeaderValue,
        body: Bytes,
    ) -> Result<Exchange, ProviderError> {
        let deadline = Instant::now() + self.total;
        for (k, v) in &self.extra_headers {
            headers.insert(k, v.clone());
        }
        headers.insert(http::header::CONTENT_TYPE, content_type);
        headers.insert(
            http::header::USER_AGENT,
            HeaderValue::from_static(concat!("bifrost/", env!("CARGO_PKG_VERSION"))),
        );
        let mut request = Request::post(url)
            .body(Full::new(body))
            .map_err(|e| ProviderError::Connect(format!("invalid upstream URL {url}: {e}")))?;
        *request.headers_mut() = headers;
        let wait = self.first_byte.min(self.total);
        let response = match tokio::time::timeout(wait, self.client.request(request)).await {
            Err(_) => {
                let phase = if wait == self.total {
                    TimeoutPhase::Total
                } else {
                    TimeoutPhase::FirstByte
                };
                return Err(ProviderError::Timeout { phase, after: wait });
            }
            Ok(Err(e)) => return Err(classify(&e)),
            Ok(Ok(r)) => r,
        };
        let exchange = Exchange {
            response,
            deadline,
            idle: self.stream_idle,
            total: self.total,
        };
        if exchange.response.status().is_success() {
            Ok(exchange)
        } else {
            Err(exchange.into_status_error().await)
        }
    }
}

fn classify(e: &hyper_util::client::legacy::Error) -> ProviderError {
    let detail = error_chain(e);
    if e.is_connect() {
        ProviderError::Connect(detail)
    } else {
        ProviderError::Transport(detail)
    }
}

pub(super) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// A 2xx upstream response whose body is still to be read.
pub struct Exchange {
    pub(super) response: Response<Incoming>,
    pub(super) deadline: Instant,
    pub(super) idle: Duration,
    pub(super) total: Duration,
}

impl Exchange {
    /// The headers worth passing to the client (see [`forwardable_headers`]).
    pub fn forwardable_headers(&self) -> HeaderMap {
        forwardable_headers(self.response.headers())
    }

    /// One upstream response header as text, for adapters that read provider-specific
    /// headers (Bedrock reports token counts in headers).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
    }

    /// Reads the whole body (bounded by size, idle and total timeouts) as a raw answer:
    /// validated as a JSON object, its usage read, the rest left as the upstream sent it.
    pub async fn answer<T>(self) -> Result<Answer<T>, ProviderError> {
        let content_type = self.header("content-type").map(str::to_string);
        let bytes = self.collect().await?;
        Answer::raw(bytes.clone()).map_err(|e| not_an_object(e, content_type, &bytes))
    }

    /// Reads the whole body and decodes it as `T` in one pass, for adapters that
    /// translate the answer rather than pass it on; `what` names `T` in the error ("a
    /// Converse answer"). Fails as [`Exchange::answer`] does for a body that is not a
    /// JSON object.
    pub async fn decode<T: DeserializeOwned>(self, what: &str) -> Result<T, ProviderError> {
        let content_type = self.header("content-type").map(str::to_string);
        let bytes = self.collect().await?;
        let is_object = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        match serde_json::from_slice(&bytes) {
            Ok(value) if is_object => Ok(value),
            // Worded by the same check as `answer`, run only once decoding has failed.
            decoded => Err(match Answer::<()>::raw(bytes.clone()) {
                Err(raw) => not_an_object(raw, content_type, &bytes),
                Ok(_) => ProviderError::InvalidResponse(format!(
                    "not {what}: {}",
                    decoded.err().map_or_else(String::new, |e| e.to_string())
                )),
            }),
        }
    }

    /// The whole body. One timer bounds it (the idle timeout, within the total): an
    /// answer that is not a stream arrives in one burst once its headers have.
    pub(super) async fn collect(self) -> Result<Bytes, ProviderError> {
        let Exchange {
            response,
            deadline,
            idle,
            total,
        } = self;
        let limited = http_body_util::Limited::new(response.into_body(), MAX_RESPONSE_BYTES);
        match next_within(limited.collect(), deadline, idle, total).await? {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(e) if e.is::<http_body_util::LengthLimitError>() => {
                Err(ProviderError::InvalidResponse(format!(
                    "response body larger than {MAX_RESPONSE_BYTES} bytes"
                )))
            }
            Err(e) => Err(ProviderError::Transport(error_chain(&*e))),
        }
    }

    async fn into_status_error(self) -> ProviderError {
        let status = self.response.status().as_u16();
        let retry_after = self
            .response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let message = match self.collect().await {
            Ok(bytes) => error_message(&bytes),
            Err(e) => format!("(error body unreadable: {e})"),
        };
        ProviderError::Status {
            status,
            message,
            retry_after,
        }
    }

    /// The body as a stream of server-sent events' `data` payloads decoded into `T`,
    /// ending at `[DONE]`. A stream that ends without `[DONE]`, breaks, or carries an
    /// `error` object yields an error item: a truncated answer never looks complete.
    pub fn sse_json<T: DeserializeOwned + Send + 'static>(
        self,
    ) -> impl Stream<Item = Result<T, ProviderError>> + Send + 'static {
        let mut events = Box::pin(self.sse_events());
        async_stream::stream! {
            loop {
                let data = match events.next().await {
                    None => {
                        yield Err(ProviderError::Transport(
                            "the stream ended before [DONE]; the answer is incomplete".into(),
                        ));
                        break;
                    }
                    Some(Err(e)) => { yield Err(e); break; }
                    Some(Ok((_, data))) => data,
                };
                let data = data.trim();
                if data == "[DONE]" { break; }
                // An error object mid-stream; the quoted key cannot occur unescaped inside
                // a chunk's strings, so ordinary chunks skip the second parse.
                if data.contains("\"error\"") {
                    let value = serde_json::from_str::<serde_json::Value>(data).ok();
                    if value.is_some_and(|v| v.get("error").is_some()) {
                        yield Err(ProviderError::Status {
                            status: 502,
                            message: error_message(data.as_bytes()),
                            retry_after: None,
                        });
                        break;
                    }
                }
                match serde_json::from_str::<T>(data) {
                    Ok(item) => yield Ok(item),
                    Err(e) => {
                        let what = if e.is_syntax() || e.is_eof() { "stream event is not JSON" } else { "unexpected stream event" };
                        yield Err(ProviderError::InvalidResponse(format!("{what} ({e}): {}", quote(data.as_bytes()))));
                        break;
                    }
                }
            }
        }
    }

    /// The body as raw server-sent events, `(event name, data)` each, for upstreams whose
    /// streams are not OpenAI's (no `[DONE]`; the event name matters). The stream just
    /// ends with the body: the caller knows what a complete answer looks like. Timeouts
    /// and broken streams yield an error item and end it.
    pub fn sse_events(
        self,
    ) -> impl Stream<Item = Result<(Option<String>, String), ProviderError>> + Send + 'static {
        let Exchange {
            response,
            deadline,
            idle,
            total,
        } = self;
        async_stream::stream! {
            let mut events = sse_stream::SseStream::new(response.into_body());
            loop {
                match next_within(events.next(), deadline, idle, total).await {
                    Err(e) => { yield Err(e); break; }
                    Ok(None) => break,
                    Ok(Some(Err(e))) => {
                        yield Err(ProviderError::Transport(format!("broken event stream: {e}")));
                        break;
                    }
                    Ok(Some(Ok(event))) => {
                        let Some(data) = event.data else { continue };
                        if data.trim().is_empty() { continue; }
                        yield Ok((event.event, data));
                    }
                }
            }
        }
    }
}

/// An answer that is not a JSON object, with what came instead.
fn not_an_object(
    e: impl std::fmt::Display,
    content_type: Option<String>,
    bytes: &[u8],
) -> ProviderError {
    let content_type = content_type
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "no content type".to_string());
    ProviderError::InvalidResponse(format!("{e}, but got {content_type}: {}", quote(bytes)))
}

/// Waits for the next body item within both the idle and the total budget.
pub(super) async fn next_within<F: std::future::Future>(
    next: F,
    deadline: Instant,
    idle: Duration,
    total: Duration,
) -> Result<F::Output, ProviderError> {
    let idle_deadline = Instant::now() + idle;
    let (until, phase, after) = if idle_deadline < deadline {
        (idle_deadline, TimeoutPhase::StreamIdle, idle)
    } else {
        (deadline, TimeoutPhase::Total, total)
    };
    tokio::time::timeout_at(until, next)
        .await
        .map_err(|_| ProviderError::Timeout { phase, after })
}

/// The upstream's error message: OpenAI-style `error.message`, a top-level `message`
/// (Bedrock and other AWS services, some of which spell it `Message`), else the body
/// quoted.
fn error_message(bytes: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
        let msg = v
            .pointer("/error/message")
            .or_else(|| v.get("message"))
            .or_else(|| v.get("Message"))
            .or_else(|| v.get("error").filter(|e| e.is_string()))
            .and_then(|m| m.as_str());
        if let Some(m) = msg {
            return m.to_string();
        }
    }
    quote(bytes)
}

fn quote(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    if text.is_empty() {
        return "(empty body)".to_string();
    }
    let mut cut: String = text.chars().take(MAX_ERROR_QUOTE).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

/// Upstream headers a client may see: request ids and rate-limit information. All else
/// (cookies, CORS, server banners, hop-by-hop) stays behind the gateway.
pub fn forwardable_headers(upstream: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    for (name, value) in upstream {
        let n = name.as_str();
        let keep = n.starts_with("x-ratelimit-")
            || n.starts_with("anthropic-ratelimit-")
            || n == "retry-after"
            || n == "retry-after-ms"
            || n == "openai-processing-ms"
            || n == "request-id";
        if keep {
            out.append(name.clone(), value.clone());
        } else if n == "x-request-id" {
            // Ours is the client's x-request-id; keep the upstream's under its own name.
            out.append(
                HeaderName::from_static("x-upstream-request-id"),
                value.clone(),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ids_and_rate_limits_pass() {
        let mut h = HeaderMap::new();
        h.insert("set-cookie", HeaderValue::from_static("a=b"));
        h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
        h.insert("server", HeaderValue::from_static("nginx"));
        h.insert(
            "x-ratelimit-remaining-requests",
            HeaderValue::from_static("9"),
        );
        h.insert("x-request-id", HeaderValue::from_static("req_1"));
        let out = forwardable_headers(&h);
        assert_eq!(out.len(), 2);
        assert_eq!(out["x-ratelimit-remaining-requests"], "9");
        assert_eq!(out["x-upstream-request-id"], "req_1");
    }

    #[test]
    fn error_messages_prefer_the_upstream_text() {
        assert_eq!(
            error_message(br#"{"error":{"message":"bad key"}}"#),
            "bad key"
        );
        assert_eq!(
            error_message(br#"{"Message":"User is not authorized"}"#),
            "User is not authorized"
        );
        assert_eq!(error_message(b"<html>oops</html>"), "<html>oops</html>");
        assert_eq!(error_message(b""), "(empty body)");
        assert!(quote(&vec![b'a'; 5000]).ends_with('…'));
    }
}
