//! `ujilab report --db --from --to`: a report over a window of watch history.
//!
//! Each scenario's entry is its latest standards check in the window (the
//! functional probes, pages, TLS and every rule, as the watch scored them), with
//! what the window measured laid over it:
//!
//! - `availability` counts every sample of the window (all vantages), from the
//!   rollups and the raw samples at its edges, so the counts are exact;
//! - AV-01 is checked again on those counts (judge's own check: the Wilson
//!   interval, level 4 from 100 samples, level 5 from 1,000), and the score,
//!   index and verdict are computed again by judge's `score` from every rule's
//!   outcome;
//! - thresholds are judged again on the window: availability on its counts,
//!   latency and error rate (read from the probes) on its merged histogram;
//! - the gate follows, as a live run decides it.
//!
//! - PF-01 and PF-02 (and any `latency` rule) are checked again on the window's
//!   merged latency histogram, by judge's own latency check;
//! - AV-02 keeps the outcome of the standards check, with a note saying why: it
//!   reads the failures of a load run, and a watch makes none (its samples are
//!   availability rounds, not load requests).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use input::lang::Lang;
use input::scenario::{
    Environment, LoadSettings, Loaded, Metric, MetricSource, Scenario, Source, StandardsGate,
    load_where,
};
use judge::gate::{self, GateInputs, ProbeFinding, VerdictGate};
use judge::standards::checks::{self, Facts};
use judge::standards::say::LatencySource;
use judge::standards::{Evidence, Outcome, RuleOutcome, Score};
use judge::thresholds::{self, FigureInputs, FigureSource, Measured, ThresholdSpec};
use observe::latency::LatencyHistogram;
use observe::observations::{AvailabilityResult, Observations, ProbeAvailability};
use observe::redact::Redactor;
use report::fleet::shard::plan_of_run;
use report::model::{
    self, AvailabilityReport, LatencyReport, PhaseState, ProbeAvailabilityReport, ProbeMap, Report,
    ScenarioEntry, ScenarioReport,
};

use crate::figures::{self, Figures, Marks, marks};
use crate::store::{Store, StoreError};

/// What to report on.
#[derive(Debug, Clone)]
pub struct Window {
    /// ms since the epoch; `to` excluded.
    pub from: i64,
    pub to: i64,
    /// Only these services (id, or id/label); every one when empty.
    pub services: Vec<String>,
    pub lang: Lang,
    /// The command line, redacted, for `run.args`.
    pub args: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PeriodError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the window is empty: --from {from} is not before --to {to}")]
    EmptyWindow { from: String, to: String },
    #[error("no service in the history has a standards check between {from} and {to}{names}")]
    NothingToReport {
        from: String,
        to: String,
        names: String,
    },
    #[error("no service in the history is named {0}")]
    UnknownService(String),
}

/// A report for the window, and the services left out (no check in the window,
/// or a stored scenario that no longer loads), with why.
pub struct PeriodReport {
    pub report: Report,
    pub left_out: Vec<(String, String)>,
}

