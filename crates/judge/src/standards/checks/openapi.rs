//! IO-03 `openapi`: `pages.openapi` answers an OpenAPI 3 document (JSON or YAML
//! with an `openapi: 3.x` key) that validates as OpenAPI 3.0 or 3.1: the fields
//! the specification requires and the shapes of its objects
//! (`openapi_document.schema.json`), and every local `$ref` resolving. A
//! document with an `openapi: 3.x` key that does not validate fails, naming its
//! first problems; Swagger 2.0 fails with "publish OpenAPI 3". Not applicable
//! without API probes; level 1 when no such page is declared.

use std::sync::OnceLock;

use serde_json::Value;

use observe::observations::PageRole;

use crate::standards::checks::{Input, PageState};
use crate::standards::say::{self, ApiDocument};
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    if !facts.has_api_probes() {
        return RuleOutcome::not_applicable(say::no_api_probes());
    }
    if !facts.declared(PageRole::Openapi) {
        return input.level_of_outcome(
            "fail",
            Evidence {
                measured: Some(say::no_openapi_declared()),
                notes: vec![say::declare_openapi()],
                ..Evidence::default()
            },
        );
    }
    let Some(page) = facts.page(PageRole::Openapi) else {
        return RuleOutcome::inconclusive(say::openapi_not_fetched());
    };
    let response = match (&page.state, &page.fetch.exchange.response) {
        (PageState::Failed(_), _) | (_, None) => {
            return match page.read() {
                crate::standards::checks::PageRead::Failed(evidence)
                | crate::standards::checks::PageRead::Missing(evidence) => RuleOutcome {
                    outcome: crate::standards::Outcome::Inconclusive,
                    evidence,
                },
                crate::standards::checks::PageRead::Html(_) => {
                    RuleOutcome::inconclusive(say::no_response())
                }
            };
        }
        (PageState::Missing(status), _) => {
            return input.level_of_outcome(
                "fail",
                Evidence {
                    measured: Some(say::status_at(*status, &page.url)),
                    ..page.evidence()
                },
            );
        }
        (_, Some(response)) => response,
    };
    let document: Option<Value> = serde_json::from_slice(&response.body)
        .ok()
        .or_else(|| input::scenario::raw::parse::<Value>(&response.text).ok());
    let found = match document.as_ref().and_then(Value::as_object) {
        Some(object) => match (object.get("openapi"), object.get("swagger")) {
            (Some(Value::String(version)), _) if version.starts_with("3.") => {
                let problems = document.as_ref().map(problems).unwrap_or_default();
                if problems.is_empty() {
                    ApiDocument::OpenApi3(version)
                } else {
                    ApiDocument::InvalidOpenApi3 { version, problems }
                }
            }
            (Some(other), _) => ApiDocument::OtherOpenApi(other.to_string()),
            (None, Some(_)) => ApiDocument::Swagger2,
            (None, None) => ApiDocument::NoOpenApiKey,
        },
        None => ApiDocument::Unreadable(response.header("content-type")),
    };
    let pass = matches!(found, ApiDocument::OpenApi3(_));
    let measured = say::api_document(&found);
    input.level_of_outcome(
        if pass { "pass" } else { "fail" },
        Evidence {
            measured: Some(measured),
            ..page.evidence()
        },
    )
}

/// What IO-03 requires of a 3.0 or 3.1 document, as JSON Schema.
const DOCUMENT_SCHEMA: &str = include_str!("openapi_document.schema.json");

/// At most this many problems are named in the evidence.
const SHOWN_PROBLEMS: usize = 3;

/// Why `document` is not a valid OpenAPI 3.0/3.1 document: each schema error
/// at its JSON pointer (the document's own values masked), then each local
/// `$ref` that points at nothing. Empty when it validates.
pub fn problems(document: &Value) -> Vec<String> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        let schema: Value = serde_json::from_str(DOCUMENT_SCHEMA).ok()?;
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&schema)
            .ok()
    });
    let mut problems: Vec<String> = match validator {
        Some(validator) => validator
            .iter_errors(document)
            .map(|error| {
                format!(
                    "{}: {}",
                    pointer(&error.instance_path().to_string()),
                    error.masked()
                )
            })
            .collect(),
        None => vec!["ujilab's OpenAPI schema did not build".to_string()],
    };
    let mut references = Vec::new();
    local_references(document, &mut references);
    for reference in references {
        let target = reference.trim_start_matches('#');
        if document.pointer(target).is_none() {
            problems.push(format!("$ref {reference}: nothing there"));
        }
    }
    problems
}

fn pointer(path: &str) -> &str {
    if path.is_empty() { "/" } else { path }
}

/// Every `$ref` within the document (`#/...`).
fn local_references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) if reference.starts_with("#/") => {
                        found.push(reference);
                    }
                    _ => local_references(value, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| local_references(item, found)),
        _ => {}
    }
}

