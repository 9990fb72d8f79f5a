//! `ujilab diff BASE.json NEW.json`: the figures of two runs side by side, per
//! service and probe, and whether the new one regressed (a CI gate for "this
//! deployment made it slower").
//!
//! Figures compared, like with like (a latency measured under load is never
//! compared with one measured by the functional probes):
//! - p50, p95, p99: the load run's when both runs had one, else the probes';
//!   they regress when they grow by more than `max_regression` of the base value
//!   *and* by more than `min_delta`, over at least `min_samples` responses on
//!   each side. Over a single response the three are one figure: one row;
//! - error rate, and availability through its failing share (1 - availability):
//!   they regress when that share grows by more than `max_regression` of its base
//!   value (any growth from 0) *and* by more than `min_ratio_delta` points, and the
//!   new run counts at least `min_failures` failed requests (or samples down): one
//!   5xx in 200 requests is noise, not a regression;
//! - p95 of each phase (`ttfb p95`, `connect p95`…), from the same source as the
//!   latency rows (the scenario's, and each load probe's), by the same rule;
//! - the standards index regresses when it drops by at least `min_index_delta`;
//! - a rule regresses when its level drops; a gate when it goes from pass to fail;
//! - a service or probe of the base that the new run lacks regresses unless
//!   `allow_missing`: a gate must not pass because what failed was left out.
//!
//! The human renderings show the regressions, then the changes at least as large
//! as the minimum deltas; smaller ones are counted and hidden unless `all`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use input::catalogue::Scale;
use input::lang::Lang;
use observe::latency::LatencyHistogram;

use crate::fleet::read::{ReportFile, ran};
use crate::model::{Gate, LatencyReport, PhaseFigures, ScenarioReport};
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
    /// An error rate or availability regresses only with at least this many
    /// failed requests (samples down) in the new run.
    pub min_failures: u64,
    /// A service or probe missing from the new run is shown, not a regression.
    pub allow_missing: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_regression: 0.10,
            min_delta: 0.002,
            min_ratio_delta: 0.001,
            min_index_delta: 0.05,
            min_samples: 10,
            min_failures: 3,
            allow_missing: false,
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
    /// The catalogue's index range: indexes on two ranges cannot be compared.
    Scale(Scale),
    Level(u8),
    Gate(Gate),
    /// The service or probe is in this run.
    Present,
}

/// One figure of one service (or one of its probes) in both runs.
#[derive(Debug, Clone)]
pub struct Row {
    pub service: String,
    /// `None` for the whole scenario.
    pub probe: Option<String>,
    /// `p95`, `latency` (one response), `error_rate`, `availability`, `index`,
    /// `rule SC-04`, `gate`, or `service` / `probe` for one missing from a run.
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
    /// Every figure compared, with a `service` or `probe` row for each one of the
    /// base that the new run lacks.
    pub rows: Vec<Row>,
    /// Services only in the new run.
    pub only_new: Vec<String>,
}

impl Diff {
    pub fn regressions(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|row| row.regression)
    }

    /// Whether a row that is not a regression changed by at least its minimum
    /// delta (and is shown without `--all`).
    fn notable(&self, row: &Row) -> bool {
        let limits = &self.limits;
        let at_least = |change: f64, min: f64| change.abs() >= min - 1e-12;
        match (row.base, row.new) {
            (Some(Figure::Latency(b)), Some(Figure::Latency(n))) => {
                at_least(n - b, limits.min_delta)
            }
            (
                Some(Figure::ErrorRate(b) | Figure::Availability(b)),
                Some(Figure::ErrorRate(n) | Figure::Availability(n)),
            ) => at_least(n - b, limits.min_ratio_delta),
            (Some(Figure::Index(b)), Some(Figure::Index(n))) => {
                at_least(n - b, limits.min_index_delta)
            }
            (base, new) => base != new,
        }
    }
}

