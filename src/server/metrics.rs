//! `GET /metrics`: Prometheus scrapes. Open on the unix socket and to loopback peers
//! (a Prometheus on the same machine needs no token); from other machines it takes the
//! admin token like `/api`, unless `client.whitelisted_routes` lists it.

use axum::extract::State;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{Access, AppState};

/// OpenMetrics text, which Prometheus asks for and understands.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The `/metrics` route, guarded for `access`.
pub(super) fn routes(state: &AppState, access: Access) -> axum::Router<AppState> {
    let router = axum::Router::new().route("/metrics", get(scrape));
    let open = match access {
        Access::LocalSocket | Access::Loopback => true,
        Access::Network => whitelisted(&state.inner.client.whitelisted_routes, "/metrics"),
    };
    if open {
        router
    } else {
        router.layer(middleware::from_fn_with_state(
            state.clone(),
            super::management::require_admin,
        ))
    }
}

async fn scrape(State(state): State<AppState>) -> Response {
    let body = state.observability().render_metrics();
    ([(http::header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response()
}

/// Whether `routes` (the reference gateway's `whitelisted_routes`: exact paths, or
/// prefixes ending in `*`) lets `path` skip the admin token.
fn whitelisted(routes: &[String], path: &str) -> bool {
    routes.iter().any(|r| match r.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => r == path,
    })
}

#[cfg(test)]
mod tests {
    use super::whitelisted;

    #[test]
    fn exact_paths_and_prefixes() {
        let routes = ["/metrics".to_string(), "/api/logs*".to_string()];
        assert!(whitelisted(&routes, "/metrics"));
        assert!(!whitelisted(&routes, "/metricsx"));
        assert!(whitelisted(&["/met*".to_string()], "/metrics"));
        assert!(!whitelisted(&[], "/metrics"));
    }
}
