//! TR-04 `gov_domain`: the host of base_url ends with one of `suffixes` (go.id).
//! Not applicable for IP literals and localhost, which say nothing about the
//! public name.

use crate::standards::checks::Input;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let url = &input.facts.scenario.service.base_url;
    let host = match url.host() {
        Some(url::Host::Domain(domain)) => domain.trim_end_matches('.').to_ascii_lowercase(),
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => {
            return RuleOutcome::not_applicable("base_url is an IP address");
        }
        None => return RuleOutcome::not_applicable("base_url has no host"),
    };
    if host == "localhost" || host.ends_with(".localhost") {
        return RuleOutcome::not_applicable("base_url is localhost");
    }
    let suffixes = input.params.strings("suffixes");
    let pass = suffixes.iter().any(|suffix| {
        let suffix = suffix.trim_start_matches('.').to_ascii_lowercase();
        host == suffix || host.ends_with(&format!(".{suffix}"))
    });
    input.level_of_outcome(
        if pass { "pass" } else { "fail" },
        Evidence {
            measured: Some(if pass {
                format!("{host} is under {}", suffixes.join(" or "))
            } else {
                format!("{host} is not under {}", suffixes.join(" or "))
            }),
            url: Some(url.to_string()),
            ..Evidence::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;

    fn at(base: &str) -> i8 {
        let yaml = format!(
            "version: 1\nservice: {{ id: t, base_url: \"{base}\" }}\nprobes:\n  - id: p\n    request: {{ path: / }}\n"
        );
        level(&run_rule("TR-04", &scenario(&yaml), &observations()))
    }

    #[test]
    fn every_outcome() {
        assert_eq!(at("https://dukcapil.contohkab.go.id:8443"), 5);
        assert_eq!(at("https://GO.ID"), 5);
        assert_eq!(at("https://layanan-contohkab.com"), 1);
        assert_eq!(at("https://contohkab.go.id.example.com"), 1);
        assert_eq!(at("https://notgo.id"), 1);
        assert_eq!(at("http://127.0.0.1:8080"), 0);
        assert_eq!(at("http://[::1]:8080"), 0);
        assert_eq!(at("http://localhost:8080"), 0);
    }
}
