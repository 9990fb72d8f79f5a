//! Command-line definitions. Raw arguments become validated settings in one place
//! (`commands`), and the exit code is decided at the end from what happened.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// ujilab: test regional digital public services for availability, latency and
/// IDSLL standard compliance, and write scored reports.
#[derive(Debug, Parser)]
#[command(
    name = "ujilab",
    version,
    long_version = crate::selfdoc::long_version(),
    about,
    long_about = None,
    propagate_version = true,
    help_template = "{name} {version}\n{about-with-newline}\n{usage-heading} {usage}\n\n{all-args}{after-help}",
    after_help = "Docs offline: ujilab docs [TOPIC]. Exit codes: 0 pass, 1 a gate failed, 2 bad input, 3 harness fault."
)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug); RUST_LOG also works.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Language of everything ujilab says: id or en (default: UJILAB_LANG, then
    /// LC_ALL, LC_MESSAGES, LANG; merge and diff default to the reports').
    #[arg(long, global = true, value_parser = ["id", "en"])]
    pub lang: Option<String>,
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
    /// Merge the reports of the shards (and vantages) of one run into one report,
    /// as if one machine had run everything.
    Merge(MergeArgs),
    /// Compare two reports per service and probe; exit 1 on a regression.
    Diff(DiffArgs),
    /// Roll reports up by region: indices, predicates and the national targets.
    Portfolio(PortfolioArgs),
    /// Probe scenarios continuously into a history database (SQLite), with
    /// incidents, webhook alerts and a status page on --listen (docs/watch.md).
    Watch(WatchArgs),
    /// Write the usual reports for a window of watch history (--db, --from,
    /// --to): availability over every sample of the window (docs/watch.md).
    Report(ReportArgs),
    /// Read the standards catalogue: rules with their why, fix and levels, and
    /// the check kinds this binary implements.
    Standards {
        #[command(subcommand)]
        command: StandardsCommand,
    },
    /// Make an Ed25519 key to sign evidence bundles: FILE (PKCS#8 PEM, kept
    /// private) and FILE.pub; prints the public key and its fingerprint.
    Keygen(KeygenArgs),
    /// Check an evidence bundle: every SHA-256 digest and the signature; names
    /// the file that was changed. Exit 0 ok, 1 changed (or unsigned with --key),
    /// 2 not a bundle.
    Verify(VerifyArgs),
    /// Visit a site (home page and a bounded number of same-site pages, obeying
    /// robots.txt) and write a first, commented scenario for it.
    Init(InitArgs),
    /// Write probes from a recorded request: a curl command line or a browser's
    /// HAR file. Tokens, cookies and API keys go to `secrets:`, never the file.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Print a JSON Schema.
    Schema {
        #[arg(value_enum)]
        which: SchemaKind,
    },
    /// Print the documentation built into ujilab (works offline): the scenario
    /// format, the reports, the exit codes, fleet commands, a first-hour guide.
    Docs {
        /// The topic; without one, the list of topics.
        #[arg(value_enum)]
        topic: Option<DocsTopic>,
    },
    /// Print a shell completion script, e.g. `ujilab completions bash >
    /// ~/.local/share/bash-completion/completions/ujilab`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `ujilab man > ujilab.1 && man ./ujilab.1`.
    Man {
        /// Write ujilab.1 and one page per subcommand (ujilab-run.1, ...) into DIR.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// The topics of `ujilab docs`: the files of docs/ in the repository.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DocsTopic {
    /// The scenario format: every key, with an example (docs/scenario.md).
    Scenario,
    /// report.json and the other report formats (docs/reports.md).
    Reports,
    /// The exit codes of every command (docs/exit-codes.md).
    ExitCodes,
    /// Shards, vantages, merge, diff, portfolio (docs/fleet.md).
    Fleet,
    /// A regional IT team's first hour, in Indonesian and English (docs/first-hour.md).
    FirstHour,
    /// A first scenario drafted by init, import curl and import har (docs/init.md).
    Init,
    /// Continuous probing, history, status page, alerts (docs/watch.md).
    Watch,
}

/// How `validate` prints problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ValidateFormat {
    /// For people: each problem with its source line and a caret.
    #[default]
    Text,
    /// One JSON document: every problem with file, line, column, key path,
    /// severity, message and help (for editors and tools).
    Json,
    /// GitHub Actions workflow commands (`::error file=...,line=...,col=...::`),
    /// shown as annotations on the pull request.
    Github,
}

