//! Azure OpenAI: the OpenAI wire format at a per-key resource endpoint, one deployment
//! per model, `api-version` in the query and the key in an `api-key` header. The
//! requests and answers are OpenAI's, so the [`OpenAi`](super::openai::OpenAi) adapter
//! serves Azure too; this file only says where a call goes and how it authenticates.
//! Reference: <https://learn.microsoft.com/azure/ai-services/openai/reference>.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};

use super::forward::{Endpoint, Forward, JsonBody};
use super::{path, Call, ProviderError};
use crate::config::AzureKeyConfig;

/// The data-plane GA version used when a key sets no `api_version`.
pub const DEFAULT_API_VERSION: &str = "2024-10-21";

/// The key's Azure settings; config validation requires them, so their absence means a
/// key was stored by an older bifrost. Another key may be fine, hence a failover error.
fn settings(call: &Call) -> Result<&AzureKeyConfig, ProviderError> {
    call.key
        .as_deref()
        .and_then(|k| k.azure_key_config.as_ref())
        .ok_or_else(|| {
            ProviderError::Connect(
                "the key has no azure_key_config; add one with the resource endpoint (e.g. azure_key_config = { endpoint = \"https://NAME.openai.azure.com\" })".to_string(),
            )
        })
}

/// The deployment serving the call's model: the key's mapping, else the model id.
fn deployment<'a>(settings: &'a AzureKeyConfig, call: &'a Call) -> &'a str {
    settings
        .deployments
        .get(&*call.model)
        .map(String::as_str)
        .unwrap_or(&call.model)
}

/// The URL of an operation such as `/chat/completions` for this call's deployment.
pub(super) fn url(call: &Call, operation: &str) -> Result<String, ProviderError> {
    let settings = settings(call)?;
    let endpoint = settings.endpoint.resolve()?;
    let version = match &settings.api_version {
        Some(v) => v.resolve()?,
        None => DEFAULT_API_VERSION.to_string(),
    };
    deployment_url(&endpoint, deployment(settings, call), operation, &version)
}

/// `{endpoint}/openai/deployments/{deployment}{operation}?api-version={version}`. The
/// deployment is the client's model id unless the key maps it, so it is one escaped
/// path segment or refused (see [`path::segment`]); `operation` is the adapter's own.
pub(super) fn deployment_url(
    endpoint: &str,
    deployment: &str,
    operation: &str,
    version: &str,
) -> Result<String, ProviderError> {
    Ok(format!(
        "{}/openai/deployments/{}{operation}?api-version={}",
        endpoint.trim_end_matches('/'),
        path::segment(deployment)?,
        path::escape(version)
    ))
}

/// Where a forwarded endpoint goes on Azure, and the body to send there. Responses
/// lives on Azure's OpenAI-style `v1` surface, which names the deployment in the body's
/// `model` instead of the URL and takes no dated `api-version`.
pub(super) fn forward_target(call: &Call, req: &Forward) -> Result<(String, Bytes), ProviderError> {
    match req.endpoint {
        Endpoint::Responses => {
            let settings = settings(call)?;
            let endpoint = settings.endpoint.resolve()?;
            let mut body: JsonBody = serde_json::from_slice(&req.body).map_err(|e| {
                ProviderError::InvalidResponse(format!("cannot re-read the request body: {e}"))
            })?;
            body.set_str("model", deployment(settings, call))?;
            let url = format!("{}/openai/v1/responses", endpoint.trim_end_matches('/'));
            Ok((url, body.to_bytes()?))
        }
        Endpoint::Moderations => Err(ProviderError::Unsupported(
            "Azure OpenAI does not offer /v1/moderations (it filters content on every deployment); route moderations to an openai provider".to_string(),
        )),
        other => Ok((url(call, &format!("/{}", other.path()))?, req.body.clone())),
    }
}

/// `api-key: <key>`, or `Authorization: Bearer <token>` for Entra ID tokens.
pub(super) fn headers(call: &Call) -> HeaderMap {
    let mut h = HeaderMap::new();
    let bearer = call
        .key
        .as_deref()
        .and_then(|k| k.azure_key_config.as_ref())
        .is_some_and(|a| a.use_bearer);
    if let Some(key) = &call.api_key {
        let (name, value) = if bearer {
            (
                http::header::AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {key}")),
            )
        } else {
            (
                HeaderName::from_static("api-key"),
                HeaderValue::from_str(key),
            )
        };
        if let Ok(mut v) = value {
            v.set_sensitive(true);
            h.insert(name, v);
        }
    }
    call.insert_request_id(&mut h);
    h
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::config::{KeyConfig, SecretValue, Setting};

    fn call(model: &str, azure: AzureKeyConfig) -> Call {
        Call {
            model: Arc::from(model),
            api_key: Some("az-key".into()),
            key: Some(Arc::new(KeyConfig {
                azure_key_config: Some(azure),
                ..KeyConfig::new("k", SecretValue::parse("az-key"))
            })),
            request_id: Arc::from("req-1"),
            traceparent: None,
        }
    }

    fn azure() -> AzureKeyConfig {
        AzureKeyConfig {
            endpoint: Setting::parse("https://res.openai.azure.com/"),
            deployments: [("gpt-4o".to_string(), "prod-4o".to_string())].into(),
            api_version: None,
            use_bearer: false,
        }
    }

    #[test]
    fn deployments_and_the_default_version_shape_the_url() {
        assert_eq!(
            url(&call("gpt-4o", azure()), "/chat/completions").unwrap(),
            "https://res.openai.azure.com/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21"
        );
        let mut a = azure();
        a.api_version = Some(Setting::parse("2025-01-01-preview"));
        assert_eq!(
            url(&call("org/m x", a), "/embeddings").unwrap(),
            "https://res.openai.azure.com/openai/deployments/org%2Fm%20x/embeddings?api-version=2025-01-01-preview"
        );
    }

    #[test]
    fn a_deployment_that_would_leave_its_path_is_refused() {
        for model in ["..", "../../openai/v1/files", "x/./y"] {
            let e = url(&call(model, azure()), "/chat/completions").unwrap_err();
            assert!(matches!(e, ProviderError::Unsupported(_)), "{model}: {e:?}");
        }
    }

    #[test]
    fn the_key_goes_in_api_key_or_bearer() {
        let h = headers(&call("m", azure()));
        assert_eq!(h["api-key"], "az-key");
        assert!(h.get("authorization").is_none());
        let mut a = azure();
        a.use_bearer = true;
        let h = headers(&call("m", a));
        assert_eq!(h["authorization"], "Bearer az-key");
        assert!(h.get("api-key").is_none());
    }
}
