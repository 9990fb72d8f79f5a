//! A rule's `params:` checked against its check kind: known names, the right
//! types and ranges, and the components a service-standard check needs.

use crate::catalogue::kinds::{CONDITIONS, Kind, PAGE_ROLES, ParamKind};
use crate::catalogue::model::Text;
use crate::catalogue::params::{Component, ParamValue, Params, case_insensitive, normalise};
use crate::diagnostic::Problem;
use crate::diagnostic::{backticked, did_you_mean, verbatim};
use crate::quantity::parse_duration;
use crate::scenario::raw::{Node, Position, Spanned, closest};
use crate::text::text;

use super::{Checker, at};

/// The keys a component takes.
const COMPONENT_KEYS: [&str; 6] = ["id", "name", "keywords", "value", "near", "recent_years"];

impl Checker {
    pub(super) fn params(
        &mut self,
        kind: &'static Kind,
        raw: Option<&Spanned<Node>>,
        path: &str,
        rule_at: Position,
    ) -> Params {
        let mut params = Params::defaults(kind);
        let mut given: Vec<&str> = Vec::new();
        match raw.map(|node| &node.value) {
            None | Some(Node::Null) => {}
            Some(Node::Map(entries)) => {
                for (key, value) in entries {
                    let name = key.value.scalar_text().unwrap_or_default();
                    let key_path = format!("{path}.{name}");
                    let Some(spec) = kind.params.iter().find(|spec| spec.name == name) else {
                        let check = kind.name;
                        let help = closest(&name, kind.params.iter().map(|spec| spec.name))
                            .as_deref()
                            .map(did_you_mean)
                            .unwrap_or_else(|| {
                                if kind.params.is_empty() {
                                    text!(
                                        "pemeriksaan `{check}` tidak memakai params",
                                        "check `{check}` takes no params"
                                    )
                                } else {
                                    let names = kind
                                        .params
                                        .iter()
                                        .map(|s| s.name)
                                        .collect::<Vec<_>>()
                                        .join(", ");
                                    let listed = backticked(kind.params.iter().map(|s| s.name));
                                    text!(
                                        "params pemeriksaan `{check}`: {listed}",
                                        "check `{check}` takes: {names}"
                                    )
                                }
                            });
                        self.error_with_help(
                            at(key),
                            &key_path,
                            text!(
                                "param `{name}` tidak dikenal untuk pemeriksaan `{check}`",
                                "unknown param `{name}` for check `{check}`"
                            ),
                            help,
                        );
                        continue;
                    };
                    given.push(spec.name);
                    if let Some(parsed) = self.param(&spec.kind, value, &key_path) {
                        params.set(spec.name, parsed);
                    }
                }
            }
            Some(other) => {
                let position = raw.map(at).unwrap_or(rule_at);
                self.error(
                    position,
                    path,
                    text!(
                        "`params` berupa map, ditemukan {found}",
                        "params is a map, found {found}",
                        found = other.kind(),
                    ),
                );
            }
        }
        for spec in kind.params {
            if matches!(spec.kind, ParamKind::Components) && !given.contains(&spec.name) {
                self.error(raw.map(at).unwrap_or(rule_at), path, {
                    let (check, param) = (kind.name, spec.name);
                    text!(
                        "pemeriksaan `{check}` memerlukan `params.{param}`",
                        "check `{check}` needs `params.{param}`"
                    )
                });
            }
        }
        params
    }

