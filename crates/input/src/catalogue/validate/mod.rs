//! Catalogue validation: from the raw mirror to a [`Catalogue`], every problem
//! collected with its position and key path. This module checks the catalogue's
//! own sections (name, bands, certification, aspects, rules); `params` checks a
//! rule's params against its check kind, `levels` its levels against the kind's
//! shape.

mod bands;
mod levels;
mod params;

use sha2::{Digest, Sha256};

use crate::catalogue::kinds;
use crate::catalogue::model::{Aspect, Basis, Catalogue, Certification, Rule, Scale, Text};
use crate::catalogue::raw::{
    RawAspect, RawCatalogue, RawCertification, RawRule, RawScale, RawText,
};
use crate::diagnostic::Problem;
use crate::diagnostic::{backticked, did_you_mean};
use crate::quantity::parse_ratio;
use crate::scenario::raw::{Position, Spanned, closest};
use crate::text::text;

/// Collects every problem of one catalogue file while its sections are read.
#[derive(Default)]
pub(super) struct Checker {
    pub(super) problems: Vec<Problem>,
    /// The catalogue's scale, read first: levels, bands and certification are
    /// checked against it.
    pub(super) scale: Scale,
}

/// Where a value was written.
fn at<T>(spanned: &Spanned<T>) -> Position {
    Position::of(spanned)
}

impl Checker {
    fn error(&mut self, position: Position, path: &str, message: Text) {
        self.problems.push(Problem::error(position, path, message));
    }

    fn error_with_help(&mut self, position: Position, path: &str, message: Text, help: Text) {
        self.problems
            .push(Problem::error(position, path, message).with_help(Some(help)));
    }

    fn text(&mut self, raw: &Spanned<RawText>, path: &str) -> Text {
        let mut one = |value: &Spanned<String>, lang: &str| {
            if value.value.trim().is_empty() {
                self.error(
                    at(value),
                    &format!("{path}.{lang}"),
                    Text::new("teks ini kosong", "this text is empty"),
                );
            }
            value.value.trim().to_string()
        };
        Text {
            id: one(&raw.value.id, "id"),
            en: one(&raw.value.en, "en"),
        }
    }

    pub(super) fn catalogue(
        &mut self,
        raw: RawCatalogue,
        file: &str,
        text: &str,
    ) -> Option<Catalogue> {
        let name = raw.catalogue.value.trim().to_string();
        if name.is_empty() || name.contains(char::is_whitespace) || name.contains('@') {
            self.error(
                at(&raw.catalogue),
                "catalogue",
                Text::new(
                    "nama katalog berupa satu kata tanpa spasi atau @, seperti idsll-core",
                    "a catalogue name is one word without spaces or @, like idsll-core",
                ),
            );
        }
        let version = raw.version.value.trim().to_string();
        if version.is_empty() {
            self.error(
                at(&raw.version),
                "version",
                Text::new("versi kosong", "the version is empty"),
            );
        }
        let title = self.text(&raw.title, "title");
        let evidence_only = self.purpose(&raw);
        if let Some(scale) = &raw.scale {
            self.scale = self.scale(scale, evidence_only);
        }
        let disclaimer = raw
            .disclaimer
            .as_ref()
            .map(|text| self.text(text, "disclaimer"));
        let (bands, certification) = match (&raw.bands, &raw.certification) {
            (Some(bands), Some(certification)) if !evidence_only => (
                self.read_bands(bands),
                Some(self.certification(certification)),
            ),
            _ => (
                bands::ReadBands {
                    chosen: Vec::new(),
                    tables: Vec::new(),
                    chosen_name: None,
                },
                None,
            ),
        };
        let aspects = self.aspects(&raw.aspects);
        let rules = self.rules(&raw.rules, &aspects);
        if evidence_only {
            for (index, rule) in raw.rules.value.iter().enumerate() {
                let rule = &rule.value;
                if rule.critical.value || rule.critical_when.is_some() {
                    self.error(
                        at(&rule.critical),
                        &format!("rules[{index}].critical"),
                        Text::new(
                            "katalog bukti (`purpose: evidence`) tidak memberi kesimpulan, jadi tidak ada kriteria wajib; tulis `critical: false`",
                            "an evidence catalogue (purpose: evidence) gives no verdict, so no rule is critical; write critical: false",
                        ),
                    );
                }
            }
        }
        for (index, aspect) in aspects.iter().enumerate() {
            let named = raw
                .rules
                .value
                .iter()
                .any(|rule| rule.value.aspect.value.trim() == aspect.id);
            if !named {
                self.error(
                    at(&raw.aspects.value[index]),
                    &format!("aspects[{index}]"),
                    {
                        let id = &aspect.id;
                        text!(
                            "aspek `{id}` tidak memiliki kriteria; bobotnya tidak akan pernah dihitung",
                            "aspect `{id}` has no rules; its weight would never count"
                        )
                    },
                );
            }
        }
        Some(Catalogue {
            name,
            version,
            title,
            bands: bands.chosen,
            bands_name: bands.chosen_name,
            band_tables: bands.tables,
            certification,
            scale: self.scale,
            disclaimer,
            aspects,
            rules,
            source: file.to_string(),
            sha256: hex(&Sha256::digest(text.as_bytes())),
        })
    }

