//! What the standards stage reads beyond the probes: the declared pages, fetched
//! as a browser would ask for them, SC-01's look at plain `http://`, and a few
//! requests of ujilab's own, bounded per scenario: one unknown path under each
//! API base (how the API answers an error, IO-02, whatever probes the scenario
//! has), and, when the home page shows a known CMS, the files that disclose its
//! version (SC-07) and the first findings of a WordPress security review: the REST
//! API's user list and the author archive (account names, SC-10) and XML-RPC
//! (SC-11), one request each.

use std::time::Duration;

use input::scenario::join_path;
use input::scenario::{Scenario, Standards};
use observe::exchange::Exchange;
use observe::observations::{PageFetch, PageRole};
use observe::redact::Redactor;
use std::collections::HashMap;

use crate::client::Session;
use crate::exchange::{RequestSpec, perform};

const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";

/// A 5xx or a transport failure may be a blip: one retry after this pause.
const RETRY_PAUSE: Duration = Duration::from_secs(1);

/// The path ujilab asks under each API base to see how the API answers an
/// error; no service has it.
pub const UNKNOWN_API_PATH: &str = "ujilab-tidak-ada-404";

/// At most this many API bases are asked an unknown path.
const MAX_API_BASES: usize = 3;

/// Files that disclose a WordPress site's version, asked once each when the
/// home page shows WordPress.
pub const WORDPRESS_VERSION_FILES: [&str; 2] = ["/readme.html", "/feed/"];

/// The REST API's user list, which names every author's login (`slug`).
pub const WORDPRESS_USERS: &str = "/wp-json/wp/v2/users";

/// The author archive of the first account: WordPress redirects it to
/// `/author/<login>/`.
pub const WORDPRESS_AUTHOR: &str = "/?author=1";

/// XML-RPC, open by default: credential guessing in bulk (`system.multicall`)
/// and pingbacks.
pub const WORDPRESS_XMLRPC: &str = "/xmlrpc.php";

/// The call ujilab makes to XML-RPC: it lists the methods and changes nothing.
pub const XMLRPC_LIST_METHODS: &str = "<?xml version=\"1.0\"?>\n<methodCall><methodName>system.listMethods</methodName><params></params></methodCall>\n";

/// The page URL for each declared role; `home` defaults to base_url's `/`.
pub fn declared_pages(scenario: &Scenario, standards: &Standards) -> Vec<(PageRole, url::Url)> {
    let pages = &standards.pages;
    let home = pages
        .home
        .clone()
        .unwrap_or_else(|| join_path(&scenario.service.base_url, "/"));
    [
        (PageRole::Home, Some(home)),
        (PageRole::ServiceStandard, pages.service_standard.clone()),
        (PageRole::Complaints, pages.complaints.clone()),
        (PageRole::Openapi, pages.openapi.clone()),
        (PageRole::Maklumat, pages.maklumat.clone()),
        (PageRole::Skm, pages.skm.clone()),
        (PageRole::Ppid, pages.ppid.clone()),
        (PageRole::Privacy, pages.privacy.clone()),
        (PageRole::Contact, pages.contact.clone()),
    ]
    .into_iter()
    .filter_map(|(role, url)| Some((role, url?)))
    .chain(pages.other.iter().map(|url| (PageRole::Other, url.clone())))
    .collect()
}

/// One unknown path under each API base: the first segment of each `api`
/// probe's path (`/api/v1/izin` -> `/api/ujilab-tidak-ada-404`); probes with a
/// one-segment path or whose path uses a capture are skipped.
pub fn unknown_api_paths(scenario: &Scenario) -> Vec<url::Url> {
    let mut urls: Vec<url::Url> = Vec::new();
    for probe in &scenario.probes {
        if probe.kind != input::scenario::ProbeKind::Api {
            continue;
        }
        let Some(url) = probe_url(scenario, probe) else {
            continue;
        };
        let base_path = scenario.service.base_url.path().trim_end_matches('/');
        let same_site = url.origin() == scenario.service.base_url.origin();
        let (prefix, relative) = match url.path().strip_prefix(base_path) {
            Some(relative) if same_site => (base_path, relative),
            _ => ("", url.path()),
        };
        let relative = relative.trim_start_matches('/');
        // A one-segment path (`/openapi.json`, `/status`) sits at the site's
        // root, which is the website, not the API.
        let base = match relative.split_once('/') {
            Some((first, _)) if !first.is_empty() => format!("/{first}/"),
            _ => continue,
        };
        let mut unknown = url.clone();
        unknown.set_query(None);
        unknown.set_fragment(None);
        unknown.set_path(&format!("{prefix}{base}{UNKNOWN_API_PATH}"));
        if !urls.contains(&unknown) && urls.len() < MAX_API_BASES {
            urls.push(unknown);
        }
    }
    urls
}

