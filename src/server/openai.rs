//! The OpenAI routes (`/v1`, `/openai/v1`, `/openai`, `/litellm`): chat, legacy
//! completions, embeddings and the model list, in OpenAI's own wire format. Answers go
//! out as the upstream sent them, with `extra_fields` appended.

use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::HeaderMap;

use super::passthrough::{vendor_headers, OPENAI_BETA};
use super::pipeline::{self, ChatDialect, Ctx, Dialect, InferenceBody, PlainWatch};
use super::stream::OpenAiSse;
use super::AppState;
use crate::hooks::{Endpoint, RequestInfo};
use crate::providers::Reply;
use crate::routing::{started, DispatchError, Dispatched, Plan};
use crate::schema::{Answer, ChatRequest, ChatResponse, CompletionRequest, EmbeddingRequest};

/// Chat in OpenAI's format: the upstream's answer and chunks as they are.
pub(super) struct OpenAiChat;

impl ChatDialect for OpenAiChat {
    type Events = OpenAiSse;

    fn events(&self, _info: &RequestInfo) -> OpenAiSse {
        OpenAiSse
    }

    fn render(&self, answer: &ChatResponse, _info: &RequestInfo) -> serde_json::Value {
        serde_json::to_value(answer).unwrap_or_default()
    }

    fn respond(
        &self,
        ctx: &mut Ctx,
        plan: &Plan,
        result: Result<Dispatched<Reply<Answer<ChatResponse>>>, DispatchError>,
    ) -> Response {
        ctx.answer(plan, result)
    }
}

/// `POST /v1/chat/completions`.
pub async fn chat(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let mut ctx = Ctx::start(&state, Dialect::OPENAI, Endpoint::Chat, headers);
    match ctx.read_json::<ChatRequest>(body).await {
        Ok(mut req) => {
            // The client's OpenAI beta opt-ins reach an OpenAI-format upstream as sent.
            req.vendor_headers = vendor_headers(ctx.info(), &[OPENAI_BETA]);
            pipeline::chat(ctx, OpenAiChat, req).await
        }
        Err(done) => done,
    }
}

/// `POST /v1/completions` (legacy text completion).
pub async fn completions(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let mut ctx = Ctx::start(&state, Dialect::OPENAI, Endpoint::Completion, headers);
    let (req, plan) = match ctx.accept::<CompletionRequest>(body).await {
        Ok(accepted) => accepted,
        Err(done) => return done,
    };
    let req = &req;
    if req.is_stream() {
        let result = ctx
            .dispatch(&plan, |p, call| async move {
                started(p.completion_stream(&call, &req.for_call(&call)).await?).await
            })
            .await;
        if super::compat::falls_back(&ctx, &result) {
            return super::compat::complete(ctx, &plan, req).await;
        }
        if result.is_ok() && ctx.keeps_usage() {
            // The prompt, for the estimate of a stream that reports no usage.
            ctx.keep_body(&prompt_body(req));
        }
        return ctx.stream(&plan, result, PlainWatch::new, OpenAiSse);
    }
    let result = ctx
        .dispatch(&plan, |p, call| async move {
            p.completion(&call, &req.for_call(&call)).await
        })
        .await;
    if super::compat::falls_back(&ctx, &result) {
        return super::compat::complete(ctx, &plan, req).await;
    }
    if matches!(&result, Ok(d) if !d.value.body.reports_usage()) {
        ctx.keep_body(&prompt_body(req));
    }
    ctx.answer(&plan, result)
}

/// A completion's prompt as JSON, counted as its text should the answer report no usage.
fn prompt_body(req: &CompletionRequest) -> bytes::Bytes {
    serde_json::to_vec(&req.prompt)
        .map(bytes::Bytes::from)
        .unwrap_or_default()
}

/// `POST /v1/embeddings`.
pub async fn embeddings(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let mut ctx = Ctx::start(&state, Dialect::OPENAI, Endpoint::Embeddings, headers);
    let (req, plan) = match ctx.accept::<EmbeddingRequest>(body).await {
        Ok(accepted) => accepted,
        Err(done) => return done,
    };
    let req = &req;
    let result = ctx
        .dispatch(&plan, |p, call| async move {
            p.embeddings(&call, &req.for_call(&call)).await
        })
        .await;
    ctx.answer(&plan, result)
}

/// `GET /v1/models`: every configured `provider/model`.
pub async fn models(State(state): State<AppState>) -> Response {
    axum::Json(state.router().snapshot().models()).into_response()
}
