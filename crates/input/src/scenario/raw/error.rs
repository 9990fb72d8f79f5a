//! [`ParseError`], and how the YAML library's errors are described to the user:
//! in the user's terms, at the place to fix, with a hint where one helps.

use super::{Position, closest};
use crate::diagnostic::{Problem, backticked, did_you_mean, verbatim};
use crate::text::{Text, text};

/// Why a file could not be parsed: the first syntax or type error, with position.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub(crate) position: Position,
    /// Key path where serde was when it failed (`probes[2].expect`), when known.
    pub(crate) path: Option<String>,
    pub(crate) message: Text,
    /// A valid key close to a misspelled one.
    pub(crate) suggestion: Option<String>,
    /// How to fix it, when the message alone does not say.
    pub(crate) help: Option<Text>,
}

impl ParseError {
    /// As a problem of the file, the suggestion turned into a "did you mean".
    pub(crate) fn into_problem(self) -> Problem {
        let help = self.suggestion.as_deref().map(did_you_mean).or(self.help);
        Problem::error(self.position, self.path.unwrap_or_default(), self.message).with_help(help)
    }
}

/// Separates the languages in the message of one of ujilab's own visitors: serde
/// carries it as one string (`custom_message`, read back by `describe_syntax`).
const LANGUAGE_SEPARATOR: char = '\u{1f}';

