//! The typed mirror of a scenario file: fixed structure with `deny_unknown_fields`,
//! so a misspelled key is a parse error with a position; and how a file found in
//! a folder is told to be a scenario ([`TopLevelKeys`]).
//!
//! What each key means, for people, is said once: in the schema editors read,
//! `schemas/scenario.schema.json` (a description and examples on every key), and
//! in `docs/scenario.md`; `tests/docs.rs` checks both name every key.

use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::{Node, Spanned};

/// The keys of a scenario's top level: those of [`RawScenario`].
pub(crate) const SCENARIO_KEYS: [&str; 13] = [
    "version",
    "service",
    "scenario",
    "standards",
    "vars",
    "secrets",
    "defaults",
    "probes",
    "probes_from",
    "availability",
    "load",
    "thresholds",
    "watch",
];

/// The top-level keys of a YAML file, read to tell a scenario, perhaps with a
/// misspelled key, from another YAML file kept in a scenario folder (a CI file,
/// a catalogue).
pub(crate) struct TopLevelKeys(Vec<String>);

impl TopLevelKeys {
    /// A scenario has a key that only scenarios have (any but `version`, which
    /// catalogues and other files share), or a near miss of any scenario key
    /// (`servce`, `probs`, `verison`): within edit distance 2, or 1 for keys of
    /// four letters (`vars`, `load`), which 2 would confuse with `tags` or `args`.
    pub(crate) fn look_like_a_scenario(&self) -> bool {
        self.0.iter().any(|key| {
            let key = key.to_ascii_lowercase();
            SCENARIO_KEYS.iter().any(|known| {
                let allowed = if known.len() <= 4 { 1 } else { 2 };
                if key == *known {
                    *known != "version"
                } else {
                    strsim::levenshtein(&key, known) <= allowed
                }
            })
        })
    }
}

impl<'de> Deserialize<'de> for TopLevelKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TopLevelKeysVisitor)
    }
}

struct TopLevelKeysVisitor;

impl<'de> Visitor<'de> for TopLevelKeysVisitor {
    type Value = TopLevelKeys;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of `key: value` entries")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevelKeys, A::Error> {
        let mut keys = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            map.next_value::<IgnoredAny>()?;
            keys.extend(key.scalar_text());
        }
        Ok(TopLevelKeys(keys))
    }
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
    pub(crate) probes_from: Option<Spanned<RawProbesFrom>>,
    pub(crate) availability: Option<Spanned<RawAvailability>>,
    pub(crate) load: Option<Spanned<RawLoad>>,
    pub(crate) thresholds: Option<Vec<Spanned<RawThreshold>>>,
    pub(crate) watch: Option<Spanned<RawWatch>>,
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
    pub(crate) script_readable_cookies: Option<Vec<Spanned<String>>>,
    /// Officers' statements for the catalogue's `attestation` rules, by rule code
    /// (`validate::attestations` reads the map).
    pub(crate) attestations: Option<Spanned<Node>>,
    /// The rules of an evidence catalogue this service is evidence for.
    pub(crate) evidence_for: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPages {
    pub(crate) home: Option<Spanned<String>>,
    pub(crate) service_standard: Option<Spanned<String>>,
    pub(crate) complaints: Option<Spanned<String>>,
    pub(crate) openapi: Option<Spanned<String>>,
    pub(crate) maklumat: Option<Spanned<String>>,
    pub(crate) skm: Option<Spanned<String>>,
    pub(crate) ppid: Option<Spanned<String>>,
    pub(crate) privacy: Option<Spanned<String>>,
    pub(crate) contact: Option<Spanned<String>>,
    pub(crate) other: Option<Vec<Spanned<String>>>,
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
    pub(crate) auth: Option<Spanned<RawAuth>>,
}

/// `auth:`: how requests authenticate (one of `basic`, `bearer` and `oauth2`).
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAuth {
    pub(crate) basic: Option<Spanned<RawBasicAuth>>,
    pub(crate) bearer: Option<Spanned<String>>,
    pub(crate) oauth2: Option<Spanned<RawOAuth2>>,
}

