//! The raw layer: a serde mirror of the YAML a user writes, with source positions.
//!
//! Fixed structure is typed here (`deny_unknown_fields`, so a misspelled key is a
//! parse error with a position); values whose shape varies by design (matchers,
//! JSON bodies, header maps, captures) are kept as `Node` trees, each node with
//! its position, and given meaning in `validate`. The YAML library sits behind
//! [`parse`] alone.

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

pub(crate) use serde_saphyr::Spanned;

/// A position in a source file, 1-based; 0 when unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub(crate) line: u64,
    pub(crate) column: u64,
    /// Byte range of the node in the source, when the parser knows it.
    pub(crate) bytes: Option<(usize, usize)>,
}

impl Position {
    pub(crate) fn of<T>(spanned: &Spanned<T>) -> Self {
        Self::from_location(&spanned.referenced)
    }

    fn from_location(location: &serde_saphyr::Location) -> Self {
        let span = location.span();
        let bytes = match (span.byte_offset(), span.byte_len()) {
            (Some(offset), Some(len)) => Some((offset as usize, (offset + len) as usize)),
            _ => None,
        };
        Self {
            line: location.line(),
            column: location.column(),
            bytes,
        }
    }
}

/// A YAML value of free shape, every node with its position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Node>>),
    /// Entries in file order (duplicate keys are rejected by the parser).
    Map(Vec<(Spanned<Node>, Spanned<Node>)>),
}

impl Node {
    /// What kind of YAML value this is, for messages ("expected a map, found a list").
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Int(_) | Node::Float(_) => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a map",
        }
    }

    /// The text of a scalar used as a map key or a name.
    pub(crate) fn scalar_text(&self) -> Option<String> {
        match self {
            Node::Str(text) => Some(text.clone()),
            Node::Int(value) => Some(value.to_string()),
            Node::Float(value) => Some(value.to_string()),
            Node::Bool(value) => Some(value.to_string()),
            Node::Null | Node::Seq(_) | Node::Map(_) => None,
        }
    }
}

