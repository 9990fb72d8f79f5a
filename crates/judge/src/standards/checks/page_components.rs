//! `page_components`: how many of the `components` the first declared page of
//! `page` names in its own content (TR-01 service standard, TR-05 maklumat, TR-06
//! SKM results, TR-07 PPID, PD-01 privacy notice: catalogue entries, not code).
//!
//! The page is read as [`HtmlPage::content`] reads it: inside `<main>` when it has
//! one, never the site's header, footer, sidebars, menus, widgets, nor blocks
//! repeated identically on every page read. A component is found where one of its
//! keywords occurs as whole words and, when the component asks for them, a
//! `value` pattern and a `near` word stand within `near_chars` of that
//! occurrence; `recent_years` asks the value to be a year no older than the run's
//! year (WIB) minus that many, and not after it. Each found component is noted
//! with where it sits and the text around it.
//!
//! `applies_when: collects_personal_data`: not applicable unless a page read has
//! a form asking for NIK, e-mail or a phone number ([`personal_data_fields`]).

use input::catalogue::Component;

use crate::standards::checks::service_standard::content_note;
use crate::standards::checks::{Facts, Input, PageRead, PageState, reading_notes, role_of};
use crate::standards::html::{Content, Found, contains_phrase};
use crate::standards::say;
use crate::standards::{Evidence, Outcome, RuleOutcome};

/// The condition `applies_when` and `critical_when` name.
pub const COLLECTS_PERSONAL_DATA: &str = "collects_personal_data";

/// A personal-data field on a page read: the page's role, its URL and the field
/// (`input name=nik`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalDataField {
    pub role: &'static str,
    pub url: String,
    pub field: String,
}

/// Every form field asking for NIK, e-mail or a phone number on the HTML pages
/// read (hidden ones too: a form in a modal still collects data).
pub fn personal_data_fields(facts: &Facts<'_>) -> Vec<PersonalDataField> {
    let mut fields = Vec::new();
    for page in facts.html_pages() {
        if let PageState::Html(html) = &page.state {
            for field in html.personal_data_fields() {
                fields.push(PersonalDataField {
                    role: page.role.key(),
                    url: page.url.clone(),
                    field,
                });
            }
        }
    }
    fields
}

/// Whether a catalogue condition holds for this run.
pub fn condition_holds(facts: &Facts<'_>, condition: &str) -> bool {
    match condition {
        COLLECTS_PERSONAL_DATA => !personal_data_fields(facts).is_empty(),
        _ => false,
    }
}

/// The run's year in WIB: what "this year" means to the service's readers.
fn run_year(facts: &Facts<'_>) -> i32 {
    let started = time::OffsetDateTime::from(facts.observations.started_at);
    started.to_offset(time::macros::offset!(+7)).year()
}

/// A component as found: where, and the value that satisfied it.
struct Match {
    found: Found,
    value: Option<String>,
}

/// The first occurrence of one of the component's keywords that has its value
/// and near word within `near` characters.
fn find_component(
    content: &Content,
    component: &Component,
    near: usize,
    year: i32,
) -> Option<Match> {
    for keyword in &component.keywords {
        for start in content.occurrences(keyword) {
            let window = content.window(start, keyword.len(), near);
            if !component.near.is_empty()
                && !component
                    .near
                    .iter()
                    .any(|word| word != keyword && contains_phrase(window, word))
            {
                continue;
            }
            let value = match &component.value {
                None => None,
                Some(pattern) => {
                    let value = pattern.find_iter(window).map(|m| m.as_str()).find(|value| {
                        component.recent_years.is_none_or(|years| {
                            value
                                .trim()
                                .parse::<i32>()
                                .is_ok_and(|found| found <= year && found >= year - years as i32)
                        })
                    });
                    match value {
                        Some(value) => Some(value.to_string()),
                        None => continue,
                    }
                }
            };
            return Some(Match {
                found: content.found_at(start, keyword.len()),
                value,
            });
        }
    }
    None
}

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    let params = input.params;
    if params.condition("applies_when") == Some(COLLECTS_PERSONAL_DATA) {
        let fields = personal_data_fields(facts);
        if fields.is_empty() {
            return RuleOutcome::not_applicable(say::no_personal_data_form());
        }
        return judge(input).with_evidence(|evidence| {
            let shown: Vec<String> = fields
                .iter()
                .take(4)
                .map(|field| format!("{} ({})", field.field, field.role))
                .collect();
            evidence
                .notes
                .insert(0, say::personal_data_collected(&shown, fields.len()));
        });
    }
    judge(input)
}

