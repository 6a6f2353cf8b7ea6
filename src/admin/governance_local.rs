//! Governance management on a store this process holds: decode, validate, check
//! references, write. Usage is read back through the same engine the gateway runs, so
//! the numbers shown are the numbers enforced.

use std::sync::Arc;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::governance::{Governance, GovernanceError, Kind};
use crate::governance::{
    generate, hint, Catalog, Clock, Customer, Engine, KeyHash, SystemClock, Team, Timestamp,
    VirtualKey,
};
use crate::store::{Record, Store};

/// Fields a client never sets: the store assigns them.
const ASSIGNED: [&str; 7] = [
    "id",
    "from_file",
    "value",
    "value_hash",
    "value_hint",
    "created_at",
    "updated_at",
];

/// Called with every definition after each change, so a server's engine can apply
/// them before the next request.
pub type CatalogPublisher = Arc<dyn Fn(Catalog) + Send + Sync>;

/// Governance management over an open store.
#[derive(Clone)]
pub struct LocalGovernance {
    store: Arc<Store>,
    publish: Option<CatalogPublisher>,
    /// The running server's engine: usage read from its live counters rather than the
    /// store, which lags them by up to one flush interval.
    live: Option<Engine>,
}

impl LocalGovernance {
    /// Manages the governance tables of `store`.
    pub fn new(store: Arc<Store>) -> Self {
        LocalGovernance {
            store,
            publish: None,
            live: None,
        }
    }

    /// The same, telling `publish` about every change (e.g. `move |c| engine.apply(&c)`).
    pub fn with_publisher(store: Arc<Store>, publish: CatalogPublisher) -> Self {
        LocalGovernance {
            store,
            publish: Some(publish),
            live: None,
        }
    }

    /// The same, reporting usage from `engine`, the one that checks requests.
    pub fn with_live_usage(mut self, engine: Engine) -> Self {
        self.live = Some(engine);
        self
    }

    /// Reads every definition and hands them to the publisher, if any.
    pub async fn republish(&self) -> Result<(), GovernanceError> {
        let Some(publish) = self.publish.clone() else {
            return Ok(());
        };
        let catalog = self.blocking(|s| Ok(s.catalog()?)).await?;
        publish(catalog);
        Ok(())
    }

    async fn changed<T>(&self, result: Result<T, GovernanceError>) -> Result<T, GovernanceError> {
        let value = result?;
        self.republish().await?;
        Ok(value)
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, GovernanceError> + Send + 'static,
    ) -> Result<T, GovernanceError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| GovernanceError::Unreachable(format!("store task failed: {e}")))?
    }
}

fn now() -> Timestamp {
    Timestamp(SystemClock.now())
}

fn decode<T: DeserializeOwned>(v: Value) -> Result<T, GovernanceError> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        GovernanceError::Invalid(vec![if path == "." {
            inner
        } else {
            format!("{path}: {inner}")
        }])
    })
}

/// The object as shown: everything but the value's digest.
fn shown<T: Serialize>(record: &T) -> Value {
    let mut v = serde_json::to_value(record).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.shift_remove("value_hash");
    }
    v
}

fn body_object(body: Value) -> Result<Map<String, Value>, GovernanceError> {
    match body {
        Value::Object(mut o) => {
            for f in ASSIGNED {
                o.shift_remove(f);
            }
            if let Some(b) = o.shift_remove("budget") {
                o.entry("budgets").or_insert(b);
            }
            // The reference's way to remove a budget or rate limit: an object whose
            // fields are all null.
            for field in ["budgets", "rate_limit"] {
                if let Some(Value::Object(inner)) = o.get(field) {
                    if inner.values().all(Value::is_null) {
                        o.insert(field.into(), Value::Null);
                    }
                }
            }
            Ok(o)
        }
        other => Err(GovernanceError::Invalid(vec![format!(
            "the body must be a JSON object, not {}",
            match other {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                _ => "a scalar",
            }
        )])),
    }
}

fn find<T: Record>(s: &Store, kind: Kind, id: &str) -> Result<T, GovernanceError> {
    if let Some(r) = s.record::<T>(id)? {
        return Ok(r);
    }
    s.records::<T>()?
        .into_iter()
        .find(|r| r.name() == id)
        .ok_or_else(|| GovernanceError::NotFound {
            kind,
            name: id.to_string(),
        })
}