    fn param(&mut self, kind: &ParamKind, value: &Spanned<Node>, path: &str) -> Option<ParamValue> {
        let position = at(value);
        match (kind, &value.value) {
            (ParamKind::Integer { min, .. }, Node::Int(number)) => {
                if number < min {
                    self.error(
                        position,
                        path,
                        text!(
                            "{number} di bawah nilai minimum {min}",
                            "{number} is below the minimum {min}"
                        ),
                    );
                    return None;
                }
                Some(ParamValue::Integer(*number))
            }
            (ParamKind::Number { min, max, .. }, Node::Int(_) | Node::Float(_)) => {
                let number = match value.value {
                    Node::Int(int) => int as f64,
                    Node::Float(float) => float,
                    _ => 0.0,
                };
                if !(number > *min && number <= *max) {
                    self.error(
                        position,
                        path,
                        text!(
                            "{number} di luar rentang ({min}, {max}]",
                            "{number} is outside ({min}, {max}]"
                        ),
                    );
                    return None;
                }
                Some(ParamValue::Number(number))
            }
            (ParamKind::Duration { .. }, Node::Str(text)) => match parse_duration(text) {
                Ok(duration) => Some(ParamValue::Duration(duration)),
                Err(message) => {
                    self.error(position, path, message);
                    None
                }
            },
            (ParamKind::Strings { .. }, Node::Seq(items)) => {
                Some(ParamValue::Strings(self.strings(items, path)))
            }
            (ParamKind::Regex { .. }, Node::Str(pattern)) => match case_insensitive(pattern) {
                Ok(regex) => Some(ParamValue::Regex(regex)),
                Err(error) => {
                    self.error(position, path, regex_problem(&error));
                    None
                }
            },
            (ParamKind::Components, Node::Seq(items)) => {
                if items.is_empty() {
                    self.error(
                        position,
                        path,
                        Text::new(
                            "cantumkan sedikitnya satu komponen",
                            "list at least one component",
                        ),
                    );
                }
                Some(ParamValue::Components(self.components(items, path)))
            }
            (ParamKind::Pages { .. }, Node::Seq(items)) => {
                if items.is_empty() {
                    self.error(
                        position,
                        path,
                        Text::new(
                            "cantumkan sedikitnya satu peran halaman",
                            "list at least one page role",
                        ),
                    );
                }
                let noun = Text::new("peran halaman", "page role");
                Some(ParamValue::Strings(
                    self.choices(items, path, PAGE_ROLES, &noun),
                ))
            }
            (ParamKind::Choices { allowed, .. }, Node::Seq(items)) => {
                let noun = Text::new("pilihan", "choice");
                let chosen = self.choices(items, path, allowed, &noun);
                for (index, choice) in chosen.iter().enumerate() {
                    if chosen[..index].contains(choice) {
                        self.error(
                            at(&items[index]),
                            &format!("{path}[{index}]"),
                            text!(
                                "`{choice}` tercantum dua kali",
                                "`{choice}` is listed twice"
                            ),
                        );
                    }
                }
                Some(ParamValue::Strings(chosen))
            }
            (ParamKind::Condition, Node::Str(text)) => {
                let condition = text.trim();
                if CONDITIONS.contains(&condition) {
                    return Some(ParamValue::Strings(vec![condition.to_string()]));
                }
                let help = closest(condition, CONDITIONS.iter().copied())
                    .as_deref()
                    .map(did_you_mean)
                    .unwrap_or_else(|| {
                        let (conditions, listed) = (
                            CONDITIONS.join(", "),
                            backticked(CONDITIONS.iter().copied()),
                        );
                        text!(
                            "kondisi yang dikenal: {listed}",
                            "conditions are: {conditions}"
                        )
                    });
                self.error_with_help(
                    position,
                    path,
                    text!(
                        "`{condition}` bukan kondisi yang dikenal",
                        "`{condition}` is not a condition"
                    ),
                    help,
                );
                None
            }
            (kind, found) => {
                self.error(
                    position,
                    path,
                    text!(
                        "seharusnya {wanted}, ditemukan {found}",
                        "expected {wanted}, found {found}",
                        wanted = param_kind_text(kind),
                        found = found.kind(),
                    ),
                );
                None
            }
        }
    }