fn judge(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    let params = input.params;
    let components = params.components("components");
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
    let roles: Vec<&str> = params.strings("page").iter().map(String::as_str).collect();
    let Some(role) = roles
        .iter()
        .filter_map(|key| role_of(key))
        .find(|role| facts.declared(*role))
    else {
        return level_one(Evidence {
            measured: Some(say::no_page_declared(&roles)),
            notes: vec![say::declare_page(roles.first().copied().unwrap_or("home"))],
            ..Evidence::default()
        });
    };
    let Some(page) = facts.page(role) else {
        return RuleOutcome::inconclusive(say::page_not_fetched_in_run(role.key()));
    };
    let pdf_level = u8::try_from(params.integer("pdf_level"))
        .unwrap_or(0)
        .min(5);
    let html = match page.read() {
        PageRead::Html(html) => html,
        PageRead::Missing(mut evidence) => {
            let pdf =
                matches!(&page.state, PageState::Other(Some(media)) if media == "application/pdf");
            if pdf && pdf_level > 1 {
                evidence.notes.push(say::pdf_only(pdf_level));
                return RuleOutcome::level(
                    pdf_level,
                    Evidence {
                        threshold: Some(input.threshold()),
                        ..evidence
                    },
                );
            }
            return level_one(evidence);
        }
        PageRead::Failed(evidence) => {
            return RuleOutcome {
                outcome: Outcome::Inconclusive,
                evidence,
            };
        }
    };
    let content = html.content(params.strings("ignore"), &facts.template);
    let near = usize::try_from(params.integer("near_chars")).unwrap_or(150);
    let year = run_year(facts);
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for component in components {
        match find_component(&content, component, near, year) {
            Some(place) => found.push((component, place)),
            None => missing.push(component),
        }
    }
    let keywords: Vec<String> = components
        .iter()
        .flat_map(|component| component.keywords.iter().cloned())
        .collect();
    // What is missing first: what the service has to add.
    let missing_names: Vec<&str> = missing
        .iter()
        .map(|component| component.name.id.as_str())
        .collect();
    let mut notes = vec![say::components_missing(&missing_names)];
    if role.key() != roles.first().copied().unwrap_or_default() {
        notes.push(say::read_fallback_page(role.key(), &roles));
    }
    notes.extend(reading_notes(html, &page.url, &keywords));
    notes.extend(content_note(&content));
    notes.extend(found.iter().map(|(component, place)| match &place.value {
        Some(value) => say::component_found_with_value(
            &component.name.id,
            value,
            &place.found.path,
            &place.found.excerpt,
        ),
        None => say::component_found(&component.name.id, &place.found.path, &place.found.excerpt),
    }));
    // A year written but too old is worth saying: the page is there, not current.
    for component in &missing {
        if let (Some(years), Some(pattern)) = (component.recent_years, &component.value) {
            let older = component.keywords.iter().find_map(|keyword| {
                content.occurrences(keyword).into_iter().find_map(|start| {
                    pattern
                        .find_iter(content.window(start, keyword.len(), near))
                        .find_map(|m| m.as_str().trim().parse::<i32>().ok())
                })
            });
            if let Some(older) = older {
                notes.push(say::year_not_recent(
                    &component.name.id,
                    older,
                    year - years as i32,
                ));
            }
        }
    }
    let mut evidence = page.evidence();
    evidence.notes.splice(0..0, notes);
    if let Some(pdf) = linked_pdf(html).filter(|_| found.is_empty() && pdf_level > 1) {
        evidence.notes.push(say::pdf_only(pdf_level));
        evidence.excerpt = Some(pdf);
        return RuleOutcome::level(
            pdf_level,
            Evidence {
                measured: Some(say::components_named(0, components.len())),
                value: Some(0.0),
                threshold: Some(input.threshold()),
                ..evidence
            },
        );
    }
    input.level_of_value(
        found.len() as f64,
        say::components_named(found.len(), components.len()),
        evidence,
    )
}

