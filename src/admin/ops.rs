//! Compound operations built on [`Management`], so the CLI needs no server-side twin.

use super::{AdminError, Management, ProviderDoc};
use crate::config::{quote, shorten, KeyConfig};

/// Adds a key to a provider; fails if the key name is taken.
pub async fn add_key(
    admin: &dyn Management,
    provider: &str,
    key: KeyConfig,
) -> Result<ProviderDoc, AdminError> {
    let mut doc = admin.get_provider(provider, false).await?;
    if doc.keys.iter().any(|k| k.name == key.name) {
        return Err(AdminError::Invalid(vec![format!(
            "provider {} already has a key named {}; remove it first or pick another --name",
            quote(provider),
            quote(&key.name)
        )]));
    }
    doc.keys.push(key);
    admin.update_provider(doc).await
}

/// Removes a key from a provider by name.
pub async fn remove_key(
    admin: &dyn Management,
    provider: &str,
    key_name: &str,
) -> Result<ProviderDoc, AdminError> {
    let mut doc = admin.get_provider(provider, false).await?;
    let before = doc.keys.len();
    doc.keys.retain(|k| k.name != key_name);
    if doc.keys.len() == before {
        let names: Vec<_> = doc.keys.iter().map(|k| shorten(&k.name)).collect();
        return Err(AdminError::Invalid(vec![format!(
            "provider {} has no key named {} (keys: {})",
            quote(provider),
            quote(key_name),
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        )]));
    }
    admin.update_provider(doc).await
}
