//! The words the human formats share (terminal, HTML, Markdown, JUnit): gate and
//! verdict names, verdict reasons, rule outcomes, figures and the list of what
//! failed, in Indonesian or English. Everything here reads the [`Report`] model
//! only, so every format says the same thing in the same words.
//!
//! [`Report`]: crate::model::Report

use std::time::Duration;

use serde_json::Value;

use input::lang::Lang;
use input::quantity::{format_duration, format_ratio};

use crate::model::{
    Basis, FigureUnit, Gate, GateReason, LatencyReport, LocalizedText, PhaseState, Predicate,
    Report, RuleReport, RuleState, ScenarioReport, StandardsReport, ThresholdOutcome,
    ThresholdStatus, VantageReport, Verdict, VerdictGate,
};

/// `service-id`, or `service-id/label` for a labelled scenario.
pub fn identity(scenario: &ScenarioReport) -> String {
    if scenario.scenario == "default" {
        scenario.service.id.clone()
    } else {
        format!("{}/{}", scenario.service.id, scenario.scenario)
    }
}

/// Printed under every verdict (semantics.md, "Reports").
pub fn disclaimer(lang: Lang) -> &'static str {
    lang.pick(
        "Hasil uji otomatis (penilaian mandiri) oleh ujilab; bukan sertifikasi resmi IDSLL dan bukan nilai Indeks SPBE/Pemdi",
        "Automated self-assessment by ujilab; not an official IDSLL certification and not an SPBE/Pemdi index score",
    )
}

/// The disclaimer under a verdict: the catalogue's words when the report has them.
pub fn verdict_disclaimer(standards: &StandardsReport, lang: Lang) -> String {
    standards.disclaimer.as_ref().map_or_else(
        || disclaimer(lang).to_string(),
        |text| localized(text, lang).to_string(),
    )
}

/// The test-conditions notice of a verdict with `conditions`: the report's words
/// when it has them.
pub fn verdict_conditions_notice(standards: &StandardsReport, lang: Lang) -> String {
    standards.conditions_note.as_ref().map_or_else(
        || conditions_notice(lang).to_string(),
        |text| localized(text, lang).to_string(),
    )
}

/// One test condition in words (`resolve`, `ca_file`, `insecure`...).
pub fn condition_text(condition: &str, lang: Lang) -> String {
    let words = match condition {
        "resolve" => lang.pick(
            "nama host diarahkan ke alamat uji",
            "host names resolved to test addresses",
        ),
        "ca_file" => lang.pick(
            "CA tambahan dipercaya",
            "an extra certificate authority trusted",
        ),
        "insecure" => lang.pick(
            "pemeriksaan sertifikat dimatikan",
            "certificate checks turned off",
        ),
        "proxy" => lang.pick("melalui proxy", "through a proxy"),
        _ => return condition.to_string(),
    };
    format!("{words} ({condition})")
}

/// Printed when the verdict carries `conditions` (a resolve override, a CA file, ...).
pub fn conditions_notice(lang: Lang) -> &'static str {
    lang.pick(
        "Hasil ini diperoleh dalam kondisi uji dan bukan bukti tentang layanan publik yang \
         sebenarnya",
        "This result was obtained under test conditions and is not evidence about the \
         public service",
    )
}

pub fn gate_word(gate: Gate, lang: Lang) -> &'static str {
    match gate {
        Gate::Pass => lang.pick("LULUS", "PASS"),
        Gate::Fail => lang.pick("GAGAL", "FAIL"),
    }
}

pub fn load_error_word(lang: Lang) -> &'static str {
    lang.pick("GAGAL DIMUAT", "LOAD ERROR")
}

/// The verdict in words; a certified verdict with waived critical rules says so.
pub fn verdict_word(standards: &StandardsReport, lang: Lang) -> String {
    verdict_code_word(
        standards.verdict,
        standards.certified_with_waivers || !standards.waived_critical.is_empty(),
        lang,
    )
}

/// A verdict code in words.
pub fn verdict_code_word(verdict: Verdict, with_waivers: bool, lang: Lang) -> String {
    match verdict {
        Verdict::Certified if with_waivers => lang.pick(
            "Memenuhi syarat dengan pengecualian",
            "Certified with waivers",
        ),
        Verdict::Certified => lang.pick("Memenuhi syarat (penilaian mandiri)", "Certified"),
        Verdict::NotCertified => lang.pick("Belum memenuhi syarat", "Not certified"),
        Verdict::Inconclusive => lang.pick("Tidak dapat disimpulkan", "Inconclusive"),
        Verdict::NotEvaluated => lang.pick("Tidak dinilai", "Not evaluated"),
        Verdict::EvidenceOnly => lang.pick(
            "Bukti pendukung, tanpa kesimpulan",
            "Supporting evidence, no verdict",
        ),
    }
    .to_string()
}

