//! What the page rules read of an HTML page, parsed with a real HTML5 parser
//! (html5ever, through scraper): the visible text, `lang`, `<title>`, the viewport,
//! images, form controls and links. The tree is walked without recursion, so a
//! page nested a million levels deep costs time, not the stack.

use std::collections::HashSet;

use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node};

use input::catalogue::normalise;

/// Pages are parsed up to this many bytes of decoded text; the rest is not read
/// (and the evidence says so).
pub const MAX_PARSED_BYTES: usize = 2 << 20;

/// Elements nested deeper than this are not read: html5ever's tree builder takes
/// time proportional to the depth for every tag, so a page of a million nested
/// `<div>`s would otherwise take hours. Browsers cap the depth too (Blink: 512).
pub const MAX_DEPTH: usize = 256;

/// Below this many characters of visible text, a page that has scripts "appears
/// to be rendered by JavaScript" (semantics.md).
pub const SCRIPT_RENDERED_BELOW: usize = 200;

/// Elements whose text is never visible.
const INVISIBLE: [&str; 5] = ["head", "script", "style", "template", "title"];

/// Elements that do not separate words: text on either side joins.
const INLINE: [&str; 22] = [
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup",
];

/// A parsed page.
pub struct HtmlPage {
    document: Html,
    /// Only the start of the page was read: it was longer than
    /// [`MAX_PARSED_BYTES`], or nested deeper than [`MAX_DEPTH`].
    pub truncated: Option<Truncation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truncation {
    /// Read up to this many bytes of a longer page.
    Size(usize),
    /// Read up to this byte, where elements nest deeper than [`MAX_DEPTH`].
    Depth(usize),
}

impl std::fmt::Debug for HtmlPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HtmlPage")
            .field("truncated", &self.truncated)
            .finish_non_exhaustive()
    }
}

/// A link: its `href` as written and its visible text (normalised).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub href: String,
    pub text: String,
}

/// A form control a person fills in, and whether it has an accessible label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Control {
    /// `input name=hp`, `select#kategori`, `textarea name=isi`.
    pub description: String,
    pub labelled: bool,
    /// Inside `hidden` or `aria-hidden=true` when the page was read: a modal or a
    /// collapsed panel that script opens. Still a control citizens fill in.
    pub hidden: bool,
    /// The form it belongs to (`action` or `id`), empty outside a form: with
    /// the description, what tells the same form repeated on several pages.
    pub form: String,
}

impl HtmlPage {
    pub fn parse(text: &str) -> HtmlPage {
        let mut end = text.len().min(MAX_PARSED_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mut truncated = (end < text.len()).then_some(Truncation::Size(end));
        if let Some(deep) = too_deep(&text[..end]) {
            end = deep;
            truncated = Some(Truncation::Depth(deep));
        }
        HtmlPage {
            document: Html::parse_document(&text[..end]),
            truncated,
        }
    }

    fn elements(&self) -> impl Iterator<Item = ElementRef<'_>> {
        self.document
            .tree
            .root()
            .descendants()
            .filter_map(ElementRef::wrap)
    }

