//! The status page and each service's page: server-rendered HTML (askama, every
//! value escaped), no script, and the Content-Security-Policy of report.html, so
//! nothing a service sent can run or fetch anything. Charts are SVG drawn from
//! numbers only.

use askama::Template;
use input::lang::Lang;

use report::local_time::{self, Precision, Zone};

use super::snapshot::{ChartPoint, IncidentView, ServiceView, Snapshot};

/// The words of the pages in the reader's language.
pub struct Words {
    pub title: &'static str,
    pub behind: &'static str,
    pub service: &'static str,
    pub state: &'static str,
    pub uptime: &'static str,
    pub latency: &'static str,
    pub index: &'static str,
    pub incidents: &'static str,
    pub no_incidents: &'static str,
    pub started: &'static str,
    pub resolved: &'static str,
    pub ongoing: &'static str,
    pub evidence: &'static str,
    pub updated: &'static str,
    pub no_data: &'static str,
    pub chart_caption: &'static str,
    pub standards_history: &'static str,
    pub since: &'static str,
    pub back: &'static str,
    pub other_lang: &'static str,
    pub other_code: &'static str,
    pub disclaimer: &'static str,
    /// The uptime windows' names, in [`UPTIME_WINDOWS`] order.
    pub windows: [&'static str; 4],
}

impl Words {
    pub fn of(lang: Lang) -> Self {
        Self {
            title: lang.pick("Status layanan", "Service status"),
            behind: lang.pick(
                "Riwayat tertinggal: basis data belum dapat ditulis; sampel menunggu di antrean dan pemantauan tetap berjalan.",
                "History is behind: the database cannot be written yet; samples wait in a queue and probing goes on.",
            ),
            service: lang.pick("Layanan", "Service"),
            state: lang.pick("Keadaan", "State"),
            uptime: lang.pick("Ketersediaan", "Uptime"),
            latency: lang.pick("Latensi 24 jam (p50 / p95 / p99)", "Latency 24 h (p50 / p95 / p99)"),
            index: lang.pick("Indeks standar", "Standards index"),
            incidents: lang.pick("Gangguan", "Incidents"),
            no_incidents: lang.pick("Belum ada gangguan tercatat.", "No incident recorded."),
            started: lang.pick("Mulai", "Started"),
            resolved: lang.pick("Pulih", "Resolved"),
            ongoing: lang.pick("masih berlangsung", "ongoing"),
            evidence: lang.pick("Bukti: pertukaran gagal pertama", "Evidence: the first failing exchange"),
            updated: lang.pick("Diperbarui", "Updated"),
            no_data: lang.pick("belum ada data", "no data yet"),
            chart_caption: lang.pick(
                "Latensi per jam, 24 jam terakhir (ms): p50, p95, p99",
                "Latency per hour, last 24 hours (ms): p50, p95, p99",
            ),
            standards_history: lang.pick("Riwayat indeks standar", "Standards index history"),
            since: lang.pick("sejak", "since"),
            back: lang.pick("Semua layanan", "All services"),
            other_lang: lang.pick("English", "Bahasa Indonesia"),
            other_code: lang.pick("en", "id"),
            disclaimer: lang.pick(
                "Pemantauan mandiri oleh ujilab, bukan sertifikasi resmi IDSLL",
                "Self-monitoring by ujilab, not an official IDSLL certification",
            ),
            windows: lang.choose(
                ["24 jam", "7 hari", "30 hari", "90 hari"],
                ["24 h", "7 d", "30 d", "90 d"],
            ),
        }
    }
}

/// A state in words, and its class.
fn state_words(state: &str, lang: Lang) -> (&'static str, &'static str) {
    match state {
        "up" => (lang.pick("Beroperasi", "Up"), "good"),
        "down" => (lang.pick("Gangguan", "Down"), "bad"),
        _ => (lang.pick("Belum diketahui", "Unknown"), "muted"),
    }
}

pub struct Row {
    pub id: i64,
    pub name: String,
    pub identity: String,
    pub state: &'static str,
    pub state_class: &'static str,
    pub since: String,
    pub uptime: Vec<String>,
    pub latency: String,
    pub index: String,
}

pub struct Region {
    pub name: String,
    pub rows: Vec<Row>,
}

pub struct IncidentRow {
    pub service: String,
    pub started: String,
    pub resolved: Option<String>,
    pub summary: String,
    pub evidence: Vec<(String, String)>,
    pub excerpt: Option<String>,
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage<'a> {
    lang: &'a str,
    words: Words,
    generated_at: String,
    behind: Option<String>,
    regions: Vec<Region>,
    incidents: Vec<IncidentRow>,
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage<'a> {
    lang: &'a str,
    words: Words,
    generated_at: String,
    behind: Option<String>,
    row: Row,
    base_url: &'a str,
    chart: Chart,
    history: Vec<(String, String, String)>,
    incidents: Vec<IncidentRow>,
}

/// An SVG line chart: numbers only.
pub struct Chart {
    pub width: u32,
    pub height: u32,
    /// `points` attributes of the p50, p95 and p99 lines.
    pub lines: Vec<String>,
    /// (y, label) of the horizontal grid lines.
    pub grid: Vec<(f64, String)>,
    pub empty: bool,
}

pub fn render_status(snapshot: &Snapshot, lang: Lang) -> Result<String, askama::Error> {
    let page = StatusPage {
        lang: lang.code(),
        words: Words::of(lang),
        generated_at: shown_time(
            &snapshot.generated_at,
            Zone::of_region_code(None),
            lang,
            Precision::Seconds,
        ),
        behind: behind_text(snapshot, lang),
        regions: snapshot
            .regions
            .iter()
            .map(|region| Region {
                name: region.name.clone(),
                rows: region
                    .services
                    .iter()
                    .map(|s| row(s, Zone::of_region_code(region.code.as_deref()), lang))
                    .collect(),
            })
            .collect(),
        incidents: snapshot
            .incidents
            .iter()
            .take(20)
            .map(|incident| incident_row(incident, zone_of(snapshot, incident.scenario), lang))
            .collect(),
    };
    page.render().map(inert_controls)
}

/// The page of service `id`; `None` when there is no such service.
pub fn render_service(
    snapshot: &Snapshot,
    id: i64,
    lang: Lang,
) -> Option<Result<String, askama::Error>> {
    let service = snapshot
        .regions
        .iter()
        .flat_map(|region| region.services.iter())
        .find(|service| service.id == id)?;
    let page = ServicePage {
        lang: lang.code(),
        words: Words::of(lang),
        generated_at: shown_time(
            &snapshot.generated_at,
            Zone::of_region_code(None),
            lang,
            Precision::Seconds,
        ),
        behind: behind_text(snapshot, lang),
        row: row(service, zone_of(snapshot, id), lang),
        base_url: &service.base_url,
        chart: chart(&service.chart),
        history: service
            .standards_history
            .iter()
            .rev()
            .map(|check| {
                (
                    shown_time(&check.at, zone_of(snapshot, id), lang, Precision::Minutes),
                    check
                        .index
                        .map(|i| format!("{i:.2}"))
                        .unwrap_or_else(|| "—".into()),
                    check.verdict.clone().unwrap_or_default(),
                )
            })
            .collect(),
        incidents: snapshot
            .incidents
            .iter()
            .filter(|incident| incident.scenario == id)
            .map(|incident| incident_row(incident, zone_of(snapshot, id), lang))
            .collect(),
    };
    Some(page.render().map(inert_controls))
}

fn behind_text(snapshot: &Snapshot, lang: Lang) -> Option<String> {
    snapshot.behind.as_ref().map(|behind| {
        let words = Words::of(lang);
        let detail = lang.choose(
            format!(
                " ({} penulisan menunggu, {} dibuang{})",
                behind.waiting_writes,
                behind.dropped_writes,
                behind
                    .error
                    .as_deref()
                    .map(|e| format!("; {e}"))
                    .unwrap_or_default()
            ),
            format!(
                " ({} write(s) waiting, {} dropped{})",
                behind.waiting_writes,
                behind.dropped_writes,
                behind
                    .error
                    .as_deref()
                    .map(|e| format!("; {e}"))
                    .unwrap_or_default()
            ),
        );
        format!("{}{detail}", words.behind)
    })
}

/// The zone of a service's times: its region's (WIB when it has none).
fn zone_of(snapshot: &Snapshot, id: i64) -> Zone {
    let code = snapshot
        .regions
        .iter()
        .find(|region| region.services.iter().any(|service| service.id == id))
        .and_then(|region| region.code.as_deref());
    Zone::of_region_code(code)
}

/// A stored time as the reader reads it: `6 Des 2026 09.51.46 WIB`.
fn shown_time(rfc3339: &str, zone: Zone, lang: Lang, precision: Precision) -> String {
    local_time::local(rfc3339, zone, lang, precision).unwrap_or_else(|| rfc3339.to_string())
}

fn row(service: &ServiceView, zone: Zone, lang: Lang) -> Row {
    let (state, state_class) = state_words(&service.state, lang);
    let no_data = Words::of(lang).no_data;
    Row {
        id: service.id,
        name: service.name.clone(),
        identity: service.identity.clone(),
        state,
        state_class,
        since: service
            .since
            .as_deref()
            .map(|at| shown_time(at, zone, lang, Precision::Seconds))
            .unwrap_or_default(),
        uptime: service
            .uptime
            .iter()
            .map(|uptime| match uptime.ratio {
                Some(ratio) => percent(ratio, lang),
                None => "—".to_string(),
            })
            .collect(),
        latency: match service.latency_24h {
            Some(p) => format!(
                "{} / {} / {} ms",
                number(p.p50, lang),
                number(p.p95, lang),
                number(p.p99, lang)
            ),
            None => no_data.to_string(),
        },
        index: match &service.standards {
            Some(check) => check
                .index
                .map(|index| number_2(index, lang))
                .unwrap_or_else(|| "—".into()),
            None => "—".into(),
        },
    }
}

fn incident_row(incident: &IncidentView, zone: Zone, lang: Lang) -> IncidentRow {
    let evidence = incident.evidence.clone().unwrap_or_default();
    let mut facts = Vec::new();
    if let (Some(method), Some(url)) = (&evidence.method, &evidence.url) {
        facts.push((
            lang.pick("permintaan", "request").to_string(),
            format!("{method} {url}"),
        ));
    }
    if let Some(status) = evidence.status {
        facts.push((
            lang.pick("status", "status").to_string(),
            status.to_string(),
        ));
    }
    if let Some(kind) = &evidence.error_kind {
        facts.push((lang.pick("galat", "error").to_string(), kind.clone()));
    }
    if let Some(error) = &evidence.error {
        facts.push((lang.pick("rincian", "detail").to_string(), error.clone()));
    }
    if let Some(latency) = evidence.latency_ms {
        facts.push((
            lang.pick("latensi", "latency").to_string(),
            format!("{latency:.0} ms"),
        ));
    }
    for (name, value) in evidence.response_headers.iter().take(20) {
        facts.push((name.clone(), value.clone()));
    }
    IncidentRow {
        service: incident.service.clone(),
        started: shown_time(&incident.started_at, zone, lang, Precision::Seconds),
        resolved: incident
            .resolved_at
            .as_deref()
            .map(|at| shown_time(at, zone, lang, Precision::Seconds)),
        summary: incident
            .evidence
            .as_ref()
            .and_then(|e| serde_json::to_string(e).ok())
            .and_then(|text| crate::evidence::summary(&text))
            .unwrap_or_default(),
        evidence: facts,
        excerpt: evidence.body_excerpt.filter(|text| !text.is_empty()),
    }
}

/// p50, p95 and p99 per hour as three polylines in a 600 x 160 box (log scale
/// would hide a stall; linear from 0 to the highest p99).
fn chart(points: &[ChartPoint]) -> Chart {
    let (width, height) = (600u32, 160u32);
    let (left, top, plot_w, plot_h) = (44.0, 8.0, 548.0, 132.0);
    let highest = points
        .iter()
        .filter_map(|p| p.latency.map(|l| l.p99))
        .fold(0.0f64, f64::max);
    let scale = nice_ceiling(highest.max(1.0));
    let step = plot_w / (points.len().max(2) - 1) as f64;
    let line = |pick: fn(&super::snapshot::Percentiles) -> f64| {
        points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                p.latency.as_ref().map(|l| {
                    let x = left + step * i as f64;
                    let y = top + plot_h * (1.0 - pick(l).min(scale) / scale);
                    format!("{x:.1},{y:.1}")
                })
            })
            .collect::<Vec<_>>()
    };
    // One hour of data is a point: drawn as a short dash so that it shows.
    let line = |pick: fn(&super::snapshot::Percentiles) -> f64| {
        let points = line(pick);
        match points.as_slice() {
            [only] => {
                let (x, y) = only.split_once(',').unwrap_or(("0", "0"));
                let x: f64 = x.parse().unwrap_or(0.0);
                format!("{:.1},{y} {:.1},{y}", x - 3.0, x + 3.0)
            }
            _ => points.join(" "),
        }
    };
    let grid = (0..=4)
        .map(|k| {
            let value = scale * f64::from(k) / 4.0;
            (
                top + plot_h * (1.0 - f64::from(k) / 4.0),
                format!("{value:.0}"),
            )
        })
        .collect();
    Chart {
        width,
        height,
        lines: vec![line(|l| l.p50), line(|l| l.p95), line(|l| l.p99)],
        grid,
        empty: points.iter().all(|p| p.latency.is_none()),
    }
}

/// 1, 2 or 5 times a power of ten, at least `value`.
fn nice_ceiling(value: f64) -> f64 {
    let power = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|candidate| *candidate >= value)
        .unwrap_or(10.0 * power)
}

fn percent(ratio: f64, lang: Lang) -> String {
    let text = format!("{:.2}%", ratio * 100.0);
    decimal(text, lang)
}

fn number(value: f64, lang: Lang) -> String {
    let text = if value >= 100.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    };
    decimal(text, lang)
}

fn number_2(value: f64, lang: Lang) -> String {
    decimal(format!("{value:.2}"), lang)
}

/// Indonesian writes a decimal comma.
fn decimal(text: String, lang: Lang) -> String {
    match lang {
        Lang::Id => text.replace('.', ","),
        Lang::En => text,
    }
}

/// Control characters a service sent are parse errors in HTML: shown as U+FFFD.
fn inert_controls(html: String) -> String {
    html.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_scales_are_round_numbers() {
        assert_eq!(nice_ceiling(0.7), 1.0);
        assert_eq!(nice_ceiling(130.0), 200.0);
        assert_eq!(nice_ceiling(1000.0), 1000.0);
        assert_eq!(nice_ceiling(1001.0), 2000.0);
    }
}
