//! `${...}` interpolation in scenario strings.
//!
//! Environment variables, vars and secrets are resolved at load time, so every
//! field may use them and a missing one is a load error with a position. A capture
//! (`${ticket}` of a value taken from an earlier response) can only be known at run
//! time, so a string that uses one stays a [`Template`] until the probe is sent.

use std::cell::Cell;
use std::collections::HashMap;

use crate::scenario::raw::closest;
use crate::text::{Text, text};

/// The longest value one string may grow to by interpolation. Vars may use vars,
/// so ten vars of ten copies each would make 10^10 bytes from a 668-byte file:
/// resolving stops at this size instead.
pub const MAX_VALUE_BYTES: usize = 1 << 20;

/// The most bytes interpolation may produce for a whole scenario (every string
/// of it together): many references to a large var stop here.
pub const MAX_TOTAL_BYTES: usize = 32 << 20;

/// The environment a scenario is loaded in: a snapshot of the process environment
/// plus overrides (the demo passes the sandbox's ports this way), so loading never
/// reads or writes global state.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    vars: HashMap<String, String>,
}

impl Environment {
    pub fn from_process() -> Self {
        Self {
            vars: std::env::vars().collect(),
        }
    }

    /// An environment with no variables at all, for tests.
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }
}

/// A string with run-time holes: the captures it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Capture(String),
}

impl Template {
    pub(crate) fn literal(text: impl Into<String>) -> Self {
        Self {
            parts: vec![Part::Text(text.into())],
        }
    }

    /// The text when the template uses no capture.
    pub(crate) fn as_literal(&self) -> Option<String> {
        // An empty string has no parts and is the literal "".
        let mut text = String::new();
        for part in &self.parts {
            match part {
                Part::Text(piece) => text.push_str(piece),
                Part::Capture(_) => return None,
            }
        }
        Some(text)
    }

    /// The capture name when the whole string is exactly `${name}` (in `json:`, such
    /// a string becomes the captured JSON value itself).
    pub fn as_whole_capture(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Capture(name)] => Some(name),
            _ => None,
        }
    }

    /// The text between the holes (all of it for a literal).
    pub(crate) fn texts(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            Part::Text(text) => Some(text.as_str()),
            Part::Capture(_) => None,
        })
    }

    pub(crate) fn captures(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            Part::Capture(name) => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }

    /// Fills the holes; `Err` names the first capture without a value.
    pub fn render(&self, captured: &HashMap<String, String>) -> Result<String, String> {
        let mut text = String::new();
        for part in &self.parts {
            match part {
                Part::Text(piece) => text.push_str(piece),
                Part::Capture(name) => match captured.get(name) {
                    Some(value) => text.push_str(value),
                    None => return Err(name.clone()),
                },
            }
        }
        Ok(text)
    }

    /// The template as the user wrote it, captures as `${name}`.
    pub(crate) fn source_text(&self) -> String {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => text.replace("${", "$${"),
                Part::Capture(name) => format!("${{{name}}}"),
            })
            .collect()
    }
}

/// Where a string sits decides whether it may use captures.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CaptureUse {
    /// Outside request values and matcher operands: no captures at all.
    Forbidden,
    /// In probe number `probe_index`: captures of earlier probes only.
    Allowed { probe_index: usize },
}

/// A problem in one string; the caller adds file and position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InterpolationProblem {
    pub(crate) message: Text,
    pub(crate) suggestion: Option<String>,
    /// A missing environment variable, which `validate` reports as a warning.
    pub(crate) missing_env: bool,
}

/// Resolves names to values; built up as vars and secrets are read in file order.
#[derive(Debug, Clone)]
pub(crate) struct Interpolator<'e> {
    env: &'e Environment,
    values: HashMap<String, String>,
    /// Every capture name of the scenario, with the probe that captures it.
    captures: HashMap<String, usize>,
    /// Bytes produced by interpolation so far, against [`MAX_TOTAL_BYTES`].
    expanded: Cell<usize>,
}

