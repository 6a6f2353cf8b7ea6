//! Routing management on a store this process holds. In the server every change is
//! compiled into a new routing snapshot and published, so it applies from the next
//! request on; the CLI without a server explains against a snapshot built from the
//! store.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{Map, Value};

use super::routing::{ExplainRequest, RoutingAdmin, RoutingError};
use crate::config::limits::check_count;
use crate::config::{quote, ClientConfig, RoutingRule, MAX_RULES};
use crate::governance::{Clock, Customer, SystemClock, Team, VirtualKey};
use crate::routing::{Explanation, Named, RouteFacts, Router, Snapshot};
use crate::store::Store;

/// Routing management over an open store.
#[derive(Clone)]
pub struct LocalRouting {
    store: Arc<Store>,
    /// The server's live routing, which changes are published to; `None` in the CLI.
    router: Option<Arc<Router>>,
}

impl LocalRouting {
    /// Manages `store`; changes are published to `router` when given.
    pub fn new(store: Arc<Store>, router: Option<Arc<Router>>) -> Self {
        LocalRouting { store, router }
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, RoutingError> + Send + 'static,
    ) -> Result<T, RoutingError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| RoutingError::Unreachable(format!("store task failed: {e}")))?
    }

    /// Compiles the store's aliases and rules into the live snapshot.
    pub async fn republish(&self) -> Result<(), RoutingError> {
        let Some(router) = self.router.clone() else {
            return Ok(());
        };
        let defs = Arc::new(self.blocking(|s| Ok(s.routing_defs()?)).await?);
        router.rebuild(|current| current.rerouted(defs));
        Ok(())
    }

    /// Validates and stores `rule` (a new one when `creating`), then publishes.
    async fn write(&self, rule: RoutingRule, creating: bool) -> Result<RoutingRule, RoutingError> {
        let stored = self
            .blocking(move |s| {
                let providers = s.providers()?;
                let known = |p: &str| providers.iter().any(|(n, _)| n == p);
                let problems = rule.problems(&known);
                if !problems.is_empty() {
                    return Err(RoutingError::Invalid(problems));
                }
                if s.file_rules()?.iter().any(|r| r.name == rule.name) {
                    return Err(RoutingError::Conflict(format!(
                        "a routing rule named {} is declared in bifrost.toml; pick another name",
                        quote(&rule.name)
                    )));
                }
                if creating {
                    // One more than the bound allows is refused, so count with it.
                    let count = s.records::<RoutingRule>()?.len() + 1;
                    if let Err(e) = check_count("routing_rules", count, MAX_RULES) {
                        return Err(RoutingError::Invalid(vec![e.to_string()]));
                    }
                } else if s.record::<RoutingRule>(&rule.id)?.is_none() {
                    return Err(RoutingError::NotFound(rule.id));
                }
                s.put_record(&rule).map_err(|e| match e {
                    e @ crate::store::StoreError::NameTaken { .. } => {
                        RoutingError::Conflict(e.to_string())
                    }
                    e => RoutingError::Store(e),
                })?;
                Ok(rule)
            })
            .await?;
        self.republish().await?;
        Ok(stored)
    }

    /// The API rule `id` names (by id, else by name), or why it cannot be changed.
    fn find(s: &Store, id: &str) -> Result<RoutingRule, RoutingError> {
        if let Some(rule) = s.record::<RoutingRule>(id)? {
            return Ok(rule);
        }
        if let Some(rule) = s
            .records::<RoutingRule>()?
            .into_iter()
            .find(|r| r.name == id)
        {
            return Ok(rule);
        }
        if s.file_rules()?.iter().any(|r| r.id == id || r.name == id) {
            return Err(RoutingError::Conflict(format!(
                "routing rule {} is declared in bifrost.toml; change it there",
                quote(id)
            )));
        }
        Err(RoutingError::NotFound(id.to_string()))
    }

    /// The snapshot to explain against: the server's live one, or one built from the
    /// store.
    async fn snapshot(&self) -> Result<Arc<Snapshot>, RoutingError> {
        if let Some(router) = &self.router {
            return Ok(router.snapshot());
        }
        let (providers, defs) = self
            .blocking(|s| {
                let providers: Vec<_> = s
                    .providers()?
                    .into_iter()
                    .map(|(name, p)| (name, p.config))
                    .collect();
                Ok((providers, s.routing_defs()?))
            })
            .await?;
        let snapshot = Snapshot::build(providers, &ClientConfig::default(), None);
        Ok(Arc::new(snapshot.with_routing(Arc::new(defs))))
    }
}

fn decode_rule(v: Value) -> Result<RoutingRule, RoutingError> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        RoutingError::Invalid(vec![if path == "." {
            inner
        } else {
            format!("{path}: {inner}")
        }])
    })
}

