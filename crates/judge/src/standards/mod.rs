//! The standards stage: pure functions from [`Observations`] to rule outcomes, then
//! the score, the predicate and the certification verdict.
//!
//! A catalogue (`input::catalogue`) is data: rules naming a check kind, thresholds,
//! and the title, why and fix people read. Each check kind is one file in [`checks`],
//! a pure function of its params, its levels and the observations; [`score`] turns
//! the outcomes into aspect scores, the index and the verdict. Nothing here does
//! I/O or reads a clock: `observations.started_at` is the clock.

pub mod checks;
pub mod html;
pub mod say;
pub mod score;

use serde::Serialize;

use input::catalogue::{Catalogue, Text};
use input::scenario::Scenario;
use observe::latency::LatencyHistogram;
use observe::observations::Observations;

pub use score::{RuleResult, RuleState, RuleStatus, Score, Verdict, VerdictReason};

/// What one rule's check found: a level, or why there is none, with evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleOutcome {
    pub outcome: Outcome,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A capability level, 1..=5.
    Level(u8),
    /// Nothing to judge (no cookies set, no API probes...).
    NotApplicable,
    /// It should have been measured but could not be (a page fetch failed...).
    Inconclusive,
}

/// What a person needs to check an outcome: the figure, the bar it was held to,
/// where it was seen, and a short excerpt. What ujilab says (`measured`,
/// `threshold`, `notes`) is in both languages, written by [`say`]; what the
/// service sent (`url`, `probe`, `excerpt`) is as seen. Everything is redacted
/// before reporting.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// The measured value, for people: `max-age=86400 (1 day)`, `4 of 6`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured: Option<Text>,
    /// The measured value in base units (ratio 0..1, seconds, count, days), when
    /// there is one number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// What each level needs: `L2 >= 95%, L3 >= 99%, ...`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Text>,
    /// The response the level was decided on (the worst one, for header rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The probe, page or check that response came from, as an identifier that
    /// reads the same in both languages: `probe beranda`, `pages.complaints`,
    /// `standards.http_url`, `ujilab:api_unknown_path` (ujilab's own request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<String>,
    /// A header line, the missing component names, a snippet of the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Text>,
}

impl RuleOutcome {
    /// A level as the rule's `Levels` gave it; the score keeps it within the
    /// catalogue's scale.
    pub fn level(level: u8, evidence: Evidence) -> Self {
        Self {
            outcome: Outcome::Level(level),
            evidence,
        }
    }

    pub fn not_applicable(note: Text) -> Self {
        Self {
            outcome: Outcome::NotApplicable,
            evidence: Evidence::note(note),
        }
    }

    pub fn inconclusive(note: Text) -> Self {
        Self {
            outcome: Outcome::Inconclusive,
            evidence: Evidence::note(note),
        }
    }

    /// The level, when there is one.
    pub fn level_value(&self) -> Option<u8> {
        match self.outcome {
            Outcome::Level(level) => Some(level),
            Outcome::NotApplicable | Outcome::Inconclusive => None,
        }
    }

    pub fn with_evidence(mut self, update: impl FnOnce(&mut Evidence)) -> Self {
        update(&mut self.evidence);
        self
    }
}

impl Evidence {
    pub fn note(note: Text) -> Self {
        Self {
            notes: vec![note],
            ..Self::default()
        }
    }

    fn redact(&mut self, redactor: &observe::redact::Redactor) {
        let redact = |text: &mut String| *text = redactor.redact(text).into_owned();
        for field in [&mut self.url, &mut self.probe, &mut self.excerpt]
            .into_iter()
            .flatten()
        {
            redact(field);
        }
        for text in [&mut self.measured, &mut self.threshold]
            .into_iter()
            .flatten()
            .chain(self.notes.iter_mut())
        {
            redact(&mut text.id);
            redact(&mut text.en);
        }
    }
}

/// What AV-02, PF-01 and PF-02 read of a load run: the whole mix after warmup.
#[derive(Debug, Clone, Copy)]
pub struct LoadFigures<'a> {
    /// Arrivals scheduled after warmup, dropped ones included.
    pub requests: u64,
    pub failed: u64,
    /// Complete responses only.
    pub latency: &'a LatencyHistogram,
}

