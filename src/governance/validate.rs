//! Validation of governance objects: every problem names the field and the fix, and
//! all of them are reported at once so one round trip fixes a request.

use serde::de::DeserializeOwned;

use super::model::{Budget, Customer, ProviderConfig, RateLimit, Team, VirtualKey};
use crate::config::limits::{
    check_len, check_list, LimitError, MAX_MODELS_PER_KEY, MAX_MODEL_ID, MAX_PROVIDERS,
    MAX_PROVIDER_NAME,
};

/// The longest name accepted for a key, team or customer.
pub const MAX_NAME_LEN: usize = 64;

/// Longest description: a sentence or a paragraph, not a document.
pub const MAX_DESCRIPTION: usize = 4 * 1024;

/// Budgets per level: a few windows (a day, a month), not hundreds.
pub const MAX_BUDGETS: usize = 16;

/// Longest id of a team or customer a key names (ids are generated, far shorter).
pub const MAX_ID: usize = 128;

/// The bounds every management input is held to (`config::limits`), for the parts of
/// a governance object a client sends: lengths and list sizes, so no request can make
/// the store or the answers of `list` grow without bound.
fn bound_problems(out: &mut Vec<String>, bounds: impl IntoIterator<Item = Result<(), LimitError>>) {
    out.extend(
        bounds
            .into_iter()
            .filter_map(Result::err)
            .map(|e| e.to_string()),
    );
}

fn models_bounds(field: &str, models: &[String]) -> Vec<Result<(), LimitError>> {
    let mut out = vec![check_list(field, models, MAX_MODELS_PER_KEY)];
    out.extend(
        models
            .iter()
            .enumerate()
            .map(|(i, m)| check_len(format!("{field}[{i}]"), m, MAX_MODEL_ID)),
    );
    out
}

/// Decodes JSON, naming the field of the first problem (`budgets[0].max_limit: ...`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Vec<String>> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        vec![if path == "." {
            inner
        } else {
            format!("{path}: {inner}")
        }]
    })
}

/// Problems with a name, under `field`.
pub fn name_problems(field: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    if name.trim().is_empty() {
        out.push(format!("{field} is empty; give it a name, e.g. \"ci\""));
    } else if name.len() > MAX_NAME_LEN {
        out.push(format!(
            "{field} is {} bytes long; use at most {MAX_NAME_LEN}",
            name.len()
        ));
    } else if name.chars().any(char::is_control) {
        out.push(format!(
            "{field} contains control characters; use printable text"
        ));
    }
    out
}

fn budget_problems(out: &mut Vec<String>, field: &str, budgets: &[Budget]) {
    for (i, b) in budgets.iter().enumerate() {
        let at = format!("{field}[{i}]");
        if !b.max_limit.is_finite() || b.max_limit <= 0.0 {
            out.push(format!(
                "{at}.max_limit is {}: a budget is a positive amount in USD, e.g. 50",
                b.max_limit
            ));
        }
        for t in &b.alert_thresholds {
            if !t.is_finite() || *t <= 0.0 || *t > 1.0 {
                out.push(format!("{at}.alert_thresholds has {t}: each threshold is a fraction of max_limit above 0 and at most 1, e.g. [0.8, 1.0]"));
            }
        }
    }
}

fn rate_limit_problems(out: &mut Vec<String>, field: &str, rl: Option<&RateLimit>) {
    let Some(rl) = rl else { return };
    for (what, limit, window) in [
        ("token", rl.token_max_limit, rl.token_reset_duration),
        ("request", rl.request_max_limit, rl.request_reset_duration),
    ] {
        match (limit, window) {
            (Some(0), _) => out.push(format!("{field}.{what}_max_limit is 0, which would refuse everything; use a positive number, or disable the key instead")),
            (Some(_), None) => out.push(format!("{field}.{what}_max_limit is set without {what}_reset_duration; add one, e.g. \"1m\"")),
            (None, Some(_)) => out.push(format!("{field}.{what}_reset_duration is set without {what}_max_limit; add the limit or drop the duration")),
            _ => {}
        }
    }
}

