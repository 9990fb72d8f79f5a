//! The status page and each service's page: server-rendered HTML (askama, every
//! value escaped), no script, and the Content-Security-Policy of report.html, so
//! nothing a service sent can run or fetch anything. Charts are SVG drawn from
//! numbers only.

use askama::Template;
use input::lang::{self, Lang};

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
    pub chart_days_caption: &'static str,
    /// The summary of each chart's table of values.
    pub chart_table: &'static str,
    pub samples: &'static str,
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
            chart_days_caption: lang.pick(
                "Latensi per hari (UTC), 30 hari terakhir (ms): p50, p95, p99",
                "Latency per day (UTC), last 30 days (ms): p50, p95, p99",
            ),
            chart_table: lang.pick("Nilai dalam tabel", "The values as a table"),
            samples: lang.pick("Sampel", "Samples"),
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
    charts: Vec<Chart>,
    history: Vec<(String, String, String)>,
    incidents: Vec<IncidentRow>,
}

/// An SVG line chart drawn from numbers, with its words for readers who do not
/// see it: a title and a description in the SVG, and its values as a table.
pub struct Chart {
    /// Unique in the page: the heading's id, and the title's and desc's prefix.
    pub id: &'static str,
    pub caption: &'static str,
    /// The SVG's `<title>`: the service and the caption.
    pub title: String,
    /// The SVG's `<desc>`: what is drawn, over which span, and the highest p99.
    pub desc: String,
    pub width: u32,
    pub height: u32,
    /// `points` attributes of the p50, p95 and p99 lines.
    pub lines: Vec<String>,
    /// (y, label) of the horizontal grid lines.
    pub grid: Vec<(f64, String)>,
    /// (x, label, text-anchor) under the plot.
    pub ticks: Vec<(f64, String, &'static str)>,
    /// The table's first column heading.
    pub period: &'static str,
    pub rows: Vec<ChartRow>,
    pub empty: bool,
}

/// One point of a chart as a table row.
pub struct ChartRow {
    pub label: String,
    pub samples: String,
    pub p50: String,
    pub p95: String,
    pub p99: String,
}

/// Which chart: the hours of the last day or the days of the last month.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Span {
    Hours,
    Days,
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
        charts: vec![
            chart(
                &service.chart,
                Span::Hours,
                &service.name,
                zone_of(snapshot, id),
                lang,
            ),
            chart(
                &service.chart_days,
                Span::Days,
                &service.name,
                zone_of(snapshot, id),
                lang,
            ),
        ],
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

/// p50, p95 and p99 per hour or per day as three polylines in a 600 x 160 box
/// (log scale would hide a stall; linear from 0 to the highest p99), with its
/// title, description, ticks and table.
fn chart(points: &[ChartPoint], span: Span, service: &str, zone: Zone, lang: Lang) -> Chart {
    let words = Words::of(lang);
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
    // A point's time as the reader reads it: an hour in the service's zone, a
    // UTC day by its date (the same date in WIB, WITA and WIT at its start).
    let when = |start: i64, precision: Precision| {
        shown_time(&crate::time::rfc3339_ms(start), zone, lang, precision)
    };
    let label = |start: i64| match span {
        Span::Hours => when(start, Precision::Minutes),
        Span::Days => when(start, Precision::Minutes)
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    };
    // Every sixth hour by its clock (`21.00`), every seventh day by its date
    // (`5 Des`), counted back from the latest.
    let every = match span {
        Span::Hours => 6,
        Span::Days => 7,
    };
    let ticks = points
        .iter()
        .enumerate()
        .filter(|(i, _)| (points.len() - 1 - i).is_multiple_of(every))
        .filter_map(|(i, p)| {
            let text = when(p.start, Precision::Minutes);
            let words: Vec<&str> = text.split_whitespace().collect();
            let tick = match span {
                Span::Hours => words.get(3).map(|clock| clock.to_string()),
                Span::Days => words.get(..2).map(|date| date.join(" ")),
            };
            // The latest is at the plot's right edge: its text ends there.
            let anchor = if i + 1 == points.len() {
                "end"
            } else {
                "middle"
            };
            tick.map(|tick| (left + step * i as f64, tick, anchor))
        })
        .collect();
    let value = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| number(v, lang));
    let rows = points
        .iter()
        .map(|p| ChartRow {
            label: label(p.start),
            samples: lang::count(p.samples, lang),
            p50: value(p.latency.map(|l| l.p50)),
            p95: value(p.latency.map(|l| l.p95)),
            p99: value(p.latency.map(|l| l.p99)),
        })
        .collect();
    let caption = match span {
        Span::Hours => words.chart_caption,
        Span::Days => words.chart_days_caption,
    };
    let (first, last) = (
        points.first().map(|p| label(p.start)).unwrap_or_default(),
        points.last().map(|p| label(p.start)).unwrap_or_default(),
    );
    let highest = number(highest, lang);
    let desc = match (span, lang) {
        (Span::Hours, Lang::Id) => format!(
            "Latensi p50, p95 dan p99 respons lengkap per jam, {first} sampai {last}; p99 tertinggi {highest} ms. Nilai tiap jam ada di tabel di bawah grafik."
        ),
        (Span::Hours, Lang::En) => format!(
            "p50, p95 and p99 latency of complete responses per hour, {first} to {last}; highest p99 {highest} ms. Each hour's values are in the table below the chart."
        ),
        (Span::Days, Lang::Id) => format!(
            "Latensi p50, p95 dan p99 respons lengkap per hari (UTC), {first} sampai {last}; p99 tertinggi {highest} ms. Nilai tiap hari ada di tabel di bawah grafik."
        ),
        (Span::Days, Lang::En) => format!(
            "p50, p95 and p99 latency of complete responses per day (UTC), {first} to {last}; highest p99 {highest} ms. Each day's values are in the table below the chart."
        ),
    };
    Chart {
        id: match span {
            Span::Hours => "hours",
            Span::Days => "days",
        },
        caption,
        title: format!("{service}: {caption}"),
        desc,
        width,
        height,
        lines: vec![line(|l| l.p50), line(|l| l.p95), line(|l| l.p99)],
        grid,
        ticks,
        period: match span {
            Span::Hours => lang.pick("Jam", "Hour"),
            Span::Days => lang.pick("Hari (UTC)", "Day (UTC)"),
        },
        rows,
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
    use crate::status::snapshot::{self, WriterHealth};
    use crate::store::{RoundWrite, SampleRow, ScenarioRow, ServiceStateRow, Store};

    const DAY: i64 = 86_400_000;
    /// 2026-12-06T05:00:00Z.
    const NOW: i64 = 1_796_533_200_000;
    const HOSTILE: &str = "Layanan <script>alert('pwned')</script><b onmouseover=alert(1)>";

    /// Thirty days of samples every 10 minutes up to `NOW`, rolled up, with the
    /// raw samples of every day before today then deleted (as retention does):
    /// what the daily chart shows can only come from the rollups. Day d (0 is
    /// the oldest) answers in (d + 1) x 10 ms plus 0 to 9 ms.
    fn thirty_days(dir: &tempfile::TempDir) -> snapshot::Snapshot {
        let path = dir.path().join("h.db");
        let mut store = Store::open(&path).expect("opens");
        let scenario = store
            .register_scenario(
                &ScenarioRow {
                    id: 0,
                    identity: "svc".into(),
                    service_id: "svc".into(),
                    name: Some(HOSTILE.into()),
                    region_code: Some("63.71".into()),
                    region_name: Some("Kota Banjarmasin".into()),
                    base_url: "http://127.0.0.1:9".into(),
                    file: "svc.yaml".into(),
                    source: Vec::new(),
                    every_ms: 600_000,
                },
                0,
            )
            .expect("registers");
        let series = store.series(scenario, "health", "default").expect("series");
        let today = NOW.div_euclid(DAY) * DAY;
        let first = today - 29 * DAY;
        let samples: Vec<SampleRow> = (0..)
            .map(|n| first + n * 600_000)
            .take_while(|at| *at < NOW)
            .enumerate()
            .map(|(n, at)| SampleRow {
                series,
                at,
                up: true,
                status: Some(200),
                latency_us: Some((((at - first) / DAY + 1) * 10 + (n as i64 % 10)) * 1000),
                error_kind: None,
            })
            .collect();
        for chunk in samples.chunks(1000) {
            store
                .commit_round(&RoundWrite {
                    scenario,
                    at: chunk[0].at,
                    samples: chunk.to_vec(),
                    state: ServiceStateRow::default(),
                    change: None,
                })
                .expect("commits");
        }
        crate::rollup::roll_all(&mut store, "default", NOW, 60_000).expect("rolls");
        let connection = rusqlite::Connection::open(&path).expect("opens");
        let forgotten = connection
            .execute("DELETE FROM samples WHERE at < ?1", [today])
            .expect("forgets");
        assert_eq!(forgotten, 29 * 144);
        snapshot::build(
            &store,
            &Default::default(),
            &WriterHealth {
                waiting: 0,
                dropped: 0,
                error: None,
            },
            NOW,
        )
        .expect("snapshot")
    }

    /// The `points` of the `index`th polyline of class `class`.
    fn polyline(html: &str, class: &str, index: usize) -> Vec<(f64, f64)> {
        let marker = format!("<polyline class=\"{class}\" points=\"");
        let rest = html
            .match_indices(&marker)
            .nth(index)
            .map(|(at, _)| &html[at + marker.len()..])
            .expect("the polyline");
        rest[..rest.find('"').expect("closed")]
            .split(' ')
            .map(|pair| {
                let (x, y) = pair.split_once(',').expect("x,y");
                (x.parse().expect("x"), y.parse().expect("y"))
            })
            .collect()
    }

    #[test]
    fn the_service_page_draws_30_days_of_latency_from_the_rollups_in_words_too() {
        let dir = tempfile::tempdir().expect("tempdir");
        let snapshot = thirty_days(&dir);
        let service = &snapshot.regions[0].services[0];
        let days = &service.chart_days;
        assert_eq!(days.len(), 30);
        assert_eq!(days[0].samples, 144);
        assert_eq!(days[28].samples, 144);
        // Today so far: 00:00 to 05:00 UTC.
        assert_eq!(days[29].samples, 30);
        for (d, day) in days.iter().enumerate() {
            let p = day.latency.expect("every day has latency");
            let base = (d as f64 + 1.0) * 10.0;
            assert!((base..base + 10.0).contains(&p.p50), "day {d}: {p:?}");
            assert!(p.p50 <= p.p95 && p.p95 <= p.p99, "day {d}: {p:?}");
        }
        let en = render_service(&snapshot, service.id, Lang::En)
            .expect("the service")
            .expect("renders");
        let id = render_service(&snapshot, service.id, Lang::Id)
            .expect("the service")
            .expect("renders");
        for html in [&en, &id] {
            // Two charts, each described by its title and desc.
            assert_eq!(html.matches("<svg class=\"chart\"").count(), 2, "{html}");
            assert!(html.contains("aria-labelledby=\"days-title days-desc\""));
            assert!(html.contains("<desc id=\"days-desc\">"), "{html}");
            // The daily p50, p95 and p99 lines have a point per day, rising as the
            // latency did (SVG's y grows downwards).
            for class in ["c0", "c1", "c2"] {
                let line = polyline(html, class, 1);
                assert_eq!(line.len(), 30, "{class}");
                assert!(line.windows(2).all(|w| w[1].0 > w[0].0 && w[1].1 < w[0].1));
            }
            // The service's name is text in the title, never markup.
            assert!(!html.contains("<script"), "{html}");
            assert!(!html.contains("<b onmouseover"), "{html}");
            assert!(html.contains(
                "<title id=\"days-title\">Layanan &#60;script&#62;alert(&#39;pwned&#39;)&#60;/script&#62;&#60;b onmouseover=alert(1)&#62;: "
            ), "{html}");
            // The table fallback: a row per day, oldest first, with its samples.
            let table = &html[html.rfind("<details>").expect("the days' table")..];
            assert_eq!(table.matches("<tr><td>").count(), 30);
        }
        assert!(en.contains("Latency per day (UTC), last 30 days (ms): p50, p95, p99"));
        assert!(
            en.contains("per day (UTC), 7 Nov 2026 to 6 Dec 2026; highest p99 309 ms"),
            "{en}"
        );
        assert!(
            en.contains(
                "<tr><td>7 Nov 2026</td><td class=\"num\">144</td><td class=\"num\">14.0</td>"
            ),
            "{en}"
        );
        assert!(id.contains("Latensi per hari (UTC), 30 hari terakhir (ms): p50, p95, p99"));
        assert!(
            id.contains("per hari (UTC), 7 Nov 2026 sampai 6 Des 2026; p99 tertinggi 309 ms"),
            "{id}"
        );
        assert!(
            id.contains(
                "<tr><td>7 Nov 2026</td><td class=\"num\">144</td><td class=\"num\">14,0</td>"
            ),
            "{id}"
        );
        assert!(id.contains("Nilai dalam tabel"));
        // Ticks: every seventh day back from today, by its date.
        assert!(id.contains("text-anchor=\"end\">6 Des</text>"), "{id}");
        assert!(en.contains("text-anchor=\"middle\">29 Nov</text>"), "{en}");
    }

    #[test]
    fn chart_scales_are_round_numbers() {
        assert_eq!(nice_ceiling(0.7), 1.0);
        assert_eq!(nice_ceiling(130.0), 200.0);
        assert_eq!(nice_ceiling(1000.0), 1000.0);
        assert_eq!(nice_ceiling(1001.0), 2000.0);
    }
}
