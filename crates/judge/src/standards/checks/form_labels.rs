//! AX-04 `form_labels`: the share of visible form controls with an accessible
//! label: `<label for>`, a wrapping `<label>`, aria-label or aria-labelledby.
//! Controls are input (except hidden, submit, button, reset, image), select and
//! textarea, without `hidden` or `aria-hidden=true`; CSS is not evaluated. Not
//! applicable without controls.

use crate::standards::checks::Input;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let (pages, failed) = crate::standards::checks::html_documents(input.facts);
    if pages.is_empty() {
        return crate::standards::checks::no_html_pages(failed);
    }
    let mut total = 0;
    let mut labelled = 0;
    let mut unlabelled: Vec<String> = Vec::new();
    let mut first_page = None;
    for (page, html) in &pages {
        for control in html.controls() {
            total += 1;
            if control.labelled {
                labelled += 1;
            } else {
                if first_page.is_none() {
                    first_page = Some(page.evidence());
                }
                unlabelled.push(control.description);
            }
        }
    }
    if total == 0 {
        return RuleOutcome::not_applicable("no form controls on the pages read");
    }
    let excerpt = (!unlabelled.is_empty()).then(|| {
        let shown: Vec<&str> = unlabelled.iter().take(8).map(String::as_str).collect();
        format!("without a label: {}", shown.join(", "))
    });
    input.level_of_value(
        labelled as f64 / total as f64,
        crate::standards::checks::share(labelled, total, "form controls are labelled"),
        Evidence {
            excerpt,
            notes: failed,
            ..first_page.unwrap_or_default()
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    fn with(body: &str) -> crate::standards::RuleOutcome {
        let mut obs = observations();
        obs.pages.push(html_page(PageRole::Complaints, &[], body));
        run_rule("AX-04", &scenario(""), &obs)
    }

    #[test]
    fn every_level() {
        let labelled = "<label for=a>A</label><input id=a>";
        let bare = "<input name=hp>";
        assert_eq!(level(&with(&labelled.repeat(4))), 5);
        assert_eq!(level(&with(&(labelled.repeat(9) + bare))), 4);
        let three = with(&(labelled.repeat(3) + bare));
        assert_eq!(level(&three), 3);
        assert_eq!(
            three.evidence.excerpt.as_deref(),
            Some("without a label: input name=hp")
        );
        assert_eq!(level(&with(&(labelled.to_string() + bare))), 2);
        assert_eq!(level(&with(&(labelled.to_string() + bare + bare))), 1);
        assert_eq!(
            level(&with(
                "<p>no form</p><input type=hidden><input type=submit>"
            )),
            0
        );
    }

    #[test]
    fn wrapping_labels_aria_and_hidden_controls() {
        let body = "<label>Nama <input></label><select aria-label=Kategori></select>\
                    <span id=l>Isi</span><textarea aria-labelledby=l></textarea>\
                    <div aria-hidden=true><input></div><input hidden>";
        assert_eq!(level(&with(body)), 5);
    }
}
