//! `/api/providers`: the reference gateway's management paths over [`Management`],
//! and the guard in front of all of `/api` on TCP: an admin token (`Bearer`) or the
//! admin login (`Basic`), checked by [`crate::admin::AdminAuth`]. With no credential
//! configured at all the API is closed on TCP and says how to open it. The unix socket
//! needs none: its file permissions are the credential.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::{Access, ApiError, AppState};
use crate::admin::{Denied, Management, ProviderDoc};
use crate::config::quote;

/// What every refusal says is accepted, and how to get it.
const ACCEPTED: &str = "the management API accepts `Authorization: Bearer <token>` with the [admin] token of bifrost.toml or a token made with `bifrost admin token create --name NAME`, or Basic auth with the login set by `bifrost admin set-password`; the CLI stores one with `bifrost login --url URL`";

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
        .route("/providers/{name}/health", get(health))
        .merge(super::governance_api::routes())
        .merge(super::admin_api::routes())
        .merge(super::routing_api::routes())
        .merge(super::config_api::routes())
        .merge(super::logs_api::routes());
    match access {
        Access::LocalSocket => router,
        Access::Network | Access::Loopback => {
            router.layer(middleware::from_fn_with_state(state, require_admin))
        }
    }
}

/// Lets `request` through only with an admin credential (on TCP).
pub(super) async fn require_admin(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    // The listener records the peer on `/api` requests; a request without one (served
    // in-process) counts as one unknown client.
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    let authorization = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .map(|v| v.as_bytes());
    match state.auth().check(peer, authorization).await {
        Ok(principal) => {
            request.extensions_mut().insert(principal);
            next.run(request).await
        }
        Err(denied) => refusal(&denied).into_response(),
    }
}

/// The answer for a refused request: what was wrong and how to get in.
fn refusal(denied: &Denied) -> ApiError {
    let unauthorized = |code, what: &str| {
        let mut e = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            format!("{what}; {ACCEPTED}"),
        )
        .code(code);
        e.headers.push((
            "www-authenticate",
            "Bearer realm=\"bifrost admin\", Basic realm=\"bifrost admin\"".into(),
        ));
        e
    };
    match denied {
        Denied::NotConfigured => ApiError::new(
            StatusCode::FORBIDDEN,
            "permission_error",
            "the management API is closed on TCP because no admin credential exists; on the server's machine run `bifrost admin token create --name NAME` or `bifrost admin set-password`, or set [admin] token = \"env.BIFROST_ADMIN_TOKEN\" in bifrost.toml and restart (the bifrost CLI on that machine talks over the data dir's unix socket and needs no credential)",
        )
        .code("admin_token_not_configured"),
        Denied::Missing => unauthorized("admin_token_missing", "no admin credential presented"),
        Denied::Malformed => unauthorized(
            "admin_credential_malformed",
            "the Authorization header is neither `Bearer <token>` nor Basic with base64 `username:password`",
        ),
        Denied::Invalid => unauthorized(
            "admin_token_invalid",
            "the admin credential presented is not valid (wrong, revoked, or meant for another server)",
        ),
        Denied::Expired(name) => unauthorized(
            "admin_token_expired",
            &format!("the admin token {} has expired; create a new one", quote(name)),
        ),
        Denied::RateLimited(wait) => {
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_error",
                format!("too many failed admin authentication attempts from this address; retry in {wait} s"),
            )
            .code("admin_auth_rate_limited");
            e.retry_after = Some(wait.to_string());
            e
        }
    }
}

async fn list(
    State(state): State<AppState>,
    Query(q): Query<Secrets>,
) -> Result<Response, ApiError> {
    let providers = state.admin().list_providers(q.include_secrets).await?;
    let n = providers.len();
    Ok(Json(json!({"providers": providers, "count": n, "total_count": n})).into_response())
}

/// `GET /api/providers/{name}/health`: the live health of the provider and its keys.
async fn health(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<crate::admin::ProviderHealthDoc>, ApiError> {
    let router = state.router();
    let now = router.clock().now_ms();
    Ok(Json(crate::admin::health_report(
        &router.snapshot(),
        now,
        &name,
    )?))
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
