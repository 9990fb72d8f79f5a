//! `report.json`, format `ujilab-report/1`: the contract every other format
//! renders. Keys may be added within `/1`; existing ones keep name and meaning.
//! Enums are English codes; nothing here is localized.

use std::collections::BTreeMap;

use input::catalogue::Scale;
use input::lang::Lang;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "ujilab-report/1";

/// Figures by probe id, as every scenario of a run carries them. Not a BTreeMap:
/// one B-tree node is ~1 KB however few probes it holds, and a run keeps every
/// scenario's report until it ends. Written in key order, like a BTreeMap.
pub type ProbeMap<V> = indexmap::IndexMap<String, V>;

/// The entries of a [`ProbeMap`] in probe-id order.
pub fn by_probe_id<V>(map: &ProbeMap<V>) -> Vec<(&String, &V)> {
    let mut entries: Vec<(&String, &V)> = map.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    entries
}

fn by_key<V: Serialize, S: serde::Serializer>(
    map: &ProbeMap<V>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(by_probe_id(map))
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// Always `ujilab-report/1` for this layout.
    pub format: String,
    pub tool: Tool,
    pub run: RunInfo,
    /// The whole scenario set this run is part of: every shard of it agrees on this.
    #[serde(default)]
    pub plan: Option<PlanReport>,
    /// Set by `ujilab merge`: the reports this one was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge: Option<MergeReport>,
    pub gate: Gate,
    /// In input order: arguments as given, folder contents sorted.
    pub scenarios: Vec<ScenarioEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RunInfo {
    pub id: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub finished_at: String,
    /// False when the run was interrupted (Ctrl-C, SIGTERM): figures are partial.
    pub complete: bool,
    /// Language of the human formats: `id` or `en`.
    pub lang: String,
    /// `K/N` when this run is one shard of a larger one.
    pub shard: Option<String>,
    /// `--vantage NAME`: where the run was made from (a region, a cloud zone).
    #[serde(default)]
    pub vantage: Option<String>,
    /// The command line, redacted.
    pub args: Vec<String>,
    /// YAML files found in the folders given that were skipped as plainly not
    /// scenarios (no scenario key at their top level, nor a near miss of one).
    #[serde(default)]
    pub skipped: Vec<String>,
    /// Set on a report over a window of watch history (`ujilab report --db`):
    /// the window and how many samples it holds. Absent from a run's report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_window: Option<HistoryWindow>,
}

/// The window of watch history a report covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HistoryWindow {
    /// RFC 3339, UTC; `from` included, `to` excluded.
    pub from: String,
    pub to: String,
    /// Availability samples in the window, every service and vantage of the
    /// report together (each service's own count is in its `availability`).
    pub samples: u64,
}

pub use input::catalogue::Basis;
pub use input::scenario::ProbeKind;
pub use judge::gate::{Gate, GateReason, ProbeStatus, VerdictGate};
pub use judge::standards::{RuleState, Verdict};
pub use judge::thresholds::{FigureSource, FigureUnit, Op, ThresholdOutcome, ThresholdStatus};
pub use observe::exchange::TransportKind;

/// `status` of a scenario entry: it ran, or it could not be loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    Ran,
    LoadError,
}

/// Whether a phase ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhaseState {
    Ran,
    Skipped,
    NotRequested,
}

/// The load model: arrivals at a rate (open) or users in a loop (closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LoadShape {
    Open,
    Closed,
}

