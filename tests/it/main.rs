//! Integration tests: the real server on an ephemeral port against mock upstreams on
//! ephemeral ports, the built binary for the CLI, and the official OpenAI Python SDK.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod anthropic;
mod assets;
mod bad_input;
mod bedrock;
mod cli;
mod failover;
mod inference;
mod lifecycle;
mod management;
mod python_sdk;
mod streaming;
mod upstream_headers;
mod upstream_selftest;
