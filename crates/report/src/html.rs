//! report.html: one self-contained page (inline CSS and SVG; no script, no external
//! resource, and a Content-Security-Policy that forbids both) that a Living Lab
//! officer reads offline, on a phone, or prints as a certification annex.
//!
//! The page is an askama template (`templates/report.html`), compiled with the
//! crate and HTML-escaped by default: every string, and above all every string that
//! came from a service (headers, bodies, error text, URLs), reaches the page as text.
//! Nothing is marked safe. Service URLs are shown as text, never as links. This file
//! turns the [`Report`] into display strings in the chosen language; it computes
//! nothing that report.json lacks (the latency curve is the histogram it carries).

use askama::Template;

use input::catalogue::Scale;
use input::lang::Lang;

use crate::latency_chart::{Chart, Series};
use crate::local_time::{Precision, Zone, local_and_utc};
use crate::model::{
    Basis, FigureSource, FigureUnit, Gate, LatencyReport, LoadErrorReport, LoadReport, LoadShape,
    Op, PhaseState, ProbeKind, ProbeReport, ProbeStatus, Report, RuleState, ScenarioEntry,
    ScenarioReport, StandardsReport, ThresholdStatus, Verdict, by_probe_id,
};
use crate::wording::{ms, number, percent};
use crate::{latency_chart, wording};

/// The page without the digest of report.json (the annex then says it is not
/// available); [`render_annex`] is what `write` uses.
pub fn render(report: &Report) -> Result<String, askama::Error> {
    render_annex(report, None)
}

