//! The validated scenario: every field typed, every name resolved, every matcher
//! compiled. Nothing here can fail to make sense at run time.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json_path::JsonPath;

use crate::scenario::interpolate::Template;
use crate::scenario::matcher::Matcher;

#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file as named on the command line (or the demo's embedded name).
    pub file: String,
    pub sha256: String,
    pub service: Service,
    /// The optional `scenario:` label; `default` when absent.
    pub label: String,
    pub standards: Option<Standards>,
    /// Values that must never be shown: secrets (captured secrets are added at run time).
    pub secret_values: Vec<String>,
    /// The names under `vars:`, the ones `--set` may override.
    pub var_names: Vec<String>,
    pub connection: Connection,
    /// `defaults:` as page fetches and SC-01 use them (probes have them merged in).
    pub request_defaults: RequestDefaults,
    pub probes: Vec<Probe>,
    /// `probes_from:`: more probes, expanded by the run stage.
    pub probes_from: Option<crate::scenario::ProbesFrom>,
    pub availability: Option<Availability>,
    pub load: Option<Load>,
    pub thresholds: Vec<Threshold>,
    /// `watch:`: how `ujilab watch` probes it continuously (defaults when absent).
    pub watch: Watch,
    /// The scenario after interpolation, for the report (redacted when written),
    /// as compact JSON text: a run holds every scenario until it has run, and a
    /// parsed tree costs several times the text.
    pub effective: Box<serde_json::value::RawValue>,
}

impl Scenario {
    /// `service.id` plus the label: unique within a run.
    pub fn identity(&self) -> String {
        if self.label == "default" {
            self.service.id.clone()
        } else {
            format!("{}/{}", self.service.id, self.label)
        }
    }

    pub fn probe(&self, id: &str) -> Option<&Probe> {
        self.probes.iter().find(|probe| probe.id == id)
    }

