//! OpenAI endpoints forwarded without translation: Responses, image generation,
//! speech, transcriptions and moderations.
//!
//! The body is read under the usual limits, its `model` resolved like chat and rewritten
//! to the upstream's id (nothing else changes), and the upstream's answer returned as it
//! came: JSON gets `extra_fields` like chat, anything else (audio, event streams) is
//! relayed byte for byte. Providers whose adapter does not speak OpenAI's format answer
//! 400 naming the provider and the endpoint, except on `/v1/responses`, which
//! `integrations::responses` translates for them.

use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use super::error::ApiError;
use super::native::EventWatch;
use super::pipeline::{Ctx, Demand, Dialect, PlainWatch};
use super::relay::{openai_error_event, relay, Framing};
use super::stream::Watch;
use super::AppState;
use crate::hooks;
use crate::providers::{Endpoint, Forward, Forwarded, JsonBody, Reply};
use crate::routing::{DispatchError, Dispatched, Plan};
use crate::schema::Answer;

/// `POST /v1/responses` (JSON, or SSE with `stream: true`): forwarded to
/// OpenAI-format upstreams, translated for the others.
pub async fn responses(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    super::integrations::responses::create(state, headers, body).await
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
        Endpoint::Messages
        | Endpoint::CohereChat
        | Endpoint::GenerateContent
        | Endpoint::Converse => hooks::Endpoint::Chat,
    }
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
    let mut ctx = Ctx::start(&state, Dialect::OPENAI, hook_endpoint(endpoint), headers);
    let mut req: JsonBody = match ctx.read_json(body).await {
        Ok(req) => req,
        Err(done) => return done,
    };
    let Some(mut model) = req.get::<String>("model") else {
        return ctx.fail(missing_model("the request body"));
    };
    let stream = req.get::<bool>("stream").unwrap_or(false);
    if let Err(done) = ctx.requested_fallbacks(req.take("fallbacks").as_ref()) {
        return done;
    }
    let demand = || Demand::of_body(req.size(), req.get("max_output_tokens"));
    let plan = match ctx.prepare_model(&mut model, stream, demand).await {
        Ok(plan) => plan,
        Err(done) => return done,
    };
    // No translation here: it falls over only to the same provider type and model.
    match forward_routed(ctx, &plan.same_type(), req, endpoint, stream).await {
        Ok(response) => response,
        Err((mut ctx, e)) => ctx.forward_failed(&plan, e),
    }
}

/// Forwards `req`, prepared and planned, with its `model` rewritten to the primary's;
/// `Err` when every target that takes it unchanged failed ([`send`]).
pub(super) async fn forward_routed(
    mut ctx: Ctx,
    plan: &Plan,
    mut req: JsonBody,
    endpoint: Endpoint,
    stream: bool,
) -> Result<Response, (Ctx, DispatchError)> {
    let body = match req
        .set_str("model", &plan.primary().model)
        .and_then(|()| req.to_bytes())
    {
        Ok(body) => body,
        Err(e) => {
            return Ok(ctx.fail(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                e.to_string(),
            )))
        }
    };
    ctx.request_json(&body);
    let mut forward = Forward::json(endpoint, body, stream);
    forward.vendor_headers = vendor_headers(ctx.info(), &[OPENAI_BETA]);
    send(ctx, plan, forward).await
}

/// The client's headers named in `allowed` (those it addresses to the vendor), to pass
/// on when the route's dialect is the upstream's own.
pub(super) fn vendor_headers(info: &hooks::RequestInfo, allowed: &[HeaderName]) -> HeaderMap {
    let mut out = HeaderMap::new();
    for name in allowed {
        for value in info.headers.get_all(name) {
            out.append(name.clone(), value.clone());
        }
    }
    out
}

/// OpenAI's beta opt-in header, passed on to OpenAI-format upstreams.
pub(super) const OPENAI_BETA: HeaderName = HeaderName::from_static("openai-beta");

/// Dispatches a prepared forward along `plan` (the targets it can go to unchanged:
/// [`Plan::forwardable`] or [`Plan::same_type`]), and answers it; `Err` with the
/// context when they all failed, for the caller to go on along the plan's other
/// targets ([`Ctx::hand_over`]) or say why it cannot ([`Ctx::forward_failed`]).
/// Nothing has been sent to the client then.
pub(super) async fn send(
    ctx: Ctx,
    plan: &Plan,
    forward: Forward,
) -> Result<Response, (Ctx, DispatchError)> {
    let forward = &forward;
    let result = ctx
        .dispatch(
            plan,
            |p, call| async move { p.forward(&call, forward).await },
        )
        .await;
    match result {
        Ok(d) => Ok(answer(ctx, plan, d, forward)),
        Err(e) => Err((ctx, e)),
    }
}

