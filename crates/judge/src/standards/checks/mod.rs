//! One file per check kind, each a pure function of its params, its levels and
//! the [`Facts`]: what the run observed, with the declared pages parsed once.
//!
//! Scope (semantics.md, "Standards: what each rule reads"): checks read the
//! functional exchanges (every redirect hop), the page fetches and the SC-01/TLS
//! checks; availability samples and load figures feed only AV-01, AV-02, PF-01
//! and PF-02. Responses from another host than the one asked (reached by a
//! redirect) are not the service's and are not judged.

pub mod attestation;
pub mod availability;
pub mod cms;
pub mod complaint_channel;
pub mod compression;
pub mod contact_hours;
pub mod cookies;
pub mod csp;
pub mod error_rate;
pub mod form_labels;
pub mod gov_domain;
pub mod hsts;
pub mod html_lang;
pub mod https;
pub mod img_alt;
pub mod json_content_type;
pub mod latency;
pub mod link_text;
pub mod mixed_content;
pub mod openapi;
pub mod page_basics;
pub mod page_components;
pub mod probe_pass_rate;
pub mod security_headers;
pub mod service_maturity;
pub mod service_standard;
pub mod structured_errors;
pub mod tls_certificate;
pub mod tls_version;
pub mod version_disclosure;

use std::collections::HashSet;

use input::catalogue::kinds::Kind;
use input::catalogue::{Levels, Params, Text};
use input::scenario::{ProbeKind, Scenario};
use observe::exchange::{Exchange, Response};
use observe::observations::{Observations, PageFetch, PageRole};

use crate::standards::html::{HtmlPage, SCRIPT_RENDERED_BELOW, contains_phrase};
use crate::standards::say::{self, FetchFailure};
use crate::standards::{Evidence, RuleOutcome};

/// What one check is given.
pub struct Input<'a> {
    /// The rule's code: what an `attestation` rule looks up in the scenario.
    pub code: &'a str,
    pub params: &'a Params,
    pub levels: &'a Levels,
    pub facts: &'a Facts<'a>,
}

impl Input<'_> {
    /// A level from a thresholds value, with the value and the thresholds as
    /// evidence.
    pub fn level_of_value(&self, value: f64, measured: Text, evidence: Evidence) -> RuleOutcome {
        let level = self.levels.of_value(value);
        RuleOutcome::level(
            level,
            Evidence {
                measured: Some(measured),
                value: Some(value),
                threshold: Some(self.threshold()),
                ..evidence
            },
        )
    }

    /// A level from a named outcome (table) or pass/fail (binary).
    pub fn level_of_outcome(&self, outcome: &str, evidence: Evidence) -> RuleOutcome {
        RuleOutcome::level(
            self.levels.of_outcome(outcome),
            Evidence {
                threshold: Some(self.threshold()),
                ..evidence
            },
        )
    }

    /// What each level needs, in both languages.
    pub fn threshold(&self) -> Text {
        say::threshold(self.levels)
    }
}

/// Everything the checks read, gathered once per scenario.
pub struct Facts<'a> {
    pub scenario: &'a Scenario,
    pub observations: &'a Observations,
    /// The load run's figures after warmup, when it ran.
    pub load: Option<crate::standards::LoadFigures<'a>>,
    pub pages: Vec<Page<'a>>,
    /// Fingerprints of blocks repeated identically on every distinct HTML page
    /// read (a sidebar, a footer widget): the site's template, which page
    /// component rules do not count. Empty with fewer than two such pages.
    pub template: HashSet<u64>,
}

/// One declared page as fetched, classified for the page rules.
pub struct Page<'a> {
    pub role: PageRole,
    /// The URL asked for (redacted).
    pub url: String,
    pub fetch: &'a PageFetch,
    pub state: PageState,
}

pub enum PageState {
    /// A 2xx text/html or application/xhtml+xml page.
    Html(HtmlPage),
    /// A 2xx answer of another type (a PDF, JSON...), with its Content-Type
    /// (`None` without one).
    Other(Option<String>),
    /// A 4xx: the page is missing.
    Missing(u16),
    /// A 5xx, a transport failure or a timeout, after the retry.
    Failed(FetchFailure),
}

