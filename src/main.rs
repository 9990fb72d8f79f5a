//! The `ujilab` binary: parse arguments, run the command, exit with its code.

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    let cli = ujilab::cli::Cli::parse();
    ujilab::commands::main(cli).into()
}
