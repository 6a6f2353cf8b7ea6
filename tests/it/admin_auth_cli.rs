//! The remote CLI: `bifrost login --url` against a server on 127.0.0.1:0 over TCP, then
//! `bifrost --url ... provider list` / `vk create` / `admin token list` with the stored
//! credential, then `logout`. The keychain is not used (BIFROST_CREDENTIALS_FILE forces
//! the 0600 file), and no command shows a secret it was not asked to print.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use bifrost::admin::Credentials;
use tokio::io::AsyncWriteExt;

use crate::support::gateway::Gateway;

const BIN: &str = env!("CARGO_BIN_EXE_bifrost");
/// A hang guard for one CLI run (debug build, busy machine), not a timing assertion.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);
const PASSWORD: &str = "correct horse battery staple";

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Out {
    #[track_caller]
    fn ok(&self) -> &Out {
        assert_eq!(
            self.code,
            Some(0),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    fn never_shows(&self, secret: &str) -> &Out {
        assert!(
            !self.stdout.contains(secret) && !self.stderr.contains(secret),
            "a secret was shown:\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// One CLI machine: its own (empty) data dir and credentials file.
struct Cli {
    home: tempfile::TempDir,
}

impl Cli {
    fn new() -> Cli {
        Cli {
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn credentials(&self) -> PathBuf {
        self.home.path().join("config").join("credentials.json")
    }

    /// `bifrost --data-dir <own dir> ARGS` with `stdin` piped in.
    async fn run(&self, args: &[&str], stdin: &str) -> Out {
        self.run_in(&self.home.path().join("data"), args, stdin)
            .await
    }

    async fn run_in(&self, data_dir: &Path, args: &[&str], stdin: &str) -> Out {
        self.run_env(data_dir, args, stdin, &[]).await
    }

    async fn run_env(
        &self,
        data_dir: &Path,
        args: &[&str],
        stdin: &str,
        env: &[(&str, &str)],
    ) -> Out {
        let mut cmd = tokio::process::Command::new(BIN);
        for var in [
            "BIFROST_DATA_DIR",
            "BIFROST_URL",
            "BIFROST_ADMIN_TOKEN",
            "BIFROST_CONFIG",
            "RUST_LOG",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("BIFROST_CREDENTIALS_FILE", self.credentials())
            .arg("--data-dir")
            .arg(data_dir)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = cmd.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).await.unwrap();
        drop(input);
        let out = tokio::time::timeout(COMMAND_TIMEOUT, child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("`bifrost {args:?}` did not finish"))
            .unwrap();
        Out {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

#[tokio::test]
async fn login_then_manage_the_server_over_tcp_then_logout() {
    let gw = Gateway::start("").await;
    let url = format!("http://{}", gw.addr);
    let cli = Cli::new();
    // On the server's machine the CLI talks over the socket and needs no credential.
    let made = cli
        .run_in(
            gw.dir.path(),
            &["admin", "token", "create", "--name", "laptop"],
            "",
        )
        .await;
    made.ok();
    let token = made.stdout.trim().to_string();
    assert!(token.starts_with("bf-admin-"), "{token}");
    assert_eq!(
        made.stdout,
        format!("{token}\n"),
        "stdout holds the value alone"
    );

    cli.run(&["--url", &url, "login"], &format!("{token}\n"))
        .await
        .ok()
        .never_shows(&token);
    let file = std::fs::read_to_string(cli.credentials()).unwrap();
    assert!(file.contains(&token) && file.contains(&url));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cli.credentials())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let list = cli.run(&["--url", &url, "provider", "list"], "").await;
    list.ok().never_shows(&token);
    let vk = cli
        .run(&["--url", &url, "vk", "create", "--name", "remote-vk"], "")
        .await;
    vk.ok().never_shows(&token);
    assert!(vk.stdout.trim().starts_with("sk-bf-"), "{}", vk.stdout);
    let vks = gw.state.governance();
    let names: Vec<String> =
        bifrost::admin::Governance::list(&vks, bifrost::admin::Kind::VirtualKey)
            .await
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap().to_string())
            .collect();
    assert_eq!(names, ["remote-vk"], "the key was made on the server");
    let tokens = cli
        .run(&["--url", &url, "admin", "token", "list", "--json"], "")
        .await;
    tokens.ok().never_shows(&token);
    let listed: serde_json::Value = serde_json::from_str(&tokens.stdout).unwrap();
    assert_eq!(listed[0]["name"], "laptop");
    assert!(listed[0]["last_used_at"].is_string(), "{listed}");

    let out = cli.run(&["--url", &url, "logout"], "").await;
    out.ok();
    assert!(out.stderr.contains("logged out"), "{}", out.stderr);
    assert!(!std::fs::read_to_string(cli.credentials())
        .unwrap()
        .contains(&token));
    let after = cli.run(&["--url", &url, "provider", "list"], "").await;
    assert_eq!(after.code, Some(1), "{}", after.stderr);
    assert!(
        after.stderr.contains("bifrost login --url"),
        "{}",
        after.stderr
    );
    // `logout` only revokes tokens `login --username` made; this one was the user's.
    assert_eq!(gw.state.auth().list_tokens().await.unwrap().len(), 1);
}

#[tokio::test]
async fn login_with_a_password_stores_a_token_which_logout_revokes() {
    let gw = Gateway::start("").await;
    let url = format!("http://{}", gw.addr);
    let cli = Cli::new();
    cli.run_in(
        gw.dir.path(),
        &["admin", "set-password", "--username", "ops"],
        &format!("{PASSWORD}\n"),
    )
    .await
    .ok()
    .never_shows(PASSWORD);

    let login = cli
        .run(
            &["--url", &url, "login", "--username", "ops"],
            &format!("{PASSWORD}\n"),
        )
        .await;
    login.ok().never_shows(PASSWORD);
    assert!(login.stderr.contains("cli-login-ops-"), "{}", login.stderr);
    assert!(!std::fs::read_to_string(cli.credentials())
        .unwrap()
        .contains(PASSWORD));
    let tokens = gw.state.auth().list_tokens().await.unwrap();
    assert_eq!(tokens.len(), 1);
    assert!(tokens[0].name.starts_with("cli-login-ops-"));

    cli.run(&["--url", &url, "team", "list"], "").await.ok();
    let out = cli.run(&["--url", &url, "logout"], "").await;
    out.ok();
    assert!(out.stderr.contains("revoked admin token"), "{}", out.stderr);
    assert!(gw.state.auth().list_tokens().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_refused_credential_is_not_stored_and_the_error_says_why() {
    set_token_env();
    let gw = Gateway::start("[admin]\ntoken = \"env.BIFROST_IT_AUTH_TOKEN\"\n").await;
    let url = format!("http://{}", gw.addr);
    let cli = Cli::new();
    let wrong = "bf-admin-this-is-not-the-token";
    let out = cli
        .run(&["--url", &url, "login", "--token", wrong], "")
        .await;
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("refused the credential"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("bifrost admin token create"),
        "{}",
        out.stderr
    );
    assert!(!cli.credentials().exists());
    let no_url = cli.run(&["login"], "").await;
    assert_eq!(no_url.code, Some(2), "{}", no_url.stderr);
    assert!(no_url.stderr.contains("--url"), "{}", no_url.stderr);
}

fn set_token_env() {
    std::env::set_var(
        "BIFROST_IT_AUTH_TOKEN",
        "config-token-for-the-admin-auth-tests",
    );
}

#[tokio::test]
async fn without_a_server_admin_commands_work_on_the_store() {
    let cli = Cli::new();
    let made = cli
        .run(
            &[
                "admin",
                "token",
                "create",
                "--name",
                "ci",
                "--expires",
                "30d",
            ],
            "",
        )
        .await;
    made.ok();
    let token = made.stdout.trim().to_string();
    let list = cli.run(&["admin", "token", "list"], "").await;
    list.ok().never_shows(&token);
    assert!(list.stdout.contains("ci"), "{}", list.stdout);
    assert!(list.stdout.contains("EXPIRES"), "{}", list.stdout);
    let bad = cli
        .run(
            &[
                "admin",
                "token",
                "create",
                "--name",
                "x",
                "--expires",
                "soon",
            ],
            "",
        )
        .await;
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
    assert!(bad.stderr.contains("30d"), "{}", bad.stderr);
    cli.run(&["admin", "token", "revoke", "ci"], "").await.ok();
    let gone = cli.run(&["admin", "token", "revoke", "ci"], "").await;
    assert_eq!(gone.code, Some(1), "{}", gone.stderr);
    assert!(
        gone.stderr.contains("no admin token named"),
        "{}",
        gone.stderr
    );
}

#[tokio::test]
async fn bifrost_url_and_bifrost_admin_token_need_no_login() {
    let gw = Gateway::start("").await;
    let made = gw.state.auth().create_token("ci", None).await.unwrap();
    let url = format!("http://{}", gw.addr);
    let cli = Cli::new();
    let data = cli.home.path().join("data");
    let env = [
        ("BIFROST_URL", url.as_str()),
        ("BIFROST_ADMIN_TOKEN", made.token.as_str()),
    ];
    let out = cli
        .run_env(&data, &["customer", "create", "--name", "acme"], "", &env)
        .await;
    out.ok().never_shows(&made.token);
    let customers =
        bifrost::admin::Governance::list(&gw.state.governance(), bifrost::admin::Kind::Customer)
            .await
            .unwrap();
    assert_eq!(customers[0]["name"], "acme");
    assert!(!cli.credentials().exists(), "nothing was stored");
    assert!(!data.exists(), "the local store was never opened");
}
