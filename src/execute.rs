//! Running a set of scenarios, as `run` and `demo` both do: select what the
//! arguments name, run and judge each scenario, write the reports, and decide the
//! exit code. Each step is one function below, in the order they happen.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use futures_util::StreamExt as _;

use input::lang::Lang;
use input::scenario::raw::closest;
use input::scenario::{
    Environment, LoadFailure, LoadSettings, Loaded, LoadedSet, Scenario, Source, load_where,
};
use report::build::{RunContext, load_error_report, rfc3339, scenario_report};
use report::fleet::shard::{Shard, plan_of_run};
use report::model::{self, Gate, PlanReport, Report, ScenarioEntry};
use report::terminal::{self, Style};
use report::write::{Format, append, write_all};
use run::{Cancel, RunSettings, run_scenario};

use crate::cli::OutputArgs;
use crate::exit::ExitCode;
use crate::say;
use crate::{logging, progress, signals};

/// What both `run` and `demo` need to run scenarios and report.
pub struct Plan {
    /// The paths given (for messages about what they hold).
    pub paths: Vec<PathBuf>,
    pub sources: Vec<Source>,
    pub unreadable: Vec<LoadFailure>,
    pub notes: Vec<input::text::Text>,
    pub env: Environment,
    pub set: Vec<(String, String)>,
    /// `--only`: a scenario id, or a probe id.
    pub only: Option<String>,
    pub settings: RunSettings,
    pub context: RunContext,
    pub concurrency: usize,
    pub strict: bool,
    pub max_duration: Option<Duration>,
    pub output: OutputArgs,
    /// The language of the terminal, the messages and the human reports.
    pub lang: Lang,
    pub out_dir: PathBuf,
    /// `--shard K/N`: run only this part of the set.
    pub shard: Option<Shard>,
    pub vantage: Option<String>,
    /// `--bundle`: the evidence bundle to write, and the key to sign it with.
    pub bundle: Option<crate::bundle::Request>,
}

/// Loads, runs, judges and reports; the exit code and the files written.
pub async fn execute(mut plan: Plan, quiet: bool) -> (ExitCode, Vec<PathBuf>) {
    let lang = plan.lang;
    let formats = match Format::parse_list(&plan.output.format) {
        Ok(formats) => formats,
        Err(message) => {
            say::error(lang, &message);
            return (ExitCode::BadInput, Vec::new());
        }
    };
    let started_at = SystemTime::now();
    let selection = match select(&mut plan, lang, quiet) {
        Ok(selection) => selection,
        Err(code) => return (code, Vec::new()),
    };
    // One run per output folder: held from the first request to the last file, so
    // a second run into the same folder stops before it probes anything.
    let _lock = match report::write::OutLock::acquire(&plan.out_dir, &run_id(started_at)) {
        Ok(lock) => lock,
        Err(error) => {
            say::error(lang, &error.to_string());
            return (ExitCode::HarnessFault, Vec::new());
        }
    };
    let measured = run_selected(&plan, selection, quiet).await;
    let report = assemble(&plan, measured, lang, started_at);
    let (written, mut write_failed) = write_reports(&report, &plan.out_dir, &formats);
    if let Some(request) = &plan.bundle {
        match crate::bundle::write(request, &report.report, &written, lang) {
            Ok(bundle) if !quiet => eprintln!(
                "{} {} ({} {}, sha256 {})",
                lang.pick("bundel bukti ditulis ke", "evidence bundle written to"),
                bundle.path.display(),
                bundle.bytes,
                lang.pick("bita", "bytes"),
                bundle.sha256
            ),
            Ok(_) => {}
            Err(_) => write_failed = true,
        }
    }
    if !quiet {
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        crate::commands::print_stdout(&terminal::render(&report.report, Style { colour, lang }));
        if let Some(path) = written.first() {
            let dir = path.parent().unwrap_or(Path::new("."));
            eprintln!("{}", say::reports_written(dir, lang));
        }
    }
    (report.exit_code(write_failed), written)
}

/// The scenarios this run will probe, and what it found besides.
struct Selection {
    /// Ready scenarios to probe and load failures to report, in input order.
    loaded: Vec<Loaded>,
    /// The whole set before `--shard` split it.
    run_plan: PlanReport,
    /// Files in the folders given that are not scenarios.
    skipped: Vec<String>,
    /// A scenario or an argument failed to load (exit 2), though the rest runs.
    bad_input: bool,
}

