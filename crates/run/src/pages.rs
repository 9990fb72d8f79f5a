//! What the standards stage reads beyond the probes: the declared pages, fetched
//! as a browser would ask for them, and SC-01's look at plain `http://`.

use std::time::Duration;

use input::scenario::join_path;
use input::scenario::{Scenario, Standards};
use observe::exchange::Exchange;
use observe::observations::{PageFetch, PageRole};
use observe::redact::Redactor;

use crate::client::Session;
use crate::exchange::{RequestSpec, perform};

const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";

/// A 5xx or a transport failure may be a blip: one retry after this pause.
const RETRY_PAUSE: Duration = Duration::from_secs(1);

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
    ]
    .into_iter()
    .filter_map(|(role, url)| Some((role, url?)))
    .collect()
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
        let mut exchange = perform(session, &spec, redactor).await;
        let mut attempts = 1;
        if worth_retrying(&exchange) {
            tokio::time::sleep(RETRY_PAUSE).await;
            exchange = perform(session, &spec, redactor).await;
            attempts = 2;
        }
        fetches.push(PageFetch {
            role,
            url: redactor.redact(url.as_str()).into_owned(),
            exchange,
            attempts,
        });
    }
    fetches
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
    perform(session, &spec, redactor).await
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
