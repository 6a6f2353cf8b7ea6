//! The HTTP server: shared state, the route table, and the listeners.
//!
//! One router serves TCP clients and the local unix socket; on TCP the management API
//! requires the admin token, on the socket (mode 0600) the file permissions suffice.

pub(crate) mod body;
mod compat;
mod error;
mod governance_api;
mod health;
pub(crate) mod integrations;
mod listener;
mod logs_api;
mod management;
mod native;
mod openai;
mod passthrough;
mod pipeline;
mod relay;
mod rerank;
mod stream;
mod transcription;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::routing::{get, post};

pub use error::ApiError;
pub use listener::Server;

use crate::admin::{LocalAdmin, LocalGovernance, Publisher};
use crate::config::{ClientConfig, FileConfig, PricingConfig, SecretValue};
use crate::governance::cost::Pricing;
use crate::governance::{Engine, SystemClock};
use crate::hooks::Pipeline;
use crate::observability::Observability;
use crate::routing::{Router, Snapshot};
use crate::store::{Origin, Store, StoreError};
use pipeline::Gate;

/// Shared server state: a cheap clone over one allocation.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    router: Arc<Router>,
    hooks: Pipeline,
    gate: Arc<Gate>,
    observability: Observability,
    admin: LocalAdmin,
    client: ClientConfig,
    admin_token: Option<SecretValue>,
    started: Instant,
}

impl AppState {
    /// Loads the providers and virtual keys from `store` and starts routing to them;
    /// `pricing` overrides the shipped price catalog.
    pub fn new(
        store: Arc<Store>,
        client: ClientConfig,
        admin_token: Option<SecretValue>,
        hooks: Pipeline,
        pricing: &PricingConfig,
    ) -> Result<AppState, StoreError> {
        let engine = Engine::new(SystemClock);
        engine.apply(&store.catalog()?);
        engine.load(&store.usage_records()?);
        let gate = Arc::new(Gate::new(
            engine,
            Pricing::new(pricing.clone()),
            client.enforce_auth_on_inference.unwrap_or(false),
        ));
        let providers: Vec<_> = store
            .providers()?
            .into_iter()
            .map(|(name, p)| (name, p.config))
            .collect();
        let router = Arc::new(Router::new(Snapshot::build(providers, &client, None)));
        let observability = Observability::start(&client, &store, hooks.background());
        let hooks = hooks.prepend(observability.hooks());
        let publish: Publisher = {
            let router = router.clone();
            let client = client.clone();
            // Serialises publishers so two quick changes cannot publish out of order.
            let order = Mutex::new(());
            Arc::new(move |providers| {
                let _turn = order.lock().unwrap_or_else(|p| p.into_inner());
                let previous = router.snapshot();
                router.publish(Snapshot::build(providers, &client, Some(&previous)));
            })
        };
        Ok(AppState {
            inner: Arc::new(Inner {
                router,
                hooks,
                gate,
                observability,
                admin: LocalAdmin::new(store, Some(publish)),
                client,
                admin_token,
                started: Instant::now(),
            }),
        })
    }

    /// The routing state.
    pub fn router(&self) -> &Router {
        &self.inner.router
    }

    /// The hook pipeline.
    pub fn hooks(&self) -> &Pipeline {
        &self.inner.hooks
    }

    /// Request logs, metrics and traces.
    pub fn observability(&self) -> &Observability {
        &self.inner.observability
    }

    /// Management on the server's store.
    pub fn admin(&self) -> &LocalAdmin {
        &self.inner.admin
    }

    /// Governance management on the server's store: every change reaches the engine
    /// that checks requests, so it applies from the next request on.
    pub fn governance(&self) -> LocalGovernance {
        let engine = self.inner.gate.engine().clone();
        LocalGovernance::with_publisher(
            self.inner.admin.store().clone(),
            Arc::new(move |catalog| engine.apply(&catalog)),
        )
    }

    /// The governance stage of the request pipeline.
    fn gate(&self) -> &Arc<Gate> {
        &self.inner.gate
    }

    /// Whether inference requests must present a virtual key.
    pub fn auth_enforced(&self) -> bool {
        self.inner.gate.enforced()
    }

    fn json_repair(&self) -> crate::config::JsonRepairMode {
        self.inner.client.stream_json_repair
    }

    fn compat(&self) -> &crate::config::CompatConfig {
        &self.inner.client.compat
    }

    fn body_limit_mb(&self) -> u64 {
        self.inner.client.max_request_body_size_mb
    }

