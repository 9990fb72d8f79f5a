//! One HTTP exchange: the request, every redirect hop ujilab follows itself, and the final
//! response with its body read as a stream, decoded and capped.
//!
//! [`perform`] never fails and never panics: a service that refuses, resets, stalls, lies
//! about its encoding or sends an endless body is recorded as an [`Exchange`] whose
//! `error` says what happened in one vocabulary ([`TransportKind`]) and in plain words.
//!
//! Redaction: every string of an [`Exchange`] that a report may show (URLs, request and
//! response headers, redirect hops, error messages) is redacted when the exchange is
//! built. The response body (`Response::body`, `Response::text`) and
//! `Response::raw_headers` are kept **raw**, because matchers and captures must see what
//! the service sent; they are not serialized, and whoever shows an excerpt of them must
//! pass it through the [`Redactor`] first.

use std::error::Error as StdError;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::header::{COOKIE, HeaderMap, HeaderName, HeaderValue, SET_COOKIE};
use http::{Method, Version};
use reqwest::Url;
use reqwest::cookie::CookieStore as _;

use observe::exchange::{Exchange, Hop, ReceivedHead, Response, TransportError, TransportKind};
use observe::redact::Redactor;
use observe::timing::Timings;

use crate::client::Session;
use crate::decode::{BodyDecoder, DecodeError, decode_text};
use crate::timing::{PhaseClock, TimedBody};

/// Sent unless the request sets `Accept-Encoding` itself.
pub const DEFAULT_ACCEPT_ENCODING: &str = "gzip, br, zstd";
/// Sent unless the request sets `User-Agent` itself.
pub const USER_AGENT: &str = concat!("ujilab/", env!("CARGO_PKG_VERSION"));
/// Sent unless the request sets `Accept` itself (what reqwest would send anyway; written
/// out so that `request_headers` shows it).
pub const DEFAULT_ACCEPT: &str = "*/*";
/// A redirect response's body is read up to this much (so the connection can be
/// reused) and then dropped.
const REDIRECT_BODY_DRAIN: usize = 64 * 1024;

/// One request to send, already interpolated and merged with the scenario defaults.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    pub method: Method,
    pub url: Url,
    /// In order, already merged. `Accept-Encoding`, `Accept` and `User-Agent` are added
    /// when absent (see the constants above).
    pub headers: Vec<(String, String)>,
    pub body: Option<Bytes>,
    /// The whole exchange: connection, every redirect hop and the full final body.
    pub timeout: Duration,
    /// Redirect hops to follow; 0 = do not follow (a 3xx is then the final response).
    pub max_redirects: u32,
    /// Cap on the decoded final body, in bytes.
    pub max_body: u64,
}

impl RequestSpec {
    /// A GET with the scenario defaults of scenario.md (10 s, 5 redirects, 10 MiB).
    pub fn get(url: Url) -> RequestSpec {
        RequestSpec {
            method: Method::GET,
            url,
            headers: Vec::new(),
            body: None,
            timeout: Duration::from_secs(10),
            max_redirects: 5,
            max_body: 10 * 1024 * 1024,
        }
    }
}

/// Sends `spec` through `session` (its client built by `client::build_client`: no
/// redirects, no decompression, no cookies of its own), follows redirects, reads and
/// decodes the final body, and records it all, redacted with `redactor`.
pub async fn perform(session: &Session, spec: &RequestSpec, redactor: &Redactor) -> Exchange {
    let started_at = SystemTime::now();
    let start = Instant::now();
    let mut run = Run::new(spec);
    let outcome = tokio::time::timeout(spec.timeout, run.execute(session, spec)).await;
    let latency = start.elapsed();
    let result = match outcome {
        Ok(result) => result,
        Err(_elapsed) => Err(run.timeout_error(spec.timeout)),
    };
    let timings = run
        .clock
        .timings(run.hop_start, run.head_at, Instant::now(), result.is_ok());
    let (response, error, received) = match result {
        Ok(final_response) => (Some(final_response.into_response(redactor)), None, None),
        Err(error) => (
            None,
            Some(TransportError {
                kind: error.kind,
                message: redactor.redact(&error.message).into_owned(),
            }),
            run.head.take().map(|head| ReceivedHead {
                status: head.status,
                version: head.version,
                headers: redact_headers(&head.headers, redactor),
            }),
        ),
    };
    Exchange {
        method: spec.method.to_string(),
        url: redactor.redact(spec.url.as_str()).into_owned(),
        final_url: redactor.redact(run.url.as_str()).into_owned(),
        request_headers: redact_headers(&run.first_headers, redactor),
        redirects: run
            .hops
            .iter()
            .map(|hop| Hop {
                url: redactor.redact(&hop.url).into_owned(),
                status: hop.status,
                location: redactor.redact(&hop.location).into_owned(),
                headers: redact_headers(&hop.headers, redactor),
                timings: hop.timings,
            })
            .collect(),
        response,
        error,
        received,
        started_at,
        latency,
        timings,
    }
}

