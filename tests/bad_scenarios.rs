//! The bad-scenario corpus: every `tests/bad/*.yaml` is a small scenario with one
//! deliberate mistake (or, for the `multi-semantic-*` cases, a few independent
//! ones), and its `tests/bad/*.expect` says which problems the loader must report.
//!
//! An `.expect` file holds one block of `key: value` lines per expected problem,
//! blocks separated by blank lines; `#` starts a comment line:
//!
//! ```text
//! # optional, any number: the environment the case is loaded with
//! env: DUKCAPIL_TOKEN=abc
//!
//! line: 7
//! column: 5
//! path: probes[0]
//! message: unknown key `tiemout`
//! help: did you mean `timeout`?
//! ```
//!
//! `line`, `column` and `path` must match exactly, `message` and `help` are
//! substrings of the problem's English message and help, `message_id` and
//! `help_id` of its Indonesian ones. A problem is found when one
//! reported problem matches every field given. Cases load with an empty
//! environment (plus their `env:` lines) and `require_env: true`.
//!
//! To add a case, write `tests/bad/NAME.yaml` and `tests/bad/NAME.expect`; a failing
//! run lists every broken case with what the loader actually said.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use input::lang::Lang;
use input::scenario::{Environment, LoadSettings, Loaded, Problem, Source, discover, load_all};
use input::text::Text;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("bad")
}

/// Every case name (file stem of a `.yaml` in tests/bad), sorted.
fn case_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("tests/bad is readable")
        .filter_map(|entry| {
            let path = entry.expect("tests/bad entry is readable").path();
            (path.extension().and_then(|e| e.to_str()) == Some("yaml"))
                .then(|| path.file_stem()?.to_str().map(str::to_string))
                .flatten()
        })
        .collect();
    names.sort();
    names
}

/// One expected problem: every field given must match.
#[derive(Debug, Default, Clone)]
struct Expected {
    line: Option<u64>,
    column: Option<u64>,
    path: Option<String>,
    message: Option<String>,
    help: Option<String>,
    message_id: Option<String>,
    help_id: Option<String>,
}

impl Expected {
    fn is_empty(&self) -> bool {
        self.line.is_none()
            && self.column.is_none()
            && self.path.is_none()
            && self.message.is_none()
            && self.help.is_none()
            && self.message_id.is_none()
            && self.help_id.is_none()
    }

    fn matches(&self, problem: &Problem) -> bool {
        self.line.is_none_or(|line| line == problem.line)
            && self.column.is_none_or(|column| column == problem.column)
            && self.path.as_ref().is_none_or(|path| *path == problem.path)
            && [(&self.message, Lang::En), (&self.message_id, Lang::Id)]
                .iter()
                .all(|(message, lang)| {
                    message
                        .as_ref()
                        .is_none_or(|message| problem.message(*lang).contains(message.as_str()))
                })
            && [(&self.help, Lang::En), (&self.help_id, Lang::Id)]
                .iter()
                .all(|(help, lang)| {
                    help.as_ref().is_none_or(|help| {
                        problem
                            .help(*lang)
                            .is_some_and(|actual| actual.contains(help.as_str()))
                    })
                })
    }

    fn describe(&self) -> String {
        let mut out = String::new();
        if let Some(line) = self.line {
            let _ = writeln!(out, "      line: {line}");
        }
        if let Some(column) = self.column {
            let _ = writeln!(out, "      column: {column}");
        }
        if let Some(path) = &self.path {
            let _ = writeln!(out, "      path: {path}");
        }
        if let Some(message) = &self.message {
            let _ = writeln!(out, "      message: {message}");
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "      help: {help}");
        }
        if let Some(message) = &self.message_id {
            let _ = writeln!(out, "      message_id: {message}");
        }
        if let Some(help) = &self.help_id {
            let _ = writeln!(out, "      help_id: {help}");
        }
        out
    }
}

/// A parsed `.expect` file.
#[derive(Debug, Default)]
struct Expectation {
    env: Vec<(String, String)>,
    problems: Vec<Expected>,
}

