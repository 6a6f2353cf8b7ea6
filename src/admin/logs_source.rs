//! Where `bifrost logs` reads the request log: a running server's `/api/logs` over
//! its unix socket, or the log file itself when no server holds it. Every HTTP call
//! goes through [`LogSource::request`] (and the live tail through
//! [`LogSource::follow`]), so another transport (`--url`) plugs in there.

use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::Method;
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;

use super::logs::{self, LogList, LogStats};
use super::{AdminError, RemoteAdmin, SOCKET_NAME};
use crate::store::{LogKey, LogRecord, LogStore};

/// A reader of the request log.
pub enum LogSource {
    /// A running server, through its management API; the local socket's path when it
    /// is the local server (`--follow` streams over it).
    Server(RemoteAdmin, Option<std::path::PathBuf>),
    /// The log file of a stopped server.
    File(Arc<LogStore>),
}

/// `params` as a query string.
pub fn query_string(params: &[(String, String)]) -> String {
    params
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, NON_ALPHANUMERIC),
                utf8_percent_encode(v, NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

impl LogSource {
    /// A server at a URL (`--url`), through its management API.
    pub fn remote(server: RemoteAdmin) -> LogSource {
        LogSource::Server(server, None)
    }

    /// The running server of `data_dir` when one answers, else its log file.
    pub async fn open(data_dir: &Path) -> Result<LogSource, AdminError> {
        let socket = data_dir.join(SOCKET_NAME);
        if let Some(remote) = RemoteAdmin::connect(&socket).await {
            return Ok(LogSource::Server(remote, Some(socket)));
        }
        let dir = data_dir.to_path_buf();
        let store = tokio::task::spawn_blocking(move || LogStore::open(&dir))
            .await
            .map_err(|e| AdminError::Unreachable(e.to_string()))??;
        Ok(LogSource::File(Arc::new(store)))
    }

    /// One call to the server's log API: status and body.
    pub async fn request(&self, method: Method, path: &str) -> Result<(u16, Bytes), AdminError> {
        match self {
            LogSource::Server(remote, _) => remote.send(method, path, None, Vec::new()).await,
            LogSource::File(_) => Err(AdminError::Unreachable(
                "no server is running on this data dir".into(),
            )),
        }
    }

    async fn call<T: DeserializeOwned>(&self, path: &str) -> Result<T, AdminError> {
        let (status, body) = self.request(Method::GET, path).await?;
        if status >= 400 {
            let message = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.pointer("/error/message")?.as_str().map(str::to_string))
                .unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned());
            return Err(AdminError::Remote { status, message });
        }
        serde_json::from_slice(&body)
            .map_err(|e| AdminError::Unreachable(format!("bad answer: {e}")))
    }

    /// `GET /api/logs` with `params`.
    pub async fn list(&self, params: &[(String, String)]) -> Result<LogList, AdminError> {
        match self {
            LogSource::Server(..) => {
                self.call(&format!("/api/logs?{}", query_string(params)))
                    .await
            }
            LogSource::File(store) => {
                let q = parse(params)?;
                blocking(store, move |s| logs::list(s, &q)).await
            }
        }
    }

    /// `GET /api/logs/stats` with `params`.
    pub async fn stats(&self, params: &[(String, String)]) -> Result<LogStats, AdminError> {
        match self {
            LogSource::Server(..) => {
                self.call(&format!("/api/logs/stats?{}", query_string(params)))
                    .await
            }
            LogSource::File(store) => {
                let q = parse(params)?;
                blocking(store, move |s| logs::stats(s, &q, now_us())).await
            }
        }
    }

    /// `GET /api/logs/{id}`; `None` when there is no such record.
    pub async fn get(&self, id: &str) -> Result<Option<LogRecord>, AdminError> {
        match self {
            LogSource::Server(..) => {
                let path = format!("/api/logs/{}", utf8_percent_encode(id, NON_ALPHANUMERIC));
                match self.call(&path).await {
                    Ok(r) => Ok(Some(r)),
                    Err(AdminError::Remote { status: 404, .. }) => Ok(None),
                    Err(e) => Err(e),
                }
            }
            LogSource::File(store) => {
                let id = id.to_string();
                blocking(store, move |s| s.get(&id)).await
            }
        }
    }

    /// The next `limit` records matching `params`, oldest first, after the page
    /// `cursor` ended at (an export's pages), moving the cursor past them.
    pub async fn export_page(
        &self,
        params: &[(String, String)],
        cursor: &mut ExportCursor,
        limit: usize,
    ) -> Result<Vec<LogRecord>, AdminError> {
        match self {
            LogSource::Server(..) => {
                let mut p = params.to_vec();
                p.push(("order".into(), "asc".into()));
                p.push(("limit".into(), limit.to_string()));
                p.push(("offset".into(), cursor.offset.to_string()));
                let page = self.list(&p).await?;
                cursor.offset += page.logs.len();
                Ok(page.logs)
            }
            LogSource::File(store) => {
                let q = parse(params)?;
                let after = cursor.after;
                let page = blocking(store, move |s| s.scan(&q.filter, after, limit, false)).await?;
                cursor.after = page.last().map(|(k, _)| *k).or(after);
                Ok(page.into_iter().map(|(_, r)| r).collect())
            }
        }
    }

    /// The live feed of new records matching `params`: the open SSE response of a
    /// running server (`GET /api/logs/stream`).
    pub async fn follow(
        &self,
        params: &[(String, String)],
    ) -> Result<http::Response<hyper::body::Incoming>, AdminError> {
        let socket = match self {
            LogSource::Server(_, Some(socket)) => socket,
            LogSource::Server(_, None) => {
                return Err(AdminError::Unreachable(
                    "--follow works on this machine's server only (not yet with --url): run it on the server's machine".into(),
                ))
            }
            LogSource::File(_) => {
                return Err(AdminError::Unreachable(
                    "--follow needs a running server: start `bifrost serve` on this data dir"
                        .into(),
                ))
            }
        };
        let unreachable = |e: &dyn std::fmt::Display| AdminError::Unreachable(e.to_string());
        let stream = tokio::net::UnixStream::connect(socket)
            .await
            .map_err(|e| unreachable(&e))?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| unreachable(&e))?;
        tokio::spawn(conn);
        let request = http::Request::get(format!("/api/logs/stream?{}", query_string(params)))
            .header(http::header::HOST, "localhost")
            .header(http::header::ACCEPT, "text/event-stream")
            .body(http_body_util::Empty::<Bytes>::new())
            .map_err(|e| unreachable(&e))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| unreachable(&e))?;
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
            message: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}

/// Where an export has got to.
#[derive(Debug, Default)]
pub struct ExportCursor {
    offset: usize,
    after: Option<LogKey>,
}

fn parse(params: &[(String, String)]) -> Result<logs::LogQuery, AdminError> {
    logs::parse_query(params).map_err(|e| AdminError::Invalid(vec![e.to_string()]))
}

async fn blocking<T: Send + 'static>(
    store: &Arc<LogStore>,
    f: impl FnOnce(&LogStore) -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, AdminError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| AdminError::Unreachable(e.to_string()))?
        .map_err(AdminError::from)
}

/// Now, in microseconds since the epoch.
pub fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}
