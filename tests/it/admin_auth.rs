//! Admin access to the management API over TCP: the config token, stored admin tokens
//! and the admin login each open it; a wrong credential is a 401 that says what is
//! accepted; revoked tokens are refused; repeated failures from one address are a 429
//! and are logged without the secrets.

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use bifrost::admin::Credentials;
use http::Method;
use serde_json::{json, Value};

use crate::support::client::{call, Answer};
use crate::support::gateway::Gateway;

const CFG: &str = "[admin]\ntoken = \"env.BIFROST_IT_AUTH_TOKEN\"\n";
const CONFIG_TOKEN: &str = "config-token-for-the-admin-auth-tests";

fn set_token() {
    // Every test that reads the variable sets the same value, so parallel tests agree.
    std::env::set_var("BIFROST_IT_AUTH_TOKEN", CONFIG_TOKEN);
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn basic(user: &str, pass: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
    format!("Basic {encoded}")
}

async fn api(
    gw: &Gateway,
    method: Method,
    path: &str,
    auth: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let mut headers = vec![("content-type", "application/json")];
    if let Some(a) = auth {
        headers.push(("authorization", a));
    }
    let body = body
        .map(|b| serde_json::to_vec(&b).unwrap())
        .unwrap_or_default();
    call(method, &gw.url(path), &headers, body).await
}

async fn whoami(gw: &Gateway, auth: &str) -> Value {
    let answer = api(gw, Method::GET, "/api/admin/whoami", Some(auth), None).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()
}

#[tokio::test]
async fn config_token_stored_token_and_login_each_open_the_api() {
    set_token();
    let gw = Gateway::start(CFG).await;
    let config = bearer(CONFIG_TOKEN);
    assert_eq!(whoami(&gw, &config).await["kind"], "config_token");

    let made = api(
        &gw,
        Method::POST,
        "/api/admin/tokens",
        Some(&config),
        Some(json!({"name": "ci"})),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.text());
    let token = made.json()["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("bf-admin-"), "{token}");
    let stored = bearer(&token);
    assert_eq!(
        whoami(&gw, &stored).await,
        json!({"kind": "token", "name": "ci"})
    );
    let providers = api(&gw, Method::GET, "/api/providers", Some(&stored), None).await;
    assert_eq!(providers.status, 200, "{}", providers.text());

    let list = api(&gw, Method::GET, "/api/admin/tokens", Some(&stored), None).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.json()["tokens"][0]["name"], "ci");
    assert!(list.json()["tokens"][0]["created_at"].is_string());
    assert!(!list.text().contains(&token), "a list never shows values");

    let set = api(
        &gw,
        Method::PUT,
        "/api/admin/password",
        Some(&stored),
        Some(json!({"username": "ops", "password": "correct horse battery"})),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.text());
    let login = basic("ops", "correct horse battery");
    assert_eq!(
        whoami(&gw, &login).await,
        json!({"kind": "login", "name": "ops"})
    );
    // A second call is answered from the verification cache; it must still agree.
    assert_eq!(whoami(&gw, &login).await["kind"], "login");
    let vks = api(
        &gw,
        Method::GET,
        "/api/governance/virtual-keys",
        Some(&login),
        None,
    )
    .await;
    assert_eq!(vks.status, 200, "{}", vks.text());
}

#[tokio::test]
async fn a_stored_token_alone_opens_an_api_that_was_closed() {
    let gw = Gateway::start("").await;
    let closed = api(&gw, Method::GET, "/api/providers", None, None).await;
    assert_eq!(closed.status, 403);
    assert!(closed
        .error_message()
        .contains("bifrost admin token create"));
    let made = gw.state.auth().create_token("first", None).await.unwrap();
    let none = api(&gw, Method::GET, "/api/providers", None, None).await;
    assert_eq!(
        none.status, 401,
        "now a credential exists, one is asked for"
    );
    let ok = api(
        &gw,
        Method::GET,
        "/api/providers",
        Some(&bearer(&made.token)),
        None,
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
}

#[tokio::test]
async fn a_wrong_credential_is_a_401_saying_what_is_accepted() {
    set_token();
    let gw = Gateway::start(CFG).await;
    gw.state
        .auth()
        .set_password("ops", "correct horse battery")
        .await
        .unwrap();
    let cases = [
        (bearer("bf-admin-not-a-real-token"), "admin_token_invalid"),
        (basic("ops", "wrong horse battery"), "admin_token_invalid"),
        (
            basic("root", "correct horse battery"),
            "admin_token_invalid",
        ),
        ("Token abc".to_string(), "admin_credential_malformed"),
        (
            "Basic !!!not-base64".to_string(),
            "admin_credential_malformed",
        ),
    ];
    for (auth, code) in cases {
        let answer = api(&gw, Method::GET, "/api/providers", Some(&auth), None).await;
        assert_eq!(answer.status, 401, "{auth}: {}", answer.text());
        assert_eq!(answer.json()["error"]["code"], code, "{auth}");
        let msg = answer.error_message();
        for hint in [
            "Bearer",
            "Basic",
            "bifrost admin token create",
            "bifrost admin set-password",
            "bifrost login",
        ] {
            assert!(msg.contains(hint), "{auth}: {msg} lacks {hint}");
        }
        let challenge = answer.headers["www-authenticate"].to_str().unwrap();
        assert!(challenge.contains("Basic"), "{challenge}");
    }
}

#[tokio::test]
async fn a_revoked_token_is_refused_from_the_next_request() {
    set_token();
    let gw = Gateway::start(CFG).await;
    let made = gw.state.auth().create_token("laptop", None).await.unwrap();
    let auth = bearer(&made.token);
    assert_eq!(whoami(&gw, &auth).await["name"], "laptop");
    let revoked = api(
        &gw,
        Method::DELETE,
        "/api/admin/tokens/laptop",
        Some(&bearer(CONFIG_TOKEN)),
        None,
    )
    .await;
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    let refused = api(&gw, Method::GET, "/api/providers", Some(&auth), None).await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.json()["error"]["code"], "admin_token_invalid");
    let again = api(
        &gw,
        Method::DELETE,
        "/api/admin/tokens/laptop",
        Some(&bearer(CONFIG_TOKEN)),
        None,
    )
    .await;
    assert_eq!(again.status, 404);
    assert!(again.error_message().contains("laptop"));
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_field_and_changes_nothing() {
    set_token();
    let gw = Gateway::start(CFG).await;
    let auth = bearer(CONFIG_TOKEN);
    let cases = [
        (
            Method::POST,
            "/api/admin/tokens",
            json!({"name": "has space"}),
            "name:",
        ),
        (
            Method::POST,
            "/api/admin/tokens",
            json!({"name": "ok", "expires": "30d"}),
            "expires",
        ),
        (
            Method::PUT,
            "/api/admin/password",
            json!({"password": "short"}),
            "password:",
        ),
        (
            Method::PUT,
            "/api/admin/password",
            json!({"username": "a:b", "password": "long enough"}),
            "username:",
        ),
    ];
    for (method, path, body, field) in cases {
        let answer = api(&gw, method, path, Some(&auth), Some(body.clone())).await;
        assert_eq!(answer.status, 400, "{body}: {}", answer.text());
        let msg = answer.error_message();
        assert!(msg.contains(field), "{body}: {msg}");
        assert!(!msg.contains("short"), "a password is never echoed: {msg}");
    }
    assert!(gw.state.auth().list_tokens().await.unwrap().is_empty());
    gw.state.auth().create_token("dup", None).await.unwrap();
    let dup = api(
        &gw,
        Method::POST,
        "/api/admin/tokens",
        Some(&auth),
        Some(json!({"name": "dup"})),
    )
    .await;
    assert_eq!(dup.status, 409, "{}", dup.text());
}

/// Collects what the server logs on this thread (the tests' runtime is single-threaded,
/// so the server's tasks log here too).
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn repeated_failures_are_rate_limited_and_logged_without_secrets() {
    set_token();
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let gw = Gateway::start(CFG).await;
    let wrong: Vec<String> = (0..bifrost::admin::MAX_FAILURES)
        .map(|i| format!("wrong-secret-{i}"))
        .collect();
    for w in &wrong {
        let answer = api(&gw, Method::GET, "/api/providers", Some(&bearer(w)), None).await;
        assert_eq!(answer.status, 401);
    }
    // Now even the right token is refused from this address until the window ends.
    let limited = api(
        &gw,
        Method::GET,
        "/api/providers",
        Some(&bearer(CONFIG_TOKEN)),
        None,
    )
    .await;
    assert_eq!(limited.status, 429, "{}", limited.text());
    assert_eq!(limited.json()["error"]["code"], "admin_auth_rate_limited");
    let retry: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        retry > 0 && retry <= bifrost::admin::FAILURE_WINDOW,
        "{retry}"
    );

    let text = logs.text();
    assert_eq!(
        text.matches("admin API: authentication failed").count(),
        wrong.len(),
        "{text}"
    );
    assert!(text.contains("client=127.0.0.1"), "{text}");
    assert!(
        text.contains("refused after repeated failed authentication"),
        "{text}"
    );
    for secret in wrong.iter().map(String::as_str).chain([CONFIG_TOKEN]) {
        assert!(!text.contains(secret), "the log shows {secret}:\n{text}");
    }
}
