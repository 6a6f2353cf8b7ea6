//! Weighted target lists, shared by aliases and rules: built once per snapshot (every
//! `provider/model` resolved to its provider then), picked from per request with one
//! random number.

use std::sync::Arc;

use super::{ProviderRuntime, Route, Snapshot};
use crate::config::{split_target, AliasConfig, RuleTarget};

/// Where one target sends a request.
#[derive(Clone)]
pub(super) enum Target {
    /// A provider and model fixed by the definition.
    Fixed(Route),
    /// A provider; the model is the request's own.
    Provider(Arc<ProviderRuntime>),
    /// A model, resolved as a client's model name would be.
    Model(Arc<str>),
}

impl Target {
    /// The route for a request that asked for `model`.
    pub(super) fn route(
        &self,
        snapshot: &Snapshot,
        model: &str,
    ) -> Result<Route, super::RouteError> {
        match self {
            Target::Fixed(route) => Ok(route.clone()),
            Target::Provider(p) => {
                // `openai/gpt-4o` sent to another provider keeps only `gpt-4o`.
                let bare = match model.split_once('/') {
                    Some((prefix, rest)) if snapshot.providers.contains_key(prefix) => rest,
                    _ => model,
                };
                Ok(Route {
                    provider: p.clone(),
                    model: Arc::from(bare),
                })
            }
            Target::Model(m) => snapshot.resolve(m),
        }
    }

    /// `provider/model` as a person reads it (`*` where the request decides).
    pub(super) fn label(&self) -> (String, String) {
        match self {
            Target::Fixed(r) => (r.provider.name.clone(), r.model.to_string()),
            Target::Provider(p) => (p.name.clone(), "*".into()),
            Target::Model(m) => ("*".into(), m.to_string()),
        }
    }
}

/// Targets with weights and the fallbacks after them.
#[derive(Clone, Default)]
pub(super) struct Choice {
    /// Each target with its configured weight.
    pub(super) targets: Vec<(Target, f64)>,
    /// Tried in order after the picked target.
    pub(super) fallbacks: Vec<Target>,
    total: f64,
}

impl Choice {
    /// Builds a choice from resolved targets.
    fn new(targets: Vec<(Target, f64)>, fallbacks: Vec<Target>) -> Choice {
        let total = targets.iter().map(|(_, w)| w).sum();
        Choice {
            targets,
            fallbacks,
            total,
        }
    }

    /// The target a uniform draw `u` in [0, 1) lands on.
    pub(super) fn pick(&self, u: f64) -> usize {
        let mut left = u * self.total;
        for (i, (_, w)) in self.targets.iter().enumerate() {
            if left < *w {
                return i;
            }
            left -= w;
        }
        // Rounding can leave a sliver past the last weight.
        self.targets.len().saturating_sub(1)
    }

    /// The alias's or rule's choice against `snapshot`'s providers; an entry naming
    /// a provider that is gone is reported and left out.
    pub(super) fn of_alias(
        snapshot: &Snapshot,
        alias: &AliasConfig,
        problems: &mut Vec<String>,
    ) -> Choice {
        let targets = alias
            .targets
            .iter()
            .filter_map(|t| Some((fixed(snapshot, &t.model, problems)?, t.weight)))
            .collect();
        Choice::new(targets, fallbacks(snapshot, &alias.fallbacks, problems))
    }

    /// A rule's targets and fallbacks against `snapshot`'s providers.
    pub(super) fn of_rule(
        snapshot: &Snapshot,
        targets: &[RuleTarget],
        fallback_ids: &[String],
        problems: &mut Vec<String>,
    ) -> Choice {
        let targets = targets
            .iter()
            .filter_map(|t| {
                let provider = match &t.provider {
                    Some(name) => match snapshot.providers.get(name) {
                        Some(p) => Some(p),
                        None => {
                            problems.push(format!("provider `{name}` is not configured"));
                            return None;
                        }
                    },
                    None => None,
                };
                let target = match (provider, &t.model) {
                    (Some(p), Some(m)) => Target::Fixed(Route {
                        provider: p.clone(),
                        model: Arc::from(m.as_str()),
                    }),
                    (Some(p), None) => Target::Provider(p.clone()),
                    (None, Some(m)) => Target::Model(Arc::from(m.as_str())),
                    (None, None) => return None,
                };
                Some((target, t.weight))
            })
            .collect();
        Choice::new(targets, fallbacks(snapshot, fallback_ids, problems))
    }
}

fn fixed(snapshot: &Snapshot, id: &str, problems: &mut Vec<String>) -> Option<Target> {
    let Some((provider, model)) = split_target(id) else {
        problems.push(format!("`{id}` is not `provider/model`"));
        return None;
    };
    match snapshot.providers.get(provider) {
        Some(p) => Some(Target::Fixed(Route {
            provider: p.clone(),
            model: Arc::from(model),
        })),
        None => {
            problems.push(format!("provider `{provider}` is not configured"));
            None
        }
    }
}

fn fallbacks(snapshot: &Snapshot, ids: &[String], problems: &mut Vec<String>) -> Vec<Target> {
    ids.iter()
        .filter_map(|id| fixed(snapshot, id, problems))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn picks_follow_the_weights_over_ten_thousand_draws() {
        let cfg = crate::config::FileConfig::parse("[providers.m]\ntype = \"mock\"\n").unwrap();
        let snapshot = Snapshot::build(cfg.providers, &Default::default(), None);
        let mock = snapshot.providers["m"].clone();
        let target = || Target::Provider(mock.clone());
        let choice = Choice::new(
            vec![(target(), 0.7), (target(), 0.2), (target(), 0.1)],
            vec![],
        );
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let mut counts = [0usize; 3];
        for _ in 0..10_000 {
            counts[choice.pick(rng.gen::<f64>())] += 1;
        }
        // Binomial standard deviation at p = 0.7 is about 46 picks; 2% (200 picks)
        // is over four of them, so the test only fails on a wrong pick rule.
        for (count, expected) in counts.iter().zip([7_000, 2_000, 1_000]) {
            assert!(count.abs_diff(expected) <= 200, "{counts:?}");
        }
        assert_eq!(choice.pick(0.999_999_999), 2);
        assert_eq!(choice.pick(0.0), 0);
    }
}
