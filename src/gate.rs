//! Thresholds and the gate: the figures a scenario is held to, read from what the
//! run observed. Pure functions; the CI exit code follows from their results.

use std::time::Duration;

use crate::report::model::ThresholdReport;
use crate::run::expect::status_accepted;
use crate::run::latency::LatencyHistogram;
use crate::run::observations::{Observations, PhaseStatus};
use crate::scenario::quantity::{format_duration, format_ratio};
use crate::scenario::{Bound, Metric, MetricSource, Scenario, Threshold};

/// Latency and failure counts over the exchanges a threshold reads.
struct Figures {
    requests: u64,
    failed: u64,
    up: u64,
    latency: LatencyHistogram,
}

/// What the functional pass and availability samples say, for one probe or all.
fn probe_figures(scenario: &Scenario, observations: &Observations, probe: Option<&str>) -> Figures {
    let mut figures = Figures {
        requests: 0,
        failed: 0,
        up: 0,
        latency: LatencyHistogram::new(),
    };
    let wanted = |id: &str| probe.is_none_or(|wanted| wanted == id);
    for result in observations
        .probes
        .iter()
        .filter(|result| wanted(&result.id))
    {
        let Some(exchange) = &result.exchange else {
            continue;
        };
        figures.requests += 1;
        let accepted = match (&exchange.response, scenario.probe(&result.id)) {
            (Some(response), Some(probe)) => {
                figures.latency.record(exchange.latency);
                status_accepted(probe, response.status)
            }
            _ => false,
        };
        if accepted {
            figures.up += 1;
        } else {
            figures.failed += 1;
        }
    }
    if let Some(availability) = &observations.availability {
        for sample in availability
            .exchanges
            .iter()
            .filter(|sample| wanted(&sample.probe))
        {
            figures.requests += 1;
            if let Some(latency) = sample.latency {
                figures.latency.record(latency);
            }
            if !sample.up {
                figures.failed += 1;
            }
        }
    }
    figures
}

/// Latency over the functional and availability exchanges of every probe.
pub fn probe_latency(scenario: &Scenario, observations: &Observations) -> LatencyHistogram {
    probe_figures(scenario, observations, None).latency
}

/// The availability ratio: sampled when the scenario samples, else the functional
/// exchanges; `None` without any exchange.
pub fn availability_ratio(
    scenario: &Scenario,
    observations: &Observations,
    probe: Option<&str>,
) -> Option<(f64, &'static str)> {
    if let Some(availability) = &observations.availability {
        let (samples, up) = match probe {
            None => (availability.samples, availability.up),
            Some(id) => availability
                .per_probe
                .iter()
                .find(|p| p.id == id)
                .map_or((0, 0), |p| (p.samples, p.up)),
        };
        return (samples > 0).then(|| (up as f64 / samples as f64, "availability"));
    }
    let figures = probe_figures(scenario, observations, probe);
    (figures.requests > 0).then(|| (figures.up as f64 / figures.requests as f64, "probes"))
}

/// Every threshold's result. `score` and `rule` thresholds wait for the standards
/// stage and are reported skipped until it exists.
pub fn evaluate(scenario: &Scenario, observations: &Observations) -> Vec<ThresholdReport> {
    scenario
        .thresholds
        .iter()
        .map(|threshold| evaluate_one(scenario, observations, threshold))
        .collect()
}

fn evaluate_one(
    scenario: &Scenario,
    observations: &Observations,
    threshold: &Threshold,
) -> ThresholdReport {
    let (op, limit) = match threshold.bound {
        Bound::Max(limit) => ("max", limit),
        Bound::Min(limit) => ("min", limit),
    };
    let unit = match &threshold.metric {
        metric if metric.is_latency() => "s",
        Metric::ErrorRate | Metric::Availability => "ratio",
        Metric::Throughput => "rps",
        Metric::Score => "index",
        _ => "level",
    };
    let mut report = ThresholdReport {
        metric: threshold.metric.name(),
        probe: threshold.probe.clone(),
        rule: match &threshold.metric {
            Metric::Rule(code) => Some(code.clone()),
            _ => None,
        },
        op: op.to_string(),
        limit,
        actual: None,
        unit: unit.to_string(),
        source: None,
        display: String::new(),
        status: "skipped".to_string(),
        reason: None,
    };
    let reads_load = scenario.load.is_some() && threshold.source != Some(MetricSource::Probes);
    let measured: Result<f64, String> = match &threshold.metric {
        Metric::Score | Metric::Rule(_) => Err(skip(&observations.phases.standards)),
        Metric::Throughput if !reads_load => {
            Err("throughput is measured by a `load:` run".to_string())
        }
        // Availability always reads the sampled (or functional) exchanges, never load.
        Metric::Availability => {
            report.source = Some("probes".into());
            match availability_ratio(scenario, observations, threshold.probe.as_deref()) {
                Some((ratio, source)) => {
                    report.source = Some(source.into());
                    Ok(ratio)
                }
                None => Err(NO_DATA.into()),
            }
        }
        _ if reads_load => Err(skip(&observations.phases.load)),
        metric => {
            report.source = Some("probes".into());
            let figures = probe_figures(scenario, observations, threshold.probe.as_deref());
            let value = match metric {
                Metric::ErrorRate => {
                    (figures.requests > 0).then(|| figures.failed as f64 / figures.requests as f64)
                }
                Metric::LatencyPercentile(p) => figures.latency.percentile(*p),
                Metric::LatencyMean => figures.latency.mean(),
                Metric::LatencyMin => figures.latency.min(),
                Metric::LatencyMax => figures.latency.max(),
                _ => None,
            };
            value.ok_or_else(|| NO_DATA.to_string())
        }
    };
    let label = match (&threshold.metric, &threshold.probe) {
        (
            Metric::LatencyPercentile(_)
            | Metric::LatencyMean
            | Metric::LatencyMin
            | Metric::LatencyMax,
            probe,
        ) => {
            let name = threshold
                .metric
                .name()
                .trim_start_matches("latency.")
                .to_string();
            match probe {
                Some(probe) => format!("{name} [{probe}]"),
                None => name,
            }
        }
        (metric, Some(probe)) => format!("{} [{probe}]", metric.name()),
        (metric, None) => metric.name(),
    };
    let shown = |value: f64| match unit {
        "s" => format_duration(Duration::from_secs_f64(value.max(0.0))),
        "ratio" => format_ratio(value),
        "rps" => format!("{value:.1}/s"),
        "index" => format!("{value:.2}"),
        _ => format!("{value}"),
    };
    let symbol = if op == "max" { "<=" } else { ">=" };
    match measured {
        Ok(actual) => {
            let pass = match threshold.bound {
                Bound::Max(limit) => actual <= limit,
                Bound::Min(limit) => actual >= limit,
            };
            report.actual = Some(actual);
            report.status = if pass { "pass" } else { "fail" }.to_string();
            report.display = format!("{label} {} {symbol} {}", shown(actual), shown(limit));
        }
        Err(reason) if reason == NO_DATA => {
            report.status = "fail".to_string();
            report.display = format!("{label} no data {symbol} {}", shown(limit));
            report.reason = Some(reason);
        }
        Err(reason) => {
            report.display = format!("{label} {symbol} {} (skipped: {reason})", shown(limit));
            report.reason = Some(reason);
        }
    }
    report
}

const NO_DATA: &str = "no data";

fn skip(phase: &PhaseStatus) -> String {
    match phase {
        PhaseStatus::Skipped(reason) => reason.clone(),
        PhaseStatus::Ran | PhaseStatus::NotRequested => "not measured".to_string(),
    }
}
