//! summary.md: a Markdown summary for a pull-request comment or a CI step summary.
//! One table row per scenario (gate, verdict, index, predicate, p95, availability),
//! then what failed, listed under the table per scenario.
//!
//! Every string that did not come from ujilab itself is passed through [`text`]:
//! table pipes, backticks and the other Markdown punctuation are backslash-escaped,
//! `<` and `&` become entities, and `@`, `://` and `www.` get a zero-width space so
//! that nothing a service sends becomes a mention, a link, an image or markup.

use std::fmt::Write as _;

use super::model::{Gate, Report, ScenarioEntry};
use super::wording::{self, ms, percent};
use crate::lang::Lang;

const ZERO_WIDTH_SPACE: char = '\u{200B}';

pub fn render(report: &Report) -> String {
    let lang = Lang::from_env(Some(&report.run.lang));
    let mut out = String::new();
    let (passed, failed, load_errors) = report.tally();
    let mark = match report.gate {
        Gate::Pass => "✅",
        Gate::Fail => "❌",
    };
    let _ = write!(
        out,
        "### {mark} ujilab: {} {passed} {}, {failed} {}",
        wording::gate_word(report.gate, lang),
        lang.pick("lulus", "passed"),
        lang.pick("gagal", "failed"),
    );
    if load_errors > 0 {
        let _ = write!(
            out,
            ", {load_errors} {}",
            lang.pick("galat muat", "load errors")
        );
    }
    out.push_str("\n\n");
    if !report.run.complete {
        let _ = writeln!(
            out,
            "> **{}**\n",
            lang.pick(
                "Uji dihentikan sebelum selesai; hasil tidak lengkap.",
                "The run was interrupted; results are incomplete."
            )
        );
    }
    let headers = [
        lang.pick("Skenario", "Scenario"),
        lang.pick("Gerbang", "Gate"),
        lang.pick("Verdik", "Verdict"),
        lang.pick("Indeks", "Index"),
        lang.pick("Predikat", "Predicate"),
        "p95",
        lang.pick("Ketersediaan", "Availability"),
    ];
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(
        out,
        "|{}",
        ["---|", ":---:|", "---|", "---:|", "---|", "---:|", "---:|"].concat()
    );
    let mut details: Vec<(String, Vec<String>)> = Vec::new();
    let mut any_standards = None;
    let mut any_conditions = None;
    for entry in &report.scenarios {
        match entry {
            ScenarioEntry::Ran(scenario) => {
                let standards = scenario.standards.as_ref();
                any_standards = any_standards.or(standards);
                any_conditions = any_conditions.or(standards.filter(|s| !s.conditions.is_empty()));
                let gate = match scenario.gate {
                    Gate::Pass => format!("✅ {}", wording::gate_word(Gate::Pass, lang)),
                    Gate::Fail => format!("❌ {}", wording::gate_word(Gate::Fail, lang)),
                };
                let cells = [
                    format!("`{}`", code_text(&wording::identity(scenario))),
                    gate,
                    standards.map_or_else(|| "-".into(), |s| wording::verdict_word(s, lang)),
                    standards.map_or_else(|| "-".into(), wording::index_text),
                    standards
                        .and_then(|s| s.predicate.as_ref())
                        .map_or_else(|| "-".into(), |p| text(wording::predicate(p, lang))),
                    wording::headline_latency(scenario).map_or_else(|| "-".into(), |l| ms(l.p95)),
                    scenario
                        .availability
                        .as_ref()
                        .and_then(|a| a.ratio)
                        .map_or_else(|| "-".into(), percent),
                ];
                let _ = writeln!(out, "| {} |", cells.join(" | "));
                let mut shown = wording::failed_items(scenario, lang);
                shown.extend(
                    wording::notes(scenario, lang)
                        .into_iter()
                        .map(|note| format!("{}: {note}", lang.pick("catatan", "note"))),
                );
                if !shown.is_empty() {
                    details.push((wording::identity(scenario), shown));
                }
            }
            ScenarioEntry::LoadError(error) => {
                let _ = writeln!(
                    out,
                    "| {} | ⚠️ {} | - | - | - | - | - |",
                    text(&error.file),
                    wording::load_error_word(lang)
                );
                let problems = error
                    .errors
                    .iter()
                    .map(|p| format!("{}:{}: {} ({})", p.line, p.column, p.message, p.path))
                    .collect();
                details.push((error.file.clone(), problems));
            }
        }
    }
    for (name, items) in details {
        let _ = writeln!(out, "\n**{}**\n", text(&name));
        for item in items {
            let _ = writeln!(out, "- {}", text(&item));
        }
    }
    if let Some(standards) = any_conditions {
        let _ = writeln!(
            out,
            "\n> ⚠️ {}.",
            text(wording::verdict_conditions_notice(standards, lang).trim_end_matches('.'))
        );
    }
    if let Some(standards) = any_standards {
        let _ = writeln!(
            out,
            "\n<sub>{}.</sub>",
            text(wording::verdict_disclaimer(standards, lang).trim_end_matches('.'))
        );
    }
    out
}

/// Makes any string inert Markdown text on one line (see the module docs).
pub fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    let chars: Vec<char> = raw.chars().collect();
    for (at, &c) in chars.iter().enumerate() {
        match c {
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '@' => {
                out.push('@');
                out.push(ZERO_WIDTH_SPACE);
            }
            ':' if chars.get(at + 1) == Some(&'/') && chars.get(at + 2) == Some(&'/') => {
                out.push(':');
                out.push(ZERO_WIDTH_SPACE);
            }
            '.' if at >= 3
                && chars[at - 3..at]
                    .iter()
                    .collect::<String>()
                    .eq_ignore_ascii_case("www") =>
            {
                out.push(ZERO_WIDTH_SPACE);
                out.push('.');
            }
            '\\' | '`' | '|' | '*' | '_' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // Only a line's first character can start a heading, list or quote.
            '#' | '-' | '+' | '=' | '!' | '>' if at == 0 => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' | '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Text inside a code span (service ids: letters, digits, `-`, `/`): only the
/// characters that could end the span or the table cell are replaced.
fn code_text(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            '`' | '|' | '\n' | '\r' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_text_cannot_become_markup() {
        let hostile = "a|b `x` <script>alert(1)</script> [x](javascript:alert(1)) ![i](http://e/x.png) @team www.example.com https://evil.example/";
        let escaped = text(hostile);
        assert!(!escaped.contains("<script"), "{escaped}");
        assert!(escaped.contains("a\\|b"));
        assert!(escaped.contains("\\`x\\`"));
        assert!(escaped.contains("\\[x\\](javascript:alert(1))"));
        assert!(escaped.contains("!\\[i\\]"));
        assert_eq!(text("# not a heading"), "\\# not a heading");
        assert!(escaped.contains("@\u{200B}team"));
        assert!(escaped.contains("www\u{200B}.example"));
        assert!(escaped.contains("https:\u{200B}//evil"));
        assert!(!escaped.contains('\n'));
        assert_eq!(text("line\nbreak"), "line break");
    }
}
