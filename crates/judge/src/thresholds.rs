//! Thresholds: the figures a scenario is held to, read from what the run observed,
//! and [`judge`], the one place a threshold passes or fails (live runs and `ujilab
//! merge` both end there). Pure functions.

use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use input::quantity::{format_duration, format_ratio};
use input::scenario::{
    Bound, LatencyPhase, Metric, MetricSource, Scenario, Threshold, status_accepted,
};
use observe::latency::LatencyHistogram;
use observe::observations::{LoadResult, Observations, PhaseStatus};
use observe::timing::{Phase, PhaseHistograms};

use crate::standards::say;

/// Whether a threshold held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdStatus {
    Pass,
    Fail,
    /// No figure to compare, for a reason that is not the service's fault (a flag,
    /// a waived rule): neither passes nor fails the gate.
    Skipped,
}

/// The side a limit bounds; comparisons are inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Max,
    Min,
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Op::Max => "max",
            Op::Min => "min",
        })
    }
}

/// The unit of a threshold's limit and figure, in base units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum FigureUnit {
    #[serde(rename = "s")]
    Seconds,
    #[serde(rename = "ratio")]
    Ratio,
    #[serde(rename = "rps")]
    PerSecond,
    #[serde(rename = "index")]
    Index,
    #[serde(rename = "level")]
    Level,
}

/// Which exchanges (or which stage) a figure was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FigureSource {
    Load,
    Probes,
    Availability,
    Standards,
}

impl FigureSource {
    pub fn code(self) -> &'static str {
        match self {
            FigureSource::Load => "load",
            FigureSource::Probes => "probes",
            FigureSource::Availability => "availability",
            FigureSource::Standards => "standards",
        }
    }
}

impl std::fmt::Display for FigureSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// One threshold's result, as report.json keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ThresholdOutcome {
    /// As written: `latency.p95`, `error_rate`, `availability`, `score`, `rule`...
    pub metric: String,
    pub probe: Option<String>,
    pub rule: Option<String>,
    pub op: Op,
    /// In base units: seconds, ratio 0..1, requests/s, index, level.
    pub limit: f64,
    pub actual: Option<f64>,
    pub unit: FigureUnit,
    /// Which exchanges the figure came from.
    pub source: Option<FigureSource>,
    /// The sentence in English; gate reasons name the threshold by it.
    pub display: String,
    /// The same sentence in Indonesian (empty in reports written before it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub display_id: String,
    pub status: ThresholdStatus,
    /// Why there is no figure (`no data`, `--no-load`...).
    pub reason: Option<String>,
}

impl ThresholdOutcome {
    /// The threshold's sentence in `lang` (English for reports written before
    /// the Indonesian one was kept).
    pub fn sentence(&self, lang: input::lang::Lang) -> &str {
        match lang {
            input::lang::Lang::Id if !self.display_id.is_empty() => &self.display_id,
            _ => &self.display,
        }
    }
}

/// Latency and failure counts over the exchanges a threshold reads.
pub struct Figures {
    pub requests: u64,
    pub failed: u64,
    pub up: u64,
    pub latency: LatencyHistogram,
    /// Complete responses only, like `latency`.
    pub phases: PhaseHistograms,
}

