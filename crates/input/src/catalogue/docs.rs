//! The catalogue as people and editors read it: `ujilab standards list`, `show`,
//! `kinds` and `ujilab schema catalogue`, all generated from the catalogue and
//! the kinds table, so the docs are the behaviour (ruff's lesson). Pure: each
//! function returns the text; the command prints it.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::catalogue::kinds::{CONDITIONS, KINDS, Kind, PAGE_ROLES, ParamKind, Shape, Unit};
use crate::catalogue::{Catalogue, Levels, Rule, Scale};
use crate::lang::Lang;

const WIDTH: usize = 78;

/// Greedy word wrap, each line indented.
fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > WIDTH {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

/// The source marks in a reference (`[C]`, `[S]`, `[U]`), in that order, each once:
/// how firm its basis is (catalogue-2026.2.md). Empty when it carries none (a
/// standard or RFC read as published).
pub fn source_marks(reference: &str) -> String {
    ["[C]", "[S]", "[U]"]
        .into_iter()
        .filter(|mark| reference.contains(mark))
        .collect()
}

/// `*` for a critical rule, `(*)` for one critical under a condition.
fn critical_mark(rule: &Rule) -> &'static str {
    if rule.critical {
        "*"
    } else if rule.critical_when.is_some() {
        "(*)"
    } else {
        ""
    }
}

/// Every rule, grouped by aspect, with its basis, its source marks and its
/// reference; then the critical rules, the predicate tables and how the
/// officers' statements count.
pub fn list(catalogue: &Catalogue, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}: {}\n",
        catalogue.name,
        catalogue.version,
        catalogue.title.pick(lang)
    );
    for aspect in &catalogue.aspects {
        let _ = writeln!(
            out,
            "{} ({} {})",
            aspect.title.pick(lang),
            lang.pick("bobot", "weight"),
            aspect.weight
        );
        for rule in catalogue.rules.iter().filter(|r| r.aspect == aspect.id) {
            let marks = source_marks(&rule.reference);
            let _ = writeln!(
                out,
                "  {:<6} {:<3} {:<50} {}{}",
                rule.code,
                critical_mark(rule),
                rule.title.pick(lang),
                rule.basis.name(lang),
                if marks.is_empty() {
                    String::new()
                } else {
                    format!(" {marks}")
                }
            );
            out.push_str(&wrap(&rule.reference, "             "));
        }
        out.push('\n');
    }
    let level = catalogue
        .certification
        .as_ref()
        .map(|certification| certification.critical_min_level);
    if let Some(level) = level {
        let _ = writeln!(
            out,
            "* {} {level}",
            lang.pick(
                "kriteria wajib: harus mencapai tingkat",
                "critical rule: must reach level"
            )
        );
    } else {
        let _ = writeln!(
            out,
            "{}",
            lang.pick(
                "Katalog bukti pendukung: setiap kriteria menunjukkan tingkat yang terbukti, tanpa indeks, predikat, atau kesimpulan.",
                "A catalogue of supporting evidence: each rule shows the level evidenced, with no index, predicate or verdict."
            )
        );
    }
    if let Some(level) = level
        && catalogue
            .rules
            .iter()
            .any(|rule| rule.critical_when.is_some())
    {
        let _ = writeln!(
            out,
            "(*) {} {level}",
            lang.pick(
                "kriteria wajib bila layanan mengumpulkan data pribadi (formulir meminta NIK, surel atau nomor telepon): harus mencapai tingkat",
                "critical when the service collects personal data (a form asks for NIK, e-mail or a phone number): must reach level"
            )
        );
    }
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            "Tanda sumber pada dasar: [C] teks aslinya dibaca; [S] menurut sumber sekunder; [U] belum diverifikasi.",
            "Source marks on a basis: [C] the text itself was read; [S] a secondary source says so; [U] not verified."
        )
    );
    if catalogue.evidence_only() {
        let levels = catalogue.scale.levels_text();
        let _ = writeln!(
            out,
            "{}",
            lang.choose(
                format!("Skala: tingkat {levels} per kriteria."),
                format!("Scale: levels {levels} per rule."),
            )
        );
    } else if catalogue.scale != Scale::ONE_TO_FIVE {
        let (levels, index) = (catalogue.scale.levels_text(), catalogue.scale.index_text());
        let _ = writeln!(
            out,
            "{}",
            lang.choose(
                format!("Skala: tingkat {levels} per kriteria; indeks {index}."),
                format!("Scale: levels {levels} per rule; index {index}."),
            )
        );
    }
    if let Some(disclaimer) = &catalogue.disclaimer {
        let _ = writeln!(out, "{}", disclaimer.pick(lang));
    }
    out.push_str(&bands_text(catalogue, lang));
    if catalogue.rules.iter().any(Rule::is_attestation) {
        let _ = writeln!(
            out,
            "{}",
            if catalogue
                .certification
                .as_ref()
                .is_some_and(|certification| certification.count_attested)
            {
                lang.pick(
                    "Pernyataan petugas (pemeriksaan `attestation`) dihitung dalam indeks dan kesimpulan.",
                    "Officers' statements (check `attestation`) count in the index and the verdict.",
                )
            } else {
                lang.pick(
                    "Pernyataan petugas (pemeriksaan `attestation`) ditampilkan terpisah dan tidak dihitung dalam indeks maupun kesimpulan.",
                    "Officers' statements (check `attestation`) are shown apart and count in neither the index nor the verdict.",
                )
            }
        );
    }
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            "`ujilab standards show KODE` menampilkan alasan, cara memperbaiki dan tingkat sebuah kriteria.",
            "`ujilab standards show CODE` shows a rule's why, how to fix and levels."
        )
    );
    out
}

