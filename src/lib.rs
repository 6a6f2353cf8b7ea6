//! bifrost: an LLM gateway. One binary that serves an OpenAI-compatible API in front
//! of many providers and manages them from the terminal.
//!
//! Dependencies point one way: `server` -> `routing` -> `providers` -> `schema`;
//! `admin` is shared by the CLI and the HTTP API; `store` knows nothing of HTTP.

// Tests may unwrap: a panic there is a failed assertion.
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod admin;
pub mod cli;
pub mod config;
#[doc(hidden)]
pub mod fuzzing;
pub mod governance;
pub mod hooks;
pub mod observability;
pub mod providers;
pub mod routing;
pub mod schema;
pub mod server;
pub mod store;
pub mod tui;
