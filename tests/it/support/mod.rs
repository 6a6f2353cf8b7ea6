//! Shared helpers: the gateway in-process on an ephemeral port, a small HTTP client,
//! mock upstreams and the Python SDK runner.

#![allow(dead_code)]

pub mod client;
pub mod gateway;
pub mod outcomes;
pub mod python;
pub mod resume;
pub mod upstream;

/// A JSON fixture from `tests/fixtures/`, e.g. `fixture("anthropic/messages_response")`.
pub fn fixture(path: &str) -> serde_json::Value {
    let file = format!("{}/tests/fixtures/{path}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}
