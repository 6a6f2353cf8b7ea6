//! The built `bifrost` binary end to end: every test runs it against its own temp data
//! dir and checks exit codes (0 ok, 1 a problem, 2 usage or config error), stdout and
//! stderr. Literal key values must never be printed in full.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::client;

const BIN: &str = env!("CARGO_BIN_EXE_bifrost");

/// A literal key, and a piece of it that no masked form may contain.
const SECRET: &str = "sk-live-abcdefghijklmnopqrstuvwxyz";
const SECRET_PART: &str = "abcdefghijklmnop";

/// How long one CLI command may take before the test gives up (debug build, busy box).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// How long `serve` may take to print its listening line, and to stop after SIGTERM.
const SERVE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one HTTP call to the spawned server may take.
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Environment that would redirect the binary away from the test's own settings.
const SCRUBBED_ENV: [&str; 6] = [
    "BIFROST_DATA_DIR",
    "BIFROST_CONFIG",
    "BIFROST_HOST",
    "BIFROST_PORT",
    "BIFROST_ADMIN_TOKEN",
    "RUST_LOG",
];

/// The binary with a clean environment; stdin is empty.
fn command() -> Command {
    let mut cmd = Command::new(BIN);
    for var in SCRUBBED_ENV {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null());
    cmd
}

/// A finished run of the binary.
#[derive(Debug)]
struct Run {
    what: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Asserts the exit code.
    #[track_caller]
    fn code(&self, want: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(want),
            "`{}` exited with {:?}, expected {want}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.what,
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts exit code 0.
    #[track_caller]
    fn ok(&self) -> &Run {
        self.code(0)
    }

    /// Asserts that stdout contains `needle`.
    #[track_caller]
    fn stdout_has(&self, needle: &str) -> &Run {
        assert!(
            self.stdout.contains(needle),
            "stdout of `{}` lacks {needle:?}:\n{}\n--- stderr:\n{}",
            self.what,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts that stderr contains `needle`.
    #[track_caller]
    fn stderr_has(&self, needle: &str) -> &Run {
        assert!(
            self.stderr.contains(needle),
            "stderr of `{}` lacks {needle:?}:\n{}\n--- stdout:\n{}",
            self.what,
            self.stderr,
            self.stdout
        );
        self
    }

    /// Asserts that neither stream contains `needle`.
    #[track_caller]
    fn never_shows(&self, needle: &str) -> &Run {
        for (stream, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            assert!(
                !text.contains(needle),
                "{stream} of `{}` shows {needle:?}:\n{text}",
                self.what
            );
        }
        self
    }

    /// stdout parsed as JSON.
    #[track_caller]
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout of `{}` is not JSON ({e}):\n{}",
                self.what, self.stdout
            )
        })
    }
}

/// Sends `signal` to `pid` (a process this test started).
fn signal(pid: u32, signal: &str) -> bool {
    Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `cmd` to completion, killing it if it outlives [`COMMAND_TIMEOUT`].
fn execute(mut cmd: Command) -> Run {
    let what = format!(
        "bifrost {}",
        cmd.get_args()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start `{what}`: {e}"));
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(COMMAND_TIMEOUT) {
        Ok(output) => {
            let output = output.unwrap_or_else(|e| panic!("cannot wait for `{what}`: {e}"));
            Run {
                what,
                code: output.status.code(),
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            }
        }
        Err(_) => {
            // The waiting thread has not reaped it, so the pid is still this child's.
            signal(pid, "KILL");
            panic!("`{what}` did not finish within {COMMAND_TIMEOUT:?}");
        }
    }
}

/// `bifrost --data-dir DIR ARGS...`.
fn bifrost(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = command();
    cmd.arg("--data-dir").arg(dir).args(args);
    execute(cmd)
}

/// `bifrost ARGS...` without a data dir.
fn bifrost_bare(args: &[&str]) -> Run {
    let mut cmd = command();
    cmd.args(args);
    execute(cmd)
}

/// Runs blocking work off the async runtime, re-raising its panic as is.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(f).await {
        Ok(v) => v,
        Err(e) => match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("blocking task failed: {e}"),
        },
    }
}

/// `bifrost ARGS... --data-dir DIR` (the flag after the subcommand), off the runtime.
async fn bifrost_async(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = command();
    cmd.args(args).arg("--data-dir").arg(dir);
    blocking(move || execute(cmd)).await
}

fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Adds the openai-compatible provider `local` with the literal key [`SECRET`].
fn add_local(dir: &Path) -> Run {
    let run = bifrost(
        dir,
        &[
            "provider",
            "add",
            "local",
            "--type",
            "openai-compatible",
            "--base-url",
            "http://127.0.0.1:9/v1",
            "--key",
            SECRET,
            "--models",
            "llama3",
        ],
    );
    run.ok()
        .stdout_has("added provider `local`")
        .never_shows(SECRET_PART);
    run
}

#[test]
fn provider_add_then_list_as_table_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    bifrost(d, &["provider", "list"])
        .ok()
        .stdout_has("no providers");
    bifrost(d, &["provider", "add", "demo", "--type", "mock"])
        .ok()
        .stdout_has("added provider `demo` (mock, 0 keys)");

    let table = bifrost(d, &["provider", "list"]);
    table.ok();
    let header = table.stdout.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("NAME") && header.contains("TYPE"),
        "{}",
        table.stdout
    );
    let row = table
        .stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some("demo"))
        .unwrap_or_else(|| panic!("no `demo` row:\n{}", table.stdout));
    assert!(row.split_whitespace().any(|c| c == "mock"), "{row}");

    let list = bifrost(d, &["provider", "list", "--json"]);
    let providers = list.ok().json();
    let providers = providers
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {providers}"));
    assert_eq!(providers.len(), 1, "{providers:?}");
    assert_eq!(providers[0]["provider"], "demo");
    assert_eq!(providers[0]["type"], "mock");
    assert_eq!(providers[0]["keys"], json!([]));

    // BIFROST_DATA_DIR stands in for --data-dir.
    let mut cmd = command();
    cmd.env("BIFROST_DATA_DIR", d)
        .args(["provider", "list", "--json"]);
    let via_env = execute(cmd);
    assert_eq!(via_env.ok().json(), list.json());

    bifrost(d, &["provider", "remove", "demo"])
        .ok()
        .stdout_has("removed provider `demo`");
    assert_eq!(
        bifrost(d, &["provider", "list", "--json"]).ok().json(),
        json!([])
    );
    bifrost(d, &["provider", "remove", "demo"])
        .code(1)
        .stderr_has("does not exist");
}

#[test]
fn presets_need_only_a_name_and_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let types = bifrost_bare(&["provider", "types"]);
    types.ok();
    for (kind, url) in [
        ("groq", "https://api.groq.com/openai/v1"),
        ("openrouter", "https://openrouter.ai/api/v1"),
        ("ollama", "http://127.0.0.1:11434/v1"),
    ] {
        let row = types
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(kind))
            .unwrap_or_else(|| panic!("no `{kind}` row:\n{}", types.stdout));
        assert!(row.contains(url), "{row}");
    }

    bifrost(d, &["provider", "add", "groq", "--key-env", "GROQ_API_KEY"])
        .ok()
        .stdout_has("added provider `groq` (groq, 1 key");
    let shown = bifrost(d, &["provider", "show", "groq", "--json"])
        .ok()
        .json();
    assert_eq!(shown["type"], "groq");
    assert_eq!(shown["keys"][0]["value"], "env.GROQ_API_KEY");

    // A name that is not a type still needs --type, and says so.
    bifrost(d, &["provider", "add", "work", "--key-env", "K"])
        .code(2)
        .stderr_has("--type");
}

