//! `ujilab watch`: arguments to a running watch (crates/watch), its messages in
//! the reader's language, its signals and its exit code.

use std::sync::{Arc, Mutex};

use input::lang::Lang;
use input::scenario::{Environment, LoadSettings, Loaded, LoadedSet, discover, load_where};
use run::{Cancel, RunSettings};
use watch::alert::Webhook;
use watch::store::{Location, LocationError};

use crate::cli::{ReportArgs, WatchArgs};
use crate::exit::ExitCode;
use crate::{logging, say};

pub async fn watch(args: WatchArgs, lang: Lang, quiet: bool) -> ExitCode {
    let location = match Location::parse(&args.db) {
        Ok(location) => location,
        Err(error) => {
            say::error(lang, &location_error(&error, lang));
            return ExitCode::BadInput;
        }
    };
    // A PostgreSQL password is never shown (logs, errors, report args).
    logging::add_secrets(&location.secrets());
    let mut webhooks = Vec::new();
    for argument in &args.webhook {
        match Webhook::parse(argument) {
            Ok(webhook) => {
                logging::add_secrets(&webhook.secrets());
                webhooks.push(webhook);
            }
            Err(error) => {
                say::error(
                    lang,
                    &lang.choose(
                        format!("--webhook: {}", webhook_error_id(&error)),
                        format!("--webhook: {error}"),
                    ),
                );
                return ExitCode::BadInput;
            }
        }
    }
    let paths = if args.paths.is_empty() {
        vec![std::path::PathBuf::from("scenarios")]
    } else {
        args.paths.clone()
    };
    let discovery = discover(&paths);
    let settings = LoadSettings {
        env: Environment::from_process(),
        set: args.load.set.clone(),
        require_env: true,
        known_rules: Vec::new(),
    };
    let mut notes = discovery.notes.clone();
    let LoadedSet { kept, skipped, .. } =
        load_where(&discovery.sources, &settings, &mut notes, |_| true);
    if !quiet {
        for note in &notes {
            say::note(lang, note.pick(lang));
        }
    }
    if kept.is_empty() && discovery.unreadable.is_empty() {
        say::error(
            lang,
            &crate::execute::nothing_to_test(&paths, &skipped, lang),
        );
        return ExitCode::BadInput;
    }
    // A watch runs for months: it starts only when every scenario loads.
    let mut bad_input = false;
    for failure in &discovery.unreadable {
        eprint!("{}", failure.render(lang));
        bad_input = true;
    }
    let mut sources = Vec::new();
    for item in kept {
        match item {
            Loaded::Failed(failure) => {
                eprint!("{}", failure.render(lang));
                bad_input = true;
            }
            Loaded::Ready { scenario, .. } => {
                logging::add_secrets(&scenario.secret_values);
                let bytes = discovery
                    .sources
                    .iter()
                    .find(|source| source.name == scenario.file)
                    .map(|source| source.bytes.clone())
                    .unwrap_or_default();
                sources.push(watch::Source {
                    scenario: *scenario,
                    bytes,
                });
            }
        }
    }
    if bad_input {
        return ExitCode::BadInput;
    }
    let proxy = match args.proxy.as_deref() {
        Some("env") => std::env::var("HTTPS_PROXY")
            .or_else(|_| std::env::var("HTTP_PROXY"))
            .ok(),
        other => other.map(str::to_string),
    };
    let settings = watch::Settings {
        location,
        vantage: args.vantage.clone(),
        listen: (!args.no_listen).then_some(args.listen),
        webhooks,
        lang,
        retention: args.retention,
        standards_every: if args.no_standards {
            std::time::Duration::ZERO
        } else {
            args.standards_every
        },
        status_page: args.public_url.clone(),
        run: RunSettings {
            extra_ca_files: args.ca_file.clone(),
            proxy,
            ..RunSettings::default()
        },
        context: report::build::RunContext::default(),
    };
    let cancel = Cancel::default();
    let signal = stop_on_signals(cancel.clone(), lang);
    let started = |started: watch::Started| {
        if quiet {
            return;
        }
        let count = started.scenarios;
        eprintln!(
            "{}",
            lang.choose(
                format!("memantau {count} skenario; tekan Ctrl-C untuk berhenti"),
                format!("watching {count} scenario(s); Ctrl-C to stop"),
            )
        );
        if let Some(addr) = started.listening {
            eprintln!(
                "{}: http://{addr}/",
                lang.pick("halaman status", "status page")
            );
        }
    };
    match watch::watch(sources, settings, cancel, started).await {
        Ok(summary) => {
            if !quiet {
                eprintln!(
                    "{}",
                    lang.choose(
                        format!(
                            "berhenti: {} sampel tersimpan di riwayat",
                            summary.committed_samples
                        ),
                        format!(
                            "stopped: {} sample(s) committed to the history",
                            summary.committed_samples
                        ),
                    )
                );
            }
            if summary.lost_writes > 0 || summary.dropped_writes > 0 {
                say::error(
                    lang,
                    &lang.choose(
                        format!(
                            "riwayat tidak dapat ditulis: {} penulisan hilang",
                            summary.lost_writes as u64 + summary.dropped_writes
                        ),
                        format!(
                            "the history could not be written: {} write(s) lost",
                            summary.lost_writes as u64 + summary.dropped_writes
                        ),
                    ),
                );
                return ExitCode::HarnessFault;
            }
            signal
                .lock()
                .ok()
                .and_then(|code| *code)
                .unwrap_or(ExitCode::Success)
        }
        Err(error) => {
            say::error(lang, error.text().pick(lang));
            if error.is_bad_input() {
                ExitCode::BadInput
            } else {
                ExitCode::HarnessFault
            }
        }
    }
}

