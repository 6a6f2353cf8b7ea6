//! Writing the customers, teams and virtual keys `bifrost.toml` declares into the
//! store at start, as providers are: the file wins for what it declares, and what it
//! declared before but no longer does is removed. Objects made through the API or the
//! CLI are left alone, except one whose name the file now claims, which the file's
//! object replaces.
//!
//! Ids are the file's (`id`, else the name), so spend counted under a declared key
//! survives restarts and edits of the file.
//!
//! Everything is checked, then written in one store transaction (a [`Batch`]): all or
//! nothing.

use serde::Serialize;

use super::governance::{GovernanceError, Kind};
use crate::config::DeclaredObjects;
use crate::governance::{Customer, Team, Timestamp, VirtualKey};
use crate::store::{Batch, Record, Store};

/// What each kind needs to be written as a declared object.
trait Declared: Record + Clone + PartialEq + Serialize {
    fn stamp(&mut self, created: Timestamp, updated: Timestamp);
    fn times(&self) -> (Timestamp, Timestamp);
    fn is_declared(&self) -> bool;
    fn mark(&mut self, from_file: bool);
}

macro_rules! declared {
    ($t:ty) => {
        impl Declared for $t {
            fn stamp(&mut self, created: Timestamp, updated: Timestamp) {
                self.created_at = created;
                self.updated_at = updated;
            }
            fn times(&self) -> (Timestamp, Timestamp) {
                (self.created_at, self.updated_at)
            }
            fn is_declared(&self) -> bool {
                self.from_file
            }
            fn mark(&mut self, from_file: bool) {
                self.from_file = from_file;
            }
        }
    };
}
declared!(Customer);
declared!(Team);
declared!(VirtualKey);

/// Writes `declared` into `store` and removes the declared objects the file dropped.
/// References (`team_id`, `customer_id`) may name an object by id or by name, declared
/// or stored; they are stored as ids. Nothing is written when a reference or a
/// provider is missing. `now` stamps what is new or changed.
///
/// `from_file` marks them as the config file's (`serve`); without it they are written
/// as if made through the API (`config import --apply`), and nothing is removed.
pub fn apply_declared(
    store: &Store,
    declared: &DeclaredObjects,
    now: Timestamp,
    from_file: bool,
) -> Result<(), GovernanceError> {
    let mut batch = Batch::default();
    declared_batch(store, declared, now, from_file, &[], &mut batch)?;
    Ok(store.write_batch(batch)?)
}

