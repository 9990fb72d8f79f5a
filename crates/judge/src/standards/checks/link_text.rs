//! AX-05 `link_text`: the share of links (`<a href>`, image-map `<area href>`)
//! whose purpose a screen-reader user can tell (WCAG 2.4.4 Link Purpose, In
//! Context): a link needs an accessible name (an icon-only link has none), and a
//! generic one ("Selengkapnya", "Klik di sini") needs a paragraph, list item or
//! table cell around it that says more.
//! The same link (address and name) on several pages, as in a menu or footer,
//! counts once. Not applicable without links. A locked zoom, which
//! catalogue-2026.2 also names under AX-05, is judged once, by AX-03.

use std::collections::HashSet;

use crate::standards::checks::Input;
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

/// At most this many unclear links are quoted in the evidence.
const QUOTED: usize = 5;

pub fn check(input: &Input) -> RuleOutcome {
    let (pages, failed) = crate::standards::checks::html_documents(input.facts);
    if pages.is_empty() {
        return crate::standards::checks::no_html_pages(failed);
    }
    let mut seen = HashSet::new();
    let mut total = 0;
    let mut unclear = Vec::new();
    for (page, html) in &pages {
        for link in html.named_links() {
            if !seen.insert((link.href.clone(), link.name.clone())) {
                continue;
            }
            total += 1;
            if !link.meaningful {
                unclear.push((crate::standards::checks::page_label(page.role), link));
            }
        }
    }
    if total == 0 {
        return RuleOutcome::not_applicable(say::no_links());
    }
    let mut notes: Vec<_> = unclear
        .iter()
        .take(QUOTED)
        .map(|(page, link)| say::unclear_link(page, &link.href, &link.name))
        .collect();
    notes.extend(failed);
    let clear = total - unclear.len();
    input.level_of_value(
        clear as f64 / total as f64,
        say::links_with_purpose(clear, total),
        Evidence {
            notes,
            ..Evidence::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    fn outcome_of(pages: &[&str]) -> crate::standards::RuleOutcome {
        let mut obs = observations();
        let roles = [PageRole::Home, PageRole::Complaints, PageRole::Contact];
        for (role, body) in roles.iter().zip(pages) {
            obs.pages.push(html_page(*role, &[], body));
        }
        run_rule("AX-05", &scenario(""), &obs)
    }

    #[test]
    fn named_links_pass_and_icons_without_a_name_fail() {
        let clear = r#"<a href="/layanan">Layanan KTP</a>
<a href="https://facebook.com/kab" aria-label="Facebook Kabupaten"><i class="fa fa-facebook"></i></a>
<a href="/logo"><img src="logo.png" alt="Beranda Kabupaten Contoh"></a>
<a href="https://x.com/kab"><svg><title>X (Twitter)</title></svg></a>"#;
        assert_eq!(level(&outcome_of(&[clear])), 5);
        let icons = format!(
            r#"{clear}<a href="https://instagram.com/kab"><i class="fab fa-instagram" aria-hidden="true"></i></a>"#
        );
        let outcome = outcome_of(&[&icons]);
        assert_eq!(level(&outcome), 3, "4 of 5: {outcome:#?}");
        assert!(
            format!("{outcome:?}").contains("instagram.com"),
            "{outcome:#?}"
        );
    }

    #[test]
    fn generic_text_needs_context_around_it() {
        // "Selengkapnya" alone in a card says nothing; in a list item beside
        // the form's name, or with hidden words for screen readers, it does.
        let alone = r#"<div class="card"><h3>Berita</h3><a href="/berita/1">Selengkapnya »</a></div>
<a href="/lapor">Klik disini</a>"#;
        assert_eq!(level(&outcome_of(&[alone])), 1);
        let in_context = r#"<ul><li>Formulir permohonan KTP <a href="/f.pdf">Unduh</a></li></ul>
<a href="/berita/1">Baca selengkapnya<span class="screen-reader-text"> Jadwal pelayanan keliling</span></a>"#;
        assert_eq!(level(&outcome_of(&[in_context])), 5);
    }

    #[test]
    fn a_menu_on_every_page_counts_once_and_hidden_duplicates_not_at_all() {
        let menu =
            r#"<nav><a href="/">Beranda</a><a href="/kontak"><i class="icon"></i></a></nav>"#;
        let page = |own: &str| format!("{menu}<main>{own}</main>");
        let outcome = outcome_of(&[
            &page(r#"<a href="/a">Layanan A</a>"#),
            &page(
                r#"<a href="/b">Layanan B</a><a href="/b" aria-hidden="true" tabindex="-1"><img src=t.png alt=""></a>"#,
            ),
            &page(r#"<a href="/c">Layanan C</a>"#),
        ]);
        // Beranda, the icon, A, B, C: 4 of 5.
        assert_eq!(level(&outcome), 3, "{outcome:#?}");
    }

    #[test]
    fn an_image_map_s_areas_are_links_named_by_their_alt() {
        let map = r##"<img src="peta.png" usemap="#kec" alt="Peta kecamatan"><map name="kec">
<area href="/kecamatan/sukamaju" alt="Kecamatan Sukamaju" coords="0,0,10,10">
<area href="/kecamatan/cibiru" coords="10,10,20,20"></map>"##;
        let outcome = outcome_of(&[map]);
        assert_eq!(level(&outcome), 2, "1 of 2: {outcome:#?}");
        assert!(
            format!("{outcome:?}").contains("/kecamatan/cibiru"),
            "{outcome:#?}"
        );
    }

    #[test]
    fn a_layout_table_cell_is_not_a_link_s_context() {
        // Legacy portals put the whole page in one <td>: its hundreds of words
        // do not tell which news item a "selengkapnya" leads to. A data table's
        // cell beside a form's name does.
        let news: String = (1..=40)
            .map(|n| format!("<div><h3>Berita {n} pelayanan publik</h3><a href=\"/b/{n}\">Selengkapnya</a></div>"))
            .collect();
        let layout = format!("<table><tr><td>{news}</td></tr></table>");
        assert_eq!(level(&outcome_of(&[&layout])), 1);
        let data = r#"<table><tr><td>Formulir permohonan KTP elektronik <a href="/f.pdf">Unduh</a></td></tr></table>"#;
        assert_eq!(level(&outcome_of(&[data])), 5);
    }

    #[test]
    fn no_links_is_not_applicable() {
        assert_eq!(level(&outcome_of(&["<p>Tidak ada tautan.</p>"])), 0);
    }
}
