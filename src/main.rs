//! The `bifrost` binary: parse the command line, run it, exit with its code.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than the system allocator: the request path allocates often, and
/// mimalloc does it in fewer instructions (see the `mimalloc` entry in Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = bifrost::cli::Cli::parse();
    bifrost::cli::run(cli)
}
