//! Testing a response against a probe's expectations, and taking its captures.
//! Pure functions of the exchange: no I/O.
//!
//! A JSON body that repeats a key (`{"status": "UP", "status": "DOWN"}`) is read both
//! ways, keeping the first value and keeping the last, because clients disagree (most
//! JavaScript and Go code keeps the last, some parsers the first, some refuse). A
//! check or capture whose answer depends on the reading fails and says why; one that
//! gets the same answer either way is unaffected, so a repeated key elsewhere in the
//! document does not fail an unrelated check.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use input::quantity::format_duration;
use input::scenario::matcher::show_nodes;
use input::scenario::{Capture, Probe, status_accepted};
use input::scenario::{CaptureSource, JsonPathExpectation, StatusExpectation};
use observe::exchange::{Exchange, Response};
use observe::observations::Check;

use crate::request::Captured;

/// Every expectation of the probe, tested against the exchange.
pub fn evaluate(probe: &Probe, exchange: &Exchange, captured: &Captured) -> Vec<Check> {
    let Some(response) = &exchange.response else {
        let mut actual = exchange
            .error
            .as_ref()
            .map(|error| format!("{}: {}", error.kind.code(), error.message))
            .unwrap_or_else(|| "no response".to_string());
        if let Some(received) = &exchange.received {
            actual.push_str(&format!(" (after status {} arrived)", received.status));
        }
        return vec![Check {
            what: "response".into(),
            expected: "a complete response".into(),
            actual,
            passed: false,
        }];
    };
    let mut checks = Vec::new();
    let expect = &probe.expect;
    let status_expected = match &expect.status {
        None => "2xx (default)".to_string(),
        Some(StatusExpectation::OneOf(patterns)) => patterns
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" or "),
        Some(StatusExpectation::Matcher(matcher)) => matcher.to_string(),
    };
    checks.push(Check {
        what: "status".into(),
        expected: status_expected,
        actual: response.status.to_string(),
        passed: status_accepted(probe, response.status),
    });
    if let Some(limit) = expect.latency {
        checks.push(Check {
            what: "latency".into(),
            expected: format!("<= {}", format_duration(limit)),
            actual: format_duration(exchange.latency),
            passed: exchange.latency <= limit,
        });
    }
    for (name, matcher) in &expect.headers {
        checks.push(check_header(name, matcher, response, captured));
    }
    if let Some(matcher) = &expect.body {
        let text = [Value::String(response.text.clone())];
        checks.push(check("body".into(), matcher, &text, captured));
    }
    if !expect.json.is_empty() || expect.schema.is_some() {
        let document = JsonBody::parse(&response.body);
        for (path, matcher) in &expect.json {
            let what = format!("json {}", path.source);
            checks.push(match &document {
                Some(document) => match document.query(path) {
                    Ok(nodes) => check(what, matcher, &nodes, captured),
                    Err(ambiguous) => Check {
                        what,
                        expected: matcher.to_string(),
                        actual: ambiguous,
                        passed: false,
                    },
                },
                None => not_json(what, matcher.to_string(), response),
            });
        }
        if let Some(schema) = &expect.schema {
            let what = format!("schema {}", schema.file);
            checks.push(match &document {
                Some(document) => {
                    let mut errors: Vec<String> = Vec::new();
                    for (reading, value) in document.readings() {
                        for error in schema.validator.iter_errors(value).take(3) {
                            let error = format!("{error} at `{}`{reading}", error.instance_path());
                            if !errors.contains(&error) {
                                errors.push(error);
                            }
                        }
                    }
                    Check {
                        what,
                        expected: "valid against the schema".into(),
                        actual: if errors.is_empty() {
                            "valid".into()
                        } else {
                            errors.join("; ")
                        },
                        passed: errors.is_empty(),
                    }
                }
                None => not_json(what, "valid against the schema".into(), response),
            });
        }
    }
    checks
}

fn check(
    what: String,
    matcher: &input::scenario::matcher::Matcher,
    nodes: &[Value],
    captured: &Captured,
) -> Check {
    let result = matcher.check(nodes, &captured.text);
    Check {
        what,
        expected: matcher.to_string(),
        actual: match &result {
            Ok(()) => show_nodes(nodes),
            Err(why) => why.clone(),
        },
        passed: result.is_ok(),
    }
}

/// Lines of one header listed in a check, at most; the rest are counted.
const SHOWN_LINES: usize = 20;

