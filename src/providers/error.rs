//! What can go wrong talking to an upstream, and which failures move on to the next key.

use std::time::Duration;

use crate::config::SecretError;

/// Which timeout fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutPhase {
    /// No response headers in time.
    FirstByte,
    /// A stream went silent for too long.
    StreamIdle,
    /// The whole exchange took too long.
    Total,
}

impl TimeoutPhase {
    /// The `network` setting that controls this timeout.
    pub fn setting(self) -> &'static str {
        match self {
            TimeoutPhase::FirstByte => "first_byte_timeout_secs",
            TimeoutPhase::StreamIdle => "stream_idle_timeout_secs",
            TimeoutPhase::Total => "total_timeout_secs",
        }
    }
}

/// A failed upstream call.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ProviderError {
    /// No connection could be made.
    #[error("cannot connect to the upstream: {0}")]
    Connect(String),
    /// The connection failed during the exchange.
    #[error("the upstream connection failed: {0}")]
    Transport(String),
    /// A timeout fired.
    #[error("the upstream did not answer within {after:?} ({phase_setting} in the provider's network settings)", phase_setting = phase.setting())]
    Timeout {
        /// Which one.
        phase: TimeoutPhase,
        /// Its length.
        after: Duration,
    },
    /// The upstream answered with an error status.
    #[error("the upstream answered {status}: {message}")]
    Status {
        /// HTTP status.
        status: u16,
        /// The upstream's own error message.
        message: String,
        /// `Retry-After`, when sent.
        retry_after: Option<String>,
    },
    /// The upstream answered something that is not the expected format.
    #[error("the upstream sent an invalid response: {0}")]
    InvalidResponse(String),
    /// The key cannot be used (e.g. its environment variable is unset).
    #[error("{0}")]
    Key(#[from] SecretError),
    /// This provider type does not offer the operation, or cannot express the request
    /// (such as a model id that cannot be one segment of its URL, see `path`). Nothing
    /// was sent upstream, so the server answers 400 and tries no other key.
    #[error("{0}")]
    Unsupported(String),
    /// The provider cannot honour one parameter of the request. Refused before anything
    /// is sent upstream, and named, so that `[client.compat] should_drop_params` can
    /// remove it from the request and try again.
    #[error("{message}")]
    UnsupportedParam {
        /// The request member refused (a top-level key of the request, e.g. `logit_bias`).
        param: String,
        /// The full explanation for the client, naming the parameter and the provider.
        message: String,
    },
}

impl ProviderError {
    /// The refusal of request parameter `param`, explained by `message`.
    pub fn unsupported_param(param: &str, message: String) -> ProviderError {
        ProviderError::UnsupportedParam {
            param: param.to_string(),
            message,
        }
    }

    /// A refusal (`Unsupported` or `UnsupportedParam`) with its text passed through
    /// `reword`, for adapters that reuse another's translation (Vertex names itself
    /// where the anthropic or gemini translation named its own type).
    pub fn reword_refusal(self, reword: impl Fn(&str) -> String) -> ProviderError {
        match self {
            ProviderError::Unsupported(m) => ProviderError::Unsupported(reword(&m)),
            ProviderError::UnsupportedParam { param, message } => ProviderError::UnsupportedParam {
                param,
                message: reword(&message),
            },
            other => other,
        }
    }

    /// The same error with every occurrence of `secret` in its text replaced by `mask`.
    pub fn redact(self, secret: &str, mask: &str) -> ProviderError {
        if secret.is_empty() {
            return self;
        }
        let clean = |s: String| {
            if s.contains(secret) {
                s.replace(secret, mask)
            } else {
                s
            }
        };
        match self {
            ProviderError::Status {
                status,
                message,
                retry_after,
            } => ProviderError::Status {
                status,
                message: clean(message),
                retry_after,
            },
            ProviderError::InvalidResponse(m) => ProviderError::InvalidResponse(clean(m)),
            ProviderError::Transport(m) => ProviderError::Transport(clean(m)),
            ProviderError::Connect(m) => ProviderError::Connect(clean(m)),
            other => other,
        }
    }

    /// The upstream's HTTP status, when it answered with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ProviderError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True when another key (or a later attempt) might succeed where this one failed:
    /// auth and quota problems are per key, 5xx and connection errors are per attempt.
    pub fn tries_next_key(&self) -> bool {
        match self {
            ProviderError::Connect(_) | ProviderError::Transport(_) | ProviderError::Key(_) => true,
            ProviderError::Status { status, .. } => {
                matches!(status, 401 | 403 | 429) || *status >= 500
            }
            _ => false,
        }
    }
}
