//! [`judge`]: the one function from a scenario and what its run observed to
//! everything decided about it.

use input::scenario::{Scenario, StandardsGate};
use observe::observations::Observations;

use crate::gate::{self, GateDecision, GateInputs, ProbeFinding, ProbeStatus, VerdictGate};
use crate::standards::{self, Score};
use crate::thresholds::{self, ThresholdOutcome};

/// Everything decided about one scenario's run.
#[derive(Debug, Clone)]
pub struct Judgement {
    /// Rule outcomes, aspect scores, the index and the verdict; `None` without a
    /// `standards:` section.
    pub score: Option<Score>,
    /// Every threshold, in the scenario's order.
    pub thresholds: Vec<ThresholdOutcome>,
    pub gate: GateDecision,
    /// How the verdict bore on the gate; `None` without `standards:`.
    pub verdict_gate: Option<VerdictGate>,
}

/// What the command line adds to the scenario's own rules of judgement.
#[derive(Debug, Clone, Copy, Default)]
pub struct JudgeSettings {
    /// `--require-verdict`: a scenario with `standards:` passes only when certified,
    /// whatever its `standards.gate` says.
    pub require_verdict: bool,
}

/// Scores the standards, holds the thresholds and decides the gate.
pub fn judge(
    scenario: &Scenario,
    observations: &Observations,
    settings: JudgeSettings,
) -> Judgement {
    let score = scenario
        .standards
        .as_ref()
        .map(|settings| standards::evaluate(scenario, observations, &settings.catalogue));
    let thresholds = thresholds::evaluate_with_score(scenario, observations, score.as_ref());
    let probes: Vec<ProbeFinding<'_>> = observations
        .probes
        .iter()
        .map(|result| ProbeFinding {
            id: &result.id,
            status: ProbeStatus::from(&result.outcome),
            vantage: None,
        })
        .collect();
    let verdict_gate = scenario.standards.as_ref().map(|standards| {
        if settings.require_verdict {
            VerdictGate::Certified
        } else if standards.gate == StandardsGate::Verdict {
            VerdictGate::Verdict
        } else {
            VerdictGate::None
        }
    });
    let gate = gate::decide(&GateInputs {
        probes: &probes,
        thresholds: &thresholds,
        verdict: score.as_ref().map(|score| score.verdict).zip(verdict_gate),
        complete: observations.complete,
    });
    Judgement {
        score,
        thresholds,
        gate,
        verdict_gate,
    }
}
