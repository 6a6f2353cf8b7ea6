//! `/api/governance/...`: virtual keys, teams, customers and usage, in the reference
//! gateway's paths and shapes (`{"virtual_key": {...}}`), over [`LocalGovernance`].
//! Mounted inside the management router, so it has the same admin auth as `/api/providers`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use http::StatusCode;
use serde_json::{json, Value};

use super::{ApiError, AppState};
use crate::admin::{Governance, GovernanceError, Kind, LocalGovernance};

/// The governance routes, relative to `/api`.
pub fn routes() -> axum::Router<AppState> {
    let mut router = axum::Router::new();
    for kind in [Kind::VirtualKey, Kind::Team, Kind::Customer] {
        let base = format!("/governance/{}", kind.path());
        router = router
            .route(
                &base,
                get(move |s: State<AppState>| list(s, kind)).post(
                    move |s: State<AppState>, h: http::HeaderMap, b: axum::body::Body| {
                        create(s, kind, h, b)
                    },
                ),
            )
            .route(
                &format!("{base}/{{id}}"),
                get(move |s: State<AppState>, p: Path<String>| show(s, kind, p))
                    .put(
                        move |s: State<AppState>,
                              p: Path<String>,
                              h: http::HeaderMap,
                              b: axum::body::Body| {
                            update(s, kind, p, h, b)
                        },
                    )
                    .delete(move |s: State<AppState>, p: Path<String>| remove(s, kind, p)),
            );
    }
    router
        .route("/governance/virtual-keys/{id}/rotate", post(rotate))
        .route("/governance/virtual-keys/{id}/usage", get(usage))
        .route("/governance/import", post(import))
}

fn governance(state: &AppState) -> LocalGovernance {
    state.governance()
}

fn api_error(e: GovernanceError) -> ApiError {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let kind = match status.as_u16() {
        400 => "invalid_request_error",
        404 => "not_found",
        409 => "conflict",
        _ => "server_error",
    };
    ApiError::new(status, kind, e.to_string())
}

fn title(kind: Kind) -> String {
    let noun = kind.noun();
    noun[..1].to_uppercase() + &noun[1..]
}

async fn list(State(state): State<AppState>, kind: Kind) -> Result<Response, ApiError> {
    let items = governance(&state).list(kind).await.map_err(api_error)?;
    let n = items.len();
    Ok(Json(json!({kind.many(): items, "count": n, "total_count": n})).into_response())
}

async fn show(
    State(state): State<AppState>,
    kind: Kind,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let item = governance(&state).get(kind, &id).await.map_err(api_error)?;
    Ok(Json(json!({kind.one(): item})).into_response())
}

async fn create(
    State(state): State<AppState>,
    kind: Kind,
    headers: http::HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let body: Value = super::body::read_json(&state, &headers, body).await?;
    let item = governance(&state)
        .create(kind, body)
        .await
        .map_err(api_error)?;
    Ok(Json(json!({kind.one(): item})).into_response())
}

async fn update(
    State(state): State<AppState>,
    kind: Kind,
    Path(id): Path<String>,
    headers: http::HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let body: Value = super::body::read_json(&state, &headers, body).await?;
    let item = governance(&state)
        .update(kind, &id, body)
        .await
        .map_err(api_error)?;
    let message = format!("{} updated successfully", title(kind));
    Ok(Json(json!({"message": message, kind.one(): item})).into_response())
}

async fn remove(
    State(state): State<AppState>,
    kind: Kind,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    governance(&state)
        .delete(kind, &id)
        .await
        .map_err(api_error)?;
    let message = format!("{} deleted successfully", title(kind));
    Ok(Json(json!({"message": message})).into_response())
}

async fn rotate(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let item = governance(&state).rotate(&id).await.map_err(api_error)?;
    Ok(Json(json!({"message": "Virtual key rotated; the old value no longer works", "virtual_key": item})).into_response())
}

async fn import(
    State(state): State<AppState>,
    headers: http::HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let body: Value = super::body::read_json(&state, &headers, body).await?;
    let written = governance(&state).import(body).await.map_err(api_error)?;
    // Providers and routing rules came in the same write: the live routing is rebuilt.
    let stale = |e: String| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "store_error",
            format!("imported, but the live routing was not refreshed: {e}"),
        )
    };
    state
        .admin()
        .republish()
        .await
        .map_err(|e| stale(e.to_string()))?;
    state
        .routing_admin()
        .republish()
        .await
        .map_err(|e| stale(e.to_string()))?;
    Ok(Json(json!({"message": "Imported", "imported": written})).into_response())
}

async fn usage(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let usage = governance(&state).usage(&id).await.map_err(api_error)?;
    Ok(Json(usage).into_response())
}
