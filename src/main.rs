//! The `bifrost` binary: parse the command line, run it, exit with its code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = bifrost::cli::Cli::parse();
    bifrost::cli::run(cli)
}
