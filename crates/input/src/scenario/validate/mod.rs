//! From the raw mirror to the validated [`Scenario`]: every semantic problem is
//! collected with its position and key path, so the user fixes a file in one pass.
//!
//! This module owns the entry point ([`validate`]), the settings a run passes in
//! ([`LoadSettings`]), the `Checker` that collects problems, and the assembly of
//! the scenario from its sections. Each section is read in its own module:
//!
//! - `scalars`: interpolated text, durations, sizes, ambiguous numbers;
//! - `names`: `vars`, `secrets` and capture names (one namespace);
//! - `service`: `service`, and joining paths to its base URL;
//! - `defaults`: `defaults`, probe defaults and connection settings (TLS, proxy);
//! - `client_identity`: the client certificate and key of `defaults.tls` (mTLS);
//! - `probe` and `request`: each probe and the parts of its request;
//! - `auth`: the `Authorization` header `auth:` stands for;
//! - `expect`, `matcher` and `capture`: what a response must hold, and what
//!   is taken from it;
//! - `retry`: when a functional probe is sent again;
//! - `repeated_probes`, `availability` and `load`: the phases that repeat
//!   probes;
//! - `standards` and `thresholds`: how the run is judged;
//! - `watch`: how `ujilab watch` probes it continuously.

mod attestations;
mod auth;
mod availability;
mod capture;
mod client_identity;
mod defaults;
mod expect;
mod load;
mod matcher;
mod names;
mod probe;
mod probes_from;
mod repeated_probes;
mod request;
mod retry;
mod scalars;
mod service;
mod standards;
mod thresholds;
mod watch;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostic::Problem;
use crate::scenario::interpolate::{CaptureUse, Environment, Interpolator};
use crate::scenario::model::Scenario;
use crate::scenario::raw::{Node, Position, RawScenario, Spanned};
use crate::text::{Text, text};
use repeated_probes::methods_of;
pub use service::join_path;

/// What the run asks of loading, beyond the files themselves.
#[derive(Debug, Clone, Default)]
pub struct LoadSettings {
    pub env: Environment,
    /// `--set NAME=VALUE`: replaces a var of that name.
    pub set: Vec<(String, String)>,
    /// Unset environment variables are errors (`run`, `--require-env`) or warnings.
    pub require_env: bool,
    /// Rule codes of the catalogues a scenario may name, for waiver checks; empty
    /// means "not known here" and skips that check.
    pub known_rules: Vec<String>,
}

/// Validates one parsed file. `Err` holds every error found (and the warnings).
pub(crate) fn validate(
    raw: RawScenario,
    file: &str,
    source: &str,
    settings: &LoadSettings,
) -> Result<(Scenario, Vec<Problem>), Vec<Problem>> {
    let dir = Path::new(file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut checker = Checker {
        problems: Vec::new(),
        interpolator: Interpolator::new(&settings.env),
        settings,
        source,
        dir,
        secrets: Vec::new(),
    };
    // The raw mirror serializes back to the document as written (absent optional
    // keys become nulls, dropped again by `effective`), so no second parse is needed.
    let document = serde_json::to_value(&raw).unwrap_or(Value::Null);
    let scenario = checker.scenario(raw, file).map(|mut scenario| {
        if let Ok(text) = serde_json::value::to_raw_value(&checker.effective(document)) {
            scenario.effective = text;
        }
        scenario
    });
    // Messages quote interpolated values as written (`${token}`), not as
    // resolved; should one quote a secret all the same, it is masked here.
    let secrets = std::mem::take(&mut checker.secrets);
    let problems = checker
        .problems
        .into_iter()
        .map(|problem| mask_secrets(problem, &secrets));
    let (errors, warnings): (Vec<Problem>, Vec<Problem>) = problems.partition(Problem::is_error);
    match scenario {
        Some(scenario) if errors.is_empty() => Ok((scenario, warnings)),
        _ => Err(errors.into_iter().chain(warnings).collect()),
    }
}

/// Reads one file's sections, collecting every problem rather than stopping at
/// the first; vars, secrets and captures are defined in its interpolator as read.
struct Checker<'a> {
    problems: Vec<Problem>,
    interpolator: Interpolator<'a>,
    settings: &'a LoadSettings,
    source: &'a str,
    dir: PathBuf,
    /// The secrets' values, to mask in every message.
    secrets: Vec<String>,
}

