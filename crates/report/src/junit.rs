//! junit.xml in the Jenkins/Ant JUnit structure that CI systems read
//! (`schemas/junit.xsd` describes it; the tests validate against it).
//!
//! Root `<testsuites>`; one `<testsuite>` per scenario, named by its service id.
//! Cases, with `classname` = the service id:
//! - `probe <id>`: a failure lists each failed expectation, expected and actual, or
//!   the transport error;
//! - `threshold <metric>[<probe>] <op> <limit>`: failure when it failed, skipped
//!   when its source was skipped;
//! - `rule <code> <title>`: failure at level 1 or a critical rule below the
//!   catalogue's minimum, skipped when waived or not applicable, error when
//!   inconclusive;
//! - `certification`, when the scenario has `standards:`;
//! - `vantage <name>`, one per vantage of a scenario merged from several
//!   (`ujilab merge`): failure when that vantage's own run failed its gate, with
//!   its availability, p95 and failed probes, so a CI dashboard shows which
//!   region saw an outage.
//!
//! A scenario that could not be loaded is a suite named by its file, with one case
//! holding one `<error>` per problem. Characters XML 1.0 cannot carry become U+FFFD.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use input::lang::Lang;

use crate::model::{
    Gate, LoadErrorReport, ProbeReport, Report, RuleReport, RuleState, ScenarioEntry,
    ScenarioReport, StandardsReport, ThresholdOutcome, ThresholdStatus, VantageReport, Verdict,
};
use crate::wording;

/// How a case ended; `None` is a pass.
enum Outcome {
    Failure {
        message: String,
        kind: String,
        text: String,
    },
    Error {
        message: String,
        kind: String,
        text: String,
    },
    Skipped {
        message: String,
    },
}

struct Case {
    name: String,
    time: Option<f64>,
    outcome: Option<Outcome>,
    /// Extra context for the reader (evidence, fix), in `<system-out>`.
    output: Option<String>,
}

struct Suite {
    name: String,
    time: Option<f64>,
    timestamp: Option<String>,
    properties: Vec<(&'static str, String)>,
    cases: Vec<Case>,
    /// Several `<error>` elements on one case (load problems).
    errors: Vec<(String, String)>,
}

impl Suite {
    fn count(&self, pick: fn(&Outcome) -> bool) -> usize {
        self.cases
            .iter()
            .filter(|case| case.outcome.as_ref().is_some_and(pick))
            .count()
    }
    fn failures(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failure { .. }))
    }
    fn errors(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Error { .. })) + usize::from(!self.errors.is_empty())
    }
    fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped { .. }))
    }
    fn tests(&self) -> usize {
        self.cases.len() + usize::from(!self.errors.is_empty())
    }
}

pub fn render(report: &Report) -> io::Result<String> {
    let lang = Lang::from_env(Some(&report.run.lang));
    let suites: Vec<Suite> = report
        .scenarios
        .iter()
        .map(|entry| match entry {
            ScenarioEntry::Ran(scenario) => scenario_suite(scenario, lang),
            ScenarioEntry::LoadError(error) => load_error_suite(error),
        })
        .collect();
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let total = |count: fn(&Suite) -> usize| suites.iter().map(count).sum::<usize>().to_string();
    let mut root = writer
        .create_element("testsuites")
        .with_attribute(("name", "ujilab"))
        .with_attribute(("tests", total(Suite::tests).as_str()))
        .with_attribute(("failures", total(Suite::failures).as_str()))
        .with_attribute(("errors", total(Suite::errors).as_str()))
        .with_attribute(("skipped", total(Suite::skipped).as_str()));
    let run_time = seconds_between(&report.run.started_at, &report.run.finished_at);
    if let Some(time) = run_time {
        root = root.with_attribute(("time", seconds(time).as_str()));
    }
    if let Some(timestamp) = timestamp(&report.run.started_at) {
        root = root.with_attribute(("timestamp", timestamp.as_str()));
    }
    root.write_inner_content(|writer| {
        for suite in &suites {
            write_suite(writer, suite)?;
        }
        Ok(())
    })?;
    let mut bytes = writer.into_inner();
    bytes.push(b'\n');
    String::from_utf8(bytes).map_err(io::Error::other)
}

