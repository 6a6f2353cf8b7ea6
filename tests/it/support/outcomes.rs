//! A gateway whose every request's outcome (the record hooks and the request log get)
//! is handed to the test, for assertions on attempts, retries and fallback indexes.

use std::sync::Arc;

use bifrost::hooks::{Hook, Outcome, Pipeline, RequestInfo};
use tokio::sync::mpsc;

use super::gateway::Gateway;

struct Outcomes(mpsc::UnboundedSender<Outcome>);

impl Hook for Outcomes {
    fn on_complete(&self, _info: &RequestInfo, outcome: &Outcome) {
        let _ = self.0.send(outcome.clone());
    }
}

/// A gateway configured by `toml`, and the outcomes of its requests as they complete.
pub async fn gateway(toml: &str) -> (Gateway, mpsc::UnboundedReceiver<Outcome>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let gw = Gateway::start_with(toml, Pipeline::new(vec![Arc::new(Outcomes(tx))])).await;
    (gw, rx)
}

/// Each attempt of `outcome` as (provider, status), in order.
pub fn tried(outcome: &Outcome) -> Vec<(String, Option<u16>)> {
    outcome
        .attempts
        .iter()
        .map(|a| (a.provider.clone(), a.status))
        .collect()
}