fn refs_exist<T: Record>(
    s: &Store,
    field: &str,
    id: Option<&str>,
    out: &mut Vec<String>,
) -> Result<(), GovernanceError> {
    if let Some(id) = id {
        if s.record::<T>(id)?.is_none() {
            out.push(format!(
                "{field} `{id}` does not exist; see `bifrost {} list`",
                if T::ENTITY == "team" {
                    "team"
                } else {
                    "customer"
                }
            ));
        }
    }
    Ok(())
}

fn key_problems(s: &Store, vk: &VirtualKey) -> Result<Vec<String>, GovernanceError> {
    let mut out = vk.problems();
    refs_exist::<Team>(s, "team_id", vk.team_id.as_deref(), &mut out)?;
    refs_exist::<Customer>(s, "customer_id", vk.customer_id.as_deref(), &mut out)?;
    if !vk.provider_configs.is_empty() {
        let known: Vec<String> = s.providers()?.into_iter().map(|(n, _)| n).collect();
        for (i, pc) in vk.provider_configs.iter().enumerate() {
            if !pc.provider.is_empty() && !known.contains(&pc.provider) {
                out.push(format!("provider_configs[{i}].provider `{}` is not a configured provider (configured: {}); add it with `bifrost provider add` first", pc.provider, if known.is_empty() { "none".to_string() } else { known.join(", ") }));
            }
        }
    }
    Ok(out)
}

fn problems_of(s: &Store, kind: Kind, v: &Value) -> Result<(Value, Vec<String>), GovernanceError> {
    Ok(match kind {
        Kind::VirtualKey => {
            let vk: VirtualKey = decode(v.clone())?;
            let p = key_problems(s, &vk)?;
            (serde_json::to_value(&vk).unwrap_or_default(), p)
        }
        Kind::Team => {
            let t: Team = decode(v.clone())?;
            let mut p = t.problems();
            refs_exist::<Customer>(s, "customer_id", t.customer_id.as_deref(), &mut p)?;
            (serde_json::to_value(&t).unwrap_or_default(), p)
        }
        Kind::Customer => {
            let c: Customer = decode(v.clone())?;
            let p = c.problems();
            (serde_json::to_value(&c).unwrap_or_default(), p)
        }
    })
}

/// Validates `v` as a `kind` and writes it; returns it as shown.
fn write(s: &Store, kind: Kind, v: Value) -> Result<Value, GovernanceError> {
    let (v, problems) = problems_of(s, kind, &v)?;
    if !problems.is_empty() {
        return Err(GovernanceError::Invalid(problems));
    }
    match kind {
        Kind::VirtualKey => put::<VirtualKey>(s, v),
        Kind::Team => put::<Team>(s, v),
        Kind::Customer => put::<Customer>(s, v),
    }
}

fn put<T: Record>(s: &Store, v: Value) -> Result<Value, GovernanceError> {
    let record: T = decode(v)?;
    s.put_record(&record)?;
    Ok(shown(&record))
}

fn get_value(s: &Store, kind: Kind, id: &str) -> Result<Value, GovernanceError> {
    Ok(match kind {
        Kind::VirtualKey => serde_json::to_value(find::<VirtualKey>(s, kind, id)?),
        Kind::Team => serde_json::to_value(find::<Team>(s, kind, id)?),
        Kind::Customer => serde_json::to_value(find::<Customer>(s, kind, id)?),
    }
    .unwrap_or_default())
}

fn new_value(o: &mut Map<String, Value>) -> String {
    let value = generate();
    o.insert("value_hash".into(), json!(KeyHash::of(&value).to_hex()));
    o.insert("value_hint".into(), json!(hint(&value)));
    value
}

fn with_value(mut shown: Value, value: String) -> Value {
    if let Some(o) = shown.as_object_mut() {
        o.insert("value".into(), json!(value));
    }
    shown
}

#[async_trait]
impl Governance for LocalGovernance {
    async fn import(&self, batch: Value) -> Result<Value, GovernanceError> {
        let imported = super::governance_import::decode(batch)?;
        let summary = super::governance_import::summary(&imported);
        let written = self
            .blocking(move |s| super::governance_import::write(s, &imported, now()))
            .await;
        self.changed(written).await?;
        Ok(summary)
    }

    async fn list(&self, kind: Kind) -> Result<Vec<Value>, GovernanceError> {
        self.blocking(move |s| {
            Ok(match kind {
                Kind::VirtualKey => s.records::<VirtualKey>()?.iter().map(shown).collect(),
                Kind::Team => s.records::<Team>()?.iter().map(shown).collect(),
                Kind::Customer => s.records::<Customer>()?.iter().map(shown).collect(),
            })
        })
        .await
    }

