//! `probes_from:`: probes a scenario does not write itself but takes from the
//! service's API description. The run stage expands it (one probe per GET
//! operation it can call); this is what the scenario says.

use std::sync::Arc;

use crate::scenario::interpolate::Template;
use crate::scenario::matcher::{Matcher, Op, Operand};
use crate::scenario::model::{
    Body, Expectations, Probe, ProbeKind, Scenario, SchemaExpectation, StatusExpectation,
    StatusPattern, Target,
};

/// `probes_from: { openapi, include, exclude }`.
#[derive(Debug, Clone)]
pub struct ProbesFrom {
    pub openapi: OpenApiSource,
    /// Operations kept: an `operationId`, or a path pattern (`/api/v1/*`, `*`
    /// any run of characters). Every GET operation when empty.
    pub include: Vec<String>,
    /// Operations left out, named the same way; wins over `include`.
    pub exclude: Vec<String>,
}

/// Where the OpenAPI document is.
#[derive(Debug, Clone)]
pub enum OpenApiSource {
    /// Fetched by the run stage: an absolute URL, or a path under base_url.
    Url(url::Url),
    /// A file next to the scenario, read and parsed (JSON or YAML) when the
    /// scenario was loaded.
    File {
        file: String,
        document: Arc<serde_json::Value>,
    },
}

impl ProbesFrom {
    /// Whether the operation `operation_id` at `path` is to be probed.
    pub fn keeps(&self, operation_id: Option<&str>, path: &str) -> bool {
        let named = |pattern: &String| {
            Some(pattern.as_str()) == operation_id
                || (pattern.starts_with('/') && glob_matches(pattern, path))
        };
        (self.include.is_empty() || self.include.iter().any(named))
            && !self.exclude.iter().any(named)
    }
}

/// `*` matches any run of characters; everything else matches itself.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (index, part) in parts.iter().enumerate() {
        if index + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// A probe the run stage made from one OpenAPI operation: what to ask and
/// what the document says comes back.
#[derive(Debug, Clone)]
pub struct OperationProbe {
    /// Unique among the scenario's probes.
    pub id: String,
    pub operation_id: Option<String>,
    /// The path template as the document writes it (`/api/v1/penduduk/{nik}`).
    pub template: String,
    /// The path (and query) sent, parameters filled with their examples.
    pub path: String,
    /// The success statuses declared (`200`, `2XX`); any 2xx when none.
    pub statuses: Vec<StatusPattern>,
    /// The content type declared for the success response, if one.
    pub content_type: Option<String>,
    pub schema: Option<SchemaExpectation>,
}

impl OperationProbe {
    /// The probe sent: a GET of `path` under base_url with the scenario's
    /// defaults (headers, timeout, redirects, body cap), expecting what the
    /// document declares; never retried (the scenario asked no retry of it).
    pub fn to_probe(&self, scenario: &Scenario) -> Probe {
        let defaults = &scenario.request_defaults;
        let statuses = if self.statuses.is_empty() {
            vec![StatusPattern::Class(2)]
        } else {
            self.statuses.clone()
        };
        let headers = self
            .content_type
            .iter()
            .map(|media_type| {
                (
                    "content-type".to_string(),
                    Matcher {
                        ops: vec![Op::Contains(Operand::Value(serde_json::Value::String(
                            media_type.clone(),
                        )))],
                    },
                )
            })
            .collect();
        Probe {
            id: self.id.clone(),
            kind: ProbeKind::Api,
            method: http::Method::GET,
            target: Target::Path(Template::literal(self.path.clone())),
            query: Vec::new(),
            headers: defaults
                .headers
                .iter()
                .map(|(name, value)| (name.clone(), Template::literal(value.clone())))
                .collect(),
            body: Body::None,
            timeout: defaults.timeout,
            max_redirects: defaults.max_redirects,
            max_body: defaults.max_body,
            expect: Expectations {
                status: Some(StatusExpectation::OneOf(statuses)),
                headers,
                schema: self.schema.clone(),
                ..Expectations::default()
            },
            captures: Vec::new(),
            retry: None,
            oauth2: None,
            tags: Vec::new(),
        }
    }
}