/// The first PDF the declared page links: on a page that names no component,
/// the document it publishes instead.
fn linked_pdf(html: &crate::standards::html::HtmlPage) -> Option<String> {
    html.links()
        .into_iter()
        .find(|link| {
            let path = link.href.split(['?', '#']).next().unwrap_or_default();
            path.to_ascii_lowercase().ends_with(".pdf")
        })
        .map(|link| link.href)
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    const CATALOGUE_2026_2: &str = "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\n\
        standards:\n  profile: idsll-core@2026.2\n  pages: { service_standard: /standar-pelayanan, maklumat: /maklumat, skm: /skm, ppid: /ppid, privacy: /privasi, complaints: /pengaduan }\n\
        probes:\n  - id: p\n    request: { path: / }\n";

    fn run(code: &str, pages: &[(PageRole, &str)]) -> crate::standards::RuleOutcome {
        let mut obs = observations();
        for (role, body) in pages {
            obs.pages.push(html_page(*role, &[], body));
        }
        run_rule(code, &scenario(CATALOGUE_2026_2), &obs)
    }

    fn notes(outcome: &crate::standards::RuleOutcome) -> Vec<&str> {
        notes_en(outcome)
    }

    /// TR-05: the word alone is level 3, the commitment near it level 5.
    #[test]
    fn maklumat_levels() {
        let none = run(
            "TR-05",
            &[(PageRole::Maklumat, "<main><p>Selamat datang</p></main>")],
        );
        assert_eq!(level(&none), 1);
        let word = run(
            "TR-05",
            &[(
                PageRole::Maklumat,
                r#"<main><h1>Maklumat Pelayanan</h1><img src="maklumat.jpg" alt=""></main>"#,
            )],
        );
        assert_eq!(level(&word), 3, "{word:#?}");
        assert_eq!(notes(&word)[0], "missing: Pernyataan kesanggupan");
        let full = run(
            "TR-05",
            &[(
                PageRole::Maklumat,
                "<main><h1>Maklumat Pelayanan</h1><p>Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan yang telah ditetapkan.</p></main>",
            )],
        );
        assert_eq!(level(&full), 5, "{full:#?}");
        assert_eq!(measured(&full), "2 of 2 components");
        // "menyatakan" far from any maklumat word does not count.
        let far = format!(
            "<main><h1>Maklumat Pelayanan</h1><p>{}</p><p>Warga menyatakan puas.</p></main>",
            "Lorem ipsum dolor sit amet. ".repeat(12)
        );
        assert_eq!(level(&run("TR-05", &[(PageRole::Maklumat, &far)])), 3);
    }

    /// TR-05 falls back to the service-standard page, then the home page, and
    /// says which page it read.
    #[test]
    fn fallback_pages() {
        let yaml = "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\n\
                    standards:\n  profile: idsll-core@2026.2\n  pages: { service_standard: /standar-pelayanan }\n\
                    probes:\n  - id: p\n    request: { path: / }\n";
        let mut obs = observations();
        obs.pages.push(html_page(
            PageRole::ServiceStandard,
            &[],
            "<main><h2>Maklumat Pelayanan</h2><p>Kami sanggup melaksanakan standar pelayanan ini.</p></main>",
        ));
        let outcome = run_rule("TR-05", &scenario(yaml), &obs);
        assert_eq!(level(&outcome), 5);
        assert!(
            notes(&outcome)
                .iter()
                .any(|n| n.contains("no maklumat page declared: read the service_standard page")),
            "{:?}",
            notes(&outcome)
        );
        // TR-01 has no fallback: without its page it is level 1 and says so.
        let bare = "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\n\
                    standards: { profile: idsll-core@2026.2 }\nprobes:\n  - id: p\n    request: { path: / }\n";
        let outcome = run_rule("TR-01", &scenario(bare), &observations());
        assert_eq!(level(&outcome), 1);
        assert_eq!(measured(&outcome), "no service_standard page declared");
        assert!(notes(&outcome)[0].contains("`standards.pages.service_standard`"));
    }

    /// TR-06: survey words 3; a score of an older year 4; this or last year's 5
    /// (the run is in June 2026).
    #[test]
    fn skm_results_need_a_score_and_a_recent_year() {
        let form = run(
            "TR-06",
            &[(
                PageRole::Skm,
                r#"<main><p>Isi <a href="/survei">Survei Kepuasan Masyarakat</a></p></main>"#,
            )],
        );
        assert_eq!(level(&form), 3, "{form:#?}");
        let old = run(
            "TR-06",
            &[(
                PageRole::Skm,
                "<main><h1>Hasil SKM 2021</h1><p>Nilai IKM: 82,40 (Baik)</p></main>",
            )],
        );
        assert_eq!(level(&old), 4, "{old:#?}");
        assert!(
            notes(&old)
                .iter()
                .any(|n| n.contains("2021") && n.contains("2025")),
            "{:?}",
            notes(&old)
        );
        let recent = run(
            "TR-06",
            &[(
                PageRole::Skm,
                "<main><h1>Hasil Survei Kepuasan Masyarakat Tahun 2025</h1><table><tr><td>Nilai IKM</td><td>87,5</td></tr></table></main>",
            )],
        );
        assert_eq!(level(&recent), 5, "{recent:#?}");
        assert!(
            notes(&recent)
                .iter()
                .any(|n| n.starts_with("Nilai IKM: 87,5 in")),
            "{:?}",
            notes(&recent)
        );
        // The regulation's number before the table is not the score (the
        // sandbox portal's page: "PermenPANRB Nomor 14 Tahun 2017").
        let cited = run(
            "TR-06",
            &[(
                PageRole::Skm,
                "<main><h1>Hasil SKM 2025</h1><p>Sesuai PermenPANRB Nomor 14 Tahun 2017, nilai IKM \
                 dihitung sebagai berikut.</p><table><tr><td>Nilai IKM</td><td>83,69</td></tr></table></main>",
            )],
        );
        assert_eq!(level(&cited), 5, "{cited:#?}");
        assert!(
            notes(&cited).iter().any(|n| n.contains("83,69")),
            "{:?}",
            notes(&cited)
        );
        assert!(
            !notes(&cited).iter().any(|n| n.contains(": 14 ")),
            "{:?}",
            notes(&cited)
        );
        // A year after the run is not a result.
        let future = run(
            "TR-06",
            &[(
                PageRole::Skm,
                "<main><h1>Target SKM 2030</h1><p>Nilai IKM 90</p></main>",
            )],
        );
        assert_eq!(level(&future), 4);
    }

    /// TR-07: count thresholds 1 / 3 / 6 / 8.
    #[test]
    fn ppid_counts_its_components() {
        let full = "<main><h1>PPID</h1><h2>Daftar Informasi Publik</h2><ul><li>Informasi berkala</li>\
                    <li>Informasi serta merta</li><li>Informasi tersedia setiap saat</li><li>Informasi yang dikecualikan</li></ul>\
                    <h2>Permohonan informasi</h2><p>Formulir permohonan</p><h2>Pengajuan keberatan</h2></main>";
        assert_eq!(level(&run("TR-07", &[(PageRole::Ppid, full)])), 5);
        let some =
            "<main><h1>PPID</h1><p>Daftar Informasi Publik</p><p>Informasi berkala</p></main>";
        assert_eq!(level(&run("TR-07", &[(PageRole::Ppid, some)])), 3);
        let link_only = r#"<main><a href="https://ppid.example.go.id">PPID</a></main>"#;
        assert_eq!(level(&run("TR-07", &[(PageRole::Ppid, link_only)])), 2);
    }

    /// PD-01 applies only where personal data is collected.
    #[test]
    fn privacy_notice_applies_when_personal_data_is_collected() {
        let notice = "<main><h1>Pemberitahuan Privasi</h1><p>Tujuan pemrosesan: layanan. Jenis data: NIK, nama. \
                      Dasar pemrosesan: kewajiban hukum. Masa penyimpanan 5 tahun. Hak subjek data: akses dan koreksi. \
                      Pejabat pelindungan data: dpo@example.go.id</p></main>";
        let na = run(
            "PD-01",
            &[
                (PageRole::Privacy, notice),
                (
                    PageRole::Home,
                    "<main><form><input name=q aria-label=Cari></form></main>",
                ),
            ],
        );
        assert_eq!(level(&na), 0, "{na:#?}");
        let form = r#"<main><form action="/daftar"><label>NIK <input name="nik"></label><label>Surel <input type="email" name="surat"></label></form></main>"#;
        let full = run(
            "PD-01",
            &[(PageRole::Privacy, notice), (PageRole::Complaints, form)],
        );
        assert_eq!(level(&full), 5, "{full:#?}");
        assert!(
            notes(&full)[0].contains("input name=nik (complaints)"),
            "{:?}",
            notes(&full)
        );
        let missing = run(
            "PD-01",
            &[
                (PageRole::Privacy, "<main><p>Hubungi kami</p></main>"),
                (PageRole::Complaints, form),
            ],
        );
        assert_eq!(level(&missing), 1);
    }

    /// TR-01 on page_components in 2026.2: the same six components, the site
    /// template not counted.
    #[test]
    fn tr01_reads_the_page_not_the_template() {
        let body = "<header><nav><a>Beranda</a></nav></header><main><h1>Standar Pelayanan</h1>\
             <h2>Persyaratan</h2><p>KTP-el.</p><h2>Prosedur</h2><h2>Jangka waktu pelayanan</h2><p>3 hari kerja</p>\
             <h2>Biaya/tarif</h2><p>Gratis</p><h2>Penanganan pengaduan, saran, dan masukan</h2></main>\
             <footer><section class=\"widget\"><h2>Berita Terbaru</h2><a>Pameran Produk UMKM: hasil layanan koperasi</a></section></footer>";
        let outcome = run("TR-01", &[(PageRole::ServiceStandard, body)]);
        assert_eq!(level(&outcome), 4, "{outcome:#?}");
        assert_eq!(notes(&outcome)[0], "missing: Produk pelayanan");
    }

    /// catalogue-2026.2.md 3.1: the obligation is publication, not HTML, so a
    /// standard published only as PDF is level 2 in 2026.2, with a note.
    #[test]
    fn a_standard_published_only_as_pdf_is_level_two() {
        let mut obs = observations();
        obs.pages.push(page(
            PageRole::ServiceStandard,
            200,
            "application/pdf",
            "%PDF-1.4",
        ));
        let served = run_rule("TR-01", &scenario(CATALOGUE_2026_2), &obs);
        assert_eq!(level(&served), 2, "{served:#?}");
        assert!(
            notes(&served)
                .iter()
                .any(|n| n.starts_with("published only as PDF: level 2"))
        );
        let linked = run(
            "TR-01",
            &[(
                PageRole::ServiceStandard,
                r#"<main><p>Unduh <a href="/files/standar-pelayanan-2026.pdf">standar pelayanan</a></p></main>"#,
            )],
        );
        assert_eq!(level(&linked), 2, "{linked:#?}");
        assert_eq!(measured(&linked), "0 of 6 components");
        // An HTML page that names components is judged on them, PDF or not.
        let named = run(
            "TR-01",
            &[(
                PageRole::ServiceStandard,
                r#"<main><h2>Persyaratan</h2><a href="/standar-pelayanan.pdf">standar pelayanan</a></main>"#,
            )],
        );
        assert_eq!(level(&named), 2);
        assert_eq!(measured(&named), "1 of 6 components");
    }

    #[test]
    fn occurrences_and_windows_of_content() {
        let content = crate::standards::html::Content::of_text(
            "IKM 2025: nilai 87,5. Nilai IKM lama 2019; ikmx",
        );
        assert_eq!(content.occurrences("ikm"), [0, 28]);
        let window = content.window(28, 3, 6);
        assert_eq!(window, "nilai ikm lama ");
        assert_eq!(content.window(28, 3, 0), "ikm");
        assert_eq!(content.window(0, 3, 1000), content.text);
    }

    /// Ordinary home-page words are not a survey result, a public-information
    /// list or a maklumat.
    #[test]
    fn ordinary_words_do_not_count() {
        let yaml = "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\n\
                    standards: { profile: idsll-core@2026.2 }\nprobes:\n  - id: p\n    request: { path: / }\n";
        let home = "<main><p>Layanan daring tersedia setiap saat, 24 jam. Nilai-nilai kami: melayani 99 desa.</p>\
                    <p>Standar pelayanan ini menyatakan persyaratan. Data diperbarui secara berkala. Jika keberatan, hubungi kami.</p></main>";
        let mut obs = observations();
        obs.pages.push(html_page(PageRole::Home, &[], home));
        for code in ["TR-05", "TR-06", "TR-07"] {
            let outcome = run_rule(code, &scenario(yaml), &obs);
            assert_eq!(level(&outcome), 1, "{code}: {outcome:#?}");
        }
    }
}
