//! Hand-made observations for the checks' unit tests: the standards stage is pure,
//! so every level a check can give is tested without a network.

use std::time::{Duration, SystemTime};

use bytes::Bytes;

use input::catalogue::built_in;
use input::scenario::{Environment, LoadSettings, Loaded, Scenario, Source, load_all};
use observe::exchange::{Exchange, Hop, Response, TransportError, TransportKind};
use observe::observations::{Observations, PageFetch, PageRole, Phases, ProbeOutcome, ProbeResult};
use observe::redact::Redactor;
use observe::timing::Timings;

use crate::standards::RuleOutcome;
use crate::standards::checks::{Facts, Input};

pub const BASE: &str = "https://svc.example.go.id";

/// 2026-06-01T00:00:00Z: the clock of every test run.
pub fn started_at() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_780_272_000)
}

const DEFAULT_SCENARIO: &str = r#"
version: 1
service: { id: test, base_url: "https://svc.example.go.id" }
standards:
  profile: idsll-core
  pages:
    home: /
    service_standard: /standar-pelayanan
    complaints: /pengaduan
    openapi: /openapi.json
probes:
  - id: beranda
    request: { path: / }
  - id: api
    request: { path: /api, headers: { Accept: application/json } }
"#;

/// The default scenario scored with idsll-core 2026.1: for the tests of what
/// 2026.1 keeps doing (its service_standard and binary complaint_channel rules).
pub fn scenario_2026_1() -> Scenario {
    scenario(&DEFAULT_SCENARIO.replace("profile: idsll-core\n", "profile: idsll-core@2026.1\n"))
}

/// Loads a scenario from YAML (the default one when `yaml` is empty).
pub fn scenario(yaml: &str) -> Scenario {
    let text = if yaml.is_empty() {
        DEFAULT_SCENARIO
    } else {
        yaml
    };
    let settings = LoadSettings {
        env: Environment::empty(),
        ..LoadSettings::default()
    };
    let source = Source {
        name: "test.yaml".into(),
        bytes: text.as_bytes().to_vec(),
        named: true,
    };
    match load_all(&[source], &settings, &mut Vec::new()).pop() {
        Some(Loaded::Ready { scenario, .. }) => *scenario,
        Some(Loaded::Failed(failure)) => panic!("{}", failure.render(input::lang::Lang::En)),
        None => panic!("nothing loaded"),
    }
}

/// Empty observations at [`started_at`].
pub fn observations() -> Observations {
    Observations {
        started_at: started_at(),
        finished_at: started_at() + Duration::from_secs(10),
        probes: Vec::new(),
        generated: Vec::new(),
        availability: None,
        load: None,
        pages: Vec::new(),
        tls: None,
        http_check: None,
        phases: Phases::default(),
        complete: true,
        redactor: Redactor::new(Vec::new()),
    }
}

pub fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), (*value).to_string()))
        .collect();
    let content_encoding = headers
        .iter()
        .find(|(name, _)| name == "content-encoding")
        .map(|(_, value)| value.clone());
    Response {
        status,
        version: "HTTP/1.1".into(),
        headers: headers.clone(),
        raw_headers: headers,
        body: Bytes::copy_from_slice(body.as_bytes()),
        text: body.to_string(),
        wire_bytes: body.len() as u64,
        body_bytes: body.len() as u64,
        remote_addr: Some("127.0.0.1:443".into()),
        content_encoding,
        decode_note: None,
    }
}

pub fn exchange(url: &str, response: Response) -> Exchange {
    Exchange {
        method: "GET".into(),
        url: url.into(),
        final_url: url.into(),
        request_headers: vec![("accept-encoding".into(), "gzip, br, zstd".into())],
        redirects: Vec::new(),
        response: Some(response),
        error: None,
        received: None,
        started_at: started_at(),
        latency: Duration::from_millis(20),
        timings: Timings {
            ttfb: Some(Duration::from_millis(15)),
            transfer: Some(Duration::from_millis(5)),
            total: Duration::from_millis(20),
            ..Timings::default()
        },
    }
}

pub fn failed_exchange(url: &str, kind: TransportKind, message: &str) -> Exchange {
    Exchange {
        response: None,
        error: Some(TransportError {
            kind,
            message: message.into(),
        }),
        ..exchange(url, response(200, &[], ""))
    }
}

