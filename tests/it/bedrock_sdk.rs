//! boto3's `bedrock-runtime` client (pinned in tests/python/requirements.txt) as a
//! client of the Bedrock drop-in route, with a mock OpenAI-format upstream behind it
//! (see `tests/python/test_bedrock_sdk.py` for what the mock answers).

use crate::support::gateway::{one_upstream, Gateway};
use crate::support::python::assert_pytest_async;
use crate::support::upstream::{sdk_scenario, MockUpstream};

#[tokio::test]
async fn boto3_bedrock_runtime_works_against_the_gateway() {
    let up = MockUpstream::start(sdk_scenario).await;
    // The key lists its models, so `nope/nothing` stays unroutable.
    let config = format!(
        "{}models = [\"chat\", \"tools\"]\n",
        one_upstream(&up.base_url())
    );
    let gw = Gateway::start(&config).await;
    let out = assert_pytest_async(
        "test_bedrock_sdk.py",
        &[("BIFROST_BEDROCK_URL", gw.url("/bedrock"))],
    )
    .await;
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("5 passed") && !summary.contains("failed"),
        "{summary}"
    );
    // The SigV4 Authorization header never reached the upstream.
    for seen in up.requests() {
        assert_eq!(seen.bearer(), Some("sk-up-1"));
        assert!(seen.header("x-amz-date").is_none());
    }
}
