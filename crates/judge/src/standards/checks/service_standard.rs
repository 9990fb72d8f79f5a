//! TR-01 `service_standard`: how many of the `components` (UU 25/2009 Art. 21,
//! PermenPANRB 15/2014) the `pages.service_standard` page names in its visible
//! text. Keywords match as whole words or phrases, case- and
//! whitespace-insensitively; text inside `ignore`d elements (navigation menus by
//! default) does not count, since a site-wide menu entry is not a published
//! component. No page declared, or a missing page, is level 1.
//!
//! TR-01 of idsll-core 2026.1 (and catalogues written for it); 2026.2 states
//! the same rule as data with the generic `page_components` kind.

use observe::observations::PageRole;

use input::catalogue::Text;

use crate::standards::checks::{Input, PageRead, reading_notes};
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    let components = input.params.components("components");
    let level_one = |evidence: Evidence| {
        RuleOutcome::level(
            input.levels.of_value(0.0),
            Evidence {
                value: Some(0.0),
                threshold: Some(input.threshold()),
                ..evidence
            },
        )
    };
    if !facts.declared(PageRole::ServiceStandard) {
        return level_one(Evidence {
            measured: Some(say::no_service_standard_page()),
            notes: vec![say::declare_service_standard()],
            ..Evidence::default()
        });
    }
    let Some(page) = facts.page(PageRole::ServiceStandard) else {
        return RuleOutcome::inconclusive(say::service_standard_not_fetched());
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
    let content = html.content(input.params.strings("ignore"), &facts.template);
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for component in components {
        match component
            .keywords
            .iter()
            .find_map(|keyword| content.find(keyword))
        {
            Some(place) => found.push((component, place)),
            None => missing.push(component),
        }
    }
    let mut keywords: Vec<String> = components
        .iter()
        .flat_map(|component| component.keywords.iter().cloned())
        .collect();
    keywords.push("standar pelayanan".into());
    // What is missing first: what the service has to add.
    let missing: Vec<&str> = missing
        .iter()
        .map(|component| component.name.id.as_str())
        .collect();
    let mut notes = vec![say::components_missing(&missing)];
    notes.extend(reading_notes(html, &page.url, &keywords));
    notes.extend(content_note(&content));
    notes.extend(found.iter().map(|(component, place)| {
        say::component_found(&component.name.id, &place.path, &place.excerpt)
    }));
    let mut evidence = page.evidence();
    evidence.notes.splice(0..0, notes);
    input.level_of_value(
        found.len() as f64,
        say::components_named(found.len(), components.len()),
        evidence,
    )
}

