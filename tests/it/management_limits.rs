//! The management API refuses settings over their bounds (`config::limits`) with a 400
//! naming the field and the limit, quotes oversized input back shortened, and stores
//! nothing: the store file and the provider listing do not grow.

use http::Method;
use serde_json::{json, Value};

use crate::support::client::{call, Answer};
use crate::support::gateway::Gateway;

const TOKEN_CFG: &str = "[admin]\ntoken = \"env.BIFROST_IT_ADMIN_TOKEN\"\n";
const TOKEN: &str = "admin-secret-token";

async fn create(gw: &Gateway, body: &[u8]) -> Answer {
    let auth = format!("Bearer {TOKEN}");
    let headers = [
        ("content-type", "application/json"),
        ("authorization", auth.as_str()),
    ];
    call(
        Method::POST,
        &gw.url("/api/providers"),
        &headers,
        body.to_vec(),
    )
    .await
}

async fn listing(gw: &Gateway) -> Answer {
    let auth = format!("Bearer {TOKEN}");
    call(
        Method::GET,
        &gw.url("/api/providers"),
        &[("authorization", auth.as_str())],
        Vec::new(),
    )
    .await
}

fn store_size(gw: &Gateway) -> u64 {
    std::fs::metadata(gw.dir.path().join(bifrost::store::FILE_NAME))
        .unwrap()
        .len()
}

fn provider(keys: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({"provider": "big", "type": "mock", "keys": keys})).unwrap()
}

#[tokio::test]
async fn oversized_names_and_lists_are_refused_and_nothing_is_stored() {
    // Every test that reads the variable sets the same value, so parallel tests agree.
    std::env::set_var("BIFROST_IT_ADMIN_TOKEN", TOKEN);
    let gw = Gateway::start(TOKEN_CFG).await;
    let before_listing = listing(&gw).await;
    assert_eq!(before_listing.status, 200, "{}", before_listing.text());
    let before_store = store_size(&gw);
    let huge = "k".repeat(1 << 20);

    let cases = [
        (
            provider(json!([{"name": huge, "value": "v"}])),
            "keys[0].name is 1048576 bytes, over the limit of 128 bytes",
        ),
        (
            provider(json!([{"name": "a", "value": "v", "models": vec!["m"; 1001]}])),
            "keys[0].models has 1001 entries, over the limit of 1000",
        ),
        (
            provider(json!([{"name": "a", "value": "v", "models": [huge]}])),
            "keys[0].models[0] is 1048576 bytes, over the limit of 256 bytes",
        ),
        (
            serde_json::to_vec(&json!({"provider": huge, "type": "mock"})).unwrap(),
            "must be 1-64 characters",
        ),
    ];
    for _round in 0..3 {
        for (body, want) in &cases {
            let resp = create(&gw, body).await;
            let head: String = resp.text().chars().take(300).collect();
            assert_eq!(resp.status, 400, "{head}");
            let msg = resp.error_message();
            assert!(msg.contains(want), "want {want:?} in {msg:?}");
            // Quoted back shortened: the error is small, whatever the input.
            assert!(resp.body.len() < 2_000, "{} bytes", resp.body.len());
        }
    }

    let after = listing(&gw).await;
    assert_eq!(after.json()["count"], 0, "{}", after.text());
    assert_eq!(after.body, before_listing.body);
    assert_eq!(store_size(&gw), before_store);

    // A provider within bounds is still created.
    let ok = create(&gw, &provider(json!([{"name": "a", "value": "v"}]))).await;
    assert_eq!(ok.status, 201, "{}", ok.text());
}

#[tokio::test]
async fn decode_errors_quote_input_back_shortened() {
    std::env::set_var("BIFROST_IT_ADMIN_TOKEN", TOKEN);
    let gw = Gateway::start(TOKEN_CFG).await;
    let huge = "x".repeat(1 << 20);
    for body in [
        json!({"provider": "p", "type": "mock", huge.clone(): 1}),
        json!({"provider": "p", "type": huge}),
    ] {
        let resp = create(&gw, &serde_json::to_vec(&body).unwrap()).await;
        assert_eq!(resp.status, 400);
        let msg = resp.error_message();
        assert!(msg.contains("(1048576 bytes)"), "{msg}");
        assert!(resp.body.len() < 2_000, "{} bytes", resp.body.len());
    }
}

/// The config file goes through the same validation: `bifrost config validate` on a
/// file with the same oversized settings names the field, the limit and the position.
#[test]
fn the_config_file_is_held_to_the_same_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let models: Vec<String> = (0..1001).map(|i| format!("\"m{i}\"")).collect();
    let text = format!(
        "[server]\nport = 8181\n\n[providers.big]\ntype = \"mock\"\n\n[[providers.big.keys]]\nname = \"{}\"\nvalue = \"v\"\nmodels = [{}]\n",
        "k".repeat(1 << 20),
        models.join(", ")
    );
    let file = dir.path().join("bifrost.toml");
    std::fs::write(&file, text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bifrost"))
        .args(["config", "validate"])
        .arg(&file)
        .env_remove("BIFROST_CONFIG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let at = format!("{}:4:12: providers.big: ", file.display());
    for want in [
        "keys[0].name is 1048576 bytes, over the limit of 128 bytes",
        "keys[0].models has 1001 entries, over the limit of 1000",
    ] {
        assert!(stderr.contains(&format!("{at}{want}")), "{stderr}");
    }
    assert!(stderr.len() < 2_000, "{} bytes", stderr.len());
}
