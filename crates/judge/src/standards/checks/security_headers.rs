//! SC-06 `security_headers`: how many of four protections each HTML page response
//! carries: X-Content-Type-Options: nosniff; frame protection (X-Frame-Options
//! DENY or SAMEORIGIN, or a CSP frame-ancestors directive); Referrer-Policy;
//! Permissions-Policy. The lowest count over pages gives the level.

use observe::exchange::Response;

use crate::standards::checks::{Input, header_lines};
use crate::standards::say::{self, Protection};
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let (responses, failed) = input.facts.html_responses();
    if responses.is_empty() {
        return if failed.is_empty() {
            RuleOutcome::not_applicable(say::no_html_response())
        } else {
            RuleOutcome::inconclusive(say::join(&failed, "; "))
        };
    }
    let mut worst: Option<(usize, Vec<Protection>, Evidence)> = None;
    for (page, response) in &responses {
        let missing = missing(response);
        let present = 4 - missing.len();
        if worst.as_ref().is_none_or(|(count, ..)| present < *count) {
            worst = Some((present, missing, page.evidence()));
        }
    }
    let Some((present, missing, evidence)) = worst else {
        return RuleOutcome::not_applicable(say::no_html_response());
    };
    let mut notes = vec![say::lowest_of_html_pages(responses.len())];
    if !missing.is_empty() {
        notes.push(say::protections_missing(&missing));
    }
    notes.extend(failed);
    input.level_of_value(
        present as f64,
        say::protections_present(present, 4),
        Evidence { notes, ..evidence },
    )
}

fn missing(response: &Response) -> Vec<Protection> {
    let headers = &response.raw_headers;
    let any = |name: &'static str, test: &dyn Fn(&str) -> bool| {
        header_lines(headers, name).any(|value| test(value.trim()))
    };
    let mut missing = Vec::new();
    if !any("x-content-type-options", &|v| {
        v.eq_ignore_ascii_case("nosniff")
    }) {
        missing.push(Protection::NoSniff);
    }
    let frame_options = any("x-frame-options", &|v| {
        v.eq_ignore_ascii_case("deny") || v.eq_ignore_ascii_case("sameorigin")
    });
    let frame_ancestors = any("content-security-policy", &|v| {
        v.split([';', ',']).any(|d| {
            d.split_whitespace()
                .next()
                .is_some_and(|n| n.eq_ignore_ascii_case("frame-ancestors"))
        })
    });
    if !(frame_options || frame_ancestors) {
        missing.push(Protection::Framing);
    }
    if !any("referrer-policy", &|v| !v.is_empty()) {
        missing.push(Protection::ReferrerPolicy);
    }
    if !any("permissions-policy", &|v| !v.is_empty()) {
        missing.push(Protection::PermissionsPolicy);
    }
    missing
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    fn with(headers: &[(&str, &str)]) -> crate::standards::RuleOutcome {
        let mut obs = observations();
        obs.pages
            .push(html_page(PageRole::Home, headers, "<p>x</p>"));
        run_rule("SC-06", &scenario(""), &obs)
    }

    #[test]
    fn every_level() {
        let all = [
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "SAMEORIGIN"),
            ("referrer-policy", "no-referrer"),
            ("permissions-policy", "camera=()"),
        ];
        assert_eq!(level(&with(&all)), 5);
        assert_eq!(level(&with(&all[..3])), 4);
        assert_eq!(level(&with(&all[..2])), 3);
        let one = with(&all[..1]);
        assert_eq!(level(&one), 2);
        assert!(
            one.evidence.notes[1]
                .en
                .starts_with("missing: frame protection")
        );
        assert!(
            one.evidence.notes[1]
                .id
                .starts_with("tidak ada: perlindungan frame")
        );
        assert_eq!(level(&with(&[])), 1);
    }

    #[test]
    fn frame_ancestors_counts_and_allow_from_does_not() {
        assert_eq!(
            level(&with(&[(
                "content-security-policy",
                "default-src 'self'; frame-ancestors 'none'"
            )])),
            2
        );
        assert_eq!(
            level(&with(&[("x-frame-options", "ALLOW-FROM https://a")])),
            1
        );
        assert_eq!(
            level(&with(&[("x-content-type-options", "sniff-please")])),
            1
        );
        assert_eq!(level(&run_rule("SC-06", &scenario(""), &observations())), 0);
    }
}
