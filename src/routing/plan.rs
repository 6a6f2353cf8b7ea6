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

    /// The targets a request already encoded for the primary can go to unchanged: the
    /// same provider type and model (a forwarded body names its model and speaks its
    /// upstream's format).
    pub fn forwardable(&self) -> Plan {
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

    /// The targets [`Plan::forwardable`] leaves out (another provider type or model),
    /// in order, each with its index in this plan: where a forwarded request goes on,
    /// translated, when the forwardable targets failed. Empty (no allocation) for a
    /// plan without such fallbacks.
    pub fn translated(&self) -> (Plan, Vec<usize>) {
        let (indices, targets) = self
            .targets
            .iter()
            .enumerate()
            .filter(|(_, t)| !self.forwards_to(t))
            .map(|(i, t)| (i, t.clone()))
            .unzip();
        (
            Plan {
                targets,
                rule: self.rule.clone(),
            },
            indices,
        )
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