    fn root(&self) -> Option<ElementRef<'_>> {
        self.document
            .tree
            .root()
            .children()
            .find_map(ElementRef::wrap)
    }

    /// The `<html>` element's `lang` (or `xml:lang`), trimmed; `None` when absent
    /// or empty.
    pub fn lang(&self) -> Option<String> {
        let root = self.root()?;
        root.value()
            .attrs()
            .find(|(name, value)| *name == "lang" && !value.trim().is_empty())
            .map(|(_, value)| value.trim().to_string())
    }

    /// The first `<title>`'s text, whitespace folded; `None` when absent or empty.
    pub fn title(&self) -> Option<String> {
        self.elements()
            .find(|element| element.value().name() == "title")
            .map(|title| title.text().collect::<String>())
            .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|text| !text.is_empty())
    }

    /// Whether a `<meta name="viewport">` with content is present.
    pub fn has_viewport(&self) -> bool {
        self.elements().any(|element| {
            let value = element.value();
            value.name() == "meta"
                && value
                    .attr("name")
                    .is_some_and(|name| name.trim().eq_ignore_ascii_case("viewport"))
                && value.attr("content").is_some_and(|c| !c.trim().is_empty())
        })
    }

    /// Why the viewport stops people zooming (WCAG 1.4.4): `user-scalable=no`
    /// or a `maximum-scale` below 2; `None` when it does not (or is absent).
    pub fn zoom_lock(&self) -> Option<String> {
        let content = self.elements().find_map(|element| {
            let value = element.value();
            (value.name() == "meta"
                && value
                    .attr("name")
                    .is_some_and(|name| name.trim().eq_ignore_ascii_case("viewport")))
            .then(|| value.attr("content"))
            .flatten()
        })?;
        content
            .split([',', ';'])
            .filter_map(|pair| pair.split_once('='))
            .find_map(|(key, value)| {
                let (key, value) = (
                    key.trim().to_ascii_lowercase(),
                    value.trim().to_ascii_lowercase(),
                );
                let locks = match key.as_str() {
                    "user-scalable" => value == "no" || value == "0",
                    "maximum-scale" => value.parse::<f64>().is_ok_and(|scale| scale < 2.0),
                    _ => false,
                };
                locks.then(|| format!("{key}={value}"))
            })
    }

    /// How many `<script>` elements the page has (inline or external).
    pub fn scripts(&self) -> usize {
        self.elements()
            .filter(|element| element.value().name() == "script")
            .count()
    }

    /// The visible text: body text without script, style, template, comments or
    /// attribute values, nor the text of `ignore`d elements (`nav` also covers
    /// `role=navigation`); lower case, whitespace folded.
    pub fn visible_text(&self, ignore: &[String]) -> String {
        let ignore_navigation = ignore.iter().any(|name| name.eq_ignore_ascii_case("nav"));
        let skipped = |element: &scraper::node::Element| {
            let name = element.name();
            INVISIBLE.contains(&name)
                || ignore
                    .iter()
                    .any(|ignored| ignored.eq_ignore_ascii_case(name))
                || (ignore_navigation
                    && element
                        .attr("role")
                        .is_some_and(|role| role.trim().eq_ignore_ascii_case("navigation")))
        };
        let mut raw = String::new();
        let mut skipping: Option<ego_tree::NodeId> = None;
        for edge in self.document.tree.root().traverse() {
            match edge {
                Edge::Open(node) => {
                    if skipping.is_some() {
                        continue;
                    }
                    match node.value() {
                        Node::Element(element) if skipped(element) => skipping = Some(node.id()),
                        Node::Element(element) if !INLINE.contains(&element.name()) => {
                            raw.push(' ')
                        }
                        Node::Text(text) => raw.push_str(text),
                        _ => {}
                    }
                }
                Edge::Close(node) => {
                    if skipping == Some(node.id()) {
                        skipping = None;
                    } else if skipping.is_none()
                        && let Node::Element(element) = node.value()
                        && !INLINE.contains(&element.name())
                    {
                        raw.push(' ');
                    }
                }
            }
        }
        normalise(&raw)
    }

    /// Every `<a href>`, with its visible text.
    pub fn links(&self) -> Vec<Link> {
        self.elements()
            .filter(|element| element.value().name() == "a")
            .filter_map(|element| {
                let href = element.value().attr("href")?.trim().to_string();
                Some(Link {
                    href,
                    text: normalise(&element.text().collect::<String>()),
                })
            })
            .collect()
    }

    /// The `<meta name="generator">` contents, trimmed.
    pub fn generators(&self) -> Vec<String> {
        self.elements()
            .filter(|element| {
                let value = element.value();
                value.name() == "meta"
                    && value
                        .attr("name")
                        .is_some_and(|name| name.trim().eq_ignore_ascii_case("generator"))
            })
            .filter_map(|element| element.value().attr("content"))
            .map(|content| content.trim().to_string())
            .filter(|content| !content.is_empty())
            .collect()
    }

    /// The URLs of the assets a page loads: `script src`, `link href`, `img src`.
    pub fn asset_urls(&self) -> Vec<String> {
        self.elements()
            .filter_map(|element| {
                let value = element.value();
                match value.name() {
                    "script" | "img" => value.attr("src"),
                    "link" => value.attr("href"),
                    _ => None,
                }
            })
            .map(|url| url.trim().to_string())
            .collect()
    }

    /// Every table row's cells (`td`, `th`), each normalised, rows of nested
    /// tables apart.
    pub fn table_rows(&self) -> Vec<Vec<String>> {
        self.elements()
            .filter(|element| element.value().name() == "tr")
            .map(|row| {
                row.children()
                    .filter_map(ElementRef::wrap)
                    .filter(|cell| matches!(cell.value().name(), "td" | "th"))
                    .map(|cell| normalise(&cell.text().collect::<String>()))
                    .collect()
            })
            .collect()
    }

    /// `(images, images with an alt attribute, src of the first without)`.
    pub fn images(&self) -> (usize, usize, Option<String>) {
        let mut total = 0;
        let mut with_alt = 0;
        let mut first_missing = None;
        for image in self.elements().filter(|e| e.value().name() == "img") {
            total += 1;
            let value = image.value();
            let has = |attr: &str| value.attr(attr).is_some_and(|v| !v.trim().is_empty());
            // WCAG 1.1.1 is met by an alt, by a name from ARIA, or by marking
            // the image decorative (aria-hidden, role presentation/none).
            let decorative = value
                .attr("aria-hidden")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
                || has_role(value, &["presentation", "none"]);
            if value.attr("alt").is_some()
                || has("aria-label")
                || has("aria-labelledby")
                || decorative
            {
                with_alt += 1;
            } else if first_missing.is_none() {
                first_missing = Some(value.attr("src").unwrap_or("(no src)").to_string());
            }
        }
        (total, with_alt, first_missing)
    }

    /// How many `<textarea>`s belong to a form: inside one, tied to one by a
    /// `form` attribute, or after a `<form>` written straight inside a table (the
    /// parser closes such a form at once, but browsers still submit the fields
    /// that follow it, and legacy portals are full of them).
    pub fn form_textareas(&self) -> usize {
        let form_ids: HashSet<&str> = self
            .elements()
            .filter(|element| element.value().name() == "form")
            .filter_map(|form| form.value().attr("id"))
            .collect();
        let mut open_table_form = false;
        let mut count = 0;
        for element in self.elements() {
            let value = element.value();
            match value.name() {
                "form" => {
                    let in_table =
                        element
                            .parent()
                            .and_then(ElementRef::wrap)
                            .is_some_and(|parent| {
                                matches!(
                                    parent.value().name(),
                                    "table" | "tbody" | "thead" | "tfoot" | "tr"
                                )
                            });
                    open_table_form = in_table && !element.has_children();
                }
                "textarea" => {
                    let inside = element
                        .ancestors()
                        .filter_map(ElementRef::wrap)
                        .any(|ancestor| ancestor.value().name() == "form");
                    let named = value
                        .attr("form")
                        .is_some_and(|id| form_ids.contains(id.trim()));
                    if inside || named || open_table_form {
                        count += 1;
                    }
                }
                _ => {}
            }
        }
        count
    }

    /// How the first form holding a `<textarea>` is named: `<form action="/lapor">`.
    pub fn textarea_form(&self) -> Option<String> {
        self.elements()
            .filter(|element| element.value().name() == "textarea")
            .find_map(|textarea| {
                textarea
                    .ancestors()
                    .filter_map(ElementRef::wrap)
                    .find(|ancestor| ancestor.value().name() == "form")
            })
            .map(|form| match form.value().attr("action") {
                Some(action) => format!("<form action=\"{}\">", action.trim()),
                None => "<form>".to_string(),
            })
    }

    /// A search box, described (`input type=search`, `form role=search`,
    /// `input name=q`): a search input, an element marked role=search, or a
    /// text input named as a query in a form sent by GET.
    pub fn search_box(&self) -> Option<String> {
        const QUERY_NAMES: [&str; 8] = [
            "q",
            "s",
            "query",
            "search",
            "cari",
            "keyword",
            "kata_kunci",
            "kata-kunci",
        ];
        self.elements().find_map(|element| {
            let value = element.value();
            let kind = value.attr("type").map(|t| t.trim().to_ascii_lowercase());
            if value
                .attr("role")
                .is_some_and(|role| role.trim().eq_ignore_ascii_case("search"))
            {
                return Some(format!("{} role=search", value.name()));
            }
            if value.name() != "input" {
                return None;
            }
            if kind.as_deref() == Some("search") {
                return Some("input type=search".to_string());
            }
            let text_input = matches!(kind.as_deref(), None | Some("text"));
            let name = value.attr("name")?.trim().to_ascii_lowercase();
            let in_get_form = element
                .ancestors()
                .filter_map(ElementRef::wrap)
                .find(|ancestor| ancestor.value().name() == "form")
                .is_some_and(|form| {
                    form.value()
                        .attr("method")
                        .is_none_or(|method| method.trim().eq_ignore_ascii_case("get"))
                });
            (text_input && in_get_form && QUERY_NAMES.contains(&name.as_str()))
                .then(|| format!("input name={name}"))
        })
    }

    /// File inputs (`input type=file`), described: what a person uploads with.
    pub fn file_inputs(&self) -> Vec<String> {
        self.elements()
            .filter(|element| {
                let value = element.value();
                value.name() == "input"
                    && value
                        .attr("type")
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case("file"))
            })
            .map(|element| {
                let value = element.value();
                match (value.attr("id"), value.attr("name")) {
                    (Some(id), _) => format!("input#{id} type=file"),
                    (None, Some(name)) => format!("input name={name} type=file"),
                    (None, None) => "input type=file".to_string(),
                }
            })
            .collect()
    }

    /// Links to a document to download: an `a download`, or an href whose
    /// path ends with a document's extension (a form to fill in, a regulation).
    pub fn download_links(&self) -> Vec<String> {
        const DOCUMENTS: [&str; 10] = [
            ".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".csv", ".zip",
        ];
        self.elements()
            .filter(|element| element.value().name() == "a")
            .filter_map(|element| {
                let value = element.value();
                let href = value.attr("href")?.trim();
                let path = href
                    .split(['?', '#'])
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let document = DOCUMENTS.iter().any(|ext| path.ends_with(ext));
                (document || value.attr("download").is_some()).then(|| href.to_string())
            })
            .collect()
    }

    /// Form controls (semantics.md, AX-04), whether each is labelled, and
    /// whether it was hidden when read.
    pub fn controls(&self) -> Vec<Control> {
        let labelled_ids: HashSet<String> = self
            .elements()
            .filter(|element| element.value().name() == "label")
            .filter_map(|label| label.value().attr("for"))
            .map(|id| id.trim().to_string())
            .filter(|id| !id.is_empty())
            .collect();
        let mut controls = Vec::new();
        for element in self.elements() {
            let value = element.value();
            let name = value.name();
            let is_control = match name {
                "select" | "textarea" => true,
                "input" => !matches!(
                    value
                        .attr("type")
                        .map(|t| t.trim().to_ascii_lowercase())
                        .as_deref(),
                    Some("hidden" | "submit" | "button" | "reset" | "image")
                ),
                _ => false,
            };
            if !is_control {
                continue;
            }
            let has = |attr: &str| value.attr(attr).is_some_and(|v| !v.trim().is_empty());
            let by_for = value
                .attr("id")
                .is_some_and(|id| labelled_ids.contains(id.trim()));
            let wrapped = element
                .ancestors()
                .filter_map(ElementRef::wrap)
                .any(|ancestor| ancestor.value().name() == "label");
            let description = match (value.attr("id"), value.attr("name")) {
                (Some(id), _) => format!("{name}#{id}"),
                (None, Some(field)) => format!("{name} name={field}"),
                (None, None) => name.to_string(),
            };
            let form = element
                .ancestors()
                .filter_map(ElementRef::wrap)
                .find(|ancestor| ancestor.value().name() == "form")
                .map(|form| {
                    let form = form.value();
                    form.attr("action")
                        .or_else(|| form.attr("id"))
                        .unwrap_or("form")
                        .trim()
                        .to_string()
                })
                .unwrap_or_default();
            controls.push(Control {
                description,
                labelled: by_for || wrapped || has("aria-label") || has("aria-labelledby"),
                hidden: hidden(element),
                form,
            });
        }
        controls
    }
}

