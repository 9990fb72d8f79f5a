//! What init reads from an HTML page: its title, first heading, links with
//! their text, and its visible text (no script, style or template). The page is
//! a service's: nothing here is trusted, everything is bounded by the body cap
//! the crawl sets.

use scraper::{ElementRef, Html, Node, Selector};

/// At most this many links are kept from one page.
const MAX_LINKS: usize = 500;

/// A link as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub url: url::Url,
    /// The anchor's visible text (or its image's `alt`), whitespace folded.
    pub text: String,
    /// An `<a>` a visitor follows, rather than a `<link>` to a stylesheet,
    /// feed or API (read only to find an OpenAPI document).
    pub anchor: bool,
}

/// One HTML page, read.
#[derive(Debug, Clone, Default)]
pub struct PageText {
    pub title: String,
    pub heading: String,
    pub links: Vec<Link>,
    /// Visible text, whitespace folded.
    pub text: String,
}

impl PageText {
    /// Reads `html`, resolving links against `base` (the page's final URL).
    pub fn read(html: &str, base: &url::Url) -> PageText {
        let document = Html::parse_document(html);
        let first_text = |css: &str| {
            Selector::parse(css)
                .ok()
                .and_then(|selector| document.select(&selector).next())
                .map(|element| fold(&visible_text(element)))
                .unwrap_or_default()
        };
        let title = first_text("title");
        let heading = first_text("h1");
        let base = Selector::parse("base[href]")
            .ok()
            .and_then(|selector| document.select(&selector).next())
            .and_then(|element| element.value().attr("href"))
            .and_then(|href| base.join(href).ok())
            .unwrap_or_else(|| base.clone());
        let mut links = Vec::new();
        if let Ok(anchors) = Selector::parse("a[href], link[href]") {
            for element in document.select(&anchors).take(MAX_LINKS) {
                let Some(href) = element.value().attr("href") else {
                    continue;
                };
                let Ok(mut url) = base.join(href.trim()) else {
                    continue;
                };
                url.set_fragment(None);
                let mut text = fold(&visible_text(element));
                if text.is_empty() {
                    text = image_alt(element);
                }
                let anchor = element.value().name() == "a";
                links.push(Link { url, text, anchor });
            }
        }
        let text = Selector::parse("body")
            .ok()
            .and_then(|selector| document.select(&selector).next())
            .map(|body| fold(&visible_text(body)))
            .unwrap_or_default();
        PageText {
            title,
            heading,
            links,
            text,
        }
    }
}

/// Text nodes under `element`, skipping what a browser does not show.
fn visible_text(element: ElementRef) -> String {
    let mut out = String::new();
    for node in element.descendants() {
        let Node::Text(text) = node.value() else {
            continue;
        };
        let hidden = node.ancestors().any(|ancestor| match ancestor.value() {
            Node::Element(parent) => {
                matches!(parent.name(), "script" | "style" | "template" | "noscript")
            }
            _ => false,
        });
        if !hidden {
            out.push_str(text);
            out.push(' ');
        }
    }
    out
}

fn image_alt(element: ElementRef) -> String {
    Selector::parse("img[alt]")
        .ok()
        .and_then(|selector| element.select(&selector).next())
        .and_then(|image| image.value().attr("alt"))
        .map(fold)
        .unwrap_or_default()
}

/// Whitespace folded to single spaces, trimmed.
pub fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_title_heading_links_and_visible_text() {
        let base = url::Url::parse("https://layanan.contoh.go.id/a/b").expect("url");
        let page = PageText::read(
            r#"<html><head><title> Standar
            Pelayanan </title><script>var x = "rahasia";</script></head>
            <body><h1>Standar <b>Pelayanan</b></h1>
            <a href="../ppid#atas">PPID</a>
            <a href="/logo"><img src="l.png" alt="Beranda"></a>
            <style>.x{}</style><p>Jam pelayanan 08.00</p></body></html>"#,
            &base,
        );
        assert_eq!(page.title, "Standar Pelayanan");
        assert_eq!(page.heading, "Standar Pelayanan");
        assert_eq!(
            page.links[0].url.as_str(),
            "https://layanan.contoh.go.id/ppid"
        );
        assert_eq!(page.links[0].text, "PPID");
        assert_eq!(page.links[1].text, "Beranda");
        assert!(page.text.contains("Jam pelayanan 08.00"));
        assert!(!page.text.contains("rahasia"));
    }
}