/// A scenario that ran, or one that could not be loaded.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ScenarioEntry {
    Ran(Box<ScenarioReport>),
    LoadError(LoadErrorReport),
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LoadErrorReport {
    pub file: String,
    /// Always `load_error`.
    pub status: EntryStatus,
    pub errors: Vec<LoadProblem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LoadProblem {
    pub line: u64,
    pub column: u64,
    /// Key path, such as `probes[2].expect.json`.
    pub path: String,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ScenarioReport {
    pub file: String,
    /// SHA-256 of the scenario file, hex.
    pub sha256: String,
    /// Always `ran`.
    pub status: EntryStatus,
    pub service: ServiceReport,
    /// The `scenario:` label (`default` when none).
    pub scenario: String,
    pub gate: Gate,
    /// Why the gate failed, as short English sentences (empty when it passed).
    pub gate_reasons: Vec<GateReason>,
    pub complete: bool,
    pub started_at: String,
    pub finished_at: String,
    pub phases: PhasesReport,
    pub probes: Vec<ProbeReport>,
    /// Null (with `phases.availability` saying why) when not measured.
    pub availability: Option<AvailabilityReport>,
    /// Latency over the functional and availability exchanges (complete responses);
    /// null with no complete response.
    pub probe_latency_ms: Option<LatencyReport>,
    /// The distribution behind `probe_latency_ms`: HdrHistogram V2 + DEFLATE, base64,
    /// microseconds; null with no complete response.
    #[serde(default)]
    pub probe_latency_histogram: Option<String>,
    /// What thresholds read when they read the probes (`source: probes`): the
    /// functional exchanges and the availability samples, per probe.
    #[serde(default)]
    pub probe_figures: Option<ProbeFiguresReport>,
    /// Null until measured; `phases.load` says why.
    pub load: Option<LoadReport>,
    pub thresholds: Vec<ThresholdOutcome>,
    /// Null until scored; `phases.standards` says why.
    pub standards: Option<StandardsReport>,
    /// The scenario after interpolation; secrets as `***`.
    pub effective: Effective,
    pub overrides: Overrides,
    /// After `ujilab merge` of runs from several vantages: each vantage's own
    /// figures (the other fields combine them). Empty for a single run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vantages: Vec<VantageReport>,
    /// The TLS facts of base_url's host (the evidence of SC-02 and SC-03): the
    /// certificate chain the server sent and the versions it accepts. Null when
    /// not gathered (no `standards:`, or plain http).
    #[serde(default)]
    pub tls: Option<TlsReport>,
}

/// The separate TLS handshake and the version offers of a scenario.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TlsReport {
    pub host: String,
    pub port: u16,
    /// The protocol a full handshake negotiated (`TLSv1.3`...); null when it failed.
    pub protocol: Option<String>,
    pub cipher_suite: Option<String>,
    /// Why the full handshake failed.
    pub error: Option<TransportErrorReport>,
    /// The certificates the server sent, leaf first.
    pub chain: Vec<CertificateReport>,
    /// TLS 1.0, 1.1, 1.2 and 1.3, each offered alone.
    pub versions: Vec<TlsVersionReport>,
    /// The oldest version accepted (what SC-03 scores); null when none was.
    pub oldest_accepted: Option<String>,
}

/// One certificate of the chain.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CertificateReport {
    /// RFC 4514 distinguished name.
    pub subject: String,
    pub issuer: String,
    /// subjectAltName DNS names and IP addresses.
    pub sans: Vec<String>,
    /// RFC 3339, UTC.
    pub not_before: Option<String>,
    pub not_after: Option<String>,
    /// SHA-256 of the DER, lower-case hex.
    pub sha256: String,
    /// The certificate as sent (DER), base64: an evidence bundle writes it as PEM.
    pub der_base64: String,
}

/// One version offered alone.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TlsVersionReport {
    /// `TLSv1.0`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`.
    pub version: String,
    /// `accepted`, `refused` (an alert, another version, the connection closed)
    /// or `unknown` (no answer: timeout, could not connect).
    pub result: String,
    /// The alert, the version answered instead, or the error.
    pub detail: Option<String>,
    /// From connecting to the answer, in ms.
    pub took_ms: f64,
}

