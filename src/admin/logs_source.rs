//! Where `bifrost logs` reads the request log: a running server's `/api/logs` (through
//! the management client the CLI chose: the local socket or `--url`), or the log file
//! itself when no server holds it. Every HTTP call goes through
//! [`LogSource::request`], and the live tail through [`LogSource::follow`].

use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::Method;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;

use super::logs::{self, LogList, LogStats};
use super::{AdminError, RemoteAdmin};
use crate::store::{Compaction, LogKey, LogRecord, LogStore};

/// A reader of the request log.
pub enum LogSource {
    /// A running server, through its management API.
    Server(RemoteAdmin),
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
    /// The log file in `data_dir`, for reading a stopped server's log (the caller has
    /// found no server to ask: `cli::backend` picks the transport).
    pub async fn file(data_dir: &Path) -> Result<LogSource, AdminError> {
        let dir = data_dir.to_path_buf();
        let store = tokio::task::spawn_blocking(move || LogStore::open(&dir))
            .await
            .map_err(|e| AdminError::Unreachable(e.to_string()))??;
        Ok(LogSource::File(Arc::new(store)))
    }

    /// One call to the server's log API: status and body.
    pub async fn request(&self, method: Method, path: &str) -> Result<(u16, Bytes), AdminError> {
        match self {
            LogSource::Server(remote) => remote.send(method, path, None, Vec::new()).await,
            LogSource::File(_) => Err(AdminError::Unreachable(
                "no server is running on this data dir".into(),
            )),
        }
    }

    async fn call<T: DeserializeOwned>(&self, path: &str) -> Result<T, AdminError> {
        let (status, body) = self.request(Method::GET, path).await?;
        if status >= 400 {
            return Err(AdminError::Remote {
                status,
                message: super::remote::error_message(&body),
            });
        }
        serde_json::from_slice(&body)
            .map_err(|e| AdminError::Unreachable(format!("bad answer: {e}")))
    }

    /// `GET /api/logs` with `params`.
    pub async fn list(&self, params: &[(String, String)]) -> Result<LogList, AdminError> {
        match self {
            LogSource::Server(_) => {
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
            LogSource::Server(_) => {
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
            LogSource::Server(_) => {
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
    /// `cursor` ended at (an export's pages), with their content when `content`,
    /// moving the cursor past them.
    pub async fn export_page(
        &self,
        params: &[(String, String)],
        cursor: &mut ExportCursor,
        limit: usize,
        content: bool,
    ) -> Result<Vec<LogRecord>, AdminError> {
        match self {
            LogSource::Server(_) => {
                let mut p = params.to_vec();
                p.push(("content".into(), content.to_string()));
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
                let page =
                    blocking(store, move |s| s.scan(&q.filter, after, limit, content)).await?;
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
        match self {
            LogSource::Server(remote) => {
                remote
                    .open_stream(&format!("/api/logs/stream?{}", query_string(params)))
                    .await
            }
            LogSource::File(_) => Err(AdminError::Unreachable(
                "--follow needs a running server: start `bifrost serve` on this data dir, or name one with --url".into(),
            )),
        }
    }

    /// Compacts the log file now (`POST /api/logs/compact`, or the file itself).
    pub async fn compact(&self) -> Result<Compaction, AdminError> {
        match self {
            LogSource::Server(remote) => remote.call(Method::POST, "/api/logs/compact", None).await,
            LogSource::File(store) => {
                blocking(store, |s| s.compact(std::time::Duration::from_secs(5))).await
            }
        }
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
