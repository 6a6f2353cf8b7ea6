//! Writing a whole setup at once (`bifrost config import --apply`, against a running
//! server or the store): providers (the API's provider shape), customers, teams and
//! virtual keys in the store's shape, ids and key digests included, so a migrated key
//! keeps working with the value the other gateway handed out (the value itself never
//! travels, only its digest), and routing rules.
//!
//! All or nothing: every object is decoded and validated, every reference resolved,
//! before anything is written, then everything is written in one store transaction,
//! in dependency order (providers, customers, teams, keys, rules), as objects made
//! through the API. A write that still fails leaves the store as it was.

use serde::Deserialize;
use serde_json::{json, Value};

use super::governance::GovernanceError;
use super::ProviderDoc;
use crate::config::limits::{check_count, MAX_PROVIDERS};
use crate::config::{validate_provider_name, DeclaredObjects, RoutingRule, MAX_RULES};
use crate::governance::{Customer, KeyHash, Team, Timestamp, VirtualKey};
use crate::store::{Batch as Writes, Origin, Store};

/// What an import writes.
#[derive(Debug, Default)]
pub struct Imported {
    /// Providers, created or replaced.
    pub providers: Vec<ProviderDoc>,
    /// Customers, teams and virtual keys.
    pub objects: DeclaredObjects,
    /// Routing rules, created or replaced.
    pub routing_rules: Vec<RoutingRule>,
}

/// The body of an import: each list may be absent.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    #[serde(default)]
    providers: Vec<ProviderDoc>,
    #[serde(default)]
    routing_rules: Vec<RoutingRule>,
    #[serde(default)]
    customers: Vec<Customer>,
    #[serde(default)]
    teams: Vec<Team>,
    #[serde(default)]
    virtual_keys: Vec<VirtualKey>,
}

/// `body` decoded and validated into the objects to write; every problem found, each
/// naming the object, when anything is wrong.
pub(super) fn decode(body: Value) -> Result<Imported, GovernanceError> {
    let batch: Batch = serde_path_to_error::deserialize(body)
        .map_err(|e| GovernanceError::Invalid(vec![format!("{}: {}", e.path(), e.inner())]))?;
    let mut problems = Vec::new();
    let mut note = |kind: &str, name: &str, found: Vec<String>| {
        problems.extend(found.into_iter().map(|p| format!("{kind} `{name}`: {p}")));
    };
    for p in &batch.providers {
        let mut found = p.to_config().problems();
        if let Err(e) = validate_provider_name(&p.provider) {
            found.insert(0, e.to_string());
        }
        note("provider", &p.provider, found);
    }
    for c in &batch.customers {
        note("customer", &c.name, c.problems());
    }
    for t in &batch.teams {
        note("team", &t.name, t.problems());
    }
    for k in &batch.virtual_keys {
        let mut found = k.problems();
        if KeyHash::from_hex(&k.value_hash).is_none() {
            found.push("value_hash is not a key digest; import the key's value with `bifrost config import --apply`".into());
        }
        note("virtual key", &k.name, found);
    }
    for (kind, ids) in [
        (
            "customer",
            batch.customers.iter().map(|c| &c.id).collect::<Vec<_>>(),
        ),
        ("team", batch.teams.iter().map(|t| &t.id).collect()),
        (
            "virtual key",
            batch.virtual_keys.iter().map(|k| &k.id).collect(),
        ),
    ] {
        for (i, id) in ids.iter().enumerate() {
            if id.is_empty() {
                problems.push(format!("a {kind} has an empty id"));
            } else if ids[..i].contains(id) {
                problems.push(format!("two {kind}s have the id `{id}`"));
            }
        }
    }
    if !problems.is_empty() {
        return Err(GovernanceError::Invalid(problems));
    }
    let mut keys = batch.virtual_keys;
    for k in &mut keys {
        // Only the digest is stored; a value sent along is dropped, never kept.
        k.value = None;
    }
    Ok(Imported {
        providers: batch.providers,
        objects: DeclaredObjects {
            customers: batch.customers,
            teams: batch.teams,
            keys,
        },
        routing_rules: batch.routing_rules,
    })
}

