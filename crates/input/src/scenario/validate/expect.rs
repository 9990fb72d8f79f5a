//! `expect`: status, latency, headers, body, JSONPath and schema expectations.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use serde_json_path::JsonPath;

use super::{Checker, child};
use crate::diagnostic::verbatim;
use crate::file::{INPUT_FILE_LIMIT, read_bounded_text};
use crate::scenario::interpolate::CaptureUse;
use crate::scenario::model::{
    Expectations, JsonPathExpectation, SchemaExpectation, StatusExpectation, StatusPattern,
};
use crate::scenario::raw::{Node, Position, RawExpect, Spanned};
use crate::text::{Text, text};

impl Checker<'_> {
    pub(super) fn expectations(
        &mut self,
        raw: &RawExpect,
        path: &str,
        capture_use: CaptureUse,
    ) -> Expectations {
        let mut expect = Expectations::default();
        if let Some(status) = &raw.status {
            expect.status = self.status(status, &child(path, "status"));
        }
        if let Some(latency) = &raw.latency {
            expect.latency = self.duration(latency, &child(path, "latency"));
        }
        if let Some(headers) = &raw.headers {
            let headers_path = child(path, "headers");
            if let Node::Map(entries) = &headers.value {
                for (key, value) in entries {
                    let name = key.value.scalar_text().unwrap_or_default();
                    if let Some(matcher) =
                        self.matcher(value, &child(&headers_path, &name), capture_use)
                    {
                        expect.headers.push((name, matcher));
                    }
                }
            } else {
                self.error(
                    Position::of(headers),
                    &headers_path,
                    Text::new(
                        "`expect.headers` memetakan nama header ke matcher",
                        "`expect.headers` maps header names to matchers",
                    ),
                );
            }
        }
        if let Some(body) = &raw.body {
            expect.body = self.matcher(body, &child(path, "body"), capture_use);
        }
        if let Some(json) = &raw.json {
            let json_path = child(path, "json");
            if let Node::Map(entries) = &json.value {
                for (key, value) in entries {
                    let source = key.value.scalar_text().unwrap_or_default();
                    let entry_path = format!("{json_path}[\"{source}\"]");
                    let compiled = self.json_path(&source, Position::of(key), &entry_path);
                    let matcher = self.matcher(value, &entry_path, capture_use);
                    if let (Some(compiled), Some(matcher)) = (compiled, matcher) {
                        expect.json.push((compiled, matcher));
                    }
                }
            } else {
                self.error(
                    Position::of(json),
                    &json_path,
                    Text::new(
                        "`expect.json` memetakan ekspresi JSONPath ke matcher",
                        "`expect.json` maps JSONPath expressions to matchers",
                    ),
                );
            }
        }
        if let Some(schema) = &raw.schema {
            expect.schema = self.schema(schema, &child(path, "schema"));
        }
        expect
    }

    pub(super) fn json_path(
        &mut self,
        source: &str,
        at: Position,
        path: &str,
    ) -> Option<JsonPathExpectation> {
        match JsonPath::parse(source) {
            Ok(compiled) => Some(JsonPathExpectation {
                source: source.to_string(),
                path: compiled,
            }),
            Err(error) => {
                let help = if source.starts_with('$') {
                    None
                } else {
                    Some(text!(
                        "JSONPath diawali $, misalnya `$.{source}`",
                        "a JSONPath starts with $, e.g. `$.{source}`"
                    ))
                };
                let quoted = verbatim(&error.to_string());
                self.error_with_help(
                    at,
                    path,
                    text!(
                        "`{source}` tidak dapat dibaca sebagai JSONPath (RFC 9535); pesan pustaka JSONPath: `{quoted}`",
                        "`{source}` is not a valid JSONPath (RFC 9535): {error}"
                    ),
                    help,
                );
                None
            }
        }
    }

    fn status(&mut self, node: &Spanned<Node>, path: &str) -> Option<StatusExpectation> {
        let pattern = |checker: &mut Self, node: &Spanned<Node>| -> Option<StatusPattern> {
            // `${env:EXPECTED_STATUS:-200}`: read as the number it gives, at its place.
            if let Node::Str(text) = &node.value
                && super::scalars::interpolates(text)
            {
                let code = checker.count(node, path)?;
                return match u16::try_from(code.value) {
                    Ok(code @ 100..=599) => Some(StatusPattern::Code(code)),
                    _ => {
                        checker.error(
                            Position::of(node),
                            path,
                            text!(
                                "`{text}` tidak menghasilkan kode status (100 sampai 599) setelah diinterpolasi",
                                "`{text}` does not give a status code (100 to 599) once interpolated"
                            ),
                        );
                        None
                    }
                };
            }
            match &node.value {
                Node::Int(code) if (100..=599).contains(code) => {
                    Some(StatusPattern::Code(*code as u16))
                }
                Node::Str(text) if text.len() == 3 && text.ends_with("xx") => {
                    match text.as_bytes()[0] {
                        digit @ b'1'..=b'5' => Some(StatusPattern::Class(u16::from(digit - b'0'))),
                        _ => {
                            checker.error(
                                Position::of(node),
                                path,
                                text!(
                                    "`{text}` bukan kelas status; pakai 1xx sampai 5xx",
                                    "`{text}` is not a status class; use 1xx to 5xx"
                                ),
                            );
                            None
                        }
                    }
                }
                other => {
                    checker.error_with_help(
                        Position::of(node),
                        path,
                        match other.scalar_text() {
                            Some(written) => text!(
                                "`{written}` bukan kode status",
                                "`{written}` is not a status code"
                            ),
                            None => text!(
                                "{found} bukan kode status",
                                "`{found}` is not a status code",
                                found = other.kind(),
                            ),
                        },
                        Some(Text::new(
                            "tulis kode (200), kelas (\"2xx\"), daftar ([200, 204]), atau matcher",
                            "write a code (200), a class (\"2xx\"), a list ([200, 204]) or a matcher",
                        )),
                    );
                    None
                }
            }
        };
        match &node.value {
            Node::Map(_) => self
                .matcher(node, path, CaptureUse::Forbidden)
                .map(StatusExpectation::Matcher),
            Node::Seq(items) => {
                let patterns: Vec<_> = items
                    .iter()
                    .filter_map(|item| pattern(self, item))
                    .collect();
                (patterns.len() == items.len() && !items.is_empty())
                    .then_some(StatusExpectation::OneOf(patterns))
            }
            _ => pattern(self, node).map(|single| StatusExpectation::OneOf(vec![single])),
        }
    }

    fn schema(&mut self, value: &Spanned<String>, path: &str) -> Option<SchemaExpectation> {
        let file = self.text(value, path);
        let at = Position::of(value);
        let full = self.dir.join(&file);
        let text = match read_bounded_text(&full, INPUT_FILE_LIMIT) {
            Ok(text) => text,
            Err(error) => {
                let file = full.display();
                self.error(
                    at,
                    path,
                    text!(
                        "schema `{file}` tidak dapat dibaca: {reason}",
                        "cannot read schema `{file}`: {reason}",
                        reason = error.reason(),
                    ),
                );
                return None;
            }
        };
        let schema: Value = match serde_json::from_str(&text) {
            Ok(schema) => schema,
            Err(error) => {
                let (file, quoted) = (full.display(), verbatim(&error.to_string()));
                self.error(
                    at,
                    path,
                    text!(
                        "schema `{file}` bukan JSON; pesan pustaka JSON: `{quoted}`",
                        "schema `{file}` is not JSON: {error}"
                    ),
                );
                return None;
            }
        };
        let folder = full
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
            .canonicalize()
            .unwrap_or_default();
        let base = url::Url::from_file_path(full.canonicalize().unwrap_or(full.clone()))
            .map(|url| url.to_string())
            .unwrap_or_default();
        let built = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .with_base_uri(base)
            .with_retriever(FolderRetriever { folder })
            .build(&schema);
        match built {
            Ok(validator) => Some(SchemaExpectation {
                file,
                validator: Arc::new(validator),
            }),
            Err(error) => {
                self.error(
                    at,
                    path,
                    {
                        let (file, quoted) = (full.display(), verbatim(&error.to_string()));
                        text!(
                            "schema `{file}` tidak dapat dibaca sebagai JSON Schema (draft 2020-12); pesan pustaka JSON Schema: `{quoted}`",
                            "schema `{file}` is not a valid JSON Schema (draft 2020-12): {error}"
                        )
                    },
                );
                None
            }
        }
    }
}

/// Resolves `$ref`s only to files under the schema's own folder: a scenario must
/// not make ujilab fetch anything, nor read files elsewhere on the machine.
struct FolderRetriever {
    folder: PathBuf,
}

impl jsonschema::Retrieve for FolderRetriever {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let url = url::Url::parse(uri.as_str())?;
        if url.scheme() != "file" {
            return Err(format!(
                "remote $ref `{uri}` is not allowed: keep referenced schemas beside this one"
            )
            .into());
        }
        let path = url
            .to_file_path()
            .map_err(|()| format!("`{uri}` is not a file path"))?;
        let path = path.canonicalize()?;
        if !path.starts_with(&self.folder) {
            return Err(format!("$ref `{uri}` points outside the schema's folder").into());
        }
        Ok(serde_json::from_str(&read_bounded_text(
            &path,
            INPUT_FILE_LIMIT,
        )?)?)
    }
}
