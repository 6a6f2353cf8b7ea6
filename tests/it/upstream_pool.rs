//! The upstream connection pool: `network.max_idle_connections` bounds the unused
//! connections kept after a burst, and `network.idle_timeout_secs` closes them.

use std::time::Duration;

use serde_json::json;

use crate::support::client::post;
use crate::support::gateway::{one_upstream, Gateway};
use crate::support::upstream::{chat_completion, Gate, MockUpstream, Reply};

fn chat() -> serde_json::Value {
    json!({"model": "up/m", "messages": [{"role": "user", "content": "hi"}]})
}

#[tokio::test]
async fn a_burst_keeps_at_most_max_idle_connections_open() {
    // The mock holds every answer until all three requests have arrived, so the three
    // are in flight together and the gateway needs three upstream connections at once.
    let all_in = Gate::new();
    let up = MockUpstream::always(Reply::json(chat_completion("m", "ok")).held(&all_in)).await;
    let cfg = one_upstream(&up.base_url())
        + "[providers.up.network]\nmax_idle_connections = 1\nidle_timeout_secs = 600\n";
    let gw = Gateway::start(&cfg).await;
    let url = gw.url("/v1/chat/completions");
    let burst: Vec<_> = (0..3)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { post(&url, &chat()).await })
        })
        .collect();
    up.wait_for_requests(3, Duration::from_secs(10)).await;
    assert_eq!(
        up.connections_accepted(),
        3,
        "one connection per request in flight"
    );
    all_in.open();
    for request in burst {
        let resp = request.await.unwrap();
        assert_eq!(resp.status, 200, "{}", resp.text());
    }
    assert_eq!(up.connections_accepted(), 3);
    up.wait_for_open_connections(1, Duration::from_secs(10))
        .await;
}

#[tokio::test]
async fn an_unused_connection_is_closed_after_idle_timeout() {
    let up = MockUpstream::always(Reply::json(chat_completion("m", "ok"))).await;
    let cfg = one_upstream(&up.base_url()) + "[providers.up.network]\nidle_timeout_secs = 1\n";
    let gw = Gateway::start(&cfg).await;
    let resp = post(&gw.url("/v1/chat/completions"), &chat()).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert_eq!(up.connections_accepted(), 1);
    up.wait_for_open_connections(0, Duration::from_secs(15))
        .await;
}
