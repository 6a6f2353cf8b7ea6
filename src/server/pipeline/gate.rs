//! Governance on the request path, for every route: the virtual key a request presents
//! is authenticated, the model fitted to what the key allows (a bare model spread over
//! the key's providers by weight), and the request's estimated cost reserved at every
//! level (customer, team, key, provider config) before any upstream call. The outcome
//! report settles the reservation with the real cost when the request ends, however it
//! ends, so no route can forget to bill.
//!
//! The engine ([`crate::governance`]) is pure and keeps its counters in memory; a
//! background task flushes them to the store every second and at shutdown, so a hard
//! kill loses at most one second of spend.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use http::{HeaderMap, StatusCode};
use tokio::sync::Notify;

use super::super::error::ApiError;
use crate::governance::cost::{Price, Pricing};
use crate::governance::{extract, Authorized, Charge, Engine, RateHeaders, Refusal, Ticket, Usd};
use crate::hooks::Background;
use crate::observability::AlertSink;
use crate::routing::{DispatchError, Entry, Route};
use crate::schema::Usage;
use crate::store::Store;

/// Output tokens reserved for a request that sets no `max_tokens`.
pub const DEFAULT_MAX_OUTPUT_TOKENS: u64 = 1024;

/// How often settled spend is written to the store.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// Longest a request waits for requests in flight to settle before its budget is
/// known to be exceeded.
const MAX_BUDGET_WAIT: Duration = Duration::from_secs(30);

/// What a request may consume at most, for the reservation. Prompt tokens are bounded
/// by the prompt's bytes (a byte-level BPE token covers at least one byte), so a
/// reservation is never below what the provider will count, and concurrent requests
/// cannot overspend a budget: the price of that bound is that the last request a budget
/// could have covered may be refused.
#[derive(Debug, Clone, Copy, Default)]
pub(in crate::server) struct Demand {
    /// At most this many prompt tokens.
    pub prompt_tokens: u64,
    /// The request's output cap, when it sets one.
    pub max_output_tokens: Option<u64>,
}

/// Tokens a chat format adds around each message and the reply (role markers).
pub(in crate::server) const TOKENS_PER_MESSAGE: u64 = 8;

impl Demand {
    /// A demand bounded by the size of what is sent: `bytes` of prompt.
    pub fn of_body(bytes: usize, max_output_tokens: Option<u64>) -> Demand {
        Demand {
            prompt_tokens: bytes as u64 + TOKENS_PER_MESSAGE,
            max_output_tokens,
        }
    }
}

/// The governance stage: the engine, prices, and whether a key is required.
pub(crate) struct Gate {
    engine: Engine,
    pricing: Pricing,
    enforce: bool,
    /// Woken whenever a reservation ends, for requests waiting on them.
    settled: Arc<Notify>,
    /// Where budget alerts go besides the log, once set.
    alerts: OnceLock<AlertSink>,
}

/// A model fitted to a virtual key.
pub(crate) struct Fitted {
    /// `provider/model` when the key chose the provider.
    pub model: Option<String>,
    /// The key's other providers for the model, `provider/model`, heaviest first.
    pub fallbacks: Vec<String>,
}

/// A request admitted under a key: its reservation, and how to price what it used.
/// Its end (settled, cancelled or dropped) wakes the requests waiting for room.
pub(in crate::server) struct Admission {
    ticket: Option<Ticket>,
    price: Option<Price>,
    settled: Arc<Notify>,
}

impl Drop for Admission {
    fn drop(&mut self) {
        // Unsettled, the ticket bills its estimate on drop (never nothing).
        drop(self.ticket.take());
        self.settled.notify_waiters();
    }
}

impl Admission {
    /// `x-ratelimit-*` headers for every response to the key.
    pub fn headers(&self) -> RateHeaders {
        self.ticket
            .as_ref()
            .map(Ticket::headers)
            .unwrap_or_default()
    }