impl<'a> Facts<'a> {
    pub fn new(
        scenario: &'a Scenario,
        observations: &'a Observations,
        load: Option<crate::standards::LoadFigures<'a>>,
    ) -> Self {
        let pages: Vec<Page<'a>> = observations
            .pages
            .iter()
            .map(|fetch| Page {
                role: fetch.role,
                url: fetch.exchange.url.clone(),
                fetch,
                state: classify(&fetch.exchange),
            })
            .collect();
        let template = template_blocks(&pages);
        Facts {
            scenario,
            observations,
            load,
            pages,
            template,
        }
    }

    /// The fetch of a declared page, if it was fetched.
    pub fn page(&self, role: PageRole) -> Option<&Page<'a>> {
        self.pages.iter().find(|page| page.role == role)
    }

    /// Whether the scenario declares this page (home always counts: it defaults to `/`).
    pub fn declared(&self, role: PageRole) -> bool {
        let Some(standards) = &self.scenario.standards else {
            return role == PageRole::Home;
        };
        let pages = &standards.pages;
        match role {
            PageRole::Home => true,
            PageRole::ServiceStandard => pages.service_standard.is_some(),
            PageRole::Complaints => pages.complaints.is_some(),
            PageRole::Openapi => pages.openapi.is_some(),
            PageRole::Maklumat => pages.maklumat.is_some(),
            PageRole::Skm => pages.skm.is_some(),
            PageRole::Ppid => pages.ppid.is_some(),
            PageRole::Privacy => pages.privacy.is_some(),
            PageRole::Contact => pages.contact.is_some(),
            PageRole::Other => !pages.other.is_empty(),
            PageRole::ApiUnknownPath
            | PageRole::VersionFile
            | PageRole::CmsUsers
            | PageRole::CmsAuthor
            | PageRole::CmsXmlrpc => false,
        }
    }

    /// Pages the HTML rules read: every declared page but the OpenAPI document
    /// (not ujilab's own requests).
    pub fn html_pages(&self) -> impl Iterator<Item = &Page<'a>> {
        self.pages.iter().filter(|page| page.role.is_html_page())
    }

    /// ujilab's own requests of a role (IO-02's unknown API paths, SC-07's
    /// version files).
    pub fn own_requests(&self, role: PageRole) -> impl Iterator<Item = &Page<'a>> {
        self.pages.iter().filter(move |page| page.role == role)
    }

    /// The HTML page responses header rules read (SC-05, SC-06), and notes on
    /// declared pages that could not be read.
    pub fn html_responses(&self) -> (Vec<(&Page<'a>, &'a Response)>, Vec<Text>) {
        let mut responses = Vec::new();
        let mut failed = Vec::new();
        for page in self.html_pages() {
            match (&page.state, &page.fetch.exchange.response) {
                (PageState::Html(_), Some(response)) => responses.push((page, response)),
                (PageState::Failed(reason), _) => {
                    failed.push(say::page_not_judged(page.role.key(), &page.url, reason))
                }
                _ => {}
            }
        }
        (responses, failed)
    }

    /// Whether base_url is plain http.
    pub fn plain_http(&self) -> bool {
        self.scenario.service.base_url.scheme() == "http"
    }

    /// Every response of the service the header rules read: functional exchanges
    /// (redirect hops included), page fetches and the SC-01 http check.
    pub fn responses(&self) -> Vec<Seen<'a>> {
        let mut seen = Vec::new();
        let observations = self.observations;
        for result in &observations.probes {
            if let (Some(exchange), Some(kind)) =
                (&result.exchange, self.scenario.probe_kind(&result.id))
            {
                collect(&mut seen, exchange, Origin::Probe(&result.id, kind));
            }
        }
        for fetch in &observations.pages {
            collect(&mut seen, &fetch.exchange, Origin::Page(fetch.role));
        }
        if let Some(exchange) = &observations.http_check {
            collect(&mut seen, exchange, Origin::HttpCheck);
        }
        seen
    }

    /// Functional exchanges of `api` probes that got a complete response.
    pub fn api_responses(&self) -> Vec<(&'a str, &'a Exchange, &'a Response)> {
        self.observations
            .probes
            .iter()
            .filter(|result| self.scenario.probe_kind(&result.id) == Some(ProbeKind::Api))
            .filter_map(|result| {
                let exchange = result.exchange.as_ref()?;
                Some((result.id.as_str(), exchange, exchange.response.as_ref()?))
            })
            .collect()
    }

    /// Whether the scenario has `api` probes.
    pub fn has_api_probes(&self) -> bool {
        self.scenario
            .probes
            .iter()
            .any(|probe| probe.kind == ProbeKind::Api)
    }
}