pub fn hop(url: &str, status: u16, headers: &[(&str, &str)]) -> Hop {
    Hop {
        url: url.into(),
        status,
        location: String::new(),
        headers: headers
            .iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), (*value).to_string()))
            .collect(),
        timings: Timings::default(),
    }
}

/// A passed result of the scenario's probe `id` (its kind is the scenario's).
pub fn probe_result(id: &str, exchange: Exchange) -> ProbeResult {
    ProbeResult {
        id: id.into(),
        outcome: ProbeOutcome::Passed,
        exchange: Some(exchange),
        checks: Vec::new(),
        earlier_attempts: Vec::new(),
    }
}

pub fn page_url(role: PageRole) -> String {
    let path = match role {
        PageRole::Home => "/",
        PageRole::ServiceStandard => "/standar-pelayanan",
        PageRole::Complaints => "/pengaduan",
        PageRole::Openapi => "/openapi.json",
        PageRole::Maklumat => "/maklumat",
        PageRole::Skm => "/skm",
        PageRole::Ppid => "/ppid",
        PageRole::Privacy => "/privasi",
        PageRole::Contact => "/kontak",
        PageRole::Other => "/masuk",
        PageRole::ApiUnknownPath => "/api/ujilab-tidak-ada-404",
        PageRole::VersionFile => "/readme.html",
        PageRole::CmsUsers => "/wp-json/wp/v2/users",
        PageRole::CmsAuthor => "/?author=1",
        PageRole::CmsXmlrpc => "/xmlrpc.php",
    };
    format!("{BASE}{path}")
}

pub fn page(role: PageRole, status: u16, content_type: &str, body: &str) -> PageFetch {
    page_with(
        role,
        response(status, &[("content-type", content_type)], body),
    )
}

pub fn page_with(role: PageRole, response: Response) -> PageFetch {
    PageFetch {
        role,
        url: page_url(role),
        exchange: exchange(&page_url(role), response),
        attempts: 1,
    }
}

/// An HTML page fetch with extra headers.
pub fn html_page(role: PageRole, headers: &[(&str, &str)], body: &str) -> PageFetch {
    let mut all = vec![("content-type", "text/html; charset=utf-8")];
    all.extend_from_slice(headers);
    page_with(role, response(200, &all, body))
}

/// Runs rule `code` of the scenario's catalogue (the built-in default when it
/// has no `standards:`) on hand-made observations.
pub fn run_rule(code: &str, scenario: &Scenario, observations: &Observations) -> RuleOutcome {
    run_rule_with_load(code, scenario, observations, None)
}

pub fn run_rule_with_load(
    code: &str,
    scenario: &Scenario,
    observations: &Observations,
    load: Option<crate::standards::LoadFigures<'_>>,
) -> RuleOutcome {
    let catalogue = match &scenario.standards {
        Some(standards) => standards.catalogue.clone(),
        None => {
            built_in().unwrap_or_else(|failure| panic!("{}", failure.render(input::lang::Lang::En)))
        }
    };
    let Some(rule) = catalogue.rule(code) else {
        panic!("no rule {code}")
    };
    let facts = Facts::new(scenario, observations, load);
    crate::standards::checks::check_of(rule.check).expect("every kind has a check")(&Input {
        code: &rule.code,
        params: &rule.params,
        levels: &rule.levels,
        facts: &facts,
    })
}

/// The evidence's measured value, or "" without one.
/// The measured value in English.
pub fn measured(outcome: &RuleOutcome) -> &str {
    outcome
        .evidence
        .measured
        .as_ref()
        .map_or("", |text| text.en.as_str())
}

/// The notes in English.
pub fn notes_en(outcome: &RuleOutcome) -> Vec<&str> {
    outcome
        .evidence
        .notes
        .iter()
        .map(|note| note.en.as_str())
        .collect()
}

/// The measured value in Indonesian.
pub fn measured_id(outcome: &RuleOutcome) -> &str {
    outcome
        .evidence
        .measured
        .as_ref()
        .map_or("", |text| text.id.as_str())
}

/// The level, or 0 for not applicable and -1 for inconclusive: short assertions.
pub fn level(outcome: &RuleOutcome) -> i8 {
    match outcome.outcome {
        crate::standards::Outcome::Level(level) => level as i8,
        crate::standards::Outcome::NotApplicable => 0,
        crate::standards::Outcome::Inconclusive => -1,
    }
}
