//! The accounting engine: who a key is, what it may do, and exact reservation of cost,
//! requests and tokens at every level (customer -> team -> key -> provider config).
//!
//! Exactness: `admit` locks the levels' counters in hierarchy order (so two admissions
//! cannot deadlock), checks every limit, and reserves at all levels before unlocking,
//! all or nothing. Locks are per entity and held for a few comparisons; nothing slow
//! (no I/O, no await) ever runs under them. Definitions live in an immutable table
//! swapped whole on change; counters survive swaps and are flushed through
//! [`Engine::snapshot`] / [`Engine::load`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use arc_swap::ArcSwap;
use rand::Rng;

use super::clock::Clock;
use super::counters::{Alert, Charge, Counters};
use super::credential::Credential;
use super::key::{hint, KeyHash};
use super::model::{Customer, Team, VirtualKey};
use super::rate_headers::RateHeaders;
use super::refusal::{Level, Refusal};
use super::select::{self, Route};
use super::usage::{LevelUsage, UsageRecord};

/// Every governance definition, as loaded from the store.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Virtual keys (with `value_hash` set).
    pub keys: Vec<VirtualKey>,
    /// Teams.
    pub teams: Vec<Team>,
    /// Customers.
    pub customers: Vec<Customer>,
}

struct Node {
    entity: String,
    counters: Mutex<Counters>,
}

impl Node {
    fn lock(&self) -> MutexGuard<'_, Counters> {
        // A panic under this lock can only come from arithmetic on plain integers; the
        // counters stay usable, so a poisoned lock is taken over rather than spread.
        self.counters.lock().unwrap_or_else(|p| p.into_inner())
    }
}

struct KeyEntry {
    key: VirtualKey,
    hash: KeyHash,
    node: Arc<Node>,
    providers: HashMap<String, Arc<Node>>,
    /// Customer then team nodes above the key, or why the key cannot be used.
    parents: Result<Vec<Arc<Node>>, Refusal>,
}

#[derive(Default)]
struct Tables {
    by_hash: HashMap<KeyHash, Arc<KeyEntry>>,
    by_id: HashMap<String, Arc<KeyEntry>>,
    nodes: HashMap<String, Arc<Node>>,
}

struct Shared {
    clock: Box<dyn Clock>,
    tables: ArcSwap<Tables>,
    apply: Mutex<()>,
    alerts: Mutex<Vec<Alert>>,
}

/// The governance engine; cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Engine {
    shared: Arc<Shared>,
}

/// A key that authenticated: the handle `route` and `admit` take.
#[derive(Clone)]
pub struct Authorized(Arc<KeyEntry>);

impl Authorized {
    /// The key's definition.
    pub fn key(&self) -> &VirtualKey {
        &self.0.key
    }
}

impl std::fmt::Debug for Authorized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Authorized({})", self.0.key.name)
    }
}

impl Engine {
    /// An engine with no keys, reading time from `clock`.
    pub fn new(clock: impl Clock) -> Engine {
        Engine {
            shared: Arc::new(Shared {
                clock: Box::new(clock),
                tables: ArcSwap::from_pointee(Tables::default()),
                apply: Mutex::new(()),
                alerts: Mutex::new(Vec::new()),
            }),
        }
    }

    fn now(&self) -> u64 {
        self.shared.clock.now()
    }

