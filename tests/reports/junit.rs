//! junit.xml: valid against the project's XSD of the Jenkins/Ant JUnit structure
//! (`schemas/junit.xsd`, checked with xmllint), with a case failing if and only if
//! it makes its scenario's gate fail, names that do not change with `--lang`, the
//! scenario's file on every case, counts that add up, and a service's text carried
//! intact.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use quick_xml::Reader;
use quick_xml::events::Event;

use report::junit;

use crate::reports::fixture;

/// Validates `xml` against schemas/junit.xsd with xmllint; without xmllint the check
/// is skipped with a note (CI installs it and sets UJILAB_REQUIRE_TOOLS).
pub fn assert_valid(xml: &str) {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/junit.xsd");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("junit.xml");
    std::fs::write(&file, xml).expect("write junit.xml");
    let output = match Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
    {
        Ok(output) => output,
        Err(error) => {
            assert!(
                std::env::var_os("UJILAB_REQUIRE_TOOLS").is_none(),
                "xmllint is required here: {error}"
            );
            eprintln!("note: xmllint not found ({error}); junit.xml not checked against the XSD");
            return;
        }
    };
    assert!(
        output.status.success(),
        "junit.xml does not match schemas/junit.xsd:\n{}\n{xml}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[derive(Debug, Default)]
struct Case {
    suite: String,
    name: String,
    classname: String,
    file: Option<String>,
    failures: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    skipped: Vec<String>,
    output: String,
}

impl Case {
    fn failed(&self) -> bool {
        !self.failures.is_empty() || !self.errors.is_empty()
    }
}

#[derive(Debug, Default)]
struct Parsed {
    root: String,
    suites: Vec<(String, BTreeMap<String, String>)>,
    cases: BTreeMap<String, Case>,
}

fn attributes(element: &quick_xml::events::BytesStart) -> BTreeMap<String, String> {
    element
        .attributes()
        .map(|attribute| {
            let attribute = attribute.expect("a well-formed attribute");
            (
                attribute.key.as_ref().to_string(),
                attribute
                    .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                    .expect("an escaped value")
                    .into_owned(),
            )
        })
        .collect()
}

/// Reads junit.xml back the way a consumer does.
fn parse(xml: &str) -> Parsed {
    let mut reader = Reader::from_str(xml);
    let mut parsed = Parsed::default();
    let mut suite = String::new();
    let mut case: Option<String> = None;
    let mut result: Option<(String, String)> = None;
    let mut text = String::new();
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Eof => break,
            Event::Start(element) | Event::Empty(element) if parsed.root.is_empty() => {
                parsed.root = element.name().as_ref().to_string();
            }
            Event::Start(element) | Event::Empty(element) => {
                let name = element.name().as_ref().to_string();
                let attrs = attributes(&element);
                match name.as_str() {
                    "testsuite" => {
                        suite = attrs["name"].clone();
                        parsed.suites.push((suite.clone(), attrs));
                    }
                    "testcase" => {
                        let key = format!("{suite} :: {}", attrs["name"]);
                        parsed.cases.insert(
                            key.clone(),
                            Case {
                                suite: suite.clone(),
                                name: attrs["name"].clone(),
                                classname: attrs["classname"].clone(),
                                file: attrs.get("file").cloned(),
                                ..Case::default()
                            },
                        );
                        case = Some(key);
                    }
                    "failure" | "error" => {
                        let message = attrs.get("message").cloned().unwrap_or_default();
                        match (
                            empty,
                            case.as_ref().and_then(|key| parsed.cases.get_mut(key)),
                        ) {
                            (true, Some(case)) if name == "failure" => {
                                case.failures.push((message, String::new()))
                            }
                            (true, Some(case)) => case.errors.push((message, String::new())),
                            _ => result = Some((name.clone(), message)),
                        }
                        text.clear();
                    }
                    "system-out" => text.clear(),
                    "skipped" => {
                        if let Some(key) = &case {
                            let message = attrs.get("message").cloned().unwrap_or_default();
                            if let Some(case) = parsed.cases.get_mut(key) {
                                case.skipped.push(message);
                            }
                        }
                    }
                    _ => {}
                }
            }
            // Raw text and entity references, unescaped once the element ends.
            Event::Text(content) => text.push_str(&content),
            Event::GeneralRef(reference) => {
                text.push('&');
                text.push_str(&reference);
                text.push(';');
            }
            Event::End(element) => {
                let name = element.name().as_ref().to_string();
                let ended = (name == "failure" || name == "error")
                    .then(|| result.take())
                    .flatten()
                    .zip(case.as_ref().and_then(|key| parsed.cases.get_mut(key)));
                if let Some(((kind, message), case)) = ended {
                    let raw = std::mem::take(&mut text);
                    let unescaped = quick_xml::escape::unescape(&raw)
                        .expect("valid references")
                        .into_owned();
                    if kind == "failure" {
                        case.failures.push((message, unescaped));
                    } else {
                        case.errors.push((message, unescaped));
                    }
                }
                if name == "system-out"
                    && let Some(case) = case.as_ref().and_then(|key| parsed.cases.get_mut(key))
                {
                    let raw = std::mem::take(&mut text);
                    case.output = quick_xml::escape::unescape(&raw)
                        .expect("valid references")
                        .into_owned();
                }
                if name == "testcase" {
                    case = None;
                }
            }
            _ => {}
        }
    }
    parsed
}

