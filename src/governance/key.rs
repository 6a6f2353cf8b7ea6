//! Virtual key values: generated from the OS's random source, shown once, stored only
//! as a SHA-256 digest.
//!
//! A plain SHA-256 (no salt, no slow KDF) is enough because the values are 256 bits of
//! randomness, not passwords: no dictionary covers them, and a fast digest lets the
//! request path find a key by its digest in one map lookup.

use std::fmt;

use rand::distributions::Alphanumeric;
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Every virtual key starts with this, so SDK key headers can tell a VK from a provider key.
pub const PREFIX: &str = "sk-bf-";

/// Random base62 characters after the prefix: 43 x log2(62) ≈ 256 bits, i.e. 32 bytes.
const RANDOM_CHARS: usize = 43;

/// A fresh key value, `sk-bf-` + 43 base62 characters from the OS random source.
pub fn generate() -> String {
    let mut out = String::with_capacity(PREFIX.len() + RANDOM_CHARS);
    out.push_str(PREFIX);
    out.extend(
        rand::rngs::OsRng
            .sample_iter(Alphanumeric)
            .take(RANDOM_CHARS)
            .map(char::from),
    );
    out
}

/// The SHA-256 of a key value: what the store keeps and what lookups use.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyHash([u8; 32]);

impl KeyHash {
    /// The digest of `value`.
    pub fn of(value: &str) -> KeyHash {
        KeyHash(Sha256::digest(value.as_bytes()).into())
    }

    /// From the hex form kept in the store; `None` if it is not 64 hex digits.
    pub fn from_hex(hex: &str) -> Option<KeyHash> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex, &mut out).ok()?;
        Some(KeyHash(out))
    }

    /// The hex form kept in the store.
    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }

    /// Constant-time equality, for any place a presented key is compared.
    pub fn matches(&self, other: &KeyHash) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl fmt::Debug for KeyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyHash({}…)", &self.to_hex()[..8])
    }
}

/// The first and last four characters of a presented value (never more), for
/// messages and lists: `sk-b…Xy9Z`. Short values show only their length.
pub fn hint(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 16 {
        return format!("({} characters)", chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_prefixed_long_and_distinct() {
        let a = generate();
        let b = generate();
        assert!(a.starts_with(PREFIX));
        assert_eq!(a.len(), PREFIX.len() + RANDOM_CHARS);
        assert!(a[PREFIX.len()..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }

    #[test]
    fn hashes_round_trip_through_hex_and_compare() {
        let h = KeyHash::of("sk-bf-abc");
        let back = KeyHash::from_hex(&h.to_hex()).unwrap();
        assert!(h.matches(&back));
        assert!(!h.matches(&KeyHash::of("sk-bf-abd")));
        assert!(KeyHash::from_hex("zz").is_none());
        // The digest of the value, not the value: a known SHA-256 vector.
        assert_eq!(
            KeyHash::of("abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hints_show_at_most_eight_characters() {
        assert_eq!(hint("sk-bf-0123456789abcdefXYZW"), "sk-b…XYZW");
        assert_eq!(hint("short"), "(5 characters)");
    }
}
