//! Each watched scenario's loop: a round every `every` on the monotonic clock
//! (a wall-clock jump moves no round), its samples and the service's new state
//! sent to the writer as one unit, the incident and its alerts with them.
//!
//! Round k is due at `start + k × every`. A round that runs long delays the next
//! (rounds never overlap), and rounds missed while the process was stopped or
//! stalled are skipped, not sent in a burst. A restart resumes where the history
//! ends: the first round is due one interval after the last committed sample.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use input::lang::Lang;
use run::Cancel;
use run::continuous::{WatchSample, WatchedScenario};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::alert::{Event, EventKind, Webhook};
use crate::incident::{State, Tracker, Transition};
use crate::store::{Change, RoundWrite, SampleRow};
use crate::writer::Write;

/// What the status page knows of a service before the history does.
#[derive(Debug, Clone)]
pub struct Live {
    pub state: State,
    pub since: i64,
    pub last_round: Option<i64>,
    pub rounds: u64,
}

/// Everything the loops share.
pub struct Shared {
    pub writer: mpsc::Sender<Write>,
    pub webhooks: Vec<Webhook>,
    pub lang: Lang,
    pub status_page: Option<String>,
    pub live: Mutex<HashMap<i64, Live>>,
}

/// One scenario, registered and ready.
pub struct Watched {
    /// Its id in the history.
    pub id: i64,
    pub prober: WatchedScenario,
    /// The series of each watched probe, in the prober's order.
    pub series: Vec<i64>,
    pub tracker: Tracker,
    /// The delay before the first round.
    pub first_round_in: Duration,
}

/// Probes until `cancel`; the round in flight then is finished and committed.
pub async fn run(mut watched: Watched, shared: Arc<Shared>, cancel: Cancel) {
    let every = watched.prober.every();
    let start = Instant::now() + watched.first_round_in;
    let mut round: u32 = 0;
    loop {
        let mut due = start + every * round;
        let now = Instant::now();
        if due + every < now {
            // Missed rounds (a stall, a suspended machine): skip to the next due.
            let behind = (now - start).as_secs_f64() / every.as_secs_f64();
            round = behind.ceil().min(f64::from(u32::MAX)) as u32;
            due = start + every * round;
        }
        tokio::select! {
            biased;
            () = cancel.cancelled() => break,
            () = tokio::time::sleep_until(due) => {}
        }
        // Not cancelled once started: SIGTERM drains the round in flight.
        let at = now_ms();
        let samples = watched.prober.round().await;
        let write = round_write(&mut watched, &shared, at, &samples);
        if let Ok(mut live) = shared.live.lock() {
            let entry = live.entry(watched.id).or_insert(Live {
                state: watched.tracker.state,
                since: watched.tracker.since,
                last_round: None,
                rounds: 0,
            });
            entry.state = watched.tracker.state;
            entry.since = watched.tracker.since;
            entry.last_round = Some(at);
            entry.rounds += 1;
        }
        if shared.writer.send(Write::Round(write)).await.is_err() {
            break;
        }
        round = round.saturating_add(1);
    }
}

/// The round's samples, the service's state after it and any incident change.
fn round_write(
    watched: &mut Watched,
    shared: &Shared,
    at: i64,
    samples: &[WatchSample],
) -> RoundWrite {
    let rows: Vec<SampleRow> = samples
        .iter()
        .zip(&watched.series)
        .map(|(sample, &series)| SampleRow {
            series,
            at: sample.sample.at.map(ms_of).unwrap_or(at),
            up: sample.sample.up,
            status: sample.sample.status,
            latency_us: sample
                .sample
                .latency
                .map(|latency| i64::try_from(latency.as_micros()).unwrap_or(i64::MAX)),
            error_kind: sample
                .sample
                .error_kind
                .map(|kind| kind.code().to_string())
                .or_else(|| {
                    sample
                        .sample
                        .status
                        .filter(|_| !sample.sample.up)
                        .map(|_| "unexpected_status".to_string())
                }),
        })
        .collect();
    let good = samples.iter().all(|sample| sample.sample.up);
    let redactor = watched.prober.redactor();
    let transition = watched.tracker.observe(at, good, || {
        samples
            .iter()
            .find(|sample| !sample.sample.up)
            .map(|sample| crate::evidence::of(sample, redactor))
            .unwrap_or_default()
    });
    let change = transition.map(|transition| {
        let scenario = watched.prober.scenario();
        let service = &scenario.service;
        let region = service.region.as_ref().and_then(|r| r.name.clone());
        let started = crate::time::rfc3339_ms(watched.tracker.since);
        let now = crate::time::rfc3339_ms(at);
        let summary = match &transition {
            Transition::WentDown { evidence, .. } => crate::evidence::summary(evidence),
            Transition::CameUp => None,
        };
        let kind = match transition {
            Transition::WentDown { .. } => EventKind::Down,
            Transition::CameUp => EventKind::Resolved,
        };
        let event = Event {
            kind,
            service: &service.id,
            name: service.name.as_deref(),
            region: region.as_deref(),
            started_at: &started,
            at: &now,
            evidence: summary.as_deref(),
            status_page: shared.status_page.as_deref(),
        };
        let alerts = shared
            .webhooks
            .iter()
            .map(|webhook| (webhook.target(), webhook.body(&event, shared.lang)))
            .collect();
        match transition {
            Transition::WentDown {
                started_at,
                evidence,
            } => Change::Down {
                started_at,
                evidence,
                alerts,
            },
            Transition::CameUp => Change::Up { alerts },
        }
    });
    RoundWrite {
        scenario: watched.id,
        at,
        samples: rows,
        state: watched.tracker.row(),
        change,
    }
}

pub fn now_ms() -> i64 {
    ms_of(SystemTime::now())
}

pub fn ms_of(time: SystemTime) -> i64 {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_millis()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// The delay before a resumed scenario's first round: one interval after its
/// last committed sample, at once when that is past (or there is none).
pub fn first_round_in(last_sample: Option<i64>, every: Duration, now: i64) -> Duration {
    let every_ms = i64::try_from(every.as_millis()).unwrap_or(i64::MAX);
    match last_sample {
        Some(last) if last + every_ms > now => {
            Duration::from_millis(u64::try_from(last + every_ms - now).unwrap_or(0)).min(every)
        }
        _ => Duration::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restart_resumes_one_interval_after_the_last_sample() {
        let every = Duration::from_secs(30);
        assert_eq!(first_round_in(None, every, 1_000), Duration::ZERO);
        assert_eq!(
            first_round_in(Some(1_000), every, 11_000),
            Duration::from_secs(20)
        );
        assert_eq!(first_round_in(Some(1_000), every, 90_000), Duration::ZERO);
        // A clock set back does not delay the first round past one interval.
        assert_eq!(first_round_in(Some(1_000_000), every, 0), every);
    }
}