/// The predicate table in use (and the others listed), with their sources, and
/// when the predicate is withheld.
fn bands_text(catalogue: &Catalogue, lang: Lang) -> String {
    let mut out = String::new();
    let Some(certification) = &catalogue.certification else {
        return out;
    };
    let table = |bands: &[crate::catalogue::Band]| {
        bands
            .iter()
            .map(|band| {
                let min = format!("{:.1}", band.min);
                let min = match lang {
                    Lang::Id => min.replace('.', ","),
                    Lang::En => min,
                };
                format!("{} >= {min}", band.name.pick(lang))
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    match &catalogue.bands_name {
        Some(name) => {
            for band_table in &catalogue.band_tables {
                let used = &band_table.name == name;
                let _ = writeln!(
                    out,
                    "{} {}{}: {}",
                    lang.pick("Predikat", "Predicate"),
                    band_table.name,
                    if used {
                        lang.pick(" (dipakai)", " (in use)")
                    } else {
                        lang.pick(" (tidak dipakai)", " (not used)")
                    },
                    table(&band_table.bands)
                );
                out.push_str(&wrap(
                    &format!("{}: {}", lang.pick("sumber", "source"), band_table.source),
                    "  ",
                ));
            }
        }
        None => {
            let _ = writeln!(
                out,
                "{}: {}",
                lang.pick("Predikat", "Predicate"),
                table(&catalogue.bands)
            );
        }
    }
    if certification.predicate_requires_critical {
        let _ = writeln!(
            out,
            "{}",
            lang.pick(
                "Predikat hanya ditampilkan bila setiap kriteria wajib mencapai tingkat minimumnya; bila tidak: \"— (kriteria wajib belum terpenuhi)\".",
                "The predicate is shown only when every critical rule reaches its minimum level; otherwise \"— (critical criteria not met)\"."
            )
        );
    }
    out
}

/// One rule in full.
pub fn show(catalogue: &Catalogue, rule: &Rule, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}  {}\n", rule.code, rule.title.pick(lang));
    let aspect = catalogue
        .aspect(&rule.aspect)
        .map_or(rule.aspect.as_str(), |a| a.title.pick(lang));
    let critical_min_level = catalogue
        .certification
        .as_ref()
        .map_or(catalogue.scale.lowest, |certification| {
            certification.critical_min_level
        });
    let rows = [
        (lang.pick("Aspek", "Aspect"), aspect.to_string()),
        (
            lang.pick("Dasar", "Basis"),
            format!("{} ({})", rule.basis.name(lang), rule.reference),
        ),
        (
            lang.pick("Wajib", "Critical"),
            if rule.critical {
                format!(
                    "{} ({} {})",
                    lang.pick("ya", "yes"),
                    lang.pick("minimal tingkat", "at least level"),
                    critical_min_level
                )
            } else if rule.critical_when.is_some() {
                format!(
                    "{} ({} {})",
                    lang.pick(
                        "bila layanan mengumpulkan data pribadi",
                        "when the service collects personal data"
                    ),
                    lang.pick("minimal tingkat", "at least level"),
                    critical_min_level
                )
            } else {
                lang.pick("tidak", "no").to_string()
            },
        ),
        (lang.pick("Bobot", "Weight"), format!("{}", rule.weight)),
        (
            lang.pick("Pemeriksaan", "Check"),
            format!("{} ({})", rule.check.name, catalogue.name),
        ),
    ];
    for (label, value) in rows {
        let _ = writeln!(out, "{label:<12} {value}");
    }
    let _ = writeln!(out, "\n{}", lang.pick("Mengapa penting", "Why it matters"));
    out.push_str(&wrap(rule.why.pick(lang), "  "));
    let _ = writeln!(out, "\n{}", lang.pick("Cara memperbaiki", "How to fix"));
    out.push_str(&wrap(rule.fix.pick(lang), "  "));
    out.push_str(&what_is_read(rule, lang));
    let _ = writeln!(out, "\n{}", lang.pick("Tingkat", "Levels"));
    match &rule.levels {
        Levels::Thresholds(thresholds) => {
            out.push_str(&wrap(rule.levels.text().pick(lang), "  "));
            let (lowest, first) = (thresholds.lowest, thresholds.lowest + 1);
            let _ = writeln!(
                out,
                "  {}",
                match lang {
                    Lang::Id => format!("di bawah T{first}: tingkat {lowest}"),
                    Lang::En => format!("below L{first}: level {lowest}"),
                }
            );
        }
        Levels::Binary => {
            let _ = writeln!(out, "  {}", rule.levels.text().pick(lang));
        }
        Levels::Table(table) => {
            for (outcome, level) in table {
                let _ = writeln!(out, "  {outcome:<22} {level}");
            }
        }
    }
    match lang {
        Lang::En => {
            let _ = writeln!(out, "\nWhat is measured");
            out.push_str(&wrap(rule.check.summary, "  "));
        }
        Lang::Id => {
            let _ = writeln!(
                out,
                "\n`ujilab standards kinds` merinci pemeriksaan `{}` (dalam bahasa Inggris).",
                rule.check.name
            );
        }
    }
    out
}

/// What a page-reading or attestation rule looks at: the page roles in order, the
/// components with their keywords and conditions, or the statement it takes.
fn what_is_read(rule: &Rule, lang: Lang) -> String {
    let mut out = String::new();
    let pages = rule.params.strings("page");
    if rule.check.name == "page_components" && !pages.is_empty() {
        let _ = writeln!(out, "\n{}", lang.pick("Halaman yang dibaca", "Page read"));
        out.push_str(&wrap(
            &format!(
                "{} {}",
                pages
                    .iter()
                    .map(|role| format!("`pages.{role}`"))
                    .collect::<Vec<_>>()
                    .join(lang.pick(", bila tidak ada: ", ", else ")),
                lang.pick(
                    "(yang pertama dinyatakan di skenario); hanya isi halaman itu sendiri, bukan kepala, kaki, menu atau bilah samping situs.",
                    "(the first the scenario declares); only the page's own content, not the site's header, footer, menus or sidebars."
                )
            ),
            "  ",
        ));
        if rule.params.condition("applies_when") == Some("collects_personal_data") {
            out.push_str(&wrap(
                lang.pick(
                    "Berlaku hanya bila sebuah halaman yang dibaca memuat formulir yang meminta NIK, surel atau nomor telepon; bila tidak, tidak berlaku.",
                    "Applies only when a page read has a form asking for NIK, e-mail or a phone number; otherwise not applicable.",
                ),
                "  ",
            ));
        }
    }
    let components = rule.params.components("components");
    if !components.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            lang.pick("Komponen yang dicari", "Components looked for")
        );
        for component in components {
            let mut line = format!(
                "{}: {}",
                component.name.pick(lang),
                component.keywords.join(", ")
            );
            if let Some(value) = &component.value {
                line.push_str(&format!(
                    "; {} `{}`",
                    lang.pick("dengan nilai yang cocok dengan", "with a value matching"),
                    value.as_str()
                ));
            }
            if !component.near.is_empty() {
                line.push_str(&format!(
                    "; {} {}",
                    lang.pick("di dekat", "near"),
                    component.near.join(", ")
                ));
            }
            if let Some(years) = component.recent_years {
                line.push_str(&match lang {
                    Lang::Id => format!("; tahunnya paling lama {years} tahun sebelum tahun uji"),
                    Lang::En => format!("; a year at most {years} before the run's year"),
                });
            }
            out.push_str(&wrap(&line, "  "));
        }
    }
    if rule.is_attestation() {
        let _ = writeln!(
            out,
            "\n{}",
            lang.pick("Pernyataan petugas", "Officer's statement")
        );
        out.push_str(&wrap(
            &match lang {
                Lang::Id => format!(
                    "Tidak diukur: ditulis di skenario sebagai `standards.attestations.{}` dengan by (nama), role (jabatan), date (tanggal), dan document_url atau sk_number; pernyataan yang lebih tua dari {} hari sebelum uji tidak dihitung.",
                    rule.code,
                    rule.params.duration("max_age").as_secs() / 86400
                ),
                Lang::En => format!(
                    "Not measured: written in the scenario as `standards.attestations.{}` with by (name), role, date, and document_url or sk_number; a statement older than {} days before the run does not count.",
                    rule.code,
                    rule.params.duration("max_age").as_secs() / 86400
                ),
            },
            "  ",
        ));
    }
    out
}

