//! The HTTP server: shared state, the route table, and the listeners.
//!
//! One router serves TCP clients and the local unix socket; on TCP the management API
//! requires an admin credential, on the socket (mode 0600) the file permissions suffice.

mod admin_api;
pub(crate) mod body;
mod compat;
mod config_api;
mod error;
#[cfg(test)]
mod future_sizes;
mod governance_api;
mod health;
pub(crate) mod integrations;
mod listener;
mod logs_api;
mod management;
mod metrics;
mod native;
mod openai;
mod passthrough;
mod pipeline;
mod relay;
mod rerank;
mod routing_api;
mod stream;
mod transcription;

use std::sync::Arc;
use std::time::Instant;

use axum::routing::{get, post};

pub use error::ApiError;
pub use listener::Server;

use crate::admin::{
    apply_declared, AdminAuth, GovernanceError, LocalAdmin, LocalGovernance, LocalRouting,
    LocalSettings, Publisher,
};
use crate::config::{ClientConfig, FileConfig, OtelConfig, PricingConfig, SecretValue};
use crate::governance::cost::Pricing;
use crate::governance::{Clock, Engine, SystemClock, Timestamp};
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
    settings: LocalSettings,
    auth: AdminAuth,
    started: Instant,
}

impl AppState {
    /// Loads the providers and virtual keys from `store` and starts routing to them;
    /// `pricing` overrides the shipped price catalog; `otel` says where traces go.
    pub fn new(
        store: Arc<Store>,
        client: ClientConfig,
        admin_token: Option<SecretValue>,
        hooks: Pipeline,
        pricing: &PricingConfig,
        otel: &OtelConfig,
    ) -> Result<AppState, StoreError> {
        let client = crate::admin::settings::at_start(&store, client)?;
        let live = crate::config::live_client(&client);
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
        let routing = Arc::new(store.routing_defs()?);
        let snapshot = Snapshot::build(providers, &client, None).with_routing(routing);
        let router = Arc::new(Router::new(snapshot));
        let observability = Observability::start(&client, &live, otel, &store, hooks.background());
        let running = crate::admin::settings::Running {
            started: client.clone(),
            live,
            logging: observability.logs().is_some(),
        };
        let auth = AdminAuth::new(
            store.clone(),
            admin_token,
            Arc::new(SystemClock),
            hooks.background().clone(),
        )?;
        let hooks = hooks.prepend(observability.hooks());
        let publish: Publisher = {
            let router = router.clone();
            let client = client.clone();
            Arc::new(move |providers| {
                router.rebuild(|previous| Snapshot::build(providers, &client, Some(previous)));
            })
        };
        Ok(AppState {
            inner: Arc::new(Inner {
                router,
                hooks,
                gate,
                observability,
                settings: LocalSettings::new(store.clone(), Some(running)),
                admin: LocalAdmin::new(store, Some(publish)),
                client,
                auth,
                started: Instant::now(),
            }),
        })
    }

    /// Who may use the management API over TCP.
    pub fn auth(&self) -> &AdminAuth {
        &self.inner.auth
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
        let live = engine.clone();
        LocalGovernance::with_publisher(
            self.inner.admin.store().clone(),
            Arc::new(move |catalog| engine.apply(&catalog)),
        )
        .with_live_usage(live)
    }

    /// Routing-rule management on the server's store: every change is compiled into
    /// the live routing snapshot.
    pub fn routing_admin(&self) -> LocalRouting {
        LocalRouting::new(
            self.inner.admin.store().clone(),
            Some(self.inner.router.clone()),
        )
    }

    /// Client-settings management: live settings reach the request log at once.
    pub fn settings_admin(&self) -> &LocalSettings {
        &self.inner.settings
    }

    /// The governance stage of the request pipeline.
    fn gate(&self) -> &Arc<Gate> {
        &self.inner.gate
    }

    /// POSTs budget alerts to `url` (`[governance] alert_webhook_url`) from a
    /// background task, besides logging them.
    pub fn send_alerts_to(&self, url: &str) {
        let sink =
            crate::observability::AlertSink::start(url.to_string(), self.hooks().background());
        self.inner.gate.send_alerts_to(sink);
    }

    /// Whether inference requests must present a virtual key.
    pub fn auth_enforced(&self) -> bool {
        self.inner.gate.enforced()
    }

    fn json_repair(&self) -> crate::config::JsonRepairMode {
        self.inner.client.stream_json_repair
    }

    /// `[client] stream_resume`, and the most resumes one stream may make.
    fn stream_resume(&self) -> (bool, u32) {
        let c = &self.inner.client;
        (c.stream_resume, c.stream_resume_max)
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

/// Writes the providers, customers, teams and virtual keys a config file declares into
/// the store (the file wins for what it declares) and drops file-made ones the file no
/// longer declares. Declared keys' values are read (`env.VAR`) and hashed here.
pub fn apply_file(store: &Store, config: &FileConfig) -> Result<(), GovernanceError> {
    // Values first: a missing variable changes nothing.
    let declared = config
        .governance
        .declared()
        .map_err(GovernanceError::Invalid)?;
    for (name, provider) in &config.providers {
        store.put_provider(name, provider, Origin::File)?;
    }
    for (name, stored) in store.providers()? {
        if stored.origin == Origin::File && !config.providers.contains_key(&name) {
            tracing::info!(provider = %name, "removing provider no longer declared in the config file");
            store.delete_provider(&name)?;
        }
    }
    store.put_file_routing(&config.models, &config.routing_rules)?;
    store.put_file_settings(&crate::admin::settings::declared(
        &config.client,
        &config.client_keys.0,
    ))?;
    apply_declared(store, &declared, Timestamp(SystemClock.now()), true)
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

/// Who is calling: decides whether `/api` and `/metrics` need the admin token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A TCP client on another machine: `/api` and `/metrics` require an admin credential.
    Network,
    /// A TCP client on this machine (a loopback peer): `/api` requires the admin
    /// token, `/metrics` is open.
    Loopback,
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
        .merge(metrics::routes(&state, access))
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
