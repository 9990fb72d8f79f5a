//! `probes_from:` checked: where the OpenAPI document is (a URL, a path under
//! base_url, or a file next to the scenario, read and parsed now so that a
//! missing or broken file is a load error with its position), and the
//! include/exclude names.

use std::sync::Arc;

use serde_json::Value;

use super::Checker;
use crate::file::{INPUT_FILE_LIMIT, read_bounded_text};
use crate::scenario::model::Service;
use crate::scenario::probes_from::{OpenApiSource, ProbesFrom};
use crate::scenario::raw::{Position, RawProbesFrom, Spanned};
use crate::text::text;

impl Checker<'_> {
    pub(super) fn probes_from(
        &mut self,
        raw: &Spanned<RawProbesFrom>,
        service: Option<&Service>,
    ) -> Option<ProbesFrom> {
        let raw_value = &raw.value;
        let path = "probes_from.openapi";
        let written = self.text(&raw_value.openapi, path);
        let at = Position::of(&raw_value.openapi);
        let openapi = if written.starts_with("http://") || written.starts_with("https://") {
            OpenApiSource::Url(self.absolute_url(&raw_value.openapi, path)?)
        } else if written.starts_with('/') {
            OpenApiSource::Url(crate::scenario::join_path(&service?.base_url, &written))
        } else if written.is_empty() {
            self.error(
                at,
                path,
                text!(
                    "tulis URL dokumen OpenAPI, path di bawah base_url (/openapi.json), atau berkas",
                    "write the OpenAPI document's URL, a path under base_url (/openapi.json), or a file"
                ),
            );
            return None;
        } else {
            self.openapi_file(&written, at, path)?
        };
        let names = |checker: &mut Self, list: &Option<Vec<Spanned<String>>>, key: &str| {
            list.iter()
                .flatten()
                .enumerate()
                .filter_map(|(index, name)| {
                    let entry = format!("probes_from.{key}[{index}]");
                    let text = checker.text(name, &entry);
                    if text.is_empty() {
                        checker.error(
                            Position::of(name),
                            &entry,
                            text!(
                                "nama operasi kosong; tulis operationId atau pola path (/api/*)",
                                "an empty operation name; write an operationId or a path pattern (/api/*)"
                            ),
                        );
                        return None;
                    }
                    Some(text)
                })
                .collect::<Vec<_>>()
        };
        let include = names(self, &raw_value.include, "include");
        let exclude = names(self, &raw_value.exclude, "exclude");
        Some(ProbesFrom {
            openapi,
            include,
            exclude,
        })
    }

    fn openapi_file(&mut self, written: &str, at: Position, path: &str) -> Option<OpenApiSource> {
        let full = self.dir.join(written);
        let text = match read_bounded_text(&full, INPUT_FILE_LIMIT) {
            Ok(text) => text,
            Err(error) => {
                let file = full.display();
                self.error(
                    at,
                    path,
                    text!(
                        "dokumen OpenAPI `{file}` tidak dapat dibaca: {reason}",
                        "cannot read the OpenAPI document `{file}`: {reason}",
                        reason = error.reason(),
                    ),
                );
                return None;
            }
        };
        let document: Option<Value> = serde_json::from_str(&text)
            .ok()
            .or_else(|| crate::scenario::raw::parse::<Value>(&text).ok());
        match document {
            Some(document) if document.get("openapi").is_some() => Some(OpenApiSource::File {
                file: full.display().to_string(),
                document: Arc::new(document),
            }),
            _ => {
                let file = full.display();
                self.error(
                    at,
                    path,
                    text!(
                        "`{file}` bukan dokumen OpenAPI 3 (JSON atau YAML dengan kunci `openapi`)",
                        "`{file}` is not an OpenAPI 3 document (JSON or YAML with an `openapi` key)"
                    ),
                );
                None
            }
        }
    }
}
