//! The `ujilab` binary: parse arguments, run the command, exit with its code.
//!
//! The pipeline lives in the workspace's crates (input → run → judge → report, the
//! sandbox apart); this package is the command line over them.

mod bundle;
mod cli;
mod commands;
mod draft;
mod execute;
mod exit;
mod fleet;
mod logging;
mod problems;
mod progress;
mod say;
mod selfdoc;
mod signals;
mod watch;

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    commands::main(cli).into()
}
