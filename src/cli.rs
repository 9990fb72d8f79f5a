//! Command-line definitions. Raw arguments become validated settings in one place
//! (`commands`), and the exit code is decided at the end from what happened.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// ujilab: test regional digital public services for availability, latency and
/// IDSLL standard compliance, and write scored reports.
#[derive(Debug, Parser)]
#[command(name = "ujilab", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug); RUST_LOG also works.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load scenarios (files, or folders searched for *.yaml/*.yml), run them,
    /// write reports and print a summary.
    Run(RunArgs),
    /// Load and check scenarios without sending any request.
    Validate(ValidateArgs),
    /// Start the built-in sandbox, run the bundled demo scenarios against it and
    /// write reports/demo/ (works offline).
    Demo(DemoArgs),
    /// Serve the simulated regency's services until Ctrl-C.
    Sandbox(SandboxArgs),
    /// Print a JSON Schema.
    Schema {
        #[arg(value_enum)]
        which: SchemaKind,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    /// The scenario format (YAML, version 1).
    Scenario,
    /// report.json (format ujilab-report/1).
    Report,
}

#[derive(Debug, Args, Default)]
pub struct LoadArgs {
    /// Override a var: NAME=VALUE (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
    pub set: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files or folders (default: ./scenarios).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Scenarios run in parallel (their availability and load phases never overlap).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,
    /// Run only this probe (and the probes whose captures it needs), or only the
    /// scenario with this id; the verdict is then not_evaluated.
    #[arg(long, value_name = "PROBE_OR_SCENARIO_ID")]
    pub only: Option<String>,
    /// Trust this CA certificate (PEM) too, for every scenario.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Vec<PathBuf>,
    /// Skip load runs (a quick functional pass).
    #[arg(long)]
    pub no_load: bool,
    /// Skip availability sampling.
    #[arg(long)]
    pub no_availability: bool,
    /// If any scenario fails to load, probe nothing.
    #[arg(long)]
    pub strict: bool,
    /// Use a proxy: a URL, or `env` for HTTPS_PROXY/HTTP_PROXY.
    #[arg(long, value_name = "URL|env")]
    pub proxy: Option<String>,
    /// Stop probing after this long (e.g. 10m); the reports say the run is incomplete.
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub max_duration: Option<std::time::Duration>,
    /// Unset environment variables are errors (always so for `run`; accepted for symmetry with `validate`).
    #[arg(long)]
    pub require_env: bool,
    /// Also trust the operating system's certificate store.
    #[arg(long, value_name = "system", value_parser = ["system"])]
    pub trust: Option<String>,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Report folder (default: reports/<UTC yyyymmdd-hhmmss>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Report formats, comma-separated. This version writes json.
    #[arg(long, value_delimiter = ',', default_value = "json")]
    pub format: Vec<String>,
    /// Language of human output: id or en (default from LANG).
    #[arg(long, value_parser = ["id", "en"])]
    pub lang: Option<String>,
    /// No progress display, even on a terminal.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files or folders (default: ./scenarios).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
    /// Unset environment variables and secrets are errors, not warnings.
    #[arg(long)]
    pub require_env: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    /// Seed for the sandbox's faults.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    #[arg(long, default_value = "127.0.0.1:8780")]
    pub http: std::net::SocketAddr,
    #[arg(long, default_value = "127.0.0.1:8743")]
    pub https: std::net::SocketAddr,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where to write the sandbox CA certificate (default: the temp folder).
    #[arg(long, value_name = "PATH")]
    pub ca_out: Option<PathBuf>,
}

fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    crate::scenario::quantity::parse_duration(text)
}

fn parse_set(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err(format!("`{text}` is not NAME=VALUE")),
    }
}
