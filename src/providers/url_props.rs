//! Property tests of every adapter's upstream URL builder (issue 14): whatever model id
//! a client sends, the URL's path stays under the adapter's endpoint prefix, holds the
//! id as exactly one segment that decodes back to it, has no dot segment, and its query
//! is exactly the adapter's own; or the id is refused, and only an id no provider uses.
//!
//! The refusal rule is restated here rather than borrowed from `path`, so that a
//! change to it has to be made twice, on purpose.

use std::sync::Arc;

use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::vertex::target::{Publisher, Target as VertexTarget};
use super::{azure, bedrock, gemini, openai, Call, ProviderError};
use crate::config::{AzureKeyConfig, KeyConfig, SecretValue, Setting};

/// Model ids built from the fragments that have broken URL builders (dot segments,
/// slashes, query and fragment marks, escapes, NUL, CR LF, unicode), ordinary words so
/// that valid ids come up too, and any character at all.
fn model_id() -> impl Strategy<Value = String> {
    let hostile = prop_oneof![
        Just(".."),
        Just("."),
        Just("/"),
        Just("\\"),
        Just("?"),
        Just("#"),
        Just("%"),
        Just("%2F"),
        Just("%2e%2e"),
        Just("\0"),
        Just("\r\n"),
        Just(":"),
        Just("@"),
        Just("&"),
        Just("="),
        Just(" "),
        Just("models/"),
        Just("é"),
        Just("模型"),
        Just("🦀"),
        Just("\u{202e}"),
    ]
    .prop_map(str::to_string);
    let piece = prop_oneof![
        4 => hostile,
        3 => "[a-z0-9.-]{1,8}",
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..10).prop_map(|pieces| pieces.concat())
}

/// Whether no provider's ids look like `id`: empty, a control character, or a `.` or
/// `..` segment between `/` or `\`.
fn refusable(id: &str) -> bool {
    id.is_empty()
        || id.chars().any(char::is_control)
        || id.split(['/', '\\']).any(|s| s == "." || s == "..")
}

/// Checks one built URL for `id` against the adapter's `prefix` (the path up to the
/// id), `suffix` (the path after it) and `query`.
fn check(
    built: Result<String, ProviderError>,
    id: &str,
    prefix: &str,
    suffix: &str,
    query: Option<&str>,
) -> Result<(), TestCaseError> {
    let url = match built {
        Err(e) => {
            prop_assert!(matches!(e, ProviderError::Unsupported(_)), "{e:?}");
            prop_assert!(refusable(id), "refused an ordinary id {id:?}: {e}");
            return Ok(());
        }
        Ok(url) => url,
    };
    prop_assert!(!refusable(id), "sent {id:?} as {url}");
    // As the transport parses it (`Request::post(url)`).
    let uri: http::Uri = url
        .parse()
        .map_err(|e| TestCaseError::fail(format!("{id:?} made an unparseable URL {url}: {e}")))?;
    prop_assert_eq!(uri.host(), Some("upstream.test"));
    let path = uri.path();
    prop_assert!(path.starts_with(prefix), "{} is not under {}", path, prefix);
    prop_assert!(
        path.ends_with(suffix),
        "{} does not end in {}",
        path,
        suffix
    );
    prop_assert!(path.len() >= prefix.len() + suffix.len(), "{}", path);
    let segment = &path[prefix.len()..path.len() - suffix.len()];
    prop_assert!(
        !segment.contains('/'),
        "{} is more than one segment",
        segment
    );
    let decoded = percent_decode_str(segment).decode_utf8();
    prop_assert_eq!(decoded.as_deref().ok(), Some(id), "{}", segment);
    prop_assert!(
        path.split('/').all(|s| s != "." && s != ".."),
        "a dot segment in {}",
        path
    );
    prop_assert_eq!(uri.query(), query, "{}", url);
    Ok(())
}

fn call(model: &str, key: Option<KeyConfig>) -> Call {
    Call {
        model: Arc::from(model),
        api_key: Some("secret".into()),
        key: key.map(Arc::new),
        request_id: Arc::from("req-1"),
        traceparent: None,
    }
}