/// Every check kind with its levels shape and params.
pub fn kinds() -> String {
    let mut out = String::new();
    for kind in KINDS {
        let _ = writeln!(out, "{}", kind.name);
        out.push_str(&wrap(kind.summary, "  "));
        let _ = writeln!(out, "  levels: {}", kind.shape.describe());
        if kind.params.is_empty() {
            let _ = writeln!(out, "  params: none");
        } else {
            let _ = writeln!(out, "  params:");
            for param in kind.params {
                out.push_str(&wrap(
                    &format!("{} ({}): {}", param.name, param.kind.describe(), param.doc),
                    "    ",
                ));
            }
        }
        out.push('\n');
    }
    out
}

fn text_schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "en"],
        "properties": {
            "id": { "type": "string", "minLength": 1, "description": "Bahasa Indonesia" },
            "en": { "type": "string", "minLength": 1, "description": "English" }
        }
    })
}

fn band_list_schema() -> Value {
    json!({
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "additionalProperties": false,
            "required": ["min", "id", "en"],
            "properties": {
                "min": { "type": "number", "minimum": 0, "description": "on the index range: 1-5, or what `scale` says" },
                "id": { "type": "string", "minLength": 1 },
                "en": { "type": "string", "minLength": 1 }
            }
        }
    })
}

