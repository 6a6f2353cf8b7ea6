//! Reading a request body: bounded in size (413) and in time (408); JSON is decoded
//! with the position of the first problem (400). Shared by every handler that takes a
//! body, multipart forms included.

use axum::body::Body;
use bytes::Bytes;
use http::StatusCode;
use serde::de::DeserializeOwned;

use super::{ApiError, AppState};
use crate::schema::decode;

/// Reads and decodes a JSON body under the configured size and time limits.
pub async fn read_json<T: DeserializeOwned>(state: &AppState, body: Body) -> Result<T, ApiError> {
    let bytes = read_bytes(state, body).await?;
    Ok(decode(&bytes)?)
}

/// Reads a whole body under the configured size and time limits.
pub async fn read_bytes(state: &AppState, body: Body) -> Result<Bytes, ApiError> {
    let limit = state.body_limit_bytes();
    let read = tokio::time::timeout(state.body_timeout(), axum::body::to_bytes(body, limit));
    let bytes = read.await.map_err(|_| {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "invalid_request_error",
            format!(
                "the request body did not arrive within {} s (client.request_body_timeout_secs)",
                state.body_timeout().as_secs()
            ),
        )
        .code("request_body_timeout")
    })?;
    let bytes = bytes.map_err(|e| {
        let too_large = std::error::Error::source(&e)
            .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if too_large {
            ApiError::too_large(state.body_limit_mb())
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                format!("cannot read request body: {e}"),
            )
        }
    })?;
    Ok(bytes)
}
