//! What the run stage saw: the only input of the standards and report stages.
//!
//! A failing service is data here. Strings that came from the service or carry
//! request data are redacted already, except raw bodies, which checks need; the
//! [`Redactor`] travels along so later stages redact what they excerpt.

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::exchange::Exchange;
use crate::latency::LatencyHistogram;
use crate::redact::Redactor;

#[derive(Debug, Clone)]
pub struct Observations {
    /// The clock for everything time-dependent downstream (waivers, expiry).
    pub started_at: SystemTime,
    pub finished_at: SystemTime,
    pub probes: Vec<ProbeResult>,
    /// The probes among `probes` that `probes_from` made, and from what.
    pub generated: Vec<GeneratedProbe>,
    pub availability: Option<AvailabilityResult>,
    /// The load run's figures after warmup; `None` when it did not run
    /// (`phases.load` says why).
    pub load: Option<LoadResult>,
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
    /// `--only` named a probe, so the functional pass ran part of the scenario.
    pub partial_probes: bool,
}

impl Phases {
    /// The command-line flags that left part of this scenario unmeasured, in a
    /// fixed order: `--only` when it narrowed the probes, then each flag that
    /// skipped a phase the scenario asks for. A flag that skipped nothing (`--no-load`
    /// on a scenario without `load:`) is not here; empty means the run was whole.
    pub fn partial_flags(&self) -> Vec<PartialFlag> {
        let mut flags = Vec::new();
        if self.partial_probes {
            flags.push(PartialFlag::Only);
        }
        for phase in [&self.availability, &self.load] {
            if let PhaseStatus::Skipped(SkipReason::Flag(flag)) = phase
                && !flags.contains(flag)
            {
                flags.push(*flag);
            }
        }
        flags
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PhaseStatus {
    /// The scenario does not ask for it.
    #[default]
    NotRequested,
    Ran,
    /// Asked for, but not run.
    Skipped(SkipReason),
}

/// Why a phase the scenario asks for did not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// A command-line flag left it out on purpose.
    Flag(PartialFlag),
    /// The run was cut short (a signal, `--max-duration`) before it started.
    Interrupted,
    /// It could not start; the message says why (redacted).
    Failed(String),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Flag(flag) => flag.fmt(f),
            SkipReason::Interrupted => f.write_str("interrupted"),
            SkipReason::Failed(message) => f.write_str(message),
        }
    }
}

/// A command-line flag that measures less than the scenario asks for; in
/// report.json as the user types it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum PartialFlag {
    /// `--only PROBE`: part of the functional pass, no availability or load.
    #[serde(rename = "--only")]
    Only,
    #[serde(rename = "--no-load")]
    NoLoad,
    #[serde(rename = "--no-availability")]
    NoAvailability,
}

impl PartialFlag {
    /// The flag as a user types it.
    pub fn as_str(self) -> &'static str {
        match self {
            PartialFlag::Only => "--only",
            PartialFlag::NoLoad => "--no-load",
            PartialFlag::NoAvailability => "--no-availability",
        }
    }
}

impl fmt::Display for PartialFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProbeResult {
    /// The probe's id; its kind and expectations are the scenario's to say.
    pub id: String,
    pub outcome: ProbeOutcome,
    /// Absent when the probe was skipped. With `retry:`, the last try's.
    pub exchange: Option<Exchange>,
    pub checks: Vec<Check>,
    /// With `retry:`, the tries before the last one, in order: each failed in a
    /// way `on:` names, and each is kept as evidence.
    pub earlier_attempts: Vec<Exchange>,
}