/// Characters of one header line shown, at most.
const SHOWN_LINE_CHARS: usize = 300;

/// A header sent several times is one header with several values: a positive
/// operator passes when any line matches, a negative one when none does
/// ([`Matcher::check_header_lines`](input::scenario::matcher::Matcher::check_header_lines)).
/// The matcher sees the lines as received; the check lists every line as
/// redacted (cookie values and secrets masked), so a failed login tells a
/// missing cookie from one that was there.
fn check_header(
    name: &str,
    matcher: &input::scenario::matcher::Matcher,
    response: &Response,
    captured: &Captured,
) -> Check {
    let lines: Vec<Value> = response
        .header_lines(name)
        .map(|value| Value::String(value.to_string()))
        .collect();
    let result = matcher.check_header_lines(&lines, &captured.text);
    let shown = shown_lines(
        response
            .headers
            .iter()
            .filter(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str()),
    );
    Check {
        what: format!("header {name}"),
        expected: matcher.to_string(),
        actual: match &result {
            Ok(()) => shown,
            Err(why) if lines.is_empty() => why.clone(),
            Err(why) => format!("{why}; sent: {shown}"),
        },
        passed: result.is_ok(),
    }
}

/// `"a"` for one line, `1) "a" 2) "b"` for several: every line, each cut at
/// [`SHOWN_LINE_CHARS`], up to [`SHOWN_LINES`] and a count of the rest.
fn shown_lines<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let lines: Vec<&str> = lines.collect();
    let quote = |line: &str| {
        let mut text: String = line.chars().take(SHOWN_LINE_CHARS).collect();
        if line.chars().count() > SHOWN_LINE_CHARS {
            text.push('…');
        }
        Value::String(text).to_string()
    };
    match lines.as_slice() {
        [] => "nothing".to_string(),
        [one] => quote(one),
        many => {
            let mut shown: Vec<String> = many
                .iter()
                .take(SHOWN_LINES)
                .enumerate()
                .map(|(index, line)| format!("{}) {}", index + 1, quote(line)))
                .collect();
            if many.len() > SHOWN_LINES {
                shown.push(format!("and {} more lines", many.len() - SHOWN_LINES));
            }
            shown.join(" ")
        }
    }
}

fn not_json(what: String, expected: String, response: &Response) -> Check {
    let content_type = response
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.as_str())
        .unwrap_or("no Content-Type");
    Check {
        what,
        expected,
        actual: format!("body is not JSON ({content_type})"),
        passed: false,
    }
}

/// The value a capture takes from a response, as text and as JSON; `Err` says why
/// there is none.
pub fn take(capture: &Capture, response: &Response) -> Result<(String, Value), String> {
    let nothing = || "nothing captured".to_string();
    match &capture.source {
        CaptureSource::Json(path) => {
            let document = JsonBody::parse(&response.body).ok_or_else(nothing)?;
            let nodes = document.query(path)?;
            let [node] = <[Value; 1]>::try_from(nodes).map_err(|nodes| {
                if nodes.is_empty() {
                    nothing()
                } else {
                    format!("{} values", nodes.len())
                }
            })?;
            let text = match &node {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            Ok((text, node))
        }
        CaptureSource::Header(name) => response
            .header(name)
            .map(|value| (value.to_string(), Value::String(value.to_string())))
            .ok_or_else(nothing),
        CaptureSource::BodyRegex(regex) => {
            let found = regex.captures(&response.text).ok_or_else(nothing)?;
            let text = found
                .get(1)
                .or_else(|| found.get(0))
                .ok_or_else(nothing)?
                .as_str()
                .to_string();
            Ok((text.clone(), Value::String(text)))
        }
    }
}

/// A JSON body, with both readings when it repeats a key.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonBody {
    /// Repeated keys keep their last value (what serde_json and JavaScript do).
    last: Value,
    /// Repeated keys keep their first value; `None` when no key is repeated.
    first: Option<Value>,
    /// The keys that were repeated, each once, in order of repetition.
    repeated: Vec<String>,
}

impl JsonBody {
    /// `None` when the body is not JSON.
    pub fn parse(body: &[u8]) -> Option<JsonBody> {
        let repeated = RefCell::new(Vec::new());
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let first = FirstWins {
            repeated: &repeated,
        }
        .deserialize(&mut deserializer)
        .ok()?;
        deserializer.end().ok()?;
        let repeated = repeated.into_inner();
        if repeated.is_empty() {
            return Some(JsonBody {
                last: first,
                first: None,
                repeated,
            });
        }
        let last = serde_json::from_slice::<Value>(body).ok()?;
        Some(JsonBody {
            last,
            first: Some(first),
            repeated,
        })
    }