    fn body_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.inner.client.request_body_timeout_secs)
    }

    fn body_limit_bytes(&self) -> usize {
        usize::try_from(self.body_limit_mb().saturating_mul(1024 * 1024)).unwrap_or(usize::MAX)
    }
}

/// Writes the providers a config file declares into the store (the file wins for what it
/// declares) and drops file-made providers the file no longer declares.
pub fn apply_file(store: &Store, config: &FileConfig) -> Result<(), StoreError> {
    for (name, provider) in &config.providers {
        store.put_provider(name, provider, Origin::File)?;
    }
    for (name, stored) in store.providers()? {
        if stored.origin == Origin::File && !config.providers.contains_key(&name) {
            tracing::info!(provider = %name, "removing provider no longer declared in the config file");
            store.delete_provider(&name)?;
        }
    }
    Ok(())
}

/// Serves one `POST path` with a JSON `body` through the route table in-process, as if
/// it came over the local socket: the same pipeline a client's request takes, with no
/// listener (`bifrost provider test` with no server running). Returns the status and
/// the whole body.
pub async fn serve_one(
    state: &AppState,
    path: &str,
    request_id: &str,
    body: bytes::Bytes,
) -> (u16, bytes::Bytes) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = http::Request::post(path)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header("x-request-id", request_id)
        .body(axum::body::Body::from(body));
    let Ok(request) = request else {
        return (400, bytes::Bytes::from_static(b"{}"));
    };
    let response = match routes(state.clone(), Access::LocalSocket)
        .oneshot(request)
        .await
    {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    (status, body)
}

/// Who is calling: decides whether `/api` needs the admin token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A TCP client: `/api` requires the admin token.
    Network,
    /// The local unix socket: file permissions already restrict it to this user.
    LocalSocket,
}

/// The route table. Routes are registered flat under each OpenAI prefix rather than
/// nested: nesting costs extension inserts and a path rewrite on every request.
pub fn routes(state: AppState, access: Access) -> axum::Router {
    let mut router = axum::Router::new().route("/health", get(health::health));
    for prefix in ["/v1", "/openai/v1", "/openai", "/litellm/v1", "/litellm"] {
        router = router
            .route(&format!("{prefix}/chat/completions"), post(openai::chat))
            .route(&format!("{prefix}/completions"), post(openai::completions))
            .route(&format!("{prefix}/embeddings"), post(openai::embeddings))
            .route(&format!("{prefix}/models"), get(openai::models))
            .route(&format!("{prefix}/responses"), post(passthrough::responses))
            .route(
                &format!("{prefix}/images/generations"),
                post(passthrough::images),
            )
            .route(&format!("{prefix}/audio/speech"), post(passthrough::speech))
            .route(
                &format!("{prefix}/audio/transcriptions"),
                post(transcription::transcriptions),
            )
            .route(
                &format!("{prefix}/moderations"),
                post(passthrough::moderations),
            )
            .route(&format!("{prefix}/rerank"), post(rerank::rerank));
    }
    router
        .merge(integrations::anthropic::routes())
        .merge(integrations::genai::routes())
        .merge(integrations::bedrock::routes())
        .merge(integrations::cohere::routes())
        .merge(integrations::litellm::routes())
        .nest("/api", management::routes(state.clone(), access))
        .fallback(|method: http::Method, uri: http::Uri| async move {
            ApiError::no_route(&method, uri.path())
        })
        .method_not_allowed_fallback(|method: http::Method, uri: http::Uri| async move {
            ApiError::wrong_method(&method, uri.path())
        })
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ProviderConfig, ProviderType};

    #[test]
    fn the_file_wins_for_what_it_declares_and_only_for_that() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mock = ProviderConfig::new(ProviderType::Mock);
        store.put_provider("dropped", &mock, Origin::File).unwrap();
        store.put_provider("kept", &mock, Origin::Api).unwrap();
        store.put_provider("declared", &mock, Origin::Api).unwrap();
        let file = FileConfig::parse(
            "[providers.declared]\ntype = \"openai\"\n[providers.fresh]\ntype = \"mock\"\n",
        )
        .unwrap();
        apply_file(&store, &file).unwrap();
        let now: Vec<(String, ProviderType, Origin)> = store
            .providers()
            .unwrap()
            .into_iter()
            .map(|(n, p)| (n, p.config.kind, p.origin))
            .collect();
        assert_eq!(
            now,
            [
                ("kept".to_string(), ProviderType::Mock, Origin::Api),
                ("declared".to_string(), ProviderType::Openai, Origin::File),
                ("fresh".to_string(), ProviderType::Mock, Origin::File),
            ]
        );
    }
}
