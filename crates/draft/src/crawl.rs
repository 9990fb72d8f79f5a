//! The bounded visit `ujilab init` makes: robots.txt, then the home page and the
//! same-site pages it links to, breadth first, within a depth, a page count, a
//! body cap, a time budget and a pause between requests (the site's
//! `Crawl-delay` when longer). Then the OpenAPI document, when one is linked or
//! served at a usual path. Requests go through the run stage's client and
//! exchange, so `resolve`, CA files and the body cap work as in a run; a
//! failing site is data here, never an error.

use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

use observe::exchange::Exchange;
use observe::redact::Redactor;
use run::client::Session;
use run::exchange::{RequestSpec, perform};
use serde_json::Value;
use url::Url;

use crate::page::PageText;
use crate::robots::Robots;

/// Sent with every request of init, so that a site's operators can tell who
/// visited and why.
pub const USER_AGENT: &str = concat!(
    "ujilab/",
    env!("CARGO_PKG_VERSION"),
    " (init: drafting a test scenario; obeys robots.txt)"
);

/// Where OpenAPI documents usually are, asked when no page links one.
pub const USUAL_OPENAPI_PATHS: [&str; 6] = [
    "/openapi.json",
    "/openapi.yaml",
    "/swagger.json",
    "/v3/api-docs",
    "/api/openapi.json",
    "/api-docs",
];

/// Links to files that are not pages are not visited.
const NOT_PAGES: [&str; 16] = [
    ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".ico", ".css", ".js", ".zip",
    ".rar", ".doc", ".docx", ".xls", ".xlsx",
];

/// How far init looks.
#[derive(Debug, Clone)]
pub struct CrawlLimits {
    /// Links followed from the home page: 1 = the pages it links to.
    pub max_depth: u32,
    /// Pages fetched at most (robots.txt and OpenAPI candidates aside).
    pub max_pages: usize,
    /// Pause between two requests.
    pub delay: Duration,
    /// Decoded body cap per response.
    pub max_body: u64,
    /// Per request.
    pub timeout: Duration,
    /// The whole visit.
    pub budget: Duration,
}

impl Default for CrawlLimits {
    fn default() -> Self {
        CrawlLimits {
            max_depth: 2,
            max_pages: 30,
            delay: Duration::from_millis(500),
            max_body: 2 * 1024 * 1024,
            timeout: Duration::from_secs(10),
            budget: Duration::from_secs(120),
        }
    }
}

/// One fetched URL.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// As linked (and as a probe will ask for it).
    pub url: Url,
    pub depth: u32,
    pub exchange: Exchange,
    /// Read when the final response is HTML.
    pub page: Option<PageText>,
}

impl Fetched {
    pub fn status(&self) -> Option<u16> {
        self.exchange.status()
    }

    pub fn content_type(&self) -> Option<&str> {
        self.exchange.response.as_ref()?.header("content-type")
    }

    /// The decoded body as text (empty without a response).
    pub fn body(&self) -> &str {
        self.exchange
            .response
            .as_ref()
            .map(|response| response.text.as_str())
            .unwrap_or_default()
    }
}

/// An OpenAPI (or Swagger) document found on the site.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiDocument {
    pub url: Url,
    /// The `openapi` value (`3.0.3`), or `swagger`'s (`2.0`).
    pub version: String,
    pub swagger: bool,
    /// Whether a page links it (rather than a usual path answering).
    pub linked: bool,
}

/// Why the visit stopped before it ran out of links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    PageLimit,
    TimeBudget,
}

/// What the visit saw.
#[derive(Debug, Clone)]
pub struct Crawl {
    pub start: Url,
    /// In the order fetched; the first is the start page.
    pub pages: Vec<Fetched>,
    /// Whether the site serves a robots.txt.
    pub robots_found: bool,
    /// Same-site links robots.txt kept init from.
    pub blocked: Vec<Url>,
    pub api_document: Option<ApiDocument>,
    pub stopped: Option<Stop>,
}

