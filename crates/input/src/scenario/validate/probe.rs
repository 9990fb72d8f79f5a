//! `probes`: the list (ids unique), and each probe: its request, limits,
//! expectations, captures and kind (`api` or `page`, inferred when not given).

use std::collections::HashMap;

use super::auth::Authorization;
use super::defaults::ProbeDefaults;
use super::{Checker, child};
use crate::scenario::interpolate::{CaptureUse, Template};
use crate::scenario::limits::MAX_TIMEOUT;
use crate::scenario::model::{Body, Expectations, Probe, ProbeKind};
use crate::scenario::raw::{Position, RawProbe, Spanned};
use crate::text::{Text, text};

impl Checker<'_> {
    /// Every probe that reads, in file order; duplicate ids are reported.
    pub(super) fn probes(
        &mut self,
        raw: &Spanned<Vec<Spanned<RawProbe>>>,
        defaults: &ProbeDefaults,
    ) -> Vec<Probe> {
        // Sized exactly: a run keeps every loaded scenario until it has run.
        let mut probes = Vec::with_capacity(raw.value.len());
        let mut seen_ids: HashMap<String, Position> = HashMap::new();
        if raw.value.is_empty() {
            self.error(
                Position::of(raw),
                "probes",
                Text::new(
                    "skenario memerlukan sedikitnya satu titik uji",
                    "a scenario needs at least one probe",
                ),
            );
        }
        for (index, probe) in raw.value.iter().enumerate() {
            let path = format!("probes[{index}]");
            let id = probe.value.id.value.clone();
            if let Some(first) = seen_ids.get(&id) {
                let first_line = first.line;
                self.error(
                    Position::of(&probe.value.id),
                    &child(&path, "id"),
                    text!(
                        "id titik uji `{id}` sudah dipakai (pertama kali di baris {first_line})",
                        "duplicate probe id `{id}` (first used on line {first_line})"
                    ),
                );
            } else {
                seen_ids.insert(id, Position::of(&probe.value.id));
            }
            if let Some(built) = self.probe(&probe.value, index, &path, defaults) {
                probes.push(built);
            }
        }
        probes
    }

    fn probe(
        &mut self,
        raw: &RawProbe,
        index: usize,
        path: &str,
        defaults: &ProbeDefaults,
    ) -> Option<Probe> {
        let capture_use = CaptureUse::Allowed { probe_index: index };
        let request = &raw.request.value;
        let request_path = child(path, "request");
        let id = self.text(&raw.id, &child(path, "id"));
        if id.is_empty() {
            self.error(
                Position::of(&raw.id),
                &child(path, "id"),
                Text::new(
                    "id titik uji tidak boleh kosong",
                    "a probe id cannot be empty",
                ),
            );
        }

        let method = self.method(request, &request_path);
        let target = self.target(&raw.request, &request_path, capture_use);
        let query = request
            .query
            .as_ref()
            .map(|query| self.string_map(query, &child(&request_path, "query"), capture_use))
            .unwrap_or_default();
        let mut headers =
            self.request_headers(request, &defaults.headers, &request_path, capture_use);
        // A probe's own `auth` replaces the defaults', OAuth2 included.
        let mut oauth2 = if raw.auth.is_some() {
            None
        } else {
            defaults.oauth2.clone()
        };
        match raw
            .auth
            .as_ref()
            .and_then(|auth| self.auth(auth, &child(path, "auth")))
        {
            Some(Authorization::Header(value)) => {
                super::auth::with_authorization(&mut headers, value);
            }
            Some(Authorization::OAuth2(client)) => {
                super::auth::without_authorization(&mut headers);
                oauth2 = Some(client);
            }
            None => {}
        }
        let body = self.body(request, &request_path, capture_use);

        let timeout = raw
            .timeout
            .as_ref()
            .and_then(|value| self.duration_within(value, &child(path, "timeout"), MAX_TIMEOUT))
            .unwrap_or(defaults.timeout);
        let max_redirects = raw
            .max_redirects
            .as_ref()
            .map_or(defaults.max_redirects, |max| max.value);
        let max_body = raw
            .max_body
            .as_ref()
            .and_then(|value| self.size(value, &child(path, "max_body")))
            .unwrap_or(defaults.max_body);
        let expect = raw
            .expect
            .as_ref()
            .map(|expect| self.expectations(&expect.value, &child(path, "expect"), capture_use))
            .unwrap_or_default();
        let captures = raw
            .capture
            .as_ref()
            .map(|capture| self.captures(capture, &child(path, "capture")))
            .unwrap_or_default();

        let retry = raw
            .retry
            .as_ref()
            .and_then(|retry| self.retry(retry, &child(path, "retry")));

        let tags = self.tags(raw, path);
        let kind = self
            .declared_kind(raw, path)
            .unwrap_or_else(|| inferred_kind(&body, &headers, &expect));
        Some(Probe {
            id,
            kind,
            method,
            target: target?,
            query,
            headers,
            body,
            timeout,
            max_redirects,
            max_body,
            expect,
            captures,
            retry,
            oauth2,
            tags,
        })
    }

    /// `tags:`: names (letters, digits, `_`), each once.
    fn tags(&mut self, raw: &RawProbe, path: &str) -> Vec<String> {
        let mut tags: Vec<String> = Vec::new();
        for (index, tag) in raw.tags.iter().flatten().enumerate() {
            let tag_path = format!("{}[{index}]", child(path, "tags"));
            let name = self.text(tag, &tag_path);
            if !super::names::is_name(&name) {
                self.error_with_help(
                    Position::of(tag),
                    &tag_path,
                    text!("`{name}` bukan nama tag", "`{name}` is not a tag name"),
                    Some(Text::new(
                        "tag berupa huruf, angka dan _, diawali huruf, seperti transaksi",
                        "a tag is letters, digits and _, starting with a letter, like transaksi",
                    )),
                );
            } else if tags.contains(&name) {
                self.error(
                    Position::of(tag),
                    &tag_path,
                    text!(
                        "tag `{name}` tercantum dua kali",
                        "tag `{name}` is listed twice"
                    ),
                );
            } else {
                tags.push(name);
            }
        }
        tags
    }

    /// `kind:` as written; `None` when absent or not a kind (reported).
    fn declared_kind(&mut self, raw: &RawProbe, path: &str) -> Option<ProbeKind> {
        let kind = raw.kind.as_ref()?;
        match self.text(kind, &child(path, "kind")).as_str() {
            "api" => Some(ProbeKind::Api),
            "page" => Some(ProbeKind::Page),
            other => {
                let other = other.to_string();
                self.error_with_help(
                    Position::of(kind),
                    &child(path, "kind"),
                    text!(
                        "`{other}` bukan jenis titik uji",
                        "`{other}` is not a probe kind"
                    ),
                    Some(Text::new("pakai `api` atau `page`", "use api or page")),
                );
                None
            }
        }
    }
}

/// A probe that sends or expects JSON is an API probe; any other is a page.
fn inferred_kind(body: &Body, headers: &[(String, Template)], expect: &Expectations) -> ProbeKind {
    let accepts_json = headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("accept")
            && value
                .as_literal()
                .is_some_and(|accept| accept.contains("json"))
    });
    if matches!(body, Body::Json(_))
        || accepts_json
        || !expect.json.is_empty()
        || expect.schema.is_some()
    {
        ProbeKind::Api
    } else {
        ProbeKind::Page
    }
}
