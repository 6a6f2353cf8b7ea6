//! Management through a running server: over its unix socket on this machine, or over
//! HTTP(S) to a server elsewhere (`bifrost --url`). redb allows one process per file, so
//! while `bifrost serve` holds the store the CLI asks the server instead. The socket is
//! mode 0600 in the data dir, so file permissions are its credential; over TCP every
//! request carries an admin credential in `Authorization`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderValue, Method, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::{AdminError, Management, ProviderDoc};

/// How long a remote call may take before the CLI gives up, connect included.
const REMOTE_TIMEOUT: Duration = Duration::from_secs(60);

type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

/// A client for a running server's management API.
pub struct RemoteAdmin {
    transport: Transport,
}

enum Transport {
    /// The local server's unix socket.
    Socket(PathBuf),
    /// A server over HTTP(S).
    Http {
        /// `scheme://authority` plus any path prefix, without a trailing `/`.
        base: String,
        client: Box<HttpsClient>,
        /// `Bearer ...`; marked sensitive so hyper never logs it.
        authorization: Option<HeaderValue>,
    },
}

/// What the CLI presents to a server over TCP.
pub enum RemoteCredential {
    /// An admin token (or the config's `[admin] token`), sent as Bearer.
    Token(String),
    /// The admin login, sent as Basic (only `bifrost login --username` uses it, to mint
    /// a token: the password is never stored).
    Login {
        /// The username.
        username: String,
        /// The password.
        password: String,
    },
}

impl RemoteCredential {
    fn header(&self) -> Result<HeaderValue, AdminError> {
        use base64::Engine as _;
        let text = match self {
            RemoteCredential::Token(t) => format!("Bearer {}", t.trim()),
            RemoteCredential::Login { username, password } => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"))
            ),
        };
        let mut v = HeaderValue::from_str(&text).map_err(|_| {
            AdminError::Invalid(vec![
                "the admin credential contains characters an HTTP header cannot carry".into(),
            ])
        })?;
        v.set_sensitive(true);
        Ok(v)
    }
}

/// Redacted: a credential never reaches a log or a panic message.
impl std::fmt::Debug for RemoteCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RemoteCredential::Token(_) => f.write_str("Token(..)"),
            RemoteCredential::Login { username, .. } => {
                write!(f, "Login {{ username: {username:?}, .. }}")
            }
        }
    }
}

#[derive(Deserialize)]
struct ProviderList {
    providers: Vec<ProviderDoc>,
}

impl RemoteAdmin {
    /// Connects when a server answers on `socket`; `None` when none does.
    pub async fn connect(socket: &Path) -> Option<RemoteAdmin> {
        tokio::net::UnixStream::connect(socket).await.ok()?;
        Some(RemoteAdmin {
            transport: Transport::Socket(socket.to_path_buf()),
        })
    }

