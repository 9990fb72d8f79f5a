//! An incident's evidence: its first failing exchange as JSON (redacted when the
//! exchange was recorded; the body excerpt redacted here), and the one-line
//! summary alerts and the status page show.

use observe::redact::Redactor;
use run::continuous::WatchSample;
use serde::{Deserialize, Serialize};

/// The most body text kept as evidence.
const EXCERPT_BYTES: usize = 1024;

/// What an incident keeps of the exchange that failed first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    pub probe: String,
    pub method: Option<String>,
    pub url: Option<String>,
    pub at: Option<String>,
    pub status: Option<u16>,
    pub error_kind: Option<String>,
    pub error: Option<String>,
    pub latency_ms: Option<f64>,
    #[serde(default)]
    pub response_headers: Vec<(String, String)>,
    pub body_excerpt: Option<String>,
}

/// The evidence of a failed sample, as JSON text.
pub fn of(sample: &WatchSample, redactor: &Redactor) -> String {
    let exchange = sample.exchange.as_ref();
    let response = exchange.and_then(|exchange| exchange.response.as_ref());
    let body_excerpt = response.map(|response| {
        let mut end = response.text.len().min(EXCERPT_BYTES);
        while !response.text.is_char_boundary(end) {
            end -= 1;
        }
        redactor.redact(&response.text[..end]).into_owned()
    });
    let evidence = Evidence {
        probe: sample.sample.probe.clone(),
        method: exchange.map(|e| e.method.clone()),
        url: exchange.map(|e| e.url.clone()),
        at: sample
            .sample
            .at
            .map(|at| crate::time::rfc3339_ms(crate::schedule::ms_of(at))),
        status: sample.sample.status,
        error_kind: sample.sample.error_kind.map(|kind| kind.code().to_string()),
        error: sample
            .sample
            .error
            .as_ref()
            .map(|error| redactor.redact(error).into_owned()),
        latency_ms: exchange.map(|e| e.latency.as_secs_f64() * 1000.0),
        response_headers: response.map(|r| r.headers.clone()).unwrap_or_default(),
        body_excerpt,
    };
    serde_json::to_string(&evidence).unwrap_or_default()
}

pub fn parse(text: &str) -> Option<Evidence> {
    serde_json::from_str(text).ok()
}

/// `health: HTTP 500 at http://...`, `health: timeout (...)`.
pub fn summary(text: &str) -> Option<String> {
    let evidence = parse(text)?;
    let what = match (&evidence.status, &evidence.error_kind, &evidence.error) {
        (_, Some(kind), Some(error)) => format!("{kind} ({error})"),
        (_, Some(kind), None) => kind.clone(),
        (Some(status), _, _) => format!("HTTP {status}"),
        (None, None, Some(error)) => error.clone(),
        (None, None, None) => "failed".to_string(),
    };
    let url = evidence
        .url
        .as_deref()
        .map(|url| format!(" {url}"))
        .unwrap_or_default();
    Some(format!("{}: {what}{url}", evidence.probe))
}
