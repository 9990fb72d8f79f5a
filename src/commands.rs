//! What each command does, from validated arguments to an exit code.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::StreamExt as _;

use input::lang::Lang;
use input::scenario::{
    Environment, LoadSettings, Loaded, LoadedSet, Source, discover, load_all, load_where,
};
use report::build::{RunContext, load_error_report, rfc3339, scenario_report};
use report::fleet::shard::Shard;
use report::model::{Gate, Overrides, Report, ScenarioEntry};
use report::terminal::Style;
use report::write::{Format, append, write_all};
use report::{model, terminal};
use run::{Cancel, RunSettings, run_scenario};

use crate::cli::{Cli, Command, DemoArgs, OutputArgs, RunArgs, SchemaKind, ValidateArgs};
use crate::exit::ExitCode;
use crate::{logging, progress, signals};

/// The demo scenarios, embedded so that an installed binary runs the demo anywhere.
const DEMO_SCENARIOS: [(&str, &str); 3] = [
    (
        "scenarios/demo/dukcapil.yaml",
        include_str!("../scenarios/demo/dukcapil.yaml"),
    ),
    (
        "scenarios/demo/perizinan.yaml",
        include_str!("../scenarios/demo/perizinan.yaml"),
    ),
    (
        "scenarios/demo/pengaduan.yaml",
        include_str!("../scenarios/demo/pengaduan.yaml"),
    ),
];

pub fn main(cli: Cli) -> ExitCode {
    logging::init(cli.verbose, cli.quiet);
    run::client::install_crypto_provider();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::HarnessFault;
        }
    };
    let quiet = cli.quiet;
    runtime.block_on(async move {
        match cli.command {
            Command::Run(args) => run(args, quiet).await,
            Command::Validate(args) => validate(args, quiet),
            Command::Demo(args) => demo(args, quiet).await,
            Command::Sandbox(args) => sandbox(args).await,
            Command::Merge(args) => crate::fleet::merge(args, quiet),
            Command::Diff(args) => crate::fleet::diff(args, quiet),
            Command::Portfolio(args) => crate::fleet::portfolio(args, quiet),
            Command::Standards { command } => standards(command),
            Command::Schema { which } => schema(which),
        }
    })
}

fn validate(args: ValidateArgs, quiet: bool) -> ExitCode {
    let paths = default_paths(args.paths);
    let discovery = discover(&paths);
    let settings = LoadSettings {
        env: Environment::from_process(),
        set: args.load.set,
        require_env: args.require_env,
        known_rules: Vec::new(),
    };
    let mut notes = discovery.notes.clone();
    let loaded = load_all(&discovery.sources, &settings, &mut notes);
    let mut failures = discovery.unreadable.len();
    for failure in &discovery.unreadable {
        eprint!("{}", failure.render());
    }
    let mut ready = 0;
    for item in &loaded {
        match item {
            Loaded::Ready { scenario, warnings } => {
                ready += 1;
                if !warnings.is_empty() {
                    let text = discovery
                        .sources
                        .iter()
                        .find(|source| source.name == scenario.file)
                        .and_then(|source| std::str::from_utf8(&source.bytes).ok());
                    eprint!(
                        "{}",
                        input::diagnostic::render(&scenario.file, text, warnings)
                    );
                }
            }
            Loaded::Failed(failure) => {
                failures += 1;
                eprint!("{}", failure.render());
            }
        }
    }
    if !quiet {
        for note in &notes {
            eprintln!("note: {note}");
        }
        println!("{ready} scenario(s) valid, {failures} with errors");
    }
    if failures > 0 {
        ExitCode::BadInput
    } else {
        ExitCode::Success
    }
}

