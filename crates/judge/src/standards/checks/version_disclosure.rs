//! SC-07 `version_disclosure`: nothing the service sends names its software's
//! version. Read on every response (redirect hops and the http check included):
//! a `forbidden_headers` header, or a `version_headers` header whose value
//! matches `version_pattern`; on every HTML page read: a `<meta name="generator">`
//! with a version, and `?ver=` on the URLs of its assets (WordPress adds its own
//! version to every script and style); and, when ujilab asked them (a CMS was
//! detected), a readme that states the version and a feed's `<generator>`. The
//! evidence names each disclosure.

use std::sync::LazyLock;

use observe::observations::PageRole;
use regex::Regex;

use input::catalogue::Text;

use crate::standards::checks::{Input, PageState};
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

/// A version in a CMS readme (`Version 6.1.9`) or a feed's generator.
static README_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bversi(?:on)?\s*:?\s*v?\d+\.\d+(?:\.\d+)?").expect("a valid pattern")
});
static FEED_GENERATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)<generator[^>]*>[^<]*?\d+\.\d+[^<]*</generator>").expect("a valid pattern")
});
/// A version number on its own (`6.1.9`).
static BARE_VERSION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^v?\d+(?:\.\d+)+").expect("a valid pattern"));

/// At most this many disclosures are listed in the evidence.
const LISTED: usize = 8;

/// One disclosure: where, what it said (as sent), and how it reads.
struct Disclosure {
    url: String,
    source: String,
    quote: String,
    what: Text,
}

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    let responses = facts.responses();
    if responses.is_empty() {
        return RuleOutcome::inconclusive(say::no_service_response());
    }
    let forbidden = input.params.strings("forbidden_headers");
    let versioned = input.params.strings("version_headers");
    let pattern = input.params.regex("version_pattern");
    let versioned_text = |text: &str| {
        pattern.is_some_and(|pattern| pattern.is_match(text)) || BARE_VERSION.is_match(text)
    };
    let mut found: Vec<Disclosure> = Vec::new();
    let mut add = |url: &str, source: String, quote: String, what: Text| {
        if !found.iter().any(|d| d.what == what) {
            found.push(Disclosure {
                url: url.to_string(),
                source,
                quote,
                what,
            });
        }
    };
    for seen in &responses {
        for (name, value) in seen.headers {
            let is = |list: &[String]| list.iter().any(|n| n.eq_ignore_ascii_case(name));
            let disclosed = is(forbidden)
                || (is(versioned) && pattern.is_some_and(|pattern| pattern.is_match(value)));
            if disclosed {
                let line = format!("{}: {value}", canonical(name));
                add(
                    seen.url,
                    seen.origin.describe(),
                    line.clone(),
                    say::code(line),
                );
            }
        }
    }
    for page in facts.html_pages() {
        let PageState::Html(html) = &page.state else {
            continue;
        };
        let source = crate::standards::checks::page_label(page.role);
        for generator in html.generators() {
            if versioned_text(&generator) {
                let tag = format!("<meta name=\"generator\" content=\"{generator}\">");
                add(&page.url, source.clone(), tag.clone(), say::code(tag));
            }
        }
        for asset in html.asset_urls() {
            let Some(version) = ver_parameter(&asset) else {
                continue;
            };
            if BARE_VERSION.is_match(&version) {
                add(
                    &page.url,
                    source.clone(),
                    asset.clone(),
                    say::version_on_asset(&version, &asset),
                );
                break;
            }
        }
    }
    for page in facts.own_requests(PageRole::VersionFile) {
        let Some(response) = &page.fetch.exchange.response else {
            continue;
        };
        if !(200..300).contains(&response.status) {
            continue;
        }
        let text = &response.text;
        let hit = FEED_GENERATOR
            .find(text)
            .or_else(|| README_VERSION.find(text));
        if let Some(hit) = hit {
            let found = hit.as_str().trim();
            add(
                &page.url,
                crate::standards::checks::page_label(page.role),
                found.to_string(),
                say::file_states_version(&page.url, found),
            );
        }
    }
    let Some(first) = found.first() else {
        return input.level_of_outcome(
            "pass",
            Evidence {
                measured: Some(say::no_version_disclosed(responses.len())),
                ..Evidence::default()
            },
        );
    };
    // The first is quoted as sent; said in words when it is not a header line or
    // a tag of its own.
    let mut notes = Vec::new();
    if first.what.en != first.quote {
        notes.push(first.what.clone());
    }
    notes.extend(
        found
            .iter()
            .skip(1)
            .take(LISTED)
            .map(|d| say::disclosure(&d.what, &d.source, &d.url)),
    );
    input.level_of_outcome(
        "fail",
        Evidence {
            measured: Some(say::version_disclosed(found.len())),
            excerpt: Some(first.quote.clone()),
            url: Some(first.url.clone()),
            probe: Some(first.source.clone()),
            notes,
            ..Evidence::default()
        },
    )
}

