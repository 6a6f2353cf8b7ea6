//! Running the Python SDK tests in `tests/python/` from Rust integration tests.
//!
//! [`venv_python`] makes (once) a virtualenv at `target/py-venv` with
//! `tests/python/requirements.txt` installed; [`run_pytest`] runs one test file
//! of `tests/python/` with it.
//!
//! Both block (pip can take a while; pytest waits on the gateway). From an async
//! test whose gateway runs on the same runtime, call [`run_pytest_async`] (or
//! wrap the call in `spawn_blocking`), or a current-thread runtime would starve
//! the gateway while pytest waits for it.
#![allow(dead_code)]

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

/// How long one pytest run may take before it is killed.
const PYTEST_TIMEOUT: Duration = Duration::from_secs(300);
/// How long to wait for another process that is building the venv.
const LOCK_WAIT: Duration = Duration::from_secs(900);
const MARKER: &str = ".bifrost-requirements";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn requirements_file() -> PathBuf {
    manifest_dir().join("tests/python/requirements.txt")
}

/// Where the virtualenv lives: `<crate>/target/py-venv`.
pub fn venv_dir() -> PathBuf {
    manifest_dir().join("target/py-venv")
}

/// The venv's interpreter, creating the venv first if it is missing or was made
/// from other requirements. Idempotent; safe to call from many tests at once,
/// in one process (a mutex) or several (a lock directory next to the venv).
/// Panics with a clear message if python3, venv or pip fails. The interpreter
/// used to make the venv is `$BIFROST_TEST_PYTHON`, else `python3`.
pub fn venv_python() -> PathBuf {
    static READY: OnceLock<PathBuf> = OnceLock::new();
    static BUILDING: Mutex<()> = Mutex::new(());
    if let Some(p) = READY.get() {
        return p.clone();
    }
    let _guard = BUILDING.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = READY.get() {
        return p.clone();
    }
    let venv = venv_dir();
    let python = venv.join("bin/python");
    let want = requirements_stamp();
    if !is_ready(&venv, &python, &want) {
        let _lock = DirLock::acquire(&venv.with_extension("lock"));
        // Another process may have finished it while we waited.
        if !is_ready(&venv, &python, &want) {
            build_venv(&venv, &python, &want);
        }
    }
    READY.get_or_init(|| python).clone()
}

fn is_ready(venv: &Path, python: &Path, want: &str) -> bool {
    python.exists()
        && fs::read_to_string(venv.join(MARKER))
            .map(|s| s == want)
            .unwrap_or(false)
}

/// A stamp of the requirements file's contents (FNV-1a, stable across Rust versions).
fn requirements_stamp() -> String {
    let path = requirements_file();
    let bytes = fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("requirements-fnv1a64={h:016x}\n")
}

fn build_venv(venv: &Path, python: &Path, stamp: &str) {
    let _ = fs::remove_file(venv.join(MARKER));
    // A venv whose interpreter no longer runs (python upgraded, half-made) is rebuilt from scratch.
    let usable = python.exists()
        && Command::new(python)
            .args(["-c", "import sys"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
    if !usable {
        if venv.exists() {
            fs::remove_dir_all(venv)
                .unwrap_or_else(|e| panic!("cannot remove broken venv {}: {e}", venv.display()));
        }
        if let Some(parent) = venv.parent() {
            fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
        }
        let base = std::env::var("BIFROST_TEST_PYTHON").unwrap_or_else(|_| "python3".to_string());
        let out = Command::new(&base)
            .args(["-m", "venv"])
            .arg(venv)
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run `{base}` to create the Python test venv ({e}); install Python 3 with the venv module (Debian: apt-get install python3 python3-venv)")
            });
        check(
            &out,
            &format!(
                "`{base} -m venv {}` failed (Debian: apt-get install python3-venv)",
                venv.display()
            ),
        );
    }
    let reqs = requirements_file();
    let out = Command::new(python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&reqs)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} -m pip: {e}", python.display()));
    check(&out, &format!("pip install -r {} failed", reqs.display()));
    fs::write(venv.join(MARKER), stamp).unwrap_or_else(|e| panic!("cannot write venv marker: {e}"));
}

