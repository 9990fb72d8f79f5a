//! `--bundle FILE` (run, demo, merge), `ujilab keygen` and `ujilab verify`: the
//! command line over the `bundle` crate. A bundle holds report.json as written,
//! each scenario as run (`scenarios/NNN-<service>.json`, the effective scenario
//! with secrets as `***`), each catalogue used (`catalogues/<name>@<version>.yaml`,
//! its exact bytes, whose SHA-256 the report records), each certificate chain seen
//! (`certificates/<host>-<port>.pem`, leaf first) and the manifest; signed when a
//! key is given. The secret key is read once, kept in memory, never printed.

use std::path::{Path, PathBuf};

use bundle::{Member, SigningKey};
use input::lang::Lang;
use report::model::{Report, ScenarioEntry};

use crate::cli::{BundleArgs, KeygenArgs, VerifyArgs};
use crate::exit::ExitCode;
use crate::say;

/// The environment variable that may hold the signing key itself (not a path).
pub const KEY_ENV: &str = "UJILAB_SIGN_KEY";

/// The built-in catalogues, to put their exact bytes in a bundle.
const BUILT_IN_CATALOGUES: [&str; 2] = [
    include_str!("../standards/idsll-core.yaml"),
    include_str!("../standards/idsll-core-2026.2.yaml"),
];

/// What `--bundle` asks for, checked before anything is probed.
#[derive(Debug)]
pub struct Request {
    pub path: PathBuf,
    pub key: Option<SigningKey>,
}

/// What the HTML report prints about the bundle written.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    /// SHA-256 of the bundle file.
    pub sha256: String,
    pub key_fingerprint: Option<String>,
    pub bytes: usize,
}

/// Reads the bundle arguments: the key from `--sign-key FILE`, else from
/// UJILAB_SIGN_KEY. Bad input (exit 2) when the key does not read; the message
/// never quotes it.
pub fn request(args: &BundleArgs, lang: Lang) -> Result<Option<Request>, ExitCode> {
    let Some(path) = args.bundle.clone() else {
        if args.sign_key.is_some() {
            say::error(
                lang,
                lang.pick(
                    "--sign-key tanpa --bundle: tidak ada yang ditandatangani",
                    "--sign-key without --bundle: there is nothing to sign",
                ),
            );
            return Err(ExitCode::BadInput);
        }
        return Ok(None);
    };
    let secret = match &args.sign_key {
        Some(file) => match std::fs::read(file) {
            Ok(bytes) => Some(bytes),
            Err(error) => {
                eprintln!(
                    "{}: {} {}: {error}",
                    lang.pick("galat", "error"),
                    lang.pick(
                        "kunci penanda tangan tidak terbaca:",
                        "cannot read the signing key"
                    ),
                    file.display()
                );
                return Err(ExitCode::BadInput);
            }
        },
        None => std::env::var(KEY_ENV)
            .ok()
            .filter(|value| !value.trim().is_empty())
            .map(String::into_bytes),
    };
    let key = match secret.map(|bytes| SigningKey::read(&bytes)) {
        None => None,
        Some(Ok(key)) => Some(key),
        Some(Err(error)) => {
            eprintln!(
                "{}: {}: {error}",
                lang.pick("galat", "error"),
                lang.pick("kunci penanda tangan tidak valid", "invalid signing key")
            );
            return Err(ExitCode::BadInput);
        }
    };
    Ok(Some(Request { path, key }))
}

