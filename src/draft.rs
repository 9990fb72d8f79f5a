//! `ujilab init` and `ujilab import curl|har`: first scenarios drafted from a
//! site or a recorded request (the `draft` crate), checked by loading them as
//! `validate` would before they are written, and never over an existing file
//! without `--force`.

use std::path::{Path, PathBuf};

use input::lang::Lang;
use input::scenario::{Environment, LoadSettings, Loaded, Source, load_all};

use crate::cli::{ImportCommand, InitArgs};
use crate::exit::ExitCode;
use crate::say;

/// A HAR of a long visit with bodies can be large; more than this is refused.
const HAR_FILE_LIMIT: u64 = 256 << 20;

pub async fn init(args: InitArgs, lang: Lang, quiet: bool) -> ExitCode {
    let start = match url::Url::parse(&args.url) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => url,
        _ => {
            let url = &args.url;
            say::error(
                lang,
                &lang.choose(
                    format!("`{url}` bukan URL http(s), misalnya https://layanan.contohkab.go.id/"),
                    format!(
                        "`{url}` is not an http(s) URL such as https://layanan.contohkab.go.id/"
                    ),
                ),
            );
            return ExitCode::BadInput;
        }
    };
    let host = start.host_str().unwrap_or_default().to_string();
    let out = args.out.clone().unwrap_or_else(|| default_out(&host));
    if let Err(code) = refuse_overwrite(&out, args.force, lang) {
        return code;
    }
    let mut extra_roots_pem = Vec::new();
    let mut ca_files = Vec::new();
    for path in &args.ca_file {
        match input::file::read_bounded(path, input::file::INPUT_FILE_LIMIT) {
            Ok(pem) => extra_roots_pem.push(pem),
            Err(error) => {
                say::error(
                    lang,
                    &format!("--ca-file {}: {}", path.display(), error.describe(lang)),
                );
                return ExitCode::BadInput;
            }
        }
        // The scenario may live elsewhere: it names the CA file absolutely.
        ca_files.push(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()));
    }
    let client_settings = run::client::ClientSettings {
        resolve: args.resolve.clone(),
        extra_roots_pem,
        ..run::client::ClientSettings::default()
    };
    let client = match run::client::build_client(&client_settings) {
        Ok(client) => client,
        Err(error) => {
            say::error(lang, &error.to_string());
            return ExitCode::BadInput;
        }
    };
    let session = run::client::Session::new(client, true);
    let catalogue = match input::catalogue::built_in() {
        Ok(catalogue) => catalogue,
        Err(failure) => {
            eprint!("{}", failure.render(lang));
            return ExitCode::HarnessFault;
        }
    };
    let limits = draft::crawl::CrawlLimits {
        max_depth: args.depth,
        max_pages: args.max_pages as usize,
        delay: args.delay,
        ..draft::crawl::CrawlLimits::default()
    };
    let settings = draft::init_scenario::InitSettings {
        resolve: args.resolve.clone(),
        ca_files,
        lang,
    };
    let mut show_fetch = |fetched: &draft::crawl::Fetched| {
        if !quiet {
            let status = fetched.status().map_or_else(
                || lang.pick("galat", "error").to_string(),
                |s| s.to_string(),
            );
            eprintln!("  {status:>5}  {}", fetched.url);
        }
    };
    let drafted = match draft::init(
        &start,
        &session,
        &limits,
        &catalogue,
        &settings,
        &mut show_fetch,
    )
    .await
    {
        Ok(drafted) => drafted,
        Err(error) => {
            say::error(lang, &error.describe(lang));
            return ExitCode::GateFailed;
        }
    };
    if let Err(code) = check_and_write(&out, &drafted.text, lang) {
        return code;
    }
    if !quiet {
        print_found(&drafted, &out, lang);
    }
    ExitCode::Success
}

fn print_found(drafted: &draft::Drafted, out: &Path, lang: Lang) {
    let crawl = &drafted.crawl;
    let mut lines = vec![lang.choose(
        format!(
            "{} halaman dikunjungi{}; halaman standar:",
            crawl.pages.len(),
            if crawl.robots_found {
                ", robots.txt dipatuhi"
            } else {
                ""
            }
        ),
        format!(
            "{} page(s) visited{}; standard pages:",
            crawl.pages.len(),
            if crawl.robots_found {
                ", robots.txt obeyed"
            } else {
                ""
            }
        ),
    )];
    for (role, choice) in &drafted.choices {
        let line = match choice {
            Some(choice) => format!(
                "  {:<34} {}  ({})",
                role.name(lang),
                choice.url.path(),
                choice.reason(lang)
            ),
            None => format!(
                "  {:<34} — {}",
                role.name(lang),
                lang.pick(
                    "tidak ditemukan (TODO di skenario)",
                    "not found (a TODO in the scenario)"
                )
            ),
        };
        lines.push(line);
    }
    lines.push(match &crawl.api_document {
        Some(document) => format!(
            "  {:<34} {} ({})",
            "OpenAPI",
            document.url.path(),
            document.version
        ),
        None => format!(
            "  {:<34} — {}",
            "OpenAPI",
            lang.pick("tidak ditemukan", "not found")
        ),
    });
    if !crawl.blocked.is_empty() {
        lines.push(lang.choose(
            format!(
                "  {} tautan dilewati karena robots.txt",
                crawl.blocked.len()
            ),
            format!("  {} link(s) skipped for robots.txt", crawl.blocked.len()),
        ));
    }
    if let Some(stop) = crawl.stopped {
        lines.push(match stop {
            draft::crawl::Stop::PageLimit => lang
                .pick(
                    "  berhenti di batas jumlah halaman (--max-pages)",
                    "  stopped at the page limit (--max-pages)",
                )
                .to_string(),
            draft::crawl::Stop::TimeBudget => lang
                .pick(
                    "  berhenti di batas waktu kunjungan",
                    "  stopped at the visit's time budget",
                )
                .to_string(),
        });
    }
    let out = out.display();
    lines.push(lang.choose(
        format!("skenario ditulis ke {out}; berikutnya: ujilab run {out}"),
        format!("scenario written to {out}; next: ujilab run {out}"),
    ));
    crate::commands::print_stdout(&format!("{}\n", lines.join("\n")));
}

