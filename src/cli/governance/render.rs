//! Governance objects for people: one-line summaries of limits, list tables, a
//! field-per-line view of one object, and the usage table. Values are never shown:
//! only the `value_hint` (first and last four characters).

use serde_json::Value;

use crate::admin::Kind;
use crate::cli::output::table;

fn s(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `$5.00/1d, $100.00/1M` or `-`.
pub fn budgets(v: &Value) -> String {
    let list: Vec<String> = v["budgets"]
        .as_array()
        .map(|b| {
            b.iter()
                .map(|b| {
                    format!(
                        "${:.2}/{}",
                        b["max_limit"].as_f64().unwrap_or(0.0),
                        s(&b["reset_duration"])
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if list.is_empty() {
        "-".into()
    } else {
        list.join(", ")
    }
}

/// `100 req/1m, 10000 tok/1m` or `-`.
pub fn rate(v: &Value) -> String {
    let rl = &v["rate_limit"];
    let mut out = Vec::new();
    if let Some(n) = rl["request_max_limit"].as_u64() {
        out.push(format!("{n} req/{}", s(&rl["request_reset_duration"])));
    }
    if let Some(n) = rl["token_max_limit"].as_u64() {
        out.push(format!("{n} tok/{}", s(&rl["token_reset_duration"])));
    }
    if out.is_empty() {
        "-".into()
    } else {
        out.join(", ")
    }
}

/// A table of keys, teams or customers.
pub fn list_table(kind: Kind, items: &[Value]) -> String {
    match kind {
        Kind::VirtualKey => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|k| {
                    let owner = match (&k["team_id"], &k["customer_id"]) {
                        (Value::String(t), _) => format!("team {t}"),
                        (_, Value::String(c)) => format!("customer {c}"),
                        _ => "-".into(),
                    };
                    vec![
                        s(&k["name"]),
                        s(&k["value_hint"]),
                        if k["is_active"] == Value::Bool(false) {
                            "no".into()
                        } else {
                            "yes".into()
                        },
                        budgets(k),
                        rate(k),
                        owner,
                        s(&k["id"]),
                    ]
                })
                .collect();
            table(
                &[
                    "NAME",
                    "KEY",
                    "ACTIVE",
                    "BUDGET",
                    "RATE LIMIT",
                    "BELONGS TO",
                    "ID",
                ],
                &rows,
            )
        }
        Kind::Team | Kind::Customer => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|t| {
                    vec![
                        s(&t["name"]),
                        budgets(t),
                        rate(t),
                        s(&t["customer_id"]),
                        s(&t["id"]),
                    ]
                })
                .collect();
            table(&["NAME", "BUDGET", "RATE LIMIT", "CUSTOMER", "ID"], &rows)
        }
    }
}

/// One object, a field per line.
pub fn describe(v: &Value) -> String {
    let mut out = String::new();
    if let Some(o) = v.as_object() {
        let width = o.keys().map(String::len).max().unwrap_or(0);
        for (k, val) in o {
            if k == "value" || k == "value_hash" {
                continue;
            }
            let text = match k.as_str() {
                "budgets" => budgets(v),
                "rate_limit" => rate(v),
                _ => match val {
                    Value::Array(a) => a.iter().map(s).collect::<Vec<_>>().join(", "),
                    other => s(other),
                },
            };
            out.push_str(&format!("{k:<width$}  {text}\n"));
        }
    }
    out
}

/// Spend and rate-limit use per level.
pub fn usage_table(u: &Value) -> String {
    let mut rows = Vec::new();
    for level in u["levels"].as_array().into_iter().flatten() {
        let who = s(&level["name"]);
        for b in level["budgets"].as_array().into_iter().flatten() {
            rows.push(vec![
                who.clone(),
                format!("budget/{}", s(&b["reset_duration"])),
                format!(
                    "${:.4}",
                    b["spent"].as_f64().unwrap_or(0.0) + b["reserved"].as_f64().unwrap_or(0.0)
                ),
                format!("${:.2}", b["max_limit"].as_f64().unwrap_or(0.0)),
                s(&b["resets_at"]),
            ]);
        }
        for (what, w) in [
            ("requests", &level["requests"]),
            ("tokens", &level["tokens"]),
        ] {
            if w.is_object() {
                rows.push(vec![
                    who.clone(),
                    format!("{what}/{}", s(&w["reset_duration"])),
                    s(&w["used"]),
                    s(&w["limit"]),
                    s(&w["resets_at"]),
                ]);
            }
        }
    }
    if rows.is_empty() {
        return format!(
            "virtual key `{}` has no budgets or rate limits\n",
            s(&u["name"])
        );
    }
    table(&["LEVEL", "LIMIT", "USED", "OF", "RESETS AT"], &rows)
}
