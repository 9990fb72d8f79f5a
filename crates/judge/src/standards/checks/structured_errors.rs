//! IO-02 `structured_errors`: every 4xx/5xx response of the API carries a body
//! that parses as JSON. Read on the `api` probes' error responses and on
//! ujilab's own request to an unknown path under each API base, so the rule
//! does not depend on whether a scenario tests an error: a thorough scenario
//! must not score worse than a lazy one. Not applicable without an API; an
//! API whose unknown path answers 2xx (a catch-all route) is noted.

use observe::observations::PageRole;

use crate::standards::checks::Input;
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    let mut answers: Vec<(String, &str, &observe::exchange::Response)> = facts
        .api_responses()
        .into_iter()
        .map(|(probe, exchange, response)| {
            (
                format!("probe {probe}"),
                exchange.final_url.as_str(),
                response,
            )
        })
        .collect();
    let mut notes = Vec::new();
    for page in facts.own_requests(PageRole::ApiUnknownPath) {
        match &page.fetch.exchange.response {
            Some(response) if response.status >= 400 => answers.push((
                crate::standards::checks::page_label(PageRole::ApiUnknownPath),
                page.url.as_str(),
                response,
            )),
            Some(response) => notes.push(say::unknown_path_answered(&page.url, response.status)),
            None => notes.push(say::could_not_ask(&page.url)),
        }
    }
    let mut errors = 0;
    for (source, url, response) in answers {
        if response.status < 400 {
            continue;
        }
        errors += 1;
        let parses = !response.body.is_empty()
            && serde_json::from_slice::<serde_json::Value>(&response.body).is_ok();
        if !parses {
            let excerpt: String = response.text.chars().take(160).collect();
            return input.level_of_outcome(
                "fail",
                Evidence {
                    measured: Some(say::error_not_json(
                        response.status,
                        response.header("content-type"),
                    )),
                    url: Some(url.to_string()),
                    probe: Some(source),
                    excerpt: (!excerpt.trim().is_empty()).then(|| excerpt.trim().to_string()),
                    notes,
                    ..Evidence::default()
                },
            );
        }
    }
    if errors == 0 {
        let mut outcome = RuleOutcome::not_applicable(say::no_api_error());
        outcome.evidence.notes.extend(notes);
        return outcome;
    }
    input.level_of_outcome(
        "pass",
        Evidence {
            measured: Some(say::api_errors_all_json(errors)),
            notes,
            ..Evidence::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    fn with(answers: &[(u16, &str)]) -> crate::standards::RuleOutcome {
        let mut obs = observations();
        for (status, body) in answers {
            obs.probes.push(probe_result(
                "api",
                exchange(
                    BASE,
                    response(*status, &[("content-type", "text/html")], body),
                ),
            ));
        }
        run_rule("IO-02", &scenario(""), &obs)
    }

    #[test]
    fn pass_fail_and_not_applicable() {
        assert_eq!(level(&with(&[(404, r#"{"error":"x"}"#), (200, "<p>")])), 5);
        let html = with(&[(400, "<h1>400 Bad Request</h1>")]);
        assert_eq!(level(&html), 1);
        assert_eq!(
            measured(&html),
            "HTTP 400 answered with text/html, not JSON"
        );
        assert_eq!(
            measured_id(&html),
            "respons galat HTTP 400 bertipe text/html, bukan JSON"
        );
        assert_eq!(level(&with(&[(500, "")])), 1);
        assert_eq!(level(&with(&[(200, "<p>")])), 0);
    }

    /// Issue 14: without a negative probe, ujilab's own request to an unknown
    /// API path still shows how the API answers an error.
    #[test]
    fn the_unknown_path_request_is_judged_without_a_negative_probe() {
        let mut obs = observations();
        obs.probes.push(probe_result(
            "api",
            exchange(
                BASE,
                response(200, &[("content-type", "application/json")], "{}"),
            ),
        ));
        let mut own = page(
            PageRole::ApiUnknownPath,
            404,
            "text/html",
            "<h1>Not Found</h1>",
        );
        own.url = format!("{BASE}/api/ujilab-tidak-ada-404");
        obs.pages.push(own.clone());
        let outcome = run_rule("IO-02", &scenario(""), &obs);
        assert_eq!(level(&outcome), 1, "{outcome:#?}");
        assert_eq!(
            outcome.evidence.probe.as_deref(),
            Some("ujilab:api_unknown_path")
        );
        own.exchange.response = Some(response(
            404,
            &[("content-type", "application/problem+json")],
            r#"{"title":"not found"}"#,
        ));
        obs.pages[0] = own;
        assert_eq!(level(&run_rule("IO-02", &scenario(""), &obs)), 5);
    }
}
