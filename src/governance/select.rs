//! Which provider serves a request under a key: allow-list checks, and a weighted
//! choice for a bare model among the key's provider configs that allow it (the
//! reference's example: `gpt-4o` 80% azure, 20% openai).

use rand::Rng;

use super::model::VirtualKey;
use super::refusal::Refusal;

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The provider to use; `None` leaves the choice to the router (the key names no providers).
    pub provider: Option<String>,
    /// The model, without a provider prefix.
    pub model: String,
    /// The other allowed providers, heaviest first, to fall back on.
    pub fallbacks: Vec<String>,
}

/// True when `allowed` lets `model` through `provider` (`*`, the bare model, or `provider/model`).
pub fn allows(allowed: &[String], provider: Option<&str>, model: &str) -> bool {
    allowed.iter().any(|a| {
        a == "*"
            || a == model
            || provider.is_some_and(|p| {
                a.strip_prefix(p)
                    .and_then(|rest| rest.strip_prefix('/'))
                    .is_some_and(|m| m == model)
            })
    })
}

/// Picks an index with probability proportional to its weight; all-zero weights pick
/// uniformly. `None` only for an empty list.
pub fn choose(weights: &[f64], rng: &mut impl Rng) -> Option<usize> {
    if weights.is_empty() {
        return None;
    }
    let total: f64 = weights.iter().filter(|w| w.is_finite() && **w > 0.0).sum();
    if total <= 0.0 {
        return Some(rng.gen_range(0..weights.len()));
    }
    let mut point = rng.gen::<f64>() * total;
    let mut last = 0;
    for (i, w) in weights.iter().enumerate() {
        if !(w.is_finite() && *w > 0.0) {
            continue;
        }
        last = i;
        if point < *w {
            return Some(i);
        }
        point -= w;
    }
    // Rounding can leave `point` a hair above the last weight: that is the last one.
    Some(last)
}

/// Checks `requested` (`model` or `provider/model`) against the key and picks a provider.
/// `provider/model` bypasses the weighting but not the allow lists.
pub fn route(key: &VirtualKey, requested: &str, rng: &mut impl Rng) -> Result<Route, Refusal> {
    let (provider, model) = match requested.split_once('/') {
        Some((p, m)) if !p.is_empty() && !m.is_empty() => (Some(p), m),
        _ => (None, requested),
    };
    if !allows(&key.allowed_models, provider, model) {
        return Err(Refusal::model_blocked(
            &key.name,
            requested,
            &key.allowed_models,
        ));
    }
    if key.provider_configs.is_empty() {
        return Ok(Route {
            provider: provider.map(str::to_string),
            model: model.to_string(),
            fallbacks: Vec::new(),
        });
    }
    let names: Vec<String> = key
        .provider_configs
        .iter()
        .map(|pc| pc.provider.clone())
        .collect();
    if let Some(p) = provider {
        let Some(pc) = key.provider_configs.iter().find(|pc| pc.provider == p) else {
            return Err(Refusal::provider_blocked(&key.name, p, &names));
        };
        if !allows(&pc.allowed_models, Some(p), model) {
            return Err(Refusal::model_blocked(
                &key.name,
                requested,
                &pc.allowed_models,
            ));
        }
        return Ok(Route {
            provider: Some(p.to_string()),
            model: model.to_string(),
            fallbacks: Vec::new(),
        });
    }
    let mut candidates: Vec<_> = key
        .provider_configs
        .iter()
        .filter(|pc| allows(&pc.allowed_models, Some(&pc.provider), model))
        .collect();
    let weights: Vec<f64> = candidates.iter().map(|pc| pc.weight).collect();
    let Some(pick) = choose(&weights, rng) else {
        let listed: Vec<String> = key
            .provider_configs
            .iter()
            .map(|pc| format!("{}: {}", pc.provider, pc.allowed_models.join(" ")))
            .collect();
        return Err(Refusal::model_blocked(&key.name, requested, &listed));
    };
    let chosen = candidates.remove(pick);
    candidates.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    Ok(Route {
        provider: Some(chosen.provider.clone()),
        model: model.to_string(),
        fallbacks: candidates.iter().map(|pc| pc.provider.clone()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    fn key(json: &str) -> VirtualKey {
        serde_json::from_str(json).unwrap()
    }

    fn reference_key() -> VirtualKey {
        key(r#"{"name":"app","provider_configs":[
            {"provider":"azure","weight":0.8,"allowed_models":["gpt-4o"]},
            {"provider":"openai","weight":0.2,"allowed_models":["gpt-4o","gpt-4o-mini"]}]}"#)
    }

    #[test]
    fn bare_models_split_by_weight() {
        let vk = reference_key();
        let mut rng = StdRng::seed_from_u64(7);
        let azure = (0..10_000)
            .filter(|_| {
                route(&vk, "gpt-4o", &mut rng).unwrap().provider.as_deref() == Some("azure")
            })
            .count();
        assert!((7_700..8_300).contains(&azure), "{azure}");
        let r = route(&vk, "gpt-4o", &mut rng).unwrap();
        assert_eq!(r.fallbacks.len(), 1);
    }

    #[test]
    fn a_model_one_provider_lists_goes_there_always() {
        let vk = reference_key();
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..1000 {
            let r = route(&vk, "gpt-4o-mini", &mut rng).unwrap();
            assert_eq!(r.provider.as_deref(), Some("openai"));
            assert!(r.fallbacks.is_empty());
        }
    }

    #[test]
    fn provider_prefixed_models_bypass_weights_not_allow_lists() {
        let vk = reference_key();
        let mut rng = StdRng::seed_from_u64(1);
        assert_eq!(
            route(&vk, "azure/gpt-4o", &mut rng)
                .unwrap()
                .provider
                .as_deref(),
            Some("azure")
        );
        let r = route(&vk, "azure/gpt-4o-mini", &mut rng).unwrap_err();
        assert_eq!((r.status, r.kind), (403, "model_blocked"));
        let r = route(&vk, "anthropic/claude", &mut rng).unwrap_err();
        assert_eq!(r.kind, "provider_blocked");
        assert!(
            r.message.contains("it allows: azure, openai"),
            "{}",
            r.message
        );
        let r = route(&vk, "o3", &mut rng).unwrap_err();
        assert!(
            r.message
                .contains("azure: gpt-4o, openai: gpt-4o gpt-4o-mini"),
            "{}",
            r.message
        );
    }

    #[test]
    fn the_key_allow_list_comes_first() {
        let vk = key(r#"{"name":"k","allowed_models":["gpt-4o-mini","anthropic/claude-3"]}"#);
        let mut rng = StdRng::seed_from_u64(1);
        assert!(route(&vk, "gpt-4o-mini", &mut rng).is_ok());
        assert!(route(&vk, "anthropic/claude-3", &mut rng).is_ok());
        let r = route(&vk, "gpt-4o", &mut rng).unwrap_err();
        assert!(
            r.message
                .contains("it allows: gpt-4o-mini, anthropic/claude-3"),
            "{}",
            r.message
        );
    }

    #[test]
    fn zero_weights_pick_uniformly() {
        let mut rng = StdRng::seed_from_u64(3);
        let ones = (0..1000)
            .filter(|_| choose(&[0.0, 0.0], &mut rng) == Some(1))
            .count();
        assert!((400..600).contains(&ones), "{ones}");
        assert_eq!(choose(&[], &mut rng), None);
        assert_eq!(choose(&[0.0, 5.0], &mut rng), Some(1));
    }
}
