//! The raw layer of a catalogue: a serde mirror of the YAML with positions
//! (`deny_unknown_fields`, so a misspelled key is a parse error with a position);
//! values whose shape depends on the check kind (params, levels) stay [`Node`]s.

use serde::Deserialize;

use crate::scenario::raw::{Node, Spanned};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCatalogue {
    pub(super) catalogue: Spanned<String>,
    pub(super) version: Spanned<String>,
    pub(super) title: Spanned<RawText>,
    /// `score` (the default) or `evidence`: a catalogue of supporting evidence
    /// has no bands, certification or index.
    pub(super) purpose: Option<Spanned<String>>,
    /// A list of bands, or named tables (`validate::bands`); required to score.
    pub(super) bands: Option<Spanned<Node>>,
    pub(super) certification: Option<Spanned<RawCertification>>,
    /// Levels 1..5 and an index 1..5 when absent.
    pub(super) scale: Option<Spanned<RawScale>>,
    pub(super) disclaimer: Option<Spanned<RawText>>,
    pub(super) aspects: Spanned<Vec<Spanned<RawAspect>>>,
    pub(super) rules: Spanned<Vec<Spanned<RawRule>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawText {
    pub(super) id: Spanned<String>,
    pub(super) en: Spanned<String>,
}

/// `scale: { levels: { from: 0, to: 3 }, index: { from: 0, to: 100 } }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScale {
    pub(super) levels: Spanned<RawRange<i64>>,
    /// Required to score; an evidence catalogue has no index.
    pub(super) index: Option<Spanned<RawRange<f64>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRange<T> {
    pub(super) from: Spanned<T>,
    pub(super) to: Spanned<T>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCertification {
    pub(super) min_index: Spanned<f64>,
    pub(super) critical_min_level: Spanned<i64>,
    pub(super) min_coverage: Spanned<String>,
    pub(super) predicate_requires_critical: Option<Spanned<bool>>,
    pub(super) count_attested: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAspect {
    pub(super) id: Spanned<String>,
    pub(super) weight: Spanned<f64>,
    pub(super) title: Spanned<RawText>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    pub(super) code: Spanned<String>,
    pub(super) aspect: Spanned<String>,
    pub(super) basis: Spanned<String>,
    pub(super) reference: Spanned<String>,
    pub(super) critical: Spanned<bool>,
    pub(super) critical_when: Option<Spanned<String>>,
    pub(super) weight: Spanned<f64>,
    pub(super) title: Spanned<RawText>,
    pub(super) why: Spanned<RawText>,
    pub(super) fix: Spanned<RawText>,
    pub(super) check: Spanned<String>,
    pub(super) params: Option<Spanned<Node>>,
    pub(super) levels: Spanned<Node>,
}