/// Loads the set, keeps this shard's part and what `--only` names, and refuses a
/// run that would test nothing or an argument that names nothing: both are bad
/// input (exit 2), never an empty pass.
fn select(plan: &mut Plan, lang: Lang, quiet: bool) -> Result<Selection, ExitCode> {
    let load_settings = LoadSettings {
        env: plan.env.clone(),
        set: plan.set.clone(),
        require_env: true,
        known_rules: Vec::new(),
    };
    let mut notes = std::mem::take(&mut plan.notes);
    // The plan covers the whole set, so that every shard of it agrees; a shard
    // keeps only its own scenarios.
    let shard = plan.shard.unwrap_or(Shard::WHOLE);
    let sources = std::mem::take(&mut plan.sources);
    let LoadedSet {
        outlines,
        kept: mut loaded,
        skipped,
    } = load_where(&sources, &load_settings, &mut notes, |outline| {
        shard.holds_outline(outline)
    });
    // The files' bytes are not needed past this point; a large set frees them
    // before the run rather than after it.
    drop(sources);
    let mut unreadable = std::mem::take(&mut plan.unreadable);
    if !quiet {
        for note in &notes {
            say::note(lang, note.pick(lang));
        }
    }
    if outlines.is_empty() && unreadable.is_empty() {
        say::error(lang, &nothing_to_test(&plan.paths, &skipped, lang));
        return Err(ExitCode::BadInput);
    }
    let run_plan = plan_of_run(&outlines, &unreadable);
    drop(outlines);
    unreadable.retain(|failure| shard.holds_unreadable(failure));

    let mut argument_errors = unknown_set_names(&plan.set, &loaded, shard, lang);
    if let Some(only) = plan.only.clone() {
        match narrow_to_only(&only, &mut loaded, &mut plan.settings, lang) {
            Ok(()) => {}
            Err(_) if shard != Shard::WHOLE => {
                // Another shard may hold what it names; this one runs nothing.
                loaded.retain(|item| matches!(item, Loaded::Failed(_)));
                if !quiet {
                    say::note(
                        lang,
                        &lang.choose(
                            format!("--only {only}: tidak ada di shard {shard}"),
                            format!("--only {only} names nothing in shard {shard}"),
                        ),
                    );
                }
            }
            Err(message) => argument_errors.push(message),
        }
    }
    if !argument_errors.is_empty() {
        for message in &argument_errors {
            say::error(lang, message);
        }
        return Err(ExitCode::BadInput);
    }

    let ready = loaded
        .iter()
        .filter(|item| matches!(item, Loaded::Ready { .. }))
        .count();
    if ready == 0 && loaded.is_empty() && unreadable.is_empty() && !quiet {
        // The set has scenarios, but another shard owns them all: a complete run
        // of nothing, which `ujilab merge` still accounts for through the plan.
        say::note(
            lang,
            &lang.choose(
                format!(
                    "shard {shard} tidak memiliki skenario (dari {} di seluruh set)",
                    run_plan.entries
                ),
                format!(
                    "shard {shard} owns none of the {} scenario(s) in the set",
                    run_plan.entries
                ),
            ),
        );
    }
    let mut bad_input = !unreadable.is_empty();
    for failure in &unreadable {
        eprint!("{}", failure.render(lang));
    }
    for item in &loaded {
        match item {
            Loaded::Failed(failure) => {
                bad_input = true;
                eprint!("{}", failure.render(lang));
            }
            Loaded::Ready { scenario, .. } => logging::add_secrets(&scenario.secret_values),
        }
    }
    // Unreadable files come first in the report, as they always have.
    let mut entries: Vec<Loaded> = unreadable.into_iter().map(Loaded::Failed).collect();
    entries.append(&mut loaded);
    Ok(Selection {
        loaded: entries,
        run_plan,
        skipped,
        bad_input,
    })
}

/// Why a run has nothing to test, naming what was looked at.
pub fn nothing_to_test(paths: &[PathBuf], skipped: &[String], lang: Lang) -> String {
    let looked = paths
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if skipped.is_empty() {
        lang.choose(
            format!(
                "tidak ada skenario untuk diuji di {looked}: tidak ada berkas *.yaml atau *.yml"
            ),
            format!("no scenario to test in {looked}: no *.yaml or *.yml file there"),
        )
    } else {
        lang.choose(
            format!(
                "tidak ada skenario untuk diuji di {looked}: {} berkas YAML dilewati karena bukan skenario ({})",
                skipped.len(),
                skipped.join(", ")
            ),
            format!(
                "no scenario to test in {looked}: {} YAML file(s) skipped as not scenarios ({})",
                skipped.len(),
                skipped.join(", ")
            ),
        )
    }
}

