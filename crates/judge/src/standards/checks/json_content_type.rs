//! IO-01 `json_content_type`: the share of successful (2xx) `api` probe
//! responses with a JSON media type (application/json or any +json). Error
//! responses are IO-02's: a scenario's deliberate negative probe (a 404 for an
//! unknown id) must not count against the service, or a thorough scenario
//! scores worse than a lazy one. Responses without a body (204, 304, empty)
//! need no type and are not counted.

use crate::standards::checks::{Input, is_json_type, media_type};
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    if !facts.has_api_probes() {
        return RuleOutcome::not_applicable(say::no_api_probes());
    }
    let mut counted = 0;
    let mut json = 0;
    let mut first_other = None;
    let mut errors = 0;
    for (probe, exchange, response) in facts.api_responses() {
        if !(200..300).contains(&response.status) {
            errors += usize::from(response.status >= 400);
            continue;
        }
        if response.status == 204 || response.body_bytes == 0 {
            continue;
        }
        counted += 1;
        let content_type = response.header("content-type").unwrap_or_default();
        if is_json_type(&media_type(content_type)) {
            json += 1;
        } else if first_other.is_none() {
            first_other = Some((probe, exchange.final_url.clone(), content_type.to_string()));
        }
    }
    if counted == 0 {
        return RuleOutcome::inconclusive(say::no_successful_api_body());
    }
    let ratio = json as f64 / counted as f64;
    let mut evidence = Evidence::default();
    if errors > 0 {
        evidence.notes.push(say::api_errors_left_to_io02(errors));
    }
    if let Some((probe, url, content_type)) = first_other {
        evidence.probe = Some(format!("probe {probe}"));
        evidence.url = Some(url);
        if content_type.is_empty() {
            evidence.notes.push(say::no_content_type());
        } else {
            evidence.excerpt = Some(format!("Content-Type: {content_type}"));
        }
    }
    input.level_of_value(ratio, say::json_share(json, counted), evidence)
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;

    fn with(types: &[&str]) -> crate::standards::RuleOutcome {
        let mut obs = observations();
        for content_type in types {
            obs.probes.push(probe_result(
                "api",
                exchange(BASE, response(200, &[("content-type", content_type)], "{}")),
            ));
        }
        run_rule("IO-01", &scenario(""), &obs)
    }

    #[test]
    fn every_level() {
        assert_eq!(level(&with(&["application/json"; 4])), 5);
        let mut nine = vec!["application/json; charset=utf-8"; 9];
        nine.push("text/html");
        assert_eq!(level(&with(&nine)), 4);
        let three = with(&[
            "application/problem+json",
            "application/json",
            "application/json",
            "text/html; charset=UTF-8",
        ]);
        assert_eq!(level(&three), 3);
        assert_eq!(
            three.evidence.excerpt.as_deref(),
            Some("Content-Type: text/html; charset=UTF-8")
        );
        assert_eq!(level(&with(&["application/json", "text/plain"])), 2);
        assert_eq!(level(&with(&["text/html"])), 1);
        assert_eq!(level(&with(&[])), -1);
    }

    /// Issue 14: a negative probe's deliberate 404 is not a wrong type.
    #[test]
    fn error_responses_are_not_counted() {
        let mut obs = observations();
        obs.probes.push(probe_result(
            "api",
            exchange(
                BASE,
                response(200, &[("content-type", "application/json")], "{}"),
            ),
        ));
        obs.probes.push(probe_result(
            "api",
            exchange(
                BASE,
                response(404, &[("content-type", "text/html")], "<h1>404</h1>"),
            ),
        ));
        let outcome = run_rule("IO-01", &scenario(""), &obs);
        assert_eq!(level(&outcome), 5, "{outcome:#?}");
        assert_eq!(measured(&outcome), "1 of 1 API responses are JSON (100%)");
        assert!(
            outcome.evidence.notes[0]
                .en
                .starts_with("1 API error responses")
        );
    }

    #[test]
    fn not_applicable_without_api_probes() {
        let pages_only = scenario(
            "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\nprobes:\n  - id: p\n    request: { path: / }\n",
        );
        assert_eq!(level(&run_rule("IO-01", &pages_only, &observations())), 0);
    }
}
