//! `bifrost top` end to end: the built binary in a real pseudo-terminal (a private
//! tmux server) attached to a running `bifrost serve`. It shows the server's data,
//! creates a virtual key through the form, the key then works for a request and is
//! listed by `bifrost vk list`, the dashboard shows the key's traffic, and quitting
//! gives the terminal back (raw mode off, alternate screen left, cursor shown).

use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use http::Method;

use crate::support::client::call;

const BIN: &str = env!("CARGO_BIN_EXE_bifrost");

/// `bifrost serve --port 0` on a data dir, killed when dropped.
struct Serving(std::process::Child, String);

impl Serving {
    fn start(dir: &Path) -> Serving {
        Serving::start_with(dir, None)
    }

    /// The same, with `BIFROST_ADMIN_TOKEN` set when `admin_token` is given.
    fn start_with(dir: &Path, admin_token: Option<&str>) -> Serving {
        let mut command = Command::new(BIN);
        match admin_token {
            Some(token) => command.env("BIFROST_ADMIN_TOKEN", token),
            None => command.env_remove("BIFROST_ADMIN_TOKEN"),
        };
        let mut child = command
            .env_remove("BIFROST_DATA_DIR")
            .env_remove("BIFROST_CONFIG")
            .env_remove("RUST_LOG")
            .args(["serve", "--port", "0", "--data-dir"])
            .arg(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        Serving(child, url)
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A tmux server of the test's own (`-L`), so tests never touch the user's.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "top"])
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "top"];
        args.extend(keys);
        self.run(&args);
    }

    fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "top", "-l", text]);
    }

    /// Waits until the screen satisfies `ok`; fails with the screen after 30 s.
    fn await_screen(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {what}; screen:\n{screen}"
            );
            // Polling the pane: tmux has no way to notify a change.
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Tmux {
    /// `bifrost top` on data dir `d` in a fresh tmux server, between two `stty -g`
    /// snapshots of the pane's terminal; returns once the dashboard is drawn.
    fn top(d: &Path) -> Tmux {
        Tmux::top_with(d, "")
    }

    /// [`Tmux::top`] with `extra` (environment assignments) on the command line.
    fn top_with(d: &Path, extra: &str) -> Tmux {
        let tmux = Tmux {
            socket: format!("bifrost-top-{}", uuid::Uuid::new_v4().simple()),
        };
        let script = format!(
            "stty -g > '{dir}/before'; NO_COLOR=1 BIFROST_URL= {extra} '{BIN}' top --data-dir '{dir}'; echo \"exit=$?\"; stty -g > '{dir}/after'; read wait",
            dir = d.display()
        );
        let size = ["-x", "100", "-y", "30"];
        let mut args = vec!["new-session", "-d", "-s", "top"];
        args.extend(size);
        args.extend(["sh", "-c", &script]);
        tmux.run(&args);
        tmux.await_screen("the dashboard", |s| {
            s.contains("bifrost top") && s.contains("Overview")
        });
        tmux
    }

    /// After top exited: exit 0, alternate screen left, cursor shown, and the same
    /// terminal settings as before it started (raw mode off).
    fn assert_restored(&self, d: &Path) {
        self.await_screen("the exit", |s| s.contains("exit=0"));
        let state = self.run(&[
            "display-message",
            "-p",
            "-t",
            "top",
            "#{alternate_on} #{cursor_flag}",
        ]);
        assert_eq!(state.trim(), "0 1", "alternate screen left, cursor shown");
        let read = |f: &str| std::fs::read_to_string(d.join(f)).unwrap_or_default();
        let after = self.await_screen("the terminal settings", |_| !read("after").is_empty());
        assert_eq!(read("before"), read("after"), "raw mode off: {after}");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[tokio::test(flavor = "multi_thread")]
async fn top_creates_a_key_that_works_and_restores_the_terminal() {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let added = Command::new(BIN)
        .args(["provider", "add", "demo", "--type", "mock", "--data-dir"])
        .arg(d)
        .output()
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let server = Serving::start(d);

    let tmux = Tmux::top(d);
    tmux.keys(&["3"]);
    tmux.await_screen("the mock provider", |s| {
        s.contains("demo") && s.contains("mock")
    });

    // Create a key through the form: name, then requests/min (field 7).
    tmux.keys(&[":"]);
    tmux.type_text("vk create");
    tmux.keys(&["Enter"]);
    tmux.await_screen("the form", |s| s.contains("New virtual key"));
    tmux.type_text("tui-key");
    for _ in 0..6 {
        tmux.keys(&["Tab"]);
    }
    tmux.type_text("60");
    tmux.keys(&["Enter"]);
    tmux.await_screen("the confirmation", |s| {
        s.contains("Create this virtual key?")
    });
    tmux.keys(&["y"]);
    let shown = tmux.await_screen("the new key's value", |s| s.contains("sk-bf-"));
    let value: String = shown
        .split("sk-bf-")
        .nth(1)
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect()
        })
        .unwrap_or_default();
    let value = format!("sk-bf-{value}");
    assert!(value.len() > 30, "{shown}");
    tmux.keys(&["Enter"]);

    // The key works for a request, and the CLI lists it.
    let auth = format!("Bearer {value}");
    let answer = call(
        Method::POST,
        &format!("{}/v1/chat/completions", server.1),
        &[
            ("content-type", "application/json"),
            ("authorization", &auth),
        ],
        r#"{"model":"demo/demo-model","messages":[{"role":"user","content":"hi"}]}"#,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let list = Command::new(BIN)
        .args(["vk", "list", "--data-dir"])
        .arg(d)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains("tui-key"));

    // The dashboard shows the key's traffic: one request of its 60 a minute.
    tmux.await_screen("the key's use", |s| {
        s.contains("tui-key") && s.contains("1/60")
    });
    // The tail fetched its records once, at start: the request arrives by the live feed.
    tmux.keys(&["2"]);
    tmux.await_screen("the request in the log tail", |s| {
        s.contains("demo/demo-model") && !s.contains("live feed dropped")
    });

    // Quitting restores the terminal.
    tmux.keys(&["q"]);
    tmux.assert_restored(d);
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_and_a_lost_server_leave_the_terminal_as_it_was() {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let server = Serving::start(d);
    let tmux = Tmux::top(d);
    // The server goes away: a banner says so and the dashboard keeps running.
    drop(server);
    tmux.await_screen("the lost-server banner", |s| s.contains("server lost"));
    tmux.keys(&["C-c"]);
    tmux.assert_restored(d);
}

#[tokio::test]
async fn top_attaches_to_a_server_at_a_url() {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let served = tempfile::tempdir().unwrap();
    let server = Serving::start_with(served.path(), Some("top-admin-token"));
    // Another data dir: no local socket, so only the URL can lead to the server.
    let here = tempfile::tempdir().unwrap();
    let d = here.path();
    let extra = format!(
        "BIFROST_URL={} BIFROST_ADMIN_TOKEN=top-admin-token BIFROST_CREDENTIALS_FILE='{}/creds.json'",
        server.1,
        d.display()
    );
    let tmux = Tmux::top_with(d, &extra);
    let screen = tmux.await_screen("the URL in the header", |s| s.contains(&server.1));
    assert!(!screen.contains("server lost"), "{screen}");
    tmux.keys(&["q"]);
    tmux.assert_restored(d);
}

#[tokio::test(flavor = "multi_thread")]
async fn top_edits_a_setting_and_shows_the_servers_refusal_inline() {
    if !tmux_available() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let served = tempfile::tempdir().unwrap();
    let server = Serving::start_with(served.path(), Some("top-admin-token"));
    let here = tempfile::tempdir().unwrap();
    let d = here.path();
    let extra = format!(
        "BIFROST_URL={} BIFROST_ADMIN_TOKEN=top-admin-token BIFROST_CREDENTIALS_FILE='{}/creds.json'",
        server.1,
        d.display()
    );
    let tmux = Tmux::top_with(d, &extra);
    tmux.keys(&["5"]);
    let shown = tmux.await_screen("the settings", |s| s.contains("log_retention_days"));
    // Rows follow `[client]`'s order, which grows as settings are added: count the
    // rows from the first (selected) one down to log_retention_days.
    let lines: Vec<&str> = shown.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.contains("│> "))
        .expect("a selected row");
    let target = lines
        .iter()
        .position(|l| l.contains(" log_retention_days "))
        .expect("the row");
    for _ in first..target {
        tmux.keys(&["Down"]);
    }
    tmux.await_screen("the row selected", |s| s.contains("> log_retention_days"));
    tmux.keys(&["Enter"]);
    tmux.await_screen("the form", |s| s.contains("Edit client.log_retention_days"));
    tmux.keys(&["BSpace", "BSpace"]);
    tmux.type_text("0");
    tmux.keys(&["Enter"]);
    tmux.await_screen("the confirmation", |s| {
        s.contains("Save client.log_retention_days?")
    });
    tmux.keys(&["y"]);
    // The server's own message, in the form, which stays open.
    tmux.await_screen("the refusal", |s| {
        s.contains("must be at least 1") && s.contains("Edit client.log_retention_days")
    });
    tmux.keys(&["BSpace"]);
    tmux.type_text("12");
    tmux.keys(&["Enter"]);
    tmux.await_screen("the confirmation", |s| {
        s.contains("Save client.log_retention_days?")
    });
    tmux.keys(&["y"]);
    tmux.await_screen("the saved setting", |s| {
        s.contains("saved client.log_retention_days") && s.contains(" 12 ")
    });
    let answer = call(
        Method::GET,
        &format!("{}/api/config", server.1),
        &[("authorization", "Bearer top-admin-token")],
        "",
    )
    .await;
    assert_eq!(answer.json()["client_config"]["log_retention_days"], 12);
    tmux.keys(&["q"]);
    tmux.assert_restored(d);
}