/// What both `run` and `demo` need to run scenarios and report.
struct Plan {
    sources: Vec<Source>,
    unreadable: Vec<input::scenario::LoadFailure>,
    notes: Vec<String>,
    env: Environment,
    set: Vec<(String, String)>,
    settings: RunSettings,
    concurrency: usize,
    strict: bool,
    max_duration: Option<std::time::Duration>,
    output: OutputArgs,
    out_dir: PathBuf,
    overrides: Overrides,
    /// `--shard K/N`: run only this part of the set.
    shard: Option<report::fleet::shard::Shard>,
    vantage: Option<String>,
}

async fn run(args: RunArgs, quiet: bool) -> ExitCode {
    let paths = default_paths(args.paths.clone());
    let discovery = discover(&paths);
    let proxy = match args.proxy.as_deref() {
        Some("env") => std::env::var("HTTPS_PROXY")
            .or_else(|_| std::env::var("HTTP_PROXY"))
            .ok(),
        other => other.map(str::to_string),
    };
    let overrides = Overrides {
        set: args.load.set.iter().map(|(name, _)| name.clone()).collect(),
        only: args.only.clone(),
        no_load: args.no_load,
        no_availability: args.no_availability,
        resolve: Vec::new(),
        ca_file: args
            .ca_file
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        insecure: false,
        proxy: proxy.clone(),
    };
    let out_dir = args.output.out.clone().unwrap_or_else(default_out_dir);
    let plan = Plan {
        sources: discovery.sources,
        unreadable: discovery.unreadable,
        notes: discovery.notes,
        env: Environment::from_process(),
        set: args.load.set,
        settings: RunSettings {
            no_load: args.no_load,
            no_availability: args.no_availability,
            only_probe: args.only,
            only_scenario: false,
            extra_ca_files: args.ca_file,
            proxy,
            trust_system: args.trust.is_some(),
            exclusive: Arc::default(),
            clients: Arc::default(),
        },
        concurrency: usize::from(args.concurrency),
        strict: args.strict,
        max_duration: args.max_duration,
        output: args.output,
        out_dir,
        overrides,
        shard: args.shard,
        vantage: args.vantage,
    };
    execute(plan, quiet).await.0
}

async fn demo(args: DemoArgs, quiet: bool) -> ExitCode {
    let mut config = sandbox::SandboxConfig::ephemeral();
    config.seed = args.seed;
    let sandbox = match sandbox::Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("error: cannot start the sandbox: {error}");
            return ExitCode::HarnessFault;
        }
    };
    if !quiet {
        eprintln!(
            "sandbox: Kabupaten Contoh on 127.0.0.1 (http :{}, https :{})",
            sandbox.http_port(),
            sandbox.https_port()
        );
    }
    let mut env = Environment::from_process();
    for (name, value) in sandbox.env() {
        env = env.with(name, value);
    }
    let out_dir = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports/demo"));
    let plan = Plan {
        sources: DEMO_SCENARIOS
            .iter()
            .map(|(name, text)| Source {
                name: (*name).to_string(),
                bytes: text.as_bytes().to_vec(),
                named: true,
            })
            .collect(),
        unreadable: Vec::new(),
        notes: Vec::new(),
        env,
        set: Vec::new(),
        settings: RunSettings::default(),
        concurrency: 3,
        strict: false,
        max_duration: None,
        output: args.output,
        out_dir,
        overrides: Overrides::default(),
        shard: None,
        vantage: None,
    };
    let (code, written) = execute(plan, quiet).await;
    sandbox.shutdown().await;
    // The page a person opens first, when it was written.
    let main = written
        .iter()
        .find(|path| path.ends_with(Format::Html.file_name()))
        .or(written.first());
    if let (false, Some(path)) = (quiet, main) {
        println!("\nReport: {}", path.display());
    }
    // A failing service is the point of the demo, not an error.
    match code {
        ExitCode::GateFailed => ExitCode::Success,
        other => other,
    }
}