fn unit_schema(unit: Unit) -> Value {
    match unit {
        Unit::Ratio => json!({ "type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?%$" }),
        Unit::Duration => {
            json!({ "type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$" })
        }
        Unit::Count => json!({ "type": "integer", "minimum": 0 }),
    }
}

fn levels_schema(shape: Shape) -> Value {
    match shape {
        Shape::Binary => json!({ "const": "binary" }),
        Shape::Thresholds { unit, direction } => json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["thresholds"],
            "properties": { "thresholds": {
                "type": "object",
                "additionalProperties": false,
                "description": "the value needed for each level above the lowest: L2..L5 on 1-5, L1..L3 on a 0-3 scale (the loader checks them against `scale`)",
                "required": ["direction"],
                "minProperties": 2,
                "properties": { "direction": { "const": direction.key() } },
                "patternProperties": { "^L[1-9]$": unit_schema(unit) }
            } }
        }),
        Shape::Table(outcomes) => table_schema(outcomes),
        Shape::TableOrBinary(outcomes) => json!({
            "anyOf": [table_schema(outcomes), { "const": "binary" }]
        }),
    }
}

fn table_schema(outcomes: &[&str]) -> Value {
    // A level of the catalogue's scale (1-5 unless `scale` says otherwise).
    let level = json!({ "type": "integer", "minimum": 0, "maximum": 9 });
    let properties: serde_json::Map<String, Value> = outcomes
        .iter()
        .map(|outcome| ((*outcome).to_string(), level.clone()))
        .collect();
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["table"],
        "properties": { "table": {
            "type": "object",
            "additionalProperties": false,
            "required": outcomes,
            "properties": properties
        } }
    })
}