#[test]
fn fixtures_are_valid_against_the_xsd() {
    for report in [
        fixture::full("en"),
        fixture::single("id"),
        fixture::interrupted("en"),
    ] {
        assert_valid(&junit::render(&report).expect("renders"));
    }
}

#[test]
fn cases_outcomes_and_counts_follow_the_spec() {
    let xml = junit::render(&fixture::full("en")).expect("renders");
    let parsed = parse(&xml);
    assert_eq!(parsed.root, "testsuites");
    let names: Vec<&str> = parsed
        .suites
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "contohkab-dukcapil",
            "contohkab-pengaduan",
            "scenarios/rusak.yaml"
        ]
    );
    let case = |suite: &str, name: &str| -> &Case {
        parsed
            .cases
            .get(&format!("{suite} :: {name}"))
            .unwrap_or_else(|| panic!("no case `{name}` in {suite}: {:#?}", parsed.cases.keys()))
    };
    let d = "contohkab-dukcapil";
    let p = "contohkab-pengaduan";
    for (suite, name) in [
        (d, "probe health"),
        (d, "threshold availability min 99%"),
        (d, "threshold latency.p95 max 30 ms"),
        (d, "threshold latency.p99[penduduk] max 500 ms"),
        (d, "threshold score min 3.50"),
        (d, "rule TR-04"),
        (d, "certification"),
    ] {
        let case = case(suite, name);
        assert!(
            case.failures.is_empty() && case.errors.is_empty() && case.skipped.is_empty(),
            "{name}: {case:?}"
        );
        assert_eq!(case.classname, suite);
    }
    // Every case names the scenario's file.
    for case in parsed.cases.values() {
        let expected = match case.suite.as_str() {
            "contohkab-dukcapil" => "scenarios/demo/dukcapil.yaml",
            "contohkab-pengaduan" => "scenarios/demo/pengaduan.yaml",
            other => other,
        };
        assert_eq!(case.file.as_deref(), Some(expected), "{case:?}");
    }
    // Waived and not applicable rules are skipped.
    assert_eq!(case(d, "rule TR-01").skipped, ["waived"]);
    assert_eq!(case(d, "rule AX-02").skipped, ["not applicable"]);
    // A critical rule the verdict names fails, with expected, actual and fix.
    let tr01 = &case(p, "rule TR-01").failures;
    assert_eq!(
        tr01[0].0, "TR-01: expected L3+, actual L2 (critical rule)",
        "{tr01:?}"
    );
    assert!(
        tr01[0]
            .1
            .contains("fix: Fix TR-01 as the catalogue describes."),
        "{tr01:?}"
    );
    assert_eq!(case(p, "rule SC-01").failures.len(), 1);
    // A non-critical rule at L1 does not fail the gate, so it passes, telling its
    // level and fix; a non-critical inconclusive rule is skipped, with why.
    let tr02 = case(p, "rule TR-02");
    assert!(!tr02.failed() && tr02.skipped.is_empty(), "{tr02:?}");
    assert!(
        tr02.output.starts_with("L1\nComplaint channel\n"),
        "{tr02:?}"
    );
    assert!(
        tr02.output
            .ends_with("fix: Fix TR-02 as the catalogue describes."),
        "{tr02:?}"
    );
    let io03 = case(p, "rule IO-03");
    assert!(!io03.failed(), "{io03:?}");
    assert_eq!(
        io03.skipped,
        ["inconclusive: note: GET /openapi.json timed out twice"]
    );
    // A rule at L5 shows no fix.
    let pf01 = case(p, "rule PF-01");
    assert!(!pf01.failed() && !pf01.output.contains("fix:"), "{pf01:?}");
    // A failed probe lists each failed expectation with expected and actual.
    let form = &case(p, "probe form-lapor").failures;
    assert_eq!(form.len(), 1, "{form:?}");
    assert!(
        form[0]
            .0
            .starts_with("status: expected 200, actual 500; body: expected contains \"<textarea\""),
        "{form:?}"
    );
    assert!(
        form[0].1.contains("status: expected 200, actual 500"),
        "{}",
        form[0].1
    );
    assert!(
        form[0].1.contains("body: expected contains \"<textarea\""),
        "{}",
        form[0].1
    );
    assert!(!form[0].1.contains("header content-type"), "{}", form[0].1);
    assert!(
        form[0]
            .1
            .contains("fix: make the service answer as the probe's `expect` says"),
        "{}",
        form[0].1
    );
    // A transport error is the actual; a probe not sent counts as failed.
    let tls = &case(p, "probe status-api").failures;
    assert!(
        tls[0]
            .0
            .starts_with("expected an HTTP response, actual tls: invalid peer certificate"),
        "{tls:?}"
    );
    assert!(
        tls[0]
            .1
            .contains("fix: the request got no complete response (tls)")
    );
    assert_eq!(case(p, "probe lacak-tiket").failures.len(), 1);
    let availability = &case(p, "threshold availability min 99%").failures;
    assert_eq!(
        availability[0].0,
        "availability: expected >= 99%, actual 92.5%"
    );
    assert!(
        availability[0]
            .1
            .contains("fix: bring availability within >= 99%")
    );
    assert_eq!(
        case(p, "threshold latency.p95 max 800 ms").skipped,
        ["--no-load"]
    );
    let certification = &case(p, "certification").failures;
    assert!(
        certification[0]
            .0
            .starts_with("expected Certified, actual Not certified: The index is below"),
        "{certification:?}"
    );
    assert!(
        certification[0]
            .1
            .contains("not an official IDSLL certification")
    );
    assert!(
        certification[0]
            .1
            .contains("fix: SC-01: Fix SC-01 as the catalogue describes.")
    );
    // A load error is a suite with one <error> per problem.
    let load = case("scenarios/rusak.yaml", "load");
    assert_eq!(load.errors.len(), 2, "{load:?}");
    assert!(
        load.errors[0]
            .0
            .contains("scenarios/rusak.yaml:14:5: unknown key `tiemout`")
    );
    assert!(load.errors[0].1.contains("help: did you mean `timeout`?"));
    // Counts add up, per suite and at the root.
    for (name, attrs) in &parsed.suites {
        let cases: Vec<&Case> = parsed.cases.values().filter(|c| &c.suite == name).collect();
        let count = |pick: fn(&Case) -> bool| cases.iter().filter(|c| pick(c)).count().to_string();
        assert_eq!(attrs["tests"], cases.len().to_string(), "{name}");
        assert_eq!(
            attrs["failures"],
            count(|c| !c.failures.is_empty()),
            "{name}"
        );
        assert_eq!(attrs["errors"], count(|c| !c.errors.is_empty()), "{name}");
        assert_eq!(attrs["skipped"], count(|c| !c.skipped.is_empty()), "{name}");
    }
}

