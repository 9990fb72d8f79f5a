//! `merge` on hand-made reports: the gate of the merged scenario, counts, and
//! histograms. Each report is one vantage's run of the same one-scenario plan.

use serde_json::json;

use super::*;
use crate::fleet::testing::{
    availability, availability_threshold, histogram, load, probe, report, run, standards,
};

fn merged(reports: &[ReportFile]) -> Report {
    merge(reports, &MergeOptions::default()).unwrap_or_else(|error| panic!("{error}"))
}

fn only_scenario(report: &Report) -> &ScenarioReport {
    match report.scenarios.as_slice() {
        [ScenarioEntry::Ran(scenario)] => scenario,
        other => panic!("one scenario expected: {other:?}"),
    }
}

#[test]
fn two_passing_vantages_pass() {
    let merged = merged(&[report("jakarta", run()), report("medan", run())]);
    let scenario = only_scenario(&merged);
    assert_eq!(scenario.gate, Gate::Pass, "{:?}", scenario.gate_reasons);
    assert!(scenario.gate_reasons.is_empty());
    assert_eq!(merged.gate, Gate::Pass);
    assert!(merged.run.complete);
}

#[test]
fn a_probe_failing_at_any_vantage_fails_the_gate_with_that_vantage_as_evidence() {
    let mut medan = run();
    medan["probes"] = json!([probe("health", 503, false)]);
    medan["gate"] = json!("fail");
    medan["gate_reasons"] = json!(["probe health failed"]);
    // The failing vantage sorts last, so a merge that kept the first would pass.
    let merged = merged(&[report("medan", medan), report("jakarta", run())]);
    let scenario = only_scenario(&merged);
    assert_eq!(scenario.gate, Gate::Fail);
    assert_eq!(
        scenario.gate_reasons,
        [GateReason::Probe {
            id: "health".into(),
            status: ProbeStatus::Failed,
            vantage: Some("medan".into()),
        }]
    );
    let health = &scenario.probes[0];
    assert!(!health.passed);
    assert_eq!(
        health.status,
        Some(503),
        "the failing exchange is the evidence"
    );
    assert_eq!(health.vantage.as_deref(), Some("medan"));
    assert_eq!(merged.gate, Gate::Fail);
}

#[test]
fn thresholds_are_judged_again_on_the_combined_figures() {
    // 10 of 10 up and 5 of 10 up: 15 of 20 is 75%, below 90%.
    let mut jakarta = run();
    jakarta["thresholds"] = json!([availability_threshold(0.9, 1.0)]);
    let mut medan = run();
    medan["availability"] = availability(10, 5);
    medan["thresholds"] = json!([availability_threshold(0.9, 0.5)]);
    medan["gate"] = json!("fail");
    medan["gate_reasons"] = json!(["threshold availability 50% >= 90%"]);
    let failed = merged(&[report("jakarta", jakarta.clone()), report("medan", medan)]);
    let scenario = only_scenario(&failed);
    let threshold = &scenario.thresholds[0];
    assert_eq!(threshold.status, ThresholdStatus::Fail);
    assert_eq!(threshold.actual, Some(0.75));
    assert_eq!(
        scenario.gate_reasons,
        [GateReason::Threshold {
            display: threshold.display.clone()
        }]
    );
    assert!(threshold.display.contains("75%"), "{}", threshold.display);
    assert_eq!(scenario.gate, Gate::Fail);

    // 100 of 100 up and 8 of 10 up: 108 of 110 holds 90%, though one vantage
    // alone did not. The threshold is judged again, not copied from the worst.
    jakarta["availability"] = availability(100, 100);
    let mut makassar = run();
    makassar["availability"] = availability(10, 8);
    makassar["thresholds"] = json!([availability_threshold(0.9, 0.8)]);
    makassar["gate"] = json!("fail");
    makassar["gate_reasons"] = json!(["threshold availability 80% >= 90%"]);
    let held = merged(&[report("jakarta", jakarta), report("makassar", makassar)]);
    let scenario = only_scenario(&held);
    assert_eq!(scenario.thresholds[0].status, ThresholdStatus::Pass);
    assert_eq!(scenario.gate, Gate::Pass, "{:?}", scenario.gate_reasons);
}

#[test]
fn an_incomplete_member_fails_the_gate_and_the_run() {
    let mut medan = run();
    medan["complete"] = json!(false);
    medan["gate"] = json!("fail");
    medan["gate_reasons"] = json!(["run interrupted"]);
    let merged = merged(&[report("jakarta", run()), report("medan", medan)]);
    let scenario = only_scenario(&merged);
    assert!(!scenario.complete);
    assert_eq!(scenario.gate_reasons, [GateReason::Interrupted]);
    assert_eq!(scenario.gate, Gate::Fail);
    assert!(!merged.run.complete);
    assert_eq!(merged.gate, Gate::Fail);
}

#[test]
fn a_gating_verdict_fails_the_gate_and_a_verdict_that_does_not_gate_does_not() {
    let mut jakarta = run();
    jakarta["standards"] = standards("certified", 3.9);
    let mut medan = run();
    medan["standards"] = standards("not_certified", 2.4);
    medan["gate"] = json!("fail");
    medan["gate_reasons"] = json!(["standards verdict not_certified"]);
    let gated = merged(&[
        report("jakarta", jakarta.clone()),
        report("medan", medan.clone()),
    ]);
    let scenario = only_scenario(&gated);
    let kept = scenario.standards.as_ref().expect("standards kept");
    assert_eq!(kept.verdict, Verdict::NotCertified, "the worst vantage's");
    assert_eq!(kept.index, Some(2.4));
    assert_eq!(
        scenario.gate_reasons,
        [GateReason::StandardsVerdict(Verdict::NotCertified)]
    );
    assert_eq!(scenario.gate, Gate::Fail);

    // `standards.gate: none`: the same verdicts, reported, gating nothing.
    medan["gate"] = json!("pass");
    medan["gate_reasons"] = json!([]);
    let ungated = merged(&[report("jakarta", jakarta), report("medan", medan)]);
    let scenario = only_scenario(&ungated);
    assert_eq!(
        scenario.standards.as_ref().map(|s| s.verdict),
        Some(Verdict::NotCertified)
    );
    assert_eq!(scenario.gate, Gate::Pass, "{:?}", scenario.gate_reasons);
}

