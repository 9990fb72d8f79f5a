//! TR-03 `contact_hours`: the home, service-standard or contact page states
//! service hours (a `time_range` within `near_chars` of one of the `hours_near`
//! words, or a table row naming a day with an opening and a closing time, as in
//! `Senin | 08:00:00 | 16:00:00`) and a contact (a phone number, an e-mail
//! address, a street address, or a mailto:/tel: link): `both`, `one`, `none`.
//! Times seen near the hours words without a range are noted: a person may
//! find hours a pattern cannot.

use std::sync::LazyLock;

use regex::Regex;

use observe::observations::PageRole;

use crate::standards::checks::{Input, PageRead, reading_notes};
use crate::standards::html::{HtmlPage, contains_phrase};
use crate::standards::say::{self, HoursFound};
use crate::standards::{Evidence, RuleOutcome};

/// Contact patterns, on normalised (lower-case) visible text.
static CONTACT: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // e-mail
        r"[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}",
        // a phone number after a word that announces one
        r"\b(?:telepon|telpon|telp|tel|hp|whatsapp|wa|fax|faks|call center|sms)\b[.:\s]*[+(]?\d[\d\s().\-]{2,}\d",
        // (0261) 555-0101, 0812-0000-0101, +62 812 3456 789
        r"\(0\d{2,4}\)\s*\d{3,4}[\s.\-]?\d{3,5}",
        r"(?:\+62|\b0)\d{2,4}[\s.\-]\d{3,4}[\s.\-]?\d{3,5}\b",
        // Jl. Merdeka No. 1; Jalan Pahlawan Nomor 5
        r"\b(?:jl|jln)\.?\s+[a-z0-9]",
        r"\bjalan\s+[a-z][a-z .]*\s(?:no|nomor)\.?\s*\d",
    ]
    .iter()
    .filter_map(|pattern| Regex::new(pattern).ok())
    .collect()
});

/// A clock time: 08:00, 8.00, 08:00:00.
static TIME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d{1,2}[.:]\d{2}(?:[.:]\d{2})?\b").expect("a valid pattern"));

const DAYS: [&str; 8] = [
    "senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu",
];

struct Found {
    hours: Option<HoursFound>,
    contact: Option<String>,
    /// Times near the hours words that were not in a range.
    loose_times: Option<String>,
}

/// A table row naming a day with at least two times (opening, closing).
fn hours_in_table(page: &HtmlPage) -> Option<HoursFound> {
    page.table_rows().into_iter().find_map(|cells| {
        let day = cells
            .iter()
            .any(|cell| DAYS.iter().any(|day| contains_phrase(cell, day)));
        let times = cells
            .iter()
            .filter(|cell| TIME.find_iter(cell).next().is_some())
            .flat_map(|cell| TIME.find_iter(cell).map(|m| m.as_str().to_string()))
            .count();
        (day && times >= 2).then(|| HoursFound::TableRow(cells.join(" | ")))
    })
}

fn read(page: &HtmlPage, input: &Input) -> Found {
    let text = page.visible_text(&[]);
    let near_chars = usize::try_from(input.params.integer("near_chars")).unwrap_or(80);
    let near_words: Vec<String> = input
        .params
        .strings("hours_near")
        .iter()
        .map(|word| input::catalogue::normalise(word))
        .collect();
    let hours = input.params.regex("time_range").and_then(|range| {
        range.find_iter(&text).find_map(|found| {
            let start = floor_boundary(&text, found.start().saturating_sub(near_chars));
            let end = ceil_boundary(&text, (found.end() + near_chars).min(text.len()));
            let window = &text[start..end];
            near_words
                .iter()
                .find(|word| contains_phrase(window, word))
                .map(|word| HoursFound::Near {
                    range: found.as_str().to_string(),
                    word: word.clone(),
                })
        })
    });
    let hours = hours.or_else(|| hours_in_table(page));
    let loose_times = if hours.is_none() {
        TIME.find_iter(&text).find_map(|found| {
            let start = floor_boundary(&text, found.start().saturating_sub(near_chars));
            let end = ceil_boundary(&text, (found.end() + near_chars).min(text.len()));
            let window = &text[start..end];
            near_words
                .iter()
                .any(|word| contains_phrase(window, word))
                .then(|| window.trim().to_string())
        })
    } else {
        None
    };
    let contact = page
        .links()
        .into_iter()
        .find(|link| {
            let href = link.href.to_ascii_lowercase();
            href.starts_with("mailto:") || href.starts_with("tel:")
        })
        .map(|link| link.href)
        .or_else(|| {
            CONTACT
                .iter()
                .find_map(|pattern| pattern.find(&text).map(|m| m.as_str().to_string()))
        });
    Found {
        hours,
        contact,
        loose_times,
    }
}

