//! [`ParseError`], and how the YAML library's errors are described to the user:
//! in the user's terms, at the place to fix, with a hint where one helps.

use super::{Position, closest};
use crate::diagnostic::Problem;

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

impl ParseError {
    /// As a problem of the file, the suggestion turned into a "did you mean".
    pub(crate) fn into_problem(self) -> Problem {
        let help = self
            .suggestion
            .map(|suggestion| format!("did you mean `{suggestion}`?"))
            .or(self.help);
        Problem::error(self.position, self.path.unwrap_or_default(), self.message).with_help(help)
    }
}

pub(super) fn describe(
    error: &serde_saphyr::Error,
    path: Option<String>,
    text: &str,
) -> ParseError {
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
            let (message, shape_help) = describe_unexpected(expected, text, position);
            help = shape_help;
            (message, None)
        }
        serde_saphyr::Error::InvalidScalar { ty, .. } => (
            format!(
                "expected {}, found {}",
                scalar_type_name(ty),
                found_at(text, position)
            ),
            None,
        ),
        // YAML 1.2: `yes`, `no`, `on`, `off`, `y` and `n` are text, not booleans.
        serde_saphyr::Error::InvalidBooleanStrict { .. } => {
            help = Some("only true and false are booleans (YAML 1.2)".to_string());
            (
                format!("expected true or false, found {}", found_at(text, position)),
                None,
            )
        }
        // The library's own words name its API ("use from_str_multiple") or
        // print a Rust value ("budget breached: Nodes { ... }"): say it plainly.
        serde_saphyr::Error::MultipleDocuments { .. } => {
            help = Some(
                "a scenario file holds one YAML document: remove the `---` and what follows, or put each scenario in its own file"
                    .to_string(),
            );
            ("a second YAML document starts here".to_string(), None)
        }
        serde_saphyr::Error::Budget { breach, .. } => {
            let (message, budget_help) = describe_budget(breach);
            help = Some(budget_help);
            (message, None)
        }
        other => {
            let (message, syntax_help, at) = describe_syntax(other, text, position);
            position = at;
            help = syntax_help;
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

/// A YAML size limit reached, in the user's terms: what is too large, and what
/// to do about it.
fn describe_budget(breach: &serde_saphyr::budget::BudgetBreach) -> (String, String) {
    use serde_saphyr::budget::BudgetBreach;
    let split =
        "a scenario is meant to be small: split a large set of probes into several scenarios"
            .to_string();
    match breach {
        BudgetBreach::Aliases { .. }
        | BudgetBreach::Anchors { .. }
        | BudgetBreach::AliasAnchorRatio { .. }
        | BudgetBreach::RecordedAnchorEvents { .. }
        | BudgetBreach::RecordedAnchorBytes { .. }
        | BudgetBreach::MergeKeys { .. } => (
            "the file's aliases (`*name`) and merge keys (`<<`) expand to too much; ujilab stops reading it"
                .to_string(),
            "write the values out, or use fewer aliases (a file whose aliases multiply each other grows exponentially)".to_string(),
        ),
        BudgetBreach::Depth { depth } => (
            format!("the file nests maps and lists {depth} levels deep, more than a scenario may"),
            "a scenario needs only a few levels; look for unclosed or repeated brackets".to_string(),
        ),
        BudgetBreach::Documents { .. } => (
            "the file holds too many YAML documents".to_string(),
            "a scenario file holds one YAML document; remove the `---` separators".to_string(),
        ),
        BudgetBreach::Nodes { nodes } => (
            format!(
                "the file holds more than {} values, more than a scenario may",
                nodes.saturating_sub(1)
            ),
            split,
        ),
        BudgetBreach::Events { .. } | BudgetBreach::ScalarBytes { .. } | BudgetBreach::InputBytes { .. } => (
            "the file is larger than a scenario may be".to_string(),
            split,
        ),
        _ => (
            "the file is too large or too complex for a scenario; ujilab stops reading it".to_string(),
            split,
        ),
    }
}

/// A Rust scalar type in the user's terms.
fn scalar_type_name(ty: &str) -> &str {
    match ty {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number (0 or more)",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "bool" => "true or false",
        other => other,
    }
}

/// A value of the wrong shape: what was expected, in the user's terms, and what
/// was found; a list where a map belongs gets a hint.
fn describe_unexpected(expected: &str, text: &str, position: Position) -> (String, Option<String>) {
    let found = found_at(text, position);
    let wanted = match expected {
        "sequence start" => "a list",
        "string scalar" => "a single value",
        _ => "a map of `key: value` entries",
    };
    let help = (wanted.starts_with("a map") && found == "a list")
        .then(|| "write the keys directly under this key, without `-`".to_string());
    (format!("expected {wanted}, found {found}"), help)
}

/// Any other error, syntax errors above all: the library's message, moved to the
/// place to fix when the parser gave up somewhere else, with a hint where one helps.
/// Messages of ujilab's own visitors carry their hint on a second line.
fn describe_syntax(
    error: &serde_saphyr::Error,
    text: &str,
    position: Position,
) -> (String, Option<String>, Position) {
    let (message, help) = match error {
        serde_saphyr::Error::Message { msg, .. } => match msg.split_once('\n') {
            Some((message, help)) => (message.to_string(), Some(help.to_string())),
            None => (msg.clone(), None),
        },
        other => {
            let rendered = other.render_with_options(serde_saphyr::render_options!(
                snippets: serde_saphyr::SnippetMode::Off
            ));
            let first = rendered.lines().next().unwrap_or("invalid YAML");
            (without_location(first).to_string(), None)
        }
    };
    // `{ ca_file: ${env:CA} }`: inside brackets `{` starts a nested map, so the
    // parser stops at the `{` right after `$`.
    if let Some((start, value)) = interpolation_in_flow(text, position) {
        let help = format!(
            "inside `{{ }}` or `[ ]`, a value that starts with `${{` must be quoted: write \"{value}\""
        );
        return (message, Some(help), start);
    }
    // An unclosed `{` or `[` is found only where the parser gives up, often
    // lines later, with a message about what it found there; point at the
    // bracket that is never closed.
    if let Some((start, open)) = unclosed_flow(text, position) {
        let close = if open == '{' { '}' } else { ']' };
        let help = format!(
            "this `{open}` is not closed by `{close}`; close it, or write the entries one per line without brackets"
        );
        return (message, Some(help), start);
    }
    (message, help, position)
}

/// The library's message without its " at line 6, column 20": the position is
/// shown beside it, and may be moved to the place to fix.
fn without_location(message: &str) -> &str {
    let Some((before, location)) = message.rsplit_once(" at line ") else {
        return message;
    };
    let is_location = location
        .split_once(", column ")
        .is_some_and(|(line, column)| {
            !line.is_empty()
                && !column.is_empty()
                && line.bytes().all(|b| b.is_ascii_digit())
                && column.bytes().all(|b| b.is_ascii_digit())
        });
    if is_location { before } else { message }
}

/// A plain `${...}` value inside a flow collection, when `position` is the `{`
/// of its `${`: where the value starts, and the value to quote.
fn interpolation_in_flow(text: &str, position: Position) -> Option<(Position, String)> {
    let line = text
        .lines()
        .nth(usize::try_from(position.line.checked_sub(1)?).ok()?)?;
    let column = usize::try_from(position.column).ok()?;
    let chars: Vec<char> = line.chars().collect();
    // `position` is 1-based: the `{` is chars[column - 1], the `$` before it.
    let dollar = column.checked_sub(2)?;
    if chars.get(dollar) != Some(&'$') || chars.get(column - 1) != Some(&'{') {
        return None;
    }
    let close = chars[dollar..].iter().position(|c| *c == '}')?;
    let value: String = chars[dollar..=dollar + close].iter().collect();
    let start = Position {
        line: position.line,
        column: position.column - 1,
        bytes: None,
    };
    Some((start, value))
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
    // An error met while expanding an alias (`*name`) is wrapped with where
    // the alias is used and defined; the position shown is the use.
    while let serde_saphyr::Error::WithSnippet { error: inner, .. }
    | serde_saphyr::Error::AliasError { error: inner, .. } = error
    {
        error = inner;
    }
    error
}
