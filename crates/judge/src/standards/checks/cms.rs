//! The first findings of a WordPress security review, read from ujilab's own
//! requests, which the run makes only when the home page shows a CMS (one each):
//!
//! - `cms_account_names` (SC-10): the REST API's user list names the accounts'
//!   logins (`slug`), or the first author's archive (`/?author=1`) redirects to
//!   `/author/<login>/`;
//! - `cms_xmlrpc` (SC-11): `/xmlrpc.php` answers a `system.listMethods` call.
//!
//! Not applicable when no CMS was detected; inconclusive when ujilab could not
//! ask and found nothing.

use std::sync::LazyLock;

use observe::observations::PageRole;
use regex::Regex;

use crate::standards::checks::{Input, Page, page_label};
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

/// `/author/<login>/` in a redirect's target.
static AUTHOR_PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/author/([^/?#]+)").expect("a valid pattern"));

/// `<string>` values in an XML-RPC method list.
static XML_STRING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<string>\s*([^<]*?)\s*</string>").expect("a valid pattern"));

static FAULT_STRING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)<name>\s*faultString\s*</name>\s*<value>\s*(?:<string>)?([^<]*)")
        .expect("a valid pattern")
});

/// At most this many names are listed per finding.
const LISTED: usize = 8;

/// A place that gave a login name away.
struct Finding<'p> {
    page: &'p Page<'p>,
    names: Vec<String>,
}

