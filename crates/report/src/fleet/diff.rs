//! `ujilab diff BASE.json NEW.json`: the figures of two runs side by side, per
//! service and probe, and whether the new one regressed (a CI gate for "this
//! deployment made it slower").
//!
//! Figures compared, like with like (a latency measured under load is never
//! compared with one measured by the functional probes):
//! - p50, p95, p99: the load run's when both runs had one, else the probes';
//!   they regress when they grow by more than `max_regression` of the base value
//!   *and* by more than `min_delta`;
//! - error rate, and availability through its failing share (1 - availability):
//!   they regress when that share grows by more than `max_regression` of its base
//!   value (any growth from 0) *and* by more than `min_ratio_delta` points;
//! - the standards index regresses when it drops by at least `min_index_delta`;
//! - a rule regresses when its level drops; a gate when it goes from pass to fail.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use observe::latency::LatencyHistogram;

use crate::fleet::read::{ReportFile, ran};
use crate::model::{Gate, LatencyReport, ScenarioReport};
use crate::{markdown, wording};

/// When a change counts as a regression.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Relative growth, 0.10 for 10%.
    pub max_regression: f64,
    /// Absolute latency growth, seconds.
    pub min_delta: f64,
    /// Absolute growth of error rate or unavailability, ratio points (0.001).
    pub min_ratio_delta: f64,
    pub min_index_delta: f64,
    /// Percentiles of fewer responses than this (on either side) are shown but
    /// never gate: one functional exchange is not a distribution.
    pub min_samples: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_regression: 0.10,
            min_delta: 0.002,
            min_ratio_delta: 0.001,
            min_index_delta: 0.05,
            min_samples: 10,
        }
    }
}

/// A figure of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    /// Seconds.
    Latency(f64),
    /// 0..1, lower is better.
    ErrorRate(f64),
    /// 0..1, higher is better.
    Availability(f64),
    Index(f64),
    Level(u8),
    Gate(Gate),
}

/// One figure of one service (or one of its probes) in both runs.
#[derive(Debug, Clone)]
pub struct Row {
    pub service: String,
    /// `None` for the whole scenario.
    pub probe: Option<String>,
    /// `p95`, `error_rate`, `availability`, `index`, `rule SC-04`, `gate`.
    pub figure: String,
    /// `load` or `probes` for latency and error rate.
    pub source: Option<&'static str>,
    pub base: Option<Figure>,
    pub new: Option<Figure>,
    pub regression: bool,
}

#[derive(Debug, Clone)]
pub struct Diff {
    pub base_file: String,
    pub new_file: String,
    pub limits: Limits,
    pub rows: Vec<Row>,
    /// Services in only one of the runs.
    pub only_base: Vec<String>,
    pub only_new: Vec<String>,
}

impl Diff {
    pub fn regressions(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|row| row.regression)
    }
}

pub fn compare(base: &ReportFile, new: &ReportFile, limits: Limits) -> Diff {
    let base_services: BTreeMap<String, &ScenarioReport> = ran(&base.report).collect();
    let new_services: BTreeMap<String, &ScenarioReport> = ran(&new.report).collect();
    let mut rows = Vec::new();
    for (id, new_scenario) in &new_services {
        if let Some(base_scenario) = base_services.get(id) {
            compare_scenario(id, base_scenario, new_scenario, &limits, &mut rows);
        }
    }
    Diff {
        base_file: base.file.clone(),
        new_file: new.file.clone(),
        limits,
        rows,
        only_base: base_services
            .keys()
            .filter(|id| !new_services.contains_key(*id))
            .cloned()
            .collect(),
        only_new: new_services
            .keys()
            .filter(|id| !base_services.contains_key(*id))
            .cloned()
            .collect(),
    }
}