/// Compiles an operation's response schema. `document` is the whole OpenAPI
/// document, kept beside the schema so that its `#/components/...` references
/// resolve; 3.0 schemas are read as draft 4 (their `exclusiveMaximum` is a
/// boolean), 3.1 as 2020-12. `named` is how messages name it.
pub fn response_schema(
    schema: &serde_json::Value,
    document: &serde_json::Value,
    openapi_31: bool,
    named: String,
) -> Result<SchemaExpectation, String> {
    let mut root = match schema {
        serde_json::Value::Object(map) => map.clone(),
        serde_json::Value::Bool(true) => serde_json::Map::new(),
        other => return Err(format!("not a schema: {other}")),
    };
    if let Some(components) = document.get("components") {
        root.entry("components")
            .or_insert_with(|| components.clone());
    }
    let draft = if openapi_31 {
        jsonschema::Draft::Draft202012
    } else {
        for value in root.values_mut() {
            nullable_as_type(value);
        }
        jsonschema::Draft::Draft4
    };
    jsonschema::options()
        .with_draft(draft)
        .build(&serde_json::Value::Object(root))
        .map(|validator| SchemaExpectation {
            file: named,
            validator: std::sync::Arc::new(validator),
        })
        .map_err(|error| error.to_string())
}

/// OpenAPI 3.0's `nullable: true`, which JSON Schema draft 4 does not know,
/// written as draft 4 says it: `null` added to the `type` (and to an `enum`).
/// Without it a null the document allows would fail the generated probe. A
/// `nullable` beside a `$ref` stays without effect, as OpenAPI 3.0 reads it.
fn nullable_as_type(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            if map.remove("nullable") == Some(Value::Bool(true)) {
                match map.get_mut("type") {
                    Some(Value::String(kind)) => {
                        let kind = Value::String(std::mem::take(kind));
                        map.insert("type".into(), Value::Array(vec![kind, "null".into()]));
                    }
                    Some(Value::Array(kinds)) if !kinds.contains(&"null".into()) => {
                        kinds.push("null".into());
                    }
                    _ => {}
                }
                if let Some(Value::Array(values)) = map.get_mut("enum")
                    && !values.contains(&Value::Null)
                {
                    values.push(Value::Null);
                }
            }
            map.values_mut().for_each(nullable_as_type);
        }
        Value::Array(items) => items.iter_mut().for_each(nullable_as_type),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_3_0_nullable_field_takes_null_and_nothing_else_more() {
        let schema = serde_json::json!({
            "type": "object",
            "properties": {
                "nama": { "type": "string", "nullable": true },
                "status": { "type": "string", "enum": ["TERBIT"], "nullable": true },
                "nik": { "$ref": "#/components/schemas/Nik" },
                "alamat": { "type": "string" }
            }
        });
        let document = serde_json::json!({
            "openapi": "3.0.3",
            "components": { "schemas": { "Nik": { "type": "string", "nullable": true } } }
        });
        let compiled = response_schema(&schema, &document, false, "t".into()).expect("compiles");
        let valid = |body: serde_json::Value| compiled.validator.is_valid(&body);
        assert!(valid(
            serde_json::json!({ "nama": null, "status": null, "nik": null })
        ));
        assert!(valid(
            serde_json::json!({ "nama": "Budi", "status": "TERBIT", "nik": "3299" })
        ));
        // What the document does not allow still fails.
        assert!(!valid(serde_json::json!({ "nama": 5 })));
        assert!(!valid(serde_json::json!({ "status": "DITOLAK" })));
        assert!(!valid(serde_json::json!({ "alamat": null })));
        // 3.1 has no `nullable`: the document says `type: [string, "null"]` itself.
        let strict = response_schema(&schema, &document, true, "t".into()).expect("compiles");
        assert!(
            !strict
                .validator
                .is_valid(&serde_json::json!({ "nama": null }))
        );
    }

    fn from(include: &[&str], exclude: &[&str]) -> ProbesFrom {
        ProbesFrom {
            openapi: OpenApiSource::Url(
                url::Url::parse("https://x.go.id/openapi.json").expect("url"),
            ),
            include: include.iter().map(|s| s.to_string()).collect(),
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn operations_are_kept_by_id_or_path_pattern() {
        assert!(from(&[], &[]).keeps(Some("health"), "/health"));
        assert!(from(&["health"], &[]).keeps(Some("health"), "/health"));
        assert!(!from(&["health"], &[]).keeps(Some("getPenduduk"), "/api/v1/penduduk/{nik}"));
        assert!(from(&["/api/*"], &[]).keeps(None, "/api/v1/penduduk/{nik}"));
        assert!(!from(&["/api/*"], &[]).keeps(None, "/health"));
        assert!(!from(&[], &["/api/*/penduduk/*"]).keeps(None, "/api/v1/penduduk/{nik}"));
        assert!(!from(&["health"], &["health"]).keeps(Some("health"), "/health"));
        assert!(!from(&["/health"], &[]).keeps(None, "/healthz"));
    }
}
