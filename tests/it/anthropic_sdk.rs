//! The official Anthropic Python SDK as a client of the Anthropic drop-in route, with a
//! mock OpenAI-format upstream behind it (installed into the test venv like the OpenAI
//! SDK; see `tests/python/test_anthropic_sdk.py` for what the mock answers).

use crate::support::gateway::{one_upstream, Gateway};
use crate::support::python::assert_pytest_async;
use crate::support::upstream::{sdk_scenario, MockUpstream};

#[tokio::test]
async fn the_anthropic_python_sdk_works_against_the_gateway() {
    let up = MockUpstream::start(sdk_scenario).await;
    // The key lists its models, so `nope/nothing` stays unroutable.
    let config = format!(
        "{}models = [\"chat\", \"tools\", \"limited\"]\n",
        one_upstream(&up.base_url())
    );
    let gw = Gateway::start(&config).await;
    let out = assert_pytest_async(
        "test_anthropic_sdk.py",
        &[("BIFROST_ANTHROPIC_BASE_URL", gw.url("/anthropic"))],
    )
    .await;
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("7 passed") && !summary.contains("failed"),
        "{summary}"
    );
    // The SDK's x-api-key never reached the upstream.
    for seen in up.requests() {
        assert_eq!(seen.header("x-api-key"), None);
        assert_eq!(seen.bearer(), Some("sk-up-1"));
    }
}
