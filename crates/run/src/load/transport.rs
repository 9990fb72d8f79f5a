//! How a load request travels. Each request slot owns its connections, over a TCP
//! or rustls stream: HTTP/1.1 is ujilab's own lean client ([`crate::load::http1`]); HTTP/2
//! (by ALPN, or prior knowledge with `http: "2"`) is a hyper connection polled inside
//! the slot's own future rather than in a task of its own. The TLS configuration is
//! the probes' (`client::rustls_config`: roots, CA files, `insecure`, ALPN) and
//! `resolve` pins hosts the same way. A configured proxy switches to reqwest's client,
//! which knows proxies (CONNECT, `NO_PROXY`); it is slower but the same loop drives
//! it.
//!
//! No redirect is followed and no cookie is kept: a 3xx is a response like any other.
//! Bodies are read to the end and counted, decoded only when the server encoded them
//! (so `max_body` caps the decoded size, as for probes), and never kept.

use std::future::{Future, poll_fn};
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Response, Uri};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::client::conn::http2;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use url::Url;

use input::scenario::{Probe, status_accepted};
use observe::exchange::TransportKind;
use observe::timing::Timings;

use crate::client::{ClientSettings, HttpVersionPolicy};
use crate::decode::{BodyDecoder, DecodeError};
use crate::exchange::{DEFAULT_ACCEPT, RequestSpec, USER_AGENT, classify_reqwest_error, tls_error};
use crate::load::figures::ErrorKey;
use crate::load::http1::Http1;

/// Statuses hyper accepts (100..=999), looked up without calling the matcher.
const STATUS_TABLE: usize = 1000;

/// Why one load request failed, before redaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub key: ErrorKey,
    pub message: String,
    /// Nothing of the response arrived on a connection that had served requests
    /// before: the server closed an idle keep-alive connection. A safe request is
    /// sent once more on a new connection, as browsers do.
    retry: bool,
}

impl Failure {
    pub fn new(kind: TransportKind, message: impl Into<String>) -> Failure {
        Failure {
            key: ErrorKey::Transport(kind),
            message: message.into(),
            retry: false,
        }
    }

    /// Open model: the arrival waited longer than its timeout and was not sent.
    pub fn dropped(message: impl Into<String>) -> Failure {
        Failure {
            key: ErrorKey::Dropped,
            message: message.into(),
            retry: false,
        }
    }

    pub(super) fn retryable(mut self) -> Failure {
        self.retry = true;
        self
    }

    #[cfg(test)]
    pub(super) fn is_retryable(&self) -> bool {
        self.retry
    }
}

/// A host the load talks to.
#[derive(Debug, Clone)]
pub struct Target {
    https: bool,
    host: String,
    port: u16,
    /// `resolve:` or an IP literal: no DNS lookup.
    pinned: Option<IpAddr>,
    server_name: ServerName<'static>,
    /// `host:port`, for messages.
    at: String,
    /// A URL of the target, for the shared TLS error vocabulary.
    url: Url,
}

/// One probe of the mix, prepared once: everything a send needs, shared read-only.
#[derive(Debug)]
pub struct Prepared {
    pub method: Method,
    pub url: Url,
    pub target: usize,
    absolute_form: Uri,
    /// HTTP/1.1: the whole request, encoded once (with `Host`).
    wire_h1: Vec<u8>,
    /// HTTP/2 and the pooled path: the authority travels in the URI instead.
    headers_h2: HeaderMap,
    body: Bytes,
    pub timeout: Duration,
    pub max_body: u64,
    /// Safe to send again after an idle connection was closed under it.
    idempotent: bool,
    accepted: Vec<bool>,
}

