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
    /// The pages declared in `standards.pages` (home defaults to `/`), fetched for
    /// the page-level rules; empty without `standards:`.
    pub pages: Vec<PageFetch>,
    /// TLS facts of base_url's host from a separate recording handshake; `None`
    /// without `standards:`.
    pub tls: Option<TlsFacts>,
    /// SC-01: the first response of `standards.http_url`, redirects not followed.
    pub http_check: Option<Exchange>,
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

/// Which declared page a fetch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageRole {
    Home,
    ServiceStandard,
    Complaints,
    Openapi,
}

impl PageRole {
    pub const ALL: [PageRole; 4] = [
        PageRole::Home,
        PageRole::ServiceStandard,
        PageRole::Complaints,
        PageRole::Openapi,
    ];

    /// The key under `standards.pages`.
    pub fn key(self) -> &'static str {
        match self {
            PageRole::Home => "home",
            PageRole::ServiceStandard => "service_standard",
            PageRole::Complaints => "complaints",
            PageRole::Openapi => "openapi",
        }
    }
}

/// One page fetch: a GET with a browser's Accept header, retried once after 1 s
/// on a 5xx or transport failure (semantics.md, "Standards: what each rule reads").
#[derive(Debug, Clone)]
pub struct PageFetch {
    pub role: PageRole,
    pub url: String,
    /// The final attempt.
    pub exchange: Exchange,
    pub attempts: u8,
}

#[derive(Debug, Clone)]
pub struct TlsFacts {
    pub host: String,
    pub port: u16,
    pub handshake: Result<Handshake, crate::run::exchange::TransportError>,
}

/// What a completed handshake showed. Verification failures are recorded, not
/// fatal: the handshake finishes so the other facts can be read.
#[derive(Debug, Clone)]
pub struct Handshake {
    /// `TLSv1.3`, `TLSv1.2`...
    pub protocol: String,
    pub cipher_suite: String,
    pub alpn: Option<String>,
    /// Empty when the chain verified against the trust roots for this host name.
    pub problems: Vec<CertificateProblem>,
    /// The leaf certificate's notAfter.
    pub not_after: Option<SystemTime>,
    pub chain_length: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateProblem {
    /// Not issued by a trusted root (self-signed, unknown or incomplete chain).
    Untrusted(String),
    NameMismatch,
    Expired,
    NotYetValid,
    Other(String),
}