    /// `purpose:` `score` (the default) or `evidence`; whether the catalogue
    /// is evidence only. A scoring catalogue needs `bands` and `certification`;
    /// an evidence catalogue must not have them, or a reader would take its
    /// levels for a score.
    fn purpose(&mut self, raw: &RawCatalogue) -> bool {
        let evidence_only = match &raw.purpose {
            None => false,
            Some(purpose) => match purpose.value.trim() {
                "score" => false,
                "evidence" => true,
                other => {
                    let other = other.to_string();
                    self.error_with_help(
                        at(purpose),
                        "purpose",
                        text!(
                            "`{other}` bukan tujuan katalog",
                            "`{other}` is not a catalogue purpose"
                        ),
                        Text::new(
                            "pakai `score` (bawaan: indeks, predikat, kesimpulan) atau `evidence` (bukti pendukung per kriteria saja)",
                            "use score (the default: index, predicate, verdict) or evidence (supporting evidence per rule only)",
                        ),
                    );
                    false
                }
            },
        };
        // A missing key is reported where the catalogue names itself.
        let whole = at(&raw.catalogue);
        if evidence_only {
            if let Some(bands) = &raw.bands {
                self.error(
                    at(bands),
                    "bands",
                    Text::new(
                        "katalog bukti (`purpose: evidence`) tidak memiliki predikat; hapus `bands`",
                        "an evidence catalogue (purpose: evidence) has no predicate; remove bands",
                    ),
                );
            }
            if let Some(certification) = &raw.certification {
                self.error(
                    at(certification),
                    "certification",
                    Text::new(
                        "katalog bukti (`purpose: evidence`) tidak memberi kesimpulan; hapus `certification`",
                        "an evidence catalogue (purpose: evidence) gives no verdict; remove certification",
                    ),
                );
            }
        } else {
            for (key, missing) in [
                ("bands", raw.bands.is_none()),
                ("certification", raw.certification.is_none()),
            ] {
                if missing {
                    self.error_with_help(
                        whole,
                        key,
                        text!(
                            "kunci `{key}` wajib ada pada katalog yang memberi nilai",
                            "key `{key}` is required in a catalogue that scores"
                        ),
                        Text::new(
                            "tambahkan kuncinya, atau tulis `purpose: evidence` untuk katalog bukti pendukung tanpa nilai",
                            "add it, or write `purpose: evidence` for a catalogue of supporting evidence without a score",
                        ),
                    );
                }
            }
        }
        evidence_only
    }

