//! `bifrost admin ...`: the credentials that open the management API over TCP.
//! `TOKEN=$(bifrost admin token create --name ci)` works: stdout carries only the value.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::output::{print, print_json, table};
use super::{backend, CmdResult, Failure};
use crate::admin::{parse_expiry, CredentialError, Credentials};

/// `bifrost admin` subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Set the admin username and password for Basic auth (prompts twice on a terminal,
    /// else reads one line from stdin). Stored as an Argon2id hash.
    SetPassword {
        /// The username.
        #[arg(long, default_value = "admin")]
        username: String,
    },
    /// Manage admin API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

/// `bifrost admin token` subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; prints only its value on stdout (shown this once).
    Create(CreateArgs),
    /// List tokens: name, created, expires, last used (never values).
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token; requests presenting it are refused from then on.
    Revoke {
        /// The token's name.
        name: String,
    },
}

/// Flags of `bifrost admin token create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// A name to list and revoke it by.
    #[arg(long)]
    pub name: String,
    /// Expire after this long: a number and s, m, h, d or w (`30d`). Default: never.
    #[arg(long, value_name = "DURATION", value_parser = parse_expiry)]
    pub expires: Option<u64>,
}

/// Runs an admin command against the selected server or the store.
pub async fn run(cmd: AdminCommand, data_dir: PathBuf) -> CmdResult {
    let creds = backend::connect_credentials(&data_dir).await?;
    match cmd {
        AdminCommand::SetPassword { username } => {
            let password = read_secret("New admin password: ", true)?;
            creds
                .set_password(&username, &password)
                .await
                .map_err(failure)?;
            eprintln!("admin login `{username}` set; Basic auth with it opens the management API");
            Ok(())
        }
        AdminCommand::Token(cmd) => token(creds.as_ref(), cmd).await,
    }
}

async fn token(creds: &dyn Credentials, cmd: TokenCommand) -> CmdResult {
    match cmd {
        TokenCommand::Create(args) => {
            let made = creds
                .create_token(&args.name, args.expires)
                .await
                .map_err(failure)?;
            let expiry = made
                .info
                .expires_at
                .as_deref()
                .map_or("it does not expire".to_string(), |at| {
                    format!("it expires {at}")
                });
            eprintln!(
                "admin token `{}` created; {expiry}. It is shown only this once:",
                made.info.name
            );
            print(&format!("{}\n", made.token))
        }
        TokenCommand::List { json } => {
            let tokens = creds.list_tokens().await.map_err(failure)?;
            if json {
                return print_json(&tokens);
            }
            let rows: Vec<Vec<String>> = tokens
                .into_iter()
                .map(|t| {
                    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "-".into());
                    vec![
                        t.name,
                        t.created_at,
                        or_dash(t.expires_at),
                        or_dash(t.last_used_at),
                    ]
                })
                .collect();
            print(&table(&["NAME", "CREATED", "EXPIRES", "LAST USED"], &rows))
        }
        TokenCommand::Revoke { name } => {
            creds.revoke_token(&name).await.map_err(failure)?;
            eprintln!("admin token `{name}` revoked");
            Ok(())
        }
    }
}

/// Bad input is a usage error (exit 2); anything else a failed operation (exit 1).
fn failure(e: CredentialError) -> Failure {
    let usage = matches!(e, CredentialError::Invalid(_))
        || matches!(
            e,
            CredentialError::Admin(crate::admin::AdminError::Remote { status: 400, .. })
        );
    if usage {
        Failure::Usage(e.into())
    } else {
        Failure::Problem(e.into())
    }
}

/// Reads a secret: without echo (twice when `confirm`) on a terminal, else one line of
/// stdin, so scripts can pipe it (`echo "$PW" | bifrost admin set-password`).
pub(super) fn read_secret(prompt: &str, confirm: bool) -> Result<String, Failure> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(prompt).context("cannot read from the terminal")?;
        if confirm {
            let again =
                rpassword::prompt_password("Again: ").context("cannot read from the terminal")?;
            if again != first {
                return Err(Failure::Usage(anyhow::anyhow!(
                    "the two entries differ; nothing changed"
                )));
            }
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read stdin")?;
    let secret = line.trim_end_matches(['\n', '\r']).to_string();
    if secret.is_empty() {
        return Err(Failure::Usage(anyhow::anyhow!(
            "{}expected on stdin (one line), got nothing",
            prompt.trim_end_matches(": ").to_lowercase() + " "
        )));
    }
    Ok(secret)
}
