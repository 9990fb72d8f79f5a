//! `bands:`, the predicate table: a plain list (2026.1), or named tables with the
//! one the catalogue scores with (`use:`), each with its source, so a catalogue can
//! carry the SPBE 2020 table and the reported Pemdi 2026 one side by side.
//!
//! ```yaml
//! bands:
//!   use: spbe-2020
//!   tables:
//!     - name: spbe-2020
//!       source: "PermenPANRB 59/2020 Lampiran I Tabel 13 [S]"
//!       bands:
//!         - { min: 4.2, id: Memuaskan, en: Excellent }
//!         ...
//! ```

use crate::catalogue::model::{Band, BandTable, Text};
use crate::diagnostic::{backticked, did_you_mean};
use crate::scenario::raw::{Node, Position, Spanned, closest};
use crate::text::text;

use super::{Checker, at};

/// The keys of a named `bands:` map and of one table.
const BANDS_KEYS: [&str; 2] = ["use", "tables"];
const TABLE_KEYS: [&str; 3] = ["name", "source", "bands"];
const BAND_KEYS: [&str; 3] = ["min", "id", "en"];

/// The bands the catalogue scores with, and every table it lists.
pub(super) struct ReadBands {
    pub(super) chosen: Vec<Band>,
    pub(super) tables: Vec<BandTable>,
    pub(super) chosen_name: Option<String>,
}

fn entry<'n>(
    entries: &'n [(Spanned<Node>, Spanned<Node>)],
    key: &str,
) -> Option<&'n Spanned<Node>> {
    entries
        .iter()
        .find(|(name, _)| name.value.scalar_text().as_deref() == Some(key))
        .map(|(_, value)| value)
}

impl Checker {
    pub(super) fn read_bands(&mut self, raw: &Spanned<Node>) -> ReadBands {
        match &raw.value {
            Node::Seq(items) => ReadBands {
                chosen: self.band_list(items, at(raw), "bands"),
                tables: Vec::new(),
                chosen_name: None,
            },
            Node::Map(entries) => self.named_bands(entries, at(raw)),
            other => {
                self.error_with_help(
                    at(raw),
                    "bands",
                    text!(
                        "`bands` berupa daftar atau map berisi tabel bernama, ditemukan {found}",
                        "bands is a list or a map of named tables, found {found}",
                        found = other.kind(),
                    ),
                    Text::new(
                        "tulis `bands: [{ min: 4.2, id: Memuaskan, en: Excellent }, ...]`, atau `bands: { use: NAME, tables: [...] }`",
                        "write `bands: [{ min: 4.2, id: Memuaskan, en: Excellent }, ...]`, or `bands: { use: NAME, tables: [...] }`",
                    ),
                );
                ReadBands {
                    chosen: Vec::new(),
                    tables: Vec::new(),
                    chosen_name: None,
                }
            }
        }
    }

