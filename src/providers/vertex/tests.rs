//! Unit tests of Vertex auth (JWT claims, credential errors, token caching) and endpoint
//! resolution. The RSA key under `tests/fixtures/vertex` is a throwaway made for these
//! tests only; it belongs to no Google account.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};

use super::auth::{ServiceAccount, TokenCache, SCOPE};
use super::target::{base_url, Publisher, Target};
use crate::config::{KeyConfig, NetworkConfig, SecretValue, Setting, VertexKeyConfig};
use crate::providers::http::Transport;

const SERVICE_ACCOUNT: &str = include_str!("../../../tests/fixtures/vertex/service_account.json");
const PUBLIC_KEY: &str = include_str!("../../../tests/fixtures/vertex/test_public_key.pem");

fn account_json(token_uri: &str) -> String {
    let mut v: Value = serde_json::from_str(SERVICE_ACCOUNT).unwrap();
    v["token_uri"] = json!(token_uri);
    v.to_string()
}

#[test]
fn the_jwt_is_rs256_signed_with_the_claims_google_expects() {
    let sa = ServiceAccount::parse("k1", &account_json("https://oauth2.example/token")).unwrap();
    let jwt = sa.jwt(1_700_000_000).unwrap();
    let header = decode_header(&jwt).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    assert_eq!(header.kid.as_deref(), Some("test-key-id-0001"));
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&["https://oauth2.example/token"]);
    validation.validate_exp = false; // issued in 2023 on purpose: fixed, comparable claims
    let key = DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).unwrap();
    let data = decode::<Value>(&jwt, &key, &validation).unwrap();
    assert_eq!(
        data.claims,
        json!({"iss": "bifrost-test@bifrost-test.iam.gserviceaccount.com", "scope": SCOPE,
            "aud": "https://oauth2.example/token", "iat": 1_700_000_000, "exp": 1_700_003_600})
    );
}

#[test]
fn bad_credentials_name_the_key_and_field_and_never_the_private_key() {
    let err = |json: &str| ServiceAccount::parse("vk", json).unwrap_err().to_string();
    let not_json = err("{\"private_key\": \"-----BEGIN PRIVATE KEY-----\nMIIsecret");
    assert!(
        not_json.contains("vertex key `vk`") && not_json.contains("not valid JSON"),
        "{not_json}"
    );
    assert!(!not_json.contains("MIIsecret"), "{not_json}");
    let mut v: Value = serde_json::from_str(SERVICE_ACCOUNT).unwrap();
    v.as_object_mut().unwrap().remove("client_email");
    let missing = err(&v.to_string());
    assert!(
        missing.contains("`client_email`") && missing.contains("auth_credentials"),
        "{missing}"
    );
    v["client_email"] = json!("a@b");
    v["private_key"] =
        json!("-----BEGIN PRIVATE KEY-----\nMIIsecretbutbroken\n-----END PRIVATE KEY-----\n");
    let broken = err(&v.to_string());
    assert!(
        broken.contains("`private_key`") && !broken.contains("MIIsecret"),
        "{broken}"
    );
    let sa = ServiceAccount::parse("vk", SERVICE_ACCOUNT).unwrap();
    assert!(!format!("{sa:?}").contains("PRIVATE KEY"));
}

/// A token endpoint on 127.0.0.1:0 that counts its calls and hands out `token-N`.
async fn token_endpoint() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(
                    move |req: http::Request<hyper::body::Incoming>| {
                        let counter = counter.clone();
                        async move {
                            let form = req.into_body().collect().await.unwrap().to_bytes();
                            let form = String::from_utf8_lossy(&form).to_string();
                            assert!(form.starts_with("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=ey"), "{form}");
                            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                            let body = json!({"access_token": format!("token-{n}"), "expires_in": 3599, "token_type": "Bearer"});
                            let mut resp =
                                http::Response::new(Full::new(Bytes::from(body.to_string())));
                            resp.headers_mut()
                                .insert("content-type", "application/json".parse().unwrap());
                            Ok::<_, std::convert::Infallible>(resp)
                        }
                    },
                );
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, svc)
                    .await;
            });
        }
    });
    (format!("http://{addr}/token"), hits)
}

#[tokio::test]
async fn tokens_are_fetched_once_and_then_served_from_the_cache() {
    let (uri, hits) = token_endpoint().await;
    let transport = Transport::new(&NetworkConfig::default());
    let cache = Arc::new(TokenCache::default());
    let creds = account_json(&uri);
    assert_eq!(
        cache.token(&transport, "k1", &creds).await.unwrap(),
        "token-1"
    );
    assert_eq!(
        cache.token(&transport, "k1", &creds).await.unwrap(),
        "token-1"
    );
    // Concurrent callers share the cached token too.
    let calls = (0..8).map(|_| {
        let (cache, transport, creds) = (cache.clone(), transport.clone(), creds.clone());
        tokio::spawn(async move { cache.token(&transport, "k1", &creds).await.unwrap() })
    });
    for call in calls {
        assert_eq!(call.await.unwrap(), "token-1");
    }
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    // Another service account gets its own token.
    let mut other: Value = serde_json::from_str(&creds).unwrap();
    other["client_email"] = json!("other@bifrost-test.iam.gserviceaccount.com");
    assert_eq!(
        cache
            .token(&transport, "k2", &other.to_string())
            .await
            .unwrap(),
        "token-2"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

fn key(region: &str) -> KeyConfig {
    let mut k = KeyConfig::new("vk", SecretValue::parse(""));
    k.vertex_key_config = Some(VertexKeyConfig {
        project_id: Setting::parse("my-proj"),
        region: Setting::parse(region),
        auth_credentials: SecretValue::parse("{}"),
        deployments: [(
            "claude-sonnet-4".to_string(),
            "claude-sonnet-4@20250514".to_string(),
        )]
        .into_iter()
        .collect(),
    });
    k
}

#[test]
fn urls_follow_the_region_global_and_a_configured_base() {
    assert_eq!(
        base_url("us-east5", None),
        "https://us-east5-aiplatform.googleapis.com/v1"
    );
    assert_eq!(
        base_url("global", None),
        "https://aiplatform.googleapis.com/v1"
    );
    assert_eq!(
        base_url("us-east5", Some("http://127.0.0.1:9/v1/")),
        "http://127.0.0.1:9/v1"
    );
    let t = Target::resolve(None, Some(&key("us-east5")), "claude-sonnet-4").unwrap();
    assert_eq!(t.publisher, Publisher::Anthropic);
    assert_eq!(
        t.url("rawPredict").unwrap(),
        "https://us-east5-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict"
    );
    let g = Target::resolve(None, Some(&key("global")), "gemini-2.5-pro").unwrap();
    assert_eq!(g.publisher, Publisher::Google);
    assert_eq!(
        g.url("generateContent").unwrap(),
        "https://aiplatform.googleapis.com/v1/projects/my-proj/locations/global/publishers/google/models/gemini-2.5-pro:generateContent"
    );
    let bad = Target::resolve(None, Some(&key("us/../x")), "claude-x").unwrap_err();
    assert!(
        bad.to_string().contains("vertex_key_config.region"),
        "{bad}"
    );
    let bare = KeyConfig::new("plain", SecretValue::parse("x"));
    let missing = Target::resolve(None, Some(&bare), "claude-x").unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("vertex key `plain` has no vertex_key_config"),
        "{missing}"
    );
}
