//! [`watch`]: everything `ujilab watch` runs, from scenarios to a stop.
//!
//! In order: open the history, register each scenario and resume its state;
//! start the writer thread; serve the status page; start each scenario's loop,
//! the rollups and retention, the alert sender and the standards checks; and on
//! `cancel`, let the rounds in flight finish, commit them and stop.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use input::lang::Lang;
use input::scenario::Scenario;
use report::build::{RunContext, scenario_report};
use run::continuous::WatchedScenario;
use run::{Cancel, Events, RunSettings};

use crate::alert::{self, Webhook};
use crate::incident::Tracker;
use crate::schedule::{self, Shared, Watched, now_ms};
use crate::status::server::{self, Served};
use crate::status::snapshot::{self, Snapshot, WriterHealth};
use crate::store::{Location, ScenarioRow, StandardsRow, Store, StoreError};
use crate::writer::{self, Health, Write};

/// How `ujilab watch` runs.
#[derive(Clone)]
pub struct Settings {
    pub location: Location,
    /// The name of this prober, kept with every sample.
    pub vantage: String,
    /// Where to serve the status page; `None` serves nothing.
    pub listen: Option<SocketAddr>,
    pub webhooks: Vec<Webhook>,
    pub lang: Lang,
    /// How long raw samples are kept (rollups stay).
    pub retention: Duration,
    /// How often the standards are checked (and once on start); zero: never.
    pub standards_every: Duration,
    /// The status page's public address, for alert messages.
    pub status_page: Option<String>,
    pub run: RunSettings,
    pub context: RunContext,
}

/// A scenario to watch and the file it was loaded from.
pub struct Source {
    pub scenario: Scenario,
    pub bytes: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("history database {path}: {source}")]
    Store { path: String, source: StoreError },
    #[error("{file}: {message}")]
    Setup { file: String, message: String },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

impl WatchError {
    /// The message in both languages.
    pub fn text(&self) -> input::text::Text {
        use input::text::Text;
        match self {
            Self::Store { path, source } => {
                let source = source.text();
                Text::new(
                    format!("basis data riwayat {path}: {}", source.id),
                    format!("history database {path}: {}", source.en),
                )
            }
            Self::Setup { file, message } => {
                Text::new(format!("{file}: {message}"), self.to_string())
            }
            Self::Listen { addr, source } => Text::new(
                format!("tidak dapat mendengarkan di {addr}: {source}"),
                self.to_string(),
            ),
        }
    }

    /// A database that is not a ujilab history, or a newer one: bad input.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Self::Store {
                source: StoreError::NotHistory { .. } | StoreError::Newer { .. },
                ..
            } | Self::Setup { .. }
        )
    }
}

/// What a watch did, when it stopped.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub committed_samples: u64,
    pub dropped_writes: u64,
    /// Writes still waiting for the database when it stopped (lost).
    pub lost_writes: usize,
}

/// What the caller learns once the watch runs.
pub struct Started {
    pub listening: Option<SocketAddr>,
    pub scenarios: usize,
}

/// Raw samples are rolled up once every round that started in their minute is
/// committed: the longest watched timeout plus this margin.
const ROLLUP_MARGIN: Duration = Duration::from_secs(30);

/// Minute rollups are kept this long (hours and days are kept for good).
const MINUTE_ROLLUPS_KEPT: Duration = Duration::from_secs(2 * 86_400);

