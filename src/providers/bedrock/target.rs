//! How a call's key becomes an endpoint, credentials and a Bedrock model id: AWS
//! credentials and region from `bedrock_key_config` (resolving `env.` references at
//! use), or the key's value as a Bedrock API key; `deployments` maps model names.

use std::collections::BTreeMap;

use super::sign::AwsCredentials;
use super::Bedrock;
use crate::config::{SecretError, SecretValue};
use crate::providers::{Call, ProviderError};

/// How one call authenticates.
pub(super) enum Auth {
    /// SigV4 with these credentials, in this region.
    SigV4 {
        creds: AwsCredentials,
        region: String,
    },
    /// A Bedrock API key, sent as a bearer token.
    Bearer(String),
}

/// Where one call goes and how it authenticates.
pub(super) struct Target {
    pub(super) endpoint: String,
    pub(super) auth: Auth,
    pub(super) model_id: String,
}

pub(super) fn unusable(message: String) -> ProviderError {
    ProviderError::Key(SecretError::Unusable(message))
}

/// Regions end up in a host name, so only what AWS region names contain is allowed.
fn valid_region(region: &str) -> bool {
    !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Bedrock {
    /// Resolves the call's key into an endpoint, credentials and the Bedrock model id.
    pub(super) fn target(&self, call: &Call) -> Result<Target, ProviderError> {
        let key = call.key.as_deref();
        let name = key.map_or("(none)", |k| k.name.as_str());
        let config = key.and_then(|k| k.bedrock_key_config.as_ref());
        let (auth, deployments): (Auth, Option<&BTreeMap<String, String>>) = match config {
            Some(b) => {
                let field = |f: &str, v: &SecretValue| -> Result<String, ProviderError> {
                    let s = v.resolve().map_err(|e| {
                        unusable(format!("bedrock key `{name}`: bedrock_key_config.{f}: {e}"))
                    })?;
                    if s.is_empty() {
                        return Err(unusable(format!(
                            "bedrock key `{name}` has an empty bedrock_key_config.{f}; set it"
                        )));
                    }
                    Ok(s)
                };
                let creds = AwsCredentials {
                    access_key: field("access_key", &b.access_key)?,
                    secret_key: field("secret_key", &b.secret_key)?,
                    session_token: b
                        .session_token
                        .as_ref()
                        .map(|t| field("session_token", t))
                        .transpose()?,
                };
                let region = b.region.resolve().map_err(|e| {
                    unusable(format!(
                        "bedrock key `{name}`: bedrock_key_config.region: {e}"
                    ))
                })?;
                if !valid_region(&region) {
                    return Err(unusable(format!(
                        "bedrock key `{name}`: bedrock_key_config.region `{region}` is not an \
                         AWS region name (e.g. us-east-1)"
                    )));
                }
                (Auth::SigV4 { creds, region }, Some(&b.deployments))
            }
            None => match call.api_key.as_deref().filter(|k| !k.is_empty()) {
                Some(k) => (Auth::Bearer(k.to_string()), None),
                None => {
                    return Err(unusable(format!(
                        "bedrock key `{name}` has neither AWS credentials nor an API key: add \
                         bedrock_key_config (access_key, secret_key, region) or set its value \
                         to a Bedrock API key"
                    )))
                }
            },
        };
        let endpoint = match (&self.base_url, &auth) {
            (Some(base), _) => base.clone(),
            (None, Auth::SigV4 { region, .. }) => {
                format!("https://bedrock-runtime.{region}.amazonaws.com")
            }
            (None, Auth::Bearer(_)) => {
                return Err(unusable(format!(
                    "bedrock key `{name}` is an API key, which names no region: set the \
                     provider's base_url = \"https://bedrock-runtime.REGION.amazonaws.com\""
                )))
            }
        };
        let model_id = deployments
            .and_then(|d| d.get(&*call.model))
            .cloned()
            .unwrap_or_else(|| call.model.to_string());
        Ok(Target {
            endpoint,
            auth,
            model_id,
        })
    }
}