    /// Installs a new set of definitions; counters of entities that remain are kept.
    pub fn apply(&self, catalog: &Catalog) {
        let _turn = self.shared.apply.lock().unwrap_or_else(|p| p.into_inner());
        let now = self.now();
        let old = self.shared.tables.load();
        let mut nodes = HashMap::new();
        let mut node = |entity: String, level: Level, budgets, rate, max| -> Arc<Node> {
            let n = match old.nodes.get(&entity) {
                Some(n) => {
                    let mut c = n.lock();
                    c.level = level;
                    c.reconfigure(budgets, rate, max, now);
                    drop(c);
                    n.clone()
                }
                None => Arc::new(Node {
                    entity: entity.clone(),
                    counters: Mutex::new(Counters::new(level, budgets, rate, max, now)),
                }),
            };
            nodes.insert(entity, n.clone());
            n
        };
        let customers: HashMap<&str, Arc<Node>> = catalog
            .customers
            .iter()
            .map(|c| {
                let level = Level::Customer(c.name.clone());
                let n = node(
                    format!("customer:{}", c.id),
                    level,
                    &c.budgets,
                    c.rate_limit.as_ref(),
                    None,
                );
                (c.id.as_str(), n)
            })
            .collect();
        // Each team's chain of nodes, customer first, or why its keys cannot be used.
        let mut teams: HashMap<&str, Result<Vec<Arc<Node>>, Refusal>> = HashMap::new();
        for t in &catalog.teams {
            let n = node(
                format!("team:{}", t.id),
                Level::Team(t.name.clone()),
                &t.budgets,
                t.rate_limit.as_ref(),
                None,
            );
            let chain = match &t.customer_id {
                None => Ok(vec![n]),
                Some(c) => customers
                    .get(c.as_str())
                    .map(|customer| vec![customer.clone(), n])
                    .ok_or_else(|| Refusal::orphaned_team(&t.name, c)),
            };
            teams.insert(t.id.as_str(), chain);
        }
        let mut tables = Tables::default();
        for k in &catalog.keys {
            let Some(hash) = KeyHash::from_hex(&k.value_hash) else {
                tracing::warn!(key = %k.name, "virtual key has no valid value hash; it cannot be used until rotated");
                continue;
            };
            let id = format!("vk:{}", k.id);
            let key_node = node(
                id.clone(),
                Level::Key(k.name.clone()),
                &k.budgets,
                k.rate_limit.as_ref(),
                k.max_concurrent_requests,
            );
            let providers = k
                .provider_configs
                .iter()
                .map(|pc| {
                    let level = Level::ProviderConfig(k.name.clone(), pc.provider.clone());
                    let n = node(
                        format!("{id}/provider:{}", pc.provider),
                        level,
                        &pc.budgets,
                        pc.rate_limit.as_ref(),
                        None,
                    );
                    (pc.provider.clone(), n)
                })
                .collect();
            let parents = match (&k.team_id, &k.customer_id) {
                (Some(t), _) => teams
                    .get(t.as_str())
                    .cloned()
                    .unwrap_or_else(|| Err(Refusal::orphaned(&k.name, &Level::Team(t.clone())))),
                (None, Some(c)) => customers
                    .get(c.as_str())
                    .map(|n| vec![n.clone()])
                    .ok_or_else(|| Refusal::orphaned(&k.name, &Level::Customer(c.clone()))),
                (None, None) => Ok(Vec::new()),
            };
            let entry = Arc::new(KeyEntry {
                key: k.clone(),
                hash,
                node: key_node,
                providers,
                parents,
            });
            tables.by_hash.insert(hash, entry.clone());
            tables.by_id.insert(k.id.clone(), entry);
        }
        tables.nodes = nodes;
        self.shared.tables.store(Arc::new(tables));
    }

    /// Whether any virtual key is defined: with none, there is nothing to look for in a
    /// request unless keys are required.
    pub fn has_keys(&self) -> bool {
        !self.shared.tables.load().by_hash.is_empty()
    }

    /// Finds and vets the presented key: 401 none or unknown, 403 disabled, expired or orphaned.
    pub fn authenticate(&self, credential: Option<&Credential>) -> Result<Authorized, Refusal> {
        let credential = credential.ok_or_else(Refusal::key_required)?;
        let hash = KeyHash::of(&credential.value);
        let tables = self.shared.tables.load();
        let entry = tables
            .by_hash
            .get(&hash)
            .filter(|e| e.hash.matches(&hash))
            .ok_or_else(|| Refusal::unknown_key(&hint(&credential.value)))?;
        let key = &entry.key;
        if !key.is_active {
            return Err(Refusal::inactive(&key.name));
        }
        if let Some(at) = key.expires_at {
            if self.now() >= at.0 {
                return Err(Refusal::expired(&key.name, at.0));
            }
        }
        if let Err(e) = &entry.parents {
            return Err(e.clone());
        }
        Ok(Authorized(entry.clone()))
    }

    /// Checks the model against the key's allow lists and picks its provider.
    pub fn route(
        &self,
        key: &Authorized,
        model: &str,
        rng: &mut impl Rng,
    ) -> Result<Route, Refusal> {
        select::route(&key.0.key, model, rng)
    }

