//! junit.xml in the Jenkins/Ant JUnit structure that CI systems read
//! (`schemas/junit.xsd` describes it; the tests validate against it).
//!
//! A case fails if and only if it makes its scenario's gate fail: the writer reads
//! which findings did from `gate_reasons` (decided once, by `judge::gate::decide`),
//! so a CI dashboard is red exactly when the gate is. Every other finding stays
//! visible without turning the job red: a rule below L5 is a passed case with its
//! level, evidence and fix in `<system-out>`; a verdict that does not gate, or a
//! rule that could not be measured, is `<skipped>` with the reason.
//!
//! Root `<testsuites>`; one `<testsuite>` per scenario, named by its service id.
//! Cases, with `classname` = the service id and `file` = the scenario's path.
//! Names are ids, codes and metric names, the same in every `--lang`:
//! - `probe <id>`: fails when the probe did not pass; the failure lists each
//!   failed expectation (expected, actual) or the transport error, and a fix;
//! - `threshold <metric>[<probe>] <op> <limit>` (`threshold rule <code> ...` for a
//!   rule threshold): fails when it failed, skipped when its source was skipped;
//! - `rule <code>`: fails only when the verdict gates and names the rule (a
//!   critical rule below the catalogue's minimum, or one that could not be
//!   measured: then an `<error>`); skipped when waived, not applicable or
//!   inconclusive; otherwise passes, with its level and, below L5, its fix;
//! - `certification`, when the scenario has `standards:`: fails when the verdict
//!   gates; skipped when `not_evaluated` or when the verdict does not gate;
//! - `vantage <name>`, one per vantage of a scenario merged from several
//!   (`ujilab merge`): fails when a failure of the gate was seen from there (a
//!   probe that failed there, or its verdict that gates); otherwise passes with
//!   that vantage's own gate, availability, p95 and failed probes;
//! - `complete`, when the run was cut short: fails (nothing unmeasured passes);
//! - `gate`, only if a reason of the gate has no case above (a report written by
//!   another version): fails with that reason, so no failed gate is ever green.
//!
//! A scenario that could not be loaded is a suite named by its file, with one case
//! holding one `<error>` per problem; a YAML file skipped as not a scenario is a
//! suite named by its file with one skipped case. Characters XML 1.0 cannot carry
//! become U+FFFD.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use input::lang::Lang;

