//! Governance management (virtual keys, teams, customers, usage), shared by the CLI
//! and the HTTP API like the provider operations.
//!
//! Objects cross this interface as JSON, the one shape the HTTP API, the unix socket
//! and `--json` all speak; the local implementation decodes and validates them into
//! the typed `governance` model, so nothing unvalidated reaches the store.

use async_trait::async_trait;
use serde_json::{json, Value};

use super::AdminError;
use crate::store::StoreError;

/// The three kinds of governance object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Virtual keys.
    VirtualKey,
    /// Teams.
    Team,
    /// Customers.
    Customer,
}

impl Kind {
    /// The API path segment (`virtual-keys`).
    pub fn path(self) -> &'static str {
        match self {
            Kind::VirtualKey => "virtual-keys",
            Kind::Team => "teams",
            Kind::Customer => "customers",
        }
    }

    /// The JSON wrapper of one object (`virtual_key`).
    pub fn one(self) -> &'static str {
        match self {
            Kind::VirtualKey => "virtual_key",
            Kind::Team => "team",
            Kind::Customer => "customer",
        }
    }

    /// The JSON wrapper of a list (`virtual_keys`).
    pub fn many(self) -> &'static str {
        match self {
            Kind::VirtualKey => "virtual_keys",
            Kind::Team => "teams",
            Kind::Customer => "customers",
        }
    }

    /// How messages name it (`virtual key`).
    pub fn noun(self) -> &'static str {
        match self {
            Kind::VirtualKey => "virtual key",
            Kind::Team => "team",
            Kind::Customer => "customer",
        }
    }

    /// The CLI command group (`vk`).
    pub fn command(self) -> &'static str {
        match self {
            Kind::VirtualKey => "vk",
            Kind::Team => "team",
            Kind::Customer => "customer",
        }
    }
}

/// Why a governance operation failed; the HTTP API maps each variant to a status.
#[derive(Debug, thiserror::Error)]
pub enum GovernanceError {
    /// No object with that id or name (404).
    #[error("{} `{name}` does not exist (see `bifrost {} list`)", .kind.noun(), .kind.command())]
    NotFound {
        /// Its kind.
        kind: Kind,
        /// The id or name asked for.
        name: String,
    },
    /// The name is taken (409).
    #[error("{0}")]
    Conflict(String),
    /// The request is not valid; each entry names the field and the fix (400).
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
    /// The store failed (500).
    #[error(transparent)]
    Store(StoreError),
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

impl From<StoreError> for GovernanceError {
    fn from(e: StoreError) -> Self {
        match e {
            e @ StoreError::NameTaken { .. } => GovernanceError::Conflict(e.to_string()),
            e => GovernanceError::Store(e),
        }
    }
}

impl From<AdminError> for GovernanceError {
    fn from(e: AdminError) -> Self {
        match e {
            AdminError::Remote { status, message } => GovernanceError::Remote { status, message },
            AdminError::Invalid(v) => GovernanceError::Invalid(v),
            AdminError::Store(s) => s.into(),
            other => GovernanceError::Unreachable(other.to_string()),
        }
    }
}

impl GovernanceError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            GovernanceError::NotFound { .. } => 404,
            GovernanceError::Conflict(_) => 409,
            GovernanceError::Invalid(_) => 400,
            GovernanceError::Remote { status, .. } => *status,
            GovernanceError::Store(_) | GovernanceError::Unreachable(_) => 500,
        }
    }
}

/// Governance operations every management path offers. Objects are addressed by id
/// or by name; secrets (`value`) appear only in what `create` and `rotate` return.
#[async_trait]
pub trait Governance: Send + Sync {
    /// Every object of a kind, oldest first.
    async fn list(&self, kind: Kind) -> Result<Vec<Value>, GovernanceError>;
    /// One object.
    async fn get(&self, kind: Kind, id: &str) -> Result<Value, GovernanceError>;
    /// Creates an object from the reference's create body; a key comes back with its value.
    async fn create(&self, kind: Kind, body: Value) -> Result<Value, GovernanceError>;
    /// Changes the fields `patch` names (`null` removes one).
    async fn update(&self, kind: Kind, id: &str, patch: Value) -> Result<Value, GovernanceError>;
    /// Deletes an object and its usage.
    async fn delete(&self, kind: Kind, id: &str) -> Result<(), GovernanceError>;
    /// Gives a key a new value (returned once); the old one stops working.
    async fn rotate(&self, id: &str) -> Result<Value, GovernanceError>;
    /// A key's limits and use at every level it counts against.
    async fn usage(&self, id: &str) -> Result<Value, GovernanceError>;
    /// Writes a batch of customers, teams and keys in the store's shape (ids, key
    /// digests; see [`super::import_body`]), all or nothing: `config import --apply`.
    async fn import(&self, batch: Value) -> Result<Value, GovernanceError>;
}

/// One entry of a virtual key's `provider_configs` from `NAME[:WEIGHT[:MODEL,MODEL...]]`
/// (e.g. `openai:0.8:gpt-4o,gpt-4o-mini`): `bifrost vk --provider` and the dashboard's
/// key form read it alike, with the same messages.
pub fn parse_provider(s: &str) -> Result<Value, String> {
    let mut parts = s.splitn(3, ':');
    let provider = parts.next().unwrap_or_default();
    if provider.is_empty() {
        return Err(format!(
            "`{s}` names no provider; use NAME[:WEIGHT[:MODEL,...]], e.g. openai:0.8:gpt-4o"
        ));
    }
    let weight = match parts.next() {
        None | Some("") => 1.0,
        Some(w) => match w.parse::<f64>() {
            Ok(w) if w.is_finite() && w >= 0.0 => w,
            _ => {
                return Err(format!(
                    "weight `{w}` in `{s}` is not a number of 0 or more; use e.g. openai:0.8"
                ))
            }
        },
    };
    let models: Vec<&str> = match parts.next() {
        None | Some("") => vec!["*"],
        Some(m) => m
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .collect(),
    };
    Ok(json!({"provider": provider, "weight": weight, "allowed_models": models}))
}
