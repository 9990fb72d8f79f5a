//! Typed matchers: what `expect:` says a value must look like, and how to test it.
//!
//! A matcher applies to a list of nodes (what a JSONPath selected, or the one body
//! text). `count` and `exists` look at the list; every other operator must hold for
//! each node, or for one node under `any:`.
//!
//! A header's field lines are read differently ([`Matcher::check_header_lines`]):
//! a header sent several times (`Set-Cookie` on a login) is one header with several
//! values, so a positive operator holds when any value matches, and a negative one
//! (`ne`, `not_in`, `not_contains`, `not_matches`) when none does.

use std::collections::HashMap;
use std::fmt;

use regex::Regex;
use serde_json::Value;

use crate::lang::Lang;
use crate::scenario::interpolate::Template;
use crate::text::{Text, text};

/// A matcher operand: a plain value, or a string that uses a capture.
#[derive(Debug, Clone)]
pub(crate) enum Operand {
    Value(Value),
    Template(Template),
}

impl Operand {
    fn resolve(&self, captured: &HashMap<String, String>) -> Result<Value, Text> {
        match self {
            Operand::Value(value) => Ok(value.clone()),
            Operand::Template(template) => {
                template
                    .render(captured)
                    .map(Value::String)
                    .map_err(|name| {
                        text!(
                            "capture `{name}` tidak memiliki nilai",
                            "capture `{name}` has no value"
                        )
                    })
            }
        }
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Value(value) => write!(f, "{value}"),
            Operand::Template(template) => write!(f, "\"{}\"", template.source_text()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonType {
    String,
    Number,
    Boolean,
    Null,
    Array,
    Object,
}

impl JsonType {
    pub(crate) const NAMES: [&'static str; 6] =
        ["string", "number", "boolean", "null", "array", "object"];

    pub(crate) fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "string" => Self::String,
            "number" => Self::Number,
            "boolean" => Self::Boolean,
            "null" => Self::Null,
            "array" => Self::Array,
            "object" => Self::Object,
            _ => return None,
        })
    }

    fn of(value: &Value) -> Self {
        match value {
            Value::String(_) => Self::String,
            Value::Number(_) => Self::Number,
            Value::Bool(_) => Self::Boolean,
            Value::Null => Self::Null,
            Value::Array(_) => Self::Array,
            Value::Object(_) => Self::Object,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::Null => "null",
            Self::Array => "array",
            Self::Object => "object",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Order {
    fn symbol(self) -> &'static str {
        match self {
            Order::Lt => "<",
            Order::Le => "<=",
            Order::Gt => ">",
            Order::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Op {
    Eq(Operand),
    Ne(Operand),
    Compare(Order, serde_json::Number),
    In(Vec<Operand>),
    NotIn(Vec<Operand>),
    Contains(Operand),
    NotContains(Operand),
    Matches(Regex),
    NotMatches(Regex),
    Exists(bool),
    Type(JsonType),
    Len(Box<Matcher>),
    Count(Box<Matcher>),
    Empty(bool),
    Any(Box<Matcher>),
}

/// Operators that all must hold (a YAML map of operators is an AND).
#[derive(Debug, Clone)]
pub struct Matcher {
    pub(crate) ops: Vec<Op>,
}

/// The operator names a matcher map may hold, for "did you mean".
pub(crate) const OPERATORS: [&str; 17] = [
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "in",
    "not_in",
    "contains",
    "not_contains",
    "matches",
    "not_matches",
    "exists",
    "type",
    "len",
    "count",
    "empty",
];

impl Matcher {
    #[cfg(test)]
    pub(crate) fn equals(value: Value) -> Self {
        Self {
            ops: vec![Op::Eq(Operand::Value(value))],
        }
    }

    /// Tests the selected nodes; `Err` says why they do not match, in both
    /// languages.
    pub fn check(&self, nodes: &[Value], captured: &HashMap<String, String>) -> Result<(), Text> {
        for op in &self.ops {
            match op {
                Op::Count(matcher) => matcher
                    .check(&[Value::from(nodes.len())], captured)
                    .map_err(|why| text!("`count`: {why}", "count: {why}", why = why))?,
                Op::Exists(expected) => {
                    if nodes.is_empty() == *expected {
                        return Err(if *expected {
                            selected_nothing()
                        } else {
                            text!(
                                "ditemukan {nodes}",
                                "exists: {nodes}",
                                nodes = show_nodes(nodes)
                            )
                        });
                    }
                }
                Op::Any(matcher) => {
                    if nodes.is_empty() {
                        return Err(selected_nothing());
                    }
                    let mut first_failure = None;
                    let any = nodes.iter().any(|node| {
                        match matcher.check(std::slice::from_ref(node), captured) {
                            Ok(()) => true,
                            Err(why) => {
                                first_failure.get_or_insert(why);
                                false
                            }
                        }
                    });
                    if !any {
                        let count = nodes.len();
                        return Err(text!(
                            "tidak ada node dari {count} node yang cocok: {why}",
                            "no node of {count} matches: {why}",
                            why = first_failure.unwrap_or_else(|| Text::new("", ""))
                        ));
                    }
                }
                _ => {
                    if nodes.is_empty() {
                        return Err(selected_nothing());
                    }
                    for node in nodes {
                        check_node(op, node, captured)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// What the matcher asks for, in `lang`: English as the operators read
    /// (`contains "x" and length >= 1`); Indonesian with the operators as the
    /// scenario writes them, in backticks (`` `contains` "x" dan `len` >= 1 ``).
    pub fn describe(&self, lang: Lang) -> String {
        let and = lang.pick(" dan ", " and ");
        let parts: Vec<String> = self
            .ops
            .iter()
            .map(|op| match lang {
                Lang::En => describe_en(op),
                Lang::Id => describe_id(op),
            })
            .collect();
        parts.join(and)
    }
}

/// "JSONPath selected nothing": the failure of every operator but `count` and
/// `exists: false` on no node.
fn selected_nothing() -> Text {
    Text::new("tidak ada node yang terpilih", "selected 0 nodes")
}

fn describe_en(op: &Op) -> String {
    match op {
        Op::Eq(operand) => format!("{operand}"),
        Op::Ne(operand) => format!("not {operand}"),
        Op::Compare(order, limit) => format!("{} {limit}", order.symbol()),
        Op::In(options) => format!("one of {}", list(options)),
        Op::NotIn(options) => format!("none of {}", list(options)),
        Op::Contains(operand) => format!("contains {operand}"),
        Op::NotContains(operand) => format!("does not contain {operand}"),
        Op::Matches(regex) => format!("matches /{}/", regex.as_str()),
        Op::NotMatches(regex) => format!("does not match /{}/", regex.as_str()),
        Op::Exists(true) => "exists".to_string(),
        Op::Exists(false) => "does not exist".to_string(),
        Op::Type(kind) => format!("of type {}", kind.name()),
        Op::Len(matcher) => format!("length {}", matcher.describe(Lang::En)),
        Op::Count(matcher) => format!("count {}", matcher.describe(Lang::En)),
        Op::Empty(true) => "empty".to_string(),
        Op::Empty(false) => "not empty".to_string(),
        Op::Any(matcher) => format!("any node {}", matcher.describe(Lang::En)),
    }
}

/// The operators keep their YAML names (the words the officer wrote), values as
/// written; only the joins are Indonesian.
fn describe_id(op: &Op) -> String {
    match op {
        Op::Eq(operand) => format!("{operand}"),
        Op::Ne(operand) => format!("`ne` {operand}"),
        Op::Compare(order, limit) => format!("{} {limit}", order.symbol()),
        Op::In(options) => format!("`in` {}", list(options)),
        Op::NotIn(options) => format!("`not_in` {}", list(options)),
        Op::Contains(operand) => format!("`contains` {operand}"),
        Op::NotContains(operand) => format!("`not_contains` {operand}"),
        Op::Matches(regex) => format!("`matches` /{}/", regex.as_str()),
        Op::NotMatches(regex) => format!("`not_matches` /{}/", regex.as_str()),
        Op::Exists(present) => format!("`exists: {present}`"),
        Op::Type(kind) => format!("`type: {}`", kind.name()),
        Op::Len(matcher) => format!("`len` {}", matcher.describe(Lang::Id)),
        Op::Count(matcher) => format!("`count` {}", matcher.describe(Lang::Id)),
        Op::Empty(empty) => format!("`empty: {empty}`"),
        Op::Any(matcher) => format!("`any` ({})", matcher.describe(Lang::Id)),
    }
}

impl Op {
    /// `ne`, `not_in`, `not_contains`, `not_matches`: operators that say what a
    /// value must not be.
    fn is_negative(&self) -> bool {
        matches!(
            self,
            Op::Ne(_) | Op::NotIn(_) | Op::NotContains(_) | Op::NotMatches(_)
        )
    }
}

impl Matcher {
    /// Tests the field lines of one header (in the order received). `count` and
    /// `exists` look at how many lines there are; the positive operators of the
    /// map must all hold for one line (any line); each negative operator must hold
    /// for every line, so it also holds when the header was not sent; `any:` needs
    /// one line that matches its matcher. `Err` says why, in both languages,
    /// naming lines by number and never quoting a value: the caller lists them,
    /// redacted.
    pub fn check_header_lines(
        &self,
        lines: &[Value],
        captured: &HashMap<String, String>,
    ) -> Result<(), Text> {
        let sent = lines.len();
        let mut positive = Vec::new();
        for op in &self.ops {
            match op {
                Op::Count(matcher) => matcher
                    .check(&[Value::from(sent)], captured)
                    .map_err(|why| text!("`count`: {why}", "count: {why}", why = why))?,
                Op::Exists(expected) => {
                    if (sent == 0) == *expected {
                        return Err(if *expected {
                            not_sent()
                        } else {
                            text!(
                                "header dikirim ({lines})",
                                "the header was sent ({lines})",
                                lines = lines_sent(sent)
                            )
                        });
                    }
                }
                Op::Any(matcher) => {
                    if sent == 0 {
                        return Err(not_sent());
                    }
                    let any = lines.iter().any(|line| {
                        matcher
                            .check_header_lines(std::slice::from_ref(line), captured)
                            .is_ok()
                    });
                    if !any {
                        return Err(text!(
                            "tidak ada baris dari {lines} yang cocok dengan {matcher}",
                            "no line of {lines} matches {matcher}",
                            lines = lines_sent(sent),
                            matcher = matcher.described()
                        ));
                    }
                }
                op if op.is_negative() => {
                    for (number, line) in lines.iter().enumerate() {
                        if let Err(why) = check_node(op, line, captured) {
                            return Err(unresolved(&why).unwrap_or_else(|| {
                                let number = number + 1;
                                text!(
                                    "baris {number} dari {lines} memenuhi {matcher}",
                                    "line {number} of {lines} is {matcher}",
                                    lines = lines_sent(sent),
                                    matcher = Matcher {
                                        ops: vec![negated(op)]
                                    }
                                    .described()
                                )
                            }));
                        }
                    }
                }
                op => positive.push(op.clone()),
            }
        }
        if positive.is_empty() {
            return Ok(());
        }
        if sent == 0 {
            return Err(not_sent());
        }
        let wanted = Matcher { ops: positive };
        let mut first_failure = None;
        let any = lines.iter().any(|line| {
            wanted
                .ops
                .iter()
                .all(|op| match check_node(op, line, captured) {
                    Ok(()) => true,
                    Err(why) => {
                        first_failure.get_or_insert(why);
                        false
                    }
                })
        });
        if any {
            return Ok(());
        }
        Err(first_failure
            .as_ref()
            .and_then(unresolved)
            .unwrap_or_else(|| {
                text!(
                    "tidak ada baris dari {lines} yang memenuhi {wanted}",
                    "no line of {lines} is {wanted}",
                    lines = lines_sent(sent),
                    wanted = wanted.described()
                )
            }))
    }

    /// [`describe`](Self::describe) in both languages.
    pub fn described(&self) -> Text {
        Text::new(self.describe(Lang::Id), self.describe(Lang::En))
    }
}

fn not_sent() -> Text {
    Text::new("header tidak dikirim", "the header was not sent")
}

/// "1 line", "4 lines" ("4 baris").
fn lines_sent(count: usize) -> Text {
    let english = if count == 1 {
        "1 line".to_string()
    } else {
        format!("{count} lines")
    };
    Text::new(format!("{count} baris"), english)
}

/// The positive twin of a negative operator, to say what a line was.
fn negated(op: &Op) -> Op {
    match op {
        Op::Ne(operand) => Op::Eq(operand.clone()),
        Op::NotIn(options) => Op::In(options.clone()),
        Op::NotContains(operand) => Op::Contains(operand.clone()),
        Op::NotMatches(regex) => Op::Matches(regex.clone()),
        other => other.clone(),
    }
}

/// A failure that is about a capture without a value, not about the line.
fn unresolved(why: &Text) -> Option<Text> {
    why.en.starts_with("capture `").then(|| why.clone())
}

fn check_node(op: &Op, node: &Value, captured: &HashMap<String, String>) -> Result<(), Text> {
    // The value as the service sent it: the same in both languages.
    let shown = || Text::new(show(node), show(node));
    let fail = || Err(shown());
    match op {
        Op::Eq(operand) => {
            if !values_equal(node, &operand.resolve(captured)?) {
                return fail();
            }
        }
        Op::Ne(operand) => {
            if values_equal(node, &operand.resolve(captured)?) {
                return fail();
            }
        }
        Op::Compare(order, limit) => {
            let Value::Number(number) = node else {
                return Err(text!(
                    "{value} bukan angka",
                    "{value} is not a number",
                    value = shown()
                ));
            };
            let ordering = compare_numbers(number, limit);
            let holds = match order {
                Order::Lt => ordering.is_lt(),
                Order::Le => ordering.is_le(),
                Order::Gt => ordering.is_gt(),
                Order::Ge => ordering.is_ge(),
            };
            if !holds {
                return fail();
            }
        }
        Op::In(options) | Op::NotIn(options) => {
            let mut found = false;
            for option in options {
                found |= values_equal(node, &option.resolve(captured)?);
            }
            if found != matches!(op, Op::In(_)) {
                return fail();
            }
        }
        Op::Contains(operand) | Op::NotContains(operand) => {
            let needle = operand.resolve(captured)?;
            let contains = match (node, &needle) {
                (Value::String(haystack), Value::String(needle)) => haystack.contains(needle),
                (Value::Array(items), _) => items.iter().any(|item| values_equal(item, &needle)),
                (Value::Object(map), Value::String(key)) => map.contains_key(key),
                _ => {
                    let kind = JsonType::of(node).name();
                    return Err(Text::new(
                        format!("`{kind}` tidak dapat memuat {needle}"),
                        format!("{kind} cannot contain {needle}"),
                    ));
                }
            };
            if contains != matches!(op, Op::Contains(_)) {
                return fail();
            }
        }
        Op::Matches(regex) | Op::NotMatches(regex) => {
            let Value::String(text) = node else {
                return Err(text!(
                    "{value} bukan `string`",
                    "{value} is not a string",
                    value = shown()
                ));
            };
            if regex.is_match(text) != matches!(op, Op::Matches(_)) {
                return fail();
            }
        }
        Op::Type(expected) => {
            if JsonType::of(node) != *expected {
                let kind = JsonType::of(node).name();
                return Err(text!(
                    "{value} (`{kind}`)",
                    "{value} ({kind})",
                    value = shown()
                ));
            }
        }
        Op::Len(matcher) => {
            let length = match node {
                Value::String(text) => text.chars().count(),
                Value::Array(items) => items.len(),
                Value::Object(map) => map.len(),
                _ => {
                    return Err(text!(
                        "{value} tidak memiliki panjang",
                        "{value} has no length",
                        value = shown()
                    ));
                }
            };
            matcher
                .check(&[Value::from(length)], captured)
                .map_err(|why| text!("panjang {why}", "length {why}", why = why))?;
        }
        Op::Empty(expected) => {
            let empty = matches!(node, Value::String(s) if s.is_empty())
                || matches!(node, Value::Array(a) if a.is_empty())
                || matches!(node, Value::Object(o) if o.is_empty());
            if empty != *expected {
                return fail();
            }
        }
        Op::Exists(_) | Op::Count(_) | Op::Any(_) => {}
    }
    Ok(())
}

/// Type-strict equality, except that numbers compare by value (1 == 1.0).
pub(crate) fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => compare_numbers(x, y).is_eq(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| values_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, a)| y.get(key).is_some_and(|b| values_equal(a, b)))
        }
        _ => a == b,
    }
}

/// Integers compare exactly; anything with a fraction compares as f64.
fn compare_numbers(a: &serde_json::Number, b: &serde_json::Number) -> std::cmp::Ordering {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x.cmp(&y);
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x.cmp(&y);
    }
    let (x, y) = (
        a.as_f64().unwrap_or(f64::NAN),
        b.as_f64().unwrap_or(f64::NAN),
    );
    x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Less)
}

const SHOWN_CHARS: usize = 200;

/// A value as evidence: compact JSON, shortened.
pub(crate) fn show(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= SHOWN_CHARS {
        return text;
    }
    let mut short: String = text.chars().take(SHOWN_CHARS).collect();
    short.push('…');
    short
}

/// The selected nodes as evidence; "nothing" ("tidak ada") when there are none.
pub fn show_nodes(nodes: &[Value]) -> Text {
    match nodes {
        [] => Text::new("tidak ada", "nothing"),
        [one] => Text::new(show(one), show(one)),
        many => {
            let shown = show(&Value::Array(many.to_vec()));
            Text::new(shown.clone(), shown)
        }
    }
}

/// The English description, as report.json's `expected` keeps it.
impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

fn list(options: &[Operand]) -> String {
    let items: Vec<String> = options.iter().map(ToString::to_string).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn value(v: Value) -> Operand {
        Operand::Value(v)
    }
    fn m(ops: Vec<Op>) -> Matcher {
        Matcher { ops }
    }
    fn none() -> HashMap<String, String> {
        HashMap::new()
    }
    fn said(id: &str, en: &str) -> Text {
        Text::new(id, en)
    }

    #[test]
    fn equality_is_type_strict_but_numbers_compare_by_value() {
        let eq_200 = Matcher::equals(json!(200));
        assert!(eq_200.check(&[json!(200.0)], &none()).is_ok());
        assert_eq!(
            eq_200.check(&[json!("200")], &none()),
            Err(said("\"200\"", "\"200\""))
        );
        assert!(
            Matcher::equals(json!(null))
                .check(&[json!(null)], &none())
                .is_ok()
        );
    }

    #[test]
    fn ordering_needs_numbers_and_integers_are_exact() {
        let big = serde_json::Number::from(9_007_199_254_740_993_i64);
        let le = m(vec![Op::Compare(Order::Le, big.clone())]);
        assert!(
            le.check(&[json!(9_007_199_254_740_993_i64)], &none())
                .is_ok()
        );
        assert!(
            le.check(&[json!(9_007_199_254_740_994_i64)], &none())
                .is_err()
        );
        assert!(
            le.check(&[json!("1")], &none())
                .unwrap_err()
                .en
                .contains("not a number")
        );
    }

    #[test]
    fn every_node_must_match_unless_any() {
        let ge_2 = m(vec![Op::Compare(Order::Ge, 2.into())]);
        let nodes = [json!(1), json!(3)];
        assert!(ge_2.check(&nodes, &none()).is_err());
        let any = m(vec![Op::Any(Box::new(ge_2))]);
        assert!(any.check(&nodes, &none()).is_ok());
    }

    #[test]
    fn zero_nodes_fail_all_but_exists_false_and_count() {
        let contains = m(vec![Op::Contains(value(json!("x")))]);
        assert_eq!(
            contains.check(&[], &none()),
            Err(said("tidak ada node yang terpilih", "selected 0 nodes"))
        );
        assert!(m(vec![Op::Exists(false)]).check(&[], &none()).is_ok());
        assert!(m(vec![Op::Exists(true)]).check(&[], &none()).is_err());
        let count_0 = m(vec![Op::Count(Box::new(Matcher::equals(json!(0))))]);
        assert!(count_0.check(&[], &none()).is_ok());
        assert!(
            m(vec![Op::Exists(true)])
                .check(&[json!(null)], &none())
                .is_ok()
        );
    }

    #[test]
    fn contains_len_empty_type_in() {
        let captured = HashMap::from([("t".to_string(), "T-1".to_string())]);
        let contains_t = m(vec![Op::Contains(Operand::Template(
            crate::scenario::interpolate::Template::literal("T-1"),
        ))]);
        assert!(contains_t.check(&[json!("ticket T-1")], &captured).is_ok());
        assert!(
            m(vec![Op::Contains(value(json!(2)))])
                .check(&[json!([1, 2])], &none())
                .is_ok()
        );
        assert!(
            m(vec![Op::Contains(value(json!("k")))])
                .check(&[json!({"k": 1})], &none())
                .is_ok()
        );
        let len_ge_1 = m(vec![Op::Len(Box::new(m(vec![Op::Compare(
            Order::Ge,
            1.into(),
        )])))]);
        assert!(len_ge_1.check(&[json!([])], &none()).is_err());
        assert!(len_ge_1.check(&[json!("é")], &none()).is_ok());
        assert!(
            m(vec![Op::Empty(true)])
                .check(&[json!({})], &none())
                .is_ok()
        );
        assert!(
            m(vec![Op::Type(JsonType::Array)])
                .check(&[json!({})], &none())
                .is_err()
        );
        let one_of = m(vec![Op::In(vec![value(json!("UP")), value(json!("OK"))])]);
        assert!(one_of.check(&[json!("OK")], &none()).is_ok());
        assert!(one_of.check(&[json!("DOWN")], &none()).is_err());
        let regex = Regex::new("^\\d+$").unwrap_or_else(|e| panic!("{e}"));
        assert!(
            m(vec![Op::NotMatches(regex)])
                .check(&[json!("12a")], &none())
                .is_ok()
        );
    }

    fn cookies() -> Vec<Value> {
        [
            "wordpress_sec_ab=***; path=/wp-content/plugins; secure; HttpOnly",
            "wordpress_sec_ab=***; path=/wp-admin; secure; HttpOnly",
            "wordpress_logged_in_ab=***; path=/; secure; HttpOnly",
            "wp-settings-1=***; path=/; secure",
        ]
        .into_iter()
        .map(|line| json!(line))
        .collect()
    }

    fn regex(pattern: &str) -> Regex {
        Regex::new(pattern).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_repeated_header_passes_a_positive_operator_when_any_line_matches() {
        let lines = cookies();
        for positive in [
            Op::Contains(value(json!("wordpress_logged_in_"))),
            Op::Matches(regex("^wordpress_logged_in_[a-z]+=")),
            Op::Eq(value(json!("wp-settings-1=***; path=/; secure"))),
            Op::In(vec![
                value(json!("x")),
                value(json!("wp-settings-1=***; path=/; secure")),
            ]),
        ] {
            let matcher = m(vec![positive]);
            assert_eq!(
                matcher.check_header_lines(&lines, &none()),
                Ok(()),
                "{matcher}"
            );
            // Read as JSONPath nodes, every line would have to match.
            assert!(matcher.check(&lines, &none()).is_err(), "{matcher}");
        }
        let missing = m(vec![Op::Contains(value(json!("PHPSESSID")))]);
        assert_eq!(
            missing.check_header_lines(&lines, &none()),
            Err(said(
                "tidak ada baris dari 4 baris yang memenuhi `contains` \"PHPSESSID\"",
                "no line of 4 lines is contains \"PHPSESSID\""
            ))
        );
        assert_eq!(
            missing.check_header_lines(&[], &none()),
            Err(said("header tidak dikirim", "the header was not sent"))
        );
    }

    #[test]
    fn the_positive_operators_of_one_map_hold_for_one_line() {
        let lines = cookies();
        let same_line = m(vec![
            Op::Contains(value(json!("wordpress_logged_in_"))),
            Op::Contains(value(json!("path=/;"))),
        ]);
        assert!(same_line.check_header_lines(&lines, &none()).is_ok());
        let split = m(vec![
            Op::Contains(value(json!("wp-settings-1"))),
            Op::Matches(regex("HttpOnly")),
        ]);
        assert!(split.check_header_lines(&lines, &none()).is_err());
    }

    #[test]
    fn a_repeated_header_passes_a_negative_operator_when_no_line_matches() {
        let lines = cookies();
        assert!(
            m(vec![Op::NotContains(value(json!("PHPSESSID")))])
                .check_header_lines(&lines, &none())
                .is_ok()
        );
        assert_eq!(
            m(vec![Op::NotContains(value(json!("wordpress_logged_in_")))])
                .check_header_lines(&lines, &none()),
            Err(said(
                "baris 3 dari 4 baris memenuhi `contains` \"wordpress_logged_in_\"",
                "line 3 of 4 lines is contains \"wordpress_logged_in_\""
            ))
        );
        assert!(
            m(vec![Op::NotMatches(regex("(?i)samesite=none"))])
                .check_header_lines(&lines, &none())
                .is_ok()
        );
        assert!(
            m(vec![Op::Ne(value(json!(
                "wp-settings-1=***; path=/; secure"
            )))])
            .check_header_lines(&lines, &none())
            .is_err()
        );
        assert!(
            m(vec![Op::NotIn(vec![value(json!("a")), value(json!("b"))])])
                .check_header_lines(&lines, &none())
                .is_ok()
        );
        // Not sent: no line matches, so a negative operator holds.
        assert!(
            m(vec![Op::NotContains(value(json!("PHP")))])
                .check_header_lines(&[], &none())
                .is_ok()
        );
    }

    #[test]
    fn count_exists_and_any_read_the_lines() {
        let lines = cookies();
        let count_5 = m(vec![Op::Count(Box::new(Matcher::equals(json!(5))))]);
        assert_eq!(
            count_5.check_header_lines(&lines, &none()),
            Err(said("`count`: 4", "count: 4"))
        );
        assert!(
            m(vec![Op::Exists(true)])
                .check_header_lines(&lines, &none())
                .is_ok()
        );
        assert_eq!(
            m(vec![Op::Exists(false)]).check_header_lines(&lines, &none()),
            Err(said(
                "header dikirim (4 baris)",
                "the header was sent (4 lines)"
            ))
        );
        let any = m(vec![Op::Any(Box::new(m(vec![Op::Contains(value(
            json!("wordpress_logged_in_"),
        ))])))]);
        assert!(any.check_header_lines(&lines, &none()).is_ok());
    }

    #[test]
    fn describes_itself() {
        let matcher = m(vec![
            Op::Contains(value(json!("application/json"))),
            Op::Len(Box::new(m(vec![Op::Compare(Order::Ge, 1.into())]))),
        ]);
        assert_eq!(
            matcher.to_string(),
            "contains \"application/json\" and length >= 1"
        );
        assert_eq!(
            matcher.describe(Lang::Id),
            "`contains` \"application/json\" dan `len` >= 1"
        );
        let every_operator = m(vec![
            Op::Ne(value(json!("x"))),
            Op::In(vec![value(json!("TERBIT")), value(json!("SELESAI"))]),
            Op::NotIn(vec![value(json!(1))]),
            Op::NotContains(value(json!("unsafe-inline"))),
            Op::Matches(regex("^a")),
            Op::NotMatches(regex("^b")),
            Op::Exists(true),
            Op::Type(JsonType::String),
            Op::Count(Box::new(Matcher::equals(json!(2)))),
            Op::Empty(false),
            Op::Any(Box::new(Matcher::equals(json!("aktif")))),
        ]);
        assert_eq!(
            every_operator.describe(Lang::Id),
            "`ne` \"x\" dan `in` [\"TERBIT\", \"SELESAI\"] dan `not_in` [1] dan \
             `not_contains` \"unsafe-inline\" dan `matches` /^a/ dan `not_matches` /^b/ dan \
             `exists: true` dan `type: string` dan `count` 2 dan `empty: false` dan \
             `any` (\"aktif\")"
        );
        assert_eq!(
            every_operator.to_string(),
            "not \"x\" and one of [\"TERBIT\", \"SELESAI\"] and none of [1] and \
             does not contain \"unsafe-inline\" and matches /^a/ and does not match /^b/ and \
             exists and of type string and count 2 and not empty and any node \"aktif\""
        );
    }

    #[test]
    fn failures_read_in_both_languages() {
        let cases: Vec<(Matcher, Value, &str, &str)> = vec![
            (
                m(vec![Op::Compare(Order::Lt, 5.into())]),
                json!("7"),
                "\"7\" bukan angka",
                "\"7\" is not a number",
            ),
            (
                m(vec![Op::Contains(value(json!("x")))]),
                json!(7),
                "`number` tidak dapat memuat \"x\"",
                "number cannot contain \"x\"",
            ),
            (
                m(vec![Op::Matches(regex("x"))]),
                json!(true),
                "true bukan `string`",
                "true is not a string",
            ),
            (
                m(vec![Op::Type(JsonType::String)]),
                json!(7),
                "7 (`number`)",
                "7 (number)",
            ),
            (
                m(vec![Op::Len(Box::new(Matcher::equals(json!(2))))]),
                json!(null),
                "null tidak memiliki panjang",
                "null has no length",
            ),
            (
                m(vec![Op::Len(Box::new(Matcher::equals(json!(2))))]),
                json!("abc"),
                "panjang 3",
                "length 3",
            ),
            (
                m(vec![Op::Exists(false)]),
                json!("a"),
                "ditemukan \"a\"",
                "exists: \"a\"",
            ),
        ];
        for (matcher, node, id, en) in cases {
            assert_eq!(
                matcher.check(&[node], &none()),
                Err(said(id, en)),
                "{matcher}"
            );
        }
        let any = m(vec![Op::Any(Box::new(Matcher::equals(json!(1))))]);
        assert_eq!(
            any.check(&[json!(2), json!(3)], &none()),
            Err(said(
                "tidak ada node dari 2 node yang cocok: 2",
                "no node of 2 matches: 2"
            ))
        );
        assert_eq!(
            any.check_header_lines(&[json!("2")], &none()),
            Err(said(
                "tidak ada baris dari 1 baris yang cocok dengan 1",
                "no line of 1 line matches 1"
            ))
        );
        assert_eq!(show_nodes(&[]), said("tidak ada", "nothing"));
    }
}
