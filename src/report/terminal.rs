//! The summary table printed at the end of a run: one row per scenario, then the
//! failed items under it. Colour only on a terminal and never with `NO_COLOR`.

use std::fmt::Write as _;

use super::model::{Gate, Report, ScenarioEntry, ScenarioReport};
use crate::lang::Lang;

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
        lang.pick("Gerbang", "Gate"),
        lang.pick("Indeks", "Index"),
        "p95",
        lang.pick("Ketersediaan", "Availability"),
        lang.pick("Gagal", "Failed"),
    ];
    let mut rows: Vec<[String; 6]> = Vec::new();
    let mut details: Vec<(String, Vec<String>)> = Vec::new();
    for entry in &report.scenarios {
        match entry {
            ScenarioEntry::Ran(scenario) => {
                let failed = failed_items(scenario, lang);
                rows.push([
                    identity(scenario),
                    gate_word(scenario.gate, lang).to_string(),
                    index_text(scenario, lang),
                    p95_text(scenario),
                    scenario
                        .availability
                        .as_ref()
                        .and_then(|a| a.ratio)
                        .map_or_else(|| "-".to_string(), |ratio| format!("{:.1}%", ratio * 100.0)),
                    failed.len().to_string(),
                ]);
                if !failed.is_empty() {
                    details.push((identity(scenario), failed));
                }
            }
            ScenarioEntry::LoadError(error) => {
                rows.push([
                    error.file.clone(),
                    lang.pick("GALAT MUAT", "LOAD ERROR").to_string(),
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
            lang.pick("galat muat", "load errors")
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

fn identity(scenario: &ScenarioReport) -> String {
    if scenario.scenario == "default" {
        scenario.service.id.clone()
    } else {
        format!("{}/{}", scenario.service.id, scenario.scenario)
    }
}

fn gate_word(gate: Gate, lang: Lang) -> &'static str {
    match gate {
        Gate::Pass => lang.pick("LULUS", "PASS"),
        Gate::Fail => lang.pick("GAGAL", "FAIL"),
    }
}

fn index_text(scenario: &ScenarioReport, lang: Lang) -> String {
    match &scenario.standards {
        Some(standards) => match (&standards.index, &standards.predicate) {
            (Some(index), Some(predicate)) => {
                let name = if lang == Lang::Id {
                    &predicate.id
                } else {
                    &predicate.en
                };
                format!("{index:.2} {name}")
            }
            _ => standards.verdict.clone(),
        },
        None => "-".to_string(),
    }
}

fn p95_text(scenario: &ScenarioReport) -> String {
    let latency = scenario
        .load
        .as_ref()
        .and_then(|load| load.latency_ms.as_ref())
        .or(scenario.probe_latency_ms.as_ref());
    latency.map_or_else(
        || "-".to_string(),
        |latency| format!("{:.0} ms", latency.p95),
    )
}

/// What failed, in the words a person fixing it needs.
fn failed_items(scenario: &ScenarioReport, lang: Lang) -> Vec<String> {
    let mut items = Vec::new();
    for probe in scenario.probes.iter().filter(|probe| !probe.passed) {
        if let Some(reason) = &probe.skipped_reason {
            items.push(format!("probe {}: {reason}", probe.id));
            continue;
        }
        if let Some(error) = &probe.error {
            items.push(format!(
                "probe {}: {} ({})",
                probe.id, error.message, error.kind
            ));
        }
        for check in probe.expectations.iter().filter(|check| !check.passed) {
            items.push(format!(
                "probe {}: {} {} {}, {} {}",
                probe.id,
                check.what,
                lang.pick("diharapkan", "expected"),
                check.expected,
                lang.pick("didapat", "got"),
                check.actual
            ));
        }
    }
    for threshold in scenario.thresholds.iter().filter(|t| t.status == "fail") {
        items.push(format!(
            "{} {}",
            lang.pick("ambang", "threshold"),
            threshold.display
        ));
    }
    if !scenario.complete {
        items.push(
            lang.pick("dihentikan sebelum selesai", "interrupted before the end")
                .to_string(),
        );
    }
    items
}
