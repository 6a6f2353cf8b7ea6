//! Errors in Anthropic's shape: `{"type":"error","error":{"type":..,"message":..}}`.
//!
//! The status is whatever [`ApiError`] decided (this module never re-decides it); only
//! the `type` is derived from the status, with Anthropic's table.

use axum::response::Response;
use bytes::Bytes;
use http::StatusCode;
use serde_json::json;

use crate::server::ApiError;

/// Anthropic's error `type` for an HTTP status.
pub fn error_type(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        504 => "timeout_error",
        529 => "overloaded_error",
        s if s < 500 => "invalid_request_error",
        _ => "api_error",
    }
}

/// The error body.
pub fn body(e: &ApiError) -> serde_json::Value {
    json!({
        "type": "error",
        "error": {"type": error_type(e.status), "message": e.message},
    })
}

/// The error response: `e`'s status and `Retry-After`, Anthropic's body.
pub fn render(e: ApiError) -> Response {
    e.respond_with(body(&e))
}

/// The `error` event that ends a stream cut short. Its `type` is the status's, so an
/// upstream that died mid-way (502) reads as `api_error`.
pub fn event(e: &ApiError) -> Bytes {
    super::stream::named_event("error", &body(e))
}

/// Why a request cannot be translated; answered as a 400 `invalid_request_error`.
/// Small on purpose: the translation returns it through many `?`s.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct Untranslatable(pub String);

impl From<Untranslatable> for ApiError {
    fn from(e: Untranslatable) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_request_error", e.0).code("unsupported")
    }
}

/// The error for a request this route cannot translate.
pub fn invalid(message: impl Into<String>) -> Untranslatable {
    Untranslatable(message.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_follow_anthropics_table() {
        for (status, kind) in [
            (400, "invalid_request_error"),
            (401, "authentication_error"),
            (403, "permission_error"),
            (404, "not_found_error"),
            (408, "invalid_request_error"),
            (413, "request_too_large"),
            (429, "rate_limit_error"),
            (500, "api_error"),
            (502, "api_error"),
            (529, "overloaded_error"),
        ] {
            assert_eq!(error_type(StatusCode::from_u16(status).unwrap()), kind);
        }
    }

    #[test]
    fn the_body_keeps_status_and_message() {
        let mut e = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limit_error", "slow");
        e.retry_after = Some("7".into());
        let r = render(e);
        assert_eq!(r.status(), 429);
        assert_eq!(r.headers()["retry-after"], "7");
    }
}