impl Prepared {
    /// `Err` says why this probe cannot be sent (an invalid header, a URL hyper
    /// rejects), in words for the report.
    pub fn new(
        probe: &Probe,
        spec: &RequestSpec,
        settings: &ClientSettings,
        targets: &mut Vec<Target>,
    ) -> Result<Prepared, String> {
        let url = spec.url.clone();
        let target = target_index(&url, settings, targets)?;
        let uri = |text: &str| {
            text.parse::<Uri>().map_err(|e| {
                format!(
                    "probe {}: `{text}` is not a valid request URI: {e}",
                    probe.id
                )
            })
        };
        let origin_form = uri(&url[url::Position::BeforePath..url::Position::AfterQuery])?;
        let absolute_form = uri(&url[..url::Position::AfterQuery])?;

        let mut headers = HeaderMap::new();
        for (name, value) in &spec.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                format!(
                    "probe {}: the request header name {name:?} is not valid HTTP",
                    probe.id
                )
            })?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                format!(
                    "probe {}: the value of request header {name} is not valid HTTP",
                    probe.id
                )
            })?;
            headers.append(name, value);
        }
        for (name, value) in [
            (header::ACCEPT, DEFAULT_ACCEPT),
            (header::USER_AGENT, USER_AGENT),
        ] {
            if !headers.contains_key(&name) {
                headers.insert(name, HeaderValue::from_static(value));
            }
        }
        let headers_h2 = headers.clone();
        if !headers.contains_key(header::HOST) {
            let host = match url.port() {
                Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
                None => url.host_str().unwrap_or_default().to_string(),
            };
            let value = HeaderValue::from_str(&host)
                .map_err(|_| format!("probe {}: host {host:?} is not valid HTTP", probe.id))?;
            headers.insert(header::HOST, value);
        }
        let accepted = (0..STATUS_TABLE)
            .map(|status| status_accepted(probe, status as u16))
            .collect();
        let body = spec.body.clone().unwrap_or_default();
        let wire_h1 =
            crate::load::http1::encode_request(&spec.method, &origin_form, &headers, &body);
        Ok(Prepared {
            idempotent: matches!(
                spec.method,
                Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
            ),
            method: spec.method.clone(),
            url,
            target,
            absolute_form,
            wire_h1,
            headers_h2,
            body,
            timeout: spec.timeout,
            max_body: spec.max_body,
            accepted,
        })
    }

    /// The probe's `status` expectation (2xx when none), as `expect::status_accepted`.
    pub fn accepts(&self, status: u16) -> bool {
        self.accepted
            .get(usize::from(status))
            .copied()
            .unwrap_or(false)
    }

    fn http2_request(&self) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(self.body.clone()));
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.absolute_form.clone();
        *request.headers_mut() = self.headers_h2.clone();
        request
    }

    /// HEAD, 204 and 304 answers have no body whatever Content-Length says.
    fn has_body(&self, status: u16) -> bool {
        self.method != Method::HEAD && !matches!(status, 204 | 304)
    }

    /// The `Content-Encoding` lines (joined) and `Content-Length` of a response.
    fn body_headers(headers: &HeaderMap) -> (Option<String>, Option<u64>) {
        let mut lines = headers
            .get_all(header::CONTENT_ENCODING)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let encoding = lines.next().map(|first| {
            lines.fold(first, |mut all, line| {
                all.push_str(", ");
                all.push_str(&line);
                all
            })
        });
        let length = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        (encoding, length)
    }

    fn body_counter(&self, status: u16, headers: &HeaderMap) -> Result<BodyCounter, Failure> {
        let (encoding, length) = Self::body_headers(headers);
        BodyCounter::new(
            self.max_body,
            encoding.as_deref(),
            length,
            self.has_body(status),
        )
    }
}

