//! `probes_from: openapi`: the OpenAPI document read (fetched through the
//! functional session, or as loaded from a file), one probe made for each GET
//! operation that can be called (no required parameter, or an example for
//! each), and those probes sent after the written ones like any other. A
//! document that cannot be used fails a probe named `probes_from` with the
//! reason: a scenario that asked for probes never passes without them.

use std::collections::HashSet;
use std::sync::Arc;

use input::scenario::{
    OpenApiSource, OperationProbe, Probe, ProbesFrom, Scenario, StatusPattern, response_schema,
};
use input::text::Text;
use observe::observations::{Check, GeneratedProbe, ProbeOutcome, ProbeResult};
use observe::redact::Redactor;
use serde_json::Value;

use crate::client::Session;
use crate::exchange::{RequestSpec, perform};

/// The id of the result that says why no probe could be made.
pub const PROBES_FROM_ID: &str = "probes_from";

/// Operations probed at most from one document: a large API is sampled, not
/// swept (the rest are listed in `include` by whoever wants them).
const MAX_OPERATIONS: usize = 100;

/// The probes of `probes_from`, or the failed result that says why there are none.
pub enum Expansion {
    Probes(Vec<(Probe, GeneratedProbe)>),
    Failed(Box<ProbeResult>),
}

/// Reads the document and makes its probes.
pub async fn expand(
    scenario: &Scenario,
    probes_from: &ProbesFrom,
    session: &Session,
    redactor: &Redactor,
) -> Expansion {
    let (document, named, exchange) = match &probes_from.openapi {
        OpenApiSource::File { file, document } => (document.clone(), file.clone(), None),
        OpenApiSource::Url(url) => {
            let mut spec = RequestSpec::get(url.clone());
            spec.headers = scenario.request_defaults.headers.clone();
            spec.headers
                .retain(|(name, _)| !name.eq_ignore_ascii_case("accept"));
            spec.headers.push((
                "Accept".into(),
                "application/json, application/yaml;q=0.9, */*;q=0.8".into(),
            ));
            spec.timeout = scenario.request_defaults.timeout;
            spec.max_redirects = scenario.request_defaults.max_redirects;
            spec.max_body = scenario.request_defaults.max_body;
            let exchange = perform(session, &spec, redactor).await;
            let read = exchange
                .response
                .as_ref()
                .filter(|response| (200..300).contains(&response.status))
                .and_then(|response| {
                    serde_json::from_str::<Value>(&response.text)
                        .ok()
                        .or_else(|| input::scenario::raw::parse::<Value>(&response.text).ok())
                });
            let Some(document) = read else {
                let why = match (&exchange.response, &exchange.error) {
                    (Some(response), _) if !(200..300).contains(&response.status) => Text::new(
                        format!("dokumen OpenAPI: HTTP {} di {url}", response.status),
                        format!("the OpenAPI document: HTTP {} at {url}", response.status),
                    ),
                    (Some(_), _) => Text::new(
                        format!("dokumen OpenAPI di {url} bukan JSON atau YAML"),
                        format!("the OpenAPI document at {url} is not JSON or YAML"),
                    ),
                    (None, error) => {
                        let kind = error.as_ref().map_or("", |e| e.kind.code());
                        Text::new(
                            format!("dokumen OpenAPI di {url} tidak dapat diambil ({kind})"),
                            format!("the OpenAPI document at {url} could not be fetched ({kind})"),
                        )
                    }
                };
                return Expansion::Failed(Box::new(failed(why, Some(exchange))));
            };
            (Arc::new(document), url.to_string(), Some(exchange))
        }
    };
    match operations(scenario, probes_from, &document, &named) {
        Ok(made) if made.is_empty() => Expansion::Failed(Box::new(failed(
            Text::new(
                "dokumen OpenAPI tidak memuat operasi GET yang dapat dipanggil (tanpa parameter wajib, atau dengan contoh untuk setiap parameter wajib) yang dipilih include/exclude",
                "the OpenAPI document has no GET operation to call (without required parameters, or with an example for each) that include/exclude keep",
            ),
            exchange,
        ))),
        Ok(made) => Expansion::Probes(made),
        Err(why) => Expansion::Failed(Box::new(failed(why, exchange))),
    }
}

/// What the generated probes did: their results (or the one failed result
/// that says why there are none), which operations they came from, and
/// whether the pass ran to the end (not stopped).
pub struct Sent {
    pub results: Vec<ProbeResult>,
    pub generated: Vec<GeneratedProbe>,
    pub complete: bool,
}

