//! Integration tests: the real server on an ephemeral port against mock upstreams on
//! ephemeral ports, the built binary for the CLI, and the official OpenAI Python SDK.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod agents;
mod anthropic;
mod anthropic_route;
mod anthropic_sdk;
mod assets;
mod azure;
mod bad_input;
mod bedrock;
mod bedrock_route;
mod bedrock_sdk;
mod bedrock_stream;
mod chat_via_responses;
mod cli;
mod cohere;
mod cohere_route;
mod compat;
mod failover;
mod gemini;
mod genai_route;
mod governance_cli;
mod governance_enforce;
mod hostile_input;
mod inference;
mod json_repair;
mod lifecycle;
mod litellm_route;
mod logs;
mod logs_bench;
mod management;
mod management_limits;
mod openai_routes;
mod pipeline;
mod python_sdk;
mod request_encoding;
mod same_dialect;
mod streaming;
mod transcription;
mod upstream_headers;
mod upstream_paths;
mod upstream_pool;
mod upstream_selftest;
mod vertex;