/// Loads, runs, reports; the exit code and the files written.
async fn execute(mut plan: Plan, quiet: bool) -> (ExitCode, Vec<PathBuf>) {
    let lang = Lang::from_env(
        plan.output
            .lang
            .as_deref()
            .or(std::env::var("LANG").ok().as_deref()),
    );
    let formats = match Format::parse_list(&plan.output.format) {
        Ok(formats) => formats,
        Err(message) => {
            eprintln!("error: {message}");
            return (ExitCode::BadInput, Vec::new());
        }
    };
    let started_at = std::time::SystemTime::now();
    let load_settings = LoadSettings {
        env: plan.env,
        set: plan.set,
        require_env: true,
        known_rules: Vec::new(),
    };
    let mut notes = plan.notes;
    // The plan covers the whole set, so that every shard of it agrees; a shard
    // keeps only its own scenarios.
    let shard = plan.shard.unwrap_or(Shard::WHOLE);
    let sources = std::mem::take(&mut plan.sources);
    let LoadedSet {
        outlines,
        kept: mut loaded,
    } = load_where(&sources, &load_settings, &mut notes, |outline| {
        shard.holds_outline(outline)
    });
    let run_plan = report::fleet::shard::plan_of_run(&outlines, &plan.unreadable);
    plan.unreadable
        .retain(|failure| shard.holds_unreadable(failure));
    // The files' bytes and outlines are not needed past this point; a large set
    // frees them before the run rather than after it.
    drop((sources, outlines));
    // `--only` naming a scenario narrows the run to it; naming a probe narrows
    // each scenario's functional pass instead (see `run::selected_probes`).
    let mut settings = plan.settings;
    if let Some(only) = settings.only_probe.clone() {
        let names_scenario = |item: &Loaded| match item {
            Loaded::Ready { scenario, .. } => {
                scenario.identity() == only || scenario.service.id == only
            }
            Loaded::Failed(_) => false,
        };
        if loaded.iter().any(names_scenario) {
            loaded.retain(|item| names_scenario(item) || matches!(item, Loaded::Failed(_)));
            settings.only_probe = None;
            settings.only_scenario = true;
        }
    }
    if !quiet {
        for note in &notes {
            eprintln!("note: {note}");
        }
    }
    let mut bad_input = !plan.unreadable.is_empty();
    for failure in &plan.unreadable {
        eprint!("{}", failure.render());
    }
    for item in &loaded {
        match item {
            Loaded::Failed(failure) => {
                bad_input = true;
                eprint!("{}", failure.render());
            }
            Loaded::Ready { scenario, .. } => logging::add_secrets(&scenario.secret_values),
        }
    }

    let cancel = Cancel::default();
    let signal = signals::watch(cancel.clone());
    if let Some(limit) = plan.max_duration {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(limit).await;
            eprintln!("stopping: --max-duration reached; writing what was measured");
            cancel.cancel();
        });
    }
    let show_progress = !quiet && !plan.output.no_progress && std::io::stderr().is_terminal();
    let (events, display) = progress::start(show_progress);
    let context = RunContext {
        overrides: plan.overrides,
    };
    let probe_nothing = plan.strict && bad_input;

    // Each scenario is moved into its task and dropped once its report is built,
    // so that a large set does not keep every parsed scenario to the end.
    let results: Vec<Result<ScenarioEntry, String>> =
        futures_util::stream::iter(loaded)
            .map(|item| {
                let (settings, cancel, events, context) = (&settings, &cancel, &events, &context);
                async move {
                    match item {
                        Loaded::Failed(failure) => {
                            Ok(ScenarioEntry::LoadError(load_error_report(&failure)))
                        }
                        Loaded::Ready { .. } if probe_nothing => Err(String::new()),
                        Loaded::Ready { scenario, .. } => {
                            match run_scenario(&scenario, settings, cancel, events).await {
                                Ok(observations) => Ok(ScenarioEntry::Ran(Box::new(
                                    scenario_report(&scenario, &observations, context),
                                ))),
                                Err(error) => Err(format!("{}: {error}", scenario.file)),
                            }
                        }
                    }
                }
            })
            .buffered(plan.concurrency.max(1))
            .collect()
            .await;
    drop(events);
    display.finish().await;

    let mut scenarios: Vec<ScenarioEntry> = plan
        .unreadable
        .iter()
        .map(|failure| ScenarioEntry::LoadError(load_error_report(failure)))
        .collect();
    let mut harness_fault = false;
    for result in results {
        match result {
            Ok(entry) => scenarios.push(entry),
            Err(message) if message.is_empty() => {}
            Err(message) => {
                // The scenario could not be set up (a CA file that is not PEM, say):
                // bad input, reported with the file named.
                eprintln!("error: {message}");
                bad_input = true;
            }
        }
    }
    let interrupted = signal.received();
    let all_complete = scenarios.iter().all(|entry| match entry {
        ScenarioEntry::Ran(scenario) => scenario.complete,
        ScenarioEntry::LoadError(_) => true,
    });
    let complete = all_complete && interrupted.is_none();
    let gate = judge::gate::run_gate(
        scenarios.iter().filter_map(|entry| match entry {
            ScenarioEntry::Ran(scenario) => Some(scenario.gate),
            ScenarioEntry::LoadError(_) => None,
        }),
        complete,
        bad_input,
    );
    let report = Report {
        format: model::FORMAT.into(),
        tool: model::Tool {
            name: "ujilab".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        run: model::RunInfo {
            id: run_id(started_at),
            started_at: rfc3339(started_at),
            finished_at: rfc3339(std::time::SystemTime::now()),
            complete,
            lang: lang.code().into(),
            shard: plan.shard.map(|shard| shard.to_string()),
            vantage: plan.vantage.clone(),
            args: logging::redact_args(std::env::args().collect()),
        },
        plan: Some(run_plan),
        merge: None,
        gate,
        scenarios,
    };
    let written = match write_all(&report, &plan.out_dir, &formats) {
        Ok(written) => written,
        Err(error) => {
            eprintln!("error: {error}");
            harness_fault = true;
            Vec::new()
        }
    };
    // CI step summaries get the Markdown whatever --format says.
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        if let Err(error) = append(&path, &report::markdown::render(&report)) {
            eprintln!("error: cannot append to {}: {error}", path.display());
            harness_fault = true;
        }
    }
    if !quiet {
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        print_stdout(&terminal::render(&report, Style { colour, lang }));
        if let Some(path) = written.first() {
            eprintln!(
                "reports written to {}",
                path.parent().unwrap_or(Path::new(".")).display()
            );
        }
    }
    let code = if let Some(signal) = interrupted {
        signal
    } else if harness_fault {
        ExitCode::HarnessFault
    } else if bad_input {
        ExitCode::BadInput
    } else if gate == Gate::Fail {
        ExitCode::GateFailed
    } else {
        ExitCode::Success
    };
    (code, written)
}

