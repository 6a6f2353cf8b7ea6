//! Flags for the settings of keys whose provider needs more than a secret (Azure,
//! Bedrock, Vertex), shared by `provider add` and `provider key add`.

use std::path::PathBuf;

use anyhow::anyhow;
use clap::Args;

use super::Failure;
use crate::config::{
    AzureKeyConfig, BedrockKeyConfig, KeyConfig, ProviderType, SecretValue, Setting,
    VertexKeyConfig,
};

/// Examples for the provider-specific key flags, shown by `--help`.
pub const KEY_SETTINGS_HELP: &str = "\
Provider-specific key settings (secrets only as environment variables or files):
  Azure OpenAI (--azure-endpoint, --azure-deployment MODEL=DEPLOYMENT, --azure-api-version,
  --azure-bearer):
    bifrost provider add azure --key-env AZURE_API_KEY \\
      --azure-endpoint https://NAME.openai.azure.com --azure-deployment gpt-4o=my-gpt4o
  AWS Bedrock (--aws-access-key-env, --aws-secret-key-env, --aws-session-token-env,
  --aws-region, --bedrock-deployment MODEL=ID); no --key needed:
    bifrost provider add bedrock --aws-access-key-env AWS_ACCESS_KEY_ID \\
      --aws-secret-key-env AWS_SECRET_ACCESS_KEY --aws-region us-east-1
  Vertex AI (--vertex-project, --vertex-region, --vertex-credentials-env or
  --vertex-credentials-file); no --key needed:
    bifrost provider add vertex --vertex-project my-proj --vertex-region us-east5 \\
      --vertex-credentials-file service-account.json
The same flags set the settings of a key added with `bifrost provider key add`.";

/// Settings of keys whose provider needs more than a secret: Azure's endpoint and
/// deployments, Bedrock's AWS credentials, Vertex's project and service account. Secrets
/// are taken only as environment-variable names or files, never as flag values, which
/// would end up in shell history.
#[derive(Debug, Default, Args)]
pub struct KeySettingsFlags {
    /// Azure: the resource endpoint, e.g. https://NAME.openai.azure.com.
    #[arg(long, value_name = "URL", help_heading = "Azure key settings")]
    pub azure_endpoint: Option<String>,
    /// Azure: the deployment serving a model, MODEL=DEPLOYMENT (repeatable).
    #[arg(
        long,
        value_name = "MODEL=DEPLOYMENT",
        help_heading = "Azure key settings"
    )]
    pub azure_deployment: Vec<String>,
    /// Azure: the api-version query parameter (default: the adapter's).
    #[arg(long, value_name = "V", help_heading = "Azure key settings")]
    pub azure_api_version: Option<String>,
    /// Azure: send the key as `Authorization: Bearer` (an Entra ID token) instead of
    /// `api-key`.
    #[arg(long, help_heading = "Azure key settings")]
    pub azure_bearer: bool,
    /// Bedrock: environment variable holding the AWS access key id.
    #[arg(long, value_name = "VAR", help_heading = "Bedrock key settings")]
    pub aws_access_key_env: Option<String>,
    /// Bedrock: environment variable holding the AWS secret access key.
    #[arg(long, value_name = "VAR", help_heading = "Bedrock key settings")]
    pub aws_secret_key_env: Option<String>,
    /// Bedrock: environment variable holding an AWS session token (temporary
    /// credentials).
    #[arg(long, value_name = "VAR", help_heading = "Bedrock key settings")]
    pub aws_session_token_env: Option<String>,
    /// Bedrock: the AWS region, e.g. us-east-1.
    #[arg(long, value_name = "R", help_heading = "Bedrock key settings")]
    pub aws_region: Option<String>,
    /// Bedrock: the model id or inference profile serving a model, MODEL=ID (repeatable).
    #[arg(long, value_name = "MODEL=ID", help_heading = "Bedrock key settings")]
    pub bedrock_deployment: Vec<String>,
    /// Vertex: the Google Cloud project id.
    #[arg(long, value_name = "P", help_heading = "Vertex key settings")]
    pub vertex_project: Option<String>,
    /// Vertex: the region, e.g. us-east5 (or global).
    #[arg(long, value_name = "R", help_heading = "Vertex key settings")]
    pub vertex_region: Option<String>,
    /// Vertex: environment variable holding the service-account JSON, read at each use.
    #[arg(
        long,
        value_name = "VAR",
        conflicts_with = "vertex_credentials_file",
        help_heading = "Vertex key settings"
    )]
    pub vertex_credentials_env: Option<String>,
    /// Vertex: a service-account JSON file, stored (masked in all output) as the key's
    /// credentials.
    #[arg(long, value_name = "PATH", help_heading = "Vertex key settings")]
    pub vertex_credentials_file: Option<PathBuf>,
}