    fn unknown_keys(
        &mut self,
        entries: &[(Spanned<Node>, Spanned<Node>)],
        known: &[&str],
        path: &str,
    ) {
        for (key, _) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            if known.contains(&name.as_str()) {
                continue;
            }
            let help = closest(&name, known.iter().copied())
                .as_deref()
                .map(did_you_mean)
                .unwrap_or_else(|| {
                    let (keys, known) = (backticked(known.iter().copied()), known.join(", "));
                    text!("kunci yang dikenal: {keys}", "expected one of: {known}")
                });
            self.error_with_help(
                at(key),
                &format!("{path}.{name}"),
                text!("kunci `{name}` tidak dikenal", "unknown key `{name}`"),
                help,
            );
        }
    }

    fn named_bands(
        &mut self,
        entries: &[(Spanned<Node>, Spanned<Node>)],
        position: Position,
    ) -> ReadBands {
        self.unknown_keys(entries, &BANDS_KEYS, "bands");
        let mut tables: Vec<BandTable> = Vec::new();
        match entry(entries, "tables").map(|node| (node, &node.value)) {
            Some((_, Node::Seq(items))) if !items.is_empty() => {
                for (index, item) in items.iter().enumerate() {
                    let path = format!("bands.tables[{index}]");
                    if let Some(table) = self.band_table(item, &path) {
                        if tables.iter().any(|known| known.name == table.name) {
                            self.error(at(item), &format!("{path}.name"), {
                                let name = &table.name;
                                text!(
                                    "tabel predikat `{name}` tercantum dua kali",
                                    "band table `{name}` is listed twice"
                                )
                            });
                        }
                        tables.push(table);
                    }
                }
            }
            Some((node, _)) => {
                self.error(
                    at(node),
                    "bands.tables",
                    Text::new(
                        "`tables` berupa daftar yang tidak kosong",
                        "tables is a non-empty list",
                    ),
                );
            }
            None => self.error(
                position,
                "bands",
                Text::new("`tables` tidak ada", "missing `tables`"),
            ),
        }
        let chosen_name = match entry(entries, "use") {
            Some(node) => match node.value.scalar_text() {
                Some(name) if tables.iter().any(|table| table.name == name.trim()) => {
                    Some(name.trim().to_string())
                }
                Some(name) => {
                    let help = closest(&name, tables.iter().map(|t| t.name.as_str()))
                        .as_deref()
                        .map(did_you_mean)
                        .unwrap_or_else(|| {
                            let names = tables
                                .iter()
                                .map(|t| t.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ");
                            let listed = backticked(tables.iter().map(|t| t.name.as_str()));
                            text!("tabel yang ada: {listed}", "the tables are: {names}")
                        });
                    self.error_with_help(
                        at(node),
                        "bands.use",
                        text!(
                            "tidak ada tabel predikat `{name}` di `bands.tables`",
                            "no band table `{name}` in `bands.tables`"
                        ),
                        help,
                    );
                    None
                }
                None => {
                    self.error(
                        at(node),
                        "bands.use",
                        Text::new(
                            "`use` menyebut salah satu tabel",
                            "use names one of the tables",
                        ),
                    );
                    None
                }
            },
            None => {
                self.error_with_help(
                    position,
                    "bands",
                    Text::new(
                        "`use` tidak ada: tabel mana yang menilai indeks",
                        "missing `use`: which table scores the index",
                    ),
                    Text::new(
                        "tulis `use: NAME` dengan nama salah satu tabel",
                        "write `use: NAME` with the name of one of the tables",
                    ),
                );
                None
            }
        };
        let chosen = chosen_name
            .as_ref()
            .and_then(|name| tables.iter().find(|table| &table.name == name))
            .map(|table| table.bands.clone())
            .unwrap_or_default();
        ReadBands {
            chosen,
            tables,
            chosen_name,
        }
    }

    fn band_table(&mut self, item: &Spanned<Node>, path: &str) -> Option<BandTable> {
        let Node::Map(entries) = &item.value else {
            self.error(
                at(item),
                path,
                Text::new(
                    "tabel predikat berupa map `{ name, source, bands }`",
                    "a band table is a map { name, source, bands }",
                ),
            );
            return None;
        };
        self.unknown_keys(entries, &TABLE_KEYS, path);
        let name = entry(entries, "name")
            .and_then(|node| node.value.scalar_text())
            .map(|name| name.trim().to_string())
            .filter(|name| !name.is_empty() && !name.contains(char::is_whitespace));
        let Some(name) = name else {
            self.error(
                at(item),
                &format!("{path}.name"),
                Text::new(
                    "tabel predikat memerlukan `name`, satu kata seperti spbe-2020",
                    "a band table needs a `name`, one word like spbe-2020",
                ),
            );
            return None;
        };
        let source = match entry(entries, "source") {
            Some(node) => match node.value.scalar_text() {
                Some(text) if !text.trim().is_empty() => text.trim().to_string(),
                _ => {
                    self.error(
                        at(node),
                        &format!("{path}.source"),
                        Text::new("teks ini kosong", "this text is empty"),
                    );
                    String::new()
                }
            },
            None => {
                self.error_with_help(
                    at(item),
                    &format!("{path}.source"),
                    Text::new(
                        "tabel predikat memerlukan `source`",
                        "a band table needs its `source`",
                    ),
                    Text::new(
                        "sebutkan instrumennya, dengan tanda sumber ([C], [S], atau [U]) bila belum diverifikasi",
                        "name the instrument, with a source mark ([C], [S] or [U]) when it is not verified",
                    ),
                );
                String::new()
            }
        };
        let bands = match entry(entries, "bands") {
            Some(node) => match &node.value {
                Node::Seq(items) => self.band_list(items, at(node), &format!("{path}.bands")),
                other => {
                    self.error(
                        at(node),
                        &format!("{path}.bands"),
                        text!(
                            "`bands` berupa daftar, ditemukan {found}",
                            "bands is a list, found {found}",
                            found = other.kind(),
                        ),
                    );
                    Vec::new()
                }
            },
            None => {
                self.error(
                    at(item),
                    &format!("{path}.bands"),
                    Text::new("`bands` tidak ada", "missing `bands`"),
                );
                Vec::new()
            }
        };
        Some(BandTable {
            name,
            source,
            bands,
        })
    }

    /// One predicate table, highest first; the last band's `min` at most 1.
    fn band_list(&mut self, items: &[Spanned<Node>], position: Position, path: &str) -> Vec<Band> {
        if items.is_empty() {
            self.error(
                position,
                path,
                Text::new(
                    "`bands` kosong: cantumkan predikatnya, dari yang tertinggi",
                    "bands is empty: list the predicates, highest first",
                ),
            );
        }
        let mut bands: Vec<Band> = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let band_path = format!("{path}[{index}]");
            let Node::Map(entries) = &item.value else {
                self.error(
                    at(item),
                    &band_path,
                    Text::new(
                        "predikat berupa map `{ min, id, en }`",
                        "a band is a map { min, id, en }",
                    ),
                );
                continue;
            };
            self.unknown_keys(entries, &BAND_KEYS, &band_path);
            let min_node = entry(entries, "min");
            let min = match min_node.map(|node| &node.value) {
                Some(Node::Int(value)) => *value as f64,
                Some(Node::Float(value)) => *value,
                _ => {
                    self.error(
                        min_node.map_or(at(item), at),
                        &format!("{band_path}.min"),
                        {
                            let range = self.band_range();
                            text!(
                                "`min` berupa angka pada skala indeks {range}",
                                "min is a number on the index scale {range}"
                            )
                        },
                    );
                    continue;
                }
            };
            let min_at = min_node.map_or(at(item), at);
            // 0 is allowed below a 1..5 index: a table may start at zero.
            let lowest = self.scale.index_lowest.min(0.0);
            if !(lowest..=self.scale.index_highest).contains(&min) {
                self.error(min_at, &format!("{band_path}.min"), {
                    let range = self.band_range();
                    text!(
                        "{min} di luar skala indeks {range}",
                        "{min} is outside the index scale {range}"
                    )
                });
            }
            if let Some(previous) = bands.last()
                && min >= previous.min
            {
                self.error_with_help(
                    min_at,
                    &format!("{band_path}.min"),
                    {
                        let above = previous.min;
                        text!(
                            "urutan predikat salah: {min} tidak lebih rendah dari predikat di atasnya ({above})",
                            "bands out of order: {min} is not below the band above it ({above})"
                        )
                    },
                    Text::new(
                        "cantumkan predikat dari yang tertinggi, setiap `min` lebih rendah dari sebelumnya",
                        "list bands highest first, each `min` lower than the one before",
                    ),
                );
            }
            let text = |key: &str| {
                entry(entries, key)
                    .and_then(|node| node.value.scalar_text())
                    .map(|text| text.trim().to_string())
                    .unwrap_or_default()
            };
            let name = Text {
                id: text("id"),
                en: text("en"),
            };
            if name.id.is_empty() || name.en.is_empty() {
                self.error(
                    at(item),
                    &band_path,
                    Text::new(
                        "predikat memerlukan nama dalam id dan en",
                        "a band needs a name in id and en",
                    ),
                );
            }
            bands.push(Band { min, name });
        }
        if let Some(last) = bands.last()
            && last.min > self.scale.index_lowest
        {
            self.error_with_help(
                position,
                path,
                {
                    let lowest = last.min;
                    text!(
                        "predikat terendah dimulai dari {lowest}: indeks di bawahnya tidak akan mendapat predikat",
                        "the lowest band starts at {lowest}: an index below it would have no predicate"
                    )
                },
                {
                    let lowest = self.scale.index_lowest;
                    text!(
                        "akhiri dengan predikat yang `min`-nya {lowest} atau kurang",
                        "end with a band whose min is {lowest} or less"
                    )
                },
            );
        }
        bands
    }

    /// The range a band's `min` may take: `0..5` on a 1..5 index.
    fn band_range(&self) -> String {
        let lowest = self.scale.index_lowest.min(0.0);
        format!("{lowest}..{}", self.scale.index_highest)
    }
}

