//! `POST /v1/rerank`: the canonical (Cohere v2 shaped) rerank request, routed like any
//! other model and answered in the same shape with `extra_fields`.

use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use http::HeaderMap;

use super::inference::Ctx;
use super::passthrough::early_failure;
use super::AppState;
use crate::hooks::{self, InferenceRequest};
use crate::providers::Reply;
use crate::routing::{dispatch, Dispatched};
use crate::schema::{Answer, RerankRequest};

/// `POST /v1/rerank`.
pub async fn rerank(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let started = Instant::now();
    let kind = hooks::Endpoint::Rerank;
    let mut req: RerankRequest = match super::body::read_json(&state, &headers, body).await {
        Ok(req) => req,
        Err(e) => return early_failure(e, kind, &headers),
    };
    let mut ctx = Ctx::new(&state, kind, &req.model, false, headers, started);
    if let Some(done) = ctx.pre(InferenceRequest::Model(&mut req.model)).await {
        return done;
    }
    let route = match ctx.route(&req.model) {
        Ok(route) => route,
        Err(e) => return ctx.fail(e.into()),
    };
    req.model = route.model.to_string();
    let result = dispatch(&route, &ctx.info.request_id, |p, call| {
        let req = &req;
        async move { p.rerank(&call, req).await }
    })
    .await;
    // Typed answers go through the same encoder as chat, `extra_fields` included.
    let result = result.map(|d| Dispatched {
        value: Reply {
            body: Answer::Typed(d.value.body),
            headers: d.value.headers,
        },
        key_name: d.key_name,
        attempts: d.attempts,
        permit: d.permit,
        redaction: d.redaction,
    });
    ctx.answer(&route, result)
}
