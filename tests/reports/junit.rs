//! junit.xml: valid against the project's XSD of the Jenkins/Ant JUnit structure
//! (`schemas/junit.xsd`, checked with xmllint), with the case names, outcomes and
//! counts that semantics.md specifies, and with a service's text carried intact.

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
    classname: String,
    failures: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    skipped: Vec<String>,
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
                                classname: attrs["classname"].clone(),
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
        (d, "rule TR-04 go.id domain"),
        (d, "certification"),
    ] {
        let case = case(suite, name);
        assert!(
            case.failures.is_empty() && case.errors.is_empty() && case.skipped.is_empty(),
            "{name}: {case:?}"
        );
        assert_eq!(case.classname, suite);
    }
    // Waived and not applicable rules are skipped.
    assert_eq!(
        case(d, "rule TR-01 Service standard published")
            .skipped
            .len(),
        1
    );
    assert_eq!(case(d, "rule AX-02 Image alt text").skipped.len(), 1);
    // Level 1 fails; a critical rule below critical_min_level (3) fails at level 2.
    assert_eq!(case(p, "rule TR-02 Complaint channel").failures.len(), 1);
    assert_eq!(
        case(p, "rule TR-01 Service standard published")
            .failures
            .len(),
        1
    );
    assert_eq!(case(p, "rule SC-01 HTTPS").failures.len(), 1);
    // Inconclusive is an error; a passing rule passes.
    assert_eq!(case(p, "rule IO-03 OpenAPI document").errors.len(), 1);
    assert!(case(p, "rule PF-01 p95 latency").failures.is_empty());
    // A failed probe lists each failed expectation with expected and actual.
    let form = &case(p, "probe form-lapor").failures;
    assert_eq!(form.len(), 1, "{form:?}");
    assert_eq!(form[0].0, "2 expectations failed");
    assert!(
        form[0].1.contains("status: expected 200, got 500"),
        "{}",
        form[0].1
    );
    assert!(
        form[0].1.contains("body: expected contains \"<textarea\""),
        "{}",
        form[0].1
    );
    assert!(!form[0].1.contains("header content-type"), "{}", form[0].1);
    // A transport error is the failure's message; a probe not sent counts as failed.
    let tls = &case(p, "probe status-api").failures;
    assert!(tls[0].0.starts_with("invalid peer certificate"), "{tls:?}");
    assert!(
        tls[0].1.contains("tls: invalid peer certificate"),
        "{tls:?}"
    );
    assert_eq!(case(p, "probe lacak-tiket").failures.len(), 1);
    assert_eq!(case(p, "threshold availability min 99%").failures.len(), 1);
    assert_eq!(
        case(p, "threshold latency.p95 max 800 ms").skipped,
        ["--no-load"]
    );
    let certification = &case(p, "certification").failures;
    assert_eq!(certification[0].0, "Not certified");
    assert!(
        certification[0]
            .1
            .contains("The index is below the certification minimum"),
        "{certification:?}"
    );
    assert!(
        certification[0]
            .1
            .contains("not an official IDSLL certification")
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