pub fn compare(base: &ReportFile, new: &ReportFile, limits: Limits) -> Diff {
    let base_services: BTreeMap<String, &ScenarioReport> = ran(&base.report).collect();
    let new_services: BTreeMap<String, &ScenarioReport> = ran(&new.report).collect();
    let mut rows = Vec::new();
    for (id, base_scenario) in &base_services {
        match new_services.get(id) {
            Some(new_scenario) => {
                compare_scenario(id, base_scenario, new_scenario, &limits, &mut rows)
            }
            None => rows.push(missing(id, None, &limits)),
        }
    }
    Diff {
        base_file: base.file.clone(),
        new_file: new.file.clone(),
        limits,
        rows,
        only_new: new_services
            .keys()
            .filter(|id| !base_services.contains_key(*id))
            .cloned()
            .collect(),
    }
}

/// A service (or one of its probes) of the base that the new run lacks.
fn missing(service: &str, probe: Option<&str>, limits: &Limits) -> Row {
    Row {
        service: service.to_string(),
        probe: probe.map(str::to_string),
        figure: if probe.is_some() { "probe" } else { "service" }.to_string(),
        source: None,
        base: Some(Figure::Present),
        new: None,
        regression: !limits.allow_missing,
    }
}

/// The figures of one scope (the scenario, or one probe) of one run.
#[derive(Debug, Default)]
struct Scope {
    latency: Option<Latency>,
    /// Each phase's p95 in seconds and over how many responses, from the same
    /// source as `latency`.
    phases: BTreeMap<String, Latency>,
    error_rate: Option<Share>,
    availability: Option<Share>,
}

