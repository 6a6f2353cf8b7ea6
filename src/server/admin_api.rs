//! `/api/admin/...`: admin tokens and the admin login over HTTP, so `bifrost admin
//! token ...` and `set-password` work through a running server (socket or `--url`),
//! and `/api/admin/whoami`, which `bifrost login` calls to verify a credential.
//! Every route sits behind the management guard (see `management.rs`).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, put};
use axum::{Extension, Json};
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::{ApiError, AppState};
use crate::admin::{CredentialError, Credentials, Principal};
use crate::store::StoreError;

/// The admin credential routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/admin/whoami", get(whoami))
        .route("/admin/tokens", get(list).post(create))
        .route("/admin/tokens/{name}", delete(revoke))
        .route("/admin/password", put(set_password))
}

impl From<CredentialError> for ApiError {
    fn from(e: CredentialError) -> Self {
        match e {
            CredentialError::Admin(e) => e.into(),
            CredentialError::NoToken(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", e.to_string())
            }
            CredentialError::Invalid(_) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                e.to_string(),
            ),
            CredentialError::Store(StoreError::NameTaken { .. }) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string())
            }
            CredentialError::Store(_) => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                e.to_string(),
            ),
        }
    }
}

/// Who the guard let in; absent on the unix socket, which needs no credential.
async fn whoami(principal: Option<Extension<Principal>>) -> Json<serde_json::Value> {
    let (kind, name) = match principal.map(|p| p.0) {
        None => ("local_socket", None),
        Some(Principal::ConfigToken) => ("config_token", None),
        Some(Principal::Token(name)) => ("token", Some(name)),
        Some(Principal::Login(name)) => ("login", Some(name)),
    };
    Json(json!({"kind": kind, "name": name}))
}

async fn list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let tokens = state.auth().list_tokens().await?;
    let n = tokens.len();
    Ok(Json(json!({"tokens": tokens, "count": n})).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateToken {
    name: String,
    #[serde(default)]
    expires_in_secs: Option<u64>,
}

async fn create(
    State(state): State<AppState>,
    headers: http::HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let req: CreateToken = super::body::read_json(&state, &headers, body).await?;
    let made = state
        .auth()
        .create_token(&req.name, req.expires_in_secs)
        .await?;
    tracing::info!(token = %made.info.name, "admin token created");
    Ok((StatusCode::CREATED, Json(made)).into_response())
}

async fn revoke(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    state.auth().revoke_token(&name).await?;
    tracing::info!(token = %name, "admin token revoked");
    Ok(Json(
        json!({"message": format!("admin token `{name}` revoked")}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetPassword {
    #[serde(default = "default_username")]
    username: String,
    password: String,
}

fn default_username() -> String {
    "admin".into()
}

async fn set_password(
    State(state): State<AppState>,
    headers: http::HeaderMap,
    body: axum::body::Body,
) -> Result<Json<serde_json::Value>, ApiError> {
    let req: SetPassword = super::body::read_json(&state, &headers, body).await?;
    state
        .auth()
        .set_password(&req.username, &req.password)
        .await?;
    tracing::info!(username = %req.username, "admin password set");
    Ok(Json(
        json!({"message": format!("admin login `{}` set", req.username)}),
    ))
}
