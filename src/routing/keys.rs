//! Weighted random key order: the first key is drawn by weight among those allowed for
//! the model, the next from the rest, and so on, so failover tries every eligible key
//! once in an order that still honours the weights. The weights are the effective ones
//! (configured, scaled by health when adaptive balancing is on).

use rand::Rng;

use crate::config::KeyConfig;

/// Indices of the keys allowed for `model`, in the order to try them; `weights[i]` is
/// key `i`'s weight.
pub fn order(keys: &[KeyConfig], weights: &[f64], model: &str, rng: &mut impl Rng) -> Vec<usize> {
    let weight = |i: usize| weights.get(i).copied().unwrap_or(0.0).max(0.0);
    if let [only] = keys {
        return if only.allows(model) {
            vec![0]
        } else {
            Vec::new()
        };
    }
    let mut pool: Vec<usize> = (0..keys.len()).filter(|&i| keys[i].allows(model)).collect();
    let mut out = Vec::with_capacity(pool.len());
    while !pool.is_empty() {
        let total: f64 = pool.iter().map(|&i| weight(i)).sum();
        let pick = if total > 0.0 {
            let mut r = rng.gen_range(0.0..total);
            pool.iter()
                .position(|&i| {
                    r -= weight(i);
                    r < 0.0
                })
                .unwrap_or(pool.len() - 1)
        } else {
            // Every remaining weight is zero: fall back to a uniform draw.
            rng.gen_range(0..pool.len())
        };
        out.push(pool.swap_remove(pick));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SecretValue;
    use rand::SeedableRng;

    fn key(name: &str, weight: f64, models: &[&str]) -> KeyConfig {
        KeyConfig {
            models: models.iter().map(|m| m.to_string()).collect(),
            weight,
            ..KeyConfig::new(name, SecretValue::parse("v"))
        }
    }

    fn weights(keys: &[KeyConfig]) -> Vec<f64> {
        keys.iter().map(|k| k.weight).collect()
    }

    #[test]
    fn every_eligible_key_appears_once() {
        let keys = [
            key("a", 1.0, &[]),
            key("b", 0.0, &[]),
            key("c", 1.0, &["other"]),
        ];
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut o = order(&keys, &weights(&keys), "m", &mut rng);
        o.sort();
        assert_eq!(o, [0, 1]);
    }

    #[test]
    fn weights_shape_the_first_choice() {
        let keys = [key("heavy", 9.0, &[]), key("light", 1.0, &[])];
        let w = weights(&keys);
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let heavy = (0..10_000)
            .filter(|_| order(&keys, &w, "m", &mut rng)[0] == 0)
            .count();
        assert!((8_500..9_500).contains(&heavy), "{heavy}");
    }

    /// Three keys weighted 5:3:2 over 10,000 first picks with a fixed seed: each
    /// key's share is within 1.5 percentage points of its weight (the binomial
    /// standard deviation at n = 10,000 is at most 0.5 points, so this is 3 sigma).
    #[test]
    fn first_picks_match_the_weights_within_one_and_a_half_points() {
        let keys = [key("a", 5.0, &[]), key("b", 3.0, &[]), key("c", 2.0, &[])];
        let w = weights(&keys);
        let mut rng = rand::rngs::StdRng::seed_from_u64(42);
        let mut counts = [0u32; 3];
        for _ in 0..10_000 {
            counts[order(&keys, &w, "m", &mut rng)[0]] += 1;
        }
        for (i, expected) in [0.5, 0.3, 0.2].into_iter().enumerate() {
            let share = f64::from(counts[i]) / 10_000.0;
            assert!(
                (share - expected).abs() < 0.015,
                "key {i}: {share} vs {expected} ({counts:?})"
            );
        }
    }
}
