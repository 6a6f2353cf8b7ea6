//! The shapes counters take outside the engine: what is flushed to the store (and
//! read back at start), and what the usage API shows.

use serde::{Deserialize, Serialize};

use super::model::Timestamp;
use super::money::Usd;
use super::window::ResetDuration;

/// One budget's persisted state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetUsage {
    /// The window the spend belongs to (a changed window starts afresh).
    pub reset_duration: ResetDuration,
    /// Whether the window is calendar-aligned.
    pub calendar_aligned: bool,
    /// When the current window began.
    pub window_start: u64,
    /// Settled spend in it, in nano-dollars.
    pub spent_nanos: u64,
}

/// One rate-limit window's persisted state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowUsage {
    /// The window.
    pub reset_duration: ResetDuration,
    /// When the current window began.
    pub window_start: u64,
    /// Requests or tokens counted in it.
    pub used: u64,
}

/// One entity's persisted counters, keyed by `entity` (`vk:ID`, `team:ID`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRecord {
    /// Which entity.
    pub entity: String,
    /// Its budgets, in definition order.
    pub budgets: Vec<BudgetUsage>,
    /// Its request window.
    pub requests: Option<WindowUsage>,
    /// Its token window.
    pub tokens: Option<WindowUsage>,
}

/// One budget as the usage API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetView {
    /// The cap.
    pub max_limit: Usd,
    /// Settled spend this window.
    pub spent: Usd,
    /// Reserved by requests in flight.
    pub reserved: Usd,
    /// Window length.
    pub reset_duration: ResetDuration,
    /// Whether windows follow the calendar.
    pub calendar_aligned: bool,
    /// When this window began.
    pub window_start: Timestamp,
    /// When it ends.
    pub resets_at: Timestamp,
}

/// A rate-limit window as the usage API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct WindowView {
    /// The cap.
    pub limit: u64,
    /// Used (and reserved) this window.
    pub used: u64,
    /// Window length.
    pub reset_duration: ResetDuration,
    /// When it ends.
    pub resets_at: Timestamp,
}

/// One level's limits and use.
#[derive(Debug, Clone, Serialize)]
pub struct LevelUsage {
    /// Entity key (`vk:ID`).
    pub entity: String,
    /// `customer`, `team`, `virtual_key` or `provider_config`.
    pub level: &'static str,
    /// Who, for people.
    pub name: String,
    /// Budgets.
    pub budgets: Vec<BudgetView>,
    /// Request window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests: Option<WindowView>,
    /// Token window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens: Option<WindowView>,
    /// Requests in flight.
    pub in_flight: u32,
}
