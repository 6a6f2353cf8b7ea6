//! Running one request against a route: take a concurrency slot, then try the eligible
//! keys in weighted order until one succeeds. A key failing with 401/403/429/5xx or a
//! connection error moves on to the next key; any other error ends the request, since
//! another key would fail the same way.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::keys;
use super::{Permit, Route};
use crate::config::KeyConfig;
use crate::providers::{Call, Origin, Provider, ProviderError};

/// A successful call and how it got there.
pub struct Dispatched<T> {
    /// The upstream's answer.
    pub value: T,
    /// The key that served it, if any.
    pub key_name: Option<String>,
    /// Attempts made, this one included.
    pub attempts: u32,
    /// The keys that failed before this one, in order (empty on a first-try success).
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

/// One key's failure, kept to explain the final error.
#[derive(Debug, Clone)]
pub struct KeyFailure {
    /// The key's name.
    pub key: String,
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
    /// The upstream failed.
    #[error("{}", failed_message(.provider, .error, .attempts))]
    Failed {
        /// Provider name.
        provider: String,
        /// The last (deciding) error.
        error: ProviderError,
        /// Every key that failed before, the last included.
        attempts: Vec<KeyFailure>,
    },
}

fn failed_message(provider: &str, error: &ProviderError, attempts: &[KeyFailure]) -> String {
    match attempts {
        [] | [_] => format!("provider `{provider}`: {error}"),
        many => {
            let tried: Vec<String> = many
                .iter()
                .map(|f| format!("key `{}`: {}", f.key, f.error))
                .collect();
            format!(
                "provider `{provider}` failed with every eligible key ({} tried): {}",
                many.len(),
                tried.join("; ")
            )
        }
    }
}

/// Runs `op` on the route's provider with each eligible key in turn.
pub async fn dispatch<T, F, Fut>(
    route: &Route,
    origin: &Origin,
    op: F,
) -> Result<Dispatched<T>, DispatchError>
where
    F: Fn(Arc<dyn Provider>, Call) -> Fut,
    Fut: Future<Output = Result<T, ProviderError>>,
{
    let provider = &route.provider;
    let permit = provider
        .limiter
        .acquire()
        .await
        .map_err(|_| DispatchError::QueueFull {
            provider: provider.name.clone(),
        })?;
    let call = |api_key, key| Call {
        model: route.model.clone(),
        api_key,
        key,
        request_id: origin.request_id.clone(),
        traceparent: origin.traceparent.clone(),
    };
    let keys = &provider.config.keys;
    if keys.is_empty() {
        if provider.config.kind.needs_key() {
            return Err(DispatchError::NoKeys {
                provider: provider.name.clone(),
            });
        }
        let start = Instant::now();
        return match op(provider.adapter.clone(), call(None, None)).await {
            Ok(value) => Ok(Dispatched {
                value,
                key_name: None,
                attempts: 1,
                failures: Vec::new(),
                latency: start.elapsed(),
                permit,
                redaction: None,
            }),
            Err(error) => Err(DispatchError::Failed {
                provider: provider.name.clone(),
                error,
                attempts: Vec::new(),
            }),
        };
    }
    let order = keys::order(keys, &route.model, &mut rand::thread_rng());
    if order.is_empty() {
        return Err(DispatchError::NoKeyForModel {
            provider: provider.name.clone(),
            model: route.model.to_string(),
        });
    }
    let mut failures: Vec<KeyFailure> = Vec::new();
    for index in order {
        let key = &keys[index];
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
        match result {
            Ok(value) => {
                return Ok(Dispatched {
                    value,
                    key_name: Some(key.name.clone()),
                    attempts: failures.len() as u32 + 1,
                    failures,
                    latency: start.elapsed(),
                    permit,
                    redaction,
                })
            }
            Err(error) => {
                let next = error.tries_next_key();
                tracing::debug!(provider = %provider.name, key = %key.name, %error, "upstream attempt failed");
                failures.push(KeyFailure {
                    key: key.name.clone(),
                    error,
                    latency: start.elapsed(),
                });
                if !next {
                    break;
                }
            }
        }
    }
    let error = failures
        .last()
        .map(|f| f.error.clone())
        .unwrap_or_else(|| ProviderError::Transport("no attempt was made".into()));
    Err(DispatchError::Failed {
        provider: provider.name.clone(),
        error,
        attempts: failures,
    })
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
