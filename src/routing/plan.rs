//! The targets a request will try, in order: the primary, then its fallbacks. Model
//! resolution (aliases, routing rules) builds a plan; the dispatcher walks it.

use super::Route;

/// Where a request may go, in the order to try.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The primary first, then each fallback; never empty.
    pub targets: Vec<Route>,
    /// The routing rule that chose the targets, by name, when one matched.
    pub rule: Option<String>,
}

impl Plan {
    /// A plan of one target.
    pub fn single(route: Route) -> Plan {
        Plan {
            targets: vec![route],
            rule: None,
        }
    }

    /// The targets a request already encoded for the primary goes to unchanged, for an
    /// endpoint with no translation (audio, images, moderations): every target of the
    /// same provider type and model, in order (a forwarded body names its model and
    /// speaks its upstream's format). The rest cannot be tried at all.
    pub fn same_type(&self) -> Plan {
        Plan {
            targets: self
                .targets
                .iter()
                .filter(|t| self.forwards_to(t))
                .cloned()
                .collect(),
            rule: self.rule.clone(),
        }
    }

    /// The plan's leading targets that take a forwarded body unchanged, for a route
    /// that can go on translated ([`Plan::handover`]): the plan's order is kept, so
    /// the first target of another type ends the forwarded part. Indices in it are
    /// the plan's own.
    pub fn forwardable(&self) -> Plan {
        let end = self.handover_at();
        Plan {
            targets: self.targets[..end].to_vec(),
            rule: self.rule.clone(),
        }
    }

    /// Where a forwarded request goes on, translated, when [`Plan::forwardable`]
    /// failed: every target from the first of another type on, in plan order (later
    /// targets of the primary's type included), and that target's index in this plan.
    /// Empty for a plan without such a target.
    pub fn handover(&self) -> (Plan, usize) {
        let at = self.handover_at();
        (
            Plan {
                targets: self.targets[at..].to_vec(),
                rule: self.rule.clone(),
            },
            at,
        )
    }

    /// The index of the first target a forwarded body cannot go to unchanged (the
    /// plan's length when there is none).
    fn handover_at(&self) -> usize {
        self.targets
            .iter()
            .position(|t| !self.forwards_to(t))
            .unwrap_or(self.targets.len())
    }

    /// The targets [`Plan::same_type`] leaves out, for an error that names them.
    pub fn other_types(&self) -> impl Iterator<Item = &Route> {
        self.targets.iter().filter(|t| !self.forwards_to(t))
    }

    /// Whether a body encoded for the primary goes to `target` unchanged.
    fn forwards_to(&self, target: &Route) -> bool {
        let primary = self.primary();
        target.provider.config.kind == primary.provider.config.kind && target.model == primary.model
    }

    /// The primary target.
    pub fn primary(&self) -> &Route {
        // `targets` is never empty: every constructor puts the primary first.
        &self.targets[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ClientConfig, FileConfig};
    use crate::routing::Snapshot;

    /// A plan over `names` (`provider/model`), providers `a1`, `a2` (anthropic) and
    /// `o` (OpenAI-compatible).
    fn plan(names: &[&str]) -> Plan {
        let toml = r#"
[providers.a1]
type = "anthropic"
[[providers.a1.keys]]
name = "k"
value = "x"
[providers.a2]
type = "anthropic"
[[providers.a2.keys]]
name = "k"
value = "x"
[providers.o]
type = "openai-compatible"
base_url = "http://127.0.0.1:1/v1"
[[providers.o.keys]]
name = "k"
value = "x"
"#;
        let cfg = FileConfig::parse(toml).unwrap();
        let snapshot = Snapshot::build(cfg.providers, &ClientConfig::default(), None);
        let targets = names.iter().map(|n| snapshot.resolve(n).unwrap()).collect();
        Plan {
            targets,
            rule: None,
        }
    }

    fn names(plan: &Plan) -> Vec<String> {
        plan.targets
            .iter()
            .map(|t| format!("{}/{}", t.provider.name, t.model))
            .collect()
    }

    #[test]
    fn a_forwarded_plan_hands_over_at_the_first_target_of_another_type_in_order() {
        let p = plan(&["a1/c", "a2/c", "o/g", "a2/c", "a1/other"]);
        assert_eq!(names(&p.forwardable()), ["a1/c", "a2/c"]);
        let (rest, at) = p.handover();
        assert_eq!(at, 2);
        assert_eq!(names(&rest), ["o/g", "a2/c", "a1/other"]);
        // Without a translation, every same-type target is tried and the rest named.
        assert_eq!(names(&p.same_type()), ["a1/c", "a2/c", "a2/c"]);
        let others: Vec<&str> = p.other_types().map(|t| t.provider.name.as_str()).collect();
        assert_eq!(others, ["o", "a1"]);
        // A plan of one type never hands over.
        let (rest, at) = plan(&["a1/c", "a2/c"]).handover();
        assert!(rest.targets.is_empty());
        assert_eq!(at, 2);
    }
}
