//! From the raw mirror to the validated [`Scenario`]: every semantic problem is
//! collected with its position and key path, so the user fixes a file in one pass.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use serde_json_path::JsonPath;

use crate::diagnostic::Problem;
use crate::quantity::{parse_duration, parse_rate, parse_ratio, parse_size};
use crate::scenario::interpolate::{CaptureUse, Environment, Interpolator, Template};
use crate::scenario::matcher::{JsonType, Matcher, OPERATORS, Op, Operand, Order};
use crate::scenario::model::*;
use crate::scenario::raw::{
    Node, Position, RawDefaults, RawExpect, RawProbe, RawScenario, RawStandards, Spanned, closest,
};

/// What the run asks of loading, beyond the files themselves.
#[derive(Debug, Clone, Default)]
pub struct LoadSettings {
    pub env: Environment,
    /// `--set NAME=VALUE`: replaces a var of that name.
    pub set: Vec<(String, String)>,
    /// Unset environment variables are errors (`run`, `--require-env`) or warnings.
    pub require_env: bool,
    /// Rule codes of the catalogues a scenario may name, for waiver checks; empty
    /// means "not known here" and skips that check.
    pub known_rules: Vec<String>,
}

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_MAX_REDIRECTS: u32 = 5;
const DEFAULT_MAX_BODY: u64 = 10 << 20;
const DEFAULT_OPEN_CONCURRENCY: u64 = 256;

/// Validates one parsed file. `Err` holds every error found (and the warnings).
pub fn validate(
    raw: RawScenario,
    file: &str,
    source: &str,
    settings: &LoadSettings,
) -> Result<(Scenario, Vec<Problem>), Vec<Problem>> {
    let dir = Path::new(file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut checker = Checker {
        problems: Vec::new(),
        interpolator: Interpolator::new(&settings.env),
        settings,
        source,
        dir,
    };
    // The raw mirror serializes back to the document as written (absent optional
    // keys become nulls, dropped again by `effective`), so no second parse is needed.
    let document = serde_json::to_value(&raw).unwrap_or(Value::Null);
    let scenario = checker.scenario(raw, file).map(|mut scenario| {
        if let Ok(text) = serde_json::value::to_raw_value(&checker.effective(document)) {
            scenario.effective = text;
        }
        scenario
    });
    let (errors, warnings): (Vec<Problem>, Vec<Problem>) =
        checker.problems.into_iter().partition(Problem::is_error);
    match scenario {
        Some(scenario) if errors.is_empty() => Ok((scenario, warnings)),
        _ => Err(errors.into_iter().chain(warnings).collect()),
    }
}

struct Checker<'a> {
    problems: Vec<Problem>,
    interpolator: Interpolator<'a>,
    settings: &'a LoadSettings,
    source: &'a str,
    dir: PathBuf,
}

/// Defaults that every probe starts from.
struct ProbeDefaults {
    timeout: Duration,
    max_redirects: u32,
    max_body: u64,
    headers: Vec<(String, Option<Template>)>,
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

impl<'a> Checker<'a> {
    fn error(&mut self, at: Position, path: &str, message: impl Into<String>) {
        self.problems.push(Problem::error(at, path, message));
    }

    fn error_with_help(
        &mut self,
        at: Position,
        path: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.problems
            .push(Problem::error(at, path, message).with_help(help));
    }

    /// Resolves env, vars and secrets in a string where captures are not allowed.
    fn text(&mut self, value: &Spanned<String>, path: &str) -> String {
        self.template_at(
            &value.value,
            Position::of(value),
            path,
            CaptureUse::Forbidden,
        )
        .as_literal()
        .unwrap_or_default()
    }

    fn template_at(
        &mut self,
        text: &str,
        at: Position,
        path: &str,
        capture_use: CaptureUse,
    ) -> Template {
        match self.interpolator.resolve(text, capture_use) {
            Ok(template) => template,
            Err((problem, partial)) => {
                let mut reported = Problem::error(at, path, problem.message)
                    .with_help(problem.suggestion.map(|s| format!("did you mean `{s}`?")));
                if problem.missing_env && !self.settings.require_env {
                    reported = reported.warning();
                }
                self.problems.push(reported);
                partial
            }
        }
    }

    /// Like [`Self::text`], but `None` when resolving the value was an error (already
    /// reported), so an unresolved value is not reported again as malformed.
    fn resolved_text(&mut self, value: &Spanned<String>, path: &str) -> Option<String> {
        let errors_before = self.problems.iter().filter(|p| p.is_error()).count();
        let text = self.text(value, path);
        let errors_after = self.problems.iter().filter(|p| p.is_error()).count();
        (errors_after == errors_before).then_some(text)
    }

    fn duration(&mut self, value: &Spanned<String>, path: &str) -> Option<Duration> {
        let text = self.resolved_text(value, path)?;
        parse_duration(&text)
            .map_err(|message| self.error(Position::of(value), path, message))
            .ok()
    }

    fn size(&mut self, value: &Spanned<String>, path: &str) -> Option<u64> {
        let text = self.resolved_text(value, path)?;
        parse_size(&text)
            .map_err(|message| self.error(Position::of(value), path, message))
            .ok()
    }

    /// A number scalar whose text is not that number's canonical form (`1.10`,
    /// `0123`, `+5`) is ambiguous: the user likely meant text.
    fn check_number_text(&mut self, node: &Spanned<Node>, path: &str) {
        if !matches!(node.value, Node::Int(_) | Node::Float(_)) {
            return;
        }
        let at = Position::of(node);
        let Some((start, end)) = at.bytes else {
            return;
        };
        let Some(text) = self.source.get(start..end) else {
            return;
        };
        let text = text.trim();
        let digits = text.trim_start_matches('-');
        let leading_zero = digits.len() > 1
            && digits.starts_with('0')
            && digits.as_bytes().get(1).is_some_and(u8::is_ascii_digit);
        let trailing_zero = digits
            .split_once('.')
            .is_some_and(|(_, fraction)| fraction.len() > 1 && fraction.ends_with('0'));
        if text.starts_with('+') || leading_zero || trailing_zero {
            let number = node.value.scalar_text().unwrap_or_default();
            self.error_with_help(
                at,
                path,
                format!(
                    "`{text}` reads as the number {number}, which is probably not what you meant"
                ),
                Some(format!(
                    "write \"{text}\" for text or {number} for a number"
                )),
            );
        }
    }

