//! OpenAI endpoints forwarded without translation: Responses, image generation,
//! speech, transcriptions and moderations.
//!
//! The body is read under the usual limits, its `model` resolved like chat and rewritten
//! to the upstream's id (nothing else changes), and the upstream's answer returned as it
//! came: JSON gets `extra_fields` like chat, anything else (audio, event streams) is
//! relayed byte for byte. Providers whose adapter does not speak OpenAI's format answer
//! 400 naming the provider and the endpoint.

use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode};

use super::error::ApiError;
use super::inference::{request_id, with_id, Ctx};
use super::relay::relay;
use super::stream::StreamEnd;
use super::AppState;
use crate::hooks::{self, InferenceRequest, Outcome};
use crate::providers::{Endpoint, Forward, Forwarded, JsonBody, Reply};
use crate::routing::{dispatch, DispatchError, Dispatched, Route};
use crate::schema::Answer;

/// `POST /v1/responses` (JSON, or SSE with `stream: true`).
pub async fn responses(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    forward_json(state, headers, body, Endpoint::Responses).await
}

/// `POST /v1/images/generations`.
pub async fn images(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    forward_json(state, headers, body, Endpoint::ImageGenerations).await
}

/// `POST /v1/audio/speech` (audio bytes out).
pub async fn speech(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    forward_json(state, headers, body, Endpoint::AudioSpeech).await
}

/// `POST /v1/moderations`.
pub async fn moderations(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    forward_json(state, headers, body, Endpoint::Moderations).await
}

/// The hooks' name for a forwarded endpoint (it sets `extra_fields.request_type`).
pub(super) fn hook_endpoint(endpoint: Endpoint) -> hooks::Endpoint {
    match endpoint {
        Endpoint::Responses => hooks::Endpoint::Responses,
        Endpoint::ImageGenerations => hooks::Endpoint::ImageGeneration,
        Endpoint::AudioSpeech => hooks::Endpoint::Speech,
        Endpoint::AudioTranscriptions => hooks::Endpoint::Transcription,
        Endpoint::Moderations => hooks::Endpoint::Moderation,
    }
}

/// An error before the request has a context (unreadable body), still labelled with
/// the endpoint so clients and logs know which call failed.
pub(super) fn early_failure(
    mut e: ApiError,
    endpoint: hooks::Endpoint,
    headers: &HeaderMap,
) -> Response {
    e.context.request_type = Some(endpoint.request_type());
    with_id(e.into_response(), &request_id(headers))
}

/// The 400 for a body without a usable `model`.
pub(super) fn missing_model(what: &str) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_request_error",
        format!("{what} needs a `model` string, e.g. \"openai/gpt-4o\""),
    )
    .code("invalid_field");
    e.param = Some("model".into());
    e
}

async fn forward_json(
    state: AppState,
    headers: HeaderMap,
    body: Body,
    endpoint: Endpoint,
) -> Response {
    let started = Instant::now();
    let kind = hook_endpoint(endpoint);
    let mut req: JsonBody = match super::body::read_json(&state, &headers, body).await {
        Ok(req) => req,
        Err(e) => return early_failure(e, kind, &headers),
    };
    let Some(mut model) = req.get::<String>("model") else {
        return early_failure(missing_model("the request body"), kind, &headers);
    };
    let stream = req.get::<bool>("stream").unwrap_or(false);
    let mut ctx = Ctx::new(&state, kind, &model, stream, headers, started);
    if let Some(done) = ctx.pre(InferenceRequest::Model(&mut model)).await {
        return done;
    }
    let route = match ctx.route(&model) {
        Ok(route) => route,
        Err(e) => return ctx.fail(e.into()),
    };
    let body = match req
        .set_str("model", &route.model)
        .and_then(|()| req.to_bytes())
    {
        Ok(body) => body,
        Err(e) => {
            return ctx.fail(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                e.to_string(),
            ))
        }
    };
    let forward = Forward {
        endpoint,
        content_type: HeaderValue::from_static("application/json"),
        body,
        stream,
    };
    send(&ctx, &route, forward).await
}