pub fn localized(text: &LocalizedText, lang: Lang) -> &str {
    match lang {
        Lang::Id => &text.id,
        Lang::En => &text.en,
    }
}

pub fn predicate(predicate: &Predicate, lang: Lang) -> &str {
    match lang {
        Lang::Id => &predicate.id,
        Lang::En => &predicate.en,
    }
}

/// What stands where the predicate goes: the band, or the catalogue's reason
/// for withholding it ("— (kriteria wajib belum terpenuhi)"); `None` for neither.
pub fn predicate_shown(standards: &StandardsReport, lang: Lang) -> Option<&str> {
    match (&standards.predicate, &standards.predicate_withheld) {
        (Some(band), _) => Some(predicate(band, lang)),
        (None, Some(withheld)) => Some(localized(withheld, lang)),
        (None, None) => None,
    }
}

/// `3.84`, or `-` when there is no index.
/// The index to two decimals; a provisional one (a run cut short) says so.
pub fn index_text(standards: &StandardsReport, lang: Lang) -> String {
    match standards.index {
        None => "-".to_string(),
        Some(index) if standards.provisional => format!(
            "{} ({})",
            number(&format!("{index:.2}"), lang),
            lang.pick("sementara", "provisional")
        ),
        Some(index) => number(&format!("{index:.2}"), lang),
    }
}

/// One verdict reason in words. Reasons are codes, as a string or as an object with
/// a `code` and its figures; the figures follow the sentence.
pub fn reason_text(reason: &Value, lang: Lang) -> String {
    let (code, figures) = match reason {
        Value::String(code) => (code.as_str(), Vec::new()),
        Value::Object(map) => {
            let code = map.get("code").and_then(Value::as_str).unwrap_or("");
            let figures = map
                .iter()
                .filter(|(key, _)| key.as_str() != "code")
                .map(|(key, value)| {
                    format!("{} {}", figure_name(key, lang), value_text(value, lang))
                })
                .collect();
            (code, figures)
        }
        other => return value_text(other, lang),
    };
    let sentence = match code {
        "critical_below_min" => lang.pick(
            "Kriteria wajib di bawah tingkat minimum",
            "A critical rule is below the minimum level",
        ),
        "index_below_min" => lang.pick(
            "Indeks di bawah batas sertifikasi",
            "The index is below the certification minimum",
        ),
        "coverage_below_min" => lang.pick(
            "Cakupan pengukuran di bawah batas minimum",
            "Measurement coverage is below the minimum",
        ),
        "critical_inconclusive" => lang.pick(
            "Kriteria wajib tidak dapat diukur",
            "A critical rule could not be measured",
        ),
        "partial_run" => lang.pick(
            "Pengujian parsial: tidak dinilai",
            "Partial run: not evaluated",
        ),
        "interrupted" => lang.pick(
            "Pengujian terhenti sebelum semua fase selesai: tidak dinilai, indeks hanya sementara",
            "Run cut short before every phase finished: not evaluated, the index is provisional",
        ),
        "" => "",
        other => other,
    };
    match (sentence.is_empty(), figures.is_empty()) {
        (_, true) => sentence.to_string(),
        (true, false) => figures.join(", "),
        (false, false) => format!("{sentence} ({})", figures.join(", ")),
    }
}

/// A verdict reason's figure (`min_index`, `critical_min_level`…) as the reader
/// names it.
fn figure_name(key: &str, lang: Lang) -> String {
    let indonesian = match key {
        "index" => "indeks",
        "min_index" => "indeks minimum",
        "rules" => "kriteria",
        "critical_min_level" => "tingkat minimum kriteria wajib",
        "coverage" => "cakupan",
        "min_coverage" => "cakupan minimum",
        "flags" => "tahap dilewati",
        _ => "",
    };
    match lang {
        Lang::Id if !indonesian.is_empty() => indonesian.to_string(),
        _ => key.replace('_', " "),
    }
}