fn probe_url(scenario: &Scenario, probe: &input::scenario::Probe) -> Option<url::Url> {
    let none = HashMap::new();
    match &probe.target {
        input::scenario::Target::Path(path) => Some(join_path(
            &scenario.service.base_url,
            &path.render(&none).ok()?,
        )),
        input::scenario::Target::Url(url) => url::Url::parse(&url.render(&none).ok()?).ok(),
    }
}

/// Whether a home page shows WordPress: its generator meta, or its theme and
/// API paths. A plain substring look: the run stage parses no HTML.
pub fn shows_wordpress(home: &str) -> bool {
    let text = home.to_ascii_lowercase();
    text.contains("content=\"wordpress")
        || text.contains("/wp-content/")
        || text.contains("/wp-json/")
        || text.contains("/wp-includes/")
}

/// Whether a home page's headers show WordPress: the `Link` to its REST API
/// (`rel="https://api.w.org/"`), which WordPress sends on every page even when a
/// theme hides the generator.
pub fn headers_show_wordpress(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("link") && {
            let value = value.to_ascii_lowercase();
            value.contains("api.w.org") || value.contains("/wp-json/")
        }
    })
}

/// A login page the home page links to (`/login`, `/masuk`, `/wp-login.php`,
/// `/signin`, on the same site): the page that sets a visitor's session cookie,
/// which SC-08 judges whatever probes the scenario has, and whose form the
/// accessibility rules read.
pub fn login_link(home: &str, home_url: &url::Url) -> Option<url::Url> {
    static LOGIN: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"(?i)href\s*=\s*["']([^"'#?]*/(?:login|masuk|signin|sign-in|wp-login\.php)/?)(?:[?#][^"']*)?["']"#,
        )
        .ok()
    });
    let login = LOGIN.as_ref()?;
    login.captures_iter(home).find_map(|captures| {
        let url = home_url.join(captures.get(1)?.as_str()).ok()?;
        (url.origin() == home_url.origin()).then_some(url)
    })
}

/// Fetches every declared page with the scenario's defaults (headers except Accept).
pub async fn fetch_pages(
    scenario: &Scenario,
    standards: &Standards,
    session: &Session,
    redactor: &Redactor,
) -> Vec<PageFetch> {
    let mut fetches = Vec::new();
    for (role, url) in declared_pages(scenario, standards) {
        let spec = page_request(scenario, url.clone());
        let what = format!("page {}", role.key());
        let mut exchange = perform(session, &spec, redactor).await;
        crate::trace::exchange(&what, &exchange, redactor);
        let mut attempts = 1;
        if worth_retrying(&exchange) {
            tokio::time::sleep(RETRY_PAUSE).await;
            exchange = perform(session, &spec, redactor).await;
            crate::trace::exchange(&what, &exchange, redactor);
            attempts = 2;
        }
        fetches.push(PageFetch {
            role,
            url: redactor.redact(url.as_str()).into_owned(),
            exchange,
            attempts,
        });
    }
    for url in unknown_api_paths(scenario) {
        let mut spec = page_request(scenario, url.clone());
        spec.headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("accept"));
        spec.headers
            .push(("Accept".into(), "application/json".into()));
        spec.max_redirects = 0;
        fetches.push(own_request(spec, PageRole::ApiUnknownPath, session, redactor).await);
    }
    let home = fetches
        .iter()
        .find(|fetch| fetch.role == PageRole::Home)
        .and_then(|home| {
            Some((
                home.exchange.final_url.clone(),
                home.exchange.response.as_ref()?.text.clone(),
            ))
        });
    let wordpress = home.as_ref().is_some_and(|(_, text)| shows_wordpress(text))
        || fetches
            .iter()
            .filter(|fetch| fetch.role == PageRole::Home)
            .filter_map(|fetch| fetch.exchange.response.as_ref())
            .any(|response| headers_show_wordpress(&response.headers));
    let login = home.as_ref().and_then(|(url, text)| {
        let url = url::Url::parse(url).ok()?;
        login_link(text, &url)
    });
    if let Some(url) = login {
        let declared = fetches
            .iter()
            .any(|fetch| fetch.exchange.url == url.as_str() || fetch.url == url.as_str());
        if !declared {
            let spec = page_request(scenario, url);
            fetches.push(own_request(spec, PageRole::Other, session, redactor).await);
        }
    }
    if wordpress {
        for path in WORDPRESS_VERSION_FILES {
            let url = join_path(&scenario.service.base_url, path);
            let spec = page_request(scenario, url);
            fetches.push(own_request(spec, PageRole::VersionFile, session, redactor).await);
        }
        for spec in wordpress_review(scenario) {
            let role = if spec.url.path() == WORDPRESS_XMLRPC {
                PageRole::CmsXmlrpc
            } else if spec.url.query().is_some() {
                PageRole::CmsAuthor
            } else {
                PageRole::CmsUsers
            };
            fetches.push(own_request(spec, role, session, redactor).await);
        }
    }
    fetches
}