/// ARIA roles of the site's template rather than the page's own content: the
/// banner, the footer, sidebars, navigation and the search box. The elements
/// (`header`, `footer`, `aside`, `nav`) are template too, but a `header` or
/// `footer` inside `article`, `main` or `section` belongs to that content.
const TEMPLATE_ROLES: [&str; 5] = [
    "banner",
    "contentinfo",
    "complementary",
    "navigation",
    "search",
];

/// Blocks shorter than this are never taken for template repeated on every
/// page: a heading "Biaya" may well appear on two pages of the same site.
pub const TEMPLATE_MIN_CHARS: usize = 40;
/// Longer blocks are not fingerprinted (they are the page, not a widget).
const TEMPLATE_MAX_BYTES: usize = 8 << 10;
/// Fingerprinting stops after this many blocks per page.
const TEMPLATE_MAX_BLOCKS: usize = 20_000;

/// Elements a repeated template block can be.
const BLOCKS: [&str; 14] = [
    "div", "section", "ul", "ol", "dl", "table", "form", "p", "li", "aside", "header", "footer",
    "nav", "span",
];

/// A page's own content, as read for the page-component rules: its visible
/// text (normalised) and, for each run of text, where it sits.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Lower case, whitespace folded, runs joined by a space.
    pub text: String,
    /// `(byte offset in text, path)` of each run, in order.
    runs: Vec<(usize, String)>,
    /// What was left out, for the evidence: `footer`, `aside.widget-area`...,
    /// each with whether it was left out for being on every page (rather than
    /// for being a template element).
    pub skipped: Vec<(String, bool)>,
    /// `main`, `article` or `body`: what was read.
    pub scope: &'static str,
}

/// Where a phrase was found in a page's own content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// `main > section > h2`.
    pub path: String,
    /// The text around the phrase, at most about 80 characters.
    pub excerpt: String,
}

impl Content {
    /// Where `phrase` (normalised) first occurs as whole words.
    pub fn find(&self, phrase: &str) -> Option<Found> {
        let start = phrase_at(&self.text, phrase)?;
        let run = self
            .runs
            .partition_point(|(offset, _)| *offset <= start)
            .saturating_sub(1);
        let path = self
            .runs
            .get(run)
            .map_or_else(String::new, |(_, path)| path.clone());
        Some(Found {
            path,
            excerpt: excerpt_around(&self.text, start, phrase.len()),
        })
    }
}

/// About 30 characters either side of `text[start..start + len]`, with `…`
/// where it was cut.
fn excerpt_around(text: &str, start: usize, len: usize) -> String {
    let before: Vec<(usize, char)> = text[..start].char_indices().collect();
    let from = before.len().saturating_sub(30);
    let from_byte = before.get(from).map_or(start, |(at, _)| *at);
    let after_start = start + len;
    let to_byte = text[after_start..]
        .char_indices()
        .nth(30)
        .map_or(text.len(), |(at, _)| after_start + at);
    let mut out = String::new();
    if from_byte > 0 {
        out.push('…');
    }
    out.push_str(text[from_byte..to_byte].trim());
    if to_byte < text.len() {
        out.push('…');
    }
    out
}