    fn component(&mut self, item: &Spanned<Node>, path: &str) -> Option<Component> {
        let Node::Map(entries) = &item.value else {
            self.error(
                at(item),
                path,
                Text::new(
                    "komponen berupa map `{ id, name: { id, en }, keywords: [..], value?, near?, recent_years? }`",
                    "a component is a map { id, name: { id, en }, keywords: [..], value?, near?, recent_years? }",
                ),
            );
            return None;
        };
        let mut id = None;
        let mut name = None;
        let mut keywords = Vec::new();
        let mut pattern = None;
        let mut near = Vec::new();
        let mut recent_years = None;
        for (key, value) in entries {
            let key_text = key.value.scalar_text().unwrap_or_default();
            match (key_text.as_str(), &value.value) {
                ("id", Node::Str(text)) => id = Some(text.trim().to_string()),
                ("name", Node::Map(names)) => {
                    let pick = |lang: &str| {
                        names
                            .iter()
                            .find(|(k, _)| k.value.scalar_text().as_deref() == Some(lang))
                            .and_then(|(_, v)| v.value.scalar_text())
                    };
                    match (pick("id"), pick("en")) {
                        (Some(id), Some(en)) => name = Some(Text { id, en }),
                        _ => self.error(
                            at(value),
                            &format!("{path}.name"),
                            Text::new(
                                "`name` memerlukan `id` dan `en`",
                                "name needs `id` and `en`",
                            ),
                        ),
                    }
                }
                ("keywords", Node::Seq(words)) => {
                    keywords.extend(self.keywords(words, &format!("{path}.keywords")));
                }
                ("value", Node::Str(text)) => match case_insensitive(text) {
                    Ok(regex) => pattern = Some(regex),
                    Err(error) => {
                        self.error(at(value), &format!("{path}.value"), regex_problem(&error))
                    }
                },
                ("near", Node::Seq(words)) => {
                    near.extend(self.keywords(words, &format!("{path}.near")));
                    if words.is_empty() {
                        self.error(
                            at(value),
                            &format!("{path}.near"),
                            Text::new(
                                "cantumkan sedikitnya satu kata, atau hapus `near`",
                                "list at least one word, or leave `near` out",
                            ),
                        );
                    }
                }
                ("recent_years", Node::Int(years)) if (0..=100).contains(years) => {
                    recent_years = Some(*years as u32);
                }
                ("recent_years", _) => self.error(
                    at(value),
                    &format!("{path}.recent_years"),
                    Text::new(
                        "`recent_years` berupa jumlah tahun, bilangan bulat dari 0 sampai 100",
                        "recent_years is a whole number of years from 0 to 100",
                    ),
                ),
                (other, _) if COMPONENT_KEYS.contains(&other) => self.error(
                    at(value),
                    &format!("{path}.{other}"),
                    text!("tipe nilai `{other}` salah", "`{other}` has the wrong type"),
                ),
                (other, _) => {
                    let help = closest(other, COMPONENT_KEYS.iter().copied())
                        .as_deref()
                        .map(did_you_mean);
                    let (known, keys) = (COMPONENT_KEYS.join(", "), backticked(COMPONENT_KEYS));
                    self.problems.push(
                        Problem::error(
                            at(key),
                            format!("{path}.{other}"),
                            text!(
                                "kunci `{other}` tidak dikenal; kunci yang dikenal: {keys}",
                                "unknown key `{other}`; expected one of: {known}"
                            ),
                        )
                        .with_help(help),
                    );
                }
            }
        }
        if keywords.is_empty() {
            self.error(
                at(item),
                &format!("{path}.keywords"),
                Text::new(
                    "komponen memerlukan sedikitnya satu kata kunci",
                    "a component needs at least one keyword",
                ),
            );
        }
        if recent_years.is_some() && pattern.is_none() {
            self.error(
                at(item),
                &format!("{path}.recent_years"),
                Text::new(
                    "`recent_years` menilai `value` komponen: beri pola `value` yang cocok dengan tahun, seperti '\\b20\\d{2}\\b'",
                    "recent_years judges the component's `value`: give a `value` pattern that matches a year, like '\\b20\\d{2}\\b'",
                ),
            );
        }
        match (id, name) {
            (Some(id), Some(name)) if !id.is_empty() => Some(Component {
                id,
                name,
                keywords,
                value: pattern,
                near,
                recent_years,
            }),
            _ => {
                self.error(
                    at(item),
                    path,
                    Text::new(
                        "komponen memerlukan `id` dan `name`",
                        "a component needs `id` and `name`",
                    ),
                );
                None
            }
        }
    }

