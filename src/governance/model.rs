//! The governance objects as the management API and the store see them, in the
//! reference gateway's field names. A single `budget` object is accepted where a list
//! of `budgets` is expected; validation lives in `validate.rs`.

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::window::{parse_rfc3339, rfc3339, ResetDuration};

/// A spending cap in USD over a repeating window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// The cap, in USD.
    pub max_limit: f64,
    /// The window after which spend starts again from zero.
    pub reset_duration: ResetDuration,
    /// Windows start at the UTC calendar boundary (midnight, Monday, the 1st).
    #[serde(default)]
    pub calendar_aligned: bool,
    /// Fractions of `max_limit` whose crossing raises an alert, e.g. `[0.8, 1.0]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alert_thresholds: Vec<f64>,
}

/// Request and token caps over their own windows; either half may be absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Tokens (prompt + completion) per token window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_max_limit: Option<u64>,
    /// The token window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_reset_duration: Option<ResetDuration>,
    /// Requests per request window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_max_limit: Option<u64>,
    /// The request window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_reset_duration: Option<ResetDuration>,
}

/// One provider a key may use, its share of bare-model traffic, and its own limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// Provider name, as in `bifrost provider list`.
    pub provider: String,
    /// Share of bare-model requests among the providers that allow the model.
    #[serde(default = "one")]
    pub weight: f64,
    /// Models allowed through this provider; `["*"]` allows all.
    #[serde(default = "all_models")]
    pub allowed_models: Vec<String>,
    /// Budgets on this provider's share.
    #[serde(default, alias = "budget", deserialize_with = "one_or_many")]
    pub budgets: Vec<Budget>,
    /// Rate limit on this provider's share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
}

/// A key handed to an app or a person: what it may call, how much and how fast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VirtualKey {
    /// Stable id, assigned at creation.
    #[serde(default)]
    pub id: String,
    /// Unique, human name.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// The key's value: present only in the answer to create and rotate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Hex SHA-256 of the value: all the store keeps of it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value_hash: String,
    /// First and last four characters of the value, to tell keys apart in lists.
    #[serde(default)]
    pub value_hint: String,
    /// A disabled key is refused with 403.
    #[serde(default = "yes")]
    pub is_active: bool,
    /// Models the key may call; `["*"]` (the default) allows all.
    #[serde(default = "all_models")]
    pub allowed_models: Vec<String>,
    /// Providers the key may use; empty allows every provider.
    #[serde(default)]
    pub provider_configs: Vec<ProviderConfig>,
    /// Budgets on the key.
    #[serde(default, alias = "budget", deserialize_with = "one_or_many")]
    pub budgets: Vec<Budget>,
    /// Rate limit on the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// The team the key belongs to (not with `customer_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    /// The customer the key belongs to directly (not with `team_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Requests in flight at once; over it, 429 at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrent_requests: Option<u32>,
    /// After this instant the key is refused with 403.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// When it was created.
    #[serde(default)]
    pub created_at: Timestamp,
    /// When it was last changed.
    #[serde(default)]
    pub updated_at: Timestamp,
    /// Declared in `bifrost.toml`: rewritten from the file at every start, and removed
    /// when the file no longer declares it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_file: bool,
}

/// A group of keys sharing budgets, optionally inside a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// Stable id, assigned at creation.
    #[serde(default)]
    pub id: String,
    /// Unique, human name.
    pub name: String,
    /// The customer the team belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Budgets shared by the team's keys.
    #[serde(default, alias = "budget", deserialize_with = "one_or_many")]
    pub budgets: Vec<Budget>,
    /// Rate limit shared by the team's keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// When it was created.
    #[serde(default)]
    pub created_at: Timestamp,
    /// When it was last changed.
    #[serde(default)]
    pub updated_at: Timestamp,
    /// Declared in `bifrost.toml`: rewritten from the file at every start, and removed
    /// when the file no longer declares it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_file: bool,
}

/// The top of the hierarchy: teams and keys bill to a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// Stable id, assigned at creation.
    #[serde(default)]
    pub id: String,
    /// Unique, human name.
    pub name: String,
    /// Budgets shared by everything under the customer.
    #[serde(default, alias = "budget", deserialize_with = "one_or_many")]
    pub budgets: Vec<Budget>,
    /// Rate limit shared by everything under the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// When it was created.
    #[serde(default)]
    pub created_at: Timestamp,
    /// When it was last changed.
    #[serde(default)]
    pub updated_at: Timestamp,
    /// Declared in `bifrost.toml`: rewritten from the file at every start, and removed
    /// when the file no longer declares it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_file: bool,
}

/// An instant, seconds since the epoch, written as RFC 3339 UTC in JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub u64);

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&rfc3339(self.0))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_rfc3339(&s).map(Timestamp).ok_or_else(|| {
            de::Error::custom(format!(
                "`{s}` is not a timestamp; use RFC 3339, e.g. 2027-01-31T00:00:00Z"
            ))
        })
    }
}

fn one() -> f64 {
    1.0
}

fn yes() -> bool {
    true
}

fn all_models() -> Vec<String> {
    vec!["*".to_string()]
}

/// `budgets` as a list, or a single `budget` object taken as a list of one; `null` is none.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Budget>, D::Error> {
    struct OneOrMany;
    impl<'de> Visitor<'de> for OneOrMany {
        type Value = Vec<Budget>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a budget object or a list of them")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            Vec::deserialize(de::value::SeqAccessDeserializer::new(seq))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            Budget::deserialize(de::value::MapAccessDeserializer::new(map)).map(|b| vec![b])
        }
    }
    d.deserialize_any(OneOrMany)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_budget_is_a_list_of_one() {
        let vk: VirtualKey =
            serde_json::from_str(r#"{"name":"ci","budget":{"max_limit":5,"reset_duration":"1d"}}"#)
                .unwrap();
        assert_eq!(vk.budgets.len(), 1);
        assert_eq!(vk.budgets[0].reset_duration, ResetDuration::Seconds(86_400));
        assert_eq!(vk.allowed_models, ["*"]);
        assert!(vk.is_active);
        let many: Team = serde_json::from_str(
            r#"{"name":"t","budgets":[{"max_limit":5,"reset_duration":"1d"},{"max_limit":100,"reset_duration":"1M","calendar_aligned":true}]}"#,
        )
        .unwrap();
        assert_eq!(many.budgets.len(), 2);
        assert!(many.budgets[1].calendar_aligned);
    }

    #[test]
    fn the_reference_shape_round_trips() {
        let text = r#"{"name":"app","provider_configs":[{"provider":"azure","weight":0.8,"allowed_models":["gpt-4o"]},{"provider":"openai","weight":0.2}],"rate_limit":{"request_max_limit":100,"request_reset_duration":"1m"},"team_id":"t1","expires_at":"2027-01-31T00:00:00Z"}"#;
        let vk: VirtualKey = serde_json::from_str(text).unwrap();
        assert_eq!(vk.provider_configs[1].allowed_models, ["*"]);
        assert_eq!(vk.expires_at.unwrap().to_string(), "2027-01-31T00:00:00Z");
        let again: VirtualKey = serde_json::from_value(serde_json::to_value(&vk).unwrap()).unwrap();
        assert_eq!(again, vk);
    }

    #[test]
    fn bad_fields_are_named() {
        let err = serde_json::from_str::<VirtualKey>(
            r#"{"name":"x","budget":{"max_limit":5,"reset_duration":"1y"}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown duration `1y`"), "{err}");
        let err = serde_json::from_str::<VirtualKey>(r#"{"name":"x","expires_at":"soon"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("RFC 3339"), "{err}");
    }
}