use crate::model::{
    GateReason, LoadErrorReport, Op, ProbeReport, Report, RuleReport, RuleState, ScenarioEntry,
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
    /// The scenario file, as the `file` attribute of every case.
    file: String,
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
    let mut suites: Vec<Suite> = report
        .scenarios
        .iter()
        .map(|entry| match entry {
            ScenarioEntry::Ran(scenario) => {
                let mut suite = scenario_suite(scenario, lang);
                // Over watch history: the window and the samples this service had in it.
                if let Some(window) = &report.run.history_window {
                    let samples = scenario.availability.as_ref().map_or(0, |a| a.samples);
                    suite.properties.extend([
                        ("history_from", window.from.clone()),
                        ("history_to", window.to.clone()),
                        ("history_samples", samples.to_string()),
                    ]);
                }
                suite
            }
            ScenarioEntry::LoadError(error) => load_error_suite(error),
        })
        .chain(
            report
                .run
                .skipped
                .iter()
                .map(|file| skipped_file_suite(file, lang)),
        )
        .collect();
    // Every file of a report set names its run.
    for suite in &mut suites {
        suite.properties.push(("run_id", report.run.id.clone()));
    }
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
            write_case(writer, suite, case)?;
        }
        if !suite.errors.is_empty() {
            writer
                .create_element("testcase")
                .with_attribute(("name", "load"))
                .with_attribute(("classname", attr(&suite.name).as_str()))
                .with_attribute(("file", attr(&suite.file).as_str()))
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

fn write_case(writer: &mut Writer<Vec<u8>>, suite: &Suite, case: &Case) -> io::Result<()> {
    let mut element = writer
        .create_element("testcase")
        .with_attribute(("name", attr(&case.name).as_str()))
        .with_attribute(("classname", attr(&suite.name).as_str()))
        .with_attribute(("file", attr(&suite.file).as_str()));
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

/// What made a scenario's gate fail, read from its `gate_reasons`: a case fails
/// if and only if its finding is here. `claimed` marks the reasons some case
/// took, so that none is left without a failing case.
struct GateFindings<'a> {
    reasons: &'a [GateReason],
    claimed: std::cell::RefCell<Vec<bool>>,
}

impl<'a> GateFindings<'a> {
    fn new(scenario: &'a ScenarioReport) -> Self {
        GateFindings {
            reasons: &scenario.gate_reasons,
            claimed: std::cell::RefCell::new(vec![false; scenario.gate_reasons.len()]),
        }
    }

    /// Whether any reason matches, claiming every one that does.
    fn claim(&self, matches: impl Fn(&GateReason) -> bool) -> bool {
        let mut claimed = self.claimed.borrow_mut();
        let mut any = false;
        for (at, reason) in self.reasons.iter().enumerate() {
            if matches(reason) {
                claimed[at] = true;
                any = true;
            }
        }
        any
    }

    fn probe(&self, id: &str) -> bool {
        self.claim(|reason| matches!(reason, GateReason::Probe { id: failed, .. } if failed == id))
    }

    fn threshold(&self, display: &str) -> bool {
        self.claim(
            |reason| matches!(reason, GateReason::Threshold { display: failed } if failed == display),
        )
    }

    fn verdict(&self) -> Option<Verdict> {
        let verdict = self.reasons.iter().find_map(|reason| match reason {
            GateReason::StandardsVerdict(verdict) => Some(*verdict),
            _ => None,
        });
        self.claim(|reason| matches!(reason, GateReason::StandardsVerdict(_)));
        verdict
    }

    /// Whether the verdict gates, without claiming it (rule and vantage cases
    /// explain the verdict; the certification case owns it).
    fn verdict_gates(&self) -> bool {
        self.reasons
            .iter()
            .any(|reason| matches!(reason, GateReason::StandardsVerdict(_)))
    }

    /// Probes that failed from `vantage`, as the gate names them.
    fn failed_from(&self, vantage: &str) -> Vec<&'a str> {
        self.reasons
            .iter()
            .filter_map(|reason| match reason {
                GateReason::Probe {
                    id,
                    vantage: Some(seen),
                    ..
                } if seen == vantage => Some(id.as_str()),
                _ => None,
            })
            .collect()
    }

    fn interrupted(&self) -> bool {
        self.claim(|reason| matches!(reason, GateReason::Interrupted))
    }

    /// The reasons no case claimed.
    fn unclaimed(&self) -> Vec<&'a GateReason> {
        let claimed = self.claimed.borrow();
        self.reasons
            .iter()
            .zip(claimed.iter())
            .filter(|(_, claimed)| !**claimed)
            .map(|(reason, _)| reason)
            .collect()
    }
}

