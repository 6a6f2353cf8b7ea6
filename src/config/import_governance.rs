//! The `governance` block of a reference `config.json`: budgets and rate limits are
//! declared apart there and referenced by id (`budget_id`, `rate_limit_id`); here they
//! are written inline on their owner, as the management API takes them.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::import::{join, Notes};
use super::{Declared, GovernanceConfig};
use crate::governance::{Budget, RateLimit};

/// Budget fields bifrost keeps; the rest is the reference's running state.
const BUDGET_FIELDS: [&str; 3] = ["max_limit", "reset_duration", "calendar_aligned"];

/// Rate-limit fields bifrost keeps.
const RATE_FIELDS: [&str; 4] = [
    "token_max_limit",
    "token_reset_duration",
    "request_max_limit",
    "request_reset_duration",
];

/// Budgets and rate limits by id, as declared in `governance.budgets` / `rate_limits`.
struct Pools {
    budgets: HashMap<String, Value>,
    rate_limits: HashMap<String, Value>,
}

/// Keeps `fields` of `object`.
fn only(object: &Map<String, Value>, fields: &[&str]) -> Map<String, Value> {
    object
        .iter()
        .filter(|(f, v)| fields.contains(&f.as_str()) && !v.is_null())
        .map(|(f, v)| (f.clone(), v.clone()))
        .collect()
}

fn pool(g: &Map<String, Value>, field: &str, keep: &[&str]) -> HashMap<String, Value> {
    let mut out = HashMap::new();
    if let Some(Value::Array(items)) = g.get(field) {
        for item in items {
            if let (Some(id), Value::Object(o)) = (item.get("id").and_then(Value::as_str), item) {
                out.insert(id.to_string(), Value::Object(only(o, keep)));
            }
        }
    }
    out
}

/// The reference's governance, as `[governance]`.
pub(super) fn governance(
    g: &Map<String, Value>,
    legacy_lists: bool,
    notes: &mut Notes,
) -> GovernanceConfig {
    let pools = Pools {
        budgets: pool(g, "budgets", &BUDGET_FIELDS),
        rate_limits: pool(g, "rate_limits", &RATE_FIELDS),
    };
    let mut out = GovernanceConfig::default();
    if g.get("budgets").and_then(Value::as_array).is_some_and(|b| {
        b.iter().any(|b| {
            b.get("current_usage")
                .and_then(Value::as_f64)
                .unwrap_or(0.0)
                > 0.0
        })
    }) {
        notes.add(
            "governance.budgets",
            "spend so far (current_usage) is not carried over: budgets start their window afresh",
        );
    }
    for (field, table) in [
        ("customers", &mut out.customers),
        ("teams", &mut out.teams),
        ("virtual_keys", &mut out.virtual_keys),
    ] {
        let Some(Value::Array(items)) = g.get(field) else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let Value::Object(o) = item else { continue };
            let at = format!("governance.{field}[{i}]");
            let Some(name) = o
                .get("name")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
            else {
                notes.add(at, "not carried over: it has no name");
                continue;
            };
            let at = format!("{at} (`{name}`)");
            let object = match field {
                "customers" => owner(
                    &at,
                    o,
                    &pools,
                    &[
                        "id",
                        "name",
                        "budgets",
                        "budget_id",
                        "rate_limit_id",
                        "calendar_aligned",
                    ],
                    notes,
                ),
                "teams" => {
                    let mut t = owner(
                        &at,
                        o,
                        &pools,
                        &[
                            "id",
                            "name",
                            "customer_id",
                            "budgets",
                            "budget_id",
                            "rate_limit_id",
                            "calendar_aligned",
                        ],
                        notes,
                    );
                    copy(o, &mut t, &["customer_id"]);
                    t
                }
                _ => virtual_key(&at, name, o, &pools, legacy_lists, notes),
            };
            let mut object = object;
            if let Some(id) = o.get("id").and_then(Value::as_str).filter(|id| *id != name) {
                object.insert("id".into(), json!(id));
            }
            if check(field, name, &object, &at, notes) {
                table.insert(name.to_string(), object);
            }
        }
    }
    for (field, why) in [
        (
            "auth_config",
            "set the admin password with `bifrost admin set-password`",
        ),
        (
            "routing_rules",
            "bifrost has no CEL routing rules; use `fallbacks` and provider_configs weights",
        ),
        (
            "model_configs",
            "bifrost has no per-model limits; put the limit on the keys that use the model",
        ),
        (
            "providers",
            "bifrost has no provider-level budgets; put the budget on a key's provider_configs",
        ),
        (
            "pricing_overrides",
            "override prices under [pricing.\"provider/model\"]",
        ),
    ] {
        if g.contains_key(field) {
            notes.add(
                join("governance", field),
                format!("not carried over: {why}"),
            );
        }
    }
    notes.unknown(
        "governance",
        g,
        &[
            "budgets",
            "rate_limits",
            "customers",
            "teams",
            "virtual_keys",
            "auth_config",
            "routing_rules",
            "model_configs",
            "providers",
            "pricing_overrides",
        ],
        "bifrost has no such governance setting",
    );
    out
}