pub async fn watch(
    sources: Vec<Source>,
    settings: Settings,
    cancel: Cancel,
    started: impl FnOnce(Started),
) -> Result<Summary, WatchError> {
    let location = &settings.location;
    let store_error = |source: StoreError| WatchError::Store {
        path: location.shown(),
        source,
    };
    let store = Store::open_at(location).map_err(store_error)?;
    let now = now_ms();
    let mut watched = Vec::new();
    let mut standards_due = Vec::new();
    let mut longest_timeout = Duration::ZERO;
    for source in sources {
        let scenario = source.scenario;
        let file = scenario.file.clone();
        let prober = WatchedScenario::prepare(scenario, &settings.run)
            .await
            .map_err(|error| WatchError::Setup {
                file: file.clone(),
                message: error.to_string(),
            })?;
        let scenario = prober.scenario();
        let service = &scenario.service;
        let every = prober.every();
        let id = store
            .register_scenario(
                &ScenarioRow {
                    id: 0,
                    identity: scenario.identity(),
                    service_id: service.id.clone(),
                    name: service.name.clone(),
                    region_code: service.region.as_ref().and_then(|r| r.code.clone()),
                    region_name: service.region.as_ref().and_then(|r| r.name.clone()),
                    base_url: prober
                        .redactor()
                        .redact(service.base_url.as_str())
                        .into_owned(),
                    file: file.clone(),
                    source: source.bytes,
                    every_ms: i64::try_from(every.as_millis()).unwrap_or(i64::MAX),
                },
                now,
            )
            .map_err(store_error)?;
        let mut series = Vec::new();
        for probe in prober.probe_ids() {
            series.push(
                store
                    .series(id, probe, &settings.vantage)
                    .map_err(store_error)?,
            );
        }
        for probe in &scenario.probes {
            longest_timeout = longest_timeout.max(scenario.watch.timeout.unwrap_or(probe.timeout));
        }
        let state = store
            .vantage_state(id, &settings.vantage)
            .map_err(store_error)?;
        let tracker = Tracker::resume(
            state.as_ref(),
            scenario.watch.down_after,
            scenario.watch.up_after,
            now,
        );
        let last = store.last_sample_at(id).map_err(store_error)?;
        // Every scenario is checked (its functional probes, and its rules when it
        // has `standards:`): a period report starts from its latest check.
        if !settings.standards_every.is_zero() {
            standards_due.push((id, scenario.clone()));
        }
        watched.push(Watched {
            id,
            first_round_in: schedule::first_round_in(last, every, now),
            prober,
            series,
            tracker,
        });
    }

    let health = Arc::new(Health::default());
    let (writer, writer_thread) =
        writer::start(store, settings.vantage.clone(), Arc::clone(&health));
    let shared = Arc::new(Shared {
        writer: writer.clone(),
        webhooks: settings.webhooks.clone(),
        lang: settings.lang,
        status_page: settings.status_page.clone(),
        live: Mutex::new(HashMap::new()),
    });
    let mut tasks = tokio::task::JoinSet::new();

    // The status page: a snapshot refreshed in the background.
    let snapshot = Arc::new(RwLock::new(Arc::new(Snapshot {
        generated_at: crate::time::rfc3339_ms(now),
        behind: None,
        regions: Vec::new(),
        incidents: Vec::new(),
    })));
    let mut listening = None;
    let mut server = None;
    if let Some(addr) = settings.listen {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| WatchError::Listen { addr, source })?;
        listening = listener.local_addr().ok();
        let served = Served {
            snapshot: Arc::clone(&snapshot),
            health: Arc::clone(&health),
            lang: settings.lang,
        };
        let stop = cancel.clone();
        server = Some(tokio::spawn(async move {
            let _ = server::serve(listener, served, async move { stop.cancelled().await }).await;
        }));
        let reader = Store::open_at(location).map_err(store_error)?;
        tokio::spawn(refresh_snapshots(
            reader,
            Arc::clone(&snapshot),
            Arc::clone(&shared),
            Arc::clone(&health),
            cancel.clone(),
        ));
    }

    let scenarios = watched.len();
    for scenario in watched {
        tasks.spawn(schedule::run(scenario, Arc::clone(&shared), cancel.clone()));
    }
    tokio::spawn(maintain(
        writer.clone(),
        longest_timeout + ROLLUP_MARGIN,
        settings.retention,
        cancel.clone(),
    ));
    if !settings.webhooks.is_empty() {
        let sender = Store::open_at(location).map_err(store_error)?;
        tokio::spawn(send_alerts(
            sender,
            settings.vantage.clone(),
            settings.webhooks.clone(),
            cancel.clone(),
        ));
    }
    if !standards_due.is_empty() {
        // On a thread of its own: a check is a whole run of the scenario, whose
        // future the run stage does not promise to be `Send`.
        let (settings, writer, cancel) = (settings.clone(), writer.clone(), cancel.clone());
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            runtime.block_on(check_standards(standards_due, settings, writer, cancel))
        });
    }
    started(Started {
        listening,
        scenarios,
    });

    // Until stopped; then the rounds in flight finish and are committed.
    while tasks.join_next().await.is_some() {}
    drop(shared);
    drop(writer);
    let store = tokio::task::spawn_blocking(move || writer_thread.join())
        .await
        .ok()
        .and_then(Result::ok);
    if let Some(store) = store {
        let _ = store.checkpoint();
    }
    if let Some(server) = server {
        let _ = server.await;
    }
    Ok(Summary {
        committed_samples: health.committed_samples.load(Ordering::Relaxed),
        dropped_writes: health.dropped.load(Ordering::Relaxed),
        lost_writes: health.backlog.load(Ordering::Relaxed),
    })
}

