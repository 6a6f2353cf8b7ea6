//! AWS Signature Version 4 for Bedrock requests, done by the `aws-sigv4` crate (the
//! signer the AWS SDK itself uses) rather than by hand: canonical-request details such
//! as double-encoding the path (model ARNs contain `:` and `/`) are easy to get subtly
//! wrong, and a wrong signature only shows up as a 403 from AWS.
//!
//! This module is the one place that touches the crate, so the published SigV4 test
//! vectors (see `tests.rs`) check exactly the code path requests take.

use std::fmt;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;

use crate::providers::ProviderError;

/// AWS credentials resolved from a key's `bedrock_key_config`. Debug never prints
/// the secret or the session token.
#[derive(Clone)]
pub struct AwsCredentials {
    /// Access key id (not secret: it appears in every `Authorization` header).
    pub access_key: String,
    /// Secret access key.
    pub secret_key: String,
    /// Session token of temporary credentials.
    pub session_token: Option<String>,
}

impl fmt::Debug for AwsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsCredentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// What to sign besides the request itself.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// AWS region, e.g. `us-east-1`.
    pub region: &'a str,
    /// Signing name of the service (`bedrock` for the Bedrock runtime).
    pub service: &'a str,
    /// Signing time (now, except in tests).
    pub time: SystemTime,
}

/// One header the signature adds to the request.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeader {
    /// Lower-case header name (`authorization`, `x-amz-date`, `x-amz-security-token`).
    pub name: String,
    /// Its value.
    pub value: String,
    /// True for values that must never be logged (the session token).
    pub sensitive: bool,
}

impl fmt::Debug for SignedHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = if self.sensitive {
            "<redacted>"
        } else {
            &self.value
        };
        write!(f, "{}: {}", self.name, value)
    }
}

/// Signs a request: `url` must already be percent-encoded (as it will be sent), and
/// `headers` are the ones to include in the signature besides `host` (which the signer
/// derives from `url`). Returns the headers to add: `x-amz-date`, `authorization` and,
/// with a session token, `x-amz-security-token`.
pub fn sign_request(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    creds: &AwsCredentials,
    scope: Scope<'_>,
) -> Result<Vec<SignedHeader>, ProviderError> {
    // The signer panics on a URL without a host; refuse it here instead.
    let uri: http::Uri = url
        .parse()
        .map_err(|e| ProviderError::Connect(format!("invalid Bedrock URL {url}: {e}")))?;
    if uri.host().is_none_or(str::is_empty) {
        return Err(ProviderError::Connect(format!(
            "invalid Bedrock URL {url}: it has no host"
        )));
    }
    let identity = Credentials::new(
        &creds.access_key,
        &creds.secret_key,
        creds.session_token.clone(),
        None,
        "bifrost-key-config",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(scope.region)
        .name(scope.service)
        .time(scope.time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| ProviderError::Connect(format!("cannot sign the Bedrock request: {e}")))?
        .into();
    let request = SignableRequest::new(
        method,
        url,
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| ProviderError::Connect(format!("cannot sign the Bedrock request: {e}")))?;
    let (instructions, _signature) = sign(request, &params)
        .map_err(|e| ProviderError::Connect(format!("cannot sign the Bedrock request: {e}")))?
        .into_parts();
    let (signed, _params) = instructions.into_parts();
    Ok(signed
        .into_iter()
        .map(|h| SignedHeader {
            name: h.name().to_ascii_lowercase(),
            value: h.value().to_string(),
            sensitive: h.sensitive(),
        })
        .collect())
}
