//! A rule's `levels:` checked against its check kind's shape: `binary`, a table
//! of the kind's outcomes, or thresholds in the kind's unit and direction, in order.

use crate::catalogue::kinds::{Direction, Kind, Shape, Unit};
use crate::catalogue::levels::{Levels, Thresholds, format_value};
use crate::catalogue::model::Scale;
use crate::diagnostic::{backticked, did_you_mean};
use crate::quantity::{parse_duration, parse_ratio};
use crate::scenario::raw::{Node, Position, Spanned, closest};
use crate::text::{Text, text};

use super::{Checker, at};

impl Checker {
    pub(super) fn levels(
        &mut self,
        kind: &'static Kind,
        raw: &Spanned<Node>,
        path: &str,
    ) -> Option<Levels> {
        let position = at(raw);
        let wrong_shape = |checker: &mut Self, position: Position| {
            let name = kind.name;
            checker.error_with_help(
                position,
                path,
                text!(
                    "pemeriksaan `{name}` memerlukan `levels` dengan bentuk lain",
                    "check `{name}` takes levels of another shape"
                ),
                text!(
                    "tulis `levels: {shape}`",
                    "write `levels: {shape}`",
                    shape = shape_text(kind.shape),
                ),
            );
        };
        let entry = match &raw.value {
            Node::Str(text) if text == "binary" => {
                if !matches!(kind.shape, Shape::Binary | Shape::TableOrBinary(_)) {
                    wrong_shape(self, position);
                    return None;
                }
                if self.scale != Scale::ONE_TO_FIVE {
                    // `binary` means pass 5, fail 1: a level another scale lacks.
                    let (lowest, highest) = (self.scale.lowest, self.scale.highest);
                    self.error_with_help(
                        position,
                        path,
                        text!(
                            "`binary` berarti lulus 5, gagal 1, di luar skala {lowest}..{highest} katalog ini",
                            "`binary` means pass 5, fail 1, outside this catalogue's scale {lowest}..{highest}"
                        ),
                        text!(
                            "pilih pemeriksaan yang menerima `table` dan tulis tingkatnya dari {lowest} sampai {highest}",
                            "choose a check that takes a `table` and write its levels from {lowest} to {highest}"
                        ),
                    );
                    return None;
                }
                return Some(Levels::Binary);
            }
            Node::Map(entries) if entries.len() == 1 => &entries[0],
            _ => {
                self.error_with_help(
                    position,
                    path,
                    Text::new(
                        "`levels` berupa `binary`, `{ thresholds: {...} }`, atau `{ table: {...} }`",
                        "levels is `binary`, `{ thresholds: {...} }` or `{ table: {...} }`",
                    ),
                    {
                        let name = kind.name;
                        text!(
                            "pemeriksaan `{name}` memerlukan `levels: {shape}`",
                            "check `{name}` takes `levels: {shape}`",
                            shape = shape_text(kind.shape),
                        )
                    },
                );
                return None;
            }
        };
        let (key, body) = entry;
        let shape_name = key.value.scalar_text().unwrap_or_default();
        match (shape_name.as_str(), kind.shape) {
            ("thresholds", Shape::Thresholds { unit, direction }) => {
                self.thresholds(body, unit, direction, &format!("{path}.thresholds"))
            }
            ("table", Shape::Table(outcomes) | Shape::TableOrBinary(outcomes)) => {
                self.table(body, outcomes, &format!("{path}.table"))
            }
            ("thresholds" | "table", _) => {
                wrong_shape(self, at(key));
                None
            }
            (other, _) => {
                let help = closest(other, ["thresholds", "table"])
                    .as_deref()
                    .map(did_you_mean)
                    .unwrap_or_else(|| {
                        text!(
                            "tulis `levels: {shape}`",
                            "write `levels: {shape}`",
                            shape = shape_text(kind.shape),
                        )
                    });
                self.error_with_help(
                    at(key),
                    path,
                    text!(
                        "bentuk `levels` `{other}` tidak dikenal",
                        "unknown levels shape `{other}`"
                    ),
                    help,
                );
                None
            }
        }
    }

