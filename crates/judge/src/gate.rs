//! The gate: whether a scenario passes, and every reason it does not. The one
//! owner of that decision: a live run ([`judge`](crate::judge)) and `ujilab merge`
//! both call [`decide`], and nothing else turns findings into pass or fail.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use observe::observations::ProbeOutcome;

use crate::standards::Verdict;
use crate::thresholds::{ThresholdOutcome, ThresholdStatus};

/// A scenario's (or a whole run's) gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Gate {
    Pass,
    Fail,
}

/// How a probe ended, as the gate and the reports read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProbeStatus {
    Passed,
    Failed,
    /// Not sent (a capture it needs has no value): fails the gate like a failure.
    Skipped,
}

impl ProbeStatus {
    pub fn code(self) -> &'static str {
        match self {
            ProbeStatus::Passed => "passed",
            ProbeStatus::Failed => "failed",
            ProbeStatus::Skipped => "skipped",
        }
    }
}

impl fmt::Display for ProbeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a scenario's gate failed. report.json keeps each as one sentence (its
/// [`Display`](fmt::Display)); [`FromStr`] reads that sentence back for `merge`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(into = "String", try_from = "String")]
#[schemars(with = "String")]
pub enum GateReason {
    /// A probe did not pass; `vantage` names where, in a merge of several.
    Probe {
        id: String,
        status: ProbeStatus,
        vantage: Option<String>,
    },
    /// A threshold failed; `display` is its line (`p99 1.01 s <= 800 ms`).
    Threshold { display: String },
    /// A `gate: verdict` scenario whose verdict fails the gate.
    StandardsVerdict(Verdict),
    /// The run was cut short: nothing unmeasured may pass.
    Interrupted,
}

impl fmt::Display for GateReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GateReason::Probe {
                id,
                status,
                vantage: Some(vantage),
            } => write!(f, "probe {id} {status} (vantage {vantage})"),
            GateReason::Probe { id, status, .. } => write!(f, "probe {id} {status}"),
            GateReason::Threshold { display } => write!(f, "threshold {display}"),
            GateReason::StandardsVerdict(verdict) => {
                write!(f, "standards verdict {}", verdict.code())
            }
            GateReason::Interrupted => f.write_str("run interrupted"),
        }
    }
}

impl From<GateReason> for String {
    fn from(reason: GateReason) -> String {
        reason.to_string()
    }
}

impl TryFrom<String> for GateReason {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl FromStr for GateReason {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let unknown = || format!("not a gate reason: {text:?}");
        if text == "run interrupted" {
            return Ok(GateReason::Interrupted);
        }
        if let Some(display) = text.strip_prefix("threshold ") {
            return Ok(GateReason::Threshold {
                display: display.to_string(),
            });
        }
        if let Some(code) = text.strip_prefix("standards verdict ") {
            return Verdict::from_code(code)
                .map(GateReason::StandardsVerdict)
                .ok_or_else(unknown);
        }
        let rest = text.strip_prefix("probe ").ok_or_else(unknown)?;
        let (rest, vantage) = match rest
            .strip_suffix(')')
            .and_then(|r| r.split_once(" (vantage "))
        {
            Some((rest, vantage)) => (rest, Some(vantage.to_string())),
            None => (rest, None),
        };
        let (id, status) = rest.rsplit_once(' ').ok_or_else(unknown)?;
        let status = match status {
            "failed" => ProbeStatus::Failed,
            "skipped" => ProbeStatus::Skipped,
            _ => return Err(unknown()),
        };
        Ok(GateReason::Probe {
            id: id.to_string(),
            status,
            vantage,
        })
    }
}

impl From<&ProbeOutcome> for ProbeStatus {
    fn from(outcome: &ProbeOutcome) -> Self {
        match outcome {
            ProbeOutcome::Passed => ProbeStatus::Passed,
            ProbeOutcome::Failed => ProbeStatus::Failed,
            ProbeOutcome::Skipped(_) => ProbeStatus::Skipped,
        }
    }
}

