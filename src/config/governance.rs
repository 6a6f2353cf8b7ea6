//! `[governance]` in `bifrost.toml`: customers, teams and virtual keys declared in the
//! file, in the reference gateway's field names, and where budget alerts are sent.
//!
//! Each object is a table keyed by its name (`[governance.virtual_keys.ci]`) holding the
//! same fields the management API takes, so the file, the API and `bifrost config
//! export` share one shape. It is kept as JSON and decoded into the `governance` model
//! by [`GovernanceConfig::problems`] (for `config validate` and `serve`) and by
//! [`GovernanceConfig::declared`] (for the store): one decoder, the API's.
//!
//! A declared virtual key takes its value from `value`, normally `env.VAR`, read and
//! hashed at start; the value itself is never written to the store or back to a file.

use indexmap::IndexMap;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::SecretValue;
use crate::governance::{self, Customer, KeyHash, Team, VirtualKey};

/// One declared object: its fields, as the management API's create body.
pub type Declared = Map<String, Value>;

/// Fields bifrost assigns; a file that sets them is refused rather than half-obeyed.
const ASSIGNED: [&str; 5] = [
    "value_hash",
    "value_hint",
    "created_at",
    "updated_at",
    "from_file",
];

/// Shortest random part of a declared key's value, as generated keys have (32 bytes).
const MIN_VALUE_CHARS: usize = 32;

/// `[governance]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GovernanceConfig {
    /// Budget alerts (`alert_thresholds`) are POSTed here as JSON, besides the log line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert_webhook_url: Option<String>,
    /// Customers by name.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub customers: IndexMap<String, Declared>,
    /// Teams by name.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub teams: IndexMap<String, Declared>,
    /// Virtual keys by name; each needs a `value` (`env.VAR`).
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub virtual_keys: IndexMap<String, Declared>,
}

/// Every object the file declares, decoded and validated, in the order they must be
/// written (customers before the teams in them, teams before their keys). Ids are the
/// file's `id`, else the name; timestamps are left for the store to keep or set.
#[derive(Debug, Default)]
pub struct DeclaredObjects {
    /// Customers.
    pub customers: Vec<Customer>,
    /// Teams.
    pub teams: Vec<Team>,
    /// Virtual keys, each with its value's hash and hint set.
    pub keys: Vec<VirtualKey>,
}

impl GovernanceConfig {
    /// True when nothing is declared or configured.
    pub fn is_empty(&self) -> bool {
        self == &GovernanceConfig::default()
    }

    /// Problems in what the file declares, each prefixed with where it is
    /// (`governance.virtual_keys.ci.budgets[0].max_limit: ...`). Values are not read:
    /// an unset `env.` variable is a problem of the machine, reported at `serve`.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.decode(&mut out);
        out
    }

    /// The declared objects, decoded, with each key's value read (from the environment
    /// for `env.VAR`) and hashed. Fails with every problem found, values included.
    pub fn declared(&self) -> Result<DeclaredObjects, Vec<String>> {
        let mut out = Vec::new();
        let mut objects = self.decode(&mut out);
        let mut hashes = std::collections::HashMap::new();
        for key in &mut objects.keys {
            let at = format!(
                "governance.virtual_keys.{}.value",
                super::shorten(&key.name)
            );
            let Some(Value::String(raw)) = self
                .virtual_keys
                .get(&key.name)
                .and_then(|f| f.get("value"))
            else {
                continue;
            };
            let value = match SecretValue::parse(raw).resolve() {
                Ok(v) => v,
                Err(e) => {
                    out.push(format!("{at}: {e}"));
                    continue;
                }
            };
            if let Some(problem) = value_problem(&value) {
                out.push(format!("{at}: {problem}"));
                continue;
            }
            let hash = KeyHash::of(&value);
            if let Some(other) = hashes.insert(hash, key.name.clone()) {
                out.push(format!(
                    "{at} is the same key as virtual key `{other}`'s; each key needs its own value"
                ));
            }
            key.value_hash = hash.to_hex();
            key.value_hint = governance::hint(&value);
        }
        if out.is_empty() {
            Ok(objects)
        } else {
            Err(out)
        }
    }

    /// Decodes every declared object, noting the problems of the file's text.
    fn decode(&self, out: &mut Vec<String>) -> DeclaredObjects {
        if let Some(url) = &self.alert_webhook_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                out.push(format!(
                    "governance.alert_webhook_url {} must start with http:// or https://",
                    super::quote(url)
                ));
            }
        }
        for (name, fields) in &self.virtual_keys {
            let at = format!("governance.virtual_keys.{}", super::shorten(name));
            match fields.get("value") {
                Some(Value::String(_)) => {}
                Some(_) => out.push(format!("{at}.value must be a string, e.g. \"env.BIFROST_VK_CI\"")),
                None => out.push(format!("{at} has no value; add value = \"env.VAR\" naming the variable that holds the key (sk-bf-...)")),
            }
        }
        DeclaredObjects {
            customers: decode_all("customers", &self.customers, out),
            teams: decode_all("teams", &self.teams, out),
            keys: decode_all("virtual_keys", &self.virtual_keys, out),
        }
    }

    /// A copy safe to print: literal key values masked (`env.` references kept).
    pub fn masked(&self) -> GovernanceConfig {
        let mut copy = self.clone();
        for fields in copy.virtual_keys.values_mut() {
            if let Some(Value::String(raw)) = fields.get_mut("value") {
                *raw = SecretValue::parse(raw).masked();
            }
        }
        copy
    }
}

