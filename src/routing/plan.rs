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
        let primary = self.primary();
        Plan {
            targets: self
                .targets
                .iter()
                .filter(|t| {
                    t.provider.config.kind == primary.provider.config.kind
                        && t.model == primary.model
                })
                .cloned()
                .collect(),
            rule: self.rule.clone(),
        }
    }

    /// The primary target.
    pub fn primary(&self) -> &Route {
        // `targets` is never empty: every constructor puts the primary first.
        &self.targets[0]
    }
}