/// Dispatches a prepared forward with key failover and answers it.
pub(super) async fn send(ctx: &Ctx, route: &Route, forward: Forward) -> Response {
    let result = dispatch(route, &ctx.info.request_id, |p, call| {
        let forward = &forward;
        async move { p.forward(&call, forward).await }
    })
    .await;
    answer(ctx, route, result)
}

fn answer(
    ctx: &Ctx,
    route: &Route,
    result: Result<Dispatched<Reply<Forwarded>>, DispatchError>,
) -> Response {
    let d = match result {
        Ok(d) => d,
        Err(e) => return ctx.dispatch_failed(route, e),
    };
    let Dispatched {
        value,
        key_name,
        attempts,
        permit,
        redaction,
    } = d;
    let Reply { body, headers } = value;
    match body {
        Forwarded::Body { content_type, body } => {
            // A JSON object answer gets `extra_fields` like chat; anything else (audio,
            // an image's bytes) goes back exactly as it came.
            if is_json(&content_type) {
                if let Ok(answer) = Answer::<serde_json::Value>::raw(body.clone()) {
                    let value = Reply {
                        body: answer,
                        headers,
                    };
                    return ctx.answer(
                        route,
                        Ok(Dispatched {
                            value,
                            key_name,
                            attempts,
                            permit,
                            redaction,
                        }),
                    );
                }
            }
            ctx.complete(200, Some(route), key_name, attempts, || None);
            respond(ctx, Body::from(body), content_type, headers, false)
        }
        Forwarded::Stream {
            content_type,
            stream,
        } => {
            let sse = content_type
                .to_str()
                .is_ok_and(|v| v.starts_with("text/event-stream"));
            let stream = Box::pin(futures_util::StreamExt::map(
                stream,
                move |item| match &redaction {
                    Some(r) => item.map_err(|e| r.apply(e)),
                    None => item,
                },
            ));
            let provider = route.provider.name.clone();
            let model = route.model.to_string();
            let requested = ctx.info.model_requested.clone();
            let request_type = ctx.info.endpoint.request_type();
            let to_api = move |error| {
                let mut e = ApiError::from(DispatchError::Failed {
                    provider,
                    error,
                    attempts: Vec::new(),
                });
                e.context.model_requested = Some(requested);
                e.context.model_resolved = Some(model);
                e.context.request_type = Some(request_type);
                e
            };
            let hooks = ctx.state.hooks().clone();
            let info = ctx.info.clone();
            let provider = route.provider.name.clone();
            let model = route.model.to_string();
            let finish = move |end: StreamEnd| {
                if hooks.is_empty() {
                    return;
                }
                hooks.on_complete(
                    &info,
                    &Outcome {
                        status: 200,
                        provider: Some(provider),
                        model: Some(model),
                        key: key_name,
                        attempts,
                        usage: None,
                        error: end.error.map(|e| e.to_string()),
                        latency: info.started.elapsed(),
                    },
                );
            };
            let body = Body::from_stream(relay(stream, sse, permit, to_api, finish));
            respond(ctx, body, content_type, headers, sse)
        }
    }
}

fn is_json(content_type: &HeaderValue) -> bool {
    content_type
        .to_str()
        .is_ok_and(|v| v.starts_with("application/json"))
}

fn respond(
    ctx: &Ctx,
    body: Body,
    content_type: HeaderValue,
    upstream: HeaderMap,
    sse: bool,
) -> Response {
    let mut response = Response::new(body);
    let h = response.headers_mut();
    h.extend(upstream);
    h.insert(http::header::CONTENT_TYPE, content_type);
    if sse {
        h.insert(
            http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        );
        // Tells nginx not to buffer the stream.
        h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    }
    with_id(response, &ctx.info.request_id)
}
