//! Continuous probing for `ujilab watch`: a scenario's watched probes, one round
//! at a time, each sample with the exchange it was taken from (an incident keeps
//! its first failing exchange as evidence).
//!
//! The watched probes are the availability plan's (default: every GET probe),
//! sampled as availability samples them ([`availability::sample_probe`]): fresh
//! connections, up when the status expectation holds. Captures they need are
//! taken once, by the functional probes that provide them, when the watch starts.

use std::time::Duration;

use futures_util::future::join_all;

use input::scenario::Scenario;
use observe::exchange::Exchange;
use observe::observations::Sample;
use observe::redact::Redactor;

use crate::availability::sample_probe;
use crate::client::{PoolPolicy, Session};
use crate::request::Captured;
use crate::{RunSettings, SetupError, client_settings, run_probe};

/// The interval of a scenario that has neither `watch.every` nor `availability:`.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(60);

/// One scenario as the watch probes it, ready for rounds.
pub struct WatchedScenario {
    scenario: Scenario,
    /// The watched probes, `watch.timeout` applied.
    probes: Vec<input::scenario::Probe>,
    session: Session,
    /// Keep-alive connections for what is not a sample: OAuth2 token requests.
    functional: Session,
    captured: Captured,
    redactor: Redactor,
}

/// One watched probe's sample and the exchange behind it (none when the request
/// could not be built).
#[derive(Debug, Clone)]
pub struct WatchSample {
    pub sample: Sample,
    pub exchange: Option<Exchange>,
}

impl WatchedScenario {
    /// Sets up the client and takes the captures the watched probes need.
    pub async fn prepare(scenario: Scenario, settings: &RunSettings) -> Result<Self, SetupError> {
        let indices: Vec<usize> = match &scenario.availability {
            Some(plan) => plan.probes.clone(),
            None => (0..scenario.probes.len())
                .filter(|&index| scenario.probes[index].method == http::Method::GET)
                .collect(),
        };
        let probes: Vec<input::scenario::Probe> = indices
            .iter()
            .map(|&index| {
                let mut probe = scenario.probes[index].clone();
                if let Some(timeout) = scenario.watch.timeout {
                    probe.timeout = timeout;
                }
                probe
            })
            .collect();
        let mut redactor = Redactor::new(scenario.secret_values.iter().cloned());
        let mut captured = Captured::default();
        let functional = Session::new(
            settings
                .clients
                .client(&client_settings(&scenario, settings, PoolPolicy::Shared)?)?,
            scenario.connection.cookies,
        );
        let needed: Vec<String> = probes.iter().flat_map(|p| p.needed_captures()).collect();
        if !needed.is_empty() {
            // The providers in file order, as the functional pass sends them.
            for provider in scenario.probes.iter().filter(|probe| {
                probe
                    .captures
                    .iter()
                    .any(|capture| needed.contains(&capture.name))
            }) {
                run_probe(
                    &scenario,
                    provider,
                    &functional,
                    &mut captured,
                    &mut redactor,
                )
                .await;
            }
        }
        let session = Session::new(
            settings
                .clients
                .client(&client_settings(&scenario, settings, PoolPolicy::Fresh)?)?,
            scenario.connection.cookies,
        );
        Ok(Self {
            scenario,
            probes,
            session,
            functional,
            captured,
            redactor,
        })
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The time between two rounds: `watch.every`, else `availability.every`,
    /// else [`DEFAULT_EVERY`].
    pub fn every(&self) -> Duration {
        self.scenario
            .watch
            .every
            .or_else(|| self.scenario.availability.as_ref().map(|plan| plan.every))
            .unwrap_or(DEFAULT_EVERY)
    }

    /// The ids of the watched probes, in order.
    pub fn probe_ids(&self) -> impl Iterator<Item = &str> {
        self.probes.iter().map(|probe| probe.id.as_str())
    }

    /// One round: every watched probe at once, with an OAuth2 token that is
    /// still valid (fetched again when it has expired, as a run does before its
    /// availability phase).
    pub async fn round(&mut self) -> Vec<WatchSample> {
        crate::oauth2::renew(
            &self.probes,
            &mut self.captured.oauth2,
            &self.functional,
            &mut self.redactor,
        )
        .await;
        let this = &*self;
        join_all(this.probes.iter().map(|probe| async move {
            let (sample, exchange) = sample_probe(
                &this.scenario,
                probe,
                &this.session,
                &this.captured,
                &this.redactor,
            )
            .await;
            WatchSample { sample, exchange }
        }))
        .await
    }

    /// Redacts text with the scenario's secrets (and those captured).
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }
}
