//! The validated catalogue: rules with their aspect, basis, weight, texts in
//! both languages, check kind, params and levels; bands and certification.

use serde::{Deserialize, Serialize};

use crate::catalogue::kinds::Kind;
use crate::catalogue::levels::Levels;
use crate::catalogue::params::Params;
use crate::lang::Lang;
pub use crate::text::Text;

/// A validated catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub name: String,
    pub version: String,
    pub title: Text,
    /// The predicate table the index is banded with: highest first; the last
    /// one's `min` is at most 1.0, so every index has one.
    pub bands: Vec<Band>,
    /// The name of that table, when the catalogue names its tables.
    pub bands_name: Option<String>,
    /// Every named table the catalogue lists (empty for a plain list), for docs.
    pub band_tables: Vec<BandTable>,
    pub certification: Certification,
    pub aspects: Vec<Aspect>,
    /// In file order: the order of every report.
    pub rules: Vec<Rule>,
    /// Where it came from: the built-in file or the path as resolved.
    pub source: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
}

impl Catalogue {
    pub fn rule(&self, code: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.code == code)
    }

    pub fn aspect(&self, id: &str) -> Option<&Aspect> {
        self.aspects.iter().find(|aspect| aspect.id == id)
    }

    /// The predicate band of a (rounded) index.
    pub fn band(&self, index: f64) -> Option<&Band> {
        self.bands.iter().find(|band| index >= band.min - 1e-9)
    }

    /// Whether this rule is an officer's statement, not a measurement.
    pub fn is_attestation(rule: &Rule) -> bool {
        rule.check.name == "attestation"
    }

    pub fn codes(&self) -> Vec<String> {
        self.rules.iter().map(|rule| rule.code.clone()).collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Inclusive lower bound of the index.
    pub min: f64,
    pub name: Text,
}

/// A named predicate table with its source (`spbe-2020`, `pemdi-2026`).
#[derive(Debug, Clone, PartialEq)]
pub struct BandTable {
    pub name: String,
    /// The instrument it comes from, with its source mark.
    pub source: String,
    pub bands: Vec<Band>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Certification {
    pub min_index: f64,
    pub critical_min_level: u8,
    /// Ratio 0..1.
    pub min_coverage: f64,
    /// The predicate is shown only when every critical rule reaches
    /// `critical_min_level` (catalogue-2026.2.md section 2, fix a).
    pub predicate_requires_critical: bool,
    /// Rules of kind `attestation` count in the index and the verdict; by
    /// default they are shown apart, not measured.
    pub count_attested: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Aspect {
    pub id: String,
    pub weight: f64,
    pub title: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// An Indonesian legal basis.
    Regulation,
    /// Best practice.
    Practice,
}

impl Basis {
    pub(crate) fn name(self, lang: Lang) -> &'static str {
        match self {
            Basis::Regulation => lang.pick("regulasi", "regulation"),
            Basis::Practice => lang.pick("praktik baik", "best practice"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub code: String,
    pub aspect: String,
    pub basis: Basis,
    pub reference: String,
    pub critical: bool,
    /// Critical only when this condition holds for the run
    /// (`collects_personal_data`); `critical` is then false.
    pub critical_when: Option<String>,
    pub weight: f64,
    pub title: Text,
    pub why: Text,
    pub fix: Text,
    pub check: &'static Kind,
    pub params: Params,
    pub levels: Levels,
}

impl Rule {
    /// Whether this rule is an officer's statement, not a measurement.
    pub fn is_attestation(&self) -> bool {
        self.check.name == "attestation"
    }
}
