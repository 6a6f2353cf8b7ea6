//! `route explain`: the routing decision for a request, made without calling anyone,
//! with each rule's verdict so a user can see why a request went where it went.

use serde::{Deserialize, Serialize};

use super::alias::{Choice, Target};
use super::rules::{Decision, Verdict};
use super::rules_facts::{RouteFacts, Vars};
use super::Snapshot;

/// The routing decision for one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The model the request names.
    pub model: String,
    /// What decided: `rule`, `alias` or `model` (plain resolution).
    pub decided_by: String,
    /// The rule that matched, by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_rule: Option<String>,
    /// Every rule consulted, in evaluation order, with its verdict.
    pub rules: Vec<RuleResult>,
    /// The targets one is drawn from, with their weights.
    pub targets: Vec<TargetView>,
    /// Tried in order after the drawn target fails.
    pub fallbacks: Vec<TargetView>,
    /// Why the request would fail to route, if it would.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Entries of the alias that cannot be used (a provider removed since).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// One rule's verdict on the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    /// The rule's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its priority.
    pub priority: i64,
    /// `matched`, `false`, `disabled`, `out_of_scope`, `broken` or `error`.
    pub result: String,
    /// Why, for `broken` and `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A candidate target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetView {
    /// The provider (`*`: the one the model resolves to).
    pub provider: String,
    /// The model (`*`: the request's own).
    pub model: String,
    /// The weight the definition gives it.
    pub weight: f64,
    /// The weight selection uses now. Adaptive balancing (health-aware weights) sets it
    /// from observed errors and latency; without it, it is `weight`.
    pub effective_weight: f64,
    /// The target's health as the balancer sees it; `None` while no balancer reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<String>,
}

impl TargetView {
    fn of(target: &Target, weight: f64) -> TargetView {
        let (provider, model) = target.label();
        TargetView {
            provider,
            model,
            weight,
            effective_weight: weight,
            health: None,
        }
    }
}

fn verdict_view(v: Verdict) -> (&'static str, Option<String>) {
    match v {
        Verdict::Matched => ("matched", None),
        Verdict::False => ("false", None),
        Verdict::Disabled => ("disabled", None),
        Verdict::OutOfScope => ("out_of_scope", None),
        Verdict::Broken(why) => ("broken", Some(why)),
        Verdict::Failed(why) => ("error", Some(why)),
    }
}

impl Snapshot {
    /// What [`Snapshot::plan`] would decide for `model` and `facts`, with every rule's
    /// verdict and every candidate, drawing nothing and calling no provider.
    pub fn explain(&self, model: &str, facts: &RouteFacts<'_>) -> Explanation {
        let vars = Vars::new(model, facts, self);
        let mut trace = Vec::new();
        let decision = self.routing.decide(&vars, Some(&mut trace));
        let rules = trace
            .into_iter()
            .map(|(rule, verdict)| {
                let (result, detail) = verdict_view(verdict);
                RuleResult {
                    id: rule.def.id.clone(),
                    name: rule.def.name.clone(),
                    priority: rule.def.priority,
                    result: result.to_string(),
                    detail,
                }
            })
            .collect();
        let mut out = Explanation {
            model: model.to_string(),
            decided_by: String::new(),
            matched_rule: None,
            rules,
            targets: Vec::new(),
            fallbacks: Vec::new(),
            error: None,
            problems: Vec::new(),
        };
        let choice = |out: &mut Explanation, choice: &Choice| {
            out.targets = choice
                .targets
                .iter()
                .map(|(t, w)| TargetView::of(t, *w))
                .collect();
            out.fallbacks = choice
                .fallbacks
                .iter()
                .map(|t| TargetView::of(t, 0.0))
                .collect();
            if choice.targets.is_empty() {
                out.error = Some(
                    super::RouteError::NoTargets {
                        name: model.to_string(),
                    }
                    .to_string(),
                );
            }
        };
        match decision {
            Decision::Rule(rule) => {
                out.decided_by = "rule".into();
                out.matched_rule = Some(rule.def.name.clone());
                choice(&mut out, &rule.choice);
            }
            Decision::Alias(alias) => {
                out.decided_by = "alias".into();
                out.problems.clone_from(&alias.problems);
                choice(&mut out, &alias.choice);
            }
            Decision::Direct => {
                out.decided_by = "model".into();
                match self.resolve(model) {
                    Ok(route) => {
                        out.targets = vec![TargetView::of(&Target::Fixed(route), 1.0)];
                    }
                    Err(e) => out.error = Some(e.to_string()),
                }
            }
        }
        out
    }
}