#[test]
fn literal_keys_are_masked_everywhere_but_include_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    add_local(d);

    let show = bifrost(d, &["provider", "show", "local"]);
    show.ok()
        .never_shows(SECRET_PART)
        .stdout_has("openai-compatible")
        .stdout_has("http://127.0.0.1:9/v1")
        .stdout_has("llama3");
    let shown = bifrost(d, &["provider", "show", "local", "--json"]);
    let doc = shown.ok().never_shows(SECRET_PART).json();
    assert_eq!(doc["provider"], "local");
    assert_eq!(doc["type"], "openai-compatible");
    assert_eq!(doc["base_url"], "http://127.0.0.1:9/v1");
    assert_eq!(doc["keys"][0]["name"], "main");
    assert_eq!(doc["keys"][0]["models"], json!(["llama3"]));
    let masked = doc["keys"][0]["value"].as_str().unwrap_or_default();
    assert!(!masked.is_empty() && masked != SECRET, "{doc}");

    let keys = bifrost(d, &["provider", "key", "list", "local"]);
    keys.ok()
        .never_shows(SECRET_PART)
        .stdout_has("main")
        .stdout_has(masked);
    bifrost(d, &["provider", "key", "list", "local", "--json"])
        .ok()
        .never_shows(SECRET_PART);
    let list = bifrost(d, &["provider", "list", "--json"]);
    assert_eq!(
        list.ok().never_shows(SECRET_PART).json()[0]["provider"],
        "local"
    );
    bifrost(d, &["provider", "list"])
        .ok()
        .never_shows(SECRET_PART);

    let export = bifrost(d, &["config", "export"]);
    export
        .ok()
        .never_shows(SECRET_PART)
        .stdout_has("[providers.local]")
        // The literal is exported as an env reference the other machine can set.
        .stdout_has("env.BIFROST_LOCAL_MAIN_KEY")
        .stderr_has("BIFROST_LOCAL_MAIN_KEY");
    let file = write_file(d, "exported.toml", &export.stdout);
    bifrost_bare(&["config", "validate", file.to_str().unwrap()])
        .ok()
        .stdout_has("ok");

    let full = bifrost(d, &["config", "export", "--include-secrets"]);
    full.ok().stdout_has(SECRET);
    let file = write_file(d, "full.toml", &full.stdout);
    bifrost_bare(&["config", "validate", file.to_str().unwrap()])
        .ok()
        .stdout_has("ok");

    // Changes that send the masked value back keep the real secret.
    bifrost(
        d,
        &["provider", "update", "local", "--connect-timeout", "5"],
    )
    .ok()
    .never_shows(SECRET_PART);
    bifrost(
        d,
        &[
            "provider",
            "key",
            "add",
            "local",
            "--name",
            "other",
            "--key-env",
            "OTHER_VAR",
        ],
    )
    .ok()
    .never_shows(SECRET_PART);
    bifrost(d, &["config", "export", "--include-secrets"])
        .ok()
        .stdout_has(&format!("value = \"{SECRET}\""))
        .stdout_has("connect_timeout_secs = 5");
}

#[test]
fn keys_are_added_listed_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    add_local(d);

    bifrost(
        d,
        &[
            "provider",
            "key",
            "add",
            "local",
            "--name",
            "second",
            "--key-env",
            "SOME_VAR",
            "--weight",
            "2",
        ],
    )
    .ok()
    .stdout_has("added key `second`");
    let list = bifrost(d, &["provider", "key", "list", "local"]);
    list.ok()
        .stdout_has("env.SOME_VAR")
        .never_shows(SECRET_PART);
    let row = list
        .stdout
        .lines()
        .find(|l| l.starts_with("second"))
        .unwrap_or_else(|| panic!("no `second` row:\n{}", list.stdout));
    assert!(
        row.split_whitespace().any(|c| c == "2"),
        "weight missing: {row}"
    );
    let keys = bifrost(d, &["provider", "key", "list", "local", "--json"]).json();
    assert_eq!(keys[1]["name"], "second");
    assert_eq!(keys[1]["value"], "env.SOME_VAR");
    assert_eq!(keys[1]["weight"], 2.0);

    // Adding a key under a taken name is refused.
    bifrost(
        d,
        &[
            "provider",
            "key",
            "add",
            "local",
            "--name",
            "second",
            "--key-env",
            "X",
        ],
    )
    .code(1)
    .stderr_has("already has a key named `second`");
    // A key needs a source.
    bifrost(d, &["provider", "key", "add", "local", "--name", "third"])
        .code(2)
        .stderr_has("--key-env");

    bifrost(d, &["provider", "key", "remove", "local", "second"])
        .ok()
        .stdout_has("removed key `second`");
    let after = bifrost(d, &["provider", "key", "list", "local"]);
    assert!(!after.ok().stdout.contains("SOME_VAR"), "{}", after.stdout);

    bifrost(d, &["provider", "key", "remove", "local", "second"])
        .code(1)
        .stderr_has("no key named `second`")
        .stderr_has("keys: main");
    bifrost(d, &["provider", "key", "remove", "nope", "main"])
        .code(1)
        .stderr_has("does not exist");
}