/// The figures of one scope (the scenario, or one probe) of one run.
#[derive(Debug, Default)]
struct Scope {
    latency: Option<Latency>,
    error_rate: Option<(&'static str, f64)>,
    availability: Option<f64>,
}

/// p50, p95 and p99 in seconds, where they came from and over how many responses.
#[derive(Debug, Clone, Copy)]
struct Latency {
    source: &'static str,
    seconds: [f64; 3],
    count: u64,
}

fn from_summary(source: &'static str, latency: &LatencyReport, count: u64) -> Latency {
    Latency {
        source,
        seconds: [latency.p50, latency.p95, latency.p99].map(|ms| ms / 1000.0),
        count,
    }
}

fn from_histogram(source: &'static str, encoded: &str) -> Option<Latency> {
    let histogram = LatencyHistogram::decode(encoded).ok()?;
    Some(Latency {
        source,
        seconds: [
            histogram.percentile(50.0)?,
            histogram.percentile(95.0)?,
            histogram.percentile(99.0)?,
        ],
        count: histogram.count(),
    })
}

fn scope(scenario: &ScenarioReport, probe: Option<&str>) -> Scope {
    let mut scope = Scope::default();
    let load = scenario.load.as_ref().filter(|load| load.requests > 0);
    match (load, probe) {
        (Some(load), None) => {
            scope.latency = load
                .latency_ms
                .as_ref()
                .map(|l| from_summary("load", l, load.responses));
            scope.error_rate = Some(("load", load.error_rate));
        }
        (Some(load), Some(id)) => {
            if let Some(entry) = load.per_probe.get(id) {
                scope.latency = entry
                    .latency_ms
                    .as_ref()
                    .map(|l| from_summary("load", l, entry.responses));
                scope.error_rate = entry.error_rate.map(|rate| ("load", rate));
            }
        }
        (None, _) => {}
    }
    let figures = scenario.probe_figures.as_ref();
    if scope.latency.is_none() {
        scope.latency = match probe {
            None => scenario
                .probe_latency_histogram
                .as_deref()
                .and_then(|h| from_histogram("probes", h)),
            Some(id) => figures
                .and_then(|f| f.per_probe.get(id))
                .and_then(|p| p.histogram.as_deref())
                .and_then(|h| from_histogram("probes", h)),
        };
    }
    if scope.error_rate.is_none() {
        let counts = match probe {
            None => figures.map(|f| (f.requests, f.failed)),
            Some(id) => figures
                .and_then(|f| f.per_probe.get(id))
                .map(|p| (p.requests, p.failed)),
        };
        scope.error_rate = counts
            .filter(|(requests, _)| *requests > 0)
            .map(|(requests, failed)| ("probes", failed as f64 / requests as f64));
    }
    if let Some(availability) = &scenario.availability {
        scope.availability = match probe {
            None => availability.ratio,
            Some(id) => availability.per_probe.get(id).and_then(|p| p.ratio),
        };
    }
    scope
}

fn compare_scenario(
    service: &str,
    base: &ScenarioReport,
    new: &ScenarioReport,
    limits: &Limits,
    rows: &mut Vec<Row>,
) {
    let row = |probe: Option<&str>, figure: &str, source, base, new, regression| Row {
        service: service.to_string(),
        probe: probe.map(str::to_string),
        figure: figure.to_string(),
        source,
        base,
        new,
        regression,
    };
    rows.push(row(
        None,
        "gate",
        None,
        Some(Figure::Gate(base.gate)),
        Some(Figure::Gate(new.gate)),
        base.gate == Gate::Pass && new.gate == Gate::Fail,
    ));
    let mut probes: Vec<Option<&str>> = vec![None];
    probes.extend(
        new.probes
            .iter()
            .filter(|p| base.probes.iter().any(|b| b.id == p.id))
            .map(|p| Some(p.id.as_str())),
    );
    for probe in probes {
        let (b, n) = (scope(base, probe), scope(new, probe));
        match (b.latency, n.latency) {
            (Some(bl), Some(nl)) if bl.source == nl.source => {
                let enough = bl.count.min(nl.count) >= limits.min_samples;
                for (at, name) in ["p50", "p95", "p99"].iter().enumerate() {
                    let (before, after) = (bl.seconds[at], nl.seconds[at]);
                    let grew = after - before;
                    let regression =
                        enough && grew > limits.min_delta && grew > limits.max_regression * before;
                    rows.push(row(
                        probe,
                        name,
                        Some(bl.source),
                        Some(Figure::Latency(before)),
                        Some(Figure::Latency(after)),
                        regression,
                    ));
                }
            }
            (b_latency, n_latency) if b_latency.is_some() || n_latency.is_some() => {
                // Not comparable (one side missing, or measured differently).
                for (at, name) in ["p50", "p95", "p99"].iter().enumerate() {
                    rows.push(row(
                        probe,
                        name,
                        n_latency.or(b_latency).map(|l| l.source),
                        b_latency.map(|l| Figure::Latency(l.seconds[at])),
                        n_latency.map(|l| Figure::Latency(l.seconds[at])),
                        false,
                    ));
                }
            }
            _ => {}
        }
        if let (Some((bs, be)), Some((ns, ne))) = (b.error_rate, n.error_rate) {
            rows.push(row(
                probe,
                "error_rate",
                Some(ns),
                Some(Figure::ErrorRate(be)),
                Some(Figure::ErrorRate(ne)),
                bs == ns && share_regressed(be, ne, limits),
            ));
        }
        if let (Some(ba), Some(na)) = (b.availability, n.availability) {
            rows.push(row(
                probe,
                "availability",
                None,
                Some(Figure::Availability(ba)),
                Some(Figure::Availability(na)),
                share_regressed(1.0 - ba, 1.0 - na, limits),
            ));
        }
    }
    let (bs, ns) = (base.standards.as_ref(), new.standards.as_ref());
    if let (Some(bs), Some(ns)) = (bs, ns) {
        if bs.index.is_some() || ns.index.is_some() {
            let regression = match (bs.index, ns.index) {
                (Some(b), Some(n)) => b - n >= limits.min_index_delta - 1e-9,
                (Some(_), None) => true,
                _ => false,
            };
            rows.push(row(
                None,
                "index",
                None,
                bs.index.map(Figure::Index),
                ns.index.map(Figure::Index),
                regression,
            ));
        }
        for rule in &ns.rules {
            let Some(before) = bs.rules.iter().find(|r| r.code == rule.code) else {
                continue;
            };
            if before.level.is_none() && rule.level.is_none() {
                continue;
            }
            rows.push(row(
                None,
                &format!("rule {}", rule.code),
                None,
                before.level.map(Figure::Level),
                rule.level.map(Figure::Level),
                matches!((before.level, rule.level), (Some(b), Some(n)) if n < b),
            ));
        }
    }
}

/// A "lower is better" share (error rate, unavailability) regressed.
fn share_regressed(base: f64, new: f64, limits: &Limits) -> bool {
    let grew = new - base;
    grew > limits.min_ratio_delta + 1e-12 && (base <= 0.0 || grew > limits.max_regression * base)
}

fn figure_text(figure: Option<Figure>) -> String {
    match figure {
        None => "-".into(),
        Some(Figure::Latency(s)) => wording::ms(s * 1000.0),
        Some(Figure::ErrorRate(r) | Figure::Availability(r)) => ratio_text(r),
        Some(Figure::Index(i)) => format!("{i:.2}"),
        Some(Figure::Level(l)) => format!("L{l}"),
        Some(Figure::Gate(Gate::Pass)) => "pass".into(),
        Some(Figure::Gate(Gate::Fail)) => "fail".into(),
    }
}

/// `99.95%`: enough digits to see a change of 0.01 point.
fn ratio_text(ratio: f64) -> String {
    let text = format!("{:.2}", ratio * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

fn change_text(row: &Row) -> String {
    match (row.base, row.new) {
        (Some(Figure::Latency(b)), Some(Figure::Latency(n))) => {
            let sign = if n >= b { "+" } else { "-" };
            let relative = if b > 0.0 {
                format!(" ({sign}{:.1}%)", ((n - b) / b * 100.0).abs())
            } else {
                String::new()
            };
            format!("{sign}{}{relative}", wording::ms((n - b).abs() * 1000.0))
        }
        (
            Some(Figure::ErrorRate(b) | Figure::Availability(b)),
            Some(Figure::ErrorRate(n) | Figure::Availability(n)),
        ) => {
            let points = (n - b) * 100.0;
            if points.abs() < 0.005 {
                "=".into()
            } else {
                format!("{points:+.2} pt")
            }
        }
        (Some(Figure::Index(b)), Some(Figure::Index(n))) => {
            if (n - b).abs() < 0.005 {
                "=".into()
            } else {
                format!("{:+.2}", n - b)
            }
        }
        (Some(Figure::Level(b)), Some(Figure::Level(n))) => {
            if n == b {
                "=".into()
            } else {
                format!("{:+}", i16::from(n) - i16::from(b))
            }
        }
        (Some(Figure::Gate(b)), Some(Figure::Gate(n))) if b == n => "=".into(),
        (Some(_), Some(_)) => "changed".into(),
        _ => "not comparable".into(),
    }
}

fn changed(row: &Row) -> bool {
    row.base != row.new
}

fn scope_text(row: &Row) -> String {
    row.probe.clone().unwrap_or_else(|| "(all)".into())
}

fn figure_name(row: &Row) -> String {
    match row.source {
        Some(source) => format!("{} ({source})", row.figure),
        None => row.figure.clone(),
    }
}

fn limits_text(limits: &Limits) -> String {
    format!(
        "latency +{:.0}% and +{} (over at least {} responses); error rate and unavailability +{:.0}% and +{} pt; index -{:.2}; any rule level drop; pass to fail",
        limits.max_regression * 100.0,
        wording::ms(limits.min_delta * 1000.0),
        limits.min_samples,
        limits.max_regression * 100.0,
        limits.min_ratio_delta * 100.0,
        limits.min_index_delta
    )
}

/// Plain text for a terminal: the regressions, then every figure that changed.
pub fn render_text(diff: &Diff) -> String {
    let mut out = String::new();
    let regressions: Vec<&Row> = diff.regressions().collect();
    let _ = writeln!(out, "ujilab diff {} -> {}", diff.base_file, diff.new_file);
    let _ = writeln!(out, "regression limits: {}", limits_text(&diff.limits));
    let table = |rows: &[&Row], out: &mut String| {
        let cells: Vec<[String; 6]> = rows
            .iter()
            .map(|row| {
                [
                    row.service.clone(),
                    scope_text(row),
                    figure_name(row),
                    figure_text(row.base),
                    figure_text(row.new),
                    change_text(row),
                ]
            })
            .collect();
        let header = ["Service", "Probe", "Figure", "Base", "New", "Change"];
        let mut widths = header.map(str::len);
        for row in &cells {
            for (at, cell) in row.iter().enumerate() {
                widths[at] = widths[at].max(cell.chars().count());
            }
        }
        let line = |cells: &[String], out: &mut String| {
            let parts: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(at, cell)| format!("{cell:<width$}", width = widths[at]))
                .collect();
            let _ = writeln!(out, "{}", parts.join("  ").trim_end());
        };
        line(&header.map(String::from), out);
        for row in &cells {
            line(row, out);
        }
    };
    if regressions.is_empty() {
        let _ = writeln!(out, "\nno regression");
    } else {
        let _ = writeln!(out, "\n{} regression(s):", regressions.len());
        table(&regressions, &mut out);
    }
    let changes: Vec<&Row> = diff
        .rows
        .iter()
        .filter(|row| !row.regression && changed(row))
        .collect();
    if !changes.is_empty() {
        let _ = writeln!(out, "\nother changes:");
        table(&changes, &mut out);
    }
    for (label, ids) in [
        ("only in base", &diff.only_base),
        ("only in new", &diff.only_new),
    ] {
        if !ids.is_empty() {
            let _ = writeln!(out, "\n{label}: {}", ids.join(", "));
        }
    }
    out
}

/// Markdown for a pull request: the verdict, the regressions, then every figure
/// in a collapsed section. Service text is escaped (never markup or a link).
pub fn render_markdown(diff: &Diff) -> String {
    let mut out = String::new();
    let regressions: Vec<&Row> = diff.regressions().collect();
    let _ = writeln!(out, "## ujilab diff\n");
    let _ = writeln!(
        out,
        "`{}` → `{}`\n",
        code(&diff.base_file),
        code(&diff.new_file)
    );
    if regressions.is_empty() {
        let _ = writeln!(out, "**No regression.**\n");
    } else {
        let _ = writeln!(out, "**{} regression(s).**\n", regressions.len());
        table_md(&regressions, &mut out);
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "<sub>Regression limits: {}.</sub>\n",
        markdown::text(&limits_text(&diff.limits))
    );
    let all: Vec<&Row> = diff.rows.iter().collect();
    if !all.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>All figures ({} rows)</summary>\n",
            all.len()
        );
        table_md(&all, &mut out);
        let _ = writeln!(out, "\n</details>\n");
    }
    for (label, ids) in [
        ("Only in base", &diff.only_base),
        ("Only in new", &diff.only_new),
    ] {
        if !ids.is_empty() {
            let list: Vec<String> = ids.iter().map(|id| markdown::text(id)).collect();
            let _ = writeln!(out, "{label}: {}\n", list.join(", "));
        }
    }
    out
}