    /// The kind of the probe `id`, when the scenario has it.
    pub fn probe_kind(&self, id: &str) -> Option<ProbeKind> {
        self.probe(id).map(|probe| probe.kind)
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Service {
    pub id: String,
    pub name: Option<String>,
    pub owner: Option<String>,
    pub sector: Option<String>,
    pub region: Option<Region>,
    pub base_url: url::Url,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Region {
    pub code: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<RegionKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RegionKind {
    Provinsi,
    Kabupaten,
    Kota,
    /// A village government (pemerintah desa), on desa.id by right.
    Desa,
    /// An urban village, an office of the kota/kabupaten: go.id.
    Kelurahan,
}

impl RegionKind {
    /// How many digits a Kemendagri region code of this type has: 2 for a
    /// provinsi (32), 4 for a kabupaten/kota (32.11), 10 for a desa/kelurahan
    /// (32.11.01.2001).
    pub fn code_digits(self) -> usize {
        match self {
            RegionKind::Provinsi => 2,
            RegionKind::Kabupaten | RegionKind::Kota => 4,
            RegionKind::Desa | RegionKind::Kelurahan => 10,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Standards {
    pub profile: String,
    /// The catalogue `profile` names, resolved and validated at load time.
    pub catalogue: Arc<crate::catalogue::Catalogue>,
    pub gate: StandardsGate,
    pub pages: Pages,
    pub http_url: url::Url,
    pub waivers: Vec<Waiver>,
    /// Cookies the site's script must read (a CSRF double-submit cookie): SC-08
    /// asks no HttpOnly of them, besides the catalogue's own list.
    pub script_readable_cookies: Vec<String>,
    /// Officers' statements for the catalogue's `attestation` rules.
    pub attestations: Vec<Attestation>,
    /// With an evidence catalogue (`spbe-layanan`): the rules this service is
    /// evidence for; the others are not applicable. Empty otherwise.
    pub evidence_for: Vec<String>,
}

/// An officer's statement for one `attestation` rule: who states it, in what
/// role, on what date, and the document that backs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Attestation {
    pub rule: String,
    pub by: String,
    pub role: String,
    pub date: time::Date,
    pub document_url: Option<url::Url>,
    pub sk_number: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandardsGate {
    Verdict,
    None,
}

#[derive(Debug, Clone, Default)]
pub struct Pages {
    pub home: Option<url::Url>,
    pub service_standard: Option<url::Url>,
    pub complaints: Option<url::Url>,
    pub openapi: Option<url::Url>,
    pub maklumat: Option<url::Url>,
    pub skm: Option<url::Url>,
    pub ppid: Option<url::Url>,
    pub privacy: Option<url::Url>,
    pub contact: Option<url::Url>,
    /// Further pages the page rules read (a login form, a registration page).
    pub other: Vec<url::Url>,
}

#[derive(Debug, Clone)]
pub struct Waiver {
    pub rule: String,
    pub reason: String,
    /// Last valid day, in WIB (UTC+7).
    pub until: Option<time::Date>,
}

#[derive(Debug, Clone)]
pub struct RequestDefaults {
    pub timeout: Duration,
    pub max_redirects: u32,
    pub max_body: u64,
    /// `defaults.headers` (captures cannot appear there).
    pub headers: Vec<(String, String)>,
}

/// Scenario-wide client settings (the ones a probe cannot override).
#[derive(Debug, Clone)]
pub struct Connection {
    pub resolve: Vec<(String, IpAddr)>,
    pub ca_files: Vec<PathBuf>,
    pub insecure: bool,
    /// `tls.client_cert` and `tls.client_key`: what the client presents when a
    /// server asks for a certificate.
    pub client_identity: Option<ClientIdentity>,
    pub http: HttpVersion,
    pub proxy: Option<String>,
    pub cookies: bool,
}

/// A client certificate chain and its private key, both PEM, read and checked to
/// belong together when the scenario loads.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ClientIdentity {
    /// The `client_cert` file, as resolved (for messages).
    pub cert_file: PathBuf,
    pub cert_chain_pem: Vec<u8>,
    /// A secret's value: never in `Debug`, a message or a report.
    pub key_pem: String,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("cert_file", &self.cert_file)
            .field("key_pem", &"***")
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpVersion {
    Auto,
    Http1,
    Http2,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ProbeKind {
    Api,
    Page,
}

impl std::fmt::Display for ProbeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ProbeKind::Api => "api",
            ProbeKind::Page => "page",
        })
    }
}

#[derive(Debug, Clone)]
pub struct Probe {
    pub id: String,
    pub kind: ProbeKind,
    pub method: http::Method,
    pub target: Target,
    pub query: Vec<(String, Template)>,
    /// Merged with the defaults; names as written, compared case-insensitively.
    pub headers: Vec<(String, Template)>,
    pub body: Body,
    pub timeout: Duration,
    pub max_redirects: u32,
    pub max_body: u64,
    pub expect: Expectations,
    pub captures: Vec<Capture>,
    /// `retry:`: functional probes only; availability and load never retry.
    pub retry: Option<Retry>,
    /// `auth: { oauth2 }` (the probe's or the defaults'): the run fetches a token
    /// and sends it as `Authorization: Bearer`.
    pub oauth2: Option<OAuth2Client>,
    /// `tags:`: what the probe stands for beyond its id (`transaksi`: it takes
    /// part in submitting an application and reading back its status).
    pub tags: Vec<String>,
}

/// An OAuth2 client of the client-credentials grant (RFC 6749 section 4.4).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct OAuth2Client {
    pub token_url: url::Url,
    pub client_id: String,
    /// A secret's value: never in `Debug`, a message or a report.
    pub client_secret: String,
    pub scope: Option<String>,
}

impl OAuth2Client {
    /// The client's HTTP Basic credential for the token endpoint: id and secret
    /// form-encoded, then joined and base64-encoded (RFC 6749 section 2.3.1).
    pub fn basic_credential(&self) -> String {
        use base64::Engine as _;
        let encode =
            |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            encode(&self.client_id),
            encode(&self.client_secret)
        ))
    }
}

impl std::fmt::Debug for OAuth2Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth2Client")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("scope", &self.scope)
            .finish()
    }
}

