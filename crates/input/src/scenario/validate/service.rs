//! `service`: the service's identity, region and base URL.

use super::Checker;
use super::scalars::shown;
use crate::scenario::model::{Region, RegionKind, Service};
use crate::scenario::raw::{Position, RawService, Spanned};

impl Checker<'_> {
    pub(super) fn service(&mut self, raw: &Spanned<RawService>) -> Option<Service> {
        let raw = &raw.value;
        let id = self.text(&raw.id, "service.id");
        let id_ok = id
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && id.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            });
        if !id_ok {
            self.error_with_help(
                Position::of(&raw.id),
                "service.id",
                format!("`{}` is not a valid service id", shown(&raw.id, &id)),
                Some(
                    "use lowercase letters, digits, `.`, `_` and `-`, e.g. sumedang-dukcapil"
                        .into(),
                ),
            );
        }
        let base_url = self.absolute_url(&raw.base_url, "service.base_url");
        let optional = |checker: &mut Self, value: &Option<Spanned<String>>, path: &str| {
            value.as_ref().map(|value| checker.text(value, path))
        };
        let region = raw.region.as_ref().map(|region| {
            let region = &region.value;
            let kind = region.kind.as_ref().and_then(|kind| {
                match self.text(kind, "service.region.type").as_str() {
                    "provinsi" => Some(RegionKind::Provinsi),
                    "kabupaten" => Some(RegionKind::Kabupaten),
                    "kota" => Some(RegionKind::Kota),
                    other => {
                        let other = other.to_string();
                        self.error_with_help(
                            Position::of(kind),
                            "service.region.type",
                            format!("`{other}` is not a region type"),
                            Some("use provinsi, kabupaten or kota".into()),
                        );
                        None
                    }
                }
            });
            Region {
                code: optional(self, &region.code, "service.region.code"),
                name: optional(self, &region.name, "service.region.name"),
                kind,
            }
        });
        Some(Service {
            name: optional(self, &raw.name, "service.name"),
            owner: optional(self, &raw.owner, "service.owner"),
            sector: optional(self, &raw.sector, "service.sector"),
            region,
            base_url: base_url?,
            id,
        })
    }

    pub(super) fn absolute_url(&mut self, value: &Spanned<String>, path: &str) -> Option<url::Url> {
        let resolved = self.resolved_text(value, path)?;
        let text = shown(value, &resolved);
        match url::Url::parse(&resolved) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                Some(url)
            }
            Ok(url) => {
                self.error(
                    Position::of(value),
                    path,
                    format!(
                        "`{text}` is a {} URL; ujilab tests http and https services",
                        url.scheme()
                    ),
                );
                None
            }
            Err(error) => {
                self.error_with_help(
                    Position::of(value),
                    path,
                    format!("`{text}` is not an absolute URL: {error}"),
                    Some("write it like https://layanan.contohkab.go.id".into()),
                );
                None
            }
        }
    }
}

/// Appends `path` to the base URL's path with exactly one `/` between them.
pub fn join_path(base: &url::Url, path: &str) -> url::Url {
    let mut url = base.clone();
    let (path_part, query) = match path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path, None),
    };
    let joined = format!(
        "{}/{}",
        base.path().trim_end_matches('/'),
        path_part.trim_start_matches('/')
    );
    url.set_path(&joined);
    url.set_query(query);
    url
}