/// Expands `probes_from` and sends its probes, in order, after the written
/// ones; stopped at once by `cancel`, as the written ones are.
pub async fn send(
    scenario: &Scenario,
    probes_from: &ProbesFrom,
    session: &Session,
    captured: &mut crate::request::Captured,
    redactor: &mut Redactor,
    cancel: &crate::Cancel,
    events: &crate::Events,
) -> Sent {
    let mut sent = Sent {
        results: Vec::new(),
        generated: Vec::new(),
        complete: true,
    };
    let expanded = tokio::select! {
        biased;
        () = cancel.cancelled() => None,
        expanded = expand(scenario, probes_from, session, redactor) => Some(expanded),
    };
    let made = match expanded {
        None => {
            sent.complete = false;
            return sent;
        }
        Some(Expansion::Failed(result)) => {
            sent.results.push(*result);
            return sent;
        }
        Some(Expansion::Probes(made)) => made,
    };
    events.send(crate::Event::ProbesAdded {
        scenario: scenario.identity(),
        count: made.len(),
    });
    for (probe, generated) in made {
        let result = tokio::select! {
            biased;
            () = cancel.cancelled() => None,
            result = crate::run_probe(scenario, &probe, session, captured, redactor) => Some(result),
        };
        let Some(result) = result else {
            sent.complete = false;
            break;
        };
        events.send(crate::Event::ProbeFinished {
            scenario: scenario.identity(),
            passed: result.passed(),
        });
        sent.results.push(result);
        sent.generated.push(generated);
    }
    sent
}

/// A failed `probes_from` result with its reason (and the document's exchange
/// as evidence, when it was fetched).
fn failed(why: Text, exchange: Option<observe::exchange::Exchange>) -> ProbeResult {
    ProbeResult {
        id: PROBES_FROM_ID.to_string(),
        outcome: ProbeOutcome::Failed,
        exchange,
        checks: vec![Check {
            what: "probes_from".into(),
            expected: "probes from the OpenAPI document".into(),
            actual: why.en.clone(),
            what_id: String::new(),
            expected_id: "probe dari dokumen OpenAPI".into(),
            actual_id: why.id,
            passed: false,
        }],
        ..ProbeResult::default()
    }
}

/// One probe per GET operation that can be called, in document order.
fn operations(
    scenario: &Scenario,
    probes_from: &ProbesFrom,
    document: &Value,
    named: &str,
) -> Result<Vec<(Probe, GeneratedProbe)>, Text> {
    let version = document
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !version.starts_with("3.") {
        return Err(Text::new(
            format!("{named} bukan dokumen OpenAPI 3 (openapi: {version:?})"),
            format!("{named} is not an OpenAPI 3 document (openapi: {version:?})"),
        ));
    }
    let openapi_31 = version.starts_with("3.1");
    let mut ids: HashSet<String> = scenario.probes.iter().map(|p| p.id.clone()).collect();
    ids.insert(PROBES_FROM_ID.to_string());
    let mut made = Vec::new();
    let paths = document.get("paths").and_then(Value::as_object);
    for (template, item) in paths.into_iter().flatten() {
        if !template.starts_with('/') || made.len() >= MAX_OPERATIONS {
            continue;
        }
        let item = resolve(document, item);
        let Some(operation) = item.get("get").map(|op| resolve(document, op)) else {
            continue;
        };
        let operation_id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_string);
        if !probes_from.keeps(operation_id.as_deref(), template) {
            continue;
        }
        let Some(path) = filled_path(document, template, item, operation) else {
            continue;
        };
        let (statuses, response) = success(document, operation);
        let (content_type, schema) = match response.and_then(|r| media(document, r)) {
            Some((media_type, schema)) => {
                let schema = match schema.filter(|_| media_type.contains("json")) {
                    Some(schema) => {
                        let pointer = format!(
                            "{named}#/paths/{}/get",
                            template.replace('~', "~0").replace('/', "~1")
                        );
                        Some(response_schema(schema, document, openapi_31, pointer).map_err(
                            |error| {
                                Text::new(
                                    format!("skema respons {template} tidak dapat dibaca: `{error}`"),
                                    format!("the response schema of {template} does not compile: {error}"),
                                )
                            },
                        )?)
                    }
                    None => None,
                };
                (Some(media_type), schema)
            }
            None => (None, None),
        };
        let id = unique_id(operation_id.as_deref(), template, &mut ids);
        let made_probe = OperationProbe {
            id: id.clone(),
            operation_id: operation_id.clone(),
            template: template.clone(),
            path,
            statuses,
            content_type,
            schema,
        };
        made.push((
            made_probe.to_probe(scenario),
            GeneratedProbe {
                id,
                operation_id,
                path: template.clone(),
                document: named.to_string(),
            },
        ));
    }
    Ok(made)
}