/// The byte offset where `phrase` occurs in `text` as whole words.
fn phrase_at(text: &str, phrase: &str) -> Option<usize> {
    if phrase.is_empty() {
        return None;
    }
    let is_word = |c: char| c.is_alphanumeric();
    text.match_indices(phrase)
        .find(|(start, _)| {
            let before = text[..*start].chars().next_back();
            let after = text[start + phrase.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        })
        .map(|(start, _)| start)
}

/// `div.widget` for an element: its name and first class.
fn label_of(element: &scraper::node::Element) -> String {
    let name = element.name();
    match element.classes().next() {
        Some(class) => format!("{name}.{class}"),
        None => match element.attr("role") {
            Some(role) => format!("{name}[role={}]", role.trim()),
            None => name.to_string(),
        },
    }
}

fn has_role(element: &scraper::node::Element, roles: &[&str]) -> bool {
    element.attr("role").is_some_and(|role| {
        role.split_whitespace()
            .any(|role| roles.iter().any(|r| role.eq_ignore_ascii_case(r)))
    })
}

/// Appends a run of text read under `path`.
fn flush(run: &mut String, path: &[String], content: &mut Content) {
    let text = normalise(run);
    run.clear();
    if text.is_empty() {
        return;
    }
    if !content.text.is_empty() {
        content.text.push(' ');
    }
    content.runs.push((content.text.len(), path.join(" > ")));
    content.text.push_str(&text);
}

/// A WordPress-style widget (`widget`, `widget_recent_entries`, `widget-area`).
fn is_widget(element: &scraper::node::Element) -> bool {
    element.classes().any(|class| {
        let class = class.to_ascii_lowercase();
        class == "widget" || class.starts_with("widget_") || class.starts_with("widget-")
    })
}

fn fingerprint(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

impl HtmlPage {
    /// Fingerprints of this page's blocks of at least [`TEMPLATE_MIN_CHARS`]
    /// characters of visible text: a block whose fingerprint every page read
    /// shares is template (a sidebar, a footer widget), not the page's content.
    pub fn block_fingerprints(&self) -> HashSet<u64> {
        self.block_texts().into_values().collect()
    }

    /// The page's own content (issue: judge the page, not the template): inside
    /// `<main>` or `[role=main]` when the page has one, else its `<article>`s,
    /// else the body; never site-wide regions (`header`, `footer`, `aside`,
    /// `nav`, their ARIA roles, widgets), `ignore`d elements, nor blocks whose
    /// fingerprint is in `template` (repeated identically on every page read).
    pub fn content(&self, ignore: &[String], template: &HashSet<u64>) -> Content {
        let is = |element: &scraper::node::Element, names: &[&str]| names.contains(&element.name());
        let mains: Vec<ElementRef<'_>> = self
            .elements()
            .filter(|e| e.value().name() == "main" || has_role(e.value(), &["main"]))
            .collect();
        let (roots, scope): (Vec<ElementRef<'_>>, &'static str) = if !mains.is_empty() {
            (mains, "main")
        } else {
            let articles: Vec<ElementRef<'_>> = self
                .elements()
                .filter(|e| {
                    e.value().name() == "article"
                        && !e
                            .ancestors()
                            .filter_map(ElementRef::wrap)
                            .any(|a| a.value().name() == "article")
                })
                .collect();
            if articles.is_empty() {
                (self.root().into_iter().collect(), "body")
            } else {
                (articles, "article")
            }
        };
        // Roots nested in another root are read with it.
        let roots: Vec<ElementRef<'_>> = roots
            .iter()
            .copied()
            .filter(|root| {
                !root
                    .ancestors()
                    .any(|a| roots.iter().any(|other| other.id() == a.id()))
            })
            .collect();
        let template_prints = if template.is_empty() {
            std::collections::HashMap::new()
        } else {
            self.block_texts()
        };
        let mut content = Content {
            scope,
            ..Content::default()
        };
        let mut skipped: Vec<(String, bool)> = Vec::new();
        for root in roots {
            let mut path: Vec<String> = Vec::new();
            let mut skipping: Option<ego_tree::NodeId> = None;
            let mut run = String::new();
            for edge in root.traverse() {
                match edge {
                    Edge::Open(node) => {
                        if skipping.is_some() {
                            continue;
                        }
                        match node.value() {
                            Node::Element(element) => {
                                let inside_content =
                                    node.ancestors().filter_map(ElementRef::wrap).any(|a| {
                                        matches!(a.value().name(), "article" | "main" | "section")
                                    });
                                let template_element = is(element, &["aside", "nav"])
                                    || (is(element, &["header", "footer"]) && !inside_content)
                                    || has_role(element, &TEMPLATE_ROLES)
                                    || is_widget(element)
                                    || ignore
                                        .iter()
                                        .any(|i| i.eq_ignore_ascii_case(element.name()));
                                let repeated = template_prints
                                    .get(&node.id())
                                    .is_some_and(|print| template.contains(print));
                                if INVISIBLE.contains(&element.name()) {
                                    skipping = Some(node.id());
                                } else if (template_element || repeated) && node.id() != root.id() {
                                    skipping = Some(node.id());
                                    let left_out =
                                        (label_of(element), repeated && !template_element);
                                    if !skipped.contains(&left_out) {
                                        skipped.push(left_out);
                                    }
                                } else if !INLINE.contains(&element.name()) {
                                    flush(&mut run, &path, &mut content);
                                    path.push(label_of(element));
                                }
                            }
                            Node::Text(text) => run.push_str(text),
                            _ => {}
                        }
                    }
                    Edge::Close(node) => {
                        if skipping == Some(node.id()) {
                            skipping = None;
                        } else if skipping.is_none()
                            && let Node::Element(element) = node.value()
                            && !INLINE.contains(&element.name())
                        {
                            flush(&mut run, &path, &mut content);
                            path.pop();
                        }
                    }
                }
            }
            flush(&mut run, &path, &mut content);
        }
        content.skipped = skipped;
        content
    }

    /// The fingerprint of each block's text, by node (as [`Self::block_fingerprints`]).
    fn block_texts(&self) -> std::collections::HashMap<ego_tree::NodeId, u64> {
        let mut raw = String::new();
        let mut open: Vec<(ego_tree::NodeId, usize)> = Vec::new();
        let mut skipping: Option<ego_tree::NodeId> = None;
        let mut prints = std::collections::HashMap::new();
        for edge in self.document.tree.root().traverse() {
            match edge {
                Edge::Open(node) => {
                    if skipping.is_some() {
                        continue;
                    }
                    match node.value() {
                        Node::Element(element) if INVISIBLE.contains(&element.name()) => {
                            skipping = Some(node.id())
                        }
                        Node::Element(element) => {
                            if BLOCKS.contains(&element.name()) {
                                open.push((node.id(), raw.len()));
                            }
                            if !INLINE.contains(&element.name()) {
                                raw.push(' ');
                            }
                        }
                        Node::Text(text) => raw.push_str(text),
                        _ => {}
                    }
                }
                Edge::Close(node) => {
                    if skipping == Some(node.id()) {
                        skipping = None;
                        continue;
                    }
                    if skipping.is_some() {
                        continue;
                    }
                    if open.last().is_some_and(|(id, _)| *id == node.id())
                        && let Some((id, start)) = open.pop()
                        && raw.len() - start <= TEMPLATE_MAX_BYTES
                        && prints.len() < TEMPLATE_MAX_BLOCKS
                    {
                        let text = normalise(&raw[start..]);
                        if text.chars().count() >= TEMPLATE_MIN_CHARS {
                            prints.insert(id, fingerprint(&text));
                        }
                    }
                    if let Node::Element(element) = node.value()
                        && !INLINE.contains(&element.name())
                    {
                        raw.push(' ');
                    }
                }
            }
        }
        prints
    }
}

/// Elements that never nest: void elements, and those whose end tag is optional
/// and that close when a sibling starts (a list of unclosed `<li>` is not deep).
const NOT_NESTING: [&str; 31] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup",
    "thead", "tbody", "tfoot", "colgroup", "html", "head", "body",
];

/// Where the element nesting first goes deeper than [`MAX_DEPTH`], by a light
/// scan of the tags (comments and script/style contents skipped); `None` when it
/// never does. The estimate errs deep (unclosed elements count as open), which
/// only means a sloppy page is read in part, with a note.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(offset) = text[at..].find('<') {
        let start = at + offset;
        let rest = &text[start + 1..];
        if rest.starts_with("!--") {
            at = rest
                .find("-->")
                .map_or(text.len(), |end| start + 1 + end + 3);
            continue;
        }
        let closing = rest.starts_with('/');
        let name_start = start + 1 + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if name_len == 0 {
            at = start + 1;
            continue;
        }
        let name = text[name_start..name_start + name_len].to_ascii_lowercase();
        let tag_end = text[name_start..]
            .find('>')
            .map_or(text.len(), |end| name_start + end + 1);
        let self_closing = text[..tag_end].ends_with("/>");
        at = tag_end;
        if closing {
            if !NOT_NESTING.contains(&name.as_str()) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        if matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
            at = find_end_tag(text, at, &name).unwrap_or(text.len());
            continue;
        }
        if self_closing || NOT_NESTING.contains(&name.as_str()) {
            continue;
        }
        depth += 1;
        if depth > MAX_DEPTH {
            return Some(start);
        }
    }
    None
}

