//! `/api/logs`: the request log over HTTP, with the reference gateway's parameters
//! (parsed and answered by `admin::logs`, shared with the CLI). Same admin auth as
//! the rest of `/api`.

// Management calls are rare; an unboxed `ApiError` keeps `?` plain.
#![allow(clippy::result_large_err)]

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use http::StatusCode;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::{ApiError, AppState};
use crate::admin::logs::{self, BadParam, LogQuery};
use crate::admin::logs_batch::{self, BatchSpec, Window};
use crate::observability::log::Logging;
use crate::store::{LogStore, StoreError};

/// Records deleted per transaction by `DELETE /api/logs`.
const DELETE_BATCH: usize = 1000;

/// How long `POST /api/logs/compact` looks for a moment with no query or write
/// running before it answers "busy, retry".
const COMPACT_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The `/logs` routes (nested under `/api`).
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/logs", get(list).delete(remove))
        .route("/logs/stats", get(stats))
        .route("/logs/stream", get(stream))
        .route("/logs/dropped", get(dropped))
        .route("/logs/compact", post(compact))
        .route("/logs/{id}", get(show))
}

type Params = Result<Query<Vec<(String, String)>>, QueryRejection>;

fn query(params: Params) -> Result<LogQuery, ApiError> {
    let Query(params) = params.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            e.body_text(),
        )
    })?;
    logs::parse_query(&params).map_err(bad_param)
}

fn bad_param(e: BadParam) -> ApiError {
    let mut err = ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_request_error",
        e.to_string(),
    )
    .code("invalid_parameter");
    err.param = Some(e.param.to_string());
    err
}

fn logging(state: &AppState) -> Result<&Logging, ApiError> {
    state.observability().logs().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "logging_disabled",
            "the request log is off (client.enable_logging = false in bifrost.toml)",
        )
    })
}

fn store(state: &AppState) -> Result<Arc<LogStore>, ApiError> {
    logging(state).map(|l| l.store().clone())
}

/// Runs a store query off the runtime's threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    let failed = |m: String| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "log_store_error", m);
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e @ StoreError::Busy(_))) => {
            let mut busy = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "log_store_busy",
                e.to_string(),
            );
            busy.retry_after = Some("1".into());
            Err(busy)
        }
        Ok(Err(e)) => Err(failed(e.to_string())),
        Err(e) => Err(failed(format!("log query task failed: {e}"))),
    }
}

async fn list(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    let q = query(params)?;
    let store = store(&state)?;
    let answer = blocking(move || logs::list(&store, &q)).await?;
    Ok(Json(answer).into_response())
}

async fn stats(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    let q = query(params)?;
    let store = store(&state)?;
    let answer =
        blocking(move || logs::stats(&store, &q, crate::admin::logs_source::now_us())).await?;
    Ok(Json(answer).into_response())
}

async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let store = store(&state)?;
    let wanted = id.clone();
    match blocking(move || store.get(&wanted)).await? {
        Some(record) => Ok(Json(record).into_response()),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found_error",
            format!(
                "no request log record with id {} (it may be older than the retention)",
                crate::config::quote(&id)
            ),
        )),
    }
}

async fn remove(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    let q = query(params)?;
    let store = store(&state)?;
    let deleted = blocking(move || store.delete(&q.filter, DELETE_BATCH)).await?;
    Ok(Json(json!({ "deleted": deleted })).into_response())
}

/// Compacts the log file now (`bifrost logs compact`); see `store::logs_compact` for
/// what readers and the writer see meanwhile.
async fn compact(State(state): State<AppState>) -> Result<Response, ApiError> {
    let store = store(&state)?;
    let done = blocking(move || store.compact(COMPACT_WAIT)).await?;
    Ok(Json(done).into_response())
}

async fn dropped(State(state): State<AppState>) -> Response {
    Json(json!({ "dropped": state.observability().dropped_log_records() })).into_response()
}

/// Server-sent events: one `log` event per new record the filters match, as the
/// writer stores it. A client too slow for the feed gets a `lagged` event saying how
/// many records it missed, then the feed resumes. With `batch_ms`, one `batch` event
/// per interval instead (`admin::logs_batch`): what a dashboard needs at any rate.
async fn stream(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    let Query(pairs) = params.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            e.body_text(),
        )
    })?;
    let q = logs::parse_query(&pairs).map_err(bad_param)?;
    let spec = logs_batch::parse_spec(&pairs).map_err(bad_param)?;
    let feed = logging(&state)?.subscribe();
    let sse = match spec {
        None => per_record(feed, q).into_response(),
        Some(spec) => Sse::new(batched(feed, q, spec, state)).into_response(),
    };
    Ok(sse)
}

type Feed = tokio::sync::broadcast::Receiver<Arc<crate::store::LogRecord>>;

fn per_record(
    mut feed: Feed,
    q: LogQuery,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let events = async_stream::stream! {
        // A first comment, so a client knows the feed is open before any record.
        yield Ok::<Event, Infallible>(Event::default().comment("ready"));
        loop {
            match feed.recv().await {
                Ok(record) => {
                    if !q.filter.matches(&record) {
                        continue;
                    }
                    if let Ok(event) = Event::default().event("log").json_data(&*record) {
                        yield Ok(event);
                    }
                }
                Err(RecvError::Lagged(n)) => {
                    yield Ok(Event::default().event("lagged").data(n.to_string()));
                }
                Err(RecvError::Closed) => break,
            }
        }
    };
    Sse::new(events).keep_alive(KeepAlive::default())
}

/// One `batch` event per `spec.every`, empty ones included: a quiet interval is a
/// figure too (0 req/s), and it doubles as the keep-alive.
fn batched(
    mut feed: Feed,
    q: LogQuery,
    spec: BatchSpec,
    state: AppState,
) -> impl futures_util::Stream<Item = Result<Event, Infallible>> {
    async_stream::stream! {
        yield Ok::<Event, Infallible>(Event::default().comment("ready"));
        let interval_ms = spec.every.as_millis() as u64;
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + spec.every, spec.every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut window = Window::new(spec.max_records);
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    let batch = window.flush(interval_ms, state.observability().in_flight_now());
                    if let Ok(event) = Event::default().event("batch").json_data(&batch) {
                        yield Ok(event);
                    }
                }
                got = feed.recv() => match got {
                    Ok(record) => {
                        if q.filter.matches(&record) {
                            window.add(record);
                        }
                    }
                    Err(RecvError::Lagged(n)) => window.lagged(n),
                    Err(RecvError::Closed) => break,
                },
            }
        }
    }
}