/// The failed (or errored) cases of each suite that ran, by name.
fn failed_by_suite(report: &report::Report) -> BTreeMap<String, Vec<String>> {
    let parsed = parse(&junit::render(report).expect("renders"));
    let mut failed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for case in parsed.cases.values() {
        let entry = failed.entry(case.suite.clone()).or_default();
        if case.failed() {
            entry.push(case.name.clone());
        }
    }
    for names in failed.values_mut() {
        names.sort();
    }
    failed
}

fn ran_mut<'a>(report: &'a mut report::Report, id: &str) -> &'a mut report::model::ScenarioReport {
    report
        .scenarios
        .iter_mut()
        .find_map(|entry| match entry {
            report::model::ScenarioEntry::Ran(scenario) if scenario.service.id == id => {
                Some(scenario.as_mut())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no scenario {id}"))
}

/// A case fails exactly when it is one of the reasons its scenario's gate failed,
/// in every fixture and in every language.
#[test]
fn a_case_fails_if_and_only_if_it_makes_the_gate_fail() {
    let expected = |pairs: &[(&str, &[&str])]| -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(suite, names)| {
                let mut names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
                names.sort();
                (suite.to_string(), names)
            })
            .collect()
    };
    for lang in ["en", "id"] {
        assert_eq!(
            failed_by_suite(&fixture::full(lang)),
            expected(&[
                ("contohkab-dukcapil", &[]),
                (
                    "contohkab-pengaduan",
                    &[
                        "probe form-lapor",
                        "probe status-api",
                        "probe lacak-tiket",
                        "threshold availability min 99%",
                        "rule TR-01",
                        "rule SC-01",
                        "certification",
                    ],
                ),
                ("scenarios/rusak.yaml", &["load"]),
            ]),
            "{lang}"
        );
        assert_eq!(
            failed_by_suite(&fixture::interrupted(lang)),
            expected(&[("contohkab-dukcapil", &["complete"])]),
            "{lang}"
        );
        // Merged: makassar's own run failed, but nothing of it fails the merged gate.
        assert_eq!(
            failed_by_suite(&fixture::merged(lang)),
            expected(&[("contohkab-dukcapil", &[])]),
            "{lang}"
        );
    }

    // The same merge, where the gate failed on a probe seen from makassar.
    let mut merged = fixture::merged("en");
    let scenario = ran_mut(&mut merged, "contohkab-dukcapil");
    scenario.probes[0].passed = false;
    scenario.probes[0].outcome = report::model::ProbeStatus::Failed;
    scenario.gate = report::model::Gate::Fail;
    scenario.gate_reasons = vec![
        "probe health failed (vantage makassar)"
            .parse()
            .expect("a reason"),
    ];
    assert_eq!(
        failed_by_suite(&merged),
        expected(&[("contohkab-dukcapil", &["probe health", "vantage makassar"])])
    );

    // `standards.gate: none`: the same findings, and the verdict fails nothing.
    let mut ungated = fixture::full("en");
    let scenario = ran_mut(&mut ungated, "contohkab-pengaduan");
    scenario
        .gate_reasons
        .retain(|reason| !reason.to_string().starts_with("standards verdict"));
    let failed = failed_by_suite(&ungated);
    assert_eq!(
        failed["contohkab-pengaduan"],
        [
            "probe form-lapor",
            "probe lacak-tiket",
            "probe status-api",
            "threshold availability min 99%"
        ]
    );
    let xml = junit::render(&ungated).expect("renders");
    let certification = &parse(&xml).cases["contohkab-pengaduan :: certification"];
    assert!(
        certification.skipped[0].starts_with("Not certified (the verdict does not gate)"),
        "{certification:?}"
    );

    // A reason no case stands for (a report from another version) still fails.
    let mut stranger = fixture::single("en");
    let scenario = ran_mut(&mut stranger, "contohkab-dukcapil");
    scenario.gate = report::model::Gate::Fail;
    scenario.gate_reasons = vec!["threshold p50 9 ms <= 5 ms".parse().expect("a reason")];
    assert_eq!(
        failed_by_suite(&stranger),
        expected(&[("contohkab-dukcapil", &["gate"])])
    );
}