/// Serialized as the plain value, for the `effective` scenario in reports.
impl Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(value) => serializer.serialize_bool(*value),
            Node::Int(value) => serializer.serialize_i64(*value),
            Node::Float(value) => serializer.serialize_f64(*value),
            Node::Str(text) => serializer.serialize_str(text),
            Node::Seq(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&item.value)?;
                }
                seq.end()
            }
            Node::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(
                        &key.value.scalar_text().unwrap_or_default(),
                        &value.value,
                    )?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Bool(value))
    }
    fn visit_i64<E>(self, value: i64) -> Result<Node, E> {
        Ok(Node::Int(value))
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Node, E> {
        i64::try_from(value)
            .map(Node::Int)
            .map_err(|_| E::custom("integer too large; quote it to keep it as text"))
    }
    fn visit_f64<E>(self, value: f64) -> Result<Node, E> {
        Ok(Node::Float(value))
    }
    fn visit_str<E>(self, value: &str) -> Result<Node, E> {
        Ok(Node::Str(value.to_string()))
    }
    fn visit_string<E>(self, value: String) -> Result<Node, E> {
        Ok(Node::Str(value))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Node>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

/// Only the two keys that tell a scenario file from another YAML file in a folder.
#[derive(Deserialize)]
pub(crate) struct Identity {
    pub(crate) version: Option<de::IgnoredAny>,
    pub(crate) service: Option<de::IgnoredAny>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub(crate) version: Spanned<Node>,
    pub(crate) service: Spanned<RawService>,
    pub(crate) scenario: Option<Spanned<String>>,
    pub(crate) standards: Option<Spanned<RawStandards>>,
    pub(crate) vars: Option<Spanned<Node>>,
    pub(crate) secrets: Option<Spanned<Node>>,
    pub(crate) defaults: Option<Spanned<RawDefaults>>,
    pub(crate) probes: Spanned<Vec<Spanned<RawProbe>>>,
    pub(crate) availability: Option<Spanned<RawAvailability>>,
    pub(crate) load: Option<Spanned<RawLoad>>,
    pub(crate) thresholds: Option<Vec<Spanned<RawThreshold>>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawService {
    pub(crate) id: Spanned<String>,
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) owner: Option<Spanned<String>>,
    pub(crate) sector: Option<Spanned<String>>,
    pub(crate) region: Option<Spanned<RawRegion>>,
    pub(crate) base_url: Spanned<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRegion {
    pub(crate) code: Option<Spanned<String>>,
    pub(crate) name: Option<Spanned<String>>,
    #[serde(rename = "type")]
    pub(crate) kind: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStandards {
    pub(crate) profile: Spanned<String>,
    pub(crate) gate: Option<Spanned<String>>,
    pub(crate) pages: Option<Spanned<RawPages>>,
    pub(crate) http_url: Option<Spanned<String>>,
    pub(crate) waive: Option<Vec<Spanned<RawWaiver>>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPages {
    pub(crate) home: Option<Spanned<String>>,
    pub(crate) service_standard: Option<Spanned<String>>,
    pub(crate) complaints: Option<Spanned<String>>,
    pub(crate) openapi: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWaiver {
    pub(crate) rule: Spanned<String>,
    pub(crate) reason: Spanned<String>,
    pub(crate) until: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDefaults {
    pub(crate) timeout: Option<Spanned<String>>,
    pub(crate) headers: Option<Spanned<Node>>,
    pub(crate) max_redirects: Option<Spanned<u32>>,
    pub(crate) max_body: Option<Spanned<String>>,
    pub(crate) http: Option<Spanned<Node>>,
    pub(crate) cookies: Option<Spanned<bool>>,
    pub(crate) proxy: Option<Spanned<Node>>,
    pub(crate) resolve: Option<Spanned<Node>>,
    pub(crate) tls: Option<Spanned<RawTls>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTls {
    pub(crate) ca_file: Option<Spanned<String>>,
    pub(crate) insecure: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProbe {
    pub(crate) id: Spanned<String>,
    pub(crate) kind: Option<Spanned<String>>,
    pub(crate) request: Spanned<RawRequest>,
    pub(crate) timeout: Option<Spanned<String>>,
    pub(crate) max_redirects: Option<Spanned<u32>>,
    pub(crate) max_body: Option<Spanned<String>>,
    pub(crate) expect: Option<Spanned<RawExpect>>,
    pub(crate) capture: Option<Spanned<Node>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRequest {
    pub(crate) method: Option<Spanned<String>>,
    pub(crate) path: Option<Spanned<String>>,
    pub(crate) url: Option<Spanned<String>>,
    pub(crate) query: Option<Spanned<Node>>,
    pub(crate) headers: Option<Spanned<Node>>,
    pub(crate) json: Option<Spanned<Node>>,
    pub(crate) form: Option<Spanned<Node>>,
    pub(crate) body: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExpect {
    pub(crate) status: Option<Spanned<Node>>,
    pub(crate) latency: Option<Spanned<String>>,
    pub(crate) headers: Option<Spanned<Node>>,
    pub(crate) body: Option<Spanned<Node>>,
    pub(crate) json: Option<Spanned<Node>>,
    pub(crate) schema: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAvailability {
    pub(crate) probes: Option<Spanned<Vec<Spanned<String>>>>,
    pub(crate) every: Spanned<String>,
    pub(crate) samples: Option<Spanned<u64>>,
    #[serde(rename = "for")]
    pub(crate) window: Option<Spanned<String>>,
    pub(crate) allow_unsafe_methods: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLoad {
    pub(crate) probes: Option<Spanned<Node>>,
    pub(crate) model: Option<Spanned<String>>,
    pub(crate) rate: Option<Spanned<String>>,
    pub(crate) concurrency: Option<Spanned<u64>>,
    pub(crate) duration: Option<Spanned<String>>,
    pub(crate) requests: Option<Spanned<u64>>,
    pub(crate) warmup: Option<Spanned<String>>,
    pub(crate) allow_unsafe_methods: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawThreshold {
    pub(crate) metric: Spanned<String>,
    pub(crate) probe: Option<Spanned<String>>,
    pub(crate) rule: Option<Spanned<String>>,
    pub(crate) max: Option<Spanned<Node>>,
    pub(crate) min: Option<Spanned<Node>>,
    pub(crate) source: Option<Spanned<String>>,
}

/// Why a file could not be parsed: the first syntax or type error, with position.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub(crate) position: Position,
    /// Key path where serde was when it failed (`probes[2].expect`), when known.
    pub(crate) path: Option<String>,
    pub(crate) message: String,
    /// A valid key close to a misspelled one.
    pub(crate) suggestion: Option<String>,
    /// How to fix it, when the message alone does not say.
    pub(crate) help: Option<String>,
}

/// Parses YAML text into `T`, the one place the YAML library is called.
///
/// Duplicate keys are errors; alias expansion is budgeted by the library, so a
/// "billion laughs" file fails fast instead of exhausting memory.
#[allow(clippy::result_large_err)] // called once or twice per file
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    // Most files are valid: parse without path tracking first (it costs about a
    // third of the parse), and again with it only to describe an error.
    if let Ok(value) = serde_saphyr::from_str(text) {
        return Ok(value);
    }
    let mut path = None;
    let result = serde_saphyr::with_deserializer_from_str(text, |deserializer| {
        serde_path_to_error::deserialize(deserializer).map_err(|error| {
            // `Spanned` wraps each value in a struct whose field is `value`; a map
            // key serde cannot name (inside a `Node` map) shows as `?`.
            let at = error
                .path()
                .to_string()
                .replace(".value", "")
                .replace(".?", "");
            if at != "." && at != "?" && !at.is_empty() {
                path = Some(at);
            }
            error.into_inner()
        })
    });
    result.map_err(|error| describe(&error, path, text))
}

fn describe(error: &serde_saphyr::Error, path: Option<String>, text: &str) -> ParseError {
    let mut position = error
        .location()
        .map(|location| Position::from_location(&location))
        .unwrap_or_default();
    let mut help = None;
    let (message, suggestion) = match innermost(error) {
        serde_saphyr::Error::SerdeUnknownField {
            field, expected, ..
        } => {
            let suggestion = closest(field, expected.iter().copied());
            (
                format!(
                    "unknown key `{field}`; expected one of: {}",
                    expected.join(", ")
                ),
                suggestion,
            )
        }
        serde_saphyr::Error::SerdeMissingField { field, .. } => {
            help = Some(format!("add `{field}:` to this map"));
            (format!("missing required key `{field}`"), None)
        }
        serde_saphyr::Error::DuplicateMappingKey { key, .. } => (
            match key {
                Some(key) => format!(
                    "duplicate key `{key}`: a repeated key would silently drop one of its values"
                ),
                None => "duplicate key: a repeated key would silently drop one of its values"
                    .to_string(),
            },
            None,
        ),
        // The library says "expected mapping start at line 8, column 7": say what
        // was expected in the user's terms, and what was found instead.
        serde_saphyr::Error::Unexpected { expected, .. }
            if matches!(
                *expected,
                "mapping start" | "empty mapping start" | "sequence start" | "string scalar"
            ) =>
        {
            let found = found_at(text, position);
            let wanted = match *expected {
                "sequence start" => "a list",
                "string scalar" => "a single value",
                _ => "a map of `key: value` entries",
            };
            if wanted.starts_with("a map") && found == "a list" {
                help = Some("write the keys directly under this key, without `-`".to_string());
            }
            (format!("expected {wanted}, found {found}"), None)
        }
        serde_saphyr::Error::InvalidScalar { ty, .. } => {
            let wanted = match *ty {
                "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number (0 or more)",
                "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
                "f32" | "f64" => "a number",
                "bool" => "true or false",
                other => other,
            };
            (
                format!("expected {wanted}, found {}", found_at(text, position)),
                None,
            )
        }
        other => {
            let message = other
                .render_with_options(serde_saphyr::render_options!(
                    snippets: serde_saphyr::SnippetMode::Off
                ))
                .lines()
                .next()
                .unwrap_or("invalid YAML")
                .to_string();
            // An unclosed `{` or `[` is found only where the parser gives up, often
            // lines later, with a message about what it found there; point at the
            // bracket that is never closed.
            if let Some((start, open)) = unclosed_flow(text, position) {
                let close = if open == '{' { '}' } else { ']' };
                position = start;
                help = Some(format!(
                    "this `{open}` is not closed by `{close}`; close it, or write the entries one per line without brackets"
                ));
            }
            (message, None)
        }
    };
    ParseError {
        position,
        path,
        message,
        suggestion,
        help,
    }
}

/// The rest of the line at `position`, for "expected a map, found ...".
fn found_at(text: &str, position: Position) -> String {
    let line = usize::try_from(position.line.saturating_sub(1)).unwrap_or(usize::MAX);
    let column = usize::try_from(position.column.saturating_sub(1)).unwrap_or(0);
    let rest: String = text
        .lines()
        .nth(line)
        .map(|line| line.chars().skip(column).collect())
        .unwrap_or_default();
    let rest = rest.trim();
    let value = match rest.find(" #") {
        Some(comment) if !rest.starts_with(['"', '\'']) => rest[..comment].trim_end(),
        _ => rest,
    };
    let quoted = value.starts_with(['"', '\'']);
    if value.is_empty() {
        "nothing".to_string()
    } else if value == "-" || value.starts_with("- ") || value.starts_with('[') {
        "a list".to_string()
    } else if value.starts_with('{') || (!quoted && (value.contains(": ") || value.ends_with(':')))
    {
        "a map".to_string()
    } else if value.chars().count() > 40 {
        format!("`{}...`", value.chars().take(40).collect::<String>())
    } else {
        format!("`{value}`")
    }
}

/// The innermost flow collection (`{` or `[`) opened before `upto` and never closed
/// in the whole text, with its bracket. A light scan: brackets count only where a
/// node starts; quotes, comments and block scalars (`|`, `>`) are skipped.
fn unclosed_flow(text: &str, upto: Position) -> Option<(Position, char)> {
    let mut stack: Vec<(char, u64, u64)> = Vec::new();
    let mut quote: Option<char> = None;
    let mut block_indent: Option<usize> = None;
    for (index, line) in text.lines().enumerate() {
        let line_number = index as u64 + 1;
        let indent = line.len() - line.trim_start().len();
        if let Some(parent) = block_indent {
            if line.trim().is_empty() || indent > parent {
                continue;
            }
            block_indent = None;
        }
        // The last character that is not a space, and whether a space came after it.
        let mut previous: Option<char> = None;
        let mut after_space = true;
        let mut chars = line.chars().enumerate().peekable();
        while let Some((offset, c)) = chars.next() {
            let column = offset as u64 + 1;
            if let Some(q) = quote {
                if c == '\\' && q == '"' {
                    chars.next();
                } else if c == q {
                    if q == '\'' && chars.peek().is_some_and(|(_, next)| *next == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                        previous = Some(c);
                        after_space = false;
                    }
                }
                continue;
            }
            let node_start = match previous {
                None | Some('[' | '{' | ',') => true,
                Some(':' | '-' | '?') => after_space,
                Some(_) => false,
            };
            match c {
                ' ' | '\t' => {
                    after_space = true;
                    continue;
                }
                '#' if after_space => break,
                '"' | '\'' if node_start => quote = Some(c),
                '{' | '[' if node_start => stack.push((c, line_number, column)),
                '}' | ']'
                    if stack
                        .last()
                        .is_some_and(|(top, _, _)| (*top == '{') == (c == '}')) =>
                {
                    stack.pop();
                }
                _ => {}
            }
            previous = Some(c);
            after_space = false;
        }
        let content = line.split(" #").next().unwrap_or_default().trim_end();
        let indicator =
            content.trim_end_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit());
        if stack.is_empty()
            && quote.is_none()
            && [" |", " >", "|", ">"]
                .iter()
                .any(|end| indicator.ends_with(end) && (end.len() == 2 || indicator.trim() == *end))
        {
            block_indent = Some(indent);
        }
    }
    stack
        .iter()
        .rev()
        .find(|(_, line, column)| (*line, *column) < (upto.line, upto.column))
        .map(|(open, line, column)| {
            let start = Position {
                line: *line,
                column: *column,
                bytes: None,
            };
            (start, *open)
        })
}

fn innermost(mut error: &serde_saphyr::Error) -> &serde_saphyr::Error {
    while let serde_saphyr::Error::WithSnippet { error: inner, .. } = error {
        error = inner;
    }
    error
}

/// The candidate within edit distance 2 of `word`, for "did you mean".
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::levenshtein(word, candidate), candidate))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Small {
        timeout: Spanned<String>,
        extra: Option<Spanned<Node>>,
    }

    #[test]
    fn unknown_key_has_position_and_suggestion() {
        let error = parse::<Small>("timeout: 1s\ntiemout: 2s\n").unwrap_err();
        assert_eq!(error.position.line, 2);
        assert_eq!(error.suggestion.as_deref(), Some("timeout"));
    }

    #[test]
    fn duplicate_key_is_an_error() {
        let error = parse::<Small>("timeout: 1s\ntimeout: 2s\n").unwrap_err();
        assert!(error.message.contains("duplicate key"), "{error:?}");
        assert_eq!(error.position.line, 2);
    }

    #[test]
    fn nodes_keep_positions() {
        let small: Small = parse("timeout: 1s\nextra:\n  a: [1, \"x\"]\n").unwrap();
        let extra = small.extra.unwrap();
        let Node::Map(entries) = &extra.value else {
            panic!("not a map")
        };
        let Node::Seq(items) = &entries[0].1.value else {
            panic!("not a list")
        };
        assert_eq!(items[0].value, Node::Int(1));
        assert_eq!(items[1].value, Node::Str("x".into()));
        assert_eq!(Position::of(&items[1]).line, 3);
        assert_eq!(Position::of(&small.timeout).column, 10);
    }

    #[test]
    fn type_error_has_a_path() {
        let error = parse::<Small>("timeout: [1]\n").unwrap_err();
        assert_eq!(error.position.line, 1);
        assert_eq!(error.path.as_deref(), Some("timeout"));
    }

    #[derive(Debug, Deserialize)]
    struct Counted {
        #[allow(dead_code)]
        count: Spanned<u32>,
    }

    #[test]
    fn type_error_says_what_was_found() {
        let error = parse::<Counted>("count: lima # a comment\n").unwrap_err();
        assert_eq!(
            error.message,
            "expected a whole number (0 or more), found `lima`"
        );
        let error = parse::<Small>("timeout:\n  - 1s\n").unwrap_err();
        assert!(error.message.contains("found a list"), "{error:?}");
    }

    #[test]
    fn an_unclosed_bracket_is_shown_where_it_opens() {
        let text = "a: |\n  { not yaml\nb: \"{ quoted\"\nc: [1, {x: 2}]\nd: {e: 1\nf: 2\n";
        let error = parse::<Spanned<Node>>(text).unwrap_err();
        assert_eq!(
            (error.position.line, error.position.column),
            (5, 4),
            "{error:?}"
        );
        assert!(error.help.unwrap_or_default().contains("not closed"));
    }
}