fn param_schema(kind: &ParamKind, doc: &str) -> Value {
    let mut schema = match kind {
        ParamKind::Integer { default, min } => {
            json!({ "type": "integer", "minimum": min, "default": default })
        }
        ParamKind::Number { default, min, max } => {
            json!({ "type": "number", "exclusiveMinimum": min, "maximum": max, "default": default })
        }
        ParamKind::Duration { default } => {
            json!({ "type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$", "default": default })
        }
        ParamKind::Strings { default } => {
            json!({ "type": "array", "items": { "type": "string", "minLength": 1 }, "default": default })
        }
        ParamKind::Regex { default } => {
            json!({ "type": "string", "format": "regex", "default": default })
        }
        ParamKind::Components => json!({
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["id", "name", "keywords"],
                "properties": {
                    "id": { "type": "string", "minLength": 1 },
                    "name": text_schema(),
                    "keywords": { "type": "array", "minItems": 1, "items": { "type": "string", "minLength": 1 } },
                    "value": { "type": "string", "format": "regex", "description": "a pattern that must match near a keyword" },
                    "near": { "type": "array", "minItems": 1, "items": { "type": "string", "minLength": 1 }, "description": "words of which one must stand near a keyword" },
                    "recent_years": { "type": "integer", "minimum": 0, "maximum": 100, "description": "the value is a year no older than the run's year minus this" }
                },
                "dependentRequired": { "recent_years": ["value"] }
            }
        }),
        ParamKind::Pages { default } => json!({
            "type": "array",
            "minItems": 1,
            "items": { "enum": PAGE_ROLES },
            "default": default
        }),
        ParamKind::Condition => json!({ "enum": CONDITIONS }),
        ParamKind::Choices { default, allowed } => json!({
            "type": "array",
            "uniqueItems": true,
            "items": { "enum": allowed },
            "default": default
        }),
    };
    if let Value::Object(map) = &mut schema {
        map.insert("description".into(), Value::String(doc.to_string()));
    }
    schema
}

fn kind_rule_schema(kind: &Kind) -> Value {
    let properties: serde_json::Map<String, Value> = kind
        .params
        .iter()
        .map(|param| (param.name.to_string(), param_schema(&param.kind, param.doc)))
        .collect();
    let required: Vec<&str> = kind
        .params
        .iter()
        .filter(|param| matches!(param.kind, ParamKind::Components))
        .map(|param| param.name)
        .collect();
    let mut params = json!({
        "type": ["object", "null"],
        "additionalProperties": false,
        "properties": properties
    });
    let mut then = json!({
        "properties": {
            "params": params.clone(),
            "levels": levels_schema(kind.shape)
        }
    });
    if !required.is_empty() {
        if let Value::Object(map) = &mut params {
            map.insert("required".into(), json!(required));
            map.insert("type".into(), json!("object"));
        }
        then = json!({
            "required": ["params"],
            "properties": { "params": params, "levels": levels_schema(kind.shape) }
        });
    }
    json!({
        "if": { "properties": { "check": { "const": kind.name } }, "required": ["check"] },
        "then": then
    })
}

