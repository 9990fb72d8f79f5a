//! AX-04 `form_labels`: the share of form controls with an accessible label:
//! `<label for>`, a wrapping `<label>`, aria-label or aria-labelledby. Controls
//! are input (except hidden, submit, button, reset, image), select and textarea.
//! Controls inside `hidden` or `aria-hidden=true` containers count too: that is
//! where Bootstrap modals and collapsed panels keep the complaint form until a
//! citizen opens it, and the evidence says how many were hidden. The same
//! control of the same form on several pages (a site-wide search box) counts
//! once. CSS is not evaluated. Not applicable without controls.

use std::collections::HashSet;

use crate::standards::checks::Input;
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let (pages, failed) = crate::standards::checks::html_documents(input.facts);
    if pages.is_empty() {
        return crate::standards::checks::no_html_pages(failed);
    }
    let mut total = 0;
    let mut labelled = 0;
    // Each unlabelled control's description, and whether it was hidden.
    let mut unlabelled: Vec<(String, bool)> = Vec::new();
    let mut first_page = None;
    let mut seen = HashSet::new();
    let mut hidden = 0;
    let mut repeated = 0;
    for (page, html) in &pages {
        let mut on_this_page = HashSet::new();
        for control in html.controls() {
            let key = (
                control.form.clone(),
                control.description.clone(),
                control.labelled,
            );
            if seen.contains(&key) {
                repeated += 1;
                continue;
            }
            on_this_page.insert(key);
            total += 1;
            hidden += usize::from(control.hidden);
            if control.labelled {
                labelled += 1;
            } else {
                if first_page.is_none() {
                    first_page = Some(page.evidence());
                }
                unlabelled.push((control.description, control.hidden));
            }
        }
        seen.extend(on_this_page);
    }
    if total == 0 {
        return RuleOutcome::not_applicable(say::no_form_controls());
    }
    let mut notes = Vec::new();
    if !unlabelled.is_empty() {
        let shown: Vec<(&str, bool)> = unlabelled
            .iter()
            .take(8)
            .map(|(description, hidden)| (description.as_str(), *hidden))
            .collect();
        notes.push(say::unlabelled_controls(&shown));
    }
    notes.extend(failed);
    if hidden > 0 {
        notes.push(say::hidden_controls(hidden, total));
    }
    if repeated > 0 {
        notes.push(say::repeated_controls(repeated));
    }
    input.level_of_value(
        labelled as f64 / total as f64,
        say::labelled_controls(labelled, total),
        Evidence {
            notes,
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
        assert_eq!(three.evidence.notes[0].en, "without a label: input name=hp");
        assert_eq!(three.evidence.notes[0].id, "tanpa label: input name=hp");
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
    fn wrapping_labels_and_aria() {
        let body = "<label>Nama <input></label><select aria-label=Kategori></select>\
                    <span id=l>Isi</span><textarea aria-labelledby=l></textarea>";
        assert_eq!(level(&with(body)), 5);
    }

    /// Issue 14: the complaint form in a Bootstrap modal, aria-hidden until
    /// opened, was "1 of 1 labelled".
    #[test]
    fn controls_in_a_hidden_modal_count_and_say_so() {
        let body = r#"<label for=q>Cari</label><input id=q name=q>
<div class="modal fade" id="modalLapor" tabindex="-1" aria-hidden="true"><div class="modal-dialog">
<form action="/lapor" method="post"><p>Nama</p><input name="nama"><p>NIK</p><input name="nik">
<p>Isi laporan</p><textarea name="isi"></textarea></form></div></div>"#;
        let outcome = with(body);
        assert_eq!(level(&outcome), 1, "{outcome:#?}");
        assert_eq!(
            measured(&outcome),
            "1 of 4 form controls are labelled (25%)"
        );
        assert_eq!(
            outcome.evidence.notes[0].en,
            "without a label: input name=nama (hidden), input name=nik (hidden), textarea name=isi (hidden)"
        );
        assert_eq!(
            outcome.evidence.notes[0].id,
            "tanpa label: input name=nama (tersembunyi), input name=nik (tersembunyi), textarea name=isi (tersembunyi)"
        );
        assert_eq!(
            measured_id(&outcome),
            "1 dari 4 kontrol formulir berlabel (25%)"
        );
        assert!(
            outcome.evidence.notes[1]
                .en
                .starts_with("3 of the 4 controls were hidden")
        );
    }

    /// Issue 19: a search box on every page counts once, so it does not dilute
    /// the complaint form's unlabelled fields.
    #[test]
    fn a_form_repeated_on_every_page_counts_once() {
        let search =
            r#"<form action="/" role="search"><label for=s>Cari</label><input id=s name=s></form>"#;
        let mut obs = observations();
        for role in [
            PageRole::Home,
            PageRole::ServiceStandard,
            PageRole::Complaints,
        ] {
            let extra = if role == PageRole::Complaints {
                r#"<form action="/lapor"><input name=nama><textarea name=isi></textarea></form>"#
            } else {
                ""
            };
            obs.pages
                .push(html_page(role, &[], &format!("{search}{extra}")));
        }
        let outcome = run_rule("AX-04", &scenario(""), &obs);
        assert_eq!(
            measured(&outcome),
            "1 of 3 form controls are labelled (33.33%)"
        );
        assert_eq!(level(&outcome), 1);
        assert!(
            outcome.evidence.notes[1]
                .en
                .starts_with("2 controls repeated on several pages")
        );
    }
}