fn answer(
    mut ctx: Ctx,
    plan: &Plan,
    d: Dispatched<Reply<Forwarded>>,
    forward: &Forward,
) -> Response {
    // A JSON object answer gets `extra_fields` like chat; anything else (audio, an
    // image's bytes) goes back exactly as it came.
    let json = match &d.value.body {
        Forwarded::Body { content_type, body } if is_json(content_type) => {
            Answer::<serde_json::Value>::raw(body.clone()).ok()
        }
        _ => None,
    };
    // Only text endpoints are estimated from tokens (an image is priced per image).
    let text = forward.endpoint == Endpoint::Responses;
    if let Some(answer) = json {
        if text && !answer.reports_usage() {
            ctx.keep_body(&forward.body);
        }
        return ctx.answer(
            plan,
            Ok(d.map(|reply| Reply {
                body: answer,
                headers: reply.headers,
            })),
        );
    }
    ctx.sent(&d);
    let Dispatched {
        value: Reply { body, headers },
        permit,
        redaction,
        route,
        ..
    } = d;
    match body {
        Forwarded::Body { content_type, body } => {
            respond(&ctx.stamp(), Body::from(body), content_type, headers, false)
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
            let requested = ctx.info().model_requested.clone();
            let request_type = ctx.info().endpoint.request_type();
            let to_event = move |error| {
                let mut e = ApiError::from(DispatchError::Failed {
                    provider,
                    error,
                    attempts: Vec::new(),
                    retries: 0,
                });
                e.context.model_requested = Some(requested);
                e.context.model_resolved = Some(model);
                e.context.request_type = Some(request_type);
                openai_error_event(&e)
            };
            let stamp = ctx.stamp();
            let body = if sse && text {
                if ctx.keeps_usage() {
                    ctx.keep_body(&forward.body);
                }
                let wants = ctx.wants_content();
                let watch = EventWatch::new(ctx, wants, read_responses_usage, responses_text);
                Body::from_stream(relay(stream, Framing::Sse, permit, to_event, watch))
            } else {
                let framing = if sse { Framing::Sse } else { Framing::Raw };
                let watch = PlainWatch::new(ctx);
                Body::from_stream(relay(stream, framing, permit, to_event, watch))
            };
            respond(&stamp, body, content_type, headers, sse)
        }
    }
}

/// Dispatches a request in the upstream's own format (the route's dialect is the
/// upstream's) and relays the answer untouched: no `extra_fields`, bytes as they came.
/// `usage_of` reads a whole answer's usage for the outcome (only when a hook listens);
/// `watch` builds what watches a stream, told whether a hook wants its content.
/// `Err` as for [`send`]: every target that takes the body unchanged failed.
pub(super) async fn send_native<W: Watch<Bytes>>(
    mut ctx: Ctx,
    plan: &Plan,
    forward: Forward,
    usage_of: fn(&[u8]) -> Option<crate::schema::Usage>,
    error_event: fn(&ApiError) -> Bytes,
    watch: impl FnOnce(Ctx, bool) -> W,
) -> Result<Response, (Ctx, DispatchError)> {
    let forward = &forward;
    let plan = plan.forwardable();
    let result = ctx
        .dispatch(
            &plan,
            |p, call| async move { p.forward(&call, forward).await },
        )
        .await;
    let d = match result {
        Ok(d) => d,
        Err(e) => return Err((ctx, e)),
    };
    ctx.sent(&d);
    let Dispatched {
        value: Reply { body, headers },
        permit,
        redaction,
        route,
        ..
    } = d;
    Ok(match body {
        Forwarded::Body { content_type, body } => {
            if ctx.keeps_usage() {
                ctx.sent_body(usage_of(&body), &body, &forward.body);
            }
            let response = respond(&ctx.stamp(), Body::from(body), content_type, headers, false);
            ctx.with_cost(response)
        }
        Forwarded::Stream {
            content_type,
            stream,
        } => {
            let stream = Box::pin(futures_util::StreamExt::map(
                stream,
                move |item| match &redaction {
                    Some(r) => item.map_err(|e| r.apply(e)),
                    None => item,
                },
            ));
            let provider = route.provider.name.clone();
            let to_event = move |error| {
                error_event(&ApiError::from(DispatchError::Failed {
                    provider,
                    error,
                    attempts: Vec::new(),
                    retries: 0,
                }))
            };
            let stamp = ctx.stamp();
            if ctx.keeps_usage() {
                // The prompt, for the estimate of a stream that reports no usage.
                ctx.keep_body(&forward.body);
            }
            let wants_content = ctx.wants_content();
            let watch = watch(ctx, wants_content);
            // Bedrock's streams are AWS event-stream frames, every other vendor's SSE.
            let framing = if content_type
                .as_bytes()
                .starts_with(b"application/vnd.amazon.eventstream")
            {
                Framing::EventStream
            } else {
                Framing::Sse
            };
            let body = Body::from_stream(relay(stream, framing, permit, to_event, watch));
            respond(&stamp, body, content_type, headers, true)
        }
    })
}

/// A Responses stream's usage, in its closing `response.completed` (or `.incomplete`,
/// `.failed`) event.
fn read_responses_usage(event: &serde_json::Value, usage: &mut Option<crate::schema::Usage>) {
    if let Some(u) = event.pointer("/response/usage").filter(|u| u.is_object()) {
        if let Ok(u) = serde_json::from_value(u.clone()) {
            *usage = Some(u);
        }
    }
}

/// The text a Responses stream event sends: its `*.delta` string (output text,
/// reasoning, refusal, a function call's arguments).
fn responses_text(event: &serde_json::Value, out: &mut String) {
    let is_delta = event
        .get("type")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|t| t.ends_with(".delta"));
    if let Some(delta) = event.get("delta").and_then(serde_json::Value::as_str) {
        if is_delta {
            out.push_str(delta);
        }
    }
}

fn is_json(content_type: &HeaderValue) -> bool {
    content_type
        .to_str()
        .is_ok_and(|v| v.starts_with("application/json"))
}

fn respond(
    stamp: &super::pipeline::Stamp,
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
    stamp.apply(response)
}
