//! What each `bifrost provider` command does: turn its flags into a management call,
//! make it, and print the result rendered by `output`. Usage mistakes become
//! [`Failure::Usage`] (exit 2); failed operations, through `?`, [`Failure::Problem`].

use std::io::Read;
use std::path::Path;
use std::time::Instant;

use anyhow::{anyhow, Context};

use super::output;
use super::{AddArgs, KeySource, NetworkFlags, UpdateArgs};
use crate::admin::{self, Management, ProviderDoc};
use crate::cli::backend;
use crate::cli::key_settings::KeySettingsFlags;
use crate::cli::output::{print, print_json};
use crate::cli::{CmdResult, Failure};
use crate::config::{KeyConfig, NetworkConfig, ProviderType, SecretValue};

/// The flags of `provider key add` that describe the key itself.
pub(super) struct NewKey {
    pub name: String,
    pub source: KeySource,
    pub settings: Box<KeySettingsFlags>,
    pub models: Vec<String>,
    pub weight: f64,
}

fn secret(source: &KeySource) -> Result<Option<SecretValue>, Failure> {
    if let Some(v) = &source.value {
        return Ok(Some(SecretValue::Literal(v.clone())));
    }
    if let Some(var) = &source.env {
        return Ok(Some(SecretValue::Env(
            var.trim_start_matches("env.").to_string(),
        )));
    }
    if source.stdin {
        let mut v = String::new();
        std::io::stdin()
            .read_to_string(&mut v)
            .context("cannot read the key from stdin")?;
        let v = v.trim().to_string();
        if v.is_empty() {
            return Err(Failure::Usage(anyhow!("--key-stdin read an empty key")));
        }
        return Ok(Some(SecretValue::Literal(v)));
    }
    Ok(None)
}

fn apply_network(net: &mut NetworkConfig, flags: &NetworkFlags) -> Result<(), Failure> {
    for h in &flags.headers {
        let (k, v) = h
            .split_once('=')
            .ok_or_else(|| Failure::Usage(anyhow!("--header `{h}` must be NAME=VALUE")))?;
        net.extra_headers
            .insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
    }
    let set = |slot: &mut u64, v: Option<u64>| {
        if let Some(v) = v {
            *slot = v;
        }
    };
    set(&mut net.connect_timeout_secs, flags.connect_timeout);
    set(&mut net.first_byte_timeout_secs, flags.first_byte_timeout);
    set(&mut net.stream_idle_timeout_secs, flags.stream_idle_timeout);
    set(&mut net.total_timeout_secs, flags.total_timeout);
    if flags.max_concurrency.is_some() {
        net.max_concurrency = flags.max_concurrency;
    }
    if let Some(q) = flags.queue_size {
        net.queue_size = q;
    }
    set(&mut net.idle_timeout_secs, flags.idle_timeout);
    if let Some(n) = flags.max_idle_connections {
        net.max_idle_connections = n;
    }
    Ok(())
}

/// `provider add`.
pub(super) async fn add(admin: &dyn Management, args: AddArgs) -> CmdResult {
    let kind = match args.kind {
        Some(kind) => kind,
        None => args.name.parse::<ProviderType>().map_err(|_| {
            Failure::Usage(anyhow!(
                "`{}` is not a provider type, so give one with --type TYPE (see `bifrost provider types`)",
                args.name
            ))
        })?,
    };
    let mut doc = ProviderDoc {
        provider: args.name.clone(),
        kind,
        base_url: args.base_url.clone(),
        keys: Vec::new(),
        network_config: NetworkConfig::default(),
        mock: None,
        health: Default::default(),
        origin: None,
    };
    apply_network(&mut doc.network_config, &args.network)?;
    let value = secret(&args.key)?;
    // Key settings alone make a key: Bedrock and Vertex keys authenticate without one.
    if value.is_some() || args.settings.any() {
        let mut key = KeyConfig {
            models: args.models.clone(),
            weight: args.weight,
            ..KeyConfig::new(args.key_name.clone(), value.unwrap_or_default())
        };
        args.settings.apply(kind, &mut key)?;
        doc.keys.push(key);
    }
    let created = admin.create_provider(doc).await?;
    if created.keys.is_empty() && created.kind.needs_key() {
        eprintln!("note: provider `{0}` has no key yet; add one with `bifrost provider key add {0} --name main --key-env VAR`", created.provider);
    }
    print(&output::added(&created))
}

/// `provider list`.
pub(super) async fn list(admin: &dyn Management, json: bool) -> CmdResult {
    let providers = admin.list_providers(false).await?;
    if json {
        return print_json(&providers);
    }
    print(&output::providers(&providers))
}

/// `provider health`.
pub(super) async fn health(admin: &dyn Management, name: Option<&str>, json: bool) -> CmdResult {
    let names = match name {
        Some(n) => vec![n.to_string()],
        None => admin
            .list_providers(false)
            .await?
            .into_iter()
            .map(|p| p.provider)
            .collect(),
    };
    let mut docs = Vec::with_capacity(names.len());
    for n in &names {
        docs.push(admin.provider_health(n).await?);
    }
    if json {
        return print_json(&docs);
    }
    print(&output::health(&docs))
}

