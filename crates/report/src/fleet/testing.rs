//! Hand-made reports for the fleet tools' unit tests: one scenario as one vantage
//! ran it, and the blocks to change in it, read back through the report.json
//! contract like a file from another machine.

use std::time::Duration;

use serde_json::{Value, json};

use observe::latency::LatencyHistogram;

use crate::fleet::read::{ReportFile, parse_report};
use crate::model::{FORMAT, LatencyReport};

/// One scenario, as one vantage ran it: a passing `health` probe, 10 of 10
/// availability samples up, no load, no threshold, no standards.
pub(crate) fn run() -> Value {
    json!({
        "file": "scenarios/dukcapil.yaml",
        "sha256": "ab",
        "status": "ran",
        "service": { "id": "dukcapil", "name": null, "owner": null, "sector": null,
                     "region": null, "base_url": "https://dukcapil.example.go.id/" },
        "scenario": "default",
        "gate": "pass",
        "gate_reasons": [],
        "complete": true,
        "started_at": "2026-11-28T08:00:00Z",
        "finished_at": "2026-11-28T08:01:00Z",
        "phases": {
            "functional": { "status": "ran", "reason": null },
            "availability": { "status": "ran", "reason": null },
            "load": { "status": "not_requested", "reason": null },
            "standards": { "status": "not_requested", "reason": null }
        },
        "probes": [probe("health", 200, true)],
        "availability": availability(10, 10),
        "probe_latency_ms": null,
        "load": null,
        "thresholds": [],
        "standards": null,
        "effective": { "version": 1 },
        "overrides": { "set": [], "only": null, "no_load": false, "no_availability": false,
                       "resolve": [], "ca_file": [], "insecure": false, "proxy": null }
    })
}

pub(crate) fn probe(id: &str, status: u16, passed: bool) -> Value {
    json!({
        "id": id, "kind": "api", "passed": passed,
        "outcome": if passed { "passed" } else { "failed" },
        "method": "GET", "url": format!("https://dukcapil.example.go.id/{id}"),
        "status": status, "redirects": [], "request_headers": [], "response_headers": [],
        "expectations": [{ "what": "status", "expected": "200", "actual": status.to_string(),
                           "passed": passed }]
    })
}

pub(crate) fn availability(samples: u64, up: u64) -> Value {
    json!({
        "rounds": samples, "samples": samples, "up": up,
        "ratio": up as f64 / samples as f64, "reason": null, "source": "availability",
        "window_s": 1.0,
        "per_probe": { "health": { "samples": samples, "up": up,
                                   "ratio": up as f64 / samples as f64 } }
    })
}

/// `availability >= limit`, as the vantage judged it on its own samples.
pub(crate) fn availability_threshold(limit: f64, actual: f64) -> Value {
    let status = if actual >= limit { "pass" } else { "fail" };
    json!({
        "metric": "availability", "probe": null, "rule": null, "op": "min", "limit": limit,
        "actual": actual, "unit": "ratio", "source": "availability",
        "display": format!("availability {}% >= {}%", actual * 100.0, limit * 100.0),
        "status": status, "reason": null
    })
}

pub(crate) fn standards(verdict: &str, index: f64) -> Value {
    json!({
        "catalogue": "idsll-core", "version": "2026.1", "index": index, "predicate": null,
        "coverage": 1.0, "verdict": verdict, "verdict_reasons": [], "conditions": [],
        "waived_critical": [], "aspects": [], "rules": []
    })
}

/// A histogram of `count` latencies from `from_ms`, one millisecond apart.
pub(crate) fn histogram(from_ms: u64, count: u64) -> LatencyHistogram {
    let mut histogram = LatencyHistogram::new();
    for at in 0..count {
        histogram.record(Duration::from_millis(from_ms + at));
    }
    histogram
}

pub(crate) fn load(
    requests: u64,
    failed: u64,
    histogram: &LatencyHistogram,
    window_s: f64,
) -> Value {
    let latency =
        serde_json::to_value(histogram.summary().map(LatencyReport::from)).expect("serializes");
    let responses = histogram.count();
    let errors = json!({ "http_5xx": failed - (requests - responses),
                         "timeout": requests - responses });
    json!({
        "model": "open", "requests": requests,
        "errors": errors,
        "dropped": 0, "error_rate": failed as f64 / requests as f64,
        "throughput_rps": responses as f64 / window_s,
        "latency_ms": latency, "histogram": histogram.encode(),
        "per_probe": {
            "health": { "requests": requests, "latency_ms": latency,
                        "histogram": histogram.encode(), "responses": responses,
                        "failed": failed, "errors": errors,
                        "error_rate": failed as f64 / requests as f64,
                        "throughput_rps": responses as f64 / window_s }
        },
        "window_s": window_s, "responses": responses, "failed": failed,
        "rate_sustained": true
    })
}

/// A report of one run, from `vantage`, holding `scenario`.
pub(crate) fn report(vantage: &str, scenario: Value) -> ReportFile {
    report_of(vantage, vec![scenario])
}

/// A report of one run, from `vantage`, holding `scenarios`.
pub(crate) fn report_of(vantage: &str, scenarios: Vec<Value>) -> ReportFile {
    let complete = scenarios
        .iter()
        .all(|scenario| scenario["complete"].as_bool().unwrap_or(true));
    let failed = scenarios.iter().any(|scenario| scenario["gate"] == "fail");
    let value = json!({
        "format": FORMAT,
        "tool": { "name": "ujilab", "version": "0.1.0" },
        "run": { "id": format!("run-{vantage}"), "started_at": "2026-11-28T08:00:00Z",
                 "finished_at": "2026-11-28T08:01:00Z", "complete": complete, "lang": "en",
                 "shard": "1/1", "vantage": vantage, "args": [] },
        "plan": { "digest": "d1", "entries": scenarios.len(), "assignment": "rendezvous-sha256/1" },
        "gate": if failed { "fail" } else { "pass" },
        "scenarios": scenarios
    });
    let file = format!("{vantage}/report.json");
    parse_report(&file, value.to_string().as_bytes())
        .unwrap_or_else(|error| panic!("the test report reads back: {error}"))
}
