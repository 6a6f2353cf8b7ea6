//! Management through a running server's unix socket. redb allows one process per
//! file, so while `bifrost serve` holds the store the CLI asks the server instead; the
//! socket is mode 0600 in the data dir, so file permissions are the credential.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use bytes::Bytes;
use http::{Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::{AdminError, Management, ProviderDoc};

/// A client for the management API on the local socket.
pub struct RemoteAdmin {
    socket: PathBuf,
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
            socket: socket.to_path_buf(),
        })
    }

    /// One raw request over the socket (an inference call through the running server's
    /// pipeline, with its `request_id`): the status and body, whatever the status.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        request_id: Option<&str>,
        body: Vec<u8>,
    ) -> Result<(u16, Bytes), AdminError> {
        let unreachable = |e: &dyn std::fmt::Display| AdminError::Unreachable(e.to_string());
        let stream = tokio::net::UnixStream::connect(&self.socket)
            .await
            .map_err(|e| unreachable(&e))?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| unreachable(&e))?;
        tokio::spawn(conn);
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(http::header::HOST, "localhost")
            .header(http::header::CONTENT_TYPE, "application/json");
        if let Some(id) = request_id {
            request = request.header("x-request-id", id);
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| unreachable(&e))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| unreachable(&e))?;
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| unreachable(&e))?
            .to_bytes();
        Ok((status, bytes))
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
            let message = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v.pointer("/error/message")?.as_str().map(str::to_string))
                .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
            return Err(AdminError::Remote { status, message });
        }
        serde_json::from_slice(&bytes)
            .map_err(|e| AdminError::Unreachable(format!("bad answer: {e}")))
    }
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