fn parse_expect(text: &str) -> Result<Expectation, String> {
    let mut expectation = Expectation::default();
    let mut current = Expected::default();
    let finish = |current: &mut Expected, problems: &mut Vec<Expected>| {
        if !current.is_empty() {
            problems.push(std::mem::take(current));
        }
    };
    for (index, raw_line) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw_line.trim_end();
        if line.trim().is_empty() {
            finish(&mut current, &mut expectation.problems);
            continue;
        }
        if line.trim_start().starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(format!(
                "line {number}: expected `key: value`, found `{line}`"
            ));
        };
        let value = value.strip_prefix(' ').unwrap_or(value).to_string();
        let number_of = |value: &str| {
            value
                .trim()
                .parse::<u64>()
                .map_err(|_| format!("line {number}: `{value}` is not a number"))
        };
        match key.trim() {
            "env" => {
                let Some((name, env_value)) = value.split_once('=') else {
                    return Err(format!("line {number}: write `env: NAME=value`"));
                };
                expectation
                    .env
                    .push((name.trim().to_string(), env_value.to_string()));
            }
            "line" => current.line = Some(number_of(&value)?),
            "column" => current.column = Some(number_of(&value)?),
            "path" => current.path = Some(value),
            "message" => current.message = Some(value),
            "help" => current.help = Some(value),
            "message_id" => current.message_id = Some(value),
            "help_id" => current.help_id = Some(value),
            other => {
                return Err(format!(
                    "line {number}: unknown key `{other}` (use env, line, column, path, message, help, message_id, help_id)"
                ));
            }
        }
    }
    finish(&mut current, &mut expectation.problems);
    if expectation.problems.is_empty() {
        return Err("lists no expected problem".to_string());
    }
    Ok(expectation)
}

fn settings_with(env: &[(String, String)]) -> LoadSettings {
    let env = env.iter().fold(Environment::empty(), |env, (name, value)| {
        env.with(name.clone(), value.clone())
    });
    LoadSettings {
        env,
        set: vec![],
        require_env: true,
        known_rules: vec![],
    }
}

fn list_problems(problems: &[Problem]) -> String {
    let mut out = String::new();
    for problem in problems {
        let _ = writeln!(
            out,
            "      {}:{} path=`{}` message=`{}` help={:?}\n        id: message=`{}` help={:?}",
            problem.line,
            problem.column,
            problem.path,
            problem.message(Lang::En),
            problem.help(Lang::En),
            problem.message(Lang::Id),
            problem.help(Lang::Id)
        );
    }
    out
}

