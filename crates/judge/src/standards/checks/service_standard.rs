//! TR-01 `service_standard`: how many of the `components` (UU 25/2009 Art. 21,
//! PermenPANRB 15/2014) the `pages.service_standard` page names in its visible
//! text. Keywords match as whole words or phrases, case- and
//! whitespace-insensitively; text inside `ignore`d elements (navigation menus by
//! default) does not count, since a site-wide menu entry is not a published
//! component. No page declared, or a missing page, is level 1.

use observe::observations::PageRole;

use crate::standards::checks::{Input, PageRead, reading_notes};
use crate::standards::html::contains_phrase;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    let components = input.params.components("components");
    let level_one = |evidence: Evidence| {
        RuleOutcome::level(
            input.levels.of_value(0.0),
            Evidence {
                value: Some(0.0),
                threshold: Some(input.levels.describe()),
                ..evidence
            },
        )
    };
    if !facts.declared(PageRole::ServiceStandard) {
        return level_one(Evidence {
            measured: Some("no service-standard page declared".into()),
            notes: vec![
                "declare it as `standards.pages.service_standard`; a service without one by design waives TR-01 with a reason"
                    .into(),
            ],
            ..Evidence::default()
        });
    }
    let Some(page) = facts.page(PageRole::ServiceStandard) else {
        return RuleOutcome::inconclusive("the service-standard page was not fetched in this run");
    };
    let html = match page.read() {
        PageRead::Html(html) => html,
        PageRead::Missing(evidence) => return level_one(evidence),
        PageRead::Failed(evidence) => {
            return RuleOutcome {
                outcome: crate::standards::Outcome::Inconclusive,
                evidence,
            };
        }
    };
    let text = html.visible_text(input.params.strings("ignore"));
    let (found, missing): (Vec<_>, Vec<_>) = components.iter().partition(|component| {
        component
            .keywords
            .iter()
            .any(|keyword| contains_phrase(&text, keyword))
    });
    let mut keywords: Vec<String> = components
        .iter()
        .flat_map(|component| component.keywords.iter().cloned())
        .collect();
    keywords.push("standar pelayanan".into());
    input.level_of_value(
        found.len() as f64,
        format!("{} of {} components", found.len(), components.len()),
        Evidence {
            excerpt: Some(if missing.is_empty() {
                "all components named".to_string()
            } else {
                format!(
                    "missing: {}",
                    missing
                        .iter()
                        .map(|component| component.name.id.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            }),
            notes: reading_notes(html, &page.url, &keywords),
            ..page.evidence()
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    fn with(body: &str) -> crate::standards::RuleOutcome {
        let mut obs = observations();
        obs.pages
            .push(html_page(PageRole::ServiceStandard, &[], body));
        run_rule("TR-01", &scenario(""), &obs)
    }

    #[test]
    fn every_level() {
        let six = "<h2>Persyaratan</h2><h2>Prosedur</h2><h2>Jangka Waktu\n Penyelesaian</h2>\
                   <h2>Biaya</h2><h2>Produk</h2><h2>Pengaduan</h2>";
        assert_eq!(level(&with(six)), 5);
        assert_eq!(
            level(&with(
                "<p>Syarat, alur, waktu pelayanan, GRATIS, hasil layanan</p>"
            )),
            4
        );
        let four = with("<p>Persyaratan. Tata cara. Tarif. Produk.</p>");
        assert_eq!(level(&four), 3);
        assert_eq!(
            four.evidence.excerpt.as_deref(),
            Some("missing: Jangka waktu penyelesaian; Penanganan pengaduan, saran dan masukan")
        );
        assert_eq!(level(&with("<p>Persyaratan dan keluhan</p>")), 2);
        assert_eq!(level(&with("<p>Selamat datang</p>")), 1);
    }

    #[test]
    fn menus_scripts_and_attributes_do_not_count() {
        let menu = "<nav><a>Persyaratan</a><a>Prosedur</a><a>Biaya</a><a>Produk</a><a>Pengaduan</a></nav>\
                    <ul role=navigation><li>Jangka waktu</li></ul>\
                    <script>var biaya='gratis'</script><p title='persyaratan'>Beranda</p>";
        assert_eq!(level(&with(menu)), 1);
    }

    #[test]
    fn missing_failed_undeclared_and_pdf() {
        let mut obs = observations();
        obs.pages.push(page(
            PageRole::ServiceStandard,
            404,
            "text/html",
            "not found",
        ));
        let missing = run_rule("TR-01", &scenario(""), &obs);
        assert_eq!(level(&missing), 1);
        assert_eq!(
            missing.evidence.measured.as_deref(),
            Some("HTTP 404 at https://svc.example.go.id/standar-pelayanan")
        );

        let mut obs = observations();
        obs.pages
            .push(page(PageRole::ServiceStandard, 503, "text/html", ""));
        let failed = run_rule("TR-01", &scenario(""), &obs);
        assert_eq!(level(&failed), -1);
        assert!(failed.evidence.notes[0].contains("HTTP 503"), "{failed:?}");

        let undeclared = scenario(
            "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\nstandards: { profile: idsll-core }\nprobes:\n  - id: p\n    request: { path: / }\n",
        );
        let outcome = run_rule("TR-01", &undeclared, &observations());
        assert_eq!(level(&outcome), 1);
        assert!(outcome.evidence.notes[0].contains("waives TR-01"));

        let pdf = with(
            r#"<p>Unduh <a href="/files/standar-pelayanan-2026.pdf">standar pelayanan</a></p>"#,
        );
        assert_eq!(level(&pdf), 1);
        assert_eq!(
            pdf.evidence.notes,
            ["published as PDF at /files/standar-pelayanan-2026.pdf, not read"]
        );

        let mut obs = observations();
        obs.pages.push(page(
            PageRole::ServiceStandard,
            200,
            "application/pdf",
            "%PDF-1.4",
        ));
        let served_pdf = run_rule("TR-01", &scenario(""), &obs);
        assert_eq!(level(&served_pdf), 1);
        assert!(served_pdf.evidence.notes[0].starts_with("published as PDF at"));
    }

    #[test]
    fn a_script_rendered_page_says_so() {
        let outcome = with(r#"<div id="root"></div><script src="/app.js"></script>"#);
        assert_eq!(level(&outcome), 1);
        assert!(outcome.evidence.notes[0].contains("appears to be rendered by JavaScript"));
    }
}
