//! The official OpenAI Python SDK's Responses API (`client.responses.create` and
//! `client.responses.stream`: text, and a function-call round trip) against the
//! Anthropic, Gemini and Bedrock mocks, through the gateway's translation (see
//! `tests/python/test_openai_responses.py`).

use crate::responses_vendors::{Scenario, VENDORS};
use crate::support::gateway::Gateway;
use crate::support::python::assert_pytest_async;

#[tokio::test]
async fn the_openai_sdks_responses_api_works_against_anthropic_gemini_and_bedrock() {
    let mut config = String::new();
    let mut mocks = Vec::new();
    for vendor in VENDORS {
        let up = vendor.mock(Scenario::weather()).await;
        config.push_str(&vendor.config(&up));
        mocks.push(up);
    }
    let gw = Gateway::start(&config).await;
    let models: Vec<String> = VENDORS.iter().map(|v| v.model()).collect();
    let out = assert_pytest_async(
        "test_openai_responses.py",
        &[
            ("BIFROST_BASE_URL", gw.url("/v1")),
            ("BIFROST_MODELS", models.join(",")),
        ],
    )
    .await;
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("15 passed") && !summary.contains("failed"),
        "{summary}"
    );
    // Each vendor served its share: text, stream, and two round trips of two calls.
    for up in &mocks {
        assert_eq!(up.request_count(), 6);
    }
}