/// `config export` must keep `env.` references as they are (its `--help` says so).
#[test]
fn config_export_keeps_env_references() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    add_local(d);
    bifrost(
        d,
        &[
            "provider",
            "key",
            "add",
            "local",
            "--name",
            "second",
            "--key-env",
            "SOME_VAR",
        ],
    )
    .ok();
    bifrost(d, &["config", "export"])
        .ok()
        .stdout_has("value = \"env.SOME_VAR\"")
        .stdout_has("value = \"env.BIFROST_LOCAL_MAIN_KEY\"");
}

#[test]
fn provider_errors_have_messages_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    bifrost(d, &["provider", "show", "nope"])
        .code(1)
        .stderr_has("does not exist");
    bifrost(d, &["provider", "add", "x", "--type", "bogus"])
        .code(2)
        .stderr_has("bogus")
        .stderr_has("openai-compatible");
    bifrost(
        d,
        &["provider", "add", "bad", "--type", "openai-compatible"],
    )
    .code(1)
    .stderr_has("base_url");
    bifrost(d, &["provider", "add", "bad name", "--type", "mock"])
        .code(1)
        .stderr_has("provider name");
    bifrost(d, &["provider", "add", "demo", "--type", "mock"]).ok();
    bifrost(d, &["provider", "add", "demo", "--type", "mock"])
        .code(1)
        .stderr_has("already exists");
    bifrost(d, &["provider", "update", "nope", "--connect-timeout", "3"])
        .code(1)
        .stderr_has("does not exist");
    bifrost(d, &["provider", "frobnicate"]).code(2);

    // Nothing half-done was stored.
    let list = bifrost(d, &["provider", "list", "--json"]).json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["provider"].as_str())
        .collect();
    assert_eq!(names, ["demo"]);
}

#[test]
fn config_validate_reports_ok_positions_and_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let good = write_file(
        d,
        "good.toml",
        "[server]\nport = 8181\n\n[client]\ndrop_excess_requests = true\n\n[providers.demo]\ntype = \"mock\"\n",
    );
    bifrost_bare(&["config", "validate", good.to_str().unwrap()])
        .ok()
        .stdout_has("ok")
        .stdout_has("1 provider");
    // BIFROST_CONFIG names the file too.
    let mut cmd = command();
    cmd.env("BIFROST_CONFIG", &good)
        .args(["config", "validate"]);
    execute(cmd).ok().stdout_has("ok");

    let typo = write_file(d, "typo.toml", "[client]\ndrop_excess_request = true\n");
    let typo = typo.to_str().unwrap();
    bifrost_bare(&["config", "validate", typo])
        .code(1)
        .stderr_has(&format!("{typo}:2:"))
        .stderr_has("drop_excess_requests");

    let semantic = write_file(
        d,
        "semantic.toml",
        "[server]\nport = 1\n\n[providers.bad]\ntype = \"openai-compatible\"\n",
    );
    let semantic = semantic.to_str().unwrap();
    bifrost_bare(&["config", "validate", semantic])
        .code(1)
        .stderr_has(&format!("{semantic}:4:"))
        .stderr_has("base_url");

    let missing = d.join("missing.toml");
    bifrost_bare(&["config", "validate", missing.to_str().unwrap()])
        .code(2)
        .stderr_has("missing.toml");
    bifrost_bare(&["config", "validate"]).code(2);
}

#[test]
fn provider_test_reports_ok_or_failed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    bifrost(d, &["provider", "add", "demo", "--type", "mock"]).ok();
    bifrost(d, &["provider", "test", "demo"])
        .ok()
        .stdout_has("ok:")
        .stdout_has("demo-model");

    // Nothing listens on 127.0.0.1:9.
    add_local(d);
    let failed = bifrost(d, &["provider", "test", "local"]);
    failed.code(1).never_shows(SECRET_PART);
    assert!(
        format!("{}{}", failed.stdout, failed.stderr).contains("FAILED"),
        "no FAILED verdict:\n{failed:?}"
    );
    assert!(!failed.stdout.contains("ok:"), "{failed:?}");

    bifrost(d, &["provider", "test", "nope"])
        .code(1)
        .stderr_has("does not exist");
}

