//! Running one request along its [`Plan`]: each target in order as a full new attempt
//! (the primary, then its fallbacks); per target, its eligible keys in weighted order
//! (scaled by health, parked and broken keys last), and the whole pass again up to
//! `network.max_retries` times after a transient failure, waiting the backoff
//! (`Retry-After` first). Every attempt's verdict feeds the key's and the provider's
//! health.
//!
//! What moves on: a key failing with 401/403/429/5xx or a connection error moves to the
//! next key; a target failing that way (or misconfigured, or over capacity) moves to the
//! next target. Any other error ends the request at once, since every other key and
//! target would fail the same way. When every target fails, the answer is the
//! primary's error with every attempt listed.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::clock::Clock;
use super::health::Verdict;
use super::keys;
use super::retry::{retryable, RetryPolicy};
use super::{Permit, Plan, Route};
use crate::config::KeyConfig;
use crate::providers::{Call, Origin, Provider, ProviderError};

/// A successful call and how it got there.
pub struct Dispatched<T> {
    /// The upstream's answer.
    pub value: T,
    /// The target that served it (the primary, or a fallback).
    pub route: Route,
    /// Its position in the plan: 0 for the primary.
    pub fallback_index: usize,
    /// Passes repeated after a transient failure, over every target.
    pub retries: u32,
    /// The key that served it, if any.
    pub key_name: Option<String>,
    /// Upstream attempts made, this one included.
    pub attempts: u32,
    /// The attempts that failed before this one, in order (empty on a first-try success).
    pub failures: Vec<KeyFailure>,
    /// How long the serving attempt took (to the upstream's answer, or a stream's start).
    pub latency: Duration,
    /// The concurrency slot; keep it while streaming.
    pub permit: Permit,
    /// How to hide the serving key in errors that surface later (mid-stream).
    pub redaction: Option<Redaction>,
}

impl<T> Dispatched<T> {
    /// The same call with its answer turned into another: one place that carries the
    /// bookkeeping over, for routes that reshape an answer (rerank, compat).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Dispatched<U> {
        Dispatched {
            value: f(self.value),
            route: self.route,
            fallback_index: self.fallback_index,
            retries: self.retries,
            key_name: self.key_name,
            attempts: self.attempts,
            failures: self.failures,
            latency: self.latency,
            permit: self.permit,
            redaction: self.redaction,
        }
    }
}

/// The serving key, kept to mask its secrets in errors: an upstream may echo a key in
/// its error text, and clients and logs must never see it. Masks are worked out only
/// when an error needs them, so a successful request pays one `Arc` clone.
pub struct Redaction {
    key: Arc<KeyConfig>,
}

impl Redaction {
    /// `error` with every secret of the key masked. Secrets are resolved again here;
    /// one that no longer resolves cannot have been sent, so cannot be echoed.
    pub fn apply(&self, error: ProviderError) -> ProviderError {
        let mut key = (*self.key).clone();
        key.secrets_mut()
            .into_iter()
            .fold(error, |e, (_, value)| match value.resolve() {
                Ok(secret) => e.redact(&secret, &value.masked()),
                Err(_) => e,
            })
    }
}

impl std::fmt::Debug for Redaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redaction({})", self.key.value.masked())
    }
}

/// One failed attempt, kept to explain the final error.
#[derive(Debug, Clone)]
pub struct KeyFailure {
    /// The provider it went to.
    pub provider: String,
    /// The key's name (none for a provider without keys).
    pub key: Option<String>,
    /// What happened.
    pub error: ProviderError,
    /// How long the attempt took.
    pub latency: Duration,
}

