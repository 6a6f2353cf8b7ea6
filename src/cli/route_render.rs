//! `route explain` as text for people: the decision first, then every rule's verdict,
//! the candidates with their weights, and the fallback chain.

use std::fmt::Write;

use super::output::table;
use crate::routing::{Explanation, TargetView};

/// The explanation as a few labelled blocks.
pub fn explanation(e: &Explanation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "model:      {}", e.model);
    let decided = match (e.decided_by.as_str(), &e.matched_rule) {
        ("rule", Some(name)) => format!("rule {name}"),
        ("alias", _) => format!("alias {}", e.model),
        _ => "the model name (no rule matched, not an alias)".to_string(),
    };
    let _ = writeln!(out, "decided by: {decided}");
    if e.rules.is_empty() {
        let _ = writeln!(out, "\nrules: none configured");
    } else {
        let rows: Vec<Vec<String>> = e
            .rules
            .iter()
            .map(|r| {
                vec![
                    r.name.clone(),
                    r.priority.to_string(),
                    r.result.clone(),
                    r.detail.clone().unwrap_or_default(),
                ]
            })
            .collect();
        let _ = write!(
            out,
            "\nrules (evaluation order):\n{}",
            table(&["RULE", "PRIORITY", "RESULT", "DETAIL"], &rows)
        );
    }
    if !e.targets.is_empty() {
        let rows: Vec<Vec<String>> = e.targets.iter().map(target_row).collect();
        let _ = write!(
            out,
            "\ntargets (one drawn by effective weight):\n{}",
            table(
                &["PROVIDER", "MODEL", "WEIGHT", "EFFECTIVE", "HEALTH"],
                &rows
            )
        );
    }
    if !e.fallbacks.is_empty() {
        let chain: Vec<String> = e
            .fallbacks
            .iter()
            .map(|f| format!("{}/{}", f.provider, f.model))
            .collect();
        let _ = writeln!(out, "\nfallbacks: {}", chain.join(" -> "));
    }
    for p in &e.problems {
        let _ = writeln!(out, "warning: {p}");
    }
    if let Some(err) = &e.error {
        let _ = writeln!(out, "\nwould fail: {err}");
    }
    out
}

fn target_row(t: &TargetView) -> Vec<String> {
    vec![
        t.provider.clone(),
        t.model.clone(),
        format!("{}", t.weight),
        format!("{}", t.effective_weight),
        t.health.clone().unwrap_or_else(|| "-".into()),
    ]
}
