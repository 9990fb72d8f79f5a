//! What the run stage saw: the only input of the standards and report stages.
//!
//! A failing service is data here. Strings that came from the service or carry
//! request data are redacted already, except raw bodies, which checks need; the
//! [`Redactor`] travels along so later stages redact what they excerpt.

use std::time::{Duration, SystemTime};

use crate::redact::Redactor;
use crate::run::exchange::Exchange;
use crate::run::latency::LatencyHistogram;
use crate::scenario::ProbeKind;

#[derive(Debug, Clone)]
pub struct Observations {
    /// The clock for everything time-dependent downstream (waivers, expiry).
    pub started_at: SystemTime,
    pub finished_at: SystemTime,
    pub probes: Vec<ProbeResult>,
    pub availability: Option<AvailabilityResult>,
    pub phases: Phases,
    /// False when the run was interrupted before every phase finished.
    pub complete: bool,
    pub redactor: Redactor,
}

/// Which phases ran, and why the others did not.
#[derive(Debug, Clone, Default)]
pub struct Phases {
    pub availability: PhaseStatus,
    pub load: PhaseStatus,
    pub standards: PhaseStatus,
    /// `--only` narrowed the functional pass.
    pub partial_probes: bool,
    /// `--only`, `--no-load` or `--no-availability`: no standards verdict.
    pub partial_run: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PhaseStatus {
    /// The scenario does not ask for it.
    #[default]
    NotRequested,
    Ran,
    /// Asked for, but not run; the reason says why (a flag, an interruption).
    Skipped(String),
}

#[derive(Debug, Clone)]
pub struct ProbeResult {
    pub id: String,
    pub kind: ProbeKind,
    pub outcome: ProbeOutcome,
    /// Absent when the probe was skipped.
    pub exchange: Option<Exchange>,
    pub checks: Vec<Check>,
}

impl ProbeResult {
    pub fn passed(&self) -> bool {
        self.outcome == ProbeOutcome::Passed
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeOutcome {
    Passed,
    Failed,
    /// Not sent: a capture it needs has no value. Counts as failed.
    Skipped(String),
}

/// One expectation tested against one response: what a person needs to see why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// `status`, `latency`, `header content-type`, `json $.status`, `capture ticket`...
    pub what: String,
    pub expected: String,
    pub actual: String,
    pub passed: bool,
}

#[derive(Debug, Clone)]
pub struct AvailabilityResult {
    pub rounds: u64,
    pub samples: u64,
    pub up: u64,
    /// The real window: rounds start late when the previous one runs long.
    pub window: Duration,
    pub per_probe: Vec<ProbeAvailability>,
    /// Every sample's outcome for latency and error figures (see `thresholds`).
    pub exchanges: Vec<Sample>,
}

#[derive(Debug, Clone)]
pub struct ProbeAvailability {
    pub id: String,
    pub samples: u64,
    pub up: u64,
}

/// One availability exchange, reduced to what figures need.
#[derive(Debug, Clone)]
pub struct Sample {
    pub probe: String,
    pub up: bool,
    /// Present when a complete response arrived (whatever its status).
    pub latency: Option<Duration>,
    pub error: Option<String>,
}

/// Latency and error figures over a set of exchanges.
#[derive(Debug, Clone)]
pub struct ExchangeFigures {
    pub requests: u64,
    pub failed: u64,
    pub latency: LatencyHistogram,
}