/// A JSON value as plain text in `lang`: strings without quotes, lists joined by
/// commas, a text in both languages (`{"id": .., "en": ..}`, as the judge writes
/// evidence) in `lang`, numbers with `lang`'s decimal mark.
pub fn value_text(value: &Value, lang: Lang) -> String {
    match value {
        Value::Null => "-".to_string(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| value_text(item, lang))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(map) if is_bilingual(map) => value_text(&map[lang.code()], lang),
        // A rule and its level, as verdict reasons list them: `SC-01 L1`.
        Value::Object(map) if map.contains_key("code") && map.contains_key("level") => {
            format!(
                "{} {}{}",
                value_text(&map["code"], lang),
                lang.pick("T", "L"),
                value_text(&map["level"], lang)
            )
        }
        Value::Object(map) => map
            .iter()
            .map(|(key, value)| format!("{} {}", key.replace('_', " "), value_text(value, lang)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Number(number) => self::number(&number.to_string(), lang),
        other => other.to_string(),
    }
}

/// `{"id": "...", "en": "..."}` and nothing else: a text in both languages.
fn is_bilingual(map: &serde_json::Map<String, Value>) -> bool {
    map.len() == 2
        && [Lang::Id, Lang::En]
            .iter()
            .all(|lang| map.get(lang.code()).is_some_and(Value::is_string))
}

pub fn basis_word(basis: Basis, lang: Lang) -> String {
    match basis {
        Basis::Regulation => lang.pick("Regulasi", "Regulation"),
        Basis::Practice => lang.pick("Praktik baik", "Good practice"),
    }
    .to_string()
}

/// `L4` (`T4`, tingkat, in Indonesian), `waived`, `not applicable`, `inconclusive`.
pub fn outcome_word(rule: &RuleReport, lang: Lang) -> String {
    let mark = lang.pick("T", "L");
    match (rule.outcome, rule.level) {
        (RuleState::Level, Some(level)) => format!("{mark}{level}"),
        (RuleState::Level, None) => format!("{mark}?"),
        (RuleState::Waived, _) => lang.pick("dikecualikan", "waived").to_string(),
        (RuleState::NotApplicable, _) => lang.pick("tidak berlaku", "not applicable").to_string(),
        (RuleState::Inconclusive, _) => lang.pick("tidak dapat diukur", "inconclusive").to_string(),
    }
}

/// Whether a rule counts as failed: the lowest level (1 of 1..5, 0 of 0..3), or
/// a critical rule below the catalogue's `critical_min_level` (semantics.md,
/// "Reports": JUnit).
pub fn rule_failed(rule: &RuleReport, standards: &StandardsReport) -> bool {
    let Some(level) = rule.level.filter(|_| rule.outcome == RuleState::Level) else {
        return false;
    };
    let critical_min = standards
        .certification
        .as_ref()
        .map(|certification| certification.critical_min_level);
    level <= standards.scale.lowest
        || (rule.critical && critical_min.is_some_and(|min| level < min))
}

/// The rule's title in the chosen language, when the catalogue gave one.
pub fn rule_title(rule: &RuleReport, lang: Lang) -> Option<&str> {
    rule.title.as_ref().map(|title| localized(title, lang))
}

/// A transport failure from a report as `lang` reads it: English keeps the
/// client's sentence; Indonesian says the kind in words and quotes the detail.
pub fn transport_text(kind: observe::exchange::TransportKind, message: &str, lang: Lang) -> String {
    match lang {
        Lang::En => message.to_string(),
        Lang::Id => observe::exchange::transport_text_id(kind.code(), message),
    }
}

/// One line of a rule's evidence: its label, its text, and whether the text is
/// the service's own (an excerpt, a URL): shown as a sample, never as prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceLine {
    pub label: String,
    pub value: String,
    pub from_service: bool,
}

/// The evidence object as labelled lines, known keys first, in the chosen
/// language, each marked when its text is the service's own.
pub fn evidence_items(evidence: &Value, lang: Lang) -> Vec<EvidenceLine> {
    const KNOWN: [&str; 7] = [
        "measured",
        "threshold",
        "url",
        "probe",
        "excerpt",
        "note",
        "notes",
    ];
    let label = |key: &str| -> String {
        match key {
            "measured" => lang.pick("hasil ukur", "measured").to_string(),
            "threshold" => lang.pick("ambang batas", "threshold").to_string(),
            "url" => "URL".to_string(),
            "probe" => "probe".to_string(),
            "excerpt" => lang.pick("kutipan", "excerpt").to_string(),
            "note" | "notes" => lang.pick("catatan", "note").to_string(),
            other => other.replace('_', " "),
        }
    };
    let line = |key: &str, value: &Value| EvidenceLine {
        label: label(key),
        value: value_text(value, lang),
        from_service: matches!(key, "excerpt" | "url"),
    };
    match evidence {
        Value::Object(map) => {
            let mut lines: Vec<EvidenceLine> = KNOWN
                .iter()
                .filter_map(|key| map.get(*key).map(|value| (*key, value)))
                .chain(
                    map.iter()
                        .filter(|(key, _)| !KNOWN.contains(&key.as_str()))
                        .map(|(key, value)| (key.as_str(), value)),
                )
                .filter(|(_, value)| !value.is_null())
                // `value` is the machine-readable twin of `measured`.
                .filter(|(key, _)| !(*key == "value" && map.contains_key("measured")))
                .map(|(key, value)| line(key, value))
                .collect();
            lines.retain(|line| !line.value.is_empty());
            lines
        }
        Value::Null => Vec::new(),
        other => vec![line("note", other)],
    }
}

/// A number written the English way (`1,234.5`) as a reader of `lang` writes it
/// (`input::lang` owns the formatting; the judge's evidence uses it too).
pub fn number(english: &str, lang: Lang) -> String {
    input::lang::number(english, lang)
}

/// `11.1 ms`, `1.2 s` (`11,1 ms` in Indonesian): latency figures as people read them.
pub fn ms(value: f64, lang: Lang) -> String {
    input::lang::ms(value, lang)
}

/// An RFC 3339 time as people read it: `2026-11-28 16:50:15 UTC` (as given when it
/// does not parse).
pub fn time_text(rfc3339: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|at| at.to_offset(time::UtcOffset::UTC).format(&format).ok())
        .map_or_else(|| rfc3339.to_string(), |text| format!("{text} UTC"))
}