async fn sandbox(args: crate::cli::SandboxArgs) -> ExitCode {
    let mut config = sandbox::SandboxConfig::ephemeral();
    config.http = args.http;
    config.https = args.https;
    config.seed = args.seed;
    if let (Some(every), Some(hold)) = (args.stall_every, args.stall_for) {
        for service in sandbox::Service::ALL {
            config.knobs.set(
                service,
                sandbox::Behaviour::new().with_periodic_stall(every, hold),
            );
        }
    }
    config.ca_out = Some(
        args.ca_out
            .unwrap_or_else(|| std::env::temp_dir().join("ujilab-sandbox-ca.pem")),
    );
    match sandbox::serve_until_ctrl_c(config).await {
        Ok(()) => ExitCode::Success,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::HarnessFault
        }
    }
}

/// `ujilab standards list|show|kinds|check`: the catalogue, for people.
fn standards(command: crate::cli::StandardsCommand) -> ExitCode {
    use crate::cli::StandardsCommand;
    use input::catalogue;
    use input::catalogue::docs;
    let load = |args: &crate::cli::CatalogueArgs| {
        let lang = Lang::from_env(
            args.lang
                .as_deref()
                .or(std::env::var("LANG").ok().as_deref()),
        );
        let cwd = std::env::current_dir().unwrap_or_default();
        catalogue::resolve(&args.profile, &cwd)
            .map(|catalogue| (catalogue, lang))
            .map_err(|error| {
                let problems = error.problems(Default::default(), "--profile");
                eprint!(
                    "{}",
                    input::diagnostic::render("--profile", None, &problems)
                );
                ExitCode::BadInput
            })
    };
    match command {
        StandardsCommand::List(args) => match load(&args) {
            Ok((catalogue, lang)) => {
                write_stdout(&docs::list(&catalogue, lang));
                ExitCode::Success
            }
            Err(code) => code,
        },
        StandardsCommand::Show { code, catalogue } => match load(&catalogue) {
            Ok((catalogue, lang)) => {
                let wanted = code.trim().to_ascii_uppercase();
                match catalogue.rule(&wanted) {
                    Some(rule) => {
                        write_stdout(&docs::show(&catalogue, rule, lang));
                        ExitCode::Success
                    }
                    None => {
                        let codes = catalogue.codes();
                        let hint = input::scenario::raw::closest(
                            &wanted,
                            codes.iter().map(String::as_str),
                        )
                        .map(|s| format!("; did you mean {s}?"))
                        .unwrap_or_default();
                        eprintln!(
                            "error: no rule {wanted} in {} {}{hint}\n  rules: {}",
                            catalogue.name,
                            catalogue.version,
                            codes.join(" ")
                        );
                        ExitCode::BadInput
                    }
                }
            }
            Err(code) => code,
        },
        StandardsCommand::Kinds => {
            write_stdout(&docs::kinds());
            ExitCode::Success
        }
        StandardsCommand::Check { path } => {
            let name = path.display().to_string();
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(error) => {
                    eprintln!("error: cannot read {name}: {error}");
                    return ExitCode::BadInput;
                }
            };
            match catalogue::parse(&text, &name) {
                Ok(catalogue) => {
                    println!(
                        "{name}: catalogue {} {} is valid ({} rules, {} aspects)",
                        catalogue.name,
                        catalogue.version,
                        catalogue.rules.len(),
                        catalogue.aspects.len()
                    );
                    ExitCode::Success
                }
                Err(failure) => {
                    eprint!("{}", failure.render());
                    eprintln!("{name}: {} problem(s)", failure.problems.len());
                    ExitCode::BadInput
                }
            }
        }
    }
}