fn target_index(
    url: &Url,
    settings: &ClientSettings,
    targets: &mut Vec<Target>,
) -> Result<usize, String> {
    let https = match url.scheme() {
        "https" => true,
        "http" => false,
        other => return Err(format!("`{other}` URLs cannot be load tested")),
    };
    let port = url
        .port_or_known_default()
        .ok_or_else(|| format!("{url} has no port"))?;
    let (host, literal) = match url.host() {
        Some(url::Host::Domain(domain)) => (domain.to_ascii_lowercase(), None),
        Some(url::Host::Ipv4(ip)) => (ip.to_string(), Some(IpAddr::V4(ip))),
        Some(url::Host::Ipv6(ip)) => (ip.to_string(), Some(IpAddr::V6(ip))),
        None => return Err(format!("{url} has no host")),
    };
    if let Some(index) = targets
        .iter()
        .position(|t| t.https == https && t.host == host && t.port == port)
    {
        return Ok(index);
    }
    let pinned = literal.or_else(|| {
        settings
            .resolve
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(&host))
            .map(|(_, ip)| *ip)
    });
    let server_name = ServerName::try_from(host.clone())
        .map_err(|_| format!("{host} is not a valid TLS server name"))?;
    let mut base = url.clone();
    base.set_path("/");
    base.set_query(None);
    base.set_fragment(None);
    targets.push(Target {
        https,
        at: format!("{}:{port}", url.host_str().unwrap_or_default()),
        host,
        port,
        pinned,
        server_name,
        url: base,
    });
    Ok(targets.len() - 1)
}

/// What every slot of every worker thread shares: the targets, TLS, HTTP version.
pub struct Transport {
    pub targets: Vec<Target>,
    tls: TlsConnector,
    http: HttpVersionPolicy,
    /// Set when a proxy is configured: requests go through reqwest (one client per
    /// worker thread, built in that thread's runtime).
    pooled: Option<ClientSettings>,
}

impl Transport {
    pub fn new(
        targets: Vec<Target>,
        settings: &ClientSettings,
    ) -> Result<Transport, crate::client::ClientError> {
        let tls = crate::client::rustls_config(settings)?;
        let pooled = settings.proxy.is_some().then(|| settings.clone());
        Ok(Transport {
            targets,
            tls: TlsConnector::from(Arc::new(tls)),
            http: settings.http,
            pooled,
        })
    }

    /// True when every target is this machine (a loopback address, pinned or
    /// literal, or `localhost`) and no proxy stands between: the service under test
    /// then shares the CPU cores with the load.
    pub fn all_targets_local(&self) -> bool {
        self.pooled.is_none()
            && self.targets.iter().all(|target| match target.pinned {
                Some(ip) => ip.is_loopback(),
                None => target.host.eq_ignore_ascii_case("localhost"),
            })
    }

    /// The reqwest client of one worker thread, when a proxy is configured.
    pub fn pooled_client(&self) -> Result<Option<reqwest::Client>, String> {
        self.pooled
            .as_ref()
            .map(|settings| crate::client::build_client(settings).map_err(|e| e.to_string()))
            .transpose()
    }
}

/// A slot's connections (one per target, opened on first use) and its one timer.
pub struct Slot {
    /// The phases of the request last sent (see [`Slot::timings`]).
    marks: Marks,
    conns: Vec<Option<Conn>>,
    addrs: Vec<Option<Vec<SocketAddr>>>,
    /// Waits for due times (open model) and bounds each request by its timeout.
    /// Reset lazily: only when it fires before the deadline in force, so a request
    /// normally costs no timer operation.
    timer: Pin<Box<Sleep>>,
}

impl Slot {
    /// Must be called inside a Tokio runtime (the timer belongs to it).
    pub fn new(targets: usize) -> Slot {
        Slot {
            marks: Marks::default(),
            conns: (0..targets).map(|_| None).collect(),
            addrs: vec![None; targets],
            timer: Box::pin(tokio::time::sleep_until(Instant::now())),
        }
    }

    /// Sleeps until `due` (open model).
    pub async fn wait_until(&mut self, due: std::time::Instant) {
        self.timer.as_mut().reset(Instant::from_std(due));
        self.timer.as_mut().await;
    }

