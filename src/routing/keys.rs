//! Weighted random key order: the first key is drawn by weight among those allowed for
//! the model, the next from the rest, and so on, so failover tries every eligible key
//! once in an order that still honours the weights.

use rand::Rng;

use crate::config::KeyConfig;

/// Indices of the keys allowed for `model`, in the order to try them.
pub fn order(keys: &[KeyConfig], model: &str, rng: &mut impl Rng) -> Vec<usize> {
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
        let total: f64 = pool.iter().map(|&i| keys[i].weight.max(0.0)).sum();
        let pick = if total > 0.0 {
            let mut r = rng.gen_range(0.0..total);
            pool.iter()
                .position(|&i| {
                    r -= keys[i].weight.max(0.0);
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

    #[test]
    fn every_eligible_key_appears_once() {
        let keys = [
            key("a", 1.0, &[]),
            key("b", 0.0, &[]),
            key("c", 1.0, &["other"]),
        ];
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut o = order(&keys, "m", &mut rng);
        o.sort();
        assert_eq!(o, [0, 1]);
    }

    #[test]
    fn weights_shape_the_first_choice() {
        let keys = [key("heavy", 9.0, &[]), key("light", 1.0, &[])];
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let heavy = (0..10_000)
            .filter(|_| order(&keys, "m", &mut rng)[0] == 0)
            .count();
        assert!((8_500..9_500).contains(&heavy), "{heavy}");
    }
}