/// The variable a virtual key's value is read from when nothing names one:
/// `BIFROST_VK_<NAME>`, upper-cased, non-alphanumerics as `_`.
pub fn key_env_var(name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("BIFROST_VK_{name}")
}

/// Why a key value cannot be a virtual key: SDK headers carry a VK only with the
/// `sk-bf-` prefix, and a short value could be guessed.
fn value_problem(value: &str) -> Option<String> {
    let Some(random) = value.strip_prefix(governance::PREFIX) else {
        return Some(format!(
            "a virtual key starts with `{}`; generate one with `sk-bf-$(openssl rand -hex 32)`",
            governance::PREFIX
        ));
    };
    if random.chars().count() < MIN_VALUE_CHARS {
        return Some(format!(
            "the key has {} characters after `{}`; use at least {MIN_VALUE_CHARS} random ones, e.g. `sk-bf-$(openssl rand -hex 32)`",
            random.chars().count(),
            governance::PREFIX
        ));
    }
    None
}

/// What decoding needs of each kind of object.
trait Object: DeserializeOwned {
    fn problems(&self) -> Vec<String>;
}

impl Object for Customer {
    fn problems(&self) -> Vec<String> {
        Customer::problems(self)
    }
}

impl Object for Team {
    fn problems(&self) -> Vec<String> {
        Team::problems(self)
    }
}

impl Object for VirtualKey {
    fn problems(&self) -> Vec<String> {
        VirtualKey::problems(self)
    }
}

/// Decodes each declared object of a kind, noting its problems under
/// `governance.KIND.NAME`; objects with problems are left out.
fn decode_all<T: Object>(
    kind: &str,
    declared: &IndexMap<String, Declared>,
    out: &mut Vec<String>,
) -> Vec<T> {
    let mut objects = Vec::new();
    for (name, fields) in declared {
        let at = format!("governance.{kind}.{}", super::shorten(name));
        let before = out.len();
        for field in ASSIGNED {
            if fields.contains_key(field) {
                out.push(format!("{at}.{field} is set by bifrost; remove it"));
            }
        }
        if fields.contains_key("name") {
            out.push(format!(
                "{at}.name is the table's key already; remove it (rename the table instead)"
            ));
        }
        if out.len() > before {
            continue;
        }
        let mut body = fields.clone();
        body.shift_remove("value");
        body.insert("name".into(), Value::String(name.clone()));
        let id = body
            .entry("id")
            .or_insert_with(|| Value::String(name.clone()));
        match id.as_str() {
            Some(id) if id.is_empty() || id.len() > governance::MAX_ID => out.push(format!(
                "{at}.id must be 1-{} characters",
                governance::MAX_ID
            )),
            Some(id) if id.chars().any(char::is_control) => out.push(format!(
                "{at}.id contains control characters; use printable text"
            )),
            _ => {}
        }
        match serde_path_to_error::deserialize::<_, T>(Value::Object(body)) {
            Ok(object) => {
                out.extend(object.problems().into_iter().map(|p| format!("{at}.{p}")));
                if out.len() == before {
                    objects.push(object);
                }
            }
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner().to_string();
                out.push(if path == "." {
                    format!("{at}: {inner}")
                } else {
                    format!("{at}.{path}: {inner}")
                });
            }
        }
    }
    objects
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FileConfig;

    fn parse(text: &str) -> Result<FileConfig, Vec<String>> {
        FileConfig::parse(text).map_err(|p| p.into_iter().map(|p| p.message).collect())
    }

    const DECLARED: &str = r#"
