//! What happened to one request: the exchange, its redirect hops, the final response,
//! or the transport failure in one vocabulary ([`TransportKind`]).
//!
//! Strings a report may show are redacted when the `run` stage builds an exchange; the
//! body and `raw_headers` are kept raw for matchers and captures, are never serialized,
//! and must pass through a [`Redactor`](crate::redact::Redactor) before being shown.

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::redact::Redactor;
use crate::timing::Timings;

/// What happened to one request. Exactly one of `response` and `error` is set;
/// `received` may accompany `error`.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    pub method: String,
    /// The first URL (redacted).
    pub url: String,
    /// The URL of the last request sent (redacted); `url` when there was no redirect.
    pub final_url: String,
    /// As sent on the first hop (redacted with [`Redactor::redact_header`](crate::redact::Redactor::redact_header)). Cookies
    /// added from the client's jar and `Host`/`Content-Length` are not listed.
    pub request_headers: Vec<(String, String)>,
    /// Each redirect response, in order. With `too_many_redirects` the last one is the
    /// hop that was not followed.
    pub redirects: Vec<Hop>,
    /// The final response, when it arrived complete (headers and whole body).
    pub response: Option<Response>,
    /// Why no complete final response arrived.
    pub error: Option<TransportError>,
    /// With `error`, when the final response's head did arrive (the body was then cut
    /// short, too large, undecodable or too slow): its status and headers. A failed
    /// exchange keeps what it received, so a report can show the 200 or the 502 that
    /// came before the failure.
    pub received: Option<ReceivedHead>,
    pub started_at: SystemTime,
    /// From sending the first request to the last byte of the final body, or to the
    /// failure.
    pub latency: Duration,
    /// The phases of the last request sent (the final response's, or the one that
    /// failed); each redirect hop has its own.
    pub timings: Timings,
}

impl Exchange {
    /// Redacts again every string a report may show, with a redactor that has learnt
    /// secrets since this exchange was recorded (a token captured from this very
    /// response's headers, say).
    pub fn redact_again(&mut self, redactor: &Redactor) {
        let again = |text: &mut String| {
            if let std::borrow::Cow::Owned(redacted) = redactor.redact(text) {
                *text = redacted;
            }
        };
        let headers_again = |headers: &mut Vec<(String, String)>| {
            for (name, value) in headers.iter_mut() {
                *value = redactor.redact_header(name, value);
                again(name);
            }
        };
        again(&mut self.url);
        again(&mut self.final_url);
        headers_again(&mut self.request_headers);
        for hop in &mut self.redirects {
            again(&mut hop.url);
            again(&mut hop.location);
            headers_again(&mut hop.headers);
        }
        if let Some(response) = &mut self.response {
            // From the raw lines when they are kept: a secret that overlaps one
            // masked before would otherwise leave its tail behind.
            if response.raw_headers.len() == response.headers.len() {
                response.headers = response
                    .raw_headers
                    .iter()
                    .map(|(name, value)| {
                        (
                            redactor.redact(name).into_owned(),
                            redactor.redact_header(name, value),
                        )
                    })
                    .collect();
            } else {
                headers_again(&mut response.headers);
            }
            if let Some(encoding) = &mut response.content_encoding {
                again(encoding);
            }
            if let Some(note) = &mut response.decode_note {
                again(note);
            }
        }
        if let Some(error) = &mut self.error {
            again(&mut error.message);
        }
        if let Some(received) = &mut self.received {
            headers_again(&mut received.headers);
        }
    }

    /// True when a complete final response arrived.
    pub fn is_complete(&self) -> bool {
        self.response.is_some()
    }

    /// The final status, when a complete response arrived.
    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }
}

/// The head of a final response whose body did not arrive whole.
#[derive(Debug, Clone, Serialize)]
pub struct ReceivedHead {
    pub status: u16,
    /// `HTTP/1.1`, `HTTP/2`...
    pub version: String,
    /// As in [`Response::headers`]: names lower-case, redacted.
    pub headers: Vec<(String, String)>,
}

/// A redirect response (3xx with a usable `Location`).
#[derive(Debug, Clone, Serialize)]
pub struct Hop {
    /// The URL that answered with this redirect (redacted).
    pub url: String,
    pub status: u16,
    /// The `Location` header as received (redacted).
    pub location: String,
    /// Response headers (redacted with [`Redactor::redact_header`](crate::redact::Redactor::redact_header)).
    pub headers: Vec<(String, String)>,
    /// The phases of this hop's request.
    pub timings: Timings,
}

