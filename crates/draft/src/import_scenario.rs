//! The scenario the importers write: one probe per recorded request (method,
//! path under the first request's origin, headers, body), with every credential
//! moved to `secrets:` (the file names the environment variable that must hold
//! it, never the value) and an expectation from the recorded response.

use std::fmt::Write as _;

use input::lang::Lang;
use serde_json::Value;
use url::Url;

use crate::recorded::{RecordedBody, RecordedRequest};
use crate::secrets::{is_secret_field, is_secret_header, split_scheme};
use crate::yaml::quoted;

/// Where the requests came from, for the header comment.
#[derive(Debug, Clone, Copy)]
pub enum Recording {
    Curl,
    Har,
}

/// A credential moved out of the file.
#[derive(Clone, PartialEq)]
pub struct MovedSecret {
    /// Its name in the scenario (`${name}`).
    pub name: String,
    /// The environment variable that must hold it.
    pub env: String,
    /// Where it was found, for the summary (`header Authorization`).
    pub found_in: String,
    /// The value, to give one name to one value; never printed or written.
    value: String,
}

impl std::fmt::Debug for MovedSecret {
    // The value stays out of every printout, `{:?}` included.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MovedSecret")
            .field("name", &self.name)
            .field("env", &self.env)
            .field("found_in", &self.found_in)
            .finish_non_exhaustive()
    }
}

/// The scenario text and the secrets it needs.
#[derive(Debug)]
pub struct Imported {
    pub text: String,
    pub secrets: Vec<MovedSecret>,
    pub base_url: Url,
}

/// Writes the scenario for `requests` (at least one).
pub fn write(requests: &[RecordedRequest], recording: Recording, lang: Lang) -> Option<Imported> {
    let first = requests.first()?;
    let base = Url::parse(&first.url.origin().ascii_serialization()).ok()?;
    let host = base.host_str().unwrap_or("layanan").to_ascii_lowercase();
    let mut vault = Vault::new(&host);
    let mut probes = String::new();
    let mut ids: Vec<String> = Vec::new();
    for request in requests {
        let id = unique_id(&probe_id(request), &mut ids);
        write_probe(&mut probes, &id, request, &base, &mut vault, lang);
    }

    let say = |id: &str, en: &str| lang.choose(id.to_string(), en.to_string());
    let mut out = String::new();
    let source = match recording {
        Recording::Curl => "ujilab import curl",
        Recording::Har => "ujilab import har",
    };
    let _ = writeln!(
        out,
        "{}",
        lang.choose(
            format!("# Draf skenario dari `{source}`. Periksa setiap TODO, lalu jalankan:"),
            format!("# A draft scenario written by `{source}`. Check every TODO, then run:"),
        )
    );
    let _ = writeln!(out, "#   ujilab validate FILE && ujilab run FILE");
    let _ = writeln!(out, "version: 1");
    let _ = writeln!(out, "service:");
    let _ = writeln!(out, "  id: {}", quoted(&crate::service_id(&host)));
    let _ = writeln!(
        out,
        "  base_url: {}",
        quoted(base.as_str().trim_end_matches('/'))
    );
    if !vault.secrets.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}",
            say(
                "# Rahasia dari rekaman: nilainya tidak ditulis di sini. Isi variabel lingkungan\n# ini sebelum menjalankan (laporan menampilkannya sebagai ***).",
                "# Secrets from the recording: their values are not written here. Set these\n# environment variables before a run (reports show them as ***)."
            )
        );
        let _ = writeln!(out, "secrets:");
        for secret in &vault.secrets {
            let _ = writeln!(
                out,
                "  {}: {}   # {}",
                secret.name, secret.env, secret.found_in
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "probes:");
    out.push_str(&probes);
    Some(Imported {
        text: out,
        secrets: vault.secrets,
        base_url: base,
    })
}

/// The secrets found so far; one name per distinct value.
struct Vault {
    prefix: String,
    secrets: Vec<MovedSecret>,
}

impl Vault {
    fn new(host: &str) -> Vault {
        let label = host.split('.').next().unwrap_or("ujilab");
        let prefix: String = label
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        let prefix = match prefix.chars().next() {
            Some(c) if c.is_ascii_alphabetic() => prefix,
            _ => format!("UJILAB_{prefix}"),
        };
        Vault {
            prefix,
            secrets: Vec::new(),
        }
    }

    /// `${name}` for `value`, moving it out under a name drawn from `hint`.
    fn keep(&mut self, hint: &str, found_in: String, value: &str) -> String {
        if let Some(known) = self.secrets.iter().find(|secret| secret.value == value) {
            return format!("${{{}}}", known.name);
        }
        let mut base: String = hint
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect::<String>()
            .trim_matches('_')
            .to_string();
        if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
            base = format!("secret_{base}");
        }
        let mut name = base.clone();
        let mut counter = 2;
        while self.secrets.iter().any(|secret| secret.name == name) {
            name = format!("{base}_{counter}");
            counter += 1;
        }
        self.secrets.push(MovedSecret {
            env: format!("{}_{}", self.prefix, name.to_ascii_uppercase()),
            name: name.clone(),
            found_in,
            value: value.to_string(),
        });
        format!("${{{name}}}")
    }
}

