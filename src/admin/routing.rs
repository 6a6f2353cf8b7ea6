//! Routing-rule management and `route explain`, shared by the CLI (on the store, or
//! through a running server's socket) and the HTTP API, like the provider operations.
//!
//! Rules cross this interface as JSON bodies (the reference's rule object), decoded
//! and checked by the local implementation only, so nothing unvalidated is stored.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::AdminError;
use crate::config::{quote, RoutingRule};
use crate::routing::Explanation;
use crate::store::StoreError;

/// Why a routing operation failed; the HTTP API maps each variant to a status.
#[derive(Debug, thiserror::Error)]
pub enum RoutingError {
    /// No rule with that id or name (404).
    #[error("routing rule {} does not exist (see `bifrost route list`)", quote(.0))]
    NotFound(String),
    /// The name is taken, or the rule belongs to `bifrost.toml` (409).
    #[error("{0}")]
    Conflict(String),
    /// The request is not valid; each entry names the field and the fix (400).
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
    /// The store failed (500).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The running server answered with an error.
    #[error("{message}")]
    Remote {
        /// HTTP status from the server.
        status: u16,
        /// Its message.
        message: String,
    },
    /// The running server could not be reached or answered nonsense.
    #[error("cannot talk to the running bifrost server: {0}")]
    Unreachable(String),
}

impl RoutingError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            RoutingError::NotFound(_) => 404,
            RoutingError::Conflict(_) => 409,
            RoutingError::Invalid(_) => 400,
            RoutingError::Remote { status, .. } => *status,
            RoutingError::Store(_) | RoutingError::Unreachable(_) => 500,
        }
    }
}

impl From<AdminError> for RoutingError {
    fn from(e: AdminError) -> Self {
        match e {
            AdminError::Remote { status, message } => RoutingError::Remote { status, message },
            AdminError::Invalid(v) => RoutingError::Invalid(v),
            AdminError::Store(s) => RoutingError::Store(s),
            other => RoutingError::Unreachable(other.to_string()),
        }
    }
}

/// A dry-run request for `route explain`: the facts rules would see.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplainRequest {
    /// The model the request names.
    pub model: String,
    /// Request headers, by name.
    #[serde(default)]
    pub headers: indexmap::IndexMap<String, String>,
    /// A virtual key, by name or id: its id, team and customer become rule facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_key: Option<String>,
    /// The reference's request type; `chat_completion` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_type: Option<String>,
    /// The request body, for rules on `params`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Value>,
}

/// The routing operations every management path offers. Rules are addressed by id or
/// by name; rules from `bifrost.toml` are listed but changed only in the file.
#[async_trait]
pub trait RoutingAdmin: Send + Sync {
    /// Every rule: the file's, then the API's oldest first.
    async fn list_rules(&self) -> Result<Vec<RoutingRule>, RoutingError>;
    /// One rule.
    async fn get_rule(&self, id: &str) -> Result<RoutingRule, RoutingError>;
    /// Creates a rule from the reference's rule object.
    async fn create_rule(&self, body: Value) -> Result<RoutingRule, RoutingError>;
    /// Changes the fields `patch` names.
    async fn update_rule(&self, id: &str, patch: Value) -> Result<RoutingRule, RoutingError>;
    /// Deletes a rule.
    async fn delete_rule(&self, id: &str) -> Result<(), RoutingError>;
    /// Where a request would go, and why, without sending it.
    async fn explain(&self, request: ExplainRequest) -> Result<Explanation, RoutingError>;
}
