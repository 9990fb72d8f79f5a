//! Catalogues: versioned YAML files of rules, read through the project's one YAML
//! entry point ([`crate::scenario::raw::parse`]) and validated as strictly as a
//! scenario, every problem with its line, column and key path.
//!
//! The built-in profile `idsll-core` is embedded in two versions: 2026.2 (the
//! default, `standards/idsll-core-2026.2.yaml`) and 2026.1
//! (`standards/idsll-core.yaml`); a scenario names it as `idsll-core`, pins a
//! version as `idsll-core@2026.1`, or names another catalogue by a path relative
//! to the scenario file. `ombudsman-kepatuhan` is built in too: the Ombudsman's
//! observable publication indicators on its own scale (0..3, indexed 0..100).
//!
//! This module owns the entry points ([`parse`], [`built_in`]) and
//! [`CatalogueFailure`]. The rest, by job:
//!
//! - `model`: the validated [`Catalogue`] and its rules, aspects, bands;
//! - `levels` and `params`: a rule's [`Levels`] (value or outcome to level) and
//!   [`Params`] (its check kind's params, defaults filled in);
//! - `raw`: the serde mirror of the YAML, with positions;
//! - `validate`: the raw mirror checked into the model, every problem positioned;
//! - `profile`: what a scenario's `standards.profile` resolves to ([`resolve`]);
//! - [`kinds`]: the check kinds a rule may name, with their params and level shape;
//! - [`docs`]: the catalogue and its kinds rendered for people, and its JSON Schema.

pub mod docs;
pub mod kinds;
mod levels;
mod model;
mod params;
mod profile;
mod raw;
mod validate;

use std::sync::{Arc, OnceLock};

use crate::diagnostic::Problem;
use crate::scenario::raw as yaml;

pub use levels::{Levels, Thresholds, format_value};
pub use model::{Aspect, Band, BandTable, Basis, Catalogue, Certification, Rule, Scale, Text};
pub use params::{Component, ParamValue, Params, normalise};
pub use profile::{ProfileError, resolve};

/// The text of idsll-core 2026.1, pinned as `idsll-core@2026.1`.
pub(crate) const BUILT_IN_TEXT: &str = include_str!("../../../../standards/idsll-core.yaml");
/// The built-in catalogue's name.
pub(crate) const BUILT_IN_NAME: &str = "idsll-core";
/// How the built-in catalogue is named in messages and `source`.
const BUILT_IN_FILE: &str = "standards/idsll-core.yaml (built in)";
/// idsll-core 2026.2 (catalogue-2026.2.md): the default for `idsll-core`.
pub(crate) const BUILT_IN_2026_2_TEXT: &str =
    include_str!("../../../../standards/idsll-core-2026.2.yaml");
const BUILT_IN_2026_2_FILE: &str = "standards/idsll-core-2026.2.yaml (built in)";
/// The Ombudsman compliance simulation (`profile: ombudsman-kepatuhan`): the
/// observable publication indicators on the Ombudsman's 0..3 scale, indexed 0..100.
pub(crate) const OMBUDSMAN_NAME: &str = "ombudsman-kepatuhan";
pub(crate) const OMBUDSMAN_TEXT: &str =
    include_str!("../../../../standards/ombudsman-kepatuhan.yaml");
const OMBUDSMAN_FILE: &str = "standards/ombudsman-kepatuhan.yaml (built in)";
/// Supporting evidence per SPBE public-service indicator (`profile:
/// spbe-layanan`): an evidence catalogue, with no index or verdict.
pub(crate) const SPBE_LAYANAN_NAME: &str = "spbe-layanan";
pub(crate) const SPBE_LAYANAN_TEXT: &str = include_str!("../../../../standards/spbe-layanan.yaml");
const SPBE_LAYANAN_FILE: &str = "standards/spbe-layanan.yaml (built in)";

/// Why a catalogue could not be loaded: every problem, positioned in its file.
#[derive(Debug, Clone)]
pub struct CatalogueFailure {
    /// The file as named in messages.
    pub file: String,
    pub text: Option<String>,
    pub problems: Vec<Problem>,
}

impl CatalogueFailure {
    /// rustc-style, with the offending lines, in `lang`.
    pub fn render(&self, lang: crate::lang::Lang) -> String {
        crate::diagnostic::render(&self.file, self.text.as_deref(), &self.problems, lang)
    }
}