/// Blocks every distinct HTML page shares (pages with the same visible text, a
/// page declared twice, count once, or the whole page would be template).
fn template_blocks(pages: &[Page<'_>]) -> HashSet<u64> {
    let mut texts = HashSet::new();
    let mut shared: Option<HashSet<u64>> = None;
    let mut distinct = 0;
    for page in pages {
        let PageState::Html(html) = &page.state else {
            continue;
        };
        if !page.role.is_html_page() || !texts.insert(html.visible_text(&[])) {
            continue;
        }
        distinct += 1;
        let prints = html.block_fingerprints();
        shared = Some(match shared {
            None => prints,
            Some(shared) => shared.intersection(&prints).copied().collect(),
        });
    }
    if distinct < 2 {
        return HashSet::new();
    }
    shared.unwrap_or_default()
}

/// Where a response came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Origin<'a> {
    Probe(&'a str, ProbeKind),
    Page(PageRole),
    HttpCheck,
}

impl Origin<'_> {
    /// The evidence's `probe`: a name that reads the same in both languages.
    pub fn describe(&self) -> String {
        match self {
            Origin::Probe(id, _) => format!("probe {id}"),
            Origin::Page(role) => page_label(*role),
            Origin::HttpCheck => HTTP_CHECK.to_string(),
        }
    }
}

/// The evidence's `probe` for SC-01's plain-http request: the scenario key.
pub const HTTP_CHECK: &str = "standards.http_url";

/// The evidence's `probe` for a page: its key under `standards.pages`
/// (`pages.service_standard`), or, for ujilab's own requests, `ujilab:` and
/// the request's name (`ujilab:api_unknown_path`). Identifiers, not words, so
/// they read the same in Indonesian and English.
pub fn page_label(role: PageRole) -> String {
    match role {
        PageRole::ApiUnknownPath
        | PageRole::VersionFile
        | PageRole::CmsUsers
        | PageRole::CmsAuthor
        | PageRole::CmsXmlrpc => format!("ujilab:{}", role.key()),
        role => format!("pages.{}", role.key()),
    }
}

/// One response the service sent: a redirect hop or a final response.
#[derive(Debug, Clone)]
pub struct Seen<'a> {
    pub url: &'a str,
    pub status: u16,
    /// Raw for final responses; for hops, as recorded (secrets and cookie values
    /// masked, names and attributes kept).
    pub headers: &'a [(String, String)],
    pub origin: Origin<'a>,
    pub exchange: &'a Exchange,
    /// The final response; `None` for a redirect hop.
    pub response: Option<&'a Response>,
}

impl<'a> Seen<'a> {
    pub fn lines(&self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        header_lines(self.headers, name)
    }

    pub fn is_https(&self) -> bool {
        scheme_of(self.url).is_some_and(|scheme| scheme == "https")
    }

    /// Evidence naming this response.
    pub fn evidence(&self) -> Evidence {
        Evidence {
            url: Some(self.url.to_string()),
            probe: Some(self.origin.describe()),
            ..Evidence::default()
        }
    }
}