impl KeySettingsFlags {
    /// The flags given for each family, by their command-line names.
    fn given(&self) -> [(ProviderType, Vec<&'static str>); 3] {
        let pick = |flags: &[(&'static str, bool)]| -> Vec<&'static str> {
            flags
                .iter()
                .filter(|(_, on)| *on)
                .map(|(n, _)| *n)
                .collect()
        };
        [
            (
                ProviderType::Azure,
                pick(&[
                    ("--azure-endpoint", self.azure_endpoint.is_some()),
                    ("--azure-deployment", !self.azure_deployment.is_empty()),
                    ("--azure-api-version", self.azure_api_version.is_some()),
                    ("--azure-bearer", self.azure_bearer),
                ]),
            ),
            (
                ProviderType::Bedrock,
                pick(&[
                    ("--aws-access-key-env", self.aws_access_key_env.is_some()),
                    ("--aws-secret-key-env", self.aws_secret_key_env.is_some()),
                    (
                        "--aws-session-token-env",
                        self.aws_session_token_env.is_some(),
                    ),
                    ("--aws-region", self.aws_region.is_some()),
                    ("--bedrock-deployment", !self.bedrock_deployment.is_empty()),
                ]),
            ),
            (
                ProviderType::Vertex,
                pick(&[
                    ("--vertex-project", self.vertex_project.is_some()),
                    ("--vertex-region", self.vertex_region.is_some()),
                    (
                        "--vertex-credentials-env",
                        self.vertex_credentials_env.is_some(),
                    ),
                    (
                        "--vertex-credentials-file",
                        self.vertex_credentials_file.is_some(),
                    ),
                ]),
            ),
        ]
    }

    /// Whether any flag was given, i.e. the key is meant to carry provider settings.
    pub fn any(&self) -> bool {
        self.given().iter().any(|(_, flags)| !flags.is_empty())
    }

    /// Sets the settings block of `key` for a provider of type `kind`; flags of another
    /// family, or an incomplete set, are usage errors naming the flags.
    pub fn apply(&self, kind: ProviderType, key: &mut KeyConfig) -> Result<(), Failure> {
        for (family, flags) in self.given() {
            if let Some(flag) = flags.first().filter(|_| family != kind) {
                return Err(Failure::Usage(anyhow!(
                    "{flag} is a key setting of provider type {}; provider type `{}` does not take it",
                    family.as_str(),
                    kind.as_str()
                )));
            }
        }
        let required = |v: &Option<String>, flag: &str, needed_by: &str| {
            v.clone()
                .ok_or_else(|| Failure::Usage(anyhow!("{needed_by} key settings need {flag}")))
        };
        match kind {
            ProviderType::Azure if self.any() => {
                key.azure_key_config = Some(AzureKeyConfig {
                    endpoint: Setting::parse(&required(
                        &self.azure_endpoint,
                        "--azure-endpoint URL",
                        "azure",
                    )?),
                    deployments: pairs(&self.azure_deployment, "--azure-deployment")?,
                    api_version: self.azure_api_version.as_deref().map(Setting::parse),
                    use_bearer: self.azure_bearer,
                });
            }
            ProviderType::Bedrock if self.any() => {
                key.bedrock_key_config = Some(BedrockKeyConfig {
                    access_key: env_ref(&required(
                        &self.aws_access_key_env,
                        "--aws-access-key-env VAR",
                        "bedrock",
                    )?),
                    secret_key: env_ref(&required(
                        &self.aws_secret_key_env,
                        "--aws-secret-key-env VAR",
                        "bedrock",
                    )?),
                    session_token: self.aws_session_token_env.as_deref().map(env_ref),
                    region: Setting::parse(&required(
                        &self.aws_region,
                        "--aws-region R",
                        "bedrock",
                    )?),
                    deployments: pairs(&self.bedrock_deployment, "--bedrock-deployment")?,
                });
            }
            ProviderType::Vertex if self.any() => {
                let credentials =
                    match (&self.vertex_credentials_env, &self.vertex_credentials_file) {
                        (Some(var), _) => env_ref(var),
                        (None, Some(path)) => credentials_file(path)?,
                        (None, None) => {
                            return Err(Failure::Usage(anyhow!(
                                "vertex key settings need --vertex-credentials-env VAR or \
                             --vertex-credentials-file PATH"
                            )))
                        }
                    };
                key.vertex_key_config = Some(VertexKeyConfig {
                    project_id: Setting::parse(&required(
                        &self.vertex_project,
                        "--vertex-project P",
                        "vertex",
                    )?),
                    region: Setting::parse(&required(
                        &self.vertex_region,
                        "--vertex-region R",
                        "vertex",
                    )?),
                    auth_credentials: credentials,
                    deployments: Default::default(),
                });
            }
            _ => {}
        }
        Ok(())
    }
}

/// `VAR` (or `env.VAR`) as an environment reference, as `--key-env` takes it.
fn env_ref(var: &str) -> SecretValue {
    SecretValue::Env(var.trim_start_matches("env.").to_string())
}

/// Repeated `MODEL=TARGET` flags as a map.
fn pairs(
    values: &[String],
    flag: &str,
) -> Result<std::collections::BTreeMap<String, String>, Failure> {
    values
        .iter()
        .map(|v| match v.split_once('=') {
            Some((model, target)) if !model.trim().is_empty() && !target.trim().is_empty() => {
                Ok((model.trim().to_string(), target.trim().to_string()))
            }
            _ => Err(Failure::Usage(anyhow!("{flag} `{v}` must be MODEL=NAME"))),
        })
        .collect()
}

/// Reads a service-account JSON file into a literal secret. The JSON is checked here so
/// a wrong file fails now rather than at the first request; the error never quotes it.
fn credentials_file(path: &std::path::Path) -> Result<SecretValue, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::Usage(anyhow!(
            "--vertex-credentials-file: cannot read {}: {e}",
            path.display()
        ))
    })?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        Failure::Usage(anyhow!(
            "--vertex-credentials-file: {} is not valid JSON (line {}, column {})",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    let has = |field: &str| {
        json.get(field)
            .and_then(serde_json::Value::as_str)
            .is_some()
    };
    if !(has("client_email") && has("private_key")) {
        return Err(Failure::Usage(anyhow!(
            "--vertex-credentials-file: {} is not a service-account key (it needs \
             client_email and private_key)",
            path.display()
        )));
    }
    Ok(SecretValue::Literal(text.trim().to_string()))
}
