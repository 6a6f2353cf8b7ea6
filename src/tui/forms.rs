//! The dashboard's forms: which fields each change takes and how they become the same
//! JSON bodies and admin calls the CLI makes (`bifrost vk create`, `provider add`, ...).
//! Checks here catch what cannot even be sent (a budget that is not a number); every
//! other rule is the server's, whose message comes back into the form unchanged.

use serde_json::{json, Map, Value};

use super::event::Action;
use super::form::{Context, Field, Form};
use super::model::{num, text};
use crate::admin::provider_limits::{parse_provider_budget, parse_provider_rate, ProviderLimits};
use crate::admin::{parse_provider, settings, Kind, ProviderDoc};
use crate::config::{KeyConfig, ProviderType, SecretValue};
use crate::governance::ResetDuration;

fn number(f: &Field, problems: &mut Vec<String>) -> Option<f64> {
    let v = f.get();
    if v.is_empty() {
        return None;
    }
    match v.parse::<f64>() {
        Ok(n) if n.is_finite() => Some(n),
        _ => {
            problems.push(format!("{}: `{v}` is not a number", f.label));
            None
        }
    }
}

fn whole(f: &Field, problems: &mut Vec<String>) -> Option<u64> {
    let v = f.get();
    if v.is_empty() {
        return None;
    }
    v.parse::<u64>().map(Some).unwrap_or_else(|_| {
        problems.push(format!("{}: `{v}` is not a whole number", f.label));
        None
    })
}

fn list(f: &Field) -> Vec<String> {
    f.get()
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_string)
        .collect()
}

fn required(f: &Field, problems: &mut Vec<String>) {
    if f.get().is_empty() {
        problems.push(format!("{}: required", f.label));
    }
}

/// Budget (`max_limit` + `reset_duration`) and rate limit from fields 0..4 of `fs`:
/// budget, reset, requests/min, tokens/min; as `bifrost vk create --budget --reset
/// --rpm --tpm` writes them. Empty fields remove the limit.
fn limits(fs: &[Field], body: &mut Map<String, Value>, problems: &mut Vec<String>) {
    let [budget, reset, rpm, tpm] = fs else {
        return;
    };
    let reset_v = if reset.get().is_empty() {
        "1M"
    } else {
        reset.get()
    };
    if let Err(e) = reset_v.parse::<ResetDuration>() {
        problems.push(format!("{}: {e}", reset.label));
    }
    body.insert(
        "budgets".into(),
        match number(budget, problems) {
            Some(max) => json!([{"max_limit": max, "reset_duration": reset_v}]),
            None => json!([]),
        },
    );
    let (rpm, tpm) = (whole(rpm, problems), whole(tpm, problems));
    let mut rl = Map::new();
    if let Some(n) = rpm {
        rl.insert("request_max_limit".into(), json!(n));
        rl.insert("request_reset_duration".into(), json!("1m"));
    }
    if let Some(n) = tpm {
        rl.insert("token_max_limit".into(), json!(n));
        rl.insert("token_reset_duration".into(), json!("1m"));
    }
    body.insert(
        "rate_limit".into(),
        if rl.is_empty() {
            Value::Null
        } else {
            Value::Object(rl)
        },
    );
}

fn limit_fields(o: Option<&Value>) -> Vec<Field> {
    let o = o.unwrap_or(&Value::Null);
    let budget = o.pointer("/budgets/0");
    vec![
        Field::new(
            "budget (USD)",
            budget
                .and_then(|b| num(b, &["/max_limit"]))
                .map(|n| n.to_string())
                .unwrap_or_default(),
            "empty: no budget",
        ),
        Field::new(
            "budget resets",
            budget
                .map(|b| text(b, "/reset_duration"))
                .filter(|s| !s.is_empty())
                .unwrap_or("1M"),
            "30s 5m 1h 1d 1w 1M",
        ),
        Field::new(
            "requests/min",
            o.pointer("/rate_limit/request_max_limit")
                .map(|v| v.to_string())
                .unwrap_or_default(),
            "empty: unlimited",
        ),
        Field::new(
            "tokens/min",
            o.pointer("/rate_limit/token_max_limit")
                .map(|v| v.to_string())
                .unwrap_or_default(),
            "empty: unlimited",
        ),
    ]
}

