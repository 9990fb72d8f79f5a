//! Turning a probe and the values captured so far into the request to send.

use std::collections::HashMap;

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use input::scenario::JsonTemplate;
use input::scenario::join_path;
use input::scenario::{Body, Probe, Scenario, Target};

use crate::exchange::RequestSpec;

/// Values captured in the functional pass: as text for templates, and as JSON
/// so that `json: { n: "${n}" }` keeps a captured number a number; and the OAuth2
/// tokens it obtained, which availability and load send as they were left.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    pub text: HashMap<String, String>,
    pub json: HashMap<String, Value>,
    pub oauth2: crate::oauth2::Tokens,
}

/// RFC 3986 unreserved characters stay; everything else is encoded (space as %20).
const QUERY_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `Err` names a capture that has no value.
pub fn build(
    scenario: &Scenario,
    probe: &Probe,
    captured: &Captured,
) -> Result<RequestSpec, String> {
    let render = |template: &input::scenario::Template| template.render(&captured.text);
    let mut url = match &probe.target {
        Target::Path(path) => join_path(&scenario.service.base_url, &render(path)?),
        Target::Url(url) => {
            let text = render(url)?;
            url::Url::parse(&text).map_err(|error| format!("`{text}` is not a URL: {error}"))?
        }
    };
    if !probe.query.is_empty() {
        let mut query = url.query().unwrap_or_default().to_string();
        for (name, value) in &probe.query {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(&utf8_percent_encode(name, QUERY_COMPONENT).to_string());
            query.push('=');
            query.push_str(&utf8_percent_encode(&render(value)?, QUERY_COMPONENT).to_string());
        }
        url.set_query(Some(&query));
    }

    let mut headers: Vec<(String, String)> = Vec::new();
    for (name, value) in &probe.headers {
        headers.push((name.clone(), render(value)?));
    }
    let has_header = |headers: &[(String, String)], wanted: &str| {
        headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case(wanted))
    };
    let body = match &probe.body {
        Body::None => None,
        Body::Raw(template) => Some(Bytes::from(render(template)?)),
        Body::Json(json) => {
            if !has_header(&headers, "content-type") {
                headers.push(("Content-Type".into(), "application/json".into()));
            }
            Some(Bytes::from(render_json(json, captured)?.to_string()))
        }
        Body::Form(fields) => {
            if !has_header(&headers, "content-type") {
                headers.push((
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
            }
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            for (name, value) in fields {
                form.append_pair(name, &render(value)?);
            }
            Some(Bytes::from(form.finish()))
        }
    };
    if !has_header(&headers, "accept-encoding") {
        headers.push(("Accept-Encoding".into(), "gzip, br, zstd".into()));
    }
    let mut spec = RequestSpec {
        method: probe.method.clone(),
        url,
        headers,
        body,
        timeout: probe.timeout,
        max_redirects: probe.max_redirects,
        max_body: probe.max_body,
    };
    if let Some(token) = probe
        .oauth2
        .as_ref()
        .and_then(|client| captured.oauth2.current(client))
    {
        crate::oauth2::authorize(&mut spec, token);
    }
    Ok(spec)
}

fn render_json(json: &JsonTemplate, captured: &Captured) -> Result<Value, String> {
    Ok(match json {
        JsonTemplate::Value(value) => value.clone(),
        JsonTemplate::String(template) => match template.as_whole_capture() {
            Some(name) => captured
                .json
                .get(name)
                .cloned()
                .ok_or_else(|| name.to_string())?,
            None => Value::String(template.render(&captured.text)?),
        },
        JsonTemplate::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| render_json(item, captured))
                .collect::<Result<_, _>>()?,
        ),
        JsonTemplate::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(name, value)| Ok((name.clone(), render_json(value, captured)?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}
