//! Argon2id password hashing for the admin login, with the `argon2` crate's defaults
//! (m = 19 MiB, t = 2, p = 1: OWASP's recommended minimum). Stored as a PHC string, so
//! the parameters travel with the hash and can be raised later without a migration.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 8;
/// Longest password accepted: Argon2 takes any length, a request body should not.
pub const MAX_PASSWORD_LEN: usize = 1024;

/// What is wrong with a proposed username or password (never echoing the password).
pub fn problems(username: &str, password: &str) -> Vec<String> {
    let mut out = Vec::new();
    if username.is_empty() || username.len() > 64 {
        out.push("username: must be 1 to 64 characters".to_string());
    }
    if username.contains(':') || username.chars().any(char::is_control) {
        out.push("username: must not contain `:` or control characters (Basic auth splits on the first `:`)".to_string());
    }
    let n = password.chars().count();
    if n < MIN_PASSWORD_LEN {
        out.push(format!(
            "password: must be at least {MIN_PASSWORD_LEN} characters (got {n})"
        ));
    }
    if password.len() > MAX_PASSWORD_LEN {
        out.push(format!(
            "password: must be at most {MAX_PASSWORD_LEN} bytes"
        ));
    }
    out
}

/// The PHC string of `password` with a fresh random salt. Slow by design: call it on
/// the blocking pool.
pub fn hash(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

/// Whether `password` matches the PHC string `phc` (constant-time inside `argon2`).
/// A malformed stored hash matches nothing. Slow by design: call it on the blocking pool.
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("correct horse").unwrap();
        let b = hash("correct horse").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "a fresh salt each time");
        assert!(verify("correct horse", &a));
        assert!(!verify("correct horsf", &a));
        assert!(!verify("correct horse", "not a phc string"));
    }

    #[test]
    fn problems_name_the_field_and_never_the_password() {
        let p = problems("a:b", "short");
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("username:"));
        assert!(p[1].starts_with("password:") && !p[1].contains("short"));
        assert!(problems("admin", "long enough").is_empty());
    }
}
