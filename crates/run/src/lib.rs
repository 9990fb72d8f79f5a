//! The run stage, the only one that touches the network: the functional pass,
//! the pages, TLS facts and SC-01 check the standards read, availability sampling
//! and load, into [`Observations`] ([`run_scenario`]).
//!
//! A failing service is data; `Err` from here means the harness itself could not
//! do its job (for instance a CA file that is not PEM). Reads `input` (the
//! scenario) and writes `observe` (what was measured); never judges, never writes
//! a report, and never imports the sandbox. Public: [`run_scenario`] with its
//! settings, cancellation and progress events, and the HTTP client and single
//! exchange ([`client`], [`exchange`]) that the hostile-server tests drive.

mod availability;
pub mod client;
pub mod continuous;
mod decode;
pub mod exchange;
mod expect;
mod load;
mod oauth2;
mod openapi;
mod pages;
mod request;
mod timing;
mod tls;
mod trace;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use client::{ClientSettings, HttpVersionPolicy, PoolPolicy, Session};
use request::Captured;
use tokio::sync::{Mutex, mpsc, watch};

use input::scenario::{HttpVersion, Probe, Scenario};
use observe::observations::{
    Observations, PartialFlag, PhaseStatus, Phases, ProbeOutcome, ProbeResult, SkipReason,
};
use observe::redact::Redactor;

/// Run-wide choices from the command line.
#[derive(Debug, Clone, Default)]
pub struct RunSettings {
    pub no_load: bool,
    pub no_availability: bool,
    /// `--only`: a probe id (that probe, and those whose captures it needs).
    pub only_probe: Option<String>,
    pub extra_ca_files: Vec<PathBuf>,
    /// `--proxy URL` (or the proxy from the environment, resolved by the CLI).
    pub proxy: Option<String>,
    pub trust_system: bool,
    /// Availability and load of different scenarios never overlap: parallel load
    /// would measure the client, not the service.
    pub exclusive: Arc<Mutex<()>>,
    /// Functional clients shared by scenarios with equal settings (see
    /// [`client::ClientCache`] for which ones).
    pub clients: Arc<client::ClientCache>,
}

/// Ctrl-C: stops probing; whatever was measured is still reported.
#[derive(Debug, Clone)]
pub struct Cancel {
    sender: Arc<watch::Sender<bool>>,
    receiver: watch::Receiver<bool>,
}

impl Default for Cancel {
    fn default() -> Self {
        let (sender, receiver) = watch::channel(false);
        Self {
            sender: Arc::new(sender),
            receiver,
        }
    }
}

impl Cancel {
    pub fn cancel(&self) {
        self.sender.send_replace(true);
    }

    pub fn is_cancelled(&self) -> bool {
        *self.receiver.borrow()
    }

    pub async fn cancelled(&self) {
        let mut receiver = self.receiver.clone();
        let _ = receiver.wait_for(|cancelled| *cancelled).await;
    }
}

/// What the run reports as it goes; the terminal progress display listens.
#[derive(Debug, Clone)]
pub enum Event {
    ScenarioStarted {
        scenario: String,
        probes: usize,
    },
    ProbeFinished {
        scenario: String,
        passed: bool,
    },
    /// Probes made during the run (`probes_from`'s operations), beyond the
    /// `probes` its start announced.
    ProbesAdded {
        scenario: String,
        count: usize,
    },
    PhaseStarted {
        scenario: String,
        phase: &'static str,
    },
    AvailabilityRound {
        scenario: String,
        done: u64,
        total: u64,
    },
    /// The load run so far (a few times a second).
    LoadProgress {
        scenario: String,
        progress: LoadProgress,
    },
    ScenarioFinished {
        scenario: String,
    },
}

#[derive(Debug, Clone, Default)]
pub struct Events(Option<mpsc::UnboundedSender<Event>>);

impl Events {
    pub fn new(sender: mpsc::UnboundedSender<Event>) -> Self {
        Self(Some(sender))
    }

    /// Whether anyone listens (so that costly events can be skipped).
    pub fn is_active(&self) -> bool {
        self.0.is_some()
    }

    pub fn send(&self, event: Event) {
        if let Some(sender) = &self.0 {
            let _ = sender.send(event);
        }
    }
}