#[cfg(test)]
mod tests {
    use crate::catalogue::parse;
    use crate::catalogue::validate::tests::with_rule;

    const NAMED: &str = "bands:
  use: pemdi-2026
  tables:
    - name: spbe-2020
      source: \"PermenPANRB 59/2020 [S]\"
      bands:
        - { min: 4.2, id: Memuaskan, en: Excellent }
        - { min: 0.0, id: Kurang, en: Poor }
    - name: pemdi-2026
      source: \"PermenPANRB 8/2026 [S]\"
      bands:
        - { min: 4.0, id: Memuaskan, en: Excellent }
        - { min: 0.0, id: Kurang, en: Poor }
";

    fn with_bands(bands: &str) -> String {
        let text = with_rule("    check: html_lang\n    levels: binary\n");
        let start = text.find("bands:").unwrap_or_default();
        let end = text.find("certification:").unwrap_or_default();
        format!("{}{bands}{}", &text[..start], &text[end..])
    }

    #[test]
    fn named_tables_band_with_the_one_in_use() {
        let catalogue = parse(&with_bands(NAMED), "named.yaml")
            .unwrap_or_else(|failure| panic!("{}", failure.render(crate::lang::Lang::En)));
        assert_eq!(catalogue.bands_name.as_deref(), Some("pemdi-2026"));
        assert_eq!(catalogue.band_tables.len(), 2);
        assert_eq!(catalogue.band_tables[0].source, "PermenPANRB 59/2020 [S]");
        // 4.1 is Memuaskan under pemdi-2026 (4.0), not under spbe-2020 (4.2).
        assert_eq!(
            catalogue.band(4.1).map(|band| band.name.id.as_str()),
            Some("Memuaskan")
        );
    }