fn write_suite(writer: &mut Writer<Vec<u8>>, suite: &Suite) -> io::Result<()> {
    let mut element = writer
        .create_element("testsuite")
        .with_attribute(("name", attr(&suite.name).as_str()))
        .with_attribute(("tests", suite.tests().to_string().as_str()))
        .with_attribute(("failures", suite.failures().to_string().as_str()))
        .with_attribute(("errors", suite.errors().to_string().as_str()))
        .with_attribute(("skipped", suite.skipped().to_string().as_str()));
    if let Some(time) = suite.time {
        element = element.with_attribute(("time", seconds(time).as_str()));
    }
    if let Some(timestamp) = &suite.timestamp {
        element = element.with_attribute(("timestamp", timestamp.as_str()));
    }
    element.write_inner_content(|writer| {
        if !suite.properties.is_empty() {
            writer
                .create_element("properties")
                .write_inner_content(|writer| {
                    for (name, value) in &suite.properties {
                        writer
                            .create_element("property")
                            .with_attribute(("name", *name))
                            .with_attribute(("value", attr(value).as_str()))
                            .write_empty()?;
                    }
                    Ok(())
                })?;
        }
        for case in &suite.cases {
            write_case(writer, &suite.name, case)?;
        }
        if !suite.errors.is_empty() {
            writer
                .create_element("testcase")
                .with_attribute(("name", "load"))
                .with_attribute(("classname", attr(&suite.name).as_str()))
                .write_inner_content(|writer| {
                    for (message, text) in &suite.errors {
                        writer
                            .create_element("error")
                            .with_attribute(("message", attr(message).as_str()))
                            .with_attribute(("type", "load_error"))
                            .write_text_content(BytesText::new(&xml_text(text)))?;
                    }
                    Ok(())
                })?;
        }
        Ok(())
    })?;
    Ok(())
}

fn write_case(writer: &mut Writer<Vec<u8>>, classname: &str, case: &Case) -> io::Result<()> {
    let mut element = writer
        .create_element("testcase")
        .with_attribute(("name", attr(&case.name).as_str()))
        .with_attribute(("classname", attr(classname).as_str()));
    if let Some(time) = case.time {
        element = element.with_attribute(("time", seconds(time).as_str()));
    }
    if case.outcome.is_none() && case.output.is_none() {
        element.write_empty()?;
        return Ok(());
    }
    element.write_inner_content(|writer| {
        match &case.outcome {
            None => {}
            Some(Outcome::Skipped { message }) => {
                writer
                    .create_element("skipped")
                    .with_attribute(("message", attr(message).as_str()))
                    .write_empty()?;
            }
            Some(Outcome::Failure {
                message,
                kind,
                text,
            }) => {
                writer
                    .create_element("failure")
                    .with_attribute(("message", attr(message).as_str()))
                    .with_attribute(("type", attr(kind).as_str()))
                    .write_text_content(BytesText::new(&xml_text(text)))?;
            }
            Some(Outcome::Error {
                message,
                kind,
                text,
            }) => {
                writer
                    .create_element("error")
                    .with_attribute(("message", attr(message).as_str()))
                    .with_attribute(("type", attr(kind).as_str()))
                    .write_text_content(BytesText::new(&xml_text(text)))?;
            }
        }
        if let Some(output) = &case.output {
            writer
                .create_element("system-out")
                .write_text_content(BytesText::new(&xml_text(output)))?;
        }
        Ok(())
    })?;
    Ok(())
}

fn scenario_suite(scenario: &ScenarioReport, lang: Lang) -> Suite {
    let mut cases: Vec<Case> = scenario
        .probes
        .iter()
        .map(|p| probe_case(p, lang))
        .collect();
    cases.extend(scenario.thresholds.iter().map(threshold_case));
    if let Some(standards) = &scenario.standards {
        cases.extend(
            standards
                .rules
                .iter()
                .map(|rule| rule_case(rule, standards, lang)),
        );
        cases.push(certification_case(scenario, standards, lang));
    }
    cases.extend(scenario.vantages.iter().map(|v| vantage_case(v, lang)));
    if !scenario.complete {
        cases.push(Case {
            name: "complete".into(),
            time: None,
            outcome: Some(Outcome::Failure {
                message: "the run was interrupted; results are partial".into(),
                kind: "interrupted".into(),
                text: String::new(),
            }),
            output: None,
        });
    }
    let mut properties = vec![
        ("file", scenario.file.clone()),
        ("sha256", scenario.sha256.clone()),
        ("base_url", scenario.service.base_url.clone()),
        (
            "gate",
            wording::gate_word(scenario.gate, Lang::En).to_lowercase(),
        ),
    ];
    if let Some(name) = &scenario.service.name {
        properties.insert(0, ("service", name.clone()));
    }
    if scenario.scenario != "default" {
        properties.push(("scenario", scenario.scenario.clone()));
    }
    if let Some(standards) = &scenario.standards {
        properties.push(("verdict", standards.verdict.to_string()));
        if let Some(index) = standards.index {
            properties.push(("index", format!("{index:.2}")));
        }
        if let Some(predicate) = &standards.predicate {
            properties.push(("predicate", wording::predicate(predicate, lang).to_string()));
        }
    }
    Suite {
        name: scenario.service.id.clone(),
        time: seconds_between(&scenario.started_at, &scenario.finished_at),
        timestamp: timestamp(&scenario.started_at),
        properties,
        cases,
        errors: Vec::new(),
    }
}

