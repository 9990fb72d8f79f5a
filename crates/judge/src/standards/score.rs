//! From rule outcomes to the score (semantics.md, "Scoring"): waivers applied,
//! aspect scores, the index computed exactly and rounded half-up to two decimals
//! once, its predicate, the coverage with effective weights, and the verdict with
//! its reasons.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use input::catalogue::{Basis, Catalogue, Certification, Scale, Text};
use input::scenario::Scenario;
use observe::observations::{Observations, PartialFlag};

use crate::standards::{Outcome, RuleOutcome};

/// Printed under every verdict, in both languages.
pub fn disclaimer() -> Text {
    Text {
        id: "Hasil uji otomatis (penilaian mandiri) oleh ujilab; bukan sertifikasi resmi IDSLL dan bukan nilai Indeks SPBE/Pemdi".into(),
        en: "Automated self-assessment by ujilab; not an official IDSLL certification and not an SPBE/Pemdi index score".into(),
    }
}

/// Said when `resolve`, a CA file or `insecure` was in effect.
pub fn conditions_note() -> Text {
    Text {
        id: "Hasil ini diperoleh dalam kondisi uji (resolve, berkas CA atau insecure) dan bukan bukti tentang layanan publik yang sebenarnya".into(),
        en: "This result was obtained under test conditions (resolve, a CA file or insecure) and is not evidence about the public service".into(),
    }
}

#[derive(Debug, Clone)]
pub struct Score {
    pub catalogue: String,
    pub version: String,
    pub title: Text,
    pub sha256: String,
    /// `None` for an evidence catalogue: no index, predicate or verdict.
    pub certification: Option<Certification>,
    /// The catalogue's levels and index range.
    pub scale: Scale,
    /// The catalogue's own disclaimer, said besides ujilab's.
    pub disclaimer: Option<Text>,
    /// In catalogue order.
    pub rules: Vec<RuleResult>,
    pub aspects: Vec<AspectScore>,
    /// Rounded half-up to two decimals; `None` with no levelled aspect.
    pub index: Option<f64>,
    /// The index of a run cut short: what was measured so far, which is not
    /// evidence of the service (a load cut before its queue builds scores better
    /// than a whole one). It has no predicate.
    pub provisional: bool,
    /// The band of the index; `None` without an index, when it is provisional,
    /// or when it is withheld.
    pub predicate: Option<Text>,
    /// The catalogue shows a predicate only when every critical rule reaches its
    /// minimum (`predicate_requires_critical`), and one did not: the reports
    /// print "— (kriteria wajib belum terpenuhi)" instead of a band.
    pub predicate_withheld: bool,
    /// Ratio 0..1; `None` when no applicable rule was levelled or inconclusive.
    pub coverage: Option<f64>,
    pub verdict: Verdict,
    pub reasons: Vec<VerdictReason>,
    /// Critical rules counted as reaching the minimum because they were waived.
    pub waived_critical: Vec<String>,
    /// `resolve`, `ca_file`, `insecure`: test conditions in effect.
    pub conditions: Vec<String>,
    /// Expired waivers and the like.
    pub warnings: Vec<String>,
}

impl Score {
    pub fn rule(&self, code: &str) -> Option<&RuleResult> {
        self.rules.iter().find(|rule| rule.code == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Certified,
    NotCertified,
    Inconclusive,
    /// A partial run (`--no-load`, `--no-availability`, `--only PROBE`) or one cut
    /// short (a signal, `--max-duration`): no verdict.
    NotEvaluated,
    /// The catalogue gives supporting evidence per rule (`spbe-layanan`), never
    /// a verdict: it fails only a gate that requires one (`--require-verdict`).
    EvidenceOnly,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Certified => "certified",
            Verdict::NotCertified => "not_certified",
            Verdict::Inconclusive => "inconclusive",
            Verdict::NotEvaluated => "not_evaluated",
            Verdict::EvidenceOnly => "evidence_only",
        }
    }

    pub fn from_code(code: &str) -> Option<Verdict> {
        [
            Verdict::Certified,
            Verdict::NotCertified,
            Verdict::Inconclusive,
            Verdict::NotEvaluated,
            Verdict::EvidenceOnly,
        ]
        .into_iter()
        .find(|verdict| verdict.code() == code)
    }

    /// Whether it fails a `gate: verdict` scenario.
    pub fn fails_gate(self) -> bool {
        matches!(self, Verdict::NotCertified | Verdict::Inconclusive)
    }
}

