//! The catalogue as people and editors read it: `ujilab standards list`, `show`,
//! `kinds` and `ujilab schema catalogue`, all generated from the catalogue and
//! the kinds table, so the docs are the behaviour (ruff's lesson). Pure: each
//! function returns the text; the command prints it.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::catalogue::kinds::{CONDITIONS, KINDS, Kind, PAGE_ROLES, ParamKind, Shape, Unit};
use crate::catalogue::{Catalogue, Levels, Rule};
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

/// Every rule, grouped by aspect, regulation and practice marked apart.
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
            let _ = writeln!(
                out,
                "  {:<6} {} {:<50} {}",
                rule.code,
                if rule.critical { "*" } else { " " },
                rule.title.pick(lang),
                rule.basis.name(lang)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "* {} {}",
        lang.pick(
            "aturan kritis: harus mencapai level",
            "critical rule: must reach level"
        ),
        catalogue.certification.critical_min_level
    );
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            "`ujilab standards show KODE` menampilkan alasan, cara memperbaiki dan level sebuah aturan.",
            "`ujilab standards show CODE` shows a rule's why, how to fix and levels."
        )
    );
    out
}

/// One rule in full.
pub fn show(catalogue: &Catalogue, rule: &Rule, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}  {}\n", rule.code, rule.title.pick(lang));
    let aspect = catalogue
        .aspect(&rule.aspect)
        .map_or(rule.aspect.as_str(), |a| a.title.pick(lang));
    let rows = [
        (lang.pick("Aspek", "Aspect"), aspect.to_string()),
        (
            lang.pick("Dasar", "Basis"),
            format!("{} ({})", rule.basis.name(lang), rule.reference),
        ),
        (
            lang.pick("Kritis", "Critical"),
            if rule.critical {
                format!(
                    "{} ({} {})",
                    lang.pick("ya", "yes"),
                    lang.pick("minimal level", "at least level"),
                    catalogue.certification.critical_min_level
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
    let _ = writeln!(out, "\n{}", lang.pick("Level", "Levels"));
    match &rule.levels {
        Levels::Thresholds(_) => {
            out.push_str(&wrap(&rule.levels.describe(), "  "));
            let _ = writeln!(
                out,
                "  {}",
                lang.pick("di bawah L2: level 1", "below L2: level 1")
            );
        }
        Levels::Binary => {
            let _ = writeln!(
                out,
                "  {}",
                lang.pick("lulus = 5, gagal = 1", "pass = 5, fail = 1")
            );
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
                "min": { "type": "number", "minimum": 0, "maximum": 5 },
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
                "required": ["direction", "L2", "L3", "L4", "L5"],
                "properties": {
                    "direction": { "const": direction.key() },
                    "L2": unit_schema(unit),
                    "L3": unit_schema(unit),
                    "L4": unit_schema(unit),
                    "L5": unit_schema(unit)
                }
            } }
        }),
        Shape::Table(outcomes) => table_schema(outcomes),
        Shape::TableOrBinary(outcomes) => json!({
            "anyOf": [table_schema(outcomes), { "const": "binary" }]
        }),
    }
}

fn table_schema(outcomes: &[&str]) -> Value {
    let level = json!({ "type": "integer", "minimum": 1, "maximum": 5 });
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
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://ujilab.example/schemas/catalogue.schema.json",
        "title": "ujilab standards catalogue",
        "description": "A versioned catalogue of rules scored SPBE-style (levels 1-5). Each rule names a check kind the ujilab binary implements; `ujilab standards kinds` documents them.",
        "type": "object",
        "additionalProperties": false,
        "required": ["catalogue", "version", "title", "bands", "certification", "aspects", "rules"],
        "properties": {
            "catalogue": { "type": "string", "pattern": "^[^\\s@]+$" },
            "version": { "type": "string", "minLength": 1 },
            "title": text_schema(),
            "bands": {
                "description": "Predicate table, highest first; `min` is inclusive; the last band's min is at most 1. Either one list, or named tables with the one the index is banded with (`use`).",
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
                    "min_index": { "type": "number", "minimum": 1, "maximum": 5 },
                    "critical_min_level": { "type": "integer", "minimum": 1, "maximum": 5 },
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
        for text in [BUILT_IN_TEXT, crate::catalogue::BUILT_IN_2026_2_TEXT] {
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
        let catalogue = built_in().unwrap_or_else(|f| panic!("{}", f.render()));
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
}