impl<'e> Interpolator<'e> {
    pub(crate) fn new(env: &'e Environment) -> Self {
        Self {
            env,
            values: HashMap::new(),
            captures: HashMap::new(),
            expanded: Cell::new(0),
        }
    }

    pub(crate) fn define(&mut self, name: &str, value: String) {
        self.values.insert(name.to_string(), value);
    }

    pub(crate) fn is_defined(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    pub(crate) fn declare_capture(&mut self, name: &str, probe_index: usize) {
        self.captures.insert(name.to_string(), probe_index);
    }

    pub(crate) fn captures(&self) -> &HashMap<String, usize> {
        &self.captures
    }

    /// Resolves env, vars and secrets in `text`; captures stay as holes where allowed.
    ///
    /// On a missing environment variable the problem is returned with
    /// `missing_env` set and the value taken as empty, so callers that only warn can
    /// go on with the result.
    pub(crate) fn resolve(
        &self,
        text: &str,
        capture_use: CaptureUse,
    ) -> Result<Template, (InterpolationProblem, Template)> {
        let mut parts: Vec<Part> = Vec::new();
        let mut first_problem: Option<InterpolationProblem> = None;
        let push_text = |parts: &mut Vec<Part>, piece: &str| match parts.last_mut() {
            _ if piece.is_empty() => {}
            Some(Part::Text(existing)) => existing.push_str(piece),
            _ => parts.push(Part::Text(piece.to_string())),
        };
        let mut rest = text;
        while let Some(start) = rest.find('$') {
            push_text(&mut parts, &rest[..start]);
            let after = &rest[start..];
            if let Some(tail) = after.strip_prefix("$${") {
                push_text(&mut parts, "${");
                rest = tail;
                continue;
            }
            let Some(body_start) = after.strip_prefix("${") else {
                push_text(&mut parts, "$");
                rest = &after[1..];
                continue;
            };
            let Some(end) = body_start.find('}') else {
                let problem = InterpolationProblem {
                    message: text!(
                        "`${{` tidak ditutup dengan `}}` (tulis `$${{` untuk `${{` harfiah)",
                        "`${{` is not closed by `}}` (write `$${{` for a literal `${{`)"
                    ),
                    suggestion: None,
                    missing_env: false,
                };
                return Err((problem, Template { parts }));
            };
            let reference = &body_start[..end];
            rest = &body_start[end + 1..];
            match self.lookup(reference, capture_use) {
                Ok(Lookup::Value(value)) => {
                    let length: usize = parts
                        .iter()
                        .map(|part| match part {
                            Part::Text(text) => text.len(),
                            Part::Capture(_) => 0,
                        })
                        .sum();
                    let expanded = self.expanded.get() + value.len();
                    if let Some(problem) = over_budget(reference, length + value.len(), expanded) {
                        // Nothing of the value is kept: a var defined by it is
                        // empty, so the vars after it do not grow again.
                        return Err((problem, Template { parts: Vec::new() }));
                    }
                    self.expanded.set(expanded);
                    push_text(&mut parts, value);
                }
                Ok(Lookup::Capture(name)) => parts.push(Part::Capture(name)),
                Err(problem) => {
                    first_problem.get_or_insert(problem);
                }
            }
        }
        push_text(&mut parts, rest);
        let template = Template { parts };
        match first_problem {
            Some(problem) => Err((problem, template)),
            None => Ok(template),
        }
    }

    fn lookup<'s>(
        &'s self,
        reference: &'s str,
        capture_use: CaptureUse,
    ) -> Result<Lookup<'s>, InterpolationProblem> {
        let problem = |message: Text, suggestion: Option<String>| InterpolationProblem {
            message,
            suggestion,
            missing_env: false,
        };
        if let Some(env_ref) = reference.strip_prefix("env:") {
            let (name, default) = match env_ref.split_once(":-") {
                Some((name, default)) => (name, Some(default)),
                None => (env_ref, None),
            };
            if name.is_empty() {
                return Err(problem(
                    text!(
                        "`${{env:}}` memerlukan nama variabel",
                        "`${{env:}}` needs a variable name"
                    ),
                    None,
                ));
            }
            return match (self.env.get(name), default) {
                (Some(""), Some(default)) => Ok(Lookup::Value(default)),
                (Some(value), _) => Ok(Lookup::Value(value)),
                (None, Some(default)) => Ok(Lookup::Value(default)),
                (None, None) => Err(InterpolationProblem {
                    message: text!(
                        "variabel lingkungan `{name}` belum diatur (atur variabel itu, atau beri nilai bawaan: `${{env:{name}:-nilai}}`)",
                        "environment variable `{name}` is not set (set it, or give a default: `${{env:{name}:-value}}`)"
                    ),
                    suggestion: None,
                    missing_env: true,
                }),
            };
        }
        if let Some(value) = self.values.get(reference) {
            return Ok(Lookup::Value(value));
        }
        if let Some(&captured_by) = self.captures.get(reference) {
            return match capture_use {
                CaptureUse::Forbidden => Err(problem(
                    text!(
                        "`${{{reference}}}` adalah capture; capture hanya dapat dipakai di `url`, `path`, `query`, `headers` dan body permintaan, serta di operand matcher teks",
                        "`${{{reference}}}` is a capture; captures can only be used in request url, path, query, headers and bodies, and in string matcher operands"
                    ),
                    None,
                )),
                CaptureUse::Allowed { probe_index, .. } if captured_by >= probe_index => {
                    Err(problem(
                        text!(
                            "`${{{reference}}}` dipakai sebelum nilainya diambil: `probes[{captured_by}]` yang mengambilnya, dan titik uji dijalankan sesuai urutan dalam berkas",
                            "`${{{reference}}}` is used before it is captured: probes[{captured_by}] captures it, and probes run in file order"
                        ),
                        None,
                    ))
                }
                CaptureUse::Allowed { .. } => Ok(Lookup::Capture(reference.to_string())),
            };
        }
        let known = self
            .values
            .keys()
            .chain(self.captures.keys())
            .map(String::as_str);
        Err(problem(
            text!(
                "nama `{reference}` tidak dikenal: bukan var, secret, atau capture skenario ini",
                "unknown name `{reference}`: not a var, secret or capture of this scenario"
            ),
            closest(reference, known),
        ))
    }
}

