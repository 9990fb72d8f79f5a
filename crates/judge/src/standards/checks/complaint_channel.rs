//! TR-02 `complaint_channel`: what way to complain `pages.complaints` (else the
//! home page) offers, graded (catalogue-2026.2.md 3.1): a link to one of
//! `domains` (or a subdomain) is `sp4n_lapor`; a complaint form (a `<form>` with a
//! `<textarea>`, near one of `form_near` when that is given: a newsletter or
//! comment form is not a complaint channel) is `form`; a phone number, e-mail or
//! WhatsApp link within `near_chars` of a `contact_near` word is `contact` (a
//! lawful channel: UU 25/2009 Pasal 36 asks for "sarana pengaduan"); else `none`.
//! The outcome is the highest-levelled channel found; the others are noted.
//! Levels `binary` (2026.1): `sp4n_lapor` and `form` pass.

use std::sync::LazyLock;

use input::catalogue::{Levels, Text};
use observe::observations::PageRole;
use regex::Regex;

use crate::standards::checks::{Input, PageRead, reading_notes};
use crate::standards::html::{HtmlPage, contains_phrase};
use crate::standards::say;
use crate::standards::{Evidence, Outcome, RuleOutcome};

/// A phone number, an e-mail address or a WhatsApp number, on normalised text.
static CONTACT: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}",
        r"\b(?:telepon|telpon|telp|tel|hp|whatsapp|wa|sms|call center)\b[.:\s]*[+(]?\d[\d\s().\-]{5,}\d",
        r"\(0\d{2,4}\)\s*\d{3,4}[\s.\-]?\d{3,5}",
        r"(?:\+62|\b0)\d{2,4}[\s.\-]?\d{3,4}[\s.\-]?\d{3,5}\b",
    ]
    .iter()
    .filter_map(|pattern| Regex::new(pattern).ok())
    .collect()
});

/// The level an outcome gets: from the table, or pass/fail for a 2026.1 binary.
fn level_of(levels: &Levels, outcome: &str) -> u8 {
    match levels {
        Levels::Binary => levels.of_pass(matches!(outcome, "form" | "sp4n_lapor")),
        _ => levels.of_outcome(outcome),
    }
}