/// A local `$ref` followed (once per level), else the value itself.
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    let mut value = value;
    for _ in 0..8 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) if reference.starts_with("#/") => {
                match document.pointer(&reference[1..]) {
                    Some(target) => value = target,
                    None => return value,
                }
            }
            _ => return value,
        }
    }
    value
}

/// The path with every required path and query parameter filled from its
/// example; `None` when one has no example (or is a header or cookie).
fn filled_path(
    document: &Value,
    template: &str,
    item: &Value,
    operation: &Value,
) -> Option<String> {
    let mut parameters: Vec<&Value> = Vec::new();
    for list in [item.get("parameters"), operation.get("parameters")] {
        for parameter in list.and_then(Value::as_array).into_iter().flatten() {
            let parameter = resolve(document, parameter);
            let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
            // An operation's parameter replaces the path item's of the same name and place.
            parameters.retain(|known| key(known) != key(parameter));
            parameters.push(parameter);
        }
    }
    let mut path = template.to_string();
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    let mut has_query = false;
    for parameter in parameters {
        let place = parameter.get("in").and_then(Value::as_str).unwrap_or("");
        let required =
            parameter.get("required").and_then(Value::as_bool) == Some(true) || place == "path";
        if !required {
            continue;
        }
        let name = parameter.get("name").and_then(Value::as_str)?;
        let example = example(document, parameter)?;
        match place {
            "path" => {
                let encoded: String = percent_encoding::utf8_percent_encode(
                    &example,
                    percent_encoding::NON_ALPHANUMERIC,
                )
                .collect();
                path = path.replace(&format!("{{{name}}}"), &encoded);
            }
            "query" => {
                query.append_pair(name, &example);
                has_query = true;
            }
            _ => return None,
        }
    }
    if path.contains('{') {
        return None;
    }
    if has_query {
        path = format!("{path}?{}", query.finish());
    }
    Some(path)
}

/// A parameter's example as text: `example`, the first of `examples`, then
/// its schema's `example`, first `examples` or `default`.
fn example(document: &Value, parameter: &Value) -> Option<String> {
    let schema = parameter
        .get("schema")
        .map(|schema| resolve(document, schema));
    let first_example = |examples: Option<&Value>| -> Option<Value> {
        match examples? {
            Value::Object(map) => map
                .values()
                .next()
                .map(|example| resolve(document, example))
                .and_then(|example| example.get("value").cloned()),
            Value::Array(items) => items.first().cloned(),
            _ => None,
        }
    };
    let value = parameter
        .get("example")
        .cloned()
        .or_else(|| first_example(parameter.get("examples")))
        .or_else(|| schema.and_then(|s| s.get("example").cloned()))
        .or_else(|| first_example(schema.and_then(|s| s.get("examples"))))
        .or_else(|| schema.and_then(|s| s.get("default").cloned()))?;
    match value {
        Value::String(text) => Some(text),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// The success statuses an operation declares and the response to read the
/// content type and schema from: the lowest 2xx code, else `2XX`, else `default`.
fn success<'a>(
    document: &'a Value,
    operation: &'a Value,
) -> (Vec<StatusPattern>, Option<&'a Value>) {
    let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
        return (Vec::new(), None);
    };
    let mut codes: Vec<(u16, &Value)> = responses
        .iter()
        .filter_map(|(key, response)| {
            let code: u16 = key.parse().ok()?;
            (200..300)
                .contains(&code)
                .then(|| (code, resolve(document, response)))
        })
        .collect();
    codes.sort_by_key(|(code, _)| *code);
    let mut statuses: Vec<StatusPattern> = codes
        .iter()
        .map(|(code, _)| StatusPattern::Code(*code))
        .collect();
    let class = responses
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("2xx"))
        .map(|(_, response)| resolve(document, response));
    if class.is_some() {
        statuses.push(StatusPattern::Class(2));
    }
    let response = codes
        .first()
        .map(|(_, response)| *response)
        .or(class)
        .or_else(|| responses.get("default").map(|r| resolve(document, r)));
    (statuses, response)
}

/// The declared media type (a JSON one first) and its schema.
fn media<'a>(document: &'a Value, response: &'a Value) -> Option<(String, Option<&'a Value>)> {
    let content = response.get("content")?.as_object()?;
    let (media_type, media) = content
        .iter()
        .find(|(media_type, _)| media_type.contains("json"))
        .or_else(|| content.iter().next())?;
    if media_type.contains('*') {
        return None;
    }
    let schema = media.get("schema").map(|schema| resolve(document, schema));
    Some((media_type.to_ascii_lowercase(), schema))
}