/// Parses and validates a catalogue. `file` names it in messages.
pub fn parse(text: &str, file: &str) -> Result<Catalogue, CatalogueFailure> {
    let fail = |problems| CatalogueFailure {
        file: file.to_string(),
        text: Some(text.to_string()),
        problems,
    };
    let raw: raw::RawCatalogue =
        yaml::parse(text).map_err(|error| fail(vec![error.into_problem()]))?;
    let mut checker = validate::Checker::default();
    let catalogue = checker.catalogue(raw, file, text);
    match catalogue {
        Some(catalogue) if checker.problems.is_empty() => Ok(catalogue),
        _ => Err(fail(checker.problems)),
    }
}

/// The default built-in catalogue (idsll-core 2026.2), parsed once.
pub fn built_in() -> Result<Arc<Catalogue>, CatalogueFailure> {
    static V2026_2: OnceLock<Result<Arc<Catalogue>, CatalogueFailure>> = OnceLock::new();
    V2026_2
        .get_or_init(|| parse(BUILT_IN_2026_2_TEXT, BUILT_IN_2026_2_FILE).map(Arc::new))
        .clone()
}

/// Every built-in version of idsll-core, the default first.
pub fn built_in_versions() -> Vec<Result<Arc<Catalogue>, CatalogueFailure>> {
    static V2026_1: OnceLock<Result<Arc<Catalogue>, CatalogueFailure>> = OnceLock::new();
    vec![
        built_in(),
        V2026_1
            .get_or_init(|| parse(BUILT_IN_TEXT, BUILT_IN_FILE).map(Arc::new))
            .clone(),
    ]
}

/// The built-in Ombudsman compliance simulation, parsed once.
pub fn ombudsman() -> Result<Arc<Catalogue>, CatalogueFailure> {
    static PARSED: OnceLock<Result<Arc<Catalogue>, CatalogueFailure>> = OnceLock::new();
    PARSED
        .get_or_init(|| parse(OMBUDSMAN_TEXT, OMBUDSMAN_FILE).map(Arc::new))
        .clone()
}

/// The built-in SPBE public-service evidence profile, parsed once.
pub fn spbe_layanan() -> Result<Arc<Catalogue>, CatalogueFailure> {
    static PARSED: OnceLock<Result<Arc<Catalogue>, CatalogueFailure>> = OnceLock::new();
    PARSED
        .get_or_init(|| parse(SPBE_LAYANAN_TEXT, SPBE_LAYANAN_FILE).map(Arc::new))
        .clone()
}