fn floor_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn ceil_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    let mut hours: Option<(HoursFound, String)> = None;
    let mut contact: Option<(String, String)> = None;
    let mut failed = Vec::new();
    let mut notes = Vec::new();
    let mut read_any = Vec::new();
    let mut loose = Vec::new();
    for role in [PageRole::Home, PageRole::ServiceStandard, PageRole::Contact] {
        if !facts.declared(role) {
            continue;
        }
        let Some(page) = facts.page(role) else {
            failed.push(say::page_not_fetched(role.key()));
            continue;
        };
        match page.read() {
            PageRead::Html(html) => {
                read_any.push(page.url.clone());
                let found = read(html, input);
                if hours.is_none() {
                    hours = found.hours.map(|h| (h, page.url.clone()));
                }
                if contact.is_none() {
                    contact = found.contact.map(|c| (c, page.url.clone()));
                }
                if let Some(window) = found.loose_times {
                    loose.push(say::loose_times(&page.url, &window));
                }
                notes.extend(reading_notes(html, &page.url, &[]));
            }
            PageRead::Missing(evidence) => notes.extend(evidence.notes),
            PageRead::Failed(evidence) => failed.extend(evidence.notes),
        }
    }
    if hours.is_none() {
        notes.extend(loose);
    }
    let outcome = match (&hours, &contact) {
        (Some(_), Some(_)) => "both",
        (None, None) => "none",
        _ => "one",
    };
    if outcome != "both" && !failed.is_empty() {
        let mut evidence = Evidence::note(say::join(&failed, "; "));
        evidence.notes.extend(notes);
        return RuleOutcome {
            outcome: crate::standards::Outcome::Inconclusive,
            evidence,
        };
    }
    notes.insert(
        0,
        say::contact_at(
            contact
                .as_ref()
                .map(|(contact, url)| (contact.as_str(), url.as_str())),
        ),
    );
    notes.insert(
        0,
        say::hours_at(hours.as_ref().map(|(hours, url)| (hours, url.as_str()))),
    );
    input.level_of_outcome(
        outcome,
        Evidence {
            measured: Some(say::hours_and_contact(hours.is_some(), contact.is_some())),
            url: read_any.first().cloned(),
            notes,
            ..Evidence::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::observations::PageRole;

    fn with(home: &str, standard: &str) -> i8 {
        let mut obs = observations();
        obs.pages.push(html_page(PageRole::Home, &[], home));
        obs.pages
            .push(html_page(PageRole::ServiceStandard, &[], standard));
        level(&run_rule("TR-03", &scenario(""), &obs))
    }

    #[test]
    fn every_level() {
        let hours = "<p>Jam pelayanan: Senin-Jumat 08.00 - 15.00 WIB</p>";
        assert_eq!(with(hours, "<footer>Telepon (0261) 555-0101</footer>"), 5);
        assert_eq!(with(hours, "<p>tidak ada</p>"), 3);
        assert_eq!(with("<p>Hubungi kami di info@contohkab.go.id</p>", ""), 3);
        assert_eq!(with("<p>Selamat datang</p>", "<p>Pukul 10.00</p>"), 1);
    }

    /// Issue 14: office hours written as a table.
    #[test]
    fn hours_in_a_table_count_and_loose_times_are_noted() {
        let table = "<h2>Jam Pelayanan</h2><table><tr><th>Hari</th><th>Buka</th><th>Tutup</th></tr>\
                     <tr><td>Senin</td><td>08:00:00</td><td>16:00:00</td></tr>\
                     <tr><td>Jumat</td><td>08:00:00</td><td>11:30:00</td></tr></table>\
                     <p>Telepon (0261) 555-0101</p>";
        let mut obs = observations();
        obs.pages.push(html_page(PageRole::Contact, &[], table));
        let outcome = run_rule("TR-03", &scenario(&contact_scenario()), &obs);
        assert_eq!(level(&outcome), 5, "{outcome:#?}");
        assert_eq!(
            outcome.evidence.notes[0].en,
            "service hours: \"senin | 08:00:00 | 16:00:00 (table row)\" at https://svc.example.go.id/kontak"
        );
        assert_eq!(
            outcome.evidence.notes[0].id,
            "jam pelayanan: \"senin | 08:00:00 | 16:00:00 (baris tabel)\" di https://svc.example.go.id/kontak"
        );
        let loose = with("<p>Jam pelayanan kantor dimulai pukul 08.00 WIB</p>", "");
        assert_eq!(loose, 1);
        let mut obs = observations();
        obs.pages.push(html_page(
            PageRole::Home,
            &[],
            "<p>Jam pelayanan kantor dimulai pukul 08.00 WIB</p>",
        ));
        let outcome = run_rule("TR-03", &scenario(""), &obs);
        assert!(
            outcome.evidence.notes.iter().any(|note| note
                .en
                .starts_with("times near the hours words but not as a range")),
            "{outcome:#?}"
        );
    }

    fn contact_scenario() -> String {
        "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\n\
         standards: { profile: idsll-core, pages: { contact: /kontak } }\n\
         probes:\n  - id: p\n    request: { path: / }\n"
            .to_string()
    }

    #[test]
    fn time_ranges_need_a_word_nearby_and_contacts_take_many_forms() {
        assert_eq!(
            with(
                "<p>Layanan buka 08:00 s/d 16:00</p><a href='mailto:a@b.go.id'>surel</a>",
                ""
            ),
            5
        );
        assert_eq!(
            with(
                "<p>Skor 10.00 - 12.00 pertandingan</p><p>Jl. Merdeka No. 1</p>",
                ""
            ),
            3
        );
        assert_eq!(
            with(
                "<p>Pelayanan 7.30 sampai 14.00</p><p>WA 0812-0000-0101</p>",
                ""
            ),
            5
        );
        assert_eq!(
            with(
                "<p>jam operasional 08.00–15.00</p><a href='tel:+62261555'>x</a>",
                ""
            ),
            5
        );
        // A date is not a phone number; a road category is not an address.
        assert_eq!(
            with("<p>Terbit 2026-01-12, kategori jalan rusak</p>", ""),
            1
        );
    }

    #[test]
    fn failed_pages_make_it_inconclusive_unless_both_were_found() {
        let mut obs = observations();
        obs.pages.push(page(PageRole::Home, 503, "text/html", ""));
        obs.pages.push(html_page(
            PageRole::ServiceStandard,
            &[],
            "<p>Telp. 0261-555-0101</p>",
        ));
        assert_eq!(level(&run_rule("TR-03", &scenario(""), &obs)), -1);
        let mut obs = observations();
        obs.pages.push(page(PageRole::Home, 404, "text/html", ""));
        obs.pages
            .push(page(PageRole::ServiceStandard, 404, "text/html", ""));
        assert_eq!(level(&run_rule("TR-03", &scenario(""), &obs)), 1);
    }
}