fn location_error(error: &LocationError, lang: Lang) -> String {
    format!("--db: {}", error.text().pick(lang))
}

fn webhook_error_id(error: &watch::alert::WebhookError) -> String {
    match error {
        watch::alert::WebhookError::NotUrl(shown) => {
            format!("`{shown}` bukan URL webhook: tulis [json=|telegram=|slack=]http(s)://...")
        }
        watch::alert::WebhookError::NoChat(shown) => {
            format!("webhook telegram memerlukan ?chat_id=CHAT di URL-nya ({shown})")
        }
    }
}

/// SIGINT and SIGTERM: the first stops the schedule, lets the rounds in flight
/// finish and be committed, and the watch exits 130 or 143; a second quits at
/// once (what is committed is safe; the round in flight is lost).
fn stop_on_signals(cancel: Cancel, lang: Lang) -> Arc<Mutex<Option<ExitCode>>> {
    let received = Arc::new(Mutex::new(None));
    let record = Arc::clone(&received);
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut interrupt), Ok(mut terminate)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return received;
        };
        tokio::spawn(async move {
            let mut count = 0;
            loop {
                let code = tokio::select! {
                    _ = interrupt.recv() => ExitCode::Interrupted,
                    _ = terminate.recv() => ExitCode::Terminated,
                };
                count += 1;
                if count > 1 {
                    std::process::exit(code as i32);
                }
                if let Ok(mut guard) = record.lock() {
                    *guard = Some(code);
                }
                eprintln!(
                    "\n{}",
                    lang.pick(
                        "berhenti: menunggu putaran yang sedang berjalan selesai dan tersimpan (sinyal kedua: keluar seketika)",
                        "stopping: letting the rounds in flight finish and be committed (a second signal quits at once)"
                    )
                );
                cancel.cancel();
            }
        });
    }
    received
}

