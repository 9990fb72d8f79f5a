//! `capture`: values a probe takes from its response for later probes.

use super::names::is_name;
use super::{Checker, child};
use crate::diagnostic::{did_you_mean, verbatim};
use crate::scenario::model::{Capture, CaptureSource};
use crate::scenario::raw::{Node, Position, Spanned, closest};
use crate::text::{Text, text};

impl Checker<'_> {
    pub(super) fn captures(&mut self, node: &Spanned<Node>, path: &str) -> Vec<Capture> {
        let Node::Map(entries) = &node.value else {
            self.error(
                Position::of(node),
                path,
                Text::new(
                    "`capture` memetakan nama ke JSONPath, `{ header: NAME }`, `{ cookie: NAME }`, atau `{ body: REGEX }`",
                    "`capture` maps names to a JSONPath, `{ header: NAME }`, `{ cookie: NAME }` or `{ body: REGEX }`",
                ),
            );
            return Vec::new();
        };
        let mut captures = Vec::new();
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let capture_path = child(path, &name);
            if !is_name(&name) {
                self.error(
                    Position::of(key),
                    &capture_path,
                    text!(
                        "`{name}` tidak dapat dipakai sebagai nama: pakai huruf, angka, dan _",
                        "`{name}` is not a valid name: use letters, digits and _"
                    ),
                );
            }
            let at = Position::of(value);
            let (source, secret) = match &value.value {
                Node::Str(json_path) => (
                    self.json_path(json_path, at, &capture_path)
                        .map(CaptureSource::Json),
                    false,
                ),
                Node::Map(fields) => self.capture_fields(fields, &capture_path),
                other => {
                    self.error(
                        at,
                        &capture_path,
                        text!(
                            "capture berupa teks JSONPath atau map, ditemukan {found}",
                            "a capture is a JSONPath string or a map, found {found}",
                            found = other.kind(),
                        ),
                    );
                    (None, false)
                }
            };
            if let Some(source) = source {
                captures.push(Capture {
                    name,
                    source,
                    secret,
                });
            } else if matches!(value.value, Node::Map(_))
                && !self
                    .problems
                    .iter()
                    .any(|p| p.path.starts_with(&capture_path))
            {
                self.error(
                    at,
                    &capture_path,
                    Text::new(
                        "capture memerlukan salah satu dari `json`, `header`, `cookie`, atau `body`",
                        "a capture needs one of `json`, `header`, `cookie` or `body`",
                    ),
                );
            }
        }
        captures
    }

    /// The `{ json | header [pattern] | cookie | body | body_regex, secret }` form
    /// of a capture.
    fn capture_fields(
        &mut self,
        fields: &[(Spanned<Node>, Spanned<Node>)],
        capture_path: &str,
    ) -> (Option<CaptureSource>, bool) {
        let mut source = None;
        let mut secret = false;
        let mut pattern: Option<(regex::Regex, Position, String)> = None;
        for (field, field_value) in fields {
            let field_name = field.value.scalar_text().unwrap_or_default();
            let field_path = child(capture_path, &field_name);
            let text = field_value.value.scalar_text().unwrap_or_default();
            match field_name.as_str() {
                "json" => {
                    source = self
                        .json_path(&text, Position::of(field_value), &field_path)
                        .map(CaptureSource::Json)
                }
                "header" => {
                    source = Some(CaptureSource::Header {
                        name: text,
                        pattern: None,
                    })
                }
                "cookie" => source = Some(CaptureSource::Cookie(text)),
                "pattern" => match regex::Regex::new(&text) {
                    Ok(regex) => pattern = Some((regex, Position::of(field_value), field_path)),
                    Err(error) => self.error(
                        Position::of(field_value),
                        &field_path,
                        regex_problem(&text, &error),
                    ),
                },
                "body" | "body_regex" => match regex::Regex::new(&text) {
                    Ok(regex) => source = Some(CaptureSource::BodyRegex(regex)),
                    Err(error) => self.error(
                        Position::of(field_value),
                        &field_path,
                        regex_problem(&text, &error),
                    ),
                },
                "secret" => match field_value.value {
                    Node::Bool(flag) => secret = flag,
                    _ => self.error(
                        Position::of(field_value),
                        &field_path,
                        Text::new(
                            "`secret` bernilai true atau false",
                            "`secret` is true or false",
                        ),
                    ),
                },
                unknown => {
                    let help = closest(
                        unknown,
                        [
                            "json",
                            "header",
                            "pattern",
                            "cookie",
                            "body",
                            "body_regex",
                            "secret",
                        ],
                    )
                    .as_deref()
                    .map(did_you_mean);
                    self.error_with_help(
                        Position::of(field),
                        &field_path,
                        text!(
                            "kunci capture `{unknown}` tidak dikenal; kunci yang dikenal: `json`, `header`, `pattern`, `cookie`, `body`, `body_regex`, `secret`",
                            "unknown capture key `{unknown}`; expected json, header, pattern, cookie, body, body_regex or secret"
                        ),
                        help,
                    );
                }
            }
        }
        if let Some((regex, at, pattern_path)) = pattern {
            match &mut source {
                Some(CaptureSource::Header { pattern, .. }) => *pattern = Some(regex),
                _ => self.error(
                    at,
                    &pattern_path,
                    Text::new(
                        "`pattern` hanya berlaku bersama `header`",
                        "`pattern` goes with `header` only",
                    ),
                ),
            }
        }
        (source, secret)
    }
}

/// A pattern the regex library refused: its reason (the last line of its
/// message) kept as it wrote it.
pub(super) fn regex_problem(pattern: &str, error: &regex::Error) -> Text {
    let message = error.to_string();
    let detail = message.lines().last().unwrap_or_default().trim();
    let quoted = verbatim(detail);
    text!(
        "`{pattern}` tidak dapat dibaca sebagai ekspresi reguler; pesan pustaka regex: `{quoted}`",
        "`{pattern}` is not a valid regular expression: {detail}"
    )
}
