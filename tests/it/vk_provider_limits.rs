//! `bifrost vk --provider-budget/--provider-rpm/--provider-tpm` from the built binary
//! on a temp data dir: the limits land on their providers' `provider_configs`, an
//! update changes only what it names, and a provider the key does not use is refused.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_bifrost");

fn bifrost(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .env_remove("BIFROST_DATA_DIR")
        .env_remove("BIFROST_URL")
        .env_remove("RUST_LOG")
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn configs(dir: &Path, key: &str) -> Value {
    let (code, out, err) = bifrost(dir, &["vk", "show", key, "--json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str::<Value>(&out).unwrap()["provider_configs"].clone()
}

#[test]
fn per_provider_limits_land_on_their_providers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for name in ["openai", "azure"] {
        let (code, _, err) = bifrost(d, &["provider", "add", name, "--type", "mock"]);
        assert_eq!(code, 0, "{err}");
    }
    let (code, _, err) = bifrost(
        d,
        &[
            "vk",
            "create",
            "--name",
            "p",
            "--provider",
            "openai:0.5",
            "--provider",
            "azure:0.5",
            "--provider-budget",
            "openai:50:1M",
            "--provider-rpm",
            "azure:100",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let c = configs(d, "p");
    assert_eq!(c[0]["budgets"][0]["max_limit"], json!(50.0), "{c}");
    assert_eq!(c[0]["budgets"][0]["reset_duration"], "1M", "{c}");
    assert_eq!(c[1]["rate_limit"]["request_max_limit"], 100, "{c}");

    // An update names only tokens per minute: the rest stays.
    let (code, _, err) = bifrost(d, &["vk", "update", "p", "--provider-tpm", "azure:5000"]);
    assert_eq!(code, 0, "{err}");
    let c = configs(d, "p");
    assert_eq!(c[1]["rate_limit"]["request_max_limit"], 100, "{c}");
    assert_eq!(c[1]["rate_limit"]["token_max_limit"], 5000, "{c}");
    assert_eq!(c[0]["budgets"][0]["max_limit"], json!(50.0), "{c}");

    // A provider the key does not use, and a bad amount: refused, nothing changes.
    let (code, _, err) = bifrost(d, &["vk", "update", "p", "--provider-rpm", "groq:5"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err,
        "error: provider `groq` has a limit but is not among the key's providers; add it to them first\n"
    );
    let (code, _, err) = bifrost(
        d,
        &["vk", "update", "p", "--provider-budget", "openai:lots"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("budget `lots` in `openai:lots` is not a positive amount in USD"),
        "{err}"
    );
    assert_eq!(configs(d, "p")[1]["rate_limit"]["token_max_limit"], 5000);
}