/// The JSON Schema of a catalogue file (draft 2020-12), params and levels per
/// check kind included.
pub fn catalogue_schema() -> Value {
    let kinds: Vec<&str> = KINDS.iter().map(|kind| kind.name).collect();
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://ujilab.example/schemas/catalogue.schema.json",
        "title": "ujilab standards catalogue",
        "description": "A versioned catalogue of rules scored SPBE-style (levels 1-5, or the scale it states). Each rule names a check kind the ujilab binary implements; `ujilab standards kinds` documents them.",
        "type": "object",
        "additionalProperties": false,
        "required": ["catalogue", "version", "title", "aspects", "rules"],
        "properties": {
            "catalogue": { "type": "string", "pattern": "^[^\\s@]+$" },
            "version": { "type": "string", "minLength": 1 },
            "title": text_schema(),

            "disclaimer": {
                "description": "Said under every verdict besides ujilab's own disclaimer: for a catalogue that mirrors an instrument it is not.",
                "allOf": [text_schema()]
            },
            "scale": {
                "description": "Levels 1-5 and an index 1-5 when absent. Levels from `levels.from` to `levels.to`; the index, the weighted mean of levels, placed on `index.from`..`index.to` (the Ombudsman's 0-3 per indicator, 0-100 overall). Thresholds then name L{from+1}..L{to}, tables use levels in the range, and `binary` (5 and 1) is refused off 1-5.",
                "type": "object",
                "additionalProperties": false,
                "required": ["levels"],
                "properties": {
                    "levels": range_schema("integer", "whole levels 0-9, from below to"),
                    "index": range_schema("number", "the range the index is reported in; required to score, absent with purpose: evidence")
                },
                "examples": [{ "levels": { "from": 0, "to": 3 }, "index": { "from": 0, "to": 100 } }]
            },
            "bands": {
                "description": "Predicate table, highest first; `min` is inclusive; the last band's min is at most the index's lowest (1 on 1-5). Either one list, or named tables with the one the index is banded with (`use`).",
                "anyOf": [
                    band_list_schema(),
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["use", "tables"],
                        "properties": {
                            "use": { "type": "string", "minLength": 1, "description": "the name of the table that bands the index" },
                            "tables": {
                                "type": "array",
                                "minItems": 1,
                                "items": {
                                    "type": "object",
                                    "additionalProperties": false,
                                    "required": ["name", "source", "bands"],
                                    "properties": {
                                        "name": { "type": "string", "pattern": "^\\S+$" },
                                        "source": { "type": "string", "minLength": 1, "description": "the instrument, with its source mark ([C], [S], [U])" },
                                        "bands": band_list_schema()
                                    }
                                }
                            }
                        }
                    }
                ]
            },
            "certification": {
                "type": "object",
                "additionalProperties": false,
                "required": ["min_index", "critical_min_level", "min_coverage"],
                "properties": {
                    "min_index": { "type": "number", "description": "on the index range (1-5 unless `scale` says otherwise)" },
                    "critical_min_level": { "type": "integer", "minimum": 0, "maximum": 9, "description": "a level of the scale (1-5 unless `scale` says otherwise)" },
                    "min_coverage": { "type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?%$" },
                    "predicate_requires_critical": { "type": "boolean", "default": false, "description": "show the predicate only when every critical rule reaches critical_min_level" },
                    "count_attested": { "type": "boolean", "default": false, "description": "count rules of kind attestation in the index and the verdict" }
                }
            },
            "aspects": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["id", "weight", "title"],
                    "properties": {
                        "id": { "type": "string", "minLength": 1 },
                        "weight": { "type": "number", "exclusiveMinimum": 0 },
                        "title": text_schema()
                    }
                }
            },
            "rules": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["code", "aspect", "basis", "reference", "critical", "weight", "title", "why", "fix", "check", "levels"],
                    "properties": {
                        "code": { "type": "string", "pattern": "^\\S+$" },
                        "aspect": { "type": "string" },
                        "basis": { "enum": ["regulation", "practice"] },
                        "reference": { "type": "string" },
                        "critical": { "type": "boolean" },
                        "critical_when": { "enum": CONDITIONS, "description": "critical only when this holds for the run; with critical: false" },
                        "weight": { "type": "number", "exclusiveMinimum": 0 },
                        "title": text_schema(),
                        "why": text_schema(),
                        "fix": text_schema(),
                        "check": { "enum": kinds },
                        "params": { "type": ["object", "null"] },
                        "levels": {}
                    },
                    "allOf": KINDS.iter().map(kind_rule_schema).collect::<Vec<_>>()
                }
            }
        }
    });
    with_purpose(&mut schema);
    schema
}

/// `purpose:`, and what each purpose asks of the rest of the file.
fn with_purpose(schema: &mut Value) {
    schema["properties"]["purpose"] = json!({
        "enum": ["score", "evidence"],
        "default": "score",
        "description": "`score`: rules are levelled, weighted into an index, banded into a predicate and held to `certification` for a verdict. `evidence`: each rule shows the level evidenced and nothing more (no bands, certification, index, critical rules or verdict), and a scenario names the rules it is evidence for in `standards.evidence_for`."
    });
    schema["if"] =
        json!({ "properties": { "purpose": { "const": "evidence" } }, "required": ["purpose"] });
    schema["then"] = evidence_only_schema();
    schema["else"] = json!({
        "required": ["bands", "certification"],
        "properties": { "scale": { "required": ["index"] } }
    });
}

