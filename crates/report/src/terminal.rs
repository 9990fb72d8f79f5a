//! The summary table printed at the end of a run: one row per scenario, then the
//! failed items under it. Colour only on a terminal and never with `NO_COLOR`.
//! After `ujilab merge` of several vantages, each vantage of a scenario gets a row
//! of its own (`  @ <vantage>`) beneath the scenario's combined row, its failed
//! probes in the last column.

use std::fmt::Write as _;

use input::lang::Lang;

use crate::model::{Gate, Report, ScenarioEntry, ScenarioReport, VantageReport};
use crate::wording;
use crate::wording::{failed_items, gate_word};

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub colour: bool,
    pub lang: Lang,
}

impl Style {
    fn paint(self, text: &str, code: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Characters that could move the cursor or recolour the terminal are shown as
/// escapes: text from a service must not drive the user's terminal.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

pub fn render(report: &Report, style: Style) -> String {
    let lang = style.lang;
    let headers = [
        lang.pick("Skenario", "Scenario"),
        lang.pick("Status uji", "Gate"),
        lang.pick("Indeks", "Index"),
        lang.pick("Kesimpulan", "Verdict"),
        "p95",
        lang.pick("Ketersediaan", "Availability"),
        lang.pick("Temuan", "Findings"),
    ];
    let mut rows: Vec<[String; 7]> = Vec::new();
    let mut details: Vec<(String, Vec<String>)> = Vec::new();
    for entry in &report.scenarios {
        match entry {
            ScenarioEntry::Ran(scenario) => {
                let failed = failed_items(scenario, lang);
                rows.push([
                    wording::identity(scenario),
                    gate_word(scenario.gate, lang).to_string(),
                    index_text(scenario, lang),
                    scenario
                        .standards
                        .as_ref()
                        .map_or_else(|| "-".to_string(), |s| wording::verdict_word(s, lang)),
                    p95_text(scenario, lang),
                    scenario
                        .availability
                        .as_ref()
                        .and_then(|a| a.ratio)
                        .map_or_else(|| "-".to_string(), |ratio| wording::percent(ratio, lang)),
                    failed.len().to_string(),
                ]);
                if scenario.vantages.len() >= 2 {
                    rows.extend(scenario.vantages.iter().map(|v| vantage_row(v, lang)));
                }
                let mut shown = failed;
                shown.extend(wording::evidence_stage_items(scenario, lang));
                shown.extend(wording::improvement_items(scenario, lang));
                shown.extend(load_notes(scenario, lang));
                shown.extend(wording::load_first_failures(scenario, lang));
                if !shown.is_empty() {
                    details.push((wording::identity(scenario), shown));
                }
            }
            ScenarioEntry::LoadError(error) => {
                rows.push([
                    error.file.clone(),
                    wording::load_error_word(lang).to_string(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    error.errors.len().to_string(),
                ]);
            }
        }
    }
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(printable(cell).chars().count());
        }
    }
    let mut out = String::new();
    // A report over watch history says which window it is before its figures.
    if let Some(window) = wording::history_window(report, lang) {
        let _ = writeln!(out, "{}\n", printable(&window));
    }
    let line = |cells: Vec<String>, out: &mut String, paint: &dyn Fn(usize, &str) -> String| {
        let mut text = String::new();
        for (column, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            let pad = width.saturating_sub(cell.chars().count());
            let _ = write!(text, "{}{}  ", paint(column, cell), " ".repeat(pad));
        }
        let _ = writeln!(out, "{}", text.trim_end());
    };
    line(
        headers.iter().map(|h| h.to_string()).collect(),
        &mut out,
        &|_, cell| style.paint(cell, "1"),
    );
    for row in &rows {
        let cells: Vec<String> = row.iter().map(|cell| printable(cell)).collect();
        line(cells, &mut out, &|column, cell| {
            if column != 1 {
                return cell.to_string();
            }
            let colour = if cell == gate_word(Gate::Pass, lang) {
                "32"
            } else {
                "31;1"
            };
            style.paint(cell, colour)
        });
    }
    for (scenario, failed) in details {
        let _ = writeln!(out, "\n{}:", printable(&scenario));
        for item in failed {
            let _ = writeln!(out, "  - {}", printable(&item));
        }
    }
    if let Some(line) = wording::skipped_files(report, lang) {
        let _ = writeln!(out, "\n{}", printable(&line));
    }
    // A verdict reached under test conditions (resolve, an extra CA, insecure)
    // says so here as in every other format.
    let conditions = report.scenarios.iter().find_map(|entry| match entry {
        ScenarioEntry::Ran(scenario) => scenario
            .standards
            .as_ref()
            .filter(|standards| !standards.conditions.is_empty()),
        ScenarioEntry::LoadError(_) => None,
    });
    if let Some(standards) = conditions {
        let notice = wording::verdict_conditions_notice(standards, lang);
        let _ = writeln!(out, "\n! {}.", printable(notice.trim_end_matches('.')));
    }
    let (passed, failed, load_errors) = report.tally();
    let _ = write!(
        out,
        "\n{}: {passed} {}, {failed} {}",
        lang.pick("Hasil", "Result"),
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
    if !report.run.complete {
        let _ = write!(
            out,
            " ({})",
            lang.pick(
                "dihentikan, hasil tidak lengkap",
                "interrupted, results incomplete"
            )
        );
    }
    out.push('\n');
    out
}

/// One vantage's own figures, as a row beneath its scenario.
fn vantage_row(vantage: &VantageReport, lang: Lang) -> [String; 7] {
    [
        format!("  @ {}", vantage.vantage),
        gate_word(vantage.gate, lang).to_string(),
        vantage
            .index
            .map_or_else(|| "-".to_string(), |index| format!("{index:.2}")),
        vantage.verdict.map_or_else(
            || "-".to_string(),
            |verdict| wording::verdict_code_word(verdict, false, lang),
        ),
        vantage
            .p95_ms
            .map_or_else(|| "-".to_string(), |p95| format!("{p95:.0} ms")),
        vantage
            .availability
            .map_or_else(|| "-".to_string(), |ratio| format!("{:.1}%", ratio * 100.0)),
        if vantage.failed_probes.is_empty() {
            "-".to_string()
        } else {
            format!("probe {}", vantage.failed_probes.join(", "))
        },
    ]
}

/// The index with its band (a provisional index has none).
fn index_text(scenario: &ScenarioReport, lang: Lang) -> String {
    let Some(standards) = &scenario.standards else {
        return "-".to_string();
    };
    let index = wording::index_text(standards, lang);
    match wording::predicate_shown(standards, lang) {
        Some(predicate) => format!("{index} {predicate}"),
        None => index,
    }
}

fn p95_text(scenario: &ScenarioReport, lang: Lang) -> String {
    wording::headline_latency(scenario).map_or_else(
        || "-".to_string(),
        |latency| wording::number(&format!("{:.0} ms", latency.p95), lang),
    )
}

/// "target rate not sustained" (semantics.md: every output says it when more than
/// 1% of the open model's arrivals were dropped), and an interrupted load run.
fn load_notes(scenario: &ScenarioReport, lang: Lang) -> Vec<String> {
    wording::notes(scenario, lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Verdict;

    #[test]
    fn a_vantage_row_holds_its_own_figures() {
        let vantage = VantageReport {
            vantage: "medan".into(),
            run_id: "run-b".into(),
            gate: Gate::Fail,
            availability: Some(0.0),
            samples: 3,
            up: 0,
            p95_ms: Some(20.4),
            p95_source: Some("probes".into()),
            failed_probes: vec!["health".into(), "penduduk".into()],
            index: Some(2.1),
            verdict: Some(Verdict::NotCertified),
        };
        assert_eq!(
            vantage_row(&vantage, Lang::En),
            [
                "  @ medan",
                "FAIL",
                "2.10",
                "Not certified",
                "20 ms",
                "0.0%",
                "probe health, penduduk"
            ]
        );
        assert_eq!(vantage_row(&vantage, Lang::Id)[1], "GAGAL");
    }

    /// A verdict under test conditions says so on the terminal too, in both
    /// languages; without conditions nothing is said.
    #[test]
    fn test_conditions_are_stated_on_the_terminal() {
        use crate::fleet::testing::{report, run, standards};
        let mut scenario = run();
        scenario["standards"] = standards("certified", 4.2);
        let plain = report("default", scenario.clone()).report;
        let en = Style {
            colour: false,
            lang: Lang::En,
        };
        assert!(!render(&plain, en).contains("test conditions"));
        scenario["standards"]["conditions"] = serde_json::json!(["resolve"]);
        let conditioned = report("default", scenario).report;
        let text = render(&conditioned, en);
        assert!(
            text.contains(
                "! This result was obtained under test conditions and is not evidence about the public service."
            ),
            "{text}"
        );
        let id = render(
            &conditioned,
            Style {
                colour: false,
                lang: Lang::Id,
            },
        );
        assert!(id.contains("diperoleh dalam kondisi uji"), "{id}");
    }
}