/// Where `</name` starts at or after `from`, case-insensitively.
fn find_end_tag(text: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(offset) = text[at..].find("</") {
        let start = at + offset;
        let candidate = &bytes[start + 2..];
        if candidate.len() >= name.len()
            && candidate[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return Some(start);
        }
        at = start + 2;
    }
    None
}

/// `hidden` or `aria-hidden=true` on the element or an ancestor.
fn hidden(element: ElementRef<'_>) -> bool {
    std::iter::once(element)
        .chain(element.ancestors().filter_map(ElementRef::wrap))
        .any(|e| {
            let value = e.value();
            value.attr("hidden").is_some()
                || value
                    .attr("aria-hidden")
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        })
}

// ---- Page components (page_components, complaint_channel) --------------------

impl Content {
    /// Plain text (normalised here) read as content, without element paths.
    pub fn of_text(text: &str) -> Content {
        Content {
            text: normalise(text),
            scope: "body",
            ..Content::default()
        }
    }

    /// Every byte offset where `phrase` (normalised) occurs as whole words.
    pub fn occurrences(&self, phrase: &str) -> Vec<usize> {
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(at) = phrase_at(&self.text[from..], phrase) {
            found.push(from + at);
            from += at + phrase.len().max(1);
            if from >= self.text.len() {
                break;
            }
        }
        found
    }

    /// The text within `chars` characters either side of `text[start..start + len]`.
    pub fn window(&self, start: usize, len: usize, chars: usize) -> &str {
        let from = match chars {
            0 => start,
            _ => self.text[..start]
                .char_indices()
                .rev()
                .nth(chars - 1)
                .map_or(0, |(at, _)| at),
        };
        let after = (start + len).min(self.text.len());
        let to = self.text[after..]
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(at, _)| after + at);
        &self.text[from..to]
    }

    /// Where the text at `start` (of `len` bytes) sits, with the text around it.
    pub fn found_at(&self, start: usize, len: usize) -> Found {
        let run = self
            .runs
            .partition_point(|(offset, _)| *offset <= start)
            .saturating_sub(1);
        Found {
            path: self
                .runs
                .get(run)
                .map_or_else(String::new, |(_, path)| path.clone()),
            excerpt: excerpt_around(&self.text, start, len),
        }
    }
}

/// Field names, ids and autocomplete tokens that ask for personal data: NIK,
/// e-mail, phone or WhatsApp (UU 27/2022's "data pribadi" a form collects).
const PERSONAL_DATA_WORDS: [&str; 14] = [
    "nik",
    "ktp",
    "email",
    "surel",
    "telepon",
    "telpon",
    "telp",
    "phone",
    "tel",
    "hp",
    "nohp",
    "handphone",
    "whatsapp",
    "wa",
];

/// A `<form>` with a free-text field, and the words around it that say what it
/// is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextareaForm {
    /// `<form action="/pengaduan">`.
    pub markup: String,
    /// Normalised: the form's own text, its action, id, name and class, its
    /// fields' names, placeholders and labels, and the heading of the block it
    /// sits in (a modal's title).
    pub context: String,
}

