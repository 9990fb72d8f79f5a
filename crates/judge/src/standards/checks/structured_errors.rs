//! IO-02 `structured_errors`: every 4xx/5xx response of an `api` probe carries a
//! body that parses as JSON. Not applicable when no API error was observed.

use crate::standards::checks::Input;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let mut errors = 0;
    for (probe, exchange, response) in input.facts.api_responses() {
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
                    measured: Some(format!(
                        "HTTP {} answered with {}",
                        response.status,
                        response.header("content-type").map_or_else(
                            || "a body that is not JSON".to_string(),
                            |t| format!("{t}, not JSON")
                        )
                    )),
                    url: Some(exchange.final_url.clone()),
                    probe: Some(format!("probe {probe}")),
                    excerpt: (!excerpt.trim().is_empty()).then(|| excerpt.trim().to_string()),
                    ..Evidence::default()
                },
            );
        }
    }
    if errors == 0 {
        return RuleOutcome::not_applicable("no API error response was observed");
    }
    input.level_of_outcome(
        "pass",
        Evidence {
            measured: Some(format!("{errors} API error responses, all JSON")),
            ..Evidence::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;

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
            html.evidence.measured.as_deref(),
            Some("HTTP 400 answered with text/html, not JSON")
        );
        assert_eq!(level(&with(&[(500, "")])), 1);
        assert_eq!(level(&with(&[(200, "<p>")])), 0);
    }
}