/// Whether the object is valid for bifrost; when not, why, and it is left out.
fn check(field: &str, name: &str, object: &Declared, at: &str, notes: &mut Notes) -> bool {
    let mut one = GovernanceConfig::default();
    let table = match field {
        "customers" => &mut one.customers,
        "teams" => &mut one.teams,
        _ => &mut one.virtual_keys,
    };
    table.insert(name.to_string(), object.clone());
    let problems = one.problems();
    for p in &problems {
        notes.add(at, format!("not carried over: {p}"));
    }
    problems.is_empty()
}

fn copy(from: &Map<String, Value>, to: &mut Declared, fields: &[&str]) {
    for f in fields {
        if let Some(v) = from.get(*f).filter(|v| !v.is_null()) {
            to.insert((*f).to_string(), v.clone());
        }
    }
}

/// What every owner of budgets has: its budgets (inline, or by `budget_id`) and its
/// rate limit (by `rate_limit_id`), with the owner's `calendar_aligned` on each budget.
fn owner(
    at: &str,
    o: &Map<String, Value>,
    pools: &Pools,
    known: &[&str],
    notes: &mut Notes,
) -> Declared {
    let mut out = Declared::new();
    let aligned = o
        .get("calendar_aligned")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut budgets: Vec<Value> = match o.get("budgets") {
        Some(Value::Array(b)) => b
            .iter()
            .filter_map(Value::as_object)
            .map(|b| Value::Object(only(b, &BUDGET_FIELDS)))
            .collect(),
        _ => Vec::new(),
    };
    if let Some(id) = o.get("budget_id").and_then(Value::as_str) {
        match pools.budgets.get(id) {
            Some(b) => budgets.push(b.clone()),
            None => notes.add(
                join(at, "budget_id"),
                format!("not carried over: no budget `{id}` in governance.budgets"),
            ),
        }
    }
    let mut kept = Vec::new();
    for mut b in budgets {
        if aligned {
            b["calendar_aligned"] = json!(true);
        }
        match serde_json::from_value::<Budget>(b.clone()) {
            Ok(_) => kept.push(b),
            Err(e) => notes.add(join(at, "budget"), format!("not carried over: {e}")),
        }
    }
    if !kept.is_empty() {
        out.insert("budgets".into(), Value::Array(kept));
    }
    if let Some(id) = o.get("rate_limit_id").and_then(Value::as_str) {
        match pools.rate_limits.get(id) {
            Some(r) => match serde_json::from_value::<RateLimit>(r.clone()) {
                Ok(_) => {
                    out.insert("rate_limit".into(), r.clone());
                }
                Err(e) => notes.add(join(at, "rate_limit_id"), format!("not carried over: {e}")),
            },
            None => notes.add(
                join(at, "rate_limit_id"),
                format!("not carried over: no rate limit `{id}` in governance.rate_limits"),
            ),
        }
    }
    notes.unknown(at, o, known, "bifrost has no such field");
    out
}

