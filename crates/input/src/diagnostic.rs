//! Problems found in an input file, rendered the way rustc and hurl do: position,
//! the offending line, a caret, and a hint.

use std::fmt::Write as _;

use serde::Serialize;

use crate::lang::Lang;
use crate::scenario::raw::Position;
use crate::text::Text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    Error,
    Warning,
}

/// One problem at one place in one file, worded in both languages; the reader's
/// is chosen where it is shown ([`message`](Self::message), [`render`],
/// [`in_lang`](Self::in_lang)).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub(crate) severity: Severity,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: u64,
    pub column: u64,
    /// Key path such as `probes[2].expect.json`; empty for the whole file.
    pub path: String,
    pub(crate) message: Text,
    /// "did you mean `timeout`?" or how to write the value.
    pub(crate) help: Option<Text>,
}

impl Problem {
    pub(crate) fn error(position: Position, path: impl Into<String>, message: Text) -> Self {
        Self {
            severity: Severity::Error,
            line: position.line,
            column: position.column,
            path: path.into(),
            message,
            help: None,
        }
    }

    pub(crate) fn with_help(mut self, help: Option<Text>) -> Self {
        self.help = help;
        self
    }

    pub(crate) fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// What is wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> &str {
        self.message.pick(lang)
    }

    /// How to fix it, in `lang`, when there is a hint.
    pub fn help(&self, lang: Lang) -> Option<&str> {
        self.help.as_ref().map(|help| help.pick(lang))
    }

    /// The message and help in both languages.
    pub fn texts(&self) -> (&Text, Option<&Text>) {
        (&self.message, self.help.as_ref())
    }

    /// The problem as a JSON consumer reads it: `severity`, `line`, `column`,
    /// `path`, and `message` and `help` as plain strings in `lang` (the shape of
    /// report.json's load errors).
    pub fn in_lang(&self, lang: Lang) -> Localized<'_> {
        Localized {
            severity: self.severity,
            line: self.line,
            column: self.column,
            path: &self.path,
            message: self.message(lang),
            help: self.help(lang),
        }
    }
}

/// A [`Problem`] in one language, for serializing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Localized<'a> {
    severity: Severity,
    line: u64,
    column: u64,
    path: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

/// "did you mean `x`?": the help when a name is close to a known one.
pub(crate) fn did_you_mean(name: &str) -> Text {
    crate::text::text!("maksud Anda `{name}`?", "did you mean `{name}`?")
}

/// A library's own message, to show as code in the Indonesian text: its
/// backticks turned into quotes, so that it stays one code span.
pub(crate) fn verbatim(message: &str) -> String {
    message.replace('`', "'")
}

/// Names as code, the way the Indonesian lists keys and values: `a`, `b`.
pub(crate) fn backticked<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Renders problems of one file, each with the source line it points at, the
/// labels and texts in `lang`.
pub fn render(file: &str, source: Option<&str>, problems: &[Problem], lang: Lang) -> String {
    let mut out = String::new();
    for problem in problems {
        let label = match problem.severity {
            Severity::Error => lang.pick("galat", "error"),
            Severity::Warning => lang.pick("peringatan", "warning"),
        };
        let _ = write!(out, "{label}: {}", visible(problem.message(lang)));
        if !problem.path.is_empty() {
            let at = lang.pick("di", "at");
            let _ = write!(out, " ({at} `{}`)", visible(&problem.path));
        }
        out.push('\n');
        let file = visible(file);
        if problem.line == 0 {
            let _ = writeln!(out, "  --> {file}");
        } else {
            let _ = writeln!(out, "  --> {file}:{}:{}", problem.line, problem.column);
            let line_text = source.and_then(|text| {
                text.lines()
                    .nth(usize::try_from(problem.line.saturating_sub(1)).unwrap_or(usize::MAX))
            });
            if let Some(line_text) = line_text {
                let number = problem.line.to_string();
                let gutter = " ".repeat(number.len());
                let caret_at = usize::try_from(problem.column.saturating_sub(1)).unwrap_or(0);
                let (line_text, caret_at) = window(line_text, caret_at);
                let line_text = line_text.as_str();
                let indent: String = line_text
                    .chars()
                    .take(caret_at)
                    .map(|c| match c {
                        '\t' => "\t".to_string(),
                        c => " ".repeat(visible(c.encode_utf8(&mut [0; 4])).chars().count()),
                    })
                    .collect();
                let _ = writeln!(out, "{gutter} |");
                let _ = writeln!(out, "{number} | {}", visible(line_text));
                let _ = writeln!(out, "{gutter} | {indent}^");
            }
        }
        if let Some(help) = problem.help(lang) {
            let label = lang.pick("bantuan", "help");
            let _ = writeln!(out, "   = {label}: {}", visible(help));
        }
        out.push('\n');
    }
    out
}

/// The most characters of a source line shown; a longer line is cut around
/// the caret, so a 600 KB line does not flood the terminal.
const LINE_WINDOW: usize = 120;