    fn thresholds(
        &mut self,
        body: &Spanned<Node>,
        unit: Unit,
        direction: Direction,
        path: &str,
    ) -> Option<Levels> {
        // One key per level above the scale's lowest: L2..L5 on 1..5, L1..L3 on 0..3.
        let names: Vec<String> = (self.scale.lowest + 1..=self.scale.highest)
            .map(|level| format!("L{level}"))
            .collect();
        let keys = std::iter::once("direction".to_string())
            .chain(names.iter().cloned())
            .collect::<Vec<_>>()
            .join(", ");
        let Node::Map(entries) = &body.value else {
            self.error(
                at(body),
                path,
                text!(
                    "`thresholds` berupa map `{{ {keys} }}`",
                    "thresholds is a map {{ {keys} }}"
                ),
            );
            return None;
        };
        let mut values: Vec<Option<(f64, Position)>> = vec![None; names.len()];
        let mut ok = true;
        let mut direction_seen = false;
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let key_path = format!("{path}.{name}");
            if name == "direction" {
                direction_seen = true;
                ok &= self.direction_fits(value, direction, &key_path);
            } else if let Some(slot) = names.iter().position(|known| *known == name) {
                match self.threshold_value(value, unit, &key_path) {
                    Some(parsed) => values[slot] = Some((parsed, at(value))),
                    None => ok = false,
                }
            } else {
                ok = false;
                let candidates =
                    std::iter::once("direction").chain(names.iter().map(String::as_str));
                let help = closest(&name, candidates)
                    .as_deref()
                    .map(did_you_mean)
                    .unwrap_or_else(|| {
                        text!("`thresholds` memuat {keys}", "thresholds take {keys}")
                    });
                self.error_with_help(
                    at(key),
                    &key_path,
                    text!("kunci `{name}` tidak dikenal", "unknown key `{name}`"),
                    help,
                );
            }
        }
        if !direction_seen {
            ok = false;
            self.error(at(body), path, {
                let key = direction.key();
                text!("`direction: {key}` tidak ada", "missing `direction: {key}`")
            });
        }
        let mut parsed = Vec::with_capacity(names.len());
        for (slot, value) in values.iter().enumerate() {
            match value {
                Some((number, _)) => parsed.push(*number),
                None => {
                    if ok || !entries.is_empty() {
                        let level = &names[slot];
                        self.error(
                            at(body),
                            path,
                            text!("`{level}` tidak ada", "missing `{level}`"),
                        );
                    }
                    ok = false;
                }
            }
        }
        ok &= self.levels_in_order(&values, unit, direction, path);
        ok.then_some(Levels::Thresholds(Thresholds {
            direction,
            unit,
            lowest: self.scale.lowest,
            values: parsed,
        }))
    }

    /// `direction:` must be the check's own: a catalogue cannot turn "higher is
    /// better" around.
    fn direction_fits(
        &mut self,
        value: &Spanned<Node>,
        direction: Direction,
        key_path: &str,
    ) -> bool {
        let given = value.value.scalar_text().unwrap_or_default();
        if given == direction.key() {
            return true;
        }
        self.error_with_help(
            at(value),
            key_path,
            text!(
                "`direction` `{given}` tidak sesuai untuk pemeriksaan ini",
                "direction `{given}` does not fit this check"
            ),
            {
                let key = direction.key();
                if direction == Direction::AtLeast {
                    text!(
                        "nilai pemeriksaan ini lebih baik bila lebih tinggi: tulis `direction: {key}`",
                        "this check's value is better when higher: write `direction: {key}`"
                    )
                } else {
                    text!(
                        "nilai pemeriksaan ini lebih baik bila lebih rendah: tulis `direction: {key}`",
                        "this check's value is better when lower: write `direction: {key}`"
                    )
                }
            },
        );
        false
    }

    /// Each level asks for more than the one below it, in the check's direction.
    fn levels_in_order(
        &mut self,
        values: &[Option<(f64, Position)>],
        unit: Unit,
        direction: Direction,
        path: &str,
    ) -> bool {
        let mut in_order_all = true;
        // `values[slot]` is what level `first + slot` needs.
        let first = usize::from(self.scale.lowest) + 1;
        for slot in 1..values.len() {
            let (Some((low, _)), Some((high, position))) = (values[slot - 1], values[slot]) else {
                continue;
            };
            // A count may repeat the level below it, skipping a level: with
            // L2: 1, L3: 1, one component found is level 3.
            let in_order = match direction {
                Direction::AtLeast => high > low || (unit == Unit::Count && high == low),
                Direction::AtMost => high < low,
            };
            if !in_order {
                in_order_all = false;
                self.error_with_help(
                    position,
                    &format!("{path}.L{}", first + slot),
                    {
                        let (level, below) = (first + slot, first + slot - 1);
                        let (high, low) = (format_value(unit, high), format_value(unit, low));
                        if direction == Direction::AtLeast {
                            text!(
                                "urutan tingkat salah: L{level} ({high}) harus di atas L{below} ({low})",
                                "levels out of order: L{level} ({high}) must be above L{below} ({low})"
                            )
                        } else {
                            text!(
                                "urutan tingkat salah: L{level} ({high}) harus di bawah L{below} ({low})",
                                "levels out of order: L{level} ({high}) must be below L{below} ({low})"
                            )
                        }
                    },
                    {
                        let key = direction.key();
                        if direction == Direction::AtLeast {
                            text!(
                                "dengan `direction: {key}`, setiap tingkat meminta nilai yang lebih tinggi daripada tingkat sebelumnya",
                                "with direction {key}, each level asks for a higher value than the one before"
                            )
                        } else {
                            text!(
                                "dengan `direction: {key}`, setiap tingkat meminta nilai yang lebih rendah daripada tingkat sebelumnya",
                                "with direction {key}, each level asks for a lower value than the one before"
                            )
                        }
                    },
                );
            }
        }
        in_order_all
    }

    fn threshold_value(&mut self, value: &Spanned<Node>, unit: Unit, path: &str) -> Option<f64> {
        let position = at(value);
        let result = match (unit, &value.value) {
            (Unit::Ratio, Node::Str(text)) => parse_ratio(text),
            (Unit::Ratio, Node::Int(_) | Node::Float(_)) => {
                let number = value.value.scalar_text().unwrap_or_default();
                Err(text!(
                    "rasio ditulis sebagai persentase: tulis {number}%",
                    "a ratio is a percentage: write {number}%"
                ))
            }
            (Unit::Duration, Node::Str(text)) => parse_duration(text).map(|d| d.as_secs_f64()),
            (Unit::Duration, Node::Int(_) | Node::Float(_)) => {
                let number = value.value.scalar_text().unwrap_or_default();
                Err(text!(
                    "durasi memerlukan satuan: tulis misalnya {number}s atau {number}d",
                    "a duration needs a unit: write e.g. {number}s or {number}d"
                ))
            }
            (Unit::Count, Node::Int(count)) if *count >= 0 => Ok(*count as f64),
            (Unit::Count, _) => Err(Text::new(
                "seharusnya bilangan bulat (0 atau lebih)",
                "expected a whole number (0 or more)",
            )),
            (_, other) => Err(text!(
                "seharusnya {wanted}, ditemukan {found}",
                "expected {wanted}, found {found}",
                wanted = unit_text(unit),
                found = other.kind(),
            )),
        };
        result
            .map_err(|message| self.error(position, path, message))
            .ok()
    }

    fn table(&mut self, body: &Spanned<Node>, outcomes: &[&str], path: &str) -> Option<Levels> {
        let Node::Map(entries) = &body.value else {
            self.error(
                at(body),
                path,
                Text::new(
                    "`table` berupa map `hasil: tingkat`",
                    "table is a map of outcome: level",
                ),
            );
            return None;
        };
        let mut table: Vec<(String, u8)> = Vec::new();
        let mut ok = true;
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            if !outcomes.contains(&name.as_str()) {
                ok = false;
                let help = closest(&name, outcomes.iter().copied())
                    .as_deref()
                    .map(did_you_mean)
                    .unwrap_or_else(|| {
                        let listed = backticked(outcomes.iter().copied());
                        let outcomes = outcomes.join(", ");
                        text!(
                            "hasil pemeriksaan ini: {listed}",
                            "this check's outcomes are: {outcomes}"
                        )
                    });
                self.error_with_help(
                    at(key),
                    &format!("{path}.{name}"),
                    text!("hasil `{name}` tidak dikenal", "unknown outcome `{name}`"),
                    help,
                );
                continue;
            }
            match value.value {
                Node::Int(level) if self.scale.contains(level) => table.push((name, level as u8)),
                _ => {
                    ok = false;
                    let (lowest, highest) = (self.scale.lowest, self.scale.highest);
                    self.error(
                        at(value),
                        &format!("{path}.{name}"),
                        text!(
                            "tingkat berupa bilangan bulat dari {lowest} sampai {highest}",
                            "a level is a whole number from {lowest} to {highest}"
                        ),
                    );
                }
            }
        }
        for outcome in outcomes {
            if !entries
                .iter()
                .any(|(key, _)| key.value.scalar_text().as_deref() == Some(*outcome))
            {
                ok = false;
                self.error(
                    at(body),
                    path,
                    text!("hasil `{outcome}` tidak ada", "missing outcome `{outcome}`"),
                );
            }
        }
        table.sort_by_key(|(name, _)| outcomes.iter().position(|o| o == name));
        ok.then_some(Levels::Table(table))
    }
}

