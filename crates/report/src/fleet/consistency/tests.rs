use serde_json::{Value, json};

use super::*;
use crate::fleet::testing::{histogram, load, report, run};
use crate::model::ScenarioEntry;

/// The first scenario of `scenario` read back as a report, checked.
fn check(scenario: Value) -> Result<(), String> {
    let file = report("a", scenario);
    let ScenarioEntry::Ran(scenario) = &file.report.scenarios[0] else {
        panic!("a scenario that ran");
    };
    check_scenario(scenario).map_err(|problem| match problem {
        Problem::Histogram { what, source } => format!("{what}: {source}"),
        Problem::Inconsistent(what) => what,
    })
}

fn with_load(requests: u64, failed: u64) -> Value {
    let mut scenario = run();
    scenario["phases"]["load"]["status"] = json!("ran");
    scenario["load"] = load(requests, failed, &histogram(10, 18), 1.0);
    scenario
}

/// Reports written by the binary are checked through it (tests/fleet.rs merges
/// real shards); these are the hand-made ones the fleet tests share.
#[test]
fn the_hand_made_reports_are_consistent() {
    check(run()).expect("the plain run");
    check(with_load(20, 3)).expect("a load run");
}

#[test]
fn failed_above_requests_is_refused() {
    let mut scenario = with_load(20, 3);
    scenario["load"]["failed"] = json!(400);
    let error = check(scenario).expect_err("failed > requests");
    assert_eq!(
        error,
        "load.failed (400) is greater than load.requests (20)"
    );
}

#[test]
fn counts_must_agree_with_the_histograms() {
    let mut scenario = with_load(20, 3);
    scenario["load"]["responses"] = json!(19);
    scenario["load"]["errors"] = json!({ "http_5xx": 2, "timeout": 1 });
    let error = check(scenario).expect_err("responses != histogram count");
    assert_eq!(
        error,
        "the count of load.histogram (18) does not equal load.responses (19)"
    );
    let mut scenario = with_load(20, 3);
    scenario["load"]["per_probe"]["health"]["requests"] = json!(21);
    scenario["load"]["per_probe"]["health"]["errors"] = json!({ "http_5xx": 1, "timeout": 3 });
    scenario["load"]["per_probe"]["health"]["failed"] = json!(4);
    let error = check(scenario.clone()).expect_err("per probe sums");
    assert_eq!(
        error,
        "the sum of load.per_probe requests (21) does not equal load.requests (20)"
    );
    scenario["load"]["per_probe"]["health"]["requests"] = json!(20);
    let error = check(scenario).expect_err("a probe's own counts");
    assert!(
        error.starts_with("load.per_probe.health.responses + failures without a response (21)"),
        "{error}"
    );
}

#[test]
fn errors_must_add_up_to_failed() {
    let mut scenario = with_load(20, 3);
    scenario["load"]["errors"] = json!({ "http_5xx": 9, "timeout": 2 });
    let error = check(scenario).expect_err("errors");
    assert_eq!(
        error,
        "load.failed (3) does not equal the sum of load.errors (11)"
    );
}

#[test]
fn phases_must_agree_with_sections() {
    let mut scenario = with_load(20, 3);
    scenario["load"] = Value::Null;
    let error = check(scenario).expect_err("load ran without a section");
    assert_eq!(
        error,
        "phases.load is `ran` but the load section is missing"
    );
    let mut scenario = run();
    scenario["load"] = load(20, 3, &histogram(10, 18), 1.0);
    let error = check(scenario).expect_err("a section without the phase");
    assert!(error.contains("`not_requested` but the load section is present"));
    let mut scenario = run();
    scenario["phases"]["availability"]["status"] = json!("skipped");
    let error = check(scenario).expect_err("sampled without the phase");
    assert!(
        error.starts_with("phases.availability is `skipped`"),
        "{error}"
    );
    let mut scenario = run();
    scenario["phases"]["standards"]["status"] = json!("ran");
    let error = check(scenario).expect_err("standards");
    assert!(error.contains("standards section is missing"), "{error}");
}

#[test]
fn availability_up_above_samples_is_refused() {
    let mut scenario = run();
    scenario["availability"]["up"] = json!(11);
    let error = check(scenario).expect_err("up > samples");
    assert_eq!(
        error,
        "availability.up (11) is greater than availability.samples (10)"
    );
    let mut scenario = run();
    scenario["availability"]["samples"] = json!(12);
    scenario["availability"]["up"] = json!(12);
    let error = check(scenario).expect_err("per probe sums");
    assert!(
        error.contains("does not equal availability.samples (12)"),
        "{error}"
    );
}

#[test]
fn probe_figures_must_add_up() {
    let mut scenario = run();
    let one = histogram(5, 4);
    scenario["probe_latency_histogram"] = json!(histogram(5, 3).encode());
    scenario["probe_figures"] = json!({
        "requests": 4, "failed": 0,
        "per_probe": { "health": { "requests": 4, "failed": 0, "histogram": one.encode() } }
    });
    let error = check(scenario.clone()).expect_err("whole vs per probe");
    assert_eq!(
        error,
        "the count of probe_latency_histogram (3) does not equal the responses in probe_figures.per_probe (4)"
    );
    scenario["probe_latency_histogram"] = json!(one.encode());
    check(scenario.clone()).expect("consistent");
    scenario["probe_figures"]["failed"] = json!(5);
    let error = check(scenario).expect_err("failed > requests");
    assert_eq!(
        error,
        "probe_figures.failed (5) is greater than probe_figures.requests (4)"
    );
}