/// What the functional pass and availability samples say, for one probe or all.
pub fn probe_figures(
    scenario: &Scenario,
    observations: &Observations,
    probe: Option<&str>,
) -> Figures {
    let mut figures = Figures {
        requests: 0,
        failed: 0,
        up: 0,
        latency: LatencyHistogram::new(),
        phases: PhaseHistograms::default(),
    };
    let wanted = |id: &str| probe.is_none_or(|wanted| wanted == id);
    for result in observations
        .probes
        .iter()
        .filter(|result| wanted(&result.id))
    {
        // A retried probe's earlier tries count too: what failed is not hidden.
        for exchange in result.earlier_attempts.iter().chain(&result.exchange) {
            figures.requests += 1;
            let accepted = match (&exchange.response, scenario.probe(&result.id)) {
                (Some(response), Some(probe)) => {
                    figures.latency.record(exchange.latency);
                    figures.phases.record(&exchange.timings);
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
                if let Some(timings) = &sample.timings {
                    figures.phases.record(timings);
                }
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
) -> Option<(f64, FigureSource)> {
    if let Some(availability) = &observations.availability {
        let (samples, up) = match probe {
            None => (availability.samples, availability.up),
            Some(id) => availability
                .per_probe
                .iter()
                .find(|p| p.id == id)
                .map_or((0, 0), |p| (p.samples, p.up)),
        };
        return (samples > 0).then(|| (up as f64 / samples as f64, FigureSource::Availability));
    }
    let figures = probe_figures(scenario, observations, probe);
    (figures.requests > 0).then(|| {
        (
            figures.up as f64 / figures.requests as f64,
            FigureSource::Probes,
        )
    })
}

/// Every threshold's result. `score` and `rule` thresholds wait for the standards
/// stage and are reported skipped until it exists.
pub fn evaluate(scenario: &Scenario, observations: &Observations) -> Vec<ThresholdOutcome> {
    scenario
        .thresholds
        .iter()
        .map(|threshold| evaluate_one(scenario, observations, threshold))
        .collect()
}

/// Every threshold's result, `score` and `rule` thresholds read from the
/// standards score (the others as [`evaluate`]).
pub fn evaluate_with_score(
    scenario: &Scenario,
    observations: &Observations,
    score: Option<&crate::standards::Score>,
) -> Vec<ThresholdOutcome> {
    let mut reports = evaluate(scenario, observations);
    let Some(score) = score else {
        return reports;
    };
    for (report, threshold) in reports.iter_mut().zip(&scenario.thresholds) {
        if matches!(threshold.metric, Metric::Score | Metric::Rule(_)) {
            *report = judge(
                &ThresholdSpec {
                    metric: &threshold.metric,
                    probe: threshold.probe.as_deref(),
                    bound: threshold.bound,
                },
                standards_figure(&threshold.metric, score),
            );
        }
    }
    reports
}

/// The index (rounded, as the bands read it) or a rule's level. A partial run or
/// one cut short gives no index to hold a scenario to; a waived or
/// not-applicable rule skips.
fn standards_figure(metric: &Metric, score: &crate::standards::Score) -> Measured {
    use crate::standards::{RuleStatus, Verdict};
    let partial = score.verdict == Verdict::NotEvaluated;
    let value = match metric {
        Metric::Score if score.provisional => {
            Err("run cut short: the index is provisional".to_string())
        }
        Metric::Score if partial => Err("partial run: the index is not evaluated".to_string()),
        Metric::Score => score.index.ok_or_else(|| NO_DATA.to_string()),
        Metric::Rule(code) => match score.rule(code).map(|rule| rule.status) {
            Some(RuleStatus::Level(level)) => Ok(f64::from(level)),
            Some(RuleStatus::Waived) => Err(format!("{code} is waived")),
            Some(RuleStatus::NotApplicable) => Err(format!("{code} is not applicable")),
            Some(RuleStatus::Inconclusive) if partial => {
                Err(format!("partial run: {code} was not measured"))
            }
            Some(RuleStatus::Inconclusive) => Err(NO_DATA.to_string()),
            None => Err(format!("no rule {code} in the catalogue")),
        },
        _ => Err(NO_DATA.to_string()),
    };
    Measured {
        source: Some(FigureSource::Standards),
        value,
    }
}

fn evaluate_one(
    scenario: &Scenario,
    observations: &Observations,
    threshold: &Threshold,
) -> ThresholdOutcome {
    let measured = measure(scenario, observations, threshold);
    judge(
        &ThresholdSpec {
            metric: &threshold.metric,
            probe: threshold.probe.as_deref(),
            bound: threshold.bound,
        },
        measured,
    )
}

/// A threshold as written: the metric, the probe it is narrowed to, the bound.
#[derive(Debug, Clone, Copy)]
pub struct ThresholdSpec<'a> {
    pub metric: &'a Metric,
    pub probe: Option<&'a str>,
    pub bound: Bound,
}

/// What a threshold's figure came to, before it is compared.
#[derive(Debug, Clone)]
pub struct Measured {
    /// Which exchanges were read.
    pub source: Option<FigureSource>,
    /// The figure in base units; or why there is none: [`NO_DATA`] fails the
    /// threshold, any other reason skips it.
    pub value: Result<f64, String>,
}

/// The figure of a live run (semantics.md, "Thresholds and the gate").
fn measure(scenario: &Scenario, observations: &Observations, threshold: &Threshold) -> Measured {
    let reads_load = scenario.load.is_some() && threshold.source != Some(MetricSource::Probes);
    let probe = threshold.probe.as_deref();
    let (source, value) = match &threshold.metric {
        Metric::Score | Metric::Rule(_) => (None, Err(skip(&observations.phases.standards))),
        Metric::Throughput if !reads_load => (
            None,
            Err("throughput is measured by a `load:` run".to_string()),
        ),
        // Availability always reads the sampled (or functional) exchanges, never load.
        Metric::Availability => match availability_ratio(scenario, observations, probe) {
            Some((ratio, source)) => (Some(source), Ok(ratio)),
            None => (Some(FigureSource::Probes), Err(NO_DATA.into())),
        },
        metric if reads_load => match &observations.load {
            Some(load) => (Some(FigureSource::Load), load_figure(load, metric, probe)),
            None => (None, Err(skip(&observations.phases.load))),
        },
        metric => {
            let figures = probe_figures(scenario, observations, probe);
            let value = figure_value(
                metric,
                &FigureInputs {
                    requests: figures.requests,
                    failed: figures.failed,
                    latency: &figures.latency,
                    phases: Some(&figures.phases),
                    throughput: None,
                },
            );
            (
                Some(FigureSource::Probes),
                value.ok_or_else(|| NO_DATA.to_string()),
            )
        }
    };
    Measured { source, value }
}

/// Compares a measured figure with its threshold and says so for people. The one
/// place a threshold passes or fails: live runs and `ujilab merge` both end here.
pub fn judge(spec: &ThresholdSpec<'_>, measured: Measured) -> ThresholdOutcome {
    let (op, limit) = match spec.bound {
        Bound::Max(limit) => (Op::Max, limit),
        Bound::Min(limit) => (Op::Min, limit),
    };
    let unit = unit_of(spec.metric);
    let mut report = ThresholdOutcome {
        metric: spec.metric.name(),
        probe: spec.probe.map(str::to_string),
        rule: match spec.metric {
            Metric::Rule(code) => Some(code.clone()),
            _ => None,
        },
        op,
        limit,
        actual: None,
        unit,
        source: measured.source,
        display: String::new(),
        display_id: String::new(),
        status: ThresholdStatus::Skipped,
        reason: None,
    };
    let label = match (spec.metric, spec.probe) {
        (
            Metric::LatencyPercentile(_)
            | Metric::LatencyMean
            | Metric::LatencyMin
            | Metric::LatencyMax
            | Metric::PhaseLatency { .. },
            probe,
        ) => {
            let name = spec
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
    // Figures in English notation; `say` turns them into the reader's.
    let shown = |value: f64| match unit {
        FigureUnit::Seconds => format_duration(Duration::from_secs_f64(value.max(0.0))),
        FigureUnit::Ratio => format_ratio(value),
        FigureUnit::PerSecond => format!("{value:.1}/s"),
        FigureUnit::Index => format!("{value:.2}"),
        FigureUnit::Level => format!("{value}"),
    };
    // A figure that fails but prints like its limit is shown to more digits, so
    // the sentence never reads "800 ms exceeds the limit 800 ms".
    let precise = |value: f64| match unit {
        FigureUnit::Seconds => format!("{:.3} ms", value * 1000.0),
        FigureUnit::Ratio => format!("{:.4}%", value * 100.0),
        _ => format!("{value}"),
    };
    let limit_text = shown(limit);
    let sentence = match measured.value {
        Ok(actual) => {
            let pass = match spec.bound {
                Bound::Max(limit) => actual <= limit,
                Bound::Min(limit) => actual >= limit,
            };
            report.actual = Some(actual);
            report.status = if pass {
                ThresholdStatus::Pass
            } else {
                ThresholdStatus::Fail
            };
            let mut figure = shown(actual);
            if !pass && figure == limit_text {
                figure = precise(actual);
            }
            say::threshold_held(&label, &figure, op, pass, &limit_text)
        }
        Err(reason) if reason == NO_DATA => {
            report.status = ThresholdStatus::Fail;
            report.reason = Some(reason);
            say::threshold_without_data(&label, op, &limit_text)
        }
        Err(reason) => {
            let text = say::threshold_not_held(&label, op, &limit_text, &reason);
            report.reason = Some(reason);
            text
        }
    };
    report.display = sentence.en;
    report.display_id = sentence.id;
    report
}

/// The unit a metric's figures and limits are in.
pub fn unit_of(metric: &Metric) -> FigureUnit {
    match metric {
        metric if metric.is_latency() => FigureUnit::Seconds,
        Metric::ErrorRate | Metric::Availability => FigureUnit::Ratio,
        Metric::Throughput => FigureUnit::PerSecond,
        Metric::Score => FigureUnit::Index,
        _ => FigureUnit::Level,
    }
}

/// The reason a threshold without a figure fails.
pub const NO_DATA: &str = "no data";

/// A set of requests, as the figure-based metrics read it.
#[derive(Debug, Clone, Copy)]
pub struct FigureInputs<'a> {
    pub requests: u64,
    pub failed: u64,
    /// Complete responses only.
    pub latency: &'a LatencyHistogram,
    /// One histogram per phase, complete responses only; `None` when the source
    /// kept none (a report written before phases were measured).
    pub phases: Option<&'a PhaseHistograms>,
    /// Complete responses per second of the measured window (load runs only).
    pub throughput: Option<f64>,
}

/// `error_rate`, `throughput` and `latency.*` over a set of requests; `None`
/// without data (or for a metric that is not a figure of requests).
pub fn figure_value(metric: &Metric, inputs: &FigureInputs<'_>) -> Option<f64> {
    match metric {
        Metric::ErrorRate => {
            (inputs.requests > 0).then(|| inputs.failed as f64 / inputs.requests as f64)
        }
        Metric::Throughput => inputs.throughput,
        Metric::LatencyPercentile(p) => inputs.latency.percentile(*p),
        Metric::LatencyMean => inputs.latency.mean(),
        Metric::LatencyMin => inputs.latency.min(),
        Metric::LatencyMax => inputs.latency.max(),
        Metric::PhaseLatency { phase, statistic } => {
            let histogram = inputs.phases?.get(phase_of(*phase));
            figure_value(
                statistic,
                &FigureInputs {
                    latency: histogram,
                    ..*inputs
                },
            )
        }
        Metric::Availability | Metric::Score | Metric::Rule(_) => None,
    }
}

/// The phase a threshold names, as observations count it.
fn phase_of(phase: LatencyPhase) -> Phase {
    match phase {
        LatencyPhase::Dns => Phase::Dns,
        LatencyPhase::Connect => Phase::Connect,
        LatencyPhase::Tls => Phase::Tls,
        LatencyPhase::Send => Phase::Send,
        LatencyPhase::Wait => Phase::Wait,
        LatencyPhase::Ttfb => Phase::Ttfb,
        LatencyPhase::Transfer => Phase::Transfer,
    }
}

/// A figure of the load run (after warmup), for the whole mix or one probe.
fn load_figure(load: &LoadResult, metric: &Metric, probe: Option<&str>) -> Result<f64, String> {
    let tally = load.tally(probe).ok_or_else(|| NO_DATA.to_string())?;
    figure_value(
        metric,
        &FigureInputs {
            requests: tally.requests,
            failed: tally.failed,
            latency: &tally.latency,
            phases: Some(&tally.phases),
            throughput: load.throughput(tally),
        },
    )
    .ok_or_else(|| NO_DATA.to_string())
}

/// The metric and bound a reported threshold was held to (what `ujilab merge`
/// re-judges); `None` when the report names something this version cannot read.
pub fn reported_spec(report: &ThresholdOutcome) -> Option<(Metric, Bound)> {
    let metric = Metric::from_name(&report.metric, report.rule.as_deref())?;
    let bound = match report.op {
        Op::Max => Bound::Max(report.limit),
        Op::Min => Bound::Min(report.limit),
    };
    Some((metric, bound))
}

fn skip(phase: &PhaseStatus) -> String {
    match phase {
        PhaseStatus::Skipped(reason) => reason.to_string(),
        PhaseStatus::Ran | PhaseStatus::NotRequested => "not measured".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(metric: Metric, bound: Bound, value: Result<f64, String>) -> (ThresholdStatus, String) {
        let outcome = judge(
            &ThresholdSpec {
                metric: &metric,
                probe: None,
                bound,
            },
            Measured {
                source: Some(FigureSource::Load),
                value,
            },
        );
        (outcome.status, outcome.display)
    }

    #[test]
    fn the_indonesian_sentence_says_the_same_in_indonesian() {
        let outcome = |metric: Metric, bound, value| {
            judge(
                &ThresholdSpec {
                    metric: &metric,
                    probe: None,
                    bound,
                },
                Measured {
                    source: Some(FigureSource::Load),
                    value,
                },
            )
        };
        let slow = outcome(Metric::LatencyPercentile(99.0), Bound::Max(0.8), Ok(1.01));
        assert_eq!(slow.display_id, "p99 1,01 s melebihi batas 800 ms");
        assert_eq!(slow.sentence(input::lang::Lang::En), slow.display);
        let down = outcome(Metric::Availability, Bound::Min(0.99), Ok(0.925));
        assert_eq!(
            down.sentence(input::lang::Lang::Id),
            "ketersediaan 92,5%, di bawah batas minimum 99%"
        );
        let none = outcome(Metric::Availability, Bound::Min(0.995), Err(NO_DATA.into()));
        assert_eq!(
            none.display_id,
            "ketersediaan: tidak ada data, jadi batas minimum 99,5% tidak terpenuhi"
        );
    }

    #[test]
    fn every_outcome_reads_as_a_true_sentence() {
        use ThresholdStatus::*;
        let p99 = || Metric::LatencyPercentile(99.0);
        assert_eq!(
            line(p99(), Bound::Max(0.8), Ok(1.01)),
            (Fail, "p99 1.01 s exceeds the limit 800 ms".into())
        );
        assert_eq!(
            line(p99(), Bound::Max(0.8), Ok(0.62)),
            (Pass, "p99 620 ms, within the limit 800 ms".into())
        );
        assert_eq!(
            line(Metric::Availability, Bound::Min(0.99), Ok(0.925)),
            (Fail, "availability 92.5%, below the minimum 99%".into())
        );
        assert_eq!(
            line(Metric::Availability, Bound::Min(0.99), Ok(1.0)),
            (
                Pass,
                "availability 100%, at or above the minimum 99%".into()
            )
        );
        assert_eq!(
            line(p99(), Bound::Max(0.8), Err(NO_DATA.into())),
            (Fail, "p99: no data, so the limit 800 ms is not met".into())
        );
        assert_eq!(
            line(Metric::ErrorRate, Bound::Max(0.01), Err("--no-load".into())),
            (
                Skipped,
                "error_rate not held to the limit 1%: --no-load".into()
            )
        );
    }

    #[test]
    fn a_failing_figure_that_prints_like_its_limit_shows_more_digits() {
        let (status, display) = line(
            Metric::LatencyPercentile(95.0),
            Bound::Max(0.8),
            Ok(0.800_004),
        );
        assert_eq!(status, ThresholdStatus::Fail);
        assert_eq!(display, "p95 800.004 ms exceeds the limit 800 ms");
    }
}