fn redact_headers(headers: &[(String, String)], redactor: &Redactor) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| (name.clone(), redactor.redact_header(name, value)))
        .collect()
}

/// Where the exchange is, for error messages.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Connecting, sending, or waiting for the response headers.
    Head,
    /// Reading the final body; bytes received so far.
    Body { wire_bytes: u64 },
}

/// An unredacted hop.
struct RawHop {
    url: String,
    status: u16,
    location: String,
    headers: Vec<(String, String)>,
    timings: Timings,
}

struct FinalResponse {
    status: u16,
    version: String,
    headers: Vec<(String, String)>,
    body: Bytes,
    text: String,
    wire_bytes: u64,
    remote_addr: Option<String>,
    content_encoding: Option<String>,
    decode_note: Option<String>,
}

impl FinalResponse {
    fn into_response(self, redactor: &Redactor) -> Response {
        Response {
            status: self.status,
            version: self.version,
            headers: redact_headers(&self.headers, redactor),
            raw_headers: self.headers,
            body_bytes: self.body.len() as u64,
            body: self.body,
            text: self.text,
            wire_bytes: self.wire_bytes,
            remote_addr: self.remote_addr,
            content_encoding: self
                .content_encoding
                .map(|v| redactor.redact(&v).into_owned()),
            decode_note: self.decode_note.map(|v| redactor.redact(&v).into_owned()),
        }
    }
}

/// The final response's head, unredacted, kept in case its body fails.
struct RawHead {
    status: u16,
    version: String,
    headers: Vec<(String, String)>,
}

/// An unredacted failure.
struct Failure {
    kind: TransportKind,
    message: String,
}

