//! The command line: clap definitions and one handler module per command group.
//!
//! Exit codes: 0 success, 1 a problem found or an operation failed, 2 a usage or
//! configuration error. A closed stdout (`bifrost provider list | head`) is success.

mod admin;
mod assets;
pub mod backend;
mod config_apply;
mod config_cmd;
mod config_settings;
mod governance;
mod key_settings;
mod login;
mod login_store;
mod logs;
mod output;
mod provider;
mod route;
mod route_render;
mod serve;
mod top;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::admin::AdminError;
use crate::routing::RouteError;

pub use assets::{completion, man_pages, Shell};

/// bifrost: an LLM gateway. One OpenAI-compatible API in front of every provider.
#[derive(Debug, Parser)]
#[command(name = "bifrost", version, about, propagate_version = true)]
pub struct Cli {
    /// Directory holding the store and the management socket.
    #[arg(long, global = true, env = "BIFROST_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Manage the bifrost server at this URL over HTTP(S) instead of the local one,
    /// with the credential `bifrost login` stored (or BIFROST_ADMIN_TOKEN).
    #[arg(long, global = true, env = "BIFROST_URL", value_name = "URL")]
    pub url: Option<String>,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the gateway.
    Serve(serve::ServeArgs),
    /// Manage providers and their keys.
    #[command(subcommand)]
    Provider(Box<provider::ProviderCommand>),
    /// Manage routing rules; explain where a request would go.
    #[command(subcommand)]
    Route(Box<route::RouteCommand>),
    /// Check or export configuration.
    #[command(subcommand)]
    Config(config_cmd::ConfigCommand),
    #[command(flatten)]
    Governance(governance::GovCommand),
    /// Manage the credentials that open the management API over TCP.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Store a credential for the server at --url, after checking it there.
    Login(login::LoginArgs),
    /// Forget the credential for the server at --url.
    Logout,
    /// Watch and manage the running server in a terminal dashboard.
    Top(top::TopArgs),
    /// Read the request log: list, follow, show, stats, export.
    Logs(Box<logs::LogsArgs>),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: Shell,
    },
}

/// Why a command failed, and so which exit code it earns.
#[derive(Debug)]
pub enum Failure {
    /// The operation failed or found a problem (exit 1).
    Problem(anyhow::Error),
    /// Bad usage or configuration (exit 2).
    Usage(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Problem(e)
    }
}

/// A management operation that failed (no such provider, invalid settings, the
/// server unreachable) is a problem found, exit 1, so handlers can use `?` on it.
impl From<AdminError> for Failure {
    fn from(e: AdminError) -> Self {
        Failure::Problem(e.into())
    }
}

/// A model that leads nowhere (`provider test --model`) is a problem found, exit 1.
impl From<RouteError> for Failure {
    fn from(e: RouteError) -> Self {
        Failure::Problem(e.into())
    }
}

/// What command handlers return.
pub type CmdResult = Result<(), Failure>;

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let data_dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    backend::select(cli.url.clone());
    let result = match cli.command {
        Command::Serve(args) => serve::run(args, data_dir),
        Command::Provider(cmd) => with_runtime(cmd.run(data_dir)),
        Command::Route(cmd) => with_runtime(cmd.run(data_dir)),
        Command::Config(cmd) => with_runtime(config_cmd::run(cmd, data_dir)),
        Command::Governance(cmd) => with_runtime(governance::run(cmd, data_dir)),
        Command::Admin(cmd) => with_runtime(admin::run(cmd, data_dir)),
        Command::Login(args) => with_runtime(login::login(args)),
        Command::Logout => with_runtime(login::logout()),
        Command::Top(args) => with_runtime(top::run(args, data_dir)),
        Command::Logs(args) => with_runtime(logs::run(*args, data_dir)),
        Command::Completions { shell } => output::print(&completion(shell)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Problem(e)) => report(&e, 1),
        Err(Failure::Usage(e)) => report(&e, 2),
    }
}

fn report(e: &anyhow::Error, code: u8) -> ExitCode {
    if output::is_broken_pipe(e) {
        return ExitCode::SUCCESS;
    }
    eprintln!("error: {e:#}");
    ExitCode::from(code)
}

fn with_runtime(fut: impl std::future::Future<Output = CmdResult>) -> CmdResult {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Problem(anyhow::anyhow!("cannot start the async runtime: {e}")))?;
    rt.block_on(fut)
}

/// `$XDG_DATA_HOME/bifrost` (`~/.local/share/bifrost`), or `./bifrost-data` when the
/// platform has no data dir.
pub fn default_data_dir() -> PathBuf {
    dirs::data_dir()
        .map(|d| d.join("bifrost"))
        .unwrap_or_else(|| PathBuf::from("bifrost-data"))
}