impl Crawl {
    pub fn home(&self) -> Option<&Fetched> {
        self.pages.first()
    }
}

/// Visits `start` and its site within `limits`. `seen` is told of each fetch
/// as it happens (for a progress line).
pub async fn crawl(
    start: &Url,
    session: &Session,
    limits: &CrawlLimits,
    seen: &mut dyn FnMut(&Fetched),
) -> Crawl {
    let began = Instant::now();
    let mut visitor = Visitor {
        session,
        limits,
        redactor: Redactor::default(),
        delay: limits.delay,
        last_request: None,
    };
    let mut robots_url = start.clone();
    robots_url.set_path("/robots.txt");
    robots_url.set_query(None);
    let robots_exchange = visitor.get(&robots_url).await;
    let robots = match &robots_exchange.response {
        Some(response) if (200..300).contains(&response.status) => {
            Some(Robots::parse(&response.text))
        }
        _ => None,
    };
    let robots_found = robots.is_some();
    let robots = robots.unwrap_or_else(Robots::allow_all);
    if let Some(crawl_delay) = robots.crawl_delay {
        // A site asking for more than 10 s between requests would make init
        // take an hour; it gets 10 s and fewer pages within the budget.
        visitor.delay = visitor.delay.max(crawl_delay.min(Duration::from_secs(10)));
    }

    let mut crawl = Crawl {
        start: start.clone(),
        pages: Vec::new(),
        robots_found,
        blocked: Vec::new(),
        api_document: None,
        stopped: None,
    };
    // Same-site means the home page's final scheme, host and port.
    let mut site = start.clone();
    let mut queued: HashSet<Url> = HashSet::from([start.clone()]);
    let mut queue: VecDeque<(Url, u32)> = VecDeque::from([(start.clone(), 0)]);
    while let Some((url, depth)) = queue.pop_front() {
        if crawl.pages.len() >= limits.max_pages {
            crawl.stopped = Some(Stop::PageLimit);
            break;
        }
        if began.elapsed() >= limits.budget {
            crawl.stopped = Some(Stop::TimeBudget);
            break;
        }
        if !robots.allows(&path_and_query(&url)) {
            crawl.blocked.push(url);
            continue;
        }
        let exchange = visitor.get(&url).await;
        let page = html_page(&exchange);
        let fetched = Fetched {
            url,
            depth,
            exchange,
            page,
        };
        seen(&fetched);
        if depth == 0
            && fetched.exchange.response.is_some()
            && let Ok(home) = Url::parse(&fetched.exchange.final_url)
        {
            // The home page may redirect (http to https, to www.): the site is
            // where it ends, and the scenario's base_url with it.
            site = home.clone();
            crawl.start = home;
        }
        if depth < limits.max_depth
            && let Some(page) = &fetched.page
        {
            for link in &page.links {
                if link.anchor && is_page_link(&link.url, &site) && queued.insert(link.url.clone())
                {
                    queue.push_back((link.url.clone(), depth + 1));
                }
            }
        }
        crawl.pages.push(fetched);
    }
    if crawl.stopped.is_none() && crawl.pages.len() >= limits.max_pages && !queue.is_empty() {
        crawl.stopped = Some(Stop::PageLimit);
    }
    crawl.api_document = find_api_document(&crawl, &robots, &mut visitor, began).await;
    crawl
}

struct Visitor<'a> {
    session: &'a Session,
    limits: &'a CrawlLimits,
    redactor: Redactor,
    delay: Duration,
    last_request: Option<Instant>,
}