fn collect<'a>(seen: &mut Vec<Seen<'a>>, exchange: &'a Exchange, origin: Origin<'a>) {
    let asked = host_of(&exchange.url);
    let ours = |url: &str| asked.is_none() || host_of(url) == asked;
    for hop in &exchange.redirects {
        if ours(&hop.url) {
            seen.push(Seen {
                url: &hop.url,
                status: hop.status,
                headers: &hop.headers,
                origin,
                exchange,
                response: None,
            });
        }
    }
    if let Some(response) = &exchange.response
        && ours(&exchange.final_url)
    {
        seen.push(Seen {
            url: &exchange.final_url,
            status: response.status,
            headers: &response.raw_headers,
            origin,
            exchange,
            response: Some(response),
        });
    }
}

/// Every line of a header, name case-insensitive.
pub fn header_lines<'h>(
    headers: &'h [(String, String)],
    name: &'h str,
) -> impl Iterator<Item = &'h str> + 'h {
    headers
        .iter()
        .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// The host of a URL, lower case; `None` when it does not parse.
pub fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
}

fn scheme_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .map(|url| url.scheme().to_string())
}

/// The media type of a Content-Type value: lower case, without parameters.
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// application/json or any `+json` type.
pub fn is_json_type(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

fn classify(exchange: &Exchange) -> PageState {
    let Some(response) = &exchange.response else {
        return PageState::Failed(exchange.error.as_ref().map_or(
            FetchFailure::NoResponse,
            |error| FetchFailure::Transport {
                code: error.kind.code(),
                message: error.message.clone(),
            },
        ));
    };
    match response.status {
        400..=499 => PageState::Missing(response.status),
        500..=599 => PageState::Failed(FetchFailure::ServerError(response.status)),
        status if !(200..300).contains(&status) => {
            PageState::Failed(FetchFailure::NoLocation(status))
        }
        _ => {
            let media = media_type(response.header("content-type").unwrap_or_default());
            if media == "text/html" || media == "application/xhtml+xml" {
                PageState::Html(HtmlPage::parse(&response.text))
            } else {
                PageState::Other((!media.is_empty()).then_some(media))
            }
        }
    }
}

/// How a page rule reads one page: the parsed page, or the outcome to give
/// because there is none.
pub enum PageRead<'p> {
    Html(&'p HtmlPage),
    /// Level 1 for the rule: the page is missing (4xx) or not HTML.
    Missing(Evidence),
    /// The rule is inconclusive.
    Failed(Evidence),
}

impl<'a> Page<'a> {
    pub fn read(&self) -> PageRead<'_> {
        let evidence = |note: Text| Evidence {
            url: Some(self.url.clone()),
            probe: Some(page_label(self.role)),
            notes: vec![note],
            ..Evidence::default()
        };
        match &self.state {
            PageState::Html(page) => PageRead::Html(page),
            PageState::Missing(status) => PageRead::Missing(Evidence {
                measured: Some(say::status_at(*status, &self.url)),
                ..evidence(say::page_missing(*status, &self.url))
            }),
            PageState::Other(media) => {
                let note = match media.as_deref() {
                    Some("application/pdf") => say::published_as_pdf(&self.url),
                    Some(media) => say::not_html(media),
                    None => say::not_html(&say::no_content_type().en),
                };
                PageRead::Missing(Evidence {
                    measured: Some(
                        media
                            .as_deref()
                            .map_or_else(say::no_content_type, say::verbatim),
                    ),
                    ..evidence(note)
                })
            }
            PageState::Failed(reason) => PageRead::Failed(evidence(say::fetch_failed_after(
                &self.url,
                u32::from(self.fetch.attempts),
                reason,
            ))),
        }
    }

    /// Evidence naming this page (where it ended up, when it was redirected to
    /// another host).
    pub fn evidence(&self) -> Evidence {
        let final_url = &self.fetch.exchange.final_url;
        let elsewhere = host_of(final_url) != host_of(&self.url);
        Evidence {
            url: Some(if elsewhere {
                final_url.clone()
            } else {
                self.url.clone()
            }),
            probe: Some(page_label(self.role)),
            notes: if elsewhere {
                vec![say::redirected_elsewhere(&self.url, final_url)]
            } else {
                Vec::new()
            },
            ..Evidence::default()
        }
    }
}

