//! SC-04 `hsts`: Strict-Transport-Security on every https response of the service
//! (redirect hops included): `absent` (also max-age=0, an unreadable value or
//! several headers), `short` (max-age below `long_max_age`), `long`,
//! `long_with_subdomains`. The lowest over the responses counts.

use crate::standards::checks::{Input, Seen};
use crate::standards::say::{self, HstsFinding};
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    if facts.plain_http() {
        return input.level_of_outcome(
            "absent",
            Evidence {
                measured: Some(say::no_tls()),
                notes: vec![say::no_tls_for_hsts()],
                ..Evidence::default()
            },
        );
    }
    let long = input.params.duration("long_max_age").as_secs();
    let mut worst: Option<(u8, &'static str, HstsFinding, Seen)> = None;
    let mut judged = 0;
    for seen in facts.responses().into_iter().filter(Seen::is_https) {
        judged += 1;
        let lines: Vec<&str> = seen.lines("strict-transport-security").collect();
        let (outcome, finding) = judge(&lines, long);
        let level = input.levels.of_outcome(outcome);
        if worst.as_ref().is_none_or(|(worst, ..)| level < *worst) {
            worst = Some((level, outcome, finding, seen));
        }
    }
    let Some((_, outcome, finding, seen)) = worst else {
        return RuleOutcome::inconclusive(say::no_https_response());
    };
    let excerpt = seen
        .lines("strict-transport-security")
        .map(|line| format!("Strict-Transport-Security: {line}"))
        .collect::<Vec<_>>()
        .join("\n");
    input.level_of_outcome(
        outcome,
        Evidence {
            measured: Some(say::hsts(finding)),
            excerpt: (!excerpt.is_empty()).then_some(excerpt),
            notes: vec![say::lowest_of_https_responses(judged)],
            ..seen.evidence()
        },
    )
}

/// The outcome of one response's HSTS header lines.
fn judge(lines: &[&str], long: u64) -> (&'static str, HstsFinding) {
    match lines {
        [] => ("absent", HstsFinding::Absent),
        [line] => {
            let mut max_age = None;
            let mut subdomains = false;
            for directive in line.split(';') {
                let directive = directive.trim();
                let (name, value) = directive.split_once('=').unwrap_or((directive, ""));
                if name.trim().eq_ignore_ascii_case("max-age") {
                    max_age = value.trim().trim_matches('"').parse::<u64>().ok();
                } else if name.trim().eq_ignore_ascii_case("includesubdomains") {
                    subdomains = true;
                }
            }
            match max_age {
                None => ("absent", HstsFinding::NoMaxAge),
                Some(0) => ("absent", HstsFinding::MaxAgeZero),
                Some(seconds) if seconds < long => (
                    "short",
                    HstsFinding::MaxAge {
                        seconds,
                        subdomains: None,
                    },
                ),
                Some(seconds) => (
                    if subdomains {
                        "long_with_subdomains"
                    } else {
                        "long"
                    },
                    HstsFinding::MaxAge {
                        seconds,
                        subdomains: Some(subdomains),
                    },
                ),
            }
        }
        several => ("absent", HstsFinding::Several(several.len())),
    }
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    fn with(hsts: &[&str]) -> crate::standards::RuleOutcome {
        let mut obs = observations();
        let headers: Vec<(&str, &str)> = hsts
            .iter()
            .map(|v| ("strict-transport-security", *v))
            .collect();
        obs.probes.push(probe_result(
            "api",
            exchange(BASE, response(200, &headers, "")),
        ));
        run_rule("SC-04", &scenario(""), &obs)
    }

    #[test]
    fn every_level() {
        assert_eq!(level(&with(&["max-age=31536000; includeSubDomains"])), 5);
        assert_eq!(level(&with(&["max-age=15552000"])), 4);
        let short = with(&["max-age=86400"]);
        assert_eq!(level(&short), 2);
        assert_eq!(measured(&short), "max-age=86400 (1 day)");
        assert_eq!(measured_id(&short), "max-age=86400 (1 hari)");
        assert_eq!(
            measured_id(&with(&["max-age=31536000"])),
            "max-age=31536000 (365 hari), tanpa includeSubDomains"
        );
        assert_eq!(
            short.evidence.excerpt.as_deref(),
            Some("Strict-Transport-Security: max-age=86400")
        );
        assert_eq!(level(&with(&[])), 1);
        assert_eq!(level(&with(&["max-age=0; includeSubDomains"])), 1);
        assert_eq!(level(&with(&["max-age=31536000", "max-age=31536000"])), 1);
        assert_eq!(level(&with(&["includeSubDomains"])), 1);
        assert_eq!(
            level(&with(&["max-age=\"31536000\"; includesubdomains; preload"])),
            5
        );
    }

    #[test]
    fn lowest_over_https_responses_and_hops() {
        let mut obs = observations();
        obs.pages.push(html_page(
            PageRole::Home,
            &[(
                "strict-transport-security",
                "max-age=31536000; includeSubDomains",
            )],
            "<p>x</p>",
        ));
        let mut redirected = exchange(
            BASE,
            response(
                200,
                &[(
                    "strict-transport-security",
                    "max-age=31536000; includeSubDomains",
                )],
                "",
            ),
        );
        redirected.redirects.push(hop(BASE, 301, &[]));
        obs.probes.push(probe_result("beranda", redirected));
        // Plain-http answers are not judged.
        obs.http_check = Some(exchange(
            "http://svc.example.go.id/",
            response(200, &[], ""),
        ));
        let outcome = run_rule("SC-04", &scenario(""), &obs);
        assert_eq!(level(&outcome), 1);
        assert_eq!(outcome.evidence.probe.as_deref(), Some("probe beranda"));
        assert_eq!(
            level(&run_rule("SC-04", &scenario(""), &observations())),
            -1
        );
    }
}