fn write_probe(
    out: &mut String,
    id: &str,
    request: &RecordedRequest,
    base: &Url,
    vault: &mut Vault,
    lang: Lang,
) {
    let _ = writeln!(out);
    let _ = writeln!(out, "  - id: {id}");
    let _ = writeln!(out, "    request:");
    if request.method != "GET" {
        let _ = writeln!(out, "      method: {}", quoted(&request.method));
    }
    let same_origin = request.url.origin() == base.origin();
    let (target_key, target) = if same_origin {
        ("path", request.url.path().to_string())
    } else {
        let mut url = request.url.clone();
        url.set_query(None);
        ("url", url.to_string())
    };
    // Escaped piece by piece, so that the `${name}` of a moved credential is
    // the only interpolation in the line.
    let mut target = target.replace("${", "$${");
    if let Some(query) = request.url.query() {
        let mut parts = Vec::new();
        for part in query.split('&') {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let decoded: String = url::form_urlencoded::parse(part.as_bytes())
                .next()
                .map(|(_, value)| value.into_owned())
                .unwrap_or_default();
            if is_secret_field(name, &decoded) {
                let reference = vault.keep(
                    name,
                    lang.choose(
                        format!("parameter kueri {name}"),
                        format!("query parameter {name}"),
                    ),
                    value,
                );
                parts.push(format!("{}={reference}", name.replace("${", "$${")));
            } else {
                parts.push(part.replace("${", "$${"));
            }
        }
        target = format!("{target}?{}", parts.join("&"));
    }
    let _ = writeln!(out, "      {target_key}: {}", json_string(&target));
    if !request.headers.is_empty() {
        let _ = writeln!(out, "      headers:");
        for (name, value) in &request.headers {
            let written = if is_secret_header(name, value) {
                let (scheme, secret) = split_scheme(value);
                let reference = vault.keep(
                    name,
                    lang.choose(format!("header {name}"), format!("header {name}")),
                    secret,
                );
                format!("{}{reference}", scheme.replace("${", "$${"))
            } else {
                value.replace("${", "$${")
            };
            let _ = writeln!(
                out,
                "        {}: {}",
                json_string(name),
                json_string(&written)
            );
        }
    }
    match &request.body {
        Some(RecordedBody::Json(value)) => {
            let value = hide_in_json(value, vault, lang);
            let _ = writeln!(out, "      json: {}", flow(&value));
        }
        Some(RecordedBody::Form(fields)) => {
            let _ = writeln!(out, "      form:");
            for (name, value) in fields {
                let written = if is_secret_field(name, value) {
                    vault.keep(
                        name,
                        lang.choose(
                            format!("kolom formulir {name}"),
                            format!("form field {name}"),
                        ),
                        value,
                    )
                } else {
                    value.replace("${", "$${")
                };
                let _ = writeln!(
                    out,
                    "        {}: {}",
                    json_string(&name.replace("${", "$${")),
                    json_string(&written)
                );
            }
        }
        Some(RecordedBody::Text(text)) => {
            let _ = writeln!(out, "      body: {}", quoted(text));
        }
        None => {}
    }
    let _ = writeln!(out, "    expect:");
    match &request.response {
        Some(response) => {
            let _ = writeln!(out, "      status: {}", response.status);
            if !response.media_type.is_empty() && !(300..400).contains(&response.status) {
                let _ = writeln!(out, "      headers:");
                let _ = writeln!(
                    out,
                    "        content-type: {{ contains: {} }}",
                    quoted(&response.media_type)
                );
            }
        }
        None => {
            let _ = writeln!(
                out,
                "      status: \"2xx\"   # {}",
                lang.pick(
                    "TODO curl tidak merekam respons: tulis status yang diharapkan",
                    "TODO curl records no response: write the status you expect"
                )
            );
        }
    }
    if (300..400).contains(&request.response.as_ref().map_or(0, |r| r.status)) {
        // The browser saw the redirect itself: the probe looks at it too.
        let _ = writeln!(out, "    max_redirects: 0");
    }
}

/// A JSON value with each secret field's value replaced by its variable and
/// every other string's `${` escaped.
fn hide_in_json(value: &Value, vault: &mut Vault, lang: Lang) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| {
                    let scalar = match value {
                        Value::String(text) => Some(text.clone()),
                        Value::Number(number) => Some(number.to_string()),
                        _ => None,
                    };
                    let hidden = match scalar {
                        Some(text) if is_secret_field(key, &text) => Value::String(vault.keep(
                            key,
                            lang.choose(format!("kolom JSON {key}"), format!("JSON field {key}")),
                            &text,
                        )),
                        _ => hide_in_json(value, vault, lang),
                    };
                    (key.replace("${", "$${"), hidden)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| hide_in_json(item, vault, lang))
                .collect(),
        ),
        Value::String(text) => Value::String(text.replace("${", "$${")),
        other => other.clone(),
    }
}

/// A JSON value as YAML flow (JSON is YAML); its strings already escaped.
fn flow(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}

/// A string already escaped (`$${`) or holding references (`${name}`), quoted.
fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}

fn probe_id(request: &RecordedRequest) -> String {
    let mut id = request.method.to_ascii_lowercase();
    for segment in request.url.path().split('/').filter(|s| !s.is_empty()) {
        id.push('-');
        id.extend(segment.chars().map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        }));
    }
    if request.url.path() == "/" {
        id.push_str("-beranda");
    }
    let id: String = id.chars().take(48).collect();
    id.trim_end_matches('-').to_string()
}

fn unique_id(base: &str, ids: &mut Vec<String>) -> String {
    let mut id = base.to_string();
    let mut counter = 2;
    while ids.contains(&id) {
        id = format!("{base}-{counter}");
        counter += 1;
    }
    ids.push(id.clone());
    id
}
