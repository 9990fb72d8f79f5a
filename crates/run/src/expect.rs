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

use input::lang::{self, Lang};
use input::quantity::format_duration;
use input::scenario::matcher::show_nodes;
use input::scenario::{Capture, Probe, status_accepted};
use input::scenario::{CaptureSource, JsonPathExpectation, StatusExpectation};
use input::text::Text;
use observe::exchange::{Exchange, Response};
use observe::observations::Check;

use crate::request::Captured;

/// A check from texts in both languages; an Indonesian text that says the same as
/// the English (a status code, a value the service sent) is left empty.
fn said(what: Text, expected: Text, actual: Text, passed: bool) -> Check {
    let only_if_different = |text: Text| {
        if text.id == text.en {
            (String::new(), text.en)
        } else {
            (text.id, text.en)
        }
    };
    let (what_id, what) = only_if_different(what);
    let (expected_id, expected) = only_if_different(expected);
    let (actual_id, actual) = only_if_different(actual);
    Check {
        what,
        expected,
        actual,
        what_id,
        expected_id,
        actual_id,
        passed,
    }
}

/// The same text in both languages: a name, a path, a value as sent.
fn same(text: impl Into<String>) -> Text {
    let text = text.into();
    Text::new(text.clone(), text)
}

/// Every expectation of the probe, tested against the exchange.
pub fn evaluate(probe: &Probe, exchange: &Exchange, captured: &Captured) -> Vec<Check> {
    let Some(response) = &exchange.response else {
        let mut actual = exchange
            .error
            .as_ref()
            .map(|error| {
                let code = error.kind.code();
                // The transport's detail is a library's or the OS's sentence, kept
                // as written and marked as such.
                let detail = error.message.replace('`', "'");
                Text::new(
                    format!("{code}: {}; rincian: `{detail}`", error.kind.indonesian()),
                    format!("{code}: {}", error.message),
                )
            })
            .unwrap_or_else(|| Text::new("tidak ada respons", "no response"));
        if let Some(received) = &exchange.received {
            let status = received.status;
            actual
                .id
                .push_str(&format!(" (setelah status {status} diterima)"));
            actual
                .en
                .push_str(&format!(" (after status {status} arrived)"));
        }
        return vec![said(
            Text::new("respons", "response"),
            Text::new("respons lengkap", "a complete response"),
            actual,
            false,
        )];
    };
    let mut checks = Vec::new();
    let expect = &probe.expect;
    let status_expected = match &expect.status {
        None => Text::new("2xx (bawaan)", "2xx (default)"),
        Some(StatusExpectation::OneOf(patterns)) => {
            let patterns: Vec<String> = patterns.iter().map(ToString::to_string).collect();
            Text::new(patterns.join(" atau "), patterns.join(" or "))
        }
        Some(StatusExpectation::Matcher(matcher)) => matcher.described(),
    };
    checks.push(said(
        same("status"),
        status_expected,
        same(response.status.to_string()),
        status_accepted(probe, response.status),
    ));
    if let Some(limit) = expect.latency {
        checks.push(said(
            Text::new("waktu respons", "latency"),
            Text::new(
                format!("<= {}", lang::duration(limit, Lang::Id)),
                format!("<= {}", format_duration(limit)),
            ),
            Text::new(
                lang::duration(exchange.latency, Lang::Id),
                format_duration(exchange.latency),
            ),
            exchange.latency <= limit,
        ));
    }
    for (name, matcher) in &expect.headers {
        checks.push(check_header(name, matcher, response, captured));
    }
    if let Some(matcher) = &expect.body {
        let text = [Value::String(response.text.clone())];
        checks.push(check(same("body"), matcher, &text, captured));
    }
    if !expect.json.is_empty() || expect.schema.is_some() {
        let document = JsonBody::parse(&response.body);
        for (path, matcher) in &expect.json {
            let what = same(format!("json {}", path.source));
            checks.push(match &document {
                Some(document) => match document.query(path) {
                    Ok(nodes) => check(what, matcher, &nodes, captured),
                    Err(ambiguous) => said(what, matcher.described(), ambiguous, false),
                },
                None => not_json(what, matcher.described(), response),
            });
        }
        if let Some(schema) = &expect.schema {
            let what = Text::new(
                format!("skema `{}`", schema.file),
                format!("schema {}", schema.file),
            );
            let expected = Text::new("sesuai skema", "valid against the schema");
            checks.push(match &document {
                Some(document) => {
                    let mut errors: Vec<Text> = Vec::new();
                    for (reading, value) in document.readings() {
                        for error in schema.validator.iter_errors(value).take(3) {
                            let at = error.instance_path();
                            // The validator's sentence is the library's, kept as
                            // written.
                            let error = Text::new(
                                format!(
                                    "`{}` di `{at}`{}",
                                    error.to_string().replace('`', "'"),
                                    reading.id
                                ),
                                format!("{error} at `{at}`{}", reading.en),
                            );
                            if !errors.contains(&error) {
                                errors.push(error);
                            }
                        }
                    }
                    let passed = errors.is_empty();
                    let actual = if passed {
                        Text::new("sesuai", "valid")
                    } else {
                        Text::new(
                            format!(
                                "tidak sesuai; pesan validator skema: {}",
                                errors
                                    .iter()
                                    .map(|e| e.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            ),
                            errors
                                .iter()
                                .map(|e| e.en.as_str())
                                .collect::<Vec<_>>()
                                .join("; "),
                        )
                    };
                    said(what, expected, actual, passed)
                }
                None => not_json(what, expected, response),
            });
        }
    }
    checks
}

fn check(
    what: Text,
    matcher: &input::scenario::matcher::Matcher,
    nodes: &[Value],
    captured: &Captured,
) -> Check {
    let result = matcher.check(nodes, &captured.text);
    let passed = result.is_ok();
    said(
        what,
        matcher.described(),
        match result {
            Ok(()) => show_nodes(nodes),
            Err(why) => why,
        },
        passed,
    )
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
    let passed = result.is_ok();
    let shown = shown_lines(
        response
            .headers
            .iter()
            .filter(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str()),
    );
    said(
        // A header's name is the service's word (`x-powered-by`), shown as code.
        Text::new(format!("header `{name}`"), format!("header {name}")),
        matcher.described(),
        match result {
            Ok(()) => shown,
            Err(why) if lines.is_empty() => why,
            Err(why) => Text::new(
                format!("{}; dikirim: {}", why.id, shown.id),
                format!("{}; sent: {}", why.en, shown.en),
            ),
        },
        passed,
    )
}

/// `"a"` for one line, `1) "a" 2) "b"` for several: every line, each cut at
/// [`SHOWN_LINE_CHARS`], up to [`SHOWN_LINES`] and a count of the rest.
fn shown_lines<'a>(lines: impl Iterator<Item = &'a str>) -> Text {
    let lines: Vec<&str> = lines.collect();
    let quote = |line: &str| {
        let mut text: String = line.chars().take(SHOWN_LINE_CHARS).collect();
        if line.chars().count() > SHOWN_LINE_CHARS {
            text.push('…');
        }
        Value::String(text).to_string()
    };
    match lines.as_slice() {
        [] => Text::new("tidak ada", "nothing"),
        [one] => same(quote(one)),
        many => {
            let shown: Vec<String> = many
                .iter()
                .take(SHOWN_LINES)
                .enumerate()
                .map(|(index, line)| format!("{}) {}", index + 1, quote(line)))
                .collect();
            let shown = shown.join(" ");
            if many.len() > SHOWN_LINES {
                let more = many.len() - SHOWN_LINES;
                Text::new(
                    format!("{shown} dan {more} baris lainnya"),
                    format!("{shown} and {more} more lines"),
                )
            } else {
                same(shown)
            }
        }
    }
}