/// Rolls up every 10 seconds and forgets old samples every hour.
async fn maintain(
    writer: tokio::sync::mpsc::Sender<Write>,
    grace: Duration,
    retention: Duration,
    cancel: Cancel,
) {
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    let mut ticks: u64 = 0;
    loop {
        tokio::select! {
            biased;
            () = cancel.cancelled() => break,
            _ = tick.tick() => {}
        }
        let now = now_ms();
        let grace_ms = i64::try_from(grace.as_millis()).unwrap_or(i64::MAX);
        if writer.send(Write::Rollup { now, grace_ms }).await.is_err() {
            break;
        }
        if ticks.is_multiple_of(360) {
            let keep = i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
            let minutes = i64::try_from(MINUTE_ROLLUPS_KEPT.as_millis()).unwrap_or(i64::MAX);
            let _ = writer
                .send(Write::Forget {
                    samples_before: now.saturating_sub(keep),
                    minutes_before: now.saturating_sub(minutes.max(keep)),
                })
                .await;
        }
        ticks += 1;
    }
}

/// Rebuilds the status snapshot, at most every 2 seconds and never more than a
/// tenth of the time (a large history takes longer to sum up).
async fn refresh_snapshots(
    store: Store,
    snapshot: Arc<RwLock<Arc<Snapshot>>>,
    shared: Arc<Shared>,
    health: Arc<Health>,
    cancel: Cancel,
) {
    let store = Arc::new(Mutex::new(store));
    loop {
        let live = shared
            .live
            .lock()
            .map(|live| live.clone())
            .unwrap_or_default();
        let writer_health = WriterHealth {
            waiting: health.backlog.load(Ordering::Relaxed),
            dropped: health.dropped.load(Ordering::Relaxed),
            error: health.error(),
        };
        let reader = Arc::clone(&store);
        let began = std::time::Instant::now();
        let built = tokio::task::spawn_blocking(move || {
            let store = reader
                .lock()
                .map_err(|_| "the reader was poisoned".to_string())?;
            snapshot::build(&store, &live, &writer_health, now_ms()).map_err(|e| e.to_string())
        })
        .await;
        match built {
            Ok(Ok(built)) => {
                if let Ok(mut current) = snapshot.write() {
                    *current = Arc::new(built);
                }
            }
            Ok(Err(error)) => {
                tracing::warn!("the status page could not read the history: {error}");
                // The figures stay as last read, but the page says now that the
                // history is behind (a PostgreSQL away fails reads and writes).
                if let Ok(mut current) = snapshot.write() {
                    let mut stale = current.as_ref().clone();
                    stale.behind = Some(snapshot::Behind {
                        waiting_writes: health.backlog.load(Ordering::Relaxed),
                        dropped_writes: health.dropped.load(Ordering::Relaxed),
                        error: Some(health.error().unwrap_or(error)),
                    });
                    *current = Arc::new(stale);
                }
            }
            Err(_) => {}
        }
        let pause = (began.elapsed() * 10).max(Duration::from_secs(2));
        tokio::select! {
            biased;
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(pause) => {}
        }
    }
}

/// Sends due alerts every second.
async fn send_alerts(store: Store, vantage: String, webhooks: Vec<Webhook>, cancel: Cancel) {
    let store = Mutex::new(store);
    let client = alert::client();
    loop {
        if let Err(error) = alert::send_due(&store, &vantage, &webhooks, &client, now_ms()).await {
            tracing::warn!("alerts could not be read or marked: {error}");
        }
        tokio::select! {
            biased;
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
    // Once more after the last rounds were committed, so a last "resolved" goes.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = alert::send_due(&store, &vantage, &webhooks, &client, now_ms()).await;
}

/// The standards checks: each scenario on start, then every `standards_every`,
/// one at a time (they fetch pages and shake hands; probing goes on meanwhile).
async fn check_standards(
    scenarios: Vec<(i64, Scenario)>,
    settings: Settings,
    writer: tokio::sync::mpsc::Sender<Write>,
    cancel: Cancel,
) {
    let run_settings = RunSettings {
        no_load: true,
        no_availability: true,
        ..settings.run.clone()
    };
    loop {
        for (id, scenario) in &scenarios {
            if cancel.is_cancelled() {
                return;
            }
            let at = now_ms();
            let observations =
                match run::run_scenario(scenario, &run_settings, &cancel, &Events::default()).await
                {
                    Ok(observations) if observations.complete => observations,
                    Ok(_) => return,
                    Err(error) => {
                        tracing::warn!("{}: standards check: {error}", scenario.file);
                        continue;
                    }
                };
            let report = scenario_report(scenario, &observations, &settings.context);
            let (score, verdict) = report
                .standards
                .as_ref()
                .map(|s| (s.index, Some(s.verdict.code().to_string())))
                .unwrap_or((None, None));
            let row = StandardsRow {
                scenario: *id,
                at,
                score,
                verdict,
                report: serde_json::to_string(&report).unwrap_or_default(),
            };
            if writer.send(Write::Standards(row)).await.is_err() {
                return;
            }
        }
        tokio::select! {
            biased;
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(settings.standards_every) => {}
        }
    }
}
