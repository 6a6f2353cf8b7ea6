//! `GET/PUT /api/config`: the `[client]` settings (the reference gateway's path; its
//! answer carries `client_config` and `restart_required`), over [`LocalSettings`].
//! Mounted inside the management router, so it has the same admin auth.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use http::StatusCode;
use serde_json::Value;

use super::{ApiError, AppState};
use crate::admin::{SettingsAdmin, SettingsError};

/// The settings routes, relative to `/api`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/config", get(show).put(update))
}

fn api_error(e: SettingsError) -> ApiError {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let kind = match status.as_u16() {
        400 => "invalid_request_error",
        409 => "conflict",
        _ => "server_error",
    };
    ApiError::new(status, kind, e.to_string())
}

async fn show(State(state): State<AppState>) -> Result<Response, ApiError> {
    let doc = state
        .settings_admin()
        .get_settings()
        .await
        .map_err(api_error)?;
    Ok(Json(doc).into_response())
}

async fn update(
    State(state): State<AppState>,
    headers: http::HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let body: Value = super::body::read_json(&state, &headers, body).await?;
    let doc = state
        .settings_admin()
        .update_settings(body)
        .await
        .map_err(api_error)?;
    Ok(Json(doc).into_response())
}
