//! Where `bifrost login` keeps admin tokens, one per server URL: the OS keychain through
//! the `keyring` crate (macOS Keychain, Windows Credential Manager, the Linux kernel
//! keyring), or, when none works (a container without keyctl, a CI runner), a JSON file
//! of mode 0600 under the config dir, with a warning saying so.
//!
//! `BIFROST_CREDENTIALS_FILE=PATH` forces the file (and names it): for tests, and for
//! machines whose keychain should not be touched. This is the only module naming
//! `keyring`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Forces the file store and names its path.
pub const FILE_ENV: &str = "BIFROST_CREDENTIALS_FILE";
/// The keychain service name entries are filed under.
const SERVICE: &str = "bifrost";

/// Where a credential was saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// The OS keychain.
    Keychain,
    /// The fallback file, and why the keychain was not used (`None`: forced by env).
    File(PathBuf, Option<String>),
}

/// One server per entry: the URL as given, without a trailing `/`.
fn key(url: &str) -> String {
    url.trim().trim_end_matches('/').to_string()
}

fn forced_file() -> Option<PathBuf> {
    std::env::var_os(FILE_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The fallback file: `$BIFROST_CREDENTIALS_FILE`, else `<config dir>/bifrost/credentials.json`.
pub fn file_path() -> PathBuf {
    forced_file().unwrap_or_else(|| {
        dirs::config_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("bifrost")
            .join("credentials.json")
    })
}

/// Saves `token` for `url`, in the keychain when it works, else in the file.
pub fn save(url: &str, token: &str) -> anyhow::Result<Saved> {
    let url = key(url);
    if forced_file().is_none() {
        match keychain_save(&url, token) {
            Ok(()) => {
                // A stale copy in the file would shadow nothing, but should not linger.
                let _ = file_update(&file_path(), |m| m.remove(&url).is_some());
                return Ok(Saved::Keychain);
            }
            Err(why) => {
                let path = file_path();
                file_update(&path, |m| {
                    m.insert(url.clone(), token.to_string()).is_none()
                })?;
                return Ok(Saved::File(path, Some(why)));
            }
        }
    }
    let path = file_path();
    file_update(&path, |m| m.insert(url, token.to_string()).is_none())?;
    Ok(Saved::File(path, None))
}

/// The token saved for `url`, from the keychain or the file.
pub fn load(url: &str) -> Option<String> {
    let url = key(url);
    if forced_file().is_none() {
        if let Ok(t) = keyring::Entry::new(SERVICE, &url).and_then(|e| e.get_password()) {
            return Some(t);
        }
    }
    file_read(&file_path()).ok()?.remove(&url)
}

/// Forgets the token for `url` everywhere it may be; true when one was found.
pub fn remove(url: &str) -> anyhow::Result<bool> {
    let url = key(url);
    let mut found = false;
    if forced_file().is_none() {
        if let Ok(entry) = keyring::Entry::new(SERVICE, &url) {
            found |= entry.delete_credential().is_ok();
        }
    }
    let path = file_path();
    if path.exists() {
        found |= file_update(&path, |m| m.remove(&url).is_some())?;
    }
    Ok(found)
}

/// Sets and reads back, so a keychain that accepts writes it cannot keep (no session
/// keyring, a locked keychain) counts as unavailable.
fn keychain_save(url: &str, token: &str) -> Result<(), String> {
    let entry = keyring::Entry::new(SERVICE, url).map_err(|e| e.to_string())?;
    entry.set_password(token).map_err(|e| e.to_string())?;
    let back = keyring::Entry::new(SERVICE, url).and_then(|e| e.get_password());
    if back.as_deref().is_ok_and(|b| b == token) {
        return Ok(());
    }
    // Seen in containers: the kernel keyring takes the key but a later lookup cannot
    // find it. Do not leave an unreachable copy of the token behind.
    let _ = entry.delete_credential();
    Err(match back {
        Err(e) => format!("it accepted the credential but could not return it: {e}"),
        Ok(_) => "it returned something else than what was stored".into(),
    })
}

type Tokens = BTreeMap<String, String>;

fn file_read(path: &Path) -> anyhow::Result<Tokens> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not a bifrost credentials file", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Tokens::new()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Applies `change` to the file's map and rewrites it (0600, replaced atomically) when
/// `change` says it changed something; returns that.
fn file_update(path: &Path, change: impl FnOnce(&mut Tokens) -> bool) -> anyhow::Result<bool> {
    let mut tokens = file_read(path)?;
    if !change(&mut tokens) && path.exists() {
        return Ok(false);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = path.with_extension("tmp");
    let text = serde_json::to_vec_pretty(&tokens).context("cannot encode credentials")?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&tmp)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    file.write_all(&text)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_holds_one_token_per_url_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("credentials.json");
        file_update(&path, |m| {
            m.insert("http://a".into(), "t1".into()).is_none()
        })
        .unwrap();
        file_update(&path, |m| {
            m.insert("http://b".into(), "t2".into()).is_none()
        })
        .unwrap();
        let read = file_read(&path).unwrap();
        assert_eq!(read.get("http://a").map(String::as_str), Some("t1"));
        assert_eq!(read.len(), 2);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(file_update(&path, |m| m.remove("http://a").is_some()).unwrap());
        assert!(!file_update(&path, |m| m.remove("http://a").is_some()).unwrap());
        assert_eq!(file_read(&path).unwrap().len(), 1);
    }

    #[test]
    fn urls_are_keyed_without_a_trailing_slash() {
        assert_eq!(key(" https://gw.example.com/ "), "https://gw.example.com");
    }
}