fn azure_key() -> KeyConfig {
    KeyConfig {
        azure_key_config: Some(AzureKeyConfig {
            endpoint: Setting::parse("https://upstream.test/"),
            deployments: Default::default(),
            api_version: None,
            use_bearer: false,
        }),
        ..KeyConfig::new("k", SecretValue::parse("secret"))
    }
}

proptest! {
    // 200 cases run in well under a second. No regression files: proptest would write
    // them into the source tree; a failure prints its minimal input, which then
    // belongs in a plain test below.
    #![proptest_config(ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn gemini_keeps_the_model_one_segment_under_models(model in model_id()) {
        let base = "https://upstream.test/v1beta";
        let id = model.strip_prefix("models/").unwrap_or(&model);
        for (method, suffix, query) in [
            ("generateContent", ":generateContent", None),
            ("streamGenerateContent?alt=sse", ":streamGenerateContent", Some("alt=sse")),
            ("batchEmbedContents", ":batchEmbedContents", None),
        ] {
            let built = gemini::url(base, &model, method);
            check(built, id, "/v1beta/models/", suffix, query)?;
        }
    }

    #[test]
    fn vertex_keeps_the_model_one_segment_under_its_publisher(model in model_id()) {
        for publisher in [Publisher::Anthropic, Publisher::Google] {
            let target = VertexTarget {
                base: "https://upstream.test/v1".into(),
                project: "proj".into(),
                region: "us-east5".into(),
                model: model.clone(),
                publisher,
            };
            let name = match publisher {
                Publisher::Anthropic => "anthropic",
                Publisher::Google => "google",
            };
            let prefix = format!("/v1/projects/proj/locations/us-east5/publishers/{name}/models/");
            for (method, suffix, query) in [
                ("rawPredict", ":rawPredict", None),
                ("streamGenerateContent?alt=sse", ":streamGenerateContent", Some("alt=sse")),
            ] {
                check(target.url(method), &model, &prefix, suffix, query)?;
            }
        }
    }

    #[test]
    fn azure_keeps_the_deployment_one_segment_with_only_its_api_version(model in model_id()) {
        let built = azure::deployment_url(
            "https://upstream.test/",
            &model,
            "/chat/completions",
            azure::DEFAULT_API_VERSION,
        );
        let query = format!("api-version={}", azure::DEFAULT_API_VERSION);
        check(built, &model, "/openai/deployments/", "/chat/completions", Some(&query))?;
        // The same through the OpenAI adapter's per-call target, key settings and all.
        let built = openai::Target::Azure.url(&call(&model, Some(azure_key())), "/embeddings");
        check(built, &model, "/openai/deployments/", "/embeddings", Some(&query))?;
    }

    #[test]
    fn openai_format_upstreams_never_put_the_model_in_the_url(model in model_id()) {
        let target = openai::Target::Base("https://upstream.test/v1".into());
        let url = target.url(&call(&model, None), "/chat/completions").ok();
        prop_assert_eq!(url.as_deref(), Some("https://upstream.test/v1/chat/completions"));
    }

    #[test]
    fn bedrock_keeps_the_model_one_segment_under_model(model in model_id()) {
        for action in ["converse", "converse-stream", "invoke"] {
            let built = bedrock::model_url("https://upstream.test", &model, action);
            check(built, &model, "/model/", &format!("/{action}"), None)?;
        }
    }
}

/// The reproductions of issue 14, spelled out.
#[test]
fn the_reported_gemini_models_are_refused_or_escaped() {
    let base = "https://upstream.test/v1beta";
    let refused = gemini::url(base, "../../v1/x", "generateContent").unwrap_err();
    assert!(
        refused.to_string().contains("`..` path segment"),
        "{refused}"
    );
    assert!(gemini::url(base, "../../etc", "generateContent").is_err());
    assert_eq!(
        gemini::url(base, "x?alt=json&y=", "generateContent").unwrap(),
        "https://upstream.test/v1beta/models/x%3Falt%3Djson%26y%3D:generateContent"
    );
    assert_eq!(
        gemini::url(
            base,
            "models/gemini-2.5-flash",
            "streamGenerateContent?alt=sse"
        )
        .unwrap(),
        "https://upstream.test/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    );
}