/// A load run's figures so far, for the progress line.
#[derive(Debug, Clone)]
pub struct LoadProgress {
    pub elapsed: std::time::Duration,
    /// Warmup plus duration; `None` when the run ends by count.
    pub total: Option<std::time::Duration>,
    /// Requests counted after the warmup, and how many the run will count when
    /// that is known in advance.
    pub requests: u64,
    pub target: Option<u64>,
    pub errors: u64,
    /// Requests per second over the last interval (warmup included).
    pub rate: f64,
    pub p95: Option<std::time::Duration>,
    pub warmup: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("cannot read CA file {path}: {source}")]
    CaFile {
        path: String,
        source: input::file::FileError,
    },
    #[error(transparent)]
    Client(#[from] client::ClientError),
}

fn client_settings(
    scenario: &Scenario,
    settings: &RunSettings,
    pool: PoolPolicy,
) -> Result<ClientSettings, SetupError> {
    let connection = &scenario.connection;
    let mut extra_roots_pem = Vec::new();
    for path in connection.ca_files.iter().chain(&settings.extra_ca_files) {
        // A regular file of at most 4 MiB: a FIFO or /dev/zero given as
        // `--ca-file` (never validated as a scenario's `tls.ca_file` is) is refused.
        let pem =
            input::file::read_bounded(path, input::file::INPUT_FILE_LIMIT).map_err(|source| {
                SetupError::CaFile {
                    path: path.display().to_string(),
                    source,
                }
            })?;
        extra_roots_pem.push(pem);
    }
    Ok(ClientSettings {
        resolve: connection.resolve.clone(),
        extra_roots_pem,
        insecure: connection.insecure,
        client_identity: connection.client_identity.clone(),
        trust_system: settings.trust_system,
        http: match connection.http {
            HttpVersion::Auto => HttpVersionPolicy::Auto,
            HttpVersion::Http1 => HttpVersionPolicy::Http1,
            HttpVersion::Http2 => HttpVersionPolicy::Http2,
        },
        proxy: settings.proxy.clone().or_else(|| connection.proxy.clone()),
        pool,
    })
}

