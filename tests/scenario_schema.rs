//! `ujilab schema scenario` is as strict as the binary wherever JSON Schema can
//! say it: every file of `tests/bad/` is rejected by `ujilab validate` (exit 2,
//! each problem with file, line and column) and by the schema, except the few
//! listed below, each with the reason JSON Schema cannot say it. Good scenarios
//! (the demo, and variants that use each form the format allows) pass both, so
//! the schema is not stricter than the binary either.
//!
//! The lists are checked in both directions: a listed case that the schema
//! starts to reject, or whose YAML starts to convert, fails the test until it is
//! taken off its list.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::support::{run_command, ujilab_command};

/// Cases the schema accepts on purpose: what they get wrong is beyond JSON Schema.
const SCHEMA_CANNOT_SAY: &[(&str, &str)] = &[
    (
        "availability-unsafe-method",
        "refers to another probe by id and reads its method",
    ),
    (
        "load-unsafe-method",
        "refers to another probe by id and reads its method",
    ),
    (
        "unknown-probe-in-availability",
        "a probe id must name a probe of the same file",
    ),
    (
        "duplicate-probe-id",
        "uniqueness of one field across list items (uniqueItems compares whole items)",
    ),
    (
        "bad-jsonpath",
        "a full RFC 9535 JSONPath grammar; the schema checks only the leading `$`",
    ),
    (
        "unknown-var",
        "a `${name}` inside a string must name a var, secret or capture of the file",
    ),
    (
        "capture-before-captured",
        "a capture must be taken by an earlier probe: order across list items",
    ),
    (
        "capture-forbidden-place",
        "whether `${wait}` is a capture or a var depends on the rest of the file",
    ),
    (
        "capture-in-base-url",
        "whether `${tenant}` is a capture or a var depends on the rest of the file",
    ),
    ("missing-env", "the environment a scenario is loaded in"),
    ("secret-too-short", "the value of an environment variable"),
    (
        "secret-in-values",
        "interpolated values are known only once resolved, from the environment",
    ),
    (
        "interpolation-bomb",
        "the size of a value after interpolation",
    ),
    (
        "non-canonical-number",
        "the text a number was written with (`1.10`); JSON keeps only the value",
    ),
    (
        "key-collision-boolean",
        "`True` and `true` are two YAML keys that read alike; in JSON they are one key, the collision is gone",
    ),
    (
        "key-collision-number",
        "`\"1\"` and `1.0` are two YAML keys that read alike; in JSON they are one key, the collision is gone",
    ),
    (
        "timeout-too-long",
        "an upper bound on a duration written in any unit (3600s = 60m = 1h); the range is in the description",
    ),
];

/// Cases with no JSON document to validate: the YAML itself is invalid, or
/// would need two equal keys in one JSON object.
const NOT_A_DOCUMENT: &[(&str, &str)] = &[
    ("non-utf8", "not UTF-8 text"),
    ("yaml-syntax-error", "YAML syntax error"),
    ("unclosed-flow-sequence", "YAML syntax error"),
    ("interpolation-in-flow-map", "YAML syntax error"),
    ("two-documents", "two YAML documents"),
    ("alias-bomb", "exceeds the YAML budget"),
    ("duplicate-yaml-key", "duplicate key"),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bad_cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/bad"))
        .expect("tests/bad is readable")
        .filter_map(|entry| {
            let path = entry.expect("entry").path();
            (path.extension().and_then(|e| e.to_str()) == Some("yaml"))
                .then(|| path.file_stem()?.to_str().map(str::to_string))
                .flatten()
        })
        .collect();
    names.sort();
    names
}

/// The `env:` lines of a case's `.expect` file.
fn case_env(name: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join(format!("tests/bad/{name}.expect")))
        .expect("the case has an .expect file");
    text.lines()
        .filter_map(|line| line.strip_prefix("env:"))
        .filter_map(|env| {
            let (name, value) = env.trim_start().split_once('=')?;
            Some((name.trim().to_string(), value.to_string()))
        })
        .collect()
}

