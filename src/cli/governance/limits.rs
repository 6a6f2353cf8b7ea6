//! The flags budgets, rate limits and provider configs share across `vk`, `team` and
//! `customer`, and their translation into the management API's JSON.

use clap::Args;
use serde_json::{json, Map, Value};

use crate::governance::ResetDuration;

/// `--budget`, `--reset`, `--rpm`, `--tpm` and friends.
#[derive(Debug, Args)]
pub struct LimitFlags {
    /// Spending cap in USD per --reset window (replaces existing budgets).
    #[arg(long, value_name = "USD", allow_negative_numbers = true)]
    pub budget: Option<f64>,
    /// The budget's window: 30s, 5m, 1h, 1d, 1w or 1M (calendar month).
    #[arg(long, value_name = "DURATION", default_value = "1M", value_parser = parse_duration)]
    pub reset: ResetDuration,
    /// Start budget windows at UTC calendar boundaries (midnight, Monday, the 1st).
    #[arg(long)]
    pub calendar_aligned: bool,
    /// Alert when spend crosses these fractions of the budget, e.g. 0.8,1.0.
    #[arg(long, value_delimiter = ',', value_name = "FRACTIONS")]
    pub alert_at: Vec<f64>,
    /// Remove all budgets.
    #[arg(long, conflicts_with = "budget")]
    pub no_budget: bool,
    /// Requests per minute.
    #[arg(long, value_name = "N")]
    pub rpm: Option<u64>,
    /// Tokens per minute.
    #[arg(long, value_name = "N")]
    pub tpm: Option<u64>,
    /// Remove the rate limit.
    #[arg(long, conflicts_with_all = ["rpm", "tpm"])]
    pub no_rate_limit: bool,
}

fn parse_duration(s: &str) -> Result<ResetDuration, String> {
    s.parse()
        .map_err(|e: crate::governance::DurationError| e.to_string())
}

impl LimitFlags {
    /// Writes the fields these flags set into `body`; unset flags leave fields alone.
    pub fn apply(&self, body: &mut Map<String, Value>) {
        if let Some(limit) = self.budget {
            let mut b = json!({
                "max_limit": limit,
                "reset_duration": self.reset.to_string(),
                "calendar_aligned": self.calendar_aligned,
            });
            if !self.alert_at.is_empty() {
                b["alert_thresholds"] = json!(self.alert_at);
            }
            body.insert("budgets".into(), json!([b]));
        } else if self.no_budget {
            body.insert("budgets".into(), json!([]));
        }
        if self.rpm.is_some() || self.tpm.is_some() {
            let mut rl = Map::new();
            if let Some(n) = self.rpm {
                rl.insert("request_max_limit".into(), json!(n));
                rl.insert("request_reset_duration".into(), json!("1m"));
            }
            if let Some(n) = self.tpm {
                rl.insert("token_max_limit".into(), json!(n));
                rl.insert("token_reset_duration".into(), json!("1m"));
            }
            body.insert("rate_limit".into(), Value::Object(rl));
        } else if self.no_rate_limit {
            body.insert("rate_limit".into(), Value::Null);
        }
    }
}

pub use crate::admin::parse_provider;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_specs_parse_with_defaults() {
        assert_eq!(
            parse_provider("openai:0.8:gpt-4o,gpt-4o-mini").unwrap(),
            json!({"provider": "openai", "weight": 0.8, "allowed_models": ["gpt-4o", "gpt-4o-mini"]})
        );
        assert_eq!(
            parse_provider("azure").unwrap()["allowed_models"],
            json!(["*"])
        );
        // Bedrock model ids contain colons; only the first two separate fields.
        assert_eq!(
            parse_provider("bedrock:1:anthropic.claude-3-5-sonnet-20240620-v1:0").unwrap()
                ["allowed_models"],
            json!(["anthropic.claude-3-5-sonnet-20240620-v1:0"])
        );
        assert!(parse_provider("openai:heavy")
            .unwrap_err()
            .contains("weight `heavy`"));
    }
}
