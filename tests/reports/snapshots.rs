//! Snapshots of every writer over the fixtures. Times and durations are redacted, so
//! a snapshot changes only when what a reader sees changes. The page's CSS is left
//! out of the HTML snapshots (it is one constant block).

use input::lang::Lang;
use report::terminal::Style;
use report::{html, junit, markdown, terminal};

use crate::reports::fixture;

/// Runs `check` with times and durations replaced by placeholders.
fn redacted(check: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(
        r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z| UTC)?",
        "[time]",
    );
    settings.add_filter(r#"time="[0-9.]+""#, r#"time="[duration]""#);
    settings.add_filter(r"(?s)<style>.*</style>", "<style>[css]</style>");
    settings.bind(check);
}

#[test]
fn html_full_en() {
    let page = html::render(&fixture::full("en")).expect("renders");
    redacted(|| insta::assert_snapshot!(page));
}

#[test]
fn html_single_id() {
    let page = html::render(&fixture::single("id")).expect("renders");
    redacted(|| insta::assert_snapshot!(page));
}

#[test]
fn html_interrupted_en() {
    let page = html::render(&fixture::interrupted("en")).expect("renders");
    redacted(|| insta::assert_snapshot!(page));
}

#[test]
fn html_merged_en() {
    let page = html::render(&fixture::merged("en")).expect("renders");
    redacted(|| insta::assert_snapshot!(page));
}

#[test]
fn junit_full() {
    let xml = junit::render(&fixture::full("en")).expect("renders");
    redacted(|| insta::assert_snapshot!(xml));
}

#[test]
fn junit_interrupted_id() {
    let xml = junit::render(&fixture::interrupted("id")).expect("renders");
    redacted(|| insta::assert_snapshot!(xml));
}

#[test]
fn markdown_full_en() {
    let text = markdown::render(&fixture::full("en"));
    redacted(|| insta::assert_snapshot!(text));
}

#[test]
fn markdown_full_id() {
    let text = markdown::render(&fixture::full("id"));
    redacted(|| insta::assert_snapshot!(text));
}

#[test]
fn markdown_interrupted_en() {
    let text = markdown::render(&fixture::interrupted("en"));
    redacted(|| insta::assert_snapshot!(text));
}

#[test]
fn terminal_full_en() {
    let style = Style {
        colour: false,
        lang: Lang::En,
    };
    let text = terminal::render(&fixture::full("en"), style);
    redacted(|| insta::assert_snapshot!(text));
}

#[test]
fn terminal_full_id() {
    let style = Style {
        colour: false,
        lang: Lang::Id,
    };
    let text = terminal::render(&fixture::full("id"), style);
    redacted(|| insta::assert_snapshot!(text));
}

/// Colour codes appear only when asked for, and text from a service never carries
/// its own escape sequences to the terminal.
#[test]
fn terminal_colour_only_when_asked_and_service_escapes_are_neutralised() {
    let report = fixture::full("en");
    let plain = terminal::render(
        &report,
        Style {
            colour: false,
            lang: Lang::En,
        },
    );
    let coloured = terminal::render(
        &report,
        Style {
            colour: true,
            lang: Lang::En,
        },
    );
    assert!(!plain.contains('\u{1b}'), "{plain}");
    assert!(coloured.contains("\u{1b}[32mPASS\u{1b}[0m"), "{coloured}");
    assert!(coloured.contains("\u{1b}[31;1mFAIL\u{1b}[0m"), "{coloured}");
    // The only escapes in the coloured output are ujilab's own SGR codes.
    let stripped = coloured
        .replace("\u{1b}[0m", "")
        .replace("\u{1b}[1m", "")
        .replace("\u{1b}[32m", "")
        .replace("\u{1b}[31;1m", "");
    assert!(!stripped.contains('\u{1b}'), "{stripped}");
}