/// Checks `imported` against what `store` holds, then writes it in one transaction:
/// all or nothing. `now` stamps what is new or changed.
pub fn write(store: &Store, imported: &Imported, now: Timestamp) -> Result<(), GovernanceError> {
    let stored = store.providers()?;
    let names: Vec<String> = imported
        .providers
        .iter()
        .map(|p| p.provider.clone())
        .collect();
    let known = |p: &str| stored.iter().any(|(n, _)| n == p) || names.iter().any(|n| n == p);
    let mut problems = Vec::new();
    let new = names
        .iter()
        .filter(|n| !stored.iter().any(|(s, _)| s == *n))
        .count();
    if let Err(e) = check_count("providers", stored.len() + new, MAX_PROVIDERS) {
        problems.push(e.to_string());
    }
    let file_rules = store.file_rules()?;
    let api_rules = store.records::<RoutingRule>()?;
    for rule in &imported.routing_rules {
        problems.extend(rule.problems(&known));
        if file_rules.iter().any(|r| r.name == rule.name) {
            problems.push(format!(
                "routing rule `{}` is declared in bifrost.toml; pick another name",
                rule.name
            ));
        }
    }
    if let Err(e) = check_count(
        "routing_rules",
        api_rules.len() + imported.routing_rules.len(),
        MAX_RULES,
    ) {
        problems.push(e.to_string());
    }
    if !problems.is_empty() {
        return Err(GovernanceError::Invalid(problems));
    }
    let mut writes = Writes::default();
    for p in &imported.providers {
        // A provider that exists keeps where it came from (the file's stays the file's).
        let origin = stored
            .iter()
            .find(|(n, _)| *n == p.provider)
            .map_or(Origin::Api, |(_, s)| s.origin);
        writes.put_provider(p.provider.clone(), p.to_config(), origin);
    }
    super::governance_file::declared_batch(
        store,
        &imported.objects,
        now,
        false,
        &names,
        &mut writes,
    )?;
    for rule in &imported.routing_rules {
        let mut rule = rule.clone();
        // A rule named like a stored one replaces it; a new one gets an id and a time.
        match api_rules.iter().find(|r| r.name == rule.name) {
            Some(old) => {
                rule.id = old.id.clone();
                rule.created_at = old.created_at;
            }
            None => {
                rule.id = uuid::Uuid::new_v4().to_string();
                rule.created_at = now.0;
            }
        }
        writes.put_record(rule);
    }
    Ok(store.write_batch(writes)?)
}

/// The body that imports `imported` (see [`decode`]).
pub fn import_body(imported: &Imported) -> Value {
    json!({
        "providers": imported.providers,
        "customers": imported.objects.customers,
        "teams": imported.objects.teams,
        "virtual_keys": imported.objects.keys,
        "routing_rules": imported.routing_rules,
    })
}

/// What an import wrote, as it answers.
pub(super) fn summary(imported: &Imported) -> Value {
    json!({
        "providers": imported.providers.len(),
        "customers": imported.objects.customers.len(),
        "teams": imported.objects.teams.len(),
        "virtual_keys": imported.objects.keys.len(),
        "routing_rules": imported.routing_rules.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, hash: &str) -> Value {
        json!({"id": name, "name": name, "value_hash": hash})
    }

    #[test]
    fn problems_name_every_object_and_nothing_is_decoded() {
        let good = KeyHash::of("sk-bf-x").to_hex();
        let err = decode(json!({
            "virtual_keys": [key("a", &good), key("a", &good), key("b", "nope")],
            "teams": [{"id": "t", "name": ""}],
        }))
        .unwrap_err();
        let GovernanceError::Invalid(p) = err else {
            panic!("{err:?}")
        };
        let text = p.join("\n");
        assert!(text.contains("two virtual keys have the id `a`"), "{text}");
        assert!(text.contains("virtual key `b`: value_hash"), "{text}");
        assert!(text.contains("team ``: name"), "{text}");
    }

    #[test]
    fn a_valid_batch_round_trips() {
        let good = KeyHash::of("sk-bf-x").to_hex();
        let objects = decode(json!({"virtual_keys": [key("a", &good)]})).unwrap();
        assert_eq!(objects.objects.keys[0].value_hash, good);
        let again = decode(import_body(&objects)).unwrap();
        assert_eq!(again.objects.keys, objects.objects.keys);
        assert_eq!(summary(&again)["virtual_keys"], 1);
    }
}