impl Failure {
    fn new(kind: TransportKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

/// The state of one exchange, kept outside the timed future so that a timeout still
/// knows the hops so far and where it stopped.
struct Run {
    method: Method,
    url: Url,
    headers: Vec<(String, String)>,
    body: Option<Bytes>,
    first_headers: Vec<(String, String)>,
    hops: Vec<RawHop>,
    /// Set once the final response's head arrived.
    head: Option<RawHead>,
    phase: Phase,
    credentials_dropped: bool,
    /// The request being sent: when it started, its phase marks, and when its
    /// response head arrived.
    hop_start: Instant,
    clock: Arc<PhaseClock>,
    head_at: Option<Instant>,
}

impl Run {
    fn new(spec: &RequestSpec) -> Run {
        let mut headers = spec.headers.clone();
        for (name, value) in [
            ("accept-encoding", DEFAULT_ACCEPT_ENCODING),
            ("accept", DEFAULT_ACCEPT),
            ("user-agent", USER_AGENT),
        ] {
            if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                headers.push((name.to_string(), value.to_string()));
            }
        }
        Run {
            method: spec.method.clone(),
            url: spec.url.clone(),
            first_headers: headers.clone(),
            headers,
            body: spec.body.clone(),
            hops: Vec::new(),
            head: None,
            phase: Phase::Head,
            credentials_dropped: false,
            hop_start: Instant::now(),
            clock: Arc::default(),
            head_at: None,
        }
    }

    async fn execute(
        &mut self,
        session: &Session,
        spec: &RequestSpec,
    ) -> Result<FinalResponse, Failure> {
        loop {
            self.phase = Phase::Head;
            self.hop_start = Instant::now();
            self.clock = Arc::default();
            self.head_at = None;
            let mut request = self.request()?;
            if let Some(jar) = &session.cookies {
                // The scenario's own `Cookie` header wins over the jar, as in browsers'
                // scripts and in reqwest's own cookie store.
                let headers = request.headers_mut();
                if !headers.contains_key(COOKIE)
                    && let Some(cookies) = jar.cookies(&self.url)
                {
                    headers.insert(COOKIE, cookies);
                }
            }
            let mut response = self
                .clock
                .time(session.client.execute(request))
                .await
                .map_err(|e| classify(e, self.phase, &self.url))?;
            self.head_at = Some(Instant::now());
            if let Some(jar) = &session.cookies {
                jar.set_cookies(
                    &mut response.headers().get_all(SET_COOKIE).iter(),
                    &self.url,
                );
            }
            let status = response.status().as_u16();
            let headers = header_lines(response.headers());

            if let Some((location, next)) = self.redirect_target(status, &headers, spec) {
                self.hops.push(RawHop {
                    url: self.url.to_string(),
                    status,
                    location,
                    headers,
                    // A hop not followed keeps no body: its timings end at the head.
                    timings: self.clock.timings(
                        self.hop_start,
                        self.head_at,
                        Instant::now(),
                        false,
                    ),
                });
                if self.hops.len() as u32 > spec.max_redirects {
                    return Err(Failure::new(
                        TransportKind::TooManyRedirects,
                        format!(
                            "more than {} redirect{} (the last one, {status}, points to {next})",
                            spec.max_redirects,
                            if spec.max_redirects == 1 { "" } else { "s" }
                        ),
                    ));
                }
                drain(&mut response).await;
                if let Some(hop) = self.hops.last_mut() {
                    hop.timings =
                        self.clock
                            .timings(self.hop_start, self.head_at, Instant::now(), true);
                }
                self.follow(status, next);
                continue;
            }

            return self.read_final(response, status, headers, spec).await;
        }
    }

    fn request(&self) -> Result<reqwest::Request, Failure> {
        let mut map = HeaderMap::new();
        for (name, value) in &self.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Failure::new(
                    TransportKind::Protocol,
                    format!("the request header name {name:?} is not valid HTTP"),
                )
            })?;
            let header_value = HeaderValue::from_str(value).map_err(|_| {
                Failure::new(
                    TransportKind::Protocol,
                    format!("the value of request header {name} is not valid HTTP"),
                )
            })?;
            map.append(header_name, header_value);
        }
        let mut request = reqwest::Request::new(self.method.clone(), self.url.clone());
        *request.headers_mut() = map;
        if let Some(body) = &self.body {
            let timed = TimedBody::new(body.clone(), Arc::clone(&self.clock));
            *request.body_mut() = Some(reqwest::Body::wrap(timed));
        }
        Ok(request)
    }

    /// The `Location` (as received) and the URL to follow, when this response is a
    /// redirect ujilab follows. A 3xx without a usable http(s) `Location`, or any 3xx when
    /// `max_redirects` is 0, is a final response.
    fn redirect_target(
        &self,
        status: u16,
        headers: &[(String, String)],
        spec: &RequestSpec,
    ) -> Option<(String, Url)> {
        if spec.max_redirects == 0 || !matches!(status, 301 | 302 | 303 | 307 | 308) {
            return None;
        }
        let location = headers
            .iter()
            .find(|(n, _)| n == "location")
            .map(|(_, v)| v.trim().to_string())?;
        let next = self.url.join(&location).ok()?;
        matches!(next.scheme(), "http" | "https").then_some((location, next))
    }

    /// Prepares the next hop (semantics.md, "Requests").
    fn follow(&mut self, status: u16, next: Url) {
        if matches!(status, 301..=303) && self.method != Method::GET && self.method != Method::HEAD
        {
            self.method = Method::GET;
            self.body = None;
            self.headers.retain(|(name, _)| {
                ![
                    "content-type",
                    "content-length",
                    "content-encoding",
                    "transfer-encoding",
                ]
                .iter()
                .any(|h| name.eq_ignore_ascii_case(h))
            });
        }
        if !self.credentials_dropped && origin(&self.url) != origin(&next) {
            // Once dropped, they stay dropped, even if a later hop comes back.
            self.credentials_dropped = true;
            self.headers.retain(|(name, _)| {
                !["authorization", "cookie", "proxy-authorization"]
                    .iter()
                    .any(|h| name.eq_ignore_ascii_case(h))
            });
        }
        self.url = next;
    }

    async fn read_final(
        &mut self,
        mut response: reqwest::Response,
        status: u16,
        headers: Vec<(String, String)>,
        spec: &RequestSpec,
    ) -> Result<FinalResponse, Failure> {
        let content_encoding = joined(&headers, "content-encoding");
        let content_type = headers
            .iter()
            .find(|(n, _)| n == "content-type")
            .map(|(_, v)| v.clone());
        let version = version_name(response.version());
        self.head = Some(RawHead {
            status,
            version: version.clone(),
            headers: headers.clone(),
        });
        let remote_addr = response.remote_addr().map(|a| a.to_string());
        let mut decoder = BodyDecoder::new(content_encoding.as_deref(), spec.max_body);

        let has_body = self.method != Method::HEAD && !matches!(status, 204 | 304);
        if decoder.is_identity()
            && has_body
            && let Some(length) = response.content_length().filter(|&l| l > spec.max_body)
        {
            return Err(Failure::new(
                TransportKind::BodyTooLarge,
                format!(
                    "the body ({}, from Content-Length) is larger than max_body ({})",
                    fmt_bytes(length),
                    fmt_bytes(spec.max_body)
                ),
            ));
        }

        self.phase = Phase::Body { wire_bytes: 0 };
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    decoder
                        .push(&chunk)
                        .map_err(|e| decode_failure(e, spec.max_body))?;
                    self.phase = Phase::Body {
                        wire_bytes: decoder.wire_bytes(),
                    };
                }
                Ok(None) => break,
                Err(e) => return Err(classify(e, self.phase, &self.url)),
            }
        }
        let wire_bytes = decoder.wire_bytes();
        let decode_note = decoder.note().map(str::to_string);
        let body = decoder
            .finish()
            .map_err(|e| decode_failure(e, spec.max_body))?;
        let text = decode_text(&body, content_type.as_deref());
        Ok(FinalResponse {
            status,
            version,
            headers,
            body,
            text,
            wire_bytes,
            remote_addr,
            content_encoding,
            decode_note,
        })
    }

    fn timeout_error(&self, timeout: Duration) -> Failure {
        let mut message = format!("no complete response within {}", fmt_duration(timeout));
        let redirects = match self.hops.len() {
            0 => String::new(),
            1 => " after 1 redirect".to_string(),
            n => format!(" after {n} redirects"),
        };
        match self.phase {
            Phase::Head => {
                message.push_str(&format!(
                    " (no response headers from {}{redirects})",
                    host_port(&self.url)
                ));
            }
            Phase::Body { wire_bytes } => {
                message.push_str(&format!(
                    " (the body stopped after {}{redirects})",
                    fmt_bytes(wire_bytes)
                ));
            }
        }
        Failure::new(TransportKind::Timeout, message)
    }
}