    /// `scale:`: whole levels from a lowest to a highest, reported on an index
    /// range (none for an evidence catalogue, whose levels are not averaged);
    /// the default 1..5 when anything is wrong, after saying what.
    fn scale(&mut self, raw: &Spanned<RawScale>, evidence_only: bool) -> Scale {
        let levels = &raw.value.levels.value;
        let (lowest, highest) = (levels.from.value, levels.to.value);
        let index = match (&raw.value.index, evidence_only) {
            (Some(index), false) => (index.value.from.value, index.value.to.value),
            (None, true) => (lowest as f64, highest as f64),
            (Some(index), true) => {
                self.error(
                    at(index),
                    "scale.index",
                    Text::new(
                        "katalog bukti (`purpose: evidence`) tidak memiliki indeks; hapus `index`",
                        "an evidence catalogue (purpose: evidence) has no index; remove index",
                    ),
                );
                (lowest as f64, highest as f64)
            }
            (None, false) => {
                self.error(
                    at(raw),
                    "scale.index",
                    Text::new(
                        "`scale` memerlukan `index: { from, to }`",
                        "scale needs index: { from, to }",
                    ),
                );
                return Scale::default();
            }
        };
        let (index_lowest, index_highest) = index;
        let index_at = raw.value.index.as_ref().map_or_else(|| at(raw), at);
        let mut ok = true;
        if !(0..=9).contains(&lowest) || !(0..=9).contains(&highest) || lowest >= highest {
            ok = false;
            self.error_with_help(
                at(&raw.value.levels),
                "scale.levels",
                text!(
                    "tingkat {lowest}..{highest} bukan rentang yang dapat dipakai",
                    "levels {lowest}..{highest} are not a usable range"
                ),
                Text::new(
                    "tingkat berupa bilangan bulat 0 sampai 9, `from` lebih kecil dari `to`",
                    "levels are whole numbers 0 to 9, `from` below `to`",
                ),
            );
        }
        if !(index_lowest.is_finite() && index_highest.is_finite() && index_lowest < index_highest)
        {
            ok = false;
            self.error(
                index_at,
                "scale.index",
                text!(
                    "indeks {index_lowest}..{index_highest} bukan rentang: `from` harus lebih kecil dari `to`",
                    "index {index_lowest}..{index_highest} is not a range: `from` must be below `to`"
                ),
            );
        }
        if !ok {
            return Scale::default();
        }
        Scale {
            lowest: lowest as u8,
            highest: highest as u8,
            index_lowest,
            index_highest,
        }
    }

    fn certification(&mut self, raw: &Spanned<RawCertification>) -> Certification {
        let raw = &raw.value;
        let scale = self.scale;
        let min_index = raw.min_index.value;
        if !(scale.index_lowest..=scale.index_highest).contains(&min_index) {
            let range = format!("{}..{}", scale.index_lowest, scale.index_highest);
            self.error(
                at(&raw.min_index),
                "certification.min_index",
                text!(
                    "{min_index} di luar skala indeks {range}",
                    "{min_index} is outside the index scale {range}"
                ),
            );
        }
        let level = raw.critical_min_level.value;
        if !scale.contains(level) {
            let (lowest, highest) = (scale.lowest, scale.highest);
            self.error(
                at(&raw.critical_min_level),
                "certification.critical_min_level",
                text!(
                    "{level} bukan tingkat: tingkat bernilai {lowest} sampai {highest}",
                    "{level} is not a level: levels are {lowest} to {highest}"
                ),
            );
        }
        let min_coverage = match parse_ratio(&raw.min_coverage.value) {
            Ok(ratio) => ratio,
            Err(message) => {
                self.error(at(&raw.min_coverage), "certification.min_coverage", message);
                0.0
            }
        };
        Certification {
            min_index,
            critical_min_level: level.clamp(i64::from(scale.lowest), i64::from(scale.highest))
                as u8,
            min_coverage,
            predicate_requires_critical: raw
                .predicate_requires_critical
                .as_ref()
                .is_some_and(|flag| flag.value),
            count_attested: raw.count_attested.as_ref().is_some_and(|flag| flag.value),
        }
    }

    fn weight(&mut self, raw: &Spanned<f64>, path: &str) -> f64 {
        let weight = raw.value;
        if !(weight.is_finite() && weight > 0.0) {
            self.error_with_help(
                at(raw),
                path,
                text!(
                    "bobot {weight} tidak positif",
                    "weight {weight} is not positive"
                ),
                Text::new(
                    "bobot berupa angka positif; hapus entrinya alih-alih memberinya bobot 0",
                    "weights are positive numbers; remove the entry instead of weighting it 0",
                ),
            );
        }
        weight
    }