fn object(body: Value) -> Result<Map<String, Value>, RoutingError> {
    match body {
        Value::Object(o) => Ok(o),
        _ => Err(RoutingError::Invalid(vec![
            "the body must be a JSON object (the routing rule)".into(),
        ])),
    }
}

/// The governance facts of the key named `wanted` (by name or id).
struct KeyFacts {
    key: VirtualKey,
    team: Option<Team>,
    customer: Option<Customer>,
}

fn key_facts(s: &Store, wanted: &str) -> Result<KeyFacts, RoutingError> {
    let key = s
        .records::<VirtualKey>()?
        .into_iter()
        .find(|k| k.name == wanted || k.id == wanted)
        .ok_or_else(|| {
            RoutingError::Invalid(vec![format!(
                "virtual_key: no virtual key is named {} (see `bifrost vk list`)",
                quote(wanted)
            )])
        })?;
    let team = match &key.team_id {
        Some(id) => s.record::<Team>(id)?,
        None => None,
    };
    let customer_id = key
        .customer_id
        .clone()
        .or_else(|| team.as_ref().and_then(|t| t.customer_id.clone()));
    let customer = match customer_id {
        Some(id) => s.record::<Customer>(&id)?,
        None => None,
    };
    Ok(KeyFacts {
        key,
        team,
        customer,
    })
}

fn header_map(pairs: &indexmap::IndexMap<String, String>) -> Result<http::HeaderMap, RoutingError> {
    let mut map = http::HeaderMap::new();
    for (name, value) in pairs {
        let n = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            RoutingError::Invalid(vec![format!(
                "headers: {} is not a header name",
                quote(name)
            )])
        })?;
        let v = http::HeaderValue::from_str(value).map_err(|_| {
            RoutingError::Invalid(vec![format!(
                "headers.{}: the value is not a valid header value",
                quote(name)
            )])
        })?;
        map.append(n, v);
    }
    Ok(map)
}

#[async_trait]
impl RoutingAdmin for LocalRouting {
    async fn list_rules(&self) -> Result<Vec<RoutingRule>, RoutingError> {
        self.blocking(|s| Ok(s.routing_defs()?.rules)).await
    }

    async fn get_rule(&self, id: &str) -> Result<RoutingRule, RoutingError> {
        let id = id.to_string();
        self.blocking(move |s| {
            let mut rules = s.routing_defs()?.rules;
            let at = rules.iter().position(|r| r.id == id);
            match at.or_else(|| rules.iter().position(|r| r.name == id)) {
                Some(i) => Ok(rules.swap_remove(i)),
                None => Err(RoutingError::NotFound(id)),
            }
        })
        .await
    }

    async fn create_rule(&self, body: Value) -> Result<RoutingRule, RoutingError> {
        let mut rule = decode_rule(body)?;
        rule.id = uuid::Uuid::new_v4().to_string();
        rule.created_at = SystemClock.now();
        self.write(rule, true).await
    }

    async fn update_rule(&self, id: &str, patch: Value) -> Result<RoutingRule, RoutingError> {
        let patch = object(patch)?;
        let id = id.to_string();
        let current = self.blocking(move |s| Self::find(s, &id)).await?;
        let mut merged = object(serde_json::to_value(&current).unwrap_or(Value::Null))?;
        for (k, v) in patch {
            merged.insert(k, v);
        }
        let mut rule = decode_rule(Value::Object(merged))?;
        // Identity is not the patch's to change.
        rule.id = current.id;
        rule.created_at = current.created_at;
        self.write(rule, false).await
    }

    async fn delete_rule(&self, id: &str) -> Result<(), RoutingError> {
        let id = id.to_string();
        self.blocking(move |s| {
            let rule = Self::find(s, &id)?;
            s.delete_record::<RoutingRule>(&rule.id)?;
            Ok(())
        })
        .await?;
        self.republish().await
    }

    async fn explain(&self, request: ExplainRequest) -> Result<Explanation, RoutingError> {
        let headers = header_map(&request.headers)?;
        let key = match request.virtual_key.clone() {
            Some(wanted) => Some(self.blocking(move |s| key_facts(s, &wanted)).await?),
            None => None,
        };
        let snapshot = self.snapshot().await?;
        let facts = RouteFacts {
            request_type: request.request_type.as_deref().unwrap_or("chat_completion"),
            headers: Some(&headers),
            params: request.params.as_ref(),
            virtual_key: key.as_ref().map(|k| Named {
                id: &k.key.id,
                name: &k.key.name,
            }),
            team: key.as_ref().and_then(|k| {
                let t = k.team.as_ref()?;
                Some(Named {
                    id: &t.id,
                    name: &t.name,
                })
            }),
            customer: key.as_ref().and_then(|k| {
                let c = k.customer.as_ref()?;
                Some(Named {
                    id: &c.id,
                    name: &c.name,
                })
            }),
        };
        Ok(snapshot.explain(&request.model, &facts))
    }
}
