//! Model names to providers: `provider/model` names one provider (split at the first
//! `/` only when the prefix is a configured provider, so ids like
//! `openrouter/meta-llama/llama-3.3-70b` work); a bare name goes to the first declared
//! provider whose keys list it, else to the first whose keys accept every model.

use std::sync::Arc;

use super::{ProviderRuntime, Snapshot};

/// Where a request goes.
#[derive(Clone)]
pub struct Route {
    /// The provider.
    pub provider: Arc<ProviderRuntime>,
    /// The model id sent upstream.
    pub model: Arc<str>,
}

/// A model name that leads nowhere.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RouteError {
    /// No provider is configured at all.
    #[error("no providers are configured; add one with `bifrost provider add NAME --type TYPE` or in bifrost.toml (try `--type mock`)")]
    NoProviders,
    /// The model matched no provider.
    #[error("{}", unknown_message(.model, .providers, .suggestions))]
    UnknownModel {
        /// What the client asked for.
        model: String,
        /// Configured provider names.
        providers: Vec<String>,
        /// Close `provider/model` ids.
        suggestions: Vec<String>,
    },
    /// `type/model` where `type` names a provider type no configured provider has:
    /// refused rather than sent (and billed) to a catch-all provider.
    #[error("model {} names provider type `{provider_type}`, but no provider named `{provider_type}` is configured (configured: {}); add one with `bifrost provider add {provider_type} --type {provider_type}` or use one of the configured names", crate::config::quote(.model), .providers.join(", "))]
    UnconfiguredType {
        /// What the client asked for.
        model: String,
        /// The prefix, a provider type name.
        provider_type: String,
        /// Configured provider names.
        providers: Vec<String>,
    },
    /// An alias or rule whose every target's provider was removed.
    #[error("{} has no usable target left (its providers were removed); fix its targets (see `bifrost route explain`)", crate::config::quote(.name))]
    NoTargets {
        /// The alias, or the model the rule matched.
        name: String,
    },
}

fn unknown_message(model: &str, providers: &[String], suggestions: &[String]) -> String {
    let mut msg = format!(
        "model {} matches no configured provider. Use `provider/model` with one of the configured providers ({}), or list the model in a key's `models`",
        crate::config::quote(model),
        providers.join(", ")
    );
    if !suggestions.is_empty() {
        msg.push_str(&format!(". Did you mean: {}?", suggestions.join(", ")));
    }
    msg
}

impl Snapshot {
    /// Resolves a client's model name.
    pub fn resolve(&self, model: &str) -> Result<Route, RouteError> {
        if self.providers.is_empty() {
            return Err(RouteError::NoProviders);
        }
        if let Some((prefix, rest)) = model.split_once('/') {
            if let Some(p) = self.providers.get(prefix) {
                if !rest.is_empty() {
                    return Ok(route(p, rest));
                }
            }
        }
        let listed = self.providers.values().find(|p| {
            p.config
                .keys
                .iter()
                .any(|k| k.models.iter().any(|m| m == model))
        });
        if listed.is_none() {
            if let Some(e) = self.unconfigured_type(model) {
                return Err(e);
            }
        }
        let catch_all = || {
            self.providers.values().find(|p| {
                p.config.keys.iter().any(|k| k.models.is_empty())
                    || (p.config.keys.is_empty() && !p.config.kind.needs_key())
            })
        };
        match listed.or_else(catch_all) {
            Some(p) => Ok(route(p, model)),
            None => Err(RouteError::UnknownModel {
                model: model.to_string(),
                providers: self.providers.keys().cloned().collect(),
                suggestions: self.suggestions(model),
            }),
        }
    }

    /// The error for `type/model` when `type` is a provider type but not a configured
    /// provider's name.
    fn unconfigured_type(&self, model: &str) -> Option<RouteError> {
        let (prefix, rest) = model.split_once('/')?;
        // Compared by name: `FromStr`'s error would format a message on this path.
        let is_type = crate::config::ProviderType::all().any(|t| t.as_str() == prefix);
        if rest.is_empty() || !is_type {
            return None;
        }
        Some(RouteError::UnconfiguredType {
            model: model.to_string(),
            provider_type: prefix.to_string(),
            providers: self.providers.keys().cloned().collect(),
        })
    }

