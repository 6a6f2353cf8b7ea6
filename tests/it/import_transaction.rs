//! `POST /api/governance/import` (what `bifrost config import --apply` sends a server)
//! writes providers, customers, teams, virtual keys and routing rules in one store
//! transaction: an import with one bad object, even the last, leaves the store exactly
//! as it was; a good one is written whole and serves the next request.

use bifrost::admin::{Governance, Kind, Management, RoutingAdmin};
use bifrost::governance::KeyHash;
use http::Method;
use serde_json::{json, Value};

use crate::support::client::{call, Answer};
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_completion_with_usage, MockUpstream, Reply};

const TOKEN: &str = "import-admin-token";
const KEY: &str = "sk-bf-importtxn0123456789abcdefghijklmnopqrs";

async fn gateway(up: &MockUpstream) -> Gateway {
    std::env::set_var("BIFROST_IT_IMPORT_TOKEN", TOKEN);
    let config = format!(
        "[admin]\ntoken = \"env.BIFROST_IT_IMPORT_TOKEN\"\n\
         [providers.old]\ntype = \"openai-compatible\"\nbase_url = \"{}\"\n\
         [[providers.old.keys]]\nname = \"k\"\nvalue = \"sk-old\"\n",
        up.base_url()
    );
    Gateway::start(&config).await
}

async fn import(gw: &Gateway, body: &Value) -> Answer {
    call(
        Method::POST,
        &gw.url("/api/governance/import"),
        &[
            ("content-type", "application/json"),
            ("authorization", &format!("Bearer {TOKEN}")),
        ],
        serde_json::to_vec(body).unwrap(),
    )
    .await
}

/// Everything an import may change, as the management layer lists it.
async fn everything(gw: &Gateway) -> Value {
    let governance = gw.state.governance();
    let mut all = json!({
        "providers": gw.state.admin().list_providers(true).await.unwrap(),
        "rules": gw.state.routing_admin().list_rules().await.unwrap(),
    });
    for kind in [Kind::Customer, Kind::Team, Kind::VirtualKey] {
        all[format!("{kind:?}")] = json!(governance.list(kind).await.unwrap());
    }
    all
}

/// An import of a new provider `new` at `up`, a change to `old`, a customer, a team,
/// two keys (the second `KEY`, on `new`) and a rule sending `alias` to `new/m`.
fn batch(up: &MockUpstream) -> Value {
    let hash = KeyHash::of(KEY).to_hex();
    json!({
        "providers": [
            {"provider": "new", "type": "openai-compatible", "base_url": up.base_url(),
             "keys": [{"name": "k", "value": "sk-new"}]},
            {"provider": "old", "type": "openai-compatible", "base_url": "http://127.0.0.1:9",
             "keys": [{"name": "k", "value": "sk-old-2"}]},
        ],
        "customers": [{"id": "c-1", "name": "acme"}],
        "teams": [{"id": "t-1", "name": "platform", "customer_id": "c-1"}],
        "virtual_keys": [
            {"id": "vk-1", "name": "first", "value_hash": KeyHash::of("sk-bf-other").to_hex()},
            {"id": "vk-2", "name": "ci", "value_hash": hash, "team_id": "t-1",
             "provider_configs": [{"provider": "new", "weight": 1.0}]},
        ],
        "routing_rules": [
            {"name": "to-new", "cel_expression": "model == \"alias\"",
             "targets": [{"provider": "new", "model": "m", "weight": 1.0}]},
        ],
    })
}

/// An edit that makes an import invalid.
type Break = fn(&mut Value);

#[tokio::test]
async fn an_import_whose_last_object_is_bad_leaves_the_store_as_it_was() {
    let up = MockUpstream::always(Reply::json(chat_completion_with_usage("m", "hi", 3, 2))).await;
    let gw = gateway(&up).await;
    let before = everything(&gw).await;
    let breakages: [(&str, Break); 3] = [
        ("a key's team that exists nowhere", |b| {
            b["virtual_keys"][1]["team_id"] = json!("no-such-team")
        }),
        ("a key's digest that is not one", |b| {
            b["virtual_keys"][1]["value_hash"] = json!("nope")
        }),
        ("a rule's provider that exists nowhere", |b| {
            b["routing_rules"][0]["targets"][0]["provider"] = json!("ghost")
        }),
    ];
    for (what, break_it) in breakages {
        let mut body = batch(&up);
        break_it(&mut body);
        let r = import(&gw, &body).await;
        assert_eq!(r.status, 400, "{what}: {}", r.text());
        assert_eq!(everything(&gw).await, before, "{what}: the store changed");
    }
    // The old provider still serves as before.
    assert_eq!(up.request_count(), 0);
}

#[tokio::test]
async fn a_good_import_is_written_whole_and_serves_the_next_request() {
    let up = MockUpstream::always(Reply::json(chat_completion_with_usage("m", "hi", 3, 2))).await;
    let gw = gateway(&up).await;
    let r = import(&gw, &batch(&up)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json()["imported"],
        json!({"providers": 2, "customers": 1, "teams": 1, "virtual_keys": 2, "routing_rules": 1})
    );
    let all = everything(&gw).await;
    assert_eq!(all["providers"].as_array().unwrap().len(), 2, "{all}");
    assert_eq!(all["rules"][0]["name"], "to-new", "{all}");
    // The rule and the new provider apply from the next request, through the imported key.
    let body = json!({"model": "alias", "messages": [{"role": "user", "content": "hi"}]});
    let answer = call(
        Method::POST,
        &gw.url("/v1/chat/completions"),
        &[("content-type", "application/json"), ("x-bf-vk", KEY)],
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(up.requests()[0].bearer(), Some("sk-new"));
}
