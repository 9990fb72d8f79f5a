//! PF-01/PF-02 `latency`: a percentile of the load requests' latency, or, without
//! load figures, of every functional and availability exchange that got a
//! complete response (page fetches and standards checks never count).

use input::scenario::percentile_label;
use observe::latency::LatencyHistogram;

use crate::standards::checks::Input;
use crate::standards::say::{self, LatencySource};
use crate::standards::{Evidence, RuleOutcome};
use crate::thresholds::probe_latency;

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    let (histogram, source) = match facts.load {
        Some(load) => (load.latency.clone(), LatencySource::Load),
        None => (
            probe_latency(facts.scenario, facts.observations),
            LatencySource::Exchanges {
                load_declared: facts.scenario.load.is_some(),
            },
        ),
    };
    of_histogram(input, &histogram, source)
}

/// The rule's level from a latency histogram read elsewhere (a watch's window
/// of samples), with the same percentile, levels and evidence as [`check`].
pub fn of_histogram(
    input: &Input,
    histogram: &LatencyHistogram,
    source: LatencySource,
) -> RuleOutcome {
    let percentile = input.params.number("percentile");
    let label = format!("p{}", percentile_label(percentile));
    let Some(seconds) = histogram.percentile(percentile) else {
        return RuleOutcome::inconclusive(say::no_complete_response(source));
    };
    input.level_of_value(
        seconds,
        say::percentile_over(&label, seconds, histogram.count()),
        Evidence {
            notes: vec![say::latency_source_note(source)],
            ..Evidence::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::standards::LoadFigures;
    use crate::standards::testing::*;
    use observe::latency::LatencyHistogram;

    fn probes_taking(ms: &[u64]) -> observe::observations::Observations {
        let mut obs = observations();
        for (index, ms) in ms.iter().enumerate() {
            let mut exchange = exchange(BASE, response(200, &[], ""));
            exchange.latency = Duration::from_millis(*ms);
            obs.probes.push(probe_result(
                if index == 0 { "beranda" } else { "api" },
                exchange,
            ));
        }
        obs
    }

    #[test]
    fn p95_every_level_from_probe_exchanges() {
        let scenario = scenario("");
        for (ms, expected) in [(400, 5), (900, 4), (1900, 3), (2900, 2), (3100, 1)] {
            let outcome = run_rule("PF-01", &scenario, &probes_taking(&[ms]));
            assert_eq!(level(&outcome), expected, "{ms} ms: {outcome:?}");
        }
        let outcome = run_rule("PF-02", &scenario, &probes_taking(&[10, 1500]));
        assert_eq!(level(&outcome), 4);
        assert!(measured(&outcome).starts_with("p99 1.5 s"));
        assert_eq!(measured_id(&outcome), "p99 1,5 s dari 2 respons");
    }

    #[test]
    fn load_figures_win_and_no_data_is_inconclusive() {
        let scenario = scenario("");
        let mut latency = LatencyHistogram::new();
        for _ in 0..100 {
            latency.record(Duration::from_millis(2500));
        }
        let figures = LoadFigures {
            requests: 100,
            failed: 0,
            latency: &latency,
        };
        let outcome = run_rule_with_load("PF-01", &scenario, &probes_taking(&[10]), Some(figures));
        assert_eq!(level(&outcome), 2);
        assert_eq!(level(&run_rule("PF-01", &scenario, &observations())), -1);
    }
}