/// `--only`: a scenario (by identity or service id) narrows the run to it, whole;
/// a probe narrows the functional pass of each scenario that has it, and the
/// others are not run. A name that matches neither is an error with did-you-mean.
fn narrow_to_only(
    only: &str,
    loaded: &mut Vec<Loaded>,
    settings: &mut RunSettings,
    lang: Lang,
) -> Result<(), String> {
    let ready = || {
        loaded.iter().filter_map(|item| match item {
            Loaded::Ready { scenario, .. } => Some(scenario),
            Loaded::Failed(_) => None,
        })
    };
    let names_scenario =
        |scenario: &Scenario| scenario.identity() == only || scenario.service.id == only;
    let has_probe = |scenario: &Scenario| scenario.probe(only).is_some();
    let keep: &dyn Fn(&Scenario) -> bool = if ready().any(|s| names_scenario(s)) {
        &names_scenario
    } else if ready().any(|s| has_probe(s)) {
        settings.only_probe = Some(only.to_string());
        &has_probe
    } else {
        let mut names: Vec<String> = Vec::new();
        for scenario in ready() {
            names.push(scenario.identity());
            names.push(scenario.service.id.clone());
            names.extend(scenario.probes.iter().map(|probe| probe.id.clone()));
        }
        let hint = closest(only, names.iter().map(String::as_str));
        let id_hint = hint.as_ref().map(|name| format!("; maksud Anda `{name}`?"));
        let en_hint = hint.map(|name| format!("; did you mean `{name}`?"));
        return Err(lang.choose(
            format!(
                "--only {only}: tidak ada skenario atau probe dengan id ini{}",
                id_hint.unwrap_or_default()
            ),
            format!(
                "--only {only}: no scenario or probe has this id{}",
                en_hint.unwrap_or_default()
            ),
        ));
    };
    loaded.retain(|item| match item {
        Loaded::Ready { scenario, .. } => keep(scenario),
        Loaded::Failed(_) => true,
    });
    Ok(())
}

/// `--set NAME=VALUE` overrides a var; a name no loaded scenario declares under
/// `vars:` would change nothing, so it is an error (in a shard, only when the
/// shard has scenarios to judge by).
fn unknown_set_names(
    set: &[(String, String)],
    loaded: &[Loaded],
    shard: Shard,
    lang: Lang,
) -> Vec<String> {
    let declared: Vec<&str> = loaded
        .iter()
        .filter_map(|item| match item {
            Loaded::Ready { scenario, .. } => Some(scenario),
            Loaded::Failed(_) => None,
        })
        .flat_map(|scenario| scenario.var_names.iter().map(String::as_str))
        .collect();
    let any_ready = loaded
        .iter()
        .any(|item| matches!(item, Loaded::Ready { .. }));
    if !any_ready
        && (shard != Shard::WHOLE || loaded.iter().any(|i| matches!(i, Loaded::Failed(_))))
    {
        // Nothing to judge by: a failed scenario may well declare it.
        return Vec::new();
    }
    let mut errors = Vec::new();
    for (name, _) in set {
        if declared.contains(&name.as_str()) {
            continue;
        }
        let hint = closest(name, declared.iter().copied())
            .map(|near| {
                lang.choose(
                    format!("; maksud Anda `{near}`?"),
                    format!("; did you mean `{near}`?"),
                )
            })
            .unwrap_or_default();
        errors.push(lang.choose(
            format!("--set {name}: tidak ada skenario yang memuat var `{name}` di `vars:`{hint}"),
            format!("--set {name}: no loaded scenario has a var `{name}` under `vars:`{hint}"),
        ));
    }
    errors
}

/// What running the selection produced.
struct Measured {
    entries: Vec<ScenarioEntry>,
    run_plan: PlanReport,
    skipped: Vec<String>,
    bad_input: bool,
    interrupted: Option<ExitCode>,
}