    /// Sends `request` and reads the whole response within its timeout; the status
    /// of the complete response, or why there was none.
    pub async fn send(
        &mut self,
        transport: &Transport,
        pooled: Option<&reqwest::Client>,
        request: &Prepared,
    ) -> Result<u16, Failure> {
        let deadline = Instant::now() + request.timeout;
        let Slot {
            marks,
            conns,
            addrs,
            timer,
        } = self;
        *marks = Marks::default();
        let exchange = async {
            match pooled {
                Some(client) => send_pooled(client, request, marks).await,
                None => send_lean(conns, addrs, transport, request, marks).await,
            }
        };
        match within(timer, deadline, exchange).await {
            Some(result) => result,
            None => {
                // The connection is mid-exchange: it cannot be reused.
                conns[request.target] = None;
                Err(Failure::new(
                    TransportKind::Timeout,
                    format!(
                        "no complete response within {}",
                        input::quantity::format_duration(request.timeout)
                    ),
                ))
            }
        }
    }
}

impl Slot {
    /// The phases of the request last sent, which started at `sent` and ended at
    /// `end`: the connection's, when it opened one; to the response head; the body.
    pub fn timings(&self, sent: std::time::Instant, end: std::time::Instant) -> Timings {
        let opened = self.marks.opened.unwrap_or_default();
        let head = self.marks.head;
        Timings {
            dns: opened.dns,
            connect: opened.connect,
            tls: opened.tls,
            send: None,
            ttfb: head.map(|head| head.saturating_duration_since(sent)),
            transfer: head.map(|head| end.saturating_duration_since(head)),
            total: end.saturating_duration_since(sent),
        }
    }
}

/// What one load request's phases came to, marked as it went.
#[derive(Debug, Clone, Copy, Default)]
struct Marks {
    /// The connection it opened, if any.
    opened: Option<Opened>,
    /// When its complete response head arrived.
    head: Option<std::time::Instant>,
}

/// The phases of opening a connection; `dns` only when the host was looked up
/// (once per slot and target, never for a pinned host).
#[derive(Debug, Clone, Copy, Default)]
struct Opened {
    dns: Option<Duration>,
    connect: Option<Duration>,
    tls: Option<Duration>,
}

/// Polls `future` until it completes (`Some`) or `deadline` passes (`None`), with
/// `timer` moved only when it fires early (see [`Slot::timer`]).
async fn within<F: Future>(
    timer: &mut Pin<Box<Sleep>>,
    deadline: Instant,
    future: F,
) -> Option<F::Output> {
    if timer.deadline() > deadline {
        timer.as_mut().reset(deadline);
    }
    let mut future = pin!(future);
    poll_fn(|cx| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        while timer.as_mut().poll(cx).is_ready() {
            if Instant::now() >= deadline {
                return Poll::Ready(None);
            }
            timer.as_mut().reset(deadline);
        }
        Poll::Pending
    })
    .await
}

async fn send_lean(
    conns: &mut [Option<Conn>],
    addrs: &mut [Option<Vec<SocketAddr>>],
    transport: &Transport,
    request: &Prepared,
    marks: &mut Marks,
) -> Result<u16, Failure> {
    let index = request.target;
    let mut retried = false;
    loop {
        if conns[index].as_ref().is_none_or(Conn::is_closed) {
            conns[index] = None;
            let target = &transport.targets[index];
            let opening = marks.opened.insert(Opened::default());
            conns[index] = Some(connect(transport, target, &mut addrs[index], opening).await?);
        }
        let Some(conn) = conns[index].as_mut() else {
            unreachable!("a connection was just opened");
        };
        let reused = conn.used > 0;
        conn.used += 1;
        let result = conn.send(request, &mut marks.head).await;
        if result.is_err() || conn.done {
            conns[index] = None;
        }
        match result {
            Err(failure) if failure.retry && reused && request.idempotent && !retried => {
                retried = true;
            }
            other => return other,
        }
    }
}