/// Why a request could not be served.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DispatchError {
    /// The provider's waiting line is full and `drop_excess_requests` is on.
    #[error("provider `{provider}` is at its concurrency limit and its queue is full (client.drop_excess_requests is on); retry later or raise network.max_concurrency / network.queue_size")]
    QueueFull {
        /// Provider name.
        provider: String,
    },
    /// The provider needs a key and has none.
    #[error("provider `{provider}` has no keys; add one with `bifrost provider key add {provider} --name main --env VAR`")]
    NoKeys {
        /// Provider name.
        provider: String,
    },
    /// No key of the provider lists the model.
    #[error("none of the keys of provider `{provider}` allows model {}; add the model to a key's `models` (an empty list allows every model)", crate::config::quote(.model))]
    NoKeyForModel {
        /// Provider name.
        provider: String,
        /// Upstream model id.
        model: String,
    },
    /// Every target's provider breaker is open; nothing was sent.
    #[error("{}", unavailable_message(.open))]
    Unavailable {
        /// The primary's provider name.
        provider: String,
        /// Each target skipped, in plan order.
        open: Vec<OpenBreaker>,
    },
    /// The gateway refused to send to a target (a fallback's price does not fit the
    /// virtual key's budget); nothing was sent to it.
    #[error("{message}")]
    Refused {
        /// The target's provider name.
        provider: String,
        /// HTTP status (402, 429, ...).
        status: u16,
        /// The error `type`.
        kind: &'static str,
        /// What is wrong and what to do.
        message: String,
        /// Headers to send with it.
        headers: Vec<(&'static str, String)>,
    },
    /// The upstream failed.
    #[error("{}", failed_message(.provider, .error, .attempts))]
    Failed {
        /// Provider name.
        provider: String,
        /// The last (deciding) error.
        error: ProviderError,
        /// Every key that failed before, the last included.
        attempts: Vec<KeyFailure>,
        /// Passes repeated after a transient failure, over every target tried.
        retries: u32,
    },
}

/// A target skipped because its provider's circuit breaker is open.
#[derive(Debug, Clone)]
pub struct OpenBreaker {
    /// Provider name.
    pub provider: String,
    /// How long until the breaker lets one probe request through.
    pub probe_in: Duration,
}

fn unavailable_message(open: &[OpenBreaker]) -> String {
    let each: Vec<String> = open
        .iter()
        .map(|b| {
            format!(
                "provider `{}` (half-opens in {}s)",
                b.provider,
                b.probe_in.as_millis().div_ceil(1000)
            )
        })
        .collect();
    let first = open.first().map_or("NAME", |b| b.provider.as_str());
    format!(
        "the circuit breaker is open for {}, so nothing was sent; when a breaker half-opens, one request goes through as its probe and closes it on success; see `bifrost provider health {first}`",
        each.join(", ")
    )
}

impl DispatchError {
    /// How long until a target may be tried again, for `Retry-After`: the soonest
    /// breaker probe when every breaker is open.
    pub fn retry_in(&self) -> Option<Duration> {
        match self {
            DispatchError::Unavailable { open, .. } => open.iter().map(|b| b.probe_in).min(),
            _ => None,
        }
    }
}

fn failed_message(provider: &str, error: &ProviderError, attempts: &[KeyFailure]) -> String {
    if attempts.len() < 2 {
        return format!("provider `{provider}`: {error}");
    }
    let tried: Vec<String> = attempts
        .iter()
        .map(|f| match &f.key {
            Some(key) => format!("`{}` key `{key}`: {}", f.provider, f.error),
            None => format!("`{}`: {}", f.provider, f.error),
        })
        .collect();
    format!(
        "provider `{provider}`: {error} (every attempt failed, {} in all: {})",
        attempts.len(),
        tried.join("; ")
    )
}

impl DispatchError {
    /// Whether the next target of a plan may succeed where this one failed: the
    /// target was unusable (no keys, no key for the model, full, breaker open) or
    /// failed in a way that is not the request's fault; never after a refusal.
    pub fn falls_back(&self) -> bool {
        match self {
            DispatchError::Failed { error, .. } => {
                retryable(error)
                    || matches!(error, ProviderError::Key(_))
                    || matches!(error.status(), Some(401 | 403))
            }
            // The gateway's own refusal is the request's answer.
            DispatchError::Refused { .. } => false,
            _ => true,
        }
    }
}

/// A stage the dispatcher consults before each target's first attempt: a governed
/// request moves its budget reservation to the price of the target about to serve.
pub trait Entry: Sync {
    /// Whether the request may go on to `route`; an error ends the request with it,
    /// before anything is sent to that target.
    fn enter(&self, route: &Route) -> impl Future<Output = Result<(), DispatchError>> + Send;
}

/// No stage: every target may be tried.
impl Entry for () {
    async fn enter(&self, _: &Route) -> Result<(), DispatchError> {
        Ok(())
    }
}

/// A key a dispatch must not use: the one whose stream was just cut, when the next
/// target is asked to continue it (the same key would most likely cut again).
#[derive(Debug, Clone, Copy)]
pub struct Avoid<'a> {
    /// The provider the key belongs to.
    pub provider: &'a str,
    /// The key's name.
    pub key: &'a str,
}

