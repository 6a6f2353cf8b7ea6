//! `[pricing."provider/model"]`: per-model price overrides on top of the shipped
//! catalog (`data/prices.json`), e.g. a negotiated rate or a self-hosted model.

use indexmap::IndexMap;

use crate::governance::cost::Price;

/// Overrides keyed `provider/model`, where `provider` is a provider's name or type.
pub type PricingConfig = IndexMap<String, Price>;

/// Every problem with the overrides, each naming the entry and the fix.
pub fn pricing_problems(pricing: &PricingConfig) -> Vec<String> {
    let mut out = Vec::new();
    for (key, price) in pricing {
        let at = format!("pricing.\"{key}\"");
        match key.split_once('/') {
            Some((p, m)) if !p.is_empty() && !m.is_empty() => {}
            _ => out.push(format!(
                "{at}: a price is keyed by provider and model, e.g. [pricing.\"openai/gpt-4o\"]"
            )),
        }
        out.extend(price.problems(&at));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::config::FileConfig;

    #[test]
    fn overrides_parse_from_the_file() {
        let c = FileConfig::parse(
            "[pricing.\"openai/gpt-4o\"]\ninput_per_mtok = 2.5\noutput_per_mtok = 10\n",
        )
        .unwrap();
        let p = &c.pricing["openai/gpt-4o"];
        assert_eq!(
            (p.input_per_mtok, p.output_per_mtok),
            (Some(2.5), Some(10.0))
        );
    }

    #[test]
    fn bad_overrides_are_refused_with_the_field() {
        let err = FileConfig::parse("[pricing.gpt-4o]\ninput_per_mtok = -2\n").unwrap_err();
        let messages: Vec<_> = err.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "pricing.\"gpt-4o\": a price is keyed by provider and model, e.g. [pricing.\"openai/gpt-4o\"]",
                "pricing.\"gpt-4o\".input_per_mtok is -2: a price is a number of 0 or more, in USD",
            ]
        );
        let err = FileConfig::parse("[pricing.\"a/b\"]\ninput = 1\n").unwrap_err();
        assert!(err[0].message.contains("unknown field `input`"), "{err:?}");
    }
}
