//! Every problem the input stage reports is worded in Indonesian and English: the
//! whole bad-scenario corpus (tests/bad) and a set of broken catalogues are loaded,
//! and every message and help must be non-empty in both languages, and the
//! Indonesian must hold none of the English words the messages are made of.
//!
//! What is not ujilab's own wording is left out of the check: code, keys and
//! values in backticks (a library's message kept as it wrote it is shown so:
//! "pesan pustaka YAML: `...`"), and a user's value in double quotes.

use std::path::{Path, PathBuf};

use input::lang::Lang;
use input::scenario::{Environment, LoadSettings, Loaded, Problem, Source, discover, load_all};

/// English words of the messages, none of which Indonesian text uses. Taken from
/// the English messages themselves; `map` is not here, since Indonesian says
/// "map" for a YAML map too.
const ENGLISH: &[&str] = &[
    "a",
    "an",
    "the",
    "is",
    "are",
    "be",
    "not",
    "no",
    "and",
    "or",
    "of",
    "to",
    "in",
    "at",
    "on",
    "for",
    "from",
    "with",
    "by",
    "than",
    "this",
    "that",
    "it",
    "its",
    "must",
    "should",
    "cannot",
    "can",
    "does",
    "has",
    "have",
    "needs",
    "need",
    "takes",
    "give",
    "write",
    "use",
    "expected",
    "unknown",
    "found",
    "missing",
    "duplicate",
    "empty",
    "already",
    "before",
    "after",
    "only",
    "one",
    "both",
    "either",
    "least",
    "most",
    "more",
    "less",
    "whole",
    "number",
    "string",
    "list",
    "value",
    "values",
    "key",
    "keys",
    "file",
    "folder",
    "probe",
    "probes",
    "rule",
    "level",
    "levels",
    "did",
    "you",
    "mean",
    "invalid",
    "error",
    "would",
    "which",
    "when",
    "skipped",
    "nothing",
    "longer",
    "shorter",
    "larger",
];

