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

use crate::scenario::interpolate::Template;

/// A matcher operand: a plain value, or a string that uses a capture.
#[derive(Debug, Clone)]
pub(crate) enum Operand {
    Value(Value),
    Template(Template),
}

impl Operand {
    fn resolve(&self, captured: &HashMap<String, String>) -> Result<Value, String> {
        match self {
            Operand::Value(value) => Ok(value.clone()),
            Operand::Template(template) => template
                .render(captured)
                .map(Value::String)
                .map_err(|name| format!("capture `{name}` has no value")),
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

    /// Tests the selected nodes; `Err` says why they do not match.
    pub fn check(&self, nodes: &[Value], captured: &HashMap<String, String>) -> Result<(), String> {
        for op in &self.ops {
            match op {
                Op::Count(matcher) => matcher
                    .check(&[Value::from(nodes.len())], captured)
                    .map_err(|why| format!("count: {why}"))?,
                Op::Exists(expected) => {
                    if nodes.is_empty() == *expected {
                        return Err(if *expected {
                            "selected 0 nodes".to_string()
                        } else {
                            format!("exists: {}", show_nodes(nodes))
                        });
                    }
                }
                Op::Any(matcher) => {
                    if nodes.is_empty() {
                        return Err("selected 0 nodes".into());
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
                        return Err(format!(
                            "no node of {} matches: {}",
                            nodes.len(),
                            first_failure.unwrap_or_default()
                        ));
                    }
                }
                _ => {
                    if nodes.is_empty() {
                        return Err("selected 0 nodes".into());
                    }
                    for node in nodes {
                        check_node(op, node, captured)?;
                    }
                }
            }
        }
        Ok(())
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
    /// one line that matches its matcher. `Err` says why, naming lines by number
    /// and never quoting a value: the caller lists them, redacted.
    pub fn check_header_lines(
        &self,
        lines: &[Value],
        captured: &HashMap<String, String>,
    ) -> Result<(), String> {
        let sent = lines.len();
        let mut positive = Vec::new();
        for op in &self.ops {
            match op {
                Op::Count(matcher) => matcher
                    .check(&[Value::from(sent)], captured)
                    .map_err(|why| format!("count: {why}"))?,
                Op::Exists(expected) => {
                    if (sent == 0) == *expected {
                        return Err(if *expected {
                            "the header was not sent".to_string()
                        } else {
                            format!("the header was sent ({})", lines_sent(sent))
                        });
                    }
                }
                Op::Any(matcher) => {
                    if sent == 0 {
                        return Err("the header was not sent".into());
                    }
                    let any = lines.iter().any(|line| {
                        matcher
                            .check_header_lines(std::slice::from_ref(line), captured)
                            .is_ok()
                    });
                    if !any {
                        return Err(format!("no line of {} matches {matcher}", lines_sent(sent)));
                    }
                }
                op if op.is_negative() => {
                    for (number, line) in lines.iter().enumerate() {
                        if let Err(why) = check_node(op, line, captured) {
                            return Err(unresolved(&why).unwrap_or_else(|| {
                                format!(
                                    "line {} of {} is {}",
                                    number + 1,
                                    lines_sent(sent),
                                    Matcher {
                                        ops: vec![negated(op)]
                                    }
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
            return Err("the header was not sent".into());
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
            .as_deref()
            .and_then(unresolved)
            .unwrap_or_else(|| format!("no line of {} is {wanted}", lines_sent(sent))))
    }
}

/// "1 line", "4 lines".
fn lines_sent(count: usize) -> String {
    if count == 1 {
        "1 line".to_string()
    } else {
        format!("{count} lines")
    }
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
fn unresolved(why: &str) -> Option<String> {
    why.starts_with("capture `").then(|| why.to_string())
}

fn check_node(op: &Op, node: &Value, captured: &HashMap<String, String>) -> Result<(), String> {
    let fail = || Err(show(node));
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
                return Err(format!("{} is not a number", show(node)));
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
                    return Err(format!(
                        "{} cannot contain {}",
                        JsonType::of(node).name(),
                        needle
                    ));
                }
            };
            if contains != matches!(op, Op::Contains(_)) {
                return fail();
            }
        }
        Op::Matches(regex) | Op::NotMatches(regex) => {
            let Value::String(text) = node else {
                return Err(format!("{} is not a string", show(node)));
            };
            if regex.is_match(text) != matches!(op, Op::Matches(_)) {
                return fail();
            }
        }
        Op::Type(expected) => {
            if JsonType::of(node) != *expected {
                return Err(format!("{} ({})", show(node), JsonType::of(node).name()));
            }
        }
        Op::Len(matcher) => {
            let length = match node {
                Value::String(text) => text.chars().count(),
                Value::Array(items) => items.len(),
                Value::Object(map) => map.len(),
                _ => return Err(format!("{} has no length", show(node))),
            };
            matcher
                .check(&[Value::from(length)], captured)
                .map_err(|why| format!("length {why}"))?;
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

pub fn show_nodes(nodes: &[Value]) -> String {
    match nodes {
        [] => "nothing".to_string(),
        [one] => show(one),
        many => show(&Value::Array(many.to_vec())),
    }
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, op) in self.ops.iter().enumerate() {
            if index > 0 {
                f.write_str(" and ")?;
            }
            match op {
                Op::Eq(operand) => write!(f, "{operand}")?,
                Op::Ne(operand) => write!(f, "not {operand}")?,
                Op::Compare(order, limit) => write!(f, "{} {limit}", order.symbol())?,
                Op::In(options) => write!(f, "one of {}", list(options))?,
                Op::NotIn(options) => write!(f, "none of {}", list(options))?,
                Op::Contains(operand) => write!(f, "contains {operand}")?,
                Op::NotContains(operand) => write!(f, "does not contain {operand}")?,
                Op::Matches(regex) => write!(f, "matches /{}/", regex.as_str())?,
                Op::NotMatches(regex) => write!(f, "does not match /{}/", regex.as_str())?,
                Op::Exists(true) => f.write_str("exists")?,
                Op::Exists(false) => f.write_str("does not exist")?,
                Op::Type(kind) => write!(f, "of type {}", kind.name())?,
                Op::Len(matcher) => write!(f, "length {matcher}")?,
                Op::Count(matcher) => write!(f, "count {matcher}")?,
                Op::Empty(true) => f.write_str("empty")?,
                Op::Empty(false) => f.write_str("not empty")?,
                Op::Any(matcher) => write!(f, "any node {matcher}")?,
            }
        }
        Ok(())
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

    #[test]
    fn equality_is_type_strict_but_numbers_compare_by_value() {
        let eq_200 = Matcher::equals(json!(200));
        assert!(eq_200.check(&[json!(200.0)], &none()).is_ok());
        assert_eq!(
            eq_200.check(&[json!("200")], &none()),
            Err("\"200\"".into())
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
        assert_eq!(contains.check(&[], &none()), Err("selected 0 nodes".into()));
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
            Err("no line of 4 lines is contains \"PHPSESSID\"".into())
        );
        assert_eq!(
            missing.check_header_lines(&[], &none()),
            Err("the header was not sent".into())
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
            Err("line 3 of 4 lines is contains \"wordpress_logged_in_\"".into())
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
            Err("count: 4".into())
        );
        assert!(
            m(vec![Op::Exists(true)])
                .check_header_lines(&lines, &none())
                .is_ok()
        );
        assert_eq!(
            m(vec![Op::Exists(false)]).check_header_lines(&lines, &none()),
            Err("the header was sent (4 lines)".into())
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
    }
}