/// The three requests of a WordPress review, one each: the REST user list (as
/// JSON), the first author's archive (one redirect hop followed, so the
/// exchange records where it points) and a `system.listMethods` call to
/// XML-RPC. Never more than one hop: ujilab reads what the site gives anyone,
/// it does not crawl.
pub fn wordpress_review(scenario: &Scenario) -> Vec<RequestSpec> {
    let base = &scenario.service.base_url;
    let mut users = page_request(scenario, join_path(base, WORDPRESS_USERS));
    set_accept(&mut users, "application/json");
    users.max_redirects = users.max_redirects.min(1);
    let mut author = page_request(scenario, join_path(base, WORDPRESS_AUTHOR));
    author.max_redirects = 1;
    let mut xmlrpc = page_request(scenario, join_path(base, WORDPRESS_XMLRPC));
    xmlrpc.method = http::Method::POST;
    set_accept(&mut xmlrpc, "text/xml");
    xmlrpc
        .headers
        .push(("Content-Type".into(), "text/xml".into()));
    xmlrpc.body = Some(bytes::Bytes::from_static(XMLRPC_LIST_METHODS.as_bytes()));
    xmlrpc.max_redirects = 0;
    vec![users, author, xmlrpc]
}

fn set_accept(spec: &mut RequestSpec, accept: &str) {
    spec.headers
        .retain(|(name, _)| !name.eq_ignore_ascii_case("accept"));
    spec.headers.push(("Accept".into(), accept.into()));
}

/// One of ujilab's own requests, not retried: what it shows is a bonus.
async fn own_request(
    spec: RequestSpec,
    role: PageRole,
    session: &Session,
    redactor: &Redactor,
) -> PageFetch {
    let url = redactor.redact(spec.url.as_str()).into_owned();
    let exchange = perform(session, &spec, redactor).await;
    crate::trace::exchange(&format!("page {}", role.key()), &exchange, redactor);
    PageFetch {
        role,
        url,
        exchange,
        attempts: 1,
    }
}

/// SC-01: the first answer of `http_url`, without following redirects.
pub async fn check_plain_http(
    scenario: &Scenario,
    standards: &Standards,
    session: &Session,
    redactor: &Redactor,
) -> Exchange {
    let mut spec = page_request(scenario, standards.http_url.clone());
    spec.max_redirects = 0;
    let exchange = perform(session, &spec, redactor).await;
    crate::trace::exchange("SC-01 http_url", &exchange, redactor);
    exchange
}

fn page_request(scenario: &Scenario, url: url::Url) -> RequestSpec {
    let defaults = &scenario.request_defaults;
    let mut headers: Vec<(String, String)> = defaults
        .headers
        .iter()
        .filter(|(name, _)| !name.eq_ignore_ascii_case("accept"))
        .cloned()
        .collect();
    headers.push(("Accept".into(), BROWSER_ACCEPT.into()));
    RequestSpec {
        method: http::Method::GET,
        url,
        headers,
        body: None,
        timeout: defaults.timeout,
        max_redirects: defaults.max_redirects,
        max_body: defaults.max_body,
    }
}