/// The `ver` query parameter of a URL as written (relative or absolute).
fn ver_parameter(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or_default();
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.eq_ignore_ascii_case("ver").then(|| value.to_string())
    })
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
    use observe::observations::PageRole;

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
        assert_eq!(measured(&apache), "a version is disclosed");
        let two = with(&[("server", "Apache/2.2.15"), ("x-powered-by", "PHP/5.4.16")]);
        assert_eq!(
            measured_id(&two),
            "versi perangkat lunak ditampilkan di 2 tempat"
        );
        assert!(
            two.evidence.notes[0]
                .en
                .starts_with("X-Powered-By: PHP/5.4.16 (probe api, "),
            "{two:?}"
        );
        assert!(
            two.evidence.notes[0]
                .id
                .starts_with("`X-Powered-By: PHP/5.4.16` (probe api, "),
            "{two:?}"
        );
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

    /// Issue 19: a hardened WordPress site with clean headers still names its
    /// version in the page, on every asset URL, in its readme and its feed.
    #[test]
    fn versions_in_pages_assets_readme_and_feed() {
        let mut obs = observations();
        obs.pages.push(html_page(
            PageRole::Home,
            &[("server", "nginx")],
            r#"<head><meta name="generator" content="WordPress 6.1.9">
<link rel="stylesheet" href="/wp-includes/css/dist/block-library/style.min.css?ver=6.1.9">
<script src="/wp-content/themes/twentytwentyone/assets/js/x.js?ver=1.7"></script></head>"#,
        ));
        let outcome = run_rule("SC-07", &scenario(""), &obs);
        assert_eq!(level(&outcome), 1, "{outcome:#?}");
        assert_eq!(measured(&outcome), "a version is disclosed in 2 places");
        assert_eq!(
            outcome.evidence.excerpt.as_deref(),
            Some(r#"<meta name="generator" content="WordPress 6.1.9">"#)
        );
        assert_eq!(
            outcome.evidence.notes[0].en,
            "?ver=6.1.9 on /wp-includes/css/dist/block-library/style.min.css?ver=6.1.9 (pages.home, https://svc.example.go.id/)"
        );
        assert_eq!(
            outcome.evidence.notes[0].id,
            "?ver=6.1.9 pada /wp-includes/css/dist/block-library/style.min.css?ver=6.1.9 (pages.home, https://svc.example.go.id/)"
        );
        assert_eq!(
            measured_id(&outcome),
            "versi perangkat lunak ditampilkan di 2 tempat"
        );
        // A generator without a version, and a cache-busting hash, disclose nothing.
        let mut obs = observations();
        obs.pages.push(html_page(
            PageRole::Home,
            &[],
            r#"<meta name="generator" content="WordPress"><script src="/app.js?ver=a81f3c"></script>"#,
        ));
        assert_eq!(level(&run_rule("SC-07", &scenario(""), &obs)), 5);
        // The readme and the feed ujilab asked for.
        let mut readme = page(
            PageRole::VersionFile,
            200,
            "text/html",
            "<h1>WordPress</h1><br /> Version 6.1.9",
        );
        readme.url = format!("{BASE}/readme.html");
        obs.pages.push(readme);
        let outcome = run_rule("SC-07", &scenario(""), &obs);
        assert_eq!(level(&outcome), 1);
        assert_eq!(outcome.evidence.excerpt.as_deref(), Some("Version 6.1.9"));
        assert_eq!(
            outcome.evidence.url.as_deref(),
            Some("https://svc.example.go.id/readme.html")
        );
        assert_eq!(
            outcome.evidence.notes[0].en,
            "https://svc.example.go.id/readme.html says \"Version 6.1.9\""
        );
        let mut obs = observations();
        obs.pages.push(html_page(PageRole::Home, &[], "<p>x</p>"));
        obs.pages.push(page(
            PageRole::VersionFile,
            200,
            "application/rss+xml",
            "<rss><channel><generator>https://wordpress.org/?v=6.1.9</generator></channel></rss>",
        ));
        assert_eq!(level(&run_rule("SC-07", &scenario(""), &obs)), 1);
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