    /// What `usage` costs at this request's price; zero when the model has no price.
    pub fn cost(&self, usage: &Usage) -> Usd {
        self.price
            .as_ref()
            .map_or(Usd::ZERO, |p| p.cost(&cost_usage(usage)))
    }

    /// Replaces the reservation by what the request used.
    pub fn settle(mut self, usage: &Usage) {
        let cost = self.cost(usage);
        if let Some(ticket) = self.ticket.take() {
            ticket.settle(Charge {
                cost,
                tokens: usage.prompt_tokens + usage.completion_tokens,
            });
        }
    }

    /// Releases the reservation: nothing reached a provider.
    pub fn cancel(mut self) {
        if let Some(ticket) = self.ticket.take() {
            ticket.cancel();
        }
    }
}

/// A governed request's key and demand, kept so that its reservation follows the
/// target tried: before a fallback's upstream call, the reservation made at the failed
/// target's price is released (providers bill no failed attempt) and one is made at the
/// fallback's price, so the budget check and the settled cost are the serving
/// target's. Requests without a key keep none of this.
pub(in crate::server) struct Governed {
    key: Authorized,
    demand: Demand,
    /// The target the reservation is priced at now.
    at: Mutex<Route>,
}

impl Governed {
    /// The reservation just made at `route`'s price for `key`'s `demand`.
    pub fn new(key: Authorized, demand: Demand, route: &Route) -> Governed {
        Governed {
            key,
            demand,
            at: Mutex::new(route.clone()),
        }
    }

    fn at(&self) -> std::sync::MutexGuard<'_, Route> {
        self.at.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Entry for super::Ctx {
    async fn enter(&self, route: &Route) -> Result<(), DispatchError> {
        let Some(governed) = &self.governed else {
            return Ok(());
        };
        {
            let at = governed.at();
            if Arc::ptr_eq(&at.provider, &route.provider) && at.model == route.model {
                return Ok(());
            }
        }
        if let Some(previous) = self.report.take_admission() {
            previous.cancel();
        }
        let gate = self.state.gate();
        match gate.admit(&governed.key, route, governed.demand).await {
            Ok(admission) => {
                self.report.readmitted(admission);
                *governed.at() = route.clone();
                Ok(())
            }
            Err(r) => Err(DispatchError::Refused {
                provider: route.provider.name.clone(),
                status: r.status,
                kind: r.kind,
                message: format!(
                    "fallback `{}/{}`: {}",
                    route.provider.name, route.model, r.message
                ),
                headers: r.headers,
            }),
        }
    }
}

/// A canonical usage in the price catalog's terms.
pub(super) fn cost_usage(u: &Usage) -> crate::governance::cost::Usage {
    let detail = |outer: &str, inner: &str| {
        u.extra
            .get(outer)
            .and_then(|d| d.get(inner))
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0)
    };
    crate::governance::cost::Usage {
        input_tokens: u.prompt_tokens,
        output_tokens: u.completion_tokens,
        cached_input_tokens: detail("prompt_tokens_details", "cached_tokens"),
        reasoning_tokens: detail("completion_tokens_details", "reasoning_tokens"),
        ..Default::default()
    }
}

/// A refusal as the route's error (status, type, message, its headers).
pub(in crate::server) fn refused(r: Refusal) -> ApiError {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::FORBIDDEN);
    let mut e = ApiError::new(status, r.kind, r.message);
    e.headers = r.headers;
    e
}

impl Gate {
    /// The stage over `engine`; `enforce` refuses requests that present no key.
    pub fn new(engine: Engine, pricing: Pricing, enforce: bool) -> Gate {
        Gate {
            engine,
            pricing,
            enforce,
            settled: Arc::new(Notify::new()),
            alerts: OnceLock::new(),
        }
    }

    /// Sends budget alerts to `sink` from now on (once; later calls are ignored).
    pub fn send_alerts_to(&self, sink: AlertSink) {
        let _ = self.alerts.set(sink);
    }