/// `ujilab report --db URL --from T --to T`: the usual reports over a window of
/// history. Exit 0 when every gate passes, 1 when one fails, 2 for bad input.
pub fn report(args: ReportArgs, lang: Lang, quiet: bool) -> ExitCode {
    let formats = match report::write::Format::parse_list(&args.output.format) {
        Ok(formats) => formats,
        Err(message) => {
            say::error(lang, &message);
            return ExitCode::BadInput;
        }
    };
    let location = match Location::parse(&args.db) {
        Ok(location) => location,
        Err(error) => {
            say::error(lang, &location_error(&error, lang));
            return ExitCode::BadInput;
        }
    };
    logging::add_secrets(&location.secrets());
    let now = watch::schedule::now_ms();
    let point = |flag: &str, text: &str| {
        watch::time::parse_point(text, now).map_err(|error| {
            say::error(
                lang,
                &lang.choose(
                    format!(
                        "--{flag}: `{}` bukan waktu RFC 3339 (2026-11-01T00:00:00+07:00) atau rentang mundur dari sekarang (30d, 12h, 90m)",
                        error.0
                    ),
                    format!("--{flag}: {error}"),
                ),
            );
            ExitCode::BadInput
        })
    };
    let (from, to) = match (point("from", &args.from), point("to", &args.to)) {
        (Ok(from), Ok(to)) => (from, to),
        _ => return ExitCode::BadInput,
    };
    // Reads only: a history that is not there is bad input, never created.
    let store = match watch::store::Store::open_existing(&location) {
        Ok(store) => store,
        Err(error) => {
            say::error(lang, &format!("--db: {}", error.text().pick(lang)));
            // A PostgreSQL that does not answer is not bad input.
            return if error.is_transient() {
                ExitCode::HarnessFault
            } else {
                ExitCode::BadInput
            };
        }
    };
    let window = watch::period::Window {
        from,
        to,
        services: args.service.clone(),
        lang,
        args: logging::redact_args(std::env::args().collect()),
    };
    let period = match watch::period::report(&store, &window) {
        Ok(period) => period,
        Err(error) => {
            say::error(lang, &period_error(&error, lang));
            return match error {
                watch::period::PeriodError::Store(_) => ExitCode::HarnessFault,
                _ => ExitCode::BadInput,
            };
        }
    };
    if !quiet {
        for (service, why) in &period.left_out {
            say::note(
                lang,
                &lang.choose(
                    format!("{service} tidak dilaporkan: {}", left_out_id(why)),
                    format!("{service} is left out: {why}"),
                ),
            );
        }
    }
    let out_dir = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("reports/period"));
    let written = match report::write::write_all(&period.report, &out_dir, &formats) {
        Ok(written) => written,
        Err(error) => {
            say::error(lang, &error.to_string());
            return ExitCode::HarnessFault;
        }
    };
    if !quiet {
        let colour = false;
        crate::commands::print_stdout(&report::terminal::render(
            &period.report,
            report::terminal::Style { colour, lang },
        ));
        if let Some(path) = written.first() {
            let dir = path.parent().unwrap_or(std::path::Path::new("."));
            eprintln!("{}", say::reports_written(dir, lang));
        }
    }
    if period.report.gate == report::model::Gate::Fail {
        ExitCode::GateFailed
    } else {
        ExitCode::Success
    }
}

fn period_error(error: &watch::period::PeriodError, lang: Lang) -> String {
    use watch::period::PeriodError;
    match (lang, error) {
        (Lang::Id, PeriodError::EmptyWindow { from, to }) => {
            format!("jendela kosong: --from {from} tidak sebelum --to {to}")
        }
        (Lang::Id, PeriodError::NothingToReport { from, to, names }) => format!(
            "tidak ada layanan di riwayat dengan penilaian standar antara {from} dan {to}{}",
            left_out_id(names)
        ),
        (Lang::Id, PeriodError::UnknownService(name)) => {
            format!("tidak ada layanan bernama {name} di riwayat")
        }
        (Lang::Id, PeriodError::Store(error)) => {
            format!("riwayat tidak dapat dibaca: {}", error.text().id)
        }
        (Lang::En, error) => error.to_string(),
    }
}

/// The reasons a service is left out, in Indonesian.
fn left_out_id(why: &str) -> String {
    why.replace(
        "no standards check in the window",
        "tidak ada penilaian standar di jendela ini",
    )
    .replace(
        "its stored scenario no longer loads",
        "skenario yang tersimpan tidak dapat dimuat lagi",
    )
    .replace(
        "its stored check does not read",
        "penilaian tersimpan tidak terbaca",
    )
}
