//! Levels: how a measured value or a named outcome becomes a level from 1 to 5,
//! and how a threshold value is written back.

use std::time::Duration;

use crate::catalogue::kinds::{Direction, Unit};
use crate::lang::{self, Lang};
use crate::quantity::{format_duration, format_ratio};
use crate::text::Text;

/// How a measured value or outcome becomes a level.
#[derive(Debug, Clone, PartialEq)]
pub enum Levels {
    Thresholds(Thresholds),
    Binary,
    /// Outcome name to level, in the kind's order.
    Table(Vec<(String, u8)>),
}

/// The value needed for each level above the scale's lowest (L2..L5 on
/// idsll-core's 1..5), in base units (ratio 0..1, seconds, count).
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    pub direction: Direction,
    pub unit: Unit,
    /// The level of a value that reaches none of `values`.
    pub lowest: u8,
    /// `values[i]` is what level `lowest + 1 + i` needs.
    pub values: Vec<f64>,
}

impl Levels {
    /// The level of a measured value (thresholds); 1 for other shapes.
    pub fn of_value(&self, value: f64) -> u8 {
        let Levels::Thresholds(thresholds) = self else {
            return 1;
        };
        let mut level = thresholds.lowest;
        for (index, limit) in thresholds.values.iter().enumerate() {
            let reached = match thresholds.direction {
                Direction::AtLeast => value >= limit - 1e-12,
                Direction::AtMost => value <= limit + 1e-12,
            };
            if reached {
                level = thresholds.lowest + 1 + index as u8;
            }
        }
        level
    }

    /// The level of a named outcome (table); 5 or 1 for binary pass/fail
    /// (`pass`/`fail`); 1 when unknown.
    pub fn of_outcome(&self, outcome: &str) -> u8 {
        match self {
            Levels::Table(table) => table
                .iter()
                .find(|(name, _)| name == outcome)
                .map_or(1, |(_, level)| *level),
            Levels::Binary => {
                if outcome == "pass" {
                    5
                } else {
                    1
                }
            }
            Levels::Thresholds(_) => 1,
        }
    }

    /// The level of a rule that failed outright (an invalid certificate): the
    /// scale's lowest for thresholds, the table's lowest, 1 for binary.
    pub fn lowest(&self) -> u8 {
        match self {
            Levels::Thresholds(thresholds) => thresholds.lowest,
            Levels::Table(table) => table.iter().map(|(_, level)| *level).min().unwrap_or(1),
            Levels::Binary => 1,
        }
    }

    /// Pass 5, fail 1 (binary); for other shapes the table's `pass`/`fail`.
    pub fn of_pass(&self, pass: bool) -> u8 {
        self.of_outcome(if pass { "pass" } else { "fail" })
    }

    /// What each level needs, in both languages: `L2 >= 95%, L3 >= 99%, ...`
    /// (`T2 >= 95%, ...` in Indonesian, T for tingkat, with a decimal comma);
    /// binary `pass = 5, fail = 1`; a table's outcomes are codes, in backticks in
    /// Indonesian. The one place evidence and `standards show` write levels.
    pub fn text(&self) -> Text {
        match self {
            Levels::Thresholds(thresholds) => {
                let symbol = thresholds.direction.symbol();
                let line = |mark: &str, in_lang: Lang| {
                    thresholds
                        .values
                        .iter()
                        .enumerate()
                        .map(|(index, value)| {
                            format!(
                                "{mark}{} {symbol} {}",
                                usize::from(thresholds.lowest) + 1 + index,
                                value_in(thresholds.unit, *value, in_lang)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                Text {
                    id: line("T", Lang::Id),
                    en: line("L", Lang::En),
                }
            }
            Levels::Binary => Text {
                id: "lulus = 5, gagal = 1".into(),
                en: "pass = 5, fail = 1".into(),
            },
            Levels::Table(table) => {
                let pairs = |marked: bool| {
                    table
                        .iter()
                        .map(|(name, level)| match marked {
                            true => format!("`{name}` = {level}"),
                            false => format!("{name} = {level}"),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                Text {
                    id: format!("tingkat menurut kode hasil: {}", pairs(true)),
                    en: pairs(false),
                }
            }
        }
    }
}

/// A threshold value in a language: `99.5%` (`99,5%`), `500 ms`, `30 days`
/// (`30 hari`), `4`.
fn value_in(unit: Unit, value: f64, in_lang: Lang) -> String {
    match unit {
        Unit::Ratio => lang::ratio(value, in_lang),
        Unit::Duration if value >= 86400.0 && value % 86400.0 == 0.0 => {
            let days = lang::number(&format!("{}", value / 86400.0), in_lang);
            format!("{days} {}", in_lang.pick("hari", "days"))
        }
        Unit::Duration => lang::duration(Duration::from_secs_f64(value.max(0.0)), in_lang),
        Unit::Count => lang::number(&format!("{value}"), in_lang),
    }
}

/// A threshold value as written: `99.5%`, `500 ms`, `30 days`, `4`.
pub fn format_value(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Ratio => format_ratio(value),
        Unit::Duration if value >= 86400.0 && value % 86400.0 == 0.0 => {
            format!("{} days", value / 86400.0)
        }
        Unit::Duration => format_duration(Duration::from_secs_f64(value.max(0.0))),
        Unit::Count => format!("{value}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::built_in;

    #[test]
    fn levels_of_values_and_outcomes() {
        let catalogue =
            built_in().unwrap_or_else(|f| panic!("{}", f.render(crate::lang::Lang::En)));
        let av01 = &catalogue.rule("AV-01").map(|r| r.levels.clone());
        let Some(av01) = av01 else { panic!() };
        assert_eq!(av01.of_value(0.94), 1);
        assert_eq!(av01.of_value(0.95), 2);
        assert_eq!(av01.of_value(0.995), 4);
        assert_eq!(av01.of_value(1.0), 5);
        let pf01 = catalogue
            .rule("PF-01")
            .map(|r| r.levels.clone())
            .unwrap_or(Levels::Binary);
        assert_eq!(pf01.of_value(0.4), 5);
        assert_eq!(pf01.of_value(1.0), 4);
        assert_eq!(pf01.of_value(3.5), 1);
        assert_eq!(
            pf01.text().en,
            "L2 <= 3 s, L3 <= 2 s, L4 <= 1 s, L5 <= 500 ms"
        );
        let sc01 = catalogue
            .rule("SC-01")
            .map(|r| r.levels.clone())
            .unwrap_or(Levels::Binary);
        assert_eq!(sc01.of_outcome("https"), 3);
        assert_eq!(Levels::Binary.of_pass(true), 5);
        assert_eq!(Levels::Binary.of_pass(false), 1);
    }
}