/// A `bifrost serve` child process; killed by its pid if the test ends early.
struct ServeChild {
    child: Option<Child>,
    addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl ServeChild {
    /// Starts `bifrost serve --port 0 --data-dir DIR` and waits for its listening line.
    fn start(dir: &Path) -> ServeChild {
        let mut cmd = command();
        cmd.args(["serve", "--port", "0", "--data-dir"]).arg(dir);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("cannot start bifrost serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr_pipe = child.stderr.take().expect("piped stderr");
        let mut guard = ServeChild {
            child: Some(child),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            stderr: Arc::new(Mutex::new(String::new())),
        };

        let sink = guard.stderr.clone();
        std::thread::spawn(move || {
            let mut pipe = stderr_pipe;
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut s) = sink.lock() {
                    s.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            // Keep draining so the server never blocks on a full pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });

        let line = rx
            .recv_timeout(SERVE_TIMEOUT)
            .unwrap_or_else(|_| panic!("serve printed no line within {SERVE_TIMEOUT:?}"));
        assert!(
            line.starts_with(&format!(
                "bifrost {} listening on http://",
                env!("CARGO_PKG_VERSION")
            )),
            "unexpected first line {line:?}; stderr:\n{}",
            guard.stderr_text()
        );
        assert!(
            line.contains(&dir.display().to_string()),
            "data dir not named: {line:?}"
        );
        guard.addr = line
            .split("listening on http://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        assert!(
            guard.addr.ip().is_loopback() && guard.addr.port() != 0,
            "{line:?}"
        );
        guard
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn stderr_text(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Sends SIGTERM and waits (bounded) for the exit status.
    fn terminate(mut self) -> ExitStatus {
        let pid = self.child.as_ref().expect("server running").id();
        assert!(signal(pid, "TERM"), "kill -TERM {pid} failed");
        let mut child = self.child.take().expect("server running");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        match rx.recv_timeout(SERVE_TIMEOUT) {
            Ok(status) => status.expect("cannot wait for serve"),
            Err(_) => {
                // Not reaped yet, so the pid is still our child's.
                signal(pid, "KILL");
                panic!(
                    "serve did not stop within {SERVE_TIMEOUT:?} of SIGTERM; stderr:\n{}",
                    self.stderr_text()
                );
            }
        }
    }
}

impl Drop for ServeChild {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            eprintln!("--- bifrost serve stderr:\n{}", self.stderr_text());
        }
    }
}

#[tokio::test]
async fn cli_changes_reach_a_running_server_through_its_socket() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let socket = d.join(bifrost::admin::SOCKET_NAME);
    let server = {
        let d = d.clone();
        blocking(move || ServeChild::start(&d)).await
    };
    assert!(
        socket.exists(),
        "no management socket at {}",
        socket.display()
    );

    // The server holds the store, so this goes through the socket.
    bifrost_async(&d, &["provider", "add", "demo", "--type", "mock"])
        .await
        .ok()
        .stdout_has("added provider `demo`");

    let models = tokio::time::timeout(HTTP_TIMEOUT, client::get(&server.url("/v1/models")))
        .await
        .expect("GET /v1/models timed out");
    assert_eq!(models.status, 200, "{}", models.text());
    let ids: Vec<String> = models.json()["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no data array: {}", models.text()))
        .iter()
        .filter_map(|m| m["id"].as_str().map(str::to_string))
        .collect();
    assert!(ids.iter().any(|id| id == "demo/demo-model"), "{ids:?}");

    // `provider test` goes through the running server's pipeline, over the socket.
    bifrost_async(&d, &["provider", "test", "demo"])
        .await
        .ok()
        .stdout_has("ok: `demo` answered model `demo-model`");

    let chat = json!({"model": "demo/x", "messages": [{"role": "user", "content": "hi"}]});
    let answer = tokio::time::timeout(
        HTTP_TIMEOUT,
        client::post(&server.url("/v1/chat/completions"), &chat),
    )
    .await
    .expect("chat timed out");
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json()["object"], "chat.completion");

    // Errors and masking behave the same through the socket.
    bifrost_async(&d, &["provider", "add", "demo", "--type", "mock"])
        .await
        .code(1)
        .stderr_has("already exists");
    bifrost_async(&d, &["provider", "show", "nope"])
        .await
        .code(1)
        .stderr_has("does not exist");
    bifrost_async(
        &d,
        &[
            "provider",
            "add",
            "local",
            "--type",
            "openai-compatible",
            "--base-url",
            "http://127.0.0.1:9/v1",
            "--key",
            SECRET,
        ],
    )
    .await
    .ok()
    .never_shows(SECRET_PART);
    bifrost_async(&d, &["provider", "show", "local", "--json"])
        .await
        .ok()
        .never_shows(SECRET_PART);
    bifrost_async(
        &d,
        &[
            "provider",
            "key",
            "add",
            "local",
            "--name",
            "second",
            "--key-env",
            "SOME_VAR",
        ],
    )
    .await
    .ok();
    bifrost_async(&d, &["config", "export"])
        .await
        .ok()
        .never_shows(SECRET_PART)
        .stdout_has("env.SOME_VAR");
    bifrost_async(&d, &["config", "export", "--include-secrets"])
        .await
        .ok()
        .stdout_has(SECRET);
    let listed = bifrost_async(&d, &["provider", "list", "--json"]).await;
    let names: Vec<String> = listed
        .ok()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["provider"].as_str().map(str::to_string))
        .collect();
    assert_eq!(names, ["demo", "local"]);

