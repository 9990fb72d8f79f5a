//! The demo's three sandbox services scored against idsll-core (2026.2, the
//! default): every rule's outcome must match `tests/expected/sandbox-outcomes.md`,
//! and the predicates must be the intended ones (dukcapil certified at Memuaskan
//! or Sangat Baik, perizinan Baik, pengaduan not certified, its predicate
//! withheld).

use std::collections::BTreeMap;

use crate::support::{
    assert_exit_code, load_against_sandbox, run_command, run_with_defaults, start_sandbox, text,
    ujilab_command,
};

use judge::standards::{RuleStatus, Score, Verdict, evaluate};
use sandbox::Sandbox;

const TABLE: &str = include_str!("expected/sandbox-outcomes.md");

const SERVICES: [(&str, &str); 3] = [
    ("dukcapil", include_str!("../scenarios/demo/dukcapil.yaml")),
    (
        "perizinan",
        include_str!("../scenarios/demo/perizinan.yaml"),
    ),
    (
        "pengaduan",
        include_str!("../scenarios/demo/pengaduan.yaml"),
    ),
];

/// The trimmed cells of one Markdown table row.
fn table_cells(line: &str) -> Vec<&str> {
    line.trim()
        .trim_matches('|')
        .split('|')
        .map(str::trim)
        .collect()
}

/// `service -> (index, predicate)` from the summary table.
fn expected_indices() -> BTreeMap<String, (String, String)> {
    TABLE
        .lines()
        .filter_map(|line| {
            let cells = table_cells(line);
            let service = *cells.first()?;
            if !SERVICES.iter().any(|(name, _)| *name == service) {
                return None;
            }
            Some((
                service.to_string(),
                (cells.get(1)?.to_string(), cells.get(2)?.to_string()),
            ))
        })
        .collect()
}

/// `rule -> [dukcapil, perizinan, pengaduan]` from the Markdown table.
fn expected_table() -> BTreeMap<String, [String; 3]> {
    let mut table = BTreeMap::new();
    for line in TABLE.lines() {
        let cells = table_cells(line);
        let Some(code) = cells.first() else { continue };
        if cells.len() < 4 || !code.contains('-') || code.starts_with("--") {
            continue;
        }
        table.insert(
            code.to_string(),
            [
                cells[1].to_string(),
                cells[2].to_string(),
                cells[3].to_string(),
            ],
        );
    }
    table
}

fn shown(status: RuleStatus) -> String {
    match status {
        RuleStatus::Level(level) => level.to_string(),
        RuleStatus::Waived => "waived".into(),
        RuleStatus::NotApplicable => "n/a".into(),
        RuleStatus::Inconclusive => "inconclusive".into(),
    }
}