enum Lookup<'s> {
    Value(&'s str),
    Capture(String),
}

/// The problem when a value of `length` bytes, after `expanded` bytes of
/// interpolation in the whole scenario, is over budget.
fn over_budget(reference: &str, length: usize, expanded: usize) -> Option<InterpolationProblem> {
    let message = if length > MAX_VALUE_BYTES {
        let limit = MAX_VALUE_BYTES >> 20;
        text!(
            "`${{{reference}}}` membuat nilai ini lebih panjang dari {limit} MiB, batas hasil interpolasi untuk satu nilai; var yang mengulang var lain cepat membesar",
            "`${{{reference}}}` makes this value longer than {limit} MiB, the most interpolation may produce for one value; a var that repeats other vars grows fast"
        )
    } else if expanded > MAX_TOTAL_BYTES {
        let limit = MAX_TOTAL_BYTES >> 20;
        text!(
            "interpolasi dalam skenario ini sudah menghasilkan lebih dari {limit} MiB, batas yang diizinkan ujilab; `${{{reference}}}` terlalu sering dipakai atau terlalu panjang",
            "interpolation in this scenario has produced more than {limit} MiB, the most ujilab allows; `${{{reference}}}` is used too often or is too long"
        )
    } else {
        return None;
    };
    Some(InterpolationProblem {
        message,
        suggestion: None,
        missing_env: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(index: usize) -> CaptureUse {
        CaptureUse::Allowed { probe_index: index }
    }

    #[test]
    fn env_vars_and_defaults() {
        let env = Environment::empty().with("PORT", "8443").with("EMPTY", "");
        let mut interpolator = Interpolator::new(&env);
        interpolator.define("nik", "3201".into());
        let resolve = |text: &str| {
            interpolator
                .resolve(text, CaptureUse::Forbidden)
                .map(|t| t.as_literal().unwrap_or_default())
                .map_err(|(p, _)| p)
        };
        assert_eq!(resolve("h:${env:PORT}/${nik}").unwrap(), "h:8443/3201");
        assert_eq!(resolve("${env:NOPE:-443}").unwrap(), "443");
        assert_eq!(resolve("${env:EMPTY:-x}").unwrap(), "x");
        assert_eq!(
            resolve("price $5 and $${literal}").unwrap(),
            "price $5 and ${literal}"
        );
        let missing = resolve("${env:NOPE}").unwrap_err();
        assert!(missing.missing_env && missing.message.en.contains("NOPE"));
        let unknown = resolve("${nok}").unwrap_err();
        assert_eq!(unknown.suggestion.as_deref(), Some("nik"));
        assert!(
            resolve("${nik")
                .unwrap_err()
                .message
                .en
                .contains("not closed")
        );
    }

    #[test]
    fn vars_that_repeat_vars_stop_at_the_budget() {
        let env = Environment::empty();
        let mut interpolator = Interpolator::new(&env);
        interpolator.define("v0", "x".repeat(10));
        let mut failed_at = None;
        for level in 1..10 {
            let text = format!("${{v{}}}", level - 1).repeat(10);
            match interpolator.resolve(&text, CaptureUse::Forbidden) {
                Ok(template) => {
                    let value = template.as_literal().unwrap_or_default();
                    // Past the first failure, the vars build on an empty one.
                    let expected = if failed_at.is_some() {
                        0
                    } else {
                        10usize.pow(level + 1)
                    };
                    assert_eq!(value.len(), expected);
                    interpolator.define(&format!("v{level}"), value);
                }
                Err((problem, partial)) => {
                    assert!(
                        problem.message.en.contains("longer than 1 MiB"),
                        "{problem:?}"
                    );
                    assert_eq!(partial.as_literal().as_deref(), Some(""));
                    failed_at.get_or_insert(level);
                    interpolator.define(&format!("v{level}"), String::new());
                }
            }
        }
        // v5 is 10^6 bytes (under 1 MiB); v6 would be 10^7.
        assert_eq!(failed_at, Some(6));

        // Many uses of one large value stop at the scenario's total.
        let env = Environment::empty();
        let mut interpolator = Interpolator::new(&env);
        interpolator.define("big", "y".repeat(MAX_VALUE_BYTES / 2));
        let total = (0..200)
            .map(|_| interpolator.resolve("${big}", CaptureUse::Forbidden))
            .position(|result| result.is_err());
        assert_eq!(total, Some(MAX_TOTAL_BYTES / (MAX_VALUE_BYTES / 2)));
    }

    #[test]
    fn captures_follow_probe_order_and_place() {
        let env = Environment::empty();
        let mut interpolator = Interpolator::new(&env);
        interpolator.declare_capture("ticket", 1);
        let template = interpolator.resolve("/t/${ticket}", allowed(2)).unwrap();
        assert_eq!(template.as_literal(), None);
        let mut values = HashMap::new();
        values.insert("ticket".to_string(), "T-9".to_string());
        assert_eq!(template.render(&values).unwrap(), "/t/T-9");
        assert_eq!(template.render(&HashMap::new()), Err("ticket".to_string()));

        let (early, _) = interpolator.resolve("${ticket}", allowed(1)).unwrap_err();
        assert!(early.message.en.contains("before it is captured"));
        let (forbidden, _) = interpolator
            .resolve("${ticket}", CaptureUse::Forbidden)
            .unwrap_err();
        assert!(forbidden.message.en.contains("is a capture"));
        let whole = interpolator.resolve("${ticket}", allowed(2)).unwrap();
        assert_eq!(whole.as_whole_capture(), Some("ticket"));
    }
}
