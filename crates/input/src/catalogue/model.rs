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
    /// What a verdict needs; `None` for a catalogue of supporting evidence
    /// (`purpose: evidence`), which reaches no index, predicate or verdict.
    pub certification: Option<Certification>,
    /// The levels a rule reaches and the range the index is reported in.
    pub scale: Scale,
    /// Said under every verdict besides ujilab's own disclaimer, when the
    /// catalogue mirrors an instrument it is not (`ombudsman-kepatuhan`).
    pub disclaimer: Option<Text>,
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

    /// Whether this catalogue gives supporting evidence per rule and nothing
    /// more: no index, predicate or verdict (`spbe-layanan`).
    pub fn evidence_only(&self) -> bool {
        self.certification.is_none()
    }

    /// Whether this rule is an officer's statement, not a measurement.
    pub fn is_attestation(rule: &Rule) -> bool {
        rule.check.name == "attestation"
    }

    pub fn codes(&self) -> Vec<String> {
        self.rules.iter().map(|rule| rule.code.clone()).collect()
    }

    /// The words that tell a page of `role` (`service_standard`, `complaints`,
    /// `maklumat`, `skm`, `ppid`, `privacy`) apart, taken from the rules that
    /// read that page, so that `ujilab init` looks for a page with the words
    /// its checks will look for (one list, in the catalogue). Each group is one
    /// thing the page names: a component of a `page_components` rule that
    /// reads `role` first, or one word of `complaint_channel`'s `form_near`
    /// (complaints). Normalised (lower case, whitespace folded); empty for
    /// another role.
    pub fn page_words(&self, role: &str) -> Vec<Vec<String>> {
        let single = |words: &[String]| -> Vec<Vec<String>> {
            words
                .iter()
                .map(|word| vec![super::normalise(word)])
                .collect()
        };
        let mut groups: Vec<Vec<String>> = Vec::new();
        for rule in &self.rules {
            let params = &rule.params;
            let found = match rule.check.name {
                "page_components"
                    if params.strings("page").first().map(String::as_str) == Some(role) =>
                {
                    params
                        .components("components")
                        .iter()
                        .map(|component| component.keywords.clone())
                        .collect()
                }
                "complaint_channel" if role == "complaints" => single(params.strings("form_near")),
                _ => Vec::new(),
            };
            for group in found {
                if !groups.contains(&group) {
                    groups.push(group);
                }
            }
        }
        groups
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

/// A catalogue's scale: rules reach a level from `lowest` to `highest`, and the
/// index, the weighted mean of levels, is reported on `index_lowest` ..
/// `index_highest` (idsll-core: levels 1..5 reported as they are; the
/// Ombudsman's instrument: 0..3 per indicator reported as 0..100).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Scale {
    pub lowest: u8,
    pub highest: u8,
    pub index_lowest: f64,
    pub index_highest: f64,
}

impl Scale {
    /// Levels 1..5 and an index 1..5: idsll-core, and every catalogue that does
    /// not say otherwise.
    pub const ONE_TO_FIVE: Scale = Scale {
        lowest: 1,
        highest: 5,
        index_lowest: 1.0,
        index_highest: 5.0,
    };

    /// Where a mean level sits on the index range (a straight line from the
    /// lowest level to the highest).
    pub fn index_of(&self, mean_level: f64) -> f64 {
        let levels = f64::from(self.highest - self.lowest);
        let share = (mean_level - f64::from(self.lowest)) / levels;
        self.index_lowest + share * (self.index_highest - self.index_lowest)
    }

    pub fn contains(&self, level: i64) -> bool {
        (i64::from(self.lowest)..=i64::from(self.highest)).contains(&level)
    }

    /// `1–5`, `0–3`: how headings name the level range.
    pub fn levels_text(&self) -> String {
        format!("{}–{}", self.lowest, self.highest)
    }

    /// `1–5`, `0–100`: how headings name the index range.
    pub fn index_text(&self) -> String {
        format!("{}–{}", self.index_lowest, self.index_highest)
    }
}

impl Default for Scale {
    fn default() -> Self {
        Scale::ONE_TO_FIVE
    }
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

#[cfg(test)]
mod tests {
    /// The words of each page come from the rules that read it: TR-01's
    /// components for the service standard, TR-02's for complaints.
    #[test]
    fn page_words_come_from_the_rules_that_read_the_page() {
        let catalogue = crate::catalogue::built_in().expect("built in");
        let standard = catalogue.page_words("service_standard");
        let tr01 = catalogue.rule("TR-01").expect("TR-01");
        assert_eq!(standard.len(), tr01.params.components("components").len());
        assert!(standard.contains(&vec!["persyaratan".to_string(), "syarat".to_string()]));
        assert!(
            catalogue
                .page_words("complaints")
                .contains(&vec!["pengaduan".to_string()])
        );
        assert!(
            catalogue
                .page_words("privacy")
                .iter()
                .any(|group| group.contains(&"kebijakan privasi".to_string()))
        );
        assert!(catalogue.page_words("home").is_empty());
    }
}