    #[test]
    fn a_named_table_that_is_not_listed_is_positioned() {
        let text = with_bands(&NAMED.replace("use: pemdi-2026", "use: pemdi-2025"));
        let failure = parse(&text, "named.yaml").err();
        let problems = failure.map(|f| f.problems).unwrap_or_default();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].message.en,
            "no band table `pemdi-2025` in `bands.tables`"
        );
        assert_eq!(
            problems[0].help.as_ref().map(|help| help.en.as_str()),
            Some("did you mean `pemdi-2026`?")
        );
        assert_eq!(
            (problems[0].line, problems[0].path.as_str()),
            (5, "bands.use")
        );

        let text = with_bands(
            &NAMED
                .replace("      source: \"PermenPANRB 8/2026 [S]\"\n", "")
                .replace("{ min: 4.0, id", "{ min: 4.5, idd"),
        );
        let problems = parse(&text, "named.yaml")
            .err()
            .map(|f| f.problems)
            .unwrap_or_default();
        let messages: Vec<&str> = problems.iter().map(|p| p.message.en.as_str()).collect();
        assert!(
            messages.contains(&"a band table needs its `source`")
                && messages.contains(&"unknown key `idd`")
                && messages.contains(&"a band needs a name in id and en"),
            "{messages:?}"
        );
    }

    #[test]
    fn certification_flags_and_critical_when() {
        let text = with_rule("    check: html_lang\n    levels: binary\n")
            .replace(
                "min_coverage: 90% }",
                "min_coverage: 90%, predicate_requires_critical: true, count_attested: true }",
            )
            .replace(
                "critical: false\n",
                "critical: false\n    critical_when: collects_personal_data\n",
            );
        let catalogue = parse(&text, "c.yaml")
            .unwrap_or_else(|failure| panic!("{}", failure.render(crate::lang::Lang::En)));
        let certification = catalogue.certification.expect("a scoring catalogue");
        assert!(certification.predicate_requires_critical);
        assert!(certification.count_attested);
        assert_eq!(
            catalogue.rules[0].critical_when.as_deref(),
            Some("collects_personal_data")
        );
        let bad = text
            .replace("critical: false\n", "critical: true\n")
            .replace("collects_personal_data", "collects_personal_dat");
        let problems = parse(&bad, "c.yaml")
            .err()
            .map(|f| f.problems)
            .unwrap_or_default();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].message.en,
            "`collects_personal_dat` is not a condition"
        );
        assert_eq!(
            problems[0].help.as_ref().map(|help| help.en.as_str()),
            Some("did you mean `collects_personal_data`?")
        );
        let both = text.replace("critical: false\n", "critical: true\n");
        let problems = parse(&both, "c.yaml")
            .err()
            .map(|f| f.problems)
            .unwrap_or_default();
        assert_eq!(
            problems[0].message.en,
            "the rule is already `critical: true`"
        );
    }
}