/// Writes the bundle beside the reports, and adds its digest and key fingerprint
/// to report.html when it was written. `written`: the report files written.
pub fn write(
    request: &Request,
    report: &Report,
    written: &[PathBuf],
    lang: Lang,
) -> Result<Written, ExitCode> {
    let fault = |what: &str, error: &dyn std::fmt::Display| {
        eprintln!(
            "{}: {} {}: {error}",
            lang.pick("galat", "error"),
            lang.pick(
                "bundel bukti tidak dapat ditulis:",
                "cannot write the evidence bundle"
            ),
            what
        );
        ExitCode::HarnessFault
    };
    // report.json exactly as written, when it was; else as it would be.
    let report_json = match written.iter().find(|p| p.ends_with("report.json")) {
        Some(path) => std::fs::read(path).map_err(|e| fault(&path.display().to_string(), &e))?,
        None => {
            let mut bytes =
                serde_json::to_vec_pretty(report).map_err(|e| fault("report.json", &e))?;
            bytes.push(b'\n');
            bytes
        }
    };
    let mut members = vec![Member {
        name: "report.json".into(),
        bytes: report_json,
    }];
    members.extend(scenario_members(report));
    members.extend(catalogue_members(report, lang));
    members.extend(certificate_members(report));
    let created_at = report::build::rfc3339(std::time::SystemTime::now());
    let bytes = bundle::write(&members, request.key.as_ref(), &created_at)
        .map_err(|e| fault(&request.path.display().to_string(), &e))?;
    report::write::write_atomically(&request.path, &bytes)
        .map_err(|e| fault(&request.path.display().to_string(), &e))?;
    let note = Written {
        path: request.path.clone(),
        sha256: bundle::sha256_hex(&bytes),
        key_fingerprint: request.key.as_ref().map(SigningKey::fingerprint),
        bytes: bytes.len(),
    };
    if let Some(html) = written.iter().find(|p| p.ends_with("report.html")) {
        annotate_html(html, &note, lang).map_err(|e| fault(&html.display().to_string(), &e))?;
    }
    Ok(note)
}

fn scenario_members(report: &Report) -> Vec<Member> {
    report
        .scenarios
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| match entry {
            ScenarioEntry::Ran(scenario) => {
                let value: serde_json::Value = serde_json::to_value(&scenario.effective).ok()?;
                let mut bytes = serde_json::to_vec_pretty(&value).ok()?;
                bytes.push(b'\n');
                Some(Member {
                    name: format!(
                        "scenarios/{:03}-{}.json",
                        index + 1,
                        safe(&scenario.service.id)
                    ),
                    bytes,
                })
            }
            ScenarioEntry::LoadError(_) => None,
        })
        .collect()
}

/// Each catalogue a scenario was scored with, by the SHA-256 the report records:
/// a built-in one from this binary, a file one from beside its scenario. One that
/// cannot be found with that digest is named in a warning and left out.
fn catalogue_members(report: &Report, lang: Lang) -> Vec<Member> {
    let mut members: Vec<Member> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for entry in &report.scenarios {
        let ScenarioEntry::Ran(scenario) = entry else {
            continue;
        };
        let Some(standards) = &scenario.standards else {
            continue;
        };
        let Some(sha256) = &standards.sha256 else {
            continue;
        };
        if !seen.insert(sha256.clone()) {
            continue;
        }
        let built_in = BUILT_IN_CATALOGUES
            .iter()
            .map(|text| text.as_bytes().to_vec())
            .find(|bytes| &bundle::sha256_hex(bytes) == sha256);
        let from_file = || {
            let profile = scenario.effective.pointer("/standards/profile")?;
            let relative = profile.as_str()?.to_string();
            let base = Path::new(&scenario.file).parent().unwrap_or(Path::new("."));
            std::fs::read(base.join(relative))
                .ok()
                .filter(|bytes| &bundle::sha256_hex(bytes) == sha256)
        };
        match built_in.or_else(from_file) {
            Some(bytes) => members.push(Member {
                name: format!(
                    "catalogues/{}@{}.yaml",
                    safe(&standards.catalogue),
                    safe(&standards.version)
                ),
                bytes,
            }),
            None => eprintln!(
                "warning: {} {}@{} (sha256 {sha256})",
                lang.pick(
                    "katalog tidak ditemukan dengan sidik yang tercatat, tidak masuk bundel:",
                    "catalogue not found with the digest recorded, left out of the bundle:"
                ),
                standards.catalogue,
                standards.version
            ),
        }
    }
    members
}