/// The scenario schema as the binary prints it, with format assertions on.
fn schema_validator() -> jsonschema::Validator {
    let output = run_command(ujilab_command().args(["schema", "scenario"]));
    assert_eq!(output.status.code(), Some(0));
    let schema: Value = serde_json::from_slice(&output.stdout).expect("the schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("a valid JSON Schema")
}

/// The YAML file as JSON, read as ujilab reads it (YAML 1.2 booleans).
fn as_json(path: &Path) -> Result<Value, String> {
    let bytes = std::fs::read(path).map_err(|error| error.to_string())?;
    let text = String::from_utf8(bytes).map_err(|error| error.to_string())?;
    serde_saphyr::from_str_with_options::<Value>(
        &text,
        serde_saphyr::options! { strict_booleans: true },
    )
    .map_err(|error| error.to_string())
}

/// `ujilab validate FILE` in an environment of `env` only; with `env` given, as
/// the corpus is checked (`--require-env`: an unset variable is an error).
fn validate(file: &Path, env: Option<&[(String, String)]>) -> Output {
    let mut command = ujilab_command();
    command
        .env_clear()
        .env("NO_COLOR", "1")
        .current_dir(root())
        .arg("validate");
    if env.is_some() {
        command.arg("--require-env");
    }
    command.arg(file);
    let env = env.unwrap_or_default();
    for (name, value) in env {
        command.env(name, value);
    }
    run_command(&mut command)
}

fn schema_errors(validator: &jsonschema::Validator, document: &Value) -> Vec<String> {
    validator
        .iter_errors(document)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

#[test]
fn every_bad_scenario_fails_the_binary_and_the_schema_unless_listed() {
    let validator = schema_validator();
    let names = bad_cases();
    let mut failures = Vec::new();
    for (listed, _) in SCHEMA_CANNOT_SAY.iter().chain(NOT_A_DOCUMENT) {
        if !names.iter().any(|name| name == listed) {
            failures.push(format!(
                "{listed}: listed, but tests/bad/{listed}.yaml does not exist"
            ));
        }
    }
    for name in &names {
        let relative = format!("tests/bad/{name}.yaml");
        let output = validate(Path::new(&relative), Some(&case_env(name)));
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.code() != Some(2) {
            failures.push(format!(
                "{name}: `ujilab validate` exited {:?}, not 2\n{stderr}",
                output.status.code()
            ));
        }
        if !stderr.contains(&format!("--> {relative}")) {
            failures.push(format!("{name}: no problem names the file\n{stderr}"));
        }
        let cannot_say = SCHEMA_CANNOT_SAY.iter().any(|(listed, _)| listed == name);
        let not_a_document = NOT_A_DOCUMENT.iter().any(|(listed, _)| listed == name);
        match as_json(&root().join(&relative)) {
            Err(error) if !not_a_document => failures.push(format!(
                "{name}: not convertible to JSON ({error}); list it in NOT_A_DOCUMENT with the reason"
            )),
            Err(_) => {}
            Ok(_) if not_a_document => failures.push(format!(
                "{name}: listed in NOT_A_DOCUMENT but converts to JSON; take it off the list"
            )),
            Ok(document) => {
                let errors = schema_errors(&validator, &document);
                match (errors.is_empty(), cannot_say) {
                    (true, false) => failures.push(format!(
                        "{name}: the schema accepts it; make the schema say what is wrong, or list it in SCHEMA_CANNOT_SAY with the reason"
                    )),
                    (false, true) => failures.push(format!(
                        "{name}: listed in SCHEMA_CANNOT_SAY but the schema rejects it ({errors:?}); take it off the list"
                    )),
                    _ => {}
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} bad scenarios:\n\n{}",
        failures.len(),
        names.len(),
        failures.join("\n\n")
    );
}

/// Scenarios that use the forms the format allows (beyond the demo): the binary
/// and the schema must both accept them.
const GOOD_VARIANTS: &[&str] = &[
    r#"version: 1
service:
  id: kab-a
  region: { code: "32.11", name: Kabupaten Contoh, type: kabupaten }
  base_url: ${env:BASE_URL:-https://layanan.contohkab.go.id}
vars:
  nik: "3211010101900001"
  port: 443
  wait: ${env:WAIT:-5s}
defaults:
  timeout: ${wait}
  max_body: 10MiB
  max_redirects: 0
  headers: { Accept: application/json, X-Empty: null, X-Number: 5 }
  resolve: { layanan.contohkab.go.id: 127.0.0.1, v6.contohkab.go.id: "::1" }
probes:
  - id: health
    request: { path: /health, query: { nik: "${nik}" } }
    timeout: 1.5s
    expect:
      status: [200, "2xx", 304]
      latency: 800ms
      headers: { content-type: { matches: "^application/(problem\\+)?json" } }
      json:
        $.status: UP
        $.data.items: { len: { ge: 1 }, count: 1 }
    capture:
      ticket: $.data.ticket
      etag: { header: etag, secret: true }
      code: { body_regex: "Nomor: (\\d+)" }
  - id: status
    request:
      method: post
      url: https://layanan.contohkab.go.id/permohonan/${ticket}
      json: { ticket: "${ticket}", n: 3, no: 6 }
    expect:
      status: { ge: 200, lt: 300 }
availability:
  every: 2s
  for: 1m
load:
  probes: { health: 3 }
  rate: 120/m
  concurrency: 10000
  requests: 10000000
  warmup: 0s
thresholds:
  - metric: latency.p99.9
    max: 2s
  - metric: latency.p100
    probe: health
    max: 1h
  - metric: error_rate
    max: 100%
  - metric: availability
    min: 99.5%
  - metric: throughput
    min: 10/s
"#,
    r#"version: 1
service: { id: kab-b, base_url: "http://127.0.0.1:9" }
standards:
  profile: idsll-core
  gate: none
  pages: { home: /, complaints: /pengaduan }
  waive:
    - { rule: SC-05, reason: CSP rollout in 2027, until: 2027-03-31 }
probes:
  - id: health
    request: { path: /health }
availability:
  every: 1h
  samples: 100000
load:
  model: closed
  concurrency: 8
  duration: 24h
thresholds:
  - metric: score
    min: 3.5
  - metric: rule
    rule: SC-04
    min: 4
  - metric: throughput
    min: 100000
"#,
];

#[test]
fn good_scenarios_pass_the_binary_and_the_schema() {
    let validator = schema_validator();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files: Vec<PathBuf> = Vec::new();
    for (index, text) in GOOD_VARIANTS.iter().enumerate() {
        let file = dir.path().join(format!("variant-{index}.yaml"));
        std::fs::write(&file, text).expect("write variant");
        files.push(file);
    }
    for entry in std::fs::read_dir(root().join("scenarios/demo")).expect("scenarios/demo") {
        files.push(entry.expect("entry").path());
    }
    let mut failures = Vec::new();
    for file in &files {
        let output = validate(file, None);
        if output.status.code() != Some(0) {
            failures.push(format!(
                "{}: `ujilab validate` exited {:?}\n{}",
                file.display(),
                output.status.code(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let document = as_json(file).expect("valid YAML");
        let errors = schema_errors(&validator, &document);
        if !errors.is_empty() {
            failures.push(format!(
                "{}: the schema rejects it: {errors:?}",
                file.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
