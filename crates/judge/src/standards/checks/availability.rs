//! AV-01 `availability`: the share of availability samples up, judged on the upper
//! end of its 95% Wilson interval below `min_samples_l5` samples, and capped at
//! level 3 below `min_samples_l4` samples and at level 4 below `min_samples_l5`
//! (one lost sample of 30 does not fail certification; an unproven 99.9% is not
//! claimed). Without `availability:`, the functional exchanges are the samples.

use input::scenario::status_accepted;

use crate::standards::checks::Input;
use crate::standards::say::{self, SampleSource};
use crate::standards::{Evidence, RuleOutcome};

/// z for a two-sided 95% interval.
const Z: f64 = 1.959_963_984_540_054;

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    let (samples, up, source) = match &facts.observations.availability {
        Some(availability) => (
            availability.samples,
            availability.up,
            SampleSource::Availability,
        ),
        None => {
            let mut samples = 0;
            let mut up = 0;
            for result in &facts.observations.probes {
                let Some(exchange) = &result.exchange else {
                    continue;
                };
                samples += 1;
                if let (Some(response), Some(probe)) =
                    (&exchange.response, facts.scenario.probe(&result.id))
                    && status_accepted(probe, response.status)
                {
                    up += 1;
                }
            }
            (samples, up, SampleSource::Functional)
        }
    };
    if samples == 0 {
        return RuleOutcome::inconclusive(say::no_samples(source));
    }
    let ratio = up as f64 / samples as f64;
    let l4_samples = u64::try_from(input.params.integer("min_samples_l4")).unwrap_or(100);
    let l5_samples = u64::try_from(input.params.integer("min_samples_l5")).unwrap_or(1000);
    let (low, high) = wilson(up, samples);
    let judged = if samples >= l5_samples { ratio } else { high };
    let mut level = input.levels.of_value(judged);
    let mut notes = vec![say::sample_interval(source, samples, up, low, high)];
    let cap = if samples < l4_samples {
        Some((3, l4_samples))
    } else if samples < l5_samples {
        Some((4, l5_samples))
    } else {
        None
    };
    if let Some((cap, needed)) = cap
        && level > cap
    {
        level = cap;
        notes.push(say::capped(cap, samples, needed));
    }
    RuleOutcome::level(
        level,
        Evidence {
            measured: Some(say::availability(
                ratio,
                up,
                samples,
                (samples < l5_samples).then_some(high),
            )),
            value: Some(ratio),
            threshold: Some(input.threshold()),
            notes,
            ..Evidence::default()
        },
    )
}

/// The 95% Wilson score interval of `up` successes in `n` trials.
pub fn wilson(up: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n = n as f64;
    let p = up as f64 / n;
    let z2 = Z * Z;
    let centre = p + z2 / (2.0 * n);
    let spread = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let denominator = 1.0 + z2 / n;
    (
        ((centre - spread) / denominator).max(0.0),
        ((centre + spread) / denominator).min(1.0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::standards::testing::*;
    use observe::observations::AvailabilityResult;
    use std::time::Duration;

    fn sampled(samples: u64, up: u64) -> i8 {
        let mut obs = observations();
        obs.availability = Some(AvailabilityResult {
            rounds: samples,
            samples,
            up,
            window: Duration::from_secs(1),
            per_probe: Vec::new(),
            exchanges: Vec::new(),
        });
        level(&run_rule("AV-01", &scenario(""), &obs))
    }

    #[test]
    fn wilson_interval_matches_the_textbook() {
        let (low, high) = wilson(29, 30);
        assert!((high - 0.9941).abs() < 0.0005, "{high}");
        assert!((low - 0.8333).abs() < 0.0005, "{low}");
        assert_eq!(wilson(30, 30).1, 1.0);
    }

    #[test]
    fn every_level() {
        // One lost sample in 30 still reaches the critical level 3 (capped there).
        assert_eq!(sampled(30, 29), 3);
        assert_eq!(sampled(40, 40), 3);
        assert_eq!(sampled(40, 38), 2);
        assert_eq!(sampled(40, 34), 1);
        // 100..999 samples: at most level 4.
        assert_eq!(sampled(500, 500), 4);
        assert_eq!(sampled(500, 493), 3);
        // 1,000 samples and more: the plain ratio, no cap.
        assert_eq!(sampled(1000, 1000), 5);
        assert_eq!(sampled(2000, 1996), 4);
        assert_eq!(sampled(1000, 980), 2);
    }

    #[test]
    fn evidence_shows_n_ratio_and_interval() {
        let mut obs = observations();
        obs.availability = Some(AvailabilityResult {
            rounds: 20,
            samples: 40,
            up: 37,
            window: Duration::from_secs(4),
            per_probe: Vec::new(),
            exchanges: Vec::new(),
        });
        let outcome = run_rule("AV-01", &scenario(""), &obs);
        assert_eq!(level(&outcome), 2);
        let evidence = outcome.evidence.clone();
        assert_eq!(measured(&outcome), "92.5% (37 of 40 up), judged on 97.42%");
        assert_eq!(
            measured_id(&outcome),
            "92,5% (37 dari 40 berhasil), dinilai dengan 97,42%"
        );
        assert!(evidence.notes[0].en.contains("n = 40"), "{evidence:?}");
        obs.availability = Some(AvailabilityResult {
            rounds: 20,
            samples: 40,
            up: 40,
            window: Duration::from_secs(4),
            per_probe: Vec::new(),
            exchanges: Vec::new(),
        });
        let capped = run_rule("AV-01", &scenario(""), &obs);
        assert_eq!(level(&capped), 3);
        assert_eq!(
            capped.evidence.notes[1].en,
            "capped at level 3: 40 samples cannot prove more; take at least 100 for level 4"
        );
        assert_eq!(
            capped.evidence.notes[1].id,
            "dibatasi pada tingkat 3: 40 sampel belum cukup untuk membuktikan lebih; ambil sedikitnya 100 sampel untuk tingkat 4"
        );
    }

    #[test]
    fn falls_back_to_probes_and_is_inconclusive_without_any() {
        let scenario = scenario("");
        let mut obs = observations();
        assert_eq!(level(&run_rule("AV-01", &scenario, &obs)), -1);
        obs.probes.push(probe_result(
            "beranda",
            exchange(BASE, response(200, &[], "")),
        ));
        obs.probes
            .push(probe_result("api", exchange(BASE, response(500, &[], ""))));
        let outcome = run_rule("AV-01", &scenario, &obs);
        assert_eq!(level(&outcome), 1);
        assert!(
            outcome.evidence.notes[0]
                .en
                .starts_with("functional exchanges")
        );
    }
}