/// The part of `line` shown around the character at `caret_at`, with `...`
/// where it was cut, and where the caret falls in it.
fn window(line: &str, caret_at: usize) -> (String, usize) {
    let length = line.chars().count();
    if length <= LINE_WINDOW {
        return (line.to_string(), caret_at);
    }
    let start = caret_at
        .saturating_sub(LINE_WINDOW / 2)
        .min(length - LINE_WINDOW);
    let mut shown: String = if start > 0 {
        "...".to_string()
    } else {
        String::new()
    };
    let prefix = shown.chars().count();
    shown.extend(line.chars().skip(start).take(LINE_WINDOW));
    if start + LINE_WINDOW < length {
        shown.push_str("...");
    }
    (shown, caret_at - start + prefix)
}

/// `text` with every control character but tab written as an escape (`\x1b`,
/// `\x00`, `\u{85}`): a scenario line or value shown on a terminal must not
/// move the cursor, change colours or hide what follows.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| c != '\t' && c.is_control();
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !hidden(c) => shown.push(c),
            c if c.is_ascii() => {
                let _ = write!(shown, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(shown, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    std::borrow::Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_line_and_caret() {
        let problem = Problem::error(
            Position {
                line: 2,
                column: 3,
                bytes: None,
            },
            "defaults",
            Text::new("kunci `tiemout` tidak dikenal", "unknown key `tiemout`"),
        )
        .with_help(Some(Text::new(
            "maksud Anda `timeout`?",
            "did you mean `timeout`?",
        )))
        .warning();
        let source = Some("defaults:\n  tiemout: 1s\n");
        let text = render("a.yaml", source, std::slice::from_ref(&problem), Lang::En);
        assert!(
            text.starts_with("warning: unknown key `tiemout` (at `defaults`)\n"),
            "{text}"
        );
        assert!(text.contains("--> a.yaml:2:3"), "{text}");
        assert!(text.contains("2 |   tiemout: 1s\n  |   ^"), "{text}");
        assert!(
            text.contains("   = help: did you mean `timeout`?"),
            "{text}"
        );
        let text = render("a.yaml", source, &[problem], Lang::Id);
        assert!(
            text.starts_with("peringatan: kunci `tiemout` tidak dikenal (di `defaults`)\n"),
            "{text}"
        );
        assert!(text.contains("2 |   tiemout: 1s\n  |   ^"), "{text}");
        assert!(
            text.contains("   = bantuan: maksud Anda `timeout`?"),
            "{text}"
        );
    }

    #[test]
    fn serializes_in_the_chosen_language() {
        let problem = Problem::error(
            Position {
                line: 3,
                column: 1,
                bytes: None,
            },
            "probes[0]",
            Text::new("pesan", "message"),
        );
        let json = serde_json::to_value(problem.in_lang(Lang::Id)).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({
                "severity": "error", "line": 3, "column": 1,
                "path": "probes[0]", "message": "pesan"
            })
        );
        let problem = problem.with_help(Some(Text::new("bantuan", "help")));
        let json = serde_json::to_value(problem.in_lang(Lang::En)).expect("serializes");
        assert_eq!(json["message"], "message");
        assert_eq!(json["help"], "help");
    }

    #[test]
    fn control_characters_are_shown_as_escapes() {
        let problem = Problem::error(
            Position {
                line: 1,
                column: 9,
                bytes: None,
            },
            "service.name",
            Text::new("`\u{1b}[31mred` aneh", "`\u{1b}[31mred` is odd"),
        );
        let text = render(
            "a\u{0}.yaml",
            Some("name: \u{1b}[2J x\n"),
            &[problem],
            Lang::En,
        );
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{0}'),
            "{text:?}"
        );
        assert!(text.contains("`\\x1b[31mred`"), "{text}");
        assert!(text.contains("--> a\\x00.yaml:1:9"), "{text}");
        // The caret stays under column 9 (`x`), past the four-character escape.
        assert!(
            text.contains("1 | name: \\x1b[2J x\n  |            ^"),
            "{text}"
        );
        assert_eq!(visible("plain\ttext"), "plain\ttext");

        let long = format!("many: [{}]", "1,".repeat(5000));
        let problem = Problem::error(
            Position {
                line: 1,
                column: 5000,
                bytes: None,
            },
            "vars",
            Text::new("terlalu banyak", "too many"),
        );
        let text = render("a.yaml", Some(&long), &[problem], Lang::En);
        assert!(text.len() < 600, "{text}");
        let lines: Vec<&str> = text.lines().collect();
        let caret = lines[4].find('^').expect("a caret");
        assert_eq!(lines[3].as_bytes()[caret], b'1', "{text}");
        assert!(
            lines[3].contains("| ...1,1,") && lines[3].ends_with("..."),
            "{text}"
        );
        assert_eq!(visible("\u{85}"), "\\u{85}");
    }
}
