//! A crossed budget threshold as the alert webhook receives it: one JSON object per
//! crossing, naming the level, the threshold, the spend and limit and the window.

use serde_json::{json, Value};

use super::counters::Alert;
use super::refusal::Level;
use super::window::rfc3339;

impl Alert {
    /// The webhook's JSON body.
    pub fn payload(&self) -> Value {
        let provider = match &self.level {
            Level::ProviderConfig(_, provider) => Some(provider.as_str()),
            _ => None,
        };
        json!({
            "type": "budget_threshold_crossed",
            "level": self.level.kind(),
            "name": self.level.name(),
            "provider": provider,
            "threshold": self.threshold,
            "spend": self.spent.dollars(),
            "limit": self.limit.dollars(),
            "window": self.window,
            "window_start": rfc3339(self.window_start),
            "resets_at": rfc3339(self.resets_at),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::Usd;

    #[test]
    fn the_payload_names_level_spend_limit_and_window() {
        let alert = Alert {
            level: Level::ProviderConfig("ci".into(), "openai".into()),
            threshold: 0.8,
            spent: Usd::from_dollars(4.5).unwrap(),
            limit: Usd::from_dollars(5.0).unwrap(),
            window: "1d".into(),
            window_start: 1_796_256_000,
            resets_at: 1_796_342_400,
        };
        let p = alert.payload();
        assert_eq!(p["level"], "provider_config");
        assert_eq!(
            (p["name"].as_str(), p["provider"].as_str()),
            (Some("ci"), Some("openai"))
        );
        assert_eq!(
            (p["spend"].as_f64(), p["limit"].as_f64()),
            (Some(4.5), Some(5.0))
        );
        assert_eq!(p["window_start"], "2026-12-03T00:00:00Z");
        assert_eq!(p["resets_at"], "2026-12-04T00:00:00Z");
    }
}