impl HtmlPage {
    /// Form fields asking for personal data (hidden ones too: a form in a modal
    /// still collects it): `input type=email` or `tel`, or a field whose name,
    /// id, autocomplete, placeholder or aria-label is one of the words of
    /// [`PERSONAL_DATA_WORDS`].
    pub fn personal_data_fields(&self) -> Vec<String> {
        let mut fields = Vec::new();
        for element in self.elements() {
            let value = element.value();
            let name = value.name();
            if !matches!(name, "input" | "select" | "textarea") {
                continue;
            }
            let kind = value
                .attr("type")
                .map(|t| t.trim().to_ascii_lowercase())
                .unwrap_or_default();
            if matches!(
                kind.as_str(),
                "hidden" | "submit" | "button" | "reset" | "image" | "checkbox" | "radio"
            ) {
                continue;
            }
            let named = ["name", "id", "autocomplete", "placeholder", "aria-label"]
                .iter()
                .filter_map(|attr| value.attr(attr))
                .any(|text| {
                    text.to_lowercase()
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|word| PERSONAL_DATA_WORDS.contains(&word))
                });
            if kind == "email" || kind == "tel" || named {
                fields.push(match (value.attr("name"), value.attr("id")) {
                    (Some(field), _) => format!("{name} name={field}"),
                    (None, Some(id)) => format!("{name}#{id}"),
                    (None, None) => format!("{name} type={kind}"),
                });
            }
        }
        fields
    }

    /// Every `<form>` holding a `<textarea>`, with the words that say what it is
    /// for ([`TextareaForm::context`]).
    pub fn textarea_forms(&self) -> Vec<TextareaForm> {
        let heading = |element: &ElementRef<'_>| {
            element
                .descendants()
                .filter_map(ElementRef::wrap)
                .find(|e| {
                    matches!(
                        e.value().name(),
                        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "legend"
                    ) || e.value().classes().any(|c| c == "modal-title")
                })
                .map(|e| e.text().collect::<String>())
        };
        let mut forms = Vec::new();
        for form in self.elements().filter(|e| e.value().name() == "form") {
            let has_textarea = form
                .descendants()
                .filter_map(ElementRef::wrap)
                .any(|e| e.value().name() == "textarea");
            if !has_textarea {
                continue;
            }
            let value = form.value();
            let mut context = form.text().collect::<Vec<_>>().join(" ");
            for attr in ["action", "id", "name", "class", "aria-label", "title"] {
                if let Some(text) = value.attr(attr) {
                    context.push(' ');
                    context.push_str(&text.replace(['/', '-', '_', '.'], " "));
                }
            }
            for field in form.descendants().filter_map(ElementRef::wrap) {
                for attr in ["name", "placeholder", "aria-label", "title"] {
                    if let Some(text) = field.value().attr(attr) {
                        context.push(' ');
                        context.push_str(&text.replace(['-', '_'], " "));
                    }
                }
            }
            // The heading of the nearest block around the form (at most four
            // levels up): a modal's title, a section's heading.
            if let Some(title) = form
                .ancestors()
                .filter_map(ElementRef::wrap)
                .take(4)
                .find_map(|ancestor| heading(&ancestor))
            {
                context.push(' ');
                context.push_str(&title);
            }
            forms.push(TextareaForm {
                markup: match value.attr("action") {
                    Some(action) => format!("<form action=\"{}\">", action.trim()),
                    None => "<form>".to_string(),
                },
                context: normalise(&context),
            });
        }
        forms
    }
}

/// Whether `phrase` (normalised) occurs in `text` (normalised) as whole words.
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    phrase_at(text, phrase).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html>
<html lang=" id ">
<head><title>  Standar
  Pelayanan </title><meta name="viewport" content="width=device-width">
<style>.persyaratan { color: red }</style></head>
<body>
<nav><a href="/biaya">Biaya</a></nav>
<div role="navigation"><a href="/produk">Produk</a></div>
<!-- komentar: tarif -->
<h1>Per<b>syaratan</b></h1><p>Jangka&nbsp;waktu<br>3 hari</p>
<template><p>keluhan</p></template>
<script>var s = "prosedur";</script>
<img src="a.png" alt=""><img src="b.png">
<a href="https://www.lapor.go.id" title="gratis">LAPOR!</a>
<form><label for="nama">Nama</label><input id="nama">
<label>Surel <input type="email"></label>
<input name="hp"><input type="hidden" name="t"><input type="submit">
<select aria-label="Kategori"></select>
<div hidden><input name="tersembunyi"></div>
<textarea name="isi"></textarea></form>
</body></html>"#;

    #[test]
    fn page_facts() {
        let page = HtmlPage::parse(PAGE);
        assert_eq!(page.lang().as_deref(), Some("id"));
        assert_eq!(page.title().as_deref(), Some("Standar Pelayanan"));
        assert!(page.has_viewport());
        assert_eq!(page.scripts(), 1);
        assert_eq!(page.images(), (2, 1, Some("b.png".into())));
        assert_eq!(page.form_textareas(), 1);
        let links = page.links();
        assert_eq!(links.len(), 3);
        assert_eq!(links[2].href, "https://www.lapor.go.id");
        let controls: Vec<(String, bool)> = page
            .controls()
            .into_iter()
            .filter(|c| !c.hidden)
            .map(|c| (c.description, c.labelled))
            .collect();
        assert_eq!(
            controls,
            [
                ("input#nama".to_string(), true),
                ("input".to_string(), true),
                ("input name=hp".to_string(), false),
                ("select".to_string(), true),
                ("textarea name=isi".to_string(), false),
            ]
        );
    }

    #[test]
    fn visible_text_skips_what_is_not_seen() {
        let page = HtmlPage::parse(PAGE);
        let all = page.visible_text(&[]);
        assert!(all.contains("persyaratan"), "{all}");
        assert!(all.contains("jangka waktu 3 hari"), "{all}");
        assert!(all.contains("biaya") && all.contains("produk"), "{all}");
        for hidden in ["prosedur", "keluhan", "tarif", "gratis", "color", "standar"] {
            assert!(!all.contains(hidden), "{hidden} in {all}");
        }
        let without_nav = page.visible_text(&["nav".to_string()]);
        assert!(!without_nav.contains("biaya"), "{without_nav}");
        assert!(!without_nav.contains("produk"), "{without_nav}");
        assert!(without_nav.contains("persyaratan"));
    }

    #[test]
    fn deep_nesting_is_cut_short_not_parsed_for_hours() {
        let started = std::time::Instant::now();
        let deep = "<p>awal</p>".to_string() + &"<div><b>".repeat(200_000) + "dalam";
        let page = HtmlPage::parse(&deep);
        assert!(matches!(page.truncated, Some(Truncation::Depth(_))));
        let text = page.visible_text(&[]);
        assert!(
            text.contains("awal") && !text.contains("dalam"),
            "{}",
            &text[..20]
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
        // Unclosed list items, paragraphs and cells, scripts with `<` and comments
        // do not count as depth.
        let sloppy = "<ul>".to_string()
            + &"<li><p>item<td>x".repeat(5_000)
            + "<script>for (i=0;i<10;i++) a<b;</script><!-- <div><div> --></ul>ujung";
        let page = HtmlPage::parse(&sloppy);
        assert_eq!(page.truncated, None);
        assert!(page.visible_text(&[]).ends_with("ujung"));
    }

    #[test]
    fn a_form_written_inside_a_table_still_owns_its_fields() {
        let legacy = r#"<table><tr><td>Lapor</td></tr><form method="post" action="lapor">
<tr><td>Isi</td><td><textarea name="isi"></textarea></td></tr></form></table>"#;
        assert_eq!(HtmlPage::parse(legacy).form_textareas(), 1);
        let tied = r#"<form id="f"></form><textarea form="f"></textarea><textarea></textarea>"#;
        assert_eq!(HtmlPage::parse(tied).form_textareas(), 1);
    }

    #[test]
    fn whole_words_only() {
        assert!(contains_phrase("biaya: gratis", "gratis"));
        assert!(contains_phrase("jangka waktu 3 hari", "jangka waktu"));
        assert!(!contains_phrase("produktif", "produk"));
        assert!(!contains_phrase("persyaratan", "syarat"));
        assert!(contains_phrase("syarat-syarat", "syarat"));
    }

    #[test]
    fn broken_and_hostile_html_does_not_crash() {
        let page = HtmlPage::parse("<html><body><p>unclosed <div><table><tr><td>x</p></b></i>");
        assert!(page.visible_text(&[]).contains("unclosed"));
        assert_eq!(page.lang(), None);
        assert_eq!(page.title(), None);
        let huge = "<p>x</p>".repeat(MAX_PARSED_BYTES / 8 + 10);
        assert_eq!(
            HtmlPage::parse(&huge).truncated,
            Some(Truncation::Size(MAX_PARSED_BYTES))
        );
        let page = HtmlPage::parse("");
        assert_eq!(page.visible_text(&[]), "");
        assert!(page.controls().is_empty());
    }
}

