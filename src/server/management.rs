//! `/api/providers`: the reference gateway's management paths over [`Management`].
//! On TCP every call needs `Authorization: Bearer <admin token>`; with no token
//! configured the API is closed on TCP and says how to open it.

use axum::extract::{Path, Query, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use subtle::ConstantTimeEq;

use super::{Access, ApiError, AppState};
use crate::admin::{Management, ProviderDoc};
use crate::config::quote;

#[derive(Deserialize)]
struct Secrets {
    #[serde(default)]
    include_secrets: bool,
}

/// The management routes, guarded for `access`.
pub fn routes(state: AppState, access: Access) -> axum::Router<AppState> {
    let router = axum::Router::new()
        .route("/providers", get(list).post(create))
        .route("/providers/{name}", get(show).put(update).delete(remove))
        .merge(super::governance_api::routes())
        .merge(super::logs_api::routes());
    match access {
        Access::LocalSocket => router,
        Access::Network => router.layer(middleware::from_fn_with_state(state, require_token)),
    }
}

async fn require_token(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(expected) = &state.inner.admin_token else {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "permission_error",
            "the management API is closed on TCP because no admin token is set; set [admin] token = \"env.BIFROST_ADMIN_TOKEN\" in bifrost.toml (or export BIFROST_ADMIN_TOKEN) and restart, or use the bifrost CLI on this machine, which talks over the data dir's unix socket",
        )
        .code("admin_token_not_configured")
        .into_response();
    };
    let expected = match expected.resolve() {
        Ok(v) => v,
        Err(e) => {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "permission_error",
                format!("the admin token cannot be read: {e}"),
            )
            .code("admin_token_not_configured")
            .into_response()
        }
    };
    let presented = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if presented.is_empty() {
        return ApiError::new(StatusCode::UNAUTHORIZED, "authentication_error", "the management API needs `Authorization: Bearer <admin token>` (the value of [admin] token)")
            .code("admin_token_missing")
            .into_response();
    }
    if !bool::from(presented.as_bytes().ct_eq(expected.as_bytes())) {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "the admin token presented does not match [admin] token",
        )
        .code("admin_token_invalid")
        .into_response();
    }
    next.run(request).await
}

async fn list(
    State(state): State<AppState>,
    Query(q): Query<Secrets>,
) -> Result<Response, ApiError> {
    let providers = state.admin().list_providers(q.include_secrets).await?;
    let n = providers.len();
    Ok(Json(json!({"providers": providers, "count": n, "total_count": n})).into_response())
}

async fn show(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<Secrets>,
) -> Result<Json<ProviderDoc>, ApiError> {
    Ok(Json(
        state.admin().get_provider(&name, q.include_secrets).await?,
    ))
}

async fn create(
    State(state): State<AppState>,
    headers: http::HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let doc: ProviderDoc = super::body::read_json(&state, &headers, body).await?;
    let created = state.admin().create_provider(doc).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn update(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: http::HeaderMap,
    body: axum::body::Body,
) -> Result<Json<ProviderDoc>, ApiError> {
    let mut doc: ProviderDoc = super::body::read_json(&state, &headers, body).await?;
    if doc.provider != name {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            format!(
                "the body names provider {} but the path names {}; renaming is not supported",
                quote(&doc.provider),
                quote(&name)
            ),
        ));
    }
    doc.origin = None;
    Ok(Json(state.admin().update_provider(doc).await?))
}

async fn remove(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    state.admin().delete_provider(&name).await?;
    Ok(Json(
        json!({"message": format!("provider `{name}` deleted")}),
    ))
}
