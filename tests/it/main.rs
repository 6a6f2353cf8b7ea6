//! Integration tests: the real server on an ephemeral port against mock upstreams on
//! ephemeral ports, the built binary for the CLI, and the official OpenAI Python SDK.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod upstream_selftest;
mod failover;
mod inference;
mod upstream_headers;
mod streaming;
mod bad_input;
mod management;
mod lifecycle;
mod python_sdk;