/// The virtual-key form, empty to create or filled from `key` to edit.
pub fn virtual_key(key: Option<&Value>) -> Form {
    let models = key
        .and_then(|k| k.get("allowed_models"))
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let mut fields = vec![
        Field::new(
            "name",
            key.map(|k| text(k, "/name")).unwrap_or(""),
            "unique",
        ),
        Field::new(
            "description",
            key.map(|k| text(k, "/description")).unwrap_or(""),
            "",
        ),
        Field::new(
            "models",
            if models == "*" { String::new() } else { models },
            "comma-separated; empty: all",
        ),
        Field::new(
            "team",
            key.map(|k| text(k, "/team_id")).unwrap_or(""),
            "id or name; empty: none",
        ),
    ];
    fields.extend(limit_fields(key));
    let field = |pointer: &str| {
        key.and_then(|k| k.pointer(pointer))
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .unwrap_or_default()
    };
    fields.extend([
        Field::new(
            "customer",
            field("/customer_id"),
            "id or name; not with a team",
        ),
        Field::new(
            "max in flight",
            field("/max_concurrent_requests"),
            "empty: unlimited",
        ),
        Field::new("expires at", field("/expires_at"), "RFC 3339; empty: never"),
        Field::new(
            "providers",
            provider_specs(key),
            "e.g. openai:0.8:gpt-4o azure",
        ),
    ]);
    let configs = key
        .and_then(|k| k["provider_configs"].as_array())
        .map_or(&[][..], Vec::as_slice);
    let [budgets, rpm, tpm] = ProviderLimits::specs(configs);
    fields.extend([
        Field::new("prov budgets", budgets, "e.g. openai:50:1M"),
        Field::new("prov req/min", rpm, "e.g. openai:100"),
        Field::new("prov tok/min", tpm, "e.g. openai:50000"),
    ]);
    let id = key.map(|k| text(k, "/id").to_string()).unwrap_or_default();
    let (title, question) = match key {
        None => (
            "New virtual key".to_string(),
            "Create this virtual key?".to_string(),
        ),
        Some(k) => (
            format!("Edit virtual key {}", text(k, "/name")),
            "Save these changes?".to_string(),
        ),
    };
    Form::new(
        title,
        question,
        fields,
        build_key,
        Context { id, extra: None },
    )
}