impl ProbeResult {
    pub fn passed(&self) -> bool {
        self.outcome == ProbeOutcome::Passed
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ProbeOutcome {
    Passed,
    /// Also the outcome of a result built without one: never an unearned pass.
    #[default]
    Failed,
    /// Not sent: a capture it needs has no value. Counts as failed.
    Skipped(String),
}

/// A probe that `probes_from` made from an OpenAPI operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedProbe {
    /// The probe's id among `Observations::probes`.
    pub id: String,
    pub operation_id: Option<String>,
    /// The path as the document writes it (`/api/v1/penduduk/{nik}`).
    pub path: String,
    /// The document: its URL, or the file as the scenario names it.
    pub document: String,
}

/// One expectation tested against one response: what a person needs to see why.
/// The English texts are the ones report.json consumers, gates and merges read;
/// the Indonesian ones are for people reading `--lang id`, empty when they would
/// say the same (a status code, a value the service sent).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Check {
    /// `status`, `latency`, `header content-type`, `json $.status`, `capture ticket`...
    pub what: String,
    pub expected: String,
    pub actual: String,
    pub what_id: String,
    pub expected_id: String,
    pub actual_id: String,
    pub passed: bool,
}

impl Check {
    /// What, expected and actual as an Indonesian reader sees them: the English
    /// where no Indonesian was written.
    pub fn indonesian(&self) -> [&str; 3] {
        fn or_english<'a>(id: &'a str, en: &'a str) -> &'a str {
            if id.is_empty() { en } else { id }
        }
        [
            or_english(&self.what_id, &self.what),
            or_english(&self.expected_id, &self.expected),
            or_english(&self.actual_id, &self.actual),
        ]
    }

    /// Changes every text that may quote the service or the scenario, in both
    /// languages the same way (a secret masked).
    pub fn change_texts(&mut self, mut change: impl FnMut(&str) -> String) {
        for text in [
            &mut self.expected,
            &mut self.actual,
            &mut self.expected_id,
            &mut self.actual_id,
        ] {
            if !text.is_empty() {
                *text = change(text);
            }
        }
    }
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

/// One availability exchange, reduced to what figures and the sample record need.
#[derive(Debug, Clone)]
pub struct Sample {
    pub probe: String,
    pub up: bool,
    /// Present when a complete response arrived (whatever its status).
    pub latency: Option<Duration>,
    pub error: Option<String>,
    /// When the request was sent, by the clock; `None` when it was not sent (a
    /// capture it needs has no value).
    pub at: Option<SystemTime>,
    /// The final status of a complete response.
    pub status: Option<u16>,
    /// Why no complete response arrived, in the transport vocabulary; `None` with
    /// a response, or when the request was not sent.
    pub error_kind: Option<crate::exchange::TransportKind>,
    /// The phases of the last request sent; `None` when it was not sent.
    pub timings: Option<crate::timing::Timings>,
}

/// What a load run measured after its warmup (semantics.md, "Phases, availability
/// and load"). Every figure counts arrivals scheduled after the warmup.
#[derive(Debug, Clone)]
pub struct LoadResult {
    /// Open model: the arrival rate asked for, per second; `None` in the closed model.
    pub target_rate: Option<f64>,
    /// Closed model: users; open model: the cap on requests in flight.
    pub concurrency: u64,
    pub warmup: Duration,
    /// From the end of the warmup to the end of the last measured request (or the
    /// interruption): what throughput divides by.
    pub window: Duration,
    /// The whole mix.
    pub total: LoadTally,
    /// One entry per probe of the mix, in mix order.
    pub per_probe: Vec<ProbeLoad>,
    /// Requests scheduled during the warmup, left out of every figure.
    pub warmup_requests: u64,
    /// For each error kind, the first message seen (redacted).
    pub error_examples: std::collections::BTreeMap<String, String>,
    /// For each error kind, its first failed request: what to look for in the
    /// service's own log.
    pub first_failures: std::collections::BTreeMap<String, LoadFailureExample>,
    /// Open model: measured arrivals actually sent, per second of the span they were
    /// due in (or, when sending fell behind, of the span until the last was sent).
    /// `None` in the closed model or without arrivals.
    pub achieved_rate: Option<f64>,
    /// False when the run was stopped (Ctrl-C, `--max-duration`) before its end.
    pub complete: bool,
}

/// The first failed load request of one error kind.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadFailureExample {
    /// The probe of the mix it sent.
    pub probe: String,
    pub method: String,
    /// Redacted.
    pub url: String,
    /// The status of a complete response the probe's expectation rejects.
    pub status: Option<u16>,
    /// Why there was no complete response (redacted).
    pub error: Option<String>,
    /// When it ended, from the start of the load run (warmup included).
    pub after: Duration,
    /// When it ended, by the clock (to match the service's log).
    pub at: SystemTime,
}

