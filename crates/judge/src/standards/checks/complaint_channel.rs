//! TR-02 `complaint_channel`: `pages.complaints` (else the home page) links to one
//! of `domains` (or a subdomain of one) or holds a complaint form: a `<form>`
//! with a `<textarea>`.

use observe::observations::PageRole;

use crate::standards::checks::{Input, PageRead, reading_notes};
use crate::standards::say;
use crate::standards::{Evidence, Outcome, RuleOutcome};

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
                input.levels.of_pass(false),
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
    let forms = html.form_textareas();
    let mut notes = reading_notes(
        html,
        &page.url,
        &["pengaduan".to_string(), "lapor".to_string()],
    );
    // The form as written; a form whose tags a table splits has no markup to quote.
    let form = (forms > 0).then(|| html.textarea_form());
    let (pass, measured, excerpt) = match (&link, &form) {
        (Some(link), form) => {
            if let Some(form) = form {
                notes.insert(0, say::also_complaint_form(form.as_deref()));
            }
            (
                true,
                say::links_to_national_channel(),
                Some(format!("<a href=\"{}\">{}</a>", link.href, link.text)),
            )
        }
        (None, Some(form)) => {
            if form.is_none() {
                notes.insert(0, say::form_inside_table());
            }
            (true, say::holds_complaint_form(), form.clone())
        }
        _ => (false, say::no_complaint_channel(domains), None),
    };
    input.level_of_outcome(
        if pass { "pass" } else { "fail" },
        Evidence {
            measured: Some(measured),
            excerpt,
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
        level(&run_rule("TR-02", &scenario(""), &obs))
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
        let outcome = run_rule("TR-02", &scenario(""), &obs);
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
        let outcome = run_rule("TR-02", &scenario(""), &obs);
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
            "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\nstandards: { profile: idsll-core }\nprobes:\n  - id: p\n    request: { path: / }\n",
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
        assert_eq!(level(&run_rule("TR-02", &scenario(""), &obs)), 1);
        let mut obs = observations();
        obs.pages
            .push(page(PageRole::Complaints, 500, "text/html", ""));
        assert_eq!(level(&run_rule("TR-02", &scenario(""), &obs)), -1);
    }
}