fn models_problems(out: &mut Vec<String>, field: &str, models: &[String]) {
    if models.is_empty() {
        out.push(format!("{field} is empty, which would deny every model; use [\"*\"] to allow all models, or list the ones to allow"));
    }
    if models.iter().any(|m| m.trim().is_empty()) {
        out.push(format!(
            "{field} has an empty model name; remove it or name a model"
        ));
    }
}

fn provider_config_problems(out: &mut Vec<String>, configs: &[ProviderConfig]) {
    bound_problems(
        out,
        [check_list("provider_configs", configs, MAX_PROVIDERS)],
    );
    for (i, pc) in configs.iter().enumerate() {
        let at = format!("provider_configs[{i}]");
        bound_problems(
            out,
            [check_len(
                format!("{at}.provider"),
                &pc.provider,
                MAX_PROVIDER_NAME,
            )],
        );
        bound_problems(
            out,
            models_bounds(&format!("{at}.allowed_models"), &pc.allowed_models),
        );
        bound_problems(
            out,
            [check_list(
                format!("{at}.budgets"),
                &pc.budgets,
                MAX_BUDGETS,
            )],
        );
        if pc.provider.trim().is_empty() {
            out.push(format!(
                "{at}.provider is empty; name a provider from `bifrost provider list`"
            ));
        }
        if configs[..i].iter().any(|p| p.provider == pc.provider) {
            out.push(format!(
                "{at}.provider `{}` is listed twice; merge the entries",
                pc.provider
            ));
        }
        if !pc.weight.is_finite() || pc.weight < 0.0 {
            out.push(format!(
                "{at}.weight is {}: a weight is a number of 0 or more, e.g. 0.8",
                pc.weight
            ));
        }
        models_problems(out, &format!("{at}.allowed_models"), &pc.allowed_models);
        budget_problems(out, &format!("{at}.budgets"), &pc.budgets);
        rate_limit_problems(out, &format!("{at}.rate_limit"), pc.rate_limit.as_ref());
    }
}

impl VirtualKey {
    /// Everything wrong with the key, each naming the field and the fix.
    pub fn problems(&self) -> Vec<String> {
        let mut out = name_problems("name", &self.name);
        bound_problems(
            &mut out,
            [
                check_len("description", &self.description, MAX_DESCRIPTION),
                check_list("budgets", &self.budgets, MAX_BUDGETS),
                check_len("team_id", self.team_id.as_deref().unwrap_or(""), MAX_ID),
                check_len(
                    "customer_id",
                    self.customer_id.as_deref().unwrap_or(""),
                    MAX_ID,
                ),
            ],
        );
        bound_problems(
            &mut out,
            models_bounds("allowed_models", &self.allowed_models),
        );
        if self.team_id.is_some() && self.customer_id.is_some() {
            out.push("team_id and customer_id are both set; a key belongs to a team or directly to a customer, not both: drop one (a team's customer applies through the team)".to_string());
        }
        if self.max_concurrent_requests == Some(0) {
            out.push("max_concurrent_requests is 0, which would refuse everything; use a positive number, or leave it unset for no limit".to_string());
        }
        models_problems(&mut out, "allowed_models", &self.allowed_models);
        provider_config_problems(&mut out, &self.provider_configs);
        budget_problems(&mut out, "budgets", &self.budgets);
        rate_limit_problems(&mut out, "rate_limit", self.rate_limit.as_ref());
        out
    }
}

impl Team {
    /// Everything wrong with the team.
    pub fn problems(&self) -> Vec<String> {
        let mut out = name_problems("name", &self.name);
        bound_problems(
            &mut out,
            [
                check_list("budgets", &self.budgets, MAX_BUDGETS),
                check_len(
                    "customer_id",
                    self.customer_id.as_deref().unwrap_or(""),
                    MAX_ID,
                ),
            ],
        );
        budget_problems(&mut out, "budgets", &self.budgets);
        rate_limit_problems(&mut out, "rate_limit", self.rate_limit.as_ref());
        out
    }
}

