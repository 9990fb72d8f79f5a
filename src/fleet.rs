//! `merge`, `diff` and `portfolio`: from validated arguments to an exit code.
//! Bad input (a report that cannot be read or does not fit) is exit 2 with the
//! file named, and then nothing is written.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use input::lang::Lang;
use report::fleet::diff::{Limits, compare, render_markdown, render_text};
use report::fleet::merge::{MergeOptions, merge as merge_reports};
use report::fleet::portfolio::{
    Settings, build, render_html, render_markdown as portfolio_markdown,
};
use report::fleet::read::{ReportFile, read_report};
use report::model::Gate;
use report::terminal;
use report::terminal::Style;
use report::write::{Format, append, write_all};

use crate::cli::{DiffArgs, MergeArgs, PortfolioArgs};
use crate::exit::ExitCode;
use crate::say;

/// Reads every report; the first that cannot be used is the error, worded in
/// `lang`.
fn read_all(paths: &[PathBuf], lang: Lang) -> Result<Vec<ReportFile>, String> {
    paths
        .iter()
        .map(|path| read_report(path).map_err(|error| error.describe(lang)))
        .collect()
}

/// `explicit` is `--lang`: the merged reports are written in it, else in the
/// first report's language. `lang` (flag, else environment) words the messages.
pub fn merge(args: MergeArgs, explicit: Option<String>, lang: Lang, quiet: bool) -> ExitCode {
    let bundle = match crate::bundle::request(&args.bundle, lang) {
        Ok(bundle) => bundle,
        Err(code) => return code,
    };
    let formats = match Format::parse_list(&args.format) {
        Ok(formats) => formats,
        Err(message) => {
            say::error(lang, &message);
            return ExitCode::BadInput;
        }
    };
    let inputs = match read_all(&args.reports, lang) {
        Ok(inputs) => inputs,
        Err(error) => {
            say::error(lang, &error);
            return ExitCode::BadInput;
        }
    };
    let options = MergeOptions {
        allow_partial: args.allow_partial,
        lang: explicit,
        args: crate::logging::redact_args(std::env::args().collect()),
    };
    let report = match merge_reports(&inputs, &options) {
        Ok(report) => report,
        Err(error) => {
            say::error(lang, &error.describe(lang));
            return ExitCode::BadInput;
        }
    };
    drop(inputs);
    let mut code = if report.gate == Gate::Fail {
        ExitCode::GateFailed
    } else {
        ExitCode::Success
    };
    let written = match write_all(&report, &args.out, &formats) {
        Ok(written) => written,
        Err(error) => {
            say::error(lang, &error.to_string());
            return ExitCode::HarnessFault;
        }
    };
    // The reports' language from here on: the summary belongs with them.
    let report_lang = Lang::from_env(Some(&report.run.lang));
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        if let Err(error) = append(&path, &report::markdown::render(&report)) {
            say::error(lang, &say::cannot_append(&path, &error, lang));
            code = ExitCode::HarnessFault;
        }
    }
    if let Some(request) = &bundle {
        match crate::bundle::write(request, &report, &written, lang) {
            Ok(bundle) if !quiet => eprintln!(
                "{} {} ({} {}, sha256 {})",
                lang.pick("bundel bukti ditulis ke", "evidence bundle written to"),
                bundle.path.display(),
                bundle.bytes,
                lang.pick("bita", "bytes"),
                bundle.sha256
            ),
            Ok(_) => {}
            Err(failed) => code = failed,
        }
    }
    if !quiet {
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let style = Style {
            colour,
            lang: report_lang,
        };
        print!("{}", terminal::render(&report, style));
        if let Some(merge) = &report.merge {
            eprintln!("{}", merged_summary(&report, merge, lang));
        }
        if !written.is_empty() {
            eprintln!("{}", say::reports_written(&args.out, lang));
        }
    }
    code
}

/// `merged 4 report(s) from 2 vantage(s): …`, and what is missing.
fn merged_summary(
    report: &report::model::Report,
    merge: &report::model::MergeReport,
    lang: Lang,
) -> String {
    let (passed, failed, load_errors) = report.tally();
    let (sources, vantages) = (merge.sources.len(), merge.vantages.len());
    let missing = merge.missing_shards.join(", ");
    let incomplete = match (merge.missing_shards.is_empty(), lang) {
        (true, _) => String::new(),
        (false, Lang::Id) => format!("; TIDAK LENGKAP: shard {missing} belum ada"),
        (false, Lang::En) => format!("; INCOMPLETE: missing shard(s) {missing}"),
    };
    lang.choose(
        format!("{sources} laporan dari {vantages} vantage digabungkan: {passed} lulus, {failed} gagal, {load_errors} gagal dimuat{incomplete}"),
        format!("merged {sources} report(s) from {vantages} vantage(s): {passed} passed, {failed} failed, {load_errors} not loaded{incomplete}"),
    )
}