fn certificate_members(report: &Report) -> Vec<Member> {
    let mut members: Vec<Member> = Vec::new();
    for entry in &report.scenarios {
        let ScenarioEntry::Ran(scenario) = entry else {
            continue;
        };
        let Some(tls) = &scenario.tls else { continue };
        if tls.chain.is_empty() {
            continue;
        }
        let name = format!("certificates/{}-{}.pem", safe(&tls.host), tls.port);
        if members.iter().any(|m| m.name == name) {
            continue;
        }
        let pem: String = tls
            .chain
            .iter()
            .filter_map(|c| bundle::certificate_pem_base64(&c.der_base64))
            .collect();
        members.push(Member {
            name,
            bytes: pem.into_bytes(),
        });
    }
    members
}

/// A name part for a member: letters, digits, `.`, `-`, `_`.
fn safe(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match cleaned.trim_matches('.') {
        "" => "_".to_string(),
        name => name.chars().take(60).collect(),
    }
}

/// Adds the bundle's digest and key fingerprint to report.html, before `</body>`.
fn annotate_html(path: &Path, note: &Written, lang: Lang) -> std::io::Result<()> {
    let html = std::fs::read_to_string(path)?;
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let key = match &note.key_fingerprint {
        Some(fingerprint) => format!("<code>{fingerprint}</code>"),
        None => lang.pick("tidak ditandatangani", "unsigned").to_string(),
    };
    let section = format!(
        "<section class=\"bundle\" id=\"bundle\"><h2>{title}</h2><dl>\
         <dt>{file}</dt><dd><code>{path}</code></dd>\
         <dt>SHA-256</dt><dd><code>{sha}</code></dd>\
         <dt>{key_label}</dt><dd>{key}</dd></dl>\
         <p>{hint} <code>ujilab verify {path} --key PUB</code></p></section>\n",
        title = lang.pick("Bundel bukti", "Evidence bundle"),
        file = lang.pick("Berkas", "File"),
        path = escape(&note.path.display().to_string()),
        sha = note.sha256,
        key_label = lang.pick(
            "Sidik kunci Ed25519 (SHA-256)",
            "Ed25519 key fingerprint (SHA-256)"
        ),
        hint = lang.pick("Periksa dengan", "Check with"),
    );
    let updated = match html.rfind("</body>") {
        Some(at) => format!("{}{section}{}", &html[..at], &html[at..]),
        None => format!("{html}{section}"),
    };
    report::write::write_atomically(path, updated.as_bytes())
}

/// `ujilab keygen --out FILE`: a new key (PKCS#8 PEM, mode 0600), the public key
/// printed (base64, and FILE.pub as PEM).
pub fn keygen(args: KeygenArgs, lang: Lang) -> ExitCode {
    if args.out.exists() && !args.force {
        eprintln!(
            "{}: {} {} ({})",
            lang.pick("galat", "error"),
            args.out.display(),
            lang.pick("sudah ada", "already exists"),
            lang.pick("--force untuk menimpa", "--force to overwrite")
        );
        return ExitCode::BadInput;
    }
    let (pem, key) = match SigningKey::generate() {
        Ok(made) => made,
        Err(error) => {
            say::error(lang, &error.to_string());
            return ExitCode::HarnessFault;
        }
    };
    if let Err(error) = write_secret(&args.out, pem.as_bytes()) {
        say::error(lang, &format!("{}: {error}", args.out.display()));
        return ExitCode::HarnessFault;
    }
    let public = PathBuf::from(format!("{}.pub", args.out.display()));
    if let Err(error) = report::write::write_atomically(&public, key.public_pem().as_bytes()) {
        say::error(lang, &format!("{}: {error}", public.display()));
        return ExitCode::HarnessFault;
    }
    crate::commands::print_stdout(&format!(
        "{}: {}\n{}: {}\n{}: {}\n",
        lang.pick(
            "kunci rahasia (jangan dibagikan)",
            "secret key (keep it private)"
        ),
        args.out.display(),
        lang.pick("kunci publik", "public key"),
        key.public_base64(),
        lang.pick("sidik kunci", "key fingerprint"),
        key.fingerprint(),
    ));
    ExitCode::Success
}

