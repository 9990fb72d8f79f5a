//! What each command does, from validated arguments to an exit code. `run` and
//! `demo` build a [`Plan`] and hand it to [`execute`]: load, run, judge, write,
//! exit code.

use std::path::PathBuf;
use std::sync::Arc;

use input::lang::Lang;
use input::scenario::{Environment, LoadSettings, Loaded, LoadedSet, Source, discover, load_where};
use report::build::RunContext;
use report::model::{Overrides, Report};
use report::write::Format;
use run::RunSettings;

use crate::cli::{Cli, Command, DemoArgs, RunArgs, SchemaKind, ValidateArgs};
use crate::execute::{Plan, execute, nothing_to_test};
use crate::exit::ExitCode;
use crate::logging;
use crate::say;

/// The demo scenarios, embedded so that an installed binary runs the demo anywhere.
const DEMO_SCENARIOS: [(&str, &str); 4] = [
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
    (
        "scenarios/demo/portal.yaml",
        include_str!("../scenarios/demo/portal.yaml"),
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
            // Before --lang is read: both languages.
            eprintln!(
                "galat: runtime async tidak dapat dimulai / error: cannot start the async runtime: {error}"
            );
            return ExitCode::HarnessFault;
        }
    };
    let quiet = cli.quiet;
    // Merge and diff fall back to the reports' language, not the environment's.
    let explicit_lang = cli.lang;
    let lang = chosen_lang(explicit_lang.as_deref());
    runtime.block_on(async move {
        match cli.command {
            Command::Run(args) => run(args, lang, quiet).await,
            Command::Validate(args) => validate(args, lang, quiet),
            Command::Demo(args) => demo(args, lang, quiet).await,
            Command::Sandbox(args) => sandbox(args, lang, quiet).await,
            Command::Merge(args) => crate::fleet::merge(args, explicit_lang, lang, quiet),
            Command::Diff(args) => crate::fleet::diff(args, explicit_lang, quiet),
            Command::Portfolio(args) => crate::fleet::portfolio(args, lang, quiet),
            Command::Watch(args) => crate::watch::watch(args, lang, quiet).await,
            Command::Report(args) => crate::watch::report(args, lang, quiet),
            Command::Standards { command } => standards(command, lang),
            Command::Init(args) => crate::draft::init(args, lang, quiet).await,
            Command::Import { command } => crate::draft::import(command, lang, quiet),
            Command::Schema { which } => schema(which),
            Command::Keygen(args) => crate::bundle::keygen(args, lang),
            Command::Verify(args) => crate::bundle::verify(args, lang),
            Command::Docs { topic } => crate::selfdoc::docs(topic, lang),
            Command::Completions { shell } => crate::selfdoc::completions(shell),
            Command::Man { out } => crate::selfdoc::man(out.as_deref(), lang),
        }
    })
}

fn validate(args: ValidateArgs, lang: Lang, quiet: bool) -> ExitCode {
    let paths = default_paths(args.paths);
    let discovery = discover(&paths);
    let settings = LoadSettings {
        env: Environment::from_process(),
        set: args.load.set,
        require_env: args.require_env,
        known_rules: Vec::new(),
    };
    let mut notes = discovery.notes.clone();
    let LoadedSet {
        kept: loaded,
        skipped,
        ..
    } = load_where(&discovery.sources, &settings, &mut notes, |_| true);
    if loaded.is_empty() && discovery.unreadable.is_empty() {
        say::error(lang, &nothing_to_test(&paths, &skipped, lang));
        return ExitCode::BadInput;
    }
    let mut findings = crate::problems::Findings {
        files: discovery.unreadable.clone(),
        notes,
        valid: 0,
        failed: discovery.unreadable.len(),
    };
    for item in loaded {
        match item {
            Loaded::Ready { scenario, warnings } => {
                findings.valid += 1;
                if !warnings.is_empty() {
                    let text = discovery
                        .sources
                        .iter()
                        .find(|source| source.name == scenario.file)
                        .and_then(|source| String::from_utf8(source.bytes.clone()).ok());
                    findings.files.push(input::scenario::LoadFailure {
                        file: scenario.file.clone(),
                        text,
                        problems: warnings,
                    });
                }
            }
            Loaded::Failed(failure) => {
                findings.failed += 1;
                findings.files.push(failure);
            }
        }
    }
    let (ready, failures) = (findings.valid, findings.failed);
    let summary = lang.choose(
        format!("{ready} skenario dapat dipakai, {failures} bermasalah"),
        format!("{ready} scenario(s) valid, {failures} with errors"),
    );
    findings.print(args.format, &summary, lang, quiet);
    if failures > 0 {
        ExitCode::BadInput
    } else {
        ExitCode::Success
    }
}

