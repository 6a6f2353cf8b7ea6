//! `bifrost login` / `bifrost logout`: keep an admin credential for a server so that
//! `bifrost --url URL <command>` (or `BIFROST_URL`) manages it from anywhere.
//!
//! A token is checked against the server before it is stored. A username/password is
//! used once, over Basic auth, to create an admin token for this CLI (`cli-login-...`),
//! and only that token is stored: the password never touches the disk, and `logout`
//! revokes the token on the server.

use anyhow::Context;
use clap::Args;
use http::Method;
use serde::Deserialize;

use super::admin::read_secret;
use super::login_store::{self, Saved};
use super::{backend, CmdResult, Failure};
use crate::admin::{Credentials, RemoteAdmin, RemoteCredential};
use crate::governance::{Clock, SystemClock};

/// The prefix of tokens `login --username` creates, which `logout` revokes.
const LOGIN_TOKEN_PREFIX: &str = "cli-login-";

/// Flags of `bifrost login`.
#[derive(Args)]
pub struct LoginArgs {
    /// An admin token (without it, and without --username, it is prompted for or read
    /// from stdin; prefer that: a flag's value shows in the process list).
    #[arg(long, conflicts_with = "username")]
    pub token: Option<String>,
    /// Log in with the admin login instead; the password is prompted for (or read from
    /// stdin) and a token is created for this CLI.
    #[arg(long)]
    pub username: Option<String>,
}

/// Redacted: the parsed command line is `Debug`, a token on it must not be.
impl std::fmt::Debug for LoginArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginArgs")
            .field("token", &self.token.as_ref().map(|_| ".."))
            .field("username", &self.username)
            .finish()
    }
}

#[derive(Deserialize)]
struct WhoAmI {
    kind: String,
    name: Option<String>,
}

fn required_url() -> Result<&'static str, Failure> {
    backend::url().ok_or_else(|| {
        Failure::Usage(anyhow::anyhow!(
            "name the server: bifrost login --url https://gw.example.com (or set BIFROST_URL)"
        ))
    })
}

async fn whoami(client: &RemoteAdmin) -> Result<WhoAmI, Failure> {
    let (status, body) = client
        .send(Method::GET, "/api/admin/whoami", None, Vec::new())
        .await?;
    if status != 200 {
        let message = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.pointer("/error/message")?.as_str().map(str::to_string))
            .unwrap_or_else(|| format!("HTTP {status}"));
        return Err(Failure::Problem(anyhow::anyhow!(
            "{} refused the credential: {message}",
            client.target()
        )));
    }
    serde_json::from_slice(&body)
        .with_context(|| format!("{} does not look like a bifrost server", client.target()))
        .map_err(Failure::Problem)
}

/// Verifies a credential with the server at `--url` and stores a token for it.
pub async fn login(args: LoginArgs) -> CmdResult {
    let url = required_url()?;
    if plain_http_to_another_machine(url) {
        eprintln!("warning: {url} is plain HTTP: the credential crosses the network unencrypted; prefer https://");
    }
    let token = match (args.token, args.username) {
        (Some(token), _) => token,
        (None, Some(username)) => {
            let password = read_secret("Admin password: ", false)?;
            let client = RemoteAdmin::over_http(
                url,
                Some(&RemoteCredential::Login {
                    username: username.clone(),
                    password,
                }),
            )?;
            whoami(&client).await?;
            let name = login_token_name(&username, SystemClock.now());
            let made = client
                .create_token(&name, None)
                .await
                .map_err(|e| Failure::Problem(e.into()))?;
            eprintln!(
                "created admin token `{}` for this CLI (`bifrost logout` revokes it)",
                made.info.name
            );
            made.token
        }
        (None, None) => read_secret("Admin token: ", false)?,
    };
    let client = RemoteAdmin::over_http(url, Some(&RemoteCredential::Token(token.clone())))?;
    let me = whoami(&client).await?;
    let saved = login_store::save(url, &token)?;
    let who = match me.name {
        Some(name) => format!("{} `{name}`", me.kind),
        None => me.kind,
    };
    eprintln!("logged in to {url} ({who})");
    match saved {
        Saved::Keychain => eprintln!("the credential is in the OS keychain"),
        Saved::File(path, None) => eprintln!("the credential is in {} (mode 0600)", path.display()),
        Saved::File(path, Some(why)) => eprintln!(
            "warning: the OS keychain is not available ({why}); the credential is in {} (mode 0600), readable by this user's processes",
            path.display()
        ),
    }
    Ok(())
}

/// Forgets the credential for `--url`; a token `login --username` created is revoked on
/// the server first (best effort: logging out works offline too).
pub async fn logout() -> CmdResult {
    let url = required_url()?;
    if let Some(token) = login_store::load(url) {
        let client = RemoteAdmin::over_http(url, Some(&RemoteCredential::Token(token)))?;
        if let Ok(WhoAmI {
            kind,
            name: Some(name),
        }) = whoami(&client).await
        {
            if kind == "token" && name.starts_with(LOGIN_TOKEN_PREFIX) {
                match client.revoke_token(&name).await {
                    Ok(()) => eprintln!("revoked admin token `{name}` on {url}"),
                    Err(e) => {
                        eprintln!("warning: could not revoke admin token `{name}` on {url}: {e}")
                    }
                }
            }
        }
    }
    if login_store::remove(url)? {
        eprintln!("logged out of {url}");
    } else {
        eprintln!("no credential was stored for {url}");
    }
    Ok(())
}

fn plain_http_to_another_machine(url: &str) -> bool {
    let Ok(uri) = url.trim().parse::<http::Uri>() else {
        return false;
    };
    let loopback = match uri
        .host()
        .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
    {
        Some("localhost") => true,
        Some(h) => h
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => true,
    };
    uri.scheme_str() == Some("http") && !loopback
}

/// `cli-login-<username>-<unix time>`, with the username reduced to token-name characters.
fn login_token_name(username: &str, now: u64) -> String {
    let user: String = username
        .chars()
        .take(32)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{LOGIN_TOKEN_PREFIX}{user}-{now}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_flagged_only_off_this_machine() {
        assert!(plain_http_to_another_machine("http://gw.example.com"));
        assert!(plain_http_to_another_machine("http://10.0.0.5:8080"));
        assert!(!plain_http_to_another_machine("https://gw.example.com"));
        assert!(!plain_http_to_another_machine("http://127.0.0.1:8080"));
        assert!(!plain_http_to_another_machine("http://[::1]:8080"));
        assert!(!plain_http_to_another_machine("http://localhost"));
    }

    #[test]
    fn login_token_names_are_valid_token_names() {
        assert_eq!(login_token_name("a b:c", 7), "cli-login-a_b_c-7");
    }
}
