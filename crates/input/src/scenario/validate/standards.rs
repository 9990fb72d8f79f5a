//! `standards`: the catalogue profile, gate, pages, HTTP URL and waivers.

use super::{Checker, child, join_path};
use crate::diagnostic::did_you_mean;
use crate::scenario::model::{Pages, Service, Standards, StandardsGate, Waiver};
use crate::scenario::raw::{Position, RawPages, RawStandards, RawWaiver, Spanned, closest};
use crate::text::{Text, text};

/// `standards.pages.other` holds at most this many pages (the schema says the same).
const MAX_OTHER_PAGES: usize = 20;

impl Checker<'_> {
    pub(super) fn standards(
        &mut self,
        raw: &Spanned<RawStandards>,
        service: Option<&Service>,
    ) -> Option<Standards> {
        let raw = &raw.value;
        let profile = self.text(&raw.profile, "standards.profile");
        let catalogue = match crate::catalogue::resolve(&profile, &self.dir) {
            Ok(catalogue) => Some(catalogue),
            Err(error) => {
                self.problems
                    .extend(error.problems(Position::of(&raw.profile), "standards.profile"));
                None
            }
        };
        let evidence_only = catalogue
            .as_ref()
            .is_some_and(|catalogue| catalogue.evidence_only());
        let gate = self.gate(raw.gate.as_ref(), evidence_only);
        let base_url = service.map(|service| service.base_url.clone());
        let pages = raw
            .pages
            .as_ref()
            .map(|pages| self.pages(&pages.value, base_url.as_ref()))
            .unwrap_or_default();
        let http_url = match &raw.http_url {
            Some(value) => self.absolute_url(value, "standards.http_url")?,
            None => {
                let mut url = service?.base_url.clone();
                url.set_scheme("http").ok()?;
                url.set_port(None).ok()?;
                url
            }
        };
        let known = catalogue.as_ref().map_or_else(
            || self.settings.known_rules.clone(),
            |catalogue| catalogue.codes(),
        );
        let waivers = raw
            .waive
            .iter()
            .flatten()
            .enumerate()
            .map(|(index, waiver)| self.waiver(&waiver.value, index, &known))
            .collect();
        let script_readable_cookies = raw
            .script_readable_cookies
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(index, name)| {
                let path = format!("standards.script_readable_cookies[{index}]");
                let text = self.text(name, &path);
                let valid = !text.is_empty()
                    && text
                        .bytes()
                        .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
                if !valid {
                    self.error_with_help(
                        Position::of(name),
                        &path,
                        text!(
                            "`{text}` bukan nama cookie",
                            "`{text}` is not a cookie name"
                        ),
                        Some(Text::new(
                            "tulis namanya sebagaimana dikirim header Set-Cookie, seperti XSRF-TOKEN",
                            "write the name as the Set-Cookie header sends it, like XSRF-TOKEN",
                        )),
                    );
                }
                valid.then_some(text)
            })
            .collect();
        let attestations = raw
            .attestations
            .as_ref()
            .map(|node| self.attestations(node, catalogue.as_deref()))
            .unwrap_or_default();
        let evidence_for = self.evidence_for(raw, catalogue.as_deref());
        Some(Standards {
            evidence_for,
            profile,
            script_readable_cookies,
            attestations,
            catalogue: catalogue?,
            gate,
            pages,
            http_url,
            waivers,
        })
    }

    /// `gate:`; by default `verdict`, but `none` for an evidence catalogue,
    /// which has no verdict to gate on (asking for one is an error).
    fn gate(&mut self, gate: Option<&Spanned<String>>, evidence_only: bool) -> StandardsGate {
        let Some(gate) = gate else {
            return if evidence_only {
                StandardsGate::None
            } else {
                StandardsGate::Verdict
            };
        };
        match self.text(gate, "standards.gate").as_str() {
            "verdict" if evidence_only => {
                self.error_with_help(
                    Position::of(gate),
                    "standards.gate",
                    Text::new(
                        "katalog ini memberi bukti pendukung, bukan kesimpulan: tidak ada kesimpulan untuk gerbang `verdict`",
                        "this catalogue gives supporting evidence, not a verdict: there is no verdict for gate verdict",
                    ),
                    Some(Text::new(
                        "hapus `gate` (bawaan `none` untuk katalog bukti), atau pakai `thresholds` untuk gerbang CI",
                        "remove gate (none is the default for an evidence catalogue), or use thresholds for a CI gate",
                    )),
                );
                StandardsGate::None
            }
            "verdict" => StandardsGate::Verdict,
            "none" => StandardsGate::None,
            name => {
                let name = name.to_string();
                self.error_with_help(
                    Position::of(gate),
                    "standards.gate",
                    text!(
                        "`{name}` bukan nilai `gate` yang dikenal",
                        "`{name}` is not a gate"
                    ),
                    Some(Text::new(
                        "pakai `verdict` (bawaan) atau `none`",
                        "use verdict (the default) or none",
                    )),
                );
                StandardsGate::Verdict
            }
        }
    }

    /// `evidence_for:`: required with an evidence catalogue (a service is
    /// evidence for some of its indicators, and reporting the others would
    /// mislead), refused with a scoring one (where leaving rules out would
    /// raise the index). Each code must be one of the catalogue's rules.
    fn evidence_for(
        &mut self,
        raw: &RawStandards,
        catalogue: Option<&crate::catalogue::Catalogue>,
    ) -> Vec<String> {
        let path = "standards.evidence_for";
        let Some(catalogue) = catalogue else {
            return Vec::new();
        };
        let codes = catalogue.codes();
        let listed = codes.join(", ");
        match (&raw.evidence_for, catalogue.evidence_only()) {
            (None, false) => Vec::new(),
            (Some(given), false) => {
                let name = &catalogue.name;
                self.error_with_help(
                    Position::of(given),
                    path,
                    text!(
                        "`evidence_for` hanya untuk katalog bukti pendukung; `{name}` menilai setiap kriterianya",
                        "evidence_for is only for a catalogue of supporting evidence; `{name}` scores every rule"
                    ),
                    Some(Text::new(
                        "hapus `evidence_for`; kriteria yang tidak berlaku dikecualikan dengan `waive` beserta alasannya",
                        "remove evidence_for; a rule that does not apply is waived with `waive` and a reason",
                    )),
                );
                Vec::new()
            }
            (None, true) => {
                let name = &catalogue.name;
                self.error_with_help(
                    Position::of(&raw.profile),
                    path,
                    text!(
                        "`{name}` memerlukan `evidence_for`: indikator yang dibuktikan layanan ini",
                        "`{name}` needs evidence_for: the indicators this service is evidence for"
                    ),
                    Some(text!(
                        "tambahkan `evidence_for: [KODE, ...]` di bawah `standards`, dari: {listed}",
                        "add `evidence_for: [CODE, ...]` under standards, from: {listed}"
                    )),
                );
                Vec::new()
            }
            (Some(given), true) => {
                if given.value.is_empty() {
                    self.error(
                        Position::of(given),
                        path,
                        Text::new(
                            "cantumkan sedikitnya satu indikator",
                            "list at least one indicator",
                        ),
                    );
                }
                let mut chosen: Vec<String> = Vec::new();
                for (index, code) in given.value.iter().enumerate() {
                    let item_path = format!("{path}[{index}]");
                    let code_text = self.text(code, &item_path);
                    if !codes.contains(&code_text) {
                        let help = closest(&code_text, codes.iter().map(String::as_str))
                            .as_deref()
                            .map(did_you_mean)
                            .unwrap_or_else(|| {
                                text!(
                                    "kriteria katalog: {listed}",
                                    "the catalogue's rules: {listed}"
                                )
                            });
                        self.error_with_help(
                            Position::of(code),
                            &item_path,
                            text!(
                                "tidak ada kriteria `{code_text}` dalam katalog",
                                "no rule `{code_text}` in the catalogue"
                            ),
                            Some(help),
                        );
                    } else if !chosen.contains(&code_text) {
                        chosen.push(code_text);
                    }
                }
                chosen
            }
        }
    }

    /// Pages are paths under the base URL (`None` when it is not known).
    fn pages(&mut self, pages: &RawPages, base_url: Option<&url::Url>) -> Pages {
        if let Some(other) = &pages.other
            && let Some(extra) = other.get(MAX_OTHER_PAGES)
        {
            self.error_with_help(
                Position::of(extra),
                "standards.pages.other",
                {
                    let count = other.len();
                    text!(
                        "{count} halaman; paling banyak {MAX_OTHER_PAGES}",
                        "{count} pages; at most {MAX_OTHER_PAGES}"
                    )
                },
                Some(Text::new(
                    "cantumkan halaman yang formulir dan isinya paling penting",
                    "declare the pages whose forms and content matter most",
                )),
            );
        }
        Pages {
            home: self.page(&pages.home, "home", base_url),
            service_standard: self.page(&pages.service_standard, "service_standard", base_url),
            complaints: self.page(&pages.complaints, "complaints", base_url),
            openapi: self.page(&pages.openapi, "openapi", base_url),
            maklumat: self.page(&pages.maklumat, "maklumat", base_url),
            skm: self.page(&pages.skm, "skm", base_url),
            ppid: self.page(&pages.ppid, "ppid", base_url),
            privacy: self.page(&pages.privacy, "privacy", base_url),
            contact: self.page(&pages.contact, "contact", base_url),
            other: pages
                .other
                .iter()
                .flatten()
                .take(MAX_OTHER_PAGES)
                .enumerate()
                .filter_map(|(index, page)| {
                    self.page(&Some(page.clone()), &format!("other[{index}]"), base_url)
                })
                .collect(),
        }
    }

    fn page(
        &mut self,
        value: &Option<Spanned<String>>,
        name: &str,
        base_url: Option<&url::Url>,
    ) -> Option<url::Url> {
        let value = value.as_ref()?;
        let path = format!("standards.pages.{name}");
        let text = self.text(value, &path);
        if !text.starts_with('/') {
            self.error_with_help(
                Position::of(value),
                &path,
                text!("`{text}` tidak diawali /", "`{text}` does not start with /"),
                Some(Text::new(
                    "halaman ditulis sebagai path di bawah `base_url`, seperti /standar-pelayanan",
                    "pages are paths under base_url, like /standar-pelayanan",
                )),
            );
            return None;
        }
        base_url.map(|base| join_path(base, &text))
    }

    /// One waiver: a rule of the catalogue (when `known` is not empty), a reason,
    /// and an optional end date.
    fn waiver(&mut self, waiver: &RawWaiver, index: usize, known: &[String]) -> Waiver {
        let path = format!("standards.waive[{index}]");
        let rule = self.text(&waiver.rule, &child(&path, "rule"));
        if !known.is_empty() && !known.contains(&rule) {
            let help = closest(&rule, known.iter().map(String::as_str))
                .as_deref()
                .map(did_you_mean);
            self.error_with_help(
                Position::of(&waiver.rule),
                &child(&path, "rule"),
                text!(
                    "tidak ada kriteria `{rule}` dalam katalog",
                    "no rule `{rule}` in the catalogue"
                ),
                help,
            );
        }
        let reason = self.text(&waiver.reason, &child(&path, "reason"));
        if reason.trim().is_empty() {
            self.error(
                Position::of(&waiver.reason),
                &child(&path, "reason"),
                Text::new("pengecualian memerlukan alasan", "a waiver needs a reason"),
            );
        }
        let until = waiver.until.as_ref().and_then(|until| {
            let text = self.text(until, &child(&path, "until"));
            let format = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(&text, format)
                .map_err(|_| {
                    self.error(
                        Position::of(until),
                        &child(&path, "until"),
                        text!(
                            "`{text}` bukan tanggal seperti 2027-03-31",
                            "`{text}` is not a date like 2027-03-31"
                        ),
                    )
                })
                .ok()
        });
        Waiver {
            rule,
            reason,
            until,
        }
    }
}