/// Runs `op` along `plan` (each target in turn, each with its keys and retries),
/// never sending to `avoid`'s key; a target left with no other key is passed over as
/// failed.
pub async fn dispatch_avoiding<T, F, Fut>(
    plan: &Plan,
    origin: &Origin,
    clock: &dyn Clock,
    avoid: Option<Avoid<'_>>,
    op: F,
) -> Result<Dispatched<T>, DispatchError>
where
    F: Fn(Arc<dyn Provider>, Call) -> Fut,
    Fut: Future<Output = Result<T, ProviderError>>,
{
    walk(plan, origin, clock, &(), avoid, op).await
}

/// Runs `op` along `plan` (each target in turn, each with its keys and retries),
/// asking `entry` before each target's first attempt.
///
/// A target whose provider breaker is open is skipped; a half-open one lets exactly one
/// request through as its probe. When every target is skipped so, nothing is sent and
/// the answer says which breakers are open and when each lets a probe through.
pub async fn dispatch_with<T, F, Fut>(
    plan: &Plan,
    origin: &Origin,
    clock: &dyn Clock,
    entry: &impl Entry,
    op: F,
) -> Result<Dispatched<T>, DispatchError>
where
    F: Fn(Arc<dyn Provider>, Call) -> Fut,
    Fut: Future<Output = Result<T, ProviderError>>,
{
    walk(plan, origin, clock, entry, None, op).await
}

/// The walk along `plan` behind every dispatch.
async fn walk<T, F, Fut>(
    plan: &Plan,
    origin: &Origin,
    clock: &dyn Clock,
    entry: &impl Entry,
    avoid: Option<Avoid<'_>>,
    op: F,
) -> Result<Dispatched<T>, DispatchError>
where
    F: Fn(Arc<dyn Provider>, Call) -> Fut,
    Fut: Future<Output = Result<T, ProviderError>>,
{
    let mut run = Run {
        origin,
        clock,
        failures: Vec::new(),
        retries: 0,
        avoid,
    };
    let mut primary: Option<DispatchError> = None;
    let mut open: Vec<OpenBreaker> = Vec::new();
    let last = plan.targets.len().saturating_sub(1);
    for (index, route) in plan.targets.iter().enumerate() {
        let p = &route.provider;
        let settings = &p.config.health;
        let now = clock.now_ms();
        if !p.health.provider.admit(now, settings) {
            open.push(OpenBreaker {
                provider: p.name.clone(),
                probe_in: p.health.provider.probe_in(now, settings),
            });
            continue;
        }
        let result = match entry.enter(route).await {
            Ok(()) => run.target(route, index == last, &op).await,
            // A refusal is the request's answer, whatever failed before it.
            Err(refused) => return Err(refused),
        };
        match result {
            Ok(mut d) => {
                d.fallback_index = index;
                d.retries = run.retries;
                d.attempts = run.failures.len() as u32 + 1;
                d.failures = run.failures;
                return Ok(d);
            }
            Err(e) => {
                let next = e.falls_back();
                if index < last && next {
                    tracing::debug!(request_id = %origin, provider = %p.name, error = %e, "target failed; trying the next fallback");
                }
                primary.get_or_insert(e);
                if !next {
                    break;
                }
            }
        }
    }
    Err(match primary {
        Some(DispatchError::Failed {
            provider, error, ..
        }) => DispatchError::Failed {
            provider,
            error,
            attempts: run.failures,
            retries: run.retries,
        },
        Some(other) => other,
        None if !open.is_empty() => DispatchError::Unavailable {
            provider: open[0].provider.clone(),
            open,
        },
        None => DispatchError::Failed {
            provider: String::new(),
            error: ProviderError::Transport("the routing plan has no targets".into()),
            attempts: run.failures,
            retries: run.retries,
        },
    })
}

/// What an attempt's result says about health; `None` when nothing reached the
/// upstream.
fn verdict<T>(result: &Result<T, ProviderError>) -> Option<Verdict> {
    match result {
        Ok(_) => Some(Verdict::Healthy),
        Err(e) => Verdict::of(e),
    }
}

/// One request's walk along its plan.
struct Run<'a> {
    origin: &'a Origin,
    clock: &'a dyn Clock,
    failures: Vec<KeyFailure>,
    retries: u32,
    avoid: Option<Avoid<'a>>,
}