async fn run(args: RunArgs, lang: Lang, quiet: bool) -> ExitCode {
    let bundle = match crate::bundle::request(&args.bundle, lang) {
        Ok(bundle) => bundle,
        Err(code) => return code,
    };
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
        require_verdict: args.require_verdict,
    };
    let out_dir = args.output.out.clone().unwrap_or_else(default_out_dir);
    let plan = Plan {
        paths,
        sources: discovery.sources,
        unreadable: discovery.unreadable,
        notes: discovery.notes,
        env: Environment::from_process(),
        set: args.load.set,
        only: args.only,
        settings: RunSettings {
            no_load: args.no_load,
            no_availability: args.no_availability,
            only_probe: None,
            extra_ca_files: args.ca_file,
            proxy,
            trust_system: args.trust.is_some(),
            exclusive: Arc::default(),
            clients: Arc::default(),
        },
        context: RunContext {
            overrides,
            judge: judge::JudgeSettings {
                require_verdict: args.require_verdict,
            },
        },
        concurrency: usize::from(args.concurrency),
        strict: args.strict,
        max_duration: args.max_duration,
        output: args.output,
        lang,
        out_dir,
        shard: args.shard,
        vantage: args.vantage,
        bundle,
    };
    execute(plan, quiet).await.0
}

async fn demo(args: DemoArgs, lang: Lang, quiet: bool) -> ExitCode {
    let bundle = match crate::bundle::request(&args.bundle, lang) {
        Ok(bundle) => bundle,
        Err(code) => return code,
    };
    let mut config = sandbox::SandboxConfig::ephemeral();
    config.seed = args.seed;
    let sandbox = match sandbox::Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("{}", sandbox_failed(&error, lang));
            return ExitCode::HarnessFault;
        }
    };
    if !quiet {
        let (http, https) = (sandbox.http_port(), sandbox.https_port());
        eprintln!(
            "{}",
            lang.choose(
                format!("sandbox: Kabupaten Contoh di 127.0.0.1 (http :{http}, https :{https})"),
                format!("sandbox: Kabupaten Contoh on 127.0.0.1 (http :{http}, https :{https})"),
            )
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
        paths: Vec::new(),
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
        only: None,
        settings: RunSettings::default(),
        context: RunContext::default(),
        concurrency: 3,
        strict: false,
        max_duration: None,
        output: args.output,
        lang,
        out_dir,
        shard: None,
        vantage: None,
        bundle,
    };
    let (code, written) = execute(plan, quiet).await;
    sandbox.shutdown().await;
    // The page a person opens first, when it was written.
    let main = written
        .iter()
        .find(|path| path.ends_with(Format::Html.file_name()))
        .or(written.first());
    if let (false, Some(path)) = (quiet, main) {
        println!("\n{}: {}", lang.pick("Laporan", "Report"), path.display());
    }
    // A failing service is the point of the demo, not an error.
    match code {
        ExitCode::GateFailed => ExitCode::Success,
        other => other,
    }
}

async fn sandbox(args: crate::cli::SandboxArgs, lang: Lang, quiet: bool) -> ExitCode {
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
    let banner = |running: &sandbox::Sandbox| {
        if quiet {
            return String::new();
        }
        let (http, https) = (running.http_port(), running.https_port());
        let hosts = sandbox::Service::ALL
            .iter()
            .map(|service| service.host())
            .collect::<Vec<_>>()
            .join(", ");
        lang.choose(
            format!(
                "Sandbox Kabupaten Contoh berjalan: http://127.0.0.1:{http} dan https://127.0.0.1:{https} (host {hosts}); tekan Ctrl-C untuk berhenti."
            ),
            format!(
                "Sandbox Kabupaten Contoh running: http://127.0.0.1:{http} and https://127.0.0.1:{https} (hosts {hosts}); Ctrl-C to stop."
            ),
        )
    };
    match sandbox::serve_until_ctrl_c(config, banner).await {
        Ok(()) => ExitCode::Success,
        Err(error) => {
            eprintln!("{}", sandbox_failed(&error, lang));
            ExitCode::HarnessFault
        }
    }
}

