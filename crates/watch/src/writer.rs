//! The one writer of the history: a thread that owns the database connection and
//! commits what the schedule sends it, in order. When the database cannot be
//! written (locked, disk full, gone) the writes wait in a bounded backlog and are
//! tried again every second; probing goes on, and the status page says the
//! history is behind. Past the bound, the oldest waiting writes are dropped and
//! counted, never silently.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::rollup;
use crate::store::{RoundWrite, StandardsRow, Store};

/// How many writes may wait while the database cannot be written.
pub const MAX_BACKLOG: usize = 100_000;

pub enum Write {
    Round(RoundWrite),
    Standards(StandardsRow),
    /// Roll up what is final at this time (ms), with this grace.
    Rollup {
        now: i64,
        grace_ms: i64,
    },
    /// Forget samples before `samples_before` and minute rollups before
    /// `minutes_before` (ms).
    Forget {
        samples_before: i64,
        minutes_before: i64,
    },
}

/// What the writer tells the rest of the watch.
#[derive(Debug, Default)]
pub struct Health {
    /// Writes waiting for the database.
    pub backlog: AtomicUsize,
    /// Writes dropped because the backlog was full.
    pub dropped: AtomicU64,
    /// Samples committed since the watch started.
    pub committed_samples: AtomicU64,
    /// Why the database could not be written, while it cannot.
    pub last_error: Mutex<Option<String>>,
}

impl Health {
    pub fn behind(&self) -> bool {
        self.backlog.load(Ordering::Relaxed) > 0
    }

    pub fn error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|error| error.clone())
    }

    fn set_error(&self, error: Option<String>) {
        if let Ok(mut last) = self.last_error.lock() {
            *last = error;
        }
    }
}

/// Starts the writer thread of this watch's `vantage` (it rolls up and forgets
/// that vantage's series only); it ends when every sender is dropped, after
/// trying once more to commit what waits.
pub fn start(
    store: Store,
    vantage: String,
    health: Arc<Health>,
) -> (mpsc::Sender<Write>, std::thread::JoinHandle<Store>) {
    let (sender, receiver) = mpsc::channel(4096);
    let handle = std::thread::Builder::new()
        .name("ujilab-watch-writer".into())
        .spawn(move || run(store, &vantage, receiver, &health))
        .unwrap_or_else(|error| panic!("cannot start the history writer thread: {error}"));
    (sender, handle)
}

fn run(
    mut store: Store,
    vantage: &str,
    mut receiver: mpsc::Receiver<Write>,
    health: &Health,
) -> Store {
    let mut backlog: VecDeque<Write> = VecDeque::new();
    let mut open = true;
    while open || !backlog.is_empty() {
        // Wait for work, or a second when writes are waiting for the database.
        let next = if backlog.is_empty() {
            receiver.blocking_recv()
        } else {
            std::thread::sleep(Duration::from_secs(1));
            receiver.try_recv().ok()
        };
        match next {
            Some(write) => enqueue(&mut backlog, write, health),
            None if backlog.is_empty() => open = false,
            None => {}
        }
        while let Ok(write) = receiver.try_recv() {
            enqueue(&mut backlog, write, health);
        }
        if receiver.is_closed() && receiver.is_empty() {
            open = false;
        }
        drain(&mut store, vantage, &mut backlog, health);
        if !open && !backlog.is_empty() {
            // Stopping with the database still away: what waits is lost, and said.
            tracing::error!(
                "{} write(s) to the history could not be committed before stopping",
                backlog.len()
            );
            break;
        }
    }
    store
}

fn enqueue(backlog: &mut VecDeque<Write>, write: Write, health: &Health) {
    if backlog.len() >= MAX_BACKLOG {
        backlog.pop_front();
        health.dropped.fetch_add(1, Ordering::Relaxed);
    }
    backlog.push_back(write);
}