fn check(out: &Output, what: &str) {
    if !out.status.success() {
        panic!(
            "{what} ({})\n--- stdout ---\n{}\n--- stderr ---\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A cross-process lock: a directory made atomically with `create_dir`, holding
/// the owner's pid. A lock whose owner is gone (no `/proc/<pid>`) or that is
/// older than `LOCK_WAIT` is taken over.
struct DirLock(PathBuf);

impl DirLock {
    fn acquire(path: &Path) -> DirLock {
        if let Some(parent) = path.parent() {
            let _ = fs::create_dir_all(parent);
        }
        let start = Instant::now();
        loop {
            match fs::create_dir(path) {
                Ok(()) => {
                    let _ = fs::write(path.join("pid"), std::process::id().to_string());
                    return DirLock(path.to_path_buf());
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if Self::is_stale(path) {
                        let _ = fs::remove_dir_all(path);
                        continue;
                    }
                    if start.elapsed() > LOCK_WAIT {
                        panic!(
                            "timed out waiting for {} (another test building the Python venv?)",
                            path.display()
                        );
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(e) => panic!("cannot create lock {}: {e}", path.display()),
            }
        }
    }

    fn is_stale(path: &Path) -> bool {
        let old = fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age > LOCK_WAIT);
        if old {
            return true;
        }
        match fs::read_to_string(path.join("pid"))
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok())
        {
            // The owner died without cleaning up.
            Some(pid) => cfg!(target_os = "linux") && !Path::new(&format!("/proc/{pid}")).exists(),
            // Just created, pid not written yet (or unreadable): wait.
            None => false,
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn pytest_command(test_file: &str, env: &[(&str, String)]) -> Command {
    let python = venv_python();
    let mut cmd = Command::new(python);
    cmd.current_dir(manifest_dir())
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(format!("tests/python/{test_file}"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        // Never send loopback traffic through a proxy from the environment.
        .env("NO_PROXY", "127.0.0.1,localhost,::1")
        .env("no_proxy", "127.0.0.1,localhost,::1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Run `<venv>/bin/python -m pytest -q tests/python/<test_file>` from the crate
/// root with `env` added to the environment, and return its output (whatever
/// the exit status). The run is killed after 300 s. Blocking.
pub fn run_pytest(test_file: &str, env: &[(&str, String)]) -> Output {
    let mut child = pytest_command(test_file, env)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start pytest: {e}"));
    // Drain both pipes on threads so a chatty run cannot fill a pipe and stall.
    let mut so = child.stdout.take().expect("piped stdout");
    let mut se = child.stderr.take().expect("piped stderr");
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = so.read_to_end(&mut v);
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = se.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > PYTEST_TIMEOUT => {
                let _ = child.kill();
                let status = child.wait().expect("wait for killed pytest");
                let mut stderr = t_err.join().unwrap_or_default();
                stderr.extend_from_slice(
                    format!("\n[bifrost tests] pytest killed after {PYTEST_TIMEOUT:?}\n")
                        .as_bytes(),
                );
                return Output {
                    status,
                    stdout: t_out.join().unwrap_or_default(),
                    stderr,
                };
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("waiting for pytest: {e}"),
        }
    };
    Output {
        status,
        stdout: t_out.join().unwrap_or_default(),
        stderr: t_err.join().unwrap_or_default(),
    }
}

/// [`run_pytest`], then panic with pytest's output unless it passed.
pub fn assert_pytest(test_file: &str, env: &[(&str, String)]) -> Output {
    let out = run_pytest(test_file, env);
    check(&out, &format!("pytest tests/python/{test_file} failed"));
    out
}

/// [`run_pytest`] on tokio's blocking pool, so the calling runtime (and a
/// gateway served on it) keeps running meanwhile.
pub async fn run_pytest_async(test_file: &str, env: &[(&str, String)]) -> Output {
    let file = test_file.to_string();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        run_pytest(&file, &env)
    })
    .await
    .expect("pytest task panicked")
}

/// [`run_pytest_async`], then panic with pytest's output unless it passed.
pub async fn assert_pytest_async(test_file: &str, env: &[(&str, String)]) -> Output {
    let out = run_pytest_async(test_file, env).await;
    check(&out, &format!("pytest tests/python/{test_file} failed"));
    out
}
