//! `/metrics`: the watch's figures as OpenMetrics text, for Prometheus.

use std::fmt::Write as _;

use super::snapshot::Snapshot;

pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Label values escaped as OpenMetrics asks (backslash, quote, newline).
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

pub fn render(snapshot: &Snapshot, committed_samples: u64) -> String {
    let mut out = String::new();
    let services = || {
        snapshot.regions.iter().flat_map(|region| {
            region
                .services
                .iter()
                .map(move |service| (label(&region.name), service))
        })
    };
    out.push_str("# TYPE ujilab_watch_up gauge\n# HELP ujilab_watch_up 1 when the service is up, 0 when down; absent while unknown.\n");
    for (region, service) in services() {
        let value = match service.state.as_str() {
            "up" => "1",
            "down" => "0",
            _ => continue,
        };
        let _ = writeln!(
            out,
            "ujilab_watch_up{{service=\"{}\",region=\"{region}\"}} {value}",
            label(&service.identity)
        );
    }
    out.push_str("# TYPE ujilab_watch_uptime_ratio gauge\n# HELP ujilab_watch_uptime_ratio Samples up over samples taken in the window.\n");
    for (region, service) in services() {
        for uptime in &service.uptime {
            if let Some(ratio) = uptime.ratio {
                let _ = writeln!(
                    out,
                    "ujilab_watch_uptime_ratio{{service=\"{}\",region=\"{region}\",window=\"{}\"}} {ratio}",
                    label(&service.identity),
                    uptime.window
                );
            }
        }
    }
    out.push_str("# TYPE ujilab_watch_samples gauge\n# HELP ujilab_watch_samples Samples taken in the window.\n");
    for (region, service) in services() {
        for uptime in &service.uptime {
            let _ = writeln!(
                out,
                "ujilab_watch_samples{{service=\"{}\",region=\"{region}\",window=\"{}\"}} {}",
                label(&service.identity),
                uptime.window,
                uptime.samples
            );
        }
    }
    out.push_str("# TYPE ujilab_watch_latency_seconds gauge\n# UNIT ujilab_watch_latency_seconds seconds\n# HELP ujilab_watch_latency_seconds Latency of complete responses over the last 24 hours.\n");
    for (region, service) in services() {
        if let Some(p) = service.latency_24h {
            for (quantile, ms) in [("0.5", p.p50), ("0.95", p.p95), ("0.99", p.p99)] {
                let _ = writeln!(
                    out,
                    "ujilab_watch_latency_seconds{{service=\"{}\",region=\"{region}\",quantile=\"{quantile}\"}} {}",
                    label(&service.identity),
                    ms / 1000.0
                );
            }
        }
    }
    out.push_str("# TYPE ujilab_watch_standards_index gauge\n# HELP ujilab_watch_standards_index The latest standards index (1-5).\n");
    for (region, service) in services() {
        if let Some(index) = service.standards.as_ref().and_then(|s| s.index) {
            let _ = writeln!(
                out,
                "ujilab_watch_standards_index{{service=\"{}\",region=\"{region}\"}} {index}",
                label(&service.identity)
            );
        }
    }
    let waiting = snapshot.behind.as_ref().map_or(0, |b| b.waiting_writes);
    let _ = write!(
        out,
        "# TYPE ujilab_watch_history_waiting_writes gauge\n# HELP ujilab_watch_history_waiting_writes Writes waiting for the database.\nujilab_watch_history_waiting_writes {waiting}\n\
         # TYPE ujilab_watch_committed_samples counter\n# HELP ujilab_watch_committed_samples Samples committed since the watch started.\nujilab_watch_committed_samples_total {committed_samples}\n# EOF\n"
    );
    out
}