impl Visitor<'_> {
    /// One polite GET: waits out the pause since the last request first.
    async fn get(&mut self, url: &Url) -> Exchange {
        if let Some(last) = self.last_request {
            let since = last.elapsed();
            if since < self.delay {
                tokio::time::sleep(self.delay - since).await;
            }
        }
        let mut spec = RequestSpec::get(url.clone());
        spec.headers = vec![
            ("User-Agent".to_string(), USER_AGENT.to_string()),
            (
                "Accept".to_string(),
                "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8".to_string(),
            ),
        ];
        spec.timeout = self.limits.timeout;
        spec.max_body = self.limits.max_body;
        let exchange = perform(self.session, &spec, &self.redactor).await;
        self.last_request = Some(Instant::now());
        exchange
    }
}

/// The page read, when the final response is a complete HTML answer.
fn html_page(exchange: &Exchange) -> Option<PageText> {
    let response = exchange.response.as_ref()?;
    let content_type = response.header("content-type")?.to_ascii_lowercase();
    if !(content_type.contains("text/html") || content_type.contains("application/xhtml+xml")) {
        return None;
    }
    let base = Url::parse(&exchange.final_url).ok()?;
    Some(PageText::read(&response.text, &base))
}

fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    }
}

/// A link init follows: same scheme, host and port as the start, and not a
/// file that is no page.
fn is_page_link(url: &Url, start: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    url.origin() == start.origin() && !NOT_PAGES.iter().any(|ext| path.ends_with(ext))
}

/// A link that names an API description: by its path or its text.
fn looks_like_api_document(link: &crate::page::Link) -> bool {
    let path = link.url.path().to_ascii_lowercase();
    let text = link.text.to_ascii_lowercase();
    let described = ["openapi", "swagger", "api-docs"]
        .iter()
        .any(|word| path.contains(word));
    described || text.contains("openapi") || text.contains("swagger")
}

/// The first linked document that reads as OpenAPI (or Swagger), else the
/// first usual path that does.
async fn find_api_document(
    crawl: &Crawl,
    robots: &Robots,
    visitor: &mut Visitor<'_>,
    began: Instant,
) -> Option<ApiDocument> {
    let mut candidates: Vec<(Url, bool)> = Vec::new();
    for fetched in &crawl.pages {
        for link in fetched.page.iter().flat_map(|page| &page.links) {
            if link.url.origin() == crawl.start.origin()
                && looks_like_api_document(link)
                && !candidates.iter().any(|(url, _)| *url == link.url)
            {
                candidates.push((link.url.clone(), true));
            }
        }
    }
    for path in USUAL_OPENAPI_PATHS {
        let mut url = crawl.start.clone();
        url.set_path(path);
        url.set_query(None);
        if !candidates.iter().any(|(known, _)| *known == url) {
            candidates.push((url, false));
        }
    }
    for (url, linked) in candidates.into_iter().take(USUAL_OPENAPI_PATHS.len() + 4) {
        if began.elapsed() >= visitor.limits.budget || !robots.allows(&path_and_query(&url)) {
            continue;
        }
        // A linked document the visit already fetched is not asked again.
        let fetched_before = crawl.pages.iter().find(|fetched| fetched.url == url);
        let exchange = match fetched_before {
            Some(fetched) => fetched.exchange.clone(),
            None => visitor.get(&url).await,
        };
        if let Some(document) = read_api_document(&exchange, url, linked) {
            return Some(document);
        }
    }
    None
}

fn read_api_document(exchange: &Exchange, url: Url, linked: bool) -> Option<ApiDocument> {
    let response = exchange.response.as_ref()?;
    if !(200..300).contains(&response.status) {
        return None;
    }
    let document: Value = serde_json::from_str(&response.text)
        .ok()
        .or_else(|| input::scenario::raw::parse::<Value>(&response.text).ok())?;
    let version = |key: &str| {
        document
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    if let Some(version) = version("openapi") {
        return Some(ApiDocument {
            url,
            version,
            swagger: false,
            linked,
        });
    }
    version("swagger").map(|version| ApiDocument {
        url,
        version,
        swagger: true,
        linked,
    })
}