/// Through reqwest (a proxy): its connection phases are not seen here, only the
/// time to the response head and the body.
async fn send_pooled(
    client: &reqwest::Client,
    request: &Prepared,
    marks: &mut Marks,
) -> Result<u16, Failure> {
    let mut outgoing = reqwest::Request::new(request.method.clone(), request.url.clone());
    // reqwest adds Host itself from the URL, unless the probe set one.
    *outgoing.headers_mut() = request.headers_h2.clone();
    if !request.body.is_empty() {
        *outgoing.body_mut() = Some(reqwest::Body::from(request.body.clone()));
    }
    let failure =
        |error: observe::exchange::TransportError| Failure::new(error.kind, error.message);
    let mut response = client
        .execute(outgoing)
        .await
        .map_err(|e| failure(classify_reqwest_error(e, None, &request.url)))?;
    marks.head = Some(std::time::Instant::now());
    let status = response.status().as_u16();
    let mut body = request.body_counter(status, response.headers())?;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => body.push(&chunk)?,
            Ok(None) => break,
            Err(e) => {
                return Err(failure(classify_reqwest_error(
                    e,
                    Some(body.wire_bytes),
                    &request.url,
                )));
            }
        }
    }
    body.finish()?;
    Ok(status)
}

/// Counts (and, when encoded, decodes) a body against `max_body`, keeping nothing.
pub(super) struct BodyCounter {
    wire_bytes: u64,
    max_body: u64,
    decoder: Option<BodyDecoder>,
}

impl BodyCounter {
    /// `Err` when an unencoded body announces more than `max_body` (it is not read).
    pub(super) fn new(
        max_body: u64,
        content_encoding: Option<&str>,
        content_length: Option<u64>,
        has_body: bool,
    ) -> Result<BodyCounter, Failure> {
        let decoder = content_encoding
            .map(|encoding| BodyDecoder::new(Some(encoding), max_body))
            .filter(|decoder| !decoder.is_identity());
        if decoder.is_none()
            && has_body
            && let Some(length) = content_length.filter(|&l| l > max_body)
        {
            return Err(Failure::new(
                TransportKind::BodyTooLarge,
                format!(
                    "the body ({length} bytes, from Content-Length) is larger than max_body ({max_body} bytes)"
                ),
            ));
        }
        Ok(BodyCounter {
            wire_bytes: 0,
            max_body,
            decoder,
        })
    }

    pub(super) fn wire_bytes(&self) -> u64 {
        self.wire_bytes
    }

    pub(super) fn push(&mut self, chunk: &[u8]) -> Result<(), Failure> {
        self.wire_bytes += chunk.len() as u64;
        match &mut self.decoder {
            Some(decoder) => decoder.push(chunk).map_err(|e| self.decode_failure(e)),
            None if self.wire_bytes > self.max_body => Err(self.too_large()),
            None => Ok(()),
        }
    }

    pub(super) fn finish(&mut self) -> Result<(), Failure> {
        match self.decoder.take() {
            Some(decoder) => decoder
                .finish()
                .map(drop)
                .map_err(|e| self.decode_failure(e)),
            None => Ok(()),
        }
    }

    fn too_large(&self) -> Failure {
        Failure::new(
            TransportKind::BodyTooLarge,
            format!(
                "the decoded body is larger than max_body ({} bytes)",
                self.max_body
            ),
        )
    }

    fn decode_failure(&self, error: DecodeError) -> Failure {
        match error {
            DecodeError::TooLarge { .. } => self.too_large(),
            DecodeError::Corrupt { .. } => Failure::new(TransportKind::Protocol, error.to_string()),
        }
    }
}

/// A plain or TLS socket, as one type for hyper.
enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_read(cx, buf),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_write(cx, buf),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_write_vectored(cx, bufs),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(tcp) => tcp.is_write_vectored(),
            Stream::Tls(tls) => tls.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_flush(cx),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(tcp) => Pin::new(tcp).poll_shutdown(cx),
            Stream::Tls(tls) => Pin::new(tls.as_mut()).poll_shutdown(cx),
        }
    }
}

type Io = TokioIo<Stream>;

