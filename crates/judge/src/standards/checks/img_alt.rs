//! AX-02 `img_alt`: the share of `<img>` elements on the HTML pages that have a
//! text alternative or are marked decorative (WCAG 1.1.1): an alt attribute (an
//! empty alt marks decoration and counts), aria-label or aria-labelledby,
//! aria-hidden=true, or role presentation/none. Not applicable without images.

use crate::standards::checks::Input;
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let (pages, failed) = crate::standards::checks::html_documents(input.facts);
    if pages.is_empty() {
        return crate::standards::checks::no_html_pages(failed);
    }
    let mut total = 0;
    let mut with_alt = 0;
    let mut first_missing = None;
    for (page, html) in &pages {
        let (images, alt, missing) = html.images();
        total += images;
        with_alt += alt;
        if first_missing.is_none()
            && let Some(src) = missing
        {
            first_missing = Some((page.evidence(), src));
        }
    }
    if total == 0 {
        return RuleOutcome::not_applicable(say::no_images());
    }
    let mut evidence = match first_missing {
        Some((mut evidence, src)) => {
            evidence.excerpt = Some(format!("<img src=\"{src}\">"));
            evidence.notes.insert(0, say::image_without_alt(&src));
            evidence
        }
        None => Evidence::default(),
    };
    evidence.notes.extend(failed);
    input.level_of_value(
        with_alt as f64 / total as f64,
        say::images_with_alt(with_alt, total),
        evidence,
    )
}

#[cfg(test)]
mod tests {
    /// catalogue-2026.2.md: decorative and ARIA-named images satisfy 1.1.1.
    #[test]
    fn decorative_and_aria_named_images_count() {
        use crate::standards::testing::*;
        use observe::observations::PageRole;
        let mut obs = observations();
        obs.pages.push(html_page(
            PageRole::Home,
            &[],
            r#"<img src=a aria-hidden="true"><img src=b role=presentation><img src=c role="none">
<img src=d aria-label="Logo Kabupaten"><img src=e>"#,
        ));
        let outcome = run_rule("AX-02", &scenario(""), &obs);
        assert_eq!(level(&outcome), 3, "{outcome:#?}");
    }

    use crate::standards::testing::*;
    use observe::observations::PageRole;

    fn with(alt: usize, without: usize) -> i8 {
        let mut obs = observations();
        let body = "<img src=a.png alt=''>".repeat(alt) + &"<img src=b.png>".repeat(without);
        obs.pages.push(html_page(PageRole::Home, &[], &body));
        level(&run_rule("AX-02", &scenario(""), &obs))
    }

    #[test]
    fn every_level() {
        assert_eq!(with(4, 0), 5);
        assert_eq!(with(9, 1), 4);
        assert_eq!(with(3, 1), 3);
        assert_eq!(with(1, 1), 2);
        assert_eq!(with(1, 2), 1);
        assert_eq!(with(0, 0), 0);
    }
}
