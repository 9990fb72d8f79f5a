//! What the status page, the JSON API, the badges and `/metrics` show: computed
//! from the history in the background every few seconds, so that a page view
//! only renders. The live state of each service (from the last round, before
//! the history has it) is laid over it.

use std::collections::HashMap;

use serde::Serialize;

use crate::figures::{Figures, marks, window};
use crate::incident::State;
use crate::schedule::Live;
use crate::store::{SPANS, Store, StoreError};

/// The uptime windows, by name and length (ms).
pub const UPTIME_WINDOWS: [(&str, i64); 4] = [
    ("24h", 86_400_000),
    ("7d", 7 * 86_400_000),
    ("30d", 30 * 86_400_000),
    ("90d", 90 * 86_400_000),
];

/// How many hours the hourly latency chart covers.
pub const CHART_HOURS: i64 = 24;

/// How many days the daily latency chart covers (UTC days: each is one day
/// rollup, so 30 days of a thousand services stay cheap to read).
pub const CHART_DAYS: i64 = 30;

#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    pub generated_at: String,
    /// Set while writes wait for the database: the history is behind.
    pub behind: Option<Behind>,
    pub regions: Vec<RegionView>,
    pub incidents: Vec<IncidentView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Behind {
    pub waiting_writes: usize,
    pub dropped_writes: u64,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegionView {
    pub code: Option<String>,
    pub name: String,
    pub services: Vec<ServiceView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceView {
    /// The scenario's id in the history (for links).
    pub id: i64,
    pub identity: String,
    pub name: String,
    pub base_url: String,
    pub state: String,
    pub since: Option<String>,
    pub last_round: Option<String>,
    pub uptime: Vec<UptimeView>,
    /// Complete responses over the last 24 hours, milliseconds.
    pub latency_24h: Option<Percentiles>,
    /// Hourly p50, p95 and p99 over the last [`CHART_HOURS`] hours.
    pub chart: Vec<ChartPoint>,
    /// Daily p50, p95 and p99 over the last [`CHART_DAYS`] UTC days, today's
    /// so far included.
    pub chart_days: Vec<ChartPoint>,
    pub standards: Option<StandardsView>,
    pub standards_history: Vec<StandardsView>,
    pub open_incident: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct UptimeView {
    pub window: &'static str,
    pub samples: u64,
    pub up: u64,
    /// Null without samples: nothing measured is no uptime.
    pub ratio: Option<f64>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Percentiles {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChartPoint {
    /// The hour's or day's start (ms since the epoch).
    pub start: i64,
    pub latency: Option<Percentiles>,
    pub samples: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct StandardsView {
    pub at: String,
    pub index: Option<f64>,
    pub verdict: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentView {
    pub id: i64,
    pub scenario: i64,
    pub service: String,
    pub started_at: String,
    pub declared_at: String,
    pub resolved_at: Option<String>,
    pub evidence: Option<crate::evidence::Evidence>,
}

/// What the writer says of itself.
pub struct WriterHealth {
    pub waiting: usize,
    pub dropped: u64,
    pub error: Option<String>,
}

pub fn build(
    store: &Store,
    live: &HashMap<i64, Live>,
    health: &WriterHealth,
    now: i64,
) -> Result<Snapshot, StoreError> {
    let marks = marks(store)?;
    let hour = SPANS[1] * 1000;
    let mut regions: Vec<RegionView> = Vec::new();
    for scenario in store.scenarios()? {
        let series: Vec<i64> = store
            .series_of(scenario.id)?
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        let sum = |from: i64, to: i64, latency: bool| -> Result<Figures, StoreError> {
            let mut total = Figures::default();
            for &id in &series {
                let figures = window(store, id, from, to, &marks)?;
                if latency {
                    total.merge(&figures);
                } else {
                    total.samples += figures.samples;
                    total.up += figures.up;
                }
            }
            Ok(total)
        };
        let mut uptime = Vec::new();
        for (name, length) in UPTIME_WINDOWS {
            let figures = sum(now - length, now + 1, false)?;
            uptime.push(UptimeView {
                window: name,
                samples: figures.samples,
                up: figures.up,
                ratio: figures.ratio(),
            });
        }
        let day = sum(now - 86_400_000, now + 1, true)?;
        let chart_end = now.div_euclid(hour) * hour + hour;
        let mut chart = Vec::new();
        for index in (0..CHART_HOURS).rev() {
            let start = chart_end - (index + 1) * hour;
            let figures = sum(start, start + hour, true)?;
            chart.push(ChartPoint {
                start,
                latency: percentiles(&figures),
                samples: figures.samples,
            });
        }
        let day_ms = SPANS[2] * 1000;
        let days_end = now.div_euclid(day_ms) * day_ms + day_ms;
        let mut chart_days = Vec::new();
        for index in (0..CHART_DAYS).rev() {
            let start = days_end - (index + 1) * day_ms;
            let figures = sum(start, start + day_ms, true)?;
            chart_days.push(ChartPoint {
                start,
                latency: percentiles(&figures),
                samples: figures.samples,
            });
        }
        let history = store.standards_history(scenario.id, 30)?;
        let standards_history: Vec<StandardsView> = history
            .into_iter()
            .map(|check| StandardsView {
                at: crate::time::rfc3339_ms(check.at),
                index: check.score,
                verdict: check.verdict,
            })
            .collect();
        let stored = store.service_state(scenario.id)?;
        let (state, since, last_round) = match (live.get(&scenario.id), &stored) {
            (Some(live), _) => (live.state, Some(live.since), live.last_round),
            (None, Some(row)) => (
                State::from_code(&row.state),
                Some(row.since),
                row.last_round,
            ),
            (None, None) => (State::Unknown, None, None),
        };
        let open_incident = state == State::Down;
        let view = ServiceView {
            id: scenario.id,
            identity: scenario.identity.clone(),
            name: scenario
                .name
                .clone()
                .unwrap_or_else(|| scenario.identity.clone()),
            base_url: scenario.base_url.clone(),
            state: state.code().to_string(),
            since: since.map(crate::time::rfc3339_ms),
            last_round: last_round.map(crate::time::rfc3339_ms),
            uptime,
            latency_24h: percentiles(&day),
            chart,
            chart_days,
            standards: standards_history.last().cloned(),
            standards_history,
            open_incident,
        };
        let region_name = scenario
            .region_name
            .clone()
            .or_else(|| scenario.region_code.clone())
            .unwrap_or_default();
        match regions
            .iter_mut()
            .find(|region| region.code == scenario.region_code && region.name == region_name)
        {
            Some(region) => region.services.push(view),
            None => regions.push(RegionView {
                code: scenario.region_code.clone(),
                name: region_name,
                services: vec![view],
            }),
        }
    }
    let identities: HashMap<i64, String> = regions
        .iter()
        .flat_map(|region| region.services.iter())
        .map(|service| (service.id, service.identity.clone()))
        .collect();
    let incidents = store
        .incidents(None, 50)?
        .into_iter()
        .map(|incident| IncidentView {
            id: incident.id,
            scenario: incident.scenario,
            service: identities
                .get(&incident.scenario)
                .cloned()
                .unwrap_or_default(),
            started_at: crate::time::rfc3339_ms(incident.started_at),
            declared_at: crate::time::rfc3339_ms(incident.declared_at),
            resolved_at: incident.resolved_at.map(crate::time::rfc3339_ms),
            evidence: crate::evidence::parse(&incident.evidence),
        })
        .collect();
    let behind =
        (health.waiting > 0 || health.dropped > 0 || health.error.is_some()).then(|| Behind {
            waiting_writes: health.waiting,
            dropped_writes: health.dropped,
            error: health.error.clone(),
        });
    Ok(Snapshot {
        generated_at: crate::time::rfc3339_ms(now),
        behind,
        regions,
        incidents,
    })
}

fn percentiles(figures: &Figures) -> Option<Percentiles> {
    let ms = |p: f64| figures.latency.percentile(p).map(|s| s * 1000.0);
    Some(Percentiles {
        p50: ms(50.0)?,
        p95: ms(95.0)?,
        p99: ms(99.0)?,
    })
}
