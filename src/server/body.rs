//! Reading a request body: bounded in size (413) and in time (408), decoded from its
//! `Content-Encoding` (gzip, br, zstd) with the size limit applied to the decoded body;
//! JSON is decoded with the position of the first problem (400). Shared by every handler
//! that takes a body, multipart forms included, so every route gets the same limits.

pub(crate) mod encoding;

use axum::body::Body;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use self::encoding::{Decoder, EncodingError};
use super::{ApiError, AppState};
use crate::schema::decode;

/// Decoded output produced on the async worker before the rest moves to a blocking
/// thread. Most compressed requests are small and finish within it without a thread
/// hop; a large or hostile one holds the worker for at most this much decoding (tens
/// of microseconds) and then runs where it cannot stall other connections. The
/// compressed size says little about the work (zstd and brotli reach ratios of 1000:1
/// and more), so the budget is counted in output.
const INLINE_DECODE_BYTES: usize = 64 * 1024;

/// Reads and decodes a JSON body under the configured size and time limits.
pub async fn read_json<T: DeserializeOwned>(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<T, ApiError> {
    let bytes = read_bytes(state, headers, body).await?;
    Ok(decode(&bytes)?)
}

/// Reads a whole body under the configured size and time limits, undoing its
/// `Content-Encoding`. An unknown coding is refused (415) before the body is read.
pub async fn read_bytes(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Bytes, ApiError> {
    let codings = encoding::codings(headers).map_err(|e| encoding_error(state, e))?;
    let raw = read_raw(state, body).await?;
    if codings.is_empty() {
        return Ok(raw);
    }
    let limit = state.body_limit_bytes();
    let mut decoder = Decoder::new(&codings, raw, limit).map_err(|e| encoding_error(state, e))?;
    let done = decoder
        .step(INLINE_DECODE_BYTES)
        .map_err(|e| encoding_error(state, e))?;
    if done {
        return Ok(decoder.finish());
    }
    let rest = tokio::task::spawn_blocking(move || {
        decoder.step(usize::MAX)?;
        Ok::<_, EncodingError>(decoder.finish())
    });
    match rest.await {
        Ok(decoded) => decoded.map_err(|e| encoding_error(state, e)),
        Err(e) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            format!("decoding the request body failed: {e}"),
        )),
    }
}

/// The body as sent, under the size limit (a compressed body larger than the limit
/// cannot decode to less) and the time limit.
async fn read_raw(state: &AppState, body: Body) -> Result<Bytes, ApiError> {
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

fn encoding_error(state: &AppState, e: EncodingError) -> ApiError {
    match e {
        EncodingError::Unsupported(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_request_error",
            e.to_string(),
        )
        .code("unsupported_content_encoding"),
        EncodingError::Corrupt { .. } => ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            e.to_string(),
        )
        .code("invalid_content_encoding"),
        EncodingError::TooLarge => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request_error",
            format!(
                "the request body, once decoded from its Content-Encoding, is larger than \
                 {} MiB (client.max_request_body_size_mb)",
                state.body_limit_mb()
            ),
        )
        .code("request_too_large"),
    }
}