/// A complaint contact: a contact pattern near a complaint word in the page's
/// text, or a mailto:, tel: or WhatsApp link on the complaints page (or whose
/// text says it is for complaints).
fn contact(html: &HtmlPage, input: &Input, complaints_page: bool) -> Option<String> {
    let words: Vec<String> = input
        .params
        .strings("contact_near")
        .iter()
        .map(|word| input::catalogue::normalise(word))
        .collect();
    let near = usize::try_from(input.params.integer("near_chars")).unwrap_or(200);
    let link = html.links().into_iter().find(|link| {
        let href = link.href.to_ascii_lowercase();
        let contact_link = href.starts_with("mailto:")
            || href.starts_with("tel:")
            || href.contains("wa.me/")
            || href.contains("api.whatsapp.com");
        contact_link
            && (complaints_page || words.iter().any(|word| contains_phrase(&link.text, word)))
    });
    if let Some(link) = link {
        return Some(link.href);
    }
    let text = html.visible_text(&[]);
    let content = crate::standards::html::Content::of_text(&text);
    words.iter().find_map(|word| {
        content.occurrences(word).into_iter().find_map(|start| {
            let window = content.window(start, word.len(), near);
            CONTACT
                .iter()
                .find_map(|pattern| pattern.find(window).map(|m| m.as_str().trim().to_string()))
        })
    })
}

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    let role = if facts.declared(PageRole::Complaints) {
        PageRole::Complaints
    } else {
        PageRole::Home
    };
    let Some(page) = facts.page(role) else {
        return RuleOutcome::inconclusive(say::page_not_fetched_in_run(role.key()));
    };
    let html = match page.read() {
        PageRead::Html(html) => html,
        PageRead::Missing(evidence) => {
            return RuleOutcome::level(
                level_of(input.levels, "none"),
                Evidence {
                    threshold: Some(input.threshold()),
                    ..evidence
                },
            );
        }
        PageRead::Failed(evidence) => {
            return RuleOutcome {
                outcome: Outcome::Inconclusive,
                evidence,
            };
        }
    };
    let domains = input.params.strings("domains");
    let link = html.links().into_iter().find(|link| {
        let href = if link.href.starts_with("//") {
            format!("https:{}", link.href)
        } else {
            link.href.clone()
        };
        url::Url::parse(&href)
            .ok()
            .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
            .is_some_and(|host| {
                domains.iter().any(|domain| {
                    let domain = domain.to_ascii_lowercase();
                    host == domain || host.ends_with(&format!(".{domain}"))
                })
            })
    });
    let mut notes = reading_notes(
        html,
        &page.url,
        &["pengaduan".to_string(), "lapor".to_string()],
    );
    // The complaint form: with `form_near`, only a form near a complaint word.
    let form_near: Vec<String> = input
        .params
        .strings("form_near")
        .iter()
        .map(|word| input::catalogue::normalise(word))
        .collect();
    let form: Option<Option<String>> = if html.form_textareas() == 0 {
        None
    } else if form_near.is_empty() {
        // The form as written; a form whose tags a table splits has no markup.
        Some(html.textarea_form())
    } else {
        let forms = html.textarea_forms();
        let credited = forms.iter().find(|form| {
            form_near
                .iter()
                .any(|word| contains_phrase(&form.context, word))
        });
        match credited {
            Some(form) => Some(Some(form.markup.clone())),
            None if forms.is_empty() => {
                // A legacy form a table splits: judged by the page's own words.
                let content = html.content(&["nav".to_string()], &facts.template);
                form_near
                    .iter()
                    .any(|word| contains_phrase(&content.text, word))
                    .then_some(None)
            }
            None => {
                for form in &forms {
                    notes.push(say::form_not_for_complaints(&form.markup, &form_near));
                }
                None
            }
        }
    };
    let contact = contact(html, input, role == PageRole::Complaints);
    let mut found: Vec<(&str, Text, Option<String>)> = Vec::new();
    if let Some(link) = &link {
        found.push((
            "sp4n_lapor",
            say::links_to_national_channel(),
            Some(format!("<a href=\"{}\">{}</a>", link.href, link.text)),
        ));
    }
    if let Some(form) = &form {
        if form.is_none() {
            notes.insert(0, say::form_inside_table());
        }
        found.push(("form", say::holds_complaint_form(), form.clone()));
    }
    if let Some(contact) = &contact {
        found.push((
            "contact",
            say::complaint_contact(contact),
            Some(contact.clone()),
        ));
    }
    // The channel the catalogue levels highest is the outcome; the others are noted.
    found.sort_by_key(|(outcome, _, _)| std::cmp::Reverse(level_of(input.levels, outcome)));
    let mut found = found.into_iter();
    let Some((outcome, measured, excerpt)) = found.next() else {
        return RuleOutcome::level(
            level_of(input.levels, "none"),
            Evidence {
                measured: Some(
                    if form_near.is_empty() && matches!(input.levels, Levels::Binary) {
                        say::no_complaint_channel(domains)
                    } else {
                        say::no_complaint_channel_graded(domains)
                    },
                ),
                threshold: Some(input.threshold()),
                notes,
                ..page.evidence()
            },
        );
    };
    for (other, _, excerpt) in found {
        match other {
            "form" => notes.insert(0, say::also_complaint_form(excerpt.as_deref())),
            "contact" => notes.push(say::complaint_contact(
                excerpt.as_deref().unwrap_or_default(),
            )),
            _ => {}
        }
    }
    RuleOutcome::level(
        level_of(input.levels, outcome),
        Evidence {
            measured: Some(measured),
            excerpt,
            threshold: Some(input.threshold()),
            notes,
            ..page.evidence()
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    fn with(role: PageRole, body: &str) -> i8 {
        let mut obs = observations();
        obs.pages.push(html_page(role, &[], body));
        level(&run_rule("TR-02", &scenario_2026_1(), &obs))
    }

    /// Issue 19: the evidence names what was credited, the form too.
    #[test]
    fn evidence_names_the_link_and_the_form() {
        let mut obs = observations();
        obs.pages.push(html_page(
            PageRole::Complaints,
            &[],
            r#"<a href="https://www.lapor.go.id">LAPOR!</a><form action="/lapor" method=post><textarea name=isi></textarea></form>"#,
        ));
        let outcome = run_rule("TR-02", &scenario_2026_1(), &obs);
        assert_eq!(
            outcome.evidence.excerpt.as_deref(),
            Some(r#"<a href="https://www.lapor.go.id">lapor!</a>"#)
        );
        assert_eq!(
            outcome.evidence.notes[0].en,
            r#"also holds a complaint form with a free-text field: <form action="/lapor">"#
        );
        assert_eq!(
            outcome.evidence.notes[0].id,
            r#"juga memuat formulir pengaduan dengan isian teks bebas: <form action="/lapor">"#
        );
        let mut obs = observations();
        obs.pages.push(html_page(
            PageRole::Complaints,
            &[],
            r#"<form action="/lapor"><textarea name=isi></textarea></form>"#,
        ));
        let outcome = run_rule("TR-02", &scenario_2026_1(), &obs);
        assert_eq!(
            outcome.evidence.excerpt.as_deref(),
            Some(r#"<form action="/lapor">"#)
        );
    }

    #[test]
    fn pass_and_fail() {
        assert_eq!(
            with(
                PageRole::Complaints,
                r#"<a href="https://www.lapor.go.id">LAPOR!</a>"#
            ),
            5
        );
        assert_eq!(
            with(
                PageRole::Complaints,
                r#"<a href="https://lapor.go.id/instansi/x">x</a>"#
            ),
            5
        );
        assert_eq!(
            with(
                PageRole::Complaints,
                "<form><textarea name=isi></textarea></form>"
            ),
            5
        );
        assert_eq!(
            with(
                PageRole::Complaints,
                r#"<a href="//www.lapor.go.id/">LAPOR!</a>"#
            ),
            5
        );
        assert_eq!(
            with(
                PageRole::Complaints,
                r#"<a href="https://lapor.go.id.evil.example/">x</a>"#
            ),
            1
        );
        assert_eq!(
            with(
                PageRole::Complaints,
                "<form><input name=q></form><textarea></textarea>"
            ),
            1
        );
        let legacy = "<table><form method=post><tr><td><textarea name=isi></textarea></td></tr></form></table>";
        assert_eq!(with(PageRole::Complaints, legacy), 5);
        // Declared complaints page: the home page is not read instead.
        assert_eq!(
            with(
                PageRole::Home,
                r#"<a href="https://www.lapor.go.id">LAPOR!</a>"#
            ),
            -1
        );
    }

    #[test]
    fn falls_back_to_home_and_missing_page_is_level_one() {
        let no_complaints = scenario(
            "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\nstandards: { profile: idsll-core@2026.1 }\nprobes:\n  - id: p\n    request: { path: / }\n",
        );
        let mut obs = observations();
        obs.pages.push(html_page(
            PageRole::Home,
            &[],
            r#"<a href="https://www.lapor.go.id">LAPOR!</a>"#,
        ));
        assert_eq!(level(&run_rule("TR-02", &no_complaints, &obs)), 5);
        let mut obs = observations();
        obs.pages
            .push(page(PageRole::Complaints, 404, "text/html", ""));
        assert_eq!(level(&run_rule("TR-02", &scenario_2026_1(), &obs)), 1);
        let mut obs = observations();
        obs.pages
            .push(page(PageRole::Complaints, 500, "text/html", ""));
        assert_eq!(level(&run_rule("TR-02", &scenario_2026_1(), &obs)), -1);
    }

    const GRADED: &str = "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\n\
        standards:\n  profile: idsll-core@2026.2\n  pages: { complaints: /pengaduan }\n\
        probes:\n  - id: p\n    request: { path: / }\n";

    fn graded(body: &str) -> crate::standards::RuleOutcome {
        let mut obs = observations();
        obs.pages.push(html_page(PageRole::Complaints, &[], body));
        run_rule("TR-02", &scenario(GRADED), &obs)
    }

    /// idsll-core 2026.2: none 1, contact 3, form 4, SP4N-LAPOR! 5, each
    /// naming what it credited.
    #[test]
    fn graded_levels_name_what_they_credit() {
        let none = graded("<main><p>Selamat datang</p></main>");
        assert_eq!(level(&none), 1);
        assert_eq!(
            measured(&none),
            "no link to lapor.go.id, no complaint form and no complaint contact"
        );
        let contact = graded(
            "<main><h1>Layanan Pengaduan</h1><p>Sampaikan keluhan Anda melalui WhatsApp 0812-3456-7890.</p></main>",
        );
        assert_eq!(level(&contact), 3, "{contact:#?}");
        assert_eq!(
            contact.evidence.excerpt.as_deref(),
            Some("whatsapp 0812-3456-7890")
        );
        let modal = r#"<main><button data-toggle="modal">Buat aduan</button>
            <div class="modal fade" aria-hidden="true"><div class="modal-dialog"><div class="modal-content">
            <div class="modal-header"><h5 class="modal-title">Form Pengaduan Masyarakat</h5></div>
            <div class="modal-body"><form action="/kirim" method="post"><input name="nama" placeholder="Nama">
            <textarea name="isi" placeholder="Isi"></textarea></form></div></div></div></div>
            <p>Telepon pengaduan (0261) 555-0101</p></main>"#;
        let form = graded(modal);
        assert_eq!(level(&form), 4, "{form:#?}");
        assert_eq!(
            form.evidence.excerpt.as_deref(),
            Some(r#"<form action="/kirim">"#)
        );
        assert!(
            notes_en(&form)
                .iter()
                .any(|note| note.starts_with("a complaint contact (phone, WhatsApp or e-mail) near a complaint word: telepon pengaduan") || note.contains("(0261) 555-0101")),
            "{:?}",
            notes_en(&form)
        );
        let lapor = graded(&format!(
            r#"{modal}<a href="https://www.lapor.go.id">SP4N-LAPOR!</a>"#
        ));
        assert_eq!(level(&lapor), 5);
        assert_eq!(
            lapor.evidence.excerpt.as_deref(),
            Some(r#"<a href="https://www.lapor.go.id">sp4n-lapor!</a>"#)
        );
        assert!(notes_en(&lapor)[0].starts_with("also holds a complaint form"));
    }

    /// A form with a textarea that is not for complaints (a guest book) is
    /// not a complaint channel in 2026.2; in 2026.1 any such form passed.
    #[test]
    fn a_form_far_from_complaint_words_is_not_credited() {
        let guest_book = r#"<main><h2>Buku Tamu</h2><form action="/buku-tamu"><textarea name="pesan"></textarea></form></main>"#;
        let outcome = graded(guest_book);
        assert_eq!(level(&outcome), 1, "{outcome:#?}");
        assert!(
            notes_en(&outcome).iter().any(|note| note
                .starts_with(r#"<form action="/buku-tamu"> has a textarea but is near none of"#)),
            "{:?}",
            notes_en(&outcome)
        );
        assert_eq!(with(PageRole::Complaints, guest_book), 5);
        // A form whose action names complaints counts.
        assert_eq!(
            level(&graded(
                r#"<form action="/pengaduan/kirim"><textarea name="isi"></textarea></form>"#
            )),
            4
        );
    }
}
