//! `/litellm`: the union of the drop-in route sets under one prefix, as the reference
//! gateway mounts them for LiteLLM-style clients, so every vendor SDK works with the
//! base URL `http://HOST:PORT/litellm`:
//!
//! - OpenAI: `/litellm/v1/...` and `/litellm/...` (registered flat with the other
//!   OpenAI prefixes in the server's route table, so `/v1` pays nothing for them);
//! - Anthropic: `/litellm/v1/messages`, `/litellm/v1/messages/count_tokens`
//!   (`/litellm/v1/models` is OpenAI's list, which the OpenAI set claims first);
//! - GenAI: `/litellm/v1beta/models/...` and `/litellm/v1/models/MODEL:ACTION`;
//! - Bedrock: `/litellm/model/{modelId}/converse[-stream]`;
//! - Cohere: `/litellm/v2/chat`, `/litellm/v2/embed`, `/litellm/v2/rerank`.
//!
//! Each path is registered flat (no `nest`, which costs a path rewrite per request) and
//! calls the same handler as its own integration, so answers and errors are identical.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{any, post};
use http::HeaderMap;

use super::super::AppState;
use super::{anthropic, bedrock, cohere, genai};

/// The `/litellm` routes other than the OpenAI set.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/litellm/v1/messages", post(anthropic::messages))
        .route(
            "/litellm/v1/messages/count_tokens",
            post(anthropic::count_tokens),
        )
        .route("/litellm/v1beta/{*rest}", any(genai_v1beta))
        .route("/litellm/v1/models/{*rest}", any(genai_v1))
        .route("/litellm/model/{*rest}", any(bedrock_model))
        .route("/litellm/v2/chat", post(cohere::chat))
        .route("/litellm/v2/embed", post(cohere::embed))
        .route("/litellm/v2/rerank", post(cohere::rerank))
}

async fn genai_v1beta(
    state: State<AppState>,
    Path(rest): Path<String>,
    method: http::Method,
    uri: http::Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = Path(format!("v1beta/{rest}"));
    genai::dispatch_path(state, path, method, uri, headers, body).await
}

async fn genai_v1(
    state: State<AppState>,
    Path(rest): Path<String>,
    method: http::Method,
    uri: http::Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = Path(format!("v1/models/{rest}"));
    genai::dispatch_path(state, path, method, uri, headers, body).await
}

async fn bedrock_model(
    state: State<AppState>,
    Path(rest): Path<String>,
    method: http::Method,
    uri: http::Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = Path(format!("model/{rest}"));
    bedrock::dispatch_path(state, path, method, uri, headers, body).await
}
