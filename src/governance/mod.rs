//! Governance: virtual keys, budgets, rate limits, and the accounting that enforces
//! them across customer -> team -> key -> provider config.
//!
//! Pure: no I/O, no async, no store, no HTTP framework. Time comes through [`Clock`],
//! so windows are tested without sleeping. The store persists [`Catalog`] and
//! [`UsageRecord`]s; the request pipeline calls, in order, [`extract`],
//! [`Engine::authenticate`], [`Engine::route`], [`Engine::admit`], and settles the
//! returned [`Ticket`] when the request ends.

mod alert;
mod clock;
pub mod cost;
mod counters;
mod credential;
mod engine;
mod key;
mod model;
mod money;
mod rate_headers;
mod refusal;
mod select;
pub mod tokens;
mod usage;
mod validate;
mod window;

#[cfg(test)]
mod engine_tests;

pub use clock::{Clock, ManualClock, SystemClock};
pub use counters::{Alert, Charge};
pub use credential::{extract, Credential, Source, MAX_CREDENTIAL_LEN};
pub use engine::{Authorized, Catalog, Engine, Ticket};
pub use key::{generate, hint, KeyHash, PREFIX};
pub use model::{Budget, Customer, ProviderConfig, RateLimit, Team, Timestamp, VirtualKey};
pub use money::Usd;
pub use rate_headers::{RateHeaders, RateWindow, WindowNames, REQUEST_NAMES, TOKEN_NAMES};
pub use refusal::{Level, Refusal};
pub use select::{allows, choose, Route};
pub use usage::{BudgetUsage, BudgetView, LevelUsage, UsageRecord, WindowUsage, WindowView};
pub use validate::{name_problems, parse_json, MAX_ID, MAX_NAME_LEN};
pub use window::{parse_rfc3339, rfc3339, DurationError, ResetDuration};
