//! The text `bifrost provider` prints: tables and details rendered from management
//! documents, with no I/O, so the handlers only decide what to show and
//! `cli::output` how to write it. (`--json` output is the documents themselves.)

use crate::admin::{ProviderDoc, ProviderHealthDoc};
use crate::cli::output::table;
use crate::config::{KeyConfig, ProviderType};
use crate::store::Origin;

/// The confirmation of `provider add`.
pub(super) fn added(created: &ProviderDoc) -> String {
    format!(
        "added provider `{}` ({}, {} key{})\n",
        created.provider,
        created.kind.as_str(),
        created.keys.len(),
        if created.keys.len() == 1 { "" } else { "s" }
    )
}

/// `provider list`: one row per provider, or how to add the first one.
pub(super) fn providers(providers: &[ProviderDoc]) -> String {
    if providers.is_empty() {
        return "no providers; add one with `bifrost provider add NAME --type TYPE` (try `--type mock`)\n".to_string();
    }
    let rows: Vec<Vec<String>> = providers
        .iter()
        .map(|p| {
            vec![
                p.provider.clone(),
                p.kind.as_str().to_string(),
                p.base_url
                    .clone()
                    .or_else(|| p.kind.default_base_url().map(str::to_string))
                    .unwrap_or_else(|| "-".into()),
                p.keys.len().to_string(),
                p.origin
                    .map_or("-", |o| match o {
                        Origin::File => "file",
                        Origin::Api => "cli/api",
                    })
                    .to_string(),
            ]
        })
        .collect();
    table(&["NAME", "TYPE", "BASE URL", "KEYS", "FROM"], &rows)
}

/// `provider show`: the settings, one per line, then the keys.
pub(super) fn provider(p: &ProviderDoc) -> String {
    let n = &p.network_config;
    let mut out = format!(
        "name:      {}\ntype:      {}\nbase url:  {}\ntimeouts:  connect {}s, first byte {}s, stream idle {}s, total {}s\nlimits:    max concurrency {}, queue {}\npool:      up to {} idle connections, closed after {}s unused\n",
        p.provider,
        p.kind.as_str(),
        p.base_url.as_deref().or(p.kind.default_base_url()).unwrap_or("-"),
        n.connect_timeout_secs,
        n.first_byte_timeout_secs,
        n.stream_idle_timeout_secs,
        n.total_timeout_secs,
        n.max_concurrency.map_or("default (client.initial_pool_size)".to_string(), |c| c.to_string()),
        n.queue_size,
        n.max_idle_connections,
        n.idle_timeout_secs,
    );
    for (k, v) in &n.extra_headers {
        out.push_str(&format!("header:    {k}: {v}\n"));
    }
    out.push_str(&format!("keys:      {}\n", p.keys.len()));
    out.push_str(&keys(&p.keys));
    out
}

/// A provider's keys as a table (nothing at all when there are none).
pub(super) fn keys(keys: &[KeyConfig]) -> String {
    if keys.is_empty() {
        return String::new();
    }
    let rows: Vec<Vec<String>> = keys
        .iter()
        .map(|k| {
            vec![
                k.name.clone(),
                // Values arrive masked from the management layer already; an empty one
                // belongs to a key that authenticates with its settings.
                if k.value.is_empty() {
                    "-".to_string()
                } else {
                    k.value.expose()
                },
                if k.models.is_empty() {
                    "*".into()
                } else {
                    k.models.join(",")
                },
                k.weight.to_string(),
            ]
        })
        .collect();
    table(&["KEY", "VALUE", "MODELS", "WEIGHT"], &rows)
}

/// `provider health`: per provider, its breaker and error rate, then a table of its keys.
pub(super) fn health(docs: &[ProviderHealthDoc]) -> String {
    let state = |b| match b {
        crate::routing::BreakerState::Closed => "closed",
        crate::routing::BreakerState::Open => "open",
        crate::routing::BreakerState::HalfOpen => "half-open",
    };
    let pct = |v: f64| format!("{:.1}%", v * 100.0);
    let mut out = String::new();
    for d in docs {
        out.push_str(&format!(
            "provider `{}`: breaker {}, error rate {}, adaptive balancing {}\n",
            d.provider,
            state(d.breaker),
            pct(d.error_rate),
            if d.adaptive_balancing { "on" } else { "off" }
        ));
        let rows: Vec<Vec<String>> = d
            .keys
            .iter()
            .map(|k| {
                vec![
                    k.name.clone(),
                    state(k.breaker).to_string(),
                    if k.cooldown_left_ms == 0 {
                        "-".into()
                    } else {
                        format!("{:.1}s", k.cooldown_left_ms as f64 / 1000.0)
                    },
                    pct(k.error_rate),
                    k.p50_latency_ms.map_or("-".into(), |ms| format!("{ms}ms")),
                    pct(k.traffic_share),
                    format!("{} -> {:.3}", k.weight, k.effective_weight),
                ]
            })
            .collect();
        if !rows.is_empty() {
            out.push_str(&table(
                &[
                    "KEY", "BREAKER", "COOLDOWN", "ERRORS", "P50", "SHARE", "WEIGHT",
                ],
                &rows,
            ));
        }
    }
    out
}

/// `provider types`: each type, where it sends requests, and whether it needs a key.
pub(super) fn types() -> String {
    let rows: Vec<Vec<String>> = ProviderType::all()
        .map(|t| {
            vec![
                t.as_str().to_string(),
                match t {
                    ProviderType::Mock => "(built in, no network)",
                    ProviderType::Azure => "(per key: azure_key_config.endpoint)",
                    ProviderType::Vertex => "(from each key's region)",
                    ProviderType::Bedrock => "https://bedrock-runtime.{key region}.amazonaws.com",
                    _ => t.default_base_url().unwrap_or("(set --base-url)"),
                }
                .to_string(),
                if t.needs_key() { "yes" } else { "no" }.to_string(),
            ]
        })
        .collect();
    table(&["TYPE", "DEFAULT BASE URL", "NEEDS KEY"], &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{NetworkConfig, SecretValue};

    fn doc(keys: Vec<KeyConfig>) -> ProviderDoc {
        ProviderDoc {
            provider: "local".into(),
            kind: ProviderType::Mock,
            base_url: None,
            keys,
            network_config: NetworkConfig::default(),
            mock: None,
            health: Default::default(),
            origin: Some(Origin::Api),
        }
    }

    #[test]
    fn keys_show_a_dash_for_settings_only_keys_and_a_star_for_all_models() {
        let listed = KeyConfig {
            models: vec!["a".into(), "b".into()],
            ..KeyConfig::new("main", SecretValue::Env("K".into()))
        };
        let settings_only = KeyConfig::new("aws", SecretValue::Literal(String::new()));
        assert_eq!(
            keys(&[listed, settings_only]),
            "KEY   VALUE  MODELS  WEIGHT\nmain  env.K  a,b     1\naws   -      *       1\n"
        );
        assert_eq!(keys(&[]), "");
    }

    #[test]
    fn list_and_confirmation_read_as_sentences() {
        assert!(providers(&[]).starts_with("no providers; add one with"));
        assert_eq!(
            providers(&[doc(Vec::new())]),
            "NAME   TYPE  BASE URL  KEYS  FROM\nlocal  mock  -         0     cli/api\n"
        );
        let one = doc(vec![KeyConfig::new("main", SecretValue::Env("K".into()))]);
        assert_eq!(added(&one), "added provider `local` (mock, 1 key)\n");
        assert_eq!(
            added(&doc(Vec::new())),
            "added provider `local` (mock, 0 keys)\n"
        );
    }
}
