//! AV-02 `error_rate`: the share of load requests that failed (transport error or
//! a status the probe does not accept), after warmup. Not applicable without a
//! load run: functional and availability exchanges are too few to say.

use observe::observations::{PhaseStatus, SkipReason};

use crate::standards::checks::Input;
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    let Some(load) = facts.load else {
        if facts.scenario.load.is_none() {
            return RuleOutcome::not_applicable(say::no_load_section());
        }
        return match &facts.observations.phases.load {
            PhaseStatus::Skipped(SkipReason::Interrupted) => {
                RuleOutcome::inconclusive(say::load_interrupted())
            }
            // A load that could not start measured nothing: never a free pass.
            PhaseStatus::Skipped(SkipReason::Failed(reason)) => {
                RuleOutcome::inconclusive(say::load_could_not_start(reason))
            }
            // Skipped on purpose: the run is partial and gets no verdict anyway.
            PhaseStatus::Skipped(SkipReason::Flag(flag)) => {
                RuleOutcome::not_applicable(say::no_load_run(flag.as_str()))
            }
            PhaseStatus::NotRequested | PhaseStatus::Ran => {
                RuleOutcome::inconclusive(say::load_without_figures())
            }
        };
    };
    if load.requests == 0 {
        return RuleOutcome::inconclusive(say::load_sent_nothing());
    }
    let rate = load.failed as f64 / load.requests as f64;
    input.level_of_value(
        rate,
        say::load_failures(rate, load.failed, load.requests),
        Evidence::default(),
    )
}

#[cfg(test)]
mod tests {
    use crate::standards::LoadFigures;
    use crate::standards::testing::*;
    use observe::latency::LatencyHistogram;
    use observe::observations::{PartialFlag, PhaseStatus, SkipReason};

    const WITH_LOAD: &str = r#"
version: 1
service: { id: test, base_url: "https://svc.example.go.id" }
probes:
  - id: beranda
    request: { path: / }
load: { probes: [beranda], rate: 10/s, duration: 1s }
"#;

    fn with_load(requests: u64, failed: u64) -> i8 {
        let latency = LatencyHistogram::new();
        let figures = LoadFigures {
            requests,
            failed,
            latency: &latency,
        };
        level(&run_rule_with_load(
            "AV-02",
            &scenario(WITH_LOAD),
            &observations(),
            Some(figures),
        ))
    }

    #[test]
    fn every_level() {
        assert_eq!(with_load(1000, 0), 5);
        assert_eq!(with_load(1000, 1), 5);
        assert_eq!(with_load(1000, 10), 4);
        assert_eq!(with_load(1000, 20), 3);
        assert_eq!(with_load(1000, 50), 2);
        assert_eq!(with_load(1000, 51), 1);
        assert_eq!(with_load(0, 0), -1);
    }

    #[test]
    fn not_applicable_without_load() {
        assert_eq!(level(&run_rule("AV-02", &scenario(""), &observations())), 0);
        let mut obs = observations();
        obs.phases.load = PhaseStatus::Skipped(SkipReason::Flag(PartialFlag::NoLoad));
        let outcome = run_rule("AV-02", &scenario(WITH_LOAD), &obs);
        assert_eq!(level(&outcome), 0);
        assert_eq!(outcome.evidence.notes[0].en, "no load run: --no-load");
        assert_eq!(outcome.evidence.notes[0].id, "tanpa uji beban: --no-load");
        obs.phases.load = PhaseStatus::Skipped(SkipReason::Interrupted);
        assert_eq!(level(&run_rule("AV-02", &scenario(WITH_LOAD), &obs)), -1);
        obs.phases.load = PhaseStatus::Skipped(SkipReason::Failed("no probe to load".into()));
        let outcome = run_rule("AV-02", &scenario(WITH_LOAD), &obs);
        assert_eq!(
            level(&outcome),
            -1,
            "a load that never started is not a pass"
        );
    }
}