/// `explicit` is `--lang`; without it the new report's language.
pub fn diff(args: DiffArgs, explicit: Option<String>, quiet: bool) -> ExitCode {
    let message_lang = crate::commands::chosen_lang(explicit.as_deref());
    let (base, new) = match read_all(&[args.base, args.new], message_lang).map(|mut both| {
        let new = both.pop();
        (both.pop(), new)
    }) {
        Ok((Some(base), Some(new))) => (base, new),
        Ok(_) => return ExitCode::HarnessFault,
        Err(error) => {
            say::error(message_lang, &error);
            return ExitCode::BadInput;
        }
    };
    let lang = match explicit.as_deref() {
        Some(code) => Lang::from_env(Some(code)),
        None => Lang::from_env(Some(&new.report.run.lang)),
    };
    let limits = Limits {
        max_regression: args.max_regression,
        min_delta: args.min_delta.as_secs_f64(),
        min_ratio_delta: args.min_ratio_delta,
        min_index_delta: args.min_index_delta,
        min_samples: args.min_samples,
        min_failures: args.min_failures,
        allow_missing: args.allow_missing,
    };
    let diff = compare(&base, &new, limits);
    let text = match args.format.as_str() {
        "md" => render_markdown(&diff, args.all, lang),
        _ => render_text(&diff, args.all, lang),
    };
    if let Some(path) = &args.out
        && let Err(error) = report::write::write_atomically(path, text.as_bytes())
    {
        say::error(lang, &say::cannot_write(path, &error, lang));
        return ExitCode::HarnessFault;
    }
    if !quiet {
        print!("{text}");
    }
    if diff.regressions().next().is_some() {
        ExitCode::GateFailed
    } else {
        ExitCode::Success
    }
}

pub fn portfolio(args: PortfolioArgs, lang: Lang, quiet: bool) -> ExitCode {
    let mut formats = Vec::new();
    for name in &args.format {
        match name.trim() {
            name @ ("json" | "html" | "md") => formats.push(name.to_string()),
            other => {
                say::error(
                    lang,
                    &lang.choose(
                        format!("--format {other} tidak dikenal; pilih json, html atau md"),
                        format!("unknown --format {other}; expected json, html or md"),
                    ),
                );
                return ExitCode::BadInput;
            }
        }
    }
    let inputs = match read_all(&args.reports, lang) {
        Ok(inputs) => inputs,
        Err(error) => {
            say::error(lang, &error);
            return ExitCode::BadInput;
        }
    };
    let catalogue = match input::catalogue::built_in() {
        Ok(catalogue) => catalogue,
        Err(error) => {
            eprint!("{}", error.render(lang));
            return ExitCode::HarnessFault;
        }
    };
    let settings = Settings {
        index: args.target_index,
        kabupaten: args.target_kabupaten,
        kota: args.target_kota,
        good: args.good,
        allow_incomplete: args.allow_incomplete,
        allow_test_conditions: args.allow_test_conditions,
    };
    let portfolio = match build(&inputs, &settings, &catalogue) {
        Ok(portfolio) => portfolio,
        Err(error) => {
            say::error(lang, &error.describe(lang));
            return ExitCode::BadInput;
        }
    };
    // Rendered first, written after: a failure leaves the folder as it was.
    let mut files: Vec<(&str, Vec<u8>)> = Vec::new();
    for format in &formats {
        let rendered = match format.as_str() {
            "json" => serde_json::to_vec_pretty(&portfolio)
                .map(|mut bytes| {
                    bytes.push(b'\n');
                    ("portfolio.json", bytes)
                })
                .map_err(|error| error.to_string()),
            "html" => render_html(&portfolio, lang)
                .map(|text| ("portfolio.html", text.into_bytes()))
                .map_err(|error| error.to_string()),
            _ => Ok((
                "portfolio.md",
                portfolio_markdown(&portfolio, lang).into_bytes(),
            )),
        };
        match rendered {
            Ok(file) => files.push(file),
            Err(error) => {
                let message = lang.choose(
                    format!("portofolio tidak dapat disusun: {error}"),
                    format!("cannot render the portfolio: {error}"),
                );
                say::error(lang, &message);
                return ExitCode::HarnessFault;
            }
        }
    }
    if let Err(error) = std::fs::create_dir_all(&args.out) {
        say::error(lang, &say::cannot_create(&args.out, &error, lang));
        return ExitCode::HarnessFault;
    }
    for (name, bytes) in &files {
        let path = args.out.join(name);
        if let Err(error) = report::write::write_atomically(&path, bytes) {
            say::error(lang, &say::cannot_write(&path, &error, lang));
            return ExitCode::HarnessFault;
        }
    }
    if !quiet {
        print!("{}", portfolio_markdown(&portfolio, lang));
        let out = args.out.display();
        eprintln!(
            "{}",
            lang.choose(
                format!("portofolio ditulis ke {out}"),
                format!("portfolio written to {out}"),
            )
        );
    }
    if portfolio.summary.met {
        ExitCode::Success
    } else {
        ExitCode::GateFailed
    }
}
