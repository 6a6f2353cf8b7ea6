//! The one API error type at the HTTP edge: it owns status codes and the OpenAI-shaped
//! JSON every SDK can parse, plus the reference gateway's `extra_fields`.

use std::borrow::Cow;

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode};
use serde_json::json;

use crate::admin::AdminError;
use crate::providers::ProviderError;
use crate::routing::{DispatchError, RouteError};
use crate::schema::DecodeError;

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// What is wrong and how to fix it.
    pub message: String,
    /// OpenAI `type`.
    pub kind: Cow<'static, str>,
    /// OpenAI `code`.
    pub code: Option<&'static str>,
    /// The offending parameter.
    pub param: Option<String>,
    /// Upstream `Retry-After`, passed on.
    pub retry_after: Option<String>,
    /// More headers to send with it (governance's `x-ratelimit-*`, `Retry-After`).
    pub headers: Vec<(&'static str, String)>,
    /// Request context for `extra_fields`.
    pub context: ErrorContext,
}

/// What the request was, when the error happened.
#[derive(Debug, Clone, Default)]
pub struct ErrorContext {
    /// Provider chosen.
    pub provider: Option<String>,
    /// Model named by the client.
    pub model_requested: Option<String>,
    /// Model sent upstream.
    pub model_resolved: Option<String>,
    /// Endpoint.
    pub request_type: Option<&'static str>,
}

impl ApiError {
    /// A new error with no context.
    pub fn new(
        status: StatusCode,
        kind: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            message: message.into(),
            kind: kind.into(),
            code: None,
            param: None,
            retry_after: None,
            headers: Vec::new(),
            context: ErrorContext::default(),
        }
    }

    /// Sets the `code`.
    pub fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// 404 for an unknown route.
    pub fn no_route(method: &http::Method, path: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            format!("no route for {method} {}; inference routes live under /v1 (also /openai/v1 and /openai), management under /api", crate::config::quote(path)),
        )
        .code("unknown_route")
    }

    /// 405 for a known path with the wrong method.
    pub fn wrong_method(method: &http::Method, path: &str) -> Self {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request_error",
            format!("{method} is not allowed on {}", crate::config::quote(path)),
        )
        .code("method_not_allowed")
    }

    /// 413 for a body over the limit.
    pub fn too_large(limit_mb: u64) -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request_error",
            format!("request body is larger than {limit_mb} MiB (client.max_request_body_size_mb)"),
        )
        .code("request_too_large")
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        json!({
            "error": {
                "message": self.message,
                "type": self.kind,
                "code": self.code,
                "param": self.param,
            },
            "extra_fields": {
                "provider": self.context.provider,
                "model_requested": self.context.model_requested,
                "model_resolved": self.context.model_resolved,
                "request_type": self.context.request_type,
            }
        })
    }
}

impl ApiError {
    /// This error's status and `Retry-After` with `body`, the error body of whichever
    /// wire format the route speaks (OpenAI's here, each SDK's on the drop-in routes).
    pub fn respond_with(&self, body: serde_json::Value) -> Response {
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(v) = self
            .retry_after
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            response.headers_mut().insert(http::header::RETRY_AFTER, v);
        }
        for (name, value) in &self.headers {
            if let Ok(v) = HeaderValue::from_str(value) {
                response.headers_mut().insert(*name, v);
            }
        }
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.respond_with(self.body())
    }
}

impl From<DecodeError> for ApiError {
    fn from(e: DecodeError) -> Self {
        let code = if e.syntax {
            "invalid_json"
        } else {
            "invalid_field"
        };
        let mut err = ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            e.to_string(),
        )
        .code(code);
        err.param = e.param().map(str::to_string);
        err
    }
}

impl From<RouteError> for ApiError {
    fn from(e: RouteError) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            e.to_string(),
        )
        .code("model_not_found")
    }
}

impl From<DispatchError> for ApiError {
    fn from(e: DispatchError) -> Self {
        let message = e.to_string();
        let provider = match &e {
            DispatchError::QueueFull { provider }
            | DispatchError::NoKeys { provider }
            | DispatchError::NoKeyForModel { provider, .. }
            | DispatchError::Unavailable { provider, .. }
            | DispatchError::Refused { provider, .. }
            | DispatchError::Failed { provider, .. } => provider.clone(),
        };
        let retry_in = e.retry_in();
        let mut err = match e {
            DispatchError::QueueFull { .. } => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limit_error", message)
                    .code("queue_full")
            }
            DispatchError::NoKeys { .. } => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "server_error", message)
                    .code("provider_has_no_keys")
            }
            DispatchError::Unavailable { .. } => {
                let mut e = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "server_error", message)
                    .code("circuit_open");
                e.retry_after = retry_in.map(|d| d.as_millis().div_ceil(1000).max(1).to_string());
                e
            }
            DispatchError::Refused {
                status,
                kind,
                headers,
                ..
            } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN);
                let mut e = ApiError::new(status, kind, message);
                e.headers = headers;
                e
            }
            DispatchError::NoKeyForModel { .. } => {
                ApiError::new(StatusCode::NOT_FOUND, "invalid_request_error", message)
                    .code("model_not_found")
            }
            DispatchError::Failed {
                error, attempts, ..
            } => upstream(&error, &attempts, message),
        };
        err.context.provider = Some(provider);
        err
    }
}

fn upstream(
    last: &ProviderError,
    attempts: &[crate::routing::KeyFailure],
    message: String,
) -> ApiError {
    let all_429 = !attempts.is_empty()
        && attempts
            .iter()
            .all(|a| matches!(a.error, ProviderError::Status { status: 429, .. }));
    match last {
        ProviderError::Status {
            status: 429,
            retry_after,
            ..
        } if all_429 => {
            let mut e = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limit_error", message)
                .code("upstream_rate_limited");
            e.retry_after = retry_after.clone();
            e
        }
        ProviderError::Status { status, .. } if !last.tries_next_key() => {
            let code = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY);
            ApiError::new(code, "invalid_request_error", message).code("upstream_rejected")
        }
        ProviderError::Timeout { .. } => {
            ApiError::new(StatusCode::GATEWAY_TIMEOUT, "timeout_error", message)
                .code("upstream_timeout")
        }
        ProviderError::Unsupported(_) => {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_request_error", message)
                .code("unsupported")
        }
        ProviderError::UnsupportedParam { param, .. } => {
            let mut e = ApiError::new(StatusCode::BAD_REQUEST, "invalid_request_error", message)
                .code("unsupported");
            e.param = Some(param.clone());
            e
        }
        _ => ApiError::new(StatusCode::BAD_GATEWAY, "upstream_error", message)
            .code("upstream_failed"),
    }
}

impl From<AdminError> for ApiError {
    fn from(e: AdminError) -> Self {
        let (status, kind) = match &e {
            AdminError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AdminError::NoLiveHealth => (StatusCode::SERVICE_UNAVAILABLE, "server_error"),
            AdminError::AlreadyExists(_) => (StatusCode::CONFLICT, "conflict"),
            AdminError::Invalid(_) => (StatusCode::BAD_REQUEST, "invalid_request_error"),
            AdminError::Remote { status, .. } => (
                StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY),
                "server_error",
            ),
            AdminError::Store(_) | AdminError::Unreachable(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "server_error")
            }
        };
        ApiError::new(status, kind, e.to_string())
    }
}