/// How a functional probe is sent again when it fails for a reason worth a
/// second try (a connection refused, a 503), as CI checks of a deployment do.
#[derive(Debug, Clone, PartialEq)]
pub struct Retry {
    /// Every try, the first included (2..=10).
    pub attempts: u32,
    /// The pause before each new try.
    pub delay: Duration,
    pub on: Vec<RetryOn>,
}

/// A failure a probe is sent again for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryOn {
    /// A transport failure of this kind (its report code: `connect`, `timeout`...).
    Transport(&'static str),
    /// A complete response with this status or class (`503`, `5xx`).
    Status(StatusPattern),
}

impl RetryOn {
    /// The transport kinds `on:` may name (semantics.md's vocabulary, less those a
    /// second try cannot change: a body too large, too many redirects).
    pub const TRANSPORT_KINDS: [&'static str; 7] = [
        "dns", "connect", "tls", "timeout", "reset", "read", "protocol",
    ];

    /// `on:` when not given.
    pub fn defaults() -> Vec<RetryOn> {
        vec![
            RetryOn::Transport("connect"),
            RetryOn::Transport("reset"),
            RetryOn::Transport("timeout"),
            RetryOn::Status(StatusPattern::Class(5)),
        ]
    }

    /// Whether a failure of transport kind `kind` (a code), or a complete response
    /// with `status`, calls for another try.
    pub fn matches(self, kind: Option<&str>, status: Option<u16>) -> bool {
        match (self, kind, status) {
            (RetryOn::Transport(wanted), Some(kind), _) => wanted == kind,
            (RetryOn::Status(pattern), None, Some(status)) => pattern.accepts(status),
            _ => false,
        }
    }
}

impl std::fmt::Display for RetryOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RetryOn::Transport(kind) => f.write_str(kind),
            RetryOn::Status(pattern) => write!(f, "{pattern}"),
        }
    }
}

impl Probe {
    /// Every capture this probe's request needs.
    pub fn needed_captures(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let mut add = |template: &Template| {
            for name in template.captures() {
                if !names.iter().any(|known| known == name) {
                    names.push(name.to_string());
                }
            }
        };
        match &self.target {
            Target::Path(template) | Target::Url(template) => add(template),
        }
        self.query.iter().for_each(|(_, value)| add(value));
        self.headers.iter().for_each(|(_, value)| add(value));
        match &self.body {
            Body::None => {}
            Body::Raw(template) => add(template),
            Body::Form(fields) => fields.iter().for_each(|(_, value)| add(value)),
            Body::Json(json) => json.templates().for_each(add),
        }
        names
    }
}

#[derive(Debug, Clone)]
pub enum Target {
    /// Joined to base_url's path.
    Path(Template),
    /// An absolute http(s) URL.
    Url(Template),
}

#[derive(Debug, Clone)]
pub enum Body {
    None,
    Json(JsonTemplate),
    Form(Vec<(String, Template)>),
    Raw(Template),
}

/// A JSON request body whose strings may use captures.
#[derive(Debug, Clone)]
pub enum JsonTemplate {
    Value(serde_json::Value),
    String(Template),
    Array(Vec<JsonTemplate>),
    Object(Vec<(String, JsonTemplate)>),
}