/// `provider show`.
pub(super) async fn show(admin: &dyn Management, name: &str, json: bool) -> CmdResult {
    let p = admin.get_provider(name, false).await?;
    if json {
        return print_json(&p);
    }
    print(&output::provider(&p))
}

/// `provider update`.
pub(super) async fn update(admin: &dyn Management, args: UpdateArgs) -> CmdResult {
    let mut doc = admin.get_provider(&args.name, false).await?;
    if let Some(url) = &args.base_url {
        doc.base_url = Some(url.clone());
    }
    for h in &args.remove_header {
        doc.network_config
            .extra_headers
            .remove(&h.to_ascii_lowercase());
    }
    apply_network(&mut doc.network_config, &args.network)?;
    doc.origin = None;
    let updated = admin.update_provider(doc).await?;
    print(&format!("updated provider `{}`\n", updated.provider))
}

/// `provider remove`.
pub(super) async fn remove(admin: &dyn Management, name: &str) -> CmdResult {
    admin.delete_provider(name).await?;
    print(&format!("removed provider `{name}`\n"))
}

/// `provider key add`.
pub(super) async fn add_key(admin: &dyn Management, provider: &str, new: NewKey) -> CmdResult {
    let value = secret(&new.source)?;
    if value.is_none() && !new.settings.any() {
        return Err(Failure::Usage(anyhow!(
            "give the key with --key-env VAR, --key-stdin or --key VALUE (or, for \
             bedrock and vertex, its --aws-* / --vertex-* settings)"
        )));
    }
    let mut key = KeyConfig {
        models: new.models,
        weight: new.weight,
        ..KeyConfig::new(new.name.clone(), value.unwrap_or_default())
    };
    if new.settings.any() {
        let kind = admin.get_provider(provider, false).await?.kind;
        new.settings.apply(kind, &mut key)?;
    }
    admin::add_key(admin, provider, key).await?;
    print(&format!(
        "added key `{}` to provider `{provider}`\n",
        new.name
    ))
}

/// `provider key list`.
pub(super) async fn list_keys(admin: &dyn Management, provider: &str, json: bool) -> CmdResult {
    let p = admin.get_provider(provider, false).await?;
    if json {
        return print_json(&p.keys);
    }
    if p.keys.is_empty() {
        return print(&format!("provider `{provider}` has no keys\n"));
    }
    print(&output::keys(&p.keys))
}

/// `provider key remove`.
pub(super) async fn remove_key(admin: &dyn Management, provider: &str, name: &str) -> CmdResult {
    admin::remove_key(admin, provider, name).await?;
    print(&format!(
        "removed key `{name}` from provider `{provider}`\n"
    ))
}

/// `provider test`: one real chat call through the provider, timed. It goes through
/// the gateway's own request pipeline (hooks, routing, key failover): the running
/// server's, over the data dir's socket, or, with no server, one run in-process on the
/// store. `admin` is dropped before the call, so the store can be reopened.
pub(super) async fn test(
    admin: Box<dyn Management>,
    data_dir: &Path,
    name: &str,
    model: Option<String>,
) -> CmdResult {
    let doc = admin.get_provider(name, false).await?;
    drop(admin);
    let model = model
        .or_else(|| {
            doc.keys
                .iter()
                .flat_map(|k| k.models.first())
                .next()
                .cloned()
        })
        .or_else(|| (doc.kind == ProviderType::Mock).then(|| "demo-model".to_string()))
        .ok_or_else(|| {
            Failure::Usage(anyhow!(
                "no key of `{name}` lists a model; pass --model MODEL"
            ))
        })?;
    let request_id = format!("bifrost-test-{}", uuid::Uuid::new_v4().simple());
    let body = serde_json::to_vec(&serde_json::json!({
        "model": format!("{name}/{model}"),
        "messages": [{"role": "user", "content": "Reply with the single word: pong"}],
        "max_tokens": 5,
    }))
    .context("cannot build the test request")?;
    let started = Instant::now();
    let (status, answer) = backend::chat(data_dir, &request_id, body).await?;
    let ms = started.elapsed().as_millis();
    let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap_or_default();
    if status != 200 {
        let message = answer
            .pointer("/error/message")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("no error message");
        return Err(Failure::Problem(anyhow!(
            "FAILED after {ms} ms: {status}: {message}"
        )));
    }
    let Some(reply) = answer
        .pointer("/choices/0/message")
        .map(|m| m.get("content").and_then(|c| c.as_str()).unwrap_or(""))
    else {
        return Err(Failure::Problem(anyhow!(
            "FAILED after {ms} ms: the answer is not a chat completion"
        )));
    };
    print(&format!(
        "ok: `{name}` answered model `{model}` in {ms} ms: {}\n",
        reply.chars().take(80).collect::<String>()
    ))
}

/// `provider types`.
pub(super) fn types() -> CmdResult {
    print(&output::types())
}
