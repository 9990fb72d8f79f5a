//! The load engine: one request loop driven by a schedule that is data
//! ([`schedule`]): open model (arrivals at a fixed rate, an in-flight cap, latency
//! from the due time for arrivals that had to wait, late arrivals dropped) or closed
//! model (users back to back), ending by duration or by count, after a warmup, over
//! a weighted probe mix.
//!
//! The load runs on its own threads, one per CPU core (half of them when the
//! service runs on this machine too; capped by `concurrency`), each with a
//! single-threaded Tokio runtime, like wrk: a thread drives its share of the request
//! slots as futures of one task, polls their connections itself, and
//! counts into its own [`figures::Figures`] without any lock. The figures are merged
//! when the threads end; a thread publishes a snapshot for the progress line a few
//! times a second. Ctrl-C stops every thread at once; what was measured is kept.
//!
//! Slots are started as they are needed, never all up front: the closed model starts
//! its users in batches; the open model starts with one slot waiting for the next
//! arrival and adds one whenever every slot is busy, up to `concurrency`. Every turn
//! of the request loop spends Tokio's cooperative budget, so a loop that never has to
//! wait (a rate the client cannot reach, a service that fails at once) still yields,
//! and a stop is heard. Arrivals so late that they would be dropped anyway are
//! dropped in one step ([`schedule::Claims::claim_overdue`]).

pub mod figures;
pub mod http1;
pub mod schedule;
pub mod transport;

use std::cell::{Cell, RefCell};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use figures::{Figures, Finished, Outcome, Tally};
use futures_util::StreamExt as _;
use futures_util::stream::FuturesUnordered;
use schedule::{Claim, Claims, Mix, Schedule};
use tokio::sync::{Notify, oneshot};
use transport::{Failure, Prepared, Slot, Transport};

use input::quantity::format_duration;
use input::scenario::{Load, LoadModel, Scenario};
use observe::observations::LoadResult;
use observe::redact::Redactor;

use crate::client::ClientSettings;
use crate::request::{Captured, build};
use crate::{Cancel, Event, Events, LoadProgress};

/// How often a worker thread publishes its figures for the progress line.
const PUBLISH_EVERY: Duration = Duration::from_millis(250);
/// How often the progress line is redrawn.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);
/// Slots a worker thread starts in one turn of its loop (the closed model's users).
const START_BATCH: usize = 64;

/// What every worker thread reads.
struct Shared {
    claims: Claims,
    mix: Mix,
    prepared: Vec<Prepared>,
    transport: Transport,
    /// Request slots over all threads: the in-flight cap.
    concurrency: u64,
    /// The longest timeout of the mix: an arrival due longer ago than this is
    /// dropped whichever probe it sends.
    max_timeout: Duration,
    /// One snapshot per thread for the progress line: figures so far and warmup
    /// requests. Locked a few times a second, never per request.
    live: Vec<Mutex<(Tally, u64)>>,
}