/// The final response.
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    pub status: u16,
    /// `HTTP/1.1`, `HTTP/2`, `HTTP/1.0`...
    pub version: String,
    /// As received: names lower-case, each field line kept (a repeated name gives several
    /// entries, in the order received), values as lossy UTF-8. Lines with different names
    /// come grouped by name in order of first appearance (hyper does not keep their
    /// interleaving). Redacted with [`Redactor::redact_header`](crate::redact::Redactor::redact_header): for reports and rules.
    pub headers: Vec<(String, String)>,
    /// The same lines **unredacted**, for matchers and captures. Not serialized.
    #[serde(skip)]
    pub raw_headers: Vec<(String, String)>,
    /// The decoded body, **unredacted**. Not serialized.
    #[serde(skip)]
    pub body: Bytes,
    /// `body` as text (Content-Type charset, else UTF-8, U+FFFD for invalid bytes),
    /// **unredacted**. Not serialized.
    #[serde(skip)]
    pub text: String,
    /// Body bytes received (after transfer decoding, before content decoding).
    pub wire_bytes: u64,
    /// Decoded body bytes.
    pub body_bytes: u64,
    /// The peer's `IP:port`.
    pub remote_addr: Option<String>,
    /// The `Content-Encoding` header (all lines joined with `, `), when present.
    pub content_encoding: Option<String>,
    /// Set when the body was kept as received (an unknown content coding).
    pub decode_note: Option<String>,
}

impl Response {
    /// The first line of a header (name case-insensitive), unredacted.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.raw_headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every line of a header (name case-insensitive), unredacted.
    pub fn header_lines<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.raw_headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why an exchange has no complete response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransportError {
    pub kind: TransportKind,
    /// A sentence for people, redacted.
    pub message: String,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

/// The transport failure vocabulary (semantics.md). `dropped` and `unexpected_status`
/// belong to the load and expectation layers, not to one exchange.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TransportKind {
    Dns,
    Connect,
    Tls,
    TlsLegacyOnly,
    Timeout,
    Reset,
    Read,
    Protocol,
    TooManyRedirects,
    BodyTooLarge,
}

impl TransportKind {
    pub const ALL: [TransportKind; 10] = [
        TransportKind::Dns,
        TransportKind::Connect,
        TransportKind::Tls,
        TransportKind::TlsLegacyOnly,
        TransportKind::Timeout,
        TransportKind::Reset,
        TransportKind::Read,
        TransportKind::Protocol,
        TransportKind::TooManyRedirects,
        TransportKind::BodyTooLarge,
    ];

    /// The code used in reports.
    pub fn code(self) -> &'static str {
        match self {
            TransportKind::Dns => "dns",
            TransportKind::Connect => "connect",
            TransportKind::Tls => "tls",
            TransportKind::TlsLegacyOnly => "tls_legacy_only",
            TransportKind::Timeout => "timeout",
            TransportKind::Reset => "reset",
            TransportKind::Read => "read",
            TransportKind::Protocol => "protocol",
            TransportKind::TooManyRedirects => "too_many_redirects",
            TransportKind::BodyTooLarge => "body_too_large",
        }
    }
}

impl TransportKind {
    /// The kind a report names by its code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// What happened, in Indonesian: the words a report puts before the
    /// client's own (English) detail.
    pub fn indonesian(self) -> &'static str {
        match self {
            TransportKind::Dns => "nama host tidak dapat ditemukan di DNS",
            TransportKind::Connect => "koneksi ke server gagal",
            TransportKind::Tls => "jabat tangan TLS gagal",
            TransportKind::TlsLegacyOnly => "server hanya menerima versi TLS lama",
            TransportKind::Timeout => "batas waktu habis",
            TransportKind::Reset => "koneksi diputus oleh server",
            TransportKind::Read => "respons gagal dibaca",
            TransportKind::Protocol => "respons melanggar protokol HTTP",
            TransportKind::TooManyRedirects => "terlalu banyak pengalihan",
            TransportKind::BodyTooLarge => "isi respons terlalu besar",
        }
    }
}

/// A transport failure for an Indonesian reader, from a report's code and
/// message: the kind in words, the client's own English detail quoted as such
/// (`koneksi diputus oleh server; rincian: `connection reset by peer``).
pub fn transport_text_id(code: &str, message: &str) -> String {
    let words: &str = match TransportKind::from_code(code) {
        Some(kind) => kind.indonesian(),
        None => code,
    };
    format!("{words}; rincian: `{}`", message.replace('`', "'"))
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod transport_text_tests {
    use super::*;

    #[test]
    fn every_kind_has_indonesian_words_and_quotes_the_detail() {
        for kind in TransportKind::ALL {
            assert_eq!(TransportKind::from_code(kind.code()), Some(kind));
            let text = transport_text_id(kind.code(), "connection reset by `peer`");
            assert!(text.starts_with(kind.indonesian()), "{text}");
            assert!(
                text.ends_with("rincian: `connection reset by 'peer'`"),
                "{text}"
            );
        }
        assert_eq!(transport_text_id("other", "x"), "other; rincian: `x`");
    }
}