    async fn get(&self, kind: Kind, id: &str) -> Result<Value, GovernanceError> {
        let id = id.to_string();
        self.blocking(move |s| {
            let mut v = get_value(s, kind, &id)?;
            if let Some(o) = v.as_object_mut() {
                o.shift_remove("value_hash");
            }
            Ok(v)
        })
        .await
    }

    async fn create(&self, kind: Kind, body: Value) -> Result<Value, GovernanceError> {
        let result = self
            .blocking(move |s| {
                let mut o = body_object(body)?;
                let at = json!(now());
                o.insert("id".into(), json!(uuid::Uuid::new_v4().to_string()));
                o.insert("created_at".into(), at.clone());
                o.insert("updated_at".into(), at);
                let value = (kind == Kind::VirtualKey).then(|| new_value(&mut o));
                let shown = write(s, kind, Value::Object(o))?;
                Ok(match value {
                    Some(v) => with_value(shown, v),
                    None => shown,
                })
            })
            .await;
        self.changed(result).await
    }

    async fn update(&self, kind: Kind, id: &str, patch: Value) -> Result<Value, GovernanceError> {
        let id = id.to_string();
        let result = self
            .blocking(move |s| {
                let patch = body_object(patch)?;
                let mut current = get_value(s, kind, &id)?;
                let Some(o) = current.as_object_mut() else {
                    return Err(GovernanceError::Unreachable(
                        "stored record is not an object".into(),
                    ));
                };
                for (k, v) in patch {
                    match (o.get_mut(&k), v) {
                        (_, Value::Null) => {
                            o.shift_remove(&k);
                        }
                        // Nested objects (rate_limit) merge one level: `--rpm` keeps `--tpm`.
                        (Some(Value::Object(current)), Value::Object(fields)) => {
                            for (f, fv) in fields {
                                if fv.is_null() {
                                    current.shift_remove(&f);
                                } else {
                                    current.insert(f, fv);
                                }
                            }
                        }
                        (_, v) => {
                            o.insert(k, v);
                        }
                    }
                }
                o.insert("updated_at".into(), json!(now()));
                write(s, kind, current)
            })
            .await;
        self.changed(result).await
    }

    async fn delete(&self, kind: Kind, id: &str) -> Result<(), GovernanceError> {
        let id = id.to_string();
        let result = self
            .blocking(move |s| {
                match kind {
                    Kind::VirtualKey => {
                        let r: VirtualKey = find(s, kind, &id)?;
                        s.delete_record::<VirtualKey>(&r.id)?
                    }
                    Kind::Team => {
                        let r: Team = find(s, kind, &id)?;
                        s.delete_record::<Team>(&r.id)?
                    }
                    Kind::Customer => {
                        let r: Customer = find(s, kind, &id)?;
                        s.delete_record::<Customer>(&r.id)?
                    }
                };
                Ok(())
            })
            .await;
        self.changed(result).await
    }

    async fn rotate(&self, id: &str) -> Result<Value, GovernanceError> {
        let id = id.to_string();
        let result = self
            .blocking(move |s| {
                let vk: VirtualKey = find(s, Kind::VirtualKey, &id)?;
                let mut v = serde_json::to_value(&vk).unwrap_or_default();
                let Some(o) = v.as_object_mut() else {
                    return Err(GovernanceError::Unreachable(
                        "stored key is not an object".into(),
                    ));
                };
                let value = new_value(o);
                o.insert("updated_at".into(), json!(now()));
                let shown = put::<VirtualKey>(s, v)?;
                Ok(with_value(shown, value))
            })
            .await;
        self.changed(result).await
    }

    async fn usage(&self, id: &str) -> Result<Value, GovernanceError> {
        let id = id.to_string();
        let live = self.live.clone();
        self.blocking(move |s| {
            let vk: VirtualKey = find(s, Kind::VirtualKey, &id)?;
            let engine = match live {
                Some(engine) => engine,
                None => {
                    let engine = Engine::new(SystemClock);
                    engine.apply(&s.catalog()?);
                    engine.load(&s.usage_records()?);
                    engine
                }
            };
            let levels = engine.usage(&vk.id).unwrap_or_default();
            Ok(json!({"virtual_key_id": vk.id, "name": vk.name, "levels": levels}))
        })
        .await
    }
}