/// The page, with `report_json_sha256` (of report.json as written beside it) in
/// every printed page's margin and in each sign-off block.
pub fn render_annex(
    report: &Report,
    report_json_sha256: Option<&str>,
) -> Result<String, askama::Error> {
    let lang = Lang::from_env(Some(&report.run.lang));
    let html = page(report, lang, report_json_sha256).render()?;
    // Control characters a service sent (NUL, ESC...) are parse errors in HTML;
    // the template writes none of its own, so each is shown as U+FFFD.
    Ok(html
        .chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page {
    lang: Lang,
    title: String,
    run: RunView,
    summary: Vec<SummaryRow>,
    scenarios: Vec<ScenarioView>,
    load_errors: Vec<LoadErrorView>,
    disclaimer: &'static str,
    /// Whether any scenario has a verdict (the summary table then carries the
    /// disclaimer too).
    has_verdict: bool,
    annex: AnnexView,
}

/// What the printed annex repeats on every page and in each sign-off block.
struct AnnexView {
    /// The digest of report.json, or why there is none.
    report_json_sha256: String,
    /// The page margins' texts as CSS string contents ([`css_string`]): the
    /// report's title (pages before the first service), the run id, the digest.
    front_css: String,
    run_css: String,
    sha256_css: String,
}

impl Page {
    /// The text in the page's language (used by the template).
    fn l(&self, id: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(id, en)
    }
}

struct RunView {
    id: String,
    started_at: String,
    finished_at: String,
    complete: bool,
    tool: String,
    gate_pass: bool,
    gate: &'static str,
    passed: usize,
    failed: usize,
    load_errors: usize,
    shard: Option<String>,
    vantage: Option<String>,
    /// After `ujilab merge`: what was merged, and what is missing.
    merged: Option<String>,
    missing: Vec<String>,
    /// Files skipped as not scenarios, as one line.
    skipped: Option<String>,
    /// A report over watch history: its window and samples, as one line.
    history_window: Option<String>,
}

struct SummaryRow {
    anchor: String,
    name: String,
    gate_pass: bool,
    gate: &'static str,
    verdict: String,
    verdict_class: String,
    index: String,
    predicate: String,
    p95: String,
    availability: String,
    failed: usize,
}

struct ScenarioView {
    anchor: String,
    name: String,
    /// `Name (id)` as CSS string content, for the top of its printed pages.
    name_css: String,
    id: String,
    label: Option<String>,
    facts: Vec<(&'static str, String)>,
    gate_pass: bool,
    gate: &'static str,
    complete: bool,
    verdict: Option<VerdictView>,
    standards_note: Option<String>,
    failed: Vec<String>,
    aspects: Vec<AspectView>,
    /// `1–5`, `0–3`: the catalogue's levels, heading the aspect bars.
    level_range: String,
    rule_groups: Vec<RuleGroup>,
    probes: Vec<ProbeView>,
    /// After a merge of several vantages: each one's own figures.
    vantages: Vec<VantageView>,
    /// Whether any passing probe has an exchange to show.
    passed_exchanges: bool,
    availability: Option<AvailabilityView>,
    /// The certificate chain and the TLS versions accepted (report.json `tls`).
    tls: Option<TlsView>,
    latency: Option<LatencyView>,
    load: Option<LoadView>,
    thresholds: Vec<ThresholdView>,
    phases: Vec<PhaseView>,
    overrides: Vec<String>,
}

struct VerdictView {
    /// False for an evidence catalogue: no index or predicate to show.
    scored: bool,
    class: String,
    word: String,
    index: String,
    /// `1–5`, `0–100`: the catalogue's index range.
    index_range: String,
    predicate: String,
    coverage: String,
    catalogue: String,
    requirements: Option<String>,
    reasons: Vec<String>,
    conditions: Vec<String>,
    conditions_note: String,
    waived_critical: Vec<String>,
    warnings: Vec<String>,
    disclaimer: String,
}

struct AspectView {
    name: String,
    score: String,
    weight: String,
    /// Bar length in percent of the catalogue's levels (numbers only, used in a style).
    bar: String,
}

struct RuleGroup {
    title: String,
    note: &'static str,
    rules: Vec<RuleView>,
}

struct RuleView {
    code: String,
    title: String,
    aspect: String,
    class: &'static str,
    outcome: String,
    critical: bool,
    evidence: Vec<wording::EvidenceLine>,
    fix: Option<String>,
}

struct VantageView {
    name: String,
    gate_pass: bool,
    gate: &'static str,
    availability: String,
    p95: String,
    index: String,
    verdict: String,
    failed_probes: String,
}

struct ProbeView {
    id: String,
    vantage: Option<String>,
    /// `dari OpenAPI: getPenduduk` for a probe of `probes_from`.
    generated: Option<String>,
    /// `api` or `page` (`halaman`).
    kind: &'static str,
    passed: bool,
    outcome: String,
    request: String,
    url: String,
    final_url: Option<String>,
    status: String,
    latency: String,
    error: Option<String>,
    skipped: Option<String>,
    expectations_passed: usize,
    expectations_total: usize,
    failed_expectations: Vec<ExpectationView>,
    /// Every expectation checked, for the evidence of a probe that passed.
    expectations: Vec<ExpectationView>,
    redirects: Vec<String>,
    request_headers: Vec<(String, String)>,
    response_headers: Vec<(String, String)>,
    body_excerpt: Option<String>,
    /// Whether anything was sent (a probe skipped for a missing capture was not).
    has_exchange: bool,
    /// How many times it was sent (`retry:`); 1 without retries.
    tries: usize,
    /// Its requests' phases, when report.json has them.
    waterfall: Option<crate::waterfall::Waterfall>,
}

struct ExpectationView {
    what: String,
    expected: String,
    actual: String,
}

struct AvailabilityView {
    ratio: String,
    up: u64,
    samples: u64,
    rounds: u64,
    window: String,
    source: String,
    reason: Option<String>,
    per_probe: Vec<(String, String, u64, u64)>,
    /// One cell per sample in the order taken (`up` or `down`, and a title).
    strip: Vec<(&'static str, String)>,
    /// The samples that were down: local time with UTC, probe, what happened.
    down: Vec<(String, String, String)>,
}

struct TlsView {
    target: String,
    protocol: String,
    /// subject, issuer, SANs, not before, not after, SHA-256.
    chain: Vec<[String; 6]>,
    /// version, result code, detail.
    versions: Vec<(String, &'static str, String)>,
    oldest: String,
}

struct LatencyView {
    source: String,
    chart: Option<Chart>,
    chart_note: Option<String>,
    rows: Vec<(&'static str, String)>,
    count: Option<u64>,
}

struct LoadView {
    /// `open model · 50/s target · at most 64 in flight`, in words.
    shape: String,
    /// Warmup and measured window.
    timing: String,
    requests: u64,
    responses: u64,
    failed: u64,
    dropped: u64,
    throughput: String,
    error_rate: String,
    /// Kind, count, first message seen.
    errors: Vec<(String, u64, String)>,
    notes: Vec<String>,
    reason: Option<String>,
    per_probe: Vec<LoadProbeView>,
}

struct LoadProbeView {
    id: String,
    weight: String,
    requests: u64,
    failed: u64,
    error_rate: String,
    throughput: String,
    p50: String,
    p95: String,
    p99: String,
}

struct ThresholdView {
    metric: String,
    display: String,
    status_class: String,
    status: String,
    source: String,
    reason: Option<String>,
}

struct PhaseView {
    name: &'static str,
    status: String,
    reason: Option<String>,
}

struct LoadErrorView {
    file: String,
    problems: Vec<(String, String, String, Option<String>)>,
}

fn page(report: &Report, lang: Lang, report_json_sha256: Option<&str>) -> Page {
    let (passed, failed, load_errors) = report.tally();
    let zone = Zone::of_report(report);
    let ran: Vec<(usize, &ScenarioReport)> = report
        .scenarios
        .iter()
        .filter_map(|entry| match entry {
            ScenarioEntry::Ran(scenario) => Some(scenario.as_ref()),
            ScenarioEntry::LoadError(_) => None,
        })
        .enumerate()
        .collect();
    let scenarios: Vec<ScenarioView> = ran
        .iter()
        .map(|(n, scenario)| scenario_view(*n, scenario, report, lang))
        .collect();
    let summary = if report.scenarios.len() > 1 {
        ran.iter()
            .zip(&scenarios)
            .map(|((_, scenario), view)| summary_row(scenario, view, lang))
            .collect()
    } else {
        Vec::new()
    };
    let load_errors_view = report
        .scenarios
        .iter()
        .filter_map(|entry| match entry {
            ScenarioEntry::LoadError(error) => Some(load_error_view(error)),
            ScenarioEntry::Ran(_) => None,
        })
        .collect();
    let title = match ran.as_slice() {
        [(_, only)] => format!(
            "{}: {}",
            lang.pick("Laporan ujilab", "ujilab report"),
            service_name(only)
        ),
        _ => lang.pick("Laporan ujilab", "ujilab report").to_string(),
    };
    Page {
        lang,
        run: RunView {
            id: report.run.id.clone(),
            started_at: local_and_utc(&report.run.started_at, zone, lang, Precision::Minutes),
            finished_at: local_and_utc(&report.run.finished_at, zone, lang, Precision::Minutes),
            complete: report.run.complete,
            skipped: wording::skipped_files(report, lang),
            history_window: wording::history_window(report, lang),
            tool: format!("{} {}", report.tool.name, report.tool.version),
            gate_pass: report.gate == Gate::Pass,
            gate: wording::gate_word(report.gate, lang),
            passed,
            failed,
            load_errors,
            shard: report.run.shard.clone(),
            vantage: report.run.vantage.clone(),
            merged: report.merge.as_ref().map(|merge| {
                format!(
                    "{} {} {} ({}: {})",
                    lang.pick("Digabung dari", "Merged from"),
                    merge.sources.len(),
                    lang.pick("laporan", "reports"),
                    lang.pick("titik uji", "vantages"),
                    merge.vantages.join(", ")
                )
            }),
            missing: report.merge.as_ref().map_or_else(Vec::new, |merge| {
                let mut missing: Vec<String> = merge
                    .missing_shards
                    .iter()
                    .map(|shard| format!("shard {shard}"))
                    .collect();
                if merge.missing_entries > 0 {
                    missing.push(format!(
                        "{} {}",
                        merge.missing_entries,
                        lang.pick("entri rencana tanpa laporan", "plan entries in no report")
                    ));
                }
                missing
            }),
        },
        summary,
        scenarios,
        load_errors: load_errors_view,
        disclaimer: wording::disclaimer(lang),
        has_verdict: ran.iter().any(|(_, scenario)| scenario.standards.is_some()),
        annex: AnnexView {
            report_json_sha256: report_json_sha256.map_or_else(
                || lang.pick("tidak tersedia", "not available").to_string(),
                str::to_string,
            ),
            front_css: css_string(&front_margin(&title, &ran, lang)),
            run_css: css_string(&format!(
                "{}: {}",
                lang.pick("ID uji", "Run id"),
                report.run.id
            )),
            sha256_css: css_string(&format!(
                "SHA-256 report.json: {}",
                report_json_sha256.unwrap_or_else(|| lang.pick("tidak tersedia", "not available"))
            )),
        },
        title,
    }
}

/// The top margin of the pages before the first service: the title, and for
/// several services how many (the summary table on those pages names them).
fn front_margin(title: &str, ran: &[(usize, &ScenarioReport)], lang: Lang) -> String {
    if ran.len() < 2 {
        return title.to_string();
    }
    format!(
        "{title}: {} {}",
        ran.len(),
        lang.pick("layanan", "services")
    )
}

/// `text` as the inside of a double-quoted CSS string that is also unchanged by
/// HTML escaping: quotes, backslashes, `<`, `>`, `&` and control characters become
/// CSS escapes (`\22 `). The page's margins can only take their text from the
/// stylesheet, and a service's name must neither end the string nor the `<style>`.
fn css_string(text: &str) -> String {
    let mut css = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '"' | '\'' | '\\' | '<' | '>' | '&') || c.is_control() {
            css.push_str(&format!("\\{:x} ", u32::from(c)));
        } else {
            css.push(c);
        }
    }
    css
}

fn service_name(scenario: &ScenarioReport) -> String {
    scenario
        .service
        .name
        .clone()
        .unwrap_or_else(|| scenario.service.id.clone())
}

fn summary_row(scenario: &ScenarioReport, view: &ScenarioView, lang: Lang) -> SummaryRow {
    let standards = scenario.standards.as_ref();
    SummaryRow {
        anchor: view.anchor.clone(),
        name: wording::identity(scenario),
        gate_pass: view.gate_pass,
        gate: view.gate,
        verdict: standards.map_or_else(|| "-".into(), |s| wording::verdict_word(s, lang)),
        verdict_class: standards.map_or_else(String::new, |s| verdict_class(s.verdict)),
        index: standards.map_or_else(|| "-".into(), |s| wording::index_text(s, lang)),
        predicate: standards
            .and_then(|s| wording::predicate_shown(s, lang))
            .map_or_else(|| "-".into(), str::to_string),
        p95: wording::headline_latency(scenario).map_or_else(|| "-".into(), |l| ms(l.p95, lang)),
        availability: scenario
            .availability
            .as_ref()
            .and_then(|a| a.ratio)
            .map_or_else(|| "-".into(), |r| percent(r, lang)),
        failed: view.failed.len(),
    }
}

fn verdict_class(verdict: Verdict) -> String {
    match verdict {
        Verdict::Certified => "good",
        Verdict::NotCertified => "bad",
        Verdict::Inconclusive => "warn",
        Verdict::NotEvaluated | Verdict::EvidenceOnly => "muted",
    }
    .to_string()
}

fn scenario_view(n: usize, scenario: &ScenarioReport, report: &Report, lang: Lang) -> ScenarioView {
    let service = &scenario.service;
    let mut facts: Vec<(&'static str, String)> = Vec::new();
    if let Some(region) = &service.region {
        let text: Vec<&str> = [&region.name, &region.kind, &region.code]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        if !text.is_empty() {
            facts.push((lang.pick("Wilayah", "Region"), text.join(" · ")));
        }
    }
    if let Some(owner) = &service.owner {
        facts.push((lang.pick("Pengelola", "Owner"), owner.clone()));
    }
    if let Some(sector) = &service.sector {
        facts.push((lang.pick("Sektor", "Sector"), sector.clone()));
    }
    facts.push(("URL", service.base_url.clone()));
    facts.push((
        lang.pick("Berkas skenario", "Scenario file"),
        scenario.file.clone(),
    ));
    facts.push(("SHA-256", scenario.sha256.clone()));
    let zone = Zone::of_scenario(scenario);
    let when = |at: &str, precision| local_and_utc(at, zone, lang, precision);
    facts.push((
        lang.pick("Waktu uji", "Tested"),
        format!(
            "{} – {}",
            when(&scenario.started_at, Precision::Minutes),
            when(&scenario.finished_at, Precision::Minutes)
        ),
    ));
    let standards = scenario.standards.as_ref();
    let standards_note = match standards {
        Some(_) => None,
        None => Some(
            match (
                scenario.phases.standards.status,
                &scenario.phases.standards.reason,
            ) {
                (PhaseState::NotRequested, _) => lang
                    .pick(
                        "Skenario ini tidak meminta penilaian standar.",
                        "This scenario does not ask for standards scoring.",
                    )
                    .to_string(),
                (_, Some(reason)) => format!(
                    "{}: {reason}",
                    lang.pick("Standar tidak dinilai", "Standards not scored")
                ),
                (_, None) => lang
                    .pick("Standar tidak dinilai.", "Standards not scored.")
                    .to_string(),
            },
        ),
    };
    ScenarioView {
        anchor: format!("layanan-{}", n + 1),
        name: service_name(scenario),
        name_css: css_string(&match &service.name {
            Some(name) => format!("{name} ({})", service.id),
            None => service.id.clone(),
        }),
        id: service.id.clone(),
        label: (scenario.scenario != "default").then(|| scenario.scenario.clone()),
        facts,
        gate_pass: scenario.gate == Gate::Pass,
        gate: wording::gate_word(scenario.gate, lang),
        complete: scenario.complete && report.run.complete,
        verdict: standards.map(|s| verdict_view(s, lang)),
        standards_note,
        failed: wording::failed_items(scenario, lang),
        // An evidence catalogue's levels are not averaged into aspect scores.
        aspects: standards
            .filter(|s| s.verdict != Verdict::EvidenceOnly)
            .map(|s| aspects(s, lang))
            .unwrap_or_default(),
        level_range: standards
            .map_or(Scale::ONE_TO_FIVE, |s| s.scale)
            .levels_text(),
        rule_groups: standards.map(|s| rule_groups(s, lang)).unwrap_or_default(),
        probes: scenario
            .probes
            .iter()
            .map(|p| probe_view(p, lang))
            .collect(),
        vantages: scenario
            .vantages
            .iter()
            .map(|v| VantageView {
                name: v.vantage.clone(),
                gate_pass: v.gate == Gate::Pass,
                gate: wording::gate_word(v.gate, lang),
                availability: wording::vantage_availability(v, lang),
                p95: wording::vantage_p95(v, lang),
                index: v
                    .index
                    .map_or_else(|| "-".into(), |index| number(&format!("{index:.2}"), lang)),
                verdict: v.verdict.map_or_else(
                    || "-".into(),
                    |verdict| wording::verdict_code_word(verdict, false, lang),
                ),
                failed_probes: v.failed_probes.join(", "),
            })
            .collect(),
        passed_exchanges: scenario
            .probes
            .iter()
            .any(|p| p.passed && p.method.is_some()),
        availability: scenario.availability.as_ref().map(|a| AvailabilityView {
            ratio: a.ratio.map_or_else(|| "-".into(), |r| percent(r, lang)),
            up: a.up,
            samples: a.samples,
            rounds: a.rounds,
            window: number(&format!("{:.1} s", a.window_s), lang),
            source: match a.source {
                FigureSource::Availability | FigureSource::Probes => source_word(a.source, lang),
                other => lang.choose(source_word(other, lang), other.to_string()),
            },
            reason: a.reason.clone(),
            // In probe-id order, as report.json lists them.
            per_probe: by_probe_id(&a.per_probe)
                .into_iter()
                .map(|(id, p)| {
                    (
                        id.clone(),
                        p.ratio.map_or_else(|| "-".into(), |r| percent(r, lang)),
                        p.up,
                        p.samples,
                    )
                })
                .collect(),
            strip: a
                .record
                .iter()
                .map(|sample| {
                    let what = sample_outcome(sample, lang);
                    (
                        if sample.up { "up" } else { "down" },
                        format!(
                            "{} {} {what}",
                            sample
                                .at
                                .as_deref()
                                .map_or_else(|| "-".into(), |at| when(at, Precision::Seconds)),
                            sample.probe
                        ),
                    )
                })
                .collect(),
            down: a
                .record
                .iter()
                .filter(|sample| !sample.up)
                .map(|sample| {
                    (
                        sample
                            .at
                            .as_deref()
                            .map_or_else(|| "-".into(), |at| when(at, Precision::Seconds)),
                        sample.probe.clone(),
                        sample_outcome(sample, lang),
                    )
                })
                .collect(),
        }),
        tls: scenario.tls.as_ref().map(|tls| tls_view(tls, zone, lang)),
        latency: latency_view(scenario, lang),
        load: scenario
            .load
            .as_ref()
            .map(|load| load_view(scenario, load, lang)),
        thresholds: scenario
            .thresholds
            .iter()
            .map(|t| ThresholdView {
                metric: match &t.probe {
                    Some(probe) => format!("{} [{probe}]", t.metric),
                    None => t.metric.clone(),
                },
                display: t.sentence(lang).to_string(),
                status_class: match t.status {
                    ThresholdStatus::Pass => "good",
                    ThresholdStatus::Fail => "bad",
                    ThresholdStatus::Skipped => "muted",
                }
                .to_string(),
                status: wording::threshold_status_word(t.status, lang),
                source: t.source.map_or_else(
                    || "-".into(),
                    // English keeps report.json's code, as it always showed.
                    |source| lang.choose(source_word(source, lang), source.to_string()),
                ),
                reason: t.reason.clone(),
            })
            .collect(),
        phases: [
            (
                lang.pick("Fungsional", "Functional"),
                &scenario.phases.functional,
            ),
            (
                lang.pick("Ketersediaan", "Availability"),
                &scenario.phases.availability,
            ),
            (lang.pick("Beban", "Load"), &scenario.phases.load),
            (
                lang.pick("Standar", "Standards"),
                &scenario.phases.standards,
            ),
        ]
        .into_iter()
        .map(|(name, phase)| PhaseView {
            name,
            status: wording::phase_status_word(phase.status, lang),
            reason: phase.reason.clone(),
        })
        .collect(),
        overrides: overrides(scenario),
    }
}

/// Which exchanges a figure was read from, in words.
fn source_word(source: FigureSource, lang: Lang) -> String {
    match source {
        FigureSource::Load => lang.pick("uji beban", "load test"),
        FigureSource::Probes => lang.pick("permintaan uji fungsi", "functional exchanges"),
        FigureSource::Availability => lang.pick("sampel ketersediaan", "availability samples"),
        FigureSource::Standards => lang.pick("penilaian standar", "standards scoring"),
    }
    .to_string()
}

/// `200, 12.3 ms`, `timeout: no response within 10s`.
fn sample_outcome(sample: &crate::model::SampleReport, lang: Lang) -> String {
    match (sample.status, &sample.error_kind, &sample.error) {
        (Some(status), _, _) => match sample.latency_ms {
            Some(latency) => format!("{status}, {}", number(&format!("{latency:.1} ms"), lang)),
            None => status.to_string(),
        },
        (None, Some(kind), Some(error)) => format!("{kind}: {error}"),
        (None, _, Some(error)) => error.clone(),
        (None, _, None) => "-".into(),
    }
}

fn tls_view(tls: &crate::model::TlsReport, zone: Zone, lang: Lang) -> TlsView {
    let when = |at: &Option<String>| {
        at.as_deref().map_or_else(
            || "-".into(),
            |at| local_and_utc(at, zone, lang, Precision::Minutes),
        )
    };
    TlsView {
        target: format!("{}:{}", tls.host, tls.port),
        protocol: match (&tls.protocol, &tls.error) {
            (Some(protocol), _) => format!(
                "{protocol}{}",
                tls.cipher_suite
                    .as_deref()
                    .map(|suite| format!(", {suite}"))
                    .unwrap_or_default()
            ),
            (None, Some(error)) => format!(
                "{}: {}",
                error.kind,
                wording::transport_text(error.kind, &error.message, lang)
            ),
            (None, None) => "-".into(),
        },
        chain: tls
            .chain
            .iter()
            .map(|c| {
                [
                    c.subject.clone(),
                    c.issuer.clone(),
                    c.sans.join(", "),
                    when(&c.not_before),
                    when(&c.not_after),
                    c.sha256.clone(),
                ]
            })
            .collect(),
        versions: tls
            .versions
            .iter()
            .map(|v| {
                let word = match v.result.as_str() {
                    "accepted" => lang.pick("diterima", "accepted"),
                    "refused" => lang.pick("ditolak", "refused"),
                    _ => lang.pick("tidak diketahui", "unknown"),
                };
                (
                    v.version.clone(),
                    word,
                    v.detail.clone().unwrap_or_default(),
                )
            })
            .collect(),
        oldest: tls
            .oldest_accepted
            .clone()
            .unwrap_or_else(|| lang.pick("tidak ada", "none").to_string()),
    }
}

fn verdict_view(standards: &StandardsReport, lang: Lang) -> VerdictView {
    VerdictView {
        scored: standards.verdict != Verdict::EvidenceOnly,
        class: verdict_class(standards.verdict),
        word: wording::verdict_word(standards, lang),
        index: wording::index_text(standards, lang),
        index_range: standards.scale.index_text(),
        predicate: wording::predicate_shown(standards, lang)
            .map_or_else(|| "-".into(), str::to_string),
        coverage: standards
            .coverage
            .map_or_else(|| "-".into(), |r| percent(r, lang)),
        catalogue: match &standards.title {
            Some(title) => format!(
                "{} ({} {})",
                wording::localized(title, lang),
                standards.catalogue,
                standards.version
            ),
            None => format!("{} {}", standards.catalogue, standards.version),
        },
        requirements: standards.certification.as_ref().map(|c| {
            format!(
                "{} {} · {} {} · {} {}",
                lang.pick("indeks minimum", "minimum index"),
                number(&format!("{:.2}", c.min_index), lang),
                lang.pick("kriteria wajib minimal", "critical rules at least"),
                lang.choose(
                    format!("tingkat {}", c.critical_min_level),
                    format!("level {}", c.critical_min_level)
                ),
                lang.pick("cakupan minimum", "minimum coverage"),
                percent(c.min_coverage, lang)
            )
        }),
        reasons: standards
            .verdict_reasons
            .iter()
            .map(|reason| wording::reason_text(reason, lang))
            .collect(),
        conditions: standards
            .conditions
            .iter()
            .map(|condition| wording::condition_text(condition, lang))
            .collect(),
        conditions_note: wording::verdict_conditions_notice(standards, lang),
        waived_critical: standards.waived_critical.clone(),
        warnings: standards.warnings.clone(),
        disclaimer: wording::verdict_disclaimer(standards, lang),
    }
}

fn aspects(standards: &StandardsReport, lang: Lang) -> Vec<AspectView> {
    standards
        .aspects
        .iter()
        .map(|aspect| AspectView {
            name: aspect.title.as_ref().map_or_else(
                || aspect.id.clone(),
                |t| wording::localized(t, lang).to_string(),
            ),
            score: aspect
                .score
                .map_or_else(|| "-".into(), |score| number(&format!("{score:.2}"), lang)),
            weight: format!("{}", aspect.weight),
            bar: format!("{:.1}", {
                // An aspect at the lowest level has an empty bar.
                let (lowest, highest) = (
                    f64::from(standards.scale.lowest),
                    f64::from(standards.scale.highest),
                );
                aspect.score.map_or(0.0, |s| {
                    (s.clamp(lowest, highest) - lowest) / (highest - lowest) * 100.0
                })
            }),
        })
        .collect()
}

fn rule_groups(standards: &StandardsReport, lang: Lang) -> Vec<RuleGroup> {
    let aspect_name = |id: &str| {
        standards
            .aspects
            .iter()
            .find(|a| a.id == id)
            .and_then(|a| a.title.as_ref())
            .map_or_else(
                || id.to_string(),
                |t| wording::localized(t, lang).to_string(),
            )
    };
    let group = |basis: Basis, note: &'static str| RuleGroup {
        title: wording::basis_word(basis, lang),
        note,
        rules: standards
            .rules
            .iter()
            .filter(|rule| rule.basis == basis)
            .map(|rule| {
                let failed = wording::rule_failed(rule, standards);
                RuleView {
                    code: rule.code.clone(),
                    title: wording::rule_title(rule, lang)
                        .unwrap_or_default()
                        .to_string(),
                    aspect: aspect_name(&rule.aspect),
                    class: match (rule.outcome, rule.level) {
                        _ if failed => "bad",
                        // The top two levels (4 and 5 of 1..5; 2 and 3 of 0..3).
                        (RuleState::Level, Some(level)) if level + 1 >= standards.scale.highest => {
                            "good"
                        }
                        (RuleState::Level, Some(_)) => "fair",
                        (RuleState::Inconclusive, _) => "warn",
                        _ => "muted",
                    },
                    outcome: wording::outcome_word(rule, lang),
                    critical: rule.critical,
                    evidence: wording::evidence_items(&rule.evidence, lang),
                    // The fix matters where the level can still rise.
                    fix: rule
                        .fix
                        .as_ref()
                        .filter(|_| {
                            rule.outcome == RuleState::Level
                                && rule.level.is_some_and(|l| l < standards.scale.highest)
                        })
                        .map(|fix| wording::localized(fix, lang).to_string()),
                }
            })
            .collect(),
    };
    [
        group(
            Basis::Regulation,
            lang.pick(
                "Berdasarkan peraturan perundang-undangan Indonesia.",
                "Based on Indonesian law and regulation.",
            ),
        ),
        group(
            Basis::Practice,
            lang.pick(
                "Praktik baik (OWASP, WCAG, kinerja); tanpa kekuatan hukum.",
                "Good practice (OWASP, WCAG, performance); no legal force.",
            ),
        ),
    ]
    .into_iter()
    .filter(|group| !group.rules.is_empty())
    .collect()
}

fn probe_view(probe: &ProbeReport, lang: Lang) -> ProbeView {
    let view = |e: &crate::model::ExpectationReport| ExpectationView {
        what: e.what_text(lang).to_string(),
        expected: e.expected_text(lang).to_string(),
        actual: e.actual_text(lang).to_string(),
    };
    let failed: Vec<ExpectationView> = probe
        .expectations
        .iter()
        .filter(|e| !e.passed)
        .map(view)
        .collect();
    let pairs = |headers: &[[String; 2]]| -> Vec<(String, String)> {
        headers
            .iter()
            .map(|[name, value]| (name.clone(), value.clone()))
            .collect()
    };
    ProbeView {
        id: probe.id.clone(),
        vantage: probe.vantage.clone(),
        generated: probe.generated.as_ref().map(|generated| {
            let operation = generated
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("GET {}", generated.path));
            format!(
                "{} {operation}",
                lang.pick("dibuat dari OpenAPI:", "generated from OpenAPI:")
            )
        }),
        kind: match probe.kind {
            ProbeKind::Api => "api",
            ProbeKind::Page => lang.pick("halaman", "page"),
        },
        passed: probe.passed,
        outcome: match probe.outcome {
            ProbeStatus::Passed => lang.pick("lulus", "passed"),
            ProbeStatus::Failed => lang.pick("gagal", "failed"),
            ProbeStatus::Skipped => lang.pick("tidak dikirim", "not sent"),
        }
        .to_string(),
        request: probe.method.clone().unwrap_or_default(),
        url: probe.url.clone().unwrap_or_default(),
        final_url: probe
            .final_url
            .clone()
            .filter(|final_url| Some(final_url) != probe.url.as_ref()),
        status: probe
            .status
            .map_or_else(|| "-".into(), |status| status.to_string()),
        latency: probe.latency_ms.map_or_else(|| "-".into(), |v| ms(v, lang)),
        error: probe.error.as_ref().map(|error| {
            let said = wording::transport_text(error.kind, &error.message, lang);
            format!("{said} ({})", error.kind)
        }),
        skipped: probe.skipped_reason.clone(),
        expectations_passed: probe.expectations.iter().filter(|e| e.passed).count(),
        expectations_total: probe.expectations.len(),
        failed_expectations: failed,
        expectations: probe.expectations.iter().map(view).collect(),
        redirects: probe
            .redirects
            .iter()
            .map(|hop| match &hop.location {
                Some(location) => format!("{} → {location}", hop.status),
                None => hop.status.to_string(),
            })
            .collect(),
        request_headers: pairs(&probe.request_headers),
        response_headers: pairs(&probe.response_headers),
        body_excerpt: probe.body_excerpt.clone(),
        has_exchange: probe.method.is_some(),
        tries: probe.earlier_attempts.len() + 1,
        waterfall: crate::waterfall::of_probe(probe, lang),
    }
}

fn latency_rows(latency: &LatencyReport, lang: Lang) -> Vec<(&'static str, String)> {
    vec![
        ("min", ms(latency.min, lang)),
        ("p50", ms(latency.p50, lang)),
        ("p90", ms(latency.p90, lang)),
        ("p95", ms(latency.p95, lang)),
        ("p99", ms(latency.p99, lang)),
        ("p99.9", ms(latency.p99_9, lang)),
        (lang.pick("maks", "max"), ms(latency.max, lang)),
        (lang.pick("rata-rata", "mean"), ms(latency.mean, lang)),
    ]
}

/// The load run's distribution when there was one (with a curve per probe), else the
/// functional and availability exchanges'.
fn latency_view(scenario: &ScenarioReport, lang: Lang) -> Option<LatencyView> {
    let limits: Vec<(String, f64)> = scenario
        .thresholds
        .iter()
        .filter(|t| t.metric.starts_with("latency.") && t.unit == FigureUnit::Seconds)
        .filter(|t| t.probe.is_none() && t.status != ThresholdStatus::Skipped)
        // Only the limits held against the distribution that is drawn.
        .filter(|t| {
            let drawn = match &scenario.load {
                Some(load) if load.latency_ms.is_some() => FigureSource::Load,
                _ => FigureSource::Probes,
            };
            t.source == Some(drawn)
        })
        .map(|t| {
            (
                format!(
                    "{} {} {}",
                    t.metric.trim_start_matches("latency."),
                    match t.op {
                        Op::Max => "≤",
                        Op::Min => "≥",
                    },
                    wording::limit_text(t)
                ),
                t.limit * 1000.0,
            )
        })
        .collect();
    let all = lang.pick("semua", "all");
    let (source, latency, series) = match (&scenario.load, &scenario.probe_latency_ms) {
        (Some(load), _) if load.latency_ms.is_some() => {
            let mut series: Vec<Series> = latency_chart::decode(&load.histogram)
                .map(|h| Series::from_histogram(all, &h))
                .into_iter()
                .collect();
            series.extend(load.per_probe.iter().filter_map(|(id, probe)| {
                latency_chart::decode(&probe.histogram).map(|h| Series::from_histogram(id, &h))
            }));
            (
                lang.pick("permintaan uji beban", "load-test requests"),
                load.latency_ms.as_ref(),
                series,
            )
        }
        (_, Some(latency)) => (
            lang.pick(
                "permintaan uji fungsi dan sampel ketersediaan",
                "functional exchanges and availability samples",
            ),
            Some(latency),
            scenario
                .probe_latency_histogram
                .as_deref()
                .and_then(latency_chart::decode)
                .map(|h| Series::from_histogram(all, &h))
                .into_iter()
                .collect(),
        ),
        _ => return None,
    };
    let latency = latency?;
    let count = series.first().map(|s| s.count);
    let chart = latency_chart::lay_out(&series, &limits);
    let chart_note = chart.is_none().then(|| {
        lang.pick(
            "Histogram tidak tersedia; hanya tabel persentil.",
            "No histogram available; percentile table only.",
        )
        .to_string()
    });
    Some(LatencyView {
        source: source.to_string(),
        chart,
        chart_note,
        rows: latency_rows(latency, lang),
        count,
    })
}

fn load_view(scenario: &ScenarioReport, load: &LoadReport, lang: Lang) -> LoadView {
    let shape = match (load.model, load.rate) {
        (LoadShape::Open, Some(rate)) => format!(
            "{} · {} {rate}/s · {} {}",
            lang.pick("model terbuka", "open model"),
            lang.pick("target", "target"),
            lang.pick("maks. permintaan bersamaan", "at most in flight"),
            load.concurrency
        ),
        (LoadShape::Closed, _) => format!(
            "{} · {} {}",
            lang.pick("model tertutup", "closed model"),
            load.concurrency,
            lang.pick("pengguna", "users")
        ),
        // An open load always has its rate; a report edited by hand may not.
        (LoadShape::Open, None) => lang.pick("model terbuka", "open model").to_string(),
    };
    LoadView {
        shape,
        timing: {
            let window = format!(
                "{} {}",
                lang.pick("rentang pengukuran", "measured window"),
                number(&format!("{:.1} s", load.window_s), lang)
            );
            if load.warmup_s > 0.0 {
                format!(
                    "{} {} ({} {}) · {window}",
                    lang.pick("pemanasan", "warmup"),
                    number(&format!("{:.1} s", load.warmup_s), lang),
                    load.warmup_requests,
                    lang.pick("permintaan, tidak dihitung", "requests, not counted"),
                )
            } else {
                window
            }
        },
        requests: load.requests,
        responses: load.responses,
        failed: load.failed,
        dropped: load.dropped,
        throughput: number(&format!("{:.1}/s", load.throughput_rps), lang),
        error_rate: number(&format!("{:.2}%", load.error_rate * 100.0), lang),
        errors: load
            .errors
            .iter()
            .filter(|(_, count)| **count > 0)
            .map(|(kind, count)| {
                (
                    kind.clone(),
                    *count,
                    load.first_failures
                        .get(kind)
                        .map(|example| example.sentence(Zone::of_scenario(scenario), lang, true))
                        .or_else(|| load.error_examples.get(kind).cloned())
                        .unwrap_or_default(),
                )
            })
            .collect(),
        notes: wording::load_notes(scenario, lang),
        reason: load.reason.clone(),
        per_probe: load
            .per_probe
            .iter()
            .map(|(id, probe)| {
                let figure = |pick: fn(&LatencyReport) -> f64| {
                    probe
                        .latency_ms
                        .as_ref()
                        .map_or_else(|| "-".into(), |l| ms(pick(l), lang))
                };
                LoadProbeView {
                    id: id.clone(),
                    weight: if probe.weight > 0 {
                        probe.weight.to_string()
                    } else {
                        "-".into()
                    },
                    requests: probe.requests,
                    failed: probe.failed,
                    error_rate: probe.error_rate.map_or_else(
                        || "-".into(),
                        |rate| number(&format!("{:.2}%", rate * 100.0), lang),
                    ),
                    throughput: probe
                        .throughput_rps
                        .map_or_else(|| "-".into(), |rps| number(&format!("{rps:.1}/s"), lang)),
                    p50: figure(|l| l.p50),
                    p95: figure(|l| l.p95),
                    p99: figure(|l| l.p99),
                }
            })
            .collect(),
    }
}

fn overrides(scenario: &ScenarioReport) -> Vec<String> {
    let o = &scenario.overrides;
    let mut items = Vec::new();
    if !o.set.is_empty() {
        items.push(format!("--set {}", o.set.join(", ")));
    }
    if let Some(only) = &o.only {
        items.push(format!("--only {only}"));
    }
    if o.no_load {
        items.push("--no-load".into());
    }
    if o.no_availability {
        items.push("--no-availability".into());
    }
    if !o.resolve.is_empty() {
        items.push(format!("resolve {}", o.resolve.join(", ")));
    }
    if !o.ca_file.is_empty() {
        items.push(format!("--ca-file {}", o.ca_file.join(", ")));
    }
    if o.insecure {
        items.push("insecure".into());
    }
    if let Some(proxy) = &o.proxy {
        items.push(format!("--proxy {proxy}"));
    }
    items
}

fn load_error_view(error: &LoadErrorReport) -> LoadErrorView {
    LoadErrorView {
        file: error.file.clone(),
        problems: error
            .errors
            .iter()
            .map(|p| {
                (
                    format!("{}:{}", p.line, p.column),
                    p.path.clone(),
                    p.message.clone(),
                    p.help.clone(),
                )
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_strings_cannot_end_the_string_or_the_stylesheet() {
        assert_eq!(css_string("Dukcapil Kab. Contoh"), "Dukcapil Kab. Contoh");
        assert_eq!(
            css_string("a\"b'c\\d<e>f&g\nh"),
            "a\\22 b\\27 c\\5c d\\3c e\\3e f\\26 g\\a h"
        );
    }

    /// A service named to break out of the page-margin rule lands in the
    /// stylesheet as CSS escapes, and its scenario's times are in its own zone
    /// (Papua: WIT) with UTC beside them.
    #[test]
    fn a_hostile_service_name_stays_inside_its_css_string() {
        use crate::fleet::testing::{report, run};
        let mut scenario = run();
        scenario["service"]["name"] =
            serde_json::json!("Layanan\"; } </style><script>alert(1)</script>");
        scenario["service"]["region"] = serde_json::json!({ "code": "91.71" });
        scenario["started_at"] = serde_json::json!("2026-11-28T08:00:00Z");
        let report = report("default", scenario).report;
        let html = render_annex(&report, Some(&"ab".repeat(32))).expect("renders");
        let style = &html[html.find("<style>").expect("style")..];
        let style = &style[..style.find("</style>").expect("end of style")];
        assert!(!style.contains("<script"), "{style}");
        assert!(
            style.contains("content: \"Layanan\\22 ; } \\3c /style\\3e \\3c script\\3e alert(1)"),
            "{style}"
        );
        assert!(style.contains(&format!("SHA-256 report.json: {}", "ab".repeat(32))));
        assert!(!html.contains("<script>"));
        assert!(
            html.contains("28 Nov 2026 17:00 WIT (2026-11-28 08:00:00 UTC)"),
            "the scenario's start in WIT"
        );
    }
}