/// Why the verdict is what it is, with the figures (report.json `verdict_reasons`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum VerdictReason {
    /// The run was cut short before every phase of the scenario finished.
    Interrupted,
    /// Flags skipped part of what the scenario asks for.
    PartialRun {
        flags: Vec<PartialFlag>,
    },
    CoverageBelowMin {
        coverage: Option<f64>,
        min_coverage: f64,
    },
    CriticalInconclusive {
        rules: Vec<String>,
    },
    IndexBelowMin {
        index: Option<f64>,
        min_index: f64,
    },
    CriticalBelowMin {
        rules: Vec<RuleLevel>,
        critical_min_level: u8,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleLevel {
    pub code: String,
    pub level: u8,
}

impl VerdictReason {
    pub fn code(&self) -> &'static str {
        match self {
            VerdictReason::Interrupted => "interrupted",
            VerdictReason::PartialRun { .. } => "partial_run",
            VerdictReason::CoverageBelowMin { .. } => "coverage_below_min",
            VerdictReason::CriticalInconclusive { .. } => "critical_inconclusive",
            VerdictReason::IndexBelowMin { .. } => "index_below_min",
            VerdictReason::CriticalBelowMin { .. } => "critical_below_min",
        }
    }

    /// One sentence for people, in `lang`.
    pub fn describe(&self, lang: input::lang::Lang) -> String {
        let text = crate::standards::say::verdict_reason(self);
        lang.choose(text.id, text.en)
    }
}

#[derive(Debug, Clone)]
pub struct RuleResult {
    pub code: String,
    pub aspect: String,
    pub basis: Basis,
    pub reference: String,
    pub critical: bool,
    pub weight: f64,
    /// Aspect weight x rule weight / sum of rule weights in the aspect.
    pub effective_weight: f64,
    pub title: Text,
    pub status: RuleStatus,
    /// Whether the rule counts in the aspect scores, the index, the coverage and
    /// the verdict: an officer's statement (`attestation`) does not, unless the
    /// catalogue says `count_attested: true`.
    pub counted: bool,
    /// What the check found (kept when the rule is waived).
    pub measured: RuleOutcome,
    pub waiver: Option<AppliedWaiver>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleStatus {
    Level(u8),
    Waived,
    NotApplicable,
    Inconclusive,
}

/// What kind of outcome a rule had, as report.json names it (`outcome`); the level
/// itself is a field of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleState {
    Level,
    Waived,
    NotApplicable,
    Inconclusive,
}

impl RuleStatus {
    pub fn state(self) -> RuleState {
        match self {
            RuleStatus::Level(_) => RuleState::Level,
            RuleStatus::Waived => RuleState::Waived,
            RuleStatus::NotApplicable => RuleState::NotApplicable,
            RuleStatus::Inconclusive => RuleState::Inconclusive,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            RuleStatus::Level(_) => "level",
            RuleStatus::Waived => "waived",
            RuleStatus::NotApplicable => "not_applicable",
            RuleStatus::Inconclusive => "inconclusive",
        }
    }

