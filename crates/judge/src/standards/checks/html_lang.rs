//! AX-01 `html_lang`: every HTML page's `<html>` element has a non-empty `lang`
//! (or `xml:lang`).

use crate::standards::checks::Input;
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let (pages, failed) = crate::standards::checks::html_documents(input.facts);
    if pages.is_empty() {
        return crate::standards::checks::no_html_pages(failed);
    }
    let missing = pages.iter().find(|(_, html)| html.lang().is_none());
    let mut notes = failed;
    notes.insert(0, say::html_pages_read(pages.len()));
    match missing {
        Some((page, _)) => input.level_of_outcome(
            "fail",
            Evidence {
                measured: Some(say::html_without_lang()),
                notes,
                ..page.evidence()
            },
        ),
        None => {
            let langs: Vec<String> = pages.iter().filter_map(|(_, html)| html.lang()).collect();
            input.level_of_outcome(
                "pass",
                Evidence {
                    measured: Some(say::verbatim(format!("lang={}", langs.join(", ")))),
                    notes,
                    ..Evidence::default()
                },
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    #[test]
    fn every_outcome() {
        let mut obs = observations();
        obs.pages.push(html_page(
            PageRole::Home,
            &[],
            "<html lang=id><p>x</p></html>",
        ));
        assert_eq!(level(&run_rule("AX-01", &scenario(""), &obs)), 5);
        obs.pages.push(html_page(
            PageRole::Complaints,
            &[],
            "<html lang=''><p>x</p></html>",
        ));
        let outcome = run_rule("AX-01", &scenario(""), &obs);
        assert_eq!(level(&outcome), 1);
        assert_eq!(outcome.evidence.probe.as_deref(), Some("pages.complaints"));
        // A missing page is TR-01's business, not a page without lang.
        let mut obs = observations();
        obs.pages
            .push(html_page(PageRole::Home, &[], "<html lang=id></html>"));
        obs.pages.push(page(
            PageRole::ServiceStandard,
            404,
            "text/html",
            "<html><p>404</p></html>",
        ));
        assert_eq!(level(&run_rule("AX-01", &scenario(""), &obs)), 5);
        assert_eq!(level(&run_rule("AX-01", &scenario(""), &observations())), 0);
        let mut obs = observations();
        obs.pages.push(page(PageRole::Home, 500, "text/html", ""));
        assert_eq!(level(&run_rule("AX-01", &scenario(""), &obs)), -1);
    }
}
