//! [`judge`]: the one function from a scenario and what its run observed to
//! everything decided about it.

use input::scenario::{Scenario, StandardsGate};
use observe::observations::Observations;

use crate::gate::{self, GateDecision, GateInputs, ProbeFinding, ProbeStatus};
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
}

/// Scores the standards, holds the thresholds and decides the gate.
pub fn judge(scenario: &Scenario, observations: &Observations) -> Judgement {
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
    let gating_verdict = match (&scenario.standards, &score) {
        (Some(settings), Some(score)) if settings.gate == StandardsGate::Verdict => {
            Some(score.verdict)
        }
        _ => None,
    };
    let gate = gate::decide(&GateInputs {
        probes: &probes,
        thresholds: &thresholds,
        gating_verdict,
        complete: observations.complete,
    });
    Judgement {
        score,
        thresholds,
        gate,
    }
}