/// Test names are ids, codes and metric names: the same in both languages, so CI
/// history follows a case whatever `--lang` a run used.
#[test]
fn case_names_do_not_change_with_the_language() {
    let names = |lang: &str| -> Vec<String> {
        let report = match lang {
            "merged" => fixture::merged("id"),
            other => fixture::full(other),
        };
        parse(&junit::render(&report).expect("renders"))
            .cases
            .into_keys()
            .collect()
    };
    assert_eq!(names("en"), names("id"));
    let all = names("en");
    assert!(all.contains(&"contohkab-dukcapil :: rule TR-04".to_string()));
    for name in &all {
        assert!(
            !name.contains("domain") && !name.contains("Domain"),
            "a rule title in a case name: {name}"
        );
    }
    let mut merged_en: Vec<String> = parse(&junit::render(&fixture::merged("en")).expect("xml"))
        .cases
        .into_keys()
        .collect();
    merged_en.sort();
    let mut merged_id = names("merged");
    merged_id.sort();
    assert_eq!(merged_en, merged_id);
}

#[test]
fn service_text_is_carried_intact_and_illegal_characters_replaced() {
    let xml = junit::render(&fixture::full("en")).expect("renders");
    assert!(!xml.contains("<script>"), "markup must be escaped");
    assert!(
        !xml.contains('\u{1b}'),
        "an XML-illegal character was written"
    );
    let parsed = parse(&xml);
    let tls = &parsed.cases["contohkab-pengaduan :: probe status-api"].failures[0];
    assert!(tls.0.contains("<b>x</b> \u{FFFD}[2J"), "{tls:?}");
    let form = &parsed.cases["contohkab-pengaduan :: probe form-lapor"].failures[0];
    assert!(form.1.contains(fixture::HOSTILE_SCRIPT), "{form:?}");
}