#[test]
fn counts_add_up_and_rates_are_read_again_from_the_sums() {
    let mut jakarta = run();
    jakarta["load"] = load(100, 2, &histogram(10, 99), 10.0);
    jakarta["phases"]["load"]["status"] = json!("ran");
    jakarta["probe_figures"] = json!({ "requests": 11, "failed": 0,
        "per_probe": { "health": { "requests": 11, "failed": 0, "histogram": null } } });
    let mut medan = run();
    medan["availability"] = availability(30, 27);
    medan["load"] = load(50, 10, &histogram(40, 45), 5.0);
    medan["phases"]["load"]["status"] = json!("ran");
    medan["probe_figures"] = json!({ "requests": 31, "failed": 3,
        "per_probe": { "health": { "requests": 31, "failed": 3, "histogram": null } } });
    let merged = merged(&[report("jakarta", jakarta), report("medan", medan)]);
    let scenario = only_scenario(&merged);

    let availability = scenario.availability.as_ref().expect("availability");
    assert_eq!((availability.samples, availability.up), (40, 37));
    assert_eq!(availability.ratio, Some(37.0 / 40.0));
    let health = &availability.per_probe["health"];
    assert_eq!((health.samples, health.up), (40, 37));

    let figures = scenario.probe_figures.as_ref().expect("probe figures");
    assert_eq!((figures.requests, figures.failed), (42, 3));
    assert_eq!(
        (
            figures.per_probe["health"].requests,
            figures.per_probe["health"].failed
        ),
        (42, 3)
    );

    let load = scenario.load.as_ref().expect("load");
    assert_eq!(load.requests, 150);
    assert_eq!(load.responses, 144);
    assert_eq!(load.failed, 12);
    assert_eq!(load.errors["timeout"], 6);
    assert_eq!(load.errors["http_5xx"], 6);
    assert_eq!(load.error_rate, 12.0 / 150.0);
    assert_eq!(load.window_s, 15.0);
    assert_eq!(load.throughput_rps, round3(144.0 / 15.0));
    let per_probe = &load.per_probe["health"];
    assert_eq!((per_probe.requests, per_probe.failed), (150, 12));
    assert_eq!(per_probe.error_rate, Some(12.0 / 150.0));
}

#[test]
fn merged_histograms_give_the_percentiles_of_one_histogram_of_all_samples() {
    // Two distributions that barely overlap: any percentile read from one side
    // alone, or averaged, is far from the truth.
    let (fast, slow) = (histogram(5, 900), histogram(800, 100));
    let mut all = histogram(5, 900);
    all.merge(&histogram(800, 100));
    let mut jakarta = run();
    jakarta["load"] = load(900, 0, &fast, 30.0);
    jakarta["phases"]["load"]["status"] = json!("ran");
    jakarta["probe_latency_histogram"] = json!(fast.encode());
    let mut medan = run();
    medan["load"] = load(100, 0, &slow, 30.0);
    medan["phases"]["load"]["status"] = json!("ran");
    medan["probe_latency_histogram"] = json!(slow.encode());
    let merged = merged(&[report("jakarta", jakarta), report("medan", medan)]);
    let scenario = only_scenario(&merged);

    let expected = all.summary().map(LatencyReport::from).expect("samples");
    let load = scenario.load.as_ref().expect("load");
    let summary = load.latency_ms.as_ref().expect("latency");
    let pairs = [
        (summary.min, expected.min),
        (summary.mean, expected.mean),
        (summary.p50, expected.p50),
        (summary.p90, expected.p90),
        (summary.p95, expected.p95),
        (summary.p99, expected.p99),
        (summary.p99_9, expected.p99_9),
        (summary.max, expected.max),
    ];
    for (at, (got, want)) in pairs.into_iter().enumerate() {
        assert_eq!(got, want, "figure {at} of min, mean, p50 .. max");
    }
    // p95 lies in the slow tail: a merge that kept either side would miss it.
    assert!(summary.p95 >= 800.0, "{summary:?}");
    let decoded = LatencyHistogram::decode(&load.histogram).expect("decodes");
    assert_eq!(decoded.count(), 1000);
    assert_eq!(decoded.percentile(99.0), all.percentile(99.0));
    let per_probe = load.per_probe["health"]
        .latency_ms
        .as_ref()
        .expect("per probe");
    assert_eq!(per_probe.p95, expected.p95);
    let probes = scenario.probe_latency_ms.as_ref().expect("probe latency");
    assert_eq!(probes.p95, expected.p95);
}

#[test]
fn one_vantage_comes_out_as_it_went_in() {
    let mut jakarta = run();
    jakarta["load"] = load(100, 2, &histogram(10, 99), 10.0);
    jakarta["phases"]["load"]["status"] = json!("ran");
    let input = report("jakarta", jakarta);
    let merged = merged(std::slice::from_ref(&input));
    let ScenarioEntry::Ran(before) = &input.report.scenarios[0] else {
        panic!("ran");
    };
    let after = only_scenario(&merged);
    let (before, after) = (
        serde_json::to_value(before.load.as_ref()).expect("json"),
        serde_json::to_value(after.load.as_ref()).expect("json"),
    );
    assert_eq!(before, after);
}
