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

/// Reads every report; the first that cannot be used is the error.
fn read_all(paths: &[PathBuf]) -> Result<Vec<ReportFile>, String> {
    paths
        .iter()
        .map(|path| read_report(path).map_err(|error| error.to_string()))
        .collect()
}

pub fn merge(args: MergeArgs, quiet: bool) -> ExitCode {
    let bundle_lang = crate::bundle::lang_of(args.lang.as_deref());
    let bundle = match crate::bundle::request(&args.bundle, bundle_lang) {
        Ok(bundle) => bundle,
        Err(code) => return code,
    };
    let formats = match Format::parse_list(&args.format) {
        Ok(formats) => formats,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::BadInput;
        }
    };
    let inputs = match read_all(&args.reports) {
        Ok(inputs) => inputs,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::BadInput;
        }
    };
    let options = MergeOptions {
        allow_partial: args.allow_partial,
        lang: args.lang,
        args: crate::logging::redact_args(std::env::args().collect()),
    };
    let report = match merge_reports(&inputs, &options) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
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
            eprintln!("error: {error}");
            return ExitCode::HarnessFault;
        }
    };
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        if let Err(error) = append(&path, &report::markdown::render(&report)) {
            eprintln!("error: cannot append to {}: {error}", path.display());
            code = ExitCode::HarnessFault;
        }
    }
    if let Some(request) = &bundle {
        match crate::bundle::write(request, &report, &written, bundle_lang) {
            Ok(bundle) if !quiet => eprintln!(
                "{} {} ({} bytes, sha256 {})",
                bundle_lang.pick("bundel bukti ditulis ke", "evidence bundle written to"),
                bundle.path.display(),
                bundle.bytes,
                bundle.sha256
            ),
            Ok(_) => {}
            Err(failed) => code = failed,
        }
    }
    if !quiet {
        let lang = Lang::from_env(Some(&report.run.lang));
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        print!("{}", terminal::render(&report, Style { colour, lang }));
        if let Some(merge) = &report.merge {
            let (passed, failed, load_errors) = report.tally();
            eprintln!(
                "merged {} report(s) from {} vantage(s): {passed} passed, {failed} failed, {load_errors} not loaded{}",
                merge.sources.len(),
                merge.vantages.len(),
                if merge.missing_shards.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; INCOMPLETE: missing shard(s) {}",
                        merge.missing_shards.join(", ")
                    )
                }
            );
        }
        if !written.is_empty() {
            eprintln!("reports written to {}", args.out.display());
        }
    }
    code
}

pub fn diff(args: DiffArgs, quiet: bool) -> ExitCode {
    let (base, new) = match read_all(&[args.base, args.new]).map(|mut both| {
        let new = both.pop();
        (both.pop(), new)
    }) {
        Ok((Some(base), Some(new))) => (base, new),
        Ok(_) => return ExitCode::HarnessFault,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::BadInput;
        }
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
        "md" => render_markdown(&diff, args.all),
        _ => render_text(&diff, args.all),
    };
    if let Some(path) = &args.out
        && let Err(error) = report::write::write_atomically(path, text.as_bytes())
    {
        eprintln!("error: cannot write {}: {error}", path.display());
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

pub fn portfolio(args: PortfolioArgs, quiet: bool) -> ExitCode {
    let mut formats = Vec::new();
    for name in &args.format {
        match name.trim() {
            name @ ("json" | "html" | "md") => formats.push(name.to_string()),
            other => {
                eprintln!("error: unknown --format {other}; expected json, html or md");
                return ExitCode::BadInput;
            }
        }
    }
    let inputs = match read_all(&args.reports) {
        Ok(inputs) => inputs,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::BadInput;
        }
    };
    let catalogue = match input::catalogue::built_in() {
        Ok(catalogue) => catalogue,
        Err(error) => {
            eprintln!(
                "error: {}",
                error.render(crate::commands::chosen_lang(args.lang.as_deref()))
            );
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
            eprintln!("error: {error}");
            return ExitCode::BadInput;
        }
    };
    let lang = crate::commands::chosen_lang(args.lang.as_deref());
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
                eprintln!("error: cannot render the portfolio: {error}");
                return ExitCode::HarnessFault;
            }
        }
    }
    if let Err(error) = std::fs::create_dir_all(&args.out) {
        eprintln!("error: cannot create {}: {error}", args.out.display());
        return ExitCode::HarnessFault;
    }
    for (name, bytes) in &files {
        let path = args.out.join(name);
        if let Err(error) = report::write::write_atomically(&path, bytes) {
            eprintln!("error: cannot write {}: {error}", path.display());
            return ExitCode::HarnessFault;
        }
    }
    if !quiet {
        print!("{}", portfolio_markdown(&portfolio, lang));
        eprintln!("portfolio written to {}", args.out.display());
    }
    if portfolio.summary.met {
        ExitCode::Success
    } else {
        ExitCode::GateFailed
    }
}
