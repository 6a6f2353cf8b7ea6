//! Shared helpers: the gateway in-process on an ephemeral port, a small HTTP client,
//! mock upstreams and the Python SDK runner.

#![allow(dead_code)]

pub mod client;
pub mod gateway;
pub mod python;
pub mod upstream;