[governance]
alert_webhook_url = "http://127.0.0.1:9/alerts"
[governance.customers.acme]
budgets = [{ max_limit = 100, reset_duration = "1M" }]
[governance.teams.platform]
customer_id = "acme"
rate_limit = { request_max_limit = 100, request_reset_duration = "1m" }
[governance.virtual_keys.ci]
value = "env.BIFROST_TEST_DECLARED_CI"
team_id = "platform"
allowed_models = ["openai/gpt-4o-mini"]
budget = { max_limit = 5, reset_duration = "1d", alert_thresholds = [0.8, 1.0] }
"#;

    #[test]
    fn declared_objects_use_the_api_shape_and_names_as_ids() {
        let c = parse(DECLARED).unwrap();
        let g = &c.governance;
        assert_eq!(
            g.alert_webhook_url.as_deref(),
            Some("http://127.0.0.1:9/alerts")
        );
        let value = format!("sk-bf-{}", "a".repeat(40));
        std::env::set_var("BIFROST_TEST_DECLARED_CI", &value);
        let objects = g.declared().unwrap();
        assert_eq!(objects.customers[0].id, "acme");
        assert_eq!(objects.teams[0].customer_id.as_deref(), Some("acme"));
        let key = &objects.keys[0];
        assert_eq!((key.id.as_str(), key.name.as_str()), ("ci", "ci"));
        assert_eq!(key.budgets[0].alert_thresholds, [0.8, 1.0]);
        assert_eq!(key.value_hash, KeyHash::of(&value).to_hex());
        assert!(key.value.is_none(), "the value itself is never kept");
        // Round trip through the file format, value reference included.
        let again = parse(&c.to_toml(true)).unwrap();
        assert_eq!(again.governance, c.governance);
    }

    #[test]
    fn problems_name_the_object_and_field() {
        let err = parse(
            "[governance.virtual_keys.ci]\nvalue = \"env.X\"\nbudget = { max_limit = -1, reset_duration = \"1d\" }\n",
        )
        .unwrap_err();
        assert_eq!(err.len(), 1, "{err:?}");
        assert!(
            err[0].starts_with("governance.virtual_keys.ci.budgets[0].max_limit is -1"),
            "{err:?}"
        );
        let err =
            parse("[governance.virtual_keys.ci]\nrate_limit = { request_max_limit = \"x\" }\n")
                .unwrap_err();
        assert!(
            err.iter()
                .any(|e| e.contains("governance.virtual_keys.ci has no value")),
            "{err:?}"
        );
        assert!(
            err.iter().any(|e| e.starts_with(
                "governance.virtual_keys.ci.rate_limit.request_max_limit: invalid type"
            )),
            "{err:?}"
        );
        let err = parse("[governance.teams.t]\nvalue_hash = \"x\"\nname = \"y\"\n").unwrap_err();
        assert_eq!(err.len(), 2, "{err:?}");
        let err = parse("[governance]\nalert_webhook_url = \"ftp://x\"\n").unwrap_err();
        assert!(err[0].contains("http://"), "{err:?}");
    }

    #[test]
    fn values_must_be_set_long_and_prefixed_and_are_never_shown() {
        let text = "[governance.virtual_keys.a]\nvalue = \"env.BIFROST_TEST_DECLARED_UNSET\"\n[governance.virtual_keys.b]\nvalue = \"sk-bf-short\"\n[governance.virtual_keys.c]\nvalue = \"not-a-vk-0123456789012345678901234567890123\"\n";
        let err = parse(text).unwrap().governance.declared().unwrap_err();
        assert_eq!(err.len(), 3, "{err:?}");
        assert!(err[0].contains("BIFROST_TEST_DECLARED_UNSET"), "{err:?}");
        assert!(err[1].contains("at least 32"), "{err:?}");
        assert!(
            !err[1].contains("short"),
            "the value is not quoted: {err:?}"
        );
        assert!(err[2].contains("starts with `sk-bf-`"), "{err:?}");
        let literal = format!("sk-bf-{}", "s".repeat(40));
        let c = parse(&format!(
            "[governance.virtual_keys.a]\nvalue = \"{literal}\"\n"
        ))
        .unwrap();
        assert!(!c.to_toml(false).contains(&literal));
        let twice = format!("[governance.virtual_keys.a]\nvalue = \"{literal}\"\n[governance.virtual_keys.b]\nvalue = \"{literal}\"\n");
        let err = parse(&twice).unwrap().governance.declared().unwrap_err();
        assert!(err[0].contains("same key as virtual key `a`"), "{err:?}");
    }
}
