//! Where the dashboard's data comes from: a [`Source`] (today the running server's
//! unix socket through [`RemoteAdmin`]; a `--url` client plugs in the same way), a
//! background poller that turns its answers into [`Event`]s (the log tail streams
//! instead: `super::tail`), and the executor of
//! confirmed [`Action`]s through the same admin operations as the CLI.
//!
//! An endpoint the server does not have (404) becomes [`Avail::Missing`], shown as
//! "not available on this server"; an unreachable server becomes [`Event::Lost`] and
//! the poller retries with backoff.

use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use http::Method;
use serde_json::{json, Value};
use tokio::sync::{mpsc, Notify};

use super::event::{Action, Data, Event, LogQuery, Outcome};
use super::model::{self, Avail, Stats};
use crate::admin::logs_batch::Batch;
use crate::admin::{
    self, sse, AdminError, Governance, GovernanceError, Kind, Management, RemoteAdmin,
    SettingsAdmin, SettingsError,
};
use crate::config::ProviderType;

/// The management channel the dashboard reads and writes through.
#[async_trait]
pub trait Source: Send + Sync {
    /// `GET path`: the body, or `None` when the server has no such endpoint (404).
    async fn get(&self, path: &str) -> Result<Option<Bytes>, AdminError>;
    /// Provider operations, as the CLI makes them.
    fn management(&self) -> &dyn Management;
    /// Governance operations, as the CLI makes them.
    fn governance(&self) -> &dyn Governance;
    /// Client-settings operations, as the HTTP API makes them.
    fn settings(&self) -> &dyn SettingsAdmin;
    /// One chat request through the gateway (`provider test`): status and body.
    async fn chat(&self, request_id: &str, body: Vec<u8>) -> Result<(u16, Bytes), AdminError>;
    /// `GET path` as a batched live feed (`/api/logs/stream?batch_ms=...`): each batch
    /// as it arrives; an `Err` item says why the feed broke, and the stream ends when
    /// the server closes it.
    async fn stream(&self, path: &str) -> Result<Batches, AdminError>;
}

/// The batches of a live feed, as [`Source::stream`] gives them.
pub type Batches = Pin<Box<dyn Stream<Item = Result<Batch<Value>, String>> + Send>>;

#[async_trait]
impl Source for RemoteAdmin {
    async fn get(&self, path: &str) -> Result<Option<Bytes>, AdminError> {
        let (status, body) = self.send(Method::GET, path, None, Vec::new()).await?;
        match status {
            404 => Ok(None),
            s if s >= 400 => Err(AdminError::Remote {
                status: s,
                message: serde_json::from_slice::<Value>(&body)
                    .ok()
                    .and_then(|v| v.pointer("/error/message")?.as_str().map(str::to_string))
                    .unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned()),
            }),
            _ => Ok(Some(body)),
        }
    }

    fn management(&self) -> &dyn Management {
        self
    }

    fn governance(&self) -> &dyn Governance {
        self
    }

    fn settings(&self) -> &dyn SettingsAdmin {
        self
    }

    async fn chat(&self, request_id: &str, body: Vec<u8>) -> Result<(u16, Bytes), AdminError> {
        self.send(Method::POST, "/v1/chat/completions", Some(request_id), body)
            .await
    }

    async fn stream(&self, path: &str) -> Result<Batches, AdminError> {
        let response = self.open_stream(path).await?;
        Ok(Box::pin(sse::events(response.into_body()).filter_map(
            |event| async move {
                match event {
                    // A batch the dashboard cannot read is skipped, not fatal.
                    Ok((name, data)) if name == "batch" => serde_json::from_str(&data).ok().map(Ok),
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                }
            },
        )))
    }
}

/// A poll that failed: the server is gone, or it refused one query.
pub(super) enum Failure {
    Lost(String),
    Refused(String),
}