/// The levels a kind's shape takes, as written in a catalogue.
fn shape_text(shape: Shape) -> Text {
    match shape {
        Shape::Thresholds { unit, direction } => {
            let key = direction.key();
            text!(
                "{{ thresholds: {{ direction: {key}, L2: .., L3: .., L4: .., L5: .. }} }} dalam {unit}",
                "{{ thresholds: {{ direction: {key}, L2: .., L3: .., L4: .., L5: .. }} }} in {unit}",
                unit = unit_text(unit),
            )
        }
        Shape::Binary => Text::new("binary", "binary"),
        Shape::Table(outcomes) => {
            let table = table_text(outcomes);
            Text::new(table.clone(), table)
        }
        Shape::TableOrBinary(outcomes) => {
            let table = table_text(outcomes);
            text!("{table} atau binary", "{table} or binary")
        }
    }
}

fn table_text(outcomes: &[&str]) -> String {
    let entries = outcomes
        .iter()
        .map(|outcome| format!("{outcome}: LEVEL"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("{{ table: {{ {entries} }} }}")
}

/// A threshold unit, as its values are written.
fn unit_text(unit: Unit) -> Text {
    match unit {
        Unit::Ratio => Text::new("persentase (95%)", "percentages (95%)"),
        Unit::Duration => Text::new(
            "durasi dengan satuan (500ms, 2s, 30d)",
            "durations with a unit (500ms, 2s, 30d)",
        ),
        Unit::Count => Text::new("bilangan bulat", "whole numbers"),
    }
}
