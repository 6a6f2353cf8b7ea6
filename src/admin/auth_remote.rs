//! Admin credential management on a running server, over `/api/admin/...` (the unix
//! socket or `--url`).

use async_trait::async_trait;
use http::Method;
use serde::Deserialize;
use serde_json::json;

use super::auth_ops::{CredentialError, Credentials, NewToken, TokenInfo};
use super::RemoteAdmin;

#[derive(Deserialize)]
struct TokenList {
    tokens: Vec<TokenInfo>,
}

fn body(v: &serde_json::Value) -> Result<Vec<u8>, CredentialError> {
    serde_json::to_vec(v).map_err(|e| CredentialError::Invalid(vec![e.to_string()]))
}

#[async_trait]
impl Credentials for RemoteAdmin {
    async fn create_token(
        &self,
        name: &str,
        expires_in: Option<u64>,
    ) -> Result<NewToken, CredentialError> {
        let b = body(&json!({"name": name, "expires_in_secs": expires_in}))?;
        Ok(self
            .call(Method::POST, "/api/admin/tokens", Some(b))
            .await?)
    }

    async fn list_tokens(&self) -> Result<Vec<TokenInfo>, CredentialError> {
        let list: TokenList = self.call(Method::GET, "/api/admin/tokens", None).await?;
        Ok(list.tokens)
    }

    async fn revoke_token(&self, name: &str) -> Result<(), CredentialError> {
        let path = format!(
            "/api/admin/tokens/{}",
            percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
        );
        let _: serde_json::Value = self.call(Method::DELETE, &path, None).await?;
        Ok(())
    }

    async fn set_password(&self, username: &str, password: &str) -> Result<(), CredentialError> {
        let b = body(&json!({"username": username, "password": password}))?;
        let _: serde_json::Value = self
            .call(Method::PUT, "/api/admin/password", Some(b))
            .await?;
        Ok(())
    }
}
