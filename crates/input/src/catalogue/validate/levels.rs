//! A rule's `levels:` checked against its check kind's shape: `binary`, a table
//! of the kind's outcomes, or thresholds in the kind's unit and direction, in order.

use crate::catalogue::kinds::{Direction, Kind, Shape, Unit};
use crate::catalogue::levels::{Levels, Thresholds, format_value};
use crate::quantity::{parse_duration, parse_ratio};
use crate::scenario::raw::{Node, Position, Spanned, closest};

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
            checker.error_with_help(
                position,
                path,
                format!("check `{}` takes levels of another shape", kind.name),
                format!("write `levels: {}`", kind.shape.describe()),
            );
        };
        let entry = match &raw.value {
            Node::Str(text) if text == "binary" => {
                if !matches!(kind.shape, Shape::Binary | Shape::TableOrBinary(_)) {
                    wrong_shape(self, position);
                    return None;
                }
                return Some(Levels::Binary);
            }
            Node::Map(entries) if entries.len() == 1 => &entries[0],
            _ => {
                self.error_with_help(
                    position,
                    path,
                    "levels is `binary`, `{ thresholds: {...} }` or `{ table: {...} }`",
                    format!(
                        "check `{}` takes `levels: {}`",
                        kind.name,
                        kind.shape.describe()
                    ),
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
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("write `levels: {}`", kind.shape.describe()));
                self.error_with_help(
                    at(key),
                    path,
                    format!("unknown levels shape `{other}`"),
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
        let Node::Map(entries) = &body.value else {
            self.error(
                at(body),
                path,
                "thresholds is a map { direction, L2, L3, L4, L5 }",
            );
            return None;
        };
        let mut values: [Option<(f64, Position)>; 4] = [None; 4];
        let mut ok = true;
        let mut direction_seen = false;
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let key_path = format!("{path}.{name}");
            match name.as_str() {
                "direction" => {
                    direction_seen = true;
                    ok &= self.direction_fits(value, direction, &key_path);
                }
                "L2" | "L3" | "L4" | "L5" => {
                    let slot = usize::from(name.as_bytes()[1] - b'2');
                    match self.threshold_value(value, unit, &key_path) {
                        Some(parsed) => values[slot] = Some((parsed, at(value))),
                        None => ok = false,
                    }
                }
                other => {
                    ok = false;
                    let help = closest(other, ["direction", "L2", "L3", "L4", "L5"])
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| "thresholds take direction, L2, L3, L4 and L5".into());
                    self.error_with_help(
                        at(key),
                        &key_path,
                        format!("unknown key `{other}`"),
                        help,
                    );
                }
            }
        }
        if !direction_seen {
            ok = false;
            self.error(
                at(body),
                path,
                format!("missing `direction: {}`", direction.key()),
            );
        }
        let mut parsed = [0.0; 4];
        for (slot, value) in values.iter().enumerate() {
            match value {
                Some((number, _)) => parsed[slot] = *number,
                None => {
                    if ok || !entries.is_empty() {
                        self.error(at(body), path, format!("missing `L{}`", slot + 2));
                    }
                    ok = false;
                }
            }
        }
        ok &= self.levels_in_order(&values, unit, direction, path);
        ok.then_some(Levels::Thresholds(Thresholds {
            direction,
            unit,
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
            format!("direction `{given}` does not fit this check"),
            format!(
                "this check's value is better when {}: write `direction: {}`",
                if direction == Direction::AtLeast {
                    "higher"
                } else {
                    "lower"
                },
                direction.key()
            ),
        );
        false
    }

    /// Each level asks for more than the one below it, in the check's direction.
    fn levels_in_order(
        &mut self,
        values: &[Option<(f64, Position)>; 4],
        unit: Unit,
        direction: Direction,
        path: &str,
    ) -> bool {
        let mut in_order_all = true;
        for slot in 1..4 {
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
                    &format!("{path}.L{}", slot + 2),
                    format!(
                        "levels out of order: L{} ({}) must be {} L{} ({})",
                        slot + 2,
                        format_value(unit, high),
                        if direction == Direction::AtLeast {
                            "above"
                        } else {
                            "below"
                        },
                        slot + 1,
                        format_value(unit, low)
                    ),
                    format!(
                        "with direction {}, each level asks for a {} value than the one before",
                        direction.key(),
                        if direction == Direction::AtLeast {
                            "higher"
                        } else {
                            "lower"
                        }
                    ),
                );
            }
        }
        in_order_all
    }

    fn threshold_value(&mut self, value: &Spanned<Node>, unit: Unit, path: &str) -> Option<f64> {
        let position = at(value);
        let result = match (unit, &value.value) {
            (Unit::Ratio, Node::Str(text)) => parse_ratio(text),
            (Unit::Ratio, Node::Int(_) | Node::Float(_)) => Err(format!(
                "a ratio is a percentage: write {}%",
                value.value.scalar_text().unwrap_or_default()
            )),
            (Unit::Duration, Node::Str(text)) => parse_duration(text).map(|d| d.as_secs_f64()),
            (Unit::Duration, Node::Int(_) | Node::Float(_)) => Err(format!(
                "a duration needs a unit: write e.g. {}s or {}d",
                value.value.scalar_text().unwrap_or_default(),
                value.value.scalar_text().unwrap_or_default()
            )),
            (Unit::Count, Node::Int(count)) if *count >= 0 => Ok(*count as f64),
            (Unit::Count, _) => Err("expected a whole number (0 or more)".to_string()),
            (_, other) => Err(format!(
                "expected {}, found {}",
                unit.describe(),
                other.kind()
            )),
        };
        result
            .map_err(|message| self.error(position, path, message))
            .ok()
    }

    fn table(&mut self, body: &Spanned<Node>, outcomes: &[&str], path: &str) -> Option<Levels> {
        let Node::Map(entries) = &body.value else {
            self.error(at(body), path, "table is a map of outcome: level");
            return None;
        };
        let mut table: Vec<(String, u8)> = Vec::new();
        let mut ok = true;
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            if !outcomes.contains(&name.as_str()) {
                ok = false;
                let help = closest(&name, outcomes.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| {
                        format!("this check's outcomes are: {}", outcomes.join(", "))
                    });
                self.error_with_help(
                    at(key),
                    &format!("{path}.{name}"),
                    format!("unknown outcome `{name}`"),
                    help,
                );
                continue;
            }
            match value.value {
                Node::Int(level) if (1..=5).contains(&level) => table.push((name, level as u8)),
                _ => {
                    ok = false;
                    self.error(
                        at(value),
                        &format!("{path}.{name}"),
                        "a level is a whole number from 1 to 5",
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
                self.error(at(body), path, format!("missing outcome `{outcome}`"));
            }
        }
        table.sort_by_key(|(name, _)| outcomes.iter().position(|o| o == name));
        ok.then_some(Levels::Table(table))
    }
}