pub fn report(store: &Store, window: &Window) -> Result<PeriodReport, PeriodError> {
    let (from_text, to_text) = (
        crate::time::rfc3339_ms(window.from),
        crate::time::rfc3339_ms(window.to),
    );
    if window.from >= window.to {
        return Err(PeriodError::EmptyWindow {
            from: from_text,
            to: to_text,
        });
    }
    let marks = marks(store)?;
    let scenarios = store.scenarios()?;
    for wanted in &window.services {
        if !scenarios
            .iter()
            .any(|s| &s.identity == wanted || &s.service_id == wanted)
        {
            return Err(PeriodError::UnknownService(wanted.clone()));
        }
    }
    let mut sources = Vec::new();
    let mut entries = Vec::new();
    let mut left_out = Vec::new();
    for row in scenarios {
        if !window.services.is_empty()
            && !window
                .services
                .iter()
                .any(|wanted| *wanted == row.identity || *wanted == row.service_id)
        {
            continue;
        }
        let Some(latest) = store
            .standards_between(row.id, window.from, window.to)?
            .pop()
        else {
            left_out.push((
                row.identity.clone(),
                "no standards check in the window".to_string(),
            ));
            continue;
        };
        let base: ScenarioReport = match serde_json::from_str(&latest.report) {
            Ok(base) => base,
            Err(error) => {
                left_out.push((
                    row.identity.clone(),
                    format!("its stored check does not read: {error}"),
                ));
                continue;
            }
        };
        let source = Source {
            name: row.file.clone(),
            bytes: row.source.clone(),
            named: true,
        };
        let Some(scenario) = reload(&source) else {
            left_out.push((
                row.identity.clone(),
                "its stored scenario no longer loads".to_string(),
            ));
            continue;
        };
        let mut per_probe = Vec::new();
        for (series, probe, _) in store.series_of(row.id)? {
            let figures = window_of(store, series, window, &marks)?;
            match per_probe
                .iter_mut()
                .find(|(id, _): &&mut (String, Figures)| *id == probe)
            {
                Some((_, total)) => total.merge(&figures),
                None => per_probe.push((probe, figures)),
            }
        }
        sources.push(source);
        entries.push(ScenarioEntry::Ran(Box::new(period_entry(
            &scenario, base, &per_probe, window,
        ))));
    }
    if entries.is_empty() {
        let names = if left_out.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                left_out
                    .iter()
                    .map(|(name, why)| format!("{name}: {why}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        };
        return Err(PeriodError::NothingToReport {
            from: from_text,
            to: to_text,
            names,
        });
    }
    let samples = entries
        .iter()
        .filter_map(|entry| match entry {
            ScenarioEntry::Ran(scenario) => scenario.availability.as_ref().map(|a| a.samples),
            ScenarioEntry::LoadError(_) => None,
        })
        .sum();
    let outlines = load_where(&sources, &load_settings(), &mut Vec::new(), |_| true).outlines;
    let complete = true;
    let gate = gate::run_gate(
        entries.iter().filter_map(|entry| match entry {
            ScenarioEntry::Ran(scenario) => Some(scenario.gate),
            ScenarioEntry::LoadError(_) => None,
        }),
        complete,
        false,
    );
    let report = Report {
        format: model::FORMAT.into(),
        tool: model::Tool {
            name: "ujilab".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        run: model::RunInfo {
            id: format!("period-{:x}-{:x}", window.from, window.to),
            started_at: from_text,
            finished_at: to_text,
            complete,
            lang: window.lang.code().into(),
            shard: None,
            vantage: None,
            args: window.args.clone(),
            skipped: Vec::new(),
            history_window: Some(model::HistoryWindow {
                from: crate::time::rfc3339_ms(window.from),
                to: crate::time::rfc3339_ms(window.to),
                samples,
            }),
        },
        plan: Some(plan_of_run(&outlines, &[])),
        merge: None,
        gate,
        scenarios: entries,
    };
    Ok(PeriodReport { report, left_out })
}

fn window_of(
    store: &Store,
    series: i64,
    window: &Window,
    marks: &Marks,
) -> Result<Figures, StoreError> {
    figures::window(store, series, window.from, window.to, marks)
}

fn load_settings() -> LoadSettings {
    LoadSettings {
        env: Environment::from_process(),
        set: Vec::new(),
        // The history was measured already: a secret unset now changes nothing.
        require_env: false,
        known_rules: Vec::new(),
    }
}

fn reload(source: &Source) -> Option<Scenario> {
    let loaded = load_where(
        std::slice::from_ref(source),
        &load_settings(),
        &mut Vec::new(),
        |_| true,
    );
    loaded.kept.into_iter().find_map(|item| match item {
        Loaded::Ready { scenario, .. } => Some(*scenario),
        Loaded::Failed(_) => None,
    })
}

/// The scenario's entry over the window.
fn period_entry(
    scenario: &Scenario,
    mut base: ScenarioReport,
    per_probe: &[(String, Figures)],
    window: &Window,
) -> ScenarioReport {
    let mut total = Figures::default();
    for (_, figures) in per_probe {
        total.merge(figures);
    }
    let observations = Observations {
        started_at: time_of(window.to),
        finished_at: time_of(window.to),
        probes: Vec::new(),
        generated: Vec::new(),
        availability: Some(AvailabilityResult {
            rounds: per_probe.iter().map(|(_, f)| f.samples).max().unwrap_or(0),
            samples: total.samples,
            up: total.up,
            window: Duration::from_millis(u64::try_from(window.to - window.from).unwrap_or(0)),
            per_probe: per_probe
                .iter()
                .map(|(id, figures)| ProbeAvailability {
                    id: id.clone(),
                    samples: figures.samples,
                    up: figures.up,
                })
                .collect(),
            // Every sample stays in the history; the report carries the counts.
            exchanges: Vec::new(),
        }),
        load: None,
        pages: Vec::new(),
        tls: None,
        http_check: None,
        phases: Default::default(),
        complete: true,
        redactor: Redactor::default(),
    };
    base.availability = Some(availability_report(&observations, window));
    base.phases.availability = model::PhaseReport {
        status: PhaseState::Ran,
        reason: None,
    };
    // Not a flag: a period report is whole without a load run.
    base.phases.load = if scenario.load.is_some() {
        model::PhaseReport {
            status: PhaseState::Skipped,
            reason: Some(
                "a watch makes no load run: PF-01 and PF-02 read the window's samples, AV-02 keeps the latest standards check's outcome"
                    .to_string(),
            ),
        }
    } else {
        model::PhaseReport {
            status: PhaseState::NotRequested,
            reason: None,
        }
    };
    base.started_at = crate::time::rfc3339_ms(window.from);
    base.finished_at = crate::time::rfc3339_ms(window.to);
    base.probe_latency_ms = total.latency.summary().map(LatencyReport::from);
    base.probe_latency_histogram = (total.latency.count() > 0).then(|| total.latency.encode());
    base.probe_figures = None;
    let standards = scenario.standards.as_ref();
    let score = standards
        .zip(base.standards.as_ref())
        .map(|(standards, stored)| rescore(scenario, &observations, standards, stored, &total));
    let verdict_gate = standards.map(|standards| {
        if base.standards.as_ref().and_then(|s| s.verdict_gate) == Some(VerdictGate::Certified) {
            VerdictGate::Certified
        } else if standards.gate == StandardsGate::Verdict {
            VerdictGate::Verdict
        } else {
            VerdictGate::None
        }
    });
    if let (Some(score), Some(standards)) = (&score, standards) {
        base.standards = Some(report::standards::report(
            score,
            verdict_gate,
            &standards.catalogue,
            &base.overrides,
        ));
    }
    base.thresholds =
        rejudged_thresholds(scenario, &observations, score.as_ref(), &total, per_probe);
    let probes: Vec<ProbeFinding<'_>> = base
        .probes
        .iter()
        .map(|probe| ProbeFinding {
            id: &probe.id,
            status: probe.outcome,
            vantage: None,
        })
        .collect();
    let decision = gate::decide(&GateInputs {
        probes: &probes,
        thresholds: &base.thresholds,
        verdict: score.as_ref().map(|s| s.verdict).zip(verdict_gate),
        complete: true,
    });
    base.gate = decision.gate();
    base.gate_reasons = decision.reasons;
    base.complete = true;
    base
}

fn availability_report(observations: &Observations, window: &Window) -> AvailabilityReport {
    let Some(result) = &observations.availability else {
        unreachable!("the period's observations always hold its availability")
    };
    let mut per_probe = ProbeMap::new();
    for probe in &result.per_probe {
        per_probe.insert(
            probe.id.clone(),
            ProbeAvailabilityReport {
                samples: probe.samples,
                up: probe.up,
                ratio: (probe.samples > 0).then(|| probe.up as f64 / probe.samples as f64),
            },
        );
    }
    AvailabilityReport {
        rounds: result.rounds,
        samples: result.samples,
        up: result.up,
        ratio: (result.samples > 0).then(|| result.up as f64 / result.samples as f64),
        reason: (result.samples == 0).then(|| "no sample in the window".to_string()),
        source: FigureSource::Availability,
        window_s: (window.to - window.from) as f64 / 1000.0,
        per_probe,
        record: Vec::new(),
    }
}

/// Every rule's outcome as the stored check found it, AV-01 and the latency
/// rules checked again on the window, and the whole scored again.
fn rescore(
    scenario: &Scenario,
    observations: &Observations,
    standards: &input::scenario::Standards,
    stored: &model::StandardsReport,
    total: &Figures,
) -> Score {
    let catalogue = &standards.catalogue;
    let facts = Facts::new(scenario, observations, None);
    let critical_note = judge::standards::say::critical_because_personal_data();
    let mut holds: Vec<&str> = Vec::new();
    let outcomes: Vec<RuleOutcome> = catalogue
        .rules
        .iter()
        .map(|rule| {
            let kept = stored.rules.iter().find(|r| r.code == rule.code);
            if let (Some(condition), Some(kept)) = (rule.critical_when.as_deref(), kept)
                && kept.critical
                && !rule.critical
            {
                holds.push(condition);
            }
            let input = checks::Input {
                code: &rule.code,
                params: &rule.params,
                levels: &rule.levels,
                facts: &facts,
            };
            match (rule.check.name, kept) {
                ("availability", _) => checks::availability::check(&input),
                // The window's samples, not the check's few exchanges: judge
                // reads the percentile and the level from them.
                ("latency", _) => checks::latency::of_histogram(
                    &input,
                    &total.latency,
                    LatencySource::Watched {
                        load_declared: scenario.load.is_some(),
                    },
                ),
                ("error_rate", kept) => {
                    let mut outcome = match kept {
                        Some(kept) => outcome_of(kept, &critical_note),
                        None => RuleOutcome::inconclusive(error_rate_not_watched()),
                    };
                    if !outcome.evidence.notes.contains(&error_rate_not_watched()) {
                        outcome.evidence.notes.push(error_rate_not_watched());
                    }
                    outcome
                }
                (_, Some(kept)) => outcome_of(kept, &critical_note),
                (_, None) => {
                    RuleOutcome::inconclusive(judge::standards::say::no_check(rule.check.name))
                }
            }
        })
        .collect();
    judge::standards::score::score(scenario, observations, catalogue, outcomes, &holds)
}

/// Why AV-02 is not read from the window: it measures the failures of a load
/// run, and the watch records availability rounds, never load requests.
fn error_rate_not_watched() -> input::text::Text {
    input::text::Text::new(
        "pemantauan (watch) tidak menjalankan uji beban: tingkat ini dari penilaian standar terakhir di jendela, bukan dari sampel jendela",
        "a watch makes no load run: this level is the latest standards check's in the window, not read from the window's samples",
    )
}

/// A rule's outcome as a report keeps it: the level measured (before any
/// waiver) and its evidence, without the note the score adds itself.
fn outcome_of(rule: &model::RuleReport, critical_note: &input::text::Text) -> RuleOutcome {
    let outcome = match (rule.measured_level.or(rule.level), rule.outcome) {
        (Some(level), _) => Outcome::Level(level),
        (None, judge::standards::RuleState::NotApplicable) => Outcome::NotApplicable,
        (None, _) => Outcome::Inconclusive,
    };
    let text = |key: &str| {
        rule.evidence
            .get(key)
            .and_then(|value| serde_json::from_value::<input::text::Text>(value.clone()).ok())
    };
    let string = |key: &str| {
        rule.evidence
            .get(key)
            .and_then(|value| value.as_str())
            .map(str::to_string)
    };
    let notes = rule
        .evidence
        .get("notes")
        .and_then(|notes| serde_json::from_value::<Vec<input::text::Text>>(notes.clone()).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|note| note != critical_note)
        .collect();
    RuleOutcome {
        outcome,
        evidence: Evidence {
            measured: text("measured"),
            value: rule.evidence.get("value").and_then(|v| v.as_f64()),
            threshold: text("threshold"),
            url: string("url"),
            probe: string("probe"),
            excerpt: string("excerpt"),
            notes,
        },
    }
}

/// The scenario's thresholds over the window.
fn rejudged_thresholds(
    scenario: &Scenario,
    observations: &Observations,
    score: Option<&Score>,
    total: &Figures,
    per_probe: &[(String, Figures)],
) -> Vec<judge::thresholds::ThresholdOutcome> {
    // Availability, score and rule thresholds read what judge reads of a run.
    let judged = thresholds::evaluate_with_score(scenario, observations, score);
    scenario
        .thresholds
        .iter()
        .zip(judged)
        .map(|(threshold, judged)| {
            let reads_load =
                scenario.load.is_some() && threshold.source != Some(MetricSource::Probes);
            match &threshold.metric {
                Metric::Availability | Metric::Score | Metric::Rule(_) => judged,
                Metric::Throughput => judged,
                metric if reads_load => thresholds::judge(
                    &ThresholdSpec {
                        metric,
                        probe: threshold.probe.as_deref(),
                        bound: threshold.bound,
                    },
                    Measured {
                        source: None,
                        value: Err("a watch makes no load run".to_string()),
                    },
                ),
                metric => {
                    let figures = match threshold.probe.as_deref() {
                        Some(id) => per_probe
                            .iter()
                            .find(|(probe, _)| probe == id)
                            .map(|(_, figures)| figures.clone())
                            .unwrap_or_default(),
                        None => total.clone(),
                    };
                    let latency: &LatencyHistogram = &figures.latency;
                    let value = thresholds::figure_value(
                        metric,
                        &FigureInputs {
                            requests: figures.samples,
                            failed: figures.samples - figures.up,
                            latency,
                            phases: None,
                            throughput: None,
                        },
                    );
                    thresholds::judge(
                        &ThresholdSpec {
                            metric,
                            probe: threshold.probe.as_deref(),
                            bound: threshold.bound,
                        },
                        Measured {
                            source: Some(FigureSource::Availability),
                            value: value.ok_or_else(|| thresholds::NO_DATA.to_string()),
                        },
                    )
                }
            }
        })
        .collect()
}

fn time_of(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{RoundWrite, SampleRow, ScenarioRow, ServiceStateRow, StandardsRow};

    const HOUR: i64 = 3_600_000;
    const SOURCE: &str = r#"version: 1
service:
  id: svc
  base_url: http://127.0.0.1:9
standards: { profile: idsll-core }
probes:
  - id: health
    request: { path: /health }
"#;

    fn rule<'a>(report: &'a ScenarioReport, code: &str) -> &'a model::RuleReport {
        report
            .standards
            .as_ref()
            .and_then(|s| s.rules.iter().find(|r| r.code == code))
            .unwrap_or_else(|| panic!("{code} is scored"))
    }

    /// A history with one standards check whose PF-01 and PF-02 are at level 3
    /// (as a check with a 1.5 s exchange finds), then 200 samples of `latency_ms`
    /// in the hour after it.
    fn history(dir: &tempfile::TempDir, latency_ms: i64) -> (Store, Window) {
        let mut store = Store::open(&dir.path().join("h.db")).expect("opens");
        let scenario = store
            .register_scenario(
                &ScenarioRow {
                    id: 0,
                    identity: "svc".into(),
                    service_id: "svc".into(),
                    name: None,
                    region_code: None,
                    region_name: None,
                    base_url: "http://127.0.0.1:9".into(),
                    file: "svc.yaml".into(),
                    source: SOURCE.as_bytes().to_vec(),
                    every_ms: 10_000,
                },
                0,
            )
            .expect("registers");
        let series = store.series(scenario, "health", "default").expect("series");
        let source = Source {
            name: "svc.yaml".into(),
            bytes: SOURCE.as_bytes().to_vec(),
            named: true,
        };
        let loaded = reload(&source).expect("loads");
        let observations = Observations {
            started_at: time_of(HOUR),
            finished_at: time_of(HOUR),
            probes: Vec::new(),
            generated: Vec::new(),
            availability: None,
            load: None,
            pages: Vec::new(),
            tls: None,
            http_check: None,
            phases: Default::default(),
            complete: true,
            redactor: Redactor::default(),
        };
        let checked = report::build::scenario_report(
            &loaded,
            &observations,
            &report::build::RunContext {
                overrides: Default::default(),
                judge: Default::default(),
            },
        );
        let mut stored = serde_json::to_value(&checked).expect("JSON");
        for rule in stored["standards"]["rules"]
            .as_array_mut()
            .expect("rules")
            .iter_mut()
            .filter(|rule| rule["code"] == "PF-01" || rule["code"] == "PF-02")
        {
            rule["outcome"] = "level".into();
            rule["level"] = 3.into();
            rule["measured_level"] = 3.into();
        }
        store
            .insert_standards(&StandardsRow {
                scenario,
                at: HOUR,
                score: None,
                verdict: None,
                report: stored.to_string(),
            })
            .expect("stores the check");
        let samples = (0..200)
            .map(|n| SampleRow {
                series,
                at: HOUR + 1_000 + n * 10_000,
                up: true,
                status: Some(200),
                latency_us: Some(latency_ms * 1000),
                error_kind: None,
            })
            .collect();
        store
            .commit_round(&RoundWrite {
                scenario,
                at: HOUR,
                samples,
                state: ServiceStateRow::default(),
                change: None,
            })
            .expect("commits");
        let window = Window {
            from: 0,
            to: 3 * HOUR,
            services: Vec::new(),
            lang: Lang::En,
            args: Vec::new(),
        };
        (store, window)
    }

    fn entry_over(latency_ms: i64) -> ScenarioReport {
        let dir = tempfile::tempdir().expect("tempdir");
        let (store, window) = history(&dir, latency_ms);
        let period = report(&store, &window).expect("reports");
        match period.report.scenarios.into_iter().next() {
            Some(ScenarioEntry::Ran(entry)) => *entry,
            _ => panic!("the service is reported"),
        }
    }

    #[test]
    fn the_stored_check_is_at_level_3() {
        // What the window tests below move away from.
        let dir = tempfile::tempdir().expect("tempdir");
        let (store, _) = history(&dir, 100);
        let stored: ScenarioReport =
            serde_json::from_str(&store.standards_between(1, 0, 3 * HOUR).expect("read")[0].report)
                .expect("reads");
        assert_eq!(rule(&stored, "PF-01").level, Some(3));
        assert_eq!(rule(&stored, "PF-02").level, Some(3));
    }

    #[test]
    fn a_slow_window_lowers_pf01_and_pf02_below_the_stored_check() {
        let entry = entry_over(6_000);
        for code in ["PF-01", "PF-02"] {
            let rule = rule(&entry, code);
            assert_eq!(rule.level, Some(1), "{code}: {:?}", rule.evidence);
            let measured = rule.evidence["measured"]["en"].as_str().unwrap_or_default();
            assert!(measured.contains("over 200 responses"), "{measured}");
            let notes = rule.evidence["notes"].to_string();
            assert!(
                notes.contains("the watch's samples over the report's window"),
                "{notes}"
            );
            assert!(notes.contains("sampel pemantauan (watch)"), "{notes}");
        }
    }

    #[test]
    fn a_fast_window_raises_pf01_and_pf02_above_the_stored_check_and_the_index_follows() {
        let fast = entry_over(100);
        let slow = entry_over(6_000);
        for code in ["PF-01", "PF-02"] {
            assert_eq!(rule(&fast, code).level, Some(5), "{code}");
        }
        let index = |entry: &ScenarioReport| entry.standards.as_ref().and_then(|s| s.index);
        assert!(
            index(&fast) > index(&slow),
            "{:?} {:?}",
            index(&fast),
            index(&slow)
        );
    }

    #[test]
    fn av02_keeps_the_stored_outcome_and_says_the_window_does_not_measure_it() {
        let entry = entry_over(100);
        let rule = rule(&entry, "AV-02");
        let notes = rule.evidence["notes"].to_string();
        assert!(notes.contains("a watch makes no load run"), "{notes}");
        assert!(notes.contains("tidak menjalankan uji beban"), "{notes}");
    }
}
