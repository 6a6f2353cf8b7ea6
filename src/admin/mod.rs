//! Management operations, written once and used by the CLI (directly on the store, or
//! through a running server's unix socket or HTTP API) and by the HTTP management API,
//! and the admin credentials that guard that API on TCP (`auth*`).

mod auth;
mod auth_limiter;
mod auth_ops;
mod auth_password;
mod auth_remote;
#[cfg(test)]
mod auth_tests;
mod doc;
mod governance;
mod governance_file;
mod governance_import;
mod governance_local;
mod governance_remote;
#[cfg(test)]
mod governance_tests;
mod health;
mod local;
pub mod logs;
pub mod logs_batch;
pub mod logs_source;
mod ops;
pub mod provider_limits;
mod remote;
mod routing;
mod routing_local;
mod routing_remote;
pub mod settings;
pub mod sse;

use async_trait::async_trait;

pub use auth::{AdminAuth, Denied, Principal, FAILURE_WINDOW, MAX_FAILURES};
pub use auth_ops::{parse_expiry, CredentialError, Credentials, NewToken, TokenInfo};
pub use doc::ProviderDoc;
pub use governance::{parse_provider, Governance, GovernanceError, Kind};
pub use governance_file::apply_declared;
pub use governance_import::{import_body, write as write_import, Imported};
pub use governance_local::{CatalogPublisher, LocalGovernance};
pub use health::{report as health_report, KeyHealthDoc, ProviderHealthDoc};
pub use local::{LocalAdmin, Publisher};
pub use ops::{add_key, remove_key};
pub use remote::{RemoteAdmin, RemoteCredential};
pub use routing::{ExplainRequest, RoutingAdmin, RoutingError};
pub use routing_local::LocalRouting;
pub use settings::{LocalSettings, SettingsAdmin, SettingsDoc, SettingsError};

use crate::config::quote;
use crate::store::StoreError;

/// The unix socket a running server listens on for the local CLI, inside the data dir.
pub const SOCKET_NAME: &str = "bifrost.sock";

/// Why a management operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// No provider of that name (quoted shortened: it comes from the request).
    #[error("provider {} does not exist (see `bifrost provider list`)", quote(.0))]
    NotFound(String),
    /// A provider of that name exists already.
    #[error("provider {} already exists; use `bifrost provider update` or remove it first", quote(.0))]
    AlreadyExists(String),
    /// The request is not valid; each entry says what to fix.
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
    /// The store failed.
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
    /// Health is kept by a running server only.
    #[error("no live health: no bifrost server is running on this data dir (health is measured by `bifrost serve` as it routes requests)")]
    NoLiveHealth,
    /// The running server could not be reached or answered nonsense.
    #[error("cannot talk to the running bifrost server: {0}")]
    Unreachable(String),
}

/// The provider operations every management path offers.
#[async_trait]
pub trait Management: Send + Sync {
    /// Every provider in creation order; literal key values masked unless `secrets`.
    async fn list_providers(&self, secrets: bool) -> Result<Vec<ProviderDoc>, AdminError>;
    /// One provider.
    async fn get_provider(&self, name: &str, secrets: bool) -> Result<ProviderDoc, AdminError>;
    /// Creates a provider; fails if the name is taken.
    async fn create_provider(&self, doc: ProviderDoc) -> Result<ProviderDoc, AdminError>;
    /// Replaces a provider. A key value sent back in its masked form keeps the stored secret.
    async fn update_provider(&self, doc: ProviderDoc) -> Result<ProviderDoc, AdminError>;
    /// Deletes a provider.
    async fn delete_provider(&self, name: &str) -> Result<(), AdminError>;
    /// A provider's live health; only a running server has one.
    async fn provider_health(&self, _name: &str) -> Result<ProviderHealthDoc, AdminError> {
        Err(AdminError::NoLiveHealth)
    }
}
