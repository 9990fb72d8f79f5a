//! SC-08 `cookies`: every Set-Cookie seen (redirect hops and the http check
//! included) has Secure, HttpOnly and SameSite: `all_three`, `two`, `fewer`; the
//! lowest over cookies counts. SameSite=None counts only with Secure; cookies in
//! `http_only_exempt` (CSRF tokens JavaScript must read) need no HttpOnly, nor
//! do those the scenario lists in `standards.script_readable_cookies` (a site's
//! own double-submit cookie). Cookies are read on every response ujilab saw:
//! probes, declared pages, the home page and the login page it links to, which
//! ujilab fetches itself, so the level does not depend on which probes a
//! scenario has. The evidence says which response set the cookie judged.

use input::catalogue::Text;

use crate::standards::checks::Input;
use crate::standards::say::{self, CookieAttribute};
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let mut exempt: Vec<String> = input.params.strings("http_only_exempt").to_vec();
    let from_scenario = input
        .facts
        .scenario
        .standards
        .as_ref()
        .map(|standards| standards.script_readable_cookies.clone())
        .unwrap_or_default();
    exempt.extend(from_scenario.iter().cloned());
    let exempt = exempt.as_slice();
    let redactor = &input.facts.observations.redactor;
    let mut cookies = 0;
    let mut worst: Option<(u8, &'static str, Text, Evidence)> = None;
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
                let measured = say::cookie_attributes(&name, &missing);
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
        return RuleOutcome::not_applicable(say::no_cookie());
    };
    let mut notes = vec![say::lowest_of_cookies(cookies)];
    if !from_scenario.is_empty() {
        notes.push(say::script_readable_cookies(&from_scenario));
    }
    input.level_of_outcome(
        outcome,
        Evidence {
            measured: Some(measured),
            notes,
            ..evidence
        },
    )
}

/// The cookie's name and the attributes it lacks.
fn judge(line: &str, exempt: &[String]) -> (String, Vec<CookieAttribute>) {
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
        missing.push(CookieAttribute::Secure);
    }
    if !http_only {
        missing.push(CookieAttribute::HttpOnly);
    }
    if !same_site_ok {
        missing.push(if same_site.as_deref() == Some("none") {
            CookieAttribute::SameSiteNoneInsecure
        } else {
            CookieAttribute::SameSite
        });
    }
    (name, missing)
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

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
        assert_eq!(measured(&two), "cookie sid lacks SameSite");
        assert_eq!(measured_id(&two), "cookie sid tidak memiliki SameSite");
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
        // Issue 14: a site's own double-submit cookie, declared by the scenario.
        let mut obs = observations();
        obs.pages.push(html_page(
            PageRole::Other,
            &[("set-cookie", "csrf_desa=t; Secure; SameSite=Strict")],
            "<form></form>",
        ));
        assert_eq!(level(&run_rule("SC-08", &scenario(""), &obs)), 3);
        let declared = scenario(
            "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\n\
             standards: { profile: idsll-core, script_readable_cookies: [csrf_desa] }\n\
             probes:\n  - id: p\n    request: { path: / }\n",
        );
        let outcome = run_rule("SC-08", &declared, &obs);
        assert_eq!(level(&outcome), 5);
        assert_eq!(outcome.evidence.probe.as_deref(), Some("pages.other"));
        assert!(
            outcome.evidence.notes[1]
                .en
                .starts_with("no HttpOnly asked of csrf_desa")
        );
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
