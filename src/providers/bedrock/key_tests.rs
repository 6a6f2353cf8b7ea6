//! How keys become endpoints and credentials, config validation of bedrock providers,
//! and the embedding bodies of each model family.

use std::sync::Arc;

use serde_json::json;

use super::target::Auth;
use super::{embed, Bedrock};
use crate::config::{
    BedrockKeyConfig, KeyConfig, ProviderConfig, ProviderType, SecretValue, Setting,
};
use crate::providers::Call;
use crate::schema::EmbeddingRequest;

fn provider(base_url: Option<&str>) -> Bedrock {
    let mut config = ProviderConfig::new(ProviderType::Bedrock);
    config.base_url = base_url.map(str::to_string);
    Bedrock::new(&config)
}

fn aws_key(session: Option<&str>) -> KeyConfig {
    let mut key = KeyConfig::new("aws", SecretValue::parse(""));
    key.bedrock_key_config = Some(BedrockKeyConfig {
        access_key: SecretValue::parse("AKIDEXAMPLE"),
        secret_key: SecretValue::parse("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        session_token: session.map(SecretValue::parse),
        region: Setting::parse("eu-west-3"),
        deployments: [(
            "claude".to_string(),
            "arn:aws:bedrock:eu-west-3:1:inference-profile/eu.x".to_string(),
        )]
        .into(),
    });
    key
}

fn call(key: KeyConfig, model: &str) -> Call {
    Call {
        model: model.into(),
        api_key: Some(key.value.expose()),
        key: Some(Arc::new(key)),
        request_id: "r".into(),
        traceparent: None,
    }
}

#[test]
fn keys_become_regional_endpoints_deployments_and_credentials() {
    let t = provider(None)
        .target(&call(aws_key(None), "claude"))
        .unwrap();
    assert_eq!(
        t.endpoint,
        "https://bedrock-runtime.eu-west-3.amazonaws.com"
    );
    assert_eq!(
        t.model_id,
        "arn:aws:bedrock:eu-west-3:1:inference-profile/eu.x"
    );
    assert!(matches!(t.auth, Auth::SigV4 { ref region, .. } if region == "eu-west-3"));
    let t = provider(Some("http://127.0.0.1:9/"))
        .target(&call(aws_key(None), "other"))
        .unwrap();
    assert_eq!(
        (t.endpoint.as_str(), t.model_id.as_str()),
        ("http://127.0.0.1:9", "other")
    );
    // An API key needs base_url, which names the region.
    let api = KeyConfig::new("api", SecretValue::parse("bedrock-api-key-123"));
    let text = provider(None)
        .target(&call(api.clone(), "m"))
        .err()
        .unwrap()
        .to_string();
    assert!(text.contains("base_url"), "{text}");
    let t = provider(Some("https://bedrock-runtime.us-west-2.amazonaws.com"))
        .target(&call(api, "m"))
        .unwrap();
    assert!(matches!(t.auth, Auth::Bearer(ref k) if k == "bedrock-api-key-123"));
}

#[test]
fn missing_credentials_name_the_key_and_the_field() {
    let empty = KeyConfig::new("k9", SecretValue::parse(""));
    let text = provider(None)
        .target(&call(empty, "m"))
        .err()
        .unwrap()
        .to_string();
    assert!(
        text.contains("`k9`") && text.contains("bedrock_key_config"),
        "{text}"
    );
    let mut key = aws_key(Some("env.BIFROST_TEST_UNSET_SESSION_TOKEN"));
    key.name = "k7".into();
    let text = provider(None)
        .target(&call(key, "m"))
        .err()
        .unwrap()
        .to_string();
    assert!(
        text.contains("`k7`") && text.contains("session_token"),
        "{text}"
    );
    assert!(!text.contains("EXAMPLEKEY"), "{text}");
}

#[test]
fn config_problems_for_bedrock() {
    let mut p = ProviderConfig::new(ProviderType::Bedrock);
    assert!(
        p.problems().is_empty(),
        "no base_url is fine: {:?}",
        p.problems()
    );
    p.keys.push(aws_key(None));
    assert!(p.problems().is_empty(), "{:?}", p.problems());
    p.keys.push(KeyConfig::new("bare", SecretValue::parse("")));
    let problems = p.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("`bare`") && problems[0].contains("bedrock_key_config"));
}

#[test]
fn embedding_families_and_bodies() {
    assert_eq!(
        embed::family("amazon.titan-embed-text-v2:0").unwrap(),
        embed::Family::Titan
    );
    assert_eq!(
        embed::family("cohere.embed-english-v3").unwrap(),
        embed::Family::Cohere
    );
    assert!(embed::family("amazon.nova-pro-v1:0").is_err());
    let req: EmbeddingRequest =
        serde_json::from_value(json!({"model": "m", "input": ["a", "b"], "dimensions": 256}))
            .unwrap();
    assert_eq!(
        embed::inputs(&req, embed::Family::Titan).unwrap(),
        ["a", "b"]
    );
    assert_eq!(
        embed::titan_body("a", &req),
        json!({"inputText": "a", "dimensions": 256})
    );
    assert!(embed::inputs(&req, embed::Family::Cohere).is_err());
    let texts = vec!["a".to_string()];
    assert_eq!(
        embed::cohere_body(&texts, &req),
        json!({"texts": ["a"], "input_type": "search_document"})
    );
    let tokens: EmbeddingRequest =
        serde_json::from_value(json!({"model": "m", "input": [[1, 2]]})).unwrap();
    assert!(embed::inputs(&tokens, embed::Family::Titan).is_err());
    let (v, n) =
        embed::titan_answer(&json!({"embedding": [0.5, -0.25], "inputTextTokenCount": 3})).unwrap();
    assert_eq!((v, n), (json!([0.5, -0.25]), 3));
    assert_eq!(
        embed::cohere_answer(&json!({"embeddings": [[1.0]]}), 1).unwrap(),
        vec![json!([1.0])]
    );
}