fn code(text: &str) -> String {
    text.replace(['`', '|', '\n', '\r'], "\u{FFFD}")
}

fn table_md(rows: &[&Row], out: &mut String) {
    let _ = writeln!(out, "| Service | Probe | Figure | Base | New | Change | |");
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for row in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            markdown::text(&row.service),
            markdown::text(&scope_text(row)),
            markdown::text(&figure_name(row)),
            figure_text(row.base),
            figure_text(row.new),
            change_text(row),
            if row.regression { "❌ regression" } else { "" }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::default()
    }

    #[test]
    fn shares_regress_past_both_limits() {
        let l = limits();
        assert!(
            share_regressed(0.0, 0.075, &l),
            "availability 100% -> 92.5%"
        );
        assert!(
            !share_regressed(0.0005, 0.001, &l),
            "0.05 point: under min delta"
        );
        assert!(
            !share_regressed(0.10, 0.105, &l),
            "+5%: under max regression"
        );
        assert!(share_regressed(0.10, 0.12, &l));
        assert!(!share_regressed(0.1, 0.05, &l), "an improvement");
    }

    #[test]
    fn ratios_show_small_changes() {
        assert_eq!(ratio_text(0.9995), "99.95%");
        assert_eq!(ratio_text(1.0), "100%");
        assert_eq!(ratio_text(0.925), "92.5%");
    }
}
