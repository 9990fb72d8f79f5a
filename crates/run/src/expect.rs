//! Testing a response against a probe's expectations, and taking its captures.
//! Pure functions of the exchange: no I/O.

use serde_json::Value;

use input::quantity::format_duration;
use input::scenario::matcher::show_nodes;
use input::scenario::{Capture, Probe, status_accepted};
use input::scenario::{CaptureSource, StatusExpectation};
use observe::exchange::{Exchange, Response};
use observe::observations::Check;

use crate::request::Captured;

/// Every expectation of the probe, tested against the exchange.
pub fn evaluate(probe: &Probe, exchange: &Exchange, captured: &Captured) -> Vec<Check> {
    let Some(response) = &exchange.response else {
        let actual = exchange
            .error
            .as_ref()
            .map(|error| format!("{}: {}", error.kind.code(), error.message))
            .unwrap_or_else(|| "no response".to_string());
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
        // Matchers see the header as received; the report shows it as redacted, so
        // a cookie or credential value never reaches a report through a check.
        let lines: Vec<Value> = response
            .header_lines(name)
            .map(|value| Value::String(value.to_string()))
            .collect();
        let mut result = check(format!("header {name}"), matcher, &lines, captured);
        if is_credential_header(name) {
            let shown: Vec<Value> = response
                .headers
                .iter()
                .filter(|(header, _)| header.eq_ignore_ascii_case(name))
                .map(|(_, value)| Value::String(value.clone()))
                .collect();
            result.actual = show_nodes(&shown);
        }
        checks.push(result);
    }
    if let Some(matcher) = &expect.body {
        let text = [Value::String(response.text.clone())];
        checks.push(check("body".into(), matcher, &text, captured));
    }
    if !expect.json.is_empty() || expect.schema.is_some() {
        let document = serde_json::from_slice::<Value>(&response.body).ok();
        for (path, matcher) in &expect.json {
            let what = format!("json {}", path.source);
            checks.push(match &document {
                Some(document) => {
                    let nodes: Vec<Value> = path
                        .path
                        .query(document)
                        .all()
                        .into_iter()
                        .cloned()
                        .collect();
                    check(what, matcher, &nodes, captured)
                }
                None => not_json(what, matcher.to_string(), response),
            });
        }
        if let Some(schema) = &expect.schema {
            let what = format!("schema {}", schema.file);
            checks.push(match &document {
                Some(document) => {
                    let errors: Vec<String> = schema
                        .validator
                        .iter_errors(document)
                        .take(3)
                        .map(|error| format!("{} at `{}`", error, error.instance_path()))
                        .collect();
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

fn is_credential_header(name: &str) -> bool {
    [
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
    ]
    .iter()
    .any(|credential| name.eq_ignore_ascii_case(credential))
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

/// The value a capture takes from a response, as text and as JSON.
pub fn take(capture: &Capture, response: &Response) -> Option<(String, Value)> {
    match &capture.source {
        CaptureSource::Json(path) => {
            let document = serde_json::from_slice::<Value>(&response.body).ok()?;
            let node = path.path.query(&document).exactly_one().ok()?.clone();
            let text = match &node {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            Some((text, node))
        }
        CaptureSource::Header(name) => response
            .header(name)
            .map(|value| (value.to_string(), Value::String(value.to_string()))),
        CaptureSource::BodyRegex(regex) => {
            let found = regex.captures(&response.text)?;
            let text = found.get(1).or_else(|| found.get(0))?.as_str().to_string();
            Some((text.clone(), Value::String(text)))
        }
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
