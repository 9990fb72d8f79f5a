//! AX-03 `page_basics`: every HTML page has a non-empty `<title>` and a
//! `<meta name="viewport">` that lets people zoom: `both`, `one`, `none`; the
//! lowest over pages. A viewport with `user-scalable=no` or `maximum-scale`
//! below 2 locks zoom, which fails WCAG 1.4.4, and counts as no viewport.

use crate::standards::checks::Input;
use crate::standards::say::{self, PageBasic};
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let (pages, failed) = crate::standards::checks::html_documents(input.facts);
    if pages.is_empty() {
        return crate::standards::checks::no_html_pages(failed);
    }
    let mut worst: Option<(u8, &'static str, Vec<PageBasic>, Evidence)> = None;
    for (page, html) in &pages {
        let mut missing = Vec::new();
        if html.title().is_none() {
            missing.push(PageBasic::Title);
        }
        if !html.has_viewport() {
            missing.push(PageBasic::Viewport);
        } else if let Some(lock) = html.zoom_lock() {
            missing.push(PageBasic::ZoomLocked(lock));
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
    notes.insert(0, say::lowest_of_html_pages(pages.len()));
    input.level_of_outcome(
        outcome,
        Evidence {
            measured: Some(say::page_basics(&missing)),
            notes,
            ..evidence
        },
    )
}

#[cfg(test)]
mod tests {
    /// catalogue-2026.2.md: a zoom lock violates WCAG 1.4.4.
    #[test]
    fn a_zoom_lock_is_not_a_viewport() {
        use crate::standards::testing::*;
        use observe::observations::PageRole;
        let with = |viewport: &str| {
            let mut obs = observations();
            obs.pages.push(html_page(
                PageRole::Home,
                &[],
                &format!("<title>x</title><meta name=viewport content=\"{viewport}\">"),
            ));
            run_rule("AX-03", &scenario(""), &obs)
        };
        assert_eq!(level(&with("width=device-width, initial-scale=1")), 5);
        let locked = with("width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no");
        assert_eq!(level(&locked), 3);
        assert_eq!(
            measured(&locked),
            "missing a viewport that allows zoom (maximum-scale=1 locks it)"
        );
        assert_eq!(level(&with("width=device-width, user-scalable=0")), 3);
        assert_eq!(level(&with("width=device-width, maximum-scale=5")), 5);
    }

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