/// `auth: { oauth2: ... }`: the client-credentials grant.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOAuth2 {
    pub(crate) token_url: Spanned<String>,
    pub(crate) client_id: Spanned<String>,
    pub(crate) client_secret: Spanned<String>,
    pub(crate) scope: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBasicAuth {
    pub(crate) username: Spanned<String>,
    pub(crate) password: Spanned<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTls {
    pub(crate) ca_file: Option<Spanned<String>>,
    pub(crate) insecure: Option<Spanned<bool>>,
    /// A PEM certificate chain file presented to servers that ask for one (mTLS).
    pub(crate) client_cert: Option<Spanned<String>>,
    /// The PEM private key of `client_cert`: a `${secret}`, never written out.
    pub(crate) client_key: Option<Spanned<String>>,
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
    pub(crate) retry: Option<Spanned<RawRetry>>,
    pub(crate) auth: Option<Spanned<RawAuth>>,
    pub(crate) tags: Option<Vec<Spanned<String>>>,
}

/// `retry:` of a functional probe.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRetry {
    /// A number, or a string that interpolates to one (`${env:RETRIES:-3}`).
    pub(crate) attempts: Spanned<Node>,
    pub(crate) delay: Option<Spanned<String>>,
    pub(crate) on: Option<Spanned<Vec<Spanned<String>>>>,
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

/// `probes_from:`: probes from the service's OpenAPI document.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProbesFrom {
    pub(crate) openapi: Spanned<String>,
    pub(crate) include: Option<Vec<Spanned<String>>>,
    pub(crate) exclude: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAvailability {
    pub(crate) probes: Option<Spanned<Vec<Spanned<String>>>>,
    pub(crate) every: Spanned<String>,
    /// A number, or a string that interpolates to one.
    pub(crate) samples: Option<Spanned<Node>>,
    #[serde(rename = "for")]
    pub(crate) window: Option<Spanned<String>>,
    pub(crate) allow_unsafe_methods: Option<Spanned<bool>>,
}

/// `watch:`: how `ujilab watch` probes the scenario continuously.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWatch {
    pub(crate) every: Option<Spanned<String>>,
    pub(crate) timeout: Option<Spanned<String>>,
    pub(crate) down_after: Option<Spanned<u32>>,
    pub(crate) up_after: Option<Spanned<u32>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLoad {
    pub(crate) probes: Option<Spanned<Node>>,
    pub(crate) model: Option<Spanned<String>>,
    pub(crate) rate: Option<Spanned<String>>,
    /// A number, or a string that interpolates to one (as `requests`).
    pub(crate) concurrency: Option<Spanned<Node>>,
    pub(crate) duration: Option<Spanned<String>>,
    pub(crate) requests: Option<Spanned<Node>>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::raw::parse;

    fn looks_like_a_scenario(text: &str) -> bool {
        parse::<TopLevelKeys>(text)
            .unwrap_or_else(|error| panic!("{error:?}"))
            .look_like_a_scenario()
    }

    #[test]
    fn the_scenario_keys_are_those_of_the_raw_mirror() {
        let Err(error) = parse::<RawScenario>("bogus: 1\n") else {
            panic!("should fail")
        };
        assert_eq!(
            error.message.en,
            format!(
                "unknown key `bogus`; expected one of: {}",
                SCENARIO_KEYS.join(", ")
            )
        );
        assert_eq!(
            error.message.id,
            format!(
                "kunci `bogus` tidak dikenal; kunci yang dikenal: {}",
                SCENARIO_KEYS.map(|key| format!("`{key}`")).join(", ")
            )
        );
    }

    #[test]
    fn a_misspelled_scenario_is_a_scenario_and_other_files_are_not() {
        for scenario in [
            "version: 1\nservice: {}\n",
            "verison: 1\nservce: {}\nprobs: []\n",
            "servce: {}\n",
            "probs: []\n",
            "Probes: []\n",
            "vars: {}\n",
            "var: {}\n",
        ] {
            assert!(looks_like_a_scenario(scenario), "{scenario:?}");
        }
        for other in [
            // A CI file, a catalogue, a Kubernetes manifest, an OpenAPI document.
            "stages: [test]\njobs: {}\n",
            "catalogue: mine\nversion: \"1\"\ntitle: {}\nbands: []\nrules: []\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\ndata: {}\n",
            "openapi: 3.1.0\ninfo: {}\npaths: {}\ntags: []\nservers: []\n",
            "args: []\n1: x\n",
        ] {
            assert!(!looks_like_a_scenario(other), "{other:?}");
        }
    }
}
