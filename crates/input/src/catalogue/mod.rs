//! Catalogues: versioned YAML files of rules, read through the project's one YAML
//! entry point ([`crate::scenario::raw::parse`]) and validated as strictly as a
//! scenario, every problem with its line, column and key path.
//!
//! The built-in profile `idsll-core` is embedded from `standards/idsll-core.yaml`;
//! a scenario names it as `idsll-core`, pins it as `idsll-core@2026.1`, or names
//! another catalogue by a path relative to the scenario file.

pub mod docs;
pub mod kinds;

use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::catalogue::kinds::{Direction, Kind, ParamKind, Shape, Unit};
use crate::diagnostic::Problem;
use crate::lang::Lang;
use crate::quantity::{format_duration, format_ratio, parse_duration, parse_ratio};
use crate::scenario::raw;
use crate::scenario::raw::{Node, Position, Spanned, closest};

/// The text of the built-in catalogue.
pub const BUILT_IN_TEXT: &str = include_str!("../../../../standards/idsll-core.yaml");
/// The built-in catalogue's name.
pub const BUILT_IN_NAME: &str = "idsll-core";
/// How the built-in catalogue is named in messages and `source`.
const BUILT_IN_FILE: &str = "standards/idsll-core.yaml (built in)";

/// A text in both languages of the human output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Text {
    pub id: String,
    pub en: String,
}

impl Text {
    pub fn pick(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        }
    }
}

/// A validated catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub name: String,
    pub version: String,
    pub title: Text,
    /// Highest first; the last one's `min` is at most 1.0, so every index has one.
    pub bands: Vec<Band>,
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

#[derive(Debug, Clone, PartialEq)]
pub struct Certification {
    pub min_index: f64,
    pub critical_min_level: u8,
    /// Ratio 0..1.
    pub min_coverage: f64,
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
    pub fn code(self) -> &'static str {
        match self {
            Basis::Regulation => "regulation",
            Basis::Practice => "practice",
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
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
    pub weight: f64,
    pub title: Text,
    pub why: Text,
    pub fix: Text,
    pub check: &'static Kind,
    pub params: Params,
    pub levels: Levels,
}

/// How a measured value or outcome becomes a level.
#[derive(Debug, Clone, PartialEq)]
pub enum Levels {
    Thresholds(Thresholds),
    Binary,
    /// Outcome name to level, in the kind's order.
    Table(Vec<(String, u8)>),
}

/// The value needed for L2..L5, in base units (ratio 0..1, seconds, count).
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    pub direction: Direction,
    pub unit: Unit,
    pub values: [f64; 4],
}

impl Levels {
    /// The level of a measured value (thresholds); 1 for other shapes.
    pub fn of_value(&self, value: f64) -> u8 {
        let Levels::Thresholds(thresholds) = self else {
            return 1;
        };
        let mut level = 1;
        for (index, limit) in thresholds.values.iter().enumerate() {
            let reached = match thresholds.direction {
                Direction::AtLeast => value >= limit - 1e-12,
                Direction::AtMost => value <= limit + 1e-12,
            };
            if reached {
                level = index as u8 + 2;
            }
        }
        level
    }

    /// The level of a named outcome (table); 5 or 1 for binary pass/fail
    /// (`pass`/`fail`); 1 when unknown.
    pub fn of_outcome(&self, outcome: &str) -> u8 {
        match self {
            Levels::Table(table) => table
                .iter()
                .find(|(name, _)| name == outcome)
                .map_or(1, |(_, level)| *level),
            Levels::Binary => {
                if outcome == "pass" {
                    5
                } else {
                    1
                }
            }
            Levels::Thresholds(_) => 1,
        }
    }

    /// Pass 5, fail 1 (binary); for other shapes the table's `pass`/`fail`.
    pub fn of_pass(&self, pass: bool) -> u8 {
        self.of_outcome(if pass { "pass" } else { "fail" })
    }