impl From<AdminError> for Failure {
    fn from(e: AdminError) -> Self {
        match e {
            AdminError::Unreachable(m) => Failure::Lost(m),
            e => Failure::Refused(e.to_string()),
        }
    }
}

impl From<GovernanceError> for Failure {
    fn from(e: GovernanceError) -> Self {
        match e {
            GovernanceError::Unreachable(m) => Failure::Lost(m),
            e => Failure::Refused(e.to_string()),
        }
    }
}

/// `GET /api/config`; `Missing` on a server without it.
async fn settings(source: &dyn Source) -> Result<Data, Failure> {
    Ok(Data::Settings(
        match source.settings().get_settings().await {
            Ok(doc) => Avail::Ready(doc),
            Err(SettingsError::Remote { status: 404, .. }) => Avail::Missing,
            Err(SettingsError::Unreachable(m)) => return Err(Failure::Lost(m)),
            Err(e) => return Err(Failure::Refused(e.to_string())),
        },
    ))
}

async fn json(source: &dyn Source, path: &str) -> Result<Avail<Value>, Failure> {
    Ok(match source.get(path).await? {
        None => Avail::Missing,
        Some(body) => Avail::Ready(
            serde_json::from_slice(&body)
                .map_err(|e| Failure::Refused(format!("{path}: bad answer: {e}")))?,
        ),
    })
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Spend today and this month (UTC), the overview's figures too long for the live
/// feed's intervals.
async fn spend(source: &dyn Source) -> Result<Data, Failure> {
    let now = time::OffsetDateTime::now_utc();
    let since = |t: time::OffsetDateTime| async move {
        let path = format!("/api/logs/stats?start_time={}", encode(&rfc3339(t)));
        json(source, &path).await
    };
    let midnight = now.replace_time(time::Time::MIDNIGHT);
    let first = midnight.replace_day(1).unwrap_or(midnight);
    let today = match since(midnight).await? {
        Avail::Missing => return Ok(Data::Spend(Avail::Missing)),
        day => day.ready().and_then(|v| Stats::parse(v).cost),
    };
    let month = since(first)
        .await?
        .ready()
        .and_then(|v| Stats::parse(v).cost);
    Ok(Data::Spend(Avail::Ready((today, month))))
}

/// How many records the tail shows.
pub const TAIL: usize = 200;

pub(super) async fn logs(source: &dyn Source, query: &LogQuery) -> Result<Data, Failure> {
    let mut path = format!("/api/logs?limit={TAIL}&sort_by=timestamp&order=desc");
    for (k, v) in &query.params {
        path.push_str(&format!("&{k}={}", encode(v)));
    }
    Ok(Data::Logs(match json(source, &path).await? {
        Avail::Ready(v) => Avail::Ready(
            v.get("logs")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
        ),
        Avail::Missing => Avail::Missing,
        Avail::Waiting => Avail::Waiting,
    }))
}

async fn providers(source: &dyn Source) -> Result<Data, Failure> {
    let docs = source.management().list_providers(false).await?;
    let mut out = Vec::with_capacity(docs.len());
    for doc in docs {
        let health = json(
            source,
            &format!("/api/providers/{}/health", encode(&doc.provider)),
        )
        .await?;
        out.push((doc, health));
    }
    Ok(Data::Providers(out))
}

/// Keys whose usage is fetched each round; the rest show without gauges.
const USAGE_CAP: usize = 100;

async fn governance(source: &dyn Source) -> Result<Data, Failure> {
    let g = source.governance();
    let keys = g.list(Kind::VirtualKey).await?;
    let mut usage = Vec::new();
    for key in keys.iter().take(USAGE_CAP) {
        let id = model::text(key, "/id");
        if let Ok(u) = g.usage(id).await {
            usage.push((id.to_string(), u));
        }
    }
    Ok(Data::Governance {
        keys,
        usage,
        teams: g.list(Kind::Team).await?,
        customers: g.list(Kind::Customer).await?,
    })
}

/// How often the spend and management data are fetched; the live figures and the log
/// tail come from the live feed ([`super::tail`]).
const PERIOD: Duration = Duration::from_secs(5);

/// Polls the server until `events` closes: stats, providers, governance and settings
/// every [`PERIOD`] and whenever `refresh` is notified.
pub async fn poll(source: Arc<dyn Source>, refresh: Arc<Notify>, events: mpsc::Sender<Event>) {
    let mut backoff = 1;
    loop {
        let result: Result<Vec<Data>, Failure> = async {
            Ok(vec![
                spend(source.as_ref()).await?,
                providers(source.as_ref()).await?,
                governance(source.as_ref()).await?,
                settings(source.as_ref()).await?,
            ])
        }
        .await;
        let wait = match result {
            Ok(data) => {
                backoff = 1;
                for d in data {
                    if events.send(Event::Data(d)).await.is_err() {
                        return;
                    }
                }
                PERIOD
            }
            Err(Failure::Refused(message)) => {
                if events.send(Event::Problem(message)).await.is_err() {
                    return;
                }
                PERIOD
            }
            Err(Failure::Lost(reason)) => {
                let retry = backoff;
                backoff = (backoff * 2).min(16);
                if events
                    .send(Event::Lost {
                        reason,
                        retry_secs: retry,
                    })
                    .await
                    .is_err()
                {
                    return;
                }
                Duration::from_secs(retry)
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = refresh.notified() => {}
        }
    }
}

/// Fetches one whole log record for the detail pane.
pub async fn record(source: &dyn Source, id: &str) -> Event {
    match json(source, &format!("/api/logs/{}", encode(id))).await {
        Ok(Avail::Ready(v)) => Event::Data(Data::Record(Avail::Ready(
            v.get("log").cloned().unwrap_or(v),
        ))),
        Ok(_) => Event::Data(Data::Record(Avail::Missing)),
        Err(Failure::Lost(m) | Failure::Refused(m)) => Event::Problem(m),
    }
}

/// A team or customer named in a create/update body by name or id becomes its id, as
/// `bifrost vk create --team NAME` does.
async fn resolve_owner(g: &dyn Governance, body: &mut Value) -> Result<(), GovernanceError> {
    for (field, kind) in [("team_id", Kind::Team), ("customer_id", Kind::Customer)] {
        if let Some(name) = body.get(field).and_then(Value::as_str).map(str::to_string) {
            body[field] = g.get(kind, &name).await?["id"].clone();
        }
    }
    Ok(())
}

fn ok(message: String) -> Outcome {
    Outcome::Ok {
        message,
        secret: None,
    }
}

/// Makes one confirmed change; the outcome carries the CLI's message on failure.
pub async fn act(source: &dyn Source, action: Action) -> Outcome {
    let result: Result<Outcome, String> = async {
        let g = source.governance();
        let m = source.management();
        let gov = |e: GovernanceError| e.to_string();
        let adm = |e: AdminError| e.to_string();
        Ok(match action {
            Action::Create(kind, mut body) => {
                resolve_owner(g, &mut body).await.map_err(gov)?;
                let made = g.create(kind, body).await.map_err(gov)?;
                Outcome::Ok {
                    message: format!("created {} `{}`", kind.noun(), model::text(&made, "/name")),
                    secret: made
                        .get("value")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                }
            }
            Action::Update(kind, id, mut patch) => {
                resolve_owner(g, &mut patch).await.map_err(gov)?;
                let v = g.update(kind, &id, patch).await.map_err(gov)?;
                ok(format!(
                    "updated {} `{}`",
                    kind.noun(),
                    model::text(&v, "/name")
                ))
            }
            Action::Delete(kind, id) => {
                g.delete(kind, &id).await.map_err(gov)?;
                ok(format!("deleted {} `{id}`", kind.noun()))
            }
            Action::Rotate(id) => {
                let v = g.rotate(&id).await.map_err(gov)?;
                Outcome::Ok {
                    message: format!("rotated virtual key `{}`", model::text(&v, "/name")),
                    secret: v.get("value").and_then(Value::as_str).map(str::to_string),
                }
            }
            Action::AddProvider(doc) => {
                let name = doc.provider.clone();
                m.create_provider(*doc).await.map_err(adm)?;
                ok(format!("added provider `{name}`"))
            }
            Action::UpdateProvider(doc) => {
                let name = doc.provider.clone();
                m.update_provider(*doc).await.map_err(adm)?;
                ok(format!("updated provider `{name}`"))
            }
            Action::RemoveProvider(name) => {
                m.delete_provider(&name).await.map_err(adm)?;
                ok(format!("deleted provider `{name}`"))
            }
            Action::AddKey(provider, key) => {
                let name = key.name.clone();
                admin::add_key(m, &provider, *key).await.map_err(adm)?;
                ok(format!("added key `{name}` to `{provider}`"))
            }
            Action::UpdateKey(provider, old, key) => {
                let mut doc = m.get_provider(&provider, false).await.map_err(adm)?;
                let slot = doc
                    .keys
                    .iter_mut()
                    .find(|k| k.name == old)
                    .ok_or_else(|| format!("provider `{provider}` has no key named `{old}`"))?;
                *slot = *key;
                m.update_provider(doc).await.map_err(adm)?;
                ok(format!("updated key `{old}` of `{provider}`"))
            }
            Action::RemoveKey(provider, key) => {
                admin::remove_key(m, &provider, &key).await.map_err(adm)?;
                ok(format!("removed key `{key}` from `{provider}`"))
            }
            Action::TestProvider(name) => test(source, &name).await?,
            Action::UpdateSettings(patch) => {
                let keys: Vec<String> = patch
                    .as_object()
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
                let doc = source
                    .settings()
                    .update_settings(json!({ "client_config": patch }))
                    .await
                    .map_err(|e| e.to_string())?;
                let when = if keys.iter().all(|k| doc.live.contains(k)) {
                    "in force from the next request"
                } else {
                    "stored; restart the server to apply it"
                };
                ok(format!("saved client.{}: {when}", keys.join(", client.")))
            }
        })
    }
    .await;
    result.unwrap_or_else(Outcome::Failed)
}

/// `bifrost provider test` from the screen: one short chat through the provider.
async fn test(source: &dyn Source, name: &str) -> Result<Outcome, String> {
    let doc = source
        .management()
        .get_provider(name, false)
        .await
        .map_err(|e| e.to_string())?;
    let model = doc
        .keys
        .iter()
        .flat_map(|k| k.models.first())
        .next()
        .cloned()
        .or_else(|| (doc.kind == ProviderType::Mock).then(|| "demo-model".to_string()))
        .ok_or_else(|| format!("no key of `{name}` lists a model; test it with `bifrost provider test {name} --model MODEL`"))?;
    let body = json!({
        "model": format!("{name}/{model}"),
        "messages": [{"role": "user", "content": "Reply with the single word: pong"}],
        "max_tokens": 5,
    });
    let request_id = format!("bifrost-test-{}", uuid::Uuid::new_v4().simple());
    let started = Instant::now();
    let (status, answer) = source
        .chat(&request_id, body.to_string().into_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let ms = started.elapsed().as_millis();
    let answer: Value = serde_json::from_slice(&answer).unwrap_or_default();
    if status != 200 {
        let message = answer
            .pointer("/error/message")
            .and_then(Value::as_str)
            .unwrap_or("no error message");
        return Err(format!(
            "test of `{name}` FAILED after {ms} ms: {status}: {message}"
        ));
    }
    let reply = model::text(&answer, "/choices/0/message/content");
    Ok(ok(format!(
        "test of `{name}` ({model}) OK in {ms} ms: {reply:?}"
    )))
}