    /// The document with env, vars and secrets filled in; captures stay `${name}`.
    fn effective(&self, value: Value) -> Value {
        match value {
            Value::String(text) => Value::String(
                self.interpolator
                    .resolve(
                        &text,
                        CaptureUse::Allowed {
                            probe_index: usize::MAX,
                        },
                    )
                    .map(|template| template.source_text())
                    .unwrap_or(text),
            ),
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|item| self.effective(item)).collect())
            }
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(_, value)| !value.is_null())
                    .map(|(key, value)| (key, self.effective(value)))
                    .collect(),
            ),
            other => other,
        }
    }

    fn scenario(&mut self, raw: RawScenario, file: &str) -> Option<Scenario> {
        match &raw.version.value {
            Node::Int(1) => {}
            other => self.error_with_help(
                Position::of(&raw.version),
                "version",
                format!(
                    "unsupported scenario format version {}",
                    other.scalar_text().unwrap_or_else(|| other.kind().into())
                ),
                Some("write `version: 1`".into()),
            ),
        }
        self.vars(raw.vars.as_ref());
        let secret_values = self.secrets(raw.secrets.as_ref());
        self.declare_captures(&raw.probes.value);

        let service = self.service(&raw.service);
        let label = raw
            .scenario
            .as_ref()
            .map(|label| self.text(label, "scenario"))
            .unwrap_or_else(|| "default".to_string());
        let (connection, defaults) = self.defaults(raw.defaults.as_ref());

        // Sized exactly: a run keeps every loaded scenario until it has run.
        let mut probes = Vec::with_capacity(raw.probes.value.len());
        let mut seen_ids: HashMap<String, Position> = HashMap::new();
        if raw.probes.value.is_empty() {
            self.error(
                Position::of(&raw.probes),
                "probes",
                "a scenario needs at least one probe",
            );
        }
        for (index, probe) in raw.probes.value.iter().enumerate() {
            let path = format!("probes[{index}]");
            let id = probe.value.id.value.clone();
            if let Some(first) = seen_ids.get(&id) {
                let first_line = first.line;
                self.error(
                    Position::of(&probe.value.id),
                    &child(&path, "id"),
                    format!("duplicate probe id `{id}` (first used on line {first_line})"),
                );
            } else {
                seen_ids.insert(id, Position::of(&probe.value.id));
            }
            if let Some(built) = self.probe(&probe.value, index, &path, &defaults) {
                probes.push(built);
            }
        }
        let probe_index: HashMap<String, usize> = raw
            .probes
            .value
            .iter()
            .enumerate()
            .map(|(index, probe)| (probe.value.id.value.clone(), index))
            .collect();

        let methods = methods_of(&raw.probes.value);
        let availability = raw
            .availability
            .as_ref()
            .and_then(|raw| self.availability(raw, &methods, &probe_index));
        let load = raw
            .load
            .as_ref()
            .and_then(|raw| self.load(raw, &methods, &probe_index));
        let standards = raw
            .standards
            .as_ref()
            .and_then(|raw| self.standards(raw, service.as_ref()));
        let thresholds = self.thresholds(
            raw.thresholds.as_deref().unwrap_or_default(),
            &probe_index,
            raw.standards.is_some(),
        );
        if let Some(standards) = &standards {
            self.threshold_rules(raw.thresholds.as_deref().unwrap_or_default(), standards);
        }

        let service = service?;
        let request_defaults = RequestDefaults {
            timeout: defaults.timeout,
            max_redirects: defaults.max_redirects,
            max_body: defaults.max_body,
            headers: defaults
                .headers
                .iter()
                .filter_map(|(name, value)| Some((name.clone(), value.as_ref()?.as_literal()?)))
                .collect(),
        };
        Some(Scenario {
            file: file.to_string(),
            sha256: sha256_hex(self.source.as_bytes()),
            service,
            label,
            standards,
            secret_values,
            connection,
            request_defaults,
            probes,
            availability,
            load,
            thresholds,
            effective: serde_json::value::RawValue::NULL.to_owned(),
        })
    }

    fn vars(&mut self, vars: Option<&Spanned<Node>>) {
        let Some(vars) = vars else { return };
        let Node::Map(entries) = &vars.value else {
            self.error(
                Position::of(vars),
                "vars",
                format!(
                    "`vars` must be a map of names to strings, found {}",
                    vars.value.kind()
                ),
            );
            return;
        };
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let path = child("vars", &name);
            if !is_name(&name) {
                self.error(
                    Position::of(key),
                    &path,
                    format!("`{name}` is not a valid name: use letters, digits and _"),
                );
                continue;
            }
            self.check_number_text(value, &path);
            let overridden = self
                .settings
                .set
                .iter()
                .rev()
                .find(|(set_name, _)| *set_name == name)
                .map(|(_, value)| value.clone());
            let text = match (&value.value, overridden) {
                (_, Some(set_value)) => set_value,
                (Node::Str(text), None) => text.clone(),
                (Node::Null | Node::Seq(_) | Node::Map(_), None) => {
                    self.error(
                        Position::of(value),
                        &path,
                        format!("a var is a string, found {}", value.value.kind()),
                    );
                    continue;
                }
                (scalar, None) => scalar.scalar_text().unwrap_or_default(),
            };
            let resolved = self
                .template_at(&text, Position::of(value), &path, CaptureUse::Forbidden)
                .as_literal()
                .unwrap_or_default();
            self.interpolator.define(&name, resolved);
        }
    }

    fn secrets(&mut self, secrets: Option<&Spanned<Node>>) -> Vec<String> {
        let Some(secrets) = secrets else {
            return Vec::new();
        };
        let Node::Map(entries) = &secrets.value else {
            self.error(
                Position::of(secrets),
                "secrets",
                "`secrets` maps a name to the environment variable that holds the value",
            );
            return Vec::new();
        };
        let mut values = Vec::new();
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let path = child("secrets", &name);
            if self.interpolator.is_defined(&name) {
                self.error(
                    Position::of(key),
                    &path,
                    format!("`{name}` is already a var; names are unique across vars, secrets and captures"),
                );
                continue;
            }
            let Node::Str(variable) = &value.value else {
                self.error(
                    Position::of(value),
                    &path,
                    "a secret names the environment variable that holds it, e.g. `token: DUKCAPIL_TOKEN`",
                );
                continue;
            };
            match self.settings.env.get(variable) {
                Some(secret) if secret.chars().count() < 4 => self.error(
                    Position::of(value),
                    &path,
                    format!("secret `{name}` (from ${variable}) is shorter than 4 characters; so short a value cannot be redacted safely"),
                ),
                Some(secret) => {
                    values.push(secret.to_string());
                    self.interpolator.define(&name, secret.to_string());
                }
                None => {
                    let problem = Problem::error(
                        Position::of(value),
                        &path,
                        format!("environment variable `{variable}` for secret `{name}` is not set"),
                    );
                    self.problems.push(if self.settings.require_env {
                        problem
                    } else {
                        problem.warning()
                    });
                    self.interpolator.define(&name, String::new());
                }
            }
        }
        values
    }

    fn declare_captures(&mut self, probes: &[Spanned<RawProbe>]) {
        for (index, probe) in probes.iter().enumerate() {
            let Some(capture) = &probe.value.capture else {
                continue;
            };
            let Node::Map(entries) = &capture.value else {
                continue;
            };
            for (key, _) in entries {
                let name = key.value.scalar_text().unwrap_or_default();
                let path = format!("probes[{index}].capture.{name}");
                if self.interpolator.is_defined(&name) {
                    self.error(
                        Position::of(key),
                        &path,
                        format!("`{name}` is already a var or secret; names are unique across vars, secrets and captures"),
                    );
                } else if self.interpolator.captures().contains_key(&name) {
                    self.error(
                        Position::of(key),
                        &path,
                        format!("capture `{name}` is already captured by an earlier probe"),
                    );
                } else {
                    self.interpolator.declare_capture(&name, index);
                }
            }
        }
    }

    fn service(&mut self, raw: &Spanned<crate::scenario::raw::RawService>) -> Option<Service> {
        let raw = &raw.value;
        let id = self.text(&raw.id, "service.id");
        let id_ok = id
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && id.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            });
        if !id_ok {
            self.error_with_help(
                Position::of(&raw.id),
                "service.id",
                format!("`{id}` is not a valid service id"),
                Some(
                    "use lowercase letters, digits, `.`, `_` and `-`, e.g. sumedang-dukcapil"
                        .into(),
                ),
            );
        }
        let base_url = self.absolute_url(&raw.base_url, "service.base_url");
        let optional = |checker: &mut Self, value: &Option<Spanned<String>>, path: &str| {
            value.as_ref().map(|value| checker.text(value, path))
        };
        let region = raw.region.as_ref().map(|region| {
            let region = &region.value;
            let kind = region.kind.as_ref().and_then(|kind| {
                match self.text(kind, "service.region.type").as_str() {
                    "provinsi" => Some(RegionKind::Provinsi),
                    "kabupaten" => Some(RegionKind::Kabupaten),
                    "kota" => Some(RegionKind::Kota),
                    other => {
                        let other = other.to_string();
                        self.error_with_help(
                            Position::of(kind),
                            "service.region.type",
                            format!("`{other}` is not a region type"),
                            Some("use provinsi, kabupaten or kota".into()),
                        );
                        None
                    }
                }
            });
            Region {
                code: optional(self, &region.code, "service.region.code"),
                name: optional(self, &region.name, "service.region.name"),
                kind,
            }
        });
        Some(Service {
            name: optional(self, &raw.name, "service.name"),
            owner: optional(self, &raw.owner, "service.owner"),
            sector: optional(self, &raw.sector, "service.sector"),
            region,
            base_url: base_url?,
            id,
        })
    }

    fn absolute_url(&mut self, value: &Spanned<String>, path: &str) -> Option<url::Url> {
        let text = self.resolved_text(value, path)?;
        match url::Url::parse(&text) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                Some(url)
            }
            Ok(url) => {
                self.error(
                    Position::of(value),
                    path,
                    format!(
                        "`{text}` is a {} URL; ujilab tests http and https services",
                        url.scheme()
                    ),
                );
                None
            }
            Err(error) => {
                self.error_with_help(
                    Position::of(value),
                    path,
                    format!("`{text}` is not an absolute URL: {error}"),
                    Some("write it like https://layanan.contohkab.go.id".into()),
                );
                None
            }
        }
    }

    fn defaults(&mut self, raw: Option<&Spanned<RawDefaults>>) -> (Connection, ProbeDefaults) {
        let mut connection = Connection {
            resolve: Vec::new(),
            ca_files: Vec::new(),
            insecure: false,
            http: HttpVersion::Auto,
            proxy: None,
            cookies: true,
        };
        let mut defaults = ProbeDefaults {
            timeout: DEFAULT_TIMEOUT,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            max_body: DEFAULT_MAX_BODY,
            headers: Vec::new(),
        };
        let Some(raw) = raw else {
            return (connection, defaults);
        };
        let raw = &raw.value;
        if let Some(timeout) = &raw.timeout {
            defaults.timeout = self
                .duration(timeout, "defaults.timeout")
                .unwrap_or(DEFAULT_TIMEOUT);
        }
        if let Some(max) = &raw.max_redirects {
            defaults.max_redirects = max.value;
        }
        if let Some(max_body) = &raw.max_body {
            defaults.max_body = self
                .size(max_body, "defaults.max_body")
                .unwrap_or(DEFAULT_MAX_BODY);
        }
        if let Some(headers) = &raw.headers {
            defaults.headers = self.headers(headers, "defaults.headers", CaptureUse::Forbidden);
        }
        if let Some(http) = &raw.http {
            connection.http = match http.value.scalar_text().as_deref() {
                Some("auto") => HttpVersion::Auto,
                Some("1.1") => HttpVersion::Http1,
                Some("2") => HttpVersion::Http2,
                _ => {
                    self.error_with_help(
                        Position::of(http),
                        "defaults.http",
                        "`http` is auto, 1.1 or 2",
                        Some("write `http: \"1.1\"` or `http: 2`".into()),
                    );
                    HttpVersion::Auto
                }
            };
        }
        if let Some(cookies) = &raw.cookies {
            connection.cookies = cookies.value;
        }
        if let Some(proxy) = &raw.proxy {
            connection.proxy = match &proxy.value {
                Node::Null => None,
                Node::Str(text) => {
                    let text = self
                        .template_at(
                            text,
                            Position::of(proxy),
                            "defaults.proxy",
                            CaptureUse::Forbidden,
                        )
                        .as_literal()
                        .unwrap_or_default();
                    (!text.is_empty()).then_some(text)
                }
                other => {
                    self.error(
                        Position::of(proxy),
                        "defaults.proxy",
                        format!("`proxy` is a URL or null, found {}", other.kind()),
                    );
                    None
                }
            };
        }
        if let Some(resolve) = &raw.resolve {
            connection.resolve = self.resolve_map(resolve);
        }
        if let Some(tls) = &raw.tls {
            if let Some(ca_file) = &tls.value.ca_file {
                let path = self.text(ca_file, "defaults.tls.ca_file");
                let resolved = self.dir.join(&path);
                if !resolved.is_file() {
                    // Like an unset environment variable: `validate` warns (the file
                    // may exist where the scenario runs), `run` refuses.
                    let problem = Problem::error(
                        Position::of(ca_file),
                        "defaults.tls.ca_file",
                        format!("CA file `{}` does not exist", resolved.display()),
                    );
                    self.problems.push(if self.settings.require_env {
                        problem
                    } else {
                        problem.warning()
                    });
                }
                connection.ca_files.push(resolved);
            }
            if let Some(insecure) = &tls.value.insecure {
                connection.insecure = insecure.value;
            }
        }
        (connection, defaults)
    }

    fn resolve_map(&mut self, resolve: &Spanned<Node>) -> Vec<(String, IpAddr)> {
        let Node::Map(entries) = &resolve.value else {
            self.error(
                Position::of(resolve),
                "defaults.resolve",
                "`resolve` maps host names to IP addresses",
            );
            return Vec::new();
        };
        let mut pairs = Vec::new();
        for (key, value) in entries {
            let host = key
                .value
                .scalar_text()
                .unwrap_or_default()
                .to_ascii_lowercase();
            let path = child("defaults.resolve", &host);
            let text = match &value.value {
                Node::Str(text) => self
                    .template_at(text, Position::of(value), &path, CaptureUse::Forbidden)
                    .as_literal()
                    .unwrap_or_default(),
                other => other.scalar_text().unwrap_or_default(),
            };
            match text.parse::<IpAddr>() {
                Ok(ip) => pairs.push((host, ip)),
                Err(_) => self.error(
                    Position::of(value),
                    &path,
                    format!("`{text}` is not an IP address"),
                ),
            }
        }
        pairs
    }

    /// A header map; `null` removes a default header of that name.
    fn headers(
        &mut self,
        headers: &Spanned<Node>,
        path: &str,
        capture_use: CaptureUse,
    ) -> Vec<(String, Option<Template>)> {
        let Node::Map(entries) = &headers.value else {
            self.error(
                Position::of(headers),
                path,
                format!(
                    "headers are a map of names to values, found {}",
                    headers.value.kind()
                ),
            );
            return Vec::new();
        };
        let mut seen = HashSet::new();
        let mut result = Vec::new();
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let header_path = child(path, &name);
            if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                self.error(
                    Position::of(key),
                    &header_path,
                    format!("`{name}` is not a valid header name"),
                );
                continue;
            }
            if !seen.insert(name.to_ascii_lowercase()) {
                self.error(
                    Position::of(key),
                    &header_path,
                    format!("header `{name}` is given twice (names are case-insensitive)"),
                );
            }
            let template = match &value.value {
                Node::Null => None,
                Node::Str(text) => {
                    Some(self.template_at(text, Position::of(value), &header_path, capture_use))
                }
                Node::Seq(_) | Node::Map(_) => {
                    self.error(
                        Position::of(value),
                        &header_path,
                        "a header value is a string",
                    );
                    continue;
                }
                scalar => Some(Template::literal(scalar.scalar_text().unwrap_or_default())),
            };
            result.push((name, template));
        }
        result
    }

    fn probe(
        &mut self,
        raw: &RawProbe,
        index: usize,
        path: &str,

        defaults: &ProbeDefaults,
    ) -> Option<Probe> {
        let capture_use = CaptureUse::Allowed { probe_index: index };
        let request = &raw.request.value;
        let request_path = child(path, "request");
        let id = self.text(&raw.id, &child(path, "id"));
        if id.is_empty() {
            self.error(
                Position::of(&raw.id),
                &child(path, "id"),
                "a probe id cannot be empty",
            );
        }

        let method = match &request.method {
            None => http::Method::GET,
            Some(method) => {
                let text = self
                    .text(method, &child(&request_path, "method"))
                    .to_ascii_uppercase();
                match http::Method::from_bytes(text.as_bytes()) {
                    Ok(method) => method,
                    Err(_) => {
                        self.error(
                            Position::of(method),
                            &child(&request_path, "method"),
                            format!("`{text}` is not an HTTP method"),
                        );
                        http::Method::GET
                    }
                }
            }
        };

        let target = match (&request.path, &request.url) {
            (Some(_), Some(url)) => {
                self.error(
                    Position::of(url),
                    &child(&request_path, "url"),
                    "give either `path` or `url`, not both",
                );
                None
            }
            (None, None) => {
                self.error(
                    Position::of(&raw.request),
                    &request_path,
                    "a request needs `path` (joined to base_url) or `url`",
                );
                None
            }
            (Some(path_value), None) => {
                let at = child(&request_path, "path");
                let template = self.template_at(
                    &path_value.value,
                    Position::of(path_value),
                    &at,
                    capture_use,
                );
                if !path_value.value.starts_with('/') && !path_value.value.starts_with("${") {
                    self.error_with_help(
                        Position::of(path_value),
                        &at,
                        format!("`{}` does not start with /", path_value.value),
                        Some(format!("write `/{}`", path_value.value)),
                    );
                }
                Some(Target::Path(template))
            }
            (None, Some(url_value)) => {
                let at = child(&request_path, "url");
                let template =
                    self.template_at(&url_value.value, Position::of(url_value), &at, capture_use);
                if let Some(literal) = template.as_literal() {
                    let ok = url::Url::parse(&literal)
                        .is_ok_and(|url| matches!(url.scheme(), "http" | "https"));
                    if !ok {
                        self.error(
                            Position::of(url_value),
                            &at,
                            format!("`{literal}` is not an absolute http(s) URL"),
                        );
                    }
                }
                Some(Target::Url(template))
            }
        };

        let query = request
            .query
            .as_ref()
            .map(|query| self.string_map(query, &child(&request_path, "query"), capture_use))
            .unwrap_or_default();

        let mut headers: Vec<(String, Option<Template>)> = defaults.headers.clone();
        if let Some(own) = &request.headers {
            for (name, value) in self.headers(own, &child(&request_path, "headers"), capture_use) {
                headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(&name));
                headers.push((name, value));
            }
        }
        let headers: Vec<(String, Template)> = headers
            .into_iter()
            .filter_map(|(name, value)| value.map(|value| (name, value)))
            .collect();

        let mut bodies: Vec<(&str, Position)> = [
            ("json", request.json.as_ref().map(Position::of)),
            ("form", request.form.as_ref().map(Position::of)),
            ("body", request.body.as_ref().map(Position::of)),
        ]
        .into_iter()
        .filter_map(|(name, at)| at.map(|at| (name, at)))
        .collect();
        bodies.sort_by_key(|(_, at)| (at.line, at.column));
        if let [(first, _), (second, at), ..] = bodies.as_slice() {
            self.error(
                *at,
                &child(&request_path, second),
                format!("a request has at most one of `json`, `form` and `body`; this one has `{first}` and `{second}`"),
            );
        }
        let body = if let Some(json) = &request.json {
            Body::Json(self.json_template(json, &child(&request_path, "json"), capture_use))
        } else if let Some(form) = &request.form {
            Body::Form(self.string_map(form, &child(&request_path, "form"), capture_use))
        } else if let Some(body) = &request.body {
            Body::Raw(self.template_at(
                &body.value,
                Position::of(body),
                &child(&request_path, "body"),
                capture_use,
            ))
        } else {
            Body::None
        };

        let timeout = raw
            .timeout
            .as_ref()
            .and_then(|value| self.duration(value, &child(path, "timeout")))
            .unwrap_or(defaults.timeout);
        let max_redirects = raw
            .max_redirects
            .as_ref()
            .map_or(defaults.max_redirects, |max| max.value);
        let max_body = raw
            .max_body
            .as_ref()
            .and_then(|value| self.size(value, &child(path, "max_body")))
            .unwrap_or(defaults.max_body);
        let expect = raw
            .expect
            .as_ref()
            .map(|expect| self.expectations(&expect.value, &child(path, "expect"), capture_use))
            .unwrap_or_default();
        let captures = raw
            .capture
            .as_ref()
            .map(|capture| self.captures(capture, &child(path, "capture")))
            .unwrap_or_default();

        let declared_kind = raw.kind.as_ref().and_then(|kind| {
            match self.text(kind, &child(path, "kind")).as_str() {
                "api" => Some(ProbeKind::Api),
                "page" => Some(ProbeKind::Page),
                other => {
                    let other = other.to_string();
                    self.error_with_help(
                        Position::of(kind),
                        &child(path, "kind"),
                        format!("`{other}` is not a probe kind"),
                        Some("use api or page".into()),
                    );
                    None
                }
            }
        });
        let accepts_json = headers.iter().any(|(name, value)| {
            name.eq_ignore_ascii_case("accept")
                && value
                    .as_literal()
                    .is_some_and(|accept| accept.contains("json"))
        });
        let kind = declared_kind.unwrap_or(
            if matches!(body, Body::Json(_))
                || accepts_json
                || !expect.json.is_empty()
                || expect.schema.is_some()
            {
                ProbeKind::Api
            } else {
                ProbeKind::Page
            },
        );
        Some(Probe {
            id,
            kind,
            method,
            target: target?,
            query,
            headers,
            body,
            timeout,
            max_redirects,
            max_body,
            expect,
            captures,
        })
    }

    /// A map of names to string values (query, form).
    fn string_map(
        &mut self,
        node: &Spanned<Node>,
        path: &str,
        capture_use: CaptureUse,
    ) -> Vec<(String, Template)> {
        let Node::Map(entries) = &node.value else {
            self.error(
                Position::of(node),
                path,
                format!(
                    "expected a map of names to values, found {}",
                    node.value.kind()
                ),
            );
            return Vec::new();
        };
        let mut result = Vec::new();
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let entry_path = child(path, &name);
            self.check_number_text(value, &entry_path);
            match &value.value {
                Node::Str(text) => result.push((
                    name,
                    self.template_at(text, Position::of(value), &entry_path, capture_use),
                )),
                Node::Seq(_) | Node::Map(_) | Node::Null => {
                    self.error(
                        Position::of(value),
                        &entry_path,
                        format!("expected a string, found {}", value.value.kind()),
                    );
                }
                scalar => result.push((
                    name,
                    Template::literal(scalar.scalar_text().unwrap_or_default()),
                )),
            }
        }
        result
    }

    fn json_template(
        &mut self,
        node: &Spanned<Node>,
        path: &str,
        capture_use: CaptureUse,
    ) -> JsonTemplate {
        self.check_number_text(node, path);
        match &node.value {
            Node::Null => JsonTemplate::Value(Value::Null),
            Node::Bool(value) => JsonTemplate::Value(Value::Bool(*value)),
            Node::Int(value) => JsonTemplate::Value(Value::from(*value)),
            Node::Float(value) => JsonTemplate::Value(Value::from(*value)),
            Node::Str(text) => {
                let template = self.template_at(text, Position::of(node), path, capture_use);
                match template.as_literal() {
                    Some(literal) => JsonTemplate::Value(Value::String(literal)),
                    None => JsonTemplate::String(template),
                }
            }
            Node::Seq(items) => JsonTemplate::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| {
                        self.json_template(item, &format!("{path}[{index}]"), capture_use)
                    })
                    .collect(),
            ),
            Node::Map(entries) => JsonTemplate::Object(
                entries
                    .iter()
                    .map(|(key, value)| {
                        let name = key.value.scalar_text().unwrap_or_default();
                        let entry_path = child(path, &name);
                        (name, self.json_template(value, &entry_path, capture_use))
                    })
                    .collect(),
            ),
        }
    }

    fn expectations(
        &mut self,
        raw: &RawExpect,
        path: &str,
        capture_use: CaptureUse,
    ) -> Expectations {
        let mut expect = Expectations::default();
        if let Some(status) = &raw.status {
            expect.status = self.status(status, &child(path, "status"));
        }
        if let Some(latency) = &raw.latency {
            expect.latency = self.duration(latency, &child(path, "latency"));
        }
        if let Some(headers) = &raw.headers {
            let headers_path = child(path, "headers");
            if let Node::Map(entries) = &headers.value {
                for (key, value) in entries {
                    let name = key.value.scalar_text().unwrap_or_default();
                    if let Some(matcher) =
                        self.matcher(value, &child(&headers_path, &name), capture_use)
                    {
                        expect.headers.push((name, matcher));
                    }
                }
            } else {
                self.error(
                    Position::of(headers),
                    &headers_path,
                    "`expect.headers` maps header names to matchers",
                );
            }
        }
        if let Some(body) = &raw.body {
            expect.body = self.matcher(body, &child(path, "body"), capture_use);
        }
        if let Some(json) = &raw.json {
            let json_path = child(path, "json");
            if let Node::Map(entries) = &json.value {
                for (key, value) in entries {
                    let source = key.value.scalar_text().unwrap_or_default();
                    let entry_path = format!("{json_path}[\"{source}\"]");
                    let compiled = self.json_path(&source, Position::of(key), &entry_path);
                    let matcher = self.matcher(value, &entry_path, capture_use);
                    if let (Some(compiled), Some(matcher)) = (compiled, matcher) {
                        expect.json.push((compiled, matcher));
                    }
                }
            } else {
                self.error(
                    Position::of(json),
                    &json_path,
                    "`expect.json` maps JSONPath expressions to matchers",
                );
            }
        }
        if let Some(schema) = &raw.schema {
            expect.schema = self.schema(schema, &child(path, "schema"));
        }
        expect
    }

    fn json_path(&mut self, source: &str, at: Position, path: &str) -> Option<JsonPathExpectation> {
        match JsonPath::parse(source) {
            Ok(compiled) => Some(JsonPathExpectation {
                source: source.to_string(),
                path: compiled,
            }),
            Err(error) => {
                let help = if source.starts_with('$') {
                    None
                } else {
                    Some(format!("a JSONPath starts with $, e.g. `$.{source}`"))
                };
                self.error_with_help(
                    at,
                    path,
                    format!("`{source}` is not a valid JSONPath (RFC 9535): {error}"),
                    help,
                );
                None
            }
        }
    }

    fn status(&mut self, node: &Spanned<Node>, path: &str) -> Option<StatusExpectation> {
        let pattern = |checker: &mut Self, node: &Spanned<Node>| -> Option<StatusPattern> {
            match &node.value {
                Node::Int(code) if (100..=599).contains(code) => {
                    Some(StatusPattern::Code(*code as u16))
                }
                Node::Str(text) if text.len() == 3 && text.ends_with("xx") => {
                    match text.as_bytes()[0] {
                        digit @ b'1'..=b'5' => Some(StatusPattern::Class(u16::from(digit - b'0'))),
                        _ => {
                            checker.error(
                                Position::of(node),
                                path,
                                format!("`{text}` is not a status class; use 1xx to 5xx"),
                            );
                            None
                        }
                    }
                }
                other => {
                    checker.error_with_help(
                        Position::of(node),
                        path,
                        format!("`{}` is not a status code", other.scalar_text().unwrap_or_else(|| other.kind().into())),
                        Some("write a code (200), a class (\"2xx\"), a list ([200, 204]) or a matcher".into()),
                    );
                    None
                }
            }
        };
        match &node.value {
            Node::Map(_) => self
                .matcher(node, path, CaptureUse::Forbidden)
                .map(StatusExpectation::Matcher),
            Node::Seq(items) => {
                let patterns: Vec<_> = items
                    .iter()
                    .filter_map(|item| pattern(self, item))
                    .collect();
                (patterns.len() == items.len() && !items.is_empty())
                    .then_some(StatusExpectation::OneOf(patterns))
            }
            _ => pattern(self, node).map(|single| StatusExpectation::OneOf(vec![single])),
        }
    }

    fn operand(&mut self, node: &Spanned<Node>, path: &str, capture_use: CaptureUse) -> Operand {
        match self.json_template(node, path, capture_use) {
            JsonTemplate::String(template) => Operand::Template(template),
            other => Operand::Value(json_of(&other)),
        }
    }

    /// A scalar means "equals"; a map holds operators, all of which must hold.
    fn matcher(
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
                "an empty matcher tests nothing; give at least one operator",
            );
            return None;
        }
        let mut ops = Vec::new();
        let mut valid = true;
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let op_path = child(path, &name);
            let at = Position::of(value);
            let op = match name.as_str() {
                "eq" => Some(Op::Eq(self.operand(value, &op_path, capture_use))),
                "ne" => Some(Op::Ne(self.operand(value, &op_path, capture_use))),
                "lt" | "le" | "gt" | "ge" => {
                    self.check_number_text(value, &op_path);
                    let order = match name.as_str() {
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
                                at,
                                &op_path,
                                format!("`{name}` compares numbers, found {}", other.kind()),
                            );
                            None
                        }
                    }
                }
                "in" | "not_in" => match &value.value {
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
                            at,
                            &op_path,
                            format!("`{name}` takes a list, found {}", other.kind()),
                        );
                        None
                    }
                },
                "contains" => Some(Op::Contains(self.operand(value, &op_path, capture_use))),
                "not_contains" => Some(Op::NotContains(self.operand(value, &op_path, capture_use))),
                "matches" | "not_matches" => match &value.value {
                    Node::Str(pattern) => {
                        let pattern = self
                            .template_at(pattern, at, &op_path, CaptureUse::Forbidden)
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
                                let first_line = error.to_string();
                                self.error(
                                    at,
                                    &op_path,
                                    format!(
                                        "`{pattern}` is not a valid regular expression: {}",
                                        first_line.lines().last().unwrap_or_default().trim()
                                    ),
                                );
                                None
                            }
                        }
                    }
                    other => {
                        self.error(
                            at,
                            &op_path,
                            format!(
                                "`{name}` takes a regular expression string, found {}",
                                other.kind()
                            ),
                        );
                        None
                    }
                },
                "exists" | "empty" => match &value.value {
                    Node::Bool(flag) => Some(if name == "exists" {
                        Op::Exists(*flag)
                    } else {
                        Op::Empty(*flag)
                    }),
                    other => {
                        self.error(
                            at,
                            &op_path,
                            format!("`{name}` takes true or false, found {}", other.kind()),
                        );
                        None
                    }
                },
                "type" => match value
                    .value
                    .scalar_text()
                    .as_deref()
                    .and_then(JsonType::parse)
                {
                    Some(kind) => Some(Op::Type(kind)),
                    None => {
                        self.error_with_help(
                            at,
                            &op_path,
                            "unknown JSON type",
                            Some(format!("use one of {}", JsonType::NAMES.join(", "))),
                        );
                        None
                    }
                },
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
                    let help = closest(unknown, OPERATORS.iter().copied().chain(["any"]))
                        .map(|s| format!("did you mean `{s}`?"))
                        .or_else(|| {
                            Some(format!(
                                "matcher operators are {}, any",
                                OPERATORS.join(", ")
                            ))
                        });
                    self.error_with_help(
                        Position::of(key),
                        &op_path,
                        format!("unknown matcher operator `{unknown}`"),
                        help,
                    );
                    None
                }
            };
            match op {
                Some(op) => ops.push(op),
                None => valid = false,
            }
        }
        valid.then_some(Matcher { ops })
    }

    fn schema(&mut self, value: &Spanned<String>, path: &str) -> Option<SchemaExpectation> {
        let file = self.text(value, path);
        let at = Position::of(value);
        let full = self.dir.join(&file);
        let text = match std::fs::read_to_string(&full) {
            Ok(text) => text,
            Err(error) => {
                self.error(
                    at,
                    path,
                    format!("cannot read schema `{}`: {error}", full.display()),
                );
                return None;
            }
        };
        let schema: Value = match serde_json::from_str(&text) {
            Ok(schema) => schema,
            Err(error) => {
                self.error(
                    at,
                    path,
                    format!("schema `{}` is not JSON: {error}", full.display()),
                );
                return None;
            }
        };
        let folder = full
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
            .canonicalize()
            .unwrap_or_default();
        let base = url::Url::from_file_path(full.canonicalize().unwrap_or(full.clone()))
            .map(|url| url.to_string())
            .unwrap_or_default();
        let built = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .with_base_uri(base)
            .with_retriever(FolderRetriever { folder })
            .build(&schema);
        match built {
            Ok(validator) => Some(SchemaExpectation {
                file,
                validator: Arc::new(validator),
            }),
            Err(error) => {
                self.error(
                    at,
                    path,
                    format!(
                        "schema `{}` is not a valid JSON Schema (draft 2020-12): {error}",
                        full.display()
                    ),
                );
                None
            }
        }
    }

    fn captures(&mut self, node: &Spanned<Node>, path: &str) -> Vec<Capture> {
        let Node::Map(entries) = &node.value else {
            self.error(
                Position::of(node),
                path,
                "`capture` maps names to a JSONPath, `{ header: NAME }` or `{ body_regex: ... }`",
            );
            return Vec::new();
        };
        let mut captures = Vec::new();
        for (key, value) in entries {
            let name = key.value.scalar_text().unwrap_or_default();
            let capture_path = child(path, &name);
            if !is_name(&name) {
                self.error(
                    Position::of(key),
                    &capture_path,
                    format!("`{name}` is not a valid name: use letters, digits and _"),
                );
            }
            let at = Position::of(value);
            let (source, secret) = match &value.value {
                Node::Str(json_path) => (
                    self.json_path(json_path, at, &capture_path)
                        .map(CaptureSource::Json),
                    false,
                ),
                Node::Map(fields) => {
                    let mut source = None;
                    let mut secret = false;
                    for (field, field_value) in fields {
                        let field_name = field.value.scalar_text().unwrap_or_default();
                        let field_path = child(&capture_path, &field_name);
                        let text = field_value.value.scalar_text().unwrap_or_default();
                        match field_name.as_str() {
                            "json" => {
                                source = self
                                    .json_path(&text, Position::of(field_value), &field_path)
                                    .map(CaptureSource::Json)
                            }
                            "header" => source = Some(CaptureSource::Header(text)),
                            "body_regex" => match regex::Regex::new(&text) {
                                Ok(regex) => source = Some(CaptureSource::BodyRegex(regex)),
                                Err(error) => self.error(
                                    Position::of(field_value),
                                    &field_path,
                                    format!(
                                        "`{text}` is not a valid regular expression: {}",
                                        error.to_string().lines().last().unwrap_or_default().trim()
                                    ),
                                ),
                            },
                            "secret" => match field_value.value {
                                Node::Bool(flag) => secret = flag,
                                _ => self.error(
                                    Position::of(field_value),
                                    &field_path,
                                    "`secret` is true or false",
                                ),
                            },
                            unknown => {
                                let help =
                                    closest(unknown, ["json", "header", "body_regex", "secret"])
                                        .map(|s| format!("did you mean `{s}`?"));
                                self.error_with_help(Position::of(field), &field_path, format!("unknown capture key `{unknown}`; expected json, header, body_regex or secret"), help);
                            }
                        }
                    }
                    (source, secret)
                }
                other => {
                    self.error(
                        at,
                        &capture_path,
                        format!(
                            "a capture is a JSONPath string or a map, found {}",
                            other.kind()
                        ),
                    );
                    (None, false)
                }
            };
            if let Some(source) = source {
                captures.push(Capture {
                    name,
                    source,
                    secret,
                });
            } else if matches!(value.value, Node::Map(_))
                && !self
                    .problems
                    .iter()
                    .any(|p| p.path.starts_with(&capture_path))
            {
                self.error(
                    at,
                    &capture_path,
                    "a capture needs one of `json`, `header` or `body_regex`",
                );
            }
        }
        captures
    }

    fn probe_set(
        &mut self,
        names: impl Iterator<Item = (String, Position, String)>,
        probe_index: &HashMap<String, usize>,
    ) -> Vec<(usize, Position, String)> {
        let mut indices = Vec::new();
        for (name, at, path) in names {
            match probe_index.get(&name) {
                Some(index) => indices.push((*index, at, path)),
                None => {
                    let help = closest(&name, probe_index.keys().map(String::as_str))
                        .map(|s| format!("did you mean `{s}`?"));
                    self.error_with_help(at, &path, format!("no probe has id `{name}`"), help);
                }
            }
        }
        indices
    }

    /// `used`: each probe used, with where it is named and its key path.
    fn check_safe_methods(
        &mut self,
        used: &[(usize, Position, String)],
        methods: &[String],
        probe_index: &HashMap<String, usize>,
        allow_unsafe: bool,
    ) {
        if allow_unsafe {
            return;
        }
        for (index, at, path) in used {
            let Some(method) = methods.get(*index) else {
                continue;
            };
            if !matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS") {
                let id = probe_index
                    .iter()
                    .find(|(_, i)| *i == index)
                    .map_or_else(|| format!("#{index}"), |(id, _)| format!("`{id}`"));
                self.error_with_help(
                    *at,
                    path,
                    format!(
                        "probe {id} uses {method}; repeating it could change data on a live service"
                    ),
                    Some(
                        "use GET, HEAD or OPTIONS probes here, or set `allow_unsafe_methods: true`"
                            .into(),
                    ),
                );
            }
        }
    }

    fn availability(
        &mut self,
        raw: &Spanned<crate::scenario::raw::RawAvailability>,
        methods: &[String],
        probe_index: &HashMap<String, usize>,
    ) -> Option<Availability> {
        let at = Position::of(raw);
        let raw = &raw.value;
        let used = match &raw.probes {
            Some(list) => self.probe_set(
                list.value.iter().enumerate().map(|(i, name)| {
                    (
                        name.value.clone(),
                        Position::of(name),
                        format!("availability.probes[{i}]"),
                    )
                }),
                probe_index,
            ),
            None => (0..methods.len())
                .filter(|index| methods[*index] == "GET")
                .map(|index| (index, at, "availability.probes".to_string()))
                .collect(),
        };
        let probes: Vec<usize> = used.iter().map(|(index, _, _)| *index).collect();
        // Names that match no probe are reported where they are written.
        match &raw.probes {
            None if probes.is_empty() => self.error(at, "availability.probes", "availability needs at least one probe (by default every GET probe; this scenario has none)"),
            Some(list) if list.value.is_empty() => self.error(
                Position::of(list),
                "availability.probes",
                "availability needs at least one probe",
            ),
            _ => {}
        }
        let allow_unsafe = raw
            .allow_unsafe_methods
            .as_ref()
            .is_some_and(|flag| flag.value);
        self.check_safe_methods(&used, methods, probe_index, allow_unsafe);
        let every = self.duration(&raw.every, "availability.every")?;
        if every.is_zero() {
            self.error(
                Position::of(&raw.every),
                "availability.every",
                "`every` must be longer than 0",
            );
            return None;
        }
        let rounds = match (&raw.samples, &raw.window) {
            (Some(_), Some(window)) => {
                self.error(
                    Position::of(window),
                    "availability.for",
                    "give either `samples` or `for`, not both",
                );
                return None;
            }
            (Some(samples), None) => samples.value,
            (None, Some(window)) => {
                let window = self.duration(window, "availability.for")?;
                (window.as_secs_f64() / every.as_secs_f64()).floor() as u64
            }
            (None, None) => {
                self.error(
                    at,
                    "availability",
                    "availability needs `samples: N` or `for: DURATION`",
                );
                return None;
            }
        };
        if rounds == 0 {
            self.error(at, "availability", "availability would take no samples");
            return None;
        }
        Some(Availability {
            probes,
            every,
            rounds,
        })
    }

    fn load(
        &mut self,
        raw: &Spanned<crate::scenario::raw::RawLoad>,
        methods: &[String],
        probe_index: &HashMap<String, usize>,
    ) -> Option<Load> {
        let at = Position::of(raw);
        let raw = &raw.value;
        // Probes named in `probes:`, with where; the default (every GET probe) is safe.
        let mut used: Vec<(usize, Position, String)> = Vec::new();
        let mix: Vec<(usize, u32)> = match raw.probes.as_ref().map(|node| (&node.value, node)) {
            None => (0..methods.len())
                .filter(|i| methods[*i] == "GET")
                .map(|i| (i, 1))
                .collect(),
            Some((Node::Seq(items), _)) => {
                let names = items.iter().enumerate().map(|(i, item)| {
                    (
                        item.value.scalar_text().unwrap_or_default(),
                        Position::of(item),
                        format!("load.probes[{i}]"),
                    )
                });
                used = self.probe_set(names, probe_index);
                used.iter().map(|(i, _, _)| (*i, 1)).collect()
            }
            Some((Node::Map(entries), _)) => {
                let mut mix = Vec::new();
                for (key, value) in entries {
                    let name = key.value.scalar_text().unwrap_or_default();
                    let path = child("load.probes", &name);
                    let weight = match value.value {
                        Node::Int(weight) if weight > 0 && weight <= i64::from(u32::MAX) => {
                            weight as u32
                        }
                        _ => {
                            self.error(
                                Position::of(value),
                                &path,
                                "a weight is a positive whole number",
                            );
                            continue;
                        }
                    };
                    if let Some((index, at, path)) = self
                        .probe_set(
                            std::iter::once((name, Position::of(key), path)),
                            probe_index,
                        )
                        .into_iter()
                        .next()
                    {
                        mix.push((index, weight));
                        used.push((index, at, path));
                    }
                }
                mix
            }
            Some((other, node)) => {
                self.error(
                    Position::of(node),
                    "load.probes",
                    format!(
                        "`probes` is a list or a map of weights, found {}",
                        other.kind()
                    ),
                );
                Vec::new()
            }
        };
        // Names that match no probe, and a `probes:` of the wrong shape, are
        // reported where they are written.
        match raw.probes.as_ref().map(|node| &node.value) {
            None if mix.is_empty() => self.error(at, "load.probes", "load needs at least one probe (by default every GET probe; this scenario has none)"),
            Some(Node::Seq(items)) if items.is_empty() => {
                self.error(at, "load.probes", "load needs at least one probe")
            }
            Some(Node::Map(entries)) if entries.is_empty() => {
                self.error(at, "load.probes", "load needs at least one probe")
            }
            _ => {}
        }
        let allow_unsafe = raw
            .allow_unsafe_methods
            .as_ref()
            .is_some_and(|flag| flag.value);
        self.check_safe_methods(&used, methods, probe_index, allow_unsafe);

        let model_name = raw
            .model
            .as_ref()
            .map(|model| (self.text(model, "load.model"), Position::of(model)));
        let model = match (model_name, &raw.rate) {
            (Some((name, _)), Some(rate)) if name == "closed" => {
                self.error(
                    Position::of(rate),
                    "load.rate",
                    "the closed model has no rate: its users send back to back; use `concurrency`",
                );
                return None;
            }
            (Some((name, _)), None) if name == "closed" => LoadModel::Closed,
            (Some((name, at)), _) if name != "open" => {
                self.error_with_help(
                    at,
                    "load.model",
                    format!("`{name}` is not a load model"),
                    Some("use open (a fixed arrival rate) or closed (fixed concurrency)".into()),
                );
                return None;
            }
            (_, Some(rate)) => {
                let text = self.text(rate, "load.rate");
                match parse_rate(&text) {
                    Ok(rate) => LoadModel::Open { rate },
                    Err(message) => {
                        self.error(Position::of(rate), "load.rate", message);
                        return None;
                    }
                }
            }
            (_, None) => {
                self.error(
                    at,
                    "load.rate",
                    "the open model needs `rate`, e.g. `rate: 50/s` (or use `model: closed`)",
                );
                return None;
            }
        };
        let concurrency = match (&raw.concurrency, model) {
            (Some(concurrency), _) if concurrency.value == 0 => {
                self.error(
                    Position::of(concurrency),
                    "load.concurrency",
                    "`concurrency` must be at least 1",
                );
                return None;
            }
            (Some(concurrency), _) => concurrency.value,
            (None, LoadModel::Open { .. }) => DEFAULT_OPEN_CONCURRENCY,
            (None, LoadModel::Closed) => {
                self.error(
                    at,
                    "load.concurrency",
                    "the closed model needs `concurrency` (the number of users)",
                );
                return None;
            }
        };
        let end = match (&raw.duration, &raw.requests) {
            (Some(_), Some(requests)) => {
                self.error(
                    Position::of(requests),
                    "load.requests",
                    "give either `duration` or `requests`, not both",
                );
                return None;
            }
            (Some(duration), None) => LoadEnd::Duration(self.duration(duration, "load.duration")?),
            (None, Some(requests)) if requests.value > 0 => LoadEnd::Requests(requests.value),
            _ => {
                self.error(
                    at,
                    "load",
                    "load needs `duration` (e.g. 30s) or `requests` (a count)",
                );
                return None;
            }
        };
        let warmup = match &raw.warmup {
            Some(warmup) => self.duration(warmup, "load.warmup")?,
            None => Duration::ZERO,
        };
        Some(Load {
            mix,
            model,
            concurrency,
            end,
            warmup,
        })
    }

    fn standards(
        &mut self,
        raw: &Spanned<RawStandards>,
        service: Option<&Service>,
    ) -> Option<Standards> {
        let raw = &raw.value;
        let profile = self.text(&raw.profile, "standards.profile");
        let catalogue = match crate::catalogue::resolve(&profile, &self.dir) {
            Ok(catalogue) => Some(catalogue),
            Err(error) => {
                self.problems
                    .extend(error.problems(Position::of(&raw.profile), "standards.profile"));
                None
            }
        };
        let gate = match raw
            .gate
            .as_ref()
            .map(|gate| (self.text(gate, "standards.gate"), gate))
        {
            None => StandardsGate::Verdict,
            Some((name, _)) if name == "verdict" => StandardsGate::Verdict,
            Some((name, _)) if name == "none" => StandardsGate::None,
            Some((name, gate)) => {
                self.error_with_help(
                    Position::of(gate),
                    "standards.gate",
                    format!("`{name}` is not a gate"),
                    Some("use verdict (the default) or none".into()),
                );
                StandardsGate::Verdict
            }
        };
        let base_url = service.map(|service| service.base_url.clone());
        let page =
            |checker: &mut Self, value: &Option<Spanned<String>>, name: &str| -> Option<url::Url> {
                let value = value.as_ref()?;
                let path = format!("standards.pages.{name}");
                let text = checker.text(value, &path);
                if !text.starts_with('/') {
                    checker.error_with_help(
                        Position::of(value),
                        &path,
                        format!("`{text}` does not start with /"),
                        Some("pages are paths under base_url, like /standar-pelayanan".into()),
                    );
                    return None;
                }
                base_url.as_ref().map(|base| join_path(base, &text))
            };
        let pages = raw
            .pages
            .as_ref()
            .map(|pages| {
                let pages = &pages.value;
                Pages {
                    home: page(self, &pages.home, "home"),
                    service_standard: page(self, &pages.service_standard, "service_standard"),
                    complaints: page(self, &pages.complaints, "complaints"),
                    openapi: page(self, &pages.openapi, "openapi"),
                }
            })
            .unwrap_or_default();
        let http_url = match &raw.http_url {
            Some(value) => self.absolute_url(value, "standards.http_url")?,
            None => {
                let mut url = service?.base_url.clone();
                url.set_scheme("http").ok()?;
                url.set_port(None).ok()?;
                url
            }
        };
        let mut waivers = Vec::new();
        let known = catalogue.as_ref().map_or_else(
            || self.settings.known_rules.clone(),
            |catalogue| catalogue.codes(),
        );
        for (index, waiver) in raw.waive.iter().flatten().enumerate() {
            let path = format!("standards.waive[{index}]");
            let waiver = &waiver.value;
            let rule = self.text(&waiver.rule, &child(&path, "rule"));
            if !known.is_empty() && !known.contains(&rule) {
                let help = closest(&rule, known.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"));
                self.error_with_help(
                    Position::of(&waiver.rule),
                    &child(&path, "rule"),
                    format!("no rule `{rule}` in the catalogue"),
                    help,
                );
            }
            let reason = self.text(&waiver.reason, &child(&path, "reason"));
            if reason.trim().is_empty() {
                self.error(
                    Position::of(&waiver.reason),
                    &child(&path, "reason"),
                    "a waiver needs a reason",
                );
            }
            let until = waiver.until.as_ref().and_then(|until| {
                let text = self.text(until, &child(&path, "until"));
                let format = time::macros::format_description!("[year]-[month]-[day]");
                time::Date::parse(&text, format)
                    .map_err(|_| {
                        self.error(
                            Position::of(until),
                            &child(&path, "until"),
                            format!("`{text}` is not a date like 2027-03-31"),
                        )
                    })
                    .ok()
            });
            waivers.push(Waiver {
                rule,
                reason,
                until,
            });
        }
        Some(Standards {
            profile,
            catalogue: catalogue?,
            gate,
            pages,
            http_url,
            waivers,
        })
    }

    /// `metric: rule` thresholds name a rule of the scenario's catalogue.
    fn threshold_rules(
        &mut self,
        raw: &[Spanned<crate::scenario::raw::RawThreshold>],
        standards: &Standards,
    ) {
        for (index, spanned) in raw.iter().enumerate() {
            let Some(rule) = &spanned.value.rule else {
                continue;
            };
            let code = rule.value.trim();
            if standards.catalogue.rule(code).is_none() {
                let codes = standards.catalogue.codes();
                let help = closest(code, codes.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"));
                self.error_with_help(
                    Position::of(rule),
                    &format!("thresholds[{index}].rule"),
                    format!(
                        "no rule `{code}` in the catalogue {}",
                        standards.catalogue.name
                    ),
                    help,
                );
            }
        }
    }

    fn thresholds(
        &mut self,
        raw: &[Spanned<crate::scenario::raw::RawThreshold>],
        probe_index: &HashMap<String, usize>,
        has_standards: bool,
    ) -> Vec<Threshold> {
        let mut thresholds = Vec::new();
        for (index, spanned) in raw.iter().enumerate() {
            let path = format!("thresholds[{index}]");
            let at = Position::of(spanned);
            let raw = &spanned.value;
            let metric_name = self.text(&raw.metric, &child(&path, "metric"));
            let rule_code = raw
                .rule
                .as_ref()
                .map(|rule| self.text(rule, &child(&path, "rule")));
            let metric = Metric::from_name(&metric_name, rule_code.as_deref());
            let Some(metric) = metric else {
                if metric_name == "rule" {
                    self.error(
                        at,
                        &path,
                        "`metric: rule` needs `rule: CODE`, e.g. `rule: SC-04`",
                    );
                } else {
                    let names = [
                        "latency.p95",
                        "latency.p99",
                        "latency.mean",
                        "latency.min",
                        "latency.max",
                        "error_rate",
                        "availability",
                        "throughput",
                        "score",
                        "rule",
                    ];
                    let help = closest(&metric_name, names)
                        .map(|s| format!("did you mean `{s}`?"))
                        .or_else(|| {
                            Some(format!(
                                "metrics are latency.pNN (e.g. latency.p99.9), {}",
                                names[2..].join(", ")
                            ))
                        });
                    self.error_with_help(
                        Position::of(&raw.metric),
                        &child(&path, "metric"),
                        format!("unknown metric `{metric_name}`"),
                        help,
                    );
                }
                continue;
            };
            if raw.rule.is_some() && !matches!(metric, Metric::Rule(_)) {
                self.error(
                    at,
                    &child(&path, "rule"),
                    "`rule:` only goes with `metric: rule`",
                );
            }
            if matches!(metric, Metric::Score | Metric::Rule(_)) && !has_standards {
                self.error_with_help(
                    Position::of(&raw.metric),
                    &child(&path, "metric"),
                    format!(
                        "`{}` is measured only when the scenario has `standards:`",
                        metric.name()
                    ),
                    Some("add a `standards:` section or remove this threshold".into()),
                );
                continue;
            }
            let probe = raw.probe.as_ref().map(|probe| {
                let name = self.text(probe, &child(&path, "probe"));
                if !probe_index.contains_key(&name) {
                    let help = closest(&name, probe_index.keys().map(String::as_str))
                        .map(|s| format!("did you mean `{s}`?"));
                    self.error_with_help(
                        Position::of(probe),
                        &child(&path, "probe"),
                        format!("no probe has id `{name}`"),
                        help,
                    );
                }
                name
            });
            if probe.is_some() && matches!(metric, Metric::Score | Metric::Rule(_)) {
                self.error(
                    at,
                    &child(&path, "probe"),
                    "`probe:` does not apply to score or rule thresholds",
                );
            }
            let source = raw.source.as_ref().and_then(|source| {
                match self.text(source, &child(&path, "source")).as_str() {
                    "load" => Some(MetricSource::Load),
                    "probes" => Some(MetricSource::Probes),
                    other => {
                        let other = other.to_string();
                        self.error_with_help(
                            Position::of(source),
                            &child(&path, "source"),
                            format!("`{other}` is not a source"),
                            Some("use load or probes".into()),
                        );
                        None
                    }
                }
            });
            let bound = match (&raw.max, &raw.min) {
                (Some(max), None) => self
                    .limit(&metric, max, &child(&path, "max"))
                    .map(Bound::Max),
                (None, Some(min)) => self
                    .limit(&metric, min, &child(&path, "min"))
                    .map(Bound::Min),
                _ => {
                    self.error(at, &path, "a threshold has exactly one of `max` and `min`");
                    None
                }
            };
            if let Some(bound) = bound {
                thresholds.push(Threshold {
                    metric,
                    probe,
                    bound,
                    source,
                });
            }
        }
        thresholds
    }

    /// A threshold limit in the metric's base unit.
    fn limit(&mut self, metric: &Metric, node: &Spanned<Node>, path: &str) -> Option<f64> {
        let at = Position::of(node);
        let text = match &node.value {
            Node::Str(text) => self
                .template_at(text, at, path, CaptureUse::Forbidden)
                .as_literal()
                .unwrap_or_default(),
            other => other.scalar_text().unwrap_or_default(),
        };
        let number = || match &node.value {
            Node::Int(value) => Some(*value as f64),
            Node::Float(value) => Some(*value),
            _ => None,
        };
        let result = if metric.is_latency() {
            parse_duration(&text).map(|d| d.as_secs_f64())
        } else {
            match metric {
                Metric::ErrorRate | Metric::Availability => parse_ratio(&text),
                Metric::Throughput => parse_rate(&text).or_else(|e| number().ok_or(e)),
                Metric::Score => number()
                    .filter(|score| (1.0..=5.0).contains(score))
                    .ok_or_else(|| "a score limit is an index between 1.00 and 5.00".to_string()),
                Metric::Rule(_) => number()
                    .filter(|level| level.fract() == 0.0 && (1.0..=5.0).contains(level))
                    .ok_or_else(|| "a rule limit is a level from 1 to 5".to_string()),
                _ => Err("unsupported metric".to_string()),
            }
        };
        result.map_err(|message| self.error(at, path, message)).ok()
    }
}

fn is_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Appends `path` to the base URL's path with exactly one `/` between them.
pub fn join_path(base: &url::Url, path: &str) -> url::Url {
    let mut url = base.clone();
    let (path_part, query) = match path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path, None),
    };
    let joined = format!(
        "{}/{}",
        base.path().trim_end_matches('/'),
        path_part.trim_start_matches('/')
    );
    url.set_path(&joined);
    url.set_query(query);
    url
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

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Each raw probe's method, upper-cased, by index (GET when absent).
fn methods_of(probes: &[Spanned<RawProbe>]) -> Vec<String> {
    probes
        .iter()
        .map(|probe| {
            probe.value.request.value.method.as_ref().map_or_else(
                || "GET".to_string(),
                |method| method.value.to_ascii_uppercase(),
            )
        })
        .collect()
}

/// Resolves `$ref`s only to files under the schema's own folder: a scenario must
/// not make ujilab fetch anything, nor read files elsewhere on the machine.
struct FolderRetriever {
    folder: PathBuf,
}

impl jsonschema::Retrieve for FolderRetriever {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let url = url::Url::parse(uri.as_str())?;
        if url.scheme() != "file" {
            return Err(format!(
                "remote $ref `{uri}` is not allowed: keep referenced schemas beside this one"
            )
            .into());
        }
        let path = url
            .to_file_path()
            .map_err(|()| format!("`{uri}` is not a file path"))?;
        let path = path.canonicalize()?;
        if !path.starts_with(&self.folder) {
            return Err(format!("$ref `{uri}` points outside the schema's folder").into());
        }
        Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
    }
}