    fn aspects(&mut self, raw: &Spanned<Vec<Spanned<RawAspect>>>) -> Vec<Aspect> {
        if raw.value.is_empty() {
            self.error(
                at(raw),
                "aspects",
                Text::new("`aspects` kosong", "aspects is empty"),
            );
        }
        let mut aspects: Vec<Aspect> = Vec::new();
        for (index, spanned) in raw.value.iter().enumerate() {
            let path = format!("aspects[{index}]");
            let aspect = &spanned.value;
            let id = aspect.id.value.trim().to_string();
            if aspects.iter().any(|known| known.id == id) {
                self.error(
                    at(&aspect.id),
                    &format!("{path}.id"),
                    text!(
                        "aspek `{id}` tercantum dua kali",
                        "aspect `{id}` is listed twice"
                    ),
                );
            }
            let weight = self.weight(&aspect.weight, &format!("{path}.weight"));
            let title = self.text(&aspect.title, &format!("{path}.title"));
            aspects.push(Aspect { id, weight, title });
        }
        aspects
    }

    fn rules(&mut self, raw: &Spanned<Vec<Spanned<RawRule>>>, aspects: &[Aspect]) -> Vec<Rule> {
        if raw.value.is_empty() {
            self.error(
                at(raw),
                "rules",
                Text::new("`rules` kosong", "rules is empty"),
            );
        }
        let mut rules: Vec<Rule> = Vec::new();
        for (index, spanned) in raw.value.iter().enumerate() {
            let path = format!("rules[{index}]");
            if let Some(rule) = self.rule(&spanned.value, &path, aspects) {
                if rules.iter().any(|known| known.code == rule.code) {
                    self.error(at(&spanned.value.code), &format!("{path}.code"), {
                        let code = &rule.code;
                        text!(
                            "kriteria `{code}` tercantum dua kali",
                            "rule `{code}` is listed twice"
                        )
                    });
                }
                rules.push(rule);
            }
        }
        rules
    }

    fn rule(&mut self, raw: &RawRule, path: &str, aspects: &[Aspect]) -> Option<Rule> {
        let code = raw.code.value.trim().to_string();
        if code.is_empty() || code.contains(char::is_whitespace) {
            self.error(
                at(&raw.code),
                &format!("{path}.code"),
                Text::new(
                    "kode kriteria berupa satu kata, seperti SC-04",
                    "a rule code is one word, like SC-04",
                ),
            );
        }
        let aspect = self.rule_aspect(&raw.aspect, path, aspects);
        let basis = self.basis(&raw.basis, path);
        let weight = self.weight(&raw.weight, &format!("{path}.weight"));
        let title = self.text(&raw.title, &format!("{path}.title"));
        let why = self.text(&raw.why, &format!("{path}.why"));
        let fix = self.text(&raw.fix, &format!("{path}.fix"));
        let kind_name = raw.check.value.trim();
        let Some(kind) = kinds::find(kind_name) else {
            let help = closest(kind_name, kinds::KINDS.iter().map(|k| k.name))
                .as_deref()
                .map(did_you_mean)
                .unwrap_or_else(|| {
                    Text::new(
                        "`ujilab standards kinds` menampilkan daftar jenis pemeriksaan",
                        "`ujilab standards kinds` lists the check kinds",
                    )
                });
            self.error_with_help(
                at(&raw.check),
                &format!("{path}.check"),
                text!(
                    "jenis pemeriksaan `{kind_name}` tidak dikenal",
                    "unknown check kind `{kind_name}`"
                ),
                help,
            );
            return None;
        };
        let params = self.params(
            kind,
            raw.params.as_ref(),
            &format!("{path}.params"),
            at(&raw.check),
        );
        let levels = self.levels(kind, &raw.levels, &format!("{path}.levels"));
        let critical_when = raw
            .critical_when
            .as_ref()
            .and_then(|condition| self.critical_when(condition, raw.critical.value, path));
        Some(Rule {
            code,
            aspect,
            basis,
            reference: raw.reference.value.trim().to_string(),
            critical: raw.critical.value,
            critical_when,
            weight,
            title,
            why,
            fix,
            check: kind,
            params,
            levels: levels?,
        })
    }

