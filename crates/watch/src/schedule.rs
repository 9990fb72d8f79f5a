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

/// The wall clock, read only to timestamp rounds (ms since the epoch): setting
/// it moves no round. A trait so that tests can make it jump.
pub trait WallClock: Send + Sync {
    fn now_ms(&self) -> i64;
}

/// The system's wall clock.
pub struct SystemClock;

impl WallClock for SystemClock {
    fn now_ms(&self) -> i64 {
        now_ms()
    }
}

/// When rounds are due: `start + k × every` on tokio's monotonic clock.
pub struct Schedule<C: WallClock = SystemClock> {
    start: Instant,
    every: Duration,
    round: u32,
    clock: C,
}

impl<C: WallClock> Schedule<C> {
    pub fn new(first_round_in: Duration, every: Duration, clock: C) -> Self {
        Self {
            start: Instant::now() + first_round_in,
            every,
            round: 0,
            clock,
        }
    }

    /// Waits until the next round is due and gives its wall-clock time (ms), or
    /// `None` when cancelled first. Each call is one round: the next is due one
    /// interval after this one's due time, or, when that has passed by more
    /// than an interval (a round that ran long, a stall, a suspended machine),
    /// at the next multiple of the interval: missed rounds are skipped.
    pub async fn next(&mut self, cancel: &Cancel) -> Option<i64> {
        let mut due = self.start + self.every * self.round;
        let now = Instant::now();
        if due + self.every < now {
            let behind = (now - self.start).as_secs_f64() / self.every.as_secs_f64();
            self.round = behind.ceil().min(f64::from(u32::MAX)) as u32;
            due = self.start + self.every * self.round;
        }
        tokio::select! {
            biased;
            () = cancel.cancelled() => return None,
            () = tokio::time::sleep_until(due) => {}
        }
        self.round = self.round.saturating_add(1);
        Some(self.clock.now_ms())
    }
}

/// Probes until `cancel`; the round in flight then is finished and committed.
pub async fn run(mut watched: Watched, shared: Arc<Shared>, cancel: Cancel) {
    let every = watched.prober.every();
    let mut schedule = Schedule::new(watched.first_round_in, every, SystemClock);
    // Not cancelled once started: SIGTERM drains the round in flight.
    while let Some(at) = schedule.next(&cancel).await {
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
    use std::sync::atomic::{AtomicI64, Ordering};

    /// A wall clock that runs with tokio's (paused) clock, from 2027, and
    /// jumps by whatever the test adds to its offset.
    #[derive(Clone)]
    struct Jumping {
        origin: Instant,
        offset: Arc<AtomicI64>,
    }

    impl Jumping {
        fn new() -> Self {
            Self {
                origin: Instant::now(),
                offset: Arc::new(AtomicI64::new(1_800_000_000_000)),
            }
        }
    }

    impl WallClock for Jumping {
        fn now_ms(&self) -> i64 {
            self.offset.load(Ordering::SeqCst) + (Instant::now() - self.origin).as_millis() as i64
        }
    }

    /// Runs `rounds` rounds of `schedule`, each taking `work(k)`, with the wall
    /// clock moved by `jump(k)` ms during round k; gives each round's start on
    /// the monotonic clock (from the schedule's creation) and its timestamp.
    async fn drive(
        schedule: &mut Schedule<Jumping>,
        clock: &Jumping,
        rounds: usize,
        work: impl Fn(usize) -> Duration,
        jump: impl Fn(usize) -> i64,
    ) -> Vec<(Duration, i64)> {
        let began = Instant::now();
        let cancel = Cancel::default();
        let mut seen = Vec::new();
        for k in 0..rounds {
            let at = schedule.next(&cancel).await.expect("not cancelled");
            seen.push((Instant::now() - began, at));
            tokio::time::sleep(work(k)).await;
            clock.offset.fetch_add(jump(k), Ordering::SeqCst);
        }
        seen
    }

    #[tokio::test(start_paused = true)]
    async fn wall_clock_jumps_neither_burst_nor_stall_the_rounds() {
        let every = Duration::from_secs(30);
        let clock = Jumping::new();
        let mut schedule = Schedule::new(Duration::ZERO, every, clock.clone());
        // Six hours forward, then twelve back, then forward again, then back by a
        // day: a schedule on the wall clock would send the rounds owed for six
        // hours at once, or wait half a day.
        let jumps = [
            0,
            6 * 3_600_000,
            -12 * 3_600_000,
            0,
            3_600_000,
            -86_400_000,
            0,
            0,
        ];
        let seen = drive(
            &mut schedule,
            &clock,
            jumps.len(),
            |_| Duration::from_millis(40),
            |k| jumps[k],
        )
        .await;
        for (k, (started, _)) in seen.iter().enumerate() {
            assert_eq!(*started, every * k as u32, "round {k} on time: {seen:?}");
        }
        // The timestamps follow the wall clock, jumps and all.
        assert_eq!(seen[2].1 - seen[1].1, 30_000 + 6 * 3_600_000);
        assert_eq!(seen[3].1 - seen[2].1, 30_000 - 12 * 3_600_000);
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_round_delays_the_next_and_a_stall_skips_what_it_missed() {
        let every = Duration::from_secs(10);
        let clock = Jumping::new();
        let mut schedule = Schedule::new(Duration::from_secs(2), every, clock.clone());
        // Round 1 takes 15 s (the next starts at once, at 27 s: no overlap);
        // round 3 stalls 55 s (rounds 4 to 8 are skipped, not sent in a burst).
        let work = |k: usize| match k {
            1 => Duration::from_secs(15),
            3 => Duration::from_secs(55),
            _ => Duration::from_millis(10),
        };
        let seen = drive(&mut schedule, &clock, 6, work, |_| 0).await;
        let starts: Vec<u64> = seen.iter().map(|(at, _)| at.as_millis() as u64).collect();
        assert_eq!(starts, [2_000, 12_000, 27_000, 32_000, 92_000, 102_000]);
    }

    #[tokio::test(start_paused = true)]
    async fn cancelling_ends_the_wait_at_once() {
        let clock = Jumping::new();
        let mut schedule = Schedule::new(Duration::from_secs(3600), Duration::from_secs(60), clock);
        let cancel = Cancel::default();
        cancel.cancel();
        assert_eq!(schedule.next(&cancel).await, None);
    }

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