/// Notes every text-reading rule adds: a page that seems rendered by script, a
/// page read only in part, and linked PDFs whose name or link text matches
/// `keywords`.
pub fn reading_notes(page: &HtmlPage, url: &str, keywords: &[String]) -> Vec<Text> {
    let mut notes = Vec::new();
    let text = page.visible_text(&[]);
    if text.chars().count() < SCRIPT_RENDERED_BELOW && page.scripts() > 0 {
        notes.push(say::script_rendered(url, text.chars().count()));
    }
    match page.truncated {
        Some(crate::standards::html::Truncation::Size(bytes)) => {
            notes.push(say::read_first_kib(url, bytes >> 10))
        }
        Some(crate::standards::html::Truncation::Depth(bytes)) => notes.push(say::read_to_depth(
            url,
            crate::standards::html::MAX_DEPTH,
            bytes,
        )),
        None => {}
    }
    for link in page.links() {
        let path = link.href.split(['?', '#']).next().unwrap_or_default();
        if !path.to_ascii_lowercase().ends_with(".pdf") {
            continue;
        }
        let name = input::catalogue::normalise(&path.replace(['-', '_', '/', '.'], " "));
        if keywords
            .iter()
            .any(|keyword| contains_phrase(&link.text, keyword) || contains_phrase(&name, keyword))
        {
            notes.push(say::linked_pdf(&link.href));
        }
    }
    notes
}

/// The parsed HTML pages the AX rules read (2xx HTML, OpenAPI document excluded),
/// and notes on declared pages that could not be fetched.
pub fn html_documents<'f>(facts: &'f Facts<'_>) -> (Vec<(&'f Page<'f>, &'f HtmlPage)>, Vec<Text>) {
    let mut pages = Vec::new();
    let mut failed = Vec::new();
    for page in facts.html_pages() {
        match &page.state {
            PageState::Html(html) => pages.push((page, html)),
            PageState::Failed(reason) => {
                failed.push(say::page_not_judged(page.role.key(), &page.url, reason))
            }
            PageState::Missing(_) | PageState::Other(_) => {}
        }
    }
    (pages, failed)
}

/// The outcome when there is no HTML page to read: inconclusive when a page
/// failed, else not applicable.
pub fn no_html_pages(failed: Vec<Text>) -> RuleOutcome {
    if failed.is_empty() {
        RuleOutcome::not_applicable(say::no_html_page())
    } else {
        RuleOutcome::inconclusive(say::join(&failed, "; "))
    }
}

/// The role a `page` param names (`standards.pages` spelling).
pub fn role_of(key: &str) -> Option<PageRole> {
    [
        PageRole::Home,
        PageRole::ServiceStandard,
        PageRole::Complaints,
        PageRole::Maklumat,
        PageRole::Skm,
        PageRole::Ppid,
        PageRole::Privacy,
        PageRole::Contact,
        PageRole::Other,
    ]
    .into_iter()
    .find(|role| role.key() == key)
}

/// A check kind's implementation: a pure function of its params, levels and facts.
pub type CheckFn = fn(&Input) -> RuleOutcome;