/// The sandbox could not start: the cause as the system worded it, framed in the
/// reader's language.
fn sandbox_failed(error: &sandbox::SandboxError, lang: Lang) -> String {
    lang.choose(
        format!("galat: sandbox tidak dapat dimulai: {error}"),
        format!("error: cannot start the sandbox: {error}"),
    )
}

/// `ujilab standards list|show|kinds|check`: the catalogue, for people.
fn standards(command: crate::cli::StandardsCommand, lang: Lang) -> ExitCode {
    use crate::cli::StandardsCommand;
    use input::catalogue;
    use input::catalogue::docs;
    let load = |args: &crate::cli::CatalogueArgs| {
        let cwd = std::env::current_dir().unwrap_or_default();
        catalogue::resolve(&args.profile, &cwd)
            .map(|catalogue| (catalogue, lang))
            .map_err(|error| {
                let problems = error.problems(Default::default(), "--profile");
                eprint!(
                    "{}",
                    input::diagnostic::render("--profile", None, &problems, lang)
                );
                ExitCode::BadInput
            })
    };
    match command {
        StandardsCommand::List(args) => match load(&args) {
            Ok((catalogue, lang)) => {
                print_stdout(&docs::list(&catalogue, lang));
                ExitCode::Success
            }
            Err(code) => code,
        },
        StandardsCommand::Show { code, catalogue } => match load(&catalogue) {
            Ok((catalogue, lang)) => {
                let wanted = code.trim().to_ascii_uppercase();
                match catalogue.rule(&wanted) {
                    Some(rule) => {
                        print_stdout(&docs::show(&catalogue, rule, lang));
                        ExitCode::Success
                    }
                    None => {
                        let codes = catalogue.codes();
                        let hint = input::scenario::raw::closest(
                            &wanted,
                            codes.iter().map(String::as_str),
                        )
                        .map(|s| {
                            lang.choose(
                                format!("; maksud Anda {s}?"),
                                format!("; did you mean {s}?"),
                            )
                        })
                        .unwrap_or_default();
                        let (name, version, codes) =
                            (&catalogue.name, &catalogue.version, codes.join(" "));
                        eprintln!(
                            "{}",
                            lang.choose(
                                format!("galat: tidak ada kriteria {wanted} di {name} {version}{hint}\n  kriteria: {codes}"),
                                format!("error: no rule {wanted} in {name} {version}{hint}\n  rules: {codes}"),
                            )
                        );
                        ExitCode::BadInput
                    }
                }
            }
            Err(code) => code,
        },
        StandardsCommand::Docs { out } => crate::selfdoc::write_standards_pages(&out, lang),
        StandardsCommand::Kinds => {
            print_stdout(&docs::kinds());
            ExitCode::Success
        }
        StandardsCommand::Check { path } => {
            let name = path.display().to_string();
            let text = match input::file::read_bounded_text(&path, input::file::INPUT_FILE_LIMIT) {
                Ok(text) => text,
                Err(error) => {
                    eprintln!(
                        "{}",
                        lang.choose(
                            format!("galat: {name} tidak dapat dibaca: {error}"),
                            format!("error: cannot read {name}: {error}"),
                        )
                    );
                    return ExitCode::BadInput;
                }
            };
            match catalogue::parse(&text, &name) {
                Ok(catalogue) => {
                    let (rules, aspects) = (catalogue.rules.len(), catalogue.aspects.len());
                    let (catalogue, version) = (&catalogue.name, &catalogue.version);
                    println!(
                        "{}",
                        lang.choose(
                            format!("{name}: katalog {catalogue} {version} valid ({rules} kriteria, {aspects} aspek)"),
                            format!("{name}: catalogue {catalogue} {version} is valid ({rules} rules, {aspects} aspects)"),
                        )
                    );
                    ExitCode::Success
                }
                Err(failure) => {
                    eprint!("{}", failure.render(lang));
                    let count = failure.problems.len();
                    eprintln!(
                        "{}",
                        lang.choose(
                            format!("{name}: {count} masalah"),
                            format!("{name}: {count} problem(s)"),
                        )
                    );
                    ExitCode::BadInput
                }
            }
        }
    }
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

/// The language of what ujilab says: `--lang`, else the environment in
/// [`Lang::ENV_ORDER`].
pub(crate) fn chosen_lang(explicit: Option<&str>) -> Lang {
    Lang::resolve(explicit, |name| std::env::var(name).ok())
}

/// Writes to stdout, ignoring a closed pipe (`ujilab schema report | head` must
/// not panic): what the reader did not want is not an error.
pub(crate) fn print_stdout(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
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
