//! Management on a store this process holds (the server, or the CLI when no server runs).

use std::sync::Arc;

use async_trait::async_trait;

use super::{AdminError, Management, ProviderDoc};
use crate::config::limits::{self, check_count};
use crate::config::{validate_provider_name, ProviderConfig};
use crate::store::{Origin, Store};

/// Called with every provider (in order) after each change, so a server can publish
/// a new routing snapshot.
pub type Publisher = Arc<dyn Fn(Vec<(String, ProviderConfig)>) + Send + Sync>;

/// Management over an open store.
#[derive(Clone)]
pub struct LocalAdmin {
    store: Arc<Store>,
    publish: Option<Publisher>,
}

impl LocalAdmin {
    /// Manages `store`; `publish` (if any) hears about every change.
    pub fn new(store: Arc<Store>, publish: Option<Publisher>) -> Self {
        LocalAdmin { store, publish }
    }

    /// The store.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, AdminError> + Send + 'static,
    ) -> Result<T, AdminError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| AdminError::Unreachable(format!("store task failed: {e}")))?
    }

    /// Reads every provider and hands them to the publisher.
    pub async fn republish(&self) -> Result<(), AdminError> {
        let Some(publish) = self.publish.clone() else {
            return Ok(());
        };
        let all = self
            .blocking(|s| Ok(s.providers()?))
            .await?
            .into_iter()
            .map(|(name, p)| (name, p.config))
            .collect();
        publish(all);
        Ok(())
    }

    async fn write(&self, doc: ProviderDoc, create: bool) -> Result<ProviderDoc, AdminError> {
        let name = doc.provider.clone();
        let mut problems = Vec::new();
        if let Err(e) = validate_provider_name(&name) {
            problems.push(e);
        }
        let doc_config = doc.to_config();
        let stored = self
            .blocking(move |s| {
                let existing = s.provider(&name)?;
                match (&existing, create) {
                    (Some(_), true) => return Err(AdminError::AlreadyExists(name)),
                    (None, false) => return Err(AdminError::NotFound(name)),
                    (None, true) => {
                        // One more than the bound allows is refused, so count with it.
                        let count = s.providers()?.len() + 1;
                        if let Err(e) = check_count("providers", count, limits::MAX_PROVIDERS) {
                            problems.push(e.to_string());
                        }
                    }
                    _ => {}
                }
                let mut config = doc_config;
                if let Some(old) = &existing {
                    keep_masked_secrets(&mut config, &old.config);
                }
                problems.extend(config.problems());
                if !problems.is_empty() {
                    return Err(AdminError::Invalid(problems));
                }
                let origin = existing.map_or(Origin::Api, |e| e.origin);
                let stored = s.put_provider(&name, &config, origin)?;
                Ok((name, stored))
            })
            .await?;
        self.republish().await?;
        let (name, stored) = stored;
        Ok(ProviderDoc::from_config(
            &name,
            &stored.config,
            stored.origin,
            false,
        ))
    }
}

/// A key sent back exactly as it was shown (masked) keeps its stored value.
fn keep_masked_secrets(new: &mut ProviderConfig, old: &ProviderConfig) {
    for key in &mut new.keys {
        let Some(prev) = old.keys.iter().find(|k| k.name == key.name) else {
            continue;
        };
        let mut prev = prev.clone();
        let stored = prev.secrets_mut();
        for (path, value) in key.secrets_mut() {
            if let Some((_, kept)) = stored.iter().find(|(p, _)| *p == path) {
                if kept.is_masked_form(&value.expose()) {
                    *value = (**kept).clone();
                }
            }
        }
    }
}

#[async_trait]
impl Management for LocalAdmin {
    async fn list_providers(&self, secrets: bool) -> Result<Vec<ProviderDoc>, AdminError> {
        self.blocking(move |s| {
            Ok(s.providers()?
                .into_iter()
                .map(|(name, p)| ProviderDoc::from_config(&name, &p.config, p.origin, secrets))
                .collect())
        })
        .await
    }

    async fn get_provider(&self, name: &str, secrets: bool) -> Result<ProviderDoc, AdminError> {
        let name = name.to_string();
        self.blocking(move |s| match s.provider(&name)? {
            Some(p) => Ok(ProviderDoc::from_config(
                &name, &p.config, p.origin, secrets,
            )),
            None => Err(AdminError::NotFound(name)),
        })
        .await
    }

    async fn create_provider(&self, doc: ProviderDoc) -> Result<ProviderDoc, AdminError> {
        self.write(doc, true).await
    }

    async fn update_provider(&self, doc: ProviderDoc) -> Result<ProviderDoc, AdminError> {
        self.write(doc, false).await
    }

    async fn delete_provider(&self, name: &str) -> Result<(), AdminError> {
        let name = name.to_string();
        self.blocking(move |s| match s.delete_provider(&name) {
            Ok(true) => Ok(()),
            Ok(false) => Err(AdminError::NotFound(name)),
            Err(e) => Err(AdminError::Store(e)),
        })
        .await?;
        self.republish().await
    }
}