    /// The engine, for management to apply changes to.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The price of what `route` serves, when the catalog or an override has one.
    pub fn price(&self, route: &Route) -> Option<Price> {
        self.pricing
            .lookup(
                &route.provider.name,
                route.provider.config.kind.as_str(),
                &route.model,
            )
            .cloned()
    }

    /// Whether requests must present a virtual key.
    pub fn enforced(&self) -> bool {
        self.enforce
    }

    /// The key the request presents, authenticated; `None` when it presents none and
    /// keys are not required (the request is not governed).
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<Option<Authorized>, Refusal> {
        // The common case costs one pointer load: no keys, none required.
        if !self.enforce && !self.engine.has_keys() {
            return Ok(None);
        }
        let credential = extract(headers, None)?;
        if credential.is_none() && !self.enforce {
            return Ok(None);
        }
        self.engine.authenticate(credential.as_ref()).map(Some)
    }

    /// `model` fitted to the key: refused when not allowed; a bare model the key
    /// spreads over providers becomes `provider/model`, with the key's other providers
    /// for it as fallbacks.
    pub fn fit(&self, key: &Authorized, model: &str) -> Result<Fitted, Refusal> {
        let route = self.engine.route(key, model, &mut rand::thread_rng())?;
        let fallbacks = route
            .fallbacks
            .iter()
            .map(|p| format!("{p}/{}", route.model))
            .collect();
        Ok(Fitted {
            model: route.provider.map(|p| format!("{p}/{}", route.model)),
            fallbacks,
        })
    }

    /// Reserves the request's estimated cost under `key` for `route`. When only the
    /// reservations of requests in flight stand in the way (settled spend leaves room),
    /// it waits for them to settle rather than refuse: reservations are upper bounds,
    /// so a burst would otherwise be refused far below the budget.
    pub async fn admit(
        &self,
        key: &Authorized,
        route: &Route,
        demand: Demand,
    ) -> Result<Admission, Refusal> {
        let price = self.price(route);
        let max_output = demand
            .max_output_tokens
            .unwrap_or(DEFAULT_MAX_OUTPUT_TOKENS);
        let estimate = match &price {
            Some(p) => p.estimate(demand.prompt_tokens, max_output),
            None => Charge {
                cost: Usd::ZERO,
                tokens: demand.prompt_tokens + max_output,
            },
        };
        let deadline = tokio::time::Instant::now() + MAX_BUDGET_WAIT;
        loop {
            // Registered before the attempt, so a settle in between is not missed.
            let settled = self.settled.notified();
            match self.engine.admit(key, Some(&route.provider.name), estimate) {
                Ok(ticket) => {
                    return Ok(Admission {
                        ticket: Some(ticket),
                        price,
                        settled: self.settled.clone(),
                    })
                }
                Err(r) if r.pending => {
                    if tokio::time::timeout_at(deadline, settled).await.is_err() {
                        return Err(r);
                    }
                }
                Err(r) => return Err(r),
            }
        }
    }

    /// Writes settled spend to `store` every second until shutdown, then once more, and
    /// logs budget alerts as they happen.
    pub fn flush_into(self: &Arc<Self>, store: Arc<Store>, background: &Background) {
        let gate = self.clone();
        let stop = background.clone();
        background.spawn(async move {
            let mut tick = tokio::time::interval(FLUSH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                let stopping = tokio::select! {
                    _ = tick.tick() => false,
                    () = stop.stopping() => true,
                };
                gate.flush(&store).await;
                if stopping {
                    break;
                }
            }
        });
    }

    async fn flush(&self, store: &Arc<Store>) {
        for alert in self.engine.drain_alerts() {
            tracing::warn!(?alert, "budget alert threshold crossed");
            if let Some(sink) = self.alerts.get() {
                sink.send(alert);
            }
        }
        let records = self.engine.snapshot();
        if records.is_empty() {
            return;
        }
        let store = store.clone();
        let written = tokio::task::spawn_blocking(move || store.put_usage_records(&records)).await;
        match written {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "cannot write governance usage to the store"),
            Err(e) => tracing::error!(error = %e, "governance flush task failed"),
        }
    }
}
