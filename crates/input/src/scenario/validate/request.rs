//! The parts of a request: method, target (`path` or `url`), header maps,
//! name-value maps (query, form) and the body (JSON templates, form, raw text).

use std::collections::HashSet;

use serde_json::Value;

use super::scalars::{interpolates, shown};
use super::{Checker, child};
use crate::scenario::interpolate::{CaptureUse, Template};
use crate::scenario::model::{Body, JsonTemplate, Target};
use crate::scenario::raw::{Node, Position, RawRequest, Spanned};
use crate::text::{Text, text};

impl Checker<'_> {
    /// `method:`, upper-cased; GET when absent or not a method (reported).
    pub(super) fn method(&mut self, request: &RawRequest, request_path: &str) -> http::Method {
        let Some(method) = &request.method else {
            return http::Method::GET;
        };
        let text = self
            .text(method, &child(request_path, "method"))
            .to_ascii_uppercase();
        match http::Method::from_bytes(text.as_bytes()) {
            Ok(method) => method,
            Err(_) => {
                self.error_with_help(
                    Position::of(method),
                    &child(request_path, "method"),
                    {
                        let method = shown(method, &text);
                        text!(
                            "`{method}` bukan metode HTTP",
                            "`{method}` is not an HTTP method"
                        )
                    },
                    Some(Text::new(
                        "tulis `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD`, atau `OPTIONS`",
                        "write GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS",
                    )),
                );
                http::Method::GET
            }
        }
    }

    /// Exactly one of `path` (joined to base_url) and `url`.
    pub(super) fn target(
        &mut self,
        request: &Spanned<RawRequest>,
        request_path: &str,
        capture_use: CaptureUse,
    ) -> Option<Target> {
        match (&request.value.path, &request.value.url) {
            (Some(_), Some(url)) => {
                self.error(
                    Position::of(url),
                    &child(request_path, "url"),
                    Text::new(
                        "isi `path` atau `url`, jangan keduanya",
                        "give either `path` or `url`, not both",
                    ),
                );
                None
            }
            (None, None) => {
                self.error(
                    Position::of(request),
                    request_path,
                    Text::new(
                        "permintaan memerlukan `path` (digabung dengan `base_url`) atau `url`",
                        "a request needs `path` (joined to base_url) or `url`",
                    ),
                );
                None
            }
            (Some(path_value), None) => {
                let at = child(request_path, "path");
                let template = self.template_at(
                    &path_value.value,
                    Position::of(path_value),
                    &at,
                    capture_use,
                );
                if !path_value.value.starts_with('/') && !path_value.value.starts_with("${") {
                    self.error_with_help(
                        Position::of(path_value),
                        &at,
                        {
                            let path = &path_value.value;
                            text!("`{path}` tidak diawali /", "`{path}` does not start with /")
                        },
                        {
                            let path = &path_value.value;
                            Some(text!("tulis `/{path}`", "write `/{path}`"))
                        },
                    );
                }
                Some(Target::Path(template))
            }
            (None, Some(url_value)) => {
                let at = child(request_path, "url");
                let template =
                    self.template_at(&url_value.value, Position::of(url_value), &at, capture_use);
                if let Some(literal) = template.as_literal() {
                    let ok = url::Url::parse(&literal)
                        .is_ok_and(|url| matches!(url.scheme(), "http" | "https"));
                    if !ok {
                        self.error(Position::of(url_value), &at, {
                            let url = shown(url_value, &literal);
                            text!(
                                "`{url}` bukan URL http(s) absolut",
                                "`{url}` is not an absolute http(s) URL"
                            )
                        });
                    }
                }
                Some(Target::Url(template))
            }
        }
    }

    /// The default headers with the request's own over them (by name, ignoring
    /// case); a `null` value removes a default.
    pub(super) fn request_headers(
        &mut self,
        request: &RawRequest,
        defaults: &[(String, Option<Template>)],
        request_path: &str,
        capture_use: CaptureUse,
    ) -> Vec<(String, Template)> {
        let mut headers: Vec<(String, Option<Template>)> = defaults.to_vec();
        if let Some(own) = &request.headers {
            for (name, value) in self.headers(own, &child(request_path, "headers"), capture_use) {
                headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(&name));
                headers.push((name, value));
            }
        }
        headers
            .into_iter()
            .filter_map(|(name, value)| value.map(|value| (name, value)))
            .collect()
    }

    /// At most one of `json`, `form` and `body`.
    pub(super) fn body(
        &mut self,
        request: &RawRequest,
        request_path: &str,
        capture_use: CaptureUse,
    ) -> Body {
        let mut bodies: Vec<(&str, Position)> = [
            ("json", request.json.as_ref().map(Position::of)),
            ("form", request.form.as_ref().map(Position::of)),
            ("body", request.body.as_ref().map(Position::of)),
        ]
        .into_iter()
        .filter_map(|(name, at)| at.map(|at| (name, at)))
        .collect();
        bodies.sort_by_key(|(_, at)| (at.line, at.column));
        if let [(first, _), (second, at), ..] = bodies.as_slice() {
            self.error(
                *at,
                &child(request_path, second),
                text!(
                    "permintaan paling banyak memiliki satu dari `json`, `form`, dan `body`; permintaan ini memiliki `{first}` dan `{second}`",
                    "a request has at most one of `json`, `form` and `body`; this one has `{first}` and `{second}`"
                ),
            );
        }
        if let Some(json) = &request.json {
            Body::Json(self.json_template(json, &child(request_path, "json"), capture_use))
        } else if let Some(form) = &request.form {
            Body::Form(self.string_map(form, &child(request_path, "form"), capture_use))
        } else if let Some(body) = &request.body {
            Body::Raw(self.template_at(
                &body.value,
                Position::of(body),
                &child(request_path, "body"),
                capture_use,
            ))
        } else {
            Body::None
        }
    }

    /// A header map; `null` removes a default header of that name.
    pub(super) fn headers(
        &mut self,
        headers: &Spanned<Node>,
        path: &str,
        capture_use: CaptureUse,
    ) -> Vec<(String, Option<Template>)> {
        let Node::Map(entries) = &headers.value else {
            self.error(
                Position::of(headers),
                path,
                text!(
                    "header berupa map dari nama ke nilai, ditemukan {found}",
                    "headers are a map of names to values, found {found}",
                    found = headers.value.kind(),
                ),
            );
            return Vec::new();
        };
        let mut seen = HashSet::new();
        let mut result = Vec::new();
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let header_path = child(path, &name);
            if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                self.error(
                    Position::of(key),
                    &header_path,
                    text!(
                        "`{name}` tidak dapat dipakai sebagai nama header",
                        "`{name}` is not a valid header name"
                    ),
                );
                continue;
            }
            if !seen.insert(name.to_ascii_lowercase()) {
                self.error(
                    Position::of(key),
                    &header_path,
                    text!(
                        "header `{name}` ditulis dua kali (nama header tidak membedakan huruf besar dan kecil)",
                        "header `{name}` is given twice (names are case-insensitive)"
                    ),
                );
            }
            let template = match &value.value {
                Node::Null => None,
                Node::Str(text) => {
                    let template =
                        self.template_at(text, Position::of(value), &header_path, capture_use);
                    if template
                        .texts()
                        .any(|part| part.chars().any(breaks_a_header))
                    {
                        let message = if interpolates(text) {
                            text!(
                                "`{text}` menghasilkan nilai header yang memuat pindah baris atau karakter kontrol lain",
                                "`{text}` gives a header value with a line break or another control character"
                            )
                        } else {
                            Text::new(
                                "nilai header tidak boleh memuat pindah baris (CR, LF) atau karakter kontrol lain",
                                "a header value cannot hold a line break (CR, LF) or another control character",
                            )
                        };
                        self.error_with_help(
                            Position::of(value),
                            &header_path,
                            message,
                            Some(Text::new(
                                "pindah baris akan mengakhiri header dan memulai header lain: tulis nilainya dalam satu baris, tanpa karakter kontrol",
                                "a line break would end the header and start another: write the value on one line, without control characters",
                            )),
                        );
                        continue;
                    }
                    Some(template)
                }
                Node::Seq(_) | Node::Map(_) => {
                    self.error(
                        Position::of(value),
                        &header_path,
                        Text::new("nilai header berupa teks", "a header value is a string"),
                    );
                    continue;
                }
                scalar => Some(Template::literal(scalar.scalar_text().unwrap_or_default())),
            };
            result.push((name, template));
        }
        result
    }

    /// A map of names to string values (query, form).
    pub(super) fn string_map(
        &mut self,
        node: &Spanned<Node>,
        path: &str,
        capture_use: CaptureUse,
    ) -> Vec<(String, Template)> {
        let Node::Map(entries) = &node.value else {
            self.error(
                Position::of(node),
                path,
                text!(
                    "seharusnya map dari nama ke nilai, ditemukan {found}",
                    "expected a map of names to values, found {found}",
                    found = node.value.kind(),
                ),
            );
            return Vec::new();
        };
        let mut result = Vec::new();
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let entry_path = child(path, &name);
            self.check_number_text(value, &entry_path);
            match &value.value {
                Node::Str(text) => result.push((
                    name,
                    self.template_at(text, Position::of(value), &entry_path, capture_use),
                )),
                Node::Seq(_) | Node::Map(_) | Node::Null => {
                    self.error(
                        Position::of(value),
                        &entry_path,
                        text!(
                            "seharusnya teks, ditemukan {found}",
                            "expected a string, found {found}",
                            found = value.value.kind(),
                        ),
                    );
                }
                scalar => result.push((
                    name,
                    Template::literal(scalar.scalar_text().unwrap_or_default()),
                )),
            }
        }
        result
    }

    pub(super) fn json_template(
        &mut self,
        node: &Spanned<Node>,
        path: &str,
        capture_use: CaptureUse,
    ) -> JsonTemplate {
        self.check_number_text(node, path);
        match &node.value {
            Node::Null => JsonTemplate::Value(Value::Null),
            Node::Bool(value) => JsonTemplate::Value(Value::Bool(*value)),
            Node::Int(value) => JsonTemplate::Value(Value::from(*value)),
            Node::Float(value) => JsonTemplate::Value(Value::from(*value)),
            Node::Str(text) => {
                let template = self.template_at(text, Position::of(node), path, capture_use);
                match template.as_literal() {
                    Some(literal) => JsonTemplate::Value(Value::String(literal)),
                    None => JsonTemplate::String(template),
                }
            }
            Node::Seq(items) => JsonTemplate::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| {
                        self.json_template(item, &format!("{path}[{index}]"), capture_use)
                    })
                    .collect(),
            ),
            Node::Map(entries) => JsonTemplate::Object(
                entries
                    .iter()
                    .map(|(key, value)| {
                        let name = key.value.scalar_text().unwrap_or_default();
                        let entry_path = child(path, &name);
                        (name, self.json_template(value, &entry_path, capture_use))
                    })
                    .collect(),
            ),
        }
    }
}

/// A character no header value may hold (RFC 9110 field values: no control
/// characters but tab): CR and LF above all, which would start another header.
fn breaks_a_header(c: char) -> bool {
    (c.is_ascii_control() && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
}