/// The load run's figures, when it ran: the one place the standards stage reads
/// the load engine's output.
pub fn load_figures(observations: &Observations) -> Option<LoadFigures<'_>> {
    observations.load.as_ref().map(|load| LoadFigures {
        requests: load.total.requests,
        failed: load.total.failed,
        latency: &load.total.latency,
    })
}

/// Scores `scenario`'s run against `catalogue`: every rule's outcome with evidence,
/// the aspect scores, the index, its predicate, the coverage and the verdict.
pub fn evaluate(scenario: &Scenario, observations: &Observations, catalogue: &Catalogue) -> Score {
    let facts = checks::Facts::new(scenario, observations, load_figures(observations));
    let outcomes: Vec<RuleOutcome> = catalogue
        .rules
        .iter()
        .map(|rule| {
            let input = checks::Input {
                code: &rule.code,
                params: &rule.params,
                levels: &rule.levels,
                facts: &facts,
            };
            let claimed = scenario.standards.as_ref().is_none_or(|standards| {
                standards.evidence_for.is_empty() || standards.evidence_for.contains(&rule.code)
            });
            let mut outcome = match checks::check_of(rule.check) {
                // An evidence catalogue's rule the service is not evidence for.
                _ if !claimed => RuleOutcome::not_applicable(say::not_evidence_for(&rule.code)),
                Some(check) => check(&input),
                None => RuleOutcome::inconclusive(say::no_check(rule.check.name)),
            };
            outcome.evidence.redact(&observations.redactor);
            outcome
        })
        .collect();
    let holds: Vec<&str> = input::catalogue::kinds::CONDITIONS
        .iter()
        .copied()
        .filter(|condition| checks::page_components::condition_holds(&facts, condition))
        .collect();
    score::score(scenario, observations, catalogue, outcomes, &holds)
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::standards::testing::*;

    #[test]
    fn evidence_is_redacted_and_every_rule_is_scored_in_catalogue_order() {
        let scenario = scenario("");
        let mut obs = observations();
        obs.redactor = observe::redact::Redactor::new(vec!["s3cr3t-token".to_string()]);
        obs.probes.push(probe_result(
            "beranda",
            exchange(
                BASE,
                response(200, &[("server", "app-s3cr3t-token/1.0")], ""),
            ),
        ));
        let Some(standards) = &scenario.standards else {
            panic!("the test scenario has standards")
        };
        let score = evaluate(&scenario, &obs, &standards.catalogue);
        let codes: Vec<&str> = score.rules.iter().map(|rule| rule.code.as_str()).collect();
        assert_eq!(codes, standards.catalogue.codes());
        let sc07 = score
            .rule("SC-07")
            .map(|rule| rule.measured.evidence.clone());
        let excerpt = sc07
            .and_then(|evidence| evidence.excerpt)
            .unwrap_or_default();
        assert_eq!(excerpt, "Server: app-***/1.0");
    }

    #[test]
    fn both_languages_of_the_evidence_are_redacted() {
        let scenario = scenario("");
        let mut obs = observations();
        obs.redactor = observe::redact::Redactor::new(vec!["s3cr3t-token".to_string()]);
        let mut fetch = page(
            observe::observations::PageRole::ServiceStandard,
            404,
            "text/html",
            "tidak ada",
        );
        fetch.exchange.url = format!("{BASE}/standar-pelayanan?kunci=s3cr3t-token");
        obs.pages.push(fetch);
        let Some(standards) = &scenario.standards else {
            panic!("the test scenario has standards")
        };
        let score = evaluate(&scenario, &obs, &standards.catalogue);
        let Some(tr01) = score.rule("TR-01") else {
            panic!("TR-01 is scored")
        };
        let evidence = &tr01.measured.evidence;
        let texts: Vec<&str> = evidence
            .measured
            .iter()
            .chain(&evidence.notes)
            .flat_map(|text| [text.id.as_str(), text.en.as_str()])
            .collect();
        assert_eq!(texts.len(), 4, "{evidence:?}");
        for text in texts {
            assert!(text.contains("kunci=***"), "{text}");
            assert!(!text.contains("s3cr3t"), "{text}");
        }
    }
}