/// Adds to `batch` what [`apply_declared`] writes; `providers` are those written with it
/// (before it, in the same batch), which `provider_configs` may name too.
pub(super) fn declared_batch(
    store: &Store,
    declared: &DeclaredObjects,
    now: Timestamp,
    from_file: bool,
    providers: &[String],
    batch: &mut Batch,
) -> Result<(), GovernanceError> {
    let mut problems = Vec::new();
    let customers = &declared.customers;
    let mut teams = declared.teams.clone();
    for t in &mut teams {
        t.customer_id = resolve(
            store,
            customers,
            &t.name,
            "customer_id",
            t.customer_id.take(),
            &mut problems,
        )?;
    }
    let mut known: Vec<String> = store.providers()?.into_iter().map(|(n, _)| n).collect();
    known.extend_from_slice(providers);
    let providers = known;
    let mut keys = declared.keys.clone();
    for k in &mut keys {
        k.team_id = resolve(
            store,
            &teams,
            &k.name,
            "team_id",
            k.team_id.take(),
            &mut problems,
        )?;
        k.customer_id = resolve(
            store,
            customers,
            &k.name,
            "customer_id",
            k.customer_id.take(),
            &mut problems,
        )?;
        for pc in &k.provider_configs {
            if !providers.contains(&pc.provider) {
                problems.push(format!(
                    "`{}`: provider_configs names provider `{}`, which is not configured; declare it under [providers] or add it with `bifrost provider add`",
                    k.name, pc.provider
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(GovernanceError::Invalid(problems));
    }
    for c in customers {
        put(store, batch, c.clone(), now, from_file)?;
    }
    for t in teams {
        put(store, batch, t, now, from_file)?;
    }
    for k in keys {
        put(store, batch, k, now, from_file)?;
    }
    if !from_file {
        return Ok(());
    }
    remove_undeclared::<VirtualKey>(store, batch, declared.keys.iter().map(|k| k.id.as_str()))?;
    remove_undeclared::<Team>(store, batch, declared.teams.iter().map(|t| t.id.as_str()))?;
    remove_undeclared::<Customer>(store, batch, customers.iter().map(|c| c.id.as_str()))?;
    Ok(())
}

/// Adds one declared object to `batch`, keeping its creation time (and its last change
/// when nothing changed), replacing an API-made object that has its name.
fn put<T: Declared>(
    store: &Store,
    batch: &mut Batch,
    mut object: T,
    now: Timestamp,
    from_file: bool,
) -> Result<(), GovernanceError> {
    object.mark(from_file);
    if let Some(other) = store
        .records::<T>()?
        .into_iter()
        .find(|r| r.name() == object.name() && r.id() != object.id())
    {
        tracing::warn!(
            kind = T::KIND,
            name = object.name(),
            "the config file declares this name; replacing the object made through the API"
        );
        batch.delete_record::<T>(other.id().to_string());
    }
    let (created, updated) = match store.record::<T>(object.id())? {
        Some(mut existing) => {
            let times = existing.times();
            existing.stamp(Timestamp::default(), Timestamp::default());
            if existing == object {
                times
            } else {
                (times.0, now)
            }
        }
        None => (now, now),
    };
    object.stamp(created, updated);
    batch.put_record(object);
    Ok(())
}

/// The id of the `T` that `reference` names by id or by name, among the declared
/// objects first, then the stored ones; a reference to nothing is noted as a problem.
fn resolve<T: Declared>(
    store: &Store,
    declared: &[T],
    owner: &str,
    field: &str,
    reference: Option<String>,
    problems: &mut Vec<String>,
) -> Result<Option<String>, GovernanceError> {
    let Some(reference) = reference else {
        return Ok(None);
    };
    let named = |r: &T| r.id() == reference || r.name() == reference;
    if let Some(found) = declared
        .iter()
        .find(|r| r.id() == reference)
        .or_else(|| declared.iter().find(|r| named(r)))
    {
        return Ok(Some(found.id().to_string()));
    }
    if store.record::<T>(&reference)?.is_some() {
        return Ok(Some(reference));
    }
    match store
        .records::<T>()?
        .into_iter()
        .find(|r| r.name() == reference)
    {
        Some(found) => Ok(Some(found.id().to_string())),
        None => {
            let kind = if T::ENTITY == "team" {
                Kind::Team
            } else {
                Kind::Customer
            };
            problems.push(format!(
                "`{owner}`: {field} `{reference}` is no {}; declare it under [governance.{}] or see `bifrost {} list`",
                kind.noun(),
                kind.many(),
                kind.command()
            ));
            Ok(None)
        }
    }
}

/// Deletes the objects of a kind the file declared before but not now.
fn remove_undeclared<'a, T: Declared>(
    store: &Store,
    batch: &mut Batch,
    declared: impl Iterator<Item = &'a str>,
) -> Result<(), GovernanceError> {
    let keep: std::collections::HashSet<&str> = declared.collect();
    for r in store.records::<T>()? {
        if r.is_declared() && !keep.contains(r.id()) {
            tracing::info!(
                kind = T::KIND,
                name = r.name(),
                "removing an object no longer declared in the config file"
            );
            batch.delete_record::<T>(r.id().to_string());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FileConfig;

    fn declared(text: &str) -> DeclaredObjects {
        FileConfig::parse(text)
            .unwrap()
            .governance
            .declared()
            .unwrap()
    }

    fn names<T: Record>(store: &Store) -> Vec<String> {
        store
            .records::<T>()
            .unwrap()
            .iter()
            .map(|r| r.name().to_string())
            .collect()
    }

    const FILE: &str = r#"
[governance.customers.acme]
id = "c-1"
[governance.teams.platform]
customer_id = "acme"
[governance.virtual_keys.ci]
value = "sk-bf-0123456789abcdef0123456789abcdef"
team_id = "platform"
"#;

    #[test]
    fn the_file_wins_for_what_it_declares_and_only_for_that() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut api: VirtualKey = serde_json::from_str(r#"{"id":"k-api","name":"kept"}"#).unwrap();
        store.put_record(&api).unwrap();
        api.id = "k-old".into();
        api.name = "ci".into();
        store.put_record(&api).unwrap();
        apply_declared(&store, &declared(FILE), Timestamp(10), true).unwrap();
        let team = store.record::<Team>("platform").unwrap().unwrap();
        assert_eq!(
            team.customer_id.as_deref(),
            Some("c-1"),
            "names resolve to ids"
        );
        let ci = store.record::<VirtualKey>("ci").unwrap().unwrap();
        assert!(ci.from_file && ci.team_id.as_deref() == Some("platform"));
        assert_eq!(ci.created_at, Timestamp(10));
        assert!(
            store.record::<VirtualKey>("k-old").unwrap().is_none(),
            "the file took the name"
        );
        assert_eq!(names::<VirtualKey>(&store), ["kept", "ci"]);

        // Unchanged: its times stay. Dropped from the file: gone, API objects kept.
        apply_declared(&store, &declared(FILE), Timestamp(20), true).unwrap();
        assert_eq!(
            store
                .record::<VirtualKey>("ci")
                .unwrap()
                .unwrap()
                .updated_at,
            Timestamp(10)
        );
        apply_declared(&store, &DeclaredObjects::default(), Timestamp(30), true).unwrap();
        assert_eq!(names::<VirtualKey>(&store), ["kept"]);
        assert!(names::<Team>(&store).is_empty() && names::<Customer>(&store).is_empty());
    }

    #[test]
    fn a_reference_to_nothing_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let text = FILE.replace(
            "team_id = \"platform\"",
            "team_id = \"nope\"\nprovider_configs = [{ provider = \"ghost\" }]",
        );
        let err = apply_declared(&store, &declared(&text), Timestamp(1), true)
            .unwrap_err()
            .to_string();
        assert!(err.contains("team_id `nope` is no team"), "{err}");
        assert!(err.contains("provider `ghost`"), "{err}");
        assert!(names::<Customer>(&store).is_empty(), "nothing written");
    }
}
