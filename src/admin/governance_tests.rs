//! The local governance operations against a real store in a temp dir.

use std::sync::Arc;

use serde_json::json;

use super::{Governance, GovernanceError, Kind, LocalGovernance};
use crate::store::Store;

fn admin() -> (tempfile::TempDir, LocalGovernance) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    (dir, LocalGovernance::new(store))
}

#[tokio::test]
async fn keys_are_created_shown_once_and_listed_without_secrets() {
    let (_dir, g) = admin();
    let team = g.create(Kind::Team, json!({"name": "eng"})).await.unwrap();
    let created = g
        .create(
            Kind::VirtualKey,
            json!({"name": "ci", "team_id": team["id"], "budget": {"max_limit": 5, "reset_duration": "1d"}, "value": "sk-bf-mine"}),
        )
        .await
        .unwrap();
    let value = created["value"].as_str().unwrap();
    assert!(
        value.starts_with("sk-bf-") && value != "sk-bf-mine",
        "{value}"
    );
    assert!(created.get("value_hash").is_none());
    let listed = g.list(Kind::VirtualKey).await.unwrap();
    let text = serde_json::to_string(&listed).unwrap();
    assert!(
        !text.contains(value) && !text.contains("value_hash"),
        "{text}"
    );
    let shown = g.get(Kind::VirtualKey, "ci").await.unwrap();
    assert_eq!(shown["budgets"][0]["max_limit"], 5.0);
    assert!(shown.get("value").is_none());

    let rotated = g.rotate("ci").await.unwrap();
    assert_ne!(rotated["value"], created["value"]);
    assert_ne!(rotated["value_hint"], created["value_hint"]);

    let updated = g
        .update(
            Kind::VirtualKey,
            "ci",
            json!({"team_id": null, "is_active": false}),
        )
        .await
        .unwrap();
    assert!(updated.get("team_id").is_none());
    assert_eq!(updated["is_active"], false);
    assert_eq!(updated["created_at"], created["created_at"]);
    let cleared = g
        .update(
            Kind::VirtualKey,
            "ci",
            json!({"budget": {"max_limit": null, "reset_duration": null}}),
        )
        .await
        .unwrap();
    assert_eq!(
        cleared["budgets"],
        json!([]),
        "all-null object removes, as in the reference"
    );

    let usage = g.usage("ci").await.unwrap();
    assert_eq!(usage["levels"][0]["level"], "virtual_key");
    g.delete(Kind::VirtualKey, "ci").await.unwrap();
    let err = g.get(Kind::VirtualKey, "ci").await.unwrap_err();
    assert_eq!(err.status(), 404);
    assert_eq!(
        err.to_string(),
        "virtual key `ci` does not exist (see `bifrost vk list`)"
    );
}

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing() {
    let (_dir, g) = admin();
    let err = g
        .create(
            Kind::VirtualKey,
            json!({"name": "ci", "team_id": "nope", "allowed_models": []}),
        )
        .await
        .unwrap_err();
    let GovernanceError::Invalid(problems) = &err else {
        panic!("{err}")
    };
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[1].starts_with("team_id `nope` does not exist"),
        "{problems:?}"
    );
    let err = g
        .create(
            Kind::VirtualKey,
            json!({"name": "ci", "provider_configs": [{"provider": "ghost"}]}),
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("`ghost` is not a configured provider"),
        "{err}"
    );
    assert!(g.list(Kind::VirtualKey).await.unwrap().is_empty());
    g.create(Kind::Customer, json!({"name": "acme"}))
        .await
        .unwrap();
    let err = g
        .create(Kind::Customer, json!({"name": "acme"}))
        .await
        .unwrap_err();
    assert_eq!(err.status(), 409, "{err}");
}

#[tokio::test]
async fn every_change_reaches_the_engine_before_the_next_request() {
    use crate::governance::{Credential, Engine, ManualClock, Source};
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let engine = Engine::new(ManualClock::new(0));
    let applied = engine.clone();
    let g = LocalGovernance::with_publisher(store, Arc::new(move |c| applied.apply(&c)));
    let created = g
        .create(Kind::VirtualKey, json!({"name": "ci"}))
        .await
        .unwrap();
    let cred = Credential {
        value: created["value"].as_str().unwrap().to_string(),
        source: Source::VkHeader,
    };
    engine.authenticate(Some(&cred)).unwrap();
    g.update(Kind::VirtualKey, "ci", json!({"is_active": false}))
        .await
        .unwrap();
    assert_eq!(engine.authenticate(Some(&cred)).unwrap_err().status, 403);
    g.delete(Kind::VirtualKey, "ci").await.unwrap();
    assert_eq!(engine.authenticate(Some(&cred)).unwrap_err().status, 401);
}
