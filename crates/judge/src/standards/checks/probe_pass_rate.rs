//! FN-01 `probe_pass_rate`: the share of the scenario's probes whose expectations
//! all hold; a probe not sent (a capture it needs is missing) counts as failed.

use crate::standards::checks::Input;
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let probes = &input.facts.observations.probes;
    if probes.is_empty() {
        return RuleOutcome::inconclusive(say::no_probe_run());
    }
    let passed = probes.iter().filter(|probe| probe.passed()).count();
    let failed: Vec<&str> = probes
        .iter()
        .filter(|probe| !probe.passed())
        .map(|probe| probe.id.as_str())
        .collect();
    input.level_of_value(
        passed as f64 / probes.len() as f64,
        say::probes_passed(passed, probes.len()),
        Evidence {
            notes: if failed.is_empty() {
                Vec::new()
            } else {
                vec![say::probes_failed(&failed)]
            },
            ..Evidence::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::ProbeOutcome;

    fn passing(passed: usize, total: usize) -> i8 {
        let mut obs = observations();
        for index in 0..total {
            let mut result =
                probe_result(&format!("p{index}"), exchange(BASE, response(200, &[], "")));
            if index >= passed {
                result.outcome = if index % 2 == 0 {
                    ProbeOutcome::Failed
                } else {
                    ProbeOutcome::Skipped("capture missing".into())
                };
            }
            obs.probes.push(result);
        }
        level(&run_rule("FN-01", &scenario(""), &obs))
    }

    #[test]
    fn every_level() {
        assert_eq!(passing(4, 4), 5);
        assert_eq!(passing(9, 10), 4);
        assert_eq!(passing(3, 4), 3);
        assert_eq!(passing(2, 4), 2);
        assert_eq!(passing(1, 4), 1);
        assert_eq!(passing(0, 0), -1);
    }
}