#[derive(Debug, Subcommand)]
pub enum StandardsCommand {
    /// List the rules: code, title, aspect, critical, basis.
    List(CatalogueArgs),
    /// Show one rule: title, why it matters, how to fix, basis, reference, levels.
    Show {
        /// A rule code, such as SC-04.
        code: String,
        #[command(flatten)]
        catalogue: CatalogueArgs,
    },
    /// List the check kinds this binary implements, with their params and levels.
    Kinds,
    /// Validate a catalogue file and show every problem with its position.
    Check {
        /// A catalogue YAML file.
        path: PathBuf,
    },
    /// Write the reference of every built-in catalogue, in Indonesian and
    /// English, as Markdown (the repository keeps it in docs/standards).
    Docs {
        /// The folder to write into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct CatalogueArgs {
    /// The catalogue: idsll-core (built in), idsll-core@VERSION, ombudsman-kepatuhan (built in), or a file.
    #[arg(long, default_value = "idsll-core")]
    pub profile: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    /// The scenario format (YAML, version 1).
    Scenario,
    /// report.json (format ujilab-report/1).
    Report,
    /// A standards catalogue (such as standards/idsll-core.yaml).
    Catalogue,
}

/// `--bundle` and `--sign-key` (run, demo, merge).
#[derive(Debug, Args, Default)]
pub struct BundleArgs {
    /// Also write an evidence bundle (tar): report.json, the scenarios as run,
    /// the catalogues used, the certificate chains seen (PEM) and a manifest of
    /// SHA-256 digests.
    #[arg(long, value_name = "FILE")]
    pub bundle: Option<PathBuf>,
    /// Sign the bundle with this Ed25519 secret key: PKCS#8 PEM (ujilab keygen,
    /// openssl genpkey -algorithm ed25519) or a 32-byte seed in hex or base64.
    /// Default: the key itself in UJILAB_SIGN_KEY; unsigned without either.
    #[arg(long, value_name = "FILE")]
    pub sign_key: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Where to write the secret key (mode 0600); the public key goes to FILE.pub.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The bundle (a tar written by --bundle).
    pub file: PathBuf,
    /// The public key it must be signed with: a file or the key itself (32 bytes
    /// in base64 or hex, or a PEM PUBLIC KEY).
    #[arg(long, value_name = "PUB")]
    pub key: Option<String>,
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
    #[command(flatten)]
    pub bundle: BundleArgs,
    /// Scenarios run in parallel (their availability and load phases never overlap).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,
    /// Run only the scenario with this id (a whole run of it), or only this probe
    /// (and the probes whose captures it needs; the verdict is then
    /// not_evaluated). A name that matches nothing is an error.
    #[arg(long, value_name = "PROBE_OR_SCENARIO_ID")]
    pub only: Option<String>,
    /// Trust this CA certificate (PEM) too, for every scenario.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Vec<PathBuf>,
    /// Skip load runs (a quick functional pass); a scenario whose load is skipped
    /// gets the verdict not_evaluated.
    #[arg(long)]
    pub no_load: bool,
    /// Skip availability sampling; a scenario whose sampling is skipped gets the
    /// verdict not_evaluated.
    #[arg(long)]
    pub no_availability: bool,
    /// Fail the gate of every scenario with `standards:` whose verdict is not
    /// certified (not_evaluated included), whatever its `standards.gate` says:
    /// for pipelines that certify.
    #[arg(long)]
    pub require_verdict: bool,
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
    /// Run only the K-th of N disjoint parts of the scenario set (chosen by a
    /// stable hash of each scenario's identity); `ujilab merge` joins the parts.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<report::fleet::shard::Shard>,
    /// Where this run is made from (a region, a cloud zone), recorded in the
    /// report; `ujilab merge` gives a per-vantage breakdown.
    #[arg(long, value_name = "NAME", value_parser = parse_vantage)]
    pub vantage: Option<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The service's home page, e.g. https://layanan.contohkab.go.id/.
    pub url: String,
    /// Where to write the scenario (default: scenarios/<host>.yaml).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub force: bool,
    /// Like curl --resolve: HOST:IP (or HOST:PORT:IP), no DNS lookup for HOST;
    /// repeatable. Written to the scenario's `defaults.resolve`.
    #[arg(long, value_name = "HOST:IP", value_parser = parse_resolve)]
    pub resolve: Vec<(String, std::net::IpAddr)>,
    /// Trust this CA certificate (PEM) too; written to the scenario's
    /// `defaults.tls.ca_file`.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Vec<PathBuf>,
    /// Links followed from the home page.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub depth: u32,
    /// Pages fetched at most.
    #[arg(long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=500))]
    pub max_pages: u32,
    /// Pause between two requests (longer when robots.txt asks, up to 10 s).
    #[arg(long, value_name = "DUR", default_value = "500ms", value_parser = parse_duration)]
    pub delay: std::time::Duration,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A curl command line, after `--`: `ujilab import curl -- curl -H ... URL`.
    Curl(ImportCurlArgs),
    /// A HAR file saved by a browser's developer tools (Network, "Save all as HAR").
    Har(ImportHarArgs),
}

#[derive(Debug, Args)]
pub struct ImportCurlArgs {
    /// Where to write the scenario (default: scenarios/<host>.yaml).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub force: bool,
    /// The curl command line (the leading `curl` may be left out).
    #[arg(last = true, required = true, value_name = "CURL ARGS")]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ImportHarArgs {
    /// The HAR file.
    pub file: PathBuf,
    /// Where to write the scenario (default: scenarios/<host>.yaml).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub force: bool,
    /// Keep requests to other hosts than the first page's too (scripts, fonts
    /// and trackers of third parties are left out by default).
    #[arg(long)]
    pub all_hosts: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// report.json files of the shards (and vantages) of one run.
    #[arg(required = true, value_name = "REPORT.json")]
    pub reports: Vec<PathBuf>,
    /// Report folder for the merged report.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Report formats, comma-separated: json, html, junit, md, prom (metrics.prom,
    /// OpenMetrics).
    #[arg(long, value_delimiter = ',', default_value = "json,html,junit,md")]
    pub format: Vec<String>,
    /// Merge even when shards are missing; the result is marked incomplete.
    #[arg(long)]
    pub allow_partial: bool,
    #[command(flatten)]
    pub bundle: BundleArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The report to compare against (e.g. from the main branch).
    #[arg(value_name = "BASE.json")]
    pub base: PathBuf,
    /// The report of the change.
    #[arg(value_name = "NEW.json")]
    pub new: PathBuf,
    /// A figure regresses when it worsens by more than this share of its base
    /// value (latency; for error rate and availability, of the failing share)...
    #[arg(long, value_name = "PCT", default_value = "10%", value_parser = parse_ratio)]
    pub max_regression: f64,
    /// ...and latency by more than this.
    #[arg(long, value_name = "DUR", default_value = "2ms", value_parser = parse_duration)]
    pub min_delta: std::time::Duration,
    /// ...and error rate or availability by more than this many points.
    #[arg(long, value_name = "PCT", default_value = "0.1%", value_parser = parse_ratio)]
    pub min_ratio_delta: f64,
    /// The index regresses when it drops by at least this much.
    #[arg(long, value_name = "N", default_value_t = 0.05)]
    pub min_index_delta: f64,
    /// Percentiles over fewer responses than this are shown but never gate.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub min_samples: u64,
    /// An error rate or availability regresses only with at least this many
    /// failed requests (or samples down) in the new report.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub min_failures: u64,
    /// A service or probe of the base that the new report lacks is shown, not
    /// a regression.
    #[arg(long)]
    pub allow_missing: bool,
    /// Show every figure, also those that changed less than the minimum deltas.
    #[arg(long)]
    pub all: bool,
    /// `text` for a terminal, `md` for a pull request.
    #[arg(long, default_value = "text", value_parser = ["text", "md"])]
    pub format: String,
    /// Also write the output to this file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Scenario files or folders (default: ./scenarios).
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
    /// The history database: sqlite:FILE (created if missing), or
    /// postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (no TLS; the password, or
    /// PGPASSWORD, is never shown), which several watches may share, each with
    /// its own --vantage.
    #[arg(long, value_name = "URL", default_value = "sqlite:ujilab.db")]
    pub db: String,
    /// Serve the status page, JSON API, badges and /metrics here (loopback unless
    /// you name another address).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Serve nothing (no status page).
    #[arg(long, conflicts_with = "listen")]
    pub no_listen: bool,
    /// Send alerts to this webhook: URL (generic JSON), slack=URL or
    /// telegram=URL?chat_id=CHAT (repeatable). The URL is a secret: never shown.
    #[arg(long, value_name = "[FORMAT=]URL")]
    pub webhook: Vec<String>,
    /// The name of this prober, kept with every sample; each watch writing one
    /// shared history needs its own.
    #[arg(long, value_name = "NAME", default_value = "default")]
    pub vantage: String,
    /// Keep raw samples this long (hourly and daily rollups are kept for good).
    #[arg(long, value_name = "DUR", default_value = "7d", value_parser = parse_duration)]
    pub retention: std::time::Duration,
    /// Check the standards this often, and once on start.
    #[arg(long, value_name = "DUR", default_value = "24h", value_parser = parse_duration)]
    pub standards_every: std::time::Duration,
    /// Do not check the standards (probing only).
    #[arg(long)]
    pub no_standards: bool,
    /// The status page's address as people reach it, linked from alerts.
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// Trust this CA certificate (PEM) too, for every scenario.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Vec<PathBuf>,
    /// Use a proxy: a URL, or `env` for HTTPS_PROXY/HTTP_PROXY.
    #[arg(long, value_name = "URL|env")]
    pub proxy: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The history database: sqlite:FILE or postgres://USER@HOST[:PORT]/DATABASE.
    #[arg(long, value_name = "URL")]
    pub db: String,
    /// The window's start: an RFC 3339 time, or a span back from now (30d).
    #[arg(long, value_name = "T")]
    pub from: String,
    /// The window's end (default: now).
    #[arg(long, value_name = "T", default_value = "now")]
    pub to: String,
    /// Only this service (its id, or id/label); default: every service.
    #[arg(long, value_name = "SERVICE")]
    pub service: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct PortfolioArgs {
    /// report.json files (runs or merges) covering the regions' services.
    #[arg(required = true, value_name = "REPORT.json")]
    pub reports: Vec<PathBuf>,
    /// Output folder: portfolio.json, portfolio.html, portfolio.md.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Formats, comma-separated: json, html, md.
    #[arg(long, value_delimiter = ',', default_value = "json,html,md")]
    pub format: Vec<String>,
    /// The national target for the mean index of all regions.
    #[arg(long, value_name = "INDEX", default_value_t = 3.50)]
    pub target_index: f64,
    /// The target share of kabupaten at the good predicate or better.
    #[arg(long, value_name = "PCT", default_value = "75%", value_parser = parse_ratio)]
    pub target_kabupaten: f64,
    /// The target share of kota at the good predicate or better.
    #[arg(long, value_name = "PCT", default_value = "85%", value_parser = parse_ratio)]
    pub target_kota: f64,
    /// The predicate that counts as good (this band or a higher one).
    #[arg(long, value_name = "PREDICATE", default_value = "Baik")]
    pub good: String,
    /// List incomplete reports and partial runs (--only, --no-load,
    /// --no-availability), marked and counted toward no target, instead of
    /// refusing them.
    #[arg(long)]
    pub allow_incomplete: bool,
    /// List runs under test conditions (resolve, an extra CA file, insecure),
    /// marked and counted toward no target, instead of refusing them.
    #[arg(long)]
    pub allow_test_conditions: bool,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Report folder (default: reports/<UTC yyyymmdd-hhmmss>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Report formats, comma-separated: json (report.json), html (report.html),
    /// junit (junit.xml), md (summary.md), prom (metrics.prom, OpenMetrics).
    #[arg(long, value_delimiter = ',', default_value = "json,html,junit,md")]
    pub format: Vec<String>,
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
    /// How to print problems: text, json (for editors) or github (annotations).
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub bundle: BundleArgs,
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
    /// Make every service stall periodically (for load benchmarks): every DUR...
    #[arg(long, value_name = "DUR", value_parser = parse_duration, requires = "stall_for")]
    pub stall_every: Option<std::time::Duration>,
    /// ...hold every answer for this long (the last part of each period).
    #[arg(long, value_name = "DUR", value_parser = parse_duration, requires = "stall_every")]
    pub stall_for: Option<std::time::Duration>,
}

fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    input::quantity::parse_duration(text).map_err(|error| error.pick(argument_lang()).to_string())
}

fn parse_ratio(text: &str) -> Result<f64, String> {
    input::quantity::parse_ratio(text).map_err(|error| error.pick(argument_lang()).to_string())
}

/// The language of a message about an argument: clap checks values before
/// `--lang` is read, so it is looked for on the command line here.
fn argument_lang() -> input::lang::Lang {
    let args: Vec<String> = std::env::args().collect();
    let explicit = args
        .iter()
        .enumerate()
        .find_map(|(index, arg)| match arg.as_str() {
            "--lang" => args.get(index + 1).map(String::as_str),
            other => other.strip_prefix("--lang="),
        });
    crate::commands::chosen_lang(explicit)
}

fn parse_vantage(text: &str) -> Result<String, String> {
    let valid = !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(text.to_string())
    } else {
        Err(format!(
            "`{text}` is not a vantage name: 1 to 64 of a-z, A-Z, 0-9, `-`, `_`, `.`"
        ))
    }
}

/// `HOST:IP` or curl's `HOST:PORT:IP` (the port is the URL's anyway); an IPv6
/// address may be bracketed.
fn parse_resolve(text: &str) -> Result<(String, std::net::IpAddr), String> {
    let parse_ip = |ip: &str| ip.trim_matches(['[', ']']).parse::<std::net::IpAddr>().ok();
    let (host, rest) = text
        .split_once(':')
        .ok_or_else(|| format!("`{text}` is not HOST:IP"))?;
    let ip = parse_ip(rest).or_else(|| {
        let (port, ip) = rest.split_once(':')?;
        port.parse::<u16>().ok()?;
        parse_ip(ip)
    });
    match ip {
        Some(ip) if !host.is_empty() => Ok((host.to_ascii_lowercase(), ip)),
        _ => Err(format!("`{text}` is not HOST:IP (or HOST:PORT:IP)")),
    }
}

fn parse_set(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err(format!("`{text}` is not NAME=VALUE")),
    }
}
