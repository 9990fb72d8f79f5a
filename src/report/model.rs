//! `report.json`, format `ujilab-report/1`: the contract every other format
//! renders. Keys may be added within `/1`; existing ones keep name and meaning.
//! Enums are English codes; nothing here is localized.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "ujilab-report/1";

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// Always `ujilab-report/1` for this layout.
    pub format: String,
    pub tool: Tool,
    pub run: RunInfo,
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
    /// The command line, redacted.
    pub args: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Gate {
    Pass,
    Fail,
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
    pub status: String,
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
    pub status: String,
    pub service: ServiceReport,
    /// The `scenario:` label (`default` when none).
    pub scenario: String,
    pub gate: Gate,
    /// Why the gate failed, as short English sentences (empty when it passed).
    pub gate_reasons: Vec<String>,
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
    /// Null until measured; `phases.load` says why.
    pub load: Option<LoadReport>,
    pub thresholds: Vec<ThresholdReport>,
    /// Null until scored; `phases.standards` says why.
    pub standards: Option<StandardsReport>,
    /// The scenario after interpolation; secrets as `***`.
    pub effective: serde_json::Value,
    pub overrides: Overrides,
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
    /// `ran`, `skipped` or `not_requested`.
    pub status: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProbeReport {
    pub id: String,
    /// `api` or `page`.
    pub kind: String,
    pub passed: bool,
    /// `passed`, `failed` or `skipped` (a skipped probe counts as failed).
    pub outcome: String,
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
    pub error: Option<TransportErrorReport>,
    pub request_headers: Vec<[String; 2]>,
    pub response_headers: Vec<[String; 2]>,
    /// At most 2 KiB of the decoded body, redacted.
    pub body_excerpt: Option<String>,
    pub expectations: Vec<ExpectationReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RedirectReport {
    pub status: u16,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct TransportErrorReport {
    /// One of: dns, connect, tls, tls_legacy_only, timeout, reset, read, protocol,
    /// too_many_redirects, body_too_large.
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ExpectationReport {
    pub what: String,
    pub expected: String,
    pub actual: String,
    pub passed: bool,
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
    pub source: String,
    /// The real sampling window in seconds.
    pub window_s: f64,
    pub per_probe: BTreeMap<String, ProbeAvailabilityReport>,
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

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct LoadReport {
    /// `open` or `closed`.
    pub model: String,
    pub requests: u64,
    /// Failed requests by transport kind, plus `http_4xx`/`http_5xx`.
    pub errors: BTreeMap<String, u64>,
    pub dropped: u64,
    pub error_rate: f64,
    pub throughput_rps: f64,
    pub latency_ms: Option<LatencyReport>,
    /// HdrHistogram V2 + DEFLATE, base64, microseconds.
    pub histogram: String,
    pub per_probe: BTreeMap<String, ProbeLoadReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ProbeLoadReport {
    pub requests: u64,
    pub latency_ms: Option<LatencyReport>,
    pub histogram: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ThresholdReport {
    /// As written: `latency.p95`, `error_rate`, `availability`, `score`, `rule`...
    pub metric: String,
    pub probe: Option<String>,
    pub rule: Option<String>,
    /// `max` or `min`; comparisons are inclusive.
    pub op: String,
    /// In base units: seconds, ratio 0..1, requests/s, index, level.
    pub limit: f64,
    pub actual: Option<f64>,
    /// `s`, `ratio`, `rps`, `index` or `level`.
    pub unit: String,
    /// `load` or `probes`: which exchanges the figure came from.
    pub source: Option<String>,
    pub display: String,
    /// `pass`, `fail` or `skipped`.
    pub status: String,
    /// Why there is no figure (`no data`, `--no-load`...).
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct StandardsReport {
    pub catalogue: String,
    pub version: String,
    pub index: Option<f64>,
    pub predicate: Option<Predicate>,
    pub coverage: Option<f64>,
    /// `certified`, `not_certified`, `inconclusive` or `not_evaluated`.
    pub verdict: String,
    pub verdict_reasons: Vec<serde_json::Value>,
    pub conditions: Vec<String>,
    pub waived_critical: Vec<String>,
    pub aspects: Vec<AspectReport>,
    pub rules: Vec<RuleReport>,
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
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RuleReport {
    pub code: String,
    pub aspect: String,
    pub basis: String,
    pub outcome: String,
    pub level: Option<u8>,
    pub critical: bool,
    pub weight: f64,
    pub evidence: serde_json::Value,
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

impl From<crate::run::latency::LatencySummary> for LatencyReport {
    fn from(summary: crate::run::latency::LatencySummary) -> Self {
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
