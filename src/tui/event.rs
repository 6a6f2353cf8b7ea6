//! What flows into the dashboard's state machine ([`Event`]) and what it asks the
//! outside world to do ([`Effect`]). The state machine never does I/O itself, so its
//! tests feed events and check the effects.

use serde_json::Value;

use super::model::Avail;
use crate::admin::logs_batch::Batch;
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
    /// A live feed dropped; its screen keeps what it had and the feed is reopened
    /// after `retry_secs`.
    FeedDropped {
        /// Which feed.
        feed: Feed,
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

/// The two live feeds `bifrost top` keeps open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// Filtered as the Logs screen asks, carrying the newest records.
    Tail,
    /// Unfiltered figures only: the overview's live numbers.
    Overview,
}

/// One answer of the background fetcher.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    /// Spend today and this month (`Missing`: the server has no `/api/logs/stats`).
    Spend(Avail<(Option<f64>, Option<f64>)>),
    /// One interval of the unfiltered live feed: the overview's live figures.
    Batch(Batch<Value>),
    /// The newest log records matching the current filter, newest first.
    Logs(Avail<Vec<Value>>),
    /// New records for the tail from the filtered live feed, newest first.
    Tail(Vec<Value>),
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