/// Runs the scenario's load section. `Err` says why it could not start (a probe
/// of the mix needs a capture the functional pass did not get, say); a service
/// that fails under load is data in the result, never an `Err`.
pub async fn run(
    scenario: &Scenario,
    load: &Load,
    settings: &ClientSettings,
    captured: &Captured,
    redactor: &Redactor,
    cancel: &Cancel,
    events: &Events,
) -> Result<LoadResult, String> {
    let mut targets = Vec::new();
    let mut prepared = Vec::new();
    let mut names = Vec::new();
    for &(index, weight) in &load.mix {
        let probe = &scenario.probes[index];
        let spec = build(scenario, probe, captured).map_err(|missing| {
            format!(
                "probe {} needs `{missing}`, which the functional pass did not capture",
                probe.id
            )
        })?;
        prepared.push(Prepared::new(probe, &spec, settings, &mut targets)?);
        names.push((probe.id.clone(), weight));
    }
    let transport = Transport::new(targets, settings).map_err(|e| e.to_string())?;
    let weights: Vec<u32> = names.iter().map(|(_, weight)| *weight).collect();
    let schedule = Schedule::new(load);
    let threads = load_threads(&transport, load.concurrency);
    let entries: Vec<(String, String)> = prepared
        .iter()
        .map(|p| (p.method.to_string(), p.url.to_string()))
        .collect();
    let max_timeout = prepared.iter().map(|p| p.timeout).max().unwrap_or_default();
    let start = Instant::now();
    let started_at = SystemTime::now();
    let shared = Arc::new(Shared {
        claims: Claims::new(schedule, start),
        mix: Mix::new(&weights),
        prepared,
        transport,
        concurrency: load.concurrency,
        max_timeout,
        live: (0..threads)
            .map(|_| Mutex::new((Tally::default(), 0)))
            .collect(),
    });

    let mut stops = Vec::new();
    let mut results = FuturesUnordered::new();
    let concurrency = usize::try_from(load.concurrency).unwrap_or(usize::MAX);
    for id in 0..threads {
        let slots = concurrency / threads + usize::from(id < concurrency % threads);
        let (stop, stopped) = oneshot::channel();
        let (done, result) = oneshot::channel();
        let shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name(format!("ujilab-load-{id}"))
            .spawn(move || worker(&shared, id, slots, stopped, done));
        if let Err(error) = spawned {
            return Err(format!("cannot start a load thread: {error}"));
        }
        stops.push(stop);
        results.push(result);
    }

    let identity = scenario.identity();
    let mut progress = Progress::new(events.is_active(), start);
    let mut ticker = tokio::time::interval(PROGRESS_EVERY);
    let mut cancelled = std::pin::pin!(cancel.cancelled());
    let mut interrupted = false;
    let mut figures = Figures::new(names.len());
    let mut notes = Vec::new();
    loop {
        tokio::select! {
            ended = results.next() => match ended {
                Some(Ok(Ok(thread_figures))) => figures.merge(&thread_figures),
                Some(Ok(Err(problem))) => notes.push(problem),
                Some(Err(_)) => notes.push("a load thread stopped unexpectedly".to_string()),
                None => break,
            },
            () = &mut cancelled, if !interrupted => {
                interrupted = true;
                for stop in stops.drain(..) {
                    let _ = stop.send(());
                }
            }
            _ = ticker.tick(), if progress.enabled => {
                events.send(progress.event(&identity, &shared));
            }
        }
    }
    drop(stops);
    for note in &notes {
        tracing::warn!(scenario = %identity, "{note}");
    }

    let warmup_end = shared.claims.warmup_end();
    let window = figures::window(warmup_end, figures.last_end);
    let warmup_requests = figures.warmup_requests;
    let last_sent = figures.last_sent;
    let Finished {
        total,
        per_probe,
        error_examples,
        first_failures,
    } = figures.finish(names, &entries, (start, started_at), redactor);
    let target_rate = match load.model {
        LoadModel::Open { rate } => Some(rate),
        LoadModel::Closed => None,
    };
    let achieved_rate = target_rate.and_then(|rate| {
        achieved_rate(
            rate,
            total.requests,
            total.dropped,
            last_sent.map(|sent| sent.saturating_duration_since(warmup_end)),
        )
    });
    Ok(LoadResult {
        target_rate,
        concurrency: load.concurrency,
        warmup: load.warmup,
        window,
        total,
        per_probe,
        warmup_requests,
        error_examples,
        first_failures,
        achieved_rate,
        complete: !interrupted && notes.is_empty(),
    })
}

/// Open model: the rate at which measured arrivals were actually sent. `requests`
/// arrivals (`dropped` of them never sent) were due over `requests / rate` seconds;
/// when sending fell behind, the span runs to the last send (`last_sent`, from the
/// end of the warmup) plus one interval. At the target rate with nothing late, that
/// is the target rate itself.
fn achieved_rate(
    rate: f64,
    requests: u64,
    dropped: u64,
    last_sent: Option<Duration>,
) -> Option<f64> {
    if requests == 0 || rate <= 0.0 {
        return None;
    }
    let due_span = requests as f64 / rate;
    let sent_span = last_sent.map_or(0.0, |sent| sent.as_secs_f64() + 1.0 / rate);
    let span = due_span.max(sent_span);
    (span > 0.0).then(|| requests.saturating_sub(dropped) as f64 / span)
}

/// How many load threads to run: one per CPU core, but only half the cores when
/// every target is on this machine, because the service under test then needs the
/// other half (on 2 cores, a second load thread took CPU from the local server and
/// cost 3% of throughput: see bench/load.sh). Never more than `concurrency`.
fn load_threads(transport: &Transport, concurrency: u64) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let for_load = if transport.all_targets_local() {
        cores / 2
    } else {
        cores
    };
    for_load
        .min(usize::try_from(concurrency).unwrap_or(usize::MAX))
        .max(1)
}