    let status = blocking(move || server.terminate()).await;
    assert_eq!(status.code(), Some(0), "serve exited with {status:?}");
    assert!(!socket.exists(), "{} left behind", socket.display());

    // With the server gone the CLI opens the store itself and sees the same providers.
    let after = bifrost_async(&d, &["provider", "list", "--json"]).await;
    assert_eq!(
        after.ok().json().as_array().map(Vec::len),
        Some(2),
        "{}",
        after.stdout
    );
}

#[test]
fn serve_with_an_invalid_config_exits_2_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bad = write_file(d, "bifrost.toml", "[server]\nport = \"eighty\"\n");
    let bad = bad.to_str().unwrap();
    // A valid config would start a server; the timeout in `execute` bounds that case.
    bifrost(d, &["serve", "--port", "0", "--config", bad])
        .code(2)
        .stderr_has(&format!("{bad}:2:8"))
        .never_shows("listening");

    let typo = write_file(d, "typo.toml", "[client]\ndrop_excess_request = true\n");
    let typo = typo.to_str().unwrap();
    bifrost(d, &["serve", "--port", "0", "--config", typo])
        .code(2)
        .stderr_has(&format!("{typo}:2:1"))
        .stderr_has("drop_excess_requests");

    bifrost(
        d,
        &[
            "serve",
            "--port",
            "0",
            "--config",
            d.join("missing.toml").to_str().unwrap(),
        ],
    )
    .code(2)
    .stderr_has("missing.toml");
}

#[test]
fn a_store_from_a_newer_schema_is_refused_untouched() {
    use bifrost::store::{FILE_NAME, SCHEMA_VERSION};
    use redb::ReadableTable;
    // The store's own layout (private to the crate): table `meta`, key `schema_version`.
    const META: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("meta");
    const VERSION_KEY: &str = "schema_version";
    let newer = SCHEMA_VERSION + 1;

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    bifrost(d, &["provider", "add", "demo", "--type", "mock"]).ok();
    let file = d.join(FILE_NAME);
    {
        let db = redb::Database::create(&file).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut meta = txn.open_table(META).unwrap();
            let found = meta.get(VERSION_KEY).unwrap().map(|v| v.value());
            assert_eq!(
                found,
                Some(SCHEMA_VERSION),
                "the store layout changed; update this test"
            );
            meta.insert(VERSION_KEY, newer).unwrap();
        }
        txn.commit().unwrap();
    }

    let refused = format!("schema version {newer}");
    bifrost(d, &["provider", "list"])
        .code(1)
        .stderr_has(&refused)
        .stderr_has("upgrade bifrost");
    bifrost(d, &["provider", "add", "other", "--type", "mock"])
        .code(1)
        .stderr_has(&refused);
    bifrost(d, &["serve", "--port", "0"])
        .code(1)
        .stderr_has(&refused)
        .never_shows("listening");
    assert!(!d.join(bifrost::admin::SOCKET_NAME).exists());

    let db = redb::Database::create(&file).unwrap();
    let txn = db.begin_read().unwrap();
    let version = txn
        .open_table(META)
        .unwrap()
        .get(VERSION_KEY)
        .unwrap()
        .map(|v| v.value());
    assert_eq!(version, Some(newer), "refusing rewrote the version");
}