/// What `purpose: evidence` forbids: a predicate, a verdict, an index and
/// critical rules.
fn evidence_only_schema() -> Value {
    json!({
        "not": { "anyOf": [{ "required": ["bands"] }, { "required": ["certification"] }] },
        "properties": {
            "scale": { "not": { "required": ["index"] } },
            "rules": {
                "items": {
                    "properties": { "critical": { "const": false } },
                    "not": { "required": ["critical_when"] }
                }
            }
        }
    })
}

/// `{ from, to }` of one type, for `scale`.
fn range_schema(kind: &str, description: &str) -> Value {
    json!({
        "type": "object",
        "description": description,
        "additionalProperties": false,
        "required": ["from", "to"],
        "properties": { "from": { "type": kind }, "to": { "type": kind } }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{BUILT_IN_TEXT, built_in};

    #[test]
    fn built_in_catalogue_matches_its_schema() {
        let schema = catalogue_schema();
        let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{e}"));
        for text in [
            BUILT_IN_TEXT,
            crate::catalogue::BUILT_IN_2026_2_TEXT,
            crate::catalogue::OMBUDSMAN_TEXT,
            crate::catalogue::SPBE_LAYANAN_TEXT,
        ] {
            let document: Value =
                crate::scenario::raw::parse(text).unwrap_or_else(|e| panic!("{e:?}"));
            let errors: Vec<String> = validator
                .iter_errors(&document)
                .map(|error| format!("{} at {}", error, error.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{errors:#?}");
        }
        let document: Value =
            crate::scenario::raw::parse(BUILT_IN_TEXT).unwrap_or_else(|e| panic!("{e:?}"));
        // And the schema rejects what the loader rejects.
        let mut bad = document.clone();
        bad["rules"][0]["levels"] = json!("binary");
        assert!(!validator.is_valid(&bad));
        bad = document;
        bad["rules"][3]["params"] = json!({ "percentil": 95 });
        assert!(!validator.is_valid(&bad));
        // An evidence catalogue with a verdict's parts, or a critical rule.
        let evidence: Value = crate::scenario::raw::parse(crate::catalogue::SPBE_LAYANAN_TEXT)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let mut bad = evidence.clone();
        bad["certification"] =
            json!({ "min_index": 1, "critical_min_level": 1, "min_coverage": "90%" });
        assert!(!validator.is_valid(&bad));
        bad = evidence.clone();
        bad["rules"][0]["critical"] = json!(true);
        assert!(!validator.is_valid(&bad));
        bad = evidence;
        bad["rules"][0]["params"]["interaction"] = json!(["serch"]);
        assert!(!validator.is_valid(&bad));
    }

    #[test]
    fn the_checked_in_schema_is_current() {
        let file: Value =
            serde_json::from_str(include_str!("../../../../schemas/catalogue.schema.json"))
                .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            file == catalogue_schema(),
            "schemas/catalogue.schema.json is stale: run `ujilab schema catalogue > schemas/catalogue.schema.json`"
        );
    }

    #[test]
    fn list_and_show_in_both_languages() {
        let catalogue =
            built_in().unwrap_or_else(|f| panic!("{}", f.render(crate::lang::Lang::En)));
        let id = list(&catalogue, Lang::Id);
        assert!(
            id.contains("SC-04") && id.contains("HSTS aktif") && id.contains("Keamanan (bobot 30)")
        );
        let en = list(&catalogue, Lang::En);
        assert!(en.contains("HSTS enabled") && en.contains("critical rule"));
        let Some(rule) = catalogue.rule("SC-04") else {
            panic!()
        };
        let shown = show(&catalogue, rule, Lang::En);
        for part in [
            "SC-04  HSTS enabled",
            "Why it matters",
            "How to fix",
            "RFC 6797",
            "long_with_subdomains   5",
        ] {
            assert!(shown.contains(part), "{part} in\n{shown}");
        }
        let shown = show(&catalogue, rule, Lang::Id);
        assert!(shown.contains("Mengapa penting") && shown.contains("Cara memperbaiki"));
        assert!(
            kinds().contains("http_only_exempt (list of strings, default [XSRF-TOKEN, csrftoken])")
        );
    }

    /// Levels in Indonesian say T (tingkat) with a decimal comma, and the level
    /// below the first threshold is the scale's lowest (0 on the Ombudsman's 0-3).
    #[test]
    fn show_writes_levels_in_the_reader_s_language_and_scale() {
        let core = built_in().unwrap_or_else(|f| panic!("{}", f.render(Lang::En)));
        let Some(av01) = core.rule("AV-01") else {
            panic!("AV-01")
        };
        let id = show(&core, av01, Lang::Id);
        assert!(
            id.contains("T2 >= 95%, T3 >= 99%, T4 >= 99,5%, T5 >= 99,9%")
                && id.contains("di bawah T2: tingkat 1"),
            "{id}"
        );
        let en = show(&core, av01, Lang::En);
        assert!(
            en.contains("L4 >= 99.5%") && en.contains("below L2: level 1"),
            "{en}"
        );
        let ombudsman =
            crate::catalogue::ombudsman().unwrap_or_else(|f| panic!("{}", f.render(Lang::En)));
        let Some(om13) = ombudsman.rule("OM-13") else {
            panic!("OM-13")
        };
        let en = show(&ombudsman, om13, Lang::En);
        assert!(en.contains("below L1: level 0"), "{en}");
    }

    /// Issue 14: `standards list` shows 2026.2 with every rule's basis and source
    /// marks; `standards show` explains the new rules in both languages.
    #[test]
    fn catalogue_2026_2_lists_marks_and_explains_new_rules() {
        let versions = crate::catalogue::built_in_versions();
        let Some(Ok(catalogue)) = versions.iter().find(|loaded| {
            loaded
                .as_ref()
                .is_ok_and(|catalogue| catalogue.version == "2026.2")
        }) else {
            panic!("2026.2 is built in")
        };
        let id = list(catalogue, Lang::Id);
        let en = list(catalogue, Lang::En);
        for rule in &catalogue.rules {
            let marks = source_marks(&rule.reference);
            let line = id
                .lines()
                .find(|line| line.trim_start().starts_with(&rule.code))
                .unwrap_or_default();
            assert!(
                line.ends_with(&format!(
                    "{}{}",
                    rule.basis.name(Lang::Id),
                    if marks.is_empty() {
                        String::new()
                    } else {
                        format!(" {marks}")
                    }
                )),
                "{line}"
            );
        }
        assert!(
            id.contains("TR-02    ") && id.contains("regulasi [C][S][U]"),
            "{id}"
        );
        assert!(id.contains("(*) kriteria wajib bila layanan mengumpulkan data pribadi"));
        assert!(
            id.contains("Predikat spbe-2020 (dipakai): Memuaskan >= 4,2"),
            "{id}"
        );
        assert!(
            en.contains("Predicate pemdi-2026 (not used): Excellent >= 4.0"),
            "{en}"
        );
        assert!(en.contains("\"— (critical criteria not met)\""));
        assert!(id.contains("Dinyatakan petugas (tidak diukur) (bobot 10)"));
        assert!(en.contains("are shown apart and count in neither the index nor the verdict"));

        let show_rule = |code: &str, lang: Lang| {
            let rule = catalogue.rule(code).unwrap_or_else(|| panic!("{code}"));
            show(catalogue, rule, lang)
        };
        // Words as printed, whatever the wrapping.
        let tr06 = show_rule("TR-06", Lang::Id)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for part in [
            "Hasil survei kepuasan masyarakat dipublikasikan",
            "`pages.skm`, bila tidak ada: `pages.home`",
            "Nilai IKM: ikm, nilai ikm",
            "tahunnya paling lama 1 tahun sebelum tahun uji",
            "Mengapa penting",
        ] {
            assert!(tr06.contains(part), "{part} in\n{tr06}");
        }
        let pd01 = show_rule("PD-01", Lang::En);
        assert!(
            pd01.contains("when the service collects personal data (at least level 3)"),
            "{pd01}"
        );
        assert!(pd01.contains("Applies only when a page read has a form"));
        let at04 = show_rule("AT-04", Lang::Id);
        assert!(
            at04.contains("`standards.attestations.AT-04`") && at04.contains("365 hari"),
            "{at04}"
        );
        let tr05 = show_rule("TR-05", Lang::En);
        assert!(
            tr05.contains("Commitment stated: sanggup") && tr05.contains("near maklumat"),
            "{tr05}"
        );
    }
}