/// A pass that found a key that answered.
struct Served<T> {
    value: T,
    key_name: Option<String>,
    latency: Duration,
    redaction: Option<Redaction>,
}

impl Run<'_> {
    /// One target: passes over its keys, repeated after a transient failure while
    /// retries and the request's time allow. The concurrency slot is held per pass,
    /// never while waiting out a backoff.
    async fn target<T, F, Fut>(
        &mut self,
        route: &Route,
        last_target: bool,
        op: &F,
    ) -> Result<Dispatched<T>, DispatchError>
    where
        F: Fn(Arc<dyn Provider>, Call) -> Fut,
        Fut: Future<Output = Result<T, ProviderError>>,
    {
        let provider = &route.provider;
        let policy = RetryPolicy::of(&provider.config.network);
        let deadline = self.clock.now_ms() + provider.config.network.total_timeout_secs * 1000;
        let mut retry = 0;
        loop {
            let permit =
                provider
                    .limiter
                    .acquire()
                    .await
                    .map_err(|_| DispatchError::QueueFull {
                        provider: provider.name.clone(),
                    })?;
            let before = self.failures.len();
            let started = Instant::now();
            let outcome = self.pass(route, last_target, op).await?;
            self.record_provider(route, &outcome, started.elapsed());
            match outcome {
                Ok(served) => {
                    return Ok(Dispatched {
                        value: served.value,
                        route: route.clone(),
                        fallback_index: 0,
                        retries: 0,
                        key_name: served.key_name,
                        attempts: 0,
                        failures: Vec::new(),
                        latency: served.latency,
                        permit,
                        redaction: served.redaction,
                    })
                }
                Err(error) => {
                    drop(permit);
                    let failed = || DispatchError::Failed {
                        provider: provider.name.clone(),
                        error: error.clone(),
                        attempts: self.failures[before..].to_vec(),
                        retries: self.retries,
                    };
                    if retry >= policy.max_retries || !retryable(&error) {
                        return Err(failed());
                    }
                    let wait = policy.backoff(retry, &error, &mut rand::thread_rng());
                    if self.clock.now_ms() + wait.as_millis() as u64 >= deadline {
                        return Err(failed());
                    }
                    tracing::debug!(request_id = %self.origin, provider = %provider.name, ?wait, %error, "retrying after a transient failure");
                    self.clock.sleep(wait).await;
                    retry += 1;
                    self.retries += 1;
                }
            }
        }
    }

    /// One pass over the target's keys in weighted order: the served answer, or the
    /// last error. Keys parked or with an open breaker go last, and only on the plan's
    /// last target (elsewhere the next target is the better bet).
    async fn pass<T, F, Fut>(
        &mut self,
        route: &Route,
        last_target: bool,
        op: &F,
    ) -> Result<Result<Served<T>, ProviderError>, DispatchError>
    where
        F: Fn(Arc<dyn Provider>, Call) -> Fut,
        Fut: Future<Output = Result<T, ProviderError>>,
    {
        let provider = &route.provider;
        let settings = &provider.config.health;
        let health = &provider.health;
        let call = |api_key, key| Call {
            model: route.model.clone(),
            api_key,
            key,
            request_id: self.origin.request_id.clone(),
            traceparent: self.origin.traceparent.clone(),
        };
        let keys = &provider.config.keys;
        if keys.is_empty() {
            if provider.config.kind.needs_key() {
                return Err(DispatchError::NoKeys {
                    provider: provider.name.clone(),
                });
            }
            let start = Instant::now();
            let result = op(provider.adapter.clone(), call(None, None)).await;
            let latency = start.elapsed();
            return Ok(match result {
                Ok(value) => Ok(Served {
                    value,
                    key_name: None,
                    latency,
                    redaction: None,
                }),
                Err(error) => {
                    self.failures.push(KeyFailure {
                        provider: provider.name.clone(),
                        key: None,
                        error: error.clone(),
                        latency,
                    });
                    Err(error)
                }
            });
        }
        let now = self.clock.now_ms();
        // One key needs no weights (and the common single-key provider no allocation).
        let weights = if keys.len() > 1 {
            health.weights(keys, now, settings)
        } else {
            Vec::new()
        };
        let mut order = keys::order(keys, &weights, &route.model, &mut rand::thread_rng());
        if order.is_empty() {
            return Err(DispatchError::NoKeyForModel {
                provider: provider.name.clone(),
                model: route.model.to_string(),
            });
        }
        // Healthy keys first, in weighted order; the rest after them, as a last resort.
        let healthy = |i: &usize| !health.keys[*i].unavailable(now, settings);
        order.sort_by_key(|i| !healthy(i));
        let mut last_error = None;
        for index in order {
            let key = &keys[index];
            let state = &health.keys[index];
            if !state.admit(self.clock.now_ms(), settings) && !last_target {
                continue;
            }
            if self
                .avoid
                .is_some_and(|a| a.key == key.name && a.provider == provider.name)
            {
                continue;
            }
            let start = Instant::now();
            let (result, redaction) = match key.value.resolve() {
                Ok(secret) => {
                    let shared = provider
                        .keys
                        .get(index)
                        .cloned()
                        .unwrap_or_else(|| Arc::new(key.clone()));
                    let redaction = Redaction {
                        key: shared.clone(),
                    };
                    let result = op(provider.adapter.clone(), call(Some(secret), Some(shared)))
                        .await
                        .map_err(|e| redaction.apply(e));
                    (result, Some(redaction))
                }
                Err(e) => (Err(ProviderError::Key(e)), None),
            };
            let latency = start.elapsed();
            self.record(route, index, &result, latency);
            match result {
                Ok(value) => {
                    return Ok(Ok(Served {
                        value,
                        key_name: Some(key.name.clone()),
                        latency,
                        redaction,
                    }))
                }
                Err(error) => {
                    let next = error.tries_next_key();
                    tracing::debug!(provider = %provider.name, key = %key.name, %error, "upstream attempt failed");
                    self.failures.push(KeyFailure {
                        provider: provider.name.clone(),
                        key: Some(key.name.clone()),
                        error: error.clone(),
                        latency,
                    });
                    last_error = Some(error);
                    if !next {
                        break;
                    }
                }
            }
        }
        Ok(Err(last_error.unwrap_or_else(|| {
            ProviderError::Transport(format!(
                "every key of provider `{}` is parked or failing",
                provider.name
            ))
        })))
    }

    /// Feeds an attempt's verdict to its key's health.
    fn record<T>(
        &self,
        route: &Route,
        key: usize,
        result: &Result<T, ProviderError>,
        latency: Duration,
    ) {
        let Some(state) = route.provider.health.keys.get(key) else {
            return;
        };
        if let Some(verdict) = verdict(result) {
            let settings = &route.provider.config.health;
            state.record(self.clock.now_ms(), verdict, latency, settings);
        }
    }

    /// Feeds a whole pass's verdict to the provider's health: the provider failed
    /// when no key could serve (every key throttled counts as failed too), not when one
    /// key of several did.
    fn record_provider<T>(
        &self,
        route: &Route,
        outcome: &Result<Served<T>, ProviderError>,
        latency: Duration,
    ) {
        let verdict = match outcome {
            Ok(_) => Some(Verdict::Healthy),
            Err(e) => Verdict::of(e).map(|v| match v {
                Verdict::Parked(_) => Verdict::Failed,
                v => v,
            }),
        };
        if let Some(v) = verdict {
            let p = &route.provider;
            p.health
                .provider
                .record(self.clock.now_ms(), v, latency, &p.config.health);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{BedrockKeyConfig, SecretValue, Setting};

    #[test]
    fn every_secret_of_the_serving_key_is_masked_in_errors() {
        let key = KeyConfig {
            bedrock_key_config: Some(BedrockKeyConfig {
                access_key: SecretValue::parse("AKIAIOSFODNN7EXAMPLE"),
                secret_key: SecretValue::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                session_token: None,
                region: Setting::parse("us-east-1"),
                deployments: Default::default(),
            }),
            ..KeyConfig::new("aws", SecretValue::parse("bedrock-api-key-0123456789"))
        };
        let echoed = ProviderError::Status {
            status: 403,
            message: "bad signature for AKIAIOSFODNN7EXAMPLE with wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY or bedrock-api-key-0123456789".into(),
            retry_after: None,
        };
        let shown = Redaction { key: Arc::new(key) }.apply(echoed).to_string();
        for secret in ["IOSFODNN7", "bPxRfiCY", "api-key-0123"] {
            assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        }
    }
}