    /// Reserves `estimate` at every level above and at the key, all or nothing.
    pub fn admit(
        &self,
        key: &Authorized,
        provider: Option<&str>,
        estimate: Charge,
    ) -> Result<Ticket, Refusal> {
        let entry = &key.0;
        let mut nodes: Vec<Arc<Node>> = entry.parents.clone()?;
        nodes.push(entry.node.clone());
        let key_index = nodes.len() - 1;
        if let Some(n) = provider.and_then(|p| entry.providers.get(p)) {
            nodes.push(n.clone());
        }
        let now = self.now();
        // Hierarchy order (customer, team, key, provider config) for every admission.
        let mut guards: Vec<_> = nodes.iter().map(|n| n.lock()).collect();
        for g in &mut guards {
            g.roll(now);
            g.check(estimate, now)?;
        }
        for g in &mut guards {
            g.reserve(estimate);
        }
        let headers = guards[key_index].rate_headers(now);
        drop(guards);
        Ok(Ticket {
            shared: self.shared.clone(),
            nodes,
            estimate,
            headers,
            done: false,
        })
    }

    /// Budget crossings since the last call, for the alert task.
    pub fn drain_alerts(&self) -> Vec<Alert> {
        std::mem::take(&mut *self.shared.alerts.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Every entity's settled counters, to flush to the store. Reservations in flight
    /// are not included: they are not spend yet. What a hard kill loses is whatever was
    /// settled since the last flush; a clean shutdown should flush once more.
    pub fn snapshot(&self) -> Vec<UsageRecord> {
        let tables = self.shared.tables.load();
        let mut out: Vec<UsageRecord> = tables
            .nodes
            .values()
            .map(|n| {
                let (budgets, requests, tokens) = n.lock().persisted();
                UsageRecord {
                    entity: n.entity.clone(),
                    budgets,
                    requests,
                    tokens,
                }
            })
            .collect();
        out.sort_by(|a, b| a.entity.cmp(&b.entity));
        out
    }

    /// Restores counters flushed earlier; records of unknown entities are ignored.
    pub fn load(&self, records: &[UsageRecord]) {
        let tables = self.shared.tables.load();
        for r in records {
            if let Some(n) = tables.nodes.get(&r.entity) {
                n.lock()
                    .restore(&r.budgets, r.requests.as_ref(), r.tokens.as_ref());
            }
        }
    }

    /// The limits and use at every level a key's requests count against, key first.
    pub fn usage(&self, key_id: &str) -> Option<Vec<LevelUsage>> {
        let tables = self.shared.tables.load();
        let entry = tables.by_id.get(key_id)?;
        let now = self.now();
        let mut nodes = vec![entry.node.clone()];
        nodes.extend(
            (entry.key.provider_configs.iter())
                .filter_map(|pc| entry.providers.get(&pc.provider).cloned()),
        );
        if let Ok(parents) = &entry.parents {
            nodes.extend(parents.iter().rev().cloned());
        }
        Some(
            nodes
                .iter()
                .map(|n| {
                    let mut c = n.lock();
                    c.roll(now);
                    c.view(&n.entity)
                })
                .collect(),
        )
    }
}

/// A request's reservation. Settle it with the actual charge; dropped unsettled (a
/// panic, an abandoned stream nobody measured) it bills the estimate, never nothing,
/// and always frees its in-flight slot.
pub struct Ticket {
    shared: Arc<Shared>,
    nodes: Vec<Arc<Node>>,
    estimate: Charge,
    headers: RateHeaders,
    done: bool,
}

impl Ticket {
    /// `x-ratelimit-*` headers for the response, when the key has a rate limit.
    pub fn headers(&self) -> RateHeaders {
        self.headers
    }

    /// What was reserved.
    pub fn estimate(&self) -> Charge {
        self.estimate
    }

    /// Replaces the reservation by what the request actually cost.
    pub fn settle(mut self, actual: Charge) {
        self.finish(actual);
    }

    /// Releases the reservation without charging: the request never reached a provider.
    pub fn cancel(mut self) {
        self.finish(Charge::default());
    }

    fn finish(&mut self, actual: Charge) {
        if std::mem::replace(&mut self.done, true) {
            return;
        }
        let now = self.shared.clock.now();
        let mut alerts = Vec::new();
        for n in &self.nodes {
            let mut c = n.lock();
            c.roll(now);
            c.settle(self.estimate, actual, &mut alerts);
        }
        if !alerts.is_empty() {
            self.shared
                .alerts
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend(alerts);
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let estimate = self.estimate;
        self.finish(estimate);
    }
}

impl std::fmt::Debug for Ticket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ticket")
            .field("estimate", &self.estimate)
            .finish()
    }
}