/// One availability sample.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SampleReport {
    pub probe: String,
    /// When the request was sent, RFC 3339 UTC; null when it was not sent.
    pub at: Option<String>,
    pub up: bool,
    pub status: Option<u16>,
    /// Complete responses only.
    pub latency_ms: Option<f64>,
    /// The transport error's kind, when no complete response arrived.
    pub error_kind: Option<TransportKind>,
    /// Redacted.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ServiceReport {
    pub id: String,
    pub name: Option<String>,
    pub owner: Option<String>,
    pub sector: Option<String>,
    pub region: Option<RegionReport>,
    pub base_url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RegionReport {
    pub code: Option<String>,
    pub name: Option<String>,
    /// `provinsi`, `kabupaten` or `kota`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PhasesReport {
    pub functional: PhaseReport,
    pub availability: PhaseReport,
    pub load: PhaseReport,
    pub standards: PhaseReport,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PhaseReport {
    pub status: PhaseState,
    pub reason: Option<String>,
}

/// Where a probe of `probes_from` came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct GeneratedReport {
    /// `openapi`: the only source today.
    pub from: String,
    /// The operation's `operationId`, when the document gives one.
    pub operation_id: Option<String>,
    /// The path as the document writes it (`/api/v1/penduduk/{nik}`).
    pub path: String,
    /// The document's URL, or its file as the scenario names it.
    pub document: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProbeReport {
    pub id: String,
    pub kind: ProbeKind,
    pub passed: bool,
    /// A skipped probe counts as failed.
    pub outcome: ProbeStatus,
    pub skipped_reason: Option<String>,
    pub method: Option<String>,
    pub url: Option<String>,
    pub final_url: Option<String>,
    pub status: Option<u16>,
    /// First byte sent to last byte of the final body, redirects included.
    pub latency_ms: Option<f64>,
    pub http_version: Option<String>,
    pub remote_addr: Option<String>,
    pub wire_bytes: Option<u64>,
    pub body_bytes: Option<u64>,
    pub redirects: Vec<RedirectReport>,
    /// The phases of the last request sent (the final response's, or the failed
    /// one's); each redirect has its own. Absent in reports written before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timings: Option<TimingsReport>,
    /// True when `retry:` sent the probe more than once; its other fields are
    /// the last try's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retried: bool,
    /// With `retry:`, every try before the last, in order (each failed in a way
    /// the probe's `retry.on` names): the evidence a retry does not hide.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_attempts: Vec<AttemptReport>,
    pub error: Option<TransportErrorReport>,
    pub request_headers: Vec<[String; 2]>,
    pub response_headers: Vec<[String; 2]>,
    /// At most 2 KiB of the decoded body, redacted.
    pub body_excerpt: Option<String>,
    pub expectations: Vec<ExpectationReport>,
    /// When the request was sent, by ujilab's clock: RFC 3339, UTC.
    #[serde(default)]
    pub sent_at: Option<String>,
    /// Made by `probes_from` (not written in the scenario): from which operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<GeneratedReport>,
    /// After a merge of several vantages: where this exchange was made from (a
    /// failing one when the probe failed anywhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vantage: Option<String>,
}

/// One try of a retried probe.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AttemptReport {
    /// RFC 3339, UTC.
    pub sent_at: String,
    pub status: Option<u16>,
    pub latency_ms: f64,
    pub error: Option<TransportErrorReport>,
    pub timings: TimingsReport,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RedirectReport {
    pub status: u16,
    pub location: Option<String>,
    /// The phases of the request that got this redirect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timings: Option<TimingsReport>,
}

/// The phases of one request, in milliseconds (semantics: docs/reports.md). A
/// phase that did not happen on it is absent: a reused connection has no `dns`,
/// `connect` or `tls`; a pinned host has no `dns`; a request without a body has no
/// `send`; one without a response head has no `ttfb`, `wait` or `transfer`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TimingsReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_ms: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_ms: Option<f64>,
    /// The server's share of `ttfb_ms`: what is left after lookup, connect,
    /// handshake and send.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_ms: Option<f64>,
    /// From the start of the request (connection included) to the response head.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttfb_ms: Option<f64>,
    /// From the response head to the body's last byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_ms: Option<f64>,
    pub total_ms: f64,
}