    /// A list of non-empty strings, trimmed.
    fn strings(&mut self, items: &[Spanned<Node>], path: &str) -> Vec<String> {
        let mut strings = Vec::new();
        for (index, item) in items.iter().enumerate() {
            match item.value.scalar_text() {
                Some(text) if !text.trim().is_empty() => strings.push(text.trim().to_string()),
                _ => self.error(
                    at(item),
                    &format!("{path}[{index}]"),
                    Text::new(
                        "seharusnya teks yang tidak kosong",
                        "expected a non-empty string",
                    ),
                ),
            }
        }
        strings
    }

    fn components(&mut self, items: &[Spanned<Node>], path: &str) -> Vec<Component> {
        items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| self.component(item, &format!("{path}[{index}]")))
            .collect()
    }

    /// A component's keywords, normalised as page text is.
    fn keywords(&mut self, words: &[Spanned<Node>], path: &str) -> Vec<String> {
        let mut keywords = Vec::new();
        for (index, word) in words.iter().enumerate() {
            match word.value.scalar_text().map(|w| normalise(&w)) {
                Some(word) if !word.is_empty() => keywords.push(word),
                _ => self.error(
                    at(word),
                    &format!("{path}[{index}]"),
                    Text::new(
                        "seharusnya kata kunci yang tidak kosong",
                        "expected a non-empty keyword",
                    ),
                ),
            }
        }
        keywords
    }
}

/// A regex the library refused, its reason kept as it wrote it.
fn regex_problem(error: &regex::Error) -> Text {
    let quoted = verbatim(&error.to_string());
    text!(
        "tidak dapat dibaca sebagai regex; pesan pustaka regex: `{quoted}`",
        "not a valid regex: {error}"
    )
}

impl Checker {
    /// The items of a list that are among `allowed`; each other one is an
    /// error with the closest allowed name or the whole list.
    fn choices(
        &mut self,
        items: &[Spanned<Node>],
        path: &str,
        allowed: &[&str],
        noun: &Text,
    ) -> Vec<String> {
        let written = self.strings(items, path);
        let mut known = Vec::new();
        for (index, item) in written.iter().enumerate() {
            if allowed.contains(&item.as_str()) {
                known.push(item.clone());
                continue;
            }
            let (noun_id, noun_en) = (&noun.id, &noun.en);
            let help = closest(item, allowed.iter().copied())
                .as_deref()
                .map(did_you_mean)
                .unwrap_or_else(|| {
                    let (names, listed) = (allowed.join(", "), backticked(allowed.iter().copied()));
                    text!(
                        "{noun_id} yang dikenal: {listed}",
                        "{noun_en}s are: {names}"
                    )
                });
            self.error_with_help(
                at(&items[index]),
                &format!("{path}[{index}]"),
                text!(
                    "`{item}` bukan {noun_id} yang dikenal",
                    "`{item}` is not a {noun_en}"
                ),
                help,
            );
        }
        known
    }
}