/// The first problems, for the evidence.
pub fn shown(problems: &[String]) -> Vec<String> {
    problems.iter().take(SHOWN_PROBLEMS).cloned().collect()
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    fn with(status: u16, content_type: &str, body: &str) -> crate::standards::RuleOutcome {
        let mut obs = observations();
        obs.pages
            .push(page(PageRole::Openapi, status, content_type, body));
        run_rule("IO-03", &scenario(""), &obs)
    }

    #[test]
    fn pass_and_fail() {
        assert_eq!(
            level(&with(
                200,
                "application/json",
                r#"{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{}}"#
            )),
            5
        );
        assert_eq!(
            level(&with(
                200,
                "application/yaml",
                "openapi: 3.0.3\ninfo: {title: x, version: \"1\"}\npaths: {}\n"
            )),
            5
        );
        let swagger = with(200, "application/json", r#"{"swagger":"2.0"}"#);
        assert_eq!(level(&swagger), 1);
        assert_eq!(measured(&swagger), "Swagger 2.0; publish OpenAPI 3");
        assert_eq!(measured_id(&swagger), "Swagger 2.0; publikasikan OpenAPI 3");
        // An `openapi: 3.x` key is not enough: the document must validate.
        let no_info = with(200, "application/json", r#"{"openapi":"3.0.3","paths":{}}"#);
        assert_eq!(level(&no_info), 1);
        assert!(
            measured(&no_info).contains("does not validate"),
            "{}",
            measured(&no_info)
        );
        assert!(
            measured(&no_info).contains("info"),
            "{}",
            measured(&no_info)
        );
        let missing = with(404, "text/html", "not found");
        assert_eq!(level(&missing), 1);
        assert_eq!(
            measured(&missing),
            "HTTP 404 at https://svc.example.go.id/openapi.json"
        );
        assert_eq!(level(&with(200, "text/html", "<html>docs</html>")), 1);
        assert_eq!(level(&with(503, "text/html", "")), -1);
    }

    fn document_problems(text: &str) -> Vec<String> {
        super::problems(&serde_json::from_str(text).expect("json"))
    }

    /// Each requirement of the specification, broken one at a time, is named.
    #[test]
    fn invalid_documents_are_named_by_their_problem() {
        let valid = r##"{"openapi":"3.0.3","info":{"title":"API","version":"1"},
            "paths":{"/health":{"get":{"operationId":"health","parameters":[{"name":"x","in":"query"}],
              "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/H"}}}}}}}},
            "components":{"schemas":{"H":{"type":"object"}}}}"##;
        assert_eq!(document_problems(valid), Vec::<String>::new());
        for (broken, expected) in [
            (valid.replace(r#""version":"1""#, r#""versi":"1""#), "/info"),
            (
                valid.replace(r#""description":"ok","#, ""),
                "/paths/~1health/get/responses/200",
            ),
            (
                valid.replace(r#""in":"query""#, r#""in":"body""#),
                "/paths/~1health/get/parameters/0",
            ),
            (
                valid.replace(r#""in":"query""#, r#""in":"path""#),
                "/paths/~1health/get/parameters/0",
            ),
            (valid.replace("\"/health\"", "\"health\""), "/paths"),
            (
                valid.replace("#/components/schemas/H", "#/components/schemas/Tidak"),
                "$ref #/components/schemas/Tidak",
            ),
            (
                valid.replace(r#""200":"#, r#""OK":"#),
                "/paths/~1health/get/responses",
            ),
            (
                valid.replace(r#""openapi":"3.0.3""#, r#""openapi":"3.2""#),
                "/openapi",
            ),
        ] {
            let problems = document_problems(&broken);
            assert!(
                problems.iter().any(|problem| problem.starts_with(expected)),
                "{expected}: {problems:?}"
            );
        }
        // 3.0 requires responses on every operation; 3.1 does not.
        let without_responses =
            r#"{"openapi":"3.0.3","info":{"title":"API","version":"1"},"paths":{"/a":{"get":{}}}}"#;
        assert_eq!(
            document_problems(without_responses),
            vec!["/paths/~1a/get: \"responses\" is a required property".to_string()]
        );
        assert_eq!(
            document_problems(&without_responses.replace("3.0.3", "3.1.0")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn not_declared_and_not_applicable() {
        let undeclared = scenario(
            "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\nprobes:\n  - id: api\n    request: { path: /api, headers: { Accept: application/json } }\n",
        );
        assert_eq!(level(&run_rule("IO-03", &undeclared, &observations())), 1);
        let pages_only = scenario(
            "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\nprobes:\n  - id: p\n    request: { path: / }\n",
        );
        assert_eq!(level(&run_rule("IO-03", &pages_only, &observations())), 0);
    }
}