/// The key path of `key` under `path` (`probes[0]` + `id` = `probes[0].id`).
fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl<'a> Checker<'a> {
    fn error(&mut self, at: Position, path: &str, message: Text) {
        self.problems.push(Problem::error(at, path, message));
    }

    fn error_with_help(&mut self, at: Position, path: &str, message: Text, help: Option<Text>) {
        self.problems
            .push(Problem::error(at, path, message).with_help(help));
    }

    /// The document with env, vars and secrets filled in; captures stay `${name}`.
    fn effective(&self, value: Value) -> Value {
        match value {
            Value::String(text) => Value::String(
                self.interpolator
                    .resolve(
                        &text,
                        CaptureUse::Allowed {
                            probe_index: usize::MAX,
                        },
                    )
                    .map(|template| template.source_text())
                    .unwrap_or(text),
            ),
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|item| self.effective(item)).collect())
            }
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(_, value)| !value.is_null())
                    .map(|(key, value)| (key, self.effective(value)))
                    .collect(),
            ),
            other => other,
        }
    }

    /// The scenario, its sections read in an order where each finds what it needs
    /// (vars before anything interpolated, probes before what names them).
    fn scenario(&mut self, raw: RawScenario, file: &str) -> Option<Scenario> {
        self.version(&raw.version);
        let var_names = self.vars(raw.vars.as_ref());
        let secret_values = self.secrets(raw.secrets.as_ref());
        self.secrets.clone_from(&secret_values);
        self.declare_captures(&raw.probes.value);

        let service = self.service(&raw.service);
        let label = raw
            .scenario
            .as_ref()
            .map(|label| self.text(label, "scenario"))
            .unwrap_or_else(|| "default".to_string());
        let (connection, defaults) = self.defaults(raw.defaults.as_ref());

        let probes = self.probes(&raw.probes, &defaults);
        let probe_index: HashMap<String, usize> = raw
            .probes
            .value
            .iter()
            .enumerate()
            .map(|(index, probe)| (probe.value.id.value.clone(), index))
            .collect();

        let probes_from = raw
            .probes_from
            .as_ref()
            .and_then(|raw| self.probes_from(raw, service.as_ref()));
        let methods = methods_of(&raw.probes.value);
        let availability = raw
            .availability
            .as_ref()
            .and_then(|raw| self.availability(raw, &methods, &probe_index));
        let load = raw
            .load
            .as_ref()
            .and_then(|raw| self.load(raw, &methods, &probe_index));
        let watch = raw
            .watch
            .as_ref()
            .map(|raw| self.watch(raw))
            .unwrap_or_default();
        let standards = raw
            .standards
            .as_ref()
            .and_then(|raw| self.standards(raw, service.as_ref()));
        let thresholds = self.thresholds(
            raw.thresholds.as_deref().unwrap_or_default(),
            &probe_index,
            raw.standards.is_some(),
        );
        if let Some(standards) = &standards {
            self.threshold_rules(raw.thresholds.as_deref().unwrap_or_default(), standards);
        }

        let service = service?;
        let request_defaults = defaults.request_defaults();
        Some(Scenario {
            file: file.to_string(),
            sha256: sha256_hex(self.source.as_bytes()),
            service,
            label,
            standards,
            // With the credentials `auth:` encoded, which are secrets too.
            secret_values: self.secrets.clone(),
            var_names,
            connection,
            request_defaults,
            probes,
            probes_from,
            availability,
            load,
            thresholds,
            watch,
            effective: serde_json::value::RawValue::NULL.to_owned(),
        })
    }

    fn version(&mut self, version: &Spanned<Node>) {
        match &version.value {
            Node::Int(1) => {}
            other => {
                let written = other
                    .scalar_text()
                    .map_or_else(|| other.kind(), |text| Text::new(text.clone(), text));
                self.error_with_help(
                    Position::of(version),
                    "version",
                    text!(
                        "versi format skenario {written} tidak didukung",
                        "unsupported scenario format version {written}",
                        written = written,
                    ),
                    Some(text!("tulis `version: 1`", "write `version: 1`")),
                );
            }
        }
    }
}

/// The problem with every secret value in its message and help shown as `***`.
fn mask_secrets(mut problem: Problem, secrets: &[String]) -> Problem {
    problem.message = masked(problem.message, secrets);
    problem.help = problem.help.map(|help| masked(help, secrets));
    problem
}

/// `text` in both languages with every secret value shown as `***`.
fn masked(text: Text, secrets: &[String]) -> Text {
    text.map(|mut text| {
        for secret in secrets.iter().filter(|secret| !secret.is_empty()) {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), "***");
            }
        }
        text
    })
}

/// SHA-256 of a file's bytes, lower-case hex (a scenario's `sha256`).
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}