/// Share of arrivals that may be dropped before the open model's target rate counts
/// as not sustained.
pub const MAX_DROPPED_RATIO: f64 = 0.01;

/// Below this share of the target, the open model's achieved rate counts as not
/// sustained, even when no arrival was dropped.
pub const MIN_ACHIEVED_RATIO: f64 = 0.95;

impl LoadResult {
    /// The whole mix (`None`), or one probe's figures.
    pub fn tally(&self, probe: Option<&str>) -> Option<&LoadTally> {
        match probe {
            None => Some(&self.total),
            Some(id) => self
                .per_probe
                .iter()
                .find(|entry| entry.id == id)
                .map(|entry| &entry.tally),
        }
    }

    /// Complete responses (whatever their status) per second of the window.
    pub fn throughput(&self, tally: &LoadTally) -> Option<f64> {
        let seconds = self.window.as_secs_f64();
        (seconds > 0.0).then(|| tally.responses as f64 / seconds)
    }

    /// Open model: false when more than 1% of arrivals were dropped or the achieved
    /// rate is below 95% of the target; every output then says "target rate not
    /// sustained". Always true in the closed model.
    pub fn rate_sustained(&self) -> bool {
        self.dropped_too_many().is_none() && self.rate_fell_short().is_none()
    }

    /// The share of arrivals dropped, when it is more than [`MAX_DROPPED_RATIO`].
    pub fn dropped_too_many(&self) -> Option<f64> {
        let share = self.total.dropped as f64 / self.total.requests.max(1) as f64;
        (share > MAX_DROPPED_RATIO).then_some(share)
    }

    /// Open model: the achieved rate, when it is below [`MIN_ACHIEVED_RATIO`] of the
    /// target.
    pub fn rate_fell_short(&self) -> Option<f64> {
        let (target, achieved) = (self.target_rate?, self.achieved_rate?);
        (achieved < target * MIN_ACHIEVED_RATIO).then_some(achieved)
    }
}

#[derive(Debug, Clone)]
pub struct ProbeLoad {
    pub id: String,
    pub weight: u32,
    pub tally: LoadTally,
}

/// Counts and latency over a set of load requests. Each request either got a
/// complete response (in `responses`, and in `failed` too when its status is
/// rejected) or did not (in `failed`, under a transport kind or `dropped`).
#[derive(Debug, Clone, Default)]
pub struct LoadTally {
    /// Arrivals scheduled after the warmup, dropped ones included.
    pub requests: u64,
    /// Requests that got a complete response, whatever its status.
    pub responses: u64,
    /// Requests that failed: no complete response, or a status the probe's
    /// expectation rejects.
    pub failed: u64,
    /// Open model: arrivals that waited longer than their timeout and were not sent.
    pub dropped: u64,
    /// Failed requests by kind: transport kinds, `dropped`, and `http_4xx`,
    /// `http_5xx`... for rejected statuses. Kinds that did not occur are absent.
    pub errors: std::collections::BTreeMap<String, u64>,
    /// Complete responses only. Open model: from the due time when the arrival
    /// waited for a free request slot (the queueing counts), else from the send.
    pub latency: LatencyHistogram,
    /// Complete responses only, each phase from its own start (no queueing); a
    /// connection's phases count once, on the request that opened it.
    pub phases: crate::timing::PhaseHistograms,
}