    /// `critical_when:` names a condition, on a rule that is not always critical.
    fn critical_when(
        &mut self,
        raw: &Spanned<String>,
        critical: bool,
        path: &str,
    ) -> Option<String> {
        let condition = raw.value.trim();
        let key_path = format!("{path}.critical_when");
        if !kinds::CONDITIONS.contains(&condition) {
            let help = closest(condition, kinds::CONDITIONS.iter().copied())
                .as_deref()
                .map(did_you_mean)
                .unwrap_or_else(|| {
                    let conditions = kinds::CONDITIONS.join(", ");
                    let listed = backticked(kinds::CONDITIONS.iter().copied());
                    text!(
                        "kondisi yang dikenal: {listed}",
                        "conditions are: {conditions}"
                    )
                });
            self.error_with_help(
                at(raw),
                &key_path,
                text!(
                    "`{condition}` bukan kondisi yang dikenal",
                    "`{condition}` is not a condition"
                ),
                help,
            );
            return None;
        }
        if critical {
            self.error_with_help(
                at(raw),
                &key_path,
                Text::new(
                    "kriteria ini sudah `critical: true`",
                    "the rule is already `critical: true`",
                ),
                Text::new(
                    "tulis `critical: false` bersama `critical_when`, atau hapus `critical_when`",
                    "write `critical: false` with `critical_when`, or drop `critical_when`",
                ),
            );
        }
        Some(condition.to_string())
    }

