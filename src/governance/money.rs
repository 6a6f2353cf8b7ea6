//! Money as whole nano-dollars: sums of thousands of tiny per-token costs stay exact,
//! and counters compare without float rounding deciding who gets admitted.

use std::fmt;
use std::ops::{Add, AddAssign};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const NANOS_PER_DOLLAR: f64 = 1e9;

/// An amount in US dollars, held as nano-dollars (10^-9 USD; the largest is ~$18 billion).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Usd(u64);

impl Usd {
    /// Nothing.
    pub const ZERO: Usd = Usd(0);

    /// From nano-dollars.
    pub const fn from_nanos(nanos: u64) -> Usd {
        Usd(nanos)
    }

    /// In nano-dollars.
    pub const fn nanos(self) -> u64 {
        self.0
    }

    /// From dollars; `None` for negative, NaN or infinite amounts.
    pub fn from_dollars(dollars: f64) -> Option<Usd> {
        if !dollars.is_finite() || dollars < 0.0 {
            return None;
        }
        // `as` saturates at u64::MAX for amounts beyond it, which no budget reaches.
        Some(Usd((dollars * NANOS_PER_DOLLAR).round() as u64))
    }

    /// In dollars, for display and JSON.
    pub fn dollars(self) -> f64 {
        self.0 as f64 / NANOS_PER_DOLLAR
    }

    /// `self - other`, or zero.
    pub fn saturating_sub(self, other: Usd) -> Usd {
        Usd(self.0.saturating_sub(other.0))
    }
}

impl Add for Usd {
    type Output = Usd;
    fn add(self, rhs: Usd) -> Usd {
        Usd(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Usd {
    fn add_assign(&mut self, rhs: Usd) {
        *self = *self + rhs;
    }
}

impl fmt::Display for Usd {
    /// `$12.50`, or more decimals for sub-cent amounts (`$0.000125`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.dollars();
        if self.0 == 0 || d >= 0.01 {
            write!(f, "${d:.2}")
        } else {
            let text = format!("{d:.9}");
            write!(f, "${}", text.trim_end_matches('0'))
        }
    }
}

impl Serialize for Usd {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.dollars())
    }
}

impl<'de> Deserialize<'de> for Usd {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        Usd::from_dollars(v).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{v} is not an amount in USD; use a number of 0 or more, e.g. 50"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Usd;

    #[test]
    fn dollars_round_trip_and_print() {
        let five = Usd::from_dollars(5.0).unwrap();
        assert_eq!(five.nanos(), 5_000_000_000);
        assert_eq!(five.to_string(), "$5.00");
        assert_eq!(
            Usd::from_dollars(0.000125).unwrap().to_string(),
            "$0.000125"
        );
        assert_eq!(Usd::ZERO.to_string(), "$0.00");
        assert!(Usd::from_dollars(-1.0).is_none());
        assert!(Usd::from_dollars(f64::NAN).is_none());
    }
}