// ---- What a page loads, and where its links lead (mixed_content, link_text) ---

/// `<link rel>` tokens whose target the browser fetches while showing the page;
/// `canonical`, `alternate` or `next` only name another address.
const FETCHED_LINK_RELS: [&str; 8] = [
    "stylesheet",
    "icon",
    "apple-touch-icon",
    "mask-icon",
    "preload",
    "modulepreload",
    "manifest",
    "prefetch",
];

/// Link texts that do not say where a link leads on their own (WCAG 2.4.4),
/// normalised: "Klik di sini", "Selengkapnya", "Read more".
const GENERIC_LINK_TEXTS: [&str; 27] = [
    "klik di sini",
    "klik disini",
    "klik",
    "di sini",
    "disini",
    "selengkapnya",
    "baca selengkapnya",
    "lihat selengkapnya",
    "lebih lanjut",
    "baca",
    "lihat",
    "detail",
    "lanjut",
    "lanjutkan",
    "tautan",
    "link",
    "unduh",
    "download",
    "more",
    "read more",
    "learn more",
    "click here",
    "click",
    "here",
    "»",
    "...",
    "…",
];

/// Elements whose text is the "programmatically determined context" of a link
/// inside them (WCAG 2.4.4): its sentence, paragraph, list item or table cell.
const LINK_CONTEXTS: [&str; 6] = ["p", "li", "td", "th", "dd", "dt"];

/// A paragraph, item or cell longer than this is a layout container (legacy
/// portals put the whole page in one `<td>`), not what tells a listener where
/// one link leads.
const LINK_CONTEXT_MAX_WORDS: usize = 80;

/// A URL a page makes the browser fetch or send to by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subresource {
    /// Where it is written: `img src`, `script src`, `link rel=stylesheet`, `form action`.
    pub written_in: String,
    /// As written (trimmed).
    pub url: String,
    /// A form's target: sent to when the citizen submits, not loaded with the page.
    pub form: bool,
}

/// A link and what a screen reader announces for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedLink {
    pub href: String,
    /// Its accessible name, normalised: aria-label, the text of the elements
    /// aria-labelledby names, else its text (alt of images inside included,
    /// aria-hidden parts left out), else its title.
    pub name: String,
    /// Whether the name says where the link leads: not empty and, when it is a
    /// generic phrase ("selengkapnya"), in a paragraph, list item or table cell
    /// whose other text gives its purpose.
    pub meaningful: bool,
}

