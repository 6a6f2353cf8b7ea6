//! Routing management through a running server's unix socket, over the same HTTP API
//! remote clients use (`/api/governance/routing-rules`, `/api/routing/explain`).

use async_trait::async_trait;
use http::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::routing::{ExplainRequest, RoutingAdmin, RoutingError};
use super::RemoteAdmin;
use crate::config::RoutingRule;
use crate::routing::Explanation;

const RULES: &str = "/api/governance/routing-rules";

fn one(id: &str) -> String {
    format!(
        "{RULES}/{}",
        percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC)
    )
}

fn encode<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, RoutingError> {
    serde_json::to_vec(v).map_err(|e| RoutingError::Invalid(vec![e.to_string()]))
}

/// The `field` of the server's answer, decoded.
fn field<T: DeserializeOwned>(mut v: Value, name: &str) -> Result<T, RoutingError> {
    let inner = v
        .get_mut(name)
        .map(Value::take)
        .ok_or_else(|| RoutingError::Unreachable(format!("the server's answer has no `{name}`")))?;
    serde_json::from_value(inner).map_err(|e| RoutingError::Unreachable(format!("bad answer: {e}")))
}

#[async_trait]
impl RoutingAdmin for RemoteAdmin {
    async fn list_rules(&self) -> Result<Vec<RoutingRule>, RoutingError> {
        let v: Value = self.call(Method::GET, RULES, None).await?;
        field(v, "routing_rules")
    }

    async fn get_rule(&self, id: &str) -> Result<RoutingRule, RoutingError> {
        let v: Value = self.call(Method::GET, &one(id), None).await?;
        field(v, "routing_rule")
    }

    async fn create_rule(&self, body: Value) -> Result<RoutingRule, RoutingError> {
        let v: Value = self.call(Method::POST, RULES, Some(encode(&body)?)).await?;
        field(v, "routing_rule")
    }

    async fn update_rule(&self, id: &str, patch: Value) -> Result<RoutingRule, RoutingError> {
        let v: Value = self
            .call(Method::PUT, &one(id), Some(encode(&patch)?))
            .await?;
        field(v, "routing_rule")
    }

    async fn delete_rule(&self, id: &str) -> Result<(), RoutingError> {
        let _: Value = self.call(Method::DELETE, &one(id), None).await?;
        Ok(())
    }

    async fn explain(&self, request: ExplainRequest) -> Result<Explanation, RoutingError> {
        Ok(self
            .call(
                Method::POST,
                "/api/routing/explain",
                Some(encode(&request)?),
            )
            .await?)
    }
}