fn probe_case(probe: &ProbeReport, lang: Lang) -> Case {
    let name = format!("probe {}", probe.id);
    let time = probe.latency_ms.map(|ms| ms / 1000.0);
    let request = match (&probe.method, &probe.url) {
        (Some(method), Some(url)) => format!("{method} {url}"),
        _ => String::new(),
    };
    let outcome = if probe.passed {
        None
    } else if let Some(reason) = &probe.skipped_reason {
        // A probe that could not be sent counts as failed (semantics.md).
        Some(Outcome::Failure {
            message: format!("{}: {reason}", lang.pick("tidak dikirim", "not sent")),
            kind: "not_sent".into(),
            text: reason.clone(),
        })
    } else {
        let failed: Vec<_> = probe.expectations.iter().filter(|e| !e.passed).collect();
        let mut lines = Vec::new();
        if !request.is_empty() {
            lines.push(request.clone());
        }
        if let Some(error) = &probe.error {
            lines.push(format!("{}: {}", error.kind, error.message));
        }
        for check in &failed {
            lines.push(format!(
                "{}: {} {}, {} {}",
                check.what,
                lang.pick("diharapkan", "expected"),
                check.expected,
                lang.pick("didapat", "got"),
                check.actual
            ));
        }
        let (message, kind) = match (&probe.error, failed.as_slice()) {
            (Some(error), _) => (error.message.clone(), format!("transport.{}", error.kind)),
            (None, [only]) => (
                format!(
                    "{} {} {}, {} {}",
                    only.what,
                    lang.pick("diharapkan", "expected"),
                    only.expected,
                    lang.pick("didapat", "got"),
                    only.actual
                ),
                "expectation".to_string(),
            ),
            (None, many) => (
                format!(
                    "{} {}",
                    many.len(),
                    lang.pick("pemeriksaan gagal", "expectations failed")
                ),
                "expectation".to_string(),
            ),
        };
        Some(Outcome::Failure {
            message,
            kind,
            text: lines.join("\n"),
        })
    };
    Case {
        name,
        time,
        outcome,
        output: None,
    }
}

fn threshold_case(threshold: &ThresholdOutcome) -> Case {
    let probe = threshold
        .probe
        .as_ref()
        .map(|probe| format!("[{probe}]"))
        .unwrap_or_default();
    let name = format!(
        "threshold {}{probe} {} {}",
        threshold.metric,
        threshold.op,
        wording::limit_text(threshold)
    );
    let outcome = match threshold.status {
        ThresholdStatus::Fail => Some(Outcome::Failure {
            message: threshold.display.clone(),
            kind: "threshold".into(),
            text: threshold.display.clone(),
        }),
        ThresholdStatus::Skipped => Some(Outcome::Skipped {
            message: threshold
                .reason
                .clone()
                .unwrap_or_else(|| threshold.display.clone()),
        }),
        ThresholdStatus::Pass => None,
    };
    Case {
        name,
        time: None,
        outcome,
        output: None,
    }
}

fn rule_case(rule: &RuleReport, standards: &StandardsReport, lang: Lang) -> Case {
    let name = match wording::rule_title(rule, lang) {
        Some(title) => format!("rule {} {title}", rule.code),
        None => format!("rule {}", rule.code),
    };
    let mut details: Vec<String> = wording::evidence_lines(&rule.evidence, lang)
        .into_iter()
        .map(|(label, value)| format!("{label}: {value}"))
        .collect();
    let fix = rule.fix.as_ref().map(|fix| {
        format!(
            "{}: {}",
            lang.pick("perbaikan", "fix"),
            wording::localized(fix, lang)
        )
    });
    let outcome_word = wording::outcome_word(rule, lang);
    let outcome = match rule.outcome {
        RuleState::Waived | RuleState::NotApplicable => Some(Outcome::Skipped {
            message: outcome_word.clone(),
        }),
        RuleState::Inconclusive => Some(Outcome::Error {
            message: outcome_word.clone(),
            kind: "inconclusive".into(),
            text: details.join("\n"),
        }),
        _ if wording::rule_failed(rule, standards) => {
            let mut text = details.clone();
            text.extend(fix.clone());
            Some(Outcome::Failure {
                message: format!(
                    "{outcome_word}{}",
                    if rule.critical {
                        lang.pick(" (aturan kritis)", " (critical rule)")
                    } else {
                        ""
                    }
                ),
                kind: "rule".into(),
                text: text.join("\n"),
            })
        }
        _ => None,
    };
    // A passing rule still shows its level and evidence to whoever opens the case.
    let output = match &outcome {
        None => {
            details.insert(0, outcome_word);
            Some(details.join("\n"))
        }
        Some(_) => None,
    };
    Case {
        name,
        time: None,
        outcome,
        output,
    }
}

