//! `client.prometheus_labels`: the labels every metric carries on top of its own.

/// One entry of `client.prometheus_labels`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrometheusLabel {
    /// `name=value`: the same value on every series (`environment=production`).
    Static {
        /// Label name.
        name: String,
        /// Its value.
        value: String,
    },
    /// `name`: the value comes from each request's `x-bf-prom-<name>` header (the
    /// reference gateway's custom labels), capped by `client.prometheus_label_cap`.
    Dynamic {
        /// Label name.
        name: String,
    },
}

/// Labels every metric has already; a custom label may not shadow them.
const RESERVED: [&str; 6] = ["provider", "model", "route", "virtual_key", "reason", "le"];

/// Most `name` (per-request) labels: each multiplies the series a client can create.
pub const MAX_DYNAMIC_LABELS: usize = 8;

/// Parses `client.prometheus_labels`; the error names the entry and what is wrong.
pub fn parse_prometheus_labels(entries: &[String]) -> Result<Vec<PrometheusLabel>, String> {
    let mut out = Vec::with_capacity(entries.len());
    let mut seen: Vec<&str> = Vec::new();
    for entry in entries {
        let (name, value) = match entry.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (entry.trim(), None),
        };
        let valid = name
            .chars()
            .enumerate()
            .all(|(i, c)| c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()));
        if name.is_empty() || !valid || name.starts_with("__") {
            return Err(format!(
                "client.prometheus_labels: {} is not a Prometheus label name (letters, digits and `_`, not starting with a digit or `__`)",
                super::quote(entry)
            ));
        }
        if RESERVED.contains(&name) || seen.contains(&name) {
            return Err(format!(
                "client.prometheus_labels: label {} is already set{}",
                super::quote(name),
                if seen.contains(&name) {
                    " by an earlier entry"
                } else {
                    " by bifrost"
                }
            ));
        }
        seen.push(name);
        out.push(match value {
            Some(value) => PrometheusLabel::Static {
                name: name.to_string(),
                value: value.to_string(),
            },
            None => PrometheusLabel::Dynamic {
                name: name.to_string(),
            },
        });
    }
    let dynamic = out
        .iter()
        .filter(|l| matches!(l, PrometheusLabel::Dynamic { .. }))
        .count();
    if dynamic > MAX_DYNAMIC_LABELS {
        return Err(format!(
            "client.prometheus_labels: {dynamic} labels take their value from x-bf-prom-* headers; at most {MAX_DYNAMIC_LABELS} may"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(entries: &[&str]) -> Result<Vec<PrometheusLabel>, String> {
        let owned: Vec<String> = entries.iter().map(|s| s.to_string()).collect();
        parse_prometheus_labels(&owned)
    }

    #[test]
    fn static_and_dynamic_entries() {
        assert_eq!(
            parse(&["environment=production", "team"]).unwrap(),
            [
                PrometheusLabel::Static {
                    name: "environment".into(),
                    value: "production".into()
                },
                PrometheusLabel::Dynamic {
                    name: "team".into()
                }
            ]
        );
    }

    #[test]
    fn bad_names_and_shadowing_are_refused() {
        assert!(parse(&["9lives"]).unwrap_err().contains("9lives"));
        assert!(parse(&["a-b=c"]).unwrap_err().contains("a-b"));
        assert!(parse(&["model=x"])
            .unwrap_err()
            .contains("already set by bifrost"));
        assert!(parse(&["t", "t=1"]).unwrap_err().contains("earlier entry"));
        let many: Vec<String> = (0..9).map(|i| format!("l{i}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(parse(&refs).unwrap_err().contains("at most 8"));
    }
}