/// The words of `text` that are ujilab's own: without backticked code and
/// double-quoted values.
fn own_words(text: &str) -> Vec<String> {
    let mut own = String::new();
    let mut inside: Option<char> = None;
    for c in text.chars() {
        match inside {
            Some(close) if c == close => inside = None,
            Some(_) => {}
            None if c == '`' || c == '"' => inside = Some(c),
            None => own.push(c),
        }
    }
    own.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// What is wrong with one problem's wording, if anything.
fn wording_faults(problem: &Problem) -> Vec<String> {
    let (message, help) = problem.texts();
    let mut faults = Vec::new();
    for (what, text) in std::iter::once(("message", message)).chain(help.map(|h| ("help", h))) {
        for (lang, words) in [("id", &text.id), ("en", &text.en)] {
            if words.trim().is_empty() {
                faults.push(format!("{what} has no {lang} text: {text:?}"));
            }
        }
        let english: Vec<String> = own_words(&text.id)
            .into_iter()
            .filter(|word| ENGLISH.contains(&word.as_str()))
            .collect();
        if !english.is_empty() {
            faults.push(format!(
                "{what} in id holds English {english:?}: {:?} (en: {:?})",
                text.id, text.en
            ));
        }
        if text.id == text.en && !own_words(&text.en).is_empty() {
            faults.push(format!("{what} is the same in id and en: {:?}", text.en));
        }
    }
    faults
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `env: NAME=value` lines of a case's `.expect`.
fn case_env(expect: &str) -> Environment {
    expect
        .lines()
        .filter_map(|line| line.strip_prefix("env:"))
        .filter_map(|pair| pair.trim().split_once('='))
        .fold(Environment::empty(), |env, (name, value)| {
            env.with(name, value)
        })
}

/// Every problem the corpus makes the loader report, with its file.
fn corpus_problems() -> Vec<(String, Problem)> {
    let dir = repository().join("tests/bad");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/bad is readable")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "only {} cases in tests/bad", cases.len());
    let mut found = Vec::new();
    for case in cases {
        let expect = std::fs::read_to_string(case.with_extension("expect")).unwrap_or_default();
        let source = Source {
            name: case.display().to_string(),
            bytes: std::fs::read(&case).expect("a case is readable"),
            named: true,
        };
        let settings = LoadSettings {
            env: case_env(&expect),
            require_env: true,
            ..LoadSettings::default()
        };
        for loaded in load_all(&[source], &settings, &mut Vec::new()) {
            let problems = match loaded {
                Loaded::Failed(failure) => failure.problems,
                Loaded::Ready { warnings, .. } => warnings,
            };
            found.extend(
                problems
                    .into_iter()
                    .map(|p| (case.display().to_string(), p)),
            );
        }
    }
    found.extend(attestation_problems());
    found.extend(more_scenario_problems());
    found
}

/// Scenarios with many mistakes each, for the messages the corpus does not reach.
fn more_scenario_problems() -> Vec<(String, Problem)> {
    let service = "service:\n  id: kab-x\n  base_url: https://x.contohkab.go.id\n";
    let probe = "probes:\n  - id: p\n    request: { path: / }\n";
    let scenarios = [
        format!(
            "version: 2\nservice:\n  id: kab-x\n  base_url: ftp://x.contohkab.go.id\n  region: {{ type: negeri, code: \"32\" }}\n\
             vars: [1]\nsecrets: [1]\n{probe}"
        ),
        format!(
            "version: 1\n{service}vars:\n  1x: a\n  y: [1]\n  z: \"${{env:}}\"\n  w: \"${{unclosed\"\n  v: \"${{env:NOT_SET_ANYWHERE}}\"\n\
             secrets:\n  y: TOKEN\n  t: [1]\n  u: NOT_SET_EITHER\n\
             defaults:\n  http: 3\n  proxy: [1]\n  resolve: {{ a.go.id: nope }}\n  tls: {{ ca_file: missing.pem }}\n  \
             headers: {{ \"bad name\": x, Accept: [1], accept: y }}\n  timeout: 99h\n  max_body: 10 parsecs\n{probe}"
        ),
        format!(
            "version: 1\n{service}probes:\n  - id: p\n    kind: batch\n    timeout: 0s\n    request:\n      method: \"G ET\"\n      path: /\n      url: /x\n      \
             json: {{ a: 1 }}\n      form: {{ b: [1] }}\n      query: [1]\n      headers: [1]\n    \
             expect:\n      status: [\"9xx\", true]\n      headers: [1]\n      json: [1]\n      \
             body: {{ lt: a, in: 5, matches: 5, exists: 2, type: blob, bogus: 1, eq: {{}} }}\n      \
             schema: missing.json\n      latency: \"${{nope}}\"\n    \
             capture: {{ bad-name: $.x, t: {{ foo: 1 }}, u: 5, v: {{ secret: maybe, json: $.a, body_regex: \"(\" }} }}\n  \
             - id: q\n    request: {{ url: \"ftp://x\", body: a, json: 1 }}\n    expect: {{ json: {{ \"$.a\": {{ len: {{ gt: x }} }} }} }}\n    \
             capture: {{ t: $.b }}\n  - id: \"\"\n    request: {{ path: / }}\n"
        ),
        format!(
            "version: 1\n{service}standards:\n  profile: idsll-core\n  gate: always\n  script_readable_cookies: [\"a b\"]\n  \
             pages: {{ home: beranda, other: [/1, /2, /3, /4, /5, /6, /7, /8, /9, /10, /11, /12, /13, /14, /15, /16, /17, /18, /19, /20, /21] }}\n  \
             waive: [{{ rule: SC-99, reason: \" \", until: tomorrow }}]\n  http_url: nope\n\
             {probe}  - id: post\n    request: {{ method: POST, path: /p }}\n\
             thresholds:\n  - {{ metric: score, max: 9 }}\n  - {{ metric: rule, min: 3 }}\n  - {{ metric: rule, rule: XX-01, min: 9 }}\n  \
             - {{ metric: latency.p95, max: 1s, probe: nope, source: disk }}\n  - {{ metric: foo, max: 1 }}\n  - {{ metric: error_rate }}\n  \
             - {{ metric: latency.p99, max: 1s, rule: SC-01 }}\n  - {{ metric: score, min: 3, probe: p }}\n\
             availability: {{ probes: [p, post, gone], every: 0s, samples: 5, for: 1m }}\n\
             load: {{ model: closed, rate: 5/s, duration: 1s, requests: 3, warmup: 99h, probes: {{ p: 0, post: 1 }} }}\n"
        ),
        format!(
            "version: 1\n{service}{probe}availability: {{ probes: [], every: 1h }}\nload: {{ probes: x, concurrency: 0, rate: 900000/s }}\n"
        ),
        format!(
            "version: 1\n{service}{probe}availability: {{ every: 1s, samples: 2000000 }}\nload: {{ model: sideways, probes: [], requests: 99999999999 }}\n\
             thresholds:\n  - {{ metric: score, min: 3 }}\n"
        ),
        format!(
            "version: 1\n{service}probes:\n  - id: p\n    request: {{ method: POST, path: x }}\navailability: {{ every: 1s, for: 1s }}\n\
             load: {{ model: open, concurrency: 999999, duration: 1s }}\n"
        ),
    ];
    let mut found = Vec::new();
    for (index, text) in scenarios.iter().enumerate() {
        let source = Source {
            name: format!("more-{index}.yaml"),
            bytes: text.clone().into_bytes(),
            named: true,
        };
        let settings = LoadSettings {
            require_env: true,
            ..LoadSettings::default()
        };
        for loaded in load_all(&[source], &settings, &mut Vec::new()) {
            let Loaded::Failed(failure) = loaded else {
                panic!("more-{index} should not load:\n{text}")
            };
            assert!(
                failure.problems.len() >= 2,
                "more-{index}: {:?}",
                failure.problems
            );
            found.extend(
                failure
                    .problems
                    .into_iter()
                    .map(|p| (format!("more-{index}"), p)),
            );
        }
    }
    found
}

/// Officers' statements gone wrong in every way the loader knows.
fn attestation_problems() -> Vec<(String, Problem)> {
    let statements = [
        "    AT-4: { by: A, role: B, date: 2026-11-02, sk_number: X }",
        "    SC-01: { by: A, role: B, date: 2026-11-02, sk_number: X }",
        "    AT-05: { by: A, rol: B, date: 2 November 2026, document_url: ftp://x }",
        "    AT-06: { by: A, role: B, date: 2026-11-02, signed: yes }",
        "    AT-07: [A, B]",
        "    AT-08: { by: [], role: B, date: 2026-11-02, sk_number: X }",
    ]
    .join("\n");
    let text = format!(
        "version: 1\nservice: {{ id: t, base_url: \"https://svc.contohkab.go.id\" }}\n\
         standards:\n  profile: idsll-core\n  attestations:\n{statements}\n\
         probes:\n  - id: p\n    request: {{ path: / }}\n"
    );
    let source = Source {
        name: "attestations.yaml".into(),
        bytes: text.into_bytes(),
        named: true,
    };
    let mut found = Vec::new();
    for loaded in load_all(&[source], &LoadSettings::default(), &mut Vec::new()) {
        let Loaded::Failed(failure) = loaded else {
            panic!("the statements should not load")
        };
        assert!(failure.problems.len() >= 6, "{:?}", failure.problems);
        found.extend(
            failure
                .problems
                .into_iter()
                .map(|p| ("attestations".to_string(), p)),
        );
    }
    found
}

/// Broken copies of the built-in catalogue: each edit breaks one thing.
fn catalogue_problems() -> Vec<(String, Problem)> {
    let good = std::fs::read_to_string(repository().join("standards/idsll-core.yaml"))
        .expect("the built-in catalogue is readable");
    assert!(input::catalogue::parse(&good, "good.yaml").is_ok());
    let edits: &[(&str, &str)] = &[
        ("catalogue: idsll-core", "catalogue: idsll core"),
        ("version: \"2026.1\"", "version: \"\""),
        ("min_index: 2.6", "min_index: 7"),
        ("critical_min_level: 3", "critical_min_level: 9"),
        ("min_coverage: 90%", "min_coverage: 0.9"),
        (
            "{ min: 0.0, id: Kurang,      en: Poor }",
            "{ min: 1.5, id: Kurang, en: Poor }",
        ),
        ("{ min: 3.5, id: Sangat Baik", "{ min: 4.5, id: Sangat Baik"),
        ("weight: 30, title", "weight: 0, title"),
        (
            "aspect: ketersediaan\n    basis: practice\n    reference: \"Uptime",
            "aspect: ketersediaa\n    basis: practise\n    reference: \"Uptime",
        ),
        ("code: AV-02", "code: AV-01"),
        ("check: compression", "check: compresion"),
        (
            "check: error_rate\n    params: {}",
            "check: error_rate\n    params: { min_sample: 3 }",
        ),
        (
            "params: { min_samples_l4: 100, min_samples_l5: 1000 }",
            "params: { min_samples_l4: -4, min_samples_l5: nope }",
        ),
        (
            "L2: 95%, L3: 99%, L4: 99.5%, L5: 99.9%",
            "L2: 95, L3: 99.5%, L4: 99%, L6: 99.9%",
        ),
        ("direction: at_most, L2: 3s", "direction: at_least, L2: 3"),
        (
            "{ table: { plain_http: 1, https: 3, https_redirect: 5 } }",
            "{ table: { plain_htp: 1, https: 7 } }",
        ),
        (
            "levels: { table: { tls1_3: 5, tls1_2: 4, none: 1 } }",
            "levels: binary",
        ),
        (
            "levels: { table: { absent: 1, unsafe: 3, strict: 5 } }",
            "levels: { tabel: {} }",
        ),
        (
            "levels: { thresholds: { direction: at_least, L2: 1, L3: 2, L4: 3, L5: 4 } }",
            "levels: { thresholds: [] }",
        ),
        (
            "      id: Layanan tersedia saat dibutuhkan",
            "      id: \"\"",
        ),
        (
            "critical: true\n    weight: 2\n    title:\n      id: Layanan tersedia",
            "critical: true\n    critical_when: collects_personal_dta\n    weight: 2\n    title:\n      id: Layanan tersedia",
        ),
        ("rules:\n", "rules:\n  - 3\n"),
    ];
    let mut found = Vec::new();
    for (from, to) in edits {
        assert!(
            good.contains(from),
            "the catalogue no longer holds {from:?}"
        );
        let broken = good.replacen(from, to, 1);
        match input::catalogue::parse(&broken, "broken.yaml") {
            Ok(_) => panic!("editing {from:?} to {to:?} gave a valid catalogue"),
            Err(failure) => {
                found.extend(failure.problems.into_iter().map(|p| (format!("{to:?}"), p)))
            }
        }
    }
    found
}

#[test]
fn every_problem_reads_in_indonesian_and_english() {
    let problems: Vec<(String, Problem)> = corpus_problems()
        .into_iter()
        .chain(catalogue_problems())
        .collect();
    assert!(problems.len() > 100, "only {} problems", problems.len());
    // For a reader's review: UJILAB_PRINT_MESSAGES=1 prints every id/en pair.
    if std::env::var_os("UJILAB_PRINT_MESSAGES").is_some() {
        for (_, problem) in &problems {
            let (message, help) = problem.texts();
            println!("id: {}\nen: {}", message.id, message.en);
            if let Some(help) = help {
                println!("  id: {}\n  en: {}", help.id, help.en);
            }
        }
    }
    let faults: Vec<String> = problems
        .iter()
        .flat_map(|(origin, problem)| {
            wording_faults(problem)
                .into_iter()
                .map(move |fault| format!("{origin}: {fault}"))
        })
        .collect();
    assert!(
        faults.is_empty(),
        "{} faults in {} problems:\n{}",
        faults.len(),
        problems.len(),
        faults.join("\n")
    );
}

#[test]
fn the_check_catches_english_in_indonesian_text() {
    assert_eq!(
        own_words("kunci `the key` \"is here\" tidak dikenal"),
        ["kunci", "tidak", "dikenal"]
    );
    let english = own_words("unknown key; did you mean it?");
    assert!(english.iter().all(|word| ENGLISH.contains(&word.as_str())));
}

#[test]
fn notes_about_skipped_files_are_worded_in_both_languages() {
    let dir = tempfile::tempdir().expect("a temp folder");
    std::fs::write(dir.path().join("ci.yaml"), "stages: [test]\n").expect("written");
    let discovery = discover(&[dir.path().to_path_buf()]);
    let mut notes = discovery.notes;
    let loaded = load_all(&discovery.sources, &LoadSettings::default(), &mut notes);
    assert!(loaded.is_empty());
    let [note] = notes.as_slice() else {
        panic!("{notes:?}")
    };
    assert!(note.pick(Lang::En).starts_with("skipped "), "{note:?}");
    assert!(note.pick(Lang::Id).contains(" dilewati: "), "{note:?}");
    let english: Vec<String> = own_words(&note.id)
        .into_iter()
        .filter(|word| ENGLISH.contains(&word.as_str()))
        .collect();
    assert!(english.is_empty(), "{english:?} in {note:?}");
}