impl From<&observe::timing::Timings> for TimingsReport {
    fn from(timings: &observe::timing::Timings) -> Self {
        let ms = |d: std::time::Duration| (d.as_secs_f64() * 1e6).round() / 1000.0;
        TimingsReport {
            dns_ms: timings.dns.map(ms),
            connect_ms: timings.connect.map(ms),
            tls_ms: timings.tls.map(ms),
            send_ms: timings.send.map(ms),
            wait_ms: timings.wait().map(ms),
            ttfb_ms: timings.ttfb.map(ms),
            transfer_ms: timings.transfer.map(ms),
            total_ms: ms(timings.total),
        }
    }
}

/// One phase over many requests: its figures and the histogram behind them.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PhaseFigureReport {
    pub latency_ms: LatencyReport,
    /// HdrHistogram V2 + DEFLATE, base64, microseconds.
    pub histogram: String,
}

/// Per phase (`dns`, `connect`, `tls`, `send`, `wait`, `ttfb`, `transfer`), the
/// phases that happened on at least one complete response.
pub type PhaseFigures = BTreeMap<String, PhaseFigureReport>;

/// The figures report.json keeps of per-phase histograms.
pub fn phase_figures(histograms: &observe::timing::PhaseHistograms) -> PhaseFigures {
    histograms
        .measured()
        .filter_map(|(phase, histogram)| {
            let latency_ms = histogram.summary()?.into();
            Some((
                phase.code().to_string(),
                PhaseFigureReport {
                    latency_ms,
                    histogram: histogram.encode(),
                },
            ))
        })
        .collect()
}

/// Per-phase histograms read back from a report (for merge and diff); a phase
/// whose histogram does not decode is left out.
pub fn phase_histograms(figures: &PhaseFigures) -> observe::timing::PhaseHistograms {
    let mut histograms = observe::timing::PhaseHistograms::default();
    for (code, figure) in figures {
        let Some(phase) = observe::timing::Phase::from_code(code) else {
            continue;
        };
        if let Ok(decoded) = observe::latency::LatencyHistogram::decode(&figure.histogram) {
            histograms.get_mut(phase).merge(&decoded);
        }
    }
    histograms
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TransportErrorReport {
    pub kind: TransportKind,
    pub message: String,
}

/// One probe expectation. `what`, `expected` and `actual` are English (what
/// gates, merges and other tools read); the `_id` texts are the Indonesian, absent
/// when they say the same (a status code, a value as the service sent it) and in
/// reports written before they were kept.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ExpectationReport {
    pub what: String,
    pub expected: String,
    pub actual: String,
    pub passed: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub what_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub expected_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub actual_id: String,
}

impl ExpectationReport {
    /// What was checked, in `lang` (English when no Indonesian was kept).
    pub fn what_text(&self, lang: Lang) -> &str {
        in_lang(&self.what_id, &self.what, lang)
    }

    /// What the scenario expects, in `lang`.
    pub fn expected_text(&self, lang: Lang) -> &str {
        in_lang(&self.expected_id, &self.expected, lang)
    }

    /// What the service did, in `lang`.
    pub fn actual_text(&self, lang: Lang) -> &str {
        in_lang(&self.actual_id, &self.actual, lang)
    }
}