/// `92.5%` (`92,5%` in Indonesian).
pub fn percent(ratio: f64, lang: Lang) -> String {
    input::lang::percent(ratio, lang)
}

/// One vantage's availability with its counts, `99.2% (119/120)`; `-` without
/// samples.
pub fn vantage_availability(vantage: &VantageReport, lang: Lang) -> String {
    vantage.availability.map_or_else(
        || "-".into(),
        |ratio| {
            format!(
                "{} ({}/{})",
                percent(ratio, lang),
                vantage.up,
                vantage.samples
            )
        },
    )
}

/// One vantage's p95 and what it was read from, `27.7 ms (load)`; `-` without one.
pub fn vantage_p95(vantage: &VantageReport, lang: Lang) -> String {
    vantage.p95_ms.map_or_else(
        || "-".into(),
        |p95| match &vantage.p95_source {
            Some(source) => format!("{} ({source})", ms(p95, lang)),
            None => ms(p95, lang),
        },
    )
}

/// The p95 a person should look at: the load run's when there was one, else the
/// functional and availability exchanges'.
pub fn headline_latency(scenario: &ScenarioReport) -> Option<&LatencyReport> {
    scenario
        .load
        .as_ref()
        .and_then(|load| load.latency_ms.as_ref())
        .or(scenario.probe_latency_ms.as_ref())
}

/// A threshold limit in its unit, as written in a scenario: `800 ms`, `99%`.
pub fn limit_text(threshold: &ThresholdOutcome) -> String {
    let limit = threshold.limit;
    match threshold.unit {
        FigureUnit::Seconds => format_duration(Duration::from_secs_f64(limit.max(0.0))),
        FigureUnit::PerSecond => format!("{limit}/s"),
        unit => figure_text(unit, limit),
    }
}

/// A measured figure in its unit (base units in, as report.json keeps them):
/// `1.01 s`, `212 ms`, `92.5%`, `12.5/s`, `3.40`; a level as its number.
pub fn figure_text(unit: FigureUnit, value: f64) -> String {
    match unit {
        FigureUnit::Seconds if value >= 1.0 => {
            let text = format!("{value:.2}");
            format!("{} s", text.trim_end_matches('0').trim_end_matches('.'))
        }
        FigureUnit::Seconds => ms(value.max(0.0) * 1000.0, Lang::En),
        FigureUnit::Ratio => format_ratio(value),
        FigureUnit::PerSecond => format!("{value:.1}/s"),
        FigureUnit::Index => format!("{value:.2}"),
        FigureUnit::Level => format!("{value}"),
    }
}