/// A ratio, where it came from, and how many requests (samples) failed.
#[derive(Debug, Clone, Copy)]
struct Share {
    source: &'static str,
    ratio: f64,
    failed: u64,
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

/// Each phase's figures read from `phases`.
fn phase_latencies(source: &'static str, phases: &PhaseFigures) -> BTreeMap<String, Latency> {
    phases
        .iter()
        .filter_map(|(code, figure)| {
            Some((code.clone(), from_histogram(source, &figure.histogram)?))
        })
        .collect()
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
            scope.phases = phase_latencies("load", &load.phases);
            scope.error_rate = Some(Share {
                source: "load",
                ratio: load.error_rate,
                failed: load.failed,
            });
        }
        (Some(load), Some(id)) => {
            if let Some(entry) = load.per_probe.get(id) {
                scope.latency = entry
                    .latency_ms
                    .as_ref()
                    .map(|l| from_summary("load", l, entry.responses));
                scope.phases = phase_latencies("load", &entry.phases);
                scope.error_rate = entry.error_rate.map(|ratio| Share {
                    source: "load",
                    ratio,
                    failed: entry.failed,
                });
            }
        }
        (None, _) => {}
    }
    let figures = scenario.probe_figures.as_ref();
    if scope.latency.is_none()
        && probe.is_none()
        && let Some(figures) = figures
    {
        scope.phases = phase_latencies("probes", &figures.phases);
    }
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
        scope.error_rate =
            counts
                .filter(|(requests, _)| *requests > 0)
                .map(|(requests, failed)| Share {
                    source: "probes",
                    ratio: failed as f64 / requests as f64,
                    failed,
                });
    }
    if let Some(availability) = &scenario.availability {
        let counts = match probe {
            None => Some((availability.ratio, availability.samples, availability.up)),
            Some(id) => availability
                .per_probe
                .get(id)
                .map(|p| (p.ratio, p.samples, p.up)),
        };
        scope.availability = counts.and_then(|(ratio, samples, up)| {
            ratio.map(|ratio| Share {
                source: "availability",
                ratio,
                failed: samples.saturating_sub(up),
            })
        });
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
    for probe in base
        .probes
        .iter()
        .filter(|b| !new.probes.iter().any(|p| p.id == b.id))
    {
        rows.push(missing(service, Some(&probe.id), limits));
    }
    let mut probes: Vec<Option<&str>> = vec![None];
    probes.extend(
        new.probes
            .iter()
            .filter(|p| base.probes.iter().any(|b| b.id == p.id))
            .map(|p| Some(p.id.as_str())),
    );
    for probe in probes {
        let (b, n) = (scope(base, probe), scope(new, probe));
        let comparable =
            matches!((b.latency, n.latency), (Some(bl), Some(nl)) if bl.source == nl.source);
        let (b_latency, n_latency) = if comparable || b.latency.is_none() || n.latency.is_none() {
            (b.latency, n.latency)
        } else {
            // Measured differently (load on one side, probes on the other): the
            // new run's figures, with nothing to compare them with.
            (None, n.latency)
        };
        let single = [b_latency, n_latency]
            .iter()
            .flatten()
            .any(|latency| latency.count <= 1);
        let enough = match (b_latency, n_latency) {
            (Some(bl), Some(nl)) => bl.count.min(nl.count) >= limits.min_samples,
            _ => false,
        };
        // Over one response, p50, p95 and p99 are the same figure: one row, the
        // median of the other side beside it.
        let figures: &[(usize, &str)] = if single {
            &[(0, "latency")]
        } else {
            &[(0, "p50"), (1, "p95"), (2, "p99")]
        };
        if b_latency.is_some() || n_latency.is_some() {
            for &(at, name) in figures {
                let before = b_latency.map(|l| l.seconds[at]);
                let after = n_latency.map(|l| l.seconds[at]);
                let regression = match (before, after) {
                    (Some(before), Some(after)) => {
                        let grew = after - before;
                        enough && grew > limits.min_delta && grew > limits.max_regression * before
                    }
                    _ => false,
                };
                rows.push(row(
                    probe,
                    name,
                    n_latency.or(b_latency).map(|l| l.source),
                    before.map(Figure::Latency),
                    after.map(Figure::Latency),
                    regression,
                ));
            }
        }
        for (code, after) in &n.phases {
            let Some(before) = b.phases.get(code).filter(|b| b.source == after.source) else {
                continue;
            };
            let (before_p95, after_p95) = (before.seconds[1], after.seconds[1]);
            let grew = after_p95 - before_p95;
            let enough = before.count.min(after.count) >= limits.min_samples;
            rows.push(row(
                probe,
                &format!("{code} p95"),
                Some(after.source),
                Some(Figure::Latency(before_p95)),
                Some(Figure::Latency(after_p95)),
                enough && grew > limits.min_delta && grew > limits.max_regression * before_p95,
            ));
        }
        if let (Some(bs), Some(ns)) = (b.error_rate, n.error_rate) {
            rows.push(row(
                probe,
                "error_rate",
                Some(ns.source),
                Some(Figure::ErrorRate(bs.ratio)),
                Some(Figure::ErrorRate(ns.ratio)),
                bs.source == ns.source
                    && ns.failed >= limits.min_failures
                    && share_regressed(bs.ratio, ns.ratio, limits),
            ));
        }
        if let (Some(ba), Some(na)) = (b.availability, n.availability) {
            rows.push(row(
                probe,
                "availability",
                None,
                Some(Figure::Availability(ba.ratio)),
                Some(Figure::Availability(na.ratio)),
                na.failed >= limits.min_failures
                    && share_regressed(1.0 - ba.ratio, 1.0 - na.ratio, limits),
            ));
        }
    }
    let (bs, ns) = (base.standards.as_ref(), new.standards.as_ref());
    if let (Some(bs), Some(ns)) = (bs, ns) {
        if bs.scale != ns.scale {
            // 3.20 of 1..5 against 80 of 0..100 is no improvement: the runs were
            // scored by different instruments, and nothing below compares them.
            rows.push(row(
                None,
                "scale",
                None,
                Some(Figure::Scale(bs.scale)),
                Some(Figure::Scale(ns.scale)),
                true,
            ));
            return;
        }
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

fn figure_text(figure: Option<Figure>, lang: Lang) -> String {
    match figure {
        None => "-".into(),
        Some(Figure::Latency(s)) => wording::ms(s * 1000.0, lang),
        Some(Figure::ErrorRate(r) | Figure::Availability(r)) => ratio_text(r, lang),
        Some(Figure::Index(i)) => wording::number(&format!("{i:.2}"), lang),
        Some(Figure::Scale(scale)) => scale.index_text(),
        Some(Figure::Level(l)) => format!("{}{l}", lang.pick("T", "L")),
        Some(Figure::Gate(Gate::Pass)) => lang.pick("lulus", "pass").into(),
        Some(Figure::Gate(Gate::Fail)) => lang.pick("gagal", "fail").into(),
        Some(Figure::Present) => lang.pick("ada", "present").into(),
    }
}

/// `99.95%`: enough digits to see a change of 0.01 point (`99,95%` in Indonesian).
fn ratio_text(ratio: f64, lang: Lang) -> String {
    let text = format!("{:.2}", ratio * 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{}%", wording::number(text, lang))
}

fn change_text(row: &Row, lang: Lang) -> String {
    match (row.base, row.new) {
        (Some(Figure::Latency(b)), Some(Figure::Latency(n))) => {
            let sign = if n >= b { "+" } else { "-" };
            let relative = if b > 0.0 {
                format!(" ({sign}{:.1}%)", ((n - b) / b * 100.0).abs())
            } else {
                String::new()
            };
            format!(
                "{sign}{}{}",
                wording::ms((n - b).abs() * 1000.0, lang),
                wording::number(&relative, lang)
            )
        }
        (
            Some(Figure::ErrorRate(b) | Figure::Availability(b)),
            Some(Figure::ErrorRate(n) | Figure::Availability(n)),
        ) => {
            let points = (n - b) * 100.0;
            if points.abs() < 0.005 {
                "=".into()
            } else {
                format!(
                    "{} {}",
                    wording::number(&format!("{points:+.2}"), lang),
                    lang.pick("poin", "pt")
                )
            }
        }
        (Some(Figure::Index(b)), Some(Figure::Index(n))) => {
            if (n - b).abs() < 0.005 {
                "=".into()
            } else {
                wording::number(&format!("{:+.2}", n - b), lang)
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
        (Some(_), Some(_)) => lang.pick("berubah", "changed").into(),
        (Some(Figure::Present), None) => lang
            .pick("tidak ada di uji baru", "missing from new")
            .into(),
        _ => lang
            .pick("tidak dapat dibandingkan", "not comparable")
            .into(),
    }
}

fn scope_text(row: &Row, lang: Lang) -> String {
    row.probe
        .clone()
        .unwrap_or_else(|| lang.pick("(semua)", "(all)").into())
}

/// The figure's name (`p95`, `error_rate`, `rule SC-04`…) as the reader says it.
fn figure_name(row: &Row, lang: Lang) -> String {
    let name = match (lang, row.figure.as_str()) {
        (Lang::En, figure) => figure.to_string(),
        (Lang::Id, "latency") => "latensi".into(),
        (Lang::Id, "error_rate") => "tingkat galat".into(),
        (Lang::Id, "availability") => "ketersediaan".into(),
        (Lang::Id, "index") => "indeks".into(),
        (Lang::Id, "scale") => "skala indeks".into(),
        (Lang::Id, "gate") => "status uji".into(),
        (Lang::Id, "service") => "layanan".into(),
        (Lang::Id, figure) => match figure.strip_prefix("rule ") {
            Some(code) => format!("kriteria {code}"),
            None => figure.to_string(),
        },
    };
    let source = row.source.map(|source| match (lang, source) {
        (Lang::Id, "load") => "uji beban",
        (_, source) => source,
    });
    match source {
        Some(source) => format!("{name} ({source})"),
        None => name,
    }
}

fn limits_text(limits: &Limits, lang: Lang) -> String {
    let relative = format!("{:.0}", limits.max_regression * 100.0);
    let delta = wording::ms(limits.min_delta * 1000.0, lang);
    let samples = limits.min_samples;
    let points = wording::number(&format!("{}", limits.min_ratio_delta * 100.0), lang);
    let failures = limits.min_failures;
    let index = wording::number(&format!("{:.2}", limits.min_index_delta), lang);
    lang.choose(
        format!(
            "latensi +{relative}% dan +{delta} (dari sedikitnya {samples} respons); tingkat galat dan ketidaktersediaan +{relative}% dan +{points} poin (dengan sedikitnya {failures} gagal pada uji baru); indeks -{index}; setiap penurunan tingkat kriteria; lulus menjadi gagal; {}",
            if limits.allow_missing {
                "layanan atau probe yang tidak ada di uji baru ditampilkan (--allow-missing)"
            } else {
                "layanan atau probe yang tidak ada di uji baru"
            }
        ),
        format!(
            "latency +{relative}% and +{delta} (over at least {samples} responses); error rate and unavailability +{relative}% and +{points} pt (with at least {failures} failed in the new run); index -{index}; any rule level drop; pass to fail; {}",
            if limits.allow_missing {
                "a service or probe missing from the new run is shown (--allow-missing)"
            } else {
                "a service or probe missing from the new run"
            }
        ),
    )
}

/// What the human renderings list: the regressions, then the other rows, and how
/// many of those are hidden (changed less than the minimum deltas) without `all`.
struct Shown<'a> {
    regressions: Vec<&'a Row>,
    others: Vec<&'a Row>,
    hidden: usize,
}

fn shown(diff: &Diff, all: bool) -> Shown<'_> {
    let regressions: Vec<&Row> = diff.regressions().collect();
    let (others, hidden): (Vec<&Row>, Vec<&Row>) = diff
        .rows
        .iter()
        .filter(|row| !row.regression)
        .partition(|row| all || diff.notable(row));
    Shown {
        regressions,
        others,
        hidden: hidden.len(),
    }
}

fn hidden_text(hidden: usize, lang: Lang) -> String {
    lang.choose(
        format!("{hidden} angka yang berubah kurang dari selisih minimum, atau tidak berubah, disembunyikan; --all menampilkan semua angka"),
        format!("{hidden} figure(s) changed by less than the minimum deltas, or not at all, are hidden; --all shows every figure"),
    )
}

/// The column heads of both renderings.
fn header(lang: Lang) -> [&'static str; 6] {
    match lang {
        Lang::Id => ["Layanan", "Probe", "Angka", "Dasar", "Baru", "Perubahan"],
        Lang::En => ["Service", "Probe", "Figure", "Base", "New", "Change"],
    }
}

/// Plain text for a terminal: the regressions, then the figures that changed by
/// at least the minimum deltas (every figure with `all`).
pub fn render_text(diff: &Diff, all: bool, lang: Lang) -> String {
    let mut out = String::new();
    let shown = shown(diff, all);
    let _ = writeln!(out, "ujilab diff {} -> {}", diff.base_file, diff.new_file);
    let _ = writeln!(
        out,
        "{}: {}",
        lang.pick("batas regresi", "regression limits"),
        limits_text(&diff.limits, lang)
    );
    let table = |rows: &[&Row], out: &mut String| {
        let cells: Vec<[String; 6]> = rows
            .iter()
            .map(|row| {
                [
                    row.service.clone(),
                    scope_text(row, lang),
                    figure_name(row, lang),
                    figure_text(row.base, lang),
                    figure_text(row.new, lang),
                    change_text(row, lang),
                ]
            })
            .collect();
        let header = header(lang);
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
    if shown.regressions.is_empty() {
        let _ = writeln!(out, "\n{}", lang.pick("tidak ada regresi", "no regression"));
    } else {
        let count = shown.regressions.len();
        let _ = writeln!(
            out,
            "\n{}",
            lang.choose(
                format!("{count} regresi:"),
                format!("{count} regression(s):")
            )
        );
        table(&shown.regressions, &mut out);
    }
    if !shown.others.is_empty() {
        let label = match all {
            true => lang.pick("semua angka lainnya", "every other figure"),
            false => lang.pick("perubahan lainnya", "other changes"),
        };
        let _ = writeln!(out, "\n{label}:");
        table(&shown.others, &mut out);
    }
    if shown.hidden > 0 {
        let _ = writeln!(out, "\n{}", hidden_text(shown.hidden, lang));
    }
    if !diff.only_new.is_empty() {
        let _ = writeln!(
            out,
            "\n{}: {}",
            lang.pick("hanya di uji baru", "only in new"),
            diff.only_new.join(", ")
        );
    }
    out
}

/// Markdown for a pull request: the verdict, the regressions, then the other
/// changes (every figure with `all`) in a collapsed section. Service text is
/// escaped (never markup or a link).
pub fn render_markdown(diff: &Diff, all: bool, lang: Lang) -> String {
    let mut out = String::new();
    let shown = shown(diff, all);
    let _ = writeln!(out, "## ujilab diff\n");
    let _ = writeln!(
        out,
        "`{}` → `{}`\n",
        code(&diff.base_file),
        code(&diff.new_file)
    );
    if shown.regressions.is_empty() {
        let _ = writeln!(
            out,
            "**{}**\n",
            lang.pick("Tidak ada regresi.", "No regression.")
        );
    } else {
        let count = shown.regressions.len();
        let _ = writeln!(
            out,
            "**{}**\n",
            lang.choose(
                format!("{count} regresi."),
                format!("{count} regression(s).")
            )
        );
        table_md(&shown.regressions, &mut out, lang);
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "<sub>{}: {}.</sub>\n",
        lang.pick("Batas regresi", "Regression limits"),
        markdown::text(&limits_text(&diff.limits, lang))
    );
    if !shown.others.is_empty() {
        let label = match all {
            true => lang.pick("Semua angka lainnya", "Every other figure"),
            false => lang.pick("Perubahan lainnya", "Other changes"),
        };
        let rows = shown.others.len();
        let _ = writeln!(
            out,
            "<details><summary>{label} ({rows} {})</summary>\n",
            lang.pick("baris", "rows")
        );
        table_md(&shown.others, &mut out, lang);
        let _ = writeln!(out, "\n</details>\n");
    }
    if shown.hidden > 0 {
        let _ = writeln!(out, "<sub>{}.</sub>\n", hidden_text(shown.hidden, lang));
    }
    if !diff.only_new.is_empty() {
        let list: Vec<String> = diff.only_new.iter().map(|id| markdown::text(id)).collect();
        let label = lang.pick("Hanya di uji baru", "Only in new");
        let _ = writeln!(out, "{label}: {}\n", list.join(", "));
    }
    out
}

fn code(text: &str) -> String {
    text.replace(['`', '|', '\n', '\r'], "\u{FFFD}")
}

fn table_md(rows: &[&Row], out: &mut String, lang: Lang) {
    let _ = writeln!(out, "| {} | |", header(lang).join(" | "));
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for row in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            markdown::text(&row.service),
            markdown::text(&scope_text(row, lang)),
            markdown::text(&figure_name(row, lang)),
            figure_text(row.base, lang),
            figure_text(row.new, lang),
            change_text(row, lang),
            if row.regression {
                lang.pick("❌ regresi", "❌ regression")
            } else {
                ""
            }
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::fleet::testing::{availability, histogram, load, probe, report_of, run, standards};

    fn limits() -> Limits {
        Limits::default()
    }

    /// `run()` as service `id`.
    fn service(id: &str) -> Value {
        let mut scenario = run();
        scenario["service"]["id"] = json!(id);
        scenario["file"] = json!(format!("scenarios/{id}.yaml"));
        scenario
    }

    fn diff(base: Vec<Value>, new: Vec<Value>, limits: Limits) -> Diff {
        compare(&report_of("base", base), &report_of("new", new), limits)
    }

    fn rows<'a>(diff: &'a Diff, figure: &str) -> Vec<&'a Row> {
        diff.rows
            .iter()
            .filter(|row| row.figure == figure)
            .collect()
    }

    #[test]
    fn indexes_on_two_scales_are_a_regression_not_an_improvement() {
        let mut idsll = service("satu");
        idsll["standards"] = standards("certified", 3.2);
        let mut ombudsman = service("satu");
        ombudsman["standards"] = standards("certified", 80.0);
        ombudsman["standards"]["scale"] =
            json!({ "lowest": 0, "highest": 3, "index_lowest": 0.0, "index_highest": 100.0 });
        let compared = diff(vec![idsll.clone()], vec![ombudsman], limits());
        let scale = rows(&compared, "scale");
        assert_eq!(scale.len(), 1);
        assert!(
            scale[0].regression,
            "80 of 0..100 is not better than 3.20 of 1..5"
        );
        assert!(rows(&compared, "index").is_empty());
        assert_eq!(change_text(scale[0], Lang::En), "changed");
        // The same scale on both sides compares indexes as before.
        let mut better = idsll.clone();
        better["standards"]["index"] = json!(3.6);
        let compared = diff(vec![idsll], vec![better], limits());
        assert!(rows(&compared, "scale").is_empty());
        assert!(!rows(&compared, "index")[0].regression);
    }

    #[test]
    fn a_service_or_probe_missing_from_the_new_run_is_a_regression() {
        let mut satu = service("satu");
        satu["probes"] = json!([probe("health", 200, true), probe("lapor", 200, true)]);
        let base = vec![satu.clone(), service("dua")];
        let mut fewer = service("satu");
        fewer["probes"] = json!([probe("health", 200, true)]);
        let compared = diff(base.clone(), vec![fewer.clone()], limits());
        let missing: Vec<(&str, Option<&str>, bool)> = compared
            .regressions()
            .map(|row| (row.service.as_str(), row.probe.as_deref(), row.regression))
            .collect();
        assert_eq!(
            missing,
            [("dua", None, true), ("satu", Some("lapor"), true)],
            "{:#?}",
            compared.rows
        );
        let text = render_text(&compared, false, Lang::En);
        assert!(text.contains("2 regression(s)"), "{text}");
        assert!(text.contains("missing from new"), "{text}");

        // --allow-missing: shown, not a regression.
        let allowed = diff(
            base,
            vec![fewer],
            Limits {
                allow_missing: true,
                ..limits()
            },
        );
        assert_eq!(allowed.regressions().count(), 0);
        assert_eq!(rows(&allowed, "service").len(), 1);
        assert_eq!(rows(&allowed, "probe").len(), 1);
        assert!(render_text(&allowed, false, Lang::En).contains("missing from new"));
        // Only in the new run: information, never a regression.
        let grown = diff(vec![satu.clone()], vec![satu, service("tiga")], limits());
        assert_eq!(grown.regressions().count(), 0);
        assert_eq!(grown.only_new, ["tiga"]);
    }

    #[test]
    fn an_error_rate_regresses_only_with_enough_failures_in_the_new_run() {
        let with_load = |failed: u64| {
            let mut scenario = service("satu");
            scenario["load"] = load(200, failed, &histogram(10, 200 - failed), 10.0);
            scenario
        };
        let regressed = |failed: u64, min_failures: u64| {
            let compared = diff(
                vec![with_load(0)],
                vec![with_load(failed)],
                Limits {
                    min_failures,
                    ..limits()
                },
            );
            rows(&compared, "error_rate")
                .iter()
                .any(|row| row.probe.is_none() && row.regression)
        };
        assert!(!regressed(1, 3), "one 5xx in 200 requests is noise");
        assert!(!regressed(2, 3));
        assert!(regressed(3, 3), "3 of 200: 1.5%, with 3 failures");
        assert!(regressed(1, 1), "--min-failures 1 counts one");
    }

    #[test]
    fn availability_regresses_only_with_enough_samples_down() {
        let sampled = |samples: u64, up: u64| {
            let mut scenario = service("satu");
            scenario["availability"] = availability(samples, up);
            scenario
        };
        let regressed = |up: u64| {
            diff(vec![sampled(30, 30)], vec![sampled(30, up)], limits())
                .regressions()
                .any(|row| row.figure == "availability")
        };
        assert!(!regressed(29), "one sample down of 30");
        assert!(!regressed(28));
        assert!(regressed(27), "three down");
    }

    #[test]
    fn a_percentile_over_one_response_is_one_row() {
        let timed = |ms: u64, count: u64| {
            let mut scenario = service("satu");
            scenario["probe_latency_histogram"] = json!(histogram(ms, count).encode());
            scenario
        };
        let one = diff(vec![timed(10, 1)], vec![timed(40, 1)], limits());
        let latency: Vec<&str> = one
            .rows
            .iter()
            .filter(|row| matches!(row.base, Some(Figure::Latency(_))))
            .map(|row| row.figure.as_str())
            .collect();
        assert_eq!(latency, ["latency"]);
        assert_eq!(one.regressions().count(), 0, "one response never gates");

        let many = diff(vec![timed(10, 50)], vec![timed(40, 50)], limits());
        let figures: Vec<&str> = many
            .rows
            .iter()
            .filter(|row| matches!(row.base, Some(Figure::Latency(_))))
            .map(|row| row.figure.as_str())
            .collect();
        assert_eq!(figures, ["p50", "p95", "p99"]);
        assert_eq!(many.regressions().count(), 3);
    }

    #[test]
    fn changes_under_the_minimum_deltas_are_hidden_unless_all() {
        let timed = |ms: u64| {
            let mut scenario = service("satu");
            scenario["probe_latency_histogram"] = json!(histogram(ms, 50).encode());
            scenario
        };
        // 1 ms slower: under --min-delta (2 ms).
        let small = diff(vec![timed(10)], vec![timed(11)], limits());
        assert_eq!(small.regressions().count(), 0);
        let text = render_text(&small, false, Lang::En);
        assert!(!text.contains("p95 (probes)"), "{text}");
        assert!(
            text.contains("are hidden; --all shows every figure"),
            "{text}"
        );
        let all = render_text(&small, true, Lang::En);
        assert!(all.contains("p95 (probes)"), "{all}");
        assert!(all.contains("gate"), "{all}");
        assert!(!all.contains("hidden"), "{all}");
        let markdown = render_markdown(&small, false, Lang::En);
        assert!(!markdown.contains("p95 (probes)"), "{markdown}");
        assert!(
            render_markdown(&small, true, Lang::En).contains("| satu | (all) | p95 (probes) |")
        );
        // 5 ms faster: past the delta, shown as a change though not a regression.
        let faster = diff(vec![timed(10)], vec![timed(5)], limits());
        assert!(render_text(&faster, false, Lang::En).contains("p95 (probes)"));
    }

    #[test]
    fn the_indonesian_diff_is_indonesian_with_decimal_commas() {
        let timed = |ms: u64| {
            let mut scenario = service("satu");
            scenario["probe_latency_histogram"] = json!(histogram(ms, 50).encode());
            scenario
        };
        let slower = diff(vec![timed(10)], vec![timed(15)], limits());
        let text = render_text(&slower, true, Lang::Id);
        for expected in [
            "batas regresi",
            "Layanan",
            "Perubahan",
            "status uji",
            "lulus",
            "(semua)",
        ] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
        assert!(text.contains(",") && text.contains("ms"), "{text}");
        for english in [
            "regression",
            "Service",
            "figure",
            "latency",
            " and ",
            "pass",
        ] {
            assert!(!text.contains(english), "{english}: {text}");
        }
        let markdown = render_markdown(&slower, true, Lang::Id);
        assert!(
            markdown.contains("| Layanan | Probe | Angka |"),
            "{markdown}"
        );
        assert!(!markdown.contains("regression"), "{markdown}");
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
        assert_eq!(ratio_text(0.9995, Lang::En), "99.95%");
        assert_eq!(ratio_text(1.0, Lang::En), "100%");
        assert_eq!(ratio_text(0.925, Lang::Id), "92,5%");
    }
}
