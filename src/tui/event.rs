//! What flows into the dashboard's state machine ([`Event`]) and what it asks the
//! outside world to do ([`Effect`]). The state machine never does I/O itself, so its
//! tests feed events and check the effects.

use serde_json::Value;

use super::model::{Avail, Stats};
use crate::admin::{Kind, ProviderDoc, SettingsDoc};
use crate::config::KeyConfig;

/// A key press, decoupled from the terminal library so tests can type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A printable character.
    Char(char),
    /// Enter.
    Enter,
    /// Escape.
    Esc,
    /// Tab.
    Tab,
    /// Shift-Tab.
    BackTab,
    /// Backspace.
    Backspace,
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Ctrl-C: quit from anywhere.
    Interrupt,
}

/// Everything the state machine reacts to.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The user pressed a key.
    Key(Key),
    /// Data arrived from the server.
    Data(Data),
    /// A management action finished.
    Done(Outcome),
    /// A read the server refused (a bad filter, a server error): said in the status
    /// line, never taken for the answer to an open form.
    Problem(String),
    /// The live log feed dropped; the tail keeps what it had and reopens it after
    /// `retry_secs`.
    TailDropped {
        /// Why.
        reason: String,
        /// Seconds until the next try.
        retry_secs: u64,
    },
    /// The server stopped answering; the fetcher retries after `retry_secs`.
    Lost {
        /// Why.
        reason: String,
        /// Seconds until the next try.
        retry_secs: u64,
    },
}

/// One answer of the background fetcher.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    /// Stats of the last few seconds (`secs` long), and spend today and this month.
    Live {
        /// The short window's stats.
        now: Avail<Stats>,
        /// Its length in seconds.
        secs: f64,
        /// Spend since midnight UTC.
        today: Option<f64>,
        /// Spend this month.
        month: Option<f64>,
        /// Requests in flight.
        in_flight: Option<f64>,
    },
    /// The newest log records matching the current filter, newest first.
    Logs(Avail<Vec<Value>>),
    /// One new record from the live feed.
    Streamed(Value),
    /// One whole log record.
    Record(Avail<Value>),
    /// Every provider (secrets masked) with its health when the server reports it.
    Providers(Vec<(ProviderDoc, Avail<Value>)>),
    /// Governance objects with each key's usage.
    Governance {
        /// Virtual keys.
        keys: Vec<Value>,
        /// Usage by key id.
        usage: Vec<(String, Value)>,
        /// Teams.
        teams: Vec<Value>,
        /// Customers.
        customers: Vec<Value>,
    },
    /// `GET /api/config`.
    Settings(Avail<SettingsDoc>),
}

/// How a management action ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Done; `secret` is a new key's value, shown once.
    Ok {
        /// What happened, for the status line.
        message: String,
        /// A value to show once (new or rotated virtual key).
        secret: Option<String>,
    },
    /// Refused or failed, with the server's (the CLI's) message.
    Failed(String),
}

/// What the log tail asks the server for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogQuery {
    /// Query-string pairs for `/api/logs` (providers, models, status, ...).
    pub params: Vec<(String, String)>,
}

/// A change the user confirmed, made through the same admin operations as the CLI.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Create a virtual key, team or customer from a create body.
    Create(Kind, Value),
    /// Change fields of one.
    Update(Kind, String, Value),
    /// Delete one.
    Delete(Kind, String),
    /// Give a virtual key a new value.
    Rotate(String),
    /// Create a provider.
    AddProvider(Box<ProviderDoc>),
    /// Replace a provider's settings (keys sent back masked keep their secrets).
    UpdateProvider(Box<ProviderDoc>),
    /// Delete a provider.
    RemoveProvider(String),
    /// Add a key to a provider.
    AddKey(String, Box<KeyConfig>),
    /// Replace a provider's key (provider, the key's current name, the new settings);
    /// a value left in its masked form keeps the stored secret.
    UpdateKey(String, String, Box<KeyConfig>),
    /// Remove a key from a provider.
    RemoveKey(String, String),
    /// Send one test chat through a provider, as `bifrost provider test` does.
    TestProvider(String),
    /// Change the `[client]` settings an object of them names (`PUT /api/config`).
    UpdateSettings(Value),
}

/// What the state machine asks of the outside world.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Leave.
    Quit,
    /// Tail logs with this filter from now on.
    Query(LogQuery),
    /// Fetch one log record.
    Record(String),
    /// Make a confirmed change.
    Act(Action),
}
