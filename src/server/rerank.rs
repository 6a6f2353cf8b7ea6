//! `POST /v1/rerank`: the canonical (Cohere v2 shaped) rerank request, routed like any
//! other model and answered in the same shape with `extra_fields`.

use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use http::HeaderMap;

use super::pipeline::{Ctx, Dialect, InferenceBody};
use super::AppState;
use crate::hooks::Endpoint;
use crate::providers::Reply;
use crate::schema::{Answer, RerankRequest};

/// `POST /v1/rerank`.
pub async fn rerank(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let mut ctx = Ctx::start(&state, Dialect::OPENAI, Endpoint::Rerank, headers);
    let (req, plan) = match ctx.accept::<RerankRequest>(body).await {
        Ok(accepted) => accepted,
        Err(done) => return done,
    };
    let req = &req;
    let result = ctx
        .dispatch(&plan, |p, call| async move {
            p.rerank(&call, &req.for_call(&call)).await
        })
        .await;
    // Typed answers go through the same encoder as chat, `extra_fields` included.
    let result = result.map(|d| {
        d.map(|reply| Reply {
            body: Answer::Typed(reply.body),
            headers: reply.headers,
        })
    });
    ctx.answer(&plan, result)
}