impl LoadTally {
    /// failed / requests; `None` without requests.
    pub fn error_rate(&self) -> Option<f64> {
        (self.requests > 0).then(|| self.failed as f64 / self.requests as f64)
    }
}

/// Latency and error figures over a set of exchanges.
#[derive(Debug, Clone)]
pub struct ExchangeFigures {
    pub requests: u64,
    pub failed: u64,
    pub latency: LatencyHistogram,
}

/// Which declared page a fetch is, or which of ujilab's own requests for the
/// standards rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageRole {
    Home,
    ServiceStandard,
    Complaints,
    Openapi,
    /// Maklumat pelayanan (the service pledge).
    Maklumat,
    /// Published results of the survei kepuasan masyarakat (SKM/IKM).
    Skm,
    /// PPID: public information officer and Daftar Informasi Publik.
    Ppid,
    /// Privacy notice.
    Privacy,
    Contact,
    /// One of `standards.pages.other` (a login form, a registration page...).
    Other,
    /// ujilab's own request to an unknown path under an API base: how the API
    /// answers an error, whatever probes the scenario has (IO-02).
    ApiUnknownPath,
    /// A well-known file that may disclose the platform's version (a CMS
    /// readme, a feed), one request each per site (SC-07).
    VersionFile,
    /// ujilab's own request, when a CMS was detected, to its REST API's user
    /// list (`/wp-json/wp/v2/users`): does it name the accounts (SC-10)?
    CmsUsers,
    /// ujilab's own request to the author archive of the first account
    /// (`/?author=1`), one redirect hop followed: does it lead to a login name (SC-10)?
    CmsAuthor,
    /// ujilab's own `system.listMethods` call to `/xmlrpc.php`: is XML-RPC open (SC-11)?
    CmsXmlrpc,
}

impl PageRole {
    /// Roles declared under `standards.pages` (`other` is a list).
    pub const ALL: [PageRole; 10] = [
        PageRole::Home,
        PageRole::ServiceStandard,
        PageRole::Complaints,
        PageRole::Openapi,
        PageRole::Maklumat,
        PageRole::Skm,
        PageRole::Ppid,
        PageRole::Privacy,
        PageRole::Contact,
        PageRole::Other,
    ];

    /// The key under `standards.pages` (a name for ujilab's own requests).
    pub fn key(self) -> &'static str {
        match self {
            PageRole::Home => "home",
            PageRole::ServiceStandard => "service_standard",
            PageRole::Complaints => "complaints",
            PageRole::Openapi => "openapi",
            PageRole::Maklumat => "maklumat",
            PageRole::Skm => "skm",
            PageRole::Ppid => "ppid",
            PageRole::Privacy => "privacy",
            PageRole::Contact => "contact",
            PageRole::Other => "other",
            PageRole::ApiUnknownPath => "api_unknown_path",
            PageRole::VersionFile => "version_file",
            PageRole::CmsUsers => "cms_users",
            PageRole::CmsAuthor => "cms_author",
            PageRole::CmsXmlrpc => "cms_xmlrpc",
        }
    }

    /// A declared HTML page, which the page rules read (not the OpenAPI
    /// document, not ujilab's own requests).
    pub fn is_html_page(self) -> bool {
        !matches!(
            self,
            PageRole::Openapi
                | PageRole::ApiUnknownPath
                | PageRole::VersionFile
                | PageRole::CmsUsers
                | PageRole::CmsAuthor
                | PageRole::CmsXmlrpc
        )
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
    pub handshake: Result<Handshake, crate::exchange::TransportError>,
    /// Each protocol version offered alone (TLS 1.0, 1.1, 1.2, 1.3, in that
    /// order): whether the server accepts it. Empty when not probed.
    pub versions: Vec<VersionProbe>,
}

impl TlsFacts {
    /// The oldest version the server accepted, of those offered.
    pub fn oldest_accepted(&self) -> Option<TlsVersion> {
        self.versions
            .iter()
            .filter(|probe| probe.result == VersionResult::Accepted)
            .map(|probe| probe.version)
            .min()
    }
}