fn certification_case(scenario: &ScenarioReport, standards: &StandardsReport, lang: Lang) -> Case {
    let word = wording::verdict_word(standards, lang);
    let mut lines = vec![format!(
        "{}: {word}; {}: {}; {}",
        lang.pick("verdik", "verdict"),
        lang.pick("indeks", "index"),
        wording::index_text(standards),
        standards
            .predicate
            .as_ref()
            .map_or("-", |p| wording::predicate(p, lang))
    )];
    lines.extend(
        standards
            .verdict_reasons
            .iter()
            .map(|reason| wording::reason_text(reason, lang)),
    );
    if !standards.conditions.is_empty() {
        let conditions: Vec<String> = standards
            .conditions
            .iter()
            .map(|condition| wording::condition_text(condition, lang))
            .collect();
        lines.push(format!(
            "{}: {}",
            wording::verdict_conditions_notice(standards, lang).trim_end_matches('.'),
            conditions.join(", ")
        ));
    }
    lines.extend(standards.warnings.iter().cloned());
    lines.push(wording::verdict_disclaimer(standards, lang));
    let outcome = match standards.verdict {
        Verdict::Certified => None,
        Verdict::NotEvaluated => Some(Outcome::Skipped {
            message: lines[1..].first().cloned().unwrap_or_else(|| word.clone()),
        }),
        _ if !wording::verdict_gates(scenario, standards) => Some(Outcome::Skipped {
            message: format!("{word} (standards.gate: none)"),
        }),
        verdict => Some(Outcome::Failure {
            message: word.clone(),
            kind: verdict.to_string(),
            text: lines.join("\n"),
        }),
    };
    let output = outcome.is_none().then(|| lines.join("\n"));
    Case {
        name: "certification".into(),
        time: None,
        outcome,
        output,
    }
}

/// One vantage of a merged scenario: its own gate, with its figures as the HTML
/// report's "By vantage" table shows them.
fn vantage_case(vantage: &VantageReport, lang: Lang) -> Case {
    let availability = wording::vantage_availability(vantage);
    let p95 = wording::vantage_p95(vantage);
    let failed = if vantage.failed_probes.is_empty() {
        "-".to_string()
    } else {
        vantage.failed_probes.join(", ")
    };
    let figures = format!(
        "{} {availability}, p95 {p95}, {}: {failed}",
        lang.pick("ketersediaan", "availability"),
        lang.pick("probe gagal", "failed probes"),
    );
    let mut lines = vec![
        format!(
            "{}: {}",
            lang.pick("gerbang", "gate"),
            wording::gate_word(vantage.gate, lang)
        ),
        figures.clone(),
    ];
    if vantage.index.is_some() || vantage.verdict.is_some() {
        lines.push(format!(
            "{}: {}; {}: {}",
            lang.pick("indeks", "index"),
            vantage
                .index
                .map_or_else(|| "-".to_string(), |index| format!("{index:.2}")),
            lang.pick("verdik", "verdict"),
            vantage.verdict.map_or_else(
                || "-".to_string(),
                |verdict| wording::verdict_code_word(verdict, false, lang)
            ),
        ));
    }
    lines.push(format!("run_id: {}", vantage.run_id));
    let outcome = (vantage.gate == Gate::Fail).then(|| Outcome::Failure {
        message: format!(
            "{} {}: {figures}",
            lang.pick("gagal dari titik uji", "failed from vantage"),
            vantage.vantage
        ),
        kind: "vantage".into(),
        text: lines.join("\n"),
    });
    let output = outcome.is_none().then(|| lines.join("\n"));
    Case {
        name: format!("vantage {}", vantage.vantage),
        time: None,
        outcome,
        output,
    }
}