fn scenario_suite(scenario: &ScenarioReport, lang: Lang) -> Suite {
    let gate = GateFindings::new(scenario);
    let file = scenario.file.as_str();
    let mut cases: Vec<Case> = scenario
        .probes
        .iter()
        .map(|p| probe_case(p, gate.probe(&p.id), file, lang))
        .collect();
    cases.extend(
        scenario
            .thresholds
            .iter()
            .map(|t| threshold_case(t, gate.threshold(&t.display), file, lang)),
    );
    if let Some(standards) = &scenario.standards {
        let gating = gate.verdict_gates();
        let named = verdict_rules(standards);
        cases.extend(standards.rules.iter().map(|rule| {
            let fails = gating && named.iter().any(|code| *code == rule.code);
            rule_case(rule, standards, fails, lang)
        }));
        cases.push(certification_case(
            scenario,
            standards,
            gate.verdict(),
            lang,
        ));
    }
    cases.extend(scenario.vantages.iter().map(|vantage| {
        let failed_here = gate.failed_from(&vantage.vantage);
        let verdict_here =
            gate.verdict_gates() && vantage.verdict.is_some_and(|verdict| verdict.fails_gate());
        vantage_case(vantage, &failed_here, verdict_here, lang)
    }));
    if let Some(case) = unsustained_rate_case(scenario, lang) {
        cases.push(case);
    }
    let interrupted = gate.interrupted();
    if interrupted || !scenario.complete {
        cases.push(complete_case(interrupted, lang));
    }
    let unclaimed = gate.unclaimed();
    if !unclaimed.is_empty() {
        let lines: Vec<String> = unclaimed.iter().map(|reason| reason.to_string()).collect();
        cases.push(Case {
            name: "gate".into(),
            time: None,
            outcome: Some(Outcome::Failure {
                message: lines.join("; "),
                kind: "gate".into(),
                text: lines.join("\n"),
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
    if !scenario.complete {
        properties.push(("complete", "false".into()));
    }
    if let Some(held) = scenario.load.as_ref().and_then(|load| load.rate_sustained) {
        properties.push(("rate_sustained", held.to_string()));
    }
    if let Some(standards) = &scenario.standards {
        properties.push(("verdict", standards.verdict.to_string()));
        if let Some(index) = standards.index {
            properties.push(("index", format!("{index:.2}")));
        }
        if let Some(predicate) = wording::predicate_shown(standards, lang) {
            properties.push(("predicate", predicate.to_string()));
        }
    }
    Suite {
        name: scenario.service.id.clone(),
        file: scenario.file.clone(),
        time: seconds_between(&scenario.started_at, &scenario.finished_at),
        timestamp: timestamp(&scenario.started_at),
        properties,
        cases,
        errors: Vec::new(),
    }
}

/// An open-model load run that did not send at its target rate: a `load` case
/// that passes (the rate gates nothing by itself; thresholds on the figures do)
/// with the achieved rate and the load notes in `<system-out>`, so that a CI
/// reader sees the figures were measured under less load than asked.
fn unsustained_rate_case(scenario: &ScenarioReport, lang: Lang) -> Option<Case> {
    let load = scenario.load.as_ref()?;
    if load.rate_sustained != Some(false) {
        return None;
    }
    Some(Case {
        name: "load".into(),
        time: None,
        outcome: None,
        output: Some(wording::load_notes(scenario, lang).join("\n")),
    })
}

/// The rule codes the verdict's reasons name: critical rules below their minimum
/// and critical rules that could not be measured.
fn verdict_rules(standards: &StandardsReport) -> Vec<&str> {
    let mut codes = Vec::new();
    for reason in &standards.verdict_reasons {
        let Some(rules) = reason.get("rules").and_then(|rules| rules.as_array()) else {
            continue;
        };
        for rule in rules {
            // `critical_below_min` lists `{code, level}`; `critical_inconclusive` codes.
            if let Some(code) = rule.get("code").and_then(|c| c.as_str()).or(rule.as_str()) {
                codes.push(code);
            }
        }
    }
    codes
}

fn expected_actual(what: &str, expected: &str, actual: &str, lang: Lang) -> String {
    let line = format!(
        "{} {expected}, {} {actual}",
        lang.pick("diharapkan", "expected"),
        lang.pick("didapat", "actual")
    );
    if what.is_empty() {
        line
    } else {
        format!("{what}: {line}")
    }
}

fn fix_line(fix: &str, lang: Lang) -> String {
    format!("{}: {fix}", lang.pick("perbaikan", "fix"))
}

fn probe_case(probe: &ProbeReport, fails: bool, file: &str, lang: Lang) -> Case {
    let name = format!("probe {}", probe.id);
    let time = probe.latency_ms.map(|ms| ms / 1000.0);
    let mut lines = Vec::new();
    if let (Some(method), Some(url)) = (&probe.method, &probe.url) {
        lines.push(format!("{method} {url}"));
    }
    if let Some(vantage) = &probe.vantage {
        lines.push(format!("{}: {vantage}", lang.pick("titik uji", "vantage")));
    }
    if let Some(generated) = &probe.generated {
        let operation = generated.operation_id.as_deref().unwrap_or("-");
        lines.push(format!(
            "{} {operation} (GET {})",
            lang.pick("dibuat dari OpenAPI:", "generated from OpenAPI:"),
            generated.path
        ));
    }
    let failed: Vec<_> = probe.expectations.iter().filter(|e| !e.passed).collect();
    let (message, kind, fix) = if let Some(reason) = &probe.skipped_reason {
        // A probe that could not be sent counts as failed (semantics.md).
        lines.push(reason.clone());
        (
            format!("{}: {reason}", lang.pick("tidak dikirim", "not sent")),
            "not_sent".to_string(),
            lang.pick(
                "probe ini membutuhkan nilai yang ditangkap probe sebelumnya; luluskan probe itu lebih dulu",
                "the probe needs a value captured by an earlier probe; make that probe pass first",
            )
            .to_string(),
        )
    } else if let Some(error) = &probe.error {
        // In Indonesian, the failed `response` check says it in words (the
        // English keeps the transport's sentence as it was).
        let actual = failed
            .iter()
            .filter(|_| lang == Lang::Id)
            .find(|check| check.what == "response")
            .map(|check| check.actual_text(lang).to_string())
            .unwrap_or_else(|| {
                let said = wording::transport_text(error.kind, &error.message, lang);
                format!("{}: {said}", error.kind)
            });
        let message = expected_actual(
            "",
            lang.pick("respons HTTP", "an HTTP response"),
            &actual,
            lang,
        );
        lines.push(message.clone());
        let fix = match lang {
            Lang::Id => format!(
                "permintaan tidak mendapat respons lengkap ({}); pastikan layanan berjalan dan dapat dijangkau dari tempat ujilab dijalankan",
                error.kind
            ),
            Lang::En => format!(
                "the request got no complete response ({}); check that the service is up and reachable from where ujilab runs",
                error.kind
            ),
        };
        (message, format!("transport.{}", error.kind), fix)
    } else {
        let checks: Vec<String> = failed
            .iter()
            .map(|check| {
                expected_actual(
                    check.what_text(lang),
                    check.expected_text(lang),
                    check.actual_text(lang),
                    lang,
                )
            })
            .collect();
        lines.extend(checks.iter().cloned());
        let fix = match lang {
            Lang::Id => format!(
                "buat layanan merespons sesuai `expect` probe ini, atau perbaiki ekspektasinya di {file}"
            ),
            Lang::En => format!(
                "make the service answer as the probe's `expect` says, or correct the expectation in {file}"
            ),
        };
        (checks.join("; "), "expectation".to_string(), fix)
    };
    let outcome = fails.then(|| {
        let mut text = lines.clone();
        text.push(fix_line(&fix, lang));
        Outcome::Failure {
            message,
            kind,
            text: text.join("\n"),
        }
    });
    // A probe that did not pass yet fails no gate cannot happen in a report this
    // version writes; if one does, what it saw is still shown.
    let output = (outcome.is_none() && !probe.passed).then(|| lines.join("\n"));
    Case {
        name,
        time,
        outcome,
        output,
    }
}

fn threshold_case(threshold: &ThresholdOutcome, fails: bool, file: &str, lang: Lang) -> Case {
    let metric = match (&threshold.rule, &threshold.probe) {
        (Some(rule), _) => format!("{} {rule}", threshold.metric),
        (None, Some(probe)) => format!("{}[{probe}]", threshold.metric),
        (None, None) => threshold.metric.clone(),
    };
    let limit = wording::limit_text(threshold);
    let name = format!("threshold {metric} {} {limit}", threshold.op);
    let symbol = match threshold.op {
        Op::Max => "<=",
        Op::Min => ">=",
    };
    let actual = match threshold.actual {
        Some(value) => wording::number(&wording::figure_text(threshold.unit, value), lang),
        None => threshold
            .reason
            .clone()
            .unwrap_or_else(|| lang.pick("tidak ada data", "no data").to_string()),
    };
    // In Indonesian the metric stays as the scenario names it, marked as a key.
    let (shown, limit_shown) = match lang {
        Lang::Id => (format!("`{metric}`"), wording::number(&limit, lang)),
        Lang::En => (metric.clone(), limit.clone()),
    };
    let message = expected_actual(&shown, &format!("{symbol} {limit_shown}"), &actual, lang);
    let outcome = match threshold.status {
        _ if fails => {
            let fix = match lang {
                Lang::Id => format!(
                    "bawa {shown} ke dalam batas {symbol} {limit_shown}, atau ubah ambang di {file} bila batasnya keliru"
                ),
                Lang::En => format!(
                    "bring {metric} within {symbol} {limit}, or change the threshold in {file} if the limit is wrong"
                ),
            };
            Some(Outcome::Failure {
                message: message.clone(),
                kind: "threshold".into(),
                text: [
                    threshold.sentence(lang).to_string(),
                    message,
                    fix_line(&fix, lang),
                ]
                .join("\n"),
            })
        }
        ThresholdStatus::Skipped => Some(Outcome::Skipped {
            message: threshold
                .reason
                .clone()
                .unwrap_or_else(|| threshold.sentence(lang).to_string()),
        }),
        ThresholdStatus::Pass | ThresholdStatus::Fail => None,
    };
    let output = outcome
        .is_none()
        .then(|| threshold.sentence(lang).to_string());
    Case {
        name,
        time: None,
        outcome,
        output,
    }
}

fn rule_case(rule: &RuleReport, standards: &StandardsReport, fails: bool, lang: Lang) -> Case {
    let outcome_word = wording::outcome_word(rule, lang);
    let critical = rule
        .critical
        .then(|| lang.pick("kriteria wajib", "critical rule"));
    let mut details = Vec::new();
    if let Some(title) = wording::rule_title(rule, lang) {
        details.push(title.to_string());
    }
    details.extend(
        wording::evidence_items(&rule.evidence, lang)
            .into_iter()
            // The service's own text is quoted: a sample of what it sent, not prose.
            .map(|line| match line.from_service {
                true => format!("{}: {:?}", line.label, line.value),
                false => format!("{}: {}", line.label, line.value),
            }),
    );
    if let Some(waiver) = &rule.waiver {
        details.push(format!(
            "{}: {}",
            lang.pick("pengecualian", "waiver"),
            waiver.reason
        ));
    }
    let fix = rule
        .fix
        .as_ref()
        .map(|fix| fix_line(wording::localized(fix, lang), lang));
    let below_top = rule.outcome == RuleState::Level
        && rule
            .level
            .is_some_and(|level| level < standards.scale.highest);
    let critical_min = standards
        .certification
        .as_ref()
        .map(|certification| certification.critical_min_level);
    let outcome = match rule.outcome {
        RuleState::Inconclusive if fails => Some(Outcome::Error {
            message: format!(
                "{}: {outcome_word} ({})",
                rule.code,
                critical.unwrap_or_default()
            ),
            kind: "inconclusive".into(),
            text: details.join("\n"),
        }),
        _ if fails => {
            let expected = match critical_min {
                Some(min) => format!("{}{min}+", lang.pick("T", "L")),
                None => lang
                    .pick("tingkat minimum", "the minimum level")
                    .to_string(),
            };
            let mut message = expected_actual(&rule.code, &expected, &outcome_word, lang);
            if let Some(critical) = critical {
                message.push_str(&format!(" ({critical})"));
            }
            let mut text = details.clone();
            text.extend(fix.clone());
            Some(Outcome::Failure {
                message,
                kind: "rule".into(),
                text: text.join("\n"),
            })
        }
        RuleState::Waived | RuleState::NotApplicable | RuleState::Inconclusive => {
            Some(Outcome::Skipped {
                message: match (critical, details.last()) {
                    _ if rule.outcome == RuleState::Waived => outcome_word.clone(),
                    (_, Some(detail)) if rule.outcome == RuleState::Inconclusive => {
                        format!("{outcome_word}: {detail}")
                    }
                    _ => outcome_word.clone(),
                },
            })
        }
        RuleState::Level => None,
    };
    // Every case that does not fail still tells its level and, below L5, the fix.
    let output = match &outcome {
        Some(Outcome::Failure { .. } | Outcome::Error { .. }) => None,
        _ => {
            let mut lines = vec![match critical {
                Some(critical) => format!("{outcome_word} ({critical})"),
                None => outcome_word.clone(),
            }];
            lines.extend(details);
            if below_top {
                lines.extend(fix);
            }
            Some(lines.join("\n"))
        }
    };
    Case {
        name: format!("rule {}", rule.code),
        time: None,
        outcome,
        output,
    }
}

fn certification_case(
    scenario: &ScenarioReport,
    standards: &StandardsReport,
    gating: Option<Verdict>,
    lang: Lang,
) -> Case {
    let word = wording::verdict_word(standards, lang);
    let reasons: Vec<String> = standards
        .verdict_reasons
        .iter()
        .map(|reason| wording::reason_text(reason, lang))
        .collect();
    let mut lines = vec![format!(
        "{}: {word}; {}: {}; {}",
        lang.pick("kesimpulan", "verdict"),
        lang.pick("indeks", "index"),
        wording::index_text(standards, lang),
        wording::predicate_shown(standards, lang).unwrap_or("-")
    )];
    lines.extend(reasons.iter().cloned());
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
    let with_reasons = |head: String| {
        if reasons.is_empty() {
            head
        } else {
            format!("{head}: {}", reasons.join("; "))
        }
    };
    let outcome = match gating {
        Some(verdict) => {
            let mut text = lines.clone();
            // The fixes of the critical rules the verdict names, then where the
            // rest is.
            for code in verdict_rules(standards) {
                let fix = standards
                    .rules
                    .iter()
                    .find(|rule| rule.code == code)
                    .and_then(|rule| rule.fix.as_ref());
                if let Some(fix) = fix {
                    text.push(fix_line(
                        &format!("{code}: {}", wording::localized(fix, lang)),
                        lang,
                    ));
                }
            }
            text.push(fix_line(
                lang.pick(
                    "naikkan kriteria dengan tingkat terendah; tiap kasus `rule` menjelaskan caranya",
                    "raise the rules with the lowest levels; each `rule` case says how",
                ),
                lang,
            ));
            text.push(wording::verdict_disclaimer(standards, lang));
            Some(Outcome::Failure {
                message: with_reasons(expected_actual(
                    "",
                    &wording::verdict_code_word(Verdict::Certified, false, lang),
                    &word,
                    lang,
                )),
                kind: verdict.to_string(),
                text: text.join("\n"),
            })
        }
        None if standards.verdict == Verdict::Certified => None,
        None if standards.verdict == Verdict::NotEvaluated => Some(Outcome::Skipped {
            message: with_reasons(word.clone()),
        }),
        None => {
            let why = if wording::gate_none(scenario, standards) {
                "standards.gate: none"
            } else {
                lang.pick(
                    "kesimpulan tidak menentukan status uji",
                    "the verdict does not gate",
                )
            };
            Some(Outcome::Skipped {
                message: with_reasons(format!("{word} ({why})")),
            })
        }
    };
    lines.push(wording::verdict_disclaimer(standards, lang));
    let output = (!matches!(outcome, Some(Outcome::Failure { .. }))).then(|| lines.join("\n"));
    Case {
        name: "certification".into(),
        time: None,
        outcome,
        output,
    }
}

/// One vantage of a merged scenario: its own gate, with its figures as the HTML
/// report's "By vantage" table shows them. It fails when the merged gate failed on
/// something seen from there: `failed_here` (its probes the gate names), or its
/// verdict when the verdict gates.
fn vantage_case(
    vantage: &VantageReport,
    failed_here: &[&str],
    verdict_here: bool,
    lang: Lang,
) -> Case {
    let availability = wording::vantage_availability(vantage, lang);
    let p95 = wording::vantage_p95(vantage, lang);
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
            lang.pick("status uji", "gate"),
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
            lang.pick("kesimpulan", "verdict"),
            vantage.verdict.map_or_else(
                || "-".to_string(),
                |verdict| wording::verdict_code_word(verdict, false, lang)
            ),
        ));
    }
    lines.push(format!("run_id: {}", vantage.run_id));
    let fails = !failed_here.is_empty() || verdict_here;
    let outcome = fails.then(|| {
        let mut text = lines.clone();
        if !failed_here.is_empty() {
            text.push(fix_line(
                &match lang {
                    Lang::Id => format!(
                        "lihat kasus probe {}: permintaan dari titik uji ini adalah buktinya",
                        failed_here.join(", ")
                    ),
                    Lang::En => format!(
                        "see the probe cases {}: this vantage's exchange is their evidence",
                        failed_here.join(", ")
                    ),
                },
                lang,
            ));
        }
        Outcome::Failure {
            message: format!(
                "{} {}: {figures}",
                lang.pick("gagal dari titik uji", "failed from vantage"),
                vantage.vantage
            ),
            kind: "vantage".into(),
            text: text.join("\n"),
        }
    });
    let output = outcome.is_none().then(|| lines.join("\n"));
    Case {
        name: format!("vantage {}", vantage.vantage),
        time: None,
        outcome,
        output,
    }
}

/// A scenario cut short. It fails when the gate says so (nothing unmeasured may
/// pass); a report whose gate does not is shown as skipped, still visible.
fn complete_case(fails: bool, lang: Lang) -> Case {
    let message = expected_actual(
        "",
        lang.pick("uji selesai", "a complete run"),
        lang.pick(
            "dihentikan sebelum selesai; hasil parsial",
            "interrupted; results are partial",
        ),
        lang,
    );
    let fix = fix_line(
        lang.pick(
            "jalankan lagi sampai selesai (tanpa Ctrl-C atau --max-duration yang terlalu pendek)",
            "run it again to the end (no Ctrl-C, no --max-duration too short for it)",
        ),
        lang,
    );
    let outcome = if fails {
        Outcome::Failure {
            message: message.clone(),
            kind: "interrupted".into(),
            text: format!("{message}\n{fix}"),
        }
    } else {
        Outcome::Skipped { message }
    };
    Case {
        name: "complete".into(),
        time: None,
        outcome: Some(outcome),
        output: None,
    }
}

/// A YAML file skipped as not a scenario: a suite named by its file whose one
/// case is skipped, so CI lists it without turning anything red.
fn skipped_file_suite(file: &str, lang: Lang) -> Suite {
    Suite {
        name: file.to_string(),
        file: file.to_string(),
        time: None,
        timestamp: None,
        properties: vec![("file", file.to_string())],
        cases: vec![Case {
            name: "scenario".into(),
            time: None,
            outcome: Some(Outcome::Skipped {
                message: lang
                    .pick(
                        "bukan skenario: tidak ada kunci skenario di tingkat teratas",
                        "not a scenario: no scenario key at its top level",
                    )
                    .to_string(),
            }),
            output: None,
        }],
        errors: Vec::new(),
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
        file: error.file.clone(),
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
    use crate::model::Gate;

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
        let suite = Suite {
            name: "dukcapil".into(),
            file: "scenarios/dukcapil.yaml".into(),
            time: None,
            timestamp: None,
            properties: Vec::new(),
            cases: Vec::new(),
            errors: Vec::new(),
        };
        let mut writer = Writer::new(Vec::new());
        write_case(&mut writer, &suite, case).expect("writes");
        String::from_utf8(writer.into_inner()).expect("UTF-8")
    }

    #[test]
    fn a_vantage_where_the_gate_failed_is_a_failing_case() {
        let failed = ["health", "penduduk"];
        let xml = case_xml(&vantage_case(
            &vantage("me\u{1b}dan", Gate::Fail),
            &failed,
            false,
            Lang::En,
        ));
        assert!(
            xml.starts_with(
                "<testcase name=\"vantage me\u{FFFD}dan\" classname=\"dukcapil\" \
                 file=\"scenarios/dukcapil.yaml\"><failure \
                 message=\"failed from vantage me\u{FFFD}dan: availability 25.0% (1/4), p95 240 ms \
                 (load), failed probes: health, penduduk\" type=\"vantage\">"
            ),
            "{xml}"
        );
        assert!(xml.contains("run_id: run-b"), "{xml}");
        assert!(
            xml.contains("fix: see the probe cases health, penduduk"),
            "{xml}"
        );
        let id = case_xml(&vantage_case(
            &vantage("medan", Gate::Fail),
            &failed,
            false,
            Lang::Id,
        ));
        assert!(
            id.contains("message=\"gagal dari titik uji medan: ketersediaan 25,0% (1/4)"),
            "{id}"
        );
        assert!(id.contains("probe gagal: health, penduduk"), "{id}");
        // Its verdict, when the verdict gates, is enough.
        let verdict = vantage_case(&vantage("medan", Gate::Fail), &[], true, Lang::En);
        assert!(matches!(verdict.outcome, Some(Outcome::Failure { .. })));
    }

    #[test]
    fn a_vantage_that_failed_no_gate_passes_with_its_own_figures() {
        for gate in [Gate::Pass, Gate::Fail] {
            // Its own run may have failed (a threshold its samples alone missed),
            // yet the merged gate holds: nothing red.
            let case = vantage_case(&vantage("jakarta", gate), &[], false, Lang::En);
            assert!(case.outcome.is_none(), "{gate:?}");
            let xml = case_xml(&case);
            assert!(!xml.contains("<failure"), "{xml}");
            let own = format!("<system-out>gate: {}\n", wording::gate_word(gate, Lang::En));
            assert!(xml.contains(&own), "{xml}");
        }
    }

    /// A failed probe check shows the reader's language: the Indonesian kept in
    /// report.json when there is one, the English of an older report otherwise.
    #[test]
    fn probe_checks_are_shown_in_the_reports_language() {
        use crate::fleet::testing::{probe, report, run};
        let mut scenario = run();
        scenario["gate"] = serde_json::json!("fail");
        let mut failing = probe("pengaduan", 200, false);
        failing["expectations"] = serde_json::json!([
            { "what": "header content-type", "expected": "contains \"application/json\"",
              "actual": "no line of 1 line is contains \"application/json\"; sent: \"text/html\"",
              "passed": false,
              "what_id": "header `content-type`", "expected_id": "`contains` \"application/json\"",
              "actual_id": "tidak ada baris dari 1 baris yang memenuhi `contains` \"application/json\"; dikirim: \"text/html\"" },
            { "what": "status", "expected": "200", "actual": "500", "passed": false }
        ]);
        scenario["probes"] = serde_json::json!([failing]);
        let mut file = report("jakarta", scenario);
        let english = render(&file.report).expect("renders");
        assert!(
            english.contains(
                "header content-type: expected contains &quot;application/json&quot;, actual no line of 1 line"
            ),
            "{english}"
        );
        file.report.run.lang = "id".into();
        let indonesian = render(&file.report).expect("renders");
        assert!(
            indonesian.contains(
                "header `content-type`: diharapkan `contains` &quot;application/json&quot;, \
                 didapat tidak ada baris dari 1 baris yang memenuhi `contains`"
            ),
            "{indonesian}"
        );
        // An older report keeps no Indonesian: the English shows.
        assert!(
            indonesian.contains("status: diharapkan 200, didapat 500"),
            "{indonesian}"
        );
        let ScenarioEntry::Ran(ran) = &file.report.scenarios[0] else {
            panic!("ran")
        };
        let items = wording::failed_items(ran, Lang::Id);
        assert!(
            items.contains(
                &"probe pengaduan: header `content-type` diharapkan `contains` \"application/json\", \
                  didapat tidak ada baris dari 1 baris yang memenuhi `contains` \"application/json\"; \
                  dikirim: \"text/html\""
                    .to_string()
            ),
            "{items:?}"
        );
        let items = wording::failed_items(ran, Lang::En);
        assert!(
            items.iter().any(|item| item.starts_with(
                "probe pengaduan: header content-type expected contains \"application/json\", got no line"
            )),
            "{items:?}"
        );
        // Read back and written again, the Indonesian stays; the empty ones stay out.
        let written = serde_json::to_value(&file.report).expect("serializes");
        let checks = &written["scenarios"][0]["probes"][0]["expectations"];
        assert_eq!(checks[0]["what_id"], "header `content-type`");
        assert!(checks[1].get("actual_id").is_none(), "{checks}");
    }

    /// The run id on every suite; an unsustained target rate as a property and
    /// a passing `load` case that says so.
    #[test]
    fn the_run_id_and_an_unsustained_rate_are_in_junit() {
        use crate::fleet::testing::{histogram, load, report, run};
        let mut scenario = run();
        scenario["phases"]["load"]["status"] = serde_json::json!("ran");
        scenario["load"] = load(20, 2, &histogram(10, 19), 1.0);
        scenario["load"]["rate_sustained"] = serde_json::json!(false);
        scenario["load"]["rate"] = serde_json::json!(20.0);
        scenario["load"]["achieved_rate"] = serde_json::json!(12.5);
        let xml = render(&report("jakarta", scenario).report).expect("renders");
        assert!(
            xml.contains("<property name=\"run_id\" value=\"run-jakarta\"/>"),
            "{xml}"
        );
        assert!(
            xml.contains("<property name=\"rate_sustained\" value=\"false\"/>"),
            "{xml}"
        );
        let case = xml
            .split("<testcase ")
            .find(|case| case.starts_with("name=\"load\""))
            .unwrap_or_else(|| panic!("a load case in {xml}"));
        let case = &case[..case.find("</testcase>").expect("closed")];
        assert!(!case.contains("<failure"), "{case}");
        assert!(
            case.contains("<system-out>target rate not sustained: 12.5/s sent of the 20/s"),
            "{case}"
        );
    }
}
