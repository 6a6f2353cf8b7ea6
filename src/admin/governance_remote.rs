//! Governance management through a running server's unix socket, over the same HTTP
//! API remote clients use (`/api/governance/...`).

use async_trait::async_trait;
use http::Method;
use serde_json::Value;

use super::governance::{Governance, GovernanceError, Kind};
use super::RemoteAdmin;

fn path(kind: Kind, id: Option<&str>) -> String {
    match id {
        None => format!("/api/governance/{}", kind.path()),
        Some(id) => format!(
            "/api/governance/{}/{}",
            kind.path(),
            percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC)
        ),
    }
}

fn field(mut v: Value, name: &str) -> Result<Value, GovernanceError> {
    v.get_mut(name)
        .map(Value::take)
        .ok_or_else(|| GovernanceError::Unreachable(format!("the server's answer has no `{name}`")))
}

fn body(v: &Value) -> Result<Vec<u8>, GovernanceError> {
    serde_json::to_vec(v).map_err(|e| GovernanceError::Invalid(vec![e.to_string()]))
}

#[async_trait]
impl Governance for RemoteAdmin {
    async fn list(&self, kind: Kind) -> Result<Vec<Value>, GovernanceError> {
        let v: Value = self.call(Method::GET, &path(kind, None), None).await?;
        match field(v, kind.many())? {
            Value::Array(items) => Ok(items),
            _ => Err(GovernanceError::Unreachable(
                "the server's list is not an array".into(),
            )),
        }
    }

    async fn get(&self, kind: Kind, id: &str) -> Result<Value, GovernanceError> {
        let v: Value = self.call(Method::GET, &path(kind, Some(id)), None).await?;
        field(v, kind.one())
    }

    async fn create(&self, kind: Kind, b: Value) -> Result<Value, GovernanceError> {
        let v: Value = self
            .call(Method::POST, &path(kind, None), Some(body(&b)?))
            .await?;
        field(v, kind.one())
    }

    async fn update(&self, kind: Kind, id: &str, patch: Value) -> Result<Value, GovernanceError> {
        let v: Value = self
            .call(Method::PUT, &path(kind, Some(id)), Some(body(&patch)?))
            .await?;
        field(v, kind.one())
    }

    async fn delete(&self, kind: Kind, id: &str) -> Result<(), GovernanceError> {
        let _: Value = self
            .call(Method::DELETE, &path(kind, Some(id)), None)
            .await?;
        Ok(())
    }

    async fn rotate(&self, id: &str) -> Result<Value, GovernanceError> {
        let p = format!("{}/rotate", path(Kind::VirtualKey, Some(id)));
        let v: Value = self.call(Method::POST, &p, None).await?;
        field(v, Kind::VirtualKey.one())
    }

    async fn import(&self, batch: Value) -> Result<Value, GovernanceError> {
        let p = "/api/governance/import";
        Ok(self.call(Method::POST, p, Some(body(&batch)?)).await?)
    }

    async fn usage(&self, id: &str) -> Result<Value, GovernanceError> {
        let p = format!("{}/usage", path(Kind::VirtualKey, Some(id)));
        Ok(self.call(Method::GET, &p, None).await?)
    }
}
