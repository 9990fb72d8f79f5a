//! TR-04 `gov_domain`: the host of base_url ends with one of `suffixes` (go.id),
//! or, when the scenario's region type is `desa`, one of `desa_suffixes`
//! (desa.id, the domain reserved for village governments). A kelurahan is an
//! office of its kabupaten/kota and uses go.id. Not applicable for IP literals
//! and localhost, which say nothing about the public name.

use crate::standards::checks::Input;
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let url = &input.facts.scenario.service.base_url;
    let host = match url.host() {
        Some(url::Host::Domain(domain)) => domain.trim_end_matches('.').to_ascii_lowercase(),
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => {
            return RuleOutcome::not_applicable(say::base_url_is_ip());
        }
        None => return RuleOutcome::not_applicable(say::base_url_without_host()),
    };
    if host == "localhost" || host.ends_with(".localhost") {
        return RuleOutcome::not_applicable(say::base_url_is_localhost());
    }
    let region = input
        .facts
        .scenario
        .service
        .region
        .as_ref()
        .and_then(|region| region.kind);
    let desa = region == Some(input::scenario::RegionKind::Desa);
    let mut suffixes: Vec<String> = input.params.strings("suffixes").to_vec();
    let desa_suffixes = input.params.strings("desa_suffixes");
    if desa {
        suffixes.extend(desa_suffixes.iter().cloned());
    }
    let under = |suffix: &String| {
        let suffix = suffix.trim_start_matches('.').to_ascii_lowercase();
        host == suffix || host.ends_with(&format!(".{suffix}"))
    };
    let pass = suffixes.iter().any(under);
    let mut notes = Vec::new();
    if !pass && desa_suffixes.iter().any(under) {
        notes.push(say::village_domain(
            desa_suffixes,
            input.params.strings("suffixes"),
        ));
    }
    input.level_of_outcome(
        if pass { "pass" } else { "fail" },
        Evidence {
            measured: Some(say::host_under(&host, &suffixes, pass)),
            url: Some(url.to_string()),
            notes,
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

    /// Issue 14: desa.id is the village governments' own domain.
    #[test]
    fn a_desa_may_use_desa_id_and_others_are_told_why_not() {
        let of = |kind: &str, url: &str| {
            let yaml = format!(
                "version: 1\nservice: {{ id: t, base_url: \"{url}\", region: {{ type: {kind} }} }}\nstandards: {{ profile: idsll-core }}\nprobes:\n  - id: p\n    request: {{ path: / }}\n"
            );
            run_rule("TR-04", &scenario(&yaml), &observations())
        };
        assert_eq!(level(&of("desa", "https://sukamaju.desa.id")), 5);
        assert_eq!(level(&of("desa", "https://sukamaju-kec.go.id")), 5);
        let kabupaten = of("kabupaten", "https://sukamaju.desa.id");
        assert_eq!(level(&kabupaten), 1);
        assert!(
            kabupaten.evidence.notes[0]
                .en
                .starts_with("desa.id is for village governments")
        );
        assert!(
            kabupaten.evidence.notes[0]
                .id
                .starts_with("desa.id khusus untuk pemerintah desa")
        );
        assert_eq!(level(&of("kelurahan", "https://cibeunying.desa.id")), 1);
    }
}