    fn suggestions(&self, model: &str) -> Vec<String> {
        // No model id is this long; comparing a huge one against every model would only
        // cost CPU.
        if model.len() > crate::config::limits::MAX_MODEL_ID {
            return Vec::new();
        }
        let bare = model.rsplit('/').next().unwrap_or(model);
        let mut scored: Vec<(f64, String)> = self
            .models()
            .data
            .into_iter()
            .map(|m| {
                let id_bare = m.id.split_once('/').map_or(m.id.as_str(), |(_, b)| b);
                let score =
                    strsim::jaro_winkler(model, &m.id).max(strsim::jaro_winkler(bare, id_bare));
                (score, m.id)
            })
            .filter(|(score, _)| *score > 0.8)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(3).map(|(_, id)| id).collect()
    }
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Route({}/{})", self.provider.name, self.model)
    }
}

fn route(p: &Arc<ProviderRuntime>, model: &str) -> Route {
    Route {
        provider: p.clone(),
        model: Arc::from(model),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ClientConfig, FileConfig};

    fn snapshot(toml: &str) -> Snapshot {
        let cfg = FileConfig::parse(toml).unwrap();
        Snapshot::build(cfg.providers, &ClientConfig::default(), None)
    }

    const TWO: &str = r#"
[providers.openrouter]
type = "openai-compatible"
base_url = "http://127.0.0.1:1/v1"
[[providers.openrouter.keys]]
name = "k"
value = "x"
models = ["llama3", "gpt-4o"]
[providers.local]
type = "openai-compatible"
base_url = "http://127.0.0.1:2/v1"
[[providers.local.keys]]
name = "k"
value = "x"
models = ["llama3"]
"#;

    #[test]
    fn prefix_splits_only_on_a_known_provider() {
        let s = snapshot(TWO);
        let r = s.resolve("openrouter/meta-llama/llama-3.3-70b").unwrap();
        assert_eq!(r.provider.name, "openrouter");
        assert_eq!(&*r.model, "meta-llama/llama-3.3-70b");
        let err = s.resolve("meta-llama/llama-3.3-70b").unwrap_err();
        assert!(matches!(err, RouteError::UnknownModel { .. }));
    }

    #[test]
    fn bare_names_go_to_the_first_declared_lister() {
        let s = snapshot(TWO);
        assert_eq!(s.resolve("llama3").unwrap().provider.name, "openrouter");
        assert_eq!(s.resolve("local/llama3").unwrap().provider.name, "local");
    }

    #[test]
    fn unknown_models_name_providers_and_close_matches() {
        let s = snapshot(TWO);
        let msg = s.resolve("gpt-4o-mnii").unwrap_err().to_string();
        assert!(msg.contains("openrouter, local"), "{msg}");
        assert!(msg.contains("openrouter/gpt-4o"), "{msg}");
        assert!(matches!(
            Snapshot::default().resolve("x"),
            Err(RouteError::NoProviders)
        ));
    }

    #[test]
    fn catch_all_keys_take_unlisted_models() {
        let s = snapshot("[providers.mock]\ntype = \"mock\"\n");
        assert_eq!(&*s.resolve("anything").unwrap().model, "anything");
    }

    #[test]
    fn a_provider_type_prefix_without_that_provider_is_refused() {
        let s = snapshot("[providers.mock]\ntype = \"mock\"\n");
        let err = s.resolve("anthropic/claude-x").unwrap_err();
        assert!(
            matches!(err, RouteError::UnconfiguredType { .. }),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains("no provider named `anthropic` is configured"),
            "{msg}"
        );
        assert!(msg.contains("configured: mock"), "{msg}");
        // Not a type name: still the catch-all's, as ids like `meta-llama/x` are.
        assert_eq!(&*s.resolve("meta-llama/x").unwrap().model, "meta-llama/x");
        // A key listing the id explicitly still serves it (OpenRouter-style ids).
        let s = snapshot(
            "[providers.or]\ntype = \"mock\"\n[[providers.or.keys]]\nname = \"k\"\nvalue = \"x\"\nmodels = [\"anthropic/claude-x\"]\n",
        );
        assert_eq!(s.resolve("anthropic/claude-x").unwrap().provider.name, "or");
    }
}
