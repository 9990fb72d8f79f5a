//! SC-09 `mixed_content`: no page served over https makes the browser fetch
//! anything over plain http (W3C Mixed Content): scripts, stylesheets, icons,
//! images, media, frames and objects, `url()` and `@import` in the page's own
//! CSS, relative addresses resolved against `<base href>`; and no form on it
//! sends to http (what a citizen types, a NIK among it, would cross the network
//! in the clear).
//! A resource on several pages (a theme's stylesheet) counts once.
//! Passes when the page's CSP says `upgrade-insecure-requests`, which makes the
//! browser ask for its resources, and its own forms, over https. Not applicable
//! when no declared page was served over https (SC-01 judges that).

use std::collections::HashSet;

use crate::standards::checks::{Input, header_lines, host_of};
use crate::standards::html::{Subresource, upgrades_insecure_requests};
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

/// At most this many insecure URLs are quoted in the evidence.
const QUOTED: usize = 5;

pub fn check(input: &Input) -> RuleOutcome {
    let (pages, failed) = crate::standards::checks::html_documents(input.facts);
    let secure: Vec<_> = pages
        .iter()
        .filter_map(|(page, html)| {
            let address = url::Url::parse(&page.fetch.exchange.final_url).ok()?;
            // Relative addresses resolve against <base href> when the page has one.
            let base = match html.base_href() {
                Some(href) => address.join(&href).unwrap_or_else(|_| address.clone()),
                None => address.clone(),
            };
            (address.scheme() == "https").then_some((page, html, address, base))
        })
        .collect();
    if secure.is_empty() {
        return if pages.is_empty() {
            crate::standards::checks::no_html_pages(failed)
        } else {
            RuleOutcome::not_applicable(say::no_page_over_https())
        };
    }
    // A theme's stylesheet on every page is one resource: each counts once.
    let mut seen = HashSet::new();
    let mut checked = 0;
    let mut upgraded = 0;
    let mut insecure: Vec<(String, Subresource)> = Vec::new();
    for (page, html, address, base) in &secure {
        let csp_upgrades = page
            .fetch
            .exchange
            .response
            .as_ref()
            .is_some_and(|response| {
                header_lines(&response.raw_headers, "content-security-policy")
                    .any(upgrades_insecure_requests)
            })
            || html.meta_upgrades_insecure_requests();
        for resource in html.subresources() {
            let Ok(target) = base.join(&resource.url) else {
                continue;
            };
            if !seen.insert((resource.written_in.clone(), target.to_string())) {
                continue;
            }
            checked += 1;
            if target.scheme() != "http" {
                continue;
            }
            // upgrade-insecure-requests upgrades every resource, and forms that
            // send to the page's own host (a navigation of the same origin).
            let same_host = host_of(target.as_str()) == host_of(address.as_str());
            if csp_upgrades && (!resource.form || same_host) {
                upgraded += 1;
                continue;
            }
            insecure.push((crate::standards::checks::page_label(page.role), resource));
        }
    }
    let mut notes = vec![say::subresources_read(checked, secure.len())];
    if upgraded > 0 {
        notes.push(say::insecure_upgraded(upgraded));
    }
    notes.extend(failed);
    if insecure.is_empty() {
        return input.level_of_outcome(
            "pass",
            Evidence {
                measured: Some(say::no_mixed_content()),
                notes,
                ..Evidence::default()
            },
        );
    }
    let forms = insecure.iter().filter(|(_, r)| r.form).count();
    let excerpt = insecure
        .iter()
        .take(QUOTED)
        .map(|(page, resource)| format!("{page}: <{}=\"{}\">", resource.written_in, resource.url))
        .collect::<Vec<_>>()
        .join("\n");
    input.level_of_outcome(
        "fail",
        Evidence {
            measured: Some(say::mixed_content(insecure.len() - forms, forms)),
            excerpt: Some(excerpt),
            notes,
            ..Evidence::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    fn level_of(headers: &[(&str, &str)], body: &str) -> (i8, String) {
        let mut obs = observations();
        obs.pages.push(html_page(PageRole::Home, headers, body));
        let outcome = run_rule("SC-09", &scenario(""), &obs);
        (level(&outcome), format!("{outcome:#?}"))
    }

    #[test]
    fn resources_over_https_or_relative_pass() {
        let (level, outcome) = level_of(
            &[],
            r#"<link rel=stylesheet href="/tema.css"><script src="//cdn.contohkab.go.id/a.js"></script>
<img src="https://x.go.id/a.png" srcset="b.png 1x, https://x.go.id/c.png 2x">
<link rel=canonical href="http://layanan.contohkab.go.id/"><a href="http://lapor.go.id">LAPOR!</a>"#,
        );
        // A canonical address and a link to follow are not fetched with the page.
        assert_eq!(level, 5, "{outcome}");
    }

    #[test]
    fn an_http_resource_or_form_fails_and_is_quoted() {
        for body in [
            r#"<link rel="stylesheet" href="http://fonts.googleapis.com/css?family=Open+Sans">"#,
            r#"<img src="/a.png" srcset="/a.png 1x, http://x.go.id/b.png 2x">"#,
            r#"<iframe src="http://maps.example.com/embed"></iframe>"#,
            r#"<form action="http://layanan.example.go.id/kirim"><input name=nik></form>"#,
        ] {
            let (level, outcome) = level_of(&[], body);
            assert_eq!(level, 1, "{body}: {outcome}");
            assert!(outcome.contains("http://"), "{outcome}");
        }
    }

    #[test]
    fn the_page_s_own_css_and_its_base_address_count() {
        for body in [
            r#"<div style="background-image: url('http://x.go.id/bg.jpg')">Beranda</div>"#,
            r#"<style>@import "http://x.go.id/tema.css"; .a{color:red}</style>"#,
            r#"<style>@font-face{src:url(http://x.go.id/f.woff2)}</style>"#,
            r#"<base href="http://lama.contohkab.go.id/"><img src="logo.png" alt="">"#,
        ] {
            assert_eq!(level_of(&[], body).0, 1, "{body}");
        }
        let fine = r#"<style>.a{background:url(/bg.jpg)}</style><base href="/"><img src="logo.png" alt="">"#;
        assert_eq!(level_of(&[], fine).0, 5);
    }

    #[test]
    fn upgrade_insecure_requests_upgrades_resources_and_own_forms_only() {
        let resources = r#"<img src="http://x.go.id/a.png"><form action="http://svc.example.go.id/kirim"></form>"#;
        let csp = [(
            "content-security-policy",
            "upgrade-insecure-requests; default-src https:",
        )];
        assert_eq!(level_of(&csp, resources).0, 5);
        let meta =
            r#"<meta http-equiv="Content-Security-Policy" content="upgrade-insecure-requests">"#;
        assert_eq!(level_of(&[], &format!("{meta}{resources}")).0, 5);
        // A form that sends to another host is a navigation the policy leaves alone.
        let elsewhere = r#"<form action="http://formulir.example.com/kirim"></form>"#;
        assert_eq!(level_of(&csp, elsewhere).0, 1);
    }

    #[test]
    fn a_page_over_plain_http_is_not_judged_here() {
        let mut obs = observations();
        let mut page = html_page(PageRole::Home, &[], r#"<img src="http://x/a.png">"#);
        page.exchange.final_url = "http://layanan.example.go.id/".into();
        obs.pages.push(page);
        let outcome = run_rule("SC-09", &scenario(""), &obs);
        assert_eq!(level(&outcome), 0, "{outcome:#?}");
    }
}
