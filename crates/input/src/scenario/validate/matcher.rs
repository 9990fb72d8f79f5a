//! Matchers as written (a scalar, or a map of operators) read into
//! [`Matcher`]; the model and its evaluation live in `scenario::matcher`.

use serde_json::Value;

use super::capture::regex_problem;
use super::{Checker, child};
use crate::diagnostic::{backticked, did_you_mean};
use crate::scenario::interpolate::CaptureUse;
use crate::scenario::matcher::{JsonType, Matcher, OPERATORS, Op, Operand, Order};
use crate::scenario::model::JsonTemplate;
use crate::scenario::raw::{Node, Position, Spanned, closest};
use crate::text::{Text, text};

impl Checker<'_> {
    fn operand(&mut self, node: &Spanned<Node>, path: &str, capture_use: CaptureUse) -> Operand {
        match self.json_template(node, path, capture_use) {
            JsonTemplate::String(template) => Operand::Template(template),
            other => Operand::Value(json_of(&other)),
        }
    }

    /// A scalar means "equals"; a map holds operators, all of which must hold.
    pub(super) fn matcher(
        &mut self,
        node: &Spanned<Node>,
        path: &str,
        capture_use: CaptureUse,
    ) -> Option<Matcher> {
        let Node::Map(entries) = &node.value else {
            let operand = self.operand(node, path, capture_use);
            return Some(Matcher {
                ops: vec![Op::Eq(operand)],
            });
        };
        if entries.is_empty() {
            self.error(
                Position::of(node),
                path,
                Text::new(
                    "matcher kosong tidak menguji apa pun; beri sedikitnya satu operator",
                    "an empty matcher tests nothing; give at least one operator",
                ),
            );
            return None;
        }
        let mut ops = Vec::new();
        let mut valid = true;
        for (key, value) in entries {
            match self.operator(key, value, path, capture_use) {
                Some(op) => ops.push(op),
                None => valid = false,
            }
        }
        valid.then_some(Matcher { ops })
    }

    /// One `operator: value` entry of a matcher map.
    fn operator(
        &mut self,
        key: &Spanned<Node>,
        value: &Spanned<Node>,
        path: &str,
        capture_use: CaptureUse,
    ) -> Option<Op> {
        let name = key.value.scalar_text().unwrap_or_default();
        let op_path = child(path, &name);
        match name.as_str() {
            "eq" => Some(Op::Eq(self.operand(value, &op_path, capture_use))),
            "ne" => Some(Op::Ne(self.operand(value, &op_path, capture_use))),
            "lt" | "le" | "gt" | "ge" => self.comparison(&name, value, &op_path),
            "in" | "not_in" => self.membership(&name, value, &op_path, capture_use),
            "contains" => Some(Op::Contains(self.operand(value, &op_path, capture_use))),
            "not_contains" => Some(Op::NotContains(self.operand(value, &op_path, capture_use))),
            "matches" | "not_matches" => self.pattern(&name, value, &op_path),
            "exists" | "empty" => self.flag(&name, value, &op_path),
            "type" => self.json_type(value, &op_path),
            "len" | "count" => self.matcher(value, &op_path, capture_use).map(|inner| {
                if name == "len" {
                    Op::Len(Box::new(inner))
                } else {
                    Op::Count(Box::new(inner))
                }
            }),
            "any" => self
                .matcher(value, &op_path, capture_use)
                .map(|inner| Op::Any(Box::new(inner))),
            unknown => {
                let operators = OPERATORS.join(", ");
                let listed = backticked(OPERATORS.iter().copied().chain(["any"]));
                let help = closest(unknown, OPERATORS.iter().copied().chain(["any"]))
                    .as_deref()
                    .map(did_you_mean)
                    .unwrap_or_else(|| {
                        text!(
                            "operator matcher yang dikenal: {listed}",
                            "matcher operators are {operators}, any"
                        )
                    });
                self.error_with_help(
                    Position::of(key),
                    &op_path,
                    text!(
                        "operator matcher `{unknown}` tidak dikenal",
                        "unknown matcher operator `{unknown}`"
                    ),
                    Some(help),
                );
                None
            }
        }
    }

    /// `lt`, `le`, `gt`, `ge`: a number.
    fn comparison(&mut self, name: &str, value: &Spanned<Node>, op_path: &str) -> Option<Op> {
        self.check_number_text(value, op_path);
        let order = match name {
            "lt" => Order::Lt,
            "le" => Order::Le,
            "gt" => Order::Gt,
            _ => Order::Ge,
        };
        match &value.value {
            Node::Int(number) => Some(Op::Compare(order, (*number).into())),
            Node::Float(number) => {
                serde_json::Number::from_f64(*number).map(|n| Op::Compare(order, n))
            }
            other => {
                self.error(
                    Position::of(value),
                    op_path,
                    text!(
                        "`{name}` membandingkan angka, ditemukan {found}",
                        "`{name}` compares numbers, found {found}",
                        found = other.kind(),
                    ),
                );
                None
            }
        }
    }

    /// `in`, `not_in`: a list of operands.
    fn membership(
        &mut self,
        name: &str,
        value: &Spanned<Node>,
        op_path: &str,
        capture_use: CaptureUse,
    ) -> Option<Op> {
        match &value.value {
            Node::Seq(items) => {
                let options = items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| {
                        self.operand(item, &format!("{op_path}[{index}]"), capture_use)
                    })
                    .collect();
                Some(if name == "in" {
                    Op::In(options)
                } else {
                    Op::NotIn(options)
                })
            }
            other => {
                self.error(
                    Position::of(value),
                    op_path,
                    text!(
                        "`{name}` memerlukan daftar, ditemukan {found}",
                        "`{name}` takes a list, found {found}",
                        found = other.kind(),
                    ),
                );
                None
            }
        }
    }

    /// `matches`, `not_matches`: a regular expression (no captures in it).
    fn pattern(&mut self, name: &str, value: &Spanned<Node>, op_path: &str) -> Option<Op> {
        let at = Position::of(value);
        let Node::Str(pattern) = &value.value else {
            self.error(
                at,
                op_path,
                text!(
                    "`{name}` memerlukan ekspresi reguler berupa teks, ditemukan {found}",
                    "`{name}` takes a regular expression string, found {found}",
                    found = value.value.kind(),
                ),
            );
            return None;
        };
        let pattern = self
            .template_at(pattern, at, op_path, CaptureUse::Forbidden)
            .as_literal()
            .unwrap_or_default();
        match regex::RegexBuilder::new(&pattern)
            .size_limit(1 << 20)
            .build()
        {
            Ok(regex) => Some(if name == "matches" {
                Op::Matches(regex)
            } else {
                Op::NotMatches(regex)
            }),
            Err(error) => {
                self.error(at, op_path, regex_problem(&pattern, &error));
                None
            }
        }
    }

    /// `exists`, `empty`: true or false.
    fn flag(&mut self, name: &str, value: &Spanned<Node>, op_path: &str) -> Option<Op> {
        match &value.value {
            Node::Bool(flag) => Some(if name == "exists" {
                Op::Exists(*flag)
            } else {
                Op::Empty(*flag)
            }),
            other => {
                self.error(
                    Position::of(value),
                    op_path,
                    text!(
                        "`{name}` memerlukan true atau false, ditemukan {found}",
                        "`{name}` takes true or false, found {found}",
                        found = other.kind(),
                    ),
                );
                None
            }
        }
    }

    /// `type`: one of the JSON type names.
    fn json_type(&mut self, value: &Spanned<Node>, op_path: &str) -> Option<Op> {
        match value
            .value
            .scalar_text()
            .as_deref()
            .and_then(JsonType::parse)
        {
            Some(kind) => Some(Op::Type(kind)),
            None => {
                self.error_with_help(
                    Position::of(value),
                    op_path,
                    Text::new("tipe JSON tidak dikenal", "unknown JSON type"),
                    {
                        let names = JsonType::NAMES.join(", ");
                        let listed = backticked(JsonType::NAMES.iter().copied());
                        Some(text!(
                            "pakai salah satu dari {listed}",
                            "use one of {names}"
                        ))
                    },
                );
                None
            }
        }
    }
}

fn json_of(template: &JsonTemplate) -> Value {
    match template {
        JsonTemplate::Value(value) => value.clone(),
        JsonTemplate::String(template) => Value::String(template.source_text()),
        JsonTemplate::Array(items) => Value::Array(items.iter().map(json_of).collect()),
        JsonTemplate::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), json_of(v)))
                .collect(),
        ),
    }
}