    /// A rule's aspect must be one the catalogue lists.
    fn rule_aspect(&mut self, raw: &Spanned<String>, path: &str, aspects: &[Aspect]) -> String {
        let aspect = raw.value.trim().to_string();
        if !aspects.iter().any(|known| known.id == aspect) {
            let help = closest(&aspect, aspects.iter().map(|a| a.id.as_str()))
                .as_deref()
                .map(did_you_mean)
                .unwrap_or_else(|| {
                    let known = aspects
                        .iter()
                        .map(|a| a.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    let listed = backticked(aspects.iter().map(|a| a.id.as_str()));
                    text!("aspek yang ada: {listed}", "aspects are: {known}")
                });
            self.error_with_help(
                at(raw),
                &format!("{path}.aspect"),
                text!(
                    "tidak ada aspek `{aspect}` dalam katalog ini",
                    "no aspect `{aspect}` in this catalogue"
                ),
                help,
            );
        }
        aspect
    }

    fn basis(&mut self, raw: &Spanned<String>, path: &str) -> Basis {
        match raw.value.trim() {
            "regulation" => Basis::Regulation,
            "practice" => Basis::Practice,
            other => {
                self.error_with_help(
                    at(raw),
                    &format!("{path}.basis"),
                    text!(
                        "`{other}` bukan dasar yang dikenal",
                        "`{other}` is not a basis"
                    ),
                    Text::new(
                        "pakai `regulation` (dasar hukum Indonesia) atau `practice`",
                        "use regulation (an Indonesian legal basis) or practice",
                    ),
                );
                Basis::Practice
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
pub(super) mod tests {
    use std::time::Duration;

    use super::*;
    use crate::catalogue::parse;

    fn problems(text: &str) -> Vec<Problem> {
        match parse(text, "test.yaml") {
            Ok(_) => panic!("expected problems"),
            Err(failure) => failure.problems,
        }
    }

    /// A valid one-rule catalogue with `rule` spliced in.
    pub(in crate::catalogue) fn with_rule(rule: &str) -> String {
        format!(
            r#"catalogue: mini
version: "1"
title: {{ id: Mini, en: Mini }}
bands:
  - {{ min: 3.0, id: Baik, en: Good }}
  - {{ min: 0.0, id: Kurang, en: Poor }}
certification: {{ min_index: 2.6, critical_min_level: 3, min_coverage: 90% }}
aspects:
  - {{ id: keamanan, weight: 30, title: {{ id: Keamanan, en: Security }} }}
rules:
  - code: SC-04
    aspect: keamanan
    basis: practice
    reference: RFC 6797
    critical: false
    weight: 1
    title: {{ id: HSTS, en: HSTS }}
    why: {{ id: karena, en: because }}
    fix: {{ id: perbaiki, en: fix it }}
{rule}"#
        )
    }

    #[test]
    fn a_valid_small_catalogue_loads() {
        let text = with_rule(
            "    check: hsts\n    levels: { table: { absent: 1, short: 2, long: 4, long_with_subdomains: 5 } }\n",
        );
        let catalogue = parse(&text, "mini.yaml")
            .unwrap_or_else(|f| panic!("{}", f.render(crate::lang::Lang::En)));
        let rule = &catalogue.rules[0];
        assert_eq!(
            rule.params.duration("long_max_age"),
            Duration::from_secs(180 * 86400)
        );
    }

    #[test]
    fn unknown_check_kind_is_positioned_with_a_suggestion() {
        let text = with_rule("    check: hstss\n    levels: binary\n");
        let found = problems(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.en.contains("unknown check kind `hstss`"));
        assert_eq!(
            found[0].help.as_ref().map(|help| help.en.as_str()),
            Some("did you mean `hsts`?")
        );
        assert_eq!((found[0].line, found[0].column), (20, 12));
        assert_eq!(found[0].path, "rules[0].check");
    }

    #[test]
    fn unknown_aspect_and_bad_weight_are_each_reported() {
        let text = with_rule("    check: hsts\n    levels: { table: { absent: 1, short: 2, long: 4, long_with_subdomains: 5 } }\n")
            .replace("aspect: keamanan", "aspect: keamaan")
            .replace("weight: 1\n", "weight: 0\n");
        let found = problems(&text);
        let messages: Vec<&str> = found.iter().map(|p| p.message.en.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("no aspect `keamaan`")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("weight 0 is not positive")),
            "{messages:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.help.as_ref().map(|help| help.en.as_str())
                    == Some("did you mean `keamanan`?"))
        );
        // The aspect now has no rule either.
        assert!(
            messages.iter().any(|m| m.contains("has no rules")),
            "{messages:?}"
        );
    }

    /// `with_rule` on the Ombudsman's scale: levels 0..3, an index 0..100.
    fn on_zero_to_three(rule: &str) -> String {
        with_rule(rule)
            .replace(
                "certification: { min_index: 2.6, critical_min_level: 3, min_coverage: 90% }",
                "certification: { min_index: 81, critical_min_level: 2, min_coverage: 90% }\n\
                 scale: { levels: { from: 0, to: 3 }, index: { from: 0, to: 100 } }",
            )
            .replace("min: 3.0, id: Baik", "min: 81, id: Hijau")
    }

    #[test]
    fn a_scale_sets_the_levels_thresholds_tables_and_certification_take() {
        let catalogue = parse(
            &on_zero_to_three(
                "    check: security_headers\n    levels: { thresholds: { direction: at_least, L1: 1, L2: 2, L3: 4 } }\n",
            ),
            "mini.yaml",
        )
        .unwrap_or_else(|f| panic!("{}", f.render(crate::lang::Lang::En)));
        assert_eq!((catalogue.scale.lowest, catalogue.scale.highest), (0, 3));
        let levels = &catalogue.rules[0].levels;
        assert_eq!(levels.of_value(0.0), 0);
        assert_eq!(levels.of_value(1.0), 1);
        assert_eq!(levels.of_value(3.0), 2);
        assert_eq!(levels.of_value(4.0), 3);
        assert_eq!(levels.text().en, "L1 >= 1, L2 >= 2, L3 >= 4");

        // Off the scale: L5 is no level of 0..3, binary's 5 and 1 neither, a
        // table's 4 neither, nor a critical minimum of 5 or a min_index of 200.
        let messages = |text: &str| -> Vec<String> {
            problems(text).into_iter().map(|p| p.message.en).collect()
        };
        let found = messages(&on_zero_to_three(
            "    check: security_headers\n    levels: { thresholds: { direction: at_least, L1: 1, L2: 2, L3: 3, L5: 4 } }\n",
        ));
        assert!(
            found.iter().any(|m| m.contains("unknown key `L5`")),
            "{found:?}"
        );
        let found = messages(&on_zero_to_three(
            "    check: html_lang\n    levels: binary\n",
        ));
        assert!(
            found
                .iter()
                .any(|m| m.contains("outside this catalogue's scale 0..3")),
            "{found:?}"
        );
        let found = messages(&on_zero_to_three(
            "    check: hsts\n    levels: { table: { absent: 0, short: 1, long: 2, long_with_subdomains: 4 } }\n",
        ));
        assert!(
            found
                .iter()
                .any(|m| m.contains("a level is a whole number from 0 to 3")),
            "{found:?}"
        );
        let found = messages(
            &on_zero_to_three("    check: html_lang\n    levels: { table: { pass: 3 } }\n")
                .replace("critical_min_level: 2", "critical_min_level: 5")
                .replace("min_index: 81", "min_index: 200"),
        );
        assert!(
            found.iter().any(|m| m.contains("levels are 0 to 3")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|m| m.contains("200 is outside the index scale 0..100")),
            "{found:?}"
        );
        let found = messages(
            &with_rule("    check: html_lang\n    levels: binary\n")
                .replace("title: { id: Mini, en: Mini }", "title: { id: Mini, en: Mini }\nscale: { levels: { from: 3, to: 3 }, index: { from: 0, to: 100 } }"),
        );
        assert!(
            found
                .iter()
                .any(|m| m.contains("levels 3..3 are not a usable range")),
            "{found:?}"
        );
    }

    #[test]
    fn bands_must_descend_and_cover_the_scale() {
        let text = with_rule("    check: html_lang\n    levels: binary\n")
            .replace("min: 0.0, id: Kurang", "min: 3.5, id: Kurang");
        let messages: Vec<String> = problems(&text).into_iter().map(|p| p.message.en).collect();
        assert!(
            messages.iter().any(|m| m.contains("bands out of order")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("would have no predicate")),
            "{messages:?}"
        );
    }

    #[test]
    fn params_are_checked_against_the_kind() {
        let text = with_rule(
            "    check: cookies\n    params: { http_only_exmpt: [a], }\n    levels: { table: { all_three: 5, two: 3, fewer: 1 } }\n",
        );
        let found = problems(&text);
        assert!(
            found[0]
                .message
                .en
                .contains("unknown param `http_only_exmpt`"),
            "{found:?}"
        );
        assert_eq!(
            found[0].help.as_ref().map(|help| help.en.as_str()),
            Some("did you mean `http_only_exempt`?")
        );

        let text = with_rule(
            "    check: contact_hours\n    params: { time_range: '[0-9' }\n    levels: { table: { both: 5, one: 3, none: 1 } }\n",
        );
        assert!(problems(&text)[0].message.en.contains("not a valid regex"));

        let text = with_rule(
            "    check: service_standard\n    levels: { thresholds: { direction: at_least, L2: 1, L3: 3, L4: 5, L5: 6 } }\n",
        );
        assert!(
            problems(&text)[0]
                .message
                .en
                .contains("needs `params.components`")
        );
    }

    #[test]
    fn levels_out_of_order_and_wrong_shape() {
        let text = with_rule(
            "    check: availability\n    levels: { thresholds: { direction: at_least, L2: 95%, L3: 99.5%, L4: 99%, L5: 99.9% } }\n",
        );
        let found = problems(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0]
                .message
                .en
                .contains("levels out of order: L4 (99%) must be above L3 (99.5%)"),
            "{:?}",
            found[0]
        );
        assert_eq!(found[0].line, 21);

        let text = with_rule("    check: availability\n    levels: binary\n");
        let found = problems(&text);
        assert!(
            found[0]
                .message
                .en
                .contains("takes levels of another shape"),
            "{found:?}"
        );
        assert!(
            found[0]
                .help
                .as_ref()
                .map(|help| help.en.as_str())
                .unwrap_or_default()
                .contains("thresholds")
        );

        let text = with_rule(
            "    check: hsts\n    levels: { table: { absent: 1, short: 2, lng: 4, long_with_subdomains: 9 } }\n",
        );
        let found = problems(&text);
        let messages: Vec<&str> = found.iter().map(|p| p.message.en.as_str()).collect();
        assert!(messages.contains(&"unknown outcome `lng`"), "{messages:?}");
        assert!(
            messages.contains(&"a level is a whole number from 1 to 5"),
            "{messages:?}"
        );
        assert!(messages.contains(&"missing outcome `long`"), "{messages:?}");
    }

    #[test]
    fn thresholds_need_units_and_the_right_direction() {
        let text = with_rule(
            "    check: latency\n    levels: { thresholds: { direction: at_least, L2: 3, L3: 2s, L4: 1s, L5: 500ms } }\n",
        );
        let messages: Vec<String> = problems(&text).into_iter().map(|p| p.message.en).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("direction `at_least` does not fit")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("a duration needs a unit")),
            "{messages:?}"
        );
    }
}
