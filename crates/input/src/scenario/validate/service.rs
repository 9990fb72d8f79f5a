//! `service`: the service's identity, region and base URL.

use super::Checker;
use super::scalars::shown;
use crate::diagnostic::verbatim;
use crate::scenario::model::{Region, RegionKind, Service};
use crate::scenario::raw::{Position, RawService, Spanned};
use crate::text::{Text, text};

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
                {
                    let id = shown(&raw.id, &id);
                    text!(
                        "`{id}` tidak dapat dipakai sebagai id layanan",
                        "`{id}` is not a valid service id"
                    )
                },
                Some(Text::new(
                    "pakai huruf kecil, angka, `.`, `_`, dan `-`, misalnya sumedang-dukcapil",
                    "use lowercase letters, digits, `.`, `_` and `-`, e.g. sumedang-dukcapil",
                )),
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
                    "desa" => Some(RegionKind::Desa),
                    "kelurahan" => Some(RegionKind::Kelurahan),
                    other => {
                        let other = other.to_string();
                        self.error_with_help(
                            Position::of(kind),
                            "service.region.type",
                            text!(
                                "`{other}` bukan jenis wilayah",
                                "`{other}` is not a region type"
                            ),
                            Some(Text::new(
                                "pakai `provinsi`, `kabupaten`, `kota`, `desa`, atau `kelurahan`",
                                "use provinsi, kabupaten, kota, desa or kelurahan",
                            )),
                        );
                        None
                    }
                }
            });
            if let (Some(kind), Some(code)) = (kind, &region.code) {
                let text = self.text(code, "service.region.code");
                let digits = text.chars().filter(char::is_ascii_digit).count();
                let well_formed = text.chars().all(|c| c.is_ascii_digit() || c == '.');
                if well_formed && digits != kind.code_digits() {
                    let by_digits = match digits {
                        2 => Some(Text::new("provinsi", "provinsi")),
                        4 => Some(Text::new("kabupaten atau kota", "kabupaten or kota")),
                        6 => Some(Text::new("kecamatan", "kecamatan")),
                        10 => Some(Text::new("desa atau kelurahan", "desa or kelurahan")),
                        _ => None,
                    };
                    let kind_name = serde_json::to_value(kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    let needed = kind.code_digits();
                    self.error_with_help(
                        Position::of(code),
                        "service.region.code",
                        text!(
                            "`{text}` terdiri atas {digits} digit; kode {kind_name} terdiri atas {needed} digit",
                            "`{text}` has {digits} digits; a {kind_name} code has {needed}"
                        ),
                        Some(match by_digits {
                            Some(types) => text!(
                                "kode {digits} digit adalah kode {types} (Kemendagri): perbaiki jenis wilayah atau kodenya",
                                "a code of {digits} digits is a {types} (Kemendagri): correct the type or the code",
                                types = types,
                            ),
                            None => Text::new(
                                "kode Kemendagri: 32 (provinsi), 32.11 (kabupaten/kota), 32.11.01.2001 (desa/kelurahan)",
                                "Kemendagri codes: 32 (provinsi), 32.11 (kabupaten/kota), 32.11.01.2001 (desa/kelurahan)",
                            ),
                        }),
                    );
                }
            }
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
                self.error(Position::of(value), path, {
                    let scheme = url.scheme();
                    text!(
                        "`{text}` adalah URL {scheme}; ujilab menguji layanan http dan https",
                        "`{text}` is a {scheme} URL; ujilab tests http and https services"
                    )
                });
                None
            }
            Err(error) => {
                let quoted = verbatim(&error.to_string());
                self.error_with_help(
                    Position::of(value),
                    path,
                    text!(
                        "`{text}` bukan URL absolut; pesan pustaka URL: `{quoted}`",
                        "`{text}` is not an absolute URL: {error}"
                    ),
                    Some(Text::new(
                        "tulis seperti https://layanan.contohkab.go.id",
                        "write it like https://layanan.contohkab.go.id",
                    )),
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

#[cfg(test)]
mod tests {
    use crate::scenario::{Environment, LoadSettings, Loaded, RegionKind, Source, load_all};

    fn load(region: &str) -> Result<Option<RegionKind>, String> {
        let text = format!(
            "version: 1\nservice: {{ id: t, base_url: \"https://sukamaju.desa.id\", region: {region} }}\nprobes:\n  - id: p\n    request: {{ path: / }}\n"
        );
        let settings = LoadSettings {
            env: Environment::empty(),
            ..LoadSettings::default()
        };
        let source = Source {
            name: "t.yaml".into(),
            bytes: text.into_bytes(),
            named: true,
        };
        match load_all(&[source], &settings, &mut Vec::new()).pop() {
            Some(Loaded::Ready { scenario, .. }) => {
                Ok(scenario.service.region.and_then(|region| region.kind))
            }
            Some(Loaded::Failed(failure)) => Err(failure.render(crate::lang::Lang::En)),
            None => Err("nothing loaded".into()),
        }
    }

    /// Issue 14: villages are regions, and a desa code is not a kabupaten's.
    #[test]
    fn desa_and_kelurahan_with_codes_that_fit_their_type() {
        assert_eq!(
            load("{ type: desa, code: \"32.11.01.2001\" }"),
            Ok(Some(RegionKind::Desa))
        );
        assert_eq!(
            load("{ type: kelurahan, code: \"3211011001\" }"),
            Ok(Some(RegionKind::Kelurahan))
        );
        assert_eq!(
            load("{ type: kabupaten, code: \"32.11\" }"),
            Ok(Some(RegionKind::Kabupaten))
        );
        let wrong = load("{ type: kabupaten, code: \"32.11.01.2001\" }").unwrap_err();
        assert!(
            wrong.contains("`32.11.01.2001` has 10 digits; a kabupaten code has 4")
                && wrong.contains("is a desa or kelurahan"),
            "{wrong}"
        );
    }
}