/// Reads a little of a redirect's body so the connection can be reused; errors do not
/// matter here.
async fn drain(response: &mut reqwest::Response) {
    let mut read = 0;
    while read < REDIRECT_BODY_DRAIN {
        match response.chunk().await {
            Ok(Some(chunk)) => read += chunk.len(),
            _ => break,
        }
    }
}

fn decode_failure(e: DecodeError, max_body: u64) -> Failure {
    match e {
        DecodeError::TooLarge { .. } => Failure::new(
            TransportKind::BodyTooLarge,
            format!(
                "the decoded body is larger than max_body ({})",
                fmt_bytes(max_body)
            ),
        ),
        DecodeError::Corrupt { .. } => Failure::new(TransportKind::Protocol, e.to_string()),
    }
}

fn header_lines(map: &HeaderMap) -> Vec<(String, String)> {
    map.iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

fn joined(headers: &[(String, String)], name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

fn version_name(version: Version) -> String {
    match version {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_11 => "HTTP/1.1",
        Version::HTTP_2 => "HTTP/2",
        Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/?",
    }
    .to_string()
}

fn origin(url: &Url) -> (String, Option<String>, Option<u16>) {
    (
        url.scheme().to_string(),
        url.host_str().map(str::to_ascii_lowercase),
        url.port_or_known_default(),
    )
}

fn host_port(url: &Url) -> String {
    match (url.host_str(), url.port_or_known_default()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        _ => url.scheme().to_string(),
    }
}

/// `2s`, `1.5s`, `250ms`.
fn fmt_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

/// `10 MiB`, `64 KiB`, `1234 bytes`.
fn fmt_bytes(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else if n == 1 {
        "1 byte".to_string()
    } else {
        format!("{n} bytes")
    }
}

/// What the error chain says, gathered once.
#[derive(Default)]
struct Facts {
    rustls: Option<rustls::Error>,
    io_kinds: Vec<io::ErrorKind>,
    hyper_parse: bool,
    hyper_incomplete: bool,
    hyper_timeout: bool,
    dns: bool,
    connect: bool,
    h2_peer_reset: bool,
    /// The meaningful messages of the chain, outermost first.
    details: Vec<String>,
}

impl Facts {
    fn gather(err: &reqwest::Error) -> Facts {
        let mut facts = Facts {
            dns: err.is_dns(),
            connect: err.is_connect(),
            ..Facts::default()
        };
        let mut current: Option<&(dyn StdError + 'static)> = Some(err);
        let mut depth = 0;
        while let Some(e) = current {
            depth += 1;
            if depth > 32 {
                break;
            }
            facts.note(e);
            current = match e.downcast_ref::<io::Error>() {
                // io::Error::source() skips the wrapped error itself: visit it.
                Some(io_err) => match io_err.get_ref() {
                    Some(inner) => Some(inner as &(dyn StdError + 'static)),
                    None => e.source(),
                },
                None => e.source(),
            };
        }
        facts
    }

    fn note(&mut self, e: &(dyn StdError + 'static)) {
        if let Some(tls) = e.downcast_ref::<rustls::Error>()
            && self.rustls.is_none()
        {
            self.rustls = Some(tls.clone());
        }
        if let Some(io_err) = e.downcast_ref::<io::Error>() {
            self.io_kinds.push(io_err.kind());
        }
        if let Some(h) = e.downcast_ref::<hyper::Error>() {
            self.hyper_parse |= h.is_parse() || h.is_parse_status() || h.is_parse_too_large();
            self.hyper_incomplete |= h.is_incomplete_message();
            self.hyper_timeout |= h.is_timeout();
        }
        let text = e.to_string();
        if text.starts_with("dns error") {
            self.dns = true;
        }
        if text.starts_with("tcp connect error") {
            self.connect = true;
        }
        // h2 reports a RST_STREAM or GOAWAY sent by the peer this way.
        if text.contains("error received:") {
            self.h2_peer_reset = true;
        }
        let generic = [
            "error sending request",
            "client error (",
            "request or response body error",
            "error decoding response body",
            "error reading a body from connection",
            "error resolving DNS",
        ];
        if text.is_empty() || generic.iter().any(|g| text.starts_with(g)) {
            return;
        }
        if !self.details.iter().any(|d| d.contains(&text)) {
            self.details.push(text);
        }
    }

    fn has(&self, kinds: &[io::ErrorKind]) -> bool {
        self.io_kinds.iter().any(|k| kinds.contains(k))
    }

    fn detail(&self) -> String {
        if self.details.is_empty() {
            "no further detail".to_string()
        } else {
            self.details.join(": ")
        }
    }
}

const RESET_KINDS: [io::ErrorKind; 4] = [
    io::ErrorKind::ConnectionReset,
    io::ErrorKind::ConnectionAborted,
    io::ErrorKind::BrokenPipe,
    io::ErrorKind::UnexpectedEof,
];

/// Turns a reqwest error into a kind and a sentence. The URL is stripped first (the
/// message names only host and port; the caller redacts it).
fn classify(err: reqwest::Error, phase: Phase, url: &Url) -> Failure {
    let err = err.without_url();
    let facts = Facts::gather(&err);
    let at = host_port(url);
    let detail = facts.detail();

    if let Some(tls) = &facts.rustls {
        return tls_failure(tls, url, &at);
    }
    if facts.dns {
        let host = url.host_str().unwrap_or("?");
        return Failure::new(
            TransportKind::Dns,
            format!("could not resolve host {host} ({detail})"),
        );
    }
    if facts.has(&[io::ErrorKind::ConnectionRefused]) {
        return Failure::new(
            TransportKind::Connect,
            format!("connection refused by {at}"),
        );
    }
    if facts.hyper_timeout || facts.has(&[io::ErrorKind::TimedOut]) {
        return Failure::new(
            TransportKind::Timeout,
            format!("timed out talking to {at} ({detail})"),
        );
    }
    let reset = facts.has(&RESET_KINDS) || facts.hyper_incomplete || facts.h2_peer_reset;
    let reset_verb = if facts.has(&[io::ErrorKind::ConnectionReset]) {
        "reset"
    } else {
        "closed"
    };
    match phase {
        Phase::Head => {
            if facts.hyper_parse {
                return Failure::new(
                    TransportKind::Protocol,
                    format!("{at} did not answer with valid HTTP ({detail})"),
                );
            }
            if reset {
                return Failure::new(
                    TransportKind::Reset,
                    format!(
                        "connection {reset_verb} by {at} before a complete response header ({detail})"
                    ),
                );
            }
            if facts.connect {
                return Failure::new(
                    TransportKind::Connect,
                    format!("could not connect to {at} ({detail})"),
                );
            }
            if facts.io_kinds.is_empty() {
                Failure::new(
                    TransportKind::Protocol,
                    format!("the exchange with {at} failed ({detail})"),
                )
            } else {
                Failure::new(
                    TransportKind::Read,
                    format!("error reading the response from {at} ({detail})"),
                )
            }
        }
        Phase::Body { wire_bytes } => {
            let received = fmt_bytes(wire_bytes);
            if reset {
                return Failure::new(
                    TransportKind::Reset,
                    format!(
                        "connection {reset_verb} by {at} in the middle of the body, after {received} ({detail})"
                    ),
                );
            }
            if facts.hyper_parse
                || facts.has(&[io::ErrorKind::InvalidData, io::ErrorKind::InvalidInput])
            {
                return Failure::new(
                    TransportKind::Protocol,
                    format!("invalid body framing from {at} after {received} ({detail})"),
                );
            }
            Failure::new(
                TransportKind::Read,
                format!("error reading the body from {at} after {received} ({detail})"),
            )
        }
    }
}

const LEGACY: &str = "the server offers only protocol versions or ciphers older than TLS 1.2";

/// A reqwest error in the one vocabulary, for callers outside [`perform`] (the load
/// engine's pooled path). `in_body` with the body bytes received so far when the error
/// came while reading the body. The message is not redacted.
pub fn classify_reqwest_error(
    err: reqwest::Error,
    in_body: Option<u64>,
    url: &Url,
) -> TransportError {
    let phase = match in_body {
        Some(wire_bytes) => Phase::Body { wire_bytes },
        None => Phase::Head,
    };
    let failure = classify(err, phase, url);
    TransportError {
        kind: failure.kind,
        message: failure.message,
    }
}

/// The transport error a failed TLS handshake is reported as (also used by the
/// standards stage's own handshake in `run::tls`).
pub(crate) fn tls_error(err: &rustls::Error, url: &Url, at: &str) -> TransportError {
    let failure = tls_failure(err, url, at);
    TransportError {
        kind: failure.kind,
        message: failure.message,
    }
}

fn tls_failure(err: &rustls::Error, url: &Url, at: &str) -> Failure {
    use rustls::{AlertDescription, CertificateError, Error};
    match err {
        Error::InvalidCertificate(cert) => {
            let host = url.host_str().unwrap_or("?");
            let message = match cert {
                CertificateError::UnknownIssuer => {
                    "certificate not trusted: UnknownIssuer".to_string()
                }
                CertificateError::BadSignature => {
                    "certificate not trusted: BadSignature".to_string()
                }
                CertificateError::Expired => "certificate expired".to_string(),
                CertificateError::NotValidYet => "certificate not valid yet".to_string(),
                CertificateError::NotValidForName => format!("certificate not valid for {host}"),
                CertificateError::ExpiredContext { .. }
                | CertificateError::NotValidYetContext { .. }
                | CertificateError::NotValidForNameContext { .. } => cert.to_string(),
                other => format!("certificate rejected: {other}"),
            };
            Failure::new(TransportKind::Tls, message)
        }
        Error::PeerIncompatible(why) => {
            Failure::new(TransportKind::TlsLegacyOnly, format!("{LEGACY} ({why:?})"))
        }
        Error::AlertReceived(
            alert @ (AlertDescription::ProtocolVersion | AlertDescription::InsufficientSecurity),
        ) => Failure::new(
            TransportKind::TlsLegacyOnly,
            format!("{LEGACY} (it answered with the TLS alert {alert:?})"),
        ),
        Error::AlertReceived(AlertDescription::HandshakeFailure) => Failure::new(
            TransportKind::Tls,
            format!(
                "{at} refused the TLS handshake (handshake_failure alert): it may offer only \
                 legacy protocol versions or ciphers, or not serve this host name"
            ),
        ),
        Error::InvalidMessage(_) | Error::InappropriateMessage { .. } => Failure::new(
            TransportKind::Tls,
            format!("TLS handshake with {at} failed: {err} (is this port speaking TLS?)"),
        ),
        other => Failure::new(
            TransportKind::Tls,
            format!("TLS handshake with {at} failed: {other}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialize_as_report_codes() {
        for kind in TransportKind::ALL {
            let json = serde_json::to_string(&kind).expect("json");
            assert_eq!(json, format!("\"{}\"", kind.code()));
            let back: TransportKind = serde_json::from_str(&json).expect("back");
            assert_eq!(back, kind);
        }
    }

    #[test]
    fn durations_and_sizes_read_well() {
        assert_eq!(fmt_duration(Duration::from_secs(2)), "2s");
        assert_eq!(fmt_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(fmt_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(fmt_bytes(10 * 1024 * 1024), "10 MiB");
        assert_eq!(fmt_bytes(64 * 1024), "64 KiB");
        assert_eq!(fmt_bytes(1234), "1234 bytes");
    }

    #[test]
    fn method_and_credentials_on_redirect() {
        let url = Url::parse("http://a.example/form").expect("url");
        let mut spec = RequestSpec::get(url);
        spec.method = Method::POST;
        spec.body = Some(Bytes::from_static(b"x=1"));
        spec.headers = vec![
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            ("Authorization".into(), "Bearer t".into()),
            ("Cookie".into(), "a=b".into()),
            ("X-Keep".into(), "1".into()),
        ];
        let mut run = Run::new(&spec);
        run.follow(307, Url::parse("http://a.example/again").expect("url"));
        assert_eq!(run.method, Method::POST);
        assert!(run.body.is_some());
        run.follow(303, Url::parse("http://a.example:80/done").expect("url"));
        assert_eq!(run.method, Method::GET);
        assert!(run.body.is_none());
        assert!(!run.headers.iter().any(|(n, _)| n == "Content-Type"));
        assert!(run.headers.iter().any(|(n, _)| n == "Authorization"));
        run.follow(302, Url::parse("https://a.example/done").expect("url"));
        assert!(
            !run.headers
                .iter()
                .any(|(n, _)| n == "Authorization" || n == "Cookie")
        );
        assert!(run.headers.iter().any(|(n, _)| n == "X-Keep"));
    }

    #[test]
    fn defaults_are_added_only_when_absent() {
        let mut spec = RequestSpec::get(Url::parse("http://a.example/").expect("url"));
        spec.headers = vec![("ACCEPT-ENCODING".into(), "identity".into())];
        let run = Run::new(&spec);
        let names: Vec<&str> = run.first_headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["ACCEPT-ENCODING", "accept", "user-agent"]);
    }
}
