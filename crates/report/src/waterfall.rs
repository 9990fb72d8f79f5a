//! One probe's requests drawn as a waterfall: a row per request (each earlier
//! try of a retried probe, each redirect hop, then the last request), each row
//! its phases side by side (`dns`, `connect`, `tls`, `send`, `wait`, `transfer`),
//! on one time scale. The rows are drawn back to back: a retry's pause and the
//! moments between hops are not in report.json, so they are not drawn.
//!
//! The input is report.json's `timings`; the output is geometry and labels that
//! `templates/waterfall.html` draws as inline SVG. No markup is produced here.

use input::lang::Lang;

use crate::model::{ProbeReport, TimingsReport};
use crate::wording::ms;

/// The bar's coordinate space; the browser scales it to the column's width.
pub const WIDTH: f64 = 600.0;
/// The colour of each phase, in the order drawn (blues for the connection, the
/// server's wait in amber, the body in green).
const PHASES: [(&str, &str); 6] = [
    ("dns", "#6baed6"),
    ("connect", "#3182bd"),
    ("tls", "#08519c"),
    ("send", "#9e9ac8"),
    ("wait", "#e6a118"),
    ("transfer", "#31a354"),
];

/// The waterfall of one probe.
pub struct Waterfall {
    pub rows: Vec<Row>,
    /// The phases drawn, for the legend: (name, colour).
    pub legend: Vec<(&'static str, &'static str)>,
}

/// One request.
pub struct Row {
    /// `301 → https://…`, `200`, `timeout` (already in the reader's words).
    pub label: String,
    pub total: String,
    pub segments: Vec<Segment>,
}

/// One phase of one request, in [`WIDTH`] units.
pub struct Segment {
    pub x: String,
    pub width: String,
    pub colour: &'static str,
    /// `tls 301.2 ms`: the bar's tooltip and its text for screen readers.
    pub title: String,
}

/// The waterfall of `probe`; `None` when report.json has no timings for it (a
/// probe not sent, a report written before phases were measured).
pub fn of_probe(probe: &ProbeReport, lang: Lang) -> Option<Waterfall> {
    let last = probe.timings.as_ref()?;
    let try_word = lang.pick("percobaan", "try");
    let mut requests: Vec<(String, &TimingsReport)> = Vec::new();
    for (at, attempt) in probe.earlier_attempts.iter().enumerate() {
        let outcome = match (&attempt.error, attempt.status) {
            (Some(error), _) => error.kind.code().to_string(),
            (None, Some(status)) => status.to_string(),
            (None, None) => "-".to_string(),
        };
        requests.push((
            format!("{try_word} {}: {outcome}", at + 1),
            &attempt.timings,
        ));
    }
    for hop in &probe.redirects {
        let Some(timings) = &hop.timings else {
            continue;
        };
        let label = match &hop.location {
            Some(location) => format!("{} → {location}", hop.status),
            None => hop.status.to_string(),
        };
        requests.push((label, timings));
    }
    let last_label = match (&probe.error, probe.status) {
        (Some(error), _) => error.kind.code().to_string(),
        (None, Some(status)) => status.to_string(),
        (None, None) => "-".to_string(),
    };
    requests.push((last_label, last));

    let span: f64 = requests.iter().map(|(_, t)| t.total_ms).sum();
    let scale = if span > 0.0 { WIDTH / span } else { 0.0 };
    let mut start = 0.0;
    let mut drawn = [false; PHASES.len()];
    let rows = requests
        .into_iter()
        .map(|(label, timings)| {
            let mut x = start;
            let mut segments = Vec::new();
            for (slot, (phase, colour)) in PHASES.iter().enumerate() {
                let Some(duration) = phase_ms(timings, phase) else {
                    continue;
                };
                drawn[slot] = true;
                let width = (duration * scale).max(0.5);
                segments.push(Segment {
                    x: format!("{x:.1}"),
                    width: format!("{width:.1}"),
                    colour,
                    title: format!("{phase} {}", ms(duration, lang)),
                });
                x += duration * scale;
            }
            start += timings.total_ms * scale;
            Row {
                label,
                total: ms(timings.total_ms, lang),
                segments,
            }
        })
        .collect();
    let legend = PHASES
        .iter()
        .zip(drawn)
        .filter(|(_, drawn)| *drawn)
        .map(|(phase, _)| *phase)
        .collect();
    Some(Waterfall { rows, legend })
}

fn phase_ms(timings: &TimingsReport, phase: &str) -> Option<f64> {
    match phase {
        "dns" => timings.dns_ms,
        "connect" => timings.connect_ms,
        "tls" => timings.tls_ms,
        "send" => timings.send_ms,
        "wait" => timings.wait_ms,
        "transfer" => timings.transfer_ms,
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RedirectReport;

    fn timings(connect: Option<f64>, tls: Option<f64>, wait: f64, transfer: f64) -> TimingsReport {
        let before = connect.unwrap_or_default() + tls.unwrap_or_default();
        TimingsReport {
            connect_ms: connect,
            tls_ms: tls,
            wait_ms: Some(wait),
            ttfb_ms: Some(before + wait),
            transfer_ms: Some(transfer),
            total_ms: before + wait + transfer,
            ..TimingsReport::default()
        }
    }

    fn probe(value: serde_json::Value) -> ProbeReport {
        serde_json::from_value(value).expect("a probe report")
    }

    #[test]
    fn hops_are_drawn_back_to_back_on_one_scale() {
        let mut report = probe(serde_json::json!({
            "id": "http-ke-https", "kind": "page", "passed": true, "outcome": "passed",
            "skipped_reason": null, "method": "GET", "url": "http://a/", "final_url": "https://a/",
            "status": 200, "latency_ms": 400.0, "http_version": "HTTP/2", "remote_addr": null,
            "wire_bytes": 10, "body_bytes": 10, "redirects": [], "error": null,
            "request_headers": [], "response_headers": [], "body_excerpt": null,
            "expectations": []
        }));
        report.redirects.push(RedirectReport {
            status: 301,
            location: Some("https://a/".into()),
            timings: Some(timings(Some(10.0), None, 80.0, 10.0)),
        });
        report.timings = Some(timings(Some(10.0), Some(200.0), 90.0, 0.0));
        let waterfall = of_probe(&report, Lang::En).expect("timings");
        assert_eq!(waterfall.rows.len(), 2);
        assert_eq!(waterfall.rows[0].label, "301 → https://a/");
        assert_eq!(waterfall.rows[1].label, "200");
        // 100 ms then 300 ms on 600 units: the second row starts at 150.
        assert_eq!(waterfall.rows[1].segments[0].x, "150.0");
        let tls = &waterfall.rows[1].segments[1];
        assert_eq!((tls.x.as_str(), tls.width.as_str()), ("165.0", "300.0"));
        assert_eq!(tls.title, "tls 200 ms");
        assert_eq!(
            waterfall.legend.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
            ["connect", "tls", "wait", "transfer"]
        );
        report.timings = None;
        assert!(of_probe(&report, Lang::En).is_none());
    }
}