fn virtual_key(
    at: &str,
    name: &str,
    o: &Map<String, Value>,
    pools: &Pools,
    legacy_lists: bool,
    notes: &mut Notes,
) -> Declared {
    let mut out = owner(
        at,
        o,
        pools,
        &[
            "id",
            "name",
            "description",
            "value",
            "is_active",
            "expires_at",
            "team_id",
            "customer_id",
            "budgets",
            "budget_id",
            "rate_limit_id",
            "calendar_aligned",
            "provider_configs",
            "mcp_configs",
        ],
        notes,
    );
    copy(
        o,
        &mut out,
        &[
            "description",
            "is_active",
            "expires_at",
            "team_id",
            "customer_id",
        ],
    );
    match o.get("value").and_then(Value::as_str) {
        Some(v) if v.starts_with("env.") => {
            out.insert("value".into(), json!(v));
        }
        Some(v) => {
            notes.add(join(at, "value"), "carried over as written: a literal key in a config file; consider moving it to an environment variable (value = \"env.VAR\")");
            out.insert("value".into(), json!(v));
        }
        None => {
            let var = super::key_env_var(name);
            notes.add(join(at, "value"), format!("the key has no value in config.json; it is read from env.{var}: set it to the key the clients use"));
            out.insert("value".into(), json!(format!("env.{var}")));
        }
    }
    let mut configs = Vec::new();
    if let Some(Value::Array(pcs)) = o.get("provider_configs") {
        for (i, pc) in pcs.iter().enumerate() {
            let Value::Object(pc) = pc else { continue };
            if let Some(c) = provider_config(
                &format!("{at}.provider_configs[{i}]"),
                pc,
                pools,
                legacy_lists,
                notes,
            ) {
                configs.push(c);
            }
        }
    }
    if configs.is_empty() && !legacy_lists {
        notes.add(join(at, "provider_configs"), "the key allows no provider in the reference (v1.5+: no provider_configs denies every provider), while bifrost lets a key without provider_configs use every provider: it is imported disabled (is_active = false); add provider_configs, then `bifrost vk enable`");
        out.insert("is_active".into(), json!(false));
    }
    if !configs.is_empty() {
        out.insert("provider_configs".into(), Value::Array(configs));
    }
    if o.contains_key("mcp_configs") {
        notes.add(
            join(at, "mcp_configs"),
            "not carried over: bifrost does not run MCP tools",
        );
    }
    out
}

fn provider_config(
    at: &str,
    pc: &Map<String, Value>,
    pools: &Pools,
    legacy_lists: bool,
    notes: &mut Notes,
) -> Option<Value> {
    let provider = pc.get("provider").and_then(Value::as_str)?;
    let models: Vec<Value> = match pc.get("allowed_models") {
        Some(Value::Array(m)) if m.is_empty() && !legacy_lists => {
            notes.add(join(at, "allowed_models"), "not carried over: an empty list denies every model in the reference (v1.5+), so this provider was unusable for the key");
            return None;
        }
        Some(Value::Array(m)) if m.is_empty() => vec![json!("*")],
        Some(Value::Array(m)) => m.clone(),
        _ => vec![json!("*")],
    };
    let mut out = owner(
        at,
        pc,
        pools,
        &[
            "id",
            "virtual_key_id",
            "provider",
            "weight",
            "allowed_models",
            "budget_id",
            "budgets",
            "rate_limit_id",
            "key_ids",
            "blacklisted_models",
        ],
        notes,
    );
    out.insert("provider".into(), json!(provider));
    match pc.get("weight") {
        Some(Value::Null) => {
            notes.add(join(at, "weight"), "null (no weighted routing) carried over as weight 0: the provider serves the key's `provider/model` requests only");
            out.insert("weight".into(), json!(0.0));
        }
        Some(w) => {
            out.insert("weight".into(), w.clone());
        }
        None => {}
    }
    out.insert("allowed_models".into(), Value::Array(models));
    for field in ["key_ids", "blacklisted_models"] {
        if pc.contains_key(field) {
            notes.add(
                join(at, field),
                "not carried over: bifrost's provider configs have no such list",
            );
        }
    }
    Some(Value::Object(out))
}
