//! AX-03 `page_basics`: every HTML page has a non-empty `<title>` and a
//! `<meta name="viewport">`: `both`, `one`, `none`; the lowest over pages.

use crate::standards::checks::Input;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let (pages, failed) = crate::standards::checks::html_documents(input.facts);
    if pages.is_empty() {
        return crate::standards::checks::no_html_pages(failed);
    }
    let mut worst: Option<(u8, &'static str, Vec<&'static str>, Evidence)> = None;
    for (page, html) in &pages {
        let mut missing = Vec::new();
        if html.title().is_none() {
            missing.push("<title>");
        }
        if !html.has_viewport() {
            missing.push("<meta name=\"viewport\">");
        }
        let outcome = ["both", "one", "none"][missing.len()];
        let level = input.levels.of_outcome(outcome);
        if worst.as_ref().is_none_or(|(worst, ..)| level < *worst) {
            worst = Some((level, outcome, missing, page.evidence()));
        }
    }
    let Some((_, outcome, missing, evidence)) = worst else {
        return crate::standards::checks::no_html_pages(failed);
    };
    let mut notes = failed;
    notes.insert(0, format!("lowest of {} HTML pages", pages.len()));
    input.level_of_outcome(
        outcome,
        Evidence {
            measured: Some(if missing.is_empty() {
                "every page has a title and a viewport".into()
            } else {
                format!("missing {}", missing.join(" and "))
            }),
            notes,
            ..evidence
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    fn with(head: &str) -> i8 {
        let mut obs = observations();
        let good = "<title>Beranda</title><meta name=viewport content='width=device-width'>";
        obs.pages.push(html_page(PageRole::Home, &[], good));
        obs.pages.push(html_page(PageRole::Complaints, &[], head));
        level(&run_rule("AX-03", &scenario(""), &obs))
    }

    #[test]
    fn every_level() {
        assert_eq!(
            with("<title>Lapor</title><meta name=Viewport content='width=device-width'>"),
            5
        );
        assert_eq!(with("<title>Lapor</title>"), 3);
        assert_eq!(with("<title> </title><meta name=viewport content='x'>"), 3);
        assert_eq!(with("<p>no head</p>"), 1);
    }
}