type ThreadResult = Result<Figures, String>;

/// One load thread: its own single-threaded runtime, `slots` request slots.
fn worker(
    shared: &Shared,
    id: usize,
    slots: usize,
    stop: oneshot::Receiver<()>,
    done: oneshot::Sender<ThreadResult>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = done.send(Err(format!("cannot start a load runtime: {error}")));
            return;
        }
    };
    let result = runtime.block_on(drive(shared, id, slots, stop));
    let _ = done.send(result);
    // A DNS lookup still running must not hold the thread.
    runtime.shutdown_background();
}

/// Starts a worker thread's request slots as they are needed.
struct Spawner {
    /// Open model, below the cap: a busy slot may ask for another.
    may_grow: Cell<bool>,
    /// Open model: slots waiting for their arrival's due time.
    waiting: Cell<usize>,
    /// Slots asked for by a slot that found no other waiting.
    wanted: Cell<usize>,
    wake: Notify,
}

impl Spawner {
    /// A slot is about to send: if no other slot waits for the next arrival, ask
    /// for one more (the worker starts it if the cap allows).
    fn about_to_send(&self) {
        if self.may_grow.get() && self.waiting.get() == 0 {
            self.wanted.set(self.wanted.get() + 1);
            self.wake.notify_one();
        }
    }
}

/// The worker task of one thread: up to `slots` request slots, each running the one
/// request loop ([`slot_loop`]) as a future of this task, all counting into one
/// [`Figures`]. The task runs under `block_on` on this thread alone, so the figures
/// sit in a `RefCell`: no lock and no atomic on the hot path.
async fn drive(
    shared: &Shared,
    id: usize,
    slots: usize,
    mut stop: oneshot::Receiver<()>,
) -> ThreadResult {
    let pooled = shared.transport.pooled_client()?;
    let figures = RefCell::new(Figures::new(shared.prepared.len()));
    let open = matches!(shared.claims.schedule().model, LoadModel::Open { .. });
    let spawner = Spawner {
        may_grow: Cell::new(open),
        waiting: Cell::new(0),
        wanted: Cell::new(0),
        wake: Notify::new(),
    };
    // Closed model: every user, started a batch per turn. Open model: one slot to
    // wait for the first arrival; the others when the ones running are all busy.
    let mut to_start = if open { slots.min(1) } else { slots };
    let mut started = 0;
    let mut running = FuturesUnordered::new();
    let mut publish_tick = tokio::time::interval(PUBLISH_EVERY);
    publish_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let wanted = spawner.wanted.replace(0);
        to_start = to_start.saturating_add(wanted).min(slots - started);
        let batch = to_start.min(START_BATCH);
        for _ in 0..batch {
            running.push(slot_loop(shared, &figures, pooled.as_ref(), &spawner));
        }
        started += batch;
        to_start -= batch;
        spawner.may_grow.set(open && started < slots);
        tokio::select! {
            biased;
            _ = &mut stop => break,
            () = spawner.wake.notified() => {}
            // More to start: let the slots just started run first.
            () = tokio::task::yield_now(), if to_start > 0 => {}
            _ = running.next(), if !running.is_empty() => {}
            _ = publish_tick.tick() => publish(shared, id, &figures.borrow()),
        }
        if running.is_empty() && to_start == 0 && spawner.wanted.get() == 0 {
            break;
        }
    }
    // Requests still in flight (after a stop) are dropped uncounted.
    drop(running);
    let figures = figures.into_inner();
    publish(shared, id, &figures);
    Ok(figures)
}

fn publish(shared: &Shared, id: usize, figures: &Figures) {
    let snapshot = (figures.snapshot(), figures.warmup_requests);
    *shared.live[id]
        .lock()
        .unwrap_or_else(PoisonError::into_inner) = snapshot;
}

/// The one request loop, run by every slot until the schedule has nothing left for
/// it: claim the next arrival, wait until it is due, send it (or drop it when it
/// waited past its timeout), count how it ended.
async fn slot_loop(
    shared: &Shared,
    figures: &RefCell<Figures>,
    pooled: Option<&reqwest::Client>,
    spawner: &Spawner,
) {
    let mut slot = Slot::new(shared.transport.targets.len());
    loop {
        // Every turn spends the task's budget: a turn that never waits (a rate the
        // client cannot reach, a service that fails at once) still yields.
        tokio::task::coop::consume_budget().await;
        let Some(outcome) = step(&mut slot, shared, pooled, spawner).await else {
            break;
        };
        let dropped = outcome.sent.is_none();
        let end = outcome.end;
        figures.borrow_mut().record(outcome);
        if dropped {
            drop_overdue(shared, figures, end);
        }
    }
}