async fn score_demo(sandbox: &Sandbox) -> Vec<(&'static str, Score)> {
    let mut scores = Vec::new();
    for (name, text) in SERVICES {
        let scenario = load_against_sandbox(sandbox, &format!("scenarios/demo/{name}.yaml"), text);
        let observations = run_with_defaults(&scenario).await;
        let Some(standards) = &scenario.standards else {
            panic!("{name} has no standards section")
        };
        scores.push((
            name,
            evaluate(&scenario, &observations, &standards.catalogue),
        ));
    }
    scores
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_services_score_as_the_table_says() {
    let sandbox = start_sandbox().await;
    let scores = score_demo(&sandbox).await;
    sandbox.shutdown().await;

    let expected = expected_table();
    let mut mismatches = Vec::new();
    let mut report = String::new();
    for (column, (name, score)) in scores.iter().enumerate() {
        report.push_str(&format!(
            "\n{name}: index {:?} {:?} coverage {:?} verdict {:?} reasons {:?}\n",
            score.index,
            score.predicate.as_ref().map(|p| p.id.clone()),
            score.coverage,
            score.verdict,
            score.reasons
        ));
        for rule in &score.rules {
            let got = shown(rule.status);
            let evidence = &rule.measured.evidence;
            report.push_str(&format!(
                "  {} {:>12}  {}  {}\n",
                rule.code,
                got,
                evidence
                    .measured
                    .as_ref()
                    .map_or("", |text| text.en.as_str()),
                evidence
                    .notes
                    .iter()
                    .map(|note| note.en.as_str())
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
            match expected.get(&rule.code) {
                Some(row) if row[column] == got => {}
                Some(row) => mismatches.push(format!(
                    "{name} {}: table says {}, measured {got}",
                    rule.code, row[column]
                )),
                None => mismatches.push(format!("{} is not in the table", rule.code)),
            }
        }
    }
    let indices = expected_indices();
    for (name, score) in &scores {
        let got = (
            score
                .index
                .map(|index| format!("{index:.2}"))
                .unwrap_or_default(),
            if score.predicate_withheld {
                "—".to_string()
            } else {
                score
                    .predicate
                    .as_ref()
                    .map(|p| p.id.clone())
                    .unwrap_or_default()
            },
        );
        if indices.get(*name) != Some(&got) {
            mismatches.push(format!(
                "{name}: table says {:?}, measured {got:?}",
                indices.get(*name)
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}\n{report}", mismatches.join("\n"));
    assert_eq!(
        expected.len(),
        scores[0].1.rules.len(),
        "one table row per rule"
    );

    let verdict = |name: &str| {
        scores
            .iter()
            .find(|(service, _)| *service == name)
            .map(|(_, score)| {
                (
                    score.verdict,
                    score
                        .predicate
                        .as_ref()
                        .map(|p| p.id.clone())
                        .unwrap_or_default(),
                )
            })
            .unwrap_or((Verdict::NotEvaluated, String::new()))
    };
    let (dukcapil, dukcapil_predicate) = verdict("dukcapil");
    assert_eq!(dukcapil, Verdict::Certified, "{report}");
    assert!(
        ["Memuaskan", "Sangat Baik"].contains(&dukcapil_predicate.as_str()),
        "{report}"
    );
    let (perizinan, perizinan_predicate) = verdict("perizinan");
    assert_eq!(perizinan_predicate, "Baik", "{report}");
    assert_eq!(perizinan, Verdict::Certified, "{report}");
    let (pengaduan, pengaduan_predicate) = verdict("pengaduan");
    assert_eq!(pengaduan, Verdict::NotCertified, "{report}");
    // Its critical rules fail, so idsll-core 2026.2 withholds the predicate its
    // index would have (Kurang or Cukup).
    assert_eq!(pengaduan_predicate, "", "{report}");
    let pengaduan_score = scores
        .iter()
        .find(|(service, _)| *service == "pengaduan")
        .map(|(_, score)| score);
    assert!(pengaduan_score.is_some_and(|score| score.predicate_withheld));
    eprintln!("{report}");
    assert_indonesian_evidence(&scores);
}

/// Issue 13.1: every rule's evidence in Indonesian (measured, threshold, notes)
/// carries none of the judge's own English words, and is not empty where the
/// English is not.
fn assert_indonesian_evidence(scores: &[(&str, Score)]) {
    use judge::standards::say::english_words;
    let mut english = Vec::new();
    for (name, score) in scores {
        for rule in &score.rules {
            let evidence = &rule.measured.evidence;
            let texts = evidence
                .measured
                .iter()
                .chain(&evidence.threshold)
                .chain(&evidence.notes);
            for text in texts {
                let words = english_words(&text.id);
                if !words.is_empty() || text.id.trim().is_empty() != text.en.trim().is_empty() {
                    english.push(format!("{name} {}: {words:?} in {:?}", rule.code, text.id));
                }
            }
        }
    }
    assert!(english.is_empty(), "{}", english.join("\n"));
}

/// Runs `ujilab` with `args` under `LANG=C`.
fn ujilab(args: &[&str]) -> std::process::Output {
    run_command(ujilab_command().args(args).env("LANG", "C"))
}

#[test]
fn standards_list_and_show_in_both_languages() {
    let list = ujilab(&["standards", "list", "--lang", "en"]);
    assert_eq!(list.status.code(), Some(0));
    let listed = text(&list.stdout);
    let catalogue = input::catalogue::built_in()
        .unwrap_or_else(|f| panic!("{}", f.render(input::lang::Lang::En)));
    for rule in &catalogue.rules {
        assert!(
            listed.contains(&rule.code),
            "{} missing from\n{listed}",
            rule.code
        );
    }
    let id = text(&ujilab(&["standards", "show", "SC-04", "--lang", "id"]).stdout);
    for part in [
        "SC-04  HSTS aktif",
        "Mengapa penting",
        "Cara memperbaiki",
        "RFC 6797",
        "long_with_subdomains",
    ] {
        assert!(id.contains(part), "{part} in\n{id}");
    }
    let en = text(&ujilab(&["standards", "show", "tr-01", "--lang", "en"]).stdout);
    for part in [
        "TR-01  Service standard published",
        "Why it matters",
        "How to fix",
        "UU 25/2009",
        "L5 >= 6",
    ] {
        assert!(en.contains(part), "{part} in\n{en}");
    }
    let unknown = ujilab(&["standards", "show", "SC-4"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("did you mean SC-04?"));
    let kinds = text(&ujilab(&["standards", "kinds"]).stdout);
    assert!(kinds.contains("service_standard") && kinds.contains("http_only_exempt"));
    let schema: serde_json::Value =
        serde_json::from_slice(&ujilab(&["schema", "catalogue"]).stdout)
            .unwrap_or_else(|error| panic!("the catalogue schema is JSON: {error}"));
    assert_eq!(
        schema["properties"]["rules"]["items"]["allOf"]
            .as_array()
            .map(Vec::len),
        Some(input::catalogue::kinds::KINDS.len())
    );
}

const BAD_CATALOGUE: &str = r#"catalogue: mine
version: "1"
title: { id: Milik kami, en: Ours }
bands:
  - { min: 2.6, id: Baik, en: Good }
  - { min: 0.0, id: Kurang, en: Poor }
certification: { min_index: 2.6, critical_min_level: 3, min_coverage: 90% }
aspects:
  - { id: keamanan, weight: 0, title: { id: Keamanan, en: Security } }
rules:
  - code: SC-04
    aspect: keamanann
    basis: practice
    reference: RFC 6797
    critical: false
    weight: 1
    title: { id: HSTS, en: HSTS }
    why: { id: karena, en: because }
    fix: { id: perbaiki, en: fix it }
    check: hstss
    levels: binary
  - code: AV-01
    aspect: keamanan
    basis: practice
    reference: uptime
    critical: true
    weight: 1
    title: { id: Tersedia, en: Available }
    why: { id: karena, en: because }
    fix: { id: perbaiki, en: fix it }
    check: availability
    levels: { thresholds: { direction: at_least, L2: 95%, L3: 99.5%, L4: 99%, L5: 99.9% } }
"#;

fn scenario_file(dir: &std::path::Path, standards: &str) -> std::path::PathBuf {
    let path = dir.join("layanan.yaml");
    let yaml = format!(
        "version: 1\nservice: {{ id: layanan, base_url: \"https://layanan.contohkab.go.id\" }}\n{standards}\nprobes:\n  - id: beranda\n    request: {{ path: / }}\n"
    );
    std::fs::write(&path, yaml).unwrap_or_else(|error| panic!("{error}"));
    path
}

#[test]
fn a_bad_catalogue_is_rejected_like_a_bad_scenario() {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    std::fs::write(dir.path().join("mine.yaml"), BAD_CATALOGUE)
        .unwrap_or_else(|error| panic!("{error}"));
    let scenario = scenario_file(dir.path(), "standards: { profile: mine.yaml }");
    let output = ujilab(&["validate", &scenario.display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    for expected in [
        "catalogue",
        "mine.yaml is not valid (4 problems)",
        "mine.yaml:9:29 (at `aspects[0].weight`): weight 0 is not positive",
        "mine.yaml:12:13 (at `rules[0].aspect`): no aspect `keamanann` in this catalogue",
        "did you mean `keamanan`?",
        "mine.yaml:20:12 (at `rules[0].check`): unknown check kind `hstss`",
        "did you mean `hsts`?",
        "(at `rules[1].levels.thresholds.L4`): levels out of order: L4 (99%) must be above L3 (99.5%)",
    ] {
        assert!(stderr.contains(expected), "{expected:?} in\n{stderr}");
    }
    // The catalogue checked on its own shows each problem in place.
    let check = ujilab(&[
        "standards",
        "check",
        &dir.path().join("mine.yaml").display().to_string(),
    ]);
    assert_eq!(check.status.code(), Some(2));
    let rendered = text(&check.stderr);
    assert!(
        rendered.contains("20 |     check: hstss\n   |            ^"),
        "{rendered}"
    );
    assert!(rendered.contains("4 problem(s)"), "{rendered}");
    let good = ujilab(&["standards", "check", "standards/idsll-core.yaml"]);
    assert_exit_code(&good, 0);
}

#[test]
fn profiles_waivers_and_rule_thresholds_are_checked_at_load() {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let pinned = scenario_file(dir.path(), "standards: { profile: idsll-core@2025.2 }");
    let output = ujilab(&["validate", &pinned.display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(
            "`idsll-core@2025.2` is pinned, but this ujilab has `idsll-core` version 2026.2, 2026.1"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("layanan.yaml:3:23"), "{stderr}");

    let waived = scenario_file(
        dir.path(),
        "standards:\n  profile: idsll-core\n  waive:\n    - { rule: SC-4, reason: diatur di CDN }\nthresholds:\n  - { metric: rule, rule: TR-1, min: 3 }",
    );
    let stderr = text(&ujilab(&["validate", &waived.display().to_string()]).stderr);
    assert!(
        stderr.contains("no rule `SC-4` in the catalogue"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `SC-04`?"), "{stderr}");
    assert!(
        stderr.contains("no rule `TR-1` in the catalogue idsll-core"),
        "{stderr}"
    );

    let good = scenario_file(
        dir.path(),
        "standards:\n  profile: idsll-core@2026.1\n  waive:\n    - { rule: TR-01, reason: layanan API murni, until: \"2027-12-31\" }",
    );
    let output = ujilab(&["validate", &good.display().to_string()]);
    assert_exit_code(&output, 0);
}

/// Issue 14.6: officers' statements are checked at load with positions, in both
/// languages, and a valid one is shown without moving the measured index.
#[test]
fn attestations_are_checked_at_load() {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let bad = scenario_file(
        dir.path(),
        "standards:\n  profile: idsll-core\n  attestations:\n    AT-4: { by: Budi, role: Kabid, date: 2026-11-02, sk_number: X }\n    TR-01: { by: Budi, role: Kabid, date: 2026-11-02, sk_number: X }\n    AT-05: { by: Budi, role: Kabid, date: 2026-11-02 }",
    );
    let output = ujilab(&["validate", "--lang", "en", &bad.display().to_string()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    for part in [
        "layanan.yaml:6:5",
        "no rule `AT-4` in catalogue idsll-core 2026.2",
        "did you mean `AT-04`?",
        "layanan.yaml:7:5",
        "TR-01 is measured, not stated",
        "layanan.yaml:8:12",
        "a statement needs the document behind it",
    ] {
        assert!(stderr.contains(part), "{part} in\n{stderr}");
    }
    let id = text(&ujilab(&["validate", "--lang", "id", &bad.display().to_string()]).stderr);
    assert!(
        id.contains("layanan.yaml:6:5") && !id.contains("did you mean"),
        "{id}"
    );

    let good = scenario_file(
        dir.path(),
        "standards:\n  profile: idsll-core\n  attestations:\n    AT-04: { by: Budi Santoso, role: Kepala Bidang Aptika, date: 2026-11-02, sk_number: PSE-2026-0012 }",
    );
    assert_exit_code(&ujilab(&["validate", &good.display().to_string()]), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_is_shown_but_not_counted() {
    let sandbox = start_sandbox().await;
    let text = include_str!("../scenarios/demo/dukcapil.yaml");
    let plain = load_against_sandbox(&sandbox, "scenarios/demo/dukcapil.yaml", text);
    let observations = crate::support::run_with(
        &plain,
        &run::RunSettings {
            no_availability: true,
            no_load: true,
            ..run::RunSettings::default()
        },
    )
    .await;
    // Signed a week before the run, in the service's time.
    let signed = time::OffsetDateTime::from(observations.started_at)
        .to_offset(time::macros::offset!(+7))
        .date()
        .saturating_sub(time::Duration::days(7));
    let stated = text.replace(
        "  http_url:",
        &format!(
            "  attestations:\n    AT-04: {{ by: Budi Santoso, role: Kepala Bidang Aptika, date: \"{signed}\", sk_number: PSE-2026-0012 }}\n  http_url:"
        ),
    );
    let with_statement = load_against_sandbox(&sandbox, "scenarios/demo/dukcapil.yaml", &stated);
    sandbox.shutdown().await;
    let score = |scenario: &input::scenario::Scenario| {
        let catalogue = &scenario.standards.as_ref().expect("standards").catalogue;
        evaluate(scenario, &observations, catalogue)
    };
    let (without, with) = (score(&plain), score(&with_statement));
    let at04 = |score: &Score| score.rule("AT-04").map(|rule| (rule.status, rule.counted));
    assert_eq!(at04(&without), Some((RuleStatus::NotApplicable, false)));
    assert_eq!(at04(&with), Some((RuleStatus::Level(5), false)));
    assert_eq!(
        with.index, without.index,
        "a statement does not move the index"
    );
    assert_eq!(with.coverage, without.coverage);
    let measured = with
        .rule("AT-04")
        .and_then(|rule| rule.measured.evidence.measured.clone())
        .map(|text| text.id)
        .unwrap_or_default();
    assert!(
        measured.starts_with("dinyatakan oleh Budi Santoso (Kepala Bidang Aptika)"),
        "{measured}"
    );
}

/// Issue 14.7: the reports print the withheld predicate where the band goes, in
/// the reader's language, and report.json keeps both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_print_a_withheld_predicate() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let mut terminals = Vec::new();
    for lang in ["id", "en"] {
        let out = dir.path().join(lang);
        let mut command = ujilab_command();
        command
            .envs(sandbox.env())
            .args(["run", "--no-progress", "--no-load", "--no-availability"])
            .args(["--format", "json,md", "--lang", lang, "--out"])
            .arg(&out)
            .arg("scenarios/demo/pengaduan.yaml");
        let output = crate::support::run_command_off_runtime(command).await;
        terminals.push((lang, text(&output.stdout), out));
    }
    sandbox.shutdown().await;
    for (lang, terminal, out) in &terminals {
        let withheld = if *lang == "id" {
            "— (kriteria wajib belum terpenuhi)"
        } else {
            "— (critical criteria not met)"
        };
        assert!(terminal.contains(withheld), "{lang}: {terminal}");
        let summary = std::fs::read_to_string(out.join("summary.md")).unwrap_or_default();
        assert!(summary.contains(withheld), "{lang}: {summary}");
        let report: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.join("report.json")).unwrap_or_default(),
        )
        .unwrap_or_default();
        let standards = &report["scenarios"][0]["standards"];
        assert!(standards["predicate"].is_null(), "{standards}");
        assert_eq!(
            standards["predicate_withheld"]["en"],
            "— (critical criteria not met)"
        );
    }
}
