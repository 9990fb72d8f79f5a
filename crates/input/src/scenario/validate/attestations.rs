//! `standards.attestations`: an officer's statement for each `attestation` rule
//! of the catalogue (catalogue-2026.2.md section 3.3), keyed by rule code:
//!
//! ```yaml
//! attestations:
//!   AT-04: { by: "Budi Santoso", role: "Kepala Bidang Aplikasi Informatika",
//!            date: 2026-11-02, sk_number: "PSE-2026-0012" }
//! ```
//!
//! Each names who states it (`by`), in what role, on what date, and the document
//! behind it (`document_url`, `sk_number`, or both). The judge decides whether it
//! is recent enough; here the shape, the rule and the values are checked, each
//! problem at its position.

use super::{Checker, child};
use crate::catalogue::Catalogue;
use crate::diagnostic::{backticked, did_you_mean};
use crate::scenario::model::Attestation;
use crate::scenario::raw::{Node, Position, Spanned, closest};
use crate::text::{Text, text};

const KEYS: [&str; 5] = ["by", "role", "date", "document_url", "sk_number"];

impl Checker<'_> {
    pub(super) fn attestations(
        &mut self,
        raw: &Spanned<Node>,
        catalogue: Option<&Catalogue>,
    ) -> Vec<Attestation> {
        let path = "standards.attestations";
        let Node::Map(entries) = &raw.value else {
            self.error_with_help(
                Position::of(raw),
                path,
                text!(
                    "`attestations` berupa map dari kode kriteria ke pernyataan, ditemukan {found}",
                    "attestations is a map of rule code to statement, found {found}",
                    found = raw.value.kind(),
                ),
                Some(Text::new(
                    "tulis `attestations: { AT-04: { by: NAME, role: ROLE, date: 2026-11-02, sk_number: NUMBER } }`",
                    "write `attestations: { AT-04: { by: NAME, role: ROLE, date: 2026-11-02, sk_number: NUMBER } }`",
                )),
            );
            return Vec::new();
        };
        let mut attestations = Vec::new();
        for (key, value) in entries {
            let rule = key
                .value
                .scalar_text()
                .unwrap_or_default()
                .trim()
                .to_string();
            let rule_path = child(path, &rule);
            if let Some(catalogue) = catalogue
                && !self.attested_rule(catalogue, &rule, Position::of(key), &rule_path)
            {
                continue;
            }
            if let Some(attestation) = self.attestation(rule, value, &rule_path) {
                attestations.push(attestation);
            }
        }
        attestations
    }

    /// The rule is one of the catalogue's `attestation` rules: a measured rule
    /// cannot be stated instead of measured.
    fn attested_rule(
        &mut self,
        catalogue: &Catalogue,
        rule: &str,
        at: Position,
        path: &str,
    ) -> bool {
        let attested: Vec<&str> = catalogue
            .rules
            .iter()
            .filter(|rule| rule.is_attestation())
            .map(|rule| rule.code.as_str())
            .collect();
        match catalogue.rule(rule) {
            Some(found) if found.is_attestation() => true,
            Some(_) => {
                self.error_with_help(
                    at,
                    path,
                    text!(
                        "{rule} diukur, bukan dinyatakan: hanya kriteria dengan pemeriksaan `attestation` yang menerima pernyataan",
                        "{rule} is measured, not stated: only rules of check `attestation` take a statement"
                    ),
                    Some({
                        let name = &catalogue.name;
                        if attested.is_empty() {
                            text!(
                                "katalog {name} tidak memiliki kriteria `attestation`",
                                "catalogue {name} has no attestation rules"
                            )
                        } else {
                            let codes = attested.join(", ");
                            let listed = backticked(attested.iter().copied());
                            text!(
                                "kriteria `attestation` dalam {name}: {listed}",
                                "the attestation rules of {name} are: {codes}"
                            )
                        }
                    }),
                );
                false
            }
            None => {
                let help = closest(rule, attested.iter().copied())
                    .as_deref()
                    .map(did_you_mean)
                    .or_else(|| {
                        (!attested.is_empty()).then(|| {
                            let codes = attested.join(", ");
                            let listed = backticked(attested.iter().copied());
                            text!(
                                "kriteria `attestation` yang ada: {listed}",
                                "the attestation rules are: {codes}"
                            )
                        })
                    });
                let (name, version) = (&catalogue.name, &catalogue.version);
                self.error_with_help(
                    at,
                    path,
                    text!(
                        "tidak ada kriteria `{rule}` dalam katalog {name} {version}",
                        "no rule `{rule}` in catalogue {name} {version}"
                    ),
                    help,
                );
                false
            }
        }
    }

    fn attestation(
        &mut self,
        rule: String,
        raw: &Spanned<Node>,
        path: &str,
    ) -> Option<Attestation> {
        let Node::Map(entries) = &raw.value else {
            self.error(
                Position::of(raw),
                path,
                text!(
                    "pernyataan berupa map dengan kunci `by`, `role`, `date`, dan `document_url` atau `sk_number`, ditemukan {found}",
                    "a statement is a map {{ by, role, date, document_url or sk_number }}, found {found}",
                    found = raw.value.kind(),
                ),
            );
            return None;
        };
        let mut by = None;
        let mut role = None;
        let mut date = None;
        let mut document_url = None;
        let mut sk_number = None;
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let key_path = child(path, &name);
            match name.as_str() {
                "by" => by = self.statement_text(value, &key_path),
                "role" => role = self.statement_text(value, &key_path),
                "sk_number" => sk_number = self.statement_text(value, &key_path),
                "date" => {
                    let text = value.value.scalar_text().unwrap_or_default();
                    let format = time::macros::format_description!("[year]-[month]-[day]");
                    match time::Date::parse(text.trim(), format) {
                        Ok(parsed) => date = Some(parsed),
                        Err(_) => self.error(
                            Position::of(value),
                            &key_path,
                            text!(
                                "`{text}` bukan tanggal seperti 2026-11-02",
                                "`{text}` is not a date like 2026-11-02"
                            ),
                        ),
                    }
                }
                "document_url" => {
                    let text = self.statement_text(value, &key_path)?;
                    match url::Url::parse(&text) {
                        Ok(url) if matches!(url.scheme(), "http" | "https") => {
                            document_url = Some(url)
                        }
                        _ => self.error_with_help(
                            Position::of(value),
                            &key_path,
                            text!(
                                "`{text}` bukan URL http(s)",
                                "`{text}` is not an http(s) URL"
                            ),
                            Some(Text::new(
                                "tautkan dokumen yang ditandatangani, seperti https://jdih.contohkab.go.id/sk/2026-12.pdf",
                                "link the signed document, like https://jdih.contohkab.go.id/sk/2026-12.pdf",
                            )),
                        ),
                    }
                }
                other => {
                    let help = closest(other, KEYS.iter().copied())
                        .as_deref()
                        .map(did_you_mean)
                        .unwrap_or_else(|| {
                            let (keys, listed) = (KEYS.join(", "), backticked(KEYS));
                            text!("kunci pernyataan: {listed}", "a statement takes: {keys}")
                        });
                    self.error_with_help(
                        Position::of(key),
                        &key_path,
                        text!("kunci `{other}` tidak dikenal", "unknown key `{other}`"),
                        Some(help),
                    );
                }
            }
        }
        let at = Position::of(raw);
        for (present, key) in [
            (by.is_some(), "by"),
            (role.is_some(), "role"),
            (date.is_some(), "date"),
        ] {
            let written = entries
                .iter()
                .any(|(name, _)| name.value.scalar_text().as_deref() == Some(key));
            if !present && !written {
                self.error(
                    at,
                    path,
                    text!("pernyataan memerlukan `{key}`", "a statement needs `{key}`"),
                );
            }
        }
        if document_url.is_none() && sk_number.is_none() {
            let written = entries.iter().any(|(name, _)| {
                matches!(
                    name.value.scalar_text().as_deref(),
                    Some("document_url" | "sk_number")
                )
            });
            if !written {
                self.error_with_help(
                    at,
                    path,
                    Text::new(
                        "pernyataan memerlukan dokumen yang mendasarinya",
                        "a statement needs the document behind it",
                    ),
                    Some(Text::new(
                        "isi `document_url` (tautan ke dokumen yang ditandatangani) atau `sk_number` (nomor surat keputusan), atau keduanya",
                        "give `document_url` (a link to the signed document) or `sk_number` (the decree's number), or both",
                    )),
                );
            }
        }
        Some(Attestation {
            rule,
            by: by?,
            role: role?,
            date: date?,
            document_url,
            sk_number,
        })
    }

    /// A non-empty string value, trimmed.
    fn statement_text(&mut self, value: &Spanned<Node>, path: &str) -> Option<String> {
        match &value.value {
            Node::Str(text) if !text.trim().is_empty() => Some(text.trim().to_string()),
            Node::Int(_) | Node::Float(_) => value.value.scalar_text(),
            other => {
                self.error(
                    Position::of(value),
                    path,
                    text!(
                        "seharusnya teks yang tidak kosong, ditemukan {found}",
                        "expected a non-empty string, found {found}",
                        found = other.kind(),
                    ),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Problem;
    use crate::scenario::{Attestation, Environment, LoadSettings, Loaded, Source, load_all};

    fn load(attestations: &str) -> Result<Vec<Attestation>, Vec<Problem>> {
        let text = format!(
            "version: 1\nservice: {{ id: t, base_url: \"https://svc.contohkab.go.id\" }}\n\
             standards:\n  profile: idsll-core@2026.2\n  attestations:\n{attestations}\n\
             probes:\n  - id: p\n    request: {{ path: / }}\n"
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
            Some(Loaded::Ready { scenario, .. }) => Ok(scenario
                .standards
                .map(|standards| standards.attestations)
                .unwrap_or_default()),
            Some(Loaded::Failed(failure)) => Err(failure.problems),
            None => Err(Vec::new()),
        }
    }

    #[test]
    fn a_statement_with_its_document_loads() {
        let loaded = load(
            "    AT-04: { by: Budi Santoso, role: Kepala Bidang Aptika, date: 2026-11-02, sk_number: PSE-2026-0012 }\n    AT-05:\n      by: Sari\n      role: Sekretaris Dinas\n      date: \"2026-10-01\"\n      document_url: https://jdih.contohkab.go.id/sk/drp.pdf",
        )
        .unwrap_or_else(|problems| panic!("{problems:?}"));
        assert_eq!(loaded.len(), 2);
        assert_eq!(loaded[0].rule, "AT-04");
        assert_eq!(loaded[0].sk_number.as_deref(), Some("PSE-2026-0012"));
        assert_eq!(loaded[0].date.to_string(), "2026-11-02");
        assert_eq!(
            loaded[1].document_url.as_ref().map(url::Url::as_str),
            Some("https://jdih.contohkab.go.id/sk/drp.pdf")
        );
    }

    #[test]
    fn every_problem_is_positioned() {
        let problems = load(
            "    AT-4: { by: A, role: B, date: 2026-11-02, sk_number: X }\n    SC-01: { by: A, role: B, date: 2026-11-02, sk_number: X }\n    AT-05: { by: A, rol: B, date: 2 November 2026, document_url: ftp://x }\n    AT-06: { by: A, role: B, date: 2026-11-02 }",
        )
        .err()
        .unwrap_or_default();
        let found: Vec<(u64, u64, &str, &str, Option<&str>)> = problems
            .iter()
            .map(|p| {
                (
                    p.line,
                    p.column,
                    p.path.as_str(),
                    p.message.en.as_str(),
                    p.help.as_ref().map(|help| help.en.as_str()),
                )
            })
            .collect();
        let expect = [
            (
                6,
                5,
                "standards.attestations.AT-4",
                "no rule `AT-4` in catalogue idsll-core 2026.2",
                Some("did you mean `AT-04`?"),
            ),
            (
                7,
                5,
                "standards.attestations.SC-01",
                "SC-01 is measured, not stated: only rules of check `attestation` take a statement",
                None,
            ),
            (
                8,
                21,
                "standards.attestations.AT-05.rol",
                "unknown key `rol`",
                Some("did you mean `role`?"),
            ),
            (
                8,
                35,
                "standards.attestations.AT-05.date",
                "`2 November 2026` is not a date like 2026-11-02",
                None,
            ),
            (
                8,
                66,
                "standards.attestations.AT-05.document_url",
                "`ftp://x` is not an http(s) URL",
                None,
            ),
            (
                8,
                12,
                "standards.attestations.AT-05",
                "a statement needs `role`",
                None,
            ),
            (
                9,
                12,
                "standards.attestations.AT-06",
                "a statement needs the document behind it",
                None,
            ),
        ];
        assert_eq!(found.len(), expect.len(), "{found:#?}");
        for (got, want) in found.iter().zip(expect) {
            assert_eq!(
                (got.0, got.1, got.2, got.3),
                (want.0, want.1, want.2, want.3),
                "{found:#?}"
            );
            if let Some(help) = want.4 {
                assert_eq!(got.4, Some(help));
            }
        }
    }
}