/// Prints to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn write_stdout(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

fn schema(which: SchemaKind) -> ExitCode {
    let text = match which {
        SchemaKind::Scenario => input::scenario::schema::SCENARIO_SCHEMA.to_string(),
        SchemaKind::Report => {
            let schema = schemars::schema_for!(Report);
            serde_json::to_string_pretty(&schema).unwrap_or_default()
        }
        SchemaKind::Catalogue => {
            serde_json::to_string_pretty(&input::catalogue::docs::catalogue_schema())
                .unwrap_or_default()
        }
    };
    print_stdout(&format!("{text}\n"));
    ExitCode::Success
}

/// Writes to stdout, ignoring a closed pipe (`ujilab schema report | head` must
/// not panic): what the reader did not want is not an error.
fn print_stdout(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from("scenarios")]
    } else {
        paths
    }
}

/// `reports/<UTC yyyymmdd-hhmmss>/`, with `-2`, `-3` when that folder exists.
fn default_out_dir() -> PathBuf {
    let format = time::macros::format_description!("[year][month][day]-[hour][minute][second]");
    let stamp = time::OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_default();
    let base = PathBuf::from("reports").join(&stamp);
    if !base.exists() {
        return base;
    }
    (2..)
        .map(|n| PathBuf::from("reports").join(format!("{stamp}-{n}")))
        .find(|candidate| !candidate.exists())
        .unwrap_or(base)
}

fn run_id(started_at: std::time::SystemTime) -> String {
    let nanos = started_at
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{nanos:x}-{:x}", std::process::id())
}