fn not_json(what: Text, expected: Text, response: &Response) -> Check {
    let content_type = response
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.as_str());
    let actual = match content_type {
        Some(content_type) => Text::new(
            format!("isi bukan JSON ({content_type})"),
            format!("body is not JSON ({content_type})"),
        ),
        None => Text::new(
            "isi bukan JSON (tanpa Content-Type)",
            "body is not JSON (no Content-Type)",
        ),
    };
    said(what, expected, actual, false)
}

/// The check of a capture that took no value: `why` is what [`take`] said.
pub fn capture_check(capture: &Capture, why: Text) -> Check {
    let source = describe(capture);
    said(
        Text::new(
            format!("capture `{}`", capture.name),
            format!("capture {}", capture.name),
        ),
        Text::new(
            format!("tepat satu nilai dari {}", source.id),
            format!("exactly one value from {}", source.en),
        ),
        why,
        false,
    )
}

/// The value a capture takes from a response, as text and as JSON; `Err` says why
/// there is none, in both languages.
pub fn take(capture: &Capture, response: &Response) -> Result<(String, Value), Text> {
    let nothing = || Text::new("tidak ada yang ditangkap", "nothing captured");
    match &capture.source {
        CaptureSource::Json(path) => {
            let document = JsonBody::parse(&response.body).ok_or_else(nothing)?;
            let nodes = document.query(path)?;
            let [node] = <[Value; 1]>::try_from(nodes).map_err(|nodes| {
                let count = nodes.len();
                if count == 0 {
                    nothing()
                } else {
                    Text::new(format!("{count} nilai"), format!("{count} values"))
                }
            })?;
            let text = match &node {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            Ok((text, node))
        }
        CaptureSource::Header { name, pattern } => {
            let line = response.header(name).ok_or_else(nothing)?;
            let text = match pattern {
                Some(pattern) => first_group(pattern, line).ok_or_else(nothing)?,
                None => line.to_string(),
            };
            Ok((text.clone(), Value::String(text)))
        }
        CaptureSource::Cookie(name) => {
            let text = response
                .header_lines("set-cookie")
                .find_map(|line| cookie_value(line, name))
                .ok_or_else(nothing)?;
            Ok((text.clone(), Value::String(text)))
        }
        CaptureSource::BodyRegex(regex) => {
            let text = first_group(regex, &response.text).ok_or_else(nothing)?;
            Ok((text.clone(), Value::String(text)))
        }
    }
}

/// The first group of `regex`'s first match in `text`, or the whole match when
/// it has no group.
fn first_group(regex: &regex::Regex, text: &str) -> Option<String> {
    let found = regex.captures(text)?;
    Some(found.get(1).or_else(|| found.get(0))?.as_str().to_string())
}

/// The value a `Set-Cookie` line gives the cookie `name` (RFC 6265: the name is
/// compared exactly, the value ends at the first `;`, surrounding quotes kept).
fn cookie_value(line: &str, name: &str) -> Option<String> {
    let pair = line.split(';').next()?;
    let (cookie, value) = pair.split_once('=')?;
    (cookie.trim() == name).then(|| value.trim().to_string())
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
    fn readings(&self) -> Vec<(Text, &Value)> {
        match &self.first {
            None => vec![(same(""), &self.last)],
            Some(first) => vec![
                (
                    Text::new(
                        " (kunci berulang dibaca dengan nilai pertamanya)",
                        " (repeated keys read with their first value)",
                    ),
                    first,
                ),
                (
                    Text::new(
                        " (kunci berulang dibaca dengan nilai terakhirnya)",
                        " (repeated keys read with their last value)",
                    ),
                    &self.last,
                ),
            ],
        }
    }

    /// The nodes `path` selects; `Err` when the two readings disagree.
    pub fn query(&self, path: &JsonPathExpectation) -> Result<Vec<Value>, Text> {
        let source = &path.source;
        let select = |value: &Value| -> Vec<Value> {
            path.path.query(value).all().into_iter().cloned().collect()
        };
        let last = select(&self.last);
        if let Some(first) = &self.first {
            let first = select(first);
            if first != last {
                let keys = self
                    .repeated
                    .iter()
                    .map(|key| format!("`{key}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let (first, last) = (show_nodes(&first), show_nodes(&last));
                return Err(Text::new(
                    format!(
                        "ambigu: isi mengulang kunci {keys} dan klien berbeda dalam memilih \
                         nilai yang berlaku: `{source}` bernilai {} menurut nilai pertama, {} \
                         menurut nilai terakhir",
                        first.id, last.id
                    ),
                    format!(
                        "ambiguous: the body repeats the key {keys} and clients disagree on \
                         which value counts: {source} is {} with the first value, {} with the \
                         last",
                        first.en, last.en
                    ),
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
pub fn describe(capture: &Capture) -> Text {
    match &capture.source {
        CaptureSource::Json(path) => same(path.source.clone()),
        CaptureSource::Header {
            name,
            pattern: None,
        } => same(format!("header {name}")),
        CaptureSource::Header {
            name,
            pattern: Some(pattern),
        } => same(format!("header {name} /{}/", pattern.as_str())),
        CaptureSource::Cookie(name) => same(format!("cookie {name}")),
        CaptureSource::BodyRegex(regex) => Text::new(
            format!("`body_regex` /{}/", regex.as_str()),
            format!("body /{}/", regex.as_str()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use observe::exchange::TransportKind;

    fn path(source: &str) -> JsonPathExpectation {
        JsonPathExpectation {
            source: source.to_string(),
            path: serde_json_path::JsonPath::parse(source).expect("path"),
        }
    }

    /// The probe of a one-probe scenario whose `expect:` holds `yaml` (indented
    /// six spaces), loaded from `dir` (where a `schema:` file is read).
    fn probe_expecting(yaml: &str, dir: &std::path::Path) -> Probe {
        use input::scenario::{Environment, LoadSettings, Loaded, Source, load_all};
        let text = format!(
            "version: 1\nservice: {{ id: t, base_url: \"https://www.contohkab.go.id\" }}\nprobes:\n  - id: masuk\n    request: {{ path: /wp-login.php }}\n    expect:\n{yaml}"
        );
        let settings = LoadSettings {
            env: Environment::empty(),
            ..LoadSettings::default()
        };
        let source = Source {
            name: dir.join("t.yaml").display().to_string(),
            bytes: text.into_bytes(),
            named: true,
        };
        match load_all(&[source], &settings, &mut Vec::new()).pop() {
            Some(Loaded::Ready { scenario, .. }) => scenario.probes[0].clone(),
            Some(Loaded::Failed(failure)) => panic!("{}", failure.render(input::lang::Lang::En)),
            None => panic!("nothing loaded"),
        }
    }

    fn header_matchers(yaml: &str) -> Vec<(String, input::scenario::matcher::Matcher)> {
        probe_expecting(
            &format!("      headers:\n{yaml}"),
            std::path::Path::new("."),
        )
        .expect
        .headers
        .clone()
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
        let captured = Captured::default();
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
        // The word list finds the English these checks say.
        assert_eq!(english_words(&check.actual), ["the", "was", "not", "sent"]);
    }

    /// The tool's own English words that these checks say in English; what the
    /// service sent and what the scenario wrote (quoted, in backticks, paths,
    /// `key=value`) is not counted. The list of tests/lang_id.rs, with the words
    /// of these messages.
    fn english_words(text: &str) -> Vec<String> {
        const WORDS: &[&str] = &[
            "a",
            "after",
            "against",
            "ambiguous",
            "and",
            "any",
            "arrived",
            "at",
            "be",
            "by",
            "cannot",
            "captured",
            "clients",
            "complete",
            "contain",
            "count",
            "default",
            "disagree",
            "does",
            "each",
            "every",
            "exactly",
            "exists",
            "expected",
            "first",
            "found",
            "from",
            "has",
            "in",
            "is",
            "last",
            "latency",
            "length",
            "line",
            "lines",
            "match",
            "matches",
            "more",
            "no",
            "none",
            "not",
            "nothing",
            "number",
            "of",
            "one",
            "or",
            "read",
            "repeated",
            "repeats",
            "response",
            "schema",
            "selected",
            "sent",
            "string",
            "than",
            "the",
            "type",
            "valid",
            "value",
            "values",
            "was",
            "were",
            "which",
            "with",
        ];
        let mut prose = String::new();
        let mut quote: Option<char> = None;
        for c in text.chars() {
            match (quote, c) {
                (None, '`' | '"') => quote = Some(c),
                (Some(open), _) if c == open => quote = None,
                (None, _) => prose.push(c),
                (Some(_), _) => {}
            }
        }
        prose
            .split_whitespace()
            .filter(|token| !token.contains(['/', '=', '$']))
            .flat_map(|token| token.split(|c: char| !c.is_alphanumeric()))
            .map(str::to_lowercase)
            .filter(|word| WORDS.contains(&word.as_str()))
            .collect()
    }

    /// The Indonesian of a check, as a report in `id` shows it: no English word of
    /// the tool, and every secret masked as in the English.
    fn assert_indonesian(check: &Check) {
        for text in check.indonesian() {
            let english = english_words(text);
            assert!(english.is_empty(), "{english:?} in {text:?} ({check:?})");
            assert!(!text.contains("secret"), "{text}");
        }
    }

    #[test]
    fn header_checks_read_in_indonesian_with_every_line_redacted() {
        let check = header_check("        set-cookie: { contains: PHPSESSID }\n");
        assert_eq!(check.expected, "contains \"PHPSESSID\"");
        assert_eq!(check.expected_id, "`contains` \"PHPSESSID\"");
        assert!(
            check.actual_id.starts_with(
                "tidak ada baris dari 5 baris yang memenuhi `contains` \"PHPSESSID\"; dikirim: 1) "
            ),
            "{}",
            check.actual_id
        );
        assert!(
            check
                .actual_id
                .contains("3) \"wordpress_logged_in_ab12=***; path=/; secure; HttpOnly\""),
            "{}",
            check.actual_id
        );
        assert_indonesian(&check);
        let check = header_check("        set-cookie: { not_matches: \"^wp-settings-\" }\n");
        assert!(
            check
                .actual_id
                .starts_with("baris 4 dari 5 baris memenuhi `matches` /^wp-settings-/; dikirim: "),
            "{}",
            check.actual_id
        );
        assert_indonesian(&check);
        let check = header_check("        x-powered-by: { exists: true }\n");
        assert_eq!(check.actual_id, "header tidak dikirim");
        assert_eq!(check.expected_id, "`exists: true`");
        assert_indonesian(&check);
        let check = header_check("        content-type: { contains: text/html }\n");
        assert!(check.passed);
        // A value as sent says the same in both languages.
        assert_eq!(check.actual_id, "");
        assert_indonesian(&check);
    }

    #[test]
    fn more_header_lines_than_shown_are_counted_in_both_languages() {
        let lines: Vec<String> = (1..=23).map(|n| format!("a{n}=1")).collect();
        let shown = shown_lines(lines.iter().map(String::as_str));
        assert!(
            shown.en.ends_with("20) \"a20=1\" and 3 more lines"),
            "{}",
            shown.en
        );
        assert!(
            shown.id.ends_with("20) \"a20=1\" dan 3 baris lainnya"),
            "{}",
            shown.id
        );
        assert_eq!(
            shown_lines(std::iter::empty()),
            Text::new("tidak ada", "nothing")
        );
    }

    fn exchange(response: Option<Response>) -> Exchange {
        Exchange {
            method: "GET".into(),
            url: "https://www.contohkab.go.id/api".into(),
            final_url: "https://www.contohkab.go.id/api".into(),
            request_headers: Vec::new(),
            redirects: Vec::new(),
            response,
            error: None,
            received: None,
            started_at: std::time::SystemTime::UNIX_EPOCH,
            latency: std::time::Duration::from_millis(1250),
            timings: observe::timing::Timings::default(),
        }
    }

    fn json_response(body: &str, content_type: Option<&str>) -> Response {
        Response {
            headers: content_type
                .map(|value| vec![("content-type".to_string(), value.to_string())])
                .unwrap_or_default(),
            body: bytes::Bytes::from(body.to_string()),
            text: body.to_string(),
            ..login_response()
        }
    }

    fn no_captures() -> Captured {
        Captured::default()
    }

    fn find<'a>(checks: &'a [Check], what: &str) -> &'a Check {
        checks
            .iter()
            .find(|check| check.what == what)
            .unwrap_or_else(|| panic!("no {what} in {checks:?}"))
    }

    #[test]
    fn body_json_status_and_latency_checks_read_in_both_languages() {
        let probe = probe_expecting(
            "      status: [200, 201]\n      latency: 1s\n      body: { not_contains: unsafe-inline }\n      json:\n        $.status: { in: [TERBIT, SELESAI] }\n        $.nomor: { type: string, len: { ge: 1 } }\n",
            std::path::Path::new("."),
        );
        let body = r#"{"status": "DIPROSES", "csp": "script-src 'unsafe-inline'"}"#;
        let response = json_response(body, Some("application/json"));
        let checks = evaluate(&probe, &exchange(Some(response)), &no_captures());
        for check in &checks {
            assert_indonesian(check);
        }
        let status = find(&checks, "status");
        assert_eq!(
            (status.expected.as_str(), status.expected_id.as_str()),
            ("200 or 201", "200 atau 201")
        );
        let latency = find(&checks, "latency");
        assert_eq!(latency.what_id, "waktu respons");
        assert_eq!(
            (latency.expected.as_str(), latency.actual.as_str()),
            ("<= 1 s", "1.25 s")
        );
        assert_eq!(latency.indonesian(), ["waktu respons", "<= 1 s", "1,25 s"]);
        let body_check = find(&checks, "body");
        assert!(!body_check.passed);
        assert_eq!(body_check.expected, "does not contain \"unsafe-inline\"");
        assert_eq!(body_check.expected_id, "`not_contains` \"unsafe-inline\"");
        let status = find(&checks, "json $.status");
        assert_eq!(status.expected, "one of [\"TERBIT\", \"SELESAI\"]");
        assert_eq!(status.expected_id, "`in` [\"TERBIT\", \"SELESAI\"]");
        assert_eq!(status.actual, "\"DIPROSES\"");
        let number = find(&checks, "json $.nomor");
        assert_eq!(number.expected, "of type string and length >= 1");
        assert_eq!(number.expected_id, "`type: string` dan `len` >= 1");
        assert_eq!(number.actual, "selected 0 nodes");
        assert_eq!(number.actual_id, "tidak ada node yang terpilih");

        let html = json_response("<html></html>", Some("text/html; charset=UTF-8"));
        let checks = evaluate(&probe, &exchange(Some(html)), &no_captures());
        let status = find(&checks, "json $.status");
        assert_eq!(status.actual, "body is not JSON (text/html; charset=UTF-8)");
        assert_eq!(
            status.actual_id,
            "isi bukan JSON (text/html; charset=UTF-8)"
        );
        assert_indonesian(status);
        let bare = json_response("<html></html>", None);
        let checks = evaluate(&probe, &exchange(Some(bare)), &no_captures());
        assert_eq!(
            find(&checks, "json $.status").actual_id,
            "isi bukan JSON (tanpa Content-Type)"
        );

        let repeated = json_response(r#"{"status": "TERBIT", "status": "DITOLAK"}"#, None);
        let checks = evaluate(&probe, &exchange(Some(repeated)), &no_captures());
        let status = find(&checks, "json $.status");
        assert!(
            status
                .actual
                .starts_with("ambiguous: the body repeats the key `status`"),
            "{}",
            status.actual
        );
        assert_eq!(
            status.actual_id,
            "ambigu: isi mengulang kunci `status` dan klien berbeda dalam memilih nilai yang \
             berlaku: `$.status` bernilai \"TERBIT\" menurut nilai pertama, \"DITOLAK\" menurut \
             nilai terakhir"
        );
        assert_indonesian(status);
    }

    #[test]
    fn schema_checks_read_in_both_languages() {
        let dir = std::env::temp_dir().join(format!("ujilab-expect-schema-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(
            dir.join("tiket.json"),
            r#"{"type": "object", "required": ["nomor"], "properties": {"nomor": {"type": "string"}}}"#,
        )
        .expect("schema");
        let probe = probe_expecting("      schema: tiket.json\n", &dir);
        let run = |body: &str| {
            let checks = evaluate(
                &probe,
                &exchange(Some(json_response(body, Some("application/json")))),
                &no_captures(),
            );
            find(&checks, "schema tiket.json").clone()
        };
        let valid = run(r#"{"nomor": "T-1"}"#);
        assert!(valid.passed);
        assert_eq!(
            (
                valid.what_id.as_str(),
                valid.expected_id.as_str(),
                valid.actual_id.as_str()
            ),
            ("skema `tiket.json`", "sesuai skema", "sesuai")
        );
        assert_eq!(
            (valid.expected.as_str(), valid.actual.as_str()),
            ("valid against the schema", "valid")
        );
        assert_indonesian(&valid);
        let invalid = run(r#"{"nomor": 7, "nomor": "T-7"}"#);
        assert!(!invalid.passed);
        assert!(
            invalid
                .actual
                .contains(" at `/nomor` (repeated keys read with their first value)"),
            "{}",
            invalid.actual
        );
        assert!(
            invalid
                .actual_id
                .starts_with("tidak sesuai; pesan validator skema: `"),
            "{}",
            invalid.actual_id
        );
        assert!(
            invalid
                .actual_id
                .contains(" di `/nomor` (kunci berulang dibaca dengan nilai pertamanya)"),
            "{}",
            invalid.actual_id
        );
        assert_indonesian(&invalid);
        let not_json = run("nomor=7");
        assert_eq!(not_json.actual_id, "isi bukan JSON (application/json)");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn a_capture_without_a_value_and_a_secret_read_in_both_languages() {
        let capture = Capture {
            name: "tiket".into(),
            source: CaptureSource::BodyRegex(regex::Regex::new("T-(\\d+)").expect("regex")),
            secret: false,
        };
        let why = take(&capture, &json_response("tidak ada", None)).expect_err("nothing");
        let check = capture_check(&capture, why);
        assert_eq!(check.expected, "exactly one value from body /T-(\\d+)/");
        assert_eq!(
            check.indonesian(),
            [
                "capture `tiket`",
                "tepat satu nilai dari `body_regex` /T-(\\d+)/",
                "tidak ada yang ditangkap"
            ]
        );
        assert_indonesian(&check);
        let capture = Capture {
            name: "nomor".into(),
            source: CaptureSource::Json(path("$.items[*]")),
            secret: false,
        };
        let why = take(&capture, &json_response(r#"{"items": [1, 2]}"#, None)).expect_err("two");
        assert_eq!(why, Text::new("2 nilai", "2 values"));

        // What run_probe does once a secret is known: both languages masked alike.
        let probe = probe_expecting(
            "      headers:\n        x-token: { eq: s3cr3t-t0ken }\n",
            std::path::Path::new("."),
        );
        let mut response = json_response("{}", None);
        response.headers = vec![("x-token".into(), "s3cr3t-t0ken-2".into())];
        let mut checks = evaluate(&probe, &exchange(Some(response)), &no_captures());
        let redactor = observe::redact::Redactor::new(Vec::new()).with_secret("s3cr3t-t0ken");
        for check in &mut checks {
            check.change_texts(|text| redactor.redact(text).into_owned());
        }
        let token = find(&checks, "header x-token");
        assert!(
            !token.expected_id.is_empty() || !token.actual_id.is_empty(),
            "{token:?}"
        );
        for text in [
            &token.expected,
            &token.actual,
            &token.expected_id,
            &token.actual_id,
        ] {
            assert!(!text.contains("s3cr3t"), "{text}");
        }
        assert_indonesian(token);
    }

    #[test]
    fn a_transport_failure_reads_in_both_languages() {
        let probe = probe_expecting("      status: 200\n", std::path::Path::new("."));
        let mut failed = exchange(None);
        failed.error = Some(observe::exchange::TransportError {
            kind: TransportKind::Timeout,
            message: "no complete response within 10 s".into(),
        });
        failed.received = Some(observe::exchange::ReceivedHead {
            status: 200,
            version: "HTTP/1.1".into(),
            headers: Vec::new(),
        });
        let [check] =
            <[Check; 1]>::try_from(evaluate(&probe, &failed, &no_captures())).expect("one");
        assert_eq!(check.what, "response");
        assert_eq!(check.what_id, "respons");
        assert_eq!(check.expected, "a complete response");
        assert_eq!(check.expected_id, "respons lengkap");
        assert_eq!(
            check.actual,
            "timeout: no complete response within 10 s (after status 200 arrived)"
        );
        assert_eq!(
            check.actual_id,
            "timeout: batas waktu habis; rincian: `no complete response within 10 s` (setelah status 200 diterima)"
        );
        assert_indonesian(&check);
        let nothing = evaluate(&probe, &exchange(None), &no_captures());
        assert_eq!(nothing[0].actual, "no response");
        assert_eq!(nothing[0].actual_id, "tidak ada respons");
        for kind in TransportKind::ALL {
            assert!(english_words(kind.indonesian()).is_empty(), "{kind}");
        }
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
        let status = body.query(&path("$.status")).expect_err("ambiguous").en;
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