impl JsonTemplate {
    pub(crate) fn templates(&self) -> Box<dyn Iterator<Item = &Template> + '_> {
        match self {
            JsonTemplate::Value(_) => Box::new(std::iter::empty()),
            JsonTemplate::String(template) => Box::new(std::iter::once(template)),
            JsonTemplate::Array(items) => Box::new(items.iter().flat_map(Self::templates)),
            JsonTemplate::Object(fields) => {
                Box::new(fields.iter().flat_map(|(_, value)| value.templates()))
            }
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Expectations {
    pub status: Option<StatusExpectation>,
    pub latency: Option<Duration>,
    pub headers: Vec<(String, Matcher)>,
    pub body: Option<Matcher>,
    pub json: Vec<(JsonPathExpectation, Matcher)>,
    pub schema: Option<SchemaExpectation>,
}

#[derive(Debug, Clone)]
pub struct JsonPathExpectation {
    pub source: String,
    pub path: JsonPath,
}

#[derive(Clone)]
pub struct SchemaExpectation {
    pub file: String,
    pub validator: Arc<jsonschema::Validator>,
}

impl std::fmt::Debug for SchemaExpectation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaExpectation")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

/// `status:`: a code, a list of codes or classes (`2xx`), or a matcher.
#[derive(Debug, Clone)]
pub enum StatusExpectation {
    OneOf(Vec<StatusPattern>),
    Matcher(Matcher),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusPattern {
    Code(u16),
    /// `2xx`: the hundreds digit.
    Class(u16),
}

impl StatusPattern {
    pub(crate) fn accepts(self, status: u16) -> bool {
        match self {
            StatusPattern::Code(code) => code == status,
            StatusPattern::Class(class) => status / 100 == class,
        }
    }
}

impl std::fmt::Display for StatusPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusPattern::Code(code) => write!(f, "{code}"),
            StatusPattern::Class(class) => write!(f, "{class}xx"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Capture {
    pub name: String,
    pub source: CaptureSource,
    pub secret: bool,
}

#[derive(Debug, Clone)]
pub enum CaptureSource {
    Json(JsonPathExpectation),
    /// A header's first line; with `pattern`, its first group (or whole match).
    Header {
        name: String,
        pattern: Option<regex::Regex>,
    },
    /// The value of the cookie of this name that the response sets (`Set-Cookie`).
    Cookie(String),
    /// `body_regex` or `body`: the first group (or the whole match) in the body.
    BodyRegex(regex::Regex),
}

/// How `ujilab watch` probes a scenario: `every` and `timeout` override the
/// availability plan's; the service is down after `down_after` failed rounds in
/// a row and up again after `up_after` good ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watch {
    pub every: Option<Duration>,
    pub timeout: Option<Duration>,
    pub down_after: u32,
    pub up_after: u32,
}

impl Watch {
    /// Down after 3 failed rounds in a row, up after 2 good ones: one lost
    /// packet is no incident, and a flapping service is not declared up at once.
    pub const DEFAULT_DOWN_AFTER: u32 = 3;
    pub const DEFAULT_UP_AFTER: u32 = 2;
}

impl Default for Watch {
    fn default() -> Self {
        Self {
            every: None,
            timeout: None,
            down_after: Self::DEFAULT_DOWN_AFTER,
            up_after: Self::DEFAULT_UP_AFTER,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Availability {
    /// Indices into `Scenario::probes`.
    pub probes: Vec<usize>,
    pub every: Duration,
    pub rounds: u64,
}

#[derive(Debug, Clone)]
pub struct Load {
    /// Indices into `Scenario::probes`, with weights (1 each for a plain list).
    pub mix: Vec<(usize, u32)>,
    pub model: LoadModel,
    pub concurrency: u64,
    pub end: LoadEnd,
    pub warmup: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LoadModel {
    /// Arrivals per second.
    Open {
        rate: f64,
    },
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LoadEnd {
    Duration(Duration),
    Requests(u64),
}

#[derive(Debug, Clone)]
pub struct Threshold {
    pub metric: Metric,
    pub probe: Option<String>,
    pub bound: Bound,
    pub source: Option<MetricSource>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Metric {
    /// A percentile (0..100), e.g. 95.0 or 99.9.
    LatencyPercentile(f64),
    LatencyMean,
    LatencyMin,
    LatencyMax,
    ErrorRate,
    Availability,
    Throughput,
    Score,
    Rule(String),
    /// One phase's latency figure (`latency.ttfb.p95`): `statistic` is one of the
    /// four latency metrics above.
    PhaseLatency {
        phase: LatencyPhase,
        statistic: Box<Metric>,
    },
}

/// A phase of a request that thresholds may name (`latency.connect.p99`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatencyPhase {
    Dns,
    Connect,
    Tls,
    Send,
    Wait,
    Ttfb,
    Transfer,
}

impl LatencyPhase {
    pub const ALL: [LatencyPhase; 7] = [
        LatencyPhase::Dns,
        LatencyPhase::Connect,
        LatencyPhase::Tls,
        LatencyPhase::Send,
        LatencyPhase::Wait,
        LatencyPhase::Ttfb,
        LatencyPhase::Transfer,
    ];

    /// The name in a metric and in report.json.
    pub fn code(self) -> &'static str {
        match self {
            LatencyPhase::Dns => "dns",
            LatencyPhase::Connect => "connect",
            LatencyPhase::Tls => "tls",
            LatencyPhase::Send => "send",
            LatencyPhase::Wait => "wait",
            LatencyPhase::Ttfb => "ttfb",
            LatencyPhase::Transfer => "transfer",
        }
    }
}

impl Metric {
    /// The metric as written in a scenario and in report.json.
    pub fn name(&self) -> String {
        match self {
            Metric::LatencyPercentile(p) => format!("latency.p{}", percentile_label(*p)),
            Metric::LatencyMean => "latency.mean".into(),
            Metric::LatencyMin => "latency.min".into(),
            Metric::LatencyMax => "latency.max".into(),
            Metric::ErrorRate => "error_rate".into(),
            Metric::Availability => "availability".into(),
            Metric::Throughput => "throughput".into(),
            Metric::Score => "score".into(),
            Metric::Rule(_) => "rule".into(),
            Metric::PhaseLatency { phase, statistic } => {
                let statistic = statistic.name();
                let statistic = statistic.trim_start_matches("latency.");
                format!("latency.{}.{statistic}", phase.code())
            }
        }
    }

    /// The metric named as in a scenario (`rule` needs its code); `None` for an
    /// unknown name or a percentile outside (0, 100].
    pub fn from_name(name: &str, rule: Option<&str>) -> Option<Metric> {
        match name {
            "latency.mean" => Some(Metric::LatencyMean),
            "latency.min" => Some(Metric::LatencyMin),
            "latency.max" => Some(Metric::LatencyMax),
            "error_rate" => Some(Metric::ErrorRate),
            "availability" => Some(Metric::Availability),
            "throughput" => Some(Metric::Throughput),
            "score" => Some(Metric::Score),
            "rule" => rule.map(|code| Metric::Rule(code.to_string())),
            other if let Some((phase, statistic)) = Metric::split_phase(other) => {
                Metric::from_name(&format!("latency.{statistic}"), None)
                    .filter(Metric::is_latency)
                    .map(|statistic| Metric::PhaseLatency {
                        phase,
                        statistic: Box::new(statistic),
                    })
            }
            other => other
                .strip_prefix("latency.p")
                .and_then(|p| p.parse::<f64>().ok())
                .filter(|p| *p > 0.0 && *p <= 100.0)
                .map(Metric::LatencyPercentile),
        }
    }

    /// `latency.ttfb.p95` -> (ttfb, `p95`).
    fn split_phase(name: &str) -> Option<(LatencyPhase, &str)> {
        let rest = name.strip_prefix("latency.")?;
        let (phase, statistic) = rest.split_once('.')?;
        let phase = LatencyPhase::ALL.into_iter().find(|p| p.code() == phase)?;
        Some((phase, statistic))
    }

    /// A latency figure (in seconds), of the whole request or of one phase.
    pub fn is_latency(&self) -> bool {
        matches!(
            self,
            Metric::LatencyPercentile(_)
                | Metric::LatencyMean
                | Metric::LatencyMin
                | Metric::LatencyMax
                | Metric::PhaseLatency { .. }
        )
    }
}

/// `95.0` -> `95`, `99.9` -> `99.9`.
pub fn percentile_label(p: f64) -> String {
    let text = format!("{p}");
    text.strip_suffix(".0").unwrap_or(&text).to_string()
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// In base units: seconds, ratio 0..1, requests/s, index, level.
    Max(f64),
    Min(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricSource {
    Load,
    Probes,
}

/// Whether a status satisfies the probe's `status` expectation (2xx when none):
/// the one rule availability, load and error rates share.
pub fn status_accepted(probe: &Probe, status: u16) -> bool {
    match &probe.expect.status {
        None => StatusPattern::Class(2).accepts(status),
        Some(StatusExpectation::OneOf(patterns)) => patterns.iter().any(|p| p.accepts(status)),
        Some(StatusExpectation::Matcher(matcher)) => matcher
            .check(&[serde_json::Value::from(status)], &Default::default())
            .is_ok(),
    }
}