/// One open connection; its hyper connection future is polled by whoever sends.
struct Conn {
    link: Link,
    /// The connection future finished: the server closed it, or it broke.
    done: bool,
    /// Requests sent on it so far.
    used: u64,
}

enum Link {
    H1(Box<Http1<Stream>>),
    H2 {
        sender: http2::SendRequest<Full<Bytes>>,
        conn: Pin<Box<http2::Connection<Io, Full<Bytes>, TokioExecutor>>>,
    },
}

impl Conn {
    fn is_closed(&self) -> bool {
        self.done
            || match &self.link {
                Link::H1(http) => !http.is_reusable(),
                Link::H2 { sender, .. } => sender.is_closed(),
            }
    }

    /// Sends `request`; `head` is set when its response head arrives.
    async fn send(
        &mut self,
        request: &Prepared,
        head: &mut Option<std::time::Instant>,
    ) -> Result<u16, Failure> {
        let Conn { link, done, .. } = self;
        match link {
            Link::H1(http) => {
                let result = http
                    .exchange(
                        &request.wire_h1,
                        request.method == Method::HEAD,
                        request.max_body,
                    )
                    .await;
                *head = http.head_at();
                *done = !http.is_reusable();
                result
            }
            Link::H2 { sender, conn } => {
                let work = async {
                    sender
                        .ready()
                        .await
                        .map_err(|e| hyper_failure(&e, Stage::Head))?;
                    let response = sender
                        .send_request(request.http2_request())
                        .await
                        .map_err(|e| hyper_failure(&e, Stage::Head))?;
                    *head = Some(std::time::Instant::now());
                    read_body(response, request).await
                };
                drive(conn.as_mut(), done, work).await
            }
        }
    }
}

/// Polls the request and its connection together until the request is done: the
/// connection makes progress only while someone polls it, and here that is the
/// request's own future (two rounds per wake-up, so that a step of one that
/// unblocks the other is taken at once).
async fn drive<C, W>(mut conn: Pin<&mut C>, done: &mut bool, work: W) -> Result<u16, Failure>
where
    C: Future<Output = hyper::Result<()>>,
    W: Future<Output = Result<u16, Failure>>,
{
    let mut work = pin!(work);
    let mut broken: Option<hyper::Error> = None;
    let result = poll_fn(|cx| {
        for _ in 0..2 {
            if let Poll::Ready(result) = work.as_mut().poll(cx) {
                return Poll::Ready(result);
            }
            if !*done && let Poll::Ready(ended) = conn.as_mut().poll(cx) {
                *done = true;
                broken = ended.err();
            }
        }
        Poll::Pending
    })
    .await;
    match (result, broken) {
        // The request only saw "canceled": the connection's own error says why.
        (Err(failure), Some(error)) if failure.message == CANCELED => {
            let mut better = hyper_failure(&error, Stage::Head);
            better.retry = failure.retry;
            Err(better)
        }
        (result, _) => result,
    }
}

pub(super) const CANCELED: &str = "the connection closed before the response";

async fn read_body(response: Response<Incoming>, request: &Prepared) -> Result<u16, Failure> {
    let status = response.status().as_u16();
    let mut counter = request.body_counter(status, response.headers())?;
    let mut body = response.into_body();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| hyper_failure(&e, Stage::Body(counter.wire_bytes)))?;
        if let Ok(data) = frame.into_data() {
            counter.push(&data)?;
        }
    }
    counter.finish()?;
    Ok(status)
}