/// What a param of `kind` holds, for "expected ..., found ...": the English of
/// [`ParamKind::describe`], and the same in Indonesian.
fn param_kind_text(kind: &ParamKind) -> Text {
    let id = match kind {
        ParamKind::Integer { default, min } => {
            format!("bilangan bulat >= {min}, bawaan {default}")
        }
        ParamKind::Number { default, min, max } => {
            format!("angka dalam rentang ({min}, {max}], bawaan {default}")
        }
        ParamKind::Duration { default } => format!("durasi, bawaan `{default}`"),
        ParamKind::Strings { default } => {
            format!("daftar teks, bawaan `[{}]`", default.join(", "))
        }
        ParamKind::Regex { default } => format!("regex, bawaan `{default}`"),
        ParamKind::Components => "daftar `{ id, name: { id, en }, keywords: [..], value: REGEX, \
                                  near: [..], recent_years: N }` (`value`, `near`, dan \
                                  `recent_years` opsional), wajib"
            .to_string(),
        ParamKind::Condition => format!(
            "salah satu dari {}, opsional",
            backticked(CONDITIONS.iter().copied())
        ),
        ParamKind::Choices { default, allowed } => format!(
            "daftar dari {}, bawaan `[{}]`",
            backticked(allowed.iter().copied()),
            default.join(", ")
        ),
        ParamKind::Pages { default } => format!(
            "daftar peran halaman ({}), yang pertama dicantumkan yang dibaca, bawaan `[{}]`",
            backticked(PAGE_ROLES.iter().copied()),
            default.join(", ")
        ),
    };
    Text::new(id, kind.describe())
}

#[cfg(test)]
mod tests {
    use crate::catalogue::parse;
    use crate::catalogue::validate::tests::with_rule;

    fn rule(params: &str, levels: &str) -> String {
        with_rule(&format!(
            "    check: page_components\n    params:\n{params}    levels: {levels}\n"
        ))
    }

    const COUNT: &str = "{ thresholds: { direction: at_least, L2: 1, L3: 1, L4: 2, L5: 3 } }";

    #[test]
    fn page_components_with_values_near_words_and_recent_years() {
        let text = rule(
            "      page: [skm, home]\n      components:\n        - id: nilai\n          name: { id: Nilai IKM, en: Score }\n          keywords: [IKM,  Nilai]\n          value: '\\b\\d{2}(?:[.,]\\d{1,2})?\\b'\n          near: [Indeks  Kepuasan]\n        - id: tahun\n          name: { id: Tahun, en: Year }\n          keywords: [skm]\n          value: '\\b20\\d{2}\\b'\n          recent_years: 1\n      applies_when: collects_personal_data\n",
            COUNT,
        );
        let catalogue = parse(&text, "p.yaml")
            .unwrap_or_else(|f| panic!("{}", f.render(crate::lang::Lang::En)));
        let params = &catalogue.rules[0].params;
        assert_eq!(params.strings("page"), ["skm", "home"]);
        assert_eq!(
            params.condition("applies_when"),
            Some("collects_personal_data")
        );
        assert_eq!(params.integer("near_chars"), 150);
        let components = params.components("components");
        assert_eq!(components[0].keywords, ["ikm", "nilai"]);
        assert_eq!(components[0].near, ["indeks kepuasan"]);
        assert!(
            components[0]
                .value
                .as_ref()
                .is_some_and(|v| v.is_match("IKM 87,5"))
        );
        assert_eq!(components[1].recent_years, Some(1));
        // Equal count thresholds skip a level: one component is level 3.
        assert_eq!(catalogue.rules[0].levels.of_value(1.0), 3);
        assert_eq!(catalogue.rules[0].levels.of_value(2.0), 4);
        // Without applies_when there is no condition.
        let plain = rule(
            "      components:\n        - { id: a, name: { id: A, en: A }, keywords: [a] }\n",
            COUNT,
        );
        let catalogue = parse(&plain, "p.yaml")
            .unwrap_or_else(|f| panic!("{}", f.render(crate::lang::Lang::En)));
        assert_eq!(catalogue.rules[0].params.condition("applies_when"), None);
        assert_eq!(catalogue.rules[0].params.strings("page"), ["home"]);
    }