fn write_secret(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// `ujilab verify FILE [--key PUB]`: 0 when every digest matches and the
/// signature verifies (with `--key`, by that key); 1 when something was changed,
/// or the bundle is unsigned and `--key` was given; 2 when the file is not a bundle
/// or the key does not read.
pub fn verify(args: VerifyArgs, lang: Lang) -> ExitCode {
    let key = match &args.key {
        None => None,
        Some(text) => {
            // A file holding the key, or the key itself.
            let content = std::fs::read_to_string(text).unwrap_or_else(|_| text.clone());
            match bundle::read_public_key(&content) {
                Ok(key) => Some(key),
                Err(error) => {
                    say::error(lang, &error.to_string());
                    return ExitCode::BadInput;
                }
            }
        }
    };
    let bytes = match std::fs::read(&args.file) {
        Ok(bytes) => bytes,
        Err(error) => {
            say::error(lang, &format!("{}: {error}", args.file.display()));
            return ExitCode::BadInput;
        }
    };
    let result = match bundle::verify(&bytes, key.as_ref()) {
        Ok(result) => result,
        Err(error) => {
            say::error(lang, &format!("{}: {error}", args.file.display()));
            return ExitCode::BadInput;
        }
    };
    use bundle::{ProblemKind, SignatureState};
    let mut out = String::new();
    for problem in &result.problems {
        let what = match &problem.what {
            ProblemKind::Changed => lang
                .pick(
                    "diubah: isinya tidak cocok dengan SHA-256 di manifest",
                    "changed: its content does not match the manifest's SHA-256",
                )
                .to_string(),
            ProblemKind::Missing => lang
                .pick(
                    "hilang: tercantum di manifest, tidak ada di arsip",
                    "missing: listed by the manifest, not in the archive",
                )
                .to_string(),
            ProblemKind::NotListed => lang
                .pick(
                    "ditambahkan: ada di arsip, tidak tercantum di manifest",
                    "added: in the archive, not listed by the manifest",
                )
                .to_string(),
            ProblemKind::ManifestChanged => lang
                .pick(
                    "diubah: manifest bukan yang ditandatangani",
                    "changed: the manifest is not the one that was signed",
                )
                .to_string(),
            ProblemKind::SignatureInvalid => lang
                .pick("tanda tangan tidak valid", "invalid signature")
                .to_string(),
            ProblemKind::OtherKey(fingerprint) => format!(
                "{} {fingerprint}",
                lang.pick(
                    "ditandatangani dengan kunci lain:",
                    "signed with another key:"
                )
            ),
        };
        out.push_str(&format!("TAMPERED {}: {what}\n", problem.member));
    }
    match &result.signature {
        SignatureState::Valid {
            fingerprint,
            pinned,
        } => out.push_str(&format!(
            "{} {fingerprint}{}\n",
            lang.pick("tanda tangan valid, kunci", "signature valid, key"),
            if *pinned {
                ""
            } else {
                lang.pick(
                    " (kunci tidak dipastikan: berikan --key untuk memeriksa pemiliknya)",
                    " (key not pinned: give --key to check whose it is)",
                )
            }
        )),
        SignatureState::Unsigned => out.push_str(&format!(
            "UNSIGNED: {}\n",
            if key.is_some() {
                lang.pick(
                    "bundel tidak ditandatangani, padahal --key diberikan",
                    "the bundle is not signed, and --key was given",
                )
            } else {
                lang.pick(
                    "bundel tidak ditandatangani: hanya sidik SHA-256 yang diperiksa",
                    "the bundle is not signed: only the SHA-256 digests were checked",
                )
            }
        )),
        SignatureState::Invalid => {}
    }
    let passed = result.passed(key.is_some());
    if passed {
        out.push_str(&format!(
            "OK: {} {}\n",
            result.members,
            lang.pick("berkas cocok dengan manifest", "files match the manifest")
        ));
        crate::commands::print_stdout(&out);
        ExitCode::Success
    } else {
        eprint!("{out}");
        ExitCode::GateFailed
    }
}