async fn connect(
    transport: &Transport,
    target: &Target,
    cached: &mut Option<Vec<SocketAddr>>,
    opened: &mut Opened,
) -> Result<Conn, Failure> {
    if cached.is_none() {
        let looking_up = std::time::Instant::now();
        *cached = Some(resolve(target).await?);
        if target.pinned.is_none() {
            opened.dns = Some(looking_up.elapsed());
        }
    }
    let addrs = cached.as_deref().unwrap_or_default();
    let connecting = std::time::Instant::now();
    let mut last_error = None;
    let mut tcp = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => {
                tcp = Some(stream);
                break;
            }
            Err(error) => last_error = Some(error),
        }
    }
    let Some(tcp) = tcp else {
        let error = last_error.unwrap_or_else(|| io::Error::other("no address"));
        return Err(connect_failure(&error, target));
    };
    let handshaking = std::time::Instant::now();
    opened.connect = Some(handshaking.duration_since(connecting));
    // Small requests should leave at once, not wait for Nagle.
    let _ = tcp.set_nodelay(true);
    let (stream, http2) = if target.https {
        let tls = transport
            .tls
            .connect(target.server_name.clone(), tcp)
            .await
            .map_err(|error| handshake_failure(&error, target))?;
        opened.tls = Some(handshaking.elapsed());
        let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
        (Stream::Tls(Box::new(tls)), h2)
    } else {
        (
            Stream::Plain(tcp),
            transport.http == HttpVersionPolicy::Http2,
        )
    };
    if !http2 {
        return Ok(Conn {
            link: Link::H1(Box::new(Http1::new(stream))),
            done: false,
            used: 0,
        });
    }
    let io = TokioIo::new(stream);
    let protocol = |e: hyper::Error| {
        Failure::new(
            TransportKind::Protocol,
            format!("the HTTP handshake with {} failed: {e}", target.at),
        )
    };
    let (sender, conn) = http2::Builder::new(TokioExecutor::new())
        .handshake(io)
        .await
        .map_err(protocol)?;
    Ok(Conn {
        link: Link::H2 {
            sender,
            conn: Box::pin(conn),
        },
        done: false,
        used: 0,
    })
}

/// The target's addresses, looked up once per slot for the run.
async fn resolve(target: &Target) -> Result<Vec<SocketAddr>, Failure> {
    if let Some(ip) = target.pinned {
        return Ok(vec![SocketAddr::new(ip, target.port)]);
    }
    let found = tokio::net::lookup_host((target.host.as_str(), target.port))
        .await
        .map_err(|e| {
            Failure::new(
                TransportKind::Dns,
                format!("could not resolve host {} ({e})", target.host),
            )
        })?;
    let addrs: Vec<SocketAddr> = found.collect();
    if addrs.is_empty() {
        return Err(Failure::new(
            TransportKind::Dns,
            format!("could not resolve host {} (no address)", target.host),
        ));
    }
    Ok(addrs)
}

fn connect_failure(error: &io::Error, target: &Target) -> Failure {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => Failure::new(
            TransportKind::Connect,
            format!("connection refused by {}", target.at),
        ),
        io::ErrorKind::TimedOut => Failure::new(
            TransportKind::Timeout,
            format!("timed out connecting to {}", target.at),
        ),
        _ => Failure::new(
            TransportKind::Connect,
            format!("could not connect to {} ({error})", target.at),
        ),
    }
}

fn handshake_failure(error: &io::Error, target: &Target) -> Failure {
    let rustls_error = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match rustls_error {
        Some(tls) => {
            let error = tls_error(tls, &target.url, &target.at);
            Failure::new(error.kind, error.message)
        }
        None => Failure::new(
            TransportKind::Tls,
            format!("TLS handshake with {} failed: {error}", target.at),
        ),
    }
}

/// Where a hyper error happened: before the response head, or in the body (with the
/// body bytes received so far).
#[derive(Debug, Clone, Copy)]
enum Stage {
    Head,
    Body(u64),
}

pub(super) const RESET_KINDS: [io::ErrorKind; 4] = [
    io::ErrorKind::ConnectionReset,
    io::ErrorKind::ConnectionAborted,
    io::ErrorKind::BrokenPipe,
    io::ErrorKind::UnexpectedEof,
];