/// The operationId (or `get` and the path), fit for a probe id and unique.
fn unique_id(operation_id: Option<&str>, template: &str, ids: &mut HashSet<String>) -> String {
    let raw = match operation_id {
        Some(id) => id.to_string(),
        None => format!("get{}", template.replace(['{', '}'], "")),
    };
    let base: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .to_string();
    let base = if base.is_empty() {
        "operasi".to_string()
    } else {
        base
    };
    let mut id = base.clone();
    let mut counter = 2;
    while ids.contains(&id) {
        id = format!("{base}-{counter}");
        counter += 1;
    }
    ids.insert(id.clone());
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCUMENT: &str = r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},
      "paths":{
        "/health":{"get":{"operationId":"health","responses":{"200":{"description":"ok",
          "content":{"application/json":{"schema":{"$ref":"#/components/schemas/Health"}}}}}}},
        "/penduduk/{nik}":{"parameters":[{"name":"nik","in":"path","required":true,"schema":{"type":"string","example":"3299010101900001"}}],
          "get":{"operationId":"getPenduduk","responses":{"200":{"description":"ok"},"404":{"description":"no"}}}},
        "/cari":{"get":{"parameters":[{"name":"q","in":"query","required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"ok"}}}},
        "/izin":{"get":{"parameters":[{"name":"status","in":"query","required":true,"examples":{"a":{"value":"aktif"}}}],"responses":{"2XX":{"description":"ok"}}}},
        "/verifikasi":{"post":{"responses":{"200":{"description":"ok"}}}}
      },
      "components":{"schemas":{"Health":{"type":"object","required":["status"],"properties":{"status":{"enum":["UP","DOWN"]}}}}}}"##;

    fn load(extra: &str) -> Scenario {
        let text = format!(
            "version: 1\nservice: {{ id: t, base_url: \"https://x.go.id\" }}\nprobes:\n  - id: health\n    request: {{ path: / }}\n{extra}"
        );
        let source = input::scenario::Source {
            name: "t.yaml".into(),
            bytes: text.into_bytes(),
            named: true,
        };
        match input::scenario::load_all(&[source], &Default::default(), &mut Vec::new()).pop() {
            Some(input::scenario::Loaded::Ready { scenario, .. }) => *scenario,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn one_probe_per_get_operation_that_can_be_called() {
        let scenario = load("probes_from: { openapi: /openapi.json }\n");
        let document: Value = serde_json::from_str(DOCUMENT).expect("json");
        let probes_from = scenario.probes_from.clone().expect("probes_from");
        let made = operations(&scenario, &probes_from, &document, "openapi.json").expect("made");
        let shown: Vec<(String, String)> = made
            .iter()
            .map(|(probe, generated)| {
                let path = match &probe.target {
                    input::scenario::Target::Path(path) => {
                        path.render(&Default::default()).expect("literal")
                    }
                    input::scenario::Target::Url(_) => String::new(),
                };
                (generated.id.clone(), path)
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                // A written probe is called health already.
                ("health-2".to_string(), "/health".to_string()),
                (
                    "getPenduduk".to_string(),
                    "/penduduk/3299010101900001".to_string()
                ),
                ("get-izin".to_string(), "/izin?status=aktif".to_string()),
            ]
        );
        assert_eq!(made[0].1.operation_id.as_deref(), Some("health"));
        assert!(made[0].0.expect.schema.is_some());
        let validator = &made[0].0.expect.schema.as_ref().expect("schema").validator;
        assert!(validator.is_valid(&serde_json::json!({"status": "UP"})));
        assert!(!validator.is_valid(&serde_json::json!({"status": "OK"})));
        assert!(made[1].0.expect.schema.is_none());

        let only =
            load("probes_from: { openapi: /openapi.json, exclude: [\"/penduduk/*\", health] }\n");
        let probes_from = only.probes_from.clone().expect("probes_from");
        let made = operations(&only, &probes_from, &document, "openapi.json").expect("made");
        assert_eq!(made.len(), 1);
        assert_eq!(made[0].1.path, "/izin");
    }

    #[test]
    fn swagger_2_is_refused() {
        let scenario = load("probes_from: { openapi: /openapi.json }\n");
        let probes_from = scenario.probes_from.clone().expect("probes_from");
        let swagger = serde_json::json!({"swagger": "2.0", "paths": {}});
        assert!(operations(&scenario, &probes_from, &swagger, "s.json").is_err());
    }
}
