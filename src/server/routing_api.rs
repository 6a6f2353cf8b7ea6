//! `/api/governance/routing-rules[/{id}]` (the reference gateway's paths and shapes:
//! `{"routing_rule": {...}}`) and `POST /api/routing/explain`, over [`LocalRouting`].
//! Mounted inside the management router, so it has the same admin auth.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use http::StatusCode;
use serde_json::{json, Value};

use super::{ApiError, AppState};
use crate::admin::{ExplainRequest, RoutingAdmin, RoutingError};

/// The routing routes, relative to `/api`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/governance/routing-rules", get(list).post(create))
        .route(
            "/governance/routing-rules/{id}",
            get(show).put(update).delete(remove),
        )
        .route("/routing/explain", post(explain))
}

fn api_error(e: RoutingError) -> ApiError {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let kind = match status.as_u16() {
        400 => "invalid_request_error",
        404 => "not_found",
        409 => "conflict",
        _ => "server_error",
    };
    ApiError::new(status, kind, e.to_string())
}

async fn list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let rules = state
        .routing_admin()
        .list_rules()
        .await
        .map_err(api_error)?;
    let n = rules.len();
    Ok(Json(json!({"routing_rules": rules, "count": n, "total_count": n})).into_response())
}

async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let rule = state
        .routing_admin()
        .get_rule(&id)
        .await
        .map_err(api_error)?;
    Ok(Json(json!({"routing_rule": rule})).into_response())
}

async fn create(
    State(state): State<AppState>,
    headers: http::HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let body: Value = super::body::read_json(&state, &headers, body).await?;
    let rule = state
        .routing_admin()
        .create_rule(body)
        .await
        .map_err(api_error)?;
    Ok(Json(json!({"routing_rule": rule})).into_response())
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: http::HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let body: Value = super::body::read_json(&state, &headers, body).await?;
    let rule = state
        .routing_admin()
        .update_rule(&id, body)
        .await
        .map_err(api_error)?;
    Ok(
        Json(json!({"message": "Routing rule updated successfully", "routing_rule": rule}))
            .into_response(),
    )
}

async fn remove(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    state
        .routing_admin()
        .delete_rule(&id)
        .await
        .map_err(api_error)?;
    Ok(Json(json!({"message": "Routing rule deleted successfully"})).into_response())
}

async fn explain(
    State(state): State<AppState>,
    headers: http::HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let body: Value = super::body::read_json(&state, &headers, body).await?;
    let request: ExplainRequest = serde_path_to_error::deserialize(body).map_err(|e| {
        let path = e.path().to_string();
        api_error(RoutingError::Invalid(vec![format!(
            "{path}: {}",
            e.into_inner()
        )]))
    })?;
    let explained = state
        .routing_admin()
        .explain(request)
        .await
        .map_err(api_error)?;
    Ok(Json(explained).into_response())
}