pub fn import(command: ImportCommand, lang: Lang, quiet: bool) -> ExitCode {
    let (requests, out, force, recording) = match command {
        ImportCommand::Curl(args) => match draft::curl::parse(&args.command) {
            Ok(request) => (
                vec![request],
                args.out,
                args.force,
                draft::import_scenario::Recording::Curl,
            ),
            Err(error) => {
                say::error(lang, &error.describe(lang));
                return ExitCode::BadInput;
            }
        },
        ImportCommand::Har(args) => {
            let text = match input::file::read_bounded_text(&args.file, HAR_FILE_LIMIT) {
                Ok(text) => text,
                Err(error) => {
                    say::error(
                        lang,
                        &format!("{}: {}", args.file.display(), error.describe(lang)),
                    );
                    return ExitCode::BadInput;
                }
            };
            match draft::har::parse(&text, args.all_hosts) {
                Ok(requests) => (
                    requests,
                    args.out,
                    args.force,
                    draft::import_scenario::Recording::Har,
                ),
                Err(error) => {
                    say::error(
                        lang,
                        &format!("{}: {}", args.file.display(), error.describe(lang)),
                    );
                    return ExitCode::BadInput;
                }
            }
        }
    };
    let Some(imported) = draft::import_scenario::write(&requests, recording, lang) else {
        return ExitCode::BadInput;
    };
    let host = imported.base_url.host_str().unwrap_or_default().to_string();
    let out = out.unwrap_or_else(|| default_out(&host));
    if let Err(code) = refuse_overwrite(&out, force, lang) {
        return code;
    }
    if let Err(code) = check_and_write(&out, &imported.text, lang) {
        return code;
    }
    if !quiet {
        let mut lines = vec![lang.choose(
            format!("{} probe ditulis ke {}", requests.len(), out.display()),
            format!("{} probe(s) written to {}", requests.len(), out.display()),
        )];
        if !imported.secrets.is_empty() {
            lines.push(lang.pick(
                "rahasia dipindahkan ke `secrets:`; isi variabel lingkungan ini sebelum menjalankan:",
                "secrets moved to `secrets:`; set these environment variables before a run:",
            ).to_string());
            for secret in &imported.secrets {
                lines.push(format!("  {}  ({})", secret.env, secret.found_in));
            }
        }
        crate::commands::print_stdout(&format!("{}\n", lines.join("\n")));
    }
    ExitCode::Success
}

/// `scenarios/<host>.yaml`, where `ujilab run` looks by default.
fn default_out(host: &str) -> PathBuf {
    PathBuf::from("scenarios").join(format!("{}.yaml", draft::service_id(host)))
}

fn refuse_overwrite(out: &Path, force: bool, lang: Lang) -> Result<(), ExitCode> {
    if out.exists() && !force {
        let path = out.display();
        say::error(
            lang,
            &lang.choose(
                format!("{path} sudah ada; pakai --force untuk menimpanya"),
                format!("{path} exists; use --force to overwrite it"),
            ),
        );
        return Err(ExitCode::BadInput);
    }
    Ok(())
}

/// Loads `text` as `validate` would (a draft that does not load is ujilab's
/// bug, not the user's), then writes it.
fn check_and_write(out: &Path, text: &str, lang: Lang) -> Result<(), ExitCode> {
    let source = Source {
        name: out.display().to_string(),
        bytes: text.as_bytes().to_vec(),
        named: true,
    };
    let settings = LoadSettings {
        env: Environment::from_process(),
        ..LoadSettings::default()
    };
    if let Some(Loaded::Failed(failure)) = load_all(&[source], &settings, &mut Vec::new()).pop() {
        eprint!("{}", failure.render(lang));
        say::error(
            lang,
            lang.pick(
                "skenario yang disusun tidak lolos pemeriksaan (galat ujilab); tidak ditulis",
                "the drafted scenario does not load (a ujilab bug); not written",
            ),
        );
        return Err(ExitCode::HarnessFault);
    }
    if let Some(parent) = out.parent().filter(|parent| !parent.as_os_str().is_empty())
        && let Err(error) = std::fs::create_dir_all(parent)
    {
        say::error(lang, &say::cannot_create(parent, &error, lang));
        return Err(ExitCode::HarnessFault);
    }
    if let Err(error) = std::fs::write(out, text) {
        say::error(lang, &say::cannot_write(out, &error, lang));
        return Err(ExitCode::HarnessFault);
    }
    Ok(())
}
