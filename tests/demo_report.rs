//! The demo's report.json, compared with a checked-in baseline
//! (`tests/expected/demo-report.json`) after masking what no two runs share:
//! times, ids, ports, and the figures read off a clock (latencies, throughput,
//! windows, the stall-dependent availability counts). Everything else (every key,
//! every count, status, outcome, level, verdict and gate reason) must be equal, so
//! a refactor that changes what report.json says fails here.
//!
//! To rewrite the baseline from a report on purpose:
//! `UJILAB_DEMO_BASELINE=path/to/report.json cargo test demo_report`.

use std::path::Path;

use serde_json::Value;

use crate::support::{assert_exit_code, run_command, ujilab_command};

const BASELINE: &str = "tests/expected/demo-report.json";

/// Keys whose values are read off a clock or a port, wherever they appear.
const MEASURED_KEYS: &[&str] = &[
    "started_at",
    "finished_at",
    "latency_ms",
    "probe_latency_ms",
    "histogram",
    "probe_latency_histogram",
    "throughput_rps",
    "window_s",
    "remote_addr",
    "args",
    "achieved_rate",
    "after_s",
    "at",
    "sent_at",
    "took_ms",
    "der_base64",
    "not_before",
    "not_after",
    // Which phases a request went through depends on connection reuse.
    "timings",
];

const MASK: &str = "<measured>";

fn normalized(mut report: Value) -> Value {
    if let Some(id) = report.pointer_mut("/run/id") {
        *id = MASK.into();
    }
    mask(&mut report, &mut Vec::new());
    report
}

fn mask(value: &mut Value, path: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            // A latency's Indonesian twin is left out when it reads the same as the
            // English ("2 ms"), so whether it is there at all is measured too.
            if map.get("what").is_some_and(|what| what == "latency") {
                map.remove("actual_id");
            }
            for (key, child) in map.iter_mut() {
                path.push(key.clone());
                if masked(path) {
                    *child = MASK.into();
                } else {
                    mask(child, path);
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            // A response header `[name, value]`: the date changes every second.
            if let [Value::String(name), Value::String(_)] = items.as_slice()
                && name.eq_ignore_ascii_case("date")
            {
                items[1] = MASK.into();
                return;
            }
            for item in items.iter_mut() {
                mask(item, path);
            }
        }
        // A gate reason that quotes a threshold's measured figure.
        Value::String(text)
            if path.last().is_some_and(|key| key == "gate_reasons")
                && text.starts_with("threshold ") =>
        {
            *text = MASK.into();
        }
        Value::String(text) => *text = without_ports(text),
        _ => {}
    }
}

fn masked(path: &[String]) -> bool {
    let key = path.last().map(String::as_str).unwrap_or_default();
    let under = |name: &str| path.iter().any(|segment| segment == name);
    MEASURED_KEYS.contains(&key)
        // Availability rounds meet the sandbox's timed stalls differently each run.
        || (under("availability") && matches!(key, "up" | "ratio"))
        || (under("probe_figures") && key == "failed")
        // Per-phase histograms (scenario.phases, the run's phases, stays compared).
        || ((under("probe_figures") || under("load")) && key == "phases")
        // The sandbox makes its certificates and ports afresh each run, and its
        // stalls meet availability samples differently.
        || (under("chain") && key == "sha256")
        || (under("tls") && key == "port")
        || (under("record") && matches!(key, "status" | "error" | "error_kind"))
        // Figures and sentences that quote a measured value.
        || (under("thresholds") && matches!(key, "actual" | "display" | "display_id"))
        || (under("evidence") && matches!(key, "measured" | "value" | "excerpt" | "notes" | "url"))
        || (under("expectations") && key == "actual")
        || (under("gate_reasons") && key.starts_with("threshold "))
        || key == "ca_file"
}

/// `127.0.0.1:40321` and `host:40321/` lose their (ephemeral) port.
fn without_ports(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        out.push(c);
        if c != ':' {
            continue;
        }
        let digits: String = text[at + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let after = text[at + 1 + digits.len()..].chars().next();
        if (2..=5).contains(&digits.len()) && after.is_none_or(|c| !c.is_ascii_alphanumeric()) {
            out.push_str("PORT");
            for _ in 0..digits.len() {
                chars.next();
            }
        }
    }
    out
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn demo_report_json_matches_the_baseline() {
    if let Some(source) = std::env::var_os("UJILAB_DEMO_BASELINE") {
        let baseline = normalized(read(Path::new(&source)));
        let text = serde_json::to_string_pretty(&baseline).expect("json") + "\n";
        std::fs::write(BASELINE, text).expect("write the baseline");
        return;
    }
    let out = tempfile::tempdir().expect("tempdir");
    let output = run_command(
        ujilab_command()
            .args([
                "demo",
                "--quiet",
                "--no-progress",
                "--format",
                "json",
                "--out",
            ])
            .arg(out.path()),
    );
    assert_exit_code(&output, 0);
    let actual = normalized(read(&out.path().join("report.json")));
    let expected = read(Path::new(BASELINE));
    if actual != expected {
        let shown = serde_json::to_string_pretty(&actual).expect("json");
        let kept = std::env::temp_dir().join("ujilab-demo-report.actual.json");
        let _ = std::fs::write(&kept, &shown);
        panic!(
            "the demo's report.json differs from {BASELINE}; the normalized report is in {}",
            kept.display()
        );
    }
}

#[test]
fn ports_are_masked_and_other_numbers_kept() {
    assert_eq!(
        without_ports("https://127.0.0.1:40321/a?x=1:2"),
        "https://127.0.0.1:PORT/a?x=1:2"
    );
    assert_eq!(without_ports("10:30 and 99.5%"), "10:PORT and 99.5%");
    assert_eq!(without_ports("L2 >= 95%"), "L2 >= 95%");
}
