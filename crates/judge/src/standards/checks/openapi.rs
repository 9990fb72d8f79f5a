//! IO-03 `openapi`: `pages.openapi` answers an OpenAPI 3 document (JSON or YAML
//! with an `openapi: 3.x` key); Swagger 2.0 fails with "publish OpenAPI 3". Not
//! applicable without API probes; level 1 when no such page is declared.

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
                ApiDocument::OpenApi3(version)
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
                r#"{"openapi":"3.1.0","paths":{}}"#
            )),
            5
        );
        assert_eq!(
            level(&with(
                200,
                "application/yaml",
                "openapi: 3.0.3\ninfo: {title: x}\n"
            )),
            5
        );
        let swagger = with(200, "application/json", r#"{"swagger":"2.0"}"#);
        assert_eq!(level(&swagger), 1);
        assert_eq!(measured(&swagger), "Swagger 2.0; publish OpenAPI 3");
        assert_eq!(measured_id(&swagger), "Swagger 2.0; publikasikan OpenAPI 3");
        let missing = with(404, "text/html", "not found");
        assert_eq!(level(&missing), 1);
        assert_eq!(
            measured(&missing),
            "HTTP 404 at https://svc.example.go.id/openapi.json"
        );
        assert_eq!(level(&with(200, "text/html", "<html>docs</html>")), 1);
        assert_eq!(level(&with(503, "text/html", "")), -1);
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
