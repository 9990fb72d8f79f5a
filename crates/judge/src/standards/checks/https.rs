//! SC-01 `https`: base_url is https (`https`), and the first response of
//! `standards.http_url` is a 301/302/303/307/308 to an https Location
//! (`https_redirect`, any host); a plain-http base_url is `plain_http`.

use observe::exchange::Exchange;

use crate::standards::checks::Input;
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    let base = facts.scenario.service.base_url.as_str();
    if facts.plain_http() {
        return input.level_of_outcome(
            "plain_http",
            Evidence {
                measured: Some(say::plain_http_base(base)),
                url: Some(base.to_string()),
                notes: vec![say::readable_on_the_network()],
                ..Evidence::default()
            },
        );
    }
    let Some(exchange) = &facts.observations.http_check else {
        return input.level_of_outcome(
            "https",
            Evidence {
                measured: Some(say::https_base(base)),
                notes: vec![say::redirect_not_checked()],
                ..Evidence::default()
            },
        );
    };
    let evidence = |measured: input::catalogue::Text, excerpt: Option<String>| Evidence {
        measured: Some(measured),
        url: Some(exchange.url.clone()),
        probe: Some(crate::standards::checks::HTTP_CHECK.into()),
        excerpt,
        ..Evidence::default()
    };
    if let Some((status, location)) = first_answer(exchange) {
        let to_https = location
            .as_deref()
            .is_some_and(|l| l.trim().to_ascii_lowercase().starts_with("https://"));
        if REDIRECTS.contains(&status) && to_https {
            return input.level_of_outcome(
                "https_redirect",
                evidence(
                    say::redirects_to_https(status),
                    location.map(|l| format!("Location: {l}")),
                ),
            );
        }
        let measured = match &location {
            Some(location) if REDIRECTS.contains(&status) => {
                say::redirects_elsewhere(status, location)
            }
            _ => say::does_not_redirect(status),
        };
        return input.level_of_outcome(
            "https",
            evidence(measured, location.map(|l| format!("Location: {l}"))),
        );
    }
    let error = exchange
        .error
        .as_ref()
        .map(|error| (error.kind.code(), error.message.as_str()));
    input.level_of_outcome("https", evidence(say::http_url_silent(error), None))
}

/// The first response's status and Location, whether recorded as the final
/// response (redirects not followed) or as the first hop.
fn first_answer(exchange: &Exchange) -> Option<(u16, Option<String>)> {
    if let Some(hop) = exchange.redirects.first() {
        return Some((
            hop.status,
            Some(hop.location.clone()).filter(|l| !l.is_empty()),
        ));
    }
    let response = exchange.response.as_ref()?;
    Some((
        response.status,
        response.header("location").map(str::to_string),
    ))
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::exchange::TransportKind;

    const PLAIN: &str = r#"
version: 1
service: { id: test, base_url: "http://svc.example.go.id" }
probes:
  - id: beranda
    request: { path: / }
"#;

    #[test]
    fn every_level() {
        let https = scenario("");
        let mut obs = observations();
        obs.http_check = Some(exchange(
            "http://svc.example.go.id/",
            response(301, &[("location", "https://svc.example.go.id/")], ""),
        ));
        assert_eq!(level(&run_rule("SC-01", &https, &obs)), 5);

        obs.http_check = Some(exchange(
            "http://svc.example.go.id/",
            response(200, &[], "hi"),
        ));
        let outcome = run_rule("SC-01", &https, &obs);
        assert_eq!(level(&outcome), 3);
        assert!(measured(&outcome).contains("200 without redirecting"));

        obs.http_check = Some(exchange(
            "http://svc.example.go.id/",
            response(302, &[("location", "http://svc.example.go.id/home")], ""),
        ));
        assert_eq!(level(&run_rule("SC-01", &https, &obs)), 3);

        obs.http_check = Some(failed_exchange(
            "http://svc.example.go.id/",
            TransportKind::Connect,
            "refused",
        ));
        let outcome = run_rule("SC-01", &https, &obs);
        assert_eq!(level(&outcome), 3);
        assert!(measured(&outcome).contains("connect: refused"));

        obs.http_check = None;
        assert_eq!(level(&run_rule("SC-01", &https, &obs)), 3);

        let outcome = run_rule("SC-01", &scenario(PLAIN), &observations());
        assert_eq!(level(&outcome), 1);
        assert!(outcome.evidence.notes[0].en.starts_with("no TLS"));
        assert_eq!(
            outcome.evidence.notes[0].id,
            "tanpa TLS: semua yang dikirim warga dapat dibaca di jaringan"
        );
    }

    #[test]
    fn a_followed_redirect_counts_by_its_first_hop() {
        let mut obs = observations();
        let mut followed = exchange("http://svc.example.go.id/", response(200, &[], ""));
        let mut first = hop("http://svc.example.go.id/", 308, &[]);
        first.location = "https://svc.example.go.id/".into();
        followed.redirects.push(first);
        obs.http_check = Some(followed);
        assert_eq!(level(&run_rule("SC-01", &scenario(""), &obs)), 5);
    }
}