    /// What each level needs, for evidence and `standards show`.
    pub fn describe(&self) -> String {
        match self {
            Levels::Thresholds(thresholds) => {
                let symbol = thresholds.direction.symbol();
                thresholds
                    .values
                    .iter()
                    .enumerate()
                    .map(|(index, value)| {
                        format!(
                            "L{} {symbol} {}",
                            index + 2,
                            format_value(thresholds.unit, *value)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            Levels::Binary => "pass = 5, fail = 1".to_string(),
            Levels::Table(table) => table
                .iter()
                .map(|(name, level)| format!("{name} = {level}"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// A threshold value as written: `99.5%`, `500 ms`, `30 days`, `4`.
pub fn format_value(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Ratio => format_ratio(value),
        Unit::Duration if value >= 86400.0 && value % 86400.0 == 0.0 => {
            format!("{} days", value / 86400.0)
        }
        Unit::Duration => format_duration(Duration::from_secs_f64(value.max(0.0))),
        Unit::Count => format!("{value}"),
    }
}

/// One component a service-standard page must name.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    pub id: String,
    pub name: Text,
    /// Normalised: lower case, whitespace folded.
    pub keywords: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum ParamValue {
    Integer(i64),
    Number(f64),
    Duration(Duration),
    Strings(Vec<String>),
    Regex(regex::Regex),
    Components(Vec<Component>),
}

/// A rule's params: every param of its kind, defaults filled in.
#[derive(Debug, Clone, Default)]
pub struct Params {
    values: Vec<(String, ParamValue)>,
}

impl Params {
    /// Every param of `kind` at its default (components empty).
    pub fn defaults(kind: &Kind) -> Params {
        let mut params = Params::default();
        for spec in kind.params {
            let value = match &spec.kind {
                ParamKind::Integer { default, .. } => Some(ParamValue::Integer(*default)),
                ParamKind::Number { default, .. } => Some(ParamValue::Number(*default)),
                ParamKind::Duration { default } => {
                    parse_duration(default).ok().map(ParamValue::Duration)
                }
                ParamKind::Strings { default } => Some(ParamValue::Strings(
                    default.iter().map(|s| (*s).to_string()).collect(),
                )),
                ParamKind::Regex { default } => {
                    case_insensitive(default).ok().map(ParamValue::Regex)
                }
                ParamKind::Components => Some(ParamValue::Components(Vec::new())),
            };
            if let Some(value) = value {
                params.set(spec.name, value);
            }
        }
        params
    }

    pub fn set(&mut self, name: &str, value: ParamValue) {
        match self.values.iter_mut().find(|(key, _)| key == name) {
            Some(entry) => entry.1 = value,
            None => self.values.push((name.to_string(), value)),
        }
    }

    fn get(&self, name: &str) -> Option<&ParamValue> {
        self.values
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    pub fn integer(&self, name: &str) -> i64 {
        match self.get(name) {
            Some(ParamValue::Integer(value)) => *value,
            Some(ParamValue::Number(value)) => *value as i64,
            _ => 0,
        }
    }

    pub fn number(&self, name: &str) -> f64 {
        match self.get(name) {
            Some(ParamValue::Number(value)) => *value,
            Some(ParamValue::Integer(value)) => *value as f64,
            _ => 0.0,
        }
    }

    pub fn duration(&self, name: &str) -> Duration {
        match self.get(name) {
            Some(ParamValue::Duration(value)) => *value,
            _ => Duration::ZERO,
        }
    }

    pub fn strings(&self, name: &str) -> &[String] {
        match self.get(name) {
            Some(ParamValue::Strings(values)) => values,
            _ => &[],
        }
    }

    pub fn regex(&self, name: &str) -> Option<&regex::Regex> {
        match self.get(name) {
            Some(ParamValue::Regex(regex)) => Some(regex),
            _ => None,
        }
    }

    pub fn components(&self, name: &str) -> &[Component] {
        match self.get(name) {
            Some(ParamValue::Components(components)) => components,
            _ => &[],
        }
    }
}

/// Params regexes match case-insensitively, like the keyword matching around them.
fn case_insensitive(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
}

/// Lower case, whitespace folded to one space, trimmed: how keywords and page
/// text are compared.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

// ---------------------------------------------------------------- raw layer

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    catalogue: Spanned<String>,
    version: Spanned<String>,
    title: Spanned<RawText>,
    bands: Spanned<Vec<Spanned<RawBand>>>,
    certification: Spanned<RawCertification>,
    aspects: Spanned<Vec<Spanned<RawAspect>>>,
    rules: Spanned<Vec<Spanned<RawRule>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    id: Spanned<String>,
    en: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    min: Spanned<f64>,
    id: Spanned<String>,
    en: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCertification {
    min_index: Spanned<f64>,
    critical_min_level: Spanned<i64>,
    min_coverage: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAspect {
    id: Spanned<String>,
    weight: Spanned<f64>,
    title: Spanned<RawText>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    code: Spanned<String>,
    aspect: Spanned<String>,
    basis: Spanned<String>,
    reference: Spanned<String>,
    critical: Spanned<bool>,
    weight: Spanned<f64>,
    title: Spanned<RawText>,
    why: Spanned<RawText>,
    fix: Spanned<RawText>,
    check: Spanned<String>,
    params: Option<Spanned<Node>>,
    levels: Spanned<Node>,
}

// ---------------------------------------------------------------- loading

/// Why a catalogue could not be loaded: every problem, positioned in its file.
#[derive(Debug, Clone)]
pub struct CatalogueFailure {
    /// The file as named in messages.
    pub file: String,
    pub text: Option<String>,
    pub problems: Vec<Problem>,
}

impl CatalogueFailure {
    /// rustc-style, with the offending lines.
    pub fn render(&self) -> String {
        crate::diagnostic::render(&self.file, self.text.as_deref(), &self.problems)
    }
}

/// Parses and validates a catalogue. `file` names it in messages.
pub fn parse(text: &str, file: &str) -> Result<Catalogue, CatalogueFailure> {
    let fail = |problems| CatalogueFailure {
        file: file.to_string(),
        text: Some(text.to_string()),
        problems,
    };
    let raw: RawCatalogue = raw::parse(text).map_err(|error| {
        let help = error
            .suggestion
            .as_ref()
            .map(|suggestion| format!("did you mean `{suggestion}`?"))
            .or(error.help);
        fail(vec![
            Problem::error(
                error.position,
                error.path.unwrap_or_default(),
                error.message,
            )
            .with_help(help),
        ])
    })?;
    let mut checker = Checker::default();
    let catalogue = checker.catalogue(raw, file, text);
    match catalogue {
        Some(catalogue) if checker.problems.is_empty() => Ok(catalogue),
        _ => Err(fail(checker.problems)),
    }
}

/// The built-in catalogue, parsed once.
pub fn built_in() -> Result<Arc<Catalogue>, CatalogueFailure> {
    static BUILT_IN: OnceLock<Result<Arc<Catalogue>, CatalogueFailure>> = OnceLock::new();
    BUILT_IN
        .get_or_init(|| parse(BUILT_IN_TEXT, BUILT_IN_FILE).map(Arc::new))
        .clone()
}

/// Why a scenario's `standards.profile` names no usable catalogue.
#[derive(Debug, Clone)]
pub enum ProfileError {
    Unknown {
        name: String,
        suggestion: Option<String>,
    },
    VersionMismatch {
        name: String,
        wanted: String,
        embedded: String,
    },
    Unreadable {
        path: String,
        message: String,
    },
    Invalid(CatalogueFailure),
}

impl ProfileError {
    /// Problems to report at the scenario's `standards.profile` position: the
    /// catalogue's own problems each carry their position in the catalogue file.
    pub fn problems(&self, at: Position, path: &str) -> Vec<Problem> {
        match self {
            ProfileError::Unknown { name, suggestion } => vec![
                Problem::error(at, path, format!("no built-in profile `{name}`")).with_help(Some(
                    match suggestion {
                        Some(suggestion) => format!("did you mean `{suggestion}`?"),
                        None => format!(
                            "use `{BUILT_IN_NAME}`, `{BUILT_IN_NAME}@VERSION`, or a path to a catalogue file ending in .yaml"
                        ),
                    },
                )),
            ],
            ProfileError::VersionMismatch {
                name,
                wanted,
                embedded,
            } => vec![
                Problem::error(
                    at,
                    path,
                    format!(
                        "profile `{name}@{wanted}` is pinned, but this ujilab has `{name}` version {embedded}"
                    ),
                )
                .with_help(Some(format!(
                    "pin `{name}@{embedded}`, or run the ujilab release that ships version {wanted}"
                ))),
            ],
            ProfileError::Unreadable { path: file, message } => vec![Problem::error(
                at,
                path,
                format!("cannot read catalogue {file}: {message}"),
            )],
            ProfileError::Invalid(failure) => {
                let mut problems = vec![Problem::error(
                    at,
                    path,
                    format!(
                        "catalogue {} is not valid ({} problem{})",
                        failure.file,
                        failure.problems.len(),
                        if failure.problems.len() == 1 { "" } else { "s" }
                    ),
                )
                .with_help(Some(format!(
                    "`ujilab standards check {}` shows each problem in place",
                    failure.file
                )))];
                for problem in &failure.problems {
                    let mut located = format!("{}:{}:{}", failure.file, problem.line, problem.column);
                    if !problem.path.is_empty() {
                        located.push_str(&format!(" (at `{}`)", problem.path));
                    }
                    problems.push(
                        Problem::error(at, path, format!("{located}: {}", problem.message))
                            .with_help(problem.help.clone()),
                    );
                }
                problems
            }
        }
    }
}

/// Resolves a scenario's `standards.profile`: a built-in name (optionally pinned
/// with `@version`) or a catalogue path relative to the scenario's folder.
pub fn resolve(profile: &str, scenario_dir: &Path) -> Result<Arc<Catalogue>, ProfileError> {
    let profile = profile.trim();
    let is_path = profile.contains('/')
        || profile.contains('\\')
        || profile.ends_with(".yaml")
        || profile.ends_with(".yml");
    if is_path {
        let path = scenario_dir.join(profile);
        let shown = path.display().to_string();
        let bytes = std::fs::read(&path).map_err(|error| ProfileError::Unreadable {
            path: shown.clone(),
            message: error.to_string(),
        })?;
        let text = String::from_utf8(bytes).map_err(|_| ProfileError::Unreadable {
            path: shown.clone(),
            message: "the file is not UTF-8 text".into(),
        })?;
        return parse(&text, &shown)
            .map(Arc::new)
            .map_err(ProfileError::Invalid);
    }
    let (name, pinned) = match profile.split_once('@') {
        Some((name, version)) => (name, Some(version)),
        None => (profile, None),
    };
    if name != BUILT_IN_NAME {
        return Err(ProfileError::Unknown {
            name: name.to_string(),
            suggestion: closest(name, [BUILT_IN_NAME]),
        });
    }
    let catalogue = built_in().map_err(ProfileError::Invalid)?;
    if let Some(wanted) = pinned
        && wanted != catalogue.version
    {
        return Err(ProfileError::VersionMismatch {
            name: name.to_string(),
            wanted: wanted.to_string(),
            embedded: catalogue.version.clone(),
        });
    }
    Ok(catalogue)
}

// ---------------------------------------------------------------- validation

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

fn at<T>(spanned: &Spanned<T>) -> Position {
    Position::of(spanned)
}

impl Checker {
    fn error(&mut self, position: Position, path: &str, message: impl Into<String>) {
        self.problems.push(Problem::error(position, path, message));
    }

    fn error_with_help(
        &mut self,
        position: Position,
        path: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.problems
            .push(Problem::error(position, path, message).with_help(Some(help.into())));
    }

    fn text(&mut self, raw: &Spanned<RawText>, path: &str) -> Text {
        let mut one = |value: &Spanned<String>, lang: &str| {
            if value.value.trim().is_empty() {
                self.error(at(value), &format!("{path}.{lang}"), "this text is empty");
            }
            value.value.trim().to_string()
        };
        Text {
            id: one(&raw.value.id, "id"),
            en: one(&raw.value.en, "en"),
        }
    }

    fn catalogue(&mut self, raw: RawCatalogue, file: &str, text: &str) -> Option<Catalogue> {
        let name = raw.catalogue.value.trim().to_string();
        if name.is_empty() || name.contains(char::is_whitespace) || name.contains('@') {
            self.error(
                at(&raw.catalogue),
                "catalogue",
                "a catalogue name is one word without spaces or @, like idsll-core",
            );
        }
        let version = raw.version.value.trim().to_string();
        if version.is_empty() {
            self.error(at(&raw.version), "version", "the version is empty");
        }
        let title = self.text(&raw.title, "title");
        let bands = self.bands(&raw.bands);
        let certification = self.certification(&raw.certification);
        let aspects = self.aspects(&raw.aspects);
        let rules = self.rules(&raw.rules, &aspects);
        for (index, aspect) in aspects.iter().enumerate() {
            let named = raw
                .rules
                .value
                .iter()
                .any(|rule| rule.value.aspect.value.trim() == aspect.id);
            if !named {
                self.error(
                    at(&raw.aspects.value[index]),
                    &format!("aspects[{index}]"),
                    format!(
                        "aspect `{}` has no rules; its weight would never count",
                        aspect.id
                    ),
                );
            }
        }
        Some(Catalogue {
            name,
            version,
            title,
            bands,
            certification,
            aspects,
            rules,
            source: file.to_string(),
            sha256: hex(&Sha256::digest(text.as_bytes())),
        })
    }

    fn bands(&mut self, raw: &Spanned<Vec<Spanned<RawBand>>>) -> Vec<Band> {
        if raw.value.is_empty() {
            self.error(
                at(raw),
                "bands",
                "bands is empty: list the predicates, highest first",
            );
        }
        let mut bands: Vec<Band> = Vec::new();
        for (index, spanned) in raw.value.iter().enumerate() {
            let path = format!("bands[{index}]");
            let band = &spanned.value;
            let min = band.min.value;
            if !(0.0..=5.0).contains(&min) {
                self.error(
                    at(&band.min),
                    &format!("{path}.min"),
                    format!("{min} is outside the index scale 0..5"),
                );
            }
            if let Some(previous) = bands.last()
                && min >= previous.min
            {
                self.error_with_help(
                    at(&band.min),
                    &format!("{path}.min"),
                    format!(
                        "bands out of order: {min} is not below the band above it ({})",
                        previous.min
                    ),
                    "list bands highest first, each `min` lower than the one before",
                );
            }
            let name = Text {
                id: band.id.value.trim().to_string(),
                en: band.en.value.trim().to_string(),
            };
            if name.id.is_empty() || name.en.is_empty() {
                self.error(at(spanned), &path, "a band needs a name in id and en");
            }
            bands.push(Band { min, name });
        }
        if let Some(last) = bands.last()
            && last.min > 1.0
        {
            self.error_with_help(
                at(raw),
                "bands",
                format!(
                    "the lowest band starts at {}: an index below it would have no predicate",
                    last.min
                ),
                "end with a band whose min is 0 or 1",
            );
        }
        bands
    }

    fn certification(&mut self, raw: &Spanned<RawCertification>) -> Certification {
        let raw = &raw.value;
        let min_index = raw.min_index.value;
        if !(1.0..=5.0).contains(&min_index) {
            self.error(
                at(&raw.min_index),
                "certification.min_index",
                format!("{min_index} is outside the index scale 1..5"),
            );
        }
        let level = raw.critical_min_level.value;
        if !(1..=5).contains(&level) {
            self.error(
                at(&raw.critical_min_level),
                "certification.critical_min_level",
                format!("{level} is not a level: levels are 1 to 5"),
            );
        }
        let min_coverage = match parse_ratio(&raw.min_coverage.value) {
            Ok(ratio) => ratio,
            Err(message) => {
                self.error(at(&raw.min_coverage), "certification.min_coverage", message);
                0.0
            }
        };
        Certification {
            min_index,
            critical_min_level: level.clamp(1, 5) as u8,
            min_coverage,
        }
    }

    fn weight(&mut self, raw: &Spanned<f64>, path: &str) -> f64 {
        let weight = raw.value;
        if !(weight.is_finite() && weight > 0.0) {
            self.error_with_help(
                at(raw),
                path,
                format!("weight {weight} is not positive"),
                "weights are positive numbers; remove the entry instead of weighting it 0",
            );
        }
        weight
    }

    fn aspects(&mut self, raw: &Spanned<Vec<Spanned<RawAspect>>>) -> Vec<Aspect> {
        if raw.value.is_empty() {
            self.error(at(raw), "aspects", "aspects is empty");
        }
        let mut aspects: Vec<Aspect> = Vec::new();
        for (index, spanned) in raw.value.iter().enumerate() {
            let path = format!("aspects[{index}]");
            let aspect = &spanned.value;
            let id = aspect.id.value.trim().to_string();
            if aspects.iter().any(|known| known.id == id) {
                self.error(
                    at(&aspect.id),
                    &format!("{path}.id"),
                    format!("aspect `{id}` is listed twice"),
                );
            }
            let weight = self.weight(&aspect.weight, &format!("{path}.weight"));
            let title = self.text(&aspect.title, &format!("{path}.title"));
            aspects.push(Aspect { id, weight, title });
        }
        aspects
    }

    fn rules(&mut self, raw: &Spanned<Vec<Spanned<RawRule>>>, aspects: &[Aspect]) -> Vec<Rule> {
        if raw.value.is_empty() {
            self.error(at(raw), "rules", "rules is empty");
        }
        let mut rules: Vec<Rule> = Vec::new();
        for (index, spanned) in raw.value.iter().enumerate() {
            let path = format!("rules[{index}]");
            if let Some(rule) = self.rule(&spanned.value, &path, aspects) {
                if rules.iter().any(|known| known.code == rule.code) {
                    self.error(
                        at(&spanned.value.code),
                        &format!("{path}.code"),
                        format!("rule `{}` is listed twice", rule.code),
                    );
                }
                rules.push(rule);
            }
        }
        rules
    }

    fn rule(&mut self, raw: &RawRule, path: &str, aspects: &[Aspect]) -> Option<Rule> {
        let code = raw.code.value.trim().to_string();
        if code.is_empty() || code.contains(char::is_whitespace) {
            self.error(
                at(&raw.code),
                &format!("{path}.code"),
                "a rule code is one word, like SC-04",
            );
        }
        let aspect = raw.aspect.value.trim().to_string();
        if !aspects.iter().any(|known| known.id == aspect) {
            let help = closest(&aspect, aspects.iter().map(|a| a.id.as_str()))
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| {
                    format!(
                        "aspects are: {}",
                        aspects
                            .iter()
                            .map(|a| a.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
            self.error_with_help(
                at(&raw.aspect),
                &format!("{path}.aspect"),
                format!("no aspect `{aspect}` in this catalogue"),
                help,
            );
        }
        let basis = match raw.basis.value.trim() {
            "regulation" => Basis::Regulation,
            "practice" => Basis::Practice,
            other => {
                self.error_with_help(
                    at(&raw.basis),
                    &format!("{path}.basis"),
                    format!("`{other}` is not a basis"),
                    "use regulation (an Indonesian legal basis) or practice",
                );
                Basis::Practice
            }
        };
        let weight = self.weight(&raw.weight, &format!("{path}.weight"));
        let title = self.text(&raw.title, &format!("{path}.title"));
        let why = self.text(&raw.why, &format!("{path}.why"));
        let fix = self.text(&raw.fix, &format!("{path}.fix"));
        let kind_name = raw.check.value.trim();
        let Some(kind) = kinds::find(kind_name) else {
            let help = closest(kind_name, kinds::KINDS.iter().map(|k| k.name))
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| "`ujilab standards kinds` lists the check kinds".to_string());
            self.error_with_help(
                at(&raw.check),
                &format!("{path}.check"),
                format!("unknown check kind `{kind_name}`"),
                help,
            );
            return None;
        };
        let params = self.params(
            kind,
            raw.params.as_ref(),
            &format!("{path}.params"),
            at(&raw.check),
        );
        let levels = self.levels(kind, &raw.levels, &format!("{path}.levels"));
        Some(Rule {
            code,
            aspect,
            basis,
            reference: raw.reference.value.trim().to_string(),
            critical: raw.critical.value,
            weight,
            title,
            why,
            fix,
            check: kind,
            params,
            levels: levels?,
        })
    }

    fn params(
        &mut self,
        kind: &'static Kind,
        raw: Option<&Spanned<Node>>,
        path: &str,
        rule_at: Position,
    ) -> Params {
        let mut params = Params::defaults(kind);
        let mut given: Vec<&str> = Vec::new();
        match raw.map(|node| &node.value) {
            None | Some(Node::Null) => {}
            Some(Node::Map(entries)) => {
                for (key, value) in entries {
                    let name = key.value.scalar_text().unwrap_or_default();
                    let key_path = format!("{path}.{name}");
                    let Some(spec) = kind.params.iter().find(|spec| spec.name == name) else {
                        let help = closest(&name, kind.params.iter().map(|spec| spec.name))
                            .map(|s| format!("did you mean `{s}`?"))
                            .unwrap_or_else(|| {
                                if kind.params.is_empty() {
                                    format!("check `{}` takes no params", kind.name)
                                } else {
                                    format!(
                                        "check `{}` takes: {}",
                                        kind.name,
                                        kind.params
                                            .iter()
                                            .map(|s| s.name)
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    )
                                }
                            });
                        self.error_with_help(
                            at(key),
                            &key_path,
                            format!("unknown param `{name}` for check `{}`", kind.name),
                            help,
                        );
                        continue;
                    };
                    given.push(spec.name);
                    if let Some(parsed) = self.param(&spec.kind, value, &key_path) {
                        params.set(spec.name, parsed);
                    }
                }
            }
            Some(other) => {
                let position = raw.map(at).unwrap_or(rule_at);
                self.error(
                    position,
                    path,
                    format!("params is a map, found {}", other.kind()),
                );
            }
        }
        for spec in kind.params {
            if matches!(spec.kind, ParamKind::Components) && !given.contains(&spec.name) {
                self.error(
                    raw.map(at).unwrap_or(rule_at),
                    path,
                    format!("check `{}` needs `params.{}`", kind.name, spec.name),
                );
            }
        }
        params
    }

    fn param(&mut self, kind: &ParamKind, value: &Spanned<Node>, path: &str) -> Option<ParamValue> {
        let position = at(value);
        match (kind, &value.value) {
            (ParamKind::Integer { min, .. }, Node::Int(number)) => {
                if number < min {
                    self.error(
                        position,
                        path,
                        format!("{number} is below the minimum {min}"),
                    );
                    return None;
                }
                Some(ParamValue::Integer(*number))
            }
            (ParamKind::Number { min, max, .. }, Node::Int(_) | Node::Float(_)) => {
                let number = match value.value {
                    Node::Int(int) => int as f64,
                    Node::Float(float) => float,
                    _ => 0.0,
                };
                if !(number > *min && number <= *max) {
                    self.error(
                        position,
                        path,
                        format!("{number} is outside ({min}, {max}]"),
                    );
                    return None;
                }
                Some(ParamValue::Number(number))
            }
            (ParamKind::Duration { .. }, Node::Str(text)) => match parse_duration(text) {
                Ok(duration) => Some(ParamValue::Duration(duration)),
                Err(message) => {
                    self.error(position, path, message);
                    None
                }
            },
            (ParamKind::Strings { .. }, Node::Seq(items)) => {
                let mut strings = Vec::new();
                for (index, item) in items.iter().enumerate() {
                    match item.value.scalar_text() {
                        Some(text) if !text.trim().is_empty() => {
                            strings.push(text.trim().to_string())
                        }
                        _ => self.error(
                            at(item),
                            &format!("{path}[{index}]"),
                            "expected a non-empty string",
                        ),
                    }
                }
                Some(ParamValue::Strings(strings))
            }
            (ParamKind::Regex { .. }, Node::Str(pattern)) => match case_insensitive(pattern) {
                Ok(regex) => Some(ParamValue::Regex(regex)),
                Err(error) => {
                    self.error(position, path, format!("not a valid regex: {error}"));
                    None
                }
            },
            (ParamKind::Components, Node::Seq(items)) => {
                if items.is_empty() {
                    self.error(position, path, "list at least one component");
                }
                let components = items
                    .iter()
                    .enumerate()
                    .filter_map(|(index, item)| self.component(item, &format!("{path}[{index}]")))
                    .collect();
                Some(ParamValue::Components(components))
            }
            (kind, found) => {
                self.error(
                    position,
                    path,
                    format!("expected {}, found {}", kind.describe(), found.kind()),
                );
                None
            }
        }
    }

    fn component(&mut self, item: &Spanned<Node>, path: &str) -> Option<Component> {
        let Node::Map(entries) = &item.value else {
            self.error(
                at(item),
                path,
                "a component is a map { id, name: { id, en }, keywords: [..] }",
            );
            return None;
        };
        let mut id = None;
        let mut name = None;
        let mut keywords = Vec::new();
        for (key, value) in entries {
            let key_text = key.value.scalar_text().unwrap_or_default();
            match (key_text.as_str(), &value.value) {
                ("id", Node::Str(text)) => id = Some(text.trim().to_string()),
                ("name", Node::Map(names)) => {
                    let pick = |lang: &str| {
                        names
                            .iter()
                            .find(|(k, _)| k.value.scalar_text().as_deref() == Some(lang))
                            .and_then(|(_, v)| v.value.scalar_text())
                    };
                    match (pick("id"), pick("en")) {
                        (Some(id), Some(en)) => name = Some(Text { id, en }),
                        _ => self.error(
                            at(value),
                            &format!("{path}.name"),
                            "name needs `id` and `en`",
                        ),
                    }
                }
                ("keywords", Node::Seq(words)) => {
                    for (index, word) in words.iter().enumerate() {
                        match word.value.scalar_text().map(|w| normalise(&w)) {
                            Some(word) if !word.is_empty() => keywords.push(word),
                            _ => self.error(
                                at(word),
                                &format!("{path}.keywords[{index}]"),
                                "expected a non-empty keyword",
                            ),
                        }
                    }
                }
                (other, _) if ["id", "name", "keywords"].contains(&other) => self.error(
                    at(value),
                    &format!("{path}.{other}"),
                    format!("`{other}` has the wrong type"),
                ),
                (other, _) => {
                    let help = closest(other, ["id", "name", "keywords"])
                        .map(|s| format!("did you mean `{s}`?"));
                    self.problems.push(
                        Problem::error(
                            at(key),
                            format!("{path}.{other}"),
                            format!("unknown key `{other}`; expected one of: id, name, keywords"),
                        )
                        .with_help(help),
                    );
                }
            }
        }
        if keywords.is_empty() {
            self.error(
                at(item),
                &format!("{path}.keywords"),
                "a component needs at least one keyword",
            );
        }
        match (id, name) {
            (Some(id), Some(name)) if !id.is_empty() => Some(Component { id, name, keywords }),
            _ => {
                self.error(at(item), path, "a component needs `id` and `name`");
                None
            }
        }
    }

    fn levels(&mut self, kind: &'static Kind, raw: &Spanned<Node>, path: &str) -> Option<Levels> {
        let position = at(raw);
        let wrong_shape = |checker: &mut Self, position: Position| {
            checker.error_with_help(
                position,
                path,
                format!("check `{}` takes levels of another shape", kind.name),
                format!("write `levels: {}`", kind.shape.describe()),
            );
        };
        let entry = match &raw.value {
            Node::Str(text) if text == "binary" => {
                if kind.shape != Shape::Binary {
                    wrong_shape(self, position);
                    return None;
                }
                return Some(Levels::Binary);
            }
            Node::Map(entries) if entries.len() == 1 => &entries[0],
            _ => {
                self.error_with_help(
                    position,
                    path,
                    "levels is `binary`, `{ thresholds: {...} }` or `{ table: {...} }`",
                    format!(
                        "check `{}` takes `levels: {}`",
                        kind.name,
                        kind.shape.describe()
                    ),
                );
                return None;
            }
        };
        let (key, body) = entry;
        let shape_name = key.value.scalar_text().unwrap_or_default();
        match (shape_name.as_str(), kind.shape) {
            ("thresholds", Shape::Thresholds { unit, direction }) => {
                self.thresholds(body, unit, direction, &format!("{path}.thresholds"))
            }
            ("table", Shape::Table(outcomes)) => {
                self.table(body, outcomes, &format!("{path}.table"))
            }
            ("thresholds" | "table", _) => {
                wrong_shape(self, at(key));
                None
            }
            (other, _) => {
                let help = closest(other, ["thresholds", "table"])
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("write `levels: {}`", kind.shape.describe()));
                self.error_with_help(
                    at(key),
                    path,
                    format!("unknown levels shape `{other}`"),
                    help,
                );
                None
            }
        }
    }

    fn thresholds(
        &mut self,
        body: &Spanned<Node>,
        unit: Unit,
        direction: Direction,
        path: &str,
    ) -> Option<Levels> {
        let Node::Map(entries) = &body.value else {
            self.error(
                at(body),
                path,
                "thresholds is a map { direction, L2, L3, L4, L5 }",
            );
            return None;
        };
        let mut values: [Option<(f64, Position)>; 4] = [None; 4];
        let mut ok = true;
        let mut direction_seen = false;
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let key_path = format!("{path}.{name}");
            match name.as_str() {
                "direction" => {
                    direction_seen = true;
                    let given = value.value.scalar_text().unwrap_or_default();
                    if given != direction.key() {
                        ok = false;
                        self.error_with_help(
                            at(value),
                            &key_path,
                            format!("direction `{given}` does not fit this check"),
                            format!(
                                "this check's value is better when {}: write `direction: {}`",
                                if direction == Direction::AtLeast {
                                    "higher"
                                } else {
                                    "lower"
                                },
                                direction.key()
                            ),
                        );
                    }
                }
                "L2" | "L3" | "L4" | "L5" => {
                    let slot = usize::from(name.as_bytes()[1] - b'2');
                    match self.threshold_value(value, unit, &key_path) {
                        Some(parsed) => values[slot] = Some((parsed, at(value))),
                        None => ok = false,
                    }
                }
                other => {
                    ok = false;
                    let help = closest(other, ["direction", "L2", "L3", "L4", "L5"])
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| "thresholds take direction, L2, L3, L4 and L5".into());
                    self.error_with_help(
                        at(key),
                        &key_path,
                        format!("unknown key `{other}`"),
                        help,
                    );
                }
            }
        }
        if !direction_seen {
            ok = false;
            self.error(
                at(body),
                path,
                format!("missing `direction: {}`", direction.key()),
            );
        }
        let mut parsed = [0.0; 4];
        for (slot, value) in values.iter().enumerate() {
            match value {
                Some((number, _)) => parsed[slot] = *number,
                None => {
                    if ok || !entries.is_empty() {
                        self.error(at(body), path, format!("missing `L{}`", slot + 2));
                    }
                    ok = false;
                }
            }
        }
        for slot in 1..4 {
            let (Some((low, _)), Some((high, position))) = (values[slot - 1], values[slot]) else {
                continue;
            };
            let in_order = match direction {
                Direction::AtLeast => high > low,
                Direction::AtMost => high < low,
            };
            if !in_order {
                ok = false;
                self.error_with_help(
                    position,
                    &format!("{path}.L{}", slot + 2),
                    format!(
                        "levels out of order: L{} ({}) must be {} L{} ({})",
                        slot + 2,
                        format_value(unit, high),
                        if direction == Direction::AtLeast {
                            "above"
                        } else {
                            "below"
                        },
                        slot + 1,
                        format_value(unit, low)
                    ),
                    format!(
                        "with direction {}, each level asks for a {} value than the one before",
                        direction.key(),
                        if direction == Direction::AtLeast {
                            "higher"
                        } else {
                            "lower"
                        }
                    ),
                );
            }
        }
        ok.then_some(Levels::Thresholds(Thresholds {
            direction,
            unit,
            values: parsed,
        }))
    }

    fn threshold_value(&mut self, value: &Spanned<Node>, unit: Unit, path: &str) -> Option<f64> {
        let position = at(value);
        let result = match (unit, &value.value) {
            (Unit::Ratio, Node::Str(text)) => parse_ratio(text),
            (Unit::Ratio, Node::Int(_) | Node::Float(_)) => Err(format!(
                "a ratio is a percentage: write {}%",
                value.value.scalar_text().unwrap_or_default()
            )),
            (Unit::Duration, Node::Str(text)) => parse_duration(text).map(|d| d.as_secs_f64()),
            (Unit::Duration, Node::Int(_) | Node::Float(_)) => Err(format!(
                "a duration needs a unit: write e.g. {}s or {}d",
                value.value.scalar_text().unwrap_or_default(),
                value.value.scalar_text().unwrap_or_default()
            )),
            (Unit::Count, Node::Int(count)) if *count >= 0 => Ok(*count as f64),
            (Unit::Count, _) => Err("expected a whole number (0 or more)".to_string()),
            (_, other) => Err(format!(
                "expected {}, found {}",
                unit.describe(),
                other.kind()
            )),
        };
        result
            .map_err(|message| self.error(position, path, message))
            .ok()
    }

    fn table(&mut self, body: &Spanned<Node>, outcomes: &[&str], path: &str) -> Option<Levels> {
        let Node::Map(entries) = &body.value else {
            self.error(at(body), path, "table is a map of outcome: level");
            return None;
        };
        let mut table: Vec<(String, u8)> = Vec::new();
        let mut ok = true;
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            if !outcomes.contains(&name.as_str()) {
                ok = false;
                let help = closest(&name, outcomes.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| {
                        format!("this check's outcomes are: {}", outcomes.join(", "))
                    });
                self.error_with_help(
                    at(key),
                    &format!("{path}.{name}"),
                    format!("unknown outcome `{name}`"),
                    help,
                );
                continue;
            }
            match value.value {
                Node::Int(level) if (1..=5).contains(&level) => table.push((name, level as u8)),
                _ => {
                    ok = false;
                    self.error(
                        at(value),
                        &format!("{path}.{name}"),
                        "a level is a whole number from 1 to 5",
                    );
                }
            }
        }
        for outcome in outcomes {
            if !entries
                .iter()
                .any(|(key, _)| key.value.scalar_text().as_deref() == Some(*outcome))
            {
                ok = false;
                self.error(at(body), path, format!("missing outcome `{outcome}`"));
            }
        }
        table.sort_by_key(|(name, _)| outcomes.iter().position(|o| o == name));
        ok.then_some(Levels::Table(table))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<Problem> {
        match parse(text, "test.yaml") {
            Ok(_) => panic!("expected problems"),
            Err(failure) => failure.problems,
        }
    }

    /// A valid one-rule catalogue with `rule` spliced in.
    fn with_rule(rule: &str) -> String {
        format!(
            r#"catalogue: mini
version: "1"
title: {{ id: Mini, en: Mini }}
bands:
  - {{ min: 3.0, id: Baik, en: Good }}
  - {{ min: 0.0, id: Kurang, en: Poor }}
certification: {{ min_index: 2.6, critical_min_level: 3, min_coverage: 90% }}
aspects:
  - {{ id: keamanan, weight: 30, title: {{ id: Keamanan, en: Security }} }}
rules:
  - code: SC-04
    aspect: keamanan
    basis: practice
    reference: RFC 6797
    critical: false
    weight: 1
    title: {{ id: HSTS, en: HSTS }}
    why: {{ id: karena, en: because }}
    fix: {{ id: perbaiki, en: fix it }}
{rule}"#
        )
    }

    #[test]
    fn built_in_catalogue_is_valid_and_complete() {
        let catalogue = match built_in() {
            Ok(catalogue) => catalogue,
            Err(failure) => panic!("{}", failure.render()),
        };
        assert_eq!(catalogue.name, "idsll-core");
        assert_eq!(catalogue.version, "2026.1");
        // The rule table of standards.md lists 25 rules (it says 24).
        assert_eq!(catalogue.rules.len(), 25);
        assert_eq!(
            catalogue.aspects.iter().map(|a| a.weight).sum::<f64>(),
            100.0
        );
        assert_eq!(catalogue.certification.critical_min_level, 3);
        assert!((catalogue.certification.min_coverage - 0.9).abs() < 1e-12);
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
    fn levels_of_values_and_outcomes() {
        let catalogue = built_in().unwrap_or_else(|f| panic!("{}", f.render()));
        let av01 = &catalogue.rule("AV-01").map(|r| r.levels.clone());
        let Some(av01) = av01 else { panic!() };
        assert_eq!(av01.of_value(0.94), 1);
        assert_eq!(av01.of_value(0.95), 2);
        assert_eq!(av01.of_value(0.995), 4);
        assert_eq!(av01.of_value(1.0), 5);
        let pf01 = catalogue
            .rule("PF-01")
            .map(|r| r.levels.clone())
            .unwrap_or(Levels::Binary);
        assert_eq!(pf01.of_value(0.4), 5);
        assert_eq!(pf01.of_value(1.0), 4);
        assert_eq!(pf01.of_value(3.5), 1);
        assert_eq!(
            pf01.describe(),
            "L2 <= 3 s, L3 <= 2 s, L4 <= 1 s, L5 <= 500 ms"
        );
        let sc01 = catalogue
            .rule("SC-01")
            .map(|r| r.levels.clone())
            .unwrap_or(Levels::Binary);
        assert_eq!(sc01.of_outcome("https"), 3);
        assert_eq!(Levels::Binary.of_pass(true), 5);
        assert_eq!(Levels::Binary.of_pass(false), 1);
    }

    #[test]
    fn a_valid_small_catalogue_loads() {
        let text = with_rule(
            "    check: hsts\n    levels: { table: { absent: 1, short: 2, long: 4, long_with_subdomains: 5 } }\n",
        );
        let catalogue = parse(&text, "mini.yaml").unwrap_or_else(|f| panic!("{}", f.render()));
        let rule = &catalogue.rules[0];
        assert_eq!(
            rule.params.duration("long_max_age"),
            Duration::from_secs(180 * 86400)
        );
    }

    #[test]
    fn unknown_check_kind_is_positioned_with_a_suggestion() {
        let text = with_rule("    check: hstss\n    levels: binary\n");
        let found = problems(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("unknown check kind `hstss`"));
        assert_eq!(found[0].help.as_deref(), Some("did you mean `hsts`?"));
        assert_eq!((found[0].line, found[0].column), (20, 12));
        assert_eq!(found[0].path, "rules[0].check");
    }

    #[test]
    fn unknown_aspect_and_bad_weight_are_each_reported() {
        let text = with_rule("    check: hsts\n    levels: { table: { absent: 1, short: 2, long: 4, long_with_subdomains: 5 } }\n")
            .replace("aspect: keamanan", "aspect: keamaan")
            .replace("weight: 1\n", "weight: 0\n");
        let found = problems(&text);
        let messages: Vec<&str> = found.iter().map(|p| p.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("no aspect `keamaan`")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("weight 0 is not positive")),
            "{messages:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.help.as_deref() == Some("did you mean `keamanan`?"))
        );
        // The aspect now has no rule either.
        assert!(
            messages.iter().any(|m| m.contains("has no rules")),
            "{messages:?}"
        );
    }

    #[test]
    fn levels_out_of_order_and_wrong_shape() {
        let text = with_rule(
            "    check: availability\n    levels: { thresholds: { direction: at_least, L2: 95%, L3: 99.5%, L4: 99%, L5: 99.9% } }\n",
        );
        let found = problems(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .message
                .contains("levels out of order: L4 (99%) must be above L3 (99.5%)"),
            "{:?}",
            found[0]
        );
        assert_eq!(found[0].line, 21);

        let text = with_rule("    check: availability\n    levels: binary\n");
        let found = problems(&text);
        assert!(
            found[0].message.contains("takes levels of another shape"),
            "{found:?}"
        );
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap_or_default()
                .contains("thresholds")
        );

        let text = with_rule(
            "    check: hsts\n    levels: { table: { absent: 1, short: 2, lng: 4, long_with_subdomains: 9 } }\n",
        );
        let found = problems(&text);
        let messages: Vec<&str> = found.iter().map(|p| p.message.as_str()).collect();
        assert!(messages.contains(&"unknown outcome `lng`"), "{messages:?}");
        assert!(
            messages.contains(&"a level is a whole number from 1 to 5"),
            "{messages:?}"
        );
        assert!(messages.contains(&"missing outcome `long`"), "{messages:?}");
    }

    #[test]
    fn thresholds_need_units_and_the_right_direction() {
        let text = with_rule(
            "    check: latency\n    levels: { thresholds: { direction: at_least, L2: 3, L3: 2s, L4: 1s, L5: 500ms } }\n",
        );
        let messages: Vec<String> = problems(&text).into_iter().map(|p| p.message).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("direction `at_least` does not fit")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("a duration needs a unit")),
            "{messages:?}"
        );
    }

    #[test]
    fn params_are_checked_against_the_kind() {
        let text = with_rule(
            "    check: cookies\n    params: { http_only_exmpt: [a], }\n    levels: { table: { all_three: 5, two: 3, fewer: 1 } }\n",
        );
        let found = problems(&text);
        assert!(
            found[0].message.contains("unknown param `http_only_exmpt`"),
            "{found:?}"
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some("did you mean `http_only_exempt`?")
        );

        let text = with_rule(
            "    check: contact_hours\n    params: { time_range: '[0-9' }\n    levels: { table: { both: 5, one: 3, none: 1 } }\n",
        );
        assert!(problems(&text)[0].message.contains("not a valid regex"));

        let text = with_rule(
            "    check: service_standard\n    levels: { thresholds: { direction: at_least, L2: 1, L3: 3, L4: 5, L5: 6 } }\n",
        );
        assert!(
            problems(&text)[0]
                .message
                .contains("needs `params.components`")
        );
    }

    #[test]
    fn bands_must_descend_and_cover_the_scale() {
        let text = with_rule("    check: html_lang\n    levels: binary\n")
            .replace("min: 0.0, id: Kurang", "min: 3.5, id: Kurang");
        let messages: Vec<String> = problems(&text).into_iter().map(|p| p.message).collect();
        assert!(
            messages.iter().any(|m| m.contains("bands out of order")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("would have no predicate")),
            "{messages:?}"
        );
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
            failure.problems[0].help.as_deref(),
            Some("did you mean `title`?")
        );
    }

    #[test]
    fn profiles_resolve_to_the_built_in_or_a_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert!(resolve("idsll-core", dir.path()).is_ok());
        assert!(resolve("idsll-core@2026.1", dir.path()).is_ok());
        match resolve("idsll-core@2025.2", dir.path()) {
            Err(ProfileError::VersionMismatch {
                wanted, embedded, ..
            }) => {
                assert_eq!((wanted.as_str(), embedded.as_str()), ("2025.2", "2026.1"));
            }
            other => panic!("{other:?}"),
        }
        let problems = resolve("idsll-core@2025.2", dir.path())
            .err()
            .map(|e| e.problems(Position::default(), "standards.profile"))
            .unwrap_or_default();
        assert!(problems[0].message.contains("2025.2") && problems[0].message.contains("2026.1"));
        match resolve("idsl-core", dir.path()) {
            Err(ProfileError::Unknown { suggestion, .. }) => {
                assert_eq!(suggestion.as_deref(), Some("idsll-core"))
            }
            other => panic!("{other:?}"),
        }
        let good = with_rule("    check: html_lang\n    levels: binary\n");
        std::fs::write(dir.path().join("mine.yaml"), &good).unwrap_or_else(|e| panic!("{e}"));
        let mine = resolve("mine.yaml", dir.path()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(mine.name, "mini");
        std::fs::write(
            dir.path().join("bad.yaml"),
            good.replace("html_lang", "html_lnag"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let Err(error) = resolve("./bad.yaml", dir.path()) else {
            panic!("should fail")
        };
        let problems = error.problems(Position::default(), "standards.profile");
        assert_eq!(problems.len(), 2);
        assert!(
            problems[1]
                .message
                .contains("bad.yaml:20:12 (at `rules[0].check`): unknown check kind `html_lnag`"),
            "{problems:?}"
        );
        assert!(matches!(
            resolve("missing.yaml", dir.path()),
            Err(ProfileError::Unreadable { .. })
        ));
    }
}