/// A TLS protocol version ujilab offers, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TlsVersion {
    Tls1_0,
    Tls1_1,
    Tls1_2,
    Tls1_3,
}

impl TlsVersion {
    pub const ALL: [TlsVersion; 4] = [
        TlsVersion::Tls1_0,
        TlsVersion::Tls1_1,
        TlsVersion::Tls1_2,
        TlsVersion::Tls1_3,
    ];

    /// As rustls and OpenSSL name it: `TLSv1.0`...`TLSv1.3`.
    pub fn name(self) -> &'static str {
        match self {
            TlsVersion::Tls1_0 => "TLSv1.0",
            TlsVersion::Tls1_1 => "TLSv1.1",
            TlsVersion::Tls1_2 => "TLSv1.2",
            TlsVersion::Tls1_3 => "TLSv1.3",
        }
    }

    /// The version's code on the wire (`legacy_version` / `server_version`).
    pub fn wire(self) -> u16 {
        match self {
            TlsVersion::Tls1_0 => 0x0301,
            TlsVersion::Tls1_1 => 0x0302,
            TlsVersion::Tls1_2 => 0x0303,
            TlsVersion::Tls1_3 => 0x0304,
        }
    }
}

/// One version offered alone, and what the server did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionProbe {
    pub version: TlsVersion,
    pub result: VersionResult,
    /// What was seen: the alert, the version answered instead, the error.
    pub detail: Option<String>,
    /// From connecting to the answer.
    pub took: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionResult {
    /// A ServerHello (a completed handshake for 1.2 and 1.3) of this version.
    Accepted,
    /// An alert, another version, or the connection closed.
    Refused,
    /// No answer either way (timeout, could not connect).
    Unknown,
}

impl VersionResult {
    pub fn code(self) -> &'static str {
        match self {
            VersionResult::Accepted => "accepted",
            VersionResult::Refused => "refused",
            VersionResult::Unknown => "unknown",
        }
    }
}

/// One certificate of the chain the server sent, leaf first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCertificate {
    /// RFC 4514 distinguished names.
    pub subject: String,
    pub issuer: String,
    /// subjectAltName entries: DNS names as they are, IP addresses as text.
    pub sans: Vec<String>,
    pub not_before: Option<SystemTime>,
    pub not_after: Option<SystemTime>,
    /// SHA-256 of the DER, lower-case hex.
    pub sha256: String,
    /// The DER bytes as sent (for a PEM copy in an evidence bundle).
    pub der: Vec<u8>,
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
    /// The certificates the server sent, leaf first, as sent.
    pub chain: Vec<ChainCertificate>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_flags_name_only_what_they_skipped() {
        let mut phases = Phases::default();
        assert!(
            phases.partial_flags().is_empty(),
            "nothing asked, nothing skipped"
        );

        phases.load = PhaseStatus::Skipped(SkipReason::Flag(PartialFlag::NoLoad));
        phases.availability = PhaseStatus::Skipped(SkipReason::Interrupted);
        assert_eq!(phases.partial_flags(), [PartialFlag::NoLoad]);

        phases.partial_probes = true;
        phases.availability = PhaseStatus::Skipped(SkipReason::Flag(PartialFlag::Only));
        phases.load = PhaseStatus::Skipped(SkipReason::Flag(PartialFlag::Only));
        assert_eq!(phases.partial_flags(), [PartialFlag::Only]);
    }

    #[test]
    fn skip_reasons_read_as_before_in_reports() {
        let shown = |reason: SkipReason| reason.to_string();
        assert_eq!(
            shown(SkipReason::Flag(PartialFlag::NoAvailability)),
            "--no-availability"
        );
        assert_eq!(shown(SkipReason::Interrupted), "interrupted");
        assert_eq!(
            shown(SkipReason::Failed("no probe to load".into())),
            "no probe to load"
        );
    }
}