/// After a drop: every arrival due longer ago than the longest timeout would be
/// dropped too, so they are claimed and counted in one step.
fn drop_overdue(shared: &Shared, figures: &RefCell<Figures>, now: Instant) {
    let Some(range) = shared.claims.claim_overdue(now, shared.max_timeout) else {
        return;
    };
    let warmup = shared.claims.warmup_in(&range);
    let measured = (range.start + warmup)..range.end;
    let counts = shared.mix.counts(measured, shared.prepared.len());
    figures.borrow_mut().record_dropped(&counts, warmup, now);
}

/// One turn of a slot: `None` when the schedule has nothing left for it.
async fn step(
    slot: &mut Slot,
    shared: &Shared,
    pooled: Option<&reqwest::Client>,
    spawner: &Spawner,
) -> Option<Outcome> {
    let now = Instant::now();
    let Claim::Arrival(arrival) = shared.claims.claim(now) else {
        return None;
    };
    let entry = shared.mix.pick(arrival.index);
    let request = &shared.prepared[entry];
    // Claimed after it was due: the arrival waited for this slot in the queue, and
    // that wait is part of its latency (no coordinated omission). Claimed before:
    // the slot was free when it was due, so the request starts when it is sent and
    // the timer's own lateness (a millisecond tick) is not counted against the
    // service.
    let queued = arrival.due < now;
    if arrival.due > now {
        spawner.waiting.set(spawner.waiting.get() + 1);
        slot.wait_until(arrival.due).await;
        spawner.waiting.set(spawner.waiting.get() - 1);
    }
    let sent = Instant::now();
    let waited = sent.saturating_duration_since(arrival.due);
    if waited > request.timeout {
        return Some(Outcome {
            entry,
            warmup: arrival.warmup,
            start: arrival.due,
            end: sent,
            sent: None,
            timings: None,
            result: Err(Failure::dropped(format!(
                "waited {} for one of the {} request slots, longer than the timeout ({}): not sent",
                format_duration(waited),
                shared.concurrency,
                format_duration(request.timeout)
            ))),
        });
    }
    spawner.about_to_send();
    let result = slot
        .send(&shared.transport, pooled, request)
        .await
        .map(|status| (status, request.accepts(status)));
    let end = Instant::now();
    Some(Outcome {
        entry,
        warmup: arrival.warmup,
        start: if queued { arrival.due } else { sent },
        end,
        sent: Some(sent),
        timings: Some(slot.timings(sent, end)),
        result,
    })
}

/// The live progress line: figures so far, summed over the threads' snapshots.
struct Progress {
    enabled: bool,
    start: Instant,
    last: Option<(Instant, u64)>,
}

impl Progress {
    fn new(enabled: bool, start: Instant) -> Progress {
        Progress {
            enabled,
            start,
            last: None,
        }
    }

    fn event(&mut self, scenario: &str, shared: &Shared) -> Event {
        let mut total = Tally::default();
        let mut warmup = 0;
        for live in &shared.live {
            let live = live.lock().unwrap_or_else(PoisonError::into_inner);
            total.merge(&live.0);
            warmup += live.1;
        }
        let now = Instant::now();
        let sent = total.requests + warmup;
        let rate = match self.last {
            Some((at, before)) if now > at => {
                sent.saturating_sub(before) as f64 / (now - at).as_secs_f64()
            }
            _ => 0.0,
        };
        self.last = Some((now, sent));
        let schedule = shared.claims.schedule();
        let elapsed = now.saturating_duration_since(self.start);
        Event::LoadProgress {
            scenario: scenario.to_string(),
            progress: LoadProgress {
                elapsed,
                total: schedule.total_time(),
                requests: total.requests,
                target: schedule.measured_arrivals(),
                errors: total.failed,
                rate,
                p95: total.latency.percentile(95.0).map(Duration::from_secs_f64),
                warmup: elapsed < schedule.warmup,
            },
        }
    }
}