impl Customer {
    /// Everything wrong with the customer.
    pub fn problems(&self) -> Vec<String> {
        let mut out = name_problems("name", &self.name);
        bound_problems(
            &mut out,
            [check_list("budgets", &self.budgets, MAX_BUDGETS)],
        );
        budget_problems(&mut out, "budgets", &self.budgets);
        rate_limit_problems(&mut out, "rate_limit", self.rate_limit.as_ref());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(json: &str) -> Result<VirtualKey, Vec<String>> {
        let vk: VirtualKey = parse_json(json.as_bytes())?;
        let problems = vk.problems();
        if problems.is_empty() {
            Ok(vk)
        } else {
            Err(problems)
        }
    }

    fn one_problem(json: &str) -> String {
        let problems = key(json).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        problems.into_iter().next().unwrap()
    }

    #[test]
    fn oversized_fields_and_lists_are_refused_naming_the_field_and_limit() {
        let huge = "m".repeat(100_000);
        let models: Vec<String> = (0..1_001).map(|i| format!("m{i}")).collect();
        let body = serde_json::json!({"name": "k", "description": huge,
            "allowed_models": models, "provider_configs": [{"provider": "p", "allowed_models": [huge]}]});
        let problems = key(&body.to_string()).unwrap_err();
        let all = problems.join("\n");
        for field in [
            "description",
            "allowed_models",
            "provider_configs[0].allowed_models[0]",
        ] {
            assert!(all.contains(field), "{field} not named: {all}");
        }
        assert!(
            all.len() < 4096,
            "input quoted back shortened: {} bytes",
            all.len()
        );
    }

    #[test]
    fn a_plain_key_is_valid() {
        key(r#"{"name":"ci"}"#).unwrap();
    }

    #[test]
    fn negative_and_non_numeric_budgets_name_the_field() {
        let p = one_problem(r#"{"name":"ci","budget":{"max_limit":-5,"reset_duration":"1d"}}"#);
        assert!(p.starts_with("budgets[0].max_limit is -5"), "{p}");
        assert!(p.contains("positive amount in USD"), "{p}");
        let p =
            one_problem(r#"{"name":"ci","budgets":[{"max_limit":"lots","reset_duration":"1d"}]}"#);
        assert!(p.starts_with("budgets[0].max_limit: invalid type"), "{p}");
    }

    #[test]
    fn unknown_durations_name_the_field() {
        let p = one_problem(
            r#"{"name":"ci","rate_limit":{"request_max_limit":5,"request_reset_duration":"fortnight"}}"#,
        );
        assert!(
            p.starts_with("rate_limit.request_reset_duration: unknown duration `fortnight`"),
            "{p}"
        );
    }

    #[test]
    fn team_and_customer_together_are_refused() {
        let p = one_problem(r#"{"name":"ci","team_id":"t","customer_id":"c"}"#);
        assert!(p.contains("team_id and customer_id are both set"), "{p}");
    }

    #[test]
    fn an_empty_allow_list_is_refused_not_silently_deny_all() {
        let p = one_problem(r#"{"name":"ci","allowed_models":[]}"#);
        assert!(p.contains("[\"*\"] to allow all"), "{p}");
    }

    #[test]
    fn bad_weights_are_refused() {
        let p = one_problem(
            r#"{"name":"ci","provider_configs":[{"provider":"openai","weight":"heavy"}]}"#,
        );
        assert!(
            p.starts_with("provider_configs[0].weight: invalid type"),
            "{p}"
        );
        let p =
            one_problem(r#"{"name":"ci","provider_configs":[{"provider":"openai","weight":-1}]}"#);
        assert!(p.contains("provider_configs[0].weight is -1"), "{p}");
    }

    #[test]
    fn half_a_rate_limit_is_refused() {
        let p = one_problem(r#"{"name":"ci","rate_limit":{"token_max_limit":1000}}"#);
        assert!(p.contains("without token_reset_duration"), "{p}");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let problems =
            key(r#"{"name":"","allowed_models":[],"max_concurrent_requests":0}"#).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    #[test]
    fn unknown_fields_are_named() {
        let p = one_problem(
            r#"{"name":"ci","budgets":[{"max_limit":1,"reset_duration":"1d","limit":2}]}"#,
        );
        assert!(p.contains("unknown field `limit`"), "{p}");
    }
}