/// Runs one scenario's phases in order: functional pass, availability, load.
pub async fn run_scenario(
    scenario: &Scenario,
    settings: &RunSettings,
    cancel: &Cancel,
    events: &Events,
) -> Result<Observations, SetupError> {
    let started_at = SystemTime::now();
    let identity = scenario.identity();
    // The functional pass and the pages share one session (one cookie jar).
    let functional = Session::new(
        settings
            .clients
            .client(&client_settings(scenario, settings, PoolPolicy::Shared)?)?,
        scenario.connection.cookies,
    );
    let mut redactor = Redactor::new(scenario.secret_values.iter().cloned());
    let selected = selected_probes(scenario, settings.only_probe.as_deref());
    events.send(Event::ScenarioStarted {
        scenario: identity.clone(),
        probes: selected.len(),
    });

    let mut captured = Captured::default();
    let mut probes = Vec::new();
    let mut complete = true;
    let secrets_before = redactor.len();
    for probe in scenario
        .probes
        .iter()
        .filter(|probe| selected.contains(&probe.id))
    {
        // A probe in flight when the run is stopped is dropped at once (its request
        // cancelled), not waited for: it measured nothing.
        let sent = run_probe(scenario, probe, &functional, &mut captured, &mut redactor);
        let result = tokio::select! {
            biased;
            () = cancel.cancelled() => None,
            result = sent => Some(result),
        };
        let Some(result) = result else {
            complete = false;
            break;
        };
        events.send(Event::ProbeFinished {
            scenario: identity.clone(),
            passed: result.passed(),
        });
        probes.push(result);
    }
    // `probes_from`: the operations of the OpenAPI document, after the written
    // probes (not with --only, which names written probes).
    let mut generated = Vec::new();
    if let Some(probes_from) = scenario.probes_from.as_ref().filter(|_| complete)
        && settings.only_probe.is_none()
    {
        let sent = openapi::send(
            scenario,
            probes_from,
            &functional,
            &mut captured,
            &mut redactor,
            cancel,
            events,
        )
        .await;
        probes.extend(sent.results);
        generated = sent.generated;
        complete &= sent.complete;
    }
    if redactor.len() > secrets_before {
        // A secret captured by a later probe may have been echoed by an earlier one.
        for result in &mut probes {
            redact_probe_again(result, &redactor);
        }
    }

    let partial = settings.only_probe.is_some();
    let mut phases = Phases {
        partial_probes: partial,
        ..Phases::default()
    };
    // semantics.md, "Phases": functional pass; pages, TLS and SC-01; availability; load.
    let mut evidence = StandardsEvidence::default();
    if let Some(standards) = &scenario.standards {
        phases.standards = if complete {
            events.send(Event::PhaseStarted {
                scenario: identity.clone(),
                phase: "standards",
            });
            let gathered =
                gather_standards_evidence(scenario, standards, settings, &functional, &redactor);
            // Stopped while pages or the TLS handshake are in flight: dropped at once.
            match tokio::select! {
                biased;
                () = cancel.cancelled() => None,
                gathered = gathered => Some(gathered?),
            } {
                Some(gathered) => {
                    evidence = gathered;
                    PhaseStatus::Ran
                }
                None => {
                    complete = false;
                    PhaseStatus::Skipped(SkipReason::Interrupted)
                }
            }
        } else {
            PhaseStatus::Skipped(SkipReason::Interrupted)
        };
    }
    let mut availability = None;
    if let Some(plan) = &scenario.availability {
        phases.availability = if settings.no_availability {
            PhaseStatus::Skipped(SkipReason::Flag(PartialFlag::NoAvailability))
        } else if partial {
            PhaseStatus::Skipped(SkipReason::Flag(PartialFlag::Only))
        } else if !complete {
            PhaseStatus::Skipped(SkipReason::Interrupted)
        } else if let Some(_turn) = exclusive_turn(settings, cancel).await {
            events.send(Event::PhaseStarted {
                scenario: identity.clone(),
                phase: "availability",
            });
            oauth2::renew(
                &scenario.probes,
                &mut captured.oauth2,
                &functional,
                &mut redactor,
            )
            .await;
            // Fresh connections and a cookie jar of their own, as a new visitor has.
            let fresh = Session::new(
                settings.clients.client(&client_settings(
                    scenario,
                    settings,
                    PoolPolicy::Fresh,
                )?)?,
                scenario.connection.cookies,
            );
            let (result, interrupted) =
                availability::sample(scenario, plan, &fresh, &captured, &redactor, cancel, events)
                    .await;
            availability = Some(result);
            if interrupted {
                complete = false;
            }
            PhaseStatus::Ran
        } else {
            complete = false;
            PhaseStatus::Skipped(SkipReason::Interrupted)
        };
    }
    let mut load = None;
    if let Some(plan) = &scenario.load {
        phases.load = if settings.no_load {
            PhaseStatus::Skipped(SkipReason::Flag(PartialFlag::NoLoad))
        } else if partial {
            PhaseStatus::Skipped(SkipReason::Flag(PartialFlag::Only))
        } else if !complete || cancel.is_cancelled() {
            complete = false;
            PhaseStatus::Skipped(SkipReason::Interrupted)
        } else if let Some(_turn) = exclusive_turn(settings, cancel).await {
            events.send(Event::PhaseStarted {
                scenario: identity.clone(),
                phase: "load",
            });
            oauth2::renew(
                &scenario.probes,
                &mut captured.oauth2,
                &functional,
                &mut redactor,
            )
            .await;
            let client = client_settings(scenario, settings, PoolPolicy::Shared)?;
            match load::run(
                scenario, plan, &client, &captured, &redactor, cancel, events,
            )
            .await
            {
                Ok(result) => {
                    complete &= result.complete;
                    load = Some(result);
                    PhaseStatus::Ran
                }
                Err(reason) => {
                    PhaseStatus::Skipped(SkipReason::Failed(redactor.redact(&reason).into_owned()))
                }
            }
        } else {
            complete = false;
            PhaseStatus::Skipped(SkipReason::Interrupted)
        };
    }
    events.send(Event::ScenarioFinished { scenario: identity });
    Ok(Observations {
        started_at,
        finished_at: SystemTime::now(),
        probes,
        generated,
        availability,
        load,
        pages: evidence.pages,
        tls: evidence.tls,
        http_check: evidence.http_check,
        phases,
        complete,
        redactor,
    })
}

