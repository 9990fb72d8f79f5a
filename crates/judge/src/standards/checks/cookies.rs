//! SC-08 `cookies`: every Set-Cookie seen (redirect hops and the http check
//! included) has Secure, HttpOnly and SameSite: `all_three`, `two`, `fewer`; the
//! lowest over cookies counts. SameSite=None counts only with Secure; cookies in
//! `http_only_exempt` (CSRF tokens JavaScript must read) need no HttpOnly.

use crate::standards::checks::Input;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let exempt = input.params.strings("http_only_exempt");
    let redactor = &input.facts.observations.redactor;
    let mut cookies = 0;
    let mut worst: Option<(u8, &'static str, String, Evidence)> = None;
    for seen in input.facts.responses() {
        for line in seen.lines("set-cookie") {
            cookies += 1;
            let (name, missing) = judge(line, exempt);
            let outcome = match 3 - missing.len() {
                3 => "all_three",
                2 => "two",
                _ => "fewer",
            };
            let level = input.levels.of_outcome(outcome);
            if worst.as_ref().is_none_or(|(worst, ..)| level < *worst) {
                let measured = if missing.is_empty() {
                    format!("cookie {name} has Secure, HttpOnly and SameSite")
                } else {
                    format!("cookie {name} lacks {}", missing.join(", "))
                };
                let evidence = Evidence {
                    excerpt: Some(format!(
                        "Set-Cookie: {}",
                        redactor.redact_header("set-cookie", line)
                    )),
                    ..seen.evidence()
                };
                worst = Some((level, outcome, measured, evidence));
            }
        }
    }
    let Some((_, outcome, measured, evidence)) = worst else {
        return RuleOutcome::not_applicable("no cookie was set");
    };
    input.level_of_outcome(
        outcome,
        Evidence {
            measured: Some(measured),
            notes: vec![format!("lowest of {cookies} Set-Cookie headers")],
            ..evidence
        },
    )
}

/// The cookie's name and the attributes it lacks.
fn judge(line: &str, exempt: &[String]) -> (String, Vec<&'static str>) {
    let mut parts = line.split(';');
    let name = parts
        .next()
        .unwrap_or_default()
        .split('=')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let mut secure = false;
    let mut http_only = exempt.iter().any(|e| e.eq_ignore_ascii_case(&name));
    let mut same_site = None;
    for attribute in parts {
        let (key, value) = attribute.split_once('=').unwrap_or((attribute, ""));
        match key.trim().to_ascii_lowercase().as_str() {
            "secure" => secure = true,
            "httponly" => http_only = true,
            "samesite" => same_site = Some(value.trim().to_ascii_lowercase()),
            _ => {}
        }
    }
    let same_site_ok = match same_site.as_deref() {
        Some("lax" | "strict") => true,
        Some("none") => secure,
        _ => false,
    };
    let mut missing = Vec::new();
    if !secure {
        missing.push("Secure");
    }
    if !http_only {
        missing.push("HttpOnly");
    }
    if !same_site_ok {
        missing.push(if same_site.as_deref() == Some("none") {
            "SameSite (None without Secure)"
        } else {
            "SameSite"
        });
    }
    (name, missing)
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;

    fn with(cookies: &[&str]) -> crate::standards::RuleOutcome {
        let mut obs = observations();
        let headers: Vec<(&str, &str)> = cookies.iter().map(|c| ("set-cookie", *c)).collect();
        obs.probes.push(probe_result(
            "beranda",
            exchange(BASE, response(200, &headers, "")),
        ));
        run_rule("SC-08", &scenario(""), &obs)
    }

    #[test]
    fn every_level() {
        assert_eq!(
            level(&with(&["sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax"])),
            5
        );
        let two = with(&["sid=abc; Path=/; Secure; HttpOnly"]);
        assert_eq!(level(&two), 3);
        assert_eq!(
            two.evidence.measured.as_deref(),
            Some("cookie sid lacks SameSite")
        );
        assert_eq!(
            two.evidence.excerpt.as_deref(),
            Some("Set-Cookie: sid=***; Path=/; Secure; HttpOnly")
        );
        assert_eq!(level(&with(&["PHPSESSID=abc; path=/"])), 1);
        assert_eq!(level(&with(&["sid=abc; HttpOnly"])), 1);
        assert_eq!(level(&with(&[])), 0);
    }

    #[test]
    fn same_site_none_needs_secure_and_csrf_tokens_are_exempt() {
        assert_eq!(level(&with(&["a=1; Secure; HttpOnly; SameSite=None"])), 5);
        assert_eq!(level(&with(&["a=1; HttpOnly; SameSite=None"])), 1);
        assert_eq!(level(&with(&["XSRF-TOKEN=t; Secure; SameSite=Strict"])), 5);
        // The lowest over cookies counts.
        assert_eq!(
            level(&with(&[
                "a=1; Secure; HttpOnly; SameSite=Lax",
                "b=2; Secure"
            ])),
            1
        );
    }
}