pub fn account_names(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    let asked: Vec<&Page> = facts
        .own_requests(PageRole::CmsUsers)
        .chain(facts.own_requests(PageRole::CmsAuthor))
        .collect();
    if asked.is_empty() {
        return RuleOutcome::not_applicable(say::no_cms_detected());
    }
    let mut findings: Vec<Finding> = Vec::new();
    let mut notes = Vec::new();
    let mut unanswered = Vec::new();
    for page in asked {
        let exchange = &page.fetch.exchange;
        match page.role {
            PageRole::CmsUsers => match &exchange.response {
                Some(response) => {
                    let names = if (200..300).contains(&response.status) {
                        slugs(&response.body)
                    } else {
                        Vec::new()
                    };
                    if names.is_empty() {
                        notes.push(say::user_list_closed(&page.url, response.status));
                    } else {
                        notes.push(say::user_list_names(&page.url, &names));
                        findings.push(Finding { page, names });
                    }
                }
                None => unanswered.push(say::could_not_ask(&page.url)),
            },
            _ => match author_target(page) {
                Some((target, name)) => {
                    notes.push(say::author_archive_names(&page.url, &target, &name));
                    findings.push(Finding {
                        page,
                        names: vec![name],
                    });
                }
                None => match &exchange.response {
                    Some(response) => {
                        notes.push(say::author_archive_closed(&page.url, response.status))
                    }
                    None => unanswered.push(say::could_not_ask(&page.url)),
                },
            },
        }
    }
    let mut names: Vec<String> = Vec::new();
    for finding in &findings {
        for name in &finding.names {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    notes.extend(unanswered.iter().cloned());
    notes.push(say::cms_asked_once());
    let Some(first) = findings.first() else {
        if !unanswered.is_empty() {
            return RuleOutcome::inconclusive(say::join(&unanswered, "; "));
        }
        return input.level_of_outcome(
            "pass",
            Evidence {
                measured: Some(say::no_account_names()),
                notes,
                ..Evidence::default()
            },
        );
    };
    input.level_of_outcome(
        "fail",
        Evidence {
            measured: Some(say::account_names_disclosed(names.len())),
            excerpt: Some(names.join(", ")),
            url: Some(first.page.url.clone()),
            probe: Some(page_label(first.page.role)),
            notes,
            ..Evidence::default()
        },
    )
}

/// The `slug` of every user in a REST API user list (a JSON array of objects).
fn slugs(body: &[u8]) -> Vec<String> {
    let Ok(serde_json::Value::Array(users)) = serde_json::from_slice(body) else {
        return Vec::new();
    };
    let mut names: Vec<String> = users
        .iter()
        .filter_map(|user| user.get("slug")?.as_str())
        .map(str::trim)
        .filter(|slug| !slug.is_empty())
        .map(str::to_string)
        .collect();
    names.dedup();
    names.truncate(LISTED);
    names
}

/// Where the author archive pointed, when it pointed at `/author/<login>/`:
/// a redirect hop's Location, the final URL after the hop, or the Location of a
/// redirect that was not followed.
fn author_target(page: &Page) -> Option<(String, String)> {
    let exchange = &page.fetch.exchange;
    let mut targets: Vec<&str> = Vec::new();
    for hop in &exchange.redirects {
        targets.push(hop.location.as_str());
        targets.extend(
            hop.headers
                .iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case("location"))
                .map(|(_, value)| value.as_str()),
        );
    }
    if !exchange.redirects.is_empty() {
        targets.push(exchange.final_url.as_str());
    }
    if let Some(response) = &exchange.response
        && (300..400).contains(&response.status)
    {
        targets.extend(
            response
                .headers
                .iter()
                .filter(|(name, _)| name.eq_ignore_ascii_case("location"))
                .map(|(_, value)| value.as_str()),
        );
    }
    targets.into_iter().find_map(|target| {
        let name = AUTHOR_PATH.captures(target)?.get(1)?.as_str().to_string();
        Some((target.to_string(), name))
    })
}

pub fn xmlrpc(input: &Input) -> RuleOutcome {
    let Some(page) = input.facts.own_requests(PageRole::CmsXmlrpc).next() else {
        return RuleOutcome::not_applicable(say::no_cms_detected());
    };
    let Some(response) = &page.fetch.exchange.response else {
        return RuleOutcome::inconclusive(say::could_not_ask(&page.url));
    };
    let evidence = |measured, excerpt: Option<String>, notes| Evidence {
        measured: Some(measured),
        excerpt,
        url: Some(page.url.clone()),
        probe: Some(page_label(page.role)),
        notes,
        ..Evidence::default()
    };
    let text = &response.text;
    if !(200..300).contains(&response.status) || !text.contains("<methodResponse") {
        return input.level_of_outcome(
            "pass",
            evidence(
                say::xmlrpc_closed(&page.url, response.status),
                None,
                vec![say::cms_asked_once()],
            ),
        );
    }
    if let Some(fault) = FAULT_STRING.captures(text).and_then(|c| c.get(1)) {
        let fault: String = fault.as_str().trim().chars().take(200).collect();
        return input.level_of_outcome(
            "fail",
            evidence(
                say::xmlrpc_answers_fault(&fault),
                None,
                vec![say::cms_asked_once()],
            ),
        );
    }
    let methods: Vec<&str> = XML_STRING
        .captures_iter(text)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .collect();
    let mut notes = Vec::new();
    if methods.contains(&"system.multicall") {
        notes.push(say::xmlrpc_multicall());
    }
    notes.push(say::cms_asked_once());
    let shown: Vec<&str> = methods.iter().take(LISTED).copied().collect();
    input.level_of_outcome(
        "fail",
        evidence(
            say::xmlrpc_open(methods.len()),
            (!shown.is_empty()).then(|| shown.join(", ")),
            notes,
        ),
    )
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    const USERS: &str = r#"[{"id":1,"name":"Admin Diskominfo","slug":"admin-contohkab"},{"id":2,"name":"Redaksi","slug":"redaksi-humas"}]"#;

    fn cms(pages: Vec<observe::observations::PageFetch>) -> observe::observations::Observations {
        let mut obs = observations();
        obs.pages.push(html_page(PageRole::Home, &[], "<p>x</p>"));
        obs.pages.extend(pages);
        obs
    }

    fn author_redirect(location: &str) -> observe::observations::PageFetch {
        let mut fetch = page(PageRole::CmsAuthor, 200, "text/html", "<p>Penulis</p>");
        fetch.exchange.redirects = vec![hop(
            &page_url(PageRole::CmsAuthor),
            301,
            &[("location", location)],
        )];
        fetch.exchange.final_url = format!("{BASE}{location}");
        fetch
    }

    #[test]
    fn account_names_from_the_user_list_and_the_author_archive() {
        let obs = cms(vec![
            page(PageRole::CmsUsers, 200, "application/json", USERS),
            author_redirect("/author/admin-contohkab/"),
        ]);
        let outcome = run_rule("SC-10", &scenario(""), &obs);
        assert_eq!(level(&outcome), 1);
        assert_eq!(measured(&outcome), "2 account names are disclosed");
        assert_eq!(measured_id(&outcome), "2 nama akun dibuka");
        assert_eq!(
            outcome.evidence.excerpt.as_deref(),
            Some("admin-contohkab, redaksi-humas")
        );
        let notes = notes_en(&outcome);
        assert!(
            notes[0].ends_with("names the logins admin-contohkab, redaksi-humas"),
            "{notes:?}"
        );
        assert!(
            notes[1].contains("redirects to /author/admin-contohkab/ (login name admin-contohkab)"),
            "{notes:?}"
        );
        let id = &outcome.evidence.notes[0].id;
        assert!(
            id.ends_with("menyebut nama login `admin-contohkab` dan `redaksi-humas`"),
            "{id}"
        );
    }

    #[test]
    fn a_hardened_site_discloses_no_account_name() {
        let author = page(PageRole::CmsAuthor, 403, "text/html", "Forbidden");
        let obs = cms(vec![
            page(
                PageRole::CmsUsers,
                401,
                "application/json",
                r#"{"code":"rest_user_cannot_view"}"#,
            ),
            author,
        ]);
        let outcome = run_rule("SC-10", &scenario(""), &obs);
        assert_eq!(level(&outcome), 5);
        assert_eq!(measured(&outcome), "no account name is disclosed");
        // An empty list names no one.
        let obs = cms(vec![page(
            PageRole::CmsUsers,
            200,
            "application/json",
            "[]",
        )]);
        assert_eq!(level(&run_rule("SC-10", &scenario(""), &obs)), 5);
        // An archive redirect that is not to an author page.
        let obs = cms(vec![author_redirect("/")]);
        assert_eq!(level(&run_rule("SC-10", &scenario(""), &obs)), 5);
    }

    #[test]
    fn without_a_cms_the_rules_do_not_apply() {
        let obs = cms(Vec::new());
        for code in ["SC-10", "SC-11"] {
            let outcome = run_rule(code, &scenario(""), &obs);
            assert_eq!(level(&outcome), 0, "{code}");
            assert!(notes_en(&outcome)[0].starts_with("no CMS was detected"));
        }
    }

    #[test]
    fn a_request_that_failed_is_inconclusive_unless_another_disclosed() {
        let mut failed = page(PageRole::CmsUsers, 200, "application/json", "[]");
        failed.exchange = failed_exchange(
            &page_url(PageRole::CmsUsers),
            observe::exchange::TransportKind::Timeout,
            "timed out",
        );
        let obs = cms(vec![failed.clone()]);
        assert_eq!(level(&run_rule("SC-10", &scenario(""), &obs)), -1);
        let obs = cms(vec![failed, author_redirect("/author/admin/")]);
        assert_eq!(level(&run_rule("SC-10", &scenario(""), &obs)), 1);
    }

    #[test]
    fn xmlrpc_open_closed_and_fault() {
        let listed = "<?xml version=\"1.0\"?><methodResponse><params><param><value><array><data>\
            <value><string>system.multicall</string></value><value><string>system.listMethods</string></value>\
            <value><string>pingback.ping</string></value></data></array></value></param></params></methodResponse>";
        let obs = cms(vec![page(PageRole::CmsXmlrpc, 200, "text/xml", listed)]);
        let outcome = run_rule("SC-11", &scenario(""), &obs);
        assert_eq!(level(&outcome), 1);
        assert_eq!(measured(&outcome), "XML-RPC is open: 3 methods listed");
        assert_eq!(measured_id(&outcome), "XML-RPC terbuka: 3 metode terdaftar");
        assert!(notes_en(&outcome)[0].starts_with("including system.multicall"));
        assert_eq!(outcome.evidence.probe.as_deref(), Some("ujilab:cms_xmlrpc"));

        let fault = "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>405</int></value></member>\
            <member><name>faultString</name><value><string>XML-RPC services are disabled on this site.</string></value></member></struct></value></fault></methodResponse>";
        let obs = cms(vec![page(PageRole::CmsXmlrpc, 200, "text/xml", fault)]);
        let outcome = run_rule("SC-11", &scenario(""), &obs);
        assert_eq!(level(&outcome), 1);
        assert!(measured(&outcome).ends_with("XML-RPC services are disabled on this site."));

        let obs = cms(vec![page(
            PageRole::CmsXmlrpc,
            403,
            "text/html",
            "Forbidden",
        )]);
        let outcome = run_rule("SC-11", &scenario(""), &obs);
        assert_eq!(level(&outcome), 5);
        assert_eq!(
            measured(&outcome),
            format!(
                "{} answered HTTP 403 without an XML-RPC response",
                page_url(PageRole::CmsXmlrpc)
            )
        );
        let obs = cms(vec![page(
            PageRole::CmsXmlrpc,
            405,
            "text/plain",
            "XML-RPC server accepts POST requests only.",
        )]);
        assert_eq!(level(&run_rule("SC-11", &scenario(""), &obs)), 5);
    }
}