/// The turn of a phase that must not overlap another scenario's (availability,
/// load); `None` when the run is stopped while waiting for it, or before.
async fn exclusive_turn<'a>(
    settings: &'a RunSettings,
    cancel: &Cancel,
) -> Option<tokio::sync::MutexGuard<'a, ()>> {
    let turn = tokio::select! {
        biased;
        () = cancel.cancelled() => return None,
        turn = settings.exclusive.lock() => turn,
    };
    (!cancel.is_cancelled()).then_some(turn)
}

/// A probe's recorded strings redacted again with secrets learnt since.
fn redact_probe_again(result: &mut ProbeResult, redactor: &Redactor) {
    if let Some(exchange) = &mut result.exchange {
        exchange.redact_again(redactor);
    }
    for attempt in &mut result.earlier_attempts {
        attempt.redact_again(redactor);
    }
    for check in &mut result.checks {
        check.actual = redactor.redact(&check.actual).into_owned();
        check.expected = redactor.redact(&check.expected).into_owned();
    }
}

/// What the standards rules read besides the probes.
#[derive(Default)]
struct StandardsEvidence {
    pages: Vec<observe::observations::PageFetch>,
    tls: Option<observe::observations::TlsFacts>,
    http_check: Option<observe::exchange::Exchange>,
}

/// Pages, the TLS handshake of base_url's host (https only) and SC-01's plain-http
/// answer. Runs before availability and load, as semantics.md orders the phases.
async fn gather_standards_evidence(
    scenario: &Scenario,
    standards: &input::scenario::Standards,
    settings: &RunSettings,
    session: &Session,
    redactor: &Redactor,
) -> Result<StandardsEvidence, SetupError> {
    let pages = pages::fetch_pages(scenario, standards, session, redactor).await;
    let http_check = Some(pages::check_plain_http(scenario, standards, session, redactor).await);
    let base_url = &scenario.service.base_url;
    let tls = if base_url.scheme() == "https" {
        let client_settings = client_settings(scenario, settings, PoolPolicy::Shared)?;
        let roots = client::root_store(&client_settings.extra_roots_pem, settings.trust_system)?;
        let host = base_url.host_str().unwrap_or_default().to_ascii_lowercase();
        let resolved = scenario
            .connection
            .resolve
            .iter()
            .find(|(name, _)| *name == host)
            .map(|(_, ip)| *ip);
        Some(
            tls::inspect(tls::TlsTarget {
                url: base_url,
                resolved,
                roots,
                timeout: scenario.request_defaults.timeout,
            })
            .await,
        )
    } else {
        None
    };
    Ok(StandardsEvidence {
        pages,
        tls,
        http_check,
    })
}

/// The probes `--only` selects: the named probe and, transitively, the probes
/// that capture what it needs. Without `--only`, all of them.
fn selected_probes(scenario: &Scenario, only: Option<&str>) -> Vec<String> {
    let Some(only) = only else {
        return scenario
            .probes
            .iter()
            .map(|probe| probe.id.clone())
            .collect();
    };
    let mut wanted = vec![only.to_string()];
    let mut index = 0;
    while index < wanted.len() {
        if let Some(probe) = scenario.probe(&wanted[index]) {
            for name in probe.needed_captures() {
                let provider = scenario.probes.iter().find(|candidate| {
                    candidate
                        .captures
                        .iter()
                        .any(|capture| capture.name == name)
                });
                if let Some(provider) = provider.filter(|p| !wanted.contains(&p.id)) {
                    wanted.push(provider.id.clone());
                }
            }
        }
        index += 1;
    }
    wanted
}