/// Checks one case; `Err` describes everything wrong with it.
fn check_case(name: &str) -> Result<(), String> {
    let dir = corpus_dir();
    let expect_text = std::fs::read_to_string(dir.join(format!("{name}.expect")))
        .map_err(|error| format!("cannot read tests/bad/{name}.expect: {error}"))?;
    let expectation =
        parse_expect(&expect_text).map_err(|error| format!("tests/bad/{name}.expect: {error}"))?;
    let bytes = std::fs::read(dir.join(format!("{name}.yaml")))
        .map_err(|error| format!("cannot read tests/bad/{name}.yaml: {error}"))?;
    let source = Source {
        name: format!("tests/bad/{name}.yaml"),
        bytes,
        named: true,
    };
    let mut notes = Vec::new();
    let loaded = load_all(&[source], &settings_with(&expectation.env), &mut notes);
    let failure = match loaded.as_slice() {
        [Loaded::Failed(failure)] => failure,
        [Loaded::Ready { warnings, .. }] => {
            return Err(format!(
                "loaded without error, but should have failed\n    warnings:\n{}",
                list_problems(warnings)
            ));
        }
        other => {
            return Err(format!(
                "expected one load result, got {} (notes: {notes:?})",
                other.len()
            ));
        }
    };
    let missing: Vec<&Expected> = expectation
        .problems
        .iter()
        .filter(|expected| {
            !failure
                .problems
                .iter()
                .any(|problem| expected.matches(problem))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut out = String::new();
    for expected in missing {
        let _ = write!(out, "    expected, not reported:\n{}", expected.describe());
    }
    let _ = write!(
        out,
        "    reported:\n{}    rendered:\n{}",
        list_problems(&failure.problems),
        failure
            .render(Lang::En)
            .lines()
            .map(|line| format!("      {line}\n"))
            .collect::<String>()
    );
    Err(out)
}

#[test]
fn every_bad_scenario_reports_its_expected_problems() {
    let mut failures = Vec::new();
    let names = case_names();
    for name in &names {
        if let Err(why) = check_case(name) {
            failures.push(format!("tests/bad/{name}.yaml:\n{why}"));
        }
    }
    // An `.expect` without its `.yaml` is a case that silently never runs.
    for entry in std::fs::read_dir(corpus_dir()).expect("tests/bad is readable") {
        let path = entry.expect("tests/bad entry is readable").path();
        if path.extension().and_then(|e| e.to_str()) == Some("expect") {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            if !names.iter().any(|name| name == stem) {
                failures.push(format!(
                    "tests/bad/{stem}.expect has no tests/bad/{stem}.yaml"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} broken in the corpus of {} bad-scenario cases (tests/bad):\n\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

#[test]
fn the_corpus_has_at_least_thirty_cases() {
    let names = case_names();
    assert!(
        names.len() >= 30,
        "only {} cases in tests/bad: {names:?}",
        names.len()
    );
}

const GOOD: &str = r#"version: 1
service:
  id: contohkab-dukcapil
  name: Layanan Administrasi Kependudukan
  region: { code: "32.11", name: Kabupaten Contoh, type: kabupaten }
  base_url: ${env:BASE_URL:-https://layanan.contohkab.go.id}
vars:
  nik: "3211010101900001"
defaults:
  timeout: 10s
  max_body: 10MiB
  headers: { Accept: application/json }
probes:
  - id: health
    request:
      path: /health
    timeout: 5s
    expect:
      status: 200
      latency: 800ms
      headers:
        content-type: { contains: application/json }
      json:
        $.status: UP
        $.data.items: { len: { ge: 1 } }
    capture:
      ticket: $.data.ticket
  - id: status
    request:
      path: /permohonan/${ticket}
      query: { nik: "${nik}" }
    expect:
      status: [200, 204]
      body: { not_matches: "(?i)exception" }
availability:
  probes: [health]
  every: 2s
  samples: 30
load:
  probes: { health: 3, status: 1 }
  model: open
  rate: 50/s
  duration: 30s
thresholds:
  - metric: latency.p95
    max: 800ms
  - metric: error_rate
    max: 1%
  - metric: availability
    min: 99.5%
"#;

fn load_paths(paths: &[PathBuf]) -> (Vec<Loaded>, Vec<Text>) {
    let discovery = discover(paths);
    assert!(
        discovery.unreadable.is_empty(),
        "unreadable: {:?}",
        discovery.unreadable
    );
    let mut notes = discovery.notes;
    let loaded = load_all(&discovery.sources, &settings_with(&[]), &mut notes);
    (loaded, notes)
}

fn describe(loaded: &Loaded) -> String {
    match loaded {
        Loaded::Ready { scenario, .. } => format!("Ready({})", scenario.file),
        Loaded::Failed(failure) => {
            format!("Failed({}):\n{}", failure.file, failure.render(Lang::En))
        }
    }
}

#[test]
fn a_good_scenario_loads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("dukcapil.yaml");
    std::fs::write(&file, GOOD).expect("write scenario");
    let (loaded, _) = load_paths(&[file]);
    assert!(
        matches!(loaded.as_slice(), [Loaded::Ready { .. }]),
        "{:?}",
        loaded.iter().map(describe).collect::<Vec<_>>()
    );
}

#[test]
fn a_folder_loads_good_and_bad_in_sorted_order_and_skips_non_scenarios() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Written out of order, so only sorting puts them right.
    let bad = GOOD
        .replace("id: contohkab-dukcapil", "id: contohkab-pengaduan")
        .replace("timeout: 5s", "tiemout: 5s");
    std::fs::write(dir.path().join("b-pengaduan.yaml"), bad).expect("write bad");
    std::fs::write(
        dir.path().join("ab-notes.yml"),
        "# not a scenario: a CI file kept beside the scenarios\nstages: [test]\njobs:\n  ujilab: { script: ujilab run }\n",
    )
    .expect("write non-scenario");
    std::fs::write(dir.path().join("a-dukcapil.yaml"), GOOD).expect("write good");
    std::fs::write(dir.path().join("README.md"), "# not YAML\n").expect("write readme");

    let (loaded, notes) = load_paths(&[dir.path().to_path_buf()]);

    let described: Vec<String> = loaded.iter().map(describe).collect();
    assert_eq!(loaded.len(), 2, "{described:?}");
    match &loaded[0] {
        Loaded::Ready { scenario, .. } => {
            assert!(scenario.file.ends_with("a-dukcapil.yaml"), "{described:?}");
        }
        Loaded::Failed(_) => panic!("the good file failed: {described:?}"),
    }
    match &loaded[1] {
        Loaded::Failed(failure) => {
            assert!(failure.file.ends_with("b-pengaduan.yaml"), "{described:?}");
            assert!(
                failure
                    .problems
                    .iter()
                    .any(|problem| problem.message(Lang::En).contains("unknown key `tiemout`")),
                "{described:?}"
            );
        }
        Loaded::Ready { .. } => panic!("the bad file loaded: {described:?}"),
    }
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].en.contains("ab-notes.yml") && notes[0].en.contains("skipped"),
        "{notes:?}"
    );
}

/// A one-shot HTTP server on 127.0.0.1 (port 0): answers the first request with
/// `200 {}` and hands over that request's body.
fn capture_one_request_body() -> (u16, std::sync::mpsc::Receiver<Vec<u8>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
        let mut reader = BufReader::new(&stream);
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        let _ = (&stream).write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
        );
        let _ = sender.send(body);
    });
    (port, receiver)
}

/// YAML 1.2 through the real binary: `n` and `no` are keys named "n" and "no",
/// not two booleans false of which one would be dropped.
#[test]
fn a_json_body_keeps_keys_that_yaml_1_1_read_as_booleans() {
    let (port, body) = capture_one_request_body();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("yaml12.yaml");
    std::fs::write(
        &file,
        format!(
            "version: 1\nservice: {{ id: kab-yaml12, base_url: \"http://127.0.0.1:{port}\" }}\nprobes:\n  - id: kirim\n    request:\n      method: POST\n      path: /kirim\n      json: {{ n: 3, no: 6 }}\n    expect:\n      status: 200\n"
        ),
    )
    .expect("write scenario");
    let out = tempfile::tempdir().expect("temp dir");
    let output = crate::support::run_command(
        crate::support::ujilab_command()
            .args(["run", "--no-progress", "--quiet"])
            .arg(&file)
            .arg("--out")
            .arg(out.path()),
    );
    crate::support::assert_exit_code(&output, 0);
    let body = body
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the probe reached the server");
    let sent: serde_json::Value = serde_json::from_slice(&body).expect("a JSON body");
    assert_eq!(sent, serde_json::json!({ "n": 3, "no": 6 }));
}

/// A scenario whose top-level key is misspelled, found in a folder, is a
/// scenario with an error (position and "did you mean"), not a skipped file;
/// files plainly not scenarios (a CI file, a catalogue) are still skipped.
#[test]
fn a_folder_reports_a_misspelled_scenario_and_skips_other_yaml() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a-dukcapil.yaml"), GOOD).expect("write good");
    let probs = GOOD
        .replace("id: contohkab-dukcapil", "id: contohkab-perizinan")
        .replace("probes:\n  - id: health", "probs:\n  - id: health");
    std::fs::write(dir.path().join("b-perizinan.yaml"), probs).expect("write probs");
    let verison = GOOD
        .replace("id: contohkab-dukcapil", "id: contohkab-pengaduan")
        .replace("version: 1", "verison: 1");
    std::fs::write(dir.path().join("c-pengaduan.yaml"), verison).expect("write verison");
    std::fs::write(
        dir.path().join("ci.yml"),
        "stages: [test]\njobs:\n  ujilab: { script: ujilab run }\n",
    )
    .expect("write CI file");
    std::fs::write(
        dir.path().join("katalog.yaml"),
        "catalogue: mine\nversion: \"1\"\ntitle: { id: Katalog, en: Catalogue }\n",
    )
    .expect("write catalogue");

    let (loaded, notes) = load_paths(&[dir.path().to_path_buf()]);

    let described: Vec<String> = loaded.iter().map(describe).collect();
    assert_eq!(loaded.len(), 3, "{described:?}");
    assert!(matches!(loaded[0], Loaded::Ready { .. }), "{described:?}");
    for (item, line, key, suggestion) in [
        (&loaded[1], 13, "probs", "probes"),
        (&loaded[2], 1, "verison", "version"),
    ] {
        let Loaded::Failed(failure) = item else {
            panic!("{described:?}")
        };
        let problem = &failure.problems[0];
        assert_eq!((problem.line, problem.column), (line, 1), "{described:?}");
        assert!(
            problem
                .message(Lang::En)
                .contains(&format!("unknown key `{key}`")),
            "{described:?}"
        );
        assert_eq!(
            problem.help(Lang::En),
            Some(format!("did you mean `{suggestion}`?").as_str())
        );
        assert_eq!(
            problem.help(Lang::Id),
            Some(format!("maksud Anda `{suggestion}`?").as_str())
        );
    }
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].en.contains("ci.yml") && notes[1].en.contains("katalog.yaml"),
        "{notes:?}"
    );
}
