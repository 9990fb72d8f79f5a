//! summary.md: a Markdown summary for a pull-request comment or a CI step summary.
//! One table row per scenario (gate, verdict, index, predicate, p95, availability),
//! then what failed, listed under the table per scenario. A scenario merged from
//! several vantages (`ujilab merge`) also gets a small table there: each vantage's
//! gate, availability, p95 and failed probes, so that an outage seen from one
//! region only is visible.
//!
//! Every string that did not come from ujilab itself is passed through [`text`]:
//! table pipes, backticks and the other Markdown punctuation are backslash-escaped,
//! `<` and `&` become entities, and `@`, `://` and `www.` get a zero-width space so
//! that nothing a service sends becomes a mention, a link, an image or markup.

use std::fmt::Write as _;

use input::lang::Lang;

use crate::model::{Gate, Report, ScenarioEntry, VantageReport};
use crate::wording;
use crate::wording::{ms, percent};

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
            lang.pick("skenario gagal dimuat", "load errors")
        );
    }
    out.push_str("\n\n");
    if let Some(window) = wording::history_window(report, lang) {
        let _ = writeln!(out, "> {}\n", text(&window));
    }
    if let Some(line) = wording::skipped_files(report, lang) {
        let _ = writeln!(out, "> {}\n", text(&line));
    }
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
        lang.pick("Status uji", "Gate"),
        lang.pick("Kesimpulan", "Verdict"),
        lang.pick("Indeks", "Index"),
        lang.pick("Predikat", "Predicate"),
        "p95",
        lang.pick("Ketersediaan", "Availability"),
    ];
    table_head(
        &mut out,
        &headers,
        &["---", ":---:", "---", "---:", "---", "---:", "---:"],
    );
    // Per scenario: its name, its per-vantage table, and what failed.
    let mut details: Vec<(String, Option<String>, Vec<String>)> = Vec::new();
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
                    standards.map_or_else(|| "-".into(), |s| wording::index_text(s, lang)),
                    standards
                        .and_then(|s| wording::predicate_shown(s, lang))
                        .map_or_else(|| "-".into(), text),
                    wording::headline_latency(scenario)
                        .map_or_else(|| "-".into(), |l| ms(l.p95, lang)),
                    scenario
                        .availability
                        .as_ref()
                        .and_then(|a| a.ratio)
                        .map_or_else(|| "-".into(), |r| percent(r, lang)),
                ];
                let _ = writeln!(out, "| {} |", cells.join(" | "));
                let mut shown = wording::failed_items(scenario, lang);
                shown.extend(wording::evidence_stage_items(scenario, lang));
                shown.extend(wording::improvement_items(scenario, lang));
                shown.extend(
                    wording::notes(scenario, lang)
                        .into_iter()
                        .map(|note| format!("{}: {note}", lang.pick("catatan", "note"))),
                );
                shown.extend(wording::load_first_failures(scenario, lang));
                let breakdown = (!scenario.vantages.is_empty())
                    .then(|| vantage_table(&scenario.vantages, lang));
                if !shown.is_empty() || breakdown.is_some() {
                    details.push((wording::identity(scenario), breakdown, shown));
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
                details.push((error.file.clone(), None, problems));
            }
        }
    }
    for (name, breakdown, items) in details {
        let _ = writeln!(out, "\n**{}**\n", text(&name));
        if let Some(table) = breakdown {
            out.push_str(&table);
            if !items.is_empty() {
                out.push('\n');
            }
        }
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
    // Every file of a report set names its run.
    let _ = writeln!(
        out,
        "\n<sub>{}: `{}`</sub>",
        lang.pick("ID uji", "Run id"),
        code_text(&report.run.id)
    );
    out
}

/// Each vantage's own view of a merged scenario, one table row per vantage (the
/// wording of the HTML report's "By vantage" table).
fn vantage_table(vantages: &[VantageReport], lang: Lang) -> String {
    let mut out = String::new();
    let headers = [
        lang.pick("Titik uji", "Vantage"),
        lang.pick("Status uji", "Gate"),
        lang.pick("Ketersediaan", "Availability"),
        "p95",
        lang.pick("Probe gagal", "Failed probes"),
    ];
    table_head(&mut out, &headers, &["---", ":---:", "---:", "---:", "---"]);
    for vantage in vantages {
        let gate = match vantage.gate {
            Gate::Pass => format!("✅ {}", wording::gate_word(Gate::Pass, lang)),
            Gate::Fail => format!("❌ {}", wording::gate_word(Gate::Fail, lang)),
        };
        let availability = wording::vantage_availability(vantage, lang);
        let p95 = text(&wording::vantage_p95(vantage, lang));
        let failed = if vantage.failed_probes.is_empty() {
            "-".into()
        } else {
            text(&vantage.failed_probes.join(", "))
        };
        let cells = [text(&vantage.vantage), gate, availability, p95, failed];
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

/// A table's header row and its alignment row (`---`, `:---:`, `---:`).
fn table_head(out: &mut String, headers: &[&str], aligns: &[&str]) {
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}|", aligns.join("|"));
}

/// Makes any string inert Markdown text on one line (see the module docs).
pub(crate) fn text(raw: &str) -> String {
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

    fn vantage(name: &str, gate: Gate, up: u64, failed: &[&str]) -> VantageReport {
        VantageReport {
            vantage: name.into(),
            run_id: "run".into(),
            gate,
            availability: Some(up as f64 / 4.0),
            samples: 4,
            up,
            p95_ms: Some(18.24),
            p95_source: Some("load".into()),
            failed_probes: failed.iter().map(|id| id.to_string()).collect(),
            index: None,
            verdict: None,
        }
    }

    #[test]
    fn vantage_table_shows_each_vantage_and_escapes_its_name() {
        let vantages = [
            vantage("jakarta", Gate::Pass, 4, &[]),
            vantage("|evil| <b>@team</b>", Gate::Fail, 1, &["health", "a|b"]),
        ];
        let en = vantage_table(&vantages, Lang::En);
        let lines: Vec<&str> = en.lines().collect();
        assert_eq!(lines.len(), 4, "{en}");
        assert_eq!(
            lines[0],
            "| Vantage | Gate | Availability | p95 | Failed probes |"
        );
        assert_eq!(
            lines[2],
            "| jakarta | ✅ PASS | 100.0% (4/4) | 18.2 ms (load) | - |"
        );
        assert_eq!(
            lines[3],
            "| \\|evil\\| &lt;b>@\u{200B}team&lt;/b> | ❌ FAIL | 25.0% (1/4) | 18.2 ms (load) | health, a\\|b |"
        );
        let id = vantage_table(&vantages, Lang::Id);
        assert!(
            id.starts_with("| Titik uji | Status uji | Ketersediaan | p95 | Probe gagal |\n"),
            "{id}"
        );
        assert!(id.contains("| jakarta | ✅ LULUS |"), "{id}");
        assert!(id.contains("| ❌ GAGAL |"), "{id}");
    }
}
