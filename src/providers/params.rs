//! The refusal of OpenAI parameters an upstream has no equivalent for, shared by the
//! translating adapters so "neutral value passes" means the same everywhere.

use serde_json::{Map, Value};

use super::ProviderError;

/// A parameter an upstream cannot express, with its neutral value as JSON text
/// (`None`: any non-null value is refused).
pub type Unsupported = (&'static str, Option<&'static str>);

/// Refuses the first parameter of `table` that `x` sets to anything but null or its
/// neutral value; neutral values pass because SDKs and frameworks send them by default
/// (numbers compare by value, so `1.0` is `1`). `unsupported` words the refusal in the
/// adapter's own terms.
pub fn refuse_unsupported(
    x: &Map<String, Value>,
    table: &[Unsupported],
    unsupported: fn(&str) -> ProviderError,
) -> Result<(), ProviderError> {
    for (name, neutral) in table {
        let Some(v) = x.get(*name).filter(|v| !v.is_null()) else {
            continue;
        };
        let is_neutral = neutral
            .and_then(|n| serde_json::from_str::<Value>(n).ok())
            .is_some_and(|n| n == *v || (v.is_number() && n.as_f64() == v.as_f64()));
        if !is_neutral {
            return Err(unsupported(name));
        }
    }
    Ok(())
}
