//! A rule's params: every param of its check kind with defaults filled in, and
//! the components and keywords a service-standard page must name.

use std::time::Duration;

use crate::catalogue::kinds::{Kind, ParamKind};
use crate::catalogue::model::Text;
use crate::quantity::parse_duration;

/// One component a page must name: a keyword, and optionally a value and a word
/// near it.
#[derive(Debug, Clone)]
pub struct Component {
    pub id: String,
    pub name: Text,
    /// Normalised: lower case, whitespace folded.
    pub keywords: Vec<String>,
    /// A pattern that must match near a keyword (a score, a year), case-insensitive.
    pub value: Option<regex::Regex>,
    /// Words (normalised) of which one must stand near a keyword.
    pub near: Vec<String>,
    /// The value must be a year no older than the run's year minus this.
    pub recent_years: Option<u32>,
}

impl PartialEq for Component {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.name == other.name
            && self.keywords == other.keywords
            && self.value.as_ref().map(regex::Regex::as_str)
                == other.value.as_ref().map(regex::Regex::as_str)
            && self.near == other.near
            && self.recent_years == other.recent_years
    }
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
    pub(crate) fn defaults(kind: &Kind) -> Params {
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
                ParamKind::Pages { default } => Some(ParamValue::Strings(
                    default.iter().map(|s| (*s).to_string()).collect(),
                )),
                ParamKind::Condition => None,
                ParamKind::Choices { default, .. } => Some(ParamValue::Strings(
                    default.iter().map(|s| (*s).to_string()).collect(),
                )),
            };
            if let Some(value) = value {
                params.set(spec.name, value);
            }
        }
        params
    }

    pub(crate) fn set(&mut self, name: &str, value: ParamValue) {
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

    /// A condition param (`applies_when`), when the catalogue sets it.
    pub fn condition(&self, name: &str) -> Option<&str> {
        self.strings(name).first().map(String::as_str)
    }

    pub fn components(&self, name: &str) -> &[Component] {
        match self.get(name) {
            Some(ParamValue::Components(components)) => components,
            _ => &[],
        }
    }
}

/// Params regexes match case-insensitively, like the keyword matching around them.
pub(super) fn case_insensitive(pattern: &str) -> Result<regex::Regex, regex::Error> {
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