/// A probe as the gate reads it.
#[derive(Debug, Clone, Copy)]
pub struct ProbeFinding<'a> {
    pub id: &'a str,
    pub status: ProbeStatus,
    pub vantage: Option<&'a str>,
}

/// How a scenario's standards verdict bears on its gate (report.json
/// `standards.verdict_gate`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum VerdictGate {
    /// `standards.gate: none`: scored and reported, never gating.
    None,
    /// `standards.gate: verdict` (the default): `not_certified` and `inconclusive`
    /// fail; `not_evaluated` (a partial run) does not.
    Verdict,
    /// `--require-verdict`: anything but `certified` fails, `not_evaluated` too,
    /// for pipelines that certify.
    Certified,
}

impl VerdictGate {
    pub fn fails(self, verdict: Verdict) -> bool {
        match self {
            VerdictGate::None => false,
            VerdictGate::Verdict => verdict.fails_gate(),
            VerdictGate::Certified => verdict != Verdict::Certified,
        }
    }
}

/// Everything a scenario's gate is decided on.
#[derive(Debug, Clone, Copy)]
pub struct GateInputs<'a> {
    pub probes: &'a [ProbeFinding<'a>],
    pub thresholds: &'a [ThresholdOutcome],
    /// The standards verdict and how it gates; `None` without `standards:`.
    pub verdict: Option<(Verdict, VerdictGate)>,
    /// False when the run was cut short before the scenario finished.
    pub complete: bool,
}

/// The gate and its reasons, in a fixed order: probes, thresholds, verdict,
/// interruption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateDecision {
    pub reasons: Vec<GateReason>,
}

impl GateDecision {
    pub fn gate(&self) -> Gate {
        if self.reasons.is_empty() {
            Gate::Pass
        } else {
            Gate::Fail
        }
    }
}

/// Decides a scenario's gate: it fails on any probe that did not pass, any failed
/// threshold, a gating verdict that fails the gate, or a run cut short.
pub fn decide(inputs: &GateInputs<'_>) -> GateDecision {
    let mut reasons = Vec::new();
    for probe in inputs
        .probes
        .iter()
        .filter(|p| p.status != ProbeStatus::Passed)
    {
        reasons.push(GateReason::Probe {
            id: probe.id.to_string(),
            status: probe.status,
            vantage: probe.vantage.map(str::to_string),
        });
    }
    for threshold in inputs
        .thresholds
        .iter()
        .filter(|t| t.status == ThresholdStatus::Fail)
    {
        reasons.push(GateReason::Threshold {
            display: threshold.display.clone(),
        });
    }
    if let Some((verdict, _)) = inputs
        .verdict
        .filter(|(verdict, gate)| gate.fails(*verdict))
    {
        reasons.push(GateReason::StandardsVerdict(verdict));
    }
    if !inputs.complete {
        reasons.push(GateReason::Interrupted);
    }
    GateDecision { reasons }
}