/// What part of the page was read, and which site-wide regions were not; `None`
/// when the whole body was read and nothing left out.
pub fn content_note(content: &crate::standards::html::Content) -> Option<Text> {
    if content.scope == "body" && content.skipped.is_empty() {
        return None;
    }
    let shown: Vec<(&str, bool)> = content
        .skipped
        .iter()
        .take(6)
        .map(|(label, repeated)| (label.as_str(), *repeated))
        .collect();
    Some(say::content_read(
        content.scope,
        &shown,
        content.skipped.len() > shown.len(),
    ))
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    fn with(body: &str) -> crate::standards::RuleOutcome {
        let mut obs = observations();
        obs.pages
            .push(html_page(PageRole::ServiceStandard, &[], body));
        run_rule("TR-01", &scenario_2026_1(), &obs)
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
            notes_en(&four)[0],
            "missing: Jangka waktu penyelesaian; Penanganan pengaduan, saran dan masukan"
        );
        assert_eq!(
            four.evidence.notes[0].id,
            "belum disebut: Jangka waktu penyelesaian; Penanganan pengaduan, saran dan masukan"
        );
        assert_eq!(measured_id(&four), "4 dari 6 komponen");
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
        let missing = run_rule("TR-01", &scenario_2026_1(), &obs);
        assert_eq!(level(&missing), 1);
        assert_eq!(
            measured(&missing),
            "HTTP 404 at https://svc.example.go.id/standar-pelayanan"
        );
        assert_eq!(
            missing.evidence.notes[0].id,
            "HTTP 404 di https://svc.example.go.id/standar-pelayanan: halaman tidak ada"
        );

        let mut obs = observations();
        obs.pages
            .push(page(PageRole::ServiceStandard, 503, "text/html", ""));
        let failed = run_rule("TR-01", &scenario_2026_1(), &obs);
        assert_eq!(level(&failed), -1);
        assert!(
            failed.evidence.notes[0].en.contains("HTTP 503"),
            "{failed:?}"
        );

        let undeclared = scenario(
            "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\nstandards: { profile: idsll-core@2026.1 }\nprobes:\n  - id: p\n    request: { path: / }\n",
        );
        let outcome = run_rule("TR-01", &undeclared, &observations());
        assert_eq!(level(&outcome), 1);
        assert!(outcome.evidence.notes[0].en.contains("waives TR-01"));

        let pdf = with(
            r#"<p>Unduh <a href="/files/standar-pelayanan-2026.pdf">standar pelayanan</a></p>"#,
        );
        assert_eq!(level(&pdf), 1);
        assert_eq!(
            notes_en(&pdf)[1..],
            ["published as PDF at /files/standar-pelayanan-2026.pdf, not read"]
        );

        let mut obs = observations();
        obs.pages.push(page(
            PageRole::ServiceStandard,
            200,
            "application/pdf",
            "%PDF-1.4",
        ));
        let served_pdf = run_rule("TR-01", &scenario_2026_1(), &obs);
        assert_eq!(level(&served_pdf), 1);
        assert!(
            served_pdf.evidence.notes[0]
                .en
                .starts_with("published as PDF at")
        );
    }

    /// A WordPress theme's page (issue 19): the standard omits "Produk
    /// Pelayanan", but the footer's "Recent Posts" widget and the sidebar name a
    /// product on every page.
    pub(crate) fn wordpress(main: &str) -> String {
        format!(
            r#"<!DOCTYPE html><html lang="id"><head><title>Kab. Contoh</title></head><body>
<header id="masthead" class="site-header"><p class="site-title">Pemerintah Kabupaten Contoh</p>
<nav class="main-navigation"><a href="/">Beranda</a><a href="/pengaduan">Pengaduan</a></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area">
<main id="main" class="site-main"><article class="page type-page">
<header class="entry-header"><h1 class="entry-title">Standar Pelayanan</h1></header>
<div class="entry-content">{main}</div></article></main></div>
<aside id="secondary" class="widget-area"><section class="widget widget_search"><form role="search"><input name="s"></form></section>
<section class="widget widget_text"><p>Biaya layanan kami gratis: tarif nol rupiah.</p></section></aside></div>
<footer id="colophon" class="site-footer"><div class="footer-widgets">
<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2>
<ul><li><a href="/2026/05/pameran-produk-umkm/">Pameran Produk UMKM di Alun-alun Contoh</a></li>
<li><a href="/2026/05/jadwal/">Jadwal pelayanan keliling bulan Juni</a></li></ul></section></div>
<div class="site-info">Hak cipta Pemerintah Kabupaten Contoh. Pengaduan: lapor.go.id</div></footer>
</body></html>"#
        )
    }

    const FIVE: &str = "<h2>Persyaratan</h2><p>KTP-el dan KK.</p><h2>Sistem, mekanisme, dan prosedur</h2>\
        <p>Datang ke loket.</p><h2>Jangka waktu pelayanan</h2><p>3 hari kerja.</p>\
        <h2>Biaya/tarif</h2><p>Gratis.</p><h2>Penanganan pengaduan, saran, dan masukan</h2><p>Kotak saran.</p>";

    #[test]
    fn template_regions_do_not_count_and_found_components_say_where() {
        let outcome = with(&wordpress(FIVE));
        assert_eq!(level(&outcome), 4, "{outcome:#?}");
        let notes = notes_en(&outcome);
        assert_eq!(notes[0], "missing: Produk pelayanan");
        assert!(
            notes[1].starts_with("read the page's <main> only"),
            "{notes:?}"
        );
        assert_eq!(
            notes[2],
            "Persyaratan: in main.site-main > article.page > div.entry-content > h2 \"standar pelayanan persyaratan ktp-el dan kk. sistem, mekani…\""
        );
        // A contact page with no component at all: nothing from the template.
        let contact = with(&wordpress("<p>Telepon (0261) 123456</p>"));
        assert_eq!(level(&contact), 1, "{contact:#?}");
    }

    #[test]
    fn blocks_repeated_on_every_page_are_template_even_without_landmarks() {
        // An old theme: no main, no footer element; the "Berita" box is on every page.
        let shell = |body: &str| {
            format!(
                "<div id=isi>{body}</div><div class=kotak><b>Berita terbaru</b><ul>\
                 <li>Pameran produk unggulan desa dibuka bupati</li></ul></div>"
            )
        };
        let mut obs = observations();
        obs.pages.push(html_page(
            PageRole::ServiceStandard,
            &[],
            &shell(&FIVE.replace("<h2>Persyaratan</h2><p>KTP-el dan KK.</p>", "")),
        ));
        obs.pages.push(html_page(
            PageRole::Home,
            &[],
            &shell("<p>Selamat datang</p>"),
        ));
        let outcome = run_rule("TR-01", &scenario_2026_1(), &obs);
        assert_eq!(level(&outcome), 3, "{outcome:#?}");
        assert!(
            outcome.evidence.notes[1]
                .en
                .contains("div.kotak (on every page)"),
            "{:?}",
            outcome.evidence.notes
        );
        // With one page read, nothing can be told repeated.
        let mut obs = observations();
        obs.pages.push(html_page(
            PageRole::ServiceStandard,
            &[],
            &shell(&FIVE.replace("<h2>Persyaratan</h2><p>KTP-el dan KK.</p>", "")),
        ));
        assert_eq!(level(&run_rule("TR-01", &scenario_2026_1(), &obs)), 4);
    }

    /// idsll-core 2026.2: "produk hukum" and "produk unggulan" are not the
    /// service's product; "tidak dipungut biaya" and "hari kerja" count.
    #[test]
    fn catalogue_2026_2_keywords() {
        let yaml = "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\n\
                    standards: { profile: idsll-core@2026.2, pages: { service_standard: /standar-pelayanan } }\n\
                    probes:\n  - id: p\n    request: { path: / }\n";
        let run = |body: &str| {
            let mut obs = observations();
            obs.pages
                .push(html_page(PageRole::ServiceStandard, &[], body));
            run_rule("TR-01", &scenario(yaml), &obs)
        };
        let outcome = run("<p>Lihat produk hukum dan produk unggulan desa.</p>");
        assert_eq!(level(&outcome), 1, "{outcome:#?}");
        let outcome = run(
            "<p>Layanan ini tidak dipungut biaya, selesai 3 hari kerja. Produk pelayanan: KTP-el.</p>",
        );
        assert_eq!(measured(&outcome), "3 of 6 components");
    }

    #[test]
    fn a_script_rendered_page_says_so() {
        let outcome = with(r#"<div id="root"></div><script src="/app.js"></script>"#);
        assert_eq!(level(&outcome), 1);
        assert!(
            outcome.evidence.notes[1]
                .en
                .contains("appears to be rendered by JavaScript")
        );
    }
}