/// A key's `provider_configs` as the form's compact specs, the CLI's `--provider`
/// syntax: `openai:0.8:gpt-4o,gpt-4o-mini azure:0.2`.
fn provider_specs(key: Option<&Value>) -> String {
    let configs = key
        .and_then(|k| k.get("provider_configs"))
        .and_then(Value::as_array);
    configs
        .into_iter()
        .flatten()
        .map(|p| {
            let models: Vec<&str> = p
                .get("allowed_models")
                .and_then(Value::as_array)
                .map(|m| m.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let weight = num(p, &["/weight"]).unwrap_or(1.0);
            match models.as_slice() {
                [] | ["*"] => format!("{}:{weight}", text(p, "/provider")),
                m => format!("{}:{weight}:{}", text(p, "/provider"), m.join(",")),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads the per-provider limit fields as `bifrost vk --provider-budget/-rpm/-tpm`
/// do, and puts them on `specs`.
fn provider_limits(fs: &[Field], specs: &mut [Value], problems: &mut Vec<String>) {
    let mut limits = ProviderLimits::default();
    for spec in fs[0].get().split_whitespace() {
        match parse_provider_budget(spec) {
            Ok(b) => limits.budgets.push(b),
            Err(e) => problems.push(format!("{}: {e}", fs[0].label)),
        }
    }
    for (field, out) in [(&fs[1], &mut limits.rpm), (&fs[2], &mut limits.tpm)] {
        for spec in field.get().split_whitespace() {
            match parse_provider_rate(spec) {
                Ok(r) => out.push(r),
                Err(e) => problems.push(format!("{}: {e}", field.label)),
            }
        }
    }
    if let Err(e) = limits.apply(specs) {
        problems.push(e);
    }
}

/// An empty field is `null`: left out of a create body, removed by an update.
fn optional(v: &str) -> Value {
    if v.is_empty() {
        Value::Null
    } else {
        json!(v)
    }
}

fn build_key(fs: &[Field], c: &Context) -> Result<Action, Vec<String>> {
    let mut problems = Vec::new();
    required(&fs[0], &mut problems);
    let mut body = Map::new();
    body.insert("name".into(), json!(fs[0].get()));
    body.insert("description".into(), json!(fs[1].get()));
    let models = list(&fs[2]);
    body.insert(
        "allowed_models".into(),
        if models.is_empty() {
            json!(["*"])
        } else {
            json!(models)
        },
    );
    body.insert("team_id".into(), optional(fs[3].get()));
    limits(&fs[4..8], &mut body, &mut problems);
    body.insert("customer_id".into(), optional(fs[8].get()));
    body.insert(
        "max_concurrent_requests".into(),
        whole(&fs[9], &mut problems).map_or(Value::Null, |n| json!(n)),
    );
    body.insert("expires_at".into(), optional(fs[10].get()));
    let mut specs: Vec<Value> = fs[11]
        .get()
        .split_whitespace()
        .filter_map(|spec| {
            parse_provider(spec)
                .map_err(|e| problems.push(format!("{}: {e}", fs[11].label)))
                .ok()
        })
        .collect();
    provider_limits(&fs[12..15], &mut specs, &mut problems);
    body.insert(
        "provider_configs".into(),
        match (specs.is_empty(), c.id.is_empty()) {
            // Left out of a create; an edit that empties the field removes them all.
            (true, true) => Value::Null,
            _ => json!(specs),
        },
    );
    if !problems.is_empty() {
        return Err(problems);
    }
    if c.id.is_empty() {
        body.retain(|_, v| !v.is_null());
        Ok(Action::Create(Kind::VirtualKey, Value::Object(body)))
    } else {
        Ok(Action::Update(
            Kind::VirtualKey,
            c.id.clone(),
            Value::Object(body),
        ))
    }
}

/// The team or customer form, empty to create or filled from `org` to edit.
pub fn org(kind: Kind, org: Option<&Value>) -> Form {
    let mut fields = vec![Field::new(
        "name",
        org.map(|o| text(o, "/name")).unwrap_or(""),
        "unique",
    )];
    fields.extend(limit_fields(org));
    let id = org.map(|o| text(o, "/id").to_string()).unwrap_or_default();
    let build: super::form::Build = match kind {
        Kind::Team => |fs, c| build_org(Kind::Team, fs, c),
        _ => |fs, c| build_org(Kind::Customer, fs, c),
    };
    let title = match org {
        None => format!("New {}", kind.noun()),
        Some(o) => format!("Edit {} {}", kind.noun(), text(o, "/name")),
    };
    Form::new(
        title,
        format!("Save this {}?", kind.noun()),
        fields,
        build,
        Context { id, extra: None },
    )
}

fn build_org(kind: Kind, fs: &[Field], c: &Context) -> Result<Action, Vec<String>> {
    let mut problems = Vec::new();
    required(&fs[0], &mut problems);
    let mut body = Map::new();
    body.insert("name".into(), json!(fs[0].get()));
    limits(&fs[1..5], &mut body, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    if c.id.is_empty() {
        body.retain(|_, v| !v.is_null());
        Ok(Action::Create(kind, Value::Object(body)))
    } else {
        Ok(Action::Update(kind, c.id.clone(), Value::Object(body)))
    }
}

fn key_fields(key: Option<&KeyConfig>) -> Vec<Field> {
    let mut value = Field::secret("key value", "typed masked; or env.VAR");
    if key.is_some() {
        value.hint = "empty: keep the stored value; or env.VAR";
    }
    vec![
        Field::new(
            "key name",
            key.map_or("default", |k| k.name.as_str()),
            "unique in the provider",
        ),
        value,
        Field::new(
            "models",
            key.map(|k| k.models.join(",")).unwrap_or_default(),
            "comma-separated; empty: all",
        ),
        Field::new(
            "weight",
            key.map_or("1".to_string(), |k| k.weight.to_string()),
            "share of traffic",
        ),
    ]
}

fn build_key_config(
    fs: &[Field],
    old: Option<&KeyConfig>,
    problems: &mut Vec<String>,
) -> KeyConfig {
    required(&fs[0], problems);
    let value = match (fs[1].get(), old) {
        ("", Some(old)) => old.value.clone(),
        (v, _) => SecretValue::parse(v),
    };
    let mut key = match old {
        Some(old) => old.clone(),
        None => KeyConfig::new(fs[0].get(), SecretValue::Literal(String::new())),
    };
    key.name = fs[0].get().to_string();
    key.value = value;
    key.models = list(&fs[2]);
    match number(&fs[3], problems) {
        Some(w) if w >= 0.0 => key.weight = w,
        Some(_) => problems.push(format!("{}: must be 0 or more", fs[3].label)),
        None => {}
    }
    key
}

/// The new-provider form: the provider and its first key.
pub fn provider() -> Form {
    let mut fields = vec![
        Field::new("name", "", "unique"),
        Field::new(
            "type",
            "openai",
            "openai anthropic gemini azure bedrock vertex cohere mock ...",
        ),
        Field::new("base url", "", "empty: the type's default"),
    ];
    fields.extend(key_fields(None));
    Form::new(
        "New provider",
        "Create this provider?",
        fields,
        build_provider,
        Context::default(),
    )
}

fn build_provider(fs: &[Field], _: &Context) -> Result<Action, Vec<String>> {
    let mut problems = Vec::new();
    required(&fs[0], &mut problems);
    let kind = fs[1]
        .get()
        .parse::<ProviderType>()
        .map_err(|e| problems.push(format!("type: {e}")))
        .ok();
    let key = build_key_config(&fs[3..7], None, &mut problems);
    let Some(kind) = kind.filter(|_| problems.is_empty()) else {
        return Err(problems);
    };
    let base_url = Some(fs[2].get().to_string()).filter(|u| !u.is_empty());
    Ok(Action::AddProvider(Box::new(ProviderDoc {
        provider: fs[0].get().to_string(),
        kind,
        base_url,
        keys: if key.value.is_empty() && kind == ProviderType::Mock {
            Vec::new()
        } else {
            vec![key]
        },
        network_config: Default::default(),
        health: Default::default(),
        mock: None,
        origin: None,
    })))
}

/// The provider form for an existing provider: its base URL (its type is fixed, as
/// `bifrost provider update` has it; keys have their own form).
pub fn provider_edit(doc: &ProviderDoc) -> Form {
    let fields = vec![Field::new(
        "base url",
        doc.base_url.clone().unwrap_or_default(),
        "empty: the type's default",
    )];
    Form::new(
        format!("Edit provider {}", doc.provider),
        "Save this provider?",
        fields,
        build_provider_edit,
        Context {
            id: doc.provider.clone(),
            extra: serde_json::to_value(doc).ok(),
        },
    )
}

fn build_provider_edit(fs: &[Field], c: &Context) -> Result<Action, Vec<String>> {
    let mut doc: ProviderDoc = c
        .extra
        .clone()
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| vec![format!("provider `{}` could not be read back", c.id)])?;
    doc.base_url = Some(fs[0].get().to_string()).filter(|u| !u.is_empty());
    doc.origin = None;
    Ok(Action::UpdateProvider(Box::new(doc)))
}

/// The provider-key form: a new key for `provider`, or `key` edited.
pub fn provider_key(provider: &str, key: Option<&KeyConfig>) -> Form {
    let title = match key {
        None => format!("New key for {provider}"),
        Some(k) => format!("Edit key {} of {provider}", k.name),
    };
    let extra = key.and_then(|k| serde_json::to_value(k).ok());
    Form::new(
        title,
        "Save this key?",
        key_fields(key),
        build_provider_key,
        Context {
            id: provider.to_string(),
            extra,
        },
    )
}

fn build_provider_key(fs: &[Field], c: &Context) -> Result<Action, Vec<String>> {
    let mut problems = Vec::new();
    let old: Option<KeyConfig> = c.extra.clone().and_then(|v| serde_json::from_value(v).ok());
    let key = build_key_config(fs, old.as_ref(), &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(match old {
        None => Action::AddKey(c.id.clone(), Box::new(key)),
        Some(old) => Action::UpdateKey(c.id.clone(), old.name, Box::new(key)),
    })
}

/// The form for one `[client]` setting, filled with its value (`current`, whose JSON
/// type says how the text is read).
pub fn setting(name: &str, current: &Value) -> Form {
    Form::new(
        format!("Edit client.{name}"),
        format!("Save client.{name}?"),
        vec![Field::new(
            "value",
            settings::shown(current),
            settings::hint(current),
        )],
        build_setting,
        Context {
            id: name.to_string(),
            extra: Some(current.clone()),
        },
    )
}

/// Reads the typed text as `bifrost config set` does; the server checks the rest (and
/// says which field is wrong).
fn build_setting(fs: &[Field], c: &Context) -> Result<Action, Vec<String>> {
    let current = c.extra.clone().unwrap_or(Value::Null);
    let value = settings::parse_value(&current, fs[0].get()).map_err(|e| vec![e])?;
    let mut patch = Map::new();
    patch.insert(c.id.clone(), value);
    Ok(Action::UpdateSettings(Value::Object(patch)))
}
