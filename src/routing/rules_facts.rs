//! What routing rules may ask about a request, and the CEL variables made of it.
//!
//! Variables follow the reference gateway's names (`model`, `provider`,
//! `request_type`, `headers`, `params`, `virtual_key_id`/`_name`, `team_id`/`_name`,
//! `customer_id`/`_name`). Each is built only when an expression reads it, and at most
//! once per request: a rule on `headers` never pays for `params`.

use std::sync::OnceLock;

use cel::Value;
use http::HeaderMap;

use super::Snapshot;

/// A governance entity a request runs under: its id and name.
#[derive(Debug, Clone, Copy, Default)]
pub struct Named<'a> {
    /// Its stable id.
    pub id: &'a str,
    /// Its name.
    pub name: &'a str,
}

impl<'a> Named<'a> {
    /// An entity known only by its id.
    pub fn id(id: &'a str) -> Self {
        Named { id, name: "" }
    }
}

/// The facts about a request that routing rules may read.
#[derive(Clone, Copy, Default)]
pub struct RouteFacts<'a> {
    /// The reference's `request_type` (`chat_completion`, `embedding`, ...).
    pub request_type: &'a str,
    /// The client's headers.
    pub headers: Option<&'a HeaderMap>,
    /// The request's body as JSON; callers build it only when
    /// [`Snapshot::reads_params`] says a rule reads `params`.
    pub params: Option<&'a serde_json::Value>,
    /// The virtual key the request presented.
    pub virtual_key: Option<Named<'a>>,
    /// The key's team.
    pub team: Option<Named<'a>>,
    /// The key's customer (directly, or through its team).
    pub customer: Option<Named<'a>>,
}

impl<'a> RouteFacts<'a> {
    /// A token-count request (`count_tokens`, `countTokens`): routed like the
    /// inference it estimates, so aliases and rules name the same models there.
    pub fn counting(headers: &'a HeaderMap) -> Self {
        RouteFacts {
            request_type: "count_tokens",
            headers: Some(headers),
            ..RouteFacts::default()
        }
    }
}

impl std::fmt::Debug for RouteFacts<'_> {
    // Headers may carry credentials: only their names are shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self
            .headers
            .map(|h| h.keys().map(|k| k.as_str()).collect())
            .unwrap_or_default();
        f.debug_struct("RouteFacts")
            .field("request_type", &self.request_type)
            .field("headers", &names)
            .field("virtual_key", &self.virtual_key)
            .finish_non_exhaustive()
    }
}

/// The CEL variables of one request, made on first read.
pub(super) struct Vars<'a> {
    pub(super) model: &'a str,
    pub(super) facts: &'a RouteFacts<'a>,
    pub(super) snapshot: &'a Snapshot,
    headers: OnceLock<Value>,
    params: OnceLock<Value>,
    provider: OnceLock<Value>,
}

impl<'a> Vars<'a> {
    pub(super) fn new(model: &'a str, facts: &'a RouteFacts<'a>, snapshot: &'a Snapshot) -> Self {
        Vars {
            model,
            facts,
            snapshot,
            headers: OnceLock::new(),
            params: OnceLock::new(),
            provider: OnceLock::new(),
        }
    }
}

fn text(s: &str) -> Value {
    Value::String(std::sync::Arc::new(s.to_string()))
}

fn named(n: Option<Named<'_>>, name: bool) -> Value {
    n.map_or(Value::Null, |n| text(if name { n.name } else { n.id }))
}

impl cel::context::VariableResolver for Vars<'_> {
    fn resolve(&self, variable: &str) -> Option<Value> {
        let f = self.facts;
        Some(match variable {
            "model" => text(self.model),
            "request_type" => text(f.request_type),
            "provider" => self
                .provider
                .get_or_init(|| {
                    // The provider the model would go to without rules; empty if none.
                    self.snapshot
                        .resolve(self.model)
                        .map_or_else(|_| text(""), |r| text(&r.provider.name))
                })
                .clone(),
            "headers" => self
                .headers
                .get_or_init(|| {
                    // Lower-case names (HTTP's), the value of the first of each name.
                    // Credentials are present but masked: a rule routes on the virtual
                    // key's fields, and a verdict or an explanation that echoes a
                    // header must never show a secret.
                    // Only the headers the rules name, when they name them all.
                    let mut map = std::collections::HashMap::new();
                    let mut add = |name: &str, v: &http::HeaderValue| {
                        let value = if crate::config::is_credential_header(name) {
                            Some("<redacted>")
                        } else {
                            v.to_str().ok()
                        };
                        if let Some(v) = value {
                            map.entry(name.to_string()).or_insert_with(|| v.to_string());
                        }
                    };
                    let all = f.headers.into_iter().flatten();
                    match &self.snapshot.routing.header_names {
                        Some(names) => names.iter().for_each(|name| {
                            if let Some(v) = f.headers.and_then(|h| h.get(name.as_str())) {
                                add(name, v);
                            }
                        }),
                        None => all.for_each(|(k, v)| add(k.as_str(), v)),
                    }
                    Value::from(map)
                })
                .clone(),
            "params" => self
                .params
                .get_or_init(|| {
                    // Any JSON converts; none, or a failure, leaves an empty map.
                    f.params
                        .and_then(|p| cel::to_value(p).ok())
                        .filter(|v| matches!(v, Value::Map(_)))
                        .unwrap_or_else(|| {
                            Value::from(std::collections::HashMap::<String, Value>::new())
                        })
                })
                .clone(),
            "virtual_key_id" => named(f.virtual_key, false),
            "virtual_key_name" => named(f.virtual_key, true),
            "team_id" => named(f.team, false),
            "team_name" => named(f.team, true),
            "customer_id" => named(f.customer, false),
            "customer_name" => named(f.customer, true),
            _ => return None,
        })
    }
}