    /// The keys the body repeats.
    #[cfg(test)]
    pub fn repeated(&self) -> &[String] {
        &self.repeated
    }

    /// Each reading, with a phrase that names it when there are two.
    fn readings(&self) -> Vec<(&'static str, &Value)> {
        match &self.first {
            None => vec![("", &self.last)],
            Some(first) => vec![
                (" (repeated keys read with their first value)", first),
                (" (repeated keys read with their last value)", &self.last),
            ],
        }
    }

    /// The nodes `path` selects; `Err` when the two readings disagree.
    pub fn query(&self, path: &JsonPathExpectation) -> Result<Vec<Value>, String> {
        let source = &path.source;
        let select = |value: &Value| -> Vec<Value> {
            path.path.query(value).all().into_iter().cloned().collect()
        };
        let last = select(&self.last);
        if let Some(first) = &self.first {
            let first = select(first);
            if first != last {
                return Err(format!(
                    "ambiguous: the body repeats the key {} and clients disagree on which \
                     value counts: {source} is {} with the first value, {} with the last",
                    self.repeated
                        .iter()
                        .map(|key| format!("`{key}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    show_nodes(&first),
                    show_nodes(&last)
                ));
            }
        }
        Ok(last)
    }
}

/// Deserializes a JSON value keeping the first of repeated keys, and notes them.
#[derive(Clone, Copy)]
struct FirstWins<'a> {
    repeated: &'a RefCell<Vec<String>>,
}

impl<'de> DeserializeSeed<'de> for FirstWins<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FirstWins<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self)?;
            if object.contains_key(&key) {
                let mut repeated = self.repeated.borrow_mut();
                if !repeated.contains(&key) {
                    repeated.push(key);
                }
            } else {
                object.insert(key, value);
            }
        }
        Ok(Value::Object(object))
    }
}