    pub fn level(self) -> Option<u8> {
        match self {
            RuleStatus::Level(level) => Some(level),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppliedWaiver {
    pub reason: String,
    /// `YYYY-MM-DD`, WIB.
    pub until: Option<String>,
    /// Past its date: ignored, and the rule counts as measured.
    pub expired: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AspectScore {
    pub id: String,
    pub title: Text,
    pub weight: f64,
    /// Weighted mean of the levelled rules, for display (two decimals); `None`
    /// when none is levelled.
    pub score: Option<f64>,
    pub levelled: usize,
}

/// Scores the outcomes (one per catalogue rule, in order). `holds`: the
/// catalogue conditions true of this run (`collects_personal_data`), which make
/// a rule with that `critical_when` critical.
pub fn score(
    scenario: &Scenario,
    observations: &Observations,
    catalogue: &Catalogue,
    outcomes: Vec<RuleOutcome>,
    holds: &[&str],
) -> Score {
    let waivers = scenario
        .standards
        .as_ref()
        .map(|standards| standards.waivers.as_slice())
        .unwrap_or_default();
    let mut warnings = Vec::new();
    let rules: Vec<RuleResult> = catalogue
        .rules
        .iter()
        .zip(outcomes)
        .map(|(rule, mut measured)| {
            let counted = !rule.is_attestation()
                || catalogue
                    .certification
                    .as_ref()
                    .is_some_and(|certification| certification.count_attested);
            let aspect_weight = catalogue.aspect(&rule.aspect).map_or(0.0, |a| a.weight);
            let rule_weights: f64 = catalogue
                .rules
                .iter()
                .filter(|other| other.aspect == rule.aspect)
                .map(|other| other.weight)
                .sum();
            let critical_now = rule
                .critical_when
                .as_deref()
                .is_some_and(|condition| holds.contains(&condition));
            if critical_now {
                measured
                    .evidence
                    .notes
                    .insert(0, crate::standards::say::critical_because_personal_data());
            }
            let waiver = waivers
                .iter()
                .find(|waiver| waiver.rule == rule.code)
                .map(|waiver| {
                    let expired = waiver
                        .until
                        .is_some_and(|until| observations.started_at >= end_of_day_wib(until));
                    if expired {
                        // report.json's warnings are English text (one language, as
                        // the report model keeps them).
                        let until = waiver.until.map(|d| d.to_string()).unwrap_or_default();
                        warnings.push(crate::standards::say::waiver_expired(&rule.code, &until).en);
                    }
                    AppliedWaiver {
                        reason: waiver.reason.clone(),
                        until: waiver.until.map(|date| date.to_string()),
                        expired,
                    }
                });
            let status = match (&waiver, measured.outcome) {
                (Some(waiver), _) if !waiver.expired => RuleStatus::Waived,
                (_, Outcome::Level(level)) => {
                    RuleStatus::Level(level.clamp(catalogue.scale.lowest, catalogue.scale.highest))
                }
                (_, Outcome::NotApplicable) => RuleStatus::NotApplicable,
                (_, Outcome::Inconclusive) => RuleStatus::Inconclusive,
            };
            RuleResult {
                code: rule.code.clone(),
                aspect: rule.aspect.clone(),
                basis: rule.basis,
                reference: rule.reference.clone(),
                critical: rule.critical || critical_now,
                weight: rule.weight,
                effective_weight: if rule_weights > 0.0 && counted {
                    aspect_weight * rule.weight / rule_weights
                } else {
                    0.0
                },
                title: rule.title.clone(),
                status,
                counted,
                measured,
                waiver,
            }
        })
        .collect();

    let mut aspects = Vec::new();
    // (aspect weight, exact aspect score) of each levelled aspect.
    let mut levelled_aspects: Vec<(Ratio, Ratio)> = Vec::new();
    let mut approximate: Vec<(f64, f64)> = Vec::new();
    for aspect in &catalogue.aspects {
        let levelled: Vec<(f64, u8)> = rules
            .iter()
            .filter(|rule| rule.aspect == aspect.id && rule.counted)
            .filter_map(|rule| rule.status.level().map(|level| (rule.weight, level)))
            .collect();
        let exact = weighted_mean(levelled.iter().map(|(w, l)| (*w, f64::from(*l))));
        let float = {
            let total: f64 = levelled.iter().map(|(w, _)| w).sum();
            (total > 0.0)
                .then(|| levelled.iter().map(|(w, l)| w * f64::from(*l)).sum::<f64>() / total)
        };
        if let Some(float) = float {
            approximate.push((aspect.weight, float));
            if let (Some(exact), Some(weight)) = (exact, Ratio::from_f64(aspect.weight)) {
                levelled_aspects.push((weight, exact));
            }
        }
        aspects.push(AspectScore {
            id: aspect.id.clone(),
            title: aspect.title.clone(),
            weight: aspect.weight,
            // An evidence catalogue's levels are shown one by one, never averaged.
            score: float.filter(|_| !catalogue.evidence_only()).map(round2),
            levelled: levelled.len(),
        });
    }
    // The weighted mean of levels, placed on the catalogue's index range
    // (1..5 stays 1..5; the Ombudsman's 0..3 becomes 0..100).
    let scale = catalogue.scale;
    let index = if approximate.is_empty() || catalogue.evidence_only() {
        None
    } else if levelled_aspects.len() == approximate.len()
        && let Some(exact) = weighted_mean_ratio(&levelled_aspects)
        && let Some(indexed) = on_index_range(scale, exact)
        && let Some(rounded) = indexed.round_half_up_hundredths()
    {
        Some(rounded)
    } else {
        let total: f64 = approximate.iter().map(|(w, _)| w).sum();
        let value = approximate.iter().map(|(w, s)| w * s).sum::<f64>() / total;
        Some(round2(scale.index_of(value)))
    };
    let provisional = !observations.complete;
    let predicate = index
        .filter(|_| !provisional)
        .and_then(|index| catalogue.band(index))
        .map(|band| band.name.clone());

    let effective = |wanted: fn(RuleStatus) -> bool| -> f64 {
        rules
            .iter()
            .filter(|rule| rule.counted && wanted(rule.status))
            .map(|rule| rule.effective_weight)
            .sum()
    };
    let levelled_weight = effective(|status| matches!(status, RuleStatus::Level(_)));
    let inconclusive_weight = effective(|status| status == RuleStatus::Inconclusive);
    let coverage = (levelled_weight + inconclusive_weight > 0.0)
        .then(|| levelled_weight / (levelled_weight + inconclusive_weight));

    let certification = catalogue.certification.clone();
    let waived_critical: Vec<String> = rules
        .iter()
        .filter(|rule| rule.critical && rule.status == RuleStatus::Waived)
        .map(|rule| rule.code.clone())
        .collect();
    let mut reasons = Vec::new();
    let partial_flags = observations.phases.partial_flags();
    if provisional {
        reasons.push(VerdictReason::Interrupted);
    }
    if !partial_flags.is_empty() {
        reasons.push(VerdictReason::PartialRun {
            flags: partial_flags,
        });
    }
    let verdict = if !reasons.is_empty() {
        Verdict::NotEvaluated
    } else if let Some(certification) = &certification {
        let mut inconclusive = false;
        if coverage.is_none_or(|c| c < certification.min_coverage - 1e-12) || index.is_none() {
            inconclusive = true;
            reasons.push(VerdictReason::CoverageBelowMin {
                coverage: coverage.map(round4),
                min_coverage: certification.min_coverage,
            });
        }
        let critical_inconclusive: Vec<String> = rules
            .iter()
            .filter(|rule| rule.critical && rule.status == RuleStatus::Inconclusive)
            .map(|rule| rule.code.clone())
            .collect();
        if !critical_inconclusive.is_empty() {
            inconclusive = true;
            reasons.push(VerdictReason::CriticalInconclusive {
                rules: critical_inconclusive,
            });
        }
        let index_low = index.is_some_and(|index| index < certification.min_index - 1e-9);
        if index_low {
            reasons.push(VerdictReason::IndexBelowMin {
                index,
                min_index: certification.min_index,
            });
        }
        let below: Vec<RuleLevel> = rules
            .iter()
            .filter(|rule| rule.critical)
            .filter_map(|rule| match rule.status {
                RuleStatus::Level(level) if level < certification.critical_min_level => {
                    Some(RuleLevel {
                        code: rule.code.clone(),
                        level,
                    })
                }
                _ => None,
            })
            .collect();
        let critical_low = !below.is_empty();
        if critical_low {
            reasons.push(VerdictReason::CriticalBelowMin {
                rules: below,
                critical_min_level: certification.critical_min_level,
            });
        }
        if inconclusive {
            Verdict::Inconclusive
        } else if index_low || critical_low {
            Verdict::NotCertified
        } else {
            Verdict::Certified
        }
    } else {
        Verdict::EvidenceOnly
    };

    // Every critical rule at its minimum (waived or not applicable counts, as for
    // the verdict); else a catalogue that asks for it withholds the predicate.
    let critical_met = |certification: &Certification| {
        rules
            .iter()
            .filter(|rule| rule.critical)
            .all(|rule| match rule.status {
                RuleStatus::Level(level) => level >= certification.critical_min_level,
                RuleStatus::Inconclusive => false,
                RuleStatus::Waived | RuleStatus::NotApplicable => true,
            })
    };
    let predicate_withheld = predicate.is_some()
        && certification.as_ref().is_some_and(|certification| {
            certification.predicate_requires_critical && !critical_met(certification)
        });
    let predicate = predicate.filter(|_| !predicate_withheld);

    let connection = &scenario.connection;
    let mut conditions = Vec::new();
    if !connection.resolve.is_empty() {
        conditions.push("resolve".to_string());
    }
    if !connection.ca_files.is_empty() {
        conditions.push("ca_file".to_string());
    }
    if connection.insecure {
        conditions.push("insecure".to_string());
    }

    Score {
        catalogue: catalogue.name.clone(),
        version: catalogue.version.clone(),
        title: catalogue.title.clone(),
        sha256: catalogue.sha256.clone(),
        certification,
        scale,
        disclaimer: catalogue.disclaimer.clone(),
        rules,
        aspects,
        index,
        provisional,
        predicate,
        predicate_withheld,
        coverage,
        verdict,
        reasons,
        waived_critical,
        conditions,
        warnings,
    }
}

/// The first instant after `date` ends in WIB (UTC+7).
fn end_of_day_wib(date: time::Date) -> SystemTime {
    let next = date.next_day().unwrap_or(date);
    let midnight_wib = next.midnight().assume_offset(time::macros::offset!(+7));
    let seconds = midnight_wib.unix_timestamp();
    if seconds >= 0 {
        UNIX_EPOCH + Duration::from_secs(seconds as u64)
    } else {
        UNIX_EPOCH
    }
}

fn round2(value: f64) -> f64 {
    ((value * 100.0) + 0.5 + 1e-9).floor() / 100.0
}

fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// An exact fraction, for the index: weights are decimals, levels integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ratio {
    num: i128,
    den: i128,
}

impl Ratio {
    fn new(num: i128, den: i128) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let divisor = gcd(num.abs(), den.abs()).max(1);
        let sign = if den < 0 { -1 } else { 1 };
        Some(Ratio {
            num: sign * num / divisor,
            den: sign * den / divisor,
        })
    }

    /// Weights as written in a catalogue (up to six decimals).
    fn from_f64(value: f64) -> Option<Ratio> {
        let scaled = (value * 1_000_000.0).round();
        (scaled.is_finite() && scaled.abs() < 1e18).then_some(())?;
        Ratio::new(scaled as i128, 1_000_000)
    }

    fn add(self, other: Ratio) -> Option<Ratio> {
        let num = self
            .num
            .checked_mul(other.den)?
            .checked_add(other.num.checked_mul(self.den)?)?;
        Ratio::new(num, self.den.checked_mul(other.den)?)
    }

    fn mul(self, other: Ratio) -> Option<Ratio> {
        Ratio::new(
            self.num.checked_mul(other.num)?,
            self.den.checked_mul(other.den)?,
        )
    }

    fn div(self, other: Ratio) -> Option<Ratio> {
        Ratio::new(
            self.num.checked_mul(other.den)?,
            self.den.checked_mul(other.num)?,
        )
    }

    /// Rounded half-up to two decimals.
    fn round_half_up_hundredths(self) -> Option<f64> {
        if self.num < 0 {
            return None;
        }
        let hundredths = self
            .num
            .checked_mul(200)?
            .checked_add(self.den)?
            .checked_div(self.den.checked_mul(2)?)?;
        Some(hundredths as f64 / 100.0)
    }
}

/// [`Scale::index_of`] in exact arithmetic, so that rounding happens once.
fn on_index_range(scale: Scale, mean_level: Ratio) -> Option<Ratio> {
    let lowest = Ratio::new(-i128::from(scale.lowest), 1)?;
    let levels = Ratio::new(i128::from(scale.highest - scale.lowest), 1)?;
    let index_lowest = Ratio::from_f64(scale.index_lowest)?;
    let index_span = Ratio::from_f64(scale.index_highest - scale.index_lowest)?;
    mean_level
        .add(lowest)?
        .div(levels)?
        .mul(index_span)?
        .add(index_lowest)
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn weighted_mean(items: impl Iterator<Item = (f64, f64)>) -> Option<Ratio> {
    let pairs: Vec<(Ratio, Ratio)> = items
        .map(|(weight, value)| Some((Ratio::from_f64(weight)?, Ratio::from_f64(value)?)))
        .collect::<Option<_>>()?;
    weighted_mean_ratio(&pairs)
}

fn weighted_mean_ratio(pairs: &[(Ratio, Ratio)]) -> Option<Ratio> {
    let zero = Ratio { num: 0, den: 1 };
    let mut total = zero;
    let mut sum = zero;
    for (weight, value) in pairs {
        total = total.add(*weight)?;
        sum = sum.add(weight.mul(*value)?)?;
    }
    if total.num == 0 {
        return None;
    }
    sum.div(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::standards::testing::*;
    use crate::standards::{Evidence, RuleOutcome};
    use observe::observations::{PhaseStatus, SkipReason};

    /// The catalogue these figures were worked out on: 2026.1, pinned so that a
    /// new default does not move them.
    fn catalogue_2026_1() -> std::sync::Arc<Catalogue> {
        built_in_version("2026.1")
    }

    fn built_in_version(version: &str) -> std::sync::Arc<Catalogue> {
        input::catalogue::built_in_versions()
            .into_iter()
            .filter_map(Result::ok)
            .find(|catalogue| catalogue.version == version)
            .unwrap_or_else(|| panic!("idsll-core {version} is built in"))
    }

    fn outcomes_of(
        catalogue: &Catalogue,
        level_of: &dyn Fn(&input::catalogue::Rule) -> i8,
    ) -> Vec<RuleOutcome> {
        catalogue
            .rules
            .iter()
            .map(|rule| match level_of(rule) {
                0 => RuleOutcome::not_applicable(crate::standards::say::verbatim("n/a")),
                -1 => RuleOutcome::inconclusive(crate::standards::say::verbatim("?")),
                level => RuleOutcome::level(level as u8, Evidence::default()),
            })
            .collect()
    }

    fn scored_with(
        yaml: &str,
        observations: &Observations,
        level_of: &dyn Fn(&input::catalogue::Rule) -> i8,
    ) -> Score {
        let catalogue = catalogue_2026_1();
        score(
            &scenario(yaml),
            observations,
            &catalogue,
            outcomes_of(&catalogue, level_of),
            &[],
        )
    }

    /// Every rule at level 5 except those listed.
    fn scored(yaml: &str, observations: &Observations, levels: &[(&str, i8)]) -> Score {
        scored_with(yaml, observations, &|rule| {
            levels
                .iter()
                .find(|(code, _)| *code == rule.code)
                .map_or(5, |(_, level)| *level)
        })
    }

    #[test]
    fn all_fives_is_certified_memuaskan() {
        let score = scored("", &observations(), &[]);
        assert_eq!(score.index, Some(5.0));
        assert_eq!(
            score.predicate.as_ref().map(|p| p.id.as_str()),
            Some("Memuaskan")
        );
        assert_eq!(score.coverage, Some(1.0));
        assert_eq!(score.verdict, Verdict::Certified);
        assert!(score.reasons.is_empty());
    }

    #[test]
    fn index_is_exact_then_rounded_half_up_once() {
        // keamanan: (2x3 + 2x5 + 6x5) / 10 = 4.6; transparansi: (2x1 + 5 + 5 + 5) / 5 = 3.4;
        // index = (30x4.6 + 15x3.4 + 55x5) / 100 = 4.64.
        let score = scored("", &observations(), &[("SC-01", 3), ("TR-01", 1)]);
        assert_eq!(score.index, Some(4.64));
        let keamanan = score
            .aspects
            .iter()
            .find(|a| a.id == "keamanan")
            .and_then(|a| a.score);
        assert_eq!(keamanan, Some(4.6));
        // Half-up on the exact value: 4.645 is 4.65, a hair below stays 4.64.
        let exact = Ratio::new(4645, 1000).and_then(Ratio::round_half_up_hundredths);
        assert_eq!(exact, Some(4.65));
        let below = Ratio::new(46449999, 10_000_000).and_then(Ratio::round_half_up_hundredths);
        assert_eq!(below, Some(4.64));
    }

    #[test]
    fn not_applicable_rules_do_not_count_and_effective_weights_share_the_aspect() {
        let score = scored("", &observations(), &[("AV-02", 0), ("AV-01", 3)]);
        let av01 = score.rule("AV-01").map(|r| r.effective_weight);
        assert_eq!(av01, Some(10.0));
        let ketersediaan = score
            .aspects
            .iter()
            .find(|a| a.id == "ketersediaan")
            .and_then(|a| a.score);
        assert_eq!(ketersediaan, Some(3.0));
        assert_eq!(score.coverage, Some(1.0));
        assert_eq!(score.index, Some(4.7));
    }

    #[test]
    fn verdicts() {
        // A critical rule below level 3.
        let score = scored("", &observations(), &[("AV-01", 2)]);
        assert_eq!(score.verdict, Verdict::NotCertified);
        assert_eq!(
            score.reasons,
            [VerdictReason::CriticalBelowMin {
                rules: vec![RuleLevel {
                    code: "AV-01".into(),
                    level: 2
                }],
                critical_min_level: 3
            }]
        );
        // Index below 2.6.
        let score = scored_with("", &observations(), &|rule| {
            if rule.critical { 5 } else { 1 }
        });
        assert_eq!(score.index, Some(2.52));
        assert_eq!(score.verdict, Verdict::NotCertified);
        assert_eq!(score.reasons[0].code(), "index_below_min");
        // Coverage: PF-01 + PF-02 + PF-03 inconclusive = 10 of 100 effective weight -> 90%, enough.
        let score = scored(
            "",
            &observations(),
            &[("PF-01", -1), ("PF-02", -1), ("PF-03", -1)],
        );
        assert!((score.coverage.unwrap_or_default() - 0.9).abs() < 1e-9);
        assert_eq!(score.verdict, Verdict::Certified);
        // ... plus one more: below 90%.
        let score = scored(
            "",
            &observations(),
            &[("PF-01", -1), ("PF-02", -1), ("PF-03", -1), ("AX-01", -1)],
        );
        assert_eq!(score.verdict, Verdict::Inconclusive);
        assert_eq!(score.reasons[0].code(), "coverage_below_min");
        // A critical rule inconclusive.
        let score = scored("", &observations(), &[("TR-01", -1)]);
        assert_eq!(score.verdict, Verdict::Inconclusive);
        assert_eq!(
            score.reasons,
            [VerdictReason::CriticalInconclusive {
                rules: vec!["TR-01".into()]
            }]
        );
        // Nothing levelled.
        let score = scored_with("", &observations(), &|_| 0);
        assert_eq!(
            (score.index, score.coverage, score.verdict),
            (None, None, Verdict::Inconclusive)
        );
        // A partial run.
        let mut partial = observations();
        partial.phases.load = PhaseStatus::Skipped(SkipReason::Flag(PartialFlag::NoLoad));
        let score = scored("", &partial, &[("AV-01", 1)]);
        assert_eq!(score.verdict, Verdict::NotEvaluated);
        assert_eq!(
            score.reasons,
            [VerdictReason::PartialRun {
                flags: vec![PartialFlag::NoLoad]
            }]
        );
        assert!(!score.verdict.fails_gate());
    }

    #[test]
    fn a_flag_that_skipped_nothing_leaves_the_verdict_alone() {
        // `--no-load` on a scenario without `load:`: the load phase was never
        // requested, so nothing is missing and the verdict stands.
        let whole = observations();
        assert_eq!(whole.phases.load, PhaseStatus::NotRequested);
        let score = scored("", &whole, &[("TR-01", 1)]);
        assert_eq!(score.verdict, Verdict::NotCertified);
        // A load that could not start is not a flag either.
        let mut failed = observations();
        failed.phases.load = PhaseStatus::Skipped(SkipReason::Failed("no probe to load".into()));
        assert_ne!(scored("", &failed, &[]).verdict, Verdict::NotEvaluated);
    }

    #[test]
    fn a_run_cut_short_has_no_verdict_and_a_provisional_index() {
        let mut cut = observations();
        cut.complete = false;
        cut.phases.load = PhaseStatus::Skipped(SkipReason::Interrupted);
        let score = scored("", &cut, &[]);
        assert_eq!(score.verdict, Verdict::NotEvaluated);
        assert_eq!(score.reasons, [VerdictReason::Interrupted]);
        assert_eq!(score.index, Some(5.0), "what was measured is still shown");
        assert!(score.provisional);
        assert_eq!(score.predicate, None, "a provisional index has no band");

        // With a partial flag as well, both reasons are given.
        cut.phases.partial_probes = true;
        let score = scored("", &cut, &[]);
        assert_eq!(
            score.reasons,
            [
                VerdictReason::Interrupted,
                VerdictReason::PartialRun {
                    flags: vec![PartialFlag::Only]
                }
            ]
        );
    }

    const WAIVED: &str = r#"
version: 1
service: { id: test, base_url: "https://svc.example.go.id" }
standards:
  profile: idsll-core
  waive:
    - { rule: TR-01, reason: "layanan API murni tanpa loket", until: "2026-05-31" }
    - { rule: SC-04, reason: "HSTS diatur di CDN", until: "2026-06-01" }
    - { rule: AV-01, reason: "uji coba" }
probes:
  - id: beranda
    request: { path: / }
defaults:
  resolve: { svc.example.go.id: 127.0.0.1 }
"#;

    #[test]
    fn waivers_expire_at_the_end_of_the_day_in_wib() {
        // The run starts 2026-06-01 07:00 WIB: the waiver until 2026-05-31 has expired,
        // the one until 2026-06-01 holds.
        let score = scored(
            WAIVED,
            &observations(),
            &[("TR-01", 1), ("SC-04", 1), ("AV-01", 2)],
        );
        let tr01 = score
            .rule("TR-01")
            .map(|r| (r.status, r.waiver.as_ref().map(|w| w.expired)));
        assert_eq!(tr01, Some((RuleStatus::Level(1), Some(true))));
        assert_eq!(
            score.rule("SC-04").map(|r| r.status),
            Some(RuleStatus::Waived)
        );
        assert!(
            score.warnings[0].contains("TR-01 expired on 2026-05-31"),
            "{:?}",
            score.warnings
        );
        assert_eq!(score.waived_critical, ["AV-01"]);
        assert_eq!(score.verdict, Verdict::NotCertified);
        assert_eq!(score.conditions, ["resolve"]);
        // 16:59:59 UTC on 31 May is the last second of 31 May in WIB.
        let mut before = observations();
        before.started_at = started_at() - Duration::from_secs(7 * 3600 + 1);
        let score = scored(WAIVED, &before, &[("TR-01", 1)]);
        assert_eq!(
            score.rule("TR-01").map(|r| r.status),
            Some(RuleStatus::Waived)
        );
        assert_eq!(score.verdict, Verdict::Certified);
    }

    /// 2026.2 scored with every rule at 5 except `levels`, officers' statements
    /// at `attested` (0: not applicable), under the conditions `holds`.
    fn scored_2026_2(levels: &[(&str, i8)], attested: i8, holds: &[&str]) -> Score {
        let catalogue = built_in_version("2026.2");
        let outcomes = outcomes_of(&catalogue, &|rule| {
            if rule.is_attestation() {
                return attested;
            }
            levels
                .iter()
                .find(|(code, _)| *code == rule.code)
                .map_or(5, |(_, level)| *level)
        });
        score(&scenario(""), &observations(), &catalogue, outcomes, holds)
    }

    /// The Ombudsman simulation: levels 0..3 indexed 0..100 and zoned; level 0
    /// is a level (it counts, it is not "not applicable").
    fn scored_ombudsman(level_of: &dyn Fn(&str) -> u8) -> Score {
        let catalogue = input::catalogue::ombudsman().expect("built in");
        let outcomes = catalogue
            .rules
            .iter()
            .map(|rule| match rule.is_attestation() {
                true => RuleOutcome::not_applicable(crate::standards::say::verbatim("n/a")),
                false => RuleOutcome::level(level_of(&rule.code), Evidence::default()),
            })
            .collect();
        score(&scenario(""), &observations(), &catalogue, outcomes, &[])
    }

    #[test]
    fn the_ombudsman_index_runs_from_zero_to_a_hundred_in_zones() {
        let full = scored_ombudsman(&|_| 3);
        assert_eq!(full.index, Some(100.0));
        assert_eq!(full.scale.index_highest, 100.0);
        assert_eq!(
            full.predicate.as_ref().map(|p| p.id.as_str()),
            Some("Zona hijau (kepatuhan tinggi)")
        );
        assert_eq!(full.verdict, Verdict::Certified);
        assert!(full.disclaimer.is_some());

        let nothing = scored_ombudsman(&|_| 0);
        assert_eq!(nothing.index, Some(0.0));
        assert_eq!(
            nothing.coverage,
            Some(1.0),
            "level 0 is measured, not missing"
        );
        assert_eq!(nothing.verdict, Verdict::NotCertified);

        // Process: five of ten indicators at 3 (mean 1.5); complaints 3; output 0:
        // (10 x 1.5 + 1 x 3 + 1 x 0) / 12 = 1.5 of 3, so 50.00: the red zone, by a hair.
        let half = scored_ombudsman(&|code| match code {
            "OM-01" | "OM-02" | "OM-03" | "OM-04" | "OM-05" | "OM-12" => 3,
            _ => 0,
        });
        assert_eq!(half.index, Some(50.0));
        assert_eq!(
            half.predicate.as_ref().map(|p| p.id.as_str()),
            Some("Zona merah (kepatuhan rendah)")
        );
        assert_eq!(half.verdict, Verdict::NotCertified);
        // One more indicator at 2: (10 x 1.7 + 3) / 12 = 1.6667 of 3, 55.56: yellow.
        let more = scored_ombudsman(&|code| match code {
            "OM-01" | "OM-02" | "OM-03" | "OM-04" | "OM-05" | "OM-12" => 3,
            "OM-06" => 2,
            _ => 0,
        });
        assert_eq!(more.index, Some(55.56));
        assert_eq!(
            more.predicate.as_ref().map(|p| p.id.as_str()),
            Some("Zona kuning (kepatuhan sedang)")
        );
    }

    /// catalogue-2026.2.md section 2, fix (a): a plain-HTTP portal does not
    /// print "Baik" next to its not-certified verdict.
    #[test]
    fn the_predicate_is_withheld_when_a_critical_rule_fails() {
        let whole = scored_2026_2(&[], 0, &[]);
        assert_eq!(
            whole.predicate.as_ref().map(|p| p.id.as_str()),
            Some("Memuaskan")
        );
        assert!(!whole.predicate_withheld);
        let plain_http = scored_2026_2(&[("SC-01", 1), ("SC-02", 1), ("TR-01", 1)], 0, &[]);
        assert_eq!(plain_http.verdict, Verdict::NotCertified);
        assert!(
            plain_http.index.is_some_and(|index| index >= 2.6),
            "{:?}",
            plain_http.index
        );
        assert_eq!(plain_http.predicate, None);
        assert!(plain_http.predicate_withheld);
        assert_eq!(
            crate::standards::say::predicate_withheld().id,
            "— (kriteria wajib belum terpenuhi)"
        );
        // A critical rule that could not be measured withholds it too; a waived
        // one does not.
        assert!(scored_2026_2(&[("AV-01", -1)], 0, &[]).predicate_withheld);
        // 2026.1 does not ask for it: the band is shown as before.
        let old = scored("", &observations(), &[("SC-01", 1)]);
        assert!(old.predicate.is_some() && !old.predicate_withheld);
    }

    /// PD-01 is critical only where the service collects personal data.
    #[test]
    fn pd01_is_critical_when_personal_data_is_collected() {
        let no_form = scored_2026_2(&[("PD-01", 1)], 0, &[]);
        assert_eq!(no_form.verdict, Verdict::Certified);
        assert!(!no_form.rule("PD-01").is_some_and(|rule| rule.critical));
        let collects = scored_2026_2(&[("PD-01", 1)], 0, &["collects_personal_data"]);
        assert_eq!(collects.verdict, Verdict::NotCertified);
        assert!(collects.rule("PD-01").is_some_and(|rule| rule.critical));
        assert!(collects.predicate_withheld);
        assert_eq!(
            collects.reasons,
            [VerdictReason::CriticalBelowMin {
                rules: vec![RuleLevel {
                    code: "PD-01".into(),
                    level: 1
                }],
                critical_min_level: 3
            }]
        );
    }

    /// Officers' statements are shown, not counted, unless the catalogue says so.
    #[test]
    fn attestations_stay_out_of_the_index_unless_counted() {
        let measured_only = scored_2026_2(&[("TR-01", 3)], 0, &[]);
        let stated = scored_2026_2(&[("TR-01", 3)], 5, &[]);
        let unstated = scored_2026_2(&[("TR-01", 3)], 1, &[]);
        assert_eq!(measured_only.index, stated.index);
        assert_eq!(measured_only.index, unstated.index);
        assert_eq!(measured_only.coverage, unstated.coverage);
        let at04 = stated.rule("AT-04");
        assert_eq!(
            at04.map(|rule| (rule.status, rule.counted, rule.effective_weight)),
            Some((RuleStatus::Level(5), false, 0.0))
        );
        let pernyataan = stated
            .aspects
            .iter()
            .find(|aspect| aspect.id == "pernyataan");
        assert_eq!(
            pernyataan.map(|aspect| (aspect.score, aspect.levelled)),
            Some((None, 0))
        );
        // count_attested: true puts them in the index like any rule.
        let mut catalogue = (*built_in_version("2026.2")).clone();
        if let Some(certification) = catalogue.certification.as_mut() {
            certification.count_attested = true;
        }
        let counted = |attested: i8| {
            let outcomes = outcomes_of(&catalogue, &|rule| {
                if rule.is_attestation() { attested } else { 5 }
            });
            score(&scenario(""), &observations(), &catalogue, outcomes, &[])
        };
        assert_eq!(counted(5).index, Some(5.0));
        assert!(counted(1).index.is_some_and(|index| index < 5.0));
    }
}
