//! The typed mirror of a scenario file: fixed structure with `deny_unknown_fields`,
//! so a misspelled key is a parse error with a position.

use serde::de;
use serde::{Deserialize, Serialize};

use super::{Node, Spanned};

/// Only the two keys that tell a scenario file from another YAML file in a folder.
#[derive(Deserialize)]
pub(crate) struct Identity {
    pub(crate) version: Option<de::IgnoredAny>,
    pub(crate) service: Option<de::IgnoredAny>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub(crate) version: Spanned<Node>,
    pub(crate) service: Spanned<RawService>,
    pub(crate) scenario: Option<Spanned<String>>,
    pub(crate) standards: Option<Spanned<RawStandards>>,
    pub(crate) vars: Option<Spanned<Node>>,
    pub(crate) secrets: Option<Spanned<Node>>,
    pub(crate) defaults: Option<Spanned<RawDefaults>>,
    pub(crate) probes: Spanned<Vec<Spanned<RawProbe>>>,
    pub(crate) availability: Option<Spanned<RawAvailability>>,
    pub(crate) load: Option<Spanned<RawLoad>>,
    pub(crate) thresholds: Option<Vec<Spanned<RawThreshold>>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawService {
    pub(crate) id: Spanned<String>,
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) owner: Option<Spanned<String>>,
    pub(crate) sector: Option<Spanned<String>>,
    pub(crate) region: Option<Spanned<RawRegion>>,
    pub(crate) base_url: Spanned<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRegion {
    pub(crate) code: Option<Spanned<String>>,
    pub(crate) name: Option<Spanned<String>>,
    #[serde(rename = "type")]
    pub(crate) kind: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStandards {
    pub(crate) profile: Spanned<String>,
    pub(crate) gate: Option<Spanned<String>>,
    pub(crate) pages: Option<Spanned<RawPages>>,
    pub(crate) http_url: Option<Spanned<String>>,
    pub(crate) waive: Option<Vec<Spanned<RawWaiver>>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPages {
    pub(crate) home: Option<Spanned<String>>,
    pub(crate) service_standard: Option<Spanned<String>>,
    pub(crate) complaints: Option<Spanned<String>>,
    pub(crate) openapi: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWaiver {
    pub(crate) rule: Spanned<String>,
    pub(crate) reason: Spanned<String>,
    pub(crate) until: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDefaults {
    pub(crate) timeout: Option<Spanned<String>>,
    pub(crate) headers: Option<Spanned<Node>>,
    pub(crate) max_redirects: Option<Spanned<u32>>,
    pub(crate) max_body: Option<Spanned<String>>,
    pub(crate) http: Option<Spanned<Node>>,
    pub(crate) cookies: Option<Spanned<bool>>,
    pub(crate) proxy: Option<Spanned<Node>>,
    pub(crate) resolve: Option<Spanned<Node>>,
    pub(crate) tls: Option<Spanned<RawTls>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTls {
    pub(crate) ca_file: Option<Spanned<String>>,
    pub(crate) insecure: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProbe {
    pub(crate) id: Spanned<String>,
    pub(crate) kind: Option<Spanned<String>>,
    pub(crate) request: Spanned<RawRequest>,
    pub(crate) timeout: Option<Spanned<String>>,
    pub(crate) max_redirects: Option<Spanned<u32>>,
    pub(crate) max_body: Option<Spanned<String>>,
    pub(crate) expect: Option<Spanned<RawExpect>>,
    pub(crate) capture: Option<Spanned<Node>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRequest {
    pub(crate) method: Option<Spanned<String>>,
    pub(crate) path: Option<Spanned<String>>,
    pub(crate) url: Option<Spanned<String>>,
    pub(crate) query: Option<Spanned<Node>>,
    pub(crate) headers: Option<Spanned<Node>>,
    pub(crate) json: Option<Spanned<Node>>,
    pub(crate) form: Option<Spanned<Node>>,
    pub(crate) body: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExpect {
    pub(crate) status: Option<Spanned<Node>>,
    pub(crate) latency: Option<Spanned<String>>,
    pub(crate) headers: Option<Spanned<Node>>,
    pub(crate) body: Option<Spanned<Node>>,
    pub(crate) json: Option<Spanned<Node>>,
    pub(crate) schema: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAvailability {
    pub(crate) probes: Option<Spanned<Vec<Spanned<String>>>>,
    pub(crate) every: Spanned<String>,
    pub(crate) samples: Option<Spanned<u64>>,
    #[serde(rename = "for")]
    pub(crate) window: Option<Spanned<String>>,
    pub(crate) allow_unsafe_methods: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLoad {
    pub(crate) probes: Option<Spanned<Node>>,
    pub(crate) model: Option<Spanned<String>>,
    pub(crate) rate: Option<Spanned<String>>,
    pub(crate) concurrency: Option<Spanned<u64>>,
    pub(crate) duration: Option<Spanned<String>>,
    pub(crate) requests: Option<Spanned<u64>>,
    pub(crate) warmup: Option<Spanned<String>>,
    pub(crate) allow_unsafe_methods: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawThreshold {
    pub(crate) metric: Spanned<String>,
    pub(crate) probe: Option<Spanned<String>>,
    pub(crate) rule: Option<Spanned<String>>,
    pub(crate) max: Option<Spanned<Node>>,
    pub(crate) min: Option<Spanned<Node>>,
    pub(crate) source: Option<Spanned<String>>,
}
