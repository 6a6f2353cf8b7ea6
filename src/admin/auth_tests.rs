//! [`AdminAuth`] on a real store with a manual clock: expiry, the config token, Basic
//! with its verification cache, and failures counted per address.

use std::net::IpAddr;
use std::sync::Arc;

use base64::Engine as _;

use super::auth::{AdminAuth, Denied, Principal};
use super::auth_ops::Credentials;
use crate::config::SecretValue;
use crate::governance::ManualClock;
use crate::hooks::Background;
use crate::store::Store;

fn auth(config_token: Option<&str>) -> (AdminAuth, Arc<ManualClock>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let clock = Arc::new(ManualClock::new(1_000_000));
    let auth = AdminAuth::new(
        store,
        config_token.map(|t| SecretValue::Literal(t.into())),
        clock.clone(),
        Background::default(),
    )
    .unwrap();
    (auth, clock, dir)
}

fn here() -> IpAddr {
    "192.0.2.7".parse().unwrap()
}

fn bearer(t: &str) -> Vec<u8> {
    format!("Bearer {t}").into_bytes()
}

fn basic(user: &str, pass: &str) -> Vec<u8> {
    let b = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
    format!("basic {b}").into_bytes()
}

#[tokio::test]
async fn nothing_configured_closes_the_api() {
    let (auth, _, _dir) = auth(None);
    assert_eq!(auth.check(here(), None).await, Err(Denied::NotConfigured));
    assert_eq!(
        auth.check(here(), Some(&bearer("x"))).await,
        Err(Denied::Invalid)
    );
}

#[tokio::test]
async fn a_config_token_from_an_unset_env_var_leaves_the_api_closed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let auth = AdminAuth::new(
        store,
        Some(SecretValue::Env("BIFROST_UNIT_TEST_NEVER_SET".into())),
        Arc::new(ManualClock::new(0)),
        Background::default(),
    )
    .unwrap();
    assert_eq!(auth.check(here(), None).await, Err(Denied::NotConfigured));
}

#[tokio::test]
async fn the_config_token_matches_only_itself() {
    let (auth, _, _dir) = auth(Some("cfg-token"));
    assert_eq!(
        auth.check(here(), Some(&bearer("cfg-token"))).await,
        Ok(Principal::ConfigToken)
    );
    assert_eq!(
        auth.check(here(), Some(&bearer("cfg-toke"))).await,
        Err(Denied::Invalid)
    );
    assert_eq!(auth.check(here(), None).await, Err(Denied::Missing));
}

#[tokio::test]
async fn a_token_expires_on_the_clock_and_its_use_is_recorded() {
    let (auth, clock, _dir) = auth(None);
    let made = auth.create_token("ci", Some(3_600)).await.unwrap();
    let header = bearer(&made.token);
    assert_eq!(
        auth.check(here(), Some(&header)).await,
        Ok(Principal::Token("ci".into()))
    );
    let listed = auth.list_tokens().await.unwrap();
    assert!(listed[0].last_used_at.is_some(), "{listed:?}");
    clock.advance(3_599);
    assert!(auth.check(here(), Some(&header)).await.is_ok());
    clock.advance(1);
    assert_eq!(
        auth.check(here(), Some(&header)).await,
        Err(Denied::Expired("ci".into()))
    );
}

#[tokio::test]
async fn basic_checks_user_and_password_and_a_new_password_ends_the_cache() {
    let (auth, _, _dir) = auth(None);
    auth.set_password("ops", "first password").await.unwrap();
    let good = basic("ops", "first password");
    assert_eq!(
        auth.check(here(), Some(&good)).await,
        Ok(Principal::Login("ops".into()))
    );
    // Answered from the cache this time; same verdict.
    assert!(auth.check(here(), Some(&good)).await.is_ok());
    assert_eq!(
        auth.check(here(), Some(&basic("Ops", "first password")))
            .await,
        Err(Denied::Invalid)
    );
    auth.set_password("ops", "second password").await.unwrap();
    assert_eq!(
        auth.check(here(), Some(&good)).await,
        Err(Denied::Invalid),
        "the cache is keyed by the stored hash too"
    );
    assert!(auth
        .check(here(), Some(&basic("ops", "second password")))
        .await
        .is_ok());
}

#[tokio::test]
async fn failures_lock_out_one_address_for_the_window() {
    let (auth, clock, _dir) = auth(Some("cfg-token"));
    let other: IpAddr = "192.0.2.8".parse().unwrap();
    for _ in 0..super::auth::MAX_FAILURES {
        let _ = auth.check(here(), Some(b"Bearer nope")).await;
    }
    let good = bearer("cfg-token");
    assert!(matches!(
        auth.check(here(), Some(&good)).await,
        Err(Denied::RateLimited(_))
    ));
    assert!(auth.check(other, Some(&good)).await.is_ok());
    clock.advance(super::auth::FAILURE_WINDOW);
    assert!(auth.check(here(), Some(&good)).await.is_ok());
}
