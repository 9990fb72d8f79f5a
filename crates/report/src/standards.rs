//! The `standards` block of report.json, from the standards stage's [`Score`].
//! Nothing is localized here: texts carry both languages, enums are codes.

use input::catalogue::Text;
use judge::gate::VerdictGate;
use judge::standards::score::{conditions_note, disclaimer};
use judge::standards::{Score, Verdict};

use crate::model::{
    AspectReport, CertificationReport, LocalizedText, Overrides, Predicate, RuleReport,
    StandardsReport, WaiverReport,
};

/// The block for one scenario: the score, the catalogue's why and fix for each
/// rule, and `--ca-file` as a test condition when it was given.
pub fn report(
    score: &Score,
    verdict_gate: Option<VerdictGate>,
    catalogue: &input::catalogue::Catalogue,
    overrides: &Overrides,
) -> StandardsReport {
    let extra: &[&str] = if overrides.ca_file.is_empty() {
        &[]
    } else {
        &["ca_file"]
    };
    StandardsReport {
        verdict_gate,
        ..with_texts(standards_report(score, extra), catalogue)
    }
}

fn localized(text: &Text) -> LocalizedText {
    LocalizedText {
        id: text.id.clone(),
        en: text.en.clone(),
    }
}

/// `extra_conditions`: test conditions set on the command line (`--ca-file`),
/// which the scenario does not know of.
pub fn standards_report(score: &Score, extra_conditions: &[&str]) -> StandardsReport {
    let mut conditions = score.conditions.clone();
    for condition in extra_conditions {
        if !conditions.iter().any(|known| known == condition) {
            conditions.push((*condition).to_string());
        }
    }
    StandardsReport {
        catalogue: score.catalogue.clone(),
        version: score.version.clone(),
        index: score.index,
        provisional: score.provisional,
        verdict_gate: None,
        predicate: score.predicate.as_ref().map(|text| Predicate {
            id: text.id.clone(),
            en: text.en.clone(),
        }),
        predicate_withheld: score
            .predicate_withheld
            .then(|| localized(&judge::standards::say::predicate_withheld())),
        coverage: score.coverage.map(|c| (c * 10_000.0).round() / 10_000.0),
        verdict: score.verdict,
        verdict_reasons: score
            .reasons
            .iter()
            .filter_map(|reason| serde_json::to_value(reason).ok())
            .collect(),
        conditions_note: (!conditions.is_empty()).then(|| localized(&conditions_note())),
        conditions,
        waived_critical: score.waived_critical.clone(),
        aspects: score
            .aspects
            .iter()
            .map(|aspect| AspectReport {
                id: aspect.id.clone(),
                score: aspect.score,
                weight: aspect.weight,
                title: Some(localized(&aspect.title)),
            })
            .collect(),
        rules: score
            .rules
            .iter()
            .map(|rule| RuleReport {
                code: rule.code.clone(),
                aspect: rule.aspect.clone(),
                basis: rule.basis,
                outcome: rule.status.state(),
                level: rule.status.level(),
                critical: rule.critical,
                weight: rule.weight,
                evidence: serde_json::to_value(&rule.measured.evidence)
                    .unwrap_or(serde_json::Value::Null),
                title: Some(localized(&rule.title)),
                fix: None,
                why: None,
                reference: Some(rule.reference.clone()),
                effective_weight: Some((rule.effective_weight * 10_000.0).round() / 10_000.0),
                measured_level: rule.measured.level_value(),
                waiver: rule.waiver.as_ref().map(|waiver| WaiverReport {
                    reason: waiver.reason.clone(),
                    until: waiver.until.clone(),
                    expired: waiver.expired,
                }),
            })
            .collect(),
        scale: score.scale,
        certification: score
            .certification
            .as_ref()
            .map(|certification| CertificationReport {
                min_index: certification.min_index,
                critical_min_level: certification.critical_min_level,
                min_coverage: certification.min_coverage,
            }),
        title: Some(localized(&score.title)),
        sha256: Some(score.sha256.clone()),
        disclaimer: Some(localized(&match &score.disclaimer {
            // A catalogue that mirrors another instrument says so beside ours.
            Some(own) => Text {
                id: format!("{}; {}", disclaimer().id, own.id),
                en: format!("{}; {}", disclaimer().en, own.en),
            },
            None => disclaimer(),
        })),
        certified_with_waivers: score.verdict == Verdict::Certified
            && !score.waived_critical.is_empty(),
        warnings: score.warnings.clone(),
    }
}

/// Fills each rule's why and fix from the catalogue (kept out of [`Score`], which
/// holds measurements).
pub fn with_texts(
    mut report: StandardsReport,
    catalogue: &input::catalogue::Catalogue,
) -> StandardsReport {
    for rule in &mut report.rules {
        if let Some(source) = catalogue.rule(&rule.code) {
            rule.why = Some(localized(&source.why));
            rule.fix = Some(localized(&source.fix));
        }
    }
    report
}