pub fn threshold_status_word(status: ThresholdStatus, lang: Lang) -> String {
    match status {
        ThresholdStatus::Pass => lang.pick("lulus", "pass"),
        ThresholdStatus::Fail => lang.pick("gagal", "fail"),
        ThresholdStatus::Skipped => lang.pick("dilewati", "skipped"),
    }
    .to_string()
}

pub fn phase_status_word(status: PhaseState, lang: Lang) -> String {
    match status {
        PhaseState::Ran => lang.pick("dijalankan", "ran"),
        PhaseState::Skipped => lang.pick("dilewati", "skipped"),
        PhaseState::NotRequested => lang.pick("tidak diminta", "not requested"),
    }
    .to_string()
}

/// What failed, one line each, in the words a person fixing it needs: a verdict
/// that gates, with its reasons (first, as semantics.md asks), failed probe
/// expectations (expected vs actual), transport errors, failed thresholds, and
/// rules at level 1 or critical rules below their minimum.
pub fn failed_items(scenario: &ScenarioReport, lang: Lang) -> Vec<String> {
    let mut items = Vec::new();
    if let Some(standards) = scenario
        .standards
        .as_ref()
        .filter(|_| verdict_failed_gate(scenario))
    {
        let reasons: Vec<String> = standards
            .verdict_reasons
            .iter()
            .map(|reason| reason_text(reason, lang))
            .collect();
        let mut item = format!(
            "{}: {}",
            lang.pick("kesimpulan", "verdict"),
            verdict_word(standards, lang)
        );
        if !reasons.is_empty() {
            item.push_str(&format!(" ({})", reasons.join("; ")));
        }
        items.push(item);
    }
    for probe in scenario.probes.iter().filter(|probe| !probe.passed) {
        if let Some(reason) = &probe.skipped_reason {
            items.push(format!(
                "probe {}: {} ({reason})",
                probe.id,
                lang.pick("tidak dikirim", "not sent")
            ));
            continue;
        }
        if let Some(error) = &probe.error {
            items.push(format!(
                "probe {}: {} ({})",
                probe.id,
                transport_text(error.kind, &error.message, lang),
                error.kind
            ));
        }
        for check in probe.expectations.iter().filter(|check| !check.passed) {
            items.push(format!(
                "probe {}: {} {} {}, {} {}",
                probe.id,
                check.what_text(lang),
                lang.pick("diharapkan", "expected"),
                check.expected_text(lang),
                lang.pick("didapat", "got"),
                check.actual_text(lang)
            ));
        }
    }
    for threshold in scenario
        .thresholds
        .iter()
        .filter(|t| t.status == ThresholdStatus::Fail)
    {
        items.push(format!(
            "{} {}",
            lang.pick("ambang batas", "threshold"),
            threshold.sentence(lang)
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

/// The files skipped as not scenarios, as one line; `None` when there are none.
pub fn skipped_files(report: &Report, lang: Lang) -> Option<String> {
    let skipped = &report.run.skipped;
    (!skipped.is_empty()).then(|| {
        format!(
            "{} ({}): {}",
            lang.pick("Dilewati, bukan skenario", "Skipped as not scenarios"),
            skipped.len(),
            skipped.join(", ")
        )
    })
}

/// Rules to improve: at level 1, or critical below the certification minimum.
/// They lower the index, and fail the gate only through the verdict (said among
/// [`failed_items`]), so they are listed apart from what failed.
pub fn improvement_items(scenario: &ScenarioReport, lang: Lang) -> Vec<String> {
    let Some(standards) = &scenario.standards else {
        return Vec::new();
    };
    standards
        .rules
        .iter()
        .filter(|rule| rule_failed(rule, standards))
        .map(|rule| {
            let title = rule_title(rule, lang)
                .map(|title| format!(" {title}"))
                .unwrap_or_default();
            format!(
                "{}: {} {}{title}: {}",
                lang.pick("perlu diperbaiki", "to improve"),
                lang.pick("kriteria", "rule"),
                rule.code,
                outcome_word(rule, lang)
            )
        })
        .collect()
}

/// For an evidence catalogue (`spbe-layanan`), the stage each indicator the
/// service is evidence for reached: what the report exists to say, since it has
/// no index or verdict. Empty for a scoring catalogue.
pub fn evidence_stage_items(scenario: &ScenarioReport, lang: Lang) -> Vec<String> {
    let Some(standards) = scenario
        .standards
        .as_ref()
        .filter(|standards| standards.verdict == Verdict::EvidenceOnly)
    else {
        return Vec::new();
    };
    standards
        .rules
        .iter()
        .filter(|rule| rule.outcome != RuleState::NotApplicable)
        .map(|rule| {
            let title = rule_title(rule, lang)
                .map(|title| format!(" {title}"))
                .unwrap_or_default();
            let measured = rule.evidence["measured"][lang.pick("id", "en")]
                .as_str()
                .map_or_else(|| outcome_word(rule, lang), str::to_string);
            format!(
                "{}: {}{title}: {measured}",
                lang.pick("bukti pendukung", "supporting evidence"),
                rule.code
            )
        })
        .collect()
}

/// What a person should know about the load run that is not a failure: the
/// target rate not sustained, an interrupted run, and the run's own notes.
pub fn load_notes(scenario: &ScenarioReport, lang: Lang) -> Vec<String> {
    let Some(load) = &scenario.load else {
        return Vec::new();
    };
    let mut notes = Vec::new();
    if load.rate_sustained == Some(false) {
        let not_sustained = lang.pick("laju target tidak tercapai", "target rate not sustained");
        match (load.achieved_rate, load.rate) {
            // Too few sent, none (or few) dropped: say the rate reached.
            (Some(achieved), Some(target)) if load.dropped * 100 <= load.requests => {
                notes.push(format!(
                    "{not_sustained}: {achieved:.1}/s {} {target}/s",
                    lang.pick("terkirim dari", "sent of the"),
                ));
            }
            _ => notes.push(format!(
                "{not_sustained}: {} / {} {}",
                load.dropped,
                load.requests,
                lang.pick("kedatangan dibuang (dropped)", "arrivals dropped"),
            )),
        }
    }
    if load.interrupted {
        notes.push(
            lang.pick(
                "uji beban dihentikan: angka hanya untuk bagian yang berjalan",
                "load run interrupted: figures cover the part that ran",
            )
            .to_string(),
        );
    }
    // The run's own notes, less the two said above in the chosen language.
    let said = |note: &str| {
        (load.rate_sustained == Some(false) && note.contains("not sustained"))
            || (load.interrupted && note.contains("interrupted"))
    };
    notes.extend(load.notes.iter().filter(|note| !said(note)).cloned());
    notes
}

/// The first failed load request of each error kind, one line each: what to look
/// for in the service's log.
pub fn load_first_failures(scenario: &ScenarioReport, lang: Lang) -> Vec<String> {
    let Some(load) = &scenario.load else {
        return Vec::new();
    };
    load.first_failures
        .iter()
        .map(|(kind, example)| {
            format!(
                "{} {kind}: {}",
                lang.pick("contoh pertama", "first"),
                example.sentence(crate::local_time::Zone::of_scenario(scenario), lang, false)
            )
        })
        .collect()
}

/// Everything a person should read that is not a failure: the load run's notes
/// and the standards stage's warnings (an expired waiver, say).
pub fn notes(scenario: &ScenarioReport, lang: Lang) -> Vec<String> {
    let mut notes = load_notes(scenario, lang);
    if let Some(standards) = &scenario.standards {
        notes.extend(standards.warnings.iter().cloned());
    }
    notes
}

/// Whether the verdict holds the gate: `standards.gate: verdict` (the default) and a
/// verdict other than `certified` or `not_evaluated`.
/// Whether the scenario said `standards.gate: none` (recorded in the standards
/// block; older reports only in the effective scenario).
pub fn gate_none(scenario: &ScenarioReport, standards: &StandardsReport) -> bool {
    match standards.verdict_gate {
        Some(gate) => gate == VerdictGate::None,
        None => scenario
            .effective
            .pointer("/standards/gate")
            .is_some_and(|gate| gate.as_str() == Some("none")),
    }
}

/// Whether the verdict failed the scenario's gate.
pub fn verdict_failed_gate(scenario: &ScenarioReport) -> bool {
    // The gate's own reasons say it, as `judge::gate::decide` wrote them.
    scenario
        .gate_reasons
        .iter()
        .any(|reason| matches!(reason, GateReason::StandardsVerdict(_)))
}

/// The window of a report over watch history, in the report's zone with UTC
/// beside it, its length and its samples:
/// `History window: 7 Nov 2026 00:00 WIB (2026-11-06 17:00:00 UTC) to 6 Dec 2026
/// 00:00 WIB (2026-12-05 17:00:00 UTC), 29 days; 1,205 samples`. `None` for a run.
pub fn history_window(report: &Report, lang: Lang) -> Option<String> {
    let window = report.run.history_window.as_ref()?;
    let zone = crate::local_time::Zone::of_report(report);
    let precision = crate::local_time::Precision::Minutes;
    let from = crate::local_time::local_and_utc(&window.from, zone, lang, precision);
    let to = crate::local_time::local_and_utc(&window.to, zone, lang, precision);
    let parse = |text: &str| {
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
    };
    let length = match (parse(&window.from), parse(&window.to)) {
        (Some(from), Some(to)) => span_text((to - from).whole_seconds(), lang),
        _ => String::new(),
    };
    let samples = input::lang::count(window.samples, lang);
    Some(lang.choose(
        format!("Jendela riwayat: {from} sampai {to}{length}; {samples} sampel"),
        format!("History window: {from} to {to}{length}; {samples} samples"),
    ))
}

/// `, 30 days` / `, 2.5 h` / `, 90 min` (`, 30 hari`, `, 2,5 jam`, `, 90 menit`).
fn span_text(seconds: i64, lang: Lang) -> String {
    let (value, id, en) = if seconds >= 86_400 {
        (seconds as f64 / 86_400.0, "hari", "days")
    } else if seconds >= 3_600 {
        (seconds as f64 / 3_600.0, "jam", "h")
    } else {
        (seconds as f64 / 60.0, "menit", "min")
    };
    let text = format!("{value:.1}");
    let text = number(text.trim_end_matches(".0"), lang);
    format!(", {text} {}", lang.pick(id, en))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reasons_read_as_sentences_with_their_figures() {
        let reason = json!({ "code": "index_below_min", "index": 2.41, "min": 2.6 });
        assert_eq!(
            reason_text(&reason, Lang::En),
            "The index is below the certification minimum (index 2.41, min 2.6)"
        );
        assert_eq!(
            reason_text(
                &json!({"code": "partial_run", "flags": ["--no-load"]}),
                Lang::En
            ),
            "Partial run: not evaluated (flags --no-load)"
        );
        assert_eq!(
            reason_text(&json!("interrupted"), Lang::Id),
            "Pengujian terhenti sebelum semua fase selesai: tidak dinilai, indeks hanya sementara"
        );
        assert_eq!(reason_text(&json!("new_code"), Lang::En), "new_code");
    }

    fn evidence_lines(evidence: &Value, lang: Lang) -> Vec<(String, String)> {
        evidence_items(evidence, lang)
            .into_iter()
            .map(|line| (line.label, line.value))
            .collect()
    }

    #[test]
    fn only_excerpts_and_urls_are_the_services_text() {
        let evidence = json!({ "measured": "m", "url": "https://a.go.id/", "excerpt": "<b>x</b>" });
        let marked: Vec<(String, bool)> = evidence_items(&evidence, Lang::En)
            .into_iter()
            .map(|line| (line.label, line.from_service))
            .collect();
        assert_eq!(
            marked,
            vec![
                ("measured".to_string(), false),
                ("URL".to_string(), true),
                ("excerpt".to_string(), true),
            ]
        );
    }

    #[test]
    fn evidence_lists_known_keys_first_and_skips_nulls() {
        let evidence = json!({ "note": "n", "zeta": 1, "measured": "max-age=0", "url": null });
        let lines = evidence_lines(&evidence, Lang::En);
        assert_eq!(
            lines,
            vec![
                ("measured".to_string(), "max-age=0".to_string()),
                ("note".to_string(), "n".to_string()),
                ("zeta".to_string(), "1".to_string()),
            ]
        );
    }

    #[test]
    fn evidence_in_both_languages_is_read_in_the_readers() {
        let evidence = json!({
            "measured": { "id": "4 dari 6 komponen", "en": "4 of 6 components" },
            "value": 4.0,
            "threshold": { "id": "T2 >= 2, T5 >= 6", "en": "L2 >= 2, L5 >= 6" },
            "url": "https://contoh.go.id/sp",
            "notes": [
                { "id": "belum disebut: Biaya", "en": "missing: Biaya" },
                { "id": "dibaca: main", "en": "read: main" }
            ]
        });
        assert_eq!(
            evidence_lines(&evidence, Lang::Id),
            vec![
                ("hasil ukur".to_string(), "4 dari 6 komponen".to_string()),
                ("ambang batas".to_string(), "T2 >= 2, T5 >= 6".to_string()),
                ("URL".to_string(), "https://contoh.go.id/sp".to_string()),
                (
                    "catatan".to_string(),
                    "belum disebut: Biaya, dibaca: main".to_string()
                ),
            ]
        );
        let english = evidence_lines(&evidence, Lang::En);
        assert_eq!(english[0].1, "4 of 6 components");
        assert_eq!(english[3].1, "missing: Biaya, read: main");
        // Reports written before evidence was bilingual read as they are.
        let old = json!({ "measured": "4 of 6 components", "value": 0.5 });
        assert_eq!(evidence_lines(&old, Lang::Id)[0].1, "4 of 6 components");
        // A figure without `measured` takes the reader's decimal mark.
        assert_eq!(
            evidence_lines(&json!({ "value": 0.5 }), Lang::Id)[0].1,
            "0,5"
        );
    }

    #[test]
    fn measured_figures_keep_the_digits_that_matter() {
        assert_eq!(figure_text(FigureUnit::Seconds, 1.0104), "1.01 s");
        assert_eq!(figure_text(FigureUnit::Seconds, 2.0), "2 s");
        assert_eq!(figure_text(FigureUnit::Seconds, 0.0212), "21.2 ms");
        assert_eq!(figure_text(FigureUnit::Ratio, 0.925), "92.5%");
        assert_eq!(figure_text(FigureUnit::PerSecond, 12.54), "12.5/s");
    }

    #[test]
    fn latency_figures_keep_three_significant_digits() {
        assert_eq!(ms(1.2345, Lang::En), "1.23 ms");
        assert_eq!(ms(11.095, Lang::En), "11.1 ms");
        assert_eq!(ms(192.4, Lang::En), "192 ms");
        assert_eq!(ms(12_345.0, Lang::En), "12.3 s");
    }

    #[test]
    fn a_history_window_is_stated_in_the_reports_zone_with_utc_and_its_samples() {
        let mut report: Report = serde_json::from_value(json!({
            "format": "ujilab-report/1",
            "tool": { "name": "ujilab", "version": "0" },
            "run": {
                "id": "period", "started_at": "2026-11-06T17:00:00Z",
                "finished_at": "2026-12-05T17:00:00Z", "complete": true, "lang": "id",
                "shard": null, "args": [],
                "history_window": {
                    "from": "2026-11-06T17:00:00Z", "to": "2026-12-05T17:00:00Z", "samples": 86400
                }
            },
            "gate": "pass",
            "scenarios": []
        }))
        .expect("a report");
        assert_eq!(
            history_window(&report, Lang::Id).as_deref(),
            Some(
                "Jendela riwayat: 7 Nov 2026 00.00 WIB (2026-11-06 17:00:00 UTC) sampai \
                 6 Des 2026 00.00 WIB (2026-12-05 17:00:00 UTC), 29 hari; 86.400 sampel"
            )
        );
        assert_eq!(
            history_window(&report, Lang::En).as_deref(),
            Some(
                "History window: 7 Nov 2026 00:00 WIB (2026-11-06 17:00:00 UTC) to \
                 6 Dec 2026 00:00 WIB (2026-12-05 17:00:00 UTC), 29 days; 86,400 samples"
            )
        );
        if let Some(window) = report.run.history_window.as_mut() {
            window.to = "2026-11-07T03:30:00Z".into();
        }
        assert!(
            history_window(&report, Lang::Id)
                .is_some_and(|text| text.ends_with(", 10,5 jam; 86.400 sampel"))
        );
        report.run.history_window = None;
        assert_eq!(history_window(&report, Lang::En), None);
    }

    #[test]
    fn indonesian_numbers_use_a_decimal_comma_and_a_thousands_dot() {
        assert_eq!(ms(11.095, Lang::Id), "11,1 ms");
        assert_eq!(percent(0.995, Lang::Id), "99,5%");
        assert_eq!(number("1,234.5", Lang::Id), "1.234,5");
        assert_eq!(number("1,234.5", Lang::En), "1,234.5");
    }
}