    /// A client for the server at `url` (`http://` or `https://`, optionally with a path
    /// prefix), presenting `credential` on every request. Nothing is sent yet.
    pub fn over_http(
        url: &str,
        credential: Option<&RemoteCredential>,
    ) -> Result<RemoteAdmin, AdminError> {
        let base = url.trim().trim_end_matches('/').to_string();
        let uri: Uri = base
            .parse()
            .map_err(|_| AdminError::Invalid(vec![format!("--url: {base:?} is not a URL")]))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
            return Err(AdminError::Invalid(vec![format!(
                "--url: {base:?} must start with http:// or https:// and name a host"
            )]));
        }
        let authorization = credential.map(RemoteCredential::header).transpose()?;
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(Duration::from_secs(10)));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new()).build(https);
        Ok(RemoteAdmin {
            transport: Transport::Http {
                base,
                client: Box::new(client),
                authorization,
            },
        })
    }

    /// The server this client talks to, for messages: a URL or the socket path.
    pub fn target(&self) -> String {
        match &self.transport {
            Transport::Socket(p) => p.display().to_string(),
            Transport::Http { base, .. } => base.clone(),
        }
    }

    /// One raw request (a management call, or an inference call through the server's
    /// pipeline, with its `request_id`): the status and body, whatever the status.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        request_id: Option<&str>,
        body: Vec<u8>,
    ) -> Result<(u16, Bytes), AdminError> {
        match tokio::time::timeout(
            REMOTE_TIMEOUT,
            self.send_now(method, path, request_id, body),
        )
        .await
        {
            Ok(answer) => answer,
            Err(_) => Err(AdminError::Unreachable(format!(
                "{} did not answer within {} s",
                self.target(),
                REMOTE_TIMEOUT.as_secs()
            ))),
        }
    }

    async fn send_now(
        &self,
        method: Method,
        path: &str,
        request_id: Option<&str>,
        body: Vec<u8>,
    ) -> Result<(u16, Bytes), AdminError> {
        let response = self.respond(method, path, request_id, body).await?;
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| AdminError::Unreachable(e.to_string()))?
            .to_bytes();
        Ok((status, bytes))
    }

    /// Opens a `GET` whose body is a feed that lasts (server-sent events such as
    /// `/api/logs/stream`): the response once its headers arrive, its body still
    /// streaming. The timeout covers connecting and the headers only; an error status
    /// is an error.
    pub async fn open_stream(
        &self,
        path: &str,
    ) -> Result<http::Response<hyper::body::Incoming>, AdminError> {
        let response = tokio::time::timeout(
            REMOTE_TIMEOUT,
            self.respond(Method::GET, path, None, Vec::new()),
        )
        .await
        .map_err(|_| {
            AdminError::Unreachable(format!(
                "{} did not answer within {} s",
                self.target(),
                REMOTE_TIMEOUT.as_secs()
            ))
        })??;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        Err(AdminError::Remote {
            status,
            message: error_message(&body),
        })
    }

    /// Sends one request over the transport; the response with its body unread.
    async fn respond(
        &self,
        method: Method,
        path: &str,
        request_id: Option<&str>,
        body: Vec<u8>,
    ) -> Result<http::Response<hyper::body::Incoming>, AdminError> {
        let unreachable = |e: &dyn std::fmt::Display| AdminError::Unreachable(e.to_string());
        let mut request = Request::builder()
            .method(method)
            .header(http::header::CONTENT_TYPE, "application/json");
        if let Some(id) = request_id {
            request = request.header("x-request-id", id);
        }
        match &self.transport {
            Transport::Socket(socket) => {
                let stream = tokio::net::UnixStream::connect(socket)
                    .await
                    .map_err(|e| unreachable(&e))?;
                let (mut sender, conn) =
                    hyper::client::conn::http1::handshake(TokioIo::new(stream))
                        .await
                        .map_err(|e| unreachable(&e))?;
                tokio::spawn(conn);
                let request = request
                    .uri(path)
                    .header(http::header::HOST, "localhost")
                    .body(Full::new(Bytes::from(body)))
                    .map_err(|e| unreachable(&e))?;
                sender
                    .send_request(request)
                    .await
                    .map_err(|e| unreachable(&e))
            }
            Transport::Http {
                base,
                client,
                authorization,
            } => {
                if let Some(auth) = authorization {
                    request = request.header(http::header::AUTHORIZATION, auth.clone());
                }
                let request = request
                    .uri(format!("{base}{path}"))
                    .body(Full::new(Bytes::from(body)))
                    .map_err(|e| unreachable(&e))?;
                client
                    .request(request)
                    .await
                    .map_err(|e| AdminError::Unreachable(format!("{base}: {}", error_chain(&e))))
            }
        }
    }

    /// One JSON call to the server's management API; an error status is an error.
    pub(super) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<T, AdminError> {
        let (status, bytes) = self
            .send(method, path, None, body.unwrap_or_default())
            .await?;
        if status >= 400 {
            return Err(AdminError::Remote {
                status,
                message: error_message(&bytes),
            });
        }
        serde_json::from_slice(&bytes)
            .map_err(|e| AdminError::Unreachable(format!("bad answer: {e}")))
    }
}

/// The `error.message` of an API error body, else the body as text.
pub(super) fn error_message(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.pointer("/error/message")?.as_str().map(str::to_string))
        .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned())
}

/// hyper's client error says only "client error (Connect)"; the cause says why.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

fn encode(doc: &ProviderDoc) -> Result<Vec<u8>, AdminError> {
    serde_json::to_vec(doc).map_err(|e| AdminError::Invalid(vec![e.to_string()]))
}

#[async_trait]
impl Management for RemoteAdmin {
    async fn list_providers(&self, secrets: bool) -> Result<Vec<ProviderDoc>, AdminError> {
        let list: ProviderList = self
            .call(
                Method::GET,
                &format!("/api/providers?include_secrets={secrets}"),
                None,
            )
            .await?;
        Ok(list.providers)
    }

    async fn get_provider(&self, name: &str, secrets: bool) -> Result<ProviderDoc, AdminError> {
        self.call(
            Method::GET,
            &format!("/api/providers/{name}?include_secrets={secrets}"),
            None,
        )
        .await
    }

    async fn create_provider(&self, doc: ProviderDoc) -> Result<ProviderDoc, AdminError> {
        self.call(Method::POST, "/api/providers", Some(encode(&doc)?))
            .await
    }

    async fn update_provider(&self, doc: ProviderDoc) -> Result<ProviderDoc, AdminError> {
        let path = format!("/api/providers/{}", doc.provider);
        self.call(Method::PUT, &path, Some(encode(&doc)?)).await
    }

    async fn delete_provider(&self, name: &str) -> Result<(), AdminError> {
        let _: serde_json::Value = self
            .call(Method::DELETE, &format!("/api/providers/{name}"), None)
            .await?;
        Ok(())
    }

    async fn provider_health(&self, name: &str) -> Result<super::ProviderHealthDoc, AdminError> {
        self.call(Method::GET, &format!("/api/providers/{name}/health"), None)
            .await
    }
}