fn in_lang<'a>(id: &'a str, en: &'a str, lang: Lang) -> &'a str {
    match lang {
        Lang::Id if !id.is_empty() => id,
        _ => en,
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AvailabilityReport {
    pub rounds: u64,
    pub samples: u64,
    pub up: u64,
    /// up / samples; null with a reason when there were no samples.
    pub ratio: Option<f64>,
    pub reason: Option<String>,
    /// `availability` (sampled) or `probes` (the functional exchanges).
    pub source: FigureSource,
    /// The real sampling window in seconds.
    pub window_s: f64,
    #[serde(serialize_with = "by_key")]
    pub per_probe: ProbeMap<ProbeAvailabilityReport>,
    /// Every sample in the order taken (`source: availability`; empty otherwise).
    #[serde(default)]
    pub record: Vec<SampleReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProbeAvailabilityReport {
    pub samples: u64,
    pub up: u64,
    pub ratio: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LatencyReport {
    pub min: f64,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    #[serde(rename = "p99.9")]
    pub p99_9: f64,
    pub max: f64,
}

/// The load run, after warmup (semantics.md, "Phases, availability and load").
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LoadReport {
    pub model: LoadShape,
    /// Arrivals scheduled after the warmup, dropped ones included.
    pub requests: u64,
    /// Failed requests by kind: transport kinds (`timeout`, `connect`, `tls`,
    /// `reset`, `body_too_large`...), `dropped`, and `http_4xx`/`http_5xx`... for
    /// statuses the probe's expectation rejects. Kinds that did not occur are absent.
    pub errors: BTreeMap<String, u64>,
    /// Open model: arrivals not sent because they waited longer than their timeout.
    pub dropped: u64,
    /// failed / requests (dropped included); 0 with `reason` when nothing was
    /// scheduled after the warmup.
    pub error_rate: f64,
    /// Complete responses (any status) per second of the measured window; 0 with
    /// `reason` when there is no window.
    pub throughput_rps: f64,
    /// Complete responses only. Open model: an arrival that waited for a free
    /// request slot counts from its due time (no coordinated omission).
    pub latency_ms: Option<LatencyReport>,
    /// HdrHistogram V2 + DEFLATE, base64, microseconds.
    pub histogram: String,
    /// Per phase of the complete responses: a connection's `dns`, `connect` and
    /// `tls` count once, on the request that opened it; `ttfb` counts from the
    /// send (no queueing). Absent in reports written before.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub phases: PhaseFigures,
    pub per_probe: BTreeMap<String, ProbeLoadReport>,
    /// Closed model: users; open model: the cap on requests in flight.
    #[serde(default)]
    pub concurrency: u64,
    /// Open model: the target arrival rate per second.
    #[serde(default)]
    pub rate: Option<f64>,
    #[serde(default)]
    pub warmup_s: f64,
    /// Requests scheduled during the warmup (in no figure).
    #[serde(default)]
    pub warmup_requests: u64,
    /// The measured window: end of warmup to end of the last request.
    #[serde(default)]
    pub window_s: f64,
    /// Requests that got a complete response, whatever its status.
    #[serde(default)]
    pub responses: u64,
    /// Requests that failed (the sum of `errors`).
    #[serde(default)]
    pub failed: u64,
    /// Open model: false when more than 1% of arrivals were dropped; null in the
    /// closed model.
    #[serde(default)]
    pub rate_sustained: Option<bool>,
    /// True when Ctrl-C or `--max-duration` stopped the run: figures are partial.
    #[serde(default)]
    pub interrupted: bool,
    /// For each error kind, the first message seen (redacted).
    #[serde(default)]
    pub error_examples: BTreeMap<String, String>,
    /// For each error kind, its first failed request (URL, status or error, when):
    /// what to look for in the service's own log.
    #[serde(default)]
    pub first_failures: BTreeMap<String, LoadFailureReport>,
    /// Open model: measured arrivals actually sent per second (below 95% of `rate`,
    /// the target rate was not sustained); null in the closed model.
    #[serde(default)]
    pub achieved_rate: Option<f64>,
    /// Sentences every human format shows, such as "target rate not sustained".
    #[serde(default)]
    pub notes: Vec<String>,
    /// Why a figure is missing.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The first failed load request of one error kind.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LoadFailureReport {
    /// The probe of the mix it sent.
    pub probe: String,
    pub method: String,
    /// Redacted.
    pub url: String,
    /// The status of a complete response the probe's expectation rejects.
    pub status: Option<u16>,
    /// Why there was no complete response (redacted).
    pub error: Option<String>,
    /// When it ended, in seconds from the start of the load run (warmup included).
    pub after_s: f64,
    /// When it ended (RFC 3339), to match the service's log.
    pub at: String,
}

impl LoadFailureReport {
    /// `GET http://h/x -> status 503, 12.3 s into the load (5 Dec 2026 21:14:07
    /// WIB)`, in the language asked, the time in the service's zone to match its
    /// log; `with_utc` sets the UTC time beside it, as the printed annex does.
    pub fn sentence(&self, zone: crate::local_time::Zone, lang: Lang, with_utc: bool) -> String {
        use crate::local_time::{Precision, local, local_and_utc};
        let what = match (self.status, &self.error) {
            (Some(status), _) => format!("status {status}"),
            (None, Some(error)) => error.clone(),
            (None, None) => lang.pick("gagal", "failed").to_string(),
        };
        let when = if with_utc {
            local_and_utc(&self.at, zone, lang, Precision::Seconds)
        } else {
            local(&self.at, zone, lang, Precision::Seconds).unwrap_or_else(|| self.at.clone())
        };
        format!(
            "{} {} -> {what}, {} {} ({when})",
            self.method,
            self.url,
            crate::wording::number(&format!("{:.1} s", self.after_s), lang),
            lang.pick("setelah uji beban dimulai", "into the load"),
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProbeLoadReport {
    pub requests: u64,
    pub latency_ms: Option<LatencyReport>,
    pub histogram: String,
    /// This probe's phases, as the whole mix's.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub phases: PhaseFigures,
    /// The probe's weight in the mix.
    #[serde(default)]
    pub weight: u32,
    #[serde(default)]
    pub responses: u64,
    #[serde(default)]
    pub failed: u64,
    #[serde(default)]
    pub dropped: u64,
    #[serde(default)]
    pub errors: BTreeMap<String, u64>,
    /// failed / requests; null without requests.
    #[serde(default)]
    pub error_rate: Option<f64>,
    /// null without a measured window.
    #[serde(default)]
    pub throughput_rps: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct StandardsReport {
    pub catalogue: String,
    pub version: String,
    pub index: Option<f64>,
    /// The run was cut short: the index is what was measured so far, not
    /// evidence of the service, and has no predicate.
    #[serde(default)]
    pub provisional: bool,
    pub predicate: Option<Predicate>,
    /// Shown instead of the predicate when the catalogue asks every critical rule
    /// to reach its minimum first and one did not ("— (kriteria wajib belum
    /// terpenuhi)"); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate_withheld: Option<LocalizedText>,
    pub coverage: Option<f64>,
    pub verdict: Verdict,
    pub verdict_reasons: Vec<serde_json::Value>,
    pub conditions: Vec<String>,
    pub waived_critical: Vec<String>,
    pub aspects: Vec<AspectReport>,
    pub rules: Vec<RuleReport>,
    /// The catalogue's levels and index range; left out for idsll-core's 1..5
    /// (and absent from older reports, which read as 1..5).
    #[serde(default, skip_serializing_if = "is_one_to_five")]
    pub scale: Scale,
    /// The catalogue's certification requirements the verdict was held to.
    #[serde(default)]
    pub certification: Option<CertificationReport>,
    /// The catalogue's title, in both languages.
    #[serde(default)]
    pub title: Option<LocalizedText>,
    /// SHA-256 of the catalogue file, hex.
    #[serde(default)]
    pub sha256: Option<String>,
    /// Shown under every verdict: a self-assessment, not an official certification.
    #[serde(default)]
    pub disclaimer: Option<LocalizedText>,
    /// Present with `conditions`: the result was obtained under test conditions.
    #[serde(default)]
    pub conditions_note: Option<LocalizedText>,
    /// Certified only thanks to waived critical rules ("certified with waivers").
    #[serde(default)]
    pub certified_with_waivers: bool,
    /// Expired waivers and the like, as English sentences.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// How the verdict bore on the gate (`none`, `verdict`, or `certified` under
    /// `--require-verdict`); absent in reports made before it was recorded.
    #[serde(default)]
    pub verdict_gate: Option<VerdictGate>,
}

/// The `certification:` block of the catalogue that scored this scenario.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct CertificationReport {
    /// The lowest index (rounded) that certifies.
    pub min_index: f64,
    /// The level every critical rule must reach.
    pub critical_min_level: u8,
    /// The lowest coverage (ratio 0..1) that allows a verdict.
    pub min_coverage: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Predicate {
    pub id: String,
    pub en: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct AspectReport {
    pub id: String,
    pub score: Option<f64>,
    pub weight: f64,
    /// The catalogue's aspect title, in both languages.
    #[serde(default)]
    pub title: Option<LocalizedText>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RuleReport {
    pub code: String,
    pub aspect: String,
    pub basis: Basis,
    pub outcome: RuleState,
    pub level: Option<u8>,
    pub critical: bool,
    pub weight: f64,
    /// What the rule's check found, as the judge wrote it: `measured`,
    /// `threshold` (each a text in both languages, `{"id": .., "en": ..}`),
    /// `notes` (a list of such texts), `value` (the measured number in base
    /// units), and what the service sent as seen: `url`, `probe`, `excerpt`.
    /// Older reports have plain English strings instead of the bilingual texts;
    /// readers accept both.
    pub evidence: serde_json::Value,
    /// The catalogue's one-line title, in both languages (the human formats pick one).
    #[serde(default)]
    pub title: Option<LocalizedText>,
    /// The catalogue's "how to fix", in both languages.
    #[serde(default)]
    pub fix: Option<LocalizedText>,
    /// The catalogue's "why it matters", in both languages.
    #[serde(default)]
    pub why: Option<LocalizedText>,
    /// The legal basis or practice reference.
    #[serde(default)]
    pub reference: Option<String>,
    /// Aspect weight x rule weight / sum of rule weights in the aspect: what the
    /// rule counts for in the coverage.
    #[serde(default)]
    pub effective_weight: Option<f64>,
    /// What the check measured, also when the rule is waived.
    #[serde(default)]
    pub measured_level: Option<u8>,
    #[serde(default)]
    pub waiver: Option<WaiverReport>,
}

/// A waiver the scenario gave a rule.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct WaiverReport {
    pub reason: String,
    /// Last valid day (`YYYY-MM-DD`, WIB).
    pub until: Option<String>,
    /// Past its date: ignored, the rule counts as measured.
    pub expired: bool,
}

/// Text the catalogue gives in both languages; report.json keeps both.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LocalizedText {
    pub id: String,
    pub en: String,
}

/// Command-line choices that change what was measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct Overrides {
    pub set: Vec<String>,
    pub only: Option<String>,
    pub no_load: bool,
    pub no_availability: bool,
    pub resolve: Vec<String>,
    pub ca_file: Vec<String>,
    pub insecure: bool,
    pub proxy: Option<String>,
    /// `--require-verdict`: the verdict gated, and only `certified` passed.
    #[serde(default)]
    pub require_verdict: bool,
}

/// The scenario set of a run before `--shard` split it (semantics of `ujilab merge`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PlanReport {
    /// SHA-256, hex, of the sorted lines `<identity> <file sha256>`, one per
    /// scenario of the whole set (a file that failed to load: `load_error <sha256>`).
    pub digest: String,
    /// Entries of the whole set: scenarios and files that failed to load.
    pub entries: u64,
    /// How `--shard K/N` picks its part: `rendezvous-sha256/1` (highest SHA-256 of
    /// identity and shard number wins; adding a scenario moves no other).
    pub assignment: String,
}

/// What `ujilab merge` combined.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MergeReport {
    pub sources: Vec<MergeSource>,
    /// The vantages merged (`default` for runs without `--vantage`), sorted.
    pub vantages: Vec<String>,
    /// Shards absent from the merge (`K/N`, or `K/N@vantage`); only with
    /// `--allow-partial`, which also marks the run incomplete.
    pub missing_shards: Vec<String>,
    /// Plan entries that are in no merged report.
    pub missing_entries: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MergeSource {
    pub file: String,
    pub run_id: String,
    pub shard: Option<String>,
    pub vantage: Option<String>,
    pub started_at: String,
    pub finished_at: String,
    pub complete: bool,
    /// Entries (scenarios and load errors) it held.
    pub entries: u64,
}

/// The probe-sourced figures of a scenario, kept so that merges recompute them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ProbeFiguresReport {
    /// Functional exchanges sent plus availability samples.
    pub requests: u64,
    /// Of those, the ones without a complete response that the probe's status
    /// expectation accepts (2xx without one).
    pub failed: u64,
    /// Per phase of the complete responses, every probe together.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub phases: PhaseFigures,
    #[serde(serialize_with = "by_key")]
    pub per_probe: ProbeMap<ProbeFigureReport>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
pub struct ProbeFigureReport {
    pub requests: u64,
    pub failed: u64,
    /// Complete responses: HdrHistogram V2 + DEFLATE, base64, microseconds; null
    /// without one.
    pub histogram: Option<String>,
}

/// The scenario after interpolation, kept as its compact JSON text: a run holds
/// every scenario's report until it ends, and for 10,000 scenarios the parsed
/// trees cost ten times the text.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Effective(Box<serde_json::value::RawValue>);

// Read through a `Value`: a `RawValue` cannot be read inside the untagged
// `ScenarioEntry`, whose variants serde tries on buffered content.
impl<'de> Deserialize<'de> for Effective {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(deserializer).map(|value| Effective::new(&value))
    }
}

impl Effective {
    pub fn new(value: &serde_json::Value) -> Self {
        Self(
            serde_json::value::to_raw_value(value)
                .unwrap_or_else(|_| unreachable!("a serde_json::Value always serializes")),
        )
    }

    /// The value at a JSON pointer (`/standards/gate`), parsed on demand.
    pub fn pointer(&self, pointer: &str) -> Option<serde_json::Value> {
        let value: serde_json::Value = serde_json::from_str(self.0.get()).ok()?;
        value.pointer(pointer).cloned()
    }
}

impl JsonSchema for Effective {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Effective".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "The scenario as run (scenario.schema.json), after interpolation; secrets as `***`.",
            "type": "object"
        })
    }
}

/// One vantage's view of a scenario merged from several.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct VantageReport {
    pub vantage: String,
    pub run_id: String,
    /// The gate of that vantage's run alone.
    pub gate: Gate,
    pub availability: Option<f64>,
    pub samples: u64,
    pub up: u64,
    /// p95 in ms: of the load run when there was one, else of the probes.
    pub p95_ms: Option<f64>,
    /// `load` or `probes`.
    pub p95_source: Option<String>,
    pub failed_probes: Vec<String>,
    pub index: Option<f64>,
    pub verdict: Option<Verdict>,
}

impl Report {
    /// Counts of scenarios by gate, and of load errors.
    pub fn tally(&self) -> (usize, usize, usize) {
        let mut passed = 0;
        let mut failed = 0;
        let mut load_errors = 0;
        for entry in &self.scenarios {
            match entry {
                ScenarioEntry::Ran(scenario) if scenario.gate == Gate::Pass => passed += 1,
                ScenarioEntry::Ran(_) => failed += 1,
                ScenarioEntry::LoadError(_) => load_errors += 1,
            }
        }
        (passed, failed, load_errors)
    }
}

impl From<observe::latency::LatencySummary> for LatencyReport {
    fn from(summary: observe::latency::LatencySummary) -> Self {
        let round = |value: f64| (value * 1000.0).round() / 1000.0;
        Self {
            min: round(summary.min),
            mean: round(summary.mean),
            p50: round(summary.p50),
            p90: round(summary.p90),
            p95: round(summary.p95),
            p99: round(summary.p99),
            p99_9: round(summary.p99_9),
            max: round(summary.max),
        }
    }
}

fn is_one_to_five(scale: &Scale) -> bool {
    *scale == Scale::ONE_TO_FIVE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_maps_are_written_in_probe_id_order() {
        let mut figures = ProbeFiguresReport::default();
        for id in ["zakat", "antrian", "izin"] {
            figures
                .per_probe
                .insert(id.to_string(), ProbeFigureReport::default());
        }
        let text = serde_json::to_string(&figures).expect("serializes");
        let at = |id: &str| text.find(&format!("\"{id}\"")).expect("listed");
        assert!(
            at("antrian") < at("izin") && at("izin") < at("zakat"),
            "{text}"
        );
        let back: ProbeFiguresReport = serde_json::from_str(&text).expect("reads back");
        assert_eq!(back.per_probe.len(), 3);
    }
}