#[test]
fn completions_and_version() {
    let bash = bifrost_bare(&["completions", "bash"]);
    bash.ok().stdout_has("_bifrost");
    assert_eq!(
        bash.stdout,
        bifrost::cli::completion(bifrost::cli::Shell::Bash)
    );
    for shell in ["zsh", "fish", "powershell"] {
        let run = bifrost_bare(&["completions", shell]);
        assert!(!run.ok().stdout.is_empty(), "empty {shell} completion");
    }
    bifrost_bare(&["completions", "tcsh"]).code(2);

    let version = format!("bifrost {}", env!("CARGO_PKG_VERSION"));
    assert_eq!(bifrost_bare(&["--version"]).ok().stdout.trim(), version);
    // Subcommands answer too (clap names them `bifrost-provider`).
    let sub = bifrost_bare(&["provider", "--version"]);
    assert!(
        sub.ok().stdout.trim().ends_with(env!("CARGO_PKG_VERSION")),
        "{}",
        sub.stdout
    );
    bifrost_bare(&[]).code(2);
}

/// A piece of the test service account's private key, which no output may contain.
const SA_KEY_PART: &str = "MIIEvAIBADANBgkqhkiG9w0BAQEFAASC";

fn service_account_file() -> String {
    format!(
        "{}/tests/fixtures/vertex/service_account.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn azure_bedrock_and_vertex_keys_are_built_from_flags_and_shown_masked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    bifrost(
        d,
        &[
            "provider",
            "add",
            "az",
            "--type",
            "azure",
            "--key-env",
            "AZURE_OPENAI_KEY",
            "--azure-endpoint",
            "https://res.openai.azure.com",
            "--azure-deployment",
            "gpt-4o=my-gpt4o",
            "--azure-deployment",
            "gpt-4o-mini=mini",
            "--azure-api-version",
            "2024-10-21",
            "--azure-bearer",
        ],
    )
    .ok()
    .stdout_has("added provider `az` (azure, 1 key)");
    let az = bifrost(d, &["provider", "show", "az", "--json"]).json();
    assert_eq!(az["keys"][0]["value"], "env.AZURE_OPENAI_KEY");
    assert_eq!(
        az["keys"][0]["azure_key_config"],
        json!({"endpoint": "https://res.openai.azure.com",
            "deployments": {"gpt-4o": "my-gpt4o", "gpt-4o-mini": "mini"},
            "api_version": "2024-10-21", "use_bearer": true})
    );

    // Bedrock needs no --key: the AWS credentials are the key.
    bifrost(
        d,
        &[
            "provider",
            "add",
            "bedrock",
            "--aws-access-key-env",
            "AWS_ACCESS_KEY_ID",
            "--aws-secret-key-env",
            "AWS_SECRET_ACCESS_KEY",
            "--aws-session-token-env",
            "AWS_SESSION_TOKEN",
            "--aws-region",
            "us-east-1",
            "--bedrock-deployment",
            "claude=us.anthropic.claude-sonnet-4-v1:0",
        ],
    )
    .ok()
    .stdout_has("added provider `bedrock` (bedrock, 1 key)");
    let br = bifrost(d, &["provider", "show", "bedrock", "--json"]).json();
    assert!(br["keys"][0].get("value").is_none(), "{br}");
    assert_eq!(
        br["keys"][0]["bedrock_key_config"],
        json!({"access_key": "env.AWS_ACCESS_KEY_ID",
            "secret_key": "env.AWS_SECRET_ACCESS_KEY",
            "session_token": "env.AWS_SESSION_TOKEN", "region": "us-east-1",
            "deployments": {"claude": "us.anthropic.claude-sonnet-4-v1:0"}})
    );

    // Vertex: the service-account file becomes a literal, masked everywhere.
    let sa = service_account_file();
    bifrost(
        d,
        &[
            "provider",
            "add",
            "vertex",
            "--vertex-project",
            "my-proj",
            "--vertex-region",
            "us-east5",
            "--vertex-credentials-file",
            &sa,
        ],
    )
    .ok()
    .stdout_has("added provider `vertex` (vertex, 1 key)")
    .never_shows(SA_KEY_PART);
    let vx = bifrost(d, &["provider", "show", "vertex", "--json"]);
    vx.ok().never_shows(SA_KEY_PART).never_shows("PRIVATE KEY");
    let vx = vx.json();
    let config = &vx["keys"][0]["vertex_key_config"];
    assert_eq!(config["project_id"], "my-proj");
    assert_eq!(config["region"], "us-east5");
    assert!(config["auth_credentials"]
        .as_str()
        .is_some_and(|s| s.contains("****")));
    assert!(vx["keys"][0].get("value").is_none(), "{vx}");
    bifrost(
        d,
        &[
            "provider",
            "key",
            "add",
            "vertex",
            "--name",
            "second",
            "--vertex-project",
            "other-proj",
            "--vertex-region",
            "global",
            "--vertex-credentials-env",
            "SA_JSON",
        ],
    )
    .ok()
    .stdout_has("added key `second`");
    let keys = bifrost(d, &["provider", "key", "list", "vertex", "--json"]).json();
    assert_eq!(
        keys[1]["vertex_key_config"]["auth_credentials"],
        "env.SA_JSON"
    );

    // Tables show an absent value as `-`, never a mask of nothing.
    for args in [
        &["provider", "list"][..],
        &["provider", "show", "vertex"],
        &["provider", "key", "list", "vertex"],
        &["provider", "key", "list", "bedrock"],
    ] {
        let run = bifrost(d, args);
        run.ok().never_shows(SA_KEY_PART).never_shows("****");
    }
    let row = bifrost(d, &["provider", "key", "list", "bedrock"]);
    let main = row.stdout.lines().find(|l| l.starts_with("main")).unwrap();
    assert_eq!(main.split_whitespace().nth(1), Some("-"), "{main}");

    // Export: service-account literals become env references, absent values stay absent.
    let export = bifrost(d, &["config", "export"]);
    export
        .ok()
        .never_shows(SA_KEY_PART)
        .never_shows("****")
        .stdout_has("auth_credentials = \"env.BIFROST_VERTEX_MAIN_AUTH_CREDENTIALS\"")
        .stdout_has("auth_credentials = \"env.SA_JSON\"")
        .stdout_has("access_key = \"env.AWS_ACCESS_KEY_ID\"")
        .stderr_has("vertex_key_config.auth_credentials of key `main`");
    assert!(
        !export.stdout.contains("BIFROST_BEDROCK_MAIN_KEY"),
        "{}",
        export.stdout
    );
    assert!(
        !export.stdout.contains("BIFROST_VERTEX_MAIN_KEY"),
        "{}",
        export.stdout
    );
}

