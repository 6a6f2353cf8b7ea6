//! From a model name to an upstream call: the immutable routing snapshot, model
//! resolution, weighted key choice with failover, and per-provider concurrency.
//!
//! Requests read the current [`Snapshot`] through an `ArcSwap` (no lock); a management
//! change builds a whole new snapshot and swaps it in, so no request ever sees a
//! half-applied change.

mod alias;
mod clock;
mod dispatch;
mod health;
mod keys;
mod limiter;
mod plan;
mod resolve;
mod resume;
mod retry;
mod rules;
mod rules_explain;
mod rules_facts;
mod rules_headers;
#[cfg(test)]
mod rules_tests;
mod started;

use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use indexmap::IndexMap;

pub use clock::{Clock, ManualClock, SystemClock};
pub use dispatch::{
    dispatch_avoiding, dispatch_with, Avoid, DispatchError, Dispatched, Entry, KeyFailure,
    OpenBreaker, Redaction,
};
pub use health::{BreakerState, Health, ProviderHealth, Verdict};
pub use limiter::{Limiter, Permit};
pub use plan::Plan;
pub use resolve::{Route, RouteError};
pub use resume::{continuation, Partial, ResumedFrom, Splice};
pub use rules_explain::{Explanation, RuleResult, TargetView};
pub use rules_facts::{Named, RouteFacts};
pub use started::started;

use crate::config::{ClientConfig, KeyConfig, ProviderConfig, ProviderType};
use crate::providers::{self, Provider};
use crate::schema::{Model, ModelList};

/// One configured provider, ready to serve.
pub struct ProviderRuntime {
    /// Its name (the `provider/` prefix of model ids).
    pub name: String,
    /// Its settings.
    pub config: ProviderConfig,
    /// `config.keys`, shared so each call can carry its key without copying it.
    pub keys: Vec<Arc<KeyConfig>>,
    /// The wire adapter (owns the connection pool).
    pub adapter: Arc<dyn Provider>,
    /// Upstream concurrency and queue.
    pub limiter: Limiter,
    /// Live health of the provider and each key (kept while its settings are unchanged).
    pub health: ProviderHealth,
}

/// Everything a request needs to be routed, frozen at one point in time.
#[derive(Default)]
pub struct Snapshot {
    providers: IndexMap<String, Arc<ProviderRuntime>>,
    /// Aliases and routing rules, compiled against `providers`.
    routing: Arc<rules::Routing>,
}

impl Snapshot {
    /// Builds a snapshot; providers whose settings did not change keep their runtime
    /// (connection pool, in-flight count) from `previous`, and `previous`'s aliases and
    /// rules are compiled again over the new providers.
    pub fn build(
        providers: impl IntoIterator<Item = (String, ProviderConfig)>,
        client: &ClientConfig,
        previous: Option<&Snapshot>,
    ) -> Snapshot {
        let providers = providers
            .into_iter()
            .map(|(name, config)| {
                let reused = previous
                    .and_then(|p| p.providers.get(&name))
                    .filter(|old| old.config == config)
                    .cloned();
                let runtime = reused.unwrap_or_else(|| {
                    let concurrency = config
                        .network
                        .max_concurrency
                        .unwrap_or(client.initial_pool_size);
                    Arc::new(ProviderRuntime {
                        adapter: providers::build_with(&config, &client.compat),
                        limiter: Limiter::new(
                            concurrency,
                            config.network.queue_size,
                            client.drop_excess_requests,
                        ),
                        name: name.clone(),
                        health: ProviderHealth::new(config.keys.len()),
                        keys: config.keys.iter().cloned().map(Arc::new).collect(),
                        config,
                    })
                });
                runtime.health.set_adaptive(
                    runtime
                        .config
                        .health
                        .adaptive_balancing
                        .unwrap_or(client.adaptive_balancing),
                );
                (name, runtime)
            })
            .collect();
        let snapshot = Snapshot {
            providers,
            routing: Arc::default(),
        };
        match previous {
            Some(p) if !p.routing.is_empty() => snapshot.with_routing(p.routing.defs.clone()),
            _ => snapshot,
        }
    }

    /// Provider names in declaration order.
    pub fn provider_names(&self) -> impl Iterator<Item = &str> {
        self.providers.keys().map(String::as_str)
    }

    /// The provider named `name`.
    pub fn provider(&self, name: &str) -> Option<&Arc<ProviderRuntime>> {
        self.providers.get(name)
    }

    /// How many providers are configured.
    pub fn provider_count(&self) -> usize {
        self.providers.len()
    }

    /// Every `provider/model` that keys list explicitly (the mock advertises
    /// `demo-model`), then every alias.
    pub fn models(&self) -> ModelList {
        let mut data = Vec::new();
        for (name, p) in &self.providers {
            let mut listed: Vec<&str> = Vec::new();
            for key in &p.config.keys {
                for m in &key.models {
                    if !listed.contains(&m.as_str()) {
                        listed.push(m);
                    }
                }
            }
            if listed.is_empty() && p.config.kind == ProviderType::Mock {
                listed.push("demo-model");
            }
            data.extend(listed.into_iter().map(|m| Model {
                id: format!("{name}/{m}"),
                object: "model".into(),
                created: 0,
                owned_by: name.clone(),
            }));
        }
        data.extend(self.routing.defs.aliases.keys().map(|name| Model {
            id: name.clone(),
            object: "model".into(),
            created: 0,
            owned_by: "bifrost".into(),
        }));
        ModelList {
            object: "list".into(),
            data,
        }
    }
}

/// The live routing state shared by every request.
pub struct Router {
    current: ArcSwap<Snapshot>,
    /// Serialises [`Router::rebuild`]s so two quick changes cannot publish out of order.
    order: Mutex<()>,
    clock: ArcSwap<Box<dyn Clock>>,
}

impl Router {
    /// Starts serving `snapshot`.
    pub fn new(snapshot: Snapshot) -> Self {
        Router {
            current: ArcSwap::from_pointee(snapshot),
            order: Mutex::new(()),
            clock: ArcSwap::from_pointee(Box::new(SystemClock)),
        }
    }

    /// The clock health state and retry backoff run on.
    pub fn clock(&self) -> Arc<Box<dyn Clock>> {
        self.clock.load_full()
    }

    /// Replaces the clock: tests drive cooldowns, breakers and backoff with a
    /// [`ManualClock`] instead of waiting.
    pub fn set_clock(&self, clock: impl Clock) {
        self.clock.store(Arc::new(Box::new(clock)));
    }

    /// The snapshot in force now; hold it for the whole request.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Replaces the snapshot; requests already running keep the one they loaded.
    pub fn publish(&self, snapshot: Snapshot) {
        self.current.store(Arc::new(snapshot));
    }

    /// Publishes what `change` makes of the snapshot in force, one change at a time
    /// (management changes only: requests never wait on it).
    pub fn rebuild(&self, change: impl FnOnce(&Snapshot) -> Snapshot) {
        let _turn = self.order.lock().unwrap_or_else(|p| p.into_inner());
        let next = change(&self.snapshot());
        self.publish(next);
    }
}