/// Commits what waits, in order, until the first write the database refuses.
fn drain(store: &mut Store, vantage: &str, backlog: &mut VecDeque<Write>, health: &Health) {
    while let Some(write) = backlog.front() {
        let result = match write {
            Write::Round(round) => store.commit_round(round).and_then(|()| {
                // A round older than a rolled mark (it waited): roll again.
                let oldest = round.samples.iter().map(|s| s.at).min().unwrap_or(round.at);
                rollup::reopen(store, vantage, oldest)
            }),
            Write::Standards(row) => store.insert_standards(row),
            Write::Rollup { now, grace_ms } => {
                rollup::roll(store, vantage, *now, *grace_ms).map(|_| ())
            }
            Write::Forget {
                samples_before,
                minutes_before,
            } => forget_rolled(store, vantage, *samples_before, *minutes_before),
        };
        match result {
            Ok(()) => {
                if let Some(Write::Round(round)) = backlog.front() {
                    health
                        .committed_samples
                        .fetch_add(round.samples.len() as u64, Ordering::Relaxed);
                }
                backlog.pop_front();
                health.set_error(None);
            }
            Err(error) if error.is_transient() => {
                health.set_error(Some(error.to_string()));
                break;
            }
            Err(error) => {
                // A write the database will never take (a bug, or a database
                // changed under us): said, and not retried for ever.
                tracing::error!("a write to the history was refused: {error}");
                health.set_error(Some(error.to_string()));
                backlog.pop_front();
            }
        }
    }
    health.backlog.store(
        backlog
            .iter()
            .filter(|write| !matches!(write, Write::Rollup { .. }))
            .count(),
        Ordering::Relaxed,
    );
}

/// Forgets samples and minute rollups past their retention, but never what has
/// not been rolled up yet (the rollups may lag after the database was away).
fn forget_rolled(
    store: &mut Store,
    vantage: &str,
    samples_before: i64,
    minutes_before: i64,
) -> Result<(), crate::store::StoreError> {
    use crate::store::SPANS;
    let minutes_rolled = store.rolled_until(vantage, SPANS[0])?.unwrap_or(i64::MIN);
    let hours_rolled = store.rolled_until(vantage, SPANS[1])?.unwrap_or(i64::MIN);
    store.forget(
        vantage,
        samples_before.min(minutes_rolled),
        SPANS[0],
        minutes_before.min(hours_rolled),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{on_each_backend, scenario};
    use crate::store::{RoundWrite, SampleRow, ServiceStateRow};

    #[test]
    fn retention_never_forgets_samples_not_rolled_up_yet() {
        on_each_backend(|open| {
            let mut store = open().expect("opens");
            let scenario = scenario(&store, "svc");
            let series = store.series(scenario, "health", "default").expect("series");
            let samples = (0..600)
                .map(|n| SampleRow {
                    series,
                    at: n * 60_000,
                    up: true,
                    status: Some(200),
                    latency_us: Some(1_000),
                    error_kind: None,
                })
                .collect();
            store
                .commit_round(&RoundWrite {
                    scenario,
                    at: 0,
                    samples,
                    state: ServiceStateRow::default(),
                    change: None,
                })
                .expect("commits");
            let count = |store: &Store| store.size().expect("size").1;
            // Everything is past a retention of "now", but nothing is rolled up yet.
            forget_rolled(&mut store, "default", i64::MAX, i64::MAX).expect("forgets");
            assert_eq!(count(&store), 600);
            rollup::roll_all(&mut store, "default", 600 * 60_000 + 3_600_000, 60_000)
                .expect("rolls");
            // Another vantage's retention forgets none of this one's samples.
            forget_rolled(&mut store, "elsewhere", i64::MAX, i64::MAX).expect("forgets");
            assert_eq!(count(&store), 600);
            forget_rolled(&mut store, "default", i64::MAX, i64::MAX).expect("forgets");
            assert_eq!(count(&store), 0, "rolled samples past their retention go");
            let marks = crate::figures::marks(&store).expect("marks");
            let figures =
                crate::figures::window(&store, series, 0, 600 * 60_000, &marks).expect("window");
            assert_eq!(figures.samples, 600, "the hours still count every sample");
        });
    }
}
