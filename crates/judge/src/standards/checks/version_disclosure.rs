//! SC-07 `version_disclosure`: no response of the service (redirect hops and the
//! http check included) carries a `forbidden_headers` header, or a
//! `version_headers` header whose value matches `version_pattern`.

use crate::standards::checks::Input;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let responses = input.facts.responses();
    if responses.is_empty() {
        return RuleOutcome::inconclusive("no response of the service was observed");
    }
    let forbidden = input.params.strings("forbidden_headers");
    let versioned = input.params.strings("version_headers");
    let pattern = input.params.regex("version_pattern");
    for seen in &responses {
        for (name, value) in seen.headers {
            let is = |list: &[String]| list.iter().any(|n| n.eq_ignore_ascii_case(name));
            let disclosed = is(forbidden)
                || (is(versioned) && pattern.is_some_and(|pattern| pattern.is_match(value)));
            if disclosed {
                return input.level_of_outcome(
                    "fail",
                    Evidence {
                        measured: Some(format!("{} discloses a version", canonical(name))),
                        excerpt: Some(format!("{}: {value}", canonical(name))),
                        ..seen.evidence()
                    },
                );
            }
        }
    }
    input.level_of_outcome(
        "pass",
        Evidence {
            measured: Some(format!(
                "no version in the headers of {} responses",
                responses.len()
            )),
            ..Evidence::default()
        },
    )
}

/// `x-powered-by` -> `X-Powered-By`.
fn canonical(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;

    fn with(headers: &[(&str, &str)]) -> crate::standards::RuleOutcome {
        let mut obs = observations();
        obs.probes.push(probe_result(
            "api",
            exchange(BASE, response(200, headers, "")),
        ));
        run_rule("SC-07", &scenario(""), &obs)
    }

    #[test]
    fn versions_fail_and_names_pass() {
        for server in [
            "nginx",
            "contohkab-web",
            "cloudflare",
            "Apache",
            "AmazonS3",
            "gws",
        ] {
            assert_eq!(level(&with(&[("server", server)])), 5, "{server}");
        }
        let apache = with(&[("server", "Apache/2.2.15 (CentOS)")]);
        assert_eq!(level(&apache), 1);
        assert_eq!(
            apache.evidence.excerpt.as_deref(),
            Some("Server: Apache/2.2.15 (CentOS)")
        );
        for (name, value) in [
            ("x-powered-by", "PHP/5.4.16"),
            ("server", "nginx/1.18.0 (Ubuntu)"),
            ("server", "Microsoft-IIS/10.0"),
            ("x-generator", "Drupal 9 (https://www.drupal.org)"),
            ("x-powered-by", "Express v4"),
            ("x-aspnet-version", "4.0.30319"),
            ("x-aspnetmvc-version", "5.2"),
        ] {
            assert_eq!(level(&with(&[(name, value)])), 1, "{name}: {value}");
        }
    }

    #[test]
    fn hops_count_and_nothing_seen_is_inconclusive() {
        let mut obs = observations();
        let mut redirected = exchange(BASE, response(200, &[("server", "nginx")], ""));
        redirected
            .redirects
            .push(hop(BASE, 301, &[("server", "nginx/1.25.3")]));
        obs.probes.push(probe_result("beranda", redirected));
        assert_eq!(level(&run_rule("SC-07", &scenario(""), &obs)), 1);
        assert_eq!(
            level(&run_rule("SC-07", &scenario(""), &observations())),
            -1
        );
    }
}
