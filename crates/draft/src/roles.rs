//! Which crawled page is the service standard, the complaints page and the
//! others that `standards.pages` names: by the words the catalogue's checks
//! look for on that page ([`input::catalogue::Catalogue::page_words`], one
//! source), in the page's title or first heading, in the text of links to it,
//! and in its visible text. Each page serves one role at most: the role where
//! it scores highest.

use input::catalogue::{Catalogue, normalise};
use input::lang::Lang;
use input::text::Text;
use url::Url;

use crate::crawl::{Crawl, Fetched};

/// A page that `standards.pages` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Role {
    /// The key under `standards.pages`.
    pub key: &'static str,
    /// The id of the probe init writes for it.
    pub probe_id: &'static str,
    /// What the page is, in words.
    pub name_id: &'static str,
    pub name_en: &'static str,
}

impl Role {
    pub fn name(&self, lang: Lang) -> &'static str {
        lang.pick(self.name_id, self.name_en)
    }
}

/// The roles init looks for, in the order the scenario lists them. Not
/// `contact`: TR-03 reads it besides the home page and the service standard,
/// and the words near service hours (jam, layanan) are on most pages, so no
/// page can be told to be the contact page by them; the scenario says so.
pub const ROLES: [Role; 6] = [
    role(
        "service_standard",
        "standar-pelayanan",
        "standar pelayanan",
        "service standard",
    ),
    role("complaints", "pengaduan", "pengaduan", "complaints"),
    role(
        "maklumat",
        "maklumat",
        "maklumat pelayanan",
        "service pledge (maklumat)",
    ),
    role(
        "skm",
        "skm",
        "hasil survei kepuasan masyarakat",
        "satisfaction survey results",
    ),
    role("ppid", "ppid", "PPID", "information officer (PPID)"),
    role(
        "privacy",
        "privasi",
        "pemberitahuan privasi",
        "privacy notice",
    ),
];

const fn role(
    key: &'static str,
    probe_id: &'static str,
    name_id: &'static str,
    name_en: &'static str,
) -> Role {
    Role {
        key,
        probe_id,
        name_id,
        name_en,
    }
}

/// Points for a role's word in the page's title or first heading...
const TITLE_POINTS: u32 = 3;
/// ...in the text of a link to the page...
const LINK_POINTS: u32 = 2;
/// ...and one per thing the checks look for found in the text, up to this.
const MAX_CONTENT_POINTS: u32 = 6;
/// A page needs this many points: a title plus anything, or three things named.
const MIN_POINTS: u32 = 3;

/// Why a page was chosen for a role.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub role: Role,
    /// As linked from the site.
    pub url: Url,
    /// The title or heading that names the role, if one does.
    pub title: Option<String>,
    /// A link text that names the role, if one does.
    pub link_text: Option<String>,
    /// Things the checks look for, found / looked for.
    pub named: (usize, usize),
    pub points: u32,
}

impl Choice {
    /// One line for the scenario's comment and init's summary.
    pub fn reason(&self, lang: Lang) -> String {
        let mut parts = Vec::new();
        if let Some(title) = &self.title {
            parts.push(Text::new(
                format!("judul \"{title}\""),
                format!("title \"{title}\""),
            ));
        }
        if let Some(text) = &self.link_text {
            parts.push(Text::new(
                format!("teks tautan \"{text}\""),
                format!("link text \"{text}\""),
            ));
        }
        let (found, of) = self.named;
        if found > 0 {
            parts.push(Text::new(
                format!("memuat {found} dari {of} hal yang diperiksa kriterianya"),
                format!("names {found} of the {of} things its checks look for"),
            ));
        }
        parts
            .iter()
            .map(|part| part.pick(lang).to_string())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// For each role, the page chosen for it, if any.
pub fn choose_pages(crawl: &Crawl, catalogue: &Catalogue) -> Vec<(Role, Option<Choice>)> {
    let candidates: Vec<&Fetched> = crawl
        .pages
        .iter()
        .skip(1)
        .filter(|fetched| is_candidate(fetched, crawl))
        .collect();
    let mut scored: Vec<(usize, usize, Choice)> = Vec::new();
    for (role_index, role) in ROLES.iter().enumerate() {
        let groups = catalogue.page_words(role.key);
        if groups.is_empty() {
            continue;
        }
        for (page_index, fetched) in candidates.iter().enumerate() {
            if let Some(choice) = score(role, &groups, fetched, crawl) {
                scored.push((role_index, page_index, choice));
            }
        }
    }
    // Highest points first; a shallower page, then the one found first, on a tie.
    scored.sort_by(|a, b| {
        b.2.points
            .cmp(&a.2.points)
            .then(candidates[a.1].depth.cmp(&candidates[b.1].depth))
            .then(a.1.cmp(&b.1))
    });
    let mut chosen: Vec<Option<Choice>> = vec![None; ROLES.len()];
    let mut used_pages: Vec<usize> = Vec::new();
    for (role_index, page_index, choice) in scored {
        if chosen[role_index].is_none() && !used_pages.contains(&page_index) {
            chosen[role_index] = Some(choice);
            used_pages.push(page_index);
        }
    }
    ROLES.iter().copied().zip(chosen).collect()
}

/// A same-site HTML page that answered 2xx and is not the home page.
fn is_candidate(fetched: &Fetched, crawl: &Crawl) -> bool {
    let home_final = crawl.home().map(|home| home.exchange.final_url.as_str());
    let Ok(final_url) = Url::parse(&fetched.exchange.final_url) else {
        return false;
    };
    fetched.page.is_some()
        && fetched
            .status()
            .is_some_and(|status| (200..300).contains(&status))
        && final_url.origin() == crawl.start.origin()
        && Some(final_url.as_str()) != home_final
        && fetched.url != crawl.start
}

fn score(role: &Role, groups: &[Vec<String>], fetched: &Fetched, crawl: &Crawl) -> Option<Choice> {
    let page = fetched.page.as_ref()?;
    let names_role = |text: &str| {
        let text = normalise(text);
        groups
            .iter()
            .flatten()
            .any(|word| contains_phrase(&text, word))
    };
    let title = [&page.heading, &page.title]
        .into_iter()
        .find(|text| names_role(text))
        .cloned();
    let link_text = crawl
        .pages
        .iter()
        .filter_map(|other| other.page.as_ref())
        .flat_map(|other| &other.links)
        .filter(|link| link.url == fetched.url)
        .map(|link| link.text.clone())
        .find(|text| names_role(text));
    let text = normalise(&page.text);
    let found = groups
        .iter()
        .filter(|group| group.iter().any(|word| contains_phrase(&text, word)))
        .count();
    let points = title.as_ref().map_or(0, |_| TITLE_POINTS)
        + link_text.as_ref().map_or(0, |_| LINK_POINTS)
        + (found as u32).min(MAX_CONTENT_POINTS);
    (points >= MIN_POINTS).then(|| Choice {
        role: *role,
        url: fetched.url.clone(),
        title,
        link_text,
        named: (found, groups.len()),
        points,
    })
}

/// Whether `phrase` stands in `text` as whole words (both already normalised).
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    let is_word = |c: char| c.is_alphanumeric();
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_whole_words_only() {
        assert!(contains_phrase("sampaikan pengaduan anda", "pengaduan"));
        assert!(!contains_phrase("sampaikan pengaduan anda", "aduan"));
        assert!(contains_phrase("(ppid)", "ppid"));
        assert!(!contains_phrase("skmx", "skm"));
    }
}