impl HtmlPage {
    /// Every URL the page loads by itself (scripts, stylesheets, icons, images
    /// and `srcset` candidates, media, frames, embedded objects, `url()` and
    /// `@import` in its own CSS) and every form target, as written.
    pub fn subresources(&self) -> Vec<Subresource> {
        let mut found = Vec::new();
        for element in self.elements() {
            let value = element.value();
            let name = value.name();
            let mut push = |attr: &str, url: &str| {
                let url = url.trim();
                if !url.is_empty() {
                    found.push(Subresource {
                        written_in: format!("{name} {attr}"),
                        url: url.to_string(),
                        form: name == "form",
                    });
                }
            };
            if let Some(style) = value.attr("style") {
                for url in css_urls(style) {
                    push("style url()", url);
                }
            }
            if name == "style" {
                let sheet = element.text().collect::<String>();
                for url in css_urls(&sheet) {
                    push("url()", url);
                }
                continue;
            }
            let attrs: &[&str] = match name {
                "script" | "iframe" | "frame" | "embed" | "audio" | "track" => &["src"],
                "img" | "source" => &["src", "srcset"],
                "video" => &["src", "poster"],
                "object" => &["data"],
                "form" => &["action"],
                "input"
                    if value
                        .attr("type")
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case("image")) =>
                {
                    &["src"]
                }
                "link" => {
                    let rel = value.attr("rel").unwrap_or_default().to_ascii_lowercase();
                    let fetched = rel
                        .split_whitespace()
                        .any(|token| FETCHED_LINK_RELS.contains(&token));
                    if fetched && let Some(href) = value.attr("href") {
                        push(&format!("rel={} href", rel.trim()), href);
                    }
                    continue;
                }
                _ => continue,
            };
            for attr in attrs {
                let Some(written) = value.attr(attr) else {
                    continue;
                };
                if *attr == "srcset" {
                    // `a.jpg 1x, http://x/b.jpg 2x`: each candidate's URL.
                    for candidate in written.split(',') {
                        if let Some(url) = candidate.split_whitespace().next() {
                            push(attr, url);
                        }
                    }
                } else {
                    push(attr, written);
                }
            }
        }
        found
    }

    /// The document's `<base href>`, which relative addresses resolve against.
    pub fn base_href(&self) -> Option<String> {
        self.elements()
            .find(|element| element.value().name() == "base")
            .and_then(|base| base.value().attr("href"))
            .map(|href| href.trim().to_string())
            .filter(|href| !href.is_empty())
    }

    /// Whether a `<meta http-equiv="Content-Security-Policy">` asks the browser
    /// to upgrade the page's http requests (`upgrade-insecure-requests`).
    pub fn meta_upgrades_insecure_requests(&self) -> bool {
        self.elements().any(|element| {
            let value = element.value();
            value.name() == "meta"
                && value.attr("http-equiv").is_some_and(|equiv| {
                    equiv.trim().eq_ignore_ascii_case("content-security-policy")
                })
                && value
                    .attr("content")
                    .is_some_and(upgrades_insecure_requests)
        })
    }

    /// Every `<a href>` and image-map `<area href>` a screen reader reaches (not
    /// those marked `aria-hidden=true` themselves: a deliberate duplicate of a
    /// link beside it), with its accessible name.
    pub fn named_links(&self) -> Vec<NamedLink> {
        // Each id, and each context's word count, is looked up once per page: a
        // page of thousands of "selengkapnya" links in one layout table cell
        // would otherwise cost links x page size.
        let mut ids: Option<std::collections::HashMap<&str, ElementRef<'_>>> = None;
        let mut context_words = std::collections::HashMap::new();
        self.elements()
            .filter(|element| matches!(element.value().name(), "a" | "area"))
            .filter(|element| {
                element
                    .value()
                    .attr("aria-hidden")
                    .is_none_or(|v| !v.trim().eq_ignore_ascii_case("true"))
            })
            .filter_map(|link| {
                let href = link.value().attr("href")?.trim().to_string();
                let name = self.accessible_name(link, &mut ids);
                let meaningful = !name.is_empty()
                    && (!is_generic_link_text(&name) || has_link_context(link, &mut context_words));
                Some(NamedLink {
                    href,
                    name,
                    meaningful,
                })
            })
            .collect()
    }

    fn accessible_name<'p>(
        &'p self,
        link: ElementRef<'p>,
        ids: &mut Option<std::collections::HashMap<&'p str, ElementRef<'p>>>,
    ) -> String {
        let value = link.value();
        if let Some(label) = value.attr("aria-label").map(normalise)
            && !label.is_empty()
        {
            return label;
        }
        if let Some(labelled_by) = value.attr("aria-labelledby") {
            let ids = ids.get_or_insert_with(|| {
                self.elements()
                    .filter_map(|element| Some((element.value().attr("id")?, element)))
                    .collect()
            });
            let named: Vec<String> = labelled_by
                .split_whitespace()
                .filter_map(|id| ids.get(id))
                // A name is short; a label pointing at the whole page is read in part.
                .map(|element| {
                    normalise(
                        &element
                            .text()
                            .flat_map(str::chars)
                            .take(500)
                            .collect::<String>(),
                    )
                })
                .filter(|text| !text.is_empty())
                .collect();
            if !named.is_empty() {
                return named.join(" ");
            }
        }
        // An image map's <area> is named by its alt; an <a> by what is in it.
        let own = match value.name() {
            "area" => normalise(value.attr("alt").unwrap_or_default()),
            _ => normalise(&announced_text(link)),
        };
        if !own.is_empty() {
            return own;
        }
        value.attr("title").map(normalise).unwrap_or_default()
    }
}

/// The addresses a piece of CSS makes the browser fetch: `url(...)` (background
/// images, fonts) and `@import "..."`.
fn css_urls(css: &str) -> Vec<&str> {
    static CSS_URL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?i)url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)['"]"#)
            .expect("a valid pattern")
    });
    CSS_URL
        .captures_iter(css)
        .filter_map(|found| found.get(1).or_else(|| found.get(2)))
        .map(|url| url.as_str())
        .collect()
}

/// A CSP value that holds the `upgrade-insecure-requests` directive.
pub fn upgrades_insecure_requests(policy: &str) -> bool {
    policy.split(';').any(|directive| {
        directive
            .split_whitespace()
            .next()
            .is_some_and(|name| name.eq_ignore_ascii_case("upgrade-insecure-requests"))
    })
}

/// The text a screen reader reads for an element: its text and the alt of the
/// images in it, without what is marked `aria-hidden=true` or never shown.
fn announced_text(element: ElementRef<'_>) -> String {
    let mut text = String::new();
    let silent = |node: ego_tree::NodeRef<'_, Node>| {
        node.ancestors()
            .take_while(|ancestor| ancestor.id() != element.id())
            .chain(std::iter::once(node))
            .filter_map(ElementRef::wrap)
            .any(|e| {
                let value = e.value();
                // An SVG's <title> inside a link names it: not INVISIBLE here.
                matches!(value.name(), "head" | "script" | "style" | "template")
                    || value
                        .attr("aria-hidden")
                        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
            })
    };
    for node in element.descendants().skip(1) {
        match node.value() {
            Node::Text(run) if !silent(node) => {
                text.push_str(run);
                text.push(' ');
            }
            Node::Element(img) if img.name() == "img" && !silent(node) => {
                text.push_str(img.attr("alt").unwrap_or_default());
                text.push(' ');
            }
            _ => {}
        }
    }
    text
}

fn is_generic_link_text(name: &str) -> bool {
    let bare = name.trim_matches(|c: char| {
        c.is_whitespace() || c.is_ascii_punctuation() || matches!(c, '»' | '›' | '→')
    });
    GENERIC_LINK_TEXTS.contains(&name) || GENERIC_LINK_TEXTS.contains(&bare)
}

/// Whether the nearest paragraph, list item or table cell around a link holds
/// at least two words of its own besides the link's text, and is not a layout
/// container of more than [`LINK_CONTEXT_MAX_WORDS`]. `context_words`
/// keeps each context's count, so a context is read once however many links
/// it holds.
fn has_link_context(
    link: ElementRef<'_>,
    context_words: &mut std::collections::HashMap<ego_tree::NodeId, usize>,
) -> bool {
    let Some(context) = link
        .ancestors()
        .filter_map(ElementRef::wrap)
        .find(|ancestor| LINK_CONTEXTS.contains(&ancestor.value().name()))
    else {
        return false;
    };
    let around = *context_words
        .entry(context.id())
        .or_insert_with(|| words(&announced_text(context)));
    around <= LINK_CONTEXT_MAX_WORDS && around.saturating_sub(words(&announced_text(link))) >= 2
}

/// Words with a letter in them: what tells a reader something.
fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|word| word.chars().any(char::is_alphabetic))
        .count()
}