fn worth_retrying(exchange: &Exchange) -> bool {
    match &exchange.response {
        Some(response) => response.status >= 500,
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use input::scenario::{Environment, LoadSettings, Loaded, Source, load_all};

    fn scenario(probes: &str) -> Scenario {
        let text = format!(
            "version: 1\nservice: {{ id: t, base_url: \"https://svc.example.go.id/portal\" }}\nprobes:\n{probes}"
        );
        let settings = LoadSettings {
            env: Environment::empty(),
            ..LoadSettings::default()
        };
        let source = Source {
            name: "t.yaml".into(),
            bytes: text.into_bytes(),
            named: true,
        };
        match load_all(&[source], &settings, &mut Vec::new()).pop() {
            Some(Loaded::Ready { scenario, .. }) => *scenario,
            Some(Loaded::Failed(failure)) => panic!("{}", failure.render(input::lang::Lang::En)),
            None => panic!("nothing loaded"),
        }
    }

    #[test]
    fn one_unknown_path_per_api_base() {
        let accept = "headers: { Accept: application/json }";
        let scenario = scenario(&format!(
            "  - {{ id: a, request: {{ path: /api/v1/penduduk/1, {accept} }} }}\n\
             \x20 - {{ id: b, request: {{ path: /api/v1/verifikasi, {accept} }} }}\n\
             \x20 - {{ id: c, request: {{ path: /openapi.json, {accept} }} }}\n\
             \x20 - {{ id: d, request: {{ path: /layanan/status, {accept} }} }}\n\
             \x20 - {{ id: e, request: {{ path: /halaman/satu }} }}\n"
        ));
        let urls: Vec<String> = unknown_api_paths(&scenario)
            .iter()
            .map(url::Url::to_string)
            .collect();
        assert_eq!(
            urls,
            [
                "https://svc.example.go.id/portal/api/ujilab-tidak-ada-404",
                "https://svc.example.go.id/portal/layanan/ujilab-tidak-ada-404",
            ]
        );
    }

    #[test]
    fn wordpress_is_told_by_what_the_home_page_sends() {
        let with = |body: &str| body.to_string();
        assert!(shows_wordpress(&with(
            r#"<meta name="generator" content="WordPress 6.1.9">"#
        )));
        assert!(shows_wordpress(&with(
            r#"<link rel="stylesheet" href="/wp-content/themes/x/style.css?ver=6.1.9">"#
        )));
        assert!(!shows_wordpress(&with("<p>Portal Perizinan</p>")));
    }

    #[test]
    fn a_wordpress_review_is_three_bounded_requests() {
        let scenario = scenario("  - { id: a, request: { path: / } }\n");
        let specs = wordpress_review(&scenario);
        let shown: Vec<(String, String, u32)> = specs
            .iter()
            .map(|spec| {
                (
                    spec.method.to_string(),
                    spec.url.to_string(),
                    spec.max_redirects,
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "GET".into(),
                    "https://svc.example.go.id/portal/wp-json/wp/v2/users".into(),
                    1
                ),
                (
                    "GET".into(),
                    "https://svc.example.go.id/portal/?author=1".into(),
                    1
                ),
                (
                    "POST".into(),
                    "https://svc.example.go.id/portal/xmlrpc.php".into(),
                    0
                ),
            ]
        );
        let body = specs[2].body.as_deref().unwrap_or_default();
        assert!(
            String::from_utf8_lossy(body).contains("<methodName>system.listMethods</methodName>")
        );
        let accept = |spec: &RequestSpec| {
            spec.headers
                .iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case("accept"))
                .map(|(_, value)| value.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(accept(&specs[0]), ["application/json"]);
        assert_eq!(accept(&specs[1]), [BROWSER_ACCEPT]);
    }

    #[test]
    fn wordpress_is_told_by_its_link_header_too() {
        let headers = |value: &str| vec![("link".to_string(), value.to_string())];
        assert!(headers_show_wordpress(&headers(
            "<https://www.contohkab.go.id/wp-json/>; rel=\"https://api.w.org/\""
        )));
        assert!(headers_show_wordpress(&headers(
            "</wp-json/>; rel=\"https://api.w.org/\""
        )));
        assert!(!headers_show_wordpress(&headers(
            "</gaya.css>; rel=preload"
        )));
        assert!(!headers_show_wordpress(&[]));
    }

    #[test]
    fn the_login_link_on_the_home_page_is_found_on_the_same_site_only() {
        let home = url::Url::parse("https://desa.example.desa.id/").expect("a URL");
        let found = |body: &str| login_link(body, &home).map(|url| url.to_string());
        assert_eq!(
            found(r#"<a href="/wp-login.php?redirect_to=x">Masuk</a>"#).as_deref(),
            Some("https://desa.example.desa.id/wp-login.php")
        );
        assert_eq!(
            found(r#"<a class=btn href='admin/masuk/'>Masuk</a>"#).as_deref(),
            Some("https://desa.example.desa.id/admin/masuk/")
        );
        assert_eq!(found(r#"<a href="/saran-dan-masukan">Masukan</a>"#), None);
        assert_eq!(
            found(r#"<a href="https://sso.example.com/login">SSO</a>"#),
            None
        );
    }
}
