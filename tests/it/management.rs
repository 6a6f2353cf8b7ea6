//! The management API: closed on TCP without a token, guarded by it when set, open on
//! the local socket; changes reach routing at once; masked secrets are never stored.

use http::Method;
use serde_json::{json, Value};

use crate::support::client::{call, post, Answer};
use crate::support::gateway::Gateway;
use crate::support::upstream::{chat_completion, MockUpstream, Reply};

const TOKEN_CFG: &str = "[admin]\ntoken = \"env.BIFROST_IT_ADMIN_TOKEN\"\n";

async fn api(
    gw: &Gateway,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("content-type", "application/json")];
    if let Some(a) = &auth {
        headers.push(("authorization", a.as_str()));
    }
    let body = body
        .map(|b| serde_json::to_vec(&b).unwrap())
        .unwrap_or_default();
    call(method, &gw.url(path), &headers, body).await
}

fn set_token() {
    // Every test that reads the variable sets the same value, so parallel tests agree.
    std::env::set_var("BIFROST_IT_ADMIN_TOKEN", "admin-secret-token");
}

#[tokio::test]
async fn without_a_token_the_api_is_closed_on_tcp_and_says_how_to_open_it() {
    let gw = Gateway::start("").await;
    let resp = api(&gw, Method::GET, "/api/providers", None, None).await;
    assert_eq!(resp.status, 403);
    let msg = resp.error_message();
    assert!(msg.contains("[admin] token"), "{msg}");
    assert!(msg.contains("BIFROST_ADMIN_TOKEN"), "{msg}");
}

#[tokio::test]
async fn the_token_is_required_and_checked() {
    set_token();
    let gw = Gateway::start(TOKEN_CFG).await;
    let none = api(&gw, Method::GET, "/api/providers", None, None).await;
    assert_eq!(none.status, 401);
    assert_eq!(none.json()["error"]["code"], "admin_token_missing");
    let wrong = api(&gw, Method::GET, "/api/providers", Some("nope"), None).await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json()["error"]["code"], "admin_token_invalid");
    let ok = api(
        &gw,
        Method::GET,
        "/api/providers",
        Some("admin-secret-token"),
        None,
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["count"], 0);
}

#[tokio::test]
async fn crud_changes_routing_at_once_and_never_leaks_or_loses_secrets() {
    set_token();
    let up = MockUpstream::always(Reply::json(chat_completion("m", "via api"))).await;
    let gw = Gateway::start(TOKEN_CFG).await;
    let t = Some("admin-secret-token");
    let chat = json!({"model": "fresh/m", "messages": [{"role": "user", "content": "x"}]});
    assert_eq!(
        post(&gw.url("/v1/chat/completions"), &chat).await.status,
        404
    );

    let doc = json!({
        "provider": "fresh",
        "type": "openai-compatible",
        "base_url": up.base_url(),
        "keys": [{"name": "main", "value": "sk-live-0123456789abcdefghij", "models": [], "weight": 1.0}],
        "network_config": {"extra_headers": {"x-team": "ml"}},
    });
    let created = api(&gw, Method::POST, "/api/providers", t, Some(doc.clone())).await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert!(
        !created.text().contains("0123456789abcdef"),
        "{}",
        created.text()
    );
    let dup = api(&gw, Method::POST, "/api/providers", t, Some(doc)).await;
    assert_eq!(dup.status, 409);

    let served = post(&gw.url("/v1/chat/completions"), &chat).await;
    assert_eq!(served.status, 200, "{}", served.text());
    assert_eq!(
        up.requests()[0].bearer(),
        Some("sk-live-0123456789abcdefghij")
    );
    assert_eq!(up.requests()[0].header("x-team"), Some("ml"));

    // GET shows a mask; PUT that document back unchanged keeps the real key.
    let mut shown = api(&gw, Method::GET, "/api/providers/fresh", t, None)
        .await
        .json();
    assert_eq!(shown["keys"][0]["value"], "sk-l****ghij");
    shown["network_config"]["first_byte_timeout_secs"] = json!(42);
    let updated = api(&gw, Method::PUT, "/api/providers/fresh", t, Some(shown)).await;
    assert_eq!(updated.status, 200, "{}", updated.text());
    assert_eq!(
        updated.json()["network_config"]["first_byte_timeout_secs"],
        42
    );
    post(&gw.url("/v1/chat/completions"), &chat).await;
    assert_eq!(
        up.requests()[1].bearer(),
        Some("sk-live-0123456789abcdefghij")
    );

    let with_secrets = api(
        &gw,
        Method::GET,
        "/api/providers?include_secrets=true",
        t,
        None,
    )
    .await;
    assert!(with_secrets.text().contains("sk-live-0123456789abcdefghij"));

    let invalid = api(
        &gw,
        Method::PUT,
        "/api/providers/fresh",
        t,
        Some(json!({"provider": "fresh", "type": "openai-compatible"})),
    )
    .await;
    assert_eq!(invalid.status, 400);
    assert!(
        invalid.error_message().contains("base_url"),
        "{}",
        invalid.text()
    );

    let deleted = api(&gw, Method::DELETE, "/api/providers/fresh", t, None).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(
        post(&gw.url("/v1/chat/completions"), &chat).await.status,
        404
    );
    assert_eq!(
        api(&gw, Method::GET, "/api/providers/fresh", t, None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn the_local_socket_needs_no_token() {
    let gw = Gateway::start("[providers.mock]\ntype = \"mock\"\n").await;
    let admin =
        bifrost::admin::RemoteAdmin::connect(&gw.dir.path().join(bifrost::admin::SOCKET_NAME))
            .await
            .expect("socket answers");
    use bifrost::admin::Management;
    let list = admin.list_providers(false).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].provider, "mock");
}
