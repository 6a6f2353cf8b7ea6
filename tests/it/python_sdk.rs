//! The official OpenAI Python SDK as a client (installed into a venv by the test).

use crate::support::gateway::Gateway;
use crate::support::python::assert_pytest_async;

#[tokio::test]
async fn the_openai_python_sdk_works_against_the_gateway() {
    // The mock's key lists its model, so `nope/nothing` stays unroutable (a keyless mock
    // would catch every model).
    let gw = Gateway::start(
        r#"
[providers.mock]
type = "mock"
[[providers.mock.keys]]
name = "k"
value = "unused"
models = ["demo-model"]
"#,
    )
    .await;
    let out = assert_pytest_async(
        "test_openai_sdk.py",
        &[
            ("BIFROST_BASE_URL", gw.url("/v1")),
            ("BIFROST_MOCK_MODEL", "mock/demo-model".to_string()),
        ],
    )
    .await;
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains(" passed") && !summary.contains("failed"),
        "{summary}"
    );
}