    #[test]
    fn page_components_params_are_checked_with_positions() {
        let text = rule(
            "      page: [privasi]\n      applies_when: always\n      components:\n        - id: a\n          name: { id: A, en: A }\n          keywords: [a]\n          value: '[0-9'\n          neer: [b]\n          recent_years: 1000\n",
            COUNT,
        );
        let problems = parse(&text, "p.yaml")
            .err()
            .map(|f| f.problems)
            .unwrap_or_default();
        let found: Vec<(u64, &str, &str)> = problems
            .iter()
            .map(|p| (p.line, p.path.as_str(), p.message.en.as_str()))
            .collect();
        assert_eq!(found.len(), 5, "{found:#?}");
        assert_eq!(
            found[0],
            (
                22,
                "rules[0].params.page[0]",
                "`privasi` is not a page role"
            )
        );
        assert_eq!(
            problems[0].help.as_ref().map(|help| help.en.as_str()),
            Some("did you mean `privacy`?")
        );
        assert_eq!(
            found[1],
            (
                23,
                "rules[0].params.applies_when",
                "`always` is not a condition"
            )
        );
        assert!(found[2].2.starts_with("not a valid regex"), "{found:?}");
        assert_eq!(found[2].1, "rules[0].params.components[0].value");
        assert_eq!(
            found[3].2,
            "unknown key `neer`; expected one of: id, name, keywords, value, near, recent_years"
        );
        assert_eq!(
            problems[3].help.as_ref().map(|help| help.en.as_str()),
            Some("did you mean `near`?")
        );
        assert_eq!(
            found[4],
            (
                30,
                "rules[0].params.components[0].recent_years",
                "recent_years is a whole number of years from 0 to 100"
            )
        );

        let no_value = rule(
            "      components:\n        - { id: a, name: { id: A, en: A }, keywords: [a], recent_years: 1 }\n",
            COUNT,
        );
        let problems = parse(&no_value, "p.yaml")
            .err()
            .map(|f| f.problems)
            .unwrap_or_default();
        assert!(
            problems[0]
                .message
                .en
                .starts_with("recent_years judges the component's `value`"),
            "{problems:?}"
        );
    }

    #[test]
    fn complaint_channel_takes_its_table_or_the_old_binary() {
        let table = with_rule(
            "    check: complaint_channel\n    params: { form_near: [pengaduan] }\n    levels: { table: { none: 1, contact: 3, form: 4, sp4n_lapor: 5 } }\n",
        );
        let catalogue = parse(&table, "t.yaml")
            .unwrap_or_else(|f| panic!("{}", f.render(crate::lang::Lang::En)));
        assert_eq!(catalogue.rules[0].levels.of_outcome("contact"), 3);
        assert_eq!(
            catalogue.rules[0].params.strings("form_near"),
            ["pengaduan"]
        );
        let binary = with_rule("    check: complaint_channel\n    levels: binary\n");
        assert!(parse(&binary, "t.yaml").is_ok());
        let wrong = with_rule(
            "    check: complaint_channel\n    levels: { table: { none: 1, form: 4, sp4n_lapor: 5 } }\n",
        );
        let problems = parse(&wrong, "t.yaml")
            .err()
            .map(|f| f.problems)
            .unwrap_or_default();
        assert_eq!(problems[0].message.en, "missing outcome `contact`");
    }

    #[test]
    fn attestation_levels_and_max_age() {
        let text = with_rule(
            "    check: attestation\n    params: { max_age: 180d }\n    levels: { table: { attested: 5, missing: 1 } }\n",
        );
        let catalogue = parse(&text, "a.yaml")
            .unwrap_or_else(|f| panic!("{}", f.render(crate::lang::Lang::En)));
        assert!(catalogue.rules[0].is_attestation());
        assert_eq!(
            catalogue.rules[0].params.duration("max_age").as_secs(),
            180 * 86400
        );
    }
}