/// A message of one of ujilab's own visitors, with its hint, in both languages,
/// as the single string serde's `Error::custom` carries.
pub(super) fn custom_message(message: Text, help: Text) -> String {
    format!(
        "{}\n{}{LANGUAGE_SEPARATOR}{}\n{}",
        message.id, help.id, message.en, help.en
    )
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
            let (known, keys) = (expected.join(", "), backticked(expected.iter().copied()));
            (
                text!(
                    "kunci `{field}` tidak dikenal; kunci yang dikenal: {keys}",
                    "unknown key `{field}`; expected one of: {known}"
                ),
                suggestion,
            )
        }
        serde_saphyr::Error::SerdeMissingField { field, .. } => {
            help = Some(text!(
                "tambahkan `{field}:` ke map ini",
                "add `{field}:` to this map"
            ));
            (
                text!(
                    "kunci wajib `{field}` tidak ada",
                    "missing required key `{field}`"
                ),
                None,
            )
        }
        serde_saphyr::Error::DuplicateMappingKey { key, .. } => (
            match key {
                Some(key) => text!(
                    "kunci `{key}` ditulis dua kali: kunci yang berulang membuat salah satu nilainya terbuang tanpa peringatan",
                    "duplicate key `{key}`: a repeated key would silently drop one of its values"
                ),
                None => Text::new(
                    "kunci ditulis dua kali: kunci yang berulang membuat salah satu nilainya terbuang tanpa peringatan",
                    "duplicate key: a repeated key would silently drop one of its values",
                ),
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
            text!(
                "seharusnya {wanted}, ditemukan {found}",
                "expected {wanted}, found {found}",
                wanted = scalar_type_name(ty),
                found = found_at(text, position),
            ),
            None,
        ),
        // YAML 1.2: `yes`, `no`, `on`, `off`, `y` and `n` are text, not booleans.
        serde_saphyr::Error::InvalidBooleanStrict { .. } => {
            help = Some(Text::new(
                "hanya true dan false yang merupakan boolean (YAML 1.2)",
                "only true and false are booleans (YAML 1.2)",
            ));
            (
                text!(
                    "seharusnya true atau false, ditemukan {found}",
                    "expected true or false, found {found}",
                    found = found_at(text, position),
                ),
                None,
            )
        }
        // The library's own words name its API ("use from_str_multiple") or
        // print a Rust value ("budget breached: Nodes { ... }"): say it plainly.
        serde_saphyr::Error::MultipleDocuments { .. } => {
            help = Some(Text::new(
                "satu berkas skenario memuat satu dokumen YAML: hapus `---` beserta isi sesudahnya, atau simpan setiap skenario dalam berkasnya sendiri",
                "a scenario file holds one YAML document: remove the `---` and what follows, or put each scenario in its own file",
            ));
            (
                Text::new(
                    "dokumen YAML kedua dimulai di sini",
                    "a second YAML document starts here",
                ),
                None,
            )
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
fn describe_budget(breach: &serde_saphyr::budget::BudgetBreach) -> (Text, Text) {
    use serde_saphyr::budget::BudgetBreach;
    let split = Text::new(
        "skenario semestinya kecil: pecah kumpulan titik uji yang besar menjadi beberapa skenario",
        "a scenario is meant to be small: split a large set of probes into several scenarios",
    );
    match breach {
        BudgetBreach::Aliases { .. }
        | BudgetBreach::Anchors { .. }
        | BudgetBreach::AliasAnchorRatio { .. }
        | BudgetBreach::RecordedAnchorEvents { .. }
        | BudgetBreach::RecordedAnchorBytes { .. }
        | BudgetBreach::MergeKeys { .. } => (
            Text::new(
                "alias (`*nama`) dan merge key (`<<`) dalam berkas ini mengembang terlalu besar; ujilab berhenti membacanya",
                "the file's aliases (`*name`) and merge keys (`<<`) expand to too much; ujilab stops reading it",
            ),
            Text::new(
                "tulis nilainya secara langsung, atau kurangi alias (berkas yang aliasnya saling menggandakan tumbuh secara eksponensial)",
                "write the values out, or use fewer aliases (a file whose aliases multiply each other grows exponentially)",
            ),
        ),
        BudgetBreach::Depth { depth } => (
            text!(
                "berkas ini menyusun map dan daftar sedalam {depth} tingkat, melebihi batas untuk skenario",
                "the file nests maps and lists {depth} levels deep, more than a scenario may"
            ),
            Text::new(
                "skenario hanya memerlukan beberapa tingkat; periksa kurung yang tidak ditutup atau berulang",
                "a scenario needs only a few levels; look for unclosed or repeated brackets",
            ),
        ),
        BudgetBreach::Documents { .. } => (
            Text::new(
                "berkas ini memuat terlalu banyak dokumen YAML",
                "the file holds too many YAML documents",
            ),
            Text::new(
                "satu berkas skenario memuat satu dokumen YAML; hapus pemisah `---`",
                "a scenario file holds one YAML document; remove the `---` separators",
            ),
        ),
        BudgetBreach::Nodes { nodes } => {
            let most = nodes.saturating_sub(1);
            (
                text!(
                    "berkas ini memuat lebih dari {most} nilai, melebihi batas untuk skenario",
                    "the file holds more than {most} values, more than a scenario may"
                ),
                split,
            )
        }
        BudgetBreach::Events { .. }
        | BudgetBreach::ScalarBytes { .. }
        | BudgetBreach::InputBytes { .. } => (
            Text::new(
                "berkas ini lebih besar dari batas ukuran skenario",
                "the file is larger than a scenario may be",
            ),
            split,
        ),
        _ => (
            Text::new(
                "berkas ini terlalu besar atau terlalu rumit untuk sebuah skenario; ujilab berhenti membacanya",
                "the file is too large or too complex for a scenario; ujilab stops reading it",
            ),
            split,
        ),
    }
}

/// A Rust scalar type in the user's terms.
fn scalar_type_name(ty: &str) -> Text {
    match ty {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => Text::new(
            "bilangan bulat (0 atau lebih)",
            "a whole number (0 or more)",
        ),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => {
            Text::new("bilangan bulat", "a whole number")
        }
        "f32" | "f64" => Text::new("angka", "a number"),
        "bool" => Text::new("true atau false", "true or false"),
        other => Text::new(format!("`{other}`"), other),
    }
}

/// A value of the wrong shape: what was expected, in the user's terms, and what
/// was found; a list where a map belongs gets a hint.
fn describe_unexpected(expected: &str, text: &str, position: Position) -> (Text, Option<Text>) {
    let found = found_at(text, position);
    let wanted = match expected {
        "sequence start" => Text::new("daftar", "a list"),
        "string scalar" => Text::new("satu nilai", "a single value"),
        _ => Text::new(
            "map berisi pasangan `kunci: nilai`",
            "a map of `key: value` entries",
        ),
    };
    let help = (wanted.en.starts_with("a map") && found.en == "a list").then(|| {
        Text::new(
            "tulis kunci-kuncinya langsung di bawah kunci ini, tanpa `-`",
            "write the keys directly under this key, without `-`",
        )
    });
    let message = text!(
        "seharusnya {wanted}, ditemukan {found}",
        "expected {wanted}, found {found}",
        wanted = wanted,
        found = found,
    );
    (message, help)
}

/// Any other error, syntax errors above all: the library's message, moved to the
/// place to fix when the parser gave up somewhere else, with a hint where one helps.
/// Messages of ujilab's own visitors carry their hint on a second line, in both
/// languages ([`custom_message`]).
fn describe_syntax(
    error: &serde_saphyr::Error,
    text: &str,
    position: Position,
) -> (Text, Option<Text>, Position) {
    let split_help = |message: &str| match message.split_once('\n') {
        Some((message, help)) => (message.to_string(), Some(help.to_string())),
        None => (message.to_string(), None),
    };
    let (message, help) = match error {
        serde_saphyr::Error::Message { msg, .. } => match msg.split_once(LANGUAGE_SEPARATOR) {
            Some((id, en)) => {
                let ((id, id_help), (en, en_help)) = (split_help(id), split_help(en));
                let help = id_help.zip(en_help).map(|(id, en)| Text::new(id, en));
                (Text::new(id, en), help)
            }
            // Serde's own words ("invalid type: ..."): framed, kept as the
            // library wrote them.
            None => {
                let (detail, help) = split_help(msg);
                (
                    library_message(&detail),
                    help.map(|help| Text::new(help.clone(), help)),
                )
            }
        },
        other => {
            let rendered = other.render_with_options(serde_saphyr::render_options!(
                snippets: serde_saphyr::SnippetMode::Off
            ));
            let first = rendered.lines().next().unwrap_or("invalid YAML");
            (library_message(without_location(first)), None)
        }
    };
    // `{ ca_file: ${env:CA} }`: inside brackets `{` starts a nested map, so the
    // parser stops at the `{` right after `$`.
    if let Some((start, value)) = interpolation_in_flow(text, position) {
        let help = text!(
            "di dalam `{{ }}` atau `[ ]`, nilai yang diawali `${{` harus diberi tanda kutip: tulis \"{value}\"",
            "inside `{{ }}` or `[ ]`, a value that starts with `${{` must be quoted: write \"{value}\""
        );
        return (message, Some(help), start);
    }
    // An unclosed `{` or `[` is found only where the parser gives up, often
    // lines later, with a message about what it found there; point at the
    // bracket that is never closed.
    if let Some((start, open)) = unclosed_flow(text, position) {
        let close = if open == '{' { '}' } else { ']' };
        let help = text!(
            "`{open}` ini tidak ditutup dengan `{close}`; tutup, atau tulis entrinya satu per baris tanpa kurung",
            "this `{open}` is not closed by `{close}`; close it, or write the entries one per line without brackets"
        );
        return (message, Some(help), start);
    }
    (message, help, position)
}

/// The YAML library's own words, which have no translation: framed in each
/// language, the detail kept as the library wrote it (as code in Indonesian).
fn library_message(detail: &str) -> Text {
    let quoted = verbatim(detail);
    text!(
        "YAML tidak dapat dibaca; pesan pustaka YAML: `{quoted}`",
        "invalid YAML: {detail}"
    )
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
fn found_at(text: &str, position: Position) -> Text {
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
        Text::new("nilai kosong", "nothing")
    } else if value == "-" || value.starts_with("- ") || value.starts_with('[') {
        Text::new("daftar", "a list")
    } else if value.starts_with('{') || (!quoted && (value.contains(": ") || value.ends_with(':')))
    {
        Text::new("map", "a map")
    } else {
        let shown = if value.chars().count() > 40 {
            format!("`{}...`", value.chars().take(40).collect::<String>())
        } else {
            format!("`{value}`")
        };
        Text::new(shown.clone(), shown)
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
