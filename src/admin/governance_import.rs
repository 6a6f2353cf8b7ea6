//! Writing a batch of governance objects at once (`bifrost config import --apply`
//! against a running server): customers, teams and virtual keys in the store's shape,
//! ids and key digests included, so a migrated key keeps working with the value the
//! other gateway handed out. The value itself never travels, only its digest.
//!
//! All or nothing: every object is decoded and validated, every reference resolved,
//! before the first is written, then they are written in dependency order (customers,
//! teams, keys) as objects made through the API.

use serde::Deserialize;
use serde_json::{json, Value};

use super::governance::GovernanceError;
use crate::config::DeclaredObjects;
use crate::governance::{Customer, KeyHash, Team, VirtualKey};

/// The body of an import: each list may be absent.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    #[serde(default)]
    customers: Vec<Customer>,
    #[serde(default)]
    teams: Vec<Team>,
    #[serde(default)]
    virtual_keys: Vec<VirtualKey>,
}

/// `body` decoded and validated into the objects to write; every problem found, each
/// naming the object, when anything is wrong.
pub(super) fn decode(body: Value) -> Result<DeclaredObjects, GovernanceError> {
    let batch: Batch = serde_path_to_error::deserialize(body)
        .map_err(|e| GovernanceError::Invalid(vec![format!("{}: {}", e.path(), e.inner())]))?;
    let mut problems = Vec::new();
    let mut note = |kind: &str, name: &str, found: Vec<String>| {
        problems.extend(found.into_iter().map(|p| format!("{kind} `{name}`: {p}")));
    };
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
    Ok(DeclaredObjects {
        customers: batch.customers,
        teams: batch.teams,
        keys,
    })
}

/// The body that imports `objects` (see [`decode`]).
pub fn import_body(objects: &DeclaredObjects) -> Value {
    json!({
        "customers": objects.customers,
        "teams": objects.teams,
        "virtual_keys": objects.keys,
    })
}

/// What an import wrote, as it answers.
pub(super) fn summary(objects: &DeclaredObjects) -> Value {
    json!({
        "customers": objects.customers.len(),
        "teams": objects.teams.len(),
        "virtual_keys": objects.keys.len(),
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
        assert_eq!(objects.keys[0].value_hash, good);
        let again = decode(import_body(&objects)).unwrap();
        assert_eq!(again.keys, objects.keys);
        assert_eq!(summary(&again)["virtual_keys"], 1);
    }
}