/// A hyper error in the transport vocabulary (semantics.md, "Requests").
fn hyper_failure(error: &hyper::Error, stage: Stage) -> Failure {
    let mut io_kind = None;
    let mut source = std::error::Error::source(error);
    let mut chain = error.to_string();
    while let Some(cause) = source {
        if let Some(io_error) = cause.downcast_ref::<io::Error>() {
            io_kind = io_kind.or(Some(io_error.kind()));
        }
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    let where_ = match stage {
        Stage::Head => "before a complete response header".to_string(),
        Stage::Body(bytes) => format!("in the middle of the body, after {bytes} bytes"),
    };
    let reset = io_kind.is_some_and(|kind| RESET_KINDS.contains(&kind))
        || error.is_incomplete_message()
        // h2 reports a RST_STREAM or GOAWAY from the peer this way.
        || chain.contains("error received:");
    if error.is_timeout() || io_kind == Some(io::ErrorKind::TimedOut) {
        Failure::new(TransportKind::Timeout, format!("timed out ({chain})"))
    } else if error.is_parse() || error.is_parse_status() || error.is_parse_too_large() {
        Failure::new(
            TransportKind::Protocol,
            format!("the server did not answer with valid HTTP ({chain})"),
        )
    } else if error.is_canceled() || error.is_closed() {
        Failure::new(TransportKind::Reset, CANCELED).retryable()
    } else if reset {
        let failure = Failure::new(
            TransportKind::Reset,
            format!("connection closed {where_} ({chain})"),
        );
        match stage {
            Stage::Head => failure.retryable(),
            Stage::Body(_) => failure,
        }
    } else if io_kind.is_some() {
        Failure::new(
            TransportKind::Read,
            format!("error reading {where_} ({chain})"),
        )
    } else {
        Failure::new(
            TransportKind::Protocol,
            format!("the exchange failed ({chain})"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_timer_moves_only_when_it_fires_early() {
        let mut timer = Box::pin(tokio::time::sleep_until(Instant::now()));
        let deadline = Instant::now() + Duration::from_millis(30);
        let late = within(&mut timer, deadline, std::future::pending::<()>()).await;
        assert_eq!(late, None);
        assert!(Instant::now() >= deadline);
        let on_time = within(&mut timer, Instant::now() + Duration::from_secs(5), async {
            7
        })
        .await;
        assert_eq!(on_time, Some(7));
        // The timer still holds the earlier deadline: nothing was reset for the quick one.
        assert_eq!(timer.deadline(), deadline);
    }

    #[test]
    fn targets_on_this_machine_are_told_apart_from_remote_ones() {
        crate::client::install_crypto_provider();
        let settings = ClientSettings {
            resolve: vec![
                (
                    "dukcapil.contohkab.go.id".into(),
                    IpAddr::from([127, 0, 0, 1]),
                ),
                ("pajak.contohkab.go.id".into(), IpAddr::from([10, 20, 0, 5])),
            ],
            ..ClientSettings::default()
        };
        let transport = |urls: &[&str], settings: &ClientSettings| {
            let mut targets = Vec::new();
            for url in urls {
                target_index(&Url::parse(url).expect("url"), settings, &mut targets)
                    .expect("target");
            }
            Transport::new(targets, settings).expect("transport")
        };
        let local = [
            "http://127.0.0.1:8080/",
            "https://dukcapil.contohkab.go.id/",
            "http://localhost:9000/",
            "http://[::1]:8080/",
        ];
        assert!(transport(&local, &settings).all_targets_local());
        for remote in [
            "https://pajak.contohkab.go.id/",
            "https://perizinan.contohkab.go.id/",
            "http://192.168.1.9/",
        ] {
            let urls = ["http://127.0.0.1:8080/", remote];
            assert!(!transport(&urls, &settings).all_targets_local(), "{remote}");
        }
        let proxied = ClientSettings {
            proxy: Some("http://127.0.0.1:3128".into()),
            ..settings.clone()
        };
        assert!(
            !transport(&local, &proxied).all_targets_local(),
            "through a proxy the service is wherever the proxy sends it"
        );
    }
}