/// Probes and judges every ready scenario (`--concurrency` at a time), until the
/// end or a signal or `--max-duration` cuts the run short.
async fn run_selected(plan: &Plan, selection: Selection, quiet: bool) -> Measured {
    let lang = plan.lang;
    let cancel = Cancel::default();
    let signal = signals::watch(cancel.clone());
    if let Some(limit) = plan.max_duration {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(limit).await;
            eprintln!(
                "{}",
                lang.pick(
                    "berhenti: --max-duration tercapai; menulis hasil yang sudah diukur",
                    "stopping: --max-duration reached; writing what was measured"
                )
            );
            cancel.cancel();
        });
    }
    let progress_mode = if quiet || plan.output.no_progress {
        progress::Mode::Off
    } else if std::io::stderr().is_terminal() {
        progress::Mode::Terminal
    } else {
        progress::Mode::Lines {
            github: std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true"),
        }
    };
    let (events, display) = progress::start(progress_mode, lang);
    let probe_nothing = plan.strict && selection.bad_input;
    let (settings, context) = (&plan.settings, &plan.context);

    // Each scenario is moved into its task and dropped once its report is built,
    // so that a large set does not keep every parsed scenario to the end.
    let results: Vec<Option<Result<ScenarioEntry, String>>> =
        futures_util::stream::iter(selection.loaded)
            .map(|item| {
                let (cancel, events) = (&cancel, &events);
                async move {
                    match item {
                        Loaded::Failed(failure) => Some(Ok(ScenarioEntry::LoadError(
                            load_error_report(&failure, lang),
                        ))),
                        Loaded::Ready { .. } if probe_nothing => None,
                        Loaded::Ready { scenario, .. } => Some(
                            run_scenario(&scenario, settings, cancel, events)
                                .await
                                .map(|observations| {
                                    ScenarioEntry::Ran(Box::new(scenario_report(
                                        &scenario,
                                        &observations,
                                        context,
                                    )))
                                })
                                .map_err(|error| format!("{}: {error}", scenario.file)),
                        ),
                    }
                }
            })
            .buffered(plan.concurrency.max(1))
            .collect()
            .await;
    drop(events);
    display.finish().await;

    let mut bad_input = selection.bad_input;
    let mut entries = Vec::with_capacity(results.len());
    for result in results.into_iter().flatten() {
        match result {
            Ok(entry) => entries.push(entry),
            Err(message) => {
                // The scenario could not be set up (a CA file that is not PEM, say):
                // bad input, reported with the file named.
                say::error(lang, &message);
                bad_input = true;
            }
        }
    }
    Measured {
        entries,
        run_plan: selection.run_plan,
        skipped: selection.skipped,
        bad_input,
        interrupted: signal.received(),
    }
}

/// The report of the run, and what its exit code is decided on.
struct Assembled {
    report: Report,
    bad_input: bool,
    interrupted: Option<ExitCode>,
}

impl Assembled {
    /// The highest code that applies: a signal's own code; 3 when the reports
    /// could not be written; 2 for bad input; 1 for a failed gate; 0 otherwise.
    fn exit_code(&self, write_failed: bool) -> ExitCode {
        if let Some(signal) = self.interrupted {
            signal
        } else if write_failed {
            ExitCode::HarnessFault
        } else if self.bad_input {
            ExitCode::BadInput
        } else if self.report.gate == Gate::Fail {
            ExitCode::GateFailed
        } else {
            ExitCode::Success
        }
    }
}

/// The run's report: every scenario's entry and the run's gate.
fn assemble(plan: &Plan, measured: Measured, lang: Lang, started_at: SystemTime) -> Assembled {
    let all_complete = measured.entries.iter().all(|entry| match entry {
        ScenarioEntry::Ran(scenario) => scenario.complete,
        ScenarioEntry::LoadError(_) => true,
    });
    let complete = all_complete && measured.interrupted.is_none();
    let gate = judge::gate::run_gate(
        measured.entries.iter().filter_map(|entry| match entry {
            ScenarioEntry::Ran(scenario) => Some(scenario.gate),
            ScenarioEntry::LoadError(_) => None,
        }),
        complete,
        measured.bad_input,
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
            finished_at: rfc3339(SystemTime::now()),
            complete,
            lang: lang.code().into(),
            shard: plan.shard.map(|shard| shard.to_string()),
            vantage: plan.vantage.clone(),
            args: logging::redact_args(std::env::args().collect()),
            skipped: measured.skipped,
            history_window: None,
        },
        plan: Some(measured.run_plan),
        merge: None,
        gate,
        scenarios: measured.entries,
    };
    Assembled {
        report,
        bad_input: measured.bad_input,
        interrupted: measured.interrupted,
    }
}

/// Writes the report files, and the Markdown to a CI step summary when asked;
/// the files written, and whether anything could not be.
fn write_reports(
    assembled: &Assembled,
    out_dir: &Path,
    formats: &[Format],
) -> (Vec<PathBuf>, bool) {
    let report = &assembled.report;
    let mut failed = false;
    let lang = Lang::from_env(Some(&report.run.lang));
    let written = write_all(report, out_dir, formats).unwrap_or_else(|error| {
        say::error(lang, &error.to_string());
        failed = true;
        Vec::new()
    });
    // CI step summaries get the Markdown whatever --format says.
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        if let Err(error) = append(&path, &report::markdown::render(report)) {
            say::error(lang, &say::cannot_append(&path, &error, lang));
            failed = true;
        }
    }
    (written, failed)
}

fn run_id(started_at: SystemTime) -> String {
    let nanos = started_at
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{nanos:x}-{:x}", std::process::id())
}