/// A whole run's gate: it passes only when every input loaded, the run finished,
/// and every scenario's gate passed.
pub fn run_gate(
    scenario_gates: impl IntoIterator<Item = Gate>,
    complete: bool,
    bad_input: bool,
) -> Gate {
    let any_failed = scenario_gates.into_iter().any(|gate| gate == Gate::Fail);
    if any_failed || !complete || bad_input {
        Gate::Fail
    } else {
        Gate::Pass
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::thresholds::{FigureUnit, Op};

    fn threshold(status: ThresholdStatus) -> ThresholdOutcome {
        ThresholdOutcome {
            metric: "latency.p95".into(),
            probe: None,
            rule: None,
            op: Op::Max,
            limit: 0.8,
            actual: Some(1.0),
            unit: FigureUnit::Seconds,
            source: None,
            display: "p95 1 s <= 800 ms".into(),
            display_id: String::new(),
            status,
            reason: None,
        }
    }

    fn inputs<'a>(
        probes: &'a [ProbeFinding<'a>],
        thresholds: &'a [ThresholdOutcome],
    ) -> GateInputs<'a> {
        GateInputs {
            probes,
            thresholds,
            verdict: None,
            complete: true,
        }
    }

    #[test]
    fn passes_only_with_nothing_against_it() {
        let passed = [ProbeFinding {
            id: "beranda",
            status: ProbeStatus::Passed,
            vantage: None,
        }];
        let held = [
            threshold(ThresholdStatus::Pass),
            threshold(ThresholdStatus::Skipped),
        ];
        assert_eq!(decide(&inputs(&passed, &held)).gate(), Gate::Pass);
    }

    #[test]
    fn each_finding_fails_the_gate_with_its_reason() {
        let skipped = [ProbeFinding {
            id: "lapor",
            status: ProbeStatus::Skipped,
            vantage: Some("medan"),
        }];
        let failed = [threshold(ThresholdStatus::Fail)];
        let decision = decide(&GateInputs {
            verdict: Some((Verdict::Inconclusive, VerdictGate::Verdict)),
            complete: false,
            ..inputs(&skipped, &failed)
        });
        let lines: Vec<String> = decision.reasons.iter().map(|r| r.to_string()).collect();
        assert_eq!(
            lines,
            [
                "probe lapor skipped (vantage medan)",
                "threshold p95 1 s <= 800 ms",
                "standards verdict inconclusive",
                "run interrupted",
            ]
        );
        assert_eq!(decision.gate(), Gate::Fail);
    }

    #[test]
    fn each_verdict_gate_fails_exactly_its_verdicts() {
        use Verdict::*;
        let all = [Certified, NotCertified, Inconclusive, NotEvaluated];
        let failing = |gate: VerdictGate| -> Vec<Verdict> {
            all.into_iter()
                .filter(|verdict| {
                    decide(&GateInputs {
                        verdict: Some((*verdict, gate)),
                        ..inputs(&[], &[])
                    })
                    .gate()
                        == Gate::Fail
                })
                .collect()
        };
        assert_eq!(failing(VerdictGate::None), []);
        assert_eq!(failing(VerdictGate::Verdict), [NotCertified, Inconclusive]);
        assert_eq!(
            failing(VerdictGate::Certified),
            [NotCertified, Inconclusive, NotEvaluated]
        );
    }

    #[test]
    fn reasons_read_back_as_written() {
        let reasons = [
            GateReason::Probe {
                id: "status api".into(),
                status: ProbeStatus::Failed,
                vantage: None,
            },
            GateReason::Probe {
                id: "lapor".into(),
                status: ProbeStatus::Skipped,
                vantage: Some("jakarta".into()),
            },
            GateReason::Threshold {
                display: "availability 92.5% >= 99%".into(),
            },
            GateReason::StandardsVerdict(Verdict::NotCertified),
            GateReason::Interrupted,
        ];
        for reason in reasons {
            assert_eq!(reason.to_string().parse::<GateReason>(), Ok(reason));
        }
        assert!("probe beranda passed".parse::<GateReason>().is_err());
        assert!("standards verdict maybe".parse::<GateReason>().is_err());
        assert!("anything else".parse::<GateReason>().is_err());
    }

    #[test]
    fn a_run_passes_only_when_complete_loaded_and_every_gate_passed() {
        assert_eq!(run_gate([Gate::Pass, Gate::Pass], true, false), Gate::Pass);
        assert_eq!(run_gate([Gate::Pass, Gate::Fail], true, false), Gate::Fail);
        assert_eq!(run_gate([Gate::Pass], false, false), Gate::Fail);
        assert_eq!(run_gate([Gate::Pass], true, true), Gate::Fail);
    }
}