/// Every catalogue built into ujilab: idsll-core's versions (the default first),
/// then the other profiles.
pub fn built_in_catalogues() -> Vec<Result<Arc<Catalogue>, CatalogueFailure>> {
    let mut all = built_in_versions();
    all.push(ombudsman());
    all.push(spbe_layanan());
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 14.8: the Ombudsman simulation loads on its own scale, with its
    /// zones, its disclaimer, and resolves by name.
    #[test]
    fn the_ombudsman_profile_scores_zero_to_three_indexed_to_a_hundred() {
        let catalogue = ombudsman()
            .unwrap_or_else(|failure| panic!("{}", failure.render(crate::lang::Lang::En)));
        assert_eq!(
            catalogue.scale,
            Scale {
                lowest: 0,
                highest: 3,
                index_lowest: 0.0,
                index_highest: 100.0
            }
        );
        assert_eq!(catalogue.scale.index_of(3.0), 100.0);
        assert_eq!(catalogue.scale.index_of(0.0), 0.0);
        assert_eq!(catalogue.scale.index_of(1.5), 50.0);
        let rule = |code: &str| catalogue.rule(code).unwrap_or_else(|| panic!("{code}"));
        assert_eq!(rule("OM-01").levels.of_value(0.0), 0);
        assert_eq!(rule("OM-01").levels.of_value(1.0), 3);
        assert_eq!(rule("OM-06").levels.of_value(1.0), 2);
        assert_eq!(rule("OM-06").levels.of_value(2.0), 3);
        assert_eq!(rule("OM-12").levels.of_outcome("none"), 0);
        assert_eq!(rule("OM-12").levels.of_outcome("sp4n_lapor"), 3);
        let zone = |index: f64| catalogue.band(index).map(|band| band.name.id.clone());
        assert_eq!(zone(81.0).as_deref(), Some("Zona hijau (kepatuhan tinggi)"));
        assert_eq!(
            zone(80.99).as_deref(),
            Some("Zona kuning (kepatuhan sedang)")
        );
        assert_eq!(
            zone(50.99).as_deref(),
            Some("Zona merah (kepatuhan rendah)")
        );
        assert!(
            catalogue
                .disclaimer
                .as_ref()
                .is_some_and(|text| text.id.contains("bukan penilaian/opini Ombudsman"))
        );
        assert_eq!(built_in_catalogues().len(), built_in_versions().len() + 2);
        let resolved = resolve("ombudsman-kepatuhan", std::path::Path::new("."))
            .unwrap_or_else(|error| panic!("{error:?}"));
        assert_eq!(resolved.name, "ombudsman-kepatuhan");
        let pinned = resolve("ombudsman-kepatuhan@2026.2", std::path::Path::new("."));
        assert!(pinned.is_ok_and(|c| c.scale.highest == 3));
        assert!(matches!(
            resolve("ombudsman-kepatuhn", std::path::Path::new(".")),
            Err(ProfileError::Unknown { suggestion: Some(s), .. }) if s == "ombudsman-kepatuhan"
        ));
    }

    /// Issue 14.8: spbe-layanan is evidence only: no bands, certification or
    /// index, tingkat 0..5 per indicator, resolved by name.
    #[test]
    fn the_spbe_layanan_profile_is_evidence_only() {
        let catalogue = spbe_layanan()
            .unwrap_or_else(|failure| panic!("{}", failure.render(crate::lang::Lang::En)));
        assert!(catalogue.evidence_only());
        assert!(catalogue.bands.is_empty() && catalogue.certification.is_none());
        assert_eq!((catalogue.scale.lowest, catalogue.scale.highest), (0, 5));
        assert_eq!(
            catalogue.codes(),
            [
                "SPBE-42", "SPBE-43", "SPBE-44", "SPBE-45", "SPBE-46", "SPBE-47"
            ]
        );
        let rule = |code: &str| catalogue.rule(code).unwrap_or_else(|| panic!("{code}"));
        assert_eq!(rule("SPBE-42").levels.of_outcome("kolaborasi"), 4);
        assert_eq!(rule("SPBE-42").levels.of_outcome("none"), 0);
        assert_eq!(
            rule("SPBE-43").params.strings("interaction"),
            ["search", "download"]
        );
        assert_eq!(
            rule("SPBE-45").params.strings("interaction"),
            ["search", "download", "upload"]
        );
        assert!(
            rule("SPBE-45")
                .params
                .strings("collaboration_domains")
                .is_empty()
        );
        assert!(catalogue.rules.iter().all(|rule| !rule.critical));
        let resolved = resolve("spbe-layanan", std::path::Path::new("."));
        assert!(resolved.is_ok_and(|c| c.evidence_only()));
    }

    /// An evidence catalogue may not carry what would read as a score, and a
    /// scoring one must; a misspelt interaction is an error, not a lighter check.
    #[test]
    fn purpose_decides_what_a_catalogue_may_hold() {
        let evidence = SPBE_LAYANAN_TEXT;
        let problems = |text: &str| -> Vec<(String, String)> {
            match parse(text, "t.yaml") {
                Ok(_) => Vec::new(),
                Err(failure) => failure
                    .problems
                    .iter()
                    .map(|p| (p.path.clone(), p.message.en.clone()))
                    .collect(),
            }
        };
        let with_bands = evidence.replace(
            "purpose: evidence\n",
            "purpose: evidence\nbands: [{ min: 0, id: a, en: a }]\n",
        );
        assert!(
            problems(&with_bands)
                .iter()
                .any(|(path, _)| path == "bands")
        );
        let critical = evidence.replacen("critical: false", "critical: true", 1);
        assert!(
            problems(&critical)
                .iter()
                .any(|(path, m)| path == "rules[0].critical" && m.contains("no rule is critical"))
        );
        let indexed = evidence.replace(
            "levels: { from: 0, to: 5 }",
            "levels: { from: 0, to: 5 }\n  index: { from: 0, to: 100 }",
        );
        assert!(
            problems(&indexed)
                .iter()
                .any(|(path, _)| path == "scale.index")
        );
        let scoring = evidence.replace("purpose: evidence\n", "");
        let missing: Vec<String> = problems(&scoring)
            .into_iter()
            .map(|(path, _)| path)
            .collect();
        assert!(
            missing.contains(&"bands".to_string())
                && missing.contains(&"certification".to_string()),
            "{missing:?}"
        );
        let typo = evidence.replace(
            "interaction: [search, download]",
            "interaction: [serch, download]",
        );
        let found = problems(&typo);
        assert!(
            found
                .iter()
                .any(|(path, m)| path.ends_with("interaction[0]") && m.contains("`serch`")),
            "{found:?}"
        );
        let twice = evidence.replace(
            "interaction: [search, download]",
            "interaction: [search, search]",
        );
        assert!(
            problems(&twice)
                .iter()
                .any(|(_, m)| m.contains("listed twice"))
        );
        let unknown = evidence.replace("purpose: evidence", "purpose: evidense");
        assert!(problems(&unknown).iter().any(|(path, _)| path == "purpose"));
    }

    /// Issue 14: 2026.2 loads, keeps every 2026.1 rule, and carries the
    /// corrected bases with their source marks.
    #[test]
    fn built_in_2026_2_is_valid_with_corrected_bases() {
        let versions: Vec<Arc<Catalogue>> = built_in_versions()
            .into_iter()
            .map(|loaded| {
                loaded.unwrap_or_else(|failure| panic!("{}", failure.render(crate::lang::Lang::En)))
            })
            .collect();
        let (new, old) = (&versions[0], &versions[1]);
        assert_eq!(new.version, "2026.2");
        for code in old.codes() {
            assert!(new.rule(&code).is_some(), "{code} kept in 2026.2");
        }
        let rule = |code: &str| new.rule(code).unwrap_or_else(|| panic!("{code}"));
        assert_eq!(rule("IO-03").basis, Basis::Practice);
        assert!(rule("TR-03").reference.contains("PP 71/2019 Pasal 29"));
        assert!(!rule("TR-03").reference.contains("Pasal 21"));
        assert!(rule("TR-02").reference.contains("Pasal 36-37 [C]"));
        assert!(!rule("TR-02").why.id.contains("terhubung dengan SP4N"));
        assert!(!rule("SC-01").fix.id.contains("BSrE") && !rule("SC-01").fix.en.contains("BSrE"));
        assert!(
            rule("TR-04")
                .reference
                .contains("PP 71/2019 Pasal 82 dan 85")
        );
        assert!(rule("PF-01").reference.starts_with("Kebijakan harness"));
        for rule in &new.rules {
            assert!(
                !rule.title.id.contains("jawab") && !rule.why.id.contains("jawaban"),
                "{}: 'respons', not 'jawaban'",
                rule.code
            );
        }
        let keywords = rule("TR-01").params.components("components")[4]
            .keywords
            .clone();
        assert!(!keywords.iter().any(|k| k == "produk"), "{keywords:?}");
    }

    #[test]
    fn built_in_catalogue_is_valid_and_complete() {
        assert_eq!(
            built_in().map(|c| c.version.clone()).ok().as_deref(),
            Some("2026.2")
        );
        let catalogue = match built_in_versions().pop() {
            Some(Ok(catalogue)) => catalogue,
            Some(Err(failure)) => panic!("{}", failure.render(crate::lang::Lang::En)),
            None => panic!("2026.1 is built in"),
        };
        assert_eq!(catalogue.name, "idsll-core");
        assert_eq!(catalogue.version, "2026.1");
        // The rule table of standards.md lists 25 rules (it says 24).
        assert_eq!(catalogue.rules.len(), 25);
        assert_eq!(
            catalogue.aspects.iter().map(|a| a.weight).sum::<f64>(),
            100.0
        );
        let certification = catalogue.certification.clone().expect("idsll-core scores");
        assert_eq!(certification.critical_min_level, 3);
        assert!((certification.min_coverage - 0.9).abs() < 1e-12);
        let critical: Vec<&str> = catalogue
            .rules
            .iter()
            .filter(|r| r.critical)
            .map(|r| r.code.as_str())
            .collect();
        assert_eq!(critical, ["AV-01", "FN-01", "SC-01", "SC-02", "TR-01"]);
        let tr01 = catalogue
            .rule("TR-01")
            .map(|r| r.params.components("components").len());
        assert_eq!(tr01, Some(6));
        assert_eq!(
            catalogue.band(4.2).map(|b| b.name.id.as_str()),
            Some("Memuaskan")
        );
        assert_eq!(
            catalogue.band(2.59).map(|b| b.name.id.as_str()),
            Some("Cukup")
        );
        assert_eq!(catalogue.sha256.len(), 64);
    }

    #[test]
    fn syntax_errors_are_positioned() {
        let failure = parse("catalogue: x\nversion: \"1\"\ntitel: {}\n", "x.yaml").err();
        let Some(failure) = failure else {
            panic!("should fail")
        };
        assert_eq!(failure.problems.len(), 1);
        assert_eq!(failure.problems[0].line, 3);
        assert_eq!(
            failure.problems[0]
                .help
                .as_ref()
                .map(|help| help.en.as_str()),
            Some("did you mean `title`?")
        );
    }
}