/// Perizinan, the demo's middling service, shortened: its gate passes while
/// several non-critical rules sit at L1.
const MIDDLING: &str = r#"
version: 1
service:
  id: perizinan-junit
  region: { code: "99.01", name: Kabupaten Contoh, type: kabupaten }
  base_url: https://perizinan.contohkab.go.id:${env:UJILAB_SANDBOX_HTTPS_PORT}
standards:
  profile: idsll-core
  pages: { home: /, service_standard: /standar-pelayanan, complaints: /pengaduan, openapi: /openapi.json, privacy: /kebijakan-privasi }
  http_url: http://perizinan.contohkab.go.id:${env:UJILAB_SANDBOX_HTTP_PORT}/
defaults:
  timeout: 5s
  resolve: { perizinan.contohkab.go.id: 127.0.0.1 }
  tls: { ca_file: "${env:UJILAB_SANDBOX_CA}" }
probes:
  - id: beranda
    request: { path: / }
    expect: { status: 200 }
  - id: health
    request: { path: /health }
    expect: { status: 200, json: { $.status: UP } }
availability:
  probes: [health]
  every: 50ms
  samples: 5
load:
  probes: { health: 1 }
  model: open
  rate: 20/s
  duration: 1s
thresholds:
  - metric: availability
    min: 99%
  - metric: latency.p95
    max: 800ms
"#;

/// Through the real binary: a passing gate with rules below L5 is a suite with no
/// failure, the rules' levels and fixes in their output; the same case names in
/// both languages; the scenario's file on every case.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passing_gate_is_a_green_suite_in_every_language() {
    let sandbox = crate::support::start_sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("perizinan.yaml");
    std::fs::write(&scenario, MIDDLING).expect("write scenario");
    let mut runs = Vec::new();
    for lang in ["en", "id"] {
        let out = dir.path().join(lang);
        let mut command = crate::support::ujilab_command();
        command
            .envs(sandbox.env())
            .args(["run", "--no-progress", "--quiet", "--format", "json,junit"])
            .args(["--lang", lang, "--out"])
            .arg(&out)
            .arg(&scenario);
        let output = crate::support::run_command_off_runtime(command).await;
        crate::support::assert_exit_code(&output, 0);
        let xml = std::fs::read_to_string(out.join("junit.xml")).expect("junit.xml");
        assert_valid(&xml);
        runs.push(parse(&xml));
    }
    sandbox.shutdown().await;

    let [en, id] = [&runs[0], &runs[1]];
    let (_, suite) = &en.suites[0];
    assert_eq!(suite["failures"], "0", "{:#?}", en.cases);
    assert_eq!(suite["errors"], "0", "{:#?}", en.cases);
    let names = |parsed: &Parsed| parsed.cases.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(en), names(id), "case names do not depend on --lang");
    let file = scenario.display().to_string();
    for case in en.cases.values().chain(id.cases.values()) {
        assert_eq!(case.file.as_deref(), Some(file.as_str()), "{case:?}");
    }
    // Rules below L5 that fail nothing: their level and fix are in the output.
    let below_top: Vec<&Case> = en
        .cases
        .values()
        .filter(|case| case.name.starts_with("rule ") && case.output.starts_with("L1"))
        .collect();
    assert!(
        !below_top.is_empty(),
        "perizinan has rules at L1: {:#?}",
        en.cases
    );
    for case in below_top {
        assert!(!case.failed(), "{case:?}");
        assert!(case.output.contains("\nfix: "), "{case:?}");
        let twin = &id.cases[&format!("{} :: {}", case.suite, case.name)];
        assert!(twin.output.contains("\nperbaikan: "), "{twin:?}");
    }
}