/// The function behind each kind of [`KINDS`](input::catalogue::kinds::KINDS); `None`
/// for a name this binary does not implement (a test keeps the two lists equal).
pub fn check_of(kind: &Kind) -> Option<CheckFn> {
    Some(match kind.name {
        "availability" => availability::check,
        "error_rate" => error_rate::check,
        "latency" => latency::check,
        "compression" => compression::check,
        "probe_pass_rate" => probe_pass_rate::check,
        "https" => https::check,
        "tls_certificate" => tls_certificate::check,
        "tls_version" => tls_version::check,
        "hsts" => hsts::check,
        "csp" => csp::check,
        "security_headers" => security_headers::check,
        "version_disclosure" => version_disclosure::check,
        "cookies" => cookies::check,
        "cms_account_names" => cms::account_names,
        "cms_xmlrpc" => cms::xmlrpc,
        "json_content_type" => json_content_type::check,
        "structured_errors" => structured_errors::check,
        "openapi" => openapi::check,
        "service_standard" => service_standard::check,
        "complaint_channel" => complaint_channel::check,
        "contact_hours" => contact_hours::check,
        "gov_domain" => gov_domain::check,
        "html_lang" => html_lang::check,
        "img_alt" => img_alt::check,
        "link_text" => link_text::check,
        "mixed_content" => mixed_content::check,
        "page_basics" => page_basics::check,
        "form_labels" => form_labels::check,
        "page_components" => page_components::check,
        "attestation" => attestation::check,
        "service_maturity" => service_maturity::check,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::standards::testing::*;

    #[test]
    fn responses_include_hops_but_not_other_hosts() {
        let mut obs = observations();
        let mut exchange = exchange(
            "https://svc.example.go.id/a",
            response(200, &[("server", "x")], "ok"),
        );
        exchange.redirects = vec![
            hop("https://svc.example.go.id/a", 302, &[("server", "hop")]),
            hop(
                "https://sso.example.com/login",
                302,
                &[("server", "other/1.0")],
            ),
        ];
        exchange.final_url = "https://sso.example.com/done".into();
        obs.probes.push(probe_result("beranda", exchange));
        let scenario = scenario("");
        let facts = Facts::new(&scenario, &obs, None);
        let seen = facts.responses();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].lines("server").collect::<Vec<_>>(), ["hop"]);
    }

    #[test]
    fn pages_are_classified() {
        let mut obs = observations();
        obs.pages.push(page(
            PageRole::Home,
            200,
            "text/html; charset=utf-8",
            "<p>x</p>",
        ));
        obs.pages
            .push(page(PageRole::ServiceStandard, 404, "text/html", "nope"));
        obs.pages
            .push(page(PageRole::Complaints, 503, "text/html", "down"));
        obs.pages
            .push(page(PageRole::Openapi, 200, "application/pdf", "%PDF"));
        let scenario = scenario("");
        let facts = Facts::new(&scenario, &obs, None);
        assert!(matches!(facts.pages[0].state, PageState::Html(_)));
        assert!(matches!(facts.pages[1].state, PageState::Missing(404)));
        assert!(matches!(facts.pages[2].state, PageState::Failed(_)));
        match facts.pages[3].read() {
            PageRead::Missing(evidence) => {
                assert!(evidence.notes[0].en.starts_with("published as PDF"));
                assert!(
                    evidence.notes[0]
                        .id
                        .starts_with("dipublikasikan sebagai PDF")
                );
            }
            _ => panic!("a PDF is read as missing HTML"),
        }
        match facts.pages[1].read() {
            PageRead::Missing(evidence) => assert!(
                evidence.notes[0]
                    .en
                    .starts_with("HTTP 404 at https://svc.example.go.id/standar-pelayanan"),
                "{evidence:?}"
            ),
            _ => panic!(),
        }
    }

    #[test]
    fn a_page_redirected_to_another_host_says_so() {
        let mut obs = observations();
        let mut fetch = page(PageRole::ServiceStandard, 200, "text/html", "<p>x</p>");
        fetch.exchange.final_url = "https://cdn.example.com/sp.html".into();
        obs.pages.push(fetch);
        let scenario = scenario("");
        let facts = Facts::new(&scenario, &obs, None);
        let evidence = facts.pages[0].evidence();
        assert_eq!(
            evidence.url.as_deref(),
            Some("https://cdn.example.com/sp.html")
        );
        assert!(evidence.notes[0].en.contains("redirected to another host"));
        assert!(evidence.notes[0].id.contains("dialihkan ke host lain"));
    }

    #[test]
    fn reading_notes_flag_script_pages_and_pdfs() {
        let page = HtmlPage::parse(
            r#"<div id=app></div><script src=app.js></script><a href="/docs/Standar_Pelayanan.pdf">unduh</a>"#,
        );
        let notes = reading_notes(&page, "https://x/", &["standar pelayanan".to_string()]);
        assert!(
            notes[0].en.contains("appears to be rendered by JavaScript"),
            "{notes:?}"
        );
        assert_eq!(
            notes[1].en,
            "published as PDF at /docs/Standar_Pelayanan.pdf, not read"
        );
    }
}
