//! Where a Vertex AI call goes: the endpoint follows each key's region (there is no
//! single base URL), the model goes through the key's `deployments`, and the model's
//! publisher picks the wire format.

use crate::config::KeyConfig;
use crate::providers::{path, ProviderError};

/// Anthropic's API version for Messages bodies sent through Vertex AI.
pub const ANTHROPIC_VERSION: &str = "vertex-2023-10-16";

/// Who publishes a model on Vertex AI, which decides the request format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publisher {
    /// Claude models: Anthropic's Messages format via `rawPredict`.
    Anthropic,
    /// Gemini and other Google models: `generateContent`.
    Google,
}

impl Publisher {
    /// The publisher for a Vertex model id.
    pub fn of(model: &str) -> Publisher {
        if model.starts_with("claude") {
            Publisher::Anthropic
        } else {
            Publisher::Google
        }
    }

    fn path(self) -> &'static str {
        match self {
            Publisher::Anthropic => "anthropic",
            Publisher::Google => "google",
        }
    }
}

/// One call's resolved endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `https://{region}-aiplatform.googleapis.com/v1`, or the configured override.
    pub base: String,
    /// Google Cloud project id.
    pub project: String,
    /// Region (`global` included).
    pub region: String,
    /// The model id as Vertex knows it.
    pub model: String,
    /// Its publisher.
    pub publisher: Publisher,
}

/// The API base for `region`; `global` has no regional host.
pub fn base_url(region: &str, configured: Option<&str>) -> String {
    match configured {
        Some(url) => url.trim_end_matches('/').to_string(),
        None if region == "global" => "https://aiplatform.googleapis.com/v1".to_string(),
        None => format!("https://{region}-aiplatform.googleapis.com/v1"),
    }
}

fn key_error(detail: String) -> ProviderError {
    ProviderError::Key(crate::config::SecretError::Unusable(detail))
}

impl Target {
    /// Resolves the endpoint for `model` with `key` (its `env.` settings read now).
    pub fn resolve(
        configured_base: Option<&str>,
        key: Option<&KeyConfig>,
        model: &str,
    ) -> Result<Target, ProviderError> {
        let key = key.ok_or_else(|| {
            key_error("a vertex provider needs keys with vertex_key_config".to_string())
        })?;
        let vertex = key.vertex_key_config.as_ref().ok_or_else(|| {
            key_error(format!(
                "vertex key `{}` has no vertex_key_config (project_id, region, auth_credentials)",
                key.name
            ))
        })?;
        let project = vertex.project_id.resolve()?;
        let region = vertex.region.resolve()?;
        for (field, value) in [("project_id", &project), ("region", &region)] {
            // They become URL path segments (and, for the region, part of the host).
            // Domain-scoped project ids (`example.com:proj`) keep their `.` and `:`.
            let ok = !value.is_empty()
                && !value.starts_with('.')
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c));
            if !ok {
                return Err(key_error(format!(
                    "vertex key `{}`: vertex_key_config.{field} `{value}` is not a valid {field}",
                    key.name
                )));
            }
        }
        let model = vertex.deployments.get(model).map_or(model, String::as_str);
        Ok(Target {
            base: base_url(&region, configured_base),
            publisher: Publisher::of(model),
            model: model.to_string(),
            project,
            region,
        })
    }

    /// The URL of `method` (`rawPredict`, `streamRawPredict`, `generateContent`, ...).
    /// The model, which the client chose, is one escaped path segment or refused (see
    /// [`path::segment`]); project and region were checked by [`Target::resolve`].
    pub fn url(&self, method: &str) -> Result<String, ProviderError> {
        Ok(format!(
            "{}/projects/{}/locations/{}/publishers/{}/models/{}:{method}",
            self.base,
            self.project,
            self.region,
            self.publisher.path(),
            path::segment(&self.model)?
        ))
    }
}
