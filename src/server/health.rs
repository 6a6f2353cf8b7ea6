//! `GET /health`: liveness plus a store round trip, for load balancers and scripts.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::json;

use super::AppState;

/// 200 when the store answers, 503 otherwise; always JSON.
pub async fn health(State(state): State<AppState>) -> Response {
    let store = state.admin().store().clone();
    let store_status = match tokio::task::spawn_blocking(move || store.ping()).await {
        Ok(Ok(())) => "ok".to_string(),
        Ok(Err(e)) => format!("error: {e}"),
        Err(e) => format!("error: {e}"),
    };
    let ok = store_status == "ok";
    let body = json!({
        "status": if ok { "ok" } else { "degraded" },
        "version": env!("CARGO_PKG_VERSION"),
        "uptime_secs": state.inner.started.elapsed().as_secs(),
        "store": store_status,
        "providers": state.router().snapshot().provider_count(),
    });
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}