/// Sends a functional probe, again after `retry.delay` while it fails in a way
/// `retry.on` names and tries remain; the last exchange, and the earlier ones as
/// evidence. Captures and expectations read the last one only.
async fn send_with_retries(
    probe: &Probe,
    session: &Session,
    spec: &exchange::RequestSpec,
    redactor: &Redactor,
) -> (
    observe::exchange::Exchange,
    Vec<observe::exchange::Exchange>,
) {
    let mut earlier = Vec::new();
    let attempts = probe.retry.as_ref().map_or(1, |retry| retry.attempts);
    loop {
        let sent = exchange::perform(session, spec, redactor).await;
        let retry = probe.retry.as_ref().filter(|retry| {
            let kind = sent.error.as_ref().map(|error| error.kind.code());
            let status = sent.status();
            retry.on.iter().any(|on| on.matches(kind, status))
        });
        match retry {
            Some(retry) if (earlier.len() as u32) + 1 < attempts => {
                trace::exchange(
                    &format!("probe {} (try {})", probe.id, earlier.len() + 1),
                    &sent,
                    redactor,
                );
                earlier.push(sent);
                tokio::time::sleep(retry.delay).await;
            }
            _ => return (sent, earlier),
        }
    }
}

async fn run_probe(
    scenario: &Scenario,
    probe: &Probe,
    session: &Session,
    captured: &mut Captured,
    redactor: &mut Redactor,
) -> ProbeResult {
    if let Some(client) = &probe.oauth2
        && let Err(failure) = captured
            .oauth2
            .fresh(client, session, redactor, probe.timeout)
            .await
    {
        return failure.into_result(&probe.id, client);
    }
    let spec = match request::build(scenario, probe, captured) {
        Ok(spec) => spec,
        Err(missing) => {
            return ProbeResult {
                id: probe.id.clone(),
                outcome: ProbeOutcome::Skipped(format!(
                    "not sent: capture `{missing}` has no value (the probe that captures it failed)"
                )),
                exchange: None,
                checks: Vec::new(),
                earlier_attempts: Vec::new(),
            };
        }
    };
    let (mut exchange, mut earlier_attempts) =
        send_with_retries(probe, session, &spec, redactor).await;
    // A 401 to a token the cache still held (revoked, or expired early): once
    // more with a new token; the refused exchange stays as evidence.
    if let Some(client) = &probe.oauth2
        && exchange.status() == Some(401)
    {
        captured.oauth2.forget(client);
        if let Err(failure) = captured
            .oauth2
            .fresh(client, session, redactor, probe.timeout)
            .await
        {
            return failure.into_result(&probe.id, client);
        }
        let mut spec = spec;
        if let Some(token) = captured.oauth2.current(client) {
            oauth2::authorize(&mut spec, token);
        }
        let (again, again_earlier) = send_with_retries(probe, session, &spec, redactor).await;
        trace::exchange(
            &format!("probe {} (token refused)", probe.id),
            &exchange,
            redactor,
        );
        earlier_attempts.push(exchange);
        earlier_attempts.extend(again_earlier);
        exchange = again;
    }
    let mut checks = expect::evaluate(probe, &exchange, captured);
    let secrets_before = redactor.len();
    if let Some(response) = &exchange.response {
        for capture in &probe.captures {
            match expect::take(capture, response) {
                Ok((text, json)) => {
                    if capture.secret {
                        *redactor = redactor.with_secret(&text);
                        // The log outlives this scenario's redactor.
                        observe::redact::secret_learnt(&text);
                    }
                    captured.text.insert(capture.name.clone(), text);
                    captured.json.insert(capture.name.clone(), json);
                }
                Err(why) => checks.push(expect::capture_check(capture, why)),
            }
        }
    }
    if redactor.len() > secrets_before {
        // The exchange was recorded before this response's secrets were known: its
        // headers (a token in `Set-Cookie` or `X-Token`) are redacted again, from the
        // raw lines.
        exchange.redact_again(redactor);
        for attempt in &mut earlier_attempts {
            attempt.redact_again(redactor);
        }
    }
    for check in &mut checks {
        check.change_texts(|text| redactor.redact(text).into_owned());
    }
    trace::exchange(&format!("probe {}", probe.id), &exchange, redactor);
    let passed = exchange.error.is_none() && checks.iter().all(|check| check.passed);
    ProbeResult {
        id: probe.id.clone(),
        outcome: if passed {
            ProbeOutcome::Passed
        } else {
            ProbeOutcome::Failed
        },
        exchange: Some(exchange),
        checks,
        earlier_attempts,
    }
}
