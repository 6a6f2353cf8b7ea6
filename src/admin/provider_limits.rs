//! Per-provider budgets and rate limits of a virtual key (`provider_configs[].budgets`
//! and `.rate_limit`) from compact specs, read alike by `bifrost vk --provider-budget
//! openai:50:1M --provider-rpm openai:100` and the dashboard's key form, with the same
//! messages.

use serde_json::{json, Value};

use crate::governance::ResetDuration;

/// `NAME:USD[:RESET]` (e.g. `openai:50:1M`; the window defaults to a calendar month)
/// as the provider's name and one budget.
pub fn parse_provider_budget(s: &str) -> Result<(String, Value), String> {
    let mut parts = s.splitn(3, ':');
    let name = parts.next().unwrap_or_default();
    let usd = parts.next().unwrap_or_default();
    if name.is_empty() || usd.is_empty() {
        return Err(format!(
            "`{s}` is not NAME:USD[:RESET]; use e.g. openai:50:1M"
        ));
    }
    let usd = usd
        .parse::<f64>()
        .ok()
        .filter(|u| u.is_finite() && *u > 0.0)
        .ok_or_else(|| format!("budget `{usd}` in `{s}` is not a positive amount in USD"))?;
    let reset = parts.next().filter(|r| !r.is_empty()).unwrap_or("1M");
    let reset: ResetDuration = reset
        .parse()
        .map_err(|e: crate::governance::DurationError| format!("`{s}`: {e}"))?;
    Ok((
        name.to_string(),
        json!({"max_limit": usd, "reset_duration": reset.to_string()}),
    ))
}

/// `NAME:N` (e.g. `openai:100`) as the provider's name and a per-minute limit.
pub fn parse_provider_rate(s: &str) -> Result<(String, u64), String> {
    match s.split_once(':') {
        Some((name, n)) if !name.is_empty() => n
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .map(|n| (name.to_string(), n))
            .ok_or_else(|| format!("limit `{n}` in `{s}` is not a whole number of 1 or more")),
        _ => Err(format!("`{s}` is not NAME:N; use e.g. openai:100")),
    }
}

/// The per-provider limits a command or form asks for.
#[derive(Debug, Default, Clone)]
pub struct ProviderLimits {
    /// Budgets by provider (several per provider allowed).
    pub budgets: Vec<(String, Value)>,
    /// Requests per minute by provider.
    pub rpm: Vec<(String, u64)>,
    /// Tokens per minute by provider.
    pub tpm: Vec<(String, u64)>,
}

impl ProviderLimits {
    /// Whether any limit was asked for.
    pub fn is_empty(&self) -> bool {
        self.budgets.is_empty() && self.rpm.is_empty() && self.tpm.is_empty()
    }

    /// Sets the limits on the `provider_configs` entries of their providers: the
    /// budgets and rate limit of a provider named here replace its old ones. A provider
    /// not among `configs` is refused, naming it.
    pub fn apply(&self, configs: &mut [Value]) -> Result<(), String> {
        let named = self
            .budgets
            .iter()
            .map(|(n, _)| n)
            .chain(self.rpm.iter().map(|(n, _)| n))
            .chain(self.tpm.iter().map(|(n, _)| n));
        for name in named {
            if !configs.iter().any(|c| c["provider"] == name.as_str()) {
                return Err(format!(
                    "provider `{name}` has a limit but is not among the key's providers; add it to them first"
                ));
            }
        }
        for c in configs.iter_mut() {
            let Some(name) = c["provider"].as_str().map(str::to_string) else {
                continue;
            };
            let budgets: Vec<&Value> = self
                .budgets
                .iter()
                .filter(|(n, _)| *n == name)
                .map(|(_, b)| b)
                .collect();
            if !budgets.is_empty() {
                c["budgets"] = json!(budgets);
            }
            let rpm = self.rpm.iter().rev().find(|(n, _)| *n == name);
            let tpm = self.tpm.iter().rev().find(|(n, _)| *n == name);
            if rpm.is_some() || tpm.is_some() {
                // A limit not named here stays as it was.
                let mut rl = c["rate_limit"].as_object().cloned().unwrap_or_default();
                if let Some((_, n)) = rpm {
                    rl.insert("request_max_limit".into(), json!(n));
                    rl.insert("request_reset_duration".into(), json!("1m"));
                }
                if let Some((_, n)) = tpm {
                    rl.insert("token_max_limit".into(), json!(n));
                    rl.insert("token_reset_duration".into(), json!("1m"));
                }
                c["rate_limit"] = Value::Object(rl);
            }
        }
        Ok(())
    }

    /// The limits `configs` carry, as specs the parsers above read back: budgets
    /// (`openai:50:1M`), requests and tokens per minute (`openai:100`), space-separated.
    pub fn specs(configs: &[Value]) -> [String; 3] {
        let (mut budgets, mut rpm, mut tpm) = (Vec::new(), Vec::new(), Vec::new());
        for c in configs {
            let name = c["provider"].as_str().unwrap_or_default();
            for b in c["budgets"].as_array().into_iter().flatten() {
                if let Some(usd) = b["max_limit"].as_f64() {
                    let reset = b["reset_duration"].as_str().unwrap_or("1M");
                    budgets.push(format!("{name}:{usd}:{reset}"));
                }
            }
            if let Some(n) = c["rate_limit"]["request_max_limit"].as_u64() {
                rpm.push(format!("{name}:{n}"));
            }
            if let Some(n) = c["rate_limit"]["token_max_limit"].as_u64() {
                tpm.push(format!("{name}:{n}"));
            }
        }
        [budgets.join(" "), rpm.join(" "), tpm.join(" ")]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_land_on_their_providers_and_read_back() {
        let mut configs = vec![
            json!({"provider": "openai", "weight": 1.0}),
            json!({"provider": "azure", "weight": 1.0}),
        ];
        let limits = ProviderLimits {
            budgets: vec![parse_provider_budget("openai:50:1d").unwrap()],
            rpm: vec![parse_provider_rate("azure:100").unwrap()],
            tpm: vec![parse_provider_rate("azure:5000").unwrap()],
        };
        limits.apply(&mut configs).unwrap();
        assert_eq!(
            configs[0]["budgets"],
            json!([{"max_limit": 50.0, "reset_duration": "1d"}])
        );
        assert_eq!(configs[1]["rate_limit"]["request_max_limit"], 100);
        assert_eq!(configs[1]["rate_limit"]["token_max_limit"], 5000);
        assert_eq!(
            ProviderLimits::specs(&configs),
            ["openai:50:1d", "azure:100", "azure:5000"]
        );
    }

    #[test]
    fn bad_specs_and_strangers_are_named() {
        assert!(parse_provider_budget("openai")
            .unwrap_err()
            .contains("NAME:USD"));
        assert!(parse_provider_budget("openai:-5")
            .unwrap_err()
            .contains("budget `-5`"));
        assert!(parse_provider_budget("openai:5:fortnight").is_err());
        assert!(parse_provider_rate("openai:lots")
            .unwrap_err()
            .contains("limit `lots`"));
        let limits = ProviderLimits {
            rpm: vec![("groq".into(), 5)],
            ..ProviderLimits::default()
        };
        let mut configs = vec![json!({"provider": "openai"})];
        assert!(limits.apply(&mut configs).unwrap_err().contains("`groq`"));
    }
}