/// How a capture's source reads in a report.
pub fn describe(capture: &Capture) -> String {
    match &capture.source {
        CaptureSource::Json(path) => path.source.clone(),
        CaptureSource::Header(name) => format!("header {name}"),
        CaptureSource::BodyRegex(regex) => format!("body /{}/", regex.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(source: &str) -> JsonPathExpectation {
        JsonPathExpectation {
            source: source.to_string(),
            path: serde_json_path::JsonPath::parse(source).expect("path"),
        }
    }

    fn header_matchers(yaml: &str) -> Vec<(String, input::scenario::matcher::Matcher)> {
        use input::scenario::{Environment, LoadSettings, Loaded, Source, load_all};
        let text = format!(
            "version: 1\nservice: {{ id: t, base_url: \"https://www.contohkab.go.id\" }}\nprobes:\n  - id: masuk\n    request: {{ path: /wp-login.php }}\n    expect:\n      headers:\n{yaml}"
        );
        let settings = LoadSettings {
            env: Environment::empty(),
            ..LoadSettings::default()
        };
        let source = Source {
            name: "t.yaml".into(),
            bytes: text.into_bytes(),
            named: true,
        };
        match load_all(&[source], &settings, &mut Vec::new()).pop() {
            Some(Loaded::Ready { scenario, .. }) => scenario.probes[0].expect.headers.clone(),
            Some(Loaded::Failed(failure)) => panic!("{}", failure.render(input::lang::Lang::En)),
            None => panic!("nothing loaded"),
        }
    }

    /// A successful WordPress login: five Set-Cookie lines, the logged-in one
    /// third.
    fn login_response() -> Response {
        let redactor = observe::redact::Redactor::new(Vec::new());
        let raw: Vec<(String, String)> = [
            "wordpress_sec_ab12=admin%7Csecret1; path=/wp-content/plugins; secure; HttpOnly",
            "wordpress_sec_ab12=admin%7Csecret1; path=/wp-admin; secure; HttpOnly",
            "wordpress_logged_in_ab12=admin%7Csecret2; path=/; secure; HttpOnly",
            "wp-settings-1=libraryContent%3Dbrowse; path=/; secure",
            "wp-settings-time-1=1764892800; path=/; secure",
        ]
        .into_iter()
        .map(|line| ("set-cookie".to_string(), line.to_string()))
        .chain([(
            "content-type".to_string(),
            "text/html; charset=UTF-8".to_string(),
        )])
        .collect();
        Response {
            status: 200,
            version: "HTTP/1.1".into(),
            headers: raw
                .iter()
                .map(|(name, value)| (name.clone(), redactor.redact_header(name, value)))
                .collect(),
            raw_headers: raw,
            body: bytes::Bytes::new(),
            text: String::new(),
            wire_bytes: 0,
            body_bytes: 0,
            remote_addr: None,
            content_encoding: None,
            decode_note: None,
        }
    }

    fn header_check(yaml: &str) -> Check {
        let response = login_response();
        let captured = Captured {
            text: std::collections::HashMap::new(),
            json: std::collections::HashMap::new(),
        };
        let matchers = header_matchers(yaml);
        let (name, matcher) = &matchers[0];
        check_header(name, matcher, &response, &captured)
    }

    #[test]
    fn a_cookie_among_several_set_cookie_lines_passes() {
        let check = header_check("        set-cookie: { contains: wordpress_logged_in_ }\n");
        assert!(check.passed, "{check:?}");
        assert!(
            check
                .actual
                .contains("3) \"wordpress_logged_in_ab12=***; path=/; secure; HttpOnly\""),
            "{}",
            check.actual
        );
        assert!(!check.actual.contains("secret"), "{}", check.actual);
        let check = header_check("        set-cookie: { not_contains: PHPSESSID }\n");
        assert!(check.passed, "{check:?}");
        let check = header_check("        content-type: { contains: text/html }\n");
        assert!(check.passed, "{check:?}");
        assert_eq!(check.actual, "\"text/html; charset=UTF-8\"");
    }

    #[test]
    fn a_failed_header_check_lists_every_line_redacted() {
        let check = header_check("        set-cookie: { contains: PHPSESSID }\n");
        assert!(!check.passed);
        assert!(
            check
                .actual
                .starts_with("no line of 5 lines is contains \"PHPSESSID\"; sent: 1) "),
            "{}",
            check.actual
        );
        for cookie in [
            "wordpress_sec_ab12=***",
            "wordpress_logged_in_ab12=***",
            "5) \"wp-settings-time-1=***",
        ] {
            assert!(
                check.actual.contains(cookie),
                "{cookie} in {}",
                check.actual
            );
        }
        assert!(!check.actual.contains("secret"), "{}", check.actual);
        let check = header_check("        set-cookie: { not_matches: \"^wp-settings-\" }\n");
        assert!(!check.passed);
        assert!(
            check
                .actual
                .starts_with("line 4 of 5 lines is matches /^wp-settings-/; sent: "),
            "{}",
            check.actual
        );
        let check = header_check("        x-powered-by: { exists: true }\n");
        assert_eq!(check.actual, "the header was not sent");
    }

    #[test]
    fn a_body_without_repeated_keys_has_one_reading() {
        let body = JsonBody::parse(br#"{"a": {"b": [1, 2.5, "x", null, true]}}"#).expect("json");
        assert!(body.repeated().is_empty());
        assert_eq!(
            body.query(&path("$.a.b[*]")),
            Ok(serde_json::from_str::<Vec<Value>>(r#"[1, 2.5, "x", null, true]"#).expect("v"))
        );
        assert_eq!(
            body.last,
            serde_json::from_str::<Value>(r#"{"a": {"b": [1, 2.5, "x", null, true]}}"#).expect("v")
        );
        assert!(JsonBody::parse(b"{\"a\": 1} trailing").is_none());
        assert!(JsonBody::parse(b"<html>").is_none());
    }

    #[test]
    fn a_repeated_key_fails_only_the_checks_it_changes() {
        let body = JsonBody::parse(
            br#"{"status": "UP", "data": {"id": 7}, "status": "DOWN", "meta": {"v": 1, "v": 1}}"#,
        )
        .expect("json");
        assert_eq!(body.repeated(), ["status", "v"]);
        let status = body.query(&path("$.status")).expect_err("ambiguous");
        assert!(status.contains("`status`"), "{status}");
        assert!(
            status.contains(r#""UP" with the first value, "DOWN" with the last"#),
            "{status}"
        );
        assert_eq!(body.query(&path("$.data.id")), Ok(vec![Value::from(7)]));
        // Repeated with the same value: both readings agree.
        assert_eq!(body.query(&path("$.meta.v")), Ok(vec![Value::from(1)]));
    }
}