fn load_error_suite(error: &LoadErrorReport) -> Suite {
    let errors = error
        .errors
        .iter()
        .map(|problem| {
            let message = format!(
                "{}:{}:{}: {}",
                error.file, problem.line, problem.column, problem.message
            );
            let mut text = format!("{message}\n  at `{}`", problem.path);
            if let Some(help) = &problem.help {
                text.push_str(&format!("\n  help: {help}"));
            }
            (message, text)
        })
        .collect::<Vec<_>>();
    Suite {
        name: error.file.clone(),
        time: None,
        timestamp: None,
        properties: vec![("file", error.file.clone())],
        cases: Vec::new(),
        errors: if errors.is_empty() {
            vec![(
                format!("{}: could not be loaded", error.file),
                String::new(),
            )]
        } else {
            errors
        },
    }
}

/// Text content: characters XML 1.0 cannot carry become U+FFFD.
fn xml_text(text: &str) -> String {
    text.chars()
        .map(|c| if xml_char(c) { c } else { '\u{FFFD}' })
        .collect()
}

/// An attribute value: as [`xml_text`], and on one line (parsers fold line breaks
/// in attributes to spaces anyway).
fn attr(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if xml_char(c) => c,
            _ => '\u{FFFD}',
        })
        .collect()
}

/// XML 1.0 `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn seconds(value: f64) -> String {
    format!("{:.3}", value.max(0.0))
}

fn parse_time(text: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

fn seconds_between(start: &str, end: &str) -> Option<f64> {
    let (start, end) = (parse_time(start)?, parse_time(end)?);
    Some((end - start).as_seconds_f64().max(0.0))
}

/// The Ant format's timestamp: ISO 8601 without a zone (the value is UTC).
fn timestamp(rfc3339: &str) -> Option<String> {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    parse_time(rfc3339)?
        .to_offset(time::UtcOffset::UTC)
        .format(&format)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn illegal_characters_become_replacement_characters() {
        assert_eq!(
            xml_text("a\u{0}b\u{1b}[31mc\u{FFFE}\td\n"),
            "a\u{FFFD}b\u{FFFD}[31mc\u{FFFD}\td\n"
        );
        assert_eq!(attr("one\ntwo\u{7}"), "one two\u{FFFD}");
    }

    #[test]
    fn ant_timestamps_have_no_zone() {
        assert_eq!(
            timestamp("2026-11-28T16:50:15.91785586Z").as_deref(),
            Some("2026-11-28T16:50:15")
        );
        assert_eq!(
            seconds_between("2026-11-28T16:50:15Z", "2026-11-28T16:50:19.5Z"),
            Some(4.5)
        );
        assert_eq!(timestamp("not a time"), None);
    }

    fn vantage(name: &str, gate: Gate) -> VantageReport {
        VantageReport {
            vantage: name.into(),
            run_id: "run-b".into(),
            gate,
            availability: Some(0.25),
            samples: 4,
            up: 1,
            p95_ms: Some(240.4),
            p95_source: Some("load".into()),
            failed_probes: vec!["health".into(), "penduduk".into()],
            index: Some(3.9),
            verdict: Some(Verdict::NotCertified),
        }
    }

    fn case_xml(case: &Case) -> String {
        let mut writer = Writer::new(Vec::new());
        write_case(&mut writer, "dukcapil", case).expect("writes");
        String::from_utf8(writer.into_inner()).expect("UTF-8")
    }

    #[test]
    fn a_vantage_that_failed_its_gate_is_a_failing_case() {
        let xml = case_xml(&vantage_case(&vantage("me\u{1b}dan", Gate::Fail), Lang::En));
        assert!(
            xml.starts_with(
                "<testcase name=\"vantage me\u{FFFD}dan\" classname=\"dukcapil\"><failure \
                 message=\"failed from vantage me\u{FFFD}dan: availability 25.0% (1/4), p95 240 ms \
                 (load), failed probes: health, penduduk\" type=\"vantage\">"
            ),
            "{xml}"
        );
        assert!(xml.contains("run_id: run-b"), "{xml}");
        let id = case_xml(&vantage_case(&vantage("medan", Gate::Fail), Lang::Id));
        assert!(
            id.contains("message=\"gagal dari titik uji medan: ketersediaan 25.0% (1/4)"),
            "{id}"
        );
        assert!(id.contains("probe gagal: health, penduduk"), "{id}");
    }

    #[test]
    fn a_vantage_that_passed_is_a_passing_case_with_its_figures() {
        let passed = vantage_case(&vantage("jakarta", Gate::Pass), Lang::En);
        assert!(passed.outcome.is_none());
        let xml = case_xml(&passed);
        assert!(!xml.contains("<failure"), "{xml}");
        assert!(xml.contains("<system-out>gate: PASS\n"), "{xml}");
    }
}