#[test]
fn key_settings_of_another_family_or_incomplete_ones_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    bifrost(
        d,
        &[
            "provider",
            "add",
            "az",
            "--type",
            "azure",
            "--key-env",
            "K",
            "--azure-endpoint",
            "https://res.openai.azure.com",
            "--aws-region",
            "us-east-1",
        ],
    )
    .code(2)
    .stderr_has("--aws-region is a key setting of provider type bedrock; provider type `azure` does not take it");
    bifrost(
        d,
        &[
            "provider",
            "add",
            "groq",
            "--key-env",
            "K",
            "--vertex-project",
            "p",
        ],
    )
    .code(2)
    .stderr_has("--vertex-project")
    .stderr_has("`groq`");
    bifrost(
        d,
        &["provider", "add", "bedrock", "--aws-region", "us-east-1"],
    )
    .code(2)
    .stderr_has("--aws-access-key-env");
    bifrost(
        d,
        &[
            "provider",
            "add",
            "vertex",
            "--vertex-project",
            "p",
            "--vertex-region",
            "global",
            "--vertex-credentials-file",
            "/nonexistent/sa.json",
        ],
    )
    .code(2)
    .stderr_has("--vertex-credentials-file");
    bifrost(d, &["provider", "list"])
        .ok()
        .stdout_has("no providers");

    bifrost(
        d,
        &[
            "provider",
            "add",
            "bedrock",
            "--aws-access-key-env",
            "A",
            "--aws-secret-key-env",
            "S",
            "--aws-region",
            "us-east-1",
        ],
    )
    .ok();
    bifrost(
        d,
        &[
            "provider",
            "key",
            "add",
            "bedrock",
            "--name",
            "second",
            "--azure-endpoint",
            "https://res.openai.azure.com",
        ],
    )
    .code(2)
    .stderr_has(
        "--azure-endpoint is a key setting of provider type azure; provider type `bedrock`",
    );
}
