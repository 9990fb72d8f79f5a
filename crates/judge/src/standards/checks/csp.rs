//! SC-05 `csp`: the Content-Security-Policy header on HTML page responses (not
//! Report-Only, not a meta tag). The directive read is script-src, else
//! default-src: `absent`; `unsafe` when it allows 'unsafe-inline' without a nonce,
//! a hash or 'strict-dynamic', or allows 'unsafe-eval', or when no directive
//! restricts scripts at all; else `strict`. The lowest over pages counts.

use crate::standards::checks::{Input, header_lines};
use crate::standards::say::{self, CspFinding};
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
    let mut worst: Option<(u8, &'static str, CspFinding, Evidence)> = None;
    for (page, response) in &responses {
        let policies: Vec<&str> = header_lines(&response.raw_headers, "content-security-policy")
            .flat_map(|line| line.split(','))
            .filter(|policy| !policy.trim().is_empty())
            .collect();
        let (outcome, measured) = judge(&policies);
        let level = input.levels.of_outcome(outcome);
        if worst.as_ref().is_none_or(|(worst, ..)| level < *worst) {
            let excerpt = policies
                .first()
                .map(|policy| format!("Content-Security-Policy: {}", policy.trim()));
            worst = Some((
                level,
                outcome,
                measured,
                Evidence {
                    excerpt,
                    ..page.evidence()
                },
            ));
        }
    }
    let Some((_, outcome, measured, evidence)) = worst else {
        return RuleOutcome::not_applicable(say::no_html_response());
    };
    let mut notes = failed;
    notes.insert(0, say::lowest_of_html_pages(responses.len()));
    input.level_of_outcome(
        outcome,
        Evidence {
            measured: Some(say::csp(&measured)),
            notes,
            ..evidence
        },
    )
}

/// The outcome of one response's policies: scripts must pass every policy, so
/// the strictest decides.
fn judge(policies: &[&str]) -> (&'static str, CspFinding) {
    if policies.is_empty() {
        return ("absent", CspFinding::Absent);
    }
    let mut best: Option<(bool, CspFinding)> = None;
    for policy in policies {
        let verdict = judge_one(policy);
        if best.as_ref().is_none_or(|(strict, _)| !strict && verdict.0) {
            best = Some(verdict);
        }
    }
    match best {
        Some((true, measured)) => ("strict", measured),
        Some((false, measured)) => ("unsafe", measured),
        None => ("absent", CspFinding::Absent),
    }
}

/// Whether one policy restricts scripts strictly, and why.
fn judge_one(policy: &str) -> (bool, CspFinding) {
    let directive = |wanted: &str| {
        policy.split(';').find_map(|directive| {
            let mut parts = directive.split_whitespace();
            let name = parts.next()?;
            name.eq_ignore_ascii_case(wanted)
                .then(|| parts.map(str::to_ascii_lowercase).collect::<Vec<_>>())
        })
    };
    let (name, sources) = match (directive("script-src"), directive("default-src")) {
        (Some(sources), _) => ("script-src", sources),
        (None, Some(sources)) => ("default-src", sources),
        (None, None) => {
            return (false, CspFinding::Unrestricted);
        }
    };
    let has = |token: &str| sources.iter().any(|source| source == token);
    let guarded = sources.iter().any(|source| {
        source.starts_with("'nonce-")
            || source.starts_with("'sha256-")
            || source.starts_with("'sha384-")
            || source.starts_with("'sha512-")
            || source == "'strict-dynamic'"
    });
    if has("'unsafe-eval'") {
        return (false, CspFinding::Allows(name, "'unsafe-eval'"));
    }
    if has("'unsafe-inline'") && !guarded {
        return (false, CspFinding::Allows(name, "'unsafe-inline'"));
    }
    (
        true,
        CspFinding::Strict(format!("{name} {}", sources.join(" "))),
    )
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    fn with(csp: &[&str]) -> crate::standards::RuleOutcome {
        let mut obs = observations();
        let headers: Vec<(&str, &str)> = csp
            .iter()
            .map(|v| ("content-security-policy", *v))
            .collect();
        obs.pages
            .push(html_page(PageRole::Home, &headers, "<p>x</p>"));
        run_rule("SC-05", &scenario(""), &obs)
    }

    #[test]
    fn every_level() {
        assert_eq!(level(&with(&["default-src 'self'; script-src 'self'"])), 5);
        assert_eq!(level(&with(&["default-src 'self'"])), 5);
        let unsafe_inline = with(&["default-src 'self'; script-src 'self' 'unsafe-inline'"]);
        assert_eq!(level(&unsafe_inline), 3);
        assert_eq!(
            measured(&unsafe_inline),
            "script-src allows 'unsafe-inline'"
        );
        assert_eq!(
            measured_id(&unsafe_inline),
            "script-src mengizinkan 'unsafe-inline'"
        );
        assert_eq!(level(&with(&["script-src 'self' 'unsafe-eval'"])), 3);
        assert_eq!(level(&with(&["frame-ancestors 'none'"])), 3);
        assert_eq!(level(&with(&[])), 1);
    }

    #[test]
    fn nonce_hash_and_strict_dynamic_excuse_unsafe_inline() {
        assert_eq!(level(&with(&["script-src 'nonce-abc' 'unsafe-inline'"])), 5);
        assert_eq!(
            level(&with(&["script-src 'sha256-xyz=' 'unsafe-inline'"])),
            5
        );
        assert_eq!(
            level(&with(&[
                "script-src 'strict-dynamic' 'unsafe-inline' https:"
            ])),
            5
        );
        // script-src wins over default-src.
        assert_eq!(
            level(&with(&["default-src 'self'; script-src * 'unsafe-inline'"])),
            3
        );
        // Two policies: both apply, so the strict one protects.
        assert_eq!(
            level(&with(&["script-src 'unsafe-inline'", "script-src 'self'"])),
            5
        );
    }

    #[test]
    fn report_only_does_not_count_and_no_pages_is_not_applicable() {
        let mut obs = observations();
        obs.pages.push(html_page(
            PageRole::Home,
            &[("content-security-policy-report-only", "default-src 'self'")],
            "<p>x</p>",
        ));
        assert_eq!(level(&run_rule("SC-05", &scenario(""), &obs)), 1);
        assert_eq!(level(&run_rule("SC-05", &scenario(""), &observations())), 0);
        let mut failed = observations();
        failed
            .pages
            .push(page(PageRole::Home, 502, "text/html", "bad gateway"));
        assert_eq!(level(&run_rule("SC-05", &scenario(""), &failed)), -1);
    }
}
